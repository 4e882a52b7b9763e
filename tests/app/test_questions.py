"""The interview as data: questions.yaml against the spec model and the gap rules (no Textual)."""

from __future__ import annotations

import datetime as dt
import re
import typing
from pathlib import Path

import pytest

from workbench.app import questions as Q
from workbench.app.questions import (
    QuestionsError, field_type, is_answered, literal_values, load_questions, next_question, parse_answer,
    parse_questions, progress, step_for_path, step_state,
)
from workbench.rules import evaluate
from workbench.spec.edit import Editor
from workbench.spec.model import Policy
from workbench.templates import load_template

TODAY = dt.date(2026, 12, 3)
STARTERS = ("saas-startup", "healthcare-hipaa", "fintech-sox-pci", "msp-small-business")
STEP_ORDER = ["organization", "tiers", "systems", "schedules", "copies", "keys", "access", "testing",
              "monitoring", "governance"]


@pytest.fixture(scope="module")
def interview():
    return load_questions()


# ----------------------------------------------------------------------------
# The file itself
# ----------------------------------------------------------------------------
def test_the_shipped_file_loads_with_its_steps_in_the_interview_order(interview):
    ids = [s.id for s in interview.steps]
    assert ids == STEP_ORDER[: len(ids)]
    assert all(s.title and s.intro for s in interview.steps)
    assert len({q.id for q in interview}) == len(interview)


def test_every_path_resolves_against_the_spec_model(interview):
    for q in interview:
        t, is_list = field_type(q.path)  # raises on a path the model does not have
        assert q.many == is_list, q.id
        if q.ref:
            field_type(q.ref)


def test_every_choice_value_is_legal_for_its_field_and_every_legal_value_is_offered(interview):
    for q in interview:
        if q.kind not in ("choice", "multi_choice"):
            continue
        legal = literal_values(q.path)
        assert legal is not None, f"{q.id}: {q.path} is not a closed vocabulary"
        assert [c.value for c in q.choices] == list(legal), q.id
        assert all(c.label.strip() and c.label != c.value or len(c.value) <= 2 for c in q.choices), q.id


def test_choice_values_are_checked_against_the_model_when_loading():
    bad = _one_question("""
        - id: q-bad
          path: engagement.soc2_type
          text: Which report?
          kind: choice
          choices: [{value: III, label: Type three}]
          help: {what: a, why: b, evidence: c, example: III}
    """)
    # the loader does not know the literals; the test above is what keeps the YAML honest, and the Editor refuses
    editor = Editor(Policy())
    q = bad.questions[0]
    with pytest.raises(Exception):
        editor.set(q.path, q.choices[0].value)


def test_every_question_has_all_four_help_parts_in_plain_words(interview):
    for q in interview:
        for part in Q.HELP_PARTS:
            text = getattr(q.help, part)
            assert text.strip(), (q.id, part)
            low = text.lower()
            assert not any(re.search(rf"\b{re.escape(w)}\b", low) for w in Q.PLACEHOLDER_WORDS), (q.id, part, text)
            assert "..." not in text and "<" not in text, (q.id, part, text)
        assert len(q.help.what) >= 30 and len(q.help.why) >= 40 and len(q.help.evidence) >= 15, q.id
        assert re.search(r"\b(CC\d\.\d|A1\.\d|C1\.\d|PI1\.\d|P\d\.\d)\b", q.help.why), (
            f"{q.id}: 'why' should cite the SOC 2 criterion")
        assert q.text.endswith("?"), q.id


def test_every_example_is_an_answer_the_field_accepts(interview):
    """The example is shown as 'type it like this': it must parse and the Editor must take it."""
    for q in interview:
        if q.kind == "list" and _item_model(q) is not None:
            continue  # a list of items is answered by adding items (see the loop test)
        value = parse_answer(q, q.help.example)
        if q.kind == "reference":
            continue  # names ids that exist only in a given policy
        editor = Editor(_policy_with_one_of_each())
        path = _first_concrete(q, editor)
        editor.set(path, value)
        assert is_answered(q, editor, path), q.id


# ----------------------------------------------------------------------------
# Loading errors name the question and the field
# ----------------------------------------------------------------------------
def _one_question(body: str):
    text = "steps:\n  - id: s\n    title: S\n    intro: I\n    questions:\n" + _indent(body, 4)
    return parse_questions(text, source="q.yaml").steps[0]


def _indent(body: str, n: int) -> str:
    lines = [ln for ln in body.splitlines() if ln.strip()]
    margin = min(len(ln) - len(ln.lstrip()) for ln in lines)
    return "\n".join(" " * n + ln[margin:] for ln in lines) + "\n"


@pytest.mark.parametrize("body, field, says", [
    ("""
     - id: q1
       path: systems[*].colour
       text: Which colour?
       kind: text
       help: {what: a, why: b, evidence: c, example: d}
     """, "path", "System has no field 'colour'"),
    ("""
     - id: q2
       path: tiers[*].rpo
       text: How much data?
       kind: date
       help: {what: a, why: b, evidence: c, example: d}
     """, "kind", "cannot answer a field holding Duration"),
    ("""
     - id: q3
       path: organization.name
       text: Name?
       kind: text
       help: {what: a, why: b, example: d}
     """, "help.evidence", "missing or empty"),
    ("""
     - id: q4
       path: systems[*].tier
       text: Tier?
       kind: reference
       help: {what: a, why: b, evidence: c, example: d}
     """, "ref", "tiers[*].id"),
    ("""
     - id: q5
       path: organization.name
       text: Name?
       kind: text
       colour: red
       help: {what: a, why: b, evidence: c, example: d}
     """, "colour", "unknown key"),
])
def test_a_bad_entry_is_refused_naming_the_file_line_question_and_field(body, field, says):
    with pytest.raises(QuestionsError) as err:
        _one_question(body)
    assert err.value.question == body.split("id: ")[1].split()[0]
    assert err.value.field == field
    assert says in str(err.value)
    assert str(err.value).startswith("q.yaml:6: question ")


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path):
    with pytest.raises(QuestionsError, match="cannot read the questions file"):
        load_questions(tmp_path / "nope.yaml")
    broken = tmp_path / "q.yaml"
    broken.write_text("steps:\n  - id: [unclosed\n")
    with pytest.raises(QuestionsError, match=r"q.yaml:\d+: not valid YAML"):
        load_questions(broken)


# ----------------------------------------------------------------------------
# Against a policy
# ----------------------------------------------------------------------------
def test_per_item_questions_expand_once_per_item_and_only_where_they_apply(interview):
    p = Policy.model_validate({"tiers": [{"id": "T0"}, {"id": "T1"}],
                               "engagement": {"soc2_type": "I"}})
    q = interview.by_path("tiers[*].rpo")
    assert q.paths(p) == ["tiers[0].rpo", "tiers[1].rpo"]
    assert interview.by_path("tiers[3].rpo") is q
    start = interview.by_path("engagement.period_start")
    assert start.paths(p) == []  # a Type I report has no period
    p.engagement.soc2_type = "II"
    assert start.paths(p) == ["engagement.period_start"]


def test_is_answered_reads_through_the_editor(interview):
    p = Policy.model_validate({"tiers": [{"id": "T0", "require_immutable": False}]})
    imm = interview.by_path("tiers[*].require_immutable")
    rpo = interview.by_path("tiers[*].rpo")
    assert is_answered(imm, p, "tiers[0].require_immutable")  # "no" is an answer
    assert not is_answered(rpo, p, "tiers[0].rpo")
    assert not is_answered(rpo, p, "tiers[5].rpo")  # no such item: not an error, not answered
    cats = interview.by_path("engagement.categories")
    assert not is_answered(cats, p)  # an empty list is not an answer
    Editor(p).set("engagement.categories", ["security"])
    assert is_answered(cats, p)


def test_progress_counts_required_questions_and_open_blockers(interview):
    p = Policy.model_validate({"organization": {"name": "Acme"}, "tiers": [{"id": "T0", "rpo": "15m"}]})
    report = evaluate(p, TODAY)
    prog = progress(interview, p, report)
    assert prog.blockers == sum(1 for f in report.open if f.severity == "blocker")
    assert 0 < prog.answered < prog.total
    text = str(prog)
    assert re.fullmatch(rf"{prog.answered} of {prog.total} questions answered, {prog.blockers} blockers? open", text)


def test_step_for_path_maps_fields_sections_and_deeper_paths(interview):
    loc = step_for_path("tiers[2].rpo", interview)
    assert (loc.step.id, loc.question.id, loc.path) == ("tiers", "tier-rpo", "tiers[2].rpo")
    loc = step_for_path("tiers[2]", interview)
    assert (loc.step.id, loc.path) == ("tiers", "tiers[2].id")
    loc = step_for_path("engagement", interview)
    assert (loc.step.id, loc.question.id) == ("organization", "eng-type")
    assert step_for_path("", interview) is None


def test_step_state_counts_the_findings_that_land_in_the_step(interview):
    p = Policy()
    report = evaluate(p, TODAY)
    state = step_state(interview.step("organization"), p, report, interview)
    assert state.answered == 0 and state.open == state.total
    asks = [f for f in report.open if f.kind == "unanswered"
            and getattr(step_for_path(f.paths[0], interview), "step", None) is interview.step("organization")]
    assert state.questions == len(asks) >= 3
    assert not state.done


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------
def _item_model(q):
    t, is_list = field_type(q.path)
    from pydantic import BaseModel
    return t if is_list and isinstance(t, type) and issubclass(t, BaseModel) else None


def _policy_with_one_of_each() -> Policy:
    return Policy.model_validate({
        "engagement": {"soc2_type": "II"},
        "tiers": [{"id": "T1"}],
        "systems": [{"id": "app-db", "kind": "saas", "exclusion": {"reason": "rebuilt from code"}}],
        "schedules": [{"id": "sch-1"}],
        "targets": [{"id": "vault-1", "leaves_facility": True, "retention": {"indefinite": True}}],
        "keys": [{"id": "key-1"}],
        "roles": [{"id": "backup-admin"}],
        "principals": [{"id": "u-alice", "type": "service"}],
        "monitoring": {"alerts": [{"event": "job_missed"}], "manual_reviews": [{}]},
        "evidence": {"sources": [{"kind": "job_history"}]},
        "restore_tests": [{"system": "app-db"}],
        "dr_exercises": [{}],
        "legal_holds": [{"id": "hold-1"}],
        "vendors": [{"id": "vendor-1"}],
        "exceptions": [{"rule": "COPY-002"}],
    })


def _first_concrete(q, editor) -> str:
    paths = q.paths(editor, applicable_only=False)
    assert paths, f"{q.id}: no item to try the example on"
    return paths[0]
