"""Immutability (IMM): can ransomware or an insider delete or rewrite the backup copies?

This module also holds :class:`Plane`, the view of the backup plane shared with
the ENC, ACC and MON families (which systems each target holds, who holds which
permission where, through which role or group). It lives here because this is
the first of those families to be imported, so rule registration keeps catalog
order. The view is built once per evaluation.

Shared causes: none known. Whether a copy is isolated from production is COPY-003's
question; IMM-001 asks only about locks.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from typing import Iterable, Optional

from workbench.spec.durations import Duration
from workbench.spec.model import BACKUP_PERMISSIONS, DESTRUCTIVE, Key, Role, System, Target

from .context import REGULATORY_MINIMUM
from .engine import rule
from .wording import listing as names

LOCKED = ("compliance", "worm_media")
REMOVABLE_MEDIA = ("tape", "removable", "optical")
LOCK_CLASSES = ("restricted", "phi", "pci")
LOCK_CLASSES_SET = frozenset(LOCK_CLASSES)
REGULATED = frozenset({"hipaa", "pci", "gdpr"})
MIN_SOFT_DELETE_DAYS = 14
#: Permissions that lift a governance-mode lock (IMM-002).
LIFT_PERMS = ("bypass_governance", "modify_immutability")
#: How long SEC 17a-4(f) expects WORM storage, and for which records.
_WORM, _WORM_WHY = Duration.of(REGULATORY_MINIMUM["sec17a4"][0]), REGULATORY_MINIMUM["sec17a4"][1]
_WORM_DAYS = int(_WORM.days)


def _counted_days(kept) -> int:
    """A retention in days as a lock is set against it: a year is 365 days and a month 30, as storage services
    count a lock in years (a 2555-day lock covers "7y", a 90-day lock "3mo"); at average lengths a 7-year
    retention was 2556 days and its 2555-day lock was reported one day short."""
    return int((kept.months // 12) * 365 + (kept.months % 12) * 30 + kept.seconds / 86400)


# ----------------------------------------------------------------------------
# The backup-plane view (shared with encryption, access and monitoring)
# ----------------------------------------------------------------------------
class Plane:
    """Targets, roles, groups and keys as one graph, built once per evaluation."""

    def __init__(self, ctx):
        self.ctx = ctx
        p = ctx.policy
        copied, extra = self._written(ctx)
        #: target id -> {system id: system} with restorable copies there
        self.copied: dict[str, dict[str, System]] = copied
        #: target id -> {system id: system} whose data any schedule writes there (replicas included)
        self.held: dict[str, dict[str, System]] = dict(copied)
        for tid, d in extra.items():
            self.held[tid] = {**copied.get(tid, {}), **d}
        self._group_members = {x.id: x.members for x in p.principals if x.members}
        parents: dict[str, list[str]] = defaultdict(list)
        for g, ms in self._group_members.items():
            for m in ms:
                parents[m].append(g)
        self._parents = parents
        self._expanded: dict[str, list[str]] = {}
        self._ancestors: dict[str, set[str]] = {}
        self._role_members: dict[str, dict[str, Optional[str]]] = {}
        self.key_targets: dict[str, list[Target]] = defaultdict(list)
        for t in p.targets:
            if t.encryption and t.encryption.key:
                self.key_targets[t.encryption.key].append(t)
        #: role id -> keys it is named admin of (such a role administers a backup key)
        self.key_admin_roles: dict[str, list[str]] = defaultdict(list)
        for k in p.keys:
            for x in k.admins or ():
                if x in ctx.roles:
                    self.key_admin_roles[x].append(k.id)
        self.backup_roles = [r for r in p.roles if self.is_backup_role(r)]
        self._tests_from: Optional[dict[str, list]] = None
        self._level = self._levels(ctx)
        self._regulated_ids: Optional[set[str]] = None
        self._worst_on: dict[tuple, Optional[System]] = {}
        self._reach: dict[Optional[frozenset], list[System]] = {}
        self._critical: dict[Optional[frozenset], int] = {}

    @staticmethod
    def _written(ctx) -> tuple[dict[str, dict[str, System]], dict[str, dict[str, System]]]:
        """target id -> {system id: system} written there by restorable schedules, and by the others."""
        systems = ctx.systems
        get, by_tier, restorable = systems.get, ctx.systems_by_tier, ctx.restorable
        copied: dict[str, dict[str, System]] = {}
        extra: dict[str, dict[str, System]] = {}
        tier_pools: dict[str, dict[str, System]] = {}  # a tier's systems, shared by every plan naming it
        for sc in ctx.policy.schedules:
            covered = {}
            for s in sc.systems:
                a = get(s)
                if a is not None:
                    covered[s] = a
            for tid in sc.tiers:
                pool = tier_pools.get(tid)
                if pool is None:
                    ids = by_tier.get(tid, ())
                    pool = tier_pools[tid] = dict(zip(ids, map(systems.__getitem__, ids)))
                covered.update(pool)
            into = copied if restorable(sc) else extra
            for tid in sc.targets:
                held = into.get(tid)
                if held is None:
                    into[tid] = dict(covered)
                else:
                    held.update(covered)
        return copied, extra

    @staticmethod
    def _levels(ctx) -> dict[str, int]:
        """system id -> tier level (9 without a known tier), filled tier by tier rather than system by system."""
        tier_level = {t.id: t.level() for t in ctx.policy.tiers}
        if len(ctx.systems) != len(ctx.policy.systems):  # duplicate ids: the first system's tier counts
            return {a.id: tier_level.get(a.tier, 9) if a.tier else 9 for a in ctx.systems.values()}
        out = dict.fromkeys(ctx.systems, 9)
        for tid, ids in ctx.systems_by_tier.items():
            lvl = tier_level.get(tid)
            if lvl is not None:
                out.update(dict.fromkeys(ids, lvl))
        return out

    # -- roles, groups, members ------------------------------------------
    def is_backup_role(self, r: Role) -> bool:
        """Grants a backup-plane permission, or administers a backup key."""
        return bool(BACKUP_PERMISSIONS.intersection(r.permissions or ())) or r.id in self.key_admin_roles

    def is_destructive_role(self, r: Role) -> bool:
        return bool(DESTRUCTIVE.intersection(r.permissions or ())) or r.id in self.key_admin_roles

    def role_text(self, r: Role) -> str:
        """What a backup role may do: ``delete_recovery_point, admin of key kms-bkp``."""
        parts = [p for p in r.permissions or () if p in BACKUP_PERMISSIONS]
        keys = self.key_admin_roles.get(r.id)
        if keys:
            parts.append(f"admin of key {', '.join(keys)}")
        return ", ".join(parts)

    def expand(self, pid: str) -> list[str]:
        """Everyone inside group ``pid``, nested groups included (empty for a non-group)."""
        if pid in self._expanded:
            return self._expanded[pid]
        out: dict[str, None] = {}
        stack, seen = list(reversed(self._group_members.get(pid, ()))), {pid}
        while stack:
            m = stack.pop()
            if m in seen:
                continue
            seen.add(m)
            out[m] = None
            stack.extend(reversed(self._group_members.get(m, ())))
        self._expanded[pid] = list(out)
        return self._expanded[pid]

    def ancestors(self, pid: str) -> set[str]:
        """Groups that contain ``pid``, directly or through nested groups."""
        if pid not in self._ancestors:
            out: set[str] = set()
            stack = list(self._parents.get(pid, ()))
            while stack:
                g = stack.pop()
                if g not in out:
                    out.add(g)
                    stack.extend(self._parents.get(g, ()))
            self._ancestors[pid] = out
        return self._ancestors[pid]

    def top(self, pids: Iterable[str]) -> list[str]:
        """``pids`` without those already covered by a group in ``pids``."""
        pool = set(pids)
        return [x for x in pids if not (self.ancestors(x) & pool)]

    def members(self, r: Role) -> dict[str, Optional[str]]:
        """Effective members of ``r``: principal id -> the group named in the role it comes through (None = direct)."""
        if r.id not in self._role_members:
            out: dict[str, Optional[str]] = {}
            for m in r.members or ():
                out.setdefault(m, None)
            for m in r.members or ():
                for x in self.expand(m):
                    out.setdefault(x, m)
            self._role_members[r.id] = out
        return self._role_members[r.id]

    def holders(self, *perms: str, target: Target | None = None) -> dict[str, list[tuple[str, Role, Optional[str]]]]:
        """principal id -> [(permission, role, via group)] for roles granting ``perms`` (on ``target`` if given)."""
        out: dict[str, list] = defaultdict(list)
        for perm in perms:
            for r in self.ctx.roles_by_perm.get(perm, ()):
                if target is not None and r.targets and target.id not in r.targets:
                    continue
                for pid, via in self.members(r).items():
                    out[pid].append((perm, r, via))
        return out

    def key_admins(self, k: Key) -> dict[str, list[str]]:
        """principal id -> how they administer ``k`` (named on the key, a role, or a key_admin role)."""
        out: dict[str, list[str]] = defaultdict(list)
        for x in k.admins or ():
            role = self.ctx.roles.get(x)
            if role is not None:
                for pid, via in self.members(role).items():
                    out[pid].append(grant_text(role, via))
                continue
            out[x].append(f"named admin of {k.id}")
            for m in self.expand(x):
                out[m].append(f"named admin of {k.id} via {x}")
        ids = {t.id for t in self.key_targets.get(k.id, ())}
        for r in self.ctx.roles_by_perm.get("key_admin", ()):
            if r.targets and not ids.intersection(r.targets):
                continue
            for pid, via in self.members(r).items():
                out[pid].append(grant_text(r, via))
        return out

    def person(self, pid: str) -> bool:
        """A person (human or shared account); ids with no principal entry are taken as people."""
        x = self.ctx.principals.get(pid)
        return x is None or x.type not in ("service", "group")

    # -- systems ---------------------------------------------------------
    def level(self, a: System) -> int:
        """Tier level, cached (0 = T0)."""
        lv = self._level.get(a.id)
        return self.ctx.tier_level(a) if lv is None else lv

    def worst(self, systems: Iterable[System], regulated_first: bool = False) -> Optional[System]:
        """The system that drives severity: the most critical tier (regulated data first if asked)."""
        pool = {a.id: a for a in systems}
        return self._worst(pool, regulated_first)

    def _worst(self, pool: dict[str, System], regulated_first: bool) -> Optional[System]:
        if not pool:
            return None
        lv = self._level.__getitem__
        if regulated_first:
            reg = [s for s in pool if s in self.regulated_ids]
            if reg:
                return pool[min(reg, key=lv)]
        return pool[min(pool, key=lv)]

    def worst_on(self, target_id: str, held: bool = False, regulated_first: bool = False) -> Optional[System]:
        """:meth:`worst` of the systems copied (or ``held``) on a target, cached."""
        key = (target_id, held, regulated_first)
        if key not in self._worst_on:
            pool = (self.held if held else self.copied).get(target_id, {})
            self._worst_on[key] = self._worst(pool, regulated_first)
        return self._worst_on[key]

    @property
    def regulated_ids(self) -> set[str]:
        """Systems holding data under HIPAA, PCI DSS or GDPR (tags or data classes)."""
        if self._regulated_ids is None:
            self._regulated_ids = {
                s for s, a in self.ctx.systems.items()
                if not REGULATED.isdisjoint(a.regulatory_tags) or "phi" in a.data_classes or "pci" in a.data_classes
            }
        return self._regulated_ids

    def reach(self, target_ids: Optional[Iterable[str]]) -> list[System]:
        """Systems with restorable copies on ``target_ids`` (None = every target), most critical first.

        Within a tier, systems come in the order of the targets in the policy (so the
        answer does not depend on the iteration order of ``target_ids``).
        """
        key = None if target_ids is None else frozenset(target_ids)
        if key not in self._reach:
            ids: dict[str, System] = {}
            for t, pool in self.copied.items():
                if key is None or t in key:
                    ids.update(pool)
            lv = self._level.__getitem__
            ranked_ids = sorted(ids, key=lv)  # stable: first-seen order within a tier
            self._reach[key] = list(map(ids.__getitem__, ranked_ids))
            self._critical[key] = bisect_right(list(map(lv, ranked_ids)), 1)  # levels ascend: T0/T1 come first
        return self._reach[key]

    def reach_critical(self, target_ids: Optional[Iterable[str]]) -> list[System]:
        """The T0/T1 systems of :meth:`reach`, most critical first."""
        ranked = self.reach(target_ids)
        return ranked[:self._critical[None if target_ids is None else frozenset(target_ids)]]

    def tests_from(self, target_id: str) -> list:
        """Restore tests that restored from ``target_id``."""
        if self._tests_from is None:
            idx: dict[str, list] = defaultdict(list)
            for t in self.ctx.policy.restore_tests:
                if t.source_target:
                    idx[t.source_target].append(t)
            self._tests_from = idx
        return self._tests_from.get(target_id, [])


def plane(ctx) -> Plane:
    """The backup-plane view of this evaluation, built on first use and kept on the Context.

    (Not in a module-level WeakKeyDictionary keyed by the Context: the Plane refers back to
    its Context, so such an entry would keep every Context alive.)
    """
    pl = ctx.__dict__.get("_plane")
    if pl is None:
        pl = ctx._plane = Plane(ctx)
    return pl


def grant_text(r: Role, via: Optional[str]) -> str:
    return f"role {r.id}" + (f" via group {via}" if via else "")


def label(a: System) -> str:
    """``db-orders (T0)``."""
    return f"{a.id} ({a.tier})" if a.tier else a.id


# ----------------------------------------------------------------------------
# Rules
# ----------------------------------------------------------------------------
@rule(
    "IMM-001",
    title="No immutable or offline copy where one is required",
    severity="major",
    family="immutability",
    tier_modifier=True,
    maps={"soc2": ["A1.2", "CC6.1", "CC7.5", "C1.1", "P4.2"], "cis": ["11.3", "11.4"],
          "nist": ["CP-9(7)", "CP-9(8)"], "iso27001": ["A.8.13", "A.5.33"],
          "other": ["SEC 17a-4(f)", "CISA ransomware guidance"]},
    fix="Lock at least one copy in compliance mode (S3 Object Lock, AWS Backup Vault Lock after its grace period, "
        "a locked immutable Azure vault) or keep a rotated offline copy.",
    description="A system that must have an immutable or offline copy has none.",
)
def imm_001(ctx):
    state = {c.id: _lock_state(c) for c in ctx.policy.targets}
    # A copy the policy states is immutable, mechanism not known yet, counts (IMM-002 asks for the mechanism).
    locked = {tid for tid, s in state.items() if s in ("locked", "stated")}
    policy_wide = ctx.policy.policy.require_immutable
    must = {t.id for t in ctx.policy.tiers if t.require_immutable or (t.require_immutable is None and policy_wide)}
    # When neither the policy nor any tier says whether a lock is needed, it is asked (once). A tier that says
    # so for itself answers it: the others' silence then reads as "not required".
    silent = policy_wide is None and all(t.require_immutable is None for t in ctx.policy.tiers)
    copies_of = ctx.copies
    safe = _locked_somewhere(plane(ctx), locked, len(ctx.systems))
    if len(safe) == len(ctx.systems):
        return  # every system has a copy on a locked target (say, a locked vault behind a tier-wide plan)
    unasked = []
    for a in ctx.in_scope_systems:
        if a.id in safe:
            continue
        if a.tier not in must and not (policy_wide and a.tier not in ctx.tiers) \
                and LOCK_CLASSES_SET.isdisjoint(a.data_classes) and "sec17a4" not in a.regulatory_tags:
            if silent and copies_of(a) \
                    and not _any_locked(copies_of(a), locked):
                unasked.append(a)
            continue
        copies = copies_of(a)
        if not copies:
            continue  # no copy at all is reported by the coverage and copy rules
        if _any_locked(copies, locked):
            continue
        yield _imm_001_hit(ctx, a, copies, [(c, state[c.id]) for c in copies])
    if unasked:
        yield _need_question(ctx, unasked)


def _need_question(ctx, group: list):
    """IMM-001's one question when nothing says whether a copy must be immutable or offline (issue 12 §4)."""
    pl = plane(ctx)
    tiers = sorted({a.tier for a in group if a.tier in ctx.tiers})
    paths = ["policy.require_immutable"] + [ctx.tierp(t, "require_immutable") for t in tiers]
    one = len(group) == 1
    return ctx.ask(
        f"Must any copy be immutable or offline, out of reach of ransomware and of an administrator who deletes "
        f"backups? No tier, data class or policy-wide rule says so, and {names([a.id for a in group])} "
        f"{'has' if one else 'have'} no locked or offline copy. Answer it policy-wide (policy.require_immutable) "
        f"or per tier.", *paths, subject="policy", system=pl.worst(group), scopes=tuple(a.id for a in group))


def _locked_somewhere(pl: Plane, locked: set[str], everyone: int) -> set[str]:
    """Ids of systems with a restorable copy on a locked target (the same as a locked entry in ``ctx.copies``).

    Stops once it holds all ``everyone`` systems (the plane's pools hold only systems of the inventory):
    the largest pools come first, so a vault that every system is copied to ends the walk at once.
    """
    out: set[str] = set()
    for pool in sorted(filter(None, map(pl.copied.get, locked)), key=len, reverse=True):
        out.update(pool)
        if len(out) == everyone:
            break
    return out


def _any_locked(copies: list[Target], locked: set[str]) -> bool:
    for c in copies:
        if c.id in locked:
            return True
    return False


def _imm_001_hit(ctx, a: System, copies: list[Target], states: list[tuple[Target, str]]):
    reasons, why_paths = _why_immutable(ctx, a)
    sev = "blocker" if "sec17a4" in ctx.tags(a) else None
    why = "SEC 17a-4 requires WORM storage" if sev else None
    paths = [ctx.tp(c, "immutability", "mode") for c in copies] + why_paths
    scopes = [c.id for c in copies]
    unknown = [c.id for c, s in states if s == "unknown"]
    if unknown:
        return ctx.ask(
            f"{label(a)} needs an immutable or offline copy ({'; '.join(reasons)}): "
            f"{'is' if len(unknown) == 1 else 'are'} {names(unknown)} locked in compliance mode, WORM or offline?",
            *paths, system=a, severity=sev, scopes=scopes, why=why,
        )
    return ctx.hit(
        f"{label(a)} needs an immutable or offline copy ({'; '.join(reasons)}) but none of its copies "
        f"is locked in compliance mode, WORM or offline: {', '.join(_lock_text(c) for c in copies)}.",
        *paths, system=a, severity=sev, scopes=scopes, why=why,
    )


@rule(
    "IMM-002",
    title="Immutability is weak or can be bypassed",
    severity="major",
    family="immutability",
    tier_modifier=True,
    maps={"soc2": ["CC6.3", "CC6.1"], "nist": ["CP-9(7)", "AC-5"], "iso27001": ["A.8.13", "A.5.3"],
          "other": ["SEC 17a-4(f)"]},
    fix="Prefer compliance mode; otherwise give bypass only to a break-glass role owned by security, with MFA and "
        "two-person approval. Lock points at least as long as they are kept.",
    description="A lock that privileged or unprotected accounts can lift, a lock shorter than retention, or short soft delete alone.",
)
def imm_002(ctx):
    pl = plane(ctx)
    records = _Records(ctx)
    lifting: dict[tuple, tuple] = {}
    # Targets written only by versioned replication (versioning is what makes them restorable).
    versioned_into: dict[str, bool] = {}
    for sc in ctx.policy.schedules:
        only = sc.versioned is True and sc.type in ("replication", "continuous")
        for tid in sc.targets:
            versioned_into[tid] = versioned_into.get(tid, True) and only
    for c in ctx.policy.targets:
        imm = c.immutability
        mode = imm.mode if imm else None
        if mode is None and imm is not None and imm.enabled and not c.offline and c.id in pl.held:
            # "Immutable" stated, the mechanism not: one question, not silence and not a contradiction.
            worst, scopes = _about(pl, c)
            days = f" for {imm.days} days" if imm.days else ""
            yield ctx.ask(f"{c.id} is immutable{days}, as the policy states: by which mechanism (a compliance-mode "
                          "lock, WORM media, or a governance-mode lock that privileged users can lift)"
                          f"{'' if imm.days else ', and for how many days'}?",
                          ctx.tp(c, "immutability", "mode"), subject=c.id, system=worst, scopes=scopes,
                          severity="minor")
            continue
        if mode in (None, "none") and not c.offline and c.isolated_account is not True and c.id in pl.held \
                and not (mode == "none" and c.soft_delete_days is not None
                         and c.soft_delete_days < MIN_SOFT_DELETE_DAYS):
            hit = _undo_only(ctx, pl, c, versioned_into)
            if hit is not None:
                yield hit
        if mode not in ("governance", "compliance", "none"):
            continue
        if mode == "governance":
            yield from _bypassable(ctx, pl, c, lifting)
        if mode in ("governance", "compliance"):
            yield from _lock_length(ctx, pl, c, imm, records)
        if mode == "none" and not c.offline and c.soft_delete_days is not None \
                and c.soft_delete_days < MIN_SOFT_DELETE_DAYS:
            worst, scopes = _about(pl, c)
            yield ctx.hit(
                f"{c.id} has no lock, and its only protection is soft delete for {c.soft_delete_days} days "
                f"(less than {MIN_SOFT_DELETE_DAYS}): a deletion noticed after that is permanent.",
                ctx.tp(c, "soft_delete_days"), ctx.tp(c, "immutability", "mode"),
                subject=c.id, system=worst, scopes=scopes,
            )


def _undo_only(ctx, pl: Plane, c: Target, versioned_into: dict):
    """Soft delete or versioning as a copy's only protection against deletion (issue 12 §4): asked, once per
    target, unless a held system must have a lock (IMM-001 asks about the lock then)."""
    soft = c.soft_delete_days is not None
    versioning = versioned_into.get(c.id, False)
    if not (soft or versioning):
        return None
    held = pl.held.get(c.id, {}).values()
    must = {t.id for t in ctx.policy.tiers if t.require_immutable}
    if ctx.policy.policy.require_immutable or any(a.tier in must or not LOCK_CLASSES_SET.isdisjoint(a.data_classes)
           or "sec17a4" in a.regulatory_tags for a in held):
        return None
    what = (f"soft delete ({c.soft_delete_days} days)" if soft else "") + \
        (" and " if soft and versioning else "") + ("versioning" if versioning else "")
    worst, scopes = _about(pl, c)
    lock = "has no lock" if c.immutability is not None and c.immutability.mode == "none" else "states no lock"
    return ctx.ask(f"{c.id} {lock} and relies on {what}: is that its only protection against deletion? Anyone who "
                   "can delete the data can usually purge deleted points and versions too. Is it locked (compliance "
                   "mode, WORM), kept offline, or in an account of its own?",
                   ctx.tp(c, "immutability", "mode"), ctx.tp(c, "isolated_account"), subject=c.id, system=worst,
                   scopes=scopes, severity="minor")


def _about(pl: Plane, c: Target) -> tuple[Optional[System], list[str]]:
    """IMM-002's severity system and scopes for target ``c`` (worked out only for a finding)."""
    pool = pl.copied.get(c.id) or pl.held.get(c.id, {})
    return pl.worst_on(c.id, held=c.id not in pl.copied), list(pool)


class _Records:
    """Systems whose SEC 17a-4 records are kept by backups or archives (they need WORM for the full period).

    Found on first use: only a lock shorter than the WORM period needs them.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self._ids: Optional[list[str]] = None

    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = [s for s, a in self.ctx.systems.items()
                         if "sec17a4" in a.regulatory_tags and a.records_retention_via in ("backup", "archive")]
        return self._ids


def _bypassable(ctx, pl: Plane, c: Target, lifting: dict):
    # Who can lift the lock depends only on which roles granting the lifting permissions
    # apply to ``c``; targets that share those roles share the whole answer.
    key = tuple((perm, id(r)) for perm in LIFT_PERMS for r in ctx.roles_by_perm.get(perm, ())
                if not r.targets or c.id in r.targets)
    found = lifting.get(key)
    if found is None:
        found = lifting[key] = _lifters(ctx, pl, c)
    grant, parts, roles = found
    if parts:
        worst, scopes = _about(pl, c)
        yield ctx.hit(
            f"{c.id} has only a governance-mode lock ({grant}), and it can be lifted by {'; by '.join(parts)}.",
            ctx.tp(c, "immutability", "mode"), *(ctx.rolep(r, "members") for r in roles.values()),
            subject=c.id, system=worst, scopes=scopes,
        )


def _lifters(ctx, pl: Plane, c: Target) -> tuple[str, list[str], dict[str, Role]]:
    """(the lifting grants as text, who can lift a governance lock on ``c`` and why, the roles that grant it)."""
    prod = pl.holders("prod_admin")
    lifters = pl.holders(*LIFT_PERMS, target=c)
    roles = {r.id: r for grants in lifters.values() for _, r, _ in grants}
    lift_perms: dict[str, list[str]] = {}
    for grants in lifters.values():
        for perm, r, _ in grants:
            if perm not in lift_perms.setdefault(r.id, []):
                lift_perms[r.id].append(perm)
    admins = [f"{pid} (prod_admin through {grant_text(prod[pid][0][1], prod[pid][0][2])})"
              for pid in pl.top([x for x in lifters if x in prod])]
    no_mfa_roles = [r.id for r in roles.values() if r.mfa_required is False]
    no_mfa_people = [pid for pid in lifters if pl.person(pid) and ctx.principals.get(pid) is not None
                     and ctx.principals[pid].mfa_enrolled is False]
    parts = []
    if admins:
        parts.append(f"production admins {names(admins)}")
    if no_mfa_roles:
        parts.append(f"members of role {', '.join(no_mfa_roles)}, which does not require MFA")
    if no_mfa_people:
        parts.append(f"{names(no_mfa_people)}, with no MFA enrolled")
    grant = "; ".join(f"{', '.join(lift_perms[rid])}: role {rid}" for rid in roles) if parts else ""
    return grant, parts, roles


def _lock_length(ctx, pl: Plane, c: Target, imm, records: _Records):
    if imm.days is None:
        worst, scopes = _about(pl, c)
        yield ctx.ask(f"{c.id} has a {imm.mode}-mode lock: for how many days does it hold each recovery point?",
                      ctx.tp(c, "immutability", "days"), subject=c.id, system=worst, scopes=scopes)
        return
    ret = c.retention
    if ret is not None:
        daily = ret.daily if ret.daily is not None and not ret.daily.vague else None
        kept = daily or ret.shortest()
        if kept is not None and imm.days < _counted_days(kept):
            what = "daily recovery points are" if daily else "recovery points are"
            worst, scopes = _about(pl, c)
            yield ctx.hit(
                f"{c.id} locks recovery points for {imm.days} days but its {what} kept for {kept}: "
                f"for the rest of that time they can be deleted.",
                ctx.tp(c, "immutability", "days"), ctx.tp(c, "retention", "daily" if daily else "max"),
                subject=c.id, system=worst, scopes=scopes,
            )
    if imm.days >= _WORM_DAYS:
        return
    record_ids = records.ids()
    if not record_ids:
        return
    pool = pl.copied.get(c.id) or pl.held.get(c.id, {})
    found = [pool[s] for s in record_ids if s in pool]
    if found:
        a = min(found, key=ctx.tier_level)
        yield ctx.hit(
            f"{c.id} keeps the {_WORM_WHY} records of {names(x.id for x in found)} but locks them for only "
            f"{imm.days} days; SEC 17a-4(f) expects WORM for {_WORM}.",
            ctx.tp(c, "immutability", "days"), ctx.sp(a, "regulatory_tags"),
            subject=c.id, system=a, scopes=list(pool),
        )


def _why_immutable(ctx, a: System) -> tuple[list[str], list[str]]:
    reasons, paths = [], []
    t = ctx.tier(a)
    if t is not None and t.require_immutable:
        reasons.append(f"tier {t.id} requires one")
        paths.append(ctx.tierp(t, "require_immutable"))
    elif (t is None or t.require_immutable is None) and ctx.policy.policy.require_immutable:
        reasons.append("the policy requires one for every system")
        paths.append("policy.require_immutable")
    classes = [c for c in LOCK_CLASSES if c in a.data_classes]
    if classes:
        reasons.append(f"it holds {'/'.join(classes)} data")
        paths.append(ctx.sp(a, "data_classes"))
    if "sec17a4" in a.regulatory_tags:
        reasons.append("SEC 17a-4 requires WORM storage")
        paths.append(ctx.sp(a, "regulatory_tags"))
    return reasons, paths


def _lock_state(c: Target) -> str:
    """``locked`` (compliance, WORM or offline), ``stated`` (immutable, as the policy says, mechanism not
    known), ``open`` or ``unknown``."""
    imm = c.immutability
    mode = imm.mode if imm else None
    if mode in LOCKED or c.offline:
        return "locked"
    if mode is None:
        if imm is not None and imm.enabled:
            return "stated"
        if imm is not None and imm.enabled is False:
            return "open"
        return "unknown"
    if c.offline is None and (c.media in REMOVABLE_MEDIA or any(m in REMOVABLE_MEDIA for m in c.other_media)):
        return "unknown"  # unlocked media may still be kept offline
    return "open"


def _lock_text(c: Target) -> str:
    mode = c.immutability.mode if c.immutability else None
    if mode == "governance":
        return f"{c.id} (governance-mode lock, which privileged users can bypass)"
    return f"{c.id} (no lock)"
