"""How numbers, dates and heading numbers are written in an official document.

GB/T 9704-2012 and the 《党政机关公文处理工作条例》 fix these conventions: the
成文日期 in Arabic numerals with the year in full and no leading zeros (2025年3月1日);
body headings numbered 一、 then （一） then 1. then （1）. Report writers and templates
use these functions (the templates through filters of the same names) so that every
document writes them the same way.
"""

from __future__ import annotations

import datetime as dt
import math

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九, 100 → 一百 (up to 999)."""
    if n < 0 or n > 999:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    return head + ("零" + _DIGITS[rest] if rest < 10 else cn_number(rest) if rest >= 20 else "一" + cn_number(rest))


def heading_label(level: int, n: int) -> str:
    """The number printed before the ``n``-th heading of ``level`` (1-based)."""
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def cn_date(d: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: 2025年3月1日."""
    return f"{d.year}年{d.month}月{d.day}日"


def number(value, decimals: int | None = None, *, thousands: bool = False) -> str:
    """A number as a cell or sentence shows it; ``None``/NaN is "—" (unknown, never 0).

    ``decimals=None`` prints integers as integers and other numbers with two decimals.
    """
    if value is None or isinstance(value, bool):
        return "—" if value is None else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    sep = "," if thousands else ""
    return f"{value:{sep}.{decimals}f}"


def signed(value, decimals: int = 2) -> str:
    """+2.00 / −1.50 (a true minus sign, as printed documents use)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    text = f"{abs(value):.{decimals}f}"
    return ("+" if value >= 0 else "−") + text


def cell_text(value, decimals: int | None = None) -> str:
    """A table cell's text: numbers through :func:`number`, text as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, decimals)
    return "—" if value is None else str(value)


__all__ = ["cell_text", "cn_date", "cn_number", "heading_label", "number", "signed"]
