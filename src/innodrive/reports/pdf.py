"""Render an :class:`~innodrive.reports.model.OfficialDocument` as PDF (reportlab).

The PDF is the copy that is filed, printed and published, so it must look the same
everywhere: one embedded CJK TrueType font (:mod:`.fonts`), the GB/T 9704-2012 page
(:mod:`.layout`), tables whose columns are computed to fit the 版心 (numbers never
broken, Chinese wrapped, a smaller table font only when the columns need it), the
header row repeated after a page break, and "— N —" page numbers. reportlab's
*invariant* mode fixes the file's dates and ids, so the same document gives the same
bytes.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from innodrive.reports import layout as L
from innodrive.reports.model import Figure, Heading, OfficialDocument, PageBreak, Paragraph, Table
from innodrive.reports.text import cell_text, cn_date

KEEP_HEADING_PT = 3 * L.LINE_PT
KEEP_TABLE_PT = 120.0


def _styles(font: str):
    from reportlab.lib.colors import Color
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    red = Color(*(c / 255 for c in L.RED))
    body = ParagraphStyle("body", fontName=font, fontSize=L.BODY_PT, leading=L.LINE_PT, wordWrap="CJK",
                          alignment=TA_JUSTIFY, firstLineIndent=2 * L.BODY_PT)
    return {
        "mark": ParagraphStyle("mark", parent=body, alignment=TA_CENTER, firstLineIndent=0, textColor=red),
        "number": ParagraphStyle("number", parent=body, alignment=TA_CENTER, firstLineIndent=0),
        "title": ParagraphStyle("title", parent=body, fontSize=L.TITLE_PT, leading=L.TITLE_LINE_PT,
                                alignment=TA_CENTER, firstLineIndent=0, spaceAfter=L.BODY_PT / 2),
        "note": ParagraphStyle("note", parent=body, fontSize=L.NOTE_PT, leading=L.NOTE_PT * 1.6,
                               alignment=TA_CENTER, firstLineIndent=0, textColor=red),
        "recipients": ParagraphStyle("recipients", parent=body, alignment=TA_LEFT, firstLineIndent=0,
                                     spaceBefore=L.BODY_PT / 2),
        "body": body,
        "heading": ParagraphStyle("heading", parent=body),
        "caption": ParagraphStyle("caption", parent=body, fontSize=L.CAPTION_PT, leading=L.CAPTION_PT * 1.6,
                                  alignment=TA_CENTER, firstLineIndent=0, spaceBefore=6),
        "figcaption": ParagraphStyle("figcaption", parent=body, fontSize=L.CAPTION_PT, leading=L.CAPTION_PT * 1.6,
                                     alignment=TA_CENTER, firstLineIndent=0),
        "signature": ParagraphStyle("signature", parent=body, alignment=TA_RIGHT, firstLineIndent=0,
                                    rightIndent=2 * L.BODY_PT, spaceBefore=L.BODY_PT),
        "date": ParagraphStyle("date", parent=body, alignment=TA_RIGHT, firstLineIndent=0,
                               rightIndent=4 * L.BODY_PT),
        "attachment": ParagraphStyle("attachment", parent=body, alignment=TA_LEFT),
        "record": ParagraphStyle("record", parent=body, fontSize=L.NOTE_PT, leading=L.NOTE_PT * 1.8,
                                 alignment=TA_LEFT, firstLineIndent=0, leftIndent=L.NOTE_PT),
    }


def _p(text: str, style, lead: str | None = None):
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.platypus import Paragraph as P

    if style.alignment == TA_JUSTIFY:
        # reportlab stretches ordinary spaces when it justifies a CJK line and can then push
        # the line's last characters past the margin; no-break spaces are not stretched
        text = text.replace(" ", "\u00a0")
    body = escape(text)
    if lead:
        body = f"<b>{escape(lead)}</b>{body}"
    return P(body or "&nbsp;", style)


def _table(block: Table, font: str, styles) -> list:
    from reportlab.lib.colors import Color, black
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, TableStyle
    from reportlab.platypus import Table as T

    size, widths = L.table_layout(block)
    leading = size * 1.3
    base = ParagraphStyle("cell", fontName=font, fontSize=size, leading=leading, wordWrap="CJK")
    align = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
    cell_styles = [ParagraphStyle(f"c{j}", parent=base, alignment=align[c.align]) for j, c in enumerate(block.columns)]
    head_style = ParagraphStyle("head", parent=base, alignment=TA_CENTER)
    data = [[_p(c.header, head_style) for c in block.columns]]
    for row in block.rows:
        data.append([_p(cell_text(v, block.columns[j].decimals), cell_styles[j]) for j, v in enumerate(row)])
    t = T(data, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="CENTER")
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), Color(0.93, 0.93, 0.93)),
        ("LEFTPADDING", (0, 0), (-1, -1), L.CELL_PAD_PT),
        ("RIGHTPADDING", (0, 0), (-1, -1), L.CELL_PAD_PT),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    out: list = [CondPageBreak(KEEP_TABLE_PT)]  # a caption never ends a page: room for it and a few rows
    if block.caption:
        out.append(_p(block.caption, styles["caption"]))
    out.append(t)
    note_style = ParagraphStyle("tnote", parent=base, fontSize=min(size, L.TABLE_PT), leading=min(size, L.TABLE_PT) * 1.5,
                                spaceBefore=2)
    out += [_p(n, note_style) for n in block.notes]
    return out


def _chinese_line_breaking() -> None:
    """Teach reportlab's CJK line breaking that Chinese closing punctuation (，。；：…)
    cannot start a line: it lists Japanese and ASCII marks only, and would otherwise
    begin a line with a comma. Such a mark hangs in the margin (one at most)."""
    import reportlab.lib.textsplit as rl_textsplit
    import reportlab.platypus.paragraph as rl_paragraph

    for module in (rl_textsplit, rl_paragraph):  # one-fragment and many-fragment paragraphs
        missing = "".join(ch for ch in L.HANGING if ch not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing


def render_pdf(document: OfficialDocument) -> bytes:
    """The document as PDF bytes."""
    from reportlab.lib.colors import Color, black
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import registerFontFamily
    from reportlab.platypus import (
        BaseDocTemplate,
        CondPageBreak,
        Frame,
        HRFlowable,
        Image,
        PageTemplate,
        Spacer,
    )
    from reportlab.platypus import PageBreak as RLPageBreak

    from innodrive.reports.fonts import reportlab_font

    _chinese_line_breaking()
    font = reportlab_font()
    registerFontFamily(font, normal=font, bold=font, italic=font, boldItalic=font)
    st = _styles(font)
    red = Color(*(c / 255 for c in L.RED))
    flow: list = []
    if document.issuer_mark:
        size = L.mark_size(document.issuer_mark)
        style = st["mark"].clone("mark2", fontSize=size, leading=size * 1.4, spaceAfter=L.BODY_PT)
        flow.append(_p(document.issuer_mark, style))
    if document.doc_number:
        flow.append(_p(document.doc_number, st["number"]))
    if document.issuer_mark or document.doc_number:
        flow.append(HRFlowable(width="100%", thickness=1.5, color=red, spaceBefore=4, spaceAfter=L.BODY_PT))
    flow.append(_p(document.title, st["title"]))
    if document.data_note:
        flow.append(_p(f"（{document.data_note}）", st["note"]))
    if document.recipients:
        flow.append(_p(document.recipients, st["recipients"]))
    for block, label in document.numbered():
        if isinstance(block, Heading):
            flow.append(CondPageBreak(KEEP_HEADING_PT))  # a heading is never the last line of a page
            flow.append(_p(label + block.text, st["heading"]))
        elif isinstance(block, Paragraph):
            flow.append(_p(block.text, st["body"], lead=block.bold_lead))
        elif isinstance(block, Table):
            flow += _table(block, font, st)
        elif isinstance(block, Figure):
            w, h = L.fit_figure(block.width_mm, block.height_mm)
            flow.append(Spacer(1, 4))
            flow.append(Image(io.BytesIO(block.png), width=w * mm, height=h * mm))
            flow.append(_p(block.caption, st["figcaption"]))
        elif isinstance(block, PageBreak):
            flow.append(RLPageBreak())
    if document.attachments:
        flow.append(Spacer(1, L.LINE_PT))
        for line in document.attachment_lines():
            flow.append(_p(line, st["attachment"]))
    flow.append(Spacer(1, L.LINE_PT))
    if document.signature:
        flow.append(_p(document.signature, st["signature"]))
    flow.append(_p(cn_date(document.date), st["date"]))
    if document.cc or document.printed_by:
        flow.append(Spacer(1, L.LINE_PT))
        flow.append(HRFlowable(width="100%", thickness=1, color=black, spaceAfter=2))
        if document.cc:
            flow.append(_p(f"抄送：{document.cc}", st["record"]))
            flow.append(HRFlowable(width="100%", thickness=0.5, color=black, spaceAfter=2))
        if document.printed_by:
            printed = cn_date(document.printed_on or document.date) + "印发"
            flow.append(_p(f"{document.printed_by}　　{printed}", st["record"]))
            flow.append(HRFlowable(width="100%", thickness=1, color=black))

    def page_number(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, L.PAGE_NUMBER_PT)
        y = (L.BOTTOM_MM - L.PAGE_NUMBER_BELOW_MM) * mm - L.PAGE_NUMBER_PT
        canvas.drawCentredString(L.PAGE_W_MM / 2 * mm, y, f"— {doc.page} —")
        canvas.restoreState()

    buf = io.BytesIO()
    frame = Frame(L.LEFT_MM * mm, L.BOTTOM_MM * mm, L.TEXT_W_MM * mm, L.TEXT_H_MM * mm, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0, id="text")
    doc = BaseDocTemplate(buf, pagesize=(L.PAGE_W_MM * mm, L.PAGE_H_MM * mm), leftMargin=L.LEFT_MM * mm,
                          rightMargin=L.RIGHT_MM * mm, topMargin=L.TOP_MM * mm, bottomMargin=L.BOTTOM_MM * mm,
                          title=document.title, author=document.signature or document.issuer_mark or "",
                          subject=document.subject or "", creator="innodrive", keywords=list(document.keywords),
                          invariant=1)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=page_number)])
    doc.build(flow)
    return buf.getvalue()


__all__ = ["render_pdf"]
