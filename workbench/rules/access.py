"""Access and separation of duties (ACC): who can run, restore or destroy backups, and are they controlled?

Role members may be groups; a group's members come from ``principals[].members``.
Key admins may name roles or principals. The :class:`~.immutability.Plane`
view expands both, once per evaluation.

Shared causes (see :func:`workbench.rules.engine.finalize`):

* A role whose review is not stated: ACC-005 asks when it was last reviewed and how
  often, once; GOV-003's "how often is role X reviewed?" folds into it.
* No role holding a backup permission: ACC-001 asks who runs, restores and deletes
  backups; ACC-003's question about the same empty list of roles folds into it.
* A review missing or overdue (ACC-005) is evidence, one finding per role; with no
  review on record for any role, one finding says what a Type II auditor samples.
"""

from __future__ import annotations

from itertools import compress, islice
from operator import attrgetter

from workbench.spec.model import BACKUP_PERMISSIONS, DESTRUCTIVE, Role

from .engine import rule
from .wording import join_and
from .immutability import LOCKED, grant_text, label, names, plane
from .sod import DUAL_OPS, unpaired_ops  # shared with the roles matrix, so the two cannot disagree
#: Of those, the ones a compliance-mode or WORM lock on every copy makes technically impossible.
LOCK_PREVENTS = frozenset({"delete_recovery_point", "modify_retention", "modify_immutability", "delete_vault"})


RUN_ONLY = frozenset({"run"})
RUN_ONLY_WHY = "the role can only start jobs: it can neither read the data back nor destroy it"


def _perms(r: Role, pool=BACKUP_PERMISSIONS) -> list[str]:
    return [p for p in r.permissions or () if p in pool]


def _holdings(pl, r: Role) -> str:
    return pl.role_text(r) or "no backup permission listed"


def _people_grants(pl, roles):
    """principal id -> [(role, via)] over ``roles`` (effective members)."""
    out: dict[str, list] = {}
    for r in roles:
        for pid, via in pl.members(r).items():
            out.setdefault(pid, []).append((r, via))
    return out


def _direct_key_admins(ctx, pl):
    """principal id -> key ids, for principals (and their group members) named directly in keys[].admins."""
    out: dict[str, list[str]] = {}
    for k in ctx.policy.keys:
        for x in k.admins or ():
            if x in ctx.roles:
                continue
            for pid in (x, *pl.expand(x)):
                out.setdefault(pid, []).append(k.id)
    return out


@rule(
    "ACC-001",
    title="Backup access without MFA",
    severity="blocker",
    family="access",
    maps={"soc2": ["CC6.1", "CC6.6"], "cis": ["6.5", "5.4"], "nist": ["IA-2(1)"], "iso27001": ["A.8.5", "A.8.2"],
          "hipaa": ["164.312(d)"], "pci": ["8.4.1", "8.4.2"]},
    fix="Enforce MFA at the identity provider and the backup console (phishing-resistant for destructive roles). "
        "Remove break-glass accounts without MFA or vault them under dual control.",
    description="A role on the backup plane or a backup key does not require MFA, or one of its people has none enrolled.",
)
def acc_001(ctx):
    pl = plane(ctx)
    if not pl.backup_roles:
        yield from _nobody_named(ctx)
    for r in pl.backup_roles:
        # A role that can only start jobs can neither read the data back nor destroy it: major, not blocker.
        severity = "major" if set(_perms(r)) <= RUN_ONLY else None
        if r.mfa_required is False:
            # its members with no MFA enrolled are named here, not in a finding of their own (one cause)
            bare = [m for m in r.members if _not_enrolled(ctx, m)]
            members = (f"; members: {names(r.members, fmt=lambda m: m + ' (no MFA enrolled)' if m in bare else m)}"
                       if r.members else "")
            yield ctx.hit(f"Role {r.id} ({_holdings(pl, r)}) does not require MFA{members}.",
                          ctx.rolep(r, "mfa_required"), *(ctx.principalp(m, "mfa_enrolled") for m in bare),
                          subject=r.id, scopes=r.targets, severity=severity,
                          why=RUN_ONLY_WHY if severity else None)
        elif r.mfa_required is None:
            members = f" Members: {names(r.members)}." if r.members else ""
            yield ctx.ask(f"Does role {r.id} ({_holdings(pl, r)}) require MFA?{members}",
                          ctx.rolep(r, "mfa_required"), subject=r.id, scopes=r.targets, severity=severity,
                          why=RUN_ONLY_WHY if severity else None)
    grants = _people_grants(pl, pl.backup_roles)
    direct_keys = _direct_key_admins(ctx, pl)
    for pid in direct_keys:
        grants.setdefault(pid, [])
    for pid, held in grants.items():
        x = ctx.principals.get(pid)
        if x is None or x.mfa_enrolled is not False or not pl.person(pid):
            continue
        if pid not in direct_keys and all(r.mfa_required is False and pid in r.members for r, _ in held):
            continue  # named in each of its roles' findings: a role without MFA, with this member not enrolled
        parts = [f"{_holdings(pl, r)} ({grant_text(r, via)})" for r, via in held]
        parts += [f"administration of key {k}" for k in direct_keys.get(pid, ())]
        yield ctx.hit(f"{pid} has no MFA enrolled but holds {'; '.join(parts)}.",
                      ctx.principalp(pid, "mfa_enrolled"), *(ctx.rolep(r, "members") for r, _ in held),
                      subject=pid, scopes=[r.id for r, _ in held])


def _not_enrolled(ctx, pid: str) -> bool:
    x = ctx.principals.get(pid)
    return x is not None and x.mfa_enrolled is False


def _nobody_named(ctx):
    """Backups are taken but no role holds a backup permission: who can run, restore and delete them is unanswered."""
    backed_up = [a for a in ctx.in_scope_systems if ctx.schedules(a)]
    if not backed_up:
        return
    critical = [a for a in backed_up if ctx.critical(a)]
    yield ctx.ask(
        f"No role in the policy holds a backup permission, yet {join_and([a.id for a in backed_up])} "
        f"{'is' if len(backed_up) == 1 else 'are'} backed up: who can run, restore and delete backups or change "
        "their retention and keys, and must they use MFA?",
        "roles", subject="roles", severity="blocker" if critical else "major",
        why=None if critical else "no backed-up system is in the two most critical tiers",
        causes=("roles",),
    )


@rule(
    "ACC-002",
    title="Production admins can destroy backups",
    severity="major",
    family="access",
    maps={"soc2": ["CC6.3", "CC5.1", "CC6.1"], "cis": ["5.4", "6.8", "11.3"], "nist": ["AC-5", "AC-6", "CP-9(7)"],
          "iso27001": ["A.5.3", "A.8.2"], "pci": ["7.2"]},
    fix="Split the duties: backup operators run and restore, a security-owned backup admin changes retention, locks "
        "and deletes, production admins do neither. Enforce it with an SCP, a vault access policy or a Resource Guard.",
    description="Someone who administers production can also delete recovery points, cut retention, lift locks, disable plans or administer backup keys.",
)
def acc_002(ctx):
    pl = plane(ctx)
    prod = pl.holders("prod_admin")
    if not prod:
        return
    destructive = pl.holders(*sorted(DESTRUCTIVE))
    conflicted = [pid for pid in prod if pid in destructive]
    for pid in pl.top(conflicted):
        p_perm, p_role, p_via = prod[pid][0]
        d_roles: dict[str, tuple[Role, object, list[str]]] = {}
        for perm, r, via in destructive[pid]:
            d_roles.setdefault(r.id, (r, via, []))[2].append(perm)
        roles = [r for r, _, _ in d_roles.values()]
        tids = None if any(not r.targets for r in roles) else {t for r in roles for t in r.targets}
        affected = pl.reach_critical(tids) or pl.reach(tids)
        worst = affected[0] if affected else None
        critical = worst is not None and pl.level(worst) <= 1
        shown, more = affected[:3], len(affected)
        what = [f"{', '.join(perms)} ({grant_text(r, via)})" for r, via, perms in d_roles.values()]
        who = pid
        x = ctx.principals.get(pid)
        if x is not None and x.type == "group":
            inside = pl.expand(pid)
            who = f"Group {pid}" + (f" ({names(inside)})" if inside else "")
        target = "backups"
        if shown:
            target += f" of {', '.join(label(a) for a in shown)}" + (f" and {more - len(shown)} more" if more > len(shown) else "")
        yield ctx.hit(
            f"{who} holds prod_admin ({grant_text(p_role, p_via)}) and {'; '.join(what)}: "
            f"a production admin can destroy {target}.",
            ctx.rolep(p_role, "members"), *(ctx.rolep(r, "members") for r, _, _ in d_roles.values()),
            subject=pid, system=worst, severity="blocker" if critical else None,
            why="it reaches backups of a system in the two most critical tiers" if critical else None,
            scopes=[p_role.id, *d_roles],
        )


@rule(
    "ACC-003",
    title="Destructive operations need neither two people nor a lock",
    severity="major",
    family="access",
    maps={"soc2": ["CC6.3", "CC5.1"], "nist": ["CP-9(7)", "AC-5"], "iso27001": ["A.5.3"]},
    fix="Require two-person approval for deleting points, cutting retention, lifting locks, disabling plans and "
        "deleting vaults (e.g. Azure MUA with a Resource Guard owned by another team, or approval plus JIT "
        "elevation), or make them impossible with compliance-mode locks. Log the approvals.",
    description="A role can destroy backups of T0/T1 systems alone, and no compliance lock stops it.",
)
def acc_003(ctx):
    pl = plane(ctx)
    locked = {c.id for c in ctx.policy.targets if c.immutability and c.immutability.mode in LOCKED}
    critical_ids = {a.id for a in pl.reach_critical(None)}
    crit_targets = [t for t, pool in pl.copied.items() if not critical_ids.isdisjoint(pool)]
    if not crit_targets:
        return
    unlocked = [t for t in crit_targets if t not in locked]
    dual_anywhere = {op for r in ctx.policy.roles for op in r.dual_authorization_for or ()}
    granted = set()
    for r in ctx.policy.roles:
        granted.update(op for op in DUAL_OPS if op in (r.permissions or ()))
        alone = unpaired_ops(r)
        if not alone:
            continue
        tids = [t for t in r.targets if t in pl.copied] if r.targets else None
        open_tids = [t for t in (tids if tids is not None else crit_targets) if t not in locked]
        every = pl.reach_critical(tids)
        through_lock = pl.reach_critical(open_tids if open_tids != crit_targets else None) if open_tids else []
        hit_ops = [op for op in alone if (through_lock if op in LOCK_PREVENTS else every)]
        if not hit_ops:
            continue
        shown = every if any(op not in LOCK_PREVENTS for op in hit_ops) else through_lock
        yield ctx.hit(
            f"Role {r.id} ({names(r.members) or 'no members listed'}) can {', '.join(hit_ops)} without a second "
            f"approver, on copies of {names(shown, fmt=label)} that no compliance-mode lock protects.",
            ctx.rolep(r, "dual_authorization_for"), ctx.rolep(r, "permissions"),
            subject=r.id, system=shown[0], scopes=[*r.targets, *(a.id for a in shown)],
        )
    unassigned = [op for op in DUAL_OPS if op not in granted and op not in dual_anywhere
                  and (unlocked or op not in LOCK_PREVENTS)]
    if unassigned:
        shown = pl.reach_critical(None)
        # a role listed with no permissions yet is where the answer most likely goes: point there first
        bare = [ctx.rolep(r, "permissions") for r in ctx.policy.roles if not r.permissions][:1]
        one = len(unassigned) == 1
        ops = unassigned[0] if one else f"{', '.join(unassigned[:-1])} or {unassigned[-1]}"
        yield ctx.ask(
            f"No role grants the permission to {ops}, and no role requires two people for "
            f"{'it' if one else 'them'}. Who may do so to the copies of {names(shown, fmt=label)}, and does "
            "that need a second approver?",
            *bare, "roles", scopes=[a.id for a in shown],
            causes=("roles",) if not pl.backup_roles else (),  # no backup role at all: ACC-001 asks
        )


@rule(
    "ACC-004",
    title="Leavers or dormant accounts keep backup access",
    severity="blocker",
    family="access",
    maps={"soc2": ["CC6.2", "CC6.3"], "cis": ["5.3", "6.2"], "nist": ["AC-2(3)", "PS-4"], "iso27001": ["A.5.18"],
          "hipaa": ["164.308(a)(3)(ii)(C)"], "pci": ["8.2.5", "8.2.6"]},
    fix="Drive role membership from identity-provider groups tied to HR offboarding. Remove the access now and "
        "check whether it was used after the person left; disable accounts that have not signed in for 90 days.",
    description="A disabled or terminated account is still in a backup or key role, or a destructive-role holder has not signed in for a long time.",
)
def acc_004(ctx):
    pl = plane(ctx)
    grants = _people_grants(pl, pl.backup_roles)
    direct_keys = _direct_key_admins(ctx, pl)
    dormant = ctx.policy.baseline.dormant_after
    for pid in dict.fromkeys([*grants, *direct_keys]):
        x = ctx.principals.get(pid)
        if x is None:
            continue
        held = grants.get(pid, [])
        parts = [f"{_holdings(pl, r)} ({grant_text(r, via)})" for r, via in held]
        parts += [f"administration of key {k}" for k in direct_keys.get(pid, ())]
        paths = [ctx.rolep(r, "members") for r, _ in held]
        scopes = [r.id for r, _ in held] + direct_keys.get(pid, [])
        if x.status in ("terminated", "disabled"):
            yield ctx.hit(f"{pid} is {x.status} but still holds {'; '.join(parts)}.",
                          ctx.principalp(pid, "status"), *paths, subject=pid, scopes=scopes)
            continue
        destructive = any(pl.is_destructive_role(r) for r, _ in held) or pid in direct_keys
        if not destructive or x.last_login is None or dormant.vague or not pl.person(pid):
            continue
        if dormant.add_to(x.last_login) < ctx.today:
            idle = (ctx.today - x.last_login).days
            yield ctx.hit(f"{pid} last signed in on {x.last_login} ({idle} days before {ctx.today}, more than "
                          f"{dormant}) but still holds {'; '.join(parts)}.",
                          ctx.principalp(pid, "last_login"), *paths, subject=pid, scopes=scopes, severity="minor",
                          why="a dormant account, not a departed one: review it, it is not known to be misused")


@rule(
    "ACC-005",
    title="Backup access is not reviewed often enough",
    severity="major",
    family="access",
    records=True,
    maps={"soc2": ["CC6.2", "CC6.3"], "cis": ["5.1", "6.1", "6.2"], "nist": ["AC-2(j)", "AC-6(7)"],
          "iso27001": ["A.5.18"], "hipaa": ["164.308(a)(4)"], "pci": ["7.2.4"]},
    fix="Review membership of backup and key roles at least quarterly, signed by the system owner; keep the "
        "membership export as evidence and track removals to closure.",
    description="A backup or key role has no recorded review, is overdue, or is reviewed less often than the baseline.",
)
def acc_005(ctx):
    pl = plane(ctx)
    base = ctx.policy.baseline
    pci_ids = {s for s, a in ctx.systems.items() if "pci" in a.regulatory_tags or "pci" in a.data_classes}
    pci_targets = {t for t, pool in pl.held.items() if not pci_ids.isdisjoint(pool)}
    pci_first = {t: next(s for s in pl.held[t] if s in pci_ids) for t in pci_targets}
    for r in pl.backup_roles:
        cap, why = None, ""
        if pl.is_destructive_role(r) and not base.destructive_review_interval.vague:
            cap, why = base.destructive_review_interval, "the baseline for roles with destructive permissions"
        pci = [t for t in (r.targets or pl.held) if t in pci_targets]  # policy order, not set order
        if pci and not base.pci_review_interval.vague and (cap is None or base.pci_review_interval < cap):
            cap, why = base.pci_review_interval, f"PCI DSS 7.2.4 (the role reaches the PCI data of {pci_first[pci[0]]})"
        yield from _review(ctx, pl, r, cap, why)


def _review(ctx, pl, r: Role, cap, why):
    interval = r.review_interval if r.review_interval is not None and not r.review_interval.vague else None
    last = r.last_review_on
    if r.review_interval is None and last is None:
        paths = (ctx.rolep(r, "last_review_on"), ctx.rolep(r, "review_interval"))
        yield ctx.ask(f"Role {r.id} ({pl.role_text(r)}): when was its "
                      "membership last reviewed, and how often is it reviewed?",
                      *paths, subject=r.id, scopes=r.targets, causes=paths)
        return
    if last is None:
        yield ctx.missing(f"Role {r.id}: no review of its membership is on record; {ctx.type2_auditor} samples "
                          "the reviews held in the period.", ctx.rolep(r, "last_review_on"),
                          subject=r.id, scopes=r.targets)
    elif r.review_interval is None and cap is None:
        yield ctx.ask(f"Role {r.id}: how often is its membership reviewed?", ctx.rolep(r, "review_interval"),
                      subject=r.id, scopes=r.targets)
    if interval is not None and cap is not None and interval > cap:
        yield ctx.hit(f"Role {r.id} is reviewed every {interval}, less often than {cap} ({why}).",
                      ctx.rolep(r, "review_interval"), subject=r.id, scopes=r.targets)
    due_every = interval or (cap if r.review_interval is None else None)
    if last is not None and due_every is not None and due_every.add_to(last) < ctx.today:
        rule_text = f"every {interval}" if interval else f"at least every {cap}, {why}"
        yield ctx.missing(f"Role {r.id}: the access review is overdue; last reviewed on {last}, due {rule_text}, "
                      f"so by {due_every.add_to(last)}.",
                      ctx.rolep(r, "last_review_on"), ctx.rolep(r, "review_interval"),
                      subject=r.id, scopes=r.targets)


@rule(
    "ACC-006",
    title="Too many, shared or unowned identities on the backup plane",
    severity="minor",
    family="access",
    maps={"soc2": ["CC6.3", "CC6.1"], "cis": ["5.4", "5.5", "6.8"], "nist": ["AC-6", "IA-2", "IA-4"],
          "iso27001": ["A.8.2", "A.5.16"], "pci": ["7.2.2", "8.2.2"]},
    fix="Keep destructive roles small and named. Replace shared accounts and broad groups with named people. Give "
        "each service principal one purpose, no interactive login and an owner.",
    description="Too many people can destroy backups, or backup roles include shared accounts, broad groups or risky service principals.",
)
def acc_006(ctx):
    pl = plane(ctx)
    grants = _people_grants(pl, pl.backup_roles)
    direct_keys = _direct_key_admins(ctx, pl)
    destructive_roles = [r for r in pl.backup_roles if pl.is_destructive_role(r)]
    destr = {pid for r in destructive_roles for pid in pl.members(r)} | set(direct_keys)
    people = sorted(pid for pid in destr if pl.person(pid))
    limit = ctx.policy.baseline.max_destructive_humans
    if len(people) > limit:
        yield ctx.hit(f"{len(people)} people hold destructive backup permissions ({names(people, 6)}), more than "
                      f"{limit}: roles {names(r.id for r in destructive_roles)}.",
                      "baseline.max_destructive_humans", *(ctx.rolep(r, "members") for r in destructive_roles),
                      scopes=[r.id for r in destructive_roles])
    prod = pl.holders("prod_admin")
    for pid in dict.fromkeys([*grants, *direct_keys]):
        x = ctx.principals.get(pid)
        if x is None:
            continue
        held = grants.get(pid, [])
        roles = names(grant_text(r, via) for r, via in held) or f"admin of key {names(direct_keys[pid])}"
        paths = [ctx.principalp(pid, "type"), *(ctx.rolep(r, "members") for r, _ in held)]
        scopes = [r.id for r, _ in held]
        if x.type == "shared":
            yield ctx.hit(f"Shared account {pid} is a member of {roles}"
                          + (", with destructive permissions." if pid in destr else "."),
                          *paths, subject=pid, scopes=scopes, severity="major" if pid in destr else None,
                          why="a shared account can destroy backups with no one person accountable"
                          if pid in destr else None)
        elif x.type == "group" and x.broad_group:
            yield ctx.hit(f"Broad group {pid} is granted backup access ({roles}): everyone in it can act on backups.",
                          ctx.principalp(pid, "broad_group"), *paths[1:], subject=pid, scopes=scopes)
        elif x.type == "service":
            problems = []
            if x.interactive_login:
                problems.append("can sign in interactively")
            if pid in prod:
                problems.append(f"also holds prod_admin ({grant_text(prod[pid][0][1], prod[pid][0][2])})")
            if problems:
                yield ctx.hit(f"Service principal {pid} ({roles}) {' and '.join(problems)}.",
                              ctx.principalp(pid, "interactive_login"), *paths[1:], subject=pid, scopes=scopes)
            if not x.owner:
                yield ctx.ask(f"Who owns service principal {pid} ({roles})?", ctx.principalp(pid, "owner"),
                              subject=pid, scopes=scopes)


@rule(
    "REST-001",
    title="Who may authorise a restore is not stated",
    severity="major",
    family="access",
    catalog=False,
    maps={"soc2": ["CC6.1", "CC6.2", "C1.1"], "nist": ["CP-10"], "iso27001": ["A.8.13"],
          "hipaa": ["164.308(a)(4)"]},
    fix="Name who approves a restore request (usually the system or data owner) and who may request restoring a "
        "former employee's data (usually HR with Legal), so a restore cannot become a way round access controls.",
    description="The policy does not say who authorises a restore, or who may have a former employee's data restored.",
)
def rest_001(ctx):
    """A restore puts data back where people can read it: an auditor asks who approves one (issue 12 §4)."""
    g = ctx.policy.policy
    if (g.restore_authorized_by or "").strip() and (g.former_employee_restore or "").strip():
        return  # both answered: nothing to ask (the usual case once a policy is written)
    in_scope = ctx.in_scope_systems
    # The first few backed-up systems name the question; a policy of thousands needs no full list.
    backed_up = list(islice(compress(in_scope, map(ctx._schedules.__contains__, map(attrgetter("id"), in_scope))), 4))
    if not backed_up:
        return
    if not (g.restore_authorized_by or "").strip():
        also = ("" if (g.former_employee_restore or "").strip()
                else ", and who may request restoring a former employee's data")
        paths = ["policy.restore_authorized_by"] + ([] if not also else ["policy.former_employee_restore"])
        shown = ", ".join(a.id for a in backed_up[:3]) + (" and others" if len(backed_up) > 3 else "")
        yield ctx.ask(f"Who authorises a restore request{also}? The policy backs up {shown} "
                      "but does not say who may have them restored.", *paths, subject="policy")
    elif not (g.former_employee_restore or "").strip():
        people = [a.id for a in in_scope if ctx.schedules(a)
                  and (a.kind in ("endpoint", "saas") or "pii" in a.data_classes)]
        if people:
            # the systems are named as those that hold people's data, not as where mail or laptops are kept
            yield ctx.ask(f"Who may request restoring a former employee's data, such as mail, files or a laptop's "
                          f"contents, from the systems that hold it ({join_and(people)})? Restores are authorised by {g.restore_authorized_by}, but a departed "
                          "employee cannot ask.", "policy.former_employee_restore", subject="policy",
                          severity="minor")
