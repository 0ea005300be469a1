"""Chart-ready view models of an index and its checks, and the same charts as PNG images.

The web workbench renders these models with ECharts; reports embed :func:`render_png`
images (matplotlib, Chinese labels through an installed CJK font: Noto Sans CJK or
WenQuanYi Micro Hei from Debian's ``fonts-noto-cjk`` / ``fonts-wqy-microhei``). One model,
two renderings, so the page and the report always show the same numbers.
"""

from __future__ import annotations

import io
import math
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "Noto Serif CJK SC")


class BarChart(BaseModel):
    kind: Literal["bar"] = "bar"
    title: str
    categories: list[str]
    values: list[float | None]
    unit: str = ""
    reference: float | None = Field(None, description="a line to draw (e.g. 60)")
    reference_label: str | None = None


class DotChart(BaseModel):
    kind: Literal["dot"] = "dot"
    title: str
    rows: list[str] = Field(description="indicator names")
    unit_values: list[float | None] = Field(description="the highlighted unit's normalised score per row")
    others: list[list[float]] = Field(description="every other unit's scores per row")
    unit: str


class ScatterChart(BaseModel):
    kind: Literal["scatter"] = "scatter"
    title: str
    x_label: str
    y_label: str
    labels: list[str]
    x: list[float]
    y: list[float]
    r: float | None = None


class HeatmapChart(BaseModel):
    kind: Literal["heatmap"] = "heatmap"
    title: str
    labels: list[str]
    matrix: list[list[float | None]]


class IntervalChart(BaseModel):
    kind: Literal["intervals"] = "intervals"
    title: str
    units: list[str]
    nominal: list[float | None]
    low: list[float | None]
    high: list[float | None]
    what: str = "排名"


Chart = BarChart | DotChart | ScatterChart | HeatmapChart | IntervalChart


def _f(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else float(v)


def _agg(coin) -> pd.DataFrame:
    e = [x for x in coin.log if x["step"] == "aggregate"][-1]["params"]["write_to"]
    return coin.data[e]


def _norm(coin) -> pd.DataFrame:
    e = [x for x in coin.log if x["step"] == "normalise"]
    return coin.data[e[-1]["params"]["write_to"]] if e else coin.data["Raw"]


def bar_chart(coin, code: str | None = None, *, reference: float | None = None, names: dict | None = None) -> BarChart:
    fw = coin.framework
    code = code or fw.root
    s = _agg(coin)[code].sort_values(ascending=False, na_position="last")
    return BarChart(title=f"{fw.label(code)}", categories=[(names or {}).get(u, str(u)) for u in s.index],
                    values=[_f(v) for v in s.values], reference=reference,
                    reference_label=None if reference is None else f"达标线 {reference:g}")


def dot_chart(coin, unit: str, *, names: dict | None = None) -> DotChart:
    fw = coin.framework
    n = _norm(coin)
    rows = [c for c in fw.indicators if c in n.columns]
    return DotChart(title=f"{(names or {}).get(unit, unit)}各指标得分（与其他单位对比）", rows=[fw.label(c) for c in rows],
                    unit_values=[_f(n.at[unit, c]) for c in rows],
                    others=[[float(v) for u, v in n[c].items() if u != unit and not pd.isna(v)] for c in rows],
                    unit=(names or {}).get(unit, str(unit)))


def scatter_chart(coin, x_code: str, y_code: str, *, names: dict | None = None) -> ScatterChart:
    fw = coin.framework
    data = pd.concat([_norm(coin), _agg(coin)], axis=1)
    data = data.loc[:, ~data.columns.duplicated()]
    both = data[[x_code, y_code]].dropna()
    r = float(np.corrcoef(both[x_code], both[y_code])[0, 1]) if len(both) >= 3 and both.std().min() > 0 else None
    return ScatterChart(title=f"{fw.label(y_code)} 与 {fw.label(x_code)}", x_label=fw.label(x_code),
                        y_label=fw.label(y_code), labels=[(names or {}).get(u, str(u)) for u in both.index],
                        x=both[x_code].astype(float).tolist(), y=both[y_code].astype(float).tolist(), r=r)


def heatmap_chart(corr, fw) -> HeatmapChart:
    return HeatmapChart(title="指标相关系数", labels=[fw.label(c) for c in corr.codes], matrix=corr.matrix)


def interval_chart(ua, *, names: dict | None = None) -> IntervalChart:
    t = ua.table.sort_values("nominal_rank")
    return IntervalChart(title=f"排名不确定性（Sobol 抽样 {ua.n} 次，5%–95%）",
                         units=[(names or {}).get(u, str(u)) for u in t.index],
                         nominal=[_f(v) for v in t["nominal_rank"]], low=[_f(v) for v in t["rank_p05"]],
                         high=[_f(v) for v in t["rank_p95"]])


# --------------------------------------------------------------------------- images


@cache
def cjk_font() -> str | None:
    """The first installed CJK font matplotlib can use, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for n in CJK_FONTS:
        if n in names:
            return n
    return None


def render_png(chart: Chart, *, width: float = 8.0, dpi: int = 120) -> bytes:
    """A chart as a PNG for reports (Chinese labels need an installed CJK font)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    rc = {"font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "font.family": "sans-serif",
          "axes.unicode_minus": False}
    with plt.rc_context(rc):
        if isinstance(chart, BarChart):
            fig, ax = plt.subplots(figsize=(width, max(3, 0.3 * len(chart.categories) + 1)))
            vals = [np.nan if v is None else v for v in chart.values]
            y = np.arange(len(vals))[::-1]
            ax.barh(y, vals, color="#3b7dd8")
            ax.set_yticks(y, chart.categories)
            for yi, v in zip(y, chart.values, strict=True):
                if v is None:
                    ax.text(0, yi, " 无数据", va="center", color="#888888")
            if chart.reference is not None:
                ax.axvline(chart.reference, color="#d9534f", linestyle="--", label=chart.reference_label)
                ax.legend(loc="lower right")
        elif isinstance(chart, DotChart):
            fig, ax = plt.subplots(figsize=(width, max(3, 0.35 * len(chart.rows) + 1)))
            y = np.arange(len(chart.rows))[::-1]
            for yi, others in zip(y, chart.others, strict=True):
                ax.scatter(others, [yi] * len(others), color="#bbbbbb", s=12)
            ax.scatter([np.nan if v is None else v for v in chart.unit_values], y, color="#d9534f", s=40,
                       label=chart.unit, zorder=3)
            ax.set_yticks(y, chart.rows)
            ax.legend(loc="lower right")
        elif isinstance(chart, ScatterChart):
            fig, ax = plt.subplots(figsize=(width, width * 0.75))
            ax.scatter(chart.x, chart.y, color="#3b7dd8")
            for lab, xv, yv in zip(chart.labels, chart.x, chart.y, strict=True):
                ax.annotate(lab, (xv, yv), fontsize=7, xytext=(2, 2), textcoords="offset points")
            ax.set_xlabel(chart.x_label)
            ax.set_ylabel(chart.y_label)
        elif isinstance(chart, HeatmapChart):
            k = len(chart.labels)
            fig, ax = plt.subplots(figsize=(max(width, 0.5 * k + 2), max(width * 0.8, 0.45 * k + 1.5)))
            m = np.array([[np.nan if v is None else v for v in row] for row in chart.matrix], dtype=float)
            im = ax.imshow(m, cmap="RdBu_r", vmin=-1, vmax=1)
            ax.set_xticks(range(k), chart.labels, rotation=60, ha="right", fontsize=7)
            ax.set_yticks(range(k), chart.labels, fontsize=7)
            fig.colorbar(im, ax=ax, shrink=0.8)
        elif isinstance(chart, IntervalChart):
            fig, ax = plt.subplots(figsize=(width, max(3, 0.3 * len(chart.units) + 1)))
            y = np.arange(len(chart.units))[::-1]
            lo = np.array([np.nan if v is None else v for v in chart.low])
            hi = np.array([np.nan if v is None else v for v in chart.high])
            ax.hlines(y, lo, hi, color="#3b7dd8", linewidth=3)
            ax.scatter([np.nan if v is None else v for v in chart.nominal], y, color="#d9534f", zorder=3, label="名义排名")
            ax.set_yticks(y, chart.units)
            ax.invert_xaxis()
            ax.set_xlabel(chart.what)
            ax.legend(loc="lower right")
        else:  # pragma: no cover - the union is closed
            raise TypeError(type(chart))
        ax.set_title(chart.title)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        plt.close(fig)
    return buf.getvalue()
