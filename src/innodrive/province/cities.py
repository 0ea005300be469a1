"""The example cities side by side: one indicator's targets in several cities, with paths and lights.

自贡 writes 高新技术企业 倍增, 乐山 192家, 绵阳 838家, 宜宾 a yearly number: the same concept
stated four ways. This module puts them on one table from the living plan's stored
targets and the tracking engine's status of each (baseline, target in the catalogue
unit, the path year by year, the latest value and its light and reason). Read-only;
pure over the board lines it is given.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from innodrive.plans.wording import goal_of

DEFAULT_CITIES = ("自贡市", "乐山市", "绵阳市", "宜宾市")


class PathPoint(BaseModel):
    year: int
    expected: float | None = Field(description="value on the path (序时进度) at the end of the year")
    actual: float | None = None


class CityTarget(BaseModel):
    target_id: int
    plan_title: str | None
    indicator: str = Field(description="the indicator as the document writes it")
    code: str
    written: str = Field(description="the goal as written: kind, comparator, value, unit, year")
    evidence: str
    baseline_year: int | None
    baseline_value: float | None
    target_year: int | None
    target_value: float | None
    unit: str | None
    latest_value: float | None
    latest_period: str | None
    latest_source: str | None
    light: str
    light_name: str
    label: str
    reason: str
    probability: float | None
    path: list[PathPoint]


class CityColumn(BaseModel):
    region_code: str
    region_name: str
    targets: list[CityTarget]


class CitiesView(BaseModel):
    indicator: str
    indicator_name: str
    unit: str
    related: list[str] = Field(description="catalogue codes shown (the stock and its flow, 新增…)")
    as_of: str
    cities: list[CityColumn]


def path_points(status, observations: dict[int, float]) -> list[PathPoint]:
    from innodrive.tracking.path import path_value

    b, t = status.baseline_value, status.target_value
    by, ty = status.baseline_year, status.target_year
    if by is None or ty is None or ty <= by:
        return [PathPoint(year=y, expected=None, actual=v) for y, v in sorted(observations.items())]
    out = []
    for y in range(by, ty + 1):
        exp = None
        if b is not None and t is not None and status.path:
            exp = path_value(baseline=b, target=t, share=(y - by) / (ty - by), shape=status.path)
        out.append(PathPoint(year=y, expected=exp, actual=observations.get(y)))
    return out


def city_target(line, observations: dict[int, float]) -> CityTarget:
    s, t = line.status, line.stored.target
    return CityTarget(target_id=line.target_id, plan_title=line.plan_title, indicator=t.indicator,
                      code=line.stored.indicator_code, written=goal_of(t), evidence=t.evidence.text,
                      baseline_year=s.baseline_year, baseline_value=s.baseline_value, target_year=s.target_year,
                      target_value=s.target_value, unit=s.unit, latest_value=s.latest_value,
                      latest_period=s.latest_period, latest_source=s.latest_source, light=s.light,
                      light_name=s.light_name, label=s.label, reason=s.reason, probability=s.probability,
                      path=path_points(s, observations))
