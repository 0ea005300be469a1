"""The import's fast paths give exactly what their plain counterparts give.

- :func:`units.clean_many` (converted and derived values rounded on arrays) against
  :func:`observations.clean` value by value, bit for bit;
- the derived sources numbered by distinct triple (:func:`batch._distinct_triples`)
  against numbering the triples one by one;
- a large SQLite import checking its foreign keys once per region
  (:func:`store.bulk.foreign_keys_checked_by_writer`) against the row-by-row checks: the same
  stored rows, the same refusal when a region is missing, and no connection of the
  pool left without its checks;
- the read table freed by a young-generation collection (:func:`importer.release_read_table`).
"""

from __future__ import annotations

import csv
import gc
import random
import sqlite3
import weakref

import numpy as np
import pytest
from sqlalchemy import func, select

from innodrive.errors import InnodriveError
from innodrive.indicators import batch, importer, units
from innodrive.indicators.observations import clean
from innodrive.store import bulk as store_bulk
from innodrive.store import open_store
from innodrive.store.schema import ImportBatchRow, ObservationRow
from innodrive.store.testing import initialised_database

HEADER = ["区划代码", "指标", "年份", "值", "单位", "来源", "备注"]
SOURCE = "合成测试数据（非真实统计）"


def bits(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float64).view(np.int64)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clean_many_is_clean_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    n = 20_000
    samples = [
        rng.uniform(-1, 1, n) * 10.0 ** rng.integers(-40, 40, n),  # any magnitude, both signs
        rng.integers(1, 10**7, n) / 10 * 1e-4,  # 万元 → 亿元
        rng.integers(1, 10**7, n) / 100 * 1e4,  # 亿元 → 万元
        rng.integers(1, 10**6, n) / rng.integers(1, 10**6, n) * 100,  # a derived quotient
        (rng.integers(10**11, 10**12, n) + 0.5) * 10.0 ** rng.integers(-15, 5, n),  # near a rounding half
        np.nextafter(10.0 ** rng.integers(-20, 20, n), rng.choice([-np.inf, np.inf], n)),  # next to a power of ten
        np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, -5e-324, 1.7976931348623157e308, 0.1 + 0.2,
                  999_999_999_999.5, 1e12, 1e-12, 123456789012.5, 0.30000000000000004]),
    ]
    for x in samples:
        got = units.clean_many(x)
        want = np.array([clean(v) for v in x.tolist()])
        same = (bits(got) == bits(want)) | (np.isnan(got) & np.isnan(want))
        assert same.all(), x[~same][:5]


def test_distinct_triples_number_as_a_dict_does():
    rng = random.Random(5)
    for size, top in ((0, 3), (1, 3), (500, 3), (5000, 40), (3000, 1 << 40)):  # the last: keys beyond int64
        a = np.array([rng.randrange(top) for _ in range(size)], dtype=np.int64)
        b = np.array([rng.randrange(5) + 1 for _ in range(size)], dtype=np.int64)
        c = np.array([rng.randrange(top) for _ in range(size)], dtype=np.int64)
        index: dict[tuple[int, int, int], int] = {}
        want = [index.setdefault(t, len(index)) for t in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)]
        codes, first = batch._distinct_triples(a, b, c)
        assert list(np.asarray(codes).tolist()) == want
        assert first == list(index)


def write_csv(path, rows) -> str:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return str(path)


PARTS = [("R&D经费支出", ("亿元", "万元")), ("地区生产总值", ("亿元",)), ("常住人口", ("人", "万人")),
         ("有效发明专利", ("件",)), ("技术合同成交额", ("亿元",))]
REGIONS = ["510100", "511100", "510700", "511181", "510400", "510600", "511000"]


def random_file(rng: random.Random, years: range) -> list[list[str]]:
    """Parts of derived indicators with holes (a part missing for some region and year),
    in several units, some values changed between files, a note now and then."""
    rows = []
    for code in REGIONS:
        for year in years:
            for name, units_ in PARTS:
                if rng.random() < 0.35:
                    continue
                unit = rng.choice(units_)
                value = rng.choice([rng.randint(1, 10**6) / 10, rng.randint(1, 500), rng.random() * 1e4])
                rows.append([code, name, str(year), repr(value), unit, rng.choice([SOURCE, "另一来源（合成）"]),
                             "" if rng.random() < 0.8 else "初步数"])
    rng.shuffle(rows)
    return rows


def contents(store) -> tuple:
    skip = {"id", "batch_id", "recorded_at"}
    with store.read() as s:
        return sorted(tuple(getattr(r, c.name) for c in ObservationRow.__table__.columns if c.name not in skip)
                      for r in s.scalars(select(ObservationRow)))


def foreign_keys_of_pool(store) -> list[int]:
    """``PRAGMA foreign_keys`` of several connections checked out at once (the pool's)."""
    conns = [store.engine.connect() for _ in range(3)]
    try:
        return [c.exec_driver_sql("PRAGMA foreign_keys").scalar() for c in conns]
    finally:
        for c in conns:
            c.close()


@pytest.mark.parametrize("seed", [11, 12])
def test_foreign_keys_checked_by_the_writer_store_what_row_by_row_checks_store(seed, tmp_path, monkeypatch):
    rng = random.Random(seed)
    files = [write_csv(tmp_path / f"f{k}.csv", random_file(rng, years)) for k, years in
             enumerate((range(2010, 2016), range(2013, 2019), range(2010, 2019)))]
    monkeypatch.setattr(store_bulk, "MIN_ROWS", 1)  # the deferred indexes as well, as in a large import
    stored = {}
    for by_writer in (True, False):
        monkeypatch.setattr(importer, "FOREIGN_KEYS_BY_WRITER_MIN", 0 if by_writer else 10**12)
        (tmp_path / str(by_writer)).mkdir()
        with initialised_database("sqlite", tmp_path / str(by_writer)) as url:
            store = open_store(url)
            try:
                results = [importer.import_file(store, f, actor="统计员") for f in files]
                stored[by_writer] = (contents(store), [(r.added, r.revised, r.sourced, r.derived) for r in results])
                assert foreign_keys_of_pool(store) == [1, 1, 1]
            finally:
                store.close()
    assert stored[True] == stored[False]
    assert stored[True][1][0][3] > 0 and stored[True][1][1][1] > 0  # derived values, and revisions


def test_a_region_missing_from_the_store_is_refused_alike(tmp_path, monkeypatch):
    """A region the bundled table knows but the store's table lacks (an older ``init``):
    refused by SQLite's own check whichever path, with nothing written."""
    rows = [[code, "地区生产总值", str(year), str(year - 1900), "亿元", SOURCE, ""]
            for code in ("510100", "511181") for year in range(2000, 2020)]
    path = write_csv(tmp_path / "f.csv", rows)
    errors = []
    for by_writer in (True, False):
        monkeypatch.setattr(importer, "FOREIGN_KEYS_BY_WRITER_MIN", 0 if by_writer else 10**12)
        (tmp_path / str(by_writer)).mkdir()
        with initialised_database("sqlite", tmp_path / str(by_writer)) as url:
            raw = sqlite3.connect(url.removeprefix("sqlite:///"))
            raw.execute("DELETE FROM regions WHERE code = '511181'")  # foreign keys are off on a raw connection
            raw.commit()
            raw.close()
            store = open_store(url)
            try:
                with pytest.raises(InnodriveError) as err:
                    importer.import_file(store, path, actor="统计员")
                errors.append(str(err.value).replace(url.removeprefix("sqlite:///"), "DB"))
                with store.read() as s:
                    assert s.scalar(select(func.count()).select_from(ObservationRow)) == 0
                    assert s.scalar(select(func.count()).select_from(ImportBatchRow)) == 0
                assert foreign_keys_of_pool(store) == [1, 1, 1]
            finally:
                store.close()
    assert errors[0] == errors[1]
    assert "FOREIGN KEY" in errors[0]


def test_the_writer_path_is_sqlite_only(tmp_path):
    class Engine:
        class dialect:  # noqa: N801 - mimics SQLAlchemy's attribute
            name = "postgresql"

    with store_bulk.foreign_keys_checked_by_writer(Engine()) as unchecked:
        assert unchecked is False


@pytest.mark.parametrize("name", ["t.csv", "t.xlsx"])
def test_the_read_table_is_freed_before_writing(name, tmp_path):
    rows = [["510100", "地区生产总值", str(year), str(year - 1900), "亿元", SOURCE, ""] for year in range(1990, 2020)]
    path = tmp_path / name
    if name.endswith(".csv"):
        write_csv(path, rows)
    else:
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.append(HEADER)
        for r in rows:
            wb.active.append(r)
        wb.save(path)
    gc.collect()
    table = importer.read_table(path)
    ref = weakref.ref(table)
    importer.parse_table(table)
    del table
    importer.release_read_table()
    assert ref() is None
