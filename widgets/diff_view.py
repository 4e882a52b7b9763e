"""A policy diff in the diff's own words: material changes, other changes, findings appeared and resolved.

Give it a :class:`workbench.store.semdiff.PolicyDiff` (:meth:`DiffView.show`)
or None (nothing published yet). Text from the policy is shown literally,
never as markup.
"""

from __future__ import annotations

from typing import Any, Optional

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

SEVERITY_STYLE = {"blocker": "bold $error", "major": "$warning", "minor": "$secondary", "advisory": "$text-muted"}


def summary_line(diff: Any) -> str:
    """"3 changes, 1 material (retention). Suggested bump: major"."""
    n, m = len(diff.changes), len(diff.material)
    if not n:
        return f"No changes to the policy's answers since {diff.a_label}."
    why = f" ({', '.join(diff.areas())})" if m else ""
    return (f"{n} change{'s' if n != 1 else ''} since {diff.a_label}, {m} material{why}. "
            f"Suggested bump: {diff.suggested_bump}.")


def diff_content(diff: Any, *, summary: bool = True) -> Content:
    """The whole diff as styled text (``summary=False`` when the owner shows :func:`summary_line` itself)."""
    parts: list = [(summary_line(diff), "bold"), "\n"] if summary else []
    material = diff.material
    other = [c for c in diff.changes if not c.material]
    if material:
        parts += ["\n", ("Material changes", "bold $warning"), "\n"]
        for c in material:
            parts += [(f"  [{c.area}] ", "$warning"), c.text, "\n"]
    if other:
        parts += ["\n", ("Other changes", "bold"), "\n"]
        for c in other:
            parts += ["  ", c.text, "\n"]
    if not diff.changes and summary is False:
        parts += [("No changes to the policy's answers.", "bold"), "\n"]
    parts += _findings("Findings that appeared", "+ ", diff.appeared)
    parts += _findings("Findings that went away", "- ", diff.resolved)
    return Content.assemble(*parts)


def _findings(title: str, mark: str, items: list) -> list:
    out: list = ["\n", (f"{title}: {len(items)}", "bold"), "\n"]
    for fc in items:
        f = fc.finding
        note = f" ({fc.note})" if getattr(fc, "note", None) else ""
        out += [f"  {mark}", (f"{f.severity:<8} ", SEVERITY_STYLE.get(f.severity, "")), f"{f.rule} ",
                f.message, note, "\n"]
    return out


class DiffView(VerticalScroll):
    """A scrolling, read-only view of one policy diff."""

    DEFAULT_CSS = """
    DiffView { height: 1fr; padding: 0 1; }
    DiffView > #diff-text { height: auto; }
    """

    def compose(self):
        yield Static("", id="diff-text", markup=False)

    def show(self, diff: Optional[Any], empty: str = "Nothing published yet: every answer is new.", *,
             summary: bool = True) -> None:
        text = self.query_one("#diff-text", Static)
        text.update(empty if diff is None else diff_content(diff, summary=summary))

    def show_text(self, text: str) -> None:
        self.query_one("#diff-text", Static).update(text)
