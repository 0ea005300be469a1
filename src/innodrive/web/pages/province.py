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

from fastapi import File, Form, Query, Request, UploadFile
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
from innodrive.web.uploads import read_upload

router = make_router()
DEFAULT_INDICATOR = "rd_intensity"
Level = Literal["prefecture", "county"]
IndicatorQ = Annotated[str, Query(max_length=100)]
YearQ = Annotated[int | None, Query(ge=1949, le=2100)]


class ProvincePage(BaseModel):
    """The board drawn: ``view`` "map" (boundaries, ``option``) or "tiles" (``tiles``), and the bars;
    the public page uses the same data."""

    board: ProvinceBoard
    indicators: list[IndicatorChoice]
    years: list[YearChoice]
    view: str
    map: MapView
    option: dict | None = None
    tiles: maps.TileGrid | None = None
    bars: dict


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
    store = request.app.state.store
    years = cache.memo(store, ("province-years", indicator, level),
                       lambda: service.board_years(store, actor, indicator=indicator, level=level),
                       at=getattr(request.state, "db_version", None))
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
    drawn: dict = {"bars": maps.bar_option(view)}
    if how == "map":
        drawn["option"] = maps.map_option(view)
    else:
        drawn["tiles"] = maps.tile_grid(view)
    return drawn


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
    how = "map" if mv.kind == "geo" else "tiles"
    data = ProvincePage(board=board, indicators=service.indicator_choices(actor), years=years, view=how, map=mv,
                        **_drawing(mv, how))
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


# --------------------------------------------------------------------------- 科技创新水平指数

STI_KIND = "sti_framework"
FRAMEWORKS = (".yaml", ".yml")
WHAT_IF_PREFIX = "wi_"


class StiStart(BaseModel):
    year: int
    region: str


class StiPage(BaseModel):
    id: str
    file: str
    year: int
    region: str | None
    view: service.StiView
    bars: dict
    what_if_text: str


class StiChecksPage(BaseModel):
    id: str
    file: str
    year: int
    report: object
    checks: object
    charts: list[dict]
    balanced: service.BalancedWeights | None = None
    region: str | None = None

    model_config = {"arbitrary_types_allowed": True}


def _home_city(actor) -> str:
    """The actor's 市州 (a 区县 account: its 市州), else 乐山市 as the page's first suggestion."""
    code = actor.region_code or ""
    if len(code) == 6 and code.startswith("51") and code != "510000":
        return code[:4] + "00"
    return ""


@route(router, "sti_index")
def sti_index(request: Request, actor: ActorDep) -> Response:
    data = StiStart(year=dt.date.today().year - 2, region=_home_city(actor))
    return render.page(request, "sti_index.html", data, title="科技创新水平指数")


@route(router, "sti_template")
def sti_template(request: Request, actor: ActorDep) -> Response:
    name = "四川省科技创新水平指数_标准值与权重模板.yaml"
    return Response(service.sti_template(actor).encode("utf-8"), media_type="application/x-yaml; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _what_if(request: Request) -> dict[str, float]:
    from innodrive.errors import InputError

    out = {}
    for key, text in request.query_params.items():
        if not key.startswith(WHAT_IF_PREFIX) or not text.strip():
            continue
        try:
            out[key[len(WHAT_IF_PREFIX):]] = float(text)
        except ValueError:
            raise InputError(f"假设值“{text[:30]}”不是数字", field=key) from None
    return out


def _parse_what_if(text: str | None) -> dict[str, float]:
    """``rd_intensity=2.1, hnte_count=300`` (the API's form of a what-if)."""
    from innodrive.errors import InputError

    out = {}
    for part in (text or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise InputError(f"假设分析应写作“指标代码=数值”，逗号分隔；“{part.strip()[:40]}”无法识别",
                             field="what_if") from None
    return out


def _sti_view(request: Request, actor, staged, region: str | None, what_if: dict[str, float]) -> StiPage:
    year = int(staged.options["year"])
    view = service.sti_overview(request.app.state.store, actor, framework=(staged.content, staged.file_name),
                                year=year, region=region or None, what_if=what_if or None)
    link = f"/sti-index/{staged.id}?region={{code}}"
    bars = maps.index_bar_option(view.report, link=link)
    return StiPage(id=staged.id, file=staged.file_name, year=year, region=region, view=view, bars=bars,
                   what_if_text=", ".join(f"{k}={v:g}" for k, v in what_if.items()))


@route(router, "sti_upload")
async def sti_upload(request: Request, actor: ActorDep, file: Annotated[UploadFile | None, File()] = None,
                     year: Annotated[int, Form(ge=1949, le=2100)] = dt.date.today().year - 2,
                     region: Annotated[str, Form(max_length=40)] = "") -> Response:
    from starlette.concurrency import run_in_threadpool

    from innodrive.services import accounts

    name, data = await read_upload(file, allowed=FRAMEWORKS, what="指数框架文件")
    store = request.app.state.store
    # computed once before anything is kept: a bad framework is refused here with its message
    await run_in_threadpool(service.sti_overview, store, actor, framework=(data, name), year=year)
    staged_id = await run_in_threadpool(accounts.stage_upload, store, actor, kind=STI_KIND, file_name=name,
                                        content=data, options={"year": year})
    target = f"/sti-index/{staged_id}" + (f"?region={quote(region.strip())}" if region.strip() else "")
    response = Response(status_code=303, headers={"Location": target, "HX-Redirect": target})
    return response


@route(router, "sti_result")
def sti_result(request: Request, actor: ActorDep, staged_id: str,
               region: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    from innodrive.services import accounts

    staged = accounts.staged_upload(request.app.state.store, actor, staged_id, kind=STI_KIND)
    data = _sti_view(request, actor, staged, region, _what_if(request))
    return render.page(request, "sti_result.html", data, title=f"科技创新水平指数 · {data.year} 年")


@route(router, "sti_checks")
def sti_checks(request: Request, actor: ActorDep, staged_id: str,
               region: Annotated[str | None, Query(max_length=40)] = None,
               uncertainty: Annotated[int, Query(ge=0, le=1000)] = 200, balance: bool = False) -> Response:
    from innodrive.services import accounts
    from innodrive.web import index_charts

    staged = accounts.staged_upload(request.app.state.store, actor, staged_id, kind=STI_KIND)
    year = int(staged.options["year"])
    report, cv = service.sti_checks(request.app.state.store, actor, framework=(staged.content, staged.file_name),
                                    year=year, region=region or None, uncertainty=uncertainty)
    balanced = service.sti_balanced_weights(request.app.state.store, actor,
                                            framework=(staged.content, staged.file_name), year=year) if balance else None
    data = StiChecksPage(id=staged.id, file=staged.file_name, year=year, report=report, checks=cv.checks,
                         charts=[index_charts.option(c) for c in cv.charts], balanced=balanced, region=region)
    return render.page(request, "sti_checks.html", data, title=f"指数发布前检查 · {year} 年")


@route(router, "api_sti_index", response_model=service.StiView)
async def api_sti_index(request: Request, actor: ActorDep, file: Annotated[UploadFile | None, File()] = None,
                        year: Annotated[int, Form(ge=1949, le=2100)] = dt.date.today().year - 2,
                        region: Annotated[str | None, Form(max_length=40)] = None,
                        what_if: Annotated[str | None, Form(max_length=2000)] = None) -> service.StiView:
    from starlette.concurrency import run_in_threadpool

    name, data = await read_upload(file, allowed=FRAMEWORKS, what="指数框架文件")
    return await run_in_threadpool(service.sti_overview, request.app.state.store, actor, framework=(data, name),
                                   year=year, region=region or None, what_if=_parse_what_if(what_if) or None)
