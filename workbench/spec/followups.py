"""Follow-up questions that close themselves once the field they ask about is answered.

A follow-up (``follow_ups[i]``) names the spec field it concerns
(``systems[2].tier``). While that field is empty the question is open; once
it holds an answer, :func:`settle` marks the follow-up ``answered``: publishing
settles the published spec, so a question the consultant answered does not
linger in the open-items list, and the gap engine reports only those still
open past their due date (FUP-001). A vague duration ("as needed") is not an
answer, and with the findings given, neither is a value a finding still
points at (an exclusion that expired, a retention below the floor): the
question stays open until that is settled too.
"""

from __future__ import annotations

import re

from typing import Any

from pydantic import BaseModel

from .io import parse_path
from .model import FollowUp, Policy

__all__ = ["field_answered", "settle", "to_settle"]


def _value_at(policy: Policy, path: str) -> Any:
    value: Any = policy
    for part in parse_path(path):
        if value is None:
            return None
        if isinstance(part, int):
            if not isinstance(value, list) or not -len(value) <= part < len(value):
                raise LookupError(path)
            value = value[part]
        elif isinstance(value, BaseModel):
            if part not in type(value).model_fields:
                raise LookupError(path)
            value = getattr(value, part)
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            raise LookupError(path)
    return value


def _answered(value: Any) -> bool:
    if value is None or getattr(value, "vague", False):
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    if isinstance(value, BaseModel):
        return any(_answered(getattr(value, name)) for name in type(value).model_fields)
    return True


def field_answered(policy: Policy, follow_up: FollowUp) -> bool:
    """Whether the field ``follow_up`` asks about holds an answer (False when it names no field, or one that
    does not exist)."""
    if not follow_up.field:
        return False
    try:
        return _answered(_value_at(policy, follow_up.field))
    except (LookupError, ValueError, TypeError):
        return False


def _flagged(field: str, findings) -> bool:
    for f in findings:
        for path in f.paths:
            if path == field or path.startswith((field + ".", field + "[")):
                return True
    return False


def to_settle(policy: Policy, findings=()) -> list[int]:
    """Indexes of the open follow-ups whose field is now answered (and, among ``findings``, not pointed at
    by an open one)."""
    open_findings = [f for f in findings if getattr(f, "accepted", None) is None]
    return [i for i, fu in enumerate(policy.follow_ups)
            if fu.status == "open" and field_answered(policy, fu) and not _flagged(fu.field, open_findings)]


def settle(policy: Policy, findings=()) -> list[FollowUp]:
    """Mark every open follow-up whose field is answered as ``answered``; returns those it closed.
    ``findings``: the policy's findings; a field an open finding points at is not answered yet."""
    closed = []
    for i in to_settle(policy, findings):
        policy.follow_ups[i].status = "answered"
        closed.append(policy.follow_ups[i])
    return closed


# -- where an answer goes, in words ---------------------------------------------------------------
ITEM_PATH = re.compile(r"^([a-z_]+)\[(\d+)\]\.?(.*)$")
SINGULAR = {"systems": "system", "targets": "copy", "schedules": "schedule", "keys": "key", "roles": "role",
             "principals": "person", "vendors": "vendor", "restore_tests": "restore test",
             "dr_exercises": "DR exercise", "tiers": "tier", "exceptions": "exception", "follow_ups": "follow-up"}


_NESTED_ITEM = re.compile(r"([a-z_]+)\[(\d+)\]")


def path_in_words(policy: Policy, path: str) -> str:
    """Where an answer goes, as a person names it: ``systems[2].saas.provider`` is "system email: saas
    provider" (the item's own id, not its position in a list)."""
    match = ITEM_PATH.match(path or "")
    if not match and "[" not in (path or ""):
        return (path or "").replace("_", " ").replace(".", ": ", 1)
    if not match:
        # a list inside a section: "monitoring.manual_reviews[1].evidence" is "monitoring: manual review 2:
        # evidence" (such items have no id of their own)
        text = _NESTED_ITEM.sub(lambda m: f"{SINGULAR.get(m[1], m[1].rstrip('s'))} {int(m[2]) + 1}", path or "")
        return ": ".join(text.replace("_", " ").split("."))
    head, index, rest = match.group(1), int(match.group(2)), match.group(3)
    items = getattr(policy, head, None)
    item = items[index] if isinstance(items, list) and index < len(items) else None
    name = getattr(item, "id", None) or getattr(item, "name", None) or f"#{index + 1}"
    what = SINGULAR.get(head, head.rstrip("s").replace("_", " "))
    field = rest.replace("_", " ").replace(".", " ")
    return f"{what} {name}: {field}" if field else f"{what} {name}"
