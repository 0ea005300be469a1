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
