"""企业培育: screen a registry, explain one enterprise, the cultivation funnel against targets.

The uploaded registry is staged in the database (any worker can serve the follow-up
requests: the result workbook, one enterprise explained) for two hours; the work is
done by :mod:`innodrive.services.enterprises`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.services import accounts
from innodrive.services import enterprises as service
from innodrive.services.enterprises import EnterpriseExplanation, FunnelView, ScreeningView
from innodrive.web import render
from innodrive.web.guard import ActorDep, make_router, route
from innodrive.web.uploads import TABLES, read_upload

router = make_router()
KIND = "registry"
STAGE_LABELS = {"pass": "符合", "fail": "不符合", "needs_data": "缺少数据", "manual_review": "需人工审核"}


class EnterprisesPage(BaseModel):
    today: dt.date
    region: str
    year: int


class Screening(BaseModel):
    """A screened registry: ``id`` names it for the result file and the explanations."""

    id: str
    view: ScreeningView


class ExplainPage(BaseModel):
    screening_id: str
    file: str
    explanation: EnterpriseExplanation


class FunnelPage(BaseModel):
    region: str
    year: int
    view: FunnelView


def _region_name(actor) -> str:
    return render.scope_label(actor).split("，")[0] if actor.region_code else ""


def _staged_view(request: Request, actor, staged_id: str) -> tuple[object, ScreeningView]:
    staged = accounts.staged_upload(request.app.state.store, actor, staged_id, kind=KIND)
    return staged, ScreeningView.model_validate(staged.options["view"])


@route(router, "enterprises")
def enterprises(request: Request, actor: ActorDep) -> Response:
    data = EnterprisesPage(today=dt.date.today(), region=_region_name(actor), year=dt.date.today().year)
    return render.page(request, "enterprises.html", data, title="企业培育")


async def _screen(request: Request, actor, file: UploadFile | None, on: dt.date | None) -> Screening:
    from starlette.concurrency import run_in_threadpool

    name, data = await read_upload(file, allowed=TABLES, what="企业登记表")
    day = on or dt.date.today()
    store = request.app.state.store
    output = await run_in_threadpool(service.screen_registry, store, actor, data, name=name, on=day)
    staged_id = await run_in_threadpool(accounts.stage_upload, store, actor, kind=KIND, file_name=name, content=data,
                                        options={"on": day.isoformat(), "view": output.view.model_dump(mode="json")})
    return Screening(id=staged_id, view=output.view)


@route(router, "enterprises_screen")
async def enterprises_screen(request: Request, actor: ActorDep, file: Annotated[UploadFile | None, File()] = None,
                             on: Annotated[dt.date | None, Form()] = None) -> Response:
    screening = await _screen(request, actor, file, on)
    response = render.page(request, "enterprises_screening.html", screening, title="筛选结果")
    response.headers["HX-Push-Url"] = f"/enterprises/screenings/{screening.id}"
    return response


@route(router, "enterprises_screening")
def enterprises_screening(request: Request, actor: ActorDep, staged_id: str) -> Response:
    staged, view = _staged_view(request, actor, staged_id)
    return render.page(request, "enterprises_screening.html", Screening(id=staged.id, view=view), title="筛选结果")


@route(router, "enterprises_result")
def enterprises_result(request: Request, actor: ActorDep, staged_id: str) -> Response:
    staged = accounts.staged_upload(request.app.state.store, actor, staged_id, kind=KIND)
    output = service.screen_registry(request.app.state.store, actor, staged.content, name=staged.file_name,
                                     on=dt.date.fromisoformat(staged.options["on"]))
    return Response(output.workbook, media_type=output.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(output.filename)}"})


def _explain(request: Request, actor, staged_id: str, code: str) -> ExplainPage:
    staged = accounts.staged_upload(request.app.state.store, actor, staged_id, kind=KIND)
    explanation = service.explain_enterprise(request.app.state.store, actor, staged.content, name=staged.file_name,
                                             credit_code=code, on=dt.date.fromisoformat(staged.options["on"]))
    return ExplainPage(screening_id=staged.id, file=staged.file_name, explanation=explanation)


@route(router, "enterprises_explain")
def enterprises_explain(request: Request, actor: ActorDep, staged_id: str, code: str) -> Response:
    data = _explain(request, actor, staged_id, code)
    return render.page(request, "enterprises_explain.html", data, title=f"{data.explanation.name} 逐条解释",
                       STAGE_LABELS=STAGE_LABELS)


def _funnel(request: Request, actor, region: str, year: int, **ledger) -> FunnelPage:
    view = service.funnel_report(request.app.state.store, actor, region=region or None, year=year, **ledger)
    return FunnelPage(region=region, year=year, view=view)


@route(router, "enterprises_funnel")
def enterprises_funnel(request: Request, actor: ActorDep, region: Annotated[str, Query(max_length=100)] = "",
                       year: Annotated[int | None, Query(ge=1949, le=2100)] = None) -> Response:
    data = _funnel(request, actor, region or _region_name(actor), year or dt.date.today().year)
    return render.page(request, "enterprises_funnel.html", data, title="培育漏斗")


@route(router, "enterprises_funnel_import")
async def enterprises_funnel_import(request: Request, actor: ActorDep,
                                    region: Annotated[str, Form(max_length=100)] = "",
                                    year: Annotated[int | None, Form(ge=1949, le=2100)] = None,
                                    ledger: Annotated[UploadFile | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    name, data = await read_upload(ledger, allowed=TABLES, what="培育台账")
    page = await run_in_threadpool(_funnel, request, actor, region or _region_name(actor),
                                   year or dt.date.today().year, ledger=data, ledger_name=name)
    return render.page(request, "enterprises_funnel.html", page, title="培育漏斗")


# -- JSON API --------------------------------------------------------------------------------


@route(router, "api_enterprises_screen", response_model=Screening)
async def api_enterprises_screen(request: Request, actor: ActorDep, file: Annotated[UploadFile, File()],
                                 on: Annotated[dt.date | None, Form()] = None) -> Screening:
    return await _screen(request, actor, file, on)


@route(router, "api_enterprises_screening", response_model=Screening)
def api_enterprises_screening(request: Request, actor: ActorDep, staged_id: str) -> Screening:
    staged, view = _staged_view(request, actor, staged_id)
    return Screening(id=staged.id, view=view)


@route(router, "api_enterprises_explain", response_model=ExplainPage)
def api_enterprises_explain(request: Request, actor: ActorDep, staged_id: str, code: str) -> ExplainPage:
    return _explain(request, actor, staged_id, code)


@route(router, "api_enterprises_funnel", response_model=FunnelPage)
def api_enterprises_funnel(request: Request, actor: ActorDep, region: Annotated[str, Query(max_length=100)] = "",
                           year: Annotated[int | None, Query(ge=1949, le=2100)] = None) -> FunnelPage:
    return _funnel(request, actor, region or _region_name(actor), year or dt.date.today().year)
