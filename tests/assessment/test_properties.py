"""Properties that must hold for any input (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from innodrive.assessment.kernels import aggregate as A
from innodrive.assessment.kernels import normalise as N

values = arrays(np.float64, st.tuples(st.integers(3, 12), st.integers(1, 6)),
                elements=st.floats(0.5, 1e4, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(values)
def test_minmax_stays_in_range_and_keeps_order(x):
    y = N.minmax(x, l=0, u=100)
    for j in range(x.shape[1]):
        col, out = x[:, j], y[:, j]
        if col.max() == col.min():
            assert np.isnan(out).all()  # a constant indicator carries no information: unknown, not 0
            continue
        assert out.min() >= -1e-9 and out.max() <= 100 + 1e-9
        order = np.argsort(col, kind="stable")
        assert np.all(np.diff(out[order]) >= -1e-9)


@settings(max_examples=60, deadline=None)
@given(values, st.data())
def test_means_are_ordered_and_bounded(x, data):
    w = np.array(data.draw(st.lists(st.floats(0.1, 10), min_size=x.shape[1], max_size=x.shape[1])))
    am, gm, hm = A.arithmetic(x, w), A.geometric(x, w), A.harmonic(x, w)
    assert np.all(hm <= gm * (1 + 1e-9)) and np.all(gm <= am * (1 + 1e-9))  # HM ≤ GM ≤ AM
    assert np.all(am <= x.max(axis=1) * (1 + 1e-12)) and np.all(am >= x.min(axis=1) * (1 - 1e-12))


@settings(max_examples=40, deadline=None)
@given(values)
def test_copeland_scores_sum_to_zero(x):
    s = A.copeland(x, np.ones(x.shape[1]))
    assert abs(s.sum()) < 1e-9  # every won comparison is another unit's lost one
