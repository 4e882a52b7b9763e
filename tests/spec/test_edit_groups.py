"""Grouped edits: a bulk change is one undo step, one notification, and all or nothing."""

import pytest

from workbench.spec import Policy
from workbench.spec.edit import EditError, Editor


def many(n=40):
    return Editor(Policy.model_validate({
        "tiers": [{"id": "T1", "rpo": "4h"}, {"id": "T2", "rpo": "1d"}],
        "systems": [{"id": f"s{i}", "tier": "T2", "owner": "ops"} for i in range(n)],
    }))


def test_a_bulk_set_is_one_undo_step_and_one_notification():
    ed = many()
    seen = []
    ed.subscribe(seen.append)
    with ed.group("Set tier of 40 systems"):
        for i in range(40):
            ed.set(f"systems[{i}].tier", "T1")
    assert [s.tier for s in ed.policy.systems] == ["T1"] * 40
    assert len(seen) == 1 and seen[0].op == "group" and seen[0].label == "Set tier of 40 systems"
    assert seen[0].path == ("systems",) and len(seen[0].changes) == 40
    undone = ed.undo()
    assert undone is seen[0] and [s.tier for s in ed.policy.systems] == ["T2"] * 40
    assert not ed.can_undo and len(seen) == 2
    ed.redo()
    assert [s.tier for s in ed.policy.systems] == ["T1"] * 40 and len(seen) == 3


def test_a_refused_edit_rolls_the_whole_group_back_and_names_the_item_and_field():
    ed = many(5)
    seen = []
    ed.subscribe(seen.append)
    with pytest.raises(EditError) as info:
        with ed.group("Set kind of 5 systems"):
            ed.set("systems[0].kind", "db")
            ed.set("systems[1].kind", "db")
            ed.set("systems[2].kind", "databse")
    assert info.value.path == "systems[2].kind"
    assert "(system s2)" in str(info.value) and "nothing of \"Set kind of 5 systems\" was changed" in str(info.value)
    assert [s.kind for s in ed.policy.systems] == [None] * 5
    assert not seen and not ed.can_undo and not ed.busy


def test_adds_and_removes_in_a_group_undo_in_reverse_order():
    ed = many(3)
    before = [s.id for s in ed.policy.systems]
    change = ed.apply_many("Import 2 systems and drop one", [
        ("add", "systems", {"id": "new-a", "tier": "T1"}),
        ("add", "systems", {"id": "new-b"}),
        ("remove", "systems[0]"),
    ])
    assert [s.id for s in ed.policy.systems] == ["s1", "s2", "new-a", "new-b"]
    assert change.path == ("systems",) and [c.op for c in change.leaves()] == ["add", "add", "remove"]
    ed.undo()
    assert [s.id for s in ed.policy.systems] == before
    ed.redo()
    assert [s.id for s in ed.policy.systems] == ["s1", "s2", "new-a", "new-b"]


def test_a_failed_add_in_apply_many_adds_nothing():
    ed = many(2)
    with pytest.raises(EditError) as info:
        ed.apply_many("Import", [("add", "systems", {"id": "ok"}), ("add", "systems", {"id": "bad", "kind": "nope"})])
    assert info.value.path == "systems[3].kind" and [s.id for s in ed.policy.systems] == ["s0", "s1"]


def test_groups_across_sections_cover_the_whole_policy_and_empty_groups_record_nothing():
    ed = many(2)
    with ed.group("nothing"):
        pass
    assert not ed.can_undo
    change = ed.apply_many("Two sections", [("set", "tiers[0].rpo", "1h"), ("set", "systems[0].owner", "dba")])
    assert change.path == ()
    with ed.group("one field of one system"):
        ed.set("systems[1].owner", "dba")
    assert ed.undo().path == ("systems", 1, "owner")


def test_nested_groups_are_one_change():
    ed = many(3)
    with ed.group("outer"):
        ed.set("systems[0].owner", "a")
        with ed.group("inner"):
            ed.set("systems[1].owner", "b")
    assert ed.undo().label == "outer" and not ed.can_undo
    assert [s.owner for s in ed.policy.systems] == ["ops"] * 3


def test_the_incremental_evaluator_follows_a_group_like_a_full_evaluation():
    import datetime as dt

    from workbench.rules import evaluate
    from workbench.rules.incremental import Evaluator
    from workbench.templates import new_policy_from_template

    today = dt.date(2026, 6, 30)
    policy = new_policy_from_template("saas-startup", "Acme")
    ed = Editor(policy)
    ev = Evaluator(policy, today)
    ev.attach(ed)
    tier = policy.tiers[-1].id
    ed.apply_many("bulk", [("set", f"systems[{i}].tier", tier) for i in range(len(policy.systems))]
                  + [("set", f"systems[{i}].owner", "nobody") for i in range(0, len(policy.systems), 2)])
    key = lambda r: [(f.rule, f.subject, f.severity, f.message) for f in r.findings]  # noqa: E731
    assert key(ev.report()) == key(evaluate(policy, today))
    ed.undo()
    assert key(ev.report()) == key(evaluate(policy, today))
