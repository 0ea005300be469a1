"""Imputation kernels: fill unknown values, explicitly and only when asked.

Cross-sectional kernels take a (units × indicators) array; the panel kernels take a
(time × units × indicators) array ordered by year. A value that cannot be imputed
(an all-missing group, a unit with no observation in any year) stays NaN.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def _fill(x: Array, fill: Array) -> Array:
    return np.where(np.isnan(x), fill, x)


def _quiet(func, *args, **kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices stay NaN
        return func(*args, **kwargs)


def i_mean(x: Array) -> Array:
    """Replace NaN by the indicator's mean over the units."""
    return _fill(x, _quiet(np.nanmean, x, axis=-2, keepdims=True))


def i_median(x: Array) -> Array:
    """Replace NaN by the indicator's median over the units."""
    return _fill(x, _quiet(np.nanmedian, x, axis=-2, keepdims=True))


def _grouped(x: Array, groups: Array, stat) -> Array:
    out = x.copy()
    groups = np.asarray(groups)
    for g in np.unique(groups[~_isnull(groups)]):
        rows = groups == g
        fill = _quiet(stat, x[rows], axis=0, keepdims=True)
        out[rows] = _fill(x[rows], fill)
    return out


def _isnull(a: Array) -> Array:
    return np.array([v is None or (isinstance(v, float) and np.isnan(v)) for v in a], dtype=bool)


def i_mean_grp(x: Array, *, groups: Array) -> Array:
    """Replace NaN by the mean of the unit's group (e.g. 主城区 / 县域)."""
    return _grouped(x, groups, np.nanmean)


def i_median_grp(x: Array, *, groups: Array) -> Array:
    """Replace NaN by the median of the unit's group."""
    return _grouped(x, groups, np.nanmedian)


def panel_latest(panel: Array) -> Array:
    """Carry the latest earlier observation forward in time (time on axis 0)."""
    out = panel.copy()
    for t in range(1, out.shape[0]):
        out[t] = _fill(out[t], out[t - 1])
    return out


def panel_linear(panel: Array, *, years: Array | None = None) -> Array:
    """Interpolate linearly in time between observations; no extrapolation beyond them."""
    years = np.arange(panel.shape[0], dtype=float) if years is None else np.asarray(years, float)
    out = panel.copy()
    flat = out.reshape(out.shape[0], -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        known = ~np.isnan(col)
        if known.sum() >= 2:
            inside = (years >= years[known].min()) & (years <= years[known].max())
            col[inside & ~known] = np.interp(years[inside & ~known], years[known], col[known])
    return flat.reshape(out.shape)


IMPUTERS = {
    "mean": i_mean,
    "median": i_median,
    "mean_group": i_mean_grp,
    "median_group": i_median_grp,
}

PANEL_IMPUTERS = {"latest": panel_latest, "linear": panel_linear}
