"""ACC rules: MFA, separation of duties, dual authorization, leavers, reviews, least privilege."""

from __future__ import annotations

import copy

from tests.rules.helpers import findings

DUAL_OPS = ("delete_recovery_point", "modify_retention", "modify_immutability", "disable_plan", "delete_vault")


def base(**over) -> dict:
    """A T0 and a T2 system on separate vaults, with a clean set of roles; callers break one thing."""
    data = {
        "tiers": [{"id": "T0", "rpo": "15m"}, {"id": "T2", "rpo": "1d"}],
        "systems": [{"id": "db-orders", "tier": "T0", "environment": "prod"},
                    {"id": "wiki", "tier": "T2", "environment": "prod"}],
        "schedules": [{"id": "s-orders", "systems": ["db-orders"], "interval": "1h", "targets": ["vault-t0"]},
                      {"id": "s-wiki", "systems": ["wiki"], "interval": "1d", "targets": ["vault-t2"]}],
        "targets": [{"id": "vault-t0"}, {"id": "vault-t2"}],
        "roles": [
            {"id": "prod-admin", "permissions": ["prod_admin"], "members": ["u-alice"]},
            {"id": "backup-admin", "permissions": list(DUAL_OPS), "members": ["u-carol"],
             "mfa_required": True, "dual_authorization_for": list(DUAL_OPS),
             "last_review_on": "2025-05-01", "review_interval": "3mo"},
            {"id": "backup-operator", "permissions": ["run", "restore"], "members": ["u-bob", "svc-backup"],
             "mfa_required": True, "last_review_on": "2025-05-01", "review_interval": "3mo"},
        ],
        "principals": [
            {"id": "u-alice", "type": "human", "status": "active", "mfa_enrolled": True},
            {"id": "u-bob", "type": "human", "status": "active", "mfa_enrolled": True, "last_login": "2025-06-20"},
            {"id": "u-carol", "type": "human", "status": "active", "mfa_enrolled": True, "last_login": "2025-06-20"},
            {"id": "svc-backup", "type": "service", "status": "active", "interactive_login": False,
             "owner": "team-infra"},
        ],
    }
    data.update(copy.deepcopy(over))
    return data


def role(data: dict, rid: str) -> dict:
    return next(r for r in data["roles"] if r["id"] == rid)


def principal(data: dict, pid: str) -> dict:
    return next(p for p in data["principals"] if p["id"] == pid)


def test_clean_access_model_raises_nothing():
    for rid in ("ACC-001", "ACC-002", "ACC-003", "ACC-004", "ACC-005", "ACC-006"):
        assert findings(base(), rid) == [], rid


# --- ACC-001 ------------------------------------------------------------------
def test_acc001_backup_role_without_mfa_is_a_blocker():
    data = base()
    role(data, "backup-admin")["mfa_required"] = False
    (f,) = findings(data, "ACC-001")
    assert f.severity == "blocker" and f.kind == "gap"
    assert f"Role backup-admin ({', '.join(DUAL_OPS)}) does not require MFA; members: u-carol" in f.message
    assert f.paths == ("roles[1].mfa_required",)


def test_acc001_unknown_mfa_is_asked():
    data = base()
    role(data, "backup-operator")["mfa_required"] = None
    (f,) = findings(data, "ACC-001")
    assert f.kind == "question" and "Does role backup-operator (run, restore) require MFA?" in f.message


def test_acc001_member_without_mfa_enrolled_including_through_a_group():
    data = base()
    role(data, "backup-operator")["members"] = ["grp-ops"]
    data["principals"] += [{"id": "grp-ops", "type": "group", "members": ["u-dan"]},
                           {"id": "u-dan", "type": "human", "mfa_enrolled": False}]
    (f,) = findings(data, "ACC-001")
    assert "u-dan has no MFA enrolled but holds run, restore (role backup-operator via group grp-ops)" in f.message
    assert f.paths[0].endswith("mfa_enrolled")


def test_acc001_key_admin_role_counts_as_a_backup_role():
    data = base(roles=[{"id": "kms-admins", "members": ["u-sec"], "mfa_required": False}],
                keys=[{"id": "kms-bkp", "admins": ["kms-admins"]}])
    (f,) = findings(data, "ACC-001")
    assert "Role kms-admins (admin of key kms-bkp) does not require MFA" in f.message


def test_acc001_production_only_role_is_not_its_business():
    data = base()
    role(data, "prod-admin")["mfa_required"] = False
    assert findings(data, "ACC-001") == []


# --- ACC-002 ------------------------------------------------------------------
def test_acc002_production_admin_who_can_delete_t0_backups_is_a_blocker():
    data = base()
    role(data, "backup-admin")["members"].append("u-alice")
    role(data, "backup-admin")["permissions"] = ["delete_recovery_point"]
    (f,) = findings(data, "ACC-002")
    assert f.message == ("u-alice holds prod_admin (role prod-admin) and delete_recovery_point (role backup-admin): "
                         "a production admin can destroy backups of db-orders (T0).")
    assert f.severity == "blocker" and f.subject == "u-alice"
    assert f.paths == ("roles[0].members", "roles[1].members")


def test_acc002_only_t2_copies_affected_is_major():
    data = base()
    role(data, "backup-admin").update(members=["u-alice"], targets=["vault-t2"])
    (f,) = findings(data, "ACC-002")
    assert f.severity == "major" and "wiki (T2)" in f.message and "db-orders" not in f.message


def test_acc002_conflict_through_a_group_is_reported_once_for_the_group():
    data = base()
    role(data, "prod-admin")["members"] = ["grp-sre"]
    role(data, "backup-admin")["members"] = ["grp-sre"]
    data["principals"].append({"id": "grp-sre", "type": "group", "members": ["u-alice", "u-erin"]})
    (f,) = findings(data, "ACC-002")
    assert f.message.startswith("Group grp-sre (u-alice, u-erin) holds prod_admin")


def test_acc002_person_whose_prod_access_comes_from_a_group():
    data = base()
    role(data, "prod-admin")["members"] = ["grp-sre"]
    data["principals"].append({"id": "grp-sre", "type": "group", "members": ["u-carol"]})
    (f,) = findings(data, "ACC-002")
    assert "u-carol holds prod_admin (role prod-admin via group grp-sre)" in f.message


# --- ACC-003 ------------------------------------------------------------------
def test_acc003_delete_without_a_second_approver_on_unlocked_t0_copies():
    data = base()
    role(data, "backup-admin")["dual_authorization_for"] = []
    (f,) = findings(data, "ACC-003")
    assert f"Role backup-admin (u-carol) can {', '.join(DUAL_OPS)} without a second approver" in f.message
    assert "db-orders (T0)" in f.message and f.paths[0] == "roles[1].dual_authorization_for"


def test_acc003_compliance_lock_makes_deletion_impossible_but_not_disabling_plans():
    data = base()
    data["targets"][0]["immutability"] = {"mode": "compliance", "days": 35}
    role(data, "backup-admin")["dual_authorization_for"] = []
    (f,) = findings(data, "ACC-003")
    assert "can disable_plan without" in f.message and "delete_recovery_point" not in f.message


def test_acc003_operation_nobody_is_assigned_is_asked():
    data = base()
    data["roles"] = [r for r in data["roles"] if r["id"] != "backup-admin"]
    (f,) = findings(data, "ACC-003")
    assert f.kind == "question" and "No role grants the permission to delete_recovery_point" in f.message
    assert f.paths == ("roles",)  # no role to point at: the list, where one is added


def test_acc003_question_points_at_a_role_listed_without_permissions():
    """The person has just added the role that will hold these operations: the question (and the app's
    next-question key) goes to that role's permissions, not to the list to add yet another role."""
    data = base()
    data["roles"] = [r for r in data["roles"] if r["id"] != "backup-admin"]
    data["roles"].append({"id": "backup-security-admin"})
    (f,) = findings(data, "ACC-003")
    assert f.paths == ("roles[2].permissions", "roles")


# --- ACC-004 ------------------------------------------------------------------
def test_acc004_terminated_member_is_a_blocker():
    data = base()
    principal(data, "u-bob")["status"] = "terminated"
    (f,) = findings(data, "ACC-004")
    assert f.severity == "blocker"
    assert f.message == "u-bob is terminated but still holds run, restore (role backup-operator)."
    assert f.paths[0] == "principals[1].status"


def test_acc004_dormant_destructive_holder_is_minor():
    data = base()
    principal(data, "u-carol")["last_login"] = "2025-01-15"
    (f,) = findings(data, "ACC-004")
    assert f.severity == "minor" and "u-carol last signed in on 2025-01-15" in f.message


def test_acc004_dormant_operator_without_destructive_rights_is_quiet():
    data = base()
    principal(data, "u-bob")["last_login"] = "2024-01-15"
    assert findings(data, "ACC-004") == []


# --- ACC-005 ------------------------------------------------------------------
def test_acc005_overdue_review():
    data = base()
    role(data, "backup-operator")["last_review_on"] = "2025-01-10"
    (f,) = findings(data, "ACC-005")
    assert "Role backup-operator: the access review is overdue; last reviewed on 2025-01-10" in f.message
    assert "by 2025-04-10" in f.message


def test_acc005_destructive_role_reviewed_yearly():
    data = base()
    role(data, "backup-admin")["review_interval"] = "1y"
    (f,) = findings(data, "ACC-005")
    assert "Role backup-admin is reviewed every 1y, less often than 3mo" in f.message
    assert f.paths == ("roles[1].review_interval",)


def test_acc005_pci_data_caps_the_interval_at_six_months():
    data = base()
    data["systems"][1]["data_classes"] = ["pci"]
    role(data, "backup-operator").update(review_interval="1y", last_review_on="2025-06-01")
    (f,) = findings(data, "ACC-005")
    assert "less often than 6mo" in f.message and "PCI DSS 7.2.4" in f.message and "wiki" in f.message


def test_acc005_no_review_recorded_is_asked():
    data = base()
    role(data, "backup-operator").update(last_review_on=None, review_interval=None)
    (f,) = findings(data, "ACC-005")
    assert f.kind == "question" and "when was its membership last reviewed" in f.message


# --- ACC-006 ------------------------------------------------------------------
def test_acc006_too_many_people_can_destroy_backups():
    data = base()
    role(data, "backup-admin")["members"] = ["u-carol", "u-d", "u-e", "u-f"]
    (f,) = findings(data, "ACC-006")
    assert "4 people hold destructive backup permissions" in f.message and "more than 3" in f.message


def test_acc006_shared_account_with_destructive_rights_is_major():
    data = base()
    principal(data, "u-carol")["type"] = "shared"
    (f,) = findings(data, "ACC-006")
    assert f.severity == "major" and "Shared account u-carol" in f.message


def test_acc006_broad_group_and_risky_service_principal():
    data = base()
    role(data, "backup-operator")["members"].append("all-eng")
    data["principals"].append({"id": "all-eng", "type": "group", "broad_group": True})
    principal(data, "svc-backup").update(interactive_login=True, owner=None)
    msgs = {f.kind: f.message for f in findings(data, "ACC-006") if "svc" not in f.message}
    assert "Broad group all-eng is granted backup access" in msgs["gap"]
    svc = [f for f in findings(data, "ACC-006") if "svc-backup" in f.message]
    assert {f.kind for f in svc} == {"gap", "question"}
    assert any("can sign in interactively" in f.message for f in svc)


# A policy that names no backup roles at all ----------------------------------
def test_acc001_asks_who_can_touch_backups_when_no_role_holds_a_backup_permission():
    data = base(roles=[{"id": "prod-admin", "permissions": ["prod_admin"], "members": ["u-alice"]}])
    (f,) = findings(data, "ACC-001")
    assert f.kind == "question" and f.severity == "blocker"  # db-orders is T0
    assert f.message.startswith("No role in the policy holds a backup permission, yet db-orders and wiki are backed up")
    assert "MFA" in f.message and f.paths == ("roles",)


def test_acc001_no_backup_roles_is_major_without_critical_systems():
    data = base(roles=[])
    data["systems"] = [data["systems"][1]]
    data["schedules"] = [data["schedules"][1]]
    (f,) = findings(data, "ACC-001")
    assert f.severity == "major" and "yet wiki is backed up" in f.message


def test_acc001_no_question_when_nothing_is_backed_up():
    assert findings(base(roles=[], schedules=[]), "ACC-001") == []


def test_acc001_a_role_that_can_only_start_jobs_is_major_and_an_empty_role_says_nothing_of_members():
    data = base()
    data["roles"].append({"id": "job-starter", "permissions": ["run"], "mfa_required": False})
    (f,) = [f for f in findings(data, "ACC-001") if f.subject == "job-starter"]
    assert f.severity == "major"
    assert f.message == "Role job-starter (run) does not require MFA."
    data["roles"][-1]["permissions"] = ["run", "restore"]
    (f,) = [f for f in findings(data, "ACC-001") if f.subject == "job-starter"]
    assert f.severity == "blocker"  # restoring reads the data back


def test_acc003_operations_nobody_is_assigned_read_as_a_list_with_or_and_a_plain_question():
    """"No role grants a, b, c and none requires two people for it: who can do that ..." listed the
    operations as if all three were needed, with "it" for three of them."""
    data = base()
    data["roles"] = [r for r in data["roles"] if r["id"] != "backup-admin"]
    (f,) = findings(data, "ACC-003")
    assert f.message.startswith("No role grants the permission to delete_recovery_point, modify_retention, "
                                "modify_immutability, disable_plan or delete_vault, and no role requires two "
                                "people for them. Who may do so to the copies of "), f.message
    assert "and does that need a second approver?" in f.message
