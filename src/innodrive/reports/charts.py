"""Charts as PNG images with Chinese labels, for Word and PDF alike.

A chart in a 通报 is a picture of numbers already in its tables, so it is drawn from
the same data by a small declared spec (:class:`BarChart`) and rendered once to PNG
(matplotlib's Agg backend, the embedded CJK font of :mod:`innodrive.reports.fonts`).
Rendering is deterministic — no timestamps or version strings in the file — so the
same data gives the same image bytes, and the Word and PDF documents that embed it
stay byte-for-byte reproducible.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

PALETTE = ("#2F5597", "#C00000", "#548235", "#BF8F00", "#7030A0", "#2E75B6", "#833C0B", "#595959")


class Series(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    values: tuple[float | None, ...]
    color: str | None = None


class ReferenceLine(BaseModel):
    """A threshold drawn across the bars (e.g. the 资金分配 floor)."""

    model_config = ConfigDict(frozen=True)

    value: float
    label: str


class BarChart(BaseModel):
    """Bars per category, one bar per series; an unknown value draws no bar and is marked 未知."""

    model_config = ConfigDict(frozen=True)

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    horizontal: bool = True
    value_labels: bool = True
    decimals: int = 2
    category_colors: tuple[str, ...] | None = Field(None, description="one colour per category (single series)")
    legend: tuple[tuple[str, str], ...] = Field((), description="(label, colour) pairs for category colours")
    reference: ReferenceLine | None = None
    width_mm: float = 150.0
    height_mm: float | None = None


def height_for(chart: BarChart) -> float:
    """A height in millimetres that gives each category room for its label."""
    if chart.height_mm is not None:
        return chart.height_mm
    n = len(chart.categories)
    if chart.horizontal:
        return float(min(200.0, max(60.0, 22.0 + n * 6.5 * max(1, len(chart.series)) ** 0.5)))
    return 90.0


def render_png(chart: BarChart, *, dpi: int = 200) -> bytes:
    """The chart as PNG bytes (deterministic for the same spec and font; the last few
    are remembered, since drawing is the slow part of a document)."""
    from innodrive.reports.fonts import find_font

    return _render_cached(chart.model_dump_json(), dpi, str(find_font().path))


@lru_cache(maxsize=32)
def _render_cached(spec: str, dpi: int, font_path: str) -> bytes:
    return _render(BarChart.model_validate_json(spec), dpi=dpi)


def _render(chart: BarChart, *, dpi: int) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from innodrive.reports.fonts import matplotlib_font

    font = matplotlib_font()
    small = font.copy()
    small.set_size(8)
    title_font = font.copy()
    title_font.set_size(11)
    w_in, h_in = chart.width_mm / 25.4, height_for(chart) / 25.4
    fig = Figure(figsize=(w_in, h_in), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    n = len(chart.categories)
    k = max(1, len(chart.series))
    band = 0.8
    width = band / k
    positions = list(range(n))
    finite = [v for s in chart.series for v in s.values if v is not None and math.isfinite(v)]
    span = (max(finite + [0.0]) - min(finite + [0.0])) or 1.0
    for j, s in enumerate(chart.series):
        offs = [p - band / 2 + width * (j + 0.5) for p in positions]
        vals = [0.0 if v is None or not math.isfinite(v) else float(v) for v in s.values]
        colors = (list(chart.category_colors) if chart.category_colors and k == 1
                  else [s.color or PALETTE[j % len(PALETTE)]] * n)
        if chart.horizontal:
            ax.barh(offs, vals, height=width * 0.9, color=colors, label=s.name)
        else:
            ax.bar(offs, vals, width=width * 0.9, color=colors, label=s.name)
        if chart.value_labels:
            for pos, v in zip(offs, s.values, strict=True):
                known = v is not None and math.isfinite(v)
                text = f"{v:.{chart.decimals}f}" if known else "未知"
                base = float(v) if known else 0.0
                pad = span * 0.01
                if chart.horizontal:
                    ax.text(base + (pad if base >= 0 else -pad), pos, text, va="center",
                            ha="left" if base >= 0 else "right", fontproperties=small)
                else:
                    ax.text(pos, base + (pad if base >= 0 else -pad), text, ha="center",
                            va="bottom" if base >= 0 else "top", fontproperties=small)
    reference_handle = None
    if chart.reference is not None:
        line = ax.axvline if chart.horizontal else ax.axhline
        reference_handle = line(chart.reference.value, color="#C00000", linestyle="--", linewidth=0.8,
                                label=chart.reference.label)
    label_axis = ax.set_yticks if chart.horizontal else ax.set_xticks
    label_axis(positions)
    if chart.horizontal:
        ax.set_yticklabels(chart.categories, fontproperties=font)
        ax.invert_yaxis()  # first category on top, as the table reads
        ax.set_xlabel(chart.unit, fontproperties=small)
        lo, hi = ax.get_xlim()
        ax.set_xlim(min(lo, 0.0), hi + span * 0.12)
    else:
        ax.set_xticklabels(chart.categories, fontproperties=font, rotation=45 if n > 8 else 0,
                           ha="right" if n > 8 else "center")
        ax.set_ylabel(chart.unit, fontproperties=small)
    for lab in ax.get_xticklabels() + ax.get_yticklabels():
        lab.set_fontproperties(small if lab.get_text() not in chart.categories else font)
    ax.set_title(chart.title, fontproperties=title_font)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = []
    if chart.legend:
        handles = [Patch(color=c, label=lab) for lab, c in chart.legend]
    elif k > 1:
        handles = [h for h in ax.get_legend_handles_labels()[0] if h is not reference_handle]
    if reference_handle is not None:
        handles.append(reference_handle)
    if handles:
        ax.legend(handles=handles, prop=small, frameon=False, loc="best")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


__all__ = ["PALETTE", "BarChart", "ReferenceLine", "Series", "height_for", "render_png"]
