"""SVG snapshots of the release screens (review, publish, changes, history) at 120x40 and 80x24.

Same conventions as test_snapshots.py: fixed "today" and wall clock, no cursor blink. The revised client
is the demo with version 1.0 published and one retention cut (35d -> 30d) in its draft.
Update after a deliberate change with ``pytest tests/app/test_release_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from workbench.app.session import Session

from .conftest import TODAY
from .test_release import idle, published_demo
from .test_snapshots import _app, _steady

SIZES = [(120, 40), (80, 24)]


def _revised(root) -> str:
    ws = published_demo(root)
    session = Session.open(ws, today=TODAY)
    session.set("targets[3].retention.daily", "30d")
    session.close()
    return str(ws.path)


async def _open(pilot, *keys: str) -> None:
    await _steady(pilot)
    for key in keys:
        await pilot.press(key)
        await idle(pilot)
    await _steady(pilot)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_review_screen(snap_compare, size):
    async def show(pilot):
        await _open(pilot, "f6")

    assert snap_compare(_app(demo=True), terminal_size=size, run_before=show)


def test_review_written_policy_at_120x40(snap_compare):
    async def show(pilot):
        await _open(pilot, "f6", "shift+tab", "right", "right", "right")  # from the findings list to the tab strip

    assert snap_compare(_app(demo=True), terminal_size=(120, 40), run_before=show)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_changes_view(snap_compare, root, size):
    target = _revised(root)

    async def show(pilot):
        await _open(pilot, "f7")

    assert snap_compare(_app(target=target), terminal_size=size, run_before=show)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_publish_screen(snap_compare, root, size):
    target = _revised(root)

    async def show(pilot):
        await _open(pilot, "f7", "p")

    assert snap_compare(_app(target=target), terminal_size=size, run_before=show)


def test_publish_refused_at_120x40(snap_compare):
    async def show(pilot):
        await _open(pilot, "f6", "p")
        await pilot.press(*"first version", "enter")
        await idle(pilot)
        await _steady(pilot)

    assert snap_compare(_app(demo=True), terminal_size=(120, 40), run_before=show)


def _published_twice(root) -> str:
    from workbench.app import release

    target = _revised(root)
    session = Session.open(target, today=TODAY)
    outcome = release.publish(session.workspace, session.policy, bump="major", approver="Sam Okafor",
                              note="shorter daily retention in usw2", approved_on=TODAY)
    assert outcome.published, outcome.error
    session.close(save=False)
    return target


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_history_screen(snap_compare, root, size):
    target = _published_twice(root)

    async def show(pilot):
        await _open(pilot, "f8")
        await _until(pilot, lambda: pilot.app.screen.rows)  # the versions are read in a worker
        await _open(pilot, "d")
        await _until(pilot, lambda: "Comparing" not in str(pilot.app.screen.query_one("#diff-text").render()))

    assert snap_compare(_app(target=target), terminal_size=size, run_before=show)


async def _until(pilot, ready, tries: int = 100) -> None:
    """Pause until ``ready()`` holds: a worker's result reaches the screen a message after it completes."""
    for _ in range(tries):
        if ready():
            break
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
    await _steady(pilot)
