"""Unanswered interview questions (ASK) that no other rule asks about.

Only core facts the rest of the policy hangs on: who the policy is for, which
SOC 2 report and period, which categories; and for each system its kind,
environment, owner and location. Tiers, data classes, objectives, cadences and
the like are asked by the catalog rules that need them.

An unanswered engagement field is one question here; the rules that depend on
it take the stricter reading silently (``ctx.availability``, ``ctx.category``)
and do not ask again. A catalog rule that asks for the same field owns the
question (EVID-002 asks for the whole Type II period; the end date folds in).
"""

from __future__ import annotations

import operator

from .engine import rule

NO_REGION_KINDS = frozenset({"saas", "endpoint"})
_CORE_FIELDS = operator.itemgetter("environment", "kind", "owner", "region", "site")


@rule(
    "ASK-001",
    title="Core interview question not answered",
    severity="minor",
    family="unanswered",
    catalog=False,
    maps={"soc2": ["CC2.1", "CC5.3"]},
    fix="Answer the question, or record it as a follow-up with an owner and a date so it is not lost.",
    description="A core fact of the policy (organization, report type, period, a system's kind, environment, "
                "owner or location) is not answered yet.",
)
def ask_001(ctx):
    p = ctx.policy
    if not (p.organization.name or "").strip():
        yield ctx.ask("Which organization is this policy for? No name is given.", "organization.name",
                      subject="organization")
    e = p.engagement
    if e.soc2_type is None:
        yield ctx.ask("Is the SOC 2 report a Type I (design at a date) or a Type II (operation over a period)?",
                      "engagement.soc2_type", subject="engagement")
    elif e.soc2_type == "II" and e.period_end is None:
        start = f" (it starts on {e.period_start})" if e.period_start else ""
        yield ctx.ask(f"When does the Type II observation period end{start}?", "engagement.period_end",
                      subject="engagement")
    if not e.categories:
        yield ctx.ask("Which Trust Services Categories are in scope (security, availability, confidentiality, "
                      "processing integrity, privacy)?", "engagement.categories", subject="engagement")
    yield from _system_questions(ctx)


def _system_questions(ctx):
    """Each system's environment; and for one in scope its kind, owner and location."""
    systems = ctx.policy.systems
    in_scope = None
    # Fields read from the instance __dict__s in C; the slower checks (exemption, scope) run only for a
    # system that lacks one of the answers (few of them).
    for i, (env, kind, owner, region, site) in enumerate(map(_CORE_FIELDS, map(vars, systems))):
        if env is not None and kind is not None and (owner or "").strip() and (
                region is not None or site is not None or kind in NO_REGION_KINDS):
            continue
        a = systems[i]
        if ctx.valid_exempt(a):
            continue
        if a.environment is None:
            yield ctx.ask(f"{a.id}: which environment is it (prod, staging, dev, test, corp or dr)?",
                          f"systems[{i}].environment", system=a)
        if in_scope is None:
            in_scope = set(map(id, ctx.in_scope_systems))
        if id(a) not in in_scope:
            continue
        if a.kind is None:
            yield ctx.ask(f"{a.id}: what kind of system is it (database, VM, file share, SaaS ...)?",
                          f"systems[{i}].kind", system=a)
        if not (a.owner or "").strip():
            yield ctx.ask(f"{a.id}: which team or person is accountable for it?", f"systems[{i}].owner", system=a)
        if a.region is None and a.site is None and a.kind not in NO_REGION_KINDS:
            yield ctx.ask(f"{a.id}: which region (or site, if on premises) does it run in? Off-site copies are "
                          "judged against it.", f"systems[{i}].region", system=a)
