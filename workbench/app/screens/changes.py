"""What this draft changes against the last published version, in the diff's words, with the findings that
appeared or went away. Opened from the interview (F7); computed in a thread worker."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from widgets.diff_view import DiffView, summary_line

from .. import release
from ..session import Session


class ChangesScreen(Screen):
    """The changes since the last published version."""

    BINDINGS = [
        Binding("escape", "back", "Back to interview", id="changes.back"),
        Binding("r", "refresh", "Refresh", id="changes.refresh"),
        Binding("p", "publish", "Publish...", id="changes.publish"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.diff = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("Comparing...", id="changes-head", markup=False)
        yield DiffView(id="changes-diff")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.session.client
        self.sub_title = "changes since the last published version"
        self.action_refresh()

    def action_refresh(self) -> None:
        self._compare()

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False)
    def _compare(self):
        return release.changes(self.session.workspace, self.session.policy, self.session.as_of)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "changes":
            return
        head = self.query_one("#changes-head", Static)
        if event.worker.state == WorkerState.ERROR:
            head.update(f"The comparison failed: {event.worker.error}")
        elif event.worker.state == WorkerState.SUCCESS:
            self.diff = event.worker.result
            if self.diff is None:
                head.update(f"{self.session.client} has no published version yet: everything is new.")
                self.query_one(DiffView).show(None, "Once a version is published (F6 to review, then p), this "
                                                    "shows what the draft changes against it.")
                self.query_one(DiffView).focus()
                return
            else:
                head.update(f"This draft, as of {self.session.as_of.isoformat()}: "
                            f"{summary_line(self.diff)}")
            self.query_one(DiffView).show(self.diff, summary=False)
            self.query_one(DiffView).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_publish(self) -> None:
        from .publish import PublishScreen

        self.app.push_screen(PublishScreen(self.session))
