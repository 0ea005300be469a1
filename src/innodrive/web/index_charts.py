"""ECharts options for an index's charts (the models of :mod:`innodrive.assessment.charts`):
bar with the 60% line, dot, scatter, correlation heat map, uncertainty intervals.

Layout only — every number comes from the chart model; the same models are drawn as PNG
images for reports by :func:`innodrive.assessment.charts.render_png`.
"""

from __future__ import annotations

from innodrive.assessment.charts import BarChart, DotChart, HeatmapChart, IntervalChart, ScatterChart

ACCENT = "#1a73e8"
LINE_COLOUR = "#b3261e"


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def bar(c: BarChart) -> dict:
    series: dict = {"type": "bar", "data": [_r(v) for v in c.values], "itemStyle": {"color": ACCENT}, "barMaxWidth": 22}
    if c.reference is not None:
        series["markLine"] = {"symbol": "none", "lineStyle": {"color": LINE_COLOUR, "type": "dashed", "width": 2},
                              "label": {"formatter": c.reference_label or str(c.reference)},
                              "data": [{"yAxis": c.reference}]}
    return {"title": {"text": c.title, "textStyle": {"fontSize": 14}}, "tooltip": {"trigger": "axis"},
            "__points": sum(v is not None for v in c.values),
            "grid": {"left": 50, "right": 20, "bottom": 80}, "xAxis": {"type": "category", "data": c.categories,
                                                                     "axisLabel": {"rotate": 45, "interval": 0}},
            "yAxis": {"type": "value", "name": c.unit}, "series": [series]}


def dot(c: DotChart) -> dict:
    others = [[v, i] for i, row in enumerate(c.others) for v in row]
    mine = [[v, i] for i, v in enumerate(c.unit_values) if v is not None]
    return {"title": {"text": c.title, "textStyle": {"fontSize": 14}}, "tooltip": {"trigger": "item"},
            "__points": len(mine), "legend": {"top": 24, "data": ["其他地区", c.unit]},
            "grid": {"left": 160, "right": 20, "top": 60},
            "xAxis": {"type": "value", "name": "标准化得分", "min": 0, "max": 100},
            "yAxis": {"type": "category", "data": c.rows, "axisLabel": {"interval": 0}},
            "series": [{"name": "其他地区", "type": "scatter", "data": others, "symbolSize": 7,
                        "itemStyle": {"color": "rgba(95,99,104,0.35)"}},
                       {"name": c.unit, "type": "scatter", "data": mine, "symbolSize": 13,
                        "itemStyle": {"color": LINE_COLOUR}}]}


def scatter(c: ScatterChart) -> dict:
    title = c.title + ("" if c.r is None else f"（r = {c.r:.2f}）")
    return {"title": {"text": title, "textStyle": {"fontSize": 14}}, "tooltip": {"trigger": "item"},
            "__points": len(c.x), "grid": {"left": 60, "right": 30},
            "xAxis": {"type": "value", "name": c.x_label, "scale": True},
            "yAxis": {"type": "value", "name": c.y_label, "scale": True},
            "series": [{"type": "scatter", "symbolSize": 10, "itemStyle": {"color": ACCENT},
                        "data": [{"value": [_r(x), _r(y)], "name": n} for n, x, y in zip(c.labels, c.x, c.y,
                                                                                           strict=True)],
                        "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": 10}}]}


def heatmap(c: HeatmapChart) -> dict:
    cells = [[j, i, _r(v)] for i, row in enumerate(c.matrix) for j, v in enumerate(row) if v is not None]
    return {"title": {"text": c.title, "textStyle": {"fontSize": 14}}, "tooltip": {"position": "top"},
            "__points": len(cells), "grid": {"left": 170, "bottom": 150, "right": 20},
            "xAxis": {"type": "category", "data": c.labels, "axisLabel": {"rotate": 60, "interval": 0}},
            "yAxis": {"type": "category", "data": c.labels, "axisLabel": {"interval": 0}},
            "visualMap": {"min": -1, "max": 1, "calculable": True, "orient": "horizontal", "left": "center",
                          "bottom": 0, "inRange": {"color": ["#2166ac", "#f7f7f7", "#b2182b"]}},
            "series": [{"type": "heatmap", "data": cells, "label": {"show": True, "fontSize": 9}}]}


def intervals(c: IntervalChart) -> dict:
    bars = [[i, lo, hi] for i, (lo, hi) in enumerate(zip(c.low, c.high, strict=True))
            if lo is not None and hi is not None]
    return {"title": {"text": c.title, "textStyle": {"fontSize": 14}}, "tooltip": {"trigger": "axis"},
            "__points": len(bars), "grid": {"left": 50, "right": 20, "bottom": 80},
            "xAxis": {"type": "category", "data": c.units, "axisLabel": {"rotate": 45, "interval": 0}},
            "yAxis": {"type": "value", "name": c.what, "inverse": c.what == "排名"},
            "series": [{"name": "下限", "type": "bar", "stack": "band", "itemStyle": {"color": "transparent"},
                        "data": [_r(v) for v in c.low], "tooltip": {"show": False}},
                       {"name": "不确定性区间", "type": "bar", "stack": "band", "barWidth": 6,
                        "itemStyle": {"color": "rgba(26,115,232,0.5)"},
                        "data": [None if lo is None or hi is None else _r(hi - lo)
                                 for lo, hi in zip(c.low, c.high, strict=True)]},
                       {"name": "名义值", "type": "scatter", "data": [_r(v) for v in c.nominal], "symbolSize": 10,
                        "itemStyle": {"color": LINE_COLOUR}}]}


DRAW = {"bar": bar, "dot": dot, "scatter": scatter, "heatmap": heatmap, "intervals": intervals}


def option(chart) -> dict:
    """The ECharts option of any index chart model."""
    return DRAW[chart.kind](chart)
