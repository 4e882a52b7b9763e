"""What each rule reads: trace every rule through a recording context (for the incremental evaluator's tables).

``traced_reads(policies)`` runs every rule over each policy with a context that records each member the rule
touches (mapped to sections by ``CONTEXT_READS``) and each top-level section of ``ctx.policy`` it reads.
``python -m tests.rules.tracing`` prints every table the incremental evaluator reads (what each rule reads of
each section, item and field), traced over the starters, their replicas, generated policies and samples that
exercise the newest rules, plus what tracing cannot see (DECLARED_ and WIDENED_ below, each with its reason);
``--write`` writes them to workbench/rules/reads.py, which a test checks is current.
"""

from __future__ import annotations

import copy

import datetime as dt
import sys
from pathlib import Path

from workbench.rules import RULES
from workbench.rules.context import Context
from workbench.rules.engine import _findings_of
from workbench.rules.incremental import CONTEXT_READS

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 12, 1)


class _TracePolicy:
    def __init__(self, policy, seen: set):
        self.__dict__.update(_p=policy, _seen=seen)

    def __getattr__(self, name):
        self._seen.add(name)
        return getattr(self._p, name)


class _TraceContext:
    def __init__(self, ctx: Context, seen: set):
        self.__dict__.update(_ctx=ctx, _seen=seen)

    def __getattr__(self, name):
        ctx, seen = self._ctx, self._seen
        if name == "policy":
            return _TracePolicy(ctx.policy, seen)
        if name == "index_of":
            def index_of(section, item):
                seen.add(section)
                return ctx.index_of(section, item)
            return index_of
        seen.update(CONTEXT_READS.get(name, {f"?{name}"}))
        return getattr(ctx, name)


def traced_reads(policies, day: dt.date = DAY) -> dict[str, set[str]]:
    """Rule id -> the sections (and ``?member`` for context members the table does not know) it was seen reading."""
    out: dict[str, set[str]] = {rid: set() for rid in RULES}
    for policy in policies:
        ctx = Context(policy, day)
        for r in RULES.values():
            try:
                list(r.func(_TraceContext(ctx, out[r.id])))  # severity modifiers and acceptance: sections_read
            except AttributeError:  # walks the policy as a model (its fields by type): reads everything
                out[r.id].add("*")
    return out


#: Sections whose items' fields sample_policies clears one at a time.
CLEARED_SECTIONS = ("systems", "targets", "keys", "roles", "schedules", "tiers", "principals", "restore_tests")


def sample_policies():
    """The starters, each with every section emptied in turn, their replicas, and generated policies."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate
    import starters

    from workbench.spec.model import Policy
    from workbench.templates import load_template

    out = []
    for name in starters.STARTERS:
        base = load_template(name)
        out.append(base)
        out.append(starters.policy(name, 40))
        for section, field in Policy.model_fields.items():
            if section in ("spec_version",):
                continue
            p = base.model_copy(deep=True)
            default = field.get_default(call_default_factory=True)
            object.__setattr__(p, section, default)
            out.append(p)
    # each field of every system, copy (target), key and role cleared in turn: a rule that reads something only
    # while another answer is missing (ENC-001 weighs a copy's systems' data classes only when the copy's
    # encryption is not stated; COV-002 an unclassified system's exclusion) is seen reading it; the long
    # property test found three such reads the answered starters never showed
    for name in starters.STARTERS:
        base = load_template(name)
        for section in CLEARED_SECTIONS:
            items = getattr(base, section)
            if not items:
                continue
            for field, info in type(items[0]).model_fields.items():
                if field == "id" or info.is_required():
                    continue
                default = info.get_default(call_default_factory=True)
                p = base.model_copy(deep=True)
                for item in getattr(p, section):
                    object.__setattr__(item, field, copy.deepcopy(default))
                out.append(p)
    for seed in (1, 2, 3):
        out.append(generate.policy(60, seed))
    for name in starters.STARTERS:
        out.append(_working_records(load_template(name)))
    return out


def _working_records(base):
    """``base`` with what the newest rules look at filled in, so that tracing sees them read it: a provider
    that takes a schedule's backups and keeps a copy (VEND-002, and the questions it takes over), restores
    authorised but no word on former employees' data (REST-001), a published weakening with no reason
    (CHG-001), and open follow-ups past their date about fields of several sections (FUP-001)."""
    from workbench.spec.model import FollowUp, Governance, Revision, Vendor

    p = base.model_copy(deep=True)
    vendors = list(p.vendors) + [Vendor(id="tracing-msp", name="Tracing MSP")]
    object.__setattr__(p, "vendors", vendors)
    if p.schedules:
        p.schedules[0].performed_by = "tracing-msp"
    if p.targets:
        p.targets[-1].managed_by = "tracing-msp"
    gov = p.policy.model_copy()
    gov.restore_authorized_by = "the system owner"
    gov.former_employee_restore = None
    object.__setattr__(p, "policy", gov)
    object.__setattr__(p, "revisions", [Revision(version="1"), Revision(version="2", weakens=["retention cut"])])
    fields = ["systems[0].rpo", "tiers[0].rpo", "targets[0].retention", "policy.review_interval"]
    object.__setattr__(p, "follow_ups", [FollowUp(id=f"F{i}", question="?", field=f, due=DAY.replace(year=2025))
                                         for i, f in enumerate(fields)])
    return p


#: What a rule reads of a system through the context's scope alone (``ctx.in_scope(a)``,
#: ``ctx.in_scope_systems``): whether the system is in scope, not the fields that decide it. An edit of one of
#: those fields (SCOPE_FIELDS in workbench/rules/incremental.py) that leaves the system in or out of scope as it
#: was cannot change what such a read gives.
SCOPE = "(in scope)"


def traced_system_fields(policies, day: dt.date = DAY) -> dict[str, set[str]]:
    """Rule id -> the fields of systems it was seen reading (its severity modifiers included); the fields read
    only to work out which systems are in scope count as one read, :data:`SCOPE`.

    Each rule runs on a context of its own, so that no memo filled by another rule hides a read.
    """
    from functools import cached_property

    from workbench.rules.engine import _findings_of
    from workbench.spec.model import System

    out: dict[str, set[str]] = {rid: set() for rid in RULES}
    fields = set(System.model_fields)
    current: list[set] = [set()]
    scoping = [0]  # > 0 while the context works out whether systems are in scope
    plain = object.__getattribute__

    def recording(self, name):
        if name in fields:
            current[0].add(SCOPE if scoping[0] else name)
        return plain(self, name)

    def scoped(func):
        def run(*args, **kwargs):
            scoping[0] += 1
            try:
                return func(*args, **kwargs)
            finally:
                scoping[0] -= 1
        return run

    def grouping(self, name):  # the systems of each tier: the systems' tiers, read through the index
        if name == "systems_by_tier":
            current[0].add("tier")
        return plain(self, name)

    in_scope, in_scope_systems = Context.__dict__["in_scope"], Context.__dict__["in_scope_systems"]
    tracked = cached_property(scoped(in_scope_systems.func))
    tracked.__set_name__(Context, "in_scope_systems")
    Context.in_scope, Context.in_scope_systems = scoped(in_scope), tracked
    try:
        for policy in policies:
            for r in RULES.values():
                ctx = Context(policy, day)
                current[0] = out[r.id]
                System.__getattribute__ = recording
                Context.__getattribute__ = grouping
                try:
                    list(_findings_of(r, ctx))
                finally:
                    del System.__getattribute__
                    del Context.__getattribute__
    finally:
        Context.in_scope, Context.in_scope_systems = in_scope, in_scope_systems
    return out


#: What the context works out from the schedules' plans (their targets, interval, job time, type): a rule that
#: reads any of these depends on every field a plan is built from, whether or not it reads a schedule's field.
PLAN_MEMBERS = frozenset({"copies", "copies_with_schedule", "rp_gap", "_plans", "_single_plans", "_merged",
                          "_target_maps", "_schedule_pairs", "_pairs", "_plan_of", "_schedule_plan", "_merged_pairs"})


def traced_plan_readers(policies, day: dt.date = DAY) -> set[str]:
    """The rules seen reading what the context works out from the schedules' plans (:data:`PLAN_MEMBERS`), each
    rule on a context of its own."""
    from workbench.rules.engine import _findings_of

    out: set[str] = set()
    current: list = [None]
    plain = object.__getattribute__

    def recording(self, name):
        if name in PLAN_MEMBERS and current[0] is not None:
            out.add(current[0])
        return plain(self, name)

    for policy in policies:
        for r in RULES.values():
            if r.id in out:
                continue
            ctx = Context(policy, day)
            current[0] = r.id
            Context.__getattribute__ = recording
            try:
                list(_findings_of(r, ctx))
            finally:
                del Context.__getattribute__
                current[0] = None
    return out


def item_classes() -> dict[str, type]:
    """List section -> the model class of its items (systems excluded: see traced_system_fields)."""
    import typing

    from pydantic import BaseModel

    from workbench.spec.model import Policy

    out = {}
    for name, f in Policy.model_fields.items():
        if typing.get_origin(f.annotation) is list:
            (cls,) = typing.get_args(f.annotation)
            if isinstance(cls, type) and issubclass(cls, BaseModel) and name != "systems":
                out[name] = cls
    return out


def traced_item_fields(policies, day: dt.date = DAY) -> dict[str, dict[str, set[str]]]:
    """Section -> rule id -> the fields of that section's items the rule was seen reading (as
    traced_system_fields, for every other list section)."""
    from workbench.rules.engine import _findings_of

    classes = item_classes()
    out: dict[str, dict[str, set[str]]] = {s: {rid: set() for rid in RULES} for s in classes}
    current: list = [None]
    plain = object.__getattribute__

    def recorder(section, fields):
        def recording(self, name):
            if name in fields and current[0] is not None:
                out[section][current[0]].add(name)
            return plain(self, name)
        return recording

    for policy in policies:
        for r in RULES.values():
            ctx = Context(policy, day)
            current[0] = r.id
            for section, cls in classes.items():
                cls.__getattribute__ = recorder(section, set(cls.model_fields))
            try:
                list(_findings_of(r, ctx))
            finally:
                for cls in classes.values():
                    del cls.__getattribute__
                current[0] = None
    return out


def traced_init_fields(policies, day: dt.date = DAY) -> dict[str, set[str]]:
    """Section -> the fields of its items the Context reads while it builds its indexes."""
    from workbench.spec.model import System

    classes = dict(item_classes(), systems=System)
    out: dict[str, set[str]] = {s: set() for s in classes}
    plain = object.__getattribute__

    def recorder(section, fields):
        def recording(self, name):
            if name in fields:
                out[section].add(name)
            return plain(self, name)
        return recording

    for policy in policies:
        for section, cls in classes.items():
            cls.__getattribute__ = recorder(section, set(cls.model_fields))
        try:
            Context(policy, day)
        finally:
            for cls in classes.values():
                del cls.__getattribute__
    return out


def model_classes() -> dict[str, type]:
    """Section -> the model class of a section that is one model (policy, engagement, baseline ...)."""
    from pydantic import BaseModel

    from workbench.spec.model import Policy

    return {name: f.annotation for name, f in Policy.model_fields.items()
            if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)}


def traced_section_fields(policies, day: dt.date = DAY) -> dict[str, dict[str, set[str]]]:
    """Section -> rule id -> the fields of that section (a section that is one model: policy, engagement ...)
    the rule was seen reading, as traced_item_fields does for the items of list sections."""
    classes = model_classes()
    out: dict[str, dict[str, set[str]]] = {s: {rid: set() for rid in RULES} for s in classes}
    by_class: dict[type, list[str]] = {}
    for section, cls in classes.items():
        by_class.setdefault(cls, []).append(section)  # a class used by two sections counts for both
    current: list = [None]
    plain = object.__getattribute__

    def recorder(sections, fields):
        def recording(self, name):
            if name in fields and current[0] is not None:
                for section in sections:
                    out[section][current[0]].add(name)
            return plain(self, name)
        return recording

    for policy in policies:
        for r in RULES.values():
            ctx = Context(policy, day)
            current[0] = r.id
            for cls, sections in by_class.items():
                cls.__getattribute__ = recorder(sections, set(cls.model_fields))
            try:
                list(_findings_of(r, ctx))
            finally:
                for cls in by_class:
                    del cls.__getattribute__
                current[0] = None
    return out


def traced_section_init_fields(policies, day: dt.date = DAY) -> dict[str, set[str]]:
    """Section (one model) -> the fields of it the Context reads while it builds its indexes."""
    classes = model_classes()
    out: dict[str, set[str]] = {s: set() for s in classes}
    plain = object.__getattribute__

    def recorder(section, fields):
        def recording(self, name):
            if name in fields:
                out[section].add(name)
            return plain(self, name)
        return recording

    for policy in policies:
        for section, cls in classes.items():
            cls.__getattribute__ = recorder(section, set(cls.model_fields))
        try:
            Context(policy, day)
        finally:
            for cls in classes.values():
                del cls.__getattribute__
    return out


# -- what tracing cannot see, stated by reading the rules ---------------------------------------------------
#: Rows that replace the traced one: a rule whose reads depend on its data in a way no sample shows.
DECLARED_READS: dict[str, set[str]] = {
    # FUP-001 reads its follow-ups, and whichever field an open one names: the sections named are added per
    # policy by incremental.DYNAMIC_READS.
    "FUP-001": {"follow_ups"},
}
#: Added to the traced rows.
WIDENED_READS: dict[str, set[str]] = {
    "VEND-002": {"vendors"},  # the vendors it names; the samples give each provider a report date
}
#: Fields of a system added to the traced rows (None: every field).
WIDENED_SYSTEM_FIELDS: dict[str, set[str] | None] = {
    # ASK-001 asks for any core answer a system leaves unset (a kind cleared back to unknown included): every
    # field of a system can change it, where tracing on answered starters sees only the fields they leave unset.
    "ASK-001": None,
    # REST-001 names the backed-up systems that hold former employees' data (kind, data classes)
    "REST-001": {"kind", "data_classes"},
    # COV-002 asks an unclassified system for its tier and classes unless it is validly excluded
    # (ctx.valid_exempt reads the exclusion): no sample has an excluded system left unclassified, and the long
    # property test found an exclusion that left a stale "has no data classes" question
    "COV-002": {"exclusion"},
    # ENC-002 compares a system's provider, account, region and site with its copy's only for a copy whose
    # transport is not stated as TLS 1.2+ (no starter has one that holds systems); the long property test found an
    # account edit that left a stale "across a trust boundary (account lp-dev -> lp-prod)"
    "ENC-002": {"provider", "account", "region", "site"},
}
#: Fields of a list section's items, or of a one-model section, added to the traced rows.
WIDENED_ITEM_FIELDS: dict[str, dict[str, set[str]]] = {
    "vendors": {"VEND-002": {"id", "name", "soc2_type2_report_date", "bridge_letter", "cuecs_mapped"}},
    # COPY-001 reads the copies' accounts only when every copy of a system is on one provider and medium (one
    # account, or several, is then its finding); the samples rarely reach it, and the property test found an
    # account edit that left a stale COPY-001
    "targets": {"COPY-001": {"account"}},
    # EVID-002 weighs only the restorable schedules (ctx.restorable reads type and versioned) for a system whose
    # first schedule started after the Type II period began, which no sample has: a schedule's type or versioned
    # edit keeps the context and re-runs only the rules that read the field or the plans
    "schedules": {"EVID-002": {"id", "type", "versioned"}},
}
#: Fields the Context's indexes are built from that tracing cannot see (None: every field, and rules that read
#: the section re-run whole on any edit of it).
DECLARED_INIT_FIELDS: dict[str, None] = {
    "tiers": None,  # a tier's level may come from its objectives when it has no rank
    "exceptions": None,  # handled on its own (acceptance)
}


def _row(values) -> str:
    return f"_s({', '.join(repr(v) for v in sorted(values))})"


def generate_tables(policies=None) -> str:
    """The text of workbench/rules/reads.py: every table the incremental evaluator reads, traced over
    ``policies`` (default: sample_policies()) and widened by the DECLARED_/WIDENED_ tables above."""
    from workbench.spec.model import Policy

    ALL_SECTIONS = tuple(Policy.model_fields)

    policies = sample_policies() if policies is None else policies
    rules = list(RULES)
    reads = traced_reads(policies)
    table: dict[str, set[str] | None] = {}
    for rid in rules:
        seen = {s for s in reads[rid] if not s.startswith("?")}
        if rid in DECLARED_READS:
            table[rid] = set(DECLARED_READS[rid])
        elif "*" in seen:
            table[rid] = None
        else:
            table[rid] = seen | WIDENED_READS.get(rid, set())
    sys_fields = traced_system_fields(policies)
    item_fields = traced_item_fields(policies)
    item_fields.update(traced_section_fields(policies))
    init = traced_init_fields(policies)
    init.update(traced_section_init_fields(policies))

    lines = ['"""What each rule reads, for the incremental evaluator (workbench/rules/incremental.py).', "",
             "Generated by ``python -m tests.rules.tracing --write``, which traces every rule over the starters, "
             "their", "replicas and generated policies, and adds what tracing cannot see (stated, with why, in "
             "tests/rules/tracing.py).", "Do not edit by hand: a test fails when this file is not what the "
             "tracer writes.", '"""', "", "from __future__ import annotations", "", "from typing import Optional",
             "", "", "def _s(*names: str) -> frozenset[str]:", "    return frozenset(names)", "", "",
             "#: The top-level sections each rule reads (None: every section).",
             "READS: dict[str, Optional[frozenset[str]]] = {"]
    for rid in rules:
        lines.append(f"    {rid!r}: {'None' if table[rid] is None else _row(table[rid])},")
    lines += ["}", "", "#: The fields of a system each rule that reads the systems reads (None: every field).",
              "SYSTEM_FIELDS: dict[str, Optional[frozenset[str]]] = {"]
    for rid in rules:
        if table[rid] is None or "systems" not in table[rid]:
            continue
        if rid in WIDENED_SYSTEM_FIELDS and WIDENED_SYSTEM_FIELDS[rid] is None:
            lines.append(f"    {rid!r}: None,")
            continue
        fields = sys_fields[rid] | (WIDENED_SYSTEM_FIELDS.get(rid) or set())
        lines.append(f"    {rid!r}: {_row(fields)},")
    lines += ["}", "", "#: Section -> rule -> the fields of its items (a list section) or of it (a one-model section) "
              "the rule reads.", "ITEM_FIELDS: dict[str, dict[str, frozenset[str]]] = {"]
    for section in ALL_SECTIONS:
        if section not in item_fields or section == "systems":
            continue
        rows = []
        for rid in rules:
            if table[rid] is None or section not in table[rid]:
                continue
            fields = item_fields[section][rid] | WIDENED_ITEM_FIELDS.get(section, {}).get(rid, set())
            if not fields:
                continue  # seen reading the section but no field of it: left unlisted, every field
            rows.append(f"        {rid!r}: {_row(fields)},")
        if rows:
            lines += [f"    {section!r}: {{"] + rows + ["    },"]
    plan = traced_plan_readers(policies)
    lines += ["}", "", "#: Rules that read what the context works out from the schedules' plans (copies, the "
              "recovery-point gap): an", "#: edit of any field a plan is built from can change their findings.",
              "PLAN_READERS: frozenset[str] = _s(" + ", ".join(repr(r) for r in rules if r in plan) + ")", "",
              "#: Fields of a section's items (or of the section) the context's indexes are built from "
              "(None: every field).", "INIT_FIELDS: dict[str, Optional[frozenset[str]]] = {"]
    for section in ALL_SECTIONS:
        if section in DECLARED_INIT_FIELDS:
            lines.append(f"    {section!r}: None,")
        elif section in init and section != "systems":
            lines.append(f"    {section!r}: {_row(init[section])},")
    lines += ["}", ""]
    return "\n".join(lines)


TABLES = ROOT / "workbench" / "rules" / "reads.py"

if __name__ == "__main__":
    text = generate_tables()
    if "--write" in sys.argv[1:]:
        TABLES.write_text(text, encoding="utf-8")
        print(f"wrote {TABLES.relative_to(ROOT)}")
    else:
        print(text)
