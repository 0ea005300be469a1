"""COINr's ASEM pipeline, step by step and both variants, within 1e-6 (shared/testvectors)."""

from __future__ import annotations

import pytest

from innodrive.assessment import Aggregate, Coin, Normalise
from innodrive.assessment.examples import example_data, example_framework

from .conftest import assert_frame_close, expected


@pytest.mark.parametrize("dset,file", [
    ("Denominated", "expected_1_Denominated.csv"),
    ("Imputed", "expected_2_Imputed.csv"),
    ("Screened", "expected_2_Imputed.csv"),  # screening at 0.9 after imputation removes nobody
    ("Treated", "expected_3_Treated.csv"),
    ("Normalised", "expected_4_Normalised.csv"),
    ("Aggregated", "expected_5_Aggregated.csv"),
])
def test_every_step_matches_coinr(asem_coin, dset, file):
    exp = expected(file)
    assert sorted(asem_coin.data[dset].index) == sorted(exp.index)
    assert_frame_close(asem_coin.data[dset], exp, rtol=1e-6)


def test_headline_scores(asem_coin):
    agg = asem_coin.data["Aggregated"]
    # the values quoted in anchors-composite-index.md §d1
    assert agg.loc["CHE", "Index"] == pytest.approx(68.3837242383, rel=1e-9)
    assert agg.loc["CHE", "Conn"] == pytest.approx(62.7879617181, rel=1e-9)
    assert agg.loc["CHE", "Sust"] == pytest.approx(73.9794867586, rel=1e-9)
    assert agg.loc["CHN", "Index"] == pytest.approx(37.7685475348, rel=1e-9)


def test_treatment_details_match_coinr(asem_coin):
    det = expected("expected_3_Treat_details.csv")
    rows = {r["indicator"]: r for r in asem_coin.details["Treated"]["treatment"]}
    assert set(rows) == set(det.index)
    for code, r in det.iterrows():
        mine = rows[code]
        assert mine["pass0"] == bool(r["check_SkewKurt0.Pass"]), code
        assert mine["skew0"] == pytest.approx(r["check_SkewKurt0.Skew"], rel=1e-9)
        assert mine["kurt0"] == pytest.approx(r["check_SkewKurt0.Kurt"], rel=1e-9)
        if not r["check_SkewKurt0.Pass"]:
            assert mine["n_winsorised"] == int(r["winsorise.nwin"]), code
            assert mine["pass1"] == bool(r["check_SkewKurt1.Pass"])
            assert mine["skew1"] == pytest.approx(r["check_SkewKurt1.Skew"], rel=1e-9)
            assert mine["kurt1"] == pytest.approx(r["check_SkewKurt1.Kurt"], rel=1e-9)
    assert sum(r["n_winsorised"] > 0 for r in rows.values()) == 15
    assert all(r["transform"] is None for r in rows.values())


def test_variant_raw_minmax_amean_renormalises_missing_weights():
    data = example_data()
    coin = Coin(framework=example_framework(), data=data)
    coin.add(Normalise(dset="Raw")).add(Aggregate())
    assert_frame_close(coin.data["Aggregated"], expected("expected_simple_Raw_minmax_amean.csv"), rtol=1e-6)


def test_variant_minmax_1_100_geometric_via_what_if(asem_coin):
    variant = asem_coin.what_if("normalise", params={"l": 1, "u": 100}).what_if("aggregate", method="geometric")
    assert_frame_close(variant.data["Aggregated"], expected("expected_variant_minmax1to100_gmean.csv"), rtol=1e-6)
    # the original coin is untouched by the what-if
    assert_frame_close(asem_coin.data["Aggregated"], expected("expected_5_Aggregated.csv"), rtol=1e-6)
