"""Issue 8, items 1–7: the rules against the official texts.

Each case is a constructed enterprise whose verdict was worked out from the text alone
(quoted in the comments), evaluated by all three evaluators (explained, NumPy, SQLite),
which must agree. Items 1 (创新型 R&D share only) is in test_spec_examples (M1, M2 and
the 550万/180万 pair); the band edges are in test_band_edges.
"""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.enterprises.rules import all_rule_sets, rule_for

from .ent_helpers import cond, evaluate_all, score, verdict

ON = dt.date(2024, 6, 30)
MIIT = dict(is_resident_mainland=True, products_not_prohibited=True, clean_record=True)

# --------------------------------------------------------------------------- item 2


def _srdi(**kw):
    # 专精特新 (2022 附件2): niche 3 years, R&D 150万 at 3.3% of revenue 4500万; score data absent,
    # average R&D 150万 (no 1000万 route): only the award can carry 第四条
    rec = dict(MIIT, is_sme=True, valid_innovative_sme=True, niche_years=3, revenue_y1=4500, rd_expense_y1=150,
               rd_expense_y2=150)
    rec.update(kw)
    return rec


def test_srdi_direct_award_needs_top5_national_or_top3_provincial():
    # "近三年获得过省级科技奖励，并在获奖单位中排名前三名；或获得国家级科技奖励，并在获奖单位中排名前五名"
    vs = evaluate_all([
        _srdi(sci_award_3y=True, nat_award_top5_3y=False, prov_award_top3_3y=False),  # a national award, 6th
        _srdi(nat_award_top5_3y=True),   # national, top 5
        _srdi(nat_award_top3_3y=True),   # national, top 3 (implies top 5)
        _srdi(prov_award_top3_3y=True),  # provincial, top 3
        _srdi(sci_award_3y=True, prov_award_top3_3y=False),  # provincial, 4th
    ], "srdi_sme", ON)
    assert [cond(v, "Z4_award") for v in vs] == ["fail", "pass", "pass", "pass", "fail"]
    # without the award the score is undecided (no score data): not a pass
    assert vs[0].state != "pass" and vs[1].state == "pass" and vs[4].state != "pass"


def test_old_award_column_is_refused_with_what_to_fill_instead(tmp_path):
    from innodrive.enterprises.registry import read_registry

    from .ent_helpers import make_code

    path = tmp_path / "old.csv"
    path.write_text("统一社会信用代码,企业名称,近三年获省级科技奖励前三名或国家级科技奖励\n"
                    f"{make_code(1)},甲公司,是\n", encoding="utf-8")
    reg = read_registry(path)
    assert "近三年获省级科技奖励前三名或国家级科技奖励" in reg.retired_headers
    assert "排名前五" in reg.retired_headers["近三年获省级科技奖励前三名或国家级科技奖励"]
    assert "nat_award_top5_3y" not in reg.frame


# --------------------------------------------------------------------------- item 3: 划型

INDUSTRY = {"农": 1, "工业": 2, "建筑业": 3, "批发业": 4, "零售业": 5, "软件": 12, "房地产开发经营": 13,
            "租赁和商务服务业": 15, "其他": 16}


def _size(industry, employees=None, revenue=None, assets=None, declared=None):
    rec = dict(MIIT, sme_industry=INDUSTRY[industry], valid_hnte_cert=True)  # 创新型 direct route holds
    if employees is not None:
        rec["employees_total"] = employees
    if revenue is not None:
        rec["revenue_y1"] = revenue
    if assets is not None:
        rec["total_assets_y1"] = assets
    if declared is not None:
        rec["is_sme"] = declared
    return rec


def _sizes(records):
    vs = evaluate_all(records, "innovative_sme", ON)
    return [(next(x.text for x in v.values if x.name == "size_class"), cond(v, "P_sme")) for v in vs]


def test_industry_bounds_are_exact():
    # 工业: "从业人员1000人以下或营业收入40000万元以下的为中小微型企业" — 以下 excludes the number,
    # one measure below its bound is enough; "从业人员300人及以上，且营业收入2000万元及以上的为中型企业"
    got = _sizes([
        _size("工业", 1000, 40000),       # both at the bound: 大型
        _size("工业", 999, 100000),       # staff below 1000: 中小微型 (中型)
        _size("工业", 5000, 39999.99),    # revenue below 40000: 中型
        _size("工业", 300, 2000),         # 中型 lower bounds, inclusive
        _size("工业", 299, 2000),         # below → 小型
        _size("工业", 20, 300),           # 小型 lower bounds
        _size("工业", 19, 300),           # 微型
        _size("工业", 20, 299.99),        # 微型
    ])
    assert got == [("大型", "fail"), ("中型", "pass"), ("中型", "pass"), ("中型", "pass"), ("小型", "pass"),
                   ("小型", "pass"), ("微型", "pass"), ("微型", "pass")]


def test_other_industries_use_their_own_measures():
    got = _sizes([
        _size("软件", 300, 500),              # 软件和信息技术服务业: 300人以下 or 10000万以下 → 300 staff, revenue 500: SME
        _size("软件", 300, 10000),            # both at bound: 大型
        _size("零售业", 300, 20000),          # 零售: 300人 / 20000万 → 大型
        _size("批发业", 199, 50000),          # 批发: 200人以下 → SME
        _size("建筑业", revenue=80000, assets=80000),   # 建筑业: 营业收入或资产总额 80000万 → 大型
        _size("建筑业", revenue=80000, assets=79999),   # assets below: SME
        _size("房地产开发经营", revenue=200000, assets=10000),  # 大型
        _size("租赁和商务服务业", 300, assets=120000),     # 大型
        _size("其他", 300),                     # 其他未列明行业: 300人以下 → 300 is 大型
        _size("其他", 299),                     # 中型 (≥100)
        _size("农", revenue=20000),             # 农林牧渔: 营业收入20000万以下 → 大型 at the bound
        _size("农", revenue=49.99),             # 微型 (<50)
    ])
    assert [c for _, c in got] == ["pass", "fail", "fail", "pass", "fail", "pass", "fail", "fail", "fail", "pass",
                                   "fail", "pass"]
    assert got[9][0] == "中型" and got[11][0] == "微型"


def test_an_enterprise_that_outgrew_sme_size_fails_every_miit_tier_whatever_it_declares():
    big = dict(sme_industry=2, employees_total=1200, revenue_y1=50000, total_assets_y1=30000, is_sme=True)
    inn = verdict(dict(MIIT, valid_hnte_cert=True, **big), "innovative_sme", ON)
    assert cond(inn, "P_sme") == "fail" and inn.state == "fail"
    srdi = verdict(_srdi(nat_award_top5_3y=True, **big), "srdi_sme", ON)
    assert cond(srdi, "P_sme") == "fail" and srdi.state == "fail"
    lg = verdict(dict(valid_srdi_sme=True, clean_record=True, **big), "little_giant", ON)
    assert cond(lg, "P_sme") == "fail" and lg.state == "fail"
    for programme in ("innovative_sme", "srdi_sme", "little_giant"):  # the 2026 versions too
        v = verdict(dict(MIIT, valid_srdi_sme=True, valid_hnte_cert=True, **big), programme, dt.date(2026, 6, 1))
        assert v.rule_version == "miit-2026" and cond(v, "P_sme") == "fail" and v.state == "fail"


def test_size_with_unknown_industry_or_measures():
    recs = [
        dict(MIIT, valid_hnte_cert=True, employees_total=100_000, revenue_y1=1e7, total_assets_y1=1e7),  # 大型 in every industry
        dict(MIIT, valid_hnte_cert=True, employees_total=250, revenue_y1=1e7, total_assets_y1=1e7),  # depends on industry
        dict(MIIT, valid_hnte_cert=True, employees_total=250, revenue_y1=1e7, total_assets_y1=1e7, is_sme=True),
        dict(MIIT, valid_hnte_cert=True, sme_industry=2, employees_total=999),  # 工业 with fewer than 1000 staff: SME
        dict(MIIT, valid_hnte_cert=True, sme_industry=2, employees_total=1000),  # revenue unknown: undecided
    ]
    vs = evaluate_all(recs, "innovative_sme", ON)
    assert [cond(v, "P_sme") for v in vs] == ["fail", "needs_data", "pass", "pass", "needs_data"]


def test_industry_names_are_read_from_the_registry(tmp_path):
    from innodrive.enterprises.registry import read_registry

    from .ent_helpers import make_code

    path = tmp_path / "r.csv"
    path.write_text("统一社会信用代码,企业名称,划型行业\n"
                    f"{make_code(1)},甲,制造业\n{make_code(2)},乙,软件和信息技术服务业\n{make_code(3)},丙,金融\n",
                    encoding="utf-8")
    reg = read_registry(path)
    assert reg.frame["sme_industry"].tolist() == [2.0, 12.0]
    assert len(reg.problems) == 1 and reg.problems[0].row == 4 and "其他未列明行业" in reg.problems[0].message


# --------------------------------------------------------------------------- item 4


def _young(**kw):
    # registered 2022-03-01, applying 2024-06-30: the fiscal years 2022 and 2023 only
    rec = dict(registration_date=dt.date(2022, 3, 1), data_year=2023, revenue_y2=1000, revenue_y1=3000,
               hnte_rd_y2=60, hnte_rd_y1=150, hnte_rd_domestic_3y=210)
    rec.update(kw)
    return rec


def test_hnte_rd_intensity_uses_actual_operating_years():
    # 第十一条（五）"实际经营期不满三年的按实际经营时间计算": 210 / 4000 = 5.25% ≥ 5% (latest revenue ≤ 5000)
    v = verdict(_young(), "hnte", ON)
    assert next(x.value for x in v.values if x.name == "operating_years") == 2
    assert next(x.value for x in v.values if x.name == "rd_ratio_3y") == pytest.approx(210 / 4000)
    assert cond(v, "H5") == "pass" and cond(v, "H5b") == "pass"
    # 190 / 4000 = 4.75%: fails, rather than "缺少数据"
    v = verdict(_young(hnte_rd_y1=130, hnte_rd_domestic_3y=190), "hnte", ON)
    assert cond(v, "H5") == "fail"
    # a year before registration is never counted, even if a number was filled in
    v = verdict(_young(revenue_y3=100000, hnte_rd_y3=0), "hnte", ON)
    assert cond(v, "H5") == "pass"
    # registered in 2023: one fiscal year; three full years when registered in 2021 or earlier
    v = verdict(_young(registration_date=dt.date(2023, 1, 5), hnte_rd_domestic_3y=150), "hnte", ON)
    assert next(x.value for x in v.values if x.name == "operating_years") == 1
    assert next(x.value for x in v.values if x.name == "rd_ratio_3y") == pytest.approx(150 / 3000)
    v = verdict(_young(registration_date=dt.date(2021, 12, 31)), "hnte", ON)
    assert cond(v, "H5") == "needs_data"  # the third year is required and missing


def test_hnte_growth_over_two_operating_years():
    v = verdict(_young(hnte_d2=None), "hnte", ON)
    # two years: 3000 / 1000 − 1 = 200% → ≥35% → 9–10
    assert next(x.value for x in v.values if x.name == "growth_revenue") == pytest.approx(2.0)
    assert score(v, "D2") == (9, 10)


# --------------------------------------------------------------------------- item 5


def _expert(total_parts, **kw):
    a1, a2, a3, a4, a5, b, c, d1, d2 = total_parts
    rec = dict(hnte_a1=a1, hnte_a2=a2, hnte_a3=a3, hnte_a4=a4, hnte_a5=a5, hnte_b=b, hnte_c=c, hnte_d1=d1, hnte_d2=d2)
    rec.update(kw)
    return rec


def test_hnte_score_must_exceed_70_with_decimal_scores():
    # "70分以上（不含70分）": > 70, not ≥ 71
    vs = evaluate_all([
        _expert((6, 6, 7, 5, 0, 15.5, 17, 7, 7)),      # 70.5 → passes H7 (≥ 71 would fail it)
        _expert((6, 6, 7, 5, 0, 15, 17, 7, 7)),        # 70 → fails
        _expert((6.1, 6.2, 7, 5, 0, 14.7, 17, 7, 7)),  # decimals summing to exactly 70 → fails
        _expert((6, 6, 7, 5, 0, 15.01, 17, 7, 7)),     # 70.01 → passes
    ], "hnte", ON)
    assert [score(v, "total")[0] for v in vs] == pytest.approx([70.5, 70, 70, 70.01])
    assert [cond(v, "H7") for v in vs] == ["pass", "fail", "fail", "pass"]


def test_hnte_score_ranges_against_70():
    # without expert D scores: D1, D2 come from their bands as ranges; lo > 70 passes, hi ≤ 70 fails
    base = dict(revenue_y3=1000, revenue_y2=1000, revenue_y1=1000 * 1.5, total_assets_y3=100, total_liabilities_y3=0,
                total_assets_y2=100, total_liabilities_y2=0, total_assets_y1=150, total_liabilities_y1=0)
    # growth 25%: 0.5 × (1 + 1.5) − 1 = 0.25 → 7–8 for each of D1, D2: D = 14–16
    vs = evaluate_all([_expert((6, 6, 7, 5, 0, 15, 17, None, None), **base),    # 56 + 14..16 = 70..72 → review
                       _expert((6, 6, 7, 5, 0, 15.5, 17, None, None), **base),  # 70.5..72.5 → pass
                       _expert((6, 6, 7, 5, 0, 13, 17, None, None), **base)],   # 68..70 → fail
                      "hnte", ON)
    assert [score(v, "total") for v in vs] == [(70, 72), (70.5, 72.5), (68, 70)]
    assert [cond(v, "H7") for v in vs] == ["manual_review", "pass", "fail"]


# --------------------------------------------------------------------------- item 6


def test_tech_sme_articles_follow_the_text():
    rs = rule_for("tech_sme", ON)
    for sid in ("S1", "S2a", "S2b", "S2", "S3a", "S3b", "S3", "total"):
        assert rs.scores[sid].article.startswith("第七条"), sid
        assert "附件" not in rs.scores[sid].article
    assert rs.scores["S1"].article == "第七条（一）" and rs.scores["S3"].article == "第七条（三）"
    assert rs.scores["S2a"].article == "第七条（二）（1）" and rs.scores["S2b"].article == "第七条（二）（2）"
    for i, n in enumerate("一二三四", start=1):
        assert rs.conditions[f"D{i}"].article == f"第八条（{n}）"
    assert rs.conditions["direct"].article == "第八条"
    assert rs.conditions["score_total"].article == "第六条（五）" and rs.conditions["score_staff"].article == "第六条（五）"
    assert "附件" not in rs.notes or "无评分附件" in rs.notes


# --------------------------------------------------------------------------- item 7


def test_super_deduction_cites_7_from_2023_and_repealed_notices_end_in_2022():
    from innodrive.enterprises.incentives import Profile, super_deduction, super_deduction_rules

    periods = {p.basis: p for p in super_deduction_rules().periods}
    assert periods["财政部 税务总局公告2021年第13号"].end == "2022-12"
    assert periods["财政部 税务总局 科技部公告2022年第16号"].end == "2022-12"
    assert periods["财政部 税务总局 科技部公告2022年第28号"].end == "2022-12"
    manu = Profile(manufacturing=True)
    assert super_deduction(year=2023, rd_expensed=100, profile=manu).basis == ["财政部 税务总局公告2023年第7号"]
    tech = Profile(tech_sme=True)
    assert super_deduction(year=2024, rd_expensed=100, profile=tech).basis == ["财政部 税务总局公告2023年第7号"]
    assert super_deduction(year=2022, rd_expensed=100, profile=manu).basis == [
        "财政部 税务总局公告2021年第13号", "财政部 税务总局 科技部公告2022年第28号"]
    r = super_deduction(year=2022, rd_expensed=1200, profile=Profile())  # spec R4: 975
    assert r.extra_deduction == pytest.approx(975)
    assert r.basis == ["财税〔2018〕99号；财政部 税务总局公告2021年第6号", "财政部 税务总局 科技部公告2022年第28号"]


def test_miit_versions_by_date():
    for p in ("innovative_sme", "srdi_sme", "little_giant"):
        assert rule_for(p, dt.date(2026, 3, 31)).version == "miit-2022"
        new = rule_for(p, dt.date(2026, 4, 1))
        assert new.version == "miit-2026" and new.status == "unconfirmed" and new.notice == "规则待核实"
        assert any("工信部企业〔2026〕2号" in s for s in new.source)
    assert rule_for("innovative_sme", dt.date(2026, 4, 1)).title.startswith("科技和创新型中小企业")
    assert {rs.version for rs in all_rule_sets() if rs.status == "official" and rs.effective_to is None} >= {"most-2017"}


def _srdi_2026(**kw):
    rec = dict(MIIT, is_sme=True, niche_years=3, ip_class1_count=1, ip_class1_in_use_count=1, revenue_y1=1500,
               revenue_y2=1400, rd_expense_y1=100, rd_expense_y2=100, main_revenue_y1=1200,
               total_assets_y1=1000, total_liabilities_y1=800, srdi_score=50)
    rec.update(kw)
    return rec


def test_srdi_2026_reported_thresholds():
    on = dt.date(2026, 6, 1)
    vs = evaluate_all([
        _srdi_2026(),                                   # every reported threshold exactly met
        _srdi_2026(niche_years=2),                      # < 3 years in the niche
        _srdi_2026(ip_class1_in_use_count=0),           # no Class I IP in use
        _srdi_2026(rd_expense_y2=99.99),                # the year before: < 100万
        _srdi_2026(revenue_y2=3400),                    # the year before: 100/3400 < 3%
        _srdi_2026(revenue_y1=1499, rd_expense_y1=100, new_equity_2y=2000),  # equity route
        _srdi_2026(revenue_y1=1499.99, main_revenue_y1=1200, new_equity_2y=1999),
        _srdi_2026(main_revenue_y1=1199.99),            # < 80% main business
        _srdi_2026(total_liabilities_y1=800.01),        # debt > 80%
        _srdi_2026(srdi_score=49.5),                    # score < 50
        _srdi_2026(srdi_score=None),                    # score not yet given: review
    ], "srdi_sme", on)
    assert [v.state for v in vs] == ["pass", "fail", "fail", "fail", "fail", "pass", "fail", "fail", "fail", "fail",
                                     "manual_review"]
    assert all(v.notice == "规则待核实" and v.state_label.endswith("（规则待核实）") for v in vs)
    assert "规则待核实" in vs[0].explain_text()


def test_little_giant_2026_reported_thresholds():
    on = dt.date(2026, 6, 1)
    base = dict(valid_srdi_sme=True, is_sme=True, clean_record=True, revenue_y1=20000, revenue_y2=20000,
                rd_expense_y1=600, rd_expense_y2=600, ip_class1_count=4, lg_score=60)
    vs = evaluate_all([base, dict(base, rd_expense_y2=599.99), dict(base, ip_class1_count=3),
                       dict(base, revenue_y2=20001), dict(base, lg_score=59)], "little_giant", on)
    assert [v.state for v in vs] == ["pass", "fail", "fail", "fail", "fail"]


def test_merged_tier_2026_is_marked_and_takes_either_legacy_standard():
    on = dt.date(2026, 6, 1)
    vs = evaluate_all([dict(MIIT, is_sme=True, valid_hnte_cert=True, employees_total=50, revenue_y1=2000,
                            total_assets_y1=1000),
                       dict(MIIT, is_sme=True, employees_total=50, revenue_y1=2000, total_assets_y1=1000,
                            valid_hnte_cert=False, nat_award_top3_5y=False, prov_rd_institution=False,
                            led_standard_5y=False, sci_award_3y=False, innovation_title=False, new_equity_3y=0,
                            tech_staff=5, rd_expense_y1=10, cost_expense_total_y1=1900, ip_class1_count=0,
                            ip_class1_own_count=0, ip_class1_high_value_count=0, ip_class2_count=0,
                            main_revenue_y1=500, main_revenue_y2=600, total_liabilities_y1=900,
                            strategic_emerging=False)], "innovative_sme", on)
    assert [v.state for v in vs] == ["pass", "fail"]
    assert vs[0].state_label == "符合（规则待核实）"
