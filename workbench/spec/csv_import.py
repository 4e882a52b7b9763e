"""Read the items of any policy table (systems, schedules, targets, keys, restore tests ...) from a CSV file.

The app's "import CSV" on a table goes through :func:`read_items`: every row
is read and checked against the model (and, for systems, against the
policy's tiers and ids, by :mod:`workbench.spec.importer`, which also
understands spreadsheet headers such as ``Size (GB)``) BEFORE anything is
added. Nothing here changes the policy: the caller adds the items it gets
back through its ``Editor``, as one undoable change. If any row is bad,
:class:`~workbench.spec.io.SpecError` lists every bad row by line, column and
field, and no item is returned.

For tables other than systems the header names the item's fields (any case,
spaces or punctuation: ``Storage class`` is ``storage_class``); a field of a
section inside an item is ``section.field`` or ``section field``
(``retention.daily``, ``Encryption at rest``). List cells are separated by
``;`` (or ``,`` in a quoted cell); an empty cell or ``unknown`` leaves the
answer unset; yes/no cells answer yes/no questions. An id already in the
policy, or twice in the file, is a bad row.
"""

from __future__ import annotations

import csv
import difflib
import io
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .importer import (CellError, _bool, _is_unknown, _pick_delimiter, _problem, _read_text, _rows, _split_list,
                       duplicate_id, normalize_header, read_systems)
from .io import UNKNOWN_WORDS, Problem, SpecError, _describe, _unwrap
from .model import Policy

__all__ = ["CsvRows", "read_items", "table_fields"]


@dataclass
class CsvRows:
    """Items read from a CSV file for one table, all valid, ready to add."""

    list_path: str
    source: str
    items: list[dict[str, Any]]
    lines: list[int]                                              # the line each item starts on
    columns: dict[str, str] = field(default_factory=dict)         # header as written -> field
    unknown_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        n = len(self.items)
        out = f"{n} row{'s' if n != 1 else ''} read from {Path(self.source).name}"
        if self.unknown_columns:
            out += f"; columns ignored: {', '.join(self.unknown_columns)}"
        return out


def item_model(list_path: str) -> type[BaseModel]:
    """The model class of the items of the top-level list ``list_path``."""
    info = Policy.model_fields.get(list_path)
    model = _unwrap(info.annotation) if info is not None else None
    if not (isinstance(model, type) and issubclass(model, BaseModel)) or \
            typing.get_origin(_strip_optional(info.annotation)) is not list:
        raise SpecError([Problem(list_path, "is not a table of the policy")])
    return model


def _strip_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Union or str(typing.get_origin(annotation)) == "types.UnionType":
        return args[0] if args else annotation
    return annotation


def table_fields(model: type[BaseModel]) -> dict[str, str]:
    """normalized header -> field (``retention.daily``) for every answer a CSV cell can hold."""
    out: dict[str, str] = {}
    for name, info in model.model_fields.items():
        inner = _unwrap(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            if typing.get_origin(_strip_optional(info.annotation)) is list:
                continue  # a list of sections does not fit one cell
            for sub in inner.model_fields:
                out[normalize_header(f"{name}_{sub}")] = f"{name}.{sub}"
            continue
        out[normalize_header(name)] = name
    return out


def _field_info(model: type[BaseModel], dotted: str):
    name, _, sub = dotted.partition(".")
    info = model.model_fields[name]
    if sub:
        info = _unwrap(info.annotation).model_fields[sub]
    return info


def _is_list(info) -> bool:
    return typing.get_origin(_strip_optional(info.annotation)) is list


def _is_bool(info) -> bool:
    return _strip_optional(info.annotation) is bool


def read_items(policy: Policy, list_path: str, csv_path: str | Path) -> CsvRows:
    """Every row of ``csv_path`` as an item of ``list_path``, checked; raises :class:`SpecError` if any is bad."""
    if list_path == "systems":
        rows, report = read_systems(policy, csv_path)
        return CsvRows("systems", str(csv_path), [d for _, d in rows], [n for n, _ in rows], dict(report.columns),
                       list(report.unknown_columns), list(report.notes))
    model = item_model(list_path)
    source = str(csv_path)
    text = _read_text(Path(csv_path))
    if not text.strip():
        raise SpecError([Problem(source, "the file is empty: the first row must name the columns", line=1)])
    known = table_fields(model)
    delimiter = _pick_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] = []
    header_line = 0
    for row in _rows(reader, source):
        if any(c.strip() for c in row):
            header, header_line = row, reader.line_num
            break
    out = CsvRows(list_path, source, [], [])
    by_col: dict[int, str] = {}
    for col, name in enumerate(header):
        norm = normalize_header(name)
        if not norm:
            continue
        target = known.get(norm)
        if target is None:
            match = difflib.get_close_matches(norm, list(known), n=1, cutoff=0.75)
            out.unknown_columns.append(name.strip() + (f" (did you mean {known[match[0]]!r}?)" if match else ""))
            continue
        if target in by_col.values():
            out.notes.append(f"column {name.strip()!r} repeats {target}; the first one is used")
            continue
        by_col[col] = target
        out.columns[name.strip()] = target
    required = [n for n, info in model.model_fields.items() if info.is_required()]
    missing = [n for n in required if n not in by_col.values()]
    if not by_col or missing:
        need = ", ".join(missing) if missing else "one of " + ", ".join(sorted(set(known.values()))[:8]) + " ..."
        raise SpecError([Problem(source, f"the header names no column for {need} (found: "
                                 f"{', '.join(h.strip() for h in header if h.strip()) or 'nothing'})",
                                 line=header_line or 1)])
    has_id = "id" in model.model_fields
    existing = {getattr(i, "id", None) for i in (getattr(policy, list_path) or [])} - {None}
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    last_end = reader.line_num
    for row in _rows(reader, source):
        start, last_end = last_end + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            problems.append(Problem(source, f"the row has {len(row)} cells but the header names {len(header)} "
                                    "columns (a value with the delimiter in it needs quotes)", line=start,
                                    column=len(header) + 1))
            continue
        data: dict[str, Any] = {}
        cols: dict[str, int] = {}
        bad = False
        for col, dotted in by_col.items():
            cell = row[col] if col < len(row) else ""
            cols[dotted] = col
            cols.setdefault(dotted.partition(".")[0], col)
            if _is_unknown(cell):
                continue
            info = _field_info(model, dotted)
            try:
                if _is_list(info):
                    value: Any = [i for i in _split_list(cell) if i.lower() not in UNKNOWN_WORDS]
                elif _is_bool(info):
                    value = _bool(cell)
                else:
                    value = cell.strip()
            except CellError as exc:
                problems.append(_problem(source, start, col, header, dotted, str(exc)))
                bad = True
                continue
            name, _, sub = dotted.partition(".")
            if sub:
                data.setdefault(name, {})[sub] = value
            else:
                data[name] = value
        ident = data.get("id") if has_id else None
        if has_id and ident:
            taken_by = duplicate_id(ident, existing, seen, start)
            if taken_by is not None:
                problems.append(_problem(source, start, cols["id"], header, "id", taken_by))
                bad = True
        try:
            model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(p for p in error["loc"] if isinstance(p, str))
                dotted = ".".join(loc[:2])
                col = cols.get(dotted, cols.get(loc[0] if loc else "", 0))
                problems.append(_problem(source, start, col, header, dotted or "row", _describe(error)))
            continue
        if not bad:
            out.items.append(data)
            out.lines.append(start)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise SpecError(problems)
    return out
