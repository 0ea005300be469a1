"""专项督查: tasks picked by rule or by a seeded sample, findings, 整改 items tracked to 销号."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import Conflict, Forbidden, InputError
from innodrive.services import supervision as sv
from innodrive.supervision.campaigns import Criteria

from .world import AS_OF, COUNTY_ACTOR, EVALUATOR, JXJ, KJJ, NPC, OFFICE, TODAY, blobs, pdf_evidence


def test_a_rule_picks_every_overdue_task_of_the_ledger(world):
    store, tasks = world
    c = sv.create_campaign(store, OFFICE, name="上半年逾期任务专项督查", as_of=AS_OF,
                           criteria=Criteria(flags=["overdue"]), today=TODAY)
    from innodrive.services import board

    overdue = {k.task.id for k in board.tasks(store, OFFICE, as_of=AS_OF).lines if "overdue" in k.status.flags}
    assert {i.task_id for i in c.items} == overdue == {tasks["市科技局"], tasks["市金融局"], tasks["市经信局"]}
    assert c.method == "rule" and c.seed is None and all(i.outcome == "pending" for i in c.items)
    assert all("按规则选取" in i.why and "overdue" in i.why for i in c.items)
    only = sv.create_campaign(store, OFFICE, name="经信专项", as_of=AS_OF,
                              criteria=Criteria(flags=["overdue"], units=["市经信局"]))
    assert [i.unit for i in only.items] == ["市经信局"]
    with pytest.raises(InputError, match="没有选出任何任务"):
        sv.create_campaign(store, OFFICE, name="空", as_of=AS_OF, criteria=Criteria(units=["市教育局"]))


def test_a_sample_is_drawn_from_a_recorded_seed_and_can_be_drawn_again(world):
    store, _ = world
    a = sv.create_campaign(store, OFFICE, name="随机抽查", as_of=AS_OF, sample_size=2, by=["light"], seed="20241008",
                           include_completed=True)
    b = sv.create_campaign(store, OFFICE, name="随机抽查（复核）", as_of=AS_OF, sample_size=2, by=["light"],
                           seed="20241008", include_completed=True)
    assert a.seed == b.seed == "20241008" and a.frame_size == 4 and a.frame_sha256 == b.frame_sha256
    assert [i.task_id for i in a.items] == [i.task_id for i in b.items]
    assert len(a.items) == 2 and {i.stratum for i in a.items} == {"red", "yellow"}
    assert sorted(i.weight for i in a.items) == [1.0, 3.0]  # 1 of 1 yellow task, 1 of 3 red ones
    auto = sv.create_campaign(store, OFFICE, name="自动种子", as_of=AS_OF, sample_size=2, by=[],
                              include_completed=True)
    assert auto.seed and auto.seed.isdigit()  # recorded even when nobody gave one
    with pytest.raises(InputError, match="不认识的分层变量"):
        sv.create_campaign(store, OFFICE, name="x", as_of=AS_OF, sample_size=2, by=["colour"])
    with pytest.raises(InputError, match="抽样设计有误"):
        sv.create_campaign(store, OFFICE, name="x", as_of=AS_OF, sample_size=0)


def test_findings_and_rectification_to_closure(world, tmp_path):
    store, tasks = world
    c = sv.create_campaign(store, OFFICE, name="专项督查", as_of=AS_OF, criteria=Criteria(flags=["overdue"]))
    items = {i.unit: i for i in c.items}
    sv.record_finding(store, OFFICE, items["市经信局"].id, outcome="ok", finding="已按期启动，台账滞后报送")
    with pytest.raises(Conflict, match="不能结束"):
        sv.close_campaign(store, OFFICE, c.id, note="结束")
    r = sv.add_rectification(store, OFFICE, items["市科技局"].id, problem="培育行动未启动",
                             requirement="十日内制定方案并启动", deadline=TODAY + dt.timedelta(days=10), today=TODAY)
    assert r.unit == "市科技局" and r.state == "open"
    sv.record_finding(store, OFFICE, items["市金融局"].id, outcome="issue", finding="科技金融政策未出台")
    r2 = sv.add_rectification(store, OFFICE, items["市金融局"].id, problem="政策未出台", requirement="月底前出台",
                              deadline=TODAY + dt.timedelta(days=20), today=TODAY)
    # a unit sees only its own items and 整改
    mine = sv.get_campaign(store, KJJ, c.id, today=TODAY)
    assert [i.unit for i in mine.items] == ["市科技局"] and [x.id for x in mine.items[0].rectifications] == [r.id]
    assert [x.id for x in sv.list_rectifications(store, KJJ, today=TODAY)] == [r.id]
    with pytest.raises(Forbidden):
        sv.get_rectification(store, KJJ, r2.id)
    with pytest.raises(Forbidden):
        sv.report_rectification(store, JXJ, r.id, text_="替别人报")
    with pytest.raises(Forbidden):
        sv.add_rectification(store, KJJ, items["市科技局"].id, problem="p", requirement="q",
                             deadline=TODAY + dt.timedelta(days=3), today=TODAY)
    bs = blobs(tmp_path)
    reported = sv.report_rectification(store, KJJ, r.id, text_="方案已印发并启动", evidence=[pdf_evidence("方案.pdf")],
                                       blobs=bs, today=TODAY)
    assert reported.state == "reported"
    name, _ = sv.rectification_evidence(store, OFFICE, rect_id=r.id, sha256=reported.events[-1].evidence[0].sha256,
                                        blobs=bs)
    assert name == "方案.pdf"
    back = sv.decide_rectification(store, OFFICE, r.id, accept=False, note="方案未明确责任人",
                                   deadline=TODAY + dt.timedelta(days=15), today=TODAY)
    assert back.state == "open" and back.deadline == TODAY + dt.timedelta(days=15)
    sv.report_rectification(store, KJJ, r.id, text_="已明确责任人", evidence=[pdf_evidence("方案2.pdf")], blobs=bs)
    assert sv.decide_rectification(store, OFFICE, r.id, accept=True, note="整改到位", today=TODAY).state == "closed"
    # overdue 整改 is visible as such
    assert sv.get_rectification(store, OFFICE, r2.id, today=TODAY + dt.timedelta(days=25)).days_overdue == 5
    sv.report_rectification(store, _unit("市金融局"), r2.id, text_="政策已出台")
    sv.decide_rectification(store, OFFICE, r2.id, accept=True, note="已出台")
    done = sv.close_campaign(store, OFFICE, c.id, note="三项任务均已检查，两项整改已销号")
    assert done.state == "closed" and done.counts == {"ok": 1, "issue": 2, "rect_closed": 2}
    with pytest.raises(Conflict, match="已结束"):
        sv.record_finding(store, OFFICE, items["市经信局"].id, outcome="issue", finding="改")


def _unit(name: str):
    from innodrive.services.actor import Actor, Role

    return Actor(username=f"t-{name}", role=Role.UNIT, region_code="511100", unit=name, via="web")


def test_read_only_roles_read_campaigns_but_cannot_run_them(world):
    store, _ = world
    c = sv.create_campaign(store, OFFICE, name="专项督查", as_of=AS_OF, criteria=Criteria(flags=["overdue"]))
    for reader in (NPC, EVALUATOR):
        assert sv.get_campaign(store, reader, c.id).id == c.id
        with pytest.raises(Forbidden):
            sv.record_finding(store, reader, c.items[0].id, outcome="ok", finding="x")
        with pytest.raises(Forbidden):
            sv.create_campaign(store, reader, name="x", as_of=AS_OF, criteria=Criteria(flags=["overdue"]))
    assert sv.list_campaigns(store, COUNTY_ACTOR) == []  # a county: not its region
