"""EVID: evidence sources, retention, immutability, and controls operating from the period start."""

from __future__ import annotations

from .helpers import findings

KINDS = ["job_history", "failure_tickets", "restore_tests", "access_reviews", "dr_exercises"]


def evidence(retention="2y", immutable=True, **engagement):
    return {
        "engagement": {"soc2_type": "II", "period_start": "2025-01-01", "period_end": "2025-12-31", **engagement},
        "evidence": {"store": "grc-bucket", "immutable": immutable, "retention": retention,
                     "sources": [{"kind": k, "location": "grc-bucket"} for k in KINDS]},
    }


# EVID-001 ------------------------------------------------------------------
def test_evid001_complete_evidence_passes():
    assert findings(evidence(), "EVID-001") == []


def test_evid001_retention_shorter_than_period_plus_fieldwork():
    (f,) = findings(evidence(retention="1y"), "EVID-001")
    assert f.kind == "gap" and f.severity == "major"
    assert "kept 1y" in f.message and "2026-03-31" in f.message
    assert f.path == "evidence.retention"


def test_evid001_source_retention_overrides_the_store_and_is_named():
    data = evidence()
    data["evidence"]["sources"][2]["retention"] = "6mo"
    (f,) = findings(data, "EVID-001")
    assert "Restore-test records are kept 6mo" in f.message
    assert f.path == "evidence.sources[2].retention"


def test_evid001_hipaa_needs_six_years():
    data = evidence(retention="2y")
    data["systems"] = [{"id": "ehr-db", "environment": "prod", "data_classes": ["phi"]}]
    (f,) = findings(data, "EVID-001")
    assert "HIPAA" in f.message and "ehr-db" in f.message


def test_evid001_mutable_store_is_a_gap():
    (f,) = findings(evidence(immutable=False), "EVID-001")
    assert f.kind == "gap" and "grc-bucket" in f.message and f.path == "evidence.immutable"


def test_evid001_missing_sources_are_one_question():
    data = evidence()
    data["evidence"]["sources"] = data["evidence"]["sources"][:2]
    (f,) = findings(data, "EVID-001")
    assert f.kind == "question" and f.path == "evidence.sources"
    assert "restore-test records" in f.message and "DR-exercise records" in f.message


def test_evid001_no_period_uses_the_floor():
    data = evidence(retention="1y")
    data["engagement"] = {"soc2_type": "I"}
    (f,) = findings(data, "EVID-001")
    assert "15mo" in f.message and f.paths == ("evidence.retention", "baseline.evidence_floor")


# EVID-002 ------------------------------------------------------------------
def operating(**over):
    data = {
        "policy": {"effective_from": "2024-12-01"},
        "engagement": {"soc2_type": "II", "period_start": "2025-01-01", "period_end": "2025-12-31"},
        "tiers": [{"id": "T1", "restore_test_interval": "3mo"}],
        "systems": [{"id": "prod-db", "environment": "prod", "tier": "T1"}],
        "schedules": [{"id": "sch-db", "systems": ["prod-db"], "interval": "1d", "started_on": "2024-06-01"}],
        "monitoring": {"alerts": [{"event": "job_failed", "enabled_on": "2024-06-01"}]},
        "roles": [{"id": "backup-admin", "permissions": ["delete_recovery_point"], "enforced_from": "2024-06-01"}],
        "restore_tests": [{"system": "prod-db", "date": "2024-12-10", "result": "pass"},
                          {"system": "prod-db", "date": "2025-03-01", "result": "pass"}],
    }
    data.update(over)
    return data


def test_evid002_controls_in_place_before_the_period_pass():
    assert findings(operating(), "EVID-002", as_of="2025-06-30") == []


def test_evid002_type_i_is_not_checked():
    data = operating(policy={"effective_from": "2025-05-01"})
    data["engagement"]["soc2_type"] = "I"
    assert findings(data, "EVID-002", as_of="2025-06-30") == []


def test_evid002_a_period_that_ends_before_it_starts_is_a_blocker_naming_both_dates():
    """A typo in either date: the written policy said "runs from 2026-06-01 to 2025-01-01" and every rule that
    samples the period quietly sampled none."""
    data = operating(engagement={"soc2_type": "II", "period_start": "2025-06-01", "period_end": "2025-01-01"})
    (f,) = findings(data, "EVID-002", as_of="2025-06-30")
    assert f.kind == "gap" and f.severity == "blocker"
    assert f.message.startswith("The Type II observation period ends on 2025-01-01, before it starts on 2025-06-01")
    assert f.paths == ("engagement.period_end", "engagement.period_start")


def test_evid002_policy_effective_after_period_start():
    (f,) = findings(operating(policy={"effective_from": "2025-02-15"}), "EVID-002", as_of="2025-06-30")
    assert "2025-02-15" in f.message and "2025-01-01" in f.message and f.path == "policy.effective_from"


def test_evid002_first_schedule_started_late_names_schedule_and_system():
    data = operating(schedules=[{"id": "sch-db", "systems": ["prod-db"], "interval": "1d", "started_on": "2025-03-01"}])
    (f,) = findings(data, "EVID-002", as_of="2025-06-30")
    assert "sch-db" in f.message and "prod-db" in f.message and "2025-03-01" in f.message
    assert f.path == "schedules[0].started_on"


def test_evid002_an_earlier_schedule_covers_a_later_one():
    data = operating()
    data["schedules"].append({"id": "sch-db-copy", "systems": ["prod-db"], "interval": "1d", "started_on": "2025-04-01"})
    assert findings(data, "EVID-002", as_of="2025-06-30") == []


def test_evid002_alert_and_mfa_switched_on_late():
    data = operating(monitoring={"alerts": [{"event": "job_missed", "enabled_on": "2025-02-01"}]},
                     roles=[{"id": "backup-admin", "permissions": ["delete_recovery_point"],
                             "enforced_from": "2025-04-01"}])
    found = findings(data, "EVID-002", as_of="2025-06-30")
    assert {f.path for f in found} == {"monitoring.alerts[0].enabled_on", "roles[0].enforced_from"}
    assert any("job_missed" in f.message for f in found)
    assert any("backup-admin" in f.message and "2025-04-01" in f.message for f in found)


def test_evid002_first_restore_test_in_period_was_late():
    data = operating(restore_tests=[{"system": "prod-db", "date": "2024-12-10", "result": "pass"},
                                    {"system": "prod-db", "date": "2025-04-20", "result": "pass"}])
    (f,) = findings(data, "EVID-002", as_of="2025-06-30")
    assert "prod-db" in f.message and "2025-04-20" in f.message and "2025-03-10" in f.message


def test_evid002_no_restore_test_yet_after_due_date():
    data = operating(restore_tests=[])
    (f,) = findings(data, "EVID-002", as_of="2025-06-30")
    assert "no restore test" in f.message and "2025-04-01" in f.message


def test_evid002_not_yet_due_is_fine():
    data = operating(restore_tests=[])
    assert findings(data, "EVID-002", as_of="2025-03-15") == []


def test_evid002_a_test_of_another_system_in_the_tier_is_the_sample():
    """Consistent with TEST-002: one system's test stands for its tier."""
    data = operating(restore_tests=[{"system": "prod-db", "date": "2025-02-15", "result": "pass"}])
    tier = data["systems"][0]["tier"]
    data["systems"].append({"id": "prod-cache", "environment": "prod", "tier": tier})
    data["schedules"][0]["systems"].append("prod-cache")
    assert findings(data, "EVID-002", as_of="2025-06-30") == []


def test_evid001_sources_with_the_same_short_retention_are_one_finding():
    data = evidence()
    for source in data["evidence"]["sources"]:
        source["retention"] = "6mo"
    (f,) = findings(data, "EVID-001")
    assert f.message.startswith("Audit evidence (backup job history") and "kept 6mo" in f.message
    assert len(f.paths) >= len(data["evidence"]["sources"])
