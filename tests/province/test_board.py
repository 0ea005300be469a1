"""The province board: 21 市州 / 183 区县, ranks, changes, province value, missing with reasons."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import Forbidden, NotFound
from innodrive.indicators import importer
from innodrive.services.actor import Actor, Role
from innodrive.services.province import province_board

OFFICE = Actor(username="测试", role=Role.OFFICE)

# constructed values (not statistics) for a county-level check
CSV = """地区,指标,年份,值,单位,来源
乐山市市中区,高新技术企业数量,2022,40,家,构造测试数据
乐山市市中区,高新技术企业数量,2023,50,家,构造测试数据
峨眉山市,高新技术企业数量,2023,50,家,构造测试数据
会理市,高新技术企业数量,2023,7,家,构造测试数据
罗江区,高新技术企业数量,2023,12,家,构造测试数据
乐山市,城镇调查失业率,2023,5.5,%,构造测试数据
自贡市,城镇调查失业率,2023,5.1,%,构造测试数据
绵阳市,城镇调查失业率,2023,5.9,%,构造测试数据
"""


@pytest.fixture()
def store(initialised_store, tmp_path):
    importer.import_default(initialised_store, actor="测试")
    p = tmp_path / "t.csv"
    p.write_text(CSV, encoding="utf-8")
    importer.import_file(initialised_store, p, actor="测试")
    return initialised_store


def test_all_21_prefectures_with_ranks_sources_and_missing_reasons(store):
    b = province_board(store, OFFICE, indicator="R&D经费投入强度", year=2018, as_of=dt.date(2025, 1, 1))
    assert b.regions == 21 and len(b.rows) == 21 and b.unit == "%"
    by = {r.name: r for r in b.rows}
    assert by["绵阳市"].rank == 1 and by["绵阳市"].value == pytest.approx(6.61)
    assert "统计公报" in by["绵阳市"].source
    # 甘孜 and 凉山 were cut off in the published mirror: missing, never zero, with a reason
    for name in ("甘孜藏族自治州", "凉山彝族自治州"):
        assert by[name].value is None and by[name].rank is None and "未录入" in by[name].missing_reason
    known = sorted((r for r in b.rows if r.value is not None), key=lambda r: r.rank)
    assert [r.value for r in known] == sorted((r.value for r in known), reverse=True)
    assert b.province_value == pytest.approx(1.81) and "统计公报" in b.province_source
    assert b.average == pytest.approx(sum(r.value for r in known) / len(known))
    assert "简单平均" in b.average_note and "比率" in b.average_note


def test_not_yet_released_is_said_so(store):
    b = province_board(store, OFFICE, indicator="rd_intensity", year=2024, as_of=dt.date(2025, 3, 1))
    assert all("待发布" in r.missing_reason for r in b.rows)
    later = province_board(store, OFFICE, indicator="rd_intensity", year=2024, as_of=dt.date(2026, 3, 1))
    assert "未录入" in later.rows[0].missing_reason and "最近有数据的年份：2018" in later.rows[0].missing_reason


def test_less_is_better_ranks_the_smallest_first(store):
    b = province_board(store, OFFICE, indicator="城镇调查失业率", year=2023)
    ranks = {r.name: r.rank for r in b.rows if r.rank}
    assert ranks == {"自贡市": 1, "乐山市": 2, "绵阳市": 3}


def test_counties_with_change_on_the_year_and_renamed_codes(store):
    b = province_board(store, OFFICE, indicator="hnte_count", year=2023, level="county")
    assert b.regions == 183 and b.level_name == "区县"
    by = {r.name: r for r in b.rows}
    sz = by["市中区"] if "市中区" in by else next(r for r in b.rows if r.code == "511102")
    assert sz.parent_name == "乐山市" and sz.change == 10 and sz.change_pct == pytest.approx(25.0)
    assert sz.rank == 1 and by["峨眉山市"].rank == 1  # ties share the best rank
    assert next(r for r in b.rows if r.code == "513402").value == 7  # 会理市 under its GB/T 2260 code
    assert next(r for r in b.rows if r.code == "510604").value == 12  # 罗江区


def test_unknown_indicator_and_rights(store):
    with pytest.raises(NotFound, match="相近的指标"):
        province_board(store, OFFICE, indicator="高新技术企业数目录外", year=2023)
    with pytest.raises(Forbidden):
        province_board(store, Actor(username="p", role=Role.PUBLIC), indicator="hnte_count", year=2023)


def test_cli_prints_and_writes_the_board(store, tmp_path):
    import os
    import subprocess
    import sys

    import openpyxl

    if store.dialect != "sqlite":
        pytest.skip("one backend is enough for the face")
    out = tmp_path / "板.xlsx"
    env = {**os.environ, "INNODRIVE_DATABASE_URL": store.url, "COLUMNS": "160"}
    r = subprocess.run([sys.executable, "-m", "innodrive", "province", "-i", "rd_intensity", "-y", "2018",
                        "--as-of", "2025-01-01", "--out", str(out)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "绵阳市" in r.stdout and "缺失" in r.stdout and "全省：1.81" in r.stdout
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["排名", "市州", "区划代码"] and "缺失原因" in header
    assert ws.max_row == 21 + 1 + 2  # header, 21 市州, the province and the average
    r = subprocess.run([sys.executable, "-m", "innodrive", "province", "-i", "rd_intensity", "-y", "2018",
                        "--level", "乡镇"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "--level" in r.stderr
