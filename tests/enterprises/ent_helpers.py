"""Shared helpers: evaluate records with all three evaluators and insist they agree."""

from __future__ import annotations

import datetime as dt
import sqlite3

import numpy as np

from innodrive.enterprises import credit_code as cc
from innodrive.enterprises.explain import Verdict, explain
from innodrive.enterprises.fields import FIELDS, NUMERIC_FIELDS
from innodrive.enterprises.registry import frame_from_records, row_dict
from innodrive.enterprises.rules import rule_for
from innodrive.enterprises.sqlgen import screening_query
from innodrive.enterprises.states import STATE_NAMES
from innodrive.enterprises.vectorised import evaluate_frame


def make_code(serial: int, region: str = "511500") -> str:
    """A valid 统一社会信用代码 built with the library's own check digit (tested separately)."""
    body = f"91{region}{serial:09d}"
    body = body[:17]
    return body + cc.check_char(body)


def sqlite_states(frame, rule_sets, on, path=":memory:") -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    cols = ['"credit_code" TEXT'] + [f'"{f}" REAL' for f in NUMERIC_FIELDS]
    con.execute(f'CREATE TABLE enterprise_registry ({", ".join(cols)})')
    present = [c for c in frame.columns if c == "credit_code" or c in NUMERIC_FIELDS]
    rows = [tuple(None if (isinstance(v, float) and np.isnan(v)) else v for v in rec)
            for rec in frame[present].itertuples(index=False, name=None)]
    con.executemany(f'INSERT INTO enterprise_registry ({", ".join(chr(34) + c + chr(34) for c in present)}) '
                    f'VALUES ({", ".join("?" for _ in present)})', rows)
    q = screening_query(rule_sets, on=on, dialect="sqlite")
    cur = con.execute(q)
    names = [d[0] for d in cur.description]
    result = cur.fetchall()
    con.close()
    by_code = {r[0]: r for r in result}
    out = {}
    for rs in rule_sets:
        j = names.index(rs.programme)
        out[rs.programme] = [STATE_NAMES[int(by_code[c][j])] for c in frame["credit_code"]]
    return out


def evaluate_all(records: list[dict], programme: str, on: dt.date) -> list[Verdict]:
    """Explained verdicts for ``records``, after checking NumPy and SQLite agree."""
    rs = rule_for(programme, on)
    recs = [dict(r) for r in records]
    for i, r in enumerate(recs):
        r.setdefault("credit_code", make_code(i + 1))
    frame = frame_from_records(recs)
    verdicts = [explain(row_dict(frame, i), rs, on=on) for i in range(len(frame))]
    vec = evaluate_frame(frame, [rs], on=on)[programme].state
    sql = sqlite_states(frame, [rs], on)[programme]
    for i, v in enumerate(verdicts):
        assert STATE_NAMES[int(vec[i])] == v.state, f"vectorised disagrees on record {i}"
        assert sql[i] == v.state, f"SQLite disagrees on record {i}"
    return verdicts


def verdict(record: dict, programme: str, on: dt.date) -> Verdict:
    return evaluate_all([record], programme, on)[0]


def cond(v: Verdict, cid: str) -> str:
    return next(c.state for c in v.conditions if c.id == cid)


def score(v: Verdict, sid: str) -> tuple[float, float]:
    s = next(s for s in v.scores if s.id == sid)
    return s.lo, s.hi


__all__ = ["FIELDS", "evaluate_all", "verdict", "cond", "score", "make_code", "sqlite_states"]


def synthetic_registry(n: int, seed: int):
    """The benchmarks' SYNTHETIC registry (``bench/_synthetic_enterprises.py``), without credit codes."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "_synthetic_enterprises.py"
    spec = importlib.util.spec_from_file_location("_synthetic_enterprises", path)
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    return synthetic.synthetic_registry(n, seed=seed).drop(columns=["credit_code"])


def holey_registry(n: int, seed: int, unknown_rows: int):
    """A SYNTHETIC registry with 8 % of its numbers unknown and its first rows wholly unknown,
    so that every state of every condition is reached."""
    frame = synthetic_registry(n, seed)
    rng = np.random.default_rng(seed)
    for c in frame.columns:
        if frame[c].dtype.kind == "f":
            frame.loc[rng.random(len(frame)) < 0.08, c] = np.nan
    frame.iloc[:unknown_rows] = np.nan
    return frame
