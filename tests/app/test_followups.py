""""Don't know yet" -> follow-up -> the list sent to the client (no Textual)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from workbench.app.followups import (
    CSV_COLUMNS, answered_follow_ups, follow_up_for, follow_ups_csv, follow_ups_markdown, open_follow_ups,
)
from workbench.app.questions import load_questions, next_question, progress
from workbench.rules import evaluate
from workbench.spec.edit import Editor
from workbench.spec.model import Policy

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def interview():
    return load_questions()


def _client() -> Policy:
    return Policy.model_validate({
        "organization": {"name": "Acme | Partners"},
        "tiers": [{"id": "T1"}],
        "systems": [{"id": "prod-db"}, {"id": "crm"}],
    })


def test_dont_know_becomes_an_open_follow_up_naming_the_item(interview):
    p = _client()
    editor = Editor(p)
    q = interview.by_path("systems[*].tier")
    fu = follow_up_for(q, "systems[1].tier", editor, owner="Dana (CTO)", due="2026-12-10",
                       note="check the BIA spreadsheet")
    editor.add("follow_ups", fu)
    stored = p.follow_ups[0]
    assert (stored.id, stored.field, stored.owner, stored.due, stored.status) == (
        "FU-001", "systems[1].tier", "Dana (CTO)", dt.date(2026, 12, 10), "open")
    assert stored.question.startswith("crm: Which tier is this system in?")
    assert "check the BIA spreadsheet" in stored.question + str(getattr(stored, "note", ""))
    second = follow_up_for(interview.by_path("organization.description"), "organization.description", p)
    assert second.id == "FU-002" and second.question == interview.by_path("organization.description").text
    # the interview no longer offers it, and says it is waiting
    report = evaluate(p, TODAY)
    assert next_question(interview, p, report).path != "systems[1].tier"
    assert progress(interview, p, report).deferred == 1
    assert open_follow_ups(p) == [(0, stored)]


def test_a_bad_due_date_is_refused_with_what_to_write(interview):
    q = interview.by_path("organization.name")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        follow_up_for(q, "organization.name", Policy(), due="next Tuesday")


def test_a_follow_up_whose_field_got_an_answer_is_reported_answered(interview):
    p = _client()
    editor = Editor(p)
    editor.add("follow_ups", follow_up_for(interview.by_path("systems[*].owner"), "systems[0].owner", p))
    assert answered_follow_ups(p, interview) == []
    editor.set("systems[0].owner", "Platform team")
    assert answered_follow_ups(p, interview) == [0]


def _with_follow_ups(interview) -> Policy:
    p = _client()
    editor = Editor(p)
    editor.add("follow_ups", follow_up_for(interview.by_path("systems[*].tier"), "systems[0].tier", p,
                                           owner="Dana, CTO", due=dt.date(2026, 12, 20),
                                           note='Ask about "gold" systems,\nthen the BIA'))
    editor.add("follow_ups", follow_up_for(interview.by_path("tiers[*].rpo"), "tiers[0].rpo", p,
                                           owner="Sam | Ops", due=dt.date(2026, 12, 1)))
    editor.add("follow_ups", follow_up_for(interview.by_path("policy.owner.name"), "policy.owner.name", p))
    editor.add("follow_ups", {"question": "Old one", "status": "answered"})
    return p


def test_markdown_lists_open_follow_ups_soonest_first_with_overdue_marked(interview):
    md = follow_ups_markdown(_with_follow_ups(interview), today=TODAY, interview=interview)
    lines = md.splitlines()
    assert lines[0] == r"# Open questions for Acme \| Partners"
    assert "3 open questions, 1 overdue." in md
    table = [ln for ln in lines if ln.startswith("| ")]
    assert table[0] == "| Id | Question | Topic | Who answers | By when | Note |"  # ids match the CSV's
    rows = table[1:]
    assert len(rows) == 3 and all(r.count(" | ") == 5 for r in rows)  # no cell broke the table
    assert rows[0].startswith("| FU-002 | T1: How much recent data could this tier lose") and "2026-12-01 (overdue)" in rows[0]
    assert r"Sam \| Ops" in rows[0] and "Tiers and objectives" in rows[0]
    assert "Dana, CTO" in rows[1] and "2026-12-20 |" in rows[1]
    assert 'Ask about "gold" systems,<br>then the BIA' in rows[1]
    assert "not assigned" in rows[2] and "not set" in rows[2]
    assert "Old one" not in md


def test_follow_ups_due_the_same_day_are_listed_in_the_order_they_are_numbered(interview):
    """A client's own ids (Q1 ... Q10) and the workbench's (FU-002) came out FU-002, Q1, Q10, Q2."""
    from workbench.app.followups import follow_up_rows
    from workbench.spec.model import FollowUp

    p = Policy.model_validate({"organization": {"name": "Acme"}})
    p.follow_ups = [FollowUp(id=i, question=f"question {i}", due="2026-12-20") for i in ("Q10", "FU-002", "Q2", "Q1",
                                                                                        "FU-010")]
    assert [r.id for r in follow_up_rows(p, today=TODAY, interview=interview)] == ["FU-002", "FU-010", "Q1", "Q2",
                                                                                   "Q10"]


def test_markdown_with_nothing_open_says_so(interview):
    md = follow_ups_markdown(_client(), interview=interview)
    assert "No open questions" in md and "|" not in md.replace(r"\|", "")


def test_csv_quotes_commas_quotes_and_line_breaks_and_reads_back(interview):
    text = follow_ups_csv(_with_follow_ups(interview), interview=interview)
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
    assert '"Dana, CTO"' in text
    assert '"Ask about ""gold"" systems,\nthen the BIA"' in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["id"] for r in rows] == ["FU-002", "FU-001", "FU-003"]
    first, second = rows[0], rows[1]
    assert first["who"] == "Sam | Ops" and first["due"] == "2026-12-01" and first["field"] == "tiers[0].rpo"
    assert second["note"] == 'Ask about "gold" systems,\nthen the BIA'
    assert second["question"] == "prod-db: Which tier is this system in?"
    assert second["topic"] == "Systems in scope"
    assert all(r["status"] == "open" for r in rows)


def test_an_item_inside_a_section_is_named_too():
    """The next-question notice said "Next question" for an alert's question (monitoring.alerts[0].pages), so at
    80x24 a person could not tell which alert the field below belonged to."""
    from workbench.app.followups import item_in_words
    from workbench.spec.model import Policy

    p = Policy.model_validate({"systems": [{"id": "ehr"}],
                               "monitoring": {"alerts": [{"event": "job_failed"}, {"event": "job_missed"}]}})
    assert item_in_words(p, "monitoring.alerts[1].pages") == "alert job_missed"
    assert item_in_words(p, "systems[0].tier") == "system ehr"
    assert item_in_words(p, "organization.name") == ""


def test_a_new_follow_up_is_numbered_as_the_policys_own_are(interview):
    """A reviewer saw FU-1 and FU-4 from the starter and a new FU-005: two series at a glance."""
    q = interview.by_path("organization.description")
    for existing, expected in ((["FU-1", "FU-4"], "FU-5"), (["FU-004"], "FU-005"), ([], "FU-001")):
        p = _client()
        editor = Editor(p)
        for fid in existing:
            editor.add("follow_ups", {"id": fid, "question": "q", "status": "open"})
        assert follow_up_for(q, "organization.description", editor).id == expected
