"""Score a year's 考核: the assessment engine per unit type, 加分/扣分 items, ranks and grades per group.

For each unit type the units' values (statistics, task measures, imported figures —
each a :class:`~innodrive.kaohe.model.Fact`) and per-unit targets go to the
assessment engine's 考核 rules (:func:`innodrive.assessment.scoring.score`:
completion with caps and over-target bonus, rank points, deductions counted per unit,
vetoes). Then the 加分 items declared in the framework are added (each item's points,
at most ``max`` per kind, at most ``bonus_cap`` together; nothing under a veto),
units are ranked within their group and graded by the scheme's rule
(:mod:`.grades`). Every point is written back to its data and rule
(:class:`~innodrive.kaohe.model.RuleLine`, :class:`~innodrive.kaohe.model.ItemLine`).
Pure: no database, no clock.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from innodrive.errors import InputError
from innodrive.kaohe import grades as G
from innodrive.kaohe.framework import TASK_METRICS, KaoheFramework, describe_rule
from innodrive.kaohe.model import (
    CycleResult,
    Fact,
    GroupResult,
    Item,
    ItemLine,
    RuleLine,
    Source,
    UnitInputs,
    UnitResult,
)
from innodrive.kaohe.scheme import GradeRule, Scheme
from innodrive.kaohe.taskmetrics import counted, metrics


def n(v: float | None) -> str:
    """A number in an explanation: integers as integers, others to four decimals at most."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.4f}".rstrip("0").rstrip(".")


def _f(v) -> float | None:
    if v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def unit_facts(fw: KaoheFramework, inputs: UnitInputs, *, cutoff) -> dict[str, Fact]:
    """The value of every indicator of ``fw`` for one unit, with its source."""
    task_facts = metrics(inputs.tasks, approved=inputs.reports_approved, returned=inputs.reports_returned,
                         policy=fw.tasks, cutoff=cutoff)
    out: dict[str, Fact] = {}
    for code in fw.engine.indicators:
        src = fw.sources.get(code, "data")
        if code in inputs.values and inputs.values[code].source.kind == "correction":
            out[code] = inputs.values[code]
        elif src in TASK_METRICS:
            out[code] = task_facts[src]
        elif code in inputs.values:
            out[code] = inputs.values[code]
        else:
            where = "统计数据中没有该单位本年度的数值" if src == "observations" else "考核填报数据中没有该单位的数值"
            out[code] = Fact(value=None, unit=fw.engine.by_code[code].unit, source=Source(kind="none", text=where))
    return out


def _target_fact(fw: KaoheFramework, code: str, inputs: UnitInputs) -> Fact:
    node = fw.engine.by_code[code]
    if code in inputs.targets:
        return inputs.targets[code]
    if fw.unit_type in node.targets_by_type:
        return Fact(value=node.targets_by_type[fw.unit_type], unit=node.unit,
                    source=Source(kind="framework", text=f"考核框架规定的{fw.unit_type}目标值"))
    if node.target is not None:
        return Fact(value=node.target, unit=node.unit, source=Source(kind="framework", text="考核框架规定的目标值"))
    return Fact(value=None, unit=node.unit, source=Source(kind="none", text="没有该单位的目标值"))


def _item_counts(fw: KaoheFramework, items: list[Item], facts: dict[str, Fact]) -> dict[str, float]:
    counts: dict[str, float] = {}
    for d in fw.deductions():
        if fw.deduction_sources.get(d["code"], "items") == "tasks.overdue_count":
            counts[d["code"]] = facts["__overdue__"].value or 0.0
        else:
            counts[d["code"]] = float(sum(1 for i in items if i.code == d["code"] and not i.withdrawn))
    for v in fw.vetoes():
        counts[v["code"]] = float(sum(1 for i in items if i.code == v["code"] and not i.withdrawn))
    return counts


def score_type(fw: KaoheFramework, units: list[str], inputs: dict[str, UnitInputs], *, cutoff) -> dict[str, dict]:
    """Run the engine for the units of one type; per unit: facts, rule lines, items, parts of the total."""
    from innodrive.assessment.scoring import score as engine_score

    facts = {u: unit_facts(fw, inputs[u], cutoff=cutoff) for u in units}
    overdue = {u: metrics(inputs[u].tasks, approved=0, returned=0, policy=fw.tasks, cutoff=cutoff)
               ["tasks.overdue_count"] for u in units}
    targets = {u: {c: _target_fact(fw, c, inputs[u]) for c in fw.engine.indicators} for u in units}
    data = pd.DataFrame({c: [facts[u][c].value for u in units] for c in fw.engine.indicators}, index=units,
                        dtype=float)
    extra = {u: _item_counts(fw, inputs[u].items, {"__overdue__": overdue[u]}) for u in units}
    for code in [d["code"] for d in fw.deductions()] + [v["code"] for v in fw.vetoes()]:
        data[code] = [extra[u][code] for u in units]
    tdf = pd.DataFrame({c: [targets[u][c].value for u in units] for c in fw.engine.indicators}, index=units,
                       dtype=float)
    types = pd.Series([fw.unit_type] * len(units), index=units)
    out = engine_score(fw.engine, data, targets=tdf, unit_types=types).reindex(units)
    result: dict[str, dict] = {}
    for u in units:
        lines: list[RuleLine] = []
        over = 0.0
        for r in fw.scoring.get("rules") or []:
            lines.append(_rule_line(fw, r, u, out, facts[u][r["indicator"]], targets[u][r["indicator"]]))
            over += lines[-1].bonus
        engine_over = _f(out.at[u, "加分"]) or 0.0
        if abs(engine_over - over) > 1e-6:
            raise RuntimeError(f"explained bonus {over} differs from the engine's {engine_over} for {u}")
        late = [t for t in counted(inputs[u].tasks, fw.tasks) if t.overdue]
        items, deduct, vetoes = _items(fw, u, out, inputs[u].items, late)
        vetoed = bool(out.at[u, "一票否决"])
        item_bonus, bonus_lines = _bonus(fw, inputs[u].items, vetoed=vetoed)
        base = float(sum(line.base for line in lines))
        engine_total = float(out.at[u, "总分"])
        total = engine_total + (0.0 if vetoed else item_bonus)
        if not vetoed and abs(engine_total - (base + over - deduct)) > 1e-6:
            raise RuntimeError(f"explained total differs from the engine's for {u}")
        result[u] = {"rules": lines, "items": bonus_lines + items, "base": base, "over": over, "item_bonus":
                     0.0 if vetoed else item_bonus, "deduct": deduct, "vetoed": vetoed, "veto_reasons": vetoes,
                     "total": total, "unknown": [fw.engine.label(c) if c in fw.engine.by_code else c
                                                 for c in str(out.at[u, "未知项"] or "").split("、") if c]}
    return result


def _rule_line(fw: KaoheFramework, r: dict, u: str, out: pd.DataFrame, actual: Fact, target: Fact) -> RuleLine:
    code = r["indicator"]
    node = fw.engine.by_code[code]
    pts = float(r["points"])
    base = _f(out.at[u, f"{code}:得分"])
    unit = node.unit or ""
    if r.get("method", "completion") == "rank":
        rank = _f(out.at[u, f"{code}:排名"])
        ranked = int(out[f"{code}:排名"].notna().sum())
        if base is None:
            formula = f"实际值未知（{actual.source.text}），不参与排名，本项不得分，列为未知项"
        else:
            formula = (f"实际 {n(actual.value)}{unit}，在 {ranked} 个有数据的同类单位中排第 {int(rank)} 名，"
                       f"得 {base:.2f} 分（{describe_rule(fw, r)}）")
        return RuleLine(code=code, name=node.name, method="rank", points=pts, actual=actual, target=None,
                        rank=None if rank is None else int(rank), ranked=ranked, base=base or 0.0,
                        unknown=base is None, formula=formula)
    ratio = _f(out.at[u, f"{code}:完成率"])
    b = r.get("bonus")
    cap = float(r.get("cap", 1.0))
    if ratio is None:
        missing = "实际值" if actual.value is None else "目标值"
        why = actual.source.text if actual.value is None else target.source.text
        return RuleLine(code=code, name=node.name, method="completion", points=pts, actual=actual, target=target,
                        base=0.0, unknown=True, formula=f"{missing}未知（{why}），本项不得分，列为未知项")
    bonus = 0.0
    if b:
        if math.isinf(ratio):
            bonus = float(b["max"])
        else:
            bonus = float(np.clip((ratio - 1.0) / float(b["per"]) * float(b["points"]), 0.0, float(b["max"])))
    if node.direction < 0:
        how = f"完成率 = 目标 {n(target.value)} ÷ 实际 {n(actual.value)}（逆向指标）"
    else:
        how = f"完成率 = 实际 {n(actual.value)} ÷ 目标 {n(target.value)}"
    shown = "∞" if math.isinf(ratio) else f"{ratio:.2%}"
    formula = f"{how} = {shown}；得分 = min({shown}, {cap:.0%}) × {pts:g} = {base:.2f}"
    if b and bonus > 0:
        formula += (f"；超目标加分 = ({shown} − 100%) ÷ {float(b['per']):.0%} × {float(b['points']):g} = {bonus:.2f}"
                    + (f"（封顶 {float(b['max']):g} 分）" if abs(bonus - float(b["max"])) < 1e-9 else ""))
    return RuleLine(code=code, name=node.name, method="completion", points=pts, actual=actual, target=target,
                    ratio=None if math.isinf(ratio) else ratio, base=base or 0.0, bonus=bonus, formula=formula)


def _items(fw: KaoheFramework, u: str, out: pd.DataFrame, items: list[Item], late: list
           ) -> tuple[list[ItemLine], float, list[str]]:
    lines: list[ItemLine] = []
    deduct = 0.0
    for d in fw.deductions():
        name = str(d.get("name", d["code"]))
        got = float(out.at[u, f"扣分:{name}"])
        deduct += got
        each, cap = float(d["points_each"]), float(d["max"])
        if fw.deduction_sources.get(d["code"], "items") == "tasks.overdue_count":
            if late:
                listed = "；".join(f"#{t.task_id}“{t.title}”（期限{t.deadline.isoformat()}）" for t in late)
                lines.append(ItemLine(item_id=None, code=d["code"], kind="deduction", name=name,
                                      title=f"逾期未完成重点任务{len(late)}项", evidence=f"任务台账：{listed}",
                                      points=-got, note=f"{len(late)} × {each:g} 分"
                                      + (f"，封顶 {cap:g} 分" if len(late) * each > cap else "")))
            continue
        mine = [i for i in items if i.code == d["code"] and not i.withdrawn]
        left = cap
        for i in mine:
            pts = min(each, max(left, 0.0))
            left -= each
            lines.append(ItemLine(item_id=i.id, code=i.code, kind="deduction", name=name, title=i.title,
                                  evidence=i.evidence, points=-pts,
                                  note=None if pts == each else f"已达扣分上限 {cap:g} 分，本项扣 {pts:g} 分"))
    vetoes = [str(v.get("name", v["code"])) for v in fw.vetoes()
              if any(i.code == v["code"] and not i.withdrawn for i in items)]
    for v in fw.vetoes():
        for i in items:
            if i.code == v["code"] and not i.withdrawn:
                lines.append(ItemLine(item_id=i.id, code=i.code, kind="veto", name=str(v.get("name", v["code"])),
                                      title=i.title, evidence=i.evidence, points=0.0, note="一票否决：总分计为 0"))
    return lines, deduct, vetoes


def _bonus(fw: KaoheFramework, items: list[Item], *, vetoed: bool) -> tuple[float, list[ItemLine]]:
    lines: list[ItemLine] = []
    total = 0.0
    cap_all = fw.bonus_cap
    for b in fw.bonuses:
        left = b.max
        for i in (i for i in items if i.code == b.code and not i.withdrawn):
            pts = min(b.points_each, max(left, 0.0))
            left -= b.points_each
            if cap_all is not None:
                pts = min(pts, max(cap_all - total, 0.0))
            note = None
            if vetoed:
                note = "一票否决，加分不计"
            elif pts < b.points_each:
                note = (f"已达加分上限，本项加 {pts:g} 分（本类最多 {b.max:g} 分"
                        + (f"，加分合计最多 {cap_all:g} 分" if cap_all is not None else "") + "）")
            lines.append(ItemLine(item_id=i.id, code=i.code, kind="bonus", name=b.name, title=i.title,
                                  evidence=i.evidence, points=0.0 if vetoed else pts, note=note))
            total += pts
    return total, lines


def grade_rule_text(rule: GradeRule, n_units: int) -> str:
    """The grade rule as the 考核办法 would state it (no spaces: it is printed in the 通报)."""
    if rule.method == "bands":
        bands = sorted(rule.bands, key=lambda b: -b.min)
        parts = []
        for i, b in enumerate(bands):
            upper = bands[i - 1].min if i else None
            if b.min <= 0:
                parts.append(f"总分不足{upper:g}分为{b.name}" if upper is not None else f"其余为{b.name}")
            elif upper is None:
                parts.append(f"总分{b.min:g}分及以上为{b.name}")
            else:
                parts.append(f"{b.min:g}分及以上、不足{upper:g}分为{b.name}")
        return "按总分评定：" + "，".join(parts)
    sizes = G.quota_sizes(rule, n_units)
    parts = []
    for q, size in zip(rule.quotas, sizes, strict=True):
        limit = "" if size >= n_units else (f"不超过{q.share:.0%}（{size}个）" if q.share is not None
                                            else f"不超过{q.count}个")
        floor = f"总分不低于{q.min_score:g}分" if q.min_score is not None else ""
        parts.append(f"{q.name}" + "，".join(x for x in (limit, floor) if x))
    return "按名次和比例评定：" + "；".join(parts) + f"；其余为{rule.rest}；总分相同的，等次相同"


def score_cycle(scheme: Scheme, frameworks: dict[str, KaoheFramework], inputs: dict[str, UnitInputs]) -> CycleResult:
    """The whole year's results: every unit, every group, ranked and graded."""
    missing = [t for t in scheme.types if t not in frameworks]
    if missing:
        raise InputError(f"以下单位类型还没有 {scheme.year} 年度的考核框架：{'、'.join(missing)}", field="framework")
    per_unit: dict[str, dict] = {}
    for t in scheme.types:
        units = [u.name for u in scheme.units if u.type == t]
        for name in units:
            inputs.setdefault(name, UnitInputs(unit=name))
        per_unit.update(score_type(frameworks[t], units, inputs, cutoff=scheme.cutoff))
    results: list[UnitResult] = []
    groups: list[GroupResult] = []
    for g in scheme.groups:
        members = [u for u in scheme.units if u.type in g.types]
        graded = {x.unit: x for x in G.assign([G.Scored(u.name, per_unit[u.name]["total"], per_unit[u.name]["vetoed"])
                                                for u in members], g.grades)}
        order = sorted(members, key=lambda u: (graded[u.name].rank, scheme.units.index(u)))
        groups.append(GroupResult(name=g.name, types=list(g.types), grade_rule=grade_rule_text(g.grades, len(members)),
                                  units=[u.name for u in order]))
        for u in order:
            p = per_unit[u.name]
            fw = frameworks[u.type]
            results.append(UnitResult(
                unit=u.name, unit_type=u.type, group=g.name, region_code=u.region_code, framework_id=fw.id,
                framework_version=fw.version, framework_sha256=fw.sha256, full_marks=fw.full_marks,
                rules=p["rules"], items=p["items"], tasks=inputs[u.name].tasks, base=p["base"], over_bonus=p["over"],
                item_bonus=p["item_bonus"], deduction=p["deduct"], vetoed=p["vetoed"], veto_reasons=p["veto_reasons"],
                total=p["total"], rank=graded[u.name].rank, grade=graded[u.name].grade,
                grade_reason=graded[u.name].reason, unknown=p["unknown"], corrections=inputs[u.name].corrections))
    return CycleResult(name=scheme.name, year=scheme.year, region=scheme.region, region_code=scheme.region_code,
                       as_of=scheme.cutoff, data_note=scheme.data_note, groups=groups, units=results)


__all__ = ["grade_rule_text", "n", "score_cycle", "score_type", "unit_facts"]
