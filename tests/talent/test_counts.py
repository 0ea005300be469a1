"""Talent counts by category, region and year, flowing into the catalogue indicators and
from there into the light of a plan's target."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from innodrive.errors import Forbidden, InputError
from innodrive.indicators.observations import history, latest
from innodrive.services import talent as svc
from innodrive.talent.counts import Recognition, Spell, by_category, spells

from .helpers import COUNTY, EVALUATOR, HOUSING, OFFICE, person

D = dt.date
ROOT = Path(__file__).resolve().parents[2]


def test_spells_follow_recognitions_arrivals_and_departures():
    recs = [Recognition(category="E", recognised_on=D(2019, 5, 1)), Recognition(category="B", recognised_on=D(2022, 3, 1))]
    got = spells(region_code="511102", employment="全职", arrival=D(2018, 9, 1), departure=D(2024, 12, 31),
                 recognitions=recs)
    assert [(s.category, s.start_year, s.end_year, s.arrival_year) for s in got] == [("E", 2019, 2022, 2018),
                                                                                    ("B", 2022, 2024, 2018)]
    # left on the day of a year's end: not counted at that year's end
    assert [s.live(2023) for s in got] == [False, True] and [s.live(2024) for s in got] == [False, False]
    # arrived and left within a year: never counted
    assert spells(region_code="511102", employment="全职", arrival=D(2020, 2, 1), departure=D(2020, 11, 1),
                  recognitions=[Recognition(category="A", recognised_on=D(2020, 2, 1))]) == []


def test_counts_by_category_add_people_of_retained_aggregates():
    cells = by_category([Spell(region_code="511102", category="A", employment="全职", arrival_year=2020,
                               start_year=2020, end_year=None, people=3),
                         Spell(region_code="511102", category="A", employment="全职", arrival_year=2021,
                               start_year=2021, end_year=2022)], [2020, 2021, 2022])
    assert [(c.year, c.people) for c in cells] == [(2020, 3), (2021, 4), (2022, 3)]


@pytest.fixture
def register(store):
    """Constructed talent of 乐山市 (category, arrival, departure chosen to hit the year-end edges)."""
    rows = [
        dict(name="甲示例", birth="19600101", seq="011", category="A", arrival="2018-04-01"),
        dict(name="乙示例", birth="19700101", seq="021", category="B", arrival="2020-12-31", employment="柔性"),
        dict(name="丙示例", birth="19750101", seq="031", category="B", arrival="2021-06-01"),
        dict(name="丁示例", birth="19800101", seq="041", category="E", arrival="2021-06-01"),  # → B in 2023
        dict(name="戊示例", birth="19850101", seq="051", category="C", arrival="2022-02-01", region="峨眉山市",
             employer_code=None, employer_name="峨眉示例研究所（构造）"),
        dict(name="己示例", birth="19650101", seq="061", category="A", arrival="2019-01-01",
             departure_date="2022-12-31"),  # gone at the end of 2022
    ]
    ids = [svc.register_talent(store, OFFICE, person(r.pop("name"), **r), today=D(2024, 6, 30)).talent.id
           for r in rows]
    svc.update_talent(store, OFFICE, ids[3], {"category": "B", "recognised_on": "2023-05-01"}, today=D(2024, 6, 30))
    return store


def test_counts_by_region_category_and_year_hand_counted(register):
    report = svc.talent_counts(register, OFFICE, region="乐山市", years=[2020, 2021, 2022, 2023])
    value = {(v.region_code, v.indicator_code, v.year): v.value for v in report.indicators}
    top = [value[("511100", "top_leading_talent_count", y)] for y in (2020, 2021, 2022, 2023)]
    assert top == [3, 4, 3, 4]  # 2020: 甲 乙 己; 2021 +丙; 2022 −己 (left on 12-31); 2023 +丁 (now B)
    high = [value[("511100", "high_level_talent_count", y)] for y in (2020, 2021, 2022, 2023)]
    assert high == [3, 5, 5, 5]  # 2021 +丙 +丁(E); 2022 +戊 −己
    new = [value[("511100", "high_level_talent_new_count", y)] for y in (2020, 2021, 2022, 2023)]
    assert new == [1, 2, 1, 0]  # 乙 in 2020; 丙 丁 in 2021; 戊 in 2022
    assert value[("511181", "high_level_talent_count", 2022)] == 1      # 峨眉山市
    assert value[("511102", "high_level_talent_count", 2022)] == 4      # 市中区: 甲 乙 丙 丁
    assert ("511111", "high_level_talent_count", 2022) not in value      # a county with no talent stays unknown
    a_2021 = sum(c.people for c in report.cells if c.year == 2021 and c.category == "A")
    assert a_2021 == 2 and report.notes and "示例" in report.notes[0]


def test_publishing_feeds_the_indicator_and_the_plans_target_light(register, monkeypatch, tmp_path):
    from innodrive.extraction import extract_path
    from innodrive.plans.board import target_board
    from innodrive.plans.storage import add_plan

    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path))
    plan = extract_path(ROOT / "examples" / "documents" / "乐山_市委关于深入推进创新驱动引领高质量发展的决定_2021.txt")
    add_plan(register, plan, actor="tester")
    with pytest.raises(InputError, match="2024 年尚未结束"):
        svc.publish_counts(register, OFFICE, region="乐山市", years=[2024], today=D(2024, 6, 30))
    dry = svc.publish_counts(register, OFFICE, region="乐山市", years=[2020, 2023], dry_run=True, today=D(2024, 6, 30))
    assert dry.added > 0 and latest(register, indicator_codes=["top_leading_talent_count"]) == []
    first = svc.publish_counts(register, OFFICE, region="乐山市", years=[2020, 2021, 2022, 2023], today=D(2024, 6, 30))
    again = svc.publish_counts(register, OFFICE, region="乐山市", years=[2020, 2021, 2022, 2023], today=D(2024, 6, 30))
    assert first.added == 3 * 3 * 4 and (again.added, again.revised) == (0, 0)
    [obs] = history(register, region_code="511100", indicator_code="top_leading_talent_count", period="2020")
    assert obs.value == 3 and obs.unit == "人" and "innodrive 人才库统计" in obs.source and "A类、B类" in obs.source
    assert obs.note == "按示例人才分类目录统计，非官方口径" and obs.recorded_by == "rencaiban"
    lines = [line for line in target_board(register, as_of=D(2024, 6, 30), region="乐山市")
             if line.stored.indicator_code == "top_leading_talent_count"]
    assert len(lines) == 1
    status = lines[0].status
    assert (status.baseline_value, status.latest_value, status.target_value) == (3, 4, 6)  # 倍增 from 2020
    assert status.light in ("green", "yellow", "red") and status.latest_source == obs.source.replace("2020", "2023")


def test_counts_rights_and_scope(register):
    assert svc.talent_counts(register, EVALUATOR, region="乐山市", years=[2022]).indicators
    assert svc.talent_counts(register, COUNTY, region="市中区", years=[2022]).indicators
    with pytest.raises(Forbidden, match="本辖区"):
        svc.talent_counts(register, COUNTY, region="乐山市", years=[2022])
    with pytest.raises(Forbidden):
        svc.talent_counts(register, HOUSING, region="乐山市", years=[2022])
    with pytest.raises(Forbidden):
        svc.publish_counts(register, EVALUATOR, region="乐山市", years=[2022])
