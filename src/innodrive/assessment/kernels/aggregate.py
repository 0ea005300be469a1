"""Aggregation kernels: combine a group's children into one score per unit.

``values`` has shape (..., units, k children) and ``weights`` broadcasts to it, so one
call aggregates many replications at once (per-replication weights (R, 1, k),
per-unit-type weights (1, units, k)). Missing children are dropped and the remaining
weights renormalised (COINr's behaviour); with ``dat_thresh`` a unit whose share of
available children is below the threshold gets NaN instead.

Geometric, harmonic and negative-power means are undefined at zero. A min-max
normalisation to [0, 100] produces zeros by construction, so every such kernel takes
an explicit ``zero_policy``: ``"error"`` (refuse, naming the first offending place),
``"offset"`` (add ``offset`` to every value, aggregate, subtract it again) or
``"drop"`` (treat zeros as missing). Nothing is silently replaced.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

ZERO_POLICIES = ("error", "offset", "drop")


class NonPositiveValues(ValueError):
    """Values at or below zero reached a mean that needs positive values.

    ``where`` is the (unit index, child index) of the first offending value, so that
    the calling step can name the unit and the indicator.
    """

    def __init__(self, where: tuple[int, ...], value: float, kind: str) -> None:
        super().__init__(f"{kind}: value {value} at {where}")
        self.where = where
        self.value = value
        self.kind = kind


def _prepare(values: Array, weights: Array, dat_thresh: float | None):
    v = np.asarray(values, dtype=float)
    w = np.broadcast_to(np.asarray(weights, dtype=float), v.shape)
    known = ~np.isnan(v)
    wk = np.where(known, w, 0.0)
    wsum = wk.sum(axis=-1)
    missing = wsum <= 0
    if dat_thresh is not None:
        share = known.sum(axis=-1) / v.shape[-1]
        missing = missing | (share < dat_thresh)
    return v, wk, wsum, missing


def _positive(v: Array, zero_policy: str, offset: float, kind: str) -> Array:
    if zero_policy not in ZERO_POLICIES:
        raise ValueError(f"unknown zero_policy {zero_policy!r}")
    neg = v < 0
    if neg.any():
        idx = tuple(int(i) for i in np.argwhere(neg)[0])
        raise NonPositiveValues(idx, float(v[idx]), kind)
    if zero_policy == "offset":
        return v + offset
    zero = v == 0
    if zero.any():
        if zero_policy == "error":
            idx = tuple(int(i) for i in np.argwhere(zero)[0])
            raise NonPositiveValues(idx, 0.0, kind)
        return np.where(zero, np.nan, v)
    return v


def arithmetic(values: Array, weights: Array, *, dat_thresh: float | None = None) -> Array:
    """Σw·x / Σw over the known children."""
    v, wk, wsum, missing = _prepare(values, weights, dat_thresh)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.nansum(v * wk, axis=-1) / wsum
    return np.where(missing, np.nan, out)


def geometric(values: Array, weights: Array, *, zero_policy: str = "error", offset: float = 1.0,
              dat_thresh: float | None = None) -> Array:
    """exp(Σw·ln x / Σw); zeros handled by the explicit ``zero_policy``."""
    v = _positive(np.asarray(values, dtype=float), zero_policy, offset, "geometric")
    v, wk, wsum, missing = _prepare(v, weights, dat_thresh)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.exp(np.nansum(np.log(v) * wk, axis=-1) / wsum)
    if zero_policy == "offset":
        out = out - offset
    return np.where(missing, np.nan, out)


def harmonic(values: Array, weights: Array, *, zero_policy: str = "error", offset: float = 1.0,
             dat_thresh: float | None = None) -> Array:
    """Σw / Σ(w/x); zeros handled by the explicit ``zero_policy``."""
    v = _positive(np.asarray(values, dtype=float), zero_policy, offset, "harmonic")
    v, wk, wsum, missing = _prepare(v, weights, dat_thresh)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = wsum / np.nansum(wk / v, axis=-1)
    if zero_policy == "offset":
        out = out - offset
    return np.where(missing, np.nan, out)


def generalised(values: Array, weights: Array, *, p: float = 2.0, zero_policy: str = "error",
                offset: float = 1.0, dat_thresh: float | None = None) -> Array:
    """(Σw·x^p / Σw)^(1/p); p = 0 is the geometric mean. Positive values required for p ≤ 0."""
    if p == 0:
        return geometric(values, weights, zero_policy=zero_policy, offset=offset, dat_thresh=dat_thresh)
    v = np.asarray(values, dtype=float)
    if p < 0:
        v = _positive(v, zero_policy, offset, "generalised")
    elif (v < 0).any():
        idx = tuple(int(i) for i in np.argwhere(v < 0)[0])
        raise NonPositiveValues(idx, float(v[idx]), "generalised")
    v, wk, wsum, missing = _prepare(v, weights, dat_thresh)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (np.nansum(wk * v**p, axis=-1) / wsum) ** (1.0 / p)
    if p < 0 and zero_policy == "offset":
        out = out - offset
    return np.where(missing, np.nan, out)


def outranking(values: Array, weights: Array) -> Array:
    """The weighted outranking matrix o[a, b] = Σ_{q: a_q > b_q} w_q + ½ Σ_{ties} w_q.

    Weights are normalised over the indicators known for both units of a pair.
    Shape (..., units, units).
    """
    v = np.asarray(values, dtype=float)
    w = np.broadcast_to(np.asarray(weights, dtype=float), v.shape)
    a, b = v[..., :, None, :], v[..., None, :, :]
    both = ~np.isnan(a) & ~np.isnan(b)
    wa = np.where(both, w[..., :, None, :], 0.0)
    gt = np.where(both & (a > b), wa, 0.0).sum(-1)
    eq = np.where(both & (a == b), wa, 0.0).sum(-1)
    tot = wa.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        o = (gt + 0.5 * eq) / tot
    n = v.shape[-2]
    diag = np.eye(n, dtype=bool)
    return np.where(diag, 0.0, o)


COPELAND_BLOCK = 4_000_000  # cells of the (units × units × k) comparison built at once


def copeland(values: Array, weights: Array, *, dat_thresh: float | None = None) -> Array:
    """Copeland score: +1 per unit outranked (o > ½), −1 per unit outranking it (o < ½).

    The pairwise comparison is built in row blocks so that memory stays bounded for
    many units or many replications.
    """
    v = np.asarray(values, dtype=float)
    w = np.broadcast_to(np.asarray(weights, dtype=float), v.shape)
    n, k = v.shape[-2], v.shape[-1]
    lead = v.shape[:-2]
    vf, wf = v.reshape((-1, n, k)), w.reshape((-1, n, k))
    out = np.empty(vf.shape[:2])
    rows = max(1, COPELAND_BLOCK // max(1, n * k))
    for r in range(vf.shape[0]):
        for s in range(0, n, rows):
            a = vf[r, s:s + rows, None, :]
            b = vf[r, None, :, :]
            wa = np.where(~np.isnan(a) & ~np.isnan(b), wf[r, s:s + rows, None, :], 0.0)
            gt = np.where(a > b, wa, 0.0).sum(-1)
            eq = np.where(a == b, wa, 0.0).sum(-1)
            with np.errstate(invalid="ignore", divide="ignore"):
                o = (gt + 0.5 * eq) / wa.sum(-1)
            idx = np.arange(s, min(s + rows, n))
            o[np.arange(idx.size), idx] = 0.5  # a unit neither beats nor loses to itself
            out[r, idx] = np.where(o > 0.5, 1.0, 0.0).sum(-1) - np.where(o < 0.5, 1.0, 0.0).sum(-1)
    out = out.reshape(lead + (n,))
    if dat_thresh is not None:
        share = (~np.isnan(v)).sum(-1) / k
        out = np.where(share < dat_thresh, np.nan, out)
    return out


AGGREGATORS = {
    "arithmetic": arithmetic,
    "geometric": geometric,
    "harmonic": harmonic,
    "generalised": generalised,
    "copeland": copeland,
}

AGGREGATOR_LABELS = {
    "arithmetic": "加权算术平均",
    "geometric": "加权几何平均",
    "harmonic": "加权调和平均",
    "generalised": "广义加权平均",
    "copeland": "Copeland 排序计分",
}
