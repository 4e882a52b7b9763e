"""Frequency versus objectives (FREQ): is a recovery point made often enough?

Whether backup jobs are automated is a policy-wide question: FREQ-003 asks it
once, naming every schedule that does not say, not once per schedule.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from functools import lru_cache
from itertools import chain, compress, repeat
from operator import attrgetter, is_not

from workbench.spec.durations import Duration

from .copies import index, tier_plans
from .engine import rule
from .wording import listing as _names

WEEK = Duration.of("1w")
_TIER = attrgetter("tier")
_RPO = attrgetter("rpo")


# Per-schedule and per-tier answers: thousands of systems share a few tiers, and a
# schedule's interval, job time and copy lag are the same for each system it covers.
def _by_tier(ctx, objective):
    """``a -> objective(a)``, worked out once per tier for systems without their own RPO."""
    memo: dict = {}

    def of(a):
        if a.rpo is not None:
            return objective(a)
        got = memo.get(a.tier, memo)
        if got is memo:
            got = memo[a.tier] = objective(a)
        return got
    return of


def _text(d) -> str:
    """``str(d)``: a known duration's text depends only on its months and seconds, so findings quoting the
    same few lengths over and over share one."""
    if d.text is not None:
        return d.text
    return _known_text(d.months, d.seconds)


@lru_cache(maxsize=4096)
def _known_text(months, seconds) -> str:
    return str(Duration(months, seconds))


def _usable_interval(sc) -> bool:
    return sc.interval is not None and not sc.interval.vague


@rule(
    "FREQ-001",
    title="Recovery-point interval exceeds the RPO",
    severity="blocker",
    family="frequency",
    tier_modifier=True,
    maps={"soc2": ["A1.2", "CC9.1"], "cis": ["11.2"], "nist": ["CP-9", "CP-10"], "iso27001": ["A.8.13"],
          "hipaa": ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"], "gdpr": ["32(1)(c)"]},
    fix="Back up more often, add log shipping or point-in-time recovery, or agree a looser RPO with the business owner.",
    description="The newest restorable point can be older than the system's RPO.",
)
def freq_001(ctx):
    rpo_of = _by_tier(ctx, ctx.rpo)
    # Seconds of each tier's RPO (None when unknown), for systems without their own RPO; see ctx.rpo.
    tier_rpo = {tid: (t.rpo.approx_seconds if t.rpo is not None and not t.rpo.vague else None)
                for tid, t in ctx.tiers.items()}
    plans, no_plan = ctx._plans, (None, None, None)
    # The finding's text, schedule and path depend only on the plan (one schedule set: its gap and fastest
    # schedule) and the RPO object (one per tier, or the system's own): worked out once per pair.
    said: dict[tuple, tuple] = {}
    rpo_texts: dict[int, str] = {}  # id(rpo) -> str(rpo)
    tier_paths: dict[str, str] = {}  # tier id -> ctx.rpo_path of its systems without an RPO of their own
    for a in ctx.in_scope_systems:
        plan = plans.get(a.id, no_plan)
        gap = plan[2]
        if gap is None:
            continue
        if a.rpo is None:  # the common case, without a call: the tier's RPO against the plan's rp_gap
            rpo_s = tier_rpo.get(a.tier)
            if rpo_s is None or gap.approx_seconds <= rpo_s:
                continue
        rpo = rpo_of(a)
        if rpo is None or gap.approx_seconds <= rpo.approx_seconds:  # both known: Duration's own comparison
            continue
        key = (id(plan), id(rpo))
        got = said.get(key)
        if got is None:
            got = said[key] = _freq_001_said(ctx, a, gap, rpo, rpo_texts)
        tail, path, fastest_id = got
        if a.rpo is None and a.tier:  # ctx.rpo_path(a) is then the tier's, the same for each of its systems
            rpo_path = tier_paths.get(a.tier)
            if rpo_path is None:
                rpo_path = tier_paths[a.tier] = ctx.rpo_path(a)
        else:
            rpo_path = ctx.rpo_path(a)
        yield ctx.hit(a.id + tail, path, rpo_path, system=a, scopes=(fastest_id,))
    yield from _job_time_questions(ctx)


#: Schedule types whose point is captured at an instant (or streamed), so a job's length does not widen the
#: data-loss window: their job time is not asked.
INSTANT_TYPES = frozenset({"snapshot", "continuous", "log", "replication"})


def _job_time_questions(ctx):
    """An unknown job time is asked, never taken as zero, where it decides the RPO (issue 12 §4): the backup
    interval equals the RPO (any job time makes the worst case exceed it), or the RPO is vague wording
    ("minimal") so the worst case, interval plus job time, is all the policy can promise. One question per
    schedule, naming its systems.

    Asked when the schedule's type is not stated (a "daily backup" may be a minutes-long snapshot or an
    hours-long full copy), or, against a vague RPO, for any type but those captured at an instant. A stated
    type (snapshot, log, incremental ...) is taken as the policy's own answer for an RPO equal to the interval."""
    # Only a schedule with no job time, a known interval and a type that is not captured at an instant can
    # be asked about: without one (the usual case in a written policy) no system needs a look.
    untimed = [sc for sc in ctx.policy.schedules
               if sc.job_duration is None and sc.type not in INSTANT_TYPES and sc.interval is not None
               and sc.interval.text is None]
    if not untimed:
        return
    # A system can be asked about only if its RPO is vague, or as long as the interval of such a schedule of
    # unstated type: the tiers whose RPO can be, and the systems with an RPO of their own, are all that is walked.
    equal = {sc.interval.approx_seconds for sc in untimed if sc.type is None}
    tiers, plans, no_plan = ctx.tiers, ctx._plans, (None, None, None)
    possible = {tid for tid, t in tiers.items()
                if t.rpo is not None and (t.rpo.text is not None or t.rpo.approx_seconds in equal)}
    in_scope = ctx.in_scope_systems
    walk = chain(compress(in_scope, map(possible.__contains__, map(_TIER, in_scope))),
                 compress(in_scope, map(is_not, map(_RPO, in_scope), repeat(None))))
    asked: dict[int, list] = {}
    memo: dict[tuple, object] = {}  # (id(plan), id(rpo)) -> the schedule to ask about, or None
    seen: set = set()
    for a in walk:
        if a.rpo is not None:
            if id(a) in seen:
                continue
            seen.add(id(a))
        plan = plans.get(a.id, no_plan)
        gap = plan[2]
        if gap is None:
            continue
        rpo = a.rpo
        if rpo is None:
            t = tiers.get(a.tier)
            rpo = t.rpo if t is not None else None
        if rpo is None or not (rpo.text is not None or rpo.approx_seconds == gap.approx_seconds):
            continue
        key = (id(plan), id(rpo))
        sc = memo.get(key, memo)
        if sc is memo:
            sc = memo[key] = _untimed(ctx, a, gap, rpo)
        if sc is not None:
            found = asked.get(id(sc))
            if found is None:
                found = asked[id(sc)] = [sc, [], rpo]
            found[1].append(a)
    for sc, systems, rpo in asked.values():
        ids = [a.id for a in systems]
        one = len(ids) == 1
        whose = f"{'its' if one else 'their'} RPO"
        if rpo.text is not None:
            why = (f"{whose} is '{rpo.text}', so the worst-case data loss is the interval plus the time a job takes")
        else:
            why = (f"exactly {whose} ({_text(rpo)}): until a job finishes the newest point is older than that, so "
                   "any job time makes the worst case exceed the RPO")
        # The RPO's path goes with the job time's: whether the client's RPO holds is the client's to answer,
        # even where a provider runs the job (its report does not say so).
        yield ctx.ask(f"Schedule {sc.id} backs up {_names(ids)} every {_text(sc.interval)}, {why}. How long does a "
                      "job take?", ctx.schp(sc, "job_duration"), ctx.rpo_path(systems[0]), subject=sc.id,
                      system=systems[0], scopes=tuple(ids), severity="major",
                      why="the job time is not known yet: a possible breach of the RPO, not a known one")


def _untimed(ctx, a, gap, rpo):
    """The schedule of ``a`` that gives its recovery-point gap with no job time stated, if it is to be asked."""
    for sc in ctx.schedules(a):
        interval = sc.interval
        if (sc.job_duration is None and (sc.type is None or (rpo.text is not None and sc.type not in INSTANT_TYPES))
                and interval is not None and interval.text is None
                and interval.approx_seconds == gap.approx_seconds and ctx.restorable(sc)):
            return sc
    return None


def _freq_001_said(ctx, a, gap, rpo, rpo_texts: dict) -> tuple:
    """(message after the system id, path of the fastest schedule's interval, its id) for ``a``'s plan and RPO.
    ``rpo_texts`` keeps the text of each RPO object (one per tier, mostly)."""
    fastest = None  # the first restorable schedule with the smallest known interval, as min() picks it
    for sc in ctx.schedules(a):
        interval = sc.interval
        if (interval is not None and interval.text is None and ctx.restorable(sc)
                and (fastest is None or interval.approx_seconds < fastest.interval.approx_seconds)):
            fastest = sc  # known intervals: Duration's < compares approx_seconds
    rpo_text = rpo_texts.get(id(rpo))
    if rpo_text is None:
        rpo_text = rpo_texts[id(rpo)] = str(rpo)
    return (f": the newest restorable point can be {_text(gap)} old (schedule {fastest.id}) but its RPO is {rpo_text}.",
            ctx.schp(fastest, "interval"), fastest.id)


@rule(
    "FREQ-002",
    title="Off-site copies lag behind the disaster RPO",
    severity="major",
    family="frequency",
    tier_modifier=True,
    maps={"soc2": ["A1.2", "CC9.1"], "cis": ["11.4"], "nist": ["CP-9(5)", "CP-6(1)"], "iso27001": ["A.8.13"],
          "hipaa": ["164.308(a)(7)(ii)(B)"]},
    fix="Copy every recovery point to another region (or use versioned continuous replication), or approve an explicit disaster RPO.",
    description="The newest copy that survives losing the primary region is older than the disaster RPO.",
)
def freq_002(ctx):
    idx = index(ctx)
    if not idx.unique_schedules or len(ctx.systems) != len(ctx.policy.systems) \
            or len(ctx.systems) * 8 < len(ctx.all_systems):
        # Duplicate ids (REF-001 reports them): the per-schedule and per-tier shortcuts below assume none. A few
        # systems (the incremental evaluator re-runs the rule for the systems an edit moved): copy by copy is
        # quicker than the pass over every schedule below.
        yield from _freq_002_each(ctx, ctx.in_scope_systems)
        return
    # A schedule with targets in two or more regions (as written, as ctx.survives compares them) keeps a copy
    # of every system it covers that states a region; if its lag is within the tier's disaster RPO, that system
    # has nothing to report (dr_rpo(a) is never tighter than the tier's). Such systems are cleared with set
    # operations: ``within[k]`` holds the systems listed by such a schedule whose lag exceeds exactly the k
    # smallest tier thresholds, so a system of a tier whose threshold has k others below it is cleared by any
    # of within[0..k]. A tier-wide schedule covers systems of its tier alone (ids are unique here).
    tier_dr = {tid: t.dr_rpo.approx_seconds for tid, t in ctx.tiers.items()
               if t.dr_rpo is not None and not t.dr_rpo.vague}
    thresholds = sorted(tier_dr.values())
    within: list[set] = [set() for _ in thresholds]
    cleared: set = set()
    by_tier = ctx.systems_by_tier
    singles = ctx._single_plans
    # What the systems' loop below reads of each schedule (as _offsite gives it) is worked out here, inline,
    # in the same pass: it runs for every schedule.
    offsite: dict = {}
    for sc in ctx.policy.schedules:
        plan = singles.get(id(sc))  # the context's plan of sc alone (None: it covers no system id)
        if plan is None:
            continue
        interval, copy_lag = sc.interval, sc.copy_lag  # as _lag_seconds, inline
        if interval is None or interval.text is not None:
            offsite[id(sc)] = None
            continue
        if copy_lag is None or copy_lag.text is not None:
            lag = interval.approx_seconds
        elif copy_lag.months or interval.months:
            lag = (interval + copy_lag).approx_seconds
        else:
            lag = interval.approx_seconds + copy_lag.approx_seconds
        targets = plan[1]
        regions = set(map(_region, targets))  # as _regions, inline
        regions.discard(None)
        regions.discard("")
        offsite[id(sc)] = (lag, regions, targets)
        if len(targets) < 2 or len(regions) < 2:
            continue
        if sc.systems:
            k = bisect_left(thresholds, lag)
            if k < len(within):
                within[k].update(sc.systems)
        for tid in sc.tiers:
            if lag <= tier_dr.get(tid, -1.0):
                cleared.update(by_tier.get(tid, ()))
    # A tier whose threshold has k others below it is cleared by within[0] | ... | within[k]: the tiers taken
    # by k, smallest first, against one union grown in place (no copy of it per k).
    upto = None
    done = 0
    for k, tid in sorted((bisect_left(thresholds, seconds), tid) for tid, seconds in tier_dr.items()):
        ids = by_tier.get(tid)
        if not ids:
            continue
        while done <= k:
            if upto is None:
                upto = within[0]  # within is not read again: grown in place
            else:
                upto |= within[done]
            done += 1
        cleared.update(upto.intersection(ids))
    # The rest, in the order of ctx.in_scope_systems (the order of first appearance, as system_index counts),
    # plus the systems that state no region (a copy elsewhere is then judged target by target). The disaster
    # RPO comes first: it is worked out once per tier (for systems without their own RPO), and a system with
    # none has nothing to compare (the copies are then not looked at). Schedules in a's list order, as
    # ctx.schedules(a) gives them.
    if cleared:
        cleared.difference_update([a.id for a in ctx.in_scope_systems if not a.region])
    dr_rpo = ctx.dr_rpo
    rpo_by_tier: dict = {}
    scheduled = ctx._schedules
    survives = ctx.survives
    for a in ctx.in_scope_systems:
        if cleared and a.id in cleared:
            continue
        if a.rpo is not None:
            rpo = dr_rpo(a)
        else:
            rpo = rpo_by_tier.get(a.tier, rpo_by_tier)
            if rpo is rpo_by_tier:
                rpo = rpo_by_tier[a.tier] = dr_rpo(a)
        if rpo is None:
            continue
        region = a.region
        limit = rpo.approx_seconds
        best = None  # (seconds, schedule, its targets) of the first schedule with the smallest lag and a copy that survives
        for sc in scheduled.get(a.id, ()):  # losing a's region
            info = offsite.get(id(sc), offsite)
            if info is offsite:
                info = offsite[id(sc)] = _offsite(ctx, sc)
            if info is None or (best is not None and info[0] >= best[0]):
                continue
            lag, regions, targets = info
            # As Index.survives_region_loss_via: a target in another region (as written) survives;
            # otherwise ask ctx.survives of the targets it could not rule on.
            if not (region and (len(regions) > 1 or (regions and region not in regions))):
                for c in targets:
                    if not (region and c.region) and survives(c, a, "region_loss"):
                        break
                else:
                    continue
            best = lag, sc, targets
            if lag <= limit:
                break  # within the disaster RPO: the smallest lag is too, so nothing to report (no need to look on)
        if best is None or best[0] <= limit:
            continue  # no off-site copy at all is COPY-002's finding
        if _said_by_freq_001(ctx, a, best[0], rpo):
            continue
        yield _freq_002_hit(ctx, a, best[1], best[2], rpo)


def _dr_rpo_path(ctx, a, dr_rpo) -> str:
    """The field the disaster RPO quoted comes from: the tier's dr_rpo when it is that, else the RPO's."""
    tier = ctx.tier(a)
    if tier is not None and tier.dr_rpo is not None and dr_rpo is tier.dr_rpo:
        return ctx.tierp(tier.id, "dr_rpo")
    return ctx.rpo_path(a)


def _said_by_freq_001(ctx, a, lag: float, dr_rpo) -> bool:
    """FREQ-001 already says it: the off-site copy is no later than the newest point anywhere (one schedule is
    too slow for both), the disaster RPO is the RPO, and that newest point is older than it. One cause, said
    once: making the schedule fast enough mends both."""
    gap = ctx._plans.get(a.id, _NO_PLAN)[2]
    rpo = ctx.rpo(a)
    return (gap is not None and rpo is not None and gap.text is None and lag <= gap.approx_seconds
            and rpo.approx_seconds == dr_rpo.approx_seconds and gap.approx_seconds > rpo.approx_seconds)


_NO_PLAN = (None, None, None)


def _freq_002_hit(ctx, a, sc, targets, rpo):
    """FREQ-002's finding for ``a``, whose fastest off-site copies come from ``sc`` (the first schedule with
    the smallest lag and a copy that survives losing a's region): as ``_freq_002_each``, the first of its
    ``targets`` that survives is named."""
    c = next(c for c in targets if ctx.survives(c, a, "region_loss"))
    lag = sc.interval + sc.copy_lag if sc.copy_lag and not sc.copy_lag.vague else sc.interval
    return _freq_002_said(ctx, a, c, sc, lag, rpo)


def _freq_002_said(ctx, a, c, sc, lag, rpo):
    return ctx.hit(
        f"{a.id}: the newest copy outside its region ({c.id}, via {sc.id}) can be {_text(lag)} old "
        f"but its disaster RPO is {_text(rpo)}.",
        ctx.schp(sc, "interval"), ctx.schp(sc, "copy_lag"), _dr_rpo_path(ctx, a, rpo),
        system=a, severity="blocker" if ctx.tier_level(a) == 0 else None, scopes=(c.id, sc.id),
    )


_region = operator.attrgetter("region")


def _offsite(ctx, sc):
    """(seconds of interval + copy lag, regions its targets state, all its targets) for a schedule with a
    usable interval, else None. Targets as ``Index.targets`` gives them."""
    seconds = _lag_seconds(sc)
    if seconds is None:
        return None
    plan = ctx._single_plans.get(id(sc))  # the context's plan of sc alone: its distinct targets, as Index.targets
    targets = plan[1] if plan is not None else index(ctx).targets(sc)
    return seconds, _regions(targets), targets


def _lag_seconds(sc):
    """Seconds of ``sc``'s interval plus its copy lag (as the Duration sum would give them); None when the
    interval is missing or vague."""
    interval, lag = sc.interval, sc.copy_lag
    if interval is None or interval.text is not None:
        return None
    if lag is None or lag.text is not None:
        return interval.approx_seconds
    if lag.months or interval.months:
        return (interval + lag).approx_seconds  # months: the same float as Duration's own sum
    # No months: approx_seconds is then just ``seconds``, so adding the two gives the very float that
    # Duration's sum would, without building one.
    return interval.approx_seconds + lag.approx_seconds


def _regions(targets) -> set:
    """The regions ``targets`` state, as written (``if c.region``: a region is a str)."""
    regions = set(map(_region, targets))
    regions.discard(None)
    regions.discard("")
    return regions


def _freq_002_each(ctx, systems):
    """FREQ-002 worked out copy by copy for ``systems``."""
    for a in systems:
        rpo = ctx.dr_rpo(a)
        if rpo is None:
            continue
        best = None
        for c, sc in ctx.copies_with_schedule(a):
            if sc.interval is None or sc.interval.vague or not ctx.survives(c, a, "region_loss"):
                continue
            lag = sc.interval + sc.copy_lag if sc.copy_lag and not sc.copy_lag.vague else sc.interval
            if best is None or lag < best[0]:
                best = (lag, c, sc)
        if best is None:
            continue  # no off-site copy at all is COPY-002's finding
        lag, c, sc = best
        if lag > rpo and not _said_by_freq_001(ctx, a, lag.approx_seconds, rpo):
            yield _freq_002_said(ctx, a, c, sc, lag, rpo)


@rule(
    "FREQ-003",
    title="Backups are manual or less than weekly",
    severity="major",
    family="frequency",
    tier_modifier=True,
    maps={"soc2": ["A1.2", "CC5.2"], "cis": ["11.2"], "nist": ["CP-9"], "iso27001": ["A.8.13"]},
    fix="Automate backups through backup policies or tag assignment; weekly is the floor, daily or better is usual for production.",
    description="A schedule covering an in-scope system is not automated or runs less often than weekly.",
)
def freq_003(ctx):
    # A manual or monthly schedule is a gap only where it is what the system relies on:
    # a monthly archive export beside daily automated backups is not.
    in_scope = None
    automated = _automated_backups(ctx)
    unknown: list = []  # (schedule, systems relying on it, worst of them): whether jobs are automated is one question
    for sc in ctx.policy.schedules:
        if sc.automated and not (sc.interval is not None and not sc.interval.vague and sc.interval > WEEK):
            continue  # automated and at least weekly: neither finding below can come from it
        if in_scope is None:
            in_scope = {a.id for a in ctx.in_scope_systems}
        covered = [sid for sid in _covered(ctx, sc) if sid in in_scope]
        if not covered:
            continue
        relying = [sid for sid in covered if _only(automated(sid), sc)]
        too_slow = sc.interval is not None and not sc.interval.vague and sc.interval > WEEK
        slow_relying = [sid for sid in covered if not _has_weekly_backup(ctx, sid, other_than=sc)] if too_slow else []
        if relying:
            worst = min((ctx.systems[sid] for sid in relying), key=ctx.tier_level)
            names = _names(relying)
            if sc.automated is False:
                yield ctx.hit(f"Schedule {sc.id} ({names}) is run by hand, not automated, and nothing automated backs "
                              f"{'them' if len(relying) > 1 else 'it'} up instead.",
                              ctx.schp(sc, "automated"), subject=sc.id, system=worst, scopes=tuple(relying))
            elif sc.automated is None:
                unknown.append((sc, relying, worst))
        if slow_relying:
            worst = min((ctx.systems[sid] for sid in slow_relying), key=ctx.tier_level)
            yield ctx.hit(f"Schedule {sc.id} ({_names(slow_relying)}) runs every {sc.interval}, less often than weekly, "
                          "and no other schedule backs up more often.",
                          ctx.schp(sc, "interval"), subject=sc.id, system=worst, scopes=tuple(slow_relying))
    if unknown:
        worst = min((w for _, _, w in unknown), key=ctx.tier_level)
        relying = list(dict.fromkeys(sid for _, r, _ in unknown for sid in r))
        which = (f"schedule {unknown[0][0].id}" if len(unknown) == 1
                 else f"schedules {_names([sc.id for sc, _, _ in unknown])}")
        yield ctx.ask(f"Are the backup jobs automated? The policy does not say for {which} (backing up "
                      f"{_names(relying)}). At stake: a schedule run by hand, where a missed run leaves no recovery point.",
                      *(ctx.schp(sc, "automated") for sc, _, _ in unknown), subject="schedules", system=worst,
                      scopes=(*relying, *(sc.id for sc, _, _ in unknown)),
                      causes=tuple(ctx.schp(sc, "automated") for sc, _, _ in unknown))


def _automated_backups(ctx):
    """``sid -> its automated restorable schedules``, worked out once per system (each schedule asks again)."""
    memo: dict[str, list] = {}

    def of(sid):
        got = memo.get(sid)
        if got is None:
            got = memo[sid] = [sc for sc in ctx.schedules(sid) if sc.automated and ctx.restorable(sc)]
        return got
    return of


def _only(schedules, sc) -> bool:
    """Nothing in ``schedules`` but ``sc``: the system has no automated backup other than ``sc``."""
    for other in schedules:
        if other is not sc:
            return False
    return True


def _has_weekly_backup(ctx, sid, other_than):
    return any(sc is not other_than and ctx.restorable(sc) and sc.interval is not None and not sc.interval.vague
               and sc.interval <= WEEK for sc in ctx.schedules(sid))


@rule(
    "FREQ-004",
    title="Database backups are not application-consistent",
    severity="minor",
    family="frequency",
    tier_modifier=True,
    maps={"soc2": ["PI1.5", "A1.3"], "nist": ["CP-9(1)", "CP-10(2)"], "iso27001": ["A.8.13"]},
    fix="Use application-consistent snapshots (VSS, fsfreeze, pre/post hooks), native database backups or point-in-time recovery, and verify them in restore tests.",
    description="Every schedule of a database is crash-consistent only, with no log or continuous backup.",
)
def freq_004(ctx):
    integrity = ctx.category("processing_integrity")
    # Systems of a tier-wide plan that is restorable and consistent (or log/continuous) have nothing to report.
    cleared: set = set()
    for sc, ids in tier_plans(ctx):
        if ctx.restorable(sc) and (sc.type in ("log", "continuous") or sc.app_consistent):
            cleared.update(ids)
    for a in ctx.in_scope_systems:
        if a.kind not in ("db", "transactional_store") or a.id in cleared:
            continue
        scheds = [sc for sc in ctx.schedules(a) if ctx.restorable(sc)]
        if not scheds or any(sc.type in ("log", "continuous") or sc.app_consistent for sc in scheds):
            continue
        if all(sc.app_consistent is False for sc in scheds):
            yield ctx.hit(
                f"{a.id} is a database but none of its schedules ({_names(sc.id for sc in scheds)}) "
                "is application-consistent and there is no log or continuous backup.",
                *(ctx.schp(sc, "app_consistent") for sc in scheds), system=a,
                severity="major" if integrity else None,
                why=("Processing Integrity is in scope" if ctx.policy.engagement.categories
                     else "Processing Integrity may be in scope: the categories are not answered yet")
                if integrity else None,
            )
        else:
            yield ctx.ask(
                f"{a.id} is a database: are its backups ({_names(sc.id for sc in scheds)}) application-consistent?",
                *(ctx.schp(sc, "app_consistent") for sc in scheds), system=a,
                severity="major" if integrity else None,
                why=("Processing Integrity is in scope" if ctx.policy.engagement.categories
                     else "Processing Integrity may be in scope: the categories are not answered yet")
                if integrity else None,
            )


def _covered(ctx, sc):
    out = dict.fromkeys(sc.systems)
    for tid in sc.tiers:
        out.update(dict.fromkeys(ctx.systems_by_tier.get(tid, ())))
    return list(out)

