"""Jinja2 environment for the document templates, and Markdown escaping.

User answers reach templates only as data (the view model), never as template
source, so ``{{ x }}`` typed by a user is printed, not evaluated. HTML
templates are autoescaped; Markdown templates escape with the ``md`` and
``cell`` filters, which make Markdown specials and table pipes literal.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2

from workbench.resources import documents_dir

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#~!$&])")
_LINE_START = re.compile(r"^(\s*)(\d*)([-+=>.)])(?=\s|$)", re.MULTILINE)


def md(text) -> str:
    """Plain text that Markdown shows as typed (no emphasis, links, HTML or headings)."""
    s = _MD_SPECIAL.sub(r"\\\1", str(text))
    return _LINE_START.sub(r"\1\2\\\3", s) if s[:1].isdigit() or s[:1] in " -+=>" or "\n" in s else s


def md_cell(text) -> str:
    """Like :func:`md`, on one line, for a table cell (where line starts cannot occur)."""
    s = str(text)
    if "\n" in s or "\r" in s or "\t" in s:
        s = " ".join(s.split())
    if _MD_SPECIAL.search(s) is not None:
        s = _MD_SPECIAL.sub(r"\\\1", s)
    return s or " "


def md_row(cells) -> str:
    """One Markdown table row: ``| a | b |`` with every cell escaped."""
    return "| " + " | ".join([md_cell(c) for c in cells]) + " |"


def html_rows(rows, open_cell: str):
    """The body rows of an HTML table, one ``<tr>`` a line, every value escaped: a tick box (class box), an
    open answer (class open), a short value kept on one line (class nw), else plain. What the templates' row
    loop wrote, in Python: a 1,000-system policy has tens of thousands of cells."""
    from markupsafe import Markup, escape

    out = []
    for row in rows:
        cells = []
        for c in row:
            if c == "\u2610":
                cls = ' class="box"'
            elif c.startswith(open_cell):
                cls = ' class="open"'
            elif len(c) <= 12:
                cls = ' class="nw"'
            else:
                cls = ""
            cells.append(f"<td{cls}>{escape(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return Markup("\n".join(out))


def _html_autoescape(name: str | None) -> bool:
    return bool(name) and (name.endswith(".html.j2") or name.endswith(".html"))


@lru_cache(maxsize=4)
def environment(folder: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=_html_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["cell"] = md_cell
    env.filters["md_row"] = md_row
    env.filters["html_rows"] = html_rows
    return env


def render_template(name: str, view: dict) -> str:
    """Render ``name`` from the documents folder with the view model as ``doc``."""
    return environment(str(documents_dir())).get_template(name).render(doc=view)
