"""Roles and people as a matrix: who may do what on the backup plane, who holds each role, and the conflicts.

Opened from the interview (F9 or the command palette). The screen owns no
answers: every change goes to the session (and so through the ``Editor``),
then the session's evaluation comes back and the matrix is redrawn with the
access findings placed on it by :func:`workbench.rules.sod.access_marks`, the
same findings the gap panel lists. One action that takes several edits (a new
person added to a role) is one change: undone and redone as one, here and in
the interview.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Select, Static
from textual.worker import Worker, WorkerState

from widgets.roles_matrix import RolesMatrix

from ..session import EditError, Session
from .dialogs import FormDialog, _input, parse_date
from .editing import EditGroups, fresh_evaluation


class RolesScreen(Screen):
    """The roles x permissions matrix with members, MFA, last sign-in, reviews and conflicts."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="roles.back"),
        Binding("n", "new_role", "New role", id="roles.new"),
        Binding("r", "review", "Review", id="roles.review"),
        Binding("ctrl+z", "undo", "Undo", id="roles.undo", priority=True),
        Binding("ctrl+y", "redo", "Redo", id="roles.redo", priority=True, show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.edits = EditGroups(session)
        self.shown_revision = -1
        self.marks: Any = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("Evaluating...", id="roles-headline", markup=False)
        yield RolesMatrix(id="roles-matrix")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.session.client
        self.sub_title = "roles and people"
        self.query_one("#rm-matrix").focus()
        self.refresh_matrix()

    # -- evaluation and drawing ----------------------------------------------
    def refresh_matrix(self) -> None:
        """Evaluate (or take the interview's fresh evaluation) and redraw."""
        self.query_one("#roles-headline", Static).update("Evaluating...")
        self._evaluate()

    @work(thread=True, exclusive=True, group="roles", exit_on_error=False)
    def _evaluate(self) -> Any:
        return fresh_evaluation(self.session)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "roles":
            return
        if event.worker.state == WorkerState.ERROR:
            self.query_one("#roles-headline", Static).update(f"The gap engine failed: {event.worker.error}")
        elif event.worker.state == WorkerState.SUCCESS:
            evaluation = event.worker.result
            if evaluation is None or evaluation.revision != self.session.revision:
                self.refresh_matrix()  # an edit landed meanwhile: the marks would not fit the policy
            else:
                self._show(evaluation)

    def _show(self, evaluation: Any) -> None:
        from workbench.rules.sod import access_marks

        policy = self.session.policy
        self.marks = access_marks(policy, evaluation.report.findings)
        self.shown_revision = evaluation.revision
        self.query_one(RolesMatrix).show(policy, self.marks, self.session.as_of, self.session.wording())
        self.query_one("#roles-headline", Static).update(self._headline(policy))

    def _headline(self, policy: Any) -> str:
        roles, people = len(policy.roles), len(policy.principals)
        n = self.marks.conflicts
        found = (f"{n} open access finding{'s' if n != 1 else ''} marked below" if n
                 else "no open access finding")
        return f"{roles} role{'s' if roles != 1 else ''}  ·  {people} people and accounts  ·  {found}"

    # -- edits (all through the session) -------------------------------------
    def _act(self, what: str, *edits: Callable[[], Any]) -> bool:
        """Apply ``edits`` as one undoable change; when one is refused, none is applied."""
        try:
            self.edits.apply(edits, f"roles and people: {what}")
        except EditError as exc:
            self.notify(str(exc), title=f"Not changed: {what}", severity="error", markup=False)
            return False
        self.refresh_matrix()
        return True

    @on(RolesMatrix.PermissionToggled)
    def _toggle_permission(self, event: RolesMatrix.PermissionToggled) -> None:
        event.stop()
        role = self.session.policy.roles[event.index]
        perms = list(role.permissions or ())
        granted = event.permission in perms
        perms = [p for p in perms if p != event.permission] if granted else perms + [event.permission]
        edits = [lambda: self.session.set(f"roles[{event.index}].permissions", perms)]
        paired = list(role.dual_authorization_for or ())
        if granted and event.permission in paired:  # a second approver for a permission nobody holds: drop it too
            edits.append(lambda: self.session.set(f"roles[{event.index}].dual_authorization_for",
                                                  [p for p in paired if p != event.permission]))
        if self._act("permission", *edits):
            self.notify(f"{role.id}: {event.permission} {'revoked' if granted else 'granted'} (ctrl+z undoes).",
                        markup=False)

    @on(RolesMatrix.TwoPersonToggled)
    def _toggle_two_person(self, event: RolesMatrix.TwoPersonToggled) -> None:
        event.stop()
        role = self.session.policy.roles[event.index]
        if event.permission not in (role.permissions or ()):
            self.notify(f"{role.id} does not hold {event.permission}: grant it first (space).", markup=False)
            return
        paired = list(role.dual_authorization_for or ())
        on_now = event.permission in paired
        paired = [p for p in paired if p != event.permission] if on_now else paired + [event.permission]
        self._act("second approver", lambda: self.session.set(f"roles[{event.index}].dual_authorization_for", paired))

    @on(RolesMatrix.MfaToggled)
    def _toggle_mfa(self, event: RolesMatrix.MfaToggled) -> None:
        event.stop()
        role = self.session.policy.roles[event.index]
        self._act("MFA", lambda: self.session.set(f"roles[{event.index}].mfa_required", not role.mfa_required))

    @on(RolesMatrix.MemberEditRequested)
    def _edit_member(self, event: RolesMatrix.MemberEditRequested) -> None:
        event.stop()
        index, member = event.index, event.member
        role = self.session.policy.roles[index]
        person = next((x for x in self.session.policy.principals if x.id == member), None) if member else None
        self.app.push_screen(MemberDialog(role.id, member, person),
                             lambda data: data is not None and self._save_member(index, member, data))

    def _save_member(self, index: int, member: Optional[str], data: dict) -> None:
        edits = member_edits(self.session, index, member, data)
        if edits and self._act("member", *edits):
            verb = "added to" if member is None else "updated in"
            self.notify(f"{data['id']} {verb} {self.session.policy.roles[index].id} (ctrl+z undoes).", markup=False)

    @on(RolesMatrix.MemberRemoveRequested)
    def _remove_member(self, event: RolesMatrix.MemberRemoveRequested) -> None:
        event.stop()
        index, member = event.index, event.member
        members = [m for m in self.session.policy.roles[index].members or () if m != member]
        if self._act("member", lambda: self.session.set(f"roles[{index}].members", members)):
            self.notify(f"{member} removed from {self.session.policy.roles[index].id} (ctrl+z undoes).",
                        markup=False)

    def action_new_role(self) -> None:
        def created(data: Optional[dict]) -> None:
            if data is not None and self._act("role", lambda: self.session.add("roles", data)):
                matrix = self.query_one("#rm-matrix")
                matrix.move_cursor(row=len(self.session.policy.roles) - 1, column=2)

        self.app.push_screen(RoleDialog({r.id for r in self.session.policy.roles}), created)

    def action_review(self) -> None:
        index = self.query_one(RolesMatrix).role_index
        if index is None:
            return
        role = self.session.policy.roles[index]

        def reviewed(data: Optional[dict]) -> None:
            if data is None:
                return
            changed = {k: v for k, v in data.items() if getattr(role, k) != v}
            edits = [(lambda k=k, v=v: self.session.set(f"roles[{index}].{k}", v)) for k, v in changed.items()]
            if edits:
                self._act("review", *edits)

        self.app.push_screen(ReviewDialog(role, self.session.as_of), reviewed)

    def action_undo(self) -> None:
        if self.edits.undo() is None:
            self.notify("Nothing to undo.")
        self.refresh_matrix()

    def action_redo(self) -> None:
        if self.edits.redo() is None:
            self.notify("Nothing to redo.")
        self.refresh_matrix()

    def action_back(self) -> None:
        self.edits.leave(self.app)


def member_edits(session: Session, index: int, member: Optional[str], data: dict) -> list[Callable[[], Any]]:
    """The edits that add ``data['id']`` to role ``index`` (a new person too) or update an existing member."""
    policy = session.policy
    pid = data["id"]
    fields = {k: data.get(k) for k in ("name", "type", "status", "mfa_enrolled", "last_login")}
    at = next((i for i, x in enumerate(policy.principals) if x.id == pid), None)
    edits: list[Callable[[], Any]] = []
    if at is None:
        item = {"id": pid, **{k: v for k, v in fields.items() if v is not None}}
        edits.append(lambda: session.add("principals", item))
    else:
        person = policy.principals[at]
        if member is None:  # someone already listed joins the role: only what was typed changes them
            fields = {k: fields[k] for k in ("name", "mfa_enrolled", "last_login")}
        for k, v in fields.items():
            if v is not None and getattr(person, k) != v:
                edits.append(lambda k=k, v=v: session.set(f"principals[{at}].{k}", v))
    members = list(policy.roles[index].members or ())
    if member is None and pid not in members:
        edits.append(lambda: session.set(f"roles[{index}].members", members + [pid]))
    return edits


_TRI = {"yes": True, "no": False, "unknown": None}


def _tri(value: Optional[bool]) -> str:
    return next(k for k, v in _TRI.items() if v is value)


class MemberDialog(FormDialog):
    """A role member: who (a person, service account or group), MFA, last sign-in and status."""

    ok_label = "Save"

    def __init__(self, role: str, member: Optional[str], person: Any) -> None:
        super().__init__()
        self.member, self.person = member, person
        self.title_text = f"Add a member to {role}" if member is None else f"{member} in {role}"
        self.note_text = ("A new id is added to the people list as well. MFA and the last sign-in are what the "
                          "access rules check (ACC-001, ACC-004).")

    def fields(self) -> ComposeResult:
        p = self.person
        yield from self.labelled("Id (as in the identity provider)",
                                 _input(self.member or "", placeholder="e.g. u-alice", id="mem-id",
                                        disabled=self.member is not None))
        yield from self.labelled("Name", _input(getattr(p, "name", None) or "", placeholder="e.g. Alice Chen",
                                                id="mem-name"))
        yield from self.labelled("Type", Select([(t, t) for t in ("human", "service", "shared", "group")],
                                                value=getattr(p, "type", None) or "human", allow_blank=False,
                                                id="mem-type", compact=True))
        yield from self.labelled("MFA enrolled", Select([(k if k != "unknown" else "not known yet", k) for k in _TRI],
                                                        value=_tri(getattr(p, "mfa_enrolled", None)),
                                                        allow_blank=False, id="mem-mfa", compact=True))
        last = getattr(p, "last_login", None)
        yield from self.labelled("Last sign-in (YYYY-MM-DD)",
                                 _input(str(last) if last else "", placeholder="e.g. 2026-06-24", id="mem-login"))
        yield from self.labelled("Status", Select([(s, s) for s in ("active", "disabled", "terminated")],
                                                  value=getattr(p, "status", None) or "active", allow_blank=False,
                                                  id="mem-status", compact=True))

    def collect(self) -> Optional[dict]:
        pid = self.member or self.value("#mem-id")
        if not pid:
            self.error("Give the member's id, as the identity provider shows it.")
            return None
        try:
            login = parse_date(self.value("#mem-login"), "Last sign-in")
        except ValueError as exc:
            self.error(str(exc))
            return None
        return {"id": pid, "name": self.value("#mem-name") or None, "type": self.value("#mem-type"),
                "status": self.value("#mem-status"), "mfa_enrolled": _TRI.get(self.value("#mem-mfa")),
                "last_login": login}


class RoleDialog(FormDialog):
    """A new role: its id and what it is for."""

    title_text = "New role"
    ok_label = "Add role"
    note_text = "Then grant its permissions in the matrix (space) and add its members (a)."

    def __init__(self, taken: set[str]) -> None:
        super().__init__()
        self.taken = taken

    def fields(self) -> ComposeResult:
        yield from self.labelled("Role id", _input(placeholder="e.g. backup-operator", id="role-id"))
        yield from self.labelled("What it is for", _input(placeholder="e.g. Runs backup jobs and restores",
                                                          id="role-description"))

    def collect(self) -> Optional[dict]:
        rid = self.value("#role-id")
        if not rid:
            self.error("Give the role an id, ideally as the identity provider names it.")
            return None
        if rid in self.taken:
            self.error(f"There is a role {rid} already.")
            return None
        return {"id": rid, "description": self.value("#role-description") or None}


class ReviewDialog(FormDialog):
    """When the role's membership was last reviewed, and how often it is."""

    ok_label = "Save"

    def __init__(self, role: Any, today: Any) -> None:
        super().__init__()
        self.role, self.today = role, today
        self.title_text = f"Access review of {role.id}"
        self.note_text = "ACC-005 checks these against the baseline (quarterly for destructive roles)."

    def fields(self) -> ComposeResult:
        r = self.role
        yield from self.labelled("Last reviewed on (YYYY-MM-DD)",
                                 _input(str(r.last_review_on or ""), placeholder="e.g. 2026-05-14", id="rev-last"))
        yield from self.labelled("Reviewed every (e.g. 3mo)",
                                 _input(str(r.review_interval or ""), placeholder="e.g. 3mo", id="rev-every"))

    def collect(self) -> Optional[dict]:
        try:
            last = parse_date(self.value("#rev-last"), "Last reviewed on")
        except ValueError as exc:
            self.error(str(exc))
            return None
        if last is not None and last > self.today:
            self.error(f"Last reviewed on {last} is after today ({self.today}).")
            return None
        every = self.value("#rev-every") or None
        if every is not None:
            from workbench.spec.durations import Duration

            try:
                every = Duration.of(every)
            except (ValueError, TypeError) as exc:
                self.error(f"Reviewed every: {exc}")
                return None
        return {"last_review_on": last, "review_interval": every}
