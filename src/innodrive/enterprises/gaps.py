"""Gap analysis: for an enterprise that fails, the least change that makes it qualify.

The office picks its 培育 candidates by how little they lack. Each rule set declares its
*levers* — inputs an enterprise can change (R&D spending, technical staff, high-tech
revenue, IP) with the fields that move along (hiring a technician raises the headcount
too). For every failing enterprise and every lever this module finds, by bisection over
whole steps (0.01 万元, one person, one patent), the smallest increase that turns the
verdict into ``pass`` or ``manual_review``, evaluating the rule set itself — so the answer
is exact for the rules in force, band edges included, with no separate algebra to drift.
It runs vectorised over all failing rows at once (about 30 evaluations per lever).

The result reads like "近三年研发费用占销售收入比例还差0.8个百分点，约需增加研发投入64万元":
the shortfall of each condition the change fixes, then the change in money or people.
Failed conditions no lever touches (size caps, accidents, missing titles) are reported as
blocking instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from innodrive.enterprises import expr as E
from innodrive.enterprises.explain import Gap, Row, Verdict, _trim, explain
from innodrive.enterprises.rules import Condition, RuleSet
from innodrive.enterprises.states import FAIL, MANUAL, STATE_NAMES
from innodrive.enterprises.vectorised import evaluate_arrays

MAX_STEPS = 2**40


@dataclass
class GapResult:
    options: dict[int, list[Gap]] = field(default_factory=dict)  # row position -> options
    within_reach: np.ndarray | None = None  # bool per row: a lever within the rule set's reach limits
    blocking: dict[int, list[str]] = field(default_factory=dict)


def _lever_fields(rs: RuleSet) -> set[str]:
    out: set[str] = set()
    for lv in rs.levers:
        out.add(lv.field)
        out.update(lv.also)
    return out


def _required_leaves(c: Condition) -> list[Condition]:
    """Leaves reached from ``c`` through "all of" nodes only: each must hold on every route."""
    if c.kind == "all":
        return [leaf for k in c.children for leaf in _required_leaves(k)]
    if c.kind == "any":
        return []
    return [c]


def _blocking_conditions(rs: RuleSet) -> list[Condition]:
    """Required test conditions no lever can satisfy: their inputs are untouched by every
    lever, or they are upper caps (levers only add): failing one cannot be fixed by
    investment (size caps, accidents, missing titles)."""
    movable = _lever_fields(rs)
    return [c for c in _required_leaves(rs.verdict)
            if c.kind == "test" and (not (E.fields_of(c.cmp) & movable) or c.cmp.op in ("<=", "<"))]


def _subject(rs: RuleSet, c: Condition) -> tuple[str, str | None]:
    """What a test measures and its unit: the derived value's or field's own label."""
    from innodrive.enterprises.fields import FIELDS

    a = c.cmp.a
    if isinstance(a, E.Named) and a.name in rs.value_meta:
        meta = rs.value_meta[a.name]
        return meta.label, c.unit or meta.unit
    if isinstance(a, E.Field) and a.name in FIELDS:
        f = FIELDS[a.name]
        return f.header, c.unit or ("ratio" if f.kind == "ratio" else f.unit)
    return c.label, c.unit


def _shortfall(rs: RuleSet, c: Condition, a: float, b: float) -> str | None:
    if np.isnan(a) or np.isnan(b):
        return None
    diff = (b - a) if c.cmp.op in (">=", ">") else (a - b)
    if diff <= 0:
        return None
    subject, unit = _subject(rs, c)
    if unit == "ratio":
        return f"{subject}还差{_trim(diff * 100, 2)}个百分点"
    if unit in ("万元", "人", "项", "件", "年"):
        return f"{subject}还差{_trim(diff, 2)}{unit}"
    if unit == "multiple":
        return f"{subject}还差{_trim(diff, 4)}倍"
    return None


def analyse(cols: dict[str, np.ndarray], n: int, rs: RuleSet, *, on: dt.date,
            state: np.ndarray | None = None, rows: np.ndarray | None = None) -> GapResult:
    """Gap options for the failing rows (or ``rows``) of one programme.

    ``cols`` are the registry's float64 columns; ``state`` the verdict codes if already known.
    """
    if state is None:
        state = evaluate_arrays(cols, n, [rs], on=on)[rs.programme].state
    idx = np.flatnonzero(state == FAIL) if rows is None else rows[state[rows] == FAIL]
    result = GapResult(within_reach=np.zeros(n, dtype=bool))
    if len(idx) == 0:
        return result
    sub = {k: v[idx] for k, v in cols.items()}
    m = len(idx)
    base = evaluate_arrays(sub, m, [rs], on=on)[rs.programme]
    memo: dict = {"ctx": E.context_for(on)}
    # blocking reasons ---------------------------------------------------------------------
    for c in _blocking_conditions(rs):
        failed = np.flatnonzero(base.conditions[c.id] == FAIL)
        for j in failed:
            result.blocking.setdefault(int(idx[j]), []).append(c.label)
    # each lever -----------------------------------------------------------------------------
    for lv in rs.levers:
        if lv.field not in sub:
            continue
        start = sub[lv.field]
        limit = E.vector(lv.max_delta, sub, m, memo)
        with np.errstate(invalid="ignore"):
            k_max = np.floor(np.nan_to_num(limit, nan=0.0) / lv.step + 1e-9)
        k_max = np.clip(k_max, 0, MAX_STEPS).astype(np.int64)
        usable = ~np.isnan(start) & (k_max > 0)

        def ok_at(k: np.ndarray, rows_: np.ndarray, _lv=lv) -> tuple[np.ndarray, object]:
            moved = {key: val[rows_] for key, val in sub.items()}
            delta = k.astype(np.float64) * _lv.step
            for f in (_lv.field, *_lv.also):
                if f in moved:
                    moved[f] = moved[f] + delta
            res = evaluate_arrays(moved, len(rows_), [rs], on=on)[rs.programme]
            return res.state >= MANUAL, res

        cand = np.flatnonzero(usable)
        if len(cand) == 0:
            continue
        feasible, _ = ok_at(k_max[cand], cand)
        cand = cand[feasible]
        if len(cand) == 0:
            continue
        lo = np.zeros(len(cand), dtype=np.int64)  # known to fail
        hi = k_max[cand].copy()  # known to succeed
        while True:
            open_ = hi - lo > 1
            if not open_.any():
                break
            mid = (lo + hi) // 2
            sel = np.flatnonzero(open_)
            good, _ = ok_at(mid[sel], cand[sel])
            hi[sel[good]] = mid[sel[good]]
            lo[sel[~good]] = mid[sel[~good]]
        _, after = ok_at(hi, cand)
        delta = hi.astype(np.float64) * lv.step
        reach = rs.reach.get(lv.field)
        for j, row_in_sub in enumerate(cand):
            fixes, shortfalls = [], []
            for c in rs.conditions.values():
                if c.kind not in ("test", "score"):
                    continue
                if base.conditions[c.id][row_in_sub] == FAIL and after.conditions[c.id][j] != FAIL:
                    fixes.append(c.label)
                    if c.kind == "test":
                        a = E.vector(c.cmp.a, sub, m, memo)[row_in_sub]
                        b = E.vector(c.cmp.b, sub, m, memo)[row_in_sub]
                        s = _shortfall(rs, c, a, b)
                        if s:
                            shortfalls.append(s)
                    else:
                        lo_s, hi_s, _miss = base.scores[c.score.id]
                        lo_v, hi_v = lo_s[row_in_sub], hi_s[row_in_sub]
                        now = f"{_trim(hi_v, 2)}分" if lo_v == hi_v else f"至多{_trim(hi_v, 2)}分"
                        if c.op == ">=":
                            shortfalls.append(f"{c.score.label}{now}，还差{_trim(c.threshold - hi_v, 2)}分")
                        else:
                            shortfalls.append(f"{c.score.label}{now}，须高于{_trim(c.threshold, 2)}分")
            amount = _trim(delta[j], 2)
            head = "，".join(shortfalls) if shortfalls else f"{rs.title}尚未达到要求"
            reached = STATE_NAMES[int(after.state[j])]
            tail = "（仍需人工审核）" if reached == "manual_review" else ""
            text = f"{head}，约需增加{lv.label}{amount}{lv.unit}{tail}"
            row = int(idx[row_in_sub])
            result.options.setdefault(row, []).append(Gap(
                field=lv.field, label=lv.label, unit=lv.unit, delta=float(delta[j]), reached_state=reached,
                fixes=fixes, text=text))
            if reach is not None and delta[j] <= reach:
                result.within_reach[row] = True
    for opts in result.options.values():
        opts.sort(key=lambda g: (g.unit, g.delta))
    return result


def explain_with_gaps(row: Row, rs: RuleSet, *, on: dt.date) -> Verdict:
    """The explained verdict of one enterprise, with gap options when it fails."""
    v = explain(row, rs, on=on)
    if v.state != "fail":
        return v
    cols = {k: np.array([np.nan if val is None else float(val)]) for k, val in row.items()}
    g = analyse(cols, 1, rs, on=on, state=np.array([FAIL], dtype=np.int8))
    v.gaps = g.options.get(0, [])
    v.blocking = g.blocking.get(0, [])
    return v
