"""Reviewer assignment: never conflicted, balanced where the pool allows it, impossible
cases reported — checked against an independent integer programme over random pools.

The pools are constructed (random fields, ceilings, conflicts); the oracle solves the
same constraints from scratch with a different objective (the smallest possible spread
of loads within a field), so the assignment's balance is compared with the best any
assignment could do, not with a number written in the test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from innodrive.projects.assignment import AppNeed, ExpertCap, assign

FIELDS = ["新材料", "电子信息", "生物医药"]


@st.composite
def pools(draw, multi_field: bool = False):
    n_fields = draw(st.integers(1, 3))
    fields = FIELDS[:n_fields]
    n_experts = draw(st.integers(3, 14))
    experts = []
    for i in range(n_experts):
        if multi_field:
            fs = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=n_fields, unique=True))
        else:
            fs = [draw(st.sampled_from(fields))]
        cap = draw(st.sampled_from([None, None, None, 0, 1, 2, 3, 4, 6]))
        active = draw(st.booleans()) or draw(st.booleans()) or draw(st.booleans())  # mostly active
        experts.append(ExpertCap(key=f"e{i}", label=f"专家{i}", fields=fs, max_load=cap, active=active))
    n_apps = draw(st.integers(1, 10))
    apps = [AppNeed(key=f"a{j}", label=f"申报{j}", field=draw(st.sampled_from(fields)), need=draw(st.integers(1, 3)))
            for j in range(n_apps)]
    rate = draw(st.sampled_from([0.0, 0.05, 0.15, 0.3, 0.6]))
    blocked = {}
    for a in apps:
        for e in experts:
            if draw(st.floats(0, 1)) < rate:
                blocked[(a.key, e.key)] = [draw(st.sampled_from(["same_org", "own_staff", "collaboration", "recused"]))]
    return apps, experts, blocked


def _allowed(apps, experts, blocked):
    return [(a.key, e.key) for a in apps for e in experts
            if a.field in e.fields and e.active and (a.key, e.key) not in blocked]


def oracle(apps, experts, blocked, *, spread_of: list[str] | None = None, objective: str = "spread"):
    """Solve the assignment constraints independently.

    ``objective``: ``feasible`` (any solution), ``spread`` (least max−min load over the
    experts ``spread_of``), ``max`` (least maximum load), ``min`` (greatest minimum load).
    Returns the optimum, or ``None`` when no assignment exists.
    """
    pairs = _allowed(apps, experts, blocked)
    n = len(pairs) + 2  # x..., U, L
    rows, lo, hi = [], [], []

    def row(coefs: dict[int, float], low: float, high: float) -> None:
        r = np.zeros(n)
        for j, c in coefs.items():
            r[j] += c
        rows.append(r)
        lo.append(low)
        hi.append(high)

    for a in apps:
        row({j: 1 for j, p in enumerate(pairs) if p[0] == a.key}, a.need, a.need)
    scope = spread_of if spread_of is not None else [e.key for e in experts]
    for e in experts:
        mine = {j: 1 for j, p in enumerate(pairs) if p[1] == e.key}
        if e.max_load is not None:
            row(mine, 0, e.max_load)
        if e.key in scope and e.active:
            row({**mine, n - 2: -1}, -np.inf, 0)   # load ≤ U
            row({**mine, n - 1: -1}, 0, np.inf)    # load ≥ L
    c = np.zeros(n)
    if objective == "spread":
        c[n - 2], c[n - 1] = 1, -1
    elif objective == "max":
        c[n - 2] = 1
    elif objective == "min":
        c[n - 1] = -1
    integrality = np.ones(n)
    bounds = Bounds(np.r_[np.zeros(n - 2), 0, 0], np.r_[np.ones(n - 2), 1000, 1000])
    res = milp(c=c, constraints=LinearConstraint(np.array(rows), lo, hi) if rows else (), integrality=integrality,
               bounds=bounds)
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    if objective == "spread":
        return round(res.x[n - 2] - res.x[n - 1])
    if objective == "max":
        return round(res.x[n - 2])
    if objective == "min":
        return round(res.x[n - 1])
    return 0


def _check_valid(apps, experts, blocked, outcome):
    by = {e.key: e for e in experts}
    got: dict[str, list[str]] = {}
    for a, e in outcome.pairs:
        got.setdefault(a, []).append(e)
        assert (a, e) not in blocked, f"conflicted pair {a}-{e} assigned"
        assert by[e].active
    for a in apps:
        mine = got.get(a.key, [])
        assert len(mine) == a.need
        assert len(set(mine)) == len(mine)
        for e in mine:
            assert a.field in by[e].fields
    for e in experts:
        if e.max_load is not None:
            assert outcome.loads[e.key] <= e.max_load


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_single_field_pools_never_conflicted_and_as_balanced_as_possible(pool):
    apps, experts, blocked = pool
    outcome = assign(apps, experts, blocked)
    feasible = oracle(apps, experts, blocked, objective="feasible") is not None
    event("feasible" if feasible else "impossible")
    if not feasible:
        assert not outcome.feasible and outcome.reasons, "an impossible assignment must be reported, not forced"
        assert outcome.pairs == []
        return
    assert outcome.feasible, outcome.reasons
    _check_valid(apps, experts, blocked, outcome)
    for f in {a.field for a in apps}:
        members = [e.key for e in experts if f in e.fields and e.active]
        loads = [outcome.loads[k] for k in members]
        best = oracle(apps, experts, blocked, spread_of=members, objective="spread")
        assert max(loads) - min(loads) == best, (f, loads, best)
        if best <= 1:
            assert max(loads) - min(loads) <= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools(multi_field=True))
def test_multi_field_pools_reach_the_least_maximum_and_greatest_minimum_load(pool):
    apps, experts, blocked = pool
    outcome = assign(apps, experts, blocked)
    if oracle(apps, experts, blocked, objective="feasible") is None:
        assert not outcome.feasible and outcome.reasons
        return
    assert outcome.feasible, outcome.reasons
    _check_valid(apps, experts, blocked, outcome)
    active = [e.key for e in experts if e.active]
    loads = [outcome.loads[k] for k in active]
    assert max(loads) == oracle(apps, experts, blocked, spread_of=active, objective="max")
    assert min(loads) == oracle(apps, experts, blocked, spread_of=active, objective="min")


def test_a_greedy_trap_is_solved():
    """Taking the first free expert for each application in turn gives A both generalists
    and leaves B, which only the generalists can review, short — yet a solution exists."""
    experts = [ExpertCap(key="g1", label="通才1", fields=["新材料"], max_load=1),
               ExpertCap(key="g2", label="通才2", fields=["新材料"], max_load=1),
               ExpertCap(key="s1", label="专才1", fields=["新材料"], max_load=1),
               ExpertCap(key="s2", label="专才2", fields=["新材料"], max_load=1)]
    apps = [AppNeed(key="A", label="A", field="新材料", need=2), AppNeed(key="B", label="B", field="新材料", need=2)]
    blocked = {("B", "s1"): ["same_org"], ("B", "s2"): ["same_org"]}
    outcome = assign(apps, experts, blocked)
    assert outcome.feasible
    assert sorted(e for a, e in outcome.pairs if a == "B") == ["g1", "g2"]
    assert sorted(e for a, e in outcome.pairs if a == "A") == ["s1", "s2"]


def test_too_few_unconflicted_experts_is_reported_with_the_exclusions():
    experts = [ExpertCap(key=f"e{i}", label=f"专家{i}", fields=["新材料"]) for i in range(5)]
    experts.append(ExpertCap(key="x", label="停用专家", fields=["新材料"], active=False))
    apps = [AppNeed(key="A", label="JB-1-001", field="新材料", need=5)]
    blocked = {("A", "e0"): ["same_org"], ("A", "e1"): ["collaboration"]}
    outcome = assign(apps, experts, blocked)
    assert not outcome.feasible and outcome.pairs == []
    [reason] = outcome.reasons
    assert "JB-1-001" in reason and "领域“新材料”的专家共 6 人" in reason
    assert "同一单位 1 人" in reason and "近年合作 1 人" in reason and "已停用 1 人" in reason
    assert "可再分配 3 人" in reason and "还需 5 人" in reason


def test_ceilings_that_cannot_cover_the_demand_name_the_group():
    experts = [ExpertCap(key=f"e{i}", label=f"专家{i}", fields=["新材料"], max_load=2) for i in range(4)]
    experts.append(ExpertCap(key="m", label="专家m", fields=["电子信息"], max_load=10))
    apps = [AppNeed(key=f"a{j}", label=f"申报{j}", field="新材料", need=3) for j in range(3)]
    apps.append(AppNeed(key="b", label="申报b", field="电子信息", need=1))
    outcome = assign(apps, experts, {})
    assert not outcome.feasible
    [reason] = outcome.reasons
    # 3 applications × 3 = 9 reviews; 4 experts × 2 = 8: one short, and the 电子信息 one is not blamed
    assert "申报0、申报1、申报2 共还需 9 人次" in reason and "最多只能再提供 8 人次，缺 1 人次" in reason
    assert "申报b" not in reason and "专家m" not in reason


def test_kept_assignments_count_and_are_not_repeated():
    experts = [ExpertCap(key=f"e{i}", label=f"专家{i}", fields=["新材料"]) for i in range(4)]
    apps = [AppNeed(key="A", label="A", field="新材料", need=3, fixed=["e0", "e1"]),
            AppNeed(key="B", label="B", field="新材料", need=3)]
    outcome = assign(apps, experts, {("A", "e2"): ["recused"]})
    assert outcome.feasible
    assert [e for a, e in outcome.pairs if a == "A"] == ["e3"]
    loads = outcome.loads
    assert sum(loads.values()) == 6 and max(loads.values()) - min(loads.values()) <= 1


@pytest.mark.parametrize("need", [0])
def test_nothing_to_assign(need):
    outcome = assign([AppNeed(key="A", label="A", field="新材料", need=need)],
                     [ExpertCap(key="e", label="e", fields=["新材料"])], {})
    assert outcome.feasible and outcome.pairs == []


ORGS = ["四川示例大学", "四川示例大学材料学院", "成都示例研究院", "乐山示例硅材料有限公司", "乐山示例学院",
        "西南示例理工大学", "绵阳示例研究所", "宜宾示例科技有限公司"]
PEOPLE = ["甲", "乙", "丙", "丁", "戊", "己"]


@st.composite
def organisations(draw):
    """Experts and applications drawn from one small world of organisations and people, so
    that every kind of conflict of interest occurs often."""
    from innodrive.projects.conflicts import ApplicationSide, ExpertSide, Party, TeamMember

    experts = []
    for i in range(draw(st.integers(4, 12))):
        collabs = [(draw(st.sampled_from(ORGS + PEOPLE)), draw(st.sampled_from([None, 2015, 2022, 2024])))
                   for _ in range(draw(st.integers(0, 2)))]
        experts.append(ExpertSide(key=f"e{i}", name=draw(st.sampled_from(PEOPLE + ["庚", "辛"])),
                                  affiliation=draw(st.sampled_from(ORGS)),
                                  posts=draw(st.lists(st.sampled_from(ORGS), max_size=1)), collaborations=collabs))
    apps = []
    for j in range(draw(st.integers(1, 6))):
        parties = [Party(name=draw(st.sampled_from(ORGS)), role="申报单位")]
        parties += [Party(name=o, role="联合申报单位") for o in draw(st.lists(st.sampled_from(ORGS), max_size=1))]
        members = [TeamMember(name=draw(st.sampled_from(PEOPLE)), organisation=parties[0].name)
                   for _ in range(draw(st.integers(1, 3)))]
        apps.append(ApplicationSide(key=f"a{j}", parties=parties, members=members, year=2024))
    return experts, apps, draw(st.integers(1, 4))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_conflicts_found_from_organisations_are_never_assigned(world):
    from innodrive.projects.conflicts import conflicts

    experts, apps, need = world
    blocked = {}
    for a in apps:
        for e in experts:
            kinds = [c.kind for c in conflicts(e, a, window_years=3)]
            if kinds:
                blocked[(a.key, e.key)] = kinds
    caps = [ExpertCap(key=e.key, label=e.name, fields=["新材料"]) for e in experts]
    needs = [AppNeed(key=a.key, label=a.key, field="新材料", need=need) for a in apps]
    outcome = assign(needs, caps, blocked)
    event("feasible" if outcome.feasible else "impossible")
    by_e = {e.key: e for e in experts}
    by_a = {a.key: a for a in apps}
    for a, e in outcome.pairs:  # checked again from the organisations, not from ``blocked``
        assert conflicts(by_e[e], by_a[a], window_years=3) == [], (a, e)
    if not outcome.feasible:
        assert outcome.reasons and outcome.pairs == []
        short = [a for a in apps if sum((a.key, e.key) not in blocked for e in experts) < need]
        assert short, "without ceilings only an application short of unconflicted experts is impossible"
