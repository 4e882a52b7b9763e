"""Semantic diff: changes keyed by id, in plain words, with a material/minor suggestion."""

from __future__ import annotations

import copy
import json

from workbench.store.semdiff import diff

from workbench.spec import Policy

from .conftest import BASE, TODAY


def changed(**edits):
    """BASE and a copy changed by ``edits`` (section -> function(section) -> new section)."""
    raw = copy.deepcopy(BASE)
    for section, edit in edits.items():
        raw[section] = edit(copy.deepcopy(raw.get(section)))
    return Policy.model_validate(copy.deepcopy(BASE)), Policy.model_validate(raw)


def texts(result) -> list[str]:
    return [c.text for c in result.changes]


def test_no_change_and_reordering_are_not_changes():
    a, b = changed(systems=lambda s: s, roles=lambda r: [{**r[0], "members": list(reversed(r[0]["members"]))}])
    result = diff(a, b, TODAY)
    assert result.changes == [] and result.suggested_bump == "minor"
    assert "No changes" in result.to_text()


def test_system_added_and_removed():
    crm = {"id": "crm", "tier": "T2", "kind": "db", "environment": "prod"}
    a, b = changed(systems=lambda s: s + [crm],
                   schedules=lambda s: [{**s[0], "systems": ["db", "crm"]}])
    result = diff(a, b, TODAY)
    assert "system crm added" in texts(result)
    assert "schedule s1 gained system crm" in texts(result)
    assert result.suggested_bump == "major" and "scope" in result.areas()
    back = diff(b, a, TODAY)
    assert "system crm removed" in texts(back)
    assert "schedule s1 lost system crm" in texts(back)


def test_items_are_matched_by_id_not_position():
    a, b = changed(systems=lambda s: [{"id": "aaa", "tier": "T2"}] + s)
    assert texts(diff(a, b, TODAY)) == ["system aaa added"]


def test_changed_durations_and_tier():
    a, b = changed(
        targets=lambda t: [{**t[0], "retention": {"daily": "30d"}}],
        schedules=lambda s: [{**s[0], "interval": "12h"}],
        systems=lambda s: [{**s[0], "tier": "T2"}],
    )
    result = diff(a, b, TODAY)
    assert "target vault-euc1: retention.daily 35d → 30d" in texts(result)
    assert "schedule s1: interval 1d → 12h" in texts(result)
    assert "system db: tier T1 → T2" in texts(result)
    areas = {c.text: c.area for c in result.changes}
    assert areas["target vault-euc1: retention.daily 35d → 30d"] == "retention"
    assert areas["system db: tier T1 → T2"] == "objectives"
    assert result.suggested_bump == "major"


def test_equal_durations_written_differently_are_not_changes():
    a, b = changed(schedules=lambda s: [{**s[0], "interval": "24h"}])
    assert diff(a, b, TODAY).changes == []


def test_member_gained_and_lost_and_permission_change():
    a, b = changed(roles=lambda r: [{**r[0], "members": ["dave"], "permissions": ["restore", "delete_vault"]}])
    result = diff(a, b, TODAY)
    assert sorted(texts(result)) == sorted([
        "role backup-admin gained member dave", "role backup-admin lost member alice",
        "role backup-admin gained permission delete_vault", "role backup-admin lost permission configure",
    ])
    assert {c.area for c in result.changes} == {"access"}
    assert result.suggested_bump == "major"


def test_mfa_and_immutability_are_material():
    a, b = changed(roles=lambda r: [{**r[0], "mfa_required": True}],
                   targets=lambda t: [{**t[0], "immutability": {"mode": "governance", "days": 35}}])
    result = diff(a, b, TODAY)
    assert "role backup-admin: mfa_required set to yes" in texts(result)
    assert "target vault-euc1: immutability.mode compliance → governance" in texts(result)
    assert {c.area for c in result.changes} == {"access", "protection"}


def test_wording_changes_suggest_minor():
    a, b = changed(organization=lambda o: {**o, "description": "Makes widgets"},
                   targets=lambda t: [{**t[0], "description": "Locked vault in Frankfurt"}],
                   principals=lambda p: [{**p[0], "email": "alice@example.com"}, p[1]])
    result = diff(a, b, TODAY)
    assert len(result.changes) == 3 and result.material == []
    assert result.suggested_bump == "minor"
    assert "organization.description set to 'Makes widgets'" in texts(result)


def test_testing_cadence_and_exclusion_are_material():
    a, b = changed(tiers=lambda t: [{**t[0], "restore_test_interval": "1mo"}, t[1]],
                   systems=lambda s: [s[0], {"id": "cache", "tier": "T2",
                                             "exclusion": {"reason": "stateless", "approved_by": "Ann"}}])
    result = diff(a, b, TODAY)
    areas = {c.text: c.area for c in result.changes}
    assert areas["tier T1: restore_test_interval 3mo → 1mo"] == "testing"
    assert areas["system cache added"] == "scope"


def test_findings_appeared_and_resolved():
    a, b = changed(schedules=lambda s: [{**s[0], "automated": None}])
    result = diff(a, b, TODAY)
    appeared = {f.finding.rule for f in result.appeared}
    assert appeared and not result.resolved
    back = diff(b, a, TODAY)
    assert {f.finding.rule for f in back.resolved} == appeared and not back.appeared
    assert "Findings appeared (as of 2025-06-30)" in result.to_text()


def test_json_output_is_plain_data():
    a, b = changed(targets=lambda t: [{**t[0], "retention": {"daily": "30d"}}],
                   systems=lambda s: s + [{"id": "crm", "tier": "T2"}])
    data = json.loads(json.dumps(diff(a, b, TODAY).to_dict()))
    assert data["suggested_bump"] == "major"
    by_text = {c["text"]: c for c in data["changes"]}
    assert by_text["target vault-euc1: retention.daily 35d → 30d"]["before"] == "35d"
    assert by_text["system crm added"]["after"]["tier"] == "T2"
    assert by_text["system crm added"]["material"] is True
    assert set(data["findings"]) == {"appeared", "resolved"}


def test_publish_bookkeeping_is_ignored():
    a, b = changed(policy=lambda p: {**p, "version": "2.0"},
                   revisions=lambda r: [{"version": "2.0", "note": "x"}])
    assert diff(a, b, TODAY).changes == []


def test_every_field_is_walked_generically():
    a, b = changed(inventory=lambda i: {"source": "CMDB", "discovered": ["i-123"]},
                   legal_holds=lambda h: [{"id": "LH-1", "systems": ["db"]}],
                   monitoring=lambda m: {"alerts": [{"event": "job_failed", "channel": "pagerduty"}]},
                   baseline=lambda b: {"restore_test_baseline": {"T0": "1mo", "T1": "1mo", "T2": "6mo", "T3": "1y"}})
    result = {c.text: c.area for c in diff(a, b, TODAY, findings=False).changes}
    assert result == {
        "inventory.source set to CMDB": None,
        "inventory gained discovered resource i-123": None,
        "legal hold LH-1 added": "retention",
        "alert job_failed added": None,
        "baseline.restore_test_baseline.T1 3mo → 1mo": "testing",
    }


def test_dr_exercise_commitment_is_a_material_testing_change():
    a, b = changed(policy=lambda g: {**(g or {}), "dr_exercise_interval": "1y", "dr_exercise_types": ["tabletop"]})
    result = diff(a, b, TODAY)
    assert result.changes and {c.area for c in result.changes} == {"testing"}, texts(result)
    assert all(c.material for c in result.changes)
