"""Evaluate one target against its observations at a date: the 序时进度 status board's
unit of work.

For a quantitative target (``number``, ``multiple``, ``growth``) the steps are:

1. the observations are brought into the indicator's catalogue unit; for each period
   the highest revision wins; unknown values are dropped, never filled;
2. the baseline: the observation of the baseline year (十三五末 → 2020); failing that a
   baseline stated in the document (``number`` targets only); otherwise none — no
   other year is substituted;
3. the target value in the catalogue unit: a number converted from its written unit;
   倍增 = 2 × baseline; a growth rate compounded from the baseline (annual), applied
   once (cumulative) or added as percentage points;
4. the latest actual after the baseline, its time share and its progress on the path
   (see :mod:`innodrive.tracking.path`), the 序时进度 gap, the value expected on the path
   at the latest actual and at ``as_of``;
5. a trend forecast to the deadline (:mod:`innodrive.tracking.forecast`);
6. flags, metrics and the ordered rules of the rule set → the light; a Chinese reason
   built from the same numbers.

A flow that adds to a stock (新增上市公司4家 by 2025) is tracked as the sum of the
yearly flows since the baseline. Statistics arrive late: the catalogue's release lag
decides whether a missing year is "awaiting release" (grey, not red) or overdue.
``trend``, ``relative`` and ``milestone`` targets get their own simple judgements.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from innodrive.errors import InputError
from innodrive.indicators.catalogue import Catalogue, Indicator, load_catalogue
from innodrive.indicators.units import convert, parse_unit
from innodrive.tracking import path as P
from innodrive.tracking.forecast import choose_model, forecast
from innodrive.tracking.models import Forecast, ObservationPoint, TargetSpec, TargetStatus, year_end
from innodrive.tracking.ruleset import Outcome, Rule, RuleSet, load_rules

BLOCKING = ("not_linked", "unit_mismatch", "no_target_value", "no_baseline", "awaiting_release", "no_data")


# --------------------------------------------------------------------------- helpers


def fmt(v: float | None) -> str:
    """A number as an official would write it: no float noise, thousands unseparated."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "未知"
    a = abs(v)
    if a >= 1000:
        s = f"{v:.1f}"
    elif a >= 1:
        s = f"{v:.2f}"
    else:
        s = f"{v:.4f}"
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return "0" if s in ("-0", "") else s


def pct(x: float | None) -> str:
    return "未知" if x is None else f"{fmt(round(x * 100, 1))}%"


def add_months(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    days = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return dt.date(y, m, min(d.day, days[m - 1]))


def release_date(year: int, lag_months: int) -> dt.date:
    """When the figure of ``year`` is usually published."""
    return add_months(year_end(year), lag_months)


def latest_due_year(as_of: dt.date, lag_months: int) -> int:
    """The latest year whose figure should be published by ``as_of``."""
    y = as_of.year
    while release_date(y, lag_months) > as_of:
        y -= 1
    return y


def decide(rules: list[Rule], flags: set[str], metrics: dict[str, float | None]) -> Rule | None:
    """The first rule whose conditions all hold."""
    return next((r for r in rules if r.matches(flags, metrics)), None)


@dataclass
class Series:
    """Observations in the catalogue unit, one value per period."""

    annual: dict[int, tuple[float, ObservationPoint]] = field(default_factory=dict)
    dated: list[tuple[dt.date, float, ObservationPoint]] = field(default_factory=list)
    unconvertible: list[ObservationPoint] = field(default_factory=list)


def prepare_series(observations: Sequence[ObservationPoint], *, unit: str, as_of: dt.date, stock: bool) -> Series:
    """Convert to ``unit``, keep the highest revision per period, drop unknown values,
    periods after ``as_of`` and (for non-stocks) sub-annual dates."""
    best: dict[object, ObservationPoint] = {}
    for o in observations:
        if o.value is None or not math.isfinite(o.value) or o.as_date > as_of:
            continue
        cur = best.get(o.period)
        if cur is None or o.revision >= cur.revision:
            best[o.period] = o
    s = Series()
    for period, o in best.items():
        try:
            v = convert(float(o.value), o.unit, unit) if o.unit != unit else float(o.value)  # type: ignore[arg-type]
        except InputError:
            s.unconvertible.append(o)
            continue
        if isinstance(period, int):
            s.annual[period] = (v, o)
        elif stock:
            s.dated.append((period, v, o))  # type: ignore[arg-type]
    s.dated.sort(key=lambda t: t[0])
    return s


def expected_on_path(status: TargetStatus, when: dt.date) -> float | None:
    """The value on ``status``'s path at any date (for charts and what-if questions):
    the baseline before the period starts, the target after the deadline. ``None`` when
    the status has no baseline, target or path."""
    if None in (status.baseline_value, status.target_value, status.baseline_year, status.target_year, status.path):
        return None
    share = P.time_share(when, baseline_year=status.baseline_year, target_year=status.target_year)  # type: ignore[arg-type]
    return P.path_value(baseline=status.baseline_value, target=status.target_value, share=share,  # type: ignore[arg-type]
                        shape=status.path)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- entry point


def evaluate_target(spec: TargetSpec, observations: Sequence[ObservationPoint], *, as_of: dt.date,
                    rules: RuleSet | str | None = None, catalogue: Catalogue | None = None,
                    reference: Sequence[ObservationPoint] | None = None,
                    reference_name: str | None = None) -> TargetStatus:
    """The status of ``spec`` at ``as_of``.

    :param observations: the indicator's observations for the target's region (any
        units of the same class as the catalogue unit, any revisions)
    :param rules: a rule set, or the name of a shipped one (default: ``default``)
    :param catalogue: the indicator catalogue (default: the bundled one)
    :param reference: for ``relative`` targets, the reference region's observations of
        the same indicator (全省平均 → the province's series)
    :param reference_name: the name of that reference region (四川省, 全国). A target set
        against the national average (全国) is only compared with a reference named
        全国/中国; otherwise it stays grey rather than being judged against the province.
    """
    rs = load_rules(rules) if isinstance(rules, str) else (rules or load_rules())
    cat = catalogue or load_catalogue()
    ind = cat.get(spec.code) if spec.code else None
    if spec.kind == "milestone":
        return _milestone(spec, as_of=as_of, rs=rs)
    if ind is None:
        return _unjudgeable_status(spec, as_of, rs, None, {"not_linked"}, {},
                                   reason=f"目标“{spec.indicator}”尚未对应到指标目录中的指标"
                                          + (f"（代码“{spec.code}”不在目录中）" if spec.code else "")
                                          + "，请先人工指定对应指标")
    if spec.kind == "trend":
        return _trend(spec, ind, observations, as_of=as_of, rs=rs)
    if spec.kind == "relative":
        return _relative(spec, ind, observations, reference, reference_name, as_of=as_of, rs=rs)
    return _quantitative(spec, ind, observations, as_of=as_of, rs=rs)


# --------------------------------------------------------------------------- statuses


def _base(spec: TargetSpec, as_of: dt.date, rs: RuleSet, ind: Indicator | None) -> dict:
    return {"key": spec.key, "indicator": spec.indicator, "code": ind.code if ind else spec.code, "kind": spec.kind,
            "as_of": as_of, "rule_set": rs.ident, "unit": ind.unit if ind else None, "target_year": spec.year}


def _unjudgeable_status(spec: TargetSpec, as_of: dt.date, rs: RuleSet, ind: Indicator | None, flags: set[str],
                        fields: dict, *, reason: str) -> TargetStatus:
    metrics: dict[str, float | None] = fields.pop("_metrics", {}) if "_metrics" in fields else {}
    rule = decide(rs.targets.unjudgeable, flags, metrics)
    light, label, rid = (rule.light, rule.label, rule.id) if rule else ("grey", _grey_label(flags), None)
    return TargetStatus(**_base(spec, as_of, rs, ind), **fields, light=light, label=label, rule=rid,
                        flags=sorted(flags), reason=reason)


def _grey_label(flags: set[str]) -> str:
    for f, label in (("not_linked", "未关联指标"), ("unit_mismatch", "单位无法换算"), ("no_baseline", "缺少基期值"),
                     ("no_target_value", "无法确定目标值"), ("awaiting_release", "数据待发布"), ("no_data", "暂无数据")):
        if f in flags:
            return label
    return "无法判断"


def _direction(spec: TargetSpec, ind: Indicator) -> str:
    return spec.direction or ind.direction or "ge"


def _quantitative(spec: TargetSpec, ind: Indicator, observations: Sequence[ObservationPoint], *, as_of: dt.date,
                  rs: RuleSet) -> TargetStatus:
    flags: set[str] = set()
    notes: list[str] = []
    direction = _direction(spec, ind)
    lag = ind.release_lag_months if ind.release_lag_months is not None else rs.release.default_lag_months
    lag_due = lag + rs.release.grace_months
    series = prepare_series(observations, unit=ind.unit, as_of=as_of, stock=ind.measure == "stock")
    if series.unconvertible:
        bad = "、".join(f"{o.label}（{o.unit}）" for o in series.unconvertible)
        notes.append(f"以下观测值的单位无法换算为{ind.unit}，未使用：{bad}")

    if spec.year is None:
        return _unjudgeable_status(spec, as_of, rs, ind, {"no_target_value"}, {},
                                   reason="目标没有期限年份，无法计算序时进度")
    deadline = year_end(spec.year)
    if as_of > deadline:
        flags.add("deadline_passed")
    baseline_year = spec.baseline_year or (spec.start_year - 1 if spec.start_year else None)
    if baseline_year is not None and baseline_year >= spec.year:
        return _unjudgeable_status(spec, as_of, rs, ind, {"no_baseline", "no_target_value"}, {},
                                   reason=f"基期年份{baseline_year}年不早于目标年份{spec.year}年，无法计算序时进度，请核对目标")
    accumulate = spec.kind == "number" and (spec.accumulate if spec.accumulate is not None else ind.flow_of is not None)
    unit = ind.unit

    # ---- baseline ----------------------------------------------------------------
    baseline: float | None = None
    baseline_source: str | None = None
    if baseline_year is not None and accumulate:
        baseline, baseline_source = 0.0, f"按{baseline_year + 1}年起逐年增量累计，基期为0"
        flags.add("accumulated")
    elif baseline_year is not None and baseline_year in series.annual:
        baseline, obs = series.annual[baseline_year]
        baseline_source = obs.source
    elif baseline_year is not None and spec.baseline_value is not None and spec.kind == "number":
        try:
            baseline = convert(spec.baseline_value, spec.unit or unit, unit)
            baseline_source = "文件所列基期值"
            flags.add("baseline_from_document")
        except InputError:
            baseline = None
    if baseline is None:
        flags.add("no_baseline")

    # ---- target value --------------------------------------------------------------
    target, shape, why_no_target, target_problem = _target_value(spec, ind, baseline, baseline_year, rs)
    if shape == "compound" and target is not None and baseline is not None and not P.can_compound(baseline, target):
        shape = "linear"
        notes.append("基期值或目标值不为正，改按线性路径计算")
    if target is None:
        flags.add(target_problem or "no_target_value")

    # ---- actuals -----------------------------------------------------------------------
    points: list[tuple[dt.date, float, ObservationPoint | None]] = []
    if accumulate and baseline_year is not None:
        total, y = 0.0, baseline_year + 1
        while y in series.annual:
            total += series.annual[y][0]
            points.append((year_end(y), total, series.annual[y][1]))
            y += 1
        if any(yr > y for yr in series.annual):
            flags.add("incomplete_years")
            notes.append(f"{y}年增量缺失，之后年份的数据无法累计")
    else:
        points = [(year_end(yr), v, o) for yr, (v, o) in sorted(series.annual.items())]
        points += [(d, v, o) for d, v, o in series.dated]
        points.sort(key=lambda t: t[0])
    after = [p for p in points if baseline_year is None or p[0] > year_end(baseline_year)]
    # the figure of the deadline year decides a target whose deadline has passed
    final_pt = next((p for p in points if p[0] == deadline), None) if "deadline_passed" in flags else None
    if final_pt is not None:
        flags.add("final")
        after = [p for p in after if p[0] <= deadline]
    latest = final_pt or (points[-1] if points else None)

    due_year = latest_due_year(as_of, lag_due)
    if baseline_year is not None and not after:
        if due_year <= baseline_year:
            flags.add("awaiting_release")
        else:
            flags.add("no_data")
            flags.add("data_overdue")
    elif baseline_year is None and not points:
        flags.add("no_data")
    if after:
        last_annual = max((p[0].year for p in after), default=None)
        if last_annual is not None and last_annual < due_year and last_annual < spec.year:
            flags.add("data_overdue")

    # ---- metrics -----------------------------------------------------------------------
    fields: dict = {"baseline_year": baseline_year, "baseline_value": baseline, "baseline_source": baseline_source,
                    "target_value": target, "path": shape if target is not None and baseline is not None else None}
    metrics: dict[str, float | None] = {}
    A = latest[1] if latest else None
    if latest is not None:
        fields.update(latest_value=A, latest_period=_period_label(latest), latest_source=latest[2].source if latest[2] else None)
    # met: judged on a figure of the plan period (after the baseline), never on older data
    judged = final_pt or (after[-1] if after else None)
    if target is not None and judged is not None and P.meets(judged[1], target, direction=direction,
                                                             comparator=spec.comparator):
        flags.add("met")
    if (target is not None and baseline is not None
            and P.meets(baseline, target, direction=direction, comparator=spec.comparator) and not accumulate):
        flags.add("met_at_baseline")

    if target is not None and baseline is not None and baseline_year is not None:
        share_now = P.time_share(as_of, baseline_year=baseline_year, target_year=spec.year)
        fields["expected_value"] = P.path_value(baseline=baseline, target=target, share=share_now, shape=shape)
        if after:
            tA = after[-1][0]
            A = after[-1][1]
            f = P.time_share(tA, baseline_year=baseline_year, target_year=spec.year)
            E = P.path_value(baseline=baseline, target=target, share=f, shape=shape)
            prog = None if "met_at_baseline" in flags else P.progress(baseline=baseline, target=target, actual=A,
                                                                      shape=shape)
            fields.update(time_elapsed=f, expected_at_latest=E, progress_raw=prog,
                          progress=None if prog is None else min(max(prog, 0.0), 1.0))
            metrics["time_pct"] = f * 100
            if prog is not None:
                metrics["progress_pct"] = prog * 100
                gap = (prog - min(f, 1.0)) * 100
                fields["schedule_gap"] = gap
                metrics["schedule_gap"] = gap
                if f > 0:
                    metrics["progress_ratio_pct"] = prog / min(f, 1.0) * 100
            if A > 0 and E > 0:
                metrics["value_ratio_pct"] = (A / E if direction != "le" else E / A) * 100

    # ---- forecast ----------------------------------------------------------------------
    fc: Forecast | None = None
    if "final" not in flags:
        annual_pts = [(p[0].year, p[1]) for p in points if p[0].month == 12 and p[0].day == 31]
        annual_pts = annual_pts[-rs.forecast.max_points:]
        if annual_pts and annual_pts[-1][0] >= spec.year:
            fc = None  # the deadline year is observed: nothing to forecast
        else:
            model = choose_model([v for _, v in annual_pts], measure=ind.measure, accumulate=accumulate,
                                 setting=rs.forecast.model)
            fc = forecast(annual_pts, year=spec.year, target=target, direction=direction, model=model,
                          level=rs.forecast.level, floor=0.0 if ind.measure in ("stock", "flow") else None)
            metrics["n_points"] = float(fc.n_points)
            if fc.n_points < 3:
                flags.add("few_points")
            if fc.probability is not None:
                metrics["probability_pct"] = fc.probability * 100
    fields.update(forecast=fc, probability=fc.probability if fc else None)

    # ---- decide ------------------------------------------------------------------------
    blocking = flags.intersection(BLOCKING)
    reason = _reason(spec, ind, flags, fields, fc, notes, baseline_year=baseline_year, due_year=due_year, lag=lag,
                     why_no_target=why_no_target, direction=direction)
    if blocking and "met" not in flags:
        fields["_metrics"] = metrics
        return _unjudgeable_status(spec, as_of, rs, ind, flags, fields, reason=reason)
    rule = decide(rs.targets.rules, flags, metrics)
    assert rule is not None  # a rule set always ends with a fallback (checked on load)
    return TargetStatus(**_base(spec, as_of, rs, ind), **fields, light=rule.light, label=rule.label, rule=rule.id,
                        flags=sorted(flags), reason=reason)


def _period_label(p: tuple[dt.date, float, ObservationPoint | None]) -> str:
    d, _, o = p
    if o is not None:
        return o.label if o.is_annual else d.isoformat()
    return f"{d.year}年"


def _target_value(spec: TargetSpec, ind: Indicator, baseline: float | None, baseline_year: int | None,
                  rs: RuleSet) -> tuple[float | None, str, str | None, str | None]:
    """(target value in the catalogue unit, path shape, why there is none, and the flag
    for that: ``unit_mismatch`` or ``no_target_value``)."""
    unit = ind.unit
    if spec.value is None:
        return None, "linear", "目标没有给出数值", "no_target_value"
    if spec.kind == "number":
        try:
            t = convert(float(spec.value), spec.unit or unit, unit)
        except InputError:
            return None, rs.path.number, f"目标单位“{spec.unit}”无法换算为指标单位“{unit}”", "unit_mismatch"
        return t, rs.path.number, None, None
    if baseline is None:
        return None, rs.path.multiple if spec.kind == "multiple" else rs.path.growth, \
            f"{'倍数' if spec.kind == 'multiple' else '增长率'}目标需要基期值", "no_target_value"
    if baseline <= 0 and not (spec.kind == "growth" and (spec.basis == "points" or spec.unit in ("个百分点", "百分点"))):
        return None, rs.path.multiple if spec.kind == "multiple" else rs.path.growth, \
            f"基期值为{fmt(baseline)}{unit}，不为正，倍数或增长率目标无法换算为目标值", "no_target_value"
    if spec.kind == "multiple":
        return float(spec.value) * baseline, rs.path.multiple, None, None
    # growth
    basis = spec.basis or ("points" if spec.unit in ("个百分点", "百分点") else "annual")
    g = float(spec.value)
    direction = _direction(spec, ind)
    if basis == "points":
        if parse_unit(unit).unit_class != "percent":
            return None, rs.path.points, f"百分点目标只适用于以%计的指标，本指标单位为“{unit}”", "unit_mismatch"
        delta = -abs(g) if direction == "le" else g
        return baseline + delta, rs.path.points, None, None
    if spec.unit and spec.unit not in ("%", "％"):
        return None, rs.path.growth, f"增长率目标的单位应为%，文件写作“{spec.unit}”", "unit_mismatch"
    rate = (-abs(g) if direction == "le" else g) / 100
    if basis == "cumulative":
        return baseline * (1 + rate), rs.path.growth, None, None
    if baseline_year is None:
        return None, rs.path.growth, "年均增长率目标需要基期年份", "no_target_value"
    return baseline * (1 + rate) ** (spec.year - baseline_year), rs.path.growth, None, None  # type: ignore[operator]


def _reason(spec: TargetSpec, ind: Indicator, flags: set[str], f: dict, fc: Forecast | None, notes: list[str], *,
            baseline_year: int | None, due_year: int, lag: int, why_no_target: str | None, direction: str) -> str:
    u = ind.unit
    parts: list[str] = []
    A, T, B = f.get("latest_value"), f.get("target_value"), f.get("baseline_value")
    period = f.get("latest_period")
    if "accumulated" in flags:
        period = f"{baseline_year + 1}年至{period}累计" if period else None  # type: ignore[operator]
    if "no_baseline" in flags and baseline_year is None:
        parts.append("未给出基期年份（也没有规划起始年份），无法计算序时进度")
    elif "no_baseline" in flags:
        parts.append(f"缺少{baseline_year}年（基期）实际值，不以其他年份代替")
    if why_no_target and T is None and "no_baseline" not in flags:
        parts.append(why_no_target)
    if "awaiting_release" in flags:
        nxt = (baseline_year or due_year) + 1
        rel = release_date(nxt, lag)
        parts.append(f"基期之后的数据尚未到常规发布时间（{nxt}年数据通常于{rel.year}年{rel.month}月前后发布），暂不判断")
    elif "no_data" in flags:
        parts.append("基期之后没有实际值" + (f"（按常规发布时间，{due_year}年数据应已发布，请录入）" if baseline_year else ""))
    if A is not None and T is not None and "met" in flags:
        parts.append(f"{period}实际值{fmt(A)}{u}，已达到{spec.year}年目标{fmt(T)}{u}")
    elif "final" in flags and A is not None and T is not None:
        gap = T - A if direction != "le" else A - T
        parts.append(f"目标年{period}实际值{fmt(A)}{u}，未达到目标{fmt(T)}{u}（差{fmt(gap)}{u}）")
    elif f.get("schedule_gap") is not None:
        gap = f["schedule_gap"]
        word = "高于" if gap > 0.05 else ("低于" if gap < -0.05 else "达到")
        parts.append(
            f"{period}实际值{fmt(f['latest_value'])}{u}，{word}序时进度：按路径应达{fmt(f['expected_at_latest'])}{u}"
            f"（完成进度{pct(f['progress_raw'])}，时间进度{pct(f['time_elapsed'])}，"
            f"{'领先' if gap >= 0 else '落后'}{fmt(abs(round(gap, 1)))}个百分点）")
    elif A is not None:
        parts.append(f"{period}实际值{fmt(A)}{u}")
    if "accumulated" in flags and T is not None:
        parts.append(f"{baseline_year + 1}—{spec.year}年累计目标{fmt(T)}{u}")  # type: ignore[operator]
    elif B is not None and T is not None:
        kind_word = {"multiple": f"（{fmt(spec.value)}倍）", "growth": f"（{'年均' if (spec.basis or 'annual') == 'annual' else ''}"
                     f"{'增长' if direction != 'le' else '下降'}{fmt(abs(spec.value or 0))}{spec.unit or '%'}）"}.get(spec.kind, "")
        parts.append(f"基期{baseline_year}年{fmt(B)}{u}，{spec.year}年目标{fmt(T)}{u}{kind_word}")
    elif T is not None and "met" not in flags:
        parts.append(f"{spec.year}年目标{fmt(T)}{u}")
    if "met_at_baseline" in flags and "met" not in flags:
        parts.append("基期值已达到目标，但最新值回落到目标以下")
    if "data_overdue" in flags and "no_data" not in flags:
        parts.append(f"按常规发布时间，{due_year}年数据应已发布但尚未录入，判断基于较早的数据")
    if fc is not None and "final" not in flags:
        if fc.value is None:
            parts.append(fc.note)
        elif fc.probability is None and fc.lower is None:
            parts.append(f"按两点外推{fc.year}年约{fmt(fc.value)}{u}，数据太少，不确定性很大，不估计达标概率")
        else:
            p = f"，达标概率约{round(fc.probability * 100)}%" if fc.probability is not None else ""
            parts.append(f"按趋势预测{fc.year}年约{fmt(fc.value)}{u}（{round(fc.level * 100)}%预测区间"
                         f"{fmt(fc.lower)}—{fmt(fc.upper)}{u}）{p}")
    parts.extend(notes)
    return "；".join(parts) + "。"


# --------------------------------------------------------------------------- trend / relative


def _annual_values(ind: Indicator, observations: Sequence[ObservationPoint], as_of: dt.date) -> list[tuple[int, float]]:
    s = prepare_series(observations, unit=ind.unit, as_of=as_of, stock=False)
    return [(y, v) for y, (v, _) in sorted(s.annual.items())]


def _outcome_status(spec: TargetSpec, ind: Indicator, as_of: dt.date, rs: RuleSet, outcome: Outcome, rid: str,
                    flags: set[str], reason: str, **fields) -> TargetStatus:
    return TargetStatus(**_base(spec, as_of, rs, ind), **fields, light=outcome.light, label=outcome.label, rule=rid,
                        flags=sorted(flags), reason=reason)


def _trend(spec: TargetSpec, ind: Indicator, observations: Sequence[ObservationPoint], *, as_of: dt.date,
           rs: RuleSet) -> TargetStatus:
    """A direction only (持续上升): the change between the last two annual points."""
    pts = _annual_values(ind, observations, as_of)
    direction = _direction(spec, ind)
    want = "上升" if direction != "le" else "下降"
    if len(pts) < 2:
        have = f"仅有{pts[0][0]}年一期数据" if pts else "没有数据"
        return _unjudgeable_status(spec, as_of, rs, ind, {"no_data", "few_points"}, {},
                                   reason=f"趋势目标（要求{spec.note or want}）需要至少两期数据，目前{have}")
    (y0, v0), (y1, v1) = pts[-2], pts[-1]
    change = (v1 - v0) / abs(v0) * 100 if v0 != 0 else (math.inf if v1 > v0 else -math.inf if v1 < v0 else 0.0)
    t = rs.targets.trend
    if abs(change) <= t.flat_tolerance_pct or v1 == v0:
        key, outcome = "flat", t.flat
    elif (change > 0) == (direction != "le"):
        key, outcome = "rising", t.rising
    else:
        key, outcome = "falling", t.falling
    verb = "上升" if v1 > v0 else ("下降" if v1 < v0 else "持平")
    delta = f"{fmt(abs(v1 - v0))}个百分点" if parse_unit(ind.unit).unit_class == "percent" else \
        (f"{fmt(abs(change))}%" if math.isfinite(change) else "")
    reason = f"{y0}年{fmt(v0)}{ind.unit} → {y1}年{fmt(v1)}{ind.unit}，{verb}{delta}；要求{spec.note or want}"
    if spec.note and "大幅" in spec.note:
        reason += "（“大幅”未量化，只判断方向）"
    return _outcome_status(spec, ind, as_of, rs, outcome, f"trend_{key}", set(), reason + "。",
                           latest_value=v1, latest_period=f"{y1}年")


def _relative(spec: TargetSpec, ind: Indicator, observations: Sequence[ObservationPoint],
              reference: Sequence[ObservationPoint] | None, reference_name: str | None, *, as_of: dt.date,
              rs: RuleSet) -> TargetStatus:
    """Compared with a reference region (高于全省平均水平): the level in the latest
    common year, or — when the phrase speaks of a change (增速, 提升幅度) — the change
    from the baseline year (or the previous common year) to the latest common year."""
    from innodrive.indicators.linking import CHANGE_SUFFIX, analyse

    note = spec.note or "高于参照水平"
    national = "全国" in note
    if national and not (reference_name and ("全国" in reference_name or "中国" in reference_name)):
        have = f"现有参照数据为{reference_name}" if reference_name and reference else "没有全国数据"
        return _unjudgeable_status(spec, as_of, rs, ind, {"no_data"}, {},
                                   reason=f"相对目标（{note}）需要全国的同一指标数据作参照，{have}，无法判断")
    ref_label = reference_name or "参照地区"
    if not reference:
        return _unjudgeable_status(spec, as_of, rs, ind, {"no_data"}, {},
                                   reason=f"相对目标（{note}）需要参照地区的同一指标数据，目前没有，无法判断")
    own = dict(_annual_values(ind, observations, as_of))
    ref = dict(_annual_values(ind, reference, as_of))
    common = sorted(set(own) & set(ref))
    direction = _direction(spec, ind)
    _, qualifiers = analyse(spec.indicator)
    is_change = any(CHANGE_SUFFIX.fullmatch(q) for q in qualifiers)
    percent = parse_unit(ind.unit).unit_class == "percent"
    if not common or (is_change and len(common) < 2):
        return _unjudgeable_status(spec, as_of, rs, ind, {"no_data"}, {},
                                   reason=f"相对目标（{note}）需要本地区与参照地区同一年份的数据"
                                          f"{'（比较变化需至少两个共同年份）' if is_change else ''}，目前没有")
    y1 = common[-1]
    if is_change:
        base_year = spec.baseline_year or (spec.start_year - 1 if spec.start_year else None)
        y0 = base_year if base_year in common and base_year < y1 else common[-2]

        def change(d: dict[int, float]) -> float | None:
            if percent:
                return d[y1] - d[y0]
            return (d[y1] / d[y0] - 1) * 100 if d[y0] > 0 else None

        a, b = change(own), change(ref)
        what = f"{y0}—{y1}年{'提高' if percent else '增长'}"
        unit_word = "个百分点" if percent else "%"
    else:
        a, b = own[y1], ref[y1]
        what, unit_word = f"{y1}年", ind.unit
    if a is None or b is None:
        return _unjudgeable_status(spec, as_of, rs, ind, {"no_data"}, {}, reason="基期值不为正，无法计算增长率")
    r = rs.targets.relative
    if abs(a - b) <= 1e-9 * max(1.0, abs(b)):
        key, outcome = "equal", r.equal
    elif (a > b) == (direction != "le"):
        key, outcome = "better", r.better
    else:
        key, outcome = "worse", r.worse
    reason = f"{what}本地区{fmt(a)}{unit_word}，{ref_label}{fmt(b)}{unit_word}；要求{note}"
    if "大幅" in note:
        reason += "（“大幅”未量化，只比较高低）"
    return _outcome_status(spec, ind, as_of, rs, outcome, f"relative_{key}", set(), reason + "。",
                           latest_value=own[y1], latest_period=f"{y1}年")


# --------------------------------------------------------------------------- milestone


def _milestone(spec: TargetSpec, *, as_of: dt.date, rs: RuleSet) -> TargetStatus:
    """A thing to achieve (建成…): judged only from a reported fact and the calendar."""
    m = rs.targets.milestone
    flags: set[str] = set()
    what = f"“{spec.indicator}”{spec.note or '实现'}"
    deadline = year_end(spec.year) if spec.year else None
    if deadline and as_of > deadline:
        flags.add("deadline_passed")
    if spec.achieved_on is not None and spec.achieved_on <= as_of:
        flags.add("met")
        late = deadline is not None and spec.achieved_on > deadline
        ev = f"（依据：{spec.achieved_evidence}）" if spec.achieved_evidence else ""
        reason = f"{what}已于{spec.achieved_on.isoformat()}报告实现{ev}" + ("，晚于期限" if late else "")
        key, outcome = "achieved", m.achieved
    elif deadline is None:
        key, outcome, reason = "pending", m.pending, f"{what}尚无完成报告，且未设定期限"
    elif as_of > deadline:
        key, outcome, reason = "overdue", m.overdue, f"{what}期限为{spec.year}年底，至{as_of.isoformat()}尚无完成报告"
    elif (deadline - as_of).days <= m.approaching_days:
        key, outcome = "approaching", m.approaching
        reason = f"{what}期限为{spec.year}年底（还有{(deadline - as_of).days}天），尚无完成报告"
    else:
        key, outcome = "pending", m.pending
        reason = f"{what}期限为{spec.year}年底，尚无完成报告；里程碑目标只依据报告的事实判断，不推测进度"
    return TargetStatus(**_base(spec, as_of, rs, None), light=outcome.light, label=outcome.label,
                        rule=f"milestone_{key}", flags=sorted(flags), reason=f"{reason}。")
