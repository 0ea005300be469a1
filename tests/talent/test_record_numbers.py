"""Record numbers typed or sent by people: T000012, t12, 12 — and nothing that only looks
like digits. ``str.isdigit`` accepts "¹" and "①", which ``int`` refuses: the API fuzzer
found a talent card request for person "¹" ending in a server error instead of a message."""

from __future__ import annotations

import pytest

from innodrive.errors import InputError
from innodrive.talent.repository import display_number, parse_number


@pytest.mark.parametrize(("text", "number"), [("T000012", 12), ("t12", 12), (" 12 ", 12), (7, 7), ("１２", 12)])
def test_record_numbers_people_write_are_read(text, number):
    assert parse_number(text) == number
    assert parse_number(display_number(number)) == number


@pytest.mark.parametrize("text", ["¹", "T²", "①", "12a", "", "T", "-3", "9" * 13, "T" + "9" * 5000])
def test_anything_else_is_refused_with_a_message(text):
    with pytest.raises(InputError, match="人才编号"):
        parse_number(text)
