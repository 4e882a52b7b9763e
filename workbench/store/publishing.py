"""Publish: turn the working policy into an immutable, numbered version.

``publish(workspace, policy, bump=..., approver=..., note=...)`` writes
``versions/<v>/`` holding:

- ``spec.yaml``      the policy as published (version and revision set)
- ``policy.md``, ``policy.html``, ``policy.docx``   the written policy
- ``findings.json``  every finding at the publish date, with the summary
- ``record.json``    version, date, approver, note, the sha256 of every file
                     above, the spec's sha256 and the sha256 of the previous
                     version's record.json (the tamper-evident chain)

The folder is written under a temporary name, every file fsynced and made
read-only, then renamed into place in one step: a crash leaves either no
version or a whole one. An existing version folder is never replaced.
Publishing is refused while the policy has open blocker *gaps* (accepted
exceptions do not block; nor do questions or missing evidence: a policy is
written and published before the records that show it operating exist). Nothing here needs git; when the workspace lives in
a git repository the version is committed and tagged, and a git failure is a
warning in the result, not a failed publish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from workbench.spec import Policy, dumps
from workbench.spec.model import Revision

from .atomic import _fsync_dir, atomic_write
from .versions import BUMPS, Version, next_version, parse_version
from .workspace import Workspace, WorkspaceError

RECORD = "record.json"
SPEC = "spec.yaml"
FINDINGS = "findings.json"
#: Document formats written with every version, and their file names.
DOCUMENTS = {"markdown": "policy.md", "html": "policy.html", "docx": "policy.docx"}
FILE_MODE = 0o444
DIR_MODE = 0o555


class PublishError(Exception):
    """Publishing could not be done; nothing was written."""


class PublishRefused(PublishError):
    """Open blocker gaps stop the publish. ``findings`` lists them."""

    def __init__(self, version: Version, findings: list):
        self.version = version
        self.findings = findings
        n = len(findings)
        super().__init__(
            f"version {version} was not published: {n} open blocker gap{'s' if n != 1 else ''} "
            "(fix them or accept them as documented exceptions)"
        )


@dataclass
class PublishResult:
    """What a publish wrote."""

    version: Version
    path: Path
    files: dict[str, str]              # file name -> sha256
    record: dict
    record_sha256: str
    policy: Policy                     # the policy as published (new draft)
    report: object                     # the rules' Report at the publish date
    warnings: list[str] = field(default_factory=list)
    git: Optional[dict] = None         # {"commit": sha, "tag": name} when committed
    seconds: float = 0.0
    draft_updated: bool = False


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def history_entry(record: dict) -> dict:
    """The part of a version record the document's revision history shows."""
    out = {k: record.get(k) for k in ("version", "date", "approver", "note")}
    if record.get("author"):
        out["author"] = record["author"]
    return out


def publish(
    workspace: Workspace | str | os.PathLike,
    policy: Policy,
    *,
    bump: str,
    approver: str,
    note: str,
    today: dt.date | None = None,
    author: str | None = None,
    use_git: bool = True,
    update_draft: bool = True,
) -> PublishResult:
    """Publish ``policy`` as the next version of ``workspace`` (see the module docstring).

    The caller's ``policy`` is not changed; ``result.policy`` is the published
    copy (version and revision set), which also becomes the workspace draft
    unless ``update_draft`` is false (the command line leaves a draft alone
    when publishing a spec file from elsewhere).
    Raises :class:`PublishRefused` (open blockers), :class:`PublishError`,
    :class:`~workbench.store.workspace.WorkspaceError` or
    :class:`~workbench.store.lock.WorkspaceLocked`.
    """
    started = time.perf_counter()
    if bump not in BUMPS:
        raise PublishError(f"unknown bump {bump!r}: use major or minor")
    approver, note = (approver or "").strip(), (note or "").strip()
    if not approver:
        raise PublishError("an approver is required: who approved this version?")
    if not note:
        raise PublishError("a revision note is required: what changed in this version?")
    ws = workspace if isinstance(workspace, Workspace) else Workspace.create(workspace)
    day = today or dt.date.today()
    with ws.lock("publish"):
        result = _publish_locked(ws, policy, bump, approver, note, day, author, update_draft)
    if use_git:
        from . import git

        result.git, warnings = git.commit_version(ws, result)
        result.warnings.extend(warnings)
    result.seconds = time.perf_counter() - started
    return result


def _publish_locked(ws: Workspace, policy: Policy, bump: str, approver: str, note: str,
                    day: dt.date, author: Optional[str], update_draft: bool) -> PublishResult:
    from workbench.rules import evaluate

    records = ws.records()
    latest = ws.latest()
    version = next_version(latest, bump, _published_spec_version(policy))
    if ws.version_path(version).exists():
        raise PublishError(f"{ws.version_path(version)}: version {version} already exists and is never overwritten")
    published = _prepared(policy, version, day, approver, note, author, records)
    report = evaluate(published, day)
    blockers = report.publish_blockers
    if blockers:
        raise PublishRefused(version, blockers)

    previous_sha = None
    if latest is not None:
        prev_record = ws.version_path(latest) / RECORD
        if not prev_record.is_file():
            raise PublishError(f"{prev_record}: missing; run `workbench verify` before publishing again")
        previous_sha = sha256_file(prev_record)
    record = {
        "version": str(version),
        "date": day.isoformat(),
        "approver": approver,
        "note": note,
        **({"author": author} if author else {}),
        "bump": bump,
        "previous_version": str(latest) if latest is not None else None,
        "previous_record_sha256": previous_sha,
        "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "findings_summary": report.summary()["open"],
    }
    history = [history_entry(r) for r in records] + [history_entry(record)]
    contents = _contents(published, report, version, history)
    files = {name: sha256_bytes(data) for name, data in sorted(contents.items())}
    record.update(files=files, spec_sha256=files[SPEC])
    record_bytes = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    contents[RECORD] = record_bytes

    target = ws.version_path(version)
    _write_folder(ws.versions_path, target, contents)
    record_sha = sha256_bytes(record_bytes)
    log = ws.publish_log() + [{"version": str(version), "date": day.isoformat(), "record_sha256": record_sha}]
    atomic_write(ws.log_path, json.dumps(log, indent=2) + "\n")
    if update_draft:
        ws.save_draft(published, contents[SPEC].decode("utf-8"))
    return PublishResult(version, target, files, record, record_sha, published, report, draft_updated=update_draft)


def _published_spec_version(policy: Policy) -> Optional[str]:
    """The spec's own version, if its revisions show it was published (elsewhere)."""
    current = policy.policy.version
    if current and any(r.version == current for r in policy.revisions):
        return current
    return None


def _prepared(policy: Policy, version: Version, day: dt.date, approver: str, note: str,
              author: Optional[str], records: list[dict]) -> Policy:
    """A copy of ``policy`` carrying the new version, approval date and revision list.

    The revision list is rebuilt from the version records (they are the
    authority), keeping earlier revisions the spec brought from before this
    workspace, and ends with the new revision.
    """
    # Only what changes is copied: the governance section and the revision list. Every other section is
    # shared with ``policy`` (which is never changed here), so a 1,000-system inventory is not deep-copied.
    out = policy.model_copy()
    out.policy = policy.policy.model_copy(update={"version": str(version), "approved_on": day})
    recorded = {str(r.get("version")) for r in records}
    kept = [r for r in out.revisions if r.version not in recorded and r.version != str(version)]
    from_records = [
        Revision(version=str(r["version"]), date=_date(r.get("date")), author=r.get("author"),
                 approver=r.get("approver"), note=r.get("note"))
        for r in records if r.get("version")
    ]
    new = Revision(version=str(version), date=day, author=author, approver=approver, note=note)
    out.revisions = sorted(kept + from_records, key=_revision_key) + [new]
    return out


def _date(text) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None


def _revision_key(rev: Revision):
    v = parse_version(rev.version)
    return (0, v.major, v.minor, "") if v else (-1, 0, 0, rev.version)


def _contents(policy: Policy, report, version: Version, history: list[dict]) -> dict[str, bytes]:
    from workbench.document import build_view, render_view

    out: dict[str, bytes] = {SPEC: dumps(policy, "yaml").encode("utf-8")}
    try:
        view = build_view(policy, report, history=history)  # once, for the three documents
    except Exception as exc:  # a renderer bug must not leave half a version
        raise PublishError(f"building the documents failed: {type(exc).__name__}: {exc}") from exc
    for fmt, name in DOCUMENTS.items():
        try:
            data = render_view(view, fmt)
        except Exception as exc:  # a renderer bug must not leave half a version
            raise PublishError(f"rendering {name} failed: {type(exc).__name__}: {exc}") from exc
        out[name] = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    out[FINDINGS] = findings_json(report, version).encode("utf-8")
    return out


def findings_json(report, version: Version) -> str:
    """The findings file: a readable header, then one finding per line.

    One compact line per finding keeps the file diffable and lets the C JSON
    encoder do the work (an indented dump of ten thousand findings is slow).
    """
    head = json.dumps({"version": str(version), "as_of": report.as_of.isoformat(), "summary": report.summary()},
                      indent=2, ensure_ascii=False)
    rows = ",\n".join("    " + json.dumps(f.to_dict(), ensure_ascii=False) for f in report.findings)
    body = f',\n  "findings": [\n{rows}\n  ]\n}}\n' if rows else ',\n  "findings": []\n}\n'
    return head[:-2] + body


def _write_folder(parent: Path, target: Path, contents: dict[str, bytes]) -> None:
    """Write ``contents`` into a temporary folder, make it read-only, rename it to ``target``."""
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    try:
        for name, data in contents.items():
            path = tmp / name
            with open(path, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(path, FILE_MODE)
        _fsync_dir(tmp)
        if target.exists():
            raise PublishError(f"{target}: already exists and is never overwritten")
        os.rename(tmp, target)
    except BaseException:
        _remove_tree(tmp)
        raise
    os.chmod(target, DIR_MODE)
    _fsync_dir(parent)


def _remove_tree(path: Path) -> None:
    if not path.exists():
        return
    os.chmod(path, 0o755)
    for child in path.iterdir():
        try:
            os.chmod(child, 0o644)
        except OSError:
            pass
    shutil.rmtree(path, ignore_errors=True)


__all__ = ["PublishError", "PublishRefused", "PublishResult", "publish", "WorkspaceError"]
