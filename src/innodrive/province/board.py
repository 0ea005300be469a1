"""The province board: every 市州 (or 区县) of a province on one indicator and year.

For one catalogue indicator and year it lists each region's value (in the catalogue
unit) with its source, its rank among the regions that have a value (direction
aware: for a "less is better" indicator the smallest ranks first), the change on the
previous year, and the province's own value and the average of the regions. A region
without a value is shown as missing — never as zero — with the reason: the year is
not yet due for release (catalogue release lag), or it was due and nobody has entered
it, with the latest year that does have a value.

Pure over what :func:`fetch` reads: :func:`build_board` takes plain observations, so
the same rows can come from a database or a test.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.errors import InputError, NotFound

SICHUAN = "510000"
LEVELS = {"prefecture": "市州", "county": "区县"}


@dataclass(frozen=True, slots=True)
class Cell:
    """One observation as the board uses it (plain, light: a board reads thousands)."""

    value: float
    unit: str
    source: str
    origin: str = "reported"


class BoardRow(BaseModel):
    code: str
    name: str
    parent_code: str | None = None
    parent_name: str | None = None
    value: float | None = None
    unit: str | None = None
    source: str | None = None
    derived: bool = False
    rank: int | None = None
    previous: float | None = None
    change: float | None = Field(None, description="value − previous year's value")
    change_pct: float | None = Field(None, description="relative change in %, for amounts and counts")
    missing_reason: str | None = None
    latest_year: int | None = Field(None, description="latest year with a value, when this year has none")


class ProvinceBoard(BaseModel):
    indicator: str
    indicator_name: str
    unit: str
    direction: str
    measure: str
    year: int
    level: str
    level_name: str
    province_code: str
    province_name: str
    province_value: float | None = None
    province_source: str | None = None
    province_previous: float | None = None
    average: float | None = Field(None, description="simple mean of the regions that have a value")
    average_note: str = ""
    with_data: int = 0
    regions: int = 0
    rows: list[BoardRow]


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    parent_code: str | None = None
    parent_name: str | None = None


def places(province: str = SICHUAN, level: str = "prefecture") -> list[Place]:
    """The 市州 (``prefecture``) or 区县 (``county``) of a province, in code order."""
    from innodrive.regions import all_regions

    if level not in LEVELS:
        raise InputError(f"层级应为 prefecture（市州）或 county（区县），而不是“{level}”", field="level")
    regions = all_regions()
    if regions.get(province) is None:
        raise NotFound(f"未知的省级地区代码“{province}”", field="province")
    cities = sorted(regions.children(province), key=lambda r: r.code)
    if level == "prefecture":
        return [Place(r.code, r.name) for r in cities]
    return [Place(k.code, k.name, c.code, c.name) for c in cities
            for k in sorted(regions.children(c.code), key=lambda r: r.code)]


def fetch(session: Session, indicator_codes: Iterable[str], region_codes: Iterable[str], years: Iterable[int]
          ) -> tuple[dict[tuple[str, str], dict[int, Cell]], dict[tuple[str, str], int]]:
    """Current annual observations of ``years``: (indicator, region) → {year: cell}, reported
    beating derived; and for each (indicator, region) the latest year with a value before
    the earliest of ``years`` (to say what a missing region does have)."""
    from sqlalchemy import func

    from innodrive.store.schema import ObservationRow

    t = ObservationRow.__table__.c
    codes = sorted(set(indicator_codes))
    regions = sorted(set(region_codes))
    periods = sorted({str(y) for y in years})
    out: dict[tuple[str, str], dict[int, Cell]] = {}
    earlier: dict[tuple[str, str], int] = {}
    for i in range(0, len(regions), 500):
        chunk = regions[i:i + 500]
        q = (select(t.indicator_code, t.region_code, t.period, t.value, t.unit, t.source, t.origin)
             .where(t.is_current.is_(True)).where(t.indicator_code.in_(codes))
             .where(t.region_code.in_(chunk)).where(t.period.in_(periods)))
        for ind, reg, period, value, unit, source, origin in session.execute(q):
            series = out.setdefault((ind, reg), {})
            y = int(period)
            if y in series and series[y].origin == "reported" and origin != "reported":
                continue
            series[y] = Cell(value, unit, source, origin)
    # the latest earlier year, only where the board will show a gap
    missing: dict[str, list[str]] = {}
    for ind in codes:
        for reg in regions:
            if str(max(int(p) for p in periods)) not in {str(y) for y in out.get((ind, reg), {})}:
                missing.setdefault(ind, []).append(reg)
    for ind, regs in missing.items():
        for i in range(0, len(regs), 500):
            q = (select(t.region_code, func.max(t.period))
                 .where(t.is_current.is_(True)).where(t.indicator_code == ind)
                 .where(t.region_code.in_(regs[i:i + 500]))
                 .where(t.period < periods[0]).where(func.length(t.period) == 4).group_by(t.region_code))
            for reg, period in session.execute(q):
                if period and period.isdecimal():
                    earlier[(ind, reg)] = int(period)
    return out, earlier


def release_date(year: int, lag_months: int) -> dt.date:
    """The date by which a year's figure is normally out: year end + lag + one month's grace."""
    months = 12 + lag_months + 1
    return dt.date(year + (months - 1) // 12, (months - 1) % 12 + 1, 1)


def build_board(indicator, year: int, level: str, province: Place, rows_of: list[Place],
                series: dict[tuple[str, str], dict[int, Cell]], *, as_of: dt.date,
                earlier: dict[tuple[str, str], int] | None = None) -> ProvinceBoard:
    """Pure: the board of one indicator from fetched series."""
    due = release_date(year, indicator.release_lag_months)
    rows: list[BoardRow] = []
    ratio_change = indicator.measure in ("stock", "flow")
    for p in rows_of:
        s = series.get((indicator.code, p.code), {})
        f: dict = {"code": p.code, "name": p.name, "parent_code": p.parent_code, "parent_name": p.parent_name}
        cur, prev = s.get(year), s.get(year - 1)
        if prev is not None:
            f["previous"] = prev.value
        if cur is not None:
            f.update(value=cur.value, unit=cur.unit, source=cur.source, derived=cur.origin == "derived")
            if prev is not None:
                f["change"] = cur.value - prev.value
                if ratio_change and prev.value:
                    f["change_pct"] = (cur.value - prev.value) / abs(prev.value) * 100
        else:
            before = [y for y in s if y < year]
            if (earlier or {}).get((indicator.code, p.code)) is not None:
                before.append(earlier[(indicator.code, p.code)])
            latest = f["latest_year"] = max(before) if before else None
            if as_of < due:
                f["missing_reason"] = f"数据待发布（{year} 年数据通常于 {due.year} 年 {due.month} 月前发布）"
            else:
                f["missing_reason"] = "未录入该年数据" + (f"（最近有数据的年份：{latest} 年）" if latest
                                                      else "（尚无任何年份的数据）")
        rows.append(f)
    # ranks: 1 + the number of strictly better values (ties share the best rank)
    sign = 1.0 if indicator.direction == "le" else -1.0
    keys = sorted(sign * f["value"] for f in rows if f.get("value") is not None)
    for f in rows:
        if f.get("value") is not None:
            f["rank"] = 1 + bisect.bisect_left(keys, sign * f["value"])
    rows = [BoardRow(**f) for f in rows]
    known = [r for r in rows if r.value is not None]
    prov = series.get((indicator.code, province.code), {})
    board = ProvinceBoard(indicator=indicator.code, indicator_name=indicator.name, unit=indicator.unit,
                          direction=indicator.direction, measure=indicator.measure, year=year, level=level,
                          level_name=LEVELS[level], province_code=province.code, province_name=province.name,
                          with_data=len(known), regions=len(rows), rows=rows)
    if year in prov:
        board.province_value, board.province_source = prov[year].value, prov[year].source
    if year - 1 in prov:
        board.province_previous = prov[year - 1].value
    if known:
        board.average = sum(r.value for r in known) / len(known)
        board.average_note = (f"{len(known)} 个有数据的{LEVELS[level]}的简单平均"
                              + ("；比率类指标的全省值按总量计算，与简单平均不同" if indicator.is_ratio_like else ""))
    return board


def province_board(session: Session, indicator: str, year: int, *, level: str = "prefecture",
                   province: str = SICHUAN, as_of: dt.date | None = None) -> ProvinceBoard:
    """The board of one catalogue indicator (code or Chinese name) and year."""
    return province_boards(session, [indicator], year, level=level, province=province, as_of=as_of)[0]


def province_boards(session: Session, indicators: list[str], year: int, *, level: str = "prefecture",
                    province: str = SICHUAN, as_of: dt.date | None = None) -> list[ProvinceBoard]:
    """Boards of several indicators at once (one query for all of them)."""
    from innodrive.regions import all_regions

    inds = [resolve_indicator(i) for i in indicators]
    rows_of = places(province, level)
    prov = all_regions().get(province)
    series, earlier = fetch(session, [i.code for i in inds], [province, *(p.code for p in rows_of)],
                            [year - 1, year])
    when = as_of or dt.date.today()
    return [build_board(ind, year, level, Place(prov.code, prov.name), rows_of, series, as_of=when, earlier=earlier)
            for ind in inds]


def resolve_indicator(text: str):
    """A catalogue indicator by code or by name/alias, or :class:`NotFound` with suggestions."""
    from innodrive.indicators.catalogue import load_catalogue

    cat = load_catalogue()
    ind = cat.get(text.strip()) or cat.by_name(text)
    if ind is None:
        from rapidfuzz import process

        names = {n: i.code for i in cat for n in i.names}
        close = [f"{m}（{names[m]}）" for m, score, _ in process.extract(text, list(names), limit=3) if score >= 60]
        raise NotFound(f"指标目录中没有“{text}”" + (f"；相近的指标：{'、'.join(close)}" if close else ""),
                       field="indicator")
    return ind
