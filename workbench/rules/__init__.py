"""The gap engine: ``evaluate(policy, today)`` lists every gap an auditor would raise.

Rules live in one module per family and register themselves on import. The
public surface is small: :func:`evaluate`, :class:`Report`, :data:`RULES`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from workbench.spec.model import Policy

from .engine import KINDS, RANK, RULES, SEVERITIES, Finding, Rule, finalize, run_rules

# Importing the families registers their rules (order = catalog order).
from . import governance, evidence, coverage, saas, frequency, recovery, copies  # noqa: E402,F401
from . import immutability, encryption, access, monitoring, testing, retention, disposal  # noqa: E402,F401
from . import language, unanswered, extensions, exceptions, integrity  # noqa: E402,F401

#: Weight of an open finding's rule in the readiness figure, by base severity.
WEIGHTS = {"blocker": 8, "major": 4, "minor": 2, "advisory": 1}


#: What each rule that checks records (``Rule.records``) samples, as a test of whether the policy holds any:
#: a rule whose kind of record the policy holds none of has nothing to show an auditor, whatever it finds.
RECORD_KINDS = {
    "GOV-002": lambda p: p.policy.last_reviewed_on is not None or p.policy.approved_on is not None,
    "COV-005": lambda p: p.inventory.last_reconciled_on is not None,
    "ACC-005": lambda p: any(r.last_review_on is not None for r in p.roles),
    "ENC-004": lambda p: any(t.date is not None for t in p.restore_tests),
    "TEST-002": lambda p: any(t.date is not None for t in p.restore_tests),
    "TEST-004": lambda p: any(t.date is not None for t in p.restore_tests),
    "TEST-005": lambda p: any(t.date is not None for t in p.restore_tests),
    "TEST-006": lambda p: any(x.date is not None for x in p.dr_exercises),
}


def empty_sections(policy: Policy) -> frozenset[str]:
    """What a policy that lists systems says nothing about at all: no backup schedule, or no copy."""
    if not policy.systems:
        return frozenset()
    return frozenset(name for name in ("schedules", "targets") if not getattr(policy, name))


def unrecorded(policy: Policy) -> frozenset[str]:
    """The rules of :data:`RECORD_KINDS` whose kind of record ``policy`` holds none of."""
    return frozenset(rid for rid, holds in RECORD_KINDS.items() if not holds(policy))


@dataclass
class Report:
    """Findings of one evaluation plus the figures derived from them."""

    findings: list[Finding]
    as_of: dt.date
    #: rules that check a kind of record the policy holds none of (:func:`unrecorded`): not met as evidence
    unrecorded: frozenset = frozenset()
    #: the sections (schedules, targets) a policy with systems leaves empty (:func:`empty_sections`)
    empty_sections: frozenset = frozenset()

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if f.accepted is None]

    @property
    def accepted(self) -> list[Finding]:
        return [f for f in self.findings if f.accepted is not None]

    @property
    def gaps(self) -> list[Finding]:
        """Open findings where what the policy says (or its design) falls short."""
        return [f for f in self.open if f.kind == "gap"]

    @property
    def questions(self) -> list[Finding]:
        """Open findings about answers not given yet."""
        return [f for f in self.open if f.kind == "question"]

    @property
    def evidence(self) -> list[Finding]:
        """Open findings about records (restore tests, exercises, reviews ...) missing or overdue."""
        return [f for f in self.open if f.kind == "evidence"]

    @property
    def unanswered(self) -> list[Finding]:
        """The old name of :attr:`questions`, kept so callers written before the rename still work."""
        return self.questions

    def by_kind(self) -> dict[str, int]:
        """Open findings per kind, every kind present (0 when none)."""
        c = Counter(f.kind for f in self.open)
        return {k: c.get(k, 0) for k in KINDS}

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
    def publish_blockers(self) -> list[Finding]:
        """What refuses a publish: open (unaccepted) blocker *gaps*. A question or missing evidence never does:
        a policy is written before the records that show it operating exist."""
        return [f for f in self.open if f.kind == "gap" and f.severity == "blocker"]

    @property
    def blocking(self) -> list[Finding]:
        """What still stands between the policy and audit readiness: every open blocker (a gap, or evidence
        missing), and every question at major or worse that is not answered yet (a core design answer:
        objectives, cadences, access ...)."""
        major = RANK["major"]
        return [f for f in self.open
                if f.severity == "blocker" or (f.kind == "question" and RANK[f.severity] <= major)]

    @property
    def audit_ready(self) -> bool:
        """No open blocker, and no major question left unanswered: saying less never makes a policy ready."""
        return not self.blocking

    def readiness(self) -> int:
        """The policy's readiness, 0-100: the weighted share of catalog rules with no open gap or question.

        Each of the catalog rules weighs by its base severity (blocker 8, major 4,
        minor 2, advisory 1). A rule counts as met when it has no open gap and no
        open question on this policy: a question weighs as much as the gap it could
        hide, so saying less never scores better. Missing evidence does not count
        here (see :meth:`evidence_readiness`). Accepted exceptions count as met.
        100 means every rule is met; it says nothing about rules the catalog lacks.
        While the inventory is empty (COV-001 asks for it), that question stands for every rule that judges the
        systems: they have nothing to judge, and a blank policy scored 86.
        """
        failing = {rid for f in self.open if f.kind != "evidence" for rid in f.rules}
        return _share([r for r in RULES.values() if r.catalog], failing | self._unjudged())

    def evidence_readiness(self) -> int:
        """The evidence's readiness, 0-100: the weighted share of the catalog rules that check records
        (restore tests, exercises, reviews, reconciliations ... : ``Rule.records``) with no open evidence
        finding, weighted as :meth:`readiness`. A rule whose kind of record the policy holds none of is not met,
        whatever it finds (a policy with no records scored 47 by the rules that had nothing to sample):
        saying less never scores better."""
        failing = {rid for f in self.open for rid in (f.rules if f.kind == "evidence" else f.merged)}
        return _share([r for r in RULES.values() if r.catalog and r.records],
                      failing | self._unjudged() | self.unrecorded)

    def _unjudged(self) -> set[str]:
        """The rules that read the systems, while an open question says there are none (an empty inventory),
        and those that read the schedules or the copies while the policy has systems but states none of them:
        they count as not met rather than met for want of anything to judge (a blank client with one system
        added scored 86 and was "ready to publish", with no schedule or copy written down)."""
        empty = set(self.empty_sections)
        if any(f.path == "systems" and "COV-001" in f.rules for f in self.open):
            empty.add("systems")
        if not empty:
            return set()
        from .reads import READS

        return {rid for rid in RULES if READS.get(rid) is None or empty & READS[rid]}

    def summary(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "readiness": self.readiness(),
            "evidence_readiness": self.evidence_readiness(),
            "audit_ready": self.audit_ready,
            "open": self.counts(),
            "by_kind": self.by_kind(),
            "questions": len(self.questions),
            "accepted": len(self.accepted),
            "by_criterion": self.by_criterion(),
        }


def _share(rules: list[Rule], failing: set[str]) -> int:
    total = sum(WEIGHTS[r.severity] for r in rules)
    met = sum(WEIGHTS[r.severity] for r in rules if r.id not in failing)
    return round(100 * met / total) if total else 100


def _criterion_key(cid: str):
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", cid)]


def evaluate(policy: Policy, today: dt.date | None = None) -> Report:
    """Evaluate every rule as of ``today`` (else the policy's ``as_of``, else the real date)."""
    day = today or policy.as_of or dt.date.today()
    return Report(run_rules(policy, day), day, unrecorded(policy), empty_sections(policy))


__all__ = ["KINDS", "RULES", "SEVERITIES", "Finding", "Report", "Rule", "evaluate", "finalize"]
