"""Reading a registry's 是/否, date and choice columns as codes of their distinct cells
(pandas Categoricals straight from the C parser) and reading template dates with NumPy
give exactly what the per-cell path gives: the same values, the same blank cells, the
same problems with the same messages, on random cells (CONSTRUCTED data)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from innodrive.enterprises import registry as R
from innodrive.enterprises.fields import FIELDS
from innodrive.enterprises.stream import map_header, raw_frames
from innodrive.tabular import open_table

TODAY = dt.date(2024, 6, 30)
FLAG = next(f for f in FIELDS.values() if f.kind == "flag")
DATE = next(f for f in FIELDS.values() if f.kind == "date")
CHOICE = next(f for f in FIELDS.values() if f.kind == "choice")
MONEY = next(f for f in FIELDS.values() if f.kind == "money")

FLAG_CELLS = ["是", "否", "", " ", "有", "无", "Y", "y", "1", "0", "1.0", "0.0", "TRUE", "False", "√", " 是 ", "nan",
              "-", "maybe", "2", "1e0", "\u00a0"]
DATE_CELLS = ["2020-01-02", "2020-02-29", "2021-02-29", "2020-13-01", "0000-01-01", "0001-01-01", "2024-06-30",
              "2024-07-01", "2099-12-31", "2020/1/2", "2020年1月2日", "20200102", " 2020-01-02", "2020-1-2", "",
              "１９９９-01-01", "abc", "1900-01-01"]
CHOICE_CELLS = ["工业", "制造业", "xx", "", "1", "1.0", " 工业 ", "99", "软件和信息技术服务业"]


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _checked(data: bytes, coded: bool, chunk_rows: int):
    table = open_table(data, name="名录.csv", expected=[f.header for f in FIELDS.values()])
    header = map_header(list(table.header), file="名录.csv")
    checker = R.RowChecker(header.mapping, file="名录.csv", today=TODAY)
    out = []
    for block in raw_frames(data, name="名录.csv", chunk_rows=chunk_rows, table=table, coded=coded):
        good, rows, problems = checker.check(block.frame, block.numbers, block.text)
        out.append((good, rows.tolist(), [(p.row, p.field, p.message) for p in problems]))
    return out


column = st.sampled_from
row = st.tuples(column(FLAG_CELLS), column(DATE_CELLS), column(CHOICE_CELLS), column(["1.5", "-2", "", "x", "3"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=1, max_size=60), st.integers(1, 3))
def test_coded_columns_check_as_the_per_cell_path(rows, pieces):
    header = [FIELDS["credit_code"].header, FIELDS["name"].header, FLAG.header, DATE.header, CHOICE.header,
              MONEY.header]
    body = [[f"9151150042{i:07d}"[:17] + "X", f"企业{i}", *r] for i, r in enumerate(rows)]
    data = _csv(header, body)
    chunk = max(1, len(rows) // pieces)
    coded, plain = _checked(data, True, chunk), _checked(data, False, chunk)
    assert len(coded) == len(plain)
    for (g1, r1, p1), (g2, r2, p2) in zip(coded, plain, strict=True):
        pd.testing.assert_frame_equal(g1, g2)
        assert r1 == r2
        assert p1 == p2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(FLAG_CELLS + DATE_CELLS[:3]), min_size=1, max_size=40))
def test_the_table_reader_gives_coded_columns_as_the_cells_written(cells):
    data = _csv(["甲", "乙"], [[c, str(i)] for i, c in enumerate(cells)])
    coded = open_table(data, name="t.csv").frames(columns=[0], text=[0], coded=[0])
    plain = open_table(data, name="t.csv").frames(columns=[0], text=[0])
    for a, b in zip(coded, plain, strict=True):
        col = a.frame[0]
        if isinstance(col.dtype, pd.CategoricalDtype):  # categories are the cells' text, never numbers
            assert all(isinstance(c, str) for c in col.cat.categories.tolist())
        assert col.astype(object).where(col.notna(), None).tolist() == b.frame[0].where(b.frame[0].notna(), None).tolist()
        assert a.numbers.tolist() == b.numbers.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(DATE_CELLS),
                          st.dates(dt.date(1, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat)), min_size=1, max_size=30,
                unique=True))
def test_template_dates_read_at_once_as_cell_by_cell(cells):
    want = R._parse_cells(DATE, pd.Series(np.asarray(cells, dtype=object), dtype=object), TODAY)
    fast = R._iso_dates(cells, TODAY)
    if fast is not None:
        np.testing.assert_array_equal(fast[0], want[0])
        assert all(e is None for e in want[1])
        assert fast[2].tolist() == want[2].tolist()
    vals, err, blank = R._parse_distinct(DATE, cells, TODAY)
    np.testing.assert_array_equal(vals, want[0])
    assert err.tolist() == want[1].tolist()
    assert blank.tolist() == want[2].tolist()


def test_a_header_written_twice_is_read_from_its_first_column_and_the_other_reported():
    from innodrive.enterprises.stream import screen_stream

    header = [FIELDS["credit_code"].header, FIELDS["name"].header, MONEY.header, MONEY.header]
    data = _csv(header, [["91511500420000003A", "甲", "5", "-1"], ["91510100MA61R1234W", "乙", "-2", "7"]])
    view = screen_stream(data, name="名录.csv", on=TODAY, out=None, today=TODAY)
    assert view.total_rows == 2 and view.evaluated_rows == 1
    assert [(p.row, p.field, p.message) for p in view.problems] == [(3, MONEY.header, "不能为负数，实际为 -2")]
    assert view.ignored_headers == [unicodedata.normalize("NFKC", MONEY.header)]  # as the reader gives headers
