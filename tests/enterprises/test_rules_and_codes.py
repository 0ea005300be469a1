"""Rule versions by date, rule-file validation, and 统一社会信用代码 check digits."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.enterprises import credit_code as cc
from innodrive.enterprises.rules import all_rule_sets, load_text, rule_for
from innodrive.errors import InputError, NotFound


def test_version_in_force_is_chosen_by_date():
    assert rule_for("gazelle", dt.date(2021, 6, 1)).version == "sc-2019"
    assert rule_for("gazelle", dt.date(2022, 12, 31)).version == "sc-2019"
    assert rule_for("gazelle", dt.date(2023, 1, 1)).version == "sc-filing-new"
    assert rule_for("hnte", dt.date(2024, 1, 1)).version == "most-2016"
    with pytest.raises(NotFound, match="没有生效"):
        rule_for("hnte", dt.date(2015, 12, 31))
    with pytest.raises(NotFound, match="2022-07-31"):
        rule_for("innovative_sme", dt.date(2022, 7, 31))


def test_every_rule_set_carries_source_version_and_dates():
    for rs in all_rule_sets():
        assert rs.source and rs.version and rs.effective_from
        assert rs.status in ("official", "unconfirmed", "example")
        for c in rs.conditions.values():
            assert c.label


def test_gazelle_versions_are_marked_unconfirmed():
    assert {rs.status for rs in all_rule_sets() if rs.programme == "gazelle"} == {"unconfirmed"}


BASE = """
programme: tech_sme
title: t
version: v
status: example
effective_from: 2020-01-01
source: [x]
conditions:
  A: {label: a, test: employees_total <= 500}
verdict: {label: v, all: [A]}
"""


def test_rule_files_are_validated_with_clear_messages():
    assert load_text(BASE).verdict.children[0].id == "A"
    with pytest.raises(InputError, match="登记表中没有的字段"):
        load_text(BASE.replace("employees_total", "staff_count"))
    with pytest.raises(InputError, match="未定义的条件"):
        load_text(BASE.replace("all: [A]", "all: [B]"))
    with pytest.raises(InputError, match="不支持的写法"):
        load_text(BASE.replace("employees_total <= 500", "__import__('os') <= 1"))
    with pytest.raises(InputError, match="比较式"):
        load_text(BASE.replace("employees_total <= 500", "employees_total + 1"))
    with pytest.raises(InputError, match="status"):
        load_text(BASE.replace("status: example", "status: maybe"))


def test_credit_code_check_digit_by_hand():
    # body 91511500MA62A1B2C (17 chars); values of the characters (alphabet 0-9 A-H J-N P-R T U W-Y):
    body = "91511500MA62A1B2C"
    values = [9, 1, 5, 1, 1, 5, 0, 0, 21, 10, 6, 2, 10, 1, 11, 2, 12]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]  # 3**i mod 31
    assert [cc.ALPHABET.index(c) for c in body] == values
    assert list(cc.WEIGHTS) == weights
    total = sum(v * w for v, w in zip(values, weights, strict=True))
    expected = cc.ALPHABET[(31 - total % 31) % 31]
    assert cc.check_char(body) == expected
    assert cc.is_valid(body + expected)
    wrong = next(c for c in cc.ALPHABET if c != expected)
    assert "校验位错误" in cc.problem(body + wrong)
    assert "18位" in cc.problem(body)
    assert "不允许的字符" in cc.problem("91511500MA62A1B2CI")


def test_every_condition_and_score_can_name_its_article():
    for rs in all_rule_sets():
        for c in rs.conditions.values():
            if c.kind in ("test", "score"):
                assert c.article, f"{rs.key}: condition {c.id} has no article"
        for s in rs.scores.values():
            assert s.article, f"{rs.key}: score {s.id} has no article"
