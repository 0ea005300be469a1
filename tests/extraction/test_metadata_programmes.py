"""Document metadata and named programmes."""

from __future__ import annotations

from .conftest import plan_of


def test_decision_metadata_from_title_and_adoption_note():
    plan = plan_of("中共泸州市委关于推进科技创新的决定\n（2022年6月30日中国共产党泸州市第八届委员会第四次全体会议通过）\n"
                   "为推进科技创新，作出如下决定。到2025年，全市高新技术企业达到300家。")
    d = plan.document
    assert (d.title, d.issuer, d.region, d.genre, d.issued, d.horizon) == (
        "中共泸州市委关于推进科技创新的决定", "中共泸州市委", "泸州市", "决定", "2022-06-30", 2025)


def test_government_opinion_with_closing_date():
    plan = plan_of("眉山市人民政府关于加快科技创新的实施意见\n各县（区）人民政府：\n到2025年，全市研发投入强度达到2%。\n"
                   "眉山市人民政府\n2023年3月1日")
    d = plan.document
    assert (d.issuer, d.region, d.genre, d.issued) == ("眉山市人民政府", "眉山市", "意见", "2023-03-01")


def test_annual_work_plan_without_a_title_gets_its_year_as_horizon():
    plan = plan_of("2024年是实施“十四五”规划的关键之年。\n一、主要目标\n全年力争新增高新技术企业50家。\n二、重点任务\n"
                   "（一）推动泸州科技创新工作。全市科技系统要提高站位。")
    d = plan.document
    assert (d.genre, d.horizon, d.issued, d.region, d.issuer) == ("工作要点", 2024, "2024", "泸州市", "泸州市科技局")
    assert plan.targets[0].year == 2024


def test_unknown_metadata_stays_unknown():
    d = plan_of("要加强科技创新，推动高质量发展。").document
    assert (d.title, d.issuer, d.region, d.issued, d.horizon) == (None, None, None, None, None)


def test_programmes_with_number_codes_and_counted_parts():
    plan = plan_of("大力实施科技强市“3456”行动计划，聚焦“三大领域”，建设“四个平台”，培育“五大产业”，"
                   "深化“六项改革”。按照“2+3”的工作布局推进。")
    names = {p.name: p.parts for p in plan.programmes}
    assert names["科技强市“3456”行动计划"] == ["三大领域", "四个平台", "五大产业", "六项改革"]
    assert not any("2+3" in n for n in names)  # a code whose parts are not spelt out is a layout, not a programme


def test_composite_and_joined_programme_names():
    plan = plan_of("按照“一核两翼三区”的发展格局，建设城东创新核、南部产业翼、北部生态翼、高新技术产业区、现代农业示范区和文旅融合区。"
                   "构建“众创空间+孵化器+加速器”全链条孵化体系。")
    names = {p.name: p.parts for p in plan.programmes}
    assert names["一核两翼三区"] == ["城东创新核", "南部产业翼", "北部生态翼", "高新技术产业区", "现代农业示范区", "文旅融合区"]
    assert names["众创空间+孵化器+加速器"] == ["众创空间", "孵化器", "加速器"]


def test_big_programmes_take_their_parts_from_headings():
    plan = plan_of("深入实施“三大工程”。\n1.实施科技企业“倍增”工程\n2.实施创新平台“提质”工程\n3.实施科技人才“聚才”工程")
    names = {p.name: p.parts for p in plan.programmes}
    assert names["三大工程"] == ["科技企业“倍增”工程", "创新平台“提质”工程", "科技人才“聚才”工程"]


def test_government_work_report_date_and_issuer():
    plan = plan_of("政府工作报告\n——2024年1月10日在眉山市第五届人民代表大会第四次会议上\n"
                   "今年的主要预期目标是:地区生产总值增长7%左右。")
    d = plan.document
    assert (d.genre, d.issued, d.issuer, d.region) == ("政府工作报告", "2024-01-10", "眉山市人民政府", "眉山市")


def test_a_title_with_its_plan_period_gives_the_horizon():
    plan = plan_of("广安市科技成果转化三年行动计划（2023—2025年）\n为加快转化,制定本行动计划。")
    d = plan.document
    assert (d.title, d.genre, d.horizon) == ("广安市科技成果转化三年行动计划(2023—2025年)", "行动计划", 2025)
