"""Forecast of the value at the deadline from the observed annual trend.

A light says where a target stands; a forecast says where it is heading, so that a
warning can come before the light turns red. The method is deliberately simple and
says its limits:

- ``loglinear-ols``: least squares of ln(value) on the year — a constant growth rate;
  used for positive levels (counts, amounts);
- ``linear-ols``: least squares of the value on the year — a constant yearly change;
  used for ratios, indices and accumulated sums;
- with n ≥ 3 points, a prediction interval from Student's t with n−2 degrees of freedom
  (the usual OLS prediction interval) and the probability that the value at the deadline
  meets the target, read from the same predictive distribution;
- with 2 points the line through them is extrapolated with *no* interval and *no*
  probability (the uncertainty cannot be estimated); with 1 or 0 points there is no
  forecast at all. Nothing is guessed.

Limits (stated in every ``note``): the past trend is assumed to continue, residuals are
taken as independent and normal, and breaks from policy, revisions or changes of
statistical definition are not seen. Few points make the interval wide.

Pure NumPy/SciPy; no data access.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from innodrive.tracking.models import Forecast

Model = Literal["linear", "loglinear"]

_LIMITS = "假设过去的趋势延续，残差独立且近似正态；不反映政策变化、统计口径调整或数据修订"


def choose_model(values: Sequence[float], *, measure: str | None, accumulate: bool, setting: str) -> Model:
    """``auto``: log-linear for positive levels (stock, flow), linear otherwise."""
    positive = all(v > 0 for v in values)
    if setting == "linear":
        return "linear"
    if setting == "loglinear":
        return "loglinear" if positive else "linear"
    if accumulate or measure not in ("stock", "flow") or not positive:
        return "linear"
    return "loglinear"


def _sum(a: Sequence[float]) -> float:
    """Sum in NumPy's order (pairwise with eight accumulators from eight terms on), so
    that the figures stay bit for bit what they were when this module used NumPy."""
    n = len(a)
    if n < 8:
        total = 0.0
        for v in a:
            total += v
        return total
    if n > 128:
        half = n // 2 - (n // 2) % 8
        return _sum(a[:half]) + _sum(a[half:])
    r = list(a[:8])
    stop = n - n % 8
    for i in range(8, stop, 8):
        for j in range(8):
            r[j] += a[i + j]
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for i in range(stop, n):
        total += a[i]
    return total


def _fmt_years(years: Sequence[int]) -> str:
    return f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年"


def _exp(z: float) -> float:
    """``exp`` that overflows to infinity (as NumPy's did before the plain-float rewrite)
    instead of raising: a log-linear trend of extreme values is beyond any target, not an error."""
    try:
        return math.exp(z)
    except OverflowError:
        return math.inf


def forecast(points: Sequence[tuple[int, float]], *, year: int, target: float | None, direction: str,
             model: Model, level: float = 0.8, floor: float | None = None) -> Forecast:
    """Project annual ``points`` (year, value) to ``year``.

    :param target: the value to reach (in the same unit); ``None`` skips the probability
    :param direction: ``ge`` (probability of at least ``target``) or ``le`` (at most)
    :param floor: the lowest value the quantity can take (0 for counts and amounts): a
        linear trend's interval is cut there instead of promising −3 enterprises
    """
    pts = sorted(points)
    n = len(pts)
    name = "对数线性" if model == "loglinear" else "线性"
    if n == 0:
        return Forecast(year=year, level=level, method="none", n_points=0, note="没有数据，无法预测")
    years = [p[0] for p in pts]
    if n == 1:
        return Forecast(year=year, level=level, method="none", n_points=1,
                        note=f"仅有{years[0]}年一个数据点，无法判断趋势，不作预测")
    # a handful of points: plain floats (NumPy's import alone would cost more than the board)
    x = [float(a) for a in years]
    v = [float(p[1]) for p in pts]
    y = [math.log(a) for a in v] if model == "loglinear" else v
    back = _exp if model == "loglinear" else (lambda z: z)

    if n == 2:
        slope = (y[1] - y[0]) / (x[1] - x[0])
        pred = float(back(y[1] + slope * (year - x[1])))
        if floor is not None:
            pred = max(pred, floor)
        return Forecast(year=year, value=pred, level=level, method=f"two-point-{model}", n_points=2,
                        note=f"仅有两个数据点（{_fmt_years(years)}），按两点{name}外推；不确定性很大，"
                             f"无法估计预测区间和达标概率；{_LIMITS}")

    # Student's t for integer degrees of freedom in closed form (innodrive.tracking.student_t):
    # the values of scipy.stats.t without importing SciPy at start-up
    from innodrive.tracking.student_t import cdf as stdtr_
    from innodrive.tracking.student_t import ppf as stdtrit_

    xm = _sum(x) / n
    ym = _sum(y) / n
    sxx = _sum([(a - xm) ** 2 for a in x])
    slope = _sum([(a - xm) * (b - ym) for a, b in zip(x, y, strict=True)]) / sxx
    intercept = ym - slope * xm
    fitted = [intercept + slope * a for a in x]
    df = n - 2
    s2 = _sum([(b - f) ** 2 for b, f in zip(y, fitted, strict=True)]) / df
    s = math.sqrt(max(s2, 0.0))
    y0 = intercept + slope * year
    se = s * math.sqrt(1 + 1 / n + (year - xm) ** 2 / sxx)
    tcrit = stdtrit_((1 + level) / 2, df)
    value = float(back(y0))
    lower, upper = float(back(y0 - tcrit * se)), float(back(y0 + tcrit * se))
    if floor is not None:
        value, lower, upper = max(value, floor), max(lower, floor), max(upper, floor)
    note = f"{name}趋势（最小二乘，{n}个年度数据点，{_fmt_years(years)}）外推到{year}年；{_LIMITS}"
    if n < 5:
        note += f"；仅{n}个数据点，区间和概率仅供参考"

    probability = None
    if target is not None and not (model == "loglinear" and target <= 0):
        thr = math.log(target) if model == "loglinear" else target
        if se == 0:
            hit = y0 >= thr if direction != "le" else y0 <= thr
            probability = 1.0 if hit else 0.0
            note += "；数据完全落在一条趋势线上，残差为零，概率只反映趋势本身，并不代表确定"
        else:
            z = (thr - y0) / se
            cdf = stdtr_(z, df)
            probability = 1.0 - cdf if direction != "le" else cdf
    return Forecast(year=year, value=value, lower=lower, upper=upper, level=level,
                    probability=probability, method=f"{model}-ols", n_points=n, note=note)
