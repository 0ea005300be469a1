"""The one table reader: CSV and XLSX from bytes, row by row, within stated limits.

Tables come from counties, departments and enterprises: CSV in UTF-8 (with or without
a BOM), GB18030/GBK or UTF-16, and Excel workbooks, often with a title row
("2023年乐山市科技统计表") above the header. Every reader of a user's table — the
statistics import, the enterprise registry, an assessment's data — goes through
:func:`open_table`, so they all accept the same files, refuse the same hostile ones
and say the same things, naming file, sheet, row and column.

- **Streaming.** :meth:`Table.rows` yields one row at a time: a million-row file is
  never held as a million Python lists. CSV is decoded incrementally from the bytes;
  XLSX is read with openpyxl's read-only (SAX-style) reader.
- **Columnar.** :meth:`Table.frames` yields the same rows as DataFrames of typed
  columns, for readers that check column by column (a million-row registry): CSV goes
  through pandas' C parser a slab of lines at a time, a column whose every cell is a
  plain number arrives as float64 (parsed by the same converter as ``pd.to_numeric``),
  the rest as the cells' text. A slab the C parser cannot read exactly as :mod:`csv`
  does (a row wider than the header, a quoted line break, a lone CR) is read by the
  row-by-row path instead, so limits, row numbers and messages never differ.
- **Limits on what is decompressed and parsed**, not only on the file size: an XLSX
  whose parts declare more than :data:`Limits.max_decompressed` bytes (a 3 MB zip
  bomb inflating to gigabytes), a sheet declaring more rows or columns than allowed,
  or more rows/cells than allowed while reading, is refused at once with a message.
- **Hostile XML** (XXE, billion laughs) is refused by defusedxml, which openpyxl
  uses when it is installed.
- **The header** is the first row that contains the expected column names (at
  least two of ``expected``) among the first :data:`HEADER_SCAN` rows; without
  ``expected`` it is the first non-blank row.
- **Content must match the extension**: a workbook named ``.csv`` or a text named
  ``.xlsx`` is refused, saying what the content is.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from innodrive.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

HEADER_SCAN = 20          # non-blank rows looked at for the header
HEADER_SCAN_ROWS = 1_000  # physical rows looked at for the header
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Limits:
    """What one table may hold. The defaults allow a few million rows of an ordinary
    statistics or registry table and refuse shapes that only an attack produces."""

    max_rows: int = 5_000_000
    max_columns: int = 2_000
    max_cells: int = 100_000_000
    max_decompressed: int = 2 * 1024**3  # bytes of all XLSX parts once inflated
    max_field_chars: int = 1_000_000


DEFAULT_LIMITS = Limits()


# --------------------------------------------------------------------- content kinds


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the file is called: ``zip`` (xlsx, docx), ``ole``
    (old .xls/.doc), ``pdf``, ``html``, ``empty`` or ``text``."""
    head = data[:1024]
    if not data:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


KIND_NAMES = {"zip": "ZIP 压缩包（如 .xlsx/.docx）", "ole": "旧版 Office 文件（.xls/.doc）", "pdf": "PDF 文件",
              "html": "网页（HTML）", "text": "纯文本", "empty": "空文件"}


# --------------------------------------------------------------------- the table


@dataclass
class Table:
    """An open table: its header and a stream of its data rows.

    ``header`` holds the header cells as text (NFKC, stripped); ``header_row`` is the
    row number of the header as a spreadsheet shows it (1 when there is no title
    row). :meth:`rows` yields ``(row number, cells)`` for every non-blank row after
    the header; cells are ``str`` for CSV and the cell values (str, int, float,
    datetime, bool, ``None``) for XLSX.
    """

    name: str
    _sha256: Callable[[], str] | str
    kind: str  # "csv" or "xlsx"
    header: list[str]
    header_row: int
    sheet: str | None = None
    encoding: str | None = None
    limits: Limits = DEFAULT_LIMITS
    # opened with ``deferred_utf8`` (see :func:`open_table`): only the start of the file was
    # checked, and each slab :meth:`frames` reads is checked as it is read
    utf8_unverified: bool = False
    _rows: Callable[[], Iterator[tuple[int, list[object]]]] | None = field(default=None, repr=False)
    _chunks: Callable[[int], Iterator[tuple[list[int], list[list[object]]]]] | None = field(default=None, repr=False)
    _frames: Callable[..., Iterator[Frame]] | None = field(default=None, repr=False)
    _splittable: Callable[[], bool] | None = field(default=None, repr=False)
    _consumed: bool = field(default=False, repr=False)

    @property
    def sha256(self) -> str:
        """The file's SHA-256, computed when first asked for (hashing 500 MB costs a second)."""
        if callable(self._sha256):
            self._sha256 = self._sha256()
        return self._sha256

    @property
    def where(self) -> str:
        """The file (and sheet) for messages: ``统计.xlsx（工作表“2023年”）``."""
        return f"{self.name}（工作表“{self.sheet}”）" if self.sheet else self.name

    def column_name(self, index: int) -> str:
        """A column as a person finds it: its header text, else ``第 C 列``."""
        if index < len(self.header) and self.header[index]:
            return self.header[index]
        return f"第 {column_letter(index)} 列"

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        """The data rows, once (a stream, not a list)."""
        if self._consumed:
            raise RuntimeError("Table.rows() is a stream and can be read once")
        self._consumed = True
        assert self._rows is not None
        return self._rows()

    def chunks(self, size: int = 50_000) -> Iterator[tuple[list[int], list[list[object]]]]:
        """The data rows in chunks of up to ``size``: (row numbers, rows), blank rows left
        out — for readers that work column by column (a million-row import). The same
        rows, numbers and limits as :meth:`rows`; CSV is read without a Python step per row."""
        if self._chunks is not None:
            if self._consumed:
                raise RuntimeError("Table.chunks() is a stream and can be read once")
            self._consumed = True
            return self._chunks(size)
        return _batched(self.rows(), size)

    def frames(self, size: int = 65_536, *, columns: Iterable[int] | None = None,
               text: Iterable[int] = (), coded: Iterable[int] = (),
               only: Callable[[int], bool] | None = None) -> Iterator[Frame]:
        """The data rows as :class:`Frame` blocks of up to about ``size`` rows, blank rows
        left out, with the columns at the header positions ``columns`` (default: all),
        named by position. A column arrives as float64 when every cell of the block is a
        plain number (blank = NaN) and otherwise as object cells exactly as :meth:`rows`
        gives them; the ``text`` positions always arrive as object cells. A ``coded``
        position (one of ``text``) of a CSV block read by the C parser may instead arrive as
        a pandas Categorical of the same cells (codes and the distinct cells, each cell's
        text exactly as written): a column of a few distinct words (是/否) is then never
        made into a Python string per cell. The same rows, numbers, limits and messages
        as :meth:`rows`.

        ``only`` (for a table whose :meth:`splittable` is true): read only the slabs whose
        index it accepts, skipping the others unparsed. The slabs, their row numbers and
        their frames are the same as a whole reading's (each :class:`Frame` carries its
        slab's index), so processes that each read every n-th slab together read the
        table exactly once."""
        if self._consumed:
            raise RuntimeError("Table.frames() is a stream and can be read once")
        width = len(self.header)
        cols = list(range(width)) if columns is None else list(columns)
        if only is not None and not self.splittable():
            raise ValueError("Table.frames(only=...) needs a table that can be split into slabs")
        if self._frames is not None:
            self._consumed = True
            return self._frames(size, cols, set(text), set(coded), only)
        return _frames_from_chunks(self.chunks(size), cols, width)

    def splittable(self) -> bool:
        """Whether :meth:`frames` may read parts of the table independently (``only``): a
        CSV read by slabs through the C parser. The limit on cells is then checked against
        the cells of the slabs read (each :class:`Frame` gives its slab's count), so a
        reader of parts must add them up in slab order to apply it."""
        return self._splittable is not None and self._splittable()


@dataclass
class Frame:
    """One block of :meth:`Table.frames`: spreadsheet row numbers, the cells (columns named
    by header position) and :meth:`text`, a cell as written — for messages about a number
    the block holds as float64 ("实际为 -5" must quote the file, not print -5.0)."""

    numbers: np.ndarray
    frame: pd.DataFrame
    _text: Callable[[int, int], object] | None = field(default=None, repr=False)
    # rows with filled cells beyond the header's last column (row number -> cells in the row):
    # the frame holds the header's columns only, so a reader must report these rows
    wide: dict[int, int] = field(default_factory=dict)
    slab: int = -1  # the index of the slab it was read from (CSV read by slabs), else -1
    cells: int = 0  # the cells of its slab counted against the table's limit (CSV read by slabs)

    def text(self, i: int, column: int) -> object:
        """The cell of row ``i`` (position in the block) and ``column`` as read."""
        if self._text is not None:
            return self._text(i, column)
        return self.frame[column].iat[i]


def _frames_from_chunks(chunks, cols: list[int], width: int) -> Iterator[Frame]:
    import numpy as np
    import pandas as pd

    for nums, rows in chunks:
        block = [[(r[i] if i < len(r) else None) for i in cols] for r in rows]
        frame = pd.DataFrame(block, columns=cols, dtype=object) if block else pd.DataFrame(
            {c: pd.Series([], dtype=object) for c in cols})
        wide = {n: len(r) for n, r in zip(nums, rows, strict=True) if len(r) > width and not is_blank_row(r[width:])}
        yield Frame(np.asarray(nums, dtype=np.int64), frame, wide=wide)


def wide_row_head(cells: int, columns: int) -> str:
    """The opening of the problem of a row with filled cells beyond the header's last column
    (:attr:`Frame.wide`); each reader adds what it does with such a row."""
    return (f"该行有 {cells} 个单元格，表头只有 {columns} 列（多出 {cells - columns} 个，从第 {column_letter(columns)} 列起"
            f"没有表头）")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(v: object) -> str:
    """A cell as text, exactly as written apart from surrounding spaces (2020.0 → "2020")."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def norm_header(h: object) -> str:
    """A header cell as compared with expected names: NFKC, lower case, no spaces."""
    return unicodedata.normalize("NFKC", cell_text(h)).strip().lower().replace(" ", "").replace("\u3000", "")


def is_blank_row(row: Iterable[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def open_table(source: bytes | str | Path, *, name: str | None = None, sheet: str | None = None,
               expected: Iterable[str] | None = None, limits: Limits | None = None,
               deferred_utf8: bool = False) -> Table:
    """Open a CSV or XLSX table from ``source`` (bytes, or a path read through
    :func:`innodrive.safeio.read_input`).

    :param name: the file name shown in messages (and used for its extension when
        ``source`` is bytes).
    :param sheet: the XLSX sheet (default: the first).
    :param expected: header names the caller knows (any letter case, NFKC); the first
        row holding two of them is the header, so a title row above it is skipped.
    :param deferred_utf8: for processes that read the slabs of a large CSV between them
        (:meth:`Table.frames` with ``only``): a CSV whose first
        :data:`DEFERRED_UTF8_PREFIX` bytes are UTF-8 is opened as UTF-8 without checking
        the rest (:attr:`Table.utf8_unverified`), and each slab is checked where it is read
        (an :class:`InputError` where it is not UTF-8). Checking the whole file first took
        most of a second, in one process, before the work could be shared. The caller must
        read every slab, and open the table again without deferral on any
        :class:`InputError` (then the file may be GB18030) and before reading it any other
        way.
    """
    limits = limits or DEFAULT_LIMITS
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = name or "表格"
    else:
        from innodrive.safeio import read_input

        path = Path(source)
        name = name or path.name
        suffix = path.suffix.lower()
        if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES + (".xls",):
            raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：请使用 CSV 或 XLSX", file=name)
        data = read_input(path, what="表格文件")
    suffix = Path(name).suffix.lower()
    wanted = {norm_header(e) for e in expected} if expected is not None else None
    kind = sniff(data)
    if suffix == ".xls" or (kind == "ole" and suffix in CSV_SUFFIXES + XLSX_SUFFIXES):
        raise InputError("不支持旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入", file=name)
    if suffix in XLSX_SUFFIXES:
        if kind != "zip":
            raise InputError(f"无法读取 Excel 文件（文件损坏或不是 .xlsx 格式：内容是{KIND_NAMES[kind]}）", file=name)
        return _open_xlsx(data, name, sheet, wanted, limits)
    if suffix in CSV_SUFFIXES or not suffix:
        if kind in ("zip", "pdf"):
            raise InputError(f"文件扩展名为 {suffix or '（无）'}，内容却是{KIND_NAMES[kind]}："
                             f"{'Excel 工作簿请使用 .xlsx 扩展名' if kind == 'zip' else '请提供 CSV 或 XLSX 表格'}",
                             file=name)
        return _open_csv(data, name, "\t" if suffix == ".tsv" else None, wanted, limits, deferred_utf8)
    raise InputError(f"不支持的文件类型“{suffix}”：请使用 CSV 或 XLSX", file=name)


def _pick_header(first: list[tuple[int, list[object]]], wanted: set[str] | None) -> int:
    """Index (into ``first``) of the header row."""
    if wanted:
        for i, (_, row) in enumerate(first):
            if sum(norm_header(c) in wanted for c in row) >= 2:
                return i
    return 0


def _header_cells(row: list[object]) -> list[str]:
    cells = [unicodedata.normalize("NFKC", cell_text(c)) for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


# --------------------------------------------------------------------- CSV


DEFERRED_UTF8_PREFIX = 1 << 20  # bytes checked before a table is opened with ``deferred_utf8``


def detect_encoding(data: bytes, name: str, prefix: int | None = None) -> str:
    """``utf-8-sig``, ``utf-16`` (with a BOM) or ``gb18030``; refuses binary content.

    UTF-8 is checked incrementally over the whole file (with ``prefix``, over its first
    ``prefix`` bytes only: the caller checks the rest) without keeping the decoded text;
    GB18030 (a superset of GBK and GB2312) is the fallback that Chinese Excel writes by
    default.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data[:4096]:
        raise InputError("文件含有二进制内容，不是 CSV 文本（UTF-16 编码的表格请另存为 UTF-8）", file=name)
    if prefix is not None and len(data) > prefix and _decodes(memoryview(data)[:prefix], "utf-8", final=False):
        return "utf-8-sig"
    if _decodes(data, "utf-8"):
        return "utf-8-sig"
    if not _decodes(data, "gb18030"):
        raise InputError("无法识别文件编码：CSV 应为 UTF-8 或 GB18030（GBK）编码", file=name)
    return "gb18030"


def _decodes(data: bytes | memoryview, encoding: str, final: bool = True) -> bool:
    """Whether ``data`` decodes as ``encoding`` (with ``final=False``, a character cut at
    its end allowed), checked 32 KB at a time: the decoded piece stays in the CPU's caches
    (a 1 MB step, 2 MB of text per piece, took twice as long: 0.74 s against 0.35 s of CPU
    for a 547 MB registry)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    step = 1 << 15
    try:
        for start in range(0, len(view), step):
            decoder.decode(view[start:start + step], final=final and start + step >= len(view))
    except UnicodeDecodeError:
        return False
    return True


def _open_csv(data: bytes, name: str, delimiter: str | None, wanted: set[str] | None, limits: Limits,
              deferred_utf8: bool = False) -> Table:
    encoding = detect_encoding(data, name, DEFERRED_UTF8_PREFIX if deferred_utf8 else None)
    def sha() -> str:
        return hashlib.sha256(data).hexdigest()

    if delimiter is None:
        first_line = data[:65536].split(b"\n", 1)[0]
        if encoding == "utf-16":
            first_line = data[:65536].decode("utf-16", "ignore").split("\n", 1)[0].encode()
        delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
    old_limit = csv.field_size_limit()

    def reader() -> Iterator[tuple[int, list[str]]]:
        stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        rows = csv.reader(stream, delimiter=delimiter)
        csv.field_size_limit(limits.max_field_chars)
        count = 0
        try:
            for row in rows:
                count += 1
                if count > limits.max_rows + HEADER_SCAN:
                    raise InputError(f"表格超过 {limits.max_rows:,} 行的上限，未读取", file=name, row=rows.line_num)
                if len(row) > limits.max_columns:
                    raise InputError(f"第 {rows.line_num} 行有 {len(row)} 列，超过 {limits.max_columns} 列的上限",
                                     file=name, row=rows.line_num)
                yield rows.line_num, row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _csv_error(exc, name, rows.line_num, encoding, limits) from None
        finally:
            csv.field_size_limit(old_limit)

    table = _framed(reader(), name=name, sha=sha, kind="csv", sheet=None, encoding=encoding, wanted=wanted,
                    limits=limits)
    table.utf8_unverified = deferred_utf8 and encoding == "utf-8-sig" and len(data) > DEFERRED_UTF8_PREFIX

    def chunks(size: int) -> Iterator[tuple[list[int], list[list[object]]]]:
        import itertools

        stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        rows = csv.reader(stream, delimiter=delimiter)
        csv.field_size_limit(limits.max_field_chars)
        cells = 0
        try:
            while rows.line_num < table.header_row:
                if next(rows, None) is None:
                    return
            while True:
                start = rows.line_num
                chunk = list(itertools.islice(rows, size))
                if not chunk:
                    return
                end = rows.line_num
                if end - start == len(chunk):
                    nums = list(range(start + 1, end + 1))
                else:  # quoted cells spanning lines: count the lines each record took, a line
                    # break being LF, CR LF or a lone CR, as the text stream splits lines for csv.reader
                    nums, at = [], start
                    for r in chunk:
                        at += 1 + sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in r)
                        nums.append(at)
                if end - table.header_row > limits.max_rows:
                    raise InputError(f"表格超过 {limits.max_rows:,} 行数据的上限，未导入", file=name, row=end)
                widest = max(map(len, chunk))
                if widest > limits.max_columns:
                    k = next(i for i, r in enumerate(chunk) if len(r) == widest)
                    raise InputError(f"第 {nums[k]} 行有 {widest} 列，超过 {limits.max_columns} 列的上限",
                                     file=name, row=nums[k])
                filled = list(map(any, chunk))  # a row of empty cells (whitespace-only cells: below)
                if not all(filled):
                    keep = [i for i, f in enumerate(filled) if f]
                    nums, chunk = [nums[i] for i in keep], [chunk[i] for i in keep]
                if chunk and not all(map(str.strip, map("".join, chunk))):
                    keep = [i for i, r in enumerate(chunk) if "".join(r).strip()]
                    nums, chunk = [nums[i] for i in keep], [chunk[i] for i in keep]
                cells += sum(map(len, chunk))
                if cells > limits.max_cells:
                    raise InputError(f"表格超过 {limits.max_cells:,} 个单元格的上限，未导入", file=name, row=end)
                if chunk:
                    yield nums, chunk
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _csv_error(exc, name, rows.line_num, encoding, limits) from None
        finally:
            csv.field_size_limit(old_limit)

    table._chunks = chunks

    def frames(size: int, cols: list[int], text: set[int], coded: set[int] = frozenset(),
               only: Callable[[int], bool] | None = None) -> Iterator[Frame]:
        if not splittable():
            yield from _frames_from_chunks(chunks(size), cols, len(table.header))
            return
        table._consumed = True
        yield from _csv_frames(data, encoding, delimiter, table, size, cols, text, coded & text, only)

    fast: list[bool] = []

    def splittable() -> bool:
        if not fast:
            fast.append(_fast_csv_possible(data, encoding, table, limits))
        return fast[0]

    table._frames = frames
    table._splittable = splittable
    return table


# C-parser options that read a cell exactly as csv.reader does: only an empty cell is
# missing ("NA", "null", "-" stay text), quotes doubled inside quoted cells, no
# thousands separator, no comment character, every line a row (blank lines too, so the
# n-th row is the n-th line).
_PANDAS_CSV = dict(header=None, keep_default_na=False, na_values=[""], skip_blank_lines=False, index_col=False,
                   quotechar='"', doublequote=True, escapechar=None, thousands=None, comment=None,
                   skipinitialspace=False, engine="c", low_memory=False)


# the smallest slab the C parser reads at once (tests make it small to put a given row at
# the start of a slab)
_MIN_SLAB_BYTES = 1 << 20


def _fast_csv_possible(data: bytes, encoding: str, table: Table, limits: Limits) -> bool:
    """Whether the whole table is within the limits that the row path checks per row, so
    the C parser may read it (else every row goes through :mod:`csv`, which reports the
    exact row that breaks a limit)."""
    if encoding not in ("utf-8-sig", "gb18030"):
        return False
    lines = count_byte(data, b"\n") + 1
    if lines - table.header_row > limits.max_rows or lines * len(table.header) > limits.max_cells:
        return False
    if len(table.header) > limits.max_columns:
        return False
    return not (len(data) > limits.max_field_chars and _has_long_line(data, limits.max_field_chars))


_COUNT_STEP = 1 << 22  # bytes compared at a time: the comparison's mask stays small


def count_byte(data: bytes, byte: bytes, start: int = 0, end: int | None = None) -> int:
    """``data.count(byte, start, end)`` for one byte. ``bytes.count`` looks at one byte at
    a time (0.27 s for the line ends of a 574 MB registry here); NumPy compares 4 MB pieces
    with vector instructions (0.15 s). A registry's lines are counted once before reading
    and once per slab."""
    end = len(data) if end is None else min(end, len(data))
    if end - start < _COUNT_STEP:
        return data.count(byte, start, end)
    import numpy as np

    view = np.frombuffer(data, dtype=np.uint8)
    value = byte[0]
    return sum(int(np.count_nonzero(view[at:min(end, at + _COUNT_STEP)] == value))
               for at in range(start, end, _COUNT_STEP))


def _has_long_line(data: bytes, longest: int) -> bool:
    """A line of more than ``longest`` bytes, found by jumping from line end to the last
    line end within reach (memchr speed, no Python step per line)."""
    at = -1
    while len(data) - at - 1 > longest:
        nxt = data.rfind(b"\n", at + 1, at + 2 + longest)
        if nxt < 0:
            return True
        at = nxt
    return False


def _csv_frames(data: bytes, encoding: str, delimiter: str, table: Table, size: int, cols: list[int],
                text: set[int], coded: set[int] = frozenset(), only: Callable[[int], bool] | None = None
                ) -> Iterator[Frame]:
    """:meth:`Table.frames` for CSV: slabs of whole lines through pandas' C parser; with
    ``only``, the slabs it does not accept are skipped (their lines counted, nothing parsed)."""
    import numpy as np
    import pandas as pd

    width = len(table.header)
    at = 0
    for _ in range(table.header_row):  # past the header line (the header never spans lines here)
        at = data.find(b"\n", at) + 1
        if at == 0:
            return
    line = table.header_row  # the last line read
    sample = data[at:at + (1 << 20)]
    per_line = max(16, len(sample) // max(1, sample.count(b"\n")))
    slab_bytes = max(_MIN_SLAB_BYTES, size * per_line)
    pd_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    coded = {i for i in coded if i in cols}
    # coded columns read as object cells from the start: those whose categories the C parser
    # would turn into numbers or booleans (a choice written as codes 1–5), found on the
    # first lines and on every slab that needed them read again
    plain = _numeric_categories(data, at, width, delimiter, pd_encoding, coded)
    limits = table.limits
    name = table.name
    cells = 0
    index = -1
    while at < len(data):
        end = _slab_end(data, at, slab_bytes)
        index += 1
        if only is not None and not only(index):  # another reader's slab: its lines counted only
            nlines = count_byte(data, b"\n", at, end) + (0 if data[end - 1] == 10 else 1)
            if data.find(b"\r", at, end) >= 0:
                nlines += data.count(b"\r", at, end) - data.count(b"\r\n", at, end)
            line += nlines
            at = end
            continue
        if table.utf8_unverified and not _decodes(memoryview(data)[0 if index == 0 else at:end], "utf-8"):
            # (the first slab's check covers the lines above it too)
            raise InputError("文件不全是 UTF-8 编码", file=name, row=line + 1)
        slab = data[at:end]
        at = end
        first_line = line + 1
        nlines = count_byte(slab, b"\n") + (0 if slab.endswith(b"\n") else 1)
        # a lone CR (not before LF) ends a line for csv.reader, whose line numbers the row path
        # gives (such a slab is read row by row): the next slab starts after those lines too
        line += nlines + (slab.count(b"\r") - slab.count(b"\r\n") if b"\r" in slab else 0)
        frame = None
        if b"\r" not in slab or slab.count(b"\r") == slab.count(b"\r\n"):
            dtypes: dict[int, object] = {i: object for i in text}
            dtypes.update({i: "category" for i in coded - plain})
            frame = _read_slab(slab, width, dtypes, delimiter, pd_encoding)
            if frame is not None and (len(frame) != nlines or _has_booleans(frame)):
                frame = None  # a quoted line break (row numbers would shift), or "TRUE" read as a boolean
            if frame is not None and coded - plain:
                frame, redone = _cells_as_written(frame, slab, width, delimiter, pd_encoding, coded - plain)
                plain |= redone
        if frame is None:
            for rows in _slab_rows(slab, encoding, delimiter, first_line, table, cols, cells):
                rows.slab = index
                yield rows
            continue
        numbers = np.arange(first_line, first_line + nlines, dtype=np.int64)
        keep = ~_blank_rows(frame)
        if not keep.all():
            frame, numbers = frame[keep], numbers[keep]
        cells += len(frame) * width
        if cells > limits.max_cells:  # unreachable after _fast_csv_possible; kept as the limit's guard
            raise InputError(f"表格超过 {limits.max_cells:,} 个单元格的上限，未导入", file=name, row=line)
        frame = frame[cols].reset_index(drop=True)
        for c in cols:
            dtype = frame[c].dtype
            if dtype.kind in "iu":
                frame[c] = frame[c].astype(np.float64)
            elif c in coded and isinstance(dtype, pd.CategoricalDtype):
                pass  # text categories (checked by _cells_as_written)
            elif not (isinstance(dtype, np.dtype) and dtype.kind in "fO"):
                frame[c] = frame[c].astype(object)  # pandas' own string dtype: plain objects, as the row path
        yield Frame(numbers, frame, _slab_cell(slab, encoding, delimiter, first_line, numbers), slab=index,
                    cells=len(frame) * width)


def _read_slab(slab: bytes, width: int, dtypes: dict[int, object], delimiter: str, encoding: str):
    """``slab`` read by the C parser as ``width`` columns, or ``None`` where the rows must be
    read one by one: a row wider than the header, or a cell the C parser reads otherwise.

    A first line wider than the header is such a row, but the C parser (given ``width``
    column names) only warns about it and drops its extra cells (a later wide line is an
    error). Catching that warning needs ``warnings.catch_warnings``, which changes the
    process's warning filters: not safe while another thread runs (the slabs may be read
    in a thread, :mod:`innodrive.enterprises.pipeline`). So the first record's width is
    found first, the slab read with that many names (no warning can arise), and the C
    parser's rule applied here: one extra column empty on every line (a trailing
    separator) is dropped, any other extra column sends the slab row by row."""
    import numpy as np
    import pandas as pd

    fields = _first_record_fields(slab, width, delimiter, encoding)
    try:
        frame = pd.read_csv(io.BytesIO(slab), names=list(range(max(width, fields))), dtype=dtypes, sep=delimiter,
                            encoding=encoding, **_PANDAS_CSV)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OverflowError):
        return None
    if fields <= width:
        return frame
    extra = frame[width].to_numpy()
    empty = pd.isna(extra) | ((extra == "") if extra.dtype == object else False)
    if fields == width + 1 and np.all(empty):
        return frame[list(range(width))]
    return None


def _first_record_fields(slab: bytes, width: int, delimiter: str, encoding: str) -> int:
    """The number of cells of the first record of ``slab`` as the C parser splits it: the
    separators of the first line plus one when it holds no quote (a comma or tab byte is
    never part of a UTF-8 or GB18030 character), else the first record read alone. A
    first record the C parser cannot read counts as ``width`` (reading the slab fails the
    same way)."""
    import pandas as pd

    end = slab.find(b"\n")
    line = slab if end < 0 else slab[:end]
    if delimiter in (",", "\t") and b'"' not in line:
        return line.count(delimiter.encode()) + 1
    try:
        head = pd.read_csv(io.BytesIO(slab), nrows=1, dtype=object, sep=delimiter, encoding=encoding, **_PANDAS_CSV)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OverflowError):
        return width
    return head.shape[1]


def _cells_as_written(frame, slab: bytes, width: int, delimiter: str, encoding: str, coded: set[int]):
    """``frame`` with every ``coded`` column read as categories whose categories are text,
    and the columns read again.
    The C parser turns the categories of a column that holds only numbers or TRUE/FALSE
    into numbers or booleans ("1" and "1.0" become one category): such columns are read
    again as object cells, as written."""
    redo = _not_text(frame, coded)
    if not redo:
        return frame, set()
    again = _read_columns(slab, width, redo, object, delimiter, encoding)
    for c in redo:
        frame[c] = again[c].to_numpy(dtype=object)
    return frame, set(redo)


def _not_text(frame, coded: set[int]) -> list[int]:
    """The ``coded`` columns of ``frame`` that did not arrive as categories of text."""
    import pandas as pd

    return [c for c in coded if c in frame.columns and (
        not isinstance(frame[c].dtype, pd.CategoricalDtype)
        or pd.api.types.infer_dtype(frame[c].cat.categories, skipna=False) not in ("string", "empty"))]


def _numeric_categories(data: bytes, at: int, width: int, delimiter: str, encoding: str, coded: set[int]) -> set[int]:
    """The ``coded`` columns whose cells on the first lines after ``at`` (about 256 KB) the C
    parser reads as categories of numbers or booleans: they are read as object cells
    (what :func:`_cells_as_written` makes of them) instead of read twice. A guess only: a
    slab where another column turns out so is still read again."""
    import pandas as pd

    if not coded or at >= len(data):
        return set()
    end = _slab_end(data, at, 1 << 18)
    try:
        head = _read_columns(data[at:end], width, sorted(coded), "category", delimiter, encoding)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OverflowError):
        return set()
    return {c for c in _not_text(head, coded) if head[c].notna().any()}


def _read_columns(slab: bytes, width: int, columns: list[int], dtype: object, delimiter: str, encoding: str):
    """The ``columns`` of ``slab`` read by the C parser as ``dtype``.
    With a column selection the C parser refuses a slab whose every line is shorter than
    the header ("Too many columns specified": a last column left empty without its
    separator); the whole width is then read (short lines padded with missing cells, as
    the first reading of the slab did) and the columns taken from it. The C parser's
    warning about a first line wider than the header (found by the first reading) cannot
    arise: a column selection is never checked for it, and the whole width is read with
    as many names as the first record has cells (no ``warnings.catch_warnings``, which is
    not safe while another thread runs; see :func:`_read_slab`)."""
    import pandas as pd

    options = dict(dtype=dict.fromkeys(columns, dtype), sep=delimiter, encoding=encoding, **_PANDAS_CSV)
    try:
        return pd.read_csv(io.BytesIO(slab), usecols=columns, names=list(range(width)), **options)
    except pd.errors.ParserError as exc:
        if "Too many columns specified" not in str(exc):
            raise
        names = list(range(max(width, _first_record_fields(slab, width, delimiter, encoding))))
        return pd.read_csv(io.BytesIO(slab), names=names, **options)[columns]


def _has_booleans(frame) -> bool:
    """The C parser reads a column of TRUE/False words as booleans; csv.reader keeps text."""
    for c in frame.columns:
        col = frame[c]
        if col.dtype.kind == "b":
            return True
        if col.dtype == object and isinstance(_first_valid(col.to_numpy()), bool):
            return True
    return False


def _first_valid(cells):
    """The first cell of an object array that is not missing (``None`` if there is none):
    what ``first_valid_index`` finds, judging the cells from the start in growing pieces
    instead of every cell of the column (which took almost half as long as reading the
    slab, for a column whose first cell is filled)."""
    import numpy as np
    import pandas as pd

    start, step = 0, 64
    while start < len(cells):
        part = cells[start:start + step]
        filled = np.flatnonzero(pd.notna(part))
        if len(filled):
            return part[filled[0]]
        start, step = start + step, step * 4
    return None


def _slab_end(data: bytes, start: int, want: int) -> int:
    """End of a slab of about ``want`` bytes from ``start``: just after a line end outside
    any quoted cell (an even number of quote characters since ``start``)."""
    end = data.find(b"\n", start + want)
    end = len(data) if end < 0 else end + 1
    # inside a quoted cell (an odd number of quotes; memchr first: most slabs have none): go on
    while data.find(b'"', start, end) >= 0 and data.count(b'"', start, end) % 2 and end < len(data):
        nxt = data.find(b"\n", end)
        end = len(data) if nxt < 0 else nxt + 1
    return end


def _blank_rows(frame) -> np.ndarray:
    """Rows whose every cell is empty or spaces (as :func:`is_blank_row`)."""
    import numpy as np

    blank = np.ones(len(frame), dtype=bool)
    objects = []
    for c in frame.columns:
        col = frame[c]
        if col.dtype.kind == "f":
            blank &= np.isnan(col.to_numpy())
        elif col.dtype.kind in "iub":
            return np.zeros(len(frame), dtype=bool)
        else:
            objects.append(c)
        if not blank.any():
            return blank
    import pandas as pd

    for c in objects:
        idx = np.flatnonzero(blank)
        if not len(idx):
            break
        # each distinct cell judged once (hashed in C): a column repeats a few thousand
        # texts over a million rows; None and NaN get code -1, and they are blank
        codes, uniques = pd.factorize(frame[c].to_numpy(dtype=object)[idx])
        empty = [v is None or v != v or (isinstance(v, str) and not v.strip()) for v in uniques.tolist()]
        blank[idx] = np.asarray([*empty, True], dtype=bool)[codes]
    return blank


def _slab_rows(slab: bytes, encoding: str, delimiter: str, first_line: int, table: Table, cols: list[int],
               cells: int) -> Iterator[Frame]:
    """A slab the C parser cannot read exactly, row by row through :mod:`csv` (the row
    path's checks and messages)."""
    limits = table.limits
    name = table.name
    width = len(table.header)
    old_limit = csv.field_size_limit()
    stream = io.TextIOWrapper(io.BytesIO(slab), encoding="utf-8" if encoding == "utf-8-sig" else encoding,
                              newline="")
    rows = csv.reader(stream, delimiter=delimiter)
    csv.field_size_limit(limits.max_field_chars)
    nums: list[int] = []
    out: list[list[object]] = []
    before = cells
    try:
        for row in rows:
            n = first_line - 1 + rows.line_num
            if len(row) > limits.max_columns:
                raise InputError(f"第 {n} 行有 {len(row)} 列，超过 {limits.max_columns} 列的上限", file=name, row=n)
            if is_blank_row(row):
                continue
            cells += len(row)
            if cells > limits.max_cells:
                raise InputError(f"表格超过 {limits.max_cells:,} 个单元格的上限，未导入", file=name, row=n)
            nums.append(n)
            out.append(row)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise _csv_error(exc, name, first_line - 1 + rows.line_num, encoding, limits) from None
    finally:
        csv.field_size_limit(old_limit)
    if out:
        for frame in _frames_from_chunks([(nums, out)], cols, width):
            frame.cells = cells - before
            yield frame


def _slab_cell(slab: bytes, encoding: str, delimiter: str, first_line: int, numbers):
    """A cell of a slab as csv.reader reads it: the row's line is found and parsed alone."""
    state: dict[str, object] = {}

    def cell(i: int, column: int) -> object:
        import numpy as np

        if "ends" not in state:
            state["ends"] = np.flatnonzero(np.frombuffer(slab, dtype=np.uint8) == 10)
        ends = state["ends"]
        k = int(numbers[i]) - first_line
        start = 0 if k == 0 else int(ends[k - 1]) + 1
        stop = int(ends[k]) if k < len(ends) else len(slab)
        text = slab[start:stop].decode("utf-8" if encoding == "utf-8-sig" else encoding)
        row = next(csv.reader([text.rstrip("\r")], delimiter=delimiter), [])
        return row[column] if column < len(row) else None

    return cell


def _csv_error(exc: Exception, name: str, line: int, encoding: str, limits: Limits) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        return InputError(f"第 {line} 行无法按 {encoding} 解码", file=name, row=line)
    message = str(exc)
    if "field larger" in message:
        message = f"单元格超过 {limits.max_field_chars:,} 个字符的上限"
    return InputError(f"CSV 格式错误：{message}", file=name, row=line)


def _framed(source: Iterator[tuple[int, list[object]]], *, name: str, sha: Callable[[], str], kind: str, sheet: str | None,
            encoding: str | None, wanted: set[str] | None, limits: Limits,
            after_header: Callable[[int, int], Iterator[tuple[int, list[object]]]] | None = None) -> Table:
    """Find the header among the first rows of ``source`` and wrap the rest as a stream.

    ``after_header(header_row, width)``, when given, restarts reading after the header
    with rows cut to ``width`` columns (XLSX); otherwise ``source`` continues.
    """
    first: list[tuple[int, list[object]]] = []
    for rownum, row in source:
        if rownum > HEADER_SCAN_ROWS:
            break
        if is_blank_row(row):
            continue
        first.append((rownum, list(row)))
        if len(first) >= HEADER_SCAN:
            break
    if not first:
        if hasattr(source, "close"):
            source.close()
        raise InputError("表格为空：第 1 行应为表头", file=name)
    at = _pick_header(first, wanted)
    header_row, raw_header = first[at]
    header = _header_cells(raw_header)
    if not header:
        raise InputError("表格为空：第 1 行应为表头", file=name)
    width = len(header)

    def stream() -> Iterator[tuple[int, list[object]]]:
        cells = 0
        if after_header is not None:
            if hasattr(source, "close"):
                source.close()
            rest: Iterable[tuple[int, list[object]]] = after_header(header_row, width)
        else:
            rest = _chain(first[at + 1:], source)
        for rownum, row in rest:
            # counted before blank rows are skipped: a sheet can claim millions of empty rows
            if rownum - header_row > limits.max_rows:
                raise InputError(f"表格超过 {limits.max_rows:,} 行数据的上限，未导入", file=_where(name, sheet),
                                 row=rownum)
            if is_blank_row(row):
                continue
            cells += len(row)
            if cells > limits.max_cells:
                raise InputError(f"表格超过 {limits.max_cells:,} 个单元格的上限，未导入", file=_where(name, sheet),
                                 row=rownum)
            yield rownum, row

    return Table(name=name, _sha256=sha, kind=kind, header=header, header_row=header_row, sheet=sheet,
                 encoding=encoding, limits=limits, _rows=stream)


def _batched(rows: Iterator[tuple[int, list[object]]], size: int) -> Iterator[tuple[list[int], list[list[object]]]]:
    nums: list[int] = []
    out: list[list[object]] = []
    for n, row in rows:
        nums.append(n)
        out.append(row)
        if len(out) >= size:
            yield nums, out
            nums, out = [], []
    if out:
        yield nums, out


def _where(name: str, sheet: str | None) -> str:
    return f"{name}（工作表“{sheet}”）" if sheet else name


def _chain(buffered, source):
    yield from buffered
    yield from source


# --------------------------------------------------------------------- XLSX


def _check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a workbook whose parts inflate beyond the limit, before inflating any.

    Python's zipfile stops reading a member at its declared size (and fails on a CRC
    mismatch), so the declared sizes bound what openpyxl can be made to parse.
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"无法读取 Excel 文件（文件损坏或不是 .xlsx 格式）：{exc}", file=name) from None
    if len(infos) > 10_000:
        raise InputError(f"Excel 文件包含 {len(infos)} 个部件，超出正常工作簿的范围，拒绝读取", file=name)
    total = sum(i.file_size for i in infos)
    if total > limits.max_decompressed:
        raise InputError(f"Excel 文件解压后达 {total / 1024**3:.1f} GB，超过 {limits.max_decompressed / 1024**3:.1f} GB "
                         f"的上限（疑似压缩炸弹），拒绝读取", file=name)
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise InputError("无法读取 Excel 文件（文件损坏或不是 .xlsx 格式：缺少 xl/workbook.xml）", file=name)


def _open_xlsx(data: bytes, name: str, sheet: str | None, wanted: set[str] | None, limits: Limits) -> Table:
    import zipfile

    _check_zip(data, name, limits)
    import defusedxml  # noqa: F401  (a dependency: openpyxl parses with it, so no XXE and no entity bombs)
    from openpyxl import load_workbook

    def sha() -> str:
        return hashlib.sha256(data).hexdigest()

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise InputError(f"无法读取 Excel 文件（文件损坏或不是 .xlsx 格式）：{_short(exc)}", file=name) from None
    except Exception as exc:  # defusedxml's refusals and XML syntax errors
        if type(exc).__module__.startswith(("defusedxml", "xml.")):
            raise InputError(f"Excel 文件含有不允许的 XML 内容（外部实体或实体扩展），拒绝读取：{_short(exc)}",
                             file=name) from None
        raise
    if sheet is not None:
        if sheet not in wb.sheetnames:
            wb.close()
            raise InputError(f"工作簿中没有名为“{sheet}”的工作表；现有：{'、'.join(wb.sheetnames)}", file=name)
        ws = wb[sheet]
    else:
        if not wb.worksheets:
            wb.close()
            raise InputError("工作簿中没有工作表", file=name)
        ws = wb.worksheets[0]
    title = ws.title
    where = _where(name, title)
    try:
        declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
    except Exception:  # an unreadable <dimension>: count while reading instead
        declared_rows = declared_cols = 0
    if declared_rows > limits.max_rows + HEADER_SCAN:
        wb.close()
        raise InputError(f"工作表声明了 {declared_rows:,} 行，超过 {limits.max_rows:,} 行的上限，拒绝读取", file=where)
    scan_cols = min(declared_cols or limits.max_columns, limits.max_columns)

    def rows_from(min_row: int, max_col: int, beyond: Limits | None = None) -> Iterator[tuple[int, list[object]]]:
        try:
            for i, row in _present_rows(ws, min_row, max_col, beyond=beyond, where=where):
                yield i, list(row)
        except InputError:
            raise
        except Exception as exc:
            if type(exc).__module__.startswith(("defusedxml", "xml.")):
                raise InputError(f"Excel 文件含有不允许的 XML 内容，拒绝读取：{_short(exc)}", file=where) from None
            if isinstance(exc, zipfile.BadZipFile | OSError | ValueError | KeyError | TypeError):
                raise InputError(f"无法读取 Excel 工作表：{_short(exc)}", file=where) from None
            raise

    def after(header_row: int, width: int) -> Iterator[tuple[int, list[object]]]:
        try:
            # rows keep filled cells beyond the header (as CSV rows do), so readers can report them
            yield from rows_from(header_row + 1, width, limits)
        finally:
            wb.close()

    try:
        return _framed(rows_from(1, scan_cols), name=name, sha=sha, kind="xlsx", sheet=title, encoding=None,
                       wanted=wanted, limits=limits, after_header=after)
    except BaseException:
        wb.close()
        raise


def _present_rows(ws, min_row: int, max_col: int, *, beyond: Limits | None = None,
                  where: str = "") -> Iterator[tuple[int, tuple]]:
    """The rows a sheet actually contains, with their numbers, cut to ``max_col`` columns.

    openpyxl's ``iter_rows`` pads every missing row with an empty one, so a single
    ``<row r="20000000">`` costs twenty million iterations before any limit can see
    it; here a missing row costs nothing and the row number is checked at once. The
    parser is openpyxl's own (the one ``iter_rows`` uses).

    With ``beyond`` (the table's limits), a row with a filled cell past ``max_col`` keeps
    its cells up to the last filled one, as a CSV row keeps all its cells: a reader must
    see such a row (:attr:`Frame.wide`) rather than import it without its last values.
    Empty cells there (``None`` or spaces, which Excel often leaves) are dropped, so an
    ordinary row is exactly ``max_col`` cells either way. A row filled beyond
    ``beyond.max_columns`` is refused as a CSV line that wide is.
    """
    try:
        from openpyxl.worksheet._reader import WorkSheetParser
    except ImportError:  # pragma: no cover - a future openpyxl: fall back to the padded rows
        yield from enumerate(ws.iter_rows(min_row=min_row, max_col=max_col, values_only=True), start=min_row)
        return
    wb = ws.parent
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for idx, cells in parser.parse():
            if idx < min_row:
                continue
            # cells come in column order (openpyxl's own _get_row relies on it too)
            if beyond is not None and cells and cells[-1]["column"] > max_col:
                last = max((c["column"] for c in cells if c["column"] > max_col
                            and not (c["value"] is None or (isinstance(c["value"], str) and not c["value"].strip()))),
                           default=max_col)
                if last > beyond.max_columns:
                    raise InputError(f"第 {idx} 行有 {last} 列，超过 {beyond.max_columns} 列的上限", file=where, row=idx)
                yield idx, ws._get_row(cells, 1, last, True)
                continue
            yield idx, ws._get_row(cells, 1, max_col, True)


def _short(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


__all__ = ["DEFAULT_LIMITS", "HEADER_SCAN", "Limits", "Table", "cell_text", "column_letter", "detect_encoding", "write_table",
           "is_blank_row", "norm_header", "open_table", "sniff"]


# --------------------------------------------------------------------- writing


def write_table(path: str | Path, header: list[str], rows: Iterable[Iterable[object]], *,
                sheet: str = "Sheet1", widths: dict[int, int] | None = None) -> Path:
    """Write rows to ``path`` as XLSX or CSV (by its extension), every text cell made
    formula-safe (:func:`innodrive.safeio.safe_cell`) and the file written atomically.

    CSV is written as UTF-8 with a BOM so that Excel opens Chinese text correctly.
    """
    from innodrive.safeio import atomic_write, safe_row

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        def write_csv(f) -> None:
            text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
            w = csv.writer(text)
            w.writerow(safe_row(header))
            for row in rows:
                w.writerow(safe_row(list(row)))
            text.flush()
            text.detach()

        return atomic_write(p, write_csv)
    if suffix == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        wb = Workbook(write_only=False)
        ws = wb.active
        ws.title = sheet[:31] or "Sheet1"
        ws.append(safe_row(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(safe_row(list(row)))
        for i, width in (widths or {}).items():
            ws.column_dimensions[column_letter(i)].width = width
            for (cell,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        return atomic_write(p, wb.save)
    raise InputError(f"输出文件应为 .xlsx 或 .csv，实际为“{p.suffix or '无扩展名'}”", file=str(p), field="out")
