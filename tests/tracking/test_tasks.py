"""evaluate_task: deadline lights, reporting discipline and completion, by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.tracking import Milestone, ProgressReport, TaskSpec, evaluate_task

D = dt.date
TASK = TaskSpec(key="t1", title="建设四川高新技术产业带创新基地", lead_unit="市科技局", co_units=["市经信局"],
                start=D(2023, 1, 1), deadline=D(2023, 12, 31))


def rep(day: dt.date, status="in_progress", pct=None, approval="approved") -> ProgressReport:
    return ProgressReport(reported_on=day, status=status, percent_complete=pct, approval=approval, reporter="张三")


def test_on_schedule_is_green_with_time_share():
    # as_of 2023-07-01: (as_of − start) = 181 days of 364 → time share 0.497253
    # completion 40 %: gap = 40 − 49.7253 = −9.73 points (not < −20) → green
    s = evaluate_task(TASK, [rep(D(2023, 6, 15), pct=40)], as_of=D(2023, 7, 1))
    assert s.time_elapsed == pytest.approx(181 / 364)
    assert s.schedule_gap == pytest.approx(40 - 181 / 364 * 100)
    assert (s.light, s.label) == ("green", "正常推进")
    assert s.days_to_deadline == 183 and s.next_report_due == D(2023, 7, 16)
    assert "期限2023-12-31，还有183天" in s.reason and "完成40%" in s.reason


def test_behind_schedule_is_yellow():
    # completion 20 % at time share 0.497 → gap −29.7 < −20 → yellow 进度滞后
    s = evaluate_task(TASK, [rep(D(2023, 6, 15), pct=20)], as_of=D(2023, 7, 1))
    assert (s.light, s.rule) == ("yellow", "behind")


def test_overdue_is_red():
    s = evaluate_task(TASK, [rep(D(2023, 12, 20), pct=90)], as_of=D(2024, 1, 10))
    assert (s.light, s.label) == ("red", "逾期未完成")
    assert s.days_overdue == 10 and "已逾期10天" in s.reason


def test_approaching_deadline_default_and_xian():
    # 5 days left: default warns within 7 days; 西安 only within 3
    reports = [rep(D(2023, 12, 20), pct=90)]
    assert evaluate_task(TASK, reports, as_of=D(2023, 12, 26)).label == "临近期限"
    assert evaluate_task(TASK, reports, as_of=D(2023, 12, 26), rules="xian").light == "green"
    assert evaluate_task(TASK, reports, as_of=D(2023, 12, 29), rules="xian").label == "临近期限（3天内）"
    # 宿迁 shows near-deadline in blue
    assert evaluate_task(TASK, reports, as_of=D(2023, 12, 26), rules="suqian").light == "blue"


def test_report_missing():
    # last report 2023-05-01; monthly cycle: next due 05-01 + 31 days = 06-01; grace 5 days → 06-06
    s = evaluate_task(TASK, [rep(D(2023, 5, 1), pct=45)], as_of=D(2023, 7, 1))
    assert s.report_missing and s.next_report_due == D(2023, 6, 1)
    assert (s.light, s.label) == ("yellow", "未按期报送")
    assert "应于2023-06-01前报送进展，已超过30天未报送" in s.reason
    # within grace: not missing
    assert not evaluate_task(TASK, [rep(D(2023, 5, 1), pct=45)], as_of=D(2023, 6, 5)).report_missing


def test_completion_needs_approval():
    submitted = [rep(D(2023, 11, 1), status="completed", approval="submitted")]
    s = evaluate_task(TASK, submitted, as_of=D(2023, 11, 5))
    assert not s.completed and "pending_approval" in s.flags and "最新报送待审核" in s.reason
    approved = [rep(D(2023, 11, 1), status="completed", approval="approved")]
    s = evaluate_task(TASK, approved, as_of=D(2023, 11, 5))
    assert s.completed and s.completion == 1.0 and (s.light, s.label) == ("green", "已完成")
    # a completed task is never overdue later
    assert evaluate_task(TASK, approved, as_of=D(2024, 3, 1)).light == "green"


def test_completed_late():
    s = evaluate_task(TASK, [rep(D(2024, 1, 15), status="completed")], as_of=D(2024, 2, 1))
    assert s.completed and "completed_late" in s.flags and s.label == "已完成（逾期完成）"


def test_returned_report_counts_for_nothing():
    # only a returned report: not started, nothing reported since start 2023-01-01
    # first report due 2023-02-01 (+5 days grace) → missing at 2023-03-01
    s = evaluate_task(TASK, [rep(D(2023, 2, 1), pct=30, approval="returned")], as_of=D(2023, 3, 1))
    assert "returned" in s.flags and "not_started" in s.flags and s.report_missing
    assert s.completion is None and "最新报送被退回" in s.reason


def test_late_start_default_and_yinchuan():
    # no report: 2023-01-01 start; at 2023-02-15, 45 days not started
    s = evaluate_task(TASK, [], as_of=D(2023, 2, 15))
    assert "no_reports" in s.flags
    # default: report missing (first report due 02-01 + 5) takes precedence over late start
    assert s.label == "未按期报送"
    yc = evaluate_task(TASK, [], as_of=D(2023, 2, 15), rules="yinchuan")
    assert (yc.light, yc.label) == ("yellow", "启动滞后1个月以上")
    yc = evaluate_task(TASK, [], as_of=D(2023, 4, 5), rules="yinchuan")   # 94 days ≥ 90
    assert (yc.light, yc.label) == ("red", "连续3个月未启动")


def test_milestones():
    task = TASK.model_copy(update={"milestones": [Milestone(title="完成方案编制", due=D(2023, 3, 31)),
                                                   Milestone(title="挂牌运行", due=D(2023, 9, 30))]})
    s = evaluate_task(task, [rep(D(2023, 4, 20), pct=30)], as_of=D(2023, 5, 1))
    assert s.overdue_milestones == ["完成方案编制"] and s.next_milestone.title == "挂牌运行"
    assert (s.light, s.label) == ("yellow", "节点逾期")


def test_reports_after_as_of_are_not_known_yet():
    s = evaluate_task(TASK, [rep(D(2023, 12, 1), status="completed")], as_of=D(2023, 11, 1))
    assert not s.completed


def test_sanya_and_wuhan_use_completion_over_time_share():
    # time share 0.497253; completion 30 % → ratio 30/49.73 = 60.3 %
    reports = [rep(D(2023, 6, 20), pct=30)]
    assert evaluate_task(TASK, reports, as_of=D(2023, 7, 1), rules="sanya").light == "yellow"   # 50–100 %
    assert evaluate_task(TASK, reports, as_of=D(2023, 7, 1), rules="wuhan").light == "yellow"   # 60–80 %
    low = [rep(D(2023, 6, 20), pct=20)]                                                          # 40.2 %
    assert evaluate_task(TASK, low, as_of=D(2023, 7, 1), rules="sanya").light == "red"
    assert evaluate_task(TASK, low, as_of=D(2023, 7, 1), rules="wuhan").light == "red"


def test_jinzhai_classes():
    # gap = completion − 49.73: 70 % → +20.3 超进度; 45 % → −4.7 达进度; 30 % → −19.7 欠进度
    def label(p):
        return evaluate_task(TASK, [rep(D(2023, 6, 20), pct=p)], as_of=D(2023, 7, 1), rules="jinzhai").label
    assert (label(70), label(45), label(30)) == ("超进度", "达进度", "欠进度")


def test_task_without_deadline():
    task = TaskSpec(title="持续优化创新生态")
    s = evaluate_task(task, [], as_of=D(2023, 7, 1))
    assert "no_deadline" in s.flags and (s.light, s.label) == ("grey", "信息不足") and "未设定期限" in s.reason
    s = evaluate_task(task, [rep(D(2023, 6, 1), pct=50)], as_of=D(2023, 7, 1))
    assert s.light == "green" and s.report_missing is False  # no start: no reporting clock
