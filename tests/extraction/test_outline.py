"""Outline: styles, levels by first appearance, restarts, fused titles, reprints, tasks."""

from __future__ import annotations

from .conftest import plan_of


def outline(text: str):
    return [(n.level, n.label, n.title) for n in plan_of(text).outline]


def test_gbt9704_order_with_fused_titles_and_restarts():
    text = ("一、总体要求\n坚持创新驱动。\n二、重点任务\n（一）壮大创新主体\n1.培育科技企业。到2025年达到100家。\n"
            "2.建设研发平台。\n（1）建设实验室。完善布局。\n（二）优化创新生态\n1.深化改革。\n三、保障措施")
    assert outline(text) == [
        (1, "一", "总体要求"), (1, "二", "重点任务"), (2, "(一)", "壮大创新主体"), (3, "1", "培育科技企业"),
        (3, "2", "建设研发平台"), (4, "(1)", "建设实验室"), (2, "(二)", "优化创新生态"), (3, "1", "深化改革"),
        (1, "三", "保障措施"),
    ]


def test_levels_follow_first_appearance_when_a_level_is_skipped():
    text = "一、主要目标\n1.创新投入。\n2.创新产出。\n二、重点任务\n1.企业培育。"
    assert outline(text) == [(1, "一", "主要目标"), (2, "1", "创新投入"), (2, "2", "创新产出"),
                             (1, "二", "重点任务"), (2, "1", "企业培育")]


def test_resolution_style_yao_and_shi_items():
    text = "二、明确重点任务\n一要优化创新布局。加快建设。\n二要深化协同发展。\n一是开展专项督查。\n二是开展第三方评估。"
    levels = outline(text)
    assert levels[:3] == [(1, "二", "明确重点任务"), (2, "一要", "优化创新布局"), (2, "二要", "深化协同发展")]
    assert (3, "一是", "开展专项督查") in levels


def test_articles_of_a_regulation():
    text = "第一章 总则\n第一条 为了促进科技创新，制定本办法。\n第二条 本办法适用于本市。\n第二章 附则\n第三条 本办法自公布之日起施行。"
    assert outline(text) == [(1, "第一章", "总则"), (2, "第一条", "为了促进科技创新,制定本办法"),
                             (2, "第二条", "本办法适用于本市"), (1, "第二章", "附则"), (2, "第三条", "本办法自公布之日起施行")]


def test_a_body_paragraph_that_only_starts_like_a_number_is_not_a_heading():
    text = "一、目标\n2.5%的研发投入强度是底线。\n2025年全市要实现倍增。\n3.建设平台。"
    assert outline(text) == [(1, "一", "目标")]  # 3. does not continue any sequence


def test_a_reprinted_outline_is_kept_once():
    body = "一、总体要求\n坚持创新驱动发展。\n二、重点任务\n培育创新主体。\n"
    assert outline(body + body) == [(1, "一", "总体要求"), (1, "二", "重点任务")]


def test_task_owners_and_deadlines_are_read_from_the_task_text():
    plan = plan_of("二、重点任务\n1.建设中试平台。2022年6月底前完成建设方案。（牵头单位：市科技局；责任单位：市财政局、市经信局）\n"
                   "2.落实研发后补助。（市财政局牵头，市税务局、市科技局配合）年底前兑现。")
    first, second = plan.outline[1], plan.outline[2]
    assert first.lead_units == ["市科技局"] and first.co_units == ["市财政局", "市经信局"]
    assert first.deadline == "2022-06"
    assert second.lead_units == ["市财政局"] and second.co_units == ["市税务局", "市科技局"]
    assert first.path == "二/1" and first.body_span is not None


def test_bodies_with_and_in_their_names_and_the_first_responsible_unit_leads():
    plan = plan_of("一、重点任务\n（一）建设中试平台。（责任单位：市科技局、市经济和信息化局、市发展和改革委员会）")
    node = plan.outline[1]
    assert node.lead_units == ["市科技局"]
    assert node.co_units == ["市经济和信息化局", "市发展和改革委员会"]
