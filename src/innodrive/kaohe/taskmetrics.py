"""What a unit's task ledger says for the 考核 (清单制+责任制+时限制), as facts with their tasks.

For each assessed unit the ledger gives the tasks it leads (or co-owns, if the
framework counts them) and their reports. Three measures, each explained by the tasks
behind it:

* ``tasks.on_time_rate`` — of the tasks due in the assessment year (deadline between
  1 January and the cut-off), the share completed by their deadline, completion
  taken only from an approved report (报送 → 审核 → 通过), in %;
* ``tasks.approved_report_rate`` — of the unit's reports reviewed in the year, the
  share approved rather than returned, in %;
* ``tasks.overdue_count`` — tasks past their deadline at the cut-off and not completed
  (whatever year they were due), for a deduction.

A unit with no task due has no on-time rate: unknown, or 100% when the framework
declares ``no_tasks: full``. Pure.
"""

from __future__ import annotations

import datetime as dt

from innodrive.kaohe.framework import TASK_METRICS, TaskPolicy
from innodrive.kaohe.model import Fact, Source, TaskFact

MAX_LISTED = 8


def _list(tasks: list[TaskFact]) -> str:
    shown = "；".join(f"#{t.task_id}“{t.title[:24]}”{('（' + t.reason + '）') if t.reason else ''}"
                     for t in tasks[:MAX_LISTED])
    more = f"等 {len(tasks)} 项" if len(tasks) > MAX_LISTED else ""
    return shown + more


def counted(tasks: list[TaskFact], policy: TaskPolicy) -> list[TaskFact]:
    return [t for t in tasks if t.excluded is None and (policy.role == "any" or t.role == "lead")]


def metrics(tasks: list[TaskFact], *, approved: int, returned: int, policy: TaskPolicy,
            cutoff: dt.date) -> dict[str, Fact]:
    """The three task measures of one unit, each with the tasks that make it."""
    mine = counted(tasks, policy)
    refs = {"task_ids": [t.task_id for t in mine]}
    due = [t for t in mine if t.due_in_year]
    on_time = [t for t in due if t.on_time]
    role = "牵头" if policy.role == "lead" else "牵头或配合"
    if due:
        rate = len(on_time) / len(due) * 100
        late = [t for t in due if not t.on_time]
        text = (f"截至 {cutoff.isoformat()}，本年度到期的{role}任务 {len(due)} 项，按期完成（审核通过）{len(on_time)} 项"
                + (f"：{_list(on_time)}" if on_time else "")
                + (f"；未按期完成 {len(late)} 项：{_list(late)}" if late else ""))
        on_time_fact = Fact(value=rate, unit="%", source=Source(kind="tasks", text=text, ref=refs))
    elif policy.no_tasks == "full":
        on_time_fact = Fact(value=100.0, unit="%", source=Source(
            kind="tasks", text=f"本年度没有到期的{role}任务，按框架规定（no_tasks: full）计为 100%", ref=refs))
    else:
        on_time_fact = Fact(value=None, unit="%", source=Source(
            kind="tasks", text=f"本年度没有到期的{role}任务，按期完成率未知", ref=refs))
    reviewed = approved + returned
    report_fact = Fact(
        value=approved / reviewed * 100 if reviewed else (100.0 if policy.no_tasks == "full" else None), unit="%",
        source=Source(kind="tasks", text=(f"本年度经审核的进展报送 {reviewed} 份：通过 {approved} 份，退回 {returned} 份"
                                          if reviewed else "本年度没有经审核的进展报送"), ref=refs))
    overdue = [t for t in mine if t.overdue]
    overdue_fact = Fact(value=float(len(overdue)), unit="项", source=Source(
        kind="tasks", text=(f"截至 {cutoff.isoformat()} 逾期未完成的{role}任务 {len(overdue)} 项"
                            + (f"：{_list(overdue)}" if overdue else "")), ref={"task_ids": [t.task_id for t in overdue]}))
    return {"tasks.on_time_rate": on_time_fact, "tasks.approved_report_rate": report_fact,
            "tasks.overdue_count": overdue_fact}


def task_fact(*, task_id: int, title: str, plan_title: str | None, role: str, deadline: dt.date | None,
              completed_on: dt.date | None, year: int, cutoff: dt.date, reason: str = "") -> TaskFact:
    """How one task counts: due in the year, done on time, overdue at the cut-off."""
    completed = completed_on is not None and completed_on <= cutoff
    due_in_year = deadline is not None and dt.date(year, 1, 1) <= deadline <= cutoff
    on_time = completed and deadline is not None and completed_on <= deadline
    overdue = deadline is not None and deadline < cutoff and not completed
    return TaskFact(task_id=task_id, title=title, plan_title=plan_title, role="lead" if role == "lead" else "co",
                    deadline=deadline, completed=completed, completed_on=completed_on if completed else None,
                    on_time=on_time, due_in_year=due_in_year, overdue=overdue, reason=reason)


__all__ = ["TASK_METRICS", "counted", "metrics", "task_fact"]
