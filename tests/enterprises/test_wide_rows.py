"""A registry row with more cells than the header is reported, not cut, on every reading
path (the C parser's slabs, the whole-file reader, the row-by-row GB18030 reader), and
every encoding and line end reads the same (CONSTRUCTED data)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np

from innodrive.enterprises import registry as R
from innodrive.enterprises.fields import FIELDS
from innodrive.enterprises.stream import screen_stream

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


def _row(i: int, cells: list[str]) -> list[str]:
    return [make_code(i + 1), f"企业{i}", *cells]


def test_a_row_with_more_cells_than_the_header_is_reported_on_every_path():
    header = [c.header for c in COLUMNS]
    good = ["100", "-5", "10", "3", "0.5", "2020", "5", "1", "是", "2020-01-02", "工业"]
    body = [_row(i, good) for i in range(6)]
    body[2] = body[2] + ["多出的值", "再多一个"]   # two filled cells beyond the header: reported
    body[4] = body[4] + ["", " "]               # only empty cells beyond it: nothing lost, not reported
    data = _csv(header, body)
    width = len(header)
    want = (f"该行有 {width + 2} 个单元格，表头只有 {width} 列（多出 2 个，从第 N 列起没有表头），"
            "无法确定各值对应的字段，整行未评价；请检查该行是否有未加引号的逗号")
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


def test_every_encoding_and_line_end_reads_the_same():
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


def _registry_xlsx(path, header: list[str], rows: list[list[object]], title: str | None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for r in (header, *rows):
        ws.append(r)
    wb.save(path)
    return path.read_bytes()


def test_an_xlsx_row_with_a_filled_cell_beyond_the_header_is_reported_not_cut(tmp_path):
    """Excel rows are read to their last filled cell, as CSV rows are: the row is named as Excel
    numbers it (a title row above the header counts) and not evaluated; cells beyond the header
    that are empty or only spaces (Excel leaves them) are no problem."""
    header = [c.header for c in COLUMNS]
    good = [100, -5, 10, 3, 0.5, 2020, 5, 1, "是", "2020-01-02", "工业"]
    body = [_row(i, good) for i in range(5)]
    body[1] = body[1] + [None, None, "多出的值"]  # a value three columns past the header: reported
    body[3] = body[3] + [None, "  ", None]       # only empty cells beyond it: not reported
    width = len(header)
    want = (f"该行有 {width + 3} 个单元格，表头只有 {width} 列（多出 3 个，从第 N 列起没有表头），"
            "无法确定各值对应的字段，整行未评价；请检查该行是否有未加引号的逗号")
    data = _registry_xlsx(tmp_path / "名录.xlsx", header, body, "2024年企业名录（构造数据）")
    view = screen_stream(data, name="名录.xlsx", on=TODAY, out=None, today=TODAY)
    assert [(p.file, p.row, p.field, p.message) for p in view.problems] == [("名录.xlsx", 4, "整行", want)]
    assert (view.total_rows, view.evaluated_rows, view.bad_rows) == (5, 4, 1)
    path = tmp_path / "无标题.xlsx"
    _registry_xlsx(path, header, body, None)
    reg = R.read_registry(path, today=TODAY)
    assert [(p.row, p.field, p.message) for p in reg.problems] == [(3, "整行", want)]
    assert reg.row_numbers.tolist() == [2, 4, 5, 6]


def test_a_wide_row_starting_a_slab_of_the_c_parser_is_reported(monkeypatch):
    """The first data row, and a row that starts a later slab: pandas' C parser takes a slab's
    shape from its first line and would drop the extra cells there with only a warning."""
    from innodrive import tabular

    header = [c.header for c in COLUMNS]
    good = ["100", "-5", "10", "3", "0.5", "2020", "5", "1", "是", "2020-01-02", "工业"]
    body = [_row(i, good) for i in range(12)]
    width = len(header)
    want = (f"该行有 {width + 2} 个单元格，表头只有 {width} 列（多出 2 个，从第 N 列起没有表头），"
            "无法确定各值对应的字段，整行未评价；请检查该行是否有未加引号的逗号")
    body[0] = body[0] + ["多出的值", "再多一个"]
    view = screen_stream(_csv(header, body), name="名录.csv", on=TODAY, out=None, today=TODAY)
    assert [(p.row, p.field, p.message) for p in view.problems] == [(2, "整行", want)]
    assert (view.total_rows, view.evaluated_rows, view.bad_rows) == (12, 11, 1)

    monkeypatch.setattr(tabular, "_MIN_SLAB_BYTES", 300)  # a few rows a slab
    body = [_row(i, good) for i in range(12)]
    data = _csv(header, body)
    starts = []  # rows that start a slab: the first after a slab's end
    at = data.find(b"\n") + 1
    line = 2
    while at < len(data):
        starts.append(line)
        end = tabular._slab_end(data, at, 300)
        line += data.count(b"\n", at, end)
        at = end
    assert len(starts) >= 3
    wide = starts[1]
    body[wide - 2] = body[wide - 2] + ["多出的值", "再多一个"]
    view = screen_stream(_csv(header, body), name="名录.csv", on=TODAY, out=None, today=TODAY, chunk_rows=2)
    assert [(p.row, p.field, p.message) for p in view.problems] == [(wide, "整行", want)]
    assert (view.total_rows, view.evaluated_rows, view.bad_rows) == (12, 11, 1)
