"""The published versions of a client: date, approver, note and whether the files still match their record;
the diff between any two versions, and any version's written policy.

Verification (:func:`workbench.store.tamper.verify`), diffs and reading a version's policy.md all run in
thread workers.

| Key | Action |
|---|---|
| enter | show the highlighted version's written policy |
| d | diff: the marked version (or the one before) against the highlighted one |
| m | mark the highlighted version as the start of the next diff |
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

from widgets.diff_view import DiffView
from widgets.policy_preview import PolicyPreview

from .. import release

NARROW = 100


class HistoryScreen(Screen):
    """Versions of one client."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="history.back"),
        Binding("d", "diff", "Diff", id="history.diff"),
        Binding("m", "mark", "Mark for diff", id="history.mark"),
        Binding("enter", "show_policy", "Written policy", id="history.open", show=True),
    ]

    def __init__(self, workspace, today: dt.date) -> None:
        super().__init__()
        self.workspace = workspace
        self.today = today
        self.rows: list[release.HistoryRow] = []
        self.marked: Optional[str] = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("Checking the published versions...", id="history-head", markup=False)
        with Vertical(id="history-body"):
            yield DataTable(id="history-versions", cursor_type="row", zebra_stripes=True)
            with ContentSwitcher(initial="history-diff", id="history-detail"):
                yield DiffView(id="history-diff")
                yield PolicyPreview(id="history-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.workspace.client
        self.sub_title = "published versions"
        table = self.query_one("#history-versions", DataTable)
        for label in ("Version", "Date", "Approver", "Verified", "Note"):
            table.add_column(label, key=label.lower())
        self.query_one(PolicyPreview).set_class(self.size.width < NARROW, "-narrow")
        self.query_one(DiffView).show_text("d shows what changed in the highlighted version; enter shows its "
                                           "written policy; m marks a version to diff any two.")
        self._load()

    def on_resize(self, event) -> None:
        self.query_one(PolicyPreview).set_class(event.size.width < NARROW, "-narrow")

    @work(thread=True, group="history", exit_on_error=False)
    def _load(self) -> list:
        return release.history(self.workspace)

    @work(thread=True, exclusive=True, group="history-diff", exit_on_error=False)
    def _diff(self, a: str, b: str):
        return release.diff_versions(self.workspace, a, b, self.today)

    @work(thread=True, exclusive=True, group="history-policy", exit_on_error=False)
    def _policy(self, version: str) -> str:
        return release.version_markdown(self.workspace, version)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.state == WorkerState.ERROR:
            self.query_one("#history-head", Static).update(f"{worker.error}")
            return
        if worker.state != WorkerState.SUCCESS:
            return
        if worker.group == "history":
            self._show_rows(worker.result)
        elif worker.group == "history-diff":
            self.query_one(ContentSwitcher).current = "history-diff"
            self.query_one(DiffView).show(worker.result)
        elif worker.group == "history-policy":
            self.query_one(ContentSwitcher).current = "history-preview"
            await self.query_one(PolicyPreview).show(worker.result)

    def _show_rows(self, rows: list) -> None:
        self.rows = rows
        colours = self.app.get_css_variables()
        table = self.query_one("#history-versions", DataTable)
        table.clear()
        for r in rows:
            style = colours.get("success" if r.verified else "error", "")
            table.add_row(Text(r.version), Text(r.date), Text(r.approver), Text(r.status, style=style),
                          Text(r.note), key=r.version)
        head = self.query_one("#history-head", Static)
        if not rows:
            head.update(f"{self.workspace.client}: nothing published yet ({self.workspace.path})")
            self.query_one(DiffView).show_text(
                "Published versions are listed here, each with its written policy and what changed since the one "
                "before. To publish the first: F6 (review), then p.")
            return
        bad = [p for r in rows for p in r.problems]
        state = "every file matches its record" if not bad else f"{len(bad)} problem(s): " + "; ".join(bad[:3])
        head.update(f"{self.workspace.client}: {len(rows)} published version{'' if len(rows) == 1 else 's'}, {state}.")
        table.focus()

    def _highlighted(self) -> Optional[str]:
        table = self.query_one("#history-versions", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[table.cursor_row].version

    def action_mark(self) -> None:
        self.marked = self._highlighted()
        if self.marked:
            self.notify(f"Version {self.marked} marked: d now diffs it against the highlighted version.")

    def action_diff(self) -> None:
        current = self._highlighted()
        if current is None:
            return
        versions = [r.version for r in reversed(self.rows)]  # oldest first
        other = self.marked if self.marked and self.marked != current else None
        if other is None:
            i = versions.index(current)
            if i == 0:
                self.notify(f"{current} is the first version: mark another (m) to compare with it.")
                return
            other = versions[i - 1]
        a, b = sorted((other, current), key=versions.index)
        self.query_one(DiffView).show_text(f"Comparing version {a} with {b}...")
        self._diff(a, b)

    @on(DataTable.RowSelected, "#history-versions")
    def action_show_policy(self) -> None:
        version = self._highlighted()
        if version is not None:
            self._policy(version)

    def action_back(self) -> None:
        self.app.pop_screen()
