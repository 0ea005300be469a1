"""Every constructed example of research/enterprise-rules.md (§1.5, §2.4, §4.4, §5.2),
each evaluated by all three evaluators (explained, NumPy, SQLite) which must agree.

Expected results and intermediate numbers come from the spec; where the spec gives a
percentage, the input amounts are chosen to produce it and the arithmetic is shown.
"""

from __future__ import annotations

import datetime as dt

import pytest

from .ent_helpers import cond, evaluate_all, score, verdict

ON = dt.date(2024, 6, 30)

# --------------------------------------------------------------------------- 科技型中小企业 §1.5

SME_BASE = dict(is_resident_mainland=True, products_not_prohibited=True, clean_record=True)


def t1(**kw):
    rec = dict(SME_BASE, employees_total=120, revenue_y1=15000, total_assets_y1=18000, valid_hnte_cert=True)
    rec.update(kw)
    return rec


def test_T1_direct_confirmation_by_hnte_certificate():
    v = verdict(t1(), "tech_sme", ON)
    assert v.state == "pass"
    assert cond(v, "D1") == "pass" and cond(v, "direct") == "pass"
    # no score data was given: the score route is undecided, and not needed
    assert cond(v, "by_score") == "needs_data"


def test_T2_exactly_60_points_is_enough():
    # 7.5/50 = 15.0% -> S1 = 8; 100/2000 = 5.0% -> 40; 100/1800 = 5.6% -> 0; 2 Class II -> 12
    v = verdict(dict(SME_BASE, employees_total=50, tech_staff=7.5, revenue_y1=2000, total_assets_y1=1500,
                     rd_expense_y1=100, cost_expense_total_y1=1800, ip_class1_count=0, ip_class2_count=2),
                "tech_sme", ON)
    assert score(v, "S1") == (8, 8)
    assert score(v, "S2a") == (40, 40) and score(v, "S2b") == (0, 0) and score(v, "S2") == (40, 40)
    assert score(v, "S3") == (12, 12)
    assert score(v, "total") == (60, 60)
    assert v.state == "pass"
    # 15.0% and 5.0% sit on band edges: flagged for review
    assert any("科技人员指标" in f and "边界" in f for f in v.flags)
    assert any("研发投入指标（按研发费用占销售收入比例）" in f for f in v.flags)


def test_T3_zero_staff_score_fails_whatever_the_total():
    # 9/100 = 9% -> S1 = 0; 200/3000 = 6.7% -> 50; 1 Class I -> 30; total 80
    v = verdict(dict(SME_BASE, employees_total=100, tech_staff=9, revenue_y1=3000, total_assets_y1=2000,
                     rd_expense_y1=200, ip_class1_count=1, ip_class2_count=0), "tech_sme", ON)
    assert score(v, "S1") == (0, 0)
    assert score(v, "total") == (80, 80)
    assert cond(v, "score_total") == "pass"
    assert cond(v, "score_staff") == "fail"
    assert v.state == "fail"


def test_T4_the_higher_of_the_two_rd_ratios_counts():
    # 10/40 = 25% -> 16; 140/4000 = 3.5% -> 20; 140/538 = 26.0% -> 40; 4 Class II -> 24
    v = verdict(dict(SME_BASE, employees_total=40, tech_staff=10, revenue_y1=4000, total_assets_y1=3000,
                     rd_expense_y1=140, cost_expense_total_y1=538, ip_class1_count=0, ip_class2_count=4),
                "tech_sme", ON)
    assert score(v, "S2a") == (20, 20) and score(v, "S2b") == (40, 40)
    assert score(v, "total") == (16 + 40 + 24, 16 + 40 + 24)
    assert v.state == "pass"


def test_T5_501_staff_fails_even_with_hnte_certificate():
    v = verdict(t1(employees_total=501), "tech_sme", ON)
    assert cond(v, "C2a") == "fail" and v.state == "fail"


def test_T6_major_accident_fails_C4():
    v = verdict(t1(clean_record=False), "tech_sme", ON)
    assert cond(v, "C4") == "fail" and v.state == "fail"


def test_T7_caps_are_inclusive_and_flagged():
    v = verdict(t1(revenue_y1=20000, total_assets_y1=20000), "tech_sme", ON)
    assert cond(v, "C2b") == "pass" and cond(v, "C2c") == "pass" and v.state == "pass"
    assert any("年销售收入不超过2亿元" in f for f in v.flags)


def test_clean_record_unknown_needs_manual_review():
    v = verdict(t1(clean_record=None), "tech_sme", ON)
    assert cond(v, "C4") == "manual_review" and v.state == "manual_review"


# --------------------------------------------------------------------------- 高新技术企业 §2.4


def g1(**kw):
    rec = dict(
        registration_date=dt.date(2019, 3, 1), employees_total=80, tech_staff=12,
        revenue_y3=3000, revenue_y2=4000, revenue_y1=4800,
        hnte_rd_y3=180, hnte_rd_y2=220, hnte_rd_y1=260, hnte_rd_domestic_3y=600,
        total_income_y1=4900, high_tech_revenue_y1=3500,
        ip_class1_count=1, ip_class2_count=0, hnte_core_ip_ok=True, hnte_field_ok=True, clean_record=True,
        hnte_a1=6, hnte_a2=6, hnte_a3=7, hnte_a4=5, hnte_a5=0,
        hnte_results_3y=9, hnte_b=15, hnte_c=17,
        # net assets 1000 / 1300 / 1600 = assets - liabilities
        total_assets_y3=2500, total_liabilities_y3=1500, total_assets_y2=2800, total_liabilities_y2=1500,
        total_assets_y1=3100, total_liabilities_y1=1500,
        hnte_d1=7, hnte_d2=7,
    )
    rec.update(kw)
    return rec


def _value(v, name):
    return next(x.value for x in v.values if x.name == name)


def test_G1_seventy_points_is_not_enough():
    v = verdict(g1(), "hnte", ON)
    assert _value(v, "rd_ratio_3y") == pytest.approx(660 / 11800)  # 5.59%
    assert _value(v, "rd_threshold") == 0.05  # latest revenue 4800 <= 5000
    assert _value(v, "domestic_share") == pytest.approx(600 / 660)  # 90.9%
    assert _value(v, "high_tech_share") == pytest.approx(3500 / 4900)  # 71.4%
    # growth: 0.5 * (1300/1000 + 1600/1300) - 1 = 26.5%; 0.5 * (4000/3000 + 4800/4000) - 1 = 26.7%
    assert _value(v, "growth_net_assets") == pytest.approx(0.5 * (1300 / 1000 + 1600 / 1300) - 1)
    assert _value(v, "growth_revenue") == pytest.approx(0.5 * (4000 / 3000 + 4800 / 4000) - 1)
    assert score(v, "A") == (24, 24) and score(v, "B") == (15, 15) and score(v, "D") == (14, 14)
    assert score(v, "total") == (70, 70)
    for cid in ("H1", "H2", "H3", "H4", "H5", "H5b", "H6", "H8"):
        assert cond(v, cid) == "pass", cid
    assert cond(v, "H7") == "fail" and v.state == "fail"


def test_G2_seventy_one_points_pass():
    v = verdict(g1(hnte_b=16), "hnte", ON)
    assert score(v, "total") == (71, 71)
    assert v.state == "pass"


def test_G1_without_expert_growth_scores_is_a_range_needing_review():
    # D1, D2 each 7-8 from the bands: total 70..72 -> neither min >= 71 nor max <= 70
    v = verdict(g1(hnte_d1=None, hnte_d2=None), "hnte", ON)
    assert score(v, "D1") == (7, 8) and score(v, "total") == (70, 72)
    assert cond(v, "H7") == "manual_review" and v.state == "manual_review"


def _h5(revenue_y1, rd_total):
    # three years of revenue 5000 / 5000 / revenue_y1, R&D spread evenly
    return g1(revenue_y3=5000, revenue_y2=5000, revenue_y1=revenue_y1,
              hnte_rd_y3=rd_total / 3, hnte_rd_y2=rd_total / 3, hnte_rd_y1=rd_total / 3,
              hnte_rd_domestic_3y=rd_total)


def test_G3_revenue_exactly_5000_needs_five_percent():
    v = verdict(_h5(5000, 0.048 * 15000), "hnte", ON)  # 720 / 15000 = 4.8%
    assert _value(v, "rd_threshold") == 0.05
    assert cond(v, "H5") == "fail"
    assert any("研发费用比例要求" in f and "边界" in f for f in v.flags)


def test_G4_revenue_just_above_5000_needs_four_percent():
    v = verdict(_h5(5000.01, 0.048 * 15000), "hnte", ON)
    assert _value(v, "rd_threshold") == 0.04
    assert cond(v, "H5") == "pass"


def test_G5_domestic_rd_59_percent_fails():
    v = verdict(g1(hnte_rd_domestic_3y=0.59 * 660), "hnte", ON)
    assert cond(v, "H5b") == "fail" and v.state == "fail"


def test_G6_high_tech_revenue_59_9_percent_fails():
    v = verdict(g1(high_tech_revenue_y1=0.599 * 4900), "hnte", ON)
    assert cond(v, "H6") == "fail" and v.state == "fail"


def test_G7_registered_364_days_before_fails_and_365_passes():
    v = verdict(g1(registration_date=ON - dt.timedelta(days=364)), "hnte", ON)
    assert cond(v, "H1") == "fail"
    v = verdict(g1(registration_date=ON - dt.timedelta(days=365)), "hnte", ON)
    assert cond(v, "H1") == "pass"


def test_G8_G9_G10_growth_edge_cases():
    # G8: net assets 0 / 500 / 650 -> last two years only: 650/500 - 1 = 30% -> band >= 25% -> 7-8
    g8 = g1(total_assets_y3=100, total_liabilities_y3=100, total_assets_y2=600, total_liabilities_y2=100,
            total_assets_y1=750, total_liabilities_y1=100, hnte_d1=None)
    # G9: net assets 400 / 0 / 500 -> second year 0 -> 0 points
    g9 = g1(total_assets_y3=500, total_liabilities_y3=100, total_assets_y2=100, total_liabilities_y2=100,
            total_assets_y1=600, total_liabilities_y1=100, hnte_d1=None)
    # G10: revenue 1000 / 900 / 850 -> negative growth -> 0 points
    g10 = g1(revenue_y3=1000, revenue_y2=900, revenue_y1=850, hnte_d2=None)
    v8, v9, v10 = evaluate_all([g8, g9, g10], "hnte", ON)
    assert _value(v8, "growth_net_assets") == pytest.approx(650 / 500 - 1)
    assert score(v8, "D1") == (7, 8)
    assert score(v9, "D1") == (0, 0)
    assert _value(v10, "growth_revenue") < 0 and score(v10, "D2") == (0, 0)


# --------------------------------------------------------------------------- MIIT 2022 §4.4

MIIT_BASE = dict(is_resident_mainland=True, is_sme=True, products_not_prohibited=True, clean_record=True)


def m1(**kw):
    # R&D 350 at 5%: revenue 7000; main-business share 92%: 6440; growth 12%: 6440 / 5750 = 1.12
    rec = dict(MIIT_BASE, ip_class1_count=1, ip_class1_own_count=1, ip_class1_high_value_count=0, ip_class2_count=0,
               rd_expense_y1=350, revenue_y1=7000, main_revenue_y1=6440, main_revenue_y2=5750,
               total_assets_y1=4000, total_liabilities_y1=2000, strategic_emerging=True)
    rec.update(kw)
    return rec


def test_M1_innovative_sme_scores_90():
    # own Class I 15; R&D 350万 at 5.0% → share band ≥5% → 20; growth 12% → 15; debt 50% → 10;
    # strategic emerging 10; main-business share 92% → 20: innovation 35, growth 25, specialisation 30
    v = verdict(m1(), "innovative_sme", ON)
    assert score(v, "I1") == (15, 15)
    assert score(v, "I2") == (20, 20)
    assert score(v, "G1") == (15, 15) and score(v, "G2") == (10, 10)
    assert score(v, "P1") == (10, 10) and score(v, "P2") == (20, 20)
    assert score(v, "innovation") == (35, 35) and score(v, "growth") == (25, 25)
    assert score(v, "specialisation") == (30, 30) and score(v, "total") == (90, 90)
    assert v.state == "pass"


def test_M2_innovation_below_20_fails_despite_70():
    # spec M2 (recomputed): Class II only → 5; R&D 250万 at 2.5% → [2,3)% → 10: innovation 15 < 20;
    # growth 25 and specialisation 30 as M1: total 70 ≥ 60, still fails the innovation floor
    rev = 250 / 0.025
    v = verdict(m1(ip_class1_count=0, ip_class1_own_count=0, ip_class2_count=3, rd_expense_y1=250,
                   revenue_y1=rev, main_revenue_y1=0.92 * rev, main_revenue_y2=0.92 * rev / 1.12),
                "innovative_sme", ON)
    assert score(v, "I1") == (5, 5) and score(v, "I2") == (10, 10)
    assert score(v, "innovation") == (15, 15)
    assert score(v, "total") == (70, 70)
    assert cond(v, "S_total") == "pass" and cond(v, "S_innovation") == "fail"
    assert v.state == "fail"


def test_issue8_rd_amount_does_not_score_for_innovative_sme():
    # issue 8 #1: R&D 550万 at 2.5% with only Class II IP: 5 + 10 = 15 < 20 → fails the
    # innovation floor (the old amount route gave 20 for ≥500万 and let it pass)
    rev = 550 / 0.025
    v = verdict(m1(ip_class1_count=0, ip_class1_own_count=0, ip_class2_count=2, rd_expense_y1=550,
                   revenue_y1=rev, main_revenue_y1=0.92 * rev, main_revenue_y2=0.92 * rev / 1.12),
                "innovative_sme", ON)
    assert score(v, "innovation") == (15, 15)
    assert cond(v, "S_innovation") == "fail" and v.state == "fail"
    # R&D 180万 at 4.5% with its own Class I IP: 15 + 15 = 30
    rev = 180 / 0.045
    v = verdict(m1(rd_expense_y1=180, revenue_y1=rev, main_revenue_y1=0.92 * rev, main_revenue_y2=0.92 * rev / 1.12),
                "innovative_sme", ON)
    assert score(v, "I1") == (15, 15) and score(v, "I2") == (15, 15) and score(v, "innovation") == (30, 30)
    assert v.state == "pass"


def test_M3_hnte_certificate_is_direct():
    v = verdict(dict(MIIT_BASE, valid_hnte_cert=True), "innovative_sme", ON)
    assert cond(v, "by_score") == "needs_data"
    assert v.state == "pass"


def m4(**kw):
    rec = dict(MIIT_BASE, valid_innovative_sme=True, niche_years=3, revenue_y1=4500, rd_expense_y1=150,
               rd_expense_y2=2050)  # (150 + 2050) / 2 = 1100
    rec.update(kw)
    return rec


def test_M4_srdi_direct_item_average_rd_1100():
    v = verdict(m4(), "srdi_sme", ON)
    assert cond(v, "Z1") == "pass" and cond(v, "Z2") == "pass" and cond(v, "Z3") == "pass"
    assert cond(v, "Z4_rd") == "pass" and cond(v, "Z4") == "pass"
    assert v.state == "pass"


def test_M5_revenue_800_without_equity_fails_Z3():
    v = verdict(m4(revenue_y1=800, rd_expense_y1=100, new_equity_2y=0), "srdi_sme", ON)
    assert cond(v, "Z3") == "fail" and v.state == "fail"


def test_M6_rd_95_at_4_percent_fails_Z2():
    v = verdict(m4(rd_expense_y1=95, revenue_y1=95 / 0.04), "srdi_sme", ON)
    assert cond(v, "Z2a") == "fail" and cond(v, "Z2b") == "pass" and v.state == "fail"


def lg(**kw):
    rec = dict(valid_srdi_sme=True, is_sme=True, clean_record=True, niche_years=5, main_revenue_y1=7600, main_revenue_y2=7000,
               main_revenue_y3=6500, total_assets_y1=10000, total_liabilities_y1=5000, niche_market_share=0.12,
               own_brand=True, lg_management_ok=True, lg_chain_ok=True, lg_priority_field_ok=True,
               has_rd_institution=True, ip_class1_count=2, ip_class1_in_use_count=2, employees_total=200, rd_staff=40)
    rec.update(kw)
    return rec


def test_M7_little_giant_8000_revenue_needs_6_percent_both_years():
    v = verdict(lg(revenue_y1=8000, rd_expense_y1=0.065 * 8000, revenue_y2=7500, rd_expense_y2=0.058 * 7500),
                "little_giant", ON)
    assert cond(v, "N_y1") == "pass" and cond(v, "N_y2") == "fail"
    assert cond(v, "xin_general") == "fail" and cond(v, "xin") == "fail"
    assert v.state == "fail"


def test_M8_little_giant_general_route_above_1e8():
    v = verdict(lg(revenue_y1=12000, main_revenue_y1=10000, rd_expense_y1=0.031 * 12000,
                   revenue_y2=11000, main_revenue_y2=9400, main_revenue_y3=8800, rd_expense_y2=330),
                "little_giant", ON)  # 330 / 11000 = 3.0%
    assert cond(v, "xin_general") == "pass"
    assert v.state == "pass"


# --------------------------------------------------------------------------- 瞪羚 §5.2


def gz(**kw):
    rec = dict(revenue_y3=10000, revenue_y2=12500, revenue_y1=15000,
               operating_profit_y3=800, operating_profit_y2=1000, operating_profit_y1=1200,
               rd_expense_y3=600, rd_expense_y2=700, rd_expense_y1=800, employees_avg_3y=60,
               total_assets_y1=10000, total_liabilities_y1=5500, total_assets_y2=9000, total_liabilities_y2=4950,
               total_assets_y3=8000, total_liabilities_y3=4400, super_deduction_claimed=True,
               gazelle_sector_ok=True, clean_record=True, gazelle_other_ok=True)
    rec.update(kw)
    return rec


def test_gazelle_new_filing_example_passes():
    v = verdict(gz(), "gazelle", ON)
    assert v.rule_version == "sc-filing-new"
    # two-period CAGR: (15000/10000) ** 0.5 - 1 = 22.5% >= 20%; compared as 1.5 >= 1.2 ** 2
    assert _value(v, "revenue_multiple") == 1.5 and _value(v, "profit_multiple") == 1.5
    assert _value(v, "multiple_required") == pytest.approx(1.44)
    assert _value(v, "rd_intensity_3y") == pytest.approx(2100 / 37500)  # 5.6%
    assert _value(v, "debt_ratio_avg") == pytest.approx(0.55)
    assert v.state == "pass"


def test_gazelle_profit_dip_fails_despite_high_cagr():
    v = verdict(gz(operating_profit_y2=700), "gazelle", ON)
    assert cond(v, "G_op1") == "fail" and cond(v, "G_cagr_op") == "pass"
    assert v.state == "fail"


def test_gazelle_unverified_clauses_need_review():
    v = verdict(gz(gazelle_other_ok=None), "gazelle", ON)
    assert v.state == "manual_review"
