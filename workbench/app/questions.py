"""The interview as data: steps and questions loaded from ``policy_templates/questions.yaml``.

Every question is declared once in the YAML (text, kind of answer, choices,
profile default, help), so the step screens are built from it and the "next
question that matters" is a pure function of the questions, the policy and
its findings. Nothing here imports Textual or writes a file.

Paths are the :class:`~workbench.spec.edit.Editor`'s: ``policy.owner.name``.
A per-item question has ``[*]`` in its path (``systems[*].tier``) and is
asked once per item: :meth:`Question.paths` turns it into ``systems[0].tier``,
``systems[1].tier`` ... for a given policy.

The app uses::

    interview = load_questions()                       # cached; QuestionsError on a bad file
    q.paths(policy)                                    # concrete paths that apply now
    is_answered(q, policy, path)
    progress(interview, policy, report)                # "31 of 58 questions answered, 4 blockers open"
    step_states(interview, policy, report)             # step id -> answered / open / gaps, for the step list
    step_state(step, policy, report)                   # the same for one step
    summary(interview, policy, report)                 # the three above at once, answers counted once
    tally = Tally(interview); session.subscribe(tally.changed)
    progress(interview, policy, report, tally=tally.counts(policy))  # counted again only where edits landed
    step_for_path(path)                                # a finding's path -> Location(step, question, path)
    next_question(interview, policy, report)           # the most important open question, or None
    reference_choices(q, policy)                       # ids a reference question may name
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import yaml
from pydantic import BaseModel

from workbench.spec.durations import Duration
from workbench.spec.edit import EditError, Editor
from workbench.spec.model import Policy

__all__ = [
    "KINDS", "AnyOf", "Choice", "Condition", "Help", "Interview", "Location", "Next", "Progress", "Question",
    "QuestionsError", "Step", "StepState", "Summary", "field_type", "is_answered", "literal_values",
    "Tally", "load_questions", "next_question", "parse_answer", "parse_questions", "progress", "questions_path",
    "reference_choices", "step_for_path", "step_state", "step_states", "summary",
]

#: Kinds of answer a question takes, and what the form shows for each.
KINDS = (
    "text",          # one line of text
    "long_text",     # a paragraph
    "duration",      # 4h, 1d, 3mo, "every quarter" (workbench.spec.durations)
    "date",          # YYYY-MM-DD
    "number",        # int or float
    "bool",          # yes / no
    "choice",        # one of `choices`
    "multi_choice",  # some of `choices`
    "reference",     # id(s) of another list's items, named by `ref` (tiers[*].id)
    "list",          # a list: of items (systems) or of free text (teams the policy goes to)
)
HELP_PARTS = ("what", "why", "evidence", "example")
#: Severity order, worst first (as the gap engine ranks them); an unknown severity sorts after these.
SEVERITY_RANK = {"blocker": 0, "major": 1, "minor": 2, "advisory": 3}
NO_STAKE = len(SEVERITY_RANK) + 1
#: Tier level of a question that concerns no tiered item (and of a system with no known tier).
NO_TIER = 9
#: Finding kinds that mean "an answer is missing" (the engine says "unanswered"; "question" is its new name).
QUESTION_KINDS = frozenset({"unanswered", "question"})
#: Words that mark help as unfinished; a help text containing one is refused by the tests.
#: Sections the app and ``workbench publish`` write, never asked as questions: a finding about one of their
#: items (FUP-001: a follow-up past its due date) lands on the step that lists them, with no question.
WORKING_RECORDS = ("follow_ups", "revisions")

PLACEHOLDER_WORDS = ("todo", "tbd", "fixme", "xxx", "lorem", "placeholder", "to be written", "fill in")


class QuestionsError(ValueError):
    """questions.yaml is not usable. Says which file, line, question and field."""

    def __init__(self, message: str, *, source: str = "", line: int | None = None,
                 question: str | None = None, field: str | None = None):
        self.source, self.line, self.question, self.field = source, line, question, field
        where = source + (f":{line}" if line else "")
        what = " ".join(x for x in (f"question {question!r}" if question else "",
                                    f"field {field!r}" if field else "") if x)
        super().__init__(": ".join(x for x in (where, what, message) if x))


# ----------------------------------------------------------------------------
# The data
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Help:
    what: str       # what it means, in plain words
    why: str        # why an auditor asks (the SOC 2 criterion)
    evidence: str   # what the auditor will want to see
    example: str    # an example answer, in the syntax the field accepts


@dataclass(frozen=True)
class Condition:
    """When a question applies: a field of the same item (or of the policy, for a policy-wide question)
    ``equals`` a value, is ``in`` a list, or is ``answered``."""

    field: str
    equals: Any = None
    in_: tuple = ()
    answered: Optional[bool] = None
    not_in: tuple = ()

    def holds(self, editor: Editor, base: str) -> bool:
        try:
            item = editor.get(base) if base else editor.policy
        except EditError:
            return False
        return self.holds_on(item)

    def holds_on(self, item: Any) -> bool:
        """Whether the condition holds for ``item`` (the list item a per-item question is about, or the policy)."""
        names = _names(self.field)
        if len(names) == 1:
            value = getattr(item, names[0], None)
        else:
            value = _get(item, names)
        if self.answered is not None:
            return _has_answer(value) == self.answered
        if isinstance(value, list):
            values = set(value)
        else:
            values = {value}
        if self.in_:
            return bool(values & set(self.in_))
        if self.not_in:
            return not values & set(self.not_in)
        return self.equals in values


@dataclass(frozen=True)
class AnyOf:
    """A condition that holds when any of its conditions does (``when: {any: [..., ...]}``)."""

    options: tuple[Condition, ...]

    def holds(self, editor: Editor, base: str) -> bool:
        return any(c.holds(editor, base) for c in self.options)

    def holds_on(self, item: Any) -> bool:
        return any(c.holds_on(item) for c in self.options)


@dataclass(frozen=True, eq=False)
class Question:
    id: str
    path: str                      # Editor path; [*] = once per item
    text: str                      # the question as asked
    kind: str                      # one of KINDS
    step: str                      # id of its step
    help: Help
    choices: tuple[Choice, ...] = ()
    default: Any = None            # a sensible profile default the form may offer
    ref: Optional[str] = None      # for references: the ids to choose from, e.g. tiers[*].id
    optional: bool = False         # not counted in progress; asked only when a finding needs it
    when: tuple[Condition | AnyOf, ...] = ()  # all must hold
    many: bool = False             # the field holds a list (multi_choice, list, references to several items)
    order: int = 0                 # position in the whole interview

    @property
    def per_item(self) -> bool:
        return "[*]" in self.path

    @property
    def section(self) -> str:
        return _top(self.path)

    def paths(self, policy: Policy, *, applicable_only: bool = True) -> list[str]:
        """The concrete paths this question asks for: one per item for ``[*]`` questions, only where the
        question applies (its ``when``) unless ``applicable_only`` is False."""
        root = policy.policy if isinstance(policy, Editor) else policy
        check = applicable_only and bool(self.when)
        texts = _compiled(self.path)[1]
        return [_join(texts, idx) for idx, item, _ in _walk(root, self.path)
                if not check or all(c.holds_on(item) for c in self.when)]

    def applies(self, policy: Policy | Editor, path: str) -> bool:
        if not self.when:
            return True
        editor = policy if isinstance(policy, Editor) else Editor(policy)
        base = _item_base(path)
        return all(c.holds(editor, base) for c in self.when)


@dataclass(frozen=True, eq=False)
class Step:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    sections: tuple[str, ...] = ()  # top-level spec sections whose findings land here when no question matches
    index: int = 0


@dataclass(frozen=True)
class Location:
    """Where a finding's path is answered: its step, the question, and the concrete path of that question."""

    step: Step
    question: Optional[Question]
    path: str


@dataclass(frozen=True, eq=False)
class Interview:
    steps: tuple[Step, ...]
    source: str = ""

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.steps for q in s.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def question(self, question_id: str) -> Question:
        q = self._by_id().get(question_id)
        if q is None:
            raise KeyError(question_id)
        return q

    def by_path(self, pattern: str) -> Optional[Question]:
        """The question whose path is ``pattern`` (indices may be concrete: ``systems[3].tier``)."""
        return self._by_pattern().get(_normalize(pattern))

    def items_of(self, list_path: str) -> tuple[Question, ...]:
        """The per-item questions of a list, e.g. ``systems`` -> systems[*].id, systems[*].kind ..."""
        prefix = _normalize(list_path) + "[*]."
        return tuple(q for q in self.questions if q.path.startswith(prefix) and "[*]" not in q.path[len(prefix):])

    def _by_id(self) -> dict[str, Question]:
        return _index(self)[0]

    def _by_pattern(self) -> dict[str, Question]:
        return _index(self)[1]


@lru_cache(maxsize=8)
def _index(interview: Interview) -> tuple[dict, dict, dict, dict, dict]:
    by_id = {q.id: q for q in interview.questions}
    by_pattern = {q.path: q for q in interview.questions}
    steps_of_section: dict[str, Step] = {}
    for s in interview.steps:
        for sec in s.sections:
            steps_of_section.setdefault(sec, s)
    for s in interview.steps:
        for q in s.questions:
            steps_of_section.setdefault(q.section, s)
    return by_id, by_pattern, steps_of_section, {}, {}


# ----------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------
def questions_path() -> Path:
    """``questions.yaml`` in the templates folder; the shipped one when a ``WORKBENCH_TEMPLATES`` folder (a
    consultant's own branding) brings document templates but no interview of its own."""
    from workbench import resources

    path = resources.templates_root() / "questions.yaml"
    if not path.is_file():
        shipped = resources._default_root() / "questions.yaml"
        if shipped.is_file():
            return shipped
    return path


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float, keep: bool = False) -> Interview:
    raw = Path(path).read_bytes()
    key = _cache_key(raw) if keep else None
    if key is not None:
        interview = _read_kept(key)
        if interview is not None:
            return interview
    interview = parse_questions(raw.decode("utf-8"), source=path)
    if key is not None:
        _keep(key, interview)
    return interview


def load_questions(path: str | Path | None = None, *, keep: bool = False) -> Interview:
    """The interview from ``questions.yaml`` (the shipped one by default), validated against the spec model.

    Raises :class:`QuestionsError` naming the file, line, question id and field of the first bad entry.

    ``keep`` (the app's start): keep the parsed interview in the workbench's data folder and read it from
    there while neither the file nor the code that parses and checks it has changed. Parsing the 170 kB of
    YAML is a good part of the app's start; reading it back kept is a millisecond."""
    p = Path(path) if path is not None else questions_path()
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise QuestionsError(f"cannot read the questions file ({exc.strerror or exc})", source=str(p)) from None
    return _load_cached(str(p), mtime, keep)


#: Bump when the shape of Interview, Step, Question or their parts changes in a way the file stamps below
#: would not show (they cover this module and the spec model, so any edit of either already does).
_KEPT_FORMAT = 1


def _cache_key(raw: bytes) -> Optional[str]:
    """What a kept interview must have been made from: this file's text, the code that parsed and checked it
    (this module, the spec model and its durations, by size and modification time, as Python's own bytecode cache does) and
    the Python version."""
    import hashlib
    import sys

    from workbench.spec import durations, model

    try:
        stamps = [(f.stat().st_mtime_ns, f.stat().st_size)
                  for f in (Path(__file__), Path(model.__file__), Path(durations.__file__))]
    except OSError:
        return None
    h = hashlib.sha256(raw)
    h.update(repr((_KEPT_FORMAT, stamps, sys.version_info[:2])).encode())
    return h.hexdigest()[:40]


def _kept_path(key: str) -> Path:
    from workbench.spec.schema_cache import cache_dir  # WORKBENCH_CACHE_DIR, as every cache of the workbench

    return cache_dir() / f"questions-{key}.pickle"


def _read_kept(key: str) -> Optional[Interview]:
    import pickle

    try:
        interview = pickle.loads(_kept_path(key).read_bytes())  # noqa: S301 - written by _keep, in our own folder
    except Exception:  # none kept yet, or unreadable: parse the file
        return None
    return interview if isinstance(interview, Interview) else None


def _keep(key: str, interview: Interview) -> None:
    """Write the parsed interview for the next start (atomically, through the store; old ones go). Never
    fails the caller."""
    import pickle

    from workbench.store.atomic import atomic_write

    path = _kept_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("questions-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        atomic_write(path, pickle.dumps(interview, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a read-only or full disk: the next start parses the file again
        pass


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc,valid-type]
    pass


def _mapping_with_line(loader, node):
    loader.flatten_mapping(node)
    data = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        data[key] = loader.construct_object(value_node, deep=True)
    data["__line__"] = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def parse_questions(text: str, source: str = "questions.yaml") -> Interview:
    """Parse and validate the questions YAML text (see :func:`load_questions`)."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader with line numbers
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise QuestionsError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", source=source,
                             line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise QuestionsError("expected a mapping with a non-empty 'steps' list", source=source)
    steps: list[Step] = []
    seen_ids: dict[str, int] = {}
    seen_paths: dict[str, str] = {}
    seen_sections: dict[str, str] = {}
    order = 0
    for si, raw_step in enumerate(data["steps"]):
        if not isinstance(raw_step, dict):
            raise QuestionsError(f"step {si + 1} is not a mapping", source=source)
        line = raw_step.get("__line__")
        sid = _required_text(raw_step, "id", source, line, f"step {si + 1}")
        title = _required_text(raw_step, "title", source, line, f"step {sid}")
        intro = str(raw_step.get("intro") or "").strip()
        sections = tuple(raw_step.get("sections") or ())
        for sec in sections:
            if sec not in Policy.model_fields:
                raise QuestionsError(f"step {sid!r}: section {sec!r} is not a part of the spec", source=source,
                                     line=line, field="sections")
            if sec in seen_sections:
                raise QuestionsError(f"step {sid!r}: section {sec!r} already belongs to step "
                                     f"{seen_sections[sec]!r}", source=source, line=line, field="sections")
            seen_sections[sec] = sid
        raw_questions = raw_step.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            raise QuestionsError(f"step {sid!r} has no questions", source=source, line=line, field="questions")
        qs = []
        for raw in raw_questions:
            q = _parse_question(raw, sid, order, source)
            if q.id in seen_ids:
                raise QuestionsError(f"id used twice (first on line {seen_ids[q.id]})", source=source,
                                     line=raw.get("__line__"), question=q.id, field="id")
            if q.path in seen_paths:
                raise QuestionsError(f"path {q.path!r} is already asked by question {seen_paths[q.path]!r}",
                                     source=source, line=raw.get("__line__"), question=q.id, field="path")
            seen_ids[q.id] = raw.get("__line__") or 0
            seen_paths[q.path] = q.id
            qs.append(q)
            order += 1
        steps.append(Step(sid, title, intro, tuple(qs), sections, si))
    return Interview(tuple(steps), source)


_QUESTION_KEYS = {"id", "path", "text", "kind", "choices", "default", "help", "ref", "optional", "when", "__line__"}


def _parse_question(raw: Any, step: str, order: int, source: str) -> Question:
    if not isinstance(raw, dict):
        raise QuestionsError(f"a question of step {step!r} is not a mapping", source=source)
    line = raw.get("__line__")
    qid = raw.get("id")
    if not isinstance(qid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", qid or ""):
        raise QuestionsError("every question needs an id of lower-case letters, digits, '-', '_' or '.'",
                             source=source, line=line, question=str(qid) if qid else None, field="id")

    def bad(fld: str, message: str) -> QuestionsError:
        return QuestionsError(message, source=source, line=line, question=qid, field=fld)

    unknown = set(raw) - _QUESTION_KEYS
    if unknown:
        name = sorted(unknown)[0]
        return_err = bad(name, f"unknown key {name!r}; a question has {', '.join(sorted(_QUESTION_KEYS - {'__line__'}))}")
        raise return_err
    path = raw.get("path")
    if not isinstance(path, str) or not path.strip():
        raise bad("path", "missing: give the spec field it answers, e.g. policy.owner.name")
    path = path.strip()
    try:
        annotation, is_list = field_type(path)
    except ValueError as exc:
        raise bad("path", str(exc)) from None
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad("text", "missing: write the question as it is asked")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise bad("kind", f"{kind!r} is not one of: {', '.join(KINDS)}")
    problem = _kind_problem(kind, annotation, is_list)
    if problem:
        raise bad("kind", problem)
    choices = _parse_choices(raw.get("choices"), kind, bad)
    if choices:
        legal = typing.get_args(annotation)
        wrong = [c.value for c in choices if c.value not in legal]
        if wrong:
            raise bad("choices", f"{wrong[0]!r} is not a value the spec allows here; it takes: {', '.join(legal)}")
    ref = raw.get("ref")
    if kind == "reference":
        # one list of ids, or several ("principals[*].id | roles[*].id": a key admin is a person or a role)
        parts = [part.strip() for part in ref.split("|")] if isinstance(ref, str) else []
        if not parts or not all(part.endswith("[*].id") for part in parts):
            raise bad("ref", "a reference names the ids it takes, e.g. tiers[*].id (or several, joined by |)")
        for part in parts:
            try:
                field_type(part)
            except ValueError as exc:
                raise bad("ref", str(exc)) from None
        ref = " | ".join(parts)
    elif ref is not None:
        raise bad("ref", "only a reference question takes 'ref'")
    help_ = _parse_help(raw.get("help"), bad)
    when = _parse_when(raw.get("when"), path, bad)
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise bad("optional", "write true or false")
    default = raw.get("default")
    if isinstance(default, dict):
        default.pop("__line__", None)
    if default is not None:
        problem = _value_problem(default, kind, choices, annotation, is_list)
        if problem:
            raise bad("default", problem)
    return Question(qid, path, text.strip(), kind, step, help_, choices, default, ref, optional, when, is_list,
                    order)


def _parse_choices(raw: Any, kind: str, bad) -> tuple[Choice, ...]:
    if kind not in ("choice", "multi_choice"):
        if raw:
            raise bad("choices", f"a {kind} question takes no choices")
        return ()
    if not isinstance(raw, list) or not raw:
        raise bad("choices", "a choice question needs a list of {value, label}")
    out = []
    for c in raw:
        if not isinstance(c, dict) or not isinstance(c.get("value"), str) or not str(c.get("label") or "").strip():
            raise bad("choices", f"each choice needs a value and a plain label (got {_show(c)})")
        out.append(Choice(c["value"], str(c["label"]).strip()))
    values = [c.value for c in out]
    if len(set(values)) != len(values):
        raise bad("choices", "a value is listed twice")
    return tuple(out)


def _parse_help(raw: Any, bad) -> Help:
    if not isinstance(raw, dict):
        raise bad("help", f"missing: give {', '.join(HELP_PARTS)}")
    parts = {}
    for part in HELP_PARTS:
        value = _as_written(raw.get(part))
        if not isinstance(value, str) or not value.strip():
            raise bad(f"help.{part}", "missing or empty")
        parts[part] = value.strip()
    extra = set(raw) - set(HELP_PARTS) - {"__line__"}
    if extra:
        raise bad(f"help.{sorted(extra)[0]}", f"unknown part; help has {', '.join(HELP_PARTS)}")
    return Help(**parts)


def _parse_when(raw: Any, path: str, bad) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if isinstance(raw, list):
        if not raw:
            raise bad("when", "an empty list of conditions; leave 'when' out instead")
        return tuple(c for item in raw for c in _parse_when(item, path, bad))
    if isinstance(raw, dict) and set(raw) - {"__line__"} == {"any"}:
        options = raw["any"]
        if not isinstance(options, list) or len(options) < 2:
            raise bad("when", "'any' takes a list of two or more conditions")
        return (AnyOf(tuple(c for item in options for c in _parse_when(item, path, bad))),)
    if not isinstance(raw, dict) or not isinstance(raw.get("field"), str):
        raise bad("when", "write {field: <name>, equals: <value>} (or in: [...], not_in: [...], answered: true)")
    keys = set(raw) - {"__line__", "field"}
    if len(keys) != 1 or not keys <= {"equals", "in", "not_in", "answered"}:
        raise bad("when", "give exactly one of equals, in, not_in, answered")
    base = path[: path.rfind("[*]") + 3] if "[*]" in path else ""
    try:
        field_type(f"{base}.{raw['field']}" if base else raw["field"])
    except ValueError as exc:
        raise bad("when", str(exc)) from None
    for key in ("in", "not_in"):
        if key in raw and (not isinstance(raw[key], list) or not raw[key]):
            raise bad("when", f"{key!r} takes a non-empty list")
    return (Condition(raw["field"], raw.get("equals"), tuple(raw.get("in") or ()), raw.get("answered"),
                      tuple(raw.get("not_in") or ())),)


def _as_written(value: Any) -> Any:
    """A YAML scalar back as text: ``yes`` (read as True) -> "yes", 2026-01-01 (read as a date) -> "2026-01-01"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _required_text(raw: dict, key: str, source: str, line, what: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise QuestionsError(f"{what} has no {key}", source=source, line=line, field=key)
    return value.strip()


def _show(value: Any) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "__line__"}
    return repr(value)


# ----------------------------------------------------------------------------
# The model behind a path
# ----------------------------------------------------------------------------
def field_type(path: str) -> tuple[Any, bool]:
    """The value type at a question path (``systems[*].tier`` -> str) and whether the field is a list.

    Raises ValueError saying which part of the path is not in the spec."""
    cls: Any = Policy
    annotation: Any = None
    is_list = False
    parts = re.findall(r"([^.\[\]]+)|(\[\*\])", path)
    if not parts or "".join(n or s for n, s in parts).replace("[*]", "") == "":
        raise ValueError(f"{path!r} is not a path")
    seen = ""
    for name, star in parts:
        if star:
            if not is_list:
                raise ValueError(f"{seen!r} is not a list, so {path!r} cannot take [*]")
            is_list = False
            seen += "[*]"
            continue
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            raise ValueError(f"{seen!r} has no fields, so {path!r} is not in the spec")
        if name not in cls.model_fields:
            raise ValueError(f"{cls.__name__} has no field {name!r} (in {path!r})")
        annotation = cls.model_fields[name].annotation
        is_list = _is_list(annotation)
        cls = _unwrap(annotation)
        seen += ("." if seen else "") + name
    return cls, is_list


def literal_values(path: str) -> tuple | None:
    """The values a Literal-typed field allows (for a list of Literals, its items'), else None."""
    t, _ = field_type(path)
    if typing.get_origin(t) is typing.Literal:
        return typing.get_args(t)
    return None


def _is_list(annotation: Any) -> bool:
    while True:
        origin = typing.get_origin(annotation)
        if origin is list:
            return True
        if origin is typing.Union or str(origin) == "types.UnionType":
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else annotation
            continue
        return False


def _unwrap(annotation: Any) -> Any:
    """The item type under Optional/list/dict (the loader's own helper, so both read the model alike)."""
    from workbench.spec.io import _unwrap as unwrap

    return unwrap(annotation)


def _kind_problem(kind: str, t: Any, is_list: bool) -> str:
    """Why ``kind`` does not fit a field of type ``t`` ('' when it does)."""
    is_literal = typing.get_origin(t) is typing.Literal
    is_model = isinstance(t, type) and issubclass(t, BaseModel)
    fits = {
        "text": t is str and not is_list,
        "long_text": t is str and not is_list,
        "duration": t is Duration and not is_list,
        "date": t is dt.date and not is_list,
        "number": (t in (int, float) or (isinstance(t, type) and issubclass(t, int))) and not is_list,
        "bool": t is bool and not is_list,
        "choice": is_literal and not is_list,
        "multi_choice": is_literal and is_list,
        "reference": t is str,
        "list": is_list and (is_model or t is str),
    }[kind]
    if fits:
        return ""
    name = ("a list of " if is_list else "") + (
        "choices" if is_literal else getattr(t, "__name__", str(t)))
    return f"a {kind} question cannot answer a field holding {name}"


def _value_problem(value: Any, kind: str, choices: tuple[Choice, ...], t: Any, is_list: bool) -> str:
    if kind in ("choice", "multi_choice"):
        allowed = {c.value for c in choices}
        given = value if isinstance(value, list) else [value]
        wrong = [v for v in given if v not in allowed]
        return f"{wrong[0]!r} is not one of the choices" if wrong else ""
    if kind == "duration":
        try:
            if Duration.parse(str(value)).vague:
                return f"{value!r} names no length; write e.g. 1d, 4h or 3mo"
        except (ValueError, TypeError) as exc:
            return f"{value!r} is not a duration ({exc})"
    if kind == "bool" and not isinstance(value, bool):
        return "write true or false"
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "write a number"
    return ""


# ----------------------------------------------------------------------------
# Paths against a policy
# ----------------------------------------------------------------------------
_INDEX = re.compile(r"\[\d+\]")


def _normalize(path: str) -> str:
    """``systems[3].tier`` -> ``systems[*].tier``."""
    return _INDEX.sub("[*]", path)


def _top(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def _item_base(path: str) -> str:
    """``systems[3].saas.provider`` -> ``systems[3]`` (the innermost item); '' for a policy-wide path."""
    end = path.rfind("]")
    return path[: end + 1] if end >= 0 else ""


def _expand(pattern: str, editor: Editor) -> list[str]:
    if "[*]" not in pattern:
        return [pattern]
    head, _, tail = pattern.partition("[*]")
    try:
        items = editor.get(head)
    except EditError:
        return []
    if not isinstance(items, list):
        return []
    out: list[str] = []
    for i in range(len(items)):
        out.extend(_expand(f"{head}[{i}]{tail}", editor))
    return out


@lru_cache(maxsize=None)
def _names(dotted: str) -> tuple[str, ...]:
    return tuple(x for x in dotted.split(".") if x)


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """``systems[*].saas.provider`` -> ((("systems",), ("saas", "provider")), ("systems", ".saas.provider"))."""
    texts = tuple(pattern.split("[*]"))
    return tuple(_names(t) for t in texts), texts


def _get(obj: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def _walk(root: Any, pattern: str) -> Iterator[tuple[tuple[int, ...], Any, Any]]:
    """(indices, innermost item, value) for every concrete path of ``pattern`` in ``root`` (a Policy); the item
    is the policy itself for a policy-wide path. Reads attributes directly, as ``Editor.get`` does."""
    segs = _compiled(pattern)[0]
    if len(segs) == 1:
        yield (), root, _get(root, segs[0])
        return
    if len(segs) == 2:
        tail = segs[1]
        for i, item in enumerate(_get(root, segs[0]) or ()):
            yield (i,), item, _get(item, tail)
        return

    def deeper(obj, k, idx):
        items = _get(obj, segs[k]) or ()
        for i, item in enumerate(items):
            if k + 1 == len(segs) - 1:
                yield idx + (i,), item, _get(item, segs[k + 1])
            else:
                yield from deeper(item, k + 1, idx + (i,))

    yield from deeper(root, 0, ())


def _join(texts: tuple[str, ...], idx: tuple[int, ...]) -> str:
    if not idx:
        return texts[0]
    out = texts[0]
    for i, t in zip(idx, texts[1:]):
        out += f"[{i}]{t}"
    return out


def _open_paths(q: "Question", root: Any, deferred: frozenset) -> Iterator[tuple[str, tuple[int, ...], bool]]:
    """(path, indices, waiting on a follow-up) for each concrete path of ``q`` that applies and is not answered."""
    when = q.when
    texts = _compiled(q.path)[1]
    for idx, item, value in _walk(root, q.path):
        if when and not all(c.holds_on(item) for c in when):
            continue
        if _has_answer(value):
            continue
        path = _join(texts, idx)
        yield path, idx, path in deferred


def _count(q: "Question", root: Any) -> tuple[int, int]:
    """(applicable, answered) concrete paths of ``q``."""
    when = q.when
    total = answered = 0
    for _, item, value in _walk(root, q.path):
        if when and not all(c.holds_on(item) for c in when):
            continue
        total += 1
        answered += _has_answer(value)
    return total, answered


def _tally(questions: Iterable["Question"], root: Any) -> dict[str, list[int]]:
    """question id -> [applicable, answered] for many questions at once: the per-item questions of one list
    are counted in a single pass over its items (reading each item's fields from its __dict__)."""
    singles, groups = _plan(questions)
    out = {q.id: list(_count(q, root)) for q in singles}
    for g in groups:
        counts = [0] * (2 * len(g.ids))
        for item in _get(root, g.head) or ():
            for k, v in enumerate(g.count(item)):
                counts[k] += v
        out.update(g.split(counts))
    return out


def _plan(questions: Iterable["Question"]) -> tuple[list["Question"], list["_Group"]]:
    """The questions counted one by one (policy-wide ones, lists in lists) and the per-item ones grouped
    by their list."""
    singles: list[Question] = []
    groups: dict[tuple[str, ...], list] = {}
    for q in questions:
        segs = _compiled(q.path)[0]
        if len(segs) == 2:
            groups.setdefault(segs[0], []).append((q.id, segs[1], q.when))
        else:
            singles.append(q)
    return singles, [_Group(head, members) for head, members in groups.items()]


class _Group:
    """The per-item questions of one list (``systems[*].…``), counted item by item."""

    __slots__ = ("head", "ids", "plan", "holds")

    def __init__(self, head: tuple[str, ...], members: list) -> None:
        self.head = head
        self.ids = [qid for qid, _, _ in members]
        distinct: list = []
        for _, _, when in members:
            for cond in when:
                if cond not in distinct:
                    distinct.append(cond)
        self.plan = [(tail[0] if len(tail) == 1 else None, tail, tuple(distinct.index(x) for x in when))
                     for _, tail, when in members]
        self.holds = [cond.holds_on for cond in distinct]

    def count(self, item: Any) -> list[int]:
        """[applicable, answered, applicable, answered, ...] of one item, a pair per question."""
        fields = item.__dict__
        res = [h(item) for h in self.holds] if self.holds else ()
        out = [0] * (2 * len(self.plan))
        k = 0
        for name, tail, conds in self.plan:
            if conds and not all(res[j] for j in conds):
                k += 2
                continue
            out[k] = 1
            v = fields.get(name) if name is not None else _get(item, tail)
            if v is not None:
                t = type(v)
                if t is str:
                    out[k + 1] = 1 if v.strip() else 0
                elif t is list:
                    out[k + 1] = 1 if v else 0
                elif t is dict or isinstance(v, BaseModel):
                    out[k + 1] = 1 if _has_answer(v) else 0
                else:  # a number, a yes/no, a date, a duration: any value is an answer
                    out[k + 1] = 1
            k += 2
        return out

    def split(self, counts: list[int]) -> dict[str, list[int]]:
        return {qid: [counts[2 * i], counts[2 * i + 1]] for i, qid in enumerate(self.ids)}


class Tally:
    """The answers counted for the progress line and the step list, kept up to date edit by edit.

    A full count reads every item of every list (tens of milliseconds at 1,000 systems, hundreds at 5,000);
    after an edit inside one item only that item is counted again. Feed it every applied change
    (:meth:`changed`, cheap: it only notes what to count again, so it can run on the thread that edits) and
    ask :meth:`counts` (on any one thread at a time) for question id -> [applicable, answered], equal to
    what a full count gives. A change that lands while :meth:`counts` runs is counted on the next call."""

    def __init__(self, questions: Iterable["Question"]) -> None:
        self._singles, self._groups = _plan([q for q in questions if not q.optional])
        self._lock = threading.Lock()      # guards the notes below (taken briefly, never while counting)
        self._counting = threading.Lock()  # one count at a time
        self._all = True                   # count everything afresh
        self._heads: set = set()           # lists to count afresh
        self._items: dict[tuple, set] = {}  # list -> indices of items to count again
        self._moves: dict[tuple, list] = {}  # list -> indices where an item was added or removed, in order
        self._root: Any = None
        self._vectors: dict[tuple, list[list[int]]] = {}
        self._sums: dict[tuple, list[int]] = {}

    def changed(self, change: Any) -> None:
        """Note what ``change`` (a :class:`~workbench.spec.edit.Change`) may have changed."""
        with self._lock:
            if self._all:
                return
            leaves = change.leaves() if getattr(change, "op", None) == "group" and hasattr(change, "leaves") \
                else (change,)
            for leaf in leaves:
                self._note(tuple(getattr(leaf, "path", ()) or ()), getattr(leaf, "op", None))

    def _note(self, path: tuple, op: Any) -> None:
        if op not in ("set", "add", "remove"):
            self._all = True  # an edit of a kind this does not know: count everything
            return
        for g in self._groups:
            n = len(g.head)
            if path[:n] != g.head[:len(path)]:
                continue  # elsewhere in the policy
            if len(path) > n and isinstance(path[n], int) and path[n] >= 0:
                if op == "set":
                    self._items.setdefault(g.head, set()).add(path[n])  # inside one item
                elif len(path) == n + 1:
                    # one item added or removed (an undo reports the edit it takes back: which of the two it
                    # was shows in the list's length when counted)
                    self._moves.setdefault(g.head, []).append(path[n])
                else:
                    self._items.setdefault(g.head, set()).add(path[n])  # a list inside one item
            else:
                self._heads.add(g.head)  # the whole list, or a section above it

    def reset(self) -> None:
        """Count everything afresh next time (the policy was replaced, or a change may have been missed)."""
        with self._lock:
            self._all = True

    def counts(self, root: Any) -> dict[str, list[int]]:
        """question id -> [applicable, answered] for ``root`` (a Policy) as it is now."""
        with self._counting:
            with self._lock:
                full = self._all or root is not self._root
                heads, items, moves = self._heads, self._items, self._moves
                self._all, self._heads, self._items, self._moves = False, set(), {}, {}
            self._root = root
            for g in self._groups:
                if full or g.head in heads:
                    self._recount(g, root)
                elif g.head in moves:
                    if len(moves[g.head]) != 1 or g.head in items or not self._move(g, root, moves[g.head][0]):
                        self._recount(g, root)  # several at once, or with edits inside items: count afresh
                elif g.head in items:
                    self._update(g, root, items[g.head])
            out = {q.id: list(_count(q, root)) for q in self._singles}
            for g in self._groups:
                out.update(g.split(self._sums[g.head]))
            return out

    def _recount(self, g: "_Group", root: Any) -> None:
        vectors = [g.count(item) for item in _get(root, g.head) or ()]
        sums = [0] * (2 * len(g.ids))
        for v in vectors:
            for k, x in enumerate(v):
                sums[k] += x
        self._vectors[g.head], self._sums[g.head] = vectors, sums

    def _move(self, g: "_Group", root: Any, i: int) -> bool:
        """One item added or removed at ``i``: its counts put in or taken out (False when the list's length
        does not say which, and it is counted afresh)."""
        items = _get(root, g.head) or ()
        vectors, sums = self._vectors[g.head], self._sums[g.head]
        if len(items) == len(vectors) - 1 and 0 <= i < len(vectors):
            gone = vectors.pop(i)
            for k, x in enumerate(gone):
                sums[k] -= x
            return True
        if len(items) == len(vectors) + 1 and 0 <= i < len(items):
            new = g.count(items[i])
            vectors.insert(i, new)
            for k, x in enumerate(new):
                sums[k] += x
            return True
        return False

    def _update(self, g: "_Group", root: Any, indices: set) -> None:
        items = _get(root, g.head) or ()
        vectors, sums = self._vectors[g.head], self._sums[g.head]
        if len(items) != len(vectors):  # the list changed length meanwhile: its add or remove is on its way
            self._recount(g, root)
            return
        for i in indices:
            if i >= len(items):
                continue
            new, old = g.count(items[i]), vectors[i]
            for k, (a, b) in enumerate(zip(new, old)):
                if a != b:
                    sums[k] += a - b
            vectors[i] = new


def _has_answer(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict, tuple, set)):
        return bool(value)
    if isinstance(value, BaseModel):
        return any(_has_answer(getattr(value, name)) for name in type(value).model_fields)
    return True


def is_answered(question: Question, policy: Policy | Editor, path: str | None = None) -> bool:
    """Whether ``path`` (a concrete path of ``question``; its own path when it is policy-wide) holds an answer.

    An empty text or list is not an answer; ``False`` and ``0`` are."""
    editor = policy if isinstance(policy, Editor) else Editor(policy)
    try:
        return _has_answer(editor.get(path or question.path))
    except EditError:
        return False


def reference_choices(question: Question, policy: Policy | Editor) -> list[str]:
    """The ids a reference question may name now (``tiers[*].id`` -> ["T0", "T1"])."""
    if not question.ref:
        return []
    editor = policy if isinstance(policy, Editor) else Editor(policy)
    out = []
    for ref in question.ref.split(" | "):
        for p in _expand(ref, editor):
            value = editor.get(p)
            if value and value not in out:
                out.append(value)
    return out


def _deferred(policy: Policy) -> frozenset[str]:
    """Fields with an open follow-up ("don't know yet" was the answer)."""
    return frozenset(f.field for f in policy.follow_ups if f.field and f.status == "open")


# ----------------------------------------------------------------------------
# Progress, step state, finding -> field
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    blockers: int          # open blocker findings
    deferred: int = 0      # questions waiting on an open follow-up (counted as not answered)

    def __str__(self) -> str:
        s = (f"{self.answered} of {self.total} question{'' if self.total == 1 else 's'} answered, "
             f"{self.blockers} blocker{'' if self.blockers == 1 else 's'} open")
        if self.deferred:
            s += f", {self.deferred} waiting on follow-ups"
        return s


@dataclass(frozen=True)
class StepState:
    answered: int                 # required questions answered
    total: int                    # required questions that apply
    open: int                     # required questions still unanswered (those with an open follow-up included)
    gaps: int                     # open findings of kind "gap" that land in this step
    questions: int = 0            # open findings asking for an answer ("unanswered" / "question")
    evidence: int = 0             # open findings asking for evidence
    worst: Optional[str] = None   # worst severity of the step's open findings

    @property
    def done(self) -> bool:
        return self.open == 0 and self.gaps == 0 and self.questions == 0 and self.evidence == 0


def _open_findings(report) -> list:
    if report is None:
        return []
    findings = getattr(report, "findings", report)
    return [f for f in findings if getattr(f, "open", getattr(f, "accepted", None) is None)]


def _root(policy: Policy | Editor) -> Policy:
    return policy.policy if isinstance(policy, Editor) else policy


def progress(questions: Interview | Iterable[Question], policy: Policy | Editor, report=None, *,
             tally: dict | None = None) -> Progress:
    """Required questions answered of those that apply, and the open blockers of ``report``.

    ``tally``: the answers already counted (question id -> [applicable, answered], as :class:`Tally` keeps
    them), so as not to count them again."""
    root = _root(policy)
    deferred = _deferred(root)
    answered = total = waiting = 0
    required = [q for q in questions if not q.optional]
    if tally is None:
        tally = _tally(required, root)
    for q in required:
        t, a = tally[q.id]
        total += t
        answered += a
    if deferred:
        waiting = _waiting(required, root, deferred)
    blockers = sum(1 for f in _open_findings(report) if f.severity == "blocker")
    return Progress(answered, total, blockers, waiting)


def _waiting(required: list[Question], root: Any, deferred: frozenset) -> int:
    """How many open paths of ``required`` wait on a follow-up: each follow-up's field looked up, not every
    item of every list walked (the same count as walking :func:`_open_paths`)."""
    by_pattern: dict[str, list[Question]] = {}
    for q in required:
        by_pattern.setdefault(q.path, []).append(q)
    n = 0
    for path in deferred:
        for q in by_pattern.get(_normalize(path), ()):
            segs, texts = _compiled(q.path)
            idx = _indices(path)
            if len(idx) != len(segs) - 1 or _join(texts, idx) != path:
                continue
            item = root
            for names, i in zip(segs, idx):
                items = _get(item, names) or ()
                if not 0 <= i < len(items):
                    item = None
                    break
                item = items[i]
            if item is None:
                continue
            if q.when and not all(c.holds_on(item) for c in q.when):
                continue
            if not _has_answer(_get(item, segs[-1])):
                n += 1
    return n


def step_state(step: Step, policy: Policy | Editor, report=None, interview: Interview | None = None) -> StepState:
    """What the step list shows for ``step``: answered / open questions, and the open findings landing there.
    For the whole step list at once, :func:`step_states` reads the findings once."""
    return step_states(interview or load_questions(), policy, report, only=step)[step.id]


def step_states(interview: Interview, policy: Policy | Editor, report=None, *,
                only: Step | None = None, tally: dict | None = None) -> dict[str, StepState]:
    """step id -> :class:`StepState` for every step (the step list), reading the findings once (``tally``: as
    for :func:`progress`)."""
    root = _root(policy)
    steps = (only,) if only is not None else interview.steps
    counts = {}
    if tally is None:
        tally = _tally([q for s in steps for q in s.questions if not q.optional], root)
    for s in steps:
        answered = total = 0
        for q in s.questions:
            if not q.optional:
                t, a = tally[q.id]
                total += t
                answered += a
        counts[s.id] = [answered, total, 0, 0, 0, None]
    for f in _open_findings(report):
        if not f.paths:
            continue
        hit = _locate(interview, _normalize(f.paths[0]))
        if hit is None or hit[0].id not in counts:
            continue
        c = counts[hit[0].id]
        if f.kind in QUESTION_KINDS:
            c[3] += 1
        elif f.kind == "evidence":
            c[4] += 1
        else:
            c[2] += 1
        if c[5] is None or SEVERITY_RANK.get(f.severity, NO_STAKE) < SEVERITY_RANK.get(c[5], NO_STAKE):
            c[5] = f.severity
    return {sid: StepState(a, t, t - a, g, q, e, w) for sid, (a, t, g, q, e, w) in counts.items()}


@dataclass(frozen=True)
class Summary:
    """Everything the interview screen shows after an edit, worked out in one pass."""

    progress: Progress
    steps: dict[str, StepState]
    next: Optional["Next"]


def summary(interview: Interview, policy: Policy | Editor, report=None) -> Summary:
    """:func:`progress`, :func:`step_states` and :func:`next_question` together, counting the answers once
    (what the app runs after each evaluation, off the main thread at large sizes)."""
    root = _root(policy)
    tally = _tally([q for q in interview.questions if not q.optional], root)
    return Summary(progress(interview, root, report, tally=tally),
                   step_states(interview, root, report, tally=tally),
                   next_question(interview, policy, report))


def step_for_path(path: str, interview: Interview | None = None) -> Optional[Location]:
    """Where a finding's path is answered: the question for that field (or the first one inside the section
    it names, or the one whose field holds it), else the step owning its top-level section.

    ``policy.owner`` -> the owner's name question; ``systems[3]`` -> the first question about system 3;
    ``targets[0].retention.max`` -> the target's retention question; ``follow_ups[0].due`` -> the governance
    step with no question (follow-ups and revisions are working records, edited in the step's list, see
    :data:`WORKING_RECORDS`). None only for an empty path or a section no step claims."""
    interview = interview or load_questions()
    path = (path or "").strip()
    if not path:
        return None
    hit = _locate(interview, _normalize(path))
    if hit is None:
        return None
    step, q = hit
    return Location(step, q, _concrete(q.path, path) if q is not None else path)


def instead_of(interview: Interview, question: Question, policy: Policy | Editor,
               path: str) -> Optional[tuple[Question, str]]:
    """The question asked in place of ``question`` at ``path`` when ``question`` does not apply there.

    A question that applies only while another field is unanswered (``when: {field: region, answered:
    false}``) is asked instead of that field: a copy on the premises has a site, not a cloud region, so a
    finding about the copy's region is answered by its site. None when ``question`` applies, or when no such
    question applies either."""
    editor = policy if isinstance(policy, Editor) else Editor(policy)
    if question.applies(editor, path):
        return None
    base = _item_base(path)
    inner = _item_base(question.path)
    field = question.path[len(inner):].lstrip(".")
    for other in interview.questions:
        if other is question or _item_base(other.path) != inner:
            continue
        conditions = [c for w in other.when for c in (w.options if isinstance(w, AnyOf) else (w,))]
        if not any(c.field == field and c.answered is False for c in conditions):
            continue
        other_path = _concrete(other.path, path) if base else other.path
        if other.applies(editor, other_path):
            return other, other_path
    return None


def _locate(interview: Interview, pattern: str) -> Optional[tuple[Step, Optional[Question]]]:
    """(step, question) for a normalized path; cached per interview."""
    cache = _index(interview)[4]
    if pattern in cache:
        return cache[pattern]
    if _top(pattern) in WORKING_RECORDS:
        step = _index(interview)[2].get(_top(pattern))
        hit = cache[pattern] = (step, None) if step is not None else None
        return hit
    by_pattern = interview._by_pattern()
    q = by_pattern.get(pattern)
    if q is None:  # a section: the first question inside it
        inside = [x for x in interview.questions if x.path.startswith(pattern + ".") or x.path.startswith(pattern + "[")]
        if inside:
            q = min(inside, key=lambda x: (x.path.count("[*]"), x.order))
    if q is None:  # a deeper field: the question whose field holds it
        p = pattern
        while q is None and re.search(r"[.\[]", p):
            p = p[: max(p.rfind("."), p.rfind("["))]
            q = by_pattern.get(p)
    if q is not None:
        hit = (_step_of(interview, q), q)
    else:
        step = _index(interview)[2].get(_top(pattern))
        if step is None:
            hit = None
        else:
            first = next((x for x in step.questions if x.section == _top(pattern) and "[*]" not in x.path), None)
            hit = (step, first)
    cache[pattern] = hit
    return hit


def _step_of(interview: Interview, q: Question) -> Step:
    for s in interview.steps:
        if s.id == q.step:
            return s
    return interview.steps[0]


def _concrete(pattern: str, like: str) -> str:
    """Fill ``pattern``'s [*] with the indices of ``like`` (as far as it has them)."""
    indices = re.findall(r"\[(\d+)\]", like)
    out = pattern
    for i in indices:
        if "[*]" not in out:
            break
        out = out.replace("[*]", f"[{i}]", 1)
    return out


# ----------------------------------------------------------------------------
# The next question that matters
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Next:
    question: Question
    path: str                     # the concrete path to answer
    severity: Optional[str]       # worst open finding it answers (None: no finding asks for it yet)
    tier_level: int               # 0 = most critical; NO_TIER when it concerns no tiered item
    reason: str                   # why it comes now, in plain words
    adds: bool = False            # a list already has entries, but an open finding asks for another one
    asks: str = ""                # that finding's question, in the policy's words (when ``adds``)


def next_question(questions: Interview | Iterable[Question], policy: Policy | Editor, report=None) -> Optional[Next]:
    """The most important unanswered question, or None when every question that applies is answered.

    Ordered by what is at stake: the worst severity of an open finding whose path the question answers
    (blockers first; a question no finding asks for comes after every one some finding asks for), then the
    criticality of the tier its item belongs to (T0 before T3; policy-wide questions and untiered items
    after tiered ones), then step order, question order and item order.

    A list that has entries is offered again when an open finding still asks for an entry in it (``adds``
    is then true and ``asks`` quotes the finding). A finding answers to one question: the one at its path; for a path naming a section (``policy.owner``)
    the first unanswered required question inside it (for a whole item, ``systems[3]``, only when the finding
    asks for an answer: a gap about the item is not fixed by filling in its fields); for a path below a
    question's field, that question. Optional questions are offered only when a finding asks for them; a field with an open
    follow-up is skipped (its answer is "not yet, X will say by then"); a reference with nothing to name
    yet (a system's tier before any tier exists) brings up the list it names instead.
    Pure: reads the policy and the report, changes nothing."""
    interview = _as_interview(questions)
    editor = policy if isinstance(policy, Editor) else Editor(policy)
    root = editor.policy
    deferred = _deferred(root)
    more: dict[str, tuple[str, str]] = {}
    records: dict[str, str] = {}
    stakes = _stakes(_open_findings(report), interview, editor, deferred, more, records)
    levels = _TierLevels(root)
    by_pattern = interview._by_pattern()
    best: Optional[tuple] = None
    best_item = None
    asked: list[tuple[str, int]] = []  # (path, severity rank) of every question some finding asks for

    def consider(q: Question, p: str, idx: tuple[int, ...], sev: Optional[str]) -> None:
        nonlocal best, best_item
        ask, ask_path = q, p
        if q.kind == "reference" and not reference_choices(q, root):
            # nothing to choose from yet: ask for the list first (a system's tier needs tiers)
            owner = _list_question(interview, q.ref.split(" | ")[0])
            if owner is None or owner.path in deferred or is_answered(owner, editor, owner.path):
                return
            ask, ask_path = owner, owner.path
        level = levels.of(p)
        key = (SEVERITY_RANK.get(sev, NO_STAKE - 1) if sev else NO_STAKE, level, q.order, idx)
        asked.append((p, key[0]))
        if best is None or key < best:
            best, best_item = key, (ask, ask_path, sev, level)

    # 1. what some open finding asks for: these outrank every question no finding asks for
    for p, sev in stakes.items():
        q = by_pattern.get(_normalize(p))
        if q is not None and not q.applies(editor, p):
            # a field that does not apply to this item (a cloud region of a copy on the premises): the
            # question asked in its place (the copy's site), else nothing
            q, p = instead_of(interview, q, editor, p) or (None, p)
        if q is None or p in deferred:
            continue
        if is_answered(q, editor, p):
            continue
        consider(q, p, _indices(p), sev)
    # a record some evidence finding waits on, begun but unfinished (a restore test without its date or result)
    for p, sev in records.items():
        unfinished = _unfinished_entry(interview, by_pattern[_normalize(p)], editor, deferred)
        if unfinished is not None:
            consider(unfinished[0], unfinished[1], _indices(unfinished[1]), sev)
    # a list with entries that a finding still asks another entry for ("where are restore-test records kept?")
    adding = None
    for p, (sev, message) in more.items():
        q = by_pattern.get(_normalize(p))
        if p in deferred or not q.applies(editor, p) or not is_answered(q, editor, p):
            continue
        if not _lists_items(q.path):
            # a list of names typed in one field (a key's admins): its answer is given; asking the same field
            # again would keep the next-question key on it (a name the finding does not know yet, such as a
            # role the interview comes to later, is settled there)
            continue
        rank = SEVERITY_RANK.get(sev, NO_STAKE - 1)
        if any(path.startswith(p + "[") and r <= rank for path, r in asked):
            # an entry already in the list is asked about at the same stake (the role just added has no
            # permissions yet): that answer comes before yet another entry
            continue
        # the entries there first: a finding about the list may be settled by their open answers ("no role
        # holds a backup permission" while the roles' permissions are unanswered), and asking for yet another
        # entry would keep the next-question key on the table however many the client has
        inside = _answering_path(p + "[*]", interview, by_pattern, editor, deferred)
        if inside is not None:
            consider(by_pattern[_normalize(inside)], inside, _indices(inside), sev)
            continue
        key = (rank, levels.of(p), q.order, _indices(p))
        if best is None or key < best:
            best, best_item, adding = key, (q, p, sev, key[1]), message
    # 2. else the required questions still open, most critical tier first, then interview order
    if best is None:
        for q in interview.questions:
            if q.optional:
                continue
            for p, idx, waiting in _open_paths(q, root, deferred):
                if not waiting:
                    consider(q, p, idx, None)
    if best_item is None:
        return None
    q, p, sev, level = best_item
    if adding is not None and best_item[0].path == _normalize(p) and is_answered(q, editor, p):
        return Next(q, p, sev, level, f"a {sev} finding asks for another entry", True, adding)
    return Next(q, p, sev, level, _reason(sev, level))


#: How many of a list's last entries are looked at for a missing answer (the ones a person is entering now).
RECENT_ENTRIES = 20


def _unfinished_entry(interview: Interview, list_question: Question, editor: Editor,
                      deferred) -> Optional[tuple[Question, str]]:
    """The first required, unanswered question of one of the list's last entries, with its path."""
    try:
        items = editor.get(list_question.path)
    except EditError:
        return None
    if not isinstance(items, list) or not items:
        return None
    questions = [q for q in interview.items_of(list_question.path) if not q.optional]
    for index in range(max(0, len(items) - RECENT_ENTRIES), len(items)):
        for q in questions:
            path = q.path.replace("[*]", f"[{index}]", 1)
            if path not in deferred and q.applies(editor, path) and not is_answered(q, editor, path):
                return q, path
    return None


def _lists_items(pattern: str) -> bool:
    """Whether the list at ``pattern`` holds items with questions of their own (tiers, evidence sources), not
    plain names or values."""
    try:
        annotation, is_list = field_type(pattern)
    except ValueError:
        return False
    return is_list and isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _as_interview(questions) -> Interview:
    if isinstance(questions, Interview):
        return questions
    qs = tuple(questions)
    return Interview((Step("questions", "Questions", "", qs),))


def _stakes(findings: list, interview: Interview, editor: Editor, deferred: frozenset,
            more: dict | None = None, records: dict | None = None) -> dict[str, str]:
    """Concrete question path -> worst severity of the open findings that question answers. ``more`` collects,
    for a list question, the worst open finding that asks for an entry (path -> (severity, message));
    ``records``, for a list of records (restore tests), the worst evidence finding waiting on it."""
    out: dict[str, str] = {}
    by_pattern = interview._by_pattern()
    for f in findings:
        sev = f.severity
        asks = f.kind in QUESTION_KINDS
        for fp in f.paths:
            if records is not None and f.kind == "evidence":
                q = by_pattern.get(_normalize(fp))
                if q is not None and q.kind == "list" and "[*]" not in q.path and (
                        fp not in records or SEVERITY_RANK.get(sev, NO_STAKE) < SEVERITY_RANK.get(records[fp], NO_STAKE)):
                    records[fp] = sev
            if more is not None and asks:
                q = by_pattern.get(_normalize(fp))
                if q is not None and q.kind == "list":
                    old = more.get(fp)
                    if old is None or SEVERITY_RANK.get(sev, NO_STAKE) < SEVERITY_RANK.get(old[0], NO_STAKE):
                        more[fp] = (sev, f.message)
            if fp.endswith("]") and not asks:
                continue  # a gap about a whole item (a system no copy protects) is not fixed by filling in its fields
            target = _answering_path(fp, interview, by_pattern, editor, deferred)
            if target is None:
                continue
            old = out.get(target)
            if old is None or SEVERITY_RANK.get(sev, NO_STAKE) < SEVERITY_RANK.get(old, NO_STAKE):
                out[target] = sev
    return out


def _answering_path(fp: str, interview: Interview, by_pattern: dict, editor: Editor,
                    deferred: frozenset) -> Optional[str]:
    pattern = _normalize(fp)
    if pattern in by_pattern:
        return fp
    inside = _inside(interview, pattern)
    if inside:
        for q in inside:
            concrete = _concrete(q.path, fp)
            for p in (_expand(concrete, editor) if "[*]" in concrete else [concrete]):
                if p not in deferred and q.applies(editor, p) and not is_answered(q, editor, p):
                    return p
        return None
    p = pattern
    while re.search(r"[.\[]", p):
        p = p[: max(p.rfind("."), p.rfind("["))]
        q = by_pattern.get(p)
        if q is not None:
            return _concrete(q.path, fp)
    return None


def _inside(interview: Interview, pattern: str) -> tuple[Question, ...]:
    """Required questions whose field lies inside the section ``pattern``, in interview order."""
    cache = _index(interview)[3]
    hit = cache.get(pattern)
    if hit is None:
        hit = cache[pattern] = tuple(
            q for q in interview.questions
            if not q.optional and (q.path.startswith(pattern + ".") or q.path.startswith(pattern + "[")))
    return hit


def _list_question(interview: Interview, ref: str | None) -> Optional[Question]:
    """The question asking for the list a reference names (``tiers[*].id`` -> the ``tiers`` question)."""
    if not ref:
        return None
    return interview._by_pattern().get(ref[: ref.rfind("[*]")])


def _indices(path: str) -> tuple[int, ...]:
    return tuple(int(i) for i in re.findall(r"\[(\d+)\]", path))


class _TierLevels:
    """Tier level of the item a path is about: a system's tier, a tier itself, a test's system, a schedule's
    most critical system or tier."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.tiers = {t.id: t.level() for t in policy.tiers}
        self._systems: dict[str, int] | None = None

    def system_level(self, system_id: str | None) -> int:
        if self._systems is None:
            self._systems = {s.id: self.tiers.get(s.tier, NO_TIER) for s in self.policy.systems}
        return self._systems.get(system_id, NO_TIER)

    def of(self, path: str) -> int:
        m = re.match(r"(systems|tiers|restore_tests|schedules)\[(\d+)\]", path)
        if not m:
            return NO_TIER
        section, i = m.group(1), int(m.group(2))
        items = getattr(self.policy, section)
        if i >= len(items):
            return NO_TIER
        item = items[i]
        if section == "systems":
            return self.tiers.get(item.tier, NO_TIER)
        if section == "tiers":
            return min(item.level(), NO_TIER)
        if section == "restore_tests":
            return self.system_level(item.system)
        levels = [self.system_level(s) for s in item.systems] + [self.tiers.get(t, NO_TIER) for t in item.tiers]
        return min(levels, default=NO_TIER)


def _reason(sev: Optional[str], level: int) -> str:
    if sev:
        why = f"a {sev} finding waits on this answer"
    else:
        why = "not answered yet"
    if level < NO_TIER:
        why += "; it is about the most critical tier" if level == 0 else f"; it is about a tier of level {level}"
    return why


# ----------------------------------------------------------------------------
# Typed text -> value
# ----------------------------------------------------------------------------
_YES = frozenset({"yes", "y", "true", "on", "1"})
_NO = frozenset({"no", "n", "false", "off", "0"})


def _takes_words(question) -> bool:
    """Whether the field is a number the spec also accepts as words (a count of copies: "multiple")."""
    try:
        t = field_type(question.path)
    except Exception:  # noqa: BLE001 - an unknown path takes no words
        return False
    return isinstance(t, type) and issubclass(t, int) and t is not int and t is not bool


def parse_answer(question: Question, text: str) -> Any:
    """The value to give ``Editor.set`` for what a person typed (the syntax the examples use).

    Several values are separated by commas. Raises ValueError with a plain message saying what is accepted.
    Durations and dates stay text: the Editor validates them and says what is wrong at the field."""
    raw = (text or "").strip()
    if question.kind in ("text", "long_text", "duration", "date"):
        return raw
    if question.kind == "number":
        try:
            return int(raw) if re.fullmatch(r"[+-]?\d+", raw) else float(raw)
        except ValueError:
            if raw and _takes_words(question):  # a count written in words ("multiple"): the spec keeps it
                return raw
            raise ValueError(f"{raw!r} is not a number; write e.g. {question.help.example}") from None
    if question.kind == "bool":
        word = raw.lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError(f"{raw!r}: answer yes or no")
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if question.kind in ("choice", "multi_choice"):
        allowed = {c.value.lower(): c.value for c in question.choices}
        labels = {c.label.lower(): c.value for c in question.choices}
        whole = allowed.get(raw.lower()) or labels.get(raw.lower())  # a label may hold a comma
        if whole is not None:
            return whole if question.kind == "choice" else [whole]
        out = []
        for v in values:
            hit = allowed.get(v.lower()) or labels.get(v.lower())
            if hit is None:
                raise ValueError(f"{v!r} is not one of: {', '.join(c.value for c in question.choices)}")
            out.append(hit)
        if question.kind == "choice":
            if len(out) != 1:
                raise ValueError(f"choose one of: {', '.join(c.value for c in question.choices)}")
            return out[0]
        return out
    if question.kind == "reference":
        return values if question.many else (values[0] if values else "")
    return values  # a list of text
