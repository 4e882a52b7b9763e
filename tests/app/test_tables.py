"""Pilot tests of the item tables: bulk edit and undo, CSV import, duplicate, sort, filter + select all."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from widgets.item_table import ItemTable
from widgets.question_field import QuestionField
from workbench.app.screens.table_dialogs import BulkEditDialog, ImportCsvDialog

from .helpers import make_app, run, settle


async def _systems(pilot) -> ItemTable:
    app = pilot.app
    app.screen.jump_to("systems")
    await settle(pilot)
    table = app.screen.query_one("#items-systems", ItemTable)
    table.view.focus()
    await pilot.pause()
    return table


def _tier_cells(table: ItemTable) -> list[str]:
    column = table.columns.index("tier")
    return [row[column] for row in table.rows]


async def _bulk_set(pilot, field: str, value) -> None:
    await pilot.press("b")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, BulkEditDialog)
    dialog.query_one("#bulk-field", Select).value = field
    await pilot.pause()
    choice = dialog.query_one("#bulk-choice", Select)
    if choice.display:
        choice.value = value
    else:
        dialog.query_one("#bulk-value", Input).value = value
    await pilot.pause()
    await pilot.click("#dlg-ok")
    await settle(pilot)


@run
async def test_bulk_set_a_tier_on_many_systems_then_undo_and_redo():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = await _systems(pilot)
        systems = app.session.policy.systems
        before = [s.tier for s in systems]
        cells_before = _tier_cells(table)
        target = app.session.policy.tiers[-1].id
        await pilot.press("ctrl+a")  # every row the filter shows (no filter: all)
        assert len(table.view.selected) == len(systems)
        undo_depth = len(app.session.editor._undo)
        await _bulk_set(pilot, "tier", target)
        assert [s.tier for s in systems] == [target] * len(systems)
        assert _tier_cells(table) == [target] * len(systems)
        assert len(app.session.editor._undo) == undo_depth + 1  # one undoable change
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [s.tier for s in systems] == before
        assert _tier_cells(table) == cells_before  # the table is back too, row by row
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert _tier_cells(table) == [target] * len(systems)


@run
async def test_a_refused_bulk_value_keeps_the_dialog_open_and_changes_nothing():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = await _systems(pilot)
        await pilot.press("space", "down", "space")
        assert len(table.view.selected) == 2
        before = [s.size_gb for s in app.session.policy.systems]
        await _bulk_set(pilot, "size_gb", "lots")
        dialog = app.screen
        assert isinstance(dialog, BulkEditDialog)  # still open, with what was typed
        assert dialog.query_one("#bulk-value", Input).value == "lots"
        error = str(dialog.query_one("#dlg-error", Static).render())
        assert error.startswith("systems[0].size_gb") and "nothing of" in error, error
        assert [s.size_gb for s in app.session.policy.systems] == before


@run
async def test_import_a_csv_with_one_bad_row_adds_nothing_and_shows_the_row(tmp_path):
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _systems(pilot)
        tier = app.session.policy.tiers[0].id
        existing = app.session.policy.systems[0].id
        count = len(app.session.policy.systems)
        csv = tmp_path / "inventory.csv"
        csv.write_text(f"id,kind,environment,tier\nbilling-db,db,prod,{tier}\n{existing},vm,prod,{tier}\n"
                       f"crm,saas,prod,{tier}\n", encoding="utf-8")
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportCsvDialog)
        dialog.query_one("#import-path", Input).value = str(csv)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        shown = str(dialog.query_one("#import-problems", Static).render())
        assert "Nothing was imported: 1 row to fix" in shown
        assert f"line 3, column 1 (id): duplicate id {existing!r}" in shown
        assert len(app.session.policy.systems) == count
        # fixed in the file, the same dialog imports every row as one change
        csv.write_text(f"id,kind,environment,tier\nbilling-db,db,prod,{tier}\ncrm,saas,prod,{tier}\n",
                       encoding="utf-8")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog
        assert [s.id for s in app.session.policy.systems[-2:]] == ["billing-db", "crm"]
        table = app.screen.query_one("#items-systems", ItemTable)
        assert len(table.rows) == count + 2
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(app.session.policy.systems) == count and len(table.rows) == count


@run
async def test_duplicate_gives_a_new_unique_id_and_undo_removes_it():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = await _systems(pilot)
        original = app.session.policy.systems[0]
        count = len(app.session.policy.systems)
        await pilot.press("d")
        await settle(pilot)
        copy = app.session.policy.systems[-1]
        assert copy.id == f"{original.id}-copy" and copy.kind == original.kind and copy.tier == original.tier
        assert table.current == count and table.rows[-1][0] == copy.id
        table.select(0)
        await pilot.press("d")
        await settle(pilot)
        assert app.session.policy.systems[-1].id == f"{original.id}-copy-2"
        await pilot.press("ctrl+z", "ctrl+z")
        await settle(pilot)
        assert len(app.session.policy.systems) == count


@run
async def test_sort_by_key_and_by_clicking_a_header():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = await _systems(pilot)
        ids = [s.id for s in app.session.policy.systems]
        view = table.view
        await pilot.press("s")
        assert [table.rows[i][0] for i in view.order] == sorted(ids, key=str.lower)
        await pilot.press("s")
        assert [table.rows[i][0] for i in view.order] == sorted(ids, key=str.lower, reverse=True)
        # a click on the "kind" header sorts by kind
        kind = table.columns.index("kind")
        x = 2 + sum(w + 2 for w in view._widths[:kind]) + 1
        await pilot.click(view, offset=(x, 0))
        kinds = [table.rows[i][kind] for i in view.order]
        assert view.sort_column == kind and kinds == sorted(kinds, key=str.lower)
        assert "sorted by kind" in table.query_one(".it-hint").text


@run
async def test_filter_then_select_all_then_bulk_edit_touches_only_filtered_rows():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = await _systems(pilot)
        systems = app.session.policy.systems
        await pilot.press("slash", *"prod-")
        await pilot.press("enter")  # back to the table, filtered
        shown = {i for i in table.view.order}
        assert 0 < len(shown) < len(systems)
        assert all("prod-" in systems[i].id or "prod-" in " ".join(table.rows[i]) for i in shown)
        before = {i: s.owner for i, s in enumerate(systems)}
        await pilot.press("ctrl+a")
        await _bulk_set(pilot, "owner", "Platform [team]")  # brackets are text, not markup
        for i, s in enumerate(systems):
            assert s.owner == ("Platform [team]" if i in shown else before[i])


@run
async def test_a_bulk_edit_after_visiting_another_step_with_a_table():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.jump_to("tiers")  # a step whose table shows a tier's questions
        await settle(pilot)
        table = await _systems(pilot)
        await pilot.press("ctrl+a")
        await _bulk_set(pilot, "owner", "ops")
        assert app.screen is not None and all(s.owner == "ops" for s in app.session.policy.systems)
        assert len(table.view.selected) == len(app.session.policy.systems)


@run
async def test_adding_a_restore_test_offers_the_systems_there_are():
    """The add dialog asked for "system: System restored (id)" in a bare box, so a person had to remember and
    type an id; it offers the policy's systems to pick, and the test is added for the one picked."""
    from workbench.app.screens.dialogs import AddItemDialog

    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = len(app.session.policy.restore_tests)
        app.screen.jump_to("restore_tests")
        await settle(pilot)
        [table] = [t for t in app.screen.query(ItemTable) if t.list_path == "restore_tests"]
        table.view.focus()
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddItemDialog)
        pick = dialog.query_one("#add-system", Select)
        systems = [s.id for s in app.session.policy.systems]
        assert [value for _, value in pick._options if isinstance(value, str)] == systems
        pick.value = systems[-1]
        await pilot.pause()
        await pilot.click("#dlg-ok")
        await settle(pilot)
        assert len(app.session.policy.restore_tests) == before + 1
        assert app.session.policy.restore_tests[-1].system == systems[-1]


@run
async def test_bulk_edit_and_delete_in_a_list_inside_a_section():
    """In tmux, setting where ten alerts go in one bulk edit said "monitoring.alerts: no such field" and changed
    nothing: the tables of lists inside a section (monitoring.alerts) built the edit's path as if the list were
    at the top of the policy. Bulk edit, its undo and a delete now work there as on systems."""
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        alerts = app.session.policy.monitoring.alerts
        count, before = len(alerts), [a.channel for a in alerts]
        app.screen.jump_to("monitoring.alerts")
        await settle(pilot)
        [table] = [t for t in app.screen.query(ItemTable) if t.list_path == "monitoring.alerts"]
        table.view.focus()
        rows = [list(row) for row in table.rows]
        await pilot.press("ctrl+a")
        await _bulk_set(pilot, "channel", "Cascade IT service desk")
        assert not isinstance(app.screen, BulkEditDialog), "the dialog stayed open: the edit was refused"
        assert [a.channel for a in app.session.policy.monitoring.alerts] == ["Cascade IT service desk"] * count
        shown = {f.path: f for f in app.screen.query(QuestionField)}
        assert shown["monitoring.alerts[0].channel"]._value == "Cascade IT service desk"  # the item form too
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [a.channel for a in app.session.policy.monitoring.alerts] == before
        assert [list(row) for row in table.rows] == rows
        assert shown["monitoring.alerts[0].channel"]._value == before[0]
        table.view.focus()
        if table.view.selected:
            await pilot.press("ctrl+a")  # unselect all: delete takes the row under the cursor
        await pilot.press("home", "delete")
        await settle(pilot)
        await pilot.click("#dlg-ok")
        await settle(pilot)
        assert len(app.session.policy.monitoring.alerts) == count - 1
        assert len(table.rows) == count - 1


@run
async def test_the_table_key_goes_to_the_list_of_the_answer_being_given():
    """In tmux, F4 from an evidence source's answer went to the alerts table above it, and the bulk edit that
    followed changed an alert instead of the sources. From an item's field it goes to that item's own table."""
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.jump_to("evidence.sources[1].location")
        await settle(pilot)
        assert getattr(app.focused.parent, "path", "") == "evidence.sources[1].location"
        await pilot.press("f4")
        await pilot.pause()
        [table] = [t for t in app.screen.query(ItemTable) if t.view.has_focus]
        assert table.list_path == "evidence.sources"
        await pilot.press("f4")  # again: the step's next table, as before
        await pilot.pause()
        assert not table.view.has_focus


@run
async def test_adding_a_system_with_an_id_already_used_is_refused_in_the_form():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _systems(pilot)
        systems = app.session.policy.systems
        before, taken = len(systems), systems[0].id
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*taken, "enter")
        await pilot.pause()
        dialog = app.screen
        shown = " ".join(str(s.content) for s in dialog.query(Static))
        assert f"already a system with the id '{taken}'" in shown and f"{taken}-2" in shown
        assert len(app.session.policy.systems) == before  # nothing added, the dialog stays with what was typed
        field = dialog.query_one("#add-id", Input)
        await pilot.press("end", *"-eu", "enter")
        await settle(pilot)
        assert field.value == f"{taken}-eu" and app.session.policy.systems[-1].id == f"{taken}-eu"


@run
async def test_delete_with_rows_ticked_names_the_selected_rows_not_the_highlighted_one():
    """A ticked row and the cursor on another: the dialog says the ticked one goes and the highlighted stays."""
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = await _systems(pilot)
        systems = app.session.policy.systems
        first, second = systems[0].id, systems[1].id
        await pilot.press("space", "down")  # the first ticked, the cursor on the second
        await pilot.press("delete")
        await pilot.pause()
        shown = " ".join(str(s.content) for s in app.screen.query(Static))
        assert "Delete the 1 selected system?" in shown
        assert first in shown and f"The highlighted row, {second}, is not selected and stays" in shown
        await pilot.click("#dlg-ok")
        await settle(pilot)
        assert [s.id for s in app.session.policy.systems][:1] == [second]
