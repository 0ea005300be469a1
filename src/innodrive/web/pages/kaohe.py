"""年度考核: frameworks and their yearly diff, the year's results with every point explained,
申诉 and their handling, the fund split (a what-if), and the 通报 to download — over
:mod:`innodrive.services.kaohe`.

The services decide who sees what: the office its region's cycles; a 责任单位 or 区县 account
only its own unit's results and appeals; the evaluator and the 人大 the results once final.
Pages here only lay out what the services return (no number is computed here).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from innodrive.blobs import Upload
from innodrive.errors import Forbidden, InputError
from innodrive.kaohe.model import ITEM_KIND_NAMES, UnitResult
from innodrive.services import kaohe as service
from innodrive.services.access import can
from innodrive.services.kaohe import (
    AllocationView,
    AppealView,
    CycleView,
    FrameworkDiffView,
    FrameworkView,
    ResultsView,
)
from innodrive.web import render
from innodrive.web.guard import ActorDep, Id, make_router, route
from innodrive.web.uploads import EVIDENCE, read_upload

router = make_router()
GRADE_COLORS = {"优秀": "#2f5597", "良好": "#548235", "一般": "#bf8f00", "较差": "#c00000"}
YAML = (".yaml", ".yml")
TABLES = (".csv", ".xlsx")
MAX_EVIDENCE = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf",
         "xlsx": XLSX}


class KaohePage(BaseModel):
    cycles: list[CycleView]
    can_manage: bool
    message: str | None = None


class FrameworksPage(BaseModel):
    frameworks: list[FrameworkView]
    types: list[str]
    years: list[int]
    can_manage: bool
    message: str | None = None


class FrameworkPage(BaseModel):
    framework: FrameworkView


class DiffPage(BaseModel):
    diff: FrameworkDiffView


class CyclePage(BaseModel):
    cycle: CycleView
    results: ResultsView | None
    hidden: str | None = None
    charts: dict[str, dict] = {}
    can_manage: bool
    can_allocate: bool
    can_report: bool
    can_appeal: bool
    appeals: list[AppealView]
    message: str | None = None


class UnitPage(BaseModel):
    cycle: CycleView
    run_number: int
    run_stage: str
    unit: UnitResult
    appeals: list[AppealView]
    can_appeal: bool
    window_open: bool
    today: dt.date
    message: str | None = None


class AppealsPage(BaseModel):
    cycle: CycleView
    appeals: list[AppealView]
    can_decide: bool
    message: str | None = None


class AllocationPage(BaseModel):
    cycle: CycleView
    allocations: list[AllocationView]
    group: str | None
    pool: float | None
    floor: float | None
    method: str | None
    charts: dict[str, dict] = {}


def _store(request: Request):
    return request.app.state.store


# -- the list of cycles -------------------------------------------------------------------


def _kaohe_page(request: Request, actor, message: str | None = None) -> KaohePage:
    return KaohePage(cycles=service.list_cycles(_store(request), actor), can_manage=can(actor, "kaohe.manage"),
                     message=message)


@route(router, "kaohe")
def kaohe(request: Request, actor: ActorDep) -> Response:
    return render.page(request, "kaohe.html", _kaohe_page(request, actor), title="年度考核")


@route(router, "api_kaohe_cycles", response_model=list[CycleView])
def api_kaohe_cycles(request: Request, actor: ActorDep) -> list[CycleView]:
    return service.list_cycles(_store(request), actor)


@route(router, "kaohe_setup")
async def kaohe_setup(request: Request, actor: ActorDep, file: Annotated[UploadFile | None, File()] = None,
                      replace: Annotated[bool, Form()] = False) -> Response:
    from starlette.concurrency import run_in_threadpool

    name, data = await read_upload(file, allowed=YAML, what="考核方案")
    cycle = await run_in_threadpool(service.create_cycle, _store(request), actor, data, file_name=name,
                                    replace=replace)
    return RedirectResponse(f"/kaohe/{cycle.id}", status_code=303)


# -- frameworks ----------------------------------------------------------------------------


def _frameworks_page(request: Request, actor, message: str | None = None) -> FrameworksPage:
    rows = service.list_frameworks(_store(request), actor)
    return FrameworksPage(frameworks=rows, types=sorted({f.unit_type for f in rows}),
                          years=sorted({f.year for f in rows}), can_manage=can(actor, "kaohe.manage"), message=message)


@route(router, "kaohe_frameworks")
def kaohe_frameworks(request: Request, actor: ActorDep) -> Response:
    return render.page(request, "kaohe_frameworks.html", _frameworks_page(request, actor), title="考核框架")


@route(router, "kaohe_framework_add")
async def kaohe_framework_add(request: Request, actor: ActorDep,
                              files: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    added = []
    for f in [f for f in (files or []) if getattr(f, "filename", None)] or [None]:
        name, data = await read_upload(f, allowed=YAML, what="考核框架")
        r = await run_in_threadpool(service.add_framework, _store(request), actor, data, file_name=name)
        fw = r.framework
        added.append(f"{fw.unit_type} {fw.year} 年度第 {fw.revision} 版" + ("" if r.created else "（未变化）"))
    page = _frameworks_page(request, actor, "已添加：" + "；".join(added))
    return render.page(request, "kaohe_frameworks.html", page, title="考核框架")


def _diff(request: Request, actor, unit_type: str, old: int, new: int) -> FrameworkDiffView:
    return service.diff_frameworks(_store(request), actor, unit_type=unit_type, old_year=old, new_year=new)


YearQ = Annotated[int, Query(ge=2000, le=2100)]
TypeQ = Annotated[str, Query(min_length=1, max_length=40)]


@route(router, "kaohe_framework_diff")
def kaohe_framework_diff(request: Request, actor: ActorDep, unit_type: TypeQ, old: YearQ, new: YearQ) -> Response:
    d = _diff(request, actor, unit_type, old, new)
    return render.page(request, "kaohe_diff.html", DiffPage(diff=d), title=f"{unit_type}考核框架 {old}→{new}")


@route(router, "api_kaohe_diff", response_model=FrameworkDiffView)
def api_kaohe_diff(request: Request, actor: ActorDep, unit_type: TypeQ, old: YearQ, new: YearQ) -> FrameworkDiffView:
    return _diff(request, actor, unit_type, old, new)


@route(router, "kaohe_framework")
def kaohe_framework(request: Request, actor: ActorDep, framework_id: Id) -> Response:
    f = service.get_framework(_store(request), actor, framework_id)
    return render.page(request, "kaohe_framework.html", FrameworkPage(framework=f), title=f.name)


# -- one cycle ---------------------------------------------------------------------------


def totals_option(result, group) -> dict:
    """An ECharts bar chart of one group's totals, coloured by grade (layout only)."""
    units = [result.unit(n) for n in group.units]
    return {
        "title": {"text": f"{group.name}考核得分", "left": "left", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 120, "right": 40, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", "name": "分"},
        "yAxis": {"type": "category", "inverse": True, "data": [u.unit for u in units]},
        "series": [{"type": "bar", "name": "得分", "label": {"show": True, "position": "right"},
                    "data": [{"value": round(u.total, 2), "itemStyle": {"color": GRADE_COLORS.get(u.grade, "#7f7f7f")},
                              "name": u.grade} for u in units]}],
    }


def _cycle_page(request: Request, actor, cycle_id: int, message: str | None = None) -> CyclePage:
    store = _store(request)
    cycle = service.get_cycle(store, actor, cycle_id)
    results, hidden = None, None
    if cycle.runs:
        try:
            results = service.results(store, actor, cycle_id)
        except Forbidden as exc:
            hidden = exc.message
    charts = {}
    if results is not None and results.complete:
        charts = {g.name: totals_option(results.result, g) for g in results.result.groups}
    return CyclePage(cycle=cycle, results=results, hidden=hidden, charts=charts,
                     can_manage=can(actor, "kaohe.manage"), can_allocate=can(actor, "kaohe.allocate"),
                     can_report=can(actor, "kaohe.report"), can_appeal=can(actor, "kaohe.appeal"),
                     appeals=service.list_appeals(store, actor, cycle_id), message=message)


def _render_cycle(request: Request, page: CyclePage) -> Response:
    return render.page(request, "kaohe_cycle.html", page, title=page.cycle.name, GRADE_COLORS=GRADE_COLORS)


@route(router, "kaohe_cycle")
def kaohe_cycle(request: Request, actor: ActorDep, cycle_id: Id) -> Response:
    return _render_cycle(request, _cycle_page(request, actor, cycle_id))


@route(router, "api_kaohe_results", response_model=ResultsView)
def api_kaohe_results(request: Request, actor: ActorDep, cycle_id: Id,
                      run: Annotated[int | None, Query(ge=1, le=100_000)] = None) -> ResultsView:
    return service.results(_store(request), actor, cycle_id, run=run)


async def _upload_table(request: Request, actor, cycle_id: int, file, dry_run: bool, kind: str) -> Response:
    from starlette.concurrency import run_in_threadpool

    what = "考核数据表" if kind == "figures" else "加扣分事项表"
    name, data = await read_upload(file, allowed=TABLES, what=what)
    fn = service.import_values if kind == "figures" else service.import_items
    v = await run_in_threadpool(fn, _store(request), actor, cycle_id, data, file_name=name, dry_run=dry_run)
    head = "预览（未保存）" if dry_run else "已导入"
    extra = f"，更新 {v.replaced}" if kind == "figures" else ""
    message = f"{head}{what} {v.file}：{v.rows} 行，新增 {v.added}{extra}，未变 {v.unchanged}"
    page = await run_in_threadpool(_cycle_page, request, actor, cycle_id, message)
    return _render_cycle(request, page)


@route(router, "kaohe_figures")
async def kaohe_figures(request: Request, actor: ActorDep, cycle_id: Id,
                        file: Annotated[UploadFile | None, File()] = None,
                        dry_run: Annotated[bool, Form()] = False) -> Response:
    return await _upload_table(request, actor, cycle_id, file, dry_run, "figures")


@route(router, "kaohe_items")
async def kaohe_items(request: Request, actor: ActorDep, cycle_id: Id,
                      file: Annotated[UploadFile | None, File()] = None,
                      dry_run: Annotated[bool, Form()] = False) -> Response:
    return await _upload_table(request, actor, cycle_id, file, dry_run, "items")


@route(router, "kaohe_score")
def kaohe_score(request: Request, actor: ActorDep, cycle_id: Id,
                note: Annotated[str, Form(max_length=500)] = "") -> Response:
    run = service.score(_store(request), actor, cycle_id, note=note.strip() or None)
    return _render_cycle(request, _cycle_page(request, actor, cycle_id,
                                              f"第 {run.number} 次计分完成（{run.stage_name}）"))


@route(router, "kaohe_finalise")
def kaohe_finalise(request: Request, actor: ActorDep, cycle_id: Id) -> Response:
    run = service.finalise(_store(request), actor, cycle_id)
    return _render_cycle(request, _cycle_page(request, actor, cycle_id, f"已定档：第 {run.number} 次计分为最终结果"))


# -- one unit, appeals ------------------------------------------------------------------


def _unit_page(request: Request, actor, cycle_id: int, unit: str, message: str | None = None) -> UnitPage:
    store = _store(request)
    view = service.results(store, actor, cycle_id)
    u = service.explain(store, actor, cycle_id, unit)
    today = dt.date.today()
    c = view.cycle
    window = (c.stage == "preliminary" and c.appeal_opens is not None and c.appeal_opens <= today <= c.appeal_closes)
    appeals = [a for a in service.list_appeals(store, actor, cycle_id) if a.unit == u.unit]
    return UnitPage(cycle=c, run_number=view.run.number, run_stage=view.run.stage_name, unit=u, appeals=appeals,
                    can_appeal=can(actor, "kaohe.appeal"), window_open=window, today=today, message=message)


def _render_unit(request: Request, page: UnitPage) -> Response:
    return render.page(request, "kaohe_unit.html", page, title=f"{page.unit.unit} · {page.cycle.year} 年度考核",
                       KINDS=ITEM_KIND_NAMES)


@route(router, "kaohe_unit")
def kaohe_unit(request: Request, actor: ActorDep, cycle_id: Id, unit: str) -> Response:
    return _render_unit(request, _unit_page(request, actor, cycle_id, unit))


@route(router, "api_kaohe_unit", response_model=UnitResult)
def api_kaohe_unit(request: Request, actor: ActorDep, cycle_id: Id, unit: str) -> UnitResult:
    return service.explain(_store(request), actor, cycle_id, unit)


async def _evidence(files: list[UploadFile] | None) -> list[Upload]:
    uploads = []
    for f in [f for f in (files or []) if getattr(f, "filename", None)]:
        name, data = await read_upload(f, allowed=EVIDENCE, what="证明材料")
        uploads.append(Upload(name=name, data=data))
    if len(uploads) > MAX_EVIDENCE:
        raise InputError(f"一次最多上传 {MAX_EVIDENCE} 个证明材料", field="evidence")
    return uploads


def _requested(value: str, completed_on: str, target: bool) -> dict:
    req: dict = {}
    if value.strip():
        req["value"] = value.strip()
        if target:
            req["kind"] = "target"
    if completed_on.strip():
        req["completed_on"] = completed_on.strip()
    return req


async def _file(request: Request, actor, cycle_id: int, *, unit: str, subject: str, claim: str, value: str,
                completed_on: str, target: bool, evidence) -> AppealView:
    from starlette.concurrency import run_in_threadpool

    uploads = await _evidence(evidence)
    return await run_in_threadpool(lambda: service.file_appeal(
        _store(request), actor, cycle_id, unit=unit, subject=subject, claim=claim,
        requested=_requested(value, completed_on, target), files=uploads))


@route(router, "kaohe_appeal_file")
async def kaohe_appeal_file(request: Request, actor: ActorDep, cycle_id: Id,
                            unit: Annotated[str, Form(max_length=100)] = "",
                            subject: Annotated[str, Form(max_length=120)] = "",
                            claim: Annotated[str, Form(max_length=5000)] = "",
                            value: Annotated[str, Form(max_length=40)] = "",
                            completed_on: Annotated[str, Form(max_length=10)] = "",
                            target: Annotated[bool, Form()] = False,
                            evidence: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    a = await _file(request, actor, cycle_id, unit=unit, subject=subject, claim=claim, value=value,
                    completed_on=completed_on, target=target, evidence=evidence)
    page = await run_in_threadpool(_unit_page, request, actor, cycle_id, a.unit,
                                   f"申诉 #{a.id} 已提交（{len(a.files)} 个证明材料），等待创新办处理")
    return _render_unit(request, page)


@route(router, "api_kaohe_appeal_file", response_model=AppealView)
async def api_kaohe_appeal_file(request: Request, actor: ActorDep, cycle_id: Id,
                                unit: Annotated[str, Form(max_length=100)],
                                subject: Annotated[str, Form(max_length=120)],
                                claim: Annotated[str, Form(max_length=5000)],
                                value: Annotated[str, Form(max_length=40)] = "",
                                completed_on: Annotated[str, Form(max_length=10)] = "",
                                target: Annotated[bool, Form()] = False,
                                evidence: Annotated[list[UploadFile] | None, File()] = None) -> AppealView:
    return await _file(request, actor, cycle_id, unit=unit, subject=subject, claim=claim, value=value,
                       completed_on=completed_on, target=target, evidence=evidence)


def _appeals_page(request: Request, actor, cycle_id: int, message: str | None = None) -> AppealsPage:
    store = _store(request)
    return AppealsPage(cycle=service.get_cycle(store, actor, cycle_id),
                       appeals=service.list_appeals(store, actor, cycle_id), can_decide=can(actor, "kaohe.decide"),
                       message=message)


@route(router, "kaohe_appeals")
def kaohe_appeals(request: Request, actor: ActorDep, cycle_id: Id) -> Response:
    page = _appeals_page(request, actor, cycle_id)
    return render.page(request, "kaohe_appeals.html", page, title=f"申诉 · {page.cycle.name}")


@route(router, "api_kaohe_appeals", response_model=list[AppealView])
def api_kaohe_appeals(request: Request, actor: ActorDep, cycle_id: Id) -> list[AppealView]:
    return service.list_appeals(_store(request), actor, cycle_id)


class DecideBody(BaseModel):
    decision: str
    reason: str
    value: float | None = None
    completed_on: str | None = None
    exclude: bool = False


def _decide(request: Request, actor, appeal_id: int, body: DecideBody) -> AppealView:
    if body.decision not in ("accept", "reject"):
        raise InputError("请选择“采纳”或“不采纳”", field="decision")
    fix = {k: v for k, v in (("value", body.value), ("completed_on", body.completed_on or None),
                             ("exclude", body.exclude or None)) if v is not None}
    return service.decide_appeal(_store(request), actor, appeal_id, accept=body.decision == "accept",
                                 reason=body.reason, correction=fix or None)


@route(router, "kaohe_appeal_decide")
def kaohe_appeal_decide(request: Request, actor: ActorDep, appeal_id: Id,
                        decision: Annotated[str, Form(max_length=10)] = "",
                        reason: Annotated[str, Form(max_length=2000)] = "",
                        value: Annotated[str, Form(max_length=40)] = "",
                        completed_on: Annotated[str, Form(max_length=10)] = "",
                        exclude: Annotated[bool, Form()] = False) -> Response:
    try:
        number = float(value) if value.strip() else None
    except ValueError:
        raise InputError(f"更正数值“{value}”不是数字", field="value") from None
    a = _decide(request, actor, appeal_id, DecideBody(decision=decision, reason=reason, value=number,
                                                      completed_on=completed_on.strip() or None, exclude=exclude))
    message = f"申诉 #{a.id}：{a.state_name}"
    if a.effect:
        b, f = a.effect["before"], a.effect["after"]
        message += (f"；{a.unit}总分 {b['total']:.2f} → {f['total']:.2f}，排名 {b['rank']} → {f['rank']}，"
                    f"等次 {b['grade']} → {f['grade']}")
    page = _appeals_page(request, actor, a.cycle_id, message)
    return render.page(request, "kaohe_appeals.html", page, title=f"申诉 · {page.cycle.name}")


@route(router, "api_kaohe_appeal_decide", response_model=AppealView)
def api_kaohe_appeal_decide(request: Request, actor: ActorDep, appeal_id: Id, body: DecideBody) -> AppealView:
    return _decide(request, actor, appeal_id, body)




@route(router, "kaohe_appeal_evidence")
def kaohe_appeal_evidence(request: Request, actor: ActorDep, appeal_id: Id, sha256: str) -> Response:
    f = service.appeal_evidence(_store(request), actor, appeal_id, sha256)
    return _download(f.data, f.file_name, "application/octet-stream")


def _download(data: bytes, name: str, media: str) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


# -- money and documents ----------------------------------------------------------------

PoolQ = Annotated[float | None, Query(gt=0, le=1e12)]
FloorQ = Annotated[float | None, Query(ge=0, le=1000)]
MethodQ = Annotated[str | None, Query(pattern="^(above_floor|proportional|grade_coefficients)$")]
GroupQ = Annotated[str | None, Query(max_length=60)]


def _allocations(request: Request, actor, cycle_id: int, group, pool, floor, method) -> list[AllocationView]:
    overrides = {k: v for k, v in (("pool", pool), ("floor", floor), ("method", method)) if v is not None}
    return service.allocate(_store(request), actor, cycle_id, group=group or None, overrides=overrides or None)


def allocation_option(a: AllocationView) -> dict:
    lines = [x for x in a.lines if x.amount > 0]
    return {
        "title": {"text": f"{a.group}：{a.name}（{a.unit}）", "left": "left", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 120, "right": 50, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", "name": a.unit},
        "yAxis": {"type": "category", "inverse": True, "data": [x.unit for x in lines]},
        "series": [{"type": "bar", "name": "分配金额", "label": {"show": True, "position": "right"},
                    "data": [x.amount for x in lines], "itemStyle": {"color": "#2f5597"}}],
    }


@route(router, "kaohe_allocation")
def kaohe_allocation(request: Request, actor: ActorDep, cycle_id: Id, group: GroupQ = None, pool: PoolQ = None,
                     floor: FloorQ = None, method: MethodQ = None) -> Response:
    views = _allocations(request, actor, cycle_id, group, pool, floor, method)
    page = AllocationPage(cycle=service.get_cycle(_store(request), actor, cycle_id), allocations=views, group=group,
                          pool=pool, floor=floor, method=method, charts={a.group: allocation_option(a) for a in views})
    return render.page(request, "kaohe_allocation.html", page, title=f"资金分配测算 · {page.cycle.name}",
                       request_query=request.url.query)


@route(router, "api_kaohe_allocation", response_model=list[AllocationView])
def api_kaohe_allocation(request: Request, actor: ActorDep, cycle_id: Id, group: GroupQ = None, pool: PoolQ = None,
                         floor: FloorQ = None, method: MethodQ = None) -> list[AllocationView]:
    return _allocations(request, actor, cycle_id, group, pool, floor, method)


@route(router, "kaohe_allocation_xlsx")
def kaohe_allocation_xlsx(request: Request, actor: ActorDep, cycle_id: Id, group: GroupQ = None, pool: PoolQ = None,
                          floor: FloorQ = None, method: MethodQ = None) -> Response:
    from innodrive.reports.kaohe import allocation_workbook
    from innodrive.reports.xlsx import render_xlsx

    views = _allocations(request, actor, cycle_id, group, pool, floor, method)
    cycle = service.get_cycle(_store(request), actor, cycle_id)
    on = max((r.created_at.date() for r in cycle.runs), default=dt.date(cycle.year + 1, 1, 1))
    data = render_xlsx(allocation_workbook(cycle, views, on=on))
    return _download(data, f"{cycle.name}资金分配测算.xlsx", XLSX)


@route(router, "kaohe_tongbao")
def kaohe_tongbao(request: Request, actor: ActorDep, cycle_id: Id, fmt: str,
                  serial: Annotated[str | None, Query(max_length=20)] = None,
                  date: Annotated[dt.date | None, Query()] = None) -> Response:
    from innodrive.reports import render as render_document
    from innodrive.reports.kaohe import appendix, tongbao
    from innodrive.reports.xlsx import render_xlsx

    if fmt not in MEDIA:
        raise InputError(f"不支持的格式“{fmt}”：可用 docx、pdf（通报）和 xlsx（附件）", field="fmt")
    data = service.tongbao_data(_store(request), actor, cycle_id)
    stem = f"{data.cycle.year}年度创新驱动发展考核结果通报"
    if fmt == "xlsx":
        return _download(render_xlsx(appendix(data, issued_on=date)), f"{stem}-附件-考核得分明细表.xlsx", XLSX)
    document = tongbao(data, issued_on=date, serial=serial)
    return _download(render_document(document, fmt), f"{stem}.{fmt}", MEDIA[fmt])
