"""One function per section of the written policy: answers in, blocks out.

Each function takes the :class:`~workbench.document.context.Writer` and
returns a list of blocks (see :mod:`workbench.document.context`). They state
only what the policy answers, as "shall" statements; every unanswered value
goes through ``w.gap`` / ``w.cell`` / ``w.dur`` so that the section ends with
one sentence naming the decisions still pending (who decides, by when). The
status of the policy (open items, test calendar, exceptions register,
findings, evidence requests) is the readiness report's, not the policy's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Optional

from workbench.spec.model import DESTRUCTIVE

from .context import and_join

def P(text: str) -> dict:
    """A statement; a sentence that opens with a filled-in value ("the policy approver ...") starts upper-case."""
    return {"kind": "p", "text": text[:1].upper() + text[1:]}



H2 = lambda text: {"kind": "h", "level": 2, "text": text}  # noqa: E731
H3 = lambda text: {"kind": "h", "level": 3, "text": text}  # noqa: E731


def table(columns: list[str], rows: list[list[str]], *, keep: tuple[int, ...] = (0,), dash: str = "",
          form: bool = False) -> dict:
    """A table block; with ``dash``, columns that hold nothing but ``dash`` are left out (``keep`` always stays)."""
    if dash and rows:
        wanted = [i for i in range(len(columns)) if i in keep or any(r[i] != dash for r in rows)]
        if len(wanted) < len(columns):
            columns = [columns[i] for i in wanted]
            rows = [[r[i] for i in wanted] for r in rows]
    out = {"kind": "table", "columns": columns, "rows": rows}
    if form:
        out["form"] = True
    return out


def ul(items: list[str]) -> dict:
    return {"kind": "ul", "items": items}


def is_sentence(text: str) -> bool:
    """Whether an answer reads as a whole sentence (so it cannot sit inside another one)."""
    text = text.strip()
    return ". " in text or (text.endswith((".", "!", "?")) and len(text.split()) >= 4)


def sentence(text: str) -> str:
    """``text`` as the end of a sentence: one full stop, never two."""
    text = text.rstrip()
    return text if text[-1:] in ".!?" else text + "."


# ----------------------------------------------------------------------------
# document control
# ----------------------------------------------------------------------------
def _person(p) -> Optional[str]:
    """"Dana Ops (Head of Infrastructure)", or the role alone when the policy names a role and no person."""
    if p is None or not (p.name or p.role):
        return None
    if not p.name:
        return p.role
    if not p.role:
        return p.name
    return f"{p.name}, {p.role}" if "(" in p.role else f"{p.name} ({p.role})"


def last_review(g) -> Optional[dt.date]:
    """When the policy was last reviewed: the later of the recorded review and the approval, as approving a
    version is reviewing it (GOV-002 reads it so; publishing sets the approval date, not the review date)."""
    dates = [d for d in (g.last_reviewed_on, g.approved_on) if d is not None]
    return max(dates) if dates else None


def next_review(w) -> Optional[dt.date]:
    g = w.policy.policy
    base = last_review(g)
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
        ("classification", g.classification, "", ""),
        ("owner", _person(g.owner), "who owns this policy", "policy.owner"),
        ("approver", _person(g.approver), "who approves this policy", "policy.approver"),
        ("approved_on", g.approved_on, "the approval date", "policy.approved_on"),
        ("effective_from", g.effective_from, "the date this policy takes effect", "policy.effective_from"),
        # shown when a review is recorded; an approval since then is the later review
        ("last_reviewed_on", last_review(g) if g.last_reviewed_on else None, "", ""),
        ("review_interval", g.review_interval, "how often the policy is reviewed", "policy.review_interval"),
        ("next_review", next_review(w), "", ""),
    ]
    out = []
    for key, value, what, path in rows:
        if not what and (value is None or value == ""):
            continue  # optional rows are shown only when answered
        text = w.cell(value, what, path, required=True)
        out.append({"key": key, "label": labels.get(key, key), "value": text, "open": text.startswith(w.open_cell)})
    if w.policy.organization.consultant:
        out.append({"key": "consultant", "label": labels.get("consultant", "consultant"),
                    "value": w.policy.organization.consultant, "open": False})
    return out


# ----------------------------------------------------------------------------
# purpose, scope, definitions
# ----------------------------------------------------------------------------
CATEGORY_NAMES = {"security": "Security", "availability": "Availability",
                  "processing_integrity": "Processing Integrity", "confidentiality": "Confidentiality",
                  "privacy": "Privacy"}


def purpose(w) -> list[dict]:
    p = w.policy
    out: list[dict] = [P(w.say("purpose_standard", org=p.organization.name or w.word("the_organization")))]
    if p.policy.purpose:
        out.append(P(sentence(w.say("purpose", text=p.policy.purpose))))
    else:
        w.gap("the purpose of this policy in the organization's own words", "policy.purpose")
    if p.organization.name and p.organization.description:
        out.append(P(sentence(w.say("org_description", org=p.organization.name, text=p.organization.description))))
    return out


def scope(w) -> list[dict]:
    p, ctx = w.policy, w.ctx
    org = p.organization.name
    out: list[dict] = []
    in_scope = ctx.in_scope_systems
    n_in = len(in_scope)
    if not org:
        w.gap("the organization's name", "organization.name")
    out.append(P(w.say("applies", org=org or w.word("the_organization"),
                       n_in=f"{n_in} system{'' if n_in == 1 else 's'}", n_all=len(p.systems))))
    out += _engagement(w)
    out.append(P(w.say("scope_rule", tiers=_critical_tiers(w))))
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
            w.gap("the SOC 2 report type (Type I or Type II)", "engagement.soc2_type")
    else:
        w.gap("the Trust Services Categories in scope", "engagement.categories")
    if e.soc2_type == "II":
        if e.period_start and e.period_end:
            out.append(P(w.say("period", start=e.period_start.isoformat(), end=e.period_end.isoformat())))
        else:
            w.gap("the Type II observation period", "engagement.period_start")
    others = [f for f in e.frameworks or () if f != "soc2"]
    if others:
        names = w.framework_names
        out.append(P(w.say("frameworks", frameworks=and_join(names.get(f, w.plain(f)) for f in others))))
    return out


def _inventory(w) -> list[dict]:
    inv, out = w.policy.inventory, []
    if inv.source:
        out.append(P(sentence(w.say("inventory_source", source=inv.source))))
    else:
        w.gap("where the system inventory comes from", "inventory.source")
    interval = w.cadence(inv.reconcile_interval, "how often the inventory is reconciled with backup selections",
                         "inventory.reconcile_interval")
    if interval:
        out.append(P(w.say("inventory_reconcile", interval=interval)))
    return out


def tier_groups(w, systems) -> list[tuple[str, list]]:
    """Systems grouped by tier, in tier order; systems without a known tier last."""
    groups: dict[Optional[str], list] = defaultdict(list)
    for a in systems:
        groups[a.tier if a.tier in w.ctx.tiers else None].append(a)
    ordered = sorted((t for t in groups if t is not None), key=lambda t: (w.ctx.tiers[t].level(), w.ctx.tier_index[t]))
    out = [(w.tier_label(t), groups[t]) for t in ordered]
    if None in groups:
        out.append((w.word("no_tier_group"), groups[None]))
    return out


def _systems_by_tier(w, in_scope) -> list[dict]:
    out = [H2(w.word("systems_in_scope"))]
    cols = ["System", "Description", "Kind", "Environment", "Owner", "Data", "RPO", "RTO"]
    for label, systems in tier_groups(w, in_scope):
        out.append(H3(f"{label}: {len(systems)} system{'' if len(systems) == 1 else 's'}"))
        cache: dict = {}
        rows = [_system_row(w, a, cache) for a in systems]
        out.append(table(cols, rows, dash=w.dash))
    if not in_scope:
        w.gap("which systems are in scope", "systems")
    out += _out_of_scope(w)
    return out


def _objective(w, a, field: str, cache: dict) -> str:
    own = getattr(a, field)
    if own is not None and not own.vague:
        return w.human(own)
    if own is not None and own.vague:
        return w.dur_cell(own, f"the {field.upper()} of {w.system(a.id)}", w.ctx.sp(a, field))
    key = (a.tier, field)
    if key not in cache:
        tier = w.ctx.tier(a)
        cache[key] = w.open_cell if tier is None else w.dur_cell(
            getattr(tier, field), f"the {field.upper()} of {w.tier_label(tier.id)}", w.ctx.tierp(tier, field))
    return cache[key]


def _system_row(w, a, cache: dict) -> list[str]:
    if not a.tier or a.tier not in w.ctx.tiers:
        w.ask(f"the tier of {w.system(a.id)}", w.ctx.sp(a, "tier"))
    owner = a.owner or w.cell(None, f"the owner of {w.system(a.id)}", w.ctx.sp(a, "owner"), required=True)
    return [
        w.system(a.id), w.cell(a.description), w.term(a.kind), w.term(a.environment), owner,
        w.term(a.data_classes), _objective(w, a, "rpo", cache), _objective(w, a, "rto", cache),
    ]


def _critical_tiers(w) -> str:
    """", belongs to Tier 0 (Critical) or Tier 1 (Important)": the policy's tiers that bring a system into scope
    by themselves (rank 0-2, as the rules read them), by name; "" when it has none."""
    names = [w.tier_label(t.id) for t in w.ctx.tiers.values() if t.level() <= 2]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f", belongs to {listed}"


def _out_of_scope(w) -> list[dict]:
    ctx = w.ctx
    inside = {a.id for a in ctx.in_scope_systems}
    rest = [a for a in ctx.systems.values() if a.id not in inside and not ctx.valid_exempt(a)]
    if not rest:
        return []
    # out of scope only because its environment or data is not recorded yet: its scope is undecided, and
    # the policy does not state facts nobody entered ("none runs in production")
    undecided = [a for a in rest if a.environment is None or not a.data_classes]
    decided = [a for a in rest if a not in undecided]
    out = [H2(w.word("systems_not_in_scope"))]
    if decided:
        rows = [[w.system(a.id), w.cell(a.description), w.term(a.environment),
                 w.tier_label(a.tier) if a.tier else w.dash, w.term(a.data_classes)] for a in decided]
        out += [P(w.say("out_of_scope_intro", tiers=_critical_tiers(w))),
                table(["System", "Description", "Environment", "Tier", "Data"], rows, dash=w.dash)]
    if undecided:
        out.append(P(w.say("scope_undecided", systems=and_join(w.system(a.id) for a in undecided),
                           them="it" if len(undecided) == 1 else "them")))
    return out


def _exclusions(w) -> list[dict]:
    rows = []
    for a in w.ctx.systems.values():
        e = a.exclusion
        if e is None:
            continue
        path = w.ctx.sp(a, "exclusion")
        name = w.system(a.id)
        if not w.ctx.valid_exempt(a):
            status = w.say("exclusion_invalid")
        elif not (e.reason and e.approved_by):
            status = w.say("exclusion_unapproved")
        else:
            status = w.say("exclusion_valid")
        why = w.cell(e.reason, f"why {name} is excluded from backup", path + ".reason", True)
        if e.data_kept_in:
            why = why.rstrip(".") + f" (its data is kept in {e.data_kept_in})"
        rows.append([
            name, why,
            w.cell(e.approved_by, f"who approves the exclusion of {name}", path + ".approved_by", True),
            w.cell(e.expires_on), status,
        ])
    if not rows:
        return []
    return [H2(w.word("exclusions")), P(w.say("exclusions_intro")),
            table(["System", "Why", "Approved by", "Review by", "Status"], rows, dash=w.dash)]


def definitions(w) -> list[dict]:
    terms = w.words.get("definitions") or {}
    rows = [[str(k), str(v)] for k, v in terms.items()]
    return [table([w.word("term"), w.word("meaning")], rows)] if rows else []


# ----------------------------------------------------------------------------
# roles and responsibilities
# ----------------------------------------------------------------------------
PROVIDER_SERVICES = ("msp", "managed_service", "managed_services", "it_provider")


def roles(w) -> list[dict]:
    g, out = w.policy.policy, []
    for key, person, what, path in (("owner", g.owner, "who owns this policy", "policy.owner"),
                                    ("approver", g.approver, "who approves this policy", "policy.approver")):
        if person is not None and person.name:
            out.append(P(w.say(f"{key}_no_role", name=_person(person))))
        elif person is not None and person.role:  # a role, as many policies name their owner
            out.append(P(w.say(f"{key}_role_only", role=person.role)))
        else:
            w.gap(what, path)
    if any(a.owner for a in w.ctx.in_scope_systems):
        out.append(P(w.say("system_owners")))
    out += _responsibilities(w)
    out += _providers(w)
    if g.communicated_to:
        out.append(P(w.say("communicated", groups=and_join(g.communicated_to))))
    else:
        w.gap("who the policy is published to", "policy.communicated_to")
    if g.acknowledgement_required is not None:
        out.append(P(w.say("acknowledge_yes" if g.acknowledgement_required else "acknowledge_no")))
    out += _role_table(w)
    out += _system_owners(w)
    return out


def _responsibilities(w) -> list[dict]:
    """Who does what on the backup plane: one row per access role, from its permissions."""
    rows = []
    duties = w.words.get("duties") or {}
    destroyers = None  # who holds a destructive backup permission through any role, worked out when needed
    for r in w.policy.roles:
        perms = r.permissions or ()
        jobs = [duties[p] for p in ("configure", "run", "restore") if p in perms and p in duties]
        if set(perms) & {"delete_recovery_point", "modify_retention", "modify_immutability", "bypass_governance",
                                 "disable_plan", "delete_vault"}:
            jobs.append(duties.get("destructive", ""))
        if "key_admin" in perms:
            jobs.append(duties.get("key_admin", ""))
        if "prod_admin" in perms:
            # "kept apart from destructive backup permissions" only when it is true: neither the role nor any
            # of its members through another role holds one (ACC-002 reports it when they do)
            if destroyers is None:
                from workbench.rules.immutability import plane  # ACC-002's view: groups expanded

                pl = plane(w.ctx)
                destroyers = pl.holders(*sorted(DESTRUCTIVE)), pl
            held, pl = destroyers
            apart = not DESTRUCTIVE & set(perms) and not any(pid in held for pid in pl.members(r))
            jobs.append(duties.get("prod_admin_apart" if apart else "prod_admin", ""))
        jobs = [j for j in jobs if j]
        if jobs:
            rows.append([w.role(r.id), sentence("; ".join(jobs)[:1].upper() + "; ".join(jobs)[1:])])
    if not rows:
        return []
    return [H2(w.word("responsibilities")), table([w.word("role_col"), w.word("responsibility_col")], rows)]


def _providers(w) -> list[dict]:
    """What each provider or MSP does, and what the organization keeps however much it outsources."""
    org = w.policy.organization.name or w.word("the_organization")
    rows = []
    for v in w.policy.vendors:
        held = [w.target(t.id) for t in w.policy.targets if v.id in (t.vendor, getattr(t, "managed_by", None))]
        runs = [s for s in w.policy.schedules if getattr(s, "performed_by", None) == v.id]
        does = []
        if (v.service or "") in PROVIDER_SERVICES:
            does.append(w.say("provider_msp"))
        elif runs:
            systems = and_join(dict.fromkeys(w.system(x) for s in runs for x in s.systems)) or w.say("review_all_systems")
            does.append(w.say("provider_runs", systems=systems))
        if held:
            does.append(w.say("provider_holds", targets=and_join(held)))
        if not does and v.service:
            does.append(w.say("provider_service", service=w.plain(v.service)))
        if does:
            rows.append([v.name or v.id, sentence("; ".join(does)[:1].upper() + "; ".join(does)[1:])])
    saas = sorted({a.saas.provider for a in w.ctx.in_scope_systems if a.saas is not None and a.saas.provider})
    for name in saas:
        rows.append([name, w.say("provider_saas")])
    consultant = w.policy.organization.consultant
    if consultant:
        same = next((r for r in rows if consultant.startswith(r[0]) or r[0].startswith(consultant)), None)
        if same is not None:  # the MSP that runs the backups also prepared the policy: one row
            same[1] = same[1].rstrip(".") + "; " + w.say("provider_consultant")[:1].lower() + w.say("provider_consultant")[1:]
        else:
            rows.append([consultant, w.say("provider_consultant")])
    if not rows:
        return []
    keeps = w.words.get("client_keeps") or []
    out = [H2(w.word("providers")), P(w.say("providers_intro", org=org)),
           table([w.word("provider_col"), w.word("responsibility_col")], rows)]
    if keeps:
        out += [P(w.say("client_keeps", org=org)), ul([str(k) for k in keeps])]
    return out


def _members(w, ids) -> str:
    return and_join(w.person(pid) for pid in ids or ())


def _role_table(w) -> list[dict]:
    if not w.policy.roles:
        w.gap("the access roles on the backup plane", "roles")
        return []
    rows = [[w.role(r.id), w.cell(r.description), w.term(r.scope),
             _members(w, r.members) or w.cell(None, f"who belongs to {w.role(r.id)}", w.ctx.rolep(r, "members"), True)]
            for r in w.policy.roles]
    return [H2(w.word("roles")), table(["Role", "Purpose", "Scope", "Members"], rows, dash=w.dash)]


def _system_owners(w) -> list[dict]:
    owners: dict[str, int] = defaultdict(int)
    for a in w.ctx.in_scope_systems:
        if a.owner:
            owners[a.owner] += 1
    if not owners:
        return []
    rows = [[o, str(n)] for o, n in sorted(owners.items())]
    return [H2(w.word("system_owners")), table(["Owner", "Systems in scope"], rows)]


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
            w.tier_label(t.id).split(" (")[0], w.cell(t.name), w.cell(t.description),
            w.dur_cell(t.rpo, f"the RPO of {w.tier_label(t.id)}", tp(t, "rpo")),
            w.dur_cell(t.rto, f"the RTO of {w.tier_label(t.id)}", tp(t, "rto")),
            w.dur_cell(t.mtd, f"the MTD of {w.tier_label(t.id)}", tp(t, "mtd")),
            w.dur_cell(t.dr_rpo, "", "", required=False), w.dur_cell(t.dr_rto, "", "", required=False),
        ])
    out.insert(0, table(["Tier", "Name", "What belongs here", "RPO", "RTO", "MTD", "DR RPO", "DR RTO"], rows,
                        dash=w.dash))
    out += _overrides(w)
    return out


def _tier_statements(w, t) -> list[dict]:
    label, tp = w.tier_label(t.id), w.ctx.tierp
    rpo = w.dur(t.rpo, f"the RPO of {label}", tp(t, "rpo"))
    rto = w.dur(t.rto, f"the RTO of {label}", tp(t, "rto"))
    out = []
    if rpo and rto:
        out.append(P(w.say("tier_objectives", tier=label, rpo=rpo, rto=rto)))
    elif rpo or rto:
        out.append(P(w.say("tier_rpo" if rpo else "tier_rto", tier=label, rpo=rpo, rto=rto)))
    for value, name in ((rpo, "rpo"), (rto, "rto")):
        if value is None:
            w.gap(w.open[tp(t, name)]["what"], tp(t, name))
    mtd = w.dur(t.mtd, f"the MTD of {label}", tp(t, "mtd"))
    if mtd:
        out.append(P(w.say("tier_mtd", tier=label, mtd=mtd)))
    dr_rpo, dr_rto = w.dur(t.dr_rpo, "", "", False), w.dur(t.dr_rto, "", "", False)
    if (dr_rpo or dr_rto) and (dr_rpo or rpo) and (dr_rto or rto):
        out.append(P(w.say("tier_dr", tier=label, dr_rpo=dr_rpo or rpo, dr_rto=dr_rto or rto)))
    return out


def _overrides(w) -> list[dict]:
    rows = []
    for a in w.ctx.in_scope_systems:
        if a.rpo is None and a.rto is None and a.mtd is None:
            continue
        name = w.system(a.id)
        rows.append([name, w.tier_label(a.tier) if a.tier else w.dash,
                     w.dur_cell(a.rpo, f"the RPO of {name}", w.ctx.sp(a, "rpo"), False),
                     w.dur_cell(a.rto, f"the RTO of {name}", w.ctx.sp(a, "rto"), False),
                     w.dur_cell(a.mtd, "", "", False),
                     w.cell(a.override_rationale, f"why the objectives of {name} differ from its tier",
                            w.ctx.sp(a, "override_rationale"), True)])
    if not rows:
        return []
    return [H2("System overrides"), P(w.say("overrides_intro")),
            table(["System", "Tier", "RPO", "RTO", "MTD", "Why"], rows, dash=w.dash)]


# ----------------------------------------------------------------------------
# 4. schedules
# ----------------------------------------------------------------------------
def _schedule_scope(w, sc) -> str:
    parts = []
    if sc.tiers:
        parts.append("all systems in " + and_join(w.tier_label(t) for t in sc.tiers))
    if sc.systems:
        shown = sc.systems if len(sc.systems) <= 8 else sc.systems[:8]
        more = "" if len(sc.systems) <= 8 else f" and {len(sc.systems) - 8} more"
        shown = [w.system(x) for x in shown]
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
    labels = {s.id: _schedule_label(w, s) for s in w.policy.schedules}
    for label, systems in tier_groups(w, w.ctx.in_scope_systems):
        out.append(H3(label))
        out.append(table(cols, [_schedule_row(w, a, labels, memo) for a in systems]))
    return out


def _schedule_label(w, s) -> str:
    """"Nightly database backup (every day)", or "snapshot every hour" for a schedule with no name."""
    every = w.cadence(s.interval, "", "", required=False) if s.interval and not s.interval.vague else None
    when = (w.say("near_zero") if s.interval is not None and not s.interval.vague and s.interval.approx_seconds == 0
            else f"every {every}" if every else w.say("interval_pending"))
    if s.name:
        return f"{s.name}, {when}"
    kind = SCHEDULE_TYPES.get(s.type, w.plain(s.type)) if s.type else ""
    label = f"{kind} {when}".strip()
    return label if kind else label[:1].upper() + label[1:]  # a cell of its own: "Interval pending"


def _schedule_statement(w, sc) -> list[dict]:
    path = w.ctx.schp
    what = _schedule_scope(w, sc)
    scope = what
    called = sc.name or (sc.description if sc.description and not is_sentence(sc.description) else None) or sc.id
    if not what:
        return [w.gap(f"which systems the schedule {called} backs up", path(sc, "systems"))]
    targets = and_join(w.target(t) for t in sc.targets) if sc.targets else None
    if not targets:
        return [w.gap(f"where the {w.say('schedule_of', what=what)} writes its backups", path(sc, "targets"))]
    kind = SCHEDULE_TYPES.get(sc.type, w.plain(sc.type)) if sc.type else w.say("scheduled")
    lead = f"{sc.name}: " if sc.name else ""
    if what[:1].islower() and not what.startswith("all "):
        what = (w.say("the_systems") if len(sc.systems) > 1 or sc.tiers else w.say("the_system")) + " " + what
    # inside a sentence: "how often the schedule that backs up the system agency-data runs"
    mirror = sc.type == "replication" and sc.versioned is not True  # keeps no earlier versions: not a backup
    inline = what
    if what[:1].isupper() and what.startswith((w.say("the_system"), w.say("the_systems"))):
        inline = what[:1].lower() + what[1:]
    what = what[:1].upper() + what[1:] if not lead else what
    out = []
    if sc.interval is not None and not sc.interval.vague and sc.interval.approx_seconds == 0:
        out.append(P(lead + w.say("schedule_replication_cont" if mirror else "schedule_cont",
                                  type=kind, what=what, targets=targets)))
    else:
        interval = w.cadence(sc.interval, f"how often the {w.say('schedule_of', what=inline)} runs", path(sc, "interval"))
        if interval is None:
            return []
        out.append(P(lead + w.say("schedule_replication" if mirror else "schedule", type=kind,
                                  interval=interval, what=what, targets=targets)))
    if sc.automated is False:
        out.append(P(w.say("schedule_manual", what=what)))
    if sc.performed_by:
        out.append(P(w.say("schedule_provider", schedule=f"the {w.say('schedule_of', what=scope)}",
                           provider=_vendor_name(w, sc.performed_by))))
    if sc.restore_test_interval is not None:
        iv = w.cadence(sc.restore_test_interval, f"how often the systems of the {w.say('schedule_of', what=scope)} "
                       "are restore-tested", path(sc, "restore_test_interval"))
        if iv:
            out.append(P(w.say("own_test", who=f"Each system of the {w.say('schedule_of', what=scope)}", interval=iv,
                               method=_method(w, sc.restore_test_method))))
    return out


def _vendor_name(w, vid: str) -> str:
    v = next((v for v in w.policy.vendors if v.id == vid), None)
    return (v.name or v.id) if v is not None else vid


def _method(w, method) -> str:
    return f", by {w.terms.get(method, method)}" if method else ""


def _schedule_row(w, a, labels: dict, memo: dict) -> list[str]:
    """Schedules, worst-case loss and copies of ``a``; systems with the same schedules share one answer."""
    scheds = w.ctx.schedules(a)
    key = tuple(s.id for s in scheds)
    cells = memo.get(key)
    if cells is None or not scheds:
        if not scheds:
            cells = [w.open_cell, w.open_cell, w.open_cell]
        else:
            names = "; ".join([labels[s.id] for s in scheds])
            gap = w.ctx.rp_gap(a)
            loss = w.open_cell if gap is None else (w.say("near_zero") if gap.approx_seconds == 0 else w.human(gap))
            cells = [names, loss, str(len(w.ctx.copies(a)))]
        memo[key] = cells
    if not scheds:
        w.ask(f"which schedule backs up {w.system(a.id)}", w.ctx.sp(a, "id")[: -len(".id")])
    return [w.system(a.id), *cells]


# ----------------------------------------------------------------------------
# 5. copies, 6. immutability
# ----------------------------------------------------------------------------
def _where(w, t) -> str:
    parts = [w.plain(t.provider) if t.provider else None, f"account {t.account}" if t.account else None, t.region, t.site]
    return ", ".join(x for x in parts if x)


def _copies_key(n) -> str:
    if getattr(n, "text", None):  # "multiple", "several": wording with no exact number
        return "tier_copies_words"
    return "tier_copies_none" if n == 0 else "tier_copies_one" if n == 1 else "tier_copies"


def copies(w) -> list[dict]:
    out: list[dict] = []
    g = w.policy.policy
    every = getattr(g, "min_backup_copies", None)  # a policy-wide answer, where the spec has one
    if every is not None:
        out.append(P(w.say(_copies_key(every), tier=w.say("every_system"), n=every)))
    for t in w.policy.tiers:
        if t.min_backup_copies is not None:
            out.append(P(w.say(_copies_key(t.min_backup_copies), tier=w.tier_label(t.id), n=t.min_backup_copies)))
        elif every is not None:
            continue
        else:
            w.gap(f"how many backup copies {w.tier_label(t.id)} systems keep", w.ctx.tierp(t, "min_backup_copies"))
    if not w.policy.targets:
        out.append(w.gap("where backups are written", "targets"))
        return out
    rows = []
    for t in w.policy.targets:
        tp = w.ctx.tp
        name = w.target(t.id)
        where = _where(w, t) or w.cell(None, f"where {name} is: provider, account, region or site",
                                        tp(t, "region"), True)
        media = w.term(list(t.all_media())) if t.other_media else w.term(t.media)
        holder = w.vendor(t.vendor) if t.vendor else ""
        if t.managed_by:
            provider = _vendor_name(w, t.managed_by)
            holder = (f"{holder}; " if holder else "") + f"kept by {provider}"
            out.append(P(w.say("target_provider", target=name, provider=provider)))
        rows.append([name, w.cell(t.description), where, media, w.term(t.storage_class), holder or w.dash])
    out.append(H2("Backup targets"))
    out.append(table(["Target", "Description", "Where", "Media", "Storage class", "Held by"], rows, dash=w.dash))
    out += _vendors(w)
    return out


def _vendors(w) -> list[dict]:
    if not w.policy.vendors:
        return []
    rows = [[v.name or v.id, w.term(v.service), w.cell(v.soc2_type2_report_date), w.cell(v.baa_signed),
             w.cell(v.dpa_signed)] for v in w.policy.vendors]
    return [H2("Vendors"), P(w.say("vendors_intro")),
            table(["Vendor", "Service", "Latest SOC 2 Type II report", "BAA signed", "DPA signed"], rows, dash=w.dash)]


def immutability(w) -> list[dict]:
    out: list[dict] = []
    every = getattr(w.policy.policy, "require_immutable", None)  # a policy-wide answer, where the spec has one
    if every is not None:
        out.append(P(w.say("tier_immutable_yes" if every else "tier_immutable_no", tier=w.say("every_system"))))
    for t in w.policy.tiers:
        if t.require_immutable is None and every is not None:
            continue
        if t.require_immutable is None:
            w.gap(f"whether {w.tier_label(t.id)} systems need an immutable or offline copy",
                  w.ctx.tierp(t, "require_immutable"))
        else:
            out.append(P(w.say("tier_immutable_yes" if t.require_immutable else "tier_immutable_no",
                               tier=w.tier_label(t.id))))
    rows = []
    for t in w.policy.targets:
        tp = w.ctx.tp
        imm = t.immutability
        name = w.target(t.id)
        if t.managed_by and (imm is None or imm.mode is None):
            mode = (f"immutable, as {_vendor_name(w, t.managed_by)} keeps it" if imm is not None and imm.enabled
                    else f"as {_vendor_name(w, t.managed_by)} keeps it")
        elif imm is not None and imm.mode is None and imm.enabled:
            w.ask(f"by which mechanism {name} is immutable", tp(t, "immutability", "mode"))
            mode = "immutable (mechanism not stated)"
        elif imm is not None and imm.mode == "none":
            mode = w.word("no_lock")
        else:
            mode = w.term(imm.mode if imm else None, f"the immutability of {name}", tp(t, "immutability"), True)
        days = w.cell(imm.days if imm else None)
        rows.append([name, mode, days, w.cell(t.soft_delete_days),
                     w.cell(t.isolated_account, f"whether {name} is in an isolated account", tp(t, "isolated_account"),
                            not t.offline and t.media not in PHYSICAL and not t.managed_by),
                     w.cell(t.offline)])
    if rows:
        out.append(table(["Target", "Immutability", "Lock (days)", "Soft delete (days)", "Isolated account", "Offline"],
                         rows, dash=w.dash))
    return out


# ----------------------------------------------------------------------------
# 7. retention
# ----------------------------------------------------------------------------
def retention(w) -> list[dict]:
    out: list[dict] = []
    rows = []
    for t in w.policy.targets:
        r, path, name = t.retention, w.ctx.tp(t, "retention"), w.target(t.id)
        if r is None:
            rows.append([name] + [w.dash] * 4 + [w.cell(None, f"how long {name} keeps recovery points", path, True),
                                                  w.cell(t.legal_hold_supported)])
            continue
        cells = [w.dur_cell(getattr(r, k), f"the {k} retention of {name}", f"{path}.{k}", False)
                 for k in ("daily", "weekly", "monthly", "yearly")]
        mx = w.dur_cell(r.max, f"the oldest recovery point kept on {name}", f"{path}.max", True)
        rows.append([name] + cells + [mx, w.cell(t.legal_hold_supported)])
        if r.counted_from:
            out.append(P(sentence(w.say("counted_from", target=name, event=r.counted_from))))
        if r.indefinite_basis:
            out.append(P(sentence(w.say("indefinite", target=name, basis=r.indefinite_basis))))
        elif getattr(r, "indefinite", None):
            w.gap(w.say("indefinite_no_basis", target=name), f"{path}.indefinite_basis")
    if rows:
        out.insert(0, table(["Target", "Daily", "Weekly", "Monthly", "Yearly", "Oldest point kept", "Legal hold"], rows,
                            dash=w.dash))
    out += _holds(w)
    out += _privacy(w)
    return out


def _holds(w) -> list[dict]:
    if not w.policy.legal_holds:
        return []
    rows = [[h.id, w.cell(h.matter), and_join(w.system(x) for x in h.systems) or w.dash, w.cell(h.since),
             w.cell(h.released_on) if h.released_on else w.say("hold_active"),
             w.cell(h.applies_to_backups, f"whether legal hold {h.id} covers backups",
                    f"legal_holds[{i}].applies_to_backups", True)]
            for i, h in enumerate(w.policy.legal_holds)]
    return [H2("Legal holds"), P(w.say("holds_intro")),
            table(["Hold", "Matter", "Systems", "Since", "Released", "Covers backups"], rows, dash=w.dash)]


def _privacy(w) -> list[dict]:
    pv, out = w.policy.privacy, []
    holds_pii = any("pii" in a.data_classes or "phi" in a.data_classes for a in w.ctx.in_scope_systems)
    if not holds_pii and not any(v is not None for v in pv.model_dump().values()):
        return []
    out.append(H2("Personal data in backups"))
    if pv.erasure_in_backups_procedure:
        out.append(P(sentence(w.say("privacy_procedure", ref=pv.erasure_in_backups_procedure))))
    else:
        w.gap("the procedure for erasure requests that reach backups", "privacy.erasure_in_backups_procedure")
    for field, key, what in (("beyond_use_statement", "privacy_beyond_use",
                              "whether erased personal data left in backups is put beyond use"),
                             ("deletion_replay_on_restore", "privacy_replay",
                              "whether deletions are applied again after a restore")):
        value = getattr(pv, field)
        if value is None:
            w.gap(what, f"privacy.{field}")
        else:
            out.append(P(w.say(f"{key}_{'yes' if value else 'no'}")))
    age = w.dur(pv.max_backup_age_for_pii, "the oldest backup that may hold personal data", "privacy.max_backup_age_for_pii")
    if age:
        out.append(P(w.say("privacy_max_age", age=age)))
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
        name = w.target(t.id)
        rows.append([
            name,
            (f"as {_vendor_name(w, t.managed_by)} keeps it" if t.managed_by and (e is None or e.at_rest is None)
             else w.cell(e.at_rest if e else None, f"whether {name} is encrypted at rest",
                         tp(t, "encryption", "at_rest"), True)),
            w.cell(e.algorithm if e else None), w.key(e.key) if e and e.key else w.dash,
            ("encrypted (protocol not stated)" if tr is not None and tr.encrypted and not tr.protocol
             else "not encrypted" if tr is not None and tr.encrypted is False and not tr.protocol
             else w.term(tr.protocol if tr else None, f"how data travels to {name}", tp(t, "transfer", "protocol"),
                         t.media not in PHYSICAL)),
            w.cell(tr.tls_min if tr else None),
        ])
    if rows:
        out.append(table(["Target", "Encrypted at rest", "Algorithm", "Key", "Transport", "Lowest TLS"], rows,
                         dash=w.dash))
    if w.policy.keys:
        krows = [[w.key(k.id), w.term(k.provider), w.cell(k.account), w.cell(k.region),
                  w.cell(k.replicas, f"which regions hold a replica of {w.key(k.id)}", w.ctx.keyp(k, "replicas"),
                         k.replicas is None),
                  and_join(w.person(x) for x in k.admins or ())
                  or w.cell(None, f"who administers {w.key(k.id)}", w.ctx.keyp(k, "admins"), True), w.cell(k.dual_control),
                  w.cell(k.rotation_interval), w.cell(k.retains_old_versions), w.cell(k.deletion_window_days),
                  w.cell(k.escrow)] for k in w.policy.keys]
        out += [H2("Key custody"), P(w.say("keys_intro")),
                table(["Key", "Service", "Account", "Region", "Replicas", "Administrators", "Dual control", "Rotation",
                       "Old versions kept", "Deletion window (days)", "Escrow"], krows, dash=w.dash)]
    return out


# ----------------------------------------------------------------------------
# 9. access
# ----------------------------------------------------------------------------
def _restore_authority(w) -> list[dict]:
    g, out = w.policy.policy, []
    if (g.restore_authorized_by or "").strip():
        out.append(P(sentence(w.say("restore_authorized", by=g.restore_authorized_by.strip()))))
    else:
        w.gap("who authorises a restore", "policy.restore_authorized_by")
    if (g.former_employee_restore or "").strip():
        out.append(P(sentence(w.say("former_employee_restore", who=g.former_employee_restore.strip()))))
    return out


def access(w) -> list[dict]:
    if not w.policy.roles:
        w.gap("the access roles on the backup plane", "roles")
        return _restore_authority(w)
    out: list[dict] = _restore_authority(w)
    rows = []
    for r in w.policy.roles:
        out += _role_statements(w, r)
        rows.append([w.role(r.id),
                     w.term(r.permissions, f"what {w.role(r.id)} may do", w.ctx.rolep(r, "permissions"),
                            r.permissions is None),
                     and_join(w.target(x) for x in r.targets) if r.targets else w.word("all"),
                     w.cell(r.mfa_required),
                     w.term(r.dual_authorization_for) if r.dual_authorization_for else
                     w.term(None, f"which operations of {w.role(r.id)} need a second approver",
                            w.ctx.rolep(r, "dual_authorization_for"), True) if r.dual_authorization_for is None else
                     w.word("not_required"),
                     w.cell(r.review_interval), w.cell(r.last_review_on)])
    out.append(table(["Role", "Permissions", "Targets", "MFA", "Second approver for", "Review cadence", "Last review"],
                     rows, dash=w.dash))
    return out


def _role_statements(w, r) -> list[dict]:
    rp, out, name = w.ctx.rolep, [], w.role(r.id)
    if r.mfa_required is None:
        w.gap(f"whether members of {name} must use multi-factor authentication", rp(r, "mfa_required"))
    else:
        out.append(P(w.say("role_mfa" if r.mfa_required else "role_no_mfa", role=name)))
    interval = w.cadence(r.review_interval, f"how often membership of {name} is reviewed", rp(r, "review_interval"))
    if interval:
        out.append(P(w.say("role_review", role=name, interval=interval)))
    if r.dual_authorization_for:
        out.append(P(w.say("role_dual", role=name, ops=and_join(w.plain(o) for o in r.dual_authorization_for))))
    return out


# ----------------------------------------------------------------------------
# restore testing
# ----------------------------------------------------------------------------
def testing(w) -> list[dict]:
    out: list[dict] = []
    g = w.policy.policy
    every = g.restore_test_interval
    wide = None
    # The gap engine's reading (rules/testing.py _tier_verdict): a tier's own cadence wins, and the
    # policy-wide one holds for the tiers that state none and for systems without a tier. "All systems"
    # is said only when no tier states its own; otherwise the policy-wide cadence is said of each tier
    # it holds for, so the section never carries two cadences for the same systems.
    own = any(t.restore_test_interval is not None for t in w.policy.tiers)
    if every is not None:
        wide = w.cadence(every, "how often restores are tested", "policy.restore_test_interval")
        if wide and not own:
            out.append(P(w.say("tier_test", tier=w.say("every_system"), interval=wide)))
    method = g.restore_test_method
    if method:
        out.append(P(w.say("test_method", method=w.plain(method))))
    full_every, full_wide = g.full_restore_interval, None
    own_full = any(t.full_restore_interval is not None for t in w.policy.tiers)
    if full_every is not None:
        full_wide = w.cadence(full_every, "", "", required=False)
        if full_wide and not own_full:  # as for restore tests: a tier's own full-restore cadence wins
            out.append(P(w.say("tier_full", tier=w.say("every_system"), interval=full_wide)))
    for a in w.policy.systems:
        if a.restore_test_interval is not None:
            iv = w.cadence(a.restore_test_interval, f"how often {w.system(a.id)} is restore-tested",
                           w.ctx.sp(a, "restore_test_interval"))
            who = w.system(a.id)
            if who[:1].islower():  # an id, not a name: do not capitalise it into another word
                who = f"{w.say('the_system')} {who}"
            if iv:
                out.append(P(w.say("own_test", who=who, interval=iv,
                                   method=_method(w, a.restore_test_method))))
    for t in w.policy.tiers:
        label, tp = w.tier_label(t.id), w.ctx.tierp
        if t.restore_test_method:
            out.append(P(w.say("tier_method", tier=label, method=w.plain(t.restore_test_method))))
        if t.restore_test_interval is None and wide:
            if own:  # the policy-wide cadence holds for this tier: say so of it ("All systems" was not said)
                out.append(P(w.say("tier_test", tier=label, interval=wide)))
        else:
            interval = w.cadence(t.restore_test_interval, f"how often {label} systems are restore-tested",
                                 tp(t, "restore_test_interval"))
            if interval:
                out.append(P(w.say("tier_test", tier=label, interval=interval)))
        full = w.cadence(t.full_restore_interval, "", "", required=False)
        if t.full_restore_interval is None and own_full:
            full = full_wide
        if full:
            out.append(P(w.say("tier_full", tier=label, interval=full)))
    if (wide and own) or (full_wide and own_full):
        if any(w.ctx.tier(a) is None for a in w.ctx.in_scope_systems):
            if wide and own:
                out.append(P(w.say("untiered_test", interval=wide)))
            if full_wide and own_full:
                out.append(P(w.say("untiered_full", interval=full_wide)))
    out.append(P(w.say("test_record")))
    out.append(P(w.say("test_failure")))
    commitment = _exercise_commitment(w)
    if commitment is not None:
        out.append(commitment)
    return out


def _exercise_commitment(w) -> Optional[dict]:
    """How often, and of which kinds, the policy holds disaster-recovery exercises (or the open item)."""
    g, path = w.policy.policy, "policy.dr_exercise_interval"
    interval = w.cadence(g.dr_exercise_interval, "how often disaster-recovery exercises are held", path)
    if not interval:
        return None
    if g.dr_exercise_types:
        types = and_join(w.plain(x) for x in dict.fromkeys(g.dr_exercise_types))
        return P(w.say("exercise_cadence_types", interval=interval, types=types))
    return P(w.say("exercise_cadence", interval=interval))


# ----------------------------------------------------------------------------
# monitoring and evidence
# ----------------------------------------------------------------------------
def monitoring(w) -> list[dict]:
    m, out = w.policy.monitoring, []
    sla = w.dur(m.failure_ticket_sla, "how soon a failed backup job is fixed or ticketed", "monitoring.failure_ticket_sla")
    if sla:
        out.append(P(w.say("failure_sla", sla=sla)))
    logs = w.dur(m.job_log_retention, "how long backup job logs are kept", "monitoring.job_log_retention")
    if logs:
        out.append(P(w.say("job_logs", retention=logs)))
    interval = w.cadence(m.report_interval, "how often backup status is reported to management", "monitoring.report_interval")
    if interval and m.report_to:
        out.append(P(w.say("report", to=m.report_to, interval=interval)))
    elif interval:
        w.gap("who receives the backup status report", "monitoring.report_to")
    out += _alerts(w)
    out += _evidence(w)
    return out


def _covers(w, tiers, systems, everything: str) -> str:
    return and_join([w.tier_label(t) for t in tiers] + [w.system(x) for x in systems]) or everything


def _alerts(w) -> list[dict]:
    alerts = w.policy.monitoring.alerts
    out: list[dict] = []
    if alerts:
        rows = []
        for i, al in enumerate(alerts):
            event = w.plain(al.event)
            rows.append([event[:1].upper() + event[1:], _covers(w, al.tiers, al.systems, w.word("all")),
                         w.term(al.channel, f"where the alert “{event}” goes", f"monitoring.alerts[{i}].channel", True),
                         w.cell(al.on_call), w.cell(al.escalation)])
        out += [H2("Alerts"), P(w.say("alerts_intro")),
                table(["Event", "Applies to", "Channel", "Pages on-call", "Escalation"], rows, dash=w.dash)]
    elif not w.policy.monitoring.manual_reviews:
        w.gap("the alert rules on the backup plane", "monitoring.alerts")
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
                continue
            when = w.say("review_every", interval=every)
        what = and_join(w.plain(x) for x in (r.covers or ("job_failed", "job_missed")))
        scope = _covers(w, r.tiers, r.systems, w.say("review_all_systems"))
        by, record = r.by, r.evidence
        if not by:
            w.ask("who checks the job results by hand", f"{path}.by")
        if not record:
            w.ask("where each check of job results by hand is recorded", f"{path}.evidence")
        text = w.say("manual_review", by=by or w.say("review_nobody_named"), what=what, scope=scope, when=when)
        if record:
            text += " " + w.say("manual_review_record", record=record)
        out.append(P(text))
    return out


def _evidence(w) -> list[dict]:
    ev = w.policy.evidence
    out = [H2("Evidence")]
    retention = w.dur(ev.retention, "how long audit evidence is kept", "evidence.retention")
    if ev.store and retention and is_sentence(ev.store):
        out.append(P(sentence(w.say("evidence_store_described", store=ev.store, retention=retention,
                                    immutable=w.say("evidence_append_only") if ev.immutable else ""))))
    elif ev.store and retention:
        out.append(P(w.say("evidence_store_immutable" if ev.immutable else "evidence_store",
                           store=ev.store.rstrip("."), retention=retention)))
    elif not ev.store:
        w.gap("where audit evidence is kept", "evidence.store")
    if ev.sources:
        rows = []
        for i, s in enumerate(ev.sources):
            label = w.plain(s.kind)
            rows.append([label[:1].upper() + label[1:],
                         w.cell(s.location, f"where {label} {'are' if label.endswith('s') else 'is'} kept", f"evidence.sources[{i}].location", True),
                         w.dur_cell(s.retention, "", "", required=False) if s.retention is not None else
                         (retention or w.dash)])
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
    if d.method:
        out.append(P(w.say("disposal_method", method=METHODS.get(d.method, w.plain(d.method)))))
    else:
        w.gap("how expired backup data and media are destroyed", "disposal.method")
    if d.procedure:
        out.append(P(sentence(w.say("disposal_procedure", procedure=d.procedure))))
    if d.method == "crypto_erase" and d.key_destruction_recorded is not None:
        out.append(P(w.say("disposal_key_record_yes" if d.key_destruction_recorded else "disposal_key_record_no")))
    interval = w.cadence(d.verification_interval, "how often a job verifies that expired data is gone",
                     "disposal.verification_interval")
    if interval:
        out.append(P(w.say("disposal_verify", interval=interval)))
    if d.certificate_required is not None:
        out.append(P(w.say("disposal_certificate_yes" if d.certificate_required else "disposal_certificate_no")))
    if d.vendor_destroys_media:
        out.append(P(w.say("disposal_vendor_yes")))
    return out




# ----------------------------------------------------------------------------
# statements (the umbrella), exceptions, enforcement, related documents, review, revisions, appendix
# ----------------------------------------------------------------------------
def statements(w) -> list[dict]:
    return []


def exceptions(w) -> list[dict]:
    g = w.policy.policy
    owner = _person(g.owner) or w.say("the_owner")
    approver = _person(g.approver) or w.say("the_approver")
    out = [P(w.say("exception_ask", owner=owner)), P(w.say("exception_approve", approver=approver))]
    interval = w.dur(g.review_interval, "", "", required=False)
    out.append(P(w.say("exception_length", interval=interval) if interval else w.say("exception_length_default")))
    out.append(P(w.say("exception_register")))
    return out


def enforcement(w) -> list[dict]:
    return [P(str(x)) for x in (w.words.get("enforcement") or [])]


def related(w) -> list[dict]:
    docs = [str(x) for x in (w.words.get("related_documents") or [])]
    pv = w.policy.privacy
    if pv.erasure_in_backups_procedure and len(pv.erasure_in_backups_procedure) <= 80:
        docs.append(w.say("related_privacy", ref=pv.erasure_in_backups_procedure.rstrip(".")))
    if any(a.restore_procedure for a in w.ctx.in_scope_systems):
        docs.append(w.say("related_runbooks"))
    return [P(w.say("related_intro")), ul(docs)] if docs else []


def review(w) -> list[dict]:
    g, out = w.policy.policy, []
    interval = w.cadence(g.review_interval, "how often the policy is reviewed", "policy.review_interval")
    if interval:
        out.append(P(w.say("review_cadence", interval=interval)))
        due = next_review(w)
        if due:
            out.append(P(w.say("review_next", date=due.isoformat())))
    out.append(P(w.say("review_triggers")))
    rows = []
    for label, person, date in ((w.word("signoff_owner"), g.owner, None), (w.word("signoff_approver"), g.approver, g.approved_on)):
        rows.append([label, _person(person) or w.open_cell, "", date.isoformat() if date else ""])
    out += [H2(w.word("signoff")), P(w.say("signoff_intro")),
            table([w.word("signoff_role"), w.word("signoff_name"), w.word("signoff_signature"), w.word("signoff_date")],
                  rows, form=True)]
    return out


def _what_changed(note: Optional[str], weakens: Optional[list], reason: Optional[str], dash: str) -> str:
    """A revision's note, and what it weakened and why (a reader of the policy, and an auditor, should not
    have to open the version record to learn that a version lowered a commitment)."""
    text = note or dash
    if weakens:
        text += f". Weakens: {'; '.join(str(x) for x in weakens)}. " + (
            f"Accepted because: {reason}" if reason else "No reason recorded")
    return text


def revisions(w) -> list[dict]:
    if w.history is not None:
        rows = [[str(h.get("version") or w.dash), str(h.get("date") or w.dash), str(h.get("approver") or w.dash),
                 _what_changed(h.get("note"), h.get("weakens"), h.get("reason"), w.dash)] for h in w.history]
    else:
        rows = [[r.version, w.cell(r.date), w.cell(r.approver),
                 _what_changed(r.note, r.weakens, r.reason, w.dash) if r.weakens else w.cell(r.note)]
                for r in w.policy.revisions]
    g = w.policy.policy
    if not rows and g.version:  # a version with no history recorded: the current issue is its only entry
        if g.approved_on:
            rows = [[g.version, g.approved_on.isoformat(), _person(g.approver) or w.open_cell,
                     w.say("current_issue")]]
        else:  # nobody has approved it: the approver to be is not shown as having approved it
            rows = [[g.version, w.open_cell, w.open_cell, w.say("draft_issue")]]
    if not rows:
        return [P(w.say("no_revisions"))]
    return [table(["Version", "Date", "Approved by", "What changed"], rows)]


def mapping(w, criteria: dict) -> list[dict]:
    names = criteria.get("frameworks", {})
    per_section = criteria.get("sections", {})
    mapped = {f for ids in per_section.values() for f in ids}
    asked = [f for f in w.policy.engagement.frameworks or () if f != "soc2"]
    wanted = ["soc2"] + [f for f in asked if f in mapped]
    unmapped = [names.get(f, w.plain(f)) for f in asked if f not in mapped]
    rows = []
    for sid in per_section:
        ids = per_section.get(sid, {})
        cells = [", ".join(ids.get(f, [])) or w.word("not_mapped") for f in wanted]
        rows.append([w.title_of(sid)] + cells)
    out = [P(w.say("mapping_intro")), table(["Section"] + [names.get(f, f) for f in wanted], rows)]
    if unmapped:
        out.append(P(w.say("mapping_unmapped", frameworks=and_join(unmapped))))
    return out
