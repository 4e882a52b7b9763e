"""The view model: the policy and its findings as plain strings, built once.

Every output format (Markdown, HTML, Word) walks the same structure, so a
statement reads the same everywhere. The structure is deliberately dull:

``{"title", "control": [row], "sections": [section], "open_cell", ...}``
where a section is ``{"id", "number", "title", "blocks": [block]}`` and a
block is one of::

    {"kind": "p",     "text": str}                      a statement
    {"kind": "gap",   "text": str}                      "Not yet decided: ..."
    {"kind": "ul",    "items": [str]}
    {"kind": "h",     "level": 2|3, "text": str}        sub-heading inside a section
    {"kind": "table", "columns": [str], "rows": [[str]]}

All text is plain: user answers are never markup and never template code.
Escaping is the job of each format. The wording comes from
``policy_templates/documents/wording.yaml``.

Nothing here invents a value: a question without an answer becomes a visible
"Not yet decided" marker plus an entry in the open items, keyed by its field
path so that the gap engine's own unanswered findings are not listed twice.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from workbench.resources import documents_dir
from workbench.rules.context import Context
from workbench.spec.durations import Duration

#: The policy: (section id, level). Level-2 sections are the numbered parts of "Policy statements".
POLICY_SECTIONS = (
    ("purpose", 1), ("scope", 1), ("definitions", 1), ("roles", 1), ("statements", 1),
    ("tiers", 2), ("schedules", 2), ("copies", 2), ("immutability", 2), ("retention", 2), ("encryption", 2),
    ("access", 2), ("testing", 2), ("monitoring", 2), ("disposal", 2),
    ("exceptions", 1), ("enforcement", 1), ("related", 1), ("review", 1), ("revisions", 1), ("mapping", 1),
)
SECTION_ORDER = tuple(sid for sid, _ in POLICY_SECTIONS)
#: Finding kinds that ask a question rather than report a gap ("unanswered" is the older name of "question").
QUESTION_KINDS = ("question", "unanswered")


def questions(report) -> list:
    """The open findings that ask a question (whatever the engine calls that kind)."""
    return [f for f in report.open if f.kind in QUESTION_KINDS]


@lru_cache(maxsize=8)
def _load_yaml(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def load_data(name: str, folder: Path | None = None) -> dict:
    """A YAML file from the document templates folder (cached until it changes)."""
    path = (folder or documents_dir()) / name
    return _load_yaml(str(path), path.stat().st_mtime)


#: A field path of an item in a finding's message ("tiers[2].restore_test_interval", "targets[0].retention.daily").
_ITEM_PATH = re.compile(r"\b[a-z_]+\[\d+\](?:\.[a-z_]+(?:\[\d+\])?)*")


class Writer:
    """Turns answers into sentences and cells; remembers every open question and the section that asked it."""

    def __init__(self, policy, report, wording: dict, history: Optional[list[dict]] = None):
        self.policy = policy
        self.report = report
        self.as_of: dt.date = report.as_of
        self.ctx = Context(policy, report.as_of)
        self.words = wording
        self.doc = wording.get("document", {})
        self.say_ = wording.get("say", {})
        self.history = history
        self.section = ""                        # the section being written (open items remember it)
        self.open: dict[str, dict] = {}          # field path -> open item
        #: fields the gap engine asks about: always shown as pending where they appear
        self.asked: set[str] = {p for f in questions(report) for p in f.paths}
        self.open_cell = self.doc.get("open_cell", "Pending")
        self.dash = self.doc.get("not_stated", "Not specified")
        self.framework_names: dict[str, str] = {}
        self.terms: dict[str, str] = {str(k): str(v) for k, v in (wording.get("terms") or {}).items()}
        self._human: dict[tuple, str] = {}
        self._labels: dict[Optional[str], str] = {}
        self.follow = [f for f in policy.follow_ups if f.field and f.status == "open"]

    def finding_words(self, message: str) -> str:
        """A finding's message or fix for a client: the spec's words in plain words ("holds delete_recovery_point"
        reads "holds delete backups"), the policy's own ids (a system called ``prod_db``) as written."""
        keep = self.__dict__.get("_ids")
        if keep is None:
            from workbench.spec.refs import ids_in

            keep = self.__dict__["_ids"] = ids_in(self.policy)
        from workbench.rules.wording import in_plain_words
        from workbench.spec.followups import path_in_words

        # "tiers[2].restore_test_interval says ..." reads "tier T3: restore test interval says ..."
        message = _ITEM_PATH.sub(lambda m: path_in_words(self.policy, m.group(0)), message)
        return in_plain_words(message, keep)

    # -- wording --------------------------------------------------------
    def say(self, key: str, **values: Any) -> str:
        """The sentence ``key`` of wording.yaml with ``values`` filled in as plain text."""
        pattern = self.say_.get(key, "")
        return pattern.format_map({k: ("" if v is None else str(v)) for k, v in values.items()})

    def word(self, key: str) -> str:
        return self.doc.get(key, key)

    def title_of(self, section: str) -> str:
        return self.words.get("sections", {}).get(section, {}).get("title", section)

    # -- names ------------------------------------------------------------
    def system(self, sid: str) -> str:
        """A system's display name: its ``name``, else its id."""
        a = self.ctx.systems.get(sid)
        return a.name if a is not None and a.name else sid

    def target(self, tid: str) -> str:
        t = self.ctx.targets.get(tid)
        return t.name if t is not None and t.name else tid

    def key(self, kid: str) -> str:
        k = self.ctx.keys.get(kid)
        return k.name if k is not None and k.name else kid

    def role(self, rid: str) -> str:
        r = self.ctx.roles.get(rid)
        return r.name if r is not None and r.name else rid

    def person(self, pid: str) -> str:
        """A principal's name (or a role's, or a key's), else the id as written."""
        pr = self.ctx.principals.get(pid)
        if pr is not None and pr.name:
            return pr.name
        if pid in self.ctx.roles:
            return self.role(pid)
        return pid

    def vendor(self, vid: str) -> str:
        for v in self.policy.vendors:
            if v.id == vid:
                return v.name or vid
        return vid

    # -- open items -------------------------------------------------------
    def ask(self, what: str, path: str) -> None:
        """Record an unanswered question (once per field path), in the section being written."""
        key = path or what
        item = self.open.get(key)
        if item is None:
            self.open[key] = {"what": what, "path": path, "section": self.section}
        else:  # the last section that asks owns the question (the tiers section, not the scope table)
            item["section"] = self.section

    def gap(self, what: str, path: str) -> Optional[dict]:
        """Record an open item; the section states it once, in its pending-decisions sentence."""
        self.ask(what, path)
        return None

    def follow_up(self, path: str):
        """The open follow-up that concerns ``path``: the same field, a part of it, or the field it is part of."""
        if not path:
            return None
        best = None
        for f in self.follow:
            if f.field == path:
                return f
            if best is None and (path.startswith(f.field + ".") or path.startswith(f.field + "[")
                                 or f.field.startswith(path + ".") or f.field.startswith(path + "[")):
                best = f
        return best

    def pending(self, section: str) -> list[dict]:
        """One sentence naming the decisions still pending in ``section``, each with who decides and by when."""
        items = [item for item in self.open.values() if item["section"] == section]
        if not items:
            return []
        limit = int(self.doc.get("pending_limit", 8))
        parts = [self._pending_part(item) for item in items[:limit]]
        if len(items) > limit:
            parts.append(self.say("pending_more", n=len(items) - limit))
        key = "pending_one" if len(parts) == 1 else "pending_many"
        return [{"kind": "pending", "text": self.say(key, items="; ".join(parts))}]

    def _pending_part(self, item: dict) -> str:
        fu = self.follow_up(item["path"])
        owner = fu.owner if fu is not None and fu.owner else None
        due = fu.due.isoformat() if fu is not None and fu.due else None
        key = ("pending_owner_due" if owner and due else "pending_owner" if owner
               else "pending_due" if due else "pending_unassigned")
        return self.say(key, what=item["what"], owner=owner, due=due)

    # -- values -----------------------------------------------------------
    def dur(self, d: Optional[Duration], what: str, path: str, required: bool = True) -> Optional[str]:
        """Words for a duration, or None (and an open item) when unknown or vague."""
        if d is None:
            if required:
                self.ask(what, path)
            return None
        if d.vague:
            if what:
                self.ask(self.doc.get("vague_what", "{what}").format(what=what, text=d.text), path)
            return None
        return self.human(d)

    def human(self, d: Duration) -> str:
        """``d.human()``, cached: large inventories repeat the same few durations."""
        key = (d.months, d.seconds, d.text, d.said)  # "every business day" and 3d: one length, two wordings
        text = self._human.get(key)
        if text is None:
            text = self._human[key] = d.human()
        return text

    def cadence(self, d: Optional[Duration], what: str, path: str, required: bool = True) -> Optional[str]:
        """Like :meth:`dur`, worded to follow "every": "month" rather than "1 month"."""
        text = self.dur(d, what, path, required)
        if text and text.startswith("1 ") and " " not in text[2:]:
            return text[2:]
        return text

    def dur_cell(self, d: Optional[Duration], what: str, path: str, required: bool = True) -> str:
        required = required or (bool(path) and path in self.asked)
        text = self.dur(d, what, path, required)
        if text is not None:
            return text
        if d is not None and d.vague:
            return self.doc.get("vague_cell", "{text}").format(text=d.text)
        return self.open_cell if required else self.dash

    def cell(self, value: Any, what: str = "", path: str = "", required: bool = False) -> str:
        """A table cell: the answer as text, else a pending marker (required or asked) or "not specified"."""
        if type(value) is str and value:
            return value
        if value is None or value == "" or value == []:
            required = required or (path in self.asked)
            if required:
                self.ask(what, path)
                return self.open_cell
            return self.dash
        if isinstance(value, bool):
            return self.word("true_text") if value else self.word("false_text")
        if isinstance(value, (dt.date,)):
            return value.isoformat()
        if isinstance(value, Duration):
            return self.dur_cell(value, what, path, required)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def plain(self, value: str) -> str:
        """A closed-vocabulary word in the document's words; an unknown one with its underscores as spaces."""
        text = self.terms.get(value)
        if text is not None:
            return text
        return value.replace("_", " ") if "_" in value and " " not in value else value

    def term(self, value: Any, what: str = "", path: str = "", required: bool = False) -> str:
        """A cell for a closed-vocabulary answer (or a list of them), in words from wording.yaml."""
        if isinstance(value, (list, tuple)):
            value = [self.plain(v) for v in value]
        elif isinstance(value, str):
            value = self.plain(value)
        return self.cell(value, what, path, required)

    def tier_label(self, tier_id: Optional[str]) -> str:
        """"Tier T1 (Business-critical)", cached per tier id."""
        label = self._labels.get(tier_id)
        if label is None:
            label = self._labels[tier_id] = self._tier_label(tier_id)
        return label

    def _tier_label(self, tier_id: Optional[str]) -> str:
        t = self.ctx.tiers.get(tier_id) if tier_id else None
        if t is None:
            return tier_id or ""
        tid = t.id[1:] if re.fullmatch(r"[Tt]\d+", t.id) else t.id[4:].strip() if t.id.lower().startswith("tier") else t.id
        return f"Tier {tid} ({t.name})" if t.name else f"Tier {tid}"


def _numbered(w: Writer, layout, built: dict[str, list[dict]], unnumbered=("mapping",)) -> list[dict]:
    """Sections with their numbers ("5", "5.2") and titles, the intro of wording.yaml first."""
    out, major, minor = [], 0, 0
    for sid, level in layout:
        title = w.title_of(sid)
        intro = w.words.get("sections", {}).get(sid, {}).get("intro")
        blocks = ([{"kind": "p", "text": intro}] if intro else []) + built[sid]
        if sid in unnumbered:
            number = ""
        elif level == 1:
            major, minor = major + 1, 0
            number = str(major)
        else:
            minor += 1
            number = f"{major}.{minor}"
        out.append({"id": sid, "number": number, "level": level,
                    "title": f"{number}. {title}" if number and level == 1 else f"{number} {title}" if number else title,
                    "blocks": blocks})
    return out


def build(policy, report, *, history: Optional[list[dict]] = None, folder: Path | None = None) -> dict:
    """The view model of the written policy for ``policy`` and its ``report`` (see the module docstring)."""
    return build_with_writer(policy, report, history=history, folder=folder)[0]


def build_with_writer(policy, report, *, history: Optional[list[dict]] = None,
                      folder: Path | None = None) -> tuple[dict, "Writer"]:
    """The policy's view model and the writer that built it (its open items feed the readiness report)."""
    from . import sections

    w = Writer(policy, report, load_data("wording.yaml", folder), history)
    criteria = load_data("criteria.yaml", folder)
    w.framework_names = criteria.get("frameworks", {})
    w.section = "control"
    control = sections.control(w)
    built: dict[str, list[dict]] = {}
    for sid, _ in POLICY_SECTIONS:
        w.section = sid
        built[sid] = (sections.mapping(w, criteria) if sid == "mapping" else getattr(sections, sid)(w))
    for sid, _ in POLICY_SECTIONS:
        built[sid] = [b for b in built[sid] if b is not None] + w.pending(sid)
    pending_control = w.pending("control")
    if pending_control:  # document-control questions are stated under review and approval
        built["review"] = built["review"] + pending_control
    view = _frame(w, policy, report, "policy")
    view.update(control=control, sections=_numbered(w, POLICY_SECTIONS, built), open_count=len(w.open))
    return view, w


def _frame(w: Writer, policy, report, kind: str) -> dict:
    """What every document shares: title, organization, header and footer, date."""
    g = policy.policy
    policy_title = g.title or w.word("default_title")
    title = policy_title if kind == "policy" else w.word("report_title")
    version = g.version or (w.history[-1].get("version") if w.history else None)
    header = [x for x in (policy.organization.name, policy_title if kind == "policy" else title) if x]
    footer = [x for x in (g.id, f"{w.word('version_label')} {version}" if version else None, g.classification) if x]
    return {
        "kind": kind,
        "title": title,
        "subtitle": policy_title if kind != "policy" else "",
        "organization": policy.organization.name or "",
        "header": " · ".join(header),
        "footer": " · ".join(footer),
        "classification": g.classification or "",
        "open_cell": w.open_cell,
        "as_of": report.as_of.isoformat(),
        "toc_title": w.word("toc_title"),
        "draft": "",  # a draft for review says so under its title (workbench.document.mark_draft)
        "version": version or "",
        "version_label": w.word("version_label"),
    }


def and_join(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""
