"""The written policy: render a policy and its findings to Markdown, HTML or Word.

``render(policy, report, fmt)`` builds the view model once
(:mod:`workbench.document.context`) and hands it to a format. Markdown and
HTML go through the Jinja2 templates in ``policy_templates/documents/`` (so a
consultant can change wording and branding without touching Python); Word is
written with python-docx, imported only when a .docx is asked for.
"""

from __future__ import annotations

from typing import Optional

FORMATS = ("markdown", "html", "docx")


def build_view(policy, report, *, history: Optional[list[dict]] = None) -> dict:
    """The plain view model (dicts, lists and strings) every format renders."""
    from .context import build

    return build(policy, report, history=history)


def render_markdown(policy, report, *, history: Optional[list[dict]] = None) -> str:
    from .templating import render_template

    return render_template("policy.md.j2", build_view(policy, report, history=history))


def render_html(policy, report, *, history: Optional[list[dict]] = None) -> str:
    from .templating import render_template

    return render_template("policy.html.j2", build_view(policy, report, history=history))


def render_docx(policy, report, *, history: Optional[list[dict]] = None) -> bytes:
    from .docx_writer import write_docx

    return write_docx(build_view(policy, report, history=history))


def render_view(view: dict, fmt: str) -> str | bytes:
    """One format of a view model already built (:func:`build_view`); docx is bytes."""
    if fmt == "docx":
        from .docx_writer import write_docx

        return write_docx(view)
    if fmt in ("markdown", "html"):
        from .templating import render_template

        return render_template("policy.md.j2" if fmt == "markdown" else "policy.html.j2", view)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_all(policy, report, formats=FORMATS, *, history: Optional[list[dict]] = None) -> dict[str, str | bytes]:
    """The document in each of ``formats`` (format -> text, or bytes for docx), from one view model built
    once (publishing writes all three; the renderers only read the view)."""
    view = build_view(policy, report, history=history)
    return {fmt: render_view(view, fmt) for fmt in formats}


def render(policy, report, fmt: str = "markdown", *, history: Optional[list[dict]] = None) -> str | bytes:
    """The policy document in ``fmt`` (markdown, html or docx); docx is bytes."""
    renderers = {"markdown": render_markdown, "html": render_html, "docx": render_docx}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return renderers[fmt](policy, report, history=history)


__all__ = ["FORMATS", "build_view", "render", "render_all", "render_view", "render_docx", "render_html", "render_markdown"]
