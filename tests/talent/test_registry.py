"""The talent register: one record per ID document, bulk import all-or-nothing with
every bad row named, duplicates found, category history kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from innodrive.errors import Conflict, Forbidden, ValidationFailed
from innodrive.services import talent as svc
from innodrive.store import audit
from innodrive.talent.records import TalentInput

from .helpers import COUNTY, FIRM, OFFICE, credit, ident, person, wrong_check

TODAY = dt.date(2024, 6, 30)
HEADER = "姓名,证件类型,证件号码,出生日期,联系电话,工作单位,统一社会信用代码,所在地区,荣誉称号,人才类别,到岗日期,引进方式\n"


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode("utf-8")


GOOD = [
    f"李示甲,居民身份证,{ident('19750302', seq='111')},,13900000001,,{FIRM},,国家杰出青年科学基金,B,2019-05-01,全职",
    f"赵示乙,,{ident('19880812', seq='222')},,0833-2123456,乐山示例职业技术学院（构造）,,乐山市市中区,,D,2020-09-01,柔性",
    f"孙示丙,身份证,{ident('19930101', seq='333')},,,,{FIRM},,,E,2023-07-01,全职",
]


def test_register_then_the_same_id_again_is_a_conflict(store):
    r = svc.register_talent(store, OFFICE, person(), today=TODAY)
    assert r.talent.number == "T000001" and r.talent.masked and r.talent.region_code == "511102"
    assert r.talent.employer_name == "乐山示例光电有限公司（构造）"  # from the enterprise directory
    with pytest.raises(Conflict, match="已登记为人才 T000001"):
        svc.register_talent(store, OFFICE, person(name="另一个名字"), today=TODAY)
    with store.read() as s:
        [entry] = audit.entries(s, entity="talent")
    assert entry.summary == "登记人才 T000001（B类，市中区，全职）" and "王" not in entry.summary


def test_a_wrong_check_digit_is_refused_with_the_row_named_and_nothing_is_imported(store):
    bad = GOOD[1].replace(ident("19880812", seq="222"), wrong_check(ident("19880812", seq="222")))
    with pytest.raises(ValidationFailed) as exc:
        svc.import_talents(store, OFFICE, csv_bytes(GOOD[0], bad, GOOD[2]), name="人才登记表.csv", today=TODAY)
    [p] = exc.value.problems
    assert (p.file, p.row, p.field) == ("人才登记表.csv", 3, "证件号码")
    assert "校验位错误" in p.message
    assert str(p).startswith("文件 人才登记表.csv 第 3 行 字段「证件号码」：身份证号校验位错误")
    assert svc.list_talents(store, OFFICE).total == 0


def test_every_problem_of_every_row_is_listed(store):
    unknown_firm = credit("5111029999")
    rows = [
        GOOD[0],
        f"周示丁,,{ident('19800101', seq='444')},,12345,,{unknown_firm},,,B,2020-01-01,全职",
        f",,{ident('19800101', seq='555')},,,某研究院（构造）,,乐山市,,Z,2030-01-01,兼任",
        GOOD[0].replace("李示甲", "李示甲二"),
        "吴示戊,护照,E1234567,,,某大学（构造）,,宜宾市,,C,2021-01-01,全职",
    ]
    with pytest.raises(ValidationFailed) as exc:
        svc.import_talents(store, OFFICE, csv_bytes(*rows), name="t.csv", today=TODAY)
    got = sorted((p.row, p.field) for p in exc.value.problems)
    assert got == sorted([(3, "统一社会信用代码"), (3, "联系电话"), (4, "人才类别"), (4, "到岗日期"), (4, "引进方式"),
                          (4, "姓名"), (5, "证件号码"), (6, "出生日期")])
    messages = {(p.row, p.field): p.message for p in exc.value.problems}
    assert "企业名录中没有统一社会信用代码为" in messages[(3, "统一社会信用代码")]
    assert messages[(5, "证件号码")] == "证件号码与第 2 行重复"
    assert "护照号码不含出生日期" in messages[(6, "出生日期")]
    assert svc.list_talents(store, OFFICE).total == 0


def test_rows_outside_the_accounts_region_are_refused(store):
    row = f"吴示戊,,{ident('19800101', seq='666')},,,某大学（构造）,,宜宾市翠屏区,,C,2021-01-01,全职"
    with pytest.raises(ValidationFailed, match="不在本账号的辖区内"):
        svc.import_talents(store, OFFICE, csv_bytes(row), name="t.csv", today=TODAY)
    with pytest.raises(Forbidden):
        svc.import_talents(store, COUNTY, csv_bytes(GOOD[0]), name="t.csv", today=TODAY)


def test_import_then_duplicates_are_errors_or_skipped_or_updated(store):
    preview = svc.import_talents(store, OFFICE, csv_bytes(*GOOD), name="t.csv", dry_run=True, today=TODAY)
    assert (preview.added, preview.dry_run) == (3, True) and svc.list_talents(store, OFFICE).total == 0
    first = svc.import_talents(store, OFFICE, csv_bytes(*GOOD), name="t.csv", today=TODAY)
    assert (first.rows, first.added) == (3, 3)
    with pytest.raises(ValidationFailed) as exc:
        svc.import_talents(store, OFFICE, csv_bytes(*GOOD), name="t.csv", today=TODAY)
    assert [p.row for p in exc.value.problems] == [2, 3, 4]
    assert "已登记为人才 T000001" in exc.value.problems[0].message
    skipped = svc.import_talents(store, OFFICE, csv_bytes(*GOOD), name="t.csv", on_duplicate="skip", today=TODAY)
    assert (skipped.added, skipped.skipped) == (0, 3)
    changed = [GOOD[0].replace("13900000001", "13900000009"), *GOOD[1:]]
    dry = svc.import_talents(store, OFFICE, csv_bytes(*changed), name="t.csv", on_duplicate="update", dry_run=True,
                             today=TODAY)
    assert (dry.updated, dry.unchanged) == (1, 2)
    upd = svc.import_talents(store, OFFICE, csv_bytes(*changed), name="t.csv", on_duplicate="update", today=TODAY)
    assert (upd.updated, upd.unchanged, upd.added) == (1, 2, 0)
    assert svc.view_personal(store, OFFICE, 1, purpose="核对联系电话").phone == "13900000009"
    with store.read() as s:
        actions = [e.action for e in audit.entries(s, entity="talent")]
    assert actions.count("talent.import") == 3  # the dry runs and the refused import wrote nothing


def test_an_xlsx_with_a_title_row_and_an_id_stored_as_a_number(store):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["乐山市高层次人才登记表（构造）"])
    ws.append(HEADER.strip().split(","))
    ws.append(GOOD[0].split(","))
    number_row = GOOD[2].split(",")
    number_row[2] = float(number_row[2][:17] + "0")  # what Excel does to a long number typed into a number cell
    ws.append(number_row)
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed) as exc:
        svc.import_talents(store, OFFICE, buf.getvalue(), name="登记表.xlsx", today=TODAY)
    [p] = exc.value.problems
    assert p.row == 4 and "Excel" in p.message
    ws.delete_rows(4)
    buf = io.BytesIO()
    wb.save(buf)
    assert svc.import_talents(store, OFFICE, buf.getvalue(), name="登记表.xlsx", today=TODAY).added == 1


def test_a_missing_required_column_is_named(store):
    from innodrive.errors import InputError

    with pytest.raises(InputError, match="缺少必需的列：引进方式"):
        svc.import_talents(store, OFFICE, "姓名,证件号码,到岗日期\n张,1,2020-01-01\n".encode(), name="t.csv")


def test_duplicates_under_two_documents_are_found_and_the_id_lookup_works(store):
    svc.register_talent(store, OFFICE, person(name="Anna Example", birth="19700303", category="A"), today=TODAY)
    second = svc.register_talent(store, OFFICE, TalentInput(
        name="anna  example", id_type="护照", id_number="P1234567", birth_date="1970-03-03", employer_code=FIRM,
        category="A", employment="柔性", arrival_date="2022-01-01"), today=TODAY)
    assert second.possible_duplicates == ["T000001"]
    [group] = svc.find_duplicates(store, OFFICE)
    assert [m.number for m in group.members] == ["T000001", "T000002"]
    assert all(m.masked for m in group.members)
    found = svc.find_talent(store, OFFICE, ident("19700303"))
    assert found.number == "T000001" and found.id_number != ident("19700303")
    assert svc.find_talent(store, OFFICE, "p1234567", id_type="护照").number == "T000002"


def test_a_new_recognition_keeps_the_category_history_and_honours_suggest_a_higher_category(store):
    r = svc.register_talent(store, OFFICE, person(category="D", honours="中国工程院院士", recognised_on="2021-03-01"),
                            today=TODAY)
    assert any("符合A类认定条件 A2" in w for w in r.warnings)
    svc.update_talent(store, OFFICE, r.talent.id, {"category": "A", "criterion": "a2", "recognised_on": "2023-12-01"},
                      today=TODAY)
    detail = svc.get_talent(store, OFFICE, r.talent.id)
    assert [(c.category, c.recognised_on) for c in detail.categories] == [("D", dt.date(2021, 3, 1)),
                                                                         ("A", dt.date(2023, 12, 1))]
    assert detail.talent.criterion == "A2" and detail.talent.category_name == "国内外顶尖人才"
    with store.read() as s:
        upd = [e for e in audit.entries(s, entity="talent") if e.action == "talent.update"]
    assert "人才类别" in upd[0].summary and upd[0].before["category"] == "D"


def test_a_county_sees_its_own_talent_only(store):
    svc.import_talents(store, OFFICE, csv_bytes(*GOOD), name="t.csv", today=TODAY)
    svc.register_talent(store, OFFICE, person(name="钱示己", birth="19850505", region="峨眉山市",
                                              employer_code=None, employer_name="峨眉示例研究所（构造）"), today=TODAY)
    assert svc.list_talents(store, OFFICE).total == 4
    assert svc.list_talents(store, COUNTY).total == 3
    from innodrive.errors import NotFound

    with pytest.raises(NotFound):
        svc.get_talent(store, COUNTY, 4)
