"""Opening a spec with its unreadable values set aside (workbench.spec.salvage): nothing the file said is lost."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from workbench.spec.io import SpecError
from workbench.spec.salvage import load_setting_aside
from workbench.templates import load_template

DAY = dt.date(2026, 12, 4)


def _write(tmp_path, data, name="spec.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _starter():
    return load_template("fintech-sox-pci").model_dump(mode="json", exclude_none=True)


def test_a_clean_file_opens_as_it_is(tmp_path):
    policy, aside = load_setting_aside(_write(tmp_path, _starter()), DAY)
    assert aside == [] and not [f for f in policy.follow_ups if f.id and f.id.startswith("fu-opened")]


def test_a_list_item_taken_out_moves_the_later_items_follow_up_to_their_new_place(tmp_path):
    data = _starter()
    tests = data["restore_tests"]
    assert len(tests) >= 3
    del tests[1]["system"]                      # taken out whole
    tests[2]["date"] = "2026-02-30"             # after it: restore_tests[1] once the other is out
    policy, aside = load_setting_aside(_write(tmp_path, data), DAY)
    by_field = {f.field: f for f in policy.follow_ups if f.id.startswith("fu-opened")}
    assert "restore_tests[1].date" in by_field and "February 2026 has 28 days" in by_field["restore_tests[1].date"].question
    assert policy.restore_tests[1].id == tests[2]["id"] and policy.restore_tests[1].date is None
    whole = by_field[None]
    assert tests[1]["id"] in whole.note and "spec.yaml:" in whole.question


def test_a_bad_entry_of_a_list_is_taken_out_alone_and_named_at_its_list(tmp_path):
    data = _starter()
    role = data["roles"][0]
    role["permissions"] = list(role.get("permissions", [])) + ["delete_everything"]
    policy, aside = load_setting_aside(_write(tmp_path, data), DAY)
    (f,) = [f for f in policy.follow_ups if f.id.startswith("fu-opened")]
    assert f.field == "roles[0].permissions" and '"delete_everything"' in f.question
    assert policy.roles[0].permissions == [p for p in role["permissions"] if p != "delete_everything"]


def test_a_character_no_output_can_show_is_set_aside_escaped(tmp_path):
    data = _starter()
    data["systems"][0]["name"] = "evil\u202etxt.exe"
    policy, aside = load_setting_aside(_write(tmp_path, data), DAY)
    (f,) = [f for f in policy.follow_ups if f.id.startswith("fu-opened")]
    assert f.field == "systems[0].name" and "\\u202e" in f.note and "\u202e" not in f.note
    assert policy.systems[0].name is None


def test_what_cannot_be_set_aside_is_refused_as_load_refuses_it(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("organization: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_setting_aside(path, DAY)
    listed = tmp_path / "list.yaml"
    listed.write_text("- systems: []\n", encoding="utf-8")
    with pytest.raises(SpecError, match="top level must be a mapping"):
        load_setting_aside(listed, DAY)


def test_a_field_holding_a_mapping_is_set_aside_alone_not_its_system(tmp_path):
    """'data_classes: {primary: phi}' took the whole system out of the inventory."""
    data = _starter()
    data["systems"][0]["data_classes"] = {"primary": "phi"}
    policy, aside = load_setting_aside(_write(tmp_path, data), DAY)
    assert len(policy.systems) == len(data["systems"]) and policy.systems[0].data_classes == []
    (f,) = [f for f in policy.follow_ups if f.id.startswith("fu-opened")]
    assert f.field == "systems[0].data_classes" and '{"primary": "phi"}' in f.question


def test_bad_entries_of_one_list_are_one_follow_up_at_that_question_in_the_file_s_order(tmp_path):
    """Two unknown permissions of one role: the question showed only the first follow-up."""
    data = _starter()
    data["roles"][0]["permissions"] = ["restore", "delete_all", "read_only"]
    policy, aside = load_setting_aside(_write(tmp_path, data), DAY)
    (f,) = [f for f in policy.follow_ups if f.id.startswith("fu-opened")]
    assert f.field == "roles[0].permissions" and policy.roles[0].permissions == ["restore"]
    assert f.question.index('"delete_all"') < f.question.index('"read_only"') and "2 entries" in f.question


def test_a_misspelt_field_is_asked_at_the_field_it_most_likely_is(tmp_path):
    data = _starter()
    data["systems"][0]["enviroment"] = data["systems"][0].pop("environment", "prod")
    policy, aside = load_setting_aside(_write(tmp_path, data), DAY)
    (f,) = [f for f in policy.follow_ups if f.id.startswith("fu-opened")]
    assert f.field == "systems[0].environment" and "a field the spec does not have" in f.question


def test_unknown_answers_are_unanswered_not_set_aside(tmp_path):
    data = _starter()
    data["roles"][0]["members"] = "unknown"
    policy, aside = load_setting_aside(_write(tmp_path, data), DAY)
    assert aside == [] and policy.roles[0].members in (None, [])
