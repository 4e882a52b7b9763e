"""The one edit API: validated edits, untouched policy on refusal, undo and redo."""

import pytest

from workbench.spec import Policy
from workbench.spec.durations import Duration
from workbench.spec.edit import EditError, Editor


def editor():
    return Editor(Policy.model_validate({"tiers": [{"id": "T1", "rpo": "4h"}], "systems": [{"id": "db", "tier": "T1"}]}))


def test_set_parses_durations_and_notifies():
    seen = []
    ed = editor()
    ed.subscribe(seen.append)
    ed.set("tiers[0].rpo", "15m")
    assert ed.policy.tiers[0].rpo == Duration.of("15m")
    assert seen[0].path == ("tiers", 0, "rpo") and str(seen[0].before) == "4h"


def test_refused_value_names_the_field_and_changes_nothing():
    ed = editor()
    with pytest.raises(EditError) as info:
        ed.set("systems[0].kind", "databse")
    assert info.value.path == "systems[0].kind" and "'databse' is not one of" in str(info.value)
    assert ed.policy.systems[0].kind is None
    with pytest.raises(EditError, match="not a duration"):
        ed.set("tiers[0].rpo", "1dd")
    assert str(ed.policy.tiers[0].rpo) == "4h"
    assert not ed.can_undo


def test_a_negative_tier_rank_is_refused_at_the_field():
    """A rank below 0 read as more critical than T0 and lowered the tier's blockers to major."""
    ed = editor()
    with pytest.raises(EditError) as info:
        ed.set("tiers[0].rank", -1)
    assert info.value.path == "tiers[0].rank" and "cannot be negative (0 is the most critical)" in str(info.value)
    assert ed.policy.tiers[0].rank is None
    ed.set("tiers[0].rank", 0)
    assert ed.policy.tiers[0].rank == 0


def test_a_negative_size_or_percentage_is_refused_at_the_field():
    ed = editor()
    with pytest.raises(EditError, match="cannot be negative"):
        ed.set("systems[0].size_gb", -5)
    assert ed.policy.systems[0].size_gb is None and not ed.can_undo
    ed.set("systems[0].size_gb", 0)
    assert ed.policy.systems[0].size_gb == 0


def test_unknown_clears_an_answer():
    ed = editor()
    ed.set("tiers[0].rpo", "unknown")
    assert ed.policy.tiers[0].rpo is None


def test_add_and_remove_items_with_validation():
    ed = editor()
    ed.add("systems", {"id": "crm", "kind": "saas", "rpo": "1d"})
    assert ed.policy.systems[1].rpo == Duration.of("1d")
    with pytest.raises(EditError, match=r"systems\.kind|kind"):
        ed.add("systems", {"id": "x", "kind": "nope"})
    ed.remove("systems[0]")
    assert [s.id for s in ed.policy.systems] == ["crm"]


def test_undo_and_redo_walk_the_history():
    ed = editor()
    ed.set("tiers[0].rpo", "1h")
    ed.add("systems", {"id": "crm"})
    ed.remove("systems[0]")
    ed.undo()
    ed.undo()
    ed.undo()
    assert str(ed.policy.tiers[0].rpo) == "4h" and [s.id for s in ed.policy.systems] == ["db"]
    ed.redo()
    ed.redo()
    assert str(ed.policy.tiers[0].rpo) == "1h" and [s.id for s in ed.policy.systems] == ["db", "crm"]
    ed.set("organization.name", "Acme")
    assert not ed.can_redo


def test_bad_paths_are_refused_clearly():
    ed = editor()
    with pytest.raises(EditError, match="no such field"):
        ed.set("systems[0].tire", "T1")
    with pytest.raises(EditError, match="no such item"):
        ed.remove("systems[9]")


def test_a_findings_path_into_an_unanswered_section_reads_as_unanswered_and_can_be_answered():
    """ENC-001 points at targets[0].encryption.at_rest even when the target has no encryption section yet."""
    seen = []
    ed = Editor(Policy.model_validate({"targets": [{"id": "vault"}]}))
    ed.subscribe(seen.append)
    assert ed.get("targets[0].encryption.at_rest") is None
    change = ed.set("targets[0].encryption.at_rest", True)
    assert ed.policy.targets[0].encryption.at_rest is True
    assert change.path == ("targets", 0, "encryption") and change.before is None and len(seen) == 1
    ed.undo()
    assert ed.policy.targets[0].encryption is None
    ed.redo()
    assert ed.policy.targets[0].encryption.at_rest is True


def test_a_refused_answer_inside_an_unanswered_section_changes_nothing():
    ed = Editor(Policy.model_validate({"targets": [{"id": "vault"}]}))
    with pytest.raises(EditError) as info:
        ed.set("targets[0].immutability.mode", "forever")
    assert "immutability" in info.value.path and "'forever' is not one of" in str(info.value)
    assert ed.policy.targets[0].immutability is None and not ed.can_undo
    assert ed.set("targets[0].immutability.mode", "unknown").before is None  # clearing nothing is a no-op
    assert ed.policy.targets[0].immutability is None and not ed.can_undo


def test_paths_that_do_not_exist_are_edit_errors_not_crashes():
    ed = editor()
    for bad in ("systems[7].tier", "systems[0].colour", "tiers[0].rpo.months"):
        with pytest.raises(EditError):
            ed.get(bad)
    with pytest.raises(EditError, match="no such"):
        ed.set("systems[7].tier", "T1")


def test_control_characters_are_refused_at_the_field_and_nothing_else_changes():
    editor = Editor(Policy())
    editor.set("organization.name", "Acme")
    with pytest.raises(EditError, match=r"organization\.name: holds a control character \(ESC"):
        editor.set("organization.name", "Ac\x1b[31mme")
    with pytest.raises(EditError, match=r"systems\[0\]\.description: holds a lone surrogate"):
        editor.add("systems", {"id": "db", "description": "bad \ud800"})
    assert editor.policy.organization.name == "Acme" and editor.policy.systems == []


@pytest.mark.parametrize("typed, shown", [
    ("3 Dec 2026", "here 2026-12-03"),             # a month named: the date it means, ready to type
    ("December 3, 2026", "here 2026-12-03"),
    ("03/12/2026", "e.g. 2026-07-15"),             # March or December depends on the country: no guess
    ("yesterday", "e.g. 2026-07-15"),
])
def test_a_date_written_another_way_is_refused_with_the_date_to_write(typed, shown):
    ed = editor()
    with pytest.raises(EditError) as info:
        ed.set("policy.approved_on", typed)
    assert "write it as YYYY-MM-DD" in str(info.value) and str(info.value).endswith(shown)
    assert ed.policy.policy.approved_on is None
