"""Evaluate one key task at a date: deadline lights, reporting discipline, completion.

清单制+责任制+时限制 asks three things of every task: is it done, is it on time, and
is its owner reporting. From the task's dates and its progress reports this module
derives flags (completed, overdue, approaching, report_missing, not_started …) and
metrics (days to the deadline, completion vs time share …), then the rule set's
ordered task rules give the light.

Which reports count: a report that was returned (退回) counts for nothing; a report
awaiting review (报送) counts as *having reported*; completion is taken only from an
approved report (通过) unless the rule set says otherwise. Pure: no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from innodrive.tracking.models import Milestone, ProgressReport, TaskSpec, TaskStatus
from innodrive.tracking.ruleset import RuleSet, load_rules
from innodrive.tracking.targets import decide, fmt

_STATUS_NAMES = {"not_started": "未启动", "in_progress": "推进中", "completed": "已完成", "blocked": "受阻"}


def _percent(r: ProgressReport) -> float | None:
    if r.percent_complete is not None:
        return r.percent_complete
    return 100.0 if r.status == "completed" else (0.0 if r.status == "not_started" else None)


def evaluate_task(task: TaskSpec, reports: Sequence[ProgressReport], *, as_of: dt.date,
                  rules: RuleSet | str | None = None) -> TaskStatus:
    """The status of ``task`` at ``as_of`` from the ``reports`` made on it (reports
    dated after ``as_of`` are ignored, so a past date replays what was known then)."""
    rs = load_rules(rules) if isinstance(rules, str) else (rules or load_rules())
    tr = rs.tasks
    known = sorted((r for r in reports if r.reported_on <= as_of), key=lambda r: r.reported_on)
    counted = [r for r in known if r.approval != "returned"]
    for_completion = [r for r in counted if r.approval == "approved" or not tr.completion_requires_approval]

    flags: set[str] = set()
    metrics: dict[str, float | None] = {}
    parts: list[str] = []

    done = next((r for r in for_completion if r.status == "completed" or (r.percent_complete or 0) >= 100), None)
    completed_on = done.reported_on if done else None
    if done:
        flags.add("completed")
        if task.deadline and completed_on > task.deadline:  # type: ignore[operator]
            flags.add("completed_late")

    latest = counted[-1] if counted else None
    latest_any = known[-1] if known else None
    latest_for_completion = for_completion[-1] if for_completion else None
    completion_pct = 100.0 if done else (_percent(latest_for_completion) if latest_for_completion else None)
    if completion_pct is None and latest_for_completion is None and not tr.completion_requires_approval and latest:
        completion_pct = _percent(latest)
    if latest_any is not None and latest_any.approval == "returned":
        flags.add("returned")
    elif latest_any is not None and latest_any.approval == "submitted" and tr.completion_requires_approval:
        flags.add("pending_approval")
    if latest is not None and latest.status == "blocked":
        flags.add("blocked")
    if not known:
        flags.add("no_reports")
    started = any(r.status in ("in_progress", "completed", "blocked") or (r.percent_complete or 0) > 0 for r in counted)
    if not started and not done:
        flags.add("not_started")

    # ---- deadline ------------------------------------------------------------------
    days_to = days_over = None
    if task.deadline is None:
        flags.add("no_deadline")
    else:
        delta = (task.deadline - as_of).days
        if not done:
            if delta < 0:
                flags.add("overdue")
                days_over = -delta
            else:
                days_to = delta
                if delta <= tr.approaching_days:
                    flags.add("approaching")
        metrics["days_to_deadline"] = float(delta)
        metrics["days_overdue"] = float(max(-delta, 0)) if not done else 0.0

    # ---- time share and completion ------------------------------------------------------
    time_elapsed = None
    if task.start is not None and task.deadline is not None and task.deadline > task.start:
        span = (task.deadline - task.start).days
        time_elapsed = min(max((as_of - task.start).days / span, 0.0), 1.0)
        metrics["time_pct"] = time_elapsed * 100
    elif task.start is not None and as_of < task.start:
        metrics["time_pct"] = 0.0
    gap = None
    if completion_pct is not None:
        metrics["completion_pct"] = completion_pct
        if time_elapsed is not None:
            gap = completion_pct - time_elapsed * 100
            metrics["schedule_gap"] = gap
            if time_elapsed > 0:
                metrics["progress_ratio_pct"] = completion_pct / (time_elapsed * 100) * 100
    if "not_started" in flags and task.start is not None and as_of >= task.start:
        metrics["days_not_started"] = float((as_of - task.start).days)

    # ---- reporting --------------------------------------------------------------------
    interval = task.report_interval_days or tr.report_interval_days
    last_report_on = latest.reported_on if latest else None
    anchor = last_report_on or task.start
    next_due = None
    if anchor is not None and not done:
        next_due = anchor + dt.timedelta(days=interval)
        if as_of > next_due + dt.timedelta(days=tr.report_grace_days) and (task.start is None or as_of >= task.start):
            flags.add("report_missing")
            metrics["missed_reports"] = float((as_of - anchor).days // interval)
    if last_report_on is not None:
        metrics["days_since_report"] = float((as_of - last_report_on).days)

    # ---- milestones -------------------------------------------------------------------
    overdue_ms = [m.title for m in task.milestones if m.done_on is None and m.due < as_of and not done]
    if overdue_ms:
        flags.add("milestone_overdue")
    upcoming: list[Milestone] = sorted((m for m in task.milestones if m.done_on is None and m.due >= as_of),
                                       key=lambda m: m.due)

    # ---- reason -----------------------------------------------------------------------
    if done:
        parts.append(f"已于{completed_on.isoformat()}报告完成并通过审核" if tr.completion_requires_approval  # type: ignore[union-attr]
                     else f"已于{completed_on.isoformat()}报告完成")  # type: ignore[union-attr]
        if "completed_late" in flags:
            parts.append(f"晚于期限{task.deadline.isoformat()}")  # type: ignore[union-attr]
    elif task.deadline is None:
        parts.append("未设定期限")
    elif days_over is not None:
        parts.append(f"期限{task.deadline.isoformat()}，已逾期{days_over}天")
    else:
        parts.append(f"期限{task.deadline.isoformat()}，还有{days_to}天")
    if latest is not None:
        p = _percent(latest)
        parts.append(f"最近一次报送{latest.reported_on.isoformat()}（{_STATUS_NAMES[latest.status]}"
                     + (f"，完成{fmt(p)}%" if p is not None else "") + "）")
    elif not done:
        parts.append("尚无有效报送")
    if "pending_approval" in flags:
        parts.append("最新报送待审核")
    if "returned" in flags:
        parts.append("最新报送被退回，需重新报送")
    if gap is not None and not done:
        parts.append(f"完成比例{fmt(completion_pct)}%，时间进度{fmt(round(time_elapsed * 100, 1))}%"  # type: ignore[operator]
                     f"（{'领先' if gap >= 0 else '落后'}{fmt(abs(round(gap, 1)))}个百分点）")
    if "report_missing" in flags:
        parts.append(f"应于{next_due.isoformat()}前报送进展，已超过{(as_of - next_due).days}天未报送")  # type: ignore[union-attr]
    if "days_not_started" in metrics:
        parts.append(f"开始日期{task.start.isoformat()}后{int(metrics['days_not_started'])}天仍未启动")  # type: ignore[union-attr]
    if overdue_ms:
        parts.append(f"逾期节点：{'、'.join(overdue_ms)}")
    if "blocked" in flags:
        parts.append("报送称工作受阻")

    rule = decide(tr.rules, flags, metrics)
    assert rule is not None  # checked on load: the list ends with a fallback
    return TaskStatus(
        key=task.key, title=task.title, as_of=as_of, light=rule.light, label=rule.label, rule=rule.id,
        rule_set=rs.ident, completed=bool(done), completed_on=completed_on,
        completion=None if completion_pct is None else completion_pct / 100, time_elapsed=time_elapsed,
        schedule_gap=gap, days_to_deadline=days_to, days_overdue=days_over, last_report_on=last_report_on,
        next_report_due=next_due, report_missing="report_missing" in flags, overdue_milestones=overdue_ms,
        next_milestone=upcoming[0] if upcoming else None, flags=sorted(flags), reason="；".join(parts) + "。",
    )
