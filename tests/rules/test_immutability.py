"""IMM rules: immutable or offline copies, and how strong the locks are."""

from __future__ import annotations

import pytest

import copy

from tests.rules.helpers import findings


def base(**over) -> dict:
    """One T0 database copied to one vault; callers adjust the vault or add roles."""
    data = {
        "tiers": [{"id": "T0", "rpo": "15m", "require_immutable": True}, {"id": "T2", "rpo": "1d"}],
        "systems": [{"id": "db-orders", "tier": "T0", "environment": "prod", "data_classes": ["confidential"]}],
        "schedules": [{"id": "sch-orders", "systems": ["db-orders"], "interval": "1h", "targets": ["vault-a"]}],
        "targets": [{"id": "vault-a", "immutability": {"mode": "governance", "days": 35},
                     "retention": {"daily": "35d"}}],
    }
    data.update(copy.deepcopy(over))
    return data


# --- IMM-001 ------------------------------------------------------------------
def test_imm001_t0_system_with_only_a_governance_lock_is_a_blocker():
    (f,) = findings(base(), "IMM-001")
    assert f.kind == "gap" and f.severity == "blocker"  # major, one level up for T0
    assert "db-orders (T0)" in f.message and "tier T0 requires one" in f.message
    assert "vault-a (governance-mode lock" in f.message
    assert "targets[0].immutability.mode" in f.paths and "tiers[0].require_immutable" in f.paths


def test_imm001_compliance_lock_or_offline_copy_satisfies_it():
    locked = base(targets=[{"id": "vault-a", "immutability": {"mode": "compliance", "days": 35}}])
    offline = base(targets=[{"id": "vault-a", "offline": True, "immutability": {"mode": "none"}}])
    assert findings(locked, "IMM-001") == [] and findings(offline, "IMM-001") == []


def test_imm001_regulated_data_needs_a_lock_even_when_the_tier_does_not():
    data = base(systems=[{"id": "pay-db", "tier": "T2", "environment": "prod", "data_classes": ["pci"]}],
                schedules=[{"id": "s", "systems": ["pay-db"], "interval": "1d", "targets": ["vault-a"]}],
                targets=[{"id": "vault-a", "immutability": {"mode": "none"}}])
    (f,) = findings(data, "IMM-001")
    assert f.severity == "major" and "pay-db (T2)" in f.message and "pci data" in f.message


def test_imm001_sec17a4_is_a_blocker():
    data = base(systems=[{"id": "ledger", "tier": "T2", "environment": "prod", "regulatory_tags": ["sec17a4"]}],
                schedules=[{"id": "s", "systems": ["ledger"], "interval": "1d", "targets": ["vault-a"]}])
    (f,) = findings(data, "IMM-001")
    assert f.severity == "blocker" and "SEC 17a-4" in f.message


def test_imm001_unknown_lock_is_a_question_not_a_gap():
    (f,) = findings(base(targets=[{"id": "vault-a"}]), "IMM-001")
    assert f.kind == "question" and "is vault-a locked" in f.message


def test_imm001_system_that_needs_no_lock_is_quiet():
    data = base(systems=[{"id": "wiki", "tier": "T2", "environment": "prod", "data_classes": ["internal"]}],
                schedules=[{"id": "s", "systems": ["wiki"], "interval": "1d", "targets": ["vault-a"]}])
    assert findings(data, "IMM-001") == []


# --- IMM-002 ------------------------------------------------------------------
ROLES = [
    {"id": "prod-admin", "permissions": ["prod_admin"], "members": ["u-alice"]},
    {"id": "backup-admin", "permissions": ["bypass_governance"], "members": ["u-alice", "u-bob"],
     "mfa_required": True},
]


def test_imm002_governance_lock_that_a_production_admin_can_lift():
    data = base(roles=ROLES, principals=[{"id": "u-alice", "type": "human"}, {"id": "u-bob", "type": "human"}])
    (f,) = findings(data, "IMM-002")
    assert "vault-a has only a governance-mode lock" in f.message
    assert "u-alice (prod_admin through role prod-admin)" in f.message and "u-bob" not in f.message
    assert "bypass_governance: role backup-admin" in f.message
    assert f.paths[0] == "targets[0].immutability.mode" and "roles[1].members" in f.paths
    assert f.severity == "blocker"  # db-orders is T0


def test_imm002_bypass_role_without_mfa():
    roles = [{"id": "backup-admin", "permissions": ["bypass_governance"], "members": ["u-bob"],
              "mfa_required": False}]
    (f,) = findings(base(roles=roles), "IMM-002")
    assert "members of role backup-admin, which does not require MFA" in f.message


def test_imm002_lock_shorter_than_daily_retention():
    data = base(targets=[{"id": "vault-a", "immutability": {"mode": "compliance", "days": 7},
                          "retention": {"daily": "35d"}}])
    (f,) = findings(data, "IMM-002")
    assert "locks recovery points for 7 days" in f.message and "kept for 35d" in f.message
    assert f.paths == ("targets[0].immutability.days", "targets[0].retention.daily")


@pytest.mark.parametrize("days, kept, short", [
    (2555, "7y", False), (2554, "7y", True),   # a storage service counts a year as 365 days
    (90, "3mo", False), (89, "3mo", True),     # and a month as 30
    (365, "1y", False), (35, "35d", False), (34, "35d", True),
])
def test_imm002_a_lock_in_days_covers_a_retention_counted_as_a_person_counts_it(days, kept, short):
    """Seen in tmux: a 2555-day lock (7 x 365) was reported one day short of a 7y retention."""
    data = base(targets=[{"id": "vault-a", "immutability": {"mode": "compliance", "days": days},
                          "retention": {"max": kept}}])
    hits = [f for f in findings(data, "IMM-002") if "locks recovery points" in f.message]
    assert bool(hits) == short, [f.message for f in hits]


def test_imm002_short_soft_delete_as_the_only_protection():
    data = base(targets=[{"id": "vault-a", "immutability": {"mode": "none"}, "soft_delete_days": 7}])
    (f,) = findings(data, "IMM-002")
    assert "soft delete for 7 days" in f.message and f.paths[0] == "targets[0].soft_delete_days"


def test_imm002_sec17a4_records_locked_shorter_than_six_years():
    data = base(systems=[{"id": "ledger", "tier": "T2", "environment": "prod", "regulatory_tags": ["sec17a4"],
                          "records_retention_via": "backup"}],
                schedules=[{"id": "s", "systems": ["ledger"], "interval": "1d", "targets": ["vault-a"]}],
                targets=[{"id": "vault-a", "immutability": {"mode": "compliance", "days": 365},
                          "retention": {"daily": "1y"}}])
    (f,) = findings(data, "IMM-002")
    assert "ledger" in f.message and "6y" in f.message


def test_imm002_lock_length_unknown_is_asked():
    data = base(targets=[{"id": "vault-a", "immutability": {"mode": "compliance"}}])
    (f,) = findings(data, "IMM-002")
    assert f.kind == "question" and f.paths == ("targets[0].immutability.days",)


def test_imm002_strong_lock_is_quiet():
    data = base(roles=[{"id": "sec", "permissions": ["bypass_governance"], "members": ["u-sec"],
                        "mfa_required": True}],
                principals=[{"id": "u-sec", "type": "human", "mfa_enrolled": True}])
    assert findings(data, "IMM-002") == []
