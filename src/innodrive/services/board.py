"""The boards: every target and every task at a date, with their lights, reasons and totals.

The target board is what the office looks at each week: for each target of the plans
in the actor's region, the baseline, the target, the latest actual value, the value the
path (序时进度) expects, the light and its reason, decided by a declared rule set. One
target stated in two documents of one region (a 决议 endorsing a 决定) is one line with
two sources. The task board is the ledger under 清单制+责任制+时限制: lead and co-units,
deadline, approved completion and the deadline light; a 责任单位 sees its own tasks.

A region filter covers the region and every region under it: a 市 office sees the
plans of its 区县 as well as its own. Every target and every task is evaluated once per
date and database version (:mod:`innodrive.store.derived`) and each actor's board is a
filtered view of that: the office of every region and the county opening its page at
the same time share one evaluation.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from pydantic import BaseModel, Field

from innodrive.services.access import require
from innodrive.services.actor import Actor, Role
from innodrive.store import Store

LIGHT_ORDER = ("red", "yellow", "green", "blue", "grey")


class PlanRef(BaseModel):
    id: int
    title: str
    target_id: int


class TargetLineView(BaseModel):
    target_id: int
    plans: list[PlanRef] = Field(description="the plan(s) stating this target, first one evaluated")
    region_code: str | None
    region_name: str | None
    indicator: str
    indicator_code: str | None
    kind: str
    value: float | int | None
    unit: str | None
    comparator: str | None
    year: int | None
    baseline_year: int | None
    basis: str | None
    note: str | None
    evidence: str
    status: object = Field(description="innodrive.tracking.TargetStatus")

    @property
    def plan_title(self) -> str:
        return self.plans[0].title


class TargetBoard(BaseModel):
    as_of: dt.date
    rule_set: str | None
    region_code: str | None
    region_note: str | None = None
    lines: list[TargetLineView]
    totals: dict[str, int] = Field(description="light → number of targets")


class TaskLineView(BaseModel):
    task: object = Field(description="innodrive.plans.models.Task")
    deadline: dt.date | None
    deadline_from_plan: bool
    status: object = Field(description="innodrive.tracking.TaskStatus")


class TaskBoard(BaseModel):
    as_of: dt.date
    rule_set: str | None
    lines: list[TaskLineView]
    totals: dict[str, int]
    due_within: int | None = None


def target_identity(t) -> tuple:
    """What makes two stored targets the same target: region, indicator (catalogue
    code, else the phrase without spaces), kind, value, unit and year."""
    indicator = t.indicator_code or re.sub(r"\s+", "", t.target.indicator)
    x = t.target
    value = None if x.value is None else round(float(x.value), 9)
    return (t.region_code, indicator, x.kind, value, x.unit, x.year, x.baseline_year,
            None if x.value is not None else (x.note or x.evidence.text))


@lru_cache(maxsize=512)
def regions_within(code: str) -> frozenset[str]:
    """The region and every region under it."""
    from innodrive.regions import all_regions

    regions = all_regions()
    out, todo = set(), [code]
    while todo:
        c = todo.pop()
        if c not in out:
            out.add(c)
            todo.extend(r.code for r in regions.children(c))
    return frozenset(out)


def _in_scope(region_code: str | None, code: str | None) -> bool:
    return code is None or (region_code is not None and region_code in regions_within(code))


def evaluated_targets(store: Store, *, as_of: dt.date, rules: str | None = None) -> list:
    """Every target of every plan evaluated at ``as_of`` (``innodrive.plans.board.TargetLine``),
    memoised until the database changes. Callers filter; they must not change the lines."""
    from innodrive.plans.board import target_board
    from innodrive.store import derived

    return derived.memo(store, ("board.targets", as_of, rules or "default"),
                        lambda: target_board(store, as_of=as_of, rules=rules))


def evaluated_tasks(store: Store, *, as_of: dt.date, rules: str | None = None) -> list:
    """Every active task evaluated at ``as_of`` (``innodrive.plans.board.TaskLine``),
    memoised until the database changes. Callers filter; they must not change the lines."""
    from innodrive.plans.board import task_board
    from innodrive.store import derived

    return derived.memo(store, ("board.tasks", as_of, rules or "default"),
                        lambda: task_board(store, as_of=as_of, rules=rules))


def _region(actor: Actor, region: str | None):
    from innodrive.regions import resolve

    if region:
        r = resolve(region, field="region")
        require(actor, "board.read", region_code=r.code, what=r.name)
        return r
    return None


def targets(store: Store, actor: Actor, *, as_of: dt.date, region: str | None = None, rules: str | None = None,
            plan_id: int | None = None) -> TargetBoard:
    require(actor, "board.read")
    r = _region(actor, region)
    code = r.code if r else (actor.region_code if not actor.local else None)
    groups: dict[tuple, TargetLineView] = {}
    lines: list[TargetLineView] = []
    for line in evaluated_targets(store, as_of=as_of, rules=rules):
        if plan_id is not None and line.plan_id != plan_id:
            continue
        if not _in_scope(line.region_code, code) or not actor.covers(line.region_code):
            continue
        t = line.stored
        ref = PlanRef(id=line.plan_id, title=line.plan_title or f"计划 #{line.plan_id}", target_id=line.target_id)
        key = target_identity(t)
        if key in groups:
            if all(p.id != ref.id for p in groups[key].plans):
                groups[key].plans.append(ref)
            continue
        x = t.target
        view = TargetLineView(target_id=line.target_id, plans=[ref], region_code=line.region_code,
                              region_name=line.region_name, indicator=x.indicator, indicator_code=t.indicator_code,
                              kind=x.kind, value=x.value, unit=x.unit, comparator=x.comparator, year=x.year,
                              baseline_year=x.baseline_year, basis=x.basis, note=x.note, evidence=x.evidence.text,
                              status=line.status)
        groups[key] = view
        lines.append(view)
    totals: dict[str, int] = {}
    for v in lines:
        totals[v.status.light] = totals.get(v.status.light, 0) + 1
    rule_set = lines[0].status.rule_set if lines else None
    return TargetBoard(as_of=as_of, rule_set=rule_set, region_code=code, region_note=r.note if r else None,
                       lines=lines, totals=dict(sorted(totals.items(), key=lambda kv: LIGHT_ORDER.index(kv[0])
                                                       if kv[0] in LIGHT_ORDER else 9)))


def tasks(store: Store, actor: Actor, *, as_of: dt.date, region: str | None = None, rules: str | None = None,
          plan_id: int | None = None, unit: str | None = None, overdue: bool = False,
          due_within: int | None = None) -> TaskBoard:
    """The task ledger at ``as_of``; with ``overdue``, the tasks overdue and those due
    within ``due_within`` days (not yet completed)."""
    from innodrive.errors import InputError

    require(actor, "tasks.read")
    if due_within is not None and not 0 <= due_within <= 3650:
        raise InputError(f"天数应在 0 到 3650 之间，实际为 {due_within}", field="due_within")
    r = _region(actor, region)
    code = r.code if r else (actor.region_code if not actor.local else None)
    if actor.role == Role.UNIT and not actor.local:
        unit = actor.unit or "（未指定单位）"
    lines = []
    for line in evaluated_tasks(store, as_of=as_of, rules=rules):
        t = line.task
        if plan_id is not None and t.plan_id != plan_id:
            continue
        if unit and not any(unit in u for u in (*t.lead_units, *t.co_units)):
            continue
        if not _in_scope(t.region_code, code) or not actor.covers(t.region_code):
            continue
        s = line.status
        if overdue:
            soon = (due_within is not None and not s.completed and s.days_to_deadline is not None
                    and 0 <= s.days_to_deadline <= due_within)
            if "overdue" not in s.flags and not soon:
                continue
        lines.append(TaskLineView(task=line.task, deadline=line.deadline, deadline_from_plan=line.deadline_from_plan,
                                  status=s))
    totals: dict[str, int] = {}
    for v in lines:
        totals[v.status.light] = totals.get(v.status.light, 0) + 1
    return TaskBoard(as_of=as_of, rule_set=lines[0].status.rule_set if lines else None, lines=lines, totals=totals,
                     due_within=due_within if overdue else None)


__all__ = ["PlanRef", "TargetBoard", "TargetLineView", "TaskBoard", "TaskLineView", "evaluated_targets", "evaluated_tasks",
           "regions_within", "target_identity", "targets", "tasks"]
