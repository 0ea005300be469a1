"""Eligibility rules, conflicts of interest, blind redaction and contract checks (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import ValidationFailed
from innodrive.projects import example
from innodrive.projects.blind import MASK, anonymous_code, identity_terms, redact
from innodrive.projects.conflicts import ApplicationSide, ExpertSide, Party, TeamMember, conflicts, same_org
from innodrive.projects.eligibility import build_rules, evaluate, facts_row
from innodrive.projects.funds import contract_problems, payable
from innodrive.projects.specs import ApplicationSpec, CallSpec, ContractSpec, parse

DEADLINE = dt.date(2024, 4, 30)


def _rules(eligibility):
    return build_rules(code="T-1", title="测试榜单", source="测试通知", eligibility=eligibility)


def _row(**kw):
    base = dict(applicant_kind="enterprise", in_region=True, established=dt.date(2015, 1, 1),
                verdicts={"hnte": {"state": "pass"}}, dishonest=False, requested=300.0, self_funding=300.0,
                quota=500.0, team_size=3, senior_members=1, duration_months=24, partners=0)
    base.update(kw)
    return facts_row(**base)


def test_each_condition_has_value_threshold_and_basis():
    rules = _rules(example.call()["eligibility"])
    e = evaluate(rules, _row(self_funding=250.0), on=DEADLINE)
    assert e.state == "fail"
    c5 = next(c for c in e.conditions if c.id == "C5")
    assert (c5.value_text, c5.op, c5.threshold_text, c5.basis, c5.state) == \
        ("250万元", ">=", "300万元", "榜单“经费要求”", "fail")
    assert e.reasons == ["自筹资金不低于申请财政资金（榜单“经费要求”）：取值 250万元，要求 >= 300万元（不符合）"]


def test_registered_too_recently_is_judged_at_the_deadline():
    rules = _rules(example.call()["eligibility"])
    # one year before 2024-04-30 is 2023-04-30: established on that day passes, a day later fails
    assert evaluate(rules, _row(established=dt.date(2023, 4, 30)), on=DEADLINE).state == "pass"
    late = evaluate(rules, _row(established=dt.date(2023, 5, 1)), on=DEADLINE)
    assert late.state == "fail"
    assert "企业成立满一年" in late.reasons[0] and "2023-05-01" in late.reasons[0] and "<= 2023-04-30" in late.reasons[0]
    # a university team needs no date of establishment
    uni = _row(applicant_kind="university", established=None, verdicts={})
    assert evaluate(rules, uni, on=DEADLINE).state == "pass"


def test_unknown_credit_check_and_missing_verdict_need_data():
    rules = _rules(example.call()["eligibility"])
    e = evaluate(rules, _row(dishonest=None), on=DEADLINE)
    assert e.state == "needs_data"
    assert any("无严重失信记录" in r and "缺少：有失信记录（信用核查）" in r for r in e.reasons)
    dishonest = evaluate(rules, _row(dishonest=True), on=DEADLINE)
    assert dishonest.state == "fail"
    # not a 高企 per the directory, and no 科小 verdict either: C4 (any of) fails as a group
    e2 = evaluate(rules, _row(verdicts={"hnte": {"state": "fail"}, "tech_sme": {"state": "fail"}}), on=DEADLINE)
    assert e2.state == "fail" and any(r.startswith("高新技术企业、科技型中小企业或高校院所") for r in e2.reasons)


def test_a_call_without_eligibility_rules_lets_everyone_in():
    assert _rules({}) is None
    e = evaluate(None, _row(), on=DEADLINE)
    assert e.state == "pass" and "未声明申报条件" in e.notes[0]


@pytest.mark.parametrize("eligibility, fragment", [
    ({"C1": {"label": "x", "test": "turnover >= 1"}}, "未知的事实“turnover”"),
    ({"C1": {"label": "x", "test": "requested >="}}, "公式语法错误"),
    ({"C1": {"label": "x"}}, "条件须且只能是"),
    ({"C1": {"label": "x", "all": ["C9"]}}, "未定义的条件 C9"),
    ({"C1": "requested < 3"}, "键值映射"),
    ({"C1": {"label": "x", "test": "requested", "colour": "red"}}, "不认识的字段"),
])
def test_bad_rules_are_refused_with_the_place(eligibility, fragment):
    with pytest.raises(ValidationFailed) as info:
        _rules(eligibility)
    text = str(info.value) + " ".join(str(p) for p in info.value.problems)
    assert fragment in text


def test_call_and_application_files_report_every_problem_in_chinese():
    with pytest.raises(ValidationFailed) as info:
        parse(CallSpec, {**example.call(), "quota": "五百", "deadline": "2024-02-30", "criteria": []},
              file="榜单.yaml", what="榜单文件")
    fields = {p.field: p.message for p in info.value.problems}
    assert fields["quota"] == "应为数字" and fields["deadline"] == "应为日期 YYYY-MM-DD"
    assert fields["criteria"] == "至少需要一项"
    bad = {**example.applications()[0], "requested": 999}
    with pytest.raises(ValidationFailed, match="申请财政资金 999 万元与预算明细合计 400 万元不一致"):
        parse(ApplicationSpec, bad, file="申报.yaml", what="申报文件")
    with pytest.raises(ValidationFailed, match="每项评审专家应不少于 3 人"):
        parse(CallSpec, {**example.call(), "review": {"reviewers": 2, "trim": 1}}, what="榜单文件")


# --------------------------------------------------------------------------- conflicts


def _app(**kw):
    base = dict(key="A", parties=[Party(name="乐山示例硅材料有限公司", credit_code=example.SILICON, role="申报单位"),
                                  Party(name="乐山示例学院", role="联合申报单位")],
                members=[TeamMember(name="王示例", organisation="乐山示例硅材料有限公司")], year=2024)
    base.update(kw)
    return ApplicationSide(**base)


def _expert(**kw):
    base = dict(key="e", name="甲示例", affiliation="成都示例研究院")
    base.update(kw)
    return ExpertSide(**base)


def test_no_conflict():
    assert conflicts(_expert(), _app(), window_years=3) == []


def test_same_organisation_by_name_code_partner_and_member():
    assert conflicts(_expert(affiliation="乐山示例学院"), _app(), window_years=3)[0].kind == "same_org"
    assert conflicts(_expert(affiliation="乐山示例学院化学系"), _app(), window_years=3)[0].kind == "same_org"
    assert conflicts(_expert(affiliation="另一名称", affiliation_code=example.SILICON), _app(),
                     window_years=3)[0].kind == "same_org"
    member_org = _app(members=[TeamMember(name="赵示例", organisation="四川示例大学")])
    assert conflicts(_expert(affiliation="四川示例大学"), member_org, window_years=3)[0].kind == "same_org"
    assert not same_org("示例", "示例科技有限公司")  # too short to be a parent organisation


def test_own_staff_by_post_or_membership():
    post = conflicts(_expert(posts=["乐山示例硅材料有限公司"]), _app(), window_years=3)
    assert [c.kind for c in post] == ["own_staff"]
    member = conflicts(_expert(name="王示例", affiliation="乐山示例硅材料有限公司"), _app(), window_years=3)
    assert {c.kind for c in member} == {"same_org", "own_staff"}


def test_collaboration_within_the_window_only():
    recent = _expert(collaborations=[("乐山示例硅材料有限公司", 2021)])
    old = _expert(collaborations=[("乐山示例硅材料有限公司", 2020)])
    undated = _expert(collaborations=[("王示例", None)])
    assert [c.kind for c in conflicts(recent, _app(), window_years=3)] == ["collaboration"]
    assert conflicts(old, _app(), window_years=3) == []
    assert "团队成员王示例" in conflicts(undated, _app(), window_years=3)[0].detail


def test_declared_recusal():
    assert conflicts(_expert(declared=["A"]), _app(), window_years=3)[0].kind == "declared"


# --------------------------------------------------------------------------- blind


def test_redaction_removes_names_short_forms_and_codes():
    terms = identity_terms(organisations=["乐山示例硅材料有限公司", "乐山示例学院"], people=["王示例"],
                           codes=[example.SILICON])
    text = f"乐山示例硅材料依托省级中心，由王示例牵头，联合乐山示例学院（{example.SILICON}）"
    out = redact(text, terms)
    assert "乐山示例" not in out and "王示例" not in out and example.SILICON not in out
    assert out.count(MASK) == 4


def test_anonymous_codes_are_fresh():
    taken = {anonymous_code(set()) for _ in range(50)}
    code = anonymous_code(taken)
    assert code not in taken and code.startswith("N-") and len(code) == 9


# --------------------------------------------------------------------------- contracts


def test_contract_tranches_must_add_up_and_dates_fit():
    spec = ContractSpec.model_validate(example.contract(amount=350))
    assert contract_problems(spec, amount=350) == []
    short = contract_problems(spec, amount=400)
    assert "合计 350 万元，应等于立项支持金额 400 万元" in short[0].message
    bad = ContractSpec.model_validate({**example.contract(), "milestones": [
        {"title": "结题", "kind": "final", "due_on": "2026-06-30", "deliverables": ["x"], "tranche": 100},
        {"title": "节点", "due_on": "2027-01-01", "tranche": 250}]})
    messages = " ".join(p.message for p in contract_problems(bad, amount=350))
    assert "结题验收应为最后一个节点" in messages and "不在合同期" in messages and "没有列出交付成果" in messages


def test_payable_only_once_after_acceptance():
    assert payable(tranche=100, accepted=False, paid=0) == "节点尚未验收通过，不能拨付"
    assert "不能重复拨付" in payable(tranche=100, accepted=True, paid=100)
    assert payable(tranche=0, accepted=True, paid=0) == "该节点没有拨付金额"
    assert payable(tranche=100, accepted=True, paid=0) is None


# --------------------------------------------------------------------------- lights


def _status(as_of, *, accepted=(None, None), checks=()):
    from innodrive.projects.lights import CheckState, MilestoneState, project_status, standing

    ms = [MilestoneState(title="中期检查", due_on=dt.date(2025, 6, 30), accepted_on=accepted[0]),
          MilestoneState(title="结题验收", due_on=dt.date(2026, 6, 30), accepted_on=accepted[1])]
    st = project_status(key="HT", title="示例项目", starts_on=dt.date(2024, 7, 1), ends_on=dt.date(2026, 6, 30),
                        milestones=ms, checks=[CheckState(**c) for c in checks], as_of=as_of)
    return st, standing(st)


def test_project_lights_come_from_the_tracking_engine():
    start = [{"held_on": dt.date(2024, 6, 20), "kind": "start", "conclusion": "pass"}]
    assert _status(dt.date(2025, 3, 1), checks=start)[1] == "on_time"
    st, s = _status(dt.date(2025, 7, 15), checks=start)   # 中期检查 due 2025-06-30, not accepted
    assert s == "at_risk" and st.light == "yellow" and "中期检查" in st.reason
    mid = [*start, {"held_on": dt.date(2025, 6, 20), "kind": "midterm", "conclusion": "pass"}]
    assert _status(dt.date(2025, 7, 15), accepted=(dt.date(2025, 6, 20), None), checks=mid)[1] == "on_time"
    st, s = _status(dt.date(2026, 8, 1), accepted=(dt.date(2025, 6, 20), None), checks=mid)
    assert s == "late" and st.light == "red"
    done = [*mid, {"held_on": dt.date(2026, 6, 25), "kind": "final", "conclusion": "pass"}]
    assert _status(dt.date(2026, 8, 1), accepted=(dt.date(2025, 6, 20), dt.date(2026, 6, 25)), checks=done)[1] \
        == "completed"
    rectify = [*start, {"held_on": dt.date(2025, 6, 20), "kind": "midterm", "conclusion": "rectify"}]
    assert _status(dt.date(2025, 6, 25), checks=rectify)[1] == "at_risk"
