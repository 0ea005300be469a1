"""Render an :class:`~innodrive.reports.model.OfficialDocument` as a Word file (python-docx).

The Word file is what the office edits before it is signed, so it uses the office's
own fonts by name (方正小标宋简体 for the title, 仿宋_GB2312 for the body, 黑体 and
楷体_GB2312 for headings — :class:`~innodrive.reports.model.Fonts`), real Word
tables with fixed column widths summing to the 版心 and a repeated header row, and
a page-number field. Metadata carries the 成文日期 and nothing of the moment of
rendering, and the ZIP container is normalised (:mod:`.determinism`): same document,
same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

from innodrive.reports import layout as L
from innodrive.reports.determinism import normalise_zip
from innodrive.reports.model import Figure, Heading, OfficialDocument, PageBreak, Paragraph, Table
from innodrive.reports.text import cell_text, cn_date


def _set_font(run, east_asian: str, latin: str, size_pt: float, *, bold: bool = False, color=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = latin
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    if color is not None:
        run.font.color.rgb = RGBColor(*color)


def _paragraph(doc, text: str, *, font: str, latin: str, size: float = L.BODY_PT, align: str = "justify",
               indent_chars: float = 0.0, right_chars: float = 0.0, bold: bool = False, color=None,
               line_pt: float = L.LINE_PT, space_before: float = 0.0, space_after: float = 0.0,
               keep_next: bool = False, lead: str | None = None, lead_font: str | None = None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                     "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt)
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    fmt.keep_with_next = keep_next
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
    if right_chars:
        fmt.right_indent = Pt(size * right_chars)
    if lead:
        _set_font(p.add_run(lead), lead_font or font, latin, size, bold=True, color=color)
    _set_font(p.add_run(text), font, latin, size, bold=bold, color=color)
    return p


def _red_rule(doc) -> None:
    """The red separator under the 发文字号 (a bottom border of an empty paragraph)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = doc.add_paragraph()
    ppr = p._element.get_or_add_pPr()
    border = ppr.makeelement(qn("w:pBdr"), {})
    bottom = border.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "12", qn("w:space"): "1",
                                                  qn("w:color"): "{:02X}{:02X}{:02X}".format(*L.RED)})
    border.append(bottom)
    ppr.append(border)  # before any spacing: pBdr precedes w:spacing in the schema's order
    p.paragraph_format.space_after = Pt(L.BODY_PT)


def _black_rule(doc, *, thick: bool) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = doc.add_paragraph()
    ppr = p._element.get_or_add_pPr()
    border = ppr.makeelement(qn("w:pBdr"), {})
    border.append(border.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "8" if thick else "4",
                                                      qn("w:space"): "1", qn("w:color"): "000000"}))
    ppr.append(border)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(4)


def _page_number_footer(section, fonts) -> None:
    """"— N —" centred below the 版心, with Word's PAGE field."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run("— "), fonts.body, fonts.latin, L.PAGE_NUMBER_PT)
    run = p.add_run()
    _set_font(run, fonts.body, fonts.latin, L.PAGE_NUMBER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = run._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        elif text == " PAGE ":
            el = run._element.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        else:
            el = run._element.makeelement(qn("w:t"), {})
            el.text = text
        run._element.append(el)
    _set_font(p.add_run(" —"), fonts.body, fonts.latin, L.PAGE_NUMBER_PT)


def _table(doc, table: Table, fonts) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    if table.caption:
        _paragraph(doc, table.caption, font=fonts.heading1, latin=fonts.latin, size=L.CAPTION_PT, align="center",
                   line_pt=L.CAPTION_PT * 1.6, space_before=6, keep_next=True)
    cols = table.columns
    size, widths = L.table_layout(table)
    t = doc.add_table(rows=1 + len(table.rows), cols=len(cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # w:tblLayout fixed: Word keeps the widths below
    tblpr = t._tbl.tblPr
    width_el = tblpr.find(qn("w:tblW"))
    if width_el is None:
        width_el = tblpr.makeelement(qn("w:tblW"), {})
        tblpr.append(width_el)
    width_el.set(qn("w:type"), "dxa")
    width_el.set(qn("w:w"), str(int(L.TEXT_W_MM / 25.4 * 1440)))
    aligns = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
              "right": WD_ALIGN_PARAGRAPH.RIGHT}
    for r, values in enumerate([tuple(c.header for c in cols), *table.rows]):
        row = t.rows[r]
        if r == 0:  # repeat the header row on every page
            trpr = row._tr.get_or_add_trPr()
            trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
        for j, value in enumerate(values):
            cell = row.cells[j]
            cell.width = Mm(widths[j])
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else aligns[cols[j].align]
            para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            para.paragraph_format.space_after = Pt(0)
            text = value if r == 0 else cell_text(value, cols[j].decimals)
            _set_font(para.add_run(str(text)), fonts.heading1 if r == 0 else fonts.body, fonts.latin, size,
                      bold=False)
    for note in table.notes:
        _paragraph(doc, note, font=fonts.body, latin=fonts.latin, size=min(size, L.TABLE_PT), align="left",
                   line_pt=min(size, L.TABLE_PT) * 1.5, space_before=2)


def render_docx(document: OfficialDocument) -> bytes:
    """The document as DOCX bytes."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm

    fonts = document.fonts
    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(L.PAGE_W_MM), Mm(L.PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(L.TOP_MM), Mm(L.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.LEFT_MM), Mm(L.RIGHT_MM)
    section.footer_distance = Mm(L.BOTTOM_MM - L.PAGE_NUMBER_BELOW_MM - 6)
    _page_number_footer(section, fonts)
    style = doc.styles["Normal"]
    style.font.name = fonts.latin
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), fonts.body)
    # header: 发文机关标志, 发文字号, red rule
    if document.issuer_mark:
        size = L.mark_size(document.issuer_mark)
        _paragraph(doc, document.issuer_mark, font=fonts.mark, latin=fonts.latin, size=size, align="center",
                   color=L.RED, line_pt=size * 1.4, space_after=L.BODY_PT)
    if document.doc_number:
        _paragraph(doc, document.doc_number, font=fonts.body, latin=fonts.latin, align="center")
    if document.issuer_mark or document.doc_number:
        _red_rule(doc)
    _paragraph(doc, document.title, font=fonts.title, latin=fonts.latin, size=L.TITLE_PT, align="center",
               line_pt=L.TITLE_LINE_PT, space_after=L.BODY_PT / 2)
    if document.data_note:
        _paragraph(doc, f"（{document.data_note}）", font=fonts.heading2, latin=fonts.latin, size=L.NOTE_PT,
                   align="center", line_pt=L.NOTE_PT * 1.6, color=L.RED)
    if document.recipients:
        _paragraph(doc, document.recipients, font=fonts.body, latin=fonts.latin, align="left",
                   space_before=L.BODY_PT / 2)
    for block, label in document.numbered():
        if isinstance(block, Heading):
            font = {1: fonts.heading1, 2: fonts.heading2}.get(block.level, fonts.body)
            _paragraph(doc, label + block.text, font=font, latin=fonts.latin, indent_chars=2, bold=block.level == 3,
                       keep_next=True)
        elif isinstance(block, Paragraph):
            _paragraph(doc, block.text, font=fonts.body, latin=fonts.latin, indent_chars=2, lead=block.bold_lead,
                       lead_font=fonts.heading2)
        elif isinstance(block, Table):
            _table(doc, block, fonts)
        elif isinstance(block, Figure):
            width, _ = L.fit_figure(block.width_mm, block.height_mm)
            p = doc.add_paragraph()
            p.alignment = 1  # centre
            p.add_run().add_picture(io.BytesIO(block.png), width=Mm(width))
            _paragraph(doc, block.caption, font=fonts.body, latin=fonts.latin, size=L.CAPTION_PT, align="center",
                       line_pt=L.CAPTION_PT * 1.6)
        elif isinstance(block, PageBreak):
            doc.add_page_break()
    if document.attachments:
        _paragraph(doc, "", font=fonts.body, latin=fonts.latin)
        for line in document.attachment_lines():
            _paragraph(doc, line, font=fonts.body, latin=fonts.latin, indent_chars=2, align="left")
    # 落款 and 成文日期, right-aligned, the date four characters from the right edge
    _paragraph(doc, "", font=fonts.body, latin=fonts.latin)
    if document.signature:
        _paragraph(doc, document.signature, font=fonts.body, latin=fonts.latin, align="right", right_chars=2,
                   space_before=L.BODY_PT)
    _paragraph(doc, cn_date(document.date), font=fonts.body, latin=fonts.latin, align="right", right_chars=4)
    # 版记: 抄送, 印发机关 and 印发日期 between rules
    if document.cc or document.printed_by:
        _paragraph(doc, "", font=fonts.body, latin=fonts.latin)
        _black_rule(doc, thick=True)
        if document.cc:
            _paragraph(doc, f"抄送：{document.cc}", font=fonts.body, latin=fonts.latin, size=L.NOTE_PT,
                       align="left", line_pt=L.NOTE_PT * 1.8)
            _black_rule(doc, thick=False)
        if document.printed_by:
            printed = cn_date(document.printed_on or document.date) + "印发"
            _paragraph(doc, f"{document.printed_by}　　{printed}", font=fonts.body, latin=fonts.latin,
                       size=L.NOTE_PT, align="left", line_pt=L.NOTE_PT * 1.8)
            _black_rule(doc, thick=True)
    _metadata(doc, document)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def _metadata(doc, document: OfficialDocument) -> None:
    """Core properties from the document only: the 成文日期, never the moment of saving."""
    when = dt.datetime(document.date.year, document.date.month, document.date.day)
    props = doc.core_properties
    props.title = document.title
    props.subject = document.subject or ""
    props.author = document.signature or document.issuer_mark or ""
    props.last_modified_by = props.author
    props.keywords = "；".join(document.keywords)
    props.comments = document.data_note or ""
    props.category = ""
    props.identifier = document.doc_number or ""
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1


__all__ = ["render_docx"]
