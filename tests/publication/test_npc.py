"""The 人大 view (read-only, live) and the 专项工作报告 drafted only from a frozen snapshot."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.supervision.world import AS_OF, COUNTY_ACTOR, KJJ, NPC, OFFICE, TODAY, build_world, statistics

from innodrive.errors import Conflict, Forbidden
from innodrive.reports import render
from innodrive.reports.npc import build
from innodrive.reports.preflight import check_pdf
from innodrive.services import board, publication
from innodrive.services import supervision as sv


@pytest.fixture
def world(initialised_store):
    store = initialised_store
    build_world(store)
    sv.run_rules(store, OFFICE, as_of=AS_OF, today=TODAY)
    return store


def test_the_npc_reads_the_plans_state_as_the_board_gives_it(world):
    store = world
    state = publication.plan_state(store, NPC, as_of=AS_OF)
    tb, kb = board.targets(store, OFFICE, as_of=AS_OF), board.tasks(store, OFFICE, as_of=AS_OF)
    assert state.region_name == "乐山市" and state.as_of == AS_OF
    assert state.target_totals == tb.totals and len(state.targets) == len(tb.lines)
    assert state.targets[0].light == "red"  # lagging targets first
    assert state.tasks_total == len(kb.lines) and state.tasks_overdue == 3
    assert {u.unit: u.overdue for u in state.tasks_by_unit} == {"市科技局": 1, "市金融局": 1, "市经信局": 1,
                                                                  "市发改委": 0}
    assert state.supervision["raised"] == 3 and state.evaluation == []  # the 人大 reads no evaluation workspace
    for who in (KJJ, COUNTY_ACTOR):
        with pytest.raises(Forbidden):
            publication.plan_state(store, who, as_of=AS_OF)


def test_the_npc_changes_nothing(world):
    store = world
    from innodrive.services import tasks as task_service
    from innodrive.supervision.campaigns import Criteria

    notice = sv.list_notices(store, OFFICE).notices[0]
    for write in (lambda: publication.publish(store, NPC, as_of=AS_OF),
                  lambda: publication.publish_npc(store, NPC, as_of=AS_OF),
                  lambda: sv.run_rules(store, NPC, as_of=AS_OF),
                  lambda: sv.answer(store, NPC, notice.id, text_="x"),
                  lambda: sv.close(store, NPC, notice.id, note="x"),
                  lambda: sv.create_campaign(store, NPC, name="x", as_of=AS_OF, criteria=Criteria(lights=["red"])),
                  lambda: sv.issue_tongbao(store, NPC, period="2024Q3", reference="x"),
                  lambda: task_service.report(store, NPC, task_id=notice.task_id, as_of=AS_OF, status="推进中",
                                              narrative="x")):
        with pytest.raises(Forbidden):
            write()


def test_the_special_report_is_drafted_from_the_frozen_snapshot_only(world):
    store = world
    snap = publication.publish_npc(store, OFFICE, as_of=AS_OF)
    assert snap.kind == "npc" and snap.intact
    state = publication.npc_state_of(publication.get_snapshot(store, NPC, snap.id))
    files = build(state, snapshot_id=snap.id, sha256=snap.sha256, published_on=TODAY)
    pdf = render(files.document, "pdf")
    report = check_pdf(pdf, expect=[
        "关于乐山市创新驱动发展规划实施情况的报告（草稿）", "乐山市人民代表大会常务委员会：", "乐山市人民政府",
        f"快照编号{snap.id}", snap.sha256[:24], "截至2024年9月30日", "目标2项，重点任务4项",
        "重点任务已完成0项，逾期未完成3项", "累计发出督办单3件，已办结0件", "一、总体情况", "六、下一步工作"])
    assert report.problems == []
    # the data changes afterwards: the snapshot, and so the report, do not
    data_before = render(files.document, "docx")
    from innodrive.services import data

    data.import_table(store, OFFICE, statistics({2023: 290, 2024: 310}))
    assert publication.plan_state(store, NPC, as_of=AS_OF).target_totals != state.target_totals
    again = publication.npc_state_of(publication.get_snapshot(store, NPC, snap.id))
    assert again == state
    rebuilt = build(again, snapshot_id=snap.id, sha256=snap.sha256, published_on=TODAY)
    assert render(rebuilt.document, "pdf") == pdf and render(rebuilt.document, "docx") == data_before
    public = publication.publish(store, OFFICE, as_of=AS_OF)
    with pytest.raises(Conflict, match="不是向人大报送的计划执行情况"):
        publication.npc_state_of(publication.get_snapshot(store, OFFICE, public.id))


def test_the_office_snapshot_carries_the_evaluation_and_a_tampered_one_is_refused(world):
    store = world
    from tests.supervision.world import EVALUATOR, JXJ

    from innodrive.services import evaluation
    from innodrive.services import tasks as task_service

    tasks = {k.task.lead_units[0]: k.task.id for k in board.tasks(store, OFFICE, as_of=AS_OF).lines}
    r = task_service.report(store, JXJ, task_id=tasks["市经信局"], as_of=dt.date(2024, 9, 1), status="推进中",
                            narrative="改造项目已开工", today=TODAY)
    task_service.review(store, OFFICE, report_id=r.id, approve=True)
    s = evaluation.draw_sample(store, EVALUATOR, name="核查", size=1, seed="3")
    evaluation.record_verdict(store, EVALUATOR, s.items[0].item_id, verdict="核实")
    snap = publication.publish_npc(store, OFFICE, as_of=AS_OF)
    assert snap.content["evaluation"][0]["judged"] == 1 and snap.content["evaluation"][0]["seed"] == "3"
    from sqlalchemy import update

    from innodrive.publication.db import SnapshotRow

    with store.write() as session:
        session.execute(update(SnapshotRow).where(SnapshotRow.id == snap.id)
                        .values(content=SnapshotRow.content.op("||")(" ")))
    with pytest.raises(Conflict, match="未通过完整性校验"):
        publication.npc_state_of(publication.get_snapshot(store, NPC, snap.id))
