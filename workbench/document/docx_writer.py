"""Word output: the view model written with python-docx (imported only here).

Real Word structure, so a consultant can restyle the document in Word:
the title uses the Title style, sections Heading 1, sub-headings Heading 2
and 3, tables the "Table Grid" style with a repeated bold header row. Every
answer is written as a plain run, so nothing in it is interpreted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor
from docx.table import _Cell

OPEN_COLOUR = RGBColor(0x8A, 0x4B, 0x00)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TEXT_WIDTH = 10080  # twips: US Letter less two 0.75 in margins
CHAR_TWIPS = 105    # rough width of one character at 8.5 pt
CELL_PADDING = 140  # left and right cell margins (see _narrow_margins), plus borders, in twips
MARGIN = "60"
RPR = '<w:rPr><w:sz w:val="17"/></w:rPr>'
RPR_OPEN = '<w:rPr><w:i/><w:color w:val="8A4B00"/><w:sz w:val="17"/></w:rPr>'
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_docx(view: dict) -> bytes:
    """The .docx bytes for ``view`` (see :mod:`workbench.document.context`)."""
    doc = Document()
    _setup(doc, view)
    doc.add_paragraph(_clean(view["title"]), style="Title")
    if view["organization"]:
        doc.add_paragraph(_clean(view["organization"]), style="Subtitle")
    doc.add_heading("Document control", level=1)
    _control(doc, view)
    for section in view["sections"]:
        doc.add_heading(_clean(section["title"]), level=1)
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
        s.top_margin = s.bottom_margin = Pt(54)
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
    _set_widths(t, [TEXT_WIDTH * 3 // 10, TEXT_WIDTH * 7 // 10])
    for row in view["control"]:
        cells = _cells(t)
        _text(cells[0], row["label"], bold=True)
        _text(cells[1], row["value"], open_=row["open"])


def _block(doc, block: dict, open_cell: str) -> None:
    kind = block["kind"]
    if kind == "p":
        doc.add_paragraph(_clean(block["text"]))
    elif kind == "gap":
        p = doc.add_paragraph()
        flag = p.add_run("Open: ")
        flag.bold = True
        flag.font.color.rgb = OPEN_COLOUR
        run = p.add_run(_clean(block["text"]))
        run.italic = True
        run.font.color.rgb = OPEN_COLOUR
    elif kind == "h":
        doc.add_heading(_clean(block["text"]), level=block["level"] + 0)
    elif kind == "ul":
        for item in block["items"]:
            doc.add_paragraph(_clean(item), style="List Bullet")
    elif kind == "table":
        _table(doc, block, open_cell)


def _widths(columns: list[str], rows: list[list[str]], total: int = TEXT_WIDTH) -> list[int]:
    """Column widths in twips: every column fits its longest word, long text shares what is left.

    Measured on a sample of rows, so a 1,000-row table costs no more than a short one.
    """
    sample = rows[:200]
    need, want = [], []
    for i, name in enumerate(columns):
        texts = [name] + [r[i] for r in sample if i < len(r)]
        unbroken = max((len(t) if len(t) <= 10 else max((len(x) for x in t.split()), default=1) for t in texts[1:]),
                       default=1)
        header_word = max((len(x) for x in name.split()), default=1)
        need.append(min(max(unbroken, header_word), 16) + 1)
        want.append(min(max(len(t) for t in texts), 60) + 1)
    chars = (total - CELL_PADDING * len(columns)) / CHAR_TWIPS
    spare = chars - sum(need)
    if spare <= 0:
        return [int(total * n / sum(need)) for n in need]
    spare = max(spare, 0)
    extra = [w - n if w > n else 0 for n, w in zip(need, want)]
    room = sum(extra) or 1
    return [int((n + spare * e / room) * CHAR_TWIPS) + CELL_PADDING for n, e in zip(need, extra)]


def _narrow_margins(t) -> None:
    """Cell margins of 60 twips (Word's default is 108), so more text fits across."""
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), MARGIN)
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr = t._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))  # schema order: tblCellMar comes before tblLook
    if look is not None:
        look.addprevious(mar)
    else:
        tbl_pr.append(mar)


def _set_widths(t, widths: list[int]) -> None:
    t.autofit = False
    _narrow_margins(t)
    for col, width in zip(t._tbl.tblGrid.iterchildren(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for row in t.rows:
        for tc, width in zip(row._tr.tc_lst, widths):
            tc.get_or_add_tcPr().get_or_add_tcW().set(qn("w:w"), str(width))
            tc.tcPr.tcW.set(qn("w:type"), "dxa")


def _table(doc, block: dict, open_cell: str) -> None:
    cols = block["columns"]
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    _set_widths(t, _widths(cols, block["rows"]))
    header = t.rows[0]
    _repeat_header(header)
    for cell, name in zip(header.cells, cols):
        _text(cell, name, bold=True)
    _append_rows(t, block["rows"], open_cell)
    doc.add_paragraph()


def _append_rows(t, rows: list[list[str]], open_cell: str) -> None:
    """Add body rows as one parsed XML fragment.

    python-docx spends about a millisecond per cell through its object API,
    which makes a 1,000-system policy take many seconds; the same WordprocessingML
    written as text (every value XML-escaped, so still inert) is parsed once.
    """
    widths = [g.get(qn("w:w")) or "0" for g in t._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    parts = [f"<w:tbl {nsdecls('w')}>"]
    for values in rows:
        parts.append("<w:tr>")
        for value, width in zip(values, widths):
            rpr = RPR_OPEN if value.startswith(open_cell) else RPR
            parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:r>{rpr}'
                         f'<w:t xml:space="preserve">{escape(_clean(value))}</w:t></w:r></w:p></w:tc>')
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    for tr in list(parse_xml("".join(parts))):
        t._tbl.append(tr)


def _clean(text: str) -> str:
    """Drop the control characters XML cannot hold (Word could not open the file)."""
    return _CONTROL.sub("", text)


def _cells(t) -> list:
    """The cells of a new row, without python-docx's whole-table scan in ``row.cells`` (quadratic)."""
    row = t.add_row()
    return [_Cell(tc, t) for tc in row._tr.tc_lst]


def _text(cell, text: str, *, bold: bool = False, open_: bool = False) -> None:
    run = cell.paragraphs[0].add_run(_clean(text))
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
