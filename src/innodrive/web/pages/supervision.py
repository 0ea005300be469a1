"""督查督办, 专项督查 and 督查通报 pages and API — over :mod:`innodrive.services.supervision`.

The office raises notices (by the declared rules, after a preview, or by hand), decides
on answers, escalates and records 约谈; a 责任单位 sees and answers only its own notices
and 整改 items (the services decide); the 通报 page previews a period's 通报, issues it
under a 文号 and serves its Word, PDF and XLSX files.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from innodrive.blobs import Upload
from innodrive.errors import InputError
from innodrive.services import supervision as sv
from innodrive.services.access import can
from innodrive.services.supervision import CampaignView, NoticeList, NoticeView, RunResult, TongbaoView
from innodrive.supervision.campaigns import Criteria
from innodrive.web import render
from innodrive.web.guard import ActorDep, Id, make_router, route
from innodrive.web.uploads import EVIDENCE, read_upload

router = make_router()
MAX_EVIDENCE = 10
Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=200)]
PERIOD = Annotated[str, Path(pattern=r"^\d{4}(Q[1-4]|H[12]|-\d{2})?$", max_length=7)]
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download(data: bytes, name: str, fmt: str) -> Response:
    return Response(data, media_type=FORMATS.get(fmt, "application/octet-stream"), headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "X-Content-Type-Options": "nosniff"})


def document_bytes(files, fmt: str) -> tuple[bytes, str]:
    """The document (docx/pdf) or its XLSX appendix, and the file name to give it."""
    from innodrive.reports import render as render_document
    from innodrive.reports.xlsx import render_xlsx

    if fmt == "xlsx":
        return render_xlsx(files.appendix), f"{files.name}_附件.xlsx"
    if fmt not in ("docx", "pdf"):
        raise InputError("格式应为 docx、pdf 或 xlsx", field="fmt")
    return render_document(files.document, fmt), f"{files.name}.{fmt}"


async def uploads(files: list[UploadFile] | None) -> list[Upload]:
    found = []
    for f in [f for f in (files or []) if getattr(f, "filename", None)]:
        name, data = await read_upload(f, allowed=EVIDENCE, what="佐证材料")
        found.append(Upload(name=name, data=data))
    if len(found) > MAX_EVIDENCE:
        raise InputError(f"一次最多上传 {MAX_EVIDENCE} 个佐证材料", field="evidence")
    return found


# -- 督查督办 ---------------------------------------------------------------------------------


class DubanPage(BaseModel):
    notices: NoticeList
    state: str | None
    overdue: bool
    can_raise: bool
    run: RunResult | None = None
    message: str | None = None
    today: dt.date


def _list_page(request: Request, actor, *, state: str | None = None, overdue: bool = False,
               run: RunResult | None = None, message: str | None = None) -> Response:
    store = request.app.state.store
    page = DubanPage(notices=sv.list_notices(store, actor, state=state or None, overdue=overdue), state=state,
                     overdue=overdue, can_raise=can(actor, "duban.raise"), run=run, message=message,
                     today=dt.date.today())
    return render.page(request, "duban.html", page, title="督查督办")


@route(router, "duban")
def duban(request: Request, actor: ActorDep, state: Annotated[str | None, Query(max_length=10)] = None,
          overdue: Annotated[bool, Query()] = False) -> Response:
    return _list_page(request, actor, state=state, overdue=overdue)


@route(router, "api_duban", response_model=NoticeList)
def api_duban(request: Request, actor: ActorDep, state: Annotated[str | None, Query(max_length=10)] = None,
              overdue: Annotated[bool, Query()] = False) -> NoticeList:
    return sv.list_notices(request.app.state.store, actor, state=state or None, overdue=overdue)


def _run(request: Request, actor, *, as_of: dt.date | None, dry_run: bool) -> RunResult:
    return sv.run_rules(request.app.state.store, actor, as_of=as_of or dt.date.today(), dry_run=dry_run)


@route(router, "duban_run")
def duban_run(request: Request, actor: ActorDep, as_of: Annotated[dt.date | None, Form()] = None,
              confirm: Annotated[str, Form(max_length=5)] = "") -> Response:
    dry = confirm != "yes"
    r = _run(request, actor, as_of=as_of, dry_run=dry)
    msg = None if dry else f"已发起督办单 {len(r.raised)} 件，升级 {len(r.escalations)} 件"
    return _list_page(request, actor, run=r if dry else None, message=msg)


class RunBody(BaseModel):
    as_of: dt.date | None = None
    dry_run: bool = True


@route(router, "api_duban_run", response_model=RunResult)
def api_duban_run(request: Request, actor: ActorDep, body: RunBody) -> RunResult:
    return _run(request, actor, as_of=body.as_of, dry_run=body.dry_run)


@route(router, "duban_raise")
def duban_raise(request: Request, actor: ActorDep, unit: Short = "", deadline: Annotated[dt.date | None, Form()] = None,
                response: Text = "", target: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
                task: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None, subject: Short = "",
                reason: Text = "") -> Response:
    if deadline is None:
        raise InputError("请填写答复期限", field="deadline")
    n = sv.raise_notice(request.app.state.store, actor, unit=unit, deadline=deadline, response=response,
                        target_id=target, task_id=task, subject=subject or None, reason=reason or None)
    return _notice_page(request, actor, n.id, f"已发起督办单 {n.number}")


class NoticePage(BaseModel):
    notice: NoticeView
    can_answer: bool
    can_decide: bool
    today: dt.date
    message: str | None = None


def _notice_page(request: Request, actor, notice_id: int, message: str | None = None) -> Response:
    n = sv.get_notice(request.app.state.store, actor, notice_id)
    page = NoticePage(notice=n, can_answer=can(actor, "duban.answer") and n.state == "open",
                      can_decide=can(actor, "duban.decide") and n.state != "closed", today=dt.date.today(),
                      message=message)
    return render.page(request, "duban_notice.html", page, title=n.number)


@route(router, "duban_notice")
def duban_notice(request: Request, actor: ActorDep, notice_id: Id) -> Response:
    return _notice_page(request, actor, notice_id)


@route(router, "api_duban_notice", response_model=NoticeView)
def api_duban_notice(request: Request, actor: ActorDep, notice_id: Id) -> NoticeView:
    return sv.get_notice(request.app.state.store, actor, notice_id)


async def _answer(request: Request, actor, notice_id: int, text: str, evidence) -> NoticeView:
    files = await uploads(evidence)
    return await run_in_threadpool(lambda: sv.answer(request.app.state.store, actor, notice_id, text_=text,
                                                     evidence=files))


@route(router, "duban_answer")
async def duban_answer(request: Request, actor: ActorDep, notice_id: Id, text: Text = "",
                       evidence: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    n = await _answer(request, actor, notice_id, text, evidence)
    return await run_in_threadpool(_notice_page, request, actor, notice_id,
                                   f"已答复 {n.number}（{len(n.events[-1].evidence)} 个佐证材料），等待创新办审核")


@route(router, "api_duban_answer", response_model=NoticeView)
async def api_duban_answer(request: Request, actor: ActorDep, notice_id: Id, text: Text,
                           evidence: Annotated[list[UploadFile] | None, File()] = None) -> NoticeView:
    return await _answer(request, actor, notice_id, text, evidence)


@route(router, "duban_close")
def duban_close(request: Request, actor: ActorDep, notice_id: Id, note: Text = "") -> Response:
    n = sv.close(request.app.state.store, actor, notice_id, note=note)
    return _notice_page(request, actor, notice_id, f"已办结 {n.number}")


@route(router, "duban_return")
def duban_return(request: Request, actor: ActorDep, notice_id: Id, reason: Text = "") -> Response:
    n = sv.return_answer(request.app.state.store, actor, notice_id, reason=reason)
    return _notice_page(request, actor, notice_id,
                        f"已退回答复：现为{n.level_name}，限 {n.deadline.isoformat()} 前重新答复")


@route(router, "duban_escalate")
def duban_escalate(request: Request, actor: ActorDep, notice_id: Id, reason: Text = "") -> Response:
    n = sv.escalate(request.app.state.store, actor, notice_id, reason=reason)
    return _notice_page(request, actor, notice_id, f"已升级为{n.level_name}，限 {n.deadline.isoformat()} 前答复")


@route(router, "duban_interview")
async def duban_interview(request: Request, actor: ActorDep, notice_id: Id,
                          held_on: Annotated[dt.date | None, Form()] = None, place: Short = "",
                          interviewer: Short = "", interviewees: Short = "", content: Text = "",
                          commitments: Text = "",
                          evidence: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    if held_on is None:
        raise InputError("请填写约谈日期", field="held_on")
    files = await uploads(evidence)
    interview = sv.Interview(held_on=held_on, place=place, interviewer=interviewer, interviewees=interviewees,
                             content=content, commitments=commitments)
    await run_in_threadpool(lambda: sv.record_interview(request.app.state.store, actor, notice_id, interview,
                                                        evidence=files))
    return await run_in_threadpool(_notice_page, request, actor, notice_id, "已记录约谈")


@route(router, "duban_evidence")
def duban_evidence(request: Request, actor: ActorDep, notice_id: Id,
                   sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]) -> Response:
    name, data = sv.notice_evidence(request.app.state.store, actor, notice_id=notice_id, sha256=sha256)
    return download(data, name, "")


# -- 专项督查 ---------------------------------------------------------------------------------


class CampaignsPage(BaseModel):
    campaigns: list[CampaignView]
    rectifications: list[sv.RectificationView]
    can_write: bool
    today: dt.date


@route(router, "inspections")
def inspections(request: Request, actor: ActorDep) -> Response:
    store = request.app.state.store
    page = CampaignsPage(campaigns=sv.list_campaigns(store, actor), rectifications=sv.list_rectifications(store, actor),
                         can_write=can(actor, "inspection.write"), today=dt.date.today())
    return render.page(request, "inspections.html", page, title="专项督查")


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.replace("，", ",").replace("、", ",").split(",") if x.strip()]


@route(router, "inspections_add")
def inspections_add(request: Request, actor: ActorDep, name: Short = "", as_of: Annotated[dt.date | None, Form()] = None,
                    method: Annotated[str, Form(max_length=10)] = "rule", lights: Short = "", flags: Short = "",
                    units: Short = "", size: Annotated[int | None, Form(ge=1, le=10000)] = None,
                    strata: Short = "unit", seed: Annotated[str, Form(max_length=40)] = "") -> Response:
    from pydantic import ValidationError

    store = request.app.state.store
    day = as_of or dt.date.today()
    if method == "sample":
        if size is None:
            raise InputError("随机抽样须填写抽取的任务数", field="size")
        c = sv.create_campaign(store, actor, name=name, as_of=day, sample_size=size, by=_split(strata),
                               seed=seed or None)
    else:
        try:
            criteria = Criteria(lights=_split(lights), flags=_split(flags), units=_split(units))
        except ValidationError as exc:
            raise InputError(str(exc.errors()[0]["msg"]).removeprefix("Value error, "), field="flags") from None
        if not (criteria.lights or criteria.flags or criteria.units):
            raise InputError("按规则选取时请至少给出灯色、任务标记或牵头单位之一", field="lights")
        c = sv.create_campaign(store, actor, name=name, as_of=day, criteria=criteria)
    return _campaign_page(request, actor, c.id, f"已组织专项督查《{c.name}》，选取任务 {len(c.items)} 项")


class CampaignPage(BaseModel):
    campaign: CampaignView
    can_write: bool
    can_report: bool
    today: dt.date
    message: str | None = None


def _campaign_page(request: Request, actor, campaign_id: int, message: str | None = None) -> Response:
    c = sv.get_campaign(request.app.state.store, actor, campaign_id)
    page = CampaignPage(campaign=c, can_write=can(actor, "inspection.write") and c.state != "closed",
                        can_report=can(actor, "duban.answer"), today=dt.date.today(), message=message)
    return render.page(request, "inspection.html", page, title=c.name[:40])


@route(router, "inspection")
def inspection(request: Request, actor: ActorDep, campaign_id: Id) -> Response:
    return _campaign_page(request, actor, campaign_id)


@route(router, "inspection_close")
def inspection_close(request: Request, actor: ActorDep, campaign_id: Id, note: Text = "") -> Response:
    c = sv.close_campaign(request.app.state.store, actor, campaign_id, note=note)
    return _campaign_page(request, actor, c.id, "专项督查已结束")


@route(router, "inspection_finding")
def inspection_finding(request: Request, actor: ActorDep, item_id: Id,
                       outcome: Annotated[str, Form(max_length=10)] = "", finding: Text = "") -> Response:
    c = sv.record_finding(request.app.state.store, actor, item_id, outcome=outcome, finding=finding)
    return _campaign_page(request, actor, c.id, "已记录检查结论")


@route(router, "inspection_rectify")
def inspection_rectify(request: Request, actor: ActorDep, item_id: Id, problem: Text = "", requirement: Text = "",
                       deadline: Annotated[dt.date | None, Form()] = None, unit: Short = "") -> Response:
    if deadline is None:
        raise InputError("请填写整改期限", field="deadline")
    r = sv.add_rectification(request.app.state.store, actor, item_id, problem=problem, requirement=requirement,
                             deadline=deadline, unit=unit or None)
    return _campaign_page(request, actor, r.campaign_id, f"已交办整改 → {r.unit}，限 {r.deadline.isoformat()}")


@route(router, "rectification_report")
async def rectification_report(request: Request, actor: ActorDep, rect_id: Id, text: Text = "",
                               evidence: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    files = await uploads(evidence)
    r = await run_in_threadpool(lambda: sv.report_rectification(request.app.state.store, actor, rect_id, text_=text,
                                                                evidence=files))
    return await run_in_threadpool(_campaign_page, request, actor, r.campaign_id, "已报送整改情况，等待核验销号")


@route(router, "rectification_decide")
def rectification_decide(request: Request, actor: ActorDep, rect_id: Id,
                         decision: Annotated[str, Form(max_length=10)] = "", note: Text = "",
                         deadline: Annotated[dt.date | None, Form()] = None) -> Response:
    if decision not in ("accept", "return"):
        raise InputError("请选择“销号”或“退回”", field="decision")
    r = sv.decide_rectification(request.app.state.store, actor, rect_id, accept=decision == "accept", note=note,
                                deadline=deadline)
    return _campaign_page(request, actor, r.campaign_id, "整改已销号" if r.state == "closed" else "整改已退回")


@route(router, "rectification_evidence")
def rectification_evidence(request: Request, actor: ActorDep, rect_id: Id,
                           sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]) -> Response:
    name, data = sv.rectification_evidence(request.app.state.store, actor, rect_id=rect_id, sha256=sha256)
    return download(data, name, "")


# -- 督查通报 ---------------------------------------------------------------------------------


class TongbaoPage(BaseModel):
    period: str | None
    view: TongbaoView | None
    issued: list
    can_issue: bool
    message: str | None = None


def _default_period(today: dt.date) -> str:
    q = (today.month - 1) // 3
    return f"{today.year - 1}Q4" if q == 0 else f"{today.year}Q{q}"


def _tongbao_page(request: Request, actor, period: str | None, message: str | None = None) -> Response:
    from innodrive.services import publication

    store = request.app.state.store
    can_issue = can(actor, "tongbao.issue")
    issued = publication.snapshots(store, actor, kind="tongbao", include_withdrawn=False)
    view = None
    if period or can_issue:
        p = period or _default_period(dt.date.today())
        if can_issue or any(s.period == p for s in issued):
            view = sv.tongbao(store, actor, period=p)
    page = TongbaoPage(period=period or (view.bulletin.period if view else None), view=view, issued=issued,
                       can_issue=can_issue, message=message)
    return render.page(request, "tongbao.html", page, title="督查通报")


@route(router, "tongbao")
def tongbao(request: Request, actor: ActorDep,
            period: Annotated[str | None, Query(max_length=12)] = None) -> Response:
    return _tongbao_page(request, actor, (period or "").strip() or None)


@route(router, "tongbao_issue")
def tongbao_issue(request: Request, actor: ActorDep, period: Annotated[str, Form(max_length=12)] = "",
                  reference: Annotated[str, Form(max_length=100)] = "") -> Response:
    v = sv.issue_tongbao(request.app.state.store, actor, period=period, reference=reference)
    return _tongbao_page(request, actor, v.bulletin.period, f"已印发{v.bulletin.period_label}督查通报（{v.reference}）")


@route(router, "tongbao_file")
def tongbao_file(request: Request, actor: ActorDep, period: PERIOD,
                 fmt: Annotated[str, Path(pattern=r"^(docx|pdf|xlsx)$")]) -> Response:
    from innodrive.reports.tongbao import build

    v = sv.tongbao(request.app.state.store, actor, period=period)
    data, name = document_bytes(build(v.bulletin, reference=v.reference), fmt)
    return download(data, name, fmt)


@route(router, "api_tongbao", response_model=TongbaoView)
def api_tongbao(request: Request, actor: ActorDep, period: PERIOD) -> TongbaoView:
    return sv.tongbao(request.app.state.store, actor, period=period)
