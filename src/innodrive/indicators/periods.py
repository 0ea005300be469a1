"""Reference periods of statistics, written the many ways tables write them.

A statistic refers to a year (2022, 2022年), a half (2022年上半年), a quarter
(2022Q3, 2022年三季度), a month (2022-06, 2022年6月) or a day (a stock counted on
2022-06-30). innodrive stores one canonical text per period — ``2022``, ``2022H1``,
``2022Q3``, ``2022-06``, ``2022-06-30`` — so that the same period written two ways is
one key, and can always say the date a period ends (the date tracking compares with).
Pure functions.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from innodrive.errors import InputError

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
MIN_YEAR, MAX_YEAR = 1949, 2100


def parse_period(text: object) -> str:
    """The canonical form of a written period; :class:`InputError` if it is not one.

    >>> parse_period("2023年"), parse_period("2023年6月"), parse_period("2023年第二季度")
    ('2023', '2023-06', '2023Q2')
    """
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        return _check(text.year, text.isoformat())
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    if isinstance(text, int):
        return _check(text, str(text))
    s = unicodedata.normalize("NFKC", str(text or "")).strip().replace(" ", "")
    if not s:
        raise InputError("时期为空")
    if m := re.fullmatch(r"(\d{4})(?:年|年度|\.0)?(?:末|底)?", s):
        return _check(int(m[1]), m[1])
    if m := re.fullmatch(r"(\d{4})[-/.年]?[Hh]([12])|(\d{4})年?(上|下)半年", s):
        year = int(m[1] or m[3])
        half = int(m[2]) if m[2] else (1 if m[4] == "上" else 2)
        return _check(year, f"{year}H{half}")
    if m := re.fullmatch(r"(\d{4})[-/.年]?[Qq]([1-4])|(\d{4})年?第?([一二三四1-4])季度?", s):
        year = int(m[1] or m[3])
        q = int(m[2]) if m[2] else _CN_DIGITS[m[4]]
        return _check(year, f"{year}Q{q}")
    if m := re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(?:月(?:末|底)?)?", s):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return _check(year, f"{year}-{month:02d}")
    if m := re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s):
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise InputError(f"时期“{text}”不是有效日期") from None
        return _check(d.year, d.isoformat())
    raise InputError(f"无法识别的时期“{text}”：应为年份（2023）、半年（2023年上半年）、季度（2023Q2）、"
                     f"月份（2023-06）或日期（2023-06-30）")


def _check(year: int, canonical: str) -> str:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(f"年份 {year} 超出合理范围（{MIN_YEAR}–{MAX_YEAR}）")
    return canonical


def period_end(period: str) -> dt.date:
    """The last day a canonical period covers."""
    if len(period) == 4:
        return dt.date(int(period), 12, 31)
    year = int(period[:4])
    if period[4] == "H":
        return dt.date(year, 6, 30) if period[5] == "1" else dt.date(year, 12, 31)
    if period[4] == "Q":
        month = int(period[5]) * 3
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if len(period) == 7:
        month = int(period[5:7])
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date.fromisoformat(period)


def is_year(period: str) -> bool:
    return len(period) == 4


def looks_like_period(header: str) -> bool:
    """Whether a column header names a period (the year columns of a wide table)."""
    try:
        parse_period(header)
    except InputError:
        return False
    return True
