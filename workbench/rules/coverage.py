"""Scope and coverage (COV): is every system that needs a backup known, classified and backed up?

Shared causes (see :func:`workbench.rules.engine.finalize`):

* A system with no (defined) tier: COV-002 owns the cause. COV-003's "what are its
  RPO and RTO?", TEST-001's "how often is it restore-tested?" and TEST-002's "no
  passing test, no cadence" fold into COV-002's one question for the system.
* A system with no data classes: COV-002 owns it; a rule asking whether the
  system's data is confidential or regulated on the same field folds into it.
* A missing reconciliation record (COV-005) is evidence: the policy may be fine,
  the record that shows it operating is not there yet.
"""

from __future__ import annotations

from itertools import compress
from operator import attrgetter, not_

from workbench.spec.durations import Duration
from workbench.spec.refs import closest_id

from .context import CLASS_RANK, NON_PRODUCTION, needs_backup
from .engine import rule
from .wording import join_and as _join

MONTH = Duration.of("1mo")
QUARTER = Duration.of("3mo")

_ID = attrgetter("id")
_TIER = attrgetter("tier")
_NO_OBJECTIVES = (None, None)


def _scope_tiers(ctx) -> list:
    """``a.tier`` of each in-scope system, in the same order (cached per evaluation)."""
    found = getattr(ctx, "_coverage_scope_tiers", None)
    if found is None:
        found = ctx._coverage_scope_tiers = list(map(_TIER, ctx.in_scope_systems))
    return found


@rule(
    "COV-001",
    title="A system in scope has no backup schedule",
    severity="blocker",
    family="coverage",
    maps={"soc2": ["A1.2", "CC6.1", "CC9.1"], "cis": ["11.2", "1.1"], "nist": ["CP-9(a)", "CP-9(b)", "CP-9(c)"],
          "iso27001": ["A.8.13"], "hipaa": ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(E)"], "pci": ["12.10.1"],
          "gdpr": ["32(1)(c)"]},
    fix="Add the system to a schedule (prefer tag- or policy-based assignment), or record a time-boxed "
        "exclusion approved by the business owner with its reason (e.g. stateless, rebuilt from IaC).",
    description="A system that needs a backup is in no schedule and has no valid exclusion.",
)
def cov_001(ctx):
    if not ctx.policy.systems:
        yield ctx.ask("Which systems does the policy cover? The inventory is empty, so no backup can be checked "
                      "against the system it protects.", "systems", subject="systems")
        return
    yield from _open_ended_exclusions(ctx)
    # Only systems in no schedule can have a finding. ctx.schedules(a) is ctx._schedules.get(a.id) (never an
    # empty list), so test membership for all systems at once in C rather than call it per system.
    in_scope = ctx.in_scope_systems
    unscheduled = compress(in_scope, map(not_, map(ctx._schedules.__contains__, map(_ID, in_scope))))
    if not ctx.policy.schedules and not any(a.kind != "saas" for a in in_scope):
        # Systems listed, none known to be in scope yet (their environment or tier is not answered), and no
        # schedule at all: the policy commits to no backup whatever the answers turn out to be.
        listed = [a.id for a in ctx.policy.systems if a.exclusion is None and a.kind != "saas"
                  and a.environment is None and a.tier is None]  # in or out of scope: not answered yet
        if listed:
            yield ctx.hit(f"The policy defines no backup schedule: nothing says how often or where "
                          f"{_join(listed)} {'is' if len(listed) == 1 else 'are'} backed up.", "schedules",
                          subject="schedules")
            return
    for a in unscheduled:
        if a.kind == "saas":
            continue  # SaaS data left to the provider's own recovery is SAAS-001's finding
        why = _scope_reason(ctx, a)
        ex = a.exclusion
        if ex is None:
            yield ctx.hit(f"{a.id} ({why}) is in no backup schedule and has no approved exclusion.",
                          ctx.sp(a), system=a)
        elif ex.expires_on is not None and ex.expires_on < ctx.today:
            yield ctx.hit(f"{a.id} ({why}) is in no backup schedule and its exclusion expired on "
                          f"{ex.expires_on.isoformat()}.", ctx.sp(a, "exclusion", "expires_on"), system=a)


def _open_ended_exclusions(ctx):
    """Exclusions of systems that would need a backup: one whose reason or approval is not recorded is asked
    about once (the system stays excluded meanwhile); a complete one with no expiry is flagged, since nobody will
    look at it again."""
    levels = ctx._tier_levels
    for a in ctx.systems.values():
        ex = a.exclusion
        if ex is None or (ex.expires_on is not None and ex.expires_on < ctx.today):
            continue
        if a.kind in DATA_ELSEWHERE_KINDS:
            yield from _data_left_unprotected(ctx, a, ex)
        needed = needs_backup(a, levels)
        if not needed and a.data_classes:
            continue  # classified, and nothing it holds needs a backup: the exclusion decides nothing
        # (an unclassified system's exclusion is what keeps it out of scope: nobody asks what it holds meanwhile)
        if not (ex.reason and ex.approved_by):
            missing = [w for w, v in (("for what reason", ex.reason), ("who approved it", ex.approved_by)) if not v]
            said = f" ({ex.reason})" if ex.reason else ""
            yield ctx.ask(f"{a.id} ({_scope_reason(ctx, a)}) is excluded from backup{said}: "
                          f"{' and '.join(missing)}? It stays out of scope meanwhile.",
                          *(ctx.sp(a, "exclusion", f) for f, v in (("reason", ex.reason),
                                                                    ("approved_by", ex.approved_by)) if not v),
                          system=a)
            continue
        if ex.expires_on is not None or not needed:
            continue
        yield ctx.hit(f"{a.id} ({_scope_reason(ctx, a)}) is excluded from backup ({ex.reason}, approved by "
                      f"{ex.approved_by}) with no expiry date: set one, so the exclusion is reviewed.",
                      ctx.sp(a, "exclusion", "expires_on"), system=a, severity="minor",
                      why="the exclusion is approved and stands; only its review date is missing")


#: Kinds whose exclusion usually means "the data lives elsewhere" (laptops syncing to a share, SaaS left to the
#: provider): an auditor asks where, and whether that place is backed up.
DATA_ELSEWHERE_KINDS = frozenset({"saas", "endpoint"})


def _data_left_unprotected(ctx, a, ex):
    """An excluded SaaS system or endpoint: its data must be backed up where it lives instead (issue 12 §4)."""
    if a.data_classes and all(CLASS_RANK.get(c, 0) < 2 for c in a.data_classes):
        return  # holds nothing confidential (internal or public data only): nothing is left unprotected
    what = "SaaS system" if a.kind == "saas" else "endpoint"
    said = f" ({ex.reason})" if ex.reason else ""
    if ex.data_kept_in is None:
        yield ctx.ask(f"{a.id} ({what}) is excluded from backup{said}: where does its data live instead, and is "
                      "that backed up? Otherwise its data has no backup at all.",
                      ctx.sp(a, "exclusion", "data_kept_in"), system=a)
        return
    home = ctx.systems.get(ex.data_kept_in)
    if home is not None and not ctx.schedules(home):
        yield ctx.hit(f"{a.id} ({what}) is excluded from backup because its data lives in {home.id}, but {home.id} "
                      "is in no backup schedule either: that data has no backup.",
                      ctx.sp(a, "exclusion", "data_kept_in"), ctx.sp(home), system=a, scopes=(home.id,))


def _scope_reason(ctx, a) -> str:
    if a.environment == "prod":
        return "production"
    if a.tier and ctx.tier_level(a) <= 2:
        return f"tier {a.tier}"
    return "holds " + ", ".join(a.data_classes) if a.data_classes else "what it holds is not classified"


@rule(
    "COV-002",
    title="A system is not tiered or classified",
    severity="major",
    family="coverage",
    maps={"soc2": ["CC2.1", "C1.1", "A1.2"], "cis": ["3.7", "11.1"], "nist": ["RA-2"],
          "iso27001": ["A.5.9", "A.5.12"], "hipaa": ["164.308(a)(7)(ii)(E)"]},
    fix="Assign a tier from the business impact analysis and classify the data; tier and class drive the "
        "RPO/RTO, encryption, immutability and retention checks.",
    description="A production or backed-up system has no tier or no data classes.",
)
def cov_002(ctx):
    for a in ctx.systems.values():
        if a.tier and a.data_classes:
            continue
        if a.environment != "prod" and not ctx.schedules(a) and (a.environment in NON_PRODUCTION or a.data_classes):
            continue  # catalog: prod or backed up; also any system outside dev/test/staging nobody has classified
        if ctx.valid_exempt(a):
            continue  # excluded from backup with approval: COV-001 keeps the exclusion under review
        missing, paths = [], []
        if not a.tier:
            missing.append("criticality tier")
            paths.append(ctx.sp(a, "tier"))
        if not a.data_classes:
            missing.append("data classes")
            paths.append(ctx.sp(a, "data_classes"))
        why = ("is a production system but" if a.environment == "prod" else "is backed up but" if ctx.schedules(a)
               else f"is a {a.environment} system but" if a.environment else "(its environment not recorded either)")
        yield ctx.ask(f"{a.id} {why} has no {' and no '.join(missing)}: which apply?", *paths, system=a)


@rule(
    "COV-003",
    title="RPO or RTO is not defined",
    severity="major",
    family="coverage",
    maps={"soc2": ["A1.2", "A1.3", "CC9.1", "CC7.5"], "nist": ["CP-2", "CP-9", "CP-10", "SP 800-34 BIA"],
          "iso27001": ["A.5.30", "A.8.13"], "hipaa": ["164.308(a)(7)(ii)(E)"], "gdpr": ["32(1)(c)"]},
    fix="Run or refresh the business impact analysis, set RPO and RTO per tier, and override them per "
        "system where needed.",
    description="A system in scope has no recovery point or recovery time objective.",
)
def cov_003(ctx):
    # A system whose tier sets both RPO and RTO can miss neither: skip them without looking (usually all).
    answered = {tid for tid, t in ctx.tiers.items() if t.rpo is not None and t.rto is not None}
    tiers_of = _scope_tiers(ctx)
    if answered.issuperset(tiers_of):
        return
    by_tier: dict[str, dict[str, list]] = {}
    for a, tid in zip(ctx.in_scope_systems, tiers_of):
        if tid in answered:
            continue
        missing = [name for name in ("rpo", "rto") if _undefined(ctx, a, name)]
        if not missing:
            continue
        tier = ctx.tier(a)
        if tier is None:
            why = f"no tier {a.tier!r} is defined" if a.tier else "it has no tier to inherit from"
            critical = ctx.critical(a)
            yield ctx.ask(f"{a.id}: what {'is' if len(missing) == 1 else 'are'} its "
                          f"{' and '.join(m.upper() for m in missing)}? None is set and {why}.",
                          *(ctx.sp(a, m) for m in missing), system=a,
                          severity="blocker" if critical else None,
                          why="a system of the two most critical tiers, with no recovery objective" if critical else None,
                          causes=(ctx.sp(a, "tier"),))
            continue
        for m in missing:
            by_tier.setdefault(tier.id, {}).setdefault(m, []).append(a)
    for tid, gaps in by_tier.items():
        tier = ctx.tiers[tid]
        for m, systems in gaps.items():
            yield ctx.ask(
                f"Tier {tid} has no {m.upper()}, and {_join([a.id for a in systems])} "
                f"{'inherits' if len(systems) == 1 else 'inherit'} it: what is the {m.upper()} for tier {tid}?",
                ctx.tierp(tier, m), *(ctx.sp(a, m) for a in systems[:1]), subject=tid,
                severity="blocker" if tier.level() <= 1 else None, scopes=tuple(a.id for a in systems),
                why=f"tier {tid} is one of the two most critical tiers: its systems cannot go without a {m.upper()}" if tier.level() <= 1 else None,
            )


def _undefined(ctx, a, name) -> bool:
    """True when the objective is simply not answered (a vague answer is the language rule's)."""
    if getattr(a, name) is not None:
        return False
    return getattr(ctx.tier(a), name, None) is None


@rule(
    "COV-004",
    title="Recovery objectives contradict each other",
    severity="major",
    family="coverage",
    maps={"soc2": ["CC9.1", "A1.3"], "nist": ["SP 800-34 (RTO within MTD)", "CP-2"], "iso27001": ["A.5.30"]},
    fix="Tighten the RTO or revisit the MTD. Raise dependencies (IdP, DNS, KMS, secrets, CI/CD) to at least "
        "the tier of the systems that need them and restore them first. Record why an override is looser.",
    description="RTO beyond MTD, a dependency with looser objectives, or an unexplained looser override.",
)
def cov_004(ctx):
    # A system with no own RPO/RTO/MTD and no dependencies inherits its tier's objectives and overrides
    # nothing, so only "RTO beyond MTD" can fire for it, and that is a property of its tier: answer it once per
    # tier and walk only the other systems (and those of a contradictory tier) below.
    contradictory = set()
    for tid, t in ctx.tiers.items():
        rto, mtd = _known(t.rto), _known(t.mtd)
        if rto is not None and mtd is not None and rto > mtd:
            contradictory.add(tid)
    in_scope = ctx.in_scope_systems
    # Plain attribute tests in a comprehension: cheaper than a tuple of the four per system compared in C.
    if not contradictory:
        walk = [a for a in in_scope if a.depends_on or a.rpo is not None or a.rto is not None or a.mtd is not None]
    else:
        walk = (a for a in in_scope if a.depends_on or a.rpo is not None or a.rto is not None or a.mtd is not None
                or a.tier in contradictory)

    # (rpo, rto) as ctx.rpo/ctx.rto answer them; a system without its own takes its tier's, worked out once
    # per tier here (cheaper than the context's per-system memo for the many systems walked only once).
    inherited = {tid: (_known(t.rpo), _known(t.rto)) for tid, t in ctx.tiers.items()}
    tier_mtd = {tid: _known(t.mtd) for tid, t in ctx.tiers.items()}

    def objectives(s):
        if s.rpo is None and s.rto is None:
            return inherited.get(s.tier, _NO_OBJECTIVES)
        return ctx._objectives_of(s)

    text = _texts()
    for a in walk:
        rpo, rto = objectives(a)
        mtd = tier_mtd.get(a.tier) if a.mtd is None else ctx.mtd(a)
        # Known durations (never vague here) compare by approx_seconds, as Duration.__gt__ does.
        if rto is not None and mtd is not None and rto.approx_seconds > mtd.approx_seconds:
            yield ctx.hit(f"{a.id}: its RTO ({text(rto)}) is longer than its maximum tolerable downtime "
                          f"({text(mtd)}).", ctx.rto_path(a), _mtd_path(ctx, a), system=a)
        if a.depends_on:
            yield from _dependencies(ctx, a, rpo, rto, objectives, text)
        if a.rpo is not None or a.rto is not None or a.mtd is not None:
            yield from _loose_overrides(ctx, a)


def _dependencies(ctx, a, rpo, rto, objectives, text):
    for j, did in enumerate(a.depends_on or ()):
        d = ctx.systems.get(did)
        if d is None or d is a:
            continue
        d_rpo, d_rto = objectives(d)
        rto_worse = rto is not None and d_rto is not None and d_rto.approx_seconds > rto.approx_seconds
        rpo_worse = rpo is not None and d_rpo is not None and d_rpo.approx_seconds > rpo.approx_seconds
        if rto_worse or rpo_worse:
            worse = []
            if rto_worse:
                worse.append(f"RTO {text(d_rto)} against {text(rto)}")
            if rpo_worse:
                worse.append(f"RPO {text(d_rpo)} against {text(rpo)}")
            if rto_worse and rpo_worse:
                then = f"{a.id} cannot be recovered faster than {d.id}, nor with fresher data."
            elif rto_worse:
                then = f"{a.id} cannot be recovered faster than {d.id}."
            else:  # the RPO alone: more data lost, not a slower recovery
                then = (f"{a.id} may lose at most {text(rpo)} of data, but {d.id}, which it needs, may come back "
                        f"as much as {text(d_rpo)} old.")
            paths = [ctx.sp(a, "depends_on", j)]
            if rto_worse:
                paths.append(ctx.rto_path(d))
            if rpo_worse:
                paths.append(ctx.rpo_path(d))
            yield ctx.hit(f"{a.id} depends on {d.id}, whose objectives are looser ({'; '.join(worse)}): {then}",
                          *paths, system=a, scopes=(d.id,))


def _texts():
    """``str(duration)``, memoized: findings quote the same few tier objectives many times."""
    memo: dict[int, str] = {}

    def text(d) -> str:
        found = memo.get(id(d))
        if found is None:
            found = memo[id(d)] = str(d)
        return found
    return text


def _loose_overrides(ctx, a):
    if a.rpo is None and a.rto is None and a.mtd is None:
        return  # nothing overridden (most systems walked here only have dependencies)
    tier = ctx.tier(a)
    if tier is None or a.override_rationale:
        return
    for name in ("rpo", "rto", "mtd"):
        own, base = getattr(a, name), getattr(tier, name)
        if own is None or base is None or own.vague or base.vague or own <= base:
            continue
        yield ctx.ask(f"{a.id} sets its {name.upper()} to {own}, looser than tier {tier.id}'s {base}: "
                      "why? No rationale is recorded.", ctx.sp(a, name), ctx.sp(a, "override_rationale"), system=a)


def _known(d):
    return d if d is not None and not d.vague else None


def _mtd_path(ctx, a) -> str:
    return ctx.sp(a, "mtd") if a.mtd is not None or not a.tier else ctx.tierp(a.tier, "mtd")


@rule(
    "COV-005",
    title="The inventory drifts from what is backed up",
    severity="major",
    family="coverage",
    records=True,
    maps={"soc2": ["CC6.1", "CC7.1", "CC2.1"], "cis": ["1.1", "11.2"], "nist": ["CM-8", "CP-9"],
          "iso27001": ["A.5.9"]},
    fix="Reconcile the inventory automatically (cloud config or discovery against backup selections), alert "
        "on new untagged resources, and use a 'protected by a backup plan' control.",
    description="Reconciliation is overdue or undefined, discovered resources are missing, or schedules name "
                "unknown systems.",
)
def cov_005(ctx):
    inv = ctx.policy.inventory
    if ctx.policy.systems:
        yield from _reconciliation(ctx, inv)
    known = ctx.systems.__contains__  # test whole lists in C first; walk only those naming an unknown id
    if not all(map(known, inv.discovered)):
        for i, rid in enumerate(inv.discovered):
            if rid not in ctx.systems:
                yield ctx.hit(f"Discovered resource {rid} is not in the system inventory, so nothing says whether "
                              "it is backed up.", f"inventory.discovered[{i}]", subject=rid)
    for sc in ctx.policy.schedules:
        if all(map(known, sc.systems)):
            continue
        for j, sid in enumerate(sc.systems):
            if sid not in ctx.systems:
                meant = closest_id(sid, ctx.systems.keys())
                if meant is not None and meant not in ctx._schedules:
                    # most likely a typo: the system meant is then in no schedule at all (COV-001 says so)
                    yield ctx.hit(f"Schedule {sc.id} backs up {sid}, which is not in the system inventory: did you "
                                  f"mean {meant}, which no schedule backs up?", ctx.schp(sc, "systems", j),
                                  subject=sc.id, scopes=(sid, meant))
                    continue
                hint = f" (did you mean {meant}?)" if meant is not None else ""
                yield ctx.hit(f"Schedule {sc.id} backs up {sid}, which is not in the system inventory{hint}.",
                              ctx.schp(sc, "systems", j), subject=sc.id, severity="minor", scopes=(sid,),
                              why="the system is backed up; only the inventory lacks it")


def _reconciliation(ctx, inv):
    limit, why, defaulted = _reconcile_limit(ctx, inv.reconcile_interval)
    if defaulted:
        yield ctx.ask("How often is the inventory reconciled with backup selections? No interval is set.",
                      "inventory.reconcile_interval", subject="inventory")
    last = inv.last_reconciled_on
    if last is None:
        yield ctx.missing("No reconciliation of the inventory with backup selections is on record: "
                          f"{ctx.type2_auditor} asks for the reconciliations held in the period. Record the date "
                          "of the latest.",
                          "inventory.last_reconciled_on", subject="inventory")
    elif limit is not None and ctx.today > limit.add_to(last):
        yield ctx.missing(f"The inventory was last reconciled on {last.isoformat()}; {why}, so the next "
                      f"reconciliation was due on {limit.add_to(last).isoformat()}.",
                      "inventory.last_reconciled_on", "inventory.reconcile_interval", subject="inventory")


def _reconcile_limit(ctx, interval):
    """(tightest interval that applies, why, whether a default stood in for a missing answer)."""
    stated = interval if interval is not None and not interval.vague else None
    # The tiers of in-scope systems in order of first appearance (only a.tier matters below).
    seen = dict.fromkeys(_scope_tiers(ctx))
    best, why, defaulted = None, "", False
    for tid in seen:
        tier = ctx.tiers.get(tid)
        own = tier.reconcile_interval if tier is not None else None
        if own is not None and not own.vague:
            cand, text = own, f"tier {tier.id} is to be reconciled every {own}"
        elif stated is not None:
            cand, text = stated, f"the inventory is to be reconciled every {stated}"
        elif interval is not None or own is not None:
            continue  # a vague interval is the language rule's finding
        else:
            cand = MONTH if ctx._tier_levels.get(tid, 9) <= 1 else QUARTER  # ctx.critical(a)
            text = f"{'tier ' + tid if tier else 'untiered'} systems need it at least every {cand} by default"
            defaulted = True
        if best is None or cand < best:
            best, why = cand, text
    if not seen:
        if stated is not None:
            return stated, f"the inventory is to be reconciled every {stated}", False
        return (None, "", False) if interval is not None else (QUARTER, "the default is every 3mo", True)
    return best, why, defaulted

