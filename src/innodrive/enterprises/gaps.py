"""Gap analysis: for an enterprise that fails, the least change that makes it qualify.

The office picks its 培育 candidates by how little they lack. Each rule set declares its
*levers* — inputs an enterprise can change (R&D spending, technical staff, high-tech
revenue, IP) with the fields that move along (hiring a technician raises the headcount
too). For every failing enterprise and every lever this module finds, by bisection over
whole steps (0.01 万元, one person, one patent), the smallest increase that turns the
verdict into ``pass`` or ``manual_review``, evaluating the rule set itself — so the answer
is exact for the rules in force, band edges included, with no separate algebra to drift.
It runs vectorised over all failing rows at once (about 30 steps per lever); a step
re-evaluates only the part of the rule tree the lever's fields reach, on the rows whose
answer is still open, and takes everything else from the screening's own evaluation.

The result reads like "近三年研发费用占销售收入比例还差0.8个百分点，约需增加研发投入64万元":
the shortfall of each condition the change fixes, then the change in money or people.
Failed conditions no lever touches (size caps, accidents, missing titles) are reported as
blocking instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from innodrive.enterprises import expr as E
from innodrive.enterprises.explain import Gap, Row, Verdict, _trim, explain
from innodrive.enterprises.rules import Condition, RuleSet
from innodrive.enterprises.states import FAIL, MANUAL, STATE_NAMES
from innodrive.enterprises.vectorised import ProgrammeArrays, _VWalker, evaluate_arrays

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


def _required_nodes(c: Condition) -> list[Condition]:
    """``c`` and every condition reached from it through "all of" nodes only (a choice of
    routes counts as one node): each must hold for ``c`` to hold."""
    if c.kind == "all":
        return [c, *(x for k in c.children for x in _required_nodes(k))]
    return [c]


def _unmovable_tests(rs: RuleSet) -> list[Condition]:
    """Required tests (see :func:`_required_leaves`) that read no field any lever moves."""
    movable = _lever_fields(rs)
    return [c for c in _required_leaves(rs.verdict) if c.kind == "test" and not (E.fields_of(c.cmp) & movable)]


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


def _shortfalls(rs: RuleSet, c: Condition, a: list[float], b: list[float]) -> list[str | None]:
    """``[_shortfall(rs, c, x, y) for x, y in zip(a, b)]`` for the rows a lever turns:
    the subject looked up once per condition and each distinct difference written once."""
    subject, unit = _subject(rs, c)
    if unit == "ratio":
        scale, digits, tail = 100, 2, "个百分点"
    elif unit in ("万元", "人", "项", "件", "年"):
        scale, digits, tail = None, 2, unit
    elif unit == "multiple":
        scale, digits, tail = None, 4, "倍"
    else:
        return [None] * len(a)
    upper = c.cmp.op in (">=", ">")
    head = f"{subject}还差"
    seen: dict[float, str] = {}
    out: list[str | None] = []
    for x, y in zip(a, b, strict=True):
        if x != x or y != y:  # unknown
            out.append(None)
            continue
        diff = (y - x) if upper else (x - y)
        if diff <= 0:
            out.append(None)
            continue
        v = diff * scale if scale is not None else diff
        text = seen.get(v)
        if text is None:
            text = seen[v] = f"{head}{_trim(v, digits)}{tail}"
        out.append(text)
    return out


def _gap_fields(rs: RuleSet) -> set[str]:
    """Every field the search reads: the rule set's, the levers' and their limits'."""
    out = set(rs.fields) | _lever_fields(rs)
    for lv in rs.levers:
        E.fields_of(lv.max_delta, out)
    return out


@dataclass
class LeverOptions:
    """One lever's answers for the rows it can turn (positions in the registry)."""

    lever: object
    rows: np.ndarray  # row positions
    delta: np.ndarray  # float64 change
    reached: np.ndarray  # int8 state reached
    texts: list[str]
    fixes: list[list[str]] | None  # per row, conditions it turns (only when asked)


@dataclass
class GapArrays:
    """The gap search of one programme as arrays: per lever its options, per blocking
    condition the rows it blocks, and the rows within the rule set's reach limits."""

    levers: list[LeverOptions]
    blocking: list[tuple[str, np.ndarray]]  # (condition label, row positions)
    within_reach: np.ndarray


def search(cols: dict[str, np.ndarray], n: int, rs: RuleSet, *, on: dt.date, state: np.ndarray | None = None,
           rows: np.ndarray | None = None, with_fixes: bool = False, reference: bool = False,
           arrays: ProgrammeArrays | None = None) -> GapArrays:
    """The gap search over the failing rows (or ``rows``) of one programme, vectorised:
    only the fields the rule set and its levers read are copied per search step, and the
    sentences are built per condition over all rows it concerns.

    Each bisection step re-evaluates only what the lever moves (:class:`_Stepper`);
    ``reference=True`` evaluates the whole rule set at every step instead (the answers
    are the same: tested). ``arrays`` is the evaluation of all ``n`` rows with its
    details, if already made: its conditions and scores are reused for the failing rows."""
    if state is None:
        state = evaluate_arrays(cols, n, [rs], on=on)[rs.programme].state
    idx = np.flatnonzero(state == FAIL) if rows is None else rows[state[rows] == FAIL]
    result = GapArrays(levers=[], blocking=[], within_reach=np.zeros(n, dtype=bool))
    if len(idx) == 0:
        return result
    m = len(idx)
    memo: dict = {"ctx": E.context_for(on)}
    sub: dict[str, np.ndarray] | None = None
    if arrays is not None:  # the evaluation's own conditions and scores, for the failing rows
        base_conds = _AtRows(arrays.conditions, idx)
        base_scores = _AtRows(arrays.scores, idx)
    else:
        sub = {k: cols[k][idx] for k in _gap_fields(rs) if k in cols}
        walk = _VWalker(rs, sub, m, memo)
        walk.cond(rs.verdict)
        base_conds, base_scores = walk.conds, walk.scores
    # blocking reasons ---------------------------------------------------------------------
    for c in _blocking_conditions(rs):
        failed = np.flatnonzero(base_conds[c.id] == FAIL)
        if len(failed):
            result.blocking.append((c.label, idx[failed]))
    if arrays is not None and not reference:
        # a row failing a required test that reads nothing any lever moves can never
        # pass (see _Stepper.hopeless): the levers search the other rows only
        stuck = np.zeros(m, dtype=bool)
        for c in _unmovable_tests(rs):
            stuck |= base_conds[c.id] == FAIL
        if stuck.any():
            idx = idx[~stuck]
            m = len(idx)
            base_conds, base_scores = _AtRows(arrays.conditions, idx), _AtRows(arrays.scores, idx)
    if sub is None:
        sub = {k: cols[k][idx] for k in _gap_fields(rs) if k in cols}
    if m == 0:
        return result
    tests = [c for c in rs.conditions.values() if c.kind in ("test", "score")]
    # each lever -----------------------------------------------------------------------------
    for lv in rs.levers:
        if lv.field not in sub:
            continue
        start = sub[lv.field]
        limit = E.vector(lv.max_delta, sub, m, memo)
        with np.errstate(invalid="ignore", over="ignore"):  # an absurd amount is capped at MAX_STEPS below
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

        stepper = None
        if reference:
            passes = lambda k, rows_, _ok=ok_at: _ok(k, rows_)[0]  # noqa: E731
        else:
            stepper = _Stepper(rs, sub, m, lv, memo, base_conds, base_scores)
            passes = stepper.passes

        cand = np.flatnonzero(usable)
        if stepper is not None and len(cand):  # rows a condition the lever cannot move keeps failing
            cand = cand[~stepper.hopeless()[cand]]
        if len(cand) == 0:
            continue
        feasible = passes(k_max[cand], cand)
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
            good = passes(mid[sel], cand[sel])
            hi[sel[good]] = mid[sel[good]]
            lo[sel[~good]] = mid[sel[~good]]
        if stepper is None:
            _, after = ok_at(hi, cand)
            states, after_conds = after.state, after.conditions
        else:  # the same states and conditions, re-evaluating only what the lever moves
            states, after_conds = stepper.evaluate(hi, cand)
        delta = hi.astype(np.float64) * lv.step
        k = len(cand)
        shortfalls = np.full(k, "", dtype=object)
        fixes: list[list[str]] | None = [[] for _ in range(k)] if with_fixes else None
        for c in tests:
            after = after_conds.get(c.id)
            if after is None:  # a condition the lever does not move (see _Stepper.evaluate): none turned
                continue
            turned = np.flatnonzero((base_conds[c.id][cand] == FAIL) & (after != FAIL))
            if not len(turned):
                continue
            if fixes is not None:
                for j in turned:
                    fixes[j].append(c.label)
            rows_in_sub = cand[turned]
            if c.kind == "test":
                a = E.vector(c.cmp.a, sub, m, memo)[rows_in_sub]
                b = E.vector(c.cmp.b, sub, m, memo)[rows_in_sub]
                words = _shortfalls(rs, c, a.tolist(), b.tolist())
            else:
                lo_s, hi_s, _miss = base_scores[c.score.id]
                words = []
                for lo_v, hi_v in zip(lo_s[rows_in_sub].tolist(), hi_s[rows_in_sub].tolist(), strict=True):
                    now = f"{_trim(hi_v, 2)}分" if lo_v == hi_v else f"至多{_trim(hi_v, 2)}分"
                    if c.op == ">=":
                        words.append(f"{c.score.label}{now}，还差{_trim(c.threshold - hi_v, 2)}分")
                    else:
                        words.append(f"{c.score.label}{now}，须高于{_trim(c.threshold, 2)}分")
            for j, w in zip(turned.tolist(), words, strict=True):
                if w:
                    shortfalls[j] = f"{shortfalls[j]}，{w}" if shortfalls[j] else w
        tail_manual = "（仍需人工审核）"
        amounts: dict[float, str] = {}  # each distinct change written once
        for d in set(delta.tolist()):
            amounts[d] = _trim(d, 2)
        texts = [f"{head or rs.title + '尚未达到要求'}，约需增加{lv.label}{amounts[d]}{lv.unit}"
                 f"{tail_manual if st == MANUAL else ''}"
                 for head, d, st in zip(shortfalls.tolist(), delta.tolist(), states.tolist(), strict=True)]
        result.levers.append(LeverOptions(lever=lv, rows=idx[cand], delta=delta, reached=states.copy(), texts=texts,
                                          fixes=fixes))
        reach = rs.reach.get(lv.field)
        if reach is not None:
            result.within_reach[idx[cand][delta <= reach]] = True
    return result


class _AtRows(Mapping):
    """Arrays of a whole evaluation (conditions, or scores as (lo, hi, missing)) taken
    at the rows ``idx``, each on first use: a gap search reads a few of a programme's
    conditions and scores, and gathering all of them for every failing row was a
    tenth of the search."""

    def __init__(self, source: dict, idx: np.ndarray) -> None:
        self.source, self.idx, self.taken = source, idx, {}

    def __getitem__(self, key):
        hit = self.taken.get(key)
        if hit is None:
            v = self.source[key]
            hit = self.taken[key] = tuple(a[self.idx] for a in v) if isinstance(v, tuple) else v[self.idx]
        return hit

    def __contains__(self, key) -> bool:
        return key in self.source

    def __iter__(self):
        return iter(self.source)

    def __len__(self) -> int:
        return len(self.source)


def _node_fields(rs: RuleSet) -> dict[int, frozenset[str]]:
    """The fields each formula node of ``rs`` reads, by node identity (kept on the rule
    set, whose nodes live as long as it does)."""
    cache = rs.__dict__.get("_node_fields")
    if cache is None:
        cache = rs.__dict__["_node_fields"] = {}
    return cache


class _Stepper:
    """The verdicts of rows after a lever's change, re-evaluating only what it moves.

    A bisection step changes the lever's fields and nothing else, so every condition,
    score and sub-expression that reads none of them keeps the value it had before the
    change. Those are computed once over the candidate rows (with the same walker as
    every evaluation) and each step gathers them for the rows still open, evaluating
    the rest of the tree on the moved fields only. Every operation is element-wise, so
    a row's values do not depend on which rows are evaluated with it: the states are
    those a whole evaluation gives."""

    def __init__(self, rs: RuleSet, sub: dict[str, np.ndarray], m: int, lv, memo: dict,
                 base_conds: dict[str, np.ndarray], base_scores: dict[str, tuple]) -> None:
        self.rs, self.sub, self.m, self.lv, self.ctx = rs, sub, m, lv, memo["ctx"]
        self.moved = [f for f in dict.fromkeys((lv.field, *lv.also)) if f in sub]
        moved = set(self.moved)
        reads = _node_fields(rs)

        def dep(node: E.Node) -> bool:
            hit = reads.get(id(node))
            if hit is None:
                hit = reads[id(node)] = frozenset(E.fields_of(node))
            return not hit.isdisjoint(moved)

        def sdep(s) -> bool:
            if s.kind == "band":
                return dep(s.x) or s.given in moved
            if s.kind == "judged":
                return s.field in moved
            return s.given in moved or any(sdep(k) for k in s.children)

        def cdep(c: Condition) -> bool:
            if c.kind == "test":
                return dep(c.cmp)
            if c.kind == "score":
                return sdep(c.score)
            return any(cdep(k) for k in c.children)

        conds = {c.id: c for c in rs.conditions.values()}
        conds.setdefault(rs.verdict.id, rs.verdict)
        for c in rs.verdict.walk():
            conds.setdefault(c.id, c)
        # every condition and score the verdict reaches was evaluated (all of them are walked)
        self.base_conds, self.base_scores = base_conds, base_scores
        self.fixed_conds = {cid for cid, c in conds.items() if cid in base_conds and not cdep(c)}
        scores = {s.id: s for s in rs.scores.values()}
        for c in conds.values():
            if c.kind == "score":
                for s in c.score.walk():
                    scores.setdefault(s.id, s)
        self.fixed_scores = {sid for sid, s in scores.items() if sid in base_scores and not sdep(s)}
        # fields the moving part of the tree reads directly: the moved ones, and what a
        # moving score takes as given
        self.fields = list(self.moved)
        for s in scores.values():
            if sdep(s) and s.kind != "judged" and s.given and s.given in sub and s.given not in self.fields:
                self.fields.append(s.given)
        # fixed sub-expressions the moving ones read (the frontier): gathered per step
        frontier: dict[int, E.Node] = {}

        def visit(node: E.Node) -> None:
            if not dep(node):
                frontier[id(node)] = node
            elif isinstance(node, E.Bin | E.Cmp):
                visit(node.a)
                visit(node.b)
            elif isinstance(node, E.Neg):
                visit(node.a)
            elif isinstance(node, E.Call):
                for a in node.args:
                    visit(a)
            elif isinstance(node, E.Band):
                visit(node.x)
            elif isinstance(node, E.Named):
                visit(node.node)

        for c in conds.values():
            if c.kind == "test" and cdep(c):
                visit(c.cmp.a)
                visit(c.cmp.b)
        for s in scores.values():
            if s.kind == "band" and sdep(s):
                visit(s.x)
        self.frontier = [(key, E.vector(node, sub, m, memo)) for key, node in frontier.items()
                         if not isinstance(node, E.Const | E.Ctx)]

    def hopeless(self) -> np.ndarray:
        """Per candidate row, whether a condition every route requires (reached from the
        verdict through "all of" only) fails and reads nothing the lever moves: the
        verdict is the least of those conditions, so no change of the lever makes the row
        pass, and its search would only confirm that (the rows are left out; the plain
        search, ``reference=True``, tries them and finds the same)."""
        out = np.zeros(self.m, dtype=bool)
        for c in _required_nodes(self.rs.verdict):
            if c.id in self.fixed_conds:
                out |= self.base_conds[c.id] == FAIL
        return out

    def _walk(self, k: np.ndarray, rows: np.ndarray) -> tuple[_StepWalker, np.ndarray]:
        delta = k.astype(np.float64) * self.lv.step
        cols = {f: self.sub[f][rows] for f in self.fields}
        for f in self.moved:
            cols[f] = cols[f] + delta
        memo: dict = {"ctx": self.ctx}
        for key, val in self.frontier:
            memo[key] = val[rows]
        w = _StepWalker(self.rs, cols, len(rows), memo, self, rows)
        return w, w.cond(self.rs.verdict)

    def passes(self, k: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Whether each of ``rows`` (positions in the candidate columns) reaches pass or
        manual review after ``k`` steps of the lever."""
        return self._walk(k, rows)[1] >= MANUAL

    def evaluate(self, k: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The states of ``rows`` after ``k`` steps and of the conditions the walk
        evaluated — what a whole evaluation of the moved rows gives for them. A
        condition left out is one the lever does not move (:attr:`fixed_conds`): its
        states are those before the change (``base_conds`` at ``rows``), so it turns
        nothing and is not gathered."""
        w, state = self._walk(k, rows)
        return state, dict(w.conds)


class _StepWalker(_VWalker):
    """The vectorised walker over moved rows: fixed conditions and scores are gathered."""

    def __init__(self, rs, cols, n, memo, stepper: _Stepper, rows: np.ndarray) -> None:
        super().__init__(rs, cols, n, memo)
        self.stepper, self.rows = stepper, rows

    def cond(self, c: Condition) -> np.ndarray:
        if c.id not in self.stepper.fixed_conds:
            return super().cond(c)
        hit = self.conds.get(c.id)
        if hit is None:
            hit = self.conds[c.id] = self.stepper.base_conds[c.id][self.rows]
        return hit

    def score(self, s):
        if s.id not in self.stepper.fixed_scores:
            return super().score(s)
        hit = self.scores.get(s.id)
        if hit is None:
            base = self.stepper.base_scores[s.id]
            lo = base[0][self.rows]
            hi = lo if base[1] is base[0] else base[1][self.rows]
            hit = self.scores[s.id] = (lo, hi, base[2][self.rows])
        return hit


def analyse(cols: dict[str, np.ndarray], n: int, rs: RuleSet, *, on: dt.date,
            state: np.ndarray | None = None, rows: np.ndarray | None = None) -> GapResult:
    """Gap options for the failing rows (or ``rows``) of one programme, as :class:`Gap`
    objects per row (the explanation of one enterprise; bulk output uses :func:`advice`).

    ``cols`` are the registry's float64 columns; ``state`` the verdict codes if already known.
    """
    g = search(cols, n, rs, on=on, state=state, rows=rows, with_fixes=True)
    result = GapResult(within_reach=g.within_reach)
    for label, where in g.blocking:
        for row in where.tolist():
            result.blocking.setdefault(row, []).append(label)
    for lo in g.levers:
        lv = lo.lever
        for j, row in enumerate(lo.rows.tolist()):
            result.options.setdefault(row, []).append(Gap(
                field=lv.field, label=lv.label, unit=lv.unit, delta=float(lo.delta[j]),
                reached_state=STATE_NAMES[int(lo.reached[j])], fixes=lo.fixes[j], text=lo.texts[j]))
    for opts in result.options.values():
        opts.sort(key=lambda g: (g.unit, g.delta))
    return result


def advice(cols: dict[str, np.ndarray], n: int, rs: RuleSet, *, on: dt.date,
           state: np.ndarray | None = None, arrays: ProgrammeArrays | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the 培育建议 cell (the options by unit and size joined by "；或 ", then what
    no investment can fix) and whether a lever is within reach — the same text as
    :func:`analyse` gives, built for every row at once."""
    codes, texts, within = advice_coded(cols, n, rs, on=on, state=state, arrays=arrays)
    return texts[codes], within


def advice_coded(cols: dict[str, np.ndarray], n: int, rs: RuleSet, *, on: dt.date, state: np.ndarray | None = None,
                 arrays: ProgrammeArrays | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`advice` as a code per row into a few texts, and the within-reach flags. A
    row without options says only what blocks it, which many rows share: those texts
    are built once per set of blocking conditions; a row with options gets its own."""
    g = search(cols, n, rs, on=on, state=state, arrays=arrays)
    if g.blocking:
        bcodes, btexts = _blocking_codes(g.blocking, n)
    else:
        bcodes, btexts = np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    shared = np.array([("无法通过投入弥补：" + b) if b else "" for b in btexts.tolist()], dtype=object)
    if not g.levers:
        return bcodes, shared, g.within_reach
    rows = np.concatenate([lo.rows for lo in g.levers])
    units = [lo.lever.unit for lo in g.levers]
    rank = {u: i for i, u in enumerate(sorted(set(units)))}
    unit = np.concatenate([np.full(len(lo.rows), rank[lo.lever.unit]) for lo in g.levers])
    delta = np.concatenate([lo.delta for lo in g.levers])
    order_in = np.arange(len(rows))  # lever order, then row order: a stable sort's tie-break
    texts = np.empty(len(rows), dtype=object)
    texts[:] = [t for lo in g.levers for t in lo.texts]
    order = np.lexsort((order_in, delta, unit, rows))
    rows, texts = rows[order], texts[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    starts = np.flatnonzero(first)
    owned = rows[starts]  # the rows with options, ascending
    own = np.empty(len(starts), dtype=object)
    tl, bounds = texts.tolist(), [*starts.tolist(), len(texts)]
    own[:] = ["；或 ".join(tl[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    blocks = btexts[bcodes[owned]]
    own[:] = [(o + "；无法通过投入弥补：" + b) if b else o for o, b in zip(own.tolist(), blocks.tolist(), strict=True)]
    codes = bcodes.copy()
    codes[owned] = len(shared) + np.arange(len(owned))
    return codes, np.concatenate([shared, own]), g.within_reach


def _blocking_codes(blocking: list[tuple[str, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, a code into the texts of the blocking conditions it fails (labels joined
    by "、" in rule order; "" for none). Up to 64 conditions a row's set is a bit mask;
    the text of each distinct mask is built once (most rows share a few sets)."""
    import pandas as pd

    if len(blocking) > 64:
        blocks = np.full(n, "", dtype=object)
        for label, where in blocking:
            cur = blocks[where]
            blocks[where] = np.where(cur == "", label, cur + "、" + label)
        codes, uniques = pd.factorize(blocks)
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)
    key = np.zeros(n, dtype=np.uint64)
    for j, (_, where) in enumerate(blocking):
        key[where] |= np.uint64(1) << np.uint64(j)
    codes, uniques = pd.factorize(key)
    labels = [label for label, _ in blocking]
    texts = np.array(["、".join([lab for j, lab in enumerate(labels) if u >> j & 1]) for u in uniques.tolist()],
                     dtype=object)
    return codes.astype(np.int64), texts


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
