"""From reviewers' scores to a robust aggregate, the 非共识 flag and the ranking.

One extreme reviewer — a friend of the applicant, or an expert who dislikes the
approach — must not decide the outcome. The call declares how scores are combined:

* ``trimmed_mean`` with ``trim`` = k: drop the k highest and the k lowest totals, average
  the rest (去掉最高分和最低分后取平均, the usual practice of review panels);
* ``median``: the middle total (the mean of the two middle ones for an even count).

The same method is applied to each criterion, for the record. Wide disagreement is not
averaged away but flagged for a 非共识 second look: the call declares a measure
(``range``: highest minus lowest total; ``stdev``: sample standard deviation) and a
threshold in points, and an application at or above it is flagged with the numbers.

Ranking: applications with every assigned review in, by aggregate score (highest
first); equal aggregates share a rank (1, 2, 2, 4) and are flagged as a tie for the
panel to resolve. Pure functions.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from pydantic import BaseModel, Field

METHOD_LABELS = {"trimmed_mean": "去掉最高和最低分后的平均分", "median": "中位数"}
MEASURE_LABELS = {"range": "极差（最高分减最低分）", "stdev": "标准差"}


class Aggregate(BaseModel):
    value: float = Field(description="the aggregate total")
    method: str
    method_label: str
    kept: list[float] = Field(description="totals that entered the aggregate (sorted)")
    dropped: list[float] = Field(default_factory=list, description="totals trimmed away")
    spread: float
    spread_measure: str
    non_consensus: bool
    note: str


def _round(x: float) -> float:
    return float(f"{x:.10g}")


def combine(values: Sequence[float], *, method: str, trim: int = 0) -> tuple[float, list[float], list[float]]:
    """The aggregate of ``values`` with the declared method, the kept and the dropped values."""
    xs = sorted(float(v) for v in values)
    if not xs:
        raise ValueError("no scores")
    if method == "median":
        return _round(statistics.median(xs)), xs, []
    if method == "trimmed_mean":
        if len(xs) < 2 * trim + 1:
            raise ValueError(f"{len(xs)} scores cannot be trimmed by {trim} at each end")
        kept = xs[trim: len(xs) - trim]
        dropped = xs[:trim] + xs[len(xs) - trim:]
        return _round(math.fsum(kept) / len(kept)), kept, dropped
    raise ValueError(f"unknown aggregation method {method!r}")


def spread(values: Sequence[float], measure: str) -> float:
    xs = [float(v) for v in values]
    if measure == "range":
        return _round(max(xs) - min(xs))
    if measure == "stdev":
        return _round(statistics.stdev(xs)) if len(xs) > 1 else 0.0
    raise ValueError(f"unknown disagreement measure {measure!r}")


def aggregate(totals: Sequence[float], *, method: str, trim: int, measure: str, threshold: float) -> Aggregate:
    """Aggregate one application's totals and decide the 非共识 flag."""
    value, kept, dropped = combine(totals, method=method, trim=trim)
    s = spread(totals, measure)
    flag = s >= threshold
    scores = "、".join(_pts(t) for t in totals)
    note = f"{len(totals)} 位专家评分 {scores}；{METHOD_LABELS[method]} {_pts(value)}"
    if dropped:
        note += f"（去掉 {'、'.join(_pts(d) for d in dropped)}）"
    note += f"；{MEASURE_LABELS[measure]} {_pts(s)}"
    if flag:
        note += f"，达到非共识阈值 {_pts(threshold)}，建议复议"
    return Aggregate(value=value, method=method, method_label=METHOD_LABELS[method], kept=kept, dropped=dropped,
                     spread=s, spread_measure=measure, non_consensus=flag, note=note)


def _pts(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


class Ranked(BaseModel):
    key: str
    rank: int
    value: float
    tied: bool


def rank(values: dict[str, float]) -> list[Ranked]:
    """Competition ranking (1, 2, 2, 4), highest first; ties marked. Order among equal
    values follows the keys, for a stable listing only."""
    ordered = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[Ranked] = []
    counts: dict[float, int] = {}
    for _, v in ordered:
        counts[v] = counts.get(v, 0) + 1
    for i, (k, v) in enumerate(ordered):
        r = i + 1 if i == 0 or v != ordered[i - 1][1] else out[-1].rank
        out.append(Ranked(key=k, rank=r, value=v, tied=counts[v] > 1))
    return out
