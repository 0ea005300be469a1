"""Derived indicators are computed from their parts only where both parts exist for
the same region and period, and say how they were made."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import InputError
from innodrive.indicators.derived import (
    ComponentObservation,
    derive,
    derive_all,
    per_10k_people,
    rd_intensity,
)


def obs(region, code, period, value, unit, source=None, revision=0):
    return ComponentObservation(region=region, code=code, period=period, value=value, unit=unit, source=source,
                                revision=revision)


# Real figures from sichuan_innovation_stats.csv (2018 Sichuan bulletin and GDP release)
SICHUAN_2018 = [
    obs("四川省", "rd_expenditure", 2018, 737.1, "亿元", "2018年四川省科技经费投入统计公报"),
    obs("四川省", "gdp", 2018, 40678.13, "亿元", "四川省统计局"),
]


def test_intensity_from_parts_matches_the_published_value():
    # 737.1 / 40678.13 × 100 = 1.81203…; the bulletin publishes 1.81
    [d] = derive("rd_intensity", SICHUAN_2018)
    assert d.value == pytest.approx(737.1 / 40678.13 * 100)
    assert round(d.value, 2) == 1.81
    assert d.unit == "%" and d.region == "四川省" and d.period == 2018
    assert "R&D经费支出" in d.note and "地区生产总值" in d.note and "× 100" in d.note
    assert "非统计部门发布值" in d.note
    assert d.parts == {"rd_expenditure": 737.1, "gdp": 40678.13}
    assert d.sources == ["2018年四川省科技经费投入统计公报", "四川省统计局"]


def test_parts_in_other_units_are_converted():
    # 15.0亿元 = 150000万元; 1615.09亿元 → 15.0 / 1615.09 × 100 = 0.92874…
    data = [obs("乐山市", "rd_expenditure", 2018, 150000, "万元"), obs("乐山市", "gdp", 2018, 1615.09, "亿元")]
    [d] = derive("rd_intensity", data)
    assert d.value == pytest.approx(15.0 / 1615.09 * 100)


def test_never_derived_when_a_part_is_missing_or_from_another_year():
    data = [
        obs("自贡市", "rd_expenditure", 2018, 11.0, "亿元"),      # GDP 2018 missing
        obs("自贡市", "gdp", 2020, 1458.44, "亿元"),               # R&D 2020 missing
        obs("宜宾市", "rd_expenditure", 2018, 24.4, "亿元"),
        obs("宜宾市", "gdp", 2018, None, "亿元"),                  # unknown stays unknown
        obs("绵阳市", "rd_expenditure", 2019, 10.0, "亿元"),
        obs("绵阳市", "gdp", 2019, 0.0, "亿元"),                   # a zero denominator gives nothing
    ]
    assert derive("rd_intensity", data) == []


def test_published_value_wins_unless_asked():
    data = [*SICHUAN_2018, obs("四川省", "rd_intensity", 2018, 1.81, "%")]
    assert derive("rd_intensity", data) == []
    assert len(derive("rd_intensity", data, skip_observed=False)) == 1


def test_highest_revision_of_each_part_is_used():
    data = [*SICHUAN_2018, obs("四川省", "gdp", 2018, 40000.0, "亿元", "修订", revision=1)]
    [d] = derive("rd_intensity", data)
    assert d.value == pytest.approx(737.1 / 40000.0 * 100)


def test_per_10k_people_with_census_population_in_persons():
    # 乐山 2020 census: 3160168人 = 316.0168万人; a test count of 1000 patents →
    # 1000 / 316.0168 = 3.16439… per 10,000 residents
    data = [obs("乐山市", "invention_patents", 2020, 1000, "件"),
            obs("乐山市", "population", 2020, 3160168, "人")]
    [d] = derive("invention_patents_per_10k", data)
    assert d.value == pytest.approx(1000 / 316.0168)
    assert per_10k_people(count=1000, population=3160168, population_unit="人") == pytest.approx(1000 / 316.0168)


def test_dated_periods_match_only_the_same_date():
    data = [obs("绵阳市", "high_value_invention_patents", dt.date(2023, 6, 30), 500, "件"),
            obs("绵阳市", "population", 2023, 490, "万人")]
    assert derive("high_value_invention_patents_per_10k", data) == []


def test_derive_all_covers_every_derived_indicator_with_parts():
    data = [*SICHUAN_2018, obs("四川省", "population", 2018, 8341.0, "万人")]
    codes = {d.code for d in derive_all(data)}
    assert codes == {"rd_intensity", "gdp_per_capita"}
    [pc] = [d for d in derive_all(data) if d.code == "gdp_per_capita"]
    # 40678.13亿元 / 8341万人 × 10000 = 48768.9… 元/人 (population here is a test value)
    assert pc.value == pytest.approx(40678.13 / 8341.0 * 10000)


def test_helpers_and_refusals():
    assert rd_intensity(rd_expenditure=737.1, gdp=40678.13) == pytest.approx(1.81203, rel=1e-5)
    assert rd_intensity(rd_expenditure=1, gdp=0) is None
    with pytest.raises(InputError, match="不是派生指标"):
        derive("gdp", [])
    with pytest.raises(InputError, match="不属于同一类"):
        rd_intensity(rd_expenditure=10, rd_unit="家", gdp=100)
