"""Separation of duties as the roles matrix shows it: which rows, cells and members the access findings concern.

The access rules (:mod:`workbench.rules.access`, ACC-001 to ACC-006) decide
whether there is a conflict; this module never decides that again. It places
each finding the engine gave on the roles x permissions matrix, so the matrix
and the gap panel show the same findings and cannot disagree:

* the row of every role the finding names (its subject or scopes);
* the cells it is about: the MFA column (ACC-001: the role's, or one of its people's), the permissions that clash
  (ACC-002: ``prod_admin`` and the destructive permissions; ACC-003: the
  operations one person can do alone, from :func:`unpaired_ops`, which the
  rule itself uses), the review columns (ACC-005);
* the members it is about (a person reached through a group marks the group
  as listed in the role), and the person's own column (MFA, status, last
  sign-in, type).

Pure Python on the spec's models and the engine's findings: no Textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from workbench.spec.model import DESTRUCTIVE, Policy, Role

#: Destructive operations that need two people unless a lock makes them impossible (ACC-003).
DUAL_OPS = ("delete_recovery_point", "modify_retention", "modify_immutability", "disable_plan", "delete_vault")

#: The person's column a finding's path points at (``principals[3].mfa_enrolled`` -> ``mfa``).
_PERSON_COLUMN = {"mfa_enrolled": "mfa", "status": "status", "last_login": "last_login", "type": "type",
                  "interactive_login": "type", "broad_group": "type", "owner": "type"}
#: The role's column a finding's path points at (``roles[1].mfa_required`` -> ``mfa``).
_ROLE_COLUMN = {"mfa_required": "mfa", "last_review_on": "review", "review_interval": "review"}
_INDEXED = re.compile(r"^(roles|principals)\[(\d+)\]\.(\w+)")
_WORD = re.compile(r"[a-z_]+")


def unpaired_ops(role: Role) -> list[str]:
    """The operations of :data:`DUAL_OPS` ``role`` grants without requiring a second approver (ACC-003)."""
    granted = role.permissions or ()
    paired = role.dual_authorization_for or ()
    return [op for op in DUAL_OPS if op in granted and op not in paired]


def is_access_finding(finding) -> bool:
    """A finding of the access rules (ACC-*), which the matrix places."""
    return any(r.startswith("ACC-") for r in finding.rules)


@dataclass
class AccessMarks:
    """Where the access findings of one evaluation sit on the matrix (finding lists, worst first)."""

    #: role id -> the findings about the role or any of its members
    rows: dict[str, list] = field(default_factory=dict)
    #: (role id, column) -> findings; a column is a permission, ``mfa`` or ``review``
    cells: dict[tuple[str, str], list] = field(default_factory=dict)
    #: (role id, member id as listed in the role) -> findings
    members: dict[tuple[str, str], list] = field(default_factory=dict)
    #: (principal id, column) -> findings; a column is ``mfa``, ``status``, ``last_login`` or ``type``
    people: dict[tuple[str, str], list] = field(default_factory=dict)
    #: access findings that name no role (e.g. no role holds a backup permission at all)
    general: list = field(default_factory=list)

    def cell(self, role_id: str, column: str) -> list:
        return self.cells.get((role_id, column), [])

    def row(self, role_id: str) -> list:
        return self.rows.get(role_id, [])

    def member(self, role_id: str, member_id: str) -> list:
        return self.members.get((role_id, member_id), [])

    def person(self, principal_id: str, column: str) -> list:
        return self.people.get((principal_id, column), [])

    @property
    def conflicts(self) -> int:
        """How many open access findings are placed (accepted ones are shown, not counted)."""
        seen = {id(f) for fs in self.rows.values() for f in fs if f.accepted is None}
        return len(seen | {id(f) for f in self.general if f.accepted is None})


def access_marks(policy: Policy, findings: Iterable) -> AccessMarks:
    """Place every access finding (open or accepted) on the matrix of ``policy``'s roles.

    ``findings`` are the engine's (``report.findings``) for this very policy: role and person ids
    come from the findings' subjects and scopes, the columns from their paths."""
    marks = AccessMarks()
    roles = {r.id: r for r in policy.roles}
    people = {x.id for x in policy.principals}
    groups = {x.id: list(x.members or ()) for x in policy.principals if x.members}
    for f in findings:
        if not is_access_finding(f):
            continue
        named = [s for s in dict.fromkeys((*f.subjects, f.subject, *f.scopes)) if s in roles]
        who = [s for s in dict.fromkeys((*f.subjects, f.subject)) if s and s in people and s not in roles]
        if not named:
            marks.general.append(f)
            continue
        for rid in named:
            _put(marks.rows, rid, f)
            for column in _role_columns(f, roles[rid], policy):
                _put(marks.cells, (rid, column), f)
            for pid in who:
                for listed in _listed_as(pid, roles[rid], groups):
                    _put(marks.members, (rid, listed), f)
        for pid in who:
            for column in _person_columns(f, policy):
                _put(marks.people, (pid, column), f)
    for table in (marks.rows, marks.cells, marks.members, marks.people):
        for fs in table.values():
            fs.sort(key=_order)
    return marks


def _put(table: dict, key, finding) -> None:
    fs = table.setdefault(key, [])
    if all(f is not finding for f in fs):
        fs.append(finding)


def _order(f) -> tuple:
    rank = {"blocker": 0, "major": 1, "minor": 2, "advisory": 3}
    return (f.accepted is not None, rank.get(f.severity, 9), f.rule)


def _role_columns(f, role: Role, policy: Policy) -> list[str]:
    """The columns of ``role``'s row that finding ``f`` is about."""
    out = []
    for p in f.paths:
        m = _INDEXED.match(p)
        if m and m.group(1) == "roles" and _is(policy.roles, int(m.group(2)), role):
            column = _ROLE_COLUMN.get(m.group(3))
            if column:
                out.append(column)
    perms = role.permissions or ()
    if "ACC-001" in f.rules and any(p.startswith("principals[") for p in f.paths):
        out.append("mfa")  # one of its people has no MFA: the role's MFA does not hold for everyone
    if "ACC-002" in f.rules:  # a production admin who can also destroy backups
        out += [p for p in perms if p == "prod_admin" or p in DESTRUCTIVE]
    if "ACC-003" in f.rules and f.subject == role.id:  # operations one person can do alone
        named = set(_WORD.findall(f.message))
        out += [op for op in unpaired_ops(role) if op in named]
    return list(dict.fromkeys(out))


def _person_columns(f, policy: Policy) -> list[str]:
    out = []
    for p in f.paths:
        m = _INDEXED.match(p)
        if m and m.group(1) == "principals" and m.group(3) in _PERSON_COLUMN:
            out.append(_PERSON_COLUMN[m.group(3)])
    return list(dict.fromkeys(out))


def _is(items: list, index: int, item) -> bool:
    return 0 <= index < len(items) and items[index] is item


def _listed_as(pid: str, role: Role, groups: dict[str, list[str]]) -> list[str]:
    """How ``pid`` appears in ``role``'s member list: itself, or the groups (nested too) that bring it in."""
    listed = list(role.members or ())
    if pid in listed:
        return [pid]
    return [m for m in listed if pid in _expand(m, groups)]


def _expand(gid: str, groups: dict[str, list[str]], seen: Optional[set] = None) -> set[str]:
    seen = set() if seen is None else seen
    for m in groups.get(gid, ()):
        if m not in seen:
            seen.add(m)
            _expand(m, groups, seen)
    return seen
