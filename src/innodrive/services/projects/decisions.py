"""Use cases of decisions: selection (拟立项), 公示, objections (异议) and 立项.

The office selects applications whose reviews are complete, within the call's 榜额 and
number of awards, and gives a reason for each decision; an application flagged 非共识
can only be selected after its second look is recorded. Selections are published for
the call's 公示 period; objections received within the period are recorded and
answered; an upheld objection withdraws the selection. When the period is over and no
objection is pending, the publicised selections are confirmed (立项). Every step is
audited. The public list shows only what a 公示 shows: project, 承担单位, amount, dates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.errors import Conflict, InputError, NotFound
from innodrive.projects.db import ApplicationRow, CallRow, ObjectionRow, PublicityRow, SelectionRow
from innodrive.projects.funds import money
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.services.projects.common import app_row, call_row, guard, spec_of
from innodrive.services.projects.review import _rows
from innodrive.services.projects.views import (
    OBJECTION_LABELS,
    SELECTION_LABELS,
    ObjectionView,
    PublicEntry,
    PublicityView,
    SelectionView,
)
from innodrive.store import audit
from innodrive.store.schema import utcnow


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InputError("请填写决定理由（将写入审计日志）", field="reason")
    return text


def _selection_view(row: SelectionRow, app: ApplicationRow) -> SelectionView:
    at = row.decided_at if row.decided_at.tzinfo else row.decided_at.replace(tzinfo=dt.UTC)
    return SelectionView(application_code=app.code, title=app.title, applicant=app.org_name, amount=row.amount,
                         reason=row.reason, state=row.state, state_label=SELECTION_LABELS[row.state],
                         decided_at=at, decided_by=row.decided_by)


def select_application(store, actor: Actor, code: str, *, amount: float, reason: str) -> SelectionView:
    """Propose an application for funding (拟立项) with an amount and a reason."""
    require(actor, "projects.decide")
    reason = _reason(reason)
    amount = money(amount)
    if amount <= 0:
        raise InputError("支持金额应大于 0 万元", field="amount")

    def work(session: Session) -> SelectionView:
        app = app_row(session, code)
        call = session.get(CallRow, app.call_id)
        guard(actor, "projects.decide", call)
        if app.withdrawn:
            raise Conflict(f"申报 {app.code} 已撤回")
        if app.eligibility_state != "pass":
            raise Conflict(f"申报 {app.code} 资格审查未通过，不能立项")
        ranked, _ = _rows(session, call)
        row = next((r for r in ranked if r.code == app.code), None)
        if row is None:
            raise Conflict(f"申报 {app.code} 的评审尚未全部完成，不能确定拟立项")
        if row.non_consensus and not app.second_look:
            raise Conflict(f"申报 {app.code} 为非共识项目（{row.aggregate.note}），须先记录复议结论")
        if amount > money(app.requested):
            raise Conflict(f"支持金额 {amount:g} 万元超过申请金额 {app.requested:g} 万元")
        active = session.scalars(select(SelectionRow).where(SelectionRow.call_id == call.id,
                                                            SelectionRow.state != "withdrawn")).all()
        if any(s.application_id == app.id for s in active):
            raise Conflict(f"申报 {app.code} 已确定拟立项")
        if len(active) >= call.max_awards:
            raise Conflict(f"榜单“{call.code}”最多支持 {call.max_awards} 项，已确定 {len(active)} 项")
        used = money(sum(s.amount for s in active))
        if money(used + amount) > money(call.quota):
            raise Conflict(f"支持金额合计将达 {money(used + amount):g} 万元，超过榜额 {call.quota:g} 万元"
                           f"（已确定 {used:g} 万元）")
        sel = session.scalar(select(SelectionRow).where(SelectionRow.application_id == app.id))
        before = None
        if sel is None:
            sel = SelectionRow(call_id=call.id, application_id=app.id, amount=amount, reason=reason, state="proposed",
                               decided_at=utcnow(), decided_by=actor.username)
            session.add(sel)
        else:  # selected before, withdrawn, now selected again
            before = {"state": sel.state, "amount": sel.amount, "reason": sel.reason}
            sel.amount, sel.reason, sel.state, sel.publicity_id = amount, reason, "proposed", None
            sel.decided_at, sel.decided_by = utcnow(), actor.username
        session.flush()
        audit.record(session, actor=actor.username, action="project_decision.select", entity="project_application",
                     entity_id=app.id,
                     summary=f"拟立项：申报 {app.code}“{app.title}”（评审排名第 {row.rank}，{row.aggregate.value:g} 分），"
                             f"支持 {amount:g} 万元。理由：{reason}",
                     before=before, after={"state": "proposed", "amount": amount, "reason": reason, "rank": row.rank,
                                           "aggregate": row.aggregate.value, "non_consensus": row.non_consensus})
        return _selection_view(sel, app)

    return store.run(work)


def withdraw_selection(store, actor: Actor, code: str, *, reason: str) -> SelectionView:
    """Undo a selection before it is publicised."""
    require(actor, "projects.decide")
    reason = _reason(reason)

    def work(session: Session) -> SelectionView:
        app = app_row(session, code)
        call = session.get(CallRow, app.call_id)
        guard(actor, "projects.decide", call)
        sel = session.scalar(select(SelectionRow).where(SelectionRow.application_id == app.id))
        if sel is None or sel.state != "proposed":
            raise Conflict(f"申报 {app.code} 没有可撤销的拟立项（公示中或已立项的须通过异议处理）")
        sel.state = "withdrawn"
        audit.record(session, actor=actor.username, action="project_decision.withdraw", entity="project_application",
                     entity_id=app.id, summary=f"撤销拟立项：申报 {app.code}。理由：{reason}",
                     before={"state": "proposed"}, after={"state": "withdrawn", "reason": reason})
        return _selection_view(sel, app)

    return store.run(work)


def selections(store, actor: Actor, call_code: str) -> list[SelectionView]:
    require(actor, "projects.read")
    with store.read() as session:
        call = call_row(session, call_code)
        guard(actor, "projects.read", call)
        rows = session.execute(select(SelectionRow, ApplicationRow)
                               .join(ApplicationRow, ApplicationRow.id == SelectionRow.application_id)
                               .where(SelectionRow.call_id == call.id).order_by(SelectionRow.id)).all()
        return [_selection_view(s, a) for s, a in rows]


# --------------------------------------------------------------------------- 公示


def _publicity_view(session: Session, pub: PublicityRow, call: CallRow, *, public: bool = False) -> PublicityView:
    states = ("publicised", "confirmed") if public else ("publicised", "confirmed", "withdrawn")
    rows = session.execute(select(SelectionRow, ApplicationRow)
                           .join(ApplicationRow, ApplicationRow.id == SelectionRow.application_id)
                           .where(SelectionRow.publicity_id == pub.id, SelectionRow.state.in_(states))
                           .order_by(SelectionRow.id)).all()
    objections = session.scalars(select(ObjectionRow.state).where(ObjectionRow.publicity_id == pub.id)).all()
    return PublicityView(
        id=pub.id, call_code=call.code, call_title=call.title, issuer=call.issuer, starts_on=pub.starts_on,
        ends_on=pub.ends_on, state=pub.state,
        entries=[PublicEntry(application_code=a.code, title=a.title, applicant=a.org_name, amount=s.amount,
                             state=s.state) for s, a in rows],
        objections=len(objections), pending=sum(1 for s in objections if s == "pending"),
        constructed=call.constructed,
    )


def open_publicity(store, actor: Actor, call_code: str, *, starts_on: dt.date, days: int | None = None) -> PublicityView:
    """Publish the proposed selections of a call for its 公示 period."""
    require(actor, "projects.decide")

    def work(session: Session) -> PublicityView:
        call = call_row(session, call_code)
        guard(actor, "projects.decide", call)
        period = days or spec_of(call).publicity_days
        if period < 1:
            raise InputError("公示期应至少 1 天", field="days")
        if session.scalar(select(PublicityRow.id).where(PublicityRow.call_id == call.id, PublicityRow.state == "open")):
            raise Conflict(f"榜单“{call.code}”已有进行中的公示")
        proposed = session.scalars(select(SelectionRow).where(SelectionRow.call_id == call.id,
                                                              SelectionRow.state == "proposed")).all()
        if not proposed:
            raise Conflict(f"榜单“{call.code}”没有待公示的拟立项")
        pub = PublicityRow(call_id=call.id, starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=period - 1),
                           state="open", opened_at=utcnow(), opened_by=actor.username)
        session.add(pub)
        session.flush()
        for s in proposed:
            s.state, s.publicity_id = "publicised", pub.id
        session.flush()
        view = _publicity_view(session, pub, call)
        audit.record(session, actor=actor.username, action="project_decision.publicise", entity="project_call",
                     entity_id=call.id,
                     summary=f"榜单“{call.code}”拟立项公示 {pub.starts_on.isoformat()} 至 {pub.ends_on.isoformat()}"
                             f"（{len(proposed)} 项）",
                     after=view.model_dump(mode="json"))
        return view

    return store.run(work)


def _open_publicity(session: Session, call: CallRow) -> PublicityRow:
    pub = session.scalar(select(PublicityRow).where(PublicityRow.call_id == call.id, PublicityRow.state == "open"))
    if pub is None:
        raise Conflict(f"榜单“{call.code}”没有进行中的公示")
    return pub


def mask_contact(text: str) -> str:
    """``13912345678`` → ``139****5678``: enough to tell contacts apart, not to call them."""
    t = (text or "").strip()
    if len(t) >= 11:
        head, tail = 3, 4
    elif len(t) >= 7:
        head, tail = 2, 2
    elif t:
        head, tail = 1, 0
    else:
        return ""
    return t[:head] + "*" * (len(t) - head - tail) + (t[-tail:] if tail else "")


def _objection_view(o: ObjectionRow, call: CallRow, app_code: str | None, *, unmasked: bool) -> ObjectionView:
    return ObjectionView(id=o.id, call_code=call.code, application_code=app_code, received_on=o.received_on,
                         submitter=o.submitter, contact=o.contact if unmasked else mask_contact(o.contact),
                         contact_masked=not unmasked, text=o.text, state=o.state,
                         state_label=OBJECTION_LABELS[o.state], response=o.response, handled_by=o.handled_by)


def record_objection(store, actor: Actor, call_code: str, *, application_code: str, received_on: dt.date,
                     submitter: str, contact: str, text: str) -> ObjectionView:
    """Record an objection received during the 公示 (实名: submitter and contact required)."""
    require(actor, "projects.decide")
    for value, field, label in ((submitter, "submitter", "异议人"), (contact, "contact", "联系方式"),
                                (text, "text", "异议内容")):
        if not (value or "").strip():
            raise InputError(f"请填写{label}（异议应实名提出）", field=field)

    def work(session: Session) -> ObjectionView:
        call = call_row(session, call_code)
        guard(actor, "projects.decide", call)
        pub = _open_publicity(session, call)
        if not pub.starts_on <= received_on <= pub.ends_on:
            raise Conflict(f"异议应在公示期内（{pub.starts_on.isoformat()} 至 {pub.ends_on.isoformat()}）提出，"
                           f"收件日期 {received_on.isoformat()} 不在公示期内")
        app = app_row(session, application_code)
        sel = session.scalar(select(SelectionRow).where(SelectionRow.application_id == app.id,
                                                        SelectionRow.publicity_id == pub.id))
        if sel is None:
            raise NotFound(f"申报 {app.code} 不在本次公示名单中")
        o = ObjectionRow(publicity_id=pub.id, application_id=app.id, received_on=received_on,
                         submitter=submitter.strip(), contact=contact.strip(), text=text.strip(), state="pending",
                         recorded_at=utcnow(), recorded_by=actor.username)
        session.add(o)
        session.flush()
        audit.record(session, actor=actor.username, action="project_decision.objection", entity="project_application",
                     entity_id=app.id, summary=f"收到对申报 {app.code} 的异议（{received_on.isoformat()}，"
                                               f"异议人 {submitter.strip()}）",
                     after={"objection_id": o.id, "text": o.text, "contact": mask_contact(o.contact)})
        return _objection_view(o, call, app.code, unmasked=False)

    return store.run(work)


def handle_objection(store, actor: Actor, objection_id: int, *, uphold: bool, response: str) -> ObjectionView:
    """Answer an objection; an upheld one withdraws the selection it is about."""
    require(actor, "projects.decide")
    response = _reason(response)

    def work(session: Session) -> ObjectionView:
        o = session.get(ObjectionRow, objection_id)
        if o is None:
            raise NotFound(f"没有编号为 {objection_id} 的异议")
        pub = session.get(PublicityRow, o.publicity_id)
        call = session.get(CallRow, pub.call_id)
        guard(actor, "projects.decide", call)
        if o.state != "pending":
            raise Conflict(f"异议 {o.id} 已处理（{OBJECTION_LABELS[o.state]}）")
        app = session.get(ApplicationRow, o.application_id)
        o.state = "upheld" if uphold else "rejected"
        o.response, o.handled_at, o.handled_by = response, utcnow(), actor.username
        after: dict = {"state": o.state, "response": response}
        if uphold:
            sel = session.scalar(select(SelectionRow).where(SelectionRow.application_id == app.id))
            if sel is not None and sel.state == "publicised":
                sel.state = "withdrawn"
                after["selection"] = "withdrawn"
        audit.record(session, actor=actor.username, action="project_decision.objection_handled",
                     entity="project_application", entity_id=app.id,
                     summary=f"异议 {o.id}（申报 {app.code}）处理结论：{OBJECTION_LABELS[o.state]}"
                             + ("，撤销拟立项" if after.get("selection") else "") + f"。答复：{response}",
                     before={"state": "pending"}, after=after)
        return _objection_view(o, call, app.code, unmasked=False)

    return store.run(work)


def close_publicity(store, actor: Actor, call_code: str, *, on: dt.date) -> PublicityView:
    """End a 公示 that is over with no objection pending: the publicised selections are 立项."""
    require(actor, "projects.decide")

    def work(session: Session) -> PublicityView:
        call = call_row(session, call_code)
        guard(actor, "projects.decide", call)
        pub = _open_publicity(session, call)
        if on <= pub.ends_on:
            raise Conflict(f"公示期至 {pub.ends_on.isoformat()} 结束，尚未期满，不能结束公示")
        pending = session.scalars(select(ObjectionRow.id).where(ObjectionRow.publicity_id == pub.id,
                                                                ObjectionRow.state == "pending")).all()
        if pending:
            raise Conflict(f"还有 {len(pending)} 件异议未处理（编号 {'、'.join(map(str, pending))}），不能结束公示")
        confirmed = session.scalars(select(SelectionRow).where(SelectionRow.publicity_id == pub.id,
                                                               SelectionRow.state == "publicised")).all()
        for s in confirmed:
            s.state = "confirmed"
        pub.state, pub.closed_at, pub.closed_by = "closed", utcnow(), actor.username
        session.flush()
        view = _publicity_view(session, pub, call)
        audit.record(session, actor=actor.username, action="project_decision.confirm", entity="project_call",
                     entity_id=call.id,
                     summary=f"榜单“{call.code}”公示期满，{len(confirmed)} 项正式立项",
                     after={"confirmed": [e.application_code for e in view.entries if e.state == "confirmed"]})
        return view

    return store.run(work)


def publicity_notices(store, actor: Actor) -> list[PublicityView]:
    """The 公示 list as the public sees it (open and closed notices, newest first)."""
    require(actor, "public.read")
    with store.read() as session:
        pubs = session.scalars(select(PublicityRow).order_by(PublicityRow.starts_on.desc(), PublicityRow.id.desc())).all()
        out = []
        for p in pubs:
            call = session.get(CallRow, p.call_id)
            if actor.covers(call.region_code):
                out.append(_publicity_view(session, p, call, public=True))
        return out


def call_publicity(store, actor: Actor, call_code: str) -> list[PublicityView]:
    """Every 公示 of one call as the office sees it (withdrawn entries included)."""
    require(actor, "projects.read")
    with store.read() as session:
        call = call_row(session, call_code)
        guard(actor, "projects.read", call)
        pubs = session.scalars(select(PublicityRow).where(PublicityRow.call_id == call.id)
                               .order_by(PublicityRow.id)).all()
        return [_publicity_view(session, p, call) for p in pubs]


def objections(store, actor: Actor, call_code: str, *, unmasked: bool = False) -> list[ObjectionView]:
    """Objections of a call's 公示s; contacts are masked unless ``unmasked`` (audited)."""
    require(actor, "projects.decide" if unmasked else "projects.read")

    def read(session: Session) -> list[ObjectionView]:
        call = call_row(session, call_code)
        guard(actor, "projects.decide" if unmasked else "projects.read", call)
        rows = session.execute(select(ObjectionRow, ApplicationRow)
                               .join(PublicityRow, PublicityRow.id == ObjectionRow.publicity_id)
                               .join(ApplicationRow, ApplicationRow.id == ObjectionRow.application_id, isouter=True)
                               .where(PublicityRow.call_id == call.id).order_by(ObjectionRow.id)).all()
        views = [_objection_view(o, call, a.code if a else None, unmasked=unmasked) for o, a in rows]
        if unmasked and views:
            audit.record(session, actor=actor.username, action="project_decision.view_contacts",
                         entity="project_call", entity_id=call.id,
                         summary=f"查看榜单“{call.code}”异议人联系方式（{len(views)} 件）",
                         after={"objections": [v.id for v in views]})
        return views

    if unmasked:
        return store.run(read)
    with store.read() as session:
        return read(session)
