"""A text box for a sentence or two (a justification, a note): it wraps, so the whole text stays in view.

A one-line Input scrolls sideways, and a reader of a long justification sees only its last forty
characters. This box wraps within its width and grows to a few lines. It is still one paragraph: Enter
submits the form it is in (as in every other box of a dialog), and line breaks pasted into it read as spaces.
"""

from __future__ import annotations

import re

from textual.message import Message
from textual.widgets import TextArea

from .ordered_input import keep_typing_order

_SPACE = re.compile(r"\s+")


class ProseInput(TextArea):
    """A wrapping, one-paragraph text box; posts :class:`ProseInput.Submitted` on Enter."""

    DEFAULT_CSS = """
    ProseInput { height: auto; min-height: 2; max-height: 5; padding: 0; }
    """

    class Submitted(Message):
        def __init__(self, prose_input: "ProseInput") -> None:
            super().__init__()
            self.prose_input = prose_input

        @property
        def control(self) -> "ProseInput":
            return self.prose_input

    def __init__(self, value: str = "", *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(value, soft_wrap=True, tab_behavior="focus", show_line_numbers=False, compact=True,
                         highlight_cursor_line=False, placeholder=placeholder, id=id)

    @property
    def value(self) -> str:
        """The text as one paragraph: line breaks and runs of spaces read as one space."""
        return _SPACE.sub(" ", self.text).strip()

    async def _on_key(self, event) -> None:
        if keep_typing_order(self, event):  # pasted "owner<tab>Dr. Patel" went all into this box
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self))
        # anything else goes on to TextArea's own handler (Textual calls each class's _on_key in turn)
