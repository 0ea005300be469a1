"""Derived indicators: values computed from their parts, only where the parts exist.

R&D经费投入强度 is R&D经费支出 ÷ GDP × 100; 每万人口发明专利拥有量 is 有效发明专利 ÷
常住人口 (万人). Statistics often publish the parts but not the ratio for a city and
year (or the other way round). The catalogue declares each derived indicator's
``components`` (numerator, denominator, scale); this module computes the ratio for a
region and period **only** when both parts are observed for that same region and
period — never from a part of another year, never with a missing part treated as 0 —
and says how each value was made, with the sources of its parts.

A published value of the derived indicator is preferred over a computed one by
default (``skip_observed``), since statistical offices compute ratios from revised
parts we may not have.

Pure: takes and returns pydantic models.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from innodrive.errors import InputError
from innodrive.indicators.catalogue import Catalogue, Indicator, load_catalogue
from innodrive.indicators.units import convert


class ComponentObservation(BaseModel):
    """An observation of any catalogue indicator, as the store holds it."""

    model_config = ConfigDict(frozen=True)

    region: str
    code: str
    period: int | dt.date
    value: float | None
    unit: str
    source: str | None = None
    revision: int = 0


class DerivedValue(BaseModel):
    """A value computed from its parts, with the note of how."""

    model_config = ConfigDict(frozen=True)

    region: str
    code: str
    period: int | dt.date
    value: float
    unit: str
    note: str = Field(description="how it was derived, in Chinese, with the parts and their values")
    parts: dict[str, float] = Field(description="component code → value used, in its catalogue unit")
    sources: list[str] = Field(default_factory=list)


def _fmt(v: float) -> str:
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return s or "0"


def _period_label(p: int | dt.date) -> str:
    return f"{p}年" if isinstance(p, int) else p.isoformat()


def ratio_value(*, numerator: float, numerator_unit: str, denominator: float, denominator_unit: str,
                target: Indicator, catalogue: Catalogue) -> float | None:
    """``numerator / denominator × scale`` of ``target``'s components, both parts first
    brought to their catalogue units. ``None`` when the denominator is 0 or a value is
    not a finite number."""
    comp = target.components
    if comp is None:
        raise InputError(f"指标“{target.name}”不是派生指标，没有组成部分", field="indicator")
    num = convert(numerator, numerator_unit, catalogue.require(comp.numerator).unit)
    den = convert(denominator, denominator_unit, catalogue.require(comp.denominator).unit)
    if not (math.isfinite(num) and math.isfinite(den)) or den == 0:
        return None
    return num / den * comp.scale


def rd_intensity(*, rd_expenditure: float, rd_unit: str = "亿元", gdp: float, gdp_unit: str = "亿元") -> float | None:
    """R&D经费投入强度 (%) = R&D经费支出 ÷ 地区生产总值 × 100."""
    cat = load_catalogue()
    return ratio_value(numerator=rd_expenditure, numerator_unit=rd_unit, denominator=gdp, denominator_unit=gdp_unit,
                       target=cat.require("rd_intensity"), catalogue=cat)


def per_10k_people(*, count: float, population: float, population_unit: str = "万人") -> float | None:
    """A count per 10,000 residents: ``count ÷ population (万人)``."""
    den = convert(population, population_unit, "万人")
    if den == 0 or not math.isfinite(den) or not math.isfinite(count):
        return None
    return count / den


def derive(code: str, observations: Iterable[ComponentObservation], *, catalogue: Catalogue | None = None,
           skip_observed: bool = True) -> list[DerivedValue]:
    """Every value of the derived indicator ``code`` computable from ``observations``.

    A value is produced for a (region, period) only when both parts are observed there
    with a known value (the highest revision of each); parts in other units of the same
    class are converted. With ``skip_observed`` a (region, period) that already has an
    observation of ``code`` itself is left alone.
    """
    cat = catalogue or load_catalogue()
    target = cat.require(code)
    comp = target.components
    if comp is None:
        raise InputError(f"指标“{target.name}”不是派生指标，没有组成部分", field="indicator")
    latest: dict[tuple[str, str, object], ComponentObservation] = {}
    observed: set[tuple[str, object]] = set()
    for o in observations:
        if o.code == code and o.value is not None:
            observed.add((o.region, o.period))
        if o.code not in (comp.numerator, comp.denominator) or o.value is None or \
                (isinstance(o.value, float) and math.isnan(o.value)):
            continue
        k = (o.region, o.code, o.period)
        if k not in latest or o.revision >= latest[k].revision:
            latest[k] = o
    num_ind, den_ind = cat.require(comp.numerator), cat.require(comp.denominator)
    out: list[DerivedValue] = []
    keys = sorted({(r, p) for (r, c, p) in latest if c == comp.numerator},
                  key=lambda rp: (rp[0], str(rp[1])))
    for region, period in keys:
        num = latest.get((region, comp.numerator, period))
        den = latest.get((region, comp.denominator, period))
        if num is None or den is None or (skip_observed and (region, period) in observed):
            continue
        try:
            n = convert(float(num.value), num.unit, num_ind.unit)  # type: ignore[arg-type]
            d = convert(float(den.value), den.unit, den_ind.unit)  # type: ignore[arg-type]
        except InputError:
            continue
        if d == 0 or not (math.isfinite(n) and math.isfinite(d)):
            continue
        value = n / d * comp.scale
        scale = f" × {_fmt(comp.scale)}" if comp.scale != 1 else ""
        note = (f"由{num_ind.name}（{_period_label(period)}，{_fmt(n)}{num_ind.unit}）÷ "
                f"{den_ind.name}（{_period_label(period)}，{_fmt(d)}{den_ind.unit}）{scale}计算得出，非统计部门发布值")
        sources = [s for s in (num.source, den.source) if s]
        out.append(DerivedValue(region=region, code=code, period=period, value=value, unit=target.unit, note=note,
                                parts={comp.numerator: n, comp.denominator: d}, sources=sources))
    return out


def derive_all(observations: Iterable[ComponentObservation], *, catalogue: Catalogue | None = None,
               skip_observed: bool = True) -> list[DerivedValue]:
    """:func:`derive` for every derived indicator of the catalogue."""
    cat = catalogue or load_catalogue()
    obs = list(observations)
    out: list[DerivedValue] = []
    for ind in cat:
        if ind.components is not None:
            out.extend(derive(ind.code, obs, catalogue=cat, skip_observed=skip_observed))
    return out
