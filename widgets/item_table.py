"""A table of a policy list's items (systems, tiers, targets ...) with filter, add and delete.

The owner gives the rows (:meth:`ItemTable.load`, :meth:`ItemTable.update_row`)
and acts on what the table reports: :class:`ItemTable.ItemChosen`,
:class:`ItemTable.AddRequested`, :class:`ItemTable.DeleteRequested`. Rows
are keyed by the item's index in the policy list, so a filter never confuses
which item is edited. Cells are one line each and rows are added in bulk, so
thousands of systems stay fast.

| Key | Action |
|---|---|
| enter | edit the highlighted item (its questions show below) |
| a / insert | add an item |
| delete | delete the highlighted item |
| / | filter the rows |
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label


class ItemTable(Vertical):
    """Items of one list, one row each, filterable."""

    DEFAULT_CSS = """
    ItemTable { height: auto; }
    ItemTable > .it-title { text-style: bold; padding: 0 1; }
    ItemTable > Input { width: 1fr; max-width: 60; margin: 0 1; }
    ItemTable > DataTable { height: auto; max-height: 12; margin: 0 1; }
    ItemTable > .it-hint { color: $text-muted; padding: 0 1; }
    """

    BINDINGS = [
        Binding("a,insert", "add", "Add", id="items.add"),
        Binding("delete", "delete", "Delete", id="items.delete"),
        Binding("slash", "filter", "Filter", id="items.filter"),
    ]

    class ItemChosen(Message):
        """The person moved to (or chose) an item: show its questions."""

        def __init__(self, table: "ItemTable", index: int, open_form: bool) -> None:
            self.table = table
            self.index = index
            self.open_form = open_form
            super().__init__()

        @property
        def control(self) -> "ItemTable":
            return self.table

    class AddRequested(Message):
        """Add an item to the list."""

        def __init__(self, table: "ItemTable") -> None:
            self.table = table
            super().__init__()

        @property
        def control(self) -> "ItemTable":
            return self.table

    class DeleteRequested(Message):
        """Delete the item at ``index``."""

        def __init__(self, table: "ItemTable", index: int) -> None:
            self.table = table
            self.index = index
            super().__init__()

        @property
        def control(self) -> "ItemTable":
            return self.table

    def __init__(self, list_path: str, title: str, columns: Sequence[str], *, filterable: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.list_path = list_path
        self.title = title
        self.columns = list(columns)
        self.filterable = filterable
        self._rows: list[tuple[str, ...]] = []

    def compose(self) -> ComposeResult:
        yield Label(self.title, classes="it-title", markup=False)
        if self.filterable:
            yield Input(placeholder="filter: type part of an id, kind, tier ...", id="it-filter", compact=True)
        table: DataTable = DataTable(id="it-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Label("enter edit · a add · delete remove" + (" · / filter" if self.filterable else ""),
                    classes="it-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*self.columns)
        self._fill()

    # -- rows ----------------------------------------------------------------
    def load(self, rows: Sequence[Sequence[Any]]) -> None:
        """All rows at once, in list order (row i is item i)."""
        self._rows = [tuple(_cell(c) for c in row) for row in rows]
        if self.is_mounted:
            self._fill()

    def update_row(self, index: int, row: Sequence[Any]) -> None:
        """Refresh one item's cells after an edit."""
        if not 0 <= index < len(self._rows):
            return
        self._rows[index] = tuple(_cell(c) for c in row)
        table = self.query_one(DataTable)
        key = str(index)
        if key in table.rows:
            for col, value in zip(table.columns, self._rows[index]):
                table.update_cell(key, col, Text(value))

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        needle = self.filter_text.lower()
        table.clear()
        for i, row in enumerate(self._rows):
            if not needle or _matches(row, needle):
                table.add_row(*(Text(c) for c in row), key=str(i))

    @property
    def filter_text(self) -> str:
        if not self.filterable:
            return ""
        return self.query_one("#it-filter", Input).value.strip()

    def clear_filter(self) -> None:
        if self.filterable and self.filter_text:
            self.query_one("#it-filter", Input).value = ""
            self._fill()

    def select(self, index: int) -> None:
        """Put the cursor on item ``index`` (clearing a filter that hides it)."""
        table = self.query_one(DataTable)
        if str(index) not in table.rows:
            self.clear_filter()
        if str(index) in table.rows:
            table.move_cursor(row=table.get_row_index(str(index)))

    @property
    def current(self) -> Optional[int]:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    # -- events --------------------------------------------------------------
    @on(Input.Changed, "#it-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill()

    @on(Input.Submitted, "#it-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(DataTable).focus()

    @on(DataTable.RowHighlighted, "#it-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # Only the person moving the cursor chooses an item; loading rows or select() from the owner does not.
        if event.row_key.value is not None and event.data_table.has_focus:
            self.post_message(self.ItemChosen(self, int(event.row_key.value), False))

    @on(DataTable.RowSelected, "#it-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.ItemChosen(self, int(event.row_key.value), True))

    def action_add(self) -> None:
        self.post_message(self.AddRequested(self))

    def action_delete(self) -> None:
        index = self.current
        if index is not None:
            self.post_message(self.DeleteRequested(self, index))

    def action_filter(self) -> None:
        if self.filterable:
            self.query_one("#it-filter", Input).focus()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.split())[:60]


def _matches(row: Sequence[str], needle: str) -> bool:
    return any(needle in cell.lower() for cell in row)
