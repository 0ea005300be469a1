"""Kernels against COINr's small vectors (1e-9) and the MCDA cases (AHP, entropy, TOPSIS)."""

from __future__ import annotations

import numpy as np
import pytest

from innodrive.assessment.kernels import aggregate as A
from innodrive.assessment.kernels import impute as I
from innodrive.assessment.kernels import normalise as N
from innodrive.assessment.kernels import topsis as T
from innodrive.assessment.kernels import treat as TR
from innodrive.assessment.kernels import weights as W

RTOL = 1e-9


def col(v):
    return np.array(v, dtype=float)[:, None]


def close(a, b):
    np.testing.assert_allclose(np.ravel(a), np.ravel(np.array(b, dtype=float)), rtol=RTOL, atol=1e-10)


def test_normalisations(small):
    x = col(small["x"])
    close(N.minmax(x), small["n_minmax_0_100"])
    close(N.minmax(x, l=1, u=100), small["n_minmax_1_100"])
    close(N.zscore(x), small["n_zscore"])
    close(N.zscore(x, m=100, sd=10), small["n_zscore_m100_sd10"])
    close(N.scaled(x, a=0, b=20, f=100), small["n_scaled_npara_0_20"])
    close(N.dist2max(x), small["n_dist2max"])
    close(N.dist2ref(x, iref=2), small["n_dist2ref_iref3"])  # COINr's iref is 1-based
    close(N.dist2ref(x, iref=2, cap_max=True), small["n_dist2ref_iref3_cap"])
    close(N.dist2targ(x, target=20), small["n_dist2targ_targ20_cap"])
    close(N.fracmax(x), small["n_fracmax"])
    close(N.goalposts(x, lower=0, upper=20), small["n_goalposts_0_20_x100"])
    close(N.minmax(N.apply_direction(x, [-1])), small["minmax_direction_minus1"])
    r = col(small["rank_input"])
    close(N.rank(r), small["n_rank_min_ties"])
    close(N.prank(r), small["n_prank"])
    close(N.borda(r), small["n_borda"])


def test_standard_value_method_hand_checked():
    # anchors §d5: R&D 2.1 vs 2.5 → 84; patents 6 vs 8 → 75; contracts 250 vs 200 → capped 100
    x = np.array([[2.1, 6.0, 250.0]])
    d = N.standard_value(x, standard=[2.5, 8.0, 200.0])
    close(d, [2.1 / 2.5 * 100, 6 / 8 * 100, 100.0])
    close(A.arithmetic(d, np.array([0.4, 0.3, 0.3])), [0.4 * 84 + 0.3 * 75 + 0.3 * 100])  # = 86.1
    # equals goalposts with L = 0, U = standard for x ≥ 0
    close(d, N.goalposts(x, lower=0, upper=[2.5, 8.0, 200.0]))
    # negative indicator: x_std / x, capped
    close(N.standard_value(np.array([[0.5], [0.25]]), standard=[0.4], direction=[-1]), [80.0, 100.0])


def test_normalisers_keep_unknown_unknown():
    x = np.array([[1.0], [np.nan], [3.0]])
    for name, nz in N.NORMALISERS.items():
        kw = {"standard_value": {"standard": [2.0]}, "goalposts": {"lower": [0.0], "upper": [4.0]},
              "dist2targ": {"target": [2.0]}, "dist2ref": {"iref": 2}}.get(name, {})
        y = nz.func(x, **kw) if not nz.absolute else nz.func(x, direction=[1.0], **kw)
        assert np.isnan(y[1, 0]), name
        assert not np.isnan(y[0, 0]), name


def test_skew_kurtosis_winsorise_logs(small):
    x = np.array(small["x"], dtype=float)
    assert TR.skew(x) == pytest.approx(small["skew_x"], rel=RTOL)
    assert TR.kurt(x) == pytest.approx(small["kurt_x"], rel=RTOL)
    y = np.array(small["y"], dtype=float)
    assert TR.skew(y) == pytest.approx(small["skew_y"], rel=RTOL)
    assert TR.kurt(y) == pytest.approx(small["kurt_y"], rel=RTOL)
    sk, ku = TR.skew_kurt_columns(np.column_stack([x[:5], y[:5]]))
    assert sk[0] == pytest.approx(small["skew_x"], rel=RTOL)
    w, changed, ok, *_ = TR.winsorise(y)
    close(w, small["winsorise_y_winmax5"])
    assert changed == [10] and ok
    close(TR.log_ct(y), small["log_CT_y"])


def test_log_gii_is_transformed_unlike_coinr(small):
    y = np.array(small["y"], dtype=float)
    # COINr returns the input unchanged (its bug); we return ln((max−1)(x−min)/(max−min)+1)
    assert np.array_equal(np.array(small["log_GII_y_as_returned_BUG_untransformed"], dtype=float), y)
    g = TR.log_gii(y)
    assert not np.allclose(g, y)
    mn, mx = 1.0, 200.0
    close(g, np.log((mx - 1) * (y - mn) / (mx - mn) + 1))
    assert g[0] == 0.0 and g[-1] == pytest.approx(np.log(200.0), rel=RTOL)  # min → ln 1, max → ln(max)
    assert abs(TR.skew(g)) < abs(TR.skew(y))


def test_aggregations(small):
    x = np.array(small["amean_x"], dtype=float)
    w = np.array(small["weights"], dtype=float)
    assert A.arithmetic(x, w) == pytest.approx(small["a_amean"], rel=RTOL)
    assert A.geometric(x, w) == pytest.approx(small["a_gmean"], rel=RTOL)
    assert A.harmonic(x, w) == pytest.approx(small["a_hmean"], rel=RTOL)
    assert A.generalised(x, w, p=2) == pytest.approx(small["a_genmean_p2_x_80_40_20_w_1_2_1"], rel=RTOL)
    assert A.generalised(x, w, p=0.5) == pytest.approx(small["a_genmean_p0.5"], rel=RTOL)
    X = np.array(small["copeland_X_rows"], dtype=float)
    close(A.outranking(X, small["copeland_w"]), small["outrank_matrix"])
    close(A.copeland(X, small["copeland_w"]), small["a_copeland"])


def test_aggregation_threshold_and_broadcast():
    v = np.array([[10.0, np.nan, np.nan], [10.0, 20.0, 30.0]])
    w = np.array([1.0, 1.0, 2.0])
    out = A.arithmetic(v, w, dat_thresh=0.5)
    assert np.isnan(out[0]) and out[1] == pytest.approx((10 + 20 + 60) / 4)
    # a replications axis broadcasts: (R, units, k) with per-replication weights (R, 1, k)
    reps = np.stack([v, v])
    ws = np.array([[[1.0, 1.0, 1.0]], [[0.0, 0.0, 1.0]]])
    out = A.arithmetic(reps, ws)
    assert out[0, 1] == pytest.approx(20.0) and out[1, 1] == pytest.approx(30.0)


def test_geometric_zero_policy_is_explicit():
    v = np.array([[0.0, 50.0], [25.0, 100.0]])
    w = np.array([1.0, 1.0])
    with pytest.raises(A.NonPositiveValues) as e:
        A.geometric(v, w)
    assert e.value.where == (0, 0)
    dropped = A.geometric(v, w, zero_policy="drop")
    assert dropped[0] == pytest.approx(50.0) and dropped[1] == pytest.approx(50.0)
    off = A.geometric(v, w, zero_policy="offset", offset=1.0)
    assert off[0] == pytest.approx(np.sqrt(1.0 * 51.0) - 1.0)
    with pytest.raises(A.NonPositiveValues):
        A.geometric(np.array([[-1.0, 2.0]]), w, zero_policy="offset")


def test_imputation(small):
    close(I.i_mean(col(small["i_mean_in"])), small["i_mean"])
    close(I.i_median(col(small["i_mean_in"])), small["i_median"])
    close(I.i_mean_grp(col(small["i_mean_grp_in"]), groups=np.array(small["i_mean_grp_groups"], dtype=object)),
          small["i_mean_grp"])
    panel = np.array([[[1.0]], [[np.nan]], [[3.0]], [[np.nan]]])
    close(I.panel_latest(panel), [1, 1, 3, 3])
    lin = I.panel_linear(panel, years=np.array([2019, 2020, 2021, 2022]))
    close(lin[:3], [1, 2, 3])
    assert np.isnan(lin[3, 0, 0])  # no extrapolation beyond the last observation


def test_ahp(mcda):
    for key in ("A3", "A5"):
        case = mcda["ahp"][key]
        r = W.ahp(case["matrix"])
        close(r.weights, case["eigvec_weights"])
        assert r.lambda_max == pytest.approx(case["lambda_max"][0], rel=RTOL)
        assert r.ci == pytest.approx(case["CI"][0], rel=1e-8)
        assert r.cr == pytest.approx(case["CR"][0], rel=1e-8)
        assert r.consistent
        close(W.ahp(case["matrix"], method="geomean").weights, case["geomean_weights"])
    with pytest.raises(ValueError):
        W.ahp([[1, 2], [2, 1]])  # not reciprocal


def test_entropy_variants_and_topsis(mcda):
    et = mcda["entropy_topsis"]
    X = np.array(et["X_rows_units_cols_indicators"], dtype=float)
    b = et["benefit"]
    a = et["variant_A_minmax_then_share"]
    close(W.entropy_index(X, variant="A", benefit=b), a["entropy_e"])
    close(W.entropy(X, variant="A", benefit=b), a["weights"])
    close(W.entropy(X, variant="B", benefit=b), et["variant_B_raw_share_as_pymcdm"]["weights"])
    close(W.entropy(X, variant="C", benefit=b), et["variant_C_minmax_plus_1e-4"]["weights"])
    # variant D: vector normalisation (cost: 1 − x/‖x‖); for benefit-only data it equals B
    close(W.entropy(X, variant="D", benefit=[True] * 5), W.entropy(X, variant="B"))
    with pytest.raises(ValueError):
        W.entropy(X, variant="default")
    # score = Σ w·z·100 with variant A weights on min-max data (cost reversed)
    mn, mx = X.min(0), X.max(0)
    z = np.where(b, (X - mn) / (mx - mn), (mx - X) / (mx - mn))
    close(z @ np.array(a["weights"]) * 100, a["score_sum_w_z_x100"])
    tv = et["topsis_vector_norm_variantA_weights"]
    r = T.topsis(X, weights=a["weights"], benefit=b)
    close(r.closeness, tv["closeness"])
    close(r.d_plus, tv["D_plus"])
    close(r.d_minus, tv["D_minus"])
    ranks = (-r.closeness).argsort().argsort() + 1
    assert ranks.tolist() == tv["rank"]
    close(T.topsis(X, weights=np.ones(5), benefit=b).closeness, et["topsis_vector_norm_equal_weights"]["closeness"])


def _orthonormal(n: int, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(n, k))
    m -= m.mean(axis=0)
    q, _ = np.linalg.qr(m)
    return q


def test_pca_handbook_weights_two_independent_blocks():
    # Two pairs of indicators, uncorrelated across pairs: corr within pair r1, r2.
    u = _orthonormal(40, 4, 1)
    r1, r2 = 0.8, 0.6
    X = np.column_stack([u[:, 0], r1 * u[:, 0] + np.sqrt(1 - r1**2) * u[:, 1],
                         u[:, 2], r2 * u[:, 2] + np.sqrt(1 - r2**2) * u[:, 3]])
    res = W.pca_handbook(X)
    assert res.n_factors == 2  # eigenvalues 1 + r1 and 1 + r2 exceed 1
    # Handbook: within a factor the squared loadings are equal (½ each); the factor's
    # weight is its share of explained variance (1 + r)/(2 + r1 + r2).
    f1, f2 = (1 + r1) / (2 + r1 + r2), (1 + r2) / (2 + r1 + r2)
    close(res.weights, [f1 / 2, f1 / 2, f2 / 2, f2 / 2])
    assert (res.weights >= 0).all()
    # invariant to the arbitrary sign of the components: flipping the data changes nothing
    close(W.pca_handbook(-X).weights, res.weights)


def test_coinr_raw_pc1_loadings_can_be_negative_ours_cannot():
    # An indicator negatively correlated with the others gets a negative PC1 loading —
    # COINr would use it as a weight. The Handbook weights stay non-negative.
    u = _orthonormal(30, 3, 2)
    X = np.column_stack([u[:, 0], 0.9 * u[:, 0] + 0.3 * u[:, 1], -0.8 * u[:, 0] + 0.5 * u[:, 2]])
    vals, vecs = np.linalg.eigh(np.corrcoef(X, rowvar=False))
    pc1 = vecs[:, -1]
    assert (pc1 < 0).any() and (pc1 > 0).any()
    w = W.pca_handbook(X).weights
    assert (w > 0).all() and w.sum() == pytest.approx(1.0)


def test_critic_hand_computed():
    X = np.array([[1.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
    z = (X - X.min(0)) / (X.max(0) - X.min(0))
    s = z.std(axis=0, ddof=1)
    r = np.corrcoef(z, rowvar=False)[0, 1]
    c = s * (1 - r)  # Σ_k(1 − r_jk) = (1 − 1) + (1 − r)
    close(W.critic(X), c / c.sum())


def test_copeland_in_blocks_equals_the_full_outranking_matrix(monkeypatch):
    rng = np.random.default_rng(0)
    v = rng.random((3, 40, 5))
    v[0, 3, 2] = np.nan
    w = rng.random(5)
    o = A.outranking(v, w)
    off = ~np.eye(40, dtype=bool)
    full = (np.where(off & (o > 0.5), 1.0, 0.0) - np.where(off & (o < 0.5), 1.0, 0.0)).sum(-1)
    monkeypatch.setattr(A, "COPELAND_BLOCK", 50)  # force many small blocks
    assert np.array_equal(A.copeland(v, w), full)
