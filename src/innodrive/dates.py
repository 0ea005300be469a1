"""Dates, years and percentages as people type them — one parser for every option.

An official types ``2024-06-30``, ``2024/6/30``, ``2024-6-30``, ``2024年6月30日``,
``2024年6月`` or just ``2024年``; a table holds Excel dates. Every command option and
every service argument that takes a date (``--as-of``, ``--on``, a milestone's due
date, an assessment's date of effect) goes through :func:`parse_date`, so what
``data import`` accepts in a period column is accepted everywhere. A period shorter
than a day stands for its last day (``2024年`` → 2024-12-31; ``2024年6月`` →
2024-06-30): "as of 2024" means at the end of 2024, and a time limit of "2024年6月"
runs to the month's end.

Years outside 1949–2100 are refused with a message instead of overflowing later
(``9999-12-31`` plus a year of path is past Python's last date).

Pure functions; errors are :class:`~innodrive.errors.InputError` in Chinese naming the
option (``field``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from innodrive.errors import InputError

MIN_YEAR, MAX_YEAR = 1949, 2100

_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(value: object, *, field: str | None = None, what: str = "日期") -> dt.date:
    """The date ``value`` stands for (the last day of a year, half, quarter or month).

    >>> parse_date("2024/6/30"), parse_date("2024年"), parse_date("2024年6月")
    (datetime.date(2024, 6, 30), datetime.date(2024, 12, 31), datetime.date(2024, 6, 30))
    """
    from innodrive.indicators.periods import parse_period, period_end

    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _in_range(value, value, field, what)
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().replace(" ", "")
    if not text:
        raise InputError(f"{what}为空", field=field)
    if m := _COMPACT.fullmatch(text):
        text = f"{m[1]}-{m[2]}-{m[3]}"
    try:
        year = int(text[:4]) if text[:4].isdecimal() else None
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise InputError(f"{what}“{value}”的年份 {year} 超出可处理的范围（{MIN_YEAR}–{MAX_YEAR} 年）",
                             field=field)
        return period_end(parse_period(text))
    except InputError as exc:
        if "超出" in exc.message:
            raise InputError(exc.message if exc.message.startswith(what) else f"{what}“{value}”：{exc.message}",
                             field=field) from None
        raise InputError(f"{what}“{value}”无法识别：应为 2024-06-30、2024/6/30、2024年6月30日、2024年6月 或 2024年 等写法",
                         field=field) from None


def parse_optional_date(value: object, *, field: str | None = None, what: str = "日期",
                        default: dt.date | None = None) -> dt.date:
    """:func:`parse_date`, or ``default`` (today) when nothing was given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default or dt.date.today()
    return parse_date(value, field=field, what=what)


def parse_year(value: object, *, field: str | None = None, what: str = "年份") -> int:
    """A year written as ``2024``, ``2024年`` or ``2024年度``."""
    if isinstance(value, bool):
        raise InputError(f"{what}“{value}”不是年份", field=field)
    if isinstance(value, int):
        year = value
    else:
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
        m = re.fullmatch(r"(\d{4})(?:年度?)?", text)
        if not m:
            raise InputError(f"{what}“{value}”无法识别：应为 2024 或 2024年", field=field)
        year = int(m[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(f"{what} {year} 超出可处理的范围（{MIN_YEAR}–{MAX_YEAR} 年）", field=field)
    return year


def parse_percent(value: object, *, field: str | None = None, what: str = "百分比",
                  low: float = 0.0, high: float = 100.0) -> float:
    """Percentage points from ``60``, ``60%``, ``６０％`` or ``60.5 %`` (never a fraction
    guessed from ``0.6``: a person who types 0.6 means 0.6%)."""
    if isinstance(value, bool):
        raise InputError(f"{what}“{value}”不是数字", field=field)
    if isinstance(value, int | float):
        x = float(value)
    else:
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().replace(" ", "")
        if text.endswith("%"):
            text = text[:-1]
        try:
            x = float(text)
        except ValueError:
            raise InputError(f"{what}“{value}”不是数字：应写作 60 或 60%", field=field) from None
    if not math.isfinite(x):
        raise InputError(f"{what}“{value}”不是有限的数字", field=field)
    if not low <= x <= high:
        raise InputError(f"{what}应在 {low:g} 到 {high:g} 之间，实际为 {x:g}", field=field)
    return x


def _in_range(day: dt.date, value: object, field: str | None, what: str) -> dt.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InputError(f"{what}“{value}”的年份 {day.year} 超出可处理的范围（{MIN_YEAR}–{MAX_YEAR} 年）", field=field)
    return day


__all__ = ["MAX_YEAR", "MIN_YEAR", "parse_date", "parse_optional_date", "parse_percent", "parse_year"]
