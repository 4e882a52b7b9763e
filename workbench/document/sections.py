"""One function per section of the written policy: answers in, blocks out.

Each function takes the :class:`~workbench.document.context.Writer` and
returns a list of blocks (see :mod:`workbench.document.context`). They state
only what the policy answers; every gap goes through ``w.gap`` / ``w.cell``
so that it is visible in place and listed under open items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Optional

from .context import and_join

P = lambda text: {"kind": "p", "text": text}  # noqa: E731
H2 = lambda text: {"kind": "h", "level": 2, "text": text}  # noqa: E731
H3 = lambda text: {"kind": "h", "level": 3, "text": text}  # noqa: E731


def table(columns: list[str], rows: list[list[str]]) -> dict:
    return {"kind": "table", "columns": columns, "rows": rows}


def ul(items: list[str]) -> dict:
    return {"kind": "ul", "items": items}


# ----------------------------------------------------------------------------
# document control
# ----------------------------------------------------------------------------
def _person(p) -> Optional[str]:
    """"Dana Ops (Head of Infrastructure)", or the role alone when the policy names a role and no person."""
    if p is None or not (p.name or p.role):
        return None
    if not p.name:
        return p.role
    return f"{p.name} ({p.role})" if p.role else p.name


def next_review(w) -> Optional[dt.date]:
    g = w.policy.policy
    base = g.last_reviewed_on or g.approved_on
    if base is None or g.review_interval is None or g.review_interval.vague:
        return None
    return g.review_interval.add_to(base)


def _version(w) -> Optional[str]:
    if w.policy.policy.version:
        return w.policy.policy.version
    records = w.history if w.history is not None else None
    return records[-1].get("version") if records else None


def control(w) -> list[dict]:
    """The document-control rows: (label, value, open)."""
    g, labels = w.policy.policy, w.words.get("control", {})
    rows = [
        ("organization", w.policy.organization.name, "the organization's name", "organization.name"),
        ("title", g.title, "the document title", "policy.title"),
        ("policy_id", g.id, "the policy identifier", "policy.id"),
        ("version", _version(w), "the policy version", "policy.version"),
        ("owner", _person(g.owner), "the policy owner", "policy.owner"),
        ("approver", _person(g.approver), "the policy approver", "policy.approver"),
        ("approved_on", g.approved_on, "the approval date", "policy.approved_on"),
        ("effective_from", g.effective_from, "the effective date", "policy.effective_from"),
        ("last_reviewed_on", g.last_reviewed_on, "the date of the latest review", "policy.last_reviewed_on"),
        ("review_interval", g.review_interval, "how often the policy is reviewed", "policy.review_interval"),
        ("next_review", next_review(w), "the next review date (needs a review cadence and a review or approval date)",
         "policy.review_interval"),
    ]
    out = []
    for key, value, what, path in rows:
        text = w.cell(value, what, path, required=True)
        out.append({"label": labels.get(key, key), "value": text, "open": text.startswith(w.open_cell)})
    if w.policy.organization.consultant:
        out.append({"label": labels.get("consultant", "consultant"), "value": w.policy.organization.consultant, "open": False})
    out.append({"label": labels.get("as_of", "as_of"), "value": w.as_of.isoformat(), "open": False})
    return out


# ----------------------------------------------------------------------------
# 1. purpose and scope
# ----------------------------------------------------------------------------
CATEGORY_NAMES = {"security": "Security", "availability": "Availability",
                  "processing_integrity": "Processing Integrity", "confidentiality": "Confidentiality",
                  "privacy": "Privacy"}


def scope(w) -> list[dict]:
    p, ctx = w.policy, w.ctx
    org = p.organization.name
    out: list[dict] = []
    out.append(P(w.say("purpose", text=p.policy.purpose)) if p.policy.purpose
               else w.gap("the purpose of this policy", "policy.purpose"))
    if org and p.organization.description:
        out.append(P(w.say("org_description", org=org, text=p.organization.description)))
    in_scope = ctx.in_scope_systems
    if org:
        n_in = len(in_scope)
        out.append(P(w.say("applies", org=org, n_in=f"{n_in} system{'' if n_in == 1 else 's'}",
                           n_all=len(p.systems))))
    else:
        out.append(w.gap("the organization's name", "organization.name"))
    out += _engagement(w)
    out.append(P(w.say("scope_rule")))
    out += _inventory(w)
    out += _systems_by_tier(w, in_scope)
    out += _exclusions(w)
    return out


def _engagement(w) -> list[dict]:
    e, out = w.policy.engagement, []
    if e.categories:
        cats = and_join(CATEGORY_NAMES.get(c, c) for c in e.categories)
        key = "soc2" if e.soc2_type else "soc2_no_type"
        out.append(P(w.say(key, type=e.soc2_type, categories=cats)))
        if not e.soc2_type:
            out.append(w.gap("the SOC 2 report type (I or II)", "engagement.soc2_type"))
    else:
        out.append(w.gap("the Trust Services Categories in scope", "engagement.categories"))
    if e.soc2_type == "II":
        if e.period_start and e.period_end:
            out.append(P(w.say("period", start=e.period_start.isoformat(), end=e.period_end.isoformat())))
        else:
            out.append(w.gap("the Type II observation period", "engagement.period_start"))
    others = [f for f in e.frameworks if f != "soc2"]
    if others:
        names = w.framework_names
        out.append(P(w.say("frameworks", frameworks=", ".join(names.get(f, f) for f in others))))
    if e.auditor:
        out.append(P(w.say("auditor", auditor=e.auditor)))
    return out


def _inventory(w) -> list[dict]:
    inv, out = w.policy.inventory, []
    if inv.source:
        out.append(P(w.say("inventory_source", source=inv.source)))
    else:
        out.append(w.gap("where the system inventory comes from", "inventory.source"))
    interval = w.cadence(inv.reconcile_interval, "how often the inventory is reconciled with backup selections",
                     "inventory.reconcile_interval")
    if interval:
        key = "inventory_reconcile" if inv.last_reconciled_on else "inventory_reconcile_never"
        out.append(P(w.say(key, interval=interval, date=inv.last_reconciled_on)))
    else:
        out.append(w.gap("how often the inventory is reconciled with backup selections", "inventory.reconcile_interval"))
    return out


def tier_groups(w, systems) -> list[tuple[str, list]]:
    """Systems grouped by tier, in tier order; systems without a known tier last."""
    groups: dict[Optional[str], list] = defaultdict(list)
    for a in systems:
        groups[a.tier if a.tier in w.ctx.tiers else None].append(a)
    ordered = sorted((t for t in groups if t is not None), key=lambda t: (w.ctx.tiers[t].level(), w.ctx.tier_index[t]))
    out = [(w.tier_label(t), groups[t]) for t in ordered]
    if None in groups:
        out.append(("No tier assigned", groups[None]))
    return out


def _systems_by_tier(w, in_scope) -> list[dict]:
    out = [H2("Systems in scope")]
    cols = ["System", "Description", "Kind", "Environment", "Owner", "Data", "RPO", "RTO"]
    for label, systems in tier_groups(w, in_scope):
        out.append(H3(f"{label}: {len(systems)} system{'' if len(systems) == 1 else 's'}"))
        cache: dict = {}
        rows = [_system_row(w, a, cache) for a in systems]
        out.append(table(cols, rows))
    if not in_scope:
        out.append(w.gap("which systems are in scope", "systems"))
    out += _out_of_scope(w)
    return out


def _objective(w, a, field: str, cache: dict) -> str:
    own = getattr(a, field)
    if own is not None and not own.vague:
        return w.human(own)
    if own is not None and own.vague:
        return w.dur_cell(own, f"the {field.upper()} of system {a.id}", w.ctx.sp(a, field))
    key = (a.tier, field)
    if key not in cache:
        tier = w.ctx.tier(a)
        cache[key] = w.open_cell if tier is None else w.dur_cell(
            getattr(tier, field), f"the {field.upper()} of {w.tier_label(tier.id)}", w.ctx.tierp(tier, field))
    return cache[key]


def _system_row(w, a, cache: dict) -> list[str]:
    if not a.tier or a.tier not in w.ctx.tiers:
        w.ask(f"the tier of system {a.id}", w.ctx.sp(a, "tier"))
    owner = a.owner or w.cell(None, f"the owner of system {a.id}", w.ctx.sp(a, "owner"), required=True)
    return [
        a.id, w.cell(a.description), w.term(a.kind), w.cell(a.environment), owner,
        w.term(a.data_classes), _objective(w, a, "rpo", cache), _objective(w, a, "rto", cache),
    ]


def _out_of_scope(w) -> list[dict]:
    ctx = w.ctx
    inside = {a.id for a in ctx.in_scope_systems}
    rest = [a for a in ctx.systems.values() if a.id not in inside and not ctx.valid_exempt(a)]
    if not rest:
        return []
    rows = [[a.id, w.cell(a.description), w.cell(a.environment), w.cell(a.tier), w.term(a.data_classes)] for a in rest]
    return [H2("Systems not in scope"), P(w.say("out_of_scope_intro")),
            table(["System", "Description", "Environment", "Tier", "Data"], rows)]


def _exclusions(w) -> list[dict]:
    rows = []
    for a in w.ctx.systems.values():
        e = a.exclusion
        if e is None:
            continue
        path = w.ctx.sp(a, "exclusion")
        status = "valid" if w.ctx.valid_exempt(a) else "not valid: backed up as in scope until fixed"
        rows.append([
            a.id, w.cell(e.reason, f"why system {a.id} is excluded", path + ".reason", True),
            w.cell(e.approved_by, f"who approved the exclusion of {a.id}", path + ".approved_by", True),
            w.cell(e.expires_on), status,
        ])
    if not rows:
        return []
    return [H2("Exclusions"), P(w.say("exclusions_intro")),
            table(["System", "Why", "Approved by", "Review by", "Status"], rows)]


# ----------------------------------------------------------------------------
# 2. roles
# ----------------------------------------------------------------------------
def roles(w) -> list[dict]:
    g, out = w.policy.policy, []
    for key, person, what, path in (("owner", g.owner, "who owns this policy", "policy.owner"),
                                    ("approver", g.approver, "who approves this policy", "policy.approver")):
        if person is not None and person.name:
            sk = key if person.role else f"{key}_no_role"
            out.append(P(w.say(sk, name=person.name, role=person.role)))
        elif person is not None and person.role:  # a role, as many policies name their owner
            out.append(P(w.say(f"{key}_role_only", role=person.role)))
        else:
            out.append(w.gap(what, path))
    if g.communicated_to:
        out.append(P(w.say("communicated", groups=", ".join(g.communicated_to))))
    else:
        out.append(w.gap("who the policy is published to", "policy.communicated_to"))
    if g.acknowledgement_required is not None:
        out.append(P(w.say("acknowledge_yes" if g.acknowledgement_required else "acknowledge_no")))
    out += _role_table(w)
    out += _system_owners(w)
    return out


def _members(w, ids) -> str:
    names = []
    for pid in ids:
        pr = w.ctx.principals.get(pid)
        names.append(f"{pr.name} ({pid})" if pr is not None and pr.name else pid)
    return ", ".join(names) if names else w.word("none")


def _role_table(w) -> list[dict]:
    if not w.policy.roles:
        return [w.gap("the access roles on the backup plane", "roles")]
    rows = [[r.id, w.cell(r.description), w.cell(r.scope), _members(w, r.members)] for r in w.policy.roles]
    return [H2("Roles"), table(["Role", "Purpose", "Scope", "Members"], rows)]


def _system_owners(w) -> list[dict]:
    owners: dict[str, int] = defaultdict(int)
    for a in w.ctx.in_scope_systems:
        if a.owner:
            owners[a.owner] += 1
    if not owners:
        return []
    rows = [[o, str(n)] for o, n in sorted(owners.items())]
    return [H2("System owners"), P(w.say("system_owners")), table(["Owner", "Systems in scope"], rows)]


# ----------------------------------------------------------------------------
# 3. tiers
# ----------------------------------------------------------------------------
def tiers(w) -> list[dict]:
    out: list[dict] = []
    if not w.policy.tiers:
        return [w.gap("the criticality tiers and their recovery objectives", "tiers")]
    rows = []
    for t in w.policy.tiers:
        out += _tier_statements(w, t)
        tp = w.ctx.tierp
        rows.append([
            t.id, w.cell(t.name), w.cell(t.description),
            w.dur_cell(t.rpo, f"the RPO of {w.tier_label(t.id)}", tp(t, "rpo")),
            w.dur_cell(t.rto, f"the RTO of {w.tier_label(t.id)}", tp(t, "rto")),
            w.dur_cell(t.mtd, f"the MTD of {w.tier_label(t.id)}", tp(t, "mtd")),
            w.dur_cell(t.dr_rpo, "", "", required=False), w.dur_cell(t.dr_rto, "", "", required=False),
        ])
    out.insert(0, table(["Tier", "Name", "What belongs here", "RPO", "RTO", "MTD", "DR RPO", "DR RTO"], rows))
    out += _overrides(w)
    return out


def _tier_statements(w, t) -> list[dict]:
    label, tp = w.tier_label(t.id), w.ctx.tierp
    rpo = w.dur(t.rpo, f"the RPO of {label}", tp(t, "rpo"))
    rto = w.dur(t.rto, f"the RTO of {label}", tp(t, "rto"))
    out = []
    if rpo and rto:
        out.append(P(w.say("tier_objectives", tier=label, rpo=rpo, rto=rto)))
    for value, name in ((rpo, "rpo"), (rto, "rto")):
        if value is None:
            out.append(w.gap(w.open[tp(t, name)]["what"], tp(t, name)))
    mtd = w.dur(t.mtd, f"the MTD of {label}", tp(t, "mtd"))
    out.append(P(w.say("tier_mtd", tier=label, mtd=mtd)) if mtd else w.gap(w.open[tp(t, "mtd")]["what"], tp(t, "mtd")))
    dr_rpo, dr_rto = w.dur(t.dr_rpo, "", "", False), w.dur(t.dr_rto, "", "", False)
    if dr_rpo or dr_rto:
        out.append(P(w.say("tier_dr", tier=label, dr_rpo=dr_rpo or rpo or w.open_cell, dr_rto=dr_rto or rto or w.open_cell)))
    return out


def _overrides(w) -> list[dict]:
    rows = []
    for a in w.ctx.in_scope_systems:
        if a.rpo is None and a.rto is None and a.mtd is None:
            continue
        rows.append([a.id, w.cell(a.tier), w.dur_cell(a.rpo, f"the RPO of system {a.id}", w.ctx.sp(a, "rpo"), False),
                     w.dur_cell(a.rto, f"the RTO of system {a.id}", w.ctx.sp(a, "rto"), False),
                     w.dur_cell(a.mtd, "", "", False),
                     w.cell(a.override_rationale, f"why {a.id} differs from its tier", w.ctx.sp(a, "override_rationale"), True)])
    if not rows:
        return []
    return [H2("System overrides"), P(w.say("overrides_intro")),
            table(["System", "Tier", "RPO", "RTO", "MTD", "Why"], rows)]


# ----------------------------------------------------------------------------
# 4. schedules
# ----------------------------------------------------------------------------
def _schedule_scope(w, sc) -> str:
    parts = []
    if sc.tiers:
        parts.append("all systems in " + ", ".join(w.tier_label(t) for t in sc.tiers))
    if sc.systems:
        shown = sc.systems if len(sc.systems) <= 8 else sc.systems[:8]
        more = "" if len(sc.systems) <= 8 else f" and {len(sc.systems) - 8} more"
        parts.append((", ".join(shown) + more) if more else and_join(shown))
    return "; ".join(parts)


SCHEDULE_TYPES = {"log": "transaction-log"}


def schedules(w) -> list[dict]:
    if not w.policy.schedules:
        return [w.gap("the backup schedules", "schedules")]
    out: list[dict] = []
    for sc in w.policy.schedules:
        out += _schedule_statement(w, sc)
    out.append(H2("Schedules per tier and system"))
    out.append(P(w.say("per_tier_intro")))
    cols = ["System", "Schedules", "Worst-case data loss", "Backup copies"]
    memo: dict = {}
    labels = {s.id: f"{s.id} ({w.human(s.interval) if s.interval and not s.interval.vague else w.open_cell})"
              for s in w.policy.schedules}
    for label, systems in tier_groups(w, w.ctx.in_scope_systems):
        out.append(H3(label))
        out.append(table(cols, [_schedule_row(w, a, labels, memo) for a in systems]))
    return out


def _schedule_statement(w, sc) -> list[dict]:
    path = w.ctx.schp
    what = _schedule_scope(w, sc)
    if not what:
        return [w.gap(f"which systems schedule {sc.id} backs up", path(sc, "systems"))]
    targets = and_join(sc.targets) if sc.targets else None
    if not targets:
        return [w.gap(f"where schedule {sc.id} writes its backups", path(sc, "targets"))]
    kind = SCHEDULE_TYPES.get(sc.type, sc.type) if sc.type else "scheduled"
    out = []
    if sc.interval is not None and not sc.interval.vague and sc.interval.approx_seconds == 0:
        out.append(P(w.say("schedule_cont", schedule=f"Schedule {sc.id}", type=kind, what=what, targets=targets)))
    else:
        interval = w.cadence(sc.interval, f"how often schedule {sc.id} runs", path(sc, "interval"))
        if interval is None:
            return [w.gap(w.open[path(sc, "interval")]["what"], path(sc, "interval"))]
        out.append(P(w.say("schedule", schedule=f"Schedule {sc.id}", type=kind, interval=interval, what=what,
                           targets=targets)))
    if sc.automated is False:
        out.append(P(w.say("schedule_manual", schedule=f"Schedule {sc.id}")))
    return out


def _schedule_row(w, a, labels: dict, memo: dict) -> list[str]:
    """Schedules, worst-case loss and copies of ``a``; systems with the same schedules share one answer."""
    scheds = w.ctx.schedules(a)
    key = tuple(s.id for s in scheds)
    cells = memo.get(key)
    if cells is None:
        names = ", ".join([labels[s.id] for s in scheds]) or w.word("none")
        gap = w.ctx.rp_gap(a)
        loss = w.dash if gap is None else (w.say("near_zero") if gap.approx_seconds == 0 else w.human(gap))
        cells = memo[key] = [names, loss, str(len(w.ctx.copies(a)))]
    return [a.id, *cells]


# ----------------------------------------------------------------------------
# 5. copies, 6. immutability
# ----------------------------------------------------------------------------
def _where(t) -> str:
    parts = [x for x in (t.provider, t.account, t.region, t.site) if x]
    return " / ".join(parts)


def copies(w) -> list[dict]:
    out: list[dict] = []
    for t in w.policy.tiers:
        if t.min_backup_copies is not None:
            key = "tier_copies_one" if t.min_backup_copies == 1 else "tier_copies"
            out.append(P(w.say(key, tier=w.tier_label(t.id), n=t.min_backup_copies)))
        else:
            out.append(w.gap(f"how many backup copies {w.tier_label(t.id)} systems keep", w.ctx.tierp(t, "min_backup_copies")))
    if not w.policy.targets:
        out.append(w.gap("where backups are written", "targets"))
        return out
    rows = []
    for t in w.policy.targets:
        tp = w.ctx.tp
        where = _where(t) or w.cell(None, f"where target {t.id} is (provider, account, region or site)", tp(t, "region"), True)
        rows.append([t.id, w.cell(t.description), where, w.term(t.media), w.term(t.storage_class),
                     w.cell(t.vendor)])
    out.append(H2("Backup targets"))
    out.append(table(["Target", "Description", "Where (provider / account / region / site)", "Media", "Storage class",
                      "Vendor"], rows))
    out += _vendors(w)
    return out


def _vendors(w) -> list[dict]:
    if not w.policy.vendors:
        return []
    rows = [[v.id, w.cell(v.name), w.cell(v.service), w.cell(v.soc2_type2_report_date), w.cell(v.baa_signed),
             w.cell(v.dpa_signed)] for v in w.policy.vendors]
    return [H2("Vendors"), P(w.say("vendors_intro")),
            table(["Vendor", "Name", "Service", "SOC 2 Type II report", "BAA signed", "DPA signed"], rows)]


def immutability(w) -> list[dict]:
    out: list[dict] = []
    for t in w.policy.tiers:
        if t.require_immutable is None:
            out.append(w.gap(f"whether {w.tier_label(t.id)} systems need an immutable or offline copy",
                             w.ctx.tierp(t, "require_immutable")))
        else:
            out.append(P(w.say("tier_immutable_yes" if t.require_immutable else "tier_immutable_no",
                               tier=w.tier_label(t.id))))
    rows = []
    for t in w.policy.targets:
        tp = w.ctx.tp
        imm = t.immutability
        mode = w.term(imm.mode if imm else None, f"the immutability of target {t.id}", tp(t, "immutability"), True)
        days = w.cell(imm.days if imm else None)
        rows.append([t.id, mode, days, w.cell(t.soft_delete_days),
                     w.cell(t.isolated_account, f"whether target {t.id} is in an isolated account", tp(t, "isolated_account"),
                            not t.offline and t.media not in PHYSICAL),
                     w.cell(t.offline)])
    if rows:
        out.append(table(["Target", "Immutability", "Lock (days)", "Soft delete (days)", "Isolated account", "Offline"], rows))
    return out


# ----------------------------------------------------------------------------
# 7. retention
# ----------------------------------------------------------------------------
def retention(w) -> list[dict]:
    out: list[dict] = []
    rows = []
    for t in w.policy.targets:
        r, path = t.retention, w.ctx.tp(t, "retention")
        if r is None:
            rows.append([t.id] + [w.dash] * 4 + [w.cell(None, f"how long target {t.id} keeps recovery points", path, True),
                                                  w.cell(t.legal_hold_supported)])
            continue
        cells = [w.dur_cell(getattr(r, k), f"the {k} retention of target {t.id}", f"{path}.{k}", False)
                 for k in ("daily", "weekly", "monthly", "yearly")]
        mx = w.dur_cell(r.max, f"the oldest recovery point kept on target {t.id}", f"{path}.max", True)
        rows.append([t.id] + cells + [mx, w.cell(t.legal_hold_supported)])
        if r.indefinite_basis:
            out.append(P(w.say("indefinite", target=t.id, basis=r.indefinite_basis)))
        elif getattr(r, "indefinite", None):
            out.append(w.gap(w.say("indefinite_no_basis", target=t.id), f"{path}.indefinite_basis"))
    if rows:
        out.insert(0, table(["Target", "Daily", "Weekly", "Monthly", "Yearly", "Oldest point kept", "Legal hold"], rows))
    out += _holds(w)
    out += _privacy(w)
    return out


def _holds(w) -> list[dict]:
    if not w.policy.legal_holds:
        return []
    rows = [[h.id, w.cell(h.matter), w.cell(h.systems), w.cell(h.since), w.cell(h.released_on),
             w.cell(h.applies_to_backups, f"whether legal hold {h.id} covers backups",
                    f"legal_holds[{i}].applies_to_backups", True)]
            for i, h in enumerate(w.policy.legal_holds)]
    return [H2("Legal holds"), table(["Hold", "Matter", "Systems", "Since", "Released", "Covers backups"], rows)]


def _privacy(w) -> list[dict]:
    pv, out = w.policy.privacy, []
    holds_pii = any("pii" in a.data_classes or "phi" in a.data_classes for a in w.ctx.in_scope_systems)
    if not holds_pii and not any(v is not None for v in pv.model_dump().values()):
        return []
    out.append(H2("Personal data in backups"))
    if pv.erasure_in_backups_procedure:
        out.append(P(w.say("privacy_procedure", ref=pv.erasure_in_backups_procedure)))
    else:
        out.append(w.gap("the procedure for erasure requests and backups", "privacy.erasure_in_backups_procedure"))
    for field, key in (("beyond_use_statement", "privacy_beyond_use"), ("deletion_replay_on_restore", "privacy_replay")):
        value = getattr(pv, field)
        if value is None:
            out.append(w.gap(f"privacy: {field.replace('_', ' ')}", f"privacy.{field}"))
        else:
            out.append(P(w.say(f"{key}_{'yes' if value else 'no'}")))
    age = w.dur(pv.max_backup_age_for_pii, "the oldest backup that may hold personal data", "privacy.max_backup_age_for_pii")
    out.append(P(w.say("privacy_max_age", age=age)) if age
               else w.gap(w.open["privacy.max_backup_age_for_pii"]["what"], "privacy.max_backup_age_for_pii"))
    return out


# ----------------------------------------------------------------------------
# 8. encryption
# ----------------------------------------------------------------------------
PHYSICAL = ("tape", "removable", "optical")


def encryption(w) -> list[dict]:
    out: list[dict] = []
    rows = []
    for t in w.policy.targets:
        e, tr, tp = t.encryption, t.transfer, w.ctx.tp
        rows.append([
            t.id,
            w.cell(e.at_rest if e else None, f"whether target {t.id} is encrypted at rest", tp(t, "encryption", "at_rest"), True),
            w.cell(e.algorithm if e else None), w.cell(e.key if e else None),
            w.cell(tr.protocol if tr else None, f"how data travels to target {t.id}", tp(t, "transfer", "protocol"),
                   t.media not in PHYSICAL),
            w.cell(tr.tls_min if tr else None),
        ])
    if rows:
        out.append(table(["Target", "Encrypted at rest", "Algorithm", "Key", "Transport", "Lowest TLS"], rows))
    if w.policy.keys:
        krows = [[k.id, w.cell(k.provider), w.cell(k.account), w.cell(k.region), w.cell(k.replicas),
                  w.cell(k.admins, f"who administers key {k.id}", w.ctx.keyp(k, "admins"), True), w.cell(k.dual_control),
                  w.cell(k.rotation_interval), w.cell(k.retains_old_versions), w.cell(k.deletion_window_days),
                  w.cell(k.escrow)] for k in w.policy.keys]
        out += [H2("Key custody"), P(w.say("keys_intro")),
                table(["Key", "Service", "Account", "Region", "Replicas", "Administrators", "Dual control", "Rotation",
                       "Old versions kept", "Deletion window (days)", "Escrow"], krows)]
    return out


# ----------------------------------------------------------------------------
# 9. access
# ----------------------------------------------------------------------------
def access(w) -> list[dict]:
    if not w.policy.roles:
        return [w.gap("the access roles on the backup plane", "roles")]
    out: list[dict] = []
    rows = []
    for r in w.policy.roles:
        out += _role_statements(w, r)
        rows.append([r.id, w.term(r.permissions), w.cell(r.targets) if r.targets else w.word("all"),
                     w.cell(r.mfa_required), w.term(r.dual_authorization_for),
                     w.cell(r.review_interval), w.cell(r.last_review_on)])
    out.append(table(["Role", "Permissions", "Targets", "MFA", "Dual authorization", "Review cadence", "Last review"], rows))
    out += _principals(w)
    return out


def _role_statements(w, r) -> list[dict]:
    rp, out = w.ctx.rolep, []
    if r.mfa_required is None:
        out.append(w.gap(f"whether members of {r.id} must use MFA", rp(r, "mfa_required")))
    else:
        out.append(P(w.say("role_mfa" if r.mfa_required else "role_no_mfa", role=r.id)))
    interval = w.cadence(r.review_interval, f"how often membership of {r.id} is reviewed", rp(r, "review_interval"))
    if interval:
        key = "role_review" if r.last_review_on else "role_review_never"
        out.append(P(w.say(key, role=r.id, interval=interval, date=r.last_review_on)))
    else:
        out.append(w.gap(w.open[rp(r, "review_interval")]["what"], rp(r, "review_interval")))
    if r.dual_authorization_for:
        out.append(P(w.say("role_dual", role=r.id, ops=and_join(w.terms.get(o, o) for o in r.dual_authorization_for))))
    return out


def _principals(w) -> list[dict]:
    if not w.policy.principals:
        return []
    rows = [[x.id, w.cell(x.name), w.term(x.type), w.cell(x.status), w.cell(x.mfa_enrolled)] for x in w.policy.principals]
    return [H2("Principals"), P(w.say("principals_intro")),
            table(["Id", "Name", "Type", "Status", "MFA enrolled"], rows)]


# ----------------------------------------------------------------------------
# 10. testing
# ----------------------------------------------------------------------------
def testing(w) -> list[dict]:
    out: list[dict] = []
    for t in w.policy.tiers:
        label, tp = w.tier_label(t.id), w.ctx.tierp
        interval = w.cadence(t.restore_test_interval, f"how often {label} systems are restore-tested", tp(t, "restore_test_interval"))
        out.append(P(w.say("tier_test", tier=label, interval=interval)) if interval
                   else w.gap(w.open[tp(t, "restore_test_interval")]["what"], tp(t, "restore_test_interval")))
        full = w.cadence(t.full_restore_interval, "", "", required=False)
        if full:
            out.append(P(w.say("tier_full", tier=label, interval=full)))
    out += _calendar(w)
    out += _tests(w)
    out += _exercises(w)
    return out


def _last_pass(tests, types=None) -> Optional[dt.date]:
    """Latest passing test date (``tests`` come oldest first from the rules context)."""
    for t in reversed(tests):
        if t.result == "pass" and t.date and (types is None or t.type in types):
            return t.date
    return None


def _status(w, due: Optional[dt.date]) -> str:
    if due is None:
        return w.say("status_never")
    days = (due - w.as_of).days
    if days < 0:
        return w.say("status_overdue", days=-days)
    return w.say("status_due_today") if days == 0 else w.say("status_due_in", days=days)


def _calendar(w) -> list[dict]:
    entries = []
    kinds = {k: w.say(k) for k in ("kind_restore", "kind_full")}
    due_of: dict = {}
    for a in w.ctx.in_scope_systems:
        t = w.ctx.tier(a)
        if t is None:
            continue
        tests = w.ctx.tests(a)
        for interval, types, kind in ((t.restore_test_interval, None, "kind_restore"),
                                      (t.full_restore_interval, ("full_system", "app"), "kind_full")):
            if interval is None or interval.vague:
                continue
            last = _last_pass(tests, types)
            due = None
            if last:
                key = (interval.months, interval.seconds, last)
                due = due_of.get(key) or due_of.setdefault(key, interval.add_to(last))
            entries.append((due or w.as_of, a.id, w.tier_label(t.id), kinds[kind], last, due))
    if not entries:
        return []
    entries.sort(key=lambda e: (e[0], e[1], e[3]))
    status: dict = {}
    rows = [[when.isoformat(), sid, tier, kind, last.isoformat() if last else w.word("none"),
             status.get(due) or status.setdefault(due, _status(w, due))]
            for when, sid, tier, kind, last, due in entries]
    return [H2("Test calendar"), P(w.say("calendar_intro", as_of=w.as_of.isoformat())),
            table(["Due", "System", "Tier", "Test", "Last passing test", "Status"], rows)]


def _tests(w) -> list[dict]:
    if not w.policy.restore_tests:
        return [H2("Restore tests recorded"), P(w.say("no_tests"))]
    tests = sorted(w.policy.restore_tests, key=lambda t: (t.date or dt.date.min, t.system), reverse=True)
    rows = [[w.cell(t.date), t.system, w.term(t.type), w.cell(t.source_target), w.cell(t.result),
             w.cell(t.measured_rto), w.cell(t.integrity_check), w.cell(t.evidence_ref)] for t in tests]
    return [H2("Restore tests recorded"),
            table(["Date", "System", "Type", "Restored from", "Result", "Measured RTO", "Integrity checked", "Evidence"], rows)]


def _exercises(w) -> list[dict]:
    out = [H2("Disaster-recovery exercises"), _exercise_commitment(w)]
    if not w.policy.dr_exercises:
        return out + [P(w.say("no_exercises"))]
    rows = [[w.cell(x.date), w.cell(x.id), w.term(x.type), w.term(x.scenarios), w.cell(x.after_action_ref)]
            for x in sorted(w.policy.dr_exercises, key=lambda x: x.date or dt.date.min, reverse=True)]
    return out + [P(w.say("exercises_intro")),
                  table(["Date", "Exercise", "Type", "Scenarios", "After-action report"], rows)]


def _exercise_commitment(w) -> dict:
    """How often, and of which kinds, the policy holds disaster-recovery exercises (or the open item)."""
    g, path = w.policy.policy, "policy.dr_exercise_interval"
    interval = w.cadence(g.dr_exercise_interval, "how often disaster-recovery exercises are held", path)
    if not interval:
        return w.gap(w.open[path]["what"], path)
    if g.dr_exercise_types:
        types = and_join(w.terms.get(x, x) for x in dict.fromkeys(g.dr_exercise_types))
        return P(w.say("exercise_cadence_types", interval=interval, types=types))
    return P(w.say("exercise_cadence", interval=interval))


# ----------------------------------------------------------------------------
# 11. monitoring
# ----------------------------------------------------------------------------
def monitoring(w) -> list[dict]:
    m, out = w.policy.monitoring, []
    sla = w.dur(m.failure_ticket_sla, "how soon a failed backup job is fixed or ticketed", "monitoring.failure_ticket_sla")
    out.append(P(w.say("failure_sla", sla=sla)) if sla
               else w.gap(w.open["monitoring.failure_ticket_sla"]["what"], "monitoring.failure_ticket_sla"))
    logs = w.dur(m.job_log_retention, "how long backup job logs are kept", "monitoring.job_log_retention")
    out.append(P(w.say("job_logs", retention=logs)) if logs
               else w.gap(w.open["monitoring.job_log_retention"]["what"], "monitoring.job_log_retention"))
    interval = w.cadence(m.report_interval, "how often backup status is reported to management", "monitoring.report_interval")
    if interval and m.report_to:
        out.append(P(w.say("report", to=m.report_to, interval=interval)))
    else:
        out.append(w.gap("who receives the backup status report, and how often", "monitoring.report_interval"))
    out += _alerts(w)
    out += _evidence(w)
    return out


def _alerts(w) -> list[dict]:
    alerts = w.policy.monitoring.alerts
    if not alerts:
        return [w.gap("the alert rules on the backup plane", "monitoring.alerts")]
    rows = []
    for i, al in enumerate(alerts):
        covers = ", ".join([w.tier_label(t) for t in al.tiers] + list(al.systems)) or w.word("all")
        rows.append([w.term(al.event), covers,
                     w.cell(al.channel, f"where the {al.event} alert goes", f"monitoring.alerts[{i}].channel", True),
                     w.cell(al.on_call), w.cell(al.escalation)])
    out = [H2("Alerts"), table(["Event", "Covers", "Channel", "Pages on-call", "Escalation"], rows)]
    return out + _manual_reviews(w)


def _manual_reviews(w) -> list[dict]:
    """Checks of job results by hand, stated with their cadence and record (unanswered parts become open items)."""
    out = []
    for i, r in enumerate(w.policy.monitoring.manual_reviews):
        path = f"monitoring.manual_reviews[{i}]"
        if r.after_each_job:
            when = w.say("review_each_job")
        else:
            every = w.cadence(r.interval, "how often job results are checked by hand", f"{path}.interval")
            if not every:
                out.append(w.gap("how often job results are checked by hand", f"{path}.interval"))
                continue
            when = w.say("review_every", interval=every)
        what = w.term(list(r.covers or ("job_failed", "job_missed")))
        scope = ", ".join([w.tier_label(t) for t in r.tiers] + list(r.systems)) or w.say("review_all_systems")
        by, record = r.by, r.evidence
        if not by:
            w.ask("who checks the job results by hand", f"{path}.by")
            by = w.say("review_nobody_named")
        if not record:
            w.ask("where each manual review of job results is recorded", f"{path}.evidence")
            record = w.say("review_no_record")
        out.append(P(w.say("manual_review", by=by, what=what, scope=scope, when=when, record=record)))
    return out


def _evidence(w) -> list[dict]:
    ev = w.policy.evidence
    out = [H2("Evidence")]
    retention = w.dur(ev.retention, "how long audit evidence is kept", "evidence.retention")
    if ev.store and retention:
        out.append(P(w.say("evidence_store", store=ev.store, retention=retention,
                           immutable=w.say("evidence_immutable") if ev.immutable else "")))
    else:
        out.append(w.gap("where audit evidence is kept, and for how long", "evidence.store" if not ev.store else "evidence.retention"))
    if ev.sources:
        rows = [[s.kind.replace("_", " ").capitalize(), w.cell(s.location, f"where {s.kind} records are kept",
                                                  f"evidence.sources[{i}].location", True),
                 w.cell(s.retention)] for i, s in enumerate(ev.sources)]
        out.append(table(["Record", "Kept in", "Kept for"], rows))
    return out


# ----------------------------------------------------------------------------
# 12. disposal
# ----------------------------------------------------------------------------
METHODS = {"nist_800_88_clear": "NIST SP 800-88 clear", "nist_800_88_purge": "NIST SP 800-88 purge",
           "nist_800_88_destroy": "NIST SP 800-88 destroy", "crypto_erase": "crypto-erase (destroying the keys)",
           "provider_managed": "the cloud provider, which sanitizes its own storage media (an inherited control, "
                               "shown by the provider's SOC 2 report)",
           "other": "a method recorded outside this policy"}


def disposal(w) -> list[dict]:
    d, out = w.policy.disposal, []
    out.append(P(w.say("disposal_method", method=METHODS.get(d.method, d.method))) if d.method
               else w.gap("how expired backup data and media are destroyed", "disposal.method"))
    if d.procedure:
        out.append(P(w.say("disposal_procedure", procedure=d.procedure)))
    if d.method == "crypto_erase" and d.key_destruction_recorded is not None:
        out.append(P(w.say("disposal_key_record_yes" if d.key_destruction_recorded else "disposal_key_record_no")))
    interval = w.cadence(d.verification_interval, "how often a job verifies that expired data is gone",
                     "disposal.verification_interval")
    out.append(P(w.say("disposal_verify", interval=interval)) if interval
               else w.gap(w.open["disposal.verification_interval"]["what"], "disposal.verification_interval"))
    if d.certificate_required is not None:
        out.append(P(w.say("disposal_certificate_yes" if d.certificate_required else "disposal_certificate_no")))
    if d.vendor_destroys_media:
        out.append(P(w.say("disposal_vendor_yes")))
    return out


# ----------------------------------------------------------------------------
# 13. exceptions, 14. open items, 15. revisions, appendix
# ----------------------------------------------------------------------------
def exceptions(w) -> list[dict]:
    if not w.policy.exceptions:
        return [P(w.say("no_exceptions"))]
    covered: dict[str, int] = defaultdict(int)
    for f in w.report.accepted:
        covered[f.accepted.exception] += 1
    rows = []
    for e in w.policy.exceptions:
        key = e.id or f"{e.rule}/{e.scope}"
        if not (e.justification and e.approved_by):
            status = w.say("exception_incomplete")
        elif e.expires_on is not None and e.expires_on < w.as_of:
            status = w.say("exception_expired")
        else:
            status = w.say("exception_valid")
        rows.append([key, e.rule, e.scope, w.cell(e.justification), w.cell(e.approved_by), w.cell(e.approved_on),
                     w.cell(e.expires_on), str(covered.get(key, 0)), status])
    return [P(w.say("exceptions_intro")),
            table(["Exception", "Rule", "Covers", "Justification", "Accepted by", "On", "Expires", "Findings covered",
                   "Status"], rows)]


def open_items(w) -> list[dict]:
    follow = {f.field: f for f in w.policy.follow_ups if f.field and f.status == "open"}
    rows, seen = [], set()
    for f in w.report.questions:
        fu = follow.get(f.path)
        rows.append([f.message, f.path or w.dash, fu.owner if fu and fu.owner else w.dash,
                     fu.due.isoformat() if fu and fu.due else w.dash, f.rule])
        seen.update(f.paths)
    for path, item in w.open.items():
        if item["path"] and item["path"] in seen:
            continue
        fu = follow.get(item["path"])
        what = item["what"]
        rows.append([what[:1].upper() + what[1:], item["path"] or w.dash, fu.owner if fu and fu.owner else w.dash,
                     fu.due.isoformat() if fu and fu.due else w.dash, "document"])
    out = [P(w.say("open_intro"))]
    out.append(table(["Question", "Field", "Owner", "Due", "Raised by"], rows) if rows else P(w.say("no_open")))
    ups = [f for f in w.policy.follow_ups if f.status == "open"]
    if ups:
        out.append(H2("Follow-up questions"))
        out.append(P(w.say("follow_ups_intro")))
        out.append(table(["Id", "Question", "Field", "Owner", "Due"],
                         [[w.cell(f.id), f.question, w.cell(f.field), w.cell(f.owner), w.cell(f.due)] for f in ups]))
    return out


def revisions(w) -> list[dict]:
    if w.history is not None:
        rows = [[str(h.get("version") or w.dash), str(h.get("date") or w.dash), str(h.get("approver") or w.dash),
                 str(h.get("note") or w.dash)] for h in w.history]
    else:
        rows = [[r.version, w.cell(r.date), w.cell(r.approver), w.cell(r.note)] for r in w.policy.revisions]
    if not rows:
        return [P(w.say("no_revisions"))]
    return [table(["Version", "Date", "Approved by", "What changed"], rows)]


def mapping(w, criteria: dict) -> list[dict]:
    names = criteria.get("frameworks", {})
    per_section = criteria.get("sections", {})
    mapped = {f for ids in per_section.values() for f in ids}
    asked = [f for f in w.policy.engagement.frameworks if f != "soc2"]
    wanted = ["soc2"] + [f for f in asked if f in mapped]
    unmapped = [names.get(f, f) for f in asked if f not in mapped]
    rows = []
    for sid in ["control"] + [s for s in per_section if s != "control"]:
        title = w.title_of(sid)
        ids = per_section.get(sid, {})
        rows.append([title] + [", ".join(ids.get(f, [])) or w.dash for f in wanted])
    out = [P(w.say("mapping_intro")), table(["Section"] + [names.get(f, f) for f in wanted], rows)]
    if unmapped:
        out.append(P(w.say("mapping_unmapped", frameworks=", ".join(unmapped))))
    return out
