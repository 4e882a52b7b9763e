"""The real-policy corpus (tests/data/real_policies): load it, run the engine, judge the findings.

Shared by ``tests/rules/test_real_policies.py`` (which asserts the expectations) and
``benchmarks/real_policies.py`` (which prints recall, false alarms and findings per policy).

The expectations (``expected.yaml``) were written before the engine was run on the corpus:

* ``raise``: the gaps an auditor would raise. One is *raised* when an open finding of its rule (or of one
  of its ``any_of`` rules; or a finding that took that rule's cause over, ``Finding.rules``) has the kind
  of a gap or a question, on the systems it names if it names any.
  A finding about missing records (kind ``evidence``) does not raise it: a policy document holds no records.
* ``covered``: what the policy does cover. A *false alarm* is an open finding of kind ``gap`` from that
  rule (or family, e.g. ``RET``) on the systems it names if it names any; questions there are listed apart.

Finding kinds are read as the engine names them: ``gap``; ``question`` (also the older ``unanswered``);
``evidence``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workbench.rules import evaluate
from workbench.spec.io import load
from workbench.spec.model import Policy

CORPUS = Path(__file__).resolve().parents[1] / "data" / "real_policies"
EXPECTED = CORPUS / "expected.yaml"

#: The engine's kind names, read as the three kinds of issue 12.
KINDS = {"gap": "gap", "question": "question", "unanswered": "question", "evidence": "evidence"}
RAISING_KINDS = frozenset({"gap", "question"})

def kind_of(finding) -> str:
    return KINDS.get(getattr(finding, "kind", "gap"), finding.kind)


@dataclass
class Expectation:
    rules: tuple[str, ...]
    reason: str
    systems: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        rules = "|".join(self.rules)
        return f"{rules} [{', '.join(self.systems)}]" if self.systems else rules

    def matches_rule(self, rule_id: str) -> bool:
        # A family ("RET") matches every rule of it; a rule id matches itself.
        return any(rule_id == r or (r.isalpha() and rule_id.startswith(r + "-")) for r in self.rules)

    def matches(self, finding) -> bool:
        """Whether a finding speaks for this rule: its own, or one whose cause it took over (one cause,
        one finding: ``Finding.rules`` is the owner's rule and the rules it merged)."""
        return any(self.matches_rule(r) for r in getattr(finding, "rules", None) or (finding.rule,))


@dataclass
class PolicyCase:
    name: str
    kind: str
    path: Path
    raise_: list[Expectation]
    covered: list[Expectation]


@dataclass
class Outcome:
    """What the engine said on one policy, judged against its expectations."""

    case: PolicyCase
    findings: list = field(default_factory=list)
    raised: list[Expectation] = field(default_factory=list)
    missed: list[Expectation] = field(default_factory=list)
    #: (covered area, gap findings on it)
    false_alarms: list[tuple[Expectation, list]] = field(default_factory=list)
    #: (covered area, question findings on it)
    questions_on_covered: list[tuple[Expectation, list]] = field(default_factory=list)

    def by_kind(self) -> dict[str, int]:
        counts = {"gap": 0, "question": 0, "evidence": 0}
        for f in self.findings:
            counts[kind_of(f)] = counts.get(kind_of(f), 0) + 1
        return counts


def _expectations(items: list[dict]) -> list[Expectation]:
    out = []
    for item in items or []:
        rules = item.get("any_of") or [item["rule"]]
        out.append(Expectation(tuple(rules), item.get("reason", ""), tuple(item.get("systems") or ())))
    return out


def cases(expected: Path = EXPECTED) -> list[PolicyCase]:
    data = yaml.safe_load(Path(expected).read_text(encoding="utf-8"))
    return [
        PolicyCase(name, spec.get("kind", ""), CORPUS / f"{name}.yaml",
                   _expectations(spec.get("raise")), _expectations(spec.get("covered")))
        for name, spec in data["policies"].items()
    ]


def _scope_paths(policy: Policy, systems: tuple[str, ...]) -> tuple[str, ...]:
    """Path prefixes of the named systems, of the schedules that back up only them and of the targets
    written only for them (a finding on a copy of those systems is a finding on those systems)."""
    wanted = set(systems)
    prefixes = [f"systems[{i}]" for i, s in enumerate(policy.systems) if s.id in wanted]
    own_targets: set[str] = set()
    other_targets: set[str] = set()
    for j, sch in enumerate(policy.schedules):
        mine = bool(sch.systems) and set(sch.systems) <= wanted
        if mine:
            prefixes.append(f"schedules[{j}]")
        (own_targets if mine else other_targets).update(sch.targets or ())
    prefixes += [f"targets[{k}]" for k, t in enumerate(policy.targets) if t.id in own_targets - other_targets]
    return tuple(prefixes)


def _touches(finding, exp: Expectation, policy: Policy) -> bool:
    """Whether a finding concerns the systems an expectation names (any finding, if it names none)."""
    if not exp.systems:
        return True
    prefixes = _scope_paths(policy, exp.systems)
    for p in finding.paths:
        if any(p == pre or p.startswith(pre + ".") or p.startswith(pre + "[") for pre in prefixes):
            return True
    subjects = set(getattr(finding, "subjects", None) or ()) | {getattr(finding, "subject", None)}
    return bool(subjects & set(exp.systems))


def judge(case: PolicyCase, policy: Policy | None = None) -> Outcome:
    policy = policy or load(case.path)
    today = policy.as_of or dt.date(2026, 12, 1)
    report = evaluate(policy, today)
    found = [f for f in report.findings if f.open]
    out = Outcome(case, found)
    for exp in case.raise_:
        hit = any(exp.matches(f) and kind_of(f) in RAISING_KINDS and _touches(f, exp, policy) for f in found)
        (out.raised if hit else out.missed).append(exp)
    for exp in case.covered:
        on_area = [f for f in found if exp.matches(f) and _touches(f, exp, policy)]
        gaps = [f for f in on_area if kind_of(f) == "gap"]
        questions = [f for f in on_area if kind_of(f) == "question"]
        if gaps:
            out.false_alarms.append((exp, gaps))
        if questions:
            out.questions_on_covered.append((exp, questions))
    return out
