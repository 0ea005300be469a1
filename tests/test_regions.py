from innodrive.regions import all_regions, shorten


def test_sichuan_has_all_prefectures_and_counties():
    regions = all_regions()
    sichuan = regions.find("四川省")
    prefectures = regions.children(sichuan.code)
    assert len(prefectures) == 21  # 18 地级市 + 3 自治州
    assert sum(len(regions.children(p.code)) for p in prefectures) == 183


def test_names_resolve_to_official_codes():
    regions = all_regions()
    assert regions.find("乐山").code == "511100"
    assert regions.find("凉山州") is None or regions.find("凉山州").code == "513400"
    assert regions.find("凉山").code == "513400"
    assert regions.find("江安县").parent == "511500"  # 宜宾市
    assert regions.find("朝阳区") is None  # ambiguous across provinces
    assert regions.find("朝阳区", within="110000").code == "110105"


def test_autonomous_prefectures_shorten_to_their_place_name():
    assert shorten("阿坝藏族羌族自治州") == "阿坝"
    assert shorten("海西蒙古族藏族自治州") == "海西"
    assert shorten("乐山市") == "乐山"


def test_later_division_changes_are_applied():
    regions = all_regions()
    shehong = regions.find("射洪市")
    assert shehong is not None and shehong.code == "510981" and shehong.parent == "510900"
    assert regions.find("射洪县") is None
    assert regions.find("叙州区").code == "511504"


# --- the one resolver (issue 8 §13, issue 10 §1) --------------------------------------

import pytest  # noqa: E402

from innodrive.errors import InputError  # noqa: E402
from innodrive.regions import resolve, suggestions, try_resolve  # noqa: E402


@pytest.mark.parametrize("text, code", [
    ("乐山市", "511100"), ("乐山", "511100"), ("511100", "511100"), (" 乐山 市 ", "511100"),
    ("凉山州", "513400"), ("凉山彝族自治州", "513400"), ("凉山", "513400"),
    ("乐山市市中区", "511102"), ("内江市市中区", "511002"), ("四川省乐山市", "511100"),
    ("四川乐山", "511100"), ("511102000000", "511102"), ("叙州区", "511504"),
])
def test_names_and_codes_people_type(text, code):
    assert resolve(text).code == code
    assert resolve(text).note is None


@pytest.mark.parametrize("text, code, old, year", [
    ("宜宾县", "511504", "宜宾县", 2018), ("511521", "511504", "宜宾县", 2018),
    ("罗江县", "510604", "罗江县", 2017), ("510626", "510604", "罗江县", 2017),
    ("会理县", "513402", "会理县", 2021), ("513425", "513402", "会理县", 2021),
    ("宜宾市宜宾县", "511504", "宜宾县", 2018),
])
def test_retired_divisions_resolve_to_their_successor_with_a_note(text, code, old, year):
    r = resolve(text)
    assert r.code == code
    assert r.note and old in r.note and str(year) in r.note


def test_huili_is_a_county_level_city_of_liangshan():
    r = resolve("会理市")
    assert (r.code, r.region.parent) == ("513402", "513400")


def test_ambiguous_names_are_refused_with_candidates_that_resolve():
    found, problem = try_resolve("市中区")
    assert found is None and "对应多个地区" in problem
    assert "乐山市市中区（511102）" in problem
    # every candidate offered resolves by itself
    import re

    for name in re.findall(r"([\u4e00-\u9fff]+)（\d{6}）", problem):
        assert resolve(name).region.name == "市中区"


def test_ambiguous_name_resolves_inside_a_scope():
    assert resolve("市中区", within="511100").code == "511102"


def test_suggestions_never_offer_a_name_that_is_then_rejected():
    for typo in ("乐山市市中", "市中", "朝阳", "宜宾叙州", "凉山会理", "乐三市", "峨眉市"):
        for name in suggestions(typo):
            assert try_resolve(name)[0] is not None, (typo, name)


def test_unknown_region_error_names_it_and_is_an_input_error():
    with pytest.raises(InputError, match="未知的地区“火星市”"):
        resolve("火星市", field="region")
