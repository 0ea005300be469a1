"""The province board drawn as a map of Sichuan (ECharts ``registerMap``) or as a tile grid.

Layout only: the values, ranks and missing reasons come from
:class:`innodrive.province.maps.MapView`. The boundary map is an ECharts ``map`` series
on the prepared GeoJSON (served by the ``map_geojson`` route), matched on the region
code (``nameProperty: "code"``: two counties are both called 市中区), coloured by a
continuous ``visualMap`` whose legend is drawn on the map. A region without a value is
not given a value at all — ECharts leaves it out of the colour scale — and is drawn
grey with stripes and labelled 无数据, so missing never looks like a low value.

The tile grid is plain HTML (one square per 市州, coloured on the same scale): it works
without JavaScript and shows no boundaries, for public pages (审图号 caveat).
"""

from __future__ import annotations

from pydantic import BaseModel

from innodrive.province.maps import MapView

# light → dark; for a "less is better" indicator the scale is reversed (dark = better)
PALETTE = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")
MISSING = "#e8eaed"
MISSING_DECAL = {"symbol": "rect", "dashArrayX": [1, 0], "dashArrayY": [2, 5], "rotation": 0.785,
                 "color": "rgba(95,99,104,0.45)"}


def _scale(view: MapView) -> tuple[float, float, list[str]]:
    low = view.low if view.low is not None else 0.0
    high = view.high if view.high is not None else 1.0
    if high <= low:
        high = low + 1.0
    colours = list(PALETTE) if view.higher_is_better else list(reversed(PALETTE))
    return low, high, colours


def _label(value: float | None, unit: str) -> str:
    from innodrive.web.render import _number

    return "无数据" if value is None else f"{_number(value)} {unit}"


def map_option(view: MapView) -> dict:
    """An ECharts option for the boundary map (``view.kind == "geo"``)."""
    low, high, colours = _scale(view)
    data = []
    for p in view.points:
        item: dict = {"name": p.code, "label_text": p.name, "link": p.link, "rank": p.rank,
                      "text": _label(p.value, view.unit)}
        if p.value is None:
            item.update(value=None, missing=p.missing_reason or "无数据",
                        itemStyle={"areaColor": MISSING, "decal": MISSING_DECAL})
        else:
            item["value"] = round(p.value, 6)
        data.append(item)
    county = view.level == "county"
    return {
        "__region_labels": True,
        "title": {"text": view.title, "left": "left", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "visualMap": {"type": "continuous", "min": low, "max": high, "calculable": True, "left": 10, "bottom": 20,
                      "text": [f"高 {_label(high, view.unit)}", f"低 {_label(low, view.unit)}"],
                      "inRange": {"color": colours}, "seriesIndex": 0, "itemHeight": 160},
        "series": [{
            "type": "map", "map": view.map_name, "nameProperty": "code", "roam": True, "selectedMode": False,
            "layoutCenter": ["55%", "52%"], "layoutSize": "95%",
            "label": {"show": not county, "fontSize": 11, "color": "#202124"},
            "emphasis": {"label": {"show": True}, "itemStyle": {"areaColor": "#8ab4f8"}},
            "itemStyle": {"borderColor": "#5f6368", "borderWidth": 0.6, "areaColor": MISSING},
            "data": data,
        }],
    }


def _mix(a: str, b: str, t: float) -> str:
    x = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    y = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(u + (v - u) * t):02x}" for u, v in zip(x, y, strict=True))


def colour(value: float, view: MapView, scale: tuple[float, float, list[str]] | None = None) -> str:
    """The colour of ``value`` on the map's scale (the same stops as the ``visualMap``)."""
    low, high, colours = scale or _scale(view)
    t = min(max((value - low) / (high - low), 0.0), 1.0) * (len(colours) - 1)
    i = min(int(t), len(colours) - 2)
    return _mix(colours[i], colours[i + 1], t - i)


class Tile(BaseModel):
    code: str
    name: str
    col: int
    row: int
    value_text: str
    rank: int | None
    missing: str | None
    colour: str
    dark: bool
    link: str


class TileGrid(BaseModel):
    cols: int
    rows: int
    tiles: list[Tile]
    legend: list[tuple[str, str]]


def tile_grid(view: MapView) -> TileGrid:
    """The tiles of a tile-grid view, each coloured on the map's scale (grey: missing)."""
    tiles = []
    scale = _scale(view)
    for p in view.points:
        if p.col is None or p.row is None:
            continue
        if p.value is None:
            c, dark = MISSING, False
        else:
            c = colour(p.value, view, scale)
            rgb = [int(c[i:i + 2], 16) for i in (1, 3, 5)]
            dark = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 140
        tiles.append(Tile(code=p.code, name=p.name, col=p.col, row=p.row, value_text=_label(p.value, view.unit),
                          rank=p.rank, missing=p.missing_reason if p.value is None else None, colour=c, dark=dark,
                          link=p.link))
    low, high, colours = _scale(view)
    legend = [(colours[0], _label(low, view.unit)), (colours[-1], _label(high, view.unit)), (MISSING, "无数据")]
    return TileGrid(cols=max((t.col for t in tiles), default=0) + 1, rows=max((t.row for t in tiles), default=0) + 1,
                    tiles=tiles, legend=legend)


def bar_option(view: MapView) -> dict:
    """The same values as a ranked bar chart (best first); regions without a value are not
    drawn as bars at all but named under the chart as 无数据."""
    shown = [p for p in view.points if p.value is not None]
    shown.sort(key=lambda p: p.value, reverse=view.higher_is_better)
    missing = [p.name for p in view.points if p.value is None]
    subtitle = f"无数据：{'、'.join(missing)}" if missing else ""
    scale = _scale(view)
    return {
        "__region_labels": True,
        "__points": len(shown),
        "title": {"text": f"排名 · {view.title}", "subtext": subtitle[:300], "left": "left",
                  "textStyle": {"fontSize": 14}, "subtextStyle": {"width": 1000, "overflow": "break"}},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 90, "right": 30, "top": 70 if subtitle else 40, "bottom": 30},
        "xAxis": {"type": "value", "name": view.unit},
        "yAxis": {"type": "category", "inverse": True, "data": [p.code for p in shown],
                  "axisLabel": {"interval": 0, "fontSize": 11}},
        "series": [{"type": "bar", "name": view.title, "barMaxWidth": 18,
                    "data": [{"value": round(p.value, 6), "name": p.code, "label_text": p.name, "link": p.link,
                              "rank": p.rank, "text": _label(p.value, view.unit),
                              "itemStyle": {"color": colour(p.value, view, scale)}} for p in shown]}],
        "__category_names": {p.code: p.name for p in shown},
    }


def index_bar_option(report, *, link: str) -> dict:
    """Every 市州's 科技创新水平指数 as bars (highest first) with the 60% line; cities without
    any data are named under the chart, not drawn as zero."""
    shown = sorted((c for c in report.cities if c.index is not None), key=lambda c: -c.index)
    missing = [c.name for c in report.cities if c.index is None]
    line = report.line
    return {
        "__region_labels": True,
        "__points": len(shown),
        "title": {"text": f"{report.framework_name} · {report.year} 年", "left": "left", "textStyle": {"fontSize": 14},
                  "subtext": ("无数据：" + "、".join(missing))[:300] if missing else ""},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 50, "right": 30, "top": 85, "bottom": 70},
        "xAxis": {"type": "category", "data": [c.code for c in shown], "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "max": 100},
        "__category_names": {c.code: c.name for c in shown},
        "series": [{"type": "bar", "barMaxWidth": 26,
                    "data": [{"value": round(c.index, 4), "name": c.code, "label_text": c.name, "rank": c.rank,
                              "link": link.format(code=c.code),
                              "text": f"{c.index:.1f}（{c.available}/{c.total} 项指标有数据）",
                              "itemStyle": {"color": "#1e8e3e" if c.index >= line else "#fd8d3c"}} for c in shown],
                    "markLine": {"symbol": "none", "lineStyle": {"color": "#b3261e", "type": "dashed", "width": 2},
                                 "label": {"formatter": f"{line:g}"}, "data": [{"yAxis": line}]}}],
    }
