"""全省看板 (all 市州 or 区县 on one indicator and year, as a map, a tile grid and a table),
one region's page, the public province page and the example cities side by side, over
:mod:`innodrive.services.province`.

The boundary map is drawn in the workbench; the public page shows the tile grid unless
the office switched the map on (``INNODRIVE_PUBLIC_MAP``: the boundaries come from a
commercial web-map provider, and a map shown to the public in China needs a 审图号).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive import settings
from innodrive.errors import NotFound
from innodrive.province.board import ProvinceBoard, resolve_indicator
from innodrive.province.cities import CitiesView
from innodrive.province.maps import FILES, PACKAGE, MapView, map_view
from innodrive.services import province as service
from innodrive.services.access import can
from innodrive.services.province import IndicatorChoice, RegionProfile, YearChoice
from innodrive.web import cache, maps, render
from innodrive.web.guard import ActorDep, make_router, route

router = make_router()
DEFAULT_INDICATOR = "rd_intensity"
Level = Literal["prefecture", "county"]
IndicatorQ = Annotated[str, Query(max_length=100)]
YearQ = Annotated[int | None, Query(ge=1949, le=2100)]


class ProvincePage(BaseModel):
    board: ProvinceBoard
    indicators: list[IndicatorChoice]
    years: list[YearChoice]
    view: str
    map: MapView
    option: dict | None = None
    tiles: maps.TileGrid | None = None


class PublicProvincePage(BaseModel):
    board: ProvinceBoard
    indicators: list[IndicatorChoice]
    years: list[YearChoice]
    map: MapView
    option: dict | None = None
    tiles: maps.TileGrid | None = None


class RegionPage(BaseModel):
    profile: RegionProfile
    years: list[int]
    values: dict[str, dict[int, float]]


class CitiesPage(BaseModel):
    view: CitiesView
    indicators: list[IndicatorChoice]
    years: list[int]


def _scope(actor) -> tuple:
    return (actor.username, actor.role, actor.region_code, actor.unit, actor.local)


def _year(request: Request, actor, indicator: str, level: str, year: int | None) -> tuple[int, list[YearChoice]]:
    """The year asked for, else the year in which most regions have a value (newest on a tie)."""
    years = service.board_years(request.app.state.store, actor, indicator=indicator, level=level)
    if year is not None:
        return year, years
    if years:
        return max(years, key=lambda y: (y.regions, y.year)).year, years
    return dt.date.today().year - 1, years


def _board(request: Request, actor, indicator: str, year: int, level: str) -> ProvinceBoard:
    store = request.app.state.store
    return cache.memo(store, ("province", indicator, year, level, dt.date.today()),
                      lambda: service.province_board(store, actor, indicator=indicator, year=year, level=level),
                      at=getattr(request.state, "db_version", None))


def _drawing(view: MapView, how: str) -> dict:
    if how == "map":
        return {"option": maps.map_option(view)}
    return {"tiles": maps.tile_grid(view)}


@route(router, "province")
def province(request: Request, actor: ActorDep, indicator: IndicatorQ = DEFAULT_INDICATOR, year: YearQ = None,
             level: Level = "prefecture", view: Literal["map", "tiles"] = "map") -> Response:
    code = resolve_indicator(indicator or DEFAULT_INDICATOR).code
    chosen, years = _year(request, actor, code, level, year)
    board = _board(request, actor, code, chosen, level)
    how = "map" if level == "county" else view
    mv = map_view(board, kind="geo" if how == "map" else "tiles")
    data = ProvincePage(board=board, indicators=service.indicator_choices(actor), years=years, view=how, map=mv,
                        **_drawing(mv, how))
    return render.page(request, "province.html", data, title=f"全省看板 · {board.indicator_name}")


@route(router, "api_province", response_model=ProvinceBoard)
def api_province(request: Request, actor: ActorDep, indicator: IndicatorQ = DEFAULT_INDICATOR, year: YearQ = None,
                 level: Level = "prefecture") -> ProvinceBoard:
    code = resolve_indicator(indicator or DEFAULT_INDICATOR).code
    chosen, _ = _year(request, actor, code, level, year)
    return _board(request, actor, code, chosen, level)


@route(router, "api_province_years", response_model=list[YearChoice])
def api_province_years(request: Request, actor: ActorDep, indicator: IndicatorQ = DEFAULT_INDICATOR,
                       level: Level = "prefecture") -> list[YearChoice]:
    return service.board_years(request.app.state.store, actor, indicator=indicator, level=level)


@route(router, "province_xlsx")
def province_xlsx(request: Request, actor: ActorDep, indicator: IndicatorQ = DEFAULT_INDICATOR, year: YearQ = None,
                  level: Level = "prefecture") -> Response:
    code = resolve_indicator(indicator or DEFAULT_INDICATOR).code
    chosen, _ = _year(request, actor, code, level, year)
    body, name = service.board_workbook(request.app.state.store, actor, indicator=code, year=chosen, level=level)
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@route(router, "map_geojson")
def map_geojson(request: Request, actor: ActorDep, level: str) -> Response:
    """The prepared boundaries: for the workbench, and for the public only once the office
    switched the public map on."""
    if level not in FILES:
        raise NotFound("没有该层级的边界数据（可用：prefecture 市州、county 区县）", field="level")
    if not can(actor, "province.read") and not settings.flag("public_map"):
        raise NotFound("公开页面未启用边界地图", field="level")
    body = (resources.files(PACKAGE) / FILES[level]).read_bytes()
    return Response(body, media_type="application/json", headers={"Cache-Control": "private, max-age=86400"})


def _region(request: Request, actor, code: str) -> RegionPage:
    profile = service.region_profile(request.app.state.store, actor, code, as_of=dt.date.today())
    years = sorted({p.year for s in profile.series for p in s.points})[-12:]
    values = {s.code: {p.year: p.value for p in s.points} for s in profile.series}
    return RegionPage(profile=profile, years=years, values=values)


@route(router, "region")
def region(request: Request, actor: ActorDep, code: str) -> Response:
    data = _region(request, actor, code)
    return render.page(request, "region.html", data, title=data.profile.name)


@route(router, "api_region", response_model=RegionProfile)
def api_region(request: Request, actor: ActorDep, code: str) -> RegionProfile:
    return service.region_profile(request.app.state.store, actor, code, as_of=dt.date.today())


@route(router, "public_province")
def public_province(request: Request, actor: ActorDep, indicator: IndicatorQ = DEFAULT_INDICATOR,
                    year: YearQ = None) -> Response:
    store = request.app.state.store
    code = resolve_indicator(indicator or DEFAULT_INDICATOR).code
    chosen, years = _year(request, actor, code, "prefecture", year)
    board, mv = service.public_board_map(store, actor, indicator=code, year=chosen,
                                         map_enabled=settings.flag("public_map"))
    data = PublicProvincePage(board=board, indicators=service.indicator_choices(actor), years=years, map=mv,
                              **_drawing(mv, "map" if mv.kind == "geo" else "tiles"))
    return render.page(request, "public_province.html", data, title="全省市州对比")


def _cities(request: Request, actor, indicator: str, as_of: dt.date | None) -> CitiesView:
    return service.cities_side_by_side(request.app.state.store, actor, indicator=indicator or "hnte_count",
                                       as_of=as_of or dt.date.today())


@route(router, "cities")
def cities(request: Request, actor: ActorDep, indicator: IndicatorQ = "hnte_count",
           as_of: Annotated[dt.date | None, Query()] = None) -> Response:
    view = _cities(request, actor, indicator, as_of)
    years = sorted({p.year for c in view.cities for t in c.targets for p in t.path})
    return render.page(request, "cities.html",
                       CitiesPage(view=view, indicators=service.indicator_choices(actor), years=years),
                       title=f"四市对比 · {view.indicator_name}")


@route(router, "api_cities", response_model=CitiesView)
def api_cities(request: Request, actor: ActorDep, indicator: IndicatorQ = "hnte_count",
               as_of: Annotated[dt.date | None, Query()] = None) -> CitiesView:
    return _cities(request, actor, indicator, as_of)
