"""What the app's start skips: the interview parsed once and kept, never used once its file has changed."""

from __future__ import annotations

import os

import pytest

from workbench.app import questions as Q
from workbench.app.questions import QuestionsError, load_questions


@pytest.fixture
def own_file(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text(Q.questions_path().read_text(encoding="utf-8"), encoding="utf-8")
    Q._load_cached.cache_clear()
    yield path
    Q._load_cached.cache_clear()


def test_the_parsed_interview_is_kept_and_read_back_without_parsing(own_file, tmp_path, monkeypatch):
    cache = tmp_path / "own-cache"
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(cache))  # where every cache of the workbench goes
    first = load_questions(own_file, keep=True)
    assert len(list(cache.glob("questions-*.pickle"))) == 1
    Q._load_cached.cache_clear()

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(Q, "parse_questions", no_parse)
    again = load_questions(own_file, keep=True)
    assert [(q.id, q.path, q.text, q.when) for q in again] == [(q.id, q.path, q.text, q.when) for q in first]
    assert [s.id for s in again.steps] == [s.id for s in first.steps]
    assert Q.step_for_path("systems[2].owner", again).path == "systems[2].owner"


def test_a_changed_file_is_parsed_again_and_its_errors_shown(own_file, data_dir):
    load_questions(own_file, keep=True)
    text = own_file.read_text(encoding="utf-8")
    own_file.write_text(text.replace("kind: duration", "kind: durationz", 1), encoding="utf-8")
    st = own_file.stat()
    os.utime(own_file, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    Q._load_cached.cache_clear()
    with pytest.raises(QuestionsError, match=r"questions.yaml:\d+: question .*durationz"):
        load_questions(own_file, keep=True)


def test_an_unwritable_data_folder_only_costs_the_parse(own_file, data_dir):
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.write_text("not a folder")  # the cache cannot be made under it
    assert len(load_questions(own_file, keep=True)) == len(load_questions(own_file))


# ----------------------------------------------------------------------------
# The footer: rebuilt when its keys change, not on every move of the focus
# ----------------------------------------------------------------------------
from widgets.footer import Footer  # noqa: E402

from .helpers import make_app, run, settle  # noqa: E402


def _footer_text(app) -> str:
    return " ".join(f"{k.key_display} {k.description}" for k in app.screen.query_one(Footer).query("FooterKey"))


@run
async def test_the_footer_shows_the_keys_of_where_the_focus_is_and_skips_rebuilds_that_change_nothing(monkeypatch):
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        assert "Accept as exception" not in _footer_text(app)
        rebuilt = []
        real = Footer.recompose

        async def counted(self):
            rebuilt.append(1)
            return await real(self)

        monkeypatch.setattr(Footer, "recompose", counted)
        await pilot.press("tab")  # the next field of the same form: the same keys
        await pilot.pause()
        await pilot.pause()
        assert rebuilt == []
        await pilot.press("ctrl+g")  # the gap list has a key of its own
        await pilot.pause()
        await pilot.pause()
        assert rebuilt and "Accept as exception" in _footer_text(app)
        assert footer.is_attached


def _footer_line(app) -> str:
    return "".join(segment.text for segment in app.screen._compositor.render_strips()[-1])


@run
async def test_at_80_columns_the_footer_shows_whole_keys_and_the_palette_key_at_the_edge():
    """"^p palettef": the palette key sat a column short of the edge with a cut-off key showing under and
    beside it. Only keys that fit whole are shown, as the keys change with the focus; the palette key ends at
    the right edge; a wider terminal shows the keys hidden before."""
    app = make_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in (None, "ctrl+n", "ctrl+g", "escape", "ctrl+n"):
            if key:
                await pilot.press(key)
                await settle(pilot)
            for _ in range(3):
                await pilot.pause()
            text = _footer_line(app)
            assert text.rstrip().endswith("^p palette") and len(text.rstrip()) == 80, (key, text)
            shown = text.split("\u258f")[0].rstrip()  # the keys, up to the palette key's border
            footer = app.screen.query_one(Footer)
            visible = [k for k in footer.query("FooterKey") if not k.has_class("-command-palette")
                       and k.styles.visibility != "hidden"]
            assert shown.endswith(visible[-1].description), (key, text)
        assert "History" not in _footer_line(app)
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        for _ in range(3):
            await pilot.pause()
        assert "f8 History" in _footer_line(app)


@run
async def test_a_small_client_opens_on_a_frame_already_showing_its_findings_and_a_large_one_at_once(root):
    from benchmarks.generate import policy as generated
    from workbench.app.screens import interview
    from workbench.store import Workspace

    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen._eval_worker is None  # evaluated before the first frame, not in a worker
        assert screen.derived is not None and screen.query_one("GapPanel").findings
        assert "Evaluating" not in str(screen.query_one("#gap-summary").render())

    ws = Workspace.create(root / "big", "Big Co")
    ws.save_draft(generated(interview.FIRST_IN_FRAME + 1))
    app = make_app(target=str(ws.path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen._eval_worker is not None  # the frame first, the findings from the worker
        await settle(pilot)
        assert app.screen.query_one("GapPanel").findings


def _frames_drawn(monkeypatch, screen_class) -> list[str]:
    """The text of every frame drawn of a ``screen_class`` screen, in order (headless: composed as it would be
    sent to a terminal)."""
    from textual.screen import Screen

    frames: list[str] = []
    real = Screen._compositor_refresh

    def watched(self):
        real(self)
        if isinstance(self, screen_class) and self is self.app.screen:
            update = self._compositor.render_full_update()
            frames.append("\n".join("".join(strip.text for strip in line) for line in update.strips))

    monkeypatch.setattr(Screen, "_compositor_refresh", watched)
    return frames


@run
async def test_the_first_frame_shows_the_questions_the_findings_and_the_keys_at_once(monkeypatch):
    from workbench.app.screens.interview import InterviewScreen

    frames = _frames_drawn(monkeypatch, InterviewScreen)
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        first_question = " ".join(screen.step.questions[0].text.split()[:5])
        findings = screen.derived.evaluation.report.findings
        assert frames, "no frame drawn"
        first = frames[0]
        # it showed the findings over an empty form and an empty footer; the questions came frames later
        assert first_question in first, first
        assert "Northwind Analytics" in first.split("\n", 2)[2]  # an answer in the form, not only the title
        assert any(f.rule in first for f in findings), first
        assert "Next question" in first and "palette" in first, first


@run
async def test_the_first_frame_at_80_columns_has_the_narrow_layout(monkeypatch):
    from workbench.app.screens.interview import InterviewScreen

    frames = _frames_drawn(monkeypatch, InterviewScreen)
    app = make_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        step_titles = [s.title for s in app.screen.interview.steps[1:]]
        first_question = " ".join(app.screen.step.questions[0].text.split()[:3])
        assert frames and first_question in frames[0], frames[:1]
        # the step list and the gap panel collapse below 100 columns, from the first frame on
        assert not any(title in frames[0] for title in step_titles), frames[0]
        assert app.screen.has_class("-narrow") and not app.screen.query_one("#steps").display


@run
async def test_each_show_of_the_screen_is_handled_once_by_textual(monkeypatch):
    from textual.screen import Screen

    from workbench.app.screens.interview import InterviewScreen

    shown = []
    real = Screen._on_screen_resume

    def counted(self, event):
        if isinstance(self, InterviewScreen):
            shown.append(event.refresh_styles)
        return real(self, event)

    monkeypatch.setattr(Screen, "_on_screen_resume", counted)
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Textual's own handling ran once, without restyling every widget just styled
        assert shown == [False]
        await pilot.press("f6")  # the review screen, then back
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        # coming back: Textual's handling once more, with the event as Textual posted it
        assert len(shown) == 2


@run
async def test_a_change_reaches_the_draft_while_a_slow_evaluation_still_runs(monkeypatch):
    import threading
    import time

    from textual.worker import WorkerState

    from workbench.app.screens.interview import InterviewScreen

    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        real = InterviewScreen._derive
        release = threading.Event()

        def slow(self):
            release.wait(30)  # an evaluation of a very large client on a busy machine
            return real(self)

        monkeypatch.setattr(InterviewScreen, "_derive", slow)
        try:
            app.session.set("organization.description", "Analytics for logistics firms")
            started = time.perf_counter()
            while app.session.dirty and time.perf_counter() - started < 20:
                await pilot.pause(0.05)
            assert not app.session.dirty
            # saved while the evaluation was still running: the draft did not wait for it
            assert app.screen._eval_worker.state == WorkerState.RUNNING
            assert "Analytics for logistics firms" in app.session.workspace.draft_path.read_text(encoding="utf-8")
        finally:
            release.set()
        await settle(pilot, rounds=200)


# ----------------------------------------------------------------------------
# The garbage collector: held while the app starts, running again once the first frame shows the findings
# ----------------------------------------------------------------------------
import gc  # noqa: E402

from workbench.app.screens.interview import InterviewScreen  # noqa: E402


@run
async def test_the_collector_held_at_the_start_runs_again_once_the_findings_are_drawn(monkeypatch):
    seen = []
    real_mount = InterviewScreen.on_mount

    async def on_mount(self):
        seen.append(gc.isenabled())
        await real_mount(self)

    monkeypatch.setattr(InterviewScreen, "on_mount", on_mount)
    assert gc.isenabled()
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert seen == [False], "the collector ran while the first screen was being built"
        assert app.screen.derived.evaluation.report.findings
        assert gc.isenabled(), "the collector was not resumed after the first frame"
    assert gc.isenabled()


@run
async def test_the_collector_runs_again_when_the_start_screen_is_shown_or_the_app_ends_early():
    app = make_app()  # no client named: the client list
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert gc.isenabled()
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)):
        pass  # ends at once
    assert gc.isenabled()
