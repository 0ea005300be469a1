"""The expected path from baseline to target, and how far along it a value is.

序时进度 compares how far a target has come with how much of the plan period has
passed. Both need a clock and a path:

- the clock runs from the end of the baseline year (31 Dec 2020 for 十三五末) to the
  deadline (31 Dec of the target year); a date's *time share* is the fraction of that
  span behind it (2022 annual figure of a 2020→2025 plan: (2022−2020)/(2025−2020) = 0.4);
- a *linear* path adds the same amount each year: ``B + (T − B)·f``;
- a *compound* path multiplies by the same factor each year: ``B·(T/B)^f`` — the natural
  path for 倍增 and growth-rate targets (doubling in five years is ×2^(1/5) a year).

*Progress* is measured on the same path, so that a value exactly on the path has
progress equal to its time share: linear ``(A − B)/(T − B)``, compound
``ln(A/B)/ln(T/B)``. The 序时进度 gap is then progress − time share.

Pure arithmetic; no data access.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

Shape = Literal["linear", "compound"]


def year_fraction(d: dt.date) -> float:
    """A date on a continuous year axis where ``Y + 1.0`` is the end of year ``Y``
    (31 Dec 2022 → 2023.0, 30 Jun 2023 → 2023.496)."""
    start = dt.date(d.year, 1, 1)
    days = (dt.date(d.year + 1, 1, 1) - start).days
    return d.year + ((d - start).days + 1) / days


def time_share(d: dt.date, *, baseline_year: int, target_year: int) -> float:
    """Share of the period from the end of ``baseline_year`` to the end of
    ``target_year`` that lies before ``d`` (unclipped: negative before, >1 after)."""
    t0, t1 = baseline_year + 1.0, target_year + 1.0
    return (year_fraction(d) - t0) / (t1 - t0)


def can_compound(baseline: float, target: float) -> bool:
    return baseline > 0 and target > 0


def path_value(*, baseline: float, target: float, share: float, shape: Shape) -> float:
    """The value on the path after ``share`` of the period (share clipped to 0–1)."""
    f = min(max(share, 0.0), 1.0)
    if shape == "compound" and can_compound(baseline, target):
        return baseline * (target / baseline) ** f
    return baseline + (target - baseline) * f


def progress(*, baseline: float, target: float, actual: float, shape: Shape) -> float | None:
    """How far ``actual`` has come from ``baseline`` towards ``target``, on the path's
    own scale (1 = at the target; may be negative or above 1). ``None`` when the
    target equals the baseline (no way to go) or a compound path meets a non-positive
    actual value."""
    if target == baseline:
        return None
    if shape == "compound" and can_compound(baseline, target):
        if actual <= 0:
            return None
        return math.log(actual / baseline) / math.log(target / baseline)
    return (actual - baseline) / (target - baseline)


def meets(value: float, target: float, *, direction: str, comparator: str | None = None) -> bool:
    """Whether ``value`` satisfies the target (``ge``: at least, ``le``: at most;
    a strict comparator ``>``/``<`` needs strictly beyond). A relative tolerance of
    1e-9 absorbs unit-conversion rounding."""
    tol = 1e-9 * max(1.0, abs(target))
    if direction == "le":
        return value < target - tol if comparator == "<" else value <= target + tol
    return value > target + tol if comparator == ">" else value >= target - tol
