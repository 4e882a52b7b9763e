"""For screens that edit over the interview (roles, exceptions): one action, one undo step, and what to draw.

An action that takes several edits (a new person added to a role: the person, then the membership) is
applied as one group through the session (:meth:`Session.group`, so the ``Editor``): one undo step, here
and in the interview, and all or nothing when an edit is refused. The screens then draw from the
session's evaluation of the same revision the interview's gap panel shows.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Optional


class EditGroups:
    """Applies an action's edits through the session as one change; undoes and redoes them."""

    def __init__(self, session: Any) -> None:
        self.session = session
        #: Whether anything was changed, undone or redone here (the interview's form then shows it anew).
        self.edited = False

    def apply(self, edits: Iterable[Callable[[], Any]], label: str = "edit") -> None:
        """Run ``edits`` in order as one change; when one is refused none is applied and the error is raised."""
        with self.session.group(label):
            for edit in edits:
                edit()
        self.edited = True

    def undo(self) -> Optional[Any]:
        """Undo the last change (a whole action); None when there is nothing to undo."""
        change = self.session.undo()
        self.edited = self.edited or change is not None
        return change

    def redo(self) -> Optional[Any]:
        """Redo the change undone last."""
        change = self.session.redo()
        self.edited = self.edited or change is not None
        return change

    def leave(self, app: Any) -> None:
        """Close the screen on top; the interview below shows what was changed here in its form."""
        app.pop_screen()
        screen = app.screen
        if self.edited and hasattr(screen, "show_step") and getattr(screen, "step", None) is not None:
            screen.show_step(screen.step.id, rebuild=True)


#: How long a screen waits for the interview's own evaluation before it asks the session itself.
WAIT_FOR_INTERVIEW = 0.3


def fresh_evaluation(session: Any) -> Any:
    """The evaluation of the session's current revision (run it in a thread worker).

    The interview evaluates after every edit; its result is taken when it comes in time (so the gap
    panel's "new" marks stay its own), else the session is asked directly."""
    deadline = time.monotonic() + WAIT_FOR_INTERVIEW
    while True:
        last = session.last
        if last is not None and not session.stale:
            return last
        if time.monotonic() >= deadline:
            evaluation = session.evaluate()
            if evaluation is not None:
                return evaluation
        time.sleep(0.01)
