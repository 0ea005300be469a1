"""The 督查通报 of a month or a quarter, as data (pure).

What the office reports each period to the units it supervises: the lights of every
target (how many 绿/黄/红/灰), each red and yellow target with the reason tracking gave,
the overdue tasks grouped by lead unit, the 督办 work of the period, and the progress
since the last 通报 — which targets changed light, how the totals and the overdue count
moved. Every number is taken from the target board and task ledger of the period's last
day (:mod:`innodrive.services.board`) and from the previous 通报's sealed data; the
writer (:mod:`innodrive.reports.tongbao`) only lays it out.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, Field

from innodrive.errors import InputError
from innodrive.publication.state import LIGHT_NAMES, LIGHTS, TargetState, ordered, target_state, unit_of

_CN_Q = {"1": "一", "2": "二", "3": "三", "4": "四"}


def parse_bulletin_period(text: str) -> str:
    """A 通报 covers a month (``2024-06``), a quarter (``2024Q2``), a half or a year."""
    from innodrive.indicators.periods import parse_period

    p = parse_period(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p):
        raise InputError(f"通报的时期应为月份（2024-06）、季度（2024Q2）、半年或年份，不能是某一天“{text}”",
                         field="period")
    return p


def period_label(p: str) -> str:
    if len(p) == 4:
        return f"{p}年"
    if p[4] == "Q":
        return f"{p[:4]}年第{_CN_Q[p[5]]}季度"
    if p[4] == "H":
        return f"{p[:4]}年{'上' if p[5] == '1' else '下'}半年"
    return f"{p[:4]}年{int(p[5:7])}月"


def period_bounds(p: str) -> tuple[dt.date, dt.date]:
    from innodrive.indicators.periods import period_end

    end = period_end(p)
    year = int(p[:4])
    if len(p) == 4:
        return dt.date(year, 1, 1), end
    if p[4] == "Q":
        return dt.date(year, (int(p[5]) - 1) * 3 + 1, 1), end
    if p[4] == "H":
        return dt.date(year, 1 if p[5] == "1" else 7, 1), end
    return dt.date(year, int(p[5:7]), 1), end


def previous_period(p: str) -> str:
    year = int(p[:4])
    if len(p) == 4:
        return str(year - 1)
    if p[4] == "Q":
        q = int(p[5])
        return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"
    if p[4] == "H":
        return f"{year - 1}H2" if p[5] == "1" else f"{year}H1"
    m = int(p[5:7])
    return f"{year - 1}-12" if m == 1 else f"{year}-{m - 1:02d}"


class LightLine(BaseModel):
    light: str
    name: str
    count: int
    share: float


class TargetLine(TargetState):
    key: str = Field(description="the same across plan versions (innodrive.supervision.raising.target_key)")


class OverdueTask(BaseModel):
    task_id: int
    title: str
    plan: str
    deadline: dt.date | None
    days_overdue: int | None


class UnitOverdue(BaseModel):
    unit: str
    tasks_total: int
    overdue: int
    tasks: list[OverdueTask]


class LightChange(BaseModel):
    indicator: str
    before: str | None
    after: str | None
    direction: str = Field(description="better, worse, changed (to or from grey), new or gone")


class Progress(BaseModel):
    basis: str = Field(description="issued: the last issued 通报; recomputed: the board at the previous period's end")
    reference: str | None
    previous_period: str
    previous_as_of: dt.date
    totals_before: dict[str, int]
    overdue_before: int
    completed_before: int
    changes: list[LightChange]
    better: int
    worse: int


class SupervisionLine(BaseModel):
    raised: int
    closed: int
    open: int
    overdue: int
    escalated: int
    interviews: int


class Bulletin(BaseModel):
    period: str
    period_label: str
    start: dt.date
    as_of: dt.date
    region_code: str | None
    region_name: str | None
    rule_set: str | None
    targets_total: int
    lights: list[LightLine]
    red: list[TargetLine]
    yellow: list[TargetLine]
    tasks_total: int
    tasks_completed: int
    tasks_overdue: int
    overdue_by_unit: list[UnitOverdue]
    supervision: SupervisionLine | None
    progress: Progress | None
    target_lights: dict[str, str] = Field(description="target key → light (the next 通报 compares with these)")
    target_names: dict[str, str]
    data_notes: list[str] = Field(default_factory=list, description="sources marked as constructed or provisional")


def build_bulletin(period: str, target_board, task_board, *, region_name: str | None, target_keys: dict[int, str],
                   supervision: SupervisionLine | None = None, previous: Progress | None = None,
                   data_notes: list[str] | None = None) -> Bulletin:
    """The 通报 of ``period`` from the boards of its last day (``target_keys``: target id →
    the key that stays the same across plan versions)."""
    start, end = period_bounds(period)
    totals = ordered(dict(target_board.totals))
    n = len(target_board.lines)
    lights = [LightLine(light=k, name=LIGHT_NAMES.get(k, k), count=v, share=v / n if n else 0.0)
              for k, v in totals.items()]
    lines = [target_state(line, TargetLine, key=target_keys[line.target_id]) for line in target_board.lines]
    units: dict[str, UnitOverdue] = {}
    for k in task_board.lines:
        u = unit_of(k.task)
        group = units.setdefault(u, UnitOverdue(unit=u, tasks_total=0, overdue=0, tasks=[]))
        group.tasks_total += 1
        if "overdue" in k.status.flags:
            group.overdue += 1
            group.tasks.append(OverdueTask(task_id=k.task.id, title=k.task.title,
                                           plan=k.task.plan_title or f"计划 #{k.task.plan_id}", deadline=k.deadline,
                                           days_overdue=k.status.days_overdue))
    for g in units.values():
        g.tasks.sort(key=lambda t: (-(t.days_overdue or 0), t.task_id))
    overdue_units = sorted((g for g in units.values() if g.overdue), key=lambda g: (-g.overdue, g.unit))
    return Bulletin(
        period=period, period_label=period_label(period), start=start, as_of=end,
        region_code=target_board.region_code, region_name=region_name,
        rule_set=target_board.rule_set or task_board.rule_set, targets_total=n, lights=lights,
        red=[x for x in lines if x.light == "red"], yellow=[x for x in lines if x.light == "yellow"],
        tasks_total=len(task_board.lines), tasks_completed=sum(1 for k in task_board.lines if k.status.completed),
        tasks_overdue=sum(g.overdue for g in overdue_units), overdue_by_unit=overdue_units, supervision=supervision,
        progress=previous, target_lights={x.key: x.light for x in lines},
        target_names={x.key: x.indicator for x in lines}, data_notes=list(data_notes or []))


def _rank(light: str | None) -> int:
    order = {"green": 0, "blue": 0, "yellow": 1, "red": 2}
    return order.get(light or "", -1)


def compare(now: dict[str, str], names: dict[str, str], before: dict[str, str], before_names: dict[str, str], *,
            basis: str, reference: str | None, previous_period: str, previous_as_of: dt.date,
            totals_before: dict[str, int], overdue_before: int, completed_before: int) -> Progress:
    """What changed between the previous 通报's lights and this one's (grey = no judgement)."""
    changes = []
    for key in sorted(set(now) | set(before), key=lambda k: (names.get(k) or before_names.get(k) or "", k)):
        a, b = before.get(key), now.get(key)
        if a == b:
            continue
        if a is None:
            direction = "new"
        elif b is None:
            direction = "gone"
        elif _rank(a) < 0 or _rank(b) < 0:
            direction = "changed"  # to or from 灰灯: no judgement either way
        else:
            direction = "better" if _rank(b) < _rank(a) else "worse"
        changes.append(LightChange(indicator=names.get(key) or before_names.get(key) or key, before=a, after=b,
                                   direction=direction))
    return Progress(basis=basis, reference=reference, previous_period=previous_period, previous_as_of=previous_as_of,
                    totals_before=ordered(totals_before), overdue_before=overdue_before,
                    completed_before=completed_before, changes=changes,
                    better=sum(c.direction == "better" for c in changes),
                    worse=sum(c.direction == "worse" for c in changes))


__all__ = ["Bulletin", "LIGHTS", "LightChange", "LightLine", "OverdueTask", "Progress", "SupervisionLine",
           "TargetLine", "UnitOverdue", "build_bulletin", "compare", "parse_bulletin_period", "period_bounds",
           "period_label", "previous_period"]


def supervision_line(notices, start: dt.date, end: dt.date) -> SupervisionLine:
    """The 督办 work of ``start``..``end`` from the notices' events (as they stood at ``end``,
    whatever happened later): raised, closed, escalated and 约谈 within the period; open and
    overdue at its end."""
    raised = closed = escalated = interviews = open_ = overdue = 0
    for n in notices:
        events = [e for e in n.events if e.on <= end]
        if not events:
            continue
        raised += start <= n.raised_on <= end
        closed += any(e.kind == "close" and e.on >= start for e in events)
        escalated += sum(1 for e in events if e.kind == "escalate" and e.on >= start)
        interviews += sum(1 for e in events if e.kind == "interview" and e.on >= start)
        if any(e.kind == "close" for e in events):
            continue
        last = events[-1]
        if last.kind == "answer":
            continue
        open_ += 1
        deadline = next((e.deadline for e in reversed(events) if e.deadline is not None), None)
        overdue += deadline is not None and deadline < end
    return SupervisionLine(raised=raised, closed=closed, open=open_, overdue=overdue, escalated=escalated,
                           interviews=interviews)
