"""An edit reaches the gap panel and the draft even when the loop is too busy for the debounce timer's tick.

Textual's ``set_timer`` makes a skipping one-shot timer: if the loop first looks at the clock later than
the delay (10 ms for the evaluation, on a loaded machine or while a step is built), it skips its only tick
and never calls back; the gap panel then stayed stale until the next edit (seen in the scripted interview)."""

from __future__ import annotations

from .helpers import make_app, run, settle


@run
async def test_the_evaluation_and_autosave_timers_never_skip_their_tick():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        app.session.set("organization.description", "A logistics platform")
        timers = [screen._eval_timer, screen._save_timer]
        assert all(t is not None for t in timers)
        assert not any(t._skip for t in timers)
        await settle(pilot)
        assert screen.derived.evaluation.revision == app.session.revision
        assert not app.session.dirty
