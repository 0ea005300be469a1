"""Use cases of the province picture: the board of all 市州/区县, and the example cities side by side.

Statistics of the province's regions are public figures, so every role that may read
the board sees all regions (comparing with the neighbours is the point); writing
observations stays with ``innodrive data`` and its own rights.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from innodrive.province.board import ProvinceBoard
from innodrive.province.sti_index import CityLevers, IndexReport
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
            if o.period.isdecimal():
                obs.setdefault(o.indicator_code, {})[int(o.period)] = o.value
        columns.append(C.CityColumn(region_code=r.code, region_name=r.name,
                                    targets=[C.city_target(ln, obs.get(ln.stored.indicator_code, {})) for ln in lines]))
    if not columns:
        raise Forbidden(f"{actor.display}无权查看所选城市的目标")
    return C.CitiesView(indicator=ind.code, indicator_name=ind.name, unit=ind.unit, related=related,
                        as_of=as_of.isoformat(), cities=columns)


# --------------------------------------------------------------------------- for the web workbench


class IndicatorChoice(BaseModel):
    code: str
    name: str
    unit: str
    category: str


class YearChoice(BaseModel):
    year: int
    regions: int = Field(description="regions of the level with a value that year")


def indicator_choices(actor: Actor) -> list[IndicatorChoice]:
    """Every catalogue indicator a board can show (code, name, unit), in catalogue order
    (the catalogue is no secret: the public page offers it too)."""
    from innodrive.indicators.catalogue import load_catalogue

    require(actor, "public.read")
    return [IndicatorChoice(code=i.code, name=i.name, unit=i.unit, category=i.category) for i in load_catalogue()]


def board_years(store, actor: Actor, *, indicator: str, level: str = "prefecture") -> list[YearChoice]:
    """The years in which any 市州 (or 区县) has a value of ``indicator``, newest first,
    with how many regions have one — so a page offers years that show something (which
    years have data is no secret: the public page offers them too)."""
    from sqlalchemy import func, select

    from innodrive.province.board import places, resolve_indicator
    from innodrive.store.schema import ObservationRow

    require(actor, "public.read")
    ind = resolve_indicator(indicator)
    codes = [p.code for p in places(level=level)]
    t = ObservationRow.__table__.c
    q = (select(t.period, func.count(func.distinct(t.region_code)))
         .where(t.is_current.is_(True)).where(t.indicator_code == ind.code).where(t.region_code.in_(codes))
         .where(func.length(t.period) == 4).group_by(t.period))
    with store.read() as session:
        found = [(p, n) for p, n in session.execute(q) if p.isdecimal()]
    return [YearChoice(year=int(p), regions=n) for p, n in sorted(found, key=lambda x: -int(x[0]))]


def board_workbook(store, actor: Actor, *, indicator: str, year: int, level: str = "prefecture",
                   as_of: dt.date | None = None) -> tuple[bytes, str]:
    """The board as an XLSX workbook (values, ranks, changes, sources, missing reasons) and its file name."""
    from innodrive.province.export import board_xlsx

    board = province_board(store, actor, indicator=indicator, year=year, level=level, as_of=as_of)
    return board_xlsx(board), f"{board.province_name}{board.level_name}对比_{board.indicator_name}_{board.year}.xlsx"


def public_board_map(store, actor: Actor, *, indicator: str, year: int, map_enabled: bool,
                     as_of: dt.date | None = None):
    """The 市州 board for the public page: published statistics of the province's regions,
    drawn as the tile grid unless the office switched the boundary map on (审图号)."""
    from innodrive.province import board, maps

    require(actor, "public.read")
    with store.read() as session:
        b = board.province_board(session, indicator, year, level="prefecture", as_of=as_of)
    return b, maps.map_view(b, kind=maps.public_layout(map_enabled), link="")


class SeriesPoint(BaseModel):
    year: int
    value: float
    unit: str
    source: str
    derived: bool = False


class RegionSeries(BaseModel):
    code: str
    name: str
    unit: str
    category: str
    points: list[SeriesPoint]


class RegionTarget(BaseModel):
    target_id: int
    indicator: str
    goal: str
    plan_title: str
    light: str
    label: str
    reason: str
    latest_value: float | None
    latest_period: str | None


class RegionProfile(BaseModel):
    code: str
    name: str
    level: str = Field(description="'province', 'prefecture' or 'county'")
    parent_code: str | None
    parent_name: str | None
    children: list[tuple[str, str]] = Field(default_factory=list, description="(code, name) of its 区县")
    series: list[RegionSeries]
    targets: list[RegionTarget]
    targets_note: str | None = Field(None, description="why targets are not shown, when they are not")
    as_of: dt.date


def region_profile(store, actor: Actor, region: str, *, as_of: dt.date) -> RegionProfile:
    """One region's statistics over time (every catalogue indicator it has, each value with its
    source) and — when the actor's scope covers it — its plan targets with their lights."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.observations import latest
    from innodrive.regions import all_regions, resolve
    from innodrive.services.access import can
    from innodrive.services.board import targets

    require(actor, "province.read")
    r = resolve(region, field="region")
    regions = all_regions()
    parent = regions.parent(r.code)
    kids = sorted(regions.children(r.code), key=lambda x: x.code)
    level = "province" if r.code.endswith("0000") else "prefecture" if r.code.endswith("00") else "county"
    cat = load_catalogue()
    by: dict[str, list[SeriesPoint]] = {}
    for o in latest(store, region_codes=[r.code]):
        if o.period.isdecimal() and o.indicator_code in cat:
            by.setdefault(o.indicator_code, []).append(SeriesPoint(year=int(o.period), value=o.value, unit=o.unit,
                                                                   source=o.source, derived=o.origin == "derived"))
    series = [RegionSeries(code=i.code, name=i.name, unit=i.unit, category=i.category,
                           points=sorted(by[i.code], key=lambda p: p.year)) for i in cat if i.code in by]
    lines: list[RegionTarget] = []
    note = None
    if not can(actor, "board.read", region_code=r.code):
        note = f"本账号无权查看{r.name}的计划目标（只能查看本辖区的目标）"
    else:
        from innodrive.plans.wording import goal_of

        board = targets(store, actor, as_of=as_of, region=r.code)
        for ln in board.lines:
            if ln.region_code != r.code:
                continue
            s = ln.status
            lines.append(RegionTarget(target_id=ln.target_id, indicator=ln.indicator, goal=goal_of(ln),
                                      plan_title=ln.plan_title, light=s.light, label=s.label, reason=s.reason,
                                      latest_value=s.latest_value, latest_period=s.latest_period))
        if not lines:
            note = f"已录入的计划中没有{r.name}的目标"
    return RegionProfile(code=r.code, name=r.name, level=level, parent_code=parent.code if parent else None,
                         parent_name=parent.name if parent else None, children=[(k.code, k.name) for k in kids],
                         series=series, targets=lines, targets_note=note, as_of=as_of)


# --------------------------------------------------------------------------- 科技创新水平指数 for the workbench


class StiView(BaseModel):
    """Every 市州's index (with missing data and gap to the line) and, for one city, its levers."""

    report: IndexReport
    levers: CityLevers | None = Field(None, description="gap, levers and what-if of the chosen city")
    region_note: str | None = Field(None, description="why the chosen city has no levers, when it has none")


def sti_template(actor: Actor) -> str:
    """The fill-in framework file: every standard value and weight to supply (nothing invented)."""
    from innodrive.province import sti_index as S

    require(actor, "index.run")
    return S.template_yaml()


def sti_overview(store, actor: Actor, *, framework, year: int, region: str | None = None,
                 what_if: dict[str, float] | None = None, as_of: dt.date | None = None) -> StiView:
    """The index of every 市州 and — when ``region`` is given — its gap to 60%, levers and
    what-if, from one read. A city without any data gets a note instead of levers (the
    table still shows it, with what is missing)."""
    from innodrive.errors import InputError
    from innodrive.province import sti_index as S

    require(actor, "index.run")
    fw = S.load_index_framework(framework)
    with store.read() as session:
        report, coin = S.index_report(session, fw, year, as_of=as_of)
    if region is None:
        return StiView(report=report)
    try:
        return StiView(report=report, levers=S.levers(fw, coin, report, region, what_if=what_if))
    except InputError as exc:
        if exc.field != "region":
            raise
        return StiView(report=report, region_note=str(exc))


class WeightRow(BaseModel):
    code: str
    name: str
    weight: float = Field(description="the framework's weight within its group (normalised)")
    balanced: float = Field(description="the weight within its group that gives the intended influence")
    intended: float
    influence_before: float
    influence_after: float


class BalancedWeights(BaseModel):
    rows: list[WeightRow]
    converged: bool
    objective_before: float
    objective_after: float


def sti_balanced_weights(store, actor: Actor, *, framework, year: int, as_of: dt.date | None = None) -> BalancedWeights:
    """Weights whose effective influence matches the intended one (the nominal weights) — a
    suggestion for the office to weigh, never applied by itself."""
    from innodrive.assessment.checks import balance_weights
    from innodrive.province import sti_index as S

    require(actor, "index.run")
    fw = S.load_index_framework(framework)
    with store.read() as session:
        _, coin = S.index_report(session, fw, year, as_of=as_of)
    b = balance_weights(coin)
    rows = []
    for code in fw.indicators:
        kids = fw.children[fw.by_code[code].parent]
        total = sum(float(fw.by_code[k].weight or 1.0) for k in kids)
        own = float(fw.by_code[code].weight or 1.0) / total if total else 0.0
        rows.append(WeightRow(code=code, name=fw.label(code), weight=own, balanced=b["weights"][code],
                              intended=b["target"][code], influence_before=b["influence_before"][code],
                              influence_after=b["influence_after"][code]))
    return BalancedWeights(rows=rows, converged=b["converged"], objective_before=b["objective_before"],
                           objective_after=b["objective_after"])
