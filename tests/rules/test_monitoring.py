"""MON rules: failure alerts, the response path, and tamper detection."""

from __future__ import annotations

import copy

from tests.rules.helpers import findings

ALL_EVENTS = ["job_failed", "job_missed", "copy_failed", "recovery_point_deleted", "retention_changed",
              "lock_changed", "plan_disabled", "key_disabled", "backup_role_membership_changed"]


def base(**over) -> dict:
    """A T0 and a T2 system, each copied to two vaults, with every alert paging on-call."""
    data = {
        "tiers": [{"id": "T0", "rpo": "15m"}, {"id": "T2", "rpo": "1d"}],
        "systems": [{"id": "db-orders", "tier": "T0", "environment": "prod"},
                    {"id": "wiki", "tier": "T2", "environment": "prod"}],
        "schedules": [{"id": "s-orders", "systems": ["db-orders"], "interval": "15m", "targets": ["v1", "v2"]},
                      {"id": "s-wiki", "systems": ["wiki"], "interval": "1d", "targets": ["v1", "v2"]}],
        "targets": [{"id": "v1", "immutability": {"mode": "compliance", "days": 35},
                     "encryption": {"at_rest": True, "key": "k1"}}, {"id": "v2"}],
        "keys": [{"id": "k1"}],
        "monitoring": {"alerts": [{"event": e, "channel": "pagerduty", "on_call": True} for e in ALL_EVENTS],
                       "failure_ticket_sla": "15m"},
    }
    data.update(copy.deepcopy(over))
    return data


def drop(data: dict, *events: str) -> dict:
    data["monitoring"]["alerts"] = [a for a in data["monitoring"]["alerts"] if a["event"] not in events]
    return data


def test_full_alerting_raises_nothing():
    for rid in ("MON-001", "MON-002", "MON-003"):
        assert findings(base(), rid) == [], rid


# --- MON-001 ------------------------------------------------------------------
def test_mon001_missing_miss_and_copy_alerts_blocker_for_t0():
    data = drop(base(), "job_missed", "copy_failed")
    by_system = {f.subject: f for f in findings(data, "MON-001")}
    t0 = by_system["db-orders"]
    assert t0.severity == "blocker" and t0.message.startswith("db-orders (T0): no alert covers")
    assert "a missed backup (job_missed: no new recovery point within 23m)" in t0.message
    assert "a failed copy (copy_failed)" in t0.message and "systems[0]" in t0.paths
    assert by_system["wiki"].severity == "major" and "within 36h" in by_system["wiki"].message


def test_mon001_alert_scoped_to_a_tier_covers_only_that_tier():
    data = drop(base(), "job_failed")
    data["monitoring"]["alerts"].append({"event": "job_failed", "tiers": ["T0"], "on_call": True})
    (f,) = findings(data, "MON-001")
    assert f.subject == "wiki" and "a failed backup job (job_failed)" in f.message


def test_mon001_copy_alert_is_not_needed_without_copies():
    data = drop(base(), "copy_failed")
    for sc in data["schedules"]:
        sc["targets"] = ["v1"]
    assert findings(data, "MON-001") == []


def test_mon001_independent_schedules_to_their_own_targets_need_no_copy_alert():
    """Nightly to disk and weekly to tape are two backup jobs, not a backup and its copy."""
    data = drop(base(), "copy_failed")
    data["schedules"] = [
        {"id": "s-disk", "systems": ["db-orders", "wiki"], "interval": "1d", "targets": ["v1"]},
        {"id": "s-tape", "systems": ["db-orders", "wiki"], "interval": "1w", "targets": ["v2"]},
    ]
    assert [f.message for f in findings(data, "MON-001") if "copy_failed" in f.message] == []


def test_mon001_a_schedule_with_a_copy_lag_needs_a_copy_alert():
    data = drop(base(), "copy_failed")
    data["schedules"] = [{"id": "s-orders", "systems": ["db-orders"], "interval": "15m", "targets": ["v1"],
                          "copy_lag": "1h"}]
    (f,) = findings(data, "MON-001")
    assert f.subject == "db-orders" and "a failed copy (copy_failed)" in f.message


def test_mon001_missed_backup_alert_that_fires_too_late():
    data = base()
    next(a for a in data["monitoring"]["alerts"] if a["event"] == "job_missed")["missed_after"] = "2d"
    msgs = {f.subject: f.message for f in findings(data, "MON-001")}
    assert "fires only after 2d" in msgs["db-orders"] and "due every 15m" in msgs["db-orders"]
    assert set(msgs) == {"db-orders", "wiki"}


# --- MON-002 ------------------------------------------------------------------
def test_mon002_alert_to_a_mailbox_without_escalation_is_minor():
    data = base()
    data["monitoring"]["alerts"][0] = {"event": "job_failed", "channel": "email backup-team@example.com"}
    (f,) = findings(data, "MON-002")
    assert f.severity == "minor" and "job_failed → email backup-team@example.com" in f.message
    assert f.paths[0] == "monitoring.alerts[0].on_call"


def test_mon002_escalation_makes_a_non_paging_alert_fine():
    data = base()
    data["monitoring"]["alerts"][0] = {"event": "job_failed", "channel": "slack", "on_call": False,
                                       "escalation": "page on-call after 30m"}
    assert findings(data, "MON-002") == []


def test_mon002_sla_longer_than_t0_rpo_is_major():
    data = base()
    data["monitoring"]["failure_ticket_sla"] = "1d"
    (f,) = findings(data, "MON-002")
    assert f.severity == "major" and f.kind == "gap"
    assert "may stay open for 1d, longer than the 15m RPO of db-orders (T0)" in f.message
    assert f.paths == ("monitoring.failure_ticket_sla", "tiers[0].rpo")


def test_mon002_missing_sla_is_asked_and_vague_sla_left_to_the_language_rule():
    data = base()
    data["monitoring"]["failure_ticket_sla"] = None
    (f,) = findings(data, "MON-002")
    assert f.kind == "question" and f.paths == ("monitoring.failure_ticket_sla",)
    data["monitoring"]["failure_ticket_sla"] = "promptly"
    assert findings(data, "MON-002") == []


# --- MON-003 ------------------------------------------------------------------
def test_mon003_lists_the_missing_tamper_detections():
    data = drop(base(), "recovery_point_deleted", "key_disabled")
    (f,) = findings(data, "MON-003")
    assert f.severity == "major"
    assert "recovery point deleted (recovery_point_deleted)" in f.message
    assert "key disabled or scheduled for deletion" in f.message and "retention changed" not in f.message


def test_mon003_either_event_of_a_pair_is_enough():
    data = drop(base(), "plan_disabled")
    data["monitoring"]["alerts"].append({"event": "plan_deleted", "on_call": True})
    assert findings(data, "MON-003") == []


def test_mon003_no_keys_and_no_locks_need_no_key_or_lock_alerts():
    data = drop(base(), "key_disabled", "lock_changed")
    data["keys"] = []
    data["targets"] = [{"id": "v1", "immutability": {"mode": "none"}}, {"id": "v2"}]
    assert findings(data, "MON-003") == []


# --- manual reviews of job results ----------------------------------------------
def reviewed(**review) -> dict:
    """wiki (daily backups) has no job alerts; a person checks the job log instead."""
    data = base()
    data["monitoring"]["alerts"] = [a for a in data["monitoring"]["alerts"]
                                    if a["event"] not in ("job_failed", "job_missed", "copy_failed")]
    data["monitoring"]["alerts"].append({"event": "job_failed", "systems": ["db-orders"], "on_call": True})
    data["monitoring"]["alerts"].append({"event": "job_missed", "systems": ["db-orders"], "on_call": True})
    data["monitoring"]["alerts"].append({"event": "copy_failed", "on_call": True})
    r = {"after_each_job": True, "by": "IT operations", "evidence": "signed daily checklist"}
    r.update(review)
    data["monitoring"]["manual_reviews"] = [r]
    return data


def test_mon001_a_review_after_each_job_stands_in_for_job_alerts():
    assert findings(reviewed(), "MON-001") == []


def test_mon001_a_daily_review_is_enough_for_daily_backups_but_not_for_15_minute_ones():
    data = reviewed(after_each_job=None, interval="1d")
    assert findings(data, "MON-001") == []
    data["monitoring"]["alerts"] = [a for a in data["monitoring"]["alerts"] if a.get("systems") != ["db-orders"]]
    (f,) = findings(data, "MON-001")
    assert f.subject == "db-orders" and "a failed backup job (job_failed)" in f.message


def test_mon001_a_review_without_a_record_is_asked_where_it_is_kept():
    (f,) = findings(reviewed(evidence=None), "MON-001")
    assert f.kind == "question" and f.severity == "minor"
    assert f.message.startswith("The manual review of job results by IT operations stands in for alerts on wiki: "
                                "where is each review recorded, so an auditor can sample it? At stake: ")
    assert f.paths == ("monitoring.manual_reviews[0].evidence",)


def test_mon001_a_review_scoped_to_other_systems_does_not_count():
    (f,) = findings(reviewed(systems=["db-orders"]), "MON-001")
    assert f.subject == "wiki"


def test_mon001_a_review_too_infrequent_to_count_is_named_in_the_finding():
    data = reviewed(after_each_job=None, interval="1d")
    data["monitoring"]["alerts"] = [a for a in data["monitoring"]["alerts"] if a.get("systems") != ["db-orders"]]
    (f,) = findings(data, "MON-001")
    assert f.subject == "db-orders"
    assert f.message.endswith("; the manual review of job results (every 1d) is too infrequent for a recovery "
                              "point due every 15m.")
    data["monitoring"]["manual_reviews"][0]["interval"] = "every business morning"
    by_system = {f.subject: f.message for f in findings(data, "MON-001")}
    assert set(by_system) == {"db-orders", "wiki"}  # a vague cadence counts for neither
    assert "states no testable cadence ('every business morning')" in by_system["wiki"]
