"""Weighting kernels: weights from judgement (AHP) or from the data (entropy, PCA, CRITIC).

Each function returns weights that sum to 1 over the indicators given. The variants
that the literature leaves implicit are named parameters here, because different
tools give different numbers for "the entropy method":

* entropy ``A`` — min-max first (cost indicators reversed), then shares (the common
  Chinese 熵权法);
* ``B`` — shares of the raw values, direction ignored (pymcdm);
* ``C`` — as A plus 1e-4 before the shares (avoids ln 0);
* ``D`` — vector normalisation first (x/‖x‖; cost indicators 1 − x/‖x‖, pymcdm's
  convention). For benefit-only data D equals B, since shares are scale-free.

PCA weights follow the OECD/JRC Handbook (2008): factors with eigenvalue > 1 on the
correlation matrix, varimax rotation (Kaiser-normalised by default, as R; the raw
form on request), squared loadings scaled to unit sum, each
indicator assigned to the factor where its squared loading is largest, factors
weighted by their share of explained variance. COINr's ``get_PCA`` weights are the
raw first-component loadings instead: their sign is arbitrary and they can be
negative, which is not a valid weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray

RANDOM_INDEX: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
                                  9: 1.45, 10: 1.49}
ENTROPY_VARIANTS = ("A", "B", "C", "D")


def equal(k: int) -> Array:
    """Equal weights 1/k."""
    return np.full(k, 1.0 / k)


def _benefit(benefit, k: int) -> Array:
    b = np.ones(k, dtype=bool) if benefit is None else np.asarray(benefit, dtype=bool)
    if b.shape != (k,):
        raise ValueError("benefit must give one flag per indicator")
    return b


def entropy_index(x: Array, *, variant: str, benefit=None) -> Array:
    """The entropy e_j of each indicator under the named variant (A/B/C/D).

    e_j = −(1/ln n) Σ_i p_ij ln p_ij with 0·ln 0 = 0.
    """
    if variant not in ENTROPY_VARIANTS:
        raise ValueError(f"entropy variant must be one of {ENTROPY_VARIANTS}, got {variant!r}")
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise ValueError("entropy weights need a complete matrix (impute first)")
    n, k = x.shape
    b = _benefit(benefit, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        if variant in ("A", "C"):
            mn, mx = x.min(axis=0), x.max(axis=0)
            z = np.where(b, (x - mn) / (mx - mn), (mx - x) / (mx - mn))
            if variant == "C":
                z = z + 1e-4
        elif variant == "B":
            z = x
        else:
            norm = np.sqrt((x**2).sum(axis=0))
            z = np.where(b, x / norm, 1.0 - x / norm)
        if (z < 0).any():
            raise ValueError("entropy shares need non-negative values")
        p = z / z.sum(axis=0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return -plogp.sum(axis=0) / np.log(n)


def entropy(x: Array, *, variant: str, benefit=None) -> Array:
    """Entropy weights w_j = (1 − e_j)/Σ(1 − e) of a complete (units × indicators) matrix."""
    d = 1.0 - entropy_index(x, variant=variant, benefit=benefit)
    return d / d.sum()


@dataclass(frozen=True)
class AHPResult:
    weights: Array
    lambda_max: float
    ci: float
    cr: float | None
    method: str

    @property
    def consistent(self) -> bool:
        """Saaty's rule: CR < 0.1 (matrices of order ≤ 2 are always consistent)."""
        return self.cr is None or self.cr < 0.1


def ahp(matrix, *, method: str = "eigen") -> AHPResult:
    """AHP weights from a pairwise comparison matrix, with Saaty's consistency ratio.

    ``method``: ``"eigen"`` (principal eigenvector) or ``"geomean"`` (row geometric
    means). λmax is always the principal eigenvalue; CI = (λmax − n)/(n − 1),
    CR = CI/RI with Saaty's random index (n ≤ 10).
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if a.ndim != 2 or a.shape != (n, n):
        raise ValueError("the pairwise matrix must be square")
    if (a <= 0).any() or not np.all(np.isfinite(a)):
        raise ValueError("pairwise judgements must be positive numbers")
    if not np.allclose(a * a.T, 1.0, rtol=1e-6):
        raise ValueError("the pairwise matrix must be reciprocal (a_ji = 1/a_ij)")
    vals, vecs = np.linalg.eig(a)
    i = int(np.argmax(vals.real))
    lam = float(vals[i].real)
    if method == "eigen":
        v = np.abs(vecs[:, i].real)
        w = v / v.sum()
    elif method == "geomean":
        g = np.exp(np.log(a).mean(axis=1))
        w = g / g.sum()
    else:
        raise ValueError(f"unknown AHP method {method!r}")
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX.get(n)
    cr = None if not ri else ci / ri
    return AHPResult(weights=w, lambda_max=lam, ci=ci, cr=cr, method=method)


def varimax(loadings: Array, *, normalize: bool = True, gamma: float = 1.0, max_iter: int = 1000,
            tol: float = 1e-10) -> Array:
    """Kaiser's varimax rotation of a loadings matrix (indicators × factors).

    ``normalize`` (the default, as R's ``stats::varimax`` and SPSS) applies Kaiser
    normalisation: each indicator's row of loadings is scaled to unit length (divided
    by the square root of its communality) before rotating and scaled back after, so
    indicators that the retained factors explain poorly weigh as much in choosing the
    rotation as well-explained ones. ``normalize=False`` rotates the raw loadings
    (innodrive's form before 2026; weights can differ by a fifth in groups with several
    factors). The rotation maximises Σ_factors var(squared loadings) in either case.
    """
    p, k = loadings.shape
    if k < 2:
        return loadings.copy()
    x = np.asarray(loadings, dtype=float)
    sc = None
    if normalize:
        sc = np.sqrt((x**2).sum(axis=1, keepdims=True))
        sc = np.where(sc > 0, sc, 1.0)
        x = x / sc
    r = np.eye(k)
    d = 0.0
    for _ in range(max_iter):
        lam = x @ r
        u, s, vt = np.linalg.svd(x.T @ (lam**3 - (gamma / p) * lam @ np.diag(np.sum(lam**2, axis=0))))
        r = u @ vt
        d_new = s.sum()
        if d > 0 and d_new / d < 1 + tol:
            break
        d = d_new
    z = x @ r
    return z * sc if sc is not None else z


@dataclass(frozen=True)
class PCAResult:
    weights: Array
    eigenvalues: Array
    n_factors: int
    rotated_loadings: Array
    factor_of_indicator: Array
    factor_shares: Array
    kaiser: bool = True


def pca_handbook(x: Array, *, min_eigenvalue: float = 1.0, kaiser: bool = True) -> PCAResult:
    """Non-negative PCA weights as in the OECD/JRC Handbook (2008), step 6.

    Factors with eigenvalue above ``min_eigenvalue`` on the correlation matrix are
    rotated by varimax — with Kaiser normalisation by default (``kaiser=True``, R's
    default and what most users expect), or on the raw loadings (``kaiser=False``) —
    and each indicator is weighted by its squared rotated loading scaled to its
    factor's explained variance, times that factor's share. Invariant to the sign of
    the components (loadings are squared); never negative.
    """
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise ValueError("PCA weights need a complete matrix (impute first)")
    n, k = x.shape
    if n < 3 or k < 2:
        raise ValueError("PCA weights need at least 3 units and 2 indicators")
    sd = x.std(axis=0, ddof=1)
    if (sd == 0).any():
        raise ValueError("an indicator is constant; PCA weights are undefined")
    corr = np.corrcoef(x, rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    m = max(1, int(np.sum(vals > min_eigenvalue)))
    load = vecs[:, :m] * np.sqrt(vals[:m])
    rot = varimax(load, normalize=kaiser)
    sq = rot**2
    var_f = sq.sum(axis=0)  # variance explained by each rotated factor
    scaled = sq / var_f
    factor = np.argmax(scaled, axis=1)
    shares = var_f / var_f.sum()
    w = scaled[np.arange(k), factor] * shares[factor]
    return PCAResult(weights=w / w.sum(), eigenvalues=vals, n_factors=m, rotated_loadings=rot,
                     factor_of_indicator=factor, factor_shares=shares, kaiser=kaiser)


def critic(x: Array, *, benefit=None) -> Array:
    """CRITIC weights (Diakoulaki et al. 1995): C_j = σ_j Σ_k (1 − r_jk) on min-max data.

    σ is the sample standard deviation (n − 1) of the min-max normalised indicator.
    """
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise ValueError("CRITIC weights need a complete matrix (impute first)")
    b = _benefit(benefit, x.shape[1])
    mn, mx = x.min(axis=0), x.max(axis=0)
    z = np.where(b, (x - mn) / (mx - mn), (mx - x) / (mx - mn))
    s = z.std(axis=0, ddof=1)
    r = np.corrcoef(z, rowvar=False)
    c = s * (1.0 - r).sum(axis=1)
    return c / c.sum()


WEIGHTERS = ("manual", "equal", "entropy", "ahp", "pca", "critic")
