"""How a target reads in Chinese, as the document sets it: ≥192家（2025年）,
2020年的2倍（2025年）, 年均增长10%（2025年）. Pure; shared by pages and the published summary."""

from __future__ import annotations

COMPARATOR_SIGNS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "~": "约"}
GROWTH_BASIS = {"annual": "年均增长", "cumulative": "累计增长", "points": "提高"}


def written_goal(*, kind: str, value: float | int | None, unit: str | None, comparator: str | None, year: int | None,
                 baseline_year: int | None = None, basis: str | None = None, note: str | None = None,
                 indicator: str = "") -> str:
    when = f"（{year}年）" if year else ""
    if value is None:
        return (note or indicator or "") + when
    number = f"{value:g}"
    if kind == "multiple":
        return f"{baseline_year or '基期'}年的{number}倍{when}"
    if kind == "growth":
        return f"{GROWTH_BASIS.get(basis or '', '增长')}{number}{unit or ''}{when}"
    return f"{COMPARATOR_SIGNS.get(comparator or '', '')}{number}{unit or ''}{when}"


def goal_of(target) -> str:
    """:func:`written_goal` of any object with a target's fields (extracted target, board line)."""
    return written_goal(kind=target.kind, value=target.value, unit=target.unit, comparator=target.comparator,
                        year=target.year, baseline_year=target.baseline_year, basis=getattr(target, "basis", None),
                        note=getattr(target, "note", None), indicator=getattr(target, "indicator", ""))
