"""The speed work changes no finding: on every starter, the fast loader builds the same policy as PyYAML's
own pure-Python loader, and the incremental evaluator reports what a full evaluation reports.

(Also checked once by hand against findings generated from the commit before the speed work, f87a9da:
identical on all four starters, with and without a fixed date. That comparison is not a test, as other
branches rightly change the findings and the starters.)
"""

import datetime as dt

import pytest
import yaml

from workbench.rules import evaluate
from workbench.rules.incremental import Evaluator
from workbench.spec import Policy
from workbench.spec.io import loads, strip_unknown
from workbench.templates import list_templates, template_path

DAY = dt.date(2026, 12, 1)
NAMES = [t[0] if isinstance(t, tuple) else t for t in list_templates()]


@pytest.mark.parametrize("name", NAMES)
def test_fast_loader_and_pure_python_loader_give_the_same_policy_and_findings(name):
    text = template_path(name).read_text(encoding="utf-8")
    fast = loads(text, "yaml", name)
    plain = Policy.model_validate(strip_unknown(yaml.load(text, Loader=yaml.SafeLoader)))
    assert fast == plain
    assert [f.to_dict() for f in evaluate(fast, DAY).findings] == [f.to_dict() for f in evaluate(plain, DAY).findings]


@pytest.mark.parametrize("name", NAMES)
def test_incremental_and_full_evaluation_agree_on_every_starter(name):
    policy = loads(template_path(name).read_text(encoding="utf-8"), "yaml", name)
    for day in (DAY, None):
        assert [f.to_dict() for f in Evaluator(policy, day).report().findings] == \
            [f.to_dict() for f in evaluate(policy, day).findings]
