"""Helpers for Pilot tests: wait for the app to settle, answer a question by typing."""

from __future__ import annotations

from workbench.app.app import WorkbenchApp
from workbench.app.screens.interview import InterviewScreen

from .conftest import TODAY


def make_app(**kwargs) -> WorkbenchApp:
    kwargs.setdefault("today", TODAY)
    return WorkbenchApp(**kwargs)


async def settle(pilot, rounds: int = 40) -> None:
    """Until every worker is done, the gap panel shows the latest revision and the draft is saved."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        screen = app.screen
        if not isinstance(screen, InterviewScreen):
            return
        busy = screen._save_timer is not None
        if not busy and not app.session.stale and not app.session.dirty:
            await pilot.pause()
            return
    raise AssertionError("the app did not settle")


def open_rules(app) -> set[str]:
    return {f.rule for f in app.screen.derived.evaluation.report.open}


def open_findings(app) -> list:
    return app.screen.derived.evaluation.report.open


async def answer(pilot, path: str, text: str) -> int:
    """Jump to ``path``, replace its text and press enter; returns the keys pressed."""
    screen = pilot.app.screen
    screen.jump_to(path)
    await pilot.pause()
    await pilot.pause()
    keys = ["home", "ctrl+k", *list(text), "enter"]
    await pilot.press(*keys)
    return len(keys)


def run(test):
    """Run an async test function to completion (no asyncio plugin needed); fixtures still apply."""
    import asyncio
    import functools

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return wrapper
