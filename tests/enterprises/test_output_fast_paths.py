"""The output side of a registry check, vectorised, against the plain forms it replaced:
the size class against its formula, a block written from its columns against the same
block written cell by cell from its table, and number and missing cells against
``csv.writer``. Randomised, with holes and values on the bounds."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from tests.enterprises.ent_helpers import holey_registry
from tests.enterprises.ent_helpers import synthetic_registry as _synthetic

from innodrive.enterprises import expr as E
from innodrive.enterprises.sme_size import shared_values, size_class_vector, size_rules
from innodrive.enterprises.stream import CsvSink, _cells, csv_column, safe_column


def test_size_class_by_lookup_is_the_formula():
    rng = np.random.default_rng(20)
    n = 60_000
    rules = size_rules()
    codes = [i.code for i in rules.industries]
    edges = sorted({v for i in rules.industries for p in (i.sme_below, i.medium, i.small) for v in p.values()})

    def measure(scale: float) -> np.ndarray:  # on a bound, a hair either side of one, or anywhere; some unknown
        v = rng.choice(edges, n) * rng.choice([1, 1, 1 - 1e-12, 1 + 1e-12, 1 - 1e-9, 1 + 1e-9, 0.5, 2], n)
        v = np.where(rng.random(n) < 0.3, rng.random(n) * scale, v)
        v[rng.random(n) < 0.15] = np.nan
        return v

    industry = rng.choice(codes, n).astype(float)
    industry[rng.random(n) < 0.1] = np.nan
    industry[rng.random(n) < 0.02] = 99.0  # a code the table does not list
    cols = {"sme_industry": industry, "employees_total": np.floor(measure(3000)), "revenue_y1": measure(1e5),
            "total_assets_y1": measure(1e5)}
    formula = shared_values()["sme_size_class"]
    want = E.vector(formula, cols, n, {"ctx": E.context_for(dt.date(2024, 6, 30))})
    got = size_class_vector(cols, n)
    assert np.array_equal(got, want, equal_nan=True)
    assert set(np.unique(want[~np.isnan(want)]).tolist()) == {1.0, 2.0, 3.0, 4.0}
    assert np.isnan(want).any()
    # columns missing altogether are unknown
    part = {"sme_industry": industry}
    assert np.array_equal(size_class_vector(part, n), E.vector(formula, part, n, {"ctx": E.context_for(dt.date(2024, 6, 30))}),
                          equal_nan=True)
    assert size_class_vector({}, 0).shape == (0,)


def _screened(n: int, seed: int, on: dt.date):
    from innodrive.enterprises.rules import rules_in_force
    from innodrive.enterprises.screening import screen_block

    frame = _synthetic(n, seed=seed)
    rng = np.random.default_rng(seed)
    for c in frame.columns:
        if frame[c].dtype.kind == "f":
            frame.loc[rng.random(len(frame)) < 0.08, c] = np.nan
    frame.iloc[:20] = np.nan
    names = ["合成企业", "=1+1", "a,b", 'say "hi"', "line\nbreak", "@x", "普通"]
    frame["name"] = [f"{names[i % len(names)]}{i}" for i in range(n)]  # SYNTHETIC
    frame["credit_code"] = [f"91510000{i:010d}" for i in range(n)]
    if seed % 2:
        frame["region"] = pd.Series(["宜宾市", None, "-x", "绵阳市,涪城区"] * (n // 4 + 1))[:n].to_numpy(dtype=object)
    return screen_block(frame, np.arange(2, n + 2), rules_in_force(on), on=on)


def _per_cell(table: pd.DataFrame) -> bytes:
    plain = io.BytesIO()
    text = io.TextIOWrapper(plain, encoding="utf-8-sig", newline="")
    w = csv.writer(text)
    w.writerow(list(table.columns))
    w.writerows(zip(*_cells(table), strict=True))
    text.flush()
    return plain.getvalue()


def test_a_block_written_from_its_columns_is_its_table_written_cell_by_cell():
    for seed, on in ((3, dt.date(2024, 6, 30)), (4, dt.date(2026, 12, 1)), (5, dt.date(2021, 6, 30))):
        block = _screened(3000, seed, on)
        fast = io.BytesIO()
        sink = CsvSink(fast)
        sink.block(block)
        assert block._table is None  # the CSV path never builds the table of cells
        assert fast.getvalue() == _per_cell(block.table), (seed, on)
        head = block.head(37)
        pd.testing.assert_frame_equal(head, block.table.iloc[:37])
        fresh = _screened(3000, seed, on)
        pd.testing.assert_frame_equal(fresh.head(37), block.table.iloc[:37])  # built without the whole table


def test_integer_and_missing_cells_are_written_as_csv_writer_writes():
    rng = np.random.default_rng(7)
    for values in (rng.integers(-10**15, 10**15, 2000), np.arange(2, 5000), rng.integers(0, 255, 300).astype(np.uint8),
                   np.array([None] * 50, dtype=object), np.array(["甲", None, "=x", None, "a,b"] * 40, dtype=object)):
        buf = io.StringIO()
        cells = safe_column(values) if values.dtype == object else values.astype(object)
        csv.writer(buf).writerows([[v, "x"] for v in cells.tolist()])
        assert "".join(f"{g.decode()},x\r\n" for g in csv_column(values)) == buf.getvalue()


def test_shortfall_sentences_in_bulk_are_the_per_row_ones():
    from innodrive.enterprises.gaps import _shortfall, _shortfalls
    from innodrive.enterprises.rules import all_rule_sets

    rng = np.random.default_rng(5)
    checked = 0
    for rs in all_rule_sets():
        for c in rs.conditions.values():
            if c.kind != "test":
                continue
            a = np.round(rng.uniform(-50, 5000, 400), int(rng.integers(0, 5)))
            b = np.where(rng.random(400) < 0.3, a, np.round(rng.uniform(-50, 5000, 400), 2))
            a[rng.random(400) < 0.1] = np.nan
            b[rng.random(400) < 0.1] = np.nan
            a[:3] = [0.1 + 0.2, 1e-9, 12345.675]
            b[:3] = [0.5, 0.0, 99999.999]
            want = [_shortfall(rs, c, x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)]
            assert _shortfalls(rs, c, a.tolist(), b.tolist()) == want, (rs.key, c.id)
            checked += sum(w is not None for w in want)
    assert checked > 1000


def test_reason_fields_are_the_reason_texts_as_csv_writes_them():
    from innodrive.enterprises.rules import rules_in_force
    from innodrive.enterprises.screening import _reason_codes, _reason_column
    from innodrive.enterprises.stream import csv_coded
    from innodrive.enterprises.vectorised import columns_of, evaluate_arrays

    for on in (dt.date(2024, 6, 30), dt.date(2026, 12, 1), dt.date(2021, 6, 30)):
        frame = holey_registry(3000, seed=on.year, unknown_rows=30)
        cols, n = columns_of(frame)
        rule_sets = rules_in_force(on)
        arrays = evaluate_arrays(cols, n, rule_sets, on=on)
        for rs in rule_sets:
            codes, texts = _reason_codes(rs, arrays[rs.programme], n)
            column = _reason_column(rs, arrays[rs.programme], n)
            assert len(column) == 3 and column[1] is None  # the bundled rules' labels are plain text
            assert [f.decode() for f in column[2][column[0]].tolist()] == texts[codes].tolist()
            assert csv_coded(*column) == csv_column(texts[codes])


def test_reasons_with_pieces_that_need_more_than_encoding_take_the_general_path(monkeypatch):
    from innodrive.enterprises import screening
    from innodrive.enterprises.rules import rules_in_force
    from innodrive.enterprises.stream import csv_coded
    from innodrive.enterprises.vectorised import columns_of, evaluate_arrays

    on = dt.date(2024, 6, 30)
    frame = _synthetic(1500, seed=9)
    frame.iloc[:30] = np.nan
    cols, n = columns_of(frame)
    rule_sets = rules_in_force(on)
    arrays = evaluate_arrays(cols, n, rule_sets, on=on)
    for label in ("=不符合", "不符合,", '不"符合', "不符合\x01", "-不符合"):
        monkeypatch.setitem(screening.STATE_LABELS, "fail", label)
        for rs in rule_sets:
            codes, texts = screening._reason_codes(rs, arrays[rs.programme], n)
            column = screening._reason_column(rs, arrays[rs.programme], n)
            assert len(column) == 2 and column[1].tolist() == texts.tolist()
            assert csv_coded(*column) == csv_column(texts[codes])


def test_a_block_written_to_a_file_is_the_block_written_to_memory(tmp_path, monkeypatch):
    """To a file the lines go out by ``os.writev`` (no joined copy); the bytes are those
    written to memory, after the header, in order — also when the system writes only part
    of what it is given."""
    import os

    from innodrive.enterprises import stream

    blocks = [_screened(3000, 6, dt.date(2024, 6, 30)), _screened(1500, 7, dt.date(2024, 6, 30))]
    memory = io.BytesIO()
    sink = CsvSink(memory)
    for b in blocks:
        sink.block(b)
    monkeypatch.setattr(stream, "IOV_MAX", 100)  # many calls per batch
    for short in (False, True):
        if short:
            real = os.writev

            def writev(fd, buffers, _real=real):  # the first half of what is asked, at most
                data = b"".join(buffers)
                return _real(fd, [data[:max(1, len(data) // 2 - 7)]])

            monkeypatch.setattr(os, "writev", writev)
        path = tmp_path / f"out-{short}.csv"
        with open(path, "wb") as f:
            sink = CsvSink(f)
            assert sink._fileno() is not None
            for b in blocks:
                sink.block(b)
            sink.finish(None)
        assert path.read_bytes() == memory.getvalue(), short


@pytest.mark.parametrize("background", [True, False])
def test_blocks_written_before_and_inside_writing_keep_their_order(tmp_path, background):
    """A block written before :meth:`CsvSink.writing` (the header and its lines at an offset
    direct I/O cannot start from) and blocks written inside it: the file is the bytes
    written to memory, in order, whichever way the later lines went."""
    blocks = [_screened(700, 11, dt.date(2024, 6, 30)), _screened(900, 12, dt.date(2024, 6, 30)),
              _screened(300, 13, dt.date(2024, 6, 30))]
    memory = io.BytesIO()
    sink = CsvSink(memory)
    for b in blocks:
        sink.block(b)
    path = tmp_path / "out.csv"
    with open(path, "wb") as f:
        sink = CsvSink(f)
        sink.block(blocks[0])
        with sink.writing(background):
            sink.block(blocks[1])
            sink.block(blocks[2])
        sink.finish(None)
    assert path.read_bytes() == memory.getvalue()
