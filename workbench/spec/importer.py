"""Import systems into a policy from a spreadsheet (CSV) inventory.

Consultants get asset lists as spreadsheets. :func:`import_systems` reads a
CSV with a header row and adds one system per row:

- columns may come in any order; headers are matched without regard to case,
  spaces or punctuation, and common aliases are understood (``Name`` or
  ``System`` for the id, ``Type`` for the kind, ``Env`` for the environment,
  ``Size (GB)`` for the size, ``Classification`` for the data classes ...);
- columns the importer does not know are reported (with a "did you mean"),
  not fatal;
- list cells (data classes, regulatory tags, residency, dependencies) are
  separated by ``;`` or by ``,`` inside a quoted cell;
- an empty cell, ``unknown``, ``?`` or ``tbd`` leaves the answer unknown;
- the file may start with a UTF-8 byte-order mark (Excel) and may use ``;``
  or a tab as its delimiter.

Every bad row is reported by its line number, with the column and the reason
(unknown kind with a "did you mean", bad duration, duplicate id in the file or
in the policy, tier not defined in the policy, empty id ...). If any row is
bad, nothing is imported: :class:`~workbench.spec.io.SpecError` lists every
problem, each carrying the CSV file and line.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError

from .io import UNKNOWN_WORDS, Problem, SpecError, _describe, read_user_file
from .refs import id_problem
from .textcheck import bad_text
from .model import DataClass, Environment, Kind, Policy, RegulatoryTag, System

__all__ = ["ImportReport", "import_systems", "read_systems", "COLUMN_ALIASES"]

# ----------------------------------------------------------------------------
# Columns
# ----------------------------------------------------------------------------
#: normalized header -> System field (``saas.provider`` for nested answers)
COLUMN_ALIASES: dict[str, str] = {}
_ALIASES = {
    "id": ["id", "name", "system", "system_id", "system_name", "asset", "asset_id", "asset_name", "hostname", "host"],
    "description": ["description", "desc", "purpose", "notes", "comment", "comments"],
    "kind": ["kind", "type", "system_type", "asset_type", "category"],
    "environment": ["environment", "env", "stage"],
    "owner": ["owner", "system_owner", "business_owner", "owner_team", "team", "responsible"],
    "tier": ["tier", "criticality", "criticality_tier", "backup_tier"],
    "data_classes": ["data_classes", "data_class", "data_classification", "classification", "classifications",
                     "data_types", "data_type", "sensitivity"],
    "regulatory_tags": ["regulatory_tags", "regulatory_tag", "regulatory", "regulations", "regulation",
                        "compliance", "reg_tags", "frameworks"],
    "provider": ["provider", "cloud", "cloud_provider", "platform", "hosting", "vendor"],
    "account": ["account", "account_id", "cloud_account", "subscription", "subscription_id", "tenant", "project"],
    "region": ["region", "cloud_region", "location"],
    "site": ["site", "data_center", "datacenter", "data_centre", "office"],
    "residency": ["residency", "data_residency", "allowed_regions"],
    "size_gb": ["size_gb", "size", "size_in_gb", "data_size_gb", "data_size", "gb", "storage_gb", "capacity_gb"],
    "rebuild_hours": ["rebuild_hours", "rebuild_time_hours"],
    "provisioning_hours": ["provisioning_hours", "provisioning_time_hours"],
    "depends_on": ["depends_on", "dependencies", "dependency", "depends", "upstream"],
    "records_retention_via": ["records_retention_via", "retention_via"],
    "max_retention": ["max_retention", "maximum_retention"],
    "rpo": ["rpo", "recovery_point_objective"],
    "rto": ["rto", "recovery_time_objective"],
    "mtd": ["mtd", "maximum_tolerable_downtime"],
    "override_rationale": ["override_rationale"],
    "restore_procedure": ["restore_procedure", "runbook", "restore_runbook"],
    "alternate_site": ["alternate_site", "dr_site"],
    "backs_up_system_state": ["backs_up_system_state", "system_state"],
    "saas.provider": ["saas_provider"],
    "saas.native_recovery_window": ["native_recovery_window", "recycle_bin", "recycle_bin_days"],
}
for _field, _names in _ALIASES.items():
    for _name in _names:
        COLUMN_ALIASES[_name] = _field

#: Headers that name the system: its id when no column gives one, else its display name.
_NAME_HEADERS = {"name", "system_name", "asset_name", "display_name"}

LIST_FIELDS = {"data_classes", "regulatory_tags", "residency", "depends_on"}
FLOAT_FIELDS = {"size_gb", "rebuild_hours", "provisioning_hours"}
BOOL_FIELDS = {"backs_up_system_state"}

# Values people write for the closed vocabularies
_KIND_WORDS = {
    "database": "db", "rds": "db", "sql": "db", "sql_server": "db", "postgres": "db", "postgresql": "db",
    "mysql": "db", "oracle": "db", "virtual_machine": "vm", "ec2": "vm", "physical_server": "server",
    "file_share": "fileshare", "file_server": "fileshare", "nas": "fileshare", "share": "fileshare",
    "bucket": "object_store", "s3": "object_store", "blob": "object_store", "object_storage": "object_store",
    "kubernetes": "k8s", "eks": "k8s", "aks": "k8s", "gke": "k8s", "laptop": "endpoint", "laptops": "endpoint",
    "desktop": "endpoint", "workstation": "endpoint", "logs": "log_store", "logging": "log_store",
    "repository": "config_repo", "repo": "config_repo", "git": "config_repo", "key_management": "kms",
    "identity_provider": "idp", "identity": "idp", "sso": "idp", "secrets_manager": "secrets", "vault": "secrets",
}
_ENV_WORDS = {"production": "prod", "prd": "prod", "live": "prod", "stage": "staging", "stg": "staging",
              "development": "dev", "qa": "test", "uat": "test", "testing": "test", "corporate": "corp",
              "internal": "corp", "disaster_recovery": "dr"}
_CLASS_WORDS = {"personal": "pii", "personal_data": "pii", "health": "phi", "ephi": "phi", "cardholder": "pci",
                "card": "pci", "chd": "pci", "finance": "financial", "log": "logs"}
_TAG_WORDS = {"pci_dss": "pci", "pcidss": "pci", "sec_17a_4": "sec17a4", "17a_4": "sec17a4", "17a4": "sec17a4"}


def _literal_values(literal: Any) -> tuple[str, ...]:
    return tuple(typing.get_args(literal))


KINDS = _literal_values(Kind)
ENVIRONMENTS = _literal_values(Environment)
DATA_CLASSES = _literal_values(DataClass)
REGULATORY_TAGS = _literal_values(RegulatoryTag)


def normalize_header(text: str) -> str:
    """``" Size (GB) "`` -> ``size_gb``; ``"Data Classes"`` -> ``data_classes``."""
    return re.sub(r"[^a-z0-9]+", "_", text.replace("\ufeff", "").strip().lower()).strip("_")


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


# ----------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What an import did: systems added, how columns were read, what was ignored."""

    csv_file: str
    delimiter: str = ","
    added: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)          # header as written -> field
    unknown_columns: list[str] = field(default_factory=list)       # headers as written
    notes: list[str] = field(default_factory=list)                 # ignored duplicates, hints

    def lines(self) -> list[str]:
        """The report for a person, one line each."""
        out = []
        if self.columns:
            read = ", ".join(f"{h} -> {f}" if normalize_header(h) != f else h for h, f in self.columns.items())
            out.append(f"{self.csv_file}: columns read: {read}")
        for header in self.unknown_columns:
            out.append(f"{self.csv_file}: unknown column {header!r} ignored{_column_hint(header)}")
        out.extend(f"{self.csv_file}: {n}" for n in self.notes)
        names = ", ".join(self.added)
        out.append(f"{self.csv_file}: {len(self.added)} system{'s' if len(self.added) != 1 else ''} to add"
                   + (f": {names}" if names else ""))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _column_hint(header: str) -> str:
    match = difflib.get_close_matches(normalize_header(header), list(COLUMN_ALIASES), n=1, cutoff=0.75)
    return f" (did you mean {match[0]!r}?)" if match else ""


# ----------------------------------------------------------------------------
# Reading the file
# ----------------------------------------------------------------------------
def _read_text(path: Path) -> str:
    raw = read_user_file(path, "CSV")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export: UTF-16 with its mark
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:65536]:
        # a spreadsheet saved as .xlsx, a UTF-16 export or any binary file: decoded as text it became a page of
        # mojibake "columns"
        raise SpecError([Problem(str(path), "not a CSV text file (it holds NUL bytes): save the sheet as "
                                            "\"CSV UTF-8 (comma delimited)\" and import that", line=1)])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # older Excel exports on Windows


def _header_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def _pick_delimiter(text: str) -> str:
    """The delimiter that splits the header into the most known columns (then the most columns)."""
    header = _header_line(text)
    best, best_score = ",", (-1, -1)
    for delim in (",", ";", "\t", "|"):
        cells = next(csv.reader([header], delimiter=delim), [])
        known = sum(1 for c in cells if normalize_header(c) in COLUMN_ALIASES)
        score = (known, len(cells))
        if score > best_score:
            best, best_score = delim, score
    return best


# ----------------------------------------------------------------------------
# Cells
# ----------------------------------------------------------------------------
class CellError(ValueError):
    """A cell that cannot be read; the message says why."""


def _is_unknown(cell: str) -> bool:
    return not cell.strip() or cell.strip().lower() in UNKNOWN_WORDS


def _split_list(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|\n]", cell) if part.strip()]


def _vocab(value: str, allowed: tuple[str, ...], words: dict[str, str], what: str) -> str:
    w = _word(value)
    if w in allowed:
        return w
    if w in words:
        return words[w]
    match = difflib.get_close_matches(w, list(allowed) + list(words), n=1, cutoff=0.6)
    hint = f" (did you mean {words.get(match[0], match[0])!r}?)" if match else ""
    raise CellError(f"{value!r} is not a {what}{hint}; use one of: {', '.join(allowed)}")


def _number(value: str) -> float:
    text = value.strip().lower().replace(" ", "")
    factor = 1.0
    for suffix, mult in (("tb", 1000.0), ("gb", 1.0), ("mb", 0.001)):
        if text.endswith(suffix):
            text, factor = text[: -len(suffix)], mult
            break
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", text):
        text = text.replace(",", ".")  # decimal comma
    try:
        number = float(text)
    except ValueError:
        raise CellError(f"{value!r} is not a number") from None
    if number < 0:
        raise CellError(f"{value!r} is negative")
    return number * factor


def _bool(value: str) -> bool:
    w = value.strip().lower()
    if w in {"yes", "y", "true", "1", "x"}:
        return True
    if w in {"no", "n", "false", "0"}:
        return False
    raise CellError(f"{value!r} is not yes or no")


def _cell_value(fieldname: str, cell: str) -> Any:
    if fieldname in LIST_FIELDS:
        items = [i for i in _split_list(cell) if i.lower() not in UNKNOWN_WORDS]
        if fieldname == "data_classes":
            return list(dict.fromkeys(_vocab(i, DATA_CLASSES, _CLASS_WORDS, "data class") for i in items))
        if fieldname == "regulatory_tags":
            return list(dict.fromkeys(_vocab(i, REGULATORY_TAGS, _TAG_WORDS, "regulatory tag") for i in items))
        return list(dict.fromkeys(items))
    value = cell.strip()
    if fieldname == "kind":
        return _vocab(value, KINDS, _KIND_WORDS, "kind of system")
    if fieldname == "environment":
        return _vocab(value, ENVIRONMENTS, _ENV_WORDS, "environment")
    if fieldname in FLOAT_FIELDS:
        return _number(value)
    if fieldname in BOOL_FIELDS:
        return _bool(value)
    return value  # durations, ids, text: the model validates them


# ----------------------------------------------------------------------------
# Import
# ----------------------------------------------------------------------------
def _rows(reader, source: str):
    """The reader's rows; a row the csv module cannot read is a problem at its line, not a traceback."""
    while True:
        start = reader.line_num + 1  # the line the next row starts on
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why, line = str(exc), reader.line_num
            if "field larger than field limit" in why:
                why = f"a cell is longer than {csv.field_size_limit() // 1024} KB; an inventory cell is a few words"
            elif "unexpected end of data" in why:  # the reader is strict: otherwise the rest is one cell
                why, line = ("a quote opened in this row is never closed, so every row after it would be read "
                             "as one cell: close the quote or remove it"), start
            raise SpecError([Problem(source, f"not readable as CSV: {why}", line=line)]) from None
        yield row


def import_systems(policy: Policy, csv_path: str | Path) -> tuple[Policy, ImportReport]:
    """Add the systems listed in ``csv_path`` to ``policy``.

    Returns ``(new_policy, report)``; ``policy`` itself is not changed. Raises
    :class:`SpecError` listing every bad row (file, line, column, field and
    reason) and imports nothing if any row is bad.
    """
    rows, report = read_systems(policy, csv_path)
    new_systems = [System.model_validate(data) for _, data in rows]
    updated = policy.model_copy(deep=True)
    updated.systems = [*updated.systems, *new_systems]
    return updated, report


def read_systems(policy: Policy, csv_path: str | Path) -> tuple[list[tuple[int, dict[str, Any]]], ImportReport]:
    """The systems of ``csv_path`` as ``(line, data)`` pairs, every row checked against ``policy`` and the
    model, ``policy`` untouched (the app adds them through its editor, as one change). Raises
    :class:`SpecError` listing every bad row."""
    path = Path(csv_path)
    source = str(csv_path)
    text = _read_text(path)
    if not text.strip():
        raise SpecError([Problem(source, "the file is empty: the first row must name the columns (id, kind, owner, tier ...)", line=1)])

    delimiter = _pick_delimiter(text)
    report = ImportReport(source, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    # header
    header: list[str] = []
    header_line = 0
    for row in _rows(reader, source):
        if any(c.strip() for c in row):
            header, header_line = row, reader.line_num
            break
    fields_by_col: dict[int, str] = {}
    taken: dict[str, int] = {}
    for col, name in enumerate(header):
        norm = normalize_header(name)
        if not norm:
            if name.strip() == "":
                report.notes.append(f"column {col + 1} has no header; ignored")
            continue
        target = COLUMN_ALIASES.get(norm)
        if target is None:
            report.unknown_columns.append(name.strip())
            continue
        if target == "id" and ("id" in taken or any(normalize_header(h) == "id" for h in header[col + 1:])) \
                and norm in _NAME_HEADERS and "name" not in taken:
            target = "name"  # beside an id column, a name column is the system's display name
        if target in taken:
            first = taken[target]
            # the column spelled exactly like the field wins over an alias ("ID" over "Name")
            if normalize_header(name) == target.split(".")[-1] and normalize_header(header[first]) != target:
                fields_by_col.pop(first)
                report.columns.pop(header[first].strip(), None)
                report.notes.append(f"column {header[first].strip()!r} also means {target}; using {name.strip()!r}")
            else:
                report.notes.append(f"column {name.strip()!r} also means {target}; using {header[first].strip()!r}")
                continue
        taken[target] = col
        fields_by_col[col] = target
        report.columns[name.strip()] = target
    if "id" not in taken:
        raise SpecError([Problem(
            source, "no column names the system: the header needs an id, name or system column"
            f" (found: {', '.join(h.strip() for h in header if h.strip()) or 'nothing'})", line=header_line or 1)])

    # rows
    tiers = {t.id: t.id for t in policy.tiers}
    tiers_folded = {t.lower(): t for t in tiers}
    existing = {s.id for s in policy.systems}
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, Any], dict[str, int]]] = []
    seen_in_file: dict[str, int] = {}
    last_end = reader.line_num
    for row in _rows(reader, source):
        start, last_end = last_end + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            problems.append(Problem(source, f"the row has {len(row)} cells but the header names {len(header)} columns"
                                    " (a value with the delimiter in it needs quotes)", line=start, column=len(header) + 1))
            continue
        data: dict[str, Any] = {}
        cols: dict[str, int] = {}
        bad = id_said = False
        for col, fieldname in fields_by_col.items():
            cell = row[col] if col < len(row) else ""
            cols[fieldname.split(".")[0]] = col + 1
            for _, wrong in bad_text(cell):  # what validate refuses in a file is refused here, at its cell
                problems.append(_problem(source, start, col, header, fieldname, wrong))
                bad = True
            if bad and any(p.line == start and p.column == col + 1 for p in problems):
                if fieldname == "id":
                    data["id"], id_said = cell.strip(), True
                continue
            if fieldname == "id":
                data["id"] = cell.strip()
                continue
            if _is_unknown(cell):
                continue
            try:
                value = _cell_value(fieldname, cell)
            except CellError as exc:
                problems.append(_problem(source, start, col, header, fieldname, str(exc)))
                bad = True
                continue
            if fieldname == "tier":
                value = tiers.get(value) or tiers_folded.get(value.lower())
                if value is None:
                    known = ", ".join(tiers) or "none yet: add tiers to the policy first"
                    match = difflib.get_close_matches(cell.strip(), list(tiers), n=1, cutoff=0.5)
                    hint = f" (did you mean {match[0]!r}?)" if match else ""
                    problems.append(_problem(source, start, col, header, "tier",
                                             f"tier {cell.strip()!r} is not defined in the policy{hint}; tiers: {known}"))
                    bad = True
                    continue
            if "." in fieldname:
                outer, inner = fieldname.split(".")
                data.setdefault(outer, {})[inner] = value
            else:
                data[fieldname] = value
        sid = data.get("id", "")
        id_col = taken["id"]
        if id_said:
            pass  # its cell's problem is said already
        elif not sid:
            problems.append(_problem(source, start, id_col, header, "id", "the system has no id (the cell is empty)"))
            bad = True
        elif (spaced := id_problem(sid)) is not None:
            problems.append(_problem(source, start, id_col, header, "id", f"{sid!r}: {spaced}"))
            bad = True
        elif (taken_by := duplicate_id(sid, existing, seen_in_file, start, "a system")) is not None:
            problems.append(_problem(source, start, id_col, header, "id", taken_by))
            bad = True
        try:
            System.model_validate({**data, "id": sid or "-"})
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
                fieldname = ".".join(str(p) for p in loc if isinstance(p, str)) or "id"
                col = cols.get(loc[0] if loc else "id", id_col + 1) - 1
                problems.append(_problem(source, start, col, header, fieldname, _describe(error)))
            continue
        if not bad:
            rows.append((start, data, cols))

    # dependencies may name systems already in the policy or rows of this file
    known_ids = existing | set(seen_in_file)
    for start, data, cols in rows:
        for dep in data.get("depends_on", []):
            if dep not in known_ids:
                match = difflib.get_close_matches(dep, sorted(known_ids), n=1, cutoff=0.6)
                hint = f" (did you mean {match[0]!r}?)" if match else ""
                problems.append(_problem(source, start, cols["depends_on"] - 1, header, "depends_on",
                                         f"depends on {dep!r}, which is neither in the policy nor in this file{hint}"))

    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise SpecError(problems)

    report.added = [data["id"] for _, data, _ in rows]
    return [(start, data) for start, data, _ in rows], report


def duplicate_id(ident: str, existing, seen: dict, line: int, what: str = "one") -> Optional[str]:
    """Why ``ident`` cannot be added by line ``line`` of a CSV file (the policy or an earlier line of the file
    has it), or None after noting that this line uses it (in ``seen``)."""
    if ident in existing:
        return f"duplicate id {ident!r}: the policy already has {what} with this id"
    if ident in seen:
        return f"duplicate id {ident!r}: line {seen[ident]} of this file already uses it"
    seen[ident] = line
    return None


def _problem(source: str, line: int, col: int, header: list[str], fieldname: str, message: str) -> Problem:
    name = header[col].strip() if 0 <= col < len(header) else fieldname
    where = f" (column {name!r})" if normalize_header(name) != fieldname else ""
    return Problem(source, message + where, (fieldname,), line, col + 1)
