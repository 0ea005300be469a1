"""Grades (优秀/良好/一般/较差) by the scheme's declared rule: score bands or quotas.

Pure functions over (unit, total, vetoed). A unit under a 一票否决 always takes the
lowest grade. Ranks are descending with ties sharing the better rank ("min" method),
vetoed units after all others, so a rank, a grade and the published table agree.

Quotas are applied in rank order with one pointer that only moves down: a unit gets
the best grade whose quota still has room and whose ``min_score`` it reaches; units
tied on the total share a grade, even if that takes a quota past its size (the rule
is declared, so the 通报 can say so). The quota of a grade is ``count`` units, or
``share`` × the group's size rounded by the scheme's ``rounding`` (floor by default:
"不超过 30%").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from innodrive.kaohe.scheme import GradeRule


@dataclass(frozen=True)
class Scored:
    unit: str
    total: float
    vetoed: bool = False


@dataclass(frozen=True)
class Graded:
    unit: str
    rank: int
    grade: str
    reason: str


def ranks(items: list[Scored]) -> dict[str, int]:
    """Rank 1 = best; equal totals share the better rank; vetoed units come last."""
    order = sorted(items, key=lambda s: (s.vetoed, -s.total))
    out: dict[str, int] = {}
    prev: tuple[bool, float] | None = None
    rank = 0
    for i, s in enumerate(order, start=1):
        key = (s.vetoed, round(s.total, 9))
        if key != prev:
            rank = i
            prev = key
        out[s.unit] = rank
    return out


def quota_sizes(rule: GradeRule, n: int) -> list[int]:
    """How many units each quota grade may take in a group of ``n``."""
    fn = {"floor": math.floor, "ceil": math.ceil, "round": lambda x: math.floor(x + 0.5)}[rule.rounding]
    return [q.count if q.count is not None else int(fn(q.share * n + 1e-9)) for q in rule.quotas]


def assign(items: list[Scored], rule: GradeRule) -> list[Graded]:
    """Every unit's rank and grade, with the reason in words, best first."""
    rk = ranks(items)
    order = sorted(items, key=lambda s: (rk[s.unit], s.unit))
    lowest = rule.lowest
    out: list[Graded] = []
    if rule.method == "bands":
        bands = sorted(rule.bands, key=lambda b: -b.min)
        for s in order:
            if s.vetoed:
                out.append(Graded(s.unit, rk[s.unit], lowest, f"一票否决，等次为{lowest}"))
                continue
            band = next((b for b in bands if s.total >= b.min - 1e-9), bands[-1])
            out.append(Graded(s.unit, rk[s.unit], band.name, f"总分 {s.total:.2f} ≥ {band.min:g}，等次为{band.name}"))
        return out
    sizes = quota_sizes(rule, len(items))
    used = [0] * len(sizes)
    k = 0
    i = 0
    while i < len(order):
        tied = [s for s in order[i:] if rk[s.unit] == rk[order[i].unit]]
        head = tied[0]
        if head.vetoed:
            for s in tied:
                out.append(Graded(s.unit, rk[s.unit], lowest, f"一票否决，等次为{lowest}"))
            i += len(tied)
            continue
        skipped: list[str] = []
        while k < len(sizes):
            q = rule.quotas[k]
            if used[k] >= sizes[k]:
                skipped.append(f"{q.name}名额 {sizes[k]} 个已满")
            elif q.min_score is not None and head.total < q.min_score - 1e-9:
                skipped.append(f"未达{q.name}最低分 {q.min_score:g}")
            else:
                break
            k += 1
        rank = rk[head.unit]
        if k < len(sizes):
            q = rule.quotas[k]
            grade = q.name
            used[k] += len(tied)
            share = f"{q.share:.0%}" if q.share is not None else f"{q.count} 个"
            floor = f"总分不低于{q.min_score:g}分" if q.min_score is not None else ""
            if sizes[k] >= len(items):  # no quota, only the score floor
                base = f"排名第 {rank} 位，{floor or '不受名额限制'}"
            else:
                base = f"排名第 {rank} 位，在{q.name}名额（{share}，{sizes[k]} 个）内" + (f"，{floor}" if floor else "")
        else:
            grade = rule.rest or lowest
            base = f"排名第 {rank} 位，不在各等次名额内"
        for s in tied:
            others = [t.unit for t in tied if t is not s]
            tie = f"（与{'、'.join(others)}并列）" if others else ""
            out.append(Graded(s.unit, rank, grade, "；".join([*skipped, base + tie]) + f"，等次为{grade}"))
        i += len(tied)
    return out


__all__ = ["Graded", "Scored", "assign", "quota_sizes", "ranks"]
