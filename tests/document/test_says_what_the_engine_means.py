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


def control_value(text: str, label: str) -> str:
    (line,) = [x for x in text.splitlines() if x.startswith(f"| {label} |")]
    return line.split("|")[2].strip()


def test_a_policy_approved_after_its_last_review_is_not_overdue_on_the_day_it_is_approved():
    """Approving a version is reviewing it (GOV-002): last reviewed and the next review count from the
    later date, not from last year's review the spec still carries."""
    data = full()
    data["policy"].update({"last_reviewed_on": "2025-11-18", "approved_on": "2026-12-04", "review_interval": "1y"})
    text = md(data, dt.date(2026, 12, 4))
    assert control_value(text, "Approval date") == "2026-12-04"
    assert control_value(text, "Last reviewed") == "2026-12-04"
    assert control_value(text, "Next review date") == "2027-12-04"
    assert "The next review is due by 2027-12-04." in text
    assert "2026-11-18" not in text


def test_a_review_after_the_approval_is_the_last_review():
    data = full()
    data["policy"].update({"last_reviewed_on": "2026-05-10", "approved_on": "2026-02-01", "review_interval": "1y"})
    text = md(data)
    assert control_value(text, "Last reviewed") == "2026-05-10"
    assert control_value(text, "Next review date") == "2027-05-10"
    assert "The next review is due by 2027-05-10." in text


def responsibility(text: str, role: str) -> str:
    (line,) = [x for x in text.splitlines() if x.startswith(f"| {role} | ") and "dministers production" in x]
    return line


KEPT_APART = "kept apart from destructive backup permissions"


def test_a_production_admin_role_is_said_to_be_kept_apart_from_destructive_permissions_only_when_it_is():
    data = full()
    data["principals"].append({"id": "u-raj", "name": "Raj Patel", "type": "human", "status": "active",
                               "mfa_enrolled": True})
    data["roles"].append({"id": "prod-admin", "permissions": ["prod_admin"], "members": ["u-raj"]})
    assert KEPT_APART in responsibility(md(data), "prod-admin")

    both = full()
    both["principals"] = data["principals"]
    both["roles"].append({"id": "prod-admin", "permissions": ["prod_admin", "delete_recovery_point"],
                          "members": ["u-raj"]})
    line = responsibility(md(both), "prod-admin")
    assert "dministers production systems" in line and KEPT_APART not in line


def test_a_production_admin_who_holds_destructive_permissions_through_another_role_is_not_kept_apart():
    data = full()
    data["principals"] += [
        {"id": "u-raj", "name": "Raj Patel", "type": "human", "status": "active", "mfa_enrolled": True},
        {"id": "grp-ops", "name": "Ops", "type": "group", "members": ["u-raj"]},
    ]
    data["roles"] += [{"id": "prod-admin", "permissions": ["prod_admin"], "members": ["grp-ops"]},
                      {"id": "retention-admin", "permissions": ["modify_retention"], "members": ["u-raj"]}]
    line = responsibility(md(data), "prod-admin")
    assert "dministers production systems" in line and KEPT_APART not in line


def test_the_readiness_report_holds_a_tier_without_its_own_cadence_to_the_policy_wide_one():
    """The evidence request list and the test calendar read the cadences as the policy and the engine do."""
    data = full()
    data["policy"]["restore_test_interval"] = "quarterly"
    data["tiers"][1]["restore_test_interval"] = "6 months"
    data["tiers"].append({"id": "T3", "name": "Standard", "rto": "5d"})
    data["systems"].append({"id": "wiki", "kind": "saas", "environment": "prod", "owner": "it", "tier": "T3",
                            "data_classes": ["internal"]})
    p = policy(data)
    text = render_markdown(p, report(p), document="report")
    assert "| Tier 3 (Standard) systems restore-tested every 3 months |" in text
    assert "| wiki | Tier 3 (Standard) | Restore test |" in text
