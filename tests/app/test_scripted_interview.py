"""A scripted interview: a blank client with 20 systems, from nothing to no unanswered question.

The script plays a consultant who only ever presses the next-question key
(ctrl+n), types the answer and presses enter (or picks from a list), adding
items where a question asks for a list. It counts every key and every screen
(step changes and dialogs). The figure is printed and is what the README
quotes: it tells whether an on-site hour is enough.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from textual.widgets import Input, Select, SelectionList

from workbench.app import questions as Q
from workbench.app.screens.interview import InterviewScreen
from workbench.spec.durations import Duration
from widgets.item_table import ItemTable

from .helpers import make_app, run, settle

SYSTEMS = 20
MAX_ROUNDS = 3000


def typed_answer(question) -> str:
    """What the consultant types for a text-like question (the help's example when it is valid)."""
    example = (question.help.example or "").strip()
    kind = question.kind
    if kind == "duration":
        try:
            if not Duration.parse(example).vague:
                return example
        except (ValueError, TypeError):
            pass
        return "1d"
    if kind == "date":
        try:
            dt.date.fromisoformat(example)
            return example
        except ValueError:
            return "2026-06-01"
    if kind == "number":
        try:
            float(example)
            return example
        except ValueError:
            return "1"
    return example or "answered"


class Script:
    def __init__(self, pilot):
        self.pilot = pilot
        self.keys = 0
        self.screens = 0
        self.ids: dict[str, int] = {}

    async def press(self, *keys: str) -> None:
        self.keys += len(keys)
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def type(self, text: str) -> None:
        """Type ``text`` into the focused input: counted key by key, delivered at once (the keys themselves
        are exercised by the flow tests; here they would only make the test crawl)."""
        focused = self.pilot.app.focused
        if isinstance(focused, Input):
            self.keys += len(text)
            focused.insert_text_at_cursor(text)
            await self.pilot.pause()
        else:
            await self.press(*list(text))

    async def enter_inventory(self, count: int) -> None:
        """The consultant first lists the client's systems: step list, down to Systems, enter, add each."""
        app = self.pilot.app
        await self.press("ctrl+l")
        steps = app.screen.query_one("#steps")
        for _ in range(len(app.interview.steps)):
            if steps.highlighted is not None and steps.get_option_at_index(steps.highlighted).id == "systems":
                break
            await self.press("down")
        await self.press("enter")
        await settle(self.pilot)
        self.screens += 1
        await self.press("f4")
        await settle(self.pilot)
        table = app.screen.query_one("#items-systems", ItemTable)  # queried afresh: the step was rebuilt
        assert table.view.has_focus, app.focused
        for _ in range(count):
            table = app.screen.query_one("#items-systems", ItemTable)
            await self.add_item(table)
        assert len(app.session.policy.systems) == count

    async def add_item(self, table: ItemTable) -> None:
        self.ids[table.list_path] = self.ids.get(table.list_path, 0) + 1
        await self.press("a")
        app = self.pilot.app
        if app.screen is not self.interview:
            self.screens += 1
            for widget in list(app.screen.query("Input, Select")):
                if isinstance(widget, Select):
                    widget.focus()
                    await self.press("enter", "down", "enter")
                else:
                    widget.focus()
                    await self.type(f"{table.list_path.split('.')[-1][:3]}-{self.ids[table.list_path]}")
            if app.screen.query("Select"):  # enter would reopen the list: tab past Cancel to Add instead
                app.screen.query_one("#dlg-ok").focus()
                self.keys += 2
            await self.press("enter")
        await settle(self.pilot)


@pytest.mark.skipif(not os.environ.get("WORKBENCH_SCRIPTED_INTERVIEW"),
                    reason="a 15-minute run on the shared host: set WORKBENCH_SCRIPTED_INTERVIEW=1 to run it")
@run
async def test_blank_client_with_20_systems_to_no_unanswered_question(capsys):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        script = Script(pilot)
        await pilot.pause()
        await script.press("n")
        script.screens += 1
        await script.type("Scripted Co")
        await script.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        script.interview = screen
        await script.enter_inventory(SYSTEMS)
        step, last_path, repeats = screen.step.id, None, 0
        for _ in range(MAX_ROUNDS):
            report = screen.derived.evaluation.report if screen.derived else None
            if Q.next_question(app.interview, app.session.policy, report) is None:
                break
            await script.press("ctrl+n")
            await settle(pilot)
            if screen.step.id != step:
                script.screens += 1
                step = screen.step.id
            focused = app.focused
            field = screen._focused_field()
            path = field.path if field else str(focused)
            repeats = repeats + 1 if path == last_path else 0
            assert repeats < 3, f"the answer to {path} was refused: {field and field.query_one('.qf-error').content}"
            last_path = path
            if field is None:
                table = focused.parent
                assert isinstance(table, ItemTable), f"ctrl+n left the focus on {focused}"
                wanted = SYSTEMS if table.list_path == "systems" else 1
                for _ in range(max(1, wanted - len(app.session.get(table.list_path)))):
                    await script.add_item(table)
                continue
            widget = field.query_one("#qf-input")
            if isinstance(widget, Select):
                await script.press("enter", "down", "enter")
            elif isinstance(widget, SelectionList):
                await script.press("space")
            else:
                assert isinstance(widget, Input)
                await script.type(typed_answer(field.question))
                await script.press("enter")
        else:
            raise AssertionError("the interview did not end")
        progress = Q.progress(app.interview, app.session.policy, screen.derived.evaluation.report)
        assert progress.answered == progress.total
        assert len(app.session.policy.systems) >= SYSTEMS or not any(
            q.path == "systems" for q in app.interview.questions)
    with capsys.disabled():
        print(f"\nscripted interview: {len(app.session.policy.systems)} systems, {progress.total} questions, "
              f"{script.keys} keys, {script.screens} screens")
