"""Screening a registry as a stream: rows in, verdicts out, a chunk at a time.

A province registry has a million rows. Reading it whole (every cell a Python string),
evaluating, then building reasons, gaps and incentives for every row before writing
took minutes and gigabytes. Here the file is read in chunks; each chunk is checked,
evaluated (vectorised), given its reasons and gaps (only for the rows being written,
vectorised where possible) and written straight to the result file (CSV or XLSX,
every text cell through :func:`innodrive.safeio.safe_cell`). Memory is bounded by the
chunk, not the registry.

:func:`raw_chunks` is the one place that reads bytes into cells: swapping it for the
shared table reader changes nothing else.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import is_, itemgetter
from typing import IO

import numpy as np
import pandas as pd

from innodrive import cores
from innodrive.directio import DirectWriter
from innodrive.enterprises.fields import FIELDS, FieldSpec
from innodrive.errors import InputError, Problem

Progress = Callable[[str, int, int], None]
CHUNK = 65_536
XLSX_MAX_ROWS = 1_048_576  # Excel's own limit: a result sheet holds at most this many rows
IOV_MAX = 1024  # buffers one os.writev call may take (POSIX allows at least 16; Linux 1024)


# --------------------------------------------------------------------------- reading


# A registry may have a million rows of a hundred columns: more cells than the reader's
# default, every other limit unchanged.
REGISTRY_LIMITS_CELLS = 250_000_000


def _limits():
    from innodrive.tabular import DEFAULT_LIMITS, Limits

    return Limits(max_rows=DEFAULT_LIMITS.max_rows, max_columns=DEFAULT_LIMITS.max_columns,
                  max_cells=REGISTRY_LIMITS_CELLS, max_decompressed=DEFAULT_LIMITS.max_decompressed,
                  max_field_chars=DEFAULT_LIMITS.max_field_chars)


def raw_chunks(source: bytes | IO[bytes], *, name: str, chunk_rows: int = CHUNK,
               usecols: Callable[[str], bool] | None = None) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """The cells of a registry as (DataFrame with the header as column names, spreadsheet
    row numbers of its rows); see :func:`raw_frames`."""
    for block in raw_frames(source, name=name, chunk_rows=chunk_rows, usecols=usecols):
        yield block.frame, block.numbers


@dataclass
class RawBlock:
    """Cells of a block of registry rows, columns named by header; ``text(i, header)`` is a
    cell as written (a column of plain numbers arrives as float64)."""

    frame: pd.DataFrame
    numbers: np.ndarray
    text: Callable[[int, object], object]
    # rows with filled cells beyond the header (row number -> (cells in the row, columns in
    # the header)): their cells cannot be matched to fields, so the checks report them
    wide: dict[int, tuple[int, int]] = field(default_factory=dict)
    slab: int = -1  # the slab of the table it was read from (see :meth:`innodrive.tabular.Table.frames`)
    cells: int = 0  # the cells of that slab, counted against the reader's limit


def open_registry(source: bytes, *, name: str, deferred_utf8: bool = False):
    """The registry as a :class:`innodrive.tabular.Table` (encoding found, header located,
    nothing parsed yet): open once, read its header, then pass it to :func:`raw_frames`
    (opening checks the whole file's encoding, a fifth of a second per 100,000 rows, unless
    ``deferred_utf8``: see :func:`innodrive.tabular.open_table`)."""
    from innodrive.tabular import open_table

    expected = [f.header for f in FIELDS.values()] + list(FIELDS)
    return open_table(source, name=name, expected=expected, limits=_limits(), deferred_utf8=deferred_utf8)


def raw_frames(source: bytes | IO[bytes], *, name: str, chunk_rows: int = CHUNK,
               usecols: Callable[[str], bool] | None = None, table=None, coded: bool = False,
               only: Callable[[int], bool] | None = None) -> Iterator[RawBlock]:
    """The cells of a registry (CSV or XLSX bytes) through the one table reader
    (:func:`innodrive.tabular.open_table`: encodings, a title row above the header,
    limits on what is decompressed and parsed, hostile XML refused) in blocks of about
    ``chunk_rows`` rows (:meth:`~innodrive.tabular.Table.frames`: a CSV column of plain
    numbers arrives as float64, read by pandas' C parser). Columns of fields that are not
    numbers (text, 是/否, dates, choices) and unknown columns arrive as cells.
    ``usecols`` keeps only the columns it accepts by header; ``table``, the registry
    already opened by :func:`open_registry` from the same bytes; ``coded``: columns of
    是/否, dates and choices may arrive as pandas Categoricals of their cells (the
    checks parse each distinct cell once; no Python string per cell); ``only``, the slabs
    of a splittable table to read (:meth:`~innodrive.tabular.Table.frames`). This is the
    only function that turns bytes into cells."""
    from innodrive.enterprises.registry import NUMBER_KINDS, _header_to_field

    if table is None:
        data = source if isinstance(source, bytes) else (bytes(source) if isinstance(source, bytearray | memoryview)
                                                         else source.read())
        table = open_registry(data, name=name)
    header = list(table.header)
    seen: set[str] = set()  # a header written twice: its first column (map_header ignores the later ones)
    keep = [i for i, h in enumerate(header) if usecols is None or (usecols(h) and not (h in seen or seen.add(h)))]
    names = {i: header[i] for i in keep}
    text = [i for i in keep if (spec := _header_to_field(header[i])) is None or spec.kind not in NUMBER_KINDS]
    yielded = False
    few = [i for i in text if coded and (spec := _header_to_field(header[i])) is not None
           and spec.kind in ("flag", "date", "choice")]
    for block in table.frames(chunk_rows, columns=keep, text=text, coded=few, only=only):
        frame = block.frame
        frame.columns = [header[i] for i in keep]
        position = {h: i for i, h in reversed(list(names.items()))}
        yielded = True
        yield RawBlock(frame, block.numbers, lambda i, h, _b=block, _p=position: _b.text(i, _p[h]),
                       {n: (found, len(header)) for n, found in block.wide.items()}, block.slab, block.cells)
    if not yielded and only is None:  # a header and no rows is still a (valid, empty) table
        empty = pd.DataFrame({h: pd.Series([], dtype=object) for h in (header[i] for i in keep)})
        yield RawBlock(empty, np.asarray([], dtype=np.int64), lambda i, h: None)


# --------------------------------------------------------------------------- header


@dataclass
class Header:
    mapping: dict[str, FieldSpec]  # raw header -> field
    ignored: list[str]
    retired: dict[str, str]


def map_header(columns, *, file: str | None, wanted: set[str] | None = None) -> Header:
    """Headers → fields (Chinese or English names); unknown and retired ones reported."""
    from innodrive.enterprises.registry import _header_to_field, retired_reason

    mapping: dict[str, FieldSpec] = {}
    ignored: list[str] = []
    retired: dict[str, str] = {}
    taken: set[str] = set()
    for col in columns:
        h = str(col).strip()
        spec = _header_to_field(h)
        why = retired_reason(h) if spec is None else None
        if why:
            retired[h] = why
        elif spec is None or spec.name in taken:
            ignored.append(str(col))
        else:
            taken.add(spec.name)
            if wanted is None or spec.name in wanted or spec.required or spec.kind == "text":
                mapping[col] = spec
    missing = [f.header for f in FIELDS.values() if f.required and f.name not in taken]
    if missing:
        raise InputError(f"缺少必填列：{'、'.join(missing)}（请使用 innodrive enterprises template 生成的模板）",
                         file=file)
    return Header(mapping=mapping, ignored=ignored, retired=retired)




# --------------------------------------------------------------------------- writing


def safe_column(values) -> np.ndarray:
    """A column of cells through :func:`innodrive.safeio.safe_cell`: only the text cells a
    spreadsheet could take for a formula, that hold characters a workbook cannot store, or
    that are too long for a cell change. One pass over the cells testing the first
    character against a set, and one regex search over the joined text for the rare
    illegal characters (pandas' string methods over a million cells per column were a
    fifth of a screening's time)."""
    from innodrive.safeio import _FORMULA_LEAD, ILLEGAL_CELL_CHARS, XLSX_MAX_CELL, safe_cell

    arr = np.asarray(values, dtype=object)
    cells = arr.tolist()
    lead = frozenset(_FORMULA_LEAD)
    risky = {i for i, v in enumerate(cells)
             if isinstance(v, str) and v and (v[0] in lead or len(v) > XLSX_MAX_CELL)}
    texts = [v for v in cells if isinstance(v, str)]
    if texts and ILLEGAL_CELL_CHARS.search("".join(texts)):
        risky.update(i for i, v in enumerate(cells) if isinstance(v, str) and ILLEGAL_CELL_CHARS.search(v))
    if not risky:
        return arr
    arr = arr.copy()
    for i in sorted(risky):
        arr[i] = safe_cell(arr[i])
    return arr


def _cells(table: pd.DataFrame) -> list[np.ndarray]:
    out = []
    for c in table.columns:
        col = table[c].to_numpy()
        if col.dtype == object:
            out.append(safe_column(col))
        else:
            out.append(np.where(np.isnan(col.astype(float)), None, col).astype(object))
    return out


def problem_rows(view) -> Iterator[list]:
    """The 数据问题 table of a screening (header first), every cell formula-safe."""
    from innodrive.safeio import safe_row

    yield ["文件", "行号", "字段", "问题"]
    for pr in view.problems:
        yield safe_row([pr.file, pr.row, pr.field, pr.message])
    if view.ignored_headers:
        yield safe_row([view.file, 1, "、".join(view.ignored_headers), "未识别的列，已忽略"])
    for h, why in view.retired_headers.items():
        yield safe_row([view.file, 1, h, why])


_CSV_QUOTE = re.compile(r'[,"\r\n]')


def _csv_field(v) -> str:
    """One cell as :func:`csv.writer` (the default dialect) writes it: ``None`` empty,
    other non-text by ``str`` (a float by ``repr``, which is the same), text quoted when it
    holds a comma, quote or line break, a quote doubled."""
    if v is None:
        return ""
    if not isinstance(v, str):
        v = repr(v) if isinstance(v, float) else str(v)
    if _CSV_QUOTE.search(v):
        return '"' + v.replace('"', '""') + '"'
    return v


# Bytes of UTF-8 text that make a cell need more than encoding: control characters a cell
# cannot hold and those that need quoting. In UTF-8 they never occur inside a multi-byte
# character; U+FFFE and U+FFFF are looked for in the text, lone surrogates fail the
# encoding.
_RISKY_BYTES = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]) + b',"\r\n'
_SAFE_BYTES = bytes(b for b in range(256) if b not in _RISKY_BYTES)
_FIRST = itemgetter(slice(None, 1))


def _encoded_fields(texts: list[str]) -> list[bytes]:
    """``_csv_field(safe_cell(t)).encode()`` for each text, each step over all texts at
    once where the texts allow. The usual case is one join (by NUL, which no safe cell
    holds) and one encode, checked as bytes (the NULs counted, no byte of a character a
    cell cannot hold or that needs quoting), a first-character test for formulas, and
    one split back.
    Otherwise each step runs over the texts that need it."""
    from innodrive.safeio import _FORMULA_LEAD, ILLEGAL_CELL_CHARS, safe_cell

    if not texts:
        return []
    lead = frozenset(_FORMULA_LEAD)
    joined = "\x00".join(texts)
    try:
        data = None if "\ufffe" in joined or "\uffff" in joined else joined.encode()
    except UnicodeEncodeError:  # a lone surrogate: the slow path removes it
        data = None
    if data is not None and data.count(b"\x00") == len(texts) - 1 and not data.translate(None, _SAFE_BYTES):
        if not lead.isdisjoint(map(_FIRST, texts)):
            data = "\x00".join([("'" + t) if t[:1] in lead else t for t in texts]).encode()
        return data.split(b"\x00")
    if ILLEGAL_CELL_CHARS.search("\n".join(texts)):
        texts = [safe_cell(t) for t in texts]
    else:
        texts = [("'" + t) if t[:1] in lead else t for t in texts]
    if _CSV_QUOTE.search("\x00".join(texts)):
        texts = [_csv_field(t) for t in texts]
    return "\x00".join(texts).encode().split(b"\x00")


def csv_column(values) -> list[bytes]:
    """A result column as its CSV fields in UTF-8 (safe and quoted), cell for cell what
    ``csv.writer`` writes for ``safe_column(values)`` (tested). A result column has few
    distinct values (verdicts, reasons, amounts) or is plain numbers, so each distinct
    value is made safe, quoted and encoded once and spread back by its code."""
    from innodrive.safeio import XLSX_MAX_CELL

    arr = np.asarray(values)
    n = len(arr)
    if n == 0:
        return []
    if arr.dtype.kind == "f":
        codes, texts = _float_fields(arr)
        return texts[codes].tolist()
    if arr.dtype.kind in "iu":  # decimal digits, as str() writes them
        return arr.astype(np.bytes_).tolist()
    if arr.dtype == object:
        cells = arr.tolist()
        if all(map(isinstance, cells, repeat(str))) and max(map(len, cells)) <= XLSX_MAX_CELL:
            # texts only (names, codes: mostly distinct): encoded in one piece, no hashing
            return _encoded_fields(cells)
    if arr.dtype == object and pd.api.types.infer_dtype(arr, skipna=True) in ("string", "empty"):
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        ulist = uniques.tolist()
        if max(map(len, ulist), default=0) <= XLSX_MAX_CELL:  # a cut cell is logged once per cell
            texts = np.empty(len(ulist) + 1, dtype=object)
            texts[:-1] = _encoded_fields(ulist)
            out = texts[codes]
            missing = np.flatnonzero(codes < 0)
            if len(missing):  # None, NaN, NA: each written as csv.writer writes it (None empty)
                gone = arr[missing].tolist()
                if all(map(is_, gone, repeat(None))):
                    out[missing] = b""
                else:
                    out[missing] = [_csv_field(v).encode() for v in gone]
            return out.tolist()
    cells = safe_column(arr) if arr.dtype == object else np.where(np.isnan(arr.astype(float)), None, arr).astype(object)
    return [_csv_field(v).encode() for v in cells.tolist()]


def _float_fields(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A column of numbers as (code per row, CSV fields): each distinct value written once
    (by ``repr``, as ``csv.writer`` does), NaN as an empty field."""
    col = arr.astype(np.float64)
    nan = np.isnan(col)
    codes, uniques = pd.factorize(col.view(np.int64))  # by bits: -0.0 and 0.0 stay apart
    texts = np.array([repr(x).encode() for x in uniques.view(np.float64).tolist()] + [b""], dtype=object)
    return np.where(nan, len(texts) - 1, codes), texts


def coded_fields(texts: np.ndarray | None, fields: np.ndarray | None = None) -> np.ndarray | None:
    """The CSV fields (bytes) of a coded column's texts, each made safe, quoted and encoded
    once; ``None`` when a text is not plain text within a cell's length (such a column is
    written cell by cell)."""
    from innodrive.safeio import XLSX_MAX_CELL

    if fields is not None:
        return fields
    tlist = np.asarray(texts, dtype=object).tolist()
    if not (all(map(isinstance, tlist, repeat(str))) and max(map(len, tlist), default=0) <= XLSX_MAX_CELL):
        return None
    encoded = np.empty(len(tlist), dtype=object)
    encoded[:] = _encoded_fields(tlist)
    return encoded


def csv_coded(codes: np.ndarray, texts: np.ndarray | None, fields: np.ndarray | None = None) -> list[bytes]:
    """``csv_column(texts[codes])`` for a column given as a code per row and its texts:
    each text is made safe, quoted and encoded once, with no hashing of the rows' cells.
    ``fields``, when given, are the texts' CSV fields already made (``texts`` may then
    be ``None``)."""
    codes, encoded = column_parts((codes, texts, fields))
    return encoded if codes is None else encoded[codes].tolist()


def column_parts(column: np.ndarray | tuple) -> tuple[np.ndarray | None, np.ndarray | list[bytes]]:
    """A result column as (code per row, CSV fields), or (``None``, a field per row):
    what :func:`csv_column` / :func:`csv_coded` write, before the fields are spread."""
    if isinstance(column, tuple):
        encoded = coded_fields(*column[1:])
        if encoded is not None:
            return np.asarray(column[0]), encoded
        return None, csv_column(np.asarray(column[1], dtype=object)[column[0]])
    arr = np.asarray(column)
    if arr.dtype.kind == "f" and len(arr):
        return _float_fields(arr)
    return None, csv_column(arr)


def _python_lines(parts, start: int, stop: int) -> list[bytes]:
    """Rows ``start:stop`` of the columns' parts as CSV lines, each with its end."""
    fields = [(f[c[start:stop]].tolist() if c is not None else f[start:stop]) for c, f in parts]
    fields[-1] = list(map(bytes.__add__, fields[-1], repeat(b"\r\n")))
    return list(map(b",".join, zip(*fields, strict=True)))


def csv_header(header: list[str]) -> bytes:
    """The first line of a CSV result: the byte-order mark and the column names."""
    from innodrive.safeio import safe_cell

    head = io.StringIO()
    csv.writer(head).writerow([safe_cell(h) for h in header])
    return head.getvalue().encode("utf-8-sig")


def csv_lines(columns: dict[str, np.ndarray | tuple[np.ndarray, np.ndarray]], header: list[str],
              batch: int) -> Iterator[list[bytes]]:
    """The rows of ``columns`` (cells per row, or (code per row, texts)) as CSV lines in the
    order of ``header``, ``batch`` rows at a time, each line with its end."""
    parts = [column_parts(v) for v in map(columns.__getitem__, header)]
    n = len(parts[0][1] if parts[0][0] is None else parts[0][0]) if parts else 0
    for start in range(0, n, batch):
        yield _python_lines(parts, start, min(n, start + batch))


class CsvSink:
    """Result rows as UTF-8 CSV with a byte-order mark (Excel opens it as UTF-8).

    Written a block of rows at a time from whole columns (:func:`column_parts`): the same
    bytes as ``csv.writer`` over :func:`safe_column` cells, without a Python step per cell.
    The lines of a batch are joined per line and written without joining them again."""

    BATCH = 4_096  # rows joined at a time: bounds the bytes held in memory (10 MB of lines; 16,384 held 60 MB more at peak)
    BEHIND = CHUNK // BATCH  # batches queued for the writer thread at most: a block's lines (about 160 MB)

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.header: list[str] | None = None
        self._behind = None  # a pipeline.Writer while :meth:`writing` is active and the output is a file

    @contextlib.contextmanager
    def writing(self, background: bool = True):
        """While active, lines go to a file directly from the process's buffers
        (:class:`~innodrive.directio.DirectWriter`: no copy into the kernel's page cache,
        which cost more system time than anything else in writing a large result) where
        the system allows it, and then, or with ``background``, from a background thread
        (:func:`~innodrive.enterprises.pipeline.write_behind`, a few batches behind): the
        write calls release the GIL, so the disk's work overlaps with building the next
        lines. A direct write waits for the disk (2.4 GB: about 2 s here), so it gets the
        thread even on one core, where that thread costs little CPU (it waits, and copies
        each line once: measured at 1M rows on one core, 23.8-27.2 s wall against
        27.2-29.6 s with the writes in the main thread). Every line is written (or the
        first write error raised) when the block ends normally; the bytes are the same
        every way."""
        from innodrive.enterprises.pipeline import write_behind

        fd = self._fileno()
        direct = None
        if fd is not None:
            self.out.flush()  # what was written before (a header) comes first
            direct = DirectWriter.start(fd)  # (None unless the file's offset is aligned)
        if direct is None and (fd is None or not background):
            yield self
            return
        write = direct.write if direct is not None else (lambda lines: self._writev(fd, lines))
        ok = False
        try:
            with write_behind(write, depth=self.BEHIND) as behind:
                self._behind = behind
                try:
                    yield self
                finally:
                    self._behind = None
            ok = True
        finally:
            if direct is not None:
                direct.close() if ok else direct.abandon()

    def rows(self, table: pd.DataFrame, coded: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> None:
        """Write ``table``; ``coded`` gives columns as (code per row, texts) where known."""
        coded = coded or {}
        self._write({c: coded[c] if c in coded else table[c].to_numpy() for c in table.columns})

    def block(self, block) -> None:
        """Write a screened :class:`~innodrive.enterprises.screening.Block` from its
        columns (its table of cells is never built)."""
        self._write(block.columns)

    def _write(self, columns: dict[str, np.ndarray | tuple[np.ndarray, np.ndarray]]) -> None:
        """Write columns given as cells per row or as (code per row, texts)."""
        if self.header is None:
            self.header = list(columns)
            if self._behind is not None:  # the header goes the lines' way (maybe by direct I/O)
                self._lines([csv_header(self.header)])
            else:
                self.out.write(csv_header(self.header))
        for lines in csv_lines(columns, self.header, self.BATCH):
            self._lines(lines)

    def _lines(self, lines: list[bytes]) -> None:
        """Write whole lines. To a file, straight from the lines (``os.writev``, a thousand
        at a time): joining a block's lines first copied every byte of the result once more
        (a quarter of a gigabyte per 100,000 rows) for nothing."""
        if self._behind is not None:
            self._behind.submit(lines)
            return
        fd = self._fileno()
        if fd is None:
            self.out.write(b"".join(lines))
            return
        self.out.flush()  # the header, still in the buffer, comes first
        self._writev(fd, lines)

    @staticmethod
    def _writev(fd: int, lines: list[bytes]) -> None:
        """Write whole lines to ``fd``, ``IOV_MAX`` at a time."""
        for start in range(0, len(lines), IOV_MAX):
            part = lines[start:start + IOV_MAX]
            done = os.writev(fd, part)
            whole = sum(map(len, part))
            if done < whole:  # a short write (rare on a file): the rest as plain writes
                rest = memoryview(b"".join(part))[done:]
                while rest:
                    rest = rest[os.write(fd, rest):]

    def _fileno(self) -> int | None:
        """The descriptor of a plain binary file (what :func:`~innodrive.safeio.atomic_write`
        gives), else ``None`` (an in-memory buffer, a socket, a wrapper)."""
        if not hasattr(os, "writev") or type(self.out) is not io.BufferedWriter or not isinstance(self.out.raw, io.FileIO):
            return None
        try:
            return self.out.fileno()
        except (OSError, ValueError):
            return None

    def finish(self, summary) -> None:
        self.out.flush()


class XlsxSink:
    """Result workbook written row by row (openpyxl write-only): 筛选结果, 汇总, 数据问题, 规则版本."""

    def __init__(self, out: IO[bytes]) -> None:
        from openpyxl import Workbook

        self.out = out
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet("筛选结果")
        self.header: list[str] | None = None
        self.written = 0

    def block(self, block) -> None:
        """Write a screened :class:`~innodrive.enterprises.screening.Block`."""
        self.rows(block.table)

    def rows(self, table: pd.DataFrame) -> None:
        from innodrive.safeio import safe_row

        if self.header is None:
            self.header = list(table.columns)
            self.ws.append(safe_row(self.header))
        room = XLSX_MAX_ROWS - 1 - self.written
        if room <= 0:
            return
        cells = _cells(table[self.header].iloc[:room])
        for rec in zip(*cells, strict=True):
            self.ws.append(rec)
        self.written += min(room, len(table))

    def finish(self, summary) -> None:
        from innodrive.safeio import safe_row

        if self.header is None:
            self.ws.append(["行号", "统一社会信用代码", "企业名称", "所属地区"])
        s = self.wb.create_sheet("汇总")
        s.append(safe_row([f"评价日期 {summary.on.isoformat()}；共 {summary.total_rows} 行，评价 {summary.evaluated_rows} 行，"
                           f"数据有问题 {summary.bad_rows} 行"]))
        for note in summary.notices:
            s.append(safe_row([f"注意：{note}"]))
        s.append(["项目", "规则版本", "规则性质", "符合", "需人工审核", "缺少数据", "不符合", "培育可及（单项差距在阈值内）"])
        status = {r.programme: r.status_text for r in summary.rules}
        for c in summary.counts:
            s.append(safe_row([c.title, c.version, status.get(c.programme, ""), c.passed, c.manual_review,
                               c.needs_data, c.failed, c.within_reach]))
        if self.written < summary.evaluated_rows:
            s.append(safe_row([f"工作表最多容纳 {XLSX_MAX_ROWS - 1:,} 行结果，其余 {summary.evaluated_rows - self.written:,} 行"
                               "未写入，请改用 CSV 输出"]))
        p = self.wb.create_sheet("数据问题")
        for rec in problem_rows(summary):
            p.append(rec)
        r = self.wb.create_sheet("规则版本")
        r.append(["项目", "规则版本", "性质", "生效日期", "失效日期", "依据文件"])
        for rv in summary.rules:
            r.append(safe_row([rv.title, rv.version, rv.status_text + (f"（{rv.notice}）" if rv.notice else ""),
                               rv.effective_from.isoformat(), rv.effective_to.isoformat() if rv.effective_to else "",
                               "；".join(rv.source)]))
        self.wb.save(self.out)


# --------------------------------------------------------------------------- the stream


def needed_fields(rule_sets) -> set[str]:
    """Every field the screening reads: the rules', the incentives', identity and size."""
    from innodrive.enterprises import expr as E
    from innodrive.enterprises.incentives import local_rules

    out = {f for rs in rule_sets for f in rs.fields}
    out |= {"rd_expense_y1", "negative_list_share", "deemed_taxation", "tech_sme_registered", "manufacturing_share",
            "ic_or_machine_tool", "valid_hnte_cert", "income_tax_rate", "taxable_income_y1", "data_year",
            "sme_industry", "employees_total", "revenue_y1", "total_assets_y1"}
    for lr in local_rules():
        for inc in lr.incentives:
            E.fields_of(E.parse(inc.base), out)
            if inc.eligible:
                E.fields_of(E.parse(inc.eligible), out)
    return out


def screen_stream(source: bytes | IO[bytes], *, name: str, on: dt.date, out: IO[bytes] | None, fmt: str = "xlsx",
                  programmes: list[str] | None = None, with_gaps: bool = True, keep_rows: int = 200,
                  progress: Progress | None = None, today: dt.date | None = None, chunk_rows: int = CHUNK,
                  background: bool | None = None):
    """Read, check, screen and write a registry chunk by chunk; return the summary view.

    A large CSV registry screened into a CSV file, by a process that may use more than one
    core and runs no other thread, is screened by worker processes instead, each writing its
    blocks' lines at their place (:mod:`innodrive.enterprises.parallel`; the same bytes).
    Otherwise, ``background``: the next block is read and its rows checked (in order, in that one
    thread), and the lines of a CSV result written, in background threads while the main
    thread screens (:mod:`innodrive.enterprises.pipeline`); ``None`` (the default) does so
    when the process may run on more than one core. A CSV result written by direct I/O
    (:class:`~innodrive.directio.DirectWriter`) is written from a background thread either
    way (see :meth:`CsvSink.writing`). The result is the same every way (tested); every
    thread is joined before this returns or raises.

    pandas 3 keeps text in Arrow arrays whenever pyarrow is installed (innodrive does not need
    it, but another package may bring it); converting every text column of every block to
    Arrow and back cost about 1.3 s of CPU per 100,000 rows here, so the screening runs with
    pandas' Python string storage."""
    with pd.option_context("mode.string_storage", "python"):
        return _screen_stream(source, name=name, on=on, out=out, fmt=fmt, programmes=programmes, with_gaps=with_gaps,
                              keep_rows=keep_rows, progress=progress, today=today, chunk_rows=chunk_rows,
                              background=cores.usable() > 1 if background is None else background)


def _screen_stream(source: bytes | IO[bytes], *, name: str, on: dt.date, out: IO[bytes] | None, fmt: str,
                   programmes: list[str] | None, with_gaps: bool, keep_rows: int, progress: Progress | None,
                   today: dt.date | None, chunk_rows: int, background: bool):
    from innodrive.enterprises import parallel
    from innodrive.enterprises.registry import RowChecker
    from innodrive.enterprises.rules import rules_in_force
    from innodrive.enterprises.states import STATE_LABELS, STATE_NAMES
    from innodrive.services import enterprises as views

    if not isinstance(source, bytes):
        source = bytes(source) if isinstance(source, bytearray | memoryview) else source.read()
    rule_sets = rules_in_force(on, programmes)
    # where worker processes may share the reading, each checks the encoding of its own slabs
    workers = parallel.workers_for(source, None, out, fmt) if out is not None and fmt == "csv" else 1
    table, header = _opened(source, name, rule_sets, deferred_utf8=workers > 1)
    if workers > 1 and not table.splittable():
        workers = 1
    if table.utf8_unverified and workers == 1:
        table, header = _opened(source, name, rule_sets)
    keep = set(header.mapping)
    checker = RowChecker(header.mapping, file=name, today=today)
    sink = None if out is None else (CsvSink(out) if fmt == "csv" else XlsxSink(out))
    tally = parallel.SlabTally(-1, counts={rs.programme: np.zeros(4, dtype=np.int64) for rs in rule_sets},
                               reach={rs.programme: 0 for rs in rule_sets})
    problems: list[Problem] = tally.problems
    shown: list = tally.shown

    def show(block, limit: int) -> list:
        return _view_rows(block, rule_sets, limit, with_gaps, views, STATE_LABELS, STATE_NAMES)

    slabs = None
    if workers > 1:  # several processes, each writing its slabs' lines at their place
        out.flush()
        base = out.tell()
        job = parallel.Job(source=source, name=name, table=table, keep=keep, mapping=header.mapping,
                           today=checker.today,  # one date for every worker, as for one process
                           rule_sets=rule_sets, on=on, with_gaps=with_gaps, keep_rows=keep_rows,
                           # each worker holds a block and its lines: blocks of 1/n the rows keep the
                           # memory of all of them near one process's (1M rows on 2 cores: 1.7 GB summed
                           # over the processes with 32,768-row blocks, 2.4 GB with 65,536)
                           chunk_rows=max(1, chunk_rows // workers), fd=out.fileno(), base=base, batch=CsvSink.BATCH,
                           view_rows=show)
        slabs = parallel.run(job, workers, None if progress is None else
                             (lambda rows: progress("读取、评价与写出", rows, 0)), limit=table.limits.max_cells)
        if slabs is None:  # a worker found an error in the file: which error comes first is what one
            out.seek(base)  # reading finds, so the registry is read again the usual way, which raises it
            out.truncate()  # (or reads it whole, in the encoding a check of the whole file finds)
            table, header = _opened(source, name, rule_sets)
            keep = set(header.mapping)
            checker = RowChecker(header.mapping, file=name, today=checker.today)
    if slabs is not None:
        slabs, end = slabs
        out.seek(end)
        for t in slabs:
            tally.rows += t.rows
            tally.evaluated += t.evaluated
            problems.extend(t.problems)
            for rs in rule_sets:
                tally.counts[rs.programme] += t.counts.get(rs.programme, 0)
                tally.reach[rs.programme] += t.reach.get(rs.programme, 0)
            shown.extend(t.shown[:keep_rows - len(shown)])
    else:
        _screen_here(source, name, table, keep, checker, sink, rule_sets, on, with_gaps, keep_rows, chunk_rows,
                     background, progress, tally, show)
    total, evaluated, counts, reach = tally.rows, tally.evaluated, tally.counts, tally.reach
    bad_rows = {p.row for p in problems if p.row is not None}
    problems.sort(key=lambda p: (p.row or 0))
    view = views.ScreeningView(
        file=name, on=on, total_rows=total, evaluated_rows=evaluated, bad_rows=len(bad_rows),
        rules=views.rule_views(rule_sets),
        counts=[views.ProgrammeCount(programme=rs.programme, title=rs.title, version=rs.version, notice=rs.notice,
                                     passed=int(counts[rs.programme][3]), manual_review=int(counts[rs.programme][2]),
                                     needs_data=int(counts[rs.programme][1]), failed=int(counts[rs.programme][0]),
                                     within_reach=reach[rs.programme]) for rs in rule_sets],
        problems=[views.ProblemView(file=p.file, row=p.row, field=p.field, message=p.message) for p in problems],
        ignored_headers=header.ignored, retired_headers=header.retired, rows=shown, rows_shown=len(shown),
        notices=views.notices_of(rule_sets))
    if sink is not None:
        sink.finish(view)
    return view


def _opened(source: bytes, name: str, rule_sets, *, deferred_utf8: bool = False):
    """The registry opened (:func:`open_registry`) and its header mapped. Opened with
    ``deferred_utf8``, a file that is UTF-8 only at its start may have been read in the
    wrong encoding: any error is then left to an opening that checks the whole file."""
    try:
        table = open_registry(source, name=name, deferred_utf8=deferred_utf8)
        return table, map_header([str(c) for c in table.header], file=name, wanted=needed_fields(rule_sets))
    except InputError:
        if not deferred_utf8:
            raise
    return _opened(source, name, rule_sets)


def _screen_here(source, name, table, keep, checker, sink, rule_sets, on, with_gaps, keep_rows, chunk_rows,
                 background, progress, tally, show) -> None:
    """Screen in this process (reading ahead and writing behind in threads with ``background``),
    adding every block to ``tally``."""
    from innodrive.enterprises.pipeline import read_ahead
    from innodrive.enterprises.screening import screen_block

    def checked():
        """Blocks read and checked: (rows read, (good rows, their row numbers, problems)). In
        the reader thread when ``background``: the checks are Python as much as the screening
        is, so splitting them from it halves the main thread's share of the GIL-holding work
        (measured: 19.5-20.9 s against 24.3-26.0 s wall at 1M rows on two shared cores)."""
        for block in raw_frames(source, name=name, chunk_rows=chunk_rows, usecols=lambda h: h in keep, table=table,
                                coded=True):
            yield len(block.frame), checker.check(block.frame, block.numbers, block.text, wide=block.wide)

    blocks = checked()
    with (read_ahead(blocks) if background else contextlib.nullcontext(blocks)) as blocks, \
            (sink.writing(background) if isinstance(sink, CsvSink) else contextlib.nullcontext()):
        for n, (good, rows, probs) in blocks:
            tally.rows += n
            tally.problems.extend(probs)
            if len(good):
                block = screen_block(good, rows, rule_sets, on=on, with_gaps=with_gaps)
                tally.add(block, rule_sets, len(good))
                if sink is not None:
                    sink.block(block)
                if len(tally.shown) < keep_rows:
                    tally.shown.extend(show(block, keep_rows - len(tally.shown)))
                del block  # freed before the next block is read (60 MB at the peak of 1M rows)
            if progress:
                progress("读取、评价与写出", tally.rows, 0)


def _view_rows(block, rule_sets, limit, with_gaps, views, labels, names) -> list:
    t = block.head(limit)
    out = []
    for i in range(len(t)):
        cells = []
        for rs in rule_sets:
            st = int(block.states[rs.programme][i])
            cells.append(views.VerdictCell(
                programme=rs.programme, state=names[st], label=t[f"{rs.title}｜结论"].iat[i],
                reasons=t[f"{rs.title}｜原因"].iat[i] or "",
                advice=(t[f"{rs.title}｜培育建议"].iat[i] or None) if with_gaps else None))
        region = t["所属地区"].iat[i]
        out.append(views.ScreenedRow(row=int(t["行号"].iat[i]), credit_code=str(t["统一社会信用代码"].iat[i]),
                                     name=str(t["企业名称"].iat[i]), region=None if region is None else str(region),
                                     verdicts=cells))
    return out
