"""The interview: step list, the current step's questions, help, the live gap panel and progress.

Every edit goes to the session; the screen redraws from what the session
reports. Evaluation and autosave run in thread workers: an edit marks the
gap panel stale and starts an evaluation at once (one at a time: edits that
land while one runs are evaluated together next); a result older than the
newest one shown is dropped, and one started before an edit landed is thrown
away by the session itself. After an edit only what changed is drawn again:
the answers are recounted where the edit landed (:class:`Q.Tally`), the gap
panel and the step list redraw only their changed lines.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from functools import partial
from typing import Any, Optional

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from widgets.footer import Footer
from widgets.gap_panel import GapPanel, kind_of
from widgets.help_pane import HelpPane
from widgets.item_table import ItemTable
from widgets.question_field import QuestionField, field_id

from .. import questions as Q
from ..followups import item_in_words, kind_in_words
from ..session import EditError, Evaluation, Session
from .forms import StepForm, item_columns, item_row, required_fields

#: Up to this many systems the first evaluation runs before the first frame (tens of milliseconds); a larger
#: client opens at once and its findings follow from the worker.
FIRST_IN_FRAME = 200
SAVE_AFTER = 0.4        # autosave at most this long after the first unsaved change (well within a second)
SAVE_BY = 0.8           # ... or, while the gap panel is catching up, this long after it at the latest
NARROW = 100            # below this many columns the side panels collapse
WIDE = 150              # from this many columns the gap panel gets more room


@dataclass
class Derived:
    """What is worked out from one evaluation off the main thread."""

    evaluation: Evaluation
    progress: Any
    states: dict


class InterviewScreen(Screen):
    """One client's interview."""

    #: Shown in the footer: what fits 120 columns (F6 to F10 included). The others work the same and are
    #: listed in the help pane (F1) and the command palette: ^y redo, ^g gaps, ^l steps, f3 source, f4 table,
    #: ^o clients, f5 export follow-ups, ^q save and quit.
    BINDINGS = [
        Binding("ctrl+n", "next_question", "Next question", id="interview.next", priority=True),
        Binding("f1", "toggle_help", "Help", id="interview.help"),
        Binding("f2", "dont_know", "Don't know", id="interview.dont_know"),
        Binding("f3", "source_note", "Source", id="interview.source", show=False),
        Binding("ctrl+z", "undo", "Undo", id="interview.undo", priority=True),
        Binding("ctrl+y", "redo", "Redo", id="interview.redo", priority=True, show=False),
        Binding("ctrl+g", "gaps", "Gaps", id="interview.gaps", show=False),
        Binding("ctrl+l", "steps", "Steps", id="interview.steps", show=False),
        Binding("f4", "table", "Table", id="interview.table", show=False),
        Binding("ctrl+o", "switch_client", "Clients", id="interview.clients", show=False),
        Binding("f5", "export_follow_ups", "Export follow-ups", id="interview.export", show=False),
        Binding("escape", "back_to_form", "Back", show=False),
    ]

    def __init__(self, session: Session, interview: Any) -> None:
        super().__init__()
        self.session = session
        self.interview = interview
        self.step = interview.steps[0]
        self.derived: Optional[Derived] = None
        self._save_timer = None
        self._eval_worker: Optional[Worker] = None
        self._save_worker: Optional[Worker] = None
        self._shown_revision = -1
        self._step_lines: list = []  # the step list's lines as drawn
        self._progress_text: Optional[str] = None  # the progress line as drawn
        self._drawn_revision = -1  # the newest revision whose findings a drawn frame shows
        self._unsaved_since: Optional[float] = None  # when the oldest change not yet in the draft was made
        self._edited_at: Optional[float] = None
        #: seconds from the last edit to the frame whose gap panel shows it drawn (None until it is)
        self.last_latency: Optional[float] = None
        self.saved_at: Optional[str] = None
        #: The app's first frame is to show this client's findings (evaluated before it is drawn).
        self.first_findings_pending = False
        self._first_shown = False
        #: The answers counted for the progress line and the step list, recounted only where an edit landed.
        self._tally = Q.Tally(interview.questions)
        self.session.subscribe(self._tally.changed)
        self.session.subscribe(self._policy_changed)

    # -- layout --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Horizontal(id="body"):
            yield OptionList(id="steps")
            with Vertical(id="main"):
                yield Static("", id="step-head")
                yield StepForm(self.session, self.interview, id="form")
            with Vertical(id="side"):
                yield HelpPane(id="help")
                yield GapPanel(id="gaps")
        yield Static("", id="progress", markup=False)
        yield Footer(compact=True)  # every key that matters fits 120 columns (the rest: ctrl+p)

    async def on_mount(self) -> None:
        self.title = self.session.client
        origin = self.session.origin
        self.sub_title = "resumed draft" if origin == "draft" else origin if origin.startswith("resumed") \
            else f"from {origin}"
        if getattr(self.session, "read_only", False):
            self.sub_title = f"READ-ONLY: {self.session.read_only_reason()}"
        self.query_one("#help").display = False
        self._fill_steps()
        self.show_step(self.step.id)
        await self.query_one(StepForm).build_now()  # before the first frame: it shows the questions
        self._layout_for(self.size.width)
        if len(self.session.policy.systems) <= FIRST_IN_FRAME:
            self.first_findings_pending = True  # the app's first frame shows them: see _painted
            self._first_evaluation()
        else:
            self._start_evaluation()

    def _on_screen_resume(self, event) -> None:
        """Shown. The first time, Textual's restyle of the whole screen is left out: every widget on it was
        styled as it was mounted, moments ago, the first step's questions included (built in on_mount, so that
        the first frame shows them), and that restyle cost as much again. Only what on_mount restyled nowhere
        is restyled: the layout classes (-narrow, -wide) it set on the screen, which style LAYOUT_NODES alone
        (see _layout_class). Every later return to this screen is handled by Textual as always."""
        # Textual calls Screen's own handler after this one (it calls the handler of every class of the MRO)
        if self._first_shown:
            return
        self._first_shown = True
        event.refresh_styles = False
        if self.is_attached:
            nodes = [self, *(self.query_one(selector) for selector in self.LAYOUT_NODES)]
            self.app.stylesheet.update_nodes(nodes, animate=False)

    def _first_evaluation(self) -> None:
        """A small client is evaluated before the first frame, so that frame already shows its findings (no
        second frame to draw, nothing typed yet to keep waiting); an engine failure is said as in the worker."""
        try:
            derived = self._derive()
        except Exception as exc:
            self.notify(f"The gap engine failed: {exc}", severity="error", markup=False)
            self.first_findings_pending = False
            from .. import resume_collector

            resume_collector()
            return
        self._show(derived)

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width)

    #: The widgets the screen's layout classes (-narrow, -wide, -show-gaps ...) style in app.tcss.
    LAYOUT_NODES = ("#steps", "#main", "#step-head", "#side", "#gaps", "#help")

    def _layout_class(self, on: bool, *names: str) -> None:
        """Set or clear layout classes on the screen, restyling only the widgets they style.

        A class on the screen restyles every widget below it; with every visited step kept built (thousands of
        widgets) that made ctrl+g at 80x24 take over a second. The layout rules in app.tcss only style the
        LAYOUT_NODES themselves, so only they (and the screen) are restyled."""
        changed = [n for n in names if self.has_class(n) != on]
        if not changed:
            return
        self.set_class(on, *changed, update=False)
        if not self.is_mounted:
            return
        nodes = [self, *(self.query_one(selector) for selector in self.LAYOUT_NODES)]
        self.app.stylesheet.update_nodes(nodes, animate=False)
        self.refresh(layout=True)

    def _layout_for(self, width: int) -> None:
        self._layout_class(width < NARROW, "-narrow")
        self._layout_class(width >= WIDE, "-wide")
        self._show_progress()

    # -- steps ---------------------------------------------------------------
    def _fill_steps(self) -> None:
        """The step list: only the steps whose line changed are drawn again."""
        steps = self.query_one("#steps", OptionList)
        prompts = [self._step_prompt(s) for s in self.interview.steps]
        lines = [(p.plain, list(p.spans)) for p in prompts]
        if steps.option_count != len(prompts):
            steps.clear_options()
            steps.add_options([Option(p, id=s.id) for p, s in zip(prompts, self.interview.steps)])
        else:
            for i, (prompt, line) in enumerate(zip(prompts, lines)):
                if self._step_lines[i] != line:
                    steps.replace_option_prompt_at_index(i, prompt)
        self._step_lines = lines
        index = self._step_index(self.step.id)
        if steps.highlighted != index:
            steps.highlighted = index

    def _step_prompt(self, step) -> Content:
        state = self.derived.states.get(step.id) if self.derived else None
        current = step.id == self.step.id
        if state is None:
            return Content.assemble(("> " if current else "  "), (step.title, "bold" if current else ""))
        mark, style = ("✓ ", "$success") if state.done else ("· ", "$text-muted")
        findings = state.gaps + state.questions + state.evidence
        return Content.assemble(
            (mark, style), (step.title, "bold" if current else ""), "\n  ",
            (f"{state.answered}/{state.total}", "$text-muted"),
            (f"  {findings} finding{'s' if findings != 1 else ''}" if findings else "", "$warning"),
        )

    def _step_index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.interview.steps) if s.id == step_id)

    @on(OptionList.OptionSelected, "#steps")
    def _step_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._layout_class(False, "-show-steps")
        self.show_step(event.option.id, focus=True)

    def show_step(self, step_id: str, path: Optional[str] = None, *, rebuild: bool = False,
                  focus: bool = False) -> None:
        """Show a step's questions; with ``path``, select its item and focus its field."""
        self.step = self.interview.step(step_id)
        head = self.query_one("#step-head", Static)
        head.update(Content.assemble((self.step.title, "bold"), "\n", (self.step.intro, "$text-muted")))
        form = self.query_one(StepForm)
        form.show(self.step, self._flags(), path, rebuild=rebuild, focus=focus)
        self._fill_steps()

    # -- editing -------------------------------------------------------------
    def enter_typed_answer(self) -> bool:
        """Apply what the focused field holds but was not entered yet (ctrl+q, switching client): True when
        nothing typed is left behind, False when the text is not an answer (the field says why)."""
        field = None
        for node in (self.focused.ancestors_with_self if self.focused is not None else ()):
            if isinstance(node, QuestionField):
                field = node
                break
        if field is None:
            return True
        try:
            path, value = field.enter_typed()
        except ValueError:
            return False
        if path is None:
            return True
        try:
            self.session.answer(path, value)
        except EditError as exc:
            field.set_error(_reason(exc, path))
            return False
        return True

    @on(QuestionField.AnswerChanged)
    def _answer_changed(self, event: QuestionField.AnswerChanged) -> None:
        event.stop()
        field = event.field
        try:
            self.session.answer(event.path, event.value)
        except EditError as exc:
            field.set_error(_reason(exc, event.path))
            return
        field.set_value(self.session.get(event.path))
        if field._meta and not self.session.follow_up_for(event.path):
            field.set_meta(self.query_one(StepForm).meta_for(event.path))  # its follow-up is answered now
        self.query_one(StepForm).after_edit(event.path)

    def _policy_changed(self, change) -> None:
        """Every applied edit, undo and redo: evaluate and save soon."""
        self._edited_at = time.perf_counter()
        self.last_latency = None
        self.query_one(GapPanel).mark_stale()
        self._start_evaluation()  # at once: it runs in a thread while this frame is drawn
        if self._unsaved_since is None:
            self._unsaved_since = time.perf_counter()
        if self._save_timer is None:
            self._save_timer = self._after(SAVE_AFTER, self._start_save)
        self._show_progress()

    def _after(self, delay: float, callback) -> Timer:
        """Call ``callback`` once, ``delay`` seconds from now, however late the timer gets to run.

        ``set_timer`` makes a skipping timer: when the loop is busier than ``delay`` (a step being built, a
        loaded machine), it skips its only tick and never calls back, so the gap panel would stay stale and the
        draft unsaved until the next edit."""
        timer = Timer(self, delay, callback=partial(self.call_next, callback), repeat=0, skip=False,
                      name="interview-after")
        timer._start()
        self._timers.add(timer)  # stopped with the screen, as set_timer's are
        return timer

    @on(ItemTable.AddRequested)
    def _add_item(self, event: ItemTable.AddRequested) -> None:
        event.stop()
        list_path = event.table.list_path
        required = required_fields(self.session, list_path, self.interview)
        if not required:
            self._do_add(list_path, {})
            return
        from .dialogs import AddItemDialog  # dialogs are imported when first opened

        taken = [getattr(item, "id", None) for item in (self.session.get(list_path) or ())]
        self.app.push_screen(AddItemDialog(kind_in_words(list_path), required, [t for t in taken if t]),
                             lambda data: data is not None and self._do_add(list_path, data))

    def _do_add(self, list_path: str, data: dict) -> None:
        try:
            change = self.session.add(list_path, data)
        except EditError as exc:
            self.notify(str(exc), title="Not added", severity="error", markup=False)
            return
        # the new row is selected and the table keeps the focus: add the next one, or enter to answer for it;
        # the rest of the step stays as it is (the table's filter and sort too)
        form = self.query_one(StepForm)
        form.call_later(form.item_added, list_path, change.path[-1])

    async def action_undo(self) -> None:
        await self._history(self.session.undo, "Nothing to undo.")

    async def action_redo(self) -> None:
        await self._history(self.session.redo, "Nothing to redo.")

    async def _history(self, step, empty: str) -> None:
        change = step()
        if change is None:
            self.notify(empty)
            return
        if change.op == "group" and all(leaf.op == "set" for leaf in change.leaves()) and \
                change.label.startswith("Answer "):  # an answer that also closed its follow-up
            from workbench.spec.io import format_path

            form = self.query_one(StepForm)
            form.refresh_values()
            form.refresh_meta()
            self.jump_to(format_path(next(change.leaves()).path))
            self.notify(f"{'Undone' if step == self.session.undo else 'Redone'}: {change.label}", markup=False)
            return
        if change.op == "group":  # a bulk edit, import or multi-delete: refresh what it touched, in place
            form = self.query_one(StepForm)
            heads = {form.local_path(leaf.path)[0] for leaf in change.leaves() if leaf.path}
            if heads & set(form.heads):
                await form.after_group(change, undone=step == self.session.undo)
            elif heads:
                self.jump_to(sorted(heads)[0], rebuild=True)
            self.notify(f"{'Undone' if step == self.session.undo else 'Redone'}: {change.label}", markup=False)
            return
        from workbench.spec.io import format_path

        path = format_path(change.path)
        if change.op == "set":
            self.query_one(StepForm).refresh_values()
            self.jump_to(path)
        else:
            self.jump_to(path, rebuild=True)

    # -- evaluation ----------------------------------------------------------
    def _start_evaluation(self) -> None:
        """Evaluate in a thread worker now; while one runs, edits are coalesced into the next (started when
        it finishes). Answers are committed on enter, not per keystroke, so there is nothing to debounce."""
        if self._eval_worker is not None and self._eval_worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return  # it re-runs when it finishes, if the policy moved on meanwhile
        self._eval_worker = self._evaluate()

    @work(thread=True, group="evaluate", exit_on_error=False)
    def _evaluate(self) -> Optional[Derived]:
        """Evaluate and work out progress and step states, off the main thread."""
        return self._derive()

    def _derive(self) -> Derived:
        """The latest evaluation with its progress and step states, all of one revision."""
        session, interview = self.session, self.interview
        while True:
            evaluation = session.evaluate()
            if evaluation is None:
                time.sleep(0.01)
                continue
            report = evaluation.report
            counts = self._tally.counts(session.policy)
            progress = Q.progress(interview, session.policy, report, tally=counts)
            states = Q.step_states(interview, session.policy, report, tally=counts)
            if session.revision == evaluation.revision:
                return Derived(evaluation, progress, states)
            # an edit landed while progress was worked out: the figures may mix two revisions, start over

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "evaluate":
            self._evaluation_done(worker)
        elif worker.group == "autosave":
            self._save_done(worker)

    def _evaluation_done(self, worker: Worker) -> None:
        if worker.state == WorkerState.ERROR:
            self.notify(f"The gap engine failed: {worker.error}", severity="error", markup=False)
            return
        if worker.state != WorkerState.SUCCESS:
            return
        derived = worker.result
        if derived is not None and derived.evaluation.revision > self._shown_revision:
            self._show(derived)
        if self.session.stale:
            self._start_evaluation()

    def _show(self, derived: Derived) -> None:
        self.derived = derived
        self._shown_revision = derived.evaluation.revision
        self.query_one(GapPanel).show(derived.evaluation.report, derived.evaluation.is_new, self.session.wording())
        self.query_one(StepForm).flag(self._flags())
        self._fill_steps()
        self._show_progress()
        self.call_after_refresh(self._painted, self._edited_at, derived.evaluation.revision)

    def _painted(self, edited_at: Optional[float], revision: int) -> None:
        """The frame showing an evaluation is drawn: the autosave may start; after an edit, how long it took
        from the edit to this frame (the benchmark)."""
        self._drawn_revision = max(self._drawn_revision, revision)
        if edited_at is not None and self._shown_revision == revision and not self.session.stale:
            self.last_latency = time.perf_counter() - edited_at
        if self.first_findings_pending:
            # the first frame with the client's findings is drawn: the garbage collector, held since the start
            # (workbench.app.pause_collector), runs once what waited for this frame has run
            self.first_findings_pending = False
            from .. import resume_collector

            self.app.call_later(resume_collector)

    def _flags(self) -> dict[str, str]:
        """Worst open severity per field path, to mark the fields a finding points at."""
        if self.derived is None:
            return {}
        flags: dict[str, str] = {}
        rank = {"blocker": 0, "major": 1, "minor": 2, "advisory": 3}
        for f in self.derived.evaluation.report.open:
            for p in f.paths:
                if p not in flags or rank.get(f.severity, 9) < rank.get(flags[p], 9):
                    flags[p] = f.severity
        return flags

    def _show_progress(self) -> None:
        line = self.query_one("#progress", Static)
        parts = []
        narrow = self.has_class("-narrow")
        if self.derived is not None:
            p = self.derived.progress
            parts.append(f"{p.answered}/{p.total} answered, {p.blockers} blocker{'' if p.blockers == 1 else 's'}"
                         if narrow else str(p))
            parts.append(f"readiness {self.derived.evaluation.report.readiness()}%")
        if self.session.dirty:
            parts.append("saving...")
        elif self.saved_at:
            # at 80 columns the keys' hint after it was cut off ("... draft saved 19:17:04  ·  ^g")
            parts.append(f"saved {self.saved_at[:5]}" if narrow else f"draft saved {self.saved_at}")
        if narrow:
            parts.append("^g gaps ^l steps")
        text = (" · " if narrow else "  ·  ").join(parts)
        if text != self._progress_text:
            self._progress_text = text
            line.update(text, layout=False)  # one line high, full width: no layout to redo (it costs a frame)

    # -- autosave ------------------------------------------------------------
    def _start_save(self) -> None:
        self._save_timer = None
        if self._save_worker is not None and self._save_worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return
        waiting = self.session.stale or self._drawn_revision < self.session.revision
        if waiting and self._unsaved_since is not None and time.perf_counter() - self._unsaved_since < SAVE_BY:
            # the gap panel first: serializing a large policy in a thread would slow the evaluation and the
            # frame the person waits for (one interpreter lock); but never later than SAVE_BY
            self._save_timer = self._after(0.05, self._start_save)
            return
        self._save_worker = self._save()

    @work(thread=True, group="autosave", exit_on_error=False)
    def _save(self) -> bool:
        if not self.session.dirty:
            # saved already (a publish saves the draft first, then writes the published version's draft over
            # it): a timer left from the edit before must not write the older policy back over that
            return True
        return self.session.save_draft()

    def _save_done(self, worker: Worker) -> None:
        if worker.state == WorkerState.ERROR:
            self.notify(f"The draft could not be saved: {worker.error}. Your answers are kept in memory; "
                        f"free some space or check the folder, the next change retries.", severity="error",
                        timeout=10, markup=False)
        elif worker.state != WorkerState.SUCCESS:
            return
        if worker.state == WorkerState.SUCCESS and not self.session.dirty:
            self.saved_at = self.app.clock().strftime("%H:%M:%S")
            self._unsaved_since = None
        if self.session.dirty and self._save_timer is None and worker.state == WorkerState.SUCCESS:
            self._save_timer = self._after(0.05, self._start_save)
        self._show_progress()

    # -- navigation ----------------------------------------------------------
    def jump_to(self, path: str, *, rebuild: bool = False) -> None:
        """Show the step where ``path`` is answered, with its item selected and its field focused."""
        location = Q.step_for_path(path, self.interview) if path else None
        if location is None:
            self.notify(f"No question asks for {path or 'this'} yet; it is in the spec file.", markup=False)
            return
        self._layout_class(False, "-show-gaps", "-show-steps")
        path = location.path
        if location.question is not None:
            # a finding about a field this item does not have (a site's copy has no cloud region): the
            # question asked in its place, which the form shows
            other = Q.instead_of(self.interview, location.question, self.session.policy, path)
            path = other[1] if other else path
        self.show_step(location.step.id, path, rebuild=rebuild)

    @on(GapPanel.FindingSelected)
    def _finding_chosen(self, event: GapPanel.FindingSelected) -> None:
        event.stop()
        self.jump_to(event.finding.path)

    @on(GapPanel.AcceptRequested)
    def _accept(self, event: GapPanel.AcceptRequested) -> None:
        event.stop()
        finding = event.finding
        approver = getattr(self.session.policy.policy.approver, "name", None) or ""

        def accepted(data: Optional[dict]) -> None:
            if data is None:
                return
            try:
                self.session.accept_finding(finding, **data)
            except EditError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"{finding.rule} accepted as an exception until {data['expires_on']}.", markup=False)

        from .dialogs import ExceptionDialog  # dialogs are imported when first opened

        self.app.push_screen(ExceptionDialog(finding, self.session.as_of, approver, self.session.wording()), accepted)

    def action_next_question(self) -> None:
        report = self.derived.evaluation.report if self.derived else None
        nxt = Q.next_question(self.interview, self.session.policy, report)
        if nxt is None:
            self.notify("Every question that applies is answered (or waiting on a follow-up).")
            return
        self.jump_to(nxt.path)
        # named with its item: at 80x24 the item's title is often scrolled out of view above its field
        where = item_in_words(self.session.policy, nxt.path)
        why = f"{nxt.reason[:1].upper()}{nxt.reason[1:]}:\n{nxt.asks}" if nxt.adds and nxt.asks else \
            f"{nxt.reason[:1].upper()}{nxt.reason[1:]}."
        self.notify(f"{nxt.question.text}\n{why}", timeout=6 if nxt.adds else 4, markup=False,
                    title=where[:1].upper() + where[1:] if where else "Next question")

    def action_toggle_help(self) -> None:
        pane = self.query_one("#help", HelpPane)
        pane.display = not pane.display
        if pane.display:
            self._layout_class(True, "-show-help")
            self._show_help()
        else:
            self._layout_class(False, "-show-help")

    def _focused_field(self) -> Optional[QuestionField]:
        node = self.focused
        while node is not None and not isinstance(node, QuestionField):
            node = node.parent
        return node

    def on_descendant_focus(self, event) -> None:
        if self.query_one("#help").display:
            self._show_help()

    def _show_help(self) -> None:
        field = self._focused_field()
        if field is not None:
            self.query_one("#help", HelpPane).show_help(field.question)

    def _focused_question(self) -> tuple[Any, Optional[str]]:
        """The question the focus is on, and its path: a field's, or a table's own ("Which systems ...?"): a
        person on the systems table who does not know the list yet makes that a follow-up too."""
        field = self._focused_field()
        if field is not None:
            return field.question, field.path
        node = self.focused
        while node is not None and not isinstance(node, ItemTable):
            node = node.parent
        if node is not None:
            question = self.interview.by_path(node.list_path)
            if question is not None:
                return question, node.list_path
        return None, None

    def action_dont_know(self) -> None:
        question, path = self._focused_question()
        if question is None:
            self.notify("Move to a question first (tab), then F2 makes it a follow-up.")
            return

        def done(data: Optional[dict]) -> None:
            if data is None:
                return
            from ..followups import follow_up_for

            try:
                item = follow_up_for(question, path, self.session.policy, owner=data["owner"],
                                     due=data["due"], note=data["note"])
                self.session.add("follow_ups", item.model_dump(exclude_none=True))
            except (EditError, ValueError) as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.query_one(StepForm).refresh_meta()
            self.notify(f"Follow-up for {data['owner']}.", markup=False)

        from workbench.spec.followups import path_in_words
        from .dialogs import FollowUpDialog  # dialogs are imported when first opened

        self.app.push_screen(FollowUpDialog(question.text, path, where=path_in_words(self.session.policy, path),
                                            today=self.session.as_of), done)

    def action_source_note(self) -> None:
        field = self._focused_field()
        if field is None:
            self.notify("Move to a question first (tab), then F3 notes where its answer came from.")
            return

        def done(data: Optional[dict]) -> None:
            if data is not None:
                self.session.set_source(field.path, data["note"])
                self.query_one(StepForm).refresh_meta()

        from .dialogs import SourceDialog  # dialogs are imported when first opened

        self.app.push_screen(SourceDialog(field.path, self.session.source_of(field.path)), done)

    def _remember_focus(self) -> None:
        if self.focused is not None and self.focused.id not in ("gap-list", "steps"):
            self._return_focus = self.focused

    def action_gaps(self) -> None:
        self._remember_focus()
        if self.has_class("-narrow"):
            self._layout_class(not self.has_class("-show-gaps"), "-show-gaps")
            self._layout_class(False, "-show-steps")
        if not self.has_class("-narrow") or self.has_class("-show-gaps"):
            self.query_one("#gap-list").focus()

    def action_steps(self) -> None:
        self._remember_focus()
        if self.has_class("-narrow"):
            self._layout_class(not self.has_class("-show-steps"), "-show-steps")
            self._layout_class(False, "-show-gaps")
        if not self.has_class("-narrow") or self.has_class("-show-steps"):
            self.query_one("#steps").focus()

    def action_table(self) -> None:
        """Focus the step's table of items (systems, tiers ...), the next one on each press."""
        form = self.query_one(StepForm)
        tables = [t.view for t in form.page.query(ItemTable)] if form.page is not None else []
        if not tables:
            self.notify("This step has no table.")
            return
        current = next((i for i, t in enumerate(tables) if t.has_focus), -1)
        if current < 0:
            # from an item's answers, its own list first (a source's field -> the sources table, not the alerts
            # table above it, which a bulk edit would then have changed)
            node = self.focused
            while node is not None and not (node.id or "").startswith("item-form-"):
                node = node.parent
            if node is not None:
                own = [t.view for t in self.query(ItemTable) if t.id == "items-" + node.id[len("item-form-"):]]
                if own:
                    own[0].focus()
                    return
        tables[(current + 1) % len(tables)].focus()

    def action_back_to_form(self) -> None:
        """Escape: close an overlay and go back to the question being answered."""
        self._layout_class(False, "-show-gaps", "-show-steps")
        target = getattr(self, "_return_focus", None)
        if target is not None and target.is_attached:
            target.focus()
        else:
            self.query_one(StepForm).focus_first()

    def action_switch_client(self) -> None:
        self.app.action_switch_client()

    def action_export_follow_ups(self) -> None:
        self.app.action_export_follow_ups()


def _reason(exc: EditError, path: str) -> str:
    text = str(exc)
    prefix = f"{path}: "
    return text[len(prefix):] if text.startswith(prefix) else text
