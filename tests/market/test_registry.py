"""The 汇交 registries in a real store: the template, all-or-nothing imports naming every
bad row, duplicates (same patent refused, near-identical title and holder flagged),
updates, demands linked to the enterprise directory, search with filters."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from tests.market.market_helpers import (
    code,
    demand_row,
    demands_file,
    filled,
    labelled,
    result_row,
    results_file,
)

from innodrive.errors import ValidationFailed
from innodrive.market.db import DemandRow, ResultPatentRow, ResultRow
from innodrive.market.forms import DEMAND_COLUMNS, RESULT_COLUMNS, SHEETS
from innodrive.market.registry import ResultFilter
from innodrive.services import market
from innodrive.services.actor import Actor, Role
from innodrive.store import audit

OFFICE = Actor(username="office", role=Role.OFFICE)


def _count(store, table) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(table))


def test_the_template_has_every_column_its_notes_and_the_reference_tables():
    from openpyxl import load_workbook

    for kind, cols in (("result", RESULT_COLUMNS), ("demand", DEMAND_COLUMNS)):
        wb = load_workbook(io.BytesIO(market.template(kind)))
        assert wb.sheetnames == [SHEETS[kind], "填写说明", "行业分类", "学科分类", "技术就绪度"]
        ws = wb[SHEETS[kind]]
        assert [c.value for c in ws[1]] == [c.header for c in cols]
        assert all(ws.cell(row=1, column=i + 1).comment for i in range(len(cols)))
        notes = [r[0] for r in wb["填写说明"].iter_rows(values_only=True)]
        assert [c.header for c in cols] == notes[1:len(cols) + 1]
        assert any("GB/T 4754—2017" in str(r[0]) for r in wb["行业分类"].iter_rows(values_only=True))
        assert any("GB/T 22900" in str(r[0]) for r in wb["技术就绪度"].iter_rows(values_only=True))


def test_an_import_of_good_rows_adds_them_with_their_patents(initialised_store):
    report = market.import_results(initialised_store, OFFICE, results_file(), file="成果.xlsx")
    assert (report.rows, report.added, report.updated) == (60, 60, 0)
    assert _count(initialised_store, ResultRow) == 60
    assert _count(initialised_store, ResultPatentRow) == sum(len(r.patents) for r in labelled().results)
    # the same rows again: the ones with patents are refused outright (one patent, one result) …
    with pytest.raises(ValidationFailed) as exc:
        market.import_results(initialised_store, OFFICE, results_file(), file="成果.xlsx", dry_run=True)
    with_patents = [i + 2 for i, r in enumerate(labelled().results) if r.patents]
    assert sorted(p.row for p in exc.value.problems) == with_patents
    assert {p.field for p in exc.value.problems} == {"专利号"}
    assert all("已由成果 #" in p.message for p in exc.value.problems)
    # … and without patents each is a suspected duplicate of the stored one (a preview writes nothing)
    rows = [result_row(r, i) | {"专利号": ""} for i, r in enumerate(labelled().results, start=1)]
    again = market.import_results(initialised_store, OFFICE, filled("result", rows), file="再次.xlsx", dry_run=True)
    assert {s.row for s in again.suspects if s.result_id} == set(range(2, 62))
    assert _count(initialised_store, ResultRow) == 60


def test_bad_rows_change_nothing_and_each_is_named(initialised_store):
    rows = [result_row(r, i) for i, r in enumerate(labelled().results[:6], start=1)]
    rows[1]["技术就绪度"] = "10"                                        # row 3
    rows[2]["专利号"] = "200310102344.6"                               # row 4: wrong check digit
    rows[3]["所在地区"] = "火星市"                                       # row 5
    rows[3]["联系电话"], rows[3]["电子邮箱"] = "12345", None
    rows[4]["成果名称"] = ""                                            # row 6
    rows[5]["持有人类型"] = "协会"                                       # row 7
    before = len(_audit(initialised_store))
    with pytest.raises(ValidationFailed) as exc:
        market.import_results(initialised_store, OFFICE, filled("result", rows), file="坏表.xlsx")
    found = sorted((p.row, p.field) for p in exc.value.problems)
    assert found == [(3, "技术就绪度"), (4, "专利号"), (5, "所在地区"), (5, "联系电话"), (6, "成果名称"),
                     (7, "持有人类型")]
    assert all(p.file == "坏表.xlsx" for p in exc.value.problems)
    assert exc.value.message == "5 行有问题，未导入任何成果"
    assert _count(initialised_store, ResultRow) == 0 and len(_audit(initialised_store)) == before


def _audit(store):
    with store.read() as s:
        return audit.entries(s)


def test_duplicates_within_a_file(initialised_store):
    s = labelled()
    rows = [result_row(s.results[0], 1), result_row(s.results[1], 2)]
    twin = rows[0] | {"成果名称": rows[0]["成果名称"] + "（改进型）", "专利号": ""}
    rows.append(twin)                                                   # row 4: near-identical to row 2
    same_patent = result_row(s.results[2], 3)
    same_patent["专利号"] = rows[0]["专利号"]                              # row 5: the patent of row 2
    rows.append(same_patent)
    with pytest.raises(ValidationFailed) as exc:
        market.import_results(initialised_store, OFFICE, filled("result", rows), file="重复.xlsx")
    [p] = exc.value.problems
    assert (p.row, p.field) == (5, "专利号") and "与第 2 行重复" in p.message
    report = market.import_results(initialised_store, OFFICE, filled("result", rows[:3]), file="重复.xlsx")
    assert [(x.row, x.other_row) for x in report.suspects] == [(4, 2)]
    assert report.added == 3
    found = market.find_duplicates(initialised_store, OFFICE)
    assert [(d.result_id, d.other_result_id) for d in found] == [(report.ids[0], report.ids[2])]


def test_an_update_by_number_keeps_the_record_and_moves_its_patents(initialised_store):
    s = labelled()
    first = market.import_results(initialised_store, OFFICE, filled("result", [result_row(s.results[0], 1)]),
                                  file="a.xlsx")
    rid = first.ids[0]
    row = result_row(s.results[0], 1) | {"成果编号": rid, "意向价格（万元）": "面议", "专利号": "ZL200310102344.5"}
    second = market.import_results(initialised_store, OFFICE, filled("result", [row]), file="b.xlsx")
    assert (second.added, second.updated, second.ids) == (0, 1, [rid])
    r = market.get_result(initialised_store, OFFICE, rid)
    assert r.price_wan is None and r.patents == ["200310102344.5"]
    third = market.import_results(initialised_store, OFFICE, filled("result", [row]), file="b.xlsx")
    assert third.unchanged == 1
    row["成果编号"] = 999
    with pytest.raises(ValidationFailed) as exc:
        market.import_results(initialised_store, OFFICE, filled("result", [row]), file="c.xlsx")
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("专利号", f"专利号 200310102344.5 已由成果 #{rid} 登记：同一专利只能属于一项成果（如为同一成果的更新，请在“成果编号”填写 {rid}）"),
        ("成果编号", "成果编号 999 不存在（新成果请留空）")]


def test_demands_link_to_the_directory_and_register_new_firms(initialised_store):
    from innodrive.services.enterprise_directory import find_enterprise

    report = market.import_demands(initialised_store, OFFICE, demands_file(5), file="需求.xlsx")
    assert (report.added, report.enterprises_added) == (5, 5)
    d = labelled().demands[0]
    firm = find_enterprise(initialised_store, OFFICE, code(f"{d.region}0001"))
    assert firm.name == d.enterprise and firm.region_code == d.region
    # a new firm without its name cannot be registered: the row is named
    row = demand_row(labelled().demands[6], 7)
    row["企业名称"] = None
    row["企业统一社会信用代码"] = code("5100009999")
    with pytest.raises(ValidationFailed) as exc:
        market.import_demands(initialised_store, OFFICE, filled("demand", [row]), file="需求2.xlsx")
    assert [(p.row, p.field) for p in exc.value.problems] == [(2, "企业名称")]
    bad = demand_row(labelled().demands[6], 7)
    bad["企业统一社会信用代码"] = bad["企业统一社会信用代码"][:-1] + ("0" if bad["企业统一社会信用代码"][-1] != "0" else "1")
    bad["截止日期"] = "明年"
    with pytest.raises(ValidationFailed) as exc:
        market.import_demands(initialised_store, OFFICE, filled("demand", [bad]), file="需求3.xlsx")
    assert sorted(p.field for p in exc.value.problems) == ["企业统一社会信用代码", "截止日期"]
    assert _count(initialised_store, DemandRow) == 5


def test_csv_files_are_read_by_the_same_checks(initialised_store):
    headers = [c.header for c in RESULT_COLUMNS]
    row = result_row(labelled().results[3], 4)
    lines = [",".join(headers), ",".join(f'"{row.get(h) if row.get(h) is not None else ""}"' for h in headers)]
    data = ("\n".join(lines) + "\n").encode("gb18030")
    report = market.import_results(initialised_store, OFFICE, data, file="汇交.csv")
    assert report.added == 1
    r = market.get_result(initialised_store, OFFICE, report.ids[0])
    assert r.title == labelled().results[3].title and r.transfer_modes == ["转让", "作价入股"]


def test_search_filters(initialised_store):
    market.import_results(initialised_store, OFFICE, results_file(), file="成果.xlsx")
    page = market.search_results(initialised_store, OFFICE, ResultFilter(text="多晶硅"))
    assert {r.title for r in page.items} >= {"改良西门子法多晶硅还原炉节能控制技术"}
    in_leshan = market.search_results(initialised_store, OFFICE, ResultFilter(region_code="511100"), limit=500)
    assert in_leshan.total == sum(r.region == "511100" for r in labelled().results)
    c = market.search_results(initialised_store, OFFICE, ResultFilter(industry_code="C", trl_min=8), limit=500)
    assert all(r.trl >= 8 and r.industry_code not in ("01", "65", "77") for r in c.items) and c.total > 0
    lic = market.search_results(initialised_store, OFFICE, ResultFilter(transfer_mode="作价入股"), limit=500)
    assert lic.total == sum("作价入股" in r.modes for r in labelled().results)
    withdrawn = market.set_result_status(initialised_store, OFFICE, page.items[0].id, active=False, reason="已转让他人")
    assert withdrawn.status == "withdrawn"
    assert market.search_results(initialised_store, OFFICE, ResultFilter(text="多晶硅")).total == page.total - 1
