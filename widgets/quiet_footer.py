"""A footer that is rebuilt only when the keys it shows change.

Textual's :class:`~textual.widgets.Footer` rebuilds all its keys (and so the
screen's layout) whenever the focus moves, even from one answer field to the
next where the keys shown are the same. On a step with a few hundred widgets
that rebuild is most of what moving the cursor costs. This footer compares
the keys it would show (key, label, enabled) with those it shows and keeps
them when nothing changed.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class QuietFooter(Footer):
    """A :class:`Footer` that skips rebuilds which would show the same keys."""

    _shown: tuple | None = None

    def _keys(self, screen: Screen) -> tuple:
        return tuple((binding.key, binding.description, binding.action, enabled, tooltip)
                     for _, binding, enabled, tooltip in screen.active_bindings.values() if binding.show)

    def bindings_changed(self, screen: Screen) -> None:
        if self._bindings_ready and screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = self._keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)
