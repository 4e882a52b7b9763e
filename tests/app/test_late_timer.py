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


@run
async def test_a_notice_goes_away_even_when_its_own_timer_skipped():
    """The next-question notice covered the field being answered at 80x24 until the app closed: its toast's
    one-shot timer had skipped its tick while the next step was being built."""
    import asyncio

    from textual.widgets._toast import Toast

    app = make_app(demo=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Which cloud region is this copy in?", timeout=1.0)
        for _ in range(50):
            await pilot.pause(0.02)
            toasts = list(app.screen.query(Toast))
            if toasts:
                break
        assert toasts
        for toast in toasts:  # as when the loop was busy at the toast's only tick
            for timer in list(toast._timers):
                timer.stop()
        await asyncio.sleep(2.5)
        await pilot.pause()
        assert not list(app.screen.query(Toast))
