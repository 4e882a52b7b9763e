"""GOV: ownership, approval, review and explicit cadences."""

from __future__ import annotations

from .helpers import findings, messages


def complete_policy(**overrides):
    policy = {
        "owner": {"name": "Priya Raman", "role": "Head of Platform"},
        "approver": {"name": "Sam Okafor", "role": "CTO"},
        "approved_on": "2025-01-15",
        "last_reviewed_on": "2025-01-15",
        "review_interval": "1y",
        "communicated_to": ["platform-team"],
    }
    policy.update(overrides)
    return {"policy": policy}


# GOV-001 -------------------------------------------------------------------
def test_gov001_complete_governance_passes():
    assert findings(complete_policy(), "GOV-001") == []


def test_gov001_missing_owner_and_approval_date_are_questions():
    data = complete_policy()
    del data["policy"]["owner"], data["policy"]["approved_on"]
    (f,) = findings(data, "GOV-001")  # owner and approval date are one governance record: one question
    assert f.paths == ("policy.owner", "policy.approved_on")
    assert f.kind == "question" and f.severity == "major"
    assert f.message.startswith("This policy does not yet say who owns it (no accountable owner is named) and when "
                                "it was approved (no approval date is recorded).")


def test_gov001_empty_audience_is_asked():
    found = findings(complete_policy(communicated_to=[]), "GOV-001")
    assert [f.path for f in found] == ["policy.communicated_to"]


def test_gov001_self_approval_is_a_gap_naming_the_person():
    data = complete_policy(approver={"name": "priya raman", "role": "Head of Platform"})
    (f,) = findings(data, "GOV-001")
    assert f.kind == "gap"
    assert "Priya Raman" in f.message and "own owner" in f.message


# GOV-002 -------------------------------------------------------------------
def test_gov002_recent_review_passes():
    assert findings(complete_policy(), "GOV-002", as_of="2025-06-30") == []


def test_gov002_overdue_review_names_dates():
    (f,) = findings(complete_policy(last_reviewed_on="2024-03-01", approved_on="2024-03-01"), "GOV-002", as_of="2025-06-30")
    assert f.severity == "major" and f.kind == "evidence"  # the policy is fine; its review record is late
    assert "2024-03-01" in f.message and "2025-03-01" in f.message
    assert f.path == "policy.last_reviewed_on"


def test_gov002_a_later_approval_is_the_last_review():
    """A reviewer revises last year's policy and the approver signs it today: approving a version is reviewing
    it, so the old review date left in the spec does not make the review overdue."""
    assert findings(complete_policy(last_reviewed_on="2024-03-01", approved_on="2025-06-01"), "GOV-002",
                    as_of="2025-06-30") == []
    (f,) = findings(complete_policy(last_reviewed_on="2023-03-01", approved_on="2024-04-01"), "GOV-002",
                    as_of="2025-06-30")
    assert f.message.startswith("The policy was last approved on 2024-04-01;") and "2025-04-01" in f.message
    assert f.path == "policy.approved_on"


def test_gov002_more_than_two_years_is_a_blocker():
    (f,) = findings(complete_policy(last_reviewed_on="2023-01-10", approved_on="2022-12-01"), "GOV-002", as_of="2025-06-30")
    assert f.severity == "blocker"
    assert "more than 2 years" in f.message


def test_gov002_interval_longer_than_a_year():
    (f,) = findings(complete_policy(review_interval="2y"), "GOV-002", as_of="2025-06-30")
    assert "every 2y" in f.message and f.path == "policy.review_interval"


def test_gov002_missing_interval_is_asked_and_review_checked_against_a_year():
    data = complete_policy(last_reviewed_on="2024-01-01", approved_on="2024-01-01")
    del data["policy"]["review_interval"]
    found = findings(data, "GOV-002", as_of="2025-06-30")
    assert {(f.kind, f.path) for f in found} == {
        ("question", "policy.review_interval"), ("evidence", "policy.last_reviewed_on")}


def test_gov002_vague_interval_is_not_reported_here():
    data = complete_policy(review_interval="periodically")
    assert findings(data, "GOV-002", as_of="2025-06-30") == []


# GOV-003 -------------------------------------------------------------------
def cadenced(**extra):
    data = {
        "systems": [{"id": "prod-db", "environment": "prod", "tier": "T1"}],
        "tiers": [{"id": "T1", "restore_test_interval": "3mo"}],
        "schedules": [{"id": "sch-db", "systems": ["prod-db"], "interval": "1d"}],
        "roles": [{"id": "backup-admin", "permissions": ["delete_recovery_point"], "review_interval": "3mo"},
                  {"id": "prod-admin", "permissions": ["prod_admin"]}],
        "monitoring": {"failure_ticket_sla": "8h"},
        "disposal": {"verification_interval": "3mo"},
    }
    data.update(extra)
    return data


def test_gov003_all_cadences_stated_passes():
    assert findings(cadenced(), "GOV-003") == []


def test_gov003_missing_schedule_interval_is_asked_by_schedule():
    data = cadenced(schedules=[{"id": "sch-db", "systems": ["prod-db"], "type": "snapshot"}])
    (f,) = findings(data, "GOV-003")
    assert f.kind == "question" and f.path == "schedules[0].interval"
    assert "sch-db" in f.message and "prod-db" in f.message


def test_gov003_missing_review_and_sla_cadences():
    data = cadenced(tiers=[{"id": "T1"}], monitoring={},
                    roles=[{"id": "backup-admin", "permissions": ["delete_recovery_point"]}])
    paths = {f.path for f in findings(data, "GOV-003")}
    assert paths == {"roles[0].review_interval", "monitoring.failure_ticket_sla"}


def test_a_missing_restore_test_cadence_is_asked_once_by_the_testing_rule():
    from workbench.rules import evaluate

    from .helpers import AS_OF, policy

    asks = [f for f in evaluate(policy(cadenced(tiers=[{"id": "T1"}])), AS_OF).findings
            if "tiers[0].restore_test_interval" in f.paths and f.kind == "question"]
    assert [f.rule for f in asks] == ["TEST-001"]


def test_gov003_vague_cadence_is_left_to_the_language_rule():
    data = cadenced(schedules=[{"id": "sch-db", "systems": ["prod-db"], "interval": "regularly"}])
    assert messages(data, "GOV-003") == []


def test_gov003_does_not_ask_how_often_an_unversioned_sync_makes_a_recovery_point():
    data = cadenced(schedules=[{"id": "sch-db", "systems": ["prod-db"], "interval": "1d"},
                               {"id": "s3-sync", "systems": ["prod-db"], "type": "replication"}])
    assert findings(data, "GOV-003") == []
    data["schedules"][1]["versioned"] = True  # versioned replication does make recovery points: ask
    (f,) = findings(data, "GOV-003")
    assert f.path == "schedules[1].interval"
