"""Writing many observation rows at once, the fastest way each database offers.

An import of a province's statistics writes up to a million and a half rows (the
values and the derived indicators computed from them) in one transaction. Two
things decide how long that takes:

- **SQLite**: the work of maintaining the table's B-tree indexes. Rows arriving in
  the order of the unique key ``(region, indicator, period, …)`` land next to each
  other in the index instead of all over it (a third less time for a million rows),
  and the values that are the same for every row of a batch (origin, batch, time,
  actor) are written once into the statement as literals instead of being bound for
  every row (a fifth less). So is a text that is the same throughout a chunk of rows
  — a file's one source, an empty note, one indicator's unit — which saves the
  binding of two to four of the ten varying values on a typical file. And one
  statement inserts 200 rows (``INSERT … VALUES (…), (…), …``): a third less time than
  one statement a row, whose every row goes through the driver's loop and SQLite's
  reset. Such a statement is ``INSERT OR FAIL``: on a refused row the rows before it
  stay until the transaction rolls back (as with one statement a row), so SQLite
  keeps no statement journal of the pages each statement changes (with plain
  ``INSERT`` it wrote one, a hundred megabytes for a million rows).
- **PostgreSQL** (pg8000): ``executemany`` sends one statement per row, a round trip
  each; ``COPY … FROM STDIN`` streams the rows in one command.

Rows are given as columns (:class:`Rows`) and written in chunks, so memory holds one
chunk of Python objects at a time. The rows are exactly what a row-by-row insert
would store; only the order of their ids differs (ids carry no meaning).

On SQLite a large import also checks its foreign keys once per distinct value instead
of once per row (:func:`innodrive.store.bulk.foreign_keys_checked_by_writer`): every
observation names its region and its batch, and SQLite looked both up again for each of
a million rows (a quarter of the writing time).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

# the varying columns, in this order; the constant ones follow in the statement
VARYING = ("region_code", "indicator_code", "period", "revision", "value", "unit", "value_as_written",
           "unit_as_written", "source", "note")
CONSTANT = ("origin", "is_current", "batch_id", "recorded_at", "recorded_by")
CHUNK = 10_000  # rows per statement (and per progress report)


Column = tuple[np.ndarray, int]  # indices into ``Rows.texts`` less an offset (-1: NULL)


@dataclass
class Rows:
    """Rows to insert, as the columns of a larger batch and the entries ``idx`` of it to
    write (gathered one chunk at a time, so no second copy of the batch is made).

    Text columns are ``(indices, offset)``: the text of an entry is
    ``texts[indices[k] + offset]``, and ``-1`` is NULL. Numeric columns are arrays
    (``NaN`` in ``value_as_written``: NULL)."""

    texts: list[str]
    idx: np.ndarray
    region: Column
    indicator: Column
    period: Column
    unit: Column
    unit_as_written: Column
    source: Column
    note: Column
    revision: np.ndarray
    value: np.ndarray
    value_as_written: np.ndarray

    def __len__(self) -> int:
        return len(self.idx)

    def text_ids(self, column: Column, sel: np.ndarray) -> np.ndarray:
        ids, offset = column
        c = ids[sel]
        return np.where(c < 0, -1, c + offset) if offset else c

    def sort_key(self) -> np.ndarray:
        """The positions (in ``idx``) of the rows in the order of the unique index
        (region, indicator, period, compared as texts)."""
        rank = np.empty(len(self.texts), dtype=np.int32)
        rank[np.argsort(np.asarray(self.texts, dtype=object), kind="stable")] = np.arange(len(self.texts))
        return np.lexsort(tuple(rank[self.text_ids(c, self.idx)] for c in (self.period, self.indicator, self.region)))


def insert(session: Session, rows: Rows, *, origin: str, batch_id: int | None, now: dt.datetime, actor: str,
           progress: Callable[[int, int], None] | None = None) -> None:
    """Insert ``rows`` in the caller's transaction."""
    total = len(rows)
    if not total:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "pg8000":
        write_chunk = _copy_writer(conn, rows, origin=origin, batch_id=batch_id, now=now, actor=actor)
    else:
        write_chunk = _executemany_writer(conn, rows, origin=origin, batch_id=batch_id, now=now, actor=actor)
    order = rows.sort_key()
    for s in range(0, total, CHUNK):
        write_chunk(rows.idx[order[s:s + CHUNK]])
        if progress is not None:
            progress(min(s + CHUNK, total), total)


def _columns(rows: Rows, sel: np.ndarray, texts: np.ndarray, *, null=None) -> list[list]:
    """The varying columns of the entries ``sel`` as Python lists (texts resolved, NULLs as ``null``)."""
    def text(col: Column) -> list:
        return texts[rows.text_ids(col, sel)].tolist()  # index -1 is the appended NULL

    written = rows.value_as_written[sel]
    w = written.tolist()
    if np.isnan(written).any():
        w = [null if x != x else x for x in w]
    return [text(rows.region), text(rows.indicator), text(rows.period), rows.revision[sel].tolist(),
            rows.value[sel].tolist(), text(rows.unit), w, text(rows.unit_as_written), text(rows.source),
            text(rows.note)]


def _executemany_writer(conn, rows: Rows, *, origin, batch_id, now, actor):
    from innodrive.indicators.observations import _bind
    from innodrive.store.schema import ObservationRow

    dialect = conn.dialect
    table = ObservationRow.__table__
    constants = (origin, _bind(table.c.is_current.type, dialect, True), batch_id,
                 _bind(table.c.recorded_at.type, dialect, now), actor)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    literals = [_sqlite_literal(v) for v in constants] if dialect.name == "sqlite" else None
    texts = np.asarray([*rows.texts, None], dtype=object)
    columns = ", ".join(VARYING + CONSTANT)
    if literals is None or None in literals:
        sql = f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join([mark] * (len(VARYING) + len(CONSTANT)))})"

        def write_bound(idx: np.ndarray) -> None:
            conn.exec_driver_sql(sql, [r + constants for r in zip(*_columns(rows, idx, texts), strict=True)])

        return write_bound
    text_literals = [_sqlite_literal(t) for t in texts.tolist()]  # None: a text better bound
    statements: dict[tuple, str] = {}
    per_statement = max(1, min(ROWS_PER_STATEMENT, _max_variables(conn) // len(VARYING)))

    def statement(same: list[str | None], n: int) -> str:
        key = (*same, n)
        sql = statements.get(key)
        if sql is None:
            row = "(" + ", ".join([mark if lit is None else lit for lit in same] + literals) + ")"
            sql = statements[key] = f"INSERT OR FAIL INTO {table.name} ({columns}) VALUES {', '.join([row] * n)}"
        return sql

    def write(idx: np.ndarray) -> None:
        # a text column with one value in the whole chunk (a file's one source, no note) is
        # written once into the statement instead of being bound for every row
        same = _chunk_literals(rows, idx, text_literals)
        cells = _bound_cells(rows, idx, texts, [pos for pos, lit in enumerate(same) if lit is None])
        # many rows a statement: one step of the statement inserts them all, in this order
        full = len(idx) - len(idx) % per_statement
        for part, n in ((cells[:full], per_statement), (cells[full:], len(idx) - full)):
            if len(part):
                conn.exec_driver_sql(statement(same, n), list(map(tuple, part.reshape(-1, n * cells.shape[1]).tolist())))

    return write


ROWS_PER_STATEMENT = 200  # rows of one INSERT … VALUES (…), (…) on SQLite (within its limit of variables)


def _max_variables(conn) -> int:
    """The most parameters one SQLite statement may have (999 before SQLite 3.32)."""
    import sqlite3

    try:
        return conn.connection.dbapi_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # a driver without sqlite3's getlimit
        return 999


def _bound_cells(rows: Rows, sel: np.ndarray, texts: np.ndarray, positions: list[int]) -> np.ndarray:
    """The values of the columns ``positions`` of ``VARYING`` of the entries ``sel``, as a
    (rows × columns) array of Python objects (texts resolved, NULL as ``None``)."""
    cells = np.empty((len(sel), len(positions)), dtype=object)
    names = dict(_TEXT_COLUMNS)
    for j, pos in enumerate(positions):
        if pos in names:
            cells[:, j] = texts[rows.text_ids(getattr(rows, names[pos]), sel)]  # index -1 is the appended NULL
        elif pos == 3:
            cells[:, j] = rows.revision[sel]
        elif pos == 4:
            cells[:, j] = rows.value[sel]
        else:
            written = rows.value_as_written[sel]
            cells[:, j] = written
            cells[np.isnan(written), j] = None
    return cells


# the text columns of ``VARYING`` (positions, ``Rows`` attribute); the others are numbers
_TEXT_COLUMNS = ((0, "region"), (1, "indicator"), (2, "period"), (5, "unit"), (7, "unit_as_written"),
                 (8, "source"), (9, "note"))


def _chunk_literals(rows: Rows, sel: np.ndarray, text_literals: list[str | None]) -> list[str | None]:
    """For each column of ``VARYING``: the SQLite literal of its one value in the
    entries ``sel``, or ``None`` where the values differ. Numbers are bound (a float
    literal would be parsed back from text), except a column that is NULL throughout
    and a revision number that is the same throughout (an integer is exact as text)."""
    same: list[str | None] = [None] * len(VARYING)
    for pos, name in _TEXT_COLUMNS:
        ids = rows.text_ids(getattr(rows, name), sel)
        first = ids[0]
        if (ids == first).all():
            same[pos] = text_literals[first]  # index -1: the appended NULL
    revision = rows.revision[sel]
    if (revision == revision[0]).all():  # an integer literal is exact (a new key's first revision)
        same[3] = str(int(revision[0]))
    if np.isnan(rows.value_as_written[sel]).all():  # derived values: no value as written
        same[6] = "NULL"
    return same


def _sqlite_literal(v: object) -> str | None:
    """``v`` as an SQLite literal, or ``None`` when it is better bound as a parameter."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str) and "\x00" not in v:
        return "'" + v.replace("'", "''") + "'"
    return None


def _copy_writer(conn, rows: Rows, *, origin, batch_id, now, actor):
    from innodrive.store.bulk import copy_text
    from innodrive.store.schema import ObservationRow

    table = ObservationRow.__table__
    tail = "\t".join([copy_text(origin), "t", "\\N" if batch_id is None else str(int(batch_id)),
                      copy_text(now.isoformat()), copy_text(actor)])
    sql = f"COPY {table.name} ({', '.join(VARYING + CONSTANT)}) FROM STDIN"
    texts = np.asarray([copy_text(t) for t in rows.texts] + ["\\N"], dtype=object)
    cursor = conn.connection.dbapi_connection.cursor()

    def write(idx: np.ndarray) -> None:
        region, ind, period, rev, value, unit, written, unit_w, source, note = _columns(rows, idx, texts, null="\\N")
        buf = io.StringIO()
        for r in zip(region, ind, period, map(str, rev), map(repr, value), unit,
                     ["\\N" if w == "\\N" else repr(w) for w in written], unit_w, source, note, strict=True):
            buf.write("\t".join(r))
            buf.write("\t")
            buf.write(tail)
            buf.write("\n")
        cursor.execute(sql, stream=io.BytesIO(buf.getvalue().encode("utf-8")))

    return write
