"""Keys typed ahead are not lost or reordered.

Seen in tmux twice (a reviewer after a palette jump, a user after picking a finding): ``Home ctrl+k 2w Enter``
sent in one go left the answer empty. Two causes, both tested here with keys delivered as a terminal delivers
a burst (all queued at once, no waiting between them):

- Textual runs a widget's key bindings when the key has bubbled back up to the app, after the characters typed
  behind it were inserted, so ``ctrl+k`` cleared the "2w" typed after it;
- keys typed while a jump was building the next step reached the form, not the field on its way.
"""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.app import App

from widgets.question_field import AnswerInput

from .helpers import make_app, run, settle

BURST = [("home", None), ("ctrl+k", None), ("2", "2"), ("w", "w"), ("enter", "\r")]


def _burst(app) -> None:
    for key, character in BURST:
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


class _OneBox(App):
    """One answer box holding ``value``; what is submitted lands in ``submitted``."""

    def __init__(self, value: str) -> None:
        super().__init__()
        self.value, self.submitted = value, []

    def compose(self):
        yield AnswerInput(self.value)

    def on_input_submitted(self, event):
        self.submitted.append(event.value)


@run
async def test_an_answer_box_applies_its_keys_in_the_order_they_came():
    app = _OneBox("1mo")
    submitted = app.submitted
    async with app.run_test() as pilot:
        app.query_one(AnswerInput).focus()
        await pilot.pause()
        _burst(app)
        await pilot.pause(0.3)
        assert app.query_one(AnswerInput).value == "2w"
        assert submitted == ["2w"]


@pytest.mark.parametrize("delay", [0.0, 0.3])
@run
async def test_keys_typed_right_after_a_jump_land_in_the_field_it_went_to(delay):
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.jump_to("systems")  # another step, so the jump builds the tiers step anew
        await settle(pilot)
        assert app.session.get("tiers[0].restore_test_interval") is not None
        app.screen.jump_to("tiers[0].restore_test_interval")
        await asyncio.sleep(delay)  # at once, while the step is built; or once it is there
        _burst(app)
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert str(app.session.get("tiers[0].restore_test_interval")) == "2w"
        assert getattr(app.focused.parent, "path", None) == "tiers[0].restore_test_interval"


@run
async def test_keys_typed_ahead_in_a_dialog_act_in_the_order_typed():
    """In the new-system dialog, ``ctrl+u`` (clear to the start) then a new id, sent in one burst: the id typed
    after the clear is the one kept, not cleared with what was there before."""
    from workbench.app.screens.dialogs import AddItemDialog
    from widgets.item_table import ItemTable

    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.jump_to("systems")
        await settle(pilot)
        table = app.screen.query_one("#items-systems", ItemTable)
        table.view.focus()
        await pilot.pause()
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AddItemDialog)
        box = app.screen.query_one("#add-id")
        box.focus()
        box.value = "typo"
        box.cursor_position = 4
        await pilot.pause()
        for key, character in [("ctrl+u", None), *[(c if c.isalnum() else "minus", c) for c in "crm-db"]]:
            event = events.Key(key, character)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause(0.3)
        assert box.value == "crm-db"


@run
async def test_ctrl_a_in_an_answer_box_selects_the_answer_so_typing_replaces_it():
    """A reviewer pressed ctrl+a to replace '1 business day' and typed '2 days': Textual's Input moved to the start
    of the line, and the answer saved was '2 days1 business day'. ctrl+a selects all; home still moves."""
    app = _OneBox("1 business day")
    submitted = app.submitted
    async with app.run_test() as pilot:
        app.query_one(AnswerInput).focus()
        await pilot.pause()
        await pilot.press("ctrl+a", *"2d", "enter")
        assert submitted == ["2d"]
        await pilot.press("home", "x")
        assert app.query_one(AnswerInput).value == "x2d"


@run
async def test_a_tab_typed_ahead_in_a_dialog_moves_to_the_next_box_before_the_keys_behind_it():
    """"CFO<tab>2026-07-15<tab>note" sent in one burst to the follow-up dialog put "CFO2026-07-15note" in the
    first box: the Tab moved the focus only after it had bubbled up to the app."""
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.jump_to("tiers[0].mtd")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause(0.3)
        for key in [*"CFO", "tab", *"2026-07-15", "tab", *"note"]:
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause(0.5)
        dialog = app.screen
        assert [dialog.query_one(f"#fu-{name}").value for name in ("owner", "due", "note")] == \
            ["CFO", "2026-07-15", "note"]


@run
async def test_a_burst_typed_into_the_exception_dialog_fills_each_box_in_turn():
    """"Minor risk accepted by owner<tab>Dr. Patel<tab>ctrl+u 2027-01-31" pasted into the accept-as-exception
    dialog put all three into the justification (a wrapping box) and emptied the expiry."""
    app = make_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from widgets.gap_panel import GapPanel

        finding = app.screen.derived.evaluation.report.open[0]
        app.screen.post_message(GapPanel.AcceptRequested(finding))
        await pilot.pause(0.3)
        for key in [*"Minor risk", "tab", *"Dr. Patel", "tab", "ctrl+u", *"2027-01-31"]:
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause(0.5)
        dialog = app.screen
        assert [dialog.query_one(f"#exc-{name}").value for name in ("why", "by", "until")] == \
            ["Minor risk", "Dr. Patel", "2027-01-31"]
