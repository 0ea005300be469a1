"""Results people read: scores and ranks at every level, 优势/劣势 profiles, change attribution.

All functions are pure over a coin's data sets and return pandas frames. Ranks are
descending (1 = best) with ties sharing the best rank; an unknown score has no rank.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from innodrive.assessment.coin import Coin
from innodrive.errors import InputError


def _rank(s: pd.Series) -> pd.Series:
    return s.rank(ascending=False, method="min")


def level_table(coin: Coin, *, dset: str = "Aggregated") -> pd.DataFrame:
    """Every node's score and rank for every unit, as a long table (unit, code, level, …)."""
    fw = coin.framework
    df = coin.data[dset]
    rows = []
    order = [fw.root, *reversed(fw.aggregation_order[:-1]), *fw.indicators]
    for code in order:
        if code not in df.columns:
            continue
        s = df[code]
        r = _rank(s)
        node = fw.by_code[code]
        for unit in df.index:
            v = s[unit]
            rows.append({"unit": unit, "code": code, "name": node.name, "level": fw.levels[code],
                         "parent": node.parent, "score": None if pd.isna(v) else float(v),
                         "rank": None if pd.isna(r[unit]) else int(r[unit])})
    return pd.DataFrame(rows)


def ranking(coin: Coin, *, dset: str = "Aggregated", depth: int = 1) -> pd.DataFrame:
    """Units ranked by the index, with the index and the nodes ``depth`` levels below it."""
    fw = coin.framework
    df = coin.data[dset]
    cols = [fw.root]
    frontier = [fw.root]
    for _ in range(depth):
        frontier = [c for p in frontier for c in fw.children[p]]
        cols += frontier
    out = pd.DataFrame(index=df.index)
    out["排名"] = _rank(df[fw.root])
    for c in cols:
        out[c] = df[c]
    if "类型" in coin.units.columns:
        out.insert(0, "类型", coin.units["类型"].reindex(df.index))
    return out.sort_values(["排名"], na_position="last")


def profiles(coin: Coin, *, dset: str = "Normalised", share: float = 1 / 3, level: int = 1) -> pd.DataFrame:
    """优势/劣势 per unit: nodes of ``level`` where the unit ranks in the top/bottom ``share``.

    As the Chinese evaluation reports do ("优势指标 / 劣势指标"): with n units ranked,
    a rank ≤ ⌈n·share⌉ is a strength and a rank > n − ⌈n·share⌉ a weakness. Scores are
    the normalised values (directions applied), so "high" always means "good".
    """
    if not 0 < share <= 0.5:
        raise InputError("优势/劣势比例应在 (0, 0.5] 之间", field="share")
    fw = coin.framework
    if dset not in coin.data:
        raise InputError(f"没有数据集“{dset}”", field="dset")
    df = coin.data[dset]
    if level > 1 and "Aggregated" in coin.data:
        df = coin.data["Aggregated"]
    codes = [c for c in df.columns if c in fw.levels and fw.levels[c] == level]
    strong: dict[str, list[str]] = {u: [] for u in df.index}
    weak: dict[str, list[str]] = {u: [] for u in df.index}
    for c in codes:
        s = df[c]
        n = int(s.notna().sum())
        if n < 3:
            continue
        k = math.ceil(n * share)
        r = _rank(s)
        for u in df.index:
            if pd.isna(r[u]):
                continue
            if r[u] <= k:
                strong[u].append(fw.label(c))
            elif r[u] > n - k:
                weak[u].append(fw.label(c))
    return pd.DataFrame({"优势": ["、".join(strong[u]) for u in df.index],
                         "劣势": ["、".join(weak[u]) for u in df.index]}, index=df.index)


FIXED_BASE_METHODS = ("minmax", "goalposts", "standard_value", "scaled", "dist2targ")


def attribute_change(base: Coin, new: Coin) -> pd.DataFrame:
    """Split each unit's change of the index between two years into indicator contributions.

    Fixed-base normalisation: the new year is normalised with the base year's
    reference points (for min-max, the base year's min and max; goalposts and
    评价标准值 are fixed already), so a change in a unit's score comes from its own
    data, not from other units moving the min and max. With arithmetic aggregation
    the index is Σ_j e_j·y_j (e = effective weight), so the change is exactly
    Σ_j e_j·Δy_j. When an indicator is unknown in either year the weights are
    renormalised differently in the two years; that part is reported as
    ``其他（缺失数据）`` rather than forced onto an indicator.

    Both coins must come from the same framework and method (same log). Returns a
    long table: unit, code, name, base value, new value, contribution.
    """
    fw = base.framework
    if new.framework.id != fw.id or new.framework.version != fw.version:
        raise InputError("两个年份的评价必须使用同一框架的同一版本", field="framework")
    norm = [e for e in base.log if e["step"] == "normalise"]
    agg = [e for e in base.log if e["step"] == "aggregate"]
    if not norm or not agg:
        raise InputError("变化归因需要包含标准化和合成步骤的评价流程", field="method")
    np_ = norm[-1]["params"]
    methods = {np_["method"], *[v.get("method", np_["method"]) for v in (np_.get("per_indicator") or {}).values()]}
    if not methods <= set(FIXED_BASE_METHODS):
        raise InputError(f"变化归因需要可固定基准的标准化方法（{'、'.join(FIXED_BASE_METHODS)}），"
                         f"当前为：{'、'.join(sorted(methods))}", field="method")
    ap = agg[-1]["params"]
    levels_methods = {ap["method"], *[v.get("method", ap["method"]) for v in (ap.get("by_level") or {}).values()]}
    if levels_methods != {"arithmetic"}:
        raise InputError("变化归因目前只支持加权算术平均合成（其他合成方法不能精确分解到指标）", field="method")
    # base year's reference points for min-max
    src = base.data[np_["dset"]]
    bounds = {c: [float(np.nanmin(src[c])), float(np.nanmax(src[c]))] for c in fw.indicators if c in src.columns}
    fixed_base = base.what_if("normalise", bounds=bounds) if "minmax" in methods else base
    fixed_new = new.copy()
    if "minmax" in methods:
        fixed_new = fixed_new.what_if("normalise", bounds=bounds)
    yb = fixed_base.data[np_["write_to"]]
    yn = fixed_new.data[np_["write_to"]]
    ib = fixed_base.data[ap["write_to"]][fw.root]
    inew = fixed_new.data[ap["write_to"]][fw.root]
    units = [u for u in yb.index if u in yn.index]
    types = base.unit_types(pd.Index(units))
    rows = []
    for i, u in enumerate(units):
        t = None if types is None else types[i]
        eff = base.effective_weights(ap["weights"], t)
        total = 0.0
        for c in fw.indicators:
            if c not in yb.columns:
                continue
            a, b = yb.at[u, c], yn.at[u, c]
            contrib = None if (pd.isna(a) or pd.isna(b)) else float(eff[c] * (b - a))
            if contrib is not None:
                total += contrib
            rows.append({"unit": u, "code": c, "name": fw.label(c), "base": _f(a), "new": _f(b),
                         "contribution": contrib})
        change = _f(inew.get(u)) - _f(ib.get(u)) if not (pd.isna(inew.get(u)) or pd.isna(ib.get(u))) else None
        rest = None if change is None else change - total
        if rest is not None and abs(rest) > 1e-9:
            rows.append({"unit": u, "code": "其他（缺失数据）", "name": "其他（缺失数据导致的权重变化）",
                         "base": None, "new": None, "contribution": rest})
        rows.append({"unit": u, "code": fw.root, "name": f"{fw.label(fw.root)}变化", "base": _f(ib.get(u)),
                     "new": _f(inew.get(u)), "contribution": change})
    return pd.DataFrame(rows)


def _f(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)
