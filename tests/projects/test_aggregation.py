"""Aggregation of review scores, computed by hand: an extreme reviewer, the 非共识 flag, ties."""

from __future__ import annotations

import pytest

from innodrive.projects.aggregation import aggregate, combine, rank, spread


def test_trimmed_mean_drops_one_extreme_reviewer():
    # four reviewers agree around 80, a fifth gives 20: (78 + 80 + 82) / 3 = 80
    a = aggregate([80, 82, 20, 78, 85], method="trimmed_mean", trim=1, measure="range", threshold=25)
    assert a.value == 80.0
    assert a.dropped == [20.0, 85.0] and a.kept == [78.0, 80.0, 82.0]
    # the plain mean would have been (80+82+20+78+85)/5 = 69: the extreme reviewer moved it 11 points
    assert sum([80, 82, 20, 78, 85]) / 5 == 69.0
    # …but the disagreement is not hidden: range 85 − 20 = 65 ≥ 25
    assert a.spread == 65.0 and a.non_consensus
    assert "非共识" in a.note and "去掉 20、85" in a.note


def test_median_resists_the_extreme_reviewer_too():
    a = aggregate([80, 82, 20, 78, 85], method="median", trim=0, measure="range", threshold=70)
    assert a.value == 80.0 and a.dropped == []
    assert a.spread == 65.0 and not a.non_consensus  # threshold 70 not reached
    assert combine([70, 90, 60, 100], method="median")[0] == 80.0  # even count: mean of the middle two


def test_trim_two_at_each_end():
    # 7 scores sorted: 50 60 70 71 72 90 99 → keep 70 71 72 → 71
    assert combine([90, 70, 99, 50, 72, 60, 71], method="trimmed_mean", trim=2)[0] == 71.0


def test_not_enough_scores_to_trim():
    with pytest.raises(ValueError):
        combine([80, 90], method="trimmed_mean", trim=1)


def test_stdev_measure_hand_computed():
    # totals 70, 74, 78: mean 74, squared deviations 16+0+16 = 32, /(3−1) = 16 → 4
    assert spread([70, 74, 78], "stdev") == 4.0
    a = aggregate([70, 74, 78], method="trimmed_mean", trim=1, measure="stdev", threshold=4)
    assert a.value == 74.0 and a.spread == 4.0 and a.non_consensus  # at the threshold counts
    b = aggregate([70, 74, 78], method="trimmed_mean", trim=1, measure="stdev", threshold=4.01)
    assert not b.non_consensus


def test_consensus_is_not_flagged():
    a = aggregate([81, 79, 80, 83, 77], method="trimmed_mean", trim=1, measure="range", threshold=25)
    assert a.value == 80.0 and a.spread == 6.0 and not a.non_consensus


def test_ranking_shares_ranks_on_ties():
    ranked = rank({"A": 80.0, "B": 85.5, "C": 80.0, "D": 70.0})
    assert [(r.key, r.rank, r.tied) for r in ranked] == [("B", 1, False), ("A", 2, True), ("C", 2, True),
                                                         ("D", 4, False)]
