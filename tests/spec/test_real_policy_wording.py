"""What real policies say, said in the spec (issue 12 §5): unknown lists, counts in words, several media,
retention from an event, provider-run controls, restore-test cadence per system or schedule, policy-wide
defaults, and the duration words real policies use."""

import pytest

from workbench.spec import dumps, loads
from workbench.spec.durations import Duration, ambiguity
from workbench.spec.edit import Editor
from workbench.spec.model import CopyCount

BASE = """\
organization: {name: Acme}
roles:
  - id: backup-admin
    permissions: [configure, restore]
    members: unknown
  - id: auditors
    permissions: [read]
    members: []
keys:
  - id: k1
    admins: tbd
    replicas: []
"""


def test_a_list_written_unknown_is_unanswered_not_empty():
    p = loads(BASE)
    assert p.roles[0].members is None          # not answered yet
    assert p.roles[1].members == []            # answered: nobody
    assert p.keys[0].admins is None and p.keys[0].replicas == []
    assert loads("roles: [{id: r}]").roles[0].members == []  # left out: as before, an empty list


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_an_unanswered_list_survives_saving_in_every_format(fmt):
    p = loads(BASE)
    again = loads(dumps(p, fmt), fmt)
    assert again.roles[0].members is None and again.roles[1].members == []
    assert again.keys[0].admins is None


def test_the_editor_answers_an_unanswered_list_by_adding_to_it_and_can_set_it_back_to_unknown():
    ed = Editor(loads(BASE))
    ed.add("roles[0].members", "u-alice")
    assert ed.get("roles[0].members") == ["u-alice"]
    ed.set("roles[0].members", "unknown")
    assert ed.get("roles[0].members") is None
    ed.undo()
    assert ed.get("roles[0].members") == ["u-alice"]
    # a selecting list cannot be "not answered": clearing it empties it
    ed2 = Editor(loads("schedules: [{id: s, targets: [t]}]\ntargets: [{id: t}]"))
    ed2.set("schedules[0].targets", None)
    assert ed2.get("schedules[0].targets") == []


@pytest.mark.parametrize("written, n, text", [(2, 2, None), ("two", 2, None), ("3", 3, None),
                                              ("multiple", 2, "multiple"), ("Several", 2, "Several"),
                                              ("more than one", 2, "more than one")])
def test_a_count_of_copies_may_be_written_in_words_and_counts_as_its_lower_bound(written, n, text):
    p = loads(f"tiers: [{{id: T1, min_backup_copies: {written}}}]")
    c = p.tiers[0].min_backup_copies
    assert isinstance(c, CopyCount) and c == n and c.text == text
    assert loads(dumps(p)).tiers[0].min_backup_copies.text == text  # written back as it was
    assert ("multiple" in dumps(p)) == (text == "multiple")


def test_a_count_that_is_not_a_count_is_refused_with_the_forms_accepted():
    from workbench.spec import SpecError
    with pytest.raises(SpecError, match="not a number of copies"):
        loads("tiers: [{id: T1, min_backup_copies: plenty}]")


def test_a_target_may_keep_its_copy_on_more_than_one_medium():
    p = loads("targets: [{id: lib, media: [disk, tape]}]")
    t = p.targets[0]
    assert t.media == "disk" and t.other_media == ["tape"] and t.all_media() == ("disk", "tape")
    assert loads(dumps(p)).targets[0].all_media() == ("disk", "tape")


def test_new_answers_load_and_round_trip():
    text = """\
policy:
  restore_test_interval: quarterly
  restore_test_method: sample
  full_restore_interval: annually
  require_immutable: true
  min_backup_copies: multiple
  restore_authorized_by: system owner
  former_employee_restore: HR with Legal
systems:
  - {id: db, restore_test_interval: monthly, restore_test_method: automated,
     exclusion: {reason: synced, data_kept_in: fs}}
  - {id: fs}
vendors: [{id: paas}]
schedules:
  - {id: s, systems: [db], performed_by: paas, restore_test_interval: 1w, restore_test_method: full_application}
targets:
  - id: t
    managed_by: paas
    transfer: {encrypted: true}
    immutability: {enabled: true}
    retention: {max: 3y, counted_from: end of contract}
revisions: [{version: "2.0", weakens: ["target t: retention.max 7y → 3y"], reason: contract change}]
"""
    p = loads(text)
    assert p.policy.restore_test_method == "sample" and p.policy.min_backup_copies.text == "multiple"
    assert p.schedules[0].performed_by == "paas" and p.targets[0].managed_by == "paas"
    assert p.targets[0].transfer.encrypted is True and p.targets[0].immutability.enabled is True
    assert p.targets[0].retention.counted_from == "end of contract"
    assert p.systems[0].exclusion.data_kept_in == "fs"
    assert loads(dumps(p)).model_dump() == p.model_dump()


def test_references_from_new_fields_are_checked():
    from workbench.spec import SpecError
    with pytest.raises(SpecError) as info:
        loads("schedules: [{id: s, performed_by: nobody}]\ntargets: [{id: t, managed_by: ghost}]\n"
              "systems: [{id: a, exclusion: {reason: x, data_kept_in: nowhere}}]")
    text = str(info.value)
    assert "nobody" in text and "ghost" in text and "nowhere" in text


@pytest.mark.parametrize("word", ["bi-annual", "biannual", "bi-annually", "Biannually"])
def test_bi_annual_is_ambiguous_kept_verbatim_and_names_both_readings(word):
    d = Duration.parse(word)
    assert d.vague and d.text == word
    assert ambiguity(word) == "twice a year or every two years"


@pytest.mark.parametrize("text, canonical, written", [
    ("every Monday and Thursday", "4d", "every Monday and Thursday"),
    ("Mondays and Thursdays", "4d", "every Monday and Thursday"),
    ("every business day", "3d", "every business day"), ("each working day", "3d", "every working day"),
    ("weekdays", "3d", "every weekday"), ("Monday to Friday", "3d", "every Monday to Friday"),
    ("mon-fri", "3d", "every Mon-Fri"), ("every Monday, Wednesday and Friday", "3d", "every Monday, Wednesday and Friday"),
    ("every Sunday", "1w", "every Sunday"), ("on Tuesdays", "1w", "every Tuesday"),
])
def test_named_weekdays_and_business_days_are_the_longest_gap_between_runs(text, canonical, written):
    """The rules read the longest gap; the file and the documents keep the days as the policy names them (a
    schedule "every business day" was written back, and into the policy, as "every 3 days")."""
    d = Duration.parse(text)
    assert not d.vague and d.canonical() == canonical and d == Duration.parse(canonical)
    assert str(d) == written and Duration.parse(written) == d and str(Duration.parse(written)) == written
    assert hash(d) == hash(Duration.parse(canonical))
    assert f"runs every {d}" == f"runs {written}"  # the rules' messages say "every {interval}"


@pytest.mark.parametrize("text", ["Saturday night", "Saturday", "2 business days", "Next business day"])
def test_a_day_that_names_no_cadence_stays_vague(text):
    assert Duration.parse(text).vague
