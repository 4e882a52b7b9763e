"""For screens that edit over the interview (roles, exceptions): grouped undo, and the evaluation to draw.

Undo and redo of actions that take several edits, as one step (a new person added to a role is two).

The session's ``Editor`` keeps one undo stack of single changes; this remembers
which consecutive changes one action made, so the screen that made them undoes
and redoes them together. Nothing else edits the policy while such a screen is
open (it is modal over the interview), so the stack order is the action order.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Optional

from ..session import EditError


class EditGroups:
    """Applies an action's edits through the session and undoes or redoes them as one."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self._sizes: dict[int, int] = {}  # id(last change of an action) -> how many changes it made
        self._firsts: dict[int, int] = {}  # id(first change of an action) -> how many changes it made

    def apply(self, edits: Iterable[Callable[[], Any]]) -> list:
        """Run ``edits`` in order; when one is refused the earlier ones are undone and the error raised."""
        done = []
        try:
            for edit in edits:
                done.append(edit())
        except EditError:
            for _ in done:
                self.session.undo()
            raise
        if len(done) > 1:
            self._sizes[id(done[-1])] = len(done)
            self._firsts[id(done[0])] = len(done)
        return done

    def undo(self) -> Optional[Any]:
        """Undo the last action (all of its changes); None when there is nothing to undo."""
        change = self.session.undo()
        for _ in range(self._sizes.get(id(change), 1) - 1):
            change = self.session.undo()
        return change

    def redo(self) -> Optional[Any]:
        """Redo the action undone last (all of its changes)."""
        change = self.session.redo()
        for _ in range(self._firsts.get(id(change), 1) - 1):
            change = self.session.redo()
        return change


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
