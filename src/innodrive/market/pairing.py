"""对接: a result recommended to an enterprise, followed to a registered contract.

A pairing moves forward through 推荐 → 联系 → 洽谈 → 签约 → 技术合同登记, each step dated
and signed by the 技术经纪人 who handled it; it may be closed (终止, with a reason) at
any step before registration. Steps may be skipped (a first meeting that is already a
negotiation), never reversed, and their dates never go backwards or into the future.
The last step is only reached by registering the technical contract
(:func:`register_contract`), whose amount then feeds the plan's indicators
(:mod:`innodrive.market.statistics`).

Pure rules (:func:`check_advance`, :func:`check_contract`) and the store side, which
runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.errors import Conflict, InputError, NotFound
from innodrive.market.db import ContractRow, DemandRow, PairingEventRow, PairingRow, ResultRow
from innodrive.market.statistics import ContractFact
from innodrive.market.terms import CONTRACT_TYPES, STAGE_NAMES, STAGES
from innodrive.store.schema import utcnow

DATE_FIELD = {"recommended": "recommended_on", "contacted": "contacted_on", "negotiating": "negotiating_on",
              "signed": "signed_on", "registered": "registered_on", "closed": "closed_on"}


class Step(BaseModel):
    stage: str
    stage_name: str
    on: dt.date
    broker: str | None
    note: str | None
    recorded_by: str


class ContractIn(BaseModel):
    registration_no: str = Field(min_length=1, max_length=64)   # 技术合同登记编号
    contract_type: str
    amount_wan: float = Field(gt=0)
    signed_on: dt.date
    registered_on: dt.date
    registry_office: str | None = None
    registry_region_code: str | None = None   # default: the seller's (the result holder's) 市
    major: bool = False
    major_basis: str | None = None


class Contract(BaseModel):
    id: int
    pairing_id: int
    registration_no: str
    contract_type: str
    amount_wan: float
    signed_on: dt.date
    registered_on: dt.date
    registry_office: str | None
    registry_region_code: str
    seller_region_code: str
    buyer_region_code: str
    major: bool
    major_basis: str | None


class Pairing(BaseModel):
    id: int
    result_id: int
    result_title: str
    demand_id: int | None
    demand_title: str | None          # hidden (None) for a confidential demand the actor may not see
    credit_code: str
    enterprise_name: str | None
    region_code: str | None
    stage: str
    stage_name: str
    broker: str | None
    score: float | None
    dates: dict[str, dt.date | None]
    close_reason: str | None
    steps: list[Step] = Field(default_factory=list)
    contract: Contract | None = None
    updated_at: dt.datetime


# --------------------------------------------------------------------------- rules

def latest_date(row: PairingRow) -> dt.date:
    return max(d for d in (getattr(row, f) for f in DATE_FIELD.values()) if d is not None)


def check_advance(current: str, to: str, on: dt.date, *, last: dt.date, today: dt.date) -> None:
    """Raise :class:`InputError`/:class:`Conflict` unless a pairing at ``current`` may move
    to ``to`` on ``on``."""
    if current in ("closed", "registered"):
        raise Conflict(f"该对接已{STAGE_NAMES[current]}，不能再变更")
    if to == "registered":
        raise InputError("进入“技术合同登记”须登记技术合同（登记编号、合同类型、成交额、签订和登记日期）")
    if to == "closed":
        pass
    elif to not in STAGES:
        raise InputError(f"未知的对接阶段“{to}”：应为{'、'.join(STAGE_NAMES[s] for s in STAGES)}或终止")
    elif STAGES.index(to) <= STAGES.index(current):
        raise Conflict(f"对接已处于“{STAGE_NAMES[current]}”，不能回到“{STAGE_NAMES[to]}”")
    if on > today:
        raise InputError(f"日期 {on.isoformat()} 晚于今天")
    if on < last:
        raise InputError(f"日期 {on.isoformat()} 早于上一步的日期 {last.isoformat()}")


def check_contract(c: ContractIn, *, last: dt.date, today: dt.date) -> None:
    if c.contract_type not in CONTRACT_TYPES:
        raise InputError(f"合同类型“{c.contract_type}”应为{'、'.join(CONTRACT_TYPES)}之一", field="合同类型")
    if c.registered_on < c.signed_on:
        raise InputError(f"登记日期 {c.registered_on} 早于签订日期 {c.signed_on}", field="登记日期")
    if c.registered_on > today:
        raise InputError(f"登记日期 {c.registered_on} 晚于今天", field="登记日期")
    if c.signed_on < last:
        raise InputError(f"签订日期 {c.signed_on} 早于对接上一步的日期 {last}", field="签订日期")
    if c.major and not (c.major_basis or "").strip():
        raise InputError("认定为重大科技成果转化须写明认定依据（文件或会议）", field="认定依据")


# --------------------------------------------------------------------------- store

def create(session: Session, *, result_id: int, credit_code: str, demand_id: int | None, region_code: str | None,
           on: dt.date, broker: str | None, score: float | None, note: str | None, actor: str) -> PairingRow:
    q = select(PairingRow.id).where(PairingRow.result_id == result_id, PairingRow.credit_code == credit_code,
                                    PairingRow.stage.not_in(["closed"]))
    q = q.where(PairingRow.demand_id.is_(None) if demand_id is None else PairingRow.demand_id == demand_id)
    existing = session.scalar(q)
    if existing is not None:
        raise Conflict(f"该成果与该企业{'的该需求' if demand_id else ''}已有进行中的对接（对接 #{existing}）")
    now = utcnow()
    row = PairingRow(result_id=result_id, demand_id=demand_id, credit_code=credit_code, region_code=region_code,
                     stage="recommended", broker=broker, score=score, recommended_on=on, created_at=now,
                     created_by=actor, updated_at=now, updated_by=actor)
    session.add(row)
    session.flush()
    session.add(PairingEventRow(pairing_id=row.id, stage="recommended", on=on, broker=broker, note=note,
                                recorded_at=now, recorded_by=actor))
    return row


def advance(session: Session, row: PairingRow, *, to: str, on: dt.date, broker: str | None, note: str | None,
            actor: str, today: dt.date) -> None:
    check_advance(row.stage, to, on, last=latest_date(row), today=today)
    if to == "closed" and not (note or "").strip():
        raise InputError("终止对接须写明原因")
    now = utcnow()
    setattr(row, DATE_FIELD[to], on)
    row.stage = to
    if to == "closed":
        row.close_reason = note
    if broker:
        row.broker = broker
    row.updated_at, row.updated_by = now, actor
    session.add(PairingEventRow(pairing_id=row.id, stage=to, on=on, broker=broker or row.broker, note=note,
                                recorded_at=now, recorded_by=actor))


def register_contract(session: Session, row: PairingRow, c: ContractIn, *, seller_region: str, registry_region: str,
                      actor: str, today: dt.date) -> ContractRow:
    if row.stage in ("closed", "registered"):
        raise Conflict(f"该对接已{STAGE_NAMES[row.stage]}，不能登记合同")
    last = latest_date(row)
    check_contract(c, last=last, today=today)
    if session.scalar(select(ContractRow.id).where(ContractRow.registration_no == c.registration_no.strip())):
        raise Conflict(f"技术合同登记编号 {c.registration_no} 已登记过")
    now = utcnow()
    if row.signed_on is None:
        row.signed_on = c.signed_on
        session.add(PairingEventRow(pairing_id=row.id, stage="signed", on=c.signed_on, broker=row.broker,
                                    note="随技术合同登记补记", recorded_at=now, recorded_by=actor))
    row.registered_on = c.registered_on
    row.stage = "registered"
    row.updated_at, row.updated_by = now, actor
    session.add(PairingEventRow(pairing_id=row.id, stage="registered", on=c.registered_on, broker=row.broker,
                                note=f"技术合同登记编号 {c.registration_no}", recorded_at=now, recorded_by=actor))
    contract = ContractRow(pairing_id=row.id, registration_no=c.registration_no.strip(), contract_type=c.contract_type,
                           amount_wan=c.amount_wan, signed_on=c.signed_on, registered_on=c.registered_on,
                           registry_office=c.registry_office, registry_region_code=registry_region,
                           seller_region_code=seller_region, buyer_region_code=row.region_code or seller_region,
                           major=c.major, major_basis=c.major_basis, recorded_at=now, recorded_by=actor,
                           updated_at=now, updated_by=actor)
    session.add(contract)
    session.flush()
    return contract


def contract_model(r: ContractRow) -> Contract:
    return Contract(id=r.id, pairing_id=r.pairing_id, registration_no=r.registration_no, contract_type=r.contract_type,
                    amount_wan=r.amount_wan, signed_on=r.signed_on, registered_on=r.registered_on,
                    registry_office=r.registry_office, registry_region_code=r.registry_region_code,
                    seller_region_code=r.seller_region_code, buyer_region_code=r.buyer_region_code, major=r.major,
                    major_basis=r.major_basis)


def facts_for_years(session: Session, years: set[int]) -> list[ContractFact]:
    """Every contract registered in these years, as the statistics need them."""
    out = []
    for r, result_id in session.execute(select(ContractRow, PairingRow.result_id)
                                        .join(PairingRow, PairingRow.id == ContractRow.pairing_id)):
        if r.registered_on.year in years:
            out.append(fact(r, result_id))
    return out


def fact(r: ContractRow, result_id: int) -> ContractFact:
    return ContractFact(id=r.id, result_id=result_id, registered_on=r.registered_on, amount_wan=r.amount_wan,
                        seller=r.seller_region_code, registry=r.registry_region_code, buyer=r.buyer_region_code,
                        major=r.major)


def get_row(session: Session, pairing_id: int) -> PairingRow:
    row = session.get(PairingRow, pairing_id)
    if row is None:
        raise NotFound(f"没有编号为 {pairing_id} 的对接记录")
    return row


def models(session: Session, rows: list[PairingRow], *, show_confidential: bool, with_steps: bool = False
           ) -> list[Pairing]:
    """Pairings as view models (demand titles of confidential demands hidden unless allowed)."""
    from innodrive.enterprises import directory

    if not rows:
        return []
    ids = [r.id for r in rows]
    results = dict(session.execute(select(ResultRow.id, ResultRow.title)
                                   .where(ResultRow.id.in_({r.result_id for r in rows}))).all())
    demand_ids = {r.demand_id for r in rows if r.demand_id}
    demands = {d.id: d for d in session.scalars(select(DemandRow).where(DemandRow.id.in_(demand_ids)))} \
        if demand_ids else {}
    names = {c: e.name for c, e in directory.get_many(session, {r.credit_code for r in rows}).items()}
    contracts = {c.pairing_id: c for c in session.scalars(select(ContractRow).where(ContractRow.pairing_id.in_(ids)))}
    steps: dict[int, list[Step]] = {}
    if with_steps:
        for e in session.scalars(select(PairingEventRow).where(PairingEventRow.pairing_id.in_(ids))
                                 .order_by(PairingEventRow.on, PairingEventRow.id)):
            steps.setdefault(e.pairing_id, []).append(Step(stage=e.stage, stage_name=STAGE_NAMES[e.stage], on=e.on,
                                                           broker=e.broker, note=e.note, recorded_by=e.recorded_by))
    out = []
    for r in rows:
        d = demands.get(r.demand_id) if r.demand_id else None
        hidden = d is not None and d.confidential and not show_confidential
        out.append(Pairing(
            id=r.id, result_id=r.result_id, result_title=results.get(r.result_id, ""), demand_id=r.demand_id,
            demand_title=None if (d is None or hidden) else d.title, credit_code=r.credit_code,
            enterprise_name=names.get(r.credit_code), region_code=r.region_code, stage=r.stage,
            stage_name=STAGE_NAMES[r.stage], broker=r.broker, score=r.score,
            dates={s: getattr(r, f) for s, f in DATE_FIELD.items()}, close_reason=r.close_reason,
            steps=steps.get(r.id, []), contract=contract_model(contracts[r.id]) if r.id in contracts else None,
            updated_at=r.updated_at))
    return out
