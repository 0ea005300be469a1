"""Pre-publication checks (correlations, flags, Cronbach's alpha, availability, effective influence,
balanced weights, drop-one impact) and the chart models and images built from them."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from innodrive.assessment import Coin
from innodrive.assessment import charts as G
from innodrive.assessment import checks as C
from innodrive.assessment.framework import parse_framework

FW = parse_framework({
    "id": "c", "name": "检查", "version": "1", "effective": "2024-01-01",
    "method": [{"step": "normalise", "dset": "Raw", "method": "minmax"}, {"step": "aggregate"}],
    "aggregates": [{"code": "idx", "name": "指数"}, {"code": "g1", "name": "投入", "parent": "idx"},
                   {"code": "g2", "name": "产出", "parent": "idx", "weight": 3}],
    "indicators": [{"code": "a", "name": "甲", "parent": "g1"}, {"code": "b", "name": "乙", "parent": "g1"},
                   {"code": "c", "name": "丙", "parent": "g1"}, {"code": "d", "name": "丁", "parent": "g2"},
                   {"code": "e", "name": "戊", "parent": "g2"}]})


@pytest.fixture(scope="module")
def coin():
    rng = np.random.default_rng(3)
    n = 21
    a = rng.normal(size=n)
    data = pd.DataFrame({"a": a, "b": a + 0.05 * rng.normal(size=n), "c": -a + 0.3 * rng.normal(size=n),
                         "d": rng.normal(size=n), "e": rng.normal(size=n)}, index=[f"市{i:02d}" for i in range(n)])
    data.iloc[0, 3] = np.nan
    return Coin(framework=FW, data=data).run(FW.method)


def test_correlation_flags(coin):
    corr = C.correlations(coin)
    flags = {(p.a, p.b): p.flag for p in corr.flags}
    assert flags[("a", "b")] == "near_duplicate" and flags[("a", "c")] == "negative"
    norm = coin.data["Normalised"]
    r_ab = norm[["a", "b"]].corr().iloc[0, 1]
    assert corr.matrix[0][1] == pytest.approx(r_ab)
    assert {x.code for x in corr.cross} == set(FW.indicators)


def test_cronbach_alpha_by_hand(coin):
    alpha = {a.group: a for a in C.cronbach(coin)}
    x = coin.data["Normalised"][["d", "e"]].dropna().to_numpy()
    k = 2
    hand = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    assert alpha["g2"].alpha == pytest.approx(hand) and alpha["g2"].n == 20


def test_availability_and_influence(coin):
    av = {a.unit: a for a in C.availability(coin)}
    assert av["市00"].available == 4 and av["市00"].missing == ["丁"] and av["市01"].share == 1
    inf = {i.code: i for i in C.influence(coin)}
    assert sum(i.influence for i in inf.values()) == pytest.approx(1.0)
    assert inf["d"].nominal == pytest.approx(0.75 / 2) and inf["a"].nominal == pytest.approx(0.25 / 3)
    idx = coin.data["Aggregated"]["idx"]
    r = coin.data["Normalised"]["e"].corr(idx)
    tot = sum(coin.data["Normalised"][c].corr(idx) ** 2 for c in FW.indicators)
    assert inf["e"].influence == pytest.approx(r * r / tot)


def test_balanced_weights_bring_influence_closer_to_intent(coin):
    res = C.balance_weights(coin, max_iter=400)
    assert res["objective_after"] < res["objective_before"]
    for g in ("g1", "g2"):
        assert sum(res["weights"][c] for c in FW.children[g]) == pytest.approx(1.0)


def test_drop_one_matches_a_hand_reaggregation(coin):
    drops = {d.dropped: d for d in C.drop_one(coin)}
    assert set(drops) >= {"a", "e", "g1"}
    norm = coin.data["Normalised"]
    g1 = norm[["a", "b", "c"]].mean(axis=1)
    g2_without_e = norm["d"].fillna(np.nan)
    idx = (g1 * 1 + g2_without_e * 3) / 4
    idx = idx.where(g2_without_e.notna(), g1)  # 市00 has no d: its 产出 group is empty without e
    base = coin.data["Aggregated"]["idx"]
    ranks0, ranks1 = base.rank(ascending=False, method="min"), idx.rank(ascending=False, method="min")
    assert drops["e"].mean_abs_rank_change == pytest.approx((ranks1 - ranks0).abs().mean())
    assert drops["e"].mean_abs_score_change == pytest.approx((idx - base).abs().mean())


def test_run_checks_warns_in_chinese(coin):
    r = C.run_checks(coin)
    text = "；".join(r.warnings)
    assert "负相关" in text and "高度相关" in text and "21 个单位" in text


def test_chart_models_and_png_images(coin):
    ua = __import__("innodrive.assessment.sensitivity", fromlist=["uncertainty"]).uncertainty(coin, n=32)
    charts = [G.bar_chart(coin, reference=60), G.dot_chart(coin, "市03"), G.scatter_chart(coin, "a", "idx"),
              G.heatmap_chart(C.correlations(coin), FW), G.interval_chart(ua)]
    bar = charts[0]
    assert bar.values == sorted(bar.values, reverse=True) and bar.reference_label == "达标线 60"
    assert charts[2].r == pytest.approx(coin.data["Normalised"]["a"].corr(coin.data["Aggregated"]["idx"]))
    assert len(charts[4].units) == 21
    if G.cjk_font() is None:
        pytest.skip("no CJK font installed (Debian fonts-noto-cjk)")
    for ch in charts:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png = G.render_png(ch)
        assert png.startswith(b"\x89PNG") and len(png) > 5000
        assert not [w for w in caught if "Glyph" in str(w.message)], ch.kind  # Chinese labels really drawn
