"""Reading a registry's CSV slabs with Apache Arrow (:mod:`innodrive.csv_arrow`) gives
exactly what pandas' C parser gives: the same float64 bits for every plain number, the
same values, blank cells, problems and messages for every hostile cell (spaces, signs,
exponents, thousands separators, full-width digits, NaN, many digits), and a row with
more cells than the header is reported, not cut, on every path (CONSTRUCTED data)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innodrive import csv_arrow
from innodrive.enterprises import registry as R
from innodrive.enterprises.fields import FIELDS
from innodrive.enterprises.stream import map_header, raw_frames, screen_stream
from innodrive.tabular import _PANDAS_CSV, open_table

from .ent_helpers import make_code

TODAY = dt.date(2024, 6, 30)
NUMBERS = [f for f in FIELDS.values() if f.kind in R.NUMBER_KINDS]
# every kind of number column, with the 是/否, date and choice columns beside them
COLUMNS = [FIELDS["credit_code"], FIELDS["name"]] + [next(f for f in NUMBERS if f.kind == k) for k in
                                                       ("money", "signed_money", "people", "count", "ratio", "year",
                                                        "score", "level")]
COLUMNS += [next(f for f in FIELDS.values() if f.kind == k) for k in ("flag", "date", "choice")]
HOSTILE = [" 12", "12 ", "+5", "1e3", "1E-2", "-0", "-0.0", "0", "007", "1,000", "1，000", "１２", "NaN", "nan", "NAN",
           "inf", "-inf", "Infinity", "None", "-", "—", "", " ", "12345678901234567", "1234567890.1234567",
           "0.1000000000000000055511151231257827", "5.", ".5", "-.5", "1.2.3", "55%", "55％", "abc", "1e400", "1e-400",
           "9007199254740993", "TRUE", "False", "0x10", "1_000", "12\u3000", "\u300012", "1.5e", "e5", "--1", "1-", ".",
           "0.5", "1949", "2024", "3", "100", "-5", "1.5", "2.0"]


def _csv(header: list[str], rows: list[list[str]], bom: bool = True) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _checked(data: bytes, monkeypatch, arrow: bool):
    """Every block's (good rows, their numbers, problems) with Arrow on or off, and whether
    Arrow read a slab."""
    used = []
    real = csv_arrow._frame

    def spy(*a, **k):
        used.append(True)
        return real(*a, **k)

    monkeypatch.setattr(csv_arrow, "available", lambda: arrow)
    monkeypatch.setattr(csv_arrow, "_frame", spy)
    table = open_table(data, name="名录.csv", expected=[f.header for f in FIELDS.values()])
    header = map_header(list(table.header), file="名录.csv")
    checker = R.RowChecker(header.mapping, file="名录.csv", today=TODAY)
    out = []
    for block in raw_frames(data, name="名录.csv", table=table, coded=True):
        good, rows, problems = checker.check(block.frame, block.numbers, block.text, wide=block.wide)
        out.append((good, rows.tolist(), [(p.row, p.field, p.message) for p in problems]))
    return out, bool(used)


def _same(a, b) -> None:
    assert len(a) == len(b)
    for (g1, r1, p1), (g2, r2, p2) in zip(a, b, strict=True):
        assert list(g1.columns) == list(g2.columns)
        for c in g1.columns:
            x, y = g1[c].to_numpy(), g2[c].to_numpy()
            if x.dtype.kind == "f":  # bit for bit: -0.0 and 0.0 apart, every NaN alike
                assert y.dtype.kind == "f"
                assert np.array_equal(np.where(np.isnan(x), np.nan, x).view(np.int64),
                                      np.where(np.isnan(y), np.nan, y).view(np.int64)), c
            else:
                assert x.tolist() == y.tolist(), c
        assert r1 == r2
        assert p1 == p2


def _row(i: int, cells: list[str]) -> list[str]:
    return [make_code(i + 1), f"企业{i}", *cells]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(HOSTILE), min_size=8, max_size=8), min_size=1, max_size=40),
       st.lists(st.sampled_from(["是", "否", "", " 是"]), min_size=1, max_size=1))
def test_hostile_number_cells_check_as_with_pandas(rows, flag):
    monkeypatch = pytest.MonkeyPatch()
    try:
        body = [_row(i, [*r, flag[0], "2020-01-02", "工业"]) for i, r in enumerate(rows)]
        data = _csv([c.header for c in COLUMNS], body)
        fast, used = _checked(data, monkeypatch, True)
        plain, _ = _checked(data, monkeypatch, False)
        assert used == (b'"' not in data)  # a slab with a quoted cell ("1,000") is pandas' to read
        _same(fast, plain)
    finally:
        monkeypatch.undo()


def _plain_number(rng: np.random.Generator) -> str:
    digits = "".join(rng.choice(list("0123456789"), size=int(rng.integers(1, 16))))
    point = int(rng.integers(0, len(digits) + 1))
    text = digits[:point] + ("." + digits[point:] if rng.random() < 0.7 else digits[point:])
    return ("-" + text if rng.random() < 0.3 else text)[:15]


def test_plain_numbers_have_the_same_bits_as_pandas_reads_them():
    """Random plain numbers of up to 15 characters (whole columns of integers, and columns
    with decimals, so both of the C parser's converters are compared) read by Arrow and by
    pandas with the table reader's options: every bit equal."""
    rng = np.random.default_rng(16)
    for whole in (False, True):
        cols = []
        for _ in range(12):
            cells = [_plain_number(rng) for _ in range(2000)]
            if whole:
                cells = [c.split(".")[0].rstrip("-") or "0" for c in cells] + ["-0", "-00"]
            cells += ["", "0", "-0.0", ".5", "5."] if not whole else ["", "0"]
            cols.append(cells[:2000])
        slab = "\n".join(",".join(r) for r in zip(*cols, strict=True)).encode() + b"\n"
        frame = csv_arrow.read_slab(slab, width=12, nlines=2000, delimiter=",", text=set(), coded=set())
        want = pd.read_csv(io.BytesIO(slab), names=list(range(12)), sep=",", encoding="utf-8", **_PANDAS_CSV)
        for c in range(12):
            got, ref = frame[c].to_numpy(), want[c].to_numpy().astype(np.float64)
            assert got.dtype == np.float64
            assert np.array_equal(np.isnan(got), np.isnan(ref))
            ok = ~np.isnan(ref)
            assert np.array_equal(got[ok].view(np.int64), ref[ok].view(np.int64))


def test_a_slab_arrow_might_read_otherwise_is_left_to_pandas():
    ok = b"1,2\n3,4\n"
    assert csv_arrow.read_slab(ok, width=2, nlines=2, delimiter=",", text=set(), coded=set()) is not None
    for slab, lines in [(b'1,"2"\n3,4\n', 2), (b"1,2\n\n3,4\n", 3), (b"1,2\r3,4\n", 1), (b"1,2,5\n3,4\n", 2),
                        (b"1\n3,4\n", 2), (b"1,\xff\n3,4\n", 2), (b"1,2\n3,4\n", 3)]:
        assert csv_arrow.read_slab(slab, width=2, nlines=lines, delimiter=",", text={1}, coded=set()) is None


def test_a_row_with_more_cells_than_the_header_is_reported_on_every_path(monkeypatch):
    header = [c.header for c in COLUMNS]
    good = ["100", "-5", "10", "3", "0.5", "2020", "5", "1", "是", "2020-01-02", "工业"]
    body = [_row(i, good) for i in range(6)]
    body[2] = body[2] + ["多出的值", "再多一个"]   # two filled cells beyond the header: reported
    body[4] = body[4] + ["", " "]               # only empty cells beyond it: nothing lost, not reported
    data = _csv(header, body)
    width = len(header)
    want = (f"该行有 {width + 2} 个单元格，表头只有 {width} 列（多出 2 个，从第 N 列起没有表头），"
            "无法确定各值对应的字段，整行未评价；请检查该行是否有未加引号的逗号")
    for arrow in (True, False):
        monkeypatch.setattr(csv_arrow, "available", lambda arrow=arrow: arrow)
        view = screen_stream(data, name="名录.csv", on=TODAY, out=None, today=TODAY)
        assert [(p.file, p.row, p.field, p.message) for p in view.problems] == [("名录.csv", 4, "整行", want)]
        assert (view.total_rows, view.evaluated_rows, view.bad_rows) == (6, 5, 1)
    reg = R.read_registry_bytes(data, name="名录.csv", today=TODAY)
    assert [(p.row, p.field, p.message) for p in reg.problems] == [(4, "整行", want)]
    assert reg.row_numbers.tolist() == [2, 3, 5, 6, 7]
    # the same file in GB18030 (the row-by-row reader) says the same
    gbk = data.decode("utf-8-sig").encode("gb18030")
    view = screen_stream(gbk, name="名录.csv", on=TODAY, out=None, today=TODAY)
    assert [(p.row, p.message) for p in view.problems] == [(4, want)]


def test_every_encoding_and_line_end_reads_the_same(monkeypatch):
    header = [c.header for c in COLUMNS]
    rng = np.random.default_rng(7)
    body = [_row(i, [str(rng.choice(HOSTILE)) for _ in range(8)] + ["否", "2021-03-04", "工业"]) for i in range(50)]
    data = _csv(header, body)
    results = []
    for variant in (data, data[3:], data.replace(b"\n", b"\r\n"), data.decode("utf-8-sig").encode("gb18030")):
        view = screen_stream(variant, name="名录.csv", on=TODAY, out=None, today=TODAY)
        results.append(([(p.row, p.field, p.message) for p in view.problems], view.evaluated_rows,
                        [c.model_dump() for c in view.counts]))
    assert all(r == results[0] for r in results[1:])
