"""A multiple-choice answer shows which choices are ticked by the mark itself, not by colour alone."""

from __future__ import annotations

from textual.app import App, ComposeResult

from widgets.question_field import TickList

from .helpers import run


class _Ticks(App):
    def compose(self) -> ComposeResult:
        yield TickList(("daily", "daily", True), ("weekly", "weekly", False), ("monthly", "monthly", True))


def _line(widget, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


@run
async def test_ticked_and_unticked_choices_differ_in_their_text():
    app = _Ticks()
    async with app.run_test(size=(40, 8)) as pilot:
        ticks = app.query_one(TickList)
        await pilot.pause()
        assert "X" in _line(ticks, 0) and "daily" in _line(ticks, 0)
        assert "X" not in _line(ticks, 1) and "weekly" in _line(ticks, 1)
        ticks.focus()
        await pilot.press("down", "space")  # tick "weekly"
        await pilot.pause()
        assert ticks.selected == ["daily", "monthly", "weekly"]
        assert "X" in _line(ticks, 1)
        await pilot.press("space")  # and untick it again
        await pilot.pause()
        assert "X" not in _line(ticks, 1)


@run
async def test_a_role_whose_one_permission_is_low_in_the_list_shows_it_ticked():
    """Enter on ACC-002 goes to role prod-admin, whose one permission, "Administer production", is the 11th of 12
    choices: it is in view, ticked (the list showed ten empty boxes and hid it below them)."""
    from widgets.question_field import QuestionField

    from .helpers import make_app, settle

    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        i = next(k for k, r in enumerate(app.session.policy.roles) if r.id == "prod-admin")
        app.screen.jump_to(f"roles[{i}].permissions")
        await settle(pilot)
        field = next(f for f in app.screen.query(QuestionField) if f.path == f"roles[{i}].permissions")
        ticks = field.query_one(TickList)
        lines = [_line(ticks, y) for y in range(ticks.size.height)]
        assert any("Administer production" in line and "X" in line for line in lines), lines


@run
async def test_an_id_no_system_has_stays_in_view_ticked_and_kept_when_another_is_ticked():
    """A schedule written by hand lists 'prod-pgg' (a typo): the checklist of its systems showed only the
    systems there are, none ticked, and ticking the right one silently dropped the typo. It is shown, ticked and
    marked as not defined; ticking another keeps it; unticking it removes it."""
    from widgets.question_field import QuestionField

    from .helpers import make_app, settle

    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        path = "schedules[0].systems"
        app.session.set(path, ["prod-pgg"])
        await settle(pilot)
        app.screen.jump_to(path)
        await settle(pilot)
        field = next(f for f in app.screen.query(QuestionField) if f.path == path)
        ticks = field.query_one(TickList)
        lines = [_line(ticks, y) for y in range(ticks.size.height)]
        assert any("prod-pgg (not defined)" in line and "X" in line for line in lines), lines
        ticks.focus()
        ticks.highlighted = 0
        await pilot.press("space")  # tick the first system as well
        await settle(pilot)
        first = ticks.get_option_at_index(0).value
        assert sorted(app.session.get(path)) == sorted(["prod-pgg", first])
        ticks.highlighted = next(i for i in range(ticks.option_count) if ticks.get_option_at_index(i).value == "prod-pgg")
        await pilot.press("space")
        await settle(pilot)
        assert app.session.get(path) == [first]
