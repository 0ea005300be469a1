"""The provincial 科技创新水平指数 for every 市州: index, missing data, gap to 60%, levers, what-if.

The method is the official one as far as it is published (preset ``sichuan_sti_index``):
each indicator's value against its 评价标准值, d = min(x/x_std, 1) × 100, then weighted
arithmetic means up the tree. The standard values and weights are not public: the user
supplies them in a framework file that ``extends: sichuan_sti_index``, and every output
says so. Values come from the store's observations (the same cells as the province
board, with their sources); a city missing an indicator is computed on the indicators it
has (weights renormalised within each group, as the engine does) and the missing ones
are listed with their reasons — an index on incomplete data is flagged, never padded.

Levers, for one city: with arithmetic aggregation the index is I = Σ_j e_j·d_j where e_j
is the effective weight of indicator j *for that city* (its weight share along its path,
renormalised over the indicators the city has). So

* per unit of the indicator: ∂I/∂x_j = e_j·100/x_std (0 once x_j reaches its standard —
  the cap; for a "less is better" indicator −e_j·100·x_std/x_j²);
* per 1% of its current value: the exact change of I when x_j rises by 1% (the cap can
  bite within that step, so it is computed, not linearised);
* headroom: the points the indicator can still add before its cap, e_j·(100 − d_j);
* alone to the line: the value x_j would need for I to reach the line with nothing else
  changing, when its headroom allows.

The analytic derivative is checked against finite differences of the engine's own index
in the tests. :func:`what_if` reruns the engine with changed values.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from innodrive.errors import InputError, NotFound

LINE = 60.0
PRESET = "sichuan_sti_index"
PUBLISHED_CODE = "sti_composite_index"


class MissingItem(BaseModel):
    code: str
    name: str
    reason: str


class CityIndex(BaseModel):
    code: str
    name: str
    index: float | None
    rank: int | None = None
    groups: dict[str, float | None] = Field(default_factory=dict)
    available: int
    total: int
    missing: list[MissingItem] = Field(default_factory=list)
    gap: float | None = Field(None, description="line − index (positive: below the line)")
    published: float | None = Field(None, description="the published index of that year, when the store has one")
    published_source: str | None = None


class Lever(BaseModel):
    code: str
    name: str
    unit: str | None
    value: float
    standard: float
    direction: int
    normalised: float
    effective_weight: float
    per_unit: float = Field(description="index points per one unit of the indicator (marginal)")
    per_percent: float = Field(description="index points when the indicator rises by 1% of its current value")
    headroom: float = Field(description="points still available before the cap")
    capped: bool
    needed_alone: float | None = Field(None, description="value reaching the line alone, if its headroom allows")


class IndexReport(BaseModel):
    framework_id: str
    framework_name: str
    version: str
    year: int
    line: float = LINE
    provenance: str
    cities: list[CityIndex]
    group_names: dict[str, str]
    notes: list[str] = Field(default_factory=list)


class CityLevers(BaseModel):
    city: CityIndex
    levers: list[Lever]
    what_if: dict[str, float] = Field(default_factory=dict)
    what_if_index: float | None = None
    what_if_gap: float | None = None


# --------------------------------------------------------------------------- framework


def load_index_framework(source):
    """The user's framework (a path, or ``(bytes, name)``) that completes the preset.

    The preset alone cannot run (its standard values and weights are not public); a
    clear message says what to do instead of computing with invented numbers.
    """
    from innodrive.assessment.framework import load_framework, parse_framework, raw_from_bytes

    if source is None:
        raise InputError("四川省科技创新水平指数的现行评价标准值和权重未公开：请提供框架文件"
                         f"（extends: {PRESET}，填写全部标准值 standards 与权重 weights，须来自省统计监测文件），"
                         "可先生成待填写的模板", field="framework")
    if isinstance(source, tuple):
        data, name = source
        fw = parse_framework(raw_from_bytes(data, name=name), file=name)
    else:
        fw = load_framework(source)
    check_method(fw)
    return fw


def check_method(fw) -> None:
    """Levers and gaps are exact for the official method only: standard values + arithmetic means."""
    norm = [m for m in fw.method if m.get("step") == "normalise"]
    agg = [m for m in fw.method if m.get("step") == "aggregate"]
    if [m.get("step") for m in fw.method] != ["normalise", "aggregate"] or \
            norm[0].get("method") != "standard_value" or agg[0].get("method", "arithmetic") != "arithmetic" \
            or agg[0].get("by_level"):
        raise InputError("科技创新水平指数按评价标准值法（standard_value）和加权算术平均计算；"
                         "框架中的 method 不应改动", file=fw.file, field="method")


def template_yaml() -> str:
    """A fill-in file for the user: every standard value and weight to supply, nothing invented."""
    from innodrive.assessment.framework import _preset_raw  # the raw preset, before validation

    raw = _preset_raw(PRESET)
    lines = [
        "# 四川省市州科技创新水平指数 — 待填写的标准值与权重",
        "# 官方现行评价标准值和权重未公开：请依据四川省科技厅区域科技创新统计监测文件填写每一项，",
        "# 不要填写估计值。所有数值在输出中标为“用户提供”。权重在各组内按比例归一化；",
        "# 某指标不纳入计算时权重填 0。",
        f"extends: {PRESET}",
        "id: sc_sti_local",
        "name: 四川省市州科技创新水平指数（本地计算）",
        'version: "填写版本"',
        f"effective: {dt.date.today().year}-01-01",
        "standards:",
    ]
    for e in raw["indicators"]:
        lines.append(f"  {e['code']}:      # {e['name']}（{e.get('unit') or ''}）评价标准值")
    lines.append("weights:")
    for e in raw["aggregates"][1:]:
        lines.append(f"  {e['code']}:      # 一级指标 {e['name']}")
    for e in raw["indicators"]:
        lines.append(f"  {e['code']}:      # {e['name']}（组内权重）")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- data


def city_data(session, fw, year: int, *, as_of: dt.date | None = None):
    """Values of the framework's indicators for the 21 市州 (units × codes), with each
    city's missing items and reasons, and the published index where the store has one."""
    from innodrive.province.board import province_boards

    boards = province_boards(session, list(fw.indicators), year, as_of=as_of)
    cities = [(r.code, r.name) for r in boards[0].rows]
    values = pd.DataFrame(np.nan, index=[c for c, _ in cities], columns=list(fw.indicators), dtype=float)
    missing: dict[str, list[MissingItem]] = {c: [] for c, _ in cities}
    for code, b in zip(fw.indicators, boards, strict=True):
        for r in b.rows:
            if r.value is not None:
                values.at[r.code, code] = r.value
            else:
                missing[r.code].append(MissingItem(code=code, name=fw.label(code), reason=r.missing_reason or ""))
    published: dict[str, tuple[float, str]] = {}
    try:
        pub = province_boards(session, [PUBLISHED_CODE], year, as_of=as_of)[0]
        published = {r.code: (r.value, r.source or "") for r in pub.rows if r.value is not None}
    except NotFound:
        pass
    return cities, values, missing, published


# --------------------------------------------------------------------------- index


def compute(fw, values: pd.DataFrame):
    """Run the framework's method on a values frame; the coin (every data set kept)."""
    from innodrive.assessment.coin import Coin

    known = [c for c in fw.indicators if values[c].notna().any()]
    if not known:
        raise InputError("所选年份没有任何一个指标有数据，无法计算指数", field="year")
    coin = Coin(framework=fw, data=values)
    coin.run(fw.method)
    return coin


def index_report(session, fw, year: int, *, as_of: dt.date | None = None) -> tuple[IndexReport, object]:
    """The index of every 市州 for one year, with missing data, gap to the line and ranks."""
    cities, values, missing, published = city_data(session, fw, year, as_of=as_of)
    coin = compute(fw, values)
    agg = coin.data["Aggregated"]
    idx = agg[fw.root]
    ranks = idx.rank(ascending=False, method="min")
    level1 = list(fw.children[fw.root])
    out = []
    for code, name in cities:
        v = idx.get(code)
        v = None if v is None or pd.isna(v) else float(v)
        c = CityIndex(code=code, name=name, index=v, rank=None if v is None else int(ranks[code]),
                      groups={g: (None if pd.isna(agg.at[code, g]) else float(agg.at[code, g])) for g in level1},
                      available=int(values.loc[code].notna().sum()), total=len(fw.indicators),
                      missing=missing[code], gap=None if v is None else LINE - v)
        if code in published:
            c.published, c.published_source = published[code]
        out.append(c)
    notes = []
    incomplete = [c.name for c in out if c.index is not None and c.missing]
    if incomplete:
        notes.append(f"{len(incomplete)} 个市州数据不全，指数按已有指标计算（组内权重重新归一化），与官方结果不可直接比较："
                     + "、".join(incomplete[:8]) + ("等" if len(incomplete) > 8 else ""))
    if any(c.published is not None for c in out):
        notes.append("“已公布值”为省统计监测公布的指数，其输入数据未公开，innodrive 无法复算；与计算值的差异反映标准值、"
                     "权重或指标体系的不同")
    report = IndexReport(framework_id=fw.id, framework_name=fw.name, version=fw.version, year=year,
                         provenance=_provenance(fw), cities=out,
                         group_names={g: fw.label(g) for g in level1}, notes=notes)
    return report, coin


def _provenance(fw) -> str:
    marks = fw.user_supplied()
    n_std = sum(1 for _, f in marks if f == "standard")
    n_w = sum(1 for _, f in marks if f == "weight")
    return (f"评价标准值 {n_std} 项、权重 {n_w} 项为用户提供（官方现行值未公开），不是官方数值；"
            f"框架：{fw.name}（{fw.version}）")


# --------------------------------------------------------------------------- levers


def effective_weights(fw, available: pd.Series) -> dict[str, float]:
    """Each indicator's share of one unit's index, given which indicators the unit has:
    weights renormalised over available siblings at every level (as the aggregation does)."""
    avail: dict[str, bool] = {c: bool(available.get(c, False)) for c in fw.indicators}
    for a in fw.aggregation_order:
        avail[a] = any(avail[k] for k in fw.children[a])
    w = {n.code: (1.0 if n.weight is None else float(n.weight)) for n in fw.nodes}
    out = {}
    for code in fw.indicators:
        if not avail[code]:
            out[code] = 0.0
            continue
        e = 1.0
        for c in fw.path(code)[:-1]:
            sib = sum(w[s] for s in fw.children[fw.by_code[c].parent] if avail[s])
            e *= w[c] / sib if sib > 0 else 0.0
        out[code] = e
    return out


def _index_of(fw, coin, row: pd.Series) -> float:
    """The index of one unit with changed raw values (the engine replayed on one row)."""
    from innodrive.assessment.coin import Coin

    c = Coin(framework=fw, data=pd.DataFrame([row.values], index=["x"], columns=row.index))
    c.log = [dict(e) for e in coin.log]
    v = c.regenerate().data["Aggregated"].at["x", fw.root]
    return float("nan") if pd.isna(v) else float(v)


def levers(fw, coin, report: IndexReport, city: str, *, what_if: dict[str, float] | None = None) -> CityLevers:
    """Gap to the line and the levers of one 市州 (name or code), with an optional what-if."""
    from innodrive.regions import resolve

    code = resolve(city, within="510000").code
    target = next((c for c in report.cities if c.code == code), None)
    if target is None:
        raise NotFound(f"“{city}”不是四川省的市州", field="region")
    if target.index is None:
        raise InputError(f"{target.name}在 {report.year} 年没有任何指标数据，无法计算指数和提升路径", field="region")
    raw = coin.data["Raw"].loc[code]
    eff = effective_weights(fw, raw.notna())
    base = target.index
    out = []
    for j in fw.indicators:
        x = raw[j]
        if pd.isna(x) or eff[j] == 0:
            continue
        node = fw.by_code[j]
        s, d = float(node.standard), node.direction
        norm = float(coin.data["Normalised"].at[code, j])
        capped = norm >= 100 - 1e-12
        if d > 0:
            per_unit = 0.0 if x >= s else eff[j] * 100 / s
        else:
            per_unit = 0.0 if x <= s else -eff[j] * 100 * s / x**2
        bumped = raw.copy()
        bumped[j] = x * 1.01 if d > 0 else x * 0.99
        per_pct = _index_of(fw, coin, bumped) - base if x != 0 else 0.0
        headroom = eff[j] * (100 - norm)
        needed = None
        gap = LINE - base
        if gap > 0 and headroom >= gap - 1e-12 and d > 0:
            needed = x + gap / (eff[j] * 100 / s)
        elif gap > 0 and headroom >= gap - 1e-12 and d < 0:
            needed = s * 100 / (norm + gap / eff[j])
        out.append(Lever(code=j, name=node.name, unit=node.unit, value=float(x), standard=s, direction=d,
                         normalised=norm, effective_weight=eff[j], per_unit=per_unit, per_percent=per_pct,
                         headroom=headroom, capped=capped, needed_alone=needed))
    out.sort(key=lambda lv: (-lv.per_percent, -lv.headroom))
    res = CityLevers(city=target, levers=out)
    if what_if:
        changed = raw.copy()
        for k, v in what_if.items():
            if k not in fw.by_code or fw.by_code[k].kind != "indicator":
                raise InputError(f"假设分析的指标“{k}”不在框架中", field="what_if")
            if not math.isfinite(v) or v < 0:
                raise InputError(f"假设分析的数值无效：{k}={v}", field="what_if")
            changed[k] = v
        res.what_if = dict(what_if)
        res.what_if_index = _index_of(fw, coin, changed)
        res.what_if_gap = LINE - res.what_if_index
    return res


__all__ = ["LINE", "CityIndex", "CityLevers", "IndexReport", "Lever", "MissingItem", "check_method",
           "effective_weights", "index_report", "levers", "load_index_framework", "template_yaml"]
