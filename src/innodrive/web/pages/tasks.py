"""任务台账 (清单制 + 责任制 + 时限制): the ledger, one task, reports with evidence, review,
units, the XLSX export — over :mod:`innodrive.services.board` and :mod:`innodrive.services.tasks`.

A 责任单位 sees and reports on its own tasks only (the services decide); the office
approves or returns each report with a comment; only approved reports count.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.blobs import Upload
from innodrive.plans.models import REVIEW_STATE_NAMES, TASK_STATUS_NAMES, ProgressReport, Task
from innodrive.services import board as board_service
from innodrive.services import tasks as task_service
from innodrive.services.access import can
from innodrive.services.board import TaskBoard
from innodrive.services.tasks import Assignment
from innodrive.web import render
from innodrive.web.guard import ActorDep, Id, OptionalId, make_router, route
from innodrive.web.uploads import EVIDENCE, read_upload

router = make_router()
MAX_EVIDENCE = 10


class LedgerFilters(BaseModel):
    plan: int | None = None
    overdue: bool = False
    unit: str | None = None
    as_of: dt.date | None = None


class LedgerPage(BaseModel):
    ledger: TaskBoard
    filters: LedgerFilters
    pending: int


class TaskPage(BaseModel):
    task: Task
    line: object | None
    can_report: bool
    can_review: bool
    can_assign: bool
    can_see_evidence: bool
    today: dt.date
    statuses: dict[str, str]
    message: str | None = None


def _ledger(request: Request, actor, f: LedgerFilters) -> TaskBoard:
    return board_service.tasks(request.app.state.store, actor, as_of=f.as_of or dt.date.today(), plan_id=f.plan,
                               unit=f.unit, overdue=f.overdue, due_within=30 if f.overdue else None)


def _filters(plan, overdue, unit, as_of) -> LedgerFilters:
    return LedgerFilters(plan=plan, overdue=bool(overdue), unit=(unit or "").strip() or None, as_of=as_of)


@route(router, "tasks")
def tasks(request: Request, actor: ActorDep, plan: OptionalId = None,
          overdue: Annotated[bool, Query()] = False, unit: Annotated[str | None, Query(max_length=100)] = None,
          as_of: Annotated[dt.date | None, Query()] = None) -> Response:
    f = _filters(plan, overdue, unit, as_of)
    pending = len(task_service.pending(request.app.state.store, actor)) if can(actor, "tasks.review") else 0
    page = LedgerPage(ledger=_ledger(request, actor, f), filters=f, pending=pending)
    return render.page(request, "tasks.html", page, title="任务台账", REVIEW=REVIEW_STATE_NAMES,
                       STATUS=TASK_STATUS_NAMES, request_query=request.url.query)


@route(router, "tasks_xlsx")
def tasks_xlsx(request: Request, actor: ActorDep, plan: OptionalId = None,
               overdue: Annotated[bool, Query()] = False, unit: Annotated[str | None, Query(max_length=100)] = None,
               as_of: Annotated[dt.date | None, Query()] = None) -> Response:
    from innodrive.reports.workbooks import task_ledger

    ledger = _ledger(request, actor, _filters(plan, overdue, unit, as_of))
    data = task_ledger(ledger, title=f"任务台账（{render.scope_label(actor) or '全部'}）")
    name = f"任务台账_{ledger.as_of.isoformat()}.xlsx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@route(router, "api_tasks", response_model=TaskBoard)
def api_tasks(request: Request, actor: ActorDep, plan: OptionalId = None,
              overdue: Annotated[bool, Query()] = False, unit: Annotated[str | None, Query(max_length=100)] = None,
              as_of: Annotated[dt.date | None, Query()] = None) -> TaskBoard:
    return _ledger(request, actor, _filters(plan, overdue, unit, as_of))


def _task_page(request: Request, actor, task_id: Id, message: str | None = None) -> TaskPage:
    store = request.app.state.store
    task = task_service.get_task(store, actor, task_id)
    lines = board_service.tasks(store, actor, as_of=dt.date.today(), plan_id=task.plan_id).lines
    line = next((x for x in lines if x.task.id == task_id), None)
    return TaskPage(task=task, line=line, can_report=can(actor, "tasks.report"), can_review=can(actor, "tasks.review"),
                    can_assign=can(actor, "tasks.assign"), can_see_evidence=can(actor, "evidence.read"),
                    today=dt.date.today(), statuses=TASK_STATUS_NAMES, message=message)


def _render_task(request: Request, page: TaskPage) -> Response:
    return render.page(request, "task.html", page, title=page.task.title[:40], REVIEW=REVIEW_STATE_NAMES,
                       STATUS=TASK_STATUS_NAMES)


@route(router, "task")
def task(request: Request, actor: ActorDep, task_id: Id) -> Response:
    return _render_task(request, _task_page(request, actor, task_id))


@route(router, "api_task", response_model=Task)
def api_task(request: Request, actor: ActorDep, task_id: Id) -> Task:
    return task_service.get_task(request.app.state.store, actor, task_id)


async def _evidence(files: list[UploadFile] | None) -> list[Upload]:
    uploads = []
    for f in [f for f in (files or []) if getattr(f, "filename", None)]:
        name, data = await read_upload(f, allowed=EVIDENCE, what="证明材料")
        uploads.append(Upload(name=name, data=data))
    if len(uploads) > MAX_EVIDENCE:
        from innodrive.errors import InputError

        raise InputError(f"一次最多上传 {MAX_EVIDENCE} 个证明材料", field="evidence")
    return uploads


async def _report(request: Request, actor, task_id: Id, *, as_of: dt.date | None, status: str, percent: float | None,
                  narrative: str, evidence: list[UploadFile] | None) -> ProgressReport:
    from starlette.concurrency import run_in_threadpool

    uploads = await _evidence(evidence)
    return await run_in_threadpool(lambda: task_service.report(
        request.app.state.store, actor, task_id=task_id, as_of=as_of or dt.date.today(), status=status,
        narrative=narrative, percent=percent, evidence=uploads))


@route(router, "task_report")
async def task_report(request: Request, actor: ActorDep, task_id: Id,
                      as_of: Annotated[dt.date | None, Form()] = None,
                      status: Annotated[str, Form(max_length=20)] = "",
                      percent: Annotated[float | None, Form(ge=0, le=100)] = None,
                      narrative: Annotated[str, Form(max_length=5000)] = "",
                      evidence: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    r = await _report(request, actor, task_id, as_of=as_of, status=status, percent=percent, narrative=narrative,
                      evidence=evidence)
    page = await run_in_threadpool(_task_page, request, actor, task_id,
                                   f"已报送进展（第 {r.id} 号，{len(r.evidence)} 个证明材料），等待创新办审核")
    return _render_task(request, page)


@route(router, "api_task_report", response_model=ProgressReport)
async def api_task_report(request: Request, actor: ActorDep, task_id: Id,
                          status: Annotated[str, Form(max_length=20)],
                          narrative: Annotated[str, Form(max_length=5000)],
                          as_of: Annotated[dt.date | None, Form()] = None,
                          percent: Annotated[float | None, Form(ge=0, le=100)] = None,
                          evidence: Annotated[list[UploadFile] | None, File()] = None) -> ProgressReport:
    return await _report(request, actor, task_id, as_of=as_of, status=status, percent=percent, narrative=narrative,
                         evidence=evidence)


@route(router, "report_review")
def report_review(request: Request, actor: ActorDep, report_id: Id,
                  decision: Annotated[str, Form(max_length=10)] = "",
                  comment: Annotated[str, Form(max_length=2000)] = "") -> Response:
    r = _review(request, actor, report_id, decision, comment)
    verb = "通过" if r.review_state == "approved" else "退回"
    return _render_task(request, _task_page(request, actor, r.task_id, f"已{verb}第 {r.id} 号报送"))


def _review(request: Request, actor, report_id: Id, decision: str, comment: str) -> ProgressReport:
    from innodrive.errors import InputError

    if decision not in ("approve", "return"):
        raise InputError("请选择“通过”或“退回”", field="decision")
    if decision == "return" and not comment.strip():
        raise InputError("退回时请写明退回理由", field="comment")
    return task_service.review(request.app.state.store, actor, report_id=report_id, approve=decision == "approve",
                               reason=comment.strip() or None)


class ReviewBody(BaseModel):
    decision: str
    comment: str = ""


@route(router, "api_report_review", response_model=ProgressReport)
def api_report_review(request: Request, actor: ActorDep, report_id: Id, body: ReviewBody) -> ProgressReport:
    return _review(request, actor, report_id, body.decision, body.comment)


@route(router, "api_reports_pending", response_model=list[ProgressReport])
def api_reports_pending(request: Request, actor: ActorDep) -> list[ProgressReport]:
    return task_service.pending(request.app.state.store, actor)


def _units(text: str) -> list[str]:
    from innodrive.plans.corrections import units

    return units(text)


@route(router, "task_units")
def task_units(request: Request, actor: ActorDep, task_id: Id, lead: Annotated[str, Form(max_length=1000)] = "",
               co: Annotated[str, Form(max_length=1000)] = "") -> Response:
    a = task_service.assign(request.app.state.store, actor, task_id=task_id, lead=_units(lead), co=_units(co))
    message = f"已指定牵头单位：{'、'.join(a.lead_units) or '无'}；配合单位：{'、'.join(a.co_units) or '无'}"
    return _render_task(request, _task_page(request, actor, task_id, message))


class UnitsBody(BaseModel):
    lead: list[str] | None = None
    co: list[str] | None = None


@route(router, "api_task_units", response_model=Assignment)
def api_task_units(request: Request, actor: ActorDep, task_id: Id, body: UnitsBody) -> Assignment:
    return task_service.assign(request.app.state.store, actor, task_id=task_id, lead=body.lead, co=body.co)


@route(router, "evidence")
def evidence(request: Request, actor: ActorDep, report_id: Id, sha256: str) -> Response:
    content = task_service.evidence(request.app.state.store, actor, report_id=report_id, sha256=sha256)
    return Response(content.data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(content.file_name)}",
        "X-Content-Type-Options": "nosniff"})
