"""Indexes and derived helpers shared by every rule (GAP_RULES §7.1).

Built once per evaluation in one pass over the policy, so that each rule is
linear in the size of the policy: systems by id, schedules by system, copies
by system, holders by permission, tests by system. Per-system answers that
several rules need (copies, recovery-point gap, restore hours) are cached.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from functools import cached_property
from itertools import repeat
from typing import Iterable, Optional

from workbench.spec.durations import Duration
from workbench.spec.model import (
    DESTRUCTIVE, AcceptedException, Key, Policy, Principal, RestoreTest, Role, Schedule, System, Target, Tier,
)

from .engine import Hit

# Hours before a restore can begin, by (storage class, retrieval option); GAP_RULES §5.7.
RETRIEVAL_HOURS = {
    ("standard", None): 0.0, ("ia", None): 0.0, ("glacier_ir", None): 0.0,
    ("glacier_flexible", "expedited"): 0.1, ("glacier_flexible", "standard"): 5.0,
    ("glacier_flexible", "bulk"): 12.0, ("glacier_flexible", None): 5.0,
    ("deep_archive", "standard"): 12.0, ("deep_archive", "bulk"): 48.0, ("deep_archive", None): 12.0,
    ("deep_archive", "expedited"): 12.0,  # expedited is not offered for Deep Archive
    ("archive", None): 12.0,
}
#: Minimum retention (as a Duration) by regulatory tag; GAP_RULES §4.
REGULATORY_MINIMUM = {
    "hipaa": ("6y", "HIPAA documentation (45 CFR 164.316)"),
    "sec17a4": ("6y", "SEC 17a-4 core books"),
    "nydfs": ("5y", "NYDFS 500.6 financial audit trail"),
    "sox": ("7y", "SOX / SEC Rule 2-06 convention"),
    "irs": ("7y", "IRS record-keeping (longest common case)"),
    "pci": ("1y", "PCI DSS 10.5.1 audit logs"),
}
#: Cloud regions named "eu-..."/"europe-..." that are not in the EEA (London and Zurich).
NON_EEA_EUROPE = frozenset({"eu-west-2", "eu-central-2", "europe-west2", "europe-west6", "europe-west12"})
#: Words (split on anything but letters, digits dropped) that place a region: country codes and names, cities
#: with data centres, and providers' location codes (Azure, OVH, Hetzner, Scaleway, DigitalOcean ...).
EEA_WORDS = frozenset({
    "eu", "eea", "europe", "westeurope", "northeurope", "francecentral", "francesouth", "germanywestcentral",
    "germanynorth", "swedencentral", "swedensouth", "norwayeast", "norwaywest", "italynorth", "polandcentral",
    "spaincentral", "austriaeast", "belgiumcentral", "denmarkeast", "finlandcentral", "greececentral",
    "at", "be", "bg", "cy", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr", "hr", "hu", "ie", "is", "it", "li",
    "lt", "lu", "lv", "mt", "nl", "no", "pl", "pt", "ro", "se", "si", "sk",
    "austria", "belgium", "bulgaria", "croatia", "cyprus", "czechia", "denmark", "estonia", "finland", "france",
    "germany", "greece", "hungary", "iceland", "ireland", "italy", "latvia", "liechtenstein", "lithuania",
    "luxembourg", "malta", "netherlands", "norway", "poland", "portugal", "romania", "slovakia", "slovenia",
    "spain", "sweden",
    "paris", "par", "marseille", "frankfurt", "fra", "berlin", "munich", "amsterdam", "ams", "dublin", "dub",
    "milan", "mil", "stockholm", "sto", "arn", "madrid", "mad", "warsaw", "waw", "helsinki", "hel", "vienna",
    "vie", "brussels", "copenhagen", "cph", "lisbon", "oslo", "osl", "gravelines", "gra", "strasbourg", "sbg",
    "roubaix", "rbx", "falkenstein", "fsn", "nuremberg", "nbg", "zaragoza",
})
NON_EEA_WORDS = frozenset({
    "us", "usa", "america", "ca", "canada", "sa", "ap", "asia", "me", "af", "il", "mx", "cn", "jp", "kr", "in",
    "au", "australia", "sg", "br", "brazil", "uk", "gb", "ch", "switzerland", "london", "lon", "lhr", "zurich",
    "zrh", "singapore", "sgp", "tokyo", "sydney", "mumbai", "toronto", "tor", "nyc", "sfo", "ashburn", "virginia",
    "ohio", "oregon", "california", "texas", "iowa", "northamerica", "southamerica", "uksouth", "ukwest",
    "switzerlandnorth", "switzerlandwest", "eastus", "westus", "centralus", "southcentralus", "northcentralus",
    "westcentralus", "canadacentral", "canadaeast", "brazilsouth", "eastasia", "southeastasia", "japaneast",
    "japanwest", "australiaeast", "australiasoutheast", "centralindia", "southindia", "koreacentral",
    "uaenorth", "southafricanorth", "qatarcentral", "israelcentral", "mexicocentral",
})
SCENARIOS = ("region_loss", "ransomware")
CLASS_RANK = {"public": 0, "internal": 1, "confidential": 2, "restricted": 3, "pii": 2, "phi": 3, "pci": 3,
              "financial": 2, "logs": 1}


def holds_audit_logs(a: System) -> bool:
    """The ``logs`` class, or a log store."""
    return "logs" in a.data_classes or a.kind == "log_store"


def holds_hipaa_documentation(a: System) -> bool:
    """Whether HIPAA's documentation minimum (45 CFR 164.316(b)(2)) binds a system's records: it holds audit logs
    (the ``logs`` class, or a log store), or it is tagged ``hipaa`` without holding PHI (a policy or evidence
    store). A system that is HIPAA only because it holds PHI keeps medical records, which state law governs."""
    return holds_audit_logs(a) or "phi" not in a.data_classes


def holds_pci_audit_logs(a: System) -> bool:
    """Whether PCI DSS 10.5.1 (audit logs kept 12 months) binds a system's records: it holds audit logs, or it is
    tagged ``pci`` without holding card data (a SIEM, say). Card data itself is to be kept as briefly as the
    business allows (PCI DSS 3.2.1): a minimum for it would be backwards."""
    return holds_audit_logs(a) or "pci" not in a.data_classes


def eea_status(region: Optional[str]) -> Optional[bool]:
    """Whether a region is in the EEA: True, False, or None when its name does not say.

    Cloud naming first ("eu-west-1", "europe-west3", Azure "francecentral"; London and Zurich are not in the
    EEA), then any word of the name that is an EEA or non-EEA country, city or provider location code
    ("fr-par", "de-fra1", "gra", "us-east-1", "uksouth"). A name placing it both ways, or neither, is unknown.
    """
    if not region:
        return None
    r = region.strip().lower()
    if r in NON_EEA_EUROPE:
        return False
    if r.startswith(("eu-", "eu_", "europe-")):
        return True
    words = {w.rstrip("0123456789") for w in re.split(r"[^a-z0-9]+", r)} - {""}
    inside, outside = bool(words & EEA_WORDS), bool(words & NON_EEA_WORDS)
    return None if inside == outside else inside


def apart_by_platform(c: Target, a: System) -> bool:
    """Copy ``c`` and system ``a`` are placed in different kinds of place on different platforms: one at a site
    (on premises) and the other in a cloud region, with providers that differ (a NAS at the office and its copy
    in Backblaze's us-west; a Microsoft 365 tenant and its copy in the server room). Losing the one's region or
    site leaves the other: such a copy is off-site, though no region or site can be compared."""
    if not ((c.site and a.region and not c.region and not a.site)
            or (c.region and a.site and not c.site and not a.region)):
        return False
    pc, pa = c.provider, a.provider
    return bool(pc and pa and pc.strip().lower() != pa.strip().lower())


def is_eea(region: Optional[str]) -> bool:
    """Whether a region is known to be in the EEA (see :func:`eea_status`)."""
    return eea_status(region) is True


class Context:
    """The policy, the as-of date and every index the rules share."""

    def __init__(self, policy: Policy, today: dt.date):
        self.policy = policy
        self.today = today
        self.used_exceptions: set[int] = set()
        p = policy
        # Availability in scope: said so, or not answered yet (ASK-001 asks). Until the categories are known,
        # the availability-only rules keep their full severity rather than quietly dropping a level.
        self.availability = not p.engagement.categories or "availability" in p.engagement.categories
        self.tiers: dict[str, Tier] = {t.id: t for t in p.tiers}
        self.tier_index = {t.id: i for i, t in enumerate(p.tiers)}
        self.systems: dict[str, System] = {s.id: s for s in p.systems}
        self.system_index: dict[str, int] = {s.id: i for i, s in enumerate(p.systems)}
        if len(self.systems) != len(p.systems):  # duplicate ids (REF-001 reports them): the first one wins
            self.systems, self.system_index = {}, {}
            for i, s in enumerate(p.systems):
                self.systems.setdefault(s.id, s)
                self.system_index.setdefault(s.id, i)
        #: The whole inventory by id, also where a rule is re-run for one system (the incremental evaluator then
        #: narrows ``systems`` to that one): for what a rule works out over every system, e.g. a tier's tests.
        self.all_systems = self.systems
        self.targets: dict[str, Target] = {t.id: t for t in p.targets}
        self.target_index = {t.id: i for i, t in enumerate(p.targets)}
        self.keys: dict[str, Key] = {k.id: k for k in p.keys}
        self.key_index = {k.id: i for i, k in enumerate(p.keys)}
        self.roles: dict[str, Role] = {r.id: r for r in p.roles}
        self.role_index = {r.id: i for i, r in enumerate(p.roles)}
        self.principals: dict[str, Principal] = {x.id: x for x in p.principals}
        self.principal_index = {x.id: i for i, x in enumerate(p.principals)}
        self.schedule_index = {s.id: i for i, s in enumerate(p.schedules)}
        # duplicate schedule ids (REF-001 reports them) make merging plans keep the first of each pair
        self._schedule_ids_unique = len(self.schedule_index) == len(p.schedules)

        # schedules by system (explicit ids plus tier-based selection)
        by_tier: dict[str, list[str]] = defaultdict(list)
        for s in p.systems:
            tier = s.tier
            if tier:
                by_tier[tier].append(s.id)
        self.systems_by_tier = by_tier
        sched: dict[str, list[Schedule]] = defaultdict(list)
        covering: list[Schedule] = []  # the schedules that cover at least one system id: those with a plan
        for sc in p.schedules:
            listed = sc.systems
            if not sc.tiers and (len(listed) == 1 or len(set(listed)) == len(listed)):
                if listed:
                    covering.append(sc)
                for sid in listed:  # the common case: systems listed once each, nothing to de-duplicate
                    sched[sid].append(sc)
                continue
            seen = set()
            for sid in sc.systems:
                if sid not in seen:
                    seen.add(sid)
                    sched[sid].append(sc)
            for tid in sc.tiers:
                for sid in by_tier.get(tid, ()):
                    if sid not in seen:
                        seen.add(sid)
                        sched[sid].append(sc)
            if seen:
                covering.append(sc)
        self._schedules = sched

        # holders by permission; roles by permission
        holders: dict[str, set[str]] = defaultdict(set)
        roles_by_perm: dict[str, list[Role]] = defaultdict(list)
        for r in p.roles:
            for perm in set(r.permissions or ()):
                roles_by_perm[perm].append(r)
                holders[perm].update(r.members or ())
        self._holders = holders
        self.roles_by_perm = roles_by_perm

        tests: dict[str, list[RestoreTest]] = defaultdict(list)
        for t in p.restore_tests:
            tests[t.system].append(t)
        for lst in tests.values():
            lst.sort(key=lambda t: t.date or dt.date.min)
        self._tests = tests

        self.index_exceptions()

        self._schedule_pairs: dict[int, list[tuple[Target, Schedule]]] = {}
        self._single_plans: dict[int, tuple] = {}
        self._sums: dict[tuple, Duration] = {}
        self._target_maps: dict[int, dict] = {}  # id(schedule) -> {id(target): target} of its plan
        # Per-evaluation memos: rules ask these of the same systems many times.
        self._tier_levels: dict[str, int] = {tid: t.level() for tid, t in self.tiers.items()}
        self._tags: dict[int, frozenset[str]] = {}
        self._holders_memo: dict[tuple[str, ...], frozenset[str]] = {}
        self._holders_on_memo: dict[tuple, frozenset[str]] = {}
        self._ransomware_memo: dict[int, bool] = {}
        self._lasting: dict = {}  # see lasting()
        self._objectives: dict[int, tuple] = {}
        # Many systems share one schedule set (tier-wide plans): derive copies and the
        # recovery-point gap once per distinct set, not once per system.
        self._plans: dict[str, tuple] = {}
        self._merged: dict[int, list] = {}  # id(plan) -> its pairs, for plans of several schedules
        self._build_plans(covering)
        #: Field path prefixes a provider answers for (schedules it runs, copies it keeps): see provider_covers.
        self.provider_prefixes: tuple[str, ...] = _provider_prefixes(p)

    def _build_plans(self, covering: list[Schedule]) -> None:
        """``_single_plans`` of the schedules in ``covering``, then ``_plans`` of every system.

        The same plans as :meth:`_plan_of` gives, worked out inline: a large inventory has thousands of distinct
        schedule sets (mostly two: the system's own schedule and a tier-wide one), so the per-set work is kept
        to a few C-level operations.
        """
        singles, maps, pairs_memo, sums = self._single_plans, self._target_maps, self._schedule_pairs, self._sums
        target_of = self.targets.get
        # Thousands of schedules name the same few targets: their distinct, defined targets (a shared list, read
        # only, as copies() says) and its {id(target): target} map, once per list of target ids as written.
        by_ids: dict[tuple, tuple] = {}
        for sc in covering:  # as _schedule_plan (and _pairs), inline
            versioned = sc.versioned
            restorable = versioned is not False and (sc.type != "replication" or versioned is True)  # restorable()
            gap: Optional[Duration] = None
            if restorable:
                ids = tuple(sc.targets)
                known = by_ids.get(ids)
                if known is None:
                    targets = [t for t in map(target_of, dict.fromkeys(ids)) if t is not None]
                    known = by_ids[ids] = targets, dict(zip(map(id, targets), targets))
                targets = known[0]
                pairs = list(zip(targets, repeat(sc)))
                interval = sc.interval
                if interval is not None and interval.text is None:  # known (``not vague``)
                    job = sc.job_duration
                    if job is not None and job.text is None:
                        key = (interval.months, interval.seconds, job.months, job.seconds)
                        gap = sums.get(key)
                        if gap is None:
                            gap = sums[key] = interval + job
                    else:
                        gap = interval
            else:
                targets, pairs, known = [], [], _NO_TARGETS
            pairs_memo[id(sc)] = pairs
            singles[id(sc)] = (pairs, targets, gap)
            maps[id(sc)] = known[1]

        plans = self._plans
        memo: dict[tuple, tuple] = {}  # tuple of id(schedule) -> plan of that set
        for sid, lst in self._schedules.items():
            if len(lst) == 1:
                plans[sid] = singles[id(lst[0])]
                continue
            key = tuple(map(id, lst))
            plan = memo.get(key)
            if plan is None:
                if len(key) == 2:
                    # Two schedules (the common case): the distinct targets in order of first appearance (one
                    # Target object per id, so merging {id(target): target} maps is merging by target id), and
                    # the smaller gap, the first one on a tie (as _plan_of).
                    a, b = key
                    ga, gb = singles[a][2], singles[b][2]
                    if ga is None or (gb is not None and gb.approx_seconds < ga.approx_seconds):
                        ga = gb
                    plan = (None, list({**maps[a], **maps[b]}.values()), ga)
                else:
                    plan = self._plan_of(lst)
                memo[key] = plan
            plans[sid] = plan

    def lasting(self, key, make):
        """``make()``, once: for a value worked out only from what the indexes are built from (and the as-of
        date), which the incremental evaluator keeps for as long as it keeps this context (it keeps one only
        across edits that cannot move its indexes); what a rule stashes otherwise lasts one evaluation."""
        found = self._lasting.get(key, _NOT_YET)
        if found is _NOT_YET:
            found = self._lasting[key] = make()
        return found

    def index_exceptions(self) -> None:
        """Accepted exceptions by rule id (again after an edit of the exceptions alone: the incremental evaluator)."""
        exc: dict[str, list[AcceptedException]] = defaultdict(list)
        for e in self.policy.exceptions:
            exc[e.rule].append(e)
        self._exceptions = exc

    @property
    def type2_auditor(self) -> str:
        """Who samples records, as a finding says it: "a Type II auditor", or for a Type I engagement (a design at
        one date, no records sampled) the audit that usually follows it."""
        if self.policy.engagement.soc2_type == "I":
            return "at the Type II audit that usually follows a Type I, the auditor"
        return "a Type II auditor"

    def category(self, name: str) -> bool:
        """Is Trust Services Category ``name`` in scope? Said so, or not answered yet: until the categories are
        known every rule takes the stricter reading, silently (ASK-001 asks for them once)."""
        cats = self.policy.engagement.categories
        return not cats or name in cats

    def release(self) -> None:
        """Drop every index and memo once the rules are done.

        Some memos (the copies index, the backup plane) refer back to this
        context; clearing them lets reference counting free a whole evaluation
        at once, instead of leaving a cycle for the garbage collector to find
        after every keystroke.
        """
        self.__dict__.clear()

    # ------------------------------------------------------------------
    # paths
    # ------------------------------------------------------------------
    def sp(self, system: System | str, *fields: str | int) -> str:
        """Field path of a system (or one of its fields): ``systems[3].tier``."""
        sid = system if isinstance(system, str) else system.id
        return _path("systems", self.system_index.get(sid), fields)

    def tp(self, target: Target | str, *fields: str | int) -> str:
        tid = target if isinstance(target, str) else target.id
        return _path("targets", self.target_index.get(tid), fields)

    def tierp(self, tier: Tier | str, *fields: str | int) -> str:
        tid = tier if isinstance(tier, str) else tier.id
        return _path("tiers", self.tier_index.get(tid), fields)

    def schp(self, schedule: Schedule | str, *fields: str | int) -> str:
        sid = schedule if isinstance(schedule, str) else schedule.id
        return _path("schedules", self.schedule_index.get(sid), fields)

    def rolep(self, role: Role | str, *fields: str | int) -> str:
        rid = role if isinstance(role, str) else role.id
        return _path("roles", self.role_index.get(rid), fields)

    def keyp(self, key: Key | str, *fields: str | int) -> str:
        kid = key if isinstance(key, str) else key.id
        return _path("keys", self.key_index.get(kid), fields)

    def principalp(self, principal: Principal | str, *fields: str | int) -> str:
        pid = principal if isinstance(principal, str) else principal.id
        return _path("principals", self.principal_index.get(pid), fields)

    def index_of(self, section: str, item: object) -> int:
        """Position of ``item`` (by identity) in a list section."""
        for i, x in enumerate(getattr(self.policy, section)):
            if x is item:
                return i
        return -1

    # ------------------------------------------------------------------
    # systems, tiers, objectives
    # ------------------------------------------------------------------
    def tier(self, a: System) -> Optional[Tier]:
        return self.tiers.get(a.tier)

    def tier_level(self, a: System) -> int:
        """0 for the most critical tier; 9 when the system has no known tier."""
        return self._tier_levels.get(a.tier, 9)

    def critical(self, a: System) -> bool:
        """T0 or T1."""
        return self.tier_level(a) <= 1

    def _objectives_of(self, a: System) -> tuple:
        """(rpo, rto) of ``a``, memoized: rules ask for them many times per system."""
        found = self._objectives.get(id(a))
        if found is None:
            t = self.tiers.get(a.tier)
            found = self._objectives[id(a)] = (
                _known(a.rpo) or _known(t.rpo if t else None),
                _known(a.rto) or _known(t.rto if t else None),
            )
        return found

    def rpo(self, a: System) -> Optional[Duration]:
        return self._objectives_of(a)[0]

    def rto(self, a: System) -> Optional[Duration]:
        return self._objectives_of(a)[1]

    def mtd(self, a: System) -> Optional[Duration]:
        return _known(a.mtd) or _known(getattr(self.tier(a), "mtd", None))

    def dr_rpo(self, a: System) -> Optional[Duration]:
        """RPO in a regional disaster: the tier's DR RPO, never tighter than the system's own RPO."""
        return _looser(_known(getattr(self.tier(a), "dr_rpo", None)), self.rpo(a))

    def dr_rto(self, a: System) -> Optional[Duration]:
        """RTO in a disaster: the tier's DR RTO, never tighter than the system's own RTO."""
        return _looser(_known(getattr(self.tier(a), "dr_rto", None)), self.rto(a))

    def rpo_path(self, a: System) -> str:
        return self.sp(a, "rpo") if a.rpo is not None or not a.tier else self.tierp(a.tier, "rpo")

    def rto_path(self, a: System) -> str:
        return self.sp(a, "rto") if a.rto is not None or not a.tier else self.tierp(a.tier, "rto")

    def valid_exempt(self, a: System) -> bool:
        """Excluded from backup: an exclusion that has not expired. One whose reason or approver is not recorded
        still excludes the system (COV-001 asks for them once); it does not bring the system back into scope."""
        e = a.exclusion
        return e is not None and (e.expires_on is None or e.expires_on >= self.today)

    def in_scope(self, a: System) -> bool:
        """Needs a backup and not validly excluded (see :func:`needs_backup`)."""
        return _in_scope(a, self._tier_levels, self.today, self._schedules)

    @property
    def all_in_scope_systems(self) -> list[System]:
        """``in_scope_systems`` of the whole inventory, also where a rule is re-run for one system."""
        return self.in_scope_systems

    @cached_property
    def in_scope_systems(self) -> list[System]:
        # _in_scope (exclusion, then needs_backup) of every system, inline: two calls per system otherwise.
        today, scheduled = self.today, self._schedules
        critical_tiers = {tid for tid, level in self._tier_levels.items() if level <= 2}  # T0-T2
        out = []
        for a in self.systems.values():
            e = a.exclusion
            if e is not None and (e.expires_on is None or e.expires_on >= today):
                continue  # excluded (an approval not recorded yet is asked by COV-001, not a reason to scope it)
            if a.environment == "prod" or a.tier in critical_tiers:
                out.append(a)
            elif not a.data_classes:
                if a.id in scheduled and a.environment not in NON_PRODUCTION:
                    out.append(a)
            else:
                for c in a.data_classes:  # any class confidential or above
                    if CLASS_RANK.get(c, 0) >= 2:
                        out.append(a)
                        break
        return out

    def tags(self, a: System) -> frozenset[str]:
        """Regulatory tags, including those implied by data classes (phi -> hipaa, pci -> pci). Read-only."""
        found = self._tags.get(id(a))
        if found is None:
            tags = set(a.regulatory_tags)
            if "phi" in a.data_classes:
                tags.add("hipaa")
            if "pci" in a.data_classes:
                tags.add("pci")
            found = self._tags[id(a)] = frozenset(tags)
        return found

    def records_min(self, a: System) -> Optional[tuple[Duration, str]]:
        """The longest regulatory minimum retention that binds the records ``a`` itself holds, with its source
        (GAP_RULES §4). HIPAA's 6 years bind its documentation (policies, procedures, documented actions such as
        audit logs), not PHI, whose retention as medical records state law sets: a system that is HIPAA because
        it holds PHI gets no HIPAA minimum unless it also holds documentation (:func:`holds_hipaa_documentation`).
        Likewise PCI DSS's 12 months bind audit logs, not card data (:func:`holds_pci_audit_logs`)."""
        tags = self.tags(a)
        if "hipaa" in tags and not holds_hipaa_documentation(a):
            tags = tags - {"hipaa"}
        if "pci" in tags and not holds_pci_audit_logs(a):
            tags = tags - {"pci"}
        best: Optional[tuple[Duration, str]] = None
        for tag in sorted(tags):  # sorted: a tie (HIPAA and SEC 17a-4, both 6y) names the same reason every run
            if tag in REGULATORY_MINIMUM:
                d, why = REGULATORY_MINIMUM[tag]
                dur = Duration.of(d)
                if best is None or dur > best[0]:
                    best = (dur, why)
        return best

    # ------------------------------------------------------------------
    # schedules, copies, recovery points
    # ------------------------------------------------------------------
    def schedules(self, a: System | str) -> list[Schedule]:
        sid = a if isinstance(a, str) else a.id
        return self._schedules.get(sid, [])

    @staticmethod
    def restorable(sc: Schedule) -> bool:
        """Produces point-in-time versions (plain replication and mirroring do not)."""
        if sc.versioned is False:
            return False
        if sc.type == "replication" and sc.versioned is not True:
            return False
        return True

    def _pairs(self, sc: Schedule) -> list[tuple[Target, Schedule]]:
        """(target, ``sc``) for each defined target of a restorable schedule; worked out once per schedule."""
        found = self._schedule_pairs.get(id(sc))
        if found is None:
            found = []
            if self.restorable(sc):
                for tid in dict.fromkeys(sc.targets):
                    t = self.targets.get(tid)
                    if t is not None:
                        found.append((t, sc))
            self._schedule_pairs[id(sc)] = found
        return found

    def _schedule_plan(self, sc: Schedule) -> tuple:
        """The plan of one schedule alone: (pairs, distinct targets, recovery-point gap)."""
        pairs = self._pairs(sc)
        gap: Optional[Duration] = None
        interval = sc.interval
        if interval is not None and not interval.vague and self.restorable(sc):
            job = sc.job_duration
            if job is not None and not job.vague:
                # schedules repeat a few (interval, job time) pairs: one Duration per pair, not per schedule
                key = (interval.months, interval.seconds, job.months, job.seconds)
                gap = self._sums.get(key)
                if gap is None:
                    gap = self._sums[key] = interval + job
            else:
                gap = interval
        return pairs, [t for t, _ in pairs], gap

    def _plan_of(self, scheds: list[Schedule]) -> tuple:
        """(target/schedule pairs, distinct targets, recovery-point gap) of one schedule set.

        The pairs of a set of several schedules are left as None here and put
        together on first request (:meth:`copies_with_schedule`): few rules need
        them, and a large inventory has thousands of distinct sets.
        """
        singles, maps = self._single_plans, self._target_maps
        plans = []
        for sc in scheds:
            plan = singles.get(id(sc))
            if plan is None:
                plan = singles[id(sc)] = self._schedule_plan(sc)
                targets = plan[1]
                maps[id(sc)] = dict(zip(map(id, targets), targets))
            plans.append(plan)
        if len(plans) == 1:
            return plans[0]
        # The distinct targets, in order of first appearance: one Target object per id (see _pairs), so
        # merging the schedules' {id(target): target} maps (in C) is merging by target id.
        merged = {}
        for sc in scheds:
            merged.update(maps[id(sc)])
        best: Optional[Duration] = None
        for plan in plans:
            gap = plan[2]
            if gap is not None and (best is None or gap.approx_seconds < best.approx_seconds):
                best = gap
        return None, list(merged.values()), best

    def _merged_pairs(self, scheds: list[Schedule]) -> list[tuple[Target, Schedule]]:
        """The pairs of a set of several schedules, in schedule order."""
        plans = [self._single_plans[id(sc)] for sc in scheds]
        if self._schedule_ids_unique:
            return [pair for plan in plans for pair in plan[0]]
        # duplicate schedule ids (REF-001 reports them): keep the first of each (target, schedule id)
        pairs, seen = [], set()
        for plan in plans:
            for t, sc in plan[0]:
                if (t.id, sc.id) not in seen:
                    seen.add((t.id, sc.id))
                    pairs.append((t, sc))
        return pairs

    def copies_with_schedule(self, a: System) -> list[tuple[Target, Schedule]]:
        """(target, schedule) pairs that hold restorable versions of ``a`` (shared list: do not modify)."""
        plan = self._plans.get(a.id, _NO_PLAN)
        pairs = plan[0]
        if pairs is None:  # a set of several schedules: put its pairs together once (see _plan_of)
            pairs = self._merged.get(id(plan))
            if pairs is None:
                pairs = self._merged[id(plan)] = self._merged_pairs(self._schedules[a.id])
        return pairs

    def copies(self, a: System) -> list[Target]:
        """Distinct targets holding restorable versions of ``a`` (shared list: do not modify)."""
        return self._plans.get(a.id, _NO_PLAN)[1]

    def rp_gap(self, a: System) -> Optional[Duration]:
        """Worst-case age of the newest restorable point: smallest interval (+ job time)."""
        return self._plans.get(a.id, _NO_PLAN)[2]

    # ------------------------------------------------------------------
    # restore paths and scenarios
    # ------------------------------------------------------------------
    @staticmethod
    def retrieval_hours(c: Target) -> float:
        if c.retrieval_hours is not None:
            return c.retrieval_hours
        cls = c.storage_class or "standard"
        if cls == "tape_offsite":
            return 24.0  # courier plus load, unless the target states its contract time
        return RETRIEVAL_HOURS.get((cls, c.retrieval_option), RETRIEVAL_HOURS.get((cls, None), 0.0))

    def restore_hours(self, c: Target, a: System) -> Optional[float]:
        """Estimated hours to restore ``a`` from ``c``; None when size or throughput is unknown."""
        if a.size_gb is None or not c.restore_throughput_gbph:
            return None
        return self.retrieval_hours(c) + a.size_gb / c.restore_throughput_gbph + (a.rebuild_hours or 0.0)

    def holders(self, *perms: str) -> frozenset[str]:
        """Principals who are members of any role granting any of ``perms`` (read-only)."""
        found = self._holders_memo.get(perms)
        if found is None:
            out: set[str] = set()
            for perm in perms:
                out |= self._holders.get(perm, set())
            found = self._holders_memo[perms] = frozenset(out)
        return found

    def holders_on(self, target: Target, *perms: str) -> frozenset[str]:
        """Holders of ``perms`` through roles that apply to ``target`` (roles without targets apply to all; read-only)."""
        key = (target.id, perms)
        found = self._holders_on_memo.get(key)
        if found is None:
            out: set[str] = set()
            for perm in perms:
                for r in self.roles_by_perm.get(perm, ()):
                    if not r.targets or target.id in r.targets:
                        out.update(r.members or ())
            found = self._holders_on_memo[key] = frozenset(out)
        return found

    def survives(self, c: Target, a: System, scenario: str) -> bool:
        """Whether copy ``c`` of ``a`` is still usable after ``scenario``."""
        if scenario == "region_loss":
            if c.region and a.region:
                return c.region != a.region
            if c.site and a.site:
                return c.site != a.site
            return bool(c.offline and c.leaves_facility) or apart_by_platform(c, a)
        if scenario == "ransomware":
            found = self._ransomware_memo.get(id(c))
            if found is None:
                mode = c.immutability.mode if c.immutability else None
                if mode in ("compliance", "worm_media") or c.offline:
                    found = True
                elif c.isolated_account:
                    found = not (self.holders("prod_admin")
                                 & self.holders_on(c, "delete_recovery_point", "bypass_governance"))
                else:
                    found = False
                self._ransomware_memo[id(c)] = found
            return found
        raise ValueError(f"unknown scenario {scenario}")

    # ------------------------------------------------------------------
    # tests, alerts, exceptions
    # ------------------------------------------------------------------
    def tests(self, a: System | str) -> list[RestoreTest]:
        """Restore tests of ``a``, oldest first."""
        sid = a if isinstance(a, str) else a.id
        return self._tests.get(sid, [])

    def alerts_covering(self, a: System, event: str) -> list:
        """Alert rules for ``event`` whose scope includes ``a``."""
        out = []
        for al in self.policy.monitoring.alerts:
            if al.event != event:
                continue
            if (not al.systems and not al.tiers) or a.id in al.systems or (a.tier and a.tier in al.tiers):
                out.append(al)
        return out

    def exceptions_for(self, rule_id: str) -> list[AcceptedException]:
        return self._exceptions.get(rule_id, [])

    def exception_valid(self, e: AcceptedException) -> bool:
        return bool(e.justification and e.approved_by and (e.expires_on is None or e.expires_on >= self.today))

    # ------------------------------------------------------------------
    # hits
    # ------------------------------------------------------------------
    def hit(self, message: str, *paths: str, subject: str | None = None, system: System | None = None,
            severity: str | None = None, scopes: Iterable[str] = (), causes: tuple[str, ...] = (),
            why: str | None = None) -> Hit:
        """A wrong answer (a gap). ``system`` enables the tier and regulatory modifiers; ``severity`` overrides
        the rule's, and ``why`` says why (every severity that differs from the rule's says why); ``causes``
        names the field paths whose value the hit is about when another rule may report the same value."""
        tier = system.tier if system is not None else None
        scope = (tuple(scopes) + (tier,) if scopes else (tier,)) if tier else tuple(scopes)
        return Hit(message, tuple(filter(None, paths)), subject or (system.id if system else None), system,
                   severity, "gap", scope, causes, why)

    def provider_covers(self, paths: tuple[str, ...]) -> bool:
        """Whether every path of a question is a detail of a schedule or copy a provider runs, which the client
        cannot know (VEND-002 asks for the provider's assurance instead)."""
        return bool(paths) and all(p.startswith(self.provider_prefixes) for p in paths)

    def ask(self, message: str, *paths: str, subject: str | None = None, system: System | None = None,
            severity: str | None = None, scopes: Iterable[str] = (), causes: tuple[str, ...] = (),
            why: str | None = None) -> Hit:
        """A question not answered yet: the same rule, reported as a question."""
        h = self.hit(message, *paths, subject=subject, system=system, severity=severity, scopes=scopes,
                     causes=causes, why=why)
        h.kind = "question"
        return h

    def missing(self, message: str, *paths: str, subject: str | None = None, system: System | None = None,
                severity: str | None = None, scopes: Iterable[str] = (), causes: tuple[str, ...] = (),
                why: str | None = None) -> Hit:
        """Missing or overdue evidence: the policy is fine, the records that show it operating are not."""
        h = self.hit(message, *paths, subject=subject, system=system, severity=severity, scopes=scopes,
                     causes=causes, why=why)
        h.kind = "evidence"
        return h


_NOT_YET = object()
_NO_TARGETS: tuple = ([], {})  # a schedule that keeps no restorable version: no targets (read only)
_NO_PLAN: tuple = ((), (), None)  # a system no schedule covers (immutable, safe to share)

#: Details of a copy a provider keeps (``targets[].managed_by``) that only the provider knows: its SOC 2 report
#: covers them. Where the copy is (region), how long it is kept (retention) and who holds it stay the client's.
PROVIDER_TARGET_FIELDS = ("account", "isolated_account", "immutability", "soft_delete_days", "encryption",
                          "transfer", "capacity_used_percent", "capacity_forecast", "restore_throughput_gbph",
                          "media", "storage_class", "retrieval_option", "retrieval_hours", "offline", "site",
                          "chain_of_custody", "legal_hold_supported")
#: Details of backups a provider takes (``schedules[].performed_by``) that only the provider knows.
PROVIDER_SCHEDULE_FIELDS = ("job_duration", "copy_lag", "automated", "app_consistent", "type", "versioned",
                            "started_on")


def _provider_prefixes(p: Policy) -> tuple[str, ...]:
    out: list[str] = []
    for i, t in enumerate(p.targets):
        if t.managed_by is not None:
            out += [f"targets[{i}].{f}" for f in PROVIDER_TARGET_FIELDS]
    for i, sc in enumerate(p.schedules):
        if sc.performed_by is not None:
            out += [f"schedules[{i}].{f}" for f in PROVIDER_SCHEDULE_FIELDS]
    return tuple(out)


#: Environments whose systems are in scope only through their tier or their data.
NON_PRODUCTION = frozenset({"dev", "test", "staging"})


def _in_scope(a: System, levels: dict[str, int], today: dt.date, scheduled=()) -> bool:
    e = a.exclusion
    if e is not None and (e.expires_on is None or e.expires_on >= today):
        return False  # excluded (as Context.valid_exempt)
    return needs_backup(a, levels, scheduled)


def needs_backup(a: System, levels: dict[str, int], scheduled=()) -> bool:
    """In scope unless excluded (GAP_RULES §7.1): prod, or a T0-T2 tier (``levels``: tier id -> level), or
    confidential data. Also a system the policy backs up (its id in ``scheduled``) whose data nobody has
    classified, outside dev, test and staging: unknown data is not assumed harmless, and the policy's own
    backup says it matters."""
    if a.environment == "prod" or levels.get(a.tier, 9) <= 2:
        return True
    if not a.data_classes:
        return a.id in scheduled and a.environment not in NON_PRODUCTION
    return any(CLASS_RANK.get(c, 0) >= 2 for c in a.data_classes)


def _looser(a: Optional[Duration], b: Optional[Duration]) -> Optional[Duration]:
    if a is None or b is None:
        return a or b
    return max(a, b)


def _known(d: Optional[Duration]) -> Optional[Duration]:
    return d if d is not None and not d.vague else None


def _path(section: str, index: Optional[int], fields: tuple[str | int, ...]) -> str:
    out = f"{section}[{index if index is not None else '?'}]"
    if len(fields) == 1 and fields[0].__class__ is str:  # the common case: one field name
        return out + "." + fields[0]
    for f in fields:
        out += f"[{f}]" if isinstance(f, int) else f".{f}"
    return out


def fmt_hours(hours: float) -> str:
    """``5.5`` -> ``5.5h``; ``49`` -> ``2d 1h``."""
    if hours != hours or hours == float("inf"):
        return "an unbounded time"
    if hours >= 48:
        d, h = divmod(round(hours), 24)
        return f"{d}d" + (f" {h}h" if h else "")
    return f"{hours:.1f}h".replace(".0h", "h")


DESTRUCTIVE_PERMS = DESTRUCTIVE
