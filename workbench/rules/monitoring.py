"""Monitoring (MON): does anyone find out, in time, when backups fail or are tampered with?

Shared causes (see :func:`workbench.rules.engine.finalize`): MON-002 owns the failure-ticket
deadline, a policy-wide question asked once (GOV-003's question for the same field folds
into it). MON-001 reports one finding per system; the engine gathers the systems that
share the same missing alerts into one finding.
"""

from __future__ import annotations

import math
from typing import Optional

from workbench.spec.durations import Duration

from .engine import rule
from .immutability import label, names

JOB_EVENTS = ("job_failed", "job_missed", "copy_failed")
REVIEWED_BY_DEFAULT = ("job_failed", "job_missed")  # what a manual review with no ``covers`` looks for
EVENT_WORDS = {
    "job_failed": "a failed backup job (job_failed)",
    "job_missed": "a missed backup (job_missed)",
    "copy_failed": "a failed copy (copy_failed)",
}
#: Tampering detections (MON-003): any one event of each group satisfies it.
TAMPER_GROUPS = (
    (("recovery_point_deleted",), "recovery point deleted"),
    (("retention_changed",), "retention changed"),
    (("lock_changed", "vault_lock_deleted"), "lock changed or removed"),
    (("plan_disabled", "plan_deleted"), "backup plan disabled or deleted"),
    (("key_disabled", "key_deletion_scheduled"), "key disabled or scheduled for deletion"),
    (("backup_role_membership_changed",), "backup role membership changed"),
)
MAILBOX_WORDS = ("email", "e-mail", "mail", "@", "inbox", "distribution list")


class _Coverage:
    """Which systems each alert event covers, built once: everyone, by system id, by tier."""

    def __init__(self, alerts):
        self.all: dict[str, Optional[Duration]] = {}
        self.systems: dict[tuple[str, str], Optional[Duration]] = {}
        self.tiers: dict[tuple[str, str], Optional[Duration]] = {}
        for al in alerts:
            after = al.missed_after if al.missed_after is not None and not al.missed_after.vague else None
            keys = [(self.all, al.event)] if not al.systems and not al.tiers else \
                [(self.systems, (al.event, s)) for s in al.systems] + [(self.tiers, (al.event, t)) for t in al.tiers]
            for table, key in keys:
                if key not in table or _shorter(after, table[key]):
                    table[key] = after
        #: system ids named by some alert: their coverage is worked out one by one
        self.named = {sid for _, sid in self.systems}
        # Coverage depends only on (tier, named system id or None): most systems
        # share a tier and are named nowhere, so each answer is computed once.
        self._of: dict[tuple, dict[str, tuple[bool, Optional[Duration]]]] = {}

    def covers(self, sid: Optional[str], tier: Optional[str], event: str) -> tuple[bool, Optional[Duration]]:
        """Whether an alert for ``event`` covers system ``sid`` of ``tier``, and the shortest missed-backup threshold."""
        found, best = False, None
        for table, key in ((self.all, event), (self.systems, (event, sid)), (self.tiers, (event, tier))):
            if key in table:
                found = True
                if _shorter(table[key], best):
                    best = table[key]
        return found, best

    def of(self, a) -> dict[str, tuple[bool, Optional[Duration]]]:
        """event -> :meth:`covers` for system ``a``, for each job event."""
        sid = a.id if a.id in self.named else None
        key = (a.tier, sid)
        found = self._of.get(key)
        if found is None:
            found = self._of[key] = {ev: self.covers(sid, a.tier, ev) for ev in JOB_EVENTS}
        return found

    def complete_tiers(self) -> set:
        """Tiers whose (unnamed) systems have every job alert, with no missed-backup threshold to check."""
        out = set()
        for tier in {t for _, t in self.tiers} | {None}:
            cov = {ev: self.covers(None, tier, ev) for ev in JOB_EVENTS}
            if all(f for f, _ in cov.values()) and cov["job_missed"][1] is None:
                out.add(tier)
        return out


def _reviewed(ctx, a, event: str, reviews) -> Optional[int]:
    """The index of a manual review of job results that covers ``event`` for ``a`` often enough (after each job, or at
    least every 1.5 times its recovery-point gap (daily when the gap is unknown), as a missed-backup alert
    would have to fire), or None. A daily look at hourly backups is too late: those still need an alert."""
    gap = ctx.rp_gap(a)
    limit = gap.approx_seconds * 1.5 if gap is not None and gap.approx_seconds > 0 else 86400.0
    for i, r in enumerate(reviews):
        if not _applies(r, a, event):
            continue
        if r.after_each_job or (r.interval is not None and not r.interval.vague and r.interval.approx_seconds <= limit):
            return i
    return None


def _applies(r, a, event: str) -> bool:
    """Whether manual review ``r`` looks for ``event`` on system ``a`` (no systems or tiers named: all of them)."""
    if event not in (r.covers or REVIEWED_BY_DEFAULT):
        return False
    return not (r.systems or r.tiers) or a.id in r.systems or a.tier in r.tiers


def _late_review(ctx, a, event: str, reviews) -> Optional[str]:
    """"; the manual review of job results (every 1d) is too infrequent ..." for a review of ``a`` that does not
    count, so the finding does not read as if there were none."""
    for r in reviews:
        if not _applies(r, a, event):
            continue
        gap = ctx.rp_gap(a)
        if r.interval is None or r.interval.vague:
            said = f" ('{r.interval}')" if r.interval is not None else ""
            return f"; the manual review of job results states no testable cadence{said}"
        due = f" for a recovery point due every {gap}" if gap is not None else ""
        return f"; the manual review of job results (every {r.interval}) is too infrequent{due}"
    return None


def _shorter(x: Optional[Duration], y: Optional[Duration]) -> bool:
    return x is not None and (y is None or x < y)


def _one_and_a_half(gap: Optional[Duration]) -> Optional[Duration]:
    """1.5 x the recovery-point gap, rounded up to a whole minute (None for continuous or unknown)."""
    if gap is None or gap.approx_seconds <= 0:
        return None
    return Duration(0, math.ceil(gap.approx_seconds * 1.5 / 60) * 60)


def _makes_copies(scheds, copying: set[int]) -> bool:
    """A schedule copies its backups on (several targets, a copy lag, or replication), so a copy step can fail.

    Independent schedules that each write to their own target (nightly to disk, weekly to tape) copy nothing:
    each is a backup job, and a failure of either is a failed job.
    """
    return any(id(sc) in copying for sc in scheds)


@rule(
    "MON-001",
    title="Backup failures, misses or copy failures raise no alert",
    severity="major",
    family="monitoring",
    maps={"soc2": ["A1.2", "CC7.2", "CC4.1"], "nist": ["CP-9", "SI-4"], "iso27001": ["A.8.13", "A.8.16"],
          "other": ["CSA CCM BCR-08"]},
    fix="Alert on failed jobs, on silent misses (no new recovery point within 1.5 times the interval) and on failed "
        "copies, and route every alert to ticketing so a Type II sample can trace it to its resolution.",
    description="A backed-up system has no alert for a failed job, a missed backup or a failed copy.",
)
def mon_001(ctx):
    cov = _Coverage(ctx.policy.monitoring.alerts)
    everywhere = {ev for ev in JOB_EVENTS if ev in cov.all and (ev != "job_missed" or cov.all[ev] is None)}
    if everywhere == set(JOB_EVENTS) and not cov.systems and not cov.tiers:
        return  # every system has every alert, with no threshold to check
    reviews = ctx.policy.monitoring.manual_reviews
    relied: dict[int, list] = {}  # index of a manual review -> systems it stands in for an alert
    copying = {id(sc) for sc in ctx.policy.schedules
               if len(sc.targets) > 1 or sc.copy_lag is not None or sc.type == "replication"}
    complete, named = cov.complete_tiers(), cov.named
    for a in ctx.in_scope_systems:
        if a.tier in complete and (not named or a.id not in named):
            continue  # every alert, no threshold: nothing to report whatever the schedules
        scheds = ctx.schedules(a)
        if not scheds:
            continue  # no backup at all is the coverage rules' finding
        yield from _unalerted(ctx, a, scheds, cov.of(a), copying, reviews, relied)
    for i, systems in relied.items():
        r = reviews[i]
        if not (r.evidence or "").strip():
            ids = list(dict.fromkeys(a.id for a in systems))
            yield ctx.ask(f"The manual review of job results{f' by {r.by}' if r.by else ''} stands in for alerts on "
                          f"{names(ids)}: where is each review recorded, so an auditor can sample it?",
                          f"monitoring.manual_reviews[{i}].evidence", subject="monitoring", scopes=tuple(ids),
                          severity="minor", why="a manual review covers the alerts; only where it is recorded is unknown")


def _unalerted(ctx, a, scheds, covered, copying: set[int], reviews=(), relied=None):
    """MON-001's findings for one system, given which job events alerts cover for it."""
    missing, slow, gap, limit, late_review = [], None, None, None, None
    for ev in JOB_EVENTS:
        if ev == "copy_failed" and not _makes_copies(scheds, copying):
            continue
        found, after = covered[ev]
        if ev == "job_missed" and (not found or after is not None):
            gap = ctx.rp_gap(a)
            limit = _one_and_a_half(gap)
        if not found and reviews:
            i = _reviewed(ctx, a, ev, reviews)
            if i is not None:  # a manual review catches it in time (A1.2 accepts a detective control)
                relied.setdefault(i, []).append(a)
                continue
            late_review = late_review or _late_review(ctx, a, ev, reviews)
        if not found:
            words = EVENT_WORDS[ev]
            if ev == "job_missed" and limit:
                words = words[:-1] + f": no new recovery point within {limit})"
            missing.append(words)
        elif ev == "job_missed" and limit is not None and after is not None and after > limit:
            slow = after
    sev = "blocker" if ctx.critical(a) else None
    why = f"{a.tier} is one of the policy's most critical tiers: a silent failure soon breaches its RPO" \
        if sev else None
    if missing:
        yield ctx.hit(f"{label(a)}: no alert covers {'; '.join(missing)}{late_review or ''}.", "monitoring.alerts",
                      ctx.sp(a), system=a, severity=sev, why=why)
    if slow is not None:
        yield ctx.hit(f"{label(a)}: the missed-backup alert fires only after {slow} without a new recovery "
                      f"point, but one is due every {gap}; it should fire within {limit}.",
                      "monitoring.alerts", ctx.sp(a), system=a, severity=sev, why=why)


#: Alert events that are routine work, answered from a ticket queue in working hours: no on-call rotation needed.
ROUTINE_EVENTS = frozenset({"capacity_threshold"})


@rule(
    "MON-002",
    title="Backup alerts have no reliable response path",
    severity="minor",
    family="monitoring",
    maps={"soc2": ["A1.2", "CC7.3", "CC5.3"], "nist": ["IR-4", "CP-9"], "iso27001": ["A.5.26"]},
    fix="Route backup alerts to an on-call rotation with escalation, set the failure-ticket SLA to at most "
        "min(RPO, 24h) for systems of the two most critical tiers, and report SLA breaches monthly.",
    description="Alerts reach only a mailbox or one person, or a failed job may stay open longer than the RPO.",
)
def mon_002(ctx):
    """A warning that storage is filling up is work for the ticket queue, not a page: it asks for no rotation."""
    mon = ctx.policy.monitoring
    bad, unknown = [], []
    for i, al in enumerate(mon.alerts):
        if al.on_call or (al.escalation or "").strip() or al.event in ROUTINE_EVENTS:
            continue
        channel = (al.channel or "").strip()
        mailbox = any(w in channel.lower() for w in MAILBOX_WORDS)
        where = f"{al.event} → {channel}" if channel else al.event
        if al.on_call is False or mailbox:
            bad.append((i, where))
        else:
            unknown.append((i, where))
    if bad:
        yield ctx.hit(f"Backup alerts go to no on-call rotation and have no escalation: {names((w for _, w in bad), 4)}.",
                      *(f"monitoring.alerts[{i}].on_call" for i, _ in bad),
                      *(f"monitoring.alerts[{i}].escalation" for i, _ in bad), subject="monitoring")
    if unknown:
        yield ctx.ask(f"Do these backup alerts page an on-call rotation or escalate when nobody acknowledges them: "
                      f"{names((w for _, w in unknown), 4)}?",
                      *(f"monitoring.alerts[{i}].on_call" for i, _ in unknown), subject="monitoring")
    sla = mon.failure_ticket_sla
    if sla is None:
        if ctx.policy.schedules:
            yield ctx.ask("How soon must a failed backup job be fixed or ticketed (failure-ticket SLA)?",
                          "monitoring.failure_ticket_sla", subject="monitoring")
        return
    if sla.vague:
        return  # reported by the vague-language rule
    critical_tiers = {t.id for t in ctx.policy.tiers if t.level() <= 1}
    late = []
    for a in ctx.in_scope_systems:
        if a.tier in critical_tiers:
            rpo = ctx.rpo(a)
            if rpo is not None and sla > rpo:
                late.append((rpo, a))
    if late:
        late.sort(key=lambda x: (x[0], x[1].id))
        rpo, a = late[0]
        tiers = " and ".join(sorted({x.tier for _, x in late}))
        more = f" (and {len(late) - 1} more system{'s' if len(late) > 2 else ''} of {tiers})" if len(late) > 1 else ""
        yield ctx.hit(f"A failed backup job may stay open for {sla}, longer than the {rpo} RPO of {label(a)}{more}: "
                      "one unhandled failure breaches the RPO.",
                      "monitoring.failure_ticket_sla", ctx.rpo_path(a),
                      system=a, severity="major", scopes=[x.id for _, x in late],
                      why=f"one unhandled failure breaches the RPO of a system of {tiers}, the most critical tiers")


@rule(
    "MON-003",
    title="No alert on backup-plane tampering",
    severity="major",
    family="monitoring",
    maps={"soc2": ["CC7.2", "CC7.3", "CC6.8"], "cis": ["8.2", "8.11"], "nist": ["AU-6", "SI-4"],
          "iso27001": ["A.8.15", "A.8.16"], "pci": ["10.2"]},
    fix="Build SIEM or audit-log detections for deleted recovery points (by anyone but the backup service), "
        "retention or lock changes, disabled plans, key disable or deletion, and backup-role membership changes; "
        "treat them as high severity.",
    description="Some kind of tampering with backups (deletion, retention, lock, plan, key, role changes) raises no alert.",
)
def mon_003(ctx):
    p = ctx.policy
    if not p.schedules and not p.targets:
        return
    events = {al.event for al in p.monitoring.alerts}
    has_lock = any(t.immutability and t.immutability.mode in ("governance", "compliance") for t in p.targets)
    has_key = bool(p.keys) or any(t.encryption and t.encryption.key for t in p.targets)
    missing = []
    for group, words in TAMPER_GROUPS:
        if ("lock_changed" in group and not has_lock) or ("key_disabled" in group and not has_key):
            continue  # nothing to tamper with
        if not events.intersection(group):
            missing.append(f"{words} ({' / '.join(group)})")
    if missing:
        yield ctx.hit(f"No alert fires when: {'; '.join(missing)}.", "monitoring.alerts", subject="monitoring")
