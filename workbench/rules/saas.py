"""SaaS (SAAS): is SaaS data backed up outside the provider's own tenant?

Shared causes: none known.
"""

from __future__ import annotations

from .context import NON_PRODUCTION
from .engine import rule


@rule(
    "SAAS-001",
    title="SaaS data relies on the provider's native recovery only",
    severity="major",
    family="saas",
    maps={"soc2": ["A1.2", "CC9.2", "CC2.3"], "cis": ["11.2", "11.4"], "nist": ["CP-9", "SA-9"],
          "iso27001": ["A.5.23", "A.8.13"], "hipaa": ["164.308(a)(7)(ii)(A) (if PHI)"]},
    fix="Back the SaaS data up with a third-party tool into a separate account or tenant, or record a risk "
        "acceptance. Native windows are short (e.g. M365 recycle bin about 93 days, Google admin restore 25 "
        "days after trash), and an archive or eDiscovery vault is not a backup.",
    description="A SaaS system has no versioned copy outside its tenant although its objectives or retention "
                "need one.",
)
def saas_001(ctx):
    floor = ctx.policy.baseline.min_retention_floor
    for a in _saas_systems(ctx):
        copies = ctx.copies(a)
        if any(not inside_tenant(c, a) for c in copies):
            continue
        provider = (a.saas.provider if a.saas else None) or a.provider or "the provider"
        native = f" (only {', '.join(c.id for c in copies)}, inside the same tenant)" if copies else ""
        window = a.saas.native_recovery_window if a.saas else None
        window_known = window is not None and not window.vague
        recovery = (f"{provider}'s own recovery window of {window.human()}" if window_known
                    else f"{provider}'s own recovery")
        objectives = [f"{n} {v}" for n, v in (("RPO", ctx.rpo(a)), ("RTO", ctx.rto(a))) if v is not None]
        if objectives:
            yield ctx.hit(
                f"{a.id}: no copy outside the {provider} tenant{native}, yet it is held to {' and '.join(objectives)}; "
                f"{recovery} does not protect against an admin's deletion, ransomware or a compromised account.",
                ctx.sp(a), ctx.rpo_path(a), ctx.rto_path(a), system=a,
            )
            continue
        needs = _horizons(ctx, a, floor)
        if not needs:
            if not copies and not (a.saas and a.saas.restore_horizon is not None):
                # Nothing says how far back its data must come back, and nothing but the provider keeps it: an
                # auditor asks whether the provider's own recovery is enough (a policy's silence is no answer).
                yield ctx.ask(f"{a.id}: nothing keeps its data outside {provider}, and the policy does not say how "
                              f"far back it must be recoverable: is {recovery} enough against an admin's deletion, "
                              "ransomware or a compromised account, or does it need a backup of its own?",
                              ctx.sp(a, "saas", "restore_horizon"), system=a)
            continue
        if not window_known:
            if window is None:
                need, why, _ = needs[0]
                yield ctx.ask(f"{a.id}: how long does {provider} let you recover deleted data? With no copy outside "
                              f"the tenant, {why} ({need}) must fit in that window.",
                              ctx.sp(a, "saas", "native_recovery_window"), system=a)
            continue
        longer = [(need, why, path) for need, why, path in needs if need > window]
        if longer:
            need, why, path = max(longer, key=lambda n: n[0])
            yield ctx.hit(f"{a.id}: no copy outside the {provider} tenant{native}; {why} needs data back from "
                          f"{need} ago but {provider} only keeps deleted data for {window}.",
                          ctx.sp(a, "saas", "native_recovery_window"), path, system=a)


def _saas_systems(ctx):
    """SaaS systems in scope, and those nobody has classified yet that are not excluded and not non-production
    (unknown is not harmless: business data in a SaaS tenant is the typical unbacked-up data)."""
    seen = set()
    for a in ctx.in_scope_systems:
        if a.kind == "saas":
            seen.add(a.id)
            yield a
    for a in ctx.policy.systems:
        if (a.kind == "saas" and a.id not in seen and a.exclusion is None and not a.data_classes
                and a.environment not in NON_PRODUCTION):
            yield a


def _horizons(ctx, a, floor):
    """How far back data must be recoverable: (duration, why, path), from regulation, the system, the tier."""
    out = []
    reg = ctx.records_min(a)
    if reg is not None:
        out.append((reg[0], reg[1], ctx.sp(a, "regulatory_tags")))
    horizon = a.saas.restore_horizon if a.saas else None
    if horizon is not None and not horizon.vague:
        out.append((horizon, "its required restore horizon", ctx.sp(a, "saas", "restore_horizon")))
    if ctx.critical(a):
        out.append((floor, f"the tier {a.tier} minimum restore history", "baseline.min_retention_floor"))
    return out


def _norm(text):
    return "".join(ch for ch in text.lower() if ch.isalnum()) if text else ""


def inside_tenant(c, a) -> bool:
    """Whether a copy lives in the SaaS system's own tenant (recycle bin, versioning, an eDiscovery vault)."""
    if c.account and a.account:
        return _norm(c.account) == _norm(a.account)
    providers = {_norm(a.provider), _norm(a.saas.provider if a.saas else None)} - {""}
    return bool(c.provider) and _norm(c.provider) in providers
