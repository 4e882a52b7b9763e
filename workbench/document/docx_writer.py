"""Word output: the view model written with python-docx (imported only here).

Real Word structure, so a consultant can restyle the document in Word: the
title uses the Title style, sections Heading 1 (the parts of "Policy
statements" Heading 2), sub-headings the next levels down, so Word's
navigation pane shows the outline; a table of contents field after the
document control table (filled in with the headings, refreshed by Word with
page numbers when the file is opened); a header with the organization and
title and a footer with the policy id, version, classification and "Page X
of Y"; tables in the "Table Grid" style with a repeated bold header row.
Every answer is written as a plain run, so nothing in it is interpreted.

With ``reference`` (a .docx, as pandoc's ``--reference-doc``), the document
starts from that file: its styles, page setup, header and footer (the
consultant's letterhead) are kept and its body is replaced.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
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


class ReferenceError(ValueError):
    """The reference .docx cannot be used (missing, not a Word file)."""


def write_docx(view: dict, reference: Optional[Path | str] = None) -> bytes:
    """The .docx bytes for ``view`` (see :mod:`workbench.document.context`), on ``reference``'s styles if given."""
    doc = _start(reference)
    _setup(doc, view, keep_page=reference is not None)
    _header_footer(doc, view)
    doc.add_paragraph(_clean(view["title"]), style="Title")
    sub = " · ".join(x for x in (view["organization"], view.get("subtitle")) if x)
    if sub:
        doc.add_paragraph(_clean(sub), style="Subtitle")
    if view.get("draft"):
        doc.add_paragraph().add_run(_clean(view["draft"])).bold = True
    doc.add_heading("Document control", level=1)
    _control(doc, view)
    _toc(doc, view)
    _body(doc, view)
    return _save(doc)


def _save(doc) -> bytes:
    """The package as ``doc.save`` writes it, every member dated 1980-01-01 (equal input, equal bytes), in one
    pass: python-docx's own writer with a zip writer that dates the members itself, rather than saving and then
    unpacking and compressing every member again (what this did before: the same bytes, 30 ms more)."""
    from docx.opc.pkgwriter import PackageWriter

    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        writer = _DatedZip(zf)
        PackageWriter._write_content_types_stream(writer, package.parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, package.parts)
    return out.getvalue()


class _DatedZip:
    """The ``write(pack_uri, blob)`` python-docx's package writer calls, with a fixed date on every member."""

    def __init__(self, zf: zipfile.ZipFile):
        self._zf = zf

    def write(self, pack_uri, blob) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        self._zf.writestr(info, blob)


def _start(reference: Optional[Path | str]):
    """A new document, or ``reference`` with its body emptied (styles, sections, header and footer kept)."""
    if reference is None:
        return Document()
    path = Path(reference)
    try:
        doc = Document(str(path))
    except FileNotFoundError:
        raise ReferenceError(f"{path}: no such file") from None
    except Exception as exc:  # python-docx raises several kinds for a file that is not a .docx
        raise ReferenceError(f"{path}: not a Word .docx file ({type(exc).__name__})") from None
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _ensure_styles(doc)
    return doc


NEEDED_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Heading 5",
                 "List Bullet", "Table Grid", "TOC Heading", "Header", "Footer")


def _ensure_styles(doc) -> None:
    """Copy the styles this writer uses from python-docx's default template when the reference lacks them.

    A file saved by Word holds only the styles it uses; the rest are "latent". The headings copied keep
    their outline level, so the navigation pane and the table of contents still see them.
    """
    import copy

    have = {s.name for s in doc.styles}
    missing = [n for n in NEEDED_STYLES if n not in have]
    if not missing:
        return
    default = Document()
    for name in missing:
        try:
            doc.styles.element.append(copy.deepcopy(default.styles[name].element))
        except KeyError:
            continue


def _style(doc, name: str, fallback: str = "Normal") -> str:
    return name if name in _style_ids(doc) else fallback


def _style_ids(doc) -> dict[str, str]:
    """Style name (as Word shows it) -> style id, read once per document: python-docx looks a style up by name
    with a scan of every style each time, which a 1,000-row document pays hundreds of times."""
    found = getattr(doc, "_workbench_style_ids", None)
    if found is None:
        from docx.styles import BabelFish

        found = {}
        for el in doc.styles.element.style_lst:
            name = el.name_val
            if name is not None and el.styleId is not None:
                found.setdefault(BabelFish.internal2ui(name), el.styleId)
        doc._workbench_style_ids = found
    return found


def _field(paragraph, instruction: str, cached: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC ...) with ``cached`` as the text shown until Word updates it."""
    def run_with(el):
        r = OxmlElement("w:r")
        r.append(el)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    if cached:
        paragraph.add_run(cached)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _header_footer(doc, view: dict) -> None:
    """Organization and title in the header; id, version, classification and "Page X of Y" in the footer."""
    for section in doc.sections:
        header = section.header
        p = header.paragraphs[0] if header.paragraphs and not header.paragraphs[0].text.strip() else header.add_paragraph()
        p.style = _style(doc, "Header")
        run = p.add_run(_clean(view.get("header") or view["title"]))
        run.font.size = Pt(8)
        footer = section.footer
        f = footer.paragraphs[0] if footer.paragraphs and not footer.paragraphs[0].text.strip() else footer.add_paragraph()
        f.style = _style(doc, "Footer")
        if view.get("footer"):
            f.add_run(_clean(view["footer"]) + " · ").font.size = Pt(8)
        f.add_run("Page ").font.size = Pt(8)
        _field(f, "PAGE", "1")
        f.add_run(" of ").font.size = Pt(8)
        _field(f, "NUMPAGES", "1")
        f.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _toc(doc, view: dict) -> None:
    """A table of contents field, pre-filled with the headings (Word adds page numbers when it updates it)."""
    doc.add_paragraph(_clean(view.get("toc_title") or "Contents"), style=_style(doc, "TOC Heading", "Heading 1"))
    first = doc.add_paragraph()
    entries = [(s.get("level", 1), s["title"]) for s in view["sections"]]
    _field_start(first, 'TOC \\o "1-2" \\h \\z \\u')
    paragraphs = [first]
    for i, (level, title) in enumerate(entries):
        p = first if i == 0 else doc.add_paragraph()
        p.style = _style(doc, f"toc {level}", "Normal")
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.space_after = Pt(1)
        if level > 1:
            p.paragraph_format.left_indent = Pt(14 * (level - 1))
        p.add_run(_clean(title))
        if i:
            paragraphs.append(p)
    end = OxmlElement("w:r")
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "end")
    end.append(fc)
    paragraphs[-1]._p.append(end)
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        upd = OxmlElement("w:updateFields")
        upd.set(qn("w:val"), "true")
        settings.append(upd)


def _field_start(paragraph, instruction: str) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None)):
        r = OxmlElement("w:r")
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        r.append(el)
        paragraph._p.append(r)


def _setup(doc, view: dict, keep_page: bool = False) -> None:
    """Fonts, margins and fixed core properties (no save-time timestamps); a reference keeps its own."""
    if not keep_page:
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
    t.style = _style(doc, "Table Grid", None)
    _set_widths(t, [TEXT_WIDTH * 3 // 10, TEXT_WIDTH * 7 // 10])
    for row in view["control"]:
        cells = _cells(t)
        _text(cells[0], row["label"], bold=True)
        _text(cells[1], row["value"], open_=row["open"])


def _body(doc, view: dict) -> None:
    """Every section, written as WordprocessingML text and parsed once.

    The same elements python-docx's ``add_heading``, ``add_paragraph``, ``add_run`` and ``add_table`` make
    (a test compares the two), without its per-call style scan and character-by-character run text: that
    object API was most of the time of publishing a 1,000-system policy. Every value is XML-escaped, so
    still inert.
    """
    ids = _style_ids(doc)
    out: list[str] = [f"<w:body {nsdecls('w')}>"]
    open_cell = view["open_cell"]
    for section in view["sections"]:
        level = section.get("level", 1)
        _heading_xml(out, ids, section["title"], level)
        for block in section["blocks"]:
            kind = block["kind"]
            if kind == "p":
                out.append(f"<w:p>{_run_xml(block['text'])}</w:p>")
            elif kind == "pending":
                out.append(f"<w:p>{_run_xml(block['text'], _RPR_PENDING, always=True)}</w:p>")
            elif kind == "h":
                _heading_xml(out, ids, block["text"], min(level + block["level"] - 1, 9))
            elif kind == "ul":
                bullet = _ppr(ids, _style_from(ids, "List Bullet"))
                for item in block["items"]:
                    out.append(f"<w:p>{bullet}{_run_xml(item)}</w:p>")
            elif kind == "table":
                _table_xml(out, ids, block, open_cell)
    out.append("</w:body>")
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    tbl, tr = qn("w:tbl"), qn("w:tr")
    for el in list(parse_xml("".join(out))):
        # lxml moves a subtree into another document in time that grows faster than its size: a table is
        # moved as its shell, then row by row
        rows = [x for x in el if x.tag == tr] if el.tag == tbl else ()
        for x in rows:
            el.remove(x)
        if sect is not None:
            sect.addprevious(el)
        else:
            body.append(el)
        for x in rows:
            el.append(x)


_RPR_PENDING = '<w:rPr><w:i/><w:color w:val="8A4B00"/></w:rPr>'
_RPR_HEAD = '<w:rPr><w:b/><w:sz w:val="17"/></w:rPr>'
_SPLIT = re.compile(r"([\t\r\n])")


def _style_from(ids: dict[str, str], name: str, fallback: str = "Normal") -> str:
    return name if name in ids else fallback


def _ppr(ids: dict[str, str], name: str) -> str:
    """The paragraph properties python-docx writes for style ``name`` (none for the default style)."""
    sid = ids.get(name)
    if sid is None:
        raise KeyError(f"no style with name '{name}'")
    return "" if name == "Normal" else f'<w:pPr><w:pStyle w:val="{escape(sid)}"/></w:pPr>'


def _heading_xml(out: list[str], ids: dict[str, str], text: str, level: int) -> None:
    out.append(f"<w:p>{_ppr(ids, 'Title' if level == 0 else f'Heading {level}')}{_run_xml(text)}</w:p>")


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def _run_xml(text: str, rpr: str = "", always: bool = False) -> str:
    """One run holding ``text`` as python-docx's ``add_run`` writes it (a tab is w:tab, a line break w:br);
    nothing for empty text, as ``add_paragraph("")`` adds no run (``always``: an empty run, as ``add_run("")``)."""
    text = _clean(text)
    if not text:
        return f"<w:r>{rpr}</w:r>" if always else ""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return f"<w:r>{rpr}{_t(text)}</w:r>"
    parts = [f"<w:r>{rpr}"]
    for piece in _SPLIT.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            parts.append(_t(piece))
    parts.append("</w:r>")
    return "".join(parts)


def _table_xml(out: list[str], ids: dict[str, str], block: dict, open_cell: str) -> None:
    """A table as ``_table`` made it with python-docx: Table Grid, fixed widths, narrow margins, a bold
    repeated header row, then the body rows (``_append_rows``), then an empty paragraph."""
    cols = block["columns"]
    rows = block["rows"]
    widths = [str(w) for w in _widths(cols, rows)]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    sid = ids.get("Table Grid")
    style = f'<w:tblStyle w:val="{escape(sid)}"/>' if sid is not None else ""
    out.append(f'<w:tbl><w:tblPr>{style}<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/>'
               f'<w:tblCellMar><w:left w:w="{MARGIN}" w:type="dxa"/><w:right w:w="{MARGIN}" w:type="dxa"/>'
               '</w:tblCellMar><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
               f'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>')
    out.append('<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>')
    for name, width in zip(cols, widths):
        out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr><w:p>{_run_xml(name, _RPR_HEAD, always=True)}'
                   "</w:p></w:tc>")
    out.append("</w:tr>")
    _rows_xml(out, rows, widths, open_cell, tall=bool(block.get("form")))
    out.append("</w:tbl><w:p/>")


def _rows_xml(parts: list[str], rows: list[list[str]], widths: list[str], open_cell: str, tall: bool) -> None:
    row_start = '<w:tr><w:trPr><w:trHeight w:val="567"/></w:trPr>' if tall else "<w:tr>"
    cells = [f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:r>' for width in widths]
    plain = f'{RPR}<w:t xml:space="preserve">'
    opened = f'{RPR_OPEN}<w:t xml:space="preserve">'
    end = "</w:t></w:r></w:p></w:tc>"
    append = parts.append
    for values in rows:
        append(row_start)
        for value, cell in zip(values, cells):
            append(cell)
            append(opened if value.startswith(open_cell) else plain)
            append(escape(_clean(value)) if _CONTROL_OR_MARKUP.search(value) else value)
            append(end)
        append("</w:tr>")


_CONTROL_OR_MARKUP = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _block(doc, block: dict, open_cell: str, level: int = 1) -> None:
    kind = block["kind"]
    if kind == "p":
        doc.add_paragraph(_clean(block["text"]))
    elif kind == "pending":
        p = doc.add_paragraph()
        run = p.add_run(_clean(block["text"]))
        run.italic = True
        run.font.color.rgb = OPEN_COLOUR
    elif kind == "h":
        doc.add_heading(_clean(block["text"]), level=min(level + block["level"] - 1, 9))
    elif kind == "ul":
        for item in block["items"]:
            doc.add_paragraph(_clean(item), style=_style(doc, "List Bullet"))
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
    t.style = _style(doc, "Table Grid", None)
    _set_widths(t, _widths(cols, block["rows"]))
    header = t.rows[0]
    _repeat_header(header)
    for cell, name in zip(header.cells, cols):
        _text(cell, name, bold=True)
    _append_rows(t, block["rows"], open_cell, tall=bool(block.get("form")))
    doc.add_paragraph()


def _append_rows(t, rows: list[list[str]], open_cell: str, tall: bool = False) -> None:
    """Add body rows as one parsed XML fragment.

    python-docx spends about a millisecond per cell through its object API,
    which makes a 1,000-system policy take many seconds; the same WordprocessingML
    written as text (every value XML-escaped, so still inert) is parsed once.
    """
    widths = [g.get(qn("w:w")) or "0" for g in t._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    parts = [f"<w:tbl {nsdecls('w')}>"]
    row_start = '<w:tr><w:trPr><w:trHeight w:val="567"/></w:trPr>' if tall else "<w:tr>"
    for values in rows:
        parts.append(row_start)
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
