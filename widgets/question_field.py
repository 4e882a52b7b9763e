"""One interview question as a form field, built from the question's data.

A :class:`QuestionField` shows the question text, an input that fits the kind
of answer (text, duration, date, number, yes/no, one or several choices,
references to other items, a list), the reason a value was refused (with
the accepted forms and an example), and a line for a follow-up or a source
note. It never writes the policy: a committed answer is posted as
:class:`QuestionField.AnswerChanged` with plain data, and the owner calls
:meth:`QuestionField.set_value` / :meth:`QuestionField.set_error` with what
the session says.

Text answers are committed on enter and when the field loses focus, so
typing never waits for anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Input, Label, Select, SelectionList, Static
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

from widgets.ordered_input import OrderedInput

#: How an answer of each kind is written, shown with a refusal.
ACCEPTED = {
    "duration": "accepted: 15m, 4h, 1d, 2w, 3mo, 1y, hourly, daily, weekly, monthly, quarterly, "
                "'every 2 weeks', PT15M; 'unknown' clears it",
    "date": "accepted: a date as YYYY-MM-DD, e.g. 2026-07-15; 'unknown' clears it",
    "number": "accepted: a number, e.g. 3 or 2.5; 'unknown' clears it",
    "list": "accepted: items separated by commas",
    "reference": "accepted: ids separated by commas",
}
UNSET = "unknown"


def field_id(path: str) -> str:
    """A widget id for a spec path: ``systems[3].rpo`` -> ``q-systems-3-rpo``."""
    out = "".join(ch if ch.isalnum() else "-" for ch in path)
    return "q-" + "-".join(p for p in out.split("-") if p)


class TickList(SelectionList):
    """A :class:`SelectionList` whose box is empty when a choice is not ticked.

    Textual draws the same ``X`` in both states and tells them apart by colour alone, which a monochrome or
    low-contrast terminal (or a person who cannot tell the colours apart) loses."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if selection.value in self._selected:
            return strip
        segments[1] = Segment(" " * len(ToggleButton.BUTTON_INNER), segments[1].style)
        return Strip(segments, strip.cell_length)

    def on_mount(self) -> None:
        self.show_first_ticked(always=True)

    def show_first_ticked(self, always: bool = False) -> None:
        """Bring the first ticked choice into view (a list taller than its box showed only empty boxes when the
        one tick was below them); not while the person is moving through the list, unless ``always``."""
        if (self.has_focus and not always) or not self._selected:
            return
        for index in range(self.option_count):
            if self.get_option_at_index(index).value in self._selected:
                self.highlighted = index
                return


class QuestionField(Vertical, can_focus=False):
    """One question, its input and its messages."""

    DEFAULT_CSS = """
    QuestionField { height: auto; margin: 0 0 1 0; padding: 0 1; border-left: blank; }
    QuestionField.-flagged { border-left: thick $warning; }
    QuestionField.-blocker { border-left: thick $error; }
    QuestionField.-answered > .qf-text { color: $text; }
    QuestionField > .qf-text { text-style: bold; width: 1fr; }
    QuestionField > .qf-error { color: $error; height: auto; display: none; }
    QuestionField.-invalid > .qf-error { display: block; }
    QuestionField > .qf-meta { color: $text-muted; height: auto; display: none; }
    QuestionField.-has-meta > .qf-meta { display: block; }
    QuestionField.-target { background: $boost; }
    QuestionField Select, QuestionField Input { width: 1fr; max-width: 70; }
    QuestionField SelectionList { height: auto; max-height: 13; width: 1fr; max-width: 70; }
    """

    class AnswerChanged(Message):
        """The person committed an answer (``None`` clears it)."""

        def __init__(self, field: "QuestionField", path: str, value: Any) -> None:
            self.field = field
            self.path = path
            self.value = value
            super().__init__()

        @property
        def control(self) -> "QuestionField":
            return self.field

    def __init__(self, question: Any, path: str, value: Any = None, *, choices: Sequence[tuple[str, Any]] = (),
                 meta: str = "", label: Optional[str] = None, severity: Optional[str] = None,
                 **kwargs: Any) -> None:
        # State classes are given at construction: setting them after mounting restyles the whole form.
        classes = [kwargs.pop("classes", "")]
        classes += ["-has-meta"] if meta else []
        classes += ["-answered"] if _has_answer(value) else []
        classes += ["-flagged"] if severity else []
        classes += ["-blocker"] if severity == "blocker" else []
        super().__init__(id=field_id(path), classes=" ".join(c for c in classes if c), **kwargs)
        self.question = question
        self.path = path
        self.kind = getattr(question, "kind", "text")
        self.many = bool(getattr(question, "many", False))
        self._choices = list(choices)
        self._value = value
        self._meta = meta
        self._label = label or question.text
        self._committed = _as_text(value, self.kind)
        self._shown: list = []  # what a choice list shows now: the choices, and values that are not one, marked

    # -- building ------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="qf-text", markup=False)
        yield self._input()
        yield Static("", classes="qf-error", markup=False)
        yield Static(self._meta, classes="qf-meta", markup=False)

    def _input(self):
        kind, value = self.kind, self._value
        if kind == "bool":
            return Select([("Yes", True), ("No", False)], value=value if value is not None else Select.NULL,
                          prompt="Not answered", id="qf-input", compact=True)
        if kind in ("choice", "multi_choice", "reference") and self._choices:
            self._shown = options = self._with_unknown(value)
            if self.many or kind == "multi_choice":
                chosen = set(value or ())
                return TickList(*[(label, v, v in chosen) for label, v in options], id="qf-input", compact=True)
            initial = value if value is not None and value in {v for _, v in options} else Select.NULL
            return Select(options, value=initial, prompt="Not answered", id="qf-input", compact=True)
        example = getattr(getattr(self.question, "help", None), "example", "") or ""
        return AnswerInput(self._committed, placeholder=_placeholder(kind, example), id="qf-input", compact=True)

    def _with_unknown(self, value: Any) -> list[tuple[str, Any]]:
        """The choices, and after them each value of ``value`` that is not one (an id no system has, typed in the
        spec file): shown ticked and kept until the person unticks it, never dropped unseen."""
        offered = {v for _, v in self._choices}
        given = value if isinstance(value, (list, tuple)) else () if value is None else (value,)
        why = "not defined" if self.kind == "reference" else "not one of the choices"
        extra = [(f"{v} ({why})", v) for v in dict.fromkeys(given) if v not in offered and isinstance(v, (str, int, float))]
        return self._choices + extra

    # -- reading and writing -------------------------------------------------
    def get_value(self) -> Any:
        """The answer as plain data, as the Editor takes it."""
        widget = self.query_one("#qf-input")
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        if isinstance(widget, SelectionList):
            return list(widget.selected)
        return _parse(widget.value, self.kind, self.many)

    def set_value(self, value: Any) -> None:
        """Show ``value`` (what the policy now holds), clearing any refusal."""
        self._value = value
        if not self.is_attached:
            return
        widget = self.query_one("#qf-input")
        with self.prevent(Select.Changed, SelectionList.SelectedChanged, Input.Changed):
            if isinstance(widget, Select):
                if self._choices:  # a value that is not one of the choices is shown as it is, marked
                    options = self._with_unknown(value)
                    if options != self._shown:
                        widget.set_options(options)
                        self._shown = options
                    legal = value is not None and value in {v for _, v in options}
                else:
                    legal = isinstance(value, bool)
                widget.value = value if legal else Select.NULL
            elif isinstance(widget, SelectionList):
                options = self._with_unknown(value)
                if options != self._shown:
                    widget.clear_options()
                    widget.add_options(options)
                    self._shown = options
                widget.deselect_all()
                for v in value or ():
                    widget.select(v)
                if isinstance(widget, TickList):
                    widget.show_first_ticked()
            else:
                self._committed = _as_text(value, self.kind)
                if widget.value != self._committed:
                    widget.value = self._committed
        self.set_error(None)
        self.set_class(_has_answer(value), "-answered")

    def set_error(self, message: Optional[str]) -> None:
        """Show why a value was refused, with the accepted forms and an example (None hides it)."""
        error = self.query_one(".qf-error", Static)
        if message:
            example = getattr(getattr(self.question, "help", None), "example", "") or ""
            lines = [message]
            if self.kind in ACCEPTED:
                lines.append(ACCEPTED[self.kind])
            if example:
                lines.append(f"example: {example}")
            error.update("\n".join(lines))
        self.set_class(bool(message), "-invalid")

    def set_meta(self, text: str) -> None:
        """The follow-up or source line under the field."""
        self._meta = text
        self.query_one(".qf-meta", Static).update(text)
        self.set_class(bool(text), "-has-meta")

    def focus_input(self) -> None:
        self.query_one("#qf-input").focus()

    # -- committing ----------------------------------------------------------
    def typed_but_not_entered(self) -> bool:
        """Text typed in the answer box that has not reached the policy (no Enter, no leaving the field), or was
        entered and refused (the field says why): ctrl+q after "150" was refused as a percentage quit at once."""
        widget = self.query_one("#qf-input")
        return isinstance(widget, Input) and (widget.value != self._committed or self.has_class("-invalid"))

    def enter_typed(self) -> tuple[Optional[str], Any]:
        """The answer typed but not entered, as (path, value) for the screen to apply at once (ctrl+q or a
        switch of client must not drop it); (None, None) when nothing is pending. Raises ValueError, shown at
        the field, when the text is not an answer."""
        if not self.typed_but_not_entered():
            return None, None
        text = self.query_one("#qf-input", Input).value
        try:
            value = _parse(text, self.kind, self.many)
        except ValueError as exc:
            self.set_error(str(exc))
            raise
        self._committed = text
        return self.path, value

    def _commit(self) -> None:
        try:
            value = self.get_value()
        except ValueError as exc:
            self.set_error(str(exc))
            return
        self.post_message(self.AnswerChanged(self, self.path, value))

    @on(Input.Submitted, "#qf-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._commit_text(event.value)

    @on(Input.Blurred, "#qf-input")
    def _left(self, event: Input.Blurred) -> None:
        event.stop()
        self._commit_text(event.value)

    def _commit_text(self, text: str) -> None:
        if text == self._committed and not self.has_class("-invalid"):
            return
        self._committed = text
        self._commit()

    @on(Select.Changed, "#qf-input")
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        self._commit_if_changed()

    @on(SelectionList.SelectedChanged, "#qf-input")
    def _toggled(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._commit_if_changed()

    def _commit_if_changed(self) -> None:
        """Selects report their initial value too: only a real change is an answer."""
        value = self.get_value()
        same = sorted(map(str, value)) == sorted(map(str, self._value or ())) if isinstance(value, list) \
            else value == self._value
        if not same:
            self._value = value
            self._commit()


class AnswerInput(OrderedInput):
    """The answer box of a question (an :class:`OrderedInput`: keys typed ahead act in the order typed)."""


def _placeholder(kind: str, example: str) -> str:
    if example:
        return f"e.g. {example}"
    return {"duration": "e.g. 4h, 1d, 3mo", "date": "YYYY-MM-DD", "number": "a number"}.get(kind, "")


def _as_text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse(text: str, kind: str, many: bool) -> Any:
    text = text.strip()
    if not text or text.lower() == UNSET:
        return [] if (many or kind == "list") else None
    if many or kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind == "number":
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        return int(number) if number.is_integer() else number
    return text


def _has_answer(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (str, list, tuple, dict)):
        return bool(value)
    return True
