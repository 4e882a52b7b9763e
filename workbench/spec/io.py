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
import difflib
import gc
import json
import re
import tomllib
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
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec file, with where it is."""

    file: str
    message: str
    path: tuple = ()
    line: int | None = None
    column: int | None = None

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
        node = self.get_single_node()
        return None if node is None else _build(self, node)


def _alias_error(message: str, mark) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, mark)


def _expanded(node, sizes: dict, mark) -> int:
    """How many values ``node`` stands for once every alias inside it is expanded (memoized per node)."""
    found = sizes.get(id(node))
    if found is not None:
        if found < 0:
            raise _alias_error("an alias (*name) refers to the list or mapping that contains it", mark)
        return found
    cls = node.__class__
    if cls is yaml.ScalarNode:
        return 1
    sizes[id(node)] = -1
    if cls is yaml.MappingNode:
        total = 1 + sum(_expanded(k, sizes, mark) + _expanded(v, sizes, mark) for k, v in node.value)
    else:
        total = 1 + sum(_expanded(item, sizes, mark) for item in node.value)
    sizes[id(node)] = total
    return total


def _build(loader, root):
    """Plain data of the node graph ``root``; aliases may add at most :data:`ALIAS_BUDGET` values in all.

    Aliases are counted as they are met, before anything is expanded: the refusal comes at once, with the
    line of the alias, whatever the expansion would have cost.
    """
    constructors = loader.yaml_constructors
    built: dict = {}     # id(node) -> object, for lists and mappings (an alias returns the same node)
    sizes: dict = {}
    budget = [ALIAS_BUDGET]
    ScalarNode, MappingNode = yaml.ScalarNode, yaml.MappingNode
    ConstructorError = yaml.constructor.ConstructorError

    def build(node, mark):
        cls = node.__class__
        if cls is ScalarNode:
            tag = node.tag
            if tag == _STR:
                return node.value
            make = constructors.get(tag)
            if make is None:
                raise ConstructorError(None, None, f"could not determine a constructor for the tag {tag!r}",
                                       node.start_mark)
            return make(loader, node)
        key = id(node)
        found = built.get(key)
        if found is not None:
            if found is _BUILDING:
                raise _alias_error("an alias (*name) refers to the list or mapping that contains it", mark)
            budget[0] -= _expanded(node, sizes, mark)
            if budget[0] < 0:
                raise _alias_error(
                    f"aliases (*name) here expand the document by more than {ALIAS_BUDGET:,} values; "
                    "a spec has no use for that many repeats (nested aliases make a small file enormous)", mark)
            return found
        tag = node.tag
        if tag not in (_MAP, _SEQ):
            obj = loader.construct_object(node, deep=True)  # !!set, !!omap ... (or the error for an unknown tag)
            built[key] = obj
            return obj
        built[key] = _BUILDING
        if cls is MappingNode:
            pairs = node.value
            for k, _ in pairs:
                if k.tag == _MERGE:
                    loader.flatten_mapping(node)
                    pairs = node.value
                    break
            obj: Any = {}
            for key_node, value_node in pairs:
                k = key_node.value if key_node.tag == _STR else build(key_node, key_node.start_mark)
                try:
                    duplicate = k in obj
                except TypeError:
                    raise ConstructorError(None, None, "a key must be a plain value, not a list or mapping",
                                           key_node.start_mark) from None
                if duplicate:
                    raise ConstructorError(None, None, f"duplicate key {k!r}: the earlier value would be lost",
                                           key_node.start_mark)
                v = value_node.value if value_node.tag == _STR and value_node.__class__ is ScalarNode \
                    else build(value_node, key_node.start_mark)
                obj[k] = v
        else:
            obj = []
            for item in node.value:
                obj.append(item.value if item.tag == _STR and item.__class__ is ScalarNode
                           else build(item, item.start_mark if item.__class__ is ScalarNode else mark))
        built[key] = obj
        return obj

    return build(root, root.start_mark)


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


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _yaml_problem(source: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if "could not determine a constructor" in problem or "tag" in problem and "!" in problem:
        problem = f"{problem.strip()}; tags that build objects are not allowed in a spec"
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context and context not in problem else problem
    if mark is None:
        return Problem(source, f"not valid YAML: {message}")
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
    if not text.strip():
        raise SpecError([Problem(source, "the file is empty: a spec needs at least an organization or a policy section", line=1)])
    if fmt == "yaml":
        try:
            return yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise SpecError([_yaml_problem(source, exc)]) from None
        except RecursionError:
            raise SpecError([Problem(source, "not valid YAML for a spec: lists or mappings nested too deeply")]) from None
    if fmt == "json":
        try:
            return json.loads(text, object_pairs_hook=_json_pairs)
        except json.JSONDecodeError as exc:
            raise SpecError([Problem(source, f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]) from None
        except ValueError as exc:
            line = _line_of_duplicate(text, str(exc))
            raise SpecError([Problem(source, f"not valid JSON: {exc}", line=line)]) from None
    if fmt == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = str(exc)
            m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
            line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
            raise SpecError([Problem(source, f"not valid TOML: {msg}", line=line, column=col)]) from None
    raise SpecError([Problem(source, f"unknown format {fmt!r}")])


def _line_of_duplicate(text: str, message: str) -> int | None:
    m = re.search(r"duplicate key '([^']*)'", message)
    if not m:
        return None
    hits = [i for i, line in enumerate(text.splitlines(), 1) if f'"{m.group(1)}"' in line]
    return hits[1] if len(hits) > 1 else None


#: Cheap pre-check on the raw text: without any of these, no answer can be an UNKNOWN_WORD, so the
#: walk is skipped. (A lone "?" is one not touching a word, e.g. ``tier: "?"``.)
_UNKNOWN_HINT = re.compile(r"unknown|tbd|know|not sure|unanswered|(?<![\w?])\?(?![\w?])", re.IGNORECASE)


def strip_unknown(data: Any) -> Any:
    """Drop answers written as ``unknown`` (or ``?``, ``tbd`` ...): absent means unknown."""
    if isinstance(data, dict):
        return {
            k: strip_unknown(v)
            for k, v in data.items()
            if not (isinstance(v, str) and v.strip().lower() in UNKNOWN_WORDS)
        }
    if isinstance(data, list):
        return [strip_unknown(v) for v in data]
    return data


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


def _suggest(word: Any, choices: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


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
        return f"{value!r} is not one of: {', '.join(allowed)}{_suggest(value, allowed)}"
    if kind.startswith("date"):
        return f"{value!r} is not a date; write it as YYYY-MM-DD"
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
        try:
            policy = Policy.model_validate(strip_unknown(data) if _UNKNOWN_HINT.search(text) else data)
        except ValidationError as exc:
            raise SpecError(problems_from_validation(exc, source, positions(text, fmt))) from None
    if check_references:
        from .refs import reference_problems

        found = reference_problems(policy)
        if found:
            pos = positions(text, fmt)
            raise SpecError([Problem(source, msg, path, *locate(pos, path)) for path, msg in found])
    return policy


def read_user_file(path: str | Path, what: str) -> bytes:
    """The bytes of a file the user named, or a :class:`SpecError` saying why it cannot be read."""
    source = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SpecError([Problem(source, "no such file")]) from None
    except IsADirectoryError:
        raise SpecError([Problem(source, f"this is a folder, not a {what} file")]) from None
    except OSError as exc:
        raise SpecError([Problem(source, f"cannot read the file: {exc.strerror}")]) from None


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


def _prune(value: Any) -> Any:
    """Drop unanswered (None) values; an empty section that was given stays."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


_YamlDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


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
        return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(data)
    raise ValueError(f"unknown format {fmt!r}")


def save(policy: Policy, path: str | Path, fmt: str | None = None) -> Path:
    """Write the policy atomically; the format follows the extension."""
    from workbench.store.atomic import atomic_write

    return atomic_write(path, dumps(policy, fmt or format_for(path)))
