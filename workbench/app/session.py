"""One open client: the policy, its editor, its evaluation, its autosaved draft and its lock.

The session is the only owner of the policy while the app runs. Screens post
edits to it (``set``, ``add``, ``remove``, ``undo``, ``redo``) and redraw from
what it reports; they never touch the policy or the disk themselves. No
Textual here: everything is testable without a terminal.

Concurrency. Evaluation and autosave run off the main thread (the app uses
thread workers) while the person keeps typing. Every applied edit bumps
:attr:`Session.revision`; a background evaluation or save records the
revision it started at and is thrown away if an edit landed meanwhile, so a
stale result is never shown over a newer one and a half-read policy is never
written. The caller simply asks again.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from workbench.spec.edit import Change, EditError, Editor
from workbench.spec.model import Policy
from workbench.store.lock import WorkspaceLock, WorkspaceLocked
from workbench.store.workspace import Workspace, WorkspaceError, default_root, for_client, slugify

__all__ = [
    "DEMO_CLIENT", "DEMO_TEMPLATE", "EditError", "Evaluation", "Session", "SessionError", "WorkspaceLocked",
    "finding_key", "kind_of",
]

#: The ready demo client offered on first launch (``workbench demo``).
DEMO_TEMPLATE = "saas-startup"
DEMO_CLIENT = "Northwind Analytics (demo)"
EDIT_LOCK = ".workbench.edit.lock"  # the same name as workbench.store.workspace.EDIT_LOCK


class SessionError(Exception):
    """A client cannot be opened; the message says why, in the user's terms."""


def kind_of(finding: Any) -> str:
    """A finding's kind as the panel counts it: ``gap``, ``question`` or ``evidence``.

    The engine called questions ``unanswered`` before it grew the evidence kind; both spellings are read."""
    kind = getattr(finding, "kind", "gap") or "gap"
    return "question" if kind == "unanswered" else kind


def finding_key(finding: Any) -> tuple:
    """What identifies a finding across evaluations: its rule, subject, kind and first field. Its wording may
    change with the values it quotes, and its further paths with the items it lists ("... and 3 more systems"
    becoming 4 is the same finding, not a new one to mark)."""
    return (finding.rule, finding.subject or "", finding.kind, finding.paths[0] if finding.paths else "")


@dataclass
class Evaluation:
    """One evaluation of the policy at one revision."""

    revision: int
    report: Any  # workbench.rules.Report (imported lazily: the rules cost import time)
    new: frozenset = frozenset()  # keys of open findings that were not there in the previous evaluation
    seconds: float = 0.0
    keys: frozenset = frozenset()  # keys of all open findings (the next evaluation's "new" is worked out from them)
    #: (rule, kind, subject) for every subject of every open finding: a finding about subjects all named before by
    #: its rule (a grouped question split by an answer: "... The same holds for msp-cloud") is not new
    covered: frozenset = frozenset()

    def is_new(self, finding: Any) -> bool:
        return finding_key(finding) in self.new


@dataclass
class Session:
    """An open client. Build one with :meth:`open`, :meth:`new_client`, :meth:`from_file` or :meth:`demo`."""

    workspace: Workspace
    policy: Policy
    today: Optional[dt.date] = None
    origin: str = "draft"  # where the policy came from: draft, version 1.0, template saas-startup, file x.yaml, blank
    lock: bool = True
    #: Opened while another process holds the client: every edit is refused and nothing is written.
    #: ``holder`` says who holds it (pid, host, purpose, since).
    read_only: bool = False
    holder: Optional[dict] = None
    editor: Editor = field(init=False)
    revision: int = field(init=False, default=0)
    saved_revision: int = field(init=False, default=0)
    last: Optional[Evaluation] = field(init=False, default=None)
    #: What was typed into the publish form and not published yet (note, reason, approver), kept while the
    #: client is open: a refused publish sends the person back to fix a blocker, and the note was lost.
    unsent: dict = field(init=False, default_factory=dict)
    #: What could not be read of the file this client was opened from, set aside as follow-ups (from_file).
    set_aside: list = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.editor = Editor(self.policy, self._changed)
        self._listeners: list[Callable[[Change], None]] = []
        self._guard = threading.Lock()
        self._save_guard = threading.RLock()  # re-entrant: a hang-up can save while the main thread saves
        self._lock: Optional[WorkspaceLock] = None
        self._pending: list[Change] = []       # edits the incremental evaluator has not seen yet
        self._evaluator: Any = None            # workbench.rules.incremental.Evaluator, built on first use
        self._evaluating = threading.Lock()    # one evaluation at a time
        if self.lock and not self.read_only:
            self._lock = WorkspaceLock(self.workspace.path / EDIT_LOCK, "editing").acquire()

    @property
    def took_over(self) -> Optional[dict]:
        """The holder of a stale lock (a process that died holding this client) this session replaced."""
        return self._lock.took_over if self._lock is not None else None

    def read_only_reason(self) -> str:
        """"open in process 4242 on host-a (editing) since 2026-06-30T09:12:00"."""
        h = self.holder or {}
        return (f"open in process {h.get('pid', '?')} on {h.get('host', '?')} ({h.get('purpose', 'editing')}) "
                f"since {h.get('since', '?')}")

    def _writable(self, path: Any) -> None:
        if self.read_only:
            from workbench.spec.io import format_path

            where = path if isinstance(path, str) else format_path(path)
            raise EditError(where, f"read-only: this client is {self.read_only_reason()}")

    # -- opening ---------------------------------------------------------
    @classmethod
    def open(cls, workspace: Workspace | str | Path, *, version: str | None = None, today: dt.date | None = None,
             lock: bool = True, read_only: bool = False, holder: Optional[dict] = None) -> "Session":
        """Open a client: its draft if there is one, else its latest version, else a blank policy.

        With ``version``, that published version becomes the new draft (to revise it); an existing draft
        is refused rather than overwritten."""
        ws = workspace if isinstance(workspace, Workspace) else _open_workspace(workspace)
        if read_only:
            version = None  # a read-only look shows the client as its holder has it
        if version is not None:
            if ws.has_draft() and not _draft_is_published(ws):
                raise SessionError(f"{ws.client} has an unpublished draft; resume it, or publish it before "
                                   f"revising version {version}")
            policy, origin = _load(lambda: ws.load_version(version)), f"version {version}"
        elif ws.has_draft():
            policy, origin = _load(ws.load_draft), "draft"
        elif ws.latest() is not None:
            latest = ws.latest()
            policy, origin = _load(lambda: ws.load_version(latest)), f"version {latest}"
        else:
            policy, origin = Policy(), "blank"
        session = cls(ws, policy, today=today, origin=origin, lock=lock, read_only=read_only, holder=holder)
        if origin != "draft" and not read_only:
            session.save_draft()
        return session

    @classmethod
    def new_client(cls, name: str, *, template: str | None = None, root: str | Path | None = None,
                   today: dt.date | None = None, lock: bool = True) -> "Session":
        """A new client from a company-profile starter (or blank), in a fresh workspace."""
        name = (name or "").strip()
        if not name:
            raise SessionError("give the client a name")
        policy = _from_template(template, name)
        ws = _fresh_workspace(name, root)
        origin = f"template {template}" if template else "blank"
        session = cls(ws, policy, today=today, origin=origin, lock=lock)
        session.save_draft()
        return session

    @classmethod
    def from_file(cls, path: str | Path, *, root: str | Path | None = None, today: dt.date | None = None,
                  lock: bool = True, set_aside: bool = False) -> "Session":
        """Open a spec file as a client: a new workspace named after its organization holds the draft. With
        ``set_aside``, values that cannot be read are taken out as open follow-ups saying what the file said
        (:mod:`workbench.spec.salvage`; ``session.set_aside`` lists them) instead of refusing the file."""
        from workbench.spec.io import load

        source, digest = _file_identity(path)
        earlier = _client_from(source, digest, root)
        if earlier is not None:  # opened before and unchanged since: its draft holds the answers given since
            session = cls.open(earlier, today=today, lock=lock)
            session.origin = f"resumed draft, first opened from {Path(path).name}"
            return session
        aside: list = []
        if set_aside:
            from workbench.spec.salvage import load_setting_aside

            policy, aside = _load(lambda: load_setting_aside(path, today))
        else:
            policy = _load(lambda: load(path, check_references=False))
        name = policy.organization.name or Path(path).stem
        ws = _fresh_workspace(name, root)
        session = cls(ws, policy, today=today, origin=f"file {Path(path).name}", lock=lock)
        session.set_aside = aside
        session.save_draft()
        if digest:
            ws.set_meta(source_file=source, source_sha256=digest)
        return session

    @classmethod
    def demo(cls, *, root: str | Path | None = None, today: dt.date | None = None, lock: bool = True) -> "Session":
        """The ready demo client: created from the SaaS starter on first use, resumed afterwards."""
        base = Path(root) if root is not None else default_root()
        path = base / slugify(DEMO_CLIENT)
        if path.is_dir() and (Workspace(path).has_draft() or Workspace(path).latest() is not None):
            return cls.open(Workspace(path), today=today, lock=lock)
        ws = for_client(DEMO_CLIENT, base)
        session = cls(ws, _from_template(DEMO_TEMPLATE, None), today=today, origin=f"template {DEMO_TEMPLATE}",
                      lock=lock)
        session.save_draft()
        return session

    # -- listeners -------------------------------------------------------
    def subscribe(self, listener: Callable[[Change], None]) -> None:
        """Call ``listener(change)`` after every applied edit, undo and redo."""
        self._listeners.append(listener)

    def _changed(self, change: Change) -> None:
        with self._guard:
            self.revision += 1
            self._pending.append(change)
        for listener in self._listeners:
            listener(change)

    # -- editing (every write to the policy goes through the Editor) ------
    @property
    def client(self) -> str:
        return self.workspace.client

    def get(self, path: str | tuple) -> Any:
        return self.editor.get(path)

    def wording(self) -> Callable[[str], str]:
        """How a finding's message reads on screen: the spec's words in plain words ("delete_recovery_point" ->
        "delete backups"), the policy's own ids as written (gathered once, and only if a message needs them)."""
        from workbench.rules.wording import in_plain_words

        keep = _IdsOf(self.policy)
        return lambda message: in_plain_words(message, keep)

    def set(self, path: str | tuple, value: Any) -> Change:
        """Set one answer; raises :class:`EditError` (the policy untouched) when the value is refused. A new id of
        an item that others name (a system in schedules and restore tests, a tier, a copy, a person ...) renames it
        there too, in the same change (one undo step): a rename left them naming an item that no longer exists."""
        self._writable(path)
        renamed = self._renaming(path, value)
        if not renamed:
            return self.editor.set(path, value)
        label, found, old = renamed
        lists = {}  # an entry of a list is renamed by setting the list (the Editor sets fields)
        with self.editor.group(f"Rename {label}"):
            change = self.editor.set(path, value)
            for where in found:
                if isinstance(where[-1], int):
                    lists.setdefault(where[:-1], None)
                else:
                    self.editor.set(where, value)
            for where in lists:
                current = self.editor.get(where)
                self.editor.set(where, [value if x == old else x for x in current])
        return change

    def _renaming(self, path: str | tuple, value: Any) -> Optional[tuple[str, list[tuple], str]]:
        """(what is renamed, the paths naming it, its id) when ``path`` is the id of an item others name by it; else None."""
        from workbench.spec.io import parse_path
        from workbench.spec.refs import ID_SECTIONS, references

        parts = parse_path(path) if isinstance(path, str) else tuple(path)
        if len(parts) != 3 or parts[2] != "id" or parts[0] not in ID_SECTIONS or not isinstance(parts[1], int):
            return None
        items = getattr(self.policy, parts[0])
        if not 0 <= parts[1] < len(items) or not isinstance(value, str) or not value.strip():
            return None
        old = items[parts[1]].id
        if not old or old == value or sum(1 for x in items if x.id == old) > 1 or any(x.id == value for x in items):
            return None  # nothing named, or an id two items share (which one is meant is not known), or taken
        found = references(self.policy, parts[0], old)
        if not found:
            return None
        return f"{parts[0].rstrip('s').replace('_', ' ')} {old} to {value} (and {len(found)} "\
               f"reference{'s' if len(found) != 1 else ''} to it)", found, old

    def answer(self, path: str, value: Any) -> Change:
        """Set an answer given in the interview; an open follow-up on that field is marked answered in the
        same change (one undo step), so the field and the follow-up list stop saying it is still awaited."""
        from workbench.spec.followups import field_answered

        waiting = [i for i, f in enumerate(self.policy.follow_ups) if f.status == "open" and f.field == path]
        if not waiting:
            return self.set(path, value)
        with self.group(f"Answer {path}"):
            change = self.set(path, value)
            for i in waiting:
                if field_answered(self.policy, self.policy.follow_ups[i]):
                    self.set(f"follow_ups[{i}].status", "answered")
        return change

    def add(self, path: str | tuple, item: Any, index: int | None = None) -> Change:
        self._writable(path)
        if index is None or not self._points_into(path):
            return self.editor.add(path, item, index)
        with self.editor.group(f"Insert into {path}"):  # later items move down: their follow-ups move with them
            self._apply_one(("insert", path, item, index))
        return self.editor._undo[-1]

    def remove(self, path: str | tuple) -> Change:
        self._writable(path)
        from workbench.spec.io import parse_path

        parts = parse_path(path) if isinstance(path, str) else tuple(path)
        if not parts or not isinstance(parts[-1], int) or not self._points_into(parts[:-1]):
            return self.editor.remove(path)
        with self.editor.group(f"Delete {path}"):  # later items move up: their follow-ups and notes with them
            self._apply_one(("remove", path))
        return self.editor._undo[-1]

    # -- follow-ups and source notes name items by position: they move with them -------------------------
    def _points_into(self, list_path: str | tuple) -> bool:
        """Whether a follow-up or a source note names an item of ``list_path`` by its position."""
        from workbench.spec.io import format_path

        head = list_path if isinstance(list_path, str) else format_path(list_path)
        prefix = head + "["
        return any((f.field or "").startswith(prefix) for f in self.policy.follow_ups) or \
            any(k.startswith(prefix) for k in self.policy.answer_sources)

    def _apply_one(self, edit: tuple) -> None:
        """Apply one edit inside an open group; after an item is inserted or removed, move the follow-ups and
        source notes that name later items by position (``systems[6].rpo`` -> ``systems[5].rpo``), and drop
        the follow-up of a removed item (it asked about an item that is gone)."""
        from workbench.spec.io import parse_path

        op, path, *rest = edit
        if op == "set":
            self.editor.set(path, rest[0])
            return
        if op == "add":
            self.editor.add(path, rest[0])
            return
        if op == "insert":
            change = self.editor.add(path, rest[0], rest[1])
            shift = 1
        elif op == "remove":
            change = self.editor.remove(path)
            shift = -1
        else:
            raise EditError(str(path), f"unknown edit {op!r} (set, add or remove)")
        parts = tuple(change.path)
        self._repoint(parts[:-1], parts[-1], shift, parse_path)

    def _repoint(self, head: tuple, index: int, shift: int, parse_path) -> None:
        from workbench.spec.io import format_path

        n = len(head)

        def moved(path: str) -> Optional[str]:
            """The path after the move; "" when it named the removed item; None when it does not move."""
            try:
                parts = parse_path(path)
            except Exception:
                return None
            if tuple(parts[:n]) != head or len(parts) <= n or not isinstance(parts[n], int):
                return None
            j = parts[n]
            if shift < 0 and j == index:
                return ""
            if (shift < 0 and j > index) or (shift > 0 and j >= index):
                return format_path((*parts[:n], j + shift, *parts[n + 1:]))
            return None

        for k, fu in enumerate(self.policy.follow_ups):
            to = moved(fu.field) if fu.field else None
            if to == "":
                self.editor.set(f"follow_ups[{k}].field", None)
                if fu.status == "open":
                    self.editor.set(f"follow_ups[{k}].status", "dropped")
            elif to is not None:
                self.editor.set(f"follow_ups[{k}].field", to)
        sources = {}
        changed = False
        for key, note in self.policy.answer_sources.items():
            to = moved(key)
            changed = changed or to is not None
            if to != "":
                sources[to or key] = note
        if changed:
            self.editor.set("answer_sources", sources)

    def group(self, label: str):
        """``with session.group("Set tier of 40 systems"):`` the edits inside are one change (one undo step);
        a refused one rolls them all back (see :meth:`Editor.group`)."""
        self._writable("policy")
        return self.editor.group(label)

    def apply_many(self, label: str, edits: list) -> Optional[Change]:
        """Edits ``("set", path, value)``, ``("add", path, item)``, ``("remove", path)`` as one change."""
        self._writable("policy")
        from workbench.spec.io import parse_path

        lists = {tuple(parse_path(e[1]))[:-1] for e in edits if e[0] == "remove" and isinstance(e[1], str)}
        if not any(self._points_into(head) for head in lists if head):
            return self.editor.apply_many(label, edits)
        before = len(self.editor._undo)
        with self.editor.group(label):
            for edit in edits:
                self._apply_one(edit)
        return self.editor._undo[-1] if len(self.editor._undo) > before else None

    def read_table_csv(self, list_path: str, csv_path: str | Path):
        """Read a CSV file of items for ``list_path`` (systems, targets ...), checked against the policy and
        the model; nothing is added here. Returns a :class:`~workbench.spec.csv_import.CsvRows`; raises
        :class:`~workbench.spec.io.SpecError` listing every bad row by line and column."""
        from workbench.spec.csv_import import read_items

        return read_items(self.policy, list_path, Path(csv_path).expanduser())

    def undo(self) -> Optional[Change]:
        return None if self.read_only else self.editor.undo()

    def redo(self) -> Optional[Change]:
        return None if self.read_only else self.editor.redo()

    @property
    def can_undo(self) -> bool:
        return self.editor.can_undo

    @property
    def can_redo(self) -> bool:
        return self.editor.can_redo

    def add_follow_up(self, question: str, *, field: str | None = None, owner: str | None = None,
                      due: dt.date | str | None = None, note: str | None = None) -> Change:
        """"Don't know yet": record an open question with who answers it and by when."""
        from .followups import _next_id as next_follow_up_id  # the one numbering of follow-ups

        item = {"id": next_follow_up_id(self.policy), "question": question.strip(),
                "field": field, "owner": owner, "due": due, "status": "open"}
        if note and note.strip():
            item["note"] = note.strip()
        return self.add("follow_ups", item)

    def open_follow_ups(self) -> list:
        return [f for f in self.policy.follow_ups if f.status == "open"]

    def follow_up_for(self, path: str) -> Optional[Any]:
        return next((f for f in self.policy.follow_ups if f.status == "open" and f.field == path), None)

    def accept_finding(self, finding: Any, *, justification: str, approved_by: str,
                       expires_on: dt.date | str | None, approved_on: dt.date | None = None) -> Change:
        """Accept a finding as a documented exception (scoped to what it is about)."""
        if not (justification or "").strip():
            raise EditError("exceptions", "say why the risk is accepted")
        if not (approved_by or "").strip():
            raise EditError("exceptions", "name who accepts the risk")
        item = {"id": self._next_id("EXC-", (e.id for e in self.policy.exceptions)), "rule": finding.rule,
                "scope": finding.subject or "*", "justification": justification.strip(),
                "approved_by": approved_by.strip(), "approved_on": approved_on or self.as_of,
                "expires_on": expires_on}
        return self.add("exceptions", item)

    def set_source(self, path: str, note: str | None) -> Optional[Change]:
        """Keep a short note of where an answer came from ("per the office manager, 3 Dec")."""
        sources = dict(self.policy.answer_sources)
        if note and note.strip():
            sources[path] = note.strip()
        elif path in sources:
            del sources[path]
        else:
            return None
        return self.set("answer_sources", sources)

    def source_of(self, path: str) -> str:
        return self.policy.answer_sources.get(path, "")

    @staticmethod
    def _next_id(prefix: str, existing: Iterable[Optional[str]]) -> str:
        numbers = [int(i[len(prefix):]) for i in existing if i and i.startswith(prefix) and i[len(prefix):].isdigit()]
        return f"{prefix}{max(numbers, default=0) + 1}"

    # -- evaluation ------------------------------------------------------
    @property
    def as_of(self) -> dt.date:
        return self.today or self.policy.as_of or dt.date.today()

    def evaluate(self) -> Optional[Evaluation]:
        """Run the gap engine on the current policy. Safe to call from a worker thread.

        Returns None when an edit landed while it ran (the result would be stale: ask again); otherwise
        the evaluation, which also becomes :attr:`last`."""
        with self._evaluating:
            with self._guard:
                start_rev, changes, self._pending = self.revision, self._pending, []
            started = time.perf_counter()
            try:
                report = self._report(changes)
            except Exception:
                self._evaluator = None  # start afresh next time
                if self.revision != start_rev or self.editor.busy:
                    return None  # read the policy halfway through an edit: try again
                raise
            seconds = time.perf_counter() - started
            return self._accept(start_rev, report, seconds)

    def _report(self, changes: list[Change]) -> Any:
        """Findings now: in full the first time, then re-running only the rules the edits can change.

        An edit that lands while this runs is queued for the next call, which re-runs the rules that read
        what it changed; the result of this call is then dropped as stale."""
        from workbench.rules.incremental import Evaluator

        if self._evaluator is None:
            self._evaluator = Evaluator(self.policy, self.today)
        else:
            for change in changes:
                self._evaluator.apply(change)
        return self._evaluator.report()

    def _accept(self, start_rev: int, report: Any, seconds: float) -> Optional[Evaluation]:
        with self._guard:
            if self.revision != start_rev or (self.last is not None and self.last.revision > start_rev):
                return None
            if self.editor.busy:  # read while a bulk edit was half applied: its one change follows, ask again
                return None
            previous = self.last
            found = report.open
            keys = frozenset(map(finding_key, found))
            covered = frozenset((f.rule, f.kind, s) for f in found for s in (f.subjects or (f.subject or "",)))
            new: frozenset = frozenset()
            if previous is not None and keys != previous.keys:
                was = previous.covered
                new = frozenset(k for f, k in zip(found, map(finding_key, found))
                                if k not in previous.keys
                                and not all((f.rule, f.kind, s) in was for s in (f.subjects or (f.subject or "",))))
            self.last = Evaluation(start_rev, report, new, seconds, keys, covered)
            return self.last

    @property
    def stale(self) -> bool:
        """Whether the latest evaluation is older than the policy."""
        return self.last is None or self.last.revision != self.revision

    # -- autosave --------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.saved_revision != self.revision

    def save_draft(self) -> bool:
        """Write the draft atomically through the store. Safe from a worker thread.

        Returns False (nothing written) when an edit landed while the policy was being serialized."""
        from workbench.store.workspace import draft_text

        if self.read_only:
            return True  # nothing of this client is written here: its holder saves it
        with self._save_guard:
            rev = self.revision
            try:
                text = draft_text(self.policy)
            except Exception:
                if self.revision != rev:
                    return False
                raise
            if self.revision != rev:
                return False
            self.workspace.write_draft_text(text)
            self.saved_revision = max(self.saved_revision, rev)
            return True

    def export_draft(self) -> list[Path]:
        """Write the draft's written policy and readiness report, marked as a draft, into the client's exports
        folder (Markdown, HTML, Word); the paths written. Safe from a worker thread: when an edit lands while it
        renders, it renders again, so the files are of one state of the policy."""
        from .release import export_draft

        while True:
            rev = self.revision
            last = self.last
            report = last.report if last is not None and last.revision == rev else None
            try:
                written = export_draft(self.workspace, self.policy, self.as_of, report)
            except Exception:
                if self.revision != rev:
                    continue
                raise
            if self.revision == rev:
                return written

    def close(self, *, save: bool = True) -> None:
        """Save what is unsaved and release the lock."""
        try:
            if save and self.dirty:
                while not self.save_draft():
                    pass
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None


# -- helpers -----------------------------------------------------------------
def _load(loader: Callable[[], Policy]) -> Policy:
    from workbench.spec.io import SpecError

    try:
        return loader()
    except SpecError as exc:
        raise SessionError(str(exc)) from None
    except WorkspaceError as exc:
        raise SessionError(str(exc)) from None


def _draft_is_published(ws: Workspace) -> bool:
    """Whether the draft holds nothing unpublished (it is the latest version as published, which is what a
    publish leaves behind), so revising a version replaces nothing the person wrote."""
    latest = ws.latest()
    if latest is None:
        return False
    try:
        return ws.load_draft() == ws.load_version(latest)
    except Exception:
        return False


def _open_workspace(target: str | Path) -> Workspace:
    from workbench.store.workspace import resolve

    try:
        return resolve(str(target))
    except WorkspaceError as exc:
        raise SessionError(str(exc)) from None


def _from_template(template: str | None, name: str | None) -> Policy:
    if not template:
        return Policy(organization={"name": name} if name else {})
    from workbench.templates import UnknownTemplate, list_templates, new_policy_from_template

    if template in {t[0] for t in list_templates()}:  # a full example client (the demo), copied
        try:
            return new_policy_from_template(template, name)
        except UnknownTemplate as exc:
            raise SessionError(str(exc)) from None
    from workbench.starters import UnknownProfile, build_starter, parse_profile

    try:  # a company profile (healthcare-msp): the clean starter, no example company's people or names
        return build_starter(*parse_profile(template), organization_name=name)
    except UnknownProfile as exc:
        raise SessionError(str(exc)) from None


def _file_identity(path: str | Path) -> tuple[str, str]:
    """The file's absolute path and the sha256 of its bytes ("" when it cannot be read: opening it says why)."""
    import hashlib

    p = Path(path).expanduser()
    try:
        return str(p.resolve()), hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
    except OSError:
        return str(p), ""


def _client_from(source: str, digest: str, root: str | Path | None) -> Optional[Workspace]:
    """The client whose draft was first opened from this same file, unchanged since; None if there is none."""
    if not digest:
        return None
    base = Path(root) if root is not None else default_root()
    try:
        folders = sorted(p for p in base.iterdir() if p.is_dir())
    except OSError:
        return None
    for folder in folders:
        ws = Workspace(folder)
        meta = ws.meta()
        if meta.get("source_file") == source and meta.get("source_sha256") == digest and ws.has_draft():
            return ws
    return None


def _fresh_workspace(name: str, root: str | Path | None) -> Workspace:
    """A new workspace for ``name``; a client of that name already there gets ``name (2)``, never overwritten."""
    base = Path(root) if root is not None else default_root()
    try:
        slug = slugify(name)
    except WorkspaceError as exc:
        raise SessionError(str(exc)) from None
    label, n = name, 1
    while (base / slug).exists():
        n += 1
        label, slug = f"{name} ({n})", f"{slugify(name)}-{n}"
    return Workspace.create(base / slug, label)


class _IdsOf:
    """The ids of a policy's items, gathered at the first question."""

    def __init__(self, policy: Policy) -> None:
        self._policy, self._ids = policy, None

    def __contains__(self, word: object) -> bool:
        if self._ids is None:
            from workbench.spec.refs import ids_in

            self._ids = ids_in(self._policy)
        return word in self._ids
