"""SYNTHETIC enterprise registries — for benchmarks only, never for analysis.

Every value here is drawn from made-up distributions (log-normal sizes, uniform shares,
random flags, 8% of cells unknown) so that every rule branch is exercised at scale. The
numbers describe no real enterprise, city or province and must not be shown as data.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from innodrive.enterprises import credit_code as cc
from innodrive.enterprises.fields import FIELDS, NUMERIC_FIELDS

LABEL = "SYNTHETIC"


def synthetic_codes(n: int, seed: int = 0) -> np.ndarray:
    """Valid, distinct 统一社会信用代码 (serial numbers with a correct check digit)."""
    out = np.empty(n, dtype=object)
    for i in range(n):
        body = f"91511500{i + seed * 10_000_000:09d}"
        out[i] = body + cc.check_char(body)
    return out


def synthetic_registry(n: int, *, seed: int = 42, missing: float = 0.08) -> pd.DataFrame:
    """A SYNTHETIC registry of ``n`` enterprises in canonical columns (float64)."""
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    size = rng.lognormal(mean=8.0, sigma=1.3, size=n)  # revenue scale in 万元
    for name in NUMERIC_FIELDS:
        spec = FIELDS[name]
        if spec.kind == "flag":
            v = (rng.random(n) < 0.7).astype(float)
        elif spec.kind == "date":
            days = rng.integers(0, 365 * 15, n)
            start = (dt.date(2009, 1, 1) - dt.date(1970, 1, 1)).days
            v = (start + days).astype(float)
        elif spec.kind == "ratio":
            v = rng.random(n)
        elif spec.kind == "level":
            v = rng.choice(np.array(spec.allowed, dtype=float), n)
        elif spec.kind == "choice":
            v = rng.choice(np.array(sorted(spec.choice_names()), dtype=float), n)
        elif spec.kind == "score":
            v = np.floor(rng.random(n) * (spec.max + 1))
        elif spec.kind in ("count", "year"):
            v = rng.poisson(3, n).astype(float)
        elif spec.kind == "people":
            v = np.maximum(1.0, np.round(size / 40 * rng.lognormal(0, 0.5, n)))
        else:
            v = size * rng.lognormal(0, 0.4, n) * (0.05 if "rd" in name else 1.0)
            if spec.kind == "signed_money":
                v = v * rng.normal(0.08, 0.1, n)
        cols[name] = v.astype(np.float64)
    cols["data_year"] = np.full(n, 2023.0)
    cols["tech_staff"] = np.floor(cols["employees_total"] * rng.random(n) * 0.6)
    cols["rd_staff"] = np.floor(cols["employees_total"] * rng.random(n) * 0.6)
    cols["revenue_y2"] = cols["revenue_y1"] / rng.uniform(0.8, 1.5, n)
    cols["revenue_y3"] = cols["revenue_y2"] / rng.uniform(0.8, 1.5, n)
    for y in ("y1", "y2", "y3"):
        cols[f"main_revenue_{y}"] = cols[f"revenue_{y}"] * rng.uniform(0.4, 1.0, n)
        cols[f"total_income_{y}"] = cols[f"revenue_{y}"] * rng.uniform(1.0, 1.1, n)
        cols[f"total_liabilities_{y}"] = cols[f"total_assets_{y}"] * rng.uniform(0.1, 0.9, n)
        cols[f"hnte_rd_{y}"] = cols[f"revenue_{y}"] * rng.uniform(0.0, 0.09, n)
        cols[f"rd_expense_{y}"] = cols[f"hnte_rd_{y}"] * rng.uniform(0.9, 1.1, n)
    cols["hnte_rd_domestic_3y"] = (cols["hnte_rd_y1"] + cols["hnte_rd_y2"] + cols["hnte_rd_y3"]) * rng.uniform(0.4, 1, n)
    cols["high_tech_revenue_y1"] = cols["total_income_y1"] * rng.uniform(0.3, 1.0, n)
    for v in cols.values():
        v[rng.random(n) < missing] = np.nan
    frame = pd.DataFrame(cols)
    frame.insert(0, "credit_code", synthetic_codes(n, seed=seed % 90))
    return frame
