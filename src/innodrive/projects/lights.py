"""A project's light from the tracking engine: on time, late or at risk.

A contracted project is tracked like a key task of the plan (清单制+责任制+时限制): it
starts on the contract's start date, is due on its end date, and its milestones are the
task's milestones, done when accepted (验收通过). Checks are its progress reports: a
passed check reports it in progress, a 结题验收 passed reports it completed, a check that
asked for rectification (整改) or failed reports it blocked. No percentage is reported:
a project advances in steps, and the share of milestones accepted compared with the
share of time elapsed would call every project "behind" between two milestones; an
overdue milestone (at risk) and the contract's end (late) are what the lights judge.
:func:`innodrive.tracking.evaluate_task` then decides the light with the same rule
set the task board uses, so a project and a plan task are never judged differently.

A project reports at its milestones, not monthly; its reporting cycle is therefore set
to the contract period, and lateness shows through overdue milestones and the deadline.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from innodrive.tracking import Milestone, ProgressReport, TaskSpec, TaskStatus, evaluate_task

STANDING_LABELS = {
    "completed": "已结题",
    "on_time": "按期推进",
    "at_risk": "有风险",
    "late": "已逾期",
    "terminated": "已终止",
    "not_started": "未开始",
}


class MilestoneState(BaseModel):
    title: str
    due_on: dt.date
    accepted_on: dt.date | None = None


class CheckState(BaseModel):
    held_on: dt.date
    kind: str  # start | milestone | midterm | final
    conclusion: str  # pass | rectify | fail


def project_status(*, key: str, title: str, starts_on: dt.date, ends_on: dt.date,
                   milestones: list[MilestoneState], checks: list[CheckState], as_of: dt.date,
                   rules=None) -> TaskStatus:
    """The tracking engine's verdict on a contracted project at ``as_of``."""
    spec = TaskSpec(key=key, title=title, start=starts_on, deadline=ends_on,
                    milestones=[Milestone(title=m.title, due=m.due_on, done_on=m.accepted_on) for m in milestones],
                    report_interval_days=max((ends_on - starts_on).days, 1))
    reports = []
    for c in sorted(checks, key=lambda c: c.held_on):
        if c.conclusion == "pass":
            completed = c.kind == "final"
            reports.append(ProgressReport(reported_on=c.held_on, status="completed" if completed else "in_progress",
                                          percent_complete=100.0 if completed else None, approval="approved"))
        else:
            reports.append(ProgressReport(reported_on=c.held_on, status="blocked", approval="approved"))
    return evaluate_task(spec, reports, as_of=as_of, rules=rules)


def standing(status: TaskStatus, *, terminated: bool = False) -> str:
    """The light in the words of the project office: completed, on time, at risk, late."""
    if terminated:
        return "terminated"
    if status.completed:
        return "completed"
    if status.light == "red" or "overdue" in status.flags:
        return "late"
    if status.light == "yellow" or "blocked" in status.flags:
        return "at_risk"
    if "not_started" in status.flags and status.time_elapsed in (None, 0.0):
        return "not_started"
    return "on_time"
