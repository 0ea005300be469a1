"""The shortcuts of a screening give what the plain forms give: a block evaluated in one
piece (its walk's arrays kept as the results) against the same rows evaluated in many
small pieces and assembled; the gap search's lazily taken conditions against taking
them all; rows a lever cannot help left out against searching them (the whole-rule-set
search, ``reference=True``, is compared in test_gaps)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from innodrive.enterprises import vectorised
from innodrive.enterprises.rules import all_rule_sets, rules_in_force
from innodrive.enterprises.vectorised import columns_of, evaluate_arrays


def _synthetic(n: int, seed: int):
    path = Path(__file__).resolve().parents[2] / "bench" / "_synthetic_enterprises.py"
    spec = importlib.util.spec_from_file_location("_synthetic_enterprises", path)
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    return columns_of(synthetic.synthetic_registry(n, seed=seed).drop(columns=["credit_code"]))


@pytest.mark.parametrize("seed", [3, 17])
def test_one_block_evaluation_equals_many_small_blocks(monkeypatch, seed):
    """Every state, condition and score of every bundled rule set version, for a random
    registry evaluated in one block and in blocks of 37 rows (the copying path); also
    when several versions of a programme are evaluated in one call (the later one's
    states, the conditions of both)."""
    cols, n = _synthetic(400, seed)
    for on in sorted({rs.effective_from for rs in all_rule_sets()}):
        for sets in (rules_in_force(on), [rs for rs in all_rule_sets() if rs.effective_from <= on]):
            whole = evaluate_arrays(cols, n, sets, on=on)
            monkeypatch.setattr(vectorised, "CHUNK", 37)
            pieces = evaluate_arrays(cols, n, sets, on=on)
            monkeypatch.setattr(vectorised, "CHUNK", 1 << 16)
            for rs in sets:
                a, b = whole[rs.programme], pieces[rs.programme]
                assert a.state.tolist() == b.state.tolist(), rs.key
                assert a.state is not a.conditions.get(rs.verdict.id)  # the verdict's states are the caller's own
                assert sorted(a.conditions) == sorted(b.conditions), rs.key
                for cid in a.conditions:
                    assert a.conditions[cid].tolist() == b.conditions[cid].tolist(), (rs.key, cid)
                assert sorted(a.scores) == sorted(b.scores), rs.key
                for sid in a.scores:
                    for x, y in zip(a.scores[sid], b.scores[sid], strict=True):
                        assert np.array_equal(x, y, equal_nan=True), (rs.key, sid)


def test_lazily_taken_rows_are_the_rows_taken_at_once():
    """The gap search takes the evaluation's arrays at the failing rows on first use: the
    same arrays as taking every one of them up front, conditions and score triples."""
    from innodrive.enterprises.gaps import _AtRows

    cols, n = _synthetic(300, 5)
    rng = np.random.default_rng(5)
    for rs in all_rule_sets():
        pa = evaluate_arrays(cols, n, [rs], on=rs.effective_from)[rs.programme]
        idx = np.sort(rng.choice(n, size=int(rng.integers(1, n)), replace=False))
        conds, scores = _AtRows(pa.conditions, idx), _AtRows(pa.scores, idx)
        assert set(conds) == set(pa.conditions) and len(scores) == len(pa.scores)
        for cid in rng.permutation(list(pa.conditions)).tolist():
            assert cid in conds and conds[cid].tolist() == pa.conditions[cid][idx].tolist()
            assert conds[cid] is conds[cid]  # taken once
        for sid, (lo, hi, miss) in pa.scores.items():
            got = scores[sid]
            assert np.array_equal(got[0], lo[idx], equal_nan=True) and np.array_equal(got[1], hi[idx], equal_nan=True)
            assert got[2].tolist() == miss[idx].tolist()
        assert "no such condition" not in conds


def test_hopeless_rows_are_those_whose_search_never_passes():
    """A row left out of a lever's search because a required condition the lever cannot
    move fails is one for which the lever's largest allowed change does not pass either
    (so the whole search would not have kept it)."""
    from innodrive.enterprises import expr as E
    from innodrive.enterprises.gaps import _gap_fields, _Stepper
    from innodrive.enterprises.states import FAIL, MANUAL

    cols, n = _synthetic(400, 23)
    seen = 0
    for rs in all_rule_sets():
        on = rs.effective_from
        pa = evaluate_arrays(cols, n, [rs], on=on)[rs.programme]
        idx = np.flatnonzero(pa.state == FAIL)
        if not len(idx):
            continue
        sub = {k: cols[k][idx] for k in _gap_fields(rs) if k in cols}
        memo = {"ctx": E.context_for(on)}
        conds = {cid: v[idx] for cid, v in pa.conditions.items()}
        scores = {sid: tuple(a[idx] for a in v) for sid, v in pa.scores.items()}
        for lv in rs.levers:
            if lv.field not in sub:
                continue
            stepper = _Stepper(rs, sub, len(idx), lv, memo, conds, scores)
            hopeless = np.flatnonzero(stepper.hopeless())
            if not len(hopeless):
                continue
            seen += len(hopeless)
            for k in (1, 10**3, 10**9):  # small and very large changes
                moved = {key: val[hopeless] for key, val in sub.items()}
                for f in (lv.field, *lv.also):
                    if f in moved:
                        moved[f] = moved[f] + k * lv.step
                after = evaluate_arrays(moved, len(hopeless), [rs], on=on)[rs.programme].state
                assert not (after >= MANUAL).any(), (rs.key, lv.field, k)
    assert seen > 100, seen


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_column_of_texts_only_is_written_as_csv_writer_writes(seed):
    """A column with a text in every cell (names, credit codes: mostly distinct) is
    encoded in one piece without grouping equal cells: the bytes ``csv.writer`` writes
    for its :func:`safe_column` cells, edge texts (formulas, quotes, commas, line
    breaks, control characters, overlong cells) among plain ones included."""
    import csv
    import io

    from tests.enterprises.test_fast_paths import EDGE_TEXTS

    from innodrive.enterprises.stream import csv_column, safe_column

    rng = np.random.default_rng(seed)
    plain = [f"企业{i}号{'甲乙丙'[i % 3]}" for i in rng.integers(0, 10**6, 2000).tolist()]
    risky = [EDGE_TEXTS[i] for i in rng.integers(0, len(EDGE_TEXTS), int(rng.integers(0, 6)))]
    cells = plain + risky
    rng.shuffle(cells)
    values = np.array(cells, dtype=object)
    buf = io.StringIO()
    csv.writer(buf).writerows([[v, "x"] for v in safe_column(values).tolist()])
    assert "".join(f"{g.decode()},x\r\n" for g in csv_column(values)) == buf.getvalue()
