"""Normalisation kernels: bring indicators of different units onto one scale.

All kernels work column-wise along axis ``-2`` (units), ignore NaN (unknown stays
unknown) and broadcast over leading axes. Directions follow COINr's convention for
the *relative* methods: the caller multiplies a negative indicator by −1 before the
kernel (see :func:`apply_direction`). The *absolute* methods (goalposts, standard
value, distance to target) receive the raw values and the direction, because their
reference points are stated in the indicator's own unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

Array = np.ndarray


def _col(param, x: Array) -> Array:
    """Broadcast a scalar or per-indicator parameter to the indicator axis."""
    a = np.asarray(param, dtype=float)
    return a if a.ndim == 0 else a.reshape((1,) * (x.ndim - 1) + (-1,))


def _safe_div(num: Array, den: Array) -> Array:
    """Division where a zero range (constant indicator) yields NaN, not ±inf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(np.isfinite(out) | np.isnan(num), out, np.nan)


def minmax(x: Array, *, l: float = 0.0, u: float = 100.0) -> Array:  # noqa: E741
    """(x − min)/(max − min)·(u − l) + l: the JRC/COINr default."""
    mn = np.nanmin(x, axis=-2, keepdims=True)
    mx = np.nanmax(x, axis=-2, keepdims=True)
    return _safe_div(x - mn, mx - mn) * (u - l) + l


def zscore(x: Array, *, m: float = 0.0, sd: float = 1.0) -> Array:
    """(x − mean)/s·sd + m with the sample standard deviation (n − 1), as COINr."""
    mean = np.nanmean(x, axis=-2, keepdims=True)
    s = np.nanstd(x, axis=-2, ddof=1, keepdims=True)
    return _safe_div(x - mean, s) * sd + m


def scaled(x: Array, *, a: float = 0.0, b: float = 100.0, f: float = 100.0) -> Array:
    """(x − a)/(b − a)·f: a fixed linear rescaling (COINr ``n_scaled``)."""
    return (x - a) / (b - a) * f


def goalposts(x: Array, *, lower, upper, direction=1.0, scale: float = 100.0, trunc: bool = True) -> Array:
    """Distance between two goalposts in the indicator's own unit, clipped to [0, 1]·scale.

    Negative direction: (x − U)/(L − U). ``lower``/``upper`` may be per indicator.
    """
    lo, up, d = _col(lower, x), _col(upper, x), _col(direction, x)
    y = np.where(d >= 0, (x - lo) / (up - lo), (x - up) / (lo - up))
    if trunc:
        y = np.clip(y, 0.0, 1.0)
    return y * scale


def standard_value(x: Array, *, standard, direction=1.0, cap: float = 1.0, scale: float = 100.0) -> Array:
    """The 评价标准值 method of the 综合科技创新水平指数: min(x/x_std, 1)·100.

    For a negative indicator the ratio is inverted (x_std/x); the published method
    does not say how negative indicators are treated, so this is an assumption that
    the framework states explicitly. Values at or below zero of a negative indicator
    score 100 (they beat any positive standard).
    """
    s, d = _col(standard, x), _col(direction, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d >= 0, x / s, np.where(x > 0, s / x, np.inf))
    ratio = np.where(np.isnan(x), np.nan, ratio)
    if cap is not None:
        ratio = np.minimum(ratio, cap)
    return ratio * scale


def dist2targ(x: Array, *, target, direction=1.0, cap_max: bool = True, scale: float = 1.0) -> Array:
    """Distance to a target: (x − min)/(T − min); negative direction (max − x)/(max − T)."""
    t, d = _col(target, x), _col(direction, x)
    xs, ts = x * d, t * d
    mn = np.nanmin(xs, axis=-2, keepdims=True)
    y = _safe_div(xs - mn, ts - mn)
    if cap_max:
        y = np.minimum(y, 1.0)
    return y * scale


def dist2ref(x: Array, *, iref: int, cap_max: bool = False, scale: float = 1.0) -> Array:
    """Distance to a reference unit (0-based index ``iref``): 1 − (x_ref − x)/(x_ref − min)."""
    ref = np.take(x, [iref], axis=-2)
    mn = np.nanmin(x, axis=-2, keepdims=True)
    y = 1.0 - _safe_div(ref - x, ref - mn)
    if cap_max:
        y = np.minimum(y, 1.0)
    return y * scale


def dist2max(x: Array) -> Array:
    """(x − min)/(max − min): the distance to the best performer, on [0, 1]."""
    return minmax(x, l=0.0, u=1.0)


def fracmax(x: Array) -> Array:
    """x / max: the fraction of the best performer."""
    return _safe_div(x, np.nanmax(x, axis=-2, keepdims=True))


def rank(x: Array) -> Array:
    """Ranks with ties given the minimum rank (1 = lowest value), NaN kept."""
    r = rankdata(x, method="min", axis=-2, nan_policy="omit")
    return np.where(np.isnan(x), np.nan, r)


def prank(x: Array) -> Array:
    """Percentile rank (r − 1)/(n − 1) with n the number of known values."""
    n = np.sum(~np.isnan(x), axis=-2, keepdims=True)
    return _safe_div(rank(x) - 1.0, n - 1.0)


def borda(x: Array) -> Array:
    """Borda score r − 1: the number of units a unit beats."""
    return rank(x) - 1.0


@dataclass(frozen=True)
class Normaliser:
    """A kernel and how the step must call it.

    ``absolute``: receives raw values and ``direction`` (reference points in the
    indicator's unit); otherwise the step passes x·direction. ``per_indicator``:
    names of parameters the step fills per indicator from the framework
    (goalposts, standard values, targets).
    """

    func: Callable[..., Array]
    absolute: bool = False
    per_indicator: tuple[str, ...] = ()
    label: str = ""


NORMALISERS: dict[str, Normaliser] = {
    "minmax": Normaliser(minmax, label="极差标准化（min-max）"),
    "zscore": Normaliser(zscore, label="Z-score 标准化"),
    "scaled": Normaliser(scaled, label="线性缩放"),
    "goalposts": Normaliser(goalposts, absolute=True, per_indicator=("lower", "upper"), label="门槛值法（goalposts）"),
    "standard_value": Normaliser(standard_value, absolute=True, per_indicator=("standard",),
                                 label="评价标准值法 min(x/x标准,1)×100"),
    "dist2targ": Normaliser(dist2targ, absolute=True, per_indicator=("target",), label="距目标值"),
    "dist2ref": Normaliser(dist2ref, label="距参照单位"),
    "dist2max": Normaliser(dist2max, label="距最优值"),
    "fracmax": Normaliser(fracmax, label="占最优值比例"),
    "rank": Normaliser(rank, label="排序"),
    "prank": Normaliser(prank, label="百分位排序"),
    "borda": Normaliser(borda, label="Borda 计分"),
}


def apply_direction(x: Array, direction) -> Array:
    """Multiply each indicator by its direction (+1/−1): COINr's convention."""
    return x * _col(direction, x)
