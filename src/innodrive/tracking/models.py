"""The boundary of tracking: what goes in (targets, observations, tasks, reports) and
what comes out (statuses with a light, the numbers behind it and a reason).

Everything here is a plain pydantic model so that the store, the CLI and the web layer
can build inputs from their rows and show outputs without knowing how a light is
decided. Values going in are *as written* (45 and 亿元); values coming out are in the
catalogue unit of the indicator.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["number", "multiple", "growth", "relative", "trend", "milestone"]
Comparator = Literal["=", ">=", ">", "<=", "<", "~"]
Direction = Literal["ge", "le"]
Basis = Literal["annual", "cumulative", "points"]
Light = Literal["green", "yellow", "red", "blue", "grey"]

LIGHT_NAMES: dict[str, str] = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "blue": "蓝灯", "grey": "灰灯"}


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


class TargetSpec(BaseModel):
    """One target to track: what the document says plus the catalogue code it links to.

    ``year`` is the deadline year (到2025年); the deadline is its 31 December.
    ``baseline_year`` is the year compared with (十三五末 → 2020); when absent the year
    before ``start_year`` is used (a plan running 2021–2025 starts from 2020), and
    without either the target has no baseline. ``baseline_value`` is a baseline stated
    in the document, in the written ``unit`` (used only when there is no observation
    for the baseline year). ``accumulate`` says a flow target counts the sum over the
    plan period (新增上市公司4家 by 2025); ``None`` lets tracking decide from the
    indicator (flows that add to a stock accumulate).
    """

    model_config = ConfigDict(frozen=True)

    key: str | None = Field(default=None, description="the caller's id of the target, passed through")
    indicator: str = Field(description="the indicator as the document names it")
    code: str | None = Field(default=None, description="catalogue code; None when not linked")
    kind: Kind
    value: float | None = None
    unit: str | None = Field(default=None, description="unit as written (亿元, 家, %, 倍, 个百分点)")
    comparator: Comparator | None = None
    direction: Direction | None = Field(default=None, description="None: the catalogue's direction")
    year: int | None = Field(default=None, ge=1949, le=2100)
    baseline_year: int | None = Field(default=None, ge=1949, le=2100)
    baseline_value: float | None = None
    basis: Basis | None = Field(default=None, description="for growth: annual rate, whole-period change, or points")
    start_year: int | None = Field(default=None, ge=1949, le=2100, description="first year of the plan period")
    accumulate: bool | None = None
    region: str | None = None
    note: str | None = Field(default=None, description="qualifier words (高于全省平均水平, 持续上升, 建成)")
    evidence: str | None = None
    achieved_on: dt.date | None = Field(default=None, description="milestone: date a reported fact says it was achieved")
    achieved_evidence: str | None = None

    @classmethod
    def from_extracted(cls, target, *, code: str | None, region: str | None = None,
                       start_year: int | None = None, key: str | None = None) -> TargetSpec:
        """Build a spec from an :class:`innodrive.extraction.models.Target` (or any
        object with the same attribute names)."""
        g = lambda name: getattr(target, name, None)  # noqa: E731
        evidence = g("evidence")
        return cls(
            key=key, indicator=target.indicator, code=code, kind=target.kind, value=g("value"), unit=g("unit"),
            comparator=g("comparator"), direction=g("direction"), year=g("year"), baseline_year=g("baseline_year"),
            baseline_value=g("baseline_value"), basis=g("basis"), start_year=start_year, region=region,
            note=g("note"), evidence=getattr(evidence, "text", evidence),
        )


class ObservationPoint(BaseModel):
    """One observed value of the target's indicator for the target's region.

    ``period`` is a year (2022: the whole year, or its end for a stock) or a date
    (a stock counted on that day). ``revision`` orders corrected values of the same
    period; the highest wins. ``value`` ``None`` means unknown and is never used.
    """

    model_config = ConfigDict(frozen=True)

    period: int | dt.date
    value: float | None
    unit: str
    source: str | None = None
    revision: int = 0
    note: str | None = None

    @field_validator("period", mode="before")
    @classmethod
    def _parse_period(cls, v):
        if isinstance(v, str):
            s = v.strip()
            if s.isdecimal() and len(s) == 4:
                return int(s)
            return dt.date.fromisoformat(s)
        if isinstance(v, dt.datetime):
            return v.date()
        return v

    @property
    def year(self) -> int:
        return self.period if isinstance(self.period, int) else self.period.year

    @property
    def is_annual(self) -> bool:
        return isinstance(self.period, int)

    @property
    def as_date(self) -> dt.date:
        """The date the value refers to: 31 December for a year."""
        return year_end(self.period) if isinstance(self.period, int) else self.period

    @property
    def label(self) -> str:
        return f"{self.period}年" if isinstance(self.period, int) else self.period.isoformat()


class Forecast(BaseModel):
    """A trend projection to the deadline, with its method and its limits."""

    year: int
    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    level: float = Field(description="coverage of the prediction interval, e.g. 0.8")
    probability: float | None = Field(default=None, ge=0, le=1, description="P(target reached at the deadline)")
    method: str = Field(description="e.g. loglinear-ols, linear-ols, two-point")
    n_points: int
    note: str = Field(description="the method and its limits, in Chinese")


class TargetStatus(BaseModel):
    """Where one target stands at ``as_of`` and why its light has its colour."""

    key: str | None = None
    indicator: str
    code: str | None
    kind: Kind
    as_of: dt.date
    light: Light
    label: str = Field(description="the rule set's name for the state, e.g. 达到序时进度")
    rule: str | None = Field(default=None, description="id of the rule that decided the light")
    rule_set: str = Field(description="name@version of the rule set")
    unit: str | None = Field(default=None, description="catalogue unit of every value below")
    baseline_year: int | None = None
    baseline_value: float | None = None
    baseline_source: str | None = None
    target_year: int | None = None
    target_value: float | None = None
    expected_value: float | None = Field(default=None, description="value on the path at as_of")
    expected_at_latest: float | None = Field(default=None, description="value on the path at the latest actual's period")
    latest_value: float | None = None
    latest_period: str | None = None
    latest_source: str | None = None
    progress: float | None = Field(default=None, ge=0, le=1, description="share of the way from baseline to target")
    progress_raw: float | None = Field(default=None, description="unclipped progress (below 0: moved away; above 1: beyond)")
    time_elapsed: float | None = Field(default=None, description="share of the plan period elapsed at the latest actual")
    schedule_gap: float | None = Field(default=None, description="序时进度 gap in percentage points: progress − time share")
    path: Literal["linear", "compound"] | None = None
    forecast: Forecast | None = None
    probability: float | None = Field(default=None, ge=0, le=1)
    flags: list[str] = Field(default_factory=list)
    reason: str

    @property
    def light_name(self) -> str:
        return LIGHT_NAMES[self.light]


# ------------------------------------------------------------------------ tasks

ReportStatus = Literal["not_started", "in_progress", "completed", "blocked"]
Approval = Literal["submitted", "approved", "returned"]


class Milestone(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    due: dt.date
    done_on: dt.date | None = None


class TaskSpec(BaseModel):
    """A key task of a plan under 清单制+责任制+时限制: who leads, who helps, by when."""

    model_config = ConfigDict(frozen=True)

    key: str | None = None
    title: str
    lead_unit: str | None = None
    co_units: list[str] = Field(default_factory=list)
    start: dt.date | None = None
    deadline: dt.date | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    report_interval_days: int | None = Field(default=None, ge=1, description="None: the rule set's reporting cycle")


class ProgressReport(BaseModel):
    """One progress report (报送); ``approval`` follows 报送 → 审核 → 退回/通过."""

    model_config = ConfigDict(frozen=True)

    reported_on: dt.date
    status: ReportStatus
    percent_complete: float | None = Field(default=None, ge=0, le=100)
    narrative: str | None = None
    evidence: list[str] = Field(default_factory=list)
    reporter: str | None = None
    approval: Approval = "submitted"


class TaskStatus(BaseModel):
    key: str | None = None
    title: str
    as_of: dt.date
    light: Light
    label: str
    rule: str | None = None
    rule_set: str
    completed: bool = False
    completed_on: dt.date | None = None
    completion: float | None = Field(default=None, ge=0, le=1, description="latest counted % complete / 100")
    time_elapsed: float | None = Field(default=None, description="share of start→deadline elapsed at as_of")
    schedule_gap: float | None = Field(default=None, description="completion − time share, percentage points")
    days_to_deadline: int | None = None
    days_overdue: int | None = None
    last_report_on: dt.date | None = None
    next_report_due: dt.date | None = None
    report_missing: bool = False
    overdue_milestones: list[str] = Field(default_factory=list)
    next_milestone: Milestone | None = None
    flags: list[str] = Field(default_factory=list)
    reason: str

    @property
    def light_name(self) -> str:
        return LIGHT_NAMES[self.light]
