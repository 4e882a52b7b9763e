"""The session and grouped changes: one revision, a correct evaluation, nothing half-seen, read-only refused."""

from __future__ import annotations

import pytest

from workbench.app.session import EditError, Session
from workbench.rules import evaluate
from workbench.spec.io import SpecError

from .conftest import TODAY


def _key(report):
    return [(f.rule, f.subject, f.severity) for f in report.open]


def test_a_bulk_edit_is_one_revision_and_the_next_evaluation_sees_all_of_it(root):
    s = Session.demo(today=TODAY)
    s.evaluate()
    seen = []
    s.subscribe(seen.append)
    revision = s.revision
    tier = s.policy.tiers[-1].id
    s.apply_many(f"Set tier of {len(s.policy.systems)} systems",
                 [("set", ("systems", i, "tier"), tier) for i in range(len(s.policy.systems))])
    assert s.revision == revision + 1 and len(seen) == 1 and seen[0].op == "group"
    assert _key(s.evaluate().report) == _key(evaluate(s.policy, TODAY))
    s.undo()
    assert _key(s.evaluate().report) == _key(evaluate(s.policy, TODAY))
    s.close()


def test_an_evaluation_finishing_while_a_group_is_half_applied_is_dropped(root):
    s = Session.demo(today=TODAY)
    s.evaluate()
    with s.group("two edits"):
        s.set("systems[0].owner", "dba")
        assert s.evaluate() is None  # the policy is between two consistent states: ask again
    assert s.evaluate() is not None
    s.close()


def test_read_only_refuses_a_group_and_csv_rows_are_read_without_adding(root, tmp_path):
    s = Session.demo(today=TODAY)
    csv = tmp_path / "keys.csv"
    csv.write_text("id,provider,deletion_window_days\nkms-new,aws_kms,30\nkms-bad,aws_kms,ten\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        s.read_table_csv("keys", csv)
    assert [p.line for p in info.value.problems] == [3]
    count = len(s.policy.keys)
    csv.write_text("id,provider,deletion_window_days\nkms-new,aws_kms,30\n", encoding="utf-8")
    rows = s.read_table_csv("keys", csv)
    assert rows.items == [{"id": "kms-new", "provider": "aws_kms", "deletion_window_days": "30"}]
    assert len(s.policy.keys) == count
    s.close()
    ro = Session.open(s.workspace, today=TODAY, read_only=True, lock=False)
    with pytest.raises(EditError, match="read-only"):
        ro.apply_many("x", [("set", "systems[0].owner", "x")])
