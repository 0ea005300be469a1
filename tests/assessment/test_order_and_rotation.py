"""Issue 8 items 19–20: treatments never reverse units; varimax is Kaiser-normalised by default."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr
from tests.assessment.conftest import ASEM

from innodrive.assessment.kernels import treat as TR
from innodrive.assessment.kernels import weights as W

# -- item 19: order preservation -------------------------------------------------------


def _assert_order_preserved(x: np.ndarray, y: np.ndarray) -> None:
    """Weakly increasing in x everywhere; Spearman +1 over units whose outputs differ."""
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(y[order]) >= -1e-12 * np.maximum(1.0, np.abs(y[order][:-1])))
    _, first = np.unique(y, return_index=True)
    if first.size >= 3:
        rho = spearmanr(x[first], y[first]).statistic
        assert rho == pytest.approx(1.0)


scales = st.sampled_from([1e-4, 1e-2, 0.5, 1.0, 3.0, 100.0, 1e5])
shifts = st.sampled_from([-1000.0, -1.0, -0.5, 0.0, 0.3, 1.0, 50.0])


@st.composite
def columns(draw):
    n = draw(st.integers(5, 30))
    base = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    skewed = draw(st.booleans())
    v = np.array(base, dtype=float) / 10_000
    if skewed:
        v = v**4  # long right tail, like counts of firms across 市州
    x = v * draw(scales) + draw(shifts)
    # distinct in floating point (a treatment cannot order units that are equal)
    assume(np.unique(x).size == n and np.min(np.diff(np.sort(x))) > 1e-9 * max(1.0, np.abs(x).max()))
    return x


@settings(max_examples=300, deadline=None)
@given(columns(), st.sampled_from(["log_CT", "log_GII", "boxcox", None]), st.integers(0, 5))
def test_every_treatment_preserves_the_order_of_units(x, fallback, winmax):
    if fallback == "boxcox":
        assume(x.min() > 0)
    t = TR.treat_indicator(x, winmax=winmax, fallback=fallback, skew_thresh=0.0, kurt_thresh=-10.0)
    _assert_order_preserved(x, t.values)
    if t.transform is not None:  # a transform (not a winsorisation) keeps distinct values distinct
        assert np.unique(t.values).size == np.unique(x).size


@settings(max_examples=300, deadline=None)
@given(columns())
def test_log_transforms_are_strictly_increasing_for_any_range(x):
    for f in (TR.log_gii, TR.log_ct):
        y = f(x)
        assert np.all(np.isfinite(y))
        assert spearmanr(x, y).statistic == pytest.approx(1.0)


def test_log_gii_keeps_gii_formula_where_it_is_increasing():
    x = np.array([0.0, 2.0, 5.0, 40.0])
    np.testing.assert_allclose(TR.log_gii(x), np.log((40 - 1) * (x - 0) / 40 + 1), rtol=1e-14)
    assert TR.log_gii_variant(x) == "log_GII"


def test_asem_indicators_below_one_are_no_longer_reversed():
    # COINr's pipeline treats the denominated data (FDI per GDP, NGOs per population …)
    den = pd.read_csv(ASEM / "expected_1_Denominated.csv", index_col=0)
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    codes = [c for c in meta.loc[meta["Type"] == "Indicator", "iCode"] if c in den.columns]
    reversed_before = []
    for c in codes:
        x = den[c].to_numpy(dtype=float)
        x = x[~np.isnan(x)]
        mn, mx = x.min(), x.max()
        gii = np.log((mx - 1) * (x - mn) / (mx - mn) + 1)  # the formula as published
        if np.ptp(gii) == 0 or spearmanr(x, gii).statistic < 0:  # collapsed (max = 1) or reversed
            reversed_before.append(c)
        assert spearmanr(x, TR.log_gii(x)).statistic == pytest.approx(1.0), c
    # the five the issue names are among those the bare formula reverses
    assert {"Bord", "CultServ", "FDI", "NGOs", "StMob"} <= set(reversed_before)


def test_treat_step_says_which_log_form_it_used():
    from innodrive.assessment import Coin, Treat
    from innodrive.assessment.framework import parse_framework

    fw = parse_framework({"id": "t", "name": "t", "version": "1", "effective": "2024-01-01",
                          "aggregates": [{"code": "i", "name": "i"}],
                          "indicators": [{"code": "a", "name": "a", "parent": "i"},
                                         {"code": "b", "name": "b", "parent": "i"}]})
    a = np.array([0.001 * k for k in range(1, 15)] + [0.5, 0.9])  # max below 1, long tail
    data = pd.DataFrame({"a": a, "b": np.arange(16.0)}, index=[f"u{i}" for i in range(16)])
    coin = Coin(framework=fw, data=data).add(Treat(dset="Raw", winmax=1, fallback="log_GII"))
    row = next(r for r in coin.details["Treated"]["treatment"] if r["indicator"] == "a")
    assert row["transform"].startswith("log_GII→log_CT")
    assert spearmanr(a, coin.data["Treated"]["a"]).statistic == pytest.approx(1.0)


def test_boxcox_refuses_non_positive_values_with_a_message():
    from innodrive.assessment import Coin, Treat
    from innodrive.assessment.framework import parse_framework
    from innodrive.errors import InputError

    fw = parse_framework({"id": "t", "name": "t", "version": "1", "effective": "2024-01-01",
                          "aggregates": [{"code": "i", "name": "i"}],
                          "indicators": [{"code": "a", "name": "甲", "parent": "i"}]})
    a = np.array([-1.0, *range(1, 14), 500.0, 900.0])
    coin = Coin(framework=fw, data=pd.DataFrame({"a": a}, index=[f"u{i}" for i in range(16)]))
    with pytest.raises(InputError, match="零或负值"):
        coin.add(Treat(dset="Raw", winmax=1, fallback="boxcox"))


# -- item 20: varimax with Kaiser normalisation ----------------------------------------


def _criterion(lam: np.ndarray) -> float:
    """Raw varimax criterion: Σ over factors of the variance of the squared loadings."""
    return float(((lam**2) ** 2).mean(axis=0).sum() - ((lam**2).mean(axis=0) ** 2).sum())


def _best_rotation_by_search(a: np.ndarray) -> np.ndarray:
    """Two factors: the rotation angle maximising the raw criterion, by brute force."""
    best, arg = -np.inf, None
    for th in np.linspace(0, np.pi / 2, 200_001):
        c, s = np.cos(th), np.sin(th)
        v = _criterion(a @ np.array([[c, -s], [s, c]]))
        if v > best:
            best, arg = v, th
    c, s = np.cos(arg), np.sin(arg)
    return a @ np.array([[c, -s], [s, c]])


def _same_up_to_sign_and_order(a: np.ndarray, b: np.ndarray, tol: float = 1e-4) -> bool:
    for perm in ([0, 1], [1, 0]):
        bb = b[:, perm]
        signs = np.sign((a * bb).sum(axis=0))
        if np.allclose(a, bb * signs, atol=tol):
            return True
    return False


# Loadings with very unequal communalities (0.97 … 0.26): where Kaiser normalisation matters.
LOADINGS = np.array([[0.9, 0.4], [0.8, 0.5], [0.3, 0.4], [0.2, 0.45], [0.7, -0.1], [0.1, 0.5]])


def test_default_varimax_is_kaiser_normalised_like_r():
    rot = W.varimax(LOADINGS)
    h = np.sqrt((LOADINGS**2).sum(axis=1, keepdims=True))
    expected = _best_rotation_by_search(LOADINGS / h) * h  # R: rotate unit rows, scale back
    assert _same_up_to_sign_and_order(rot, expected)
    np.testing.assert_allclose((rot**2).sum(axis=1), (LOADINGS**2).sum(axis=1), rtol=1e-12)  # communalities kept


def test_unnormalised_varimax_stays_available():
    rot = W.varimax(LOADINGS, normalize=False)
    assert _same_up_to_sign_and_order(rot, _best_rotation_by_search(LOADINGS))
    assert not _same_up_to_sign_and_order(rot, W.varimax(LOADINGS), tol=1e-3)


def test_pca_weights_default_to_kaiser_and_differ_from_raw_in_multi_factor_groups(asem_coin):
    from innodrive.assessment import Weight

    kaiser = asem_coin.copy().add(Weight(method="pca", write_to="pcaK"))
    raw = asem_coin.copy().add(Weight(method="pca", write_to="pcaR", kaiser=False))
    details = kaiser.details["weights:pcaK"]["groups"]
    multi = [g for g, d in details.items() if d["n_factors"] > 1]
    assert multi, "ASEM has groups with several factors"
    assert all(d["varimax"] == "Kaiser 标准化" for d in details.values())
    fw = asem_coin.framework
    diffs = [abs(kaiser.weights["pcaK"][k] - raw.weights["pcaR"][k]) / raw.weights["pcaR"][k]
             for g in multi for k in fw.children[g]]
    assert max(diffs) > 0.01  # the choice is visible in the weights
    assert kaiser.log[-1]["params"]["kaiser"] is True and raw.log[-1]["params"]["kaiser"] is False
