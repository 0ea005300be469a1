"""Assigning N reviewers to every application: no conflicts, balanced load, or a reason.

The problem is a bipartite *b*-matching. Each application needs ``need`` experts of its
field; a pair (application, expert) is allowed only when the expert works in the field,
is active and has no conflict of interest with it (:mod:`.conflicts`); an expert may
have a ceiling (``max_load``). Among all assignments that satisfy this, we take one that
minimises the sum of squared loads. That is not a heuristic choice: the load vectors of
a bipartite *b*-matching form an M-convex set, and on an M-convex set a square-sum
minimiser is *decreasingly minimal* — it has the least possible maximum load and the
greatest possible minimum load at the same time (Frank & Murota, "Discrete Decreasing
Minimization", Math. Programming 2022). So whenever the pool allows the loads of a
field's experts to differ by at most one, they do.

It is solved exactly as an integer programme with SciPy's HiGHS (``scipy.optimize.milp``):
binary ``x`` per allowed pair; per expert, unit "load steps" ``y_k`` costing ``2k−1`` (so
a load of L costs L²); the constraint matrix is a network matrix, so the relaxation is
already integral. A greedy assignment can paint itself into a corner when a solution
exists; this cannot.

When no assignment exists the reason is reported, never papered over: an application
with fewer allowed experts than it needs (how many were excluded and why), or — when
experts have ceilings — a group of applications whose allowed experts cannot supply
enough reviews together (the minimum cut of the max-flow network, Hall's condition).

Pure: plain models in, an :class:`Outcome` out.
"""

from __future__ import annotations

from collections import Counter, deque

import numpy as np
from pydantic import BaseModel, Field

from innodrive.projects.conflicts import KIND_LABELS


class AppNeed(BaseModel):
    key: str
    label: str = Field(description="how messages name it (申报编号)")
    field: str
    need: int = Field(ge=0, description="reviewers it must have in total")
    fixed: list[str] = Field(default_factory=list, description="experts already assigned (kept)")


class ExpertCap(BaseModel):
    key: str
    label: str
    fields: list[str]
    max_load: int | None = None
    active: bool = True


class FieldBalance(BaseModel):
    field: str
    experts: int
    min_load: int
    max_load: int


class Outcome(BaseModel):
    feasible: bool
    pairs: list[tuple[str, str]] = Field(default_factory=list, description="new (application, expert) pairs")
    loads: dict[str, int] = Field(default_factory=dict, description="expert → total load incl. kept pairs")
    balance: list[FieldBalance] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list, description="why no assignment exists")
    excluded: dict[str, dict[str, int]] = Field(default_factory=dict,
                                                description="application → conflict kind → experts excluded")


def _norm(field: str) -> str:
    return field.strip().casefold()


def assign(apps: list[AppNeed], experts: list[ExpertCap], blocked: dict[tuple[str, str], list[str]]) -> Outcome:
    """Assign reviewers.

    :param blocked: (application, expert) → kinds of conflict (``same_org`` …,
        ``recused``) for pairs that must not be made.
    """
    by_key = {e.key: e for e in experts}
    fixed_load = Counter(k for a in apps for k in a.fixed)
    cap = {e.key: (e.max_load if e.max_load is not None else 10**6) for e in experts}

    # allowed pairs and the reasons others were excluded ---------------------------------
    candidates: dict[str, list[str]] = {}
    excluded: dict[str, dict[str, int]] = {}
    reasons: list[str] = []
    for a in apps:
        in_field = [e for e in experts if _norm(a.field) in {_norm(f) for f in e.fields}]
        counts: Counter[str] = Counter()
        allowed = []
        for e in in_field:
            if e.key in a.fixed:
                continue
            kinds = blocked.get((a.key, e.key))
            if kinds:
                for k in dict.fromkeys(kinds):
                    counts[k] += 1
                continue
            if not e.active:
                counts["inactive"] += 1
                continue
            if cap[e.key] - fixed_load[e.key] <= 0:
                counts["full"] += 1
                continue
            allowed.append(e.key)
        candidates[a.key] = allowed
        excluded[a.key] = dict(counts)
        missing = a.need - len(a.fixed)
        if len(allowed) < missing:
            reasons.append(_short_reason(a, len(in_field), counts, len(allowed), missing))
    if reasons:
        return Outcome(feasible=False, reasons=reasons, excluded=excluded)

    need = {a.key: max(0, a.need - len(a.fixed)) for a in apps}
    cut = _hall_violation(apps, experts, candidates, need, cap, fixed_load)
    if cut:
        return Outcome(feasible=False, reasons=[cut], excluded=excluded)

    ceiling = _least_max_load(apps, experts, candidates, need, cap, fixed_load)
    pairs = _solve(apps, experts, candidates, need, {k: min(c, ceiling) for k, c in cap.items()}, fixed_load)
    if pairs is None:  # pragma: no cover - the max-flow check above guarantees feasibility
        return Outcome(feasible=False, reasons=["整数规划求解失败：请检查专家库与回避设置"], excluded=excluded)
    loads = Counter(fixed_load)
    for _, e in pairs:
        loads[e] += 1
    all_loads = {e.key: int(loads.get(e.key, 0)) for e in experts}
    balance = []
    for f in sorted({_norm(a.field) for a in apps}):
        members = [e for e in experts if f in {_norm(x) for x in e.fields} and e.active]
        if members:
            ls = [all_loads[e.key] for e in members]
            balance.append(FieldBalance(field=next(a.field for a in apps if _norm(a.field) == f),
                                        experts=len(members), min_load=min(ls), max_load=max(ls)))
    _verify(apps, by_key, candidates, need, pairs, cap, all_loads)
    return Outcome(feasible=True, pairs=pairs, loads=all_loads, balance=balance, excluded=excluded)


# --------------------------------------------------------------------------- reasons


EXCLUSION_LABELS = {**KIND_LABELS, "recused": "已回避", "inactive": "已停用", "full": "已达评审上限"}


def _short_reason(a: AppNeed, in_field: int, counts: Counter, allowed: int, missing: int) -> str:
    parts = [f"{EXCLUSION_LABELS.get(k, k)} {n} 人" for k, n in counts.items()]
    kept = f"，已分配 {len(a.fixed)} 人" if a.fixed else ""
    why = f"（其中回避或不可用：{'、'.join(parts)}）" if parts else ""
    return (f"申报 {a.label}：领域“{a.field}”的专家共 {in_field} 人{why}{kept}，可再分配 {allowed} 人，"
            f"还需 {missing} 人，无法配齐")


def _network(apps, experts, candidates, need, room):
    """The max-flow network source → application (need) → expert (1) → sink (room)."""
    a_index = {a.key: 1 + i for i, a in enumerate(apps)}
    e_index = {e.key: 1 + len(apps) + i for i, e in enumerate(experts)}
    sink = 1 + len(apps) + len(experts)
    edges: list[tuple[int, int, int]] = []
    for a in apps:
        if need[a.key]:
            edges.append((0, a_index[a.key], need[a.key]))
        for k in candidates[a.key]:
            edges.append((a_index[a.key], e_index[k], 1))
    for e in experts:
        if room[e.key] > 0:
            edges.append((e_index[e.key], sink, room[e.key]))
    return a_index, e_index, sink, edges


def _max_flow(edges, sink):
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    if not edges:
        return 0, None
    rows, cols, caps = zip(*edges, strict=True)
    graph = csr_matrix((np.array(caps, dtype=np.int32), (np.array(rows), np.array(cols))), shape=(sink + 1, sink + 1))
    result = maximum_flow(graph, 0, sink)
    return int(result.flow_value), result.flow.tocsr()


def _rooms(experts, cap, fixed_load, total, ceiling=None):
    return {e.key: min(max(min(cap[e.key], ceiling if ceiling is not None else cap[e.key]) - fixed_load[e.key], 0),
                       total) for e in experts}


def _least_max_load(apps, experts, candidates, need, cap, fixed_load) -> int:
    """The smallest L such that every expert at most L (and its own ceiling) still admits a
    full assignment: the maximum load of every decreasingly minimal assignment."""
    total = sum(need.values())
    lo = max([0, *fixed_load.values()])
    hi = max([lo, *(min(cap[e.key], fixed_load[e.key] + total) for e in experts)])
    while lo < hi:
        mid = (lo + hi) // 2
        *_, sink, edges = _network(apps, experts, candidates, need, _rooms(experts, cap, fixed_load, total, mid))
        if _max_flow(edges, sink)[0] >= total:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _hall_violation(apps, experts, candidates, need, cap, fixed_load) -> str | None:
    """With ceilings, a max flow smaller than the demand; the minimum cut names the group."""
    total = sum(need.values())
    if total == 0:
        return None
    a_index, e_index, sink, edges = _network(apps, experts, candidates, need, _rooms(experts, cap, fixed_load, total))
    value, flow = _max_flow(edges, sink)
    if value >= total:
        return None
    residual: dict[int, list[int]] = {}
    for u, v, c in edges:
        f = flow[u, v] if flow is not None else 0
        if c - f > 0:
            residual.setdefault(u, []).append(v)
        if f > 0:
            residual.setdefault(v, []).append(u)
    seen = {0}
    queue = deque([0])
    while queue:
        u = queue.popleft()
        for v in residual.get(u, []):
            if v not in seen:
                seen.add(v)
                queue.append(v)
    group = [a for a in apps if a_index[a.key] in seen]
    helpers = [e for e in experts if e_index[e.key] in seen]
    demand = sum(need[a.key] for a in group)
    deficit = total - value
    names = "、".join(a.label for a in group[:10]) + (f"等 {len(group)} 项" if len(group) > 10 else "")
    who = "、".join(f"{e.label}（上限 {cap[e.key]} 项）" for e in helpers[:10]) + \
        (f"等 {len(helpers)} 人" if len(helpers) > 10 else "")
    return (f"申报 {names} 共还需 {demand} 人次评审，但能评审它们的专家{('（' + who + '）') if who else ''}"
            f"在各自评审上限内最多只能再提供 {demand - deficit} 人次，缺 {deficit} 人次：请增加相关领域专家或提高评审上限")


# --------------------------------------------------------------------------- the programme


def _solve(apps, experts, candidates, need, cap, fixed_load) -> list[tuple[str, str]] | None:
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import coo_matrix

    pairs = [(a.key, k) for a in apps for k in candidates[a.key] if need[a.key] > 0]
    if not pairs:
        return []
    by_expert: dict[str, list[int]] = {}
    for j, (_, k) in enumerate(pairs):
        by_expert.setdefault(k, []).append(j)
    primary = {e.key: _norm(e.fields[0]) if e.fields else "" for e in experts}
    field_of = {a.key: _norm(a.field) for a in apps}
    big = len(pairs) + 1  # balance first; the main-field preference only breaks ties
    cost = [0.0 if primary[k] == field_of[a] else 1.0 for a, k in pairs]
    steps: list[tuple[str, int]] = []
    for k, js in by_expert.items():
        top = fixed_load[k] + min(len(js), max(cap[k] - fixed_load[k], 0))
        for level in range(1, top + 1):
            steps.append((k, level))
            cost.append(float((2 * level - 1) * big))
    n = len(cost)
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0
    app_pairs: dict[str, list[int]] = {}
    for j, (a, _) in enumerate(pairs):
        app_pairs.setdefault(a, []).append(j)
    for a in apps:
        if need[a.key] == 0:
            continue
        for j in app_pairs.get(a.key, []):
            rows.append(r)
            cols.append(j)
            vals.append(1.0)
        lo.append(need[a.key])
        hi.append(need[a.key])
        r += 1
    step_cols: dict[str, list[int]] = {}
    for i, (k, _) in enumerate(steps):
        step_cols.setdefault(k, []).append(len(pairs) + i)
    for k, js in by_expert.items():
        for j in js:
            rows.append(r)
            cols.append(j)
            vals.append(-1.0)
        for c in step_cols.get(k, []):
            rows.append(r)
            cols.append(c)
            vals.append(1.0)
        lo.append(fixed_load[k])
        hi.append(fixed_load[k])
        r += 1
    matrix = coo_matrix((vals, (rows, cols)), shape=(r, n)).tocsr()
    # The matrix is a network matrix (totally unimodular): a vertex of the LP relaxation
    # is integral, and the dual simplex returns a vertex. The integer solver is the
    # fall-back should rounding ever disagree.
    res = linprog(np.array(cost), A_eq=matrix, b_eq=np.array(lo), bounds=(0, 1), method="highs-ds")
    if res.status != 0 or res.x is None or np.abs(res.x - np.round(res.x)).max() > 1e-6:
        res = milp(c=np.array(cost), constraints=LinearConstraint(matrix, lo, hi), integrality=np.ones(n),
                   bounds=Bounds(0, 1))
        if res.status != 0 or res.x is None:
            return None
    chosen = np.flatnonzero(res.x[: len(pairs)] > 0.5)
    return [pairs[j] for j in chosen]


def _verify(apps, by_key, candidates, need, pairs, cap, loads) -> None:
    """Defensive: the solver's answer obeys every constraint (a bug here must not assign
    a conflicted expert silently)."""
    got = Counter(a for a, _ in pairs)
    for a in apps:
        if got[a.key] != need[a.key]:
            raise AssertionError(f"assignment gives {a.key} {got[a.key]} reviewers, needs {need[a.key]}")
        allowed = set(candidates[a.key])
        for app, k in pairs:
            if app == a.key and k not in allowed:
                raise AssertionError(f"assignment pairs {a.key} with a disallowed expert {k}")
    for k, n in Counter(k for _, k in pairs).items():
        if n and loads[k] > cap[k]:
            raise AssertionError(f"expert {k} assigned {loads[k]} applications over the ceiling {cap[k]}")
