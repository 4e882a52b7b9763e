"""Publish: turn the working policy into an immutable, numbered version.

``publish(workspace, policy, bump=..., approver=..., note=...)`` writes
``versions/<v>/`` holding:

- ``spec.yaml``      the policy as published (version and revision set)
- ``policy.md``, ``policy.html``, ``policy.docx``   the written policy
- ``readiness-report.md``, ``.html``, ``.docx``   the readiness report: open
                     items, test calendar, exceptions register, findings and
                     the evidence request list, as of the publish date
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

Publishing never changes an answer of the spec. The approval date is the
spec's ``policy.approved_on``: a spec without one, or with one in the future,
is refused with a message saying so. The version is dated by that approval
date (or the ``today`` the caller gives, the command line's ``--as-of``), and
findings, documents and the record all use that one date. A ``minor`` bump
where the changes since the previous version are material (the semantic diff
suggests ``major``) is refused unless a ``reason`` says why; the reason is
kept in ``record.json``. Follow-up questions whose field is now answered are
marked answered in the published spec (:mod:`workbench.spec.followups`), and
the record lists them. The workspace draft becomes the published spec.
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
from workbench.spec.model import Person, Revision

from .atomic import _fsync_dir, atomic_write
from .versions import BUMPS, Version, next_version, parse_version
from .workspace import Workspace, WorkspaceError

RECORD = "record.json"
SPEC = "spec.yaml"
FINDINGS = "findings.json"
#: Document formats written with every version, and their file names.
DOCUMENTS = {"markdown": "policy.md", "html": "policy.html", "docx": "policy.docx"}
#: The readiness report, written beside the policy with every version.
REPORTS = {"markdown": "readiness-report.md", "html": "readiness-report.html", "docx": "readiness-report.docx"}
#: A Word file in the workspace whose styles, page setup and letterhead the Word documents take on.
STYLES = "styles.docx"
FILE_MODE = 0o400  # owner-only and read-only (0444 with WORKBENCH_SHARED_FILES=1)
DIR_MODE = 0o500


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
    follow_ups_closed: list[str] = field(default_factory=list)   # ids (or questions) closed by this publish
    previous_draft: Optional[Path] = None   # where a differing draft was kept before it was replaced
    approver_filled: bool = False      # the spec named no approver: the one given to publish is now policy.approver


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
    if record.get("weakens"):  # a version that weakened the policy says so, and why, where the reader looks
        out["weakens"] = list(record["weakens"])
        out["reason"] = record.get("reason")
    return out


def publish(
    workspace: Workspace | str | os.PathLike,
    policy: Policy,
    *,
    bump: str,
    approver: str | None = None,
    note: str,
    today: dt.date | None = None,
    author: str | None = None,
    use_git: bool = True,
    update_draft: bool = True,
    sign_key: str | os.PathLike | None = None,
    reason: str | None = None,
    check_on: dt.date | None = None,
) -> PublishResult:
    """Publish ``policy`` as the next version of ``workspace`` (see the module docstring).

    ``approver`` defaults to the spec's ``policy.approver``; ``today`` (the date
    the version is dated and evaluated at) to the spec's ``policy.approved_on``.
    The caller's ``policy`` is not changed; ``result.policy`` is the published
    copy (version, revisions and settled follow-ups), which also becomes the
    workspace draft unless ``update_draft`` is false; a draft that differed from
    both is kept beside it as ``draft.before-<version>.yaml``. With ``sign_key`` (an SSH private key file)
    the record is signed (:mod:`workbench.store.signing`).
    Material weakenings against the latest published version (a retention cut, a lock removed, a looser
    objective: :attr:`~workbench.store.semdiff.PolicyDiff.weakenings`) are recorded on the new revision
    (``weakens``) with ``reason``; the gap engine asks for a reason when there is none (CHG-001).
    Blockers are checked at the version's date and also at ``check_on`` (default: ``today`` when given,
    else the real date), so an approval date set in the past cannot hide what is overdue or expired now.
    Raises :class:`PublishRefused` (open blockers), :class:`PublishError`,
    :class:`~workbench.store.workspace.WorkspaceError` or
    :class:`~workbench.store.lock.WorkspaceLocked`.
    """
    started = time.perf_counter()
    if bump not in BUMPS:
        raise PublishError(f"unknown bump {bump!r}: use major or minor")
    named = _spec_approver(policy)
    approver = (approver or named or "").strip()
    note, reason = (note or "").strip(), (reason or "").strip() or None
    if not approver:
        raise PublishError("an approver is required: who approved this version? Name them in the spec "
                           "(policy.approver) or give --approver")
    if not note:
        raise PublishError("a revision note is required: what changed in this version?")
    day = _publication_date(policy, today)
    check_on = check_on or today or dt.date.today()
    ws = workspace if isinstance(workspace, Workspace) else Workspace.create(workspace)
    with ws.lock("publish"):
        result = _publish_locked(ws, policy, bump, approver, note, day, author, update_draft, reason, sign_key,
                                 check_on)
    if not named:
        result.approver_filled = True
    elif not _same_name(approver, named, policy):
        result.warnings.append(f"the record names {approver} as approver, but the spec's policy.approver is "
                               f"{named}; the spec was left as it is")
    if use_git:
        from . import git

        result.git, warnings = git.commit_version(ws, result)
        result.warnings.extend(warnings)
    result.seconds = time.perf_counter() - started
    return result


def _spec_approver(policy: Policy) -> Optional[str]:
    person = policy.policy.approver
    if person is None:
        return None
    if person.name and person.role:
        return f"{person.name} ({person.role})"
    return person.name or person.role


def _same_name(given: str, named: str, policy: Policy) -> bool:
    person = policy.policy.approver
    norm = " ".join(given.lower().split())
    candidates = {named, person.name or "", person.role or ""} if person is not None else {named}
    return any(norm == " ".join(c.lower().split()) for c in candidates if c)


def _publication_date(policy: Policy, as_of: Optional[dt.date]) -> dt.date:
    """The date the version carries: ``as_of`` if given, else the approval date or the latest record after it;
    refused when the approval
    date is missing, in the future, or later than ``as_of``."""
    approved = policy.policy.approved_on
    if approved is None:
        raise PublishError("the spec has no approval date (policy.approved_on): write the date the approver "
                           "approved this version, e.g. approved_on: " + dt.date.today().isoformat()
                           + "; publishing never fills it in for you")
    if approved > dt.date.today():
        raise PublishError(f"the approval date policy.approved_on ({approved.isoformat()}) is in the future; "
                           "a version can only be published once it is approved")
    if as_of is not None and approved > as_of:
        raise PublishError(f"the approval date policy.approved_on ({approved.isoformat()}) is after the "
                           f"publication date {as_of.isoformat()}: a document cannot be dated before its approval")
    # a spec that records reviews or restore tests after its approval is published as of the latest of them:
    # its report then counts them (dated at the approval, it would call them missing while listing them)
    return as_of or policy.latest_record_on(dt.date.today()) or approved


def _check_bump(ws: Workspace, latest: Optional[Version], policy: Policy, bump: str,
                reason: Optional[str]) -> Optional[list[str]]:
    """Refuse a minor bump over material changes without a reason; the material changes (for the record)."""
    if latest is None:
        return None
    from .semdiff import diff

    try:
        previous = ws.load_version(latest)
    except Exception:  # an unreadable previous spec is verify's business, not a reason to refuse
        return None
    changes = diff(previous, policy, findings=False).material
    if not changes or bump == "major":
        return [c.text for c in changes] or None
    if not reason:
        shown = [f"  [{c.area}] {c.text}" for c in changes[:8]]
        more = [f"  ... and {len(changes) - 8} more (workbench diff shows them all)"] if len(changes) > 8 else []
        raise PublishError("\n".join([
            f"--bump minor, but {len(changes)} change{'s' if len(changes) != 1 else ''} since version {latest} "
            f"{'are' if len(changes) != 1 else 'is'} material (a major version is suggested):", *shown, *more,
            "Publish with --bump major, or say why a minor version is right with --reason TEXT "
            "(the reason is recorded in the version)"]))
    return [c.text for c in changes]


def _publish_locked(ws: Workspace, policy: Policy, bump: str, approver: str, note: str,
                    day: dt.date, author: Optional[str], update_draft: bool,
                    reason: Optional[str] = None, sign_key=None,
                    check_on: Optional[dt.date] = None) -> PublishResult:
    from workbench.rules import evaluate
    from workbench.spec.followups import settle

    if ws.versions_path.exists():
        from .tamper import verify

        broken = verify(ws, use_git=False)
        if broken:
            # a removed latest version let its number be published again, over a chain nobody checked
            shown = "; ".join(str(p) for p in broken[:3]) + (f"; and {len(broken) - 3} more" if len(broken) > 3 else "")
            raise PublishError(f"the published versions in {ws.path} do not verify ({shown}): a new version would "
                               "be chained to them. Run `workbench verify` on the workspace, and restore the "
                               "versions from a backup or the git history before publishing")
    records = ws.records()
    latest = ws.latest()
    if records and records[-1].get("date") and str(records[-1]["date"]) > day.isoformat():
        raise PublishError(f"version {records[-1].get('version')} is dated {records[-1]['date']}, after "
                           f"{day.isoformat()}: a later version cannot carry an earlier date "
                           "(check policy.approved_on, or --as-of)")
    material = _check_bump(ws, latest, policy, bump, reason)
    version = next_version(latest, bump, published_spec_version(policy), policy.policy.version)
    if ws.version_path(version).exists():
        raise PublishError(f"{ws.version_path(version)}: version {version} already exists and is never overwritten")
    weak = _weakenings(ws, latest, policy)
    published = _prepared(policy, version, day, approver, note, author, records, weak, reason)
    report = evaluate(published, day)
    blockers = list(report.publish_blockers)
    if check_on is not None and check_on > day:
        # what is overdue or expired now blocks too: a back-dated approval must not hide it
        seen = {(f.rule, f.paths) for f in blockers}
        for f in evaluate(published, check_on).publish_blockers:
            key = (f.rule, f.paths)
            if key not in seen:
                seen.add(key)
                blockers.append(f)
    if blockers:
        raise PublishRefused(version, blockers)

    closed = settle(published, report.findings)

    previous_sha = None
    if latest is not None:
        prev_record = ws.version_path(latest) / RECORD
        if not prev_record.is_file():
            raise PublishError(f"{prev_record}: missing; run `workbench verify` before publishing again")
        previous_sha = sha256_file(prev_record)
    record = {
        "version": str(version),
        "date": day.isoformat(),
        "approved_on": policy.policy.approved_on.isoformat() if policy.policy.approved_on else None,
        "approver": approver,
        "note": note,
        **({"author": author} if author else {}),
        "bump": bump,
        # why a minor version over material changes: only then (a --reason on a major one is the weakening's)
        **({"bump_reason": reason} if reason and bump == "minor" and material else {}),
        **({"material_changes": material} if material else {}),
        **({"follow_ups_closed": [fu.id or fu.question for fu in closed]} if closed else {}),
        "previous_version": str(latest) if latest is not None else None,
        "previous_record_sha256": previous_sha,
        "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "findings_summary": report.summary()["open"],
        **({"weakens": weak} if weak else {}),
        **({"reason": reason} if reason else {}),
    }
    history = [history_entry(r) for r in records] + [history_entry(record)]
    styles = ws.path / STYLES
    contents = _contents(published, report, version, history, reference=styles if styles.is_file() else None)
    files = {name: sha256_bytes(data) for name, data in sorted(contents.items())}
    record.update(files=files, spec_sha256=files[SPEC])
    record_bytes = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    contents[RECORD] = record_bytes
    if sign_key:
        from .signing import SIGNATURE, SigningError, sign

        try:
            contents[SIGNATURE] = sign(record_bytes, sign_key)
        except SigningError as exc:
            raise PublishError(str(exc)) from None

    target = ws.version_path(version)
    _write_folder(ws.versions_path, target, contents)
    record_sha = sha256_bytes(record_bytes)
    log = ws.publish_log() + [{"version": str(version), "date": day.isoformat(), "record_sha256": record_sha}]
    atomic_write(ws.log_path, json.dumps(log, indent=2) + "\n")
    kept = None
    if update_draft:
        kept = _keep_differing_draft(ws, policy, version, latest)
        ws.save_draft(published, contents[SPEC].decode("utf-8"))  # the YAML is written once
    if policy.organization.name and ws.client != policy.organization.name:
        ws.set_client(policy.organization.name)
    result = PublishResult(version, target, files, record, record_sha, published, report, draft_updated=update_draft,
                           follow_ups_closed=[fu.id or fu.question for fu in closed], previous_draft=kept)
    if latest is not None and records and records[-1].get("approved_on") == record["approved_on"]:
        result.warnings.append(f"policy.approved_on ({record['approved_on']}) is the same as version {latest}'s: "
                               "if this version was approved again, record the new date in the spec")
    return result


def _keep_differing_draft(ws: Workspace, policy: Policy, version: Version,
                          latest: Optional[Version]) -> Optional[Path]:
    """Before the draft is replaced: keep it beside as draft.before-<version>.yaml if it holds work that is
    neither the spec being published nor the previous published version."""
    if not ws.has_draft():
        return None
    try:
        draft = ws.load_draft()
    except Exception:  # an unreadable draft is kept as it is, byte for byte
        draft = None
    if draft is not None and draft == policy:
        return None
    if draft is not None and latest is not None:
        try:
            if draft == ws.load_version(latest):
                return None
        except Exception:
            pass
    kept = ws.path / f"draft.before-{version}.yaml"
    kept.write_bytes(ws.draft_path.read_bytes())
    return kept


def published_spec_version(policy: Policy) -> Optional[str]:
    """The spec's own version, if its revisions show it was published (elsewhere)."""
    current = policy.policy.version
    if current and any(r.version == current for r in policy.revisions):
        return current
    return None


def _weakenings(ws: Workspace, latest, policy: Policy) -> list[str]:
    """The material weakenings of ``policy`` against the latest published version, in words."""
    if latest is None:
        return []
    from .semdiff import diff

    try:
        previous = ws.load_version(latest)
    except Exception as exc:  # noqa: BLE001 - a version that cannot be read is reported, not skipped
        raise PublishError(f"version {latest} cannot be read to compare with ({exc}); run `workbench verify`") from None
    return [c.text for c in diff(previous, policy, findings=False).weakenings]


def _prepared(policy: Policy, version: Version, day: dt.date, approver: str, note: str,
              author: Optional[str], records: list[dict], weak: Optional[list[str]] = None,
              reason: Optional[str] = None) -> Policy:
    """A copy of ``policy`` carrying the new version and revision list (its answers, the approval date
    among them, are the spec's own).

    The revision list is rebuilt from the version records (they are the
    authority), keeping earlier revisions the spec brought from before this
    workspace, and ends with the new revision.
    """
    # Only what changes is copied: the governance section, the follow-ups (settled in place later) and the
    # revision list. Every other section is shared with ``policy`` (never changed here), so a 1,000-system
    # inventory is not deep-copied. The approval date stays the spec's own.
    out = policy.model_copy()
    update: dict = {"version": str(version)}
    if _spec_approver(policy) is None:  # the approver given to publish is the one the document names
        update["approver"] = Person(name=approver)
    out.policy = policy.policy.model_copy(update=update)
    out.follow_ups = [f.model_copy() for f in policy.follow_ups]
    recorded = {str(r.get("version")) for r in records}
    kept = [r for r in out.revisions if r.version not in recorded and r.version != str(version)]
    from_records = [
        Revision(version=str(r["version"]), date=_date(r.get("date")), author=r.get("author"),
                 approver=r.get("approver"), note=r.get("note"), weakens=list(r.get("weakens") or []),
                 reason=r.get("reason"))
        for r in records if r.get("version")
    ]
    new = Revision(version=str(version), date=policy.policy.approved_on or day, author=author, approver=approver, note=note,
                   weakens=list(weak or []), reason=reason)
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


def _contents(policy: Policy, report, version: Version, history: list[dict],
              reference: Optional[Path] = None) -> dict[str, bytes]:
    from workbench.document import build_views, render_view

    out: dict[str, bytes] = {SPEC: dumps(policy, "yaml").encode("utf-8")}
    try:
        views = build_views(policy, report, history=history)  # once, for the six documents
    except Exception as exc:  # a renderer bug must not leave half a version
        raise PublishError(f"building the documents failed: {type(exc).__name__}: {exc}") from exc
    for document, names in (("policy", DOCUMENTS), ("report", REPORTS)):
        for fmt, name in names.items():
            try:
                data = render_view(views[document], fmt, reference_docx=reference if fmt == "docx" else None)
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
            os.chmod(path, _modes()[0])
        _fsync_dir(tmp)
        if target.exists():
            raise PublishError(f"{target}: already exists and is never overwritten")
        os.rename(tmp, target)
    except BaseException:
        _remove_tree(tmp)
        raise
    os.chmod(target, _modes()[1])
    _fsync_dir(parent)


def _modes() -> tuple[int, int]:
    """Modes of a published version's files and folder: read-only, owner-only unless shared."""
    from .atomic import shared

    return (0o444, 0o555) if shared() else (FILE_MODE, DIR_MODE)


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
