"""Target rules, one behaviour per test, on short constructed texts."""

from __future__ import annotations

from .conftest import plan_of


def targets(text: str, **kw):
    return plan_of(text, **kw).targets


def by_indicator(ts, fragment):
    found = [t for t in ts if fragment in t.indicator]
    assert found, (fragment, [t.indicator for t in ts])
    return found[0]


def test_comparators_follow_the_words_used():
    ts = targets("某市科技创新工作要点\n到2025年,高新技术企业达到500家,科技型中小企业突破1000家,"
                 "研发投入强度不低于2.5%,技术合同成交额80亿元以上,能耗强度控制在0.5吨标准煤以内,"
                 "科技进步贡献率60%左右。")
    assert by_indicator(ts, "高新技术企业").comparator == "="
    assert by_indicator(ts, "科技型中小企业").comparator == ">"
    assert by_indicator(ts, "研发投入强度").comparator == ">="
    assert by_indicator(ts, "技术合同成交额").comparator == ">="
    energy = by_indicator(ts, "能耗强度")
    assert energy.comparator == "<=" and energy.direction == "le"
    assert by_indicator(ts, "科技进步贡献率").comparator == "~"


def test_values_and_units_stay_as_written():
    ts = targets("到2025年,全市研发经费支出达到120亿元,省级科技计划项目资金达到5000万元,常住人口达到350万人。")
    assert (by_indicator(ts, "研发经费支出").value, by_indicator(ts, "研发经费支出").unit) == (120, "亿元")
    assert by_indicator(ts, "项目资金").unit == "万元"
    assert by_indicator(ts, "常住人口").unit == "万人"


def test_deadline_from_sentence_paragraph_section_and_horizon():
    text = ("某市推进科技创新三年行动方案(2023—2025年)\n"
            "一、2024年目标\n"
            "到2024年,全市高新技术企业达到300家。孵化器达到20家。\n"
            "二、远期目标\n"
            "到2025年,高新技术企业达到400家。\n"
            "三、重点工作\n"
            "新建省级重点实验室5个。")
    ts = targets(text)
    assert by_indicator(ts, "高新技术企业").year == 2024      # its own sentence
    assert by_indicator(ts, "孵化器").year == 2024            # the paragraph's deadline
    assert [t.year for t in ts if t.value == 400] == [2025]
    assert by_indicator(ts, "省级重点实验室").year == 2025    # the document's horizon (title period)


def test_multiples_are_distributed_over_a_list_with_the_baseline():
    ts = targets("经过“十四五”时期的努力,规上工业增加值、高新技术企业数量较“十三五”末实现倍增,"
                 "数字经济规模比2020年翻两番。大力实施高新技术企业倍增计划。")
    multiples = [t for t in ts if t.kind == "multiple"]
    assert {t.indicator for t in multiples} == {"规上工业增加值", "高新技术企业数量", "数字经济规模"}
    assert {t.baseline_year for t in multiples} == {2020}
    assert by_indicator(ts, "数字经济规模").value == 4
    assert all(t.year == 2025 for t in multiples)
    assert not any("倍增计划" in t.indicator for t in ts)


def test_growth_rates_points_and_cumulative_changes():
    ts = targets("到2025年,全市高新技术产业营业收入达到3000亿元,年均增长15%以上;研发投入强度年均提高0.2个百分点;"
                 "单位地区生产总值能耗下降13.5%。")
    g = [t for t in ts if t.kind == "growth"]
    revenue = by_indicator(g, "高新技术产业营业收入")
    assert (revenue.value, revenue.basis, revenue.comparator) == (15, "annual", ">=")
    points = by_indicator(g, "研发投入强度")
    assert (points.unit, points.basis) == ("个百分点", "points")
    energy = by_indicator(g, "能耗")
    assert (energy.direction, energy.basis) == ("le", "cumulative")


def test_scale_classes_make_one_target_per_named_cluster():
    ts = targets("到2025年,培育形成电子信息、装备制造2个千亿产业集群和生物医药300亿产业集群。")
    clusters = sorted((t.indicator, t.value, t.unit) for t in ts)
    assert clusters == [("生物医药产业集群规模", 300, "亿元"), ("电子信息产业集群规模", 1000, "亿元"),
                        ("装备制造产业集群规模", 1000, "亿元")]


def test_a_scale_after_an_open_number_of_clusters_is_not_one_clusters_size():
    # a class (一批/若干/多个… clusters of that scale) leaves open how many: no size target of one cluster
    for measure in ("一批", "若干", "多个", "一系列"):
        ts = targets(f"到2030年,培育壮大{measure}具有竞争力的千亿级产业集群。")
        assert [t.indicator for t in ts if "集群" in t.indicator] == [], measure
    ts = targets("到2030年,培育壮大先进材料千亿级产业集群。")
    assert [(t.indicator, t.value, t.unit) for t in ts] == [("先进材料产业集群规模", 1000, "亿元")]


def test_coordinated_subjects_share_their_measure_and_verb():
    ts = targets("2024年,全市研发经费支出60亿元、投入强度2.1%以上,规上工业企业研发经费和有研发活动企业占比分别达到40亿元和45%,"
                 "新增高新技术企业80家,总数突破600家,众创空间达到30家,其中国家级5家。", name="2024年工作要点.txt")
    assert by_indicator(ts, "研发经费投入强度").value == 2.1
    assert by_indicator(ts, "有研发活动企业占比").value == 45
    assert by_indicator(ts, "高新技术企业总数").value == 600
    assert by_indicator(ts, "国家级众创空间").value == 5


def test_past_achievements_and_attendance_are_not_targets():
    text = ("某市2023年科技工作要点\n"
            "2022年,全市新认定高新技术企业45家,同比增长20%;技术合同登记额达到12亿元。出席会议的有委员35人。\n"
            "截至2022年底,全市共有高新技术企业300家。\n"
            "全年力争新认定高新技术企业60家。")
    ts = targets(text)
    assert [(t.indicator, t.value) for t in ts] == [("新认定高新技术企业", 60)]
    assert ts[0].year == 2023 and ts[0].firmness == "力争"


def test_review_sections_hold_no_targets():
    text = ("某市科技创新规划\n第一章 发展基础\n“十三五”时期成效显著,高新技术企业达到266家,技术合同成交额累计80亿元。\n"
            "第二章 发展目标\n到2025年,高新技术企业达到500家。")
    ts = targets(text)
    assert [(t.indicator, t.value) for t in ts] == [("高新技术企业", 500)]


def test_names_quotes_ordinals_and_modifiers_are_not_values():
    text = ("到2025年,深入实施“5553”行动计划,增强“四个意识”,落实“1+6”产业布局,第一期试点城市建成,"
            "培育营业收入超10亿元的龙头企业5户,聚焦市委“高质量建成区域科创中心”4项重点任务。")
    ts = [t for t in targets(text) if t.kind in ("number", "multiple", "growth")]
    assert [(t.indicator, t.value, t.unit) for t in ts] == [("营业收入超10亿元的龙头企业", 5, "户")]


def test_one_target_stated_twice_is_one_target():
    text = ("某县2024年科技工作要点\n二、主要目标\n力争新增高新技术企业20家,技术合同登记额达到5亿元。\n"
            "三、重点任务\n(一)培育企业。力争新增高新技术企业20户以上。\n(二)转化成果。全年技术合同登记额超5亿元。")
    ts = [t for t in targets(text) if t.kind == "number"]
    assert len(ts) == 2
    assert ts[0].section == "二"


def test_relative_trend_and_milestone_kinds():
    ts = targets("到2025年,研发经费投入强度增幅高于全省平均水平,高新技术产业营业收入占比持续上升,"
                 "建成国家创新型城市,劣Ⅴ类水体全面消除。")
    kinds = {t.kind: t for t in ts}
    assert kinds["relative"].note == "高于全省平均水平"
    assert kinds["trend"].note == "持续上升"
    milestones = {t.indicator for t in ts if t.kind == "milestone"}
    assert {"国家创新型城市", "劣Ⅴ类水体"} <= milestones


def test_scope_is_taken_off_the_indicator():
    ts = targets("中共某市委关于创新发展的决定\n到2025年,全市高新技术企业达到500家,市本级财政科技支出达到5亿元,高新区研发投入强度达到5%。")
    assert by_indicator(ts, "高新技术企业").scope == "全市"
    spending = by_indicator(ts, "财政科技支出")
    assert spending.scope == "市本级" and spending.indicator == "财政科技支出"
    assert by_indicator(ts, "研发投入强度").scope == "高新区"


def test_a_text_without_targets_gives_an_empty_plan_with_a_warning():
    plan = plan_of("关于开展科技活动周的通知\n各单位:请按要求做好活动组织工作。")
    assert plan.targets == []
    assert "文中未找到量化目标" in plan.warnings


def test_a_yearly_series_of_targets_keeps_each_year():
    ts = targets("某市科技成果转化三年行动计划（2023—2025年）\n一、行动目标\n到2025年,技术合同登记额突破30亿元。"
                 "其中,2023年技术合同登记额达到18亿元,2024年达到24亿元。")
    series = sorted((t.year, t.value) for t in ts if t.indicator == "技术合同登记额")
    assert series == [(2023, 18), (2024, 24), (2025, 30)]


def test_goal_paragraph_quantities_without_a_verb():
    ts = targets("政府工作报告\n二、今年目标任务\n今年经济社会发展的主要预期目标是:地区生产总值增长7%左右,城镇新增就业2.5万人。")
    assert by_indicator(ts, "城镇新增就业").value == 2.5 and by_indicator(ts, "城镇新增就业").unit == "万人"


def test_each_milestone_keeps_its_own_verb():
    ts = targets("2024年工作要点\n二、主要目标\n力争尽快获批国家高新区、进入国家创新型城市名单。")
    notes = {t.indicator: t.note for t in ts if t.kind == "milestone"}
    assert notes == {"国家高新区": "尽快获批", "国家创新型城市名单": "进入"}
