"""Copies and placement (COPY): enough copies, far enough away, out of production's reach, in the right place.

The scenario helpers here answer "yes", "no" or "not known yet" (None), so that
a copy whose region or isolation is not stated leads to a question, not to a
gap built on a guess. The recovery rules use the same helpers.

Shared causes (see :func:`workbench.rules.engine.finalize`): COPY-003 owns a
copy whose isolation from production is not stated (RTO-002's "would any copy
survive ransomware?" folds into its question) and a system whose every copy is
online in a production-reachable account (RTO-002's "no copy survives
ransomware" folds into its gap). A region or transfer question COPY-004 asks
twice about one copy (residency and transfer) is asked once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from .context import apart_by_platform, eea_status
from .engine import rule
from .wording import join_and as names

DEFAULT_COPIES = 2
LOCKS = ("compliance", "worm_media")


# ----------------------------------------------------------------------------
# Shared helpers (tri-state: True, False, or None when not stated)
# ----------------------------------------------------------------------------
#: Normalised spellings of regions, sites and accounts: a policy has few distinct ones, asked about very often.
_NORMED: dict[str, str] = {}


def _norm(x: str) -> str:
    got = _NORMED.get(x)
    if got is None:
        if len(_NORMED) > 10000:
            _NORMED.clear()
        got = _NORMED[x] = x.strip().lower()
    return got


def _same(x: str, y: str) -> bool:
    return x == y or _norm(x) == _norm(y)


def outside_region(c, a) -> Optional[bool]:
    """Whether copy ``c`` survives losing the region (or site) ``a`` runs in."""
    if c.region and a.region:
        return not _same(c.region, a.region)
    if c.site and a.site:
        return not _same(c.site, a.site)
    if (c.offline and c.leaves_facility) or apart_by_platform(c, a):
        return True
    return None


def where(a) -> Optional[str]:
    return a.region or a.site


def same_account(c, a) -> bool:
    return bool(c.account and a.account and _same(c.account, a.account))


def reachable_from_production(c, a) -> Optional[bool]:
    """Whether production credentials can delete copy ``c`` (no separate account, not offline)."""
    isolated = False if same_account(c, a) else c.isolated_account  # the production account is never isolated
    if isolated or c.offline:
        return False
    if isolated is False and c.offline is False:
        return True
    return None


class RansomwareCheck:
    """Which copies survive production credentials or admins being compromised (cached per target)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.prod_admins = ctx.holders("prod_admin")
        self._isolated: dict[str, bool] = {}

    def survives(self, c, a) -> Optional[bool]:
        mode = c.immutability.mode if c.immutability else None
        if mode in LOCKS or c.offline:
            return True
        isolated = False if same_account(c, a) else c.isolated_account
        if isolated:
            if c.id not in self._isolated:
                deleters = self.ctx.holders_on(c, "delete_recovery_point", "bypass_governance")
                self._isolated[c.id] = not (self.prod_admins & deleters)
            return self._isolated[c.id]
        if isolated is False and c.offline is False and mode is not None:
            return False
        return None


def _worst(ctx, systems):
    return min(systems, key=ctx.tier_level)


# ----------------------------------------------------------------------------
# Per-evaluation index (used by FREQ-002). Most systems have no finding; these
# per-schedule summaries let a rule see that from a few look-ups and run its
# full (message-building) code only for the systems that may have one.
# ----------------------------------------------------------------------------
class Index:
    """Answers that depend on one schedule (or one target) and the system's place, worked out once."""

    def __init__(self, ctx):
        self.ctx = ctx
        ids = [sc.id for sc in ctx.policy.schedules]
        #: copies_with_schedule drops a (target, schedule id) pair seen twice; per-schedule shortcuts assume it cannot.
        self.unique_schedules = len(set(ids)) == len(ids)
        self._targets: dict[int, list] = {}
        self.memo: dict[tuple, object] = {}  # (question, ...) -> answer; see the users

    def targets(self, sc) -> list:
        """Defined targets of ``sc`` holding restorable versions (as ``ctx.copies_with_schedule`` pairs them)."""
        got = self._targets.get(id(sc))
        if got is None:
            got = []
            if self.ctx.restorable(sc):
                for tid in dict.fromkeys(sc.targets):
                    t = self.ctx.targets.get(tid)
                    if t is not None:
                        got.append(t)
            self._targets[id(sc)] = got
        return got

    def _summary(self, kind: str, sc, make):
        key = (kind, id(sc))
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = make(self.targets(sc))
        return got

    def survives_region_loss_via(self, sc, a) -> bool:
        """Whether a copy of ``a`` that ``sc`` makes survives losing its region, as ``ctx.survives`` judges it."""
        region = a.region
        regions, unplaced = self._summary("raw regions", sc, _raw_regions)
        if region and _other(regions, region):
            return True
        survives = self.ctx.survives
        for c in (unplaced if region else self.targets(sc)):
            if survives(c, a, "region_loss"):
                return True
        return False


def _other(values: frozenset, mine) -> bool:
    """Whether ``values`` holds something other than ``mine``."""
    return len(values) > 1 or (len(values) == 1 and mine not in values)


def _raw_regions(targets) -> tuple[frozenset, list]:
    """(regions of the targets that state one, spelled as written as ``ctx.survives`` compares them, the others)."""
    return frozenset(c.region for c in targets if c.region), [c for c in targets if not c.region]


def tier_plans(ctx) -> list:
    """``(schedule, ids of the systems it covers through its tiers)`` for each tier-wide schedule, once per evaluation.

    A tier-wide plan covers thousands of systems; what it proves about one of
    them (a copy elsewhere, an isolated copy, ...) it proves about all of them,
    so the rules below clear those systems with set look-ups and run their full
    code only for the rest. Every system id listed here has ``schedule`` among
    ``ctx.schedules(id)``, so its targets are among ``ctx.copies`` of that system.
    """
    got = getattr(ctx, "_copies_tier_plans", None)
    if got is None:
        got = []
        by_tier = ctx.systems_by_tier
        for sc in ctx.policy.schedules:
            if sc.tiers:
                ids = [sid for tid in dict.fromkeys(sc.tiers) for sid in by_tier.get(tid, ())]
                if ids:
                    got.append((sc, ids))
        ctx._copies_tier_plans = got
    return got


def index(ctx) -> Index:
    """The :class:`Index` of this evaluation, kept on the Context and dropped with it.

    (Not a module-level WeakKeyDictionary keyed by the Context: the Index refers
    back to its Context, so such an entry would keep every Context alive.)
    """
    got = ctx.__dict__.get("_copies_index")
    if got is None:
        got = ctx._copies_index = Index(ctx)
    return got


# ----------------------------------------------------------------------------
# Rules
# ----------------------------------------------------------------------------
@rule(
    "COPY-001",
    title="Too few backup copies, or all on one platform",
    severity="major",
    family="copies",
    tier_modifier=True,
    availability_only=True,
    maps={"soc2": ["A1.2"], "cis": ["11.2", "11.4"], "nist": ["CP-9(3)", "CP-9(6)"], "iso27001": ["A.8.13"],
          "other": ["3-2-1 rule"]},
    fix="Add a second copy on a different platform or account (e.g. object storage in a backup account, or "
        "tape). Replication and recycle bins do not count as copies.",
    description="A system has fewer backup copies than its tier requires, or every copy is on the same "
                "provider, account and media.",
)
def copy_001(ctx):
    need_of = _need_by_tier(ctx)
    platform = _platforms(ctx)
    schedules, copies_of = ctx.schedules, ctx.copies
    # A tier-wide plan with as many targets as any tier needs, on diverse platforms, clears its systems:
    # their copies include its targets (more copies, and a superset of a diverse set is diverse).
    most = max([_default_copies(ctx)] + [t.min_backup_copies for t in ctx.policy.tiers
                                         if t.min_backup_copies is not None])
    cleared: set = set()
    for sc, ids in tier_plans(ctx):
        targets = index(ctx).targets(sc)
        if len(targets) >= most and _diverse(targets, platform):
            cleared.update(ids)
    for a in ctx.in_scope_systems:
        if a.id in cleared or not schedules(a):
            continue  # no schedule at all is COV-001's finding
        copies = copies_of(a)
        if len(copies) >= need_of(a) and _diverse(copies, platform):
            continue
        yield from _copy_001(ctx, a, copies)


def _need_by_tier(ctx):
    """``a -> copies its tier requires``, worked out once per tier."""
    needs: dict = {}

    def need_of(a):
        got = needs.get(a.tier)
        if got is None:
            tier = ctx.tier(a)
            got = needs[a.tier] = (tier.min_backup_copies if tier is not None and tier.min_backup_copies is not None
                                   else _default_copies(ctx))
        return got
    return need_of


def _default_copies(ctx) -> int:
    """Copies a system needs when its tier says nothing: the policy-wide number, else the 3-2-1 baseline's 2."""
    stated = ctx.policy.policy.min_backup_copies
    return stated if stated is not None else DEFAULT_COPIES


def _platforms(ctx) -> dict:
    """Target id -> (provider, media) as ``_diversity`` compares them, or None when either is unstated."""
    return {id(c): None if c.provider is None or c.media is None else (c.provider.lower(), c.media)
            for c in ctx.policy.targets}


def _diverse(copies, platform) -> bool:
    """``_diversity`` certainly finds nothing: fewer than two copies, an unstated platform, or two platforms."""
    if len(copies) < 2:
        return True
    first = platform.get(id(copies[0]))
    if first is None:
        return True
    for c in copies:
        got = platform.get(id(c))
        if got is None or got != first:
            return True
    return False


def _copy_001(ctx, a, copies):
    """COPY-001 for one system that may have a finding."""
    tier = ctx.tier(a)
    policy_wide = ctx.policy.policy.min_backup_copies
    by_tier = tier is not None and tier.min_backup_copies is not None
    need = tier.min_backup_copies if by_tier else _default_copies(ctx)
    need_path = (ctx.tierp(tier, "min_backup_copies") if by_tier else "policy.min_backup_copies"
                 if policy_wide is not None else ctx.tierp(tier, "min_backup_copies") if tier is not None
                 else ctx.sp(a, "tier"))
    source = (f"tier {tier.id} requires" if by_tier else "the policy requires" if policy_wide is not None
              else "the 3-2-1 baseline asks for")
    stated = getattr(tier.min_backup_copies if by_tier else policy_wide, "text", None)
    if stated:
        need_text = f"at least {int(need)} ('{stated}')"
    else:
        need_text = str(need)
    if len(copies) < need:
        have = (f"{len(copies)} backup cop{'y' if len(copies) == 1 else 'ies'} ({names(c.id for c in copies)})"
                if copies else "no versioned backup copy (its schedules only replicate or write nowhere)")
        yield ctx.hit(f"{a.id} has {have} but {source} {need_text}.",
                      *(ctx.schp(sc, "targets") for sc in ctx.schedules(a)[:3]), need_path, system=a)
        return
    yield from _diversity(ctx, a, copies)


def _diversity(ctx, a, copies):
    """3-2-1's "two media": copies on one provider and media type are one storage system.

    One provider, account and media for every copy is the catalog's major case;
    one provider and media across several accounts isolates the copies but is
    still one platform (minor). Unstated values decide nothing.
    """
    if len(copies) < 2:
        return
    keys = [(c.provider, c.account, c.media) for c in copies]
    if any(p is None or m is None for p, _, m in keys):
        return
    providers = {p.lower() for p, _, _ in keys}
    media = {m for _, _, m in keys}
    if len(providers) > 1 or len(media) > 1:
        return
    c = copies[0]
    listed = names(x.id for x in copies)
    accounts = {acc.lower() if acc else None for _, acc, _ in keys}
    if len(accounts) == 1 and None not in accounts:
        yield ctx.hit(f"All copies of {a.id} ({listed}) are {c.media} storage in {c.provider} account {c.account}: "
                      "one platform failure or compromise can take them all.",
                      *(ctx.tp(x, "account") for x in copies), system=a)
    elif len(accounts) > 1 and None not in accounts:
        # a copy in an isolated account under a compliance lock or WORM is what the second medium is for
        # (nothing in production's reach can destroy it): a design auditors accept, so an advisory only
        locked = any(x.isolated_account and not same_account(x, a) and x.immutability is not None
                     and x.immutability.mode in LOCKS for x in copies)
        yield ctx.hit(f"All copies of {a.id} ({listed}) are {c.media} storage on {c.provider}, in different accounts "
                      "but one platform; 3-2-1 asks for a second medium or storage system.",
                      *(ctx.tp(x, "media") for x in copies), system=a, severity="advisory" if locked else "minor",
                      why=("a copy is in an isolated account under a lock production cannot lift: only the "
                           "second medium is missing") if locked else
                      "the copies are in separate accounts: only the second medium is missing")


@rule(
    "COPY-002",
    title="No copy survives losing the region",
    severity="major",
    family="copies",
    tier_modifier=True,
    maps={"soc2": ["A1.2"], "cis": ["11.4"], "nist": ["CP-6", "CP-6(1)", "CP-9(3)"], "iso27001": ["A.8.13"],
          "hipaa": ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"], "pci": ["9.4.1.1"]},
    fix="Copy to another region or site far enough away that one event is unlikely to hit both, and state "
        "the minimum separation in the policy.",
    description="Every backup copy of a system is in the region or site the system runs in.",
)
def copy_002(ctx):
    unknown: dict[str, tuple[object, list]] = {}
    # Targets of a tier-wide plan in two or more regions: one of them is outside any system's region.
    cleared: set = set()
    for sc, ids in tier_plans(ctx):
        if len({_norm(c.region) for c in index(ctx).targets(sc) if c.region}) > 1:
            cleared.update(ids)
    # outside_region reads a copy and the system's region, site and provider alone: the answers for a list of copies
    # (in order) are worked out once per region and site, for the many systems that share that list.
    memo: dict = {}
    copies_of = ctx.copies
    for a in ctx.in_scope_systems:
        if a.region and a.id in cleared:
            continue
        copies = copies_of(a)
        if not copies:
            continue
        key = (*map(id, copies), a.region, a.site, a.provider)
        answers = memo.get(key)
        if answers is None:
            answers = memo[key] = [outside_region(c, a) for c in copies]
        if any(answers):
            continue
        severity = "blocker" if ctx.availability or ctx.critical(a) else None
        why = None if severity is None else (
            "a system in the two most critical tiers" if ctx.critical(a) else "Availability is in scope" if ctx.policy.engagement.categories
            else "Availability may be in scope: the categories are not answered yet")
        if all(x is False for x in answers):
            yield ctx.hit(f"Every copy of {a.id} ({names(c.id for c in copies)}) is in {where(a)}, where "
                          f"{a.id} itself runs; losing {where(a)} loses the backups too.",
                          ctx.sp(a, "region" if a.region else "site"),
                          *(ctx.tp(c, "region" if c.region else "site") for c in copies), system=a, severity=severity,
                          why=why)
        else:
            # A copy whose own place is not stated is asked about whether or not the system's place is known
            # (a policy silent on both still owes where its backups are); a copy with a stated place is
            # compared once ASK-001 has the system's own.
            known = bool(where(a))
            for c, ans in zip(copies, answers):
                if ans is None and (known or not (c.region or c.site)):
                    unknown.setdefault(c.id, (c, []))[1].append(a)
    for c, systems in unknown.values():
        worst = _worst(ctx, systems)
        yield ctx.ask(f"Which region or site is {c.id} in? It may be the only off-site copy of "
                      f"{names(a.id for a in systems)}.", ctx.tp(c, "region"), subject=c.id, system=worst,
                      severity="blocker" if ctx.availability or ctx.critical(worst) else None,
                      why=("it may hold the only off-site copy of a system in the two most critical tiers" if ctx.critical(worst)
                           else "Availability is in scope"
                           if ctx.policy.engagement.categories else
                           "Availability may be in scope: the categories are not answered yet")
                      if ctx.availability or ctx.critical(worst) else None,
                      scopes=tuple(a.id for a in systems))


@rule(
    "COPY-003",
    title="Every copy can be deleted with production credentials",
    severity="major",
    family="copies",
    tier_modifier=True,
    maps={"soc2": ["A1.2", "CC6.1", "CC6.3"], "cis": ["11.4", "11.3"], "nist": ["CP-9(3)"], "iso27001": ["A.8.13"],
          "other": ["CISA #StopRansomware"]},
    fix="Copy to a dedicated backup account or tenant with separate admin identities and a deny-delete "
        "policy, to a logically air-gapped vault, or to offline media.",
    description="No copy of a system is in a separate account or offline.",
)
def copy_003(ctx):
    unknown: dict[str, tuple[object, list]] = {}
    # A tier-wide plan's target out of production's reach (reachable_from_production is False) clears its
    # systems: an offline target always; an isolated one unless it is in the system's own account.
    cleared: set = set()
    unless_account: dict = {}  # system id -> the one (normalised) account whose systems are not cleared
    memo: dict = {}
    copies_of = ctx.copies
    for sc, ids in tier_plans(ctx):
        isolated = [c for c in index(ctx).targets(sc) if c.offline or c.isolated_account]
        accounts = {_norm(c.account) if c.account and not c.offline else None for c in isolated}
        if None in accounts or len(accounts) > 1:
            cleared.update(ids)
        elif accounts:
            unless_account.update(dict.fromkeys(ids, accounts.pop()))
    for a in ctx.in_scope_systems:
        sid = a.id
        if sid in cleared:
            continue
        account = unless_account.get(sid)
        if account is not None:
            mine = a.account
            if not mine or (_NORMED.get(mine) or _norm(mine)) != account:
                continue
        copies = copies_of(a)
        if not copies:
            continue
        # reachable_from_production reads a copy and the system's account alone (see COPY-002's memo)
        key = (*map(id, copies), a.account)
        answers = memo.get(key)
        if answers is None:
            answers = memo[key] = [reachable_from_production(c, a) for c in copies]
        if False in answers:
            continue
        if all(answers):
            yield ctx.hit(f"Every copy of {a.id} ({names(c.id for c in copies)}) is online in a production-"
                          "reachable account: one stolen production credential can delete them all.",
                          *(ctx.tp(c, "isolated_account") for c in copies), system=a,
                          severity="blocker" if ctx.tier_level(a) == 0 else None,
                          why="the system is in the most critical tier" if ctx.tier_level(a) == 0 else None,
                          causes=(f"{ctx.sp(a)}: every copy reachable from production",))
            continue
        for c, ans in zip(copies, answers):
            if ans is None:
                unknown.setdefault(c.id, (c, []))[1].append(a)
    for c, systems in unknown.values():
        worst = _worst(ctx, systems)
        if c.media in ("tape", "removable", "optical"):  # an account means nothing for media on a shelf
            question = (f"Are the {c.media} media of {c.id} ejected or taken off-site (offline), out of reach of "
                        "production admins and production credentials?")
            paths = (ctx.tp(c, "offline"),)
        else:
            question = f"Is {c.id} in an account separate from production (with its own admins), or offline?"
            paths = (ctx.tp(c, "isolated_account"), ctx.tp(c, "offline"))
        yield ctx.ask(f"{question} It holds copies of {names(a.id for a in systems)}.",
                      *paths, subject=c.id, system=worst,
                      severity="blocker" if ctx.tier_level(worst) == 0 else None, scopes=tuple(a.id for a in systems),
                      why="it holds copies of a system in the most critical tier"
                      if ctx.tier_level(worst) == 0 else None)


@rule(
    "COPY-004",
    title="Copies are kept where the data may not go",
    severity="major",
    family="copies",
    tier_modifier=True,
    maps={"soc2": ["CC6.7", "C1.1", "CC2.3"], "nist": ["CP-6"], "iso27001": ["A.5.34", "A.5.31"],
          "hipaa": ["164.308(b)"], "gdpr": ["Art. 28", "Art. 44-46"]},
    fix="Limit backup and copy regions to the allowed set (use an in-jurisdiction DR pair), sign a BAA or DPA "
        "with vendors holding the copies, and record the transfer basis for copies outside the EEA.",
    description="A copy is outside the system's allowed regions, held by a vendor without a BAA, or outside "
                "the EEA without a transfer mechanism.",
)
def copy_004(ctx):
    vendors = {v.id: (i, v) for i, v in enumerate(ctx.policy.vendors)}
    gdpr_framework = "gdpr" in (ctx.policy.engagement.frameworks or ())
    # Vendor agreements and transfer bases are one answer for every system they cover: group by vendor/target.
    baa: dict[str, list] = {}
    dpa: dict[str, list] = {}
    transfers: dict[str, tuple[object, list]] = {}
    # Most systems have no residency, PHI or GDPR data, or none of the targets could matter to them:
    # a vendor's target (BAA, DPA) or, under GDPR, one outside the EEA without a transfer mechanism.
    # Only a vendor whose BAA (DPA) is not signed is reported (_baa, _dpa skip the others): the systems whose
    # copies such a vendor holds are all that is gathered.
    baa_open = {vid for vid, (_, v) in vendors.items() if not v.baa_signed}
    dpa_open = {vid for vid, (_, v) in vendors.items() if not v.dpa_signed}
    baa_vendored = any(c.vendor in baa_open for c in ctx.targets.values())
    dpa_vendored = any(c.vendor in dpa_open for c in ctx.targets.values())
    transferring = any(c.region and not c.transfer_mechanism and _eea(c.region) is not True
                       for c in ctx.targets.values())
    for a in ctx.in_scope_systems:
        if not a.residency:
            tags, classes = a.regulatory_tags, a.data_classes  # as ctx.tags(a) derives "hipaa" and "gdpr"
            if not (baa_vendored and ("hipaa" in tags or "phi" in classes)) and not (
                    (dpa_vendored or transferring) and ("gdpr" in tags or (gdpr_framework and "pii" in classes))):
                continue
        copies = ctx.copies(a)
        banned: set = set()  # ids of targets a's residency forbids: their transfer basis is not asked as well
        if a.residency:
            written = _written_to(ctx, a, copies)
            for f in _residency(ctx, a, written):
                if f.kind == "gap":
                    banned.update(f.scopes)
                yield f
        if not copies:
            continue
        tags = ctx.tags(a)
        phi = "hipaa" in tags
        gdpr = "gdpr" in tags or (gdpr_framework and "pii" in a.data_classes)
        if not (phi or gdpr):
            continue
        for c in copies:
            if phi and c.vendor in baa_open:
                baa.setdefault(c.vendor, []).append((a, c))
            if gdpr and c.vendor in dpa_open:
                dpa.setdefault(c.vendor, []).append((a, c))
            if (gdpr and c.region and not c.transfer_mechanism and _eea(c.region) is not True
                    and c.id not in banned):
                transfers.setdefault(c.id, (c, []))[1].append(a)
    yield from _baa(ctx, baa, vendors)
    yield from _dpa(ctx, dpa, vendors)
    for c, systems in transfers.values():
        held = f"{c.id} keeps copies of {names(a.id for a in systems)} (personal data under GDPR) in {c.region}"
        if _eea(c.region) is None:  # the name does not say where it is: ask, do not assume a transfer
            yield ctx.ask(f"{held}: is {c.region} inside the EEA? If not, which transfer mechanism (adequacy "
                          "decision, SCCs, BCRs) covers it?", ctx.tp(c, "region"), ctx.tp(c, "transfer_mechanism"),
                          subject=c.id, system=_worst(ctx, systems), scopes=tuple(a.id for a in systems),
                          severity="minor", why="only the region's name is unclear: the copy may well be in the EEA")
            continue
        yield ctx.ask(f"{held}, outside the EEA: which transfer mechanism (adequacy decision, SCCs, BCRs) "
                      "covers it?", ctx.tp(c, "transfer_mechanism"), subject=c.id, system=_worst(ctx, systems),
                      scopes=tuple(a.id for a in systems))


def allowed(region: str, residency: list[str]) -> Optional[bool]:
    """Whether ``region`` is inside one of the allowed entries (a region, a prefix such as ``eu``, or EEA);
    None when only an EEA entry could allow it and the region's name does not say whether it is in the EEA."""
    r = region.strip().lower()
    unsure = False
    for entry in residency:
        e = entry.strip().lower()
        if r == e or r.startswith(e + "-"):
            return True
        if e in ("eea", "eu"):
            status = _eea(r)
            if status:
                return True
            unsure = unsure or status is None
    return None if unsure else False


@lru_cache(maxsize=512)
def _eea(region: str) -> Optional[bool]:
    return eea_status(region)


def _written_to(ctx, a, copies) -> list:
    """Every target ``a``'s data is written to: its copies, and the replicas of a replication that keeps no
    earlier versions (not a backup, but residency limits where data is stored, whatever the copy is for)."""
    out = list(copies)
    seen = {id(c) for c in out}
    for sc in ctx.schedules(a):
        for tid in sc.targets:
            c = ctx.targets.get(tid)
            if c is not None and id(c) not in seen:
                seen.add(id(c))
                out.append(c)
    return out


def _residency(ctx, a, copies):
    placed = [(c, allowed(c.region, a.residency)) for c in copies if c.region]
    outside = [c for c, ok in placed if ok is False]
    unsure = [c for c, ok in placed if ok is None]
    if unsure:
        yield ctx.ask(f"{a.id} may only be stored in {', '.join(a.residency)}: "
                      f"{'is' if len(unsure) == 1 else 'are'} {', '.join(f'{c.id} ({c.region})' for c in unsure)} "
                      "inside the EEA?", *(ctx.tp(c, "region") for c in unsure), system=a,
                      scopes=tuple(c.id for c in unsure), severity="minor",
                      why="only the region's name is unclear: the copy may well be in the EEA")
    if outside:
        where_ = ", ".join(f"{c.id} in {c.region}" for c in outside)
        yield ctx.hit(f"{a.id} may only be stored in {', '.join(a.residency)}, but copies are kept outside: "
                      f"{where_}.", ctx.sp(a, "residency"), *(ctx.tp(c, "region") for c in outside),
                      system=a, scopes=tuple(c.id for c in outside))
    unplaced = [c for c in copies if not c.region and not c.site]
    if unplaced:
        yield ctx.ask(f"{a.id} may only be stored in {', '.join(a.residency)}: which region "
                      f"{'is' if len(unplaced) == 1 else 'are'} {names(c.id for c in unplaced)} in?",
                      *(ctx.tp(c, "region") for c in unplaced), system=a, scopes=tuple(c.id for c in unplaced))


def _held(pairs) -> tuple[str, str]:
    systems = list(dict.fromkeys(a.id for a, _ in pairs))
    copies = list(dict.fromkeys(c.id for _, c in pairs))
    return names(systems), names(copies)


def _baa(ctx, by_vendor, vendors):
    for vid, pairs in by_vendor.items():
        i, v = vendors[vid]
        if v.baa_signed:
            continue
        systems, copies = _held(pairs)
        worst = _worst(ctx, [a for a, _ in pairs])
        scopes = (vid, *dict.fromkeys(a.id for a, _ in pairs))
        if v.baa_signed is False:
            yield ctx.hit(f"{v.name or vid} holds PHI from {systems} (in {copies}) but has no signed business "
                          "associate agreement.", f"vendors[{i}].baa_signed", ctx.tp(pairs[0][1], "vendor"),
                          subject=vid, system=worst, scopes=scopes)
        else:
            yield ctx.ask(f"{v.name or vid} holds PHI from {systems} (in {copies}): is a business associate "
                          "agreement signed?", f"vendors[{i}].baa_signed", subject=vid, system=worst, scopes=scopes)


def _dpa(ctx, by_vendor, vendors):
    for vid, pairs in by_vendor.items():
        i, v = vendors[vid]
        if v.dpa_signed:
            continue
        systems, copies = _held(pairs)
        worst, scopes = _worst(ctx, [a for a, _ in pairs]), (vid, *dict.fromkeys(a.id for a, _ in pairs))
        if v.dpa_signed is False:
            yield ctx.hit(f"{v.name or vid} holds personal data under GDPR from {systems} (in {copies}) without a "
                          "data processing agreement.", f"vendors[{i}].dpa_signed", ctx.tp(pairs[0][1], "vendor"),
                          subject=vid, system=worst, scopes=scopes)
        else:  # as for a BAA: unanswered is asked, not passed
            yield ctx.ask(f"{v.name or vid} holds personal data under GDPR from {systems} (in {copies}): is a data "
                          "processing agreement (GDPR Art. 28) signed?", f"vendors[{i}].dpa_signed",
                          subject=vid, system=worst, scopes=scopes)
