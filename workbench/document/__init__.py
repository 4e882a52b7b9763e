"""The written policy and its readiness report: Markdown, HTML or Word.

``render(policy, report, fmt)`` builds the view model once
(:mod:`workbench.document.context`) and hands it to a format;
``render(..., document="report")`` does the same for the readiness report
(:mod:`workbench.document.readiness`): open items, test calendar, exceptions
register, findings and the evidence request list, kept out of the policy.
Markdown and HTML go through the Jinja2 templates in
``policy_templates/documents/`` (so a consultant can change wording and
branding without touching Python); Word is written with python-docx,
imported only when a .docx is asked for, optionally on the styles, header
and letterhead of a reference .docx (``reference_docx``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

FORMATS = ("markdown", "html", "docx")
DOCUMENTS = ("policy", "report")
TEMPLATES = {"policy": {"markdown": "policy.md.j2", "html": "policy.html.j2"},
             "report": {"markdown": "report.md.j2", "html": "report.html.j2"}}


def build_view(policy, report, *, history: Optional[list[dict]] = None, document: str = "policy") -> dict:
    """The plain view model (dicts, lists and strings) every format renders."""
    if document == "report":
        from .readiness import build_report

        return build_report(policy, report, history=history)
    if document != "policy":
        raise ValueError(f"unknown document {document!r}; choose one of {', '.join(DOCUMENTS)}")
    from .context import build

    return build(policy, report, history=history)


def build_views(policy, report, *, history: Optional[list[dict]] = None) -> dict[str, dict]:
    """Both view models, {"policy": ..., "report": ...}, from one pass over the answers."""
    from .readiness import build_both

    policy_view, report_view = build_both(policy, report, history=history)
    return {"policy": policy_view, "report": report_view}


def render_all(policy, report, formats=FORMATS, *, history: Optional[list[dict]] = None, document: str = "policy",
               reference_docx: Optional[Path | str] = None) -> dict[str, str | bytes]:
    """The document in each of ``formats`` (format -> text, or bytes for docx), from one view model built once."""
    view = build_view(policy, report, history=history, document=document)
    return {fmt: render_view(view, fmt, reference_docx=reference_docx) for fmt in formats}


def render_view(view: dict, fmt: str, *, reference_docx: Optional[Path | str] = None) -> str | bytes:
    """Render an already built view model in ``fmt`` (build once, render several formats)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "docx":
        from .docx_writer import write_docx

        return write_docx(view, reference=reference_docx)
    from .templating import render_template

    return render_template(TEMPLATES[view.get("kind", "policy")][fmt], view)


#: Under the title of a policy rendered with no approval date.
UNAPPROVED_NOTE = ("DRAFT, not approved: no approval date is recorded yet. This document is not in force until its "
                   "approver approves it.")


def mark_draft(view: dict, note: str, version_text: Optional[str] = None) -> dict:
    """``view`` as a draft for review: ``note`` under the title (why it is not the approved policy), "DRAFT" at
    the head of every page's header, and a version and approval date that are not those of the version it
    follows (a draft after 2.0 showed "Version 2.0" and 2.0's approval date), so no page of it passes for an
    approved version."""
    header = view.get("header") or view.get("title", "")
    version, label = view.get("version") or "", view.get("version_label") or "Version"
    draft_version = version_text or (f"draft after {version}" if version else "draft, nothing published yet")
    control = []
    for row in view.get("control", []):
        if row.get("key") == "version":
            row = {**row, "value": draft_version[:1].upper() + draft_version[1:], "open": False}
        elif row.get("key") == "approved_on":
            row = {**row, "value": "Not approved (draft)", "open": False}
        control.append(row)
    footer = view.get("footer", "")
    if version and f"{label} {version}" in footer:
        footer = footer.replace(f"{label} {version}", f"{label} {draft_version}")
    return {**view, "draft": note, "header": f"DRAFT · {header}" if header else "DRAFT", "control": control,
            "footer": footer}


def render_markdown(policy, report, *, history: Optional[list[dict]] = None, document: str = "policy") -> str:
    return render(policy, report, "markdown", history=history, document=document)


def render_html(policy, report, *, history: Optional[list[dict]] = None, document: str = "policy") -> str:
    return render(policy, report, "html", history=history, document=document)


def render_docx(policy, report, *, history: Optional[list[dict]] = None, document: str = "policy",
                reference_docx: Optional[Path | str] = None) -> bytes:
    return render(policy, report, "docx", history=history, document=document, reference_docx=reference_docx)


def render(policy, report, fmt: str = "markdown", *, history: Optional[list[dict]] = None, document: str = "policy",
           reference_docx: Optional[Path | str] = None) -> str | bytes:
    """The policy (or, with ``document="report"``, the readiness report) in ``fmt``; docx is bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    view = build_view(policy, report, history=history, document=document)
    if document == "policy" and policy.policy.approved_on is None:
        # nobody has approved it: no page of it may pass for the policy in force
        view = mark_draft(view, UNAPPROVED_NOTE, version_text=(
            f"{policy.policy.version} (draft, not approved)" if policy.policy.version else None))
    return render_view(view, fmt, reference_docx=reference_docx)


def render_report(policy, report, fmt: str = "markdown", *, history: Optional[list[dict]] = None,
                  reference_docx: Optional[Path | str] = None) -> str | bytes:
    """The readiness report in ``fmt``."""
    return render(policy, report, fmt, history=history, document="report", reference_docx=reference_docx)


__all__ = ["DOCUMENTS", "FORMATS", "build_view", "build_views", "mark_draft", "render", "render_all", "render_docx", "render_html",
           "render_markdown", "render_report", "render_view"]
