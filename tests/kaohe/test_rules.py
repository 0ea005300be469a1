"""The pure rules: grades by bands and quotas, the fund split, the scheme and framework checks, task measures."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from innodrive.errors import InputError, ValidationFailed
from innodrive.kaohe import grades as G
from innodrive.kaohe.allocation import Entry, allocate
from innodrive.kaohe.example import FOLDER
from innodrive.kaohe.framework import TaskPolicy, parse_kaohe_framework
from innodrive.kaohe.scheme import AllocationRule, GradeRule, parse_scheme
from innodrive.kaohe.taskmetrics import metrics, task_fact

QUOTA = GradeRule(method="quota", quotas=[{"name": "优秀", "share": 0.3, "min_score": 90},
                                          {"name": "良好", "share": 0.4}], rest="一般")


def test_bands():
    rule = GradeRule(method="bands", bands=[{"name": "优秀", "min": 90}, {"name": "良好", "min": 80},
                                            {"name": "一般", "min": 60}, {"name": "较差", "min": 0}])
    got = G.assign([G.Scored("a", 90.0), G.Scored("b", 89.999), G.Scored("c", 60), G.Scored("d", 59.99),
                    G.Scored("e", 99, vetoed=True)], rule)
    assert [(g.unit, g.rank, g.grade) for g in got] == [("a", 1, "优秀"), ("b", 2, "良好"), ("c", 3, "一般"),
                                                        ("d", 4, "较差"), ("e", 5, "较差")]
    assert got[-1].reason == "一票否决，等次为较差"


def test_quotas_in_rank_order_with_ties_and_a_score_floor():
    # 10 units: 优秀 ≤ 3 and ≥ 90, 良好 ≤ 4, rest 一般
    scores = [95, 93, 93, 93, 89, 88, 87, 86, 85, 84]
    got = G.assign([G.Scored(f"u{i}", s) for i, s in enumerate(scores)], QUOTA)
    grades = [g.grade for g in got]
    # u0 优秀 (1/3); u1–u3 tie at 93 → all 优秀 (4 > 3: ties share); u4 89 < 90 → 良好 …
    assert grades == ["优秀", "优秀", "优秀", "优秀", "良好", "良好", "良好", "良好", "一般", "一般"]
    assert [g.rank for g in got] == [1, 2, 2, 2, 5, 6, 7, 8, 9, 10]
    assert "并列" in got[1].reason
    # the score floor moves a unit down even with room left in the quota
    got = G.assign([G.Scored(f"u{i}", s) for i, s in enumerate([95, 89, 88, 87, 86, 85, 84, 83, 82, 81])], QUOTA)
    assert [g.grade for g in got] == ["优秀", "良好", "良好", "良好", "良好"] + ["一般"] * 5
    assert got[1].reason.startswith("未达优秀最低分 90；排名第 2 位，在良好名额")
    # quota sizes round down ("不超过"): 3 units → 优秀 0, 良好 1
    assert G.quota_sizes(QUOTA, 3) == [0, 1]
    got = G.assign([G.Scored("a", 92), G.Scored("b", 85), G.Scored("c", 84)], QUOTA)
    assert [g.grade for g in got] == ["良好", "一般", "一般"]


def test_allocation_sums_to_the_pool_and_reads_as_arithmetic():
    rule = AllocationRule(pool=100, method="above_floor", floor=60)
    shares = allocate([Entry("a", 90, "优秀", 1), Entry("b", 80, "良好", 2), Entry("c", 70, "一般", 3),
                       Entry("d", 59, "较差", 4), Entry("e", 99, "较差", 5, vetoed=True)], rule)
    # weights 30, 20, 10 → 50, 33.33, 16.67 → floors 50+33+16 = 99, the 1 left to c (.67 > .33)
    assert [s.amount for s in shares] == [50, 33, 17, 0, 0]
    assert "100 × 30.00 ÷ 60.00 = 50.0000" in shares[0].reason
    assert "未超过基准线" in shares[3].reason and "一票否决" in shares[4].reason
    capped = allocate([Entry("a", 100, "优秀", 1), Entry("b", 70, "良好", 2), Entry("c", 70, "良好", 3)],
                      AllocationRule(pool=100, method="proportional", max_share=0.35, decimals=1))
    # 100/240 = 41.7% > 35% → a gets 35, b and c share 65 equally
    assert [s.amount for s in capped] == [35.0, 32.5, 32.5]
    nobody = allocate([Entry("a", 50, "较差", 1)], AllocationRule(pool=10, method="above_floor", floor=60))
    assert [s.amount for s in nobody] == [0.0] and "资金未分配" in nobody[0].reason
    with pytest.raises(InputError, match="小数位"):
        allocate([Entry("a", 90, "优秀", 1)], AllocationRule(pool=10.5, method="proportional"))


def _scheme_raw() -> dict:
    return yaml.safe_load((FOLDER / "考核方案-2024.yaml").read_text(encoding="utf-8"))


def test_the_example_scheme_parses_and_resolves_regions():
    s = parse_scheme(_scheme_raw(), file="考核方案-2024.yaml")
    assert s.region_code == "511100" and s.region == "乐山市" and s.cutoff == dt.date(2024, 12, 31)
    assert s.unit("峨边县人民政府").name == "峨边彝族自治县"
    assert s.unit("峨边彝族自治县").region_code == "511132"
    assert s.group_of("县域").name == "县（市、区）"


def test_scheme_problems_are_all_reported_with_their_place():
    raw = _scheme_raw()
    raw["units"].append({"name": "市中区", "type": "县域", "region": "市中区"})  # duplicate name
    raw["units"].append({"name": "东坡区", "type": "县域", "region": "东坡区"})  # not in 乐山
    raw["units"].append({"name": "市商务局", "type": "局"})
    raw["groups"][0]["grades"]["rest"] = None
    raw["groups"][1]["allocation"]["coefficients"].pop("较差")
    with pytest.raises(ValidationFailed) as exc:
        parse_scheme(raw, file="方案.yaml")
    fields = [p.field for p in exc.value.problems]
    assert "groups[1]（县（市、区））.grades.rest" in fields
    assert "groups[2]（市级部门）.allocation.coefficients" in fields
    assert any(f.startswith("units[18]（市中区）") for f in fields)
    assert "units[19]（东坡区）.region" in fields
    assert "units[20]（市商务局）.type" in fields
    assert all(p.file == "方案.yaml" for p in exc.value.problems)
    with pytest.raises(ValidationFailed) as exc:
        parse_scheme({**_scheme_raw(), "yaer": 2024}, file="方案.yaml")
    assert exc.value.problems[0].field == "yaer" and "未知的键" in exc.value.problems[0].message


def _framework_raw(name="框架-县域-2024.yaml") -> dict:
    return yaml.safe_load((FOLDER / name).read_text(encoding="utf-8"))


def test_framework_problems_are_all_reported():
    raw = _framework_raw()
    raw["indicators"][0]["from"] = "weather"
    raw["indicators"].append({"code": "made_up", "name": "自编指标", "parent": "kaohe_total", "from": "observations"})
    raw["bonuses"].append({"code": "major_problem", "name": "重复代码", "points_each": 1, "max": 1})
    raw["scoring"]["deductions"][1]["from"] = "rumours"
    raw["scoring"]["rules"][0]["points"] = 25  # the points no longer add up to 100
    del raw["unit_type"]
    with pytest.raises(ValidationFailed) as exc:
        parse_kaohe_framework(raw, file="f.yaml")
    fields = [p.field for p in exc.value.problems]
    assert "unit_type" in fields and "scoring.total" in fields
    assert "indicators[1]（rd_intensity）.from" in fields and "indicators[7]（made_up）.from" in fields
    assert "scoring.deductions[2].from" in fields
    assert any("重复" in p.message for p in exc.value.problems)


def test_item_kinds_of_a_framework():
    fw = parse_kaohe_framework(_framework_raw(), file="f.yaml")
    assert fw.item_kinds() == {"national_platform": ("bonus", "获批国家级创新平台"),
                               "provincial_award": ("bonus", "获省级以上表彰或改革试点"),
                               "major_problem": ("deduction", "发生重大问题被通报"),
                               "research_misconduct": ("veto", "发生严重科研失信或重大科技安全事件")}
    assert fw.sources["task_on_time"] == "tasks.on_time_rate" and fw.sources["rd_intensity"] == "observations"


def test_task_measures():
    cut = dt.date(2024, 12, 31)
    tasks = [
        task_fact(task_id=1, title="按期", plan_title=None, role="lead", deadline=dt.date(2024, 6, 30),
                  completed_on=dt.date(2024, 6, 30), year=2024, cutoff=cut),
        task_fact(task_id=2, title="逾期完成", plan_title=None, role="lead", deadline=dt.date(2024, 6, 30),
                  completed_on=dt.date(2024, 7, 1), year=2024, cutoff=cut),
        task_fact(task_id=3, title="未完成", plan_title=None, role="lead", deadline=dt.date(2023, 12, 31),
                  completed_on=None, year=2024, cutoff=cut),
        task_fact(task_id=4, title="配合", plan_title=None, role="co", deadline=dt.date(2024, 3, 31),
                  completed_on=None, year=2024, cutoff=cut),
        task_fact(task_id=5, title="明年到期", plan_title=None, role="lead", deadline=dt.date(2025, 6, 30),
                  completed_on=None, year=2024, cutoff=cut),
    ]
    m = metrics(tasks, approved=3, returned=1, policy=TaskPolicy(), cutoff=cut)
    assert m["tasks.on_time_rate"].value == 50.0  # due in 2024 and led: #1 on time, #2 late
    assert m["tasks.overdue_count"].value == 1.0  # #3 (due 2023, still open); #4 is a co-unit's
    assert m["tasks.approved_report_rate"].value == 75.0
    m_any = metrics(tasks, approved=0, returned=0, policy=TaskPolicy(role="any", no_tasks="unknown"), cutoff=cut)
    assert m_any["tasks.on_time_rate"].value == pytest.approx(100 / 3)
    assert m_any["tasks.overdue_count"].value == 2.0 and m_any["tasks.approved_report_rate"].value is None
    none = metrics([], approved=0, returned=0, policy=TaskPolicy(), cutoff=cut)
    assert none["tasks.on_time_rate"].value is None and "未知" in none["tasks.on_time_rate"].source.text
    full = metrics([], approved=0, returned=0, policy=TaskPolicy(no_tasks="full"), cutoff=cut)
    assert full["tasks.on_time_rate"].value == 100.0
