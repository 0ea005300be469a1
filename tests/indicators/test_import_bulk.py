"""The bulk import path gives exactly what a plain reference import gives.

The importer reads CSV through the C parser, resolves each distinct cell once,
converts and derives on columns and writes in bulk (on SQLite with the secondary
indexes built once at the end). The reference here is the simple path: the same
rows read one by one through :mod:`csv`, compared with the store value by value
(:func:`plan_changes`), written row by row (:func:`apply_changes`) and derived
row by row (:func:`derivation.refresh`). Both must leave the same observations,
second sources and indexes, and name the same problems for bad rows.
"""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import inspect, select

from innodrive.errors import ValidationFailed
from innodrive.indicators import importer
from innodrive.store import bulk, open_store
from innodrive.store.schema import ObservationRow, ObservationSourceRow
from innodrive.store.testing import initialised_database

HEADER = ["区划代码", "指标", "年份", "值", "单位", "来源", "备注"]
SOURCE = "合成测试数据（非真实统计）"


def first_file() -> list[list[str]]:
    """Parts of two derived indicators, in several units, with blanks and repeats."""
    rows = []
    for code in ("510100", "511100", "510700", "511181"):
        for year in range(2015, 2023):
            rows.append([code, "R&D经费支出", str(year), f"{year - 2000}.{code[3]}", "亿元", SOURCE, ""])
            rows.append([code, "地区生产总值", str(year), f"{(year - 2000) * 137.25}", "亿元", SOURCE, ""])
            rows.append([code, "常住人口", str(year), f"{3160000 + year * 7}", "人", SOURCE, ""])  # 人 → 万人
            rows.append([code, "有效发明专利", str(year), str(1000 + year), "件", SOURCE, ""])
    rows.append(["510100", "技术合同成交额", "2020", "", "亿元", SOURCE, ""])  # blank: unknown, skipped
    rows.append(["510100", "技术合同成交额", "2021", " - ", "亿元", SOURCE, ""])
    rows.append(["510100", "R&D经费支出", "2015", "15.1", "亿元", SOURCE, ""])  # the same value twice: one value
    return rows


def second_file() -> list[list[str]]:
    """Corrections, second sources, notes, another unit for the same value, new keys."""
    return [
        ["510100", "R&D经费支出", "2016", "16.9", "亿元", SOURCE, ""],  # a correction (was 16.1)
        ["510100", "地区生产总值", "2016", "21960000", "万元", SOURCE, ""],  # 2196 亿元 written in 万元: unchanged
        ["511100", "R&D经费支出", "2017", "17.1", "亿元", "另一来源（合成）", ""],  # the same value: a second source
        ["511100", "R&D经费支出", "2018", "18.1", "亿元", SOURCE, "初步数"],  # a note: a revision
        ["510700", "常住人口", "2019", " 317.4133 ", "万人", SOURCE, ""],  # was 3174133 人: unchanged
        ["510700", "常住人口", "2020", "1,234", "万人", SOURCE, ""],  # thousands separator: a correction
        ["511181", "地区生产总值", "2023", "1e3", "亿元", SOURCE, ""],  # a new key
        ["511181", "R&D经费支出", "2023", "５０", "亿元", SOURCE, ""],  # full-width digits
        [" 511181 ", "有效发明专利", "2023", "50%", "件", SOURCE, ""],  # spaces around the code
        ["", "", "", "", "", "", ""],  # a blank row
    ]


BAD = [
    ["510100", "R&D经费支出", "2021", "31.2", "亿元", SOURCE, ""],
    ["999999", "地区生产总值", "2021", "100", "亿元", SOURCE, ""],
    ["510100", "研发经费支出总额", "2021", "12", "亿元", SOURCE, ""],
    ["510100", "地区生产总值", "2021", "约2200", "亿元", SOURCE, ""],
    ["510100", "常住人口", "2021", "316", "万人", "", ""],
    ["510100", "高新技术企业数量", "2021", "300", "亿元", SOURCE, ""],
    ["510100", "地区生产总值", "二〇二一", "2205.2", "亿元", SOURCE, ""],
    ["510100", "技术合同成交额", "2021", "10", "亿元", SOURCE, ""],
    ["510100", "技术合同成交额", "2021", "12", "亿元", SOURCE, ""],
    ["510100", "地区生产总值", "2022", "1e300", "万元", SOURCE, ""],
    ["510100", "地区生产总值", "2023", "nan", "亿元", SOURCE, ""],
    ["510100", "地区生产总值", "2024", "12", "公斤", SOURCE, ""],
    ["", "地区生产总值", "2024", "12", "亿元", SOURCE, ""],
]


def write_csv(path, rows) -> str:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return str(path)


def row_by_row(path):
    """The table read by csv.reader one row at a time (the reader's own fallback path)."""
    table = importer.read_table(importer.Path(path))
    table._frames = None
    return table


def reference_import(store, path) -> None:
    from innodrive.indicators.derivation import refresh
    from innodrive.indicators.observations import (
        apply_changes,
        current_by_key,
        extra_sources_of,
        plan_changes,
    )

    parsed = importer.parse_table(row_by_row(path))
    values = parsed.values
    with store.write() as session:
        current = current_by_key(session, indicator_codes={v.indicator_code for v in values}, origin="reported")
        extra = extra_sources_of(session, [c.id for c in current.values()])
        planned = plan_changes(values, current, extra)
        apply_changes(session, planned, origin="reported", actor="统计员", batch_id=None)
        refresh(session, planned, actor="统计员", batch_id=None)


def contents(store) -> tuple:
    """Observations and second sources without ids, batches and times; the indexes."""
    skip = {"id", "batch_id", "recorded_at"}
    with store.read() as s:
        obs = sorted(tuple(getattr(r, c.name) for c in ObservationRow.__table__.columns if c.name not in skip)
                     for r in s.scalars(select(ObservationRow)))
        src = sorted((o.region_code, o.indicator_code, o.period, o.revision, x.source, x.note)
                     for x, o in s.execute(select(ObservationSourceRow, ObservationRow)
                                           .join(ObservationRow, ObservationRow.id == ObservationSourceRow.observation_id)))
        indexes = sorted((i["name"], tuple(i["column_names"]), bool(i.get("unique")))
                         for i in inspect(s.connection()).get_indexes("observations"))
    return obs, src, indexes


def both_imports(backend, tmp_path, files) -> tuple[list, tuple, tuple]:
    """``files`` imported in turn by the importer and by the reference into two fresh
    databases: (the importer's results, its stored contents, the reference's)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with initialised_database(backend, tmp_path / "a") as url_a, initialised_database(backend, tmp_path / "b") as url_b:
        fast, ref = open_store(url_a), open_store(url_b)
        try:
            results = [importer.import_file(fast, f, actor="统计员") for f in files]
            for f in files:
                reference_import(ref, f)
            return results, contents(fast), contents(ref)
        finally:
            fast.close()
            ref.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_bulk_import_equals_the_reference_import(backend, tmp_path, monkeypatch):
    from innodrive.store.testing import postgres_url

    if backend == "postgresql" and not postgres_url():
        pytest.skip("INNODRIVE_TEST_POSTGRES_URL not set")
    monkeypatch.setattr(bulk, "MIN_ROWS", 1)  # the deferred indexes on these small files too
    files = [write_csv(tmp_path / "first.csv", first_file()), write_csv(tmp_path / "second.csv", second_file())]
    results, fast, ref = both_imports(backend, tmp_path, files)
    assert fast == ref
    first, second = results
    # 4 regions × 8 years × 3 quotients of these parts (R&D intensity, patents and GDP per head)
    assert (first.added, first.blank, first.derived) == (128, 2, 96)
    assert (second.added, second.revised, second.sourced, second.unchanged) == (3, 3, 1, 2)
    # the second import changed parts of both derived indicators: recomputed, cited by revision
    obs = fast[0]
    assert any(o[1] == "rd_intensity" and o[4] == 2 and "第 2 版" in o[10] for o in obs)


def test_bad_rows_are_named_alike_on_both_reading_paths(tmp_path):
    path = write_csv(tmp_path / "bad.csv", BAD)
    found = []
    for table in (importer.read_table(importer.Path(path)), row_by_row(path)):
        with pytest.raises(ValidationFailed) as err:
            importer.parse_table(table)
        found.append((str(err.value), [(p.row, p.field, p.message) for p in err.value.problems]))
    assert found[0] == found[1]
    rows = {row for row, _, _ in found[0][1]}
    assert rows == {3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14}


def test_problems_beyond_the_listed_ones_are_the_first_in_file_order(tmp_path, monkeypatch):
    """With more problems than are listed, the same ones are listed whatever the block size."""
    rows = []
    for i in range(300):
        rows.append(["510100", "地区生产总值", str(1960 + i % 60), "x", "亿元", SOURCE, ""])  # not a number
        rows.append(["999999", "地区生产总值", str(1960 + i % 60), "1", "亿元", SOURCE, ""])  # unknown region
    path = write_csv(tmp_path / "many.csv", rows)
    monkeypatch.setattr(importer, "MAX_PROBLEMS", 50)
    listed = []
    for block in (importer.READ_BLOCK, 7):  # rows read at a time by the C parser
        monkeypatch.setattr(importer, "READ_BLOCK", block)
        with pytest.raises(ValidationFailed) as err:
            importer.parse_table(importer.read_table(importer.Path(path)))
        listed.append([(p.row, p.message) for p in err.value.problems])
    with pytest.raises(ValidationFailed) as err:
        importer.parse_table(row_by_row(path))
    listed.append([(p.row, p.message) for p in err.value.problems])
    assert "有 600 处问题" in str(err.value)
    assert listed[0] == listed[1] == listed[2]
    # all 600 rows are one block of the row-by-row reading, whose first check is the region
    assert [row for row, _ in listed[0]] == list(range(3, 103, 2))


def test_a_text_written_into_the_statement_is_stored_exactly_as_given(tmp_path):
    """A source or note that is the same on every row goes into the SQLite statement as
    a literal; quotes, SQL and backslashes in it must come back as written and must not
    change the statement (the same rows imported the reference way give the same table)."""
    source = "x'); DROP TABLE observations; -- 某局'引号'\\n（合成）"
    note = "O'Brien \"测试\" ;"
    rows = [[code, "地区生产总值", str(year), f"{year - 2000}.5", "亿元", source, note]
            for code in ("510100", "510700") for year in range(2015, 2020)]
    path = write_csv(tmp_path / "quotes.csv", rows)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with initialised_database("sqlite", tmp_path / "a") as url_a, initialised_database("sqlite", tmp_path / "b") as url_b:
        fast, ref = open_store(url_a), open_store(url_b)
        try:
            result = importer.import_file(fast, path, actor="统计员")
            reference_import(ref, path)
            assert contents(fast) == contents(ref)
            with fast.read() as s:
                stored = s.execute(select(ObservationRow.source, ObservationRow.note)
                                   .where(ObservationRow.batch_id == result.batch_id)).all()
            assert len(stored) == result.added == 10
            assert set(stored) == {(source, note)}
        finally:
            fast.close()
            ref.close()


def many_sources(shift: int) -> list[list[str]]:
    """More distinct sources and notes than the comparison reads as numbers, in several
    units; ``shift`` moves each value's source and note to another one's."""
    rows = []
    for k, code in enumerate(("510100", "511100", "510700", "511181", "510400")):
        for year in range(2010, 2023):
            j = k * 13 + year + shift
            s = j if year % 2 else k * 13 + year  # the source of every other year stays, its note moves
            rows.append([code, "R&D经费支出", str(year), f"{year - 2000}.5", "亿元", f"来源{s % 11}（合成）",
                         "" if j % 3 else f"备注{j % 4}"])
            rows.append([code, "常住人口", str(year), str(3_000_000 + year), "人", f"来源{j % 7}（合成）", ""])
    return rows


@pytest.mark.parametrize("known", [0, 1, 8])
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_comparing_with_many_stored_texts_equals_the_reference(backend, known, tmp_path, monkeypatch):
    """The comparison reads the batch's commonest texts as numbers (SQLite): a stored
    text among them or not, every second source, note change and unchanged value is
    what the value-by-value reference finds."""
    from innodrive.indicators import batch
    from innodrive.store.testing import postgres_url

    if backend == "postgresql" and not postgres_url():
        pytest.skip("INNODRIVE_TEST_POSTGRES_URL not set")
    monkeypatch.setattr(batch, "KNOWN_TEXTS", known)
    files = [write_csv(tmp_path / f"f{s}.csv", many_sources(s)) for s in (0, 0, 1, 5)]
    results, fast, ref = both_imports(backend, tmp_path, files)
    assert fast == ref
    assert results[1].total_changes == 0 and results[1].unchanged == 130
    assert results[2].sourced > 0 and results[2].revised > 0


@pytest.mark.parametrize("per_statement", [1, 5, 200])
def test_a_row_refused_half_way_through_a_statement_leaves_the_store_as_it_was(per_statement, tmp_path, monkeypatch):
    """SQLite takes the rows many to a statement, each statement ``INSERT OR FAIL`` (the rows
    before a refused one stay until the transaction rolls back: no statement journal to
    write): a row refused in the middle of one (here a key whose revision 1 is already
    stored, not current, so the import numbers its value revision 1 again) fails the
    import with the store's own message and leaves every row, batch and index as it was."""
    from innodrive.errors import InnodriveError
    from innodrive.indicators import bulk as rows_bulk
    from innodrive.store.schema import AuditRow, ImportBatchRow, utcnow

    monkeypatch.setattr(rows_bulk, "ROWS_PER_STATEMENT", per_statement)
    monkeypatch.setattr(bulk, "MIN_ROWS", 1)  # the deferred indexes too
    path = write_csv(tmp_path / "first.csv", first_file())
    with initialised_database("sqlite", tmp_path) as url:
        store = open_store(url)
        try:
            with store.write() as s:
                s.add(ObservationRow(region_code="510700", indicator_code="gdp", period="2018", origin="reported",
                                     revision=1, is_current=False, value=1.0, unit="亿元", source="旧（合成）",
                                     recorded_at=utcnow(), recorded_by="统计员"))
            before = contents(store)
            with pytest.raises(InnodriveError, match="UNIQUE constraint failed: observations.region_code"):
                importer.import_file(store, path, actor="统计员")
            assert contents(store) == before
            with store.read() as s:
                assert s.scalars(select(ImportBatchRow)).all() == []
                assert s.scalars(select(AuditRow)).all() == []
        finally:
            store.close()
