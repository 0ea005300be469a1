"""Pure parts of the living plan: which headings are tasks, deadlines, version diffs."""

from __future__ import annotations

import datetime as dt

from innodrive.plans.diff import describe, diff_plans
from innodrive.plans.tasks import TaskRules, due_date, tasks_from_plan


def test_tasks_are_the_leaf_headings_outside_the_goals(plan_factory):
    tasks = tasks_from_plan(plan_factory())
    assert [(t.path, t.title) for t in tasks] == [("二/1", "培育创新主体"), ("二/2", "建设创新平台"),
                                                  ("三/1", "加强组织领导")]
    first = tasks[0]
    assert first.lead_units == ("市科技局",) and first.co_units == ("市财政局", "市经信局")
    assert first.deadline == "2023-06" and first.due_date == dt.date(2023, 6, 30)


def test_the_rule_set_decides_what_is_not_a_task(plan_factory):
    rules = TaskRules(version="test", effective=dt.date(2021, 1, 1), not_tasks=["保障措施"])
    paths = [t.path for t in tasks_from_plan(plan_factory(), rules=rules)]
    # 一/1 and 一/2 now count (总体要求 is no longer excluded); 三/1 does not
    assert paths == ["一/1", "一/2", "二/1", "二/2"]


def test_due_dates_are_the_last_day_the_limit_allows():
    assert due_date("2024-02") == dt.date(2024, 2, 29)  # leap year
    assert due_date("2023-02") == dt.date(2023, 2, 28)
    assert due_date("2025") == dt.date(2025, 12, 31)
    assert due_date("2022-10-15") == dt.date(2022, 10, 15)
    assert due_date("2022-13") is None
    assert due_date(None) is None and due_date("年底前") is None


def test_identical_plans_have_no_differences(plan_factory):
    d = diff_plans(plan_factory(), plan_factory())
    assert d.empty
    assert describe(d) == ["两个版本的目标、提纲和重点工程均无差异"]


def test_diff_pairs_changed_targets_and_lists_new_headings(plan_factory):
    old, new = plan_factory(), plan_factory(firms=250, extra_task="加快人才集聚")
    d = diff_plans(old, new)
    assert len(d.targets_changed) == 1
    change = d.targets_changed[0]
    assert [(c.field, c.old, c.new) for c in change.changes] == [("value", 192, 250)]
    assert [n.title for n in d.headings_added] == ["加快人才集聚"]
    assert not d.headings_removed and not d.targets_added
    lines = describe(d)
    assert "修改目标 “国家高新技术企业”（2025年）：目标值 192 → 250" in lines


def test_diff_lists_removed_targets(plan_factory):
    old = plan_factory()
    new = old.model_copy(update={"targets": old.targets[:2] + old.targets[3:]})
    d = diff_plans(old, new)
    assert [t.indicator for t in d.targets_removed] == ["技术合同成交额"]
    assert describe(d) == ["删除目标 “技术合同成交额”（2025年，倍数） 2倍"]
