"""The coin: estimator contract, exact regeneration, what-if, compare, honest limits."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from innodrive.assessment import Aggregate, Coin, Custom, Normalise, Treat, Weight, compare, replay
from innodrive.assessment.examples import build_example_coin, example_data, example_framework
from innodrive.assessment.steps import STEPS, make_step
from innodrive.errors import InputError


@pytest.mark.parametrize("kind", sorted(STEPS))
def test_steps_follow_the_estimator_contract(kind):
    cls = STEPS[kind]
    step = cls()
    params = step.get_params()
    # __init__ only stores parameters: get_params returns every keyword, defaults included
    assert set(params) == set(cls._param_names())
    json.dumps(params)  # JSON-serialisable
    if kind != "custom":
        clone = make_step(kind, params)
        assert clone.get_params() == params
        key = next(iter(params))
        clone.set_params(**{key: "X"})
        assert clone.get_params()[key] == "X" and step.get_params()[key] != "X"
    with pytest.raises(InputError):
        step.set_params(no_such_parameter=1)


def test_construction_does_not_validate_apply_does():
    step = Normalise(method="no_such_method")  # sklearn: validation at fit time
    coin = build_example_coin(up_to="Treated")
    with pytest.raises(InputError, match="未知的标准化方法"):
        coin.add(step)


def test_log_holds_full_parameters_and_is_json(asem_coin):
    log = json.loads(asem_coin.log_json())
    assert [e["step"] for e in log["steps"]] == ["denominate", "impute", "screen", "treat", "normalise", "aggregate"]
    treat = log["steps"][3]["params"]
    assert treat == {"dset": "Screened", "write_to": "Treated", "winmax": 5, "skew_thresh": 2.0,
                     "kurt_thresh": 3.5, "fallback": "log_CT", "exclude": None}


def test_unedited_regeneration_is_identical(asem_coin):
    again = asem_coin.regenerate()
    assert list(again.data) == list(asem_coin.data)
    for name, df in asem_coin.data.items():
        pd.testing.assert_frame_equal(again.data[name], df, check_exact=True)
    assert again.log == asem_coin.log
    part = asem_coin.regenerate(from_step="treat")
    for name, df in asem_coin.data.items():
        pd.testing.assert_frame_equal(part.data[name], df, check_exact=True)


def test_replay_from_stored_log(asem_coin):
    stored = json.loads(asem_coin.log_json())["steps"]
    data = example_data()
    coin = replay(framework=example_framework(), data=data, log=stored,
                  units=data[["uName", "EurAsia_group"]], denominators=data[["Area", "Energy", "GDP", "Population"]])
    pd.testing.assert_frame_equal(coin.data["Aggregated"], asem_coin.data["Aggregated"], check_exact=True)


def test_what_if_and_compare(asem_coin):
    variant = asem_coin.what_if("treat", winmax=0, fallback=None)  # no treatment at all
    assert variant.log[3]["params"]["winmax"] == 0 and asem_coin.log[3]["params"]["winmax"] == 5
    diff = compare(asem_coin, variant)
    assert set(diff.columns) >= {"score_a", "score_b", "rank_a", "rank_b", "score_diff", "rank_diff"}
    # hand check for one unit: the difference is exactly the difference of the two coins
    che = diff.loc["CHE"]
    assert che["score_diff"] == variant.data["Aggregated"].loc["CHE", "Index"] - asem_coin.data["Aggregated"].loc[
        "CHE", "Index"]
    assert (diff["score_diff"].abs() > 0).any()
    same = compare(asem_coin, asem_coin.regenerate())
    assert (same["score_diff"] == 0).all() and (same["rank_diff"] == 0).all()


def test_unreplayable_step_stops_regeneration_with_reason():
    coin = build_example_coin(up_to="Raw")
    coin.add(Custom(dset="Raw", write_to="Scaled", func=lambda df: df * 2))
    coin.add(Normalise(dset="Scaled")).add(Aggregate())
    assert coin.log[0]["can_regen"] is False
    with pytest.raises(InputError, match="无法重放：自定义函数"):
        coin.regenerate()
    # from a later step the custom output is carried over and replay works
    again = coin.regenerate(from_step="normalise")
    pd.testing.assert_frame_equal(again.data["Aggregated"], coin.data["Aggregated"], check_exact=True)


def test_weight_step_entropy_requires_named_variant_and_logs_it(asem_coin):
    coin = asem_coin.copy()
    with pytest.raises(InputError, match="变体"):
        coin.add(Weight(method="entropy"))
    coin.add(Weight(method="entropy", variant="A", dset="Normalised", write_to="Entropy"))
    assert coin.log[-1]["params"]["variant"] == "A"
    w = coin.weights["Entropy"]
    fw = coin.framework
    for parent in {fw.by_code[c].parent for c in fw.indicators}:
        kids = fw.children[parent]
        assert sum(w[k] for k in kids) == pytest.approx(1.0)
    coin.add(Aggregate(weights="Entropy", write_to="AggEntropy"))
    assert not np.allclose(coin.data["AggEntropy"]["Index"], coin.data["Aggregated"]["Index"])


def test_ahp_weight_step_rejects_inconsistent_matrix():
    fw = _small_framework()
    coin = Coin(framework=fw, data=_small_data())
    bad = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(InputError, match="一致性比率"):
        coin.add(Weight(method="ahp", matrices={"idx": bad}))
    good = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    coin.add(Weight(method="ahp", matrices={"idx": good}, write_to="AHP"))
    assert coin.weights["AHP"]["a"] == pytest.approx(0.6369855717, rel=1e-9)
    assert coin.details["weights:AHP"]["groups"]["idx"]["CR"] == pytest.approx(0.033199216, rel=1e-8)


def test_geometric_zero_error_names_unit_and_indicator():
    coin = Coin(framework=_small_framework(), data=_small_data())
    coin.add(Normalise(dset="Raw"))
    with pytest.raises(InputError, match="单位“u1”的“a”为 0") as e:
        coin.add(Aggregate(method="geometric"))
    assert e.value.field == "zero_policy"
    coin.add(Aggregate(method="geometric", params={"zero_policy": "offset", "offset": 1.0}))
    assert not coin.data["Aggregated"]["idx"].isna().any()


def test_unit_type_weights_on_one_scale():
    fw = _small_framework(types=True)
    data = _small_data()
    units = pd.DataFrame({"类型": ["主城区", "县域", "县域"]}, index=data.index)
    coin = Coin(framework=fw, data=data, units=units)
    coin.add(Normalise(dset="Raw")).add(Aggregate())
    n = coin.data["Normalised"]
    agg = coin.data["Aggregated"]["idx"]
    # 主城区 uses weights (1, 1, 1); 县域 uses (1, 3, 1); each renormalised within the group
    assert agg["u1"] == pytest.approx((n.loc["u1", "a"] + n.loc["u1", "b"] + n.loc["u1", "c"]) / 3)
    assert agg["u2"] == pytest.approx((n.loc["u2", "a"] + 3 * n.loc["u2", "b"] + n.loc["u2", "c"]) / 5)
    assert agg.max() <= 100 and agg.min() >= 0


def test_topsis_step_uses_effective_weights():
    coin = Coin(framework=_small_framework(), data=_small_data())
    coin.add(make_step("topsis", {"dset": "Raw"}))
    from innodrive.assessment.kernels.topsis import topsis

    x = _small_data().to_numpy()
    exp = topsis(x, weights=[1 / 3] * 3, benefit=[True, True, False]).closeness
    np.testing.assert_allclose(coin.data["TOPSIS"]["closeness"].to_numpy(), exp, rtol=1e-12)


def test_treat_log_gii_fallback_transforms():
    # skew 3.03, kurtosis 9.1: fails the gate, and still fails after one winsorised point
    a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 1000, 2000.0]
    data = pd.DataFrame({"a": a, "b": range(16), "c": range(16)}, index=[f"u{i}" for i in range(16)], dtype=float)
    coin = Coin(framework=_small_framework(), data=data)
    coin.add(Treat(dset="Raw", winmax=1, fallback="log_GII"))
    row = next(r for r in coin.details["Treated"]["treatment"] if r["indicator"] == "a")
    assert row["transform"] == "log_GII"
    x = data["a"].to_numpy()
    np.testing.assert_allclose(coin.data["Treated"]["a"], np.log((x.max() - 1) * (x - 1) / (x.max() - 1) + 1))


def _small_framework(types: bool = False):
    from innodrive.assessment.framework import parse_framework

    raw = {"id": "t", "name": "测试", "version": "1", "effective": "2024-01-01",
           "indicators": [{"code": "a", "parent": "idx"}, {"code": "b", "parent": "idx"},
                          {"code": "c", "parent": "idx", "direction": -1}],
           "aggregates": [{"code": "idx", "name": "总指数"}]}
    if types:
        raw["unit_types"] = ["主城区", "县域"]
        raw["indicators"][1]["weights_by_type"] = {"县域": 3}
    return parse_framework(raw)


def _small_data():
    return pd.DataFrame({"a": [0.0, 5.0, 10.0], "b": [3.0, 1.0, 2.0], "c": [7.0, 9.0, 8.0]},
                        index=["u1", "u2", "u3"])


def test_unknown_names_in_step_parameters_are_input_errors():
    coin = build_example_coin(up_to="Imputed")
    from innodrive.assessment import Screen

    with pytest.raises(InputError, match="单位不存在：XXX"):
        coin.copy().add(Screen(force_include=["XXX"]))
    with pytest.raises(InputError, match="exclude 中的指标不存在"):
        coin.copy().add(Treat(dset="Imputed", exclude=["nope"]))
    with pytest.raises(InputError, match="未知指标：nope"):
        coin.copy().add(Normalise(dset="Imputed", per_indicator={"nope": {"method": "rank"}}))


def test_log_shows_kernel_defaults_such_as_the_zero_policy(asem_coin):
    variant = asem_coin.what_if("normalise", params={"l": 1, "u": 100}).what_if("aggregate", method="geometric")
    entry = json.loads(variant.log_json())["steps"][-1]
    assert entry["kernel"]["*"] == {"method": "geometric",
                                    "params": {"zero_policy": "error", "offset": 1.0, "dat_thresh": None}}
    assert json.loads(variant.log_json())["steps"][-2]["kernel"] == {"minmax": {"l": 1, "u": 100}}


def test_nested_get_set_params(asem_coin):
    params = asem_coin.get_params()
    assert params["Normalised__method"] == "minmax" and params["Treated__winmax"] == 5
    variant = asem_coin.copy().set_params(Aggregated__method="geometric",
                                          Normalised__params={"l": 1, "u": 100}).regenerate()
    from .conftest import assert_frame_close, expected

    assert_frame_close(variant.data["Aggregated"], expected("expected_variant_minmax1to100_gmean.csv"), rtol=1e-6)
    with pytest.raises(InputError, match="无法识别的参数"):
        asem_coin.copy().set_params(Nope__x=1)
    with pytest.raises(InputError, match="没有参数"):
        asem_coin.copy().set_params(Treated__colour=1)


@pytest.mark.parametrize("method,kw", [("pca", {}), ("critic", {}), ("entropy", {"variant": "D"})])
def test_data_driven_weights_on_asem_are_valid_weights(asem_coin, method, kw):
    coin = asem_coin.copy().add(Weight(method=method, write_to=method, **kw))
    fw = coin.framework
    w = coin.weights[method]
    for parent in fw.aggregation_order:
        kids = [k for k in fw.children[parent] if fw.levels[k] == 1]
        if kids:
            assert all(w[k] >= 0 for k in kids)
            assert sum(w[k] for k in kids) == pytest.approx(1.0)
    again = coin.regenerate()
    assert again.weights[method] == w  # the weight step replays exactly
