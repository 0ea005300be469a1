"""Uncertainty and sensitivity: the estimator vector, Sobol sampling, vectorised model."""

from __future__ import annotations

import numpy as np
import pytest

from innodrive.assessment import sensitivity as SA
from innodrive.errors import InputError


def test_estimator_matches_coinr_vector(small):
    si, st, v = SA.sobol_indices(small["SA_estimate_yy"], n=small["SA_estimate_N"], d=small["SA_estimate_d"])
    assert v == pytest.approx(small["SA_variance"], rel=1e-9)
    np.testing.assert_allclose(si, small["SA_Si"], rtol=1e-9)
    np.testing.assert_allclose(st, small["SA_STi"], rtol=1e-9)


def test_sobol_sample_is_quasi_random():
    u = SA.sobol_sample(256, 3, seed=1)
    assert u.shape == (256, 3) and (u >= 0).all() and (u < 1).all()
    # a Sobol net of 256 points puts exactly 16 points in each of 16 equal strata per dimension
    counts = np.stack([np.bincount((u[:, j] * 16).astype(int), minlength=16) for j in range(3)])
    assert (counts == 16).all()


def test_zero_noise_model_reproduces_nominal(asem_coin):
    m = SA.Model(asem_coin, [{"kind": "weights", "noise": 0.0}])
    scores = m.evaluate(SA.sobol_sample(8, m.dims))
    nominal = asem_coin.data["Aggregated"]["Index"].reindex(m.units).to_numpy()
    np.testing.assert_allclose(scores, np.broadcast_to(nominal, scores.shape), rtol=1e-12)


def test_vectorised_replication_equals_a_full_regeneration(asem_coin):
    # one replication with perturbed weights and the geometric option, computed two ways
    factors = [{"kind": "weights", "noise": 0.3, "level": 1},
               {"kind": "aggregate", "options": [{"method": "arithmetic"},
                                                 {"method": "geometric", "params": {"zero_policy": "offset"}}]}]
    m = SA.Model(asem_coin, factors)
    u = SA.sobol_sample(4, m.dims, seed=3)
    scores = m.evaluate(u)
    mult, _, a_idx = m._decode(u)
    from innodrive.assessment import Aggregate, Weight
    from innodrive.assessment.examples import build_example_coin

    for r in range(4):
        coin = build_example_coin(up_to="Normalised")
        w = {c: asem_coin.weights["Original"][c] * k for c, k in zip(m.nodes, mult[r], strict=True)
             if c in asem_coin.framework.indicators}
        coin.add(Weight(method="manual", level=1, weights=w, write_to="Noisy"))
        opt = m.agg_options[a_idx[r]]
        coin.add(Aggregate(weights="Noisy", method=opt["method"], params=opt.get("params") or {}))
        np.testing.assert_allclose(scores[r], coin.data["Aggregated"]["Index"].reindex(m.units), rtol=1e-12)


def test_uncertainty_ranks_and_choice_balance(asem_coin):
    res = SA.uncertainty(asem_coin, n=512, seed=7)
    t = res.table
    assert res.ranks.shape == (512, 51)
    assert ((t["rank_p05"] <= t["median_rank"]) & (t["median_rank"] <= t["rank_p95"])).all()
    assert t.loc["CHE", "nominal_rank"] == 1
    m = SA.Model(asem_coin, res.factors)
    _, _, a_idx = m._decode(SA.sobol_sample(512, m.dims, seed=7))
    assert 0.4 < a_idx.mean() < 0.6  # both aggregation options are used about equally


def test_sensitivity_finds_the_influential_factor(asem_coin):
    factors = [{"kind": "weights", "noise": 0.05, "level": 1},
               {"kind": "aggregate", "options": [{"method": "arithmetic"},
                                                 {"method": "geometric", "params": {"zero_policy": "offset"}}]}]
    res = SA.sensitivity(asem_coin, n=128, factors=factors, seed=2)
    assert res.runs == 128 * 4
    si = dict(zip(res.indices["factor"], res.indices["STi"], strict=True))
    # switching the aggregation formula moves ranks far more than ±5 % weight noise
    assert si["合成方法"] > 5 * si["第1层权重"]


def test_bad_factor_is_rejected(asem_coin):
    with pytest.raises(InputError, match="未知的不确定因素类型"):
        SA.uncertainty(asem_coin, n=10, factors=[{"kind": "colour"}])
    with pytest.raises(InputError, match="zero_policy"):
        SA.uncertainty(asem_coin, n=64, factors=[{"kind": "aggregate", "options": [{"method": "geometric"}]}])


def test_oversized_design_is_refused_not_attempted(asem_coin, monkeypatch):
    monkeypatch.setattr(SA, "MAX_CELLS", 51 * 100)
    with pytest.raises(InputError, match="抽样规模过大"):
        SA.uncertainty(asem_coin, n=101)
