"""The task ledger: who leads, progress reports and their review, milestones, evidence.

A 责任单位 reports (报送) progress on its tasks with evidence; the office reviews it
(通过 or 退回 with a reason); only approved reports count. A person can set or correct
a task's 牵头单位 and 配合单位 when the document did not say them clearly; the
assignment survives later versions of the plan. A 责任单位 account acts on the tasks
of its own unit only.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from innodrive.blobs import BlobStore, Upload, default_blob_store
from innodrive.errors import InputError, NotFound
from innodrive.plans.models import Milestone, ProgressReport, Task
from innodrive.services.access import require
from innodrive.services.actor import Actor, Role
from innodrive.store import Store


class Assignment(BaseModel):
    task_id: int
    lead_units: list[str]
    co_units: list[str]
    before_lead: list[str]
    before_co: list[str]


class EvidenceContent(BaseModel):
    file_name: str
    sha256: str
    data: bytes


def _units(task: Task) -> list[str]:
    return [*task.lead_units, *task.co_units]


def get_task(store: Store, actor: Actor, task_id: int, *, permission: str = "tasks.read") -> Task:
    from innodrive.plans.progress import get_task as _get

    require(actor, permission)
    task = _get(store, task_id)
    require(actor, permission, region_code=task.region_code, check_region=True,
            units=_units(task) if actor.role == Role.UNIT else None, what=f"任务 {task_id}")
    return task


def report(store: Store, actor: Actor, *, task_id: int, as_of: dt.date, status: str, narrative: str,
           percent: float | None = None, unit: str | None = None, evidence: list[Upload] | None = None,
           milestone_id: int | None = None, today: dt.date | None = None,
           blobs: BlobStore | None = None) -> ProgressReport:
    """File a progress report on a task (it waits for review)."""
    from innodrive.plans.progress import report_progress

    get_task(store, actor, task_id, permission="tasks.report")
    if actor.role == Role.UNIT and not actor.local:
        unit = actor.unit
    return report_progress(store, task_id=task_id, as_of=as_of, status=status, narrative=narrative,
                           reporter=actor.username, percent=percent, unit=unit, evidence=list(evidence or []),
                           milestone_id=milestone_id, today=today, blobs=blobs)


def pending(store: Store, actor: Actor) -> list[ProgressReport]:
    """Reports waiting for review in the actor's scope, oldest first."""
    from innodrive.plans.progress import list_tasks, pending_reports

    require(actor, "tasks.review")
    reports = pending_reports(store)
    if actor.local or actor.region_code is None:
        return reports
    visible = {t.id for t in list_tasks(store, task_ids=sorted({r.task_id for r in reports}), include_retired=True)
               if actor.covers(t.region_code)}
    return [r for r in reports if r.task_id in visible]


def review(store: Store, actor: Actor, *, report_id: int, approve: bool, reason: str | None = None,
           blobs: BlobStore | None = None) -> ProgressReport:
    from innodrive.plans.progress import get_report, review_report

    require(actor, "tasks.review")
    r = get_report(store, report_id)
    get_task(store, actor, r.task_id, permission="tasks.review")
    return review_report(store, report_id=report_id, approve=approve, reviewer=actor.username, reason=reason,
                         blobs=blobs)


def add_milestone(store: Store, actor: Actor, *, task_id: int, title: str, due_date: dt.date) -> Milestone:
    from innodrive.plans.progress import add_milestone as _add

    get_task(store, actor, task_id, permission="tasks.assign")
    return _add(store, task_id=task_id, title=title, due_date=due_date, actor=actor.username)


def assign(store: Store, actor: Actor, *, task_id: int, lead: list[str] | None = None,
           co: list[str] | None = None) -> Assignment:
    """Set a task's 牵头单位 (``lead``) and/or 配合单位 (``co``); a list left ``None`` is kept.

    Audited with before and after; later versions of the plan keep a person's assignment.
    """
    from sqlalchemy import select

    from innodrive.plans.units import clean_units
    from innodrive.store import audit
    from innodrive.store.schema import TaskRow, TaskUnitRow, utcnow

    if lead is None and co is None:
        raise InputError("请给出牵头单位或配合单位（至少一项）", field="lead")
    task = get_task(store, actor, task_id, permission="tasks.assign")
    new_lead = clean_units(lead) if lead is not None else list(task.lead_units)
    new_co = clean_units(co) if co is not None else [u for u in task.co_units if u not in new_lead]
    new_co = [u for u in new_co if u not in new_lead]

    def work(session) -> Assignment:
        row = session.get(TaskRow, task_id, with_for_update=True)
        if row is None:
            raise NotFound(f"没有编号为 {task_id} 的任务", field="task")
        current = sorted(session.scalars(select(TaskUnitRow).where(TaskUnitRow.task_id == task_id)).all(),
                         key=lambda u: u.ordinal)
        before_lead = [u.unit for u in current if u.role == "lead"]
        before_co = [u.unit for u in current if u.role == "co"]
        for u in current:
            session.delete(u)
        session.flush()
        wanted = [("lead", u) for u in new_lead] + [("co", u) for u in new_co]
        session.add_all([TaskUnitRow(task_id=task_id, role=role, unit=unit, ordinal=i)
                         for i, (role, unit) in enumerate(wanted)])
        row.units_set_by, row.units_set_at = actor.username, utcnow()
        audit.record(session, actor=actor.username, action="task.assign", entity="task", entity_id=task_id,
                     summary=f"指定任务 {task_id}“{row.title}”的牵头单位：{'、'.join(new_lead) or '无'}；"
                             f"配合单位：{'、'.join(new_co) or '无'}",
                     before={"lead_units": before_lead, "co_units": before_co},
                     after={"lead_units": new_lead, "co_units": new_co})
        return Assignment(task_id=task_id, lead_units=new_lead, co_units=new_co, before_lead=before_lead,
                          before_co=before_co)

    return store.run(work)


def evidence(store: Store, actor: Actor, *, report_id: int, sha256: str,
             blobs: BlobStore | None = None) -> EvidenceContent:
    """The bytes of one piece of evidence of a report, checked against its hash."""
    from innodrive.errors import Conflict
    from innodrive.plans.progress import get_report

    require(actor, "evidence.read")
    r = get_report(store, report_id)
    get_task(store, actor, r.task_id, permission="evidence.read")
    e = next((e for e in r.evidence if e.sha256 == sha256), None)
    if e is None:
        raise NotFound(f"进展报送 {report_id} 没有该证明材料", field="evidence")
    blobs = blobs or default_blob_store()
    data = blobs.get(e.blob_key)
    from innodrive.blobs import sha256_hex

    if sha256_hex(data) != e.sha256:
        raise Conflict(f"证明材料“{e.file_name}”与报送时的 SHA-256 不符（已被改动）", field="evidence")
    return EvidenceContent(file_name=e.file_name, sha256=e.sha256, data=data)


__all__ = ["Assignment", "EvidenceContent", "add_milestone", "assign", "evidence", "get_task", "pending", "report",
           "review"]
