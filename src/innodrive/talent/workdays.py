"""Working days: the calendar that time limits like "15个工作日" are counted on.

A working day is Monday to Friday, except the public holidays of the year's 国务院办公厅
notice, plus the weekend days that notice turns into working days (调休). The notices
are data (``rules/holidays.yaml`` and any ``kind: holidays`` file in the office's rule
folder; a later file's year replaces an earlier one's), each year with its source and
status. For a year without a notice the calendar falls back to Monday–Friday and
:func:`notes` says so, so that a deadline is never silently counted on a guess.

Counting follows 《中华人民共和国民法典》第二百零一条、第二百零三条: a period counted
in days starts on the day after the event, and a period whose last day is a public
holiday ends on the first working day after it (applied to calendar-day limits; a
working-day limit ends on a working day by construction).

Pure functions over dates; the loaded calendar is cached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from innodrive.talent.rulesets import Status, Versioned, load_kind

DayUnit = Literal["working", "calendar"]


class YearNotice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status
    source: str
    holidays: list[dt.date | str]
    workdays: list[dt.date] = []


class HolidayFile(Versioned):
    years: dict[int, YearNotice]


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    years: dict[int, YearNotice]

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def _expand(items: list[dt.date | str], year: int) -> set[dt.date]:
    out: set[dt.date] = set()
    for item in items:
        if isinstance(item, dt.date):
            out.add(item)
            continue
        first, _, last = str(item).partition("/")
        a, b = dt.date.fromisoformat(first.strip()), dt.date.fromisoformat((last or first).strip())
        while a <= b:
            out.add(a)
            a += dt.timedelta(days=1)
    return out


def _check(f: HolidayFile, name: str) -> None:
    from innodrive.errors import InputError

    for year, notice in f.years.items():
        days = _expand(notice.holidays, year) | set(notice.workdays)
        wrong = sorted(d for d in days if d.year != year)
        if wrong:
            raise InputError(f"{year} 年的节假日安排中出现了其他年份的日期 {wrong[0].isoformat()}", file=name)
        weekday = sorted(d for d in notice.workdays if d.weekday() < 5)
        if weekday:
            raise InputError(f"调休上班日 {weekday[0].isoformat()} 本来就是工作日（应为周六或周日）", file=name)


@cache
def calendar() -> Calendar:
    files = sorted(load_kind("holidays", HolidayFile, check=_check),
                   key=lambda f: ({"example": 0, "unconfirmed": 1, "official": 2}[f.status], f.effective_from))
    years: dict[int, YearNotice] = {}
    for f in files:  # later (and more official) files replace a year's notice
        years.update(f.years)
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for year, notice in years.items():
        holidays |= _expand(notice.holidays, year)
        workdays |= set(notice.workdays)
    return Calendar(frozenset(holidays), frozenset(workdays), years)


def is_workday(day: dt.date) -> bool:
    return calendar().is_workday(day)


def next_workday(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first one after it."""
    cal = calendar()
    while not cal.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_days(start: dt.date, days: int, unit: DayUnit) -> dt.date:
    """The last day of a period of ``days`` counted from the day after ``start``."""
    if unit == "calendar":
        return next_workday(start + dt.timedelta(days=days))
    cal = calendar()
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            left -= 1
    return day


def days_between(start: dt.date, end: dt.date, unit: DayUnit) -> int:
    """Days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``);
    only working days for ``working``."""
    if end <= start:
        return 0
    if unit == "calendar":
        return (end - start).days
    cal = calendar()
    n, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        n += cal.is_workday(day)
    return n


def notes(start: dt.date, end: dt.date) -> list[str]:
    """What a count between ``start`` and ``end`` rests on, when it is not an official notice."""
    cal = calendar()
    out = []
    for year in range(start.year, end.year + 1):
        notice = cal.years.get(year)
        if notice is None:
            out.append(f"{year}年节假日安排未载入，该年按周一至周五计算工作日")
        elif notice.status != "official":
            out.append(f"{year}年节假日安排{'（示例）' if notice.status == 'example' else '待核实'}：{notice.source}")
    return out


def reload() -> None:
    calendar.cache_clear()


__all__ = ["Calendar", "DayUnit", "add_days", "calendar", "days_between", "is_workday", "next_workday", "notes",
           "reload"]
