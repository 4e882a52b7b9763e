"""Small modal forms: follow-up, exception, source note, new item, new client, open file, revise a version.

Each dialog returns plain data (a dict) through ``dismiss`` or None when
cancelled; the caller hands it to the session. Dialogs never touch the
policy or the disk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Optional, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from widgets.ordered_input import OrderedInput
from widgets.prose_input import ProseInput


class FormDialog(ModalScreen[Optional[dict]]):
    """A titled form of labelled inputs with OK and Cancel; escape cancels."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical { width: 80%; max-width: 90; height: auto; max-height: 90%; border: thick $primary;
                            background: $surface; padding: 0 1; }
    FormDialog .dlg-title { text-style: bold; }
    FormDialog #dlg-body { height: auto; }
    FormDialog .dlg-label { padding: 1 0 0 0; }
    FormDialog.-short .dlg-label { padding: 0; }
    FormDialog Input, FormDialog Select { margin: 0; }
    FormDialog .dlg-note { color: $text-muted; height: auto; }
    FormDialog .dlg-error { color: $error; height: auto; }
    FormDialog Horizontal { height: auto; padding: 1 0 0 0; align-horizontal: right; }
    FormDialog.-short Horizontal { padding: 0; }
    FormDialog Button { margin: 0 0 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    title_text = ""
    note_text = ""
    ok_label = "OK"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="dlg-title", markup=False)
            with VerticalScroll(id="dlg-body", can_focus=False):  # scrolls on a short terminal; the buttons stay
                if self.note_text:
                    yield Static(self.note_text, classes="dlg-note", markup=False)
                yield from self.fields()
            yield Static("", id="dlg-error", classes="dlg-error", markup=False)
            with Horizontal():
                yield Button("Cancel", id="dlg-cancel", compact=True)
                yield Button(self.ok_label, id="dlg-ok", variant="primary", compact=True)

    def fields(self) -> ComposeResult:
        yield from ()

    def on_resize(self, event) -> None:
        short = event.size.height < 30
        self.set_class(short, "-short")
        # The form scrolls and the buttons stay in view: the dialog's 90% less its border, title, error and buttons.
        self.query_one("#dlg-body").styles.max_height = max(3, int(event.size.height * 0.9) - (6 if short else 7))

    def labelled(self, label: str, widget) -> ComposeResult:
        yield Label(label, classes="dlg-label", markup=False)
        yield widget

    def value(self, selector: str) -> str:
        widget = self.query_one(selector)
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else widget.value
        return widget.value.strip()

    def error(self, message: str) -> None:
        self.query_one("#dlg-error", Static).update(message)

    def collect(self) -> Optional[dict]:
        """The form's data, or None after showing what is wrong."""
        return {}

    @on(Input.Changed)
    @on(ProseInput.Changed)
    def _typing(self) -> None:
        """What was wrong is being put right: the old message goes ("Give the client a name." stayed under the
        name typed)."""
        self.error("")

    @on(Button.Pressed, "#dlg-ok")
    @on(Input.Submitted)
    @on(ProseInput.Submitted)
    def _ok(self, event) -> None:
        event.stop()
        data = self.collect()
        if data is not None:
            self.dismiss(data)

    @on(Button.Pressed, "#dlg-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _input(value: str = "", **kwargs) -> Input:
    """A one-line input (compact, so a dialog fits an 80x24 terminal)."""
    return OrderedInput(value, compact=True, **kwargs)


def parse_date(text: str, what: str) -> dt.date | None:
    """``YYYY-MM-DD`` or empty; ValueError says what is accepted."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from workbench.spec.io import no_such_day

        why = no_such_day(text)
        if why:
            raise ValueError(f"{what}: {text} is not a day of the calendar: {why}") from None
        raise ValueError(f"{what}: {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-07-15") from None


#: The longest an exception may run before it is revisited: a year, as SOC 2 reviews of accepted risk go.
MAX_EXCEPTION_DAYS = 366


def expiry_problem(until: dt.date | None, today: dt.date) -> str:
    """Why ``until`` is no expiry for an exception accepted (or renewed) ``today``; "" when it is one."""
    if until is None or until <= today:
        return "The expiry must be a date after today, so the exception is revisited."
    latest = today + dt.timedelta(days=MAX_EXCEPTION_DAYS)
    if until > latest:
        return (f"An accepted risk is revisited at least yearly: choose an expiry by {latest.isoformat()} "
                f"(renew it then if the risk still stands).")
    return ""


class FollowUpDialog(FormDialog):
    """"Don't know yet": who will answer, by when, and a note."""

    title_text = "Don't know yet: make it a follow-up"
    ok_label = "Add follow-up"

    def __init__(self, question: str, path: str, default_owner: str = "", *, where: str = "",
                 today: Optional[dt.date] = None) -> None:
        super().__init__()
        self.question = question
        self.path = path
        self.default_owner = default_owner
        self.note_text = f"{question}\n({where or path})"
        self.today = today or dt.date.today()
        self.example_due = self.today + dt.timedelta(days=14)

    def fields(self) -> ComposeResult:
        yield from self.labelled("Who will answer", _input(self.default_owner, placeholder="e.g. Head of IT",
                                                          id="fu-owner"))
        yield from self.labelled("By when (YYYY-MM-DD)",
                                 _input(placeholder=f"e.g. {self.example_due.isoformat()}", id="fu-due"))
        yield from self.labelled("Note", _input(placeholder="what is known so far, what they need", id="fu-note"))

    def collect(self) -> Optional[dict]:
        try:
            due = parse_date(self.value("#fu-due"), "By when")
        except ValueError as exc:
            self.error(str(exc))
            return None
        if due is not None and due < self.today:
            self.error(f"By when: {due.isoformat()} is in the past; give the date the answer is due, "
                       f"e.g. {self.example_due.isoformat()}.")
            return None
        if not self.value("#fu-owner"):
            self.error("Name who will answer (a person or a role).")
            return None
        return {"question": self.question, "field": self.path, "owner": self.value("#fu-owner"), "due": due,
                "note": self.value("#fu-note")}


class ExceptionDialog(FormDialog):
    """Accept a finding as a documented exception: justification, approver, expiry."""

    title_text = "Accept as an exception"
    ok_label = "Accept"

    def __init__(self, finding: Any, today: dt.date, approver: str = "",
                 wording: Optional[Callable[[str], str]] = None) -> None:
        super().__init__()
        self.finding = finding
        self.today = today
        self.approver = approver
        message = wording(finding.message) if wording is not None else finding.message  # as the gap panel reads it
        self.note_text = f"{finding.rule} ({finding.severity}): {message}"

    def fields(self) -> ComposeResult:
        yield from self.labelled("Why the risk is accepted",
                                 ProseInput(placeholder="e.g. rebuilt from the event store within a day; "
                                                        "reviewed monthly", id="exc-why"))
        yield from self.labelled("Approved by", _input(self.approver, id="exc-by"))
        default = (self.today + dt.timedelta(days=182)).isoformat()
        yield from self.labelled("Expires on (YYYY-MM-DD)", _input(default, id="exc-until"))

    def collect(self) -> Optional[dict]:
        try:
            until = parse_date(self.value("#exc-until"), "Expires on")
        except ValueError as exc:
            self.error(str(exc))
            return None
        if not self.value("#exc-why"):
            self.error("Say why the risk is accepted: an auditor reads this.")
            return None
        if not self.value("#exc-by"):
            self.error("Name who accepts the risk.")
            return None
        problem = expiry_problem(until, self.today)
        if problem:
            self.error(problem)
            return None
        return {"justification": self.value("#exc-why"), "approved_by": self.value("#exc-by"), "expires_on": until}


class SourceDialog(FormDialog):
    """Where an answer came from."""

    title_text = "Source of this answer"
    ok_label = "Keep note"

    def __init__(self, path: str, current: str = "") -> None:
        super().__init__()
        self.path = path
        self.current = current
        self.note_text = f"{path}: who said so, or which document (empty removes the note)"

    def fields(self) -> ComposeResult:
        yield from self.labelled("Source", _input(self.current, placeholder="e.g. per the office manager, 3 Dec",
                                                 id="src-note"))

    def collect(self) -> Optional[dict]:
        return {"note": self.value("#src-note")}


class AddItemDialog(FormDialog):
    """A new list item: the fields it cannot exist without (an id, a system, an event ...)."""

    ok_label = "Add"

    def __init__(self, what: str, required: Sequence[tuple[str, str, Sequence[str], str]],
                 taken: Iterable[str] = ()) -> None:
        super().__init__()
        self.what = what
        self.title_text = f"New {what}"
        self.required = list(required)
        self.taken = set(taken)  # the ids the list already holds: a second item with one is refused here

    def fields(self) -> ComposeResult:
        for name, description, choices, example in self.required:
            if choices:
                widget = Select([(c, c) for c in choices], prompt="choose", id=f"add-{name}")
            else:
                widget = _input(id=f"add-{name}", placeholder=f"e.g. {example}" if example else "")
            # the interview's own question when there is one ("Which system was restored?"), else the field
            yield from self.labelled(description if description.endswith("?") else f"{name}: {description}", widget)

    def collect(self) -> Optional[dict]:
        data = {name: self.value(f"#add-{name}") for name, *_ in self.required}
        missing = [name for name, value in data.items() if not value]
        if missing:
            self.error(f"Fill in {', '.join(missing)}.")
            return None
        ident = str(data.get("id") or "").strip()
        from workbench.spec.refs import id_problem

        if "id" in data and ident and (spaced := id_problem(ident)) is not None:
            self.error(f"{ident!r}: {spaced[:1].upper()}{spaced[1:]}.")
            return None
        if ident and ident in self.taken:
            free = next(f"{ident}-{n}" for n in range(2, len(self.taken) + 3) if f"{ident}-{n}" not in self.taken)
            self.error(f"There is already a {self.what} with the id {ident!r}: ids name one item each "
                       f"(e.g. {free}).")
            return None
        return data


class NewClientDialog(FormDialog):
    """A new client: its name, and the company profile to start from (kind of organization x how IT is run), or blank.

    The profiles are the clean starters (:mod:`workbench.starters`): sensible
    defaults and the questions to ask, with no example company's people or
    names in them. The full example clients stay behind the demo button and
    ``workbench new --example``.
    """

    title_text = "New client"
    ok_label = "Create"

    def __init__(self, organizations: Sequence[Any], it_models: Sequence[Any], org: str = "",
                 it: str = "") -> None:
        super().__init__()
        self.organizations = list(organizations)
        self.it_models = list(it_models)
        self.org = org
        self.it = it or (self.it_models[0].name if self.it_models else "")

    def fields(self) -> ComposeResult:
        yield from self.labelled("Client name", _input(placeholder="e.g. Acme Corp", id="new-name"))
        orgs = [("Blank: no answers yet", "")] + [(a.title, a.name) for a in self.organizations]
        yield from self.labelled("Kind of organization", Select(orgs, value=self.org, allow_blank=False,
                                                                 id="new-org"))
        its = [(a.title, a.name) for a in self.it_models]
        yield from self.labelled("How IT is run", Select(its, value=self.it, allow_blank=False, id="new-it"))
        yield Static("", id="new-description", classes="dlg-note", markup=False)

    def on_mount(self) -> None:
        self._describe()

    @on(Select.Changed, "#new-org")
    @on(Select.Changed, "#new-it")
    def _describe(self) -> None:
        org = next((a for a in self.organizations if a.name == self.value("#new-org")), None)
        it_select = self.query_one("#new-it", Select)
        it_select.disabled = org is None
        if org is None:
            text = "A blank policy: every question starts unanswered."
        else:
            it = next((a for a in self.it_models if a.name == self.value("#new-it")), None)
            text = org.description + (f"\n{it.title}: {it.description}" if it else "")
        self.query_one("#new-description", Static).update(text)

    @property
    def profile(self) -> Optional[str]:
        """``healthcare-msp``, or None for a blank client."""
        org = self.value("#new-org")
        return f"{org}-{self.value('#new-it')}" if org else None

    def collect(self) -> Optional[dict]:
        if not self.value("#new-name"):
            self.error("Give the client a name.")
            return None
        return {"name": self.value("#new-name"), "template": self.profile}


class OpenFileDialog(FormDialog):
    """Open a spec file (YAML, TOML or JSON) as a client."""

    title_text = "Open a spec file"
    note_text = "A .yaml, .toml or .json policy spec. It becomes a client workspace; the file itself is not changed."
    ok_label = "Open"

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path  # typed before: the file did not open, and the person corrects the path or the file

    def fields(self) -> ComposeResult:
        yield from self.labelled("File", _input(self.path, placeholder="e.g. ~/clients/acme.yaml", id="open-path"))

    def collect(self) -> Optional[dict]:
        if not self.value("#open-path"):
            self.error("Type the path of a spec file.")
            return None
        return {"path": self.value("#open-path")}


class VersionDialog(FormDialog):
    """Choose a published version to revise."""

    title_text = "Revise a published version"
    note_text = "The version is copied into a new draft; the published files stay as they are."
    ok_label = "Revise"

    def __init__(self, client: str, versions: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = f"Revise a published version of {client}"
        self.versions = list(versions)
        if len(self.versions) > 1:  # the button has the focus: say what enter does, and how to choose another
            self.note_text = (f"Enter revises the newest, {self.versions[0][1]}; shift+tab chooses another of the "
                              f"{len(self.versions)} versions. {VersionDialog.note_text}")

    def fields(self) -> ComposeResult:
        yield from self.labelled("Version", Select(self.versions, allow_blank=False, id="ver-choice"))

    def on_mount(self) -> None:
        # The latest version is chosen already: enter revises it (enter on the list only opened it, and a second
        # enter closed it again, with Revise two tabs away). Shift+tab goes back to choose another version.
        self.query_one("#dlg-ok", Button).focus()

    def collect(self) -> Optional[dict]:
        return {"version": self.value("#ver-choice")}


class MessageDialog(FormDialog):
    """Something the person must read (why a file did not open: each problem with its line), with one button."""

    ok_label = "OK"

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.note_text = message

    def on_mount(self) -> None:
        self.query_one("#dlg-cancel", Button).display = False
        self.query_one("#dlg-ok", Button).focus()


class ConfirmDialog(FormDialog):
    """Yes or no, with what will happen."""

    ok_label = "Yes"

    def __init__(self, title: str, note: str, ok_label: str = "Yes", *, default_ok: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.note_text = note
        self.ok_label = ok_label
        self.default_ok = default_ok  # False: enter alone cancels (for what should not happen by habit)

    def on_mount(self) -> None:
        self.query_one("#dlg-ok" if self.default_ok else "#dlg-cancel", Button).focus()
