"""The declared 督办 rules, raising and the escalation ladder, as pure functions."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import InputError, NotFound, ValidationFailed
from innodrive.supervision.escalation import LadderState, close_problems, due_escalations, escalates_on_return
from innodrive.supervision.raising import TargetCandidate, TaskCandidate, propose, target_key, task_key
from innodrive.supervision.ruleset import load_rules, parse_rules

RULES = load_rules()
DAY = dt.date(2024, 10, 8)


def _target(**kw) -> TargetCandidate:
    base = dict(target_id=1, plan_id=1, plan_title="要点", region_code="511100", region_name="乐山市",
                region_level="prefecture", indicator="高新技术企业数量", indicator_code="hnte_count", kind="number",
                value=300.0, unit="家", year=2025, goal="300家（2025年）", section="一", section_units=[],
                light="red", label="明显滞后于序时进度", reason="低于序时进度", flags=[])
    return TargetCandidate(**{**base, **kw})


def _task(**kw) -> TaskCandidate:
    base = dict(task_id=7, plan_id=1, plan_title="要点", region_code="511100", region_name="乐山市",
                title="实施创新主体培育行动", path="二/(一)", lead_units=["市科技局"], deadline=dt.date(2024, 6, 30),
                light="red", label="逾期未完成", reason="已逾期100天", flags=["overdue"], days_overdue=100)
    return TaskCandidate(**{**base, **kw})


def test_the_shipped_rules_declare_a_three_rung_ladder_ending_in_an_interview():
    assert [r.name for r in RULES.ladder] == ["督办通知", "二次督办", "约谈"]
    assert RULES.rung(3).interview and not RULES.rung(2).interview
    assert RULES.number(2024, 7) == "督办〔2024〕7号"
    assert {r.id for r in RULES.raise_} == {"red-target", "overdue-task"}


def test_a_rules_file_with_mistakes_names_every_problem():
    bad = {"kind": "supervision-rules", "title": "x", "version": "1", "effective_from": "2024-01-01",
           "raise": [{"id": "a", "name": "n", "source": "task", "response_days": 0, "response": "要"}],
           "ladder": [{"level": 1, "name": "通知"}, {"level": 3, "name": "约谈"}], "extra": 1}
    with pytest.raises(ValidationFailed) as exc:
        parse_rules(bad, source="本办规则.yaml")
    fields = {p.field for p in exc.value.problems}
    assert {"raise.0.response_days", "extra"} <= fields
    assert all(p.file == "本办规则.yaml" for p in exc.value.problems)
    with pytest.raises(NotFound, match="没有名为“nosuch”的内置督查督办规则"):
        load_rules("nosuch")
    with pytest.raises(InputError, match="YAML 映射"):
        parse_rules(["not", "a", "mapping"], source="x.yaml")


def test_red_targets_and_overdue_tasks_become_notices_once(tmp_path):
    p = propose([_target(section_units=["市科技局"])], [_task(), _task(task_id=8, light="yellow", flags=[])],
                open_sources=set(), rules=RULES, as_of=DAY)
    assert [(n.source_kind, n.unit, n.rule_id) for n in p.notices] == [("target", "市科技局", "red-target"),
                                                                       ("task", "市科技局", "overdue-task")]
    assert p.notices[0].deadline == DAY + dt.timedelta(days=15)
    assert p.notices[1].deadline == DAY + dt.timedelta(days=10)
    assert p.notices[1].reason == "逾期未完成：已逾期100天"
    # a source with an open notice is not raised again
    again = propose([_target(section_units=["市科技局"])], [_task()],
                    open_sources={target_key(_target()), task_key(7)}, rules=RULES, as_of=DAY)
    assert again.notices == [] and again.already_open == 2


def test_lines_without_an_addressee_are_skipped_with_the_reason():
    p = propose([_target()], [_task(lead_units=[])], open_sources=set(), rules=RULES, as_of=DAY)
    assert p.notices == []
    assert "无法确定责任单位" in p.skipped[0].why and "牵头单位未明确" in p.skipped[1].why


def test_addressees_by_indicator_and_for_a_county(tmp_path):
    text = (tmp_path / "r.yaml")
    text.write_text("kind: supervision-rules\ntitle: 本办规则\nversion: '2'\neffective_from: 2024-01-01\n"
                    "raise:\n  - {id: red-target, name: 红灯, source: target, lights: [red], response_days: 5, "
                    "response: 说明原因}\n"
                    "ladder:\n  - {level: 1, name: 督办通知}\n"
                    "addressees:\n  county_target: '{region}人民政府'\n  by_indicator: {hnte_count: 市科技局}\n",
                    encoding="utf-8")
    rules = load_rules(str(text))
    p = propose([_target(), _target(target_id=2, indicator="研发经费投入强度", indicator_code="rd_intensity",
                                    region_code="511102", region_name="市中区", region_level="county")],
                [], open_sources=set(), rules=rules, as_of=DAY)
    assert [(n.unit, n.addressee_kind) for n in p.notices] == [("市科技局", "unit"), ("市中区人民政府", "region")]
    assert rules.label == "本办规则@2"


def _ladder(**kw) -> LadderState:
    return LadderState(**{"id": 1, "level": 1, "state": "open", "deadline": DAY, **kw})


def test_an_open_notice_climbs_one_rung_after_its_deadline():
    assert due_escalations([_ladder()], RULES, DAY) == []  # on the deadline day: not yet
    [e] = due_escalations([_ladder()], RULES, DAY + dt.timedelta(days=1))
    assert (e.from_level, e.to_level, e.level_name) == (1, 2, "二次督办")
    assert e.deadline == DAY + dt.timedelta(days=1 + 7)
    [e] = due_escalations([_ladder(level=2)], RULES, DAY + dt.timedelta(days=1))
    assert e.interview and e.level_name == "约谈"
    # answered notices wait on the office; the top rung climbs no further
    assert due_escalations([_ladder(state="answered"), _ladder(level=3)], RULES, DAY + dt.timedelta(days=30)) == []


def test_closing_needs_an_answer_with_evidence_and_an_interview_record_at_the_top():
    assert close_problems(_ladder(), RULES) == ["责任单位尚未答复（或答复已退回），不能办结"]
    assert close_problems(_ladder(state="answered"), RULES) == ["规则要求答复附佐证材料，最近一次答复没有材料"]
    assert close_problems(_ladder(state="answered", last_answer_has_evidence=True), RULES) == []
    top = _ladder(level=3, state="answered", last_answer_has_evidence=True)
    assert close_problems(top, RULES) == ["已升级为约谈，须先记录约谈情况"]
    assert close_problems(top.model_copy(update={"interviewed_at_level": True}), RULES) == []
    assert not escalates_on_return(_ladder(returns_at_level=0), RULES)
    assert escalates_on_return(_ladder(returns_at_level=1), RULES)  # the second return climbs
    assert not escalates_on_return(_ladder(level=3, returns_at_level=5), RULES)
