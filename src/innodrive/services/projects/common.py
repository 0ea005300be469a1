"""Shared lookups of the project use cases: rows by code, scope checks, row → view."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innodrive.errors import NotFound
from innodrive.projects.db import (
    ApplicationRow,
    AssignmentRow,
    AttachmentRow,
    CallRow,
    ContractRow,
    ExpertRow,
    PublicityRow,
    SelectionRow,
)
from innodrive.projects.eligibility import Eligibility
from innodrive.projects.specs import (
    APPLICANT_KINDS,
    CALL_KINDS,
    BudgetLine,
    CallSpec,
    CreditCheck,
    Member,
    Partner,
    ProposedMilestone,
)
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.services.projects.views import (
    STAGE_LABELS,
    ApplicationSummary,
    ApplicationView,
    AttachmentView,
    CallSummary,
    CallView,
    ExpertView,
    RuleLine,
    TaskRef,
)


def today() -> dt.date:
    return dt.date.today()


def region_code_of(text: str) -> str:
    """A region name or code → its code (the one region resolver), or a clear error."""
    from innodrive.regions import resolve

    return resolve(text, field="region").code


def region_name(code: str | None) -> str | None:
    from innodrive.regions import all_regions

    r = all_regions().get(code) if code else None
    return r.name if r else None


# --------------------------------------------------------------------------- rows


def call_row(session: Session, code: str) -> CallRow:
    row = session.scalar(select(CallRow).where(CallRow.code == (code or "").strip()))
    if row is None:
        raise NotFound(f"没有编号为“{code}”的榜单")
    return row


def app_row(session: Session, code: str) -> ApplicationRow:
    row = session.scalar(select(ApplicationRow).where(ApplicationRow.code == (code or "").strip()))
    if row is None:
        raise NotFound(f"没有编号为“{code}”的申报")
    return row


def contract_row(session: Session, code: str) -> ContractRow:
    row = session.scalar(select(ContractRow).where(ContractRow.code == (code or "").strip()))
    if row is None:
        raise NotFound(f"没有编号为“{code}”的项目合同")
    return row


def expert_row(session: Session, expert_id: int) -> ExpertRow:
    row = session.get(ExpertRow, expert_id)
    if row is None:
        raise NotFound(f"没有编号为 {expert_id} 的评审专家")
    return row


def guard(actor: Actor, permission: str, call: CallRow, what: str | None = None) -> None:
    """Rights over a call's region (and everything belonging to the call)."""
    require(actor, permission, region_code=call.region_code, check_region=True, what=what or call.title)


def spec_of(call: CallRow) -> CallSpec:
    return CallSpec.model_validate(call.spec)


# --------------------------------------------------------------------------- stages


def call_stage(session: Session, call: CallRow, on: dt.date) -> str:
    """Where a call stands, derived from its data (nothing to keep in step)."""
    states = set(session.scalars(select(SelectionRow.state).where(SelectionRow.call_id == call.id)))
    if session.scalar(select(PublicityRow.id).where(PublicityRow.call_id == call.id, PublicityRow.state == "open")):
        return "publicity"
    if "confirmed" in states:
        return "decided"
    assigned = session.scalar(select(func.count(AssignmentRow.id)).join(
        ApplicationRow, ApplicationRow.id == AssignmentRow.application_id).where(ApplicationRow.call_id == call.id))
    if assigned:
        return "review"
    if on < call.opens_on:
        return "upcoming"
    return "open" if on <= call.deadline else "closed"


def task_ref(session: Session, task_id: int | None) -> TaskRef | None:
    if task_id is None:
        return None
    from innodrive.store.schema import PlanRow, TaskRow

    row = session.get(TaskRow, task_id)
    if row is None:
        return None
    plan = session.get(PlanRow, row.plan_id)
    return TaskRef(id=row.id, title=row.title, plan_title=plan.title if plan else None, active=row.active)


def call_summary(session: Session, call: CallRow, on: dt.date) -> CallSummary:
    count = session.scalar(select(func.count(ApplicationRow.id)).where(ApplicationRow.call_id == call.id)) or 0
    stage = call_stage(session, call, on)
    return CallSummary(
        code=call.code, title=call.title, kind=call.kind, kind_label=CALL_KINDS[call.kind], issuer=call.issuer,
        region_code=call.region_code, region_name=region_name(call.region_code), field=call.field,
        quota=call.quota, max_awards=call.max_awards, opens_on=call.opens_on, deadline=call.deadline, stage=stage,
        stage_label=STAGE_LABELS[stage], applications=count, constructed=call.constructed,
    )


def call_view(session: Session, call: CallRow, on: dt.date) -> CallView:
    spec = spec_of(call)
    rules = [RuleLine(id=cid, label=d.get("label", cid), basis=d.get("basis") or d.get("article"),
                      test=d.get("test"), all=d.get("all"), any=d.get("any"))
             for cid, d in spec.eligibility.items()]
    return CallView(
        **call_summary(session, call, on).model_dump(), problem=call.problem, source=call.source,
        plan_task=task_ref(session, call.plan_task_id), eligibility=rules, criteria=spec.criteria,
        review=spec.review, publicity_days=spec.publicity_days, max_total=spec.max_total,
    )


def attachments_of(session: Session, owner_kind: str, owner_id: int) -> list[AttachmentView]:
    rows = session.scalars(select(AttachmentRow).where(AttachmentRow.owner_kind == owner_kind,
                                                       AttachmentRow.owner_id == owner_id).order_by(AttachmentRow.id))
    return [AttachmentView(id=r.id, file_name=r.file_name, sha256=r.sha256, size=r.size, kind=r.kind,
                           blind_ok=r.blind_ok) for r in rows]


def file_attachments(session: Session, owner_kind: str, owner_id: int, items, *, actor: Actor) -> None:
    """Record stored blobs as attachments of an application, a check or an output.

    ``items``: ``(name, kind, blind_ok, data, key)`` for files already put in the blob store."""
    from innodrive.store.schema import utcnow

    for name, kind, blind_ok, data, key in items:
        session.add(AttachmentRow(owner_kind=owner_kind, owner_id=owner_id, file_name=name, sha256=key,
                                  size=len(data), kind=kind, blind_ok=blind_ok, added_at=utcnow(),
                                  added_by=actor.username))


def selection_state(session: Session, app_id: int) -> str | None:
    return session.scalar(select(SelectionRow.state).where(SelectionRow.application_id == app_id))


def app_summary(session: Session, row: ApplicationRow, call: CallRow) -> ApplicationSummary:
    from innodrive.enterprises.states import STATE_LABELS

    return ApplicationSummary(
        code=row.code, blind_code=row.blind_code, call_code=call.code, title=row.title,
        applicant_kind=row.applicant_kind, applicant=row.org_name, credit_code=row.credit_code,
        region_code=row.region_code, requested=row.requested, self_funding=row.self_funding,
        received_on=row.received_on, eligibility_state=row.eligibility_state,
        eligibility_label=STATE_LABELS.get(row.eligibility_state, row.eligibility_state), withdrawn=row.withdrawn,
        selection=selection_state(session, row.id), constructed=row.constructed,
    )


def app_view(session: Session, row: ApplicationRow, call: CallRow) -> ApplicationView:
    reviewers = session.scalar(select(func.count(AssignmentRow.id)).where(
        AssignmentRow.application_id == row.id, AssignmentRow.state == "assigned")) or 0
    return ApplicationView(
        **app_summary(session, row, call).model_dump(), summary=row.summary,
        partners=[Partner.model_validate(p) for p in row.partners],
        members=[Member.model_validate(m) for m in row.members],
        budget=[BudgetLine.model_validate(b) for b in row.budget], duration_months=row.duration_months,
        milestones=[ProposedMilestone.model_validate(m) for m in row.milestones],
        credit_check=CreditCheck.model_validate(row.credit_check),
        eligibility=Eligibility.model_validate(row.eligibility),
        attachments=attachments_of(session, "application", row.id), reviewers=reviewers,
        second_look=row.second_look,
    )


def expert_view(row: ExpertRow) -> ExpertView:
    return ExpertView(id=row.id, name=row.name, affiliation=row.affiliation, affiliation_code=row.affiliation_code,
                      title=row.title, fields=list(row.fields), posts=list(row.posts),
                      collaborations=row.collaborations, max_load=row.max_load, username=row.username,
                      active=row.active)


def applicant_kind_label(kind: str) -> str:
    return APPLICANT_KINDS.get(kind, kind)
