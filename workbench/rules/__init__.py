"""The gap engine: ``evaluate(policy, today)`` lists every gap an auditor would raise.

Rules live in one module per family and register themselves on import. The
public surface is small: :func:`evaluate`, :class:`Report`, :data:`RULES`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from workbench.spec.model import Policy

from .engine import RANK, RULES, SEVERITIES, Finding, Rule, run_rules

# Importing the families registers their rules (order = catalog order).
from . import governance, evidence, coverage, saas, frequency, recovery, copies  # noqa: E402,F401
from . import immutability, encryption, access, monitoring, testing, retention, disposal  # noqa: E402,F401
from . import language, unanswered, extensions, exceptions, integrity  # noqa: E402,F401

#: Weight of an open finding's rule in the readiness figure, by base severity.
WEIGHTS = {"blocker": 8, "major": 4, "minor": 2, "advisory": 1}


@dataclass
class Report:
    """Findings of one evaluation plus the figures derived from them."""

    findings: list[Finding]
    as_of: dt.date

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if f.accepted is None]

    @property
    def accepted(self) -> list[Finding]:
        return [f for f in self.findings if f.accepted is not None]

    @property
    def gaps(self) -> list[Finding]:
        """Open findings about wrong answers."""
        return [f for f in self.open if f.kind == "gap"]

    @property
    def unanswered(self) -> list[Finding]:
        """Open findings about questions not answered yet."""
        return [f for f in self.open if f.kind == "unanswered"]

    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.open)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def by_criterion(self) -> dict[str, int]:
        """Open findings per SOC 2 criterion id, sorted by id."""
        c: Counter = Counter()
        for f in self.open:
            for cid in f.soc2():
                c[cid] += 1
        return dict(sorted(c.items(), key=lambda kv: _criterion_key(kv[0])))

    def worst(self) -> str | None:
        sev = [f.severity for f in self.open]
        return min(sev, key=RANK.__getitem__) if sev else None

    def at_or_above(self, threshold: str) -> list[Finding]:
        return [f for f in self.open if RANK[f.severity] <= RANK[threshold]]

    @property
    def blocking(self) -> list[Finding]:
        """What still stands between the policy and audit readiness: every open blocker, and every question
        at major or worse that is not answered yet (a core design answer: objectives, cadences, access ...)."""
        major = RANK["major"]
        return [f for f in self.open
                if f.severity == "blocker" or (f.kind == "unanswered" and RANK[f.severity] <= major)]

    @property
    def audit_ready(self) -> bool:
        """No open blocker, and no major question left unanswered: saying less never makes a policy ready."""
        return not self.blocking

    def readiness(self) -> int:
        """Readiness, 0-100: the weighted share of catalog rules with no open finding.

        Each of the catalog rules weighs by its base severity (blocker 8, major 4,
        minor 2, advisory 1). A rule counts as met when it has no open finding,
        gap or unanswered, on this policy. Accepted exceptions count as met.
        100 means every rule is met; it says nothing about rules the catalog lacks.
        """
        catalog = [r for r in RULES.values() if r.catalog]
        failing = {f.rule for f in self.open}
        total = sum(WEIGHTS[r.severity] for r in catalog)
        met = sum(WEIGHTS[r.severity] for r in catalog if r.id not in failing)
        return round(100 * met / total) if total else 100

    def summary(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "readiness": self.readiness(),
            "audit_ready": self.audit_ready,
            "open": self.counts(),
            "unanswered": len(self.unanswered),
            "accepted": len(self.accepted),
            "by_criterion": self.by_criterion(),
        }


def _criterion_key(cid: str):
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", cid)]


def evaluate(policy: Policy, today: dt.date | None = None) -> Report:
    """Evaluate every rule as of ``today`` (else the policy's ``as_of``, else the real date)."""
    day = today or policy.as_of or dt.date.today()
    return Report(run_rules(policy, day), day)


__all__ = ["RULES", "SEVERITIES", "Finding", "Report", "Rule", "evaluate"]
