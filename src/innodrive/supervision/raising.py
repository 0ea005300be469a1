"""Which board lines become a 督办单, to whom, by when (pure).

The service hands in the target board and the task ledger as
:mod:`innodrive.services.board` evaluated them (lights, flags, reasons: nothing is
recomputed here) and the sources that already have an open notice; :func:`propose`
applies the declared raise rules and returns the notices to raise and the lines it
could not raise, each with its reason (an overdue task whose 牵头单位 is not known
cannot be sent to anyone — the office names the unit first).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Literal

from pydantic import BaseModel, Field

from innodrive.supervision.ruleset import RaiseRule, SupervisionRules

SourceKind = Literal["target", "task", "manual"]
AddresseeKind = Literal["unit", "region"]


class TargetCandidate(BaseModel):
    """One line of the target board, as the rule run sees it."""

    target_id: int
    plan_id: int
    plan_title: str
    region_code: str | None
    region_name: str | None
    region_level: str | None
    indicator: str
    indicator_code: str | None
    kind: str
    value: float | None
    unit: str | None
    year: int | None
    goal: str
    section: str | None
    section_units: list[str] = Field(default_factory=list,
                                     description="lead units of the plan section that states the target")
    light: str
    label: str
    reason: str
    flags: list[str] = Field(default_factory=list)


class TaskCandidate(BaseModel):
    """One line of the task ledger, as the rule run sees it."""

    task_id: int
    plan_id: int
    plan_title: str
    region_code: str | None
    region_name: str | None
    title: str
    path: str
    lead_units: list[str]
    deadline: dt.date | None
    light: str
    label: str
    reason: str
    flags: list[str] = Field(default_factory=list)
    days_overdue: int | None = None


class NewNotice(BaseModel):
    """A 督办单 to raise: everything the notice freezes at raising."""

    source_kind: SourceKind
    source_key: str
    target_id: int | None = None
    task_id: int | None = None
    plan_id: int | None = None
    region_code: str | None
    subject: str
    reason: str
    light: str | None
    unit: str
    addressee_kind: AddresseeKind
    required_response: str
    deadline: dt.date
    rule_id: str | None


class Skipped(BaseModel):
    source_kind: SourceKind
    source_id: int
    subject: str
    why: str


class Proposal(BaseModel):
    as_of: dt.date
    rules: str
    notices: list[NewNotice]
    skipped: list[Skipped]
    already_open: int = Field(description="lines matching a rule that already have an open notice")


def target_key(t) -> str:
    """What makes a target the same target across plan versions (stored target ids change
    with each version): region, indicator (catalogue code, else the phrase without
    spaces), kind, value, unit and year. ``t`` is a candidate or a board line."""
    indicator = t.indicator_code or re.sub(r"\s+", "", t.indicator)
    value = None if t.value is None else round(float(t.value), 9)
    return "target:" + json.dumps([t.region_code, indicator, t.kind, value, t.unit, t.year], ensure_ascii=False,
                                  separators=(",", ":"))


def task_key(task_id: int) -> str:
    return f"task:{task_id}"


def _matches_target(rule: RaiseRule, t: TargetCandidate) -> bool:
    if rule.source != "target":
        return False
    if rule.lights and t.light not in rule.lights:
        return False
    return all(f in t.flags for f in rule.flags)


def _matches_task(rule: RaiseRule, t: TaskCandidate) -> bool:
    if rule.source != "task":
        return False
    if rule.lights and t.light not in rule.lights:
        return False
    if not all(f in t.flags for f in rule.flags):
        return False
    return not (rule.min_days_overdue and (t.days_overdue or 0) < rule.min_days_overdue)


def target_addressee(t: TargetCandidate, rules: SupervisionRules) -> tuple[str, AddresseeKind] | None:
    """Who answers for a target: a declared line by indicator, else the county's government
    for a county's target, else the lead unit of the section stating it."""
    by = rules.addressees.by_indicator
    for key in (t.indicator_code, t.indicator, re.sub(r"\s+", "", t.indicator)):
        if key and key in by:
            return by[key], "unit"
    if t.region_level == "county" and rules.addressees.county_target and t.region_name:
        return rules.addressees.county_target.format(region=t.region_name), "region"
    if t.section_units:
        return t.section_units[0], "unit"
    return None


def propose(targets: list[TargetCandidate], tasks: list[TaskCandidate], *, open_sources: set[str],
            rules: SupervisionRules, as_of: dt.date) -> Proposal:
    """The notices the declared raise rules ask for at ``as_of`` (first matching rule wins)."""
    notices: list[NewNotice] = []
    skipped: list[Skipped] = []
    already = 0
    for t in targets:
        rule = next((r for r in rules.raise_ if _matches_target(r, t)), None)
        if rule is None:
            continue
        key = target_key(t)
        if key in open_sources:
            already += 1
            continue
        subject = f"目标“{t.indicator}”（{t.goal}）"
        who = target_addressee(t, rules)
        if who is None:
            skipped.append(Skipped(source_kind="target", source_id=t.target_id, subject=subject,
                                   why="无法确定责任单位：规则未按指标声明责任单位，文件中陈述该目标的章节也未写明牵头单位；"
                                       "请人工发起督办并指定单位"))
            continue
        notices.append(NewNotice(
            source_kind="target", source_key=key, target_id=t.target_id, plan_id=t.plan_id, region_code=t.region_code,
            subject=subject, reason=f"{t.label}：{t.reason}", light=t.light, unit=who[0], addressee_kind=who[1],
            required_response=rule.response, deadline=as_of + dt.timedelta(days=rule.response_days), rule_id=rule.id))
        open_sources = open_sources | {key}
    for k in tasks:
        rule = next((r for r in rules.raise_ if _matches_task(r, k)), None)
        if rule is None:
            continue
        key = task_key(k.task_id)
        if key in open_sources:
            already += 1
            continue
        subject = f"任务“{k.title}”（{k.path}）"
        if not k.lead_units:
            skipped.append(Skipped(source_kind="task", source_id=k.task_id, subject=subject,
                                   why="牵头单位未明确：请先在任务台账中指定牵头单位"))
            continue
        notices.append(NewNotice(
            source_kind="task", source_key=key, task_id=k.task_id, plan_id=k.plan_id, region_code=k.region_code,
            subject=subject, reason=f"{k.label}：{k.reason}", light=k.light, unit=k.lead_units[0],
            addressee_kind="unit", required_response=rule.response,
            deadline=as_of + dt.timedelta(days=rule.response_days), rule_id=rule.id))
        open_sources = open_sources | {key}
    return Proposal(as_of=as_of, rules=rules.label, notices=notices, skipped=skipped, already_open=already)
