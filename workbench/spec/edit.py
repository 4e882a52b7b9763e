"""One narrow API for every edit: set a field, add or remove a list item, undo, redo.

The interview app edits the policy only through an :class:`Editor`. Each edit
is validated on its own (the rest of the policy is untouched when a value is
refused), recorded with its inverse for undo, and reported to listeners so
the owner can re-run the gap engine and refresh what depends on it. Paths are
the same strings findings carry (``systems[3].tier``), so "jump to field"
and "edit field" speak one language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel, TypeAdapter, ValidationError

from .io import UNKNOWN_WORDS, _describe, _list_fields, _unwrap, format_path, parse_path, strip_unknown
from .model import Policy


class EditError(ValueError):
    """An edit was refused; ``path`` says where, the message says why."""

    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Change:
    """One applied edit: what, where, before and after (for undo and listeners)."""

    op: str            # "set" | "add" | "remove"
    path: tuple
    before: Any
    after: Any


class Editor:
    """Owns a :class:`Policy` and applies validated, undoable edits to it."""

    def __init__(self, policy: Policy, on_change: Callable[[Change], None] | None = None):
        self.policy = policy
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self._listeners: list[Callable[[Change], None]] = [on_change] if on_change else []

    # -- listeners --------------------------------------------------------
    def subscribe(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def _notify(self, change: Change) -> None:
        for listener in self._listeners:
            listener(change)

    # -- reading ------------------------------------------------------------
    def get(self, path: str | tuple) -> Any:
        """The value at ``path``; None when a section on the way is not answered yet (``targets[2].encryption``
        unset makes ``targets[2].encryption.at_rest`` None, as a finding's path may point there)."""
        parts = _parts(path)
        node: Any = self.policy
        for i, part in enumerate(parts):
            if node is None:
                return None
            if isinstance(part, int):
                if not isinstance(node, list) or not -len(node) <= part < len(node):
                    raise EditError(format_path(parts[:i + 1]), "no such item")
                node = node[part]
            else:
                if not isinstance(node, BaseModel) or part not in type(node).model_fields:
                    raise EditError(format_path(parts[:i + 1]), "no such field")
                node = getattr(node, part)
        return node

    # -- editing ------------------------------------------------------------
    def set(self, path: str | tuple, value: Any) -> Change:
        """Set one field. ``unknown`` (or None) clears the answer.

        A section on the way that is not answered yet is created with just this answer: setting
        ``targets[2].encryption.at_rest`` when the target has no ``encryption`` sets ``targets[2].encryption``
        to ``{at_rest: ...}`` (one change, undone as one).
        """
        parts = _parts(path)
        value = _clean(value)
        _refuse_bad_text(parts, value)
        unset = self._unset_ancestor(parts)
        if unset is not None:
            if value is None:  # clearing an answer inside a section that is not there: nothing to do
                return Change("set", parts, None, None)
            nested = value
            for name in reversed(parts[unset + 1:]):
                nested = {name: nested}
            return self.set(parts[:unset + 1], nested)
        parent, name = self._parent(parts)
        before = getattr(parent, name)
        if value is None and _is_list_field(parent, name) and name not in _list_fields(type(parent))[0]:
            value = []  # a list that cannot be "not answered" is cleared to empty
        try:
            setattr(parent, name, value)
        except ValidationError as exc:
            raise EditError(format_path(parts), _describe(_first(exc, name))) from None
        change = Change("set", parts, before, getattr(parent, name))
        self._record(change)
        return change

    def add(self, path: str | tuple, item: Any, index: int | None = None) -> Change:
        """Append (or insert) an item to the list at ``path``; dicts are validated into models."""
        parts = _parts(path)
        parent, name = self._parent(parts)
        items = getattr(parent, name)
        if items is None and name in _list_fields(type(parent))[0]:
            setattr(parent, name, [])  # a list answer not given yet: adding an item answers it
            items = getattr(parent, name)
        if not isinstance(items, list):
            raise EditError(format_path(parts), "is not a list")
        item_type = _unwrap(type(parent).model_fields[name].annotation)
        _refuse_bad_text(parts + (len(items) if index is None else index,), item)
        try:
            value = TypeAdapter(item_type).validate_python(_clean(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = format_path(parts + tuple(p for p in err["loc"] if isinstance(p, (str, int))))
            raise EditError(where, _describe(err)) from None
        position = len(items) if index is None else index
        items.insert(position, value)
        change = Change("add", parts + (position,), None, value)
        self._record(change)
        return change

    def remove(self, path: str | tuple) -> Change:
        """Remove the list item at ``path`` (e.g. ``systems[4]``)."""
        parts = _parts(path)
        if not parts or not isinstance(parts[-1], int):
            raise EditError(format_path(parts), "name a list item, e.g. systems[4]")
        items = self.get(parts[:-1])
        try:
            before = items.pop(parts[-1])
        except IndexError:
            raise EditError(format_path(parts), "no such item") from None
        change = Change("remove", parts, before, None)
        self._record(change)
        return change

    # -- history ------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> Change | None:
        if not self._undo:
            return None
        change = self._undo.pop()
        self._apply_inverse(change)
        self._redo.append(change)
        self._notify(change)
        return change

    def redo(self) -> Change | None:
        if not self._redo:
            return None
        change = self._redo.pop()
        self._apply(change)
        self._undo.append(change)
        self._notify(change)
        return change

    # -- internals ----------------------------------------------------------
    def _record(self, change: Change) -> None:
        self._undo.append(change)
        self._redo.clear()
        self._notify(change)

    def _unset_ancestor(self, parts: tuple) -> int | None:
        """Index in ``parts`` of the first field on the way to the last one whose value is None (not answered)."""
        for i in range(len(parts) - 1):
            if self.get(parts[:i + 1]) is None:  # get checks each name and index on the way
                if any(isinstance(p, int) for p in parts[i + 1:]):
                    raise EditError(format_path(parts), "no such item")
                return i
        return None

    def _parent(self, parts: tuple) -> tuple[BaseModel, str]:
        if not parts or isinstance(parts[-1], int):
            raise EditError(format_path(parts), "name a field, e.g. systems[4].tier")
        try:
            parent = self.get(parts[:-1])
        except EditError:
            raise EditError(format_path(parts), "no such field") from None
        if not isinstance(parent, BaseModel) or parts[-1] not in type(parent).model_fields:
            raise EditError(format_path(parts), "no such field")
        return parent, parts[-1]

    def _apply(self, change: Change) -> None:
        if change.op == "set":
            parent, name = self._parent(change.path)
            setattr(parent, name, change.after)
        elif change.op == "add":
            self.get(change.path[:-1]).insert(change.path[-1], change.after)
        else:
            self.get(change.path[:-1]).pop(change.path[-1])

    def _apply_inverse(self, change: Change) -> None:
        if change.op == "set":
            parent, name = self._parent(change.path)
            setattr(parent, name, change.before)
        elif change.op == "add":
            self.get(change.path[:-1]).pop(change.path[-1])
        else:
            self.get(change.path[:-1]).insert(change.path[-1], change.before)


def _parts(path: str | tuple) -> tuple:
    return parse_path(path) if isinstance(path, str) else tuple(path)


def _clean(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return strip_unknown(value)


def _refuse_bad_text(parts: tuple, value: Any) -> None:
    """A control character or lone surrogate is refused at its field, as the loader refuses it."""
    from .textcheck import bad_text

    for where, message in bad_text(value):
        raise EditError(format_path(parts + tuple(where)), message)


def _is_list_field(parent: BaseModel, name: str) -> bool:
    return isinstance(getattr(parent, name), list) or name in _list_fields(type(parent))[0]


def _first(exc: ValidationError, name: str) -> dict:
    err = dict(exc.errors()[0])
    if not err.get("loc"):
        err["loc"] = (name,)
    return err


__all__ = ["Change", "EditError", "Editor", "Policy"]
