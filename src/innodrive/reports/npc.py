"""The 专项工作报告 draft for the 人大常委会, from a sealed ``npc`` snapshot.

The report is drafted only from a snapshot the office froze for the 人大 (its number
and SHA-256 are printed in the first paragraph), never from live data: what the 人大
reads is what was handed over, and the same snapshot always gives the same document.
Wording comes from the editable template ``npc_report``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from innodrive.publication.state import LIGHT_NAMES, LIGHTS, PlanState
from innodrive.reports import Column, OfficialDocument, Table, chart_figure, load_template, render_document
from innodrive.reports.charts import BarChart, Series
from innodrive.reports.tongbao import LIGHT_COLORS, target_sheet
from innodrive.reports.xlsx import Sheet, SheetColumn, Workbook


class NpcFiles(BaseModel):
    document: OfficialDocument
    appendix: Workbook
    name: str


def _value(v: float | None, unit: str | None) -> str:
    from innodrive.reports.text import number

    return "—" if v is None else f"{number(v)}{unit or ''}"


def build(state: PlanState, *, snapshot_id: int, sha256: str, published_on: dt.date,
          issued_on: dt.date | None = None, template_path: str | None = None) -> NpcFiles:
    """The report for the plan state frozen in snapshot ``snapshot_id`` (``issued_on``
    defaults to the day it was frozen)."""
    city = state.region_name or "全市"
    template = load_template("npc_report", path=template_path, city=state.region_name)
    day = issued_on or published_on
    n = len(state.targets)
    # in the order of the lights, whatever order the stored snapshot keeps its keys in
    order = [k for k in LIGHTS if k in state.target_totals] + sorted(set(state.target_totals) - set(LIGHTS))
    lights = [{"light": k, "name": LIGHT_NAMES.get(k, k), "count": state.target_totals[k],
               "share": state.target_totals[k] / n if n else 0.0} for k in order]
    red = [t for t in state.targets if t.light == "red"]
    yellow = [t for t in state.targets if t.light == "yellow"]
    tables = {
        "lights": Table(caption="表1 目标灯色分布", columns=(
            Column(header="灯色"), Column(header="目标数（项）", align="right"), Column(header="占比", align="right")),
            rows=tuple((x["name"], x["count"], f"{x['share'] * 100:.1f}%") for x in lights)),
        "lagging": Table(caption="表2 滞后于序时进度的目标", columns=(
            Column(header="灯色", weight=0.6), Column(header="目标", weight=1.6, align="left"),
            Column(header="目标值", weight=1.3, align="left"), Column(header="最新实际值", weight=1.2),
            Column(header="原因", weight=3.6, align="left")),
            rows=tuple((LIGHT_NAMES.get(t.light, t.light), t.indicator, t.goal,
                        _value(t.latest_value, t.unit) + (f"（{t.latest_period}）" if t.latest_period else ""), t.reason)
                       for t in [*red, *yellow])),
        "units": Table(caption="表3 重点任务推进情况（按牵头单位）", columns=(
            Column(header="牵头单位", weight=2, align="left"), Column(header="任务数", align="right"),
            Column(header="已完成", align="right"), Column(header="逾期未完成", align="right")),
            rows=tuple((u.unit, u.total, u.completed, u.overdue) for u in state.tasks_by_unit)
            + (("合计", state.tasks_total, state.tasks_completed, state.tasks_overdue),)),
    }
    charts = {"lights": chart_figure(BarChart(
        title="目标灯色分布", categories=tuple(x["name"] for x in lights),
        series=(Series(name="目标数", values=tuple(float(x["count"]) for x in lights)),), unit="项", decimals=0,
        category_colors=tuple(LIGHT_COLORS.get(x["light"], "#595959") for x in lights), width_mm=140))}
    sup = None
    if state.supervision:
        s = state.supervision
        rect = s.get("rectifications", {})
        sup = {"raised": s["raised"], "closed": s["closed"], "open": s["open"], "overdue": s["overdue"],
               "escalated": s["escalated"], "interviews": s["interviews"], "campaigns": s["campaigns"],
               "rectifications_open": rect.get("open", 0) + rect.get("reported", 0),
               "rectifications_closed": rect.get("closed", 0)}
    context = {
        "city": city, "as_of": state.as_of, "issued_on": day, "hash_name": "SHA-256", "plans": state.plans, "targets_total": n,
        "lights": lights, "red": [t.model_dump() for t in red], "yellow": [t.model_dump() for t in yellow],
        "tasks_total": state.tasks_total, "tasks_completed": state.tasks_completed,
        "tasks_overdue": state.tasks_overdue, "units": [u.model_dump() for u in state.tasks_by_unit],
        "supervision": sup, "evaluation": [e.model_dump() for e in state.evaluation],
        "snapshot": {"id": snapshot_id, "sha256": sha256, "published_on": published_on},
    }
    notes = ["草稿，供审议前修改"] + list(state.notes)
    document = render_document(template, context, tables=tables, charts=charts, data_note="；".join(notes),
                               subject=f"{city}创新驱动发展规划实施情况的报告", keywords=("专项工作报告", sha256[:16]))
    return NpcFiles(document=document, appendix=appendix(state, day), name=f"{city}专项工作报告（草稿）")


def appendix(state: PlanState, day: dt.date) -> Workbook:
    targets = target_sheet("目标", f"{state.region_name or ''}目标推进情况（截至 {state.as_of.isoformat()}）",
                           state.targets)
    overdue = Sheet(name="逾期任务", columns=(
        SheetColumn(header="牵头单位", width=16), SheetColumn(header="任务", width=40), SheetColumn(header="计划", width=30),
        SheetColumn(header="期限", width=12), SheetColumn(header="逾期天数", width=10), SheetColumn(header="原因", width=50)),
        rows=tuple((o.unit, o.title, o.plan, o.deadline.isoformat() if o.deadline else None, o.days_overdue, o.reason)
                   for o in state.overdue_tasks))
    return Workbook(title=f"{state.region_name or ''}规划实施情况明细", date=day, sheets=(targets, overdue))


__all__ = ["NpcFiles", "appendix", "build"]
