"""The map data shipped for the pages: every 市州 and 区县 under its current code, a tile grid."""

from __future__ import annotations

from innodrive.province import maps
from innodrive.province.board import places


def test_boundaries_cover_every_region_under_current_codes():
    for level, n in (("prefecture", 21), ("county", 183)):
        gj = maps.geojson(level)
        codes = [f["properties"]["code"] for f in gj["features"]]
        assert sorted(codes) == sorted(p.code for p in places(level=level)) and len(codes) == n
        assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in gj["features"])
        assert "审图号" in gj["meta"]["caveat"]
    counties = {f["properties"]["code"]: f["properties"] for f in maps.geojson("county")["features"]}
    assert "513402" in counties and "513425" not in counties and counties["513402"]["name"] == "会理市"
    assert counties["510604"]["name"] == "罗江区" and counties["510604"]["parent"] == "510600"


def test_tile_grid_has_one_cell_per_city():
    tiles = maps.tile_grid()["tiles"]
    assert len(tiles) == 21 and len({(t["col"], t["row"]) for t in tiles}) == 21
    assert maps.public_layout() == "tiles" and maps.public_layout(True) == "geo"


def test_board_as_map_keeps_missing_as_missing():
    from innodrive.province.board import BoardRow, ProvinceBoard

    rows = [BoardRow(code=p.code, name=p.name, value=(None if i % 4 == 0 else float(i)), rank=None,
                     missing_reason=("未录入该年数据" if i % 4 == 0 else None))
            for i, p in enumerate(places())]
    b = ProvinceBoard(indicator="x", indicator_name="测试", unit="%", direction="ge", measure="ratio", year=2023,
                      level="prefecture", level_name="市州", province_code="510000", province_name="四川省", rows=rows)
    v = maps.map_view(b, kind="tiles")
    assert v.low == 1 and v.high == 19 and v.points[0].value is None and v.points[0].missing_reason
    assert all(p.col is not None for p in v.points) and v.points[0].link == f"/regions/{v.points[0].code}"
