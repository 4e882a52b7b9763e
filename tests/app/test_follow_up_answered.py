"""Answering a field that has an open follow-up closes the follow-up in the same change: the field stops
saying it is awaited, the follow-up export no longer lists it, and one undo brings both back."""

from __future__ import annotations

from widgets.question_field import QuestionField

from workbench.app.session import Session

from .conftest import TODAY
from .helpers import answer, make_app, run, settle


def _meta(app, path: str) -> str:
    return next(f for f in app.screen.query(QuestionField) if f.path == path)._meta


@run
async def test_answering_a_followed_up_field_closes_its_follow_up_and_undo_reopens_it(tmp_path):
    session = Session.new_client("Harbor Dental", template="healthcare-msp", root=tmp_path, today=TODAY)
    target = str(session.workspace.path)
    session.close()
    app = make_app(target=target)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        awaited = [f for f in app.session.open_follow_ups() if f.field == "inventory.source"]
        assert awaited and awaited[0].owner is None
        app.screen.jump_to("inventory.source")
        await settle(pilot)
        assert "no one named yet" in _meta(app, "inventory.source")
        await answer(pilot, "inventory.source", "the MSP's RMM asset list")
        await settle(pilot)
        assert app.session.get("inventory.source") == "the MSP's RMM asset list"
        assert not [f for f in app.session.open_follow_ups() if f.field == "inventory.source"]
        assert "Follow-up" not in _meta(app, "inventory.source")
        await pilot.press("ctrl+z")  # one undo: the answer and the follow-up's state together
        await settle(pilot)
        assert app.session.get("inventory.source") is None
        assert [f for f in app.session.open_follow_ups() if f.field == "inventory.source"]
        assert "Follow-up" in _meta(app, "inventory.source")
