"""The 考核结果通报 of the example year: every number against the run it came from, the PDF
checked through poppler (text, glyphs, margins, ink), the Word tables and the XLSX appendix."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from tests.kaohe.conftest import OFFICE
from tests.kaohe.test_cycle import COUNTY, IN_WINDOW

from innodrive.reports import render
from innodrive.reports.kaohe import appendix, tongbao
from innodrive.reports.preflight import check_pdf
from innodrive.reports.xlsx import render_xlsx
from innodrive.services import kaohe as svc

ISSUED = dt.date(2025, 2, 20)
GRADES = "优秀|良好|一般|较差"


@pytest.fixture(scope="module")
def year_with_appeal(example_file, tmp_path_factory):
    """The example year scored, one appeal accepted, one rejected, finalised (once for the module:
    the tests below only read it)."""
    import shutil

    from innodrive.store import open_store

    folder = tmp_path_factory.mktemp("tongbao")
    mp = pytest.MonkeyPatch()
    mp.setenv("INNODRIVE_HOME", str(folder / "home"))
    path, cycle = example_file
    shutil.copyfile(path, folder / "year.sqlite")
    store = open_store("sqlite:///" + str(folder / "year.sqlite"))
    yield from _scenario(store, cycle)
    store.close()
    mp.undo()


@pytest.fixture(scope="module")
def pdf(year_with_appeal) -> bytes:
    return render(tongbao(year_with_appeal[2], issued_on=ISSUED, serial=5), "pdf")


def _scenario(store, cycle):
    svc.score(store, OFFICE, cycle)
    a = svc.file_appeal(store, COUNTY, cycle, unit="金口河区", subject="indicator:fiscal_sti_expenditure_share",
                        claim="统计数据漏报，见财政决算报表", requested={"value": 1.0}, today=IN_WINDOW)
    svc.decide_appeal(store, OFFICE, a.id, accept=True, reason="经核对财政决算报表，数据属实")
    b = svc.file_appeal(store, OFFICE, cycle, unit="市人社局", subject="other", claim="任务认定有误", today=IN_WINDOW)
    svc.decide_appeal(store, OFFICE, b.id, accept=False, reason="认定无误")
    svc.finalise(store, OFFICE, cycle, today=dt.date(2025, 2, 1))
    yield store, cycle, svc.tongbao_data(store, OFFICE, cycle)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_every_number_of_the_tongbao_comes_from_the_run(year_with_appeal, pdf):
    _, _, data = year_with_appeal
    result = data.result
    report = check_pdf(pdf, expect=[
        "乐山市创新驱动发展领导小组办公室", "乐山创新办〔2025〕5号", "关于2024年度创新驱动发展考核结果的通报",
        "构造数据", "各县（市、区）人民政府，市级有关部门：", "一、考核总体情况", "二、考核结果", "（一）县（市、区）",
        "（二）市级部门", "三、加分和扣分情况", "四、申诉处理情况", "五、考核结果运用", "六、有关要求",
        "本年度共考核17个单位，其中县（市、区）11个，市级部门6个", "2025年2月20日",
        "附件：2024年度创新驱动发展考核得分明细表", *[u.unit for u in result.units],
    ])
    assert report.problems == [], report.problems
    text = "\n".join(report.text)
    flat = "".join(re.sub(r"—\s*\d+\s*—\s*$", "", _flat(page)) for page in report.text)  # without page numbers
    # the 通报 reports the final run (no "not final" note)
    assert data.run.stage == "final" and "尚未定档" not in flat
    # results tables: every row is the run's unit, rank, total, grade, bonus and deduction
    rows = re.findall(rf"^\s*(\d+)\s+(\S+)\s+(主城区|县域|部门)\s+(\d+\.\d\d)\s+({GRADES})\s+(\S+)\s+(\S+)\s*$", text,
                      re.M)
    assert len(rows) == 17
    for rank, unit, utype, total, grade, plus, minus in rows:
        u = result.unit(unit)
        assert (int(rank), utype, float(total), grade) == (u.rank, u.unit_type, round(u.total, 2), u.grade)
        bonus, deduction = u.over_bonus + u.item_bonus, u.deduction
        assert plus == (f"{bonus:.2f}" if bonus else "—") and minus == (f"{-deduction:.2f}" if deduction else "—")
    # the fund tables: every row is the allocation computed from the same run
    funds = {line.unit: (line, a) for a in data.allocations for line in a.lines}
    money = re.findall(rf"^\s*(\d+)\s+(\S+)\s+(\d+\.\d\d)\s+({GRADES})\s+(\d+\.\d\d)\s+(\d+(?:\.\d)?)\s*$", text, re.M)
    assert len(money) == 17
    for rank, unit, total, grade, weight, amount in money:
        line, a = funds[unit]
        assert (int(rank), float(total), grade, float(weight)) == (line.rank, round(line.total, 2), line.grade,
                                                                    round(line.weight, 2))
        assert amount == f"{line.amount:.{a.decimals}f}"
    assert "合计1000万元" in flat and "合计60.0万元" in flat
    # the sentences: averages, best and worst, grade counts — recomputed here from the run
    for g in result.groups:
        units = [result.unit(n) for n in g.units]
        counted = [u for u in units if not u.vetoed]
        mean = sum(u.total for u in counted) / len(counted)
        worst = min(counted, key=lambda u: u.total)
        assert f"{g.name}平均得分{mean:.2f}分" in flat
        assert f"最高为{units[0].unit}{units[0].total:.2f}分" in flat
        assert f"最低为{worst.unit}{worst.total:.2f}分" in flat
    assert "优秀3个，良好3个，一般3个，较差2个" in flat and "优秀2个，良好1个，一般2个，较差1个" in flat
    assert "共收到申诉2件，经核实采纳1件，未采纳1件" in flat
    assert "63.00→75.50" in flat
    # no number in the 通报 that the data do not hold: every decimal printed is a value of the run
    known = set()
    for u in result.units:
        known |= {f"{x:.2f}" for x in (u.total, u.over_bonus + u.item_bonus, -u.deduction, u.base)}
        known |= {f"{i.points:.2f}" for i in u.items} | {f"{r.bonus:.2f}" for r in u.rules}
        known |= {f"{r.ratio:.2%}" for r in u.rules if r.ratio is not None}
    for a in data.allocations:
        known |= {f"{line.weight:.2f}" for line in a.lines} | {f"{line.amount:.1f}" for line in a.lines}
    for g in result.groups:
        counted = [result.unit(n) for n in g.units if not result.unit(n).vetoed]
        known.add(f"{sum(u.total for u in counted) / len(counted):.2f}")
    for eff in (x.effect for x in data.appeals if x.effect):
        known |= {f"{eff['before']['total']:.2f}", f"{eff['after']['total']:.2f}"}
    printed = {m for w in report.words for m in re.findall(r"-?\d+\.\d\d%?", w.text)}
    assert {"107.00", "75.50", "96.60", "245.50"} & printed == {"107.00", "75.50", "96.60"}
    assert printed - known == set()


def test_pdf_pages_as_images_have_ink_inside_the_text_area_only(pdf):
    from innodrive.reports import layout as L
    from innodrive.reports.preflight import extract_words, page_images

    images = page_images(pdf, dpi=60)
    sizes, words = extract_words(pdf)
    assert len(images) == len(sizes) >= 4
    mm = 72 / 25.4
    for img, (w, _h) in zip(images, sizes, strict=True):
        px = img.shape[1] / w
        left = int(L.LEFT_MM * mm * px) - 3
        # the right margin may hold one hanging closing punctuation mark (one em of 三号), nothing further
        right = int((w - L.RIGHT_MM * mm + L.BODY_PT) * px) + 3
        assert (img[:, :left] > 200).all() and (img[:, right:] > 200).all()  # margins blank
        assert (img < 128).mean() > 0.005  # and the page has text on it
    # the charts are images with their captions next to them
    assert sum(1 for w in words if "按等次着色" in w.text) == 2


def test_word_tables_hold_the_same_numbers(year_with_appeal):
    import docx

    _, _, data = year_with_appeal
    d = docx.Document(io.BytesIO(render(tongbao(data, issued_on=ISSUED), "docx")))
    first = d.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["排名", "单位", "类型", "得分", "等次", "加分", "扣分"]
    group = data.result.groups[0]
    for row, name in zip(first.rows[1:], group.units, strict=True):
        u = data.result.unit(name)
        assert [c.text for c in row.cells][:5] == [str(u.rank), u.unit, u.unit_type, f"{u.total:.2f}", u.grade]
    texts = [p.text for p in d.paragraphs]
    assert "（构造数据：本考核的数据、方案和结果均为演示而编写，不是乐山市的正式考核结果）" in texts


def test_appendix_holds_every_number_and_where_it_came_from(year_with_appeal):
    import openpyxl

    _, _, data = year_with_appeal
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(appendix(data, issued_on=ISSUED))))
    assert wb.sheetnames[:5] == ["说明", "得分汇总", "计分明细", "加扣分事项", "重点任务"]
    summary = list(wb["得分汇总"].iter_rows(min_row=2, values_only=True))
    assert len(summary) == 17
    for row in summary:
        u = data.result.unit(row[2])
        assert (row[1], row[4], row[11]) == (u.rank, pytest.approx(u.total), u.grade)
    detail = list(wb["计分明细"].iter_rows(min_row=2, values_only=True))
    assert len(detail) == sum(len(u.rules) for u in data.result.units)
    jkh = [r for r in detail if r[0] == "金口河区" and r[1] == "地方财政科技支出占一般公共预算支出比重"][0]
    assert jkh[4] == 1.0 and "经申诉" in jkh[6] and jkh[11] == pytest.approx(12.5)
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=4, values_only=True)}
    assert about["结果校验码（SHA-256）"] == data.run.sha256 and "构造" in about["数据说明"]
    assert "资金-县（市、区）" in wb.sheetnames and "申诉" in wb.sheetnames


def test_same_data_same_files(year_with_appeal):
    store, cycle, data = year_with_appeal
    again = svc.tongbao_data(store, OFFICE, cycle)
    for fmt in ("pdf", "docx"):
        assert render(tongbao(data, issued_on=ISSUED), fmt) == render(tongbao(again, issued_on=ISSUED), fmt)
    assert render_xlsx(appendix(data)) == render_xlsx(appendix(again))


def test_a_city_template_changes_the_wording_not_the_numbers(year_with_appeal, tmp_path, monkeypatch):
    _, _, data = year_with_appeal
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path))
    city = tmp_path / "templates" / "乐山市"
    city.mkdir(parents=True)
    (city / "kaohe_tongbao.yaml").write_text(
        "kind: kaohe_tongbao\nvariables:\n  issuer_short: 乐山市创新办\n"
        "header:\n  recipients: 各县（市、区）党委和政府，市级各部门：\n", encoding="utf-8")
    doc = tongbao(data, issued_on=ISSUED)
    assert doc.recipients == "各县（市、区）党委和政府，市级各部门：" and doc.doc_number.startswith("乐山市创新办〔2025〕")
    base = tongbao(data, issued_on=ISSUED)
    assert [b for b in doc.blocks if b.kind == "table"] == [b for b in base.blocks if b.kind == "table"]
