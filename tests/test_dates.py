"""The one date parser: every form a person types, and clear refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.dates import parse_date, parse_percent, parse_year
from innodrive.errors import InputError


@pytest.mark.parametrize("text, expected", [
    ("2024-06-30", dt.date(2024, 6, 30)),
    ("2024/6/30", dt.date(2024, 6, 30)),
    ("2024-6-30", dt.date(2024, 6, 30)),
    ("2024.6.30", dt.date(2024, 6, 30)),
    ("2024年6月30日", dt.date(2024, 6, 30)),
    ("２０２４年６月３０日", dt.date(2024, 6, 30)),
    ("20240630", dt.date(2024, 6, 30)),
    ("2024年", dt.date(2024, 12, 31)),
    ("2024", dt.date(2024, 12, 31)),
    ("2024年6月", dt.date(2024, 6, 30)),
    ("2024年上半年", dt.date(2024, 6, 30)),
    ("2024Q3", dt.date(2024, 9, 30)),
    (" 2024-02 ", dt.date(2024, 2, 29)),
])
def test_every_written_form_is_one_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1900-01-01"])
def test_dates_outside_the_workable_range_are_refused_with_a_message(text):
    with pytest.raises(InputError, match="超出可处理的范围") as err:
        parse_date(text, field="as_of", what="日期（--as-of）")
    assert err.value.field == "as_of"


@pytest.mark.parametrize("text", ["明天", "2024-02-30", "30/6/2024", "", "2024-13"])
def test_unreadable_dates_name_the_forms_accepted(text):
    with pytest.raises(InputError) as err:
        parse_date(text)
    assert "日期" in err.value.message


def test_years():
    assert parse_year("2024年") == 2024 and parse_year("2025") == 2025 and parse_year(2030) == 2030
    with pytest.raises(InputError):
        parse_year("二〇二四")
    with pytest.raises(InputError, match="超出"):
        parse_year(9999)


@pytest.mark.parametrize("text, expected", [("60%", 60.0), ("60", 60.0), ("６０％", 60.0), ("60.5 %", 60.5),
                                            (0, 0.0), ("100", 100.0)])
def test_percent(text, expected):
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text", ["abc", "120%", "-1", "nan", "inf", "60%%"])
def test_bad_percent_is_refused(text):
    with pytest.raises(InputError):
        parse_percent(text, field="percent")
