"""The 考核结果通报 and its appendix, from :class:`~innodrive.services.kaohe.TongbaoData`.

A thin writer over the documents layer: it turns one scoring run (scores, ranks,
grades, 加分/扣分 with their reasons, appeals, the fund split) into the template's
context and named tables and charts, then lets :func:`innodrive.reports.render_document`
and the renderers do the rest. Every number printed comes from the run; the appendix
(XLSX) holds every number it came from — each rule's formula and source, each item's
evidence, each task counted — so the 通报 can be checked line by line.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from innodrive.kaohe.model import ITEM_KIND_NAMES, UnitResult
from innodrive.reports import Column, Table, chart_figure, load_template, render_document
from innodrive.reports.charts import BarChart, ReferenceLine, Series
from innodrive.reports.model import OfficialDocument
from innodrive.reports.xlsx import Sheet, SheetColumn, Workbook

GRADE_COLORS = {"优秀": "#2F5597", "良好": "#548235", "一般": "#BF8F00", "较差": "#C00000"}
OTHER_COLOR = "#7F7F7F"
METHOD_SHORT = {"above_floor": "得分超过基准线的部分按比例分配", "proportional": "按得分比例分配",
                "grade_coefficients": "按考核等次系数分配"}


def _adjust(u: UnitResult) -> tuple[float, float]:
    """(加分, 扣分) as printed: over-target bonus + items; deductions."""
    return u.over_bonus + u.item_bonus, u.deduction


def _short_region(name: str) -> str:
    from innodrive.regions import shorten

    return shorten(name)


def context(data, *, issued_on: dt.date, serial: str | int | None) -> dict:
    """The template's data: every number the wording may use, computed from the run."""
    result = data.result
    groups = []
    for g in result.groups:
        units = [result.unit(n) for n in g.units]
        counted = [u for u in units if not u.vetoed] or units
        counts = Counter(u.grade for u in units)
        rule_names = next((cg.grades for cg in data.cycle.groups if cg.name == g.name), "")
        order = [n for n in ("优秀", "良好", "一般", "较差") if n in counts] + [n for n in counts if n not in
                                                                          ("优秀", "良好", "一般", "较差")]
        groups.append({
            "name": g.name, "count": len(units), "types": g.types, "grade_rule": g.grade_rule,
            "mean": sum(u.total for u in counted) / len(counted),
            "best": {"unit": units[0].unit, "total": units[0].total},
            "worst": {"unit": min(counted, key=lambda u: u.total).unit, "total": min(u.total for u in counted)},
            "grade_counts": [{"grade": k, "count": counts[k]} for k in order],
            "has_veto": any(u.vetoed for u in units),
            "vetoed": [{"unit": u.unit, "reasons": u.veto_reasons, "grade": u.grade} for u in units if u.vetoed],
            "unknown_units": [u.unit for u in units if u.unknown], "rule_text": rule_names,
        })
    bonus_units = [u.unit for u in result.units if u.item_bonus > 0 or u.over_bonus > 0]
    deduction_units = [u.unit for u in result.units if u.deduction > 0]
    accepted = [a for a in data.appeals if a.state == "accepted"]
    rejected = [a for a in data.appeals if a.state == "rejected"]
    allocations = [{"name": a.name, "group": a.group, "pool": a.pool, "unit": a.unit, "rule": a.rule,
                    "rule_short": METHOD_SHORT[a.method], "allocated": a.allocated,
                    "count": sum(1 for line in a.lines if line.amount > 0)} for a in data.allocations]
    return {
        "region": data.cycle.region, "region_short": _short_region(data.cycle.region), "year": data.cycle.year,
        "scheme_name": data.cycle.name, "issued_on": issued_on.isoformat(), "doc_year": issued_on.year,
        "serial": "" if serial in (None, "") else str(serial), "units_total": len(result.units), "groups": groups,
        "grades": sorted({u.grade for u in result.units}), "adjustments": bool(bonus_units or deduction_units),
        "bonus_units": bonus_units, "deduction_units": deduction_units,
        "appeals": [a.model_dump() for a in data.appeals], "accepted": [a.model_dump() for a in accepted],
        "rejected": [a.model_dump() for a in rejected], "allocations": allocations,
        "frameworks": [{"unit_type": f.unit_type, "name": f.name, "version": f.version} for f in data.frameworks],
        "run_number": data.run.number, "run_stage": data.run.stage_name, "data_note": data.cycle.data_note,
    }


def tables(data) -> dict[str, Table]:
    """The named tables the template places: results per group, 加扣分, 申诉, 资金 per group."""
    result = data.result
    out: dict[str, Table] = {}
    for i, g in enumerate(result.groups, start=1):
        units = [result.unit(n) for n in g.units]
        rows = []
        for u in units:
            plus, minus = _adjust(u)
            rows.append((u.rank, u.unit, u.unit_type, u.total, u.grade, plus if plus else None,
                         -minus if minus else None))
        notes = [f"注：加分含超目标加分和加分事项，扣分为扣分事项；“—”表示无。满分{_num(units[0].full_marks)}分。"]
        for u in units:
            if u.vetoed:
                notes.append(f"{u.unit}：一票否决（{'、'.join(u.veto_reasons)}），总分计为零。")
            if u.unknown:
                notes.append(f"{u.unit}：{'、'.join(u.unknown)}数据缺失，该项未得分。")
        out[f"结果-{g.name}"] = Table(
            caption=f"表{i} {g.name}考核结果", columns=(
                Column(header="排名", weight=0.6), Column(header="单位", weight=2.2, align="left"),
                Column(header="类型", weight=0.9), Column(header="得分", weight=1.0, align="right", decimals=2),
                Column(header="等次", weight=0.8), Column(header="加分", weight=0.8, align="right", decimals=2),
                Column(header="扣分", weight=0.8, align="right", decimals=2)),
            rows=tuple(rows), notes=tuple(notes))
    n = len(result.groups)
    items = []
    for g in result.groups:
        for name in g.units:
            u = result.unit(name)
            for r in u.rules:
                if r.bonus > 0:
                    items.append((u.unit, "加分", f"{r.name}超目标", f"完成率 {r.ratio:.2%}" if r.ratio else "超目标",
                                  r.bonus))
            for it in u.items:
                if it.kind == "veto":
                    items.append((u.unit, "一票否决", it.name, it.title, None))
                elif it.points:
                    items.append((u.unit, ITEM_KIND_NAMES[it.kind], it.name, f"{it.title}（依据：{it.evidence}）",
                                  it.points))
    if items:
        n += 1
        out["加扣分"] = Table(caption=f"表{n} 加分和扣分事项", columns=(
            Column(header="单位", weight=1.6, align="left"), Column(header="类别", weight=0.8),
            Column(header="事项", weight=2.4, align="left"), Column(header="事由和依据", weight=3.8, align="left"),
            Column(header="分值", weight=0.8, align="right", decimals=2)), rows=tuple(items))
    if data.appeals:
        n += 1
        rows = []
        for a in data.appeals:
            change = "—"
            if a.effect:
                b, f = a.effect["before"], a.effect["after"]
                change = f"{b['total']:.2f}→{f['total']:.2f}，第{b['rank']}→{f['rank']}名"
            rows.append((a.unit, a.subject_label, a.state_name, a.decision or "—", change))
        out["申诉"] = Table(caption=f"表{n} 申诉处理情况", columns=(
            Column(header="单位", weight=1.5, align="left"), Column(header="申诉事项", weight=2.4, align="left"),
            Column(header="结果", weight=0.9), Column(header="处理意见", weight=3.0, align="left"),
            Column(header="得分和排名变化", weight=2.2)), rows=tuple(rows))
    for a in data.allocations:
        n += 1
        out[f"资金-{a.group}"] = Table(caption=f"表{n} {a.group}{a.name}分配测算", columns=(
            Column(header="排名", weight=0.6), Column(header="单位", weight=2.2, align="left"),
            Column(header="得分", weight=1.0, align="right", decimals=2), Column(header="等次", weight=0.8),
            Column(header="分配权重", weight=1.1, align="right", decimals=2),
            Column(header=f"金额（{a.unit}）", weight=1.3, align="right", decimals=a.decimals)),
            rows=tuple((line.rank, line.unit, line.total, line.grade, line.weight, line.amount) for line in a.lines),
            notes=(f"注：{a.rule}；合计{_num(a.allocated, a.decimals)}{a.unit}。",))
    return out


def _num(v: float, decimals: int | None = None) -> str:
    from innodrive.reports.text import number

    return number(v, decimals)


def charts(data) -> dict:
    """One bar chart of totals per group, coloured by grade, with the fund's floor line."""
    result = data.result
    out = {}
    for g in result.groups:
        units = [result.unit(n) for n in g.units]
        grades = list(dict.fromkeys(u.grade for u in units))
        colors = tuple(GRADE_COLORS.get(u.grade, OTHER_COLOR) for u in units)
        fund = next((a for a in data.allocations if a.group == g.name and a.method != "grade_coefficients"), None)
        ref = None
        if fund is not None and fund.floor > 0:
            ref = ReferenceLine(value=fund.floor, label=f"分配基准线 {fund.floor:g} 分")
        chart = BarChart(title=f"{g.name}考核得分", categories=tuple(u.unit for u in units),
                         series=(Series(name="得分", values=tuple(u.total for u in units)),), unit="得分（分）",
                         category_colors=colors,
                         legend=tuple((gr, GRADE_COLORS.get(gr, OTHER_COLOR)) for gr in grades), reference=ref)
        out[f"得分-{g.name}"] = chart_figure(chart, caption=f"图 {g.name}考核得分（按等次着色）")
    return out


def default_issued_on(data) -> dt.date:
    """The 成文日期 when none is given: the day of the run the 通报 reports (from the data)."""
    return data.run.created_at.date()


def tongbao(data, *, template_path: str | Path | None = None, issued_on: dt.date | None = None,
            serial: str | int | None = None) -> OfficialDocument:
    """The 考核结果通报 as an :class:`~innodrive.reports.model.OfficialDocument`."""
    issued_on = issued_on or default_issued_on(data)
    template = load_template("kaohe_tongbao", path=template_path, city=data.cycle.region)
    note = data.cycle.data_note
    if data.run.stage != "final":
        stage = f"本通报依据第 {data.run.number} 次计分（{data.run.stage_name}），考核结果尚未定档"
        note = f"{note}；{stage}" if note else stage
    return render_document(template, context(data, issued_on=issued_on, serial=serial), tables=tables(data),
                           charts=charts(data), data_note=note, subject=f"{data.cycle.name}结果通报",
                           keywords=("考核", str(data.cycle.year), data.cycle.region))


# -- the appendix ---------------------------------------------------------------------


def _sheet_about(data, title: str) -> Sheet:
    rows = [("考核", data.cycle.name), ("地区", data.cycle.region), ("年度", data.cycle.year),
            ("数据截止", data.cycle.as_of.isoformat()),
            ("计分", f"第 {data.run.number} 次（{data.run.stage_name}），{data.run.created_by}，"
                   f"{data.run.created_at.date().isoformat()}"),
            ("结果校验码（SHA-256）", data.run.sha256), ("考核方案文件", f"{data.cycle.file_name}（{data.cycle.sha256}）")]
    for f in data.frameworks:
        rows.append((f"{f.unit_type}考核框架", f"{f.name}（{f.year} 年度第 {f.revision} 版，{f.file_name}，{f.sha256}）"))
    if data.cycle.data_note:
        rows.append(("数据说明", data.cycle.data_note))
    return Sheet(name="说明", title=title, columns=(SheetColumn(header="项目", width=22), SheetColumn(header="内容", width=90)),
                 rows=tuple(rows))


def appendix(data, *, issued_on: dt.date | None = None) -> Workbook:
    """附件：考核得分明细表 — every number of the 通报 and where it came from."""
    issued_on = issued_on or default_issued_on(data)
    result = data.result
    summary, detail, items, tasks = [], [], [], []
    for g in result.groups:
        for name in g.units:
            u = result.unit(name)
            summary.append((g.name, u.rank, u.unit, u.unit_type, u.total, u.base, u.over_bonus, u.item_bonus,
                            u.deduction, "是" if u.vetoed else "否", "、".join(u.veto_reasons) or None, u.grade,
                            u.grade_reason, "、".join(u.unknown) or None,
                            "、".join(f"#{c}" for c in u.corrections) or None))
            for r in u.rules:
                detail.append((u.unit, r.name, {"completion": "完成率", "rank": "排名"}[r.method], r.points,
                               r.actual.value, r.actual.unit, r.actual.source.text,
                               r.target.value if r.target else None, r.target.source.text if r.target else None,
                               r.ratio, r.rank, r.base, r.bonus, "是" if r.unknown else "否", r.formula))
            for it in u.items:
                items.append((u.unit, ITEM_KIND_NAMES[it.kind], it.name, it.title, it.points, it.evidence, it.note))
            for t in u.tasks:
                tasks.append((u.unit, t.task_id, t.title, "牵头" if t.role == "lead" else "配合",
                              t.deadline.isoformat() if t.deadline else None,
                              t.completed_on.isoformat() if t.completed_on else None, "是" if t.due_in_year else "否",
                              "是" if t.on_time else "否", "是" if t.overdue else "否", t.excluded, t.reason))
    sheets = [
        _sheet_about(data, f"{data.cycle.year}年度创新驱动发展考核得分明细表"),
        Sheet(name="得分汇总", columns=tuple(SheetColumn(header=h, width=w, number_format=f) for h, w, f in (
            ("考核组", 14, None), ("排名", 6, "0"), ("单位", 16, None), ("类型", 8, None), ("总分", 9, "0.00"),
            ("基础得分", 9, "0.00"), ("超目标加分", 9, "0.00"), ("事项加分", 9, "0.00"), ("扣分", 8, "0.00"),
            ("一票否决", 8, None), ("否决事由", 24, None), ("等次", 8, None), ("等次依据", 40, None),
            ("数据缺失的指标", 24, None), ("采纳的申诉", 12, None))), rows=tuple(summary)),
        Sheet(name="计分明细", columns=tuple(SheetColumn(header=h, width=w, number_format=f) for h, w, f in (
            ("单位", 16, None), ("指标", 24, None), ("计分方法", 8, None), ("分值", 6, "0.##"), ("实际值", 10, "0.####"),
            ("计量单位", 8, None), ("实际值来源", 50, None), ("目标值", 10, "0.####"), ("目标值来源", 40, None),
            ("完成率", 9, "0.00%"), ("排名", 6, "0"), ("得分", 8, "0.00"), ("超目标加分", 9, "0.00"),
            ("数据缺失", 8, None), ("计算过程", 70, None))), rows=tuple(detail)),
        Sheet(name="加扣分事项", columns=tuple(SheetColumn(header=h, width=w, number_format=f) for h, w, f in (
            ("单位", 16, None), ("类别", 8, None), ("事项", 24, None), ("事由", 40, None), ("分值", 8, "0.00"),
            ("依据", 40, None), ("说明", 30, None))), rows=tuple(items)),
        Sheet(name="重点任务", columns=tuple(SheetColumn(header=h, width=w) for h, w in (
            ("单位", 16), ("任务编号", 8), ("任务", 36), ("角色", 6), ("期限", 11), ("完成日期", 11), ("本年度到期", 9),
            ("按期完成", 8), ("逾期未完成", 9), ("申诉更正", 30), ("状态说明", 60))), rows=tuple(tasks)),
    ]
    if data.appeals:
        sheets.append(Sheet(name="申诉", columns=tuple(SheetColumn(header=h, width=w) for h, w in (
            ("编号", 6), ("单位", 16), ("申诉事项", 30), ("申诉理由", 50), ("提出日期", 11), ("结果", 8),
            ("处理意见", 40), ("处理人", 12), ("得分变化", 24))), rows=tuple(
            (a.id, a.unit, a.subject_label, a.claim, a.filed_on.isoformat(), a.state_name, a.decision, a.decided_by,
             (f"{a.effect['before']['total']:.2f} → {a.effect['after']['total']:.2f}" if a.effect else None))
            for a in data.appeals)))
    sheets += allocation_sheets(data.allocations)
    fw_rows = []
    for f in data.frameworks:
        for ind in f.indicators:
            fw_rows.append((f.unit_type, ind.code, ind.name, ind.unit, ind.source_name, ind.rule))
        for it in f.items:
            fw_rows.append((f.unit_type, it.code, it.name, None, {"bonus": "加分项", "deduction": "扣分项",
                                                                  "veto": "否决项"}[it.kind],
                            f"每项 {it.points_each:g} 分，最多 {it.max:g} 分" if it.points_each is not None
                            else f"条件 {it.when}"))
    sheets.append(Sheet(name="考核框架", columns=tuple(SheetColumn(header=h, width=w) for h, w in (
        ("单位类型", 10), ("代码", 24), ("名称", 28), ("计量单位", 8), ("数据来源", 22), ("计分规则", 80))),
        rows=tuple(fw_rows)))
    return Workbook(title=f"{data.cycle.year}年度创新驱动发展考核得分明细表", date=issued_on,
                    author=data.cycle.region, sheets=tuple(sheets))


def allocation_sheets(allocations) -> list[Sheet]:
    out = []
    for a in allocations:
        out.append(Sheet(name=f"资金-{a.group}", title=f"{a.group}{a.name}分配测算（{'模拟' if a.simulated else '按方案'}）",
                         columns=tuple(SheetColumn(header=h, width=w, number_format=f) for h, w, f in (
                             ("排名", 6, "0"), ("单位", 16, None), ("得分", 9, "0.00"), ("等次", 8, None),
                             ("分配权重", 10, "0.00"), ("按比例应得", 12, "0.0000"),
                             (f"分配金额（{a.unit}）", 14, "0" if a.decimals == 0 else "0." + "0" * a.decimals),
                             ("计算过程", 80, None))),
                         rows=tuple((line.rank, line.unit, line.total, line.grade, line.weight, line.exact,
                                     line.amount, line.reason) for line in a.lines),
                         notes=(f"规则：{a.rule}", f"合计：{_num(a.allocated, a.decimals)} {a.unit}")))
    return out


def allocation_workbook(cycle, allocations, *, on: dt.date) -> Workbook:
    """The allocation simulation on its own (``innodrive kaohe allocate --out``)."""
    about = Sheet(name="说明", title=f"{cycle.name}资金分配测算", columns=(
        SheetColumn(header="项目", width=22), SheetColumn(header="内容", width=90)),
        rows=tuple(r for r in (("考核", cycle.name), ("状态", cycle.stage_name),
                               ("数据说明", cycle.data_note) if cycle.data_note else None,
                               ("说明", "本表为测算结果，不是资金下达文件")) if r is not None))
    return Workbook(title=f"{cycle.name}资金分配测算", date=on, author=cycle.region,
                    sheets=(about, *allocation_sheets(allocations)))


__all__ = ["allocation_workbook", "appendix", "charts", "context", "default_issued_on", "tables", "tongbao"]
