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

from sqlalchemy.orm import Session

from innodrive.indicators.observations import (
    Current,
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


def _current(session: Session, codes: set[str], regions: set[str]) -> dict[Key, Current]:
    """Current values of ``codes`` in ``regions``, a reported value winning over a derived one."""
    out = current_by_key(session, indicator_codes=codes, origin="derived", region_codes=regions)
    out.update(current_by_key(session, indicator_codes=codes, origin="reported", region_codes=regions))
    return out


def refresh(session: Session, changed: set[Key], *, actor: str, batch_id: int | None) -> int:
    """Recompute every derived indicator one of whose parts changed at one of the
    ``changed`` keys; return the number of derived values added or revised."""
    from innodrive.indicators.derived import ratio_value

    cat, derived = _derived_indicators()
    if not changed or not derived:
        return 0
    by_part: dict[str, list] = {}
    for ind in derived:
        for part in (ind.components.numerator, ind.components.denominator):
            by_part.setdefault(part, []).append(ind)
    todo: dict[str, set[tuple[str, str]]] = {}
    for region, code, period in changed:
        for ind in by_part.get(code, []):
            todo.setdefault(ind.code, set()).add((region, period))
    if not todo:
        return 0
    regions = {r for pairs in todo.values() for r, _ in pairs}
    parts = {p for code in todo for p in (cat.get(code).components.numerator, cat.get(code).components.denominator)}
    values = _current(session, parts, regions)
    new: list[NewValue] = []
    for code, pairs in todo.items():
        ind = cat.get(code)
        num_code, den_code = ind.components.numerator, ind.components.denominator
        for region, period in sorted(pairs):
            num, den = values.get((region, num_code, period)), values.get((region, den_code, period))
            if num is None or den is None:
                continue
            value = ratio_value(numerator=num.value, numerator_unit=num.unit, denominator=den.value,
                                denominator_unit=den.unit, target=ind, catalogue=cat)
            if value is None:
                continue
            source = (f"派生：{cat.get(num_code).name}（观测 #{num.id}）÷ {cat.get(den_code).name}（观测 #{den.id}）"
                      f"，公式 {ind.formula or ind.code}")
            new.append(NewValue(region_code=region, indicator_code=code, period=period, value=clean(value),
                                unit=ind.unit, source=source))
    if not new:
        return 0
    current = current_by_key(session, indicator_codes=set(todo), origin="derived", region_codes=regions)
    changes = plan_changes(new, current)
    apply_changes(session, changes, origin="derived", actor=actor, batch_id=batch_id)
    return sum(c.kind != "same" for c in changes)
