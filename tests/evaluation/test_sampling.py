"""The stratified sampler: reproducible from its seed, stratified as declared, simple random
within each stratum; and the intervals against published values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innodrive.errors import InputError
from innodrive.evaluation.estimates import JudgedItem, interval, parse_verdict, rates
from innodrive.evaluation.sampling import Design, FrameItem, allocate, draw, frame_digest, new_seed

ROOT = Path(__file__).resolve().parents[2]
UNITS = {"市科技局": 40, "市经信局": 25, "市发改委": 10, "市金融局": 5}


def _frame() -> list[FrameItem]:
    items, i = [], 1
    for unit, n in UNITS.items():
        for k in range(n):
            items.append(FrameItem(id=i * 7 + 3, attrs={"unit": unit, "status": "已完成" if k % 3 == 0 else "推进中"}))
            i += 1
    return items


def test_the_same_seed_draws_the_same_sample_whatever_the_frame_order():
    frame = _frame()
    design = Design(by=["unit"], size=16)
    a = draw(frame, design, "20250701")
    b = draw(list(reversed(frame)), design, "20250701")
    assert [x.id for x in a.items] == [x.id for x in b.items]
    assert a.frame_sha256 == b.frame_sha256 == frame_digest(frame, ["unit"])
    assert [x.id for x in draw(frame, design, "20250702").items] != [x.id for x in a.items]


def test_the_same_seed_draws_the_same_sample_in_another_process():
    script = (f"import sys;sys.path.insert(0,{str(ROOT)!r});from tests.evaluation.test_sampling import _frame;"
              "from innodrive.evaluation.sampling import Design,draw;"
              "print([x.id for x in draw(_frame(),Design(by=['unit','status'],size=20),'987654321').items])")
    seen = set()
    for hash_seed in ("0", "12345"):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed})
        seen.add(done.stdout.strip())
    here = str([x.id for x in draw(_frame(), Design(by=["unit", "status"], size=20), "987654321").items])
    assert seen == {here}


def test_stratified_as_declared_proportional_equal_fixed():
    frame = _frame()
    by_id = {f.id: f for f in frame}
    d = draw(frame, Design(by=["unit"], size=16), "1")
    # 16 of 80 proportionally: 40→8, 25→5, 10→2, 5→1
    assert {s.stratum: (s.population, s.sample) for s in d.strata} == {
        "市科技局": (40, 8), "市经信局": (25, 5), "市发改委": (10, 2), "市金融局": (5, 1)}
    for x in d.items:
        assert by_id[x.id].attrs["unit"] == x.stratum
        assert x.weight == UNITS[x.stratum] / {"市科技局": 8, "市经信局": 5, "市发改委": 2, "市金融局": 1}[x.stratum]
    assert len({x.id for x in d.items}) == 16
    equal = draw(frame, Design(by=["unit"], size=16, allocation="equal"), "1")
    assert {s.stratum: s.sample for s in equal.strata} == dict.fromkeys(UNITS, 4)
    fixed = draw(frame, Design(by=["unit"], allocation="fixed", per_stratum=6), "1")
    assert {s.stratum: s.sample for s in fixed.strata} == {"市科技局": 6, "市经信局": 6, "市发改委": 6, "市金融局": 5}
    two = draw(frame, Design(by=["unit", "status"], size=24), "1")
    assert len(two.strata) == 8 and all(s.sample >= 1 for s in two.strata)
    assert all(" / " in s.stratum for s in two.strata)
    census = draw(frame, Design(by=[], size=500), "1")
    assert len(census.items) == 80 and census.strata[0].stratum == "全部"


def test_a_sample_too_small_for_its_strata_and_bad_seeds_are_refused():
    with pytest.raises(InputError, match="不足以从 4 个层中各抽取至少 2 个"):
        draw(_frame(), Design(by=["unit"], size=6, min_per_stratum=2), "1")
    with pytest.raises(InputError, match="随机种子应为非负整数"):
        draw(_frame(), Design(by=["unit"], size=6), "abc")
    with pytest.raises(InputError, match="抽样框为空"):
        draw([], Design(size=3), "1")
    with pytest.raises(InputError, match="重复编号"):
        draw([FrameItem(id=1), FrameItem(id=1)], Design(size=1), "1")
    assert new_seed() != new_seed() and new_seed().isdigit()


@settings(max_examples=150, deadline=None)
@given(sizes=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=8),
       n=st.integers(min_value=1, max_value=200), minimum=st.integers(min_value=0, max_value=3),
       how=st.sampled_from(["proportional", "equal"]))
def test_allocation_properties(sizes, n, minimum, how):
    pops = {f"层{i:02d}": s for i, s in enumerate(sizes)}
    design = Design(size=n, allocation=how, min_per_stratum=minimum)
    total = sum(sizes)
    floor_ = sum(min(minimum, s) for s in sizes)
    if floor_ > min(n, total):
        with pytest.raises(InputError):
            allocate(pops, design)
        return
    got = allocate(pops, design)
    assert sum(got.values()) == min(n, total)
    assert all(min(minimum, pops[k]) <= got[k] <= pops[k] for k in pops)
    if how == "proportional" and minimum == 0 and n < total:
        # never more than one above its exact share when nothing is capped
        assert all(got[k] <= n * pops[k] / total + 1 for k in pops)


def test_within_a_stratum_every_item_is_equally_likely():
    """Inclusion frequencies over 3,000 seeds: an item of the 10-item stratum drawn 3 at a
    time is included with probability 0.3 (900 times, sd ≈ 25), one of the 20-item stratum
    with probability 0.15 (450 times, sd ≈ 20)."""
    frame = [FrameItem(id=i, attrs={"unit": "甲" if i <= 10 else "乙"}) for i in range(1, 31)]
    design = Design(by=["unit"], allocation="fixed", per_stratum=3)
    counts = np.zeros(31)
    for seed in range(3000):
        for x in draw(frame, design, str(seed)).items:
            counts[x.id] += 1
    assert np.all(np.abs(counts[1:11] - 900) < 5 * np.sqrt(3000 * 0.3 * 0.7))
    assert np.all(np.abs(counts[11:] - 450) < 5 * np.sqrt(3000 * 0.15 * 0.85))


@pytest.mark.parametrize(("x", "n", "wilson", "exact"), [
    # Newcombe (1998), Statistics in Medicine 17:857–872, Table I (methods 3 and 5)
    (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
    (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
    (0, 20, (0.0, 0.1611), (0.0, 0.1684)),
    (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
])
def test_intervals_match_published_values(x, n, wilson, exact):
    assert tuple(round(v, 4) for v in interval(x, n, method="wilson")) == wilson
    assert tuple(round(v, 4) for v in interval(x, n, method="clopper-pearson")) == exact
    assert interval(x, 0) is None


def test_rates_by_unit_doubt_and_the_weighted_estimate():
    items = ([JudgedItem(unit="甲", stratum="甲", weight=10.0, verdict=v) for v in
              ("verified", "discrepant", "doubtful", "verified", None)]
             + [JudgedItem(unit="乙", stratum="乙", weight=2.0, verdict=v) for v in ("verified", "verified")])
    r = rates(items)
    a, b = (next(u for u in r.by_unit if u.group == g) for g in ("甲", "乙"))
    assert (a.group, a.sampled, a.judged, a.verified, a.discrepant, a.doubtful) == ("甲", 5, 4, 2, 1, 1)
    assert a.rate == 0.25 and a.rate_with_doubtful == 0.5 and a.lower < 0.25 < a.upper
    assert b.rate == 0.0 and b.lower == 0.0
    assert r.overall.judged == 6 and r.pending == 1
    # strata of 50 (甲: 5 sampled × 10) and 4 (乙: 2 × 2): (50 × 1/4 + 4 × 0) / 54
    assert r.weighted_rate == pytest.approx(12.5 / 54)
    assert [parse_verdict(v) for v in ("核实", "不符", "存疑", "verified")] == ["verified", "discrepant", "doubtful",
                                                                           "verified"]
    with pytest.raises(InputError, match="应为 核实、不符 或 存疑"):
        parse_verdict("基本属实吧")
