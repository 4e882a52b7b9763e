"""Publish: the diff against the last published version, approver, date and note, then the store's publish.

The diff and the publish both run in thread workers; publishing goes through
:func:`workbench.app.release.publish`, which calls the same
``workbench.store.publishing.publish`` as ``workbench publish`` (the app
writes no file itself). A refusal lists the blockers; enter on one goes back
to the interview at its field. After publishing the screen says where the
files went and ``c`` copies the folder path; leaving it reopens the client
from the draft the publish wrote (which carries the new version number).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Optional

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from widgets.ordered_input import OrderedInput
from widgets.diff_view import DiffView

from .. import release
from ..session import Session
from .dialogs import ConfirmDialog, parse_date

SEVERITY_STYLE = {"blocker": "bold $error", "major": "$warning", "minor": "$secondary", "advisory": "$text-muted"}


class PublishScreen(Screen):
    """Approve and publish the next version of the open client."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="publish.back"),
        Binding("ctrl+s", "publish", "Publish", id="publish.publish", priority=True),
        Binding("c", "copy_path", "Copy folder path", id="publish.copy"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.diff = None
        self.outcome: Optional[release.Outcome] = None
        self.busy = False
        self._dated = None  # the approval date the publish under way recorded (taken back if it is refused)
        self._last_approval: Optional[tuple] = None  # (version, approved_on) of the latest published version

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(id="publish"):
            yield Static("Comparing with the last published version...", id="pub-head", markup=False)
            yield DiffView(id="pub-diff")
            with Grid(id="pub-form"):
                yield Label("Bump")
                yield Select([("major", "major"), ("minor", "minor")],
                             value="minor", allow_blank=False, id="pub-bump")
                yield Label("Approved on")
                yield OrderedInput(self.session.as_of.isoformat(), placeholder="YYYY-MM-DD", id="pub-date",
                                   select_on_focus=False)
                yield Label("Approver")
                unsent = self.session.unsent
                yield OrderedInput(unsent.get("pub-approver", self._approver()), placeholder="e.g. Dana Ruiz, CTO",
                                   id="pub-approver", select_on_focus=False)  # Tab then a key kept wiping it
                yield Label("Note")
                yield OrderedInput(unsent.get("pub-note", ""), placeholder="what changed in this version", id="pub-note",
                                   select_on_focus=False)
                yield Label("Reason")
                yield OrderedInput(unsent.get("pub-reason", ""), placeholder="why a weakening (or a minor bump) is right, "
                                   "and who accepted it", id="pub-reason", select_on_focus=False)
            with Horizontal(id="pub-actions"):
                yield Static("", id="pub-version", markup=False)
                yield Button("Publish (ctrl+s)", id="pub-go", variant="primary")
            yield Static("", id="pub-result", markup=False)
            yield OptionList(id="pub-blockers")
        yield Footer()

    def _approver(self) -> str:
        approver = getattr(self.session.policy.policy, "approver", None)
        return getattr(approver, "name", None) or ""

    def on_mount(self) -> None:
        self.title = self.session.client
        self.sub_title = "publish"
        self.query_one("#pub-blockers").display = False
        self.query_one("#pub-result").display = False
        self._compare()
        self.query_one("#pub-note", Input).focus()

    def on_resize(self, event) -> None:
        # at 80x24 the form of boxes three lines high left the diff two lines and cut the placeholders short
        short, narrow = event.size.height < 32, event.size.width < 100
        box = self.query_one("#publish")
        box.set_class(short, "-short")
        box.set_class(narrow, "-narrow")
        for widget in self.query("#pub-form Input, #pub-form Select, #pub-go"):
            widget.compact = short

    # -- the diff ------------------------------------------------------------
    @work(thread=True, group="publish-diff", exit_on_error=False)
    def _compare(self):
        return release.changes(self.session.workspace, self.session.policy, self.session.as_of)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.state == WorkerState.ERROR:
            self._say(f"{worker.error}", error=True)
            if worker.group == "publish":
                self._take_back_date()
        elif worker.state == WorkerState.SUCCESS and worker.group == "publish-diff":
            self._compared(worker.result)
        elif worker.state == WorkerState.SUCCESS and worker.group == "publish":
            self._published(worker.result)
        if worker.group == "publish" and worker.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.busy = False

    def _compared(self, diff) -> None:
        self.diff = diff
        head = self.query_one("#pub-head", Static)
        view = self.query_one(DiffView)
        if diff is None:
            first = release.next_version_label(self.session.workspace, "major", self.session.policy)
            head.update("Nothing published yet: this will be version 1.0, the first." if first == "1.0" else
                        f"Nothing published yet: this will be version {first}, the version the spec states.")
            view.show(None, "Every answer is new in a first version: there is nothing earlier to compare it with.")
            self.query_one("#pub-bump", Select).value = "major"
        else:
            from widgets.diff_view import summary_line

            head.update(summary_line(diff))
            view.show(diff, summary=False)
            self.query_one("#pub-bump", Select).value = diff.suggested_bump
        self._show_version()

    @on(Select.Changed, "#pub-bump")
    @on(Input.Changed, "#pub-date")
    def _show_version(self) -> None:
        bump = self.query_one("#pub-bump", Select).value
        if bump is Select.NULL:
            return
        label = release.next_version_label(self.session.workspace, str(bump), self.session.policy)
        suggested = "" if self.diff is None or self.diff.suggested_bump == bump else \
            f" (the diff suggests {self.diff.suggested_bump})"
        same_day = ""
        if self.diff is not None:
            # said before, not after: once published, the version and its approval date cannot change
            if self._last_approval is None:
                records = self.session.workspace.records()
                self._last_approval = (records[-1].get("version"), records[-1].get("approved_on")) if records \
                    else ("", "")
            version, approved = self._last_approval
            if approved and self.query_one("#pub-date", Input).value.strip() == approved:
                same_day = f"; approved on the same day as {version}: if it was approved again, give that date"
        self.query_one("#pub-version", Static).update(f"Publishes version {label}{suggested}{same_day}")

    @on(Input.Changed, "#pub-approver, #pub-note, #pub-reason")
    def _typed(self, event: Input.Changed) -> None:
        self.session.unsent[event.input.id] = event.value  # kept for the next try, until a publish goes through

    # -- publishing ----------------------------------------------------------
    @on(Button.Pressed, "#pub-go")
    @on(Input.Submitted)
    def action_publish(self) -> None:
        if self.busy or (self.outcome is not None and self.outcome.published):
            return
        if getattr(self.session, "read_only", False):
            return self._say(f"Not published: this client is {self.session.read_only_reason()}; publish it "
                             f"from there.", error=True)
        approver = self.query_one("#pub-approver", Input).value.strip()
        note = self.query_one("#pub-note", Input).value.strip()
        try:
            day = parse_date(self.query_one("#pub-date", Input).value.strip(), "Approved on")
        except ValueError as exc:
            return self._say(str(exc), error=True)
        missing = [what for what, value in (("the approver", approver), ("a note on what changed", note),
                                             ("the approval date", day)) if not value]
        if missing:
            # the cursor goes to the first box to fill (a reviewer hunted for it with shift+tab)
            first = {"the approver": "#pub-approver", "a note on what changed": "#pub-note",
                     "the approval date": "#pub-date"}[missing[0]]
            self.query_one(first, Input).focus()
            return self._say(f"Give {' and '.join(missing)} before publishing.", error=True)
        reason = self.query_one("#pub-reason", Input).value.strip()
        bump = str(self.query_one("#pub-bump", Select).value)
        weakenings = list(getattr(self.diff, "weakenings", None) or ())
        if weakenings and not reason:
            # asked every time, in a dialog whose enter cancels: a second ctrl+s published without the reason
            # the person was about to type (Tab had taken the cursor out of the Reason box)
            what = "; ".join(c.text for c in weakenings[:3]) + (" ..." if len(weakenings) > 3 else "")

            def answered(yes: Optional[dict]) -> None:
                if yes is not None:
                    self._start(bump, approver, note, day, "")
                    return
                # after the dialog has gone: the screen gives the focus back to where it was when it resumes
                self.call_after_refresh(self.query_one("#pub-reason", Input).focus)
                self._say(f"This version weakens the policy ({what}). Give the reason and who accepted it in "
                          f"Reason (it is recorded in the version), then ctrl+s.", error=True)

            self.app.push_screen(ConfirmDialog(
                "Publish a weakening without a reason?",
                f"This version weakens the policy ({what}). Without a reason, the version records none and "
                f"CHG-001 will ask for it. Cancel to give the reason and who accepted it.",
                "Publish without a reason", default_ok=False), answered)
            return
        self._start(bump, approver, note, day, reason)

    def _start(self, bump: str, approver: str, note: str, day: dt.date, reason: str) -> None:
        self._dated = None
        if self.session.policy.policy.approved_on != day:
            # the approval date is an answer of the spec (publishing never fills it in): record it, undoably;
            # taken back if the publish is refused (a refused publish changes nothing)
            self._dated = self.session.set("policy.approved_on", day)
        self.busy = True
        self._say("Publishing...")
        self._publish(bump, approver, note, day, reason)

    def _take_back_date(self) -> None:
        """Nothing was published: the approval date the attempt recorded goes too (nothing else can be edited
        while the publish runs, so it is the last change)."""
        if self._dated is not None:
            self._dated = None
            self.session.undo()

    @work(thread=True, group="publish", exit_on_error=False)
    def _publish(self, bump: str, approver: str, note: str, day: dt.date,
                 reason: str = "") -> release.Outcome:
        session = self.session
        try:
            while not session.save_draft():  # what is on screen is what is published, and the draft has it first
                pass
        except OSError as exc:
            return release.Outcome(error=f"Nothing was published: the draft could not be saved first: {exc}")
        return release.publish(session.workspace, session.policy, bump=bump, approver=approver, note=note,
                               approved_on=day, today=session.today or dt.date.today(),
                               reason=reason or None)

    def _published(self, outcome: release.Outcome) -> None:
        self.outcome = outcome
        if not outcome.published:
            self._take_back_date()
        self._dated = None
        blockers = self.query_one("#pub-blockers", OptionList)
        blockers.clear_options()
        blockers.display = bool(outcome.blockers)
        if outcome.published:
            self.session.unsent.clear()
            self._show_published(outcome.result)
        elif outcome.blockers:
            said = outcome.error or "Nothing was published"
            self._say(f"{said[:1].upper()}{said[1:]}. Enter on one goes to its field.", error=True)
            plain = self.session.wording()  # the spec's words in plain words, as the gap panel shows them
            blockers.add_options([Option(self._blocker_prompt(f, plain), id=str(i))
                                  for i, f in enumerate(outcome.blockers)])
            blockers.highlighted = 0
            blockers.focus()
        else:
            self._say(outcome.error or "Nothing was published.", error=True)

    @staticmethod
    def _blocker_prompt(f, plain: Callable[[str], str]) -> Content:
        return Content.assemble((f"{f.rule:<10} ", "bold $error"), plain(f.message),
                                (f"  ({f.path})" if f.path else "", "$text-muted"))

    def _show_published(self, result) -> None:
        self.query_one("#pub-form").display = False
        self.query_one("#pub-actions").display = False
        files = ", ".join(list(result.files) + ["record.json"])
        warnings = "".join(f"\nWarning: {w}" for w in result.warnings)
        if getattr(result, "approver_filled", False):
            warnings = f"\nApprover: {result.record['approver']} (the policy named none; it does now)." + warnings
        self._say(f"Published {self.session.client} version {result.version} into\n{result.path}\n"
                  f"Files: {files}.{warnings}\n"
                  f"c copies the folder path; escape goes back to the interview, where the draft now carries "
                  f"version {result.version}.")
        self.sub_title = f"version {result.version} published"
        # the head said what the publish *would* be ("this will be version 1.0"): now it says what it is
        before = "its first version" if self.diff is None else "what it changed is below"
        self.query_one("#pub-head", Static).update(f"Version {result.version} is published ({before}).")
        self.query_one(DiffView).focus()

    def _say(self, text: str, *, error: bool = False) -> None:
        result = self.query_one("#pub-result", Static)
        result.display = True
        result.set_class(error, "-error")
        result.update(text)

    @on(OptionList.OptionSelected, "#pub-blockers")
    def _blocker_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        finding = self.outcome.blockers[int(event.option.id)]
        from .review import back_to_field

        back_to_field(self.app, finding.path)

    # -- after ---------------------------------------------------------------
    def action_copy_path(self) -> None:
        if self.outcome is None or not self.outcome.published:
            return
        path = str(self.outcome.result.path)
        self.app.copy_to_clipboard(path)
        self.notify(f"Copied {path}", markup=False)

    def check_action(self, action: str, parameters) -> Optional[bool]:
        if action == "copy_path":
            return self.outcome is not None and self.outcome.published
        if action == "publish":
            return self.outcome is None or not self.outcome.published
        return True

    def action_back(self) -> None:
        if self.outcome is not None and self.outcome.published:
            self._back_on_published_draft()
        else:
            self.app.pop_screen()

    def _back_on_published_draft(self) -> None:
        """Back to the interview on the draft the publish wrote (version number and revision history set)."""
        app = self.app
        path = str(self.session.workspace.path)
        while len(app.screen_stack) > 1 and not hasattr(app.screen, "jump_to"):
            app.pop_screen()
        app._close_session()
        app.open_client(path)
