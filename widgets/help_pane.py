"""Plain-language help for the question in focus: what it means, why an auditor asks, evidence, an example.

The owner calls :meth:`HelpPane.show_help` with the question (anything with
``text`` and a ``help`` holding ``what``, ``why``, ``evidence`` and
``example``). Help text is data and is shown literally, never as markup.
"""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

#: The keys the footer has no room for at 120 columns (it shows ^n, f1, f2, ^z and f6 to f10).
MORE_KEYS = ("More keys: ctrl+y redo · ctrl+g gap panel · ctrl+l step list · f3 source of an answer · f4 the "
             "step's table · ctrl+o clients · f5 export follow-ups · ctrl+p everything else · ctrl+q save and quit")

PARTS = (("what", "What it means"), ("why", "Why an auditor asks"), ("evidence", "Evidence they will want"),
         ("example", "Example answer"))


class HelpPane(VerticalScroll, can_focus=False):
    """Help for one question (F1 shows and hides it)."""

    DEFAULT_CSS = """
    HelpPane { height: auto; max-height: 50%; padding: 0 1; border-bottom: solid $primary; }
    HelpPane > Static { height: auto; }
    HelpPane > #help-keys { color: $text-muted; padding: 1 0 0 0; }
    """

    def compose(self):
        yield Static("Move to a question to see what it means, why an auditor asks and an example answer.",
                     id="help-body", markup=False)
        yield Static(MORE_KEYS, id="help-keys", markup=False)

    def show_help(self, question: Any) -> None:
        self.query_one("#help-body", Static).update(help_content(question))


def help_content(question: Any) -> Content:
    """The help of ``question`` as styled content (user text kept literal)."""
    if question is None:
        return Content("No help for this field.")
    parts: list = [(str(question.text), "bold"), "\n"]
    help_ = getattr(question, "help", None)
    for attr, title in PARTS:
        text = getattr(help_, attr, "") if help_ is not None else ""
        if text:
            parts += ["\n", (title, "bold $accent"), "\n", str(text).strip(), "\n"]
    return Content.assemble(*parts)
