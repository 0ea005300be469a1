"""Talent counts for the plan: by category, region and year, and the catalogue indicators.

A plan asks for 顶尖人才和科技领军人才数量 to double, or for so many 高层次人才 by 2025;
the register can say how many there were at the end of each year. A person counts at
the end of year Y in the category in effect then (the latest recognition on or before
31 December), if they had arrived by then and had not left (a person who leaves on
31 December is gone at the year's end). Each person is turned into *spells* — one per
category they held — with years only:

    region, category, 全职/柔性, arrival year, first year counted, first year no longer counted

which is all counting needs, and all that is kept (as an aggregate, with a number of
people) when a person's record is erased on request: the counts of past years do not
change when a person exercises their right to deletion.

Which categories an indicator counts comes from the 人才分类目录 (its ``indicators``
block) in force at each year's end. A stock indicator counts spells live at the year's
end; a flow indicator (``measure: flow`` in the indicator catalogue, e.g. 新引进高层次人才数)
counts those of them that arrived in that year.

A region's count includes everything inside it (a county's talent count for its city).
Pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable

from pydantic import BaseModel


class Recognition(BaseModel):
    category: str
    recognised_on: dt.date


class Spell(BaseModel):
    """A stretch of years a person (or, for erased people, ``people`` of them) counts in one category."""

    region_code: str
    category: str
    employment: str
    arrival_year: int
    start_year: int            # first year-end counted
    end_year: int | None       # first year-end no longer counted (None: still counted)
    people: int = 1

    def live(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year < self.end_year)


def spells(*, region_code: str, employment: str, arrival: dt.date, departure: dt.date | None,
           recognitions: Iterable[Recognition]) -> list[Spell]:
    """The spells of one person (none when never recognised or gone before any year-end)."""
    recs = sorted(recognitions, key=lambda r: r.recognised_on)
    out: list[Spell] = []
    end_all = departure.year if departure is not None else None
    for i, r in enumerate(recs):
        start = max(arrival.year, r.recognised_on.year)
        nxt = recs[i + 1].recognised_on.year if i + 1 < len(recs) else None
        ends = [y for y in (nxt, end_all) if y is not None]
        end = min(ends) if ends else None
        if end is not None and end <= start:
            continue  # superseded or departed within the same year: never counted at a year-end
        out.append(Spell(region_code=region_code, category=r.category, employment=employment,
                         arrival_year=arrival.year, start_year=start, end_year=end))
    return out


class CountCell(BaseModel):
    region_code: str
    year: int
    category: str
    employment: str
    people: int


def by_category(all_spells: Iterable[Spell], years: Iterable[int]) -> list[CountCell]:
    """Year-end stocks by (own) region, category and 全职/柔性 — no roll-up."""
    counter: Counter[tuple[str, int, str, str]] = Counter()
    years = list(years)
    for s in all_spells:
        for y in years:
            if s.live(y):
                counter[(s.region_code, y, s.category, s.employment)] += s.people
    return [CountCell(region_code=r, year=y, category=c, employment=e, people=n)
            for (r, y, c, e), n in sorted(counter.items())]


class IndicatorRule(BaseModel):
    """What one indicator counts in one year (from the catalogue in force at the year's end)."""

    categories: list[str]
    employment: list[str]
    flow: bool
    catalogue: str  # citation of the 人才分类目录


class IndicatorValue(BaseModel):
    region_code: str
    indicator_code: str
    year: int
    value: int
    categories: list[str]
    employment: list[str]
    catalogue: str


def indicator_values(all_spells: list[Spell], *, regions: list[str], years: list[int],
                     rule_for: Callable[[str, int], IndicatorRule | None], indicator_codes: list[str],
                     within: Callable[[str, str], bool]) -> list[IndicatorValue]:
    """The value of each indicator for each region (everything inside it counts) and year.

    :param rule_for: ``(indicator_code, year) -> rule``; ``None`` when the catalogue in
        force that year does not define the indicator (no value then — never 0).
    :param within: ``(region_code, ancestor_code) -> bool`` (a region is within itself).
    """
    out: list[IndicatorValue] = []
    for code in indicator_codes:
        for y in years:
            rule = rule_for(code, y)
            if rule is None:
                continue
            for region in regions:
                n = sum(s.people for s in all_spells
                        if s.live(y) and s.category in rule.categories and s.employment in rule.employment
                        and (not rule.flow or s.arrival_year == y) and within(s.region_code, region))
                out.append(IndicatorValue(region_code=region, indicator_code=code, year=y, value=n,
                                          categories=rule.categories, employment=rule.employment,
                                          catalogue=rule.catalogue))
    return out


def parse_years(text: str, *, field: str = "years") -> list[int]:
    """Years as people type them: ``2020-2023``, ``2020,2022``, ``2020—2023年`` → sorted years."""
    from innodrive.dates import parse_year
    from innodrive.errors import InputError

    years: list[int] = []
    for part in text.replace("，", ",").replace("、", ",").split(","):
        part = part.strip().replace("—", "-").replace("～", "-").replace("~", "-").replace("至", "-")
        if not part:
            continue
        if "-" in part:
            a, b = (p.strip() for p in part.split("-", 1))
            lo, hi = parse_year(a, field=field), parse_year(b.removesuffix("年"), field=field)
            if hi < lo or hi - lo > 50:
                raise InputError(f"年份范围“{part}”不正确", field=field)
            years += list(range(lo, hi + 1))
        else:
            years.append(parse_year(part, field=field))
    if not years:
        raise InputError("请指定年份，如 2020-2023", field=field)
    return sorted(set(years))


__all__ = ["CountCell", "IndicatorRule", "IndicatorValue", "Recognition", "Spell", "by_category", "indicator_values",
           "parse_years", "spells"]
