"""Import formats and semantics: long/wide, CSV (UTF-8, GB18030) and XLSX, unit
conversion, idempotence, dry runs, revisions, derived values, the shipped dataset."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from innodrive.indicators import importer, observations
from innodrive.store import audit
from innodrive.store.schema import ImportBatchRow, ObservationRow

LESHAN = "511100"


@pytest.fixture
def store(initialised_store):
    return initialised_store


def rows(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(ObservationRow))


def values(store, **kw) -> dict:
    return {(o.region_code, o.indicator_code, o.period): o.value for o in observations.latest(store, **kw)}


LONG = """地区,指标,年份,值,单位,来源
乐山市,R&D经费支出,2020,253000,万元,测试来源A
乐山市,地区生产总值,2020,2003.43,亿元,测试来源B
乐山市,高新技术企业数量,2020,1.2,万家,测试来源C
乐山市,常住人口,2020,3160168,人,第七次全国人口普查公报
"""
WIDE = """地区,指标,单位,来源,2020年,2021
乐山市,R&D经费支出,万元,测试来源A,253000,
乐山市,地区生产总值,亿元,测试来源B,2003.43,
乐山市,高新技术企业数量,万家,测试来源C,1.2,
乐山市,常住人口,人,第七次全国人口普查公报,3160168,
"""
# 253000万元 = 25.3亿元; 1.2万家 = 12000家; 3160168人 = 316.0168万人
EXPECTED = {(LESHAN, "rd_expenditure", "2020"): 25.3, (LESHAN, "gdp", "2020"): 2003.43,
            (LESHAN, "hnte_count", "2020"): 12000.0, (LESHAN, "population", "2020"): 316.0168}


def test_long_csv_is_converted_into_catalogue_units(store, tmp_path):
    p = tmp_path / "long.csv"
    p.write_text(LONG, encoding="utf-8")
    r = importer.import_file(store, p, actor="统计员")
    assert (r.layout, r.added, r.revised, r.unchanged) == ("long", 4, 0, 0)
    assert values(store, include_derived=False) == EXPECTED
    [rd] = [o for o in observations.latest(store) if o.indicator_code == "rd_expenditure"]
    assert (rd.unit, rd.value_as_written, rd.unit_as_written, rd.source) == ("亿元", 253000, "万元", "测试来源A")


def test_wide_gb18030_csv_gives_the_same_values(store, tmp_path):
    p = tmp_path / "wide.csv"
    p.write_bytes(WIDE.encode("gb18030"))
    r = importer.import_file(store, p, actor="统计员")
    assert (r.layout, r.added, r.blank) == ("wide", 4, 4)
    assert values(store, include_derived=False) == EXPECTED


@pytest.mark.parametrize("text", [LONG, WIDE], ids=["long", "wide"])
def test_xlsx_gives_the_same_values(store, tmp_path, text):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in text.strip().splitlines():
        cells = []
        for c in line.split(","):
            try:
                cells.append(float(c) if "." in c else int(c))
            except ValueError:
                cells.append(c or None)
        ws.append(cells)
    wb.save(tmp_path / "t.xlsx")
    importer.import_file(store, tmp_path / "t.xlsx", actor="统计员")
    assert values(store, include_derived=False) == EXPECTED


def test_importing_the_same_file_twice_changes_nothing(store, tmp_path):
    p = tmp_path / "long.csv"
    p.write_text(LONG, encoding="utf-8")
    importer.import_file(store, p, actor="统计员")
    n = rows(store)
    with store.read() as s:
        n_audit, n_batches = len(audit.entries(s)), s.scalar(select(func.count()).select_from(ImportBatchRow))
    again = importer.import_file(store, p, actor="统计员")
    assert (again.added, again.revised, again.unchanged, again.batch_id) == (0, 0, 4, None)
    assert rows(store) == n
    with store.read() as s:
        assert (len(audit.entries(s)), s.scalar(select(func.count()).select_from(ImportBatchRow))) == (n_audit, n_batches)


def test_a_corrected_value_is_a_new_revision_and_the_old_one_stays(store, tmp_path):
    p = tmp_path / "long.csv"
    p.write_text(LONG, encoding="utf-8")
    importer.import_file(store, p, actor="统计员")
    p.write_text(LONG.replace("2003.43,亿元,测试来源B", "2008.11,亿元,测试来源B（修订）"), encoding="utf-8")
    preview = importer.preview(store, p)
    assert (preview.added, preview.revised, preview.unchanged) == (0, 1, 3)
    [change] = preview.changes
    assert (change.before.value, change.new.value) == (2003.43, 2008.11)
    assert values(store)[(LESHAN, "gdp", "2020")] == 2003.43  # the preview wrote nothing
    r = importer.import_file(store, p, actor="审核员")
    assert (r.added, r.revised) == (0, 1)
    hist = observations.history(store, region_code=LESHAN, indicator_code="gdp", period="2020年")
    assert [(o.revision, o.value, o.is_current, o.source) for o in hist if o.origin == "reported"] == [
        (1, 2003.43, False, "测试来源B"), (2, 2008.11, True, "测试来源B（修订）")]
    assert values(store)[(LESHAN, "gdp", "2020")] == 2008.11


def test_derived_values_come_from_their_parts_and_follow_corrections(store, tmp_path):
    p = tmp_path / "long.csv"
    p.write_text(LONG, encoding="utf-8")
    importer.import_file(store, p, actor="统计员")
    # rd_intensity = R&D / GDP × 100 = 25.3 / 2003.43 × 100
    derived = {(o.indicator_code, o.period): o for o in observations.latest(store) if o.origin == "derived"}
    assert derived[("rd_intensity", "2020")].value == pytest.approx(25.3 / 2003.43 * 100)
    assert "派生" in derived[("rd_intensity", "2020")].source
    # GDP per person: 2003.43亿元 / 316.0168万人 × 10000 = 元/人
    assert derived[("gdp_per_capita", "2020")].value == pytest.approx(2003.43 / 316.0168 * 10000)
    # a correction of a part revises the derived value
    p.write_text(LONG.replace("2003.43", "2100"), encoding="utf-8")
    importer.import_file(store, p, actor="统计员")
    hist = [o for o in observations.history(store, region_code=LESHAN, indicator_code="rd_intensity")
            if o.origin == "derived"]
    assert [o.revision for o in hist] == [1, 2]
    assert hist[-1].value == pytest.approx(25.3 / 2100 * 100)


def test_a_reported_value_wins_over_a_derived_one(store, tmp_path):
    p = tmp_path / "long.csv"
    p.write_text(LONG + "乐山市,R&D经费投入强度,2020,1.27,%,公报\n", encoding="utf-8")
    importer.import_file(store, p, actor="统计员")
    [o] = [o for o in observations.latest(store) if o.indicator_code == "rd_intensity"]
    assert (o.origin, o.value) == ("reported", 1.27)


def test_a_region_code_column_can_stand_for_the_name(store, tmp_path):
    p = tmp_path / "codes.csv"
    p.write_text("区划代码,指标,年份,值,单位,来源\n511100,地区生产总值,2020,2003.43,亿元,公报\n", encoding="utf-8")
    importer.import_file(store, p, actor="统计员")
    assert values(store) == {(LESHAN, "gdp", "2020"): 2003.43}


def test_a_remembered_mapping_lets_a_local_name_import(store, tmp_path):
    from innodrive.errors import ValidationFailed
    from innodrive.plans import links

    p = tmp_path / "local.csv"
    p.write_text("地区,指标,年份,值,单位,来源\n乐山市,研发投入总量,2020,25.3,亿元,公报\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        importer.import_file(store, p, actor="统计员")
    links.remember(store, text="研发投入总量", code="rd_expenditure", actor="统计员")
    importer.import_file(store, p, actor="统计员")
    assert values(store, include_derived=False) == {(LESHAN, "rd_expenditure", "2020"): 25.3}


SHIPPED = Path(__file__).resolve().parents[2] / "src" / "innodrive" / "data" / "stats" / "sichuan_innovation_stats.csv"


def test_the_shipped_dataset_imports_every_row_with_its_source_unchanged(store):
    r = importer.import_default(store, actor="innodrive")
    with SHIPPED.open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert (r.rows, r.added, r.revised) == (len(table), len(table), 0)
    stored = {(o.region_code, o.period, o.value_as_written, o.unit_as_written): o
              for o in observations.latest(store, include_derived=False)}
    from innodrive.regions import all_regions

    regions = all_regions()
    for row in table:
        code = (regions.find(row["region"]) or regions.find(row["region"][:-1])).code
        o = stored[(code, row["year"], float(row["value"]), row["unit"])]
        assert o.source == row["source"]
    # spot checks of conversion into catalogue units, computed by hand:
    got = values(store, include_derived=False)
    assert got[("510000", "hnte_count", "2021")] == 10200  # 1.02万家
    assert got[("510000", "hightech_industry_revenue", "2022")] == 26000  # 2.6万亿元 in 亿元
    assert importer.import_default(store, actor="innodrive").changed is False
