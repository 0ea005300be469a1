"""The bulk paths of reading a registry give exactly what the plain per-cell forms give:
blank cells and text values found without stripping every cell, credit codes upper-cased
in one pass, a column's few distinct cells parsed once and remembered across chunks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from innodrive.enterprises import registry as R
from innodrive.enterprises.fields import FIELDS

TODAY = dt.date(2024, 6, 30)
# cells that end or start with each kind of space str.strip() removes, NUL inside a cell,
# blank words with and without padding, letters whose upper case is longer (ß → SS)
EDGE = ["", " ", "\u3000", "\x1f", "\u00a0a", "a\u2003", "\t", "x\x00 y", "a\x00", "\x00", "None", " nan ", "-", " — ",
        "普通", "ß", "ﬁ", "abc", "91511500420000003a", " 91511500420000003A ", "NaT", "0", "1.5", "是", " 否 "]


def _plain_blank(cells) -> list[bool]:
    return [pd.isna(v) or (isinstance(v, str) and v.strip() in R._BLANKS) for v in cells]


cell = st.one_of(st.sampled_from(EDGE), st.text(max_size=6), st.none(), st.just(np.nan), st.integers(-3, 3))


@settings(max_examples=300, deadline=None)
@given(st.lists(cell, max_size=30))
def test_blank_and_text_values_match_the_per_cell_forms(cells):
    raw = pd.Series(cells, dtype=object)
    assert R._blank(raw).tolist() == _plain_blank(cells)
    vals, err, blank = R._parse_cells(FIELDS["name"], raw, TODAY)
    assert blank.tolist() == _plain_blank(cells)
    assert vals.tolist() == [None if b else str(v).strip() for v, b in zip(cells, blank, strict=True)]
    assert all(e is None for e in err)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(EDGE), st.text(max_size=20)), max_size=30))
def test_credit_codes_upper_cased_as_pandas_does(codes):
    arr = np.array(codes, dtype=object)
    want = pd.Series(arr, dtype=object).str.strip().str.upper().tolist()
    assert R._strip_upper(arr).tolist() == want


def test_distinct_cells_parsed_once_and_spread_back_unchanged_in_every_chunk():
    spec = next(f for f in FIELDS.values() if f.kind == "flag")
    rng = np.random.default_rng(16)
    words = np.array(["是", "否", None, "maybe", " 是 "], dtype=object)
    first = pd.Series(words[rng.integers(0, len(words), 500)], dtype=object)
    want = R._parse_cells(spec, first, TODAY)  # the plain per-cell path
    for _ in range(3):  # the remembered parse serves later chunks; spreading it back never alters it
        vals, err, blank = R._parse_column(spec, first, TODAY)
        np.testing.assert_array_equal(vals, want[0])
        assert err.tolist() == want[1].tolist()
        assert blank.tolist() == want[2].tolist()
    assert "应填“是”或“否”，实际为“maybe”" in err.tolist()


def test_a_code_repeated_in_a_later_chunk_names_the_first_row():
    checker = R.RowChecker({FIELDS["credit_code"].header: FIELDS["credit_code"], FIELDS["name"].header: FIELDS["name"]},
                           file="名录.csv", today=TODAY)
    code = "91511500420000003A"
    first = pd.DataFrame({"统一社会信用代码": [code, "91510100MA61R1234X"], "企业名称": ["甲", "乙"]})
    checker.check(first, 2)
    later = pd.DataFrame({"统一社会信用代码": [" " + code.lower() + " "], "企业名称": ["丙"]})
    good, _rows, problems = checker.check(later, 9)
    assert len(good) == 0
    assert [(p.row, p.message) for p in problems] == [(9, f"统一社会信用代码 {code} 与第 2 行重复")]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(EDGE), st.text(max_size=8)), max_size=30))
def test_may_strip_is_whether_strip_changes_a_cell(cells):
    """Never False when stripping changes a cell; exactly that when no cell holds a NUL
    (a NUL inside a cell can only make it say True for nothing: the slow path then runs)."""
    changes = any(c != c.strip() for c in cells)
    if changes:
        assert R._may_strip(cells)
    if not any("\x00" in c for c in cells):
        assert R._may_strip(cells) == changes
