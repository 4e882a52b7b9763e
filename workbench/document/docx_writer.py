"""Word output: the view model written with python-docx (imported only here).

Real Word structure, so a consultant can restyle the document in Word:
the title uses the Title style, sections Heading 1, sub-headings Heading 2
and 3, tables the "Table Grid" style with a repeated bold header row. Every
answer is written as a plain run, so nothing in it is interpreted.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

OPEN_COLOUR = RGBColor(0x8A, 0x4B, 0x00)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_docx(view: dict) -> bytes:
    """The .docx bytes for ``view`` (see :mod:`workbench.document.context`)."""
    doc = Document()
    _setup(doc, view)
    doc.add_paragraph(view["title"], style="Title")
    if view["organization"]:
        doc.add_paragraph(view["organization"], style="Subtitle")
    doc.add_heading("Document control", level=1)
    _control(doc, view)
    for section in view["sections"]:
        doc.add_heading(section["title"], level=1)
        for block in section["blocks"]:
            _block(doc, block, view["open_cell"])
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same package with every member dated 1980-01-01, so equal input gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _setup(doc, view: dict) -> None:
    """Fonts, margins and fixed core properties (no save-time timestamps)."""
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    for s in doc.sections:
        s.left_margin = s.right_margin = Pt(54)
    props = doc.core_properties
    props.title = view["title"]
    props.author = view["organization"] or ""
    props.last_modified_by = ""
    props.revision = 1
    props.created = props.modified = dt.datetime(2000, 1, 1)
    props.comments = f"Status as of {view['as_of']}"


def _control(doc, view: dict) -> None:
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for row in view["control"]:
        cells = t.add_row().cells
        _text(cells[0], row["label"], bold=True)
        _text(cells[1], row["value"], open_=row["open"])


def _block(doc, block: dict, open_cell: str) -> None:
    kind = block["kind"]
    if kind == "p":
        doc.add_paragraph(block["text"])
    elif kind == "gap":
        p = doc.add_paragraph()
        flag = p.add_run("Open: ")
        flag.bold = True
        flag.font.color.rgb = OPEN_COLOUR
        run = p.add_run(block["text"])
        run.italic = True
        run.font.color.rgb = OPEN_COLOUR
    elif kind == "h":
        doc.add_heading(block["text"], level=block["level"])
    elif kind == "ul":
        for item in block["items"]:
            doc.add_paragraph(item, style="List Bullet")
    elif kind == "table":
        _table(doc, block, open_cell)


def _table(doc, block: dict, open_cell: str) -> None:
    cols = block["columns"]
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    header = t.rows[0]
    _repeat_header(header)
    for cell, name in zip(header.cells, cols):
        _text(cell, name, bold=True)
    for values in block["rows"]:
        cells = t.add_row().cells
        for cell, value in zip(cells, values):
            _text(cell, value, open_=value.startswith(open_cell))
    doc.add_paragraph()


def _text(cell, text: str, *, bold: bool = False, open_: bool = False) -> None:
    run = cell.paragraphs[0].add_run(text)
    run.font.size = Pt(8.5)
    if bold:
        run.bold = True
    if open_:
        run.italic = True
        run.font.color.rgb = OPEN_COLOUR


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
