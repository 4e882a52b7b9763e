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

    The stack holds batches (plan, path, [(key, item)]): a list section of thousands of items is one
    batch scanned in a tight loop, and a path is only built when something is found.
    """
    stack: list = [(_plan(type(root)), (), ((None, root),))]
    while stack:
        plan, base, pairs = stack.pop()
        dnames, dget, tnames, tget, shaped, nested, nget = plan
        for key, item in pairs:
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
                vals = nget(item)
                if len(nested) == 1:
                    vals = (vals,)
                for (name, shape, sub), v in zip(nested, vals):
                    if not v:
                        continue
                    where = _at(base, key, name)
                    if shape is None:
                        stack.append((_plan(sub), where, ((None, v),)))
                    elif shape == "dict":
                        stack.append((_plan(sub), where, list(v.items())))
                    else:
                        stack.append((_plan(sub), where, list(enumerate(v))))


def _at(base: tuple, key, name: str) -> tuple:
    return base + (name,) if key is None else base + (key, name)


@lru_cache(maxsize=65536)
def _vague_in(text: str) -> tuple[str, ...]:
    return tuple(find_vague(text)) if isinstance(text, str) else ()


_PLANS: dict[type, tuple] = {}


def _plan(cls: type) -> tuple:
    """Which fields of a model class are durations, prose, or nested models, with getters for each group."""
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
            tuple(nested), _getter([n for n, _, _ in nested]),
        )
    return plan


def _getter(names: list[str]):
    return operator.attrgetter(*names) if names else None


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
