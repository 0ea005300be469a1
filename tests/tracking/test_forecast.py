"""The trend forecast, checked by hand. With 2 degrees of freedom Student's t has a
closed form, F(t) = 1/2 + t / (2·sqrt(2 + t²)), so the interval and the probability
below are computed without SciPy."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from innodrive.tracking import ObservationPoint, TargetSpec, evaluate_target
from innodrive.tracking.forecast import choose_model, forecast

POINTS = [(2018, 10.0), (2019, 12.0), (2020, 13.0), (2021, 15.0)]


def t2_cdf(t: float) -> float:
    return 0.5 + t / (2 * math.sqrt(2 + t * t))


def test_linear_ols_interval_and_probability_by_hand():
    # x̄ = 2019.5, ȳ = 12.5; Sxy = (−1.5)(−2.5) + (−0.5)(−0.5) + (0.5)(0.5) + (1.5)(2.5) = 8
    # Sxx = 2.25 + 0.25 + 0.25 + 2.25 = 5 → slope 1.6; fitted 10.1, 11.7, 13.3, 14.9
    # residuals −0.1, 0.3, −0.3, 0.1 → SSR 0.2, s² = 0.2/2 = 0.1
    # 2025: ŷ = 12.5 + 1.6 × 5.5 = 21.3; se = sqrt(0.1 × (1 + 1/4 + 5.5²/5)) = sqrt(0.73)
    # t(0.9, df 2): t/sqrt(2 + t²) = 0.8 → t² = 1.28/0.36 → t = 1.885618
    # P(Y ≥ 20) = F((21.3 − 20)/se) with df 2
    fc = forecast(POINTS, year=2025, target=20.0, direction="ge", model="linear", level=0.8)
    se = math.sqrt(0.73)
    tcrit = math.sqrt(1.28 / 0.36)
    assert fc.value == pytest.approx(21.3)
    assert fc.lower == pytest.approx(21.3 - tcrit * se)
    assert fc.upper == pytest.approx(21.3 + tcrit * se)
    assert fc.probability == pytest.approx(t2_cdf((21.3 - 20) / se))
    assert fc.method == "linear-ols" and fc.n_points == 4
    assert "仅4个数据点" in fc.note and "不反映政策变化" in fc.note
    # le: the complement
    le = forecast(POINTS, year=2025, target=20.0, direction="le", model="linear", level=0.8)
    assert le.probability == pytest.approx(1 - t2_cdf((21.3 - 20) / se))


def test_loglinear_is_linear_in_logs():
    # values growing ×e^0.1 a year with the same residual pattern in logs
    pts = [(y, math.exp(v / 10)) for y, v in POINTS]
    fc = forecast(pts, year=2025, target=math.exp(2.0), direction="ge", model="loglinear", level=0.8)
    se = math.sqrt(0.73) / 10
    assert fc.value == pytest.approx(math.exp(2.13))
    assert fc.probability == pytest.approx(t2_cdf((2.13 - 2.0) / se))


def test_two_points_extrapolate_without_interval_or_probability():
    fc = forecast([(2020, 100.0), (2022, 130.0)], year=2025, target=192, direction="ge", model="linear")
    # 130 + 15 × 3 = 175
    assert fc.value == pytest.approx(175) and fc.lower is None and fc.probability is None
    assert "不确定性很大" in fc.note


def test_one_or_no_point_gives_no_forecast():
    assert forecast([(2020, 1.0)], year=2025, target=2, direction="ge", model="linear").value is None
    fc = forecast([], year=2025, target=2, direction="ge", model="linear")
    assert fc.value is None and fc.n_points == 0 and "没有数据" in fc.note


def test_perfect_fit_says_so():
    fc = forecast([(2020, 1.0), (2021, 2.0), (2022, 3.0)], year=2025, target=5.5, direction="ge", model="linear")
    assert fc.value == pytest.approx(6.0) and fc.probability == 1.0 and "残差为零" in fc.note


def test_model_choice():
    assert choose_model([1, 2], measure="stock", accumulate=False, setting="auto") == "loglinear"
    assert choose_model([1, 2], measure="ratio", accumulate=False, setting="auto") == "linear"
    assert choose_model([0, 2], measure="stock", accumulate=False, setting="auto") == "linear"
    assert choose_model([1, 2], measure="stock", accumulate=True, setting="auto") == "linear"
    assert choose_model([-1, 2], measure="stock", accumulate=False, setting="loglinear") == "linear"


def test_target_status_carries_the_forecast_and_a_warning_light():
    # on the path at the latest point but the trend falls short: the rate (ratio measure,
    # linear model) 2.0, 2.1, 2.2, 2.25 → the default rule warns (probability < 20 %)
    t = TargetSpec(indicator="研发经费投入强度", code="rd_intensity", kind="number", value=3.2, unit="%",
                   year=2025, baseline_year=2019)
    obs = [ObservationPoint(period=y, value=v, unit="%") for y, v in [(2019, 2.0), (2020, 2.1), (2021, 2.2), (2022, 2.25)]]
    s = evaluate_target(t, obs, as_of=dt.date(2023, 12, 1))
    # f(2022) = 3/6 = 0.5; progress = 0.25/1.2 = 0.2083; gap = −29.2 → red before any forecast rule
    assert s.light == "red"
    # x̄ = 2020.5, Sxy = (−1.5)(−0.1375) + (−0.5)(−0.0375) + 0.5 × 0.0625 + 1.5 × 0.1125 = 0.425; Sxx = 5
    # slope 0.085; ŷ(2025) = 2.1375 + 0.085 × 4.5 = 2.52
    assert s.forecast.value == pytest.approx(2.1375 + 0.085 * 4.5)
    assert s.probability is not None and s.probability < 0.01
    assert "达标概率约0%" in s.reason


def test_forecast_warning_turns_a_green_gap_yellow():
    # baseline 2020 = 100, target 2025 = 150 on a linear path; 2021 = 110 is exactly on it:
    # f = 1/5 = 0.2, progress = 10/50 = 0.2, gap = 0 → no schedule rule fires.
    # But 2016–2020 were flat at 100: the log-linear trend over 2016–2021 is shallow.
    t = TargetSpec(indicator="高新技术企业数量", code="hnte_count", kind="number", value=150, unit="家", year=2025,
                   baseline_year=2020)
    data = [(2016, 100), (2017, 100), (2018, 100), (2019, 100), (2020, 100), (2021, 110)]
    obs = [ObservationPoint(period=y, value=v, unit="家") for y, v in data]
    s = evaluate_target(t, obs, as_of=dt.date(2022, 6, 30))
    assert s.schedule_gap == pytest.approx(0.0, abs=1e-9)
    # independent check of the probability: OLS of ln(value) on year, t with n − 2 = 4 df
    from scipy import stats

    x = [y for y, _ in data]
    y = [math.log(v) for _, v in data]
    n, xm, ym = len(x), sum(x) / len(x), sum(y) / len(y)
    sxx = sum((a - xm) ** 2 for a in x)
    b = sum((a - xm) * (c - ym) for a, c in zip(x, y, strict=True)) / sxx
    a0 = ym - b * xm
    s2 = sum((c - a0 - b * a) ** 2 for a, c in zip(x, y, strict=True)) / (n - 2)
    se = math.sqrt(s2 * (1 + 1 / n + (2025 - xm) ** 2 / sxx))
    p = 1 - stats.t.cdf((math.log(150) - (a0 + b * 2025)) / se, n - 2)
    assert s.probability == pytest.approx(p)
    assert p < 0.2
    assert (s.light, s.rule) == ("yellow", "forecast_warning")
    assert s.label == "按趋势预测难以如期完成"


def test_the_interval_of_a_count_never_goes_below_zero():
    from innodrive.tracking.forecast import forecast as fc

    falling = [(2018, 40.0), (2019, 31.0), (2020, 19.0), (2021, 12.0), (2022, 3.0)]
    free = fc(falling, year=2025, target=50, direction="ge", model="linear")
    assert free.lower < 0  # an unbounded line promises negative enterprises
    counted = fc(falling, year=2025, target=50, direction="ge", model="linear", floor=0.0)
    assert counted.lower == 0 and counted.value >= 0 and counted.upper >= counted.lower
    assert counted.probability == free.probability


def test_the_closed_form_student_t_matches_scipy():
    import numpy as np
    from scipy.special import stdtr, stdtrit

    from innodrive.tracking.student_t import cdf, ppf

    for df in range(1, 40):
        for t in np.linspace(-30, 30, 241):
            assert abs(cdf(float(t), df) - float(stdtr(df, t))) < 1e-12
        for q in (0.001, 0.05, 0.1, 0.5, 0.8, 0.9, 0.95, 0.999):
            assert abs(ppf(q, df) - float(stdtrit(df, q))) < 1e-12 * max(1.0, abs(float(stdtrit(df, q))))
    assert abs(ppf(0.9, 2.5) - float(stdtrit(2.5, 0.9))) < 1e-12  # non-integer: SciPy itself
