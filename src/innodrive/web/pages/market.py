"""技术市场 pages: the results registry with filters and the 汇交 import, demands, the
match list with its explanations, the pairing board (看板) and each pairing's record —
over :mod:`innodrive.services.market`. Each page builds one typed model, then renders it."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Annotated

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from innodrive.errors import InputError
from innodrive.market.classification import industries
from innodrive.market.matching import Span
from innodrive.market.pairing import ContractIn, Pairing
from innodrive.market.records import Demand, Result
from innodrive.market.registry import DemandFilter, ResultFilter
from innodrive.market.statistics import IndicatorUpdate
from innodrive.market.terms import (
    CONTRACT_TYPES,
    HOLDER_KINDS,
    STAGE_NAMES,
    STAGES,
    TRANSFER_MODES,
    trl_label,
)
from innodrive.services import market
from innodrive.services.access import can
from innodrive.services.market import Board, DemandMatches, ImportReport, ResultPage
from innodrive.web import render
from innodrive.web.guard import ActorDep, Id, Offset, make_router, route

router = make_router()
PAGE_SIZE = 50


class Rights(BaseModel):
    write: bool
    contact: bool
    pair: bool
    contract: bool
    confidential: bool


def _rights(actor) -> Rights:
    return Rights(write=can(actor, "market.write"), contact=can(actor, "market.contact"),
                  pair=can(actor, "market.pair"), contract=can(actor, "market.contract"),
                  confidential=can(actor, "market.confidential"))


class Option(BaseModel):
    value: str
    label: str


def _industry_options() -> list[Option]:
    return [Option(value=c.code, label=("" if c.level == "门类" else "　") + c.label) for c in industries()]


def _region(text: str) -> str | None:
    if not text.strip():
        return None
    from innodrive.regions import resolve

    return resolve(text, field="地区").code


def _code(table, text: str, what: str) -> str | None:
    if not text.strip():
        return None
    code, problem = table.parse(text)
    if problem:
        raise InputError(problem, field=what)
    return code


# --------------------------------------------------------------------------- results

class ResultsQuery(BaseModel):
    text: str = ""
    region: str = ""
    industry: str = ""
    trl_min: int | None = None
    mode: str = ""
    holder_kind: str = ""
    page: int = 1


class ResultsPage(BaseModel):
    query: ResultsQuery
    results: ResultPage
    pages: int
    industries: list[Option]
    modes: list[str]
    holder_kinds: list[str]
    rights: Rights
    report: ImportReport | None = None
    message: str | None = None


def _results_page(request: Request, actor, q: ResultsQuery, *, report: ImportReport | None = None,
                  message: str | None = None) -> Response:
    f = ResultFilter(text=q.text, region_code=_region(q.region), industry_code=_code(industries(), q.industry, "行业"),
                     trl_min=q.trl_min, transfer_mode=q.mode or None, holder_kind=q.holder_kind or None)
    page_no = max(1, q.page)
    results = market.search_results(request.app.state.store, actor, f, limit=PAGE_SIZE,
                                    offset=(page_no - 1) * PAGE_SIZE)
    data = ResultsPage(query=q, results=results, pages=max(1, -(-results.total // PAGE_SIZE)),
                       industries=_industry_options(), modes=list(TRANSFER_MODES), holder_kinds=list(HOLDER_KINDS),
                       rights=_rights(actor), report=report, message=message)
    return render.page(request, "market/results.html", data, title="科技成果")


@route(router, "market_results")
def market_results(request: Request, actor: ActorDep, text: Annotated[str, Query(max_length=200)] = "",
                   region: Annotated[str, Query(max_length=100)] = "",
                   industry: Annotated[str, Query(max_length=60)] = "",
                   trl_min: Annotated[int | None, Query(ge=1, le=9)] = None,
                   mode: Annotated[str, Query(max_length=10)] = "",
                   holder_kind: Annotated[str, Query(max_length=10)] = "",
                   page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    q = ResultsQuery(text=text, region=region, industry=industry, trl_min=trl_min, mode=mode, holder_kind=holder_kind,
                     page=page)
    return _results_page(request, actor, q)


@route(router, "api_market_results", response_model=ResultPage)
def api_market_results(request: Request, actor: ActorDep, text: Annotated[str, Query(max_length=200)] = "",
                       region: Annotated[str, Query(max_length=100)] = "",
                       industry: Annotated[str, Query(max_length=60)] = "",
                       trl_min: Annotated[int | None, Query(ge=1, le=9)] = None,
                       limit: Annotated[int, Query(ge=1, le=500)] = 50,
                       offset: Offset = 0) -> ResultPage:
    f = ResultFilter(text=text, region_code=_region(region), industry_code=_code(industries(), industry, "行业"),
                     trl_min=trl_min)
    return market.search_results(request.app.state.store, actor, f, limit=limit, offset=offset)


@route(router, "market_import")
def market_import(request: Request, actor: ActorDep, file: Annotated[UploadFile, File()],
                  dry_run: Annotated[bool, Form()] = False) -> Response:
    from innodrive.market.forms import SHEETS, detect_kind

    name = PurePath((file.filename or "汇交表.xlsx").replace("\\", "/")).name[:200] or "汇交表.xlsx"
    data = file.file.read()
    if not data:
        raise InputError("上传的文件为空", file=name)
    kind = detect_kind(data, file=name)
    run = market.import_results if kind == "result" else market.import_demands
    report = run(request.app.state.store, actor, data, file=name, dry_run=dry_run)
    what = "成果" if kind == "result" else "需求"
    if dry_run:
        message = f"{SHEETS[kind]} {name}：{report.rows} 行全部通过检查（预览，未写入）"
    else:
        message = (f"已导入{SHEETS[kind]} {name}：新增 {report.added} 项、更新 {report.updated} 项、未变 {report.unchanged} 项"
                   f"{what}" + (f"；新登记企业 {report.enterprises_added} 家" if report.enterprises_added else ""))
    return _results_page(request, actor, ResultsQuery(), report=report, message=message)


@route(router, "market_template")
def market_template(request: Request, actor: ActorDep, kind: str) -> Response:
    from urllib.parse import quote

    from innodrive.market.forms import SHEETS

    k = {"result": "result", "results": "result", "demand": "demand", "demands": "demand"}.get(kind)
    if k is None:
        raise InputError("模板类型应为 result 或 demand")
    name = f"{SHEETS[k]}.xlsx"
    return Response(market.template(k), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


class Segment(BaseModel):
    text: str
    mark: bool = False


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """``text`` cut at the highlighted spans (rendered as <mark>, escaped like any text)."""
    out, at = [], 0
    for s in sorted(spans, key=lambda s: s.start):
        if s.start < at:
            continue
        if s.start > at:
            out.append(Segment(text=text[at:s.start]))
        out.append(Segment(text=text[s.start:s.end], mark=True))
        at = s.end
    if at < len(text):
        out.append(Segment(text=text[at:]))
    return out


class MatchView(BaseModel):
    rank: int
    total: float
    result: Result | None = None
    demand: Demand | None = None
    components: list[dict]
    terms: list[str]
    demand_text: list[Segment]
    result_text: list[Segment]


def _view(item, *, kind: str) -> MatchView:
    ex = item.explanation
    comps = [{"name": c.name, "score": c.score, "points": c.points, "max": c.max_points, "reason": c.reason,
              "width": round(100 * c.points / c.max_points) if c.max_points else 0} for c in ex.components]
    return MatchView(rank=item.rank, total=item.total, result=item.result if kind == "result" else None,
                     demand=item.demand if kind == "demand" else None, components=comps,
                     terms=[t.term for t in ex.terms], demand_text=segments(item.demand_text, ex.demand_spans),
                     result_text=segments(item.result_text, ex.result_spans))


class ResultDetail(BaseModel):
    result: Result
    trl: str
    matches: list[MatchView]
    considered: int
    rights: Rights


@route(router, "market_result")
def market_result(request: Request, actor: ActorDep, result_id: Id) -> Response:
    store = request.app.state.store
    r = market.get_result(store, actor, result_id)
    found = market.match_result(store, actor, result_id, k=10)
    data = ResultDetail(result=r, trl=trl_label(r.trl), matches=[_view(i, kind="demand") for i in found.items],
                        considered=found.considered, rights=_rights(actor))
    return render.page(request, "market/result.html", data, title=r.title)


class ContactView(BaseModel):
    name: str | None
    phone: str | None
    email: str | None


@route(router, "market_result_contact")
def market_result_contact(request: Request, actor: ActorDep, result_id: Id) -> Response:
    c = market.get_result(request.app.state.store, actor, result_id, reveal_contact=True).contact
    return render.page(request, "market/_contact.html", ContactView(name=c.name, phone=c.phone, email=c.email),
                       title="联系人")


# --------------------------------------------------------------------------- demands

class DemandsPage(BaseModel):
    text: str
    industry: str
    confidential: bool
    demands: list[Demand]
    total: int
    industries: list[Option]
    rights: Rights


@route(router, "market_demands")
def market_demands(request: Request, actor: ActorDep, text: Annotated[str, Query(max_length=200)] = "",
                   industry: Annotated[str, Query(max_length=60)] = "",
                   confidential: Annotated[bool, Query()] = False) -> Response:
    f = DemandFilter(text=text, industry_code=_code(industries(), industry, "行业"), include_confidential=confidential)
    page = market.search_demands(request.app.state.store, actor, f, limit=200)
    data = DemandsPage(text=text, industry=industry, confidential=confidential, demands=page.items, total=page.total,
                       industries=_industry_options(), rights=_rights(actor))
    return render.page(request, "market/demands.html", data, title="技术需求")


class DemandDetail(BaseModel):
    demand: Demand
    trl: str
    rights: Rights


@route(router, "market_demand")
def market_demand(request: Request, actor: ActorDep, demand_id: Id) -> Response:
    d = market.get_demand(request.app.state.store, actor, demand_id)
    return render.page(request, "market/demand.html", DemandDetail(demand=d, trl=trl_label(d.trl_min),
                                                                    rights=_rights(actor)), title=d.title)


@route(router, "market_demand_contact")
def market_demand_contact(request: Request, actor: ActorDep, demand_id: Id) -> Response:
    c = market.get_demand(request.app.state.store, actor, demand_id, reveal_contact=True).contact
    return render.page(request, "market/_contact.html", ContactView(name=c.name, phone=c.phone, email=c.email),
                       title="联系人")


class MatchesPage(BaseModel):
    demand: Demand
    region: str
    trl_min: int | None
    matches: list[MatchView]
    considered: int
    method: str
    rights: Rights


@route(router, "market_matches")
def market_matches(request: Request, actor: ActorDep, demand_id: Id,
                   region: Annotated[str, Query(max_length=100)] = "",
                   trl_min: Annotated[int | None, Query(ge=1, le=9)] = None,
                   top: Annotated[int, Query(ge=1, le=50)] = 10) -> Response:
    f = ResultFilter(region_code=_region(region), trl_min=trl_min)
    found = market.match_demand(request.app.state.store, actor, demand_id, k=top, f=f)
    data = MatchesPage(demand=found.demand, region=region, trl_min=trl_min,
                       matches=[_view(i, kind="result") for i in found.items], considered=found.considered,
                       method=found.method, rights=_rights(actor))
    return render.page(request, "market/matches.html", data, title=f"匹配成果：{found.demand.title}")


@route(router, "api_market_matches", response_model=DemandMatches)
def api_market_matches(request: Request, actor: ActorDep, demand_id: Id,
                       top: Annotated[int, Query(ge=1, le=100)] = 10) -> DemandMatches:
    return market.match_demand(request.app.state.store, actor, demand_id, k=top)


# --------------------------------------------------------------------------- pairing

class BoardPage(BaseModel):
    board: Board
    region: str
    broker: str
    closed: bool


@route(router, "market_board")
def market_board(request: Request, actor: ActorDep, region: Annotated[str, Query(max_length=100)] = "",
                 broker: Annotated[str, Query(max_length=100)] = "",
                 closed: Annotated[bool, Query()] = False) -> Response:
    board = market.pairing_board(request.app.state.store, actor, region=region or None, broker=broker or None,
                                 include_closed=closed)
    return render.page(request, "market/board.html", BoardPage(board=board, region=region, broker=broker,
                                                               closed=closed), title="对接看板")


@route(router, "api_market_board", response_model=Board)
def api_market_board(request: Request, actor: ActorDep, region: Annotated[str, Query(max_length=100)] = "") -> Board:
    return market.pairing_board(request.app.state.store, actor, region=region or None)


def _go(request: Request, path: str) -> Response:
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": path})
    return RedirectResponse(path, status_code=303)


@route(router, "market_recommend")
def market_recommend(request: Request, actor: ActorDep, result_id: Annotated[int, Form()],
                     demand_id: Annotated[int | None, Form()] = None,
                     credit_code: Annotated[str, Form(max_length=18)] = "",
                     broker: Annotated[str, Form(max_length=100)] = "",
                     score: Annotated[float | None, Form()] = None) -> Response:
    p = market.recommend(request.app.state.store, actor, result_id=result_id, demand_id=demand_id,
                         credit_code=credit_code or None, broker=broker or None, score=score)
    return _go(request, f"/market/pairings/{p.id}")


class PairingPage(BaseModel):
    pairing: Pairing
    next_stages: list[Option]
    contract_types: list[str]
    today: dt.date
    rights: Rights
    indicators: list[IndicatorUpdate] = Field(default_factory=list)
    message: str | None = None


def _pairing_page(request: Request, actor, pairing_id: int, *, indicators=None, message=None) -> Response:
    p = market.get_pairing(request.app.state.store, actor, pairing_id)
    later = [] if p.stage in ("closed", "registered") else \
        [Option(value=s, label=STAGE_NAMES[s]) for s in STAGES[STAGES.index(p.stage) + 1:] if s != "registered"]
    data = PairingPage(pairing=p, next_stages=later, contract_types=list(CONTRACT_TYPES), today=dt.date.today(),
                       rights=_rights(actor), indicators=indicators or [], message=message)
    return render.page(request, "market/pairing.html", data, title=f"对接 #{p.id}")


@route(router, "market_pairing")
def market_pairing(request: Request, actor: ActorDep, pairing_id: Id) -> Response:
    return _pairing_page(request, actor, pairing_id)


@route(router, "market_pairing_step")
def market_pairing_step(request: Request, actor: ActorDep, pairing_id: Id, stage: Annotated[str, Form(max_length=20)],
                        on: Annotated[dt.date | None, Form()] = None,
                        broker: Annotated[str, Form(max_length=100)] = "",
                        note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    p = market.advance_pairing(request.app.state.store, actor, pairing_id, stage=stage, on=on, broker=broker or None,
                               note=note or None)
    return _pairing_page(request, actor, pairing_id, message=f"已记录：{p.stage_name}")


@route(router, "market_contract")
def market_contract(request: Request, actor: ActorDep, pairing_id: Id,
                    registration_no: Annotated[str, Form(max_length=64)] = "",
                    contract_type: Annotated[str, Form(max_length=8)] = "",
                    amount_wan: Annotated[float | None, Form()] = None,
                    signed_on: Annotated[dt.date | None, Form()] = None,
                    registered_on: Annotated[dt.date | None, Form()] = None,
                    registry_office: Annotated[str, Form(max_length=200)] = "",
                    major: Annotated[bool, Form()] = False,
                    major_basis: Annotated[str, Form(max_length=500)] = "") -> Response:
    missing = [label for label, v in (("技术合同登记编号", registration_no.strip()), ("合同类型", contract_type),
                                      ("成交额", amount_wan), ("签订日期", signed_on), ("登记日期", registered_on))
               if not v]
    if missing:
        raise InputError(f"请填写：{'、'.join(missing)}")
    if amount_wan <= 0:
        raise InputError("成交额应大于 0（万元）", field="成交额")
    c = ContractIn(registration_no=registration_no.strip(), contract_type=contract_type, amount_wan=amount_wan,
                   signed_on=signed_on, registered_on=registered_on, registry_office=registry_office or None,
                   major=major, major_basis=major_basis or None)
    report = market.register_contract(request.app.state.store, actor, pairing_id, c)
    changed = [u for u in report.indicators if u.change != "same"]
    return _pairing_page(request, actor, pairing_id, indicators=report.indicators,
                         message=f"已登记技术合同 {c.registration_no}，更新指标 {len(changed)} 项")
