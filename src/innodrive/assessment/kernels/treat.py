"""Outlier treatment: the JRC skewness/kurtosis rule, winsorisation and log transforms.

The rule (COINr's default, JRC practice): an indicator passes if |skew| < 2 **or**
kurtosis < 3.5, i.e. it is treated only when both are exceeded. A failing indicator
is winsorised one extreme at a time (the side given by the sign of the skew) up to
``winmax`` points; if it still fails, winsorisation is undone and a log transform is
applied to the original values instead.

COINr difference: COINr's ``log_GII`` computes the GII transform and then returns the
*untransformed* vector. :func:`log_gii` returns the transformed one, and never
reverses the order of units (GII's factor max − 1 is negative when max < 1).
Every treatment here is order-preserving: winsorisation may tie the extreme units,
a transform keeps distinct values distinct and in order (property-tested).
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
    """The GII log transform ln((max − 1)(x − min)/(max − min) + 1), order-preserving for every range.

    GII's formula maps the indicator onto [1, max] and takes the logarithm, so the
    result runs from 0 (the worst unit) to ln(max). Its factor (max − 1) is positive
    only when the maximum exceeds 1: for an indicator whose maximum is below 1 (shares
    written as fractions, small per-capita rates) the factor is negative and the
    formula *reverses* the order of units — the best unit becomes the worst (five
    ASEM indicators: Bord, CultServ, FDI, NGOs, StMob) — and at exactly 1 it maps
    every unit to 0. A treatment must never do either. For such an indicator innodrive
    applies COINr's ``log_CT`` instead (ln(x − min + 0.01·(max − min)), increasing for
    any range) and :func:`log_gii_variant` says which form was used.

    ``log1p`` keeps distinct values distinct when (max − 1) is tiny. COINr 1.1.14
    computes the GII formula and returns the *untransformed* vector (a bug); this
    function returns the transformed values.
    """
    if log_gii_variant(x) == "log_CT":
        return log_ct(x)
    mn, mx = np.nanmin(x), np.nanmax(x)
    return np.log1p((mx - 1.0) * ((x - mn) / (mx - mn)))


def log_gii_variant(x: Array) -> str:
    """``"log_GII"`` when GII's formula is increasing on ``x`` (max > 1), else ``"log_CT"``."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    return "log_GII" if mx > 1.0 and mx > mn else "log_CT"


def boxcox(x: Array, *, lam: float = 0.5) -> Array:
    """Box-Cox (x^λ − 1)/λ (ln x for λ = 0); requires positive values.

    Increasing for every λ on positive values; a zero or negative value has no
    Box-Cox transform, so it is refused (``ValueError``) rather than turned into NaN.
    """
    if np.nanmin(x) <= 0:
        raise ValueError("Box-Cox needs positive values")
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
    used = log_gii_variant(x) if fallback == "log_GII" else fallback
    t.values, t.transform = z, (fallback if used == fallback else f"{fallback}→{used}（最大值不大于1）")
    t.pass2, t.skew2, t.kurt2 = passes(z, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    return t
