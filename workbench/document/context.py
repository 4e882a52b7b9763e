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
path so that the gap engine's own questions are not listed twice.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from workbench.resources import documents_dir
from workbench.rules.context import Context
from workbench.spec.durations import Duration

SECTION_ORDER = (
    "scope", "roles", "tiers", "schedules", "copies", "immutability", "retention", "encryption",
    "access", "testing", "monitoring", "disposal", "exceptions", "open_items", "revisions", "mapping",
)


@lru_cache(maxsize=8)
def _load_yaml(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def load_data(name: str, folder: Path | None = None) -> dict:
    """A YAML file from the document templates folder (cached until it changes)."""
    path = (folder or documents_dir()) / name
    return _load_yaml(str(path), path.stat().st_mtime)


class Writer:
    """Turns answers into sentences and cells; remembers every open question."""

    def __init__(self, policy, report, wording: dict, history: Optional[list[dict]] = None):
        self.policy = policy
        self.report = report
        self.as_of: dt.date = report.as_of
        self.ctx = Context(policy, report.as_of)
        self.words = wording
        self.doc = wording.get("document", {})
        self.say_ = wording.get("say", {})
        self.history = history
        self.open: dict[str, dict] = {}          # field path -> open item
        #: fields the gap engine asks about: always shown as open where they appear
        self.asked: set[str] = {p for f in report.questions for p in f.paths}
        self.open_cell = self.doc.get("open_cell", "Not yet decided")
        self.dash = self.doc.get("not_stated", "—")
        self.framework_names: dict[str, str] = {}
        self.terms: dict[str, str] = {str(k): str(v) for k, v in (wording.get("terms") or {}).items()}
        self._human: dict[tuple, str] = {}
        self._labels: dict[Optional[str], str] = {}

    # -- wording --------------------------------------------------------
    def say(self, key: str, **values: Any) -> str:
        """The sentence ``key`` of wording.yaml with ``values`` filled in as plain text."""
        pattern = self.say_.get(key, "")
        return pattern.format_map({k: ("" if v is None else str(v)) for k, v in values.items()})

    def word(self, key: str) -> str:
        return self.doc.get(key, key)

    def title_of(self, section: str) -> str:
        return self.words.get("sections", {}).get(section, {}).get("title", section)

    # -- open items -------------------------------------------------------
    def ask(self, what: str, path: str) -> None:
        """Record an unanswered question (once per field path)."""
        key = path or what
        if key not in self.open:
            self.open[key] = {"what": what, "path": path}

    def gap(self, what: str, path: str) -> dict:
        """A "Not yet decided" statement block, recorded as an open item."""
        self.ask(what, path)
        return {"kind": "gap", "text": self.doc.get("open_sentence", "{what}").format(what=what)}

    # -- values -----------------------------------------------------------
    def dur(self, d: Optional[Duration], what: str, path: str, required: bool = True) -> Optional[str]:
        """Words for a duration, or None (and an open item) when unknown or vague."""
        if d is None:
            if required:
                self.ask(what, path)
            return None
        if d.vague:
            self.ask(self.doc.get("vague_what", "{what}").format(what=what, text=d.text), path)
            return None
        return self.human(d)

    def human(self, d: Duration) -> str:
        """``d.human()``, cached: large inventories repeat the same few durations."""
        key = (d.months, d.seconds, d.text)
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
        """A table cell: the answer as text, else an open marker (required or asked) or a dash."""
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

    def term(self, value: Any, what: str = "", path: str = "", required: bool = False) -> str:
        """A cell for a closed-vocabulary answer (or a list of them), in words from wording.yaml."""
        if isinstance(value, (list, tuple)):
            value = [self.terms.get(v, v) for v in value]
        elif isinstance(value, str):
            value = self.terms.get(value, value)
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
        return f"Tier {t.id} ({t.name})" if t.name else f"Tier {t.id}"


def build(policy, report, *, history: Optional[list[dict]] = None, folder: Path | None = None) -> dict:
    """The view model for ``policy`` and its ``report`` (see the module docstring)."""
    from . import sections

    w = Writer(policy, report, load_data("wording.yaml", folder), history)
    criteria = load_data("criteria.yaml", folder)
    w.framework_names = criteria.get("frameworks", {})
    built = {sid: getattr(sections, sid) for sid in SECTION_ORDER}
    out_sections = []
    control = sections.control(w)
    blocks_by_id = {}
    for sid in SECTION_ORDER:
        if sid in ("open_items", "mapping"):
            continue
        blocks_by_id[sid] = built[sid](w)
    blocks_by_id["open_items"] = sections.open_items(w)
    blocks_by_id["mapping"] = sections.mapping(w, criteria)
    for number, sid in enumerate(SECTION_ORDER, 1):
        title = w.title_of(sid)
        intro = w.words.get("sections", {}).get(sid, {}).get("intro")
        blocks = ([{"kind": "p", "text": intro}] if intro else []) + blocks_by_id[sid]
        numbered = sid != "mapping"
        out_sections.append({
            "id": sid, "number": str(number) if numbered else "",
            "title": f"{number}. {title}" if numbered else title, "blocks": blocks,
        })
    return {
        "title": policy.policy.title or w.word("default_title"),
        "organization": policy.organization.name or "",
        "control": control,
        "sections": out_sections,
        "open_cell": w.open_cell,
        "as_of": report.as_of.isoformat(),
        "open_count": len(w.open),
    }


def and_join(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""
