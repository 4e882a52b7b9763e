""""Don't know yet" as an answer: follow-ups, and the list sent to a client after the meeting.

A question the person cannot answer now becomes a :class:`~workbench.spec.model.FollowUp` in the spec
(``follow_ups``): the question in plain words, the field it concerns, who will answer and by when. The
interview then stops asking it (see ``next_question``) until the follow-up is answered or dropped.

Pure functions: they build values and return text; the app adds the FollowUp through the Editor and
writes exported files through the store.

    fu = follow_up_for(question, "systems[3].tier", policy, owner="Dana (CTO)", due=date(2026, 12, 10),
                       note="check the BIA spreadsheet")
    editor.add("follow_ups", fu)
    follow_ups_markdown(policy, today=date.today())   # ready to paste in an email
    follow_ups_csv(policy)                            # ready to open in a spreadsheet
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any, Optional

from workbench.spec.edit import EditError, Editor
from workbench.spec.followups import SINGULAR as _SINGULAR
from workbench.spec.model import FollowUp, Policy

from .questions import Interview, Question, is_answered, load_questions, step_for_path

__all__ = [
    "FollowUpRow", "answered_follow_ups", "follow_up_for", "follow_up_rows", "follow_ups_csv",
    "follow_ups_markdown", "open_follow_ups",
]

#: Where a note goes when the spec's FollowUp has no ``note`` field: after the question, behind this marker.
NOTE_MARK = "\n\nNote: "
_ID = re.compile(r"^FU-(\d+)$")


def follow_up_for(question: Question, path: str, policy: Policy | Editor, *, owner: str | None = None,
                  due: dt.date | str | None = None, note: str | None = None) -> FollowUp:
    """The FollowUp recording "don't know yet" for ``question`` at ``path`` (a concrete path, e.g.
    ``systems[3].tier``): the question in plain words (naming the item it is about), who will answer, by when,
    and the note. Its id is the next free ``FU-nnn``. Raises ValueError for a date that is not YYYY-MM-DD."""
    editor = policy if isinstance(policy, Editor) else Editor(policy)
    text = _plain_question(question, path, editor)
    note = (note or "").strip() or None
    data: dict[str, Any] = {
        "id": _next_id(editor.policy),
        "question": text,
        "field": path,
        "owner": (owner or "").strip() or None,
        "due": _date(due),
        "status": "open",
    }
    if note:
        if "note" in FollowUp.model_fields:
            data["note"] = note
        else:  # the spec keeps no note of its own yet: keep it with the question, never drop it
            data["question"] = text + NOTE_MARK + note
    return FollowUp.model_validate(data)


def kind_in_words(list_path: str) -> str:
    """What one item of a list is called: ``restore_tests`` -> "restore test", ``targets`` -> "copy"."""
    head = list_path.rsplit(".", 1)[-1]
    return _SINGULAR.get(head, head.rstrip("s").replace("_", " "))


def item_in_words(policy: Policy, path: str) -> str:
    """The item a path is about, as a person names it (``systems[2].tier`` is "system email"); "" for a
    policy-wide path."""
    found = list(re.finditer(r"([a-z_]+)\[(\d+)\]", path or ""))
    if not found:
        return ""
    last = found[-1]  # the innermost item: monitoring.alerts[1].pages is about alert 2
    head, index = last.group(1), int(last.group(2))
    try:
        item = Editor(policy).get(path[: last.end()])
    except EditError:
        item = None
    # an alert has no id: its event names it ("alert lock_changed"), an evidence source its kind; a test, its place
    name = getattr(item, "id", None) or getattr(item, "name", None) or getattr(item, "event", None) \
        or getattr(item, "kind", None) or f"#{index + 1}"
    return f"{_SINGULAR.get(head, head.rstrip('s').replace('_', ' '))} {name}"


def open_follow_ups(policy: Policy) -> list[tuple[int, FollowUp]]:
    """(index in ``follow_ups``, follow-up) of every open follow-up, in the spec's order."""
    return [(i, f) for i, f in enumerate(policy.follow_ups) if f.status == "open"]


def answered_follow_ups(policy: Policy, interview: Interview | None = None) -> list[int]:
    """Indexes of open follow-ups whose field now holds an answer (the app may mark them ``answered``)."""
    interview = interview or load_questions()
    editor = Editor(policy)
    out = []
    for i, f in open_follow_ups(policy):
        if not f.field:
            continue
        q = interview.by_path(f.field)
        try:
            answered = is_answered(q, editor, f.field) if q is not None else editor.get(f.field) is not None
        except EditError:
            answered = False
        if answered:
            out.append(i)
    return out


# ----------------------------------------------------------------------------
# The list for the client
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class FollowUpRow:
    id: str
    question: str
    topic: str                 # the interview step it belongs to, e.g. "Systems in scope"
    field: str
    owner: str
    due: Optional[dt.date]
    status: str
    note: str
    overdue: bool


def follow_up_rows(policy: Policy, *, today: dt.date | None = None, interview: Interview | None = None,
                   include_closed: bool = False) -> list[FollowUpRow]:
    """The follow-ups to send, soonest due first (undated last), open ones only unless asked."""
    interview = interview or load_questions()
    rows = []
    for i, f in enumerate(policy.follow_ups):
        if f.status != "open" and not include_closed:
            continue
        question, note = _split_note(f)
        loc = step_for_path(f.field, interview) if f.field else None
        rows.append(FollowUpRow(
            f.id or f"#{i + 1}", question, loc.step.title if loc else "", f.field or "", (f.owner or "").strip(),
            f.due, f.status, note, bool(today and f.due and f.due < today and f.status == "open"),
        ))
    rows.sort(key=lambda r: (r.due is None, r.due or dt.date.max, _natural(r.id)))
    return rows


def follow_ups_markdown(policy: Policy, *, today: dt.date | None = None, interview: Interview | None = None,
                        title: str | None = None) -> str:
    """The open follow-ups as a Markdown document: a heading, one line saying how many and who answers,
    and a table (question, who, by when, note). Cell text is escaped so a '|' or a line break in an
    answer cannot break the table."""
    rows = follow_up_rows(policy, today=today, interview=interview)
    org = (policy.organization.name or "").strip()
    heading = title or ("Open questions" + (f" for {org}" if org else ""))
    lines = [f"# {_md_text(heading)}", ""]
    if today:
        lines += [f"As of {today.isoformat()}.", ""]
    if not rows:
        lines.append("No open questions: every follow-up from the interview has been answered.")
        return "\n".join(lines) + "\n"
    overdue = sum(r.overdue for r in rows)
    summary = f"{len(rows)} open question{'' if len(rows) == 1 else 's'}"
    if overdue:
        summary += f", {overdue} overdue"
    lines += [summary + ". Please reply with the answer, or tell us who else can answer.", ""]
    lines.append("| Id | Question | Topic | Who answers | By when | Note |")
    lines.append("|---|---|---|---|---|---|")
    for n, r in enumerate(rows, 1):
        due = r.due.isoformat() if r.due else "not set"
        if r.overdue:
            due += " (overdue)"
        lines.append("| " + " | ".join([
            _md_cell(r.id or str(n)), _md_cell(r.question), _md_cell(r.topic), _md_cell(r.owner or "not assigned"), due,
            _md_cell(r.note),
        ]) + " |")
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ("id", "question", "topic", "who", "due", "status", "note", "field")


def follow_ups_csv(policy: Policy, *, today: dt.date | None = None, interview: Interview | None = None,
                   include_closed: bool = False) -> str:
    """The follow-ups as CSV text (RFC 4180: commas, quotes and line breaks inside a value are quoted),
    one row each, with a header row; ready to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in follow_up_rows(policy, today=today, interview=interview, include_closed=include_closed):
        writer.writerow([r.id, r.question, r.topic, r.owner, r.due.isoformat() if r.due else "", r.status,
                         r.note, r.field])
    return out.getvalue()


# ----------------------------------------------------------------------------
# Internals
# ----------------------------------------------------------------------------
def _plain_question(question: Question, path: str, editor: Editor) -> str:
    """The question as asked, naming the item for a per-item question: "prod-db: Which tier is this system in?"."""
    label = _item_label(path, editor)
    return f"{label}: {question.text}" if label else question.text


def _item_label(path: str, editor: Editor) -> str:
    end = path.rfind("]")
    if end < 0:
        return ""
    base = path[: end + 1]
    try:
        item = editor.get(base)
    except EditError:
        return ""
    for name in ("id", "system", "event", "kind", "rule"):
        value = getattr(item, name, None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    index = int(re.findall(r"\[(\d+)\]", base)[-1])
    section = re.sub(r"\[\d+\]", "", base).split(".")[-1].replace("_", " ")
    return f"{section} {index + 1}"


def _next_id(policy: Policy) -> str:
    """The next follow-up id, written as the policy's own are: FU-5 after FU-1 and FU-4, FU-005 after FU-004
    (a list mixing FU-4 and FU-005 read as two series); FU-001 in a policy with none yet."""
    digits = [m.group(1) for f in policy.follow_ups if f.id and (m := _ID.match(f.id))]
    width = 3 if not digits or any(d.startswith("0") for d in digits) else 1
    return f"FU-{max((int(d) for d in digits), default=0) + 1:0{width}d}"


def _natural(fid: str) -> tuple:
    """Ids in the order people number them: Q2 before Q10, FU-002 before FU-010."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", fid) if part)


def _date(value: dt.date | str | None) -> Optional[dt.date]:
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-10") from None


def _split_note(f: FollowUp) -> tuple[str, str]:
    note = getattr(f, "note", None) or ""
    question = f.question
    if NOTE_MARK in question:
        question, _, kept = question.partition(NOTE_MARK)
        note = "\n".join(x for x in (kept, note) if x)
    return question.strip(), note.strip()


def _md_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def _md_cell(text: str) -> str:
    """Table cell: escaped Markdown, line breaks as <br> so one value stays in one cell."""
    return "<br>".join(_md_text(line.strip()) for line in (text or "").splitlines() if line.strip())
