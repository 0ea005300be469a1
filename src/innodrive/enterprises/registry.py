"""Reading an enterprise registry (CSV or XLSX) and checking it row by row.

Offices keep their registries in spreadsheets with Chinese headers (the template from
``innodrive enterprises template``). Every cell is parsed by the kind its field declares
(:mod:`.fields`); every bad cell becomes a :class:`~innodrive.errors.Problem` naming the
file, the spreadsheet row, the column header and what was expected. A bad row is left
out of the evaluation and reported; the other rows are still evaluated — one typo must
not stop a city's screening. Parsing is column-wise (pandas), so large files stay fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from innodrive.enterprises import credit_code as cc
from innodrive.enterprises.expr import EPOCH, day_number
from innodrive.enterprises.fields import FIELDS, RETIRED_HEADERS, FieldSpec
from innodrive.errors import InputError, Problem

Progress = Callable[[int, int], None]
_TRUE = {"是", "有", "y", "yes", "true", "1", "1.0", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "0.0", "×"}
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
CHUNK = 20_000


@dataclass
class Registry:
    """A checked registry: the good rows as canonical columns, and every problem found."""

    frame: pd.DataFrame  # canonical field names; numbers float64 (dates as day numbers), text as str
    row_numbers: np.ndarray  # spreadsheet row of each good row (header = row 1)
    problems: list[Problem] = field(default_factory=list)
    total_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    file: str | None = None
    retired_headers: dict[str, str] = field(default_factory=dict)  # header of an old template -> what to do

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def _header_to_field(header: str) -> FieldSpec | None:
    """The field a header names: its Chinese header or field name, compared in the table
    reader's normal form (NFKC, no spaces, lower case: （上年） and (上年) are one)."""
    return _by_norm().get(_norm(header))


def _norm(h) -> str:
    from innodrive.tabular import norm_header

    return norm_header(h)


_BY_NORM: dict[str, FieldSpec] = {}


def _by_norm() -> dict[str, FieldSpec]:
    if not _BY_NORM:
        for f in FIELDS.values():
            _BY_NORM[_norm(f.name)] = f
            _BY_NORM[_norm(f.header)] = f
    return _BY_NORM


def retired_reason(header) -> str | None:
    """What to use instead of a column of an earlier template, if ``header`` is one."""
    wanted = _norm(header)
    return next((why for h, why in RETIRED_HEADERS.items() if _norm(h) == wanted), None)


def read_table(path: Path) -> pd.DataFrame:
    """The raw cells of a CSV or XLSX file (as objects), with clear errors."""
    from innodrive.safeio import read_input

    return read_table_bytes(read_input(path, what="表格文件"), name=str(path))


def read_table_bytes(data: bytes, *, name: str) -> pd.DataFrame:
    """The raw cells of CSV or XLSX bytes (``name`` gives the kind and is used in messages);
    ``attrs["row_numbers"]``: each row's line in the file as the user sees it (a title row or
    a blank line above a row counts); ``attrs["wide_rows"]``: rows (by that number) with filled
    cells beyond the header."""
    from innodrive.enterprises.stream import raw_frames

    parts, numbers, wide = [], [], {}
    for block in raw_frames(data, name=name):
        parts.append(block.frame)
        numbers.append(np.asarray(block.numbers, dtype=np.int64))
        wide.update(block.wide)
    raw = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    raw.attrs["row_numbers"] = np.concatenate(numbers)  # each row's line in the file (title rows counted)
    raw.attrs["wide_rows"] = wide  # row number -> (cells in the row, columns in the header)
    return raw


_BLANKS = frozenset(["", "nan", "NaN", "None", "NaT", "-", "—"])


def _to_numeric(values: pd.Series) -> pd.Series:
    """``pd.to_numeric`` with unreadable cells as NaN. A whole number too large for a float
    (a reader may hand one over as a Python int) becomes ±inf, as the same digits written
    as text do, so the range checks refuse it with a message instead of pandas raising."""
    try:
        return pd.to_numeric(values, errors="coerce")
    except OverflowError:
        def bounded(v):
            if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 1000:
                return float("inf") if v > 0 else float("-inf")
            return v
        return pd.to_numeric(values.map(bounded), errors="coerce")


def _blank(s: pd.Series) -> pd.Series:
    """Empty cells. Exact matches are found by a hash lookup; the other cells are stripped
    only when one of them could change (:func:`_may_strip`): a cell is blank when its text
    without surrounding spaces is one of the blank words (pandas string methods, then a
    Python step per cell, were most of the checking time)."""
    arr = s.to_numpy(dtype=object)
    out = pd.isna(arr)
    exact = s.isin(_BLANKS).to_numpy()
    out |= exact
    rest = ~out
    if rest.any():
        idx = np.flatnonzero(rest)
        sub = arr[idx]
        if _may_strip(sub.tolist()):  # else stripping changes no cell: none is blank beyond the exact ones
            spaced = np.fromiter((isinstance(v, str) and v.strip() in _BLANKS for v in sub), dtype=bool, count=len(sub))
            out[idx[spaced]] = True
    return pd.Series(out, index=s.index)


# whitespace after a NUL in cells joined by NUL (``\s``: what str.strip() strips); before a NUL,
# after one in the reversed text: a pattern starting with NUL is a quick scan for it, where
# ``\s\x00`` tested every character (3-4x slower; one alternation was 5x slower still)
_SPACE_AFTER = re.compile(r"\x00\s")


def _may_strip(cells: list) -> bool:
    """Whether ``str.strip`` could change one of ``cells`` — False only when every cell is
    text with no whitespace at either end (one regex search over the joined cells instead
    of a Python step per cell: a registry's names and codes are almost never padded)."""
    try:
        joined = "\x00".join(cells)
    except TypeError:  # a cell that is not text (a number or date from a workbook)
        return True
    return (joined[:1].isspace() or joined[-1:].isspace() or _SPACE_AFTER.search(joined) is not None
            or _SPACE_AFTER.search(joined[::-1]) is not None)


NUMBER_KINDS = frozenset({"money", "signed_money", "people", "count", "ratio", "year", "score", "level"})


def _parse_column(spec: FieldSpec, raw: pd.Series, today: dt.date,
                  shown: Callable[[int], object] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, error message per cell or None, blank per cell) for one column.

    A float64 column (the reader found only plain numbers) is checked with array masks;
    ``shown(i)`` gives cell ``i`` as written for the few messages that quote it. A column
    of text cells is parsed once per distinct cell and spread back (a million 是/否 cells
    are two parses); other columns cell by cell."""
    vals, err, blank = _parse_sparse(spec, raw, today, shown)
    return vals, (np.full(len(vals), None, dtype=object) if err is None else err), blank


def _parse_sparse(spec: FieldSpec, raw: pd.Series, today: dt.date, shown: Callable[[int], object] | None = None
                  ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """:func:`_parse_column` with ``None`` for the messages when no cell has one (the usual
    column: nothing to allocate or scan for errors)."""
    if isinstance(raw.dtype, pd.CategoricalDtype):  # the distinct cells and a code per cell (the reader's)
        uniques = raw.cat.categories.tolist()
        if spec.kind != "text" and all(isinstance(u, str) for u in uniques):
            return _spread(spec, raw.cat.codes.to_numpy(), uniques, today)
        raw = raw.astype(object)
    arr = raw.to_numpy()
    if arr.dtype == np.float64:
        return _parse_numbers(spec, arr, today, shown or (lambda i: arr[i]))
    if spec.kind != "text" and len(arr) > 1:
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        if not all(isinstance(u, str) for u in uniques.tolist()):  # cells that are not all text: one by one
            return _parse_cells(spec, raw, today)
        if len(uniques) < len(arr):
            return _spread(spec, codes, uniques.tolist(), today)
    return _parse_cells(spec, raw, today)


def _spread(spec: FieldSpec, codes: np.ndarray, uniques: list[str], today: dt.date
            ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """:func:`_parse_cells` of a column given as its distinct text cells and a code per
    cell (-1: empty): each distinct cell parsed once (:func:`_parse_distinct`), spread back
    (a cell's result depends on that cell alone)."""
    n = len(codes)
    if not uniques:
        return np.full(n, np.nan, dtype=np.float64), None, np.ones(n, dtype=bool)
    vals, err, blank = _parse_distinct(spec, uniques, today)
    missing = codes < 0
    take = np.where(missing, 0, codes)
    vals, blank = vals[take], blank[take] | missing
    err = err[take] if (err != None).any() else None  # noqa: E711
    if missing.any():
        vals[missing] = np.nan
        if err is not None:
            err[missing] = None
    return vals, err, blank


# Dates as the template writes them (YYYY-MM-DD, ASCII digits), joined by NUL: such cells
# are read by NumPy at once; a cell NumPy refuses (2023-02-30) sends the column to the
# per-cell path, which words the message.
_ISO_DATES = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\x00)*[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_dates(cells: list[str], today: dt.date) -> tuple[np.ndarray, None, np.ndarray] | None:
    """:func:`_parse_cells` of distinct date cells that are all plain ``YYYY-MM-DD`` days of
    year 1 or later and not after ``today`` (else ``None``: the per-cell path)."""
    if not cells or not _ISO_DATES.fullmatch("\x00".join(cells)):
        return None
    try:
        days = np.array(cells, dtype="datetime64[D]")
    except ValueError:
        return None
    num = days.astype(np.int64)
    first, last = day_number(dt.date(1, 1, 1)), day_number(today)
    if num.min() < first or num.max() > last:
        return None
    return num.astype(np.float64), None, np.zeros(len(cells), dtype=bool)


_DISTINCT: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
_DISTINCT_MAX = 2048  # entries kept; a column's few distinct cells recur in every chunk


def _parse_distinct(spec: FieldSpec, cells: list[str], today: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_parse_cells` of a column's distinct text cells, remembered when they are few:
    every chunk of a registry holds the same 是/否, choices and blanks in its flag and
    choice columns, and parsing three cells through pandas cost as much as the column.
    The arrays returned are shared: callers index them, never write to them."""
    key = (spec, today, tuple(cells)) if len(cells) <= 64 else None
    hit = _DISTINCT.get(key) if key is not None else None
    if hit is None:
        fast = _iso_dates(cells, today) if spec.kind == "date" else None
        hit = (fast[0], np.full(len(cells), None, dtype=object), fast[2]) if fast is not None else _parse_cells(
            spec, pd.Series(np.asarray(cells, dtype=object), dtype=object), today)
        if key is not None:
            if len(_DISTINCT) >= _DISTINCT_MAX:
                _DISTINCT.clear()
            _DISTINCT[key] = hit
    return hit


def _parse_numbers(spec: FieldSpec, num: np.ndarray, today: dt.date, shown: Callable[[int], object]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_parse_cells` for a column the reader already read as numbers: the same
    checks in the same order, the same messages, without a Python step per cell."""
    n = len(num)
    blank = np.isnan(num)
    if spec.kind not in NUMBER_KINDS:  # a flag, date or choice column is read as text
        return _parse_cells(spec, pd.Series(np.where(blank, None, num), dtype=object), today)
    num = num.copy()
    err = None  # made when a cell first has a message (most columns have none)

    def flag(mask: np.ndarray, message: Callable[[int], str]) -> None:
        nonlocal err
        for i in np.flatnonzero(mask):
            if err is None:
                err = np.full(n, None, dtype=object)
            err[i] = message(int(i))

    with np.errstate(invalid="ignore"):
        if spec.kind == "ratio":
            over = num > 1
            if over.any():
                flag(over, lambda i: f"比例为 {num[i] * 100:g}%，超过 100%（若指 {shown(i)}%，请填写为 {shown(i)}% 或小数）")
                num[over] = np.nan
        if spec.kind != "signed_money":
            neg = num < 0
            if neg.any():
                flag(neg, lambda i: f"不能为负数，实际为 {shown(i)}")
                num[neg] = np.nan
        present = ~np.isnan(num)
        if spec.kind == "count":
            flag(present & (num != np.floor(num)), lambda i: f"应为整数，实际为 {shown(i)}")
        if spec.kind == "year":
            flag(present & ((num != np.floor(num)) | (num < 1949) | (num > today.year)),
                 lambda i: f"年度应为 1949 至 {today.year} 之间的整数，实际为 {shown(i)}")
        if spec.kind == "score" and spec.max is not None:
            flag(present & (num > spec.max), lambda i: f"评分应在 0 至 {spec.max:g} 分之间，实际为 {shown(i)}")
        if spec.kind == "level" and spec.allowed is not None:
            flag(present & ~np.isin(num, [float(a) for a in spec.allowed]),
                 lambda i: f"应为 {'、'.join(str(a) for a in spec.allowed)} 之一，实际为 {shown(i)}")
    if err is not None:
        num[err != None] = np.nan  # noqa: E711 (element-wise)
    return num, err, blank


def _parse_cells(spec: FieldSpec, raw: pd.Series, today: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, error message per cell or None, blank per cell) for one column of cells."""
    blank = _blank(raw)
    err = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    if spec.kind == "text":
        arr, empty = raw.to_numpy(dtype=object), blank.to_numpy()
        cells = arr[~empty].tolist()
        if _may_strip(cells):
            vals = np.array([None if b else str(v).strip() for v, b in zip(arr, empty, strict=True)] or [], dtype=object)
        else:  # every cell text with nothing to strip: the cells as they are
            vals = np.full(len(arr), None, dtype=object)
            vals[~empty] = cells
        return vals, err.to_numpy(), empty
    out = pd.Series(np.nan, index=raw.index, dtype=np.float64)
    present = ~blank
    if not present.any():
        return out.to_numpy(), err.to_numpy(), blank.to_numpy()
    cells = raw[present]
    if spec.kind == "flag":
        text = _texts(cells).str.strip().str.lower()
        out[present & raw.index.isin(text[text.isin(_TRUE)].index)] = 1.0
        out[present & raw.index.isin(text[text.isin(_FALSE)].index)] = 0.0
        bad = text[~text.isin(_TRUE | _FALSE)]
        err[bad.index] = [f"应填“是”或“否”，实际为“{v}”" for v in cells[bad.index]]
        return out.to_numpy(), err.to_numpy(), blank.to_numpy()
    if spec.kind == "choice":
        codes = spec.choice_codes()
        names = spec.choice_names()
        lookup = {**{k: float(v) for k, v in codes.items()}, **{str(c): float(c) for c in names},
                  **{f"{c}.0": float(c) for c in names}}
        text = _texts(cells).str.strip().str.replace(" ", "", regex=False)
        mapped = text.map(lookup)
        out[mapped.index] = mapped.astype(np.float64)
        bad = mapped[mapped.isna()]
        err[bad.index] = [f"应为{'、'.join(names.values())}之一，实际为“{cells[i]}”" for i in bad.index]
        return out.to_numpy(), err.to_numpy(), blank.to_numpy()
    if spec.kind == "date":
        where, days = [], []  # set at once: a Series assignment per cell was most of the reading time
        for idx, v in cells.items():
            d = _to_date(v)
            if d is None:
                err[idx] = f"日期格式无法识别：“{v}”（应为 YYYY-MM-DD）"
            elif d > today:
                err[idx] = f"日期 {d.isoformat()} 晚于今天（{today.isoformat()}）"
            else:
                where.append(idx)
                days.append(day_number(d))
        if where:
            out[where] = np.asarray(days, dtype=np.float64)
        return out.to_numpy(), err.to_numpy(), blank.to_numpy()
    # plain numbers (almost every cell) are converted in one C pass; only the rest
    # ("2,000", "55%", typos) go through the text path
    num = _to_numeric(cells).astype(np.float64)
    is_pct = pd.Series(False, index=cells.index)
    special = num.isna()
    if special.any():
        text = _texts(cells[special]).str.strip().str.replace(",", "", regex=False).str.replace("，", "", regex=False)
        pct = text.str.endswith("%") | text.str.endswith("％")
        is_pct[pct.index] = pct
        num[text.index] = pd.to_numeric(text.str.rstrip("%％"), errors="coerce").astype(np.float64)
    bad = num.isna()
    for idx in num[bad].index:
        err[idx] = f"应为数字，实际为“{cells[idx]}”"
    if spec.kind == "ratio":
        num = num.where(~is_pct, num / 100.0)
        over = num > 1
        for idx in num[over].index:
            shown = f"{num[idx] * 100:g}%"
            hint = "" if is_pct[idx] else f"（若指 {cells[idx]}%，请填写为 {cells[idx]}% 或小数）"
            err[idx] = f"比例为 {shown}，超过 100%{hint}"
        num = num.where(~over)
    elif is_pct.any():
        for idx in is_pct[is_pct].index:
            err[idx] = f"此列不是比例，不应带百分号：“{cells[idx]}”"
        num = num.where(~is_pct)
    if spec.kind != "signed_money":
        neg = num < 0
        for idx in num[neg].index:
            err[idx] = f"不能为负数，实际为 {cells[idx]}"
        num = num.where(~neg)
    if spec.kind == "count":
        frac = num.notna() & (num != np.floor(num))
        for idx in num[frac].index:
            err[idx] = f"应为整数，实际为 {cells[idx]}"
    if spec.kind == "year":
        off = num.notna() & ((num != np.floor(num)) | (num < 1949) | (num > today.year))
        for idx in num[off].index:
            err[idx] = f"年度应为 1949 至 {today.year} 之间的整数，实际为 {cells[idx]}"
    if spec.kind == "score" and spec.max is not None:
        off = num.notna() & (num > spec.max)
        for idx in num[off].index:
            err[idx] = f"评分应在 0 至 {spec.max:g} 分之间，实际为 {cells[idx]}"
    if spec.kind == "level" and spec.allowed is not None:
        off = num.notna() & ~num.isin([float(a) for a in spec.allowed])
        for idx in num[off].index:
            err[idx] = f"应为 {'、'.join(str(a) for a in spec.allowed)} 之一，实际为 {cells[idx]}"
    out[num.index] = num.astype(np.float64)
    out[err.notna()] = np.nan
    return out.to_numpy(), err.to_numpy(), blank.to_numpy()


def _texts(cells: pd.Series) -> pd.Series:
    """Cells as text in a Series of Python strings (``str`` of a non-text cell), so that the
    string steps after it are Python's own (``str.strip``'s spaces, ``str.lower``) and
    ``pd.to_numeric`` reads them with pandas' converter, whichever storage pandas would
    pick for ``astype(str)`` (with pyarrow installed, Arrow's kernels: slower here, and
    they strip and convert by other rules)."""
    out = np.empty(len(cells), dtype=object)
    out[:] = [v if isinstance(v, str) else str(v) for v in cells.tolist()]
    return pd.Series(out, index=cells.index, dtype=object)


def _to_date(v) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, pd.Timestamp):
        return v.date()
    m = _DATE_RE.match(str(v))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


class RowChecker:
    """Checks raw cells chunk by chunk, keeping what spans chunks (duplicate codes).

    ``check(raw, first_row)`` parses every mapped column by its kind, then the required
    fields, the credit codes (shape, check digit, duplicates against every earlier row)
    and the part-not-above-whole pairs; it returns the good rows as canonical columns,
    their spreadsheet row numbers and every problem of the chunk.
    """

    def __init__(self, mapping: dict[str, FieldSpec], *, file: str | None, today: dt.date | None = None) -> None:
        self.mapping = mapping
        self.file = file
        self.today = today or dt.date.today()
        self.first_row: dict[str, int] = {}

    def check(self, raw: pd.DataFrame, first_row: int | np.ndarray,
              shown: Callable[[int, object], object] | None = None,
              wide: dict[int, tuple[int, int]] | None = None) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
        """``first_row``: the spreadsheet row of the first row, or every row's number;
        ``shown(i, column)``: a cell as written (for messages about numbers read as float64);
        ``wide``: rows (by number) with filled cells beyond the header, as (cells in the row,
        columns in the header) — each is reported and left out."""
        file = self.file
        numbers = (np.asarray(first_row, dtype=np.int64) if isinstance(first_row, np.ndarray)
                   else np.arange(len(raw), dtype=np.int64) + int(first_row))
        n = len(raw)
        raw = raw.reset_index(drop=True)
        found: list[tuple[int, int, str, str]] = []  # (position, column order, field header, message)
        bad_mask = np.zeros(n, dtype=bool)
        # a fully blank row (a spreadsheet's empty line) is skipped, not reported
        blank_row = np.ones(n, dtype=bool)
        cols: dict[str, np.ndarray] = {}
        for order, (col, spec) in enumerate(self.mapping.items()):
            cell = None if shown is None else (lambda i, _c=col: shown(i, _c))
            vals, err, blank = _parse_sparse(spec, raw[col], self.today, cell)
            blank_row &= blank
            cols[spec.name] = vals
            if err is None:
                continue
            bad = err != None  # noqa: E711 (element-wise)
            if bad.any():
                found.extend((int(pos), order, spec.header, err[pos]) for pos in np.flatnonzero(bad))
                bad_mask |= bad
        order = len(self.mapping)
        for name in ("credit_code", "name"):
            empty = pd.isna(cols[name])
            order += 1
            found.extend((int(pos), order, FIELDS[name].header, "必填项为空") for pos in np.flatnonzero(empty))
            bad_mask |= empty
        order += 1
        normalised, code_bad = self._codes(cols["credit_code"], numbers, found, order)
        bad_mask |= code_bad
        cols["credit_code"] = normalised
        for spec in FIELDS.values():
            if spec.not_above and spec.name in cols and spec.not_above in cols:
                part, whole = cols[spec.name], cols[spec.not_above]
                with np.errstate(invalid="ignore"):
                    over = part > whole * (1 + 1e-12)
                order += 1
                found.extend((int(pos), order, spec.header,
                              f"{spec.header}（{part[pos]:g}）大于{FIELDS[spec.not_above].header}（{whole[pos]:g}）")
                             for pos in np.flatnonzero(over))
                bad_mask |= over
        if blank_row.any():
            found = [f for f in found if not blank_row[f[0]]]
            bad_mask |= blank_row
        if wide:
            for pos in np.flatnonzero(np.isin(numbers, np.fromiter(wide, dtype=np.int64, count=len(wide)))):
                found.append((int(pos), -1, "整行", _wide_message(*wide[int(numbers[pos])])))
                bad_mask[pos] = True
        found.sort(key=lambda f: (f[0], f[1]))
        problems = [Problem(message=m, file=file, row=int(numbers[pos]), field=h) for pos, _, h, m in found]
        # the good rows taken column by column and framed without copying them again (building
        # a frame of every row, then taking its good rows, copied every cell twice)
        keep = ~bad_mask
        whole = bool(keep.all())
        good = pd.DataFrame({k: (v if whole else v[keep]) for k, v in cols.items()}, copy=False)
        rows = numbers[keep]
        return good, rows, problems

    def _codes(self, codes: np.ndarray, numbers: np.ndarray, found: list, order: int) -> tuple[np.ndarray, np.ndarray]:
        """Normalised credit codes (None where missing or wrong) and the bad ones: shape and
        check digit tested with arrays, :func:`credit_code.problem` words the rare wrong one;
        a duplicate of any earlier row (this chunk or before) names that row."""
        n = len(codes)
        normalised = np.full(n, None, dtype=object)
        bad = np.zeros(n, dtype=bool)
        present = np.flatnonzero(~pd.isna(codes))
        if not len(present):
            return normalised, bad
        text = _strip_upper(codes[present])
        ok = cc.valid_array(text)
        header = FIELDS["credit_code"].header
        for j in np.flatnonzero(~ok):
            pos = int(present[j])
            found.append((pos, order, header, cc.problem(codes[pos])))
            bad[pos] = True
        valid = present[ok]
        norms = text[ok]
        normalised[valid] = norms
        seen = self.first_row
        dup = pd.Series(norms, dtype=object).duplicated(keep="first").to_numpy()
        if not seen.keys().isdisjoint(norms):  # a code of an earlier chunk again (rare): find which
            dup = dup | np.fromiter((c in seen for c in norms), dtype=bool, count=len(norms))
        rows = numbers[valid]
        seen.update(zip(norms[~dup].tolist(), rows[~dup].tolist(), strict=True))
        for j in np.flatnonzero(dup):
            pos = int(valid[j])
            found.append((pos, order, header, f"统一社会信用代码 {norms[j]} 与第 {seen[norms[j]]} 行重复"))
            bad[pos] = True
        return normalised, bad


def _wide_message(cells: int, columns: int) -> str:
    """A row with filled cells beyond the header's last column: its values cannot be matched
    to fields (a comma inside a name without quotes shifts every later cell)."""
    from innodrive.tabular import wide_row_head

    return wide_row_head(cells, columns) + "，无法确定各值对应的字段，整行未评价；请检查该行是否有未加引号的逗号"


def _strip_upper(codes: np.ndarray) -> np.ndarray:
    """``pd.Series(codes).str.strip().str.upper()`` as an object array: for text cells with
    nothing to strip, one ``upper`` over the joined cells (upper-casing is per character)
    split back, instead of two pandas string passes per cell."""
    cells = codes.tolist()
    if not _may_strip(cells):
        joined = "\x00".join(cells)
        upper = joined.upper()
        parts = cells if upper == joined else upper.split("\x00")
        if len(parts) == len(cells):  # (a cell holding NUL would split apart)
            out = np.empty(len(cells), dtype=object)
            out[:] = parts
            return out
    return pd.Series(codes, dtype=object).str.strip().str.upper().to_numpy(dtype=object)


def check_table(raw: pd.DataFrame, *, file: str | None = None, today: dt.date | None = None,
                progress: Progress | None = None) -> Registry:
    """Parse and check raw cells; return the good rows and every problem."""
    from innodrive.enterprises.stream import map_header

    header = map_header(raw.columns, file=file)
    checker = RowChecker(header.mapping, file=file, today=today)
    n = len(raw)
    parts, numbers, problems = [], [], []
    wide = raw.attrs.get("wide_rows") or {}
    # the rows' lines as the reader counted them (a title row or a blank line above a row
    # shifts it); a frame built in memory has none, and its rows follow a one-line header
    lines = raw.attrs.get("row_numbers")
    if lines is None or len(lines) != n:
        lines = np.arange(n, dtype=np.int64) + 2
    for start in range(0, max(n, 1), CHUNK):
        block_lines = lines[start:start + CHUNK]
        first, last = (int(block_lines[0]), int(block_lines[-1])) if len(block_lines) else (0, -1)
        good, rows, probs = checker.check(raw.iloc[start:start + CHUNK], block_lines,
                                          wide={r: w for r, w in wide.items() if first <= r <= last})
        parts.append(good)
        numbers.append(rows)
        problems.extend(probs)
        if progress:
            progress(min(start + CHUNK, n), n)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return Registry(frame=frame, row_numbers=np.concatenate(numbers), problems=problems, total_rows=n,
                    ignored_headers=header.ignored, file=file, retired_headers=header.retired)


def read_registry(path: str | Path, *, today: dt.date | None = None, progress: Progress | None = None) -> Registry:
    """Read and check a registry file (CSV or XLSX with the template's headers)."""
    from innodrive.safeio import read_input

    p = Path(path)
    return read_registry_bytes(read_input(p, what="企业登记表"), name=p.name, today=today, progress=progress)


def read_registry_bytes(data: bytes, *, name: str, today: dt.date | None = None,
                        progress: Progress | None = None) -> Registry:
    """Read and check a registry given as bytes (an upload), named ``name``."""
    raw = read_table_bytes(data, name=name)
    return check_table(raw, file=name, today=today, progress=progress)


def frame_from_records(records: list[dict]) -> pd.DataFrame:
    """Canonical frame from Python records (dates, bools, numbers, None) — for the
    library API and tests; no checking beyond types."""
    rows = []
    for rec in records:
        row = {}
        for k, v in rec.items():
            if k not in FIELDS:
                raise InputError(f"未知字段：{k}")
            spec = FIELDS[k]
            if spec.kind == "text":
                row[k] = v
            elif v is None:
                row[k] = np.nan
            elif isinstance(v, dt.date):
                row[k] = day_number(v)
            elif isinstance(v, bool):
                row[k] = 1.0 if v else 0.0
            else:
                row[k] = float(v)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for k in frame.columns:
        if FIELDS[k].numeric:
            frame[k] = frame[k].astype(np.float64)
    return frame


def row_dict(frame: pd.DataFrame, i: int) -> dict[str, float | None]:
    """One row as field → float/None (the row-wise evaluator's input)."""
    out: dict[str, float | None] = {}
    for k in frame.columns:
        if k in FIELDS and FIELDS[k].numeric:
            v = frame[k].iat[i]
            out[k] = None if pd.isna(v) else float(v)
    return out


__all__ = ["Registry", "read_registry", "check_table", "frame_from_records", "row_dict", "EPOCH"]
