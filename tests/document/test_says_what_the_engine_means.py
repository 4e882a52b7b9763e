"""The written policy says what the gap engine reads into the spec, and never two contradicting "shall"s."""

from __future__ import annotations

import datetime as dt

from workbench.document import render_markdown

from .helpers import AS_OF, full, policy, report


def md(data: dict, as_of: dt.date = AS_OF) -> str:
    p = policy(data)
    return render_markdown(p, report(p, as_of))


def restore_testing_part(text: str) -> str:
    return text.split("### 5.8 ")[1].split("### 5.9 ")[0]


def test_a_tiers_own_restore_test_cadence_wins_over_the_policy_wide_one():
    """rules/testing.py _tier_verdict: a tier's own cadence wins, the policy-wide one holds for tiers that
    state none. "All systems ... every 3 months" followed by "Tier 2 ... every 6 months" contradicted itself."""
    data = full()
    data["policy"]["restore_test_interval"] = "quarterly"
    data["tiers"][1]["restore_test_interval"] = "6 months"
    data["tiers"].append({"id": "T3", "name": "Standard", "rto": "5d"})  # states no cadence of its own
    data["systems"].append({"id": "wiki", "kind": "saas", "environment": "prod", "owner": "it", "tier": "T3",
                            "data_classes": ["internal"]})
    data["systems"].append({"id": "odd", "kind": "vm", "environment": "prod", "owner": "it",
                            "data_classes": ["confidential"]})  # no tier: the policy-wide cadence
    section = restore_testing_part(md(data))
    assert "All systems shall be restore-tested" not in section
    assert "Tier 1 (Critical) systems shall be restore-tested every 3 months." in section
    assert "Tier 2 (Important) systems shall be restore-tested every 6 months." in section
    assert "Tier 3 (Standard) systems shall be restore-tested every 3 months." in section
    assert "Systems without a tier shall be restore-tested every 3 months." in section
    assert section.count("shall be restore-tested") == 4


def test_the_policy_wide_cadence_is_said_of_all_systems_when_no_tier_states_its_own():
    data = full()
    data["policy"]["restore_test_interval"] = "quarterly"
    for t in data["tiers"]:
        t.pop("restore_test_interval", None)
    section = restore_testing_part(md(data))
    assert "All systems shall be restore-tested every 3 months." in section
    assert section.count("shall be restore-tested") == 1
