"""The Textual App: opening clients, the screen stack, app-wide bindings. Thin on purpose.

:class:`WorkbenchApp` is the one app factory: the console script, the tests,
the snapshot tests and the screenshot script all build it the same way.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any, Callable, Optional

from textual import work
from textual.app import App
from textual.binding import Binding

from .commands import WorkbenchCommands
from .session import Session, SessionError, WorkspaceLocked


class WorkbenchApp(App):
    """The Backup Policy Workbench interview."""

    CSS_PATH = "app.tcss"
    TITLE = "Backup Policy Workbench"
    COMMANDS = App.COMMANDS | {WorkbenchCommands}
    BINDINGS = [
        # not in the footer (room for F6 to F10 at 120 columns); the palette and the help pane name it
        Binding("ctrl+q", "quit", "Save and quit", id="app.quit", priority=True, show=False),
        # the release screens (review, changes, history: workbench/app/screens/{review,changes,history}.py)
        Binding("f6", "review", "Review", id="app.review"),
        Binding("f7", "changes", "Changes", id="app.changes"),
        Binding("f8", "history", "History", id="app.history"),
        # roles and people, the exceptions register (workbench/app/screens/{roles,exceptions}.py)
        Binding("f9", "roles", "Roles", id="app.roles"),
        Binding("f10", "exceptions", "Exceptions", id="app.exceptions"),
    ]

    def __init__(self, *, target: Optional[str] = None, demo: bool = False, today: Optional[dt.date] = None,
                 interview: Any = None, lock: bool = True, clock: Optional[Callable[[], dt.datetime]] = None) -> None:
        super().__init__()
        #: The wall clock ("draft saved 10:02"); fixed in snapshot tests.
        self.clock = clock or dt.datetime.now
        self.target = target
        self.demo = demo
        self.today = today
        self.lock = lock
        self._interview = interview
        self.session: Optional[Session] = None
        self._refused_typed_at = -1e9  # when ctrl+q last stopped at an answer that is not valid

    def on_load(self) -> None:
        from . import pause_collector

        pause_collector()  # until the first frame is drawn (on_ready)

    def on_ready(self) -> None:
        """The first frame is drawn. An interview whose findings it will show resumes the garbage collector
        once they are drawn (:meth:`InterviewScreen._painted`); any other screen resumes it now."""
        from . import resume_collector

        if not getattr(self.screen, "first_findings_pending", False):
            resume_collector()

    def on_unmount(self) -> None:
        from . import resume_collector

        resume_collector()  # the app ended before its first frame

    @property
    def interview(self) -> Any:
        if self._interview is None:
            from .questions import load_questions

            self._interview = load_questions(keep=True)
        return self._interview

    def on_mount(self) -> None:
        self._toasts_shown: set[int] = set()
        self.set_interval(1.0, self._expire_toasts, name="expire-toasts")
        # Straight into a client when one is named: the client list is built only when it is wanted.
        if self.target:
            path = Path(self.target).expanduser()
            if path.is_file():
                self.open_file(str(path))
            else:
                self.open_client(self.target)
        elif self.demo:
            self.open_demo()
        if self.session is None:
            self._show_start()

    def _expire_toasts(self) -> None:
        """Take down notices whose time is up. A toast's own one-shot timer skips its only tick when the loop is
        busy at that moment (a step being built), and the toast then stays on screen, over the field being
        answered, until the app is closed; this repeating sweep does not lose its ticks for good."""
        from textual.widgets._toast import ToastRack

        try:
            screen = self.screen
            # the screen's own rack, not a query over the whole screen: with its kept step pages that walked
            # thousands of widgets every second
            toasts = list(screen.get_child_by_type(ToastRack).query("Toast"))
        except Exception:  # noqa: BLE001 - no screen yet, or one being swapped, or no rack yet: the next tick sees it
            return
        shown = {id(toast) for toast in toasts}
        for toast in toasts:
            notification = getattr(toast, "_notification", None)
            if notification is not None and notification.has_expired:
                toast._expire()
                shown.discard(id(toast))
        if self._toasts_shown - shown:
            # A toast went (here or by its own timer): repaint what was under it. In tmux the removed toast's
            # text stayed on screen over the form and the status line until something else redrew there.
            screen.refresh()
        self._toasts_shown = shown

    def _show_start(self) -> None:
        from .screens.start import StartScreen

        if isinstance(self.screen, StartScreen):
            self.screen.reload()
        elif any(isinstance(s, StartScreen) for s in self.screen_stack):
            while not isinstance(self.screen, StartScreen):
                self.pop_screen()
            self.screen.reload()
        else:
            self.switch_screen(StartScreen()) if len(self.screen_stack) > 1 else self.push_screen(StartScreen())

    # -- opening clients -----------------------------------------------------
    def open_demo(self) -> None:
        self._open(lambda: Session.demo(today=self.today, lock=self.lock), read_only=self._demo_read_only)

    def _demo_read_only(self, holder: dict) -> Session:
        from workbench.store.workspace import Workspace, default_root, slugify

        from .session import DEMO_CLIENT

        ws = Workspace(default_root() / slugify(DEMO_CLIENT))
        return Session.open(ws, today=self.today, read_only=True, holder=holder)

    def open_client(self, target: str, version: Optional[str] = None) -> None:
        self._open(lambda: Session.open(target, version=version, today=self.today, lock=self.lock),
                   read_only=lambda holder: Session.open(target, today=self.today, read_only=True, holder=holder))

    def new_client(self, name: str, template: Optional[str]) -> None:
        self._open(lambda: Session.new_client(name, template=template, today=self.today, lock=self.lock))

    def open_file(self, path: str, retry: Optional[Callable[[], None]] = None, set_aside: bool = False) -> None:
        """Open a spec file as a client; ``retry`` (the dialog the path was typed in, with it) follows a refusal. A
        file whose unreadable values can be set aside (a date with no such day, a restore test without its system)
        is offered to be opened that way."""
        target = Path(path).expanduser()
        self._open(lambda: Session.from_file(target, today=self.today, lock=self.lock, set_aside=set_aside),
                   retry=retry, refused=None if set_aside else lambda message: self._offer_set_aside(
                       target, message, retry))

    def _offer_set_aside(self, path: Path, message: str, retry: Optional[Callable[[], None]]) -> None:
        """The file did not open: when setting its unreadable values aside would open it, ask."""
        from workbench.spec.salvage import load_setting_aside

        try:
            _, aside = load_setting_aside(path, self.today)
        except Exception:
            aside = []
        if not aside:
            self._cannot_open(message, retry)
            return
        from .screens.dialogs import ConfirmDialog

        n = len(aside)
        shown = [a.describe(str(path)) for a in aside[:12]] + ([f"... and {n - 12} more"] if n > 12 else [])
        note = ("\n".join(shown) + f"\n\nOpen it with {'this value' if n == 1 else f'these {n} values'} set aside? "
                f"Each becomes an open follow-up at its question, saying what the file said and where, to answer in "
                f"the interview (F5 exports them). The file itself is not changed.")

        def chosen(ok: Optional[dict]) -> None:
            if ok is not None:  # {} from the dialog's OK, None from cancel
                self.open_file(str(path), retry, set_aside=True)
            elif retry is not None:
                retry()

        self.call_later(self.push_screen, ConfirmDialog("Cannot open as it is", note, "Open with them set aside"),
                        chosen)

    def _open(self, make, read_only: Optional[Callable[[dict], Session]] = None,
              retry: Optional[Callable[[], None]] = None, refused: Optional[Callable[[str], None]] = None) -> None:
        from .screens.interview import InterviewScreen

        try:
            try:
                session = make()
            except WorkspaceLocked as exc:
                if read_only is None:
                    raise
                session = read_only(exc.holder)  # one client, one editor: the second look is read-only
        except SessionError as exc:
            (refused or (lambda message: self._cannot_open(message, retry)))(str(exc))
            return
        except WorkspaceLocked as exc:
            self._cannot_open(str(exc), retry)
            return
        except Exception as exc:  # a bad profile or questions file: a message, never a traceback
            self._cannot_open(f"{type(exc).__name__}: {exc}", retry)
            return
        self._close_session()
        self.session = session
        self._say_how_opened(session)
        aside = getattr(session, "set_aside", None)
        if aside:
            self.notify(f"{len(aside)} value{'s' if len(aside) != 1 else ''} of the file could not be read and "
                        f"{'are' if len(aside) != 1 else 'is'} set aside as open follow-ups, each at its question "
                        f"(F5 exports them).", title="Opened", timeout=12, markup=False)
        if isinstance(self.screen, InterviewScreen):
            self.switch_screen(InterviewScreen(session, self.interview))
        else:
            self.push_screen(InterviewScreen(session, self.interview))

    def _say_how_opened(self, session: Session) -> None:
        """Tell the person when the client is read-only (and who holds it), or a stale lock was taken over."""
        if getattr(session, "read_only", False):
            self.notify(f"{session.client} is {session.read_only_reason()}. Opened read-only: nothing you do "
                        f"here changes it.", title="Read-only", severity="warning", timeout=15, markup=False)
        elif getattr(session, "took_over", None):
            h = session.took_over
            self.notify(f"Took over {session.client} from process {h.get('pid', '?')} on {h.get('host', '?')} "
                        f"(since {h.get('since', '?')}), which is no longer running.", timeout=10, markup=False)

    def _cannot_open(self, message: str, retry: Optional[Callable[[], None]] = None) -> None:
        """Why a client or file did not open, in a dialog that stays until read (a toast of a file's three
        problems went before it could be read); then ``retry``, if any, with what was typed."""
        from .screens.dialogs import MessageDialog

        # later: at start-up (workbench open FILE) the client list is pushed after this, and would cover it
        self.call_later(self.push_screen, MessageDialog("Cannot open", message),
                        lambda _: retry() if retry is not None else None)

    def _close_session(self) -> None:
        if self.session is not None:
            try:
                self.session.close()
            except OSError as exc:
                self.notify(f"The draft could not be saved: {exc}", severity="error", markup=False)
            self.session = None

    # -- app-wide actions ----------------------------------------------------
    def action_switch_client(self) -> None:
        """Save, close the client and go back to the client list."""
        if not self._typed_answer_entered():
            return
        self._close_session()
        self._show_start()

    async def action_quit(self) -> None:
        """ctrl+q: enter the answer being typed, save the draft, release the client, quit. An answer typed but
        not valid stops the first ctrl+q (the field says why); a second one quits without it."""
        if not self._typed_answer_entered():
            return
        self._close_session()
        self.exit()

    def _typed_answer_entered(self) -> bool:
        """Enter what the interview's focused field holds but was not entered yet. False (once, with a notice)
        when it is not an answer; the same action again goes on."""
        enter = getattr(self.screen, "enter_typed_answer", None)
        if enter is None or enter():
            return True
        now = time.monotonic()
        if now - self._refused_typed_at < 10:
            return True
        self._refused_typed_at = now
        self.notify("The answer being typed is not valid (the field says why). Correct it, or press the same "
                    "key again within 10 seconds to leave without it.", title="Not left yet",
                    severity="warning", timeout=10, markup=False)
        return False

    def action_command_palette(self) -> None:
        """ctrl+p: Textual's palette, with a plain ">" for its magnifying-glass emoji (two cells wide in some
        terminals and one in others, it shifted the search line over SSH)."""
        from textual.command import CommandPalette

        from .commands import PlainPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(PlainPalette(id="--command-palette"))

    def action_export_follow_ups(self, fmt: str = "markdown") -> None:
        """Write the open follow-ups (Markdown and CSV) into the client's workspace."""
        if self.session is None:
            return
        from workbench.store.workspace import write_export

        from .followups import follow_ups_csv, follow_ups_markdown

        policy, today, interview = self.session.policy, self.session.as_of, self.interview
        try:
            md = write_export(self.session.workspace, "follow-ups.md",
                              follow_ups_markdown(policy, today=today, interview=interview))
            write_export(self.session.workspace, "follow-ups.csv",
                         follow_ups_csv(policy, today=today, interview=interview))
        except OSError as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        self.notify(f"Follow-ups written to {md.parent}/follow-ups.md and .csv", timeout=8, markup=False)

    def action_export_draft(self) -> None:
        """Write the draft's written policy and readiness report (Markdown, HTML, Word), marked as a draft, into
        the client's exports folder: what a consultant sends the client after a meeting. Rendered off the main
        thread (a Word file of a large policy takes seconds)."""
        if self.session is None:
            return
        self.notify("Exporting the draft (written policy and readiness report)...", timeout=3, markup=False)
        self._export_draft(self.session)

    @work(thread=True, group="export-draft", exit_on_error=False)
    def _export_draft(self, session: Session) -> None:
        try:
            written = session.export_draft()
        except Exception as exc:  # a full disk, a folder the user may not write: a message, never a traceback
            self.call_from_thread(self.notify, f"Export failed: {exc}", severity="error", markup=False)
            return
        folder = written[0].parent
        names = sorted({p.stem for p in written})
        self.call_from_thread(self.notify, f"Draft written to {folder}: {', '.join(names)} (.md, .html, .docx); "
                                           f"every page is marked DRAFT.", timeout=10, markup=False)

    # -- the release screens: review, publish, changes since the last version, history --------------------
    def check_action(self, action: str, parameters: tuple) -> Optional[bool]:
        if action in ("review", "changes", "history", "roles", "exceptions"):
            return self.session is not None and hasattr(self.screen, "jump_to")
        return True

    def action_review(self) -> None:
        """F6: review the whole policy before publishing (then p publishes)."""
        from .screens.review import ReviewScreen

        if self.session is not None:
            self.push_screen(ReviewScreen(self.session))

    def action_changes(self) -> None:
        """F7: what this draft changes against the last published version."""
        from .screens.changes import ChangesScreen

        if self.session is not None:
            self.push_screen(ChangesScreen(self.session))

    def action_history(self) -> None:
        """F8: the client's published versions, verified, with diffs and their written policies."""
        from .screens.history import HistoryScreen

        if self.session is not None:
            self.push_screen(HistoryScreen(self.session.workspace, self.session.as_of))


    def action_roles(self) -> None:
        """F9: roles x permissions, members with MFA and last sign-in, reviews, and the conflicts in place."""
        from .screens.roles import RolesScreen

        if self.session is not None:
            self.push_screen(RolesScreen(self.session))

    def action_exceptions(self) -> None:
        """F10: the exceptions register: accept, renew and retire, expired and soon-expiring ones marked."""
        from .screens.exceptions import ExceptionsScreen

        if self.session is not None:
            self.push_screen(ExceptionsScreen(self.session))
