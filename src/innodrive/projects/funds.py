"""Contracts, milestones and tranches: the rules money moves by.

A contract's financial support (财政资金) is the amount selected and publicised; it is
split into tranches (分期拨付), each tied to a milestone. A tranche becomes payable only
when its milestone is accepted (验收通过); a ``start`` milestone (合同签订后拨付首期) is
accepted when the contract is signed. A tranche is paid once, in full; the sum of the
tranches equals the contract amount, so when the last one is paid the money is spent
exactly as contracted. A terminated contract may record a recovery (收回) of money paid.

Pure checks over plain values; the service keeps the ledger and the audit log.
"""

from __future__ import annotations

import datetime as dt

from innodrive.errors import Problem
from innodrive.projects.specs import ContractSpec


def money(v: float) -> float:
    """An amount in 万元 rounded to 元 (four decimals), so sums compare exactly."""
    return round(float(v) + 0.0, 4)


def contract_problems(spec: ContractSpec, *, amount: float, decided_on: dt.date | None = None,
                      file: str | None = None) -> list[Problem]:
    """Everything wrong with a contract for a selection of ``amount`` 万元."""
    out: list[Problem] = []

    def bad(message: str, field: str | None = None) -> None:
        out.append(Problem(message, file=file, field=field))

    if spec.ends_on <= spec.starts_on:
        bad("合同结束日期应晚于开始日期", "ends_on")
    if spec.signed_on > spec.starts_on:
        bad("合同签订日期不应晚于实施开始日期", "signed_on")
    if decided_on is not None and spec.signed_on < decided_on:
        bad(f"合同签订日期早于公示结束（{decided_on.isoformat()}）", "signed_on")
    total = money(sum(m.tranche for m in spec.milestones))
    if abs(total - money(amount)) > 1e-9:
        bad(f"各节点拨付金额合计 {total:g} 万元，应等于立项支持金额 {money(amount):g} 万元", "milestones")
    previous = None
    finals = [i for i, m in enumerate(spec.milestones) if m.kind == "final"]
    if len(finals) > 1:
        bad("只能有一个结题验收节点", "milestones")
    if finals and finals[0] != len(spec.milestones) - 1:
        bad("结题验收应为最后一个节点", "milestones")
    for i, m in enumerate(spec.milestones):
        where = f"milestones.{i}"
        if m.kind == "start":
            if i != 0:
                bad("启动节点（合同签订后拨付）应为第一个节点", where)
            continue
        if m.due_on < spec.starts_on or m.due_on > spec.ends_on:
            bad(f"节点“{m.title}”的日期 {m.due_on.isoformat()} 不在合同期 {spec.starts_on.isoformat()} 至 "
                f"{spec.ends_on.isoformat()} 内", f"{where}.due_on")
        if previous is not None and m.due_on < previous:
            bad(f"节点“{m.title}”早于前一个节点：节点应按时间先后排列", f"{where}.due_on")
        previous = m.due_on
        if not m.deliverables and m.kind in ("milestone", "final"):
            bad(f"节点“{m.title}”没有列出交付成果（考核指标）", f"{where}.deliverables")
    return out


def payable(*, tranche: float, accepted: bool, paid: float) -> str | None:
    """Why a tranche cannot be paid now (``None``: it can)."""
    if tranche <= 0:
        return "该节点没有拨付金额"
    if not accepted:
        return "节点尚未验收通过，不能拨付"
    if paid > 0:
        return f"该节点资金已拨付 {paid:g} 万元，不能重复拨付"
    return None
