"""The example cities side by side: one indicator's targets, paths and lights in 自贡、乐山、绵阳、宜宾."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from innodrive.errors import Forbidden
from innodrive.services.actor import Actor, Role
from innodrive.services.province import cities_side_by_side

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "documents"


@pytest.fixture()
def store(initialised_store, tmp_path, monkeypatch):
    from innodrive.extraction import extract_path
    from innodrive.indicators import importer
    from innodrive.plans import storage

    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path))
    importer.import_default(initialised_store, actor="测试")
    for p in sorted(EXAMPLES.glob("*.txt")):
        storage.add_plan(initialised_store, extract_path(p), actor="测试")
    return initialised_store


def test_hnte_targets_side_by_side_with_paths_and_lights(store):
    v = cities_side_by_side(store, Actor(username="t", role=Role.OFFICE), indicator="高新技术企业数量",
                            as_of=dt.date(2024, 6, 30))
    assert [c.region_name for c in v.cities] == ["自贡市", "乐山市", "绵阳市", "宜宾市"]
    by = {c.region_name: c for c in v.cities}
    mianyang = by["绵阳市"].targets[0]
    assert "倍" in mianyang.written and mianyang.target_value == pytest.approx(2 * 446)  # 倍增 on the 2020 stock
    assert mianyang.latest_value == 838 and mianyang.light in ("green", "yellow", "red")
    years = [p.year for p in mianyang.path]
    assert years[0] == 2020 and years[-1] == 2025
    assert mianyang.path[0].expected == pytest.approx(446) and mianyang.path[-1].expected == pytest.approx(892)
    assert next(p for p in mianyang.path if p.year == 2023).actual == 838
    assert any("192" in t.written for t in by["乐山市"].targets)
    grey = [t for c in v.cities for t in c.targets if t.light == "grey"]
    assert all(t.reason for t in grey)  # no light without its reason


def test_scope(store):
    county = Actor(username="c", role=Role.COUNTY, region_code="511102")  # 乐山市市中区
    with pytest.raises(Forbidden):
        cities_side_by_side(store, county, indicator="hnte_count", as_of=dt.date(2024, 6, 30),
                            regions=["自贡市", "绵阳市"])
