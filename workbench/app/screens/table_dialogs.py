"""Dialogs of the item tables: bulk edit of the selected rows, and CSV import.

Both keep what the person typed when something is refused: the caller's
``attempt`` callback applies the change (through the session) and returns
None when done or the message to show, and the dialog stays open with the
message under the field. Neither dialog touches the policy or the disk.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, Static

from .dialogs import FormDialog, _input

#: (relative path in the item, label, choices as (label, value)) of one field a bulk edit may set
BulkField = tuple[str, str, Sequence[tuple[str, Any]]]


class BulkEditDialog(FormDialog):
    """Set one answer on every selected row: pick the field, then its value (from its choices, when it has them)."""

    ok_label = "Set on all"

    def __init__(self, what: str, count: int, fields: Sequence[BulkField],
                 attempt: Callable[[str, Any], Optional[str]]) -> None:
        super().__init__()
        self.fields_ = list(fields)
        self.attempt = attempt
        self.count = count
        self.title_text = f"Bulk edit: {count} {what}"
        self.note_text = ("One change: ctrl+z undoes it for every row at once. An empty value (or 'unknown') "
                          "clears the answer.")

    def fields(self) -> ComposeResult:
        options = [(Text(label), rel) for rel, label, _ in self.fields_]
        yield from self.labelled("Field", Select(options, value=options[0][1], allow_blank=False, id="bulk-field",
                                                 compact=True))
        yield Static("", id="bulk-label", classes="dlg-label", markup=False)
        yield Select([], id="bulk-choice", compact=True, prompt="choose a value")
        yield _input(id="bulk-value", placeholder="the value for every selected row")

    def on_mount(self) -> None:
        self._show_field(self.fields_[0][0])

    def _field(self, rel: str) -> BulkField:
        return next(f for f in self.fields_ if f[0] == rel)

    def _show_field(self, rel: str) -> None:
        _, label, choices = self._field(rel)
        choice = self.query_one("#bulk-choice", Select)
        text = self.query_one("#bulk-value", Input)
        has_choices = bool(choices)
        self.query_one("#bulk-label", Static).update(f"New value of {rel}" + (" (pick one)" if has_choices else ""))
        if has_choices:
            choice.set_options([(Text(str(lbl)), val) for lbl, val in choices])  # ids are text, never markup
        choice.display = has_choices
        text.display = not has_choices
        self.error("")

    @on(Select.Changed, "#bulk-field")
    def _field_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL:
            self._show_field(event.value)

    def collect(self) -> Optional[dict]:
        rel = self.value("#bulk-field")
        _, _, choices = self._field(rel)
        if choices:
            widget = self.query_one("#bulk-choice", Select)
            if widget.value is Select.NULL:
                self.error("Choose a value first.")
                return None
            value: Any = widget.value
        else:
            value = self.query_one("#bulk-value", Input).value
        problem = self.attempt(rel, value)
        if problem:
            self.error(problem)
            return None
        return {"field": rel, "value": value}


class ImportCsvDialog(FormDialog):
    """Ask for a CSV file; every row is checked before anything is added, and bad rows are listed by line."""

    DEFAULT_CSS = """
    ImportCsvDialog #import-problems { height: auto; max-height: 12; color: $error; }
    """
    ok_label = "Import"

    def __init__(self, what: str, columns: str, attempt: Callable[[str], Optional[str]], path: str = "") -> None:
        super().__init__()
        self.attempt = attempt
        self.path = path
        self.title_text = f"Import {what} from a CSV file"
        self.note_text = (f"The first row names the columns ({columns}). Every row is checked first: if any "
                          "is wrong, nothing is added and the rows are listed here. One change: ctrl+z undoes it.")

    def fields(self) -> ComposeResult:
        yield from self.labelled("CSV file", _input(self.path, id="import-path", placeholder="e.g. ~/inventory.csv"))
        with VerticalScroll(id="import-problems-box"):
            yield Static("", id="import-problems", markup=False)

    def error(self, message: str) -> None:
        self.query_one("#import-problems", Static).update(message)

    def collect(self) -> Optional[dict]:
        path = self.value("#import-path")
        if not path:
            self.error("Type the path of the CSV file.")
            return None
        problem = self.attempt(path)
        if problem:
            self.error(problem)
            return None
        return {"path": path}
