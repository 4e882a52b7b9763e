"""One narrow API for every edit: set a field, add or remove a list item, undo, redo.

The interview app edits the policy only through an :class:`Editor`. Each edit
is validated on its own (the rest of the policy is untouched when a value is
refused), recorded with its inverse for undo, and reported to listeners so
the owner can re-run the gap engine and refresh what depends on it. Paths are
the same strings findings carry (``systems[3].tier``), so "jump to field"
and "edit field" speak one language.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from pydantic import BaseModel, TypeAdapter, ValidationError

from .io import UNKNOWN_WORDS, _describe, _list_fields, _unwrap, format_path, parse_path, strip_unknown
from .model import Policy


class EditError(ValueError):
    """An edit was refused; ``path`` says where, the message says why."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.reason = message
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Change:
    """One applied edit: what, where, before and after (for undo and listeners).

    A grouped change (``op == "group"``, made by :meth:`Editor.group`) holds its edits in ``changes``, in the
    order they were applied, and is undone and redone as one. Its ``path`` is the longest path every one of
    its edits lies under (``("systems",)`` for a tier set on many systems, ``()`` when they span sections), so a
    listener that re-reads what a path covers (the incremental evaluator) is right without knowing groups.
    """

    op: str            # "set" | "add" | "remove" | "group"
    path: tuple
    before: Any
    after: Any
    changes: tuple = ()
    label: str = ""

    def leaves(self) -> Iterator["Change"]:
        """The single edits of this change, in the order they were applied (itself when it is not a group)."""
        if self.op != "group":
            yield self
            return
        for change in self.changes:
            yield from change.leaves()


class Editor:
    """Owns a :class:`Policy` and applies validated, undoable edits to it."""

    def __init__(self, policy: Policy, on_change: Callable[[Change], None] | None = None):
        self.policy = policy
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self._listeners: list[Callable[[Change], None]] = [on_change] if on_change else []
        self._groups: list[list[Change]] = []   # open groups, innermost last: their edits so far

    @property
    def busy(self) -> bool:
        """True while a group is being applied: the policy is between two consistent states."""
        return bool(self._groups)

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
        unset, parent = self._walk(parts)
        if unset is not None:
            if value is None:  # clearing an answer inside a section that is not there: nothing to do
                return Change("set", parts, None, None)
            nested = value
            for name in reversed(parts[unset + 1:]):
                nested = {name: nested}
            return self.set(parts[:unset + 1], nested)
        parent, name = self._parent(parts, parent)
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
        position = len(items) if index is None else index
        try:
            value = _adapter(item_type).validate_python(_clean(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = format_path(parts + (position,) + tuple(p for p in err["loc"] if isinstance(p, (str, int))))
            raise EditError(where, _describe(err)) from None
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

    # -- groups -------------------------------------------------------------
    @contextmanager
    def group(self, label: str) -> Iterator[list[Change]]:
        """Apply the edits made inside the ``with`` block as ONE change: one undo step, one notification.

            with editor.group("Set tier of 40 systems"):
                for i in rows:
                    editor.set(f"systems[{i}].tier", "T1")

        Listeners hear nothing until the block ends, then one ``Change(op="group")``. If an edit is refused
        (or anything else goes wrong) every edit made so far in the block is rolled back, in reverse, and
        the :class:`EditError` says which item and field stopped it and that nothing was changed. A group
        with no edits records nothing. Groups nest: an inner group's edits join the outer one.
        """
        self._groups.append([])
        try:
            yield self._groups[-1]
        except BaseException as exc:
            done = self._groups.pop()
            for change in reversed(done):
                self._apply_inverse(change)
            if isinstance(exc, EditError) and not self._groups:
                raise EditError(exc.path, f"{exc.reason}{self._where(exc.path)}; nothing of "
                                          f"\"{label}\" was changed") from None
            raise
        done = self._groups.pop()
        if not done:
            return
        if self._groups:  # nested: the outer group records it
            self._groups[-1].extend(done)
            return
        self._record(Change("group", _common_prefix([c.path for c in done]), None, None, tuple(done), label))

    def apply_many(self, label: str, edits: Sequence[tuple]) -> Change | None:
        """Apply ``edits`` as one change: each ``("set", path, value)``, ``("add", path, item)`` (appended) or
        ``("remove", path)``. All or nothing, as :meth:`group`. Returns the group (None when ``edits`` is empty)."""
        before = len(self._undo)
        with self.group(label):
            for edit in edits:
                op, path, *rest = edit
                if op == "set":
                    self.set(path, rest[0])
                elif op == "add":
                    self.add(path, rest[0])
                elif op == "remove":
                    self.remove(path)
                else:
                    raise EditError(format_path(_parts(path)), f"unknown edit {op!r} (set, add or remove)")
        return self._undo[-1] if len(self._undo) > before else None

    def _where(self, path: str) -> str:
        """" (system db-01)" for a path inside a list item that has an id; "" otherwise."""
        try:
            parts = parse_path(path)
        except Exception:
            return ""
        for i, part in enumerate(parts):
            if isinstance(part, int):
                try:
                    item = self.get(parts[:i + 1])
                except EditError:
                    return ""
                ident = getattr(item, "id", None)
                return f" ({_singular(str(parts[i - 1]))} {ident})" if ident and i else ""
        return ""

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
        if self._groups:
            self._groups[-1].append(change)
            return
        self._undo.append(change)
        self._redo.clear()
        self._notify(change)

    def _walk(self, parts: tuple) -> tuple[int | None, Any]:
        """(index in ``parts`` of the first field on the way to the last one whose value is None (not answered),
        or None; the value at ``parts[:-1]`` when every one on the way is answered). One walk from the root:
        a bulk edit of 5,000 systems walks 5,000 times."""
        node: Any = self.policy
        for i in range(len(parts) - 1):
            part = parts[i]
            if isinstance(part, int):
                if not isinstance(node, list) or not -len(node) <= part < len(node):
                    raise EditError(format_path(parts[:i + 1]), "no such item")
                node = node[part]
            else:
                if not isinstance(node, BaseModel) or part not in type(node).model_fields:
                    raise EditError(format_path(parts[:i + 1]), "no such field")
                node = getattr(node, part)
            if node is None:
                if any(isinstance(p, int) for p in parts[i + 1:]):
                    raise EditError(format_path(parts), "no such item")
                return i, None
        return None, node

    def _parent(self, parts: tuple, parent: Any = None) -> tuple[BaseModel, str]:
        if not parts or isinstance(parts[-1], int):
            raise EditError(format_path(parts), "name a field, e.g. systems[4].tier")
        if parent is None:
            try:
                parent = self.get(parts[:-1])
            except EditError:
                raise EditError(format_path(parts), "no such field") from None
        if not isinstance(parent, BaseModel) or parts[-1] not in type(parent).model_fields:
            raise EditError(format_path(parts), "no such field")
        return parent, parts[-1]

    def _apply(self, change: Change) -> None:
        if change.op == "group":
            for inner in change.changes:
                self._apply(inner)
        elif change.op == "set":
            parent, name = self._parent(change.path)
            _restore(parent, name, change.after)
        elif change.op == "add":
            self.get(change.path[:-1]).insert(change.path[-1], change.after)
        else:
            self.get(change.path[:-1]).pop(change.path[-1])

    def _apply_inverse(self, change: Change) -> None:
        if change.op == "group":
            for inner in reversed(change.changes):
                self._apply_inverse(inner)
        elif change.op == "set":
            parent, name = self._parent(change.path)
            _restore(parent, name, change.before)
        elif change.op == "add":
            self.get(change.path[:-1]).pop(change.path[-1])
        else:
            self.get(change.path[:-1]).insert(change.path[-1], change.before)


def _parts(path: str | tuple) -> tuple:
    return parse_path(path) if isinstance(path, str) else tuple(path)


_ADAPTERS: dict = {}


def _adapter(item_type: Any) -> TypeAdapter:
    """One TypeAdapter per item type (building one costs more than validating an item: an import of 5,000
    rows adds 5,000 items)."""
    try:
        return _ADAPTERS[item_type]
    except (KeyError, TypeError):
        if isinstance(item_type, type) and issubclass(item_type, BaseModel):
            # a model's own validator (from the kept schemas when they are current) serves the adapter;
            # otherwise the adapter would generate the model's schema once more
            item_type.model_rebuild()
        adapter = TypeAdapter(item_type)
        try:
            _ADAPTERS[item_type] = adapter
        except TypeError:
            pass
        return adapter


def _restore(parent: BaseModel, name: str, value: Any) -> None:
    """Put back a value the model validated when it was set (undo, redo, a group rolled back): the same object,
    so it is not validated again (undoing a bulk edit of 5,000 systems would validate 5,000 values)."""
    parent.__dict__[name] = value
    parent.__pydantic_fields_set__.add(name)


def _common_prefix(paths: list[tuple]) -> tuple:
    first = paths[0]
    n = len(first)
    for p in paths[1:]:
        n = min(n, len(p))
        for i in range(n):
            if p[i] != first[i]:
                n = i
                break
    return tuple(first[:n])


def _singular(section: str) -> str:
    words = {"systems": "system", "schedules": "schedule", "targets": "target", "keys": "key", "tiers": "tier",
             "roles": "role", "principals": "principal", "restore_tests": "restore test",
             "dr_exercises": "DR exercise", "vendors": "vendor", "legal_holds": "legal hold",
             "exceptions": "exception", "follow_ups": "follow-up"}
    return words.get(section, "item")


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
