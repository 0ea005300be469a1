"""One full cycle, from the 榜单 to the last tranche, through the use cases on a real
database (SQLite, and PostgreSQL when configured); every money movement audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from innodrive.errors import Conflict, Forbidden, ValidationFailed
from innodrive.projects import example
from innodrive.projects.conflicts import conflicts
from innodrive.projects.db import ApplicationRow, ExpertRow, PaymentRow
from innodrive.projects.specs import ContractSpec
from innodrive.services import projects as P
from innodrive.services.actor import Actor, Role
from innodrive.store import audit

from .project_helpers import AFTER_DEADLINE, score_all

CALL = "JB-2024-01"
A1, A2, A3, A4 = (f"{CALL}-00{i}" for i in range(1, 5))


def test_full_cycle_from_call_to_last_tranche(store, office, seeded):
    # -- the call serves a stored plan task; eligibility is checked with reasons ---------------
    call = P.get_call(store, office, CALL, on=AFTER_DEADLINE)
    assert call.plan_task.id == seeded["task"] and call.plan_task.title.startswith("改进科技项目组织方式")
    assert [c.code for c in P.calls_for_task(store, office, seeded["task"])] == [CALL]
    states = {a.code: a.eligibility.state for a in seeded["apps"]}
    assert states == {A1: "pass", A2: "fail", A3: "pass", A4: "pass"}
    young = next(a for a in seeded["apps"] if a.code == A2)
    assert "企业成立满一年" in young.eligibility.reasons[0] and "2023-09-01" in young.eligibility.reasons[0]
    assert any("来自企业名录" in n for n in young.eligibility.notes)

    # -- assignment: 3 eligible applications × 5 reviewers, no conflicted pair, balanced --------
    result = P.assign_reviewers(store, office, CALL, on=AFTER_DEADLINE)
    assert len(result.new) == 15 and [s.code for s in result.skipped] == [A2]
    loads = [x.load for x in result.loads]
    assert sum(loads) == 15 and max(loads) - min(loads) <= 1
    from innodrive.services.projects.review import _application_side, _expert_side

    with store.read() as session:
        for line in result.new:
            app = session.scalar(select(ApplicationRow).where(ApplicationRow.code == line.application_code))
            expert = session.get(ExpertRow, line.expert_id)
            assert conflicts(_expert_side(expert), _application_side(app, 2024), window_years=3) == []
    names = {(x.application_code, x.expert_name) for x in result.new}
    assert (A1, "乙示例") not in names and (A1, "丁示例") not in names     # 合作 2023; 联合申报单位
    assert (A3, "丙示例") not in names and (A4, "丁示例") not in names     # 兼职; 同单位
    again = P.assign_reviewers(store, office, CALL, on=AFTER_DEADLINE)    # nothing left to do
    assert again.new == [] and again.kept == 15

    # -- scores (one extreme reviewer on A3) and the robust ranking ---------------------------------
    score_all(store, office, CALL, {A1: [78, 84, 83, 77, 80], A3: [76, 74, 30, 77, 75], A4: [70, 72, 69, 71, 73]})
    rk = P.ranking(store, office, CALL)
    assert [(r.code, r.rank) for r in rk.ranked] == [(A1, 1), (A3, 2), (A4, 3)]
    a1, a3, a4 = rk.ranked
    assert a1.aggregate.value == pytest.approx((78 + 80 + 83) / 3) and not a1.non_consensus
    assert a3.aggregate.value == 75.0 and a3.aggregate.dropped == [30.0, 77.0]   # (74 + 75 + 76) / 3
    assert a3.non_consensus and a3.aggregate.spread == 47.0                       # 77 − 30 ≥ 25
    assert a4.aggregate.value == 71.0

    # -- decisions: 非共识 needs its second look; one award within the 榜额 --------------------------
    with pytest.raises(Conflict, match="非共识项目"):
        P.select_application(store, office, A3, amount=300, reason="技术路线新颖")
    P.record_second_look(store, office, A3, conclusion="maintain", reason="复议维持评审结果", held_on=dt.date(2024, 5, 20))
    with pytest.raises(Conflict, match="超过申请金额"):
        P.select_application(store, office, A1, amount=450, reason="综合排名第一")
    sel = P.select_application(store, office, A1, amount=350, reason="综合排名第一")
    assert sel.state == "proposed"
    with pytest.raises(Conflict, match="最多支持 1 项"):
        P.select_application(store, office, A4, amount=100, reason="备选")
    with pytest.raises(Conflict, match="评分已锁定"):
        P.submit_scores(store, office, P.assignments(store, office, CALL)[0].assignment_id,
                        {"tech": 1, "team": 1, "budget": 1, "benefit": 1})

    # -- 公示 with an objection ------------------------------------------------------------------
    pub = P.open_publicity(store, office, CALL, starts_on=dt.date(2024, 6, 1))
    assert (pub.starts_on, pub.ends_on) == (dt.date(2024, 6, 1), dt.date(2024, 6, 7))
    with pytest.raises(Conflict, match="不在公示期内"):
        P.record_objection(store, office, CALL, application_code=A1, received_on=dt.date(2024, 6, 9),
                           submitter="张某", contact="13812345678", text="逾期提出")
    o = P.record_objection(store, office, CALL, application_code=A1, received_on=dt.date(2024, 6, 3),
                           submitter="张某", contact="13812345678", text="对方案原创性有疑问")
    assert o.contact == "138****5678" and o.contact_masked
    with pytest.raises(Conflict, match="尚未期满"):
        P.close_publicity(store, office, CALL, on=dt.date(2024, 6, 7))
    with pytest.raises(Conflict, match="异议未处理"):
        P.close_publicity(store, office, CALL, on=dt.date(2024, 6, 8))
    P.handle_objection(store, office, o.id, uphold=False, response="经核查，相关技术为申报单位自主研发")
    closed = P.close_publicity(store, office, CALL, on=dt.date(2024, 6, 8))
    assert [(e.application_code, e.state) for e in closed.entries] == [(A1, "confirmed")]
    [notice] = P.publicity_notices(store, Actor.public())
    assert notice.entries[0].applicant == "乐山示例硅材料有限公司" and notice.entries[0].amount == 350
    assert "13812345678" not in notice.model_dump_json()

    # -- contract, 验收 and tranches ------------------------------------------------------------------
    spec = ContractSpec.model_validate(example.contract(amount=350))
    with pytest.raises(ValidationFailed, match="应等于立项支持金额"):
        P.sign_contract(store, office, A1, ContractSpec.model_validate(example.contract(amount=300)))
    p = P.sign_contract(store, office, A1, spec)
    code = spec.code
    assert [m.tranche for m in p.milestones] == [105, 105, 140] and p.milestones[0].accepted_on == spec.signed_on
    with pytest.raises(Conflict, match="尚未验收通过"):
        P.disburse(store, office, code, 2, paid_on=dt.date(2024, 7, 1), voucher="GK-2")
    P.disburse(store, office, code, 1, paid_on=dt.date(2024, 6, 25), voucher="GK-1")
    with pytest.raises(Conflict, match="不能重复拨付"):
        P.disburse(store, office, code, 1, paid_on=dt.date(2024, 6, 26), voucher="GK-1b")
    P.record_check(store, office, code, 2, held_on=dt.date(2025, 6, 20), conclusion="通过", comments="中期检查通过",
                   experts=["甲示例", "己示例"])
    P.disburse(store, office, code, 2, paid_on=dt.date(2025, 7, 1), voucher="GK-2")
    mid = P.get_project(store, office, code, as_of=dt.date(2025, 8, 1))
    assert mid.status.standing == "on_time" and mid.paid == 210 and mid.balance == 140
    with pytest.raises(Conflict, match="尚未验收通过"):
        P.disburse(store, office, code, 3, paid_on=dt.date(2026, 7, 1), voucher="GK-3")

    # -- outputs counted in the catalogue's project indicators ---------------------------------------
    r = P.add_output(store, office, code, kind="发明专利授权", title="一种电子级二氧化硅的制备方法（示例）",
                     identifier="ZL2025100000001", obtained_on=dt.date(2025, 11, 3))
    assert {(o["indicator"], o["period"], o["value"]) for o in r.observations} == {
        ("project_patent_grants", "2025", 1.0), ("project_invention_patent_grants", "2025", 1.0)}
    with pytest.raises(Conflict, match="不能重复计数"):
        P.add_output(store, office, code, kind="invention_patent", title="同一专利", identifier="ZL2025100000001",
                     obtained_on=dt.date(2025, 11, 3))
    utility = P.add_output(store, office, code, kind="实用新型专利授权", title="一种反应釜（示例）",
                           identifier="ZL2025200000002", obtained_on=dt.date(2025, 12, 1))
    assert {(o["indicator"], o["value"]) for o in utility.observations} == {("project_patent_grants", 2.0)}
    removed = P.remove_output(store, office, utility.output.id, reason="登记错误：该专利不属于本项目")
    assert [(o["indicator"], o["value"], o["change"]) for o in removed.observations] == [
        ("project_patent_grants", 1.0, "revise")]
    from innodrive.indicators.observations import history

    revisions = history(store, region_code="511100", indicator_code="project_patent_grants", period="2025")
    assert [(r.revision, r.value, r.is_current) for r in revisions] == [(1, 1.0, False), (2, 2.0, False), (3, 1.0, True)]
    P.add_output(store, office, code, kind="新增销售收入", title="电子级二氧化硅销售（示例）", amount=1200,
                 obtained_on=dt.date(2026, 5, 31))
    from innodrive.indicators.observations import latest

    values = {(o.indicator_code, o.period): o for o in latest(store, region_codes=["511100"])
              if o.indicator_code.startswith("project_")}
    assert values[("project_new_revenue", "2026")].value == 1200
    patents = values[("project_invention_patent_grants", "2025")]
    assert patents.source.startswith("innodrive 科技项目成果登记") and code in patents.note

    # -- 结题验收 and the last tranche ------------------------------------------------------------------
    P.record_check(store, office, code, 3, held_on=dt.date(2026, 6, 25), conclusion="通过", comments="结题验收通过")
    done = P.disburse(store, office, code, 3, paid_on=dt.date(2026, 7, 3), voucher="GK-3")
    assert done.state == "completed" and done.paid == 350 and done.balance == 0
    assert done.status.standing == "completed" and done.status.light == "green"

    # -- every money movement is audited, and the audit adds up to the ledger ------------------------
    with store.read() as session:
        payments = [(p.id, p.amount, p.voucher) for p in session.scalars(select(PaymentRow).order_by(PaymentRow.id))]
        entries = [e for e in audit.entries(session) if e.action.startswith("project_funds.")]
    assert len(payments) == 3 and len(entries) == 3
    chain = 0.0
    for (pay_id, amount, voucher), entry in zip(payments, entries, strict=True):
        assert entry.actor == office.username
        assert entry.after["payment_id"] == pay_id and entry.after["amount"] == amount
        assert entry.after["voucher"] == voucher
        assert entry.before["paid"] == chain
        chain = round(chain + amount, 4)
        assert entry.after["paid"] == chain
    assert chain == 350
    with store.read() as session:
        actions = [e.action for e in audit.entries(session)]
    for expected in ("project_call.publish", "project_application.enter", "project_review.assign",
                     "project_review.score", "project_review.second_look", "project_decision.select",
                     "project_decision.publicise", "project_decision.objection", "project_decision.objection_handled",
                     "project_decision.confirm", "project_contract.sign", "project_contract.check",
                     "project_output.add", "project_output.remove", "observation.add", "observation.revise"):
        assert expected in actions, expected


def test_an_upheld_objection_withdraws_the_selection(store, office, seeded):
    P.assign_reviewers(store, office, CALL, on=AFTER_DEADLINE)
    score_all(store, office, CALL, {A1: [80] * 5, A3: [70] * 5, A4: [60] * 5})
    P.select_application(store, office, A1, amount=300, reason="排名第一")
    P.open_publicity(store, office, CALL, starts_on=dt.date(2024, 6, 1), days=5)
    o = P.record_objection(store, office, CALL, application_code=A1, received_on=dt.date(2024, 6, 2),
                           submitter="某公司", contact="028-1234567", text="申报材料数据不实")
    P.handle_objection(store, office, o.id, uphold=True, response="经核查，申报材料中的销售数据不实，异议成立")
    closed = P.close_publicity(store, office, CALL, on=dt.date(2024, 6, 6))
    assert [e.state for e in closed.entries] == ["withdrawn"]
    assert [s.state for s in P.selections(store, office, CALL)] == ["withdrawn"]
    with pytest.raises(Conflict, match="尚未立项"):
        P.sign_contract(store, office, A1, ContractSpec.model_validate(example.contract(amount=300)))
    # the next-ranked application can be selected and publicised in a new round
    P.select_application(store, office, A3, amount=300, reason="第一名异议成立后递补")
    again = P.open_publicity(store, office, CALL, starts_on=dt.date(2024, 6, 10))
    assert [e.application_code for e in again.entries] == [A3]
    unmasked = P.objections(store, office, CALL, unmasked=True)
    assert unmasked[0].contact == "028-1234567"
    with store.read() as session:
        assert any(e.action == "project_decision.view_contacts" for e in audit.entries(session))


def test_recusal_and_refill(store, office, seeded):
    first = P.assign_reviewers(store, office, CALL, on=AFTER_DEADLINE)
    line = next(x for x in first.new if x.application_code == A1)
    P.recuse(store, office, line.assignment_id, reason="专家报告近年曾与申报单位合作")
    refill = P.assign_reviewers(store, office, CALL, on=AFTER_DEADLINE)
    assert [(x.application_code) for x in refill.new] == [A1]
    assert refill.new[0].expert_id != line.expert_id
    active = [x for x in P.assignments(store, office, CALL) if x.application_code == A1 and x.state == "assigned"]
    assert len(active) == 5


def test_assignment_is_refused_before_the_deadline_and_when_the_pool_is_too_small(store, office, seeded):
    with pytest.raises(Conflict, match="尚未截止"):
        P.assign_reviewers(store, office, CALL, on=dt.date(2024, 4, 30))
    from innodrive.projects.specs import ExpertSpec

    # retire five experts: A1 (which must avoid 乙 and 丁) cannot get five unconflicted reviewers
    retire = [ExpertSpec.model_validate({**e, "active": False}) for e in example.experts()[4:9]]
    P.register_experts(store, office, retire)
    with pytest.raises(Conflict) as info:
        P.assign_reviewers(store, office, CALL, on=AFTER_DEADLINE)
    text = " ".join(p.message for p in info.value.problems)
    assert f"申报 {A1}" in text and "同一单位 1 人" in text and "近年合作 1 人" in text and "已停用 5 人" in text
    assert P.assignments(store, office, CALL) == []  # nothing was written


def test_other_region_and_other_roles_are_refused(store, office, seeded):
    yibin = Actor(username="yb", role=Role.OFFICE, region_code="511500", via="web")
    with pytest.raises(Forbidden, match="本辖区"):
        P.get_call(store, yibin, CALL)
    assert P.list_calls(store, yibin) == []
    evaluator = Actor(username="ev", role=Role.EVALUATOR, region_code="511100", via="web")
    assert P.get_application(store, evaluator, A1).applicant == "乐山示例硅材料有限公司"
    with pytest.raises(Forbidden, match="无权"):
        P.assign_reviewers(store, evaluator, CALL, on=AFTER_DEADLINE)
    unit = Actor(username="u", role=Role.UNIT, region_code="511100", unit="市科技局", via="web")
    with pytest.raises(Forbidden):
        P.list_calls(store, unit)
