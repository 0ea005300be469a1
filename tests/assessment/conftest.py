"""Shared fixtures: the COINr test vectors (copied from shared/testvectors) and example coins."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

VECTORS = Path(__file__).resolve().parents[1] / "data" / "testvectors"
ASEM = VECTORS / "coinr-asem"


@pytest.fixture(scope="session")
def small() -> dict:
    return json.loads((ASEM / "coinr_small_vectors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mcda() -> dict:
    return json.loads((VECTORS / "mcda" / "entropy_topsis_ahp.json").read_text(encoding="utf-8"))


def expected(name: str) -> pd.DataFrame:
    return pd.read_csv(ASEM / name, index_col=0)


def assert_frame_close(actual: pd.DataFrame, exp: pd.DataFrame, *, rtol: float) -> None:
    """Every expected cell matches (relative tolerance; NaN must match NaN; exact zeros within 1e-12)."""
    a = actual.loc[exp.index, list(exp.columns)].to_numpy(dtype=float)
    b = exp.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), "missing values differ"
    ok = np.isclose(a, b, rtol=rtol, atol=1e-12) | (np.isnan(a) & np.isnan(b))
    bad = np.argwhere(~ok)
    assert bad.size == 0, [(exp.index[i], exp.columns[j], a[i, j], b[i, j]) for i, j in bad[:5]]


@pytest.fixture(scope="session")
def asem_coin():
    from innodrive.assessment.examples import build_example_coin

    return build_example_coin()
