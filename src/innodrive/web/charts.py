"""ECharts options from the services' chart data (layout only: no number is computed here).

The page embeds the option as JSON in a ``<script type="application/json">`` block and
``static/app.js`` draws it with the vendored ECharts; the Content-Security-Policy allows
no inline script, and JSON is data, not code.
"""

from __future__ import annotations

from innodrive.services.overview import TargetChart, TrendSeries

COLORS = {"path": "#5f6368", "actual": "#b3261e", "forecast": "#1a73e8", "band": "rgba(26,115,232,0.18)",
          "target": "#1e8e3e"}


def _years(chart: TargetChart) -> list[str]:
    periods = {p.period for p in chart.path} | {p.period for p in chart.actuals}
    for p in (chart.baseline, chart.target, chart.forecast):
        if p is not None:
            periods.add(p.period)
    if not periods:
        return []
    numbers = sorted(int(p) for p in periods if p.isdecimal())
    return [str(y) for y in range(numbers[0], numbers[-1] + 1)] if numbers else sorted(periods)


def target_option(chart: TargetChart, *, title: str) -> dict:
    years = _years(chart)
    index = {y: i for i, y in enumerate(years)}

    def along(points) -> list:
        row: list = [None] * len(years)
        for p in points:
            if p.period in index:
                row[index[p.period]] = round(p.value, 6)
        return row

    series: list[dict] = []
    if chart.path:
        series.append({"name": "序时进度路径", "type": "line", "data": along(chart.path), "symbol": "none",
                       "lineStyle": {"type": "dashed", "color": COLORS["path"]}, "itemStyle": {"color": COLORS["path"]},
                       "connectNulls": True})
    series.append({"name": "实际值", "type": "line", "data": along(chart.actuals), "symbolSize": 8,
                   "lineStyle": {"width": 3, "color": COLORS["actual"]}, "itemStyle": {"color": COLORS["actual"]},
                   "connectNulls": True, "label": {"show": True, "position": "top", "fontSize": 11}})
    last = chart.actuals[-1] if chart.actuals else None
    if chart.forecast is not None and last is not None:
        fc = [None] * len(years)
        fc[index[last.period]] = round(last.value, 6)
        if chart.forecast.period in index:
            fc[index[chart.forecast.period]] = round(chart.forecast.value, 6)
        series.append({"name": "趋势预测", "type": "line", "data": fc, "connectNulls": True,
                       "lineStyle": {"type": "dotted", "width": 2, "color": COLORS["forecast"]},
                       "itemStyle": {"color": COLORS["forecast"]}})
        if chart.band is not None and chart.forecast.period in index:
            low = [None] * len(years)
            width = [None] * len(years)
            low[index[last.period]], width[index[last.period]] = round(last.value, 6), 0
            low[index[chart.forecast.period]] = round(chart.band[0], 6)
            width[index[chart.forecast.period]] = round(chart.band[1] - chart.band[0], 6)
            level = f"{round((chart.band_level or 0.8) * 100)}%"
            series.append({"name": f"{level}预测区间", "type": "line", "data": low, "stack": "band", "symbol": "none",
                           "lineStyle": {"opacity": 0}, "connectNulls": True, "tooltip": {"show": False}})
            series.append({"name": f"{level}预测区间", "type": "line", "data": width, "stack": "band",
                           "symbol": "none", "lineStyle": {"opacity": 0}, "connectNulls": True,
                           "areaStyle": {"color": COLORS["band"]}, "tooltip": {"show": False}})
    if chart.target is not None and chart.target.period in index:
        series.append({"name": "目标值", "type": "scatter", "data": along([chart.target]), "symbol": "diamond",
                       "symbolSize": 14, "itemStyle": {"color": COLORS["target"]}})
    if chart.baseline is not None and chart.baseline.period in index:
        series.append({"name": "基期值", "type": "scatter", "data": along([chart.baseline]), "symbolSize": 10,
                       "itemStyle": {"color": COLORS["path"]}})
    subtitle = f"单位：{chart.unit}" if chart.unit else ""
    if chart.probability is not None:
        subtitle += f"　到期达标概率 {chart.probability * 100:.0f}%"
    return {
        "title": {"text": title, "subtext": subtitle, "left": "left", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "left": "center", "data": [s["name"] for s in series if s.get("areaStyle") is None
                                                   and "预测区间" not in s["name"]] + (
            [s["name"] for s in series if s.get("areaStyle")])},
        "grid": {"left": 60, "right": 30, "top": 64, "bottom": 56},
        "xAxis": {"type": "category", "data": years, "boundaryGap": False},
        "yAxis": {"type": "value", "scale": True},
        "series": series,
    }


def trend_option(series: TrendSeries) -> dict:
    return {
        "title": {"text": series.name, "subtext": f"{series.region_name or ''}　单位：{series.unit}", "left": "left",
                  "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 55, "right": 20, "top": 60, "bottom": 28},
        "xAxis": {"type": "category", "data": [p for p, _ in series.points], "boundaryGap": False},
        "yAxis": {"type": "value", "scale": True},
        "series": [{"name": series.name, "type": "line", "data": [round(v, 6) for _, v in series.points],
                    "symbolSize": 6, "lineStyle": {"width": 2, "color": COLORS["actual"]},
                    "itemStyle": {"color": COLORS["actual"]}}],
    }
