"""The C parser's slabs of a CSV read exactly as the row path reads the file, whatever row
starts a slab: a row wider than the header there is reported (pandas drops its extra cells
with only a warning), and a slab whose every line is shorter than the header is read, not
refused, when a coded column must be read again (CONSTRUCTED data)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from innodrive import tabular
from innodrive.tabular import open_table

HEADER = ["代码", "名称", "数量", "是否", "类别"]


def _data(rows: list[str]) -> bytes:
    return ("\n".join([",".join(HEADER), *rows]) + "\n").encode("utf-8-sig")


def _frames(data: bytes, **kwargs):
    table = open_table(data, name="表.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas warning may reach the user's terminal
        return list(table.frames(4, **kwargs))


def _rows(data: bytes) -> list[tuple[int, list[object]]]:
    """The row path's rows, padded to the header (what frames give as cells)."""
    out = []
    for n, r in open_table(data, name="表.csv").rows():
        cells = [r[i] if i < len(r) and r[i] != "" else None for i in range(len(HEADER))]
        out.append((n, cells))
    return out


def _cells(frames) -> list[tuple[int, list[object]]]:
    out = []
    for f in frames:
        for i, n in enumerate(f.numbers.tolist()):
            row = [f.text(i, c) for c in range(len(HEADER))]
            out.append((n, [None if v is None or v != v or v == "" else v for v in row]))
    return out


@pytest.fixture
def small_slabs(monkeypatch):
    """Slabs of about 60 bytes, a few rows each, so that a chosen row starts a slab."""
    monkeypatch.setattr(tabular, "_MIN_SLAB_BYTES", 60)


def _good(i: int) -> str:
    return f"C{i:04d},企业{i},{i},是,{1 + i % 3}"


@pytest.mark.parametrize("at", [0, 1, 2, 3, 4, 5, 6, 7])
def test_a_wide_row_is_reported_wherever_it_falls_in_the_slabs(small_slabs, at):
    rows = [_good(i) for i in range(8)]
    rows[at] += ",多出的值,再多一个"
    frames = _frames(_data(rows))
    assert {n: w for f in frames for n, w in f.wide.items()} == {at + 2: 7}
    assert sorted(n for f in frames for n in f.numbers.tolist()) == list(range(2, 10))


def test_a_wide_first_data_row_is_reported_in_a_file_of_one_slab():
    rows = [_good(i) for i in range(3)]
    rows[0] += ",多出的值"
    frames = _frames(_data(rows), text=[0, 1, 3, 4], coded=[3, 4])
    assert {n: w for f in frames for n, w in f.wide.items()} == {2: 6}
    rows[0] += ",,"  # only empty cells beyond the header besides: the row is still wide
    assert {n: w for f in _frames(_data(rows)) for n, w in f.wide.items()} == {2: 8}
    rows[0] = _good(0) + ",, "  # only empty cells beyond the header: nothing lost, nothing reported
    frames = _frames(_data(rows))
    assert not any(f.wide for f in frames)
    assert _cells(frames) == _rows(_data(rows))


@pytest.mark.parametrize("at", [None, 0, 3])
def test_slabs_of_short_rows_with_a_coded_column_read_as_the_rows(small_slabs, at):
    """A last column left out of every row of a slab (no trailing separator) and a coded
    column of numbers read again as text: the cells are the row path's, no traceback."""
    rows = [f"C{i:04d},企业{i},{i},{1 + i % 2}" for i in range(8)]  # the 类别 column never written
    if at is not None:
        rows[at] = f"C{at:04d},企业{at}"  # a shorter row still, starting the data or a slab
    data = _data(rows)
    frames = _frames(data, text=[0, 1, 3, 4], coded=[3, 4])
    assert _cells(frames) == _rows(data)
    assert not any(f.wide for f in frames)


@pytest.mark.parametrize("minimum", [1 << 20, 20, 40, 60])
def test_row_numbers_after_a_lone_cr_in_a_quoted_cell_do_not_depend_on_the_slabs(monkeypatch, minimum):
    """csv.reader (the row path) ends a line at a lone CR, also inside a quoted cell: every
    slab after the one holding it numbers its rows on from there, not from the LF count
    (which gave two rows one number where a slab ended after the CR)."""
    monkeypatch.setattr(tabular, "_MIN_SLAB_BYTES", minimum)
    rows = [_good(i) for i in range(8)]
    rows[2] = 'C0002,"企业\r二",2,是,3'
    rows[5] = 'C0005,"企业\r\r五",5,否,1'
    data = _data(rows)
    want = [n for n, _ in open_table(data, name="表.csv").rows()]
    assert want == [2, 3, 5, 6, 7, 10, 11, 12]
    frames = _frames(data)
    assert [n for f in frames for n in f.numbers.tolist()] == want
    assert [c for _, c in _cells(frames)] == [c for _, c in _rows(data)]


def _read_slab_with_the_warning(slab: bytes, width: int, dtypes: dict) -> object:
    """The slab reading before it was made safe in a thread (reference): a first line wider
    than the header caught by turning pandas' ParserWarning into an error."""
    import io

    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.BytesIO(slab), names=list(range(width)), dtype=dtypes, sep=",", encoding="utf-8",
                               **tabular._PANDAS_CSV)
    except (pd.errors.ParserError, pd.errors.ParserWarning, UnicodeDecodeError, ValueError, OverflowError):
        return None


@pytest.mark.parametrize("seed", range(4))
def test_a_slab_reads_as_it_did_with_the_warning_caught(seed):
    """:func:`tabular._read_slab` finds a wide first line without ``warnings.catch_warnings``
    (not safe while another thread runs): on random slabs (CONSTRUCTED: rows narrower and
    wider than the header, empty and quoted cells, quoted commas and line breaks, CRLF,
    columns as text, categories or inferred) it gives what the warning-catching reading
    gave, frame for frame, and raises no warning."""
    import random

    rnd = random.Random(seed)
    cells = ["", "1", "2.5", "甲", "是", '"x,y"', '"q""q"', '"l\nm"', " ", "TRUE", '""', "-", '"a"b']
    for _ in range(1500):
        width = rnd.randint(1, 5)
        lines = [",".join(rnd.choice(cells) for _ in range(max(0, rnd.choice([0, 1, width, width, width - 1,
                                                                                 width + 1, width + 2]))))
                 for _ in range(rnd.randint(1, 6))]
        slab = ("\n".join(lines) + rnd.choice(["", "\n", "\r\n"])).encode()
        dtypes = {i: rnd.choice([object, "category"]) for i in range(width) if rnd.random() < 0.6}
        want = _read_slab_with_the_warning(slab, width, dtypes)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = tabular._read_slab(slab, width, dtypes, ",", "utf-8")
        assert (got is None) == (want is None), slab
        if want is not None:
            assert got.equals(want) and list(got.dtypes) == list(want.dtypes), slab


@pytest.mark.parametrize("start,end", [(0, None), (0, 1), (3, 9 << 20), (1 << 22, (1 << 22) + 7), (5, 5),
                                       ((9 << 20) - 3, 9 << 20), (100, 50), (0, 1 << 30)])
def test_count_byte_counts_as_bytes_count(start, end):
    """The vectorised count equals ``bytes.count`` over a span of several NumPy pieces,
    at their edges, for empty and reversed spans and an end past the data."""
    rng = np.random.default_rng(5)
    data = rng.choice(np.frombuffer(b"a,\n\r\"", dtype=np.uint8), size=9 << 20).tobytes()
    for byte in (b"\n", b"\r", b'"'):
        expected = data.count(byte, start, len(data) if end is None else end)
        assert tabular.count_byte(data, byte, start, end) == expected


@pytest.mark.parametrize("seed", range(3))
def test_the_first_filled_cell_is_the_one_first_valid_index_finds(seed):
    """:func:`tabular._first_valid` judges a column's cells in growing pieces from the start:
    it finds the cell that ``first_valid_index`` finds, wherever that is (CONSTRUCTED:
    columns of missing cells of every kind before a text, a number or a boolean, across the
    pieces' ends, and columns with no filled cell)."""
    import random

    import pandas as pd

    rnd = random.Random(seed)
    for length in [0, 1, 63, 64, 65, 319, 320, 321, 1400, 5000]:
        for _ in range(20):
            cells = np.asarray([rnd.choice([None, np.nan, pd.NA, pd.NaT]) for _ in range(length)]
                               + [rnd.choice(["甲", True, False, 0.0, 7, "", None])
                                  for _ in range(rnd.randint(0, 3))], dtype=object)
            col = pd.Series(cells, dtype=object)
            first = col.first_valid_index()
            want = None if first is None else col.at[first]
            got = tabular._first_valid(cells)
            assert type(got) is type(want) and (got is want or got == want), (length, cells[length:])
