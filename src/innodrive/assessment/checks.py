"""Checks before an index is published, as COINr users run them (``get_corr``,
``get_cronbach``, ``get_data_avail``, ``get_opt_weights``, ``remove_elements``).

All pure over a built coin:

* :func:`correlations` — Pearson correlations of the normalised indicators, within each
  group and across the tree (indicator vs its group and vs the index), with flags:
  **negative** within a group (the indicator pulls against its siblings) and
  **near-duplicate** (r ≥ 0.9 within a group: the concept is counted twice);
* :func:`cronbach` — Cronbach's alpha of each group's indicators (internal consistency);
* :func:`availability` — the share of indicators each unit has in the raw data;
* :func:`influence` — each indicator's *effective* influence, the share of the index's
  variance it explains (squared Pearson correlation with the index, normalised to sum
  to 1: the first-order effect under linearity, Paruolo et al. 2013), beside its
  *nominal* effective weight; :func:`balance_weights` searches weights whose influence
  matches the intended shares (COINr's "balance" objective);
* :func:`drop_one` — what happens to every unit's score and rank when one indicator or
  one group is left out.

Small n (21 市州) makes every correlation noisy; each result carries the sample size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

NEAR_DUPLICATE = 0.9


class Pair(BaseModel):
    group: str
    a: str
    b: str
    r: float | None
    n: int
    flag: str | None = Field(None, description="'negative' or 'near_duplicate'")


class CrossLevel(BaseModel):
    code: str
    parent: str
    r_parent: float | None
    r_index: float | None


class Correlations(BaseModel):
    codes: list[str]
    matrix: list[list[float | None]]
    within: list[Pair]
    cross: list[CrossLevel]
    flags: list[Pair]


class Alpha(BaseModel):
    group: str
    name: str
    k: int
    n: int
    alpha: float | None


class Availability(BaseModel):
    unit: str
    available: int
    total: int
    share: float
    missing: list[str]


class Influence(BaseModel):
    code: str
    name: str
    nominal: float = Field(description="nominal effective weight (product of normalised weights along the path)")
    r: float | None
    influence: float | None = Field(description="share of index variance explained (r² normalised)")
    ratio: float | None = Field(None, description="influence ÷ nominal")


class DropImpact(BaseModel):
    dropped: str
    name: str
    kind: str
    mean_abs_rank_change: float
    max_abs_rank_change: int
    mean_abs_score_change: float
    units_moved: int


def _corr(a: np.ndarray, b: np.ndarray) -> tuple[float | None, int]:
    ok = ~(np.isnan(a) | np.isnan(b))
    n = int(ok.sum())
    if n < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return None, n
    return float(np.corrcoef(a[ok], b[ok])[0, 1]), n


def _sets(coin, dset: str | None):
    norm = [e for e in coin.log if e["step"] == "normalise"]
    agg = [e for e in coin.log if e["step"] == "aggregate"]
    ndset = dset or (norm[-1]["params"]["write_to"] if norm else "Raw")
    adset = agg[-1]["params"]["write_to"] if agg else None
    return coin.data[ndset], (coin.data[adset] if adset else None)


def correlations(coin, *, dset: str | None = None) -> Correlations:
    fw = coin.framework
    norm, agg = _sets(coin, dset)
    codes = [c for c in fw.indicators if c in norm.columns]
    x = norm[codes].to_numpy(dtype=float)
    k = len(codes)
    m: list[list[float | None]] = [[None] * k for _ in range(k)]
    for i in range(k):
        for j in range(k):
            m[i][j] = 1.0 if i == j else _corr(x[:, i], x[:, j])[0]
    within, flags = [], []
    for g in fw.aggregation_order:
        kids = [c for c in fw.children[g] if c in codes]
        for i, a in enumerate(kids):
            for b in kids[i + 1:]:
                r, n = _corr(norm[a].to_numpy(float), norm[b].to_numpy(float))
                flag = None if r is None else ("negative" if r < 0 else "near_duplicate" if r >= NEAR_DUPLICATE else None)
                p = Pair(group=g, a=a, b=b, r=r, n=n, flag=flag)
                within.append(p)
                if flag:
                    flags.append(p)
    cross = []
    if agg is not None:
        for c in fw.indicators:
            par = fw.by_code[c].parent
            cross.append(CrossLevel(code=c, parent=par, r_parent=_corr(norm[c].to_numpy(float),
                                                                       agg[par].to_numpy(float))[0],
                                    r_index=_corr(norm[c].to_numpy(float), agg[fw.root].to_numpy(float))[0]))
    return Correlations(codes=codes, matrix=m, within=within, cross=cross, flags=flags)


def cronbach(coin, *, dset: str | None = None) -> list[Alpha]:
    """α = k/(k−1)·(1 − Σ var(x_i)/var(Σ x_i)) over the units with complete data in the group."""
    fw = coin.framework
    norm, _ = _sets(coin, dset)
    out = []
    for g in fw.aggregation_order:
        kids = [c for c in fw.children[g] if c in norm.columns]
        if len(kids) < 2:
            continue
        x = norm[kids].dropna().to_numpy(dtype=float)
        n = len(x)
        alpha = None
        if n >= 3:
            total = x.sum(axis=1).var(ddof=1)
            if total > 0:
                alpha = float(len(kids) / (len(kids) - 1) * (1 - x.var(axis=0, ddof=1).sum() / total))
        out.append(Alpha(group=g, name=fw.label(g), k=len(kids), n=n, alpha=alpha))
    return out


def availability(coin) -> list[Availability]:
    fw = coin.framework
    raw = coin.data["Raw"]
    codes = [c for c in fw.indicators if c in raw.columns]
    out = []
    for u in raw.index:
        miss = [fw.label(c) for c in codes if pd.isna(raw.at[u, c])]
        out.append(Availability(unit=str(u), available=len(codes) - len(miss), total=len(codes),
                                share=(len(codes) - len(miss)) / len(codes) if codes else 0.0, missing=miss))
    return out


def influence(coin, *, weights: str = "Original", dset: str | None = None) -> list[Influence]:
    fw = coin.framework
    norm, agg = _sets(coin, dset)
    eff = coin.effective_weights(weights)
    idx = agg[fw.root].to_numpy(float) if agg is not None else None
    rs = {c: (_corr(norm[c].to_numpy(float), idx)[0] if idx is not None else None) for c in fw.indicators}
    r2 = {c: (r * r if r is not None else None) for c, r in rs.items()}
    tot = sum(v for v in r2.values() if v is not None) or None
    out = []
    for c in fw.indicators:
        inf = None if r2[c] is None or tot is None else r2[c] / tot
        out.append(Influence(code=c, name=fw.label(c), nominal=eff[c], r=rs[c], influence=inf,
                             ratio=None if inf is None or eff[c] == 0 else inf / eff[c]))
    return out


def _index_with(coin, wset: dict[str, float]) -> np.ndarray:
    from innodrive.assessment.steps import Aggregate

    agg = [e for e in coin.log if e["step"] == "aggregate"][-1]["params"]
    c = coin.copy()
    c.weights["_check"] = wset
    c.add(Aggregate(**{**agg, "weights": "_check", "write_to": "_CheckAgg"}))
    return c.data["_CheckAgg"][coin.framework.root].to_numpy(float)


def balance_weights(coin, *, targets: dict[str, float] | None = None, max_iter: int = 3000) -> dict:
    """Indicator weights (within their groups) whose influence shares come closest to the
    intended ones (default: the nominal effective weights), by Nelder–Mead on log weights.

    Returns the weight set, the influence before and after, and the objective values.
    """
    from scipy.optimize import minimize

    fw = coin.framework
    norm, _ = _sets(coin, None)
    base = dict(coin.weights["Original"])
    codes = list(fw.indicators)
    nominal = coin.effective_weights("Original")
    want = np.array([(targets or nominal)[c] for c in codes], dtype=float)
    want = want / want.sum()
    x = norm[codes].to_numpy(float)

    def shares(w: np.ndarray) -> np.ndarray:
        ws = {**base, **dict(zip(codes, w, strict=True))}
        idx = _index_with(coin, ws)
        r = np.array([_corr(x[:, j], idx)[0] or 0.0 for j in range(len(codes))])
        r2 = r * r
        return r2 / r2.sum() if r2.sum() > 0 else r2

    def objective(logw: np.ndarray) -> float:
        return float(np.sum((shares(np.exp(logw)) - want) ** 2))

    start = np.log(np.array([max(base[c], 1e-6) for c in codes]))
    before = objective(start)
    res = minimize(objective, start, method="Nelder-Mead", options={"maxiter": max_iter, "xatol": 1e-4, "fatol": 1e-10})
    w = np.exp(res.x)
    weights = {**base, **dict(zip(codes, (float(v) for v in w), strict=True))}
    # report within-group normalised weights (what a framework file states)
    for g in fw.aggregation_order:
        kids = [c for c in fw.children[g] if c in codes]
        s = sum(weights[c] for c in kids)
        for c in kids:
            weights[c] = weights[c] / s if s else 0.0
    return {"weights": {c: weights[c] for c in codes}, "objective_before": before, "objective_after": float(res.fun),
            "influence_before": dict(zip(codes, shares(np.exp(start)).tolist(), strict=True)),
            "influence_after": dict(zip(codes, shares(w).tolist(), strict=True)),
            "target": dict(zip(codes, want.tolist(), strict=True)), "converged": bool(res.success)}


def drop_one(coin) -> list[DropImpact]:
    """Leave out each indicator, then each group (weight 0), and measure the change."""
    fw = coin.framework
    base = dict(coin.weights["Original"])
    nominal = _index_with(coin, base)
    r0 = pd.Series(nominal).rank(ascending=False, method="min").to_numpy()
    out = []
    for code in [*fw.indicators, *[a for a in fw.aggregation_order if a != fw.root]]:
        ws = {**base, code: 0.0}
        siblings = fw.children[fw.by_code[code].parent]
        if all(ws[s] == 0 for s in siblings):
            continue  # leaving out the only child of a group empties it; its parent's drop covers that
        idx = _index_with(coin, ws)
        r1 = pd.Series(idx).rank(ascending=False, method="min").to_numpy()
        ok = ~(np.isnan(r0) | np.isnan(r1))
        d = np.abs(r1[ok] - r0[ok])
        out.append(DropImpact(dropped=code, name=fw.label(code),
                              kind="indicator" if fw.by_code[code].kind == "indicator" else "group",
                              mean_abs_rank_change=float(d.mean()) if d.size else 0.0,
                              max_abs_rank_change=int(d.max()) if d.size else 0,
                              mean_abs_score_change=float(np.nanmean(np.abs(idx - nominal))),
                              units_moved=int((d > 0).sum())))
    return sorted(out, key=lambda x: -x.mean_abs_rank_change)


class PublicationChecks(BaseModel):
    n_units: int
    correlations: Correlations
    alpha: list[Alpha]
    availability: list[Availability]
    influence: list[Influence]
    drop_one: list[DropImpact]
    warnings: list[str]


def run_checks(coin) -> PublicationChecks:
    """Every check at once, with the warnings an office should read before publishing."""
    fw = coin.framework
    corr = correlations(coin)
    al = cronbach(coin)
    av = availability(coin)
    inf = influence(coin)
    drops = drop_one(coin)
    warn = []
    n = len(coin.data["Raw"])
    if n < 30:
        warn.append(f"只有 {n} 个单位：相关系数和 Cronbach α 的抽样误差很大，仅供参考")
    for p in corr.flags:
        if p.flag == "negative":
            warn.append(f"“{fw.label(p.group)}”组内“{fw.label(p.a)}”与“{fw.label(p.b)}”负相关（r={p.r:.2f}）")
        else:
            warn.append(f"“{fw.label(p.group)}”组内“{fw.label(p.a)}”与“{fw.label(p.b)}”高度相关（r={p.r:.2f}），"
                        "可能重复计算同一内容")
    for a in al:
        if a.alpha is not None and a.alpha < 0.7:
            warn.append(f"“{a.name}”组的 Cronbach α={a.alpha:.2f}（低于 0.7，组内一致性弱）")
    for i in inf:
        if i.ratio is not None and (i.ratio < 0.5 or i.ratio > 2):
            warn.append(f"“{i.name}”的实际影响（{i.influence:.1%}）与名义权重（{i.nominal:.1%}）相差一倍以上")
    low = [a.unit for a in av if a.share < 2 / 3]
    if low:
        warn.append(f"数据可得性低于 2/3 的单位：{'、'.join(low[:10])}")
    return PublicationChecks(n_units=n, correlations=corr, alpha=al, availability=av, influence=inf,
                             drop_one=drops, warnings=warn)
