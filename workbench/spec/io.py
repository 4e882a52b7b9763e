"""Load and save specs as YAML (default), TOML or JSON, chosen by extension.

Loading never shows a traceback: every problem in a file is collected into
one :class:`SpecError`, each with file, line, column, field path, what was
expected and, for a misspelled key or value, a "did you mean". Positions are
only worked out when something is wrong, so a good file loads at the speed of
the C YAML parser plus validation.

``unknown`` (or ``?``, ``tbd``, ``don't know``) is accepted for any answer and
means the same as leaving it out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
import stat
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from .model import Policy

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}
UNKNOWN_WORDS = frozenset({"unknown", "?", "tbd", "don't know", "dont know", "not sure", "unanswered"})

Path_ = tuple  # a field path: ("systems", 2, "tier")


# ----------------------------------------------------------------------------
# Problems
# ----------------------------------------------------------------------------
_LONG_MESSAGE = 400
_LONG_RUN = re.compile(r"\S{61,}")


def _excerpt(m: re.Match) -> str:
    text = m.group()
    return f"{text[:40]}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec file, with where it is."""

    file: str
    message: str
    path: tuple = ()
    line: int | None = None
    column: int | None = None

    def __post_init__(self) -> None:
        # A message quotes the bad value; a 1 MB value must not become a 1 MB message.
        if len(self.message) > _LONG_MESSAGE:
            object.__setattr__(self, "message", _LONG_RUN.sub(_excerpt, self.message))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = format_path(self.path)
        return f"{where}: {field + ': ' if field else ''}{self.message}"


class SpecError(Exception):
    """A spec could not be read. ``problems`` lists every reason at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_path(path: Iterable) -> str:
    """``("systems", 2, "tier")`` -> ``systems[2].tier``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_path(text: str) -> tuple:
    """``systems[2].tier`` -> ``("systems", 2, "tier")``."""
    parts: list = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS and Path(path).is_dir():
        raise SpecError([Problem(str(path), "is a folder; name a spec file in it (.yaml, .yml, .toml or .json)")])
    if suffix not in FORMATS:
        raise SpecError([Problem(str(path), f"unknown file type {suffix or '(none)'!r}: use .yaml, .yml, .toml or .json")])
    return FORMATS[suffix]


# ----------------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------------
_YamlBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: Files above this size are refused before anything is read (``--max-spec-mb`` raises it).
MAX_SPEC_BYTES = 16 * 1024 * 1024  # a 10,000-system policy written out in full is about 12 MB
#: How many values YAML aliases (``*name``) may add to a document beyond what it spells out. A spec needs a
#: few shared lists at most; nested aliases ("billion laughs") would otherwise expand a 500-byte file into
#: gigabytes when the data is walked or validated.
ALIAS_BUDGET = 10_000

_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_BUILDING = object()


class _Loader(_YamlBase):  # type: ignore[misc,valid-type]
    """Safe loader that refuses duplicate keys, reports bad dates with a line and caps alias expansion.

    libyaml parses and composes the nodes; the document is then built by :func:`_build` in one pass that
    handles the plain cases (strings, mappings, lists) inline, instead of PyYAML's generic constructor
    (one method call, memo entry and state check per node). Plain-scalar tags are resolved once per
    distinct value.
    """

    _resolved: dict = {}

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = self._resolved.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self._resolved) > 50_000:  # bounded: a file of distinct values must not grow it forever
                    self._resolved.clear()
                self._resolved[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node, current_index):  # no path resolvers are registered
        pass

    def ascend_resolver(self):
        pass

    def get_single_data(self):
        # Built from libyaml's events as they come, never holding the whole node graph (with two position
        # marks per node, the graph of a 10,000-system spec takes four times the memory of its data).
        from yaml.events import StreamEndEvent

        self.get_event()  # stream start
        if self.check_event(StreamEndEvent):
            self.get_event()
            return None
        document = self.get_event()  # document start
        data = _build(self)
        self.get_event()  # document end
        if not self.check_event(StreamEndEvent):
            event = self.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", document.start_mark,
                                              "but found another document", event.start_mark)
        self.get_event()
        return data


def _alias_error(message: str, mark) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, mark)


def _build(loader):
    """The document's plain data, built from the parser's events; aliases may add at most
    :data:`ALIAS_BUDGET` values in all.

    Each alias is charged, where it is met, the number of values its anchor stands for (counted as the
    anchored part was built, aliases inside it included): the refusal comes at once, with the line of
    the alias, whatever the expansion would have cost.
    """
    from yaml.events import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent

    constructors = loader.yaml_constructors
    resolve, next_event = loader.resolve, loader.get_event
    ScalarNode = yaml.ScalarNode
    ConstructorError = yaml.constructor.ConstructorError
    anchors: dict = {}           # anchor -> (object, values it stands for)
    count = [0]                  # values built so far, alias expansions included
    budget = [ALIAS_BUDGET]

    def scalar(event):
        tag = event.tag
        if tag is None or tag == "!":
            tag = resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value
        make = constructors.get(tag)
        if make is None:
            raise ConstructorError(None, None, f"could not determine a constructor for the tag {tag!r}",
                                   event.start_mark)
        return make(loader, ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style))

    def build(event):
        cls = event.__class__
        count[0] += 1
        if cls is ScalarEvent:
            obj = scalar(event)
            if event.anchor is not None:
                anchors[event.anchor] = (obj, 1)
            return obj
        if cls is AliasEvent:
            found = anchors.get(event.anchor)
            if found is None:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}",
                                                  event.start_mark)
            obj, size = found
            if obj is _BUILDING:
                raise _alias_error("an alias (*name) refers to the list or mapping that contains it",
                                   event.start_mark)
            budget[0] -= size
            if budget[0] < 0:
                raise _alias_error(
                    f"aliases (*name) here expand the document by more than {ALIAS_BUDGET:,} values; "
                    "a spec has no use for that many repeats (nested aliases make a small file enormous)",
                    event.start_mark)
            count[0] += size - 1
            return obj
        tag, anchor, before = event.tag, event.anchor, count[0]
        if anchor is not None:
            anchors[anchor] = (_BUILDING, 0)
        if cls is MappingStartEvent:
            if tag not in (None, "!", _MAP):
                raise ConstructorError(None, None, f"could not determine a constructor for the tag {tag!r}",
                                       event.start_mark)
            obj: Any = {}
            merges = []
            while True:
                key_event = next_event()
                if key_event.__class__ is MappingEndEvent:
                    break
                if key_event.__class__ is ScalarEvent and key_event.value == "<<" and key_event.tag is None \
                        and key_event.implicit[0]:  # a merge key
                    merges.append((key_event, build(next_event())))
                    continue
                key = build(key_event)
                try:
                    duplicate = key in obj
                except TypeError:
                    raise ConstructorError(None, None, "a key must be a plain value, not a list or mapping",
                                           key_event.start_mark) from None
                if duplicate:
                    raise ConstructorError(None, None, f"duplicate key {key!r}: the earlier value would be lost",
                                           key_event.start_mark)
                obj[key] = build(next_event())
            if merges:
                obj = _merged(merges, obj)
        else:
            if tag not in (None, "!", _SEQ):
                raise ConstructorError(None, None, f"could not determine a constructor for the tag {tag!r}",
                                       event.start_mark)
            obj = []
            while True:
                item = next_event()
                if item.__class__ is SequenceEndEvent:
                    break
                obj.append(build(item))
        if anchor is not None:
            anchors[anchor] = (obj, count[0] - before)
        return obj

    return build(next_event())


def _merged(merges: list, own: dict) -> dict:
    """A mapping with ``<<`` merge keys: the merged mappings' keys first (an earlier one wins), then its own;
    a key both merged and given is refused as a duplicate, as before."""
    out: dict = {}
    for key_event, value in merges:
        parts = value if isinstance(value, list) else [value]
        for part in parts:
            if not isinstance(part, dict):
                raise yaml.constructor.ConstructorError(
                    None, None, "a merge key (<<) takes a mapping or a list of mappings", key_event.start_mark)
            for k, v in part.items():
                out.setdefault(k, v)
    for k, v in own.items():
        if k in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {k!r}: the earlier value would be lost", merges[0][0].start_mark)
        out[k] = v
    return out


def _construct_map(loader, node):
    """A mapping inside a tag PyYAML builds itself (``!!set``, ``!!omap`` ...): duplicate keys refused too."""
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in mapping
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
            )
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}: the earlier value would be lost", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _construct_timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value  # validation reports it at its field, with the others


def _refuse_binary(loader, node):
    # bytes, decoded by nobody's eyes: the text checks (control characters, bidirectional overrides) never
    # saw what a base64 value held, and its escape codes reached the terminal
    raise yaml.constructor.ConstructorError(
        None, None, "a !!binary value is not accepted in a spec: write the text itself", node.start_mark)


_Loader.add_constructor("tag:yaml.org,2002:binary", _refuse_binary)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _yaml_problem(source: str, exc: yaml.YAMLError, text: str = "") -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML refuses: say where in lines, not offsets
        before = text[:exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return Problem(source, f"not valid YAML: the control character U+{ord(char):04X} is not allowed in a "
                               "YAML file; remove it", line=line, column=column)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if "could not determine a constructor" in problem or "tag" in problem and "!" in problem:
        problem = f"{problem.strip()}; tags that build objects are not allowed in a spec"
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context and context not in problem else problem
    if mark is None:
        return Problem(source, f"not valid YAML: {message}")
    lines = text.splitlines()
    if "cannot start any token" in problem and mark.line < len(lines) and "\t" in lines[mark.line]:
        # libyaml's words for a tab where YAML wants spaces
        message = "a tab character here; YAML indents with spaces only: replace the tab with spaces"
    return Problem(source, f"not valid YAML: {message}", line=mark.line + 1, column=mark.column + 1)


def _json_pairs(pairs):
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}: the earlier value would be lost")
        out[key] = value
    return out


def parse_text(text: str, fmt: str, source: str = "<text>") -> Any:
    """Parse ``text`` into plain data; raise :class:`SpecError` on syntax errors."""
    try:
        return _parse_text(text, fmt, source)
    except RecursionError:
        raise SpecError([Problem(source, "nested too deeply to read (hundreds of levels); a spec nests a few "
                                         "levels at most")]) from None


def _parse_text(text: str, fmt: str, source: str) -> Any:
    if not text.strip():
        raise SpecError([Problem(source, "the file is empty: a spec needs at least an organization or a policy section", line=1)])
    if fmt == "yaml":
        try:
            return yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise SpecError([_yaml_problem(source, exc, text)]) from None
    if fmt == "json":
        import json  # (json, tomllib and difflib are imported where used: most runs read YAML and spell right)

        try:
            return json.loads(text, object_pairs_hook=_json_pairs)
        except json.JSONDecodeError as exc:
            raise SpecError([Problem(source, f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]) from None
        except ValueError as exc:
            line, column = _place_of_duplicate(text, str(exc))
            raise SpecError([Problem(source, f"not valid JSON: {exc}", line=line, column=column)]) from None
    if fmt == "toml":
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = str(exc)
            m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
            line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
            raise SpecError([Problem(source, f"not valid TOML: {msg}", line=line, column=col)]) from None
    raise SpecError([Problem(source, f"unknown format {fmt!r}")])


def _place_of_duplicate(text: str, message: str) -> tuple[int | None, int | None]:
    """(line, column) of the second ``"key":`` of the key a duplicate-key error names (json gives no position; the
    file may be one long line)."""
    import json

    m = re.search(r"duplicate key '([^']*)'", message)
    if not m:
        return None, None
    hits = list(re.finditer(re.escape(json.dumps(m.group(1))) + r"\s*:", text))
    if len(hits) < 2:
        return None, None
    at = hits[1].start()
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


#: Cheap pre-check on the raw text: without any of these, no answer can be an UNKNOWN_WORD, so the
#: walk is skipped. (A lone "?" is one not touching a word, e.g. ``tier: "?"``.)
_UNKNOWN_HINT = re.compile(r"unknown|tbd|know|not sure|unanswered|(?<![\w?])\?(?![\w?])", re.IGNORECASE)


def strip_unknown(data: Any, model: Any = None) -> Any:
    """Drop answers written as ``unknown`` (or ``?``, ``tbd`` ...): absent means unknown.

    With ``model`` (the class the data is for; :func:`loads` passes :class:`Policy`), a list that is an answer
    in its own right (a field typed ``Optional[list]``, such as a role's ``members``) written as ``unknown``
    becomes None, "not answered yet", rather than being dropped: dropped, it would read as an empty list,
    "none"."""
    if isinstance(data, dict):
        nullable, children = _list_fields(model) if model is not None else (frozenset(), {})
        out = {}
        for k, v in data.items():
            if isinstance(v, str) and v.strip().lower() in UNKNOWN_WORDS:
                if k in nullable:
                    out[k] = None
                continue
            out[k] = strip_unknown(v, children.get(k)) if isinstance(v, (dict, list)) else v
        return out
    if isinstance(data, list):
        return [strip_unknown(v, model) for v in data]
    return data


_LIST_FIELDS: dict[type, tuple[frozenset, dict]] = {}


def _list_fields(model: Any) -> tuple[frozenset, dict]:
    """(names of ``Optional[list]`` fields, field name -> model class of its value or items) of a model class."""
    found = _LIST_FIELDS.get(model)
    if found is None:
        nullable, children = set(), {}
        if isinstance(model, type) and issubclass(model, BaseModel):
            for name, info in model.model_fields.items():
                ann = info.annotation
                args = typing.get_args(ann)
                if (typing.get_origin(ann) is typing.Union or str(typing.get_origin(ann)) == "types.UnionType") \
                        and type(None) in args and any(typing.get_origin(a) is list for a in args):
                    nullable.add(name)
                inner = _unwrap(ann)
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    children[name] = inner
        found = _LIST_FIELDS[model] = (frozenset(nullable), children)
    return found


# ----------------------------------------------------------------------------
# Positions (only computed when something is wrong)
# ----------------------------------------------------------------------------
def positions(text: str, fmt: str) -> dict[tuple, tuple[int, int]]:
    """Map field paths to (line, column), 1-based. Best effort; never raises."""
    try:
        if fmt == "toml":
            return _toml_positions(text)
        return _yaml_positions(text)  # JSON is YAML for this purpose
    except Exception:  # a position is a nicety; the message still stands without it
        return {}


def _yaml_positions(text: str) -> dict:
    root = yaml.compose(text, Loader=_YamlBase)
    out: dict = {}

    def mark(node):
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = path + (key.value,)
                out[child] = mark(key) if isinstance(value, (yaml.MappingNode, yaml.SequenceNode)) else mark(value)
                out[child + ("<key>",)] = mark(key)
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                out[path + (i,)] = mark(item)
                walk(item, path + (i,))

    if root is not None:
        out[()] = mark(root)
        walk(root, ())
    return out


_TOML_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_\-]+)\s*=')


def _toml_positions(text: str) -> dict:
    out: dict = {(): (1, 1)}
    arrays: dict[tuple, int] = {}
    current: tuple = ()
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("["):
            is_array = s.startswith("[[")
            name = s.strip("[]").split("#")[0].strip().rstrip("]").strip()
            parts = [p.strip().strip('"') for p in name.split(".")]
            resolved: tuple = ()
            for i, part in enumerate(parts):
                resolved += (part,)
                last = i == len(parts) - 1
                if is_array and last:
                    arrays[resolved] = arrays.get(resolved, -1) + 1
                    out.setdefault(resolved, (lineno, 1))
                    resolved += (arrays[resolved],)
                elif resolved in arrays:
                    resolved += (arrays[resolved],)
            current = resolved
            out[current] = (lineno, 1)
            continue
        m = _TOML_KEY.match(line)
        if m:
            key = m.group(1).strip('"')
            out[current + (key,)] = (lineno, line.index(m.group(1)) + 1)
            out[current + (key, "<key>")] = out[current + (key,)]
    return out


def locate(pos: dict, path: tuple, *, key: bool = False) -> tuple[int | None, int | None]:
    """Line and column of ``path`` or of its nearest ancestor."""
    if key and path + ("<key>",) in pos:
        return pos[path + ("<key>",)]
    p = tuple(path)
    while p:
        if p in pos:
            return pos[p]
        p = p[:-1]
    return pos.get((), (None, None))


# ----------------------------------------------------------------------------
# Validation errors a person can act on
# ----------------------------------------------------------------------------
def _model_at(path: tuple) -> type[BaseModel] | None:
    """The model class that holds the field at ``path`` (for "did you mean")."""
    cls: Any = Policy
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or part not in cls.model_fields:
            return None
        cls = _unwrap(cls.model_fields[part].annotation)
    return cls if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin in (list, typing.Union) or str(origin) == "types.UnionType":
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else annotation
            continue
        if origin is dict:
            annotation = typing.get_args(annotation)[1]
            continue
        return annotation


_DATE_WORDS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d %b, %Y", "%d %B, %Y", "%b %d, %Y",
               "%B %d, %Y", "%Y/%m/%d", "%Y.%m.%d", "%d-%b-%Y", "%d-%B-%Y")


def _date_meant(value: Any) -> "str | None":
    """The ISO date a date written another unambiguous way names ("3 Dec 2026" -> 2026-12-03); None when
    the month name is missing (03/12/2026 is December in London and March in New York)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    text = " ".join(value.replace("Sept", "Sep").split())
    for fmt in _DATE_WORDS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


_ISO_SHAPE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def no_such_day(text: Any) -> "str | None":
    """Why a date written as YYYY-MM-DD is still no date ("February 2026 has 28 days"); None otherwise."""
    if not isinstance(text, str):
        return None
    m = _ISO_SHAPE.fullmatch(text.strip())
    if m is None:
        return None
    import calendar

    year, month, day = map(int, m.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days"
    return None


def _suggest(word: Any, choices: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


#: Words people use for a value, mapped to the spec's values that may mean it (the first allowed one is
#: suggested). Spelling mistakes are left to difflib; these are the synonyms spelling cannot find.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # system kinds, media
    "nas": ("fileshare", "disk"), "san": ("disk", "vm"), "file server": ("fileshare",), "file share": ("fileshare",),
    "smb": ("fileshare",), "nfs": ("fileshare",), "shared drive": ("fileshare", "saas"),
    "database": ("db",), "sql": ("db",), "sql server": ("db",), "mssql": ("db",), "postgres": ("db",),
    "postgresql": ("db",), "mysql": ("db",), "oracle": ("db",), "rds": ("db",), "mongodb": ("db",),
    "virtual machine": ("vm",), "hyper-v": ("vm",), "hyperv": ("vm",), "vmware": ("vm",), "ec2": ("vm",),
    "kubernetes": ("k8s",), "eks": ("k8s",), "aks": ("k8s",), "gke": ("k8s",),
    "laptop": ("endpoint",), "laptops": ("endpoint",), "desktop": ("endpoint",), "workstation": ("endpoint",),
    "pc": ("endpoint",), "o365": ("saas",), "m365": ("saas",), "office 365": ("saas",), "microsoft 365": ("saas",),
    "sharepoint": ("saas",), "onedrive": ("saas",), "exchange online": ("saas",), "teams": ("saas",),
    "google workspace": ("saas",), "gsuite": ("saas",), "g suite": ("saas",), "salesforce": ("saas",),
    "s3": ("object_store", "object"), "blob": ("object_store", "object"), "bucket": ("object_store", "object"),
    "azure blob": ("object_store", "object"), "gcs": ("object_store", "object"),
    "active directory": ("idp",), "ad": ("idp",), "azure ad": ("idp",), "entra": ("idp",), "entra id": ("idp",),
    "okta": ("idp",), "sso": ("idp",), "git": ("config_repo",), "terraform": ("config_repo",),
    "iac": ("config_repo",), "vault": ("secrets",), "key vault": ("kms", "secrets"), "hsm": ("kms",),
    "logs": ("log_store", "logs"), "siem": ("log_store",), "usb": ("removable",), "external drive": ("removable",),
    "lto": ("tape",), "tape": ("tape_offsite", "tape"), "dvd": ("optical",), "blu-ray": ("optical",),
    # storage classes
    "glacier": ("glacier_flexible", "archive"), "glacier deep archive": ("deep_archive",),
    "glacier instant retrieval": ("glacier_ir",), "cool": ("ia",), "infrequent access": ("ia",),
    "cold": ("ia", "cold"), "hot": ("standard", "hot"), "archive tier": ("archive",),
    # data classes and regulatory tags
    "hipaa": ("phi", "hipaa"), "ephi": ("phi",), "e-phi": ("phi",), "health": ("phi",), "medical": ("phi",),
    "patient data": ("phi",), "personal data": ("pii",), "personal": ("pii",), "gdpr": ("pii", "gdpr"),
    "card data": ("pci",), "cardholder data": ("pci",), "chd": ("pci",), "credit card": ("pci",),
    "pci dss": ("pci", "pci_dss"), "pci-dss": ("pci", "pci_dss"), "pci": ("pci", "pci_dss"),
    "sensitive": ("confidential",), "secret": ("restricted",), "finance": ("financial",),
    "sox": ("financial", "sox"), "sec 17a-4": ("sec17a4", "sec_17a4"), "17a-4": ("sec17a4", "sec_17a4"),
    # frameworks
    "soc 2": ("soc2",), "soc-2": ("soc2",), "iso": ("iso_27001",), "iso 27001": ("iso_27001",),
    "iso27001": ("iso_27001",), "nist": ("nist_800_53",), "nist 800-53": ("nist_800_53",),
    "cis": ("cis_v8",), "cis controls": ("cis_v8",),
    # environments
    "production": ("prod",), "live": ("prod",), "development": ("dev",), "testing": ("test",), "qa": ("test",),
    "uat": ("staging",), "corporate": ("corp",), "office": ("corp",), "disaster recovery": ("dr",),
    # immutability, schedules, results, disposal, principals
    "immutable": ("compliance", "worm_media"), "object lock": ("compliance",), "worm": ("worm_media", "compliance"),
    "locked": ("compliance",), "air gap": ("worm_media",), "nightly": ("incremental",), "image": ("full", "vm"),
    "mirror": ("replication",), "sync": ("replication",), "cdp": ("continuous",), "pitr": ("continuous", "log"),
    "passed": ("pass",), "ok": ("pass",), "success": ("pass",), "failed": ("fail",), "failure": ("fail",),
    "shred": ("nist_800_88_destroy",), "shredding": ("nist_800_88_destroy",), "degauss": ("nist_800_88_purge",),
    "wipe": ("nist_800_88_clear",), "crypto-shred": ("crypto_erase",), "cloud": ("provider_managed",),
    "person": ("human",), "user": ("human",), "service account": ("service",), "team": ("group",),
    # permissions, in the words check and the app use for them ("delete backups" was matched to delete_vault)
    "delete backups": ("delete_recovery_point",), "delete backup": ("delete_recovery_point",),
    "delete recovery points": ("delete_recovery_point",), "change retention": ("modify_retention",),
    "change locks": ("modify_immutability",), "change immutability": ("modify_immutability",),
    "switch off a plan": ("disable_plan",), "disable plans": ("disable_plan",), "delete a vault": ("delete_vault",),
    "administer keys": ("key_admin",), "administer production": ("prod_admin",), "production admin": ("prod_admin",),
    "bypass a governance lock": ("bypass_governance",),
}


def _synonym(word: Any, allowed: list[str]) -> str | None:
    """The allowed value ``word`` stands for: the same value in other case or spacing, or a synonym."""
    if not isinstance(word, str):
        return None
    key = " ".join(word.strip().lower().split())
    for candidate in (key, key.replace(" ", "_").replace("-", "_"), key.replace(" ", "").replace("-", "")):
        if candidate in allowed:
            return candidate
    for k in (key, key.replace("_", " "), key.replace("-", " ")):
        for value in SYNONYMS.get(k, ()):
            if value in allowed:
                return value
    return None


def _split_text_hint(name: Any) -> str:
    """A hint for a field name that reads like a piece of a sentence.

    In a YAML flow mapping, ``{reason: kept on a USB drive, or other offline locations}``,
    the comma ends the value and the rest becomes a key: "unknown field 'or other offline
    locations'" alone would send the user looking for a misspelt field.
    """
    if isinstance(name, str) and (" " in name.strip() or len(name) > 40):
        return "; did a comma split a text value? put the text in quotes"
    return ""


def _describe(error: dict) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        choices = model.model_fields if model else ()
        return f"unknown field {loc[-1]!r}{_suggest(loc[-1], choices)}{_split_text_hint(loc[-1])}"
    if kind == "missing":
        return f"required field {loc[-1]!r} is missing"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        meant = _synonym(value, allowed)
        hint = f" (did you mean {meant!r}?)" if meant else _suggest(value, allowed)
        return f"{value!r} is not one of: {', '.join(allowed)}{hint}"
    if kind.startswith("date"):
        if isinstance(value, dt.datetime):  # YAML reads 2026-02-01T10:00:00 as a date and time
            return f"{value.isoformat()} is a date and a time; write the date alone, here {value.date().isoformat()}"
        why = no_such_day(value)
        if why:
            return f"{value!r} is not a day of the calendar: {why}"
        meant = _date_meant(value)
        return f"{value!r} is not a date; write it as YYYY-MM-DD, " + (
            f"here {meant}" if meant else "e.g. 2026-07-15")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than"):
        bound = error.get("ctx", {}).get({"greater_than_equal": "ge", "less_than_equal": "le",
                                          "greater_than": "gt"}[kind])
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)  # "at most 100", not "at most 100.0"
        shown = value if not (isinstance(value, float) and value.is_integer()) else int(value)
        if kind == "greater_than_equal" and bound == 0:
            return f"cannot be negative (got {shown!r}); write 0 or more"
        if kind == "greater_than":
            return f"must be more than {bound} (got {shown!r})"
        return f"must be {'at least' if kind == 'greater_than_equal' else 'at most'} {bound} (got {shown!r})"
    if kind == "finite_number":
        return f"must be a finite number (got {value!r})"
    message = error["msg"]
    if message.startswith("Value error, "):
        return message[len("Value error, "):]
    return f"{message} (got {value!r})" if value is not None and not isinstance(value, (dict, list)) else message


def problems_from_validation(exc: ValidationError, source: str, pos: dict) -> list[Problem]:
    out = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
        line, col = locate(pos, loc, key=error["type"] == "extra_forbidden")
        out.append(Problem(source, _describe(error), loc, line, col))
    return sorted(out, key=lambda p: (p.line or 0, p.column or 0))


# ----------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------
@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while a document is built.

    Parsing and validating a spec allocates hundreds of thousands of small
    containers that never form cycles; the collector's repeated passes over
    them cost about as much as the parse itself (measured: loading 200 client
    specs took half the CPU time with the collector paused). Reference counting
    still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Collect only what was allocated meanwhile (cheap), so that re-enabling
            # does not set off a full collection over every object the program holds.
            gc.collect(0)
            gc.enable()


def loads(text: str, fmt: str = "yaml", source: str = "<text>", *, check_references: bool = True) -> Policy:
    """Parse and validate a spec held in a string."""
    with _gc_paused():
        data = parse_text(text, fmt, source)
        if data is None:
            raise SpecError([Problem(source, "the file holds no data: a spec is a mapping of sections", line=1)])
        if not isinstance(data, dict):
            raise SpecError([Problem(source, f"the top level must be a mapping of sections, not a {type(data).__name__}", line=1, column=1)])
        _refuse_bad_text(data, text, fmt, source)
        try:
            policy = Policy.model_validate(strip_unknown(data, Policy) if _UNKNOWN_HINT.search(text) else data)
        except ValidationError as exc:
            raise SpecError(problems_from_validation(exc, source, positions(text, fmt))) from None
    if check_references:
        from .refs import reference_problems

        found = reference_problems(policy)
        if found:
            pos = positions(text, fmt)
            raise SpecError([Problem(source, msg, path, *locate(pos, path)) for path, msg in found])
    return policy


def _refuse_bad_text(data: Any, text: str, fmt: str, source: str) -> None:
    """Refuse control characters and lone surrogates at their field (see :mod:`.textcheck`)."""
    from .textcheck import bad_text, might_hold_bad_text

    if not might_hold_bad_text(text):
        return
    found = list(bad_text(data))
    if found:
        pos = positions(text, fmt)
        raise SpecError([Problem(source, msg, path, *locate(pos, path)) for path, msg in found[:50]])


def read_user_file(path: str | Path, what: str) -> bytes:
    """The bytes of a file the user named, or a :class:`SpecError` saying why it cannot be read."""
    source = str(path)
    try:
        # non-blocking open: a named pipe with no writer would otherwise wait forever before any check
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            kind = os.fstat(fd).st_mode
            if not stat.S_ISREG(kind):
                if stat.S_ISDIR(kind):
                    raise IsADirectoryError
                raise SpecError([Problem(source, f"this is {_special_kind(kind)}, not a {what} file; save the "
                                         f"{what} to a file and name that")])
            with os.fdopen(fd, "rb", closefd=False) as handle:
                return handle.read()
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise SpecError([Problem(source, "no such file")]) from None
    except IsADirectoryError:
        raise SpecError([Problem(source, f"this is a folder, not a {what} file")]) from None
    except OSError as exc:
        raise SpecError([Problem(source, f"cannot read the file: {exc.strerror}")]) from None


def _special_kind(mode: int) -> str:
    """What a file that is not a regular one is, in words (a symlink to /dev/zero is "a device")."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def check_size(path: str | Path, limit: int | None = None) -> None:
    """Refuse a file larger than ``limit`` bytes (default :data:`MAX_SPEC_BYTES`) before reading any of it."""
    limit = MAX_SPEC_BYTES if limit is None else limit
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # reading it says why
    if size > limit:
        mb = 1024 * 1024
        raise SpecError([Problem(str(path), f"the file is {size / mb:.1f} MB, over the {limit / mb:g} MB limit for a "
                                 f"spec; nothing was read (pass --max-spec-mb {-(-size // mb)} to read it anyway)",
                                 line=1)])


def load(path: str | Path, *, check_references: bool = True, max_bytes: int | None = None) -> Policy:
    """Read a spec file; the format follows the extension. Files over ``max_bytes`` (default
    :data:`MAX_SPEC_BYTES`) are refused before they are read."""
    source = str(path)
    fmt = format_for(path)
    check_size(path, max_bytes)
    raw = read_user_file(path, "spec")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError([Problem(source, "the file is not UTF-8 text", line=line)]) from None
    return loads(text, fmt, source, check_references=check_references)


def to_data(policy: Policy) -> dict:
    """The policy as plain data: answered fields only, defaults left out."""
    data = policy.model_dump(mode="python", exclude_defaults=True)
    data = _prune(data)
    return {"spec_version": policy.spec_version, **data}


def _prune(value: Any, model: Any = Policy) -> Any:
    """Drop unanswered (None) values; an empty section that was given stays. A list answer that is None
    ("not answered yet", see :func:`strip_unknown`) is written as ``unknown``: left out, it would load back
    as an empty list."""
    if isinstance(value, dict):
        nullable, children = _list_fields(model)
        return {k: ("unknown" if v is None else _prune(v, children.get(k))) for k, v in value.items()
                if v is not None or k in nullable}
    if isinstance(value, list):
        return [_prune(v, model) for v in value]
    return value


_YamlDumperBase = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _YamlDumper(_YamlDumperBase):  # type: ignore[misc,valid-type]
    """libyaml's emitter fed with events in one plain pass over the data.

    Plain data only (what :func:`to_data` gives): strings, numbers, booleans, dates, lists and mappings,
    written without building PyYAML's node graph, its per-value representer dispatch and alias bookkeeping,
    or two resolver calls per value. The text is the same as ``yaml.dump(data, Dumper=CSafeDumper)`` would
    write, except that no anchors or aliases are ever written (a value that appears twice is written
    twice); keys keep their order. Whether a string can be written plain is worked out once per string.
    """

    _plain: dict = {}  # string -> whether it reads back as a string when written without quotes

    def represent(self, data):
        from yaml.events import (DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                                 ScalarEvent, SequenceEndEvent, SequenceStartEvent)

        emit, plain, resolve = self.emit, self._plain, self.resolve
        flow = bool(self.default_flow_style)
        ScalarNode = yaml.ScalarNode
        STR_IMPLICIT, STR_QUOTED = (True, True), (False, True)
        other = {bool: ("tag:yaml.org,2002:bool", lambda v: "true" if v else "false"),
                 int: ("tag:yaml.org,2002:int", str),
                 type(None): ("tag:yaml.org,2002:null", lambda v: "null"),
                 dt.date: ("tag:yaml.org,2002:timestamp", dt.date.isoformat)}
        str_, dict_, list_ = str, dict, list

        def scalar(tag: str, text: str):
            detected = resolve(ScalarNode, text, (True, False))
            emit(ScalarEvent(None, tag, (detected == tag, tag == _STR), text))

        def walk(value):
            cls = value.__class__
            if cls is str_:
                ok = plain.get(value)
                if ok is None:
                    ok = resolve(ScalarNode, value, (True, False)) == _STR
                    if len(plain) > 50_000:
                        plain.clear()
                    plain[value] = ok
                emit(ScalarEvent(None, _STR, STR_IMPLICIT if ok else STR_QUOTED, value))
            elif cls is dict_:
                emit(MappingStartEvent(None, _MAP, True, flow_style=flow))
                for k, v in value.items():
                    walk(k)
                    walk(v)
                emit(MappingEndEvent())
            elif cls is list_ or cls is tuple:
                emit(SequenceStartEvent(None, _SEQ, True, flow_style=flow))
                for v in value:
                    walk(v)
                emit(SequenceEndEvent())
            elif cls in other:
                tag, text = other[cls]
                scalar(tag, text(value))
            else:  # floats, datetimes ...: PyYAML's own representer and serializer for this one value
                node = self.represent_data(value)
                if not isinstance(node, ScalarNode):
                    raise yaml.representer.RepresenterError("cannot write a value of type " + cls.__name__, value)
                scalar(node.tag, node.value)

        emit(DocumentStartEvent(explicit=False))
        walk(data)
        emit(DocumentEndEvent(explicit=False))


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def dumps(policy: Policy, fmt: str = "yaml") -> str:
    """The policy as text in ``fmt`` (yaml, toml or json)."""
    data = to_data(policy)
    if fmt == "yaml":
        return yaml.dump(data, Dumper=_YamlDumper, sort_keys=False, allow_unicode=True, width=100)
    if fmt == "json":
        import json

        return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(data)
    raise ValueError(f"unknown format {fmt!r}")


def save(policy: Policy, path: str | Path, fmt: str | None = None) -> Path:
    """Write the policy atomically; the format follows the extension."""
    from workbench.store.atomic import atomic_write

    return atomic_write(path, dumps(policy, fmt or format_for(path)))
