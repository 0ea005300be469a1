"""Service requests in time: deadlines, overdue, escalation and the handling units' figures.

A request is routed to the unit its service declares, with that service's time limit
(``15个工作日``, ``7个自然日``) counted from the day after submission
(:mod:`.workdays`). Past its deadline and still unanswered it is *overdue*; the
escalation steps of the rules (``after: {days: n, unit: working}``: once more than n
days have passed since the deadline) raise it level by level — 催办, then 督办 — and
each step is recorded. Before the deadline, a request within the declared reminder
period is *due soon* (临期).

The 考核 of the handling units rests on figures over a period, computed as of a date
(:func:`unit_figures`) — reproducible: the same records and the same date give the
same figures whenever they are recomputed:

- **received**: requests submitted in the period (withdrawn ones left out);
- **answered / answered on time**: answered (resolved or declined) by the as-of date,
  and of those, on or before the deadline;
- **overdue open**: unanswered at the as-of date and past the deadline;
- **on-time rate** = answered on time ÷ (answered + overdue open): requests still
  within their limit are not judged yet;
- **average days**: mean calendar days (and working days) from submission to answer;
- **satisfaction**: of the rated requests, the share rated at least the declared
  level (基本满意 in the bundled example) and the mean score (1–5 on the 好差评 scale);
- **escalated**: requests escalated at least once by the as-of date.

Pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel

from innodrive.talent import workdays
from innodrive.talent.cards import DayCount, Escalation

OPEN, RESOLVED, DECLINED, WITHDRAWN = "open", "resolved", "declined", "withdrawn"
STATUS_LABELS = {OPEN: "办理中", RESOLVED: "已办结", DECLINED: "不予办理", WITHDRAWN: "已撤回"}


def deadline_for(submitted_on: dt.date, limit: DayCount) -> tuple[dt.date, list[str]]:
    """The last day to answer, and notes when the calendar of those years is not official."""
    day = workdays.add_days(submitted_on, limit.days, limit.unit)
    return day, workdays.notes(submitted_on, day)


def overdue_days(deadline: dt.date, as_of: dt.date, unit: str) -> int:
    """Days (of ``unit``) since the deadline, 0 when not past it."""
    return workdays.days_between(deadline, as_of, unit)  # type: ignore[arg-type]


def is_overdue(*, deadline: dt.date, answered_on: dt.date | None, as_of: dt.date) -> bool:
    return (answered_on is None or answered_on > as_of) and as_of > deadline


def due_soon(*, deadline: dt.date, as_of: dt.date, reminder: DayCount | None) -> bool:
    """Not yet overdue, and no more than the reminder period left."""
    if reminder is None or as_of > deadline:
        return False
    return workdays.days_between(as_of, deadline, reminder.unit) <= reminder.days


def escalation_due(*, deadline: dt.date, as_of: dt.date, steps: list[Escalation]) -> Escalation | None:
    """The highest escalation step reached on ``as_of`` (``None`` if none)."""
    reached = None
    for step in steps:
        if overdue_days(deadline, as_of, step.after.unit) > step.after.days:
            reached = step
    return reached


class RequestFacts(BaseModel):
    """What the figures need of one request."""

    unit: str
    submitted_on: dt.date
    deadline: dt.date
    status: str
    answered_on: dt.date | None = None
    satisfaction: int | None = None
    rated_on: dt.date | None = None
    escalated_on: dt.date | None = None


class UnitFigures(BaseModel):
    unit: str
    received: int
    answered: int
    answered_on_time: int
    overdue_open: int
    open_in_time: int
    on_time_rate: float | None
    average_days: float | None
    average_working_days: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    average_score: float | None
    escalated: int


def unit_figures(requests: Iterable[RequestFacts], *, start: dt.date, end: dt.date, as_of: dt.date,
                 satisfied_at_least: int) -> list[UnitFigures]:
    """Figures per unit for requests submitted in ``[start, end]``, judged on ``as_of``."""
    by_unit: dict[str, list[RequestFacts]] = {}
    for r in requests:
        if start <= r.submitted_on <= end and r.submitted_on <= as_of and r.status != WITHDRAWN:
            by_unit.setdefault(r.unit, []).append(r)
    out = []
    for unit, items in sorted(by_unit.items()):
        answered = [r for r in items if r.answered_on is not None and r.answered_on <= as_of]
        on_time = [r for r in answered if r.answered_on <= r.deadline]
        open_ = [r for r in items if r.answered_on is None or r.answered_on > as_of]
        overdue = [r for r in open_ if as_of > r.deadline]
        judged = len(answered) + len(overdue)
        days = [(r.answered_on - r.submitted_on).days for r in answered]
        wdays = [workdays.days_between(r.submitted_on, r.answered_on, "working") for r in answered]
        rated = [r for r in answered if r.satisfaction is not None and (r.rated_on is None or r.rated_on <= as_of)]
        satisfied = [r for r in rated if r.satisfaction >= satisfied_at_least]
        out.append(UnitFigures(
            unit=unit, received=len(items), answered=len(answered), answered_on_time=len(on_time),
            overdue_open=len(overdue), open_in_time=len(open_) - len(overdue),
            on_time_rate=len(on_time) / judged if judged else None,
            average_days=sum(days) / len(days) if days else None,
            average_working_days=sum(wdays) / len(wdays) if wdays else None,
            rated=len(rated), satisfied=len(satisfied),
            satisfaction_rate=len(satisfied) / len(rated) if rated else None,
            average_score=sum(r.satisfaction for r in rated) / len(rated) if rated else None,
            escalated=sum(1 for r in items if r.escalated_on is not None and r.escalated_on <= as_of),
        ))
    return out


__all__ = ["DECLINED", "OPEN", "RESOLVED", "STATUS_LABELS", "WITHDRAWN", "RequestFacts", "UnitFigures", "deadline_for",
           "due_soon", "escalation_due", "is_overdue", "overdue_days", "unit_figures"]
