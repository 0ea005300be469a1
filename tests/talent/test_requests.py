"""Service requests: working-day deadlines, escalation past the limit, what a handling
unit sees, and the units' 考核 figures computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import Conflict, Forbidden, InputError, NotFound
from innodrive.services import talent as svc
from innodrive.store import audit
from innodrive.talent import workdays
from innodrive.talent.cards import DayCount
from innodrive.talent.requests import RequestFacts, deadline_for, unit_figures

from .helpers import HOUSING, OFFICE, SCHOOL, person

D = dt.date


# ------------------------------------------------------------------ the calendar


def test_working_days_skip_holidays_and_count_the_adjusted_weekends():
    # 2024 国庆: 9-29 (Sun) is a working day, 10-01..10-07 are holidays
    assert workdays.add_days(D(2024, 9, 27), 3, "working") == D(2024, 10, 8)
    assert workdays.days_between(D(2024, 9, 27), D(2024, 10, 8), "working") == 3
    # 2025 春节: 01-26 (Sun) is a working day; 01-28..02-04 are holidays
    assert workdays.add_days(D(2025, 1, 24), 1, "working") == D(2025, 1, 26)
    assert workdays.add_days(D(2025, 1, 27), 1, "working") == D(2025, 2, 5)
    # an ordinary week
    assert workdays.add_days(D(2024, 7, 1), 15, "working") == D(2024, 7, 22)


def test_a_calendar_day_limit_ending_on_a_holiday_ends_on_the_next_working_day():
    assert workdays.add_days(D(2024, 9, 27), 7, "calendar") == D(2024, 10, 8)   # 10-04 is a holiday
    assert workdays.add_days(D(2024, 7, 1), 7, "calendar") == D(2024, 7, 8)


def test_a_year_without_a_notice_is_counted_monday_to_friday_and_says_so():
    day, notes = deadline_for(D(2027, 12, 20), DayCount(days=10, unit="working"))
    assert day == D(2028, 1, 3)
    assert notes == ["2027年节假日安排未载入，该年按周一至周五计算工作日", "2028年节假日安排未载入，该年按周一至周五计算工作日"]
    assert deadline_for(D(2024, 3, 1), DayCount(days=15, unit="working")) == (D(2024, 3, 22), [])


# ------------------------------------------------------------------ figures by hand


def test_unit_figures_computed_by_hand():
    f = RequestFacts
    requests = [
        # 市住建局: answered on time (19 days, 13 working days), 非常满意
        f(unit="市住建局", submitted_on=D(2024, 3, 1), deadline=D(2024, 3, 22), status="resolved",
          answered_on=D(2024, 3, 20), satisfaction=5, rated_on=D(2024, 3, 25)),
        # answered late (24 days, 18 working days), 不满意, escalated
        f(unit="市住建局", submitted_on=D(2024, 3, 4), deadline=D(2024, 3, 25), status="declined",
          answered_on=D(2024, 3, 28), satisfaction=2, rated_on=D(2024, 4, 1), escalated_on=D(2024, 3, 26)),
        # still open past its deadline, escalated
        f(unit="市住建局", submitted_on=D(2024, 4, 1), deadline=D(2024, 4, 23), status="open",
          escalated_on=D(2024, 4, 24)),
        # open, still within its limit on the as-of date
        f(unit="市住建局", submitted_on=D(2024, 6, 20), deadline=D(2024, 7, 11), status="open"),
        # withdrawn: not counted
        f(unit="市住建局", submitted_on=D(2024, 5, 6), deadline=D(2024, 5, 27), status="withdrawn"),
        # submitted before the period: not counted
        f(unit="市住建局", submitted_on=D(2023, 12, 29), deadline=D(2024, 1, 22), status="resolved",
          answered_on=D(2024, 1, 30)),
        # 市教育局: two on time (4 and 7 days; 4 and 5 working days), one 基本满意, one not rated
        f(unit="市教育局", submitted_on=D(2024, 5, 6), deadline=D(2024, 6, 3), status="resolved",
          answered_on=D(2024, 5, 10), satisfaction=3, rated_on=D(2024, 5, 11)),
        f(unit="市教育局", submitted_on=D(2024, 5, 13), deadline=D(2024, 6, 11), status="resolved",
          answered_on=D(2024, 5, 20)),
    ]
    zj, jy = unit_figures(requests, start=D(2024, 1, 1), end=D(2024, 6, 30), as_of=D(2024, 6, 30),
                          satisfied_at_least=3)
    assert zj.unit == "市住建局" and jy.unit == "市教育局"
    assert (zj.received, zj.answered, zj.answered_on_time, zj.overdue_open, zj.open_in_time) == (4, 2, 1, 1, 1)
    assert zj.on_time_rate == pytest.approx(1 / 3)          # 1 on time ÷ (2 answered + 1 overdue)
    assert zj.average_days == pytest.approx((19 + 24) / 2)
    assert zj.average_working_days == pytest.approx((13 + 18) / 2)
    assert (zj.rated, zj.satisfied) == (2, 1)
    assert zj.satisfaction_rate == pytest.approx(0.5) and zj.average_score == pytest.approx(3.5)
    assert zj.escalated == 2
    assert (jy.received, jy.answered, jy.answered_on_time, jy.overdue_open) == (2, 2, 2, 0)
    assert jy.on_time_rate == 1.0 and jy.average_days == 5.5 and jy.average_working_days == 4.5
    assert (jy.rated, jy.satisfied, jy.satisfaction_rate, jy.average_score) == (1, 1, 1.0, 3.0)
    # judged as of an earlier date, the late answer was still an open overdue request
    early = unit_figures(requests, start=D(2024, 1, 1), end=D(2024, 6, 30), as_of=D(2024, 3, 27),
                         satisfied_at_least=3)[0]
    assert (early.received, early.answered, early.overdue_open, early.rated) == (2, 1, 1, 1)


# ------------------------------------------------------------------ through the services


@pytest.fixture
def holder(store):
    """A B类 全职 talent holding an A card (issued 2024-01-02)."""
    tid = svc.register_talent(store, OFFICE, person(), today=D(2024, 6, 30)).talent.id
    svc.issue_card(store, OFFICE, tid, on=D(2024, 1, 2))
    return tid


def test_a_request_past_its_limit_escalates_step_by_step_and_only_once(store, holder):
    r = svc.submit_request(store, OFFICE, holder, "housing", submitted_on=D(2024, 7, 1), description="申请人才公寓一套")
    assert (r.unit, r.time_limit, r.deadline) == ("市住建局", "15个工作日", D(2024, 7, 22))
    assert svc.escalate_overdue(store, OFFICE, as_of=D(2024, 7, 22)) == []          # on the last day: in time
    [first] = svc.escalate_overdue(store, OFFICE, as_of=D(2024, 7, 23))
    assert (first.level, first.name, first.overdue_days) == (1, "逾期催办", 1)
    assert svc.escalate_overdue(store, OFFICE, as_of=D(2024, 7, 24)) == []          # already recorded
    assert svc.escalate_overdue(store, OFFICE, as_of=D(2024, 7, 29)) == []          # 5 working days: not yet
    [second] = svc.escalate_overdue(store, OFFICE, as_of=D(2024, 7, 30))
    assert (second.level, second.name, second.to) == (2, "逾期督办", "市委组织部（市委人才工作领导小组）")
    detail = svc.get_request(store, HOUSING, r.id, as_of=D(2024, 7, 30))
    assert detail.overdue and detail.overdue_days == 6 and detail.escalation_name == "逾期督办"
    assert [e.kind for e in detail.events] == ["submit", "escalate", "escalate"]
    assert detail.events[1].note == "逾期催办：逾期1个工作日，报市委人才工作领导小组办公室"
    with store.read() as s:
        assert [e.action for e in audit.entries(s, entity="talent_request")].count("talent.request.escalate") == 2


def test_a_unit_sees_only_what_is_routed_to_it(store, holder):
    housing = svc.submit_request(store, OFFICE, holder, "housing", submitted_on=D(2024, 7, 1))
    school = svc.submit_request(store, OFFICE, holder, "schooling", submitted_on=D(2024, 7, 1), description="子女入学")
    assert [r.number for r in svc.list_requests(store, HOUSING, as_of=D(2024, 7, 2))] == [housing.number]
    assert [r.number for r in svc.list_requests(store, SCHOOL, as_of=D(2024, 7, 2))] == [school.number]
    assert len(svc.list_requests(store, OFFICE, as_of=D(2024, 7, 2))) == 2
    with pytest.raises(Forbidden, match="只能查看交办本单位（市住建局）"):
        svc.list_requests(store, HOUSING, unit="市教育局")
    with pytest.raises(NotFound, match="未交办本单位"):
        svc.get_request(store, HOUSING, school.id)
    with pytest.raises(NotFound):
        svc.answer_request(store, HOUSING, school.id, outcome="resolved", answer="已安排")
    # after a transfer the request follows its new unit
    svc.transfer_request(store, OFFICE, school.id, unit="市住建局", reason="涉及人才公寓配套学位", on=D(2024, 7, 2))
    assert {r.number for r in svc.list_requests(store, HOUSING, as_of=D(2024, 7, 2))} == {housing.number, school.number}
    assert svc.list_requests(store, SCHOOL, as_of=D(2024, 7, 2)) == []


def test_answer_rate_and_the_same_figures_through_the_service(store, holder):
    a = svc.submit_request(store, OFFICE, holder, "housing", submitted_on=D(2024, 3, 1))
    b = svc.submit_request(store, OFFICE, holder, "housing", submitted_on=D(2024, 3, 4))
    c = svc.submit_request(store, OFFICE, holder, "medical", submitted_on=D(2024, 4, 1))
    assert c.deadline == D(2024, 4, 9)  # 5 working days: 04-02, 04-03, 04-07 (调休), 04-08, 04-09
    svc.answer_request(store, HOUSING, a.id, outcome="resolved", answer="已配租人才公寓", on=D(2024, 3, 20))
    late = svc.answer_request(store, HOUSING, b.id, outcome="declined", answer="已享受安居补贴，不重复享受",
                              on=D(2024, 3, 28))
    assert late.status_label == "不予办理" and late.answered_on > late.deadline
    with pytest.raises(Conflict, match="不能再次答复"):
        svc.answer_request(store, HOUSING, a.id, outcome="resolved", answer="再答复一次")
    with pytest.raises(InputError, match="答复内容"):
        svc.answer_request(store, OFFICE, c.id, outcome="resolved", answer="")
    with pytest.raises(Conflict, match="尚未答复"):
        svc.rate_request(store, OFFICE, c.id, level=5)
    svc.rate_request(store, OFFICE, a.id, level=5, on=D(2024, 3, 25))
    svc.rate_request(store, OFFICE, b.id, level=2, on=D(2024, 4, 1))
    with pytest.raises(InputError, match="满意度应为 5（非常满意）"):
        svc.rate_request(store, OFFICE, b.id, level=7)
    report = svc.unit_figures(store, OFFICE, start=D(2024, 1, 1), end=D(2024, 6, 30), as_of=D(2024, 6, 30))
    by = {u.unit: u for u in report.units}
    zj = by["市住建局"]
    assert (zj.received, zj.answered, zj.answered_on_time) == (2, 2, 1)
    assert zj.on_time_rate == 0.5 and zj.average_days == (19 + 24) / 2 and zj.satisfaction_rate == 0.5
    wj = by["市卫健委"]
    assert (wj.received, wj.overdue_open, wj.on_time_rate) == (1, 1, 0.0)
    assert "国办发〔2019〕51号" in report.satisfaction_rule and report.notes  # example rules are named
    # a unit gets only its own line
    assert [u.unit for u in svc.unit_figures(store, HOUSING, start=D(2024, 1, 1), end=D(2024, 6, 30)).units] == \
        ["市住建局"]


def test_a_service_the_card_does_not_open_is_refused_unless_an_exception_is_recorded(store):
    tid = svc.register_talent(store, OFFICE, person(category="C", employment="柔性"), today=D(2024, 6, 30)).talent.id
    with pytest.raises(Conflict, match="不能申请人才安居：持卡情况为未持有有效的英才卡，要求持有英才卡A卡、英才卡B卡之一"):
        svc.submit_request(store, OFFICE, tid, "housing", submitted_on=D(2024, 7, 1))
    r = svc.submit_request(store, OFFICE, tid, "housing", submitted_on=D(2024, 7, 1),
                           exception_reason="市委人才工作领导小组会议纪要〔2024〕3号同意")
    assert r.exception_reason.startswith("市委人才工作领导小组") and r.unit == "市住建局"
    with pytest.raises(InputError, match="未知的服务事项“停车”"):
        svc.submit_request(store, OFFICE, tid, "停车")


def test_withdrawn_requests_leave_the_figures(store, holder):
    r = svc.submit_request(store, OFFICE, holder, "housing", submitted_on=D(2024, 3, 1))
    svc.withdraw_request(store, OFFICE, r.id, reason="本人已自行解决住房", on=D(2024, 3, 5))
    report = svc.unit_figures(store, OFFICE, start=D(2024, 1, 1), end=D(2024, 6, 30), as_of=D(2024, 6, 30))
    assert report.units == []
