"""FREQ rules: recovery points often enough for the RPO, on site and off site."""

from .helpers import findings, messages


def base(**over):
    data = {
        "engagement": {"categories": ["security", "availability"]},
        "tiers": [{"id": "T1", "rpo": "1h", "rto": "8h"}, {"id": "T0", "rpo": "15m"}, {"id": "T3", "rpo": "1d"}],
        "systems": [{"id": "prod-db", "kind": "db", "environment": "prod", "tier": "T1", "region": "eu-west-1"}],
        "targets": [
            {"id": "vault-euw1", "region": "eu-west-1"},
            {"id": "vault-euc1", "region": "eu-central-1"},
        ],
        "schedules": [
            {"id": "nightly", "systems": ["prod-db"], "interval": "1d", "automated": True,
             "app_consistent": True, "targets": ["vault-euw1"]},
        ],
    }
    data.update(over)
    return data


def test_freq001_daily_backup_against_hourly_rpo_names_system_and_values():
    (f,) = findings(base(), "FREQ-001")
    assert f.message == "prod-db: the newest restorable point can be 1d old (schedule nightly) but its RPO is 1h."
    assert f.severity == "blocker"
    assert f.paths == ("schedules[0].interval", "tiers[0].rpo")


def test_freq001_passes_when_log_backups_meet_the_rpo():
    data = base()
    data["schedules"].append({"id": "logs", "systems": ["prod-db"], "type": "log", "interval": "15m", "automated": True,
                              "targets": ["vault-euw1"]})
    assert findings(data, "FREQ-001") == []


def test_freq001_ignores_replication_without_versions():
    data = base()
    data["schedules"].append({"id": "mirror", "systems": ["prod-db"], "type": "replication", "interval": "continuous",
                              "targets": ["vault-euw1"]})
    assert len(findings(data, "FREQ-001")) == 1


def test_freq001_counts_job_duration_and_uses_system_override():
    data = base()
    data["systems"][0]["rpo"] = "1d"
    data["schedules"][0]["job_duration"] = "2h"
    assert messages(data, "FREQ-001") == [
        "prod-db: the newest restorable point can be 26h old (schedule nightly) but its RPO is 1d."
    ]
    assert findings(data, "FREQ-001")[0].paths[1] == "systems[0].rpo"


def test_freq001_tier_modifiers_t3_drops_one_level():
    data = base()
    data["systems"][0]["tier"] = "T3"
    data["schedules"][0]["interval"] = "2d"
    (f,) = findings(data, "FREQ-001")
    assert f.severity == "major"


def test_freq002_offsite_copy_lagging_behind_the_rpo():
    data = base()
    data["systems"][0]["rpo"] = "1d"
    data["schedules"].append({"id": "weekly-copy", "systems": ["prod-db"], "interval": "1w", "copy_lag": "2h",
                              "automated": True, "targets": ["vault-euc1"]})
    (f,) = findings(data, "FREQ-002")
    assert "prod-db" in f.message and "vault-euc1" in f.message and "7d2h" in f.message and "1d" in f.message


def test_freq002_passes_with_a_daily_cross_region_copy_and_uses_the_looser_own_rpo():
    data = base()
    data["tiers"][0]["dr_rpo"] = "4h"
    data["systems"][0]["rpo"] = "2d"
    data["systems"][0]["override_rationale"] = "stateless"
    data["schedules"].append({"id": "copy", "systems": ["prod-db"], "interval": "1d", "copy_lag": "2h",
                              "automated": True, "targets": ["vault-euc1"]})
    assert findings(data, "FREQ-002") == []


def test_freq003_manual_schedule_the_system_relies_on():
    data = base()
    data["schedules"][0]["automated"] = False
    (f,) = findings(data, "FREQ-003")
    assert "nightly" in f.message and "run by hand" in f.message and f.paths == ("schedules[0].automated",)


def test_freq003_monthly_export_beside_daily_automated_backups_is_fine():
    data = base()
    data["schedules"].append({"id": "archive-export", "systems": ["prod-db"], "type": "export", "interval": "1mo",
                              "automated": False, "targets": ["vault-euc1"]})
    assert findings(data, "FREQ-003") == []


def test_freq003_monthly_only_is_less_than_weekly():
    data = base()
    data["schedules"][0]["interval"] = "1mo"
    (f,) = findings(data, "FREQ-003")
    assert "runs every 1mo, less often than weekly" in f.message


def test_freq003_asks_when_automation_is_unknown():
    data = base()
    del data["schedules"][0]["automated"]
    (f,) = findings(data, "FREQ-003")
    assert f.kind == "question" and f.message.startswith(
        "Are the backup jobs automated? The policy does not say for schedule nightly (backing up prod-db).")


def test_freq003_whether_jobs_are_automated_is_asked_once_for_the_policy():
    data = base()
    del data["schedules"][0]["automated"]
    data["systems"].append({"id": "web", "environment": "prod", "tier": "T1", "kind": "vm"})
    data["schedules"].append({**data["schedules"][0], "id": "web-nightly", "systems": ["web"]})
    (f,) = findings(data, "FREQ-003")
    assert "schedules nightly, web-nightly (backing up prod-db, web)" in f.message
    assert f.paths == ("schedules[0].automated", "schedules[1].automated")


def test_freq004_crash_consistent_database():
    data = base()
    data["schedules"][0]["app_consistent"] = False
    (f,) = findings(data, "FREQ-004")
    assert "prod-db is a database" in f.message and f.severity == "minor"
    data["engagement"]["categories"].append("processing_integrity")
    (f,) = findings(data, "FREQ-004")
    assert f.severity == "major" and f.adjusted == ("Processing Integrity is in scope",)
    data["engagement"]["categories"] = []  # not answered yet: the stricter reading, said so
    (f,) = findings(data, "FREQ-004")
    assert f.severity == "major" and "the categories are not answered yet" in f.adjusted[0]


def test_freq004_passes_with_log_backups_or_consistent_snapshots():
    assert findings(base(), "FREQ-004") == []
    data = base()
    data["schedules"][0]["app_consistent"] = False
    data["schedules"].append({"id": "logs", "systems": ["prod-db"], "type": "log", "interval": "5m", "targets": ["vault-euw1"]})
    assert findings(data, "FREQ-004") == []


def test_a_missing_answer_needed_by_two_rules_is_asked_once():
    """GOV-003 and TEST-001 both need the tier's restore-test cadence."""
    from workbench.rules import evaluate
    from workbench.rules.engine import RULES, run_rules

    from .helpers import AS_OF, policy

    p = policy(base())
    both = run_rules(p, AS_OF, rules=[RULES["GOV-003"], RULES["TEST-001"]])
    asks = [f for f in both if f.paths and f.paths[0] == "tiers[0].restore_test_interval"]
    assert len(asks) == 1
    alone = run_rules(p, AS_OF, rules=[RULES["TEST-001"]])
    assert any(f.paths and f.paths[0] == "tiers[0].restore_test_interval" for f in alone)
