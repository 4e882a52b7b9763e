"""SVG snapshots of an item table (systems) with a selection and a sort, at 120x40 and 80x24.

Deterministic like test_snapshots.py: a fixed "today", a fixed wall clock, no cursor blink.
Update after a deliberate change with ``pytest tests/app/test_table_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from widgets.item_table import ItemTable
from workbench.app.app import WorkbenchApp

from .conftest import TODAY
from .helpers import settle

CLOCK = dt.datetime(2026, 6, 30, 10, 0, 0)


async def _steady(pilot) -> None:
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_systems_table_selected_and_sorted(snap_compare, size):
    async def show(pilot):
        await _steady(pilot)
        pilot.app.screen.jump_to("systems")
        await _steady(pilot)
        table = pilot.app.screen.query_one("#items-systems", ItemTable)
        table.view.focus()
        await pilot.pause()
        await pilot.press("s", "space", "down", "down", "space")
        await pilot.pause(0.3)  # the item's questions follow the cursor when it rests
        await _steady(pilot)

    app = WorkbenchApp(today=TODAY, clock=lambda: CLOCK, demo=True)
    assert snap_compare(app, terminal_size=size, run_before=show)
