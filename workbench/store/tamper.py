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

- anything in ``versions/`` that is not a published file: a symbolic link
  (verify follows none: a published file replaced by a link to an identical
  copy elsewhere is named), a hidden entry (``.1.3.abc.tmp/``), a stray file.

The chain makes a changed record visible from the next version; the publish
log makes a removed *latest* version visible. Someone who can write the
workspace can still rewrite every record, the log and the files, so three
anchors outside the chain are checked when present:

- receipts: the record hash printed at publish ("keep this receipt");
  ``verify(expect=[...])`` fails unless each is the record of a version here;
- SSH signatures (:mod:`workbench.store.signing`): with ``allowed_signers``,
  every version's record must carry a valid signature by an allowed key;
- git tags: in a repository, every tag of this workspace's versions must
  still match the version on disk (a deleted or rewritten version shows).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .publishing import RECORD, sha256_bytes, sha256_file
from .signing import SIGNATURE
from .versions import parse_version
from .workspace import Workspace

#: Files a version folder may hold besides those its record lists.
_UNLISTED_OK = {RECORD, SIGNATURE}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the published versions."""

    where: str       # path relative to the workspace, or "version X"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _short(sha) -> str:
    return (sha if isinstance(sha, str) and sha else "none")[:12]


def verify(workspace: Workspace | str | os.PathLike, *, expect: tuple[str, ...] | list[str] = (),
           allowed_signers: str | os.PathLike | None = None, use_git: bool = True) -> list[Problem]:
    """Every problem found in ``workspace``'s published versions (empty = intact).

    ``expect``: receipts (record hashes, or unique prefixes of at least 12 characters) that must each be the
    record of a version here. ``allowed_signers``: an OpenSSH allowed-signers file; every version must then
    be signed by one of its keys. ``use_git``: compare with the workspace's git tags when it is in a repository.
    """
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
    _check_receipts(expect, record_sha, problems)
    if allowed_signers is not None:
        _check_signatures(ws, folders, allowed_signers, problems)
    if use_git:
        _check_git_tags(ws, record_sha, problems)
    return problems


def _rel(ws: Workspace, path: Path) -> str:
    try:
        return path.relative_to(ws.path).as_posix()
    except ValueError:
        return str(path)


def _version_folders(ws: Workspace, problems: list[Problem]) -> list:
    if ws.versions_path.is_symlink():
        problems.append(Problem(_rel(ws, ws.versions_path), "is a symbolic link; verify follows none"))
        return []
    if not ws.versions_path.is_dir():
        return []
    out = []
    for entry in sorted(ws.versions_path.iterdir()):
        v = parse_version(entry.name)
        if entry.is_symlink():
            problems.append(Problem(_rel(ws, entry), "is a symbolic link, not a published version; verify follows none"))
            continue
        if entry.name.startswith("."):
            what = ("the leftover of an interrupted publish, or files hidden there"
                    if entry.name.endswith(".tmp") else "a hidden entry")
            problems.append(Problem(_rel(ws, entry), f"not a published version ({what}); look inside, then delete it"))
            continue
        if v is None or not entry.is_dir() or str(v) != entry.name:
            problems.append(Problem(_rel(ws, entry), "not a published version (unexpected entry in versions/)"))
            continue
        out.append((v, entry))
    return sorted(out)


def _check_folder(ws: Workspace, v, folder: Path, problems: list[Problem]):
    record_path = folder / RECORD
    where = _rel(ws, record_path)
    if record_path.is_symlink():
        problems.append(Problem(where, "is a symbolic link; verify follows none"))
        return None
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
    for name, expected in sorted(listed.items(), key=lambda kv: str(kv[0])):
        if not isinstance(name, str) or not isinstance(expected, str):
            problems.append(Problem(where, f"lists {name!r} with {expected!r}, not a file name and its sha256"))
            continue
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts:
            # a record naming a file outside its version folder: read nothing there
            problems.append(Problem(where, f"lists {name!r}, outside its version folder"))
            continue
        path = folder / name
        if path.is_symlink():
            problems.append(Problem(_rel(ws, path), "replaced by a symbolic link; verify follows none"))
            continue
        if not path.is_file():
            problems.append(Problem(_rel(ws, path), "missing (listed in the record)"))
            continue
        actual = sha256_file(path)
        if actual != expected:
            problems.append(Problem(_rel(ws, path),
                                    f"content changed (sha256 {_short(actual)}…, recorded {_short(expected)}…)"))
    for path in _walk(folder):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            if name not in listed:
                problems.append(Problem(_rel(ws, path), "a symbolic link not in the record; verify follows none"))
        elif path.is_dir():
            problems.append(Problem(_rel(ws, path), "a folder not in the record"))
        elif name not in _UNLISTED_OK and name not in listed:
            problems.append(Problem(_rel(ws, path), "file not in the record"))
    return rec


def _walk(folder: Path) -> list[Path]:
    """Every entry under ``folder``, hidden ones included, without following a symbolic link."""
    out = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        base = Path(top)
        out.extend(base / d for d in dirs)
        out.extend(base / f for f in files)
    return sorted(out)


def _check_receipts(expect, record_sha: dict, problems: list[Problem]) -> None:
    shas = {sha: v for v, sha in record_sha.items()}
    for receipt in expect:
        text = receipt.strip().lower()
        hits = [v for sha, v in shas.items() if len(text) >= 12 and sha.startswith(text)]
        if len(hits) != 1:
            problems.append(Problem(f"receipt {text[:16]}…", "matches no published version's record here: the version "
                                    "it was given for was removed, or its record was rewritten"))


def _check_signatures(ws: Workspace, folders: list, allowed_signers, problems: list[Problem]) -> None:
    from . import signing

    if not signing.available():
        problems.append(Problem("signatures", "ssh-keygen is not installed, so no signature could be checked"))
        return
    for v, folder in folders:
        sig, record = folder / signing.SIGNATURE, folder / RECORD
        if sig.is_symlink() or not sig.is_file():
            problems.append(Problem(_rel(ws, sig), "missing: this version is not signed"))
            continue
        if record.is_symlink() or not record.is_file():
            continue  # already reported
        if signing.check(record.read_bytes(), sig.read_bytes(), allowed_signers) is None:
            problems.append(Problem(_rel(ws, sig), "not a valid signature of this record by an allowed signer: "
                                    "the record was changed or signed with another key"))


def _check_git_tags(ws: Workspace, record_sha: dict, problems: list[Problem]) -> None:
    from . import git

    root = git.repo_root(ws.path)
    if root is None:
        return
    prefix = git.tag_name(root, ws.path, "")
    tags = git._run(["tag", "--list", f"{prefix}*"], root)
    if tags.returncode != 0:
        return
    rel = ws.versions_path.resolve().relative_to(root.resolve()).as_posix()
    for tag in tags.stdout.split():
        v = parse_version(tag[len(prefix):])
        if v is None:
            continue
        shown = git._run(["show", f"{tag}:{rel}/{v}/{RECORD}"], root)
        if shown.returncode != 0:
            continue
        tagged = sha256_bytes(shown.stdout.encode("utf-8"))
        if v not in record_sha:
            problems.append(Problem(f"version {v}", f"is missing but git tag {tag} records it"))
        elif record_sha[v] != tagged:
            problems.append(Problem(f"versions/{v}/{RECORD}", f"differs from the record committed under git tag {tag}"))


def _check_chain(ws: Workspace, present: list, records: dict, record_sha: dict, problems: list[Problem]) -> None:
    present_set = set(present)
    for i, v in enumerate(present):
        rec = records.get(v)
        if rec is None:
            continue
        prev_name = rec.get("previous_version")
        prev_sha = rec.get("previous_record_sha256")
        if prev_name is not None and not isinstance(prev_name, str) or (
                prev_sha is not None and not isinstance(prev_sha, str)):
            problems.append(Problem(f"versions/{v}/{RECORD}", "its link to the version before is not a version "
                                    "and a sha256 (changed by hand?)"))
            continue
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
            if v in logged and logged[v] != entry.get("record_sha256"):
                # a version published twice: the first was removed and its number used again
                problems.append(Problem(f"version {v}", "the publish log records it twice with different records: "
                                        "a published version was removed and its number published again"))
            logged[v] = entry.get("record_sha256")
    for v, sha in sorted(logged.items()):
        if v not in present:
            problems.append(Problem(f"version {v}", "is missing but the publish log records it"))
        elif v in record_sha and record_sha[v] != sha:
            problems.append(Problem(f"versions/{v}/{RECORD}", "differs from the hash in the publish log"))
    for v in sorted(present - set(logged)):
        problems.append(Problem(f"versions/{v}", "not in the publish log (published.json)"))
