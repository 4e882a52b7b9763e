"""The exceptions register: every accepted exception, what it accepts now, and accept, renew and retire.

Opened from the interview (F10 or the command palette). Expired and
soon-expiring exceptions (within :data:`workbench.app.release.EXPIRING_DAYS` of
the session's today) stand out by colour and by a text marker. What an
exception accepts is read from the session's evaluation (the findings the
engine matched to it), so the register and the gap panel say the same thing.
Retiring removes the exception from the register (the written policy's
register lists what is in force; published versions keep the old ones), and
its finding is open again. Every change goes through the session; ctrl+z
undoes it.
"""

from __future__ import annotations

from typing import Any, Optional

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from widgets.roles_matrix import reason_line

from .. import release
from ..session import EditError, Session
from .dialogs import ConfirmDialog, ExceptionDialog
from .editing import EditGroups, fresh_evaluation
from .review import RenewDialog

#: (text marker, theme colour) by status: never colour alone.
STATUS = {
    "expired": ("! EXPIRED", "error"),
    "expiring": ("~ expiring", "warning"),
    "no expiry": ("? no expiry", "warning"),
    "active": ("  active", "success"),
}


def exception_key(exc: Any) -> str:
    """How the engine names an exception on the findings it accepts (``Accepted.exception``)."""
    return exc.id or f"{exc.rule}/{exc.scope}"


class ExceptionsScreen(Screen):
    """The register of accepted exceptions with their status, approver, expiry and what each accepts."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="exceptions.back"),
        Binding("a", "accept", "Accept a finding", id="exceptions.accept"),
        Binding("n", "renew", "Renew", id="exceptions.renew"),
        Binding("x", "retire", "Retire", id="exceptions.retire"),
        Binding("ctrl+z", "undo", "Undo", id="exceptions.undo", priority=True),
        Binding("ctrl+y", "redo", "Redo", id="exceptions.redo", priority=True, show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.edits = EditGroups(session)
        self.rows: list[release.ExceptionRow] = []
        self.report: Any = None
        self.shown_revision = -1

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("Evaluating...", id="exc-headline", markup=False)
        yield DataTable(id="exc-table", cursor_type="row", zebra_stripes=True, fixed_columns=2)
        with VerticalScroll(id="exc-why"):
            yield Static("", id="exc-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.session.client
        self.sub_title = "exceptions register"
        table = self.query_one("#exc-table", DataTable)
        for label in ("Status", "Id", "Rule", "Scope", "Approved by", "Expires", "Accepts", "Justification"):
            table.add_column(label, key=label.lower())
        table.focus()
        self.refresh_register()

    # -- evaluation and drawing ----------------------------------------------
    def refresh_register(self) -> None:
        self.query_one("#exc-headline", Static).update("Evaluating...")
        self._evaluate()

    @work(thread=True, exclusive=True, group="exceptions", exit_on_error=False)
    def _evaluate(self) -> Any:
        return fresh_evaluation(self.session)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "exceptions":
            return
        if event.worker.state == WorkerState.ERROR:
            self.query_one("#exc-headline", Static).update(f"The gap engine failed: {event.worker.error}")
        elif event.worker.state == WorkerState.SUCCESS:
            evaluation = event.worker.result
            if evaluation is None or evaluation.revision != self.session.revision:
                self.refresh_register()
            else:
                self._show(evaluation)

    def _show(self, evaluation: Any) -> None:
        self.report = evaluation.report
        self.shown_revision = evaluation.revision
        self.rows = release.exception_rows(self.session.policy, self.session.as_of)
        table = self.query_one("#exc-table", DataTable)
        row = table.cursor_row
        table.clear()
        colours = self.app.get_css_variables()
        for r in self.rows:
            table.add_row(*self._cells(r, colours))
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1), animate=False)
        self.query_one("#exc-headline", Static).update(self._headline())
        self._explain()

    def accepts(self, exc: Any) -> list:
        """The findings the engine matched to ``exc`` in the evaluation shown."""
        key = exception_key(exc)
        return [f for f in self.report.findings if f.accepted is not None and f.accepted.exception == key]

    def about(self, exc: Any) -> list:
        """The engine's findings about ``exc`` itself (expired, unapproved, matches nothing: EXC-001, EXC-002)."""
        key = exception_key(exc)
        return [f for f in self.report.open if f.rule.startswith("EXC-") and f.subject == key]

    def _cells(self, r: release.ExceptionRow, colours: dict) -> list[Text]:
        e = r.exception
        text, colour = STATUS[r.status]
        if r.status == "expiring":
            text = f"~ in {(e.expires_on - self.session.as_of).days}d"
        style = f"bold {colours.get(colour, '')}" if r.status != "active" else colours.get(colour, "")
        n = len(self.accepts(e))
        accepts = Text(f"{n} finding{'s' if n != 1 else ''}" if n else "nothing",
                       style="" if n else colours.get("warning", ""))
        return [Text(text, style=style), Text(e.id or "-"), Text(e.rule), Text(e.scope),
                Text(e.approved_by or "-"), Text(str(e.expires_on or "-"), style=style if r.stands_out else ""),
                accepts, Text(_one_line(e.justification or "-", 34))]

    def _headline(self) -> str:
        rows = self.rows
        if not rows:
            return "No accepted exceptions. Press a to accept an open finding as one (justification, approver, expiry)."
        count = {s: sum(1 for r in rows if r.status == s) for s in STATUS}
        parts = [f"{len(rows)} exception{'s' if len(rows) != 1 else ''}"]
        if count["expired"]:
            parts.append(f"! {count['expired']} expired")
        if count["expiring"]:
            parts.append(f"~ {count['expiring']} expiring within {release.EXPIRING_DAYS} days")
        if count["no expiry"]:
            parts.append(f"? {count['no expiry']} without expiry")
        n = len(self.report.accepted)
        parts.append(f"{n} finding{'' if n == 1 else 's'} accepted  ·  today {self.session.as_of}")
        return "  ·  ".join(parts)

    @on(DataTable.RowHighlighted, "#exc-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._explain()

    def _explain(self) -> None:
        """The highlighted exception in full: why, by whom, and what it accepts (or why it accepts nothing)."""
        detail = self.query_one("#exc-detail", Static)
        r = self.highlighted()
        if r is None:
            detail.update("")
            return
        e = r.exception
        lines = [Content.assemble((f"{exception_key(e)}  {e.rule} on {e.scope}", "bold"),
                                  f"  approved by {e.approved_by or 'nobody'} on {e.approved_on or '?'}, "
                                  f"expires {e.expires_on or 'never'}"),
                 Content(f"Why: {e.justification or 'no justification given'}")]
        accepted = self.accepts(e)
        lines.append(Content.styled(f"Accepts {len(accepted)} finding{'s' if len(accepted) != 1 else ''} now:"
                                    if accepted else "Accepts no finding now.", "bold"))
        wording = self.session.wording()
        lines += [reason_line(f, wording) for f in accepted]
        lines += [reason_line(f, wording) for f in self.about(e)]
        detail.update(Content("\n").join(lines))

    def highlighted(self) -> Optional[release.ExceptionRow]:
        table = self.query_one("#exc-table", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    def _index(self, exc: Any) -> int:
        return next(i for i, e in enumerate(self.session.policy.exceptions) if e is exc)

    # -- acting (all through the session) ------------------------------------
    def _act(self, *edits) -> bool:
        try:
            self.edits.apply(edits, "exceptions register")
        except EditError as exc:
            self.notify(str(exc), title="Not changed", severity="error", markup=False)
            return False
        self.refresh_register()
        return True

    def action_accept(self) -> None:
        """Choose an open finding, then justification, approver and expiry."""
        if self.report is None:
            return
        choices = [f for f in self.report.open if not f.rule.startswith("EXC-")]
        if not choices:
            self.notify("No open finding to accept.")
            return
        self.app.push_screen(FindingPicker(choices, self.session.wording()), self._accept_chosen)

    def _accept_chosen(self, finding: Any) -> None:
        if finding is None:
            return
        approver = getattr(getattr(self.session.policy.policy, "approver", None), "name", None) or ""

        def accepted(data: Optional[dict]) -> None:
            if data is not None and self._act(lambda: self.session.accept_finding(finding, **data)):
                self.notify(f"{finding.rule} accepted until {data['expires_on']} (ctrl+z undoes).", markup=False)

        self.app.push_screen(ExceptionDialog(finding, self.session.as_of, approver, self.session.wording()), accepted)

    def action_renew(self) -> None:
        """A new expiry for the highlighted exception, later than today."""
        r = self.highlighted()
        if r is None:
            return
        exc, index = r.exception, self._index(r.exception)

        def renewed(data: Optional[dict]) -> None:
            if data is not None and self._act(lambda: self.session.set(f"exceptions[{index}].expires_on",
                                                                        data["expires_on"])):
                self.notify(f"{exception_key(exc)} renewed until {data['expires_on']} (ctrl+z undoes).",
                            markup=False)

        self.app.push_screen(RenewDialog(exc, self.session.as_of), renewed)

    def action_retire(self) -> None:
        """Remove the highlighted exception: what it accepted is an open finding again."""
        r = self.highlighted()
        if r is None:
            return
        exc, index = r.exception, self._index(r.exception)
        n = len(self.accepts(exc))
        again = (f"{n} finding{'s' if n != 1 else ''} of {exc.rule} on {exc.scope} will be open again"
                 if n else "It accepts no finding now")

        def retired(answer: Optional[dict]) -> None:
            if answer is not None and self._act(lambda: self.session.remove(f"exceptions[{index}]")):
                self.notify(f"{exception_key(exc)} retired (ctrl+z brings it back).", markup=False)

        self.app.push_screen(ConfirmDialog(f"Retire {exception_key(exc)}?", f"{again}. ctrl+z brings it back.",
                                           "Retire"), retired)

    def action_undo(self) -> None:
        if self.edits.undo() is None:
            self.notify("Nothing to undo.")
        self.refresh_register()

    def action_redo(self) -> None:
        if self.edits.redo() is None:
            self.notify("Nothing to redo.")
        self.refresh_register()

    def action_back(self) -> None:
        self.edits.leave(self.app)


class FindingPicker(ModalScreen[Optional[Any]]):
    """Choose the open finding to accept as an exception (worst first); escape cancels."""

    DEFAULT_CSS = """
    FindingPicker { align: center middle; }
    FindingPicker > Vertical { width: 90%; max-width: 110; height: 80%; border: thick $primary;
                                     background: $surface; padding: 0 1; }
    FindingPicker Label { text-style: bold; }
    FindingPicker OptionList { height: 1fr; border: none; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, findings: list, wording=str) -> None:
        super().__init__()
        self.wording = wording
        rank = {"blocker": 0, "major": 1, "minor": 2, "advisory": 3}
        self.findings = sorted(findings, key=lambda f: rank.get(f.severity, 9))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Accept which finding as an exception?", markup=False)
            yield OptionList(*(Option(reason_line(f, self.wording), id=str(i)) for i, f in enumerate(self.findings)),
                             id="picker-list")

    @on(OptionList.OptionSelected, "#picker-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.findings[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _one_line(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
