"""Roles x permissions, with the members of the highlighted role and the engine's access findings in place.

The matrix shows what the owner gives it (:meth:`RolesMatrix.show`: the policy
and the :class:`~workbench.rules.sod.AccessMarks` of its latest evaluation) and
reports what the person asks for as messages; it never edits the policy and
never evaluates anything itself. A conflict is marked in the cells and member
rows it concerns, with a text marker as well as a colour (``!`` a gap, ``?``
a question, ``~`` missing evidence, ``=`` accepted as an exception), and the
finding's own words below.

| Key | Where | Action |
|---|---|---|
| space, enter | a permission or MFA cell | grant or revoke it / require MFA or not |
| space, enter | the role's name | go to its members |
| 2 | a permission cell | require a second approver for it, or not |
| a | anywhere | add a member to the highlighted role |
| e, enter, space | a member | edit the member (MFA, last sign-in, status) |
| delete | a member | remove the member from the role |
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from workbench.rules.sod import AccessMarks

#: (permission, column label): the destructive powers first, as an auditor reads them.
PERMISSIONS = (
    ("delete_recovery_point", "Delete\npoints"), ("modify_retention", "Change\nretent."),
    ("modify_immutability", "Lift\nlock"), ("bypass_governance", "Bypass\nlock"), ("disable_plan", "Disable\nplan"),
    ("delete_vault", "Delete\nvault"), ("key_admin", "Admin\nkeys"), ("prod_admin", "Prod\nadmin"),
    ("restore", "Restore"), ("run", "Run\njobs"), ("configure", "Config"), ("read", "Read"),
)
TWO_PERSON = frozenset({"delete_recovery_point", "modify_retention", "modify_immutability", "bypass_governance",
                        "disable_plan", "delete_vault", "key_admin", "prod_admin", "restore", "configure"})
LEGEND = ("✓ granted   ✓2 needs a second approver   · not granted   "
          "! conflict   ? not answered   ~ evidence missing   = accepted exception")
SEVERITY_COLOUR = {"blocker": "error", "major": "warning", "minor": "secondary", "advisory": "text-muted"}


def marker(finding: Any) -> str:
    """The text marker of a finding (the colour is never the only sign)."""
    if getattr(finding, "accepted", None) is not None:
        return "="
    return {"question": "?", "unanswered": "?", "evidence": "~"}.get(getattr(finding, "kind", "gap"), "!")


def reason_line(finding: Any, wording: Callable[[str], str] = str) -> Content:
    """"! ACC-002 blocker  u-sam holds prod_admin ...", with how it was accepted when it was."""
    head = f"{marker(finding)} {finding.rule} {finding.severity}"
    style = "$text-muted" if finding.accepted is not None else f"bold ${SEVERITY_COLOUR.get(finding.severity, 'text')}"
    tail = ""
    if finding.accepted is not None:
        a = finding.accepted
        tail = f" (accepted as {a.exception}" + (f" until {a.expires_on})" if a.expires_on else ")")
    return Content.assemble((head, style), "  ", wording(str(finding.message)), (tail, "$text-muted"))


class RolesMatrix(Vertical, can_focus=False):
    """The roles x permissions matrix, the highlighted role's members and why a cell or member is marked."""

    DEFAULT_CSS = """
    RolesMatrix { height: 1fr; }
    RolesMatrix > #rm-legend { height: auto; color: $text-muted; padding: 0 1; }
    RolesMatrix > #rm-matrix { height: auto; max-height: 45%; }
    RolesMatrix > #rm-role { height: auto; padding: 0 1; text-style: bold; }
    RolesMatrix > #rm-members { height: auto; max-height: 12; }
    RolesMatrix > #rm-why { height: 1fr; min-height: 3; padding: 0 1; border-top: solid $primary 50%; }
    RolesMatrix #rm-reasons { height: auto; }
    """

    BINDINGS = [
        Binding("space", "toggle", "Grant/revoke", id="roles.toggle"),
        Binding("2", "two_person", "2-person", id="roles.two_person"),
        Binding("a", "add_member", "Add member", id="roles.add_member"),
        Binding("e", "edit_member", "Edit member", id="roles.edit_member", show=False),
        Binding("delete", "remove_member", "Remove", id="roles.remove_member"),
    ]

    class PermissionToggled(Message):
        """The person asked to grant or revoke ``permission`` on the role at ``index``."""

        def __init__(self, index: int, permission: str) -> None:
            self.index, self.permission = index, permission
            super().__init__()

    class TwoPersonToggled(Message):
        """The person asked to require (or stop requiring) a second approver for ``permission``."""

        def __init__(self, index: int, permission: str) -> None:
            self.index, self.permission = index, permission
            super().__init__()

    class MfaToggled(Message):
        """The person asked to require MFA on the role at ``index``, or not."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    class MemberEditRequested(Message):
        """Add a member to the role at ``index`` (``member`` None) or edit ``member``."""

        def __init__(self, index: int, member: Optional[str]) -> None:
            self.index, self.member = index, member
            super().__init__()

    class MemberRemoveRequested(Message):
        """Remove ``member`` from the role at ``index``."""

        def __init__(self, index: int, member: str) -> None:
            self.index, self.member = index, member
            super().__init__()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy: Any = None
        self.marks = AccessMarks()
        self.today: Optional[dt.date] = None
        self._members: list[str] = []
        self._colours: dict[str, str] = {}
        #: The permission columns shown: every backup permission; ``read`` only when a role grants it.
        self._perms = [p for p, _ in PERMISSIONS if p != "read"]

    def compose(self) -> ComposeResult:
        yield Static(LEGEND, id="rm-legend", markup=False)
        yield DataTable(id="rm-matrix", cursor_type="cell", header_height=2, fixed_columns=1, zebra_stripes=True)
        yield Static("", id="rm-role", markup=False)
        yield DataTable(id="rm-members", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="rm-why"):
            yield Static("", id="rm-reasons", markup=False)

    def on_mount(self) -> None:
        self._set_columns(self._perms)
        members = self.query_one("#rm-members", DataTable)
        for label in ("Member", "MFA", "Last sign-in", "Status", "Type", "Findings", "Name"):
            members.add_column(label, key=label.lower())

    def _set_columns(self, perms: list[str]) -> None:
        self._perms = perms
        matrix = self.query_one("#rm-matrix", DataTable)
        matrix.clear(columns=True)
        matrix.add_column("Role", key="role")
        matrix.add_column("MFA", key="mfa")
        labels = dict(PERMISSIONS)
        for perm in perms:
            matrix.add_column(labels[perm], key=perm)

    # -- what is shown -------------------------------------------------------
    @property
    def role_index(self) -> Optional[int]:
        """Index (in ``policy.roles``) of the highlighted role."""
        if self.policy is None or not self.policy.roles:
            return None
        row = self.query_one("#rm-matrix", DataTable).cursor_row
        return min(max(row, 0), len(self.policy.roles) - 1)

    @property
    def column(self) -> str:
        """The highlighted column: ``role``, ``mfa`` or a permission."""
        col = self.query_one("#rm-matrix", DataTable).cursor_column
        keys = ["role", "mfa", *self._perms]
        return keys[min(max(col, 0), len(keys) - 1)]

    @property
    def member(self) -> Optional[str]:
        """The highlighted member of the highlighted role."""
        if not self._members:
            return None
        row = self.query_one("#rm-members", DataTable).cursor_row
        return self._members[min(max(row, 0), len(self._members) - 1)]

    def show(self, policy: Any, marks: AccessMarks, today: dt.date,
             wording: Callable[[str], str] = str) -> None:
        self._wording = wording  # the findings' messages in plain words, as the gap panel shows them
        """Redraw from ``policy`` and the marks of its evaluation; the cursor stays where it was."""
        self.policy, self.marks, self.today = policy, marks, today
        self._colours = self.app.get_css_variables()
        matrix = self.query_one("#rm-matrix", DataTable)
        row, col = matrix.cursor_row, matrix.cursor_column
        wanted = [p for p, _ in PERMISSIONS if p != "read" or any("read" in (r.permissions or ()) for r in policy.roles)]
        if wanted != self._perms:
            self._set_columns(wanted)
        matrix.clear()
        for r in policy.roles:
            matrix.add_row(*self._role_cells(r))
        if policy.roles:
            matrix.move_cursor(row=min(max(row, 0), len(policy.roles) - 1), column=col, animate=False)
        self._show_role()

    def _style(self, findings: list) -> str:
        if not findings:
            return ""
        f = findings[0]
        if f.accepted is not None:
            return self._colours.get("text-muted", "")
        colour = self._colours.get(SEVERITY_COLOUR.get(f.severity, "warning"), "")
        return f"bold {colour}" if f.severity in ("blocker", "major") else colour

    def _cell(self, text: str, findings: list) -> Text:
        if findings:
            return Text(f"{marker(findings[0])}{text}", style=self._style(findings))
        return Text(text, style="" if text != "·" else self._colours.get("text-muted", ""))

    def _role_cells(self, r: Any) -> list[Text]:
        marks = self.marks
        perms, paired = set(r.permissions or ()), set(r.dual_authorization_for or ())
        mfa = {True: "yes", False: "NO", None: "?"}[r.mfa_required]
        cells = [self._cell(r.id if marks.row(r.id) else f" {r.id}", marks.row(r.id)),  # ids line up after a marker
                 self._cell(mfa, marks.cell(r.id, "mfa"))]
        for perm in self._perms:
            text = ("✓2" if perm in paired else "✓") if perm in perms else "·"
            cells.append(self._cell(text, marks.cell(r.id, perm)))
        return cells

    def _show_role(self) -> None:
        index = self.role_index
        members = self.query_one("#rm-members", DataTable)
        row = members.cursor_row
        members.clear()
        self._members = []
        head = self.query_one("#rm-role", Static)
        if index is None:
            head.update("No roles yet: press n to add one (who runs, restores and can delete backups).")
            self._show_reasons(self.marks.general)
            return
        r = self.policy.roles[index]
        head.update(self._role_text(r))
        people = {x.id: x for x in self.policy.principals}
        for m in r.members or ():
            self._members.append(m)
            members.add_row(*self._member_cells(r.id, m, people.get(m)))
        if self._members:
            members.move_cursor(row=min(max(row, 0), len(self._members) - 1), animate=False)
        self._explain()

    def _role_text(self, r: Any) -> Content:
        n = len(r.members or ())
        parts = [f"{r.name or r.id}: {n} member{'s' if n != 1 else ''}"]
        if r.last_review_on:
            parts.append(f"reviewed {r.last_review_on}")
        else:
            parts.append("no review on record")
        if r.review_interval:
            parts.append(f"every {r.review_interval}")
            due = _due(r)
            if due is not None:
                parts.append(f"next due {due}" + (" (OVERDUE)" if self.today and due < self.today else ""))
        text = Content("  ·  ".join(parts))
        review = self.marks.cell(r.id, "review")
        if review:
            text = Content.assemble((f"{marker(review[0])} ", self._style(review)), text)
        return text

    def _member_cells(self, rid: str, mid: str, x: Any) -> list[Text]:
        """Member, MFA, last sign-in, status, type, findings, name: what the access rules read first."""
        marks = self.marks
        found = marks.member(rid, mid)
        rules = self._cell(", ".join(dict.fromkeys(f.rule for f in found)), found) if found else Text("")
        if x is None:
            muted = self._colours.get("text-muted", "")
            return [self._cell(mid, found), Text("?"), Text("?"), Text("-"), Text("-"), rules,
                    Text("not in the people list", style=muted)]
        mfa = {True: "yes", False: "NO", None: "?"}[x.mfa_enrolled]
        if x.type in ("service", "group") and x.mfa_enrolled is None:
            mfa = "-"
        return [self._cell(mid, found), self._cell(mfa, marks.person(mid, "mfa")),
                self._cell(self._sign_in(x.last_login), marks.person(mid, "last_login")),
                self._cell(x.status or "?", marks.person(mid, "status")),
                self._cell(x.type or "?", marks.person(mid, "type")), rules, Text(x.name or "")]

    def _sign_in(self, when: Optional[dt.date]) -> str:
        if when is None:
            return "?"
        if self.today is None:
            return str(when)
        days = (self.today - when).days
        return f"{when} ({days}d ago)" if days >= 0 else str(when)

    def _explain(self) -> None:
        """Below the tables: why the highlighted role (or member) is marked, in the findings' own words."""
        index = self.role_index
        if index is None:
            self._show_reasons(self.marks.general)
            return
        rid = self.policy.roles[index].id
        members = self.query_one("#rm-members", DataTable)
        if members.has_focus and self.member is not None:
            found = self.marks.member(rid, self.member)
            self._show_reasons(found, f"Nothing the engine reports about {self.member} in {rid}.")
        else:
            self._show_reasons(self.marks.row(rid) + self.marks.general,
                               f"No separation-of-duties, MFA or review finding on {rid}.")

    def _show_reasons(self, findings: list, empty: str = "") -> None:
        lines = [reason_line(f, getattr(self, "_wording", str)) for f in findings]
        text = Content("\n").join(lines) if lines else Content.styled(empty, "$text-muted")
        self.query_one("#rm-reasons", Static).update(text)

    # -- moving around -------------------------------------------------------
    @on(DataTable.CellHighlighted, "#rm-matrix")
    def _cell_moved(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        if self.policy is not None:
            self._show_role()

    @on(DataTable.RowHighlighted, "#rm-members")
    def _member_moved(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._explain()

    def on_descendant_focus(self) -> None:
        if self.policy is not None:
            self._explain()

    # -- asking for edits ----------------------------------------------------
    @on(DataTable.CellSelected, "#rm-matrix")
    def _cell_chosen(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_toggle()

    @on(DataTable.RowSelected, "#rm-members")
    def _member_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_member()

    def action_toggle(self) -> None:
        """Space: on a permission cell grant or revoke it, on the MFA cell require MFA or not; on a member, edit."""
        if not self.query_one("#rm-matrix", DataTable).has_focus:
            self.action_edit_member()
            return
        index, column = self.role_index, self.column
        if index is None:
            return
        if column == "mfa":
            self.post_message(self.MfaToggled(index))
        elif column == "role":
            self.query_one("#rm-members", DataTable).focus()
        else:
            self.post_message(self.PermissionToggled(index, column))

    def action_two_person(self) -> None:
        index, column = self.role_index, self.column
        if index is None or column in ("role", "mfa") or not self.query_one("#rm-matrix", DataTable).has_focus:
            self.app.notify("Move to a permission's cell first; 2 then asks for a second approver on it.")
            return
        self.post_message(self.TwoPersonToggled(index, column))

    def action_add_member(self) -> None:
        if self.role_index is not None:
            self.post_message(self.MemberEditRequested(self.role_index, None))

    def action_edit_member(self) -> None:
        if self.role_index is not None and self.member is not None:
            self.post_message(self.MemberEditRequested(self.role_index, self.member))

    def action_remove_member(self) -> None:
        if self.role_index is not None and self.member is not None:
            self.post_message(self.MemberRemoveRequested(self.role_index, self.member))


def _due(role: Any) -> Optional[dt.date]:
    try:
        if role.last_review_on and role.review_interval and not role.review_interval.vague:
            return role.review_interval.add_to(role.last_review_on)
    except (AttributeError, ValueError, OverflowError):
        return None
    return None
