"""考核 scoring rules declared in the framework: completion, bonus, rank points, deductions, vetoes.

The example documents tie assessment results to funding, so the rules must be as
plain as the official 考核办法 they copy. Schema (``scoring:`` in the framework)::

    scoring:
      total: 100                      # full marks (checked against the rules' points)
      rules:
        - indicator: rd_intensity
          points: 20                  # 分值
          method: completion          # 完成率 = 实际/目标 (逆向指标: 目标/实际)
          cap: 1.0                    # base points use min(完成率, cap)
          bonus: {per: 0.1, points: 1, max: 3}   # +1 分 per 10% above target, at most 3
        - indicator: hnte_count
          points: 10
          method: rank                # rank-based points among the assessed units
          rank_points: {first: 10, step: 1, min: 4}   # or a list [10, 9, 8, …]
      deductions:                     # 扣分项: data columns counted per unit
        - code: major_incidents
          name: 较大以上安全生产事故
          points_each: 2
          max: 6
      vetoes:                         # 一票否决
        - code: research_misconduct
          name: 严重科研失信行为
          when: ">0"
      grades: [{min: 90, name: 优秀}, {min: 75, name: 良好}, {min: 60, name: 合格}, {min: 0, name: 不合格}]

Targets come from the framework (``target``, ``targets_by_type``) or per unit from the
data. A missing actual value scores nothing for that rule and is reported as 未知,
never as 0 completion.
"""

from __future__ import annotations

import math
import operator
import re
from typing import Any

import numpy as np
import pandas as pd

from innodrive.errors import InputError, Problem

_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq,
        "=": operator.eq, "!=": operator.ne}
_WHEN = re.compile(r"^\s*(>=|<=|==|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$")


def _isnum(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def check_scoring(scoring: Any, indicators: set[str], file: str | None, problems: list[Problem]) -> None:
    """Validate the ``scoring`` section, naming every bad entry."""
    if not isinstance(scoring, dict):
        problems.append(Problem("“scoring”应是映射（rules、deductions、vetoes、grades）", file=file, field="scoring"))
        return
    rules = scoring.get("rules") or []
    if not isinstance(rules, list):
        problems.append(Problem("“scoring.rules”应是列表", file=file, field="scoring.rules"))
        rules = []
    total = 0.0
    for i, r in enumerate(rules):
        where = f"scoring.rules[{i + 1}]"
        if not isinstance(r, dict):
            problems.append(Problem("每条计分规则应是映射", file=file, field=where))
            continue
        code = r.get("indicator")
        if code not in indicators:
            problems.append(Problem(f"未知指标“{code}”：计分规则引用的指标不在框架中", file=file,
                                    field=f"{where}.indicator"))
        if not _isnum(r.get("points")) or r["points"] < 0:
            problems.append(Problem(f"“points”（分值）应是非负数值，实际为“{r.get('points')}”", file=file,
                                    field=f"{where}.points"))
        else:
            total += float(r["points"])
        m = r.get("method", "completion")
        if m not in ("completion", "rank"):
            problems.append(Problem(f"计分方法“{m}”无法识别，应为 completion（完成率）或 rank（排名）", file=file,
                                    field=f"{where}.method"))
        if "cap" in r and (not _isnum(r["cap"]) or r["cap"] <= 0):
            problems.append(Problem("“cap”应是正数", file=file, field=f"{where}.cap"))
        b = r.get("bonus")
        if b is not None and (not isinstance(b, dict) or not all(_isnum(b.get(k)) and b.get(k) > 0
                                                                  for k in ("per", "points", "max"))):
            problems.append(Problem("“bonus”应含正数 per、points、max（每超目标 per 加 points 分，最多 max 分）",
                                    file=file, field=f"{where}.bonus"))
        if m == "rank":
            rp = r.get("rank_points")
            ok = (isinstance(rp, list) and rp and all(_isnum(v) for v in rp)) or (
                isinstance(rp, dict) and all(_isnum(rp.get(k)) for k in ("first", "step")))
            if not ok:
                problems.append(Problem("排名计分需要 rank_points：分值列表，或 {first, step, min}", file=file,
                                        field=f"{where}.rank_points"))
    if _isnum(scoring.get("total")) and rules and abs(total - float(scoring["total"])) > 1e-9:
        problems.append(Problem(f"各项分值合计 {total:g} 与满分 total={scoring['total']} 不一致", file=file,
                                field="scoring.total"))
    for key, need in (("deductions", ("points_each", "max")), ("vetoes", ())):
        items = scoring.get(key) or []
        if not isinstance(items, list):
            problems.append(Problem(f"“scoring.{key}”应是列表", file=file, field=f"scoring.{key}"))
            continue
        for i, d in enumerate(items):
            where = f"scoring.{key}[{i + 1}]"
            if not isinstance(d, dict) or not isinstance(d.get("code"), str):
                problems.append(Problem("需要数据列代码“code”", file=file, field=where))
                continue
            for k in need:
                if not _isnum(d.get(k)) or d[k] < 0:
                    problems.append(Problem(f"“{k}”应是非负数值", file=file, field=f"{where}.{k}"))
            if key == "vetoes" and not _WHEN.match(str(d.get("when", ">0"))):
                problems.append(Problem("“when”应形如 >0、>=1、==1", file=file, field=f"{where}.when"))
    grades = scoring.get("grades") or []
    if not isinstance(grades, list) or not all(isinstance(g, dict) and _isnum(g.get("min")) and g.get("name")
                                               for g in grades):
        problems.append(Problem("“grades”应是 [{min: 分数, name: 等次}] 列表", file=file, field="scoring.grades"))


def rank_points(spec, n: int) -> np.ndarray:
    """Points for ranks 1..n: a list (last value repeats) or first/step/min."""
    if isinstance(spec, list):
        vals = [float(v) for v in spec]
        return np.array([vals[min(i, len(vals) - 1)] for i in range(n)])
    first, step = float(spec["first"]), float(spec["step"])
    floor = float(spec.get("min", 0.0))
    return np.maximum(first - step * np.arange(n), floor)


def score(framework, data: pd.DataFrame, *, targets: pd.DataFrame | None = None,
          unit_types: pd.Series | None = None) -> pd.DataFrame:
    """Apply the framework's 考核 rules to raw values (units × codes). Pure.

    Returns one row per unit: per rule ``<code>:完成率`` and ``<code>:得分``, then
    加分, 扣分, 否决, 总分, 排名, 等次. Unknown actual values or targets give NaN
    points for that rule and are listed in ``未知项``.
    """
    sc = framework.scoring
    if not sc:
        raise InputError("该框架没有声明考核计分规则（scoring）", file=framework.file, field="scoring")
    idx = data.index
    out = pd.DataFrame(index=idx)
    base_total = np.zeros(len(idx))
    bonus_total = np.zeros(len(idx))
    unknown: list[list[str]] = [[] for _ in idx]
    for r in sc.get("rules") or []:
        code = r["indicator"]
        node = framework.by_code[code]
        pts = float(r["points"])
        actual = data[code].to_numpy(dtype=float) if code in data.columns else np.full(len(idx), np.nan)
        if r.get("method", "completion") == "completion":
            tgt = _targets(framework, code, idx, targets, unit_types)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = actual / tgt if node.direction > 0 else np.where(actual > 0, tgt / actual, np.inf)
            ratio = np.where(np.isnan(actual) | np.isnan(tgt), np.nan, ratio)
            cap = float(r.get("cap", 1.0))
            base = np.minimum(ratio, cap) * pts
            b = r.get("bonus")
            if b:
                extra = np.clip((ratio - 1.0) / float(b["per"]) * float(b["points"]), 0.0, float(b["max"]))
                extra = np.where(np.isfinite(extra), extra, np.where(np.isnan(ratio), np.nan, float(b["max"])))
            else:
                extra = np.zeros(len(idx))
            out[f"{code}:完成率"] = ratio
        else:
            adj = actual * node.direction
            ranks = pd.Series(adj, index=idx).rank(ascending=False, method="min").to_numpy()
            n_known = int(np.sum(~np.isnan(adj)))
            table = rank_points(r["rank_points"], max(n_known, 1))
            base = np.where(np.isnan(ranks), np.nan, table[np.nan_to_num(ranks, nan=1).astype(int) - 1])
            base = np.minimum(base, pts)
            extra = np.zeros(len(idx))
            out[f"{code}:排名"] = ranks
        out[f"{code}:得分"] = base
        for i in np.flatnonzero(np.isnan(base)):
            unknown[i].append(code)
        base_total += np.nan_to_num(base)
        bonus_total += np.nan_to_num(extra)
    deduct = np.zeros(len(idx))
    for d in sc.get("deductions") or []:
        col = d["code"]
        if col not in data.columns:
            raise InputError(f"数据中缺少扣分项“{col}”（{d.get('name', col)}）的数据列；未知不能按 0 处理",
                             field=col)
        v = data[col].to_numpy(dtype=float)
        ded = np.minimum(np.nan_to_num(v) * float(d["points_each"]), float(d["max"]))
        for i in np.flatnonzero(np.isnan(v)):
            unknown[i].append(col)
        out[f"扣分:{d.get('name', col)}"] = ded
        deduct += ded
    veto = np.zeros(len(idx), dtype=bool)
    veto_reason: list[list[str]] = [[] for _ in idx]
    for d in sc.get("vetoes") or []:
        col = d["code"]
        if col not in data.columns:
            raise InputError(f"数据中缺少否决项“{col}”（{d.get('name', col)}）的数据列；未知不能视为未发生",
                             field=col)
        op, thr = _WHEN.match(str(d.get("when", ">0"))).groups()
        v = data[col].to_numpy(dtype=float)
        hit = np.array([not np.isnan(x) and _OPS[op](x, float(thr)) for x in v])
        for i in np.flatnonzero(hit):
            veto_reason[i].append(str(d.get("name", col)))
        for i in np.flatnonzero(np.isnan(v)):
            unknown[i].append(col)
        veto |= hit
    total = base_total + bonus_total - deduct
    total = np.where(veto, 0.0, total)
    out["基础得分"] = base_total
    out["加分"] = bonus_total
    out["扣分"] = deduct
    out["一票否决"] = ["；".join(r) for r in veto_reason]
    out["总分"] = total
    out["排名"] = pd.Series(np.where(veto, -np.inf, total), index=idx).rank(ascending=False, method="min")
    grades = sorted(sc.get("grades") or [], key=lambda g: -float(g["min"]))
    if grades:
        last = grades[-1]["name"]
        out["等次"] = [last if veto[i] else next((g["name"] for g in grades if total[i] >= float(g["min"])), last)
                     for i in range(len(idx))]
    out["未知项"] = ["、".join(u) for u in unknown]
    return out.sort_values("排名")


def _targets(framework, code: str, idx: pd.Index, targets: pd.DataFrame | None,
             unit_types: pd.Series | None) -> np.ndarray:
    node = framework.by_code[code]
    t = np.full(len(idx), np.nan if node.target is None else float(node.target))
    if unit_types is not None and node.targets_by_type:
        types = unit_types.reindex(idx).to_numpy(dtype=object)
        for k, v in node.targets_by_type.items():
            t[types == k] = v
    if targets is not None and code in targets.columns:
        own = targets[code].reindex(idx).to_numpy(dtype=float)
        t = np.where(np.isnan(own), t, own)
    return t
