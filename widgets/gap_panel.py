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
    GapPanel > #gap-detail { height: auto; max-height: 8; padding: 0 1; color: $text-muted; }
    GapPanel.-stale > #gap-summary { color: $text-muted; }
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

    def compose(self) -> ComposeResult:
        yield Static("Evaluating...", id="gap-summary", markup=False)
        yield OptionList(id="gap-list")
        yield Static("", id="gap-detail", markup=False)

    # -- showing -----------------------------------------------------------
    def show(self, report: Any, is_new: Optional[Callable[[Any], bool]] = None) -> None:
        """Redraw from a gap-engine report (anything with ``findings`` and ``readiness()``)."""
        self._is_new = is_new or (lambda f: False)
        findings = [f for f in report.findings if getattr(f, "accepted", None) is None]
        self._findings = findings
        self.query_one("#gap-summary", Static).update(summary(report, findings))
        options = self.query_one("#gap-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(self._prompt(f), id=str(i)) for i, f in enumerate(findings[:MAX_LISTED])])
        if len(findings) > MAX_LISTED:
            options.add_option(Option(f"... and {len(findings) - MAX_LISTED} more (fix the ones above first)",
                                      disabled=True))
        if findings:
            options.highlighted = min(highlighted or 0, min(len(findings), MAX_LISTED) - 1)
        self.remove_class("-stale")
        self._describe(options.highlighted)

    def mark_stale(self) -> None:
        """An edit landed; a fresh evaluation is on its way."""
        self.add_class("-stale")

    def _prompt(self, f: Any) -> Content:
        new = ("  NEW", "bold $accent") if self._is_new(f) else ("", "")
        sev = f.severity
        kind = kind_of(f)
        return Content.assemble(
            (f"{SHORT.get(sev, sev)}", STYLE.get(sev, "")), " ",
            (f"{f.rule}", "bold"),
            (f" {kind}" if kind != "gap" else "", "$text-muted"),
            new, "\n",
            str(f.message), "\n",
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
        detail = self.query_one("#gap-detail", Static)
        if index is None or index >= len(self._findings):
            detail.update("")
            return
        f = self._findings[index]
        why = f"Fix: {f.fix}" if getattr(f, "fix", "") else ""
        detail.update(why)

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
        sev_parts += [(f"{by_sev.get(sev, 0)} {sev}", STYLE[sev] if by_sev.get(sev) else "$text-muted"), "  "]
    kinds = "  ".join(f"{by_kind.get(k, 0)} {k}{'s' if by_kind.get(k, 0) != 1 and k != 'evidence' else ''}"
                      for k in KINDS)
    return Content.assemble(
        ("Readiness ", "bold"), (f"{ready}%", "bold $success" if ready >= 90 else "bold $warning"), f"  {audit}\n",
        *sev_parts[:-1], "\n", (kinds, "$text-muted"),
    )
