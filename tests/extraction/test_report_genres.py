"""Government work reports, plans and 考评办法 as real documents write them (issue 9).

Every text here is constructed for the test (a made-up 某市/某省); each test pins one
pattern of the genre: year-led and other heading forms, the document's year from its
date, session or heading, review sections, task phrasing, units, lists, news narrative
and the false positives to avoid.
"""

from __future__ import annotations

from .conftest import plan_of

REPORT_HEAD = "政府工作报告\n——2031年1月20日在某某省第九届人民代表大会第三次会议上\n各位代表：\n"


def quantitative(plan):
    return [t for t in plan.targets if t.kind in ("number", "multiple", "growth")]


def one(plan, fragment):
    found = [t for t in plan.targets if fragment in t.indicator]
    assert found, (fragment, [(t.indicator, t.value, t.unit) for t in plan.targets])
    return found[0]


def values(plan):
    return sorted((t.value, t.unit) for t in quantitative(plan))


# ----------------------------------------------------------------- headings and sections


def test_year_led_headings_are_headings_and_the_review_yields_no_targets():
    plan = plan_of(REPORT_HEAD +
                   "一、2030年工作回顾\n过去一年，全省生产总值增长6.1%，新增高新技术企业800家，建成5G基站2万个。\n"
                   "二、2031年工作安排\n今年经济社会发展的主要预期目标是：全省生产总值增长5.5%左右，"
                   "研发经费投入强度达到2.9%。\n新增高新技术企业1000家。")
    assert [(n.label, n.title) for n in plan.outline] == [("一", "2030年工作回顾"), ("二", "2031年工作安排")]
    assert values(plan) == [(2.9, "%"), (5.5, "%"), (1000, "家")]
    assert {t.year for t in plan.targets} == {2031}


def test_the_year_comes_from_the_session_date_not_from_a_cited_plan():
    plan = plan_of(REPORT_HEAD + "三、今年主要任务\n认真落实《某省数字经济行动计划（2028—2030年）》，"
                   "全年新增数字化车间60个。")
    assert one(plan, "数字化车间").year == 2031
    assert plan.document.genre == "政府工作报告" and plan.document.horizon == 2031


def test_next_year_and_plan_period_headings():
    plan = plan_of(REPORT_HEAD + "一、“十六五”时期主要目标\n地区生产总值年均增长5%左右。\n"
                   "二、今年重点工作\n确保粮食产量稳定在300亿斤以上，明年建成智慧港口2个。")
    assert one(plan, "地区生产总值").year == 2035 and one(plan, "地区生产总值").kind == "growth"
    assert one(plan, "粮食产量").year == 2031 and one(plan, "粮食产量").unit == "亿斤"
    assert one(plan, "智慧港口").year == 2032


def test_part_headings_and_unnumbered_goal_lines():
    plan = plan_of("某市国民经济和社会发展第十五个五年规划纲要\n第一部分 发展基础\n"
                   "“十四五”期间，全市高新技术企业达到900家。\n第二部分 发展目标\n主要目标\n"
                   "到2030年，全市高新技术企业达到1500家，技术合同成交额达到200亿元。")
    assert [n.label for n in plan.outline] == ["第一部分", "第二部分"]
    assert values(plan) == [(200, "亿元"), (1500, "家")]


def test_year_on_year_growth_inside_a_goal_sentence_is_a_target():
    plan = plan_of(REPORT_HEAD + "二、今年工作安排\n今年，全省规上工业增加值同比增长6%，技术合同成交额同比增长10%以上。")
    assert sorted(t.value for t in quantitative(plan)) == [6, 10]


def test_background_sections_hold_no_targets():
    plan = plan_of("某市科技创新发展规划（2031—2035年）\n一、发展环境\n（一）面临形势\n全市研发经费投入强度为2.1%，"
                   "高新技术企业达到600家。\n二、主要目标\n到2035年，研发经费投入强度达到3%。")
    assert values(plan) == [(3, "%")]


# ----------------------------------------------------------------- quantity grammar


def test_task_phrasing_gives_the_verb_phrase_as_indicator():
    plan = plan_of(REPORT_HEAD + "二、今年重点工作\n实施12个城市更新项目，完成60公里老旧管网改造，为3万名失能老人开展上门照护服务，"
                   "提供托育服务1.5万人次，实现100家以上企业入驻，新增2座水厂，全年计划投资800亿元。")
    got = {(t.value, t.unit) for t in quantitative(plan)}
    assert {(12, "个"), (60, "公里"), (3, "万名"), (1.5, "万人次"), (100, "家"), (2, "座"), (800, "亿元")} <= got
    assert "城市更新项目" in one(plan, "城市更新").indicator
    assert "上门照护服务" in one(plan, "照护").indicator


def test_units_of_reports():
    plan = plan_of(REPORT_HEAD + "二、今年重点工作\n粮食产量稳定在260亿斤，生猪出栏1200万头，港口集装箱吞吐量达到900万标箱，"
                   "开行班列1500列，改造老旧住宅楼80栋，新建万兆光网小区100个，研发人员投入8万人年，"
                   "全员劳动生产率达到25万元/人。")
    got = set(values(plan))
    assert {(260, "亿斤"), (1200, "万头"), (900, "万标箱"), (1500, "列"), (80, "栋"), (100, "个"),
            (25, "万元/人")} <= got


def test_ratios_index_values_and_ranks():
    plan = plan_of(REPORT_HEAD + "二、今年重点工作\n研发投入与财政科技支出之比达到2.1∶1，区域科技创新指数达到160以上，"
                   "综合科技创新水平位次进入全国前8位，营商环境评价保持全省前3位。新建5G基站8000个。")
    assert one(plan, "之比").value == 2.1
    assert one(plan, "指数").value == 160 and one(plan, "指数").comparator == ">="
    rank = one(plan, "综合科技创新水平")
    assert (rank.value, rank.unit, rank.direction) == (8, "位", "le")
    assert one(plan, "营商环境").value == 3
    assert one(plan, "5G基站").value == 8000 and one(plan, "5G基站").unit == "个"


def test_lists_share_verb_numbers_and_kinds():
    plan = plan_of(REPORT_HEAD + "二、今年重点工作\n新建绿道80公里、口袋公园30个、体育场地50处。"
                   "规上工业增加值、服务业增加值均增长6%。进出口总额、实际使用外资分别增长5%和8%。")
    assert {(t.indicator, t.value) for t in quantitative(plan) if t.unit in ("公里", "个", "处")} >= {
        ("新建绿道", 80), ("口袋公园", 30), ("体育场地", 50)}
    assert {t.value for t in quantitative(plan) if "增加值" in t.indicator} == {6}
    assert len([t for t in quantitative(plan) if "增加值" in t.indicator]) == 2
    assert {t.kind for t in quantitative(plan) if t.value in (5, 8)} == {"growth"}


def test_list_numbers_do_not_leak_into_indicators():
    plan = plan_of("某市2031年科技工作要点\n47．全年新增科技型中小企业500家。\n48．技术合同登记额达到90亿元。")
    assert {t.indicator for t in quantitative(plan)} == {"新增科技型中小企业", "技术合同登记额"}


def test_news_narrative_about_a_decision():
    plan = plan_of("本报讯 近日，某市委全会审议通过《关于加快建设科技强市的决定》。《决定》细化提出了“十五五”时期"
                   "全社会研发经费年均增长10%、高新技术企业数量实现倍增等目标，并提出用5年时间引进和培养高层次人才2000名。")
    assert one(plan, "研发经费").kind == "growth" and one(plan, "研发经费").year == 2030
    assert one(plan, "高新技术企业").kind == "multiple"
    assert one(plan, "高层次人才").value == 2000


# ----------------------------------------------------------------- false positives


def test_sizes_classes_scopes_and_phrases_are_not_targets():
    plan = plan_of(REPORT_HEAD + "二、今年重点工作\n加快建设总投资120亿元的某某港区二期工程，推广8座以下新能源乘用车，"
                   "支持12个欠发达县域加快发展，充分释放科技创新的倍增效应，省直26个部门联合推进，"
                   "落实“三张清单”，新增高新技术企业300家。")
    assert values(plan) == [(300, "家")]


def test_point_weights_of_an_assessment_method_are_not_targets():
    plan = plan_of("某市科技创新工作考评办法\n第一条 为做好年度考评，制定本办法。\n第五条 考评满分100分，"
                   "其中研发投入占30分，高新技术企业培育占20分。\n第六条 考评结果分为优秀、良好、一般三个等次。")
    assert plan.document.genre == "考核办法"
    assert quantitative(plan) == []


# ----------------------------------------------------------------- genres and metadata


def test_genres_issuer_and_year():
    cases = {
        "某省人民政府关于印发某省制造业数字化转型实施方案的通知": "通知",
        "某省制造业数字化转型实施方案": "实施方案",
        "某市科技计划项目管理办法": "管理办法",
        "某市县域科技创新考核办法": "考核办法",
        "某市促进人工智能产业发展行动计划（2031—2033年）": "行动计划",
        "某市国民经济和社会发展第十五个五年规划纲要": "规划",
        "2031年某市政府工作报告": "政府工作报告",
    }
    for title, genre in cases.items():
        assert plan_of(title + "\n到2033年，规上企业达到500家。").document.genre == genre, title


TEXT_WITHOUT_TITLE = ("2031年是实施“十六五”规划的开局之年，全市科技工作要在科技系统扎实推进。\n一、主要目标\n"
                      "全年新增高新技术企业120家。\n二、重点任务\n（一）推进泸州科技创新。")


def test_a_work_plan_without_a_title_gets_an_inferred_one():
    plan = plan_of(TEXT_WITHOUT_TITLE)
    d = plan.document
    assert d.title == "泸州市科技局2031年科技工作要点"
    assert any("推断" in w for w in plan.warnings)
    assert "title_inferred" not in plan.to_contract()["document"]
    from innodrive.documents import read_document
    from innodrive.extraction import run

    record = run(read_document(TEXT_WITHOUT_TITLE.encode(), "doc.txt"))
    assert record.document.title_inferred


def test_amounts_and_thresholds_of_a_management_method_are_rules_not_targets():
    plan = plan_of("某市科技计划项目管理办法\n第八条 单个项目资助金额不超过50万元，自筹资金不低于资助金额的2倍。\n"
                   "第九条 对验收优秀的项目给予10万元奖励。\n第十条 到2032年，全市科技计划项目绩效评价覆盖率达到100%。")
    assert plan.document.genre == "管理办法"
    assert [(t.value, t.unit, t.year) for t in quantitative(plan)] == [(100, "%", 2032)]


def test_modifiers_before_the_noun_are_not_the_indicator():
    plan = plan_of("某市2031年科技工作要点\n一、主要目标\n培育具有核心竞争力的科技领军企业10家，"
                   "新增具备自主知识产权的高新技术企业80家。")
    assert {t.indicator for t in quantitative(plan)} == {"科技领军企业", "新增高新技术企业"}
