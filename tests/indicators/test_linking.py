"""Linking indicator phrases to catalogue codes: exact and alias first, guarded fuzzy
matching, flows never linked to stocks, ratios never to amounts, and an honest
"unmatched" for a person to map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from innodrive.indicators.catalogue import load_catalogue
from innodrive.indicators.linking import analyse, link

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold" / "seeds.json"

# The mapping decided for every quantitative, relative and trend target of the gold
# seeds (indicator phrase as the document names it → catalogue code, or None when the
# catalogue has no such indicator and a person must map it).
GOLD_MAPPING: dict[str, str | None] = {
    # 自贡 / 乐山 / 绵阳 decisions
    "高新技术企业数量": "hnte_count",
    "科技型中小企业数量": "tech_sme_count",
    "研发经费投入强度提升幅度": "rd_intensity",          # relative: the change of the intensity
    "市本级公共财政科技支出占比": "fiscal_sti_expenditure_share",
    "每万人高价值发明专利拥有量增速": "high_value_invention_patents_per_10k",
    "高新技术产业营业收入占规模以上工业比重": "hightech_revenue_share_industry",
    "战略性新兴产业增加值占规模以上工业比重": "sei_share_industry",
    "数字经济增加值": "digital_economy_value_added",
    "顶尖人才和科技领军人才数量": "top_leading_talent_count",  # a narrower category than 高层次人才
    "科技创新综合水平指数": "sti_composite_index",
    "全社会研发投入强度增幅": "rd_intensity",
    "每万人口高价值发明专利拥有量增速": "high_value_invention_patents_per_10k",
    "光电信息产业集群规模": None,
    "先进材料产业集群规模": None,
    "绿色化工产业集群规模": None,
    "食品饮料产业集群规模": None,
    "国家高新技术企业": "hnte_count",
    "晶硅光伏产业产值": None,
    "新增规模以上民用核技术应用企业": None,
    "民用核技术应用产业产值年均增速": None,
    "新增国家科技型企业孵化器": None,       # a flow with no flow indicator: never the stock
    "国家科技型中小企业": "tech_sme_count",
    "新创建国家级、省级技术创新中心、产业创新中心、制造业创新中心": None,
    "重点领域关键技术突破": None,
    "重大工程科技成果转化": "major_achievement_conversions",  # added with the technology market
    "每万人口高价值发明专利拥有量": "high_value_invention_patents_per_10k",
    "市级以上知识产权试点示范企业": None,
    "数字经济核心产业增加值占GDP的比重": "digital_core_share_gdp",
    "数字工厂": None,
    "上云企业": None,
    "国省控断面地表水水质优良率": None,
    "新增上市公司": "listed_company_new_count",
    "多层次资本市场新增挂牌企业": None,       # 挂牌 is not 上市
    # 宜宾 2022 work plan
    "研发经费支出": "rd_expenditure",
    "研发经费投入强度": "rd_intensity",
    "获批省级及以上研发(孵化)平台": "innovation_platform_new_count",
    "新增和重新认定高新技术企业": "hnte_certified_count",
    "入库备案科技型中小企业": "tech_sme_count",
    "高新技术产业营业收入": "hightech_industry_revenue",
    "技术合同认定登记额": "tech_contract_registered",
    "引进高层次人才项目和高端创新创业团队项目": None,   # projects (个), not people
    "新增省级引才引智基地": None,
    "市级领军人才专家工作站和引才引智基地": None,
    "省级科技计划项目立项": None,
    "省级科技计划项目资金": None,
}


def _gold_targets():
    docs = json.loads(GOLD.read_text(encoding="utf-8"))["documents"]
    for doc in docs:
        for t in doc["targets"]:
            if t["kind"] != "milestone":
                yield doc["file"], t


def test_every_gold_target_links_as_decided():
    cat = load_catalogue()
    seen = set()
    lines = []
    for file, t in _gold_targets():
        phrase = t["indicator"]
        assert phrase in GOLD_MAPPING, f"{file}: no decision recorded for {phrase}"
        unit = t["unit"] if t["kind"] == "number" else None
        r = link(phrase, cat, unit=unit)
        lines.append(f"{file} {t['kind']:8} {phrase} -> {r.code} ({r.method}, {r.score})")
        assert r.code == GOLD_MAPPING[phrase], f"{phrase}: got {r.code} ({r.method} {r.score}), decided {GOLD_MAPPING[phrase]}"
        if r.code is None:
            assert r.method == "unmatched" and r.note, phrase
        seen.add(phrase)
    print("\n".join(lines))
    assert seen == set(GOLD_MAPPING), "the decided mapping lists phrases the gold no longer has"


def test_exact_and_alias_after_normalisation():
    cat = load_catalogue()
    r = link("全市国家高新技术企业数量", cat)
    assert (r.code, r.method, r.score) == ("hnte_count", "exact", 100.0)
    assert r.qualifiers == ["全市"]
    r = link("Ｒ＆Ｄ经费投入强度", cat)          # full-width letters
    assert (r.code, r.method) == ("rd_intensity", "exact")
    r = link("研发经费投入强度", cat)
    assert (r.code, r.method) == ("rd_intensity", "alias")
    r = link("本市高企数", cat)
    assert (r.code, r.method) == ("hnte_count", "alias")


def test_flow_is_never_linked_to_its_stock():
    cat = load_catalogue()
    assert link("新增高新技术企业", cat).code == "hnte_new_count"
    assert link("全市新增国家高新技术企业数量", cat).code == "hnte_new_count"
    # a flow marker on a stock whose flow the catalogue lacks stays unmatched, naming the stock
    r = link("新增国家级科技企业孵化器", cat)
    assert r.code is None and r.method == "unmatched"
    assert "国家级科技企业孵化器数" in r.note and "不能链接到存量指标" in r.note
    # 重新认定 is not 新认定
    assert link("新增和重新认定高新技术企业", cat).code == "hnte_certified_count"


def test_flow_found_through_a_fuzzy_stock():
    cat = load_catalogue()
    r = link("新增国家高新技术企业培育", cat)     # stock part is not an exact name
    assert r.code == "hnte_new_count" and r.method == "fuzzy"
    assert 80 <= r.score < 100


def test_intensity_never_becomes_the_expenditure():
    cat = load_catalogue()
    for phrase in ("研发经费投入强度", "全社会研发经费投入强度达到", "研发经费投入强度水平", "R&D投入强度"):
        assert link(phrase, cat).code == "rd_intensity", phrase
    for phrase in ("研发经费投入总量", "全社会研发经费"):
        r = link(phrase, cat)
        assert r.code != "rd_intensity", phrase


def test_fuzzy_links_close_wording_and_reports_candidates():
    cat = load_catalogue()
    r = link("全市研发经费投入强度达到", cat)
    assert r.code == "rd_intensity" and r.method == "fuzzy" and r.score >= 80
    assert r.candidates[0].code == "rd_intensity"
    assert len(r.candidates) <= 5


def test_unit_of_another_class_rules_a_candidate_out():
    cat = load_catalogue()
    # 高层次人才 is counted in 人; a target counted in 个 (projects) cannot be it
    assert link("高层次人才数", cat, unit="人").code == "high_level_talent_count"
    r = link("引进高层次人才项目", cat, unit="个")
    assert r.code != "high_level_talent_count"


def test_below_threshold_is_unmatched_with_candidates():
    cat = load_catalogue()
    r = link("上云企业", cat)
    assert r.code is None and r.method == "unmatched"
    assert r.candidates and r.candidates[0].score < 80
    assert "请人工指定" in r.note
    # a stricter or looser threshold is the caller's choice
    loose = link("上云企业", cat, threshold=r.candidates[0].score - 1, margin=0)
    assert loose.code == r.candidates[0].code and loose.method == "fuzzy"


def test_remembered_mapping_wins_and_stale_one_is_ignored():
    cat = load_catalogue()
    r = link("上云企业", cat, remembered={"上云企业": "industrial_enterprise_count"})
    assert (r.code, r.method, r.score) == ("industrial_enterprise_count", "remembered", 100.0)
    # keys match after normalisation too (scope word, width)
    r = link("全市上云企业数量", cat, remembered={"上云企业": "industrial_enterprise_count"})
    assert r.method == "remembered"
    r = link("国家高新技术企业", cat, remembered={"国家高新技术企业": "gone_code"})
    assert r.code == "hnte_count" and r.method == "exact"
    assert "gone_code" in r.note


def test_empty_phrase_is_unmatched():
    r = link("  ", load_catalogue())
    assert r.code is None and r.method == "unmatched" and r.score == 0


def test_analyse_sets_scope_and_change_words_aside():
    assert analyse("全市每万人口高价值发明专利拥有量增速") == ("每万人口高价值发明专利拥有量", ["全市", "增速"])
    key, q = analyse("民用核技术应用产业产值年均增速")
    assert key == "民用核技术应用产业产值" and q == ["年均增速"]
    assert link("研发经费投入强度提升幅度", load_catalogue()).is_change


@pytest.mark.parametrize("phrase", ["高新技术企业", "科技型中小企业", "瞪羚企业", "上市公司"])
def test_stock_phrases_never_link_to_flows(phrase):
    ind = load_catalogue().get(link(phrase, load_catalogue()).code)
    assert ind is not None and ind.measure == "stock"
