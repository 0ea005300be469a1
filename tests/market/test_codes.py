"""The closed vocabularies and checks of the market: patent numbers, classifications,
contacts, cells of the templates, the 成渝 scope and proximity tiers."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.market import contacts, forms, patents, proximity
from innodrive.market.classification import disciplines, industries
from innodrive.market.terms import readiness_levels

TODAY = dt.date(2026, 12, 1)


# ------------------------------------------------------------------ patents

def test_the_check_digit_of_the_standard_s_example():
    # 《专利申请号标准》ZC 0006—2003 example 200310102344.5: weights 2..9,2..5 → 82 mod 11 = 5
    assert patents.check_char("200310102344") == "5"
    assert patents.parse("200310102344.5", today=TODAY) == ("200310102344.5", None)


@pytest.mark.parametrize("written", ["ZL200310102344.5", "zl 2003 1010 2344.5", "CN200310102344.5",
                                     "申请号：200310102344.5", "2003101023445", "２００３１０１０２３４４．５"])
def test_application_numbers_in_the_ways_people_write_them(written):
    assert patents.parse(written, today=TODAY) == ("200310102344.5", None)


def test_a_check_digit_of_ten_is_written_x():
    digits = next(d for d in (f"2020101{i:05d}" for i in range(200)) if patents.check_char(d) == "X")
    assert patents.parse(f"{digits}.x", today=TODAY)[0] == f"{digits}.X"
    wrong = patents.parse(f"{digits}.1", today=TODAY)[1]
    assert "校验位错误：应为 X，实际为 1" in wrong


@pytest.mark.parametrize("written,reason", [
    ("200310102344.6", "校验位错误：应为 5"),
    ("200310102344", "缺少校验位（应为 200310102344.5）"),
    ("200340102344.1", "专利类型"),
    ("209910102344.1", "年份 2099"),
    ("12345", "不是有效的专利号"),
    ("CN102345678", "不在 1985—2003 之间"),   # read as an 8-digit number + check: its year is 1910
])
def test_bad_numbers_say_what_is_wrong(written, reason):
    number, problem = patents.parse(written, today=TODAY)
    assert number is None and reason in problem


def test_old_eight_digit_numbers_and_publication_numbers():
    digits = "97112345"
    assert patents.parse(f"{digits}.{patents.check_char(digits)}", today=TODAY)[1] is None
    assert patents.parse("CN 102345678 B", today=TODAY) == ("CN102345678B", None)
    assert patents.kind_of("200310102344.5") == "发明"
    assert patents.kind_of("202120000001.1") == "实用新型"
    assert patents.split_cell("200310102344.5、CN102345678B；\nZL200310102344.5") == [
        "200310102344.5", "CN102345678B", "ZL200310102344.5"]


# ------------------------------------------------------------------ classifications

def test_the_shipped_classifications_have_the_standards_top_level_counts():
    ind, dis = industries(), disciplines()
    assert sum(c.level == "门类" for c in ind) == 20 and sum(c.level == "大类" for c in ind) == 97
    assert sum(c.level == "门类" for c in dis) == 5 and sum(c.level == "一级学科" for c in dis) == 62
    assert ind.get("38").name == "电气机械和器材制造业" and ind.section("38") == "C"
    assert dis.get("430").name == "材料科学" and dis.section("430") == "D"
    assert "GB/T 4754—2017" in ind.source and "GB/T 13745—2009" in dis.source


@pytest.mark.parametrize("cell,code", [("38", "38"), ("C38", "38"), ("c 38", "38"), ("38 电气机械和器材制造业", "38"),
                                       ("电气机械和器材制造业", "38"), ("C", "C"), ("制造业", "C"), ("", None)])
def test_industry_cells_parse(cell, code):
    assert industries().parse(cell) == (code, None)


@pytest.mark.parametrize("cell,reason", [("99", "不是"), ("A38", "门类字母"), ("38 医药制造业", "不一致"),
                                         ("锂电池", "无法识别")])
def test_wrong_industry_cells_are_refused_not_guessed(cell, reason):
    code, problem = industries().parse(cell)
    assert code is None and reason in problem


def test_nine_readiness_levels_with_their_source():
    source, levels = readiness_levels()
    assert sorted(levels) == list(range(1, 10)) and "GB/T 22900" in source
    assert forms.parse_trl("TRL 6") == (6, None) and forms.parse_trl("7级") == (7, None)
    assert forms.parse_trl("10")[1] and forms.parse_trl("中试")[1]


# ------------------------------------------------------------------ cells

@pytest.mark.parametrize("cell,value", [("300", 300.0), (300, 300.0), ("300万元", 300.0), ("1.2亿元", 12000.0),
                                        ("1,500", 1500.0), ("面议", None), ("", None), (None, None)])
def test_money_in_wan(cell, value):
    assert forms.parse_money(cell) == (value, None)


def test_bad_money_and_flags_and_modes():
    assert forms.parse_money("-5")[1] and forms.parse_money(-5)[1] and forms.parse_money("三百万")[1]
    assert forms.parse_flag("是") == (True, None) and forms.parse_flag("") == (False, None)
    assert forms.parse_flag("也许")[1]
    assert forms.parse_modes("技术转让、许可使用、作价投资") == (["转让", "许可", "作价入股"], None)
    assert "赠送" in forms.parse_modes("转让、赠送")[1]
    assert forms.parse_holder_kind("大学") == ("高校", None) and forms.parse_holder_kind("协会")[1]


# ------------------------------------------------------------------ contacts

def test_contacts_are_checked_and_masked():
    assert contacts.clean_phone("+86 138 1234 5678") == ("13812345678", None)
    assert contacts.clean_phone("（0833）2345678") == ("0833-2345678", None)
    assert contacts.clean_phone("12345")[1]
    assert contacts.clean_email("Li@Example.org") == ("li@example.org", None)
    assert contacts.clean_email("li@")[1]
    c = contacts.Contact(name="欧阳明华", phone="13812345678", email="ouyang@example.org")
    m = c.masked_copy()
    assert (m.name, m.phone, m.email, m.masked) == ("欧***", "138****5678", "o***@example.org", True)
    assert contacts.mask_phone("0833-2345678") == "0833-****678"


# ------------------------------------------------------------------ 成渝 and proximity

def test_chengyu_scope_as_the_outline_defines_it():
    source, codes = proximity.chengyu()
    assert "成渝地区双城经济圈建设规划纲要" in source
    assert {"510100", "511100", "511500", "500103", "500228"} <= codes   # 成都, 乐山, 宜宾, 渝中, 梁平
    assert "510727" not in codes and "510726" not in codes              # 平武, 北川 excluded
    assert "511781" not in codes and "511825" not in codes              # 万源, 天全 excluded
    assert "513300" not in codes and "510400" not in codes              # 甘孜, 攀枝花 not listed
    assert "500242" not in codes                                        # 酉阳 not listed


@pytest.mark.parametrize("a,b,tier", [
    ("511102", "511100", "same_city"),       # 市中区 in 乐山市
    ("500106", "500101", "same_city"),       # two districts of 重庆 (a municipality)
    ("511100", "500106", "chengyu"),         # 乐山 and 沙坪坝
    ("511100", "513300", "same_province"),   # 乐山 and 甘孜
    ("510726", "511100", "same_province"),   # 北川 lies outside 成渝
    ("511100", "440300", "other"),
    (None, "511100", "unknown"),
])
def test_proximity_tiers(a, b, tier):
    assert proximity.tier(a, b) == tier
