"""Observations: periods, revisions and single corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import InputError
from innodrive.indicators import observations
from innodrive.indicators.observations import NewValue
from innodrive.indicators.periods import parse_period, period_end
from innodrive.store import audit


@pytest.mark.parametrize("written, canonical", [
    ("2023", "2023"), ("2023年", "2023"), ("2023年末", "2023"), (2023, "2023"), (2023.0, "2023"),
    ("2023年上半年", "2023H1"), ("2023H2", "2023H2"), ("2023Q2", "2023Q2"), ("2023年第三季度", "2023Q3"),
    ("2023年四季度", "2023Q4"), ("2023-6", "2023-06"), ("2023年6月", "2023-06"), ("2023.06", "2023-06"),
    ("2023-06-30", "2023-06-30"), ("2023年6月30日", "2023-06-30"), (dt.date(2023, 6, 30), "2023-06-30"),
    ("２０２３年", "2023"),
])
def test_periods_written_many_ways_have_one_form(written, canonical):
    assert parse_period(written) == canonical


@pytest.mark.parametrize("bad", ["", "二〇二三", "2023-13", "2023-02-30", "1800", "去年", "2023Q5"])
def test_what_is_not_a_period_is_refused(bad):
    with pytest.raises(InputError):
        parse_period(bad)


def test_period_ends():
    assert period_end("2023") == dt.date(2023, 12, 31)
    assert period_end("2024H1") == dt.date(2024, 6, 30)
    assert period_end("2024Q1") == dt.date(2024, 3, 31)
    assert period_end("2024-02") == dt.date(2024, 2, 29)
    assert period_end("2024-02-10") == dt.date(2024, 2, 10)


@pytest.fixture
def store(initialised_store):
    return initialised_store


def test_a_correction_is_a_revision_with_before_and_after_in_the_audit_log(store):
    v = NewValue(region_code="511100", indicator_code="gdp", period="2020", value=2003.43, unit="亿元", source="公报")
    assert observations.record_value(store, v, actor="统计员").kind == "add"
    assert observations.record_value(store, v, actor="统计员").kind == "same"
    fixed = NewValue(region_code="511100", indicator_code="gdp", period="2020", value=2008.11, unit="亿元",
                     source="公报（修订）")
    change = observations.record_value(store, fixed, actor="审核员")
    assert change.kind == "revise" and change.before.value == 2003.43
    hist = observations.history(store, region_code="511100", indicator_code="gdp")
    assert [(o.revision, o.value, o.is_current) for o in hist] == [(1, 2003.43, False), (2, 2008.11, True)]
    with store.read() as s:
        entries = audit.entries(s, entity="observation")
    assert [(e.action, e.actor) for e in entries] == [("observation.add", "统计员"), ("observation.revise", "审核员")]
    assert entries[1].before["value"] == 2003.43 and entries[1].after["value"] == 2008.11


def test_an_unknown_region_code_is_refused(store):
    v = NewValue(region_code="999999", indicator_code="gdp", period="2020", value=1, unit="亿元", source="x")
    with pytest.raises(InputError, match="未知的地区代码"):
        observations.record_value(store, v, actor="统计员")
