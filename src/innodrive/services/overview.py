"""The 总览 and one target's full story: views the workbench opens with.

:func:`overview` gathers, for the actor's region, what an office looks at first: how
many targets are green, yellow, red and grey; the targets most at risk and why; the
tasks overdue or due within a month; the latest imports of statistics; and the
trend of the indicators the region's targets are about. :func:`target_detail` tells
one target's story: the sentence it came from, the numbers behind its light, the
path from baseline to target, the actual values and their revisions, the forecast
with its 80 % band and the probability of attainment.

Both are built on the board and task-ledger services (:mod:`innodrive.services.board`)
and the observation store; nothing here decides a light.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from pydantic import BaseModel, Field
from sqlalchemy import select

from innodrive.errors import NotFound
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import Store

LIGHT_ORDER = ("red", "yellow", "green", "grey", "blue")
RISK_LINES = 10
TASK_LINES = 12
SOON_DAYS = 30
TREND_INDICATORS = 4


class RiskLine(BaseModel):
    target_id: int
    indicator: str
    region_name: str | None
    plan_title: str
    light: str
    label: str
    reason: str
    schedule_gap: float | None


class TaskAlert(BaseModel):
    task_id: int
    title: str
    plan_title: str | None
    lead_units: list[str]
    deadline: dt.date | None
    light: str
    label: str
    reason: str
    overdue: bool
    days_to_deadline: int | None


class ImportLine(BaseModel):
    id: int
    file_name: str
    imported_at: dt.datetime
    imported_by: str
    rows: int
    added: int
    revised: int


class TrendSeries(BaseModel):
    code: str
    name: str
    unit: str
    region_name: str | None
    points: list[tuple[str, float]] = Field(description="(period, value), oldest first")
    sources: list[str]


class Overview(BaseModel):
    as_of: dt.date
    region_code: str | None
    region_name: str | None
    totals: dict[str, int]
    targets: int
    at_risk: list[RiskLine]
    tasks: int
    overdue: int
    due_soon: int
    task_alerts: list[TaskAlert]
    imports: list[ImportLine]
    trends: list[TrendSeries]


def _region_name(code: str | None) -> str | None:
    if not code:
        return None
    from innodrive.regions import all_regions

    r = all_regions().get(code)
    return r.name if r else code


def overview(store: Store, actor: Actor, *, as_of: dt.date, region: str | None = None) -> Overview:
    from innodrive.services import board

    require(actor, "board.read")
    targets = board.targets(store, actor, as_of=as_of, region=region)
    region_code = targets.region_code
    risky = sorted((line for line in targets.lines if line.status.light in ("red", "yellow")),
                   key=lambda line: (LIGHT_ORDER.index(line.status.light),
                                     line.status.schedule_gap if line.status.schedule_gap is not None else 0.0))
    at_risk = [RiskLine(target_id=line.target_id, indicator=line.indicator, region_name=line.region_name,
                        plan_title=line.plans[0].title, light=line.status.light, label=line.status.label,
                        reason=line.status.reason, schedule_gap=line.status.schedule_gap)
               for line in risky[:RISK_LINES]]
    alerts: list[TaskAlert] = []
    overdue = soon = total_tasks = 0
    from innodrive.services.access import can

    if can(actor, "tasks.read"):
        ledger = board.tasks(store, actor, as_of=as_of, region=region)
        total_tasks = len(ledger.lines)
        flagged = []
        for line in ledger.lines:
            s = line.status
            is_overdue = "overdue" in s.flags
            is_soon = (not s.completed and not is_overdue and s.days_to_deadline is not None
                       and 0 <= s.days_to_deadline <= SOON_DAYS)
            overdue += is_overdue
            soon += is_soon
            if is_overdue or is_soon:
                flagged.append((line, is_overdue))
        flagged.sort(key=lambda item: (not item[1], item[0].status.days_to_deadline or 0))
        alerts = [TaskAlert(task_id=line.task.id, title=line.task.title, plan_title=line.task.plan_title,
                            lead_units=list(line.task.lead_units), deadline=line.deadline, light=line.status.light,
                            label=line.status.label, reason=line.status.reason, overdue=is_overdue,
                            days_to_deadline=line.status.days_to_deadline)
                  for line, is_overdue in flagged[:TASK_LINES]]
    code = region_code or actor.region_code
    return Overview(as_of=as_of, region_code=code, region_name=_region_name(code), totals=targets.totals,
                    targets=len(targets.lines), at_risk=at_risk, tasks=total_tasks, overdue=overdue, due_soon=soon,
                    task_alerts=alerts, imports=recent_imports(store, actor, region_code=code),
                    trends=_trends(store, targets.lines, code))


def _covered_regions(region_code: str | None) -> list[str] | None:
    """The region and every region under it (``None``: all regions)."""
    if not region_code:
        return None
    from innodrive.services.board import regions_within

    return sorted(regions_within(region_code))


def recent_imports(store: Store, actor: Actor, *, region_code: str | None, limit: int = 5) -> list[ImportLine]:
    """The latest imports that brought values of the region (or any, for an unscoped actor)."""
    from innodrive.store.schema import ImportBatchRow, ObservationRow

    require(actor, "data.read")
    with store.read() as session:
        q = select(ImportBatchRow).order_by(ImportBatchRow.id.desc()).limit(limit)
        covered = _covered_regions(region_code)
        if covered is not None:
            q = q.where(ImportBatchRow.id.in_(
                select(ObservationRow.batch_id).where(ObservationRow.region_code.in_(covered)).distinct()))
        rows = session.scalars(q).all()
        return [ImportLine(id=r.id, file_name=r.file_name, imported_at=_aware(r.imported_at),
                           imported_by=r.imported_by, rows=r.rows, added=r.added, revised=r.revised) for r in rows]


def _trends(store: Store, lines, region_code: str | None) -> list[TrendSeries]:
    """The indicators the targets are most often about, for the region, year by year."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.observations import latest
    from innodrive.indicators.periods import is_year

    counted = Counter(line.indicator_code for line in lines if line.indicator_code)
    if not counted:
        return []
    region = region_code or Counter(line.region_code for line in lines if line.region_code).most_common(1)[0][0]
    codes = [code for code, _ in counted.most_common(TREND_INDICATORS)]
    catalogue = load_catalogue()
    by_code: dict[str, list] = {}
    for o in latest(store, indicator_codes=codes, region_codes=[region]):
        if is_year(o.period):
            by_code.setdefault(o.indicator_code, []).append(o)
    out = []
    for code in codes:
        observations = sorted(by_code.get(code, []), key=lambda o: o.period)
        ind = catalogue.get(code)
        if not observations or ind is None:
            continue
        out.append(TrendSeries(code=code, name=ind.name, unit=observations[-1].unit, region_name=_region_name(region),
                               points=[(o.period, o.value) for o in observations],
                               sources=sorted({o.source for o in observations})))
    return out


# -- one target ------------------------------------------------------------------------------


class SourceSentence(BaseModel):
    """The paragraph a target came from, cut around the target's span."""

    plan_id: int
    plan_title: str
    version: int
    file_name: str
    before: str
    words: str
    after: str
    start: int
    end: int


class ChartPoint(BaseModel):
    period: str
    value: float


class TargetChart(BaseModel):
    """What the target's chart shows; every series in the catalogue unit of the status."""

    unit: str | None
    baseline: ChartPoint | None
    target: ChartPoint | None
    path: list[ChartPoint] = Field(description="the value the path expects at the end of each year")
    actuals: list[ChartPoint]
    forecast: ChartPoint | None
    band: tuple[float, float] | None = Field(description="80 % prediction interval at the target year")
    band_level: float | None
    probability: float | None


class ValueHistory(BaseModel):
    period: str
    value: float
    unit: str
    revision: int
    is_current: bool
    origin: str
    source: str
    note: str | None
    recorded_at: dt.datetime
    recorded_by: str


class TargetDetail(BaseModel):
    line: object = Field(description="innodrive.services.board.TargetLineView")
    sentence: SourceSentence | None
    chart: TargetChart
    history: list[ValueHistory]
    indicator_name: str | None
    indicator_definition: str | None
    link_method: str | None
    link_candidates: list[str]


def _sentence(store: Store, stored) -> SourceSentence | None:
    from innodrive.store.schema import PlanRow, PlanVersionRow

    with store.read() as session:
        found = session.execute(select(PlanVersionRow, PlanRow).join(PlanRow, PlanRow.id == PlanVersionRow.plan_id)
                                .where(PlanVersionRow.id == stored.version_id)).first()
        if found is None:
            return None
        version, plan = found
        text = getattr(version, "text", None) or ""
        title, number, file_name = plan.title or version.file_name, version.number, version.file_name
    start, end = stored.target.evidence.span
    if not text or not 0 <= start < end <= len(text):
        words = stored.target.evidence.text
        return SourceSentence(plan_id=stored.plan_id, plan_title=title, version=number, file_name=file_name,
                              before="", words=words, after="", start=start, end=end)
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    para_start = max(para_start, start - 400)
    para_end = min(para_end, end + 400)
    return SourceSentence(plan_id=stored.plan_id, plan_title=title, version=number, file_name=file_name,
                          before=text[para_start:start], words=text[start:end], after=text[end:para_end],
                          start=start, end=end)


def _chart(status) -> TargetChart:
    from innodrive.tracking.targets import expected_on_path

    unit = status.unit
    baseline = (ChartPoint(period=str(status.baseline_year), value=status.baseline_value)
                if status.baseline_year is not None and status.baseline_value is not None else None)
    goal = (ChartPoint(period=str(status.target_year), value=status.target_value)
            if status.target_year is not None and status.target_value is not None else None)
    path = []
    if baseline is not None and goal is not None:
        for year in range(status.baseline_year, status.target_year + 1):
            value = expected_on_path(status, dt.date(year, 12, 31))
            if value is not None:
                path.append(ChartPoint(period=str(year), value=value))
    fc = status.forecast
    forecast = ChartPoint(period=str(fc.year), value=fc.value) if fc is not None and fc.value is not None else None
    band = (fc.lower, fc.upper) if fc is not None and fc.lower is not None and fc.upper is not None else None
    return TargetChart(unit=unit, baseline=baseline, target=goal, path=path, actuals=[], forecast=forecast, band=band,
                       band_level=fc.level if band else None, probability=status.probability)


def target_detail(store: Store, actor: Actor, target_id: int, *, as_of: dt.date) -> TargetDetail:
    """One target of the board with its sentence, chart, value history and catalogue link."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.observations import history
    from innodrive.indicators.units import convert
    from innodrive.plans.storage import stored_targets
    from innodrive.services import board
    from innodrive.store.schema import PlanVersionRow, TargetRow

    require(actor, "board.read")
    with store.read() as session:
        plan_id = session.scalar(select(PlanVersionRow.plan_id).join(TargetRow, TargetRow.version_id == PlanVersionRow.id)
                                 .where(TargetRow.id == target_id))
    if plan_id is None:
        raise NotFound(f"没有编号为 {target_id} 的目标")
    stored = next((t for t in stored_targets(store, plan_id=plan_id) if t.id == target_id), None)
    if stored is None:
        raise NotFound(f"目标 {target_id} 不在计划的现行版本中（已被新版本取代）")
    require(actor, "board.read", region_code=stored.region_code, check_region=True, what=stored.target.indicator)
    lines = board.targets(store, actor, as_of=as_of, plan_id=plan_id).lines
    line = next((x for x in lines if x.target_id == target_id or any(p.target_id == target_id for p in x.plans)), None)
    if line is None:
        raise NotFound(f"目标 {target_id} 不在看板上")
    status = line.status
    chart = _chart(status)
    values: list[ValueHistory] = []
    if stored.indicator_code and stored.region_code:
        for o in history(store, region_code=stored.region_code, indicator_code=stored.indicator_code):
            values.append(ValueHistory(period=o.period, value=o.value, unit=o.unit, revision=o.revision,
                                       is_current=o.is_current, origin=o.origin, source=o.source, note=o.note,
                                       recorded_at=o.recorded_at, recorded_by=o.recorded_by))
        actuals = {}
        for v in values:
            if v.is_current and v.period.isdecimal() and (v.origin == "reported" or v.period not in actuals):
                value = v.value
                if status.unit and v.unit != status.unit:
                    try:
                        value = convert(v.value, v.unit, status.unit)
                    except Exception:  # a unit that cannot be converted is left out of the chart
                        continue
                actuals[v.period] = ChartPoint(period=v.period, value=value)
        chart.actuals = [actuals[p] for p in sorted(actuals)]
    ind = load_catalogue().get(stored.indicator_code) if stored.indicator_code else None
    return TargetDetail(line=line, sentence=_sentence(store, stored), chart=chart, history=values,
                        indicator_name=ind.name if ind else None, indicator_definition=ind.definition if ind else None,
                        link_method=stored.link_method, link_candidates=list(stored.link_candidates))


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def plan_of_target(store: Store, actor: Actor, target_id: int) -> int:
    """The plan a stored target belongs to (any version), within the actor's scope."""
    from innodrive.store.schema import PlanRow, PlanVersionRow, TargetRow

    require(actor, "plans.read")
    with store.read() as session:
        found = session.execute(select(PlanRow.id, PlanRow.region_code)
                                .join(PlanVersionRow, PlanVersionRow.plan_id == PlanRow.id)
                                .join(TargetRow, TargetRow.version_id == PlanVersionRow.id)
                                .where(TargetRow.id == target_id)).first()
    if found is None:
        raise NotFound(f"没有编号为 {target_id} 的目标")
    require(actor, "plans.read", region_code=found[1], check_region=True, what=f"目标 {target_id}")
    return found[0]
