"""RTO: restore time against the RTO, normally, after a disaster, and with the DR site."""

from __future__ import annotations

from .helpers import findings


def target(id, **kw):
    base = {"id": id, "provider": "aws", "account": "backup", "region": "us-west-2", "storage_class": "standard",
            "restore_throughput_gbph": 500, "isolated_account": True, "offline": False,
            "immutability": {"mode": "compliance", "days": 35}}
    base.update(kw)
    return base


def policy(targets, tier="T1", rto="8h", **system):
    sysdef = {"id": "prod-db", "environment": "prod", "tier": tier, "data_classes": ["confidential"],
              "account": "prod", "region": "us-east-1", "size_gb": 800, "restore_procedure": "RB-1",
              "alternate_site": "warm"}
    sysdef.update(system)
    return {
        "tiers": [{"id": tier, "rpo": "4h", "rto": rto}],
        "systems": [sysdef],
        "schedules": [{"id": "sch-db", "systems": ["prod-db"], "interval": "1h", "targets": [t["id"] for t in targets]}],
        "targets": targets,
    }


# RTO-001 -------------------------------------------------------------------
def test_rto001_hot_copy_within_rto_passes():
    assert findings(policy([target("vault")]), "RTO-001") == []


def test_rto001_deep_archive_only_is_a_blocker_with_the_arithmetic():
    data = policy([target("glacier", storage_class="deep_archive", restore_throughput_gbph=100)])
    (f,) = findings(data, "RTO-001")
    assert f.severity == "blocker" and f.kind == "gap"
    assert f.message == ("prod-db: restoring from its only copy, glacier (deep_archive), takes 12h to first byte "
                         "+ 800 GB at 100 GB/h = 20h, but its RTO is 8h.")
    assert "tiers[0].rto" in f.paths and "targets[0].storage_class" in f.paths


def test_rto001_one_fast_copy_is_enough():
    data = policy([target("glacier", storage_class="deep_archive"), target("vault")])
    assert findings(data, "RTO-001") == []


def test_rto001_retrieval_alone_over_rto_needs_no_size():
    data = policy([target("glacier", storage_class="deep_archive")], size_gb=None)
    (f,) = findings(data, "RTO-001")
    assert f.kind == "gap" and "at least 12h" in f.message


def test_rto001_unknown_size_is_asked_where_the_rto_is_tight_for_the_size_class():
    (f,) = findings(policy([target("vault")], rto="2h", size_gb=None, kind="db"), "RTO-001")
    assert f.kind == "question" and "data size" in f.message and f.paths == ("systems[0].size_gb",)
    assert "its RTO of 2h is tight for a medium system for its kind (db)" in f.message
    assert "At stake: a restore slower than the RTO, a blocker." in f.message


def test_rto001_unknown_size_is_not_asked_where_the_rto_is_loose_for_the_size_class():
    """An 8h RTO for a database: the restore tests are the evidence; the arithmetic is not asked."""
    assert findings(policy([target("vault")], size_gb=None, kind="db"), "RTO-001") == []


def test_rto001_unknown_throughput_is_asked_after_a_test_missed_the_rto():
    data = policy([target("vault", restore_throughput_gbph=None)])
    assert findings(data, "RTO-001") == []
    data["restore_tests"] = [{"system": "prod-db", "date": "2025-05-01", "result": "pass", "measured_rto": "11h"}]
    (f,) = findings(data, "RTO-001")
    assert f.kind == "question" and "its restore test of 2025-05-01 took 11h, over its RTO of 8h" in f.message
    assert f.paths == ("targets[0].restore_throughput_gbph",)


def test_rto001_unknown_throughput_is_not_asked_for_t2():
    data = policy([target("vault", restore_throughput_gbph=None)], tier="T2")
    assert findings(data, "RTO-001") == []


def test_rto001_t0_escalation_and_t3_relief_come_from_the_tier_modifier():
    slow = [target("vault", restore_throughput_gbph=50)]  # 16h
    (t3,) = findings(policy(slow, tier="T3"), "RTO-001")
    assert t3.severity == "major"


# RTO-002 -------------------------------------------------------------------
def test_rto002_locked_offsite_copy_passes():
    assert findings(policy([target("vault")]), "RTO-002") == []


def test_rto002_no_copy_survives_ransomware_is_a_blocker():
    data = policy([target("vault", isolated_account=False, account="prod", immutability={"mode": "governance"})])
    (f,) = findings(data, "RTO-002")
    assert f.severity == "blocker" and "ransomware" in f.message
    assert "vault is online, in the production account, with a governance-mode lock only" in f.message


def test_rto002_isolated_account_where_prod_admin_can_delete():
    data = policy([target("vault", immutability={"mode": "none"})])
    data["roles"] = [{"id": "prod-admin", "permissions": ["prod_admin"], "members": ["u-cto"]},
                     {"id": "backup-admin", "permissions": ["delete_recovery_point"], "members": ["u-cto"]}]
    (f,) = findings(data, "RTO-002")
    assert "u-cto" in f.message and f.severity == "blocker"


def test_rto002_surviving_copy_too_slow_for_the_rto():
    # a fast copy in the primary region serves normal restores; the off-site, locked one is archive-only
    local = target("local", region="us-east-1", account="prod", isolated_account=False, immutability={"mode": "none"})
    remote = target("vault", storage_class="glacier_flexible", retrieval_option="bulk")
    (f,) = findings(policy([local, remote], rto="8h"), "RTO-002")
    assert f.severity == "major"
    assert f.message == ("prod-db: if its region is lost or after ransomware, the fastest surviving copy, vault "
                         "(glacier_flexible), takes 12h to first byte + 800 GB at 500 GB/h = 13.6h to restore, "
                         "but its RTO is 8h.")


def test_rto002_does_not_repeat_rto001_when_every_copy_is_too_slow():
    data = policy([target("vault", storage_class="glacier_flexible", retrieval_option="bulk")], rto="8h")
    assert findings(data, "RTO-002") == []


def test_rto002_uses_the_disaster_rto_when_set():
    local = target("local", region="us-east-1", account="prod", isolated_account=False, immutability={"mode": "none"})
    remote = target("vault", storage_class="glacier_flexible", retrieval_option="bulk")
    data = policy([local, remote], rto="8h")
    data["tiers"][0]["dr_rto"] = "12h"
    (f,) = findings(data, "RTO-002")
    assert "disaster RTO is 12h" in f.message and f.path == "tiers[0].dr_rto"
    data["tiers"][0]["dr_rto"] = "2d"
    assert findings(data, "RTO-002") == []


def test_rto002_unknown_protection_is_asked():
    data = policy([target("vault", isolated_account=None, offline=None, immutability=None, account="backup")])
    (f,) = findings(data, "RTO-002")
    assert f.kind == "question" and "vault" in f.message


def test_rto002_only_for_t0_t1():
    data = policy([target("vault", isolated_account=False, account="prod", immutability={"mode": "none"})], tier="T2")
    assert findings(data, "RTO-002") == []


# RTO-003 -------------------------------------------------------------------
def test_rto003_runbook_and_warm_site_pass():
    assert findings(policy([target("vault")]), "RTO-003") == []


def test_rto003_missing_runbook_is_asked():
    data = policy([target("vault")])
    del data["systems"][0]["restore_procedure"]
    (f,) = findings(data, "RTO-003")
    assert f.kind == "question" and "prod-db" in f.message and f.path == "systems[0].restore_procedure"


def test_rto003_cold_site_provisioning_plus_restore_over_rto():
    data = policy([target("vault")], alternate_site="cold", provisioning_hours=6, rebuild_hours=1)
    (f,) = findings(data, "RTO-003")
    assert f.kind == "gap"
    assert "cold DR site" in f.message and "6h to provision" in f.message and "8.6h" in f.message
    assert "systems[0].alternate_site" in f.paths


def test_rto003_cold_site_that_still_fits_passes():
    data = policy([target("vault")], alternate_site="cold", provisioning_hours=1)
    assert findings(data, "RTO-003") == []


def test_rto003_cold_site_without_provisioning_time_is_asked():
    data = policy([target("vault")], alternate_site="none")
    (f,) = findings(data, "RTO-003")
    assert f.kind == "question" and f.path == "systems[0].provisioning_hours"


def test_rto001_what_is_not_stated_agrees_in_number_with_its_verb():
    """One thing of two targets is singular ("the restore throughput of a and b is not stated"), two things are
    plural; the verb used to follow the number of paths ("... of a and b are not stated")."""
    data = policy([target("vault", restore_throughput_gbph=None), target("nas", restore_throughput_gbph=None)],
                  rto="2h", kind="db", size_gb=4200)
    (f,) = findings(data, "RTO-001")
    assert "; the restore throughput of vault and nas is not stated, so the restore time" in f.message
    data = policy([target("vault", restore_throughput_gbph=None)], rto="2h", kind="db", size_gb=None)
    (f,) = findings(data, "RTO-001")
    assert "its data size and the restore throughput of vault are not stated, so the restore time" in f.message
