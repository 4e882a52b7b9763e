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
            self.call_after_refresh(self._hide_cut_keys)

    def on_resize(self) -> None:
        self.call_after_refresh(self._hide_cut_keys)

    def _hide_cut_keys(self) -> None:
        """Hide the keys that do not fit whole beside the palette key: a narrow terminal showed half a key
        ("f7 Changes f") against it. The keys hidden are still bindings, and the palette lists them all."""
        from textual.widgets._footer import FooterKey

        keys = list(self.query(FooterKey))
        palette = next((k for k in keys if k.has_class("-command-palette")), None)
        edge = palette.region.x if palette is not None and palette.display else self.region.right
        for key in keys:
            if key is not palette:
                key.styles.visibility = "visible" if key.region.right <= edge else "hidden"

    def compose(self):
        if self._bindings_ready:
            self._shown = self._keys()
        yield from super().compose()
