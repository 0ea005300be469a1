"""Gap analysis: the least single change that makes a failing enterprise qualify."""

from __future__ import annotations

import datetime as dt

import numpy as np

from innodrive.enterprises.explain import explain
from innodrive.enterprises.gaps import analyse, explain_with_gaps
from innodrive.enterprises.registry import frame_from_records, row_dict
from innodrive.enterprises.rules import rule_for
from innodrive.enterprises.vectorised import columns_of

from .test_spec_examples import SME_BASE, g1

ON = dt.date(2024, 6, 30)


def _one(rec, programme):
    frame = frame_from_records([rec])
    return explain_with_gaps(row_dict(frame, 0), rule_for(programme, ON), on=ON)


def test_hnte_rd_shortfall_in_points_and_money():
    # revenue 2000 + 2800 + 3200 = 8000; R&D 100 + 110 + 126 = 336 -> 4.2% vs 5% (latest revenue <= 5000):
    # 0.8 points short; 5% of 8000 = 400 -> 64 万元 more R&D in the latest year
    v = _one(g1(revenue_y3=2000, revenue_y2=2800, revenue_y1=3200, hnte_rd_y3=100, hnte_rd_y2=110, hnte_rd_y1=126,
                hnte_rd_domestic_3y=336, hnte_b=16), "hnte")
    assert v.state == "fail"
    rd = next(g for g in v.gaps if g.field == "hnte_rd_y1")
    assert rd.delta == 64
    assert rd.text == "近三个会计年度研发费用总额占同期销售收入总额比例还差0.8个百分点，约需增加研发投入（高企口径）64万元"
    # the gap really closes it: add 64 and the enterprise passes; 63.99 does not
    for extra, state in ((64, "pass"), (63.99, "fail")):
        rec = g1(revenue_y3=2000, revenue_y2=2800, revenue_y1=3200, hnte_rd_y3=100, hnte_rd_y2=110,
                 hnte_rd_y1=126 + extra, hnte_rd_domestic_3y=336 + extra, hnte_b=16)
        assert explain(row_dict(frame_from_records([rec]), 0), rule_for("hnte", ON), on=ON).state == state


def test_tech_staff_gap_counts_people_hired():
    # 100 staff, 9 tech (9%) -> S1 = 0. Hiring d technicians: (9 + d) / (100 + d) >= 10% -> d >= 1.11 -> 2 people
    v = _one(dict(SME_BASE, employees_total=100, tech_staff=9, revenue_y1=3000, total_assets_y1=2000,
                  rd_expense_y1=200, ip_class1_count=1, ip_class2_count=0), "tech_sme")
    staff = next(g for g in v.gaps if g.field == "tech_staff")
    assert staff.delta == 2 and staff.unit == "人"
    assert "科技人员指标0分，须高于0分" in staff.text and "约需增加科技人员2人" in staff.text


def test_size_caps_are_blocking_not_gaps():
    v = _one(dict(SME_BASE, employees_total=501, tech_staff=200, revenue_y1=3000, total_assets_y1=2000,
                  rd_expense_y1=300, ip_class1_count=1), "tech_sme")
    assert v.state == "fail"
    assert v.gaps == []
    assert v.blocking == ["职工总数不超过500人"]


def test_vectorised_gaps_and_within_reach_over_many_rows():
    rs = rule_for("hnte", ON)
    recs = [g1(revenue_y3=2000, revenue_y2=2800, revenue_y1=3200, hnte_rd_y3=100, hnte_rd_y2=110,
               hnte_rd_y1=126 - k * 10, hnte_rd_domestic_3y=336 - k * 10, hnte_b=16) for k in range(12)]
    frame = frame_from_records(recs)
    cols, n = columns_of(frame)
    g = analyse(cols, n, rs, on=ON)
    deltas = [next(o.delta for o in g.options[i] if o.field == "hnte_rd_y1") for i in range(n)]
    assert deltas == [64 + 10 * k for k in range(12)]
    # reach limit for hnte_rd_y1 is 100 万元 (rules file): rows needing <= 100 are within reach
    assert g.within_reach.tolist() == [64 + 10 * k <= 100 for k in range(12)]
    assert np.all(g.within_reach[:4]) and not g.within_reach[4]


def test_bulk_advice_is_the_per_row_options_joined():
    """The bulk 培育建议 cell (built per condition over all rows) says exactly what the
    per-row options and blocking conditions say, for every programme and every row."""
    import importlib.util
    from pathlib import Path

    from innodrive.enterprises.gaps import advice
    from innodrive.enterprises.rules import rules_in_force

    path = Path(__file__).resolve().parents[2] / "bench" / "_synthetic_enterprises.py"  # the benchmarks' generator
    spec = importlib.util.spec_from_file_location("_synthetic_enterprises", path)
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    cols, n = columns_of(synthetic.synthetic_registry(300, seed=7).drop(columns=["credit_code"]))
    for rs in rules_in_force(ON):
        g = analyse(cols, n, rs, on=ON)
        expected = []
        for i in range(n):
            text = "；或 ".join(o.text for o in g.options.get(i, []))
            if i in g.blocking:
                text = (text + "；" if text else "") + "无法通过投入弥补：" + "、".join(g.blocking[i])
            expected.append(text)
        got, within = advice(cols, n, rs, on=ON)
        assert got.tolist() == expected, rs.programme
        assert within.tolist() == g.within_reach.tolist()
        assert any(expected), rs.programme  # the sample exercises the options


def test_fast_bisection_steps_equal_whole_rule_set_steps():
    """The gap search re-evaluates per bisection step only what the lever moves; over a
    random registry and every bundled rule set version its answers (rows, steps, states
    reached, sentences, conditions turned, blocking, within reach) equal those of
    evaluating the whole rule set at every step. Rows that qualify are pushed back by a
    random cut of a lever's fields (whole steps), so most of them are gap candidates.
    Half the searches reuse the screening's evaluation (``arrays``), half make their own."""
    import importlib.util
    from pathlib import Path

    from innodrive.enterprises.gaps import search
    from innodrive.enterprises.rules import all_rule_sets
    from innodrive.enterprises.states import MANUAL
    from innodrive.enterprises.vectorised import evaluate_arrays

    path = Path(__file__).resolve().parents[2] / "bench" / "_synthetic_enterprises.py"
    spec = importlib.util.spec_from_file_location("_synthetic_enterprises", path)
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    rng = np.random.default_rng(16)
    cols, n = columns_of(synthetic.synthetic_registry(300, seed=11).drop(columns=["credit_code"]))
    turned = 0
    for rs in all_rule_sets():
        on = rs.effective_from
        ok = evaluate_arrays(cols, n, [rs], on=on)[rs.programme].state >= MANUAL
        variants = [cols]
        for lv in rs.levers:
            if lv.field not in cols:
                continue
            cut = np.round(rng.uniform(0, 1, n) * np.nan_to_num(cols[lv.field]) / lv.step) * lv.step
            moved = dict(cols)
            for f in (lv.field, *lv.also):
                if f in moved:
                    moved[f] = np.where(ok, moved[f] - cut, moved[f])
            variants.append(moved)
        for i, v in enumerate(variants):
            # the fast search on its own evaluation, and on the screening's (passed in)
            given = evaluate_arrays(v, n, [rs], on=on)[rs.programme] if i % 2 else None
            fast = search(v, n, rs, on=on, with_fixes=True, arrays=given)
            slow = search(v, n, rs, on=on, with_fixes=True, reference=True)
            assert len(fast.levers) == len(slow.levers), rs.key
            for a, b in zip(fast.levers, slow.levers, strict=True):
                assert a.lever is b.lever
                assert a.rows.tolist() == b.rows.tolist(), (rs.key, a.lever.field)
                assert a.delta.tolist() == b.delta.tolist(), (rs.key, a.lever.field)
                assert a.reached.tolist() == b.reached.tolist()
                assert a.texts == b.texts and a.fixes == b.fixes
                turned += len(a.rows)
            assert [(lab, w.tolist()) for lab, w in fast.blocking] == [(lab, w.tolist()) for lab, w in slow.blocking]
            assert fast.within_reach.tolist() == slow.within_reach.tolist()
    assert turned > 100, turned  # the sample exercises the bisection
