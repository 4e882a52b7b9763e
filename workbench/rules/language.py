"""Vague language (VAGUE): promises an auditor cannot test.

Walks the policy generically: every :class:`Duration` field written as a vague
word ("as needed", "regularly") and every vague phrase in free text
(descriptions, purpose, justifications, notes ...). Which fields of a model
class are durations, free text or nested parts is worked out once per class,
so a new field is covered without touching this rule, and the walk reads only
those attributes (no ``model_dump``): it runs on every keystroke.

What is reported:

* One finding per list item (``schedules[0]``, ``monitoring.alerts[2]``) or,
  outside lists, per top-level section (``policy``, ``privacy``): a vague
  interval and a description saying the same thing are one promise, so the
  finding quotes every phrase with its field and lists every path.
* Severity by what the words stand in (:data:`TEXT_FIELDS`): a cadence or
  duration, or a commitment field (a procedure, an escalation path), is a
  promise an auditor tests: major. Narrative (purpose, descriptions, reasons,
  justifications, notes) is still scanned, since vague prose still reads as a
  promise, but an item whose only vague words are narrative is minor.
* "as required" / "when required" followed by by/under/in/per and a named
  source ("as required under HIPAA 164.308(a)(7)", "as required by law", "by
  the contract", "by the Data Classification Policy") cites an external
  requirement and is not flagged; see :data:`_CITED` for what counts as a
  named source. "as required" alone, or required by someone's judgment ("by
  the business", "by management", "by policy"), is still a vague promise.
  This applies to free text only: a duration field saying "as required by
  law" still gives no duration.

Shared causes (see :func:`workbench.rules.engine.finalize`): VAGUE-001 owns a vague value
(its paths are its causes): the question another rule asks for a testable value of the same
field (TEST-001's cadence, TEST-006's exercise interval ...) folds into it.
"""

from __future__ import annotations

import operator
import re
import types
import typing
from functools import lru_cache
from itertools import compress
from typing import Iterator, Optional, Union, get_args, get_origin

from pydantic import BaseModel

from workbench.spec.durations import Duration, ambiguity, find_vague
from workbench.spec.io import format_path

from .engine import rule

#: A str field holds prose (and is scanned) when its name ends with one of these.
TEXT_SUFFIXES = ("description", "purpose", "justification", "rationale", "notes", "note", "reason", "basis",
                 "matter", "custody", "escalation", "procedure", "statement")
#: Sections that record the work, not promises: their prose is not scanned.
#: (``template`` describes a starter file and the gaps it shows on purpose, not the policy.)
SKIP_SECTIONS = frozenset({"follow_ups", "revisions", "template", "answer_sources"})

COMMITMENT, NARRATIVE = "commitment", "narrative"
#: Every free-text field of ``workbench/spec/model.py`` the rule scans, and what it is. A commitment says what
#: is done, how or by whom (an auditor tests it): vague wording there is major, as in a cadence or duration.
#: Narrative explains or describes: scanned, but minor when it is all an item says vaguely.
#: A new field not listed falls back on its name (:data:`COMMITMENT_SUFFIXES`, else narrative).
TEXT_FIELDS = {
    # field                           kind          where it stands
    "restore_procedure":              COMMITMENT,   # systems[].restore_procedure
    "erasure_in_backups_procedure":   COMMITMENT,   # privacy.erasure_in_backups_procedure
    "escalation":                     COMMITMENT,   # monitoring.alerts[].escalation
    "chain_of_custody":               COMMITMENT,   # targets[].chain_of_custody
    "procedure":                      COMMITMENT,   # disposal.procedure
    "purpose":                        NARRATIVE,    # policy.purpose
    "description":                    NARRATIVE,    # organization, tiers, systems, schedules, targets, roles
    "retention_justification":        NARRATIVE,    # systems[].retention_justification
    "override_rationale":             NARRATIVE,    # systems[].override_rationale
    "reason":                         NARRATIVE,    # systems[].exclusion.reason
    "indefinite_basis":               NARRATIVE,    # targets[].retention.indefinite_basis
    "notes":                          NARRATIVE,    # restore_tests[].notes
    "matter":                         NARRATIVE,    # legal_holds[].matter
    "justification":                  NARRATIVE,    # exceptions[].justification
    "note":                           NARRATIVE,    # revisions[].note (section not scanned)
}
#: A free-text field not in :data:`TEXT_FIELDS` is a commitment when its name ends with one of these.
COMMITMENT_SUFFIXES = ("procedure", "statement", "escalation", "custody")
#: Severity of an item's finding: major if any vague word stands in a duration or a commitment.
SEVERITY = {COMMITMENT: "major", NARRATIVE: "minor"}
#: What another rule holds a field's duration to, said with the example, so that following the suggestion does
#: not raise that rule's finding (MON-002: a failed job left open longer than a T0/T1 system's RPO).
BOUNDS = {"failure_ticket_sla": "no longer than the shortest RPO of a system in the two most critical tiers"}
#: A concrete spelling to suggest, by field name.
EXAMPLES = {
    "rpo": "4h", "rto": "24h", "mtd": "2d", "dr_rpo": "24h", "dr_rto": "48h", "interval": "1d",
    "job_duration": "2h", "copy_lag": "1h", "restore_test_interval": "3mo", "full_restore_interval": "1y",
    "reconcile_interval": "1mo", "review_interval": "1y", "failure_ticket_sla": "1h", "job_log_retention": "18mo",
    "report_interval": "1mo", "retention": "1y", "verification_interval": "3mo", "rotation_interval": "1y",
    "native_recovery_window": "30d", "max_retention": "400d", "max_backup_age_for_pii": "400d",
    "measured_rto": "3h", "measured_rpo": "15m", "daily": "35d", "weekly": "3mo", "monthly": "13mo",
    "yearly": "7y", "max": "13mo", "missed_after": "36h", "restore_test_baseline": "3mo",
    "destructive_review_interval": "3mo", "pci_review_interval": "6mo", "evidence_floor": "15mo",
    "min_retention_floor": "35d", "dormant_after": "90d", "dr_exercise_interval": "1y", "restore_horizon": "1y",
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
    yield from _vague_hits(ctx, _vague_fields(ctx.policy))


def vague_in_item(ctx, section: str, index: Optional[int] = None):
    """VAGUE-001's hits about one item, ``section[index]`` (or the one-model section ``section``): what
    :func:`vague_001` yields about it, for the incremental evaluator (an item's findings depend on it alone)."""
    if section in SKIP_SECTIONS:
        return
    if index is None:
        root = getattr(ctx.policy, section)
        if not isinstance(root, BaseModel):
            return
        walk = _walk([(_plan(type(root)), (section,), (None,), (root,))])
    else:
        item = getattr(ctx.policy, section)[index]
        walk = _walk([(_plan(type(item)), (section,), (index,), (item,))])
    yield from _vague_hits(ctx, walk)


def _vague_hits(ctx, vague):
    items: dict[tuple, list] = {}
    for path, field, value, is_duration in vague:
        key = _item_of(path)
        found = items.get(key)
        if found is None:
            found = items[key] = []
        found.append((path, field, value, is_duration))
    for key, found in items.items():
        # The testable fields first: the finding's first path is the one to fix.
        found.sort(key=lambda e: not (e[3] or text_kind(e[1]) == COMMITMENT))
        subject, system = _owner(ctx, found[0][0])
        paths = [format_path(e[0]) for e in found]
        major = found[0][3] or text_kind(found[0][1]) == COMMITMENT
        yield ctx.hit(_message(key, found, paths, ctx), *paths, subject=subject, system=system,
                      severity=None if major else SEVERITY[NARRATIVE],
                      why=None if major else "only narrative (a description or a reason) is vague, not a promise",
                      causes=tuple(paths))


#: The two canonical cadences an ambiguous word may mean (see durations.AMBIGUOUS).
_READINGS = {"twice a year or every two years": "6mo or 2y", "twice a month or every two months": "15d or 2mo"}


def text_kind(field: str) -> str:
    """Whether a free-text field is a commitment or narrative (:data:`TEXT_FIELDS`)."""
    kind = TEXT_FIELDS.get(field)
    if kind is None:
        kind = COMMITMENT if field.endswith(COMMITMENT_SUFFIXES) else NARRATIVE
    return kind


_TEXT_FIX = ("state the frequency, duration, threshold or owner instead (for example 'every 3 months' or "
             "'within 24 hours')")


#: Field-name words that are abbreviations, as a reader writes them.
_ABBREVIATIONS = {"rpo": "RPO", "rto": "RTO", "mtd": "MTD", "sla": "SLA", "dr": "DR", "mfa": "MFA", "pii": "PII",
                  "tls": "TLS", "gb": "GB", "gbph": "GB per hour", "id": "id", "saas": "SaaS", "soc2": "SOC 2"}
_SINGULAR = {"systems": "system", "targets": "copy", "schedules": "schedule", "keys": "key", "roles": "role",
             "principals": "person", "vendors": "vendor", "restore_tests": "restore test", "alerts": "alert",
             "dr_exercises": "DR exercise", "tiers": "tier", "exceptions": "exception", "follow_ups": "follow-up",
             "legal_holds": "legal hold", "manual_reviews": "manual review", "sources": "evidence source"}


#: Sections that read as one thing: "the purpose of the policy", "the name of the organization".
_WHOLE = {"policy", "organization", "engagement", "inventory", "baseline"}


def _words(name: str) -> str:
    return " ".join(_ABBREVIATIONS.get(w, w) for w in name.split("_"))


def _item_words(ctx, path: tuple) -> str:
    """The item a path lies in, as a reader names it: "system m365", "tier standard", "monitoring"."""
    section = path[0]
    if len(path) > 1 and isinstance(path[1], int):
        items = getattr(ctx.policy, section, None) if ctx is not None else None
        item = items[path[1]] if isinstance(items, list) and path[1] < len(items) else None
        ident = getattr(item, "id", None) or getattr(item, "name", None) or getattr(item, "rule", None)
        return f"{_SINGULAR.get(section, _words(section))} {ident or path[1] + 1}"
    return _words(section)


def _field_words(path: tuple) -> str:
    """The field part of a path in words: ("monitoring", "alerts", 1, "channel") is "alert 2 channel"."""
    rest = path[2:] if len(path) > 1 and isinstance(path[1], int) else path[1:]
    out: list[str] = []
    for i, part in enumerate(rest):
        if isinstance(part, int):
            if out:
                out[-1] = f"{_SINGULAR.get(rest[i - 1], out[-1])} {part + 1}"
        else:
            out.append(_words(part))
    return " ".join(out)


def _where(ctx, path: tuple) -> str:
    """"The RTO of system m365", "the failure ticket SLA of monitoring": a vague value's place in words."""
    field = _field_words(path)
    item = _item_words(ctx, path)
    if not field:
        return item
    if len(path) > 1 and isinstance(path[1], int):
        return f"the {field} of {item}"
    if path[0] in _WHOLE:
        return f"the {field} of the {item}"  # "the purpose of the policy"
    return f"the {field} ({item})"  # "the failure ticket SLA (monitoring)"


def _message(key: tuple, found: list, paths: list[str], ctx=None) -> str:
    """One item's vague wording, quoted with where it stands, and what to write instead."""
    if len(found) == 1:
        (path, field, value, is_duration) = found[0]
        where = _where(ctx, path)
        where = where[:1].upper() + where[1:]
        if is_duration:
            both = ambiguity(str(value))
            if both:
                return (f"{where} says '{value}', which reads two ways ({both}): which is meant? Write the "
                        f"cadence itself, e.g. {_READINGS.get(both, EXAMPLES.get(field, '1d'))}.")
            bound = BOUNDS.get(field)
            return (f"{where} says '{value}': an auditor cannot test it; give a duration "
                    f"{f'{bound}, ' if bound else ''}such as {EXAMPLES.get(field, '1d')}.")
        return f"{where} says {_quoted(value)}: an auditor cannot test it; {_TEXT_FIX}."
    item = _item_words(ctx, key)
    item = item[:1].upper() + item[1:]
    rel = [_field_words((None, 0, *e[0][len(key):])) if len(key) > 1 else _field_words(e[0]) for e in found]
    said = [f"{_quoted((v,) if d else v)} in {r}" for (_, _, v, d), r in zip(found, rel)]
    durations = [(EXAMPLES.get(e[1], "1d"), r) for e, r in zip(found, rel) if e[3]]
    fixes = []
    if len(durations) == 1:
        fixes.append(f"give a duration such as {durations[0][0]}")
    elif durations:
        fixes.append("give durations such as " + _and([f"{ex} for {r}" for ex, r in durations]))
    if len(durations) < len(found):
        texts = list(dict.fromkeys(r for e, r in zip(found, rel) if not e[3]))
        fixes.append((f"in {_and(texts)}, " if durations else "") + _TEXT_FIX)
    return f"{item} says {_and(said)}: an auditor cannot test it; {', and '.join(fixes)}."


def _quoted(phrases) -> str:
    return " and ".join(f"'{p}'" for p in dict.fromkeys(phrases))


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _item_of(path: tuple) -> tuple:
    """The list item a path lies in (up to its first index), else its top-level section."""
    for i, part in enumerate(path):
        if isinstance(part, int):
            return path[:i + 1]
    return path[:1]


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
    return _walk([(_plan(type(root)), (), (None,), (root,))])


def _walk(stack: list) -> Iterator[tuple[tuple, str, object, bool]]:
    """The walk of :func:`_vague_fields` from the batches on ``stack``."""
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
    nested = plan[5]
    if len(dicts) > 1:
        # One column per nested field (no tuple per item): the leaves holding nothing vague are ruled out from
        # the columns, and the rows are put together only when something is left to push.
        columns = [list(map(column, dicts)) for column in plan[9]]
        skip = _clean_leaves(nested, columns)
        if len(skip) == len(nested):
            return
        rows = list(zip(*columns))
    else:
        rows = list(map(plan[6], dicts))
        if len(nested) == 1:
            rows = [(v,) for v in rows]
        skip = set()
    # compress() skips, in C, the items whose nested parts are all empty (most of them).
    filled = list(map(any, rows))
    for key, row in zip(compress(keys, filled), compress(rows, filled)):
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


def _clean_leaves(nested: tuple, columns: list) -> set[int]:
    """Positions of the nested single parts that are leaves (nothing nested in them) and nothing vague
    in any item of the batch (``columns[j]``: the j-th nested part of each item): checked together here,
    they need no batch of their own each (a target's immutability, encryption, transfer and retention
    would otherwise be 800 batches of one)."""
    skip = set()
    for j, (_, shape, sub) in enumerate(nested):
        sub_plan = _plan(sub)
        if shape is None and sub_plan[6] is None:
            parts = list(map(vars, filter(None, columns[j])))
            if not _batch_may_be_vague(sub_plan, parts):
                skip.add(j)
    return skip


def _at(base: tuple, key, name: str) -> tuple:
    return base + (name,) if key is None else base + (key, name)


# "as required" that cites an external requirement ---------------------------
#: Words that may stand between the preposition and the source ("by the applicable state and federal law").
_QUALIFIERS = ("the", "a", "an", "any", "all", "our", "its", "their", "his", "her", "each", "every", "and", "or",
               "of", "for", "on", "applicable", "relevant", "governing", "current", "federal", "state", "local",
               "national", "international", "customer", "client", "vendor", "contractual", "legal", "regulatory",
               "statutory", "data", "privacy", "protection", "security", "health", "tax", "financial")
#: Named sources, in any case: the law in general, a contract, a court, a regime or standard by name.
_SOURCES = ("laws?", "legal hold", "legislation", "regulations?", "regulators?", "statutes?", "acts?",
            "directives?", "ordinances?", "contracts?", "agreements?", "terms", "SLAs?", "BAAs?", "DPAs?",
            "courts?", "court orders?", "subpoenas?", "warrants?", "HIPAA", "HITECH", "GDPR", "CCPA", "CPRA",
            "SOX", "Sarbanes-Oxley", "PCI", "PCI DSS", "GLBA", "FERPA", "FISMA", "FedRAMP", "NYDFS", "SEC",
            "FINRA", "IRS", "CJIS", "DORA", "NIS ?2", "ISO", "NIST", "SOC ?2", "CFR", "U\\.?S\\.?C\\.?")
#: "as required" / "when required" (also "where", "if") + by/under/in/per + up to eight qualifiers,
#: Capitalised words (a document's name) or numbers ("45 CFR") + a named source: a capitalised Policy/Standard/Rule/... (a named
#: document), a source word from :data:`_SOURCES`, or a citation (section sign, "Section 5", "164.308", "17a-4").
#: Anything else ("by the business", "by management", "by policy", "in practice") does not cite a source.
_CITED = re.compile(
    r"(?<![a-z])(?:as|when|where|if)[ -]required\s+(?:by|under|in|per|pursuant\s+to|according\s+to)\s+"
    r"(?:(?:" + "|".join(_QUALIFIERS) + r")\s+|(?-i:[A-Z][\w.&'’-]*)\s+|\d[\w.()-]*\s+){0,8}"
    r"(?:(?:" + "|".join(_SOURCES) + r")(?![a-z])"
    r"|(?-i:(?:Policy|Policies|Standard|Procedure|Rule|Regulation|Act|Code|Order|Schedule|Plan)\b)"
    r"|§|(?:section|sec\.|article|art\.|clause|part|chapter|title|rule)\s*\d|\d+(?:\.\d+|[a-z]-\d+))",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def _vague_in(text: str) -> tuple[str, ...]:
    """The vague phrases of a free text, as written, leaving out "as required" that cites a named source."""
    if not isinstance(text, str):
        return ()
    found = find_vague(text)
    if found and "required" in text.lower():
        found = find_vague(_CITED.sub(" ", text))
    return tuple(found)


_PLANS: dict[type, tuple] = {}


def _plan(cls: type) -> tuple:
    """Which fields of a model class are durations, prose, or nested models, with getters for each group.

    (duration names, their getter, text names, their getter, shaped fields, nested fields, a getter of
    the nested fields from an instance ``__dict__``, per-field ``__dict__`` getters of durations and texts, and
    per-field ``__dict__`` getters of the nested fields.)
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
            tuple(operator.itemgetter(n) for n, _, _ in nested),
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


def fields_read(cls: type) -> frozenset[str]:
    """The fields of model ``cls`` whose value VAGUE-001 can find vague (durations, prose, shaped fields and the
    nested models holding them), plus what names and scopes an item's finding (its id, a system's tier): an
    edit of any other field of one item cannot change what it reports (the incremental evaluator reads this)."""
    dnames, _, tnames, _, shaped, nested = _plan(cls)[:6]
    return frozenset(dnames) | frozenset(tnames) | {n for n, _, _ in shaped} | {n for n, _, _ in nested} \
        | {"id", "rule", "tier"}

