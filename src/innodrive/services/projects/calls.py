"""Use cases of calls (榜单 / 指南): declare, list, show."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from innodrive.errors import Conflict, NotFound
from innodrive.projects.db import ApplicationRow, CallRow
from innodrive.projects.eligibility import build_rules
from innodrive.projects.specs import CallSpec
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.services.projects.common import call_row, call_summary, call_view, guard, region_code_of, today
from innodrive.services.projects.views import CallSummary, CallView
from innodrive.store import audit
from innodrive.store.schema import utcnow


def declare_call(store, actor: Actor, spec: CallSpec, *, file: str | None = None, replace: bool = False,
                 on: dt.date | None = None) -> CallView:
    """Publish a call, or replace one that has no application yet (``replace``).

    The eligibility rules are checked (every problem named) before anything is stored.
    """
    region_code = region_code_of(spec.region)
    require(actor, "projects.calls.write", region_code=region_code, check_region=True, what=spec.title)
    build_rules(code=spec.code, title=spec.title, source=spec.source, eligibility=spec.eligibility, file=file)
    data = spec.model_dump(mode="json", by_alias=True)

    def work(session) -> CallView:
        if spec.plan_task is not None:
            from innodrive.store.schema import TaskRow

            if session.get(TaskRow, spec.plan_task) is None:
                raise NotFound(f"没有编号为 {spec.plan_task} 的计划任务：榜单须对应活计划中已有的任务", file=file,
                               field="plan_task")
        row = session.scalar(select(CallRow).where(CallRow.code == spec.code))
        values = dict(code=spec.code, title=spec.title, kind=spec.kind, problem=spec.problem, issuer=spec.issuer,
                      region_code=region_code, field=spec.field, quota=spec.quota, max_awards=spec.max_awards,
                      opens_on=spec.opens_on, deadline=spec.deadline, plan_task_id=spec.plan_task,
                      source=spec.source, spec=data, constructed=spec.constructed)
        if row is not None:
            if not replace:
                raise Conflict(f"榜单编号“{spec.code}”已存在（如需修改，请选择替换）", file=file, field="code")
            guard(actor, "projects.calls.write", row)
            n = session.scalar(select(func.count(ApplicationRow.id)).where(ApplicationRow.call_id == row.id))
            if n:
                raise Conflict(f"榜单“{spec.code}”已收到 {n} 份申报，不能再修改；如需调整请发布补充榜单", file=file)
            before = dict(row.spec)
            for k, v in values.items():
                setattr(row, k, v)
            audit.record(session, actor=actor.username, action="project_call.revise", entity="project_call",
                         entity_id=row.id, summary=f"修改榜单“{spec.title}”（{spec.code}）", before=before, after=data)
        else:
            row = CallRow(**values, created_at=utcnow(), created_by=actor.username)
            session.add(row)
            session.flush()
            audit.record(session, actor=actor.username, action="project_call.publish", entity="project_call",
                         entity_id=row.id, summary=f"发布榜单“{spec.title}”（{spec.code}，榜额 {spec.quota:g} 万元）",
                         after=data)
        session.flush()
        return call_view(session, row, on or today())

    return store.run(work)


def list_calls(store, actor: Actor, *, on: dt.date | None = None) -> list[CallSummary]:
    """Calls within the actor's region, newest deadline first."""
    require(actor, "projects.read")
    with store.read() as session:
        rows = session.scalars(select(CallRow).order_by(CallRow.deadline.desc(), CallRow.id.desc())).all()
        return [call_summary(session, r, on or today()) for r in rows if actor.covers(r.region_code)]


def get_call(store, actor: Actor, code: str, *, on: dt.date | None = None) -> CallView:
    require(actor, "projects.read")
    with store.read() as session:
        row = call_row(session, code)
        guard(actor, "projects.read", row)
        return call_view(session, row, on or today())


def calls_for_task(store, actor: Actor, task_id: int, *, on: dt.date | None = None) -> list[CallSummary]:
    """The calls that serve one plan task (the link from the plan to its projects)."""
    require(actor, "projects.read")
    with store.read() as session:
        rows = session.scalars(select(CallRow).where(CallRow.plan_task_id == task_id).order_by(CallRow.id)).all()
        return [call_summary(session, r, on or today()) for r in rows if actor.covers(r.region_code)]
