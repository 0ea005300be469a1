"""A slab of CSV lines read by Apache Arrow's CSV reader, cell for cell what pandas' C
parser makes of it (see :func:`innodrive.tabular.Table.frames`), or ``None``.

Reading a million-row registry through pandas' C parser took a quarter of the whole
screening. Arrow's reader cuts the cells in C++ on every core and converts whole columns
at once; this module hands :mod:`innodrive.tabular` the same frame the C parser would:

- a column of the ``text`` positions as object cells (``None`` for an empty cell), a
  ``coded`` one as a pandas Categorical of the cells as written;
- any other column as float64 when every cell is a *plain number*: ASCII digits, at most
  one point and a leading minus sign, 15 characters at most (blank = NaN). For such a cell
  pandas' converter (``precise_xstrtod``: the digits, exact below 2**53, times or divided
  by an exact power of ten) and Arrow's (correctly rounded) give the same bits. A column
  of the slab with any other cell ("1e5", " 12", "+5", "1,000", "NaN", many digits)
  arrives as object cells instead, which the checks read as they read any text cell
  (the C parser might have read such a column as numbers; the checks give the same
  values and messages either way). A column of whole numbers only is read by the C
  parser as integers, so "-0" there is 0.0, not -0.0: so here too.

A slab is left to pandas (``None``) whenever Arrow could read it otherwise: it holds a
quote character, a blank line, a row of another width, a lone CR, or cells that are not
UTF-8. Row numbers, blank rows, limits and messages stay with :mod:`innodrive.tabular`.
"""

from __future__ import annotations

import numpy as np

# bytes a plain number may hold: the digits, the point and the minus sign
_PLAIN = np.zeros(256, dtype=bool)
_PLAIN[np.frombuffer(b"0123456789.-", dtype=np.uint8)] = True
_PLAIN_LONGEST = 15  # characters: at most 15 digits, so the digits are exact in a double
_BLOCK = 1 << 20  # bytes the reader cuts per task: a block per megabyte kept the cells in cache (a
# whole 37 MB slab as one block took three times the CPU)


def available() -> bool:
    """Whether pyarrow can be imported (it is a dependency; a broken install falls back)."""
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


class SlabReader:
    """Slabs of ``data`` read by Arrow one ahead of the caller, in a worker thread: Arrow
    cuts and converts the next slab (without Python's lock) while the caller checks and
    screens this one. :meth:`frame` waits for a slab (reading it now if it was not
    prefetched); :meth:`close` stops the worker."""

    def __init__(self, data: bytes, *, width: int, delimiter: str, text: set[int], coded: set[int]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.data = data
        self.width = width
        self.delimiter = delimiter
        self.text = set(text)
        self.coded = set(coded)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-arrow")
        self._pending: dict = {}

    def prefetch(self, start: int, end: int) -> None:
        if (start, end) not in self._pending:
            self._pending[(start, end)] = self._pool.submit(self._parse, start, end)

    def frame(self, start: int, end: int, nlines: int):
        """The slab ``data[start:end]`` of ``nlines`` lines as :func:`read_slab` gives it."""
        self.prefetch(start, end)
        table = self._pending.pop((start, end)).result()
        if table is None or table.num_rows != nlines:
            return None
        return _frame(table, self.width, self.text, self.coded)

    def _parse(self, start: int, end: int):
        return _parse(self.data, self.width, self.delimiter, self.coded, start, end)

    def close(self) -> None:
        for pending in self._pending.values():
            pending.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)


def read_slab(slab: bytes, *, width: int, nlines: int, delimiter: str, text: set[int], coded: set[int]):
    """The cells of ``slab`` (``nlines`` whole lines of ``width`` cells each, UTF-8) as a
    DataFrame with columns ``0 … width-1``, or ``None`` when Arrow might read it otherwise
    than pandas' C parser."""
    table = _parse(slab, width, delimiter, coded)
    if table is None or table.num_rows != nlines:
        return None
    return _frame(table, width, set(text), set(coded))


def _parse(data: bytes, width: int, delimiter: str, coded: set[int], start: int = 0, end: int | None = None):
    """The slab ``data[start:end]`` as an Arrow table of text (dictionary-coded for
    ``coded``), or ``None`` (the slab is not copied)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    end = len(data) if end is None else end
    if (data.find(b'"', start, end) >= 0 or data.find(b"\n\n", start, end) >= 0
            or data.find(b"\n\r\n", start, end) >= 0 or data.startswith((b"\n", b"\r\n"), start, end)
            or data.count(b"\r", start, end) != data.count(b"\r\n", start, end)):
        return None
    slab = memoryview(data)[start:end]
    names = [str(i) for i in range(width)]
    dictionary = pa.dictionary(pa.int32(), pa.string())
    types = {names[i]: dictionary if i in coded else pa.string() for i in range(width)}
    try:
        return pacsv.read_csv(
            pa.py_buffer(slab),
            read_options=pacsv.ReadOptions(column_names=names, block_size=_BLOCK, use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False,
                                             escape_char=False, newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=True,
                                                 quoted_strings_can_be_null=True, true_values=[], false_values=[],
                                                 check_utf8=True))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return None  # a row of another width, cells not UTF-8


def _frame(table, width: int, text: set[int], coded: set[int]):
    import pandas as pd

    table = table.unify_dictionaries()  # each block of the reader has its own dictionary
    columns = {}
    for i in range(width):
        col = table.column(i).combine_chunks()
        if i in coded:
            columns[i] = _categorical(col)
        elif i in text:
            columns[i] = _objects(col)
        else:
            columns[i] = _plain_numbers(col)
    return pd.DataFrame(columns, copy=False)


def _objects(col) -> np.ndarray:
    """Cells as Python strings, ``None`` where empty (what the C parser gives for text)."""
    out = np.empty(len(col), dtype=object)
    out[:] = col.to_pylist()
    return out


def _categorical(col):
    """A dictionary column as a pandas Categorical of its text cells (empty: code -1)."""
    import pandas as pd

    codes = col.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    categories = pd.Index(np.asarray(col.dictionary.to_pylist(), dtype=object), dtype=object)
    return pd.Categorical.from_codes(codes, categories=categories, validate=False)


def _plain_numbers(col) -> np.ndarray:
    """A column of strings as float64 when every cell is a plain number (blank: NaN), else
    the cells as objects (see the module's docstring)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(col)
    if col.null_count == n:
        return np.full(n, np.nan)
    offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=n + 1, offset=4 * col.offset)
    data = np.frombuffer(col.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    if np.diff(offsets).max() > _PLAIN_LONGEST or not _PLAIN[data].all():
        return _objects(col)
    try:
        values = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # "-", ".", "1.2.3", "1-2": not numbers to either reader
        return _objects(col)
    if not values.flags.writeable:
        values = values.copy()
    if not (data == ord(".")).any():  # whole numbers: the C parser reads them as integers (-0 is 0)
        values[values == 0] = 0.0
    return values
