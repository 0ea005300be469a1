"""Use cases of applications (申报): entered by the office on the applicant's behalf.

Applicants do not log in in this version: the office enters what it received (on paper
or by mail) before the deadline, with the attachments. The applicant is an enterprise
of the directory (by 统一社会信用代码: its name, region, date of establishment and
latest screening verdicts come from there) or a 高校/院所 team. Eligibility is checked
automatically against the call's declared rules as at the deadline, with the reasons,
and can be checked again when the directory or the credit check changes.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select

from innodrive.blobs import BlobStore, default_blob_store, sha256_hex
from innodrive.enterprises import credit_code as cc
from innodrive.enterprises import directory
from innodrive.enterprises.rules import PROGRAMMES
from innodrive.enterprises.states import STATE_LABELS
from innodrive.errors import Conflict, Forbidden, InputError, NotFound
from innodrive.projects import eligibility as elig
from innodrive.projects.blind import anonymous_code
from innodrive.projects.db import ApplicationRow, AssignmentRow, AttachmentRow, CallRow, ExpertRow
from innodrive.projects.specs import ApplicationSpec, CreditCheck
from innodrive.services.access import require
from innodrive.services.actor import Actor, Role
from innodrive.services.projects.common import (
    app_row,
    app_summary,
    app_view,
    call_row,
    file_attachments,
    guard,
    region_code_of,
    spec_of,
)
from innodrive.services.projects.views import ApplicationSummary, ApplicationView
from innodrive.store import audit
from innodrive.store.schema import utcnow


class NewAttachment(BaseModel):
    """A file to attach: its name, bytes and what it is."""

    name: str
    data: bytes
    kind: str = "其他"
    blind: bool = False


# --------------------------------------------------------------------------- eligibility


def _facts(session, call: CallRow, *, kind: str, credit_code: str | None, region_code: str | None,
           credit_check: dict, requested: float, self_funding: float, members: list, partners: list,
           duration_months: int) -> tuple[dict, list[str]]:
    """The facts of an application for the eligibility rules, and where each came from."""
    from innodrive.projects.specs import Member
    from innodrive.regions import all_regions

    notes: list[str] = []
    established, verdicts = None, {}
    if kind == "enterprise":
        ent = directory.get(session, credit_code or "")
        if ent is None:
            raise NotFound(f"企业名录中没有统一社会信用代码为 {credit_code} 的企业：请先在企业名录中登记该企业",
                           field="applicant.credit_code")
        established, verdicts, region_code = ent.established, ent.verdicts or {}, ent.region_code
        notes.append(f"申报单位信息来自企业名录：{ent.name}（{ent.credit_code}）" +
                     (f"，来源 {ent.source}" if ent.source else ""))
        for programme, title in PROGRAMMES.items():
            v = verdicts.get(programme)
            if v:
                notes.append(f"{title}：{STATE_LABELS.get(v.get('state'), v.get('state'))}"
                             f"（规则 {v.get('version', '—')}，评价日 {v.get('on', '—')}）")
    in_region = all_regions().is_within(region_code, call.region_code) if region_code else None
    check = CreditCheck.model_validate(credit_check)
    if check.dishonest is not None:
        notes.append(f"信用核查：{'有失信记录' if check.dishonest else '无失信记录'}" +
                     (f"（{check.source}" + (f"，{check.checked_on.isoformat()}" if check.checked_on else "") + "）"
                      if check.source else ""))
    team = [Member.model_validate(m) for m in members]
    row = elig.facts_row(
        applicant_kind=kind, in_region=in_region, established=established, verdicts=verdicts,
        dishonest=check.dishonest, requested=requested, self_funding=self_funding, quota=call.quota,
        team_size=len(team), senior_members=sum(1 for m in team if m.is_senior), duration_months=duration_months,
        partners=len(partners))
    return row, notes


def _evaluate(session, call: CallRow, app: ApplicationRow) -> elig.Eligibility:
    spec = spec_of(call)
    rules = elig.build_rules(code=spec.code, title=spec.title, source=spec.source, eligibility=spec.eligibility)
    row, notes = _facts(session, call, kind=app.applicant_kind, credit_code=app.credit_code,
                        region_code=app.region_code, credit_check=app.credit_check, requested=app.requested,
                        self_funding=app.self_funding, members=app.members, partners=app.partners,
                        duration_months=app.duration_months)
    return elig.evaluate(rules, row, on=call.deadline, notes=notes)


# --------------------------------------------------------------------------- entering


def enter_application(store, actor: Actor, spec: ApplicationSpec, *, attachments: list[NewAttachment] | None = None,
                      file: str | None = None, blobs: BlobStore | None = None) -> ApplicationView:
    """Enter an application received before the call's deadline; check its eligibility."""
    require(actor, "projects.apply")
    attachments = list(attachments or [])
    if spec.attachments and len(attachments) != len(spec.attachments):
        raise InputError(f"附件清单列出 {len(spec.attachments)} 个文件，实际收到 {len(attachments)} 个", file=file,
                         field="attachments")
    with store.read() as session:
        guard(actor, "projects.apply", call_row(session, spec.call))
    if spec.applicant.kind == "enterprise":
        problem = cc.problem(spec.applicant.credit_code or "")
        if problem:
            raise InputError(problem, file=file, field="applicant.credit_code")
    # Content-addressed blobs are written before the transaction: a failed entry leaves at
    # most an unreferenced file, never a record without its bytes.
    blobs = blobs or default_blob_store()
    refs = [blobs.put(a.data) for a in attachments]

    def work(session) -> ApplicationView:
        call = call_row(session, spec.call)
        if spec.received_on < call.opens_on or spec.received_on > call.deadline:
            raise Conflict(f"收件日期 {spec.received_on.isoformat()} 不在申报期 {call.opens_on.isoformat()} 至 "
                           f"{call.deadline.isoformat()} 内，不能受理", file=file, field="received_on")
        kind = spec.applicant.kind
        if kind == "enterprise":
            code = cc.normalise(spec.applicant.credit_code or "")
            ent = directory.get(session, code)
            if ent is None:
                raise NotFound(f"企业名录中没有统一社会信用代码为 {code} 的企业：请先在企业名录中登记该企业",
                               file=file, field="applicant.credit_code")
            org_name, region_code = ent.name, ent.region_code
        else:
            code, org_name, region_code = None, spec.applicant.name or "", region_code_of(spec.applicant.region or "")
        same = select(ApplicationRow).where(ApplicationRow.call_id == call.id, ApplicationRow.withdrawn.is_(False))
        same = same.where(ApplicationRow.credit_code == code) if code else same.where(ApplicationRow.org_name == org_name)
        dup = session.scalar(same)
        if dup is not None:
            raise Conflict(f"“{org_name}”已申报该榜单（申报编号 {dup.code}），同一单位不能重复申报", file=file)
        taken = set(session.scalars(select(ApplicationRow.blind_code)))
        n = len(session.scalars(select(ApplicationRow.id).where(ApplicationRow.call_id == call.id)).all()) + 1
        while session.scalar(select(ApplicationRow.id).where(ApplicationRow.code == f"{call.code}-{n:03d}")):
            n += 1
        row = ApplicationRow(
            call_id=call.id, code=f"{call.code}-{n:03d}", blind_code=anonymous_code(taken), title=spec.title,
            summary=spec.summary, received_on=spec.received_on, applicant_kind=kind, credit_code=code,
            org_name=org_name, region_code=region_code,
            partners=[p.model_dump(mode="json") for p in spec.partners],
            members=[m.model_dump(mode="json") for m in spec.members],
            budget=[b.model_dump(mode="json", by_alias=True) for b in spec.budget],
            requested=spec.requested, self_funding=spec.self_funding, duration_months=spec.duration_months,
            milestones=[m.model_dump(mode="json") for m in spec.milestones],
            credit_check=spec.credit_check.model_dump(mode="json"), eligibility={}, eligibility_state="needs_data",
            withdrawn=False, constructed=spec.constructed, entered_at=utcnow(), entered_by=actor.username,
        )
        result = _evaluate(session, call, row)
        row.eligibility, row.eligibility_state = result.model_dump(mode="json"), result.state
        session.add(row)
        session.flush()
        metas = spec.attachments or [None] * len(attachments)
        file_attachments(session, "application", row.id,
                         [(a.name, meta.kind if meta else a.kind, meta.blind if meta else a.blind, a.data, key)
                          for a, key, meta in zip(attachments, refs, metas, strict=True)], actor=actor)
        audit.record(session, actor=actor.username, action="project_application.enter", entity="project_application",
                     entity_id=row.id,
                     summary=f"代录申报 {row.code}“{row.title}”（{org_name}，申请 {row.requested:g} 万元）："
                             f"资格审查{result.state_label}",
                     after={"code": row.code, "call": call.code, "applicant": org_name, "credit_code": code,
                            "requested": row.requested, "eligibility": result.state, "reasons": result.reasons,
                            "attachments": refs})
        session.flush()
        return app_view(session, row, call)

    return store.run(work)


def recheck_eligibility(store, actor: Actor, code: str, *, credit_check: CreditCheck | None = None) -> ApplicationView:
    """Check an application's eligibility again (after the directory or the credit check changed)."""
    require(actor, "projects.apply")

    def work(session) -> ApplicationView:
        row = app_row(session, code)
        call = session.get(CallRow, row.call_id)
        guard(actor, "projects.apply", call)
        before = {"eligibility": row.eligibility_state, "credit_check": row.credit_check}
        if credit_check is not None:
            row.credit_check = credit_check.model_dump(mode="json")
        result = _evaluate(session, call, row)
        row.eligibility, row.eligibility_state = result.model_dump(mode="json"), result.state
        audit.record(session, actor=actor.username, action="project_application.recheck", entity="project_application",
                     entity_id=row.id, summary=f"重新审查申报 {row.code} 的资格：{result.state_label}",
                     before=before, after={"eligibility": result.state, "credit_check": row.credit_check,
                                           "reasons": result.reasons})
        session.flush()
        return app_view(session, row, call)

    return store.run(work)


def withdraw_application(store, actor: Actor, code: str, *, reason: str) -> ApplicationSummary:
    """Record that an applicant withdrew (撤回申报); its reviews stop counting."""
    require(actor, "projects.apply")
    if not (reason or "").strip():
        raise InputError("请填写撤回原因", field="reason")

    def work(session) -> ApplicationSummary:
        row = app_row(session, code)
        call = session.get(CallRow, row.call_id)
        guard(actor, "projects.apply", call)
        from innodrive.services.projects.common import selection_state

        if selection_state(session, row.id) in ("publicised", "confirmed"):
            raise Conflict(f"申报 {row.code} 已进入公示或立项，不能撤回")
        if row.withdrawn:
            raise Conflict(f"申报 {row.code} 已撤回")
        row.withdrawn = True
        audit.record(session, actor=actor.username, action="project_application.withdraw",
                     entity="project_application", entity_id=row.id,
                     summary=f"申报 {row.code} 撤回：{reason.strip()}", before={"withdrawn": False},
                     after={"withdrawn": True, "reason": reason.strip()})
        return app_summary(session, row, call)

    return store.run(work)


# --------------------------------------------------------------------------- reading


def list_applications(store, actor: Actor, call_code: str) -> list[ApplicationSummary]:
    require(actor, "projects.read")
    with store.read() as session:
        call = call_row(session, call_code)
        guard(actor, "projects.read", call)
        rows = session.scalars(select(ApplicationRow).where(ApplicationRow.call_id == call.id)
                               .order_by(ApplicationRow.id)).all()
        return [app_summary(session, r, call) for r in rows]


def get_application(store, actor: Actor, code: str) -> ApplicationView:
    """The whole application, identity included (not for reviewers: see review packets)."""
    require(actor, "projects.read")
    with store.read() as session:
        row = app_row(session, code)
        call = session.get(CallRow, row.call_id)
        guard(actor, "projects.read", call)
        return app_view(session, row, call)


def _owner_call(session, row: AttachmentRow) -> CallRow:
    """The call an attachment belongs to (through its application or its contract)."""
    from innodrive.projects.db import CheckRow, ContractRow, OutputRow

    if row.owner_kind == "application":
        app_id = row.owner_id
    else:
        owner = session.get(CheckRow if row.owner_kind == "check" else OutputRow, row.owner_id)
        app_id = session.get(ContractRow, owner.contract_id).application_id
    return session.get(CallRow, session.get(ApplicationRow, app_id).call_id)


def attachment(store, actor: Actor, attachment_id: int, *, blobs: BlobStore | None = None) -> tuple[str, bytes]:
    """An attachment's file name and bytes.

    The office and evaluators may open any attachment of their region; a reviewer only
    those of the applications assigned to them, and in a blind call only the ones the
    office marked as anonymised.
    """
    with store.read() as session:
        row = session.get(AttachmentRow, attachment_id)
        if row is None:
            raise NotFound(f"没有编号为 {attachment_id} 的附件")
        call = _owner_call(session, row)
        if actor.role == Role.REVIEWER and not actor.local:
            require(actor, "projects.review")
            if row.owner_kind != "application":
                raise Forbidden(f"{actor.display}只能查看本人评审任务的附件")
            mine = session.scalar(select(AssignmentRow.id).join(ExpertRow, ExpertRow.id == AssignmentRow.expert_id)
                                  .where(AssignmentRow.application_id == row.owner_id,
                                         AssignmentRow.state == "assigned", ExpertRow.username == actor.username))
            if mine is None:
                raise Forbidden(f"{actor.display}只能查看本人评审任务的附件")
            if spec_of(call).review.blind and not row.blind_ok:
                raise Forbidden("盲评期间只能查看经匿名处理的附件")
        else:
            require(actor, "projects.read")
            guard(actor, "projects.read", call)
        name, sha = row.file_name, row.sha256
    data = (blobs or default_blob_store()).get(sha)
    if sha256_hex(data) != sha:
        raise InputError(f"附件“{name}”的内容与登记时的校验值不符（存储中的文件已被改动），请联系管理员")
    return name, data
