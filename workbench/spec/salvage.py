"""Opening a spec that does not validate, with the values that cannot be read set aside.

A reviewer's hand-written policy (last year's, typed from a Word document) has a date like ``2026-13-01``, a
restore test without its system, a control character pasted from a web page: :func:`workbench.spec.io.load`
refuses the whole file, each problem with its line, which is right for ``validate`` and ``check``. In the
interview, where the person came to fix exactly such answers, refusing means fixing the file by hand first.

:func:`load_setting_aside` reads the file and takes out only what cannot be read: a value (the field is then
unanswered), an entry of a list, or a list item that lacks a field it cannot be without (a restore test without
its system). Nothing is lost: each becomes an open follow-up question in the spec, saying what the file said,
where (file and line) and why it could not be read, at the field it belongs to, so the interview shows it there
and the follow-up export lists it. The file itself is not changed. What cannot be set aside this way (the file
does not parse, a required answer of a whole section is missing, a check across several fields) is still
refused, with the same problems as ``load``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError

from .io import (_UNKNOWN_HINT, Problem, SpecError, _describe, _model_at, _refuse_bad_text, check_size, format_for,
                 format_path, locate, parse_text, positions, read_user_file, strip_unknown)
from .model import Policy

#: More than this many values to set aside is not a policy with a few mistakes: it is refused as it is.
MAX_SET_ASIDE = 100
_ROUNDS = 8  # taking a list item out may let the next level's checks run: a few passes at most
_SHOWN = 120  # characters of a set-aside value quoted in the question (the note keeps all of it)


@dataclass(frozen=True)
class SetAside:
    """One value taken out of the file: where it was (in the spec as opened), what it was, and why."""

    path: tuple
    value: Any
    reason: str
    line: Optional[int]
    whole_item: bool = False  # a list item taken out whole (it lacks a field it cannot be without)
    meant: Optional[str] = None  # for a misspelt field name: the field it most likely is

    def where(self, source: str) -> str:
        return f"{source}:{self.line}" if self.line else source

    def describe(self, source: str) -> str:
        """``file:line: path: why`` (the path as the file has it), as ``validate`` says a problem."""
        what = "the whole item" if self.whole_item else ""
        return f"{self.where(source)}: {format_path(self.path)}: {self.reason}" + (f" ({what} is set aside)" if what else "")


def load_setting_aside(path: str | Path, today: Optional[dt.date] = None) -> tuple[Policy, list[SetAside]]:
    """The spec at ``path``, with what cannot be read set aside as open follow-ups (see the module docstring),
    and what was set aside. Raises :class:`SpecError` (the problems ``load`` gives) when that does not work."""
    source = str(path)
    check_size(path)
    raw = read_user_file(path, "spec")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError([Problem(source, "the file is not UTF-8 text", line=raw[: exc.start].count(b"\n") + 1)]) \
            from None
    fmt = format_for(path)
    data = parse_text(text, fmt, source)
    if not isinstance(data, dict):
        from .io import loads

        loads(text, fmt, source, check_references=False)  # says why, as load does
        raise SpecError([Problem(source, "the top level must be a mapping of sections", line=1)])
    if _UNKNOWN_HINT.search(text):
        data = strip_unknown(data, Policy)  # "unknown" and "?" mean unanswered, as load reads them
    pos = positions(text, fmt)
    aside: list[SetAside] = []
    shifted = False  # once list items are taken out, later paths no longer match the file's lines
    try:
        _refuse_bad_text(data, text, fmt, source)
    except SpecError as exc:
        for problem in sorted(exc.problems, key=lambda p: p.path, reverse=True):
            got = _take(data, problem.path)
            if got is _NOTHING:
                raise
            aside.append(SetAside(problem.path, got, problem.message, problem.line))
    for _ in range(_ROUNDS):
        try:
            policy = Policy.model_validate(data)
            break
        except ValidationError as exc:
            errors = exc.errors()
        found = []
        for error in errors:
            loc = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
            target, whole = _what_to_take(data, loc, error["type"])
            if target is None:
                raise _refusal(exc, source, pos) from None
            line = None if shifted else locate(pos, target, key=error["type"] == "extra_forbidden")[0]
            meant = _field_meant(data, loc) if error["type"] == "extra_forbidden" else None
            found.append((target, whole, _describe(error), line, meant))
        done = set()
        for target, whole, reason, line, meant in sorted(found, key=lambda f: _sortable(f[0]), reverse=True):
            if target in done or any(target[:k] in done for k in range(len(target))):
                continue  # inside an item already taken out
            got = _take(data, target)
            if got is _NOTHING:
                raise _refusal(exc, source, pos) from None
            done.add(target)
            if isinstance(target[-1], int):
                shifted = True
                aside = [_after_removal(a, target) for a in aside]
            aside.append(SetAside(target, got, reason, line, whole, meant))
        if len(aside) > MAX_SET_ASIDE:
            raise _refusal(exc, source, pos) from None
    else:
        raise SpecError([Problem(source, "the file could not be opened with its unreadable values set aside")])
    if not aside:
        return policy, []
    aside.sort(key=lambda a: (a.line is None, a.line or 0, _sortable(a.path)))  # in the file's order
    data.setdefault("follow_ups", [])
    if not isinstance(data["follow_ups"], list):
        raise SpecError([Problem(source, "follow_ups must be a list")])
    taken = {str(f.get("id")) for f in data["follow_ups"] if isinstance(f, dict)}
    n = 0
    for group in _by_field(aside):  # one follow-up per question: the entries of one list go together
        n += 1
        while f"fu-opened-{n:02d}" in taken:
            n += 1
        data["follow_ups"].append(_follow_up(group, source, f"fu-opened-{n:02d}", today or dt.date.today(), policy))
    try:
        return Policy.model_validate(data), aside
    except ValidationError as exc:
        raise _refusal(exc, source, pos) from None


_NOTHING = object()


def _field_meant(data: dict, loc: tuple) -> Optional[str]:
    """For a field name the spec does not know (``enviroment``): the path of the field it most likely is, when that
    field is not given already (so the follow-up shows at its question)."""
    import difflib

    model = _model_at(loc[:-1])
    if model is None or not isinstance(loc[-1], str):
        return None
    match = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1, cutoff=0.75)
    parent = _at(data, loc[:-1])
    if not match or not isinstance(parent, dict) or parent.get(match[0]) is not None:
        return None
    return format_path(loc[:-1] + (match[0],))


def _by_field(aside: list[SetAside]) -> list[list[SetAside]]:
    """The set-aside values grouped by the question they belong to (in the file's order): the entries taken out of
    one list together; every other value alone."""
    groups: dict = {}
    for item in aside:
        key = item.path[:-1] if isinstance(item.path[-1], int) and not item.whole_item else (id(item),)
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def _after_removal(item: SetAside, removed: tuple) -> SetAside:
    """``item`` with its path as it reads once the list entry at ``removed`` is taken out (a later entry moves up)."""
    k = len(removed) - 1
    path = item.path
    if len(path) > k and path[:k] == removed[:k] and isinstance(path[k], int) and path[k] > removed[k]:
        return SetAside(path[:k] + (path[k] - 1,) + path[k + 1:], item.value, item.reason, item.line, item.whole_item)
    return item


def _sortable(path: tuple) -> tuple:
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in path)


def _refusal(exc: ValidationError, source: str, pos: dict) -> SpecError:
    from .io import problems_from_validation

    return SpecError(problems_from_validation(exc, source, pos))


def _at(data: Any, path: tuple) -> Any:
    for p in path:
        if isinstance(data, dict) and p in data:
            data = data[p]
        elif isinstance(data, list) and isinstance(p, int) and 0 <= p < len(data):
            data = data[p]
        else:
            return _NOTHING
    return data


def _what_to_take(data: dict, loc: tuple, kind: str) -> tuple[Optional[tuple], bool]:
    """The path of what to take out for one validation error (and whether it is a whole list item), or None when
    nothing can be: the error is about a whole section, or the top level."""
    if not loc:
        return None, False
    value = _at(data, loc)
    if kind == "missing" or value is _NOTHING or (isinstance(value, dict) and isinstance(loc[-1], int)):
        # a required field absent, or a check of a whole list item: take out the innermost list item holding it
        # (a field holding a mapping where something else belongs, 'data_classes: {primary: phi}', is that field)
        for k in range(len(loc) - 1, 0, -1):
            if isinstance(loc[k], int) and isinstance(_at(data, loc[:k]), list):
                return loc[: k + 1], True
        return None, False
    return loc, False


def _take(data: Any, path: tuple) -> Any:
    parent = _at(data, path[:-1])
    key = path[-1]
    if isinstance(parent, dict) and key in parent:
        return parent.pop(key)
    if isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
        return parent.pop(key)
    return _NOTHING


def _follow_up(group: list[SetAside], source: str, fid: str, today: dt.date, policy: Policy) -> dict:
    from .followups import SINGULAR, path_in_words

    if len(group) > 1:  # entries of one list: one question naming each, with its reason
        first = group[0]
        name = Path(source).name
        field = format_path(first.path[:-1])
        said = "; ".join(f"{json.dumps(x.value, ensure_ascii=True, default=str)} ({name}:{x.line}: {x.reason})"
                         if x.line else f"{json.dumps(x.value, ensure_ascii=True, default=str)} ({x.reason})"
                         for x in group)
        shown = said if len(said) <= 3 * _SHOWN else said[: 3 * _SHOWN] + "..."
        return {"id": fid, "field": field, "status": "open",
                "question": f"The file listed {len(group)} entries for {path_in_words(policy, field)} that could not "
                            f"be read: {shown}. Which are meant?",
                "note": f"Set aside on {today.isoformat()} when {name} was opened in the workbench; it said: {said}"}
    item = group[0]
    from .textcheck import bad_text

    said = json.dumps(item.value, ensure_ascii=False, default=str)
    if any(bad_text(said)):  # what was set aside for holding a character no output can show: escaped
        said = json.dumps(item.value, ensure_ascii=True, default=str)
    shown = said if len(said) <= _SHOWN else said[:_SHOWN] + "..."
    name = Path(source).name
    at = f"{name}:{item.line}" if item.line else name
    if item.whole_item:
        head = str(item.path[0])
        what = SINGULAR.get(head, head.rstrip("s").replace("_", " ")) if len(item.path) == 2 else format_path(item.path)
        question = (f"A {what} ({at}) was set aside when the file was opened: {item.reason}. Add it again with "
                    f"what it lacks, or leave it out.")
        field = None
    else:
        field = format_path(item.path[:-1]) if isinstance(item.path[-1], int) else format_path(item.path)
        if item.meant:  # a misspelt field: asked at the field it most likely is
            question = (f"The file gave {shown} as {path_in_words(policy, field)} ({at}), a field the spec does not "
                        f"have: is it {path_in_words(policy, item.meant)}?")
            field = item.meant
        else:
            question = (f"The file said {shown} for {path_in_words(policy, field)} ({at}), which could not be read: "
                        f"{item.reason}. What is the right answer?")
    return {"id": fid, "question": question, "field": field, "status": "open",
            "note": f"Set aside on {today.isoformat()} when {name} was opened in the workbench; it said: {said}"}


__all__ = ["MAX_SET_ASIDE", "SetAside", "load_setting_aside"]
