"""Clean starters (`workbench new --org/--it/--template/--blank`): defaults and open questions, nothing of an example client."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from workbench.cli import main
from workbench.spec import load, loads
from workbench.spec.edit import Editor
from workbench.spec.followups import field_answered
from workbench.spec.io import SpecError
from workbench.starters import (
    SECTION_COMMENTS, UnknownProfile, blank_policy, build_starter, it_models, organizations, parse_profile,
    starter_text,
)
from workbench.templates import list_templates, load_template

ORGS = [o.name for o in organizations()]
ITS = [i.name for i in it_models()]
COMBOS = [(o, i) for o in ORGS for i in ITS]


def test_both_axes_are_there():
    assert ORGS == ["saas", "healthcare", "financial", "general"]
    assert ITS == ["inhouse", "msp", "paas"]
    for axis in organizations() + it_models():
        assert axis.title and len(axis.description) > 60


def _example_words() -> set[str]:
    """Names, people and e-mail addresses of the full example clients."""
    words: set[str] = set()
    for name, *_ in list_templates():
        ex = load_template(name)
        words.add(ex.organization.name)
        for person in (ex.policy.owner, ex.policy.approver):
            if person and person.name:
                words.add(person.name)
        words.update(p.name for p in ex.principals if p.name and p.type == "human")
        words.update(v.name for v in ex.vendors if v.name)
    return {w for w in words if w}


@pytest.mark.parametrize("org,it", COMBOS)
def test_starter_holds_defaults_and_questions_but_nothing_of_an_example(org, it):
    policy = build_starter(org, it, "Bright Smile Dental")
    text = starter_text(policy)
    assert loads(text) == policy  # the commented file reads back as the same policy
    assert policy.organization.name == "Bright Smile Dental"
    assert policy.tiers and policy.systems and policy.schedules and policy.targets and policy.roles
    assert policy.monitoring.alerts and policy.evidence.sources
    # no people, addresses, dates or records
    assert "@" not in text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), "a starter carries no dates"
    assert not (policy.principals or policy.restore_tests or policy.dr_exercises or policy.revisions
                or policy.exceptions or policy.legal_holds)
    assert all(r.members == [] for r in policy.roles)
    assert policy.policy.owner is None and policy.policy.approver is None and policy.policy.approved_on is None
    for word in _example_words():
        assert word not in text, f"example-specific name {word!r} in the {org}-{it} starter"
    # the questions are left open, each pointing at a field that exists and is not answered yet
    assert len(policy.follow_ups) >= 8
    editor = Editor(policy)
    for fu in policy.follow_ups:
        assert fu.status == "open" and fu.owner is None and fu.due is None and fu.field
        editor.get(fu.field)  # a field that exists (an unknown path raises)
        assert not field_answered(policy, fu), f"{fu.field} is already answered: the question would close at once"


@pytest.mark.parametrize("org,it", COMBOS)
def test_starter_needs_no_impossible_fix(org, it):
    """A starter's defaults agree with each other: the open findings are questions and missing records,
    not a schedule that cannot meet its own tier."""
    from workbench.rules import evaluate

    report = evaluate(build_starter(org, it), dt.date(2026, 6, 30))
    contradictions = {f.rule for f in report.open if f.kind not in ("unanswered", "question") and f.rule in {"FREQ-001", "MON-001", "MON-002"}}
    assert contradictions == set()


def test_each_section_of_the_file_carries_a_one_line_comment():
    text = starter_text(build_starter("healthcare", "msp"))
    lines = text.splitlines()
    for i, line in enumerate(lines):
        key = re.match(r"^([a-z_]+):", line)
        if key:
            assert lines[i - 1] == f"# {SECTION_COMMENTS[key.group(1)]}", key.group(1)


def test_the_healthcare_msp_starter_asks_what_a_dental_group_must_answer():
    policy = build_starter("dental", "managed")  # aliases people use
    assert "hipaa" in policy.engagement.frameworks
    assert any(v.service == "msp" for v in policy.vendors)
    assert all(t.vendor == "msp" for t in policy.targets)
    ehr = next(s for s in policy.systems if s.id == "ehr")
    assert ehr.provider is None  # asked, not assumed: hosted by the EHR vendor or on the practice's server?
    asked = {fu.field for fu in policy.follow_ups}
    assert f"systems[{policy.systems.index(ehr)}].provider" in asked
    assert "vendors[0].soc2_type2_report_date" in asked


def test_profiles_and_their_aliases():
    assert parse_profile("healthcare-msp") == ("healthcare", "msp")
    assert parse_profile("healthcare") == ("healthcare", "inhouse")
    assert parse_profile("Healthcare-MSP.yaml") == ("healthcare", "msp")
    assert parse_profile("fintech-cloud") == ("financial", "paas")
    assert parse_profile("msp-small-business") == ("general", "msp")  # an example's name gives its clean kind
    with pytest.raises(UnknownProfile, match="did you mean 'healthcare'"):
        build_starter("helthcare", "msp")
    with pytest.raises(UnknownProfile, match="--it takes one of: inhouse, msp, paas"):
        build_starter("saas", "mainframe")


def test_blank_is_only_the_skeleton():
    text = starter_text(blank_policy("Acme"), skeleton=True)
    policy = loads(text)
    assert policy.organization.name == "Acme"
    assert not (policy.systems or policy.tiers or policy.follow_ups)
    for section in ("systems:", "tiers:", "targets:", "roles:", "follow_ups:"):
        assert f"\n{section}" in text


def test_new_command_writes_each_kind_of_start(tmp_path, capsys):
    out = tmp_path / "client.yaml"
    assert main(["new", "--org", "healthcare", "--it", "msp", "--organization", "Bright Smile Dental",
                 "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Backup and recovery policy of Bright Smile Dental")
    assert load(out).organization.name == "Bright Smile Dental"
    assert main(["new", "--template", "msp-small-business", "-o", str(out), "--force"]) == 0
    assert "Bluebird" not in out.read_text()
    assert main(["new", "--example", "msp-small-business", "-o", str(out), "--force"]) == 0
    assert "Bluebird Freight" in out.read_text()
    assert main(["new", "--blank", "-o", str(tmp_path / "b.toml")]) == 0
    assert load(tmp_path / "b.toml").systems == []
    capsys.readouterr()
    assert main(["new", "-o", str(tmp_path / "x.yaml")]) == 2
    assert "say what to start from" in capsys.readouterr().err
    assert main(["new", "--blank", "--org", "saas", "-o", str(tmp_path / "x.yaml")]) == 2
    assert main(["new", "--org", "helthcare", "-o", str(tmp_path / "x.yaml")]) == 2
    assert "did you mean 'healthcare'" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()


def test_templates_lists_both_axes_and_the_examples(capsys):
    assert main(["templates"]) == 0
    text = capsys.readouterr().out
    assert "What the organization is (--org):" in text and "How its IT is run (--it):" in text
    assert "healthcare-msp" in text and "msp-small-business" in text


@pytest.mark.parametrize("word,field,meant", [
    ("nas", "kind", "fileshare"), ("O365", "kind", "saas"), ("SharePoint", "kind", "saas"),
    ("ePHI", "data_classes", "phi"), ("HIPAA", "data_classes", "phi"), ("HIPAA", "regulatory_tags", "hipaa"),
    ("Production", "environment", "prod"),
])
def test_enum_values_suggest_the_value_a_synonym_means(word, field, meant):
    value = f"[{word}]" if field in ("data_classes", "regulatory_tags") else word
    with pytest.raises(SpecError) as err:
        loads(f"systems:\n  - id: a\n    {field}: {value}\n", source="client.yaml")
    (problem,) = err.value.problems
    assert problem.line == 3 and str(problem).startswith("client.yaml:3:")
    assert f"did you mean {meant!r}?" in problem.message


@pytest.mark.parametrize("word,field,meant", [
    ("tape", "storage_class", "tape_offsite"), ("Glacier", "storage_class", "glacier_flexible"),
    ("NAS", "media", "disk"),
])
def test_target_values_suggest_from_synonyms(word, field, meant):
    with pytest.raises(SpecError, match=f"did you mean {meant!r}"):
        loads(f"targets:\n  - id: t\n    {field}: {word}\n")
