"""The review before publishing: readiness, findings by kind, exceptions, open follow-ups, the written policy.

Opened from the interview (F6). Everything shown is worked out in a thread
worker from the session's policy (:func:`workbench.app.release.review`); the
screen only draws it. Enter on a finding or follow-up goes back to the
interview at its field; ``p`` goes on to publishing.
"""

from __future__ import annotations

from typing import Any, Optional

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from widgets.policy_preview import PolicyPreview

from .. import release
from ..session import Session

NARROW = 100
SEVERITY_STYLE = {"blocker": "bold $error", "major": "$warning", "minor": "$secondary", "advisory": "$text-muted"}
STATUS_COLOUR = {"expired": "error", "expiring": "warning", "no expiry": "warning", "active": "success"}


class ReviewScreen(Screen):
    """One screen to read the whole policy before it is published."""

    BINDINGS = [
        Binding("escape", "back", "Back to interview", id="review.back"),
        Binding("p", "publish", "Publish...", id="review.publish"),
        Binding("r", "refresh", "Refresh", id="review.refresh"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.data: Optional[release.Review] = None
        self._findings: list = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("Reviewing...", id="review-headline", markup=False)
        with TabbedContent(id="review-tabs"):
            with TabPane("Findings", id="tab-findings"):
                yield OptionList(id="review-findings")
            with TabPane("Exceptions", id="tab-exceptions"):
                yield DataTable(id="review-exceptions", cursor_type="row", zebra_stripes=True)
            with TabPane("Follow-ups", id="tab-follow-ups"):
                yield DataTable(id="review-follow-ups", cursor_type="row", zebra_stripes=True)
            with TabPane("Written policy", id="tab-policy"):
                yield PolicyPreview(id="review-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.session.client
        self.sub_title = "review before publishing"
        exc = self.query_one("#review-exceptions", DataTable)
        for label in ("Id", "Rule", "Scope", "Approved by", "Expires", "Status", "Justification"):
            exc.add_column(label, key=label.lower())
        fu = self.query_one("#review-follow-ups", DataTable)
        for label in ("Id", "Question", "Owner", "Due", "Field"):
            fu.add_column(label, key=label.lower())
        self._layout_for(self.size.width)
        self.action_refresh()

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width)

    def _layout_for(self, width: int) -> None:
        self.query_one(PolicyPreview).set_class(width < NARROW, "-narrow")

    # -- building ------------------------------------------------------------
    def action_refresh(self) -> None:
        self.query_one("#review-headline", Static).update("Reviewing...")
        self._build()

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def _build(self) -> release.Review:
        session = self.session
        last = session.last
        report = last.report if last is not None and not session.stale else None
        from workbench.store.publishing import history_entry

        history = [history_entry(r) for r in session.workspace.records()]
        return release.review(session.policy, session.as_of, report, history=history)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "review":
            return
        if event.worker.state == WorkerState.ERROR:
            self.query_one("#review-headline", Static).update(f"The review could not be built: {event.worker.error}")
        elif event.worker.state == WorkerState.SUCCESS:
            await self._show(event.worker.result)

    async def _show(self, data: release.Review) -> None:
        self.data = data
        self.query_one("#review-headline", Static).update(data.headline())
        self._show_findings(data)
        self._show_exceptions(data)
        self._show_follow_ups(data)
        await self.query_one(PolicyPreview).show(data.markdown)

    def _show_findings(self, data: release.Review) -> None:
        listing = self.query_one("#review-findings", OptionList)
        listing.clear_options()
        self._findings = []
        options = []
        for kind in release.KINDS:
            found = data.groups.get(kind, [])
            title = f"{release.KIND_TITLES[kind]} ({len(found)})"
            options.append(Option(Content.styled(title, "bold underline"), disabled=True))
            for f in found:
                options.append(Option(self._finding_prompt(f, f in data.blockers), id=f"f{len(self._findings)}"))
                self._findings.append(f)
            if not found:
                options.append(Option(Content.styled("  none open", "$text-muted"), disabled=True))
        listing.add_options(options)

    @staticmethod
    def _finding_prompt(f: Any, blocks: bool) -> Content:
        mark = ("  stops publishing", "bold $error") if blocks else ""
        return Content.assemble(
            (f"  {f.severity:<8} ", SEVERITY_STYLE.get(f.severity, "")), (f"{f.rule:<10} ", "bold"), f.message, mark,
        )

    def _show_exceptions(self, data: release.Review) -> None:
        table = self.query_one("#review-exceptions", DataTable)
        table.clear()
        colours = self.app.get_css_variables()
        for row in data.exceptions:
            e = row.exception
            style = colours.get(STATUS_COLOUR.get(row.status, ""), "")
            style = f"bold {style}" if row.status == "expired" else style
            table.add_row(Text(e.id or "-"), Text(e.rule), Text(e.scope), Text(e.approved_by or "-"),
                          Text(str(e.expires_on or "-"), style=style if row.stands_out else ""),
                          Text(row.status, style=style), Text(e.justification or "-"))
        self._retitle("tab-exceptions", f"Exceptions ({len(data.exceptions)})")

    def _show_follow_ups(self, data: release.Review) -> None:
        table = self.query_one("#review-follow-ups", DataTable)
        table.clear()
        for f in data.follow_ups:
            table.add_row(Text(f.id or "-"), Text(f.question), Text(f.owner or "-"), Text(str(f.due or "-")),
                          Text(f.field or "-"), key=f.field or None)
        self._retitle("tab-follow-ups", f"Follow-ups ({len(data.follow_ups)})")

    def _retitle(self, pane_id: str, label: str) -> None:
        tabs = self.query_one("#review-tabs", TabbedContent)
        tabs.get_tab(pane_id).label = label

    # -- acting --------------------------------------------------------------
    @on(OptionList.OptionSelected, "#review-findings")
    def _finding_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int((event.option.id or "f-1")[1:])
        if 0 <= index < len(self._findings):
            back_to_field(self.app, self._findings[index].path)

    @on(DataTable.RowSelected, "#review-follow-ups")
    def _follow_up_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            back_to_field(self.app, str(event.row_key.value))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_publish(self) -> None:
        from .publish import PublishScreen

        self.app.push_screen(PublishScreen(self.session))


def back_to_field(app, path: str) -> None:
    """Close the release screens and show ``path`` in the interview (its step, item and field)."""
    while len(app.screen_stack) > 1 and not hasattr(app.screen, "jump_to"):
        app.pop_screen()
    if hasattr(app.screen, "jump_to"):
        app.screen.jump_to(path)
