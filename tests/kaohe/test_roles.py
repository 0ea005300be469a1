"""Who may see and do what in the 考核: a unit sees only its own results and appeals; the office decides."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.kaohe.conftest import OFFICE

from innodrive.errors import Forbidden
from innodrive.services import kaohe as svc
from innodrive.services.access import roles_for
from innodrive.services.actor import Actor, Role

IN_WINDOW = dt.date(2025, 1, 22)
KEJI = Actor(username="科技局联络员", role=Role.UNIT, unit="市科技局", via="web")
JKH = Actor(username="金口河区联络员", role=Role.COUNTY, region_code="511113", via="web")
EMEI = Actor(username="峨眉山市联络员", role=Role.COUNTY, region_code="511181", via="web")
EVALUATOR = Actor(username="评估机构", role=Role.EVALUATOR, region_code="511100", via="web")
NPC = Actor(username="人大代表", role=Role.NPC, region_code="511100", via="web")
OTHER_OFFICE = Actor(username="宜宾创新办", role=Role.OFFICE, region_code="511500", via="web")
STRANGER_UNIT = Actor(username="某局", role=Role.UNIT, unit="市文旅局", via="web")


def test_the_permission_table():
    assert roles_for("kaohe.manage") == {Role.OFFICE}
    assert roles_for("kaohe.decide") == {Role.OFFICE}
    assert roles_for("kaohe.appeal") == {Role.OFFICE, Role.UNIT, Role.COUNTY}
    assert Role.PUBLIC not in roles_for("kaohe.read") and Role.REVIEWER not in roles_for("kaohe.read")


def test_a_unit_sees_only_its_own_results_and_appeals(example):
    store, cycle = example
    svc.score(store, OFFICE, cycle)
    mine = svc.results(store, KEJI, cycle)
    assert [u.unit for u in mine.result.units] == ["市科技局"] and not mine.complete
    assert [g.name for g in mine.result.groups] == ["市级部门"] and mine.result.groups[0].units == ["市科技局"]
    county = svc.results(store, JKH, cycle)
    assert [u.unit for u in county.result.units] == ["金口河区"]
    assert svc.explain(store, JKH, cycle, "金口河区").total == 63.0
    with pytest.raises(Forbidden, match="本单位"):
        svc.explain(store, JKH, cycle, "峨眉山市")
    with pytest.raises(Forbidden):
        svc.explain(store, KEJI, cycle, "市人社局")
    a1 = svc.file_appeal(store, JKH, cycle, unit="金口河区", subject="other", claim="申诉一", today=IN_WINDOW)
    a2 = svc.file_appeal(store, EMEI, cycle, unit="峨眉山市", subject="other", claim="申诉二", today=IN_WINDOW)
    assert [a.id for a in svc.list_appeals(store, JKH, cycle)] == [a1.id]
    assert [a.id for a in svc.list_appeals(store, EMEI, cycle)] == [a2.id]
    assert {a.id for a in svc.list_appeals(store, OFFICE, cycle)} == {a1.id, a2.id}
    items = svc.list_items(store, EMEI, cycle)
    assert items and {i.unit for i in items} == {"峨眉山市"}
    assert [c.id for c in svc.list_cycles(store, KEJI)] == [cycle]
    assert svc.list_cycles(store, STRANGER_UNIT) == []
    with pytest.raises(Forbidden, match="不是.*考核对象"):
        svc.results(store, STRANGER_UNIT, cycle)


def test_a_unit_cannot_appeal_for_another_unit_nor_decide(example):
    store, cycle = example
    svc.score(store, OFFICE, cycle)
    with pytest.raises(Forbidden, match="本单位"):
        svc.file_appeal(store, JKH, cycle, unit="峨眉山市", subject="other", claim="替别人申诉", today=IN_WINDOW)
    a = svc.file_appeal(store, JKH, cycle, unit="金口河区", subject="indicator:fiscal_sti_expenditure_share",
                        claim="漏报", requested={"value": 1.0}, today=IN_WINDOW)
    for actor in (JKH, KEJI, EVALUATOR, NPC):
        with pytest.raises(Forbidden):
            svc.decide_appeal(store, actor, a.id, accept=True, reason="自己采纳")
    assert svc.list_appeals(store, OFFICE, cycle)[0].state == "pending"
    with pytest.raises(Forbidden):
        svc.decide_appeal(store, OTHER_OFFICE, a.id, accept=True, reason="外地")
    decided = svc.decide_appeal(store, OFFICE, a.id, accept=True, reason="属实")
    assert decided.decided_by == "创新办张三"


def test_only_the_office_of_the_region_sets_up_scores_and_reports(example):
    store, cycle = example
    for actor in (KEJI, JKH, EVALUATOR, NPC):
        with pytest.raises(Forbidden):
            svc.score(store, actor, cycle)
        with pytest.raises(Forbidden):
            svc.allocate(store, actor, cycle)
        with pytest.raises(Forbidden):
            svc.tongbao_data(store, actor, cycle)
        with pytest.raises(Forbidden):
            svc.import_items(store, actor, cycle, b"x", file_name="x.csv")
    with pytest.raises(Forbidden, match="本辖区"):
        svc.score(store, OTHER_OFFICE, cycle)
    with pytest.raises(Forbidden):
        svc.results(store, OTHER_OFFICE, cycle)


def test_evaluator_and_npc_see_results_only_once_final(example):
    store, cycle = example
    svc.score(store, OFFICE, cycle)
    for actor in (EVALUATOR, NPC):
        with pytest.raises(Forbidden, match="尚未定档"):
            svc.results(store, actor, cycle)
    svc.finalise(store, OFFICE, cycle, today=dt.date(2025, 2, 1))
    for actor in (EVALUATOR, NPC):
        view = svc.results(store, actor, cycle)
        assert len(view.result.units) == 17 and view.complete


def test_every_assessed_unit_reads_the_frameworks_it_is_assessed_by(example):
    store, _ = example
    for actor in (JKH, KEJI, EVALUATOR):
        types = {f.unit_type for f in svc.list_frameworks(store, actor)}
        assert types == {"主城区", "县域", "部门"}, actor.role
    assert svc.list_frameworks(store, OTHER_OFFICE) == []
    d = svc.diff_frameworks(store, JKH, unit_type="县域", old_year=2023, new_year=2024)
    assert d.region_code == "511100" and len(d.lines) == 9
