"""The footer is rebuilt only when the keys it shows change (moving between answers is most of an interview)."""

from __future__ import annotations

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from widgets.item_table import ItemTable
from widgets.question_field import QuestionField
from widgets.footer import Footer

from .helpers import make_app, run, settle


def _keys(screen) -> list:
    return list(screen.query_one(Footer).query(FooterKey))


@run
async def test_moving_between_answers_keeps_the_footer_and_a_table_shows_its_keys():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.show_step("tiers")
        await settle(pilot)
        inputs = [f.query_one("#qf-input") for f in screen.query(QuestionField)
                  if isinstance(f.query_one("#qf-input"), Input)]
        inputs[0].focus()
        await settle(pilot)
        before = _keys(screen)
        assert before and not any(k.description == "Add" for k in before)
        for widget in inputs[1:4]:
            widget.focus()
            await settle(pilot)
        assert _keys(screen) == before  # the same FooterKey widgets: nothing was rebuilt
        screen.query_one(ItemTable).view.focus()
        await settle(pilot)
        shown = {k.description for k in _keys(screen)}
        assert "Add" in shown and "Delete" in shown
        inputs[0].focus()
        await settle(pilot)
        assert "Add" not in {k.description for k in _keys(screen)}
