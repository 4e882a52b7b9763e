"""Steps are built once and shown again up to date; adding an item keeps the rest of the step as it was.

A consultant following ctrl+n moves between steps every few answers and adds
items one after another: neither may lose what the person set up on the
screen (a table's filter and sort), and a step shown again must show what
changed while it was hidden (a new tier offered for a system, a new row).
"""

from __future__ import annotations

from textual.widgets import Input, Select

from widgets.item_table import ItemTable
from widgets.question_field import QuestionField
from workbench.app.screens.dialogs import AddItemDialog
from workbench.app.screens.forms import StepForm

from .helpers import make_app, run, settle


def _field(app, path: str) -> QuestionField:
    form = app.screen.query_one(StepForm)
    return next(f for f in form.page.query(QuestionField) if f.path == path)


async def _add(pilot, table: ItemTable, new_id: str) -> None:
    table.view.focus()
    await pilot.pause()
    await pilot.press("a")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, AddItemDialog)
    dialog.query_one("#add-id", Input).value = new_id
    await pilot.click("#dlg-ok")
    await settle(pilot)


@run
async def test_adding_a_system_keeps_the_filter_and_sort_and_shows_the_new_items_questions():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.jump_to("systems")
        await settle(pilot)
        form = app.screen.query_one(StepForm)
        table = app.screen.query_one("#items-systems", ItemTable)
        first = _field(app, "systems[0].description")
        await pilot.press("s", "s")  # sorted by the first column, reversed
        table.query_one("#it-filter", Input).value = "d"
        await pilot.pause()
        shown_before = table.view.row_count
        assert 0 < shown_before < len(table.rows)
        count = len(app.session.policy.systems)
        await _add(pilot, table, "d-new-db")  # matches the filter
        assert len(app.session.policy.systems) == count + 1
        assert table.filter_text == "d" and table.view.row_count == shown_before + 1
        assert table.view.sort_column == 0 and table.view.sort_reverse
        assert table.current == count and table.view.has_focus  # the new row, the cursor on the table
        # the item form below shows the new system's questions, in the fields that were there
        assert _field(app, f"systems[{count}].description") is first
        assert form.query_one("#item-form-systems .item-title").render().plain == "d-new-db"
        assert first.query_one(Input).value == ""
        await pilot.press("enter")  # enter on the row: answer for it
        await settle(pilot)
        assert app.screen._focused_field().path == f"systems[{count}].id"  # its first question


@run
async def test_a_step_shown_again_shows_what_changed_while_it_was_hidden():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.jump_to("systems[0].tier")
        await settle(pilot)
        form = screen.query_one(StepForm)
        systems_page = form.page
        tier = _field(app, "systems[0].tier")
        assert "T9" not in {v for _, v in tier._choices}
        screen.jump_to("tiers")
        await settle(pilot)
        tiers_table = screen.query_one("#items-tiers", ItemTable)
        await _add(pilot, tiers_table, "T9")
        screen.jump_to("systems[0].tier")
        await settle(pilot)
        assert form.page is systems_page  # not built again
        tier = _field(app, "systems[0].tier")
        assert "T9" in {v for _, v in tier._choices}  # the new tier is offered
        assert screen._focused_field() is tier and isinstance(tier.query_one("#qf-input"), Select)
        # an answer changed elsewhere (undo from the tiers step) shows when the step comes back
        screen.jump_to("organization.name")
        await settle(pilot)
        name = _field(app, "organization.name")
        await pilot.press("home", "ctrl+k", *"Renamed Co", "enter")
        await settle(pilot)
        screen.jump_to("systems[0].tier")
        await settle(pilot)
        await pilot.press("ctrl+z")  # undoes the rename: the organization step comes back showing the old name
        await settle(pilot)
        assert form.page is not systems_page and _field(app, "organization.name") is name
        assert name.query_one(Input).value == app.session.policy.organization.name != "Renamed Co"


@run
async def test_fast_ctrl_n_presses_while_a_step_is_built_end_on_the_last_question():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        for path in ("targets[0].region", "tiers[0].rpo", "systems[1].description", "roles[0].description"):
            screen.jump_to(path)  # no pause: each lands while the one before is still being built
        await settle(pilot)
        assert screen.step.id == "access"
        assert screen._focused_field().path == "roles[0].description"
        form = screen.query_one(StepForm)
        assert [p.step_id for p in form.query("StepPage") if p.display] == ["access"]


@run
async def test_only_the_field_the_last_jump_went_to_is_marked_even_across_steps():
    """The field a jump lands on is shaded; after jumps to another step and back, only the last one is."""
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for path in ("systems[0].description", "tiers[0].rpo", "systems[0].owner"):
            app.screen.jump_to(path)
            await settle(pilot)
        form = app.screen.query_one(StepForm)
        marked = [f.path for f in form.query(QuestionField) if f.has_class("-target")]
        assert marked == ["systems[0].owner"]


@run
async def test_questions_that_do_not_apply_are_hidden_from_the_first_frame():
    """The demo is a Type I audit: the Type II observation period's questions are not shown on the first step
    when it first opens (they were, answerable, until an edit anywhere applied the conditions), and appear as
    soon as the audit is Type II."""
    from widgets.question_field import QuestionField

    app = make_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.session.policy.engagement.soc2_type == "I"
        shown = {f.path: f.display for f in app.screen.query(QuestionField)}
        assert shown["engagement.soc2_type"] is True
        assert shown["engagement.period_start"] is False and shown["engagement.period_end"] is False
        kind = next(f for f in app.screen.query(QuestionField) if f.path == "engagement.soc2_type")
        kind.query_one(Select).value = "II"  # as picked from the list
        await settle(pilot)
        assert app.session.policy.engagement.soc2_type == "II"
        shown = {f.path: f.display for f in app.screen.query(QuestionField)}
        assert shown["engagement.period_start"] is True and shown["engagement.period_end"] is True
        app.screen.query_one("#gap-list").focus()  # undo from outside the field: the step has no tables
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.session.policy.engagement.soc2_type == "I"
        shown = {f.path: f.display for f in app.screen.query(QuestionField)}
        assert shown["engagement.period_start"] is False and shown["engagement.period_end"] is False
