"""Accepted exceptions (EXC): is each one valid, and does it still accept anything?

The engine runs this family last, after every other finding has been matched
to the exceptions register, so ``ctx.used_exceptions`` is complete here.

Shared causes: none; the exception rules run after every other rule has been matched.
"""

from __future__ import annotations

from .engine import RULES, rule


@rule(
    "EXC-001",
    title="Accepted exception is expired, unapproved or unjustified",
    severity="major",
    family="exceptions",
    catalog=False,
    maps={"soc2": ["CC5.3", "CC4.2"]},
    fix="Renew the exception with a named approver, a reason and an expiry date, or fix the gap it was hiding. "
        "Every accepted risk needs an owner and a date to revisit it.",
    description="An exception in the register is expired, has no approver or no justification (so it accepts "
                "nothing), is approved by the person whose access it accepts, or has no expiry date.",
)
def exc_001(ctx):
    today = ctx.today
    for i, e in enumerate(ctx.policy.exceptions):
        label = _label(e)
        problems, paths = [], []
        if e.expires_on is not None and e.expires_on < today:
            problems.append(f"expired on {e.expires_on}")
            paths.append(f"exceptions[{i}].expires_on")
        if not (e.approved_by or "").strip():
            problems.append("has no approver")
            paths.append(f"exceptions[{i}].approved_by")
        if not (e.justification or "").strip():
            problems.append("has no justification")
            paths.append(f"exceptions[{i}].justification")
        subject = e.id or f"{e.rule}/{e.scope}"
        own = _approver_is_subject(ctx, e)
        if own and not problems:
            # the person whose access (or account) the exception is about cannot accept its risk: a separation of
            # duties conflict signed off by the one who holds it is no control
            yield ctx.hit(f"{label} is approved by {e.approved_by}, who is {own}: someone else must accept the risk.",
                          f"exceptions[{i}].approved_by", subject=subject, scopes=(e.scope, e.rule))
            continue
        if problems:
            yield ctx.hit(f"{label} {_join(problems)}, so it accepts nothing: the findings it names stay open.",
                          *paths, subject=subject, scopes=(e.scope, e.rule))
        elif e.expires_on is None:
            yield ctx.hit(f"{label} has no expiry date: an accepted risk needs a date to be revisited.",
                          f"exceptions[{i}].expires_on", subject=subject, severity="minor", scopes=(e.scope, e.rule),
                          why="the exception is approved and justified; only its review date is missing")


@rule(
    "EXC-002",
    title="Accepted exception matches no finding",
    severity="advisory",
    family="exceptions",
    catalog=False,
    maps={"soc2": ["CC5.3", "CC4.2"]},
    fix="Remove the exception if the gap is fixed, or correct its rule id or scope so it names the finding it "
        "is meant to accept.",
    description="A valid exception matched no finding: the gap is gone, or the exception names the wrong rule "
                "or scope.",
)
def exc_002(ctx):
    known = _known_scopes(ctx)
    for i, e in enumerate(ctx.policy.exceptions):
        if not ctx.exception_valid(e) or id(e) in ctx.used_exceptions:
            continue
        if e.rule not in RULES:
            why = f"there is no rule {e.rule}"
            path = f"exceptions[{i}].rule"
        elif e.scope != "*" and e.scope not in known:
            why = f"its scope '{e.scope}' names nothing in the policy"
            path = f"exceptions[{i}].scope"
        else:
            why = f"{e.rule} reports nothing for '{e.scope}' now"
            path = f"exceptions[{i}]"
        yield ctx.hit(f"{_label(e)} matches no finding ({why}): remove it or correct it.", path,
                      subject=e.id or f"{e.rule}/{e.scope}", scopes=(e.scope, e.rule))


def _approver_is_subject(ctx, e) -> str:
    """How the approver of ``e`` is the one its scope names ("u-sam, whose access it accepts"); "" when not."""
    who = " ".join((e.approved_by or "").split()).casefold()
    if not who or e.scope == "*":
        return ""
    p = ctx.principals.get(e.scope)
    if p is None:
        return ""
    names = {p.id.casefold()} | ({" ".join(p.name.split()).casefold()} if p.name else set())
    # "Sam Okafor (CTO)" is Sam Okafor: the name before a role in brackets
    bare = who.split(" (")[0].strip()
    return f"{p.id}, whose access it accepts" if who in names or bare in names else ""


def _label(e) -> str:
    name = f"Exception {e.id}" if e.id else "An exception"
    scope = "the whole policy" if e.scope == "*" else e.scope
    return f"{name} (accepting {e.rule} for {scope})"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _known_scopes(ctx) -> set[str]:
    p = ctx.policy
    out = set(ctx.systems) | set(ctx.tiers) | set(ctx.targets) | set(ctx.keys) | set(ctx.roles)
    out |= set(ctx.principals) | set(ctx.schedule_index)
    out |= {h.id for h in p.legal_holds} | {v.id for v in p.vendors}
    out |= {x.id for x in p.restore_tests if x.id} | {x.id for x in p.dr_exercises if x.id}
    out |= {"policy", "organization", "engagement", "inventory", "monitoring", "evidence", "privacy", "disposal",
            "dr_exercises", "restore_tests"}
    return out
