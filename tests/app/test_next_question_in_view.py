"""At 80x24 the next-question key always leaves the field it focused on screen, so typing lands where the person
is looking (an item's field further down the form, and a list's table, used to stay out of view)."""

from __future__ import annotations

from widgets.table_view import TableView

from workbench.app.screens.forms import StepForm
from workbench.app.session import Session

from .conftest import TODAY
from .helpers import make_app, run, settle


def _in_view(app) -> bool:
    focused = app.focused
    form = app.screen.query_one(StepForm)
    return focused is not None and focused.region.height > 0 and form.region.contains_region(focused.region)


@run
async def test_next_question_key_keeps_the_focused_answer_in_view_at_80x24(tmp_path):
    session = Session.new_client("Harbor Dental", template="healthcare-msp", root=tmp_path, today=TODAY)
    target = str(session.workspace.path)
    session.close()
    app = make_app(target=target)
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(6):
            await pilot.press("ctrl+n")
            await settle(pilot)
            await pilot.pause(0.3)  # any scroll animation would have carried the form away by now
            focused = app.focused
            seen.append((type(focused).__name__, getattr(focused.parent, "path", "")))
            assert _in_view(app), f"{seen[-1]} is focused but off screen ({focused.region} outside the form)"
            if isinstance(focused, TableView):
                break
            if type(focused).__name__ == "Input":
                await pilot.press("home", "ctrl+k", *"eu-west-2", "enter")
            else:
                await pilot.press("enter", "down", "enter")
            await settle(pilot)
    assert any(path.startswith("targets[1]") for _, path in seen), seen  # the case that was off screen


@run
async def test_the_next_question_notice_names_the_item_it_is_about(tmp_path):
    """At 80x24 an item's title is scrolled out of view above its field: the notice says which copy or system."""
    session = Session.new_client("Harbor Dental", template="healthcare-msp", root=tmp_path, today=TODAY)
    target = str(session.workspace.path)
    session.close()
    app = make_app(target=target)
    titles = []
    notices = []
    async with app.run_test(size=(80, 24)) as pilot:
        notify = app.notify
        app.notify = lambda message, **kw: (notices.append((message, kw.get("title", ""))), notify(message, **kw))
        await settle(pilot)
        for _ in range(4):
            await pilot.press("ctrl+n")
            await settle(pilot)
            message, title = notices[-1]
            path = app.focused.parent.path
            titles.append((title, path, message))
            if type(app.focused).__name__ == "Input":
                await pilot.press("home", "ctrl+k", *"eu-west-2", "enter")
            else:
                await pilot.press("enter", "down", "enter")
            await settle(pilot)
    items = [(title, path, message) for title, path, message in titles if "[" in path]
    assert items, titles
    for title, path, message in items:
        item = app.session.get(path.split("]", 1)[0] + "]")
        assert item.id in title and "(" not in message.split("\n", 1)[1], (title, path, message)
