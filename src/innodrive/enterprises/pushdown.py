"""Screening inside the database: registry tables and the compiled query, run there.

This is the I/O edge of :mod:`.sqlgen`: it creates a registry table with the declared
fields as columns (numbers as DOUBLE PRECISION/REAL, dates as day numbers), loads a
checked registry into it in batches, and runs the screening query, returning verdict
codes. The same code path serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from innodrive.enterprises.fields import NUMERIC_FIELDS
from innodrive.enterprises.rules import RuleSet
from innodrive.enterprises.sqlgen import screening_query
from innodrive.errors import InputError

BATCH = 20_000


def _dialect(engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise InputError(f"不支持在 {name} 数据库中筛选，仅支持 SQLite 与 PostgreSQL")
    return name


def create_registry_table(engine, table: str, *, replace: bool = True):
    """Create (or recreate) a registry table with every declared field as a column."""
    from sqlalchemy import Column, Float, MetaData, Table, Text

    md = MetaData()
    t = Table(table, md, Column("credit_code", Text, primary_key=True),
              *[Column(f, Float(precision=53)) for f in NUMERIC_FIELDS])
    if replace:
        md.drop_all(engine, tables=[t], checkfirst=True)
    md.create_all(engine, tables=[t])
    return t


def load_registry(engine, frame: pd.DataFrame, table: str, *, replace: bool = True,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Write the numeric fields and credit codes of ``frame`` into ``table``.

    On PostgreSQL (pg8000) each batch is streamed with one ``COPY … FROM STDIN``: pg8000's
    ``executemany`` sends a statement per row and waits for each (about a hundred rows a
    second against a server on the same machine). Elsewhere rows are inserted by
    ``executemany``. The stored values are the same either way (a number is sent as the
    shortest text that reads back as the same double, as pg8000 binds it)."""
    t = create_registry_table(engine, table, replace=replace)
    cols = ["credit_code"] + [c for c in NUMERIC_FIELDS if c in frame.columns]
    data = frame[cols]
    n = len(data)
    with engine.begin() as conn:
        copy = _copy_writer(conn, t, cols)
        for start in range(0, n, BATCH):
            part = data.iloc[start:start + BATCH]
            if copy is not None:
                copy(part)
            else:
                conn.execute(t.insert(), _records(part, cols))
            if progress:
                progress(min(start + BATCH, n), n)
    return n


def _records(part: pd.DataFrame, cols: list[str]) -> list[dict]:
    """The rows of a block as ``executemany`` parameters: a credit code as it is, a number as
    a float, None for an unknown (None or NaN)."""
    arrays = {c: part[c].to_numpy() for c in cols}
    rows = []
    for i in range(len(part)):
        rec = {}
        for c in cols:
            v = arrays[c][i]
            if c == "credit_code":
                rec[c] = v
            else:
                rec[c] = None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)
        rows.append(rec)
    return rows


def _copy_writer(conn, t, cols: list[str]) -> Callable[[pd.DataFrame], None] | None:
    """On PostgreSQL through pg8000, a function streaming a block of ``frame[cols]`` into table
    ``t`` with COPY (text format): a credit code escaped as COPY text, a number as ``repr`` of
    its float, NULL for an unknown (None or NaN) — the values ``executemany`` would bind.
    ``None`` on other databases and drivers."""
    import io

    if conn.dialect.name != "postgresql" or conn.dialect.driver != "pg8000":
        return None

    from innodrive.store.bulk import copy_text

    quote = conn.dialect.identifier_preparer
    sql = f"COPY {quote.format_table(t)} ({', '.join(quote.quote(c) for c in cols)}) FROM STDIN"
    cursor = conn.connection.dbapi_connection.cursor()

    def number(v) -> str:
        return "\\N" if v is None or (isinstance(v, float) and np.isnan(v)) else repr(float(v))

    def write(part: pd.DataFrame) -> None:
        columns = []
        for c in cols:
            values = part[c].to_numpy()
            if c == "credit_code":
                columns.append(["\\N" if v is None else copy_text(str(v)) for v in values.tolist()])
            elif values.dtype.kind == "f":  # Python floats (repr is the shortest exact text); NaN: NULL
                columns.append(["\\N" if v != v else repr(v) for v in values.tolist()])
            else:
                columns.append([number(v) for v in values.tolist()])
        text = "\n".join(map("\t".join, zip(*columns, strict=True)))
        cursor.execute(sql, stream=io.BytesIO((text + "\n").encode("utf-8") if text else b""))

    return write


def screen_in_database(engine, rule_sets: list[RuleSet], *, on: dt.date, table: str,
                       details: bool = False) -> pd.DataFrame:
    """Run the compiled screening query where the registry lives.

    Returns a frame with ``credit_code`` and one integer verdict code per programme
    (plus ``<programme>__<condition>`` columns with ``details``).
    """
    from sqlalchemy import text

    sql = screening_query(rule_sets, on=on, dialect=_dialect(engine), table=table, details=details)
    with engine.connect() as conn:
        result = conn.execute(text(sql))
        names = list(result.keys())
        rows = result.fetchall()
    out = pd.DataFrame(rows, columns=names)
    for c in names[1:]:
        out[c] = out[c].astype(np.int8)
    return out
