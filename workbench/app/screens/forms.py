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
from typing import Any, Iterable, Optional

from pydantic import BaseModel
from textual import on
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from widgets.item_table import ItemTable
from widgets.question_field import QuestionField, field_id

from .. import questions as Q
from ..session import EditError, Session

SEVERITY_CLASSES = ("-flagged", "-blocker")
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


def required_fields(session: Session, list_path: str) -> list[tuple[str, str, list[str]]]:
    """The fields a new item of ``list_path`` cannot exist without: (name, description, choices)."""
    try:
        model, _ = Q.field_type(list_path)
    except ValueError:
        return []
    out = []
    for name, info in getattr(model, "model_fields", {}).items():
        if info.is_required():
            choices = list(typing.get_args(info.annotation)) if typing.get_origin(info.annotation) is typing.Literal else []
            out.append((name, info.description or name, [str(c) for c in choices]))
    return out


def choices_for(question: Any, session: Session) -> list[tuple[str, Any]]:
    if question.kind in ("choice", "multi_choice"):
        return [(c.label, c.value) for c in question.choices]
    if question.kind == "reference":
        ids = Q.reference_choices(question, session.policy)
        # beyond a screenful of ids (5,000 systems) a list to tick is no help: the ids are typed, comma-separated
        return [(i, i) for i in ids] if len(ids) <= MAX_CHOICES else []
    return []


class StepForm(VerticalScroll):
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
        self.selected: dict[str, int] = {}   # list path -> item index shown
        self.heads: dict[str, list] = {}      # list path -> its per-item questions in this step

    # -- building ------------------------------------------------------------
    def show(self, step: Any, flags: dict[str, str], path: Optional[str] = None, *, rebuild: bool = False) -> None:
        """Show ``step`` (built anew when it is another step, or when items were added or removed);
        with ``path``, select its item and focus its field."""
        same = self.step is not None and step.id == self.step.id
        if not same:
            self.selected = {}
        self.step, self.flags = step, flags
        if same and not rebuild:
            if path:
                self.call_later(self._go_to, path)
            return
        self.call_later(self._rebuild, path)

    async def _go_to(self, path: str) -> None:
        """Within the step shown: select the item ``path`` is about, then focus its field."""
        if self._field_for(path) is None:
            for head in self.heads:
                if path.startswith(head + "["):
                    index = path[len(head) + 1:].split("]", 1)[0]
                    if index.isdigit() and self.selected.get(head) != int(index):
                        self.selected[head] = int(index)
                        self.query_one(f"#items-{slug(head)}", ItemTable).select(int(index))
                        await self._build_item_form(head)
        self._focus_path(path)

    def refresh_values(self) -> None:
        """Show what the policy holds now in every field (after undo or redo)."""
        for field in self.query(QuestionField):
            try:
                field.set_value(self.session.get(field.path))
            except EditError:
                pass
        for head in self.heads:
            self.after_edit(f"{head}[{self.selected.get(head, -1)}]")

    async def _rebuild(self, path: Optional[str]) -> None:
        self.heads = {}
        widgets = []
        seen_heads: set[str] = set()
        for q in self.step.questions:
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
        async with self.batch():
            await self.remove_children()
            await self.mount_all(widgets)
        for head in self.heads:
            await self._build_items(head)
        self._focus_path(path)

    def _list_widgets(self, list_path: str, question: Any) -> list:
        questions = item_questions(self.step, list_path)
        self.heads[list_path] = questions
        columns = item_columns(questions)
        title = question.text if question is not None else f"{list_path}"
        table = ItemTable(list_path, title, [c for c, _ in columns] + ["answered"],
                          filterable=list_path == "systems", id=f"items-{slug(list_path)}")
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

    async def _build_item_form(self, head: str) -> None:
        box = self.query_one(f"#item-form-{slug(head)}", Vertical)
        items = self._items(head)
        index = self.selected.get(head)
        widgets: list = []
        if index is None or index >= len(items):
            widgets.append(Static("No items yet: press a on the table to add one." if not items else "",
                                  classes="item-empty", markup=False))
        else:
            name = getattr(items[index], "id", None) or f"#{index + 1}"
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
        return QuestionField(question, path, value, choices=choices_for(question, self.session),
                             meta=self.meta_for(path), severity=self.flags.get(path))

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
                self.query_one(f"#items-{slug(head)}", ItemTable).query_one("DataTable").focus()
                return
        for other in self.query(QuestionField).filter(".-target"):
            other.remove_class("-target")
        target.add_class("-target")
        target.focus_input()
        self.call_after_refresh(self.scroll_to_widget, target, top=False)

    def _field_for(self, path: str) -> Optional[QuestionField]:
        for field in self.query(QuestionField):
            if field.path == path:
                return field
        return None

    def focus_first(self) -> None:
        fields = [f for f in self.query(QuestionField) if f.display]
        if fields:
            fields[0].focus_input()

    def meta_for(self, path: str) -> str:
        parts = []
        fu = self.session.follow_up_for(path)
        if fu is not None:
            due = f" by {fu.due}" if fu.due else ""
            note = f": {fu.note}" if getattr(fu, "note", None) else ""
            parts.append(f"Follow-up {fu.id or ''}: {fu.owner or 'someone'}{due}{note}".replace("  ", " "))
        source = self.session.source_of(path)
        if source:
            parts.append(f"Source: {source}")
        return "\n".join(parts)

    def refresh_meta(self) -> None:
        for field in self.query(QuestionField):
            field.set_meta(self.meta_for(field.path))

    def flag(self, flags: dict[str, str]) -> None:
        """Mark the fields open findings point at."""
        self.flags = flags
        for field in self.query(QuestionField):
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
            index = self.selected.get(head)
            if index is not None and path.startswith(f"{head}[{index}]"):
                items = self._items(head)
                if index < len(items):
                    table = self.query_one(f"#items-{slug(head)}", ItemTable)
                    table.update_row(index, item_row(items[index], item_columns(questions), questions))
        self._apply_conditions()

    def _apply_conditions(self) -> None:
        for field in self.query(QuestionField):
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
        if changed or event.open_form:
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
