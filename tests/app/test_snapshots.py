"""SVG snapshots of the screens: every step at 120x40, the start screen and one step at 80x24.

Deterministic: a fixed "today", a fixed wall clock, file times pinned, no cursor blink.
Update after a deliberate change with ``pytest tests/app/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from textual.widgets import Input

from workbench.app.app import WorkbenchApp
from workbench.app.questions import load_questions
from workbench.app.session import Session

from .conftest import TODAY
from .helpers import settle

CLOCK = dt.datetime(2026, 6, 30, 10, 0, 0)
STEPS = [s.id for s in load_questions().steps]


def _app(**kwargs) -> WorkbenchApp:
    return WorkbenchApp(today=TODAY, clock=lambda: CLOCK, **kwargs)


async def _steady(pilot) -> None:
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def _pin_times(root) -> None:
    stamp = dt.datetime(2026, 6, 29, 17, 30).timestamp()
    for folder, _, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (stamp, stamp))


@pytest.mark.parametrize("step", STEPS)
def test_each_step_at_120x40(snap_compare, step):
    async def show(pilot):
        await _steady(pilot)
        pilot.app.screen.show_step(step)
        await _steady(pilot)

    assert snap_compare(_app(demo=True), terminal_size=(120, 40), run_before=show)


def test_one_step_at_80x24(snap_compare):
    async def show(pilot):
        await _steady(pilot)
        pilot.app.screen.jump_to("tiers[1].rpo")
        await _steady(pilot)

    assert snap_compare(_app(demo=True), terminal_size=(80, 24), run_before=show)


def test_start_screen_at_80x24(snap_compare, root):
    Session.demo(root=root, today=TODAY).close()
    Session.new_client("Acme Dental", template="msp-small-business", root=root, today=TODAY).close()
    _pin_times(root)

    async def show(pilot):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=(80, 24), run_before=show)


def test_first_launch_at_80x24(snap_compare):
    async def show(pilot):
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=(80, 24), run_before=show)
