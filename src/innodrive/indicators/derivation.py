"""Derived observations kept in step with their parts (the store side of derivation).

Some indicators are quotients of others: R&D intensity is R&D expenditure ÷ GDP,
patents per 10,000 people divide by the population. The catalogue declares the parts
(``components``); the arithmetic is part T's pure :mod:`innodrive.indicators.derived`.
This module decides *when* to compute — whenever an import changes a part for some
region and period — and stores the result as an observation with ``origin="derived"``
and a source naming the observations it came from. A derived value is computed only
where both parts exist for the same region and period; otherwise there is none
(never a guess). A value reported directly is kept beside it and wins in queries.
"""

from __future__ import annotations

import math

from sqlalchemy.orm import Session

from innodrive.indicators.observations import (
    Change,
    Key,
    NewValue,
    apply_changes,
    clean,
    current_by_key,
    plan_changes,
)


def _derived_indicators():
    from innodrive.indicators.catalogue import load_catalogue

    cat = load_catalogue()
    return cat, [ind for ind in cat if ind.components is not None]


def refresh(session: Session, changes: list[Change], *, actor: str, batch_id: int | None) -> int:
    """Recompute every derived indicator one of whose parts was just added or revised
    by ``changes`` (already written in this transaction); return the number of derived
    values added or revised."""
    from innodrive.indicators.derived import ratio_value

    cat, derived = _derived_indicators()
    changes = [c for c in changes if c.kind in ("add", "revise")]
    if not changes or not derived:
        return 0
    by_part: dict[str, list] = {}
    for ind in derived:
        for part in (ind.components.numerator, ind.components.denominator):
            by_part.setdefault(part, []).append(ind)
    # the parts just written, with their revision numbers (cited in the derived value's source)
    fresh: dict[Key, tuple[float, str, int]] = {}
    todo: dict[str, set[tuple[str, str]]] = {}
    for c in changes:
        v = c.new
        if v.indicator_code not in by_part:
            continue
        fresh[(v.region_code, v.indicator_code, v.period)] = (v.value, v.unit, c.before.revision + 1 if c.before else 1)
        for ind in by_part[v.indicator_code]:
            todo.setdefault(ind.code, set()).add((v.region_code, v.period))
    if not todo:
        return 0

    # parts not in this batch come from the store (a reported value winning over a derived one)
    missing: dict[str, set[str]] = {}
    for code, pairs in todo.items():
        comp = cat.get(code).components
        for region, period in pairs:
            for part in (comp.numerator, comp.denominator):
                if (region, part, period) not in fresh:
                    missing.setdefault(part, set()).add(region)
    stored: dict[Key, tuple[float, str, int]] = {}
    for part, regions in missing.items():
        for origin in ("derived", "reported"):
            for k, cur in current_by_key(session, indicator_codes=[part], origin=origin, region_codes=regions).items():
                stored[k] = (cur.value, cur.unit, cur.revision)

    factors: dict[tuple[str, str, str], float | None] = {}

    def derive(ind, num: tuple[float, str, int], den: tuple[float, str, int]) -> float | None:
        """part T's ratio_value, whose unit conversion is linear: computed once per
        indicator and pair of units as the factor of 1 ÷ 1, then applied."""
        key = (ind.code, num[1], den[1])
        if key not in factors:
            factors[key] = ratio_value(numerator=1.0, numerator_unit=num[1], denominator=1.0,
                                       denominator_unit=den[1], target=ind, catalogue=cat)
        factor = factors[key]
        if factor is None or den[0] == 0 or not (math.isfinite(num[0]) and math.isfinite(den[0])):
            return None
        return num[0] / den[0] * factor

    new: list[NewValue] = []
    for code, pairs in todo.items():
        ind = cat.get(code)
        num_code, den_code = ind.components.numerator, ind.components.denominator
        num_name, den_name = cat.get(num_code).name, cat.get(den_code).name
        for region, period in sorted(pairs):
            num = fresh.get((region, num_code, period)) or stored.get((region, num_code, period))
            den = fresh.get((region, den_code, period)) or stored.get((region, den_code, period))
            if num is None or den is None:
                continue
            value = derive(ind, num, den)
            if value is None:
                continue
            source = (f"派生：{num_name}（{period}，第 {num[2]} 版）÷ {den_name}（{period}，第 {den[2]} 版），"
                      f"公式 {ind.formula or ind.code}")
            new.append(NewValue(region_code=region, indicator_code=code, period=period, value=clean(value),
                                unit=ind.unit, source=source))
    if not new:
        return 0
    regions = {v.region_code for v in new}
    current = current_by_key(session, indicator_codes=set(todo), origin="derived", region_codes=regions)
    planned = plan_changes(new, current)
    apply_changes(session, planned, origin="derived", actor=actor, batch_id=batch_id)
    return sum(c.kind != "same" for c in planned)
