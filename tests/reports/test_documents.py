"""The documents layer: a sample 通报 rendered to Word and PDF, checked like a 文印室 would.

The PDF goes through poppler (pdftotext for the text and each word's box, pdftoppm for
the page images): the Chinese text is present and readable, every character has a
glyph, nothing lies outside the 版心 but the page number, tables fit. The same data
gives the same bytes; the numbers follow the data; the template cannot smuggle numbers in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.reports.sample import NOTE, SCORES, TEMPLATE, UNITS, sample_document

from innodrive.errors import InputError, ValidationFailed
from innodrive.reports import Column, Table, render, render_document
from innodrive.reports import layout as L
from innodrive.reports.model import OfficialDocument
from innodrive.reports.preflight import check_pdf
from innodrive.reports.template import parse_template

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render(sample_document(), "pdf")


def test_sample_pdf_text_is_present_readable_and_on_the_page(sample_pdf):
    report = check_pdf(sample_pdf, expect=[
        "乐山市创新驱动发展领导小组办公室", "乐山创新办〔2025〕3号", "关于2024年度创新驱动发展考核结果的通报",
        NOTE, "各县（市、区）人民政府，市级有关部门：", "一、总体情况", "二、考核结果", "（一）县（市、区）",
        "（二）市级部门", "三、工作要求", "本年度共考核11个单位，平均得分78.80分", "最高峨眉山市94.00分",
        "附件：2024年度考核得分明细表", "2025年3月10日", "抄送：", "印发", *UNITS,
        *(f"{s:.2f}" for s in SCORES),
    ])
    assert report.problems == []
    assert report.pages >= 2
    for i in range(report.pages):
        assert f"—{i + 1}—" in "".join(report.text[i].split())
    # no 申诉 section without appeals (its `when` is false)
    assert "申诉" not in report.all_text


def test_table_header_repeats_after_a_page_break():
    pdf = render(sample_document(extra_rows=40), "pdf")
    report = check_pdf(pdf, expect=["部门40"])
    assert report.problems == []
    pages_with_rows = [i for i, t in enumerate(report.text) if re.search(r"部门\d+", t)]
    assert len(pages_with_rows) >= 2
    for i in pages_with_rows:
        assert "加分和扣分事项" in report.text[i]


def test_a_wide_table_shrinks_to_fit_the_page():
    cols = tuple(Column(header=f"{name}指标得分", align="right", decimals=2) for name in
                 ("投入", "主体", "成果", "产业", "环境", "开放", "人才", "金融", "平台", "转化", "任务", "加减分"))
    rows = tuple(tuple(60.5 + i * 3.25 + j for j in range(12)) for i in range(8))
    table = Table(caption="宽表", columns=(Column(header="单位", weight=2, align="left"), *cols),
                  rows=tuple((u, *r) for u, r in zip(UNITS, rows, strict=False)))
    size, widths = L.table_layout(table)
    assert size < L.TABLE_PT
    assert sum(widths) <= L.TEXT_W_MM + 1e-6
    doc = OfficialDocument(title="宽表测试", date=dt.date(2025, 1, 2), blocks=(table,))
    report = check_pdf(render(doc, "pdf"), expect=["60.50", "94.25", "沐川县"])
    assert report.problems == []
    words = {w.text for w in report.words}
    assert {"60.50", "94.25", "沐川县", "峨眉山市" if len(rows) > 10 else "夹江县"} <= words  # whole on one line


def test_same_data_same_bytes_in_every_format():
    from innodrive.reports.charts import BarChart, Series, render_png

    a, b = sample_document(), sample_document()
    for fmt in ("pdf", "docx"):
        assert render(a, fmt) == render(b, fmt)
    chart = BarChart(title="得分", categories=("市中区", "犍为县"), series=(Series(name="得分", values=(1.0, None)),))
    assert render_png(chart) == render_png(chart)


@pytest.mark.slow
def test_same_bytes_in_another_process():
    """Nothing depends on the process (hash seeds, clocks): a second interpreter with a
    different hash seed writes the same files."""
    script = (f"import hashlib,sys;sys.path.insert(0,{str(ROOT)!r});from tests.reports.sample import sample_document;"
              "from innodrive.reports import render;d=sample_document();"
              "print(hashlib.sha256(render(d,'pdf')).hexdigest(),hashlib.sha256(render(d,'docx')).hexdigest())")
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        digests.add(out.stdout.strip())
    d = sample_document()
    assert digests == {f"{hashlib.sha256(render(d, 'pdf')).hexdigest()} {hashlib.sha256(render(d, 'docx')).hexdigest()}"}


def test_numbers_follow_the_data():
    changed = [s - 1.25 for s in SCORES]
    text = check_pdf(render(sample_document(changed), "pdf")).all_text
    flat = "".join(text.split())
    assert "最高峨眉山市92.75分" in flat
    assert "平均得分77.55分" in flat
    assert "94.00" not in flat
    with_appeal = check_pdf(render(sample_document(appeals=[{"unit": "沐川县"}]), "pdf")).all_text
    assert "三、申诉处理情况" in "".join(with_appeal.split())
    assert "四、工作要求" in "".join(with_appeal.split())
    assert "共受理申诉1件" in "".join(with_appeal.split())


def test_docx_structure_fonts_widths_and_metadata():
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(render(sample_document(), "docx")))
    texts = [p.text for p in doc.paragraphs]
    assert "关于2024年度创新驱动发展考核结果的通报" in texts
    assert "一、总体情况" in texts and "（二）市级部门" in texts and "三、工作要求" in texts
    assert f"（{NOTE}）" in texts
    assert "2025年3月10日" in texts
    section = doc.sections[0]
    assert round(section.left_margin.mm) == 28 and round(section.top_margin.mm) == 37
    title = next(p for p in doc.paragraphs if p.text.startswith("关于2024"))
    assert title.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    assert len(doc.tables) == 2
    for t in doc.tables:
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        widths = [c.width.mm for c in t.rows[0].cells]
        assert sum(widths) <= L.TEXT_W_MM + 0.5
    assert [c.text for c in doc.tables[0].rows[1].cells][:4] == ["1", "峨眉山市", "94.00", "优秀"]
    props = doc.core_properties
    assert props.created.date() == dt.date(2025, 3, 10) == props.modified.date()
    assert props.title == "关于2024年度创新驱动发展考核结果的通报"
    footer = section.footer.paragraphs[0]._element.xml
    assert "PAGE" in footer


def test_template_may_not_write_numbers_into_the_wording():
    bad = {**TEMPLATE, "body": [{"text": "本年度共考核11个单位。"}, {"heading": "第2部分"}]}
    with pytest.raises(ValidationFailed) as exc:
        parse_template(bad, source="bad.yaml")
    fields = [p.field for p in exc.value.problems]
    assert fields == ["body[1].text", "body[2].heading"]
    assert "数字只能来自数据" in exc.value.problems[0].message
    # digits inside an expression are data, and the 文号/日期 in the header are the office's
    parse_template({**TEMPLATE, "header": {**TEMPLATE["header"], "doc_number": "乐山创新办〔2025〕3号"}})


@pytest.mark.parametrize(("body", "message", "field"), [
    ([{"text": "{{ nonexistent }}"}], "数据中没有的项", "body[1].text"),
    ([{"text": "{{ ''.__class__.__mro__ }}"}], "不允许", "body[1].text"),
    ([{"table": "missing"}], "表格“missing”不存在", "body[1].table"),
    ([{"text": "{% for x in units %}{{ x }}"}], "模板语法错误", "body[1].text"),
])
def test_template_errors_name_their_place(body, message, field):
    from tests.reports import sample

    raw = {**TEMPLATE, "body": body}
    if "语法" in message:
        with pytest.raises(ValidationFailed) as exc:
            parse_template(raw, source="t.yaml")
        assert message in exc.value.problems[0].message and exc.value.problems[0].field == field
        return
    with pytest.raises(InputError) as exc:
        render_document(parse_template(raw, source="t.yaml"), {"city": "乐山市", "city_short": "乐山",
                        "year": 2024, "doc_year": 2025, "serial": 1, "issued_on": "2025-03-10",
                        "units": sample.UNITS}, tables={})
    assert message in exc.value.message and exc.value.field == field and exc.value.file == "t.yaml"


def test_template_shape_errors_are_all_reported():
    raw = {**TEMPLATE, "header": {**TEMPLATE["header"], "sender": "x"}, "fonts": {"titel": "黑体"},
           "body": [{"text": "a", "table": "b"}, {"for": "units", "blocks": [{"text": "x"}]}]}
    with pytest.raises(ValidationFailed) as exc:
        parse_template(raw, source="t.yaml")
    fields = {p.field for p in exc.value.problems}
    assert {"header.sender", "fonts.titel", "body[1]", "body[2].for"} <= fields


def test_city_override_replaces_only_what_it_gives(tmp_path, monkeypatch):
    import yaml

    from innodrive.reports import template as T

    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path))
    monkeypatch.setattr(T, "bundled_text", lambda kind: yaml.safe_dump(TEMPLATE, allow_unicode=True))
    city = tmp_path / "templates" / "乐山市"
    city.mkdir(parents=True)
    (city / "sample.yaml").write_text("kind: sample\nvariables:\n  short: 乐创办\n"
                                      "header:\n  cc: 市委办公室。\n", encoding="utf-8")
    t = T.load_template("sample", city="乐山市")
    assert t.variables["short"] == "乐创办" and t.variables["issuer"] == TEMPLATE["variables"]["issuer"]
    assert t.header["cc"] == "市委办公室。" and t.header["title"] == TEMPLATE["header"]["title"]
    assert t.body == parse_template(TEMPLATE).body
    assert "乐山市" in t.source
    other = T.load_template("sample", city="宜宾市")
    assert other.variables["short"] == TEMPLATE["variables"]["short"]
    explicit = tmp_path / "mine.yaml"
    explicit.write_text("kind: other\n", encoding="utf-8")
    with pytest.raises(InputError, match="kind"):
        T.load_template("sample", path=explicit)


def test_a_missing_or_unusable_font_says_what_to_install(monkeypatch, tmp_path):
    from innodrive.reports import fonts

    monkeypatch.setenv("INNODRIVE_CJK_FONT", str(tmp_path / "none.ttf"))
    fonts.clear_cache()
    try:
        with pytest.raises(InputError, match="不存在"):
            render(sample_document(), "pdf")
        cff = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
        if cff.exists():
            monkeypatch.setenv("INNODRIVE_CJK_FONT", str(cff))
            fonts.clear_cache()
            with pytest.raises(InputError, match="OpenType"):
                fonts.find_font()
        monkeypatch.setenv("INNODRIVE_CJK_FONT", "")
        monkeypatch.setattr(fonts, "CANDIDATES", ())
        fonts.clear_cache()
        with pytest.raises(InputError, match="fonts-wqy-microhei"):
            fonts.find_font()
    finally:
        fonts.clear_cache()


def test_xlsx_appendix_cells_are_safe_numbers_stay_numbers_unknown_stays_empty():
    import openpyxl

    from innodrive.reports.xlsx import Sheet, SheetColumn, Workbook, render_xlsx

    book = Workbook(title="附件", date=dt.date(2025, 3, 10), sheets=(
        Sheet(name="得分/明细", title="考核得分（构造数据）", columns=(SheetColumn(header="单位"),
              SheetColumn(header="得分", number_format="0.00")),
              rows=(("=HYPERLINK(\"http://x\")", 92.5), ("犍为县", None)), notes=("注：构造数据。",)),))
    data = render_xlsx(book)
    assert data == render_xlsx(book)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["得分_明细"]
    assert ws["A1"].value == "考核得分（构造数据）"
    assert ws["A4"].value.startswith("'=") and ws["B4"].value == 92.5 and ws["B4"].number_format == "0.00"
    assert ws["B5"].value is None
    assert wb.properties.created == dt.datetime(2025, 3, 10)


def test_write_is_atomic(tmp_path):
    from innodrive.reports import write

    target = tmp_path / "通报.pdf"
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    write(b"%PDF-1.4", link)
    assert link.is_file() and not link.is_symlink() and not target.exists()
