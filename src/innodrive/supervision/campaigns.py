"""专项督查 campaigns: which tasks to inspect, and 整改 items to closure (pure).

A campaign picks its tasks from the task ledger either by a declared rule (every task
with one of these lights or flags, of these units or plans) or by a seeded stratified
sample (the same sampler the 第三方评估 uses, so the choice can be shown to be nobody's
choice). Each picked task gets a finding (无问题 / 发现问题); a problem becomes one or
more 整改 items, each addressed to a unit with a requirement and a deadline, reported
on by the unit with evidence and closed (销号) or returned by the office.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from innodrive.evaluation.sampling import Design, Draw, FrameItem, draw
from innodrive.supervision.raising import TaskCandidate

Method = Literal["rule", "sample"]
Outcome = Literal["pending", "ok", "issue"]
OUTCOME_NAMES = {"pending": "待检查", "ok": "未发现问题", "issue": "发现问题"}
RectState = Literal["open", "reported", "closed"]
RECT_STATE_NAMES = {"open": "整改中", "reported": "已报整改结果待核验", "closed": "已销号"}
STRATA = {"unit": "牵头单位", "light": "灯色", "plan": "计划", "region": "地区"}


class Criteria(BaseModel):
    """Which tasks a rule-based campaign inspects (all given conditions must hold)."""

    model_config = ConfigDict(extra="forbid")
    lights: list[Literal["red", "yellow", "green", "blue", "grey"]] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list, description="any of these task flags")
    units: list[str] = Field(default_factory=list, description="lead unit is one of these")
    plan_ids: list[int] = Field(default_factory=list)
    include_completed: bool = False

    @model_validator(mode="after")
    def _something(self) -> Criteria:
        from innodrive.tracking.ruleset import TASK_FLAGS

        unknown = [f for f in self.flags if f not in TASK_FLAGS]
        if unknown:
            raise ValueError(f"不认识的任务标记：{'、'.join(unknown)}（可用：{'、'.join(TASK_FLAGS)}）")
        return self


class Pick(BaseModel):
    task_id: int
    plan_id: int
    unit: str | None
    subject: str
    why: str
    stratum: str | None = None
    weight: float | None = None


class Selection(BaseModel):
    method: Method
    picks: list[Pick]
    draw: Draw | None = None
    frame_size: int


def _subject(t: TaskCandidate) -> str:
    return f"任务“{t.title}”（{t.path}）"


def _completed(t: TaskCandidate) -> bool:
    return "completed" in t.flags


def select_by_rule(tasks: list[TaskCandidate], criteria: Criteria) -> Selection:
    picks = []
    eligible = [t for t in tasks if criteria.include_completed or not _completed(t)]
    for t in eligible:
        if criteria.lights and t.light not in criteria.lights:
            continue
        if criteria.flags and not any(f in t.flags for f in criteria.flags):
            continue
        if criteria.units and not any(u in criteria.units for u in t.lead_units):
            continue
        if criteria.plan_ids and t.plan_id not in criteria.plan_ids:
            continue
        reasons = [f"{t.label}"] + [f for f in criteria.flags if f in t.flags]
        picks.append(Pick(task_id=t.task_id, plan_id=t.plan_id, unit=t.lead_units[0] if t.lead_units else None,
                          subject=_subject(t), why="按规则选取：" + "，".join(reasons)))
    return Selection(method="rule", picks=picks, frame_size=len(eligible))


def task_attrs(t: TaskCandidate) -> dict[str, str]:
    return {"unit": t.lead_units[0] if t.lead_units else "（未明确）", "light": t.light,
            "plan": f"计划 #{t.plan_id}", "region": t.region_name or "（未知地区）"}


def select_by_sample(tasks: list[TaskCandidate], design: Design, seed: str, *,
                     include_completed: bool = False) -> Selection:
    unknown = [b for b in design.by if b not in STRATA]
    if unknown:
        from innodrive.errors import InputError

        raise InputError(f"不认识的分层变量：{'、'.join(unknown)}（可用：{'、'.join(STRATA)}）", field="by")
    eligible = [t for t in tasks if include_completed or not _completed(t)]
    by_id = {t.task_id: t for t in eligible}
    d = draw([FrameItem(id=t.task_id, attrs=task_attrs(t)) for t in eligible], design, seed)
    picks = []
    for item in d.items:
        t = by_id[item.id]
        picks.append(Pick(task_id=t.task_id, plan_id=t.plan_id, unit=t.lead_units[0] if t.lead_units else None,
                          subject=_subject(t), why=f"随机抽取（层：{item.stratum}）", stratum=item.stratum,
                          weight=item.weight))
    return Selection(method="sample", picks=picks, draw=d, frame_size=len(eligible))


class RectificationView(BaseModel):
    id: int
    state: RectState
    deadline: dt.date


def rectification_overdue(r: RectificationView, today: dt.date) -> int:
    """Days an open 整改 item is past its deadline (0 if not)."""
    if r.state == "closed":
        return 0
    return max(0, (today - r.deadline).days)


def campaign_close_problems(open_items: int, pending_findings: int) -> list[str]:
    problems = []
    if pending_findings:
        problems.append(f"还有 {pending_findings} 项任务未填写检查结论")
    if open_items:
        problems.append(f"还有 {open_items} 项整改未销号")
    return problems
