"""人才“一站式”服务 pages: the register, a person, service requests, unit figures, counts.

Thin over :mod:`innodrive.services.talent`: each handler builds one page model and
renders it (or returns the service's view model as JSON under ``/api/v1``). What a
role sees is decided by the services — masked by default; unmasked only through the
audited actions (查看未脱敏信息, 申请人联系方式, 未脱敏导出), each asking for a purpose.
A handling unit's pages list only the requests routed to it.

Uploaded registry files are read in the request and never staged in the database:
they hold ID numbers in plain text, which must not reach the store unencrypted. The
preview and the import are two submissions of the same form (the file stays selected).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from innodrive.errors import InputError
from innodrive.services import talent as svc
from innodrive.services.access import can
from innodrive.web import render
from innodrive.web.guard import ActorDep, Offset, make_router, route

router = make_router()

STATUS_CHOICES = {"": "全部", "open": "办理中", "resolved": "已办结", "declined": "不予办理", "withdrawn": "已撤回"}


def _store(request: Request):
    return request.app.state.store


def _download(content: bytes, file_name: str, media_type: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(file_name)}",
                             "Cache-Control": "no-store"})


def _private_fragment(template: str, data: BaseModel) -> Response:
    """An htmx fragment holding unmasked personal data: never cached."""
    return Response(render.fragment(template, page=data), media_type="text/html", headers={"Cache-Control": "no-store"})


def _parse_day(text: str | None, what: str) -> dt.date | None:
    from innodrive.dates import parse_date

    return parse_date(text, field=what, what=what) if text and text.strip() else None


# ====================================================================== the register


class ListPage(BaseModel):
    page: svc.TalentPage
    text: str = ""
    category: str = ""
    region: str = ""
    categories: list[str]
    can_write: bool
    can_personal: bool
    can_counts: bool
    message: str | None = None
    report: svc.ImportReport | None = None


def _list_page(request: Request, actor, *, text: str = "", category: str = "", region: str = "",
               message: str | None = None, report: svc.ImportReport | None = None) -> Response:
    from innodrive.talent.catalogue import catalogue_for

    data = ListPage(page=svc.list_talents(_store(request), actor, text=text or None, category=category or None,
                                          region=region or None, limit=500),
                    text=text, category=category, region=region, categories=catalogue_for(dt.date.today()).codes(),
                    can_write=can(actor, "talent.write"), can_personal=can(actor, "talent.personal"),
                    can_counts=can(actor, "talent.counts"), message=message, report=report)
    return render.page(request, "talent/list.html", data, title="人才库")


@route(router, "talent_list")
def talent_list(request: Request, actor: ActorDep, text: Annotated[str, Query(max_length=100)] = "",
                category: Annotated[str, Query(max_length=10)] = "",
                region: Annotated[str, Query(max_length=100)] = "") -> Response:
    return _list_page(request, actor, text=text, category=category, region=region)


@route(router, "talent_import")
async def talent_import(request: Request, actor: ActorDep, file: Annotated[UploadFile | None, File()] = None,
                        action: Annotated[str, Form(max_length=10)] = "preview",
                        on_duplicate: Annotated[str, Form(max_length=10)] = "error") -> Response:
    from starlette.concurrency import run_in_threadpool

    if file is None or not file.filename:
        raise InputError("请选择要导入的人才登记表（.xlsx 或 .csv）", field="file")
    content = await file.read()
    name = Path(file.filename).name
    dry = action != "import"
    report = await run_in_threadpool(svc.import_talents, _store(request), actor, content, name=name,
                                     on_duplicate=on_duplicate, dry_run=dry)
    head = "预览（尚未导入，确认无误后点“导入”）" if dry else "已导入"
    message = (f"{head}：{report.file} 共 {report.rows} 行，新增 {report.added} 人，更新 {report.updated} 人，"
               f"未变 {report.unchanged} 人，跳过 {report.skipped} 人")
    return await run_in_threadpool(_list_page, request, actor, message=message, report=report)


@route(router, "talent_template")
def talent_template(request: Request, actor: ActorDep) -> Response:
    from innodrive.talent import idnumbers
    from innodrive.talent.catalogue import catalogue_for
    from innodrive.talent.export import write_template

    with tempfile.TemporaryDirectory() as folder:
        path = write_template(Path(folder) / "人才登记表模板.xlsx", categories=catalogue_for(dt.date.today()).codes(),
                              id_types=idnumbers.ID_TYPES)
        content = path.read_bytes()
    return _download(content, "人才登记表模板.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _export(request: Request, actor, *, unmasked: bool, purpose: str | None, category: str, region: str) -> Response:
    name = "人才名单（未脱敏）.xlsx" if unmasked else "人才名单.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        result = svc.export_talents(_store(request), actor, Path(folder) / name, unmasked=unmasked, purpose=purpose,
                                    category=category or None, region=region or None)
        content = Path(result.path).read_bytes()
    return _download(content, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@route(router, "talent_export")
def talent_export(request: Request, actor: ActorDep, category: Annotated[str, Query(max_length=10)] = "",
                  region: Annotated[str, Query(max_length=100)] = "") -> Response:
    return _export(request, actor, unmasked=False, purpose=None, category=category, region=region)


@route(router, "talent_export_personal")
def talent_export_personal(request: Request, actor: ActorDep, purpose: Annotated[str, Form(max_length=200)] = "",
                           category: Annotated[str, Form(max_length=10)] = "",
                           region: Annotated[str, Form(max_length=100)] = "") -> Response:
    return _export(request, actor, unmasked=True, purpose=purpose, category=category, region=region)


# ====================================================================== one person


class DetailPage(BaseModel):
    detail: svc.TalentDetail
    decision: svc.CardDecisionView
    services: list[tuple[str, str]]
    can_write: bool
    can_personal: bool
    can_erase: bool
    can_handle: bool
    today: dt.date
    message: str | None = None


def _detail_page(request: Request, actor, number: str, *, message: str | None = None) -> Response:
    from innodrive.talent.cards import rules_for

    store = _store(request)
    today = dt.date.today()
    detail = svc.get_talent(store, actor, number, on=today)
    data = DetailPage(detail=detail, decision=svc.card_decision(store, actor, number, on=today),
                      services=[(s.id, s.name) for s in rules_for(today).services],
                      can_write=can(actor, "talent.write"), can_personal=can(actor, "talent.personal"),
                      can_erase=can(actor, "talent.erase"), can_handle=can(actor, "talent.requests.handle"),
                      today=today, message=message)
    return render.page(request, "talent/detail.html", data, title=f"人才 {detail.talent.number}")


@route(router, "talent_detail")
def talent_detail(request: Request, actor: ActorDep, number: str) -> Response:
    return _detail_page(request, actor, number)


class PersonalPage(BaseModel):
    talent: svc.TalentView


@route(router, "talent_personal")
def talent_personal(request: Request, actor: ActorDep, number: str,
                    purpose: Annotated[str, Form(max_length=200)] = "") -> Response:
    view = svc.view_personal(_store(request), actor, number, purpose=purpose)
    return _private_fragment("talent/_personal.html", PersonalPage(talent=view))


@route(router, "talent_person_export")
def talent_person_export(request: Request, actor: ActorDep, number: str,
                         purpose: Annotated[str, Form(max_length=200)] = "") -> Response:
    with tempfile.TemporaryDirectory() as folder:
        path = svc.export_person(_store(request), actor, number, Path(folder) / "个人信息副本.json", purpose=purpose)
        content = path.read_bytes()
    return _download(content, f"{number}-个人信息副本.json", "application/json")


@route(router, "talent_erase")
def talent_erase(request: Request, actor: ActorDep, number: str, reason: Annotated[str, Form(max_length=200)] = "",
                 confirm: Annotated[str, Form(max_length=20)] = "") -> Response:
    if confirm.strip().upper() != number.strip().upper():
        raise InputError(f"请在确认框中输入人才编号 {number} 以确认删除（删除后不可恢复）", field="confirm")
    r = svc.erase_person(_store(request), actor, number, reason=reason)
    return _list_page(request, actor, message=f"已删除人才 {r.number} 的个人信息：英才卡 {r.cards_deleted} 张，服务申请 "
                                             f"{r.requests_anonymised} 件已匿名化，统计贡献已转为汇总")


@route(router, "talent_card_issue")
def talent_card_issue(request: Request, actor: ActorDep, number: str,
                      reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    c = svc.issue_card(_store(request), actor, number, reason=reason or None)
    return _detail_page(request, actor, number, message=f"已发放{c.card_name} {c.number}，有效期至 {c.valid_to}")


@route(router, "talent_card_renew")
def talent_card_renew(request: Request, actor: ActorDep, card_number: str,
                      reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    c = svc.renew_card(_store(request), actor, card_number, reason=reason or None)
    return _detail_page(request, actor, c.talent_number or "", message=f"{c.number} 已续期，有效期至 {c.valid_to}")


@route(router, "talent_card_revoke")
def talent_card_revoke(request: Request, actor: ActorDep, card_number: str,
                       reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    c = svc.revoke_card(_store(request), actor, card_number, reason=reason)
    return _detail_page(request, actor, c.talent_number or "", message=f"{c.number} 已注销")


@route(router, "talent_request_submit")
def talent_request_submit(request: Request, actor: ActorDep, number: str,
                          service: Annotated[str, Form(max_length=40)] = "",
                          description: Annotated[str, Form(max_length=2000)] = "",
                          exception: Annotated[str, Form(max_length=200)] = "") -> Response:
    r = svc.submit_request(_store(request), actor, number, service, description=description or None,
                           exception_reason=exception or None)
    return _detail_page(request, actor, number, message=f"已受理 {r.number}：{r.service_name}，交{r.unit}办理，"
                                                        f"{r.deadline} 前答复")


# ====================================================================== requests


class RequestsPage(BaseModel):
    requests: list[svc.RequestView]
    status: str = ""
    overdue: bool = False
    statuses: dict[str, str] = Field(default_factory=lambda: dict(STATUS_CHOICES))
    can_write: bool
    unit: str | None
    message: str | None = None
    escalated: list[svc.EscalationView] = Field(default_factory=list)


def _requests_page(request: Request, actor, *, status: str = "", overdue: bool = False, message: str | None = None,
                   escalated: list | None = None) -> Response:
    rows = svc.list_requests(_store(request), actor, status=status or None, overdue_only=overdue)
    data = RequestsPage(requests=rows, status=status, overdue=overdue, can_write=can(actor, "talent.write"),
                        unit=actor.unit, message=message, escalated=escalated or [])
    return render.page(request, "talent/requests.html", data, title="人才服务申请")


@route(router, "talent_requests")
def talent_requests(request: Request, actor: ActorDep, status: Annotated[str, Query(max_length=12)] = "",
                    overdue: bool = False) -> Response:
    if status not in STATUS_CHOICES:
        raise InputError("状态应为 open、resolved、declined 或 withdrawn", field="status")
    return _requests_page(request, actor, status=status, overdue=overdue)


@route(router, "talent_escalate")
def talent_escalate(request: Request, actor: ActorDep) -> Response:
    rows = svc.escalate_overdue(_store(request), actor)
    return _requests_page(request, actor, message=f"逾期督办：新增 {len(rows)} 件" if rows else "没有需要新增督办的逾期申请",
                          escalated=rows)


class RequestPage(BaseModel):
    request: svc.RequestDetail
    can_write: bool
    can_contact: bool
    can_answer: bool
    levels: dict[int, str]
    message: str | None = None


def _request_page(request: Request, actor, request_id: str, *, message: str | None = None) -> Response:
    from innodrive.talent.cards import rules_for

    detail = svc.get_request(_store(request), actor, request_id)
    rules = rules_for(detail.submitted_on, version=detail.rules_version)
    data = RequestPage(request=detail, can_write=can(actor, "talent.write"),
                       can_contact=can(actor, "talent.requests.contact") and detail.status == "open"
                       and detail.talent_number is not None,
                       can_answer=detail.status == "open", levels=dict(sorted(rules.satisfaction.levels.items(),
                                                                              reverse=True)),
                       message=message)
    return render.page(request, "talent/request.html", data, title=f"服务申请 {detail.number}")


@route(router, "talent_request")
def talent_request(request: Request, actor: ActorDep, request_id: str) -> Response:
    return _request_page(request, actor, request_id)


@route(router, "talent_request_answer")
def talent_request_answer(request: Request, actor: ActorDep, request_id: str,
                          outcome: Annotated[str, Form(max_length=10)] = "resolved",
                          answer: Annotated[str, Form(max_length=2000)] = "") -> Response:
    r = svc.answer_request(_store(request), actor, request_id, outcome=outcome, answer=answer)
    return _request_page(request, actor, request_id, message=f"{r.number} {r.status_label}")


class ContactPage(BaseModel):
    contact: svc.ContactView


@route(router, "talent_request_contact")
def talent_request_contact(request: Request, actor: ActorDep, request_id: str,
                           purpose: Annotated[str, Form(max_length=200)] = "") -> Response:
    c = svc.request_contact(_store(request), actor, request_id, purpose=purpose)
    return _private_fragment("talent/_contact.html", ContactPage(contact=c))


@route(router, "talent_request_transfer")
def talent_request_transfer(request: Request, actor: ActorDep, request_id: str,
                            unit: Annotated[str, Form(max_length=100)] = "",
                            reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    r = svc.transfer_request(_store(request), actor, request_id, unit=unit, reason=reason)
    return _request_page(request, actor, request_id, message=f"{r.number} 已转{r.unit}办理")


@route(router, "talent_request_withdraw")
def talent_request_withdraw(request: Request, actor: ActorDep, request_id: str,
                            reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    r = svc.withdraw_request(_store(request), actor, request_id, reason=reason)
    return _request_page(request, actor, request_id, message=f"{r.number} 已撤回")


@route(router, "talent_request_rate")
def talent_request_rate(request: Request, actor: ActorDep, request_id: str,
                        level: Annotated[int, Form(ge=1, le=5)] = 3) -> Response:
    r = svc.rate_request(_store(request), actor, request_id, level=level)
    return _request_page(request, actor, request_id, message=f"{r.number} 满意度：{r.satisfaction_label}")


# ====================================================================== figures, counts, rules


class FiguresPage(BaseModel):
    report: svc.FiguresReport
    start: dt.date
    end: dt.date
    can_counts: bool


@route(router, "talent_figures")
def talent_figures(request: Request, actor: ActorDep, start: Annotated[str, Query(max_length=20)] = "",
                   end: Annotated[str, Query(max_length=20)] = "") -> Response:
    today = dt.date.today()
    first = _parse_day(start, "开始日期") or dt.date(today.year, 1, 1)
    last = _parse_day(end, "结束日期") or today
    report = svc.unit_figures(_store(request), actor, start=first, end=last)
    data = FiguresPage(report=report, start=first, end=last, can_counts=can(actor, "talent.counts"))
    return render.page(request, "talent/figures.html", data, title="人才服务考核")


class CountsPage(BaseModel):
    report: svc.CountsReport | None
    region: str
    years: str
    names: dict[str, str]
    region_names: dict[str, str]
    categories: list[str]
    can_publish: bool
    chart: dict | None = None
    message: str | None = None


def _years(text: str) -> list[int]:
    from innodrive.talent.counts import parse_years

    return parse_years(text, field="年份")


def _counts_page(request: Request, actor, *, region: str, years: str, message: str | None = None) -> Response:
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.regions import all_regions

    report = svc.talent_counts(_store(request), actor, region=region, years=_years(years)) if region else None
    cat = load_catalogue()
    names = {c: (cat.get(c).name if cat.get(c) else c) for c in svc.COUNT_INDICATORS}
    regions = all_regions()
    region_names = {}
    chart = None
    cats: list[str] = []
    if report is not None:
        region_names = {v.region_code: (regions.get(v.region_code).name if regions.get(v.region_code) else
                                        v.region_code) for v in report.indicators}
        cats = sorted({c.category for c in report.cells})
        series = [{"name": f"{c}类", "type": "bar", "stack": "all",
                   "data": [sum(x.people for x in report.cells if x.category == c and x.year == y)
                            for y in report.years]} for c in cats]
        chart = {"tooltip": {"trigger": "axis"}, "legend": {}, "xAxis": {"type": "category",
                 "data": [f"{y}年末" for y in report.years]}, "yAxis": {"type": "value", "name": "人"},
                 "series": series, "__points": sum(len(s["data"]) for s in series)}
    data = CountsPage(report=report, region=region, years=years, names=names, region_names=region_names,
                      categories=cats, can_publish=can(actor, "talent.counts.publish"), chart=chart, message=message)
    return render.page(request, "talent/counts.html", data, title="人才统计")


def _default_region(actor) -> str:
    from innodrive.regions import all_regions

    r = all_regions().get(actor.region_code) if actor.region_code else None
    return r.code if r else ""


@route(router, "talent_counts")
def talent_counts(request: Request, actor: ActorDep, region: Annotated[str, Query(max_length=100)] = "",
                  years: Annotated[str, Query(max_length=40)] = "") -> Response:
    today = dt.date.today()
    return _counts_page(request, actor, region=region or _default_region(actor),
                        years=years or f"{today.year - 5}-{today.year - 1}")


@route(router, "talent_counts_publish")
def talent_counts_publish(request: Request, actor: ActorDep, region: Annotated[str, Form(max_length=100)] = "",
                          years: Annotated[str, Form(max_length=40)] = "") -> Response:
    if not region.strip():
        raise InputError("请填写地区", field="region")
    r = svc.publish_counts(_store(request), actor, region=region, years=_years(years))
    return _counts_page(request, actor, region=region, years=years,
                        message=f"已写入指标数据：新增 {r.added} 个，修正 {r.revised} 个，未变 {r.unchanged} 个")


@route(router, "talent_rules")
def talent_rules(request: Request, actor: ActorDep) -> Response:
    return render.page(request, "talent/rules.html", svc.current_rules(_store(request), actor), title="人才服务规则")


# ====================================================================== JSON API


class SubmitBody(BaseModel):
    service: str
    submitted_on: dt.date | None = None
    description: str | None = Field(default=None, max_length=2000)
    exception_reason: str | None = Field(default=None, max_length=200)


class AnswerBody(BaseModel):
    outcome: str = "resolved"
    answer: str = Field(max_length=2000)
    on: dt.date | None = None


class IssueBody(BaseModel):
    on: dt.date | None = None
    reason: str | None = Field(default=None, max_length=200)


@route(router, "api_talent_list", response_model=svc.TalentPage)
def api_talent_list(request: Request, actor: ActorDep, text: Annotated[str, Query(max_length=100)] = "",
                    category: Annotated[str, Query(max_length=10)] = "",
                    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                    offset: Offset = 0) -> svc.TalentPage:
    return svc.list_talents(_store(request), actor, text=text or None, category=category or None, limit=limit,
                            offset=offset)


@route(router, "api_talent_detail", response_model=svc.TalentDetail)
def api_talent_detail(request: Request, actor: ActorDep, number: str) -> svc.TalentDetail:
    return svc.get_talent(_store(request), actor, number)


@route(router, "api_talent_card_issue", response_model=svc.CardView)
def api_talent_card_issue(request: Request, actor: ActorDep, number: str, body: IssueBody) -> svc.CardView:
    return svc.issue_card(_store(request), actor, number, on=body.on, reason=body.reason)


@route(router, "api_talent_request_submit", response_model=svc.RequestView)
def api_talent_request_submit(request: Request, actor: ActorDep, number: str, body: SubmitBody) -> svc.RequestView:
    return svc.submit_request(_store(request), actor, number, body.service, submitted_on=body.submitted_on,
                              description=body.description, exception_reason=body.exception_reason)


@route(router, "api_talent_requests", response_model=list[svc.RequestView])
def api_talent_requests(request: Request, actor: ActorDep, status: Annotated[str, Query(max_length=12)] = "",
                        overdue: bool = False) -> list[svc.RequestView]:
    return svc.list_requests(_store(request), actor, status=status or None, overdue_only=overdue)


@route(router, "api_talent_request_answer", response_model=svc.RequestView)
def api_talent_request_answer(request: Request, actor: ActorDep, request_id: str, body: AnswerBody) -> svc.RequestView:
    return svc.answer_request(_store(request), actor, request_id, outcome=body.outcome, answer=body.answer, on=body.on)


@route(router, "api_talent_escalate", response_model=list[svc.EscalationView])
def api_talent_escalate(request: Request, actor: ActorDep) -> list[svc.EscalationView]:
    return svc.escalate_overdue(_store(request), actor)


@route(router, "api_talent_figures", response_model=svc.FiguresReport)
def api_talent_figures(request: Request, actor: ActorDep, start: dt.date, end: dt.date,
                       as_of: dt.date | None = None) -> svc.FiguresReport:
    return svc.unit_figures(_store(request), actor, start=start, end=end, as_of=as_of)


@route(router, "api_talent_counts", response_model=svc.CountsReport)
def api_talent_counts(request: Request, actor: ActorDep, region: Annotated[str, Query(max_length=100)],
                      years: Annotated[str, Query(max_length=40)]) -> svc.CountsReport:
    return svc.talent_counts(_store(request), actor, region=region, years=_years(years))
