"""How near a result's holder is to an enterprise: same city, both in 成渝, same province.

Proximity matters to a technology transfer (site visits, joint development, the
office's own 技术合同 statistics), so the matcher rewards it in three tiers. Regions are
GB/T 2260 codes resolved by :mod:`innodrive.regions`; a 区县's city is its 市州 (for
the four municipalities, whose 区县 sit directly under the province-level city, the
municipality itself). The 成渝地区双城经济圈 membership is declared in
``data/chengyu.yaml`` with its source.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from innodrive.regions import all_regions


@cache
def chengyu() -> tuple[str, frozenset[str]]:
    """(source, codes of every 区县 and 市 inside the 成渝地区双城经济圈)."""
    import yaml

    data = yaml.safe_load(resources.files("innodrive.market.data").joinpath("chengyu.yaml").read_text(encoding="utf-8"))
    regions = all_regions()
    codes: set[str] = set()
    cq = regions.find(data["chongqing"]["within"])
    for name in data["chongqing"]["counties"]:
        r = regions.find(name, within=cq.code)
        if r is None:
            raise ValueError(f"chengyu.yaml: {name} does not resolve to one region of 重庆市")
        codes.add(r.code)
    sc = regions.find(data["sichuan"]["within"])
    excluded = set()
    for name in data["sichuan"]["except"]:
        r = regions.find(name, within=sc.code)
        if r is None:
            raise ValueError(f"chengyu.yaml: {name} does not resolve to one region of 四川省")
        excluded.add(r.code)
    for name in data["sichuan"]["cities"]:
        city = regions.find(name, within=sc.code, level="prefecture")
        if city is None:
            raise ValueError(f"chengyu.yaml: {name} does not resolve to one 市 of 四川省")
        codes.add(city.code)
        codes.update(c.code for c in regions.children(city.code) if c.code not in excluded)
    return data["source"], frozenset(codes)


@cache
def city_of(code: str | None) -> str | None:
    """The 市州 a region lies in (itself for a 市州; the municipality for its 区县)."""
    regions = all_regions()
    r = regions.get(code) if code else None
    while r is not None:
        if r.level == "prefecture":
            return r.code
        parent = regions.get(r.parent) if r.parent else None
        if r.level == "county" and parent is not None and parent.level == "province":
            return parent.code  # 直辖市 区县
        if r.level == "province":
            return r.code if r.code[:2] in MUNICIPALITIES else None
        r = parent
    return None


MUNICIPALITIES = {"11", "12", "31", "50"}


@cache
def province_of(code: str | None) -> str | None:
    regions = all_regions()
    r = regions.get(code) if code else None
    while r is not None and r.level != "province":
        r = regions.get(r.parent) if r.parent else None
    return r.code if r is not None else None


@cache
def in_chengyu(code: str | None) -> bool:
    """Whether a region lies in the 成渝地区双城经济圈. A 市 counts when it is listed
    (绵阳市 as a whole is listed even though two of its counties are not)."""
    if not code:
        return False
    return code in chengyu()[1]


TIERS = ("same_city", "chengyu", "same_province", "other", "unknown")
TIER_NAMES = {"same_city": "同城", "chengyu": "同在成渝地区双城经济圈", "same_province": "同省",
              "other": "异地", "unknown": "地区未知"}


def tier(a: str | None, b: str | None) -> str:
    """The proximity tier of two regions (the nearest that applies)."""
    if not a or not b:
        return "unknown"
    ca, cb = city_of(a), city_of(b)
    if ca is not None and ca == cb:
        return "same_city"
    if in_chengyu(a) and in_chengyu(b):
        return "chengyu"
    pa = province_of(a)
    if pa is not None and pa == province_of(b):
        return "same_province"
    return "other"
