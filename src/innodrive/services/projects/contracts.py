"""Use cases of contracted projects: contract, 验收, money, outputs, lights.

Every money movement (a tranche disbursed, money recovered from a terminated project)
is one ledger row and one audit entry in the same transaction, with the amounts paid
before and after; a tranche is paid only once its milestone is accepted, and only in
full, so the ledger of a finished project adds up to its contract exactly.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.blobs import BlobStore, default_blob_store
from innodrive.errors import Conflict, InputError, NotFound, ValidationFailed
from innodrive.projects import lights
from innodrive.projects import outputs as out_kinds
from innodrive.projects.db import (
    ApplicationRow,
    CallRow,
    CheckRow,
    ContractRow,
    MilestoneRow,
    OutputRow,
    PaymentRow,
    PublicityRow,
    SelectionRow,
)
from innodrive.projects.funds import contract_problems, money, payable
from innodrive.projects.specs import MILESTONE_KINDS, ContractSpec
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.services.projects.applications import NewAttachment
from innodrive.services.projects.common import app_row, contract_row, file_attachments, guard, task_ref, today
from innodrive.services.projects.views import (
    CONCLUSION_LABELS,
    PAYMENT_LABELS,
    CheckView,
    MilestoneView,
    OutputResult,
    OutputView,
    PaymentView,
    ProjectLine,
    ProjectStatus,
    ProjectView,
)
from innodrive.store import audit
from innodrive.store.schema import utcnow
from innodrive.tracking.models import LIGHT_NAMES

CONCLUSIONS = {"pass": "pass", "通过": "pass", "rectify": "rectify", "整改": "rectify", "限期整改": "rectify",
               "fail": "fail", "不通过": "fail"}


def _call_of(session: Session, contract: ContractRow) -> tuple[CallRow, ApplicationRow]:
    app = session.get(ApplicationRow, contract.application_id)
    return session.get(CallRow, app.call_id), app


def _open_contract(session: Session, actor: Actor, code: str, *, action: str) -> ContractRow:
    """A contract of the actor's region that is not terminated (else why ``action`` cannot be done)."""
    contract = contract_row(session, code)
    call, _ = _call_of(session, contract)
    guard(actor, "projects.contracts", call)
    if contract.state == "terminated":
        raise Conflict(f"合同 {contract.code} 已终止，不能{action}")
    return contract


def _milestones(session: Session, contract: ContractRow) -> list[MilestoneRow]:
    return list(session.scalars(select(MilestoneRow).where(MilestoneRow.contract_id == contract.id)
                                .order_by(MilestoneRow.ordinal)))


def _milestone(session: Session, contract: ContractRow, ordinal: int) -> MilestoneRow:
    ms = _milestones(session, contract)
    for m in ms:
        if m.ordinal == ordinal:
            return m
    raise NotFound(f"合同 {contract.code} 没有第 {ordinal} 个节点（共 {len(ms)} 个）", field="milestone")


def _paid(session: Session, contract: ContractRow, milestone_id: int | None = None,
          as_of: dt.date | None = None) -> float:
    """Net money paid (disbursed minus recovered), optionally for one milestone or up to a date."""
    q = select(PaymentRow).where(PaymentRow.contract_id == contract.id)
    if milestone_id is not None:
        q = q.where(PaymentRow.milestone_id == milestone_id)
    if as_of is not None:
        q = q.where(PaymentRow.paid_on <= as_of)
    return money(sum(p.amount if p.kind == "disburse" else -p.amount for p in session.scalars(q)))


# --------------------------------------------------------------------------- contract


def sign_contract(store, actor: Actor, code: str, spec: ContractSpec, *, file: str | None = None) -> ProjectView:
    """Sign the contract of a confirmed (立项) application: milestones, deliverables, tranches."""
    require(actor, "projects.contracts")

    def work(session: Session) -> ProjectView:
        app = app_row(session, code)
        call = session.get(CallRow, app.call_id)
        guard(actor, "projects.contracts", call)
        sel = session.scalar(select(SelectionRow).where(SelectionRow.application_id == app.id))
        if sel is None or sel.state != "confirmed":
            raise Conflict(f"申报 {app.code} 尚未立项（须公示期满且无异议成立），不能签订合同")
        if session.scalar(select(ContractRow.id).where(ContractRow.application_id == app.id)):
            raise Conflict(f"申报 {app.code} 已签订合同")
        if session.scalar(select(ContractRow.id).where(ContractRow.code == spec.code)):
            raise Conflict(f"合同编号“{spec.code}”已存在", file=file, field="code")
        pub = session.get(PublicityRow, sel.publicity_id) if sel.publicity_id else None
        problems = contract_problems(spec, amount=sel.amount, decided_on=pub.ends_on if pub else None, file=file)
        if problems:
            raise ValidationFailed(f"合同有 {len(problems)} 处问题：{problems[0].message}", file=file, problems=problems)
        contract = ContractRow(application_id=app.id, code=spec.code, signed_on=spec.signed_on,
                               starts_on=spec.starts_on, ends_on=spec.ends_on, amount=sel.amount, state="active",
                               created_at=utcnow(), created_by=actor.username)
        session.add(contract)
        session.flush()
        for i, m in enumerate(spec.milestones, start=1):
            row = MilestoneRow(contract_id=contract.id, ordinal=i, title=m.title, kind=m.kind,
                               due_on=spec.signed_on if m.kind == "start" else m.due_on,
                               deliverables=list(m.deliverables), tranche=money(m.tranche),
                               accepted_on=spec.signed_on if m.kind == "start" else None)
            session.add(row)
            session.flush()
            if m.kind == "start":
                session.add(CheckRow(contract_id=contract.id, milestone_id=row.id, held_on=spec.signed_on,
                                     conclusion="pass", comments="合同签订", experts=[], recorded_at=utcnow(),
                                     recorded_by=actor.username))
        session.flush()
        audit.record(session, actor=actor.username, action="project_contract.sign", entity="project_contract",
                     entity_id=contract.id,
                     summary=f"签订合同 {spec.code}（申报 {app.code}“{app.title}”，{app.org_name}），财政资金 "
                             f"{sel.amount:g} 万元，{len(spec.milestones)} 个节点",
                     after=spec.model_dump(mode="json"))
        return _project_view(session, contract, today())

    return store.run(work)


def record_check(store, actor: Actor, contract_code: str, milestone: int, *, held_on: dt.date, conclusion: str,
                 comments: str, experts: list[str] | None = None, attachments: list[NewAttachment] | None = None,
                 blobs: BlobStore | None = None) -> ProjectView:
    """Record a 验收 of a milestone (节点验收, 中期检查, 结题验收)."""
    require(actor, "projects.contracts")
    result = CONCLUSIONS.get((conclusion or "").strip())
    if result is None:
        raise InputError(f"验收结论“{conclusion}”无法识别：应为 通过、整改 或 不通过", field="conclusion")
    if not (comments or "").strip():
        raise InputError("请填写验收意见", field="comments")
    refs = [(a, (blobs or default_blob_store()).put(a.data)) for a in attachments or []]

    def work(session: Session) -> ProjectView:
        contract = _open_contract(session, actor, contract_code, action="验收")
        m = _milestone(session, contract, milestone)
        if m.accepted_on is not None:
            raise Conflict(f"节点“{m.title}”已于 {m.accepted_on.isoformat()} 验收通过")
        if held_on < contract.signed_on:
            raise Conflict(f"验收日期 {held_on.isoformat()} 早于合同签订日期 {contract.signed_on.isoformat()}")
        if result == "pass" and m.kind == "final":
            open_ = [x.title for x in _milestones(session, contract) if x.id != m.id and x.accepted_on is None]
            if open_:
                raise Conflict(f"还有节点未验收通过（{'、'.join(open_)}），不能结题")
        check = CheckRow(contract_id=contract.id, milestone_id=m.id, held_on=held_on, conclusion=result,
                         comments=comments.strip(), experts=[e.strip() for e in experts or [] if e.strip()],
                         recorded_at=utcnow(), recorded_by=actor.username)
        session.add(check)
        session.flush()
        file_attachments(session, "check", check.id, [(a.name, a.kind, False, a.data, key) for a, key in refs],
                         actor=actor)
        before = {"accepted_on": None, "state": contract.state}
        if result == "pass":
            m.accepted_on = held_on
            if m.kind == "final":
                contract.state = "completed"
        audit.record(session, actor=actor.username, action="project_contract.check", entity="project_contract",
                     entity_id=contract.id,
                     summary=f"合同 {contract.code} {MILESTONE_KINDS[m.kind]}“{m.title}”（{held_on.isoformat()}）："
                             f"{CONCLUSION_LABELS[result]}。{comments.strip()}",
                     before=before, after={"accepted_on": m.accepted_on, "state": contract.state,
                                           "conclusion": result, "attachments": [key for _, key in refs]})
        session.flush()
        return _project_view(session, contract, today())

    return store.run(work)


def disburse(store, actor: Actor, contract_code: str, milestone: int, *, paid_on: dt.date, voucher: str,
             note: str | None = None) -> ProjectView:
    """Pay the tranche of an accepted milestone (拨付), in full and once."""
    require(actor, "projects.contracts")
    if not (voucher or "").strip():
        raise InputError("请填写拨付凭证号（国库支付或转账凭证）", field="voucher")

    def work(session: Session) -> ProjectView:
        contract = _open_contract(session, actor, contract_code, action="拨付")
        m = _milestone(session, contract, milestone)
        why = payable(tranche=m.tranche, accepted=m.accepted_on is not None, paid=_paid(session, contract, m.id))
        if why:
            raise Conflict(f"节点“{m.title}”：{why}")
        if paid_on < m.accepted_on:
            raise Conflict(f"拨付日期 {paid_on.isoformat()} 早于验收通过日期 {m.accepted_on.isoformat()}")
        before = _paid(session, contract)
        after = money(before + m.tranche)
        if after > money(contract.amount):  # pragma: no cover - tranches sum to the contract (checked on signing)
            raise Conflict(f"累计拨付将超过合同金额 {contract.amount:g} 万元")
        row = PaymentRow(contract_id=contract.id, milestone_id=m.id, kind="disburse", amount=m.tranche,
                         paid_on=paid_on, voucher=voucher.strip(), note=(note or "").strip() or None,
                         recorded_at=utcnow(), recorded_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(session, actor=actor.username, action="project_funds.disburse", entity="project_contract",
                     entity_id=contract.id,
                     summary=f"合同 {contract.code} 第 {m.ordinal} 期拨付 {m.tranche:g} 万元（节点“{m.title}”，"
                             f"凭证 {voucher.strip()}，{paid_on.isoformat()}），累计 {after:g}/{contract.amount:g} 万元",
                     before={"paid": before}, after={"paid": after, "amount": m.tranche, "payment_id": row.id,
                                                     "milestone": m.ordinal, "voucher": voucher.strip(),
                                                     "paid_on": paid_on})
        return _project_view(session, contract, today())

    return store.run(work)


def terminate(store, actor: Actor, contract_code: str, *, on: dt.date, reason: str, recover: float = 0.0,
              voucher: str | None = None) -> ProjectView:
    """Terminate a contract (终止), recording any money recovered (收回)."""
    require(actor, "projects.contracts")
    if not (reason or "").strip():
        raise InputError("请填写终止原因", field="reason")
    recover = money(recover)
    if recover < 0:
        raise InputError("收回金额不能为负", field="recover")
    if recover > 0 and not (voucher or "").strip():
        raise InputError("收回资金须填写凭证号", field="voucher")

    def work(session: Session) -> ProjectView:
        contract = contract_row(session, contract_code)
        call, _ = _call_of(session, contract)
        guard(actor, "projects.contracts", call)
        if contract.state != "active":
            raise Conflict(f"合同 {contract.code} 已{('结题' if contract.state == 'completed' else '终止')}，不能终止")
        paid = _paid(session, contract)
        if recover > paid:
            raise Conflict(f"收回金额 {recover:g} 万元超过已拨付金额 {paid:g} 万元")
        contract.state, contract.note = "terminated", f"{on.isoformat()} 终止：{reason.strip()}"
        audit.record(session, actor=actor.username, action="project_contract.terminate", entity="project_contract",
                     entity_id=contract.id, summary=f"合同 {contract.code} 终止：{reason.strip()}",
                     before={"state": "active"}, after={"state": "terminated", "on": on, "reason": reason.strip()})
        if recover > 0:
            row = PaymentRow(contract_id=contract.id, milestone_id=None, kind="recover", amount=recover, paid_on=on,
                             voucher=(voucher or "").strip(), note=reason.strip(), recorded_at=utcnow(),
                             recorded_by=actor.username)
            session.add(row)
            session.flush()
            audit.record(session, actor=actor.username, action="project_funds.recover", entity="project_contract",
                         entity_id=contract.id,
                         summary=f"合同 {contract.code} 收回资金 {recover:g} 万元（凭证 {row.voucher}），"
                                 f"净拨付 {money(paid - recover):g} 万元",
                         before={"paid": paid}, after={"paid": money(paid - recover), "amount": -recover,
                                                       "payment_id": row.id, "voucher": row.voucher})
        return _project_view(session, contract, today())

    return store.run(work)


# --------------------------------------------------------------------------- outputs


def _recount(session: Session, actor: Actor, region_code: str, keys: set[tuple[str, str]]) -> list[dict]:
    """Store the totals of (indicator, year) keys of a region as observations with their source."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.derivation import refresh
    from innodrive.indicators.observations import NewValue, apply_changes, current_by_key, plan_changes

    items = []
    rows = session.execute(select(OutputRow, ContractRow, CallRow)
                           .join(ContractRow, ContractRow.id == OutputRow.contract_id)
                           .join(ApplicationRow, ApplicationRow.id == ContractRow.application_id)
                           .join(CallRow, CallRow.id == ApplicationRow.call_id)
                           .where(CallRow.region_code == region_code)).all()
    for o, c, _ in rows:
        items.append(out_kinds.OutputItem(project=c.code, region_code=region_code, kind=o.kind, on=o.obtained_on,
                                          quantity=o.quantity, amount=o.amount))
    totals = out_kinds.totals(items)
    catalogue = load_catalogue()
    written = []
    for code, period in sorted(keys):
        total, projects = totals.get((region_code, code, period), (0.0, []))
        unit = catalogue.get(code).unit
        value = NewValue(region_code=region_code, indicator_code=code, period=period, value=total, unit=unit,
                         source=out_kinds.SOURCE, note=out_kinds.note_text(projects))
        current = current_by_key(session, indicator_codes=[code], region_codes=[region_code])
        [change] = plan_changes([value], {value.key: current[value.key]} if value.key in current else {})
        if change.kind not in ("add", "revise"):
            continue  # unchanged (or the same value already stated by another source)
        if change.kind == "add" and total == 0:
            continue  # nothing was counted before and nothing is now: no value to state
        apply_changes(session, [change], origin="reported", actor=actor.username, batch_id=None)
        refresh(session, [change], actor=actor.username, batch_id=None)
        before = {"value": change.before.value, "source": change.before.source} if change.before else None
        audit.record(session, actor=actor.username,
                     action="observation.revise" if change.before else "observation.add", entity="observation",
                     entity_id="/".join(value.key),
                     summary=f"{'更新' if change.before else '录入'} {region_code} {code} {period} = {total:g}{unit}"
                             f"（科技项目成果登记）", before=before,
                     after={"value": total, "unit": unit, "source": value.source, "note": value.note})
        written.append({"indicator": code, "period": period, "value": total, "unit": unit, "change": change.kind})
    return written


def add_output(store, actor: Actor, contract_code: str, *, kind: str, title: str, obtained_on: dt.date,
               identifier: str | None = None, quantity: float = 1.0, amount: float | None = None,
               note: str | None = None, attachments: list[NewAttachment] | None = None,
               blobs: BlobStore | None = None) -> OutputResult:
    """Register an output of a project; the indicators it counts in are updated with it."""
    require(actor, "projects.outputs")
    k = out_kinds.kinds()[out_kinds.kind_id(kind)]
    if not (title or "").strip():
        raise InputError("请填写成果名称", field="title")
    if k.measure == "amount":
        if amount is None or amount <= 0:
            raise InputError(f"{k.label}须填写金额（{k.unit}）", field="amount")
        quantity = 1.0
    else:
        if quantity <= 0 or quantity != int(quantity):
            raise InputError(f"{k.label}的数量应为正整数", field="quantity")
        amount = None
    refs = [(a, (blobs or default_blob_store()).put(a.data)) for a in attachments or []]

    def work(session: Session) -> OutputResult:
        contract = contract_row(session, contract_code)
        call, _ = _call_of(session, contract)
        guard(actor, "projects.outputs", call)
        if obtained_on < contract.starts_on:
            raise Conflict(f"成果取得日期 {obtained_on.isoformat()} 早于项目开始日期 {contract.starts_on.isoformat()}，"
                           "不属于本项目成果")
        ident = (identifier or "").strip() or None
        if ident:
            dup = session.scalar(select(OutputRow).where(OutputRow.kind == k.id, OutputRow.identifier == ident))
            if dup is not None:
                other = session.get(ContractRow, dup.contract_id)
                raise Conflict(f"{k.label}“{ident}”已登记在项目 {other.code} 下，不能重复计数")
        row = OutputRow(contract_id=contract.id, kind=k.id, title=title.strip(), identifier=ident,
                        obtained_on=obtained_on, quantity=quantity, amount=None if amount is None else money(amount),
                        note=(note or "").strip() or None, recorded_at=utcnow(), recorded_by=actor.username)
        session.add(row)
        session.flush()
        file_attachments(session, "output", row.id, [(a.name, a.kind, False, a.data, key) for a, key in refs],
                         actor=actor)
        audit.record(session, actor=actor.username, action="project_output.add", entity="project_contract",
                     entity_id=contract.id,
                     summary=f"项目 {contract.code} 登记成果：{k.label}“{row.title}”"
                             + (f"（{ident}）" if ident else "")
                             + (f"，{amount:g}{k.unit}" if amount is not None else f"，{quantity:g}{k.unit}"),
                     after={"output_id": row.id, "kind": k.id, "obtained_on": obtained_on, "quantity": quantity,
                            "amount": amount, "identifier": ident})
        written = _recount(session, actor, call.region_code, {(c, str(obtained_on.year)) for c in k.indicators})
        return OutputResult(output=_output_view(row), observations=written)

    return store.run(work)


def remove_output(store, actor: Actor, output_id: int, *, reason: str) -> OutputResult:
    """Remove a wrongly registered output; the indicators are counted again without it."""
    require(actor, "projects.outputs")
    if not (reason or "").strip():
        raise InputError("请填写删除原因", field="reason")

    def work(session: Session) -> OutputResult:
        row = session.get(OutputRow, output_id)
        if row is None:
            raise NotFound(f"没有编号为 {output_id} 的项目成果")
        contract = session.get(ContractRow, row.contract_id)
        call, _ = _call_of(session, contract)
        guard(actor, "projects.outputs", call)
        view = _output_view(row)
        k = out_kinds.kinds()[row.kind]
        session.delete(row)
        session.flush()
        audit.record(session, actor=actor.username, action="project_output.remove", entity="project_contract",
                     entity_id=contract.id, summary=f"项目 {contract.code} 删除成果“{view.title}”：{reason.strip()}",
                     before=view.model_dump(mode="json"), after=None)
        written = _recount(session, actor, call.region_code, {(c, str(view.obtained_on.year)) for c in k.indicators})
        return OutputResult(output=view, observations=written)

    return store.run(work)


def _output_view(row: OutputRow) -> OutputView:
    k = out_kinds.kinds()[row.kind]
    return OutputView(id=row.id, kind=row.kind, kind_label=k.label, title=row.title, identifier=row.identifier,
                      obtained_on=row.obtained_on, quantity=row.quantity, amount=row.amount, unit=k.unit,
                      indicators=list(k.indicators))


# --------------------------------------------------------------------------- views


def _status(session: Session, contract: ContractRow, ms: list[MilestoneRow], checks: list[CheckRow],
            as_of: dt.date, title: str) -> ProjectStatus:
    kinds = {m.id: m.kind for m in ms}
    accepted = {m.id: m.accepted_on if m.accepted_on is not None and m.accepted_on <= as_of else None for m in ms}
    st = lights.project_status(
        key=contract.code, title=title, starts_on=contract.starts_on, ends_on=contract.ends_on,
        milestones=[lights.MilestoneState(title=m.title, due_on=m.due_on, accepted_on=accepted[m.id]) for m in ms],
        checks=[lights.CheckState(held_on=c.held_on, kind=kinds.get(c.milestone_id, "milestone"),
                                  conclusion=c.conclusion) for c in checks if c.held_on <= as_of],
        as_of=as_of)
    standing = lights.standing(st, terminated=contract.state == "terminated")
    nxt = next((m for m in ms if accepted[m.id] is None), None)
    return ProjectStatus(light="grey" if standing == "terminated" else st.light,
                         light_label=LIGHT_NAMES["grey" if standing == "terminated" else st.light],
                         label=st.label, standing=standing, standing_label=lights.STANDING_LABELS[standing],
                         reason=contract.note if standing == "terminated" and contract.note else st.reason,
                         next_milestone=nxt.title if nxt else None, next_due=nxt.due_on if nxt else None)


def _project_line(session: Session, contract: ContractRow, as_of: dt.date) -> ProjectLine:
    call, app = _call_of(session, contract)
    ms = _milestones(session, contract)
    checks = list(session.scalars(select(CheckRow).where(CheckRow.contract_id == contract.id).order_by(CheckRow.id)))
    return ProjectLine(code=contract.code, application_code=app.code, call_code=call.code, title=app.title,
                       applicant=app.org_name, amount=contract.amount, paid=_paid(session, contract, as_of=as_of),
                       ends_on=contract.ends_on, state=contract.state,
                       status=_status(session, contract, ms, checks, as_of, app.title),
                       plan_task=task_ref(session, call.plan_task_id))


def _project_view(session: Session, contract: ContractRow, as_of: dt.date) -> ProjectView:
    line = _project_line(session, contract, as_of)
    call, app = _call_of(session, contract)
    ms = _milestones(session, contract)
    by_id = {m.id: m for m in ms}
    checks = list(session.scalars(select(CheckRow).where(CheckRow.contract_id == contract.id).order_by(CheckRow.id)))
    payments = list(session.scalars(select(PaymentRow).where(PaymentRow.contract_id == contract.id)
                                    .order_by(PaymentRow.id)))
    outs = list(session.scalars(select(OutputRow).where(OutputRow.contract_id == contract.id).order_by(OutputRow.id)))
    return ProjectView(
        **line.model_dump(), signed_on=contract.signed_on, starts_on=contract.starts_on,
        milestones=[MilestoneView(id=m.id, ordinal=m.ordinal, title=m.title, kind=m.kind,
                                  kind_label=MILESTONE_KINDS[m.kind], due_on=m.due_on, deliverables=list(m.deliverables),
                                  tranche=m.tranche, accepted_on=m.accepted_on, paid=_paid(session, contract, m.id))
                    for m in ms],
        checks=[CheckView(id=c.id, milestone_id=c.milestone_id, milestone=by_id[c.milestone_id].title,
                          kind=by_id[c.milestone_id].kind, held_on=c.held_on, conclusion=c.conclusion,
                          conclusion_label=CONCLUSION_LABELS[c.conclusion], comments=c.comments,
                          experts=list(c.experts), recorded_by=c.recorded_by) for c in checks],
        payments=[PaymentView(id=p.id, milestone=by_id[p.milestone_id].title if p.milestone_id else None, kind=p.kind,
                              kind_label=PAYMENT_LABELS[p.kind], amount=p.amount, paid_on=p.paid_on,
                              voucher=p.voucher, note=p.note, recorded_by=p.recorded_by) for p in payments],
        outputs=[_output_view(o) for o in outs], balance=money(contract.amount - line.paid), note=contract.note,
        constructed=app.constructed,
    )


def get_project(store, actor: Actor, contract_code: str, *, as_of: dt.date | None = None) -> ProjectView:
    require(actor, "projects.read")
    with store.read() as session:
        contract = contract_row(session, contract_code)
        call, _ = _call_of(session, contract)
        guard(actor, "projects.read", call)
        return _project_view(session, contract, as_of or today())


def project_board(store, actor: Actor, *, as_of: dt.date | None = None, call_code: str | None = None,
                  task_id: int | None = None) -> list[ProjectLine]:
    """Every contracted project in the actor's region with its light (late first)."""
    require(actor, "projects.read")
    order = {"late": 0, "at_risk": 1, "on_time": 2, "not_started": 3, "completed": 4, "terminated": 5}
    with store.read() as session:
        q = (select(ContractRow, CallRow).join(ApplicationRow, ApplicationRow.id == ContractRow.application_id)
             .join(CallRow, CallRow.id == ApplicationRow.call_id).order_by(ContractRow.id))
        if call_code:
            q = q.where(CallRow.code == call_code)
        if task_id is not None:
            q = q.where(CallRow.plan_task_id == task_id)
        lines = [_project_line(session, c, as_of or today()) for c, call in session.execute(q)
                 if actor.covers(call.region_code)]
    return sorted(lines, key=lambda p: (order[p.status.standing], p.ends_on, p.code))
