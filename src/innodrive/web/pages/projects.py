"""科技项目 pages: the office's calls, data entry, review, 公示 and projects; the reviewer's
blind assignments; the public 公示 list — over :mod:`innodrive.services.projects`.

Each page builds one typed context (a pydantic model below) from the use cases and
renders it; every action calls one use case and renders the page it belongs to again
(htmx swaps ``#main``; an error goes to the message area and leaves the form as typed).
Rights are decided by the services; the booleans in the contexts only decide which
forms to show.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from innodrive.errors import InputError, NotFound, Problem, ValidationFailed
from innodrive.projects.aggregation import MEASURE_LABELS, METHOD_LABELS
from innodrive.projects.specs import APPLICANT_KINDS, CONSTRUCTED_LABEL, MILESTONE_KINDS
from innodrive.services import projects as P
from innodrive.services.access import can
from innodrive.services.projects.views import (
    ApplicationSummary,
    ApplicationView,
    AssignmentLine,
    AssignmentResult,
    CallSummary,
    CallView,
    ExpertView,
    ObjectionView,
    ProjectLine,
    ProjectView,
    PublicityView,
    RankingRow,
    RankingView,
    ReviewPacket,
    ScoreView,
    SelectionView,
)
from innodrive.web import render
from innodrive.web.guard import ActorDep, Id, Index, make_router, route

router = make_router()

Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=200)]
LongText = Annotated[str, Form(max_length=20000)]


def _store(request: Request):
    return request.app.state.store


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _redirect(request: Request, to: str) -> Response:
    if _htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": to})
    return RedirectResponse(to, status_code=303)


def _date(text: str, field: str, label: str) -> dt.date:
    from innodrive.dates import parse_date

    return parse_date(text, field=field, what=label)


def _money(text: str, field: str, label: str) -> float:
    try:
        return float((text or "").strip().replace(",", "").replace("，", ""))
    except ValueError:
        raise InputError(f"{label}应为数字（万元），实际为“{text}”", field=field) from None


async def _upload(file: UploadFile | None, what: str) -> tuple[str, bytes]:
    if file is None or not file.filename:
        raise InputError(f"请选择{what}", field="file")
    return file.filename, await file.read()


# --------------------------------------------------------------------------- the office's home


class ProjectsHome(BaseModel):
    calls: list[CallSummary]
    board: list[ProjectLine]
    counts: dict[str, int]
    can_publish: bool
    can_experts: bool
    constructed_label: str = CONSTRUCTED_LABEL
    message: str | None = None


def _home(request: Request, actor, message: str | None = None) -> Response:
    store = _store(request)
    board = P.project_board(store, actor)
    counts: dict[str, int] = {}
    for line in board:
        counts[line.status.light] = counts.get(line.status.light, 0) + 1
    data = ProjectsHome(calls=P.list_calls(store, actor), board=board, counts=counts,
                        can_publish=can(actor, "projects.calls.write"),
                        can_experts=can(actor, "projects.experts.manage"), message=message)
    return render.page(request, "projects/home.html", data, title="科技项目")


@route(router, "projects")
def projects_home(request: Request, actor: ActorDep) -> Response:
    return _home(request, actor)


@route(router, "projects_call_add")
async def projects_call_add(request: Request, actor: ActorDep, file: Annotated[UploadFile | None, File()] = None,
                            replace: Annotated[bool, Form()] = False) -> Response:
    from starlette.concurrency import run_in_threadpool

    from innodrive.projects.files import parse_document
    from innodrive.projects.specs import CallSpec, parse

    name, data = await _upload(file, "榜单文件（YAML）")
    spec = parse(CallSpec, parse_document(data, name=name, what="榜单文件"), file=name, what="榜单文件")
    view = await run_in_threadpool(P.declare_call, _store(request), actor, spec, file=name, replace=replace)
    return _redirect(request, f"/projects/calls/{quote(view.code)}")


# --------------------------------------------------------------------------- a call


class CallPage(BaseModel):
    call: CallView
    applications: list[ApplicationSummary]
    assignments: list[AssignmentLine] = Field(default_factory=list)
    assignment: AssignmentResult | None = None
    ranking: RankingView | None = None
    selections: list[SelectionView] = Field(default_factory=list)
    publicity: list[PublicityView] = Field(default_factory=list)
    objections: list[ObjectionView] = Field(default_factory=list)
    can_apply: bool
    can_assign: bool
    can_sheet: bool
    can_decide: bool
    method_label: str
    measure_label: str
    today: dt.date
    message: str | None = None


def _call_page(request: Request, actor, code: str, *, message: str | None = None,
               assignment: AssignmentResult | None = None) -> Response:
    store = _store(request)
    call = P.get_call(store, actor, code)
    region = call.region_code
    data = CallPage(
        call=call, applications=P.list_applications(store, actor, code),
        assignments=P.assignments(store, actor, code) if can(actor, "projects.assign", region_code=region) else [],
        assignment=assignment, ranking=P.ranking(store, actor, code), selections=P.selections(store, actor, code),
        publicity=P.call_publicity(store, actor, code), objections=P.objections(store, actor, code),
        can_apply=can(actor, "projects.apply", region_code=region),
        can_assign=can(actor, "projects.assign", region_code=region),
        can_sheet=can(actor, "projects.scores.enter", region_code=region),
        can_decide=can(actor, "projects.decide", region_code=region),
        method_label=METHOD_LABELS[call.review.aggregation], measure_label=MEASURE_LABELS[call.review.disagreement.measure],
        today=dt.date.today(), message=message)
    return render.page(request, "projects/call.html", data, title=call.title)


@route(router, "projects_call")
def projects_call(request: Request, actor: ActorDep, code: str) -> Response:
    return _call_page(request, actor, code)


@route(router, "projects_assign")
def projects_assign(request: Request, actor: ActorDep, code: str, dry_run: Annotated[bool, Form()] = False,
                    on: Short = "") -> Response:
    day = _date(on, "on", "办理日期") if on.strip() else None
    result = P.assign_reviewers(_store(request), actor, code, dry_run=dry_run, on=day)
    message = (f"预览：将新分配 {len(result.new)} 人次（未保存）" if dry_run
               else f"已分配评审专家 {len(result.new)} 人次，保留原分配 {result.kept} 人次")
    return _call_page(request, actor, code, message=message, assignment=result)


@route(router, "projects_recuse")
def projects_recuse(request: Request, actor: ActorDep, number: Id, reason: Text = "") -> Response:
    line = P.recuse(_store(request), actor, number, reason=reason)
    call = P.get_application(_store(request), actor, line.application_code).call_code
    return _call_page(request, actor, call,
                      message=f"专家 {line.expert_name} 已回避申报 {line.application_code}，请再次分配以补足人数")


@route(router, "projects_sheet")
async def projects_sheet(request: Request, actor: ActorDep, number: Id) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    scores = _scores(form)
    comment = str(form.get("comment") or "")[:2000]
    call = str(form.get("call") or "")[:40]
    v = await run_in_threadpool(P.submit_scores, _store(request), actor, number, scores, comment=comment)
    return await run_in_threadpool(_call_page, request, actor, call,
                                   message=f"已代录评分表：任务 {v.assignment_id}，合计 {v.total:g} 分")


def _scores(form) -> dict[str, float]:
    scores: dict[str, float] = {}
    problems = []
    for key, value in form.multi_items():
        if not key.startswith("score_"):
            continue
        criterion = key[len("score_"):][:40]
        text = str(value).strip()
        if not text:
            problems.append(Problem(f"指标 {criterion} 未填写得分", field=criterion))
            continue
        try:
            scores[criterion] = float(text)
        except ValueError:
            problems.append(Problem(f"指标 {criterion} 的得分“{text[:20]}”不是数字", field=criterion))
    if problems:
        raise ValidationFailed(f"评分表有 {len(problems)} 处问题：{problems[0].message}", problems=problems)
    return scores


@route(router, "projects_publicity_open")
def projects_publicity_open(request: Request, actor: ActorDep, code: str, start: Short = "",
                            days: Short = "") -> Response:
    n = None
    if days.strip():
        if not days.strip().isdecimal():
            raise InputError(f"公示天数应为正整数，实际为“{days}”", field="days")
        n = int(days.strip())
    p = P.open_publicity(_store(request), actor, code, starts_on=_date(start, "start", "公示开始日期"), days=n)
    return _call_page(request, actor, code, message=f"已发布公示：{p.starts_on} 至 {p.ends_on}")


@route(router, "projects_publicity_close")
def projects_publicity_close(request: Request, actor: ActorDep, code: str, on: Short = "") -> Response:
    P.close_publicity(_store(request), actor, code, on=_date(on, "on", "办理日期"))
    return _call_page(request, actor, code, message="公示已结束，公示中的项目正式立项")


@route(router, "projects_objection_add")
def projects_objection_add(request: Request, actor: ActorDep, code: str, application: Short = "",
                           received: Short = "", submitter: Short = "", contact: Short = "",
                           text: Text = "") -> Response:
    o = P.record_objection(_store(request), actor, code, application_code=application,
                           received_on=_date(received, "received", "收件日期"), submitter=submitter, contact=contact,
                           text=text)
    return _call_page(request, actor, code, message=f"已登记异议 {o.id}")


@route(router, "projects_objection_handle")
def projects_objection_handle(request: Request, actor: ActorDep, number: Id, decision: Short = "",
                              response: Text = "") -> Response:
    if decision not in ("uphold", "reject"):
        raise InputError("请选择异议成立或不成立", field="decision")
    o = P.handle_objection(_store(request), actor, number, uphold=decision == "uphold", response=response)
    return _call_page(request, actor, o.call_code, message=f"异议 {o.id}：{o.state_label}")


# --------------------------------------------------------------------------- data entry


ATTACHMENT_SLOTS = 4


class ApplyPage(BaseModel):
    call: CallView
    slots: int = ATTACHMENT_SLOTS
    kinds: dict[str, str] = Field(default_factory=lambda: dict(APPLICANT_KINDS))
    milestone_kinds: dict[str, str] = Field(default_factory=lambda: dict(MILESTONE_KINDS))


@route(router, "projects_apply_form")
def projects_apply_form(request: Request, actor: ActorDep, code: str) -> Response:
    call = P.get_call(_store(request), actor, code)
    return render.page(request, "projects/apply.html", ApplyPage(call=call), title=f"代录申报 · {call.title}")


_SPLIT = re.compile(r"\s*[,，\t]\s*")


def _lines(text: str) -> list[tuple[int, list[str]]]:
    return [(i, _SPLIT.split(line.strip())) for i, line in enumerate((text or "").splitlines(), start=1)
            if line.strip()]


def application_from_form(call: str, form: dict[str, str]) -> dict:
    """The fields of the data-entry form as an application document (see :class:`ApplicationSpec`).

    Lists are typed one item per line, the parts separated by commas: team members
    ``姓名，单位，职称，分工``; budget ``科目，财政资金，自筹资金``; milestones
    ``节点，类型，第几个月，交付成果（；分隔），拨付金额``; partners ``单位[，统一社会信用代码]``.
    """
    problems: list[Problem] = []

    def number(value: str, field: str, row: int, label: str) -> float | None:
        try:
            return float(value.replace(",", "")) if value.strip() else 0.0
        except ValueError:
            problems.append(Problem(f"第 {row} 行{label}应为数字，实际为“{value}”", field=field))
            return None

    members = [{"name": p[0], "organisation": p[1] if len(p) > 1 else "", "title": p[2] if len(p) > 2 else "",
                "role": p[3] if len(p) > 3 else ""} for _, p in _lines(form.get("members", ""))]
    budget = []
    for row, p in _lines(form.get("budget", "")):
        if len(p) < 2:
            problems.append(Problem(f"第 {row} 行应写作“科目，财政资金，自筹资金”", field="budget"))
            continue
        fiscal = number(p[1], "budget", row, "财政资金")
        own = number(p[2] if len(p) > 2 else "", "budget", row, "自筹资金")
        budget.append({"item": p[0], "fiscal": fiscal, "self": own})
    milestones = []
    kinds = {v: k for k, v in MILESTONE_KINDS.items()} | {k: k for k in MILESTONE_KINDS}
    for row, p in _lines(form.get("milestones", "")):
        if len(p) < 3:
            problems.append(Problem(f"第 {row} 行应写作“节点，类型，第几个月，交付成果，拨付金额”", field="milestones"))
            continue
        kind = kinds.get(p[1] or "节点", p[1])
        month = number(p[2], "milestones", row, "月数")
        tranche = number(p[4], "milestones", row, "拨付金额") if len(p) > 4 and p[4] else None
        milestones.append({"title": p[0], "kind": kind, "due_in_months": None if month is None else int(month),
                           "deliverables": [d for d in re.split(r"[；;]", p[3]) if d.strip()] if len(p) > 3 else [],
                           "tranche": tranche})
    partners = [{"name": p[0], **({"credit_code": p[1]} if len(p) > 1 and p[1] else {})}
                for _, p in _lines(form.get("partners", ""))]
    if problems:
        raise ValidationFailed(f"申报表有 {len(problems)} 处问题：{problems[0].message}", problems=problems)
    kind = form.get("applicant_kind", "enterprise")
    applicant = {"kind": kind}
    if kind == "enterprise":
        applicant["credit_code"] = form.get("credit_code", "").strip()
    else:
        applicant.update(name=form.get("org_name", "").strip(), region=form.get("org_region", "").strip())
    dishonest = {"no": False, "yes": True}.get(form.get("dishonest", ""))
    credit = {"dishonest": dishonest, "source": form.get("credit_source", "").strip() or None,
              "checked_on": form.get("credit_checked_on", "").strip() or None}
    return {"call": call, "title": form.get("title", ""), "summary": form.get("summary", ""),
            "received_on": form.get("received_on", ""), "applicant": applicant, "partners": partners,
            "members": members, "budget": budget, "duration_months": form.get("duration_months", ""),
            "milestones": milestones, "credit_check": credit}


@route(router, "projects_apply")
async def projects_apply(request: Request, actor: ActorDep, code: str) -> Response:
    from starlette.concurrency import run_in_threadpool

    from innodrive.projects.specs import ApplicationSpec, parse

    form = await request.form()
    fields = {k: str(v)[:20000] for k, v in form.items() if isinstance(v, str)}
    spec = parse(ApplicationSpec, application_from_form(code, fields), what="申报表")
    attachments = []
    for i in range(ATTACHMENT_SLOTS):
        upload = form.get(f"file_{i}")
        if upload is None or isinstance(upload, str) or not upload.filename:
            continue
        attachments.append(P.NewAttachment(name=upload.filename, data=await upload.read(),
                                           kind=str(form.get(f"kind_{i}") or "申报材料")[:40],
                                           blind=form.get(f"blind_{i}") == "on"))
    view = await run_in_threadpool(P.enter_application, _store(request), actor, spec, attachments=attachments)
    return _redirect(request, f"/projects/applications/{quote(view.code)}")


# --------------------------------------------------------------------------- an application


class ApplicationPage(BaseModel):
    app: ApplicationView
    call: CallView
    milestone_kinds: dict[str, str] = Field(default_factory=lambda: dict(MILESTONE_KINDS))
    ranking: RankingRow | None = None
    can_apply: bool
    can_decide: bool
    can_contract: bool
    contract: str | None = None
    message: str | None = None


def _application_page(request: Request, actor, code: str, message: str | None = None) -> Response:
    store = _store(request)
    app = P.get_application(store, actor, code)
    call = P.get_call(store, actor, app.call_code)
    ranking = P.ranking(store, actor, call.code)
    row = next((r for r in ranking.ranked + ranking.incomplete if r.code == code), None)
    contract = next((p.code for p in P.project_board(store, actor, call_code=call.code)
                     if p.application_code == code), None)
    region = call.region_code
    data = ApplicationPage(app=app, call=call, ranking=row, can_apply=can(actor, "projects.apply", region_code=region),
                           can_decide=can(actor, "projects.decide", region_code=region),
                           can_contract=can(actor, "projects.contracts", region_code=region), contract=contract,
                           message=message)
    return render.page(request, "projects/application.html", data, title=f"申报 {app.code}")


@route(router, "projects_application")
def projects_application(request: Request, actor: ActorDep, code: str) -> Response:
    return _application_page(request, actor, code)


@route(router, "projects_recheck")
def projects_recheck(request: Request, actor: ActorDep, code: str, dishonest: Short = "",
                     credit_source: Short = "", checked_on: Short = "") -> Response:
    from innodrive.projects.specs import CreditCheck

    check = None
    if dishonest in ("yes", "no"):
        check = CreditCheck(dishonest=dishonest == "yes", source=credit_source.strip() or None,
                            checked_on=_date(checked_on, "checked_on", "核查日期") if checked_on.strip() else None)
    v = P.recheck_eligibility(_store(request), actor, code, credit_check=check)
    return _application_page(request, actor, code, message=f"已重新审查资格：{v.eligibility.state_label}")


@route(router, "projects_select")
def projects_select(request: Request, actor: ActorDep, code: str, amount: Short = "", reason: Text = "") -> Response:
    v = P.select_application(_store(request), actor, code, amount=_money(amount, "amount", "支持金额"), reason=reason)
    return _application_page(request, actor, code, message=f"已确定拟立项，支持 {v.amount:g} 万元")


@route(router, "projects_second_look")
def projects_second_look(request: Request, actor: ActorDep, code: str, conclusion: Short = "", reason: Text = "",
                         held_on: Short = "") -> Response:
    P.record_second_look(_store(request), actor, code, conclusion=conclusion, reason=reason,
                         held_on=_date(held_on, "held_on", "复议日期"))
    return _application_page(request, actor, code, message="已记录复议结论")


@route(router, "projects_contract_sign")
async def projects_contract_sign(request: Request, actor: ActorDep, code: str,
                                 file: Annotated[UploadFile | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    from innodrive.projects.files import parse_document
    from innodrive.projects.specs import ContractSpec, parse

    name, data = await _upload(file, "合同文件（YAML）")
    spec = parse(ContractSpec, parse_document(data, name=name, what="合同文件"), file=name, what="合同文件")
    view = await run_in_threadpool(P.sign_contract, _store(request), actor, code, spec, file=name)
    return _redirect(request, f"/projects/contracts/{quote(view.code)}")


def _download(name: str, data: bytes) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "attachment"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type="application/octet-stream", headers={"Content-Disposition": disposition})


@route(router, "projects_attachment")
def projects_attachment(request: Request, actor: ActorDep, number: Id) -> Response:
    return _download(*P.attachment(_store(request), actor, number))


# --------------------------------------------------------------------------- experts


class ExpertsPage(BaseModel):
    experts: list[ExpertView]
    message: str | None = None


@route(router, "projects_experts")
def projects_experts(request: Request, actor: ActorDep) -> Response:
    data = ExpertsPage(experts=P.list_experts(_store(request), actor))
    return render.page(request, "projects/experts.html", data, title="评审专家库")


@route(router, "projects_experts_upload")
async def projects_experts_upload(request: Request, actor: ActorDep,
                                  file: Annotated[UploadFile | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    from innodrive.projects.files import read_experts

    name, data = await _upload(file, "专家名单（YAML、CSV 或 XLSX）")
    experts = await run_in_threadpool(read_experts, data, name=name)
    r = await run_in_threadpool(P.register_experts, _store(request), actor, experts, file=name)
    page = ExpertsPage(experts=P.list_experts(_store(request), actor),
                       message=f"专家库：新增 {r.added} 人，更新 {r.updated} 人，未变 {r.unchanged} 人")
    return render.page(request, "projects/experts.html", page, title="评审专家库")


# --------------------------------------------------------------------------- a project


class ProjectPage(BaseModel):
    project: ProjectView
    kinds: dict[str, str]
    can_contract: bool
    can_outputs: bool
    today: dt.date
    message: str | None = None


def _project_page(request: Request, actor, code: str, message: str | None = None) -> Response:
    from innodrive.projects.outputs import kinds

    p = P.get_project(_store(request), actor, code)
    data = ProjectPage(project=p, kinds={k.id: k.label for k in kinds().values()},
                       can_contract=can(actor, "projects.contracts"), can_outputs=can(actor, "projects.outputs"),
                       today=dt.date.today(), message=message)
    return render.page(request, "projects/project.html", data, title=f"项目 {p.code}")


@route(router, "projects_project")
def projects_project(request: Request, actor: ActorDep, code: str) -> Response:
    return _project_page(request, actor, code)


@route(router, "projects_check")
def projects_check(request: Request, actor: ActorDep, code: str, index: Index, held_on: Short = "",
                   conclusion: Short = "", comments: Text = "", experts: Short = "") -> Response:
    P.record_check(_store(request), actor, code, index, held_on=_date(held_on, "held_on", "验收日期"),
                   conclusion=conclusion, comments=comments, experts=re.split(r"[、,，;；\s]+", experts.strip()))
    return _project_page(request, actor, code, message=f"已记录第 {index} 个节点的验收")


@route(router, "projects_pay")
def projects_pay(request: Request, actor: ActorDep, code: str, index: Index, paid_on: Short = "",
                 voucher: Short = "") -> Response:
    p = P.disburse(_store(request), actor, code, index, paid_on=_date(paid_on, "paid_on", "拨付日期"), voucher=voucher)
    return _project_page(request, actor, code, message=f"已拨付，累计 {p.paid:g}/{p.amount:g} 万元")


@route(router, "projects_output")
def projects_output(request: Request, actor: ActorDep, code: str, kind: Short = "", title: Short = "",
                    obtained_on: Short = "", identifier: Short = "", quantity: Short = "1",
                    amount: Short = "") -> Response:
    qty = _money(quantity or "1", "quantity", "数量")
    money = _money(amount, "amount", "金额") if amount.strip() else None
    r = P.add_output(_store(request), actor, code, kind=kind, title=title,
                     obtained_on=_date(obtained_on, "obtained_on", "取得日期"), identifier=identifier or None,
                     quantity=qty, amount=money)
    counted = "；".join(f"{o['indicator']} {o['period']} 年 = {o['value']:g}{o['unit']}" for o in r.observations)
    return _project_page(request, actor, code,
                         message=f"已登记成果“{r.output.title}”" + (f"，计入指标：{counted}" if counted else ""))


# --------------------------------------------------------------------------- the reviewer


class ReviewsPage(BaseModel):
    packets: list[ReviewPacket]


class ReviewPage(BaseModel):
    packet: ReviewPacket
    message: str | None = None


@route(router, "reviews")
def reviews(request: Request, actor: ActorDep) -> Response:
    return render.page(request, "projects/reviews.html", ReviewsPage(packets=P.my_reviews(_store(request), actor)),
                       title="我的评审")


def _review_page(request: Request, actor, number: int, message: str | None = None) -> Response:
    packet = P.review_packet(_store(request), actor, number)
    return render.page(request, "projects/review.html", ReviewPage(packet=packet, message=message),
                       title=f"评审 {packet.blind_code}")


@route(router, "review")
def review(request: Request, actor: ActorDep, number: Id) -> Response:
    return _review_page(request, actor, number)


@route(router, "review_score")
async def review_score(request: Request, actor: ActorDep, number: Id) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    v = await run_in_threadpool(P.submit_scores, _store(request), actor, number, _scores(form),
                                comment=str(form.get("comment") or "")[:2000])
    return await run_in_threadpool(_review_page, request, actor, number, f"评分已提交：合计 {v.total:g} 分")


@route(router, "review_recuse")
def review_recuse(request: Request, actor: ActorDep, number: Id, reason: Text = "") -> Response:
    P.recuse(_store(request), actor, number, reason=reason)
    return _redirect(request, "/reviews")


@route(router, "review_attachment")
def review_attachment(request: Request, actor: ActorDep, number: Id, index: Index) -> Response:
    packet = P.review_packet(_store(request), actor, number)
    if index not in {a.id for a in packet.attachments}:
        raise NotFound("该评审任务没有这个附件")
    return _download(*P.attachment(_store(request), actor, index))


# --------------------------------------------------------------------------- the public


class PublicityPage(BaseModel):
    notices: list[PublicityView]
    constructed_label: str = CONSTRUCTED_LABEL


@route(router, "publicity")
def publicity(request: Request, actor: ActorDep) -> Response:
    data = PublicityPage(notices=P.publicity_notices(_store(request), actor))
    return render.page(request, "projects/publicity.html", data, title="立项公示")


# --------------------------------------------------------------------------- JSON API


class ScoreSheet(BaseModel):
    scores: dict[str, float]
    comment: str = Field(default="", max_length=2000)


@route(router, "api_project_calls", response_model=list[CallSummary])
def api_project_calls(request: Request, actor: ActorDep) -> list[CallSummary]:
    return P.list_calls(_store(request), actor)


@route(router, "api_project_ranking", response_model=RankingView)
def api_project_ranking(request: Request, actor: ActorDep, code: str) -> RankingView:
    return P.ranking(_store(request), actor, code)


@route(router, "api_project_board", response_model=list[ProjectLine])
def api_project_board(request: Request, actor: ActorDep, as_of: dt.date | None = None) -> list[ProjectLine]:
    return P.project_board(_store(request), actor, as_of=as_of)


@route(router, "api_reviews", response_model=list[ReviewPacket])
def api_reviews(request: Request, actor: ActorDep) -> list[ReviewPacket]:
    return P.my_reviews(_store(request), actor)


@route(router, "api_review_score", response_model=ScoreView)
def api_review_score(request: Request, actor: ActorDep, number: Id, body: ScoreSheet) -> ScoreView:
    return P.submit_scores(_store(request), actor, number, body.scores, comment=body.comment)


@route(router, "api_publicity", response_model=list[PublicityView])
def api_publicity(request: Request, actor: ActorDep) -> list[PublicityView]:
    return P.publicity_notices(_store(request), actor)

