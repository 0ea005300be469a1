"""Every band edge of the spec's tables, hit exactly and just missed, through all three
evaluators. Expected points are copied from research/enterprise-rules.md (§1.4, §2.1,
§2.3 D, §4.1, §4.2, §5.2); inputs are chosen so the ratio equals the edge exactly
(e.g. 30 / 100 = 30%)."""

from __future__ import annotations

import datetime as dt

import pytest

from .ent_helpers import evaluate_all, score

ON = dt.date(2024, 6, 30)
BELOW = 1e-6  # a hair under the edge


def _scores(programme, records, sid):
    return [score(v, sid)[0] for v in evaluate_all(records, programme, ON)]


# (edge ratio, points at the edge, points just below) — spec §1.4 S1
S1 = [(0.30, 20, 16), (0.25, 16, 12), (0.20, 12, 8), (0.15, 8, 4), (0.10, 4, 0)]
# §1.4 S2: R&D / sales revenue and R&D / cost-expense total
S2A = [(0.06, 50, 40), (0.05, 40, 30), (0.04, 30, 20), (0.03, 20, 10), (0.02, 10, 0)]
S2B = [(0.30, 50, 40), (0.25, 40, 30), (0.20, 30, 20), (0.15, 20, 10), (0.10, 10, 0)]


@pytest.mark.parametrize(("edge", "at", "below"), S1)
def test_tech_sme_staff_bands(edge, at, below):
    recs = [dict(employees_total=100, tech_staff=100 * edge), dict(employees_total=100, tech_staff=100 * edge - BELOW)]
    assert _scores("tech_sme", recs, "S1") == [at, below]


@pytest.mark.parametrize(("edge", "at", "below"), S2A)
def test_tech_sme_rd_revenue_bands(edge, at, below):
    recs = [dict(revenue_y1=1000, rd_expense_y1=1000 * edge), dict(revenue_y1=1000, rd_expense_y1=1000 * edge - BELOW)]
    assert _scores("tech_sme", recs, "S2a") == [at, below]


@pytest.mark.parametrize(("edge", "at", "below"), S2B)
def test_tech_sme_rd_cost_bands(edge, at, below):
    recs = [dict(cost_expense_total_y1=1000, rd_expense_y1=1000 * edge),
            dict(cost_expense_total_y1=1000, rd_expense_y1=1000 * edge - BELOW)]
    assert _scores("tech_sme", recs, "S2b") == [at, below]


def test_tech_sme_ip_table():
    # ≥1 Class I → 30; Class II 4+ → 24, 3 → 18, 2 → 12, 1 → 6, none → 0
    recs = [dict(ip_class1_count=1, ip_class2_count=0)] + [dict(ip_class1_count=0, ip_class2_count=k) for k in (5, 4, 3, 2, 1, 0)]
    assert _scores("tech_sme", recs, "S3") == [30, 24, 24, 18, 12, 6, 0]


def test_hnte_rd_threshold_bands():
    # latest-year revenue ≤ 5000 → 5%; (5000, 20000] → 4%; > 20000 → 3%
    vs = evaluate_all([dict(revenue_y1=r) for r in (5000, 5000.01, 20000, 20000.01)], "hnte", ON)
    assert [next(x.value for x in v.values if x.name == "rd_threshold") for v in vs] == [0.05, 0.04, 0.04, 0.03]


# §2.3 D: growth ≥35% → 9–10, ≥25% → 7–8, ≥15% → 5–6, ≥5% → 3–4, >0 → 1–2, ≤0 → 0
D_BANDS = [(0.35, (9, 10)), (0.25, (7, 8)), (0.15, (5, 6)), (0.05, (3, 4))]


@pytest.mark.parametrize(("edge", "band"), D_BANDS)
def test_hnte_growth_bands(edge, band):
    # revenue 1000 / 1000 / 1000·(1+2g): 0.5 × (1 + (1+2g)) − 1 = g
    def rec(g):
        return dict(revenue_y3=1000, revenue_y2=1000, revenue_y1=1000 * (1 + 2 * g))
    vs = evaluate_all([rec(edge), rec(edge - BELOW)], "hnte", ON)
    assert score(vs[0], "D2") == band
    assert score(vs[1], "D2")[1] == band[0] - 1


def test_hnte_growth_zero_scores_nothing_and_above_zero_scores_one_to_two():
    vs = evaluate_all([dict(revenue_y3=1000, revenue_y2=1000, revenue_y1=1000),
                       dict(revenue_y3=1000, revenue_y2=1000, revenue_y1=1000.02)], "hnte", ON)
    assert score(vs[0], "D2") == (0, 0) and score(vs[1], "D2") == (1, 2)


def _miit(share=None, debt=None, main_share=None, growth=None):
    rec = dict(revenue_y1=1000)
    if share is not None:
        rec["rd_expense_y1"] = 1000 * share
    if debt is not None:
        rec.update(total_assets_y1=1000, total_liabilities_y1=1000 * debt)
    if main_share is not None:
        rec["main_revenue_y1"] = 1000 * main_share
    if growth is not None:
        rec.update(main_revenue_y2=1000, main_revenue_y1=1000 * (1 + growth))
    return rec


def test_innovative_sme_bands_read_lower_inclusive():
    # §4.1 (corrected): R&D as a share of operating revenue only — ≥5% → 20, [3,5) → 15,
    # [2,3) → 10, [1,2) → 5, <1% → 0; each edge hit exactly and just missed
    shares = (0.05, 0.05 - BELOW, 0.03, 0.03 - BELOW, 0.02, 0.02 - BELOW, 0.01, 0.01 - BELOW, 0.0)
    assert _scores("innovative_sme", [_miit(share=s) for s in shares], "I2") == [20, 15, 15, 10, 10, 5, 5, 0, 0]
    # no amount route: 600万 at 0.6% of revenue scores 0 (the old amount band gave 20)
    assert _scores("innovative_sme", [dict(revenue_y1=100000, rd_expense_y1=600)], "I2") == [0]
    # debt ratio <55% → 10, [55,75) → 5, ≥75% → 0
    assert _scores("innovative_sme", [_miit(debt=d) for d in (0.55 - BELOW, 0.55, 0.75 - BELOW, 0.75)], "G2") == [10, 5, 5, 0]
    # main-business share ≥70 → 20, [60,70) → 15, [55,60) → 10, [50,55) → 5, <50 → 0
    recs = [_miit(main_share=m) for m in (0.70, 0.60, 0.55, 0.50, 0.50 - BELOW)]
    assert _scores("innovative_sme", recs, "P2") == [20, 15, 10, 5, 0]
    # growth ≥15% → 20, [10,15) → 15, [5,10) → 10, [0,5) → 5, <0 → 0
    recs = [_miit(growth=g) for g in (0.15, 0.10, 0.05, 0.0, -BELOW)]
    assert _scores("innovative_sme", recs, "G1") == [20, 15, 10, 5, 0]


def test_innovative_sme_edge_hits_are_flagged():
    v = evaluate_all([_miit(debt=0.55)], "innovative_sme", ON)[0]
    assert any("资产负债率" in f and "边界" in f for f in v.flags)


def test_srdi_bands():
    # §4.2 debt <50 → 5, [50,60) → 3, [60,70) → 1, ≥70 → 0; net margin ≥10 → 10 … [2,4) → 2, <2 → 0
    recs = [_miit(debt=d) for d in (0.50 - BELOW, 0.50, 0.60, 0.70)]
    assert _scores("srdi_sme", recs, "F4") == [5, 3, 1, 0]
    recs = [dict(revenue_y1=1000, net_profit_y1=1000 * m) for m in (0.10, 0.08, 0.06, 0.04, 0.02, 0.02 - BELOW)]
    assert _scores("srdi_sme", recs, "F3") == [10, 8, 6, 4, 2, 0]
    # years in niche: one point per full two years, at most 5
    recs = [dict(niche_years=y) for y in (1, 2, 3, 4, 9, 10, 12)]
    assert _scores("srdi_sme", recs, "Z3s") == [0, 1, 1, 2, 4, 5, 5]


def test_gazelle_growth_bands_by_revenue():
    # sc-filing-new: [2000万, 2亿) → 20%, [2亿, 10亿) → 15%, ≥ 10亿 → 10%; below 2000万 not eligible
    vs = evaluate_all([dict(revenue_y1=r) for r in (1999.99, 2000, 20000, 100000)], "gazelle", ON)
    req = [next(x.value for x in v.values if x.name == "cagr_required") for v in vs]
    assert req == [-1, 0.20, 0.15, 0.10]
