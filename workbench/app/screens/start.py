"""The start screen: clients with their readiness and last change, and the ways to open one.

Enter on a client resumes its draft (or its latest version). Buttons and keys
offer the demo client, a new client from a profile or blank, a spec file, and
a published version to revise. A first launch (no clients yet) puts the demo
client first, so something real shows at once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from .dialogs import NewClientDialog, OpenFileDialog, VersionDialog


#: The widest a client's name is shown in the list.
NAME_WIDTH = 48

class StartScreen(Screen):
    """Pick or create a client."""

    BINDINGS = [
        Binding("d", "demo", "Demo client", id="start.demo"),
        Binding("n", "new", "New client", id="start.new"),
        Binding("o", "open_file", "Open file", id="start.open"),
        Binding("v", "revise", "Revise version", id="start.revise"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.clients: list = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(id="start"):
            yield Static("", id="start-intro", markup=False)
            yield DataTable(id="clients", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="start-actions"):
                yield Button("Demo client", id="btn-demo", variant="primary")
                yield Button("New client", id="btn-new")
                yield Button("Open spec file", id="btn-open")
                yield Button("Revise a version", id="btn-revise")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Backup Policy Workbench"
        self.sub_title = "clients"
        table = self.query_one("#clients", DataTable)
        table.add_column("Client", key="client")
        table.add_column("Readiness", key="readiness")
        table.add_column("Draft", key="draft")
        table.add_column("Last change", key="changed")
        table.add_column("Published", key="published")
        self.reload()

    def reload(self) -> None:
        from workbench.store import list_clients

        self.clients = list_clients()
        table = self.query_one("#clients", DataTable)
        table.clear()
        for c in self.clients:
            draft = c.path / "draft.yaml"
            changed = _mtime(draft) or c.latest_date or "-"
            # a name of thousands of characters (a pasted document) pushed every other column off the screen
            name = " ".join(c.name.split())
            name = name if len(name) <= NAME_WIDTH else name[:NAME_WIDTH - 1] + "…"
            table.add_row(Text(name), Text("..."), Text("draft" if draft.exists() else "-"), Text(changed),
                          Text(c.latest or "none"), key=str(c.path))
        intro = self.query_one("#start-intro", Static)
        if self.clients:
            intro.update("Enter resumes a client's draft. d opens the demo client, n starts a new one "
                         "(from a company profile or blank), o opens a spec file, v revises a published version.")
            table.focus()
        else:
            intro.update("No clients yet. Start with the ready demo client (d or enter): a SaaS start-up "
                         "with its policy half written and a few real gaps. Or start a new client (n) or open "
                         "a spec file (o).")
            self.query_one("#btn-demo", Button).focus()
        self._readiness()

    @work(thread=True, exclusive=True, group="readiness", exit_on_error=False)
    def _readiness(self) -> None:
        """Each client's readiness, worked out off the main thread and filled in as it comes."""
        from workbench.rules import evaluate
        from workbench.store import Workspace

        today = getattr(self.app, "today", None)
        for c in list(self.clients):
            try:
                ws = Workspace(c.path)
                policy = ws.load_draft() or (ws.load_version(ws.latest()) if ws.latest() else None)
                text = "-" if policy is None else f"{evaluate(policy, today).readiness()}%"
            except Exception:
                text = "unreadable"
            self.app.call_from_thread(self._set_readiness, str(c.path), text)

    def _set_readiness(self, key: str, text: str) -> None:
        table = self.query_one("#clients", DataTable)
        if key in table.rows:
            table.update_cell(key, "readiness", Text(text))

    # -- actions -------------------------------------------------------------
    @on(DataTable.RowSelected, "#clients")
    def _client_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.app.open_client(str(event.row_key.value))

    @on(Button.Pressed, "#btn-demo")
    def action_demo(self) -> None:
        self.app.open_demo()

    @on(Button.Pressed, "#btn-new")
    def action_new(self) -> None:
        from workbench.starters import it_models, organizations

        self.app.push_screen(NewClientDialog(organizations(), it_models()), self._create)

    def _create(self, data: Optional[dict]) -> None:
        if data is not None:
            self.app.new_client(data["name"], data["template"])

    @on(Button.Pressed, "#btn-open")
    def action_open_file(self, path: str = "") -> None:
        def chosen(data: Optional[dict]) -> None:
            if data:  # a refusal brings this dialog back with the path typed, to correct it or the file
                self.app.open_file(data["path"], retry=lambda: self.action_open_file(data["path"]))

        self.app.push_screen(OpenFileDialog(path), chosen)

    @on(Button.Pressed, "#btn-revise")
    def action_revise(self) -> None:
        from workbench.store import Workspace

        client = self._current()
        if client is None:
            self.notify("Choose a client with published versions first.")
            return
        versions = Workspace(client.path).versions()
        if not versions:
            self.notify(f"{client.name} has no published version yet; enter resumes its draft.", markup=False)
            return
        choices = [(f"{v.label}  {v.date or ''}  {v.note or ''}".strip(), v.label) for v in reversed(versions)]
        self.app.push_screen(VersionDialog(client.name, choices),
                             lambda data: data and self.app.open_client(str(client.path), data["version"]))

    def _current(self) -> Optional[Any]:
        table = self.query_one("#clients", DataTable)
        if not self.clients or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((c for c in self.clients if str(c.path) == key), None)


def _mtime(path: Path) -> Optional[str]:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return None
