"""The PDF checks catch what they are for: text off the page, text without ink, a missing string."""

from __future__ import annotations

import io

from innodrive.cli import main
from innodrive.reports.preflight import check_pdf


def _pdf(draw) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from innodrive.reports.fonts import reportlab_font

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    draw(c, reportlab_font())
    c.showPage()
    c.save()
    return buf.getvalue()


def test_text_in_the_margin_is_reported():
    from reportlab.lib.units import mm

    def draw(c, font):
        c.setFont(font, 16)
        c.drawString(40 * mm, 200 * mm, "版心之内的正文")
        c.drawString(3 * mm, 150 * mm, "左边距里的字")

    report = check_pdf(_pdf(draw), expect=["版心之内的正文"])
    assert any("左边距里的字" in p and "超出版心" in p for p in report.problems)
    assert any("版心以外有内容" in p for p in report.problems)


def test_a_font_left_out_of_the_pdf_is_reported():
    """reportlab's built-in STSong-Light is named, not embedded: reported whatever this
    machine's poppler makes of it. Without poppler's CJK data (poppler-data) poppler finds
    neither text nor ink, and says so; with it, it draws a substitute."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    def draw(c, font):
        c.setFont("STSong-Light", 16)
        for i in range(8):
            c.drawString(40 * mm, (240 - 12 * i) * mm, f"创新驱动发展考核结果通报第{i}行")

    report = check_pdf(_pdf(draw), expect=["创新驱动发展考核结果通报"])
    assert "字体“STSong-Light”未嵌入 PDF（其他电脑上可能无法显示或被替换）" in report.problems
    if "创新驱动发展考核结果通报" not in report.all_text:
        assert "PDF 文本中找不到“创新驱动发展考核结果通报”" in report.problems
        assert "第 1 页没有可提取的文字（字体无法显示或未嵌入）" in report.problems


def test_embedded_fonts_and_the_standard_ones_are_not_reported():
    """The report font (embedded, subset) and Helvetica (a standard font) pass."""
    from reportlab.lib.units import mm

    from innodrive.reports.preflight import fonts_not_embedded

    def draw(c, font):
        c.setFont(font, 16)
        c.drawString(40 * mm, 200 * mm, "版心之内的正文")
        c.setFont("Helvetica", 10)
        c.drawString(40 * mm, 180 * mm, "page 1")

    assert fonts_not_embedded(_pdf(draw)) == []


def test_a_missing_expected_string_is_reported():
    from reportlab.lib.units import mm

    def draw(c, font):
        c.setFont(font, 16)
        c.drawString(40 * mm, 200 * mm, "市中区 92.50")

    report = check_pdf(_pdf(draw), expect=["市中区", "犍为县"])
    assert report.problems == ["PDF 文本中找不到“犍为县”"]


def test_cli_check_passes_a_good_pdf_and_fails_a_bad_one(tmp_path, capsys):
    from reportlab.lib.units import mm
    from tests.reports.sample import sample_document

    from innodrive.reports import render

    good = tmp_path / "good.pdf"
    good.write_bytes(render(sample_document(), "pdf"))
    assert main(["report", "check", str(good), "--expect", "峨眉山市"]) == 0
    assert "检查通过" in capsys.readouterr().out

    def draw(c, font):
        c.setFont(font, 16)
        c.drawString(3 * mm, 150 * mm, "左边距里的字")

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_pdf(draw))
    assert main(["report", "check", str(bad)]) == 2
    assert "超出版心" in capsys.readouterr().err


def test_text_without_ink_is_reported():
    """Words in the text layer that leave no mark on the page (invisible text)."""
    from reportlab.lib.units import mm

    def draw(c, font):
        c.setFont(font, 16)
        c.drawString(40 * mm, 250 * mm, "看得见的标题")
        t = c.beginText(40 * mm, 200 * mm)
        t.setFont(font, 16)
        t.setTextRenderMode(3)  # invisible: text layer without ink
        for i in range(6):
            t.textLine(f"看不见的第{i}行 文字 内容")
        c.drawText(t)

    report = check_pdf(_pdf(draw), expect=["看得见的标题", "看不见的第0行"])
    assert any("没有笔画" in p for p in report.problems), report.problems
