"""Evidence and Type II readiness (EVID): will the records an auditor samples exist?

Where evidence is kept, for how long and in what store are policy-wide questions,
asked once for the policy. The Type II period is one answer: EVID-002 asks for
its start and end together, and ASK-001's "when does the period end?" folds in.
Until the report type is answered, EVID-002 stays silent (ASK-001 asks it once).
"""

from __future__ import annotations

from operator import attrgetter

from workbench.spec.durations import Duration
from workbench.spec.model import BACKUP_PERMISSIONS

from .engine import rule
from .wording import join_and as _join

FIELDWORK = Duration.of("3mo")
HIPAA_RETENTION = Duration.of("6y")
KINDS = {
    "job_history": "backup job history",
    "failure_tickets": "failure tickets",
    "restore_tests": "restore-test records",
    "access_reviews": "access-review records",
    "dr_exercises": "DR-exercise records",
}
#: Alerts that are not backup controls an auditor samples from the start of the period.
NOT_KEY_ALERTS = frozenset({"capacity_threshold"})

_TIER = attrgetter("tier")
_STARTED_ON = attrgetter("started_on")


@rule(
    "EVID-001",
    title="Audit evidence is not kept, not kept long enough, or can be changed",
    severity="major",
    family="evidence",
    maps={"soc2": ["A1.2", "CC4.1", "CC7.2", "PI1.5"], "nist": ["AU-11"], "iso27001": ["A.5.33", "A.8.15"],
          "hipaa": ["164.316(b)(2)(i)"], "pci": ["10.5.1"]},
    fix="Export job histories, failure tickets, test and review records automatically to an append-only "
        "evidence store, and keep them at least for the observation period plus fieldwork (HIPAA: 6 years).",
    description="An evidence source is missing, kept too briefly, or stored where it can be altered.",
)
def evid_001(ctx):
    p = ctx.policy
    ev = p.evidence
    sources: dict[str, tuple[int, object]] = {}
    for i, s in enumerate(ev.sources):
        sources.setdefault(s.kind, (i, s))
    job_log = p.monitoring.job_log_retention
    if not ev.sources and not ev.store and ev.immutable is None and ev.retention is None and job_log is None:
        # The policy says nothing about evidence yet: one question for the policy, not three.
        paths = ("evidence.sources", "evidence.store", "evidence.retention")
        yield ctx.ask(f"Where is audit evidence ({_join([KINDS[k] for k in KINDS])}) kept, for how long, and is "
                      "that store append-only (WORM or versioned)? The policy says nothing about evidence yet.",
                      *paths, subject="evidence", causes=paths)
        return

    missing = [k for k in KINDS if k not in sources and not (k == "job_history" and job_log is not None)]
    if missing:
        yield ctx.ask(f"Where are {_join([KINDS[k] for k in missing])} kept as audit evidence? "
                      "No evidence source is defined for them.", "evidence.sources", subject="evidence")

    store = f"The evidence store {ev.store}" if ev.store else "The evidence store"
    if ev.immutable is False:
        yield ctx.hit(f"{store} is not append-only (no WORM or versioning), so evidence can be altered or deleted.",
                      "evidence.immutable", "evidence.store", subject="evidence")
    elif ev.immutable is None:
        question = (f"Is the evidence store {ev.store} append-only (WORM or versioned)?" if ev.store
                    else "Where is audit evidence kept, and is that store append-only (WORM or versioned)?")
        yield ctx.ask(question, "evidence.store" if not ev.store else "evidence.immutable", subject="evidence")

    yield from _retention_findings(ctx, sources, job_log)


def _retention_findings(ctx, sources, job_log):
    p, ev = ctx.policy, ctx.policy.evidence
    groups: dict[str, tuple[Duration, list[str], list[str]]] = {}  # by retention: (retention, kinds, paths)
    unknown: list[str] = []
    for kind in KINDS:
        retention, path = None, None
        if kind in sources and sources[kind][1].retention is not None:
            retention, path = sources[kind][1].retention, f"evidence.sources[{sources[kind][0]}].retention"
        elif kind == "job_history" and job_log is not None:
            retention, path = job_log, "monitoring.job_log_retention"
        elif ev.retention is not None:
            retention, path = ev.retention, "evidence.retention"
        if retention is None:
            unknown.append(kind)
        elif not retention.vague:
            group = groups.setdefault(str(retention), (retention, [], []))
            group[1].append(kind)
            if path not in group[2]:
                group[2].append(path)
    if unknown:
        yield ctx.ask(f"How long are {_join([KINDS[k] for k in unknown])} kept? No evidence retention is set.",
                      "evidence.retention", subject="evidence")

    need = _required(ctx)
    e = p.engagement
    basis = "engagement.period_end" if e.period_start and e.period_end else "baseline.evidence_floor"
    phi = None  # worked out only for a retention under 6 years
    for retention, kinds, paths in groups.values():
        problems = []
        short, why = need(retention)
        if short:
            problems.append(why)
        if retention < HIPAA_RETENTION and phi is None:
            phi = _hipaa_systems(ctx)
        if phi and retention < HIPAA_RETENTION:
            problems.append(f"HIPAA requires 6 years because {_join(phi)} hold{'s' if len(phi) == 1 else ''} PHI")
        if problems:
            listed = _join([KINDS[k] for k in kinds])
            if len(kinds) == len(KINDS):
                what, verb = f"Audit evidence ({listed})", "is"
            else:
                what, verb = listed[0].upper() + listed[1:], "is" if kinds == ["job_history"] else "are"
            yield ctx.hit(f"{what} {verb} kept {retention}, but {' and '.join(problems)}.",
                          *paths, basis, subject="evidence", scopes=tuple(kinds))


def _hipaa_systems(ctx) -> list[str]:
    """Ids of in-scope systems with "hipaa" in ctx.tags(a): tagged hipaa, or holding PHI.

    One plain pass that reads a system's tags only when it holds no PHI: measured faster than testing
    whole lists in C (map/compress), which reads both lists of every system.
    """
    return [a.id for a in ctx.in_scope_systems if "phi" in a.data_classes or "hipaa" in a.regulatory_tags]


def _required(ctx):
    """A test ``retention -> (too short?, why)`` for the period plus fieldwork, or the floor."""
    e = ctx.policy.engagement
    if e.period_start and e.period_end:
        start, end = e.period_start, e.period_end
        until = FIELDWORK.add_to(end)
        why = (f"records from the start of the observation period ({start.isoformat()} to {end.isoformat()}) "
               f"must still exist after 3 months of fieldwork, on {until.isoformat()}")
        return lambda r: (r.add_to(start) < until, why)
    floor = ctx.policy.baseline.evidence_floor
    why = f"with no observation period set, evidence must be kept at least {floor}"
    return lambda r: (r < floor, why)


@rule(
    "EVID-002",
    title="Controls start after the Type II observation period begins",
    severity="major",
    family="evidence",
    maps={"soc2": ["CC4.1", "A1.2", "A1.3"]},
    fix="Start the observation window when the controls became operative, or disclose the gap. Never "
        "back-date evidence: auditors require records made at the time.",
    description="The policy, a first backup schedule, an alert, MFA enforcement or the first restore test "
                "starts after the Type II period does (or the period ends before it starts).",
)
def evid_002(ctx):
    e = ctx.policy.engagement
    if e.soc2_type != "II":
        return
    start = e.period_start
    if start is None:
        if e.period_end is None:  # the period is one answer: asked once (ASK-001's end date folds in)
            yield ctx.ask("When does the Type II observation period run (its start and end dates)? Controls are "
                          "tested from its start, and the auditor samples evidence across it.",
                          "engagement.period_start", "engagement.period_end", subject="engagement",
                          causes=("engagement.period_start", "engagement.period_end"))
        else:
            yield ctx.ask("When does the Type II observation period start? Controls are tested from that date.",
                          "engagement.period_start", subject="engagement")
        return
    end = e.period_end
    if end is not None and end < start:
        # a typo in either date: nothing can be sampled in a period that ends before it starts, and every rule
        # that looks at the period would quietly look at none
        yield ctx.hit(f"The Type II observation period ends on {end.isoformat()}, before it starts on "
                      f"{start.isoformat()}: no control can be tested in it.",
                      "engagement.period_end", "engagement.period_start", subject="engagement", severity="blocker",
                      why="the audit has no period to test")
        return
    eff = ctx.policy.policy.effective_from
    if eff is None:
        yield ctx.ask(f"When did the policy take effect? The Type II period starts on {start.isoformat()}.",
                      "policy.effective_from", subject="policy")
    elif eff > start and not any(r.date is not None and r.date <= start for r in ctx.policy.revisions):
        # an earlier version approved by the start of the period was in force until this one took effect
        yield ctx.hit(f"The policy took effect on {eff.isoformat()}, after the observation period began on "
                      f"{start.isoformat()}.", "policy.effective_from", "engagement.period_start", subject="policy")
    yield from _late_schedules(ctx, start)
    yield from _late_alerts(ctx, start)
    yield from _late_roles(ctx, start)
    yield from _late_first_tests(ctx, start)


def _late_schedules(ctx, start):
    """Systems whose earliest backup schedule started after the period began."""
    # A system's first schedule can only be late if some schedule started after the period began: test that
    # once over all schedules (started_on is a date or None) before walking the systems.
    started = [d for d in map(_STARTED_ON, ctx.policy.schedules) if d is not None]
    if not started or max(started) <= start:
        return
    late: dict[str, tuple[object, list]] = {}
    for a in ctx.in_scope_systems:
        first = None
        for sc in ctx.schedules(a):
            if not ctx.restorable(sc):
                continue
            if sc.started_on is None:
                first = None
                break
            if first is None or sc.started_on < first.started_on:
                first = sc
        if first is not None and first.started_on > start:
            late.setdefault(first.id, (first, []))[1].append(a)
    for sc, systems in late.values():
        yield ctx.hit(
            f"Schedule {sc.id}, the first backup of {_join([a.id for a in systems])}, started on "
            f"{sc.started_on.isoformat()}, after the observation period began on {start.isoformat()}.",
            ctx.schp(sc, "started_on"), "engagement.period_start", subject=sc.id,
            system=systems[0] if len(systems) == 1 else None, scopes=tuple(a.id for a in systems),
        )


def _late_alerts(ctx, start):
    """Alert events whose earliest rule was switched on after the period began."""
    events: dict[str, list] = {}
    for i, al in enumerate(ctx.policy.monitoring.alerts):
        if al.event not in NOT_KEY_ALERTS:
            events.setdefault(al.event, []).append((i, al))
    for event, items in events.items():
        if any(al.enabled_on is None or al.enabled_on <= start for _, al in items):
            continue  # an alert of unknown age may be the one that was operative
        i, al = min(items, key=lambda item: item[1].enabled_on)
        yield ctx.hit(f"The {event} alert was switched on {al.enabled_on.isoformat()}, after the observation "
                      f"period began on {start.isoformat()}.",
                      f"monitoring.alerts[{i}].enabled_on", "engagement.period_start", subject=event)


def _late_roles(ctx, start):
    for r in ctx.policy.roles:
        if r.enforced_from and r.enforced_from > start and BACKUP_PERMISSIONS.intersection(r.permissions or ()):
            yield ctx.hit(f"MFA and the access model for role {r.id} are enforced from {r.enforced_from.isoformat()}, "
                          f"after the observation period began on {start.isoformat()}.",
                          ctx.rolep(r, "enforced_from"), "engagement.period_start", subject=r.id)


def _late_first_tests(ctx, start):
    """The first restore test due in the period happened (or is still missing) after its due date.

    Judged per tier, like TEST-002: a test of any in-scope system of the tier is the tier's sample.
    """
    end = ctx.policy.engagement.period_end
    horizon = min(ctx.today, end) if end else ctx.today
    # The tiers with a cadence to hold the first test to; only those with an in-scope system count,
    # which is checked (walking the systems) only for a tier that would be reported.
    timed = {tid: t for tid, t in ctx.tiers.items()
             if t.restore_test_interval is not None and not t.restore_test_interval.vague}
    if not timed:
        return
    # One pass over the restore tests instead of each system's list: per tier, the latest test before the
    # period and the first in it, of in-scope systems. Ties on date go to the system that comes first among
    # the in-scope systems (their inventory order), then to the earlier test (the order a walk of the systems'
    # date-sorted test lists meets them). Whether a system is in scope is asked only of a test that would
    # be the tier's new latest or first.
    systems, index, in_scope = ctx.systems, ctx.system_index, ctx.in_scope
    before: dict = {}
    first: dict = {}  # tier id -> (date, system index, index in restore_tests, test)
    today = ctx.today
    for k, t in enumerate(ctx.policy.restore_tests):
        d = t.date
        if d is None or d > today:
            continue
        a = systems.get(t.system)
        if a is None:
            continue
        tid = a.tier
        if d < start:
            prev = before.get(tid)
            if (prev is None or d > prev) and tid in timed and in_scope(a):
                before[tid] = d
        else:
            best = first.get(tid)
            if best is not None and (d > best[0] or (d == best[0] and index[t.system] >= best[1])):
                continue  # (the common case) not before the tier's first so far
            if tid in timed and in_scope(a):
                first[tid] = (d, index[t.system], k, t)
    late: dict = {}  # tier id -> (previous test date, due date, first test found)
    for tid, tier in timed.items():
        prev = before.get(tid)
        due = tier.restore_test_interval.add_to(prev or start)
        found = first.get(tid)
        if found is not None and found[0] <= due:
            continue
        if found is None and due >= horizon:
            continue
        late[tid] = (prev, due, found)
    if not late:
        return
    in_scope_systems = ctx.in_scope_systems
    tiers_of = list(map(_TIER, in_scope_systems))
    # Tiers of in-scope systems, in order of their first system (the order findings come in).
    for tid in dict.fromkeys(tiers_of):
        if tid not in late:
            continue
        tier = timed[tid]
        interval = tier.restore_test_interval
        prev, due, found = late[tid]
        basis = (f"{interval} after the previous test on {prev.isoformat()}" if prev
                 else f"{interval} after the period began on {start.isoformat()}")
        # Every system of the tier has the same tier level, so the worst is its first.
        worst = in_scope_systems[tiers_of.index(tier.id)]
        if found is not None:
            t = found[3]
            yield ctx.hit(f"Tier {tier.id}: the first restore test in the observation period ({t.system}) was on "
                          f"{t.date.isoformat()} but was due by {due.isoformat()} ({basis}).",
                          f"restore_tests[{found[2]}].date", ctx.tierp(tier, "restore_test_interval"),
                          system=worst, subject=tier.id)
        else:
            count = tiers_of.count(tier.id)
            yield ctx.hit(f"Tier {tier.id}: no restore test of its {count} in-scope system"
                          f"{'s' if count != 1 else ''} in the observation period yet; the first was due by "
                          f"{due.isoformat()} ({basis}).",
                          ctx.tierp(tier, "restore_test_interval"), "restore_tests", system=worst, subject=tier.id)
