"""Odd inputs never crash tracking and never make an unknown look green."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innodrive.tracking import (
    ObservationPoint,
    ProgressReport,
    TargetSpec,
    TaskSpec,
    evaluate_target,
    evaluate_task,
)

D = dt.date


def test_baseline_not_before_deadline_is_grey_not_an_error():
    t = TargetSpec(indicator="高新技术企业数量", code="hnte_count", kind="number", value=10, unit="家", year=2022,
                   baseline_year=2022)
    s = evaluate_target(t, [], as_of=D(2023, 1, 1))
    assert s.light == "grey" and "不早于目标年份" in s.reason


def test_non_finite_values_are_unknown():
    t = TargetSpec(indicator="高新技术企业数量", code="hnte_count", kind="number", value=192, unit="家", year=2025,
                   baseline_year=2020)
    obs = [ObservationPoint(period=2020, value=100, unit="家"), ObservationPoint(period=2022, value=math.inf, unit="家"),
           ObservationPoint(period=2021, value=math.nan, unit="家")]
    s = evaluate_target(t, obs, as_of=D(2023, 6, 30))
    assert s.latest_value == 100 and s.light == "grey" and "no_data" in s.flags


def test_doubling_a_zero_baseline_is_refused():
    t = TargetSpec(indicator="瞪羚企业数量", code="gazelle_count", kind="multiple", value=2, unit="倍", year=2025,
                   baseline_year=2020)
    s = evaluate_target(t, [ObservationPoint(period=2020, value=0, unit="家"),
                            ObservationPoint(period=2022, value=3, unit="家")], as_of=D(2023, 6, 30))
    assert s.light == "grey" and s.target_value is None and "不为正" in s.reason


def test_number_target_from_zero_falls_back_to_a_linear_path():
    # number targets are linear by default; a rule set asking for compound gets linear
    # when the baseline is 0, and says so
    t = TargetSpec(indicator="瞪羚企业数量", code="gazelle_count", kind="number", value=10, unit="家", year=2025,
                   baseline_year=2020)
    rules_text = "extends: default\nname: c\nversion: 1\npath: {number: compound}\n"
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.yaml"
        p.write_text(rules_text, encoding="utf-8")
        s = evaluate_target(t, [ObservationPoint(period=2020, value=0, unit="家"),
                                ObservationPoint(period=2022, value=4, unit="家")], as_of=D(2023, 6, 30), rules=str(p))
    # linear: f = 0.4, E = 4, progress = 0.4, gap = 0
    assert s.path == "linear" and abs(s.schedule_gap) < 1e-9 and "改按线性路径" in s.reason


values = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32),
                   st.integers(min_value=-10**6, max_value=10**9).map(float))
units = st.sampled_from(["家", "万家", "户", "亿元", "%", "件"])
years = st.integers(min_value=2000, max_value=2040)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["number", "multiple", "growth", "relative", "trend", "milestone"]),
       value=st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6)),
       unit=st.one_of(st.none(), units, st.just("倍"), st.just("个百分点")),
       year=years, baseline=st.one_of(st.none(), years),
       code=st.sampled_from([None, "hnte_count", "rd_intensity", "listed_company_new_count", "no_such_code"]),
       obs=st.lists(st.tuples(years, values, units, st.integers(0, 2)), max_size=8),
       as_of=st.dates(min_value=D(2000, 1, 1), max_value=D(2045, 12, 31)),
       rules=st.sampled_from(["default", "cascade", "clearpoint", "sanya"]))
def test_any_target_gets_a_light_and_no_data_is_never_green(kind, value, unit, year, baseline, code, obs, as_of, rules):
    spec = TargetSpec(indicator="测试指标", code=code, kind=kind, value=value, unit=unit, year=year,
                      baseline_year=baseline)
    points = [ObservationPoint(period=y, value=v, unit=u, revision=r) for y, v, u, r in obs]
    s = evaluate_target(spec, points, as_of=as_of, rules=rules)
    assert s.light in ("green", "yellow", "red", "blue", "grey") and s.reason
    if "met" not in s.flags and ({"no_data", "awaiting_release", "not_linked", "no_baseline"} & set(s.flags)):
        assert s.light != "green"
    if s.progress is not None:
        assert 0 <= s.progress <= 1


@settings(max_examples=150, deadline=None)
@given(start=st.one_of(st.none(), st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 1, 1))),
       deadline=st.one_of(st.none(), st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 1, 1))),
       reports=st.lists(st.tuples(st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 1, 1)),
                                  st.sampled_from(["not_started", "in_progress", "completed", "blocked"]),
                                  st.one_of(st.none(), st.floats(0, 100)),
                                  st.sampled_from(["submitted", "approved", "returned"])), max_size=6),
       as_of=st.dates(min_value=D(2020, 1, 1), max_value=D(2027, 1, 1)),
       rules=st.sampled_from(["default", "yinchuan", "sanya", "wuhan", "cascade", "xian", "suqian", "jinzhai"]))
def test_any_task_gets_a_light(start, deadline, reports, as_of, rules):
    task = TaskSpec(title="测试任务", start=start, deadline=deadline)
    rs = [ProgressReport(reported_on=d, status=st_, percent_complete=p, approval=a) for d, st_, p, a in reports]
    s = evaluate_task(task, rs, as_of=as_of, rules=rules)
    assert s.light in ("green", "yellow", "red", "blue", "grey") and s.reason
    if s.completed:
        assert "overdue" not in s.flags
