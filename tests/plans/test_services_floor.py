"""The living plan's service floor: rights and scope, per-file failures, merged targets,
removal, task units, second sources, shipped data that never overwrites, the audit chain."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from innodrive.blobs import Upload
from innodrive.errors import Conflict, Forbidden, InputError
from innodrive.plans import storage
from innodrive.services import audit as audit_service
from innodrive.services import board, data, links, plans, tasks
from innodrive.services.actor import Actor, Role
from innodrive.store.schema import AuditRow, TaskUnitRow

DECISION = """中共测试市委关于深入推进创新驱动发展的决定
一、总体要求
1.指导思想。坚持创新在现代化建设全局中的核心地位。
2.主要目标。到2025年,全市国家高新技术企业达到{firms}家,研发经费投入强度达到2.5%,技术合同成交额较“十三五”末实现倍增,建成国家知识产权示范城市。
二、重点任务
1.培育创新主体。实施高新技术企业倍增计划。牵头单位:市科技局;责任单位:市财政局、市经信局。2023年6月底前完成。
2.建设创新平台。推进“5553”行动计划。牵头单位:市发展改革委。
{extra}三、保障措施
1.加强组织领导。建立领导小组。
"""

OFFICE = Actor.local_operator("张三")
LESHAN, YIBIN = "511100", "511500"
TODAY = dt.date(2023, 7, 10)


def upload(name: str, body: str) -> Upload:
    return Upload(name=name, data=body.encode("utf-8"))


def decision(firms: int = 400, city: str = "乐山") -> str:
    return DECISION.format(firms=firms, extra="").replace("测试市", f"{city}市")


# --- plans ---------------------------------------------------------------------------


def test_a_batch_reports_each_file_and_refuses_content_that_does_not_match_its_extension(store):
    batch = plans.add_documents(store, OFFICE, [upload("决定.txt", decision()), upload("伪装.pdf", decision(500)),
                                                upload("空.txt", "")])
    outcomes = {f.file: f for f in batch.files}
    assert outcomes["决定.txt"].outcome == "new_plan" and outcomes["决定.txt"].targets >= 3
    assert outcomes["伪装.pdf"].outcome == "failed" and "扩展名为 .pdf" in outcomes["伪装.pdf"].error
    assert outcomes["空.txt"].outcome == "failed"
    assert batch.failures == 2
    assert len(plans.list_plans(store, OFFICE)) == 1


def test_a_plan_is_found_by_any_words_of_its_title_and_locations_are_paragraph_and_sentence(store):
    plans.add_documents(store, OFFICE, [upload("决定.txt", decision())])
    p = plans.get_plan(store, OFFICE, "乐山 决定")
    assert p.id == plans.get_plan(store, OFFICE, "乐山市 创新驱动").id
    detail = plans.show_plan(store, OFFICE, "决定 乐山")
    firms = next(t for t in detail.targets if "高新技术企业" in t.indicator)
    # line 4 of the text: "2.主要目标。到2025年,全市国家高新技术企业达到400家, …" → paragraph 4, sentence 2
    assert (firms.location.paragraph, firms.location.sentence) == (4, 2)


def test_the_same_target_in_two_plans_of_one_region_is_one_line_with_two_sources(store):
    plans.add_documents(store, OFFICE, [upload("决定.txt", decision())])
    resolution = decision().replace("关于深入推进创新驱动发展的决定", "全会决议")
    batch = plans.add_documents(store, OFFICE, [upload("决议.txt", resolution)])
    assert any("相同" in w for w in batch.files[0].warnings)
    b = board.targets(store, OFFICE, as_of=TODAY, region="乐山")
    firms = [line for line in b.lines if "高新技术企业" in line.indicator]
    assert len(firms) == 1 and len(firms[0].plans) == 2
    assert sum(b.totals.values()) == len(b.lines)


def test_remove_keeps_history_and_refuses_while_reports_hang_on_the_plan(store):
    plans.add_documents(store, OFFICE, [upload("决定.txt", decision())])
    plan = plans.get_plan(store, OFFICE, "乐山")
    task = next(t for t in tasks_of(store) if t.title == "培育创新主体")
    tasks.report(store, Actor.local_operator("王五"), task_id=task.id, as_of=TODAY, status="推进中", narrative="推进",
                 today=TODAY)
    with pytest.raises(Conflict, match="已有 1 条进展报送"):
        plans.remove_plan(store, OFFICE, str(plan.id))
    r = plans.remove_plan(store, OFFICE, str(plan.id), force=True, reason="重复")
    assert r.reports == 1 and plans.list_plans(store, OFFICE) == []
    assert board.targets(store, OFFICE, as_of=TODAY).lines == []
    assert plans.list_plans(store, OFFICE, include_removed=True)[0].removed_by == "张三"
    page = audit_service.read(store, OFFICE, entity="计划")
    assert [e.action for e in page.entries][-1] == "plan.remove"


def tasks_of(store):
    from innodrive.plans.progress import list_tasks

    return list_tasks(store)


# --- tasks ---------------------------------------------------------------------------


HEADINGS = """中共乐山市委 乐山市人民政府关于推进创新驱动发展的实施意见
一、重点任务
（一）实施高新技术企业倍增行动（市科技局牵头，市财政局、市税务局配合）
加快培育高新技术企业。
（二）建设创新平台
由市经信局牵头，市发展改革委、市科技局配合，推进重点实验室建设。
（三）优化创新生态
强化人才支撑。
"""


def test_owners_are_read_from_headings_and_bodies_and_a_person_can_assign_them(store):
    plans.add_documents(store, OFFICE, [upload("意见.txt", HEADINGS)])
    by_title = {t.title.split("(")[0].split("（")[0]: t for t in tasks_of(store)}
    first = by_title["实施高新技术企业倍增行动"]
    assert (first.lead_units, first.co_units) == (["市科技局"], ["市财政局", "市税务局"])
    second = by_title["建设创新平台"]
    assert (second.lead_units, second.co_units) == (["市经信局"], ["市发展改革委", "市科技局"])
    third = by_title["优化创新生态"]
    assert third.lead_units == []
    a = tasks.assign(store, OFFICE, task_id=third.id, lead=["市人才办"], co=["市人社局、市教育局"])
    assert (a.lead_units, a.co_units) == (["市人才办"], ["市人社局", "市教育局"])
    b = board.tasks(store, OFFICE, as_of=TODAY, unit="市人才办")
    assert [line.task.id for line in b.lines] == [third.id]
    # a revised text keeps what a person assigned
    plans.add_documents(store, OFFICE, [upload("意见.txt", HEADINGS + "（四）其他事项\n继续推进。\n")])
    with store.read() as s:
        units = [(u.role, u.unit) for u in s.scalars(select(TaskUnitRow).where(TaskUnitRow.task_id == third.id))]
    assert ("lead", "市人才办") in units


def test_a_unit_account_sees_and_reports_on_its_own_tasks_only(store):
    plans.add_documents(store, OFFICE, [upload("意见.txt", HEADINGS)])
    unit = Actor(username="li", role=Role.UNIT, region_code=LESHAN, unit="市经信局", via="web")
    lines = board.tasks(store, unit, as_of=TODAY).lines
    assert {line.task.lead_units[0] for line in lines} == {"市经信局"}
    other = next(t for t in tasks_of(store) if "市经信局" not in t.lead_units + t.co_units)
    with pytest.raises(Forbidden, match="本单位"):
        tasks.report(store, unit, task_id=other.id, as_of=TODAY, status="推进中", narrative="x", today=TODAY)


def test_a_county_account_cannot_reach_another_regions_plans(store):
    plans.add_documents(store, OFFICE, [upload("决定.txt", decision())])
    county = Actor(username="yb", role=Role.COUNTY, region_code=YIBIN, via="web")
    assert plans.list_plans(store, county) == []
    assert board.targets(store, county, as_of=TODAY).lines == []
    with pytest.raises(Forbidden):
        board.targets(store, county, as_of=TODAY, region="乐山市")
    with pytest.raises(Forbidden):
        plans.add_documents(store, county, [upload("决定.txt", decision())])


# --- data ----------------------------------------------------------------------------

TABLE = "地区,指标,年份,值,单位,来源\n宜宾市,高新技术企业数量,2022,{v},家,{src}\n"


def test_an_equal_value_from_another_source_is_a_second_source_not_a_revision(store):
    r1 = data.import_table(store, OFFICE, upload("a.csv", TABLE.format(v=170, src="宜宾市统计公报")))
    assert r1.added == 1
    r2 = data.import_table(store, OFFICE, upload("b.csv", TABLE.format(v=170, src="四川科技统计年鉴")))
    assert (r2.added, r2.revised, r2.sourced) == (0, 0, 1)
    r3 = data.import_table(store, OFFICE, upload("a.csv", TABLE.format(v=170, src="宜宾市统计公报")))
    r4 = data.import_table(store, OFFICE, upload("b.csv", TABLE.format(v=170, src="四川科技统计年鉴")))
    assert not r3.changed and not r4.changed  # the two files no longer undo each other
    s = data.series(store, OFFICE, region="宜宾", indicator="高新技术企业数量")
    [o] = s.observations
    assert o.revision == 1 and [x.source for x in o.other_sources] == ["四川科技统计年鉴"]


def test_rerunning_init_never_reverts_a_value_a_person_imported(store):
    first = data.import_shipped(store, OFFICE)
    assert first.added > 0
    shipped = data.series(store, OFFICE, region="宜宾市", indicator="gdp", period="2020").observations
    assert [o.value for o in shipped] == [2802]  # shipped: 宜宾市 GDP 2020 = 2802 亿元
    data.import_table(store, OFFICE, upload("fix.csv", "地区,指标,年份,值,单位,来源\n宜宾市,地区生产总值,2020,2802.12,亿元,人工核实\n"))
    again = data.import_shipped(store, OFFICE)
    assert again.added == 0 and again.revised == 0 and again.kept == 1
    current = [o.value for o in data.series(store, OFFICE, region="宜宾市", indicator="gdp",
                                            period="2020").observations if o.is_current]
    assert current == [2802.12]


def test_import_preview_names_regions_and_indicators_and_scope_is_checked(store):
    r = data.import_table(store, OFFICE, upload("a.csv", TABLE.format(v=170, src="公报")), dry_run=True)
    [c] = r.changes
    assert (c.region_name, c.indicator_name, c.kind) == ("宜宾市", "高新技术企业数", "add")
    county = Actor(username="ls", role=Role.COUNTY, region_code=LESHAN, via="web")
    with pytest.raises(InputError, match="辖区以外"):
        data.import_table(store, county, upload("a.csv", TABLE.format(v=170, src="公报")))


# --- links ---------------------------------------------------------------------------


def test_link_by_chinese_name_and_a_warning_when_no_target_uses_the_phrase(store):
    r = links.link(store, OFFICE, phrase="不存在的说法", indicator="高新技术企业数量")
    assert r.code == "hnte_count" and r.updated == 0 and "没有任何已存目标" in r.warning
    assert any(i.code == "hnte_count" for i in links.indicators(OFFICE, query="高新"))


# --- audit ---------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [0, -1])
def test_audit_limit_must_be_positive(store, limit):
    with pytest.raises(InputError, match="正整数"):
        audit_service.read(store, OFFICE, limit=limit)


def test_audit_entity_accepts_chinese_names_and_refuses_unknown_ones(store):
    plans.add_documents(store, OFFICE, [upload("决定.txt", decision())])
    assert {e.entity for e in audit_service.read(store, OFFICE, entity="计划").entries} == {"plan"}
    with pytest.raises(InputError, match="未知的对象类别"):
        audit_service.read(store, OFFICE, entity="飞机")


def test_the_audit_chain_names_the_first_entry_changed_behind_innodrives_back(store):
    plans.add_documents(store, OFFICE, [upload("决定.txt", decision())])
    data.import_table(store, OFFICE, upload("a.csv", TABLE.format(v=170, src="公报")))
    v = audit_service.verify(store, OFFICE)
    assert v.ok and v.entries >= 2
    with store.write() as s:
        ids = s.scalars(select(AuditRow.id).order_by(AuditRow.id)).all()
        s.execute(text("UPDATE audit_log SET actor = '李四' WHERE id = :i"), {"i": ids[1]})
    v = audit_service.verify(store, OFFICE)
    assert not v.ok and v.broken.entry_id == ids[1] and "内容被改动" in v.broken.reason
    with store.write() as s:
        s.execute(text("UPDATE audit_log SET actor = '张三' WHERE id = :i"), {"i": ids[1]})
        s.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[0]})
    v = audit_service.verify(store, OFFICE)
    assert v.broken.entry_id == ids[1] and "衔接" in v.broken.reason


def test_verify_finds_evidence_changed_in_the_blob_store(store, tmp_path):
    from innodrive.blobs import default_blob_store

    plans.add_documents(store, OFFICE, [upload("决定.txt", decision())])
    task = next(t for t in tasks_of(store) if t.title == "培育创新主体")
    r = tasks.report(store, Actor.local_operator("王五"), task_id=task.id, as_of=TODAY, status="推进中",
                     narrative="见附件", evidence=[Upload(name="../../认定.pdf", data=b"%PDF-1.4 x")], today=TODAY)
    assert r.evidence[0].file_name == "认定.pdf"  # never a path
    assert audit_service.verify(store, OFFICE).ok
    default_blob_store()._path(r.evidence[0].blob_key).write_bytes(b"forged")
    v = audit_service.verify(store, OFFICE)
    assert not v.ok and "认定.pdf" in v.bad_evidence[0]


def test_storage_add_plan_still_works_without_text(store, plan_factory, linker):
    r = storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    assert r.outcome == "new_plan"
