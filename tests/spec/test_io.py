"""Loading and saving specs: good files load, bad files say exactly where and why."""

import json
import os
import stat

import pytest

from workbench.spec import Policy, SpecError, dumps, load, loads, save
from workbench.spec.io import parse_path, format_path


def problems(text, fmt="yaml", **kw):
    with pytest.raises(SpecError) as info:
        loads(text, fmt, "client.yaml", **kw)
    return info.value.problems


GOOD = """\
organization:
  name: Acme Ltd
tiers:
  - id: T1
    rpo: 4h
    rto: 1d
systems:
  - id: prod-db
    kind: db
    tier: T1
schedules:
  - id: nightly
    systems: [prod-db]
    interval: daily
    targets: [vault]
targets:
  - id: vault
    region: eu-west-1
"""


def test_good_file_loads_with_durations_parsed():
    p = loads(GOOD)
    assert p.organization.name == "Acme Ltd"
    assert str(p.schedules[0].interval) == "1d"


def test_unknown_is_a_valid_answer_everywhere():
    p = loads("organization:\n  name: unknown\nsystems:\n  - id: a\n    tier: \"?\"\n    kind: tbd\n    size_gb: unknown\n")
    assert p.organization.name is None
    assert p.systems[0].tier is None and p.systems[0].kind is None and p.systems[0].size_gb is None


def test_wrong_type_names_line_field_and_expectation():
    (p,) = problems("systems:\n  - id: a\n    size_gb: lots\n")
    assert (p.line, p.path) == (3, ("systems", 0, "size_gb"))
    assert "number" in p.message and "lots" in p.message
    assert str(p).startswith("client.yaml:3:")


def test_negative_sizes_hours_days_and_percentages_are_refused_at_their_line():
    """A negative restore speed, lock length or key deletion window loaded as valid and fed the rules nonsense."""
    text = GOOD + """\
    restore_throughput_gbph: -200
    immutability:
      days: -30
keys:
  - id: k
    deletion_window_days: -7
"""
    text = text.replace("    kind: db\n", "    kind: db\n    size_gb: -5\n    provisioning_hours: -1\n")
    found = {format_path(p.path): (p.line, p.message) for p in problems(text)}
    assert set(found) == {"systems[0].size_gb", "systems[0].provisioning_hours", "targets[0].restore_throughput_gbph",
                          "targets[0].immutability.days", "keys[0].deletion_window_days"}
    assert all("cannot be negative" in message for path, (_, message) in found.items()
               if path != "targets[0].restore_throughput_gbph")
    # a restore speed of 0 would never finish: more than 0
    assert found["targets[0].restore_throughput_gbph"][1] == "must be more than 0 (got -200)"
    line, message = found["systems[0].size_gb"]
    assert line == text.splitlines().index("    size_gb: -5") + 1 and message.startswith("cannot be negative (got -5")
    assert found["keys[0].deletion_window_days"][0] == text.splitlines().index("    deletion_window_days: -7") + 1
    assert loads(text.replace(": -", ": ")).targets[0].immutability.days == 30  # the same values, not negative: valid


def test_a_tab_indent_is_named_as_a_tab():
    """libyaml says "found character that cannot start any token", which names nothing a person typed."""
    (p,) = problems("organization:\n\tname: Acme\n")
    assert (p.line, p.column) == (2, 1) and "a tab character here" in p.message and "spaces" in p.message


def test_unknown_key_suggests_the_right_one():
    (p,) = problems("systems:\n  - id: a\n    tire: T1\n")
    assert p.line == 3 and "unknown field 'tire'" in p.message and "did you mean 'tier'" in p.message


def test_bad_choice_suggests_the_right_value():
    (p,) = problems("systems:\n  - id: a\n    kind: databse\n")
    assert p.line == 3 and "'databse' is not one of" in p.message


def test_bad_duration_is_reported_at_its_line():
    (p,) = problems("tiers:\n  - id: T1\n    rpo: 1dd\n")
    assert p.line == 3 and p.path == ("tiers", 0, "rpo") and "not a duration" in p.message


def test_vague_duration_loads_and_is_marked():
    p = loads("tiers:\n  - id: T1\n    restore_test_interval: as needed\n")
    assert p.tiers[0].restore_test_interval.vague


def test_bad_date_is_reported_at_its_line():
    (p,) = problems("policy:\n  approved_on: 2025-13-01\n")
    assert p.line == 2 and "'2025-13-01' is not a day of the calendar: there is no month 13" in p.message


def test_all_problems_are_reported_at_once_in_line_order():
    found = problems("systems:\n  - id: a\n    kind: dbb\n    size_gb: x\n  - kind: db\npolicy:\n  approved_on: someday\n")
    assert [p.line for p in found] == sorted(p.line for p in found)
    assert len(found) == 4
    assert any("required field 'id'" in p.message for p in found)


def test_duplicate_ids_are_refused():
    found = problems("systems:\n  - id: a\n  - id: a\n")
    assert found[0].line == 3 and "duplicate id 'a'" in found[0].message


def test_dangling_reference_names_the_field_and_suggests():
    found = problems(GOOD.replace("systems: [prod-db]", "systems: [prod-dbb]"))
    (p,) = found
    assert p.path == ("schedules", 0, "systems", 0)
    assert "'prod-dbb' is not defined in systems" in p.message and "did you mean 'prod-db'" in p.message
    assert p.line == GOOD.splitlines().index("    systems: [prod-db]") + 1


def test_the_suggestion_for_a_dangling_reference_follows_the_ids_defined_now():
    """The nearest id is kept from one check to the next (the app checks after every edit): a system added with
    a nearer id is suggested at the next check, and every use of the dangling name gets the same suggestion."""
    from workbench.spec.refs import reference_problems

    p = loads(GOOD.replace("systems: [prod-db]", "systems: [prod-dbb]"), check_references=False)
    first = [m for _, m in reference_problems(p)]
    assert first == [m for _, m in reference_problems(p)] and "did you mean 'prod-db'" in first[0]
    p.systems.append(p.systems[0].model_copy(update={"id": "prod-dbbb"}))
    again = [m for _, m in reference_problems(p)]
    assert "did you mean 'prod-dbbb'" in again[0]


def test_dangling_reference_can_be_left_to_the_gap_engine():
    p = loads(GOOD.replace("systems: [prod-db]", "systems: [gone]"), check_references=False)
    assert p.schedules[0].systems == ["gone"]


def test_malformed_yaml_gives_line():
    (p,) = problems("systems:\n  - id: a\n   kind: db\n")
    assert p.line == 3 and "not valid YAML" in p.message


def test_yaml_tag_that_would_construct_an_object_is_refused():
    (p,) = problems("organization: !!python/object/apply:os.system ['echo hacked']\n")
    assert p.line == 1 and "not valid YAML" in p.message


def test_duplicate_yaml_key_is_refused_so_nothing_is_silently_lost():
    (p,) = problems("organization:\n  name: A\n  name: B\n")
    assert p.line == 3 and "duplicate key 'name'" in p.message


def test_empty_file_is_refused_clearly():
    (p,) = problems("")
    assert "empty" in p.message
    (p,) = problems("# only a comment\n")
    assert "no data" in p.message


def test_top_level_must_be_a_mapping():
    (p,) = problems("- a\n- b\n")
    assert "mapping" in p.message


def test_json_errors_have_lines_too():
    (p,) = problems('{\n  "systems": [\n    {"id": "a", "tire": "T1"}\n  ]\n}\n', "json")
    assert p.line == 3 and "did you mean 'tier'" in p.message
    (p,) = problems('{\n  "systems": [,]\n}\n', "json")
    assert p.line == 2 and "not valid JSON" in p.message


def test_toml_errors_have_lines_too():
    (p,) = problems('[organization]\nname = "A"\n\n[[systems]]\nid = "a"\ntire = "T1"\n', "toml")
    assert p.line == 6 and "did you mean 'tier'" in p.message
    (p,) = problems('[organization\nname = "A"\n', "toml")
    assert p.line == 1 and "not valid TOML" in p.message


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(SpecError, match="no such file"):
        load(tmp_path / "missing.yaml")
    with pytest.raises(SpecError, match="use .yaml"):
        load(tmp_path / "spec.txt")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("organization:\n  name: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(SpecError, match="not UTF-8") as info:
        load(bad)
    assert info.value.problems[0].line == 2


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    p = loads(GOOD)
    target = tmp_path / "client.yaml"
    target.write_text("old content")
    save(p, target)
    assert load(target) == p
    assert [f.name for f in tmp_path.iterdir()] == ["client.yaml"]


def test_interrupted_save_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "client.yaml"
    save(loads(GOOD), target)
    before = target.read_text()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save(loads(GOOD.replace("Acme Ltd", "Changed")), target)
    assert target.read_text() == before
    assert [f.name for f in tmp_path.iterdir()] == ["client.yaml"]


def test_saved_yaml_uses_canonical_durations_and_omits_unknowns():
    text = dumps(loads(GOOD.replace("interval: daily", "interval: P1D")))
    assert "interval: 1d" in text
    assert "null" not in text


def test_paths_format_and_parse_both_ways():
    assert format_path(("systems", 2, "tier")) == "systems[2].tier"
    assert parse_path("systems[2].tier") == ("systems", 2, "tier")
    assert parse_path("monitoring.alerts[0].systems[1]") == ("monitoring", "alerts", 0, "systems", 1)


def test_save_keeps_the_files_permissions(tmp_path, monkeypatch):
    target = tmp_path / "client.yaml"
    save(loads(GOOD), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600, "a client's policy is owner-only unless asked otherwise"
    monkeypatch.setenv("WORKBENCH_SHARED_FILES", "1")
    shared = tmp_path / "shared.yaml"
    save(loads(GOOD), shared)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o666 & ~umask
    os.chmod(target, 0o640)
    save(loads(GOOD), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_save_onto_a_symlink_replaces_the_link_and_leaves_its_target_alone(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.chmod(victim, 0o644)
    link = tmp_path / "client.yaml"
    link.symlink_to(victim)
    save(loads(GOOD), link)
    assert victim.read_text() == "precious"
    assert not link.is_symlink() and stat.S_IMODE(link.stat().st_mode) == 0o600


def test_duplicate_json_key_on_one_line_says_where_the_second_one_is():
    """A reviewer's one-line JSON with two 'name' keys was refused with no line: now line and column of the second."""
    (p,) = problems('{"organization": {"name": "A", "name": "B"}}', "json")
    assert (p.line, p.column) == (1, 32) and "duplicate key 'name'" in p.message
    (p,) = problems('{"organization":\n {"name": "A",\n  "name": "B"}}', "json")
    assert (p.line, p.column) == (3, 3)
