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
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """A :class:`textual.widgets.Footer` that skips rebuilds showing the same keys."""

    # Textual's compact footer gives every key a right margin, the palette key too: docked right, it ended one
    # column short of the edge, where the first letter of a key scrolled under it showed ("^p palettef").
    DEFAULT_CSS = """
    Footer.-compact FooterKey.-command-palette { margin-right: 0; }
    """

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

    def on_mount(self) -> None:
        # after every layout of the screen: the keys' places are known only then (keys composed again for
        # another focus are laid out a frame after they are mounted)
        self.screen.screen_layout_refresh_signal.subscribe(self, self._hide_cut_keys)

    def on_resize(self) -> None:
        for key in self.query(FooterKey):  # room for more, or for fewer: the next layout decides again
            key.styles.visibility = "visible"

    def _hide_cut_keys(self, _screen: object = None) -> None:
        """Hide the keys that do not fit whole beside the palette key: at 80 columns half a key showed against
        it ("f7 Changes f"). The keys hidden are still bindings, and the palette lists them all. A hidden key
        has no place on screen, so it is shown again only on a resize (or when the keys are composed anew)."""
        keys = list(self.query(FooterKey))
        palette = next((k for k in keys if k.has_class("-command-palette")), None)
        if palette is None or not palette.display or not palette.size.width:
            return
        for key in keys:
            if key is not palette and key.size.width and key.region.right > palette.region.x:
                key.styles.visibility = "hidden"

    def compose(self):
        # The keys the screen has when the footer is first composed are shown at once: Textual's footer waits
        # for the screen to announce its bindings, which it does after its first frame, so that frame had an
        # empty footer and the next ones composed it. A change of keys later (the focus moving into a widget
        # with keys of its own) recomposes it as before.
        self.set_reactive(TextualFooter._bindings_ready, True)
        self._shown = self._keys()
        yield from super().compose()
