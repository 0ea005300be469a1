"""The plan's state as the 人大 sees it (pure): targets, tasks, 督办 and 评估 in one model.

The 人大常委会 hears a 专项工作报告 on how the plan is carried out and inspects it: how
many targets are on track, which lag and why, which units' tasks are overdue, how many
督办单 were needed and how they ended, what the third-party evaluation found. This
module turns the boards and the summaries the services give into that one model —
numbers only from them, nothing recomputed — which the 人大 view shows live and a
published ``npc`` snapshot freezes.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

LIGHTS = ("red", "yellow", "green", "blue", "grey")
LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯", "blue": "蓝灯"}


class TargetState(BaseModel):
    target_id: int
    plan: str
    region_name: str | None
    indicator: str
    goal: str
    light: str
    label: str
    reason: str
    latest_value: float | None
    latest_period: str | None
    expected_value: float | None
    unit: str | None
    progress: float | None = None


class UnitTasks(BaseModel):
    unit: str
    total: int
    completed: int
    overdue: int
    lights: dict[str, int]


class OverdueTask(BaseModel):
    task_id: int
    unit: str
    title: str
    plan: str
    deadline: dt.date | None
    days_overdue: int | None
    reason: str


class EvaluationLine(BaseModel):
    sample: str
    seed: str
    sampled: int
    judged: int
    discrepant: int
    rate: float | None
    lower: float | None
    upper: float | None
    method: str
    level: float


class PlanState(BaseModel):
    region_code: str | None
    region_name: str | None
    as_of: dt.date
    rule_set: str | None
    plans: list[str]
    target_totals: dict[str, int]
    targets: list[TargetState]
    task_totals: dict[str, int] = Field(description="light → tasks")
    tasks_total: int
    tasks_completed: int
    tasks_overdue: int
    tasks_by_unit: list[UnitTasks]
    overdue_tasks: list[OverdueTask]
    supervision: dict | None = Field(default=None, description="innodrive.services.supervision.SupervisionSummary")
    evaluation: list[EvaluationLine] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def ordered(counts: dict[str, int]) -> dict[str, int]:
    return {k: counts.get(k, 0) for k in LIGHTS if counts.get(k)} | {k: v for k, v in counts.items() if k not in LIGHTS}


def unit_of(task) -> str:
    return task.lead_units[0] if task.lead_units else "（牵头单位未明确）"


def target_state(line, cls: type[TargetState] = TargetState, **extra) -> TargetState:
    """One target board line (:class:`innodrive.services.board.TargetLineView`) as these
    documents show it: what it is, its goal, its light and the reason tracking gave."""
    from innodrive.plans.wording import goal_of

    s = line.status
    return cls(target_id=line.target_id, plan=line.plans[0].title, region_name=line.region_name,
               indicator=line.indicator, goal=goal_of(line), light=s.light, label=s.label, reason=s.reason,
               latest_value=s.latest_value, latest_period=s.latest_period, expected_value=s.expected_value,
               unit=s.unit, progress=s.progress, **extra)


def build_state(target_board, task_board, *, region_name: str | None, supervision=None,
                evaluation: list[EvaluationLine] | None = None) -> PlanState:
    """The plan's state from a target board and a task board of the same date
    (:mod:`innodrive.services.board` views) and the optional summaries."""
    targets = [target_state(line) for line in target_board.lines]
    targets.sort(key=lambda t: (LIGHTS.index(t.light) if t.light in LIGHTS else 9, t.target_id))
    units: dict[str, UnitTasks] = {}
    overdue = []
    for k in task_board.lines:
        u = unit_of(k.task)
        line = units.setdefault(u, UnitTasks(unit=u, total=0, completed=0, overdue=0, lights={}))
        line.total += 1
        line.completed += bool(k.status.completed)
        is_overdue = "overdue" in k.status.flags
        line.overdue += is_overdue
        line.lights[k.status.light] = line.lights.get(k.status.light, 0) + 1
        if is_overdue:
            overdue.append(OverdueTask(task_id=k.task.id, unit=u, title=k.task.title,
                                       plan=k.task.plan_title or f"计划 #{k.task.plan_id}", deadline=k.deadline,
                                       days_overdue=k.status.days_overdue, reason=k.status.reason))
    overdue.sort(key=lambda o: (o.unit, -(o.days_overdue or 0), o.task_id))
    plans = sorted({line.plans[0].title for line in target_board.lines} |
                   {k.task.plan_title or f"计划 #{k.task.plan_id}" for k in task_board.lines})
    return PlanState(
        region_code=target_board.region_code, region_name=region_name, as_of=target_board.as_of,
        rule_set=target_board.rule_set or task_board.rule_set, plans=plans,
        target_totals=ordered(dict(target_board.totals)), targets=targets,
        task_totals=ordered(dict(task_board.totals)), tasks_total=len(task_board.lines),
        tasks_completed=sum(1 for k in task_board.lines if k.status.completed),
        tasks_overdue=len(overdue), tasks_by_unit=sorted(units.values(), key=lambda x: (-x.overdue, x.unit)),
        overdue_tasks=overdue,
        supervision=supervision.model_dump(mode="json") if supervision is not None else None,
        evaluation=list(evaluation or []))
