"""Use cases of the province picture: the board of all 市州/区县, and the example cities side by side.

Statistics of the province's regions are public figures, so every role that may read
the board sees all regions (comparing with the neighbours is the point); writing
observations stays with ``innodrive data`` and its own rights.
"""

from __future__ import annotations

import datetime as dt

from innodrive.province.board import ProvinceBoard
from innodrive.services.access import require
from innodrive.services.actor import Actor


def province_board(store, actor: Actor, *, indicator: str, year: int, level: str = "prefecture",
                   as_of: dt.date | None = None) -> ProvinceBoard:
    """All 市州 (``level="prefecture"``) or 区县 (``"county"``) of Sichuan on one indicator and year."""
    from innodrive.province import board

    require(actor, "province.read")
    with store.read() as session:
        return board.province_board(session, indicator, year, level=level, as_of=as_of)


def province_boards(store, actor: Actor, *, indicators: list[str], year: int, level: str = "prefecture",
                    as_of: dt.date | None = None) -> list[ProvinceBoard]:
    """Several indicators' boards in one read (the whole catalogue for a 区县 overview)."""
    from innodrive.province import board

    require(actor, "province.read")
    with store.read() as session:
        return board.province_boards(session, indicators, year, level=level, as_of=as_of)


def sti_index(store, actor: Actor, *, framework, year: int, as_of: dt.date | None = None):
    """The provincial 科技创新水平指数 of every 市州 (``framework``: a path for the CLI's local
    operator, or ``(bytes, file name)`` from an upload), with missing data and gaps."""
    from innodrive.province import sti_index as S

    require(actor, "index.run")
    fw = S.load_index_framework(framework)
    with store.read() as session:
        report, _ = S.index_report(session, fw, year, as_of=as_of)
    return report


def sti_levers(store, actor: Actor, *, framework, year: int, region: str, what_if: dict[str, float] | None = None,
               as_of: dt.date | None = None):
    """One 市州's index, gap to 60% and levers (and a what-if), plus the whole report."""
    from innodrive.province import sti_index as S

    require(actor, "index.run")
    fw = S.load_index_framework(framework)
    with store.read() as session:
        report, coin = S.index_report(session, fw, year, as_of=as_of)
    return report, S.levers(fw, coin, report, region, what_if=what_if)


def province_map(store, actor: Actor, *, indicator: str, year: int, level: str = "prefecture",
                 public: bool = False, map_enabled: bool = False, as_of: dt.date | None = None):
    """The board as map data: boundaries in the workbench, the tile grid on public pages
    unless the office switched the map on (审图号 caveat, see :mod:`innodrive.province.maps`)."""
    from innodrive.province import maps

    board = province_board(store, actor, indicator=indicator, year=year, level=level, as_of=as_of)
    kind = maps.public_layout(map_enabled) if public else "geo"
    if kind == "tiles" and level != "prefecture":
        raise_level = "区县的方块示意图未提供：公开页面请使用市州层级"
        from innodrive.errors import InputError

        raise InputError(raise_level, field="level")
    return maps.map_view(board, kind=kind)


def sti_checks(store, actor: Actor, *, framework, year: int, region: str | None = None, uncertainty: int = 0,
               as_of: dt.date | None = None):
    """The provincial index's pre-publication checks and charts (60 line drawn on the bar chart)."""
    from innodrive.assessment.sensitivity import uncertainty as run_ua
    from innodrive.province import sti_index as S
    from innodrive.regions import resolve
    from innodrive.services.assessment import checks_for

    require(actor, "index.run")
    fw = S.load_index_framework(framework)
    with store.read() as session:
        report, coin = S.index_report(session, fw, year, as_of=as_of)
    known = coin.copy()
    ua = run_ua(known, n=uncertainty) if uncertainty else None
    unit = resolve(region, within="510000").code if region else None
    names = {c.code: c.name for c in report.cities}
    return report, checks_for(coin, uncertainty=ua, reference=S.LINE, unit=unit, names=names)


def cities_side_by_side(store, actor: Actor, *, indicator: str, as_of: dt.date,
                        regions: tuple[str, ...] | list[str] | None = None, rules: str | None = None):
    """One indicator's targets in the example cities (default 自贡、乐山、绵阳、宜宾), each with
    its path, latest value and light — over the living plan's board, read-only."""
    from innodrive.errors import Forbidden
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.observations import latest
    from innodrive.plans.board import target_board
    from innodrive.province import cities as C
    from innodrive.province.board import resolve_indicator
    from innodrive.regions import resolve

    require(actor, "board.read")
    ind = resolve_indicator(indicator)
    cat = load_catalogue()
    related = [ind.code]
    flow = cat.flow_for(ind.code)
    if flow is not None:
        related.append(flow.code)
    if ind.flow_of:
        related.append(ind.flow_of)
    columns = []
    for name in regions or C.DEFAULT_CITIES:
        r = resolve(name, field="region")
        if not actor.covers(r.code):
            continue
        lines = [ln for ln in target_board(store, as_of=as_of, region=r.code, rules=rules)
                 if ln.stored.indicator_code in related and ln.region_code == r.code]
        obs: dict[str, dict[int, float]] = {}
        for o in latest(store, indicator_codes=related, region_codes=[r.code]):
            if o.period.isdigit():
                obs.setdefault(o.indicator_code, {})[int(o.period)] = o.value
        columns.append(C.CityColumn(region_code=r.code, region_name=r.name,
                                    targets=[C.city_target(ln, obs.get(ln.stored.indicator_code, {})) for ln in lines]))
    if not columns:
        raise Forbidden(f"{actor.display}无权查看所选城市的目标")
    return C.CitiesView(indicator=ind.code, indicator_name=ind.name, unit=ind.unit, related=related,
                        as_of=as_of.isoformat(), cities=columns)
