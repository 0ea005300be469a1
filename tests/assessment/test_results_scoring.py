"""考核 scoring rules, 优势/劣势 profiles and year-on-year attribution (hand-computed)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from innodrive.assessment import Aggregate, Coin, Normalise
from innodrive.assessment.framework import parse_framework
from innodrive.assessment.results import attribute_change, level_table, profiles
from innodrive.assessment.scoring import rank_points, score
from innodrive.errors import InputError, ValidationFailed


def framework(scoring: dict | None = None, **extra):
    raw = {"id": "kh", "name": "考核", "version": "1", "effective": "2025-01-01", "unit_types": ["主城区", "县域"],
           "indicators": [{"code": "rd", "name": "研发强度", "parent": "idx", "target": 2.5,
                           "targets_by_type": {"县域": 2.0}},
                          {"code": "hnte", "name": "高企数", "parent": "idx", "target": 100},
                          {"code": "energy", "name": "单位GDP能耗", "parent": "idx", "direction": -1, "target": 0.5}],
           "aggregates": [{"code": "idx", "name": "综合"}], **extra}
    if scoring is not None:
        raw["scoring"] = scoring
    return parse_framework(raw)


DATA = pd.DataFrame({"rd": [3.0, 1.5, np.nan, 2.0], "hnte": [120, 40, 80, 95], "energy": [0.4, 0.5, 1.0, 0.45],
                     "incidents": [0, 3, 0, 1], "misconduct": [0, 0, 1, 0]},
                    index=["甲", "乙", "丙", "丁"], dtype=float)
TYPES = pd.Series(["主城区", "县域", "县域", "主城区"], index=DATA.index)
RULES = {
    "total": 40,
    "rules": [
        {"indicator": "rd", "points": 10, "bonus": {"per": 0.1, "points": 1, "max": 2}},
        {"indicator": "hnte", "points": 10, "method": "rank", "rank_points": {"first": 10, "step": 2, "min": 5}},
        {"indicator": "energy", "points": 20, "cap": 1.2},
    ],
    "deductions": [{"code": "incidents", "name": "安全事故", "points_each": 2, "max": 4}],
    "vetoes": [{"code": "misconduct", "name": "科研失信", "when": ">0"}],
    "grades": [{"min": 30, "name": "优秀"}, {"min": 20, "name": "合格"}, {"min": 0, "name": "不合格"}],
}


def test_scoring_rules_hand_computed():
    s = score(framework(RULES), DATA, unit_types=TYPES)
    # 甲 (主城区, target 2.5): rd 3.0/2.5 = 1.2 → 10 + bonus min(0.2/0.1·1, 2) = 2; hnte rank 1 → 10;
    #   energy (cost) 0.5/0.4 = 1.25 → capped 1.2·20 = 24; no deduction → 46
    assert s.loc["甲", "rd:完成率"] == pytest.approx(1.2)
    assert s.loc["甲", "总分"] == pytest.approx(10 + 2 + 10 + 24)
    # 乙 (县域, target 2.0): rd 1.5/2 = 0.75 → 7.5; hnte rank 4 → max(10 − 2·3, 5) = 5;
    #   energy 0.5/0.5 = 1 → 20; deduction min(3·2, 4) = 4 → 28.5
    assert s.loc["乙", "rd:完成率"] == pytest.approx(0.75)
    assert s.loc["乙", "扣分"] == 4
    assert s.loc["乙", "总分"] == pytest.approx(7.5 + 5 + 20 - 4)
    assert s.loc["乙", "等次"] == "合格"
    # 丙: vetoed → 0 and the lowest grade; its unknown rd is listed, not scored as 0 completion
    assert s.loc["丙", "总分"] == 0 and s.loc["丙", "一票否决"] == "科研失信" and s.loc["丙", "等次"] == "不合格"
    assert math.isnan(s.loc["丙", "rd:完成率"]) and "rd" in s.loc["丙", "未知项"]
    # 丁: rd 2.0/2.5 = 0.8 → 8; hnte rank 2 → 8; energy 0.5/0.45 = 1.111 (below the cap 1.2) → 22.22; −2
    assert s.loc["丁", "总分"] == pytest.approx(8 + 8 + 0.5 / 0.45 * 20 - 2)
    assert list(s.index) == ["甲", "丁", "乙", "丙"]  # 46 > 36.2 > 28.5; the vetoed unit ranks last
    assert s.loc["丙", "排名"] == 4


def test_per_unit_targets_override_the_framework():
    targets = pd.DataFrame({"rd": [4.0]}, index=["甲"])
    s = score(framework(RULES), DATA, targets=targets, unit_types=TYPES)
    assert s.loc["甲", "rd:完成率"] == pytest.approx(3.0 / 4.0)


def test_rank_points_table():
    assert rank_points([10, 8, 6], 5).tolist() == [10, 8, 6, 6, 6]
    assert rank_points({"first": 10, "step": 3, "min": 2}, 5).tolist() == [10, 7, 4, 2, 2]


def test_missing_veto_column_is_an_error_not_a_pass():
    with pytest.raises(InputError, match="缺少否决项"):
        score(framework(RULES), DATA.drop(columns="misconduct"), unit_types=TYPES)


def test_scoring_section_is_validated():
    bad = {"total": 15, "rules": [{"indicator": "rd", "points": "十"}, {"indicator": "hnte", "points": 10,
                                                                      "method": "rank"}],
           "vetoes": [{"code": "x", "when": "大于0"}]}
    with pytest.raises(ValidationFailed) as e:
        framework(bad)
    fields = {p.field for p in e.value.problems}
    assert {"scoring.rules[1].points", "scoring.rules[2].rank_points", "scoring.vetoes[1].when"} <= fields


def test_profiles_top_and_bottom_third():
    fw = framework()
    data = pd.DataFrame({"rd": [1, 2, 3, 4, 5, 6.0], "hnte": [6, 5, 4, 3, 2, 1.0], "energy": [1, 1, 1, 1, 1, 2.0]},
                        index=list("ABCDEF"))
    coin = Coin(framework=fw, data=data).add(Normalise(dset="Raw")).add(Aggregate())
    p = profiles(coin)
    # n = 6, ⌈6/3⌉ = 2: ranks 1–2 are strengths, ranks 5–6 weaknesses; energy is a cost indicator
    assert p.loc["F", "优势"] == "研发强度" and set(p.loc["F", "劣势"].split("、")) == {"高企数", "单位GDP能耗"}
    assert p.loc["A", "优势"].split("、") == ["高企数", "单位GDP能耗"] and p.loc["A", "劣势"] == "研发强度"
    lt = level_table(coin)
    assert set(lt["level"]) == {1, 2}
    assert lt[(lt.unit == "A") & (lt.code == "rd")]["rank"].item() == 6


def test_attribution_sums_to_the_change_under_fixed_base():
    fw = framework()
    y0 = pd.DataFrame({"rd": [1.0, 2.0, 3.0], "hnte": [10.0, 20.0, 40.0], "energy": [1.0, 0.8, 0.6]},
                      index=["A", "B", "C"])
    y1 = y0.copy()
    y1.loc["A", "rd"] = 2.5      # A improves R&D
    y1.loc["C", "hnte"] = 50.0   # C's growth would move the max under year-by-year min-max
    method = [{"step": "normalise", "dset": "Raw", "method": "minmax"}, {"step": "aggregate"}]
    c0 = Coin(framework=fw, data=y0).run(method)
    c1 = Coin(framework=fw, data=y1).run(method)
    att = attribute_change(c0, c1)
    a = att[att.unit == "A"].set_index("code")
    # fixed base: rd range of the base year is [1, 3] → A's rd goes from 0 to 75; weight 1/3 → +25
    assert a.loc["rd", "contribution"] == pytest.approx(75 / 3)
    assert a.loc["hnte", "contribution"] == 0 and a.loc["energy", "contribution"] == 0
    assert a.loc["idx", "contribution"] == pytest.approx(25.0)
    for u in "ABC":
        rows = att[att.unit == u]
        total = rows[rows.code != "idx"]["contribution"].sum()
        assert total == pytest.approx(rows[rows.code == "idx"]["contribution"].item(), abs=1e-12)
    # C's hnte beyond the base year's max scores above 100 rather than renormalising everyone
    assert att[(att.unit == "C") & (att.code == "hnte")]["new"].item() == pytest.approx(40 / 30 * 100)


def test_attribution_refuses_non_decomposable_methods():
    fw = framework()
    y = pd.DataFrame({"rd": [1.0, 2.0, 3.0], "hnte": [10.0, 20.0, 40.0], "energy": [1.0, 0.8, 0.6]},
                     index=["A", "B", "C"])
    m = [{"step": "normalise", "dset": "Raw", "method": "rank"}, {"step": "aggregate"}]
    with pytest.raises(InputError, match="固定基准"):
        attribute_change(Coin(framework=fw, data=y).run(m), Coin(framework=fw, data=y).run(m))
