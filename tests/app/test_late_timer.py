"""An edit reaches the draft even when the loop is too busy for the autosave timer's tick.

Textual's ``set_timer`` makes a skipping one-shot timer: if the loop first looks at the clock later than
the delay (on a loaded machine or while a step is built), it skips its only tick and never calls back; the
evaluation's 10 ms debounce timer then left the gap panel stale until the next edit (seen in the scripted
interview), and the autosave timer would leave the draft unsaved."""

from __future__ import annotations

from .helpers import make_app, run, settle


@run
async def test_the_autosave_timer_never_skips_its_tick():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        app.session.set("organization.description", "A logistics platform")
        assert screen._save_timer is not None and not screen._save_timer._skip
        await settle(pilot)
        assert screen.derived.evaluation.revision == app.session.revision
        assert not app.session.dirty
