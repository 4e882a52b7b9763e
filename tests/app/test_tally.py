"""The answers counted edit by edit (what the progress line and step list show) equal a full count."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.app import questions as Q
from workbench.spec.edit import EditError, Editor
from workbench.templates import load_template

INTERVIEW = Q.load_questions()
REQUIRED = [q for q in INTERVIEW.questions if not q.optional]

#: Answers typed into one system: each changes what is counted for it (kind and provider decide which
#: questions apply; the others are answered or cleared).
SYSTEM_ANSWERS = [
    ("kind", ["db", "saas", "vm", "endpoint"]),
    ("provider", ["aws", "on_prem", None]),
    ("region", ["us-east-1", None]),
    ("site", ["Dublin office", None]),
    ("owner", ["platform-team", "", None]),
    ("regulatory_tags", [["hipaa"], []]),
    ("records_retention_via", ["system_of_record", None]),
]

edit = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 30), st.sampled_from(range(len(SYSTEM_ANSWERS))), st.integers(0, 3)),
    st.tuples(st.just("add"), st.integers(0, 30)),
    st.tuples(st.just("remove"), st.integers(0, 30)),
    # the tables' bulk edit and delete of selected rows: one change of several edits
    st.tuples(st.just("bulk"), st.lists(st.integers(0, 30), min_size=1, max_size=4), st.integers(0, 3)),
    st.tuples(st.just("delete rows"), st.lists(st.integers(0, 30), min_size=1, max_size=3)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
    st.tuples(st.just("policy"), st.sampled_from(["Analytics", None])),
    st.tuples(st.just("count")),
)


def _apply(editor: Editor, e: tuple) -> None:
    n = len(editor.policy.systems)
    if e[0] == "set" and n:
        name, values = SYSTEM_ANSWERS[e[2]]
        editor.set(f"systems[{e[1] % n}].{name}", values[e[3] % len(values)])
    elif e[0] == "add":
        editor.add("systems", {"id": f"added-{e[1]}-{n}", "kind": "db", "tier": "T1"}, min(e[1], n))
    elif e[0] == "remove" and n:
        editor.remove(f"systems[{e[1] % n}]")
    elif e[0] == "bulk" and n:
        editor.apply_many("bulk", [("set", f"systems[{i % n}].owner", ["ops", "", None, "it"][e[2]]) for i in e[1]])
    elif e[0] == "delete rows" and n:
        rows = sorted({i % n for i in e[1]}, reverse=True)
        editor.apply_many("delete", [("remove", f"systems[{i}]") for i in rows])
    elif e[0] == "undo":
        editor.undo()
    elif e[0] == "redo":
        editor.redo()
    elif e[0] == "policy":
        editor.set("organization.description", e[1])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, max_size=25))
def test_counting_only_what_an_edit_touched_always_equals_a_full_count(edits):
    policy = load_template("saas-startup")
    tally = Q.Tally(INTERVIEW.questions)
    editor = Editor(policy, tally.changed)
    assert tally.counts(policy) == Q._tally(REQUIRED, policy)
    for e in edits:
        try:
            _apply(editor, e)
        except EditError:
            continue  # refused: the policy is unchanged
        if e[0] == "count":
            assert tally.counts(policy) == Q._tally(REQUIRED, policy)
    assert tally.counts(policy) == Q._tally(REQUIRED, policy)


def test_an_edit_landing_while_counting_is_counted_on_the_next_call(monkeypatch):
    policy = load_template("saas-startup")
    tally = Q.Tally(INTERVIEW.questions)
    editor = Editor(policy, tally.changed)
    tally.counts(policy)
    real = Q._Group.count
    landed = []

    def edit_meanwhile(self, item):  # the person clears system 2's owner while system 0 is being counted
        if not landed:
            landed.append(editor.set("systems[2].owner", None))
        return real(self, item)

    editor.set("systems[0].owner", "someone")
    monkeypatch.setattr(Q._Group, "count", edit_meanwhile)
    tally.counts(policy)
    assert landed
    monkeypatch.setattr(Q._Group, "count", real)
    assert tally.counts(policy) == Q._tally(REQUIRED, policy)


def test_waiting_on_follow_ups_counts_the_open_answers_a_follow_up_holds():
    policy = load_template("saas-startup")
    before = Q.progress(INTERVIEW, policy).deferred  # the starter's own follow-ups
    editor = Editor(policy)
    editor.set("systems[1].owner", None)   # open, and waiting on a follow-up
    editor.set("systems[2].owner", None)   # open, no follow-up
    for i, field in enumerate(["systems[1].owner", "systems[3].owner",  # answered: not waiting
                               "systems[99].owner", "systems[1].site"]):  # no such system; does not apply
        editor.add("follow_ups", {"id": f"FU-T{i + 1}", "question": "Who owns it?", "field": field,
                                  "owner": "Dana", "status": "open"})
    prog = Q.progress(INTERVIEW, policy)
    assert prog.deferred == before + 1
    walked = sum(1 for q in REQUIRED for *_, waiting in Q._open_paths(q, policy, Q._deferred(policy)) if waiting)
    assert prog.deferred == walked
