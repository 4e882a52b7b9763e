"""The roles matrix's placement of the access findings (workbench.rules.sod): it places what the engine found.

Each test breaks one thing in the clean access model of test_access.py, runs the whole engine, and checks
the row, cells and members the finding is placed on; a finding the engine does not report is never placed.
"""

from __future__ import annotations

from tests.rules.helpers import AS_OF, policy
from tests.rules.test_access import DUAL_OPS, base, principal, role
from workbench.rules import evaluate
from workbench.rules.sod import access_marks, unpaired_ops


def marks_of(data: dict):
    p = policy(data)
    report = evaluate(p, AS_OF)
    return access_marks(p, report.findings), report


def test_a_clean_access_model_marks_nothing():
    marks, _ = marks_of(base())
    assert marks.rows == {} and marks.cells == {} and marks.members == {} and marks.conflicts == 0


def test_a_member_without_mfa_marks_the_member_the_persons_mfa_and_the_roles_mfa_cell():
    data = base()
    principal(data, "u-bob")["mfa_enrolled"] = False
    marks, report = marks_of(data)
    [f] = [f for f in report.open if f.rule == "ACC-001"]
    assert marks.member("backup-operator", "u-bob") == [f]
    assert marks.person("u-bob", "mfa") == [f]
    assert marks.cell("backup-operator", "mfa") == [f]
    assert marks.row("backup-operator") == [f]
    assert marks.member("backup-operator", "svc-backup") == [] and marks.row("backup-admin") == []


def test_a_member_reached_through_a_group_marks_the_group_as_listed():
    data = base()
    role(data, "backup-operator")["members"] = ["grp-ops"]
    data["principals"] += [{"id": "grp-ops", "type": "group", "members": ["u-dan"]},
                           {"id": "u-dan", "type": "human", "mfa_enrolled": False}]
    marks, _ = marks_of(data)
    assert [f.rule for f in marks.member("backup-operator", "grp-ops")] == ["ACC-001"]
    assert [f.rule for f in marks.person("u-dan", "mfa")] == ["ACC-001"]


def test_a_production_admin_who_can_destroy_backups_marks_both_roles_cells():
    data = base()
    role(data, "backup-admin")["members"].append("u-alice")
    marks, report = marks_of(data)
    [f] = [f for f in report.open if f.rule == "ACC-002"]
    assert marks.cell("prod-admin", "prod_admin") == [f]
    assert all(marks.cell("backup-admin", op) == [f] for op in DUAL_OPS)
    assert marks.member("prod-admin", "u-alice") == [f] and marks.member("backup-admin", "u-alice") == [f]
    assert marks.member("backup-admin", "u-carol") == []


def test_operations_without_a_second_approver_are_the_cells_the_rule_names():
    data = base()
    data["targets"][0]["immutability"] = {"mode": "compliance", "days": 35}
    role(data, "backup-admin")["dual_authorization_for"] = []
    marks, report = marks_of(data)
    [f] = [f for f in report.open if f.rule == "ACC-003"]
    # the lock makes deleting impossible: the rule names disable_plan only, and so does the matrix
    assert unpaired_ops(policy(data).roles[1]) == list(DUAL_OPS)
    assert [op for op in DUAL_OPS if marks.cell("backup-admin", op)] == ["disable_plan"]
    assert marks.row("backup-admin") == [f]


def test_an_overdue_review_marks_the_review_and_an_accepted_finding_stays_marked_as_accepted():
    data = base()
    role(data, "backup-admin")["last_review_on"] = "2024-01-01"
    data["exceptions"] = [{"id": "EXC-1", "rule": "ACC-005", "scope": "backup-admin", "justification": "audit soon",
                           "approved_by": "CISO", "expires_on": "2025-12-31"}]
    marks, report = marks_of(data)
    [f] = marks.cell("backup-admin", "review")
    assert f.rule == "ACC-005" and f.accepted is not None and f.accepted.exception == "EXC-1"
    assert marks.conflicts == 0  # accepted: shown, not counted as open


def test_no_backup_role_at_all_is_a_general_finding():
    data = base()
    data["roles"] = [role(data, "prod-admin")]
    marks, report = marks_of(data)
    assert any(f.rule == "ACC-001" for f in marks.general)
