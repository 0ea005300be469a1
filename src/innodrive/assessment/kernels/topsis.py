"""TOPSIS: closeness to the ideal and anti-ideal solutions (Hwang & Yoon).

r = x/√Σx² per indicator; v = w·r; A⁺ is the best value of each column (max for a
benefit indicator, min for a cost indicator) and A⁻ the worst; C = D⁻/(D⁺ + D⁻).
Identical to pymcdm's TOPSIS with vector normalisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class TopsisResult:
    closeness: Array
    d_plus: Array
    d_minus: Array


def topsis(x: Array, *, weights, benefit=None) -> TopsisResult:
    """TOPSIS on a complete (units × indicators) matrix; weights are normalised to sum 1."""
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise ValueError("TOPSIS needs a complete matrix (impute first)")
    k = x.shape[1]
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    b = np.ones(k, dtype=bool) if benefit is None else np.asarray(benefit, dtype=bool)
    r = x / np.sqrt((x**2).sum(axis=0))
    v = r * w
    best = np.where(b, v.max(axis=0), v.min(axis=0))
    worst = np.where(b, v.min(axis=0), v.max(axis=0))
    dp = np.sqrt(((v - best) ** 2).sum(axis=1))
    dm = np.sqrt(((v - worst) ** 2).sum(axis=1))
    return TopsisResult(closeness=dm / (dp + dm), d_plus=dp, d_minus=dm)
