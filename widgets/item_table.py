"""A table of a policy list's items (systems, schedules, targets, keys, restore tests ...).

The owner gives the rows (:meth:`ItemTable.load`, :meth:`ItemTable.update_rows`)
and acts on what the table reports: :class:`ItemTable.ItemChosen`,
:class:`ItemTable.AddRequested`, :class:`ItemTable.DeleteRequested`,
:class:`ItemTable.DuplicateRequested`, :class:`ItemTable.BulkEditRequested`
and :class:`ItemTable.ImportRequested`. The table never edits the policy.
Rows are keyed by the item's index in the policy list, so a filter or a sort
never confuses which item is edited. The rows are drawn by
:class:`~widgets.table_view.TableView`, which only draws the lines on
screen: filtering, sorting and updating thousands of rows stay fast.

| Key | Action |
|---|---|
| enter | edit the highlighted item (its questions show below) |
| a / insert | add an item |
| d | duplicate the highlighted item (with a new id) |
| delete | delete the highlighted item, or the selected ones |
| / | filter the rows |
| space | select or unselect the row |
| ctrl+a | select every row the filter shows (again: unselect) |
| b | bulk edit: set one answer on every selected row |
| s | sort by the first column, again to reverse, again for the next column (or click a header) |
| i | import rows from a CSV file |
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label

from widgets.ordered_input import OrderedInput

from .table_view import TableView


class _ItemMessage(Message):
    def __init__(self, table: "ItemTable") -> None:
        self.table = table
        super().__init__()

    @property
    def control(self) -> "ItemTable":
        return self.table


class ItemTable(Vertical):
    """Items of one list, one row each: filter, sort, select, and ask the owner to edit."""

    DEFAULT_CSS = """
    ItemTable { height: auto; }
    ItemTable > .it-title { text-style: bold; padding: 0 1; }
    ItemTable > Input { width: 1fr; max-width: 60; margin: 0 1; }
    ItemTable > TableView { height: auto; max-height: 14; margin: 0 1; }
    ItemTable > .it-hint { color: $text-muted; padding: 0 1; height: 1; }
    """

    BINDINGS = [
        Binding("a,insert", "add", "Add", id="items.add"),
        Binding("d", "duplicate", "Duplicate", id="items.duplicate"),
        Binding("delete", "delete", "Delete", id="items.delete"),
        Binding("slash", "filter", "Filter", id="items.filter"),
        Binding("space", "toggle", "Select", id="items.select"),
        Binding("ctrl+a", "select_all", "All", id="items.select_all"),
        Binding("b", "bulk_edit", "Bulk edit", id="items.bulk"),
        Binding("s", "sort", "Sort", id="items.sort"),
        Binding("i", "import_csv", "Import", id="items.import"),
    ]

    class ItemChosen(_ItemMessage):
        """The person moved to (or chose) an item: show its questions."""

        def __init__(self, table: "ItemTable", index: int, open_form: bool) -> None:
            self.index = index
            self.open_form = open_form
            super().__init__(table)

    class AddRequested(_ItemMessage):
        """Add an item to the list."""

    class DeleteRequested(_ItemMessage):
        """Delete the items ``indices`` (the selection, or the highlighted item); ``index`` is the first."""

        def __init__(self, table: "ItemTable", indices: Sequence[int]) -> None:
            self.indices = list(indices)
            self.index = self.indices[0]
            super().__init__(table)

    class DuplicateRequested(_ItemMessage):
        """Copy the item at ``index`` as a new item (with a new id)."""

        def __init__(self, table: "ItemTable", index: int) -> None:
            self.index = index
            super().__init__(table)

    class BulkEditRequested(_ItemMessage):
        """Set one answer on every item of ``indices`` (the selected rows the filter shows)."""

        def __init__(self, table: "ItemTable", indices: Sequence[int]) -> None:
            self.indices = list(indices)
            super().__init__(table)

    class ImportRequested(_ItemMessage):
        """Add items from a CSV file."""

    def __init__(self, list_path: str, title: str, columns: Sequence[str], *, filterable: bool = True,
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
            yield OrderedInput(placeholder="filter: part of any cell (an id, a kind, a tier ...)", id="it-filter", compact=True)
        yield TableView(self.columns, id="it-table")
        yield _Status(classes="it-hint")

    def on_mount(self) -> None:
        self.view.set_rows(self._rows)
        self._hint()

    @property
    def view(self) -> TableView:
        return self.query_one("#it-table", TableView)

    # -- rows ----------------------------------------------------------------
    def load(self, rows: Sequence[Sequence[Any]]) -> None:
        """All rows at once, in list order (row i is item i)."""
        self._rows = [tuple(_cell(c) for c in row) for row in rows]
        if self.is_mounted:
            self.view.set_rows(self._rows)

    def update_row(self, index: int, row: Sequence[Any]) -> None:
        """Refresh one item's cells after an edit."""
        self.update_rows({index: row})

    def update_rows(self, rows: dict[int, Sequence[Any]], *, clean: bool = False) -> None:
        """Refresh some items' cells (a bulk edit) without touching the others; ``clean``: the cells are
        already as :func:`cell` makes them."""
        cells = {}
        for index, row in rows.items():
            if 0 <= index < len(self._rows):
                self._rows[index] = cells[index] = tuple(row) if clean else tuple(_cell(c) for c in row)
        if cells and self.is_mounted:
            self.view.update_rows(cells)

    @property
    def rows(self) -> list[tuple[str, ...]]:
        """The cells of every item, in list order, as shown."""
        return self._rows

    @property
    def filter_text(self) -> str:
        if not self.filterable:
            return ""
        return self.query_one("#it-filter", Input).value.strip()

    def clear_filter(self) -> None:
        if self.filterable and self.filter_text:
            self.query_one("#it-filter", Input).value = ""
            self.view.set_filter("")

    def select(self, index: int) -> None:
        """Put the cursor on item ``index`` (clearing a filter that hides it)."""
        view = self.view
        if not view.move_to(index):
            self.clear_filter()
            view.move_to(index)

    @property
    def current(self) -> Optional[int]:
        return self.view.current

    @property
    def selection(self) -> list[int]:
        """The items the actions apply to: the selected rows the filter shows, else the highlighted one."""
        chosen = self.view.shown_selection()
        if chosen:
            return chosen
        return [self.current] if self.current is not None else []

    # -- events --------------------------------------------------------------
    @on(Input.Changed, "#it-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.view.set_filter(event.value)

    @on(Input.Submitted, "#it-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.view.focus()

    @on(TableView.Highlighted, "#it-table")
    def _row_highlighted(self, event: TableView.Highlighted) -> None:
        event.stop()
        # Only the person moving the cursor chooses an item; loading rows or select() from the owner does not.
        if event.item is not None and event.by_user:
            self.post_message(self.ItemChosen(self, event.item, False))

    @on(TableView.Chosen, "#it-table")
    def _row_chosen(self, event: TableView.Chosen) -> None:
        event.stop()
        self.post_message(self.ItemChosen(self, event.item, True))

    @on(TableView.Changed, "#it-table")
    def _view_changed(self, event: TableView.Changed) -> None:
        event.stop()
        self._hint()

    def _hint(self) -> None:
        view = self.view
        total, shown = len(view.rows), view.row_count
        parts = [f"{shown} of {total} shown" if shown != total else f"{total} row{'s' if total != 1 else ''}"]
        if view.selected:
            hidden = len(view.selected) - len(view.shown_selection())
            parts.append(f"{len(view.selected)} selected" + (f" ({hidden} hidden by the filter)" if hidden else ""))
        if view.sort_column is not None:
            parts.append(f"sorted by {self.columns[view.sort_column]}{' (reversed)' if view.sort_reverse else ''}")
        if not view.selected:
            parts.append("space selects rows for a bulk edit")
        self.query_one(".it-hint", _Status).show("  ·  ".join(parts))

    # -- actions -------------------------------------------------------------
    def action_add(self) -> None:
        self.post_message(self.AddRequested(self))

    def action_delete(self) -> None:
        chosen = self.selection
        if chosen:
            self.post_message(self.DeleteRequested(self, chosen))

    def action_duplicate(self) -> None:
        if self.current is not None:
            self.post_message(self.DuplicateRequested(self, self.current))

    def action_filter(self) -> None:
        if self.filterable:
            self.query_one("#it-filter", Input).focus()

    def action_toggle(self) -> None:
        self.view.toggle()

    def action_select_all(self) -> None:
        self.view.select_shown()

    def clear_selection(self) -> None:
        self.view.clear_selection()

    def action_bulk_edit(self) -> None:
        chosen = self.view.shown_selection()
        if not chosen:
            self.app.notify("Select rows first: space selects one, ctrl+a every row the filter shows.")
            return
        self.post_message(self.BulkEditRequested(self, chosen))

    def action_sort(self) -> None:
        """Sort by the first column; again: reversed; again: by the next column (clicking a header picks it)."""
        view = self.view
        if view.sort_column is None:
            view.sort_by(0)
        elif not view.sort_reverse:
            view.sort_by(view.sort_column, True)
        else:
            view.sort_by((view.sort_column + 1) % len(self.columns))

    def action_import_csv(self) -> None:
        self.post_message(self.ImportRequested(self))


class _Status(Widget):
    """One line of status under the table, redrawn without laying the screen out again (unlike a Label, whose
    update re-lays out every widget on a large step)."""

    DEFAULT_CSS = "_Status { height: 1; width: 1fr; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = ""

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        return Text(self.text, no_wrap=True, overflow="ellipsis")


def cell(value: Any) -> str:
    """A cell's text: one line, at most 60 characters."""
    text = "" if value is None else str(value)
    return " ".join(text.split())[:60]


_cell = cell
