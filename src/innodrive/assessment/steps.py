"""Pipeline steps: parameterised, replayable builders that read one data set and write another.

The steps follow scikit-learn's estimator contract (STYLE §4): ``__init__`` only stores
keyword parameters, :meth:`Step.get_params`/:meth:`Step.set_params` read and write
them, and all validation happens when the step is applied to a coin. Every parameter
is plain JSON (names of kernels, numbers, lists, dicts), so the coin's log is a
complete recipe that :meth:`~innodrive.assessment.coin.Coin.regenerate` can replay.
The one exception is :class:`Custom`, which runs a Python callable: it marks itself
as not replayable and regeneration stops at it with that reason (COINr's
``can_regen``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from innodrive.errors import InputError, Problem, ValidationFailed

if TYPE_CHECKING:
    from innodrive.assessment.coin import Coin


class Step:
    """Base class: parameters in, one data set (or weight set) out."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""

    # -- estimator contract ---------------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]

    def get_params(self) -> dict[str, Any]:
        """Every constructor parameter, defaults included (the log stores all of them)."""
        return {name: _jsonable(getattr(self, name)) for name in self._param_names()}

    def set_params(self, **params: Any) -> Step:
        valid = set(self._param_names())
        for k, v in params.items():
            if k not in valid:
                raise InputError(f"步骤“{self.kind}”没有参数“{k}”；可用参数：{'、'.join(sorted(valid))}", field=k)
            setattr(self, k, v)
        return self

    def can_regen(self) -> tuple[bool, str | None]:
        return True, None

    def writes(self) -> list[str]:
        return [self.write_to]  # type: ignore[attr-defined]

    def resolved(self) -> dict[str, Any]:
        """Kernel parameters with the kernels' own defaults filled in (for the log)."""
        return {}

    def apply(self, coin: Coin) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- helpers --------------------------------------------------------------------
    def _input(self, coin: Coin) -> pd.DataFrame:
        dset = self.dset  # type: ignore[attr-defined]
        if dset not in coin.data:
            raise InputError(f"步骤“{self.label or self.kind}”找不到数据集“{dset}”；现有：{'、'.join(coin.data)}",
                             field="dset")
        return coin.data[dset]


def _kernel_params(func: Callable, given: dict) -> dict[str, Any]:
    """The keyword parameters a kernel will use: its defaults updated by ``given``."""
    sig = inspect.signature(func)
    out = {p.name: p.default for p in sig.parameters.values()
           if p.kind == p.KEYWORD_ONLY and p.default is not inspect.Parameter.empty}
    out.update(given)
    return _jsonable(out)


def check_kernel_params(func: Callable, given: dict | None, *, what: str, field: str,
                        supplied: tuple[str, ...] = ()) -> None:
    """Refuse parameters a kernel does not take, with the ones it does (no TypeError
    from deep inside NumPy code reaches the user). ``supplied`` are parameters the step
    fills in itself (directions, reference points from the framework)."""
    if given is None:
        return
    if not isinstance(given, dict):
        raise InputError(f"{what}的参数 params 应是“名称: 值”的映射", field=field)
    sig = inspect.signature(func)
    valid = [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY and p.name not in supplied]
    allowed = set(valid) | set(supplied)
    bad = [str(k) for k in given if k not in allowed]
    if bad:
        listed = "、".join(valid) if valid else "（无参数）"
        raise InputError(f"{what}没有参数“{'、'.join(bad)}”；可用参数：{listed}", field=field)


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return v


def _indicator_cols(coin: Coin, df: pd.DataFrame) -> list[str]:
    return [c for c in coin.framework.indicators if c in df.columns]


def _with_columns(df: pd.DataFrame, cols: list[str], y: np.ndarray) -> pd.DataFrame:
    """A new frame equal to ``df`` with ``cols`` replaced by the columns of ``y``.

    Built in one block: assigning column by column costs more than the maths.
    """
    if list(df.columns) == list(cols):
        return pd.DataFrame(y, index=df.index, columns=df.columns)
    arr = df.to_numpy(dtype=float, copy=True)
    pos = df.columns.get_indexer(cols)
    arr[:, pos] = y
    return pd.DataFrame(arr, index=df.index, columns=df.columns)


# ---------------------------------------------------------------------------------


class Denominate(Step):
    """Divide indicators by a denominator (GDP, population, area): x / d · scale.

    Denominators come from the framework (``denominator``/``scale`` per indicator)
    unless given here. A zero or missing denominator gives NaN, never ±inf.
    """

    kind = "denominate"
    label = "比值化（除以分母）"

    def __init__(self, *, dset: str = "Raw", write_to: str = "Denominated",
                 denominators: dict[str, str] | None = None, scales: dict[str, float] | None = None) -> None:
        self.dset = dset
        self.write_to = write_to
        self.denominators = denominators
        self.scales = scales

    def apply(self, coin: Coin) -> None:
        df = self._input(coin)
        fw = coin.framework
        dmap = self.denominators if self.denominators is not None else {
            c: fw.by_code[c].denominator for c in fw.indicators if fw.by_code[c].denominator}
        smap = self.scales if self.scales is not None else {c: fw.by_code[c].scale for c in fw.indicators}
        problems = []
        cols = list(df.columns)
        arr = df.to_numpy(dtype=float, copy=True)
        for code, den in dmap.items():
            if code not in df.columns:
                problems.append(Problem(f"比值化的指标“{code}”不在数据集中", field=code))
                continue
            if den not in coin.denominators.columns:
                problems.append(Problem(f"指标“{code}”的分母“{den}”在数据中不存在", field=den))
                continue
            d = coin.denominators[den].reindex(df.index).to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                j = cols.index(code)
                arr[:, j] = arr[:, j] / np.where(d == 0, np.nan, d) * float(smap.get(code, 1.0) or 1.0)
        if problems:
            raise ValidationFailed(f"比值化失败：{problems[0]}", problems=problems)
        coin.data[self.write_to] = pd.DataFrame(arr, index=df.index, columns=df.columns)
        coin.details[self.write_to] = {"denominators": dict(dmap)}


class Screen(Step):
    """Drop units with too little data (COINr ``Screen``).

    ``unit_screen``: ``byNA`` (share of known indicators ≥ ``dat_thresh``), ``byNZ``
    (share of non-zero values ≥ ``nonzero_thresh``) or ``both``. ``force_include`` /
    ``force_exclude`` override the rule for named units.
    """

    kind = "screen"
    label = "数据可得性筛选"

    def __init__(self, *, dset: str = "Imputed", write_to: str = "Screened", dat_thresh: float = 0.66,
                 nonzero_thresh: float = 0.0, unit_screen: str = "byNA", force_include: list[str] | None = None,
                 force_exclude: list[str] | None = None) -> None:
        self.dset = dset
        self.write_to = write_to
        self.dat_thresh = dat_thresh
        self.nonzero_thresh = nonzero_thresh
        self.unit_screen = unit_screen
        self.force_include = force_include
        self.force_exclude = force_exclude

    def apply(self, coin: Coin) -> None:
        if self.unit_screen not in ("byNA", "byNZ", "both"):
            raise InputError("unit_screen 应为 byNA、byNZ 或 both", field="unit_screen")
        df = self._input(coin)
        x = df[_indicator_cols(coin, df)].to_numpy(dtype=float)
        avail = (~np.isnan(x)).mean(axis=1)
        nonzero = np.where(np.isnan(x), False, x != 0).sum(axis=1) / x.shape[1]
        keep = np.ones(len(df), dtype=bool)
        if self.unit_screen in ("byNA", "both"):
            keep &= avail >= self.dat_thresh
        if self.unit_screen in ("byNZ", "both"):
            keep &= nonzero >= self.nonzero_thresh
        idx = df.index
        unknown = [u for u in [*(self.force_include or []), *(self.force_exclude or [])] if u not in idx]
        if unknown:
            raise InputError(f"强制保留/剔除的单位不存在：{'、'.join(map(str, unknown))}", field="force_include")
        for u in self.force_include or []:
            keep[idx.get_loc(u)] = True
        for u in self.force_exclude or []:
            keep[idx.get_loc(u)] = False
        coin.data[self.write_to] = df.loc[keep].copy()
        coin.details[self.write_to] = {
            "availability": dict(zip(idx, avail.round(12).tolist(), strict=True)),
            "removed": [u for u, k in zip(idx, keep, strict=True) if not k],
        }


class Impute(Step):
    """Fill missing values by a named method; the imputed cells are recorded.

    Cross-section: ``mean``, ``median``, ``mean_group``, ``median_group`` (``group`` is
    a unit column, e.g. 类型). Panel: ``latest`` (last earlier year) and ``linear``
    (between years), which need the coin's panel and act on the raw data. ``none``
    copies the data unchanged — unknown stays unknown.
    """

    kind = "impute"
    label = "缺失值插补"

    def __init__(self, *, dset: str = "Denominated", write_to: str = "Imputed", method: str = "mean",
                 group: str | None = None) -> None:
        self.dset = dset
        self.write_to = write_to
        self.method = method
        self.group = group

    def apply(self, coin: Coin) -> None:
        from innodrive.assessment.kernels import impute as K

        df = self._input(coin)
        cols = _indicator_cols(coin, df)
        x = df[cols].to_numpy(dtype=float)
        if self.method == "none":
            y = x.copy()
        elif self.method in ("mean", "median"):
            y = K.IMPUTERS[self.method](x)
        elif self.method in ("mean_group", "median_group"):
            if not self.group:
                raise InputError(f"插补方法 {self.method} 需要指定分组列 group（如 类型）", field="group")
            if self.group not in coin.units.columns:
                raise InputError(f"分组列“{self.group}”不在单位信息中；现有：{'、'.join(coin.units.columns)}",
                                 field="group")
            groups = coin.units[self.group].reindex(df.index).to_numpy(dtype=object)
            y = K.IMPUTERS[self.method](x, groups=groups)
        elif self.method in ("latest", "linear"):
            y = self._panel(coin, df, cols)
        else:
            raise InputError(f"未知的插补方法“{self.method}”；可用：mean、median、mean_group、median_group、latest、"
                             "linear、none", field="method")
        coin.data[self.write_to] = _with_columns(df, cols, y)
        filled = np.isnan(x) & ~np.isnan(y)
        coin.details[self.write_to] = {"imputed": [[df.index[i], cols[j]] for i, j in np.argwhere(filled)]}

    def _panel(self, coin: Coin, df: pd.DataFrame, cols: list[str]) -> np.ndarray:
        from innodrive.assessment.kernels import impute as K

        if coin.panel is None or coin.year is None:
            raise InputError(f"面板插补（{self.method}）需要多年数据和指定的评价年份", field="method")
        if self.dset != "Raw":
            raise InputError("面板插补只能作用于原始数据（dset 应为 Raw）", field="dset")
        years = sorted(y for y in coin.panel if y <= coin.year) if self.method == "latest" else sorted(coin.panel)
        stack = np.stack([coin.panel[y].reindex(index=df.index, columns=cols).to_numpy(dtype=float) for y in years])
        if self.method == "latest":
            filled = K.panel_latest(stack)
        else:
            filled = K.panel_linear(stack, years=np.asarray(years, dtype=float))
        return filled[years.index(coin.year)]


class Treat(Step):
    """Outlier treatment: JRC skew/kurtosis gate → winsorise (≤ ``winmax``) → log fallback.

    ``fallback``: ``log_CT`` (COINr default), ``log_GII`` (the GII transform, returned
    transformed unlike COINr, and replaced by ``log_CT`` for an indicator whose maximum
    is at most 1, where GII's formula would reverse the order of units), ``boxcox``
    (positive values only) or ``None`` to keep the
    winsorised values even if the gate still fails. ``exclude`` lists indicators left
    untouched.
    """

    kind = "treat"
    label = "异常值处理"

    def __init__(self, *, dset: str = "Screened", write_to: str = "Treated", winmax: int = 5,
                 skew_thresh: float = 2.0, kurt_thresh: float = 3.5, fallback: str | None = "log_CT",
                 exclude: list[str] | None = None) -> None:
        self.dset = dset
        self.write_to = write_to
        self.winmax = winmax
        self.skew_thresh = skew_thresh
        self.kurt_thresh = kurt_thresh
        self.fallback = fallback
        self.exclude = exclude

    def apply(self, coin: Coin) -> None:
        from innodrive.assessment.kernels.treat import TRANSFORMS, skew_kurt_columns, treat_indicator

        if self.fallback is not None and self.fallback not in TRANSFORMS:
            raise InputError(f"未知的变换“{self.fallback}”；可用：{'、'.join(TRANSFORMS)} 或 null", field="fallback")
        df = self._input(coin)
        cols = _indicator_cols(coin, df)
        x = df[cols].to_numpy(dtype=float)
        y = x.copy()
        sk, ku = skew_kurt_columns(x)
        rows = []
        skip = set(self.exclude or [])
        if skip - set(cols):
            raise InputError(f"exclude 中的指标不存在：{'、'.join(sorted(map(str, skip - set(cols))))}", field="exclude")
        for j, code in enumerate(cols):
            if code in skip:
                continue
            ok = bool(np.isnan(sk[j]) or np.isnan(ku[j]) or abs(sk[j]) < self.skew_thresh or ku[j] < self.kurt_thresh)
            if ok:
                rows.append({"indicator": code, "pass0": True, "skew0": float(sk[j]), "kurt0": float(ku[j]),
                             "n_winsorised": 0, "winsorised_units": [], "pass1": None, "skew1": None,
                             "kurt1": None, "transform": None, "pass2": None})
                continue
            try:
                t = treat_indicator(x[:, j], winmax=int(self.winmax), skew_thresh=float(self.skew_thresh),
                                    kurt_thresh=float(self.kurt_thresh), fallback=self.fallback,
                                    gate=(ok, float(sk[j]), float(ku[j])))
            except ValueError:
                raise InputError(f"指标“{code}”含零或负值，不能做 {self.fallback} 变换；请改用 log_CT 或 log_GII",
                                 field="fallback") from None
            y[:, j] = t.values
            rows.append({"indicator": code, "pass0": t.pass0, "skew0": t.skew0, "kurt0": t.kurt0,
                         "n_winsorised": t.n_winsorised, "winsorised_units": [df.index[i] for i in t.winsorised],
                         "pass1": t.pass1, "skew1": t.skew1, "kurt1": t.kurt1, "transform": t.transform,
                         "pass2": t.pass2})
        coin.data[self.write_to] = _with_columns(df, cols, y)
        coin.details[self.write_to] = {"treatment": rows, "n_units": len(df)}
        if len(df) < 30 and any(not r["pass0"] for r in rows):
            coin.notes.append(f"异常值判定基于 {len(df)} 个单位：样本较小时偏度、峰度很不稳定，处理结果仅供参考")


class Normalise(Step):
    """Bring indicators onto one scale with a named kernel (see ``kernels.normalise``).

    ``method``/``params`` apply to every indicator; ``per_indicator`` overrides them
    for named indicators (``{code: {"method": ..., "params": {...}}}``). Absolute
    methods take their reference points from the framework (goalposts, 评价标准值,
    target) unless given. ``bounds`` fixes min and max per indicator for ``minmax``
    (fixed-base normalisation, used to compare years).
    """

    kind = "normalise"
    label = "标准化"

    def __init__(self, *, dset: str = "Treated", write_to: str = "Normalised", method: str = "minmax",
                 params: dict | None = None, per_indicator: dict | None = None,
                 bounds: dict[str, list[float]] | None = None, use_directions: bool = True) -> None:
        self.dset = dset
        self.write_to = write_to
        self.method = method
        self.params = params
        self.per_indicator = per_indicator
        self.bounds = bounds
        self.use_directions = use_directions

    def resolved(self) -> dict[str, Any]:
        from innodrive.assessment.kernels.normalise import NORMALISERS

        out = {}
        if self.method in NORMALISERS:
            out[self.method] = _kernel_params(NORMALISERS[self.method].func, self.params or {})
        return out

    def apply(self, coin: Coin) -> None:
        df = self._input(coin)
        cols = _indicator_cols(coin, df)
        x = df[cols].to_numpy(dtype=float)
        y = normalise_matrix(coin.framework, cols, x, method=self.method, params=self.params or {},
                             per_indicator=self.per_indicator or {}, bounds=self.bounds or {},
                             use_directions=self.use_directions)
        coin.data[self.write_to] = _with_columns(df, cols, y)
        const = [c for c, col in zip(cols, x.T, strict=True) if np.nanmax(col, initial=-np.inf) == np.nanmin(col, initial=np.inf)]
        if const and self.method in ("minmax", "zscore", "dist2max"):
            coin.notes.append(f"以下指标在所有单位取值相同，标准化结果为空（未知）：{'、'.join(const)}")


def normalise_matrix(framework, cols: list[str], x: np.ndarray, *, method: str, params: dict,
                     per_indicator: dict, bounds: dict, use_directions: bool = True) -> np.ndarray:
    """Normalise a (…, units × indicators) array column by column (pure; used by UA too)."""
    from innodrive.assessment.kernels.normalise import NORMALISERS, apply_direction

    unknown = [c for c in [*per_indicator, *bounds] if c not in cols]
    if unknown:
        raise InputError(f"标准化参数引用了未知指标：{'、'.join(map(str, unknown))}", field="per_indicator")
    directions = np.array([framework.by_code[c].direction if use_directions else 1 for c in cols], dtype=float)
    spec = {c: (per_indicator.get(c, {}).get("method", method),
                {**(params if c not in per_indicator or "method" not in per_indicator[c] else {}),
                 **per_indicator.get(c, {}).get("params", {})}) for c in cols}
    out = np.empty_like(x)
    # group indicators sharing a method and parameters so each kernel runs once
    groups: dict[str, list[int]] = {}
    for j, c in enumerate(cols):
        groups.setdefault(spec[c][0], []).append(j)
    problems = []
    for name, idx in groups.items():
        if name not in NORMALISERS:
            raise InputError(f"未知的标准化方法“{name}”；可用：{'、'.join(NORMALISERS)}", field="method")
        nz = NORMALISERS[name]
        for j in idx:
            check_kernel_params(nz.func, spec[cols[j]][1], what=f"标准化方法“{name}”", field="params",
                                supplied=("direction",))
        sub = x[..., idx]
        kw: dict[str, Any] = {}
        # parameters that vary by indicator
        plist = [spec[cols[j]][1] for j in idx]
        keys = set().union(*plist) if plist else set()
        for k in keys:
            vals = [p.get(k) for p in plist]
            kw[k] = vals[0] if all(v == vals[0] for v in vals) and not isinstance(vals[0], list | dict) else vals
        for k in nz.per_indicator:
            if k in kw:
                continue
            vals = []
            for j in idx:
                v = _framework_param(framework, cols[j], k)
                if v is None:
                    problems.append(Problem(f"标准化方法“{name}”需要指标“{cols[j]}”的{_PARAM_LABEL[k]}，框架中未提供",
                                            field=cols[j]))
                vals.append(np.nan if v is None else v)
            kw[k] = np.array(vals, dtype=float)
        if problems:
            continue
        if name == "minmax" and bounds:
            lo = np.array([bounds.get(cols[j], [np.nan, np.nan])[0] for j in idx], dtype=float)
            hi = np.array([bounds.get(cols[j], [np.nan, np.nan])[1] for j in idx], dtype=float)
            d = directions[idx]
            xs = apply_direction(sub, d) if use_directions else sub
            lo_s, hi_s = np.where(d >= 0, lo, -hi), np.where(d >= 0, hi, -lo)
            low, up = float(kw.get("l", 0.0)), float(kw.get("u", 100.0))
            with np.errstate(divide="ignore", invalid="ignore"):
                res = (xs - lo_s) / (hi_s - lo_s) * (up - low) + low
        elif nz.absolute:
            res = nz.func(sub, direction=directions[idx], **kw)
        else:
            res = nz.func(apply_direction(sub, directions[idx]), **kw)
        out[..., idx] = res
    if problems:
        raise ValidationFailed(f"标准化参数不全：{problems[0]}", problems=problems)
    return out


_PARAM_LABEL = {"lower": "门槛值（goalposts）", "upper": "门槛值（goalposts）", "standard": "评价标准值（standard）",
                "target": "目标值（target）"}


def _framework_param(framework, code: str, key: str):
    n = framework.by_code[code]
    if key == "lower":
        return None if n.goalposts is None else n.goalposts[0]
    if key == "upper":
        return None if n.goalposts is None else n.goalposts[1]
    return getattr(n, key)


class Weight(Step):
    """Derive a weight set from data or judgement and store it under ``write_to``.

    ``method``: ``equal``, ``manual`` (``weights`` map), ``entropy`` (``variant`` must be
    named: A, B, C or D), ``ahp`` (``matrices`` per group, ``ahp_method`` eigen or
    geomean; a CR ≥ 0.1 is rejected unless ``allow_inconsistent``), ``pca`` (Handbook,
    non-negative; varimax with Kaiser normalisation unless ``kaiser: false``) or
    ``critic``. Weights are computed within each group (children of
    one aggregate) at ``level``; other weights are copied from ``base``.
    """

    kind = "weight"
    label = "赋权"

    def __init__(self, *, dset: str = "Normalised", write_to: str = "Derived", method: str = "equal",
                 level: int = 1, base: str = "Original", variant: str | None = None,
                 weights: dict[str, float] | None = None, matrices: dict[str, list[list[float]]] | None = None,
                 ahp_method: str = "eigen", allow_inconsistent: bool = False, kaiser: bool = True) -> None:
        self.dset = dset
        self.write_to = write_to
        self.method = method
        self.level = level
        self.base = base
        self.variant = variant
        self.weights = weights
        self.matrices = matrices
        self.ahp_method = ahp_method
        self.allow_inconsistent = allow_inconsistent
        self.kaiser = kaiser

    def writes(self) -> list[str]:
        return [f"weights:{self.write_to}"]

    def apply(self, coin: Coin) -> None:
        from innodrive.assessment.kernels import weights as K

        fw = coin.framework
        if self.base not in coin.weights:
            raise InputError(f"找不到权重集“{self.base}”；现有：{'、'.join(coin.weights)}", field="base")
        new = dict(coin.weights[self.base])
        details: dict[str, Any] = {"method": self.method, "variant": self.variant, "groups": {}}
        if self.method == "entropy" and self.variant not in K.ENTROPY_VARIANTS:
            raise InputError("熵权法必须明确指定变体 variant：A（极差标准化后取比重）、B（原始值比重，pymcdm）、"
                             "C（A 加 1e-4）或 D（向量标准化）", field="variant")
        groups = [a for a in fw.aggregation_order
                  if any(fw.levels[c] == self.level for c in fw.children[a])]
        df = self._input(coin) if self.method in ("entropy", "pca", "critic") else None
        for parent in groups:
            kids = [c for c in fw.children[parent] if fw.levels[c] == self.level]
            if self.method == "equal":
                w = K.equal(len(kids))
            elif self.method == "manual":
                extra = set(self.weights or {}) - set(fw.by_code)
                if extra:
                    raise InputError(f"手工权重引用了未知指标：{'、'.join(sorted(extra))}", field="weights")
                missing = [k for k in kids if k not in (self.weights or {})]
                if missing:
                    raise InputError(f"手工权重缺少：{'、'.join(missing)}", field="weights")
                w = np.array([float(self.weights[k]) for k in kids])
            elif self.method == "ahp":
                if not self.matrices or parent not in self.matrices:
                    raise InputError(f"层次分析法缺少分组“{parent}”的判断矩阵", field="matrices")
                try:
                    r = K.ahp(self.matrices[parent], method=self.ahp_method)
                except ValueError as exc:
                    raise InputError(f"分组“{parent}”的判断矩阵无效：{exc}", field="matrices") from None
                if len(r.weights) != len(kids):
                    raise InputError(f"分组“{parent}”的判断矩阵应为 {len(kids)}×{len(kids)}（{'、'.join(kids)}）",
                                     field="matrices")
                if not r.consistent and not self.allow_inconsistent:
                    raise InputError(f"分组“{parent}”的判断矩阵一致性比率 CR={r.cr:.4f} ≥ 0.1，未通过一致性检验",
                                     field="matrices")
                w = r.weights
                details["groups"][parent] = {"lambda_max": r.lambda_max, "CI": r.ci, "CR": r.cr}
            elif self.method in ("entropy", "pca", "critic"):
                missing = [k for k in kids if k not in df.columns]
                if missing:
                    raise InputError(f"数据集“{self.dset}”中没有：{'、'.join(missing)}", field="dset")
                x = df[kids].to_numpy(dtype=float)
                benefit = np.array([fw.by_code[k].direction > 0 for k in kids])
                if len(kids) == 1:
                    w = np.array([1.0])
                else:
                    try:
                        if self.method == "entropy":
                            w = K.entropy(x, variant=self.variant, benefit=benefit)
                        elif self.method == "pca":
                            r = K.pca_handbook(x, kaiser=bool(self.kaiser))
                            w = r.weights
                            details["groups"][parent] = {"n_factors": r.n_factors,
                                                         "eigenvalues": r.eigenvalues.tolist(),
                                                         "varimax": "Kaiser 标准化" if r.kaiser else "未标准化"}
                        else:
                            w = K.critic(x, benefit=benefit)
                    except ValueError as exc:
                        raise InputError(f"分组“{parent}”无法计算{self.method}权重：{_zh(str(exc))}",
                                         field="method") from None
            else:
                raise InputError(f"未知的赋权方法“{self.method}”；可用：equal、manual、entropy、ahp、pca、critic",
                                 field="method")
            for k, v in zip(kids, w, strict=True):
                new[k] = float(v)
        coin.weights[self.write_to] = new
        coin.details[f"weights:{self.write_to}"] = details


def _zh(msg: str) -> str:
    table = {"complete matrix": "需要完整数据（请先插补缺失值）", "constant": "有指标在所有单位取值相同",
             "non-negative": "需要非负数据", "at least 3 units": "至少需要 3 个单位和 2 个指标"}
    for k, v in table.items():
        if k in msg:
            return v
    return msg


class Aggregate(Step):
    """Aggregate up the tree with a named kernel, level by level.

    ``method``/``params`` apply everywhere; ``by_level`` overrides them for the
    aggregates of a level (``{"3": {"method": "geometric", "params": {...}}}``).
    ``weights`` names a weight set; with ``by_type`` the unit's type selects the
    framework's per-type weights (主城区 / 县域 / 园区), renormalised within each group
    so that every type's scores stay on the same 0–100 scale.
    """

    kind = "aggregate"
    label = "合成"

    def __init__(self, *, dset: str = "Normalised", write_to: str = "Aggregated", method: str = "arithmetic",
                 params: dict | None = None, by_level: dict | None = None, weights: str = "Original",
                 dat_thresh: float | None = None, by_type: bool = True) -> None:
        self.dset = dset
        self.write_to = write_to
        self.method = method
        self.params = params
        self.by_level = by_level
        self.weights = weights
        self.dat_thresh = dat_thresh
        self.by_type = by_type

    def resolved(self) -> dict[str, Any]:
        from innodrive.assessment.kernels.aggregate import AGGREGATORS

        out = {}
        specs = {"*": {"method": self.method, "params": self.params or {}},
                 **{str(k): v for k, v in (self.by_level or {}).items()}}
        for level, spec in specs.items():
            m = spec.get("method", self.method)
            if m in AGGREGATORS:
                given = spec.get("params", {}) if "method" in spec else {**(self.params or {}), **spec.get("params", {})}
                out[level] = {"method": m, "params": _kernel_params(AGGREGATORS[m], given)}
        return out

    def apply(self, coin: Coin) -> None:
        from innodrive.assessment.kernels.aggregate import AGGREGATORS, NonPositiveValues

        df = self._input(coin)
        fw = coin.framework
        if self.weights not in coin.weights:
            raise InputError(f"找不到权重集“{self.weights}”；现有：{'、'.join(coin.weights)}", field="weights")
        cols = _indicator_cols(coin, df)
        mat = df[cols].to_numpy(dtype=float)
        values = {c: mat[:, j] for j, c in enumerate(cols)}
        wset = coin.weights[self.weights]
        types = coin.unit_types(df.index) if self.by_type else None
        by_level = {str(k): v for k, v in (self.by_level or {}).items()}
        for a in fw.aggregation_order:
            kids = fw.children[a]
            spec = by_level.get(str(fw.levels[a]), {})
            method = spec.get("method", self.method)
            params = spec.get("params", self.params or {}) if "method" in spec else {**(self.params or {}),
                                                                                      **spec.get("params", {})}
            if method not in AGGREGATORS:
                raise InputError(f"未知的合成方法“{method}”；可用：{'、'.join(AGGREGATORS)}", field="method")
            missing = [k for k in kids if k not in values]
            if missing:
                raise InputError(f"分组“{a}”的下级“{'、'.join(missing)}”在数据集“{self.dset}”中不存在", field="dset")
            check_kernel_params(AGGREGATORS[method], params, what=f"合成方法“{method}”", field="params")
            v = np.column_stack([values[k] for k in kids])
            w = coin.weight_matrix(kids, wset, types)
            kw = dict(params)
            if self.dat_thresh is not None:
                kw["dat_thresh"] = float(self.dat_thresh)
            try:
                values[a] = AGGREGATORS[method](v, w, **kw)
            except NonPositiveValues as exc:
                unit, child = df.index[exc.where[0]], kids[exc.where[1]]
                raise InputError(
                    f"{_AGG_ZH.get(method, method)}不能处理零或负值：单位“{unit}”的“{child}”为 {exc.value:g}。"
                    "请在参数中设置 zero_policy 为 offset（整体平移）或 drop（视为缺失），或把标准化区间设为 [1,100]",
                    field="zero_policy") from None
            except (TypeError, ValueError) as exc:
                raise InputError(f"合成方法“{method}”的参数无效：{exc}", field="params") from None
        agg = pd.DataFrame(np.column_stack([values[a] for a in fw.aggregation_order]), index=df.index,
                           columns=list(fw.aggregation_order))
        coin.data[self.write_to] = pd.concat([df, agg], axis=1)


_AGG_ZH = {"geometric": "加权几何平均", "harmonic": "加权调和平均", "generalised": "广义平均"}


class Topsis(Step):
    """TOPSIS closeness of every unit over all indicators (vector normalisation).

    Needs complete data; weights are the effective weights of the named set.
    """

    kind = "topsis"
    label = "TOPSIS 逼近理想解排序"

    def __init__(self, *, dset: str = "Treated", write_to: str = "TOPSIS", weights: str = "Original") -> None:
        self.dset = dset
        self.write_to = write_to
        self.weights = weights

    def apply(self, coin: Coin) -> None:
        from innodrive.assessment.kernels.topsis import topsis

        df = self._input(coin)
        fw = coin.framework
        cols = _indicator_cols(coin, df)
        x = df[cols].to_numpy(dtype=float)
        if np.isnan(x).any():
            i, j = np.argwhere(np.isnan(x))[0]
            raise InputError(f"TOPSIS 需要完整数据：单位“{df.index[i]}”的“{cols[j]}”缺失，请先插补", field=cols[j])
        eff = coin.effective_weights(self.weights)
        r = topsis(x, weights=[eff[c] for c in cols], benefit=[fw.by_code[c].direction > 0 for c in cols])
        coin.data[self.write_to] = pd.DataFrame({"closeness": r.closeness, "d_plus": r.d_plus,
                                                 "d_minus": r.d_minus}, index=df.index)


class Custom(Step):
    """Run a Python callable ``func(DataFrame) -> DataFrame``: escape hatch, not replayable.

    A callable cannot be written to the JSON log, so :meth:`can_regen` is false and
    regeneration stops here with the reason, rather than silently skipping it.
    """

    kind = "custom"
    label = "自定义处理"

    def __init__(self, *, dset: str = "Raw", write_to: str = "Custom", func: Callable | None = None) -> None:
        self.dset = dset
        self.write_to = write_to
        self.func = func

    def get_params(self) -> dict[str, Any]:
        return {"dset": self.dset, "write_to": self.write_to,
                "func": getattr(self.func, "__qualname__", repr(self.func))}

    def can_regen(self) -> tuple[bool, str | None]:
        return False, "自定义函数（Python 可调用对象）无法写入日志，不能重放"

    def apply(self, coin: Coin) -> None:
        if not callable(self.func):
            raise InputError("自定义步骤需要一个可调用对象 func", field="func")
        coin.data[self.write_to] = self.func(self._input(coin).copy())


STEPS: dict[str, type[Step]] = {s.kind: s for s in (Denominate, Screen, Impute, Treat, Normalise, Weight,
                                                      Aggregate, Topsis, Custom)}


def make_step(kind: str, params: dict) -> Step:
    """Rebuild a step from its log entry; unknown names or parameters are input errors."""
    if kind not in STEPS:
        raise InputError(f"未知的步骤“{kind}”；可用：{'、'.join(k for k in STEPS if k != 'custom')}", field="step")
    cls = STEPS[kind]
    valid = set(cls._param_names())
    bad = [k for k in params if k not in valid]
    if bad:
        raise InputError(f"步骤“{kind}”没有参数：{'、'.join(bad)}；可用参数：{'、'.join(sorted(valid))}", field=kind)
    return cls(**params)
