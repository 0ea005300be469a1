"""督办单 through the service floor: raised by rule or by hand, answered, returned, escalated
to 约谈, closed — each within the actor's rights and scope, each audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from innodrive.errors import Conflict, Forbidden, InputError, NotFound
from innodrive.services import supervision as sv
from innodrive.store.schema import AuditRow
from innodrive.supervision.db import NoticeRow

from .world import (
    AS_OF,
    COUNTY_ACTOR,
    JRJ,
    JXJ,
    KJJ,
    OFFICE,
    OTHER_OFFICE,
    TODAY,
    blobs,
    pdf_evidence,
)


def _count(store, model=NoticeRow) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def _run(store, today=TODAY, **kw):
    return sv.run_rules(store, OFFICE, as_of=AS_OF, today=today, **kw)


def test_a_dry_run_lists_what_the_rules_would_raise_and_changes_nothing(world):
    store, _ = world
    audits = _count(store, AuditRow)
    r = _run(store, dry_run=True)
    assert sorted(n.unit for n in r.proposed) == ["市科技局", "市经信局", "市金融局"]
    assert all(n.rule_id == "overdue-task" and n.deadline == TODAY + dt.timedelta(days=10) for n in r.proposed)
    assert [s.source_kind for s in r.skipped] == ["target"]  # the red target: no unit states it
    assert "无法确定责任单位" in r.skipped[0].why
    assert r.raised == [] and _count(store) == 0 and _count(store, AuditRow) == audits


def test_the_rule_run_raises_numbered_notices_once_and_audits_each(world):
    store, tasks = world
    r = _run(store)
    assert [n.number for n in r.raised] == ["督办〔2024〕1号", "督办〔2024〕2号", "督办〔2024〕3号"]
    by_unit = {n.unit: n for n in r.raised}
    n = by_unit["市科技局"]
    assert n.task_id == tasks["市科技局"] and n.state == "open" and n.level == 1 and n.level_name == "督办通知"
    assert "逾期未完成" in n.reason and n.board_as_of == AS_OF and n.rules_version == "督查督办规则（默认）@2024.1"
    assert n.required_response.startswith("书面说明任务逾期未完成的原因")
    again = _run(store)
    assert again.raised == [] and again.already_open == 3
    with store.read() as s:
        actors = s.scalars(select(AuditRow.actor).where(AuditRow.action == "duban.raise")).all()
    assert len(actors) == 3 and set(actors) == {"t-office"}


def test_a_unit_sees_and_answers_only_its_own_notices(world, tmp_path):
    store, _ = world
    raised = {n.unit: n for n in _run(store).raised}
    mine = sv.list_notices(store, KJJ, today=TODAY).notices
    assert [n.unit for n in mine] == ["市科技局"]
    other = raised["市经信局"]
    with pytest.raises(Forbidden, match="只能处理本单位（市科技局）的事项"):
        sv.get_notice(store, KJJ, other.id)
    with pytest.raises(Forbidden):
        sv.answer(store, KJJ, other.id, text_="越权答复", evidence=[pdf_evidence()], blobs=blobs(tmp_path))
    with pytest.raises(Forbidden):
        sv.notice_evidence(store, KJJ, notice_id=other.id, sha256="0" * 64)
    # nor can a unit decide on its own notice
    with pytest.raises(Forbidden, match="无权办结、退回、升级督办单"):
        sv.close(store, KJJ, raised["市科技局"].id, note="自己办结")
    # a county sees none of the city's notices; another city's office cannot reach them
    assert sv.list_notices(store, COUNTY_ACTOR, today=TODAY).notices == []
    assert sv.list_notices(store, OTHER_OFFICE, today=TODAY).notices == []
    with pytest.raises(Forbidden, match="本辖区"):
        sv.escalate(store, OTHER_OFFICE, other.id, reason="越权")


def test_answer_with_evidence_then_close(world, tmp_path):
    store, _ = world
    n = next(x for x in _run(store).raised if x.unit == "市科技局")
    bs = blobs(tmp_path)
    answered = sv.answer(store, KJJ, n.id, text_="已于9月完成培育行动方案并启动实施，附方案文件。",
                         evidence=[pdf_evidence("培育行动方案.pdf")], blobs=bs, today=TODAY)
    assert answered.state == "answered" and answered.state_name == "已答复待审核"
    ev = answered.events[-1]
    assert ev.kind == "answer" and ev.by == "t-kjj" and ev.evidence[0].file_name == "培育行动方案.pdf"
    name, data = sv.notice_evidence(store, OFFICE, notice_id=n.id, sha256=ev.evidence[0].sha256, blobs=bs)
    assert name == "培育行动方案.pdf" and data.startswith(b"%PDF")
    with pytest.raises(Conflict, match="不能再答复"):
        sv.answer(store, KJJ, n.id, text_="再答复一次", blobs=bs)
    closed = sv.close(store, OFFICE, n.id, note="答复属实，材料齐全，予以办结", today=TODAY)
    assert closed.state == "closed" and closed.closed_by == "t-office"
    assert [e.kind for e in closed.events] == ["raise", "answer", "close"]
    # the task can be raised again later: the closed notice no longer blocks it
    assert _run(store, dry_run=True).already_open == 2


def test_returns_climb_the_ladder_and_the_interview_is_needed_before_closing(world, tmp_path):
    store, _ = world
    bs = blobs(tmp_path)
    n = next(x for x in _run(store).raised if x.unit == "市金融局")
    sv.answer(store, JRJ, n.id, text_="正在推进", blobs=bs, today=TODAY)
    with pytest.raises(Conflict, match="规则要求答复附佐证材料"):
        sv.close(store, OFFICE, n.id, note="办结")
    first = sv.return_answer(store, OFFICE, n.id, reason="未附佐证材料，未说明完成时限", today=TODAY)
    assert first.state == "open" and first.level == 1 and first.deadline == n.deadline  # still later than +7 days
    sv.answer(store, JRJ, n.id, text_="仍在推进", blobs=bs, today=TODAY)
    second = sv.return_answer(store, OFFICE, n.id, reason="仍未说明完成时限", today=TODAY)
    assert second.level == 2 and second.level_name == "二次督办" and second.deadline == TODAY + dt.timedelta(days=7)
    assert second.events[-1].kind == "escalate" and "被退回" in second.events[-1].text
    # unanswered past the second deadline: the rule run climbs to 约谈
    later = second.deadline + dt.timedelta(days=1)
    r = _run(store, today=later)
    assert [(e.notice_id, e.level_name) for e in r.escalations if e.notice_id == n.id] == [(n.id, "约谈")]
    top = sv.get_notice(store, OFFICE, n.id, today=later)
    assert top.level == 3 and top.required_response.startswith("约谈后限期报送")
    sv.answer(store, JRJ, n.id, text_="已制定整改方案并落实", evidence=[pdf_evidence("整改方案.pdf")], blobs=bs)
    with pytest.raises(Conflict, match="须先记录约谈情况"):
        sv.close(store, OFFICE, n.id, note="办结")
    with pytest.raises(Forbidden):
        sv.record_interview(store, JRJ, n.id, sv.Interview(held_on=later, place="市政府", interviewer="副市长",
                                                          interviewees="市金融局局长", content="约谈",
                                                          commitments="限期整改"))
    interviewed = sv.record_interview(
        store, OFFICE, n.id, sv.Interview(held_on=later, place="市政府第一会议室", interviewer="分管副市长",
                                          interviewees="市金融局主要负责人", content="逾期未完成科技金融结合任务",
                                          commitments="十月底前完成并报送佐证材料"),
        evidence=[pdf_evidence("约谈记录.pdf")], blobs=bs, today=later)
    assert interviewed.interviewed_at_level
    assert sv.close(store, OFFICE, n.id, note="约谈后整改到位，予以办结", today=later).state == "closed"
    with pytest.raises(Conflict, match="已办结，不能升级"):
        sv.escalate(store, OFFICE, n.id, reason="再升级")


def test_escalating_by_hand_stops_at_the_top_rung(world):
    store, _ = world
    n = next(x for x in _run(store).raised if x.unit == "市经信局")
    assert sv.escalate(store, OFFICE, n.id, reason="问题突出", today=TODAY).level == 2
    assert sv.escalate(store, OFFICE, n.id, reason="仍未落实", today=TODAY).level == 3
    with pytest.raises(Conflict, match="已是最高级（约谈）"):
        sv.escalate(store, OFFICE, n.id, reason="再升级", today=TODAY)
    with pytest.raises(Forbidden):
        sv.answer(store, KJJ, n.id, text_="不是我的")
    assert sv.answer(store, JXJ, n.id, text_="已落实", today=TODAY).state == "answered"


def test_raising_by_hand_on_a_task_a_target_or_a_matter(world):
    store, tasks = world
    task_notice = sv.raise_notice(store, OFFICE, task_id=tasks["市发改委"], unit="市发改委",
                                  deadline=TODAY + dt.timedelta(days=20), response="说明平台建设进度", as_of=AS_OF,
                                  today=TODAY)
    from innodrive.services import board

    line = next(k for k in board.tasks(store, OFFICE, as_of=AS_OF).lines if k.task.id == tasks["市发改委"])
    assert task_notice.source_kind == "task" and task_notice.rule_id is None
    assert task_notice.light == line.status.light and task_notice.reason.endswith(line.status.reason)
    with pytest.raises(Conflict, match="已有未办结的督办单"):
        sv.raise_notice(store, OFFICE, task_id=tasks["市发改委"], unit="市发改委",
                        deadline=TODAY + dt.timedelta(days=20), response="再次督办", as_of=AS_OF, today=TODAY)

    target = next(t for t in board.targets(store, OFFICE, as_of=AS_OF).lines if t.status.light == "red")
    t_notice = sv.raise_notice(store, OFFICE, target_id=target.target_id, unit="市科技局",
                               deadline=TODAY + dt.timedelta(days=15), response="说明滞后原因", as_of=AS_OF,
                               today=TODAY)
    assert t_notice.light == "red" and "高新技术企业数量" in t_notice.subject and "低于序时进度" in t_notice.reason
    # the rule run now knows the target has an open notice
    assert _run(store, dry_run=True).skipped == []
    county = sv.raise_notice(store, OFFICE, subject="市中区科技型企业培育滞后", unit="市中区人民政府", region="市中区",
                             deadline=TODAY + dt.timedelta(days=10), response="报送培育方案", today=TODAY)
    assert county.region_code == "511102"
    visible = sv.list_notices(store, COUNTY_ACTOR, today=TODAY).notices
    assert [n.id for n in visible] == [county.id]
    with pytest.raises(Forbidden, match="应由该单位答复"):
        sv.answer(store, COUNTY_ACTOR, county.id, text_="已报送")  # addressed as a unit, not the county itself


def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(world, tmp_path):
    store, tasks = world
    n = _run(store).raised[0]
    before = _count(store, AuditRow)
    with pytest.raises(InputError, match="答复内容为空"):
        sv.answer(store, KJJ if n.unit == "市科技局" else JRJ, n.id, text_="  ")
    with pytest.raises(InputError, match="应晚于今天"):
        sv.raise_notice(store, OFFICE, task_id=tasks["市发改委"], unit="市发改委", deadline=TODAY, response="x",
                        today=TODAY)
    with pytest.raises(InputError, match="请指定一个目标"):
        sv.raise_notice(store, OFFICE, unit="市发改委", deadline=TODAY + dt.timedelta(days=3), response="x",
                        today=TODAY)
    with pytest.raises(NotFound, match="没有编号为 999 的督办单"):
        sv.get_notice(store, OFFICE, 999)
    with pytest.raises(InputError, match="无法识别的督办状态"):
        sv.list_notices(store, OFFICE, state="pending")
    with pytest.raises(InputError, match="空文件"):
        from innodrive.blobs import Upload

        sv.answer(store, KJJ, n.id, text_="答复", evidence=[Upload(name="空.pdf", data=b"")], blobs=blobs(tmp_path))
    assert _count(store, AuditRow) == before
