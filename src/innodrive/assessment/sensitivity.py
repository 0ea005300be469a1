"""Uncertainty and sensitivity analysis: how much does a rank depend on the method?

Uncertain inputs ("factors") are declared as data::

    {"kind": "weights",   "noise": 0.25, "level": 1}            # w·(1 + 0.25·U(−1, 1)) per weight
    {"kind": "normalise", "options": [{"method": "minmax"}, {"method": "zscore", "params": {...}}]}
    {"kind": "aggregate", "options": [{"method": "arithmetic"},
                                      {"method": "geometric", "params": {"zero_policy": "offset"}}]}

Samples are quasi-random Sobol points (``scipy.stats.qmc.Sobol``, scrambled with a
seed), not plain uniform draws as in COINr. A weights factor uses one dimension per
weight; a choice factor one dimension mapped to an option index through the deeper
bits of its coordinate (frac(4096·u)): the leading bit of every Sobol dimension
follows the same pattern, which would tie a two-way choice in sample matrix A to the
same choice in B and make its sensitivity index vanish.

Speed comes from the shape of the computation, not from caching results: everything
before normalisation is computed once (the coin's data set that the normalise step
reads), each normalisation option is applied once, and aggregation runs for all
replications at once over a leading replications axis (per-replication weights have
shape (R, 1, k)). COINr instead regenerates the whole coin for every replication.

Sensitivity indices use the Saltelli (2010) design with the Saltelli first-order and
Jansen total-effect estimators, exactly as COINr: for N base samples and d factors
the outputs are stacked [y_A, y_B, y_AB1 … y_ABd]; V = var(y_A ∪ y_B) (n − 1);
S_i = mean(y_B·(y_ABi − y_A))/V; ST_i = Σ(y_A − y_ABi)²/(2NV). The output is the mean
absolute rank shift from the nominal ranking (and, per unit, the unit's rank).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc, rankdata

from innodrive.errors import InputError

CHOICE_BITS = 4096.0
MAX_CELLS = 50_000_000  # replications × units kept in memory at once (≈ 400 MB of float64)


@dataclass
class Factor:
    """One uncertain input and the Sobol dimensions it consumes."""

    kind: str
    name: str
    dims: int
    noise: float = 0.0
    level: int | None = None
    options: list[dict] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)


def sobol_indices(yy, *, n: int, d: int) -> tuple[np.ndarray, np.ndarray, float]:
    """First-order (Saltelli) and total (Jansen) indices from stacked outputs.

    ``yy`` has length n·(d + 2) on its last axis: [y_A, y_B, y_AB1, …, y_ABd]. Leading
    axes (e.g. one per unit) are kept. Returns (S_i, ST_i, V).
    """
    yy = np.asarray(yy, dtype=float)
    if yy.shape[-1] != n * (d + 2):
        raise ValueError("yy must hold n·(d + 2) outputs")
    ya, yb = yy[..., :n], yy[..., n:2 * n]
    v = np.var(np.concatenate([ya, yb], axis=-1), axis=-1, ddof=1)
    si, st = [], []
    for i in range(d):
        yab = yy[..., (2 + i) * n:(3 + i) * n]
        with np.errstate(invalid="ignore", divide="ignore"):
            si.append(np.mean(yb * (yab - ya), axis=-1) / v)
            st.append(np.sum((ya - yab) ** 2, axis=-1) / (2 * n * v))
    return np.stack(si, axis=-1), np.stack(st, axis=-1), v


def sobol_sample(n: int, dims: int, *, seed: int = 0) -> np.ndarray:
    """n scrambled Sobol points in [0, 1)^dims (n a power of two is best; others are allowed)."""
    s = qmc.Sobol(d=dims, scramble=True, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # balance warning for n not a power of 2
        return s.random(n)


class Model:
    """The coin's method from normalisation to the index, vectorised over replications.

    Built from a coin that has a ``normalise`` and an ``aggregate`` step in its log.
    """

    def __init__(self, coin, factors: list[dict]) -> None:
        from innodrive.assessment.steps import normalise_matrix

        self.coin = coin
        fw = coin.framework
        self.fw = fw
        norm = _last(coin.log, "normalise")
        agg = _last(coin.log, "aggregate")
        if agg is None:
            raise InputError("不确定性分析需要包含“合成（aggregate）”步骤的评价流程", field="method")
        self.agg = agg["params"]
        self.norm = norm["params"] if norm else None
        src = self.norm["dset"] if norm else self.agg["dset"]
        df = coin.data[src]
        self.units = df.index
        self.cols = [c for c in fw.indicators if c in df.columns]
        self.x = df[self.cols].to_numpy(dtype=float)
        self.nodes = list(fw.indicators) + list(fw.aggregation_order)
        self.node_pos = {c: i for i, c in enumerate(self.nodes)}
        wset = coin.weights[self.agg["weights"]]
        self.w0 = np.array([wset.get(c, 1.0) for c in self.nodes], dtype=float)
        self.types = coin.unit_types(self.units) if self.agg.get("by_type", True) else None
        self.wset = wset
        self.factors = [self._factor(f, i) for i, f in enumerate(factors)]
        self.dims = sum(f.dims for f in self.factors)
        # normalisation options, each computed once
        nopts = next((f.options for f in self.factors if f.kind == "normalise"), None)
        if nopts is None:
            nopts = [None]
        self.normalised = []
        for opt in nopts:
            if opt is None:
                if self.norm is None:
                    self.normalised.append(self.x)
                    continue
                p = self.norm
                opt = {"method": p["method"], "params": p.get("params") or {},
                       "per_indicator": p.get("per_indicator") or {}, "bounds": p.get("bounds") or {}}
            self.normalised.append(normalise_matrix(
                fw, self.cols, self.x, method=opt.get("method", "minmax"), params=opt.get("params") or {},
                per_indicator=opt.get("per_indicator") or {}, bounds=opt.get("bounds") or {},
                use_directions=True))
        self.agg_options = next((f.options for f in self.factors if f.kind == "aggregate"), None) or [
            {"method": self.agg["method"], "params": self.agg.get("params") or {}}]

    def _factor(self, spec: dict, i: int) -> Factor:
        kind = spec.get("kind")
        where = f"factors[{i + 1}]"
        if kind == "weights":
            level = spec.get("level")
            nodes = [c for c in self.nodes if c != self.fw.root and (level is None or self.fw.levels[c] == level)]
            if not nodes:
                raise InputError(f"第 {level} 层没有可扰动的权重", field=where)
            noise = float(spec.get("noise", 0.25))
            if not 0 <= noise < 1:
                raise InputError("权重扰动幅度 noise 应在 [0, 1) 之间", field=f"{where}.noise")
            name = spec.get("name") or (f"第{level}层权重" if level else "权重")
            return Factor("weights", name, len(nodes), noise=noise, level=level, nodes=nodes)
        if kind in ("normalise", "aggregate"):
            opts = spec.get("options")
            if not isinstance(opts, list) or not opts:
                raise InputError("选项列表 options 不能为空", field=f"{where}.options")
            if kind == "normalise" and self.norm is None:
                raise InputError("评价流程中没有标准化步骤，不能把标准化方法作为不确定因素", field=where)
            name = spec.get("name") or ("标准化方法" if kind == "normalise" else "合成方法")
            return Factor(kind, name, 1, options=[dict(o) for o in opts])
        raise InputError(f"未知的不确定因素类型“{kind}”；可用：weights、normalise、aggregate", field=f"{where}.kind")

    # -- evaluation -----------------------------------------------------------------
    def _decode(self, u: np.ndarray):
        r = u.shape[0]
        mult = np.ones((r, len(self.nodes)))
        n_idx = np.zeros(r, dtype=int)
        a_idx = np.zeros(r, dtype=int)
        col = 0
        for f in self.factors:
            block = u[:, col:col + f.dims]
            col += f.dims
            if f.kind == "weights":
                pos = [self.node_pos[c] for c in f.nodes]
                mult[:, pos] *= 1.0 + f.noise * (2.0 * block - 1.0)
            else:
                # The leading bits of every Sobol dimension follow one pattern (the first
                # direction number is 1 in all dimensions), so floor(u·L) would tie a choice
                # in matrix A to the same choice in B. Deeper bits are decorrelated.
                deep = np.mod(block[:, 0] * CHOICE_BITS, 1.0)
                k = np.minimum((deep * len(f.options)).astype(int), len(f.options) - 1)
                if f.kind == "normalise":
                    n_idx = k
                else:
                    a_idx = k
        return mult, n_idx, a_idx

    def evaluate(self, u: np.ndarray, *, chunk: int = 2048) -> np.ndarray:
        """Index scores (R, units) for R sample points u in [0, 1)^dims."""
        mult, n_idx, a_idx = self._decode(u)
        out = np.empty((u.shape[0], len(self.units)))
        for ni in np.unique(n_idx):
            for ai in np.unique(a_idx):
                rows = np.flatnonzero((n_idx == ni) & (a_idx == ai))
                for s in range(0, rows.size, chunk):
                    rr = rows[s:s + chunk]
                    out[rr] = self._aggregate(self.normalised[ni], mult[rr], self.agg_options[ai])
        return out

    def _aggregate(self, norm: np.ndarray, mult: np.ndarray, option: dict) -> np.ndarray:
        from innodrive.assessment.kernels.aggregate import AGGREGATORS, NonPositiveValues

        fw = self.fw
        r = mult.shape[0]
        values: dict[str, np.ndarray] = {c: norm[None, :, j] for j, c in enumerate(self.cols)}
        by_level = {str(k): v for k, v in (self.agg.get("by_level") or {}).items()}
        for a in fw.aggregation_order:
            kids = fw.children[a]
            spec = by_level.get(str(fw.levels[a]), {})
            method = spec.get("method", option.get("method", "arithmetic"))
            params = dict(spec.get("params", option.get("params") or {}))
            if self.agg.get("dat_thresh") is not None:
                params["dat_thresh"] = float(self.agg["dat_thresh"])
            v = np.stack([np.broadcast_to(values[k], (r, len(self.units))) for k in kids], axis=-1)
            base = self.coin.weight_matrix(kids, self.wset, self.types)  # (1|U, k)
            m = mult[:, [self.node_pos[k] for k in kids]][:, None, :]  # (R, 1, k)
            try:
                values[a] = AGGREGATORS[method](v, base[None, :, :] * m, **params)
            except NonPositiveValues:
                raise InputError(f"不确定性分析中的合成方法“{method}”遇到零或负值；请为该选项设置 "
                                 "zero_policy（offset 或 drop）", field="factors") from None
        return values[fw.root]


def _last(log: list[dict], kind: str) -> dict | None:
    hits = [e for e in log if e["step"] == kind]
    return hits[-1] if hits else None


def default_factors(coin) -> list[dict]:
    """A reasonable default: ±25 % on every weight level, the nominal or min-max
    normalisation, and the nominal or geometric (offset 1) aggregation."""
    fw = coin.framework
    levels = sorted({fw.levels[c] for c in fw.by_code if c != fw.root})
    factors: list[dict] = [{"kind": "weights", "noise": 0.25, "level": lv} for lv in levels]
    norm = _last(coin.log, "normalise")
    if norm is not None and norm["params"]["method"] != "minmax":
        factors.append({"kind": "normalise", "options": [
            {"method": norm["params"]["method"], "params": norm["params"].get("params") or {}},
            {"method": "minmax", "params": {"l": 0, "u": 100}}]})
    agg = _last(coin.log, "aggregate")
    if agg is not None:
        nominal = {"method": agg["params"]["method"], "params": agg["params"].get("params") or {}}
        alt = ({"method": "geometric", "params": {"zero_policy": "offset", "offset": 1.0}}
               if nominal["method"] != "geometric" else {"method": "arithmetic", "params": {}})
        factors.append({"kind": "aggregate", "options": [nominal, alt]})
    return factors


def _check_size(runs: int, units: int) -> None:
    if runs * units > MAX_CELLS:
        raise InputError(f"抽样规模过大：{runs} 次 × {units} 个单位超过内存上限（{MAX_CELLS:,} 个数值），请减少抽样次数",
                         field="uncertainty")


def _ranks(scores: np.ndarray) -> np.ndarray:
    r = rankdata(-scores, method="min", axis=-1, nan_policy="omit")
    return np.where(np.isnan(scores), np.nan, r)


@dataclass
class UncertaintyResult:
    """Rank and score distributions per unit, plus the design that produced them."""

    table: pd.DataFrame
    scores: np.ndarray
    ranks: np.ndarray
    factors: list[dict]
    n: int
    seed: int


def uncertainty(coin, *, n: int = 1000, factors: list[dict] | None = None, seed: int = 0) -> UncertaintyResult:
    """Monte Carlo (Sobol) uncertainty analysis of the index ranks.

    Returns per unit: nominal score and rank, median rank, 5th and 95th percentile
    ranks (numpy's linear interpolation = R type 7), mean and 5–95 % scores.
    """
    if n < 2:
        raise InputError("不确定性分析的重复次数至少为 2", field="uncertainty")
    factors = default_factors(coin) if factors is None else factors
    model = Model(coin, factors)
    _check_size(n, len(model.units))
    u = sobol_sample(n, max(model.dims, 1), seed=seed)
    scores = model.evaluate(u)
    ranks = _ranks(scores)
    nominal = coin.data[_last(coin.log, "aggregate")["params"]["write_to"]][coin.framework.root]
    nominal = nominal.reindex(model.units)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        table = pd.DataFrame({
            "nominal_score": nominal.to_numpy(),
            "nominal_rank": nominal.rank(ascending=False, method="min").to_numpy(),
            "median_rank": np.nanmedian(ranks, axis=0),
            "rank_p05": np.nanpercentile(ranks, 5, axis=0),
            "rank_p95": np.nanpercentile(ranks, 95, axis=0),
            "mean_score": np.nanmean(scores, axis=0),
            "score_p05": np.nanpercentile(scores, 5, axis=0),
            "score_p95": np.nanpercentile(scores, 95, axis=0),
        }, index=model.units)
    return UncertaintyResult(table=table.sort_values("nominal_rank"), scores=scores, ranks=ranks,
                             factors=factors, n=n, seed=seed)


@dataclass
class SensitivityResult:
    indices: pd.DataFrame          # per factor: Si, STi of the mean absolute rank shift
    per_unit_si: pd.DataFrame      # units × factors, first-order index of the unit's rank
    per_unit_sti: pd.DataFrame
    n: int
    runs: int


def sensitivity(coin, *, n: int = 256, factors: list[dict] | None = None, seed: int = 0) -> SensitivityResult:
    """Variance-based sensitivity (Saltelli design, n·(d + 2) vectorised model runs)."""
    if n < 2:
        raise InputError("敏感性分析的基础样本数至少为 2", field="n")
    factors = default_factors(coin) if factors is None else factors
    model = Model(coin, factors)
    d = len(model.factors)
    _check_size(n * (d + 2), len(model.units))
    s = sobol_sample(n, 2 * model.dims, seed=seed)
    a, b = s[:, :model.dims], s[:, model.dims:]
    blocks = [a, b]
    col = 0
    for f in model.factors:
        ab = a.copy()
        ab[:, col:col + f.dims] = b[:, col:col + f.dims]
        col += f.dims
        blocks.append(ab)
    scores = model.evaluate(np.vstack(blocks))
    ranks = _ranks(scores)
    nominal = coin.data[_last(coin.log, "aggregate")["params"]["write_to"]][coin.framework.root]
    nom_rank = nominal.reindex(model.units).rank(ascending=False, method="min").to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = np.nanmean(np.abs(ranks - nom_rank), axis=1)
        si, st, _ = sobol_indices(y, n=n, d=d)
        usi, ust, _ = sobol_indices(ranks.T, n=n, d=d)
    names = [f.name for f in model.factors]
    return SensitivityResult(
        indices=pd.DataFrame({"factor": names, "Si": si, "STi": st}),
        per_unit_si=pd.DataFrame(usi, index=model.units, columns=names),
        per_unit_sti=pd.DataFrame(ust, index=model.units, columns=names),
        n=n, runs=int(n * (d + 2)))


def describe_factors(factors: list[dict[str, Any]]) -> str:
    """A one-line Chinese description of the factors, for reports."""
    parts = []
    for f in factors:
        if f.get("kind") == "weights":
            lv = f.get("level")
            parts.append(f"{'第' + str(lv) + '层' if lv else '全部'}权重 ±{float(f.get('noise', 0.25)) * 100:g}%")
        else:
            opts = "/".join(o.get("method", "?") for o in f.get("options", []))
            parts.append(f"{'标准化' if f.get('kind') == 'normalise' else '合成'}方法（{opts}）")
    return "；".join(parts)
