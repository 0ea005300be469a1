"""Benchmark: every programme's verdict for 1,000,000 SYNTHETIC enterprises on one core,
and the SQL form's verdicts on SQLite compared row by row with the vectorised form."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

N = int(os.environ.get("INNODRIVE_BENCH_ENTERPRISES", "1000000"))
ON = dt.date(2024, 6, 30)


def _one_core() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def run() -> list[tuple[str, str, str]]:
    _one_core()
    from _synthetic_enterprises import synthetic_registry
    from innodrive.enterprises.fields import NUMERIC_FIELDS
    from innodrive.enterprises.incentives import super_deduction_arrays
    from innodrive.enterprises.rules import rules_in_force
    from innodrive.enterprises.sqlgen import screening_query
    from innodrive.enterprises.vectorised import columns_of, evaluate_arrays

    frame = synthetic_registry(N)
    cols, n = columns_of(frame)
    rule_sets = rules_in_force(ON)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        res = evaluate_arrays(cols, n, rule_sets, on=ON, keep_details=False)
        super_deduction_arrays(cols, n, year=2023)
        times.append(time.perf_counter() - t0)
    best, med = min(times), statistics.median(times)
    passing = {p: int((a.state == 3).sum()) for p, a in res.items()}

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "registry.sqlite"
        con = sqlite3.connect(db)
        names = ["credit_code", *NUMERIC_FIELDS]
        con.execute(f'CREATE TABLE enterprise_registry ({", ".join(chr(34) + c + chr(34) + (" TEXT" if c == "credit_code" else " REAL") for c in names)})')
        arrays = [frame["credit_code"].to_numpy()] + [frame[c].to_numpy() for c in NUMERIC_FIELDS]
        insert = f'INSERT INTO enterprise_registry VALUES ({", ".join("?" for _ in names)})'
        t0 = time.perf_counter()
        step = 50_000
        for start in range(0, n, step):
            block = [a[start:start + step] for a in arrays]
            rows = [tuple(None if isinstance(v, float) and v != v else v for v in r) for r in zip(*block, strict=True)]
            con.executemany(insert, rows)
        con.commit()
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        cur = con.execute(screening_query(rule_sets, on=ON, dialect="sqlite"))
        out_names = [d[0] for d in cur.description]
        sql_rows = cur.fetchall()
        sql_time = time.perf_counter() - t0
        con.close()
    order = {c: i for i, c in enumerate(frame["credit_code"].to_numpy())}
    idx = np.array([order[r[0]] for r in sql_rows])
    mismatches = 0
    for j, name in enumerate(out_names[1:], start=1):
        sql_states = np.array([r[j] for r in sql_rows], dtype=np.int8)
        mismatches += int((sql_states != res[name].state[idx]).sum())
    compared = len(sql_rows) * (len(out_names) - 1)
    return [
        (f"{n:,} SYNTHETIC enterprises × {len(rule_sets)} programmes + 加计扣除, vectorised, one core",
         f"{best:.2f} s (median {med:.2f} s)", "< 2 s"),
        ("passing per programme (synthetic)", ", ".join(f"{k} {v:,}" for k, v in passing.items()), "—"),
        (f"SQL on SQLite: verdicts compared ({len(sql_rows):,} rows × {len(out_names) - 1})",
         f"{mismatches} mismatches of {compared:,}", "0"),
        ("SQL on SQLite: query time / table load", f"{sql_time:.1f} s / {load:.1f} s", "—"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
