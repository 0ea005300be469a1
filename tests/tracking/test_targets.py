"""evaluate_target, checked against hand-computed numbers.

Conventions used in the arithmetic below (see innodrive.tracking.path):
- the plan clock runs from 31 Dec of the baseline year to 31 Dec of the target year;
  an annual figure of year Y sits at 31 Dec Y, so its time share is
  f = (Y − baseline_year) / (target_year − baseline_year);
- linear path E = B + (T − B)·f, progress = (A − B)/(T − B);
- compound path E = B·(T/B)^f, progress = ln(A/B)/ln(T/B);
- 序时进度 gap = (progress − f) × 100 percentage points.
Default rules: met → green; final and missed → red; gap < −15 → red; gap < −5 → yellow;
else green.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from innodrive.tracking import ObservationPoint, TargetSpec, evaluate_target, expected_on_path, load_rules


def pts(unit: str, **by_year: float | None) -> list[ObservationPoint]:
    return [ObservationPoint(period=int(y[1:]), value=v, unit=unit, source=f"测试来源{y[1:]}") for y, v in by_year.items()]


def spec(**kw) -> TargetSpec:
    base = {"indicator": "高新技术企业数量", "code": "hnte_count", "kind": "number", "value": 192, "unit": "家",
            "year": 2025, "baseline_year": 2020}
    base.update(kw)
    return TargetSpec(**base)


D = dt.date


# ----------------------------------------------------------------------------- number, ge


def test_number_ge_linear_path_behind_schedule():
    # B = 100 (2020), T = 192 (2025), A = 130 (2022)
    # f = (2022 − 2020)/5 = 0.4; E = 100 + 92 × 0.4 = 136.8
    # progress = (130 − 100)/92 = 0.326087; gap = (0.326087 − 0.4) × 100 = −7.391 → yellow
    s = evaluate_target(spec(), pts("家", y2020=100, y2022=130), as_of=D(2023, 6, 30))
    assert s.baseline_value == 100 and s.target_value == 192 and s.latest_value == 130
    assert s.time_elapsed == pytest.approx(0.4)
    assert s.expected_at_latest == pytest.approx(136.8)
    assert s.progress == pytest.approx(30 / 92)
    assert s.schedule_gap == pytest.approx((30 / 92 - 0.4) * 100)
    assert s.path == "linear"
    assert (s.light, s.rule, s.label) == ("yellow", "behind", "略滞后于序时进度")
    # expected value on the path at as_of 2023-06-30: 30 Jun is day 181 of 365, so
    # f = (2 + 181/365)/5 = 0.499178; E = 100 + 92 × 0.499178 = 145.924
    assert s.expected_value == pytest.approx(100 + 92 * (2 + 181 / 365) / 5)
    # the reason states the facts in Chinese
    assert "2022年实际值130家" in s.reason and "低于序时进度" in s.reason
    assert "按路径应达136.8家" in s.reason and "落后7.4个百分点" in s.reason
    assert "基期2020年100家，2025年目标192家" in s.reason
    # two annual points: a two-point extrapolation with no interval and no probability
    # log-linear: 130 × (130/100)^((2025 − 2022)/(2022 − 2020)) = 130 × 1.3^1.5 = 192.69
    assert s.forecast.value == pytest.approx(130 * 1.3 ** 1.5)
    assert s.forecast.lower is None and s.probability is None
    assert "few_points" in s.flags and "不确定性很大" in s.reason


def test_expected_value_on_the_path_at_any_date():
    # doubling 446 → 892 on the compound path: end of 2022 (f = 2/5) → 446 × 2^0.4;
    # before the period → the baseline; after the deadline → the target
    s = evaluate_target(spec(kind="multiple", value=2, unit="倍"), pts("家", y2020=446, y2023=838), as_of=D(2024, 6, 30))
    assert expected_on_path(s, D(2022, 12, 31)) == pytest.approx(446 * 2 ** 0.4)
    assert expected_on_path(s, D(2019, 5, 1)) == 446
    assert expected_on_path(s, D(2027, 1, 1)) == pytest.approx(892)
    none = evaluate_target(spec(kind="multiple", value=2, unit="倍"), pts("家", y2023=838), as_of=D(2024, 6, 30))
    assert expected_on_path(none, D(2022, 12, 31)) is None


def test_number_ge_same_numbers_under_each_preset():
    # same case: gap = −7.391 points; progress ratio = 0.326087/0.4 = 81.52 %;
    # value ratio = A/E = 130/136.8 = 95.03 %
    obs = pts("家", y2020=100, y2022=130)
    lights = {name: evaluate_target(spec(), obs, as_of=D(2023, 6, 30), rules=name).light
              for name in ("yinchuan", "sanya", "wuhan", "cascade", "clearpoint")}
    assert lights == {
        "yinchuan": "green",    # behind by less than 10 points
        "sanya": "yellow",      # below 序时进度 but by less than 50 %
        "wuhan": "green",       # 81.5 % ≥ 80 % of 时序进度
        "cascade": "red",       # 81.5 % < 85 %: at risk
        "clearpoint": "yellow",  # 95.0 % ≥ 90 % of the period target
    }


def test_written_unit_is_converted_to_the_catalogue_unit():
    # 1.2万家 = 12000家; A = 1.02万家 = 10200家 in 2021 …
    s = evaluate_target(spec(value=1.2, unit="万家"), pts("万家", y2020=0.9, y2021=1.02), as_of=D(2022, 6, 30))
    assert s.target_value == pytest.approx(12000) and s.baseline_value == pytest.approx(9000)
    # f = 1/5 = 0.2; progress = (10200 − 9000)/(12000 − 9000) = 0.4; gap = +20 → green
    assert s.schedule_gap == pytest.approx(20.0)
    assert s.light == "green" and s.unit == "家"


# ----------------------------------------------------------------------------- number, le


def le_spec(**kw) -> TargetSpec:
    base = {"indicator": "城镇调查失业率", "code": "surveyed_unemployment_rate", "kind": "number", "value": 5.5,
            "unit": "%", "comparator": "<=", "year": 2025, "baseline_year": 2020, "direction": None}
    base.update(kw)
    return TargetSpec(**base)


def test_number_le_on_track():
    # direction le comes from the catalogue. B = 6.2, T = 5.5, A = 5.9 (2022)
    # f = 0.4; E = 6.2 + (5.5 − 6.2) × 0.4 = 5.92; progress = (5.9 − 6.2)/(5.5 − 6.2) = 0.428571
    # gap = (0.428571 − 0.4) × 100 = +2.857 → green; value ratio (le) = E/A = 5.92/5.9
    s = evaluate_target(le_spec(), pts("%", y2020=6.2, y2022=5.9), as_of=D(2023, 3, 31))
    assert s.expected_at_latest == pytest.approx(5.92)
    assert s.progress == pytest.approx(0.3 / 0.7)
    assert s.schedule_gap == pytest.approx((0.3 / 0.7 - 0.4) * 100)
    assert (s.light, s.rule) == ("green", "on_track")
    assert "met" not in s.flags
    cp = evaluate_target(le_spec(), pts("%", y2020=6.2, y2022=5.9), as_of=D(2023, 3, 31), rules="clearpoint")
    assert cp.light == "green"  # E/A = 5.92/5.9 = 100.3 % ≥ 100 %


def test_number_le_moving_the_wrong_way_is_red():
    # A = 6.3: progress = (6.3 − 6.2)/(5.5 − 6.2) = −0.142857; gap = (−0.142857 − 0.4) × 100 = −54.29 → red
    s = evaluate_target(le_spec(), pts("%", y2020=6.2, y2022=6.3), as_of=D(2023, 3, 31))
    assert s.progress_raw == pytest.approx(-0.1 / 0.7)
    assert s.progress == 0.0  # clipped for display
    assert s.schedule_gap == pytest.approx((-0.1 / 0.7 - 0.4) * 100)
    assert (s.light, s.rule) == ("red", "far_behind")


def test_number_le_met():
    # A = 5.4 ≤ 5.5 → met → green
    s = evaluate_target(le_spec(), pts("%", y2020=6.2, y2023=5.4), as_of=D(2024, 3, 31))
    assert "met" in s.flags and s.light == "green" and s.label == "已达标"


# ----------------------------------------------------------------------------- multiple


def test_multiple_doubling_compound_path_ahead():
    # 绵阳 高企: 2020 = 446, 2021 = 524, 2023 = 838 (figures of the shipped statistics)
    # T = 2 × 446 = 892. f(2023) = 3/5 = 0.6; E = 446 × 2^0.6 = 676.01
    # progress = ln(838/446)/ln(892/446) = ln(1.878924)/ln 2 = 0.909907; gap = +30.99 → green
    s = evaluate_target(spec(kind="multiple", value=2, unit="倍"), pts("家", y2020=446, y2021=524, y2023=838),
                        as_of=D(2024, 6, 30))
    assert s.target_value == 892
    assert s.path == "compound"
    assert s.expected_at_latest == pytest.approx(446 * 2 ** 0.6)
    assert s.progress == pytest.approx(math.log(838 / 446) / math.log(2))
    assert s.schedule_gap == pytest.approx((math.log(838 / 446) / math.log(2) - 0.6) * 100)
    assert s.light == "green"
    assert "（2倍）" in s.reason


def test_multiple_doubling_far_behind():
    # B = 100, T = 200, A = 110 (2022): f = 0.4; E = 100 × 2^0.4 = 131.95
    # progress = ln 1.1 / ln 2 = 0.137504; gap = (0.137504 − 0.4) × 100 = −26.25 → red
    s = evaluate_target(spec(code="tech_sme_count", indicator="科技型中小企业数量", kind="multiple", value=2, unit="倍"),
                        pts("家", y2020=100, y2022=110), as_of=D(2023, 3, 31))
    assert s.expected_at_latest == pytest.approx(100 * 2 ** 0.4)
    assert s.schedule_gap == pytest.approx((math.log(1.1) / math.log(2) - 0.4) * 100)
    assert (s.light, s.rule) == ("red", "far_behind")


def test_multiple_path_can_be_made_linear_by_a_rule_set(tmp_path):
    # same case on a linear path: E = 100 + 100 × 0.4 = 140; progress = 10/100 = 0.1; gap = −30
    rules = tmp_path / "linear.yaml"
    rules.write_text("extends: default\nname: linear\nversion: 2\npath: {multiple: linear}\n", encoding="utf-8")
    s = evaluate_target(spec(code="tech_sme_count", kind="multiple", value=2, unit="倍"),
                        pts("家", y2020=100, y2022=110), as_of=D(2023, 3, 31), rules=str(rules))
    assert s.path == "linear" and s.expected_at_latest == pytest.approx(140)
    assert s.schedule_gap == pytest.approx(-30)
    assert s.rule_set == "linear@2"


# ----------------------------------------------------------------------------- growth


def growth_spec(**kw) -> TargetSpec:
    base = {"indicator": "高新技术产业营业收入年均增速", "code": "hightech_industry_revenue", "kind": "growth",
            "value": 20, "unit": "%", "year": 2025, "baseline_year": 2020}
    base.update(kw)
    return TargetSpec(**base)


def test_growth_annual_rate_compounds_from_the_baseline():
    # B = 1000亿元, 20 % a year for 5 years: T = 1000 × 1.2^5 = 2488.32
    # f(2022) = 0.4; E = 1000 × (2.48832)^0.4 = 1000 × 1.2^2 = 1440
    # A = 1400: progress = ln 1.4 / ln 2.48832 = 0.369097; gap = −3.09 → green (≥ −5)
    s = evaluate_target(growth_spec(), pts("亿元", y2020=1000, y2022=1400), as_of=D(2023, 6, 30))
    assert s.target_value == pytest.approx(2488.32)
    assert s.expected_at_latest == pytest.approx(1440)
    assert s.progress == pytest.approx(math.log(1.4) / math.log(1.2 ** 5))
    assert s.schedule_gap == pytest.approx((math.log(1.4) / math.log(1.2 ** 5) - 0.4) * 100)
    assert s.light == "green" and "年均增长20%" in s.reason


def test_growth_cumulative_and_points():
    # cumulative: 增长50% over the period → T = 1000 × 1.5 = 1500
    s = evaluate_target(growth_spec(value=50, basis="cumulative"), pts("亿元", y2020=1000, y2022=1100),
                        as_of=D(2023, 6, 30))
    assert s.target_value == pytest.approx(1500)
    # points: R&D强度 2.0 % + 0.5 个百分点 → T = 2.5, linear; A(2022) = 2.1
    # f = 0.4, E = 2.0 + 0.5 × 0.4 = 2.2; progress = 0.1/0.5 = 0.2; gap = −20 → red
    s = evaluate_target(TargetSpec(indicator="研发经费投入强度", code="rd_intensity", kind="growth", value=0.5,
                                   unit="个百分点", year=2025, baseline_year=2020),
                        pts("%", y2020=2.0, y2022=2.1), as_of=D(2023, 12, 1))
    assert s.target_value == pytest.approx(2.5) and s.path == "linear"
    assert s.expected_at_latest == pytest.approx(2.2)
    assert s.schedule_gap == pytest.approx(-20)
    assert s.light == "red"


def test_growth_in_points_on_an_amount_is_refused():
    s = evaluate_target(growth_spec(value=2, unit="个百分点"), pts("亿元", y2020=1000, y2022=1100), as_of=D(2023, 6, 30))
    assert s.light == "grey" and "unit_mismatch" in s.flags and "百分点目标只适用于以%计的指标" in s.reason


# ----------------------------------------------------------------------------- baseline missing


def test_missing_baseline_is_never_filled_from_other_years():
    # 2019 and 2021 exist, 2020 does not: no baseline, no doubling target, grey
    s = evaluate_target(spec(kind="multiple", value=2, unit="倍"), pts("家", y2019=90, y2021=120, y2022=130),
                        as_of=D(2023, 6, 30))
    assert s.baseline_value is None and s.target_value is None
    assert s.light == "grey" and s.label == "缺少基期值"
    assert {"no_baseline", "no_target_value"} <= set(s.flags)
    assert "缺少2020年（基期）实际值，不以其他年份代替" in s.reason
    assert s.progress is None and s.schedule_gap is None


def test_missing_baseline_number_target_still_reports_met_or_unknown():
    # no 2020 value: 200 ≥ 192 is still "met"
    met = evaluate_target(spec(), pts("家", y2022=200), as_of=D(2023, 6, 30))
    assert met.light == "green" and "met" in met.flags and "no_baseline" in met.flags
    assert met.reason.count("192家") == 1
    # not met: no way to compute 序时进度 → grey, not red
    s = evaluate_target(spec(), pts("家", y2021=150, y2022=160), as_of=D(2023, 6, 30))
    assert s.light == "grey" and s.schedule_gap is None and s.target_value == 192


def test_baseline_stated_in_the_document_is_used_when_no_observation():
    # 基期值 1.0万家 in the document, T = 1.5万家; A(2022) = 12000: f = 0.4,
    # progress = (12000 − 10000)/(15000 − 10000) = 0.4; gap = 0 → green
    s = evaluate_target(spec(value=1.5, unit="万家", baseline_value=1.0), pts("家", y2022=12000), as_of=D(2023, 6, 30))
    assert s.baseline_value == pytest.approx(10000) and "baseline_from_document" in s.flags
    assert s.schedule_gap == pytest.approx(0.0, abs=1e-9) and s.light == "green"


def test_baseline_from_plan_start_year():
    # no baseline_year, plan starts 2021 → baseline 2020
    s = evaluate_target(spec(baseline_year=None, start_year=2021), pts("家", y2020=100, y2022=130), as_of=D(2023, 6, 30))
    assert s.baseline_year == 2020 and s.baseline_value == 100


# ----------------------------------------------------------------------------- met / deadline


def test_target_already_met():
    # A = 200 ≥ 192 → met → green; raw progress (200 − 100)/92 = 1.087, displayed 1.0
    s = evaluate_target(spec(), pts("家", y2020=100, y2022=200), as_of=D(2023, 6, 30))
    assert (s.light, s.rule, s.label) == ("green", "met", "已达标")
    assert s.progress == 1.0 and s.progress_raw == pytest.approx(100 / 92)
    assert "已达到2025年目标192家" in s.reason


def test_met_is_judged_on_plan_period_figures_only():
    # a 2018 figure above the target says nothing about the 2021–2025 plan
    old = evaluate_target(spec(), pts("家", y2018=250), as_of=D(2023, 6, 30))
    assert "met" not in old.flags and old.light == "grey"
    # a baseline that already meets the target is flagged; without later data: grey
    base = evaluate_target(spec(), pts("家", y2020=200), as_of=D(2023, 6, 30))
    assert "met_at_baseline" in base.flags and "met" not in base.flags and base.light == "grey"


def test_final_judgement_uses_the_deadline_year_figure():
    # 2022 target of 45亿元; 2022 = 43 (missed), 2023 = 50 (after the deadline): still missed
    t = TargetSpec(indicator="研发经费支出", code="rd_expenditure", kind="number", value=45, unit="亿元", year=2022,
                   start_year=2022)
    s = evaluate_target(t, pts("亿元", y2021=40, y2022=43, y2023=50), as_of=D(2024, 12, 31))
    assert s.light == "red" and s.latest_value == 43 and s.latest_period == "2022年"


def test_strict_comparator_needs_strictly_beyond():
    s = evaluate_target(spec(comparator=">"), pts("家", y2020=100, y2022=192), as_of=D(2023, 6, 30))
    assert "met" not in s.flags


def test_deadline_passed_and_missed_is_red():
    # 2022 work plan: R&D 45亿元, start 2022 → baseline 2021 = 40; 2022 = 43.
    # as_of 2023-12-31: the 2022 figure is final. 43 < 45 → red; progress (43 − 40)/5 = 0.6,
    # f = 1, gap = −40; shortfall 45 − 43 = 2
    t = TargetSpec(indicator="研发经费支出", code="rd_expenditure", kind="number", value=45, unit="亿元", year=2022,
                   start_year=2022)
    s = evaluate_target(t, pts("亿元", y2021=40, y2022=43), as_of=D(2023, 12, 31))
    assert {"deadline_passed", "final"} <= set(s.flags)
    assert (s.light, s.rule, s.label) == ("red", "final_missed", "到期未完成")
    assert s.progress == pytest.approx(0.6) and s.schedule_gap == pytest.approx(-40)
    assert "未达到目标45亿元（差2亿元）" in s.reason
    assert s.forecast is None  # the deadline year is observed


def test_deadline_passed_final_figure_not_yet_released_is_grey():
    # same target at 2023-06-30: R&D figures come ~9 months after the year (+1 month grace),
    # so 2022 is due by 2023-10-31: awaiting release, not red
    t = TargetSpec(indicator="研发经费支出", code="rd_expenditure", kind="number", value=45, unit="亿元", year=2022,
                   start_year=2022)
    s = evaluate_target(t, pts("亿元", y2021=40), as_of=D(2023, 6, 30))
    assert s.light == "grey" and s.label == "数据待发布"
    assert {"deadline_passed", "awaiting_release"} <= set(s.flags)
    assert "2022年数据通常于2023年9月前后发布" in s.reason


def test_deadline_passed_and_met():
    t = TargetSpec(indicator="研发经费支出", code="rd_expenditure", kind="number", value=45, unit="亿元", year=2022,
                   start_year=2022)
    s = evaluate_target(t, pts("亿元", y2021=40, y2022=46), as_of=D(2023, 12, 31))
    assert s.light == "green" and {"met", "final"} <= set(s.flags)


# ----------------------------------------------------------------------------- release lag


def test_awaiting_release_then_overdue():
    t = TargetSpec(indicator="R&D经费投入强度", code="rd_intensity", kind="number", value=3.0, unit="%", year=2025,
                   baseline_year=2020)
    obs = pts("%", y2020=2.17)
    # at 2022-06-30 the 2021 bulletin (due ~2022-10) is not out yet: awaiting, grey
    s = evaluate_target(t, obs, as_of=D(2022, 6, 30))
    assert s.light == "grey" and "awaiting_release" in s.flags and "data_overdue" not in s.flags
    # at 2022-12-01 it should be out: no data, overdue, still grey (never red on missing data)
    s = evaluate_target(t, obs, as_of=D(2022, 12, 1))
    assert s.light == "grey" and {"no_data", "data_overdue"} <= set(s.flags)
    assert "2021年数据应已发布" in s.reason


def test_stale_data_is_judged_on_what_exists_and_flagged():
    # 高企 lag 4 + 1 month: at 2024-06-30 the 2023 figure is due; latest is 2022
    s = evaluate_target(spec(), pts("家", y2020=100, y2022=140), as_of=D(2024, 6, 30))
    assert "data_overdue" in s.flags and s.light in ("green", "yellow", "red")
    assert "2023年数据应已发布但尚未录入" in s.reason


# ----------------------------------------------------------------------------- data handling


def test_highest_revision_wins_and_unknown_values_are_dropped():
    obs = [ObservationPoint(period=2020, value=100, unit="家"),
           ObservationPoint(period=2022, value=130, unit="家", revision=0),
           ObservationPoint(period=2022, value=150, unit="家", revision=1),
           ObservationPoint(period=2023, value=None, unit="家")]
    s = evaluate_target(spec(), obs, as_of=D(2024, 3, 31))
    assert s.latest_value == 150 and s.latest_period == "2022年"


def test_future_periods_are_ignored_for_a_past_as_of():
    s = evaluate_target(spec(), pts("家", y2020=100, y2022=130, y2023=200), as_of=D(2023, 6, 30))
    assert s.latest_value == 130


def test_unconvertible_observation_is_named_and_skipped():
    obs = pts("家", y2020=100, y2022=130) + [ObservationPoint(period=2021, value=5, unit="亿元")]
    s = evaluate_target(spec(), obs, as_of=D(2023, 6, 30))
    assert s.latest_value == 130 and "2021年（亿元）" in s.reason


def test_dated_stock_observation_counts_at_its_date():
    # 2023-06-30 stock of 160: f = (2 + 181/365 … ) uses the year axis: 30 Jun 2023 →
    # 2023 + 181/365; t0 = 2021.0, t1 = 2026.0 → f = (2 + 181/365)/5 = 0.499178
    # progress = (160 − 100)/92 = 0.652174; gap = +15.30 → green
    obs = pts("家", y2020=100) + [ObservationPoint(period="2023-06-30", value=160, unit="家")]
    s = evaluate_target(spec(), obs, as_of=D(2023, 7, 15))
    f = (2 + 181 / 365) / 5
    assert s.time_elapsed == pytest.approx(f)
    assert s.schedule_gap == pytest.approx((60 / 92 - f) * 100)
    assert s.latest_period == "2023-06-30"


# ----------------------------------------------------------------------------- accumulated flows


def test_flow_target_accumulates_yearly_additions():
    # 新增上市公司4家 by 2025 (flow of listed_company_count): 2021: 1, 2022: 0, 2023: 2
    # cumulative at 2023 = 3; f = 0.6; E = 0 + 4 × 0.6 = 2.4; progress = 3/4 = 0.75; gap = +15 → green
    t = TargetSpec(indicator="新增上市公司", code="listed_company_new_count", kind="number", value=4, unit="家",
                   year=2025, start_year=2021)
    s = evaluate_target(t, pts("家", y2021=1, y2022=0, y2023=2), as_of=D(2024, 3, 31))
    assert "accumulated" in s.flags and s.baseline_value == 0
    assert s.latest_value == 3 and s.expected_at_latest == pytest.approx(2.4)
    assert s.schedule_gap == pytest.approx(15.0)
    assert s.light == "green" and "2021年至2023年累计实际值3家" in s.reason and "2021—2025年累计目标4家" in s.reason


def test_accumulation_stops_at_a_missing_year():
    t = TargetSpec(indicator="新增上市公司", code="listed_company_new_count", kind="number", value=4, unit="家",
                   year=2025, start_year=2021)
    s = evaluate_target(t, pts("家", y2021=1, y2023=2), as_of=D(2024, 3, 31))
    assert s.latest_value == 1 and "incomplete_years" in s.flags and "2022年增量缺失" in s.reason


# ----------------------------------------------------------------------------- other kinds


def test_not_linked_target_is_grey_and_says_so():
    t = TargetSpec(indicator="上云企业", code=None, kind="number", value=1000, unit="家", year=2025)
    s = evaluate_target(t, [], as_of=D(2023, 6, 30))
    assert s.light == "grey" and s.flags == ["not_linked"] and "请先人工指定对应指标" in s.reason


def test_trend_from_the_last_two_points():
    t = TargetSpec(indicator="高新技术产业营业收入占规模以上工业比重", code="hightech_revenue_share_industry",
                   kind="trend", year=2025, note="持续上升")
    up = evaluate_target(t, pts("%", y2020=29.0, y2021=30.0, y2022=31.5), as_of=D(2023, 6, 30))
    assert up.light == "green" and "2021年30% → 2022年31.5%，上升1.5个百分点" in up.reason
    down = evaluate_target(t, pts("%", y2021=30.0, y2022=29.0), as_of=D(2023, 6, 30))
    assert down.light == "red"
    flat = evaluate_target(t, pts("%", y2021=30.0, y2022=30.0), as_of=D(2023, 6, 30))
    assert flat.light == "yellow"
    one = evaluate_target(t, pts("%", y2022=30.0), as_of=D(2023, 6, 30))
    assert one.light == "grey" and "需要至少两期数据" in one.reason
    big = evaluate_target(t.model_copy(update={"note": "大幅上升"}), pts("%", y2021=30.0, y2022=31.5),
                          as_of=D(2023, 6, 30))
    assert "“大幅”未量化" in big.reason


def test_relative_compares_change_with_the_reference_region():
    # own 每万人口高价值发明专利 2020 → 2022: 1.0 → 1.3 = +30 %; province 5.0 → 6.0 = +20 % → better
    t = TargetSpec(indicator="每万人口高价值发明专利拥有量增速", code="high_value_invention_patents_per_10k",
                   kind="relative", year=2025, baseline_year=2020, note="高于全省平均水平")
    s = evaluate_target(t, pts("件", y2020=1.0, y2022=1.3), as_of=D(2023, 6, 30), reference=pts("件", y2020=5.0, y2022=6.0))
    assert s.light == "green" and "2020—2022年增长本地区30%，参照地区20%" in s.reason
    worse = evaluate_target(t, pts("件", y2020=1.0, y2022=1.1), as_of=D(2023, 6, 30),
                            reference=pts("件", y2020=5.0, y2022=6.0))
    assert worse.light == "red"
    none = evaluate_target(t, pts("件", y2020=1.0, y2022=1.1), as_of=D(2023, 6, 30))
    assert none.light == "grey" and "需要参照地区" in none.reason


def test_relative_to_the_national_average_needs_national_data():
    t = TargetSpec(indicator="全社会研发投入强度增幅", code="rd_intensity", kind="relative", year=2025,
                   baseline_year=2020, note="高于全国平均水平")
    own, ref = pts("%", y2020=1.0, y2022=1.3), pts("%", y2020=2.17, y2022=2.14)
    s = evaluate_target(t, own, as_of=D(2023, 12, 1), reference=ref, reference_name="四川省")
    assert s.light == "grey" and "需要全国的同一指标数据" in s.reason and "四川省" in s.reason
    assert evaluate_target(t, own, as_of=D(2023, 12, 1), reference=ref).light == "grey"
    # with national data: +0.3 points vs 2.4 → 2.56 = +0.16 points → better
    nat = evaluate_target(t, own, as_of=D(2023, 12, 1), reference=pts("%", y2020=2.4, y2022=2.56),
                          reference_name="全国")
    assert nat.light == "green" and "2020—2022年提高本地区0.3个百分点，全国0.16个百分点" in nat.reason


def test_relative_level_in_percentage_points():
    # intensity level: own 2.3 % vs province 2.26 % in 2021 → better
    t = TargetSpec(indicator="研发经费投入强度", code="rd_intensity", kind="relative", year=2025, note="高于全省平均水平")
    s = evaluate_target(t, pts("%", y2021=2.3), as_of=D(2023, 6, 30), reference=pts("%", y2021=2.26))
    assert s.light == "green" and "2021年本地区2.3%，参照地区2.26%" in s.reason


def test_milestone_needs_a_reported_fact():
    t = TargetSpec(indicator="省级创新型城市", kind="milestone", year=2025, note="建成")
    assert evaluate_target(t, [], as_of=D(2023, 6, 30)).light == "grey"
    assert evaluate_target(t, [], as_of=D(2025, 11, 1)).light == "yellow"      # 60 days left ≤ 90
    assert evaluate_target(t, [], as_of=D(2026, 1, 5)).light == "red"
    done = t.model_copy(update={"achieved_on": D(2024, 12, 1), "achieved_evidence": "省科技厅批复"})
    s = evaluate_target(done, [], as_of=D(2025, 1, 1))
    assert s.light == "green" and "省科技厅批复" in s.reason
    # a fact reported after as_of is not known yet
    assert evaluate_target(done, [], as_of=D(2024, 6, 1)).light == "grey"


def test_rules_by_name_and_object_are_the_same():
    obs = pts("家", y2020=100, y2022=130)
    a = evaluate_target(spec(), obs, as_of=D(2023, 6, 30), rules="wuhan")
    b = evaluate_target(spec(), obs, as_of=D(2023, 6, 30), rules=load_rules("wuhan"))
    assert a == b and a.rule_set == "wuhan@1"
