"""Vague language (VAGUE): promises an auditor cannot test.

Walks the policy generically: every :class:`Duration` field written as a vague
word ("as needed", "regularly") and every vague phrase in free text
(descriptions, purpose, justifications, notes ...). Which fields of a model
class are durations, free text or nested parts is worked out once per class,
so a new field is covered without touching this rule, and the walk reads only
those attributes (no ``model_dump``): it runs on every keystroke.
"""

from __future__ import annotations

import operator
import types
import typing
from functools import lru_cache
from itertools import compress
from typing import Iterator, Union, get_args, get_origin

from pydantic import BaseModel

from workbench.spec.durations import Duration, find_vague
from workbench.spec.io import format_path

from .engine import rule

#: A str field holds prose (and is scanned) when its name ends with one of these.
TEXT_SUFFIXES = ("description", "purpose", "justification", "rationale", "notes", "note", "reason", "basis",
                 "matter", "custody", "escalation", "procedure", "statement")
#: Sections that record the work, not promises: their prose is not scanned.
SKIP_SECTIONS = frozenset({"follow_ups", "revisions", "template"})
#: A concrete spelling to suggest, by field name.
EXAMPLES = {
    "rpo": "4h", "rto": "24h", "mtd": "2d", "dr_rpo": "24h", "dr_rto": "48h", "interval": "1d",
    "job_duration": "2h", "copy_lag": "1h", "restore_test_interval": "3mo", "full_restore_interval": "1y",
    "reconcile_interval": "1mo", "review_interval": "1y", "failure_ticket_sla": "8h", "job_log_retention": "18mo",
    "report_interval": "1mo", "retention": "1y", "verification_interval": "3mo", "rotation_interval": "1y",
    "native_recovery_window": "30d", "max_retention": "400d", "max_backup_age_for_pii": "400d",
    "measured_rto": "3h", "measured_rpo": "15m", "daily": "35d", "weekly": "3mo", "monthly": "13mo",
    "yearly": "7y", "max": "13mo", "missed_after": "36h", "restore_test_baseline": "3mo",
    "destructive_review_interval": "3mo", "pci_review_interval": "6mo", "evidence_floor": "15mo",
    "min_retention_floor": "35d", "dormant_after": "90d",
}

_DUR, _TEXT = "dur", "text"


@rule(
    "VAGUE-001",
    title="Vague wording an auditor cannot test",
    severity="major",
    family="language",
    catalog=False,
    maps={"soc2": ["CC5.3", "CC4.1"], "cis": ["11.1"], "nist": ["CP-9", "CP-4"], "iso27001": ["A.8.13"]},
    fix="Replace words like 'regularly', 'as needed' or 'appropriate' with a duration, a number or a named "
        "owner. A Type II auditor tests what the policy states; a vague promise cannot be tested.",
    description="A duration or a statement uses vague words instead of a testable value.",
)
def vague_001(ctx):
    policy = ctx.policy
    for path, field, value, is_duration in _vague_fields(policy):
        where = format_path(path)
        if is_duration:
            message = (f"{where} says '{value}': an auditor cannot test it; give a duration such as "
                       f"{EXAMPLES.get(field, '1d')}.")
        else:
            quoted = " and ".join(f"'{p}'" for p in dict.fromkeys(value))
            message = (f"{where} says {quoted}: an auditor cannot test it; state the frequency, duration, "
                       "threshold or owner instead (for example 'every 3 months' or 'within 24 hours').")
        subject, system = _owner(ctx, path)
        yield ctx.hit(message, where, subject=subject, system=system)


def _owner(ctx, path: tuple):
    """(subject id, system) for the item a path lies in."""
    section = path[0]
    if len(path) > 1 and isinstance(path[1], int):
        item = getattr(ctx.policy, section)[path[1]]
        ident = getattr(item, "id", None) or getattr(item, "rule", None)
        return (ident or f"{section}[{path[1]}]"), (item if section == "systems" else None)
    return section, None


# ----------------------------------------------------------------------------
# The generic walk
# ----------------------------------------------------------------------------
def _vague_fields(root: BaseModel) -> Iterator[tuple[tuple, str, object, bool]]:
    """(path, field name, vague text or phrases, is a duration) for every vague value under ``root``.

    The stack holds batches (plan, path, keys, items): a list section of thousands of items is one
    batch. Most batches hold nothing vague, which :func:`_batch_may_be_vague` rules out with
    C-level iteration; only a batch that may hold something is scanned item by item (and a path
    is only built when something is found). Either way the nested parts are pushed in the same
    order, so findings come out in the same order.
    """
    stack: list = [(_plan(type(root)), (), (None,), (root,))]
    while stack:
        plan, base, keys, items = stack.pop()
        dicts = list(map(vars, items))
        if _batch_may_be_vague(plan, dicts):
            yield from _scan_batch(plan, base, keys, items, stack)
        elif plan[6] is not None:
            _push_nested(plan, base, keys, dicts, stack)


_TEXT_OF = operator.attrgetter("text")


def _batch_may_be_vague(plan: tuple, dicts: list) -> bool:
    """Whether any item of a batch (given as field dicts) has a vague duration or vague prose.

    False means surely not. Pydantic keeps fields in the instance ``__dict__``; reading them one
    column at a time with C-level map/filter skips the many empty fields far faster than a
    Python loop. A Duration is always true (no ``__bool__``) and a vague one has a ``text``.
    """
    if plan[4]:
        return True  # shaped fields are rare (the baseline's dicts): scan item by item
    for column in plan[7]:
        if any(map(_TEXT_OF, filter(None, map(column, dicts)))):
            return True
    for column in plan[8]:
        if any(map(_vague_in, filter(None, map(column, dicts)))):
            return True
    return False


def _scan_batch(plan: tuple, base: tuple, keys, items, stack: list) -> Iterator[tuple[tuple, str, object, bool]]:
    """Every vague value of a batch, item by item; pushes the nested parts as it goes."""
    dnames, dget, tnames, tget, shaped, nested, nget = plan[:7]
    for key, item in zip(keys, items):
        if dget is not None:
            vals = dget(item)
            if len(dnames) == 1:
                vals = (vals,)
            for i, d in enumerate(vals):
                if d is not None and d.text is not None:
                    yield _at(base, key, dnames[i]), dnames[i], d.text, True
        if tget is not None:
            vals = tget(item)
            if len(tnames) == 1:
                vals = (vals,)
            for i, t in enumerate(vals):
                if t:
                    found = _vague_in(t)
                    if found:
                        yield _at(base, key, tnames[i]), tnames[i], found, False
        for name, kind, shape in shaped:
            v = getattr(item, name)
            for k, x in (v.items() if shape == "dict" else enumerate(v)) if v else ():
                if kind == _DUR and x is not None and x.text is not None:
                    yield _at(base, key, name) + (k,), name, x.text, True
                elif kind == _TEXT and x and _vague_in(x):
                    yield _at(base, key, name) + (k,), name, _vague_in(x), False
        if nget is not None:
            _push_nested(plan, base, (key,), (vars(item),), stack)


def _push_nested(plan: tuple, base: tuple, keys, dicts: list, stack: list) -> None:
    """Push a batch for each non-empty nested part of each item (given as field dicts), in item then field order."""
    nested, nget = plan[5], plan[6]
    rows = list(map(nget, dicts))
    if len(nested) == 1:
        rows = [(v,) for v in rows]
    skip = _clean_leaves(nested, rows)
    if len(skip) == len(nested):
        return
    # compress() skips, in C, the items whose nested parts are all empty (most of them).
    for key, row in zip(compress(keys, map(any, rows)), compress(rows, map(any, rows))):
        for j, x in enumerate(row):
            if not x or j in skip:
                continue
            name, shape, sub = nested[j]
            where = _at(base, key, name)
            if shape is None:
                stack.append((_plan(sub), where, (None,), (x,)))
            elif shape == "dict":
                stack.append((_plan(sub), where, list(x), list(x.values())))
            else:
                stack.append((_plan(sub), where, range(len(x)), x))


def _clean_leaves(nested: tuple, rows: list) -> set[int]:
    """Positions of the nested single parts that are leaves (nothing nested in them) and nothing vague
    in any item of the batch: checked together here, they need no batch of their own each (a target's
    immutability, encryption, transfer and retention would otherwise be 800 batches of one)."""
    skip = set()
    if len(rows) < 2:
        return skip
    for j, (_, shape, sub) in enumerate(nested):
        sub_plan = _plan(sub)
        if shape is None and sub_plan[6] is None:
            parts = list(map(vars, filter(None, map(operator.itemgetter(j), rows))))
            if not _batch_may_be_vague(sub_plan, parts):
                skip.add(j)
    return skip


def _at(base: tuple, key, name: str) -> tuple:
    return base + (name,) if key is None else base + (key, name)


@lru_cache(maxsize=65536)
def _vague_in(text: str) -> tuple[str, ...]:
    return tuple(find_vague(text)) if isinstance(text, str) else ()


_PLANS: dict[type, tuple] = {}


def _plan(cls: type) -> tuple:
    """Which fields of a model class are durations, prose, or nested models, with getters for each group.

    (duration names, their getter, text names, their getter, shaped fields, nested fields, a getter of
    the nested fields from an instance ``__dict__``, and per-field ``__dict__`` getters of durations and texts.)
    """
    plan = _PLANS.get(cls)
    if plan is None:
        durs, texts, shaped, nested = [], [], [], []
        for name, info in cls.model_fields.items():
            kind, shape = _classify(info.annotation)
            if kind == _TEXT and not name.endswith(TEXT_SUFFIXES):
                continue
            if kind in (_DUR, _TEXT):
                if shape is not None:
                    shaped.append((name, kind, shape))
                else:
                    (durs if kind == _DUR else texts).append(name)
            elif isinstance(kind, type) and name not in SKIP_SECTIONS:
                nested.append((name, shape, kind))
        plan = _PLANS[cls] = (
            tuple(durs), _getter(durs), tuple(texts), _getter(texts), tuple(shaped),
            tuple(nested), _columns([n for n, _, _ in nested]),
            tuple(map(operator.itemgetter, durs)), tuple(map(operator.itemgetter, texts)),
        )
    return plan


def _getter(names: list[str]):
    return operator.attrgetter(*names) if names else None


def _columns(names: list[str]):
    """Reads ``names`` from an instance ``__dict__`` (where pydantic keeps the fields)."""
    return operator.itemgetter(*names) if names else None


def _classify(annotation, shape=None) -> tuple[str | None, str | None]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _classify(args[0], shape) if len(args) == 1 else (None, None)
    if origin is typing.Annotated:
        return _classify(get_args(annotation)[0], shape)
    if shape is None and origin in (list, tuple, set, frozenset):
        args = get_args(annotation)
        return _classify(args[0], "list") if args else (None, None)
    if shape is None and origin is dict:
        args = get_args(annotation)
        return _classify(args[1], "dict") if len(args) == 2 else (None, None)
    if annotation is Duration:
        return _DUR, shape
    if annotation is str:
        return _TEXT, shape
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, shape
    return None, None
