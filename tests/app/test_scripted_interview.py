"""A scripted interview: a blank client with 20 systems, from nothing to no unanswered question.

The script plays a consultant with the client's answers in hand
(:mod:`tests.app.brightwater`). From the client list it starts a blank
client; from then on it only presses the next-question key (ctrl+n) and
answers what the app shows: it types text and presses enter, opens a list
and types the first letters of a choice (or moves to it) and presses enter,
ticks several choices with space, and where the question is a table (tiers,
systems, vaults ...) adds the client's items with ``a`` and the add form.
Every key goes through the app's own key handling, one key event each; each
typed character counts as a key. Screens are counted when the form moves to
another step and when a dialog opens.

The counts are printed and written to ``docs/scripted-interview.txt`` (set
``WORKBENCH_INTERVIEW_RECORD=1``), which the README quotes: they tell
whether an on-site hour is enough. CI runs it on the first system (every step
and every table still gone through, the same end state and count checks;
about 2.5 minutes on the shared 2-core host, on one of the suite's two
workers); 3 systems take about 5 minutes, the whole client over 13::

    WORKBENCH_INTERVIEW_SYSTEMS=20 WORKBENCH_INTERVIEW_RECORD=1 \
        .venv/bin/python -m pytest -n 0 -s tests/app/test_scripted_interview.py

``WORKBENCH_INTERVIEW_TRACE=FILE`` writes a line per question as it goes.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from pathlib import Path

from textual import events
from textual.app import _character_to_key  # the same key names Pilot.press uses
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key
from textual.screen import ModalScreen
from textual.widgets import Input, Select, SelectionList
from textual.widgets._select import SelectOverlay

from workbench.app import questions as Q
from workbench.app.screens.interview import InterviewScreen
from widgets.item_table import ItemTable
from widgets.question_field import QuestionField

from . import brightwater
from .helpers import make_app, run

#: How many of the client's 20 systems the run enters: 1 by default (CI's short profile: still every step and
#: table), WORKBENCH_INTERVIEW_SYSTEMS=20 for the whole client.
SYSTEMS = int(os.environ.get("WORKBENCH_INTERVIEW_SYSTEMS", "1"))
MAX_ROUNDS = 2000
RECORD = Path(__file__).resolve().parents[2] / "docs" / "scripted-interview.txt"
MISSING = object()
#: A file to follow the run in, one line per question (time, keys, path).
TRACE = os.environ.get("WORKBENCH_INTERVIEW_TRACE")


class Consultant:
    """Presses keys in the app and counts them."""

    def __init__(self, pilot, items: dict[str, list[dict]], answers: dict[str, object]):
        self.pilot = pilot
        self.app = pilot.app
        self.items = items
        self.answers = answers
        self.keys = 0
        self.dialogs = 0
        self.steps = 0
        self.questions = 0     # answers given at a question field
        self.added = 0         # items added through a table
        self.unplanned: list[str] = []

    # -- keys ------------------------------------------------------------------
    def _send(self, key: str) -> None:
        """One key event into the app's queue, as the terminal driver delivers it (what Pilot.press does,
        without its idle waits between keys, and without the driver's hop through the event loop: the key is
        in the queue before the script waits for it to be handled, so nothing it reads next is one key late)."""
        import unicodedata

        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original = REPLACED_KEYS.get(key, key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(self.app)
        self.app.post_message(event)
        self.keys += 1

    async def _drain(self) -> None:
        """Until the app and every widget on screen handled what was sent to them (twice: what they sent
        on, and what those sent on, is handled too: a key reaches the focused widget through the app and
        the screen, and a binding's action runs after that). What Pilot does after a key, but over the widgets shown only: the steps the form
        keeps hidden take no keys, and asking each of their thousands of widgets would cost the script far
        more than the app (it is the script's own waiting, not something a person waits for)."""
        for _ in range(3):
            await _handled(self.app)

    async def press(self, *keys: str, until=None) -> None:
        """Keys that move focus or open something: each is handled before the next is sent; with ``until``,
        the last one is waited on until ``until()`` holds (a dialog opening or closing)."""
        for key in keys:
            before = self.app.screen
            self._send(key)
            await self._drain()
            if key == keys[-1] and until is not None:
                await self.wait_for(until, key)
            if self.app.screen is not before and isinstance(self.app.screen, ModalScreen):
                self.dialogs += 1

    async def wait_for(self, condition, what: str) -> None:
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            if condition():
                await self._drain()
                return
            await asyncio.sleep(0.002)
        raise AssertionError(f"after {what}: nothing happened")

    async def type(self, text: str) -> None:
        """Characters into the focused input, one key event each."""
        for ch in text:
            self._send(ch)
        await self._drain()

    async def settle(self) -> None:
        """Until the gap panel and the progress show the policy as it is now (what the person looks at
        before pressing ctrl+n again); the autosave is not waited for."""
        for _ in range(10000):
            await asyncio.sleep(0.002)
            screen = self.app.screen
            if isinstance(screen, ModalScreen):
                return
            if not isinstance(screen, InterviewScreen):  # the interview is still being opened
                await asyncio.sleep(0.002)
                continue
            worker = screen._eval_worker
            running = worker is not None and not worker.is_finished
            if not running and screen._shown_revision == self.app.session.revision:
                await self._drain()
                return
        raise AssertionError("the gap panel never caught up with the policy")

    # -- answers -----------------------------------------------------------------
    def planned(self, path: str):
        """The client's answer for a concrete path (``systems[3].saas.provider``), or MISSING."""
        if "[" not in path:
            return self.answers.get(path, MISSING)
        head, _, rest = path.partition("[")
        index, _, field = rest.partition("].")
        items = planned_items(self.items, head)
        if "[" in field or not index.isdigit() or int(index) >= len(items):
            return MISSING
        return items[int(index)].get(field, MISSING)

    def _edited(self):
        """A condition: the session took an edit since now, or the focused field refused the answer."""
        session, revision = self.app.session, self.app.session and self.app.session.revision

        def done() -> bool:
            field = self.app.screen._focused_field() if isinstance(self.app.screen, InterviewScreen) else None
            return session.revision > revision or (field is not None and field.has_class("-invalid"))

        return done

    async def choose(self, select: Select, label: str, until=None) -> None:
        """Open the list, type the first letters of ``label`` (arrows when typing cannot reach it), enter."""
        overlay = select.query_one(SelectOverlay)
        await self.press("enter", until=lambda: overlay.has_focus)
        options = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert label in options, f"{label!r} is not offered: {options}"
        target = options.index(label)
        typed = next((label[:n] for n in range(1, len(label) + 1)
                      if overlay._find_search_match(label[:n].lower()) == target), None)
        if typed is not None:
            await self.type(typed)
        else:  # arrows, looking at the list after each one (as a person does) until the choice is highlighted
            for _ in range(2 * len(options)):
                current = overlay.highlighted
                if current == target:
                    break
                await self.press("down" if current is None or current < target else "up")
        assert overlay.highlighted == target, (label, overlay.highlighted, options)
        await self.press("enter", until=lambda: select.has_focus and not select.expanded
                         and (until is None or until()))
        assert select.value == self._value_of(select, label), (label, select.value)

    @staticmethod
    def _value_of(select: Select, label: str):
        return next(value for prompt, value in select._options if str(prompt) == label)

    async def tick(self, selection: SelectionList, values: list) -> None:
        """Move to each value in turn and tick it with space."""
        order = [selection.get_option_at_index(i).value for i in range(selection.option_count)]
        for value in sorted(values, key=order.index):
            current = selection.highlighted or 0
            target = order.index(value)
            await self.press(*(["down"] * (target - current) if target >= current else ["up"] * (current - target)))
            await self.press("space", until=self._edited())

    async def answer(self, field: QuestionField) -> None:
        value = self.planned(field.path)
        if value is MISSING:
            self.unplanned.append(field.path)
            value = _from_example(field.question)
        widget = field.query_one("#qf-input")
        assert widget.has_focus, f"ctrl+n did not put the cursor in {field.path}"
        if isinstance(widget, Select):
            labels = {v: label for label, v in field._choices} if field._choices else {True: "Yes", False: "No"}
            await self.choose(widget, labels[value], until=self._edited())
        elif isinstance(widget, SelectionList):
            await self.tick(widget, list(value))
        else:
            assert isinstance(widget, Input)
            await self.type(_as_typed(value))
            await self.press("enter", until=self._edited())
        self.questions += 1

    async def add_items(self, table: ItemTable) -> int:
        """The client's items of this table, one ``a`` and add form each; returns how many were added."""
        head = table.list_path
        planned = planned_items(self.items, head)
        have = len(self.app.session.get(head))
        for item in planned[have:]:
            count = len(self.app.session.get(head))
            await self.press("a", until=lambda: _dialog_ready(self.app)
                             or len(self.app.session.get(head)) > count)
            dialog = self.app.screen
            if isinstance(dialog, ModalScreen):
                widgets = list(dialog.query("Input, Select"))
                for widget in widgets:
                    name = widget.id.removeprefix("add-")
                    if not widget.has_focus:
                        await self.press("tab")
                    assert widget.has_focus, (head, name, self.app.focused)
                    if isinstance(widget, Select):
                        await self.choose(widget, str(item[name]))
                    else:
                        await self.type(str(item[name]))
                if isinstance(widgets[-1], Select):  # enter would open the list again: tab to Add
                    await self.press("tab", until=lambda: dialog.focused.id == "dlg-cancel")
                    await self.press("tab", until=lambda: dialog.focused.id == "dlg-ok")
                await self.press("enter", until=lambda: self.app.screen is not dialog
                                 or dialog.query_one("#dlg-error").content)
                assert self.app.screen is not dialog, dialog.query_one("#dlg-error").content
            await self.wait_for(lambda: _at(self.app.screen, head), "adding an item")
            await self.settle()
            self.added += 1
        return len(planned) - have


def _shown(node):
    """``node`` and its descendants, but not those under a widget that is not displayed."""
    yield node
    for child in node._nodes:
        if child.display:
            yield from _shown(child)


async def _handled(app) -> None:
    """Until the app and the widgets shown have handled the messages they had (Pilot._wait_for_screen, over
    the widgets shown only)."""
    nodes = [app, *_shown(app.screen)]
    pending = 0
    done = asyncio.Event()

    def one() -> None:
        nonlocal pending
        pending -= 1
        if pending == 0:
            done.set()

    for node in nodes:
        if node.call_later(one):
            pending += 1
    if pending:
        await asyncio.wait_for(done.wait(), timeout=30)


def planned_items(items: dict[str, list[dict]], head: str) -> list[dict]:
    """The client's items of the list ``head`` in this run: the first SYSTEMS systems, and the restore tests of
    those systems (the add form offers the systems there are)."""
    planned = items.get(head, [])
    if head == "systems":
        return planned[:SYSTEMS]
    entered = {s["id"] for s in items["systems"][:SYSTEMS]}
    if head == "restore_tests":
        return [t for t in planned if t["system"] in entered]
    if head == "schedules":  # the schedules of the systems entered, each for those of its systems
        return [{**s, "systems": [i for i in s["systems"] if i in entered]} for s in planned
                if set(s["systems"]) & entered]
    return planned


def _dialog_ready(app) -> bool:
    """A dialog is open and its first field has the cursor."""
    screen = app.screen
    return isinstance(screen, ModalScreen) and screen.focused is not None


def _table_of(widget):
    """The item table whose rows ``widget`` is (the focus is on a table), or None."""
    node = widget
    while node is not None:
        if isinstance(node, ItemTable):
            return node if widget is node.view else None
        node = node.parent
    return None


def _at(screen, path: str) -> bool:
    """Whether the cursor is in the field of ``path``, or on the table of the list ``path`` names."""
    focused = screen.focused
    table = _table_of(focused)
    if table is not None:
        return table.list_path == path
    field = screen._focused_field()
    return field is not None and field.path == path


def _as_typed(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def _from_example(question):
    """An answer for a question the client data does not cover: the help's example (so the run goes on and
    the test then names the question to add to the client data)."""
    example = question.help.example
    if question.kind == "bool":
        return example.lower() in ("yes", "true")
    if question.kind == "multi_choice":
        return [v.strip() for v in example.split(",")]
    return example


@pytest.mark.long
@run
async def test_blank_client_with_20_systems_to_no_unanswered_question(capsys):
    started, cpu = time.perf_counter(), time.process_time()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        me = Consultant(pilot, brightwater.ITEMS, brightwater.ANSWERS)
        await pilot.pause()
        await me.press("n", until=lambda: _dialog_ready(app))  # new client
        await me.type("Brightwater Logistics")   # the template list starts on "Blank"
        await me.press("enter", until=lambda: isinstance(app.screen, InterviewScreen))
        await me.settle()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert app.session.policy.systems == []
        step, last = screen.step.id, None
        visited = {step}
        for _ in range(MAX_ROUNDS):
            report = screen.derived.evaluation.report
            nxt = Q.next_question(app.interview, app.session.policy, report)
            if nxt is None:
                break
            await me.press("ctrl+n", until=lambda: _at(screen, nxt.path))
            if screen.step.id != step:
                me.steps += 1
                step = screen.step.id
                visited.add(step)
            focused = app.focused
            table = _table_of(focused)
            if table is not None:
                added = await me.add_items(table)
                assert added, (f"ctrl+n asked for another entry in {table.list_path} and the client has none: "
                               f"{Q.next_question(app.interview, app.session.policy, report)}")
                continue
            field = screen._focused_field()
            assert field is not None, f"ctrl+n left the cursor on {focused}"
            assert field.path != last, (f"the answer to {field.path} did not take: "
                                        f"{field.query_one('.qf-error').content}")
            last = field.path
            if TRACE:
                with open(TRACE, "a", encoding="utf-8") as trace:
                    print(f"{time.perf_counter() - started:7.1f}s cpu {time.process_time() - cpu:6.1f}s "
                          f"{me.keys:5d} keys  {field.path}", file=trace)
            await me.answer(field)
            await me.settle()
            assert not field.has_class("-invalid"), f"{field.path}: {field.query_one('.qf-error').content}"
        else:
            raise AssertionError("the interview did not end")

        progress = Q.progress(app.interview, app.session.policy, screen.derived.evaluation.report)
        assert progress.total > 0 and progress.answered == progress.total, progress
        shown = str(screen.query_one("#progress").content)
        assert shown.startswith(f"{progress.total} of {progress.total} questions answered"), shown
        await me.press("ctrl+n")
        assert any("Every question that applies is answered" in n.message for n in app._notifications)
        assert len(app.session.policy.systems) == SYSTEMS
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # sane counts: every step was gone through, every table the client has items for was filled through its
    # add form, and the keys are those of answers typed or picked, not of a search for where to type them
    assert visited == {s.id for s in app.interview.steps}, sorted(visited)
    expected = sum(len(planned_items(brightwater.ITEMS, head)) for head in brightwater.ITEMS)
    assert me.added == expected, (me.added, expected)
    answers = me.questions + me.added
    assert me.questions >= len(brightwater.ANSWERS) and me.keys <= 40 * answers, (me.keys, answers)
    line = (f"{SYSTEMS} systems, blank to no unanswered question: {me.keys} keys, "
            f"{me.steps + me.dialogs + 1} screens ({me.dialogs} dialogs, the interview, {me.steps} moves to "
            f"another step), {progress.total} questions ({me.questions} answered at a field, {me.added} items "
            f"added through tables; {me.keys / answers:.1f} keys per answer or item); the run took "
            f"{elapsed:.0f} s ({cpu:.0f} s CPU)")
    with capsys.disabled():
        print(f"\nscripted interview: {line}")
    assert not me.unplanned, f"questions the client data does not answer: {me.unplanned}"
    if os.environ.get("WORKBENCH_INTERVIEW_RECORD"):
        RECORD.write_text(line + "\n", encoding="utf-8")
