"""The review before publishing: readiness, findings by kind, exceptions, open follow-ups, the written policy.

Opened from the interview (F6). Everything shown is worked out in a thread
worker from the session's policy (:func:`workbench.app.release.review`); the
screen only draws it. Enter on a finding or follow-up goes back to the
interview at its field; ``p`` goes on to publishing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from widgets.ordered_input import OrderedInput
from widgets.policy_preview import PolicyPreview

from .. import release
from ..session import EditError, Session
from .dialogs import ConfirmDialog, ExceptionDialog, FormDialog, expiry_problem, parse_date

NARROW = 100
SEVERITY_STYLE = {"blocker": "bold $error", "major": "$warning", "minor": "$secondary", "advisory": "$text-muted"}
STATUS_COLOUR = {"expired": "error", "expiring": "warning", "no expiry": "warning", "active": "success"}


class ReviewScreen(Screen):
    """One screen to read the whole policy before it is published."""

    BINDINGS = [
        Binding("escape", "back", "Back to interview", id="review.back"),
        Binding("p", "publish", "Publish...", id="review.publish"),
        Binding("r", "refresh", "Refresh", id="review.refresh"),
        Binding("a", "accept", "Accept finding", id="review.accept"),
        Binding("n", "renew", "Renew exception", id="review.renew"),
        Binding("x", "retire", "Retire exception", id="review.retire"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.data: Optional[release.Review] = None
        self._findings: list = []
        self._wording: Callable[[str], str] = str

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
        previous = listing.highlighted
        listing.clear_options()
        self._findings = []
        self._wording = self.session.wording()
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
        # The list is what the keys act on (enter, a): it takes the focus from the tab strip, on a finding.
        if self._findings:
            listing.highlighted = min(previous, listing.option_count - 1) if previous is not None else None
            if listing.highlighted is None or listing.get_option_at_index(listing.highlighted).disabled:
                listing.highlighted = next(i for i in range(listing.option_count)
                                           if not listing.get_option_at_index(i).disabled)
        if self.focused is None or self.focused is self.query_one("#review-tabs").query_one("ContentTabs"):
            if self.query_one("#review-tabs", TabbedContent).active == "tab-findings":
                listing.focus()

    def _finding_prompt(self, f: Any, blocks: bool) -> Table:
        """Severity and rule in columns, the message wrapped beside them (a hanging indent), so the list scans."""
        colours = self.app.get_css_variables()
        severity = SEVERITY_STYLE.get(f.severity, "")
        style = " ".join(colours.get(w[1:], "") if w.startswith("$") else w for w in severity.split())
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=8, no_wrap=True)
        grid.add_column(width=9, no_wrap=True)
        grid.add_column(ratio=1)
        message = Text(self._wording(f.message))  # never read as markup
        if blocks:
            message.append("  stops publishing", style=f"bold {colours.get('error', 'red')}")
        grid.add_row(Text(f.severity, style=style.strip()), Text(f.rule, style="bold"), message)
        return grid

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
        self._follow_up_fields: list[Optional[str]] = []
        for f in data.follow_ups:  # keyed by row: two follow-ups may name one field (or none)
            table.add_row(Text(f.id or "-"), Text(f.question), Text(f.owner or "-"), Text(str(f.due or "-")),
                          Text(f.field or "-"), key=f"fu{len(self._follow_up_fields)}")
            self._follow_up_fields.append(f.field)
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
        key = str(event.row_key.value or "")
        fields = getattr(self, "_follow_up_fields", [])
        index = int(key[2:]) if key.startswith("fu") and key[2:].isdigit() else -1
        if 0 <= index < len(fields) and fields[index]:
            back_to_field(self.app, fields[index])

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_publish(self) -> None:
        from .publish import PublishScreen

        self.app.push_screen(PublishScreen(self.session))

    # -- the exceptions register: accept, renew, retire ------------------------------------------------
    def check_action(self, action: str, parameters) -> Optional[bool]:
        tab = self.query_one("#review-tabs", TabbedContent).active
        if action == "accept":
            return tab == "tab-findings"
        if action in ("renew", "retire"):
            return tab == "tab-exceptions"
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    def action_accept(self) -> None:
        """Accept the highlighted finding as a documented exception (justification, approver, expiry)."""
        listing = self.query_one("#review-findings", OptionList)
        option = listing.highlighted_option
        if option is None or not option.id:
            return
        finding = self._findings[int(option.id[1:])]
        approver = getattr(getattr(self.session.policy.policy, "approver", None), "name", None) or ""

        def accepted(data: Optional[dict]) -> None:
            if data is not None and self._edit(lambda: self.session.accept_finding(finding, **data)):
                self.notify(f"{finding.rule} accepted until {data['expires_on']}.", markup=False)

        self.app.push_screen(ExceptionDialog(finding, self.session.as_of, approver, self.session.wording()), accepted)

    def _highlighted_exception(self) -> Optional[tuple[int, Any]]:
        table = self.query_one("#review-exceptions", DataTable)
        if self.data is None or not self.data.exceptions or table.row_count == 0:
            return None
        row = self.data.exceptions[table.cursor_row]
        index = next(i for i, e in enumerate(self.session.policy.exceptions) if e is row.exception)
        return index, row.exception

    def action_renew(self) -> None:
        """Give the highlighted exception a new expiry date (it stays the same exception)."""
        found = self._highlighted_exception()
        if found is None:
            return
        index, exc = found

        def renewed(data: Optional[dict]) -> None:
            if data is not None and self._edit(lambda: self.session.set(f"exceptions[{index}].expires_on",
                                                                         data["expires_on"])):
                self.notify(f"{exc.id or exc.rule} renewed until {data['expires_on']}.", markup=False)

        self.app.push_screen(RenewDialog(exc, self.session.as_of), renewed)

    def action_retire(self) -> None:
        """Remove the highlighted exception from the register (its finding is open again; undo brings it back)."""
        found = self._highlighted_exception()
        if found is None:
            return
        index, exc = found
        name = exc.id or exc.rule

        def retired(answer: Optional[dict]) -> None:
            if answer is not None and self._edit(lambda: self.session.remove(f"exceptions[{index}]")):
                self.notify(f"{name} retired.", markup=False)

        self.app.push_screen(ConfirmDialog(f"Retire {name}?", f"{exc.rule} on {exc.scope} is an open finding "
                                           "again. Undo (ctrl+z in the interview) brings it back.", "Retire"),
                             retired)

    def _edit(self, edit) -> bool:
        try:
            edit()
        except EditError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        self.action_refresh()
        return True


class RenewDialog(FormDialog):
    """A new expiry date for an accepted exception."""

    title_text = "Renew an exception"
    ok_label = "Renew"

    def __init__(self, exception: Any, today: dt.date) -> None:
        super().__init__()
        self.today = today
        self.note_text = (f"{exception.id or ''} {exception.rule} on {exception.scope}: "
                          f"{exception.justification or 'no justification'} (expires {exception.expires_on or 'never'})")

    def fields(self) -> ComposeResult:
        default = (self.today + dt.timedelta(days=182)).isoformat()
        yield from self.labelled("New expiry (YYYY-MM-DD)", OrderedInput(default, id="renew-until"))

    def collect(self) -> Optional[dict]:
        try:
            until = parse_date(self.value("#renew-until"), "New expiry")
        except ValueError as exc:
            self.error(str(exc))
            return None
        problem = expiry_problem(until, self.today)
        if problem:
            self.error(problem)
            return None
        return {"expires_on": until}



def back_to_field(app, path: str) -> None:
    """Close the release screens and show ``path`` in the interview (its step, item and field)."""
    while len(app.screen_stack) > 1 and not hasattr(app.screen, "jump_to"):
        app.pop_screen()
    if hasattr(app.screen, "jump_to"):
        app.screen.jump_to(path)
