"""Use cases of review: the expert pool, assignment, recusal, blind scoring, ranking.

Reviewers (``Role.REVIEWER``) reach only their own assignments, through review
packets that carry no identity of the applicant in a blind call; the office may enter a
reviewer's paper score sheet on their behalf (audited as entered by the office for that
expert). Once the office has selected any application of a call, the scores of that
call are frozen.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.errors import Conflict, Forbidden, InputError, Problem, ValidationFailed
from innodrive.projects import aggregation as agg
from innodrive.projects.assignment import AppNeed, ExpertCap, assign
from innodrive.projects.blind import identity_terms, redact
from innodrive.projects.conflicts import ApplicationSide, ExpertSide, Party, TeamMember, conflicts
from innodrive.projects.db import ApplicationRow, AssignmentRow, CallRow, ExpertRow, ScoreRow, SelectionRow
from innodrive.projects.specs import BudgetLine, Collaboration, ExpertSpec, Member, ProposedMilestone
from innodrive.services.access import require
from innodrive.services.actor import Actor, Role
from innodrive.services.projects.common import (
    app_row,
    attachments_of,
    call_row,
    expert_view,
    guard,
    spec_of,
    today,
)
from innodrive.services.projects.views import (
    AssignmentLine,
    AssignmentResult,
    ExpertLoad,
    ExpertsResult,
    ExpertView,
    Identity,
    RankingRow,
    RankingView,
    ReviewPacket,
    ScoreView,
    Skipped,
)
from innodrive.store import audit
from innodrive.store.schema import utcnow

# --------------------------------------------------------------------------- experts


def register_experts(store, actor: Actor, experts: list[ExpertSpec], *, file: str | None = None) -> ExpertsResult:
    """Add or update experts by (name, affiliation); all or nothing; one audit entry."""
    require(actor, "projects.experts.manage")
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    users: dict[str, int] = {}
    for i, e in enumerate(experts, start=1):
        key = (e.name, e.affiliation)
        if key in seen:
            problems.append(Problem(f"与第 {seen[key]} 条重复（同名同单位）", file=file, row=i, field="姓名"))
        seen.setdefault(key, i)
        if e.username:
            if e.username in users:
                problems.append(Problem(f"账号与第 {users[e.username]} 条重复", file=file, row=i, field="账号"))
            users.setdefault(e.username, i)
    if problems:
        raise ValidationFailed(f"专家名单有 {len(problems)} 处问题，未写入任何专家", file=file, problems=problems)

    def work(session: Session) -> ExpertsResult:
        result = ExpertsResult()
        now = utcnow()
        for i, e in enumerate(experts, start=1):
            row = session.scalar(select(ExpertRow).where(ExpertRow.name == e.name,
                                                         ExpertRow.affiliation == e.affiliation))
            if e.username:
                other = session.scalar(select(ExpertRow).where(ExpertRow.username == e.username))
                if other is not None and other is not row:
                    raise Conflict(f"账号“{e.username}”已属于专家 {other.name}（{other.affiliation}）", file=file,
                                   row=i, field="账号")
            values = dict(affiliation_code=e.affiliation_code, title=e.title, fields=list(e.fields),
                          posts=list(e.posts), collaborations=[c.model_dump(mode="json", by_alias=True)
                                                               for c in e.collaborations],
                          max_load=e.max_load, username=e.username, active=e.active)
            if row is None:
                session.add(ExpertRow(name=e.name, affiliation=e.affiliation, **values, updated_at=now,
                                      updated_by=actor.username))
                result.added += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.updated_at, row.updated_by = now, actor.username
                result.updated += 1
            else:
                result.unchanged += 1
            session.flush()
        audit.record(session, actor=actor.username, action="project_experts.register", entity="project_expert",
                     entity_id=None, summary=f"评审专家库登记{('（' + file + '）') if file else ''}：新增 {result.added} 人，"
                                             f"更新 {result.updated} 人，未变 {result.unchanged} 人",
                     after=result.model_dump())
        return result

    return store.run(work)


def list_experts(store, actor: Actor, *, field: str | None = None) -> list[ExpertView]:
    require(actor, "projects.experts.manage")
    with store.read() as session:
        out = [expert_view(r) for r in session.scalars(select(ExpertRow).order_by(ExpertRow.id))]
    if field:
        f = field.strip().casefold()
        out = [e for e in out if f in {x.casefold() for x in e.fields}]
    return out


# --------------------------------------------------------------------------- assignment


def _application_side(row: ApplicationRow, year: int) -> ApplicationSide:
    parties = [Party(name=row.org_name, credit_code=row.credit_code, role="申报单位")]
    parties += [Party(name=p["name"], credit_code=p.get("credit_code"), role="联合申报单位") for p in row.partners]
    members = [TeamMember(name=m["name"], organisation=m.get("organisation", "")) for m in row.members]
    return ApplicationSide(key=row.code, parties=parties, members=members, year=year)


def _expert_side(row: ExpertRow) -> ExpertSide:
    collabs = [Collaboration.model_validate(c) for c in row.collaborations]
    return ExpertSide(key=str(row.id), name=row.name, affiliation=row.affiliation,
                      affiliation_code=row.affiliation_code, posts=list(row.posts),
                      collaborations=[(c.with_, c.until) for c in collabs])


def _frozen(session: Session, call: CallRow) -> bool:
    return session.scalar(select(SelectionRow.id).where(SelectionRow.call_id == call.id,
                                                        SelectionRow.state != "withdrawn")) is not None


def assign_reviewers(store, actor: Actor, call_code: str, *, dry_run: bool = False,
                     on: dt.date | None = None) -> AssignmentResult:
    """Give every eligible application of a call its declared number of reviewers.

    Existing assignments are kept (a second run fills the places left by recusals);
    conflicted pairs are never made; loads are balanced (see
    :mod:`innodrive.projects.assignment`). When no assignment exists, nothing is
    written and :class:`~innodrive.errors.Conflict` lists the reasons.
    """
    require(actor, "projects.assign")
    on = on or today()

    def work(session: Session) -> AssignmentResult:
        call = call_row(session, call_code)
        guard(actor, "projects.assign", call)
        spec = spec_of(call)
        if on <= call.deadline:
            raise Conflict(f"榜单“{call.code}”申报尚未截止（截止日期 {call.deadline.isoformat()}），不能分配评审专家")
        if _frozen(session, call):
            raise Conflict(f"榜单“{call.code}”已确定拟立项，评审已结束，不能再分配评审专家")
        apps = session.scalars(select(ApplicationRow).where(ApplicationRow.call_id == call.id,
                                                            ApplicationRow.withdrawn.is_(False))
                               .order_by(ApplicationRow.id)).all()
        from innodrive.enterprises.states import STATE_LABELS

        skipped = [Skipped(code=a.code, reason=f"资格审查{STATE_LABELS.get(a.eligibility_state)}，不进入评审")
                   for a in apps if a.eligibility_state != "pass"]
        apps = [a for a in apps if a.eligibility_state == "pass"]
        experts = session.scalars(select(ExpertRow).order_by(ExpertRow.id)).all()
        existing = session.scalars(select(AssignmentRow).where(
            AssignmentRow.application_id.in_([a.id for a in apps] or [-1]))).all()
        by_app: dict[int, list[AssignmentRow]] = {}
        for r in existing:
            by_app.setdefault(r.application_id, []).append(r)
        sides = {e.id: _expert_side(e) for e in experts}
        names = {e.id: e.name for e in experts}
        year = call.deadline.year
        blocked: dict[tuple[str, str], list[str]] = {}
        problems: list[Problem] = []
        needs = []
        for a in apps:
            side = _application_side(a, year)
            for e in experts:
                kinds = [c.kind for c in conflicts(sides[e.id], side, window_years=spec.review.collaboration_years)]
                if kinds:
                    blocked[(a.code, str(e.id))] = kinds
            fixed = []
            for r in by_app.get(a.id, []):
                if r.state == "recused":
                    blocked.setdefault((a.code, str(r.expert_id)), []).append("recused")
                    continue
                found = conflicts(sides[r.expert_id], side, window_years=spec.review.collaboration_years)
                if found:
                    problems.append(Problem(f"已分配的专家 {names[r.expert_id]} 与申报 {a.code} 存在利益冲突"
                                            f"（{found[0].detail}），请先办理回避"))
                fixed.append(str(r.expert_id))
            needs.append(AppNeed(key=a.code, label=a.code, field=call.field, need=spec.review.reviewers, fixed=fixed))
        if problems:
            raise Conflict(f"榜单“{call.code}”有 {len(problems)} 项已分配的评审存在利益冲突", problems=problems)
        caps = [ExpertCap(key=str(e.id), label=e.name, fields=list(e.fields), max_load=e.max_load, active=e.active)
                for e in experts]
        outcome = assign(needs, caps, blocked)
        if not outcome.feasible:
            raise Conflict(f"无法为榜单“{call.code}”的全部申报配齐 {spec.review.reviewers} 名无利益冲突的评审专家："
                           f"{outcome.reasons[0]}", problems=[Problem(r) for r in outcome.reasons])
        app_by_code = {a.code: a for a in apps}
        lines = []
        for app_code, expert_key in sorted(outcome.pairs, key=lambda p: (p[0], int(p[1]))):
            a = app_by_code[app_code]
            line = AssignmentLine(application_code=app_code, blind_code=a.blind_code, expert_id=int(expert_key),
                                  expert_name=names[int(expert_key)])
            if not dry_run:
                row = AssignmentRow(application_id=a.id, expert_id=int(expert_key), state="assigned",
                                    assigned_at=utcnow(), assigned_by=actor.username)
                session.add(row)
                session.flush()
                line.assignment_id = row.id
            lines.append(line)
        loads = [ExpertLoad(expert_id=e.id, expert_name=e.name, fields=list(e.fields),
                            load=outcome.loads.get(str(e.id), 0)) for e in experts if e.active]
        result = AssignmentResult(call_code=call.code, dry_run=dry_run, per_application=spec.review.reviewers,
                                  new=lines, kept=sum(len(n.fixed) for n in needs), loads=loads,
                                  balance=outcome.balance, skipped=skipped)
        if not dry_run and lines:
            audit.record(session, actor=actor.username, action="project_review.assign", entity="project_call",
                         entity_id=call.id,
                         summary=f"榜单“{call.code}”分配评审专家 {len(lines)} 人次（每项 {spec.review.reviewers} 人，"
                                 f"保留原分配 {result.kept} 人次）",
                         after={"pairs": [[line.application_code, line.expert_id, line.expert_name] for line in lines],
                                "balance": [b.model_dump() for b in outcome.balance],
                                "excluded": outcome.excluded})
        return result

    return store.run(work)


def _reviewer_owns(session: Session, actor: Actor, row: AssignmentRow) -> bool:
    expert = session.get(ExpertRow, row.expert_id)
    return expert is not None and expert.username is not None and expert.username == actor.username


def _is_reviewer(actor: Actor) -> bool:
    return actor.role == Role.REVIEWER and not actor.local


def _authorise(session: Session, actor: Actor, row: AssignmentRow, *, office_permission: str, what: str) -> CallRow:
    """A reviewer may act on their own assignment only; the office with ``office_permission``
    on any assignment of its region. Returns the assignment's call."""
    call = session.get(CallRow, session.get(ApplicationRow, row.application_id).call_id)
    if _is_reviewer(actor):
        require(actor, "projects.review")
        if not _reviewer_owns(session, actor, row):
            raise Forbidden(f"{actor.display}只能{what}本人的评审任务")
    else:
        require(actor, office_permission)
        guard(actor, office_permission, call)
    return call


def _assignment(session: Session, assignment_id: int) -> AssignmentRow:
    row = session.get(AssignmentRow, assignment_id)
    if row is None:
        from innodrive.errors import NotFound

        raise NotFound(f"没有编号为 {assignment_id} 的评审任务")
    return row


def recuse(store, actor: Actor, assignment_id: int, *, reason: str) -> AssignmentLine:
    """Excuse an expert from one application (回避): by the office, or by the reviewer
    for their own assignment. A reviewer who has scored must have the office handle it."""
    if not (reason or "").strip():
        raise InputError("请填写回避原因", field="reason")

    def work(session: Session) -> AssignmentLine:
        row = _assignment(session, assignment_id)
        app = session.get(ApplicationRow, row.application_id)
        call = _authorise(session, actor, row, office_permission="projects.assign", what="处理")
        if row.state == "recused":
            raise Conflict("该评审任务已回避")
        if session.scalar(select(ScoreRow.id).where(ScoreRow.assignment_id == row.id)) is not None:
            raise Conflict("该专家已提交评分，不能再回避；如确有利益冲突，请由办公室撤销评分后处理")
        if _frozen(session, call):
            raise Conflict("评审已结束，不能再办理回避")
        row.state, row.recusal_reason = "recused", reason.strip()
        expert = session.get(ExpertRow, row.expert_id)
        audit.record(session, actor=actor.username, action="project_review.recuse", entity="project_assignment",
                     entity_id=row.id, summary=f"专家 {expert.name} 回避申报 {app.code}：{reason.strip()}",
                     before={"state": "assigned"}, after={"state": "recused", "reason": reason.strip()})
        return AssignmentLine(assignment_id=row.id, application_code=app.code, blind_code=app.blind_code,
                              expert_id=expert.id, expert_name=expert.name, state=row.state,
                              recusal_reason=row.recusal_reason)

    return store.run(work)


def assignments(store, actor: Actor, call_code: str) -> list[AssignmentLine]:
    """Every assignment of a call (office view: who reviews what)."""
    require(actor, "projects.assign")
    with store.read() as session:
        call = call_row(session, call_code)
        guard(actor, "projects.assign", call)
        q = (select(AssignmentRow, ApplicationRow, ExpertRow)
             .join(ApplicationRow, ApplicationRow.id == AssignmentRow.application_id)
             .join(ExpertRow, ExpertRow.id == AssignmentRow.expert_id)
             .where(ApplicationRow.call_id == call.id).order_by(ApplicationRow.id, AssignmentRow.id))
        scored = set(session.scalars(select(ScoreRow.assignment_id)))
        return [AssignmentLine(assignment_id=r.id, application_code=a.code, blind_code=a.blind_code, expert_id=e.id,
                               expert_name=e.name, state=r.state, recusal_reason=r.recusal_reason,
                               scored=r.id in scored) for r, a, e in session.execute(q)]


# --------------------------------------------------------------------------- blind packets


def _score_view(row: ScoreRow | None) -> ScoreView | None:
    if row is None:
        return None
    at = row.submitted_at if row.submitted_at.tzinfo else row.submitted_at.replace(tzinfo=dt.UTC)
    return ScoreView(assignment_id=row.assignment_id, scores=row.scores, total=row.total, comment=row.comment,
                     submitted_at=at, submitted_by=row.submitted_by)


def _packet(session: Session, row: AssignmentRow) -> ReviewPacket:
    app = session.get(ApplicationRow, row.application_id)
    call = session.get(CallRow, app.call_id)
    spec = spec_of(call)
    blind = spec.review.blind
    members = [Member.model_validate(m) for m in app.members]
    terms = identity_terms(organisations=[app.org_name, *(p["name"] for p in app.partners),
                                          *(m.organisation for m in members)],
                           people=[m.name for m in members], codes=[app.credit_code or ""])
    text = (lambda t: redact(t, terms)) if blind else (lambda t: t)
    attachments = [a for a in attachments_of(session, "application", app.id) if a.blind_ok or not blind]
    milestones = [ProposedMilestone.model_validate(m) for m in app.milestones]
    if blind:
        milestones = [m.model_copy(update={"title": text(m.title), "deliverables": [text(d) for d in m.deliverables]})
                      for m in milestones]
        attachments = [a.model_copy(update={"file_name": text(a.file_name)}) for a in attachments]
    identity = None if blind else Identity(applicant=app.org_name, credit_code=app.credit_code,
                                           partners=[p["name"] for p in app.partners], members=members)
    score = session.scalar(select(ScoreRow).where(ScoreRow.assignment_id == row.id))
    return ReviewPacket(
        assignment_id=row.id, state=row.state, blind=blind, blind_code=app.blind_code, call_code=call.code,
        call_title=call.title, field=call.field, problem=call.problem, title=text(app.title),
        summary=text(app.summary), budget=[BudgetLine.model_validate(b) for b in app.budget],
        requested=app.requested, self_funding=app.self_funding, duration_months=app.duration_months,
        milestones=milestones, attachments=attachments, criteria=spec.criteria, identity=identity,
        submitted=_score_view(score),
    )


def my_reviews(store, actor: Actor) -> list[ReviewPacket]:
    """A reviewer's own assignments, blind where the call is blind."""
    require(actor, "projects.review")
    with store.read() as session:
        expert = session.scalar(select(ExpertRow).where(ExpertRow.username == actor.username))
        if expert is None:
            return []
        rows = session.scalars(select(AssignmentRow).where(AssignmentRow.expert_id == expert.id,
                                                           AssignmentRow.state == "assigned")
                               .order_by(AssignmentRow.id)).all()
        return [_packet(session, r) for r in rows]


def review_packet(store, actor: Actor, assignment_id: int) -> ReviewPacket:
    """One assignment as its reviewer sees it (the office may preview it)."""
    with store.read() as session:
        row = _assignment(session, assignment_id)
        if _is_reviewer(actor):
            require(actor, "projects.review")
            if not _reviewer_owns(session, actor, row) or row.state != "assigned":
                raise Forbidden(f"{actor.display}只能查看本人的评审任务")
        else:
            require(actor, "projects.read")
            app = session.get(ApplicationRow, row.application_id)
            guard(actor, "projects.read", session.get(CallRow, app.call_id))
        return _packet(session, row)


# --------------------------------------------------------------------------- scores


def submit_scores(store, actor: Actor, assignment_id: int, scores: dict[str, float], *,
                  comment: str = "") -> ScoreView:
    """Record a reviewer's scores: by the reviewer, or by the office from the paper sheet."""

    def work(session: Session) -> ScoreView:
        row = _assignment(session, assignment_id)
        app = session.get(ApplicationRow, row.application_id)
        expert = session.get(ExpertRow, row.expert_id)
        call = _authorise(session, actor, row, office_permission="projects.scores.enter", what="提交")
        if row.state != "assigned":
            raise Conflict("该评审任务已回避，不能打分")
        if app.withdrawn:
            raise Conflict(f"申报 {app.code} 已撤回，不再评审")
        if _frozen(session, call):
            raise Conflict("已确定拟立项，评分已锁定")
        spec = spec_of(call)
        clean = _check_scores(spec.criteria, scores)
        total = round(sum(clean.values()), 4)
        existing = session.scalar(select(ScoreRow).where(ScoreRow.assignment_id == row.id))
        before = {"scores": existing.scores, "total": existing.total} if existing else None
        by = actor.username if _is_reviewer(actor) else f"{actor.username}（代 {expert.name} 录入）"
        if existing is None:
            existing = ScoreRow(assignment_id=row.id, scores=clean, total=total, comment=comment.strip(),
                                submitted_at=utcnow(), submitted_by=by)
            session.add(existing)
        else:
            existing.scores, existing.total, existing.comment = clean, total, comment.strip()
            existing.submitted_at, existing.submitted_by = utcnow(), by
        session.flush()
        audit.record(session, actor=actor.username, action="project_review.score", entity="project_assignment",
                     entity_id=row.id,
                     summary=f"{'修改' if before else '提交'}评分：专家 {expert.name} 评申报 {app.blind_code} 共 {total:g} 分"
                             + ("" if _is_reviewer(actor) else "（办公室代录纸质评分表）"),
                     before=before, after={"scores": clean, "total": total})
        return _score_view(existing)

    return store.run(work)


def _check_scores(criteria, scores: dict[str, float]) -> dict[str, float]:
    problems = []
    clean: dict[str, float] = {}
    known = {c.id for c in criteria}
    for k in scores:
        if k not in known:
            problems.append(Problem(f"榜单没有评审指标“{k}”（应为：{'、'.join(known)}）", field=k))
    for c in criteria:
        v = scores.get(c.id)
        if v is None:
            problems.append(Problem(f"缺少“{c.label}”的得分", field=c.id))
            continue
        try:
            v = float(v)
        except (TypeError, ValueError):
            problems.append(Problem(f"“{c.label}”的得分应为数字，实际为“{v}”", field=c.id))
            continue
        if not 0 <= v <= c.max:
            problems.append(Problem(f"“{c.label}”的得分 {v:g} 超出范围 0–{c.max:g}", field=c.id))
            continue
        clean[c.id] = v
    if problems:
        raise ValidationFailed(f"评分表有 {len(problems)} 处问题：{problems[0].message}", problems=problems)
    return clean


# --------------------------------------------------------------------------- ranking


def _rows(session: Session, call: CallRow) -> tuple[list[RankingRow], list[RankingRow]]:
    spec = spec_of(call)
    review = spec.review
    apps = session.scalars(select(ApplicationRow).where(ApplicationRow.call_id == call.id,
                                                        ApplicationRow.withdrawn.is_(False),
                                                        ApplicationRow.eligibility_state == "pass")
                           .order_by(ApplicationRow.id)).all()
    complete: list[RankingRow] = []
    incomplete: list[RankingRow] = []
    for a in apps:
        assigned = session.scalars(select(AssignmentRow).where(AssignmentRow.application_id == a.id,
                                                               AssignmentRow.state == "assigned")).all()
        scores = [s for s in session.scalars(select(ScoreRow).where(
            ScoreRow.assignment_id.in_([r.id for r in assigned] or [-1])))]
        from innodrive.services.projects.common import selection_state

        row = RankingRow(code=a.code, blind_code=a.blind_code, title=a.title, applicant=a.org_name,
                         reviews=len(scores), assigned=len(assigned), second_look=a.second_look,
                         selection=selection_state(session, a.id), requested=a.requested)
        if not assigned or len(scores) < len(assigned) or len(assigned) < review.reviewers:
            incomplete.append(row)
            continue
        totals = [s.total for s in scores]
        row.aggregate = agg.aggregate(totals, method=review.aggregation, trim=review.trim,
                                      measure=review.disagreement.measure, threshold=review.disagreement.threshold)
        row.criteria = {c.id: agg.combine([s.scores[c.id] for s in scores], method=review.aggregation,
                                          trim=review.trim)[0] for c in spec.criteria}
        row.non_consensus = row.aggregate.non_consensus
        complete.append(row)
    ranks = {r.key: r for r in agg.rank({row.code: row.aggregate.value for row in complete})}
    for row in complete:
        row.rank, row.tied = ranks[row.code].rank, ranks[row.code].tied
    complete.sort(key=lambda r: (r.rank, r.code))
    return complete, incomplete


def ranking(store, actor: Actor, call_code: str) -> RankingView:
    """Applications of a call by robust aggregate score, with 非共识 and tie flags."""
    require(actor, "projects.read")
    with store.read() as session:
        call = call_row(session, call_code)
        guard(actor, "projects.read", call)
        spec = spec_of(call)
        ranked, incomplete = _rows(session, call)
        return RankingView(call_code=call.code, call_title=call.title, method=spec.review.aggregation,
                           trim=spec.review.trim, measure=spec.review.disagreement.measure,
                           threshold=spec.review.disagreement.threshold, max_total=spec.max_total, ranked=ranked,
                           incomplete=incomplete)


def record_second_look(store, actor: Actor, code: str, *, conclusion: str, reason: str,
                       held_on: dt.date) -> RankingRow:
    """The conclusion of the 非共识 second look (复议) of a flagged application."""
    require(actor, "projects.decide")
    if conclusion not in ("support", "maintain"):
        raise InputError("复议结论应为 support（支持立项）或 maintain（维持评审结果）", field="conclusion")
    if not (reason or "").strip():
        raise InputError("请填写复议意见", field="reason")

    def work(session: Session) -> RankingRow:
        app = app_row(session, code)
        call = session.get(CallRow, app.call_id)
        guard(actor, "projects.decide", call)
        ranked, _ = _rows(session, call)
        row = next((r for r in ranked if r.code == app.code), None)
        if row is None:
            raise Conflict(f"申报 {app.code} 的评审尚未完成，不能复议")
        if not row.non_consensus:
            raise Conflict(f"申报 {app.code} 未被标记为非共识项目，无需复议")
        before = app.second_look
        app.second_look = {"conclusion": conclusion, "reason": reason.strip(), "held_on": held_on.isoformat(),
                           "by": actor.username}
        audit.record(session, actor=actor.username, action="project_review.second_look",
                     entity="project_application", entity_id=app.id,
                     summary=f"非共识申报 {app.code} 复议：{'支持立项' if conclusion == 'support' else '维持评审结果'}"
                             f"（{reason.strip()}）", before=before, after=app.second_look)
        row.second_look = app.second_look
        return row

    return store.run(work)
