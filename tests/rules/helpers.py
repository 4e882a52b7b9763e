"""Helpers for rule tests: build a small policy, run one rule, read its findings."""

from __future__ import annotations

import datetime as dt

from workbench.rules import RULES
from workbench.rules.engine import run_rules
from workbench.spec import Policy
from workbench.spec.io import strip_unknown

AS_OF = dt.date(2025, 6, 30)


def policy(data: dict) -> Policy:
    """A Policy from plain data (strings for durations and dates are fine)."""
    return Policy.model_validate(strip_unknown(data, Policy))


def findings(data: dict | Policy, rule_id: str, as_of: dt.date | str = AS_OF):
    """Findings of one rule on ``data``, as of ``as_of``."""
    p = data if isinstance(data, Policy) else policy(data)
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    return run_rules(p, day, rules=[RULES[rule_id]])


def messages(data, rule_id: str, as_of=AS_OF) -> list[str]:
    return [f.message for f in findings(data, rule_id, as_of)]


def one(data, rule_id: str, as_of=AS_OF):
    """The single finding of one rule (fails, listing them, if there are more or none)."""
    found = findings(data, rule_id, as_of)
    assert len(found) == 1, [f.message for f in found]
    return found[0]
