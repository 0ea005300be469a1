import pytest

from innodrive.errors import InputError
from innodrive.indicators.units import comparable, convert, parse_unit, to_base


def test_magnitude_folded_into_unit():
    assert to_base(45, "亿元") == (4.5e9, "元")
    assert to_base(1.2, "万家") == (12000.0, "家")
    assert parse_unit("万千瓦").factor == 1e4 and parse_unit("万千瓦").base == "千瓦"
    assert parse_unit("千瓦时").base == "千瓦时" and parse_unit("千瓦时").factor == 1


def test_convert_within_class():
    assert convert(3000, "万元", "亿元") == pytest.approx(0.3)
    assert convert(2, "兆瓦", "千瓦") == 2000
    assert convert(7, "家", "户") == 7


def test_classes_follow_the_gold_rules():
    # 家, 户, 个 and 项 are one class; 件 (patents) and % are not
    assert comparable("家", "项") and comparable("户", "个")
    assert not comparable("件", "家")
    assert not comparable("%", "个百分点")


def test_unknown_or_mismatched_units_are_refused():
    with pytest.raises(InputError, match="无法识别的单位"):
        parse_unit("斤两")
    with pytest.raises(InputError, match="不属于同一类"):
        convert(1, "亿元", "%")
