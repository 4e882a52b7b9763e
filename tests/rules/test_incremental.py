"""The incremental evaluator always agrees with a full evaluation.

A Hypothesis test applies random edit sequences through the ``Editor`` (set a field to a value taken from
another item or another starter, or clear it; set what decides whether a system is in scope; set a field of a target or of a schedule; write a duration or a promise in words; add a copy of an
item; remove one; undo; redo; a group of them, heard as one change) to every
starter and to starters replicated to a few dozen systems, and after each edit compares
``Evaluator.report()`` with ``evaluate(policy, day)``: the same findings, field for field, in the same order.

CI runs a short profile. The long run (hundreds of sequences of up to 40 edits each):

    WORKBENCH_LONG_PROPERTY=1 .venv/bin/python -m pytest -q tests/rules/test_incremental.py
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pydantic import BaseModel

from workbench.rules import RULES, evaluate
from workbench.rules.incremental import (ALL, DYNAMIC_READS, INIT_FIELDS, ITEM_FIELDS, READS, SYSTEM_LOCAL,
                                          TARGET_LOCAL, Evaluator)
from workbench.spec.edit import EditError, Editor
from workbench.spec.model import Policy
from workbench.templates import load_template

from .tracing import TABLES, generate_tables, sample_policies, traced_reads

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import starters  # noqa: E402

DAY = dt.date(2026, 12, 1)
LONG = os.environ.get("WORKBENCH_LONG_PROPERTY") == "1"
EXAMPLES, STEPS = (400, 40) if LONG else (30, 10)

LIST_SECTIONS = [name for name, f in Policy.model_fields.items() if "list" in str(f.annotation)]
MODEL_SECTIONS = [name for name, f in Policy.model_fields.items()
                  if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)]
_STARTERS = {name: load_template(name) for name in starters.STARTERS}


def _plain(value):
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_none=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _same(evaluator: Evaluator, policy: Policy) -> None:
    mine = [f.to_dict() for f in evaluator.report().findings]
    full = [f.to_dict() for f in evaluate(policy, DAY).findings]
    assert mine == full, f"after {evaluator.last}"


SCOPE_EDITS = [
    ("environment", ["prod", "dev", "test", "staging", "corp", None]),
    ("data_classes", [[], ["public"], ["internal"], ["pii"], ["logs"]]),
    ("exclusion", [None, {"reason": "decommissioned", "approved_by": "CTO"}, {"reason": "rebuilt from code"}]),
]


_DURATIONS = ["as needed", "regularly", "4h", "1d", None]
WORDS_EDITS = [
    ("systems", "rpo", _DURATIONS), ("systems", "restore_procedure", ["as appropriate", "https://wiki/x", None]),
    ("tiers", "rpo", _DURATIONS), ("tiers", "restore_test_interval", _DURATIONS),
    ("schedules", "interval", _DURATIONS), ("targets", "description", ["kept as needed", "vault", None]),
    ("policy", "review_interval", _DURATIONS),
]
TARGET_FIELDS_READ = sorted({f for rid in TARGET_LOCAL for f in ITEM_FIELDS["targets"].get(rid, ())} - {"id"})


def _edit(data, editor: Editor, policy: Policy, grouped: bool = False) -> None:
    """One random edit through ``editor`` (a refused value is simply not applied); a group of two or three
    edits reaches the evaluator as one change, whose path is what they have in common."""
    ops = ["system", "system", "system", "scope", "target", "schedule", "words", "item", "section", "add", "remove"]
    op = data.draw(st.sampled_from(ops if grouped else ops + ["undo", "redo", "group"]))
    donors = [policy] + list(_STARTERS.values())
    if op in ("undo", "redo"):
        getattr(editor, op)()
        return
    if op == "words":  # a duration or a promise in words an auditor cannot test, or a plain one (VAGUE-001)
        section, field, values = data.draw(st.sampled_from(WORDS_EDITS))
        if section in MODEL_SECTIONS:
            editor.set((section, field), data.draw(st.sampled_from(values)))
            return
        items = getattr(policy, section)
        if items:
            editor.set((section, data.draw(st.integers(0, len(items) - 1)), field), data.draw(st.sampled_from(values)))
        return
    if op == "scope":  # a field that decides whether a system is in scope, often moving it in or out
        if not policy.systems:
            return
        field, values = data.draw(st.sampled_from(SCOPE_EDITS))
        editor.set(("systems", data.draw(st.integers(0, len(policy.systems) - 1)), field),
                   data.draw(st.sampled_from(values)))
        return
    if op == "group":
        with editor.group("several edits at once"):
            for _ in range(data.draw(st.integers(2, 3))):
                _edit(data, editor, policy, grouped=True)
        return
    if op == "section":
        section = data.draw(st.sampled_from(MODEL_SECTIONS))
        field = data.draw(st.sampled_from(sorted(type(getattr(policy, section)).model_fields)))
        donor = data.draw(st.sampled_from(donors))
        value = None if data.draw(st.booleans()) else _plain(getattr(getattr(donor, section), field))
        editor.set((section, field), value)
        return
    section = {"system": "systems", "target": "targets", "schedule": "schedules"}.get(op) \
        or data.draw(st.sampled_from(LIST_SECTIONS))
    items = getattr(policy, section)
    pool = [x for d in donors for x in getattr(d, section)]
    if op == "add":
        if not pool:
            return
        item = _plain(data.draw(st.sampled_from(pool)))
        if isinstance(item, dict) and "id" in item and data.draw(st.booleans()):
            item["id"] = f"{item['id']}-new{len(items)}"
        editor.add((section,), item, data.draw(st.integers(0, len(items))))
        return
    if not items:
        return
    i = data.draw(st.integers(0, len(items) - 1))
    if op == "remove":
        editor.remove((section, i))
        return
    if not isinstance(items[i], BaseModel):
        return
    if op == "target":  # mostly what the rules that re-run for a target's systems alone read of it
        field = data.draw(st.sampled_from(TARGET_FIELDS_READ + sorted(type(items[i]).model_fields)))
    elif op == "schedule":  # mostly what the indexes are built from: the rules re-run for its systems alone
        field = data.draw(st.sampled_from(sorted(INIT_FIELDS["schedules"]) + sorted(type(items[i]).model_fields)))
    else:
        field = data.draw(st.sampled_from(sorted(type(items[i]).model_fields)))
    if data.draw(st.integers(0, 4)) == 0:
        value = None
    else:
        value = _plain(getattr(data.draw(st.sampled_from(pool)), field))
    editor.set((section, i, field), value)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), name=st.sampled_from(starters.STARTERS), size=st.sampled_from([0, 27]))
def test_incremental_equals_full_after_every_edit(data, name, size):
    policy = load_template(name) if size == 0 else starters.policy(name, size)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    _same(evaluator, policy)
    for _ in range(data.draw(st.integers(1, STEPS))):
        try:
            _edit(data, editor, policy)
        except EditError:
            continue
        _same(evaluator, policy)


def test_an_edit_inside_one_system_reruns_the_local_rules_for_that_system_only():
    policy = starters.policy("healthcare-hipaa", 60)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    editor.set("systems[5].rpo", "2h")
    assert evaluator.last["how"] == "system"
    assert 0 < evaluator.last["rules_for_one_system"] <= len(SYSTEM_LOCAL)
    _same(evaluator, policy)
    editor.set("systems[5].environment", "dev")  # a T0 system: still in scope, so only what reads it directly
    assert evaluator.last["how"] == "system" and evaluator.last["scope_moved"] is False
    assert evaluator.last["rules"] < 12
    _same(evaluator, policy)
    editor.set("systems[5].restore_procedure", "https://wiki.example.com/runbooks/db")
    assert evaluator.last["how"] == "system" and evaluator.last["rules"] < 19  # RTO-003, the exceptions, rules that read every field (the four newest among them)
    _same(evaluator, policy)
    editor.set("policy.owner.name", "Dana Reyes")
    assert evaluator.last["how"] == "section" and evaluator.last["rules"] < 20  # governance, language, exceptions, rules reading policy-wide defaults, the newest four
    _same(evaluator, policy)
    for _ in range(4):
        editor.undo()
        _same(evaluator, policy)


def test_the_reads_tables_are_what_the_tracer_writes():
    """workbench/rules/reads.py is generated: every rule traced over the sample policies (each rule on a context
    of its own, every attribute read on a system, an item or a section recorded), plus what tracing cannot see.
    Stale tables (a rule changed, a rule added) fail here: regenerate with ``python -m tests.rules.tracing --write``."""
    assert set(READS) == set(RULES), "every rule has a row in READS"
    assert TABLES.read_text(encoding="utf-8") == generate_tables(), \
        "workbench/rules/reads.py is stale: run python -m tests.rules.tracing --write"


def test_a_rule_with_policy_dependent_reads_declares_what_it_is_seen_reading_on_each_policy():
    for policy in sample_policies():
        seen = traced_reads([policy], DAY)
        for rid, reads in DYNAMIC_READS.items():
            missing = {s for s in seen[rid] if not s.startswith("?")} - READS[rid] - reads(policy)
            assert not missing, (rid, sorted(missing))


def test_an_open_follow_up_past_its_date_is_judged_again_when_its_field_is_answered():
    policy = starters.policy("saas-startup", 30)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    mine = lambda: [f for f in evaluator.report().findings if f.rule == "FUP-001" and f.subject == "FU-NEW"]  # noqa: E731
    editor.add(("follow_ups",), {"id": "FU-NEW", "question": "Where is the runbook of the third system?",
                                 "field": "systems[2].restore_procedure", "due": "2026-01-15"}, 0)
    editor.set("systems[2].restore_procedure", None)
    assert mine()
    _same(evaluator, policy)
    editor.set("systems[2].restore_procedure", "https://wiki.example.com/runbooks/restore")
    assert evaluator.last["how"] == "system"
    assert not mine()
    _same(evaluator, policy)
    editor.undo()
    assert mine()
    _same(evaluator, policy)


def test_an_edit_of_one_field_of_the_policy_section_reruns_only_the_rules_that_read_it():
    policy = starters.policy("healthcare-hipaa", 40)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    editor.set("policy.owner.name", "Dana Reyes")
    assert evaluator.last["field"] == "owner"
    assert evaluator.last["rules"] <= 8  # GOV-001, the vague-wording rule, ASK-001 and the exceptions
    _same(evaluator, policy)
    editor.set("policy.restore_test_interval", "3mo")
    _same(evaluator, policy)
    editor.undo()
    editor.undo()
    _same(evaluator, policy)


def test_an_edit_of_one_field_of_a_target_reruns_only_the_rules_that_read_it():
    policy = starters.policy("fintech-sox-pci", 40)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    editor.set("targets[0].region", "eu-central-1")
    assert evaluator.last["how"] == "section" and evaluator.last["field"] == "region"
    assert evaluator.last["rules"] < 20
    _same(evaluator, policy)
    editor.set("targets[0].id", "renamed-vault")  # an indexed field: every rule that reads targets
    assert evaluator.last["field"] is None
    _same(evaluator, policy)


def test_system_local_rules_are_rules_that_read_systems():
    for rid in SYSTEM_LOCAL:
        assert "systems" in READS[rid] and READS[rid] != ALL and RULES[rid].family != "exceptions", rid


@pytest.mark.parametrize("name", starters.STARTERS)
def test_evaluator_reports_what_evaluate_reports_on_each_starter(name):
    policy = load_template(name)
    _same(Evaluator(policy, DAY), policy)


def _tier_values(field: str) -> list:
    """Every value the starters give ``field`` of a tier, and none."""
    out = [None]
    for p in _STARTERS.values():
        for t in p.tiers:
            v = _plain(getattr(t, field))
            if v is not None and v not in out:
                out.append(v)
    return out


def _exposed(policy: Policy) -> Policy:
    """``policy`` with no copy that survives ransomware (no lock, online, in production's account): the
    disaster rules (RTO-002 ...) then have findings about the critical systems."""
    for t in policy.targets:
        t.immutability, t.isolated_account, t.offline = None, False, False
    return policy


@pytest.mark.parametrize("exposed", [False, True])
@pytest.mark.parametrize("name", starters.STARTERS)
def test_every_edit_of_a_tier_field_agrees_with_a_full_evaluation(name, exposed):
    """Each field of each tier set to every value a starter gives it (and cleared), on a replicated starter
    (and on one whose copies would not survive ransomware): the tier path (rules that read the field,
    system-local ones for the tier's systems alone) or, when the edit moves a tier's level, the whole section,
    always gives what a full evaluation gives."""
    from workbench.spec.model import Tier

    policy = starters.policy(name, 12)
    if exposed:
        _exposed(policy)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    hows = set()
    for i in range(len(policy.tiers)):
        for field in sorted(Tier.model_fields):
            if field == "id":
                continue
            for value in _tier_values(field):
                try:
                    editor.set(("tiers", i, field), value)
                except EditError:
                    continue
                hows.add(evaluator.last["how"])
                _same(evaluator, policy)
                editor.undo()
                _same(evaluator, policy)
    assert "tier" in hows


def test_a_question_about_a_tier_names_the_systems_that_inherit_from_it_after_an_edit_of_one_of_them():
    """COV-003 asks a tier with no RPO for one, naming the systems that inherit it: an edit of one system's own
    RPO changes that list, though the rule's findings about systems depend on each system alone."""
    policy = starters.policy("fintech-sox-pci", 12)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    editor.set("tiers[0].rpo", None)
    editor.set("tiers[0].rank", 0)
    t0 = [i for i, a in enumerate(policy.systems) if a.tier == policy.tiers[0].id and a.rpo is None]
    asked = lambda: [f.message for f in evaluator.report().findings if f.rule == "COV-003"]  # noqa: E731
    assert policy.systems[t0[0]].id in asked()[0]
    editor.set(("systems", t0[0], "rpo"), "1h")
    assert policy.systems[t0[0]].id not in asked()[0]
    _same(evaluator, policy)
    editor.undo()
    assert policy.systems[t0[0]].id in asked()[0]
    _same(evaluator, policy)


def _variants():
    """Every starter, replicated, with no restore test or role review on record (finalize's step 3 then
    gathers the evidence findings), and the real-policy corpus."""
    from .real_corpus import CORPUS
    from workbench.spec.io import load

    for name in starters.STARTERS:
        p = starters.policy(name, 30)
        yield p
        q = p.model_copy(deep=True)
        object.__setattr__(q, "restore_tests", [])
        for r in q.roles:
            r.last_review_on = None
        yield q
    for path in sorted(CORPUS.glob("*.yaml")):
        if path.name != "expected.yaml":
            yield load(path)


def test_finalizing_rule_by_rule_gives_what_finalize_gives_and_reuses_what_did_not_change():
    from workbench.rules.context import Context
    from workbench.rules.engine import _findings_of, finalize, finalize_by_rule

    for policy in _variants():
        ctx = Context(policy, DAY)
        by_rule = [(r.id, list(_findings_of(r, ctx))) for r in RULES.values() if r.family != "exceptions"]
        by_rule += [(r.id, list(_findings_of(r, ctx))) for r in RULES.values() if r.family == "exceptions"]
        every = [f for _, found in by_rule for f in found]
        want = [f.to_dict() for f in finalize(every, ctx)]
        memo: dict = {}
        assert [f.to_dict() for f in finalize_by_rule(by_rule, ctx, memo)] == want
        kept = {rid: got[1] for rid, got in memo.items() if rid != "ctx"}
        again = finalize_by_rule(by_rule, ctx, memo)
        assert [f.to_dict() for f in again] == want
        assert all(memo[rid][1] is done for rid, done in kept.items())  # nothing of theirs was redone
        # one rule's findings anew (equal, other objects): that rule is redone, the others reused
        rid = max(by_rule, key=lambda x: len(x[1]))[0]
        fresh = [(r, [copy.copy(f) for f in found] if r == rid else found) for r, found in by_rule]
        assert [f.to_dict() for f in finalize_by_rule(fresh, ctx, memo)] == want
        ctx.release()


SYSTEM_FIELDS_EDITED = ("environment", "rto", "rpo", "size_gb", "rebuild_hours", "region", "site", "account",
                        "data_classes", "regulatory_tags", "exclusion", "kind", "restore_procedure")


@pytest.mark.parametrize("name", starters.STARTERS)
def test_edits_of_systems_whose_copies_would_not_survive_a_disaster_agree_with_a_full_evaluation(name):
    """The system-local rules re-run for one system (RTO-002 among them) on a policy where they have findings:
    fields of every fifth system set to what another system of a starter says (and cleared)."""
    policy = _exposed(starters.policy(name, 12))
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    assert any("RTO-002" in f.rules for f in evaluator.report().findings)
    donors = [a for p in _STARTERS.values() for a in p.systems]
    for i in range(0, len(policy.systems), 5):
        for field in SYSTEM_FIELDS_EDITED:
            values = [None] + [_plain(getattr(d, field)) for d in donors[i % 7::9]]
            for value in values:
                try:
                    editor.set(("systems", i, field), value)
                except EditError:
                    continue
                _same(evaluator, policy)
                editor.undo()
    _same(evaluator, policy)


@pytest.mark.parametrize("exposed", [False, True])
@pytest.mark.parametrize("name", starters.STARTERS)
def test_moving_a_system_to_another_tier_agrees_with_a_full_evaluation(name, exposed):
    """Every third system moved to each tier in turn, to a tier that is not defined and to none: the context is
    built anew, the system-local rules re-run for that system alone (TEST-002 whole: a tier's latest passing
    test counts for all its systems)."""
    policy = starters.policy(name, 12)
    if exposed:
        _exposed(policy)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    for i in range(0, len(policy.systems), 3):
        for tier in [t.id for t in policy.tiers] + ["T9-undefined", None]:
            try:
                editor.set(("systems", i, "tier"), tier)
            except EditError:
                continue
            assert evaluator.last["how"] == "system tier"
            _same(evaluator, policy)
            editor.undo()
            _same(evaluator, policy)


@pytest.mark.parametrize("name", starters.STARTERS)
def test_moving_a_system_between_tiers_that_schedules_select_agrees_with_a_full_evaluation(name):
    """Schedules that back up every system of a tier ("all T1 systems daily"): a tier move changes the moved
    system's schedules and plan, and may leave a tier empty (its schedule then covers no system) or fill one. The
    context is kept and those worked out again, unless the system goes into or out of scope."""
    policy = starters.policy(name, 12)
    tiers = [t.id for t in policy.tiers]
    policy.schedules[0].tiers = tiers[:1]
    policy.schedules[1].tiers = tiers[1:2]
    policy.schedules[2].tiers = [tiers[-1], "T9-empty"]
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    hows = set()
    for i in range(0, len(policy.systems), 2):
        for tier in tiers + ["T9-empty", None]:
            try:
                editor.set(("systems", i, "tier"), tier)
            except EditError:
                continue
            hows.add(evaluator.last.get("kept"))
            _same(evaluator, policy)
            editor.undo()
            _same(evaluator, policy)
    assert "replanned" in hows


@pytest.mark.parametrize("name", starters.STARTERS)
def test_a_bulk_edit_of_the_tier_of_some_systems_agrees_with_a_full_evaluation(name):
    """The systems table's bulk edit: one group change setting the tier of several systems (a few, then most),
    undone and redone."""
    policy = _exposed(starters.policy(name, 12))
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    tiers = [t.id for t in policy.tiers]
    for step, rows in enumerate([range(0, len(policy.systems), 7), range(1, len(policy.systems), 2)]):
        with editor.group("Set the tier of several systems"):
            for k, i in enumerate(rows):
                editor.set(("systems", i, "tier"), tiers[(k + step) % len(tiers)])
        assert evaluator.last["how"] == "system tier"
        _same(evaluator, policy)
        editor.undo()
        _same(evaluator, policy)
        editor.redo()
        _same(evaluator, policy)


@pytest.mark.parametrize("exposed", [False, True])
@pytest.mark.parametrize("name", starters.STARTERS)
def test_adding_a_system_at_the_end_and_removing_the_last_agree_with_a_full_evaluation(name, exposed):
    """The systems table adds a system at the end (and undo removes it): every system of every starter added to
    this one in turn (a new id; its own id too, a repeat REF-001 reports, which takes the whole-section path),
    undone, redone, then removed by hand. No other system moves, so the system-local rules re-run for that
    system alone or drop their findings about it."""
    policy = starters.policy(name, 12)
    if exposed:
        _exposed(policy)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    hows = set()
    donors = [a for p in _STARTERS.values() for a in p.systems]
    for k, donor in enumerate(donors):
        item = _plain(donor)
        if k % 5:
            item["id"] = f"{item['id']}-added"
        editor.add(("systems",), item, len(policy.systems))
        hows.add(evaluator.last["how"])
        _same(evaluator, policy)
        editor.undo()
        hows.add(evaluator.last["how"])
        _same(evaluator, policy)
        editor.redo()
        _same(evaluator, policy)
        editor.remove(("systems", len(policy.systems) - 1))
        _same(evaluator, policy)
    assert {"last system added", "last system removed"} <= hows


@pytest.mark.parametrize("exposed", [False, True])
@pytest.mark.parametrize("name", starters.STARTERS)
def test_adding_or_removing_a_system_anywhere_agrees_with_a_full_evaluation(name, exposed):
    """A system added at the start, in the middle or before the last one, or removed from anywhere: every system
    after it moves by one, and the findings kept about them (system-local rules, VAGUE-001, REF-001) move their
    paths with them. Every system of every starter added in turn at a different place, undone, redone, then one
    system removed from another place; a repeated id takes the whole-section path. The last system's RPO is in
    words: VAGUE-001's finding quotes its path in its message, which moves too."""
    policy = starters.policy(name, 12)
    if exposed:
        _exposed(policy)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    editor.set(("systems", len(policy.systems) - 1, "rpo"), "as needed")
    hows = set()
    donors = [a for p in _STARTERS.values() for a in p.systems]
    for k, donor in enumerate(donors):
        item = _plain(donor)
        if k % 5:
            item["id"] = f"{item['id']}-added"
        editor.add(("systems",), item, (k * 5) % len(policy.systems))
        hows.add(evaluator.last["how"])
        _same(evaluator, policy)
        editor.undo()
        hows.add(evaluator.last["how"])
        _same(evaluator, policy)
        editor.redo()
        _same(evaluator, policy)
        editor.remove(("systems", (k * 3) % (len(policy.systems) - 1)))
        hows.add(evaluator.last["how"])
        _same(evaluator, policy)
        editor.undo()
        _same(evaluator, policy)
        editor.redo()
        _same(evaluator, policy)
    assert {"system added", "system removed"} <= hows


def test_a_duration_written_in_words_is_reported_and_cleared_whichever_path_the_edit_takes():
    """VAGUE-001 is skipped when a duration goes from one plain value to another; from or to words, it re-runs."""
    policy = starters.policy("saas-startup", 12)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    vague = lambda path: [f for f in evaluator.report().findings  # noqa: E731
                          if f.rule == "VAGUE-001" and any(p.startswith(path) for p in f.paths)]
    for path in ("tiers[0].rpo", "systems[3].rpo", "policy.review_interval", "targets[0].retention.max"):
        editor.set(path, "30m" if "retention" not in path else "35d")
        assert not vague(path)
        editor.set(path, "as needed")
        assert vague(path), path
        _same(evaluator, policy)
        editor.set(path, "45m" if "retention" not in path else "40d")
        assert not vague(path), path
        _same(evaluator, policy)
        editor.undo()
        assert vague(path)
        _same(evaluator, policy)


def test_whether_a_system_is_in_scope_depends_on_the_scope_fields_alone():
    """An edit of a system's field outside SCOPE_FIELDS keeps the context's systems in scope, and an edit of one
    of them skips the rules that read it only through the scope while the system stays in (or out of) scope:
    both rest on the scope reading no other field of a system."""
    from functools import cached_property

    from workbench.rules.context import Context
    from workbench.rules.incremental import SCOPE_FIELDS
    from workbench.spec.model import System

    seen: set[str] = set()
    fields = set(System.model_fields)
    plain = object.__getattribute__

    def recording(self, name):
        if name in fields:
            seen.add(name)
        return plain(self, name)

    for policy in sample_policies():
        ctx = Context(policy, DAY)
        System.__getattribute__ = recording
        try:
            Context.in_scope_systems.func(ctx)
            for a in policy.systems:
                ctx.in_scope(a)
        finally:
            del System.__getattribute__
    assert isinstance(Context.__dict__["in_scope_systems"], cached_property)
    assert seen and seen <= SCOPE_FIELDS, sorted(seen - SCOPE_FIELDS)


@pytest.mark.parametrize("name", starters.STARTERS)
def test_an_edit_that_moves_a_system_in_or_out_of_scope_agrees_with_a_full_evaluation(name):
    """Environment, data classes and exclusion of each system set so that it leaves scope and comes back (and
    to values that keep it where it is): the rules that read these fields only through the scope re-run exactly
    when the system's place moved."""
    policy = starters.policy(name, 12)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    moved = set()
    for i in range(len(policy.systems)):
        for path, value in [((("systems", i, "environment")), "dev"), (("systems", i, "data_classes"), ["public"]),
                            (("systems", i, "environment"), "prod"),
                            (("systems", i, "exclusion"), {"reason": "decommissioned", "approved_by": "CTO"}),
                            (("systems", i, "data_classes"), ["internal"]), (("systems", i, "environment"), "test")]:
            editor.set(path, value)
            moved.add(evaluator.last.get("scope_moved"))
            _same(evaluator, policy)
        for _ in range(6):
            editor.undo()
            _same(evaluator, policy)
    assert moved == {True, False}


def _donor_values(donors: list, field: str) -> list:
    """Cleared, then each distinct value ``field`` has among ``donors`` (CI: the first three of them)."""
    values = [None]
    for d in donors:
        v = _plain(getattr(d, field))
        if v not in values:
            values.append(v)
    return values if LONG else values[:4]


@pytest.mark.parametrize("exposed", [False, True])
@pytest.mark.parametrize("name", starters.STARTERS)
def test_every_edit_of_a_target_field_agrees_with_a_full_evaluation(name, exposed):
    """Each field of each target set to what a target of a starter says (and cleared), on a replicated starter
    (and on one whose copies would not survive ransomware): the TARGET_LOCAL rules re-run for the systems holding
    that target alone, and always give what a full evaluation gives."""
    from workbench.spec.model import Target

    policy = starters.policy(name, 12)
    if exposed:
        _exposed(policy)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    donors = [t for p in _STARTERS.values() for t in p.targets]
    local = 0
    for i in range(0, len(policy.targets), 1 if LONG else 3):  # CI: every third target
        for field in sorted(Target.model_fields):
            if field in ("id", "managed_by"):
                continue
            for value in _donor_values(donors, field):
                try:
                    editor.set(("targets", i, field), value)
                except EditError:
                    continue
                local += evaluator.last.get("rules_for_its_systems", 0)
                _same(evaluator, policy)
                editor.undo()
                _same(evaluator, policy)
    assert local


@pytest.mark.parametrize("exposed", [False, True])
@pytest.mark.parametrize("name", starters.STARTERS)
def test_every_edit_of_a_schedule_field_agrees_with_a_full_evaluation(name, exposed):
    """Each field of each schedule set to what a schedule of a starter says (and cleared), on a replicated
    starter (and on one whose copies would not survive ransomware): the schedule path re-runs the
    SCHEDULE_LOCAL rules for the systems the schedule covers, before or after the edit, and always gives what a
    full evaluation gives."""
    from workbench.spec.model import Schedule

    policy = starters.policy(name, 12)
    if exposed:
        _exposed(policy)
    evaluator = Evaluator(policy, DAY)
    editor = Editor(policy)
    evaluator.attach(editor)
    donors = [x for p in _STARTERS.values() for x in p.schedules] + list(policy.schedules[::5])
    hows, local = set(), 0
    for i in range(0, len(policy.schedules), 2 if LONG else 6):  # CI: every sixth schedule
        for field in sorted(Schedule.model_fields):
            for value in _donor_values(donors, field):
                try:
                    editor.set(("schedules", i, field), value)
                except EditError:
                    continue
                hows.add(evaluator.last["how"])
                local += evaluator.last.get("rules_for_its_systems", 0) if evaluator.last["how"] == "schedule" else 0
                _same(evaluator, policy)
                editor.undo()
                _same(evaluator, policy)
    assert "schedule" in hows and local
