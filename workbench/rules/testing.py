"""Restore and recovery testing (TEST): are restores tested often, fully, and from the right copy?

Dates are judged against the as-of date (``ctx.today``); for a SOC 2 Type II
engagement TEST-002 also counts the passing tests inside the observation
period. A tier's restore-test cadence may be met by a sample: a passing test
of any system in the tier counts for every system in it, and the message says
when a system has no test of its own. A system whose cadence cannot be resolved
(no tier, or a tier with no or only a vague cadence) is not let off: TEST-001
asks for one and TEST-002 still wants a passing test on record. TEST-006 holds
exercises to the policy's own ``policy.dr_exercise_interval`` (a year when unstated).

Kinds: a missing or too loose cadence is the policy's (a question or a gap); a
restore test or DR exercise missing, overdue or incompletely recorded (TEST-002,
TEST-004, TEST-005, TEST-006's "none held") is evidence. A failed test left
unremediated (TEST-003) is a gap in how the control runs.

Shared causes (see :func:`workbench.rules.engine.finalize`):

* A system with no (defined) tier: COV-002 owns the cause; TEST-001's "how often
  is it tested?" and TEST-002's "no passing test, no cadence" fold into it.
* A vague cadence: VAGUE-001 owns it (it quotes the words); TEST-001's question
  for a testable cadence folds into it.
* A policy with no restore-test records at all: TEST-002 owns one evidence finding
  that stands for TEST-002, TEST-004, TEST-005 and ENC-004's per-system ones.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from operator import attrgetter
from typing import NamedTuple, Optional

from workbench.spec.durations import Duration

from .engine import Hit, rule
from .wording import listing as _names

YEAR = Duration.of("1y")
QUARTER = Duration.of("3mo")
RETEST_WINDOW = dt.timedelta(days=30)
FULL_TYPES = ("full_system", "app")
DISASTER_SCENARIOS = ("ransomware", "region_loss")
REGULATED = frozenset({"hipaa", "gdpr"})  # regimes the TEST rules cite
_ID = attrgetter("id")


@rule(
    "TEST-001",
    title="Restore-test cadence missing or too loose",
    severity="major",
    family="testing",
    tier_modifier=True,
    maps={"soc2": ["A1.3", "CC7.5"], "cis": ["11.5"], "nist": ["CP-4", "CP-9(1)", "CP-9(2)"],
          "iso27001": ["A.8.13"], "hipaa": ["164.308(a)(7)(ii)(D)"], "gdpr": ["32(1)(d)"]},
    fix="Set a restore-test cadence for every tier (monthly T0, quarterly T1, twice a year T2, yearly T3 are sensible "
        "defaults) and automate the tests where the platform allows, so each run leaves a dated record.",
    description="A system in scope has no testable restore-test cadence (no tier, or its tier states none or only "
                "a vague one), or its tier's cadence is looser than its baseline or than a year.",
)
def test_001(ctx):
    # Which tiers have an in-scope member decides what is checked; the member lists (thousands of
    # ids) only matter to a message, so they are gathered when the first message needs them.
    occupied = _occupied_tiers(ctx)
    members: Optional[dict] = None

    def described(t) -> tuple:
        """(representative, " (member ids)" or "", interval path) of tier ``t``, for a message."""
        nonlocal members
        if members is None:
            members = _members_by_tier(ctx)
        group = members.get(t.id, [])
        who = f" ({_names(a.id for a in group)})" if group else ""
        return _representative(group), who, ctx.tierp(t, "restore_test_interval")

    cis = ctx.policy.baseline.cis_profile
    known: list = []
    unknown = False
    default = ctx.policy.policy.restore_test_interval
    for t in ctx.policy.tiers:
        if not (t.id and t.id in occupied) and t.level() > 2:
            continue  # a T3-style tier with nothing in scope promises nothing testable
        interval = t.restore_test_interval
        if interval is None and default is not None:
            interval = default  # the policy-wide cadence (policy.restore_test_interval) holds for the tier
        if interval is None and t.id in occupied and _all_own_cadence(ctx, t.id):
            continue  # every member in scope states its own (or its schedule's) cadence
        if interval is None:
            unknown = True
            rep, who, path = described(t)
            yield ctx.ask(f"{t.id}{who}: how often do systems in this tier get a restore test?",
                          path, subject=t.id, system=rep, scopes=(t.id,))
            continue
        if interval.vague:
            # VAGUE-001 quotes the wording; the systems still need a cadence a test can be held to.
            unknown = True
            rep, who, path = described(t)
            yield ctx.ask(f"{t.id}{who}: how often, as a number of days, weeks or months, do systems in this tier "
                          "get a restore test?", path, subject=t.id, system=rep, scopes=(t.id,))
            continue
        known.append((t, interval))
        limits = [(YEAR, "once a year, the least any tier in scope needs")]
        base = _baseline(ctx, t)
        if base is not None:
            limits.append((base, f"the {base} baseline for {t.id}"))
        broken = [(lim, why) for lim, why in limits if interval > lim]
        if broken:
            _, why = min(broken, key=lambda b: b[0])
            rep, who, path = described(t)
            yield ctx.hit(f"{t.id}{who}: restore tests every {interval}, looser than {why}.",
                          path, subject=t.id, system=rep, scopes=(t.id,))
    # Systems with no tier (or one that is not defined) have no cadence unless they, their schedule or the
    # policy state one: one question each for those that have none, whose cause is the missing tier (COV-002
    # asks for it; the engine folds these into its finding).
    if any(tid not in ctx.tiers for tid in occupied):
        untiered = [a for a in ctx.in_scope_systems if a.tier not in ctx.tiers]
        stated = [(a, own_cadence(ctx, a)) for a in untiered]
        left = [a for a, c in stated if c is None]
        if left and not _known(default):
            unknown = True
            for a in left:
                yield _untiered_question(ctx, [a])
        for a, c in stated:
            if c is not None and c[0].vague:
                unknown = True
                yield ctx.ask(f"{a.id}: how often, as a number of days, weeks or months, is it restore-tested?",
                              c[1], system=a)
            elif c is not None and c[0] > YEAR:
                yield ctx.hit(f"{a.id}: restore tests every {c[0]}, looser than once a year, the least any "
                              "system in scope needs.", c[1], system=a)
    if cis and known and not unknown and all(iv > QUARTER for _, iv in known):
        t, interval = min(known, key=lambda k: k[1])
        rep, who, path = described(t)
        yield ctx.hit(
            f"CIS 11.5 profile: no tier is restore-tested at least every 3mo; the most frequent is "
            f"{t.id}{who} every {interval}. Test a sample of in-scope systems every quarter.",
            path, subject=t.id, system=rep, scopes=(t.id,),
        )


def own_cadence(ctx, a) -> Optional[tuple[Duration, str]]:
    """The restore-test cadence stated for ``a`` itself or for its schedules, without a tier: (cadence, path).

    The system's own ``restore_test_interval`` first, else the tightest one its schedules state (a vague one
    only when no schedule states a testable one). None when neither says."""
    if a.restore_test_interval is not None:
        return a.restore_test_interval, ctx.sp(a, "restore_test_interval")
    best = None
    for sc in ctx.schedules(a):
        d = sc.restore_test_interval
        if d is not None and (best is None or (best[0].vague and not d.vague) or (not d.vague and d < best[0])):
            best = (d, ctx.schp(sc, "restore_test_interval"))
    return best


def _all_own_cadence(ctx, tier_id: str) -> bool:
    """Whether every in-scope system of a tier states a restore-test cadence of its own or of its schedules."""
    return all(own_cadence(ctx, a) is not None for a in ctx.in_scope_systems if a.tier == tier_id)


def _untiered_question(ctx, group: list):
    """TEST-001's one question for the in-scope systems in ``group``, which have no (defined) tier."""
    one = len(group) == 1
    dangling = any(a.tier for a in group)
    why = ("it has no tier" if one else "they have no tier") + (" that is defined" if dangling else "")
    return ctx.ask(f"No restore-test cadence applies to {_names(a.id for a in group)}, as {why}: how often "
                   f"{'is it' if one else 'are they'} restore-tested? Give {'it' if one else 'them'} a tier with "
                   "a restore-test interval, or state the cadence for the system, its schedule or the whole "
                   "policy (policy.restore_test_interval).",
                   ctx.sp(group[0], "tier"), "tiers", subject=group[0].id,
                   system=_representative(group), scopes=tuple(a.id for a in group),
                   causes=tuple(ctx.sp(a, "tier") for a in group))


@rule(
    "TEST-002",
    title="Restore test overdue",
    severity="major",
    family="testing",
    records=True,
    tier_modifier=True,
    maps={"soc2": ["A1.3", "CC7.5"], "cis": ["11.5"], "nist": ["CP-4", "CP-9(1)"], "iso27001": ["A.8.13"],
          "hipaa": ["164.308(a)(7)(ii)(D)"], "pci": ["12.10.2"]},
    fix="Run the overdue restore test now and keep its record. In a Type II period, disclose a missed "
        "occurrence instead of back-filling it.",
    description="A system in scope has no passing restore test on record (whether or not a cadence is set), or its "
                "latest passing test (or its tier sample's) is older than the tier's cadence.",
)
def test_002(ctx):
    today = ctx.today
    period = _period(ctx)
    # from the restore tests, which system holds each and its tier, the date and the period: the indexes' inputs
    passing = ctx.lasting(("TEST-002 passing", period), lambda: _passing_by_tier(ctx, period))
    # The verdict is the tier's: work it out once per tier in scope, and visit the systems only
    # when some tier has something to report (none does in a policy whose tests are on time), or
    # some system has no (defined) tier, whose own tests are all there is to go on.
    occupied = _occupied_tiers(ctx)
    tiers = ctx.tiers
    verdicts: dict[str, Optional[tuple]] = {}
    for tid, t in tiers.items():
        if tid not in occupied:
            continue
        verdict = _tier_verdict(ctx, t, passing.get(tid, _NONE_PASSING), period)
        if verdict and (verdict[3] is not None or verdict[5]):  # due, or short in the Type II period
            verdicts[tid] = verdict
    tierless = any(tid not in tiers for tid in occupied)
    if not verdicts and not tierless:
        return
    tests_of = ctx._tests
    said: dict[str, tuple] = {}  # tier id -> what its systems' findings say after their id (the tier's verdict)
    for a in ctx.in_scope_systems:
        tid = a.tier
        verdict = verdicts.get(tid)
        if verdict is None:
            if tierless and tid not in tiers:
                yield from _untiered_overdue(ctx, a, tests_of.get(a.id))
            continue
        words = said.get(tid)
        if words is None:
            text, paths, severity, why = _overdue_words(ctx, tiers[tid], verdict)
            # what ctx.missing(...) makes of them, worked out once per tier: a tier may have thousands of systems
            words = said[tid] = text, tuple(filter(None, paths)), severity, why, (tid,) if tid else ()
        text, paths, severity, why, scopes = words
        yield Hit(f"{a.id} {text}", paths, a.id, a, severity, "evidence", scopes, (), why)


def _overdue_words(ctx, t, verdict) -> tuple:
    """What TEST-002 says of every system of tier ``t`` after the system's id (the verdict is the tier's):
    (text, paths, severity, why)."""
    interval, cadence, latest, due, severity, shortfall = verdict
    parts = []
    if latest is None:
        parts.append(f"no passing restore test on record as of {ctx.today} ({cadence})")
    elif due is not None:
        parts.append(_overdue_text(ctx, t, latest, due, cadence))
    if shortfall:
        got, want, start, end = shortfall
        parts.append(f"in the Type II period {start}..{end} its tier had {got} passing restore "
                     f"test{'' if got == 1 else 's'} where {want} {'was' if want == 1 else 'were'} due ({cadence})")
    paths = [ctx.tierp(t, "restore_test_interval")]
    if latest is not None:
        paths.insert(0, _test_path(ctx, latest, "date"))
    else:
        paths.insert(0, "restore_tests")
    why = None if severity is None else (
        "no passing restore test is on record" if latest is None
        else "two cadences have passed since the last passing test")
    return f"({t.id}): " + "; ".join(parts) + ".", paths, severity, why


@rule(
    "TEST-003",
    title="Failed restore test not remediated",
    severity="major",
    family="testing",
    tier_modifier=True,
    maps={"soc2": ["A1.3", "CC7.5", "CC4.2", "CC5.3"], "nist": ["CP-4(c)", "CP-10"],
          "iso27001": ["A.5.30", "A.8.13"], "hipaa": ["164.308(a)(7)(ii)(D)"]},
    fix="Open a remediation ticket, fix the root cause and retest within 30 days. If the objective cannot be met, "
        "change the design or have the business owner formally accept a new RTO or RPO.",
    description="The latest restore test of a system failed or missed its RTO/RPO, with no ticket or retest within 30 days.",
)
def test_003(ctx):
    today = ctx.today
    latest = _latest_done_by_system(ctx)
    if not latest:
        return
    # Most latest tests passed within their objectives: find the few others from the tests alone,
    # then report them in the order and with the filter of ctx.in_scope_systems (inventory order,
    # ctx.in_scope) instead of walking every system.
    systems = ctx.systems
    by_tier: dict = {}  # tier id -> the limits of its systems that set neither objective themselves
    suspects = []
    for sid, last in latest.items():
        a = systems.get(sid)
        if a is None:
            continue
        result = last.result
        if result == "pass":
            # Passed within its own objectives is within the disaster ones too (never tighter).
            if a.rpo is None and a.rto is None:
                limits = by_tier.get(a.tier)
                if limits is None:
                    limits = by_tier[a.tier] = _objective_limits(ctx, a)
            else:
                limits = _objective_limits(ctx, a)
            rpo_limit, rto_limit = limits
            rto, rpo = last.measured_rto, last.measured_rpo
            if not ((rto is not None and rto.approx_seconds > rto_limit and rto.text is None)
                    or (rpo is not None and rpo.approx_seconds > rpo_limit and rpo.text is None)):
                continue
        if result is not None and last.remediation_ticket and today <= last.date + RETEST_WINDOW:
            continue  # whatever went wrong, remediation is under way and the retest window is still open
        suspects.append(a)
    index, in_scope = ctx.system_index, ctx.in_scope
    suspects.sort(key=lambda a: index[a.id])
    for a in suspects:
        if not in_scope(a):
            continue
        last = latest[a.id]
        problems, paths = _test_problems(ctx, a, last)
        if not problems:
            if last.result is None:
                yield ctx.ask(f"{a.id}{_tier_tag(a)}: what was the result of the restore test {_test_label(last)}?",
                              _test_path(ctx, last, "result"), system=a)
            continue
        deadline = last.date + RETEST_WINDOW
        if last.remediation_ticket and today <= deadline:
            continue  # remediation is under way and the retest window is still open
        if last.remediation_ticket:
            tail = f"ticket {last.remediation_ticket} is recorded but no passing retest followed by {deadline}"
        else:
            tail = "no remediation ticket is recorded"
        paths.append(_test_path(ctx, last, "remediation_ticket"))
        yield ctx.hit(f"{a.id}{_tier_tag(a)}: the latest restore test {_test_label(last)} "
                      f"{' and '.join(problems)}; {tail}.", *paths, system=a)


def _test_problems(ctx, a, last) -> tuple[list, list]:
    """What went wrong in test ``last`` of ``a`` (failed, or missed the RTO or RPO), with the paths."""
    problems, paths = [], []
    if last.result in ("fail", "partial"):
        problems.append("failed" if last.result == "fail" else "only partly succeeded")
        paths.append(_test_path(ctx, last, "result"))
    # Within the system's own objective is within the disaster one too (never tighter): the common
    # case needs neither the source copy nor the tier.
    rpo, rto, dr_rpo, dr_rto, rpo_path, rto_path = _objectives(ctx, a)
    measured_rto, measured_rpo = last.measured_rto, last.measured_rpo
    rto_known = measured_rto is not None and measured_rto.text is None and _may_miss(measured_rto, rto)
    rpo_known = measured_rpo is not None and measured_rpo.text is None and _may_miss(measured_rpo, rpo)
    if not (rto_known or rpo_known):
        return problems, paths
    # A test restored from the copy kept for a regional disaster is held to the disaster objectives.
    source = ctx.targets.get(last.source_target) if last.source_target else None
    disaster = source is not None and a.region is not None and ctx.survives(source, a, "region_loss")
    if rto_known:
        if disaster and dr_rto is not None:
            rto, kind = dr_rto, "a disaster"
        else:
            kind = "an"
        if rto is not None and measured_rto > rto:
            problems.append(f"took {measured_rto} against {kind} RTO of {rto}")
            paths += [_test_path(ctx, last, "measured_rto"), rto_path]
    if rpo_known:
        if disaster and dr_rpo is not None:
            rpo, kind = dr_rpo, "a disaster"
        else:
            kind = "an"
        if rpo is not None and measured_rpo > rpo:
            problems.append(f"restored a point {measured_rpo} old against {kind} RPO of {rpo}")
            paths += [_test_path(ctx, last, "measured_rpo"), rpo_path]
    return problems, paths


def _objectives(ctx, a) -> tuple:
    """(rpo, rto, disaster rpo, disaster rto, rpo path, rto path) of ``a``, the disaster ones None
    when its tier sets none; worked out once per tier for the (usual) systems that have a tier and set
    neither objective themselves, as they depend on nothing else then (a tierless system's paths are its own)."""
    if a.rpo is not None or a.rto is not None or not a.tier:
        return _objectives_now(ctx, a)
    memo = ctx.__dict__.get("_testing_objectives")
    if memo is None:
        memo = ctx._testing_objectives = {}
    found = memo.get(a.tier)
    if found is None:
        found = memo[a.tier] = _objectives_now(ctx, a)
    return found


def _objectives_now(ctx, a) -> tuple:
    tier = ctx.tier(a)
    dr_rpo = ctx.dr_rpo(a) if tier is not None and _known(tier.dr_rpo) else None
    dr_rto = ctx.dr_rto(a) if tier is not None and _known(tier.dr_rto) else None
    return ctx.rpo(a), ctx.rto(a), dr_rpo, dr_rto, ctx.rpo_path(a), ctx.rto_path(a)


@rule(
    "TEST-004",
    title="No full or disaster-copy restore test for a critical system",
    severity="major",
    family="testing",
    records=True,
    tier_modifier=True,
    maps={"soc2": ["A1.3", "CC7.5"], "cis": ["11.5"], "nist": ["CP-9(2)", "CP-4"], "iso27001": ["A.8.13"]},
    fix="Once a year, restore the whole application into an isolated environment from the copy you would really "
        "use in a disaster (off-site or immutable), and time it end to end including DNS, identity and secrets.",
    description="A T0/T1 system has no full-system or application restore test within its full-restore interval, "
                "or no restore from an off-site or immutable copy within a year.",
)
def test_004(ctx):
    today = ctx.today
    year_ago = YEAR.add_to(today, -1)
    plans = _full_restore_plans(ctx, year_ago)
    if not plans:
        return
    tests_of, copies_of = ctx._tests, ctx.copies
    places: dict = {}  # (region, site) -> _place(), looked up here without a call per system
    for a in [a for a in ctx.in_scope_systems if a.tier in plans]:
        plan, sid = plans[a.tier], a.id
        key = (a.region, a.site, a.provider)
        place = places.get(key)
        if place is None:
            place = places[key] = _place(ctx, a)
        tests = tests_of.get(sid)
        done = [x for x in tests if x.date is not None and x.date <= today] if tests else ()
        if not done:
            # The common case, no test up to the as-of date: both halves report, with fixed paths;
            # the same hits _full_restore_hit and _disaster_copy_hit build, without their work.
            yield Hit(sid + plan.none_done, plan.none_done_paths, sid, a, None, "evidence", plan.scopes)
            copies = copies_of(a)
            hint = place[1].get(id(copies))
            if hint is None:
                hint = _copies_hint(copies, place)
            yield Hit(sid + plan.no_copy + hint + ".", _NO_TEST_PATHS, sid, a, None, "evidence", plan.scopes)
            continue
        hit = _full_restore_hit(ctx, a, plan, done)
        if hit is not None:
            yield hit
        hit = _disaster_copy_hit(ctx, a, plan, done, year_ago, place)
        if hit is not None:
            yield hit


class _FullRestorePlan(NamedTuple):
    """What TEST-004 needs of a T0/T1 tier, worked out once per tier."""

    since: dt.date         # a full restore test is due since this day
    tag: str               # " (T0)"
    no_full: str           # the no-full-test message after the system id, up to "; the latest was ..."
    none_done: str         # the same, for a system with no test at all
    none_done_paths: tuple
    tier_path: str         # the tier's full_restore_interval
    no_copy: str           # the no-disaster-copy message after the system id, before the hint
    scopes: tuple          # what an exception may name besides the system: its tier


_NO_TEST_PATHS = ("restore_tests",)


def _full_restore_plans(ctx, year_ago: dt.date) -> dict[str, _FullRestorePlan]:
    """Per T0/T1 tier id, what TEST-004 needs of the tier."""
    plans = {}
    g = ctx.policy.policy
    for t in _critical_tiers(ctx).values():
        own = t.full_restore_interval
        method = t.restore_test_method or g.restore_test_method
        if own is None and method == "full_application" and _known(t.restore_test_interval or g.restore_test_interval):
            own = t.restore_test_interval or g.restore_test_interval  # every restore test is a full one
        policy_wide = own is None and _known(g.full_restore_interval)
        if policy_wide:
            own = g.full_restore_interval
        interval = own if _known(own) else YEAR
        since = interval.add_to(ctx.today, -1)
        source = ("" if _known(own) and not policy_wide else ", the policy-wide full-restore interval" if policy_wide
                  else ", the default, as the tier sets no full-restore interval")
        tag = f" ({t.id})" if t.id else ""
        no_full = f"{tag}: no full-system or application restore test since {since} (every {interval}{source}); "
        tier_path = "policy.full_restore_interval" if policy_wide else ctx.tierp(t, "full_restore_interval")
        plans[t.id] = _FullRestorePlan(
            since, tag, no_full, no_full + "none is on record.", ("restore_tests", tier_path), tier_path,
            f"{tag}: no restore test from an off-site or immutable copy since {year_ago}",
            (t.id,) if t.id else (),
        )
    return plans


def _system_hit(message: str, paths: tuple, a) -> Hit:
    """``ctx.missing(message, *paths, system=a)`` for paths that are all given, without its generality."""
    return Hit(message, paths, a.id, a, None, "evidence", (a.tier,) if a.tier else ())


def _full_restore_hit(ctx, a, plan: _FullRestorePlan, done: list):
    """TEST-004's first half: a full-system or application restore within the tier's interval (hit or None)."""
    # One pass over the tests up to the as-of date (oldest first): the latest full restore, and
    # the latest untyped test since the tier's interval began.
    since = plan.since
    last_full = untyped = None
    for x in done:
        kind = x.type
        if kind in FULL_TYPES:
            if x.date >= since:
                return None
            last_full = x
        elif kind is None and x.date >= since:
            untyped = x
    if untyped is not None:
        return ctx.ask(f"{a.id}{plan.tag}: was the restore test {_test_label(untyped)} a full-system "
                       "or application restore?", _test_path(ctx, untyped, "type"), system=a)
    if last_full is None:
        return _system_hit(a.id + plan.none_done, plan.none_done_paths, a)
    return _system_hit(f"{a.id}{plan.no_full}the latest was {last_full.date}.",
                       (_test_path(ctx, last_full, "type"), plan.tier_path), a)


def _disaster_copy_hit(ctx, a, plan: _FullRestorePlan, done: list, year_ago: dt.date, place: tuple):
    """TEST-004's second half: a restore from a copy that survives a disaster within a year (hit or None)."""
    year = [x for x in done if x.date >= year_ago]
    safe = place[0]
    for x in year:
        if x.source_target in safe:
            return None  # (the common case) _survivor() is True
    unsure = None
    for x in year:
        if _survivor(ctx, x, a, safe) is None:
            unsure = x
    if unsure is not None:
        return ctx.ask(f"{a.id}{plan.tag}: restore test {_test_label(unsure)}: which copy was it restored from, and "
                       "does that copy survive a region loss or ransomware?",
                       _test_path(ctx, unsure, "source_target"), system=a)
    hint = _copies_hint(ctx.copies(a), place)
    if not year:
        return _system_hit(a.id + plan.no_copy + hint + ".", _NO_TEST_PATHS, a)
    used = _names(dict.fromkeys(x.source_target for x in year))
    return _system_hit(f"{a.id}{plan.tag}: its restore tests since {year_ago} all used {used}, a copy "
                       f"that would not survive a region loss or ransomware{hint}.",
                       (_test_path(ctx, year[-1], "source_target"),), a)


def _copies_hint(copies: list, place: tuple) -> str:
    """"; restore from X, Y instead" naming the copies (of a system in ``place``) that survive a disaster, or ""."""
    safe, hints = place
    # Systems of one plan (one shared copies list) in one place get the same hint.
    hint = hints.get(id(copies))
    if hint is None:
        good = [*filter(safe.__contains__, map(_ID, copies))]
        # _names(good), spelt out: the ids are strings
        hint = hints[id(copies)] = (
            "; restore from " + ", ".join(good[:3]) + (f" and {len(good) - 3} more" if len(good) > 3 else "")
            + " instead") if good else ""
    return hint


@rule(
    "TEST-005",
    title="Restore test without integrity check or evidence",
    severity="minor",
    family="testing",
    records=True,
    tier_modifier=True,
    maps={"soc2": ["A1.3", "PI1.5", "CC4.1"], "cis": ["11.5"], "nist": ["CP-9(1)"], "iso27001": ["A.8.13"]},
    fix="Check every restore with checksums, row counts or an application smoke test, and attach the artifacts "
        "and timings to a ticket or evidence record.",
    description="A recent restore-test record has no integrity check or no evidence reference, or is dated after "
                "today.",
)
def test_005(ctx):
    today = ctx.today
    cutoff = YEAR.add_to(today, -1)
    period = _period(ctx)
    if period is not None:
        cutoff = min(cutoff, period[0])
    for i, x in enumerate(ctx.policy.restore_tests):
        if x.date is not None and x.date > today:
            # a typo in the year, or a test planned and written down as held: it counts as no test anywhere
            yield ctx.hit(f"Restore test {_test_label(x)} of {x.system} is dated {x.date}, after today ({today}): "
                          "a test not held yet is no evidence, and no rule counts it; correct the date or remove "
                          "the record until the test is done.", f"restore_tests[{i}].date", subject=x.system,
                          system=ctx.systems.get(x.system), scopes=(x.id,) if x.id else ())
            continue
        if x.integrity_check is True and x.evidence_ref:
            continue  # checked and evidenced (most records): nothing to say, whatever the date
        if x.date is not None and x.date < cutoff:
            continue
        a = ctx.systems.get(x.system)
        wrong, missing, paths = [], [], []
        if x.integrity_check is False:
            wrong.append("no integrity check was done")
            paths.append(f"restore_tests[{i}].integrity_check")
        elif x.integrity_check is None:
            missing.append("whether an integrity check was done")
            paths.append(f"restore_tests[{i}].integrity_check")
        if not x.evidence_ref:
            missing.append("where its evidence is")
            paths.append(f"restore_tests[{i}].evidence_ref")
        if not paths:
            continue
        label = f"Restore test {_test_label(x)} of {x.system}"
        scopes = (x.id,) if x.id else ()
        if wrong:
            extra = f"; it does not say {' or '.join(missing)}" if missing else ""
            yield ctx.missing(f"{label}: {wrong[0]}{extra}.", *paths, subject=x.system, system=a, scopes=scopes)
        else:
            yield ctx.missing(f"{label}: the record does not say {' or '.join(missing)}.", *paths,
                              subject=x.system, system=a, scopes=scopes)


@rule(
    "TEST-006",
    title="No recent disaster-recovery exercise",
    severity="major",
    family="testing",
    records=True,
    tier_modifier=True,
    maps={"soc2": ["A1.3", "CC7.5", "CC9.1"], "cis": ["17.7"], "nist": ["CP-4", "IR-3"],
          "iso27001": ["A.5.29", "A.5.30"], "hipaa": ["164.308(a)(7)(ii)(D)"], "pci": ["12.10.2"]},
    fix="Hold a disaster-recovery exercise every year (a functional one when the two most critical tiers hold "
        "systems), covering ransomware "
        "or region loss and the absence of a key person, and update the plan from its after-action report.",
    description="The policy states no DR-exercise interval or one longer than 12 months, or no DR exercise was held "
                "within that interval (12 months when none is stated), none of the required kind, or one missing "
                "key scenarios.",
)
def test_006(ctx):
    today = ctx.today
    # The policy's own cadence, when it states a testable one; otherwise the year every exercise
    # programme needs (and the question what the cadence is).
    stated = ctx.policy.policy.dr_exercise_interval
    path = "policy.dr_exercise_interval"
    if stated is None or stated.vague or stated.approx_seconds <= 0:
        how = "as a number of months" if stated is not None else "no interval is set"  # VAGUE-001 quotes it
        yield ctx.ask(f"How often is a disaster-recovery exercise held ({how})? Until the policy says, "
                      "exercises are checked against a year.", path, subject="policy", severity="minor",
                      why="until it is answered, exercises are held to a year")
        interval, every, cadence, paths = YEAR, "every year", "", ()
    else:
        interval, every = stated, f"every {stated}"
        cadence, paths = f" ({every}, as the policy states)", (path,)
        if stated > YEAR:
            yield ctx.hit(f"The policy holds a disaster-recovery exercise every {stated}, less often than the "
                          "once a year an exercise programme needs.", path, subject="policy")
    since = interval.add_to(today, -1)
    held = [(i, e) for i, e in enumerate(ctx.policy.dr_exercises) if e.date is not None and e.date <= today]
    recent = [(i, e) for i, e in held if e.date >= since]
    if not recent:
        undated = [i for i, e in enumerate(ctx.policy.dr_exercises) if e.date is None]
        if undated:
            yield ctx.ask(f"When was DR exercise {_exercise_label(ctx.policy.dr_exercises[undated[0]])} held?",
                          f"dr_exercises[{undated[0]}].date", subject="dr_exercises")
            return
        if ctx.policy.dr_exercises:
            before = f"the latest was on {max(e.date for _, e in held)}" if held else "none is on record"
            yield ctx.missing(f"No disaster-recovery exercise since {since}{cadence}; {before}.", "dr_exercises",
                              *paths, subject="dr_exercises")
        else:
            scope = "; functional for the systems of the two most critical tiers" if _critical_tiers(ctx) else ""
            yield ctx.missing(f"No DR-exercise records yet: {ctx.type2_auditor} asks for the exercise held "
                              f"{every}{scope}, its scenarios (ransomware or region loss, an absent key person) "
                              "and its after-action report.", "dr_exercises", *paths, subject="dr_exercises")
        return
    # The T0/T1 systems in scope matter only when no recent exercise was functional or full-scale.
    critical = None
    if not any(e.type in ("functional", "full_scale") for _, e in recent):
        tiers = _critical_tiers(ctx)
        critical = [a.id for a in ctx.in_scope_systems if a.tier in tiers] if tiers else []
    if critical:
        untyped = [(i, e) for i, e in recent if e.type is None]
        if untyped:
            i, e = untyped[-1]
            yield ctx.ask(f"DR exercise {_exercise_label(e)}: was it a tabletop, functional or full-scale exercise?",
                          f"dr_exercises[{i}].type", subject="dr_exercises")
        else:
            i, e = recent[-1]
            yield ctx.hit(
                f"Only tabletop exercises since {since} (latest {_exercise_label(e)}), but the systems of the most "
                f"critical tiers ({_names(critical)}) need a functional exercise {every}.",
                f"dr_exercises[{i}].type", subject="dr_exercises",
            )
    covered = set()
    for _, e in recent:
        covered.update(e.scenarios or ())
    if not covered:
        i, e = recent[-1]
        yield ctx.ask(f"DR exercise {_exercise_label(e)}: which scenarios did it cover?",
                      f"dr_exercises[{i}].scenarios", subject="dr_exercises")
        return
    lacking = []
    if not covered & set(DISASTER_SCENARIOS):
        lacking.append("ransomware or region loss")
    if "key_person_absent" not in covered:
        lacking.append("an absent key person")
    if lacking:
        i, e = recent[-1]
        yield ctx.hit(
            f"DR exercises since {since} (latest {_exercise_label(e)}) covered {', '.join(sorted(covered))} "
            f"but not {' nor '.join(lacking)}.",
            f"dr_exercises[{i}].scenarios", subject="dr_exercises",
        )


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------
def _known(d: Optional[Duration]) -> bool:
    return d is not None and not d.vague


def _tier_tag(a) -> str:
    return f" ({a.tier})" if a.tier else ""


def _critical_tiers(ctx) -> dict:
    """T0/T1 tiers by id."""
    return {t.id: t for t in ctx.policy.tiers if t.level() <= 1}


def _latest_done(tests: list, today: dt.date):
    """The latest dated test up to ``today`` (tests are sorted oldest first)."""
    for x in reversed(tests):
        if x.date is not None and x.date <= today:
            return x
    return None


def _objective_limits(ctx, a) -> tuple[float, float]:
    """``a``'s (rpo, rto) in seconds as ``ctx.rpo`` and ``ctx.rto`` give them; -inf for none (any
    measured time may miss it, as :func:`_may_miss` says)."""
    return _seconds(ctx.rpo(a)), _seconds(ctx.rto(a))


def _seconds(objective: Optional[Duration]) -> float:
    return -math.inf if objective is None else objective.approx_seconds


def _may_miss(measured, objective) -> bool:
    """Whether a known measured time may miss its objective (always, when the system has none of its own).

    Both are known durations here, which compare by length (``Duration.__gt__``'s fast path).
    """
    return objective is None or measured.approx_seconds > objective.approx_seconds


def _latest_done_by_system(ctx) -> dict:
    """System id -> its latest dated test up to the as-of date, as :func:`_latest_done` picks it
    (on equal dates the one listed last), from one pass over the tests instead of one per system."""
    today = ctx.today
    out: dict = {}
    if len(ctx.systems) * 8 < len(ctx.all_systems):  # a few systems (a re-run for those an edit moved): their own
        tests_of = ctx._tests                         # tests, each list sorted by date (ties in listed order)
        for sid in ctx.systems:
            for x in reversed(tests_of.get(sid, ())):
                if x.date is not None and x.date <= today:
                    out[sid] = x
                    break
        return out
    for x in ctx.policy.restore_tests:
        day = x.date
        if day is None or day > today:
            continue
        cur = out.get(x.system)
        if cur is None or day >= cur.date:
            out[x.system] = x
    return out


def _occupied_tiers(ctx) -> frozenset:
    """The tier ids of the systems in scope (TEST-001 and TEST-002 both ask)."""
    found = ctx.__dict__.get("_testing_occupied")
    if found is None:
        found = ctx._testing_occupied = frozenset(a.tier for a in ctx.in_scope_systems)
    return found


def _members_by_tier(ctx, systems=None) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for a in ctx.in_scope_systems if systems is None else systems:
        if a.tier:
            out[a.tier].append(a)
    return out


def _representative(group: list):
    """The member whose modifiers weigh most: a regulated system if any, else the first."""
    for a in group:
        if REGULATED & set(a.regulatory_tags):
            return a
    return group[0] if group else None


def _baseline(ctx, t) -> Optional[Duration]:
    """The tool's (policy-configurable) longest restore-test interval for a tier."""
    base = ctx.policy.baseline.restore_test_baseline
    d = base.get(t.id)
    if d is None and t.level() < 9:
        d = base.get(f"T{min(t.level(), 3)}")
    return d if _known(d) else None


def _period(ctx) -> Optional[tuple[dt.date, dt.date]]:
    """The Type II window observed so far: period_start .. min(as-of, period_end)."""
    e = ctx.policy.engagement
    if e.soc2_type != "II" or e.period_start is None or e.period_start > ctx.today:
        return None
    end = min(ctx.today, e.period_end) if e.period_end else ctx.today
    return (e.period_start, end) if end >= e.period_start else None


def _passing_by_tier(ctx, period) -> dict[str, tuple]:
    """Per tier: (its latest passing test up to the as-of date, on equal dates the one listed last;
    the days with a passing test in the Type II ``period``, if any)."""
    out: dict[str, tuple] = {}
    today, systems = ctx.today, ctx.all_systems  # a tier's tests, whichever of its systems is re-run
    start, end = period if period is not None else (None, None)
    for x in ctx.policy.restore_tests:
        day = x.date
        if x.result != "pass" or day is None or day > today:
            continue
        a = systems.get(x.system)
        if a is None:
            continue
        tier = a.tier
        if not tier:
            continue
        found = out.get(tier)
        if found is None:
            found = out[tier] = (x, set())
        elif day >= found[0].date:
            found = out[tier] = (x, found[1])
        if start is not None and start <= day <= end:
            found[1].add(day)
    return out


_NONE_PASSING = (None, frozenset())


def _tier_verdict(ctx, t, passing, period):
    """Shared by every system of a tier: (interval, cadence text, latest, due, severity, shortfall).

    A tier with no cadence to hold its tests to (none, or a vague one, and no baseline) is only
    judged on whether it has a passing test at all: interval and shortfall are None then.
    """
    interval, cadence = t.restore_test_interval, None
    if interval is None and ctx.policy.policy.restore_test_interval is not None:
        interval = ctx.policy.policy.restore_test_interval  # the policy-wide cadence
    stated = interval is not None
    if _known(interval):
        cadence = f"every {interval}"
    else:
        interval = _baseline(ctx, t)
        if interval is not None:
            what = "testable cadence" if stated else "cadence"
            cadence = f"every {interval}, the {t.id} baseline, as the tier states no {what}"
    latest, days = passing
    if interval is None or interval.approx_seconds <= 0:
        if latest is not None:
            return None
        return (None, cadence or f"no {'testable ' if stated else ''}restore-test cadence is set",
                None, ctx.today, "blocker", None)
    due, severity = None, None
    if latest is None:
        severity = "blocker"
    else:
        next_due = interval.add_to(latest.date)
        if ctx.today > next_due:
            due = next_due
            severity = "blocker" if ctx.today > interval.add_to(latest.date, 2) else None
    shortfall = None
    if period is not None:
        start, end = period
        want = _occurrences(start, end, interval)
        got = len(days)
        if got < want:
            shortfall = (got, want, start, end)
    if latest is None:
        due = ctx.today  # marks "report it"; the message says there is no test at all
    return interval, cadence, latest, due, severity, shortfall


def _untiered_overdue(ctx, a, tests):
    """TEST-002 for a system with no (defined) tier: held to its own, its schedule's or the policy's cadence."""
    today = ctx.today
    stated = own_cadence(ctx, a)
    default = ctx.policy.policy.restore_test_interval
    if stated is None and default is not None:
        stated = (default, "policy.restore_test_interval")
    cadence = stated[0] if stated is not None and _known(stated[0]) else None
    passed = [x for x in tests or () if x.result == "pass" and x.date is not None and x.date <= today]
    if not passed:
        if cadence is not None:
            yield ctx.missing(f"{a.id}: no passing restore test on record as of {today} (restore tests every "
                              f"{cadence}).", "restore_tests", stated[1], system=a, severity="blocker",
                              why="no passing restore test is on record")
            return
        why = f"its tier {a.tier} is not defined" if a.tier else "it has no tier"
        yield ctx.missing(f"{a.id}: no passing restore test on record as of {today} (no restore-test cadence "
                          f"is set, as {why}).", "restore_tests", ctx.sp(a, "tier"), system=a,
                          severity="blocker", why="no passing restore test is on record",
                          causes=(ctx.sp(a, "tier"),))
        return
    if cadence is None:
        return
    latest = max(passed, key=lambda x: x.date)
    due = cadence.add_to(latest.date)
    if today > due:
        severity = "blocker" if today > cadence.add_to(latest.date, 2) else None
        yield ctx.missing(f"{a.id}: last passing restore test {latest.date}, due again by {due} (every {cadence}); "
                          f"overdue by {(today - due).days} days as of {today}.", _test_path(ctx, latest, "date"),
                          stated[1], system=a, severity=severity)


def _passed(tests, today: dt.date) -> bool:
    """Whether ``tests`` (one system's, or None) hold a passing test dated up to ``today``."""
    return bool(tests) and any(x.result == "pass" and x.date is not None and x.date <= today for x in tests)


def _overdue_text(ctx, t, latest, due, cadence) -> str:
    # The verdict is the tier's (a passing test of any system in it counts for all): the same words for
    # every system of the tier, so the engine says it once, naming them (finalize).
    days = (ctx.today - due).days
    tail = f"due again by {due} ({cadence}); overdue by {days} days as of {ctx.today}"
    if len(_members_of(ctx, t)) == 1:
        return f"last passing restore test {latest.date}, {tail}"
    return (f"the latest passing restore test in tier {t.id} (one test counts for the whole tier) was on "
            f"{latest.date}, {tail}")


def _members_of(ctx, t) -> list:
    """The in-scope systems of tier ``t`` (worked out once per evaluation)."""
    memo = ctx.__dict__.get("_testing_members")
    if memo is None:  # the whole inventory's, also where TEST-002 is re-run for one system
        memo = ctx._testing_members = _members_by_tier(ctx, ctx.all_in_scope_systems)
    return memo.get(t.id, [])


def tier_sizes(ctx) -> dict[str, int]:
    """Tier id -> 1 or 2 (two or more): how many in-scope systems it has, as far as TEST-002's words depend on it.
    The incremental evaluator re-runs TEST-002 for one edited system only while this stays the same."""
    return {tid: min(len(members), 2) for tid, members in _members_by_tier(ctx, ctx.all_in_scope_systems).items()}


def tier_inputs(ctx) -> dict[str, tuple]:
    """Tier id -> what TEST-002 says of each system of the tier depends on besides that system and the tier
    itself: whether the tier has one in-scope system or more, its latest passing test and the days with one in
    the Type II period (the incremental evaluator re-runs TEST-002 for the systems of each tier whose inputs an
    edit changed). The passing tests are the rule's own memo, kept while the context's indexes are."""
    period = _period(ctx)
    passing = ctx.lasting(("TEST-002 passing", period), lambda: _passing_by_tier(ctx, period))
    sizes = Counter(map(_TIER, ctx.all_in_scope_systems))
    sizes.pop(None, None)
    sizes.pop("", None)
    out = {}
    for tier in sizes.keys() | passing.keys():
        latest, days = passing.get(tier, _NONE_PASSING)
        out[tier] = (min(sizes.get(tier, 0), 2), id(latest) if latest is not None else None, frozenset(days))
    return out


_TIER = attrgetter("tier")


def _occurrences(start: dt.date, end: dt.date, interval: Duration) -> int:
    """Whole intervals that fit between start and end (each one owes a test)."""
    est = int((end - start).days * 86400 / interval.approx_seconds)
    n = max(0, est - 1)
    while interval.add_to(start, n + 1) <= end:
        n += 1
    while n > 0 and interval.add_to(start, n) > end:
        n -= 1
    return n


def _test_label(x) -> str:
    bits = [str(x.date) if x.date else "undated"]
    if x.id:
        bits.append(x.id)
    return "(" + ", ".join(bits) + ")"


def _exercise_label(e) -> str:
    kind = f"{e.type} " if e.type else ""
    return f"{e.id + ' ' if e.id else ''}({kind}{e.date or 'undated'})".strip()


def _test_path(ctx, x, field: str) -> str:
    index = _test_index(ctx).get(id(x), "?")
    return f"restore_tests[{index}].{field}"


def _test_index(ctx) -> dict[int, int]:
    cached = getattr(ctx, "_testing_index", None)
    if cached is None:
        cached = {id(x): i for i, x in enumerate(ctx.policy.restore_tests)}
        ctx._testing_index = cached
    return cached


def _place(ctx, a) -> tuple[frozenset, dict]:
    """For ``a``'s place (region, site): the ids of the targets that, as copies of a system there,
    survive ransomware or a region loss, and a memo of :func:`_copies_hint` by copies list.

    The place is all the answer depends on besides the copy, so one set per place, worked out once
    per evaluation, stands for thousands of (copy, system) pairs. Whether a copy survives ransomware
    does not depend on the place at all: that part is worked out once for every place.
    """
    memo = ctx.__dict__.get("_testing_places")
    if memo is None:
        memo = ctx._testing_places = {}
    key = (a.region, a.site, a.provider)
    found = memo.get(key)
    if found is None:
        survives = ctx.survives
        targets = ctx.targets.values()  # keyed by their ids: one target per id
        immune = memo.get(_RANSOMWARE)
        if immune is None:
            immune = memo[_RANSOMWARE] = frozenset(c.id for c in targets if survives(c, a, "ransomware"))
        safe = immune.union([c.id for c in targets if c.id not in immune and survives(c, a, "region_loss")])
        found = memo[key] = (safe, {})
    return found


_RANSOMWARE = "ransomware"  # key (places are tuples) of the ids of the targets that survive ransomware anywhere


def _survivor(ctx, x, a, safe: frozenset) -> Optional[bool]:
    """Whether the copy test ``x`` of ``a`` restored from survives a disaster (``safe``: the ids of the
    copies that do, in ``a``'s place); None when the answers are missing."""
    if x.source_target in safe:
        return True  # one of ctx.targets, which are keyed by their ids
    c = ctx.targets.get(x.source_target) if x.source_target else None
    if c is None:
        return None
    place_known = (c.region and a.region) or (c.site and a.site) or c.offline is not None
    lock_known = (c.immutability is not None and c.immutability.mode is not None) or c.offline is not None \
        or c.isolated_account is not None
    return False if place_known and lock_known else None
