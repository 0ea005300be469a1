"""The 第三方评估 report draft as Word, PDF and an XLSX appendix, from a sample view.

The document states how the sample was drawn (design, seed, frame hash — enough to
draw it again), what the verdicts were, and the discrepancy rate by unit with its
confidence interval (table and chart). Wording comes from the editable template
``evaluation_report``; every number from :class:`innodrive.services.evaluation.SampleView`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from innodrive.reports import Column, OfficialDocument, Table, chart_figure, load_template, render_document
from innodrive.reports.charts import BarChart, Series
from innodrive.reports.xlsx import Sheet, SheetColumn, Workbook


class EvaluationFiles(BaseModel):
    document: OfficialDocument
    appendix: Workbook
    name: str


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def build(sample, *, city: str, evaluator: str, issued_on: dt.date | None = None,
          template_path: str | None = None) -> EvaluationFiles:
    """``sample`` is a :class:`~innodrive.services.evaluation.SampleView`; ``evaluator`` the
    evaluating body's name as it signs; ``issued_on`` the date (default: the day the sample
    was drawn, so the same data gives the same document)."""
    template = load_template("evaluation_report", path=template_path, city=city)
    day = issued_on or sample.created_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    r = sample.rates
    level = f"{sample.level * 100:.0f}%"
    units = Table(caption="表2 分单位核查结果", columns=(
        Column(header="单位", weight=2, align="left"), Column(header="抽取", weight=0.8, align="right"),
        Column(header="已核查", weight=0.8, align="right"), Column(header="核实", weight=0.8, align="right"),
        Column(header="不符", weight=0.8, align="right"), Column(header="存疑", weight=0.8, align="right"),
        Column(header="不符率", weight=1, align="right"), Column(header=f"{level}置信区间", weight=1.6)),
        rows=tuple((u.group, u.sampled, u.judged, u.verified, u.discrepant, u.doubtful, _pct(u.rate),
                    "—" if u.lower is None else f"{_pct(u.lower)}–{_pct(u.upper)}") for u in r.by_unit)
        + (("合计", r.overall.sampled, r.overall.judged, r.overall.verified, r.overall.discrepant,
            r.overall.doubtful, _pct(r.overall.rate),
            "—" if r.overall.lower is None else f"{_pct(r.overall.lower)}–{_pct(r.overall.upper)}"),),
        notes=(f"注：置信区间为{sample.method_name}；不符率 = 不符 ÷ 已核查。",))
    strata = Table(caption="表1 分层抽样情况", columns=(
        Column(header="层", weight=3, align="left"), Column(header="抽样框（份）", weight=1, align="right"),
        Column(header="样本（份）", weight=1, align="right")),
        rows=tuple((s.stratum, s.population, s.sample) for s in sample.strata))
    findings = [s for s in sample.items if s.verdict is not None and s.verdict.verdict != "verified"]
    tables = {"units": units, "strata": strata,
              "findings": Table(caption="表3 不符和存疑事项", columns=(
                  Column(header="序号", weight=0.5), Column(header="单位", weight=1.2, align="left"),
                  Column(header="任务", weight=2, align="left"), Column(header="报送截至", weight=1),
                  Column(header="结论", weight=0.6), Column(header="核查发现", weight=3, align="left")),
                  rows=tuple((s.ordinal, s.unit, s.task_title, s.as_of.isoformat(), s.verdict.verdict_name,
                              s.verdict.note) for s in findings))}
    charts = {"units": chart_figure(BarChart(
        title="分单位不符率（%）", categories=tuple(u.group for u in r.by_unit),
        series=(Series(name="不符率", values=tuple(None if u.rate is None else u.rate * 100 for u in r.by_unit)),),
        unit="%", decimals=1, width_mm=150))}
    from innodrive.plans.models import REVIEW_STATE_NAMES

    period = "至".join(d.isoformat() for d in (sample.period_from, sample.period_to) if d) or "全部时期"
    states = "、".join(REVIEW_STATE_NAMES.get(s, s) for s in sample.review_states)
    scope_text = f"{period}、审核状态为“{states}”"
    context = {
        "city": city, "evaluator": evaluator, "issued_on": day, "hash_name": "SHA-256",
        "scope_text": scope_text,
        "sample": {**sample.model_dump(include={"name", "seed", "frame_size", "frame_sha256", "generator",
                                                "design_text", "method_name", "level", "period_from", "period_to"})},
        "sampled": r.overall.sampled, "judged": r.overall.judged, "pending": r.pending,
        "verified": r.overall.verified, "discrepant": r.overall.discrepant, "doubtful": r.overall.doubtful,
        "rate": r.overall.rate, "lower": r.overall.lower, "upper": r.overall.upper,
        "rate_with_doubtful": r.overall.rate_with_doubtful, "weighted_rate": r.weighted_rate,
        "units": [u.model_dump() for u in r.by_unit],
        "findings": [{"unit": s.unit, "task": s.task_title, "verdict": s.verdict.verdict_name, "note": s.verdict.note}
                     for s in findings],
    }
    note = "初稿，供委托方审阅" + ("；尚有样本未核查" if r.pending else "")
    document = render_document(template, context, tables=tables, charts=charts, data_note=note,
                               subject=f"第三方评估报告：{sample.name}", keywords=("第三方评估", sample.seed))
    return EvaluationFiles(document=document, appendix=appendix(sample, day), name=f"第三方评估报告_{sample.name}")


def appendix(sample, day: dt.date) -> Workbook:
    rows = tuple((s.ordinal, s.report_id, s.unit, s.stratum, s.weight, s.task_title, s.plan_title, s.as_of.isoformat(),
                  s.status_name, s.percent, s.narrative, "；".join(f"{e.file_name}（{e.sha256}）" for e in s.evidence),
                  s.verdict.verdict_name if s.verdict else None, s.verdict.note if s.verdict else None,
                  s.verdict.by if s.verdict else None) for s in sample.items)
    items = Sheet(name="抽样明细", title=f"第三方评估抽样明细：{sample.name}（种子 {sample.seed}）", columns=(
        SheetColumn(header="序号", width=6), SheetColumn(header="报送编号", width=9), SheetColumn(header="单位", width=14),
        SheetColumn(header="层", width=16), SheetColumn(header="权重", width=8, number_format="0.00"),
        SheetColumn(header="任务", width=36), SheetColumn(header="计划", width=28), SheetColumn(header="截至", width=11),
        SheetColumn(header="状态", width=8), SheetColumn(header="完成%", width=8), SheetColumn(header="进展情况", width=50),
        SheetColumn(header="佐证材料（SHA-256）", width=50), SheetColumn(header="结论", width=8),
        SheetColumn(header="核查发现", width=40), SheetColumn(header="核查人", width=12)), rows=rows,
        notes=(f"抽样框 {sample.frame_size} 份，SHA-256 {sample.frame_sha256}；{sample.design_text}；"
               f"随机数发生器 {sample.generator}",))
    r = sample.rates
    units = Sheet(name="分单位", columns=(
        SheetColumn(header="单位", width=16), SheetColumn(header="抽取", width=8), SheetColumn(header="已核查", width=8),
        SheetColumn(header="核实", width=8), SheetColumn(header="不符", width=8), SheetColumn(header="存疑", width=8),
        SheetColumn(header="不符率", width=10, number_format="0.0000"),
        SheetColumn(header="区间下限", width=10, number_format="0.0000"),
        SheetColumn(header="区间上限", width=10, number_format="0.0000"),
        SheetColumn(header="含存疑的不符率", width=14, number_format="0.0000")),
        rows=tuple((u.group, u.sampled, u.judged, u.verified, u.discrepant, u.doubtful, u.rate, u.lower, u.upper,
                    u.rate_with_doubtful) for u in [*r.by_unit, r.overall]),
        notes=(f"区间：{sample.method_name}，置信水平 {sample.level}",))
    return Workbook(title=f"第三方评估：{sample.name}", date=day, sheets=(items, units))


__all__ = ["EvaluationFiles", "appendix", "build"]
