"""Formats are recognised from the bytes; every unreadable case gets one specific message."""

from __future__ import annotations

import io
import zipfile

import pytest

from innodrive.documents import read_document, read_path
from innodrive.errors import UnreadableDocument

BODY = "到2025年，全市高新技术企业达到500家以上。"


def test_html_text_is_mapped_back_to_the_html_source():
    html = (
        "<html><head><title>关于创新的意见_某市人民政府</title><script>var a='到2030年达到9家';</script></head>"
        "<body><div class='breadcrumb'>当前位置：首页 &gt; 政策</div>"
        "<p>一、主要目标</p><p>到2025年，全市高新技术企业达到500&nbsp;家以上。</p>"
        "<div class='footer'>版权所有</div></body></html>"
    )
    doc = read_document(html.encode("utf-8"), "page.html")
    assert doc.format == "html"
    assert doc.html_title == "关于创新的意见_某市人民政府"
    assert "到2030年" not in doc.clean and "当前位置" not in doc.clean and "版权所有" not in doc.clean
    i = doc.clean.index("500")
    a, b = doc.span(i, i + 3)
    assert doc.original[a:b] == "500"
    j = doc.clean.index("家以上")
    # the entity &nbsp; folded away; the span of 家 still points at 家 in the source
    a, b = doc.span(j, j + 1)
    assert doc.original[a:b] == "家"


def test_html_declared_charset_is_honoured():
    html = "<html><head><meta charset='gbk'></head><body><p>" + BODY + "</p></body></html>"
    doc = read_document(html.encode("gbk"), "page.htm")
    assert doc.encoding == "gb18030" and BODY.replace("，", ",") in doc.clean


def test_docx_paragraphs_tables_and_list_numbering():
    import docx

    d = docx.Document()
    d.add_paragraph("某市科技创新规划")
    d.add_paragraph("加强组织领导", style="List Number")  # Word numbers it "1."
    t = d.add_table(rows=2, cols=3)
    for c, v in enumerate(["指标", "2020年", "2025年"]):
        t.cell(0, c).text = v
    for c, v in enumerate(["高新技术企业数(家)", "100", "200"]):
        t.cell(1, c).text = v
    buf = io.BytesIO()
    d.save(buf)
    doc = read_document(buf.getvalue(), "plan.docx")
    assert doc.format == "docx"
    assert "1.加强组织领导" in doc.clean
    assert "高新技术企业数(家)\t100\t200" in doc.clean


def test_pdf_text_layer_is_read_and_running_headers_dropped():
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    text = "到2025年，全市高新技术企业达到500家以上，技术合同成交额突破80亿元，研发经费投入强度达到2.5%。" * 3
    lines = [text[i:i + 20] for i in range(0, len(text), 20)]
    for page, start in enumerate(range(0, len(lines), 4), 1):
        c.setFont("STSong-Light", 11)
        c.drawString(40, 560, "某市人民政府文件")
        for k, line in enumerate(lines[start:start + 4]):
            c.drawString(40, 520 - 22 * k, line)
        c.drawString(180, 40, f"— {page} —")
        c.showPage()
    c.save()
    doc = read_document(buf.getvalue(), "x.pdf")
    assert doc.format == "pdf"
    assert "某市人民政府文件" not in doc.clean
    assert "— 1 —" not in doc.clean and "—1—" not in doc.clean
    # lines wrapped at 20 characters are joined back into sentences
    assert "全市高新技术企业达到500家以上,技术合同成交额突破80亿元" in doc.clean


def test_pdf_without_text_layer_is_refused():
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    c.rect(10, 10, 100, 100)  # a scanned page has pictures, not text
    c.showPage()
    c.save()
    with pytest.raises(UnreadableDocument, match="没有文字层"):
        read_document(buf.getvalue(), "scan.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"   \n\t \n", "文件为空"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "图片文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Office"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
        (b"%PDF-1.4\n garbage that is not a pdf", "PDF"),
        (b"PK\x03\x04 broken zip", "已损坏"),
    ],
)
def test_unreadable_inputs_get_specific_messages(data, message):
    with pytest.raises(UnreadableDocument, match=message) as exc:
        read_document(data, "input.bin")
    assert exc.value.file == "input.bin"


def test_xlsx_is_pointed_to_data_import():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnreadableDocument, match="data import"):
        read_document(buf.getvalue(), "stats.xlsx")


def test_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("INNODRIVE_MAX_INPUT_MB", "0.001")
    p = tmp_path / "big.txt"
    p.write_text(BODY * 200, encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="文件过大"):
        read_path(p)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UnreadableDocument, match="文件不存在"):
        read_path(tmp_path / "nope.txt")
    with pytest.raises(UnreadableDocument, match="文件夹"):
        read_path(tmp_path)
