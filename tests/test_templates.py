"""Company-profile starters: each one loads, validates, describes itself and shows the gaps it says it shows."""

from __future__ import annotations

import datetime as dt

import pytest

from workbench.resources import profiles_dir
from workbench.spec import dumps, load, loads
from workbench.templates import (
    UnknownTemplate, list_templates, load_template, new_policy_from_template, template_path,
)

EXPECTED = {"saas-startup", "msp-small-business", "healthcare-hipaa", "fintech-sox-pci"}
NAMES = sorted(name for name, _, _ in list_templates())
AS_OF = dt.date(2026, 6, 30)


def test_the_four_company_profiles_are_installed():
    assert EXPECTED <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_template_loads_and_validates_with_references(name):
    policy = load(template_path(name))  # the loader checks ids and references by default
    assert policy.as_of is None, "a starter must not pin the evaluation date"
    assert 10 <= len(policy.systems) <= 25
    assert policy.tiers and policy.schedules and policy.targets and policy.roles and policy.principals
    assert policy.monitoring.alerts and policy.restore_tests and policy.dr_exercises
    assert policy.follow_ups, "a starter shows what an interview leaves open"
    for fu in policy.follow_ups:
        assert fu.question and fu.field and fu.owner and fu.due


@pytest.mark.parametrize("name", NAMES)
def test_template_has_a_title_and_a_description_naming_its_gaps(name):
    listed = {n: (t, d) for n, t, d in list_templates()}
    title, description = listed[name]
    assert title and title != name
    assert len(description) > 200 and "\n" not in description
    info = load_template(name).template
    assert info is not None and info.title == title
    assert info.shows_gaps, "the description says which gaps the template shows on purpose"
    for rule_id in info.shows_gaps:
        assert f"({rule_id}" in description or f"{rule_id})" in description or rule_id in description, rule_id


@pytest.mark.parametrize("name", NAMES)
def test_template_file_starts_with_comments(name):
    text = template_path(name).read_text(encoding="utf-8")
    assert text.startswith("#")


@pytest.mark.parametrize("name", NAMES)
def test_findings_on_the_template_are_the_ones_its_description_names(name):
    """The gap panel on a fresh starter shows exactly the deliberate gaps (as of 2026-06-30)."""
    from workbench.rules import evaluate

    policy = load_template(name)
    # a finding that stands for another rule's finding of the same cause shows that rule too (Finding.rules)
    shown = {rid for f in evaluate(policy, AS_OF).open for rid in f.rules}
    promised = set(policy.template.shows_gaps)
    assert promised - shown == set(), f"described but not reported: {sorted(promised - shown)}"
    assert shown - promised == set(), (
        f"reported but not described: {sorted(shown - promised)}; fix the template or name the gap in its description"
    )


def test_unknown_template_name_gives_a_clear_error_with_a_suggestion():
    with pytest.raises(UnknownTemplate) as err:
        load_template("sass-startup")
    message = str(err.value)
    assert "unknown template 'sass-startup'" in message
    assert "did you mean 'saas-startup'?" in message
    for name in EXPECTED:
        assert name in message
    assert isinstance(err.value, LookupError)


def test_a_partial_name_suggests_the_template():
    with pytest.raises(UnknownTemplate, match="did you mean 'healthcare-hipaa'"):
        new_policy_from_template("healthcare")


def test_template_may_be_named_with_its_extension():
    assert load_template("fintech-sox-pci.yaml").organization.name == load_template("fintech-sox-pci").organization.name


def test_new_policy_from_template_is_fresh_and_renamed():
    starter = load_template("saas-startup")
    old_name = starter.organization.name
    policy = new_policy_from_template("saas-startup", organization_name="Acme Widgets Ltd")
    assert policy.organization.name == "Acme Widgets Ltd"
    assert old_name not in (policy.policy.purpose or "")
    assert "Acme Widgets Ltd" in policy.policy.purpose
    assert policy.template is None
    assert policy.revisions == []
    assert policy.policy.approved_on is None
    # unknowns stay unknown, and the interview's open questions come along
    warehouse = next(s for s in policy.systems if s.id == "warehouse")
    assert warehouse.size_gb is None
    assert len(policy.follow_ups) == len(starter.follow_ups)
    # everything else is the starter's content
    assert [s.id for s in policy.systems] == [s.id for s in starter.systems]
    assert policy.tiers == starter.tiers
    # and it is a valid spec on its own, with its references intact
    again = loads(dumps(policy))
    assert again == policy


def test_new_policy_without_a_name_keeps_the_example_organization():
    policy = new_policy_from_template("msp-small-business")
    assert policy.organization.name == load_template("msp-small-business").organization.name
    assert policy.template is None


def test_each_new_policy_is_a_separate_object():
    a = new_policy_from_template("fintech-sox-pci")
    b = new_policy_from_template("fintech-sox-pci")
    a.systems[0].owner = "someone-else"
    assert b.systems[0].owner != "someone-else"


def test_templates_folder_can_be_overridden(tmp_path, monkeypatch):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "tiny.yaml").write_text(
        "# a starter\ntemplate:\n  title: Tiny\n  description: A tiny starter.\norganization: {name: Example Co}\n"
    )
    (profiles / "broken.yaml").write_text("template: [unclosed\n")
    (profiles / "notes.txt").write_text("not a template")
    monkeypatch.setenv("WORKBENCH_TEMPLATES", str(tmp_path))
    assert profiles_dir() == profiles
    assert list_templates() == [("broken", "broken", ""), ("tiny", "Tiny", "A tiny starter.")]
    assert new_policy_from_template("tiny", "Other Co").organization.name == "Other Co"
