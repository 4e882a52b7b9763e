"""A step's form, built from the interview data: policy-wide questions, then item tables and item forms.

A question whose path is a list of items (``tiers``, ``systems``) becomes an
:class:`~widgets.item_table.ItemTable`; its per-item questions
(``tiers[*].rpo``) form the selected item's form below the table. Every
other question is one :class:`~widgets.question_field.QuestionField`. The
form reads values from the session and never writes them: edits travel up
as ``QuestionField.AnswerChanged`` to the screen.
"""

from __future__ import annotations

import typing
from time import monotonic
from typing import Any, Iterable, Optional

from pydantic import BaseModel
from textual import events, on
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from widgets.item_table import ItemTable, cell
from widgets.question_field import QuestionField, field_id

from .. import questions as Q
from ..session import EditError, Session

SEVERITY_CLASSES = ("-flagged", "-blocker")
#: Seconds the table cursor rests on a row before the item's questions are shown below it.
FORM_AFTER = 0.15
#: Most ids offered as a list to pick from; more are typed instead.
MAX_CHOICES = 40


def head_of(path: str) -> str:
    """``systems[*].saas.provider`` -> ``systems``; '' for a policy-wide path."""
    return path.partition("[*]")[0] if "[*]" in path else ""


def slug(text: str) -> str:
    return field_id(text)[2:] or "x"


def is_item_list(question: Any) -> bool:
    """A question whose answer is a list of items with their own questions (tiers, systems ...)."""
    if "[*]" in question.path or question.kind != "list":
        return False
    try:
        annotation, is_list = Q.field_type(question.path)
    except ValueError:
        return False
    return is_list and isinstance(annotation, type) and issubclass(annotation, BaseModel)


def item_questions(step: Any, head: str) -> list:
    """Per-item questions of ``head`` in a step (one level of items; nested lists are asked as text)."""
    prefix = head + "[*]"
    return [q for q in step.questions if q.path.startswith(prefix) and "[*]" not in q.path[len(prefix):]]


def item_columns(questions: list) -> list[tuple[str, Any]]:
    """Up to four short columns for an item table: the id, then the first short answers."""
    short = [q for q in questions if q.kind not in ("long_text", "list", "multi_choice") and not q.optional]
    ids = [q for q in short if q.path.endswith("].id")]
    order = {"choice": 0, "reference": 0, "bool": 1, "duration": 1, "number": 2, "date": 2}
    rest = sorted((q for q in short if q not in ids), key=lambda q: order.get(q.kind, 3))[: 4 - len(ids)]
    rest.sort(key=questions.index)
    return [(q.path.rsplit(".", 1)[-1], q) for q in ids + rest]


def dig(item: Any, rel: str) -> Any:
    """``rel`` (``saas.provider``) read from an item model; None where a section is unanswered."""
    value = item
    for name in rel.split("."):
        if value is None:
            return None
        value = getattr(value, name, None)
    return value


def item_row(item: Any, columns: list[tuple[str, Any]], questions: list) -> list[Any]:
    cells = [_short(dig(item, q.path.partition("[*].")[2])) for _, q in columns]
    required = [q for q in questions if not q.optional]
    answered = sum(1 for q in required if _answered(dig(item, q.path.partition("[*].")[2])))
    return cells + [f"{answered}/{len(required)}"]


def _short(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (str, list, dict)):
        return bool(value)
    return True


def required_fields(session: Session, list_path: str,
                    interview: Any = None) -> list[tuple[str, str, list[str], str]]:
    """The fields a new item of ``list_path`` cannot exist without: (name, description, choices, example).

    A field naming another item (a restore test's system) offers the ids there are, as its question does."""
    try:
        model, _ = Q.field_type(list_path)
    except ValueError:
        return []
    out = []
    for name, info in getattr(model, "model_fields", {}).items():
        if info.is_required():
            choices = list(typing.get_args(info.annotation)) if typing.get_origin(info.annotation) is typing.Literal else []
            question = interview.by_path(f"{list_path}[*].{name}") if interview is not None else None
            if not choices and question is not None and question.kind == "reference":
                choices = [value for _, value in choices_for(question, session)]
            described = question.text if question is not None else info.description or name
            example = str(question.help.example or "") if question is not None else ""
            out.append((name, described, [str(c) for c in choices], example))
    return out


def choices_for(question: Any, session: Session) -> list[tuple[str, Any]]:
    if question.kind in ("choice", "multi_choice"):
        return [(c.label, c.value) for c in question.choices]
    if question.kind == "reference":
        ids = Q.reference_choices(question, session.policy)
        # beyond a screenful of ids (5,000 systems) a list to tick is no help: the ids are typed, comma-separated
        return [(i, i) for i in ids] if len(ids) <= MAX_CHOICES else []
    return []


#: Kinds of answer a bulk edit can set on many items at once (one value for all).
BULK_KINDS = ("choice", "reference", "bool", "duration", "number", "date", "text", "multi_choice", "list")
#: Most bad CSV rows listed in the import dialog (the rest are counted).
MAX_LISTED = 40


def bulk_fields(questions: list, session: Session) -> list[tuple[str, str, list[tuple[str, Any]]]]:
    """The per-item answers a bulk edit offers: (path inside the item, label, choices when it has them)."""
    out = []
    for q in questions:
        rel = q.path.partition("[*].")[2]
        if not rel or q.kind not in BULK_KINDS or rel == "id":
            continue
        if q.kind == "bool":
            choices: list = [("yes", True), ("no", False)]
        elif q.kind in ("choice", "reference") and not getattr(q, "many", False):
            choices = choices_for(q, session)
        else:
            choices = []
        if choices:
            choices = [*choices, ("(not answered)", "unknown")]
        text = " ".join(q.text.split())
        out.append((rel, f"{rel}: {text}" if len(text) < 60 else f"{rel}: {text[:57]}...", choices))
    return out


def bulk_value(question: Any, value: Any) -> Any:
    """A bulk edit's value as the editor takes it (a list answer typed as ``a, b``)."""
    if question is not None and (question.kind in ("multi_choice", "list") or getattr(question, "many", False)) \
            and isinstance(value, str):
        if value.strip().lower() in ("", "unknown"):
            return value
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return value


def new_id(base: str, taken: set) -> str:
    """``db-01`` -> ``db-01-copy`` (``-copy-2`` ... when taken)."""
    candidate, n = f"{base}-copy", 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-copy-{n}"
    return candidate


def describe_problems(problems: list) -> str:
    """Bad CSV rows for a person: "line 4, column 3 'Tier' (tier): ..."; at most MAX_LISTED, the rest counted."""
    from workbench.spec.io import format_path

    lines = []
    for p in problems[:MAX_LISTED]:
        where = f"line {p.line}" if p.line else "the file"
        if p.column:
            where += f", column {p.column}"
        field = format_path(p.path)
        lines.append(f"{where}{f' ({field})' if field else ''}: {p.message}")
    rows = {p.line for p in problems if p.line}
    head = (f"Nothing was imported: {len(rows)} row{'s' if len(rows) != 1 else ''} to fix"
            if rows else "Nothing was imported")
    more = f"\n... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return head + ":\n" + "\n".join(lines) + more


def item_name(item: Any, index: int) -> str:
    """What an item of a list is called on screen: its id, else its name, else its event (an alert) or kind (an
    evidence source), else its place in the list."""
    return str(getattr(item, "id", None) or getattr(item, "name", None) or getattr(item, "event", None)
               or getattr(item, "kind", None) or f"#{index + 1}")


def _parts(list_path: str) -> tuple:
    """``monitoring.alerts`` -> ``("monitoring", "alerts")``: a list's path as the editor takes it."""
    from workbench.spec.io import parse_path

    return parse_path(list_path)


class TableActions:
    """What the item tables ask of a step's form: duplicate, delete, bulk edit and import (mixed into StepForm).

    Every change goes through the session as one undoable change; the table is refreshed row by row (a bulk
    edit) or reloaded keeping its filter and sort (rows added or removed), never rebuilt from scratch."""

    session: Session

    def local_path(self, path) -> tuple:
        """An edit's path with the name of a list inside a section joined up, as the tables here name it:
        ``("monitoring", "alerts", 0, "channel")`` -> ``("monitoring.alerts", 0, "channel")``."""
        path = tuple(path)
        for head in self.heads:
            if "." in head:
                parts = _parts(head)
                if path[: len(parts)] == parts:
                    return (head, *path[len(parts):])
        return path

    def _table(self, head: str) -> ItemTable:
        return self.query_one(f"#items-{slug(head)}", ItemTable)

    def refresh_rows(self, head: str, indices) -> None:
        """New cells for the items ``indices`` of ``head`` (after a bulk edit, its undo or redo)."""
        if head not in self.heads:
            return
        items = self._items(head)
        questions = self.heads[head]
        columns = item_columns(questions)
        self._table(head).update_rows({i: item_row(items[i], columns, questions) for i in indices if i < len(items)})

    async def reload_items(self, head: str, select: Optional[int] = None) -> None:
        """Items were added or removed: all rows anew (the filter and sort kept), ``select`` highlighted."""
        table = self._table(head)
        items = self._items(head)
        questions = self.heads[head]
        columns = item_columns(questions)
        table.clear_selection()
        table.load([item_row(item, columns, questions) for item in items])
        if select is not None and items:
            select = min(select, len(items) - 1)
            self.selected[head] = select
            table.select(select)
        elif not items:
            self.selected.pop(head, None)
        if not items or not self._retarget_item_form(head):  # the fields there show the other item
            await self._build_item_form(head)
        table.view.focus()

    def refresh_set_rows(self, head: str, leaves: list, undone: bool = False) -> None:
        """Rows after ``set`` edits of one field each (a bulk edit, its undo or redo), from the edits themselves:
        the field's cell and the answered count change, nothing else is read again (5,000 rows in a few ms).
        An edit this cannot follow (a section created on the way) re-reads that item's row."""
        if head not in self.heads:
            return
        questions = self.heads[head]
        columns = item_columns(questions)
        column_of = {q.path.partition("[*].")[2]: k for k, (_, q) in enumerate(columns)}
        required = {q.path.partition("[*].")[2] for q in questions if not q.optional}
        table = self._table(head)
        current = table.rows
        rows: dict[int, list] = {}
        again: set[int] = set()
        shown: dict[Any, str] = {}  # a bulk edit sets one value many times: its cell text is made once
        for leaf in leaves:
            path = self.local_path(leaf.path)
            if leaf.op != "set" or len(path) < 3 or path[0] != head or not isinstance(path[1], int) \
                    or not all(isinstance(p, str) for p in path[2:]):
                if len(path) > 1 and isinstance(path[1], int):
                    again.add(path[1])
                continue
            index, rel = path[1], ".".join(path[2:])
            if index >= len(current) or (rel not in column_of and rel not in required):
                continue
            now, was = (leaf.before, leaf.after) if undone else (leaf.after, leaf.before)
            if isinstance(now, BaseModel) or isinstance(was, BaseModel):
                again.add(index)
                continue
            row = rows.get(index)
            if row is None:
                row = rows[index] = list(current[index])
            if rel in column_of:
                try:
                    text = shown.get(now)
                    if text is None:
                        text = shown[now] = cell(_short(now))
                except TypeError:  # a list answer (unhashable)
                    text = cell(_short(now))
                row[column_of[rel]] = text
            if rel in required:
                done, _, total = row[-1].partition("/")
                if done.isdigit():
                    row[-1] = f"{int(done) + _answered(now) - _answered(was)}/{total}"
                else:
                    again.add(index)
        for index in again:
            rows.pop(index, None)
        if rows:
            table.update_rows(rows, clean=True)
        if again:
            self.refresh_rows(head, again)

    async def after_group(self, change: Any, undone: bool = False) -> None:
        """A grouped change was applied, undone or redone: refresh what it touched."""
        sets: dict[str, list] = {}
        reshaped: set[str] = set()
        for leaf in change.leaves():
            path = self.local_path(leaf.path)
            if not path or path[0] not in self.heads:
                continue
            if len(path) == 2 and leaf.op in ("add", "remove"):
                reshaped.add(path[0])
            elif len(path) > 1 and isinstance(path[1], int):
                sets.setdefault(path[0], []).append(leaf)
        for head in reshaped:
            await self.reload_items(head, self.selected.get(head, 0))
        for head, leaves in sets.items():
            if head not in reshaped:
                self.refresh_set_rows(head, leaves, undone)
        self.refresh_shown_item(change)

    def refresh_shown_item(self, change: Any) -> None:
        """Show the new answers of the item form's fields that ``change`` touched (all of them when it touched
        something other than one field of an item)."""
        from workbench.spec.io import format_path

        shown = {(head, index) for head, index in self._form_for.items() if head in self.heads}
        paths = set()
        for leaf in change.leaves():
            path = self.local_path(leaf.path)
            if len(path) < 2 or not isinstance(path[1], int):
                self.refresh_values()
                return
            if (path[0], path[1]) in shown:
                if leaf.op != "set" or len(path) < 3:
                    self.refresh_values()
                    return
                paths.add(format_path(path))
        if not paths:
            return
        for head in [h for h in self._form_for if h in self.heads]:
            box = self.query_one(f"#item-form-{slug(head)}", Vertical)
            for field in box.query(QuestionField):
                if field.path in paths or any(p.startswith(field.path + ".") or field.path.startswith(p + ".")
                                              for p in paths):
                    try:
                        field.set_value(self.session.get(field.path))
                    except EditError:
                        pass
        self._apply_conditions()

    async def on_item_table_duplicate_requested(self, event: ItemTable.DuplicateRequested) -> None:
        event.stop()
        head = event.table.list_path
        items = self._items(head)
        original = items[event.index]
        copy = original.model_copy(deep=True)
        name = getattr(original, "id", None)
        if name:
            copy.id = new_id(name, {getattr(i, "id", None) for i in items})
        try:
            change = self.session.add(head, copy)
        except EditError as exc:
            self.app.notify(str(exc), title="Not duplicated", severity="error", markup=False)
            return
        await self.reload_items(head, change.path[-1])
        what = f"{name} as {copy.id}" if name else f"item {event.index + 1}"
        self.app.notify(f"Duplicated {what} (ctrl+z undoes it).", markup=False)

    async def on_item_table_delete_requested(self, event: ItemTable.DeleteRequested) -> None:
        event.stop()
        head, indices = event.table.list_path, sorted(set(event.indices))
        items = self._items(head)
        names = [getattr(items[i], "id", None) or f"item {i + 1}" for i in indices if i < len(items)]
        if not names:
            return
        from ..followups import kind_in_words

        one = kind_in_words(head)
        kind = one[:-1] + "ies" if one.endswith("y") else one + "s"  # copy -> copies, system -> systems
        label = names[0] if len(names) == 1 else f"{len(names)} {kind}"
        table = event.table
        ticked = bool(table.view.shown_selection())
        title = f"Delete {label}?"
        note = ""
        if ticked:  # the ticked rows, which may not be the highlighted one: say so, by name
            title = f"Delete the {len(names)} selected {one if len(names) == 1 else kind}?"
            current = table.current
            if current is not None and current not in indices and current < len(items):
                stays = getattr(items[current], "id", None) or f"item {current + 1}"
                note = f"\nThe highlighted row, {stays}, is not selected and stays (space unticks a row)."

        async def confirmed(answer: Optional[dict]) -> None:
            if answer is None:
                return
            try:
                # from the last to the first, so each index still names the item it named when chosen
                self.session.apply_many(f"Delete {label}", [("remove", (*_parts(head), i)) for i in reversed(indices)])
            except EditError as exc:
                self.app.notify(str(exc), title="Not deleted", severity="error", markup=False)
                return
            await self.reload_items(head, indices[0])
            self.app.notify(f"Deleted {label} (ctrl+z brings {'it' if len(names) == 1 else 'them'} back).",
                            markup=False)

        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        from .dialogs import ConfirmDialog  # imported when first opened

        self.app.push_screen(ConfirmDialog(title, f"{shown}{note}\nUndo (ctrl+z) brings back what is deleted.",
                                           "Delete"), confirmed)

    def on_item_table_bulk_edit_requested(self, event: ItemTable.BulkEditRequested) -> None:
        event.stop()
        head, indices = event.table.list_path, list(event.indices)
        questions = self.heads.get(head, [])
        fields = bulk_fields(questions, self.session)
        if not fields:
            self.app.notify("This table has no answer a bulk edit can set.")
            return
        by_rel = {q.path.partition("[*].")[2]: q for q in questions}
        what = head.rsplit(".", 1)[-1].replace("_", " ")

        def attempt(rel: str, value: Any) -> Optional[str]:
            parts = tuple(rel.split("."))
            value = bulk_value(by_rel.get(rel), value)
            label = f"Set {rel} of {len(indices)} {what}"
            try:
                change = self.session.apply_many(label, [("set", (*_parts(head), i, *parts), value) for i in indices])
            except EditError as exc:
                return str(exc)
            if change is not None:
                self.refresh_set_rows(head, list(change.leaves()))
                self.refresh_shown_item(change)
            self.app.notify(f"{label} (ctrl+z undoes it).", markup=False)
            return None

        from .table_dialogs import BulkEditDialog  # imported when first opened

        self.app.push_screen(BulkEditDialog(what, len(indices), fields, attempt))

    def on_item_table_import_requested(self, event: ItemTable.ImportRequested) -> None:
        event.stop()
        head = event.table.list_path
        what = head.rsplit(".", 1)[-1].replace("_", " ")
        columns = ", ".join(c for c, _ in item_columns(self.heads.get(head, []))) + " ..."  # the CSV's headers

        def attempt(path: str) -> Optional[str]:
            from workbench.spec.io import SpecError

            try:
                rows = self.session.read_table_csv(head, path)
            except SpecError as exc:
                return describe_problems(exc.problems)
            if not rows.items:
                return "The file has a header but no rows: nothing to import."
            first = len(self._items(head))
            label = f"Import {len(rows.items)} {what} from {path.rsplit('/', 1)[-1]}"
            try:
                self.session.apply_many(label, [("add", head, item) for item in rows.items])
            except EditError as exc:
                return f"Nothing was imported: {exc}"
            self.call_later(self.reload_items, head, first)
            self.app.notify(f"{label} (ctrl+z undoes it). {rows.summary()}.", markup=False, timeout=6)
            return None

        from .table_dialogs import ImportCsvDialog  # imported when first opened

        self.app.push_screen(ImportCsvDialog(what, columns, attempt))


#: Most keys kept while a jump is on its way (a paste or a stuck key beyond this is not replayed).
MAX_HELD_KEYS = 400


class StepPage(Vertical):
    """One step's widgets and what the form keeps about them (the item shown per table ...).

    A page is built the first time its step is shown and kept, hidden, while other steps are shown: coming
    back to a step shows it again with the answers, rows and choices of now, without building its hundreds of
    widgets anew (a consultant following ctrl+n moves between steps every few answers)."""

    DEFAULT_CSS = "StepPage { height: auto; }"

    def __init__(self, step_id: str) -> None:
        super().__init__(id=f"page-{slug(step_id)}", classes="step-page")
        self.step_id = step_id
        self.heads: dict[str, list] = {}      # list path -> its per-item questions in this step
        self.selected: dict[str, int] = {}    # list path -> item index shown
        self.form_for: dict[str, Optional[int]] = {}  # list path -> item whose questions are shown
        self.revision = -1                    # the session revision the page shows


class StepForm(TableActions, VerticalScroll):
    """The questions of one step."""

    DEFAULT_CSS = """
    StepForm { height: 1fr; }
    StepForm .item-form { height: auto; margin: 1 0 0 2; border-left: solid $primary; }
    StepForm .item-title { text-style: bold; padding: 0 1; }
    StepForm .item-empty { color: $text-muted; padding: 0 1; }
    StepForm .defaults { margin: 0 1 1 1; }
    """

    def __init__(self, session: Session, interview: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.interview = interview
        self.step: Any = None
        self.flags: dict[str, str] = {}
        self.page: Optional[StepPage] = None   # the step shown
        self._pages: dict[str, StepPage] = {}  # step id -> its page, built once
        self._request: Optional[tuple] = None  # the newest show() not yet carried out
        self._form_timer = None
        self._held: Optional[list[tuple[str, Optional[str]]]] = None  # keys typed while a field is on its way
        self._hold_from: Optional[float] = None  # when the last jump began and ended (monotonic)
        self._hold_to: Optional[float] = None
        self._target: Optional[QuestionField] = None  # the field the last jump went to (marked -target)

    # -- keys typed while the field they are meant for is being shown ----------
    def _hold_keys(self) -> None:
        """Until the field a jump goes to has the focus, the form has it and keeps what is typed.

        A person who presses the next-question key (or picks a finding) and types at once is typing into the
        field on its way. Without this the keys went to whatever had the focus meanwhile; unhandled, Textual
        looked their bindings up again once the new field had the focus, so ``Home ctrl+k 2w Enter`` cleared
        the field (the bindings) and lost ``2w`` (not bindings), and Enter saved it empty."""
        if self._held is None:
            self._held = []
            self._hold_from, self._hold_to = monotonic(), None
        if not self.has_focus:
            self.focus(scroll_visible=False)

    def watch_has_focus(self, _has_focus: bool) -> None:
        """Restyle the form alone when it takes or gives up the focus (to hold keys during a jump).

        Textual restyles a widget and everything in it when its focus changes; for the form that is every
        field of every step page it keeps, twice per jump (100-250 ms each on the demo client, seconds in a
        20-system interview). No rule styles what is inside the form by the form's focus, so its own look is
        all that can change."""
        self.app.stylesheet.update_nodes([self], animate=True)

    def _release_keys(self) -> None:
        """Type the kept keys into what has the focus now (the field the jump went to), in order. Keys typed
        before now that the form has still to see (its queue was busy building) follow as they come."""
        if self._held is None:  # nothing held (this jump did not ask for a field)
            return
        held, self._held = self._held, None
        self._hold_to = monotonic()
        for key, character in held or ():
            self.app.post_message(events.Key(key, character))

    def on_key(self, event: events.Key) -> None:
        # typed while the jump was on its way (its time says so; a key bubbling up from a field was typed later,
        # and a kept key typed again is a new event): kept, or typed into the field now that it has the focus
        if self._hold_from is None or event.time < self._hold_from or (
                self._hold_to is not None and event.time > self._hold_to):
            return
        event.stop()
        event.prevent_default()
        if self._held is not None:
            if len(self._held) < MAX_HELD_KEYS:
                self._held.append((event.key, event.character))
        else:
            self.app.post_message(events.Key(event.key, event.character))

    # The state of the page shown (empty before the first step is shown).
    @property
    def heads(self) -> dict[str, list]:
        return self.page.heads if self.page is not None else {}

    @property
    def selected(self) -> dict[str, int]:
        return self.page.selected if self.page is not None else {}

    @property
    def _form_for(self) -> dict[str, Optional[int]]:
        return self.page.form_for if self.page is not None else {}

    def _fields(self):
        """The question fields of the step shown."""
        return self.page.query(QuestionField) if self.page is not None else []

    # -- building ------------------------------------------------------------
    def show(self, step: Any, flags: dict[str, str], path: Optional[str] = None, *, rebuild: bool = False,
             focus: bool = False) -> None:
        """Show ``step`` (its page as built before, brought up to date; built anew with ``rebuild``);
        with ``path``, select its item and focus its field.

        Requests are carried out in order, one at a time: a second ctrl+n pressed while a step is still being
        built waits for it, and only the newest request is carried out."""
        self.step, self.flags = step, flags
        if self._request is not None and self._request[1]:  # a rebuild asked for and not yet done
            if self._request[0].id == step.id:
                rebuild = True
            elif self._request[0].id in self._pages:
                self._pages[self._request[0].id].revision = -1  # brought up to date when shown
        self._request = (step, rebuild, path, focus)
        if path or focus:
            self._hold_keys()
        self.call_later(self._carry_out)

    async def build_now(self) -> None:
        """Carry out the request in hand now: the interview screen builds its first step before its first frame
        is drawn (a frame without the questions, then another with them, cost more and show less)."""
        await self._carry_out()

    async def _carry_out(self) -> None:
        if self._request is None:
            return
        step, rebuild, path, focus = self._request
        self._request = None
        page = self._pages.get(step.id)
        if page is not None and not rebuild:
            left = self.page
            if page is not self.page:
                await self._switch_to(page, path)
            focused = self.screen.focused
            if path:
                await self._go_to(path)
            elif focus or (left is not None and left is not page and focused is not None
                           and left in focused.ancestors):
                self.focus_first()  # the cursor was in the step now hidden: to the first question of this one
            self.app.call_later(self._release_keys)  # after the focus has moved (Widget.focus is deferred)
            return
        await self._rebuild(step, path, focus)

    async def _switch_to(self, page: StepPage, path: Optional[str]) -> None:
        """Show a page built before, with what the policy holds now (and the item ``path`` names selected)."""
        old = self.page
        if old is not None:
            old.revision = self.session.revision  # it showed every change made while it was in view
            old.display = False
        self.page = page
        if path:
            self._select_from_path(path)
        page.display = True
        self.scroll_to(y=0, animate=False)
        if page.revision != self.session.revision:
            await self._refresh_page()
        self.flag(self.flags)

    async def _refresh_page(self) -> None:
        """Bring the page shown up to date after changes made while it was hidden: rows, the item shown,
        answers, follow-up and source lines, choices that list other items, conditions."""
        page = self.page
        for head in list(page.heads):
            items = self._items(head)
            questions = page.heads[head]
            columns = item_columns(questions)
            table = self._table(head)
            rows = [item_row(item, columns, questions) for item in items]
            if [tuple(cell(c) for c in row) for row in rows] != table.rows:
                table.load(rows)
            for button in page.query(f"#defaults-{slug(head)}"):
                if items:
                    await button.remove()
            index = page.selected.get(head)
            if index is not None and index >= len(items):
                index = len(items) - 1 if items else None
            if index is None and items:
                index = 0
            if index is None:
                page.selected.pop(head, None)
            else:
                page.selected[head] = index
                if table.current != index:
                    table.select(index)
            if index is None or not self._retarget_item_form(head):  # the fields there show the item now
                await self._build_item_form(head)
        for field in page.query(QuestionField):
            try:
                value = self.session.get(field.path)
            except EditError:
                value = None
            if value != field._value:
                field.set_value(value)
            meta = self.meta_for(field.path)
            if meta != field._meta:
                field.set_meta(meta)
        await self._refresh_choices()
        self._apply_conditions()
        page.revision = self.session.revision

    async def _refresh_choices(self) -> None:
        """Fields whose choices are other items (a system's tier, a role's members) offer the items there are
        now: a field whose list changed is built again in its place."""
        stale = [f for f in self._fields()
                 if f.question.kind == "reference" and choices_for(f.question, self.session) != f._choices]
        for field in stale:
            parent = field.parent
            had_focus = self.screen.focused is not None and field in self.screen.focused.ancestors_with_self
            index = parent.children.index(field)
            fresh = self._field(field.question, field.path)
            fresh.display = field.display
            fresh.set_class(field.has_class("-target"), "-target")
            if field is self._target:
                self._target = fresh
            await field.remove()
            await parent.mount(fresh, before=index) if index < len(parent.children) else await parent.mount(fresh)
            if had_focus:
                fresh.focus_input()

    async def item_added(self, head: str, index: int) -> None:
        """An item was added through the table of ``head``: its row (the filter and sort kept), the new item's
        questions below it (the fields there reused), the table keeps the cursor; the rest of the step stays."""
        if head not in self.heads:  # another step is shown by now: its page shows the item when it comes back
            for page in self._pages.values():
                if head in page.heads:
                    page.selected[head] = index
                    page.revision = -1
            return
        for button in self.page.query(f"#defaults-{slug(head)}"):
            await button.remove()
        await self.reload_items(head, index)
        await self._refresh_choices()
        self._focus_path(head)

    async def _go_to(self, path: str) -> None:
        """Within the step shown: select the item ``path`` is about, then focus its field."""
        if self._field_for(path) is None:
            for head in self.heads:
                if path.startswith(head + "["):
                    index = path[len(head) + 1:].split("]", 1)[0]
                    if index.isdigit() and self._form_for.get(head) != int(index):
                        self.selected[head] = int(index)
                        self.query_one(f"#items-{slug(head)}", ItemTable).select(int(index))
                        if not self._retarget_item_form(head):
                            await self._build_item_form(head)
        self._focus_path(path)
        self.app.call_later(self._release_keys)  # after the focus has moved (Widget.focus is deferred)

    def refresh_values(self) -> None:
        """Show what the policy holds now in every field (after undo or redo)."""
        for field in self._fields():
            try:
                field.set_value(self.session.get(field.path))
            except EditError:
                pass
        for head in self.heads:
            self.after_edit(f"{head}[{self.selected.get(head, -1)}]")
        self._apply_conditions()  # a step without tables too (undo of the audit's type shows or hides the period)

    async def _rebuild(self, step: Any, path: Optional[str], focus: bool = False) -> None:
        old = self._pages.pop(step.id, None)
        if self.page is not None and self.page is not old:
            self.page.revision = self.session.revision
            self.page.display = False
        if old is not None:
            await old.remove()
        page = self.page = self._pages[step.id] = StepPage(step.id)
        if old is not None:
            page.selected = dict(old.selected)  # the same step built again keeps the items it showed
        widgets = []
        seen_heads: set[str] = set()
        for q in step.questions:
            head = head_of(q.path)
            if is_item_list(q):
                widgets += self._list_widgets(q.path, q)
                seen_heads.add(q.path)
            elif head and head not in seen_heads:
                widgets += self._list_widgets(head, None)
                seen_heads.add(head)
            elif not head and "[*]" not in q.path:
                widgets.append(self._field(q, q.path))
        if path:
            self._select_from_path(path)
        self.scroll_to(y=0, animate=False)
        async with self.batch():
            await self.mount(page)
            await page.mount_all(widgets)
        for head in page.heads:
            await self._build_items(head)
        page.revision = self.session.revision
        if path:
            self._focus_path(path)
        elif focus:
            self.focus_first()
        self.app.call_later(self._release_keys)  # after the focus has moved (Widget.focus is deferred)

    def _list_widgets(self, list_path: str, question: Any) -> list:
        questions = item_questions(self.step, list_path)
        self.heads[list_path] = questions
        columns = item_columns(questions)
        title = question.text if question is not None else f"{list_path}"
        # headers in words ("storage class"); the CSV import names the fields themselves
        table = ItemTable(list_path, title, [c.replace("_", " ") for c, _ in columns] + ["answered"],
                          id=f"items-{slug(list_path)}")
        out: list = [table]
        if question is not None and question.default and not self._items(list_path):
            labels = ", ".join(_default_label(d) for d in question.default)
            out.append(Button(f"Start with: {labels}", id=f"defaults-{slug(list_path)}", classes="defaults"))
        out.append(Vertical(id=f"item-form-{slug(list_path)}", classes="item-form"))
        return out

    async def _build_items(self, head: str) -> None:
        table = self.query_one(f"#items-{slug(head)}", ItemTable)
        items = self._items(head)
        columns = item_columns(self.heads[head])
        table.load([item_row(item, columns, self.heads[head]) for item in items])
        index = self.selected.get(head, 0 if items else None)
        if index is not None and index < len(items):
            self.selected[head] = index
            table.select(index)
        await self._build_item_form(head)

    async def _follow_cursor(self, head: str) -> None:
        self._form_timer = None
        if head in self.heads and self._form_for.get(head) != self.selected.get(head):
            if not self._retarget_item_form(head):
                await self._build_item_form(head)

    def _retarget_item_form(self, head: str) -> bool:
        """Show another item's answers in the fields already there (the cursor moved to a sibling): far
        quicker than building 30 questions anew. False when there are no such fields to reuse."""
        items = self._items(head)
        index = self.selected.get(head)
        if index is None or index >= len(items) or self._form_for.get(head) is None:
            return False
        box = self.query_one(f"#item-form-{slug(head)}", Vertical)
        fields = list(box.query(QuestionField))
        questions = self.heads[head]
        if len(fields) != len(questions) or any(f.question is not q for f, q in zip(fields, questions)):
            return False
        titles = box.query(".item-title")
        if not titles:
            return False
        titles.first(Static).update(item_name(items[index], index))
        for field, q in zip(fields, questions):
            path = q.path.replace("[*]", f"[{index}]", 1)
            field.path = path
            try:
                field.set_value(self.session.get(path))
            except EditError:
                field.set_value(None)
            meta = self.meta_for(path)
            if meta != field._meta:
                field.set_meta(meta)
            self._flag(field)
        self._form_for[head] = index
        self._apply_conditions()
        return True

    async def _build_item_form(self, head: str) -> None:
        box = self.query_one(f"#item-form-{slug(head)}", Vertical)
        items = self._items(head)
        index = self.selected.get(head)
        self._form_for[head] = index
        widgets: list = []
        if index is None or index >= len(items):
            widgets.append(Static("No items yet: press a on the table to add one." if not items else "",
                                  classes="item-empty", markup=False))
        else:
            name = item_name(items[index], index)
            widgets.append(Static(f"{name}", classes="item-title", markup=False))
            for q in self.heads[head]:
                widgets.append(self._field(q, q.path.replace("[*]", f"[{index}]", 1)))
        async with self.batch():
            await box.remove_children()
            await box.mount_all(widgets)
        self._apply_conditions()

    def _field(self, question: Any, path: str) -> QuestionField:
        try:
            value = self.session.get(path)
        except EditError:
            value = None
        field = QuestionField(question, path, value, choices=choices_for(question, self.session),
                              meta=self.meta_for(path), severity=self.flags.get(path))
        if question.when and not question.applies(self.session.policy, path):
            # hidden from the first frame: a step without tables (Organization) was drawn with the Type II
            # period's questions under a Type I audit, answerable, until the first edit applied the conditions
            field.display = False
        return field

    def _items(self, head: str) -> list:
        try:
            items = self.session.get(head)
        except EditError:
            return []
        return items if isinstance(items, list) else []

    def _select_from_path(self, path: str) -> None:
        for head in self.heads:
            prefix = head + "["
            if path.startswith(prefix):
                index = path[len(prefix):].split("]", 1)[0]
                if index.isdigit():
                    self.selected[head] = int(index)

    # -- focus and state -------------------------------------------------------
    def _focus_path(self, path: Optional[str]) -> None:
        if not path:
            return
        target = self._field_for(path)
        if target is None:
            head = next((h for h in self.heads if path == h or path.startswith(h + "[")), None)
            if head is None:
                return
            box = self.query_one(f"#item-form-{slug(head)}", Vertical)
            fields = [f for f in box.query(QuestionField) if f.display]
            if path != head and fields:  # an item itself (a new one, or one a finding names): its first question
                target = fields[0]
            else:
                table = self.query_one(f"#items-{slug(head)}", ItemTable)
                table.view.focus(scroll_visible=False)
                self._reveal(table, top=True)
                return
        # one target at a time, on any page (a query for it walked every field of every kept page: 10-50 ms)
        if self._target is not None and self._target is not target:
            self._target.remove_class("-target")
        target.add_class("-target")
        self._target = target
        target.focus_input()
        self._reveal(target)

    def _reveal(self, widget: Any, *, top: bool = False) -> None:
        """Scroll ``widget`` into view once the form's layout has settled.

        Focusing a field starts an animated scroll to where it was before this refresh; an item form filled or
        a condition shown a moment ago moves it, so the scroll is done again, at once, after the next layout
        (at 80x24 the next question's field could otherwise sit below the screen while the person types)."""
        def again() -> None:
            if widget.is_attached:
                # the screen's own scroll to the focused widget may still be animating towards where the field
                # was: finish it first, or this scroll sees the field "visible" and the animation carries on
                self.app.animator.force_stop_animation(self, "scroll_y")
                self.scroll_to_widget(widget, top=top, animate=False)

        def first() -> None:
            again()
            self.call_after_refresh(again)

        self.call_after_refresh(first)

    def _field_for(self, path: str) -> Optional[QuestionField]:
        for field in self._fields():
            if field.path == path:
                return field
        return None

    def focus_first(self) -> None:
        fields = [f for f in self._fields() if f.display]
        if fields:
            fields[0].focus_input()

    def meta_for(self, path: str) -> str:
        parts = []
        fu = self.session.follow_up_for(path)
        if fu is not None:
            due = f" by {fu.due}" if fu.due else ""
            note = f": {fu.note}" if getattr(fu, "note", None) else ""
            who = fu.owner or "no one named yet (F2 names who answers)"
            parts.append(f"Follow-up {fu.id or ''}: {who}{due}{note}".replace("  ", " "))
        source = self.session.source_of(path)
        if source:
            parts.append(f"Source: {source}")
        return "\n".join(parts)

    def refresh_meta(self) -> None:
        for field in self._fields():
            field.set_meta(self.meta_for(field.path))

    def flag(self, flags: dict[str, str]) -> None:
        """Mark the fields open findings point at."""
        self.flags = flags
        for field in self._fields():
            self._flag(field)

    def _flag(self, field: QuestionField) -> None:
        severity = self.flags.get(field.path)
        if field.has_class("-flagged") != (severity is not None):
            field.set_class(severity is not None, "-flagged")
        if field.has_class("-blocker") != (severity == "blocker"):
            field.set_class(severity == "blocker", "-blocker")

    def after_edit(self, path: str) -> None:
        """An answer was applied: refresh its item's row and the questions that depend on it."""
        for head, questions in self.heads.items():
            if not path.startswith(f"{head}["):
                continue
            index_text = path[len(head) + 1:].split("]", 1)[0]
            index = int(index_text) if index_text.isdigit() else None
            if index is not None:
                items = self._items(head)
                if index < len(items):
                    table = self.query_one(f"#items-{slug(head)}", ItemTable)
                    table.update_row(index, item_row(items[index], item_columns(questions), questions))
                    if self._form_for.get(head) == index:  # its title names it (a new id or name)
                        titles = self.query_one(f"#item-form-{slug(head)}", Vertical).query(".item-title")
                        if titles:
                            titles.first(Static).update(item_name(items[index], index))
        self._apply_conditions()

    def _apply_conditions(self) -> None:
        for field in self._fields():
            q = field.question
            if getattr(q, "when", None) is not None:
                shown = q.applies(self.session.policy, field.path)
                if field.display != shown:
                    field.display = shown

    # -- events --------------------------------------------------------------
    @on(ItemTable.ItemChosen)
    async def _item_chosen(self, event: ItemTable.ItemChosen) -> None:
        event.stop()
        head = event.table.list_path
        changed = self.selected.get(head) != event.index
        self.selected[head] = event.index
        if self._form_timer is not None:
            self._form_timer.stop()
            self._form_timer = None
        if changed and not event.open_form:
            # the cursor is moving (page down through 5,000 rows): the table answers at once, the item's
            # questions follow when it rests (building a form of 30 questions per row passed would lag)
            self._form_timer = self.set_timer(FORM_AFTER, lambda: self._follow_cursor(head))
            return
        if self._form_for.get(head) != event.index and not self._retarget_item_form(head):
            await self._build_item_form(head)
        if event.open_form:
            box = self.query_one(f"#item-form-{slug(head)}", Vertical)
            fields = [f for f in box.query(QuestionField) if f.display]
            if fields:
                fields[0].focus_input()

    @on(Button.Pressed, ".defaults")
    def _use_defaults(self, event: Button.Pressed) -> None:
        event.stop()
        list_path = next(h for h in self.heads if event.button.id == f"defaults-{slug(h)}")
        question = next(q for q in self.step.questions if q.path == list_path)
        for item in question.default:
            try:
                self.session.add(list_path, dict(item))
            except EditError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
                break
        self.selected[list_path] = 0
        self.show(self.step, self.flags, f"{list_path}[0]", rebuild=True)


def _default_label(item: Any) -> str:
    if isinstance(item, dict):
        return " ".join(str(v) for v in (item.get("id"), item.get("name")) if v)
    return str(item)
