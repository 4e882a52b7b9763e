"""Review, publish, changes and history of one client: the store-facing side of the release screens.

Plain Python (no Textual), so it is tested without a terminal and the screens
stay thin. Every write goes through :mod:`workbench.store` (``publish`` is the
same function ``workbench publish`` calls); the functions here read the
workspace, evaluate, diff and render, and are safe to call from a worker
thread as long as nobody edits the policy meanwhile (the release screens are
modal over the interview, so nobody does).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from workbench.store.workspace import Workspace

#: The engine's kinds of finding, in the order the review shows them.
KINDS = ("gap", "question", "evidence")
#: (The engine's questions are "to settle": "unanswered questions" read as the interview's count of them.)
KIND_TITLES = {"gap": "Gaps", "question": "Questions to settle", "evidence": "Evidence"}
#: An exception expiring within this many days stands out.
EXPIRING_DAYS = 30
SEVERITIES = ("blocker", "major", "minor", "advisory")


def kind_of(finding: Any) -> str:
    """``gap``, ``question`` or ``evidence`` (older engines say ``unanswered`` for a question)."""
    kind = getattr(finding, "kind", "gap") or "gap"
    return "question" if kind == "unanswered" else kind


def publish_blockers(report: Any) -> list:
    """What stops a publish: the engine's own list when it has one, else every open blocker."""
    blockers = getattr(report, "publish_blockers", None)
    if blockers is not None:
        return list(blockers() if callable(blockers) else blockers)
    return [f for f in report.open if f.severity == "blocker"]


@dataclass(frozen=True)
class ExceptionRow:
    """One accepted exception with where it stands at ``today``."""

    exception: Any
    status: str  # expired | expiring | active | no expiry

    @property
    def stands_out(self) -> bool:
        return self.status in ("expired", "expiring", "no expiry")


def exception_rows(policy: Any, today: dt.date) -> list[ExceptionRow]:
    """The exceptions register, expired first, then soonest to expire."""
    rows = []
    for exc in policy.exceptions:
        until = exc.expires_on
        if until is None:
            status = "no expiry"
        elif until < today:
            status = "expired"
        elif until <= today + dt.timedelta(days=EXPIRING_DAYS):
            status = "expiring"
        else:
            status = "active"
        rows.append(ExceptionRow(exc, status))
    order = {"expired": 0, "expiring": 1, "no expiry": 2, "active": 3}
    return sorted(rows, key=lambda r: (order[r.status], r.exception.expires_on or dt.date.max))


@dataclass
class Review:
    """Everything the review screen shows, worked out off the main thread."""

    report: Any
    readiness: int
    evidence_readiness: Optional[int]
    groups: dict[str, list]           # kind -> open findings, worst first
    blockers: list                    # what stops a publish
    exceptions: list[ExceptionRow]
    follow_ups: list
    markdown: str
    sections: list[tuple[int, str]] = field(default_factory=list)  # (level, title) of the written policy

    @property
    def counts(self) -> dict[str, int]:
        return self.report.counts()

    def headline(self) -> str:
        """"Readiness 89% (evidence 70%) · 2 blockers, 5 major · not audit-ready"."""
        parts = [f"Readiness {self.readiness}%"]
        if self.evidence_readiness is not None:
            parts[0] += f" (evidence {self.evidence_readiness}%)"
        counts = [f"{n} {sev}{'s' if sev == 'blocker' and n != 1 else ''}" for sev, n in self.counts.items() if n]
        parts.append(", ".join(counts) if counts else "no open findings")
        n = len(self.blockers)
        others = self.counts.get("blocker", 0) - n
        if n and others > 0:
            # "9 blockers · 7 blockers stop publishing" read as a contradiction: say which ones, and what the rest are
            parts.append(f"{n} of the blockers {'stop' if n != 1 else 'stops'} publishing (gaps; the other {others} "
                         f"{'are questions or missing evidence' if others != 1 else 'is a question or missing evidence'})")
        elif n:
            parts.append(f"{n} blocker{'s stop' if n != 1 else ' stops'} publishing")
        elif self.counts.get("blocker"):
            # only a blocker *gap* stops a publish: say so, or "2 blocker · ready to publish" reads as a contradiction
            parts.append("ready to publish (blocker questions and missing evidence do not stop it)")
        else:
            parts.append("ready to publish")
        return "  ·  ".join(parts)


def review(policy: Any, today: dt.date, report: Any = None, *, history: Optional[list[dict]] = None) -> Review:
    """Readiness, findings grouped by kind, exceptions, open follow-ups and the written policy."""
    from workbench.document import render_markdown
    from workbench.rules import evaluate

    report = report if report is not None else evaluate(policy, today)
    groups: dict[str, list] = {k: [] for k in KINDS}
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    for f in sorted(report.open, key=lambda f: rank.get(f.severity, 9)):
        groups.setdefault(kind_of(f), []).append(f)
    evidence = getattr(report, "evidence_readiness", None)
    markdown = render_markdown(policy, report, history=history)
    return Review(
        report=report, readiness=report.readiness(), evidence_readiness=evidence() if callable(evidence) else None,
        groups=groups, blockers=publish_blockers(report), exceptions=exception_rows(policy, today),
        follow_ups=[f for f in policy.follow_ups if f.status == "open"], markdown=markdown,
        sections=sections_of(markdown),
    )


_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def sections_of(markdown: str) -> list[tuple[int, str]]:
    """The headings (levels 1-3) of a Markdown text, as shown: ``1\\. Purpose`` reads ``1. Purpose``."""
    out = []
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if match:
            out.append((len(match.group(1)), re.sub(r"\\(.)", r"\1", match.group(2)).strip()))
    return out


# -- the last published version and what changed since -----------------------------------------------
def baseline(workspace: Workspace) -> Optional[tuple[str, Any]]:
    """The latest published version of ``workspace`` and its spec, or None before the first publish."""
    latest = workspace.latest()
    if latest is None:
        return None
    return str(latest), workspace.load_version(latest)


def changes(workspace: Workspace, policy: Any, today: dt.date, *, findings: bool = True) -> Optional[Any]:
    """The diff from the last published version to ``policy`` (a :class:`workbench.store.semdiff.PolicyDiff`),
    or None when nothing is published yet."""
    from workbench.store.semdiff import diff

    base = baseline(workspace)
    if base is None:
        return None
    label, published = base
    return diff(published, policy, today, findings=findings, a_label=f"version {label}", b_label="this draft")


def next_version_label(workspace: Workspace, bump: str, policy: Any = None) -> str:
    """The number a publish of ``policy`` with ``bump`` would get."""
    from workbench.store.publishing import published_spec_version
    from workbench.store.versions import next_version

    if policy is None:
        return str(next_version(workspace.latest(), bump))
    return str(next_version(workspace.latest(), bump, published_spec_version(policy), policy.policy.version))


# -- publishing ------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What a publish attempt came to: published (``result``), refused (``blockers``) or failed (``error``)."""

    result: Any = None
    blockers: list = field(default_factory=list)
    version: Optional[str] = None
    error: Optional[str] = None

    @property
    def published(self) -> bool:
        return self.result is not None


def publish(workspace: Workspace, policy: Any, *, bump: str, approver: str, note: str,
            approved_on: Optional[dt.date] = None, today: Optional[dt.date] = None,
            reason: Optional[str] = None) -> Outcome:
    """Publish through the same code as ``workbench publish``; never raises for a refusal or a store error."""
    from workbench.store.lock import WorkspaceLocked
    from workbench.store.publishing import PublishError, PublishRefused
    from workbench.store.publishing import publish as store_publish
    from workbench.store.workspace import WorkspaceError

    try:
        result = store_publish(workspace, policy, bump=bump, approver=approver, note=note, today=approved_on,
                               check_on=today, reason=reason)
    except PublishRefused as exc:
        return Outcome(blockers=list(exc.findings), version=str(exc.version), error=str(exc))
    except (PublishError, WorkspaceError, WorkspaceLocked, OSError) as exc:
        return Outcome(error=f"Nothing was published: {exc}")
    return Outcome(result=result, version=str(result.version))


# -- a draft to hand over ---------------------------------------------------------------------------
def draft_note(workspace: Workspace, report: Any, today: dt.date) -> str:
    """What heads every page of a draft handed over for review: that it is not approved, and which version is."""
    latest = workspace.latest()
    n = len(report.open)
    state = f"readiness {report.readiness()}%, {n} open finding{'s' if n != 1 else ''}"
    approved = f"The approved policy is version {latest}." if latest is not None else "No version is approved yet."
    return f"DRAFT for review, not approved: the working draft as of {today.isoformat()} ({state}). {approved}"


def export_draft(workspace: Workspace, policy: Any, today: dt.date, report: Any = None) -> list:
    """Write the draft's written policy and its readiness report (Markdown, HTML and Word) into the workspace's
    exports folder, each marked as a draft on every page; the paths written. Named by date, so the draft sent
    after each meeting is kept beside the one before."""
    from workbench.document import FORMATS, build_views, mark_draft, render_view
    from workbench.rules import evaluate
    from workbench.store.publishing import history_entry
    from workbench.store.workspace import write_export

    report = report if report is not None else evaluate(policy, today)
    history = [history_entry(r) for r in workspace.records()]
    note = draft_note(workspace, report, today)
    views = build_views(policy, report, history=history)
    suffix = {"markdown": "md", "html": "html", "docx": "docx"}
    written = []
    for document, name in (("policy", "policy"), ("report", "readiness-report")):
        view = mark_draft(views[document], note)
        for fmt in FORMATS:
            written.append(write_export(workspace, f"draft-{today.isoformat()}-{name}.{suffix[fmt]}",
                                        render_view(view, fmt)))
    return written


# -- history ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HistoryRow:
    """One published version with its record and whether its files still match it."""

    version: str
    date: str
    approver: str
    note: str
    problems: tuple[str, ...]

    @property
    def verified(self) -> bool:
        return not self.problems

    @property
    def status(self) -> str:
        return "verified" if self.verified else f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"


def history(workspace: Workspace) -> list[HistoryRow]:
    """Every published version, newest first, each checked with :func:`workbench.store.tamper.verify`."""
    from workbench.store.tamper import verify

    problems = verify(workspace)
    rows = []
    for info in reversed(workspace.versions()):
        v = info.label
        mine = tuple(str(p) for p in problems if _concerns(p.where, v))
        rows.append(HistoryRow(v, info.date or "", info.approver or "", info.note or "", mine))
    return rows


def _concerns(where: str, version: str) -> bool:
    return where in (f"version {version}", f"versions/{version}") or where.startswith(f"versions/{version}/")


def version_markdown(workspace: Workspace, version: str) -> str:
    """The written policy as published in ``version`` (its policy.md)."""
    from workbench.store.publishing import DOCUMENTS

    path = workspace.version_path(version) / DOCUMENTS["markdown"]
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        return f"# Version {version}\n\nThe written policy of this version cannot be read: {exc}\n"


def diff_versions(workspace: Workspace, a: str, b: str, today: dt.date) -> Any:
    """The diff between two published versions (older first)."""
    from workbench.store.semdiff import diff

    return diff(workspace.load_version(a), workspace.load_version(b), today, a_label=f"version {a}",
                b_label=f"version {b}")
