"""Render the constructed held-out documents into the formats officials receive.

``build(target_dir)`` writes, from the UTF-8 sources in ``sources/``:

- ``h1_county_workplan.html``  — a government web page, GB18030 bytes, site furniture;
- ``h2_opinion.big5.txt``      — a traditional-script text in Big5;
- ``h3_plan.docx``             — Word, headings numbered by Word's automatic list
                                  numbering (一、), an indicator table;
- ``h4_communique.pdf``        — a PDF text layer, hard-wrapped at 24 characters, with a
                                  running header and page numbers on every page;
- ``h5_regulation.utf16.txt``  — UTF-16 with a byte-order mark, 第X章/第X条, no targets.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

SOURCES = Path(__file__).resolve().parent / "sources"

FILES = {
    "h1": "h1_county_workplan.html",
    "h2": "h2_opinion.big5.txt",
    "h3": "h3_plan.docx",
    "h4": "h4_communique.pdf",
    "h5": "h5_regulation.utf16.txt",
}


def build(target: Path) -> dict[str, Path]:
    target.mkdir(parents=True, exist_ok=True)
    out = {k: target / v for k, v in FILES.items()}
    out["h1"].write_bytes((SOURCES / "h1_county_workplan.html").read_text(encoding="utf-8").encode("gb18030"))
    out["h2"].write_bytes((SOURCES / "h2_opinion_traditional.txt").read_text(encoding="utf-8").encode("big5"))
    out["h3"].write_bytes(_docx(json.loads((SOURCES / "h3_plan_docx.json").read_text(encoding="utf-8"))))
    out["h4"].write_bytes(_pdf((SOURCES / "h4_communique_pdf.txt").read_text(encoding="utf-8")))
    out["h5"].write_bytes((SOURCES / "h5_regulation.txt").read_text(encoding="utf-8").encode("utf-16"))
    return out


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(spec: dict) -> bytes:
    """A .docx whose numbered headings use a Word list (一、 二、 …), as Word users make them."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'))
    for num_id in (91, 92):  # two lists: each restarts at 一
        numbering.append(parse_xml(
            f'<w:num xmlns:w="{_W}" w:numId="{num_id}"><w:abstractNumId w:val="90"/></w:num>'))
    for block in spec["blocks"]:
        if "table" in block:
            rows = block["table"]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            continue
        paragraph = document.add_paragraph(block["p"])
        if "num" in block:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(parse_xml(
                f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="0"/><w:numId w:val="{90 + block["num"]}"/></w:numPr>'))
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _pdf(text: str, width: int = 24, lines_per_page: int = 9) -> bytes:
    """A text-layer PDF laid out like a printed official document: fixed line width,
    a running header and a page number on each page."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines: list[str] = []
    for para in text.strip().split("\n"):
        para = para.strip()
        lines.extend(para[i:i + width] for i in range(0, len(para), width))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    for page_no, start in enumerate(range(0, len(lines), lines_per_page), start=1):
        c.setFont("STSong-Light", 11)
        c.drawString(40, 560, "中共遂宁市委文件")
        y = 520
        for line in lines[start:start + lines_per_page]:
            c.drawString(40, y, line)
            y -= 22
        c.drawString(180, 40, f"— {page_no} —")
        c.showPage()
    c.save()
    return buf.getvalue()


if __name__ == "__main__":
    import sys

    for key, path in build(Path(sys.argv[1] if len(sys.argv) > 1 else "heldout-build")).items():
        print(key, path)
