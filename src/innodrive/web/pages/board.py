"""总览, 目标看板 and one target's page, over :mod:`innodrive.services.board` and
:mod:`innodrive.services.overview`.

The board and the overview evaluate every target of the actor's region; their views are
memoised per worker until the database changes (:mod:`innodrive.web.cache`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.services import board as board_service
from innodrive.services import links as links_service
from innodrive.services import overview as overview_service
from innodrive.services.access import can
from innodrive.services.board import TargetBoard
from innodrive.services.overview import Overview, TargetDetail
from innodrive.web import cache, charts, render
from innodrive.web.guard import ActorDep, Id, OptionalId, make_router, route

router = make_router()
LIGHTS = ("green", "yellow", "red", "grey")
KIND_NAMES = {"number": "数值", "multiple": "倍数", "growth": "增速", "relative": "相对", "trend": "趋势",
              "milestone": "里程碑"}


class OverviewPage(BaseModel):
    overview: Overview
    trend_options: list[dict]


class BoardFilters(BaseModel):
    plan: int | None = None
    light: str | None = None
    region: str | None = None
    as_of: dt.date | None = None


class BoardPage(BaseModel):
    board: TargetBoard
    filters: BoardFilters
    plans: list[tuple[int, str]]
    shown: int


class TargetPage(BaseModel):
    detail: TargetDetail
    option: dict
    can_link: bool
    indicators: list[tuple[str, str]]
    as_of: dt.date
    message: str | None = None


def _scope(actor) -> tuple:
    return (actor.username, actor.role, actor.region_code, actor.unit, actor.local)


def _overview(request: Request, actor, as_of: dt.date | None, region: str | None) -> Overview:
    day = as_of or dt.date.today()
    store = request.app.state.store
    return cache.memo(store, ("overview", _scope(actor), day, region),
                      lambda: overview_service.overview(store, actor, as_of=day, region=region))


@route(router, "overview")
def overview(request: Request, actor: ActorDep, as_of: Annotated[dt.date | None, Query()] = None,
             region: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    def build() -> OverviewPage:
        data = _overview(request, actor, as_of, region or None)
        return OverviewPage(overview=data, trend_options=[charts.trend_option(s) for s in data.trends])

    key = ("overview", _scope(actor), as_of or dt.date.today(), region)
    return render.cached_page(request, "overview.html", key=key, build=build, title="总览")


@route(router, "api_overview", response_model=Overview)
def api_overview(request: Request, actor: ActorDep, as_of: Annotated[dt.date | None, Query()] = None,
                 region: Annotated[str | None, Query(max_length=100)] = None) -> Overview:
    return _overview(request, actor, as_of, region or None)


def _board(request: Request, actor, f: BoardFilters) -> TargetBoard:
    day = f.as_of or dt.date.today()
    store = request.app.state.store
    full = cache.memo(store, ("board", _scope(actor), day, f.region, f.plan),
                      lambda: board_service.targets(store, actor, as_of=day, region=f.region, plan_id=f.plan))
    if f.light:
        return full.model_copy(update={"lines": [x for x in full.lines if x.status.light == f.light]})
    return full


def _filters(plan, light, region, as_of) -> BoardFilters:
    from innodrive.errors import InputError

    if light and light not in LIGHTS:
        raise InputError(f"灯色应为 {'、'.join(LIGHTS)} 之一", field="light")
    return BoardFilters(plan=plan, light=light or None, region=region or None, as_of=as_of)


@route(router, "board")
def board(request: Request, actor: ActorDep, plan: OptionalId = None,
          light: Annotated[str | None, Query(max_length=10)] = None,
          region: Annotated[str | None, Query(max_length=100)] = None,
          as_of: Annotated[dt.date | None, Query()] = None) -> Response:
    f = _filters(plan, light, region, as_of)

    def build() -> BoardPage:
        data = _board(request, actor, f)
        everything = _board(request, actor, f.model_copy(update={"plan": None, "light": None}))
        plans = sorted({(p.id, p.title) for line in everything.lines for p in line.plans})
        return BoardPage(board=data, filters=f, plans=plans, shown=len(data.lines))

    key = ("board", _scope(actor), f.as_of or dt.date.today(), f.plan, f.light, f.region)
    return render.cached_page(request, "board.html", key=key, build=build, title="目标看板", KIND_NAMES=KIND_NAMES)


@route(router, "api_board", response_model=TargetBoard)
def api_board(request: Request, actor: ActorDep, plan: OptionalId = None,
              light: Annotated[str | None, Query(max_length=10)] = None,
              region: Annotated[str | None, Query(max_length=100)] = None,
              as_of: Annotated[dt.date | None, Query()] = None) -> TargetBoard:
    return _board(request, actor, _filters(plan, light, region, as_of))


def _target_page(request: Request, actor, target_id: Id, as_of: dt.date | None, message: str | None = None
                 ) -> TargetPage:
    day = as_of or dt.date.today()
    detail = overview_service.target_detail(request.app.state.store, actor, target_id, as_of=day)
    title = f"{detail.line.indicator}（{detail.line.region_name or ''}）"
    allowed = can(actor, "links.write")
    indicators = [(i.code, i.name) for i in links_service.indicators(actor)] if allowed else []
    return TargetPage(detail=detail, option=charts.target_option(detail.chart, title=title), can_link=allowed,
                      indicators=indicators, as_of=day, message=message)


@route(router, "target")
def target(request: Request, actor: ActorDep, target_id: Id,
           as_of: Annotated[dt.date | None, Query()] = None) -> Response:
    key = ("target", _scope(actor), target_id, as_of or dt.date.today())
    return render.cached_page(request, "target.html", key=key, build=lambda: _target_page(request, actor, target_id,
                                                                                         as_of),
                              title=lambda page: page.detail.line.indicator, KIND_NAMES=KIND_NAMES)


@route(router, "api_target", response_model=TargetDetail)
def api_target(request: Request, actor: ActorDep, target_id: Id,
               as_of: Annotated[dt.date | None, Query()] = None) -> TargetDetail:
    return overview_service.target_detail(request.app.state.store, actor, target_id, as_of=as_of or dt.date.today())


class LinkRequest(BaseModel):
    indicator: str


def _link(request: Request, actor, target_id: Id, indicator: str):
    detail = overview_service.target_detail(request.app.state.store, actor, target_id, as_of=dt.date.today())
    return links_service.link(request.app.state.store, actor, phrase=detail.line.indicator, indicator=indicator)


@route(router, "target_link")
def target_link(request: Request, actor: ActorDep, target_id: Id,
                indicator: Annotated[str, Form(max_length=100)] = "") -> Response:
    result = _link(request, actor, target_id, indicator)
    message = f"已将“{result.phrase}”对应到目录指标“{result.name}”（{result.code}），更新 {result.updated} 个目标"
    if result.warning:
        message += f"。{result.warning}"
    page = _target_page(request, actor, target_id, None, message)
    return render.page(request, "target.html", page, title=page.detail.line.indicator, KIND_NAMES=KIND_NAMES)


@route(router, "api_target_link", response_model=links_service.LinkResult)
def api_target_link(request: Request, actor: ActorDep, target_id: Id, body: LinkRequest) -> links_service.LinkResult:
    return _link(request, actor, target_id, body.indicator)
