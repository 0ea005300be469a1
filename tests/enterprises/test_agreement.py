"""The three evaluators agree on random registries: explained (Python), vectorised
(NumPy) and SQL (SQLite here, PostgreSQL when INNODRIVE_TEST_POSTGRES_URL is set), on
every programme's verdict and on every named condition.

Values are drawn from a grid of round numbers so that ratios land exactly on band edges
(100 / 2000 = 5%), from zeros (division by zero), from unknowns, and at random.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innodrive.enterprises.explain import explain
from innodrive.enterprises.fields import FIELDS, NUMERIC_FIELDS
from innodrive.enterprises.pushdown import load_registry, screen_in_database
from innodrive.enterprises.registry import row_dict
from innodrive.enterprises.rules import rules_in_force
from innodrive.enterprises.states import STATE_NAMES
from innodrive.enterprises.vectorised import evaluate_frame

from .ent_helpers import make_code

GRID = [0, 1, 2, 3, 4, 5, 9, 10, 12, 35, 50, 60, 95, 100, 150, 200, 300, 400, 500, 501, 660, 800, 1000, 1100,
        2000, 3000, 4000, 5000, 5000.01, 6000, 8000, 10000, 12000, 15000, 20000, 50000, 100000]
RATIOS = [0, 0.02, 0.05, 0.1, 0.3, 0.5, 0.55, 0.6, 0.7, 0.75, 0.8, 1]
DATES = [dt.date(2010, 5, 1), dt.date(2014, 12, 31), dt.date(2020, 12, 31), dt.date(2023, 6, 30),
         dt.date(2023, 7, 1), dt.date(2024, 1, 1)]
ON_DATES = [dt.date(2021, 6, 1), dt.date(2024, 6, 30), dt.date(2026, 6, 30)]  # 2026: the miit-2026 versions


def _value_strategy(name: str):
    spec = FIELDS[name]
    if spec.kind == "flag":
        return st.sampled_from([None, 0.0, 1.0, 1.0])
    if spec.kind == "date":
        return st.one_of(st.none(), st.sampled_from(DATES).map(lambda d: float((d - dt.date(1970, 1, 1)).days)))
    if spec.kind == "ratio":
        return st.one_of(st.none(), st.sampled_from(RATIOS), st.floats(0, 1))
    if spec.kind == "level":
        return st.one_of(st.none(), st.sampled_from([float(a) for a in spec.allowed]))
    if spec.kind == "choice":
        return st.one_of(st.none(), st.sampled_from([float(c) for c in spec.choice_names()]))
    if spec.kind == "score":
        return st.one_of(st.none(), st.integers(0, int(spec.max)).map(float))
    if spec.kind == "signed_money":
        return st.one_of(st.none(), st.sampled_from(GRID).map(float), st.sampled_from(GRID).map(lambda v: -float(v)),
                         st.floats(-1e5, 1e5).filter(lambda x: x == 0 or abs(x) > 1e-3))
    if spec.kind in ("count", "year"):
        return st.one_of(st.none(), st.integers(0, 12).map(float))
    return st.one_of(st.none(), st.sampled_from(GRID).map(float), st.floats(1e-3, 1e5))


RECORD = st.fixed_dictionaries({name: _value_strategy(name) for name in NUMERIC_FIELDS})


def _frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=list(NUMERIC_FIELDS)).astype(np.float64)
    frame.insert(0, "credit_code", [make_code(i + 1) for i in range(len(frame))])
    return frame


def _random_frame(n: int, seed: int) -> pd.DataFrame:
    """A random registry drawn with NumPy (bigger than hypothesis examples, cheap)."""
    rng = np.random.default_rng(seed)
    cols = {}
    for name in NUMERIC_FIELDS:
        spec = FIELDS[name]
        if spec.kind == "flag":
            v = rng.choice([0.0, 1.0, 1.0, 1.0], n)
        elif spec.kind == "date":
            v = rng.choice([float((d - dt.date(1970, 1, 1)).days) for d in DATES], n)
        elif spec.kind == "ratio":
            v = np.where(rng.random(n) < 0.5, rng.choice(RATIOS, n), rng.random(n))
        elif spec.kind == "level":
            v = rng.choice([float(a) for a in spec.allowed], n)
        elif spec.kind == "choice":
            v = rng.choice([float(c) for c in spec.choice_names()], n)
        elif spec.kind == "score":
            v = rng.integers(0, int(spec.max) + 1, n).astype(float)
        elif spec.kind in ("count", "year"):
            v = rng.integers(0, 12, n).astype(float)
        else:
            v = np.where(rng.random(n) < 0.6, rng.choice(GRID, n), rng.random(n) * 20000)
            if spec.kind == "signed_money":
                v = np.where(rng.random(n) < 0.15, -v, v)
        v = v.astype(float)
        v[rng.random(n) < 0.08] = np.nan
        cols[name] = v
    frame = pd.DataFrame(cols)
    # make growth series plausible more often so that later conditions are reached
    # staff counts across the 划型 bounds (20, 300, 1000 …) so that every size class occurs
    frame["employees_total"] = np.where(rng.random(n) < 0.5, rng.choice([5, 10, 19, 20, 100, 299, 300, 999, 1000, 2000], n),
                                        frame["employees_total"])
    for base in ("revenue", "main_revenue", "total_income", "operating_profit", "net_profit"):
        y3 = frame[f"{base}_y3"]
        frame[f"{base}_y2"] = np.where(rng.random(n) < 0.5, y3 * 1.25, frame[f"{base}_y2"])
        frame[f"{base}_y1"] = np.where(rng.random(n) < 0.5, frame[f"{base}_y2"] * 1.2, frame[f"{base}_y1"])
    frame.insert(0, "credit_code", [make_code(i + 1) for i in range(n)])
    return frame


@contextmanager
def _loaded(engine, frame: pd.DataFrame) -> Iterator[str]:
    """``frame`` written into a new table of ``engine`` (dropped afterwards); yields its name."""
    from sqlalchemy import text

    table = f"ent_agree_{uuid.uuid4().hex[:10]}"
    load_registry(engine, frame, table)
    try:
        yield table
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))


def _rows(frame: pd.DataFrame, n: int | None = None) -> list[dict]:
    """The first ``n`` rows as the row-wise evaluator reads them (all rows without ``n``)."""
    return [row_dict(frame, i) for i in range(len(frame) if n is None else min(n, len(frame)))]


def _check_agreement(frame: pd.DataFrame, on: dt.date, engine=None, rows_to_explain: int | None = None,
                     table: str | None = None, rows: list[dict] | None = None) -> int:
    """Compare the three evaluators on ``frame`` at ``on``. With ``engine``, the SQL evaluator
    screens ``table`` (``frame`` already loaded, e.g. once for several dates) or, without it,
    a table loaded here for this call. ``rows`` are :func:`_rows` of ``frame`` when the caller
    already has them (the same for every date)."""
    rule_sets = rules_in_force(on)
    vec = evaluate_frame(frame, rule_sets, on=on)
    compared = 0
    if engine is not None:
        if table is None:
            with _loaded(engine, frame) as own:
                sql = screen_in_database(engine, rule_sets, on=on, table=own, details=True)
        else:
            sql = screen_in_database(engine, rule_sets, on=on, table=table, details=True)
        sql = sql.set_index("credit_code").loc[frame["credit_code"]]
        for rs in rule_sets:
            p = rs.programme
            assert np.array_equal(sql[p].to_numpy(), vec[p].state), f"SQL verdicts differ for {p}"
            for cid in rs.conditions:
                assert np.array_equal(sql[f"{p}__{cid}"].to_numpy(), vec[p].conditions[cid]), f"{p}.{cid} differs"
            compared += len(frame)
    if rows is None:
        rows = _rows(frame, rows_to_explain)
    assert len(rows) == (len(frame) if rows_to_explain is None else min(rows_to_explain, len(frame)))
    for i, row in enumerate(rows):
        for rs in rule_sets:
            v = explain(row, rs, on=on)
            assert v.state == STATE_NAMES[int(vec[rs.programme].state[i])], (rs.programme, i)
            for c in v.conditions:
                assert c.state == STATE_NAMES[int(vec[rs.programme].conditions[c.id][i])], (rs.programme, c.id, i)
    return compared


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory):
    from sqlalchemy import create_engine

    return create_engine(f"sqlite:///{tmp_path_factory.mktemp('agree') / 'registry.sqlite'}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records=st.lists(RECORD, min_size=1, max_size=12), on=st.sampled_from(ON_DATES))
def test_three_evaluators_agree_on_sqlite(records, on, sqlite_engine):
    _check_agreement(_frame(records), on, sqlite_engine)


def test_random_registry_agrees_on_sqlite(sqlite_engine):
    frame = _random_frame(3000, seed=7)
    rows = _rows(frame, 300)
    with _loaded(sqlite_engine, frame) as table:  # loaded once, screened on every date
        for on in ON_DATES:
            assert _check_agreement(frame, on, sqlite_engine, rows_to_explain=300, table=table,
                                    rows=rows) == 3000 * len(rules_in_force(on))
    # the draw reaches every state of every programme, so agreement is not vacuous
    vec = evaluate_frame(frame, rules_in_force(ON_DATES[1]), on=ON_DATES[1])
    seen = {p: set(np.unique(a.state).tolist()) for p, a in vec.items()}
    assert all(len(s) >= 2 for s in seen.values()), seen


@pytest.mark.postgres
def test_three_evaluators_agree_on_postgresql(pg_url):
    from sqlalchemy import create_engine

    engine = create_engine(pg_url)
    try:
        frame = _random_frame(2000, seed=11)
        rows = _rows(frame, 100)
        with _loaded(engine, frame) as table:  # loaded once, screened on every date
            for on in ON_DATES:
                assert _check_agreement(frame, on, engine, rows_to_explain=100, table=table,
                                        rows=rows) == 2000 * len(rules_in_force(on))
    finally:
        engine.dispose()


@pytest.mark.postgres
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records=st.lists(RECORD, min_size=1, max_size=10), on=st.sampled_from(ON_DATES))
def test_hypothesis_registries_agree_on_postgresql(records, on, pg_url):
    from sqlalchemy import create_engine

    engine = create_engine(pg_url)
    try:
        _check_agreement(_frame(records), on, engine)
    finally:
        engine.dispose()


def test_where_clause_selects_the_same_enterprises_as_the_vectorised_verdicts(sqlite_engine):
    from sqlalchemy import text

    from innodrive.enterprises.sqlgen import where_clause

    frame = _random_frame(1500, seed=3)
    on = ON_DATES[1]
    table = f"ent_where_{uuid.uuid4().hex[:8]}"
    load_registry(sqlite_engine, frame, table)
    vec = evaluate_frame(frame, rules_in_force(on), on=on)
    try:
        with sqlite_engine.connect() as conn:
            for rs in rules_in_force(on):
                for state, code in (("pass", 3), ("fail", 0), ("needs_data", 1)):
                    sql = f'SELECT credit_code FROM "{table}" WHERE {where_clause(rs, on=on, dialect="sqlite", state=state)}'
                    got = {r[0] for r in conn.execute(text(sql))}
                    want = set(frame["credit_code"][vec[rs.programme].state == code])
                    assert got == want, (rs.programme, state)
    finally:
        with sqlite_engine.begin() as conn:
            conn.execute(text(f'DROP TABLE "{table}"'))
