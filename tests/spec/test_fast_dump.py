"""The YAML writer feeds libyaml's emitter directly: the text is what PyYAML's own dumper writes, never
with anchors, and keys in their order."""

import datetime as dt

import pytest
import yaml

from workbench.spec import dumps, loads
from workbench.spec.io import _YamlDumper, to_data
from workbench.templates import load_template

STARTERS = ["fintech-sox-pci", "healthcare-hipaa", "msp-small-business", "saas-startup"]


def pyyaml(data) -> str:
    return yaml.dump(data, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True, width=100)


@pytest.mark.parametrize("name", STARTERS)
def test_a_starter_is_written_as_pyyaml_writes_it_and_reads_back_the_same(name):
    policy = load_template(name)
    text = dumps(policy)
    assert text == pyyaml(to_data(policy))
    assert loads(text, "yaml", name) == policy


def test_awkward_scalars_are_quoted_exactly_when_they_must_be():
    data = {"words": ["yes", "no", "1.0", "", "null", "~", " lead", "a: b", "2026-01-01", "0x1f", "#x", "ok"],
            "n": 3, "f": 2.5, "inf": float("inf"), "b": False, "none": None,
            "day": dt.date(2026, 1, 2), "at": dt.datetime(2026, 1, 2, 3, 4), "empty": [], "map": {}}
    mine = yaml.dump(data, Dumper=_YamlDumper, sort_keys=False, allow_unicode=True, width=100)
    assert mine == pyyaml(data)
    assert yaml.safe_load(mine) == data


def test_a_value_shared_twice_is_written_twice_without_anchors():
    shared = ["pii", "confidential"]
    text = yaml.dump({"a": shared, "b": shared}, Dumper=_YamlDumper, sort_keys=False)
    assert "&id" not in text and "*id" not in text
    assert text == "a:\n- pii\n- confidential\nb:\n- pii\n- confidential\n"
