"""Semantic diff of two policies: what changed, in plain words, and does it need a major version.

``diff(a, b, today)`` walks the pydantic model generically, so a field added
to the spec is compared without touching this module:

- nested sections are compared field by field (an absent section counts as
  an empty one, so "target v: immutability.mode set to compliance");
- lists of items are matched by ``id`` (or a natural key for the few item
  kinds without one, see :data:`ITEM_KEYS`), never by position, so
  reordering is not a change;
- lists of plain values are sets: "role backup-admin gained member dave";
- dictionaries are compared key by key.

Each change is classified: changes to scope, objectives, retention,
protection, access or testing cadences are *material* (see :data:`AREAS`)
and suggest a ``major`` version; anything else suggests ``minor``. The
findings of both sides at the same date are compared too: which appeared and
which were resolved (an open finding that became an accepted exception counts
as resolved, and says so).

Bookkeeping fields that every publish changes (``revisions``,
``policy.version``) are left out.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass, field
from typing import Any, Optional

from pydantic import BaseModel

from workbench.spec.durations import Duration
from workbench.spec.model import Policy

#: Fields never compared (they change with every publish).
IGNORED = {("Policy", "revisions"), ("Governance", "version")}

#: Keys for list items that have no ``id`` (or whose id is optional).
ITEM_KEYS: dict[str, tuple[str, ...]] = {
    "Alert": ("event",),
    "EvidenceSource": ("kind",),
    "RestoreTest": ("id", "system", "date"),
    "DrExercise": ("id", "date", "type"),
    "AcceptedException": ("id", "rule", "scope"),
    "FollowUp": ("id", "question"),
}

#: Singular nouns for list fields, for messages ("system crm added").
NOUNS = {
    "systems": "system", "tiers": "tier", "targets": "target", "schedules": "schedule", "keys": "key",
    "roles": "role", "principals": "principal", "vendors": "vendor", "legal_holds": "legal hold",
    "restore_tests": "restore test", "dr_exercises": "DR exercise", "exceptions": "exception",
    "follow_ups": "follow-up", "alerts": "alert", "sources": "evidence source", "members": "member",
    "permissions": "permission", "data_classes": "data class", "regulatory_tags": "regulatory tag",
    "categories": "category", "frameworks": "framework", "scenarios": "scenario", "replicas": "replica",
    "admins": "admin", "depends_on": "dependency", "dual_authorization_for": "dual authorization for",
    "communicated_to": "audience", "discovered": "discovered resource", "residency": "residency region",
}

#: Material areas: (model class, field) -> area. A change is material when the
#: field it touches, or any field above it, is listed; ``*`` matches every
#: field of the class. Fields named in NEVER_MATERIAL are descriptive only.
AREAS: dict[tuple[str, str], str] = {
    # scope
    ("System", "exclusion"): "scope",
    ("System", "environment"): "scope",
    ("System", "data_classes"): "scope",
    ("System", "regulatory_tags"): "scope",
    ("Engagement", "categories"): "scope",
    ("Engagement", "frameworks"): "scope",
    ("Engagement", "soc2_type"): "scope",
    # objectives
    ("Tier", "rpo"): "objectives", ("Tier", "rto"): "objectives", ("Tier", "mtd"): "objectives",
    ("Tier", "dr_rpo"): "objectives", ("Tier", "dr_rto"): "objectives", ("Tier", "rank"): "objectives",
    ("System", "tier"): "objectives",
    ("System", "rpo"): "objectives", ("System", "rto"): "objectives", ("System", "mtd"): "objectives",
    ("System", "alternate_site"): "objectives",
    # retention
    ("Target", "retention"): "retention",
    ("Target", "legal_hold_supported"): "retention",
    ("LegalHold", "*"): "retention",
    ("System", "max_retention"): "retention",
    ("System", "records_retention_via"): "retention",
    ("Privacy", "*"): "retention",
    ("Evidence", "retention"): "retention",
    ("EvidenceSource", "retention"): "retention",
    ("Monitoring", "job_log_retention"): "retention",
    ("Baseline", "min_retention_floor"): "retention",
    ("Baseline", "evidence_floor"): "retention",
    # protection
    ("Schedule", "*"): "protection",
    ("Target", "*"): "protection",
    ("Key", "*"): "protection",
    ("Tier", "min_backup_copies"): "protection",
    ("Tier", "require_immutable"): "protection",
    ("System", "backs_up_system_state"): "protection",
    # access
    ("Role", "*"): "access",
    ("Key", "admins"): "access",
    ("Key", "dual_control"): "access",
    ("Principal", "status"): "access",
    ("Principal", "type"): "access",
    ("Principal", "mfa_enrolled"): "access",
    ("Principal", "interactive_login"): "access",
    ("Principal", "broad_group"): "access",
    ("Baseline", "max_destructive_humans"): "access",
    ("Baseline", "destructive_review_interval"): "access",
    ("Baseline", "pci_review_interval"): "access",
    # testing cadences
    ("Tier", "restore_test_interval"): "testing",
    ("Tier", "full_restore_interval"): "testing",
    ("Tier", "reconcile_interval"): "testing",
    ("Baseline", "restore_test_baseline"): "testing",
    ("Baseline", "cis_profile"): "testing",
    ("Inventory", "reconcile_interval"): "testing",
    ("Governance", "dr_exercise_interval"): "testing", ("Governance", "dr_exercise_types"): "testing",
    ("Governance", "restore_test_interval"): "testing", ("Governance", "restore_test_method"): "testing",
    ("Governance", "full_restore_interval"): "testing",
    ("Tier", "restore_test_method"): "testing",
    ("System", "restore_test_interval"): "testing", ("System", "restore_test_method"): "testing",
    ("Governance", "require_immutable"): "protection", ("Governance", "min_backup_copies"): "protection",
    ("Governance", "restore_authorized_by"): "access", ("Governance", "former_employee_restore"): "access",
}
#: Material areas of adding or removing an item of a list: (owner class, list field) -> area.
ITEM_AREAS: dict[tuple[str, str], str] = {
    ("Policy", "systems"): "scope",
    ("Policy", "tiers"): "objectives",
    ("Policy", "legal_holds"): "retention",
    ("Policy", "targets"): "protection",
    ("Policy", "schedules"): "protection",
    ("Policy", "keys"): "protection",
    ("Policy", "roles"): "access",
}
NEVER_MATERIAL = frozenset({"description", "name", "notes", "email", "started_on", "capacity_used_percent",
                            "capacity_forecast"})
MATERIAL_AREAS = ("scope", "objectives", "retention", "protection", "access", "testing")


# ----------------------------------------------------------------------------
# Result types
# ----------------------------------------------------------------------------
@dataclass
class Change:
    """One value-level change."""

    kind: str                       # added | removed | changed | gained | lost
    path: str                       # e.g. targets[vault-euc1].retention.daily
    subject: Optional[str]          # "target vault-euc1", or None at the top level
    field: str                      # path inside the subject, e.g. retention.daily
    before: Any = None
    after: Any = None
    area: Optional[str] = None      # material area, None when not material

    @property
    def material(self) -> bool:
        return self.area is not None

    @property
    def weakens(self) -> bool:
        """Whether this material change weakens the policy (see :func:`weakens`)."""
        return weakens(self)

    @property
    def text(self) -> str:
        who = self.subject
        if self.kind in ("added", "removed") and not self.field:
            return f"{who} {self.kind}"
        if self.kind in ("gained", "lost"):
            noun, _, rest = self.field.rpartition(".")
            word = NOUNS.get(rest, rest.replace("_", " "))
            value = _show(self.after if self.kind == "gained" else self.before)
            owner = who or _top_label(noun)
            if who and noun:
                owner = f"{who}: {noun}"
            return f"{owner} {self.kind} {word} {value}"
        prefix = f"{who}: {self.field}" if who else self.field
        if self.before is None:
            return f"{prefix} set to {_show(self.after)}"
        if self.after is None:
            return f"{prefix} cleared (was {_show(self.before)})"
        return f"{prefix} {_show(self.before)} → {_show(self.after)}"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "path": self.path, "subject": self.subject, "field": self.field,
                "before": _jsonable(self.before), "after": _jsonable(self.after),
                "material": self.material, "area": self.area, "text": self.text}


@dataclass
class FindingChange:
    finding: Any                    # a rules Finding
    note: Optional[str] = None      # e.g. "accepted as exception EXC-1"

    @property
    def text(self) -> str:
        f = self.finding
        extra = f" ({self.note})" if self.note else ""
        return f"[{f.severity}] {f.rule} {f.message}{extra}"

    def to_dict(self) -> dict:
        return {**self.finding.to_dict(), "note": self.note}


@dataclass
class PolicyDiff:
    changes: list[Change]
    appeared: list[FindingChange] = field(default_factory=list)
    resolved: list[FindingChange] = field(default_factory=list)
    as_of: Optional[dt.date] = None
    a_label: str = "A"
    b_label: str = "B"

    @property
    def material(self) -> list[Change]:
        return [c for c in self.changes if c.material]

    @property
    def weakenings(self) -> list[Change]:
        """Material changes that weaken the policy: a retention cut, a lock or copy removed, a looser objective
        or cadence ... (:func:`weakens`). Publishing records them on the new revision, with its reason."""
        return [c for c in self.changes if c.weakens]

    @property
    def suggested_bump(self) -> str:
        return "major" if self.material else "minor"

    def areas(self) -> list[str]:
        found = {c.area for c in self.material}
        return [a for a in MATERIAL_AREAS if a in found]

    def to_dict(self) -> dict:
        return {
            "a": self.a_label, "b": self.b_label,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "suggested_bump": self.suggested_bump,
            "material_areas": self.areas(),
            "counts": {"changes": len(self.changes), "material": len(self.material),
                       "findings_appeared": len(self.appeared), "findings_resolved": len(self.resolved)},
            "changes": [c.to_dict() for c in self.changes],
            "findings": {"appeared": [f.to_dict() for f in self.appeared],
                         "resolved": [f.to_dict() for f in self.resolved]},
        }

    def to_text(self) -> str:
        lines = [f"{self.a_label} → {self.b_label}"]
        if not self.changes:
            lines.append("No changes to the policy's answers.")
        else:
            n, m = len(self.changes), len(self.material)
            why = f" ({', '.join(self.areas())} changed)" if m else " (no material change)"
            lines.append(f"{n} change{'s' if n != 1 else ''}, {m} material. Suggested bump: {self.suggested_bump}{why}.")
            if m:
                lines += ["", "Material changes:"]
                lines += [f"  [{c.area}] {c.text}" + ("  (weakens the policy)" if c.weakens else "")
                          for c in self.material]
            other = [c for c in self.changes if not c.material]
            if other:
                lines += ["", "Other changes:"]
                lines += [f"  {c.text}" for c in other]
        when = f" (as of {self.as_of.isoformat()})" if self.as_of else ""
        lines += ["", f"Findings appeared{when}: {len(self.appeared)}"]
        lines += [f"  + {f.text}" for f in self.appeared]
        lines += [f"Findings resolved{when}: {len(self.resolved)}"]
        lines += [f"  - {f.text}" for f in self.resolved]
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------
# Which material changes weaken the policy
# ----------------------------------------------------------------------------
#: Counts where fewer is weaker (lock days, copies) and where more is weaker (people who can destroy backups).
FEWER_IS_WEAKER = frozenset({"days", "min_backup_copies", "soft_delete_days", "deletion_window_days"})
MORE_IS_WEAKER = frozenset({"max_destructive_humans"})
#: Yes/no answers where dropping a yes weakens protection, and where a new yes does.
YES_PROTECTS = frozenset({
    "at_rest", "offline", "isolated_account", "require_immutable", "mfa_required", "dual_control",
    "legal_hold_supported", "applies_to_backups", "automated", "versioned", "app_consistent", "retains_old_versions",
    "escrow", "backs_up_system_state", "beyond_use_statement", "deletion_replay_on_restore", "enabled", "encrypted",
})
YES_WEAKENS = frozenset({"interactive_login", "broad_group"})
#: Lock strength by immutability mode.
LOCK_RANK = {"compliance": 3, "worm_media": 3, "governance": 2, "none": 0}
#: Items whose removal takes protection or retention away.
REMOVED_WEAKENS = frozenset({"protection", "retention"})


def weakens(c: Change) -> bool:
    """Whether a material change weakens the policy.

    Retention kept shorter (or cleared); an objective, a cadence or an interval made longer; fewer lock days or
    copies; a protective yes turned to no (encryption, offline, isolated account, MFA, dual control ...); a
    weaker lock mode; a target, schedule, key or legal hold removed; an exclusion from backup added.
    """
    if not c.material:
        return False
    name = c.field.rpartition(".")[2] if c.field else ""
    before, after = c.before, c.after
    if c.kind == "removed":
        return c.area in REMOVED_WEAKENS
    if c.kind == "added":
        return name == "exclusion" or c.field.endswith("exclusion")
    if c.kind != "changed":
        return False
    if isinstance(before, Duration) or isinstance(after, Duration):
        if before is None or (isinstance(before, Duration) and before.vague):
            return False
        if after is None:
            return c.area == "retention"  # a retention cleared: nothing says how long points are kept
        if after.vague:
            return True  # a testable value replaced by wording nobody can test
        return after < before if c.area == "retention" else after > before
    if name == "mode":
        return LOCK_RANK.get(after, 0) < LOCK_RANK.get(before, 0)
    if isinstance(before, bool) or isinstance(after, bool):
        if name in YES_PROTECTS:
            return before is True and after is not True
        if name in YES_WEAKENS:
            return after is True and before is not True
        return False
    if isinstance(before, int) and (isinstance(after, int) or after is None):
        if name in FEWER_IS_WEAKER:
            return after is None or after < before
        if name in MORE_IS_WEAKER:
            return after is not None and after > before
    return False


# ----------------------------------------------------------------------------
# Walking the model
# ----------------------------------------------------------------------------
def diff(a: Policy, b: Policy, today: dt.date | None = None, *, findings: bool = True,
         a_label: str = "A", b_label: str = "B") -> PolicyDiff:
    """Value-level changes from ``a`` to ``b`` plus findings appeared and resolved at ``today``."""
    changes: list[Change] = []
    _walk_model(a, b, type(b), [], (), changes)
    result = PolicyDiff(changes, a_label=a_label, b_label=b_label)
    if findings:
        from workbench.rules import evaluate

        day = today or dt.date.today()
        result.as_of = day
        result.appeared, result.resolved = _finding_changes(evaluate(a, day), evaluate(b, day))
    return result


# A frame of the path: (owner class name, field name, label of the list item if any)
Frame = tuple


def _walk_model(a: Optional[BaseModel], b: Optional[BaseModel], cls: type, path: list, ctx: tuple,
                out: list[Change]) -> None:
    if a is None and b is None:
        return
    if a is not None and b is not None and a == b:
        return
    for name, info in cls.model_fields.items():
        if (cls.__name__, name) in IGNORED:
            continue
        va = getattr(a, name) if a is not None else None
        vb = getattr(b, name) if b is not None else None
        if va is vb or va == vb:
            continue
        frame = ctx + ((cls.__name__, name),)
        _walk_value(va, vb, info.annotation, path + [name], frame, out)


def _walk_value(va: Any, vb: Any, annotation: Any, path: list, ctx: tuple, out: list[Change]) -> None:
    model = _model_of(annotation)
    origin = typing.get_origin(_strip_optional(annotation))
    if origin is list:
        if model is not None:
            _walk_items(va or [], vb or [], model, path, ctx, out)
        else:
            _walk_set(va or [], vb or [], path, ctx, out)
    elif origin is dict:
        _walk_dict(va or {}, vb or {}, path, ctx, out)
    elif model is not None:
        if (va is None or vb is None) and not _constructible(model):
            _emit(out, "removed" if vb is None else "added", path, ctx, va, vb)
        else:
            _walk_model(va, vb, model, path, ctx, out)
    else:
        _emit(out, "changed", path, ctx, va, vb)


def _walk_items(la: list, lb: list, model: type, path: list, ctx: tuple, out: list[Change]) -> None:
    ka, kb = _keyed(la, model), _keyed(lb, model)
    noun = NOUNS.get(path[-1], path[-1].replace("_", " ").rstrip("s"))
    for key, item in ka.items():
        if key not in kb:
            _emit(out, "removed", path + [_Key(key, noun)], ctx, item, None, item_level=True)
    for key, item in kb.items():
        if key not in ka:
            _emit(out, "added", path + [_Key(key, noun)], ctx, None, item, item_level=True)
        elif ka[key] != item:
            _walk_model(ka[key], item, model, path + [_Key(key, noun)], ctx, out)


def _walk_set(la: list, lb: list, path: list, ctx: tuple, out: list[Change]) -> None:
    sa, sb = _ordered_unique(la), _ordered_unique(lb)
    for v in sa:
        if v not in sb:
            _emit(out, "lost", path, ctx, v, None)
    for v in sb:
        if v not in sa:
            _emit(out, "gained", path, ctx, None, v)


def _walk_dict(da: dict, db: dict, path: list, ctx: tuple, out: list[Change]) -> None:
    for k in list(da) + [k for k in db if k not in da]:
        va, vb = da.get(k), db.get(k)
        if va != vb:
            _emit(out, "changed", path + [str(k)], ctx, va, vb)


class _Key(str):
    """A list item in a path: its key plus the noun of its list."""

    noun: str

    def __new__(cls, key: str, noun: str):
        obj = super().__new__(cls, key)
        obj.noun = noun
        return obj


def _emit(out: list[Change], kind: str, path: list, ctx: tuple, before: Any, after: Any,
          item_level: bool = False) -> None:
    # subject = the innermost list item on the path; field = what follows it
    last_item = max((i for i, p in enumerate(path) if isinstance(p, _Key)), default=None)
    if last_item is None:
        subject, rest = None, path
    else:
        key = path[last_item]
        subject, rest = f"{key.noun} {key}", path[last_item + 1:]
    out.append(Change(kind, _path_text(path), subject, ".".join(str(p) for p in rest),
                      before, after, _area(ctx, path, item_level)))


def _path_text(path: list) -> str:
    text = ""
    for p in path:
        text += f"[{p}]" if isinstance(p, _Key) else (("." if text else "") + str(p))
    return text


def _area(ctx: tuple, path: list, item_level: bool) -> Optional[str]:
    """The material area of a change at ``path``, from the innermost field outwards."""
    if path and not isinstance(path[-1], _Key) and path[-1] in NEVER_MATERIAL:
        return None
    if item_level and ctx:
        area = ITEM_AREAS.get(ctx[-1])
        if area:
            return area
        ctx = ctx[:-1]
    for cls_name, name in reversed(ctx):
        area = AREAS.get((cls_name, name)) or AREAS.get((cls_name, "*"))
        if area:
            return area
    return None


def _keyed(items: list, model: type) -> dict[str, BaseModel]:
    out: dict[str, BaseModel] = {}
    for item in items:
        base = _item_key(item, model)
        key, n = base, 1
        while key in out:  # two items with the same natural key: number them in order
            n += 1
            key = f"{base}#{n}"
        out[key] = item
    return out


def _item_key(item: BaseModel, model: type) -> str:
    fields = ITEM_KEYS.get(model.__name__)
    if fields is None and "id" in model.model_fields:
        fields = ("id",)
    if fields:
        if fields[0] == "id" and getattr(item, "id", None):
            return str(item.id)
        parts = [_show_plain(getattr(item, f, None)) for f in fields if f != "id" and getattr(item, f, None) is not None]
        if parts:
            return " ".join(parts)
    return item.model_dump_json(exclude_defaults=True)


def _ordered_unique(values: list) -> list:
    seen: list = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or str(origin) == "types.UnionType":
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _model_of(annotation: Any) -> Optional[type]:
    ann = _strip_optional(annotation)
    if typing.get_origin(ann) is list:
        ann = _strip_optional(typing.get_args(ann)[0])
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


_CONSTRUCTIBLE: dict[type, bool] = {}


def _constructible(model: type) -> bool:
    if model not in _CONSTRUCTIBLE:
        _CONSTRUCTIBLE[model] = all(not f.is_required() for f in model.model_fields.values())
    return _CONSTRUCTIBLE[model]


def _top_label(noun: str) -> str:
    return noun or "policy"


# ----------------------------------------------------------------------------
# Values in words
# ----------------------------------------------------------------------------
def _show_plain(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _show(value: Any) -> str:
    if value is None:
        return "(not answered)"
    if isinstance(value, BaseModel):
        return _short_model(value)
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "…"
        return f"'{text}'" if (" " in text or not text) else text
    return _show_plain(value)


def _short_model(value: BaseModel) -> str:
    data = value.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    parts = [f"{k} {v}" for k, v in data.items() if not isinstance(v, (dict, list))][:4]
    return "(" + ", ".join(parts) + ")" if parts else "(empty)"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


# ----------------------------------------------------------------------------
# Findings
# ----------------------------------------------------------------------------
def _fkey(f) -> tuple:
    return (f.rule, f.subject or "", f.message)


def _finding_changes(ra, rb) -> tuple[list[FindingChange], list[FindingChange]]:
    """Open findings that appeared and that were resolved from ``ra`` to ``rb``.

    Findings match on (rule, subject, message); what is left then matches
    one-to-one on (rule, subject), so a finding whose wording changed with the
    data ("holds copies of db" -> "of db and crm") is still the same finding.
    """
    open_a = {_fkey(f): f for f in ra.open}
    open_b = {_fkey(f): f for f in rb.open}
    gone = [f for k, f in open_a.items() if k not in open_b]
    new = [f for k, f in open_b.items() if k not in open_a]
    pair_a = _unique_by_subject(gone)
    pair_b = _unique_by_subject(new)
    same = {k for k in pair_a if k in pair_b}
    accepted_b = {_fkey(f): f for f in rb.accepted}
    accepted_b_subject = _unique_by_subject(rb.accepted)
    appeared = [FindingChange(f) for f in new if (f.rule, f.subject) not in same]
    resolved = []
    for f in gone:
        if (f.rule, f.subject) in same:
            continue
        acc = accepted_b.get(_fkey(f)) or (accepted_b_subject.get((f.rule, f.subject)) if f.subject else None)
        note = f"accepted as exception {acc.accepted.exception}" if acc is not None else None
        resolved.append(FindingChange(f, note))
    return appeared, resolved


def _unique_by_subject(findings) -> dict:
    """(rule, subject) -> finding, for findings with a subject that is unique in the list."""
    seen: dict = {}
    dup: set = set()
    for f in findings:
        if not f.subject:
            continue
        key = (f.rule, f.subject)
        if key in seen:
            dup.add(key)
        seen[key] = f
    return {k: v for k, v in seen.items() if k not in dup}
