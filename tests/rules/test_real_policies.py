"""The engine on real, public backup policies (tests/data/real_policies, issue 12).

Each policy was entered as facts in our own words, and ``expected.yaml`` (what an auditor would raise,
and what the policy covers) was committed before the engine was first run on it. These tests hold the
engine to it: every policy loads and validates; every expected gap is raised (as a gap or a question);
no area the policy covers gets a finding of kind gap. Figures: ``benchmarks/real_policies.py``.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from workbench.rules import RULES
from workbench.spec.io import load

from .real_corpus import CORPUS, cases, judge

CASES = {c.name: c for c in cases()}


@functools.lru_cache(maxsize=None)
def outcome(name: str):
    return judge(CASES[name])


def test_corpus_is_at_least_twelve_policies_of_different_kinds():
    assert len(CASES) >= 12
    kinds = {c.kind.split("(")[0].strip() for c in CASES.values()}
    assert len(kinds) >= 8, sorted(kinds)
    on_disk = {p.stem for p in CORPUS.glob("*.yaml")} - {"expected"}
    assert on_disk == set(CASES), "every spec in the corpus has expectations, and every expectation a spec"


def test_every_policy_names_its_source_licence_and_date_in_the_readme():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert "2026-12-03" in readme
    for name in CASES:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}.yaml`")), None)
        assert row is not None, f"{name}.yaml has no row in README.md"
        assert len([cell for cell in row.split("|") if cell.strip()]) == 6, row


def test_expectations_name_real_rules():
    families = {r.split("-")[0] for r in RULES}
    for case in CASES.values():
        for exp in case.raise_ + case.covered:
            for r in exp.rules:
                assert r in RULES or r in families, f"{case.name}: {r} is not a rule or a family"
            assert exp.reason, f"{case.name}: {exp.label} gives no reason"


@pytest.mark.parametrize("name", sorted(CASES))
def test_policy_loads_and_validates(name):
    policy = load(CASES[name].path)  # references checked: raises SpecError with file:line on any problem
    assert policy.as_of == dt.date(2026, 12, 1)


RAISE = [(name, i) for name, c in sorted(CASES.items()) for i in range(len(c.raise_))]
COVERED = [(name, i) for name, c in sorted(CASES.items()) for i in range(len(c.covered))]


@pytest.mark.parametrize("name,i", RAISE, ids=[f"{n}:{CASES[n].raise_[i].label}" for n, i in RAISE])
def test_expected_gap_is_raised(name, i):
    exp = CASES[name].raise_[i]
    o = outcome(name)
    assert exp in o.raised, (
        f"{name}: an auditor raises {exp.label} ({exp.reason}); the engine said: "
        + ("; ".join(f"{f.rule}/{f.kind}: {f.message}" for f in o.findings if exp.matches(f))
           or "nothing of that rule")
    )


@pytest.mark.parametrize("name,i", COVERED, ids=[f"{n}:{CASES[n].covered[i].label}" for n, i in COVERED])
def test_no_gap_on_what_the_policy_covers(name, i):
    exp = CASES[name].covered[i]
    alarms = [fs for e, fs in outcome(name).false_alarms if e is exp]
    assert not alarms, f"{name} covers {exp.label} ({exp.reason}), yet: " + "; ".join(
        f"{f.rule}: {f.message}" for f in alarms[0])
