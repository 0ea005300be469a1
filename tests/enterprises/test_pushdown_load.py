"""Loading a registry into a database table for screening there: PostgreSQL streams each batch
with COPY (pg8000's executemany waits on the server once per row), and stores exactly what
SQLite's executemany stores — every credit code, however written, and every number bit for bit
(CONSTRUCTED values, not enterprises)."""

from __future__ import annotations

import math
import struct
import uuid

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from innodrive.enterprises import pushdown
from innodrive.enterprises.fields import NUMERIC_FIELDS
from innodrive.store.testing import counting_trips

CODES = ["91511500MA00000078", "A\tB", "C\\N", "\\N", "D\nE", "F\r\nG", "'; DROP TABLE x; --", "企业代码",
         " lead and trail ", "\\", "e\u0301\u200b", '"quoted"', "back\\slash\\t", "𠀀"]
NUMBERS = [0.1 + 0.2, -0.0, 1e-300, 5e-324, 1.7976931348623157e308, 123456789.12345679, None, math.nan, 2.0 ** 53 + 2,
           -5.0, 1e16, 3.0, float("inf"), float("-inf")]


def _frame() -> pd.DataFrame:
    n = len(CODES)
    rng = np.random.default_rng(5)
    cols: dict[str, object] = {"credit_code": CODES}
    for k, name in enumerate(NUMERIC_FIELDS[:12]):
        values = [NUMBERS[(i + k) % len(NUMBERS)] for i in range(n)]
        if k == 0:  # an object column as a reader may leave it: None, ints, NumPy floats
            cols[name] = pd.Series([None if v is None else (int(v) if v == 3.0 else np.float64(v)) for v in values],
                                   dtype=object)
        else:
            cols[name] = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    cols[NUMERIC_FIELDS[12]] = rng.random(n) * 1e5
    return pd.DataFrame(cols)


def _stored(engine, table: str) -> list[tuple]:
    """Every row, numbers as their exact bits (NULL as None), ordered by credit code's bytes."""
    with engine.connect() as conn:
        rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
    out = [(r[0], *[None if v is None else struct.pack("<d", v) for v in r[1:]]) for r in rows]
    return sorted(out, key=lambda r: r[0].encode("utf-8"))


def _unsigned_zero(rows: list[tuple]) -> list[tuple]:
    zero = struct.pack("<d", 0.0)
    return [tuple(zero if v == struct.pack("<d", -0.0) else v for v in r) for r in rows]


@pytest.mark.postgres
def test_postgresql_stores_what_row_by_row_inserts_store(pg_url, tmp_path, monkeypatch):
    frame = _frame()
    lite = create_engine(f"sqlite:///{tmp_path / 'r.sqlite'}")
    pg = create_engine(pg_url)
    table, rowwise = (f"ent_load_{uuid.uuid4().hex[:10]}" for _ in range(2))
    monkeypatch.setattr(pushdown, "BATCH", 5)  # several batches, the last one short
    seen = []
    try:
        assert pushdown.load_registry(lite, frame, table) == len(frame)
        assert pushdown.load_registry(pg, frame, table, progress=lambda done, total: seen.append(done)) == len(frame)
        assert seen == [5, 10, 14]
        got = _stored(pg, table)
        assert [r[0] for r in got] == sorted(CODES, key=lambda c: c.encode("utf-8"))
        with monkeypatch.context() as m:  # the rows as pg8000's executemany stores them, one by one
            m.setattr(pushdown, "_copy_writer", lambda *args: None)
            pushdown.load_registry(pg, frame, rowwise)
        assert got == _stored(pg, rowwise)  # bit for bit, -0.0 and ±inf included
        assert _unsigned_zero(got) == _stored(lite, table)  # (SQLite keeps no sign on a zero)
        # a second load replaces the table
        pushdown.load_registry(pg, frame.iloc[:3], table)
        assert len(_stored(pg, table)) == 3
    finally:
        with pg.begin() as conn:
            conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
            conn.execute(text(f'DROP TABLE IF EXISTS "{rowwise}"'))
        pg.dispose()
        lite.dispose()


@pytest.mark.postgres
def test_a_large_registry_loads_in_few_round_trips(pg_url):
    """2,000 rows of every numeric field: pg8000's executemany made three round trips per row."""
    n = 2000
    rng = np.random.default_rng(9)
    frame = pd.DataFrame({"credit_code": [f"9151150{i:011d}" for i in range(n)],
                          **{c: np.where(rng.random(n) < 0.1, np.nan, rng.random(n) * 1e4) for c in NUMERIC_FIELDS}})
    pg = create_engine(pg_url)
    table = f"ent_load_{uuid.uuid4().hex[:10]}"
    try:
        with counting_trips(pg) as trips:
            pushdown.load_registry(pg, frame, table)
        assert trips.trips < n  # (the counter sees each 8 KB the driver sends; row by row it was 3 per row)
        with pg.connect() as conn:
            got = conn.execute(text(f'SELECT credit_code, {NUMERIC_FIELDS[5]} FROM "{table}" ORDER BY credit_code')).all()
        want = frame[NUMERIC_FIELDS[5]].tolist()
        assert [g[0] for g in got] == frame["credit_code"].tolist()
        assert all((g[1] is None and w != w) or g[1] == w for g, w in zip(got, want, strict=True))
    finally:
        with pg.begin() as conn:
            conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
        pg.dispose()
