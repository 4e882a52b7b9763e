"""A table that stays fast with thousands of rows: only the lines on screen are drawn.

:class:`TableView` holds each row's cells as plain strings (and once, in
lowercase, for the filter). Filtering and sorting reorder a list of row
numbers; editing rows replaces their cells; selection is a set of row
numbers. None of these builds widgets or measures cells again: the next
frame draws the visible lines from the strings (``render_line``), so a
filter, a sort or a bulk edit at 5,000 rows costs a few milliseconds.

Rows are identified by their *item number* (the index in the owner's list),
whatever the filter or sort shows. Cell text is drawn literally: brackets in
a name are text, never markup.

| Key | Action |
|---|---|
| up / down / page up / page down / home / end | move |
| enter | choose the row |
| space | select or unselect the row |
| ctrl+a | select every row the filter shows (again: unselect them) |
| (owner) | sort: :meth:`TableView.sort_by`, or click a column's header (again: reversed) |
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

MAX_WIDTH = 30   # widest a column grows (longer text is cut with an ellipsis)
MARK = "✓"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def sort_key(text: str) -> tuple:
    """Numbers in numeric order, then text case-insensitively; "-" (not answered) last."""
    if text in ("", "-"):
        return (2, 0.0, "")
    if _NUMBER.match(text):
        return (0, float(text), "")
    if "/" in text:  # "3/9" answered counts
        head, _, tail = text.partition("/")
        if head.isdigit() and tail.isdigit():
            return (0, int(head) / max(int(tail), 1), text)
    return (1, 0.0, text.lower())


class TableView(ScrollView, can_focus=True):
    """Rows of cells; a cursor row, a selection, a filter and a sort, drawn line by line."""

    COMPONENT_CLASSES = {"table--header", "table--cursor", "table--selected", "table--even", "table--muted"}

    DEFAULT_CSS = """
    TableView {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 14;
        & > .table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .table--even { background: $surface-lighten-1 50%; }
        & > .table--selected { background: $accent 25%; text-style: bold; }
        & > .table--muted { color: $text-muted; }
        & > .table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("enter", "choose", "Edit", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved to item ``item`` (None: no rows shown)."""

        def __init__(self, view: "TableView", item: Optional[int], by_user: bool) -> None:
            self.view = view
            self.item = item
            self.by_user = by_user
            super().__init__()

        @property
        def control(self) -> "TableView":
            return self.view

    class Chosen(Message):
        """Enter (or a second click) on item ``item``."""

        def __init__(self, view: "TableView", item: int) -> None:
            self.view = view
            self.item = item
            super().__init__()

        @property
        def control(self) -> "TableView":
            return self.view

    class Changed(Message):
        """The rows shown, the sort or the selection changed (for the owner's status line)."""

        def __init__(self, view: "TableView") -> None:
            self.view = view
            super().__init__()

        @property
        def control(self) -> "TableView":
            return self.view

    def __init__(self, columns: Sequence[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.columns = list(columns)
        self.rows: list[tuple[str, ...]] = []
        self._lower: list[str] = []
        self.order: list[int] = []          # item numbers shown, top to bottom
        self._position: Optional[dict[int, int]] = None
        self.selected: set[int] = set()
        self.needle = ""
        self.sort_column: Optional[int] = None
        self.sort_reverse = False
        self._widths = [cell_len(c) for c in self.columns]

    # -- data ---------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Sequence[str]]) -> None:
        """Every row, in item order (row i is item i). Keeps the cursor on its item when it is still there."""
        keep = self.current
        self.rows = [tuple(r) for r in rows]
        self._lower = [_joined(r) for r in self.rows]
        self.selected = {i for i in self.selected if i < len(self.rows)}
        self._widths = [cell_len(c) for c in self.columns]
        self._grow_widths(self.rows)
        self._reorder(keep)

    def update_rows(self, changed: dict[int, Sequence[str]]) -> None:
        """New cells for some items (after an edit or a bulk edit); the rest is untouched."""
        fresh = []
        for item, row in changed.items():
            if 0 <= item < len(self.rows):
                row = tuple(row)
                self.rows[item] = row
                self._lower[item] = _joined(row)
                fresh.append(row)
        self._grow_widths(fresh)
        if self.needle or self.sort_column is not None:
            self._reorder(self.current)
        else:
            self._resize()
            self.refresh()

    def set_filter(self, text: str) -> None:
        needle = text.strip().lower()
        if needle != self.needle:
            self.needle = needle
            self._reorder(self.current)

    def sort_by(self, column: Optional[int], reverse: bool = False) -> None:
        self.sort_column, self.sort_reverse = column, reverse
        self._reorder(self.current)

    def _reorder(self, keep: Optional[int]) -> None:
        needle, lower = self.needle, self._lower
        order = [i for i, text in enumerate(lower) if needle in text] if needle else list(range(len(lower)))
        if self.sort_column is not None and 0 <= self.sort_column < len(self.columns):
            col, rows = self.sort_column, self.rows
            order.sort(key=lambda i: sort_key(rows[i][col]) if col < len(rows[i]) else (3,), reverse=self.sort_reverse)
        self.order = order
        self._position = None
        self._resize()
        position = self.position_of(keep) if keep is not None else None
        self.cursor = position if position is not None else min(self.cursor, max(len(order) - 1, 0))
        self.refresh()
        self.post_message(self.Changed(self))

    def _grow_widths(self, rows: Iterable[Sequence[str]]) -> None:
        widths = self._widths
        for row in rows:
            for c, text in enumerate(row[:len(widths)]):
                n = len(text)  # cell_len only when it could matter: most text is one cell a character
                if n > widths[c] or not text.isascii():
                    n = cell_len(text)
                    if n > widths[c]:
                        widths[c] = min(n, MAX_WIDTH)

    def _resize(self) -> None:
        size = Size(2 + sum(w + 2 for w in self._widths), len(self.order) + 1)
        if size != self.virtual_size:  # a new virtual size lays the screen out again: only when it changes
            self.virtual_size = size

    # -- reading ------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        """Rows shown (after the filter)."""
        return len(self.order)

    @property
    def current(self) -> Optional[int]:
        """The item under the cursor (None when no row is shown)."""
        return self.order[self.cursor] if 0 <= self.cursor < len(self.order) else None

    def position_of(self, item: int) -> Optional[int]:
        if self._position is None:
            self._position = {it: pos for pos, it in enumerate(self.order)}
        return self._position.get(item)

    def shown_selection(self) -> list[int]:
        """Selected items the filter shows, in the order shown."""
        return [i for i in self.order if i in self.selected] if self.selected else []

    # -- moving -------------------------------------------------------------------
    def move_to(self, item: int) -> bool:
        """Put the cursor on ``item``; False when the filter hides it."""
        position = self.position_of(item)
        if position is None:
            return False
        self.cursor = position
        return True

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current, self.has_focus))

    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> None:
        page = self._page()
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        if self.order:
            self.cursor = max(0, min(len(self.order) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * self._page())

    def action_edge(self, end: int) -> None:
        if self.order:
            self.cursor = len(self.order) - 1 if end else 0

    def action_choose(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self, self.current))

    # -- selection ----------------------------------------------------------------
    def toggle(self, item: Optional[int] = None) -> None:
        item = self.current if item is None else item
        if item is None:
            return
        self.selected.symmetric_difference_update({item})
        self.refresh()
        self.post_message(self.Changed(self))

    def select_shown(self) -> int:
        """Select every row shown; when all already are, unselect them. Returns how many are selected now."""
        shown = set(self.order)
        if shown and shown <= self.selected:
            self.selected -= shown
        else:
            self.selected |= shown
        self.refresh()
        self.post_message(self.Changed(self))
        return len(self.selected)

    def clear_selection(self) -> None:
        if self.selected:
            self.selected.clear()
            self.refresh()
            self.post_message(self.Changed(self))

    # -- mouse --------------------------------------------------------------------
    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x + round(self.scroll_x))
            if column is not None:
                self.sort_by(column, reverse=self.sort_column == column and not self.sort_reverse)
            return
        position = round(self.scroll_y) + offset.y - 1
        if 0 <= position < len(self.order):
            again = position == self.cursor
            self.cursor = position
            if again or event.chain > 1:
                self.action_choose()

    def _column_at(self, x: int) -> Optional[int]:
        left = 2
        for c, w in enumerate(self._widths):
            if left <= x < left + w + 2:
                return c
            left += w + 2
        return None

    # -- drawing ------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = round(self.scroll_x), round(self.scroll_y)
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("table--header")
            cells = []
            for c, name in enumerate(self.columns):
                if c == self.sort_column:
                    name = f"{name} {'▼' if self.sort_reverse else '▲'}"
                cells.append(name)
            return self._strip("  ", cells, style, style, width, scroll_x)
        position = scroll_y + y - 1
        if position >= len(self.order):
            return Strip.blank(width, base)
        item = self.order[position]
        style = base
        if position % 2:
            style = style + self.get_component_rich_style("table--even")
        chosen = item in self.selected
        if chosen:
            style = style + self.get_component_rich_style("table--selected")
        if position == self.cursor:
            style = style + self.get_component_rich_style("table--cursor")
        mark = f"{MARK} " if chosen else "  "
        muted = style + self.get_component_rich_style("table--muted") if position != self.cursor else style
        return self._strip(mark, self.rows[item], style, muted, width, scroll_x)

    def _strip(self, mark: str, cells: Sequence[str], style: Style, muted: Style, width: int, scroll_x: int) -> Strip:
        segments = [Segment(mark, style)]
        for c, w in enumerate(self._widths):
            text = cells[c] if c < len(cells) else ""
            n = cell_len(text) if not text.isascii() else len(text)
            if n > w:
                text = set_cell_size(text, w - 1) + "…"
            elif n < w:
                text = text + " " * (w - n)
            segments.append(Segment(text + "  ", muted if text.startswith("- ") or text.strip() == "-" else style))
        strip = Strip(segments)
        if scroll_x:
            strip = strip.crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width, style).crop(0, width)


def _joined(row: Sequence[str]) -> str:
    return "\x1f".join(row).lower()
