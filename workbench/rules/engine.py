"""The gap engine: rules as pure functions of (policy, as-of date).

A rule is a generator decorated with :func:`rule`. It receives a
:class:`~workbench.rules.context.Context` (the policy plus indexes built once
per evaluation) and yields :class:`Hit` objects. The engine turns hits into
:class:`Finding` objects: it applies the severity modifiers of GAP_RULES §6,
matches accepted exceptions, and attaches the rule's criteria and fix.

No rule reads the clock, touches a file or imports Textual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, Iterator, Optional

from workbench.spec.model import Policy, System

SEVERITIES = ("blocker", "major", "minor", "advisory")
RANK = {s: i for i, s in enumerate(SEVERITIES)}  # 0 = worst
#: Order in which criteria families are listed on a finding.
FRAMEWORK_ORDER = ("soc2", "cis", "nist", "iso27001", "hipaa", "pci", "gdpr", "other")
FRAMEWORK_NAMES = {
    "soc2": "SOC 2", "cis": "CIS v8", "nist": "NIST 800-53", "iso27001": "ISO 27001:2022",
    "hipaa": "HIPAA", "pci": "PCI DSS v4.0.1", "gdpr": "GDPR", "other": "Other",
}
#: regulatory tag -> the framework key whose citation makes a rule "cite that regime"
REGIME_OF_TAG = {"hipaa": "hipaa", "pci": "pci", "gdpr": "gdpr", "sec17a4": "other"}


def shift(severity: str, steps: int) -> str:
    """Move a severity: negative = worse (towards blocker), positive = milder."""
    return SEVERITIES[max(0, min(len(SEVERITIES) - 1, RANK[severity] + steps))]


@dataclass(slots=True)
class Hit:
    """What a rule yields: one concrete problem in the policy's own terms."""

    message: str
    paths: tuple[str, ...] = ()
    subject: Optional[str] = None          # the id the finding is about (system, target, role ...)
    system: Optional[System] = None        # for tier and regulatory modifiers
    severity: Optional[str] = None         # overrides the rule's base severity
    kind: str = "gap"                      # "gap" or "unanswered"
    scopes: tuple[str, ...] = ()           # further ids an exception may name (tier, target ...)


@dataclass(slots=True)
class Accepted:
    """How a finding was accepted as a documented exception."""

    exception: str
    approved_by: str
    expires_on: Optional[dt.date]
    justification: str


@dataclass(slots=True)
class Finding:
    """One gap, ready for the gap panel, ``check`` and the document."""

    rule: str
    title: str
    severity: str
    message: str
    fix: str
    paths: tuple[str, ...]
    criteria: dict[str, tuple[str, ...]]
    family: str
    subject: Optional[str] = None
    kind: str = "gap"
    accepted: Optional[Accepted] = None
    scopes: tuple[str, ...] = ()
    #: Why ``severity`` differs from the rule's (the GAP_RULES §6 modifiers), e.g. "tier T0: one level worse".
    adjusted: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return self.accepted is None

    @property
    def path(self) -> str:
        """The first field path: where the interview should jump."""
        return self.paths[0] if self.paths else ""

    def soc2(self) -> tuple[str, ...]:
        return self.criteria.get("soc2", ())

    def criteria_text(self) -> str:
        parts = []
        for fw in FRAMEWORK_ORDER:
            ids = self.criteria.get(fw)
            if ids:
                parts.append(f"{FRAMEWORK_NAMES[fw]} {', '.join(ids)}")
        return " · ".join(parts)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "kind": self.kind,
            "message": self.message,
            "fix": self.fix,
            "paths": list(self.paths),
            "subject": self.subject,
            "criteria": {k: list(v) for k, v in self.criteria.items()},
            "family": self.family,
            "severity_adjusted": list(self.adjusted),
            "accepted": None if self.accepted is None else {
                "exception": self.accepted.exception,
                "approved_by": self.accepted.approved_by,
                "expires_on": self.accepted.expires_on.isoformat() if self.accepted.expires_on else None,
                "justification": self.accepted.justification,
            },
        }


@dataclass(frozen=True)
class Rule:
    """A catalog entry plus the function that evaluates it."""

    id: str
    title: str
    severity: str
    family: str
    criteria: dict[str, tuple[str, ...]]
    fix: str
    description: str
    func: Callable[..., Iterable[Hit]] = field(repr=False, compare=False)
    availability_only: bool = False   # drops one level when Availability is out of scope
    tier_modifier: bool = False       # T0 one level up, T3 one level down
    catalog: bool = True              # one of the 50 rules of GAP_RULES §8

    @cached_property
    def regimes(self) -> frozenset[str]:
        return frozenset(k for k in ("hipaa", "pci", "gdpr") if self.criteria.get(k)) | (
            frozenset({"sec17a4"}) if any("17a-4" in c for c in self.criteria.get("other", ())) else frozenset()
        )


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    *,
    title: str,
    severity: str,
    family: str,
    maps: dict[str, Iterable[str]],
    fix: str,
    description: str,
    availability_only: bool = False,
    tier_modifier: bool = False,
    catalog: bool = True,
) -> Callable:
    """Register a rule function under its stable id."""
    if severity not in RANK:
        raise ValueError(f"{id}: unknown severity {severity}")

    def register(func: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        criteria = {fw: tuple(maps[fw]) for fw in FRAMEWORK_ORDER if maps.get(fw)}
        RULES[id] = Rule(id, title, severity, family, criteria, fix, description, func,
                         availability_only, tier_modifier, catalog)
        return func

    return register


# ----------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------
def _severity(r: Rule, hit: Hit, ctx) -> tuple[str, tuple[str, ...]]:
    """The finding's severity after the GAP_RULES §6 modifiers, and why it moved (empty when it did not)."""
    sev = hit.severity or r.severity
    why = []
    if r.availability_only and not ctx.availability:
        sev = _moved(sev, +1, why, "Availability is not in scope: one level milder")
    if r.tier_modifier and hit.system is not None:
        level = ctx.tier_level(hit.system)
        if level in (0, 3):
            tier = ctx.tiers.get(hit.system.tier)
            basis = ", as its RPO/RTO place it" if tier is not None and tier.level_basis() == "objectives" else ""
            if level == 0:
                sev = _moved(sev, -1, why, f"tier {hit.system.tier} (most critical{basis}): one level worse")
            else:
                sev = _moved(sev, +1, why, f"tier {hit.system.tier} (least critical{basis}): one level milder")
    if hit.system is not None and RANK[sev] > RANK["major"] and r.regimes:
        regimes = ctx.tags(hit.system) & r.regimes
        if regimes:
            sev = "major"
            why.append(f"regulated data ({', '.join(sorted(regimes))}): at least major")
    return sev, tuple(why)


def _moved(sev: str, steps: int, why: list, reason: str) -> str:
    moved = shift(sev, steps)
    if moved != sev:
        why.append(reason)
    return moved


def _accept(finding: Finding, ctx) -> None:
    for exc in ctx.exceptions_for(finding.rule):
        if exc.scope == "*" or exc.scope == finding.subject or exc.scope in finding.scopes:
            if ctx.exception_valid(exc):
                finding.accepted = Accepted(
                    exc.id or f"{exc.rule}/{exc.scope}", exc.approved_by or "", exc.expires_on, exc.justification or ""
                )
                ctx.used_exceptions.add(id(exc))
                return


def run_rules(policy: Policy, today: dt.date, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Every finding for ``policy`` as of ``today``, worst first."""
    from workbench.spec.io import _gc_paused

    from .context import Context

    selected = list(RULES.values()) if rules is None else list(rules)
    findings: list[Finding] = []
    # Rules build many short-lived, acyclic objects; the cyclic collector's
    # passes over them cost about a quarter of an evaluation. Refcounting frees them.
    with _gc_paused():
        ctx = Context(policy, today)
        deferred = []
        for r in selected:
            if r.family == "exceptions":
                deferred.append(r)  # judged after every other rule has been matched
                continue
            findings.extend(_findings_of(r, ctx))
        for r in deferred:
            findings.extend(_findings_of(r, ctx))
        ctx.release()
    return finish(findings)


def finish(findings: list[Finding]) -> list[Finding]:
    """The engine's last step over every rule's findings: worst first, each question asked once.

    Shared with the incremental evaluator (:mod:`workbench.rules.incremental`), which combines findings
    kept from earlier evaluations with fresh ones. The order is total (paths and kind break the rare tie),
    so it does not depend on the order the rules yielded their findings in.
    """
    findings.sort(key=_order)
    return _one_question_per_field(findings)


def _order(f: Finding) -> tuple:
    return (f.accepted is not None, RANK[f.severity], f.rule, f.subject or "", f.message, f.paths, f.kind)


def _one_question_per_field(findings: list[Finding]) -> list[Finding]:
    """Two rules may need the same missing answer; ask for it once (the worst-ranked ask wins)."""
    asked: set[tuple[str, ...]] = set()
    out = []
    for f in findings:
        if f.kind == "unanswered" and f.open and f.paths:
            if f.paths in asked:
                continue
            asked.add(f.paths)
        out.append(f)
    return out


def _findings_of(r: Rule, ctx, systems: list | None = None) -> Iterator[Finding]:
    """The findings of rule ``r``; with ``systems``, the system each is about (``Hit.system``) is appended to it,
    one entry per finding (the incremental evaluator keeps per-system findings apart)."""
    # Worked out once per rule rather than per hit: a rule may yield thousands of them.
    modified = r.tier_modifier or bool(r.regimes) or (r.availability_only and not ctx.availability)
    accepting = r.family != "exceptions" and bool(ctx.exceptions_for(r.id))
    rid, title, base, fix, criteria, family = r.id, r.title, r.severity, r.fix, r.criteria, r.family
    for hit in r.func(ctx):
        if modified:
            severity, adjusted = _severity(r, hit, ctx)
        else:
            severity, adjusted = hit.severity or base, ()
        finding = Finding(
            rid, title, severity, hit.message, fix, hit.paths, criteria, family, hit.subject, hit.kind, None,
            hit.scopes, adjusted,
        )
        if accepting:
            _accept(finding, ctx)
        if systems is not None:
            systems.append(hit.system)
        yield finding
