"""The 督查通报 as Word, PDF and an XLSX appendix, from a :class:`~innodrive.supervision.bulletin.Bulletin`.

The writer lays out what the service computed: the lights table and chart, the red and
yellow targets with their reasons, overdue tasks by lead unit (table and chart), the
督办 line, the changes since the previous 通报. Wording, 文号, issuer and date come from
the editable template ``duban_tongbao``; every number comes from the bulletin.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from innodrive.reports import Column, OfficialDocument, Table, chart_figure, load_template, render_document
from innodrive.reports.charts import BarChart, Series
from innodrive.reports.xlsx import Sheet, SheetColumn, Workbook
from innodrive.supervision.bulletin import Bulletin, period_label

LIGHT_COLORS = {"green": "#1E8E3E", "yellow": "#E3A008", "red": "#D93025", "grey": "#9AA0A6", "blue": "#1A73E8"}
DIRECTION_NAMES = {"better": "好转", "worse": "变差", "changed": "变化", "new": "新增", "gone": "不再监测"}
LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯", "blue": "蓝灯"}


class TongbaoFiles(BaseModel):
    document: OfficialDocument
    appendix: Workbook
    name: str


def city_short(name: str | None) -> str:
    """乐山市 → 乐山; 峨眉山市 → 峨眉山; 凉山彝族自治州 → 凉山 (the short name in a 文号)."""
    if not name:
        return ""
    for suffix in ("彝族自治州", "藏族自治州", "藏族羌族自治州", "自治州", "自治县", "市", "县", "区", "州"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _value(v: float | None, unit: str | None) -> str:
    from innodrive.reports.text import number

    return "—" if v is None else f"{number(v)}{unit or ''}"


def _target_rows(lines) -> tuple[tuple, ...]:
    return tuple((i + 1, t.indicator, t.goal, _value(t.latest_value, t.unit) + (f"（{t.latest_period}）"
                                                                             if t.latest_period else ""),
                  _value(t.expected_value, t.unit), t.reason) for i, t in enumerate(lines))


TARGET_COLUMNS = (Column(header="序号", weight=0.5), Column(header="目标", weight=1.6, align="left"),
                  Column(header="目标值", weight=1.3, align="left"), Column(header="最新实际值", weight=1.3),
                  Column(header="按序时应达", weight=1.0), Column(header="原因", weight=3.6, align="left"))


def build(b: Bulletin, *, reference: str | None = None, issued_on: dt.date | None = None,
          template_path: str | None = None, city: str | None = None) -> TongbaoFiles:
    """The 通报's document and appendix. ``reference`` is its 文号 (drafts leave the number
    blank); ``issued_on`` its 成文日期 (default: the last day of the period, so the same
    data gives the same document)."""
    template = load_template("duban_tongbao", path=template_path, city=city or b.region_name)
    day = issued_on or b.as_of
    lights = Table(caption="表1 目标灯色分布", columns=(
        Column(header="灯色", weight=1), Column(header="目标数（项）", weight=1, align="right"),
        Column(header="占比", weight=1, align="right")),
        rows=tuple((x.name, x.count, f"{x.share * 100:.1f}%") for x in b.lights) + (("合计", b.targets_total,
                                                                                       "100.0%" if b.targets_total
                                                                                       else "—"),))
    tables = {"lights": lights,
              "red": Table(caption="表2 红灯目标", columns=TARGET_COLUMNS, rows=_target_rows(b.red)),
              "yellow": Table(caption="表3 黄灯目标", columns=TARGET_COLUMNS, rows=_target_rows(b.yellow)),
              "overdue_units": Table(caption="表4 逾期任务（按牵头单位）", columns=(
                  Column(header="牵头单位", weight=2, align="left"), Column(header="任务数", weight=1, align="right"),
                  Column(header="逾期未完成", weight=1, align="right"),
                  Column(header="最长逾期（天）", weight=1, align="right")),
                  rows=tuple((g.unit, g.tasks_total, g.overdue, max((t.days_overdue or 0) for t in g.tasks))
                             for g in b.overdue_by_unit))}
    charts = {"lights": chart_figure(BarChart(
        title=f"{b.period_label}目标灯色分布", categories=tuple(x.name for x in b.lights),
        series=(Series(name="目标数", values=tuple(float(x.count) for x in b.lights)),), unit="项", decimals=0,
        category_colors=tuple(LIGHT_COLORS.get(x.light, "#595959") for x in b.lights), width_mm=140))}
    if b.overdue_by_unit:
        charts["overdue"] = chart_figure(BarChart(
            title="逾期未完成任务数（按牵头单位）", categories=tuple(g.unit for g in b.overdue_by_unit),
            series=(Series(name="逾期任务", values=tuple(float(g.overdue) for g in b.overdue_by_unit)),), unit="项",
            decimals=0, width_mm=150))
    progress = None
    if b.progress is not None:
        p = b.progress
        tables["changes"] = Table(caption="表5 灯色变化的目标", columns=(
            Column(header="目标", weight=2.5, align="left"), Column(header="上期", weight=1),
            Column(header="本期", weight=1), Column(header="变化", weight=1)),
            rows=tuple((c.indicator, LIGHT_NAMES.get(c.before or "", "—"), LIGHT_NAMES.get(c.after or "", "—"),
                        DIRECTION_NAMES.get(c.direction, c.direction)) for c in p.changes))
        progress = {**p.model_dump(), "recomputed": p.basis == "recomputed",
                    "previous_period_label": period_label(p.previous_period)}
    context = {
        "city": b.region_name or "", "city_short": city_short(b.region_name), "period": b.period,
        "period_label": b.period_label, "as_of": b.as_of, "doc_year": day.year, "reference": reference,
        "issued_on": day, "issued": reference is not None, "rule_set": b.rule_set or "默认",
        "targets_total": b.targets_total, "lights": [x.model_dump() for x in b.lights],
        "red": [x.model_dump() for x in b.red], "yellow": [x.model_dump() for x in b.yellow],
        "tasks_total": b.tasks_total, "tasks_completed": b.tasks_completed, "tasks_overdue": b.tasks_overdue,
        "overdue_by_unit": [g.model_dump() for g in b.overdue_by_unit],
        "supervision": b.supervision.model_dump() if b.supervision else None, "progress": progress,
        "data_notes": b.data_notes,
    }
    note = "；".join(b.data_notes) or None
    if reference is None:
        note = "征求意见稿，未编号、未印发" + (f"；{note}" if note else "")
    document = render_document(template, context, tables=tables, charts=charts, data_note=note,
                               subject=f"{b.period_label}督查通报", keywords=("督查通报", b.period))
    return TongbaoFiles(document=document, appendix=appendix(b, reference=reference, day=day),
                        name=f"{b.region_name or ''}{b.period_label}督查通报")


def target_sheet(name: str, title: str | None, lines, *, notes: tuple[str, ...] = ()) -> Sheet:
    """Targets with every number behind their light (``lines``: :class:`TargetState`)."""
    return Sheet(name=name, title=title, columns=(
        SheetColumn(header="灯色", width=8), SheetColumn(header="目标", width=28), SheetColumn(header="所属计划", width=30),
        SheetColumn(header="地区", width=10), SheetColumn(header="目标值", width=18),
        SheetColumn(header="最新实际值", width=12, number_format="0.00"), SheetColumn(header="时期", width=10),
        SheetColumn(header="按序时应达", width=12, number_format="0.00"), SheetColumn(header="单位", width=8),
        SheetColumn(header="判定", width=16), SheetColumn(header="原因", width=60)),
        rows=tuple((LIGHT_NAMES.get(t.light, t.light), t.indicator, t.plan, t.region_name, t.goal, t.latest_value,
                    t.latest_period, t.expected_value, t.unit, t.label, t.reason) for t in lines), notes=notes)


def appendix(b: Bulletin, *, reference: str | None, day: dt.date) -> Workbook:
    """Every number behind the 通报: all targets with lights, overdue tasks, changes."""
    title = f"{b.region_name or ''}{b.period_label}督查通报附件" + (f"（{reference}）" if reference else "（征求意见稿）")
    targets = target_sheet("红灯黄灯目标", title, [*b.red, *b.yellow], notes=tuple(b.data_notes))
    tasks = Sheet(name="逾期任务", columns=(
        SheetColumn(header="牵头单位", width=16), SheetColumn(header="任务", width=40),
        SheetColumn(header="所属计划", width=30), SheetColumn(header="期限", width=12),
        SheetColumn(header="逾期天数", width=10)),
        rows=tuple((g.unit, t.title, t.plan, t.deadline.isoformat() if t.deadline else None, t.days_overdue)
                   for g in b.overdue_by_unit for t in g.tasks))
    sheets = [targets, tasks]
    if b.progress is not None:
        sheets.append(Sheet(name="灯色变化", columns=(
            SheetColumn(header="目标", width=30), SheetColumn(header="上期", width=8),
            SheetColumn(header="本期", width=8), SheetColumn(header="变化", width=10)),
            rows=tuple((c.indicator, LIGHT_NAMES.get(c.before or ""), LIGHT_NAMES.get(c.after or ""),
                        DIRECTION_NAMES.get(c.direction, c.direction)) for c in b.progress.changes)))
    return Workbook(title=title, date=day, sheets=tuple(sheets))


__all__ = ["TongbaoFiles", "appendix", "build", "city_short"]
