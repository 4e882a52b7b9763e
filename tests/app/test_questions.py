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
            for ref in q.ref.split(" | "):
                field_type(ref)


def test_every_choice_value_is_legal_for_its_field_and_every_legal_value_is_offered(interview):
    for q in interview:
        if q.kind not in ("choice", "multi_choice"):
            continue
        legal = literal_values(q.path)
        assert legal is not None, f"{q.id}: {q.path} is not a closed vocabulary"
        assert [c.value for c in q.choices] == list(legal), q.id
        assert all(c.label.strip() and c.label != c.value or len(c.value) <= 2 for c in q.choices), q.id


def test_a_choice_the_spec_does_not_allow_is_refused_when_loading():
    with pytest.raises(QuestionsError) as err:
        _one_question("""
            - id: q-bad
              path: engagement.soc2_type
              text: Which report?
              kind: choice
              choices: [{value: III, label: Type three}]
              help: {what: a, why: b, evidence: c, example: III}
        """)
    assert (err.value.question, err.value.field) == ("q-bad", "choices")
    assert "'III' is not a value the spec allows here; it takes: I, II" in str(err.value)


def test_every_question_has_all_four_help_parts_in_plain_words(interview):
    for q in interview:
        for part in Q.HELP_PARTS:
            text = getattr(q.help, part)
            assert text.strip(), (q.id, part)
            low = text.lower()
            assert not any(re.search(rf"\b{re.escape(w)}\b", low) for w in Q.PLACEHOLDER_WORDS), (q.id, part, text)
            assert "..." not in text and "<" not in text, (q.id, part, text)
        assert len(q.help.what) >= 25 and len(q.help.why) >= 40 and len(q.help.evidence) >= 10, q.id
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
    # a follow-up past its due date (FUP-001) is fixed in the governance step, where follow-ups are listed
    loc = step_for_path("follow_ups[3].due", interview)
    assert (loc.step.id, loc.question, loc.path) == ("governance", None, "follow_ups[3].due")


def test_step_state_counts_the_findings_that_land_in_the_step(interview):
    p = Policy()
    report = evaluate(p, TODAY)
    state = step_state(interview.step("organization"), p, report, interview)
    assert state.answered == 0 and state.open == state.total
    asks = [f for f in report.open if f.kind == "question"
            and getattr(step_for_path(f.paths[0], interview), "step", None) is interview.step("organization")]
    # the organization's name, and the report type with its categories (one finding, each cause said once)
    assert state.questions == len(asks) >= 2
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


# ----------------------------------------------------------------------------
# Coverage: every field the gap rules read is asked
# ----------------------------------------------------------------------------
#: Fields the rules read that the interview deliberately does not ask, and why.
NOT_ASKED = {
    "as_of": "the date the policy is evaluated at: set by the app or the command line, not by the client",
    "template.title": "starter metadata shown in the template picker",
    "template.description": "starter metadata shown in the template picker",
    "baseline.restore_test_baseline": "per-tier defaults; the interview asks each tier's restore-test interval",
    "follow_ups[*].id": "written by the don't-know flow (workbench.app.followups)",
    "follow_ups[*].owner": "written by the don't-know flow (workbench.app.followups)",
    "follow_ups[*].status": "written by the don't-know flow (workbench.app.followups)",
    "follow_ups[*].note": "written by the don't-know flow (workbench.app.followups)",
    "answer_sources": "the source note kept with any answer, written by the app beside the answer",
    "revisions[*].date": "written when a version is published (workbench.store)",
    "revisions[*].approver": "written when a version is published (workbench.store)",
    "revisions[*].note": "written when a version is published (workbench.store)",
    "follow_ups[*].question": "written by the don't-know flow (workbench.app.followups): the question left open",
    "follow_ups[*].field": "written by the don't-know flow (workbench.app.followups): the field it concerns",
    "follow_ups[*].due": "written by the don't-know flow; a new date is set on the follow-up in the governance step",
    "revisions[*].version": "written when a version is published (workbench publish, workbench.store)",
    "revisions[*].weakens": "written by the publish step, which compares the version with the previous one",
    "revisions[*].reason": "given when publishing a version that weakens the policy (workbench publish --reason)",
}


def _rule_attributes() -> set[str]:
    """Every attribute name the rules read (``a.tier``) or name as text (``itemgetter("region")``)."""
    src = "\n".join(p.read_text(encoding="utf-8") for p in Path(Q.__file__).parents[1].joinpath("rules").glob("*.py"))
    return set(re.findall(r"\.([a-z_][a-z0-9_]*)\b", src)) | set(re.findall(r"[\"']([a-z_][a-z0-9_]*)[\"']", src))


def _leaf_fields(cls=Policy, prefix=""):
    from pydantic import BaseModel
    for name, f in cls.model_fields.items():
        t = Q._unwrap(f.annotation)
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(t, type) and issubclass(t, BaseModel):
            yield from _leaf_fields(t, path + ("[*]" if Q._is_list(f.annotation) else ""))
        else:
            yield path, name


def test_every_field_the_rules_read_has_a_question(interview):
    read = _rule_attributes()
    asked = {q.path for q in interview}
    missing = [p for p, name in _leaf_fields() if name in read and p not in asked and p not in NOT_ASKED]
    assert not missing, f"fields the rules read with no question: {missing}"
    assert not set(NOT_ASKED) & asked, "a field listed as not asked has a question: drop it from NOT_ASKED"


def test_every_finding_path_on_the_starters_and_a_blank_policy_lands_on_a_question(interview):
    for policy in [load_template(n) for n in STARTERS] + [Policy(), _policy_with_one_of_each()]:
        for f in evaluate(policy, TODAY).findings:
            for path in f.paths:
                loc = step_for_path(path, interview)
                if Q._top(path) in Q.WORKING_RECORDS:
                    # a follow-up or a revision is not a question: it is fixed in the governance step's list
                    assert (loc.step.id, loc.question, loc.path) == ("governance", None, path), (f.rule, path)
                    continue
                assert loc is not None and loc.question is not None, (f.rule, path)
                assert loc.question.path == re.sub(r"\[\d+\]", "[*]", loc.path), (f.rule, path, loc.path)
                assert Q._normalize(loc.path).startswith(Q._normalize(path)) or \
                    Q._normalize(path).startswith(loc.question.path), (f.rule, path, loc.path)


# ----------------------------------------------------------------------------
# The next question that matters
# ----------------------------------------------------------------------------
def test_next_question_on_a_blank_policy_asks_for_the_systems_first(interview):
    p = Policy()
    nxt = next_question(interview, p, evaluate(p, TODAY))
    # COV-001 (blocker): no systems listed; every other open finding is major or milder
    assert (nxt.question.id, nxt.path, nxt.severity) == ("systems", "systems", "blocker")


def test_with_the_systems_listed_the_blank_interview_goes_by_stake_then_step_order(interview):
    p = Policy.model_validate({"systems": [{"id": "app-db"}]})
    nxt = next_question(interview, p, evaluate(p, TODAY))
    # no schedule at all is a blocker (COV-001: the policy commits to no backup), asked first
    assert (nxt.question.id, nxt.severity) == ("schedules", "blocker")
    Editor(p).add("schedules", {"id": "nightly", "systems": ["app-db"]})
    nxt = next_question(interview, p, evaluate(p, TODAY))
    # the system's tier is asked for (COV-002), but no tier exists yet: the tiers list comes first
    assert nxt.question.id == "tiers" and nxt.severity in ("blocker", "major")
    Editor(p).add("tiers", {"id": "T1"})
    nxt = next_question(interview, p, evaluate(p, TODAY))
    # a backed-up system with no tier has no RPO or RTO either: a blocker, asked at the system
    assert nxt.severity == "blocker" and nxt.question.step in ("tiers", "systems")


def test_a_finding_about_a_field_the_item_does_not_have_asks_the_question_put_in_its_place(interview):
    """Seen in tmux: a copy marked as on the premises has a site, not a cloud region; the blocker "Which region
    or site is msp-backup in?" points at its region, which the form no longer asks, so the next-question key
    skipped the blocker for good. It asks for the copy's site instead."""
    p = Policy.model_validate({
        "systems": [{"id": "ehr", "tier": "T0"}], "tiers": [{"id": "T0", "rpo": "1h", "rto": "4h"}],
        "targets": [{"id": "msp-backup", "media": "disk", "provider": "on-prem"}],
        "schedules": [{"id": "nightly", "systems": ["ehr"], "interval": "1d", "targets": ["msp-backup"]}],
    })
    report = evaluate(p, TODAY)
    assert any(f.paths == ("targets[0].region",) for f in report.findings)  # the engine asks for the region
    assert "targets[0].region" not in interview.by_path("targets[*].region").paths(p)  # the form does not
    other = Q.instead_of(interview, interview.by_path("targets[*].region"), p, "targets[0].region")
    assert other is not None and other[1] == "targets[0].site"
    asked = []
    for _ in range(200):
        nxt = next_question(interview, p, report)
        if nxt is None or nxt.path == "targets[0].site":
            break
        asked.append(nxt.path)
        Editor(p).set(nxt.path, Q.parse_answer(nxt.question, nxt.question.help.example or "1"))
        report = evaluate(p, TODAY)
    assert nxt is not None and nxt.path == "targets[0].site", asked
    Editor(p).set("targets[0].site", "Clinic server room, 12 Harbor St")
    assert not any(f.paths == ("targets[0].region",) for f in evaluate(p, TODAY).findings)


def test_the_entry_just_added_for_a_finding_is_asked_about_before_yet_another_entry(interview):
    """Seen in tmux: asked for a role that may delete backups, a person added "msp-admins"; the next-question
    key went back to the roles table for another entry instead of to the new role's permissions, which the
    finding itself points at."""
    from workbench.starters import build_starter, parse_profile

    p = build_starter(*parse_profile("healthcare-msp"), organization_name="Harbor Dental")
    Editor(p).add("roles", {"id": "msp-admins"})
    index = len(p.roles) - 1
    report = evaluate(p, TODAY)
    [acc] = [f for f in report.findings if f.rule == "ACC-003"]
    assert f"roles[{index}].permissions" in acc.paths
    # with that finding alone open (the starter's other findings are more severe and come first)
    nxt = next_question(interview, p, [acc])
    assert (nxt.path, nxt.adds) == (f"roles[{index}].permissions", False)


def test_a_record_started_for_a_finding_is_finished_before_smaller_questions(interview):
    """Seen in tmux: with the blocker "no passing restore test on record", a person added a restore test and
    picked its system; the next-question key then went to minor questions and never to the test's date and
    result, which are what the blocker waits for."""
    from workbench.starters import build_starter, parse_profile

    p = build_starter(*parse_profile("healthcare-msp"), organization_name="Harbor Dental")
    Editor(p).add("restore_tests", {"system": p.systems[0].id})
    report = evaluate(p, TODAY)
    waiting = [f for f in report.findings if f.rule == "TEST-002" and f.severity == "blocker"]
    assert waiting and all("restore_tests" in f.paths for f in waiting)
    nxt = next_question(interview, p, waiting)
    assert nxt.path.startswith("restore_tests[0].") and nxt.severity == "blocker", nxt.path
    seen = set()
    while nxt is not None and nxt.path.startswith("restore_tests[0].") and nxt.path not in seen:
        seen.add(nxt.path)
        Editor(p).set(nxt.path, Q.parse_answer(nxt.question, {"restore_tests[0].date": "2026-11-20",
                                                              "restore_tests[0].result": "pass"}.get(
            nxt.path, nxt.question.help.example or "1")))
        nxt = next_question(interview, p, [f for f in evaluate(p, TODAY).findings if f.rule == "TEST-002"])
    assert {"restore_tests[0].date", "restore_tests[0].result"} <= seen | {
        path for path in ("restore_tests[0].date", "restore_tests[0].result") if Editor(p).get(path)}


@pytest.mark.parametrize("name, question_id, path, severity", [
    ("saas-startup", "sys-restore-procedure", "systems[8].restore_procedure", None),
    ("healthcare-hipaa", "sch-copy-lag", "schedules[8].copy_lag", "major"),
    ("fintech-sox-pci", "sys-restore-procedure", "systems[4].restore_procedure", None),
    ("msp-small-business", "tier-full-restore", "tiers[1].full_restore_interval", None),
])
def test_next_question_on_the_starters(interview, name, question_id, path, severity):
    p = load_template(name)
    report = evaluate(p, TODAY)
    nxt = next_question(interview, p, report)
    assert (nxt.question.id, nxt.path, nxt.severity) == (question_id, path, severity)
    # and nothing unanswered outranks it: no open finding asks for a more severe answer,
    # and among questions no finding asks for, none is about a more critical tier
    stakes = Q._stakes(Q._open_findings(report), interview, Editor(p), Q._deferred(p))
    worst_open = min((Q.SEVERITY_RANK[s] for path_, s in stakes.items()
                      if not is_answered(interview.by_path(path_), p, path_) and path_ not in Q._deferred(p)),
                     default=Q.NO_STAKE)
    assert Q.SEVERITY_RANK.get(nxt.severity, Q.NO_STAKE) == worst_open
    if severity is None:
        levels = Q._TierLevels(p)
        assert nxt.tier_level == min(levels.of(path_) for q in interview if not q.optional
                                     for path_ in q.paths(p) if not is_answered(q, p, path_)
                                     and path_ not in Q._deferred(p))


def test_next_question_is_pure(interview):
    p = load_template("saas-startup")
    before = p.model_dump()
    report = evaluate(p, TODAY)
    first = next_question(interview, p, report)
    assert p.model_dump() == before
    assert next_question(interview, p, report).path == first.path


def test_a_field_with_an_open_follow_up_is_not_asked_again(interview):
    p = Policy()
    Editor(p).add("follow_ups", {"question": "Which systems?", "field": "systems", "owner": "Dana"})
    nxt = next_question(interview, p, evaluate(p, TODAY))
    assert nxt.path != "systems"
    assert progress(interview, p, evaluate(p, TODAY)).deferred == 1


def _answer(editor: Editor, interview, nxt) -> None:
    """Answer the way a consultant would from the help: the example, a reference to an existing item."""
    q, path = nxt.question, nxt.path
    item = _item_model(q)
    if item is not None:
        values = {}
        for name, f in item.model_fields.items():
            if not f.is_required():
                continue
            sub = interview.by_path(f"{q.path}[*].{name}")
            assert sub is not None, f"{q.path}: required field {name} has no question"
            values[name] = (Q.reference_choices(sub, editor)[0] if sub.kind == "reference"
                            else parse_answer(sub, sub.help.example.split(",")[0]))
        editor.add(path, values)
        return
    if q.kind == "reference":
        ids = Q.reference_choices(q, editor)
        editor.set(path, ids[:1] if q.many else ids[0])
        return
    editor.set(path, parse_answer(q, q.help.example))


def test_answering_the_next_question_repeatedly_ends_with_nothing_open(interview):
    from workbench.app.followups import follow_up_for

    editor = Editor(Policy())
    asked, deferred = [], []
    for _ in range(300):
        report = evaluate(editor.policy, TODAY)
        nxt = next_question(interview, editor.policy, report)
        if nxt is None:
            break
        assert (nxt.path, nxt.adds) not in asked, f"asked twice: {nxt.path}"
        if nxt.adds:
            # the list has entries, the engine asks for another one the example cannot give: "don't know yet"
            assert is_answered(nxt.question, editor, nxt.path) and nxt.asks and nxt.severity
            editor.add("follow_ups", follow_up_for(nxt.question, nxt.path, editor, owner="Client IT lead",
                                                   note=nxt.asks))
            deferred.append(nxt.path)
        else:
            assert not is_answered(nxt.question, editor, nxt.path)
            _answer(editor, interview, nxt)
            assert is_answered(nxt.question, editor, nxt.path), nxt.path
        asked.append((nxt.path, nxt.adds))
    else:
        pytest.fail(f"still asking after {len(asked)} answers")
    report = evaluate(editor.policy, TODAY)
    prog = progress(interview, editor.policy, report)
    assert prog.answered == prog.total > 40
    assert asked[0] == ("systems", False)
    assert set(deferred) <= {"roles", "evidence.sources", "monitoring.alerts", "restore_tests", "dr_exercises"}
    # every question the engine still asks has been answered, or waits on a follow-up
    for f in report.open:
        if f.kind in Q.QUESTION_KINDS:
            for path in f.paths:
                loc = step_for_path(path, interview)
                assert is_answered(loc.question, editor, loc.path) and (
                    loc.question.kind != "list" or loc.path in deferred), (f.rule, path)
    assert all(step_state(s, editor.policy, report, interview).open == 0 for s in interview.steps)


def test_summary_agrees_with_the_three_functions_it_combines(interview):
    p = load_template("healthcare-hipaa")
    report = evaluate(p, TODAY)
    s = Q.summary(interview, p, report)
    assert s.progress == progress(interview, p, report)
    assert s.steps == Q.step_states(interview, p, report)
    assert s.steps["systems"] == step_state(interview.step("systems"), p, report, interview)
    assert s.next.path == next_question(interview, p, report).path
    assert sum(st.total for st in s.steps.values()) == s.progress.total


def test_an_on_premises_system_is_asked_its_site_and_a_cloud_one_its_region(interview):
    p = Policy.model_validate({"systems": [{"id": "fileserver", "kind": "fileshare", "provider": "on_prem"},
                                           {"id": "prod-db", "kind": "db", "provider": "aws"},
                                           {"id": "m365", "kind": "saas"}]})
    region, site = interview.by_path("systems[*].region"), interview.by_path("systems[*].site")
    assert region.paths(p) == ["systems[1].region"]
    assert site.paths(p) == ["systems[0].site"]
    Editor(p).set("systems[0].site", "Reno HQ")
    assert is_answered(site, p, "systems[0].site") and site.paths(p) == ["systems[0].site"]


def test_tape_and_on_premises_storage_is_asked_its_site_and_cloud_storage_its_region(interview):
    p = Policy.model_validate({"targets": [{"id": "tapes", "media": "tape"},
                                           {"id": "nas", "media": "disk", "provider": "on_prem"},
                                           {"id": "vault", "media": "object", "provider": "aws"}]})
    assert interview.by_path("targets[*].region").paths(p) == ["targets[2].region"]
    assert interview.by_path("targets[*].site").paths(p) == ["targets[0].site", "targets[1].site"]


def test_any_of_conditions_are_parsed_and_checked():
    step = _one_question("""
        - id: q-any
          path: targets[*].site
          text: Where?
          kind: text
          when: {any: [{field: media, equals: tape}, {field: offline, equals: true}]}
          help: {what: a, why: b, evidence: c, example: d}
    """)
    q = step.questions[0]
    p = Policy.model_validate({"targets": [{"id": "a", "media": "tape"}, {"id": "b", "offline": True},
                                           {"id": "c", "media": "disk"}]})
    assert q.paths(p) == ["targets[0].site", "targets[1].site"]
    with pytest.raises(QuestionsError, match="'any' takes a list of two or more"):
        _one_question("""
            - id: q-any
              path: targets[*].site
              text: Where?
              kind: text
              when: {any: [{field: media, equals: tape}]}
              help: {what: a, why: b, evidence: c, example: d}
        """)


def test_parse_answer_takes_what_people_type_and_says_what_is_accepted(interview):
    q = interview.by_path
    assert parse_answer(q("tiers[*].require_immutable"), "Yes") is True
    assert parse_answer(q("tiers[*].require_immutable"), "no") is False
    assert parse_answer(q("tiers[*].min_backup_copies"), "2") == 2
    assert parse_answer(q("systems[*].size_gb"), "250.5") == 250.5
    assert parse_answer(q("engagement.categories"), "Security, availability") == ["security", "availability"]
    assert parse_answer(q("engagement.soc2_type"), "Type II: did the controls work, over a period of months") == "II"
    assert parse_answer(q("policy.communicated_to"), "Engineering, IT operations") == ["Engineering", "IT operations"]
    assert parse_answer(q("schedules[*].systems"), "prod-db, crm") == ["prod-db", "crm"]
    assert parse_answer(q("systems[*].tier"), "T1") == "T1"
    with pytest.raises(ValueError, match="answer yes or no"):
        parse_answer(q("tiers[*].require_immutable"), "maybe")
    with pytest.raises(ValueError, match="is not a number; write e.g. 2"):
        parse_answer(q("tiers[*].min_backup_copies"), "two")
    with pytest.raises(ValueError, match="'III' is not one of: I, II"):
        parse_answer(q("engagement.soc2_type"), "III")
    with pytest.raises(ValueError, match="choose one of"):
        parse_answer(q("engagement.soc2_type"), "I, II")


def test_the_public_names_are_all_defined():
    assert all(hasattr(Q, name) for name in Q.__all__)
    assert {"summary", "step_states", "next_question", "progress", "step_for_path"} <= set(Q.__all__)


def test_findings_of_every_kind_are_counted_and_ranked_the_engine_renaming_unanswered_to_question(interview):
    from types import SimpleNamespace as F

    p = Policy.model_validate({"systems": [{"id": "app-db", "kind": "db"}], "tiers": [{"id": "T1"}],
                               "evidence": {"sources": [{"kind": "job_history"}]}})
    findings = [
        F(paths=("systems[0]",), severity="major", kind="question", open=True, message="app-db: which tier?"),
        F(paths=("evidence.sources",), severity="blocker", kind="question", open=True,
          message="Where are restore-test records kept?"),
        F(paths=("restore_tests",), severity="major", kind="evidence", open=True, message="No restore test."),
        F(paths=("tiers[0].rpo",), severity="minor", kind="gap", open=True, message="RPO vague"),
        F(paths=("tiers[0].rto",), severity="blocker", kind="gap", open=False, message="accepted"),
    ]
    report = F(findings=findings)
    states = Q.step_states(interview, p, report)
    assert (states["systems"].questions, states["monitoring"].questions) == (1, 1)
    assert (states["testing"].evidence, states["testing"].worst) == (1, "major")
    assert (states["tiers"].gaps, states["tiers"].worst) == (1, "minor")  # the accepted blocker is not open
    assert progress(interview, p, report).blockers == 1
    nxt = next_question(interview, p, report)
    # the blocker about a list that has entries: first the open answers of the entry there (they may settle it)
    assert (nxt.path, nxt.adds, nxt.severity) == ("evidence.sources[0].location", False, "blocker")
    source = p.evidence.sources[0]
    source.location, source.retention = "Confluence backup space", "2y"
    nxt = next_question(interview, p, report)
    # ... then another entry, quoting the finding
    assert (nxt.path, nxt.adds, nxt.severity, nxt.asks) == (
        "evidence.sources", True, "blocker", "Where are restore-test records kept?")
    findings.pop(1)
    nxt = next_question(interview, p, report)
    # the "question" about the whole system goes to its first open field, before the list of restore tests the
    # (equally major) evidence finding waits on, by step order
    assert (nxt.path, nxt.severity) == ("systems[0].description", "major")
    findings.pop(0)
    nxt = next_question(interview, p, report)
    assert (nxt.path, nxt.severity, nxt.adds) == ("restore_tests", "major", False)


def test_a_templates_folder_without_an_interview_falls_back_to_the_shipped_one(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_TEMPLATES", str(tmp_path))
    assert Q.questions_path().parent.name in ("policy_templates", "_policy_templates")
    (tmp_path / "questions.yaml").write_text(
        "steps:\n  - id: s\n    title: S\n    intro: I\n    questions:\n"
        "      - {id: q, path: organization.name, text: Name?, kind: text,\n"
        "         help: {what: w, why: y, evidence: e, example: x}}\n")
    assert Q.questions_path() == tmp_path / "questions.yaml"
    assert [q.id for q in load_questions()] == ["q"]


def test_a_key_admin_is_picked_from_the_people_and_the_roles(interview):
    """In tmux a key admin was typed free ("practice-owner") and the review then reported "key admin
    'practice-owner' is not defined in principals": the question now offers the ids the spec accepts there."""
    from workbench.app.questions import reference_choices

    p = Policy.model_validate({"principals": [{"id": "u-lena"}], "roles": [{"id": "security-admins"}],
                               "keys": [{"id": "k1"}]})
    q = interview.by_path("keys[0].admins")
    assert q.kind == "reference" and q.many
    assert reference_choices(q, p) == ["u-lena", "security-admins"]
