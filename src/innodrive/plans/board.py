"""The status boards: every target and every task of the stored plans at a date.

This is the edge where the store meets tracking. It loads the latest version of each
plan's targets, the current observations of their linked indicators for the plan's
region (and the province, for targets set against the provincial average), the tasks
with their reports, and hands them to the pure functions of :mod:`innodrive.tracking`,
which decide each light and its reason by a declared rule set. Nothing here decides a
light itself.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel

from innodrive.errors import InputError
from innodrive.indicators.observations import Observation, latest
from innodrive.indicators.periods import is_year, period_end
from innodrive.plans.models import StoredTarget, Task
from innodrive.plans.progress import list_tasks
from innodrive.plans.storage import list_plans, stored_targets
from innodrive.regions import all_regions
from innodrive.store import Store
from innodrive.store.reference import resolve_region


class TargetLine(BaseModel):
    """One line of the target board."""

    target_id: int
    plan_id: int
    plan_title: str | None
    region_code: str | None
    region_name: str | None
    stored: StoredTarget
    status: object  # innodrive.tracking.TargetStatus (kept loose so importing this module stays light)


class TaskLine(BaseModel):
    task: Task
    deadline: dt.date | None
    deadline_from_plan: bool
    status: object  # innodrive.tracking.TaskStatus


def region_filter(name: str | None) -> str | None:
    """The region code for a ``--region`` option, or a clear error."""
    if not name:
        return None
    code, problem = resolve_region(name)
    if code is None:
        raise InputError(problem, field="region")
    return code


def _point(o: Observation):
    from innodrive.tracking import ObservationPoint

    period: int | dt.date = int(o.period) if is_year(o.period) else period_end(o.period)
    return ObservationPoint(period=period, value=o.value, unit=o.unit, source=o.source, revision=o.revision,
                            note=o.note)


def _start_year(issued: str | None) -> int | None:
    m = re.match(r"(\d{4})", issued or "")
    return int(m[1]) if m else None


def _issued_date(issued: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(issued) if issued and len(issued) == 10 else None
    except ValueError:
        return None


def target_board(store: Store, *, as_of: dt.date, region: str | None = None, rules: str | None = None,
                 plan_id: int | None = None) -> list[TargetLine]:
    """Every target of the latest plan versions (of one region or plan), evaluated at ``as_of``."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.tracking import TargetSpec, evaluate_target, load_rules

    rule_set = load_rules(rules or "default")
    catalogue = load_catalogue()
    region_code = region_filter(region)
    plans = {p.id: p for p in list_plans(store)}
    targets = stored_targets(store, region_code=region_code, plan_id=plan_id)
    regions = all_regions()
    wanted_regions = {t.region_code for t in targets if t.region_code}
    provinces = {c: _province(c) for c in wanted_regions}
    codes = {t.indicator_code for t in targets if t.indicator_code}
    series: dict[tuple[str, str], list] = {}
    if codes:
        for o in latest(store, indicator_codes=codes, region_codes=wanted_regions | {p for p in provinces.values() if p}):
            series.setdefault((o.region_code, o.indicator_code), []).append(_point(o))
    lines = []
    for t in targets:
        plan = plans[t.plan_id]
        version = plan.versions[-1]
        r = regions.get(t.region_code) if t.region_code else None
        spec = TargetSpec.from_extracted(t.target, code=t.indicator_code, region=r.name if r else None,
                                         start_year=_start_year(version.issued), key=str(t.id))
        obs = series.get((t.region_code, t.indicator_code), []) if t.region_code and t.indicator_code else []
        province = provinces.get(t.region_code) if t.region_code else None
        reference = series.get((province, t.indicator_code)) if province and t.indicator_code else None
        status = evaluate_target(spec, obs, as_of=as_of, rules=rule_set, catalogue=catalogue, reference=reference)
        lines.append(TargetLine(target_id=t.id, plan_id=t.plan_id, plan_title=plan.title or version.file_name,
                                region_code=t.region_code, region_name=r.name if r else None, stored=t,
                                status=status))
    return lines


def _province(code: str) -> str | None:
    regions = all_regions()
    r = regions.get(code)
    while r is not None and r.level != "province":
        r = regions.get(r.parent) if r.parent else None
    return r.code if r is not None and r.code != code else None


def tracking_task(task: Task, *, start: dt.date | None = None, horizon: int | None = None):
    """The tracking view of a stored task (pure conversion).

    A task without a written time limit runs to the end of its plan's horizon (an
    annual 工作要点 to 31 December of its year, a 十四五 decision to 2025-12-31):
    时限制 gives every task a limit, and the plan's is the one the text sets.
    """
    from innodrive.tracking import Milestone as TMilestone
    from innodrive.tracking import ProgressReport as TReport
    from innodrive.tracking import TaskSpec as TTask

    done: dict[int, dt.date] = {}
    for r in task.approved_reports():
        if r.milestone_id is not None and r.status == "completed":
            done[r.milestone_id] = min(done.get(r.milestone_id, r.as_of), r.as_of)
    spec = TTask(key=str(task.id), title=task.title, lead_unit="、".join(task.lead_units) or None,
                 co_units=list(task.co_units), start=start,
                 deadline=task.due_date or (dt.date(horizon, 12, 31) if horizon else None),
                 milestones=[TMilestone(title=m.title, due=m.due_date, done_on=done.get(m.id)) for m in task.milestones])
    reports = [TReport(reported_on=r.as_of, status=r.status, percent_complete=r.percent, narrative=r.narrative,
                       evidence=[e.sha256 for e in r.evidence], reporter=r.reporter, approval=r.review_state)
               for r in task.reports]
    return spec, reports


def task_board(store: Store, *, as_of: dt.date, region: str | None = None, rules: str | None = None,
               plan_id: int | None = None, unit: str | None = None, overdue_only: bool = False) -> list[TaskLine]:
    """Every active task (of one region, plan or unit) with its deadline light at ``as_of``."""
    from innodrive.tracking import evaluate_task, load_rules

    rule_set = load_rules(rules or "default")
    region_code = region_filter(region)
    plans = {p.id: p for p in list_plans(store)}
    lines = []
    for task in list_tasks(store, plan_id=plan_id, region_code=region_code, unit=unit):
        versions = plans[task.plan_id].versions
        spec, reports = tracking_task(task, start=_issued_date(versions[0].issued), horizon=versions[-1].horizon)
        status = evaluate_task(spec, reports, as_of=as_of, rules=rule_set)
        if overdue_only and "overdue" not in status.flags:
            continue
        lines.append(TaskLine(task=task, deadline=spec.deadline, deadline_from_plan=task.due_date is None and
                              spec.deadline is not None, status=status))
    return lines
