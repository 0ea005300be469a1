"""Discrepancy rates with confidence intervals (pure).

Of the sampled progress reports a unit filed, what share does not match what the
evaluator found (不符)? With a few dozen items per unit the share alone says little, so
each rate comes with an interval by a declared method:

* ``wilson`` — the Wilson score interval (good coverage at small n, never outside 0–1);
* ``clopper-pearson`` — the exact interval from the beta distribution (conservative:
  coverage at least the nominal level).

存疑 (doubtful) items are neither confirmed nor refuted: the main rate counts 不符 over
the judged items (核实 + 不符 + 存疑), and an upper rate counts 不符 + 存疑, so a reader
sees how far doubt could move the result. Items not yet judged are left out and
counted. The overall rate weights each stratum by its share of the frame (design
weights ``N_h / n_h``), since strata may be sampled at different rates.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field

Method = Literal["wilson", "clopper-pearson"]
METHOD_NAMES = {"wilson": "Wilson 得分区间", "clopper-pearson": "Clopper–Pearson 精确区间"}
Verdict = Literal["verified", "discrepant", "doubtful"]
VERDICT_NAMES: dict[str, str] = {"verified": "核实", "discrepant": "不符", "doubtful": "存疑"}
VERDICT_ALIASES: dict[str, str] = {**{v: k for k, v in VERDICT_NAMES.items()}, **{k: k for k in VERDICT_NAMES},
                                   "属实": "verified", "一致": "verified", "不一致": "discrepant", "可疑": "doubtful"}


def interval(x: int, n: int, *, method: Method = "wilson", level: float = 0.95) -> tuple[float, float] | None:
    """The two-sided interval for a proportion ``x / n`` (``None`` when ``n`` is 0)."""
    if n <= 0:
        return None
    if not 0 <= x <= n:
        raise ValueError("x must lie in 0..n")
    if not 0.5 <= level < 1:
        raise ValueError("level must lie in [0.5, 1)")
    alpha = 1 - level
    if method == "clopper-pearson":
        from scipy.stats import beta

        lower = 0.0 if x == 0 else float(beta.ppf(alpha / 2, x, n - x + 1))
        upper = 1.0 if x == n else float(beta.ppf(1 - alpha / 2, x + 1, n - x))
        return lower, upper
    from scipy.stats import norm

    z = float(norm.ppf(1 - alpha / 2))
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


class JudgedItem(BaseModel):
    unit: str
    stratum: str
    weight: float
    verdict: Verdict | None


class Rate(BaseModel):
    group: str
    sampled: int
    judged: int
    verified: int
    discrepant: int
    doubtful: int
    rate: float | None = Field(description="不符 / judged")
    lower: float | None
    upper: float | None
    rate_with_doubtful: float | None = Field(description="(不符 + 存疑) / judged")


class Rates(BaseModel):
    method: Method
    level: float
    by_unit: list[Rate]
    overall: Rate
    weighted_rate: float | None = Field(description="stratified estimate of the frame's discrepancy rate")
    pending: int = Field(description="sampled items not yet judged")


def _rate(group: str, items: list[JudgedItem], method: Method, level: float) -> Rate:
    judged = [i for i in items if i.verdict is not None]
    x = sum(1 for i in judged if i.verdict == "discrepant")
    d = sum(1 for i in judged if i.verdict == "doubtful")
    n = len(judged)
    ci = interval(x, n, method=method, level=level)
    return Rate(group=group, sampled=len(items), judged=n, verified=n - x - d, discrepant=x, doubtful=d,
                rate=x / n if n else None, lower=ci[0] if ci else None, upper=ci[1] if ci else None,
                rate_with_doubtful=(x + d) / n if n else None)


def rates(items: list[JudgedItem], *, method: Method = "wilson", level: float = 0.95) -> Rates:
    """Rates by unit (sorted by unit name) and overall, with intervals by ``method``."""
    units: dict[str, list[JudgedItem]] = {}
    for i in items:
        units.setdefault(i.unit, []).append(i)
    by_unit = [_rate(u, units[u], method, level) for u in sorted(units)]
    overall = _rate("全部", items, method, level)
    # stratified (weighted) estimate: sum_h W_h p_h over strata with judged items
    strata: dict[str, list[JudgedItem]] = {}
    for i in items:
        strata.setdefault(i.stratum, []).append(i)
    num = den = 0.0
    for members in strata.values():
        judged = [i for i in members if i.verdict is not None]
        if not judged:
            continue
        size = sum(i.weight for i in members)  # N_h, the stratum's frame size
        num += size * sum(1 for i in judged if i.verdict == "discrepant") / len(judged)
        den += size
    return Rates(method=method, level=level, by_unit=by_unit, overall=overall,
                 weighted_rate=num / den if den else None, pending=sum(1 for i in items if i.verdict is None))


def parse_verdict(text: str) -> Verdict:
    key = (text or "").strip()
    if key in VERDICT_ALIASES:
        return VERDICT_ALIASES[key]  # type: ignore[return-value]
    from innodrive.errors import InputError

    raise InputError(f"无法识别的核查结论“{text}”；应为 核实、不符 或 存疑", field="verdict")
