"""An Input whose own keys act in the order they were typed: every text box of the app is one.

Textual runs a widget's key bindings only once the key has bubbled back up to the app, through the message
queues, while the characters typed after it are inserted at once. Keys that arrive together (typed ahead
while the app was busy, pasted by a terminal multiplexer, sent by tmux) were so applied out of order:
``Home ctrl+k 2w Enter`` inserted "2w", then cleared the field and saved it empty, and in a dialog, a name
typed before ``Enter`` could be submitted without its last letters. Here the Input's own bindings run as
the key arrives.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


def keep_typing_order(widget, event) -> bool:
    """Keys typed fast (pasted) go where a person meant them; True when ``event`` was dealt with here.

    A key typed ahead of a Tab that has since moved the focus belongs to the field it moved to (``has_focus``
    follows the focus only once its Blur event is handled, after these keys); a Tab moves the focus at once,
    as typed: bubbled up to the app's binding, it moved the focus only after the keys typed behind it had gone
    into this box ("CFO<tab>2026-07-15" filled one field with "CFO2026-07-15")."""
    target = widget.screen.focused if widget.is_attached else None
    if target is not None and target is not widget:
        event.stop()
        event.prevent_default()
        target.post_message(events.Key(event.key, event.character))
        return True
    if event.key in ("tab", "shift+tab"):
        event.stop()
        event.prevent_default()
        if event.key == "tab":
            widget.screen.focus_next()
        else:
            widget.screen.focus_previous()
        return True
    return False


class OrderedInput(Input):
    """:class:`textual.widgets.Input`, with its own bindings run when their key arrives, not after it bubbled.

    ctrl+a selects the whole answer, as in every form people fill in elsewhere (Textual's Input moves to the
    start of the line, as a shell does: typing then went in front of the old answer); home moves there."""

    BINDINGS = [Binding("ctrl+a", "select_all", "Select all", show=False)]

    async def _on_key(self, event) -> None:
        if keep_typing_order(self, event):
            return
        if not event.is_printable:
            for key in (event.key, *event.aliases):
                for binding in self._bindings.key_to_bindings.get(key, ()):
                    if not binding.priority:
                        event.stop()  # before the action: it must not bubble up and run again later
                        event.prevent_default()
                        await self.run_action(binding.action)
                        return
        # anything else goes on to Input's own handler (Textual calls each class's _on_key in turn)
