"""The vectorised evaluator: every enterprise of a registry at once, in NumPy.

The same rule tree as :mod:`.explain`, evaluated column-wise: values are float64 arrays
with NaN for unknown, states are int8 arrays (0 fail, 1 needs_data, 2 manual_review,
3 pass), score items are ``(lo, hi, missing)`` arrays. Sub-expressions shared by many
conditions are computed once (the memo is keyed by node identity), which is what keeps
a province-scale registry within a couple of seconds on one core.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from innodrive.enterprises import expr as E
from innodrive.enterprises.fields import NUMERIC_FIELDS
from innodrive.enterprises.rules import Condition, RuleSet, Score
from innodrive.enterprises.states import FAIL, MANUAL, NEEDS_DATA, PASS


@dataclass
class ProgrammeArrays:
    """Everything the vectorised walk computed for one programme."""

    rule: RuleSet
    state: np.ndarray
    conditions: dict[str, np.ndarray] = field(default_factory=dict)
    scores: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)


def columns_of(frame) -> tuple[dict[str, np.ndarray], int]:
    """NumPy float64 columns of the numeric fields present in a DataFrame (or a dict)."""
    if isinstance(frame, dict):
        cols = {k: np.asarray(v, dtype=np.float64) for k, v in frame.items() if k in NUMERIC_FIELDS}
        n = len(next(iter(cols.values()))) if cols else 0
        return cols, n
    cols = {c: frame[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in frame.columns if c in NUMERIC_FIELDS}
    return cols, len(frame)


class _VWalker:
    def __init__(self, rs: RuleSet, cols: dict[str, np.ndarray], n: int, memo: dict) -> None:
        self.rs, self.cols, self.n, self.memo = rs, cols, n, memo
        self.scores: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.conds: dict[str, np.ndarray] = {}

    def num(self, node: E.Node) -> np.ndarray:
        return E.vector(node, self.cols, self.n, self.memo)

    def score(self, s: Score):
        hit = self.scores.get(s.id)
        if hit is not None:
            return hit
        n = self.n
        if s.kind == "band":
            x = self.num(s.x)
            lo = np.full(n, s.default[0])
            hi = np.full(n, s.default[1])
            done = np.zeros(n, dtype=bool)
            for op, edge, slo, shi in s.steps:
                m = E._np_cmp(op, x, edge) & ~done
                lo[m] = slo
                hi[m] = shi
                done |= m
            miss = np.isnan(x)
            lo[miss] = s.lo_bound
            hi[miss] = s.hi_bound
        elif s.kind == "judged":
            lo, hi, miss = np.zeros(n), np.full(n, s.max), np.zeros(n, dtype=bool)
        else:
            parts = [self.score(c) for c in s.children]
            if s.kind == "best":
                lo = parts[0][0].copy()
                hi = parts[0][1].copy()
                for p in parts[1:]:
                    np.maximum(lo, p[0], out=lo)
                    np.maximum(hi, p[1], out=hi)
            else:
                lo = parts[0][0].copy()
                hi = parts[0][1].copy()
                for p in parts[1:]:
                    lo += p[0]
                    hi += p[1]
                if s.cap is not None:
                    np.minimum(lo, s.cap, out=lo)
                    np.minimum(hi, s.cap, out=hi)
            miss = parts[0][2].copy()
            for p in parts[1:]:
                miss |= p[2]
        gfield = s.field if s.kind == "judged" else s.given
        if gfield:
            g = self.cols.get(gfield)
            if g is not None:
                known = ~np.isnan(g)
                if known.any():
                    lo, hi, miss = lo.copy(), hi.copy(), miss.copy()
                    lo[known] = g[known]
                    hi[known] = g[known]
                    miss[known] = False
        out = (lo, hi, miss)
        self.scores[s.id] = out
        return out

    def cond(self, c: Condition) -> np.ndarray:
        hit = self.conds.get(c.id)
        if hit is not None:
            return hit
        if c.kind == "test":
            a, b = self.num(c.cmp.a), self.num(c.cmp.b)
            ok = E._np_cmp(c.cmp.op, a, b)
            st = np.where(ok, np.int8(c.on_true), np.int8(c.on_false)).astype(np.int8)
            st[np.isnan(a) | np.isnan(b)] = c.on_missing
        elif c.kind == "score":
            lo, hi, miss = self.score(c.score)
            t = c.threshold
            ok_lo = lo >= t if c.op == ">=" else lo > t
            ok_hi = hi >= t if c.op == ">=" else hi > t
            st = np.where(miss, np.int8(NEEDS_DATA), np.int8(MANUAL)).astype(np.int8)
            st[~ok_hi] = FAIL
            st[ok_lo] = PASS
        else:
            kids = [self.cond(k) for k in c.children]
            st = kids[0].copy()
            for k in kids[1:]:
                if c.kind == "all":
                    np.minimum(st, k, out=st)
                else:
                    np.maximum(st, k, out=st)
        self.conds[c.id] = st
        return st


def evaluate_arrays(cols: dict[str, np.ndarray], n: int, rule_sets: list[RuleSet], *, on: dt.date,
                    keep_details: bool = True) -> dict[str, ProgrammeArrays]:
    """Evaluate each rule set over ``n`` enterprises given as float64 columns."""
    memo: dict = {"ctx": E.context_for(on)}
    out: dict[str, ProgrammeArrays] = {}
    for rs in rule_sets:
        w = _VWalker(rs, cols, n, memo)
        state = w.cond(rs.verdict)
        pa = ProgrammeArrays(rule=rs, state=state)
        if keep_details:
            pa.conditions = w.conds
            pa.scores = w.scores
        out[rs.programme] = pa
    return out


def evaluate_frame(frame, rule_sets: list[RuleSet], *, on: dt.date, keep_details: bool = True
                   ) -> dict[str, ProgrammeArrays]:
    """Evaluate a registry DataFrame (canonical field names as columns)."""
    cols, n = columns_of(frame)
    return evaluate_arrays(cols, n, rule_sets, on=on, keep_details=keep_details)
