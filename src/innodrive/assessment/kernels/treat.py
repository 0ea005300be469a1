"""Outlier treatment: the JRC skewness/kurtosis rule, winsorisation and log transforms.

The rule (COINr's default, JRC practice): an indicator passes if |skew| < 2 **or**
kurtosis < 3.5, i.e. it is treated only when both are exceeded. A failing indicator
is winsorised one extreme at a time (the side given by the sign of the skew) up to
``winmax`` points; if it still fails, winsorisation is undone and a log transform is
applied to the original values instead.

COINr difference: COINr's ``log_GII`` computes the GII transform and then returns the
*untransformed* vector. :func:`log_gii` returns the transformed one.
Caution: skewness and kurtosis are very noisy for n ≈ 20 units (a province's 市州);
the step records the sample size so that the result can be read with that in mind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray


def skew(x: Array) -> float:
    """Adjusted Fisher–Pearson skewness G1 = √(n(n−1))/(n−2)·m3/m2^1.5 (NaN ignored)."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < 3:
        return float("nan")
    d = v - v.mean()
    m2 = np.mean(d**2)
    m3 = np.mean(d**3)
    if m2 == 0:
        return 0.0
    return float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def kurt(x: Array) -> float:
    """Sample excess kurtosis ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)), r = nΣd⁴/(Σd²)²."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < 4:
        return float("nan")
    d = v - v.mean()
    s2 = np.sum(d**2)
    if s2 == 0:
        return 0.0
    r = n * np.sum(d**4) / s2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def skew_kurt_columns(x: Array) -> tuple[Array, Array]:
    """Skewness and kurtosis of every column of a (units × indicators) array at once."""
    known = ~np.isnan(x)
    n = known.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(x, axis=0) / n
        d = np.where(known, x - mean, 0.0)
        s2, s3, s4 = (d**2).sum(axis=0), (d**3).sum(axis=0), (d**4).sum(axis=0)
        m2, m3 = s2 / n, s3 / n
        sk = np.where(m2 == 0, 0.0, np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)
        r = n * s4 / s2**2
        ku = np.where(s2 == 0, 0.0, ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))
    return np.where(n < 3, np.nan, sk), np.where(n < 4, np.nan, ku)


def passes(x: Array, *, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> tuple[bool, float, float]:
    """The JRC gate: pass if |skew| < threshold or kurtosis < threshold."""
    s, k = skew(x), kurt(x)
    if np.isnan(s) or np.isnan(k):
        return True, s, k
    return bool(abs(s) < skew_thresh or k < kurt_thresh), s, k


@dataclass
class Treatment:
    """What happened to one indicator (for the coin's details table)."""

    values: Array
    pass0: bool
    skew0: float
    kurt0: float
    n_winsorised: int = 0
    winsorised: list[int] = field(default_factory=list)
    pass1: bool | None = None
    skew1: float | None = None
    kurt1: float | None = None
    transform: str | None = None
    pass2: bool | None = None
    skew2: float | None = None
    kurt2: float | None = None

    @property
    def treated(self) -> bool:
        return self.n_winsorised > 0 or self.transform is not None


def winsorise(x: Array, *, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
              ) -> tuple[Array, list[int], bool, float, float]:
    """Replace the extreme value (all tied positions) by the next one until the gate passes.

    Returns the winsorised values, the positions changed, and the final gate result.
    At most ``winmax`` distinct positions are changed.
    """
    y = x.astype(float).copy()
    changed: list[int] = []
    ok, s, k = passes(y, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    while not ok and len(changed) < winmax:
        known = ~np.isnan(y)
        if s >= 0:
            ext = np.nanmax(y)
            at = np.flatnonzero(known & (y == ext))
            rest = y[known & (y != ext)]
            if rest.size == 0:
                break
            y[at] = rest.max()
        else:
            ext = np.nanmin(y)
            at = np.flatnonzero(known & (y == ext))
            rest = y[known & (y != ext)]
            if rest.size == 0:
                break
            y[at] = rest.min()
        for i in at.tolist():
            if i not in changed:
                changed.append(i)
        ok, s, k = passes(y, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    return y, changed, ok, s, k


def log_ct(x: Array) -> Array:
    """COINr ``log_CT``: ln(x − min + 0.01·(max − min)), defined for any sign."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    return np.log(x - mn + 0.01 * (mx - mn))


def log_gii(x: Array) -> Array:
    """The GII log transform ln((max − 1)(x − min)/(max − min) + 1).

    COINr 1.1.14 computes this and returns the untransformed vector (a bug); this
    function returns the transformed values.
    """
    mn, mx = np.nanmin(x), np.nanmax(x)
    return np.log((mx - 1.0) * (x - mn) / (mx - mn) + 1.0)


def boxcox(x: Array, *, lam: float = 0.5) -> Array:
    """Box-Cox (x^λ − 1)/λ (ln x for λ = 0); requires positive values."""
    if lam == 0:
        return np.log(x)
    return (np.power(x, lam) - 1.0) / lam


TRANSFORMS = {"log_CT": log_ct, "log_GII": log_gii, "boxcox": boxcox}


def treat_indicator(x: Array, *, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5,
                    fallback: str | None = "log_CT", gate: tuple[bool, float, float] | None = None) -> Treatment:
    """The full JRC/COINr treatment of one indicator (``gate``: a precomputed first check)."""
    ok0, s0, k0 = gate or passes(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    t = Treatment(values=x.astype(float).copy(), pass0=ok0, skew0=s0, kurt0=k0)
    if ok0:
        return t
    y, changed, ok1, s1, k1 = winsorise(x, winmax=winmax, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    t.pass1, t.skew1, t.kurt1 = ok1, s1, k1
    if ok1 or fallback is None:
        t.values, t.winsorised, t.n_winsorised = y, changed, len(changed)
        return t
    z = TRANSFORMS[fallback](x.astype(float))
    t.values, t.transform = z, fallback
    t.pass2, t.skew2, t.kurt2 = passes(z, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    return t
