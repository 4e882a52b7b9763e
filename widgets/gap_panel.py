"""The live gap panel: readiness, counts by severity and kind, and the open findings, worst first.

It shows what the owner gives it (:meth:`GapPanel.show`) and reports what the
person does with it (:class:`GapPanel.FindingSelected`,
:class:`GapPanel.AcceptRequested`); it never evaluates anything itself.
Findings are read generically: ``kind`` may be ``gap``, ``question``
(``unanswered`` in older engines) or ``evidence``. Finding text is the
user's own words and is never read as markup.

| Key | Action |
|---|---|
| enter | jump to the finding's step and field |
| a | accept the finding as an exception |
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Iterable, Optional

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

SEVERITIES = ("blocker", "major", "minor", "advisory")
SHORT = {"blocker": "BLOCK", "major": "MAJOR", "minor": "minor", "advisory": "advis"}
STYLE = {"blocker": "bold $error", "major": "$warning", "minor": "$secondary", "advisory": "$text-muted"}
KINDS = ("gap", "question", "evidence")
#: Most findings listed at once; the counts above always cover all of them.
MAX_LISTED = 200


def kind_of(finding: Any) -> str:
    kind = getattr(finding, "kind", "gap") or "gap"
    return "question" if kind == "unanswered" else kind


class GapPanel(Vertical):
    """Readiness, counts and the open findings of the latest evaluation."""

    DEFAULT_CSS = """
    GapPanel { height: 1fr; }
    GapPanel > #gap-summary { height: auto; padding: 0 1; }
    GapPanel > #gap-list { height: 1fr; border: none; padding: 0; }
    GapPanel > #gap-list > .option-list--option { padding: 0 1; }
    GapPanel > #gap-detail { height: auto; max-height: 8; padding: 0 1; color: $text-muted;
                             border-top: hkey $panel-lighten-2; }
    GapPanel > #gap-detail.-empty { display: none; }
    GapPanel > #gap-summary.-stale { color: $text-muted; }
    """

    BINDINGS = [
        Binding("a", "accept", "Accept as exception", show=True, id="gap.accept"),
    ]

    class FindingSelected(Message):
        """The person chose a finding: jump to where it is answered."""

        def __init__(self, finding: Any) -> None:
            self.finding = finding
            super().__init__()

    class AcceptRequested(Message):
        """The person asked to accept a finding as a documented exception."""

        def __init__(self, finding: Any) -> None:
            self.finding = finding
            super().__init__()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._findings: list[Any] = []
        self._is_new: Callable[[Any], bool] = lambda f: False
        self._wording: Callable[[str], str] = str  # how a finding's message is shown
        self._summary: Any = None
        self._detail = ""  # the fix of the highlighted finding, as shown
        #: (what the line shows, its prompt) for each finding listed, as drawn now
        self._drawn: list[tuple[tuple, Content]] = []
        self._more = 0  # findings beyond MAX_LISTED, as the last line says

    def compose(self) -> ComposeResult:
        yield Static("Evaluating...", id="gap-summary", markup=False)
        yield OptionList(id="gap-list")
        yield Static("", id="gap-detail", markup=False, classes="-empty")

    # -- showing -----------------------------------------------------------
    def show(self, report: Any, is_new: Optional[Callable[[Any], bool]] = None,
             wording: Optional[Callable[[str], str]] = None) -> None:
        """Show a gap-engine report (anything with ``findings`` and ``readiness()``); ``wording`` gives the text a
        finding's message is shown as (the spec's words in plain words).

        Proportional to what changed: a line whose finding is the same, worded the same and still (not) new,
        is left as drawn; a changed line gets the new prompt in place (a prompt drawn before elsewhere in the
        list is reused, with its height worked out); lines are added or removed only at the end. So the
        highlighted finding and the scroll position stay where the person left them."""
        highlighted = self.highlighted_finding()
        self._is_new = is_new or (lambda f: False)
        self._wording = wording or str
        findings = [f for f in report.findings if getattr(f, "accepted", None) is None]
        self._findings = findings
        head = summary(report, findings)
        if self._summary is None or (head.plain, list(head.spans)) != (self._summary.plain, list(self._summary.spans)):
            self._summary = head
            self.query_one("#gap-summary", Static).update(head)
        options = self.query_one("#gap-list", OptionList)
        listed = findings[:MAX_LISTED]
        wanted = [self._line(f) for f in listed]
        more = len(findings) - len(listed)
        drawn = self._drawn
        if self._more and (more != self._more or len(wanted) != len(drawn)):
            options.remove_option_at_index(len(drawn))  # the "... and N more" line, last
            self._more = 0
        prompts = {sig: prompt for sig, prompt in drawn}  # a line drawn before keeps its prompt (and height)
        lines: list[tuple[tuple, Content]] = []
        for i, (sig, f) in enumerate(zip(wanted, listed)):
            if i < len(drawn) and drawn[i][0] == sig:
                lines.append(drawn[i])
                continue
            prompt = prompts.get(sig) or self._prompt(f)
            lines.append((sig, prompt))
            if i < len(drawn):
                options.replace_option_prompt_at_index(i, prompt)
        for i in range(len(drawn) - 1, len(wanted) - 1, -1):
            options.remove_option_at_index(i)  # from the end: nothing after it to renumber
        if len(wanted) > len(drawn):
            options.add_options([Option(prompt) for _, prompt in lines[len(drawn):]])
        self._drawn = lines
        if more and more != self._more:
            options.add_option(Option(f"... and {more} more (fix the ones above first)", disabled=True))
            self._more = more
        if findings:
            again = self._index_of(highlighted) if highlighted is not None else None
            current = options.highlighted
            target = again if again is not None else min(current or 0, min(len(findings), MAX_LISTED) - 1)
            if target != current:
                options.highlighted = target
        self.query_one("#gap-summary").remove_class("-stale")
        self._describe(options.highlighted)

    def _line(self, f: Any) -> tuple:
        """What a finding's line shows: the same tuple, the same line."""
        return ("finding", f.severity, f.rule, kind_of(f), self._wording(str(f.message)), self._is_new(f), f.subject,
                tuple(f.paths))

    def _index_of(self, finding: Any) -> Optional[int]:
        """Where a finding shown before is listed now (matched by rule, subject and paths), if it still is."""
        key = (finding.rule, finding.subject, tuple(finding.paths))
        for i, f in enumerate(self._findings[:MAX_LISTED]):
            if (f.rule, f.subject, tuple(f.paths)) == key:
                return i
        return None

    def mark_stale(self) -> None:
        """An edit landed; a fresh evaluation is on its way."""
        # on the summary line alone: a class on the panel would restyle every line of the list (a frame's time)
        self.query_one("#gap-summary").add_class("-stale")

    def _prompt(self, f: Any) -> Content:
        new = ("  NEW", "bold $accent") if self._is_new(f) else ("", "")
        sev = f.severity
        kind = kind_of(f)
        return Content.assemble(
            (f"{SHORT.get(sev, sev)}", STYLE.get(sev, "")), " ",
            (f"{f.rule}", "bold"),
            (f" {kind}" if kind != "gap" else "", "$text-muted"),
            new, "\n",
            self._wording(str(f.message)), "\n",
        )

    @property
    def findings(self) -> list[Any]:
        return list(self._findings)

    def highlighted_finding(self) -> Optional[Any]:
        index = self.query_one("#gap-list", OptionList).highlighted
        if index is None or index >= len(self._findings):
            return None
        return self._findings[index]

    def _describe(self, index: Optional[int]) -> None:
        why = ""
        if index is not None and index < len(self._findings):
            f = self._findings[index]
            # named, so it reads as the highlighted finding's fix and not the one drawn just above it
            why = f"Fix for {f.rule}: {f.fix}" if getattr(f, "fix", "") else ""
        if why != self._detail:
            self._detail = why
            detail = self.query_one("#gap-detail", Static)
            detail.update(why)
            detail.set_class(not why, "-empty")

    # -- events ------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#gap-list")
    def _highlight_changed(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(event.option_index)

    @on(OptionList.OptionSelected, "#gap-list")
    def _finding_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._findings):
            self.post_message(self.FindingSelected(self._findings[event.option_index]))

    def action_accept(self) -> None:
        finding = self.highlighted_finding()
        if finding is not None:
            self.post_message(self.AcceptRequested(finding))


def counts(findings: Iterable[Any]) -> tuple[Counter, Counter]:
    """Open findings counted by severity and by kind."""
    by_sev: Counter = Counter()
    by_kind: Counter = Counter()
    for f in findings:
        by_sev[f.severity] += 1
        by_kind[kind_of(f)] += 1
    return by_sev, by_kind


def summary(report: Any, findings: list[Any]) -> Content:
    """The lines above the list: readiness, severities, kinds."""
    by_sev, by_kind = counts(findings)
    ready = report.readiness()
    audit = "audit-ready" if getattr(report, "audit_ready", False) else "not audit-ready yet"
    sev_parts: list = []
    for sev in SEVERITIES:
        n = by_sev.get(sev, 0)
        if n:  # the severities there are: "2 blockers  4 major" fits the panel's one line at 120 columns
            word = f"{sev}s" if sev == "blocker" and n != 1 else sev
            sev_parts += [(f"{n} {word}", STYLE[sev]), "  "]
    if not sev_parts:
        sev_parts = [("no open findings", "$text-muted"), "  "]
    kinds = "  ".join(f"{by_kind.get(k, 0)} {k}{'s' if by_kind.get(k, 0) != 1 and k != 'evidence' else ''}"
                      for k in KINDS)
    return Content.assemble(
        ("Readiness ", "bold"), (f"{ready}%", "bold $success" if ready >= 90 else "bold $warning"), f"  {audit}\n",
        *sev_parts[:-1], "\n", (kinds, "$text-muted"),
    )
