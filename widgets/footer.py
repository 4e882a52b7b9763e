"""Textual's footer, composed again only when the keys it shows change.

Textual rebuilds the footer's keys on every change of focus or of the
bindings. On the interview screen (sixteen keys) that happened three times
before the first frame with the findings, each rebuild costing about a third
of a bare Textual app's whole start, and again as the person moves between
fields of one form, where the keys usually stay the same. This footer keeps
what it last showed and rebuilds only when it would show something else.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """A :class:`textual.widgets.Footer` that skips rebuilds showing the same keys."""

    _shown: Any = None

    def _keys(self) -> tuple:
        """What the footer shows: each key, its action, label, state and tooltip, and the palette key."""
        active = self.screen.active_bindings
        keys = tuple((b.key, b.action, b.description, enabled, tooltip, b.group.description if b.group else None)
                     for (_, b, enabled, tooltip) in active.values() if b.show)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (keys, self.show_command_palette, palette[1].key if palette else None,
                palette[2] if palette else None)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()

    def compose(self):
        # The keys the screen has when the footer is first composed are shown at once: Textual's footer waits
        # for the screen to announce its bindings, which it does after its first frame, so that frame had an
        # empty footer and the next ones composed it. A change of keys later (the focus moving into a widget
        # with keys of its own) recomposes it as before.
        self.set_reactive(TextualFooter._bindings_ready, True)
        self._shown = self._keys()
        yield from super().compose()
