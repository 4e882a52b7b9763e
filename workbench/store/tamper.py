"""Tamper evidence: check every published file and the chain of records.

``verify(workspace)`` returns a list of problems, each naming what changed
(empty = intact):

- a file whose bytes no longer match its record's sha256,
- a file missing, or a file present that the record does not list,
- a record that is missing or unreadable, or whose version disagrees with
  its folder,
- a broken chain: a record's ``previous_record_sha256`` that no longer
  matches the previous record, or a previous version that is gone,
- a version in the publish log (``published.json``) that is gone or whose
  record changed; a version folder the log does not know.

The chain makes a changed record visible from the next version; the publish
log makes a removed *latest* version visible. Someone who rewrites every
record, the log and the files can still forge a history: for stronger
evidence keep the workspace in git (tags) or copy ``published.json`` elsewhere.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .publishing import RECORD, sha256_file
from .versions import parse_version
from .workspace import Workspace


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the published versions."""

    where: str       # path relative to the workspace, or "version X"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _short(sha: str | None) -> str:
    return (sha or "none")[:12]


def verify(workspace: Workspace | str | os.PathLike) -> list[Problem]:
    """Every problem found in ``workspace``'s published versions (empty = intact)."""
    ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace)
    problems: list[Problem] = []
    folders = _version_folders(ws, problems)
    records: dict = {}
    record_sha: dict = {}
    for v, folder in folders:
        rec = _check_folder(ws, v, folder, problems)
        if rec is not None:
            records[v] = rec
            record_sha[v] = sha256_file(folder / RECORD)
    _check_chain(ws, [v for v, _ in folders], records, record_sha, problems)
    _check_log(ws, {v for v, _ in folders}, record_sha, problems)
    return problems


def _rel(ws: Workspace, path: Path) -> str:
    try:
        return path.relative_to(ws.path).as_posix()
    except ValueError:
        return str(path)


def _version_folders(ws: Workspace, problems: list[Problem]) -> list:
    if not ws.versions_path.is_dir():
        return []
    out = []
    for entry in sorted(ws.versions_path.iterdir()):
        v = parse_version(entry.name)
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            continue  # an interrupted publish; never a version
        if v is None or not entry.is_dir() or str(v) != entry.name:
            problems.append(Problem(_rel(ws, entry), "not a published version (unexpected entry in versions/)"))
            continue
        out.append((v, entry))
    return sorted(out)


def _check_folder(ws: Workspace, v, folder: Path, problems: list[Problem]):
    record_path = folder / RECORD
    where = _rel(ws, record_path)
    try:
        rec = json.loads(record_path.read_text("utf-8"))
    except FileNotFoundError:
        problems.append(Problem(where, "missing: the files of this version cannot be checked"))
        return None
    except (OSError, ValueError) as exc:
        problems.append(Problem(where, f"unreadable or not JSON ({exc})"))
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("files"), dict):
        problems.append(Problem(where, "not a version record (no files listed)"))
        return None
    if str(rec.get("version")) != str(v):
        problems.append(Problem(where, f"says version {rec.get('version')!r} but lives in versions/{v}"))
    listed = rec["files"]
    if rec.get("spec_sha256") and listed.get("spec.yaml") and rec["spec_sha256"] != listed["spec.yaml"]:
        problems.append(Problem(where, "spec_sha256 disagrees with the hash listed for spec.yaml"))
    for name, expected in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(Problem(_rel(ws, path), "missing (listed in the record)"))
            continue
        actual = sha256_file(path)
        if actual != expected:
            problems.append(Problem(_rel(ws, path),
                                    f"content changed (sha256 {_short(actual)}…, recorded {_short(expected)}…)"))
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != RECORD and name not in listed:
            problems.append(Problem(_rel(ws, path), "file not in the record"))
    return rec


def _check_chain(ws: Workspace, present: list, records: dict, record_sha: dict, problems: list[Problem]) -> None:
    present_set = set(present)
    for i, v in enumerate(present):
        rec = records.get(v)
        if rec is None:
            continue
        prev_name = rec.get("previous_version")
        prev_sha = rec.get("previous_record_sha256")
        earlier = present[i - 1] if i > 0 else None
        if prev_name is None:
            if earlier is not None:
                problems.append(Problem(f"version {v}", f"its record starts a new chain, but version {earlier} comes before it"))
            continue
        prev = parse_version(prev_name)
        if prev not in present_set:
            problems.append(Problem(f"version {prev_name}", f"is missing but {v}'s record points to it"))
            continue
        if earlier is not None and prev != earlier:
            problems.append(Problem(f"version {v}", f"its record points to {prev_name}, but {earlier} comes between"))
        if prev in record_sha and record_sha[prev] != prev_sha:
            problems.append(Problem(f"versions/{prev}/{RECORD}",
                                    f"changed after {v} was published (sha256 {_short(record_sha[prev])}…, "
                                    f"{v} recorded {_short(prev_sha)}…)"))


def _check_log(ws: Workspace, present: set, record_sha: dict, problems: list[Problem]) -> None:
    if not ws.log_path.exists():
        if present:
            problems.append(Problem(ws.log_path.name, "missing: the publish log cannot confirm the latest version"))
        return
    logged = {}
    for entry in ws.publish_log():
        v = parse_version(entry.get("version")) if isinstance(entry, dict) else None
        if v is not None:
            logged[v] = entry.get("record_sha256")
    for v, sha in sorted(logged.items()):
        if v not in present:
            problems.append(Problem(f"version {v}", "is missing but the publish log records it"))
        elif v in record_sha and record_sha[v] != sha:
            problems.append(Problem(f"versions/{v}/{RECORD}", "differs from the hash in the publish log"))
    for v in sorted(present - set(logged)):
        problems.append(Problem(f"versions/{v}", "not in the publish log (published.json)"))
