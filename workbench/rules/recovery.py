"""Recovery time (RTO): can a system be restored within its RTO, normally and in a disaster?

Restore time = hours to first byte (storage tier) + size / throughput + rebuild
(GAP_RULES §5.7). When the size or throughput is unknown, the part that is
known (time to first byte plus rebuild) is still a lower bound: an archive tier
whose retrieval alone exceeds the RTO is a gap whatever the data size. The
unknown inputs are asked for only where the RTO is tight for the system's size
class or a restore test missed it; elsewhere the restore tests are the evidence.

Shared causes (see :func:`workbench.rules.engine.finalize`): a copy whose
isolation from production is unknown, or every copy online in a
production-reachable account, is COPY-003's finding; RTO-002's ransomware
question or gap about the same copies folds into it. A restore that alone takes
longer than the RTO is RTO-001's finding; RTO-003's "cold site plus restore is
over the RTO" for the same system folds into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .context import _NO_PLAN, fmt_hours
from .copies import RansomwareCheck, names, outside_region, same_account
from .engine import rule


@dataclass(slots=True)
class Estimate:
    """Restore time of one system from one copy (numbers only; the wording is built when reported)."""

    target: object
    retrieval: Optional[float]   # hours to first byte; None when not known (off-site tape without a contract time)
    size_gb: Optional[float]
    throughput: Optional[float]
    rebuild: float
    hours: Optional[float]       # None when an input is unknown
    floor: float                 # certain part: time to first byte + rebuild
    missing: tuple[str, ...]     # field paths of the unknown inputs

    @property
    def bound(self) -> float:
        return self.hours if self.hours is not None else self.floor

    def parts(self) -> list[str]:
        out = []
        if self.retrieval:
            out.append(f"{fmt_hours(self.retrieval)} to first byte")
        if self.size_gb is not None and self.throughput:
            out.append(f"{self.size_gb:g} GB at {self.throughput:g} GB/h")
        if self.rebuild:
            out.append(f"{fmt_hours(self.rebuild)} rebuild")
        return out

    def text(self) -> str:
        parts = self.parts()
        if self.hours is None:
            return f"at least {fmt_hours(self.floor)} ({' + '.join(parts)}, before any data is copied back)"
        if len(parts) > 1:
            return f"{' + '.join(parts)} = {fmt_hours(self.hours)}"
        return parts[0] if parts else fmt_hours(self.hours)


def estimate(ctx, c, a) -> Estimate:
    # Estimates per evaluation, shared by the three RTO rules: an attribute of the Context (dropped
    # with it), which is cheaper to reach than a WeakKeyDictionary keyed by it.
    cache = getattr(ctx, "_recovery_estimates", None)
    if cache is None:
        cache = ctx._recovery_estimates = {}
    key = (a.id, c.id)
    got = cache.get(key)
    if got is None:
        got = cache[key] = _estimate(ctx, c, a)
    return got


def _estimate(ctx, c, a) -> Estimate:
    if c.retrieval_hours is not None:
        retrieval = c.retrieval_hours
    elif c.storage_class == "tape_offsite":
        retrieval = None  # courier time is whatever the contract says
    else:
        retrieval = ctx.retrieval_hours(c)
    missing = []
    if retrieval is None:
        missing.append(ctx.tp(c, "retrieval_hours"))
    if a.size_gb is None:
        missing.append(ctx.sp(a, "size_gb"))
    throughput = c.restore_throughput_gbph
    if not throughput:
        missing.append(ctx.tp(c, "restore_throughput_gbph"))
    rebuild = a.rebuild_hours or 0.0
    floor = (retrieval or 0.0) + rebuild
    hours = None if missing else floor + a.size_gb / throughput
    return Estimate(c, retrieval, a.size_gb, throughput, rebuild, hours, floor, tuple(missing))


def _retrieval(ctx, c) -> Optional[float]:
    """Hours to first byte from ``c`` as ``_estimate`` reads them (None: off-site tape without a contract time)."""
    if c.retrieval_hours is not None:
        return c.retrieval_hours
    if c.storage_class == "tape_offsite":
        return None
    return ctx.retrieval_hours(c)


class _Index:
    """What the RTO rules read of each system and copy, as plain values; built once per evaluation.

    Most systems have no RTO finding. With these numbers a rule sees that from a
    few float operations and runs its full (message-building) code, which goes
    through ``estimate``, only for the systems that may have one.
    """

    def __init__(self, ctx):
        #: id(target) -> (hours to first byte or None, throughput)
        self.numbers = {id(c): (_retrieval(ctx, c), c.restore_throughput_gbph) for c in ctx.policy.targets}
        #: (system, rto, rto hours, copies, size, rebuild) of in-scope systems with an RTO and a copy,
        #: none of which certainly restores within it (the others have no RTO-001 finding)
        self.with_rto: list[tuple] = []
        #: (system, rto or None, rto hours, copies, size, rebuild, disaster RTO hours or None) of T0/T1 systems
        self.critical: list[tuple] = []
        self.ransomware = RansomwareCheck(ctx)
        #: (region, site, provider) -> {id(target): outside_region(target, a)} for systems ``a`` in that place
        self._outside: dict[tuple, dict[int, Optional[bool]]] = {}
        #: account -> {id(target): ransomware.survives(target, a)} for systems ``a`` in that account
        self._ransomware: dict[Optional[str], dict[int, Optional[bool]]] = {}
        by_tier: dict = {}  # tier id -> objectives of a system that states no RTO of its own
        plans, no_plan = ctx._plans.get, _NO_PLAN
        numbers = self.numbers
        with_rto, critical_list = self.with_rto, self.critical
        for a in ctx.in_scope_systems:
            if a.rto is None:  # then its RTO, disaster RTO and criticality depend on its tier alone
                tier = a.tier
                obj = by_tier.get(tier)
                if obj is None:
                    obj = by_tier[tier] = _objectives(ctx, a)
            else:
                obj = _objectives(ctx, a)
            rto, hours, critical, dr_hours = obj
            if rto is None and not critical:
                continue
            copies = plans(a.id, no_plan)[1]  # ctx.copies(a)
            size, rebuild = a.size_gb, a.rebuild_hours or 0.0
            if rto is not None and copies:
                # RTO-001's exact shortcut (the arithmetic of ``_estimate``), done here so that
                # ``with_rto`` keeps only the systems none of whose copies is certainly fast enough.
                if size is not None:
                    for c in copies:
                        retrieval, throughput = numbers[id(c)]
                        if retrieval is not None and throughput and (retrieval + rebuild) + size / throughput <= hours:
                            break
                    else:
                        with_rto.append((a, rto, hours, copies, size, rebuild))
                else:
                    with_rto.append((a, rto, hours, copies, size, rebuild))
            if critical:
                critical_list.append((a, rto, hours, copies, size, rebuild, dr_hours))

    def _answers(self, a) -> tuple[dict, dict]:
        """Memos of the two survival answers for ``a``: ``outside_region`` reads only ``a.region``, ``a.site`` and ``a.provider``
        of the system, ``RansomwareCheck.survives`` only ``a.account``."""
        place = (a.region, a.site, a.provider)
        outside = self._outside.get(place)
        if outside is None:
            outside = self._outside[place] = {}
        account = a.account
        ransomware = self._ransomware.get(account)
        if ransomware is None:
            ransomware = self._ransomware[account] = {}
        return outside, ransomware

    def bound(self, c, size, rebuild) -> float:
        """``estimate(ctx, c, a).bound`` with the same float arithmetic, without building the estimate."""
        retrieval, throughput = self.numbers[id(c)]
        floor = (retrieval or 0.0) + rebuild
        if retrieval is not None and size is not None and throughput:
            return floor + size / throughput
        return floor

    def disasters_covered(self, a, copies, size, rebuild, limit: Optional[float]) -> bool:
        """RTO-002 certainly finds nothing for ``a``: some copy survives ransomware and, for each scenario
        that leaves a copy, one that does restores within the disaster RTO ``limit`` (None: no limit)."""
        outside, ransomware = self._answers(a)
        if limit is None:
            limit = float("inf")
        numbers = self.numbers
        region_ok = region_any = ransomware_ok = False
        for c in copies:
            key = id(c)
            retrieval, throughput = numbers[key]  # bound(), inline: this runs for every copy of T0/T1 systems
            bound = (retrieval or 0.0) + rebuild
            if retrieval is not None and size is not None and throughput:
                bound = bound + size / throughput
            if bound <= limit:
                if not region_ok:
                    ok = outside.get(key, _UNSET)
                    if ok is _UNSET:
                        ok = outside[key] = outside_region(c, a)
                    if ok:
                        region_any = region_ok = True
                if not ransomware_ok:
                    ok = ransomware.get(key, _UNSET)
                    if ok is _UNSET:
                        ok = ransomware[key] = self.ransomware.survives(c, a)
                    ransomware_ok = bool(ok)
                if region_ok and ransomware_ok:
                    return True
            elif not region_any:  # too slow to count, but it may still survive region loss
                ok = outside.get(key, _UNSET)
                if ok is _UNSET:
                    ok = outside[key] = outside_region(c, a)
                if ok:
                    region_any = True
        # no copy within the limit survives region loss: fine only if none survives it at all
        return ransomware_ok and not region_any

    def survives_ransomware(self, a, copies) -> bool:
        """Some copy of ``a`` survives ransomware."""
        ransomware = self._answers(a)[1]
        for c in copies:
            ok = ransomware.get(id(c), _UNSET)
            if ok is _UNSET:
                ok = ransomware[id(c)] = self.ransomware.survives(c, a)
            if ok:
                return True
        return False

    def standby_misses(self, a, copies, size, rebuild, limit: float):
        """The first of the fastest copies that survive region loss when none restores within ``limit``
        hours; None when one does, or none survives it at all (then ``_standby`` returns early too)."""
        outside = self._answers(a)[0]
        numbers = self.numbers
        best = None  # (bound, copy)
        for c in copies:
            ok = outside.get(id(c), _UNSET)
            if ok is _UNSET:
                ok = outside[id(c)] = outside_region(c, a)
            if ok:
                retrieval, throughput = numbers[id(c)]  # bound(), inline
                bound = (retrieval or 0.0) + rebuild
                if retrieval is not None and size is not None and throughput:
                    bound = bound + size / throughput
                if bound <= limit:
                    return None
                if best is None or bound < best[0]:  # the first of the fastest, as min() picks it
                    best = bound, c
        return None if best is None else best[1]


_UNSET = object()


def _objectives(ctx, a) -> tuple:
    """(rto, its hours, T0/T1, disaster RTO hours) of ``a``; the disaster RTO only for T0/T1 systems."""
    rto, critical = ctx.rto(a), ctx.critical(a)
    dr = ctx.dr_rto(a) if critical else None
    return rto, (rto.hours if rto is not None else None), critical, (dr.hours if dr is not None else None)


def _index(ctx) -> _Index:
    idx = getattr(ctx, "_recovery_index", None)
    if idx is None:
        idx = ctx._recovery_index = _Index(ctx)
    return idx


def _label(c) -> str:
    return f"{c.id} ({c.storage_class})" if c.storage_class else c.id


def _too_slow(estimates, limit: float) -> bool:
    """Certainly over ``limit``: even the certain part of every copy's restore time exceeds it."""
    return all(e.bound > limit for e in estimates)


def _missing_text(ctx, a, estimates) -> str:
    """What is not stated, with its verb: "the restore throughput of x and y is not stated" (one thing of two
    targets), "its data size and the restore throughput of x are not stated" (two things)."""
    what = []
    if a.size_gb is None:
        what.append("its data size")
    slow_tp = [e.target.id for e in estimates if not e.target.restore_throughput_gbph]
    if slow_tp:
        what.append(f"the restore throughput of {names(slow_tp)}")
    courier = [e.target.id for e in estimates if ctx.tp(e.target, "retrieval_hours") in e.missing]
    if courier:
        what.append(f"the retrieval (courier) time of {names(courier)}")
    return " and ".join(what) + (" is" if len(what) == 1 else " are") + " not stated"


@rule(
    "RTO-001",
    title="The normal restore path is slower than the RTO",
    severity="blocker",
    family="recovery",
    tier_modifier=True,
    maps={"soc2": ["A1.2", "A1.3", "CC7.5"], "nist": ["CP-10", "CP-9"], "iso27001": ["A.8.13", "A.5.30"],
          "hipaa": ["164.308(a)(7)(ii)(B)"], "gdpr": ["32(1)(c)"]},
    fix="Keep the latest recovery points in a hot or instant tier and move to archive only beyond the window "
        "the RTO needs; size restore throughput to the data volume; use expedited retrieval or provisioned "
        "capacity where it exists (Deep Archive has none).",
    description="Restoring a system from its fastest copy takes longer than its RTO.",
)
def rto_001(ctx):
    idx = _index(ctx)
    bound = idx.bound
    for a, rto, hours, copies, size, rebuild in idx.with_rto:
        # The common case, from the index's numbers: every copy is certainly too slow (each bound is then the
        # estimate's hours, none within the RTO), so only the fastest copy's estimate is needed for the message.
        best = None
        for c in copies:
            b = bound(c, size, rebuild)
            if b <= hours:
                break
            if best is None or b < best[0]:  # the first of the fastest, as min() picks it
                best = b, c
        else:
            yield _rto_001_hit(ctx, a, rto, estimate(ctx, best[1], a), len(copies))
            continue
        yield from _rto_001(ctx, a, rto, copies)


_SLOW_RESTORE = "{}: a restore slower than its RTO"


def _rto_001_hit(ctx, a, rto, best, n_copies):
    c = best.target
    where = f"its only copy, {_label(c)}," if n_copies == 1 else f"the fastest copy, {_label(c)},"
    return ctx.hit(f"{a.id}: restoring from {where} takes {best.text()}, but its RTO is {rto}.",
                   ctx.rto_path(a), ctx.tp(c, "storage_class"), ctx.tp(c, "restore_throughput_gbph"),
                   ctx.sp(a, "size_gb"), system=a, scopes=(c.id,), causes=(_SLOW_RESTORE.format(ctx.sp(a)),))


def _rto_001(ctx, a, rto, copies):
    """RTO-001 for one system none of whose copies is certainly fast enough."""
    limit = rto.hours
    estimates = []
    for c in copies:
        e = estimate(ctx, c, a)
        if e.hours is not None and e.hours <= limit:
            break
        estimates.append(e)
    if len(estimates) < len(copies):
        return  # one copy is fast enough
    if _too_slow(estimates, limit):
        yield _rto_001_hit(ctx, a, rto, min(estimates, key=lambda e: e.bound), len(copies))
        return
    # The arithmetic is asked for only where it matters: an RTO tight for the system's size class, or a
    # restore test that missed it. Elsewhere the restore tests (TEST-002, TEST-003) are the evidence for the RTO.
    why = _rto_at_stake(ctx, a, rto)
    if why:
        unknown = [e for e in estimates if e.hours is None]
        paths = list(dict.fromkeys(p for e in unknown for p in e.missing))
        yield ctx.ask(f"{a.id}: how long would a restore take? {why}; {_missing_text(ctx, a, unknown)}, "
                      f"so the restore time cannot be checked "
                      f"against the RTO. At stake: a restore slower than the RTO, a blocker.", *paths, system=a)


#: Size classes (by GB when the size is stated, else by the kind of system) and the hours a restore of that
#: size typically takes with ordinary throughput: an RTO shorter than that is tight, and the arithmetic is asked.
SIZE_CLASSES = ((100, "small", 1.0), (1000, "medium", 4.0), (10000, "large", 12.0), (float("inf"), "very large", 24.0))
KIND_CLASS = {"saas": 0, "endpoint": 0, "config_repo": 0, "kms": 0, "idp": 0, "dns": 0, "secrets": 0,
              "object_store": 2, "log_store": 2}  # other kinds, and a kind not stated: medium


def _rto_at_stake(ctx, a, rto) -> str:
    """Why RTO-001 must know ``a``'s restore time ("" when the restore tests are evidence enough)."""
    for x in reversed(ctx.tests(a)):
        if x.date is not None and x.date <= ctx.today and x.measured_rto is not None and x.measured_rto.text is None:
            if x.measured_rto > rto:
                return f"its restore test of {x.date} took {x.measured_rto}, over its RTO of {rto}"
            break
    if a.size_gb is not None:
        _, name, typical = next(c for c in SIZE_CLASSES if a.size_gb < c[0])
        what = f"{a.size_gb:g} GB ({name})"
    else:
        _, name, typical = SIZE_CLASSES[KIND_CLASS.get(a.kind or "", 1)]
        what = f"a {name} system for its kind ({a.kind or 'kind not stated'})"
    if rto.hours < typical:
        return f"its RTO of {rto} is tight for {what}, which typically takes about {typical:g}h to restore"
    return ""


@rule(
    "RTO-002",
    title="No copy that survives a disaster can be restored within the RTO",
    severity="major",
    family="recovery",
    tier_modifier=True,
    maps={"soc2": ["A1.2", "CC7.5", "CC9.1"], "cis": ["11.4"], "nist": ["CP-6(1)", "CP-9(3)", "CP-10"],
          "iso27001": ["A.8.13", "A.8.14"], "other": ["CISA offline-backup guidance"]},
    fix="Make sure at least one copy survives each scenario and can be restored within the RTO (e.g. an "
        "immutable copy in a warm tier in another region and account), or document an accepted, longer "
        "disaster RTO.",
    description="For a T0/T1 system, no copy survives region loss or ransomware, or the surviving ones "
                "restore too slowly.",
)
def rto_002(ctx):
    idx = _index(ctx)
    for a, rto, hours, copies, size, rebuild, limit in idx.critical:
        if not copies or idx.disasters_covered(a, copies, size, rebuild, limit):
            continue
        # Also exact: when RTO-001 already reports every copy as too slow, only a missing ransomware
        # survivor is left to report (``_rto_002`` then builds no slow-copy finding).
        if idx.survives_ransomware(a, copies) and _normal_path_too_slow_fast(ctx, idx, a, rto, hours, copies,
                                                                              size, rebuild):
            continue
        yield from _rto_002(ctx, a, copies, idx.ransomware)


def _normal_path_too_slow_fast(ctx, idx, a, rto, hours, copies, size, rebuild) -> bool:
    """``_normal_path_too_slow`` from the index's numbers instead of estimates."""
    limit = ctx.dr_rto(a)
    if rto is None or limit is None or limit > rto:
        return False
    return all(idx.bound(c, size, rebuild) > hours for c in copies)


def _rto_002(ctx, a, copies, ransomware):
    """RTO-002 for one T0/T1 system that may have a finding."""
    slow: dict[str, list] = {}  # best copy id -> [(scenario, estimate)]
    reported = _normal_path_too_slow(ctx, a, copies)
    for scenario in ("region_loss", "ransomware"):
        if scenario == "region_loss":
            answers = [(c, outside_region(c, a)) for c in copies]
        else:
            answers = [(c, ransomware.survives(c, a)) for c in copies]
        survivors = [c for c, ok in answers if ok]
        if survivors:
            best = None if reported else _too_slow_best(ctx, a, survivors)
            if best is not None:
                slow.setdefault(best.target.id, []).append((scenario, best))
        elif scenario == "ransomware":  # no copy off-region at all is COPY-002's finding
            yield from _no_ransomware_survivor(ctx, a, answers, ransomware)
    for cases in slow.values():
        yield _slow_hit(ctx, a, cases)


SCENARIO_TEXT = {"region_loss": "if its region is lost", "ransomware": "after ransomware"}


def _normal_path_too_slow(ctx, a, copies) -> bool:
    """RTO-001 already reports every copy as too slow (and the disaster RTO is no looser)."""
    rto, limit = ctx.rto(a), ctx.dr_rto(a)
    if rto is None or limit is None or limit > rto:
        return False
    return all(estimate(ctx, c, a).bound > rto.hours for c in copies)


def _too_slow_best(ctx, a, survivors) -> Optional[Estimate]:
    """The fastest surviving copy when even it is certainly slower than the disaster RTO."""
    limit = ctx.dr_rto(a)
    if limit is None:
        return None
    estimates = []
    for c in survivors:
        e = estimate(ctx, c, a)
        if e.bound <= limit.hours:
            return None  # fast enough, or unknown inputs that RTO-001 asks about
        estimates.append(e)
    return min(estimates, key=lambda e: e.bound)


def _slow_hit(ctx, a, cases):
    best = cases[0][1]
    c, limit, tier = best.target, ctx.dr_rto(a), ctx.tier(a)
    which = "disaster RTO" if tier is not None and tier.dr_rto is not None and not tier.dr_rto.vague else "RTO"
    rto_path = ctx.tierp(tier, "dr_rto") if which == "disaster RTO" else ctx.rto_path(a)
    when = " or ".join(SCENARIO_TEXT[s] for s, _ in cases)
    return ctx.hit(f"{a.id}: {when}, the fastest surviving copy, {_label(c)}, takes {best.text()} to restore, "
                   f"but its {which} is {limit}.",
                   rto_path, ctx.tp(c, "storage_class"), ctx.tp(c, "restore_throughput_gbph"), system=a,
                   scopes=(c.id, *(s for s, _ in cases)))


def _no_ransomware_survivor(ctx, a, answers, ransomware):
    if all(ok is False for _, ok in answers):
        reasons = "; ".join(_exposure(ctx, c, a, ransomware) for c, _ in answers)
        yield ctx.hit(f"{a.id}: no copy survives ransomware or stolen production credentials ({reasons}).",
                      *(ctx.tp(c, "immutability") for c, _ in answers), system=a, severity="blocker",
                      scopes=("ransomware",), why="a system in the two most critical tiers with no copy that survives ransomware",
                      causes=(f"{ctx.sp(a)}: every copy reachable from production",))
        return
    unknown = [c for c, ok in answers if ok is None]
    if all((same_account(c, a) or c.isolated_account is False) and c.offline is False for c, _ in answers):
        # Every copy is online in an account production reaches (COPY-003's gap, which owns the cause): only
        # their locks are unknown, so that is what is asked, and it folds into that gap.
        yield ctx.ask(f"{a.id}: would any copy survive ransomware? Every copy is online where production "
                      f"credentials reach; is {names(c.id for c in unknown)} locked (compliance mode or WORM)?",
                      *(ctx.tp(c, "immutability") for c in unknown), system=a, severity="blocker",
                      scopes=("ransomware",),
                      why="a system in the two most critical tiers that may have no copy surviving ransomware",
                      causes=(f"{ctx.sp(a)}: every copy reachable from production",))
        return
    # The same unknown isolation COPY-003 asks about per copy: its question owns the cause.
    yield ctx.ask(f"{a.id}: would any copy survive ransomware? The lock mode, offline status or account "
                  f"isolation of {names(c.id for c in unknown)} is not stated.",
                  *(ctx.tp(c, "immutability") for c in unknown), system=a, severity="blocker",
                  scopes=("ransomware",), why="a system in the two most critical tiers that may have no copy surviving ransomware",
                  causes=tuple(ctx.tp(c, "isolated_account") for c in unknown))


def _exposure(ctx, c, a, ransomware) -> str:
    mode = c.immutability.mode if c.immutability else None
    lock = "a governance-mode lock only" if mode == "governance" else "no lock"
    if c.isolated_account and not same_account(c, a):
        admins = ransomware.prod_admins & ctx.holders_on(c, "delete_recovery_point", "bypass_governance")
        return (f"{c.id} is in a separate account but production admins ({names(sorted(admins))}) can delete "
                f"its recovery points")
    place = "in the production account" if same_account(c, a) else "not isolated from production"
    return f"{c.id} is online, {place}, with {lock}"


@rule(
    "RTO-003",
    title="No runbook, or no standby site that fits the RTO",
    severity="major",
    family="recovery",
    tier_modifier=True,
    maps={"soc2": ["A1.2", "A1.3", "CC7.5", "CC9.1"], "nist": ["CP-7", "CP-10", "SP 800-34 site types"],
          "iso27001": ["A.5.30", "A.8.14"], "hipaa": ["164.308(a)(7)(ii)(B)", "164.308(a)(7)(ii)(C)"]},
    fix="Write a step-by-step restore runbook that someone other than its author can follow, and pre-provision "
        "a warm or pilot-light DR environment through IaC so that standing up compute does not eat the RTO.",
    description="A T0/T1 system has no restore procedure, or provisioning a cold/no DR site plus the restore "
                "exceeds its RTO.",
)
def rto_003(ctx):
    idx = _index(ctx)
    for a, rto, hours, copies, size, rebuild, _ in idx.critical:
        if not a.restore_procedure:
            yield ctx.ask(f"{a.id} is tier {a.tier}: which runbook restores it? No restore procedure is referenced.",
                          ctx.sp(a, "restore_procedure"), system=a)
        # Exact shortcut for the systems ``_standby`` returns early for or finds within the RTO.
        if rto is None or a.alternate_site in ("warm", "hot"):
            continue
        prov = a.provisioning_hours
        if prov is None:
            yield from _standby(ctx, a)
            continue
        best = idx.standby_misses(a, copies, size, rebuild, hours - prov)
        if best is not None:
            # No surviving copy restores within the RTO once compute is provisioned: ``_standby``'s finding,
            # with the estimate of the fastest one only.
            yield _standby_over(ctx, a, rto, a.alternate_site, prov, estimate(ctx, best, a))


def _standby(ctx, a):
    rto, site = ctx.rto(a), a.alternate_site
    if rto is None or site in ("warm", "hot"):
        return
    survivors = [c for c in ctx.copies(a) if outside_region(c, a)]
    if not survivors:
        return  # COPY-002 reports a missing off-site copy
    estimates = [estimate(ctx, c, a) for c in survivors]
    best = min(estimates, key=lambda e: e.bound)
    prov = a.provisioning_hours
    if prov is None:
        if site is None:
            yield ctx.ask(f"{a.id} is tier {a.tier}: is a warm or hot DR site ready for it and, if not, how many "
                          "hours does it take to provision compute elsewhere?",
                          ctx.sp(a, "alternate_site"), ctx.sp(a, "provisioning_hours"), system=a)
        else:
            yield ctx.ask(f"{a.id} has {'no' if site == 'none' else 'a cold'} DR site: how many hours does it take "
                          f"to provision compute before restoring? Its RTO is {rto}.",
                          ctx.sp(a, "provisioning_hours"), system=a)
        return
    limit = rto.hours - prov
    if not _too_slow(estimates, limit):
        return
    yield _standby_over(ctx, a, rto, site, prov, best)


def _standby_over(ctx, a, rto, site, prov, best):
    """RTO-003's finding when provisioning ``prov`` hours plus restoring from the fastest surviving copy
    (``best``, certainly over the RTO) exceeds the RTO."""
    total = prov + best.bound
    at_least = "at least " if best.hours is None else ""
    if prov:
        text = (f"{fmt_hours(prov)} to provision compute plus restoring from {best.target.id} ({best.text()}) "
                f"comes to {at_least}{fmt_hours(total)}")
    else:
        text = f"restoring from {best.target.id} takes {best.text()}"
    if site is None:
        return ctx.ask(f"{a.id}: is a warm or hot DR site ready for it? Without one, {text}, over its RTO of {rto}.",
                       ctx.sp(a, "alternate_site"), system=a)
    # When the restore alone is over the RTO, that is RTO-001's finding: the standby site is not the cause.
    slow = (_SLOW_RESTORE.format(ctx.sp(a)),) if best.bound > rto.hours else ()
    return ctx.hit(f"{a.id} has {'no' if site == 'none' else 'only a cold'} DR site: {text}, over its RTO of {rto}.",
                   ctx.sp(a, "alternate_site"), ctx.sp(a, "provisioning_hours"), ctx.rto_path(a), system=a,
                   scopes=(best.target.id,), causes=slow)
