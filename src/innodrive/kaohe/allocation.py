"""The tie to money: a fund split by the 考核 results under a declared rule (a simulation).

决定 §27 ties results to 项目安排 and 资金扶持. Before the office proposes a split, it
runs the declared rule (:class:`~innodrive.kaohe.scheme.AllocationRule`) on the
results and exports the table; changing the pool or the floor is a what-if. Pure.

Amounts are rounded to the rule's decimals by the largest-remainder method (ties in
the remainder go to the higher weight, then to the better rank), so the amounts add
up to the pool exactly and anyone can recompute them by hand. A unit capped by
``max_share`` gives the excess to the others in proportion to their weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from innodrive.errors import InputError
from innodrive.kaohe.scheme import AllocationRule


@dataclass(frozen=True)
class Entry:
    unit: str
    total: float
    grade: str
    rank: int
    vetoed: bool = False


@dataclass(frozen=True)
class Share:
    unit: str
    weight: float
    exact: float
    amount: float
    reason: str


def weights(entries: list[Entry], rule: AllocationRule) -> list[tuple[float, str]]:
    """Each unit's weight under the rule, with the reason in words."""
    out = []
    for e in entries:
        if e.vetoed and rule.method != "grade_coefficients":
            out.append((0.0, "一票否决，不参与分配"))
        elif rule.method == "above_floor":
            w = max(e.total - rule.floor, 0.0)
            out.append((w, f"得分 {e.total:.2f} − 基准线 {rule.floor:g} = {w:.2f}" if w > 0
                        else f"得分 {e.total:.2f} 未超过基准线 {rule.floor:g}，不参与分配"))
        elif rule.method == "proportional":
            ok = e.total >= rule.floor - 1e-9
            out.append((e.total if ok else 0.0, f"得分 {e.total:.2f}" if ok
                        else f"得分 {e.total:.2f} 低于基准线 {rule.floor:g}，不参与分配"))
        else:
            c = float(rule.coefficients.get(e.grade, 0.0))
            out.append((c, f"等次{e.grade}，系数 {c:g}"))
    return out


def _capped(ws: list[float], pool: float, cap: float | None) -> list[float]:
    total = sum(ws)
    if total <= 0:
        return [0.0] * len(ws)
    amounts = [pool * w / total for w in ws]
    if cap is None:
        return amounts
    limit = pool * cap
    fixed: set[int] = set()
    for _ in range(len(ws)):
        over = [i for i, a in enumerate(amounts) if i not in fixed and a > limit + 1e-9]
        if not over:
            break
        fixed |= set(over)
        rest = pool - limit * len(fixed)
        free_w = sum(w for i, w in enumerate(ws) if i not in fixed)
        amounts = [limit if i in fixed else (rest * w / free_w if free_w > 0 else 0.0) for i, w in enumerate(ws)]
    return amounts


def allocate(entries: list[Entry], rule: AllocationRule) -> list[Share]:
    """Split ``rule.pool`` among ``entries``; amounts sum to the pool (when anyone qualifies)."""
    scale = 10 ** rule.decimals
    units = rule.pool * scale
    if abs(units - round(units)) > 1e-6:
        raise InputError(f"资金总额 {rule.pool:g} 的小数位多于分配精度（{rule.decimals} 位小数）", field="pool")
    units = int(round(units))
    wr = weights(entries, rule)
    ws = [w for w, _ in wr]
    exact = _capped(ws, rule.pool, rule.max_share)
    if sum(ws) <= 0:
        return [Share(e.unit, 0.0, 0.0, 0.0, r + "；无单位达到分配条件，资金未分配") for e, (_, r) in zip(entries, wr, strict=True)]
    floors = [math.floor(a * scale + 1e-9) for a in exact]
    left = units - sum(floors)
    order = sorted(range(len(entries)), key=lambda i: (-(exact[i] * scale - floors[i]), -ws[i], entries[i].rank,
                                                      entries[i].unit))
    for i in order[:max(left, 0)]:
        floors[i] += 1
    total_w = sum(ws)
    out = []
    for i, e in enumerate(entries):
        amount = floors[i] / scale
        reason = wr[i][1]
        if ws[i] > 0:
            reason += (f"；占权重合计 {total_w:.2f} 的 {ws[i] / total_w:.2%}，"
                       f"{rule.pool:g} × {ws[i]:.2f} ÷ {total_w:.2f} = {exact[i]:.4f}")
            if rule.max_share is not None and exact[i] >= rule.pool * rule.max_share - 1e-9:
                reason += f"（封顶 {rule.max_share:.0%}）"
            reason += f"，取整后 {amount:.{rule.decimals}f} {rule.unit}"
        out.append(Share(e.unit, ws[i], exact[i], amount, reason))
    return out


__all__ = ["Entry", "Share", "allocate", "weights"]
