"""From registered contracts to the plan's indicators.

A technical contract registered through the market counts towards the catalogue
indicators the plans' targets are linked to, for its region and the year of its
registration:

============================  =========================================  ==============
indicator                     what is summed                             region
============================  =========================================  ==============
技术合同成交额 (亿元)          contract amounts                           seller (成果方)
技术合同登记额 (亿元)          contract amounts                           registry (登记地)
技术合同登记数 (份)            contracts                                  registry (登记地)
重大科技成果转化项目数 (项)     distinct results whose contract the        buyer (承接企业)
                              office marked 重大
============================  =========================================  ==============

Each figure is the sum over the region *and every region under it* (a 区县's contract
counts for its 市 and province too). The seller side follows the catalogue's
definition of 技术合同成交额 (统计按卖方所在地); registration is done by the seller at
its local 技术合同登记机构, hence the registry side for the two 登记 figures.

The figures are stored as observations with ``origin="derived"`` and a source naming
the contracts: they are innodrive's tally of the contracts *registered through the
market*, and an official figure imported for the same region and year (``reported``)
always wins over them on the board. A year still running is marked so in the note.
Pure: contract facts in, values out; :func:`write` applies them in the caller's session.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from pydantic import BaseModel

from innodrive.regions import all_regions

TURNOVER = "tech_contract_turnover"
REGISTERED = "tech_contract_registered"
COUNT = "tech_contract_count"
MAJOR = "major_achievement_conversions"
INDICATORS = (TURNOVER, REGISTERED, COUNT, MAJOR)
SIDE = {TURNOVER: "seller", REGISTERED: "registry", COUNT: "registry", MAJOR: "buyer"}
SOURCE_PREFIX = "innodrive 技术市场"


@dataclass(frozen=True)
class ContractFact:
    id: int
    result_id: int
    registered_on: dt.date
    amount_wan: float
    seller: str
    registry: str
    buyer: str
    major: bool


def ancestors(code: str) -> list[str]:
    """The region and every region above it (区县 → 市 → 省)."""
    regions = all_regions()
    out = []
    r = regions.get(code)
    while r is not None:
        out.append(r.code)
        r = regions.get(r.parent) if r.parent else None
    return out


Key = tuple[str, str, int]  # indicator, region, year


def keys_of(c: ContractFact) -> set[Key]:
    """Every (indicator, region, year) a contract counts towards."""
    year = c.registered_on.year
    side = {"seller": c.seller, "registry": c.registry, "buyer": c.buyer}
    out = set()
    for ind in INDICATORS:
        if ind == MAJOR and not c.major:
            continue
        for region in ancestors(side[SIDE[ind]]):
            out.add((ind, region, year))
    return out


class Tally(BaseModel):
    indicator_code: str
    region_code: str
    year: int
    value: float
    unit: str
    contracts: list[int]
    note: str | None = None

    @property
    def source(self) -> str:
        ids = self.contracts
        listed = "、".join(f"#{i}" for i in ids[:20]) + (f" 等 {len(ids)} 份" if len(ids) > 20 else "")
        what = "认定为重大科技成果转化的合同" if self.indicator_code == MAJOR else "技术合同"
        return f"{SOURCE_PREFIX}：经本平台登记的{what} {len(ids)} 份合计（{listed}）；不含未经本平台登记的合同"


UNITS = {TURNOVER: "亿元", REGISTERED: "亿元", COUNT: "份", MAJOR: "项"}


def tallies(contracts: list[ContractFact], keys: set[Key], *, today: dt.date) -> list[Tally]:
    """The value of each key from every contract (pure). A key no contract reaches is
    left out: the market knows nothing about it."""
    members: dict[Key, list[ContractFact]] = defaultdict(list)
    for c in contracts:
        for k in keys_of(c) & keys:
            members[k].append(c)
    out = []
    for (ind, region, year), cs in sorted(members.items()):
        cs = sorted(cs, key=lambda c: c.id)
        if ind in (TURNOVER, REGISTERED):
            value = round(sum(c.amount_wan for c in cs) / 10000, 8)
        elif ind == COUNT:
            value = float(len(cs))
        else:
            value = float(len({c.result_id for c in cs}))
        note = None
        if year >= today.year:
            last = max(c.registered_on for c in cs)
            note = f"{year} 年尚未结束：截至 {last.isoformat()} 的登记合同累计"
        out.append(Tally(indicator_code=ind, region_code=region, year=year, value=value, unit=UNITS[ind],
                         contracts=[c.id for c in cs], note=note))
    return out


class IndicatorUpdate(BaseModel):
    """What a contract did to one indicator figure."""

    indicator_code: str
    indicator_name: str
    region_code: str
    region_name: str
    year: int
    value: float
    unit: str
    change: str                  # add / revise / same / source (same value, another source)
    official_value: float | None = None   # a reported figure that the board shows instead
    official_source: str | None = None


def write(session, keys: set[Key], contracts: list[ContractFact], *, actor: str, today: dt.date
          ) -> list[IndicatorUpdate]:
    """Recompute ``keys`` from ``contracts`` and store the changed figures as derived
    observations (through :mod:`innodrive.indicators.observations`), in the caller's
    transaction."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.derivation import refresh
    from innodrive.indicators.observations import NewValue, apply_changes, current_by_key, plan_changes

    cat = load_catalogue()
    values = [NewValue(region_code=t.region_code, indicator_code=t.indicator_code, period=str(t.year), value=t.value,
                       unit=t.unit, source=t.source, note=t.note) for t in tallies(contracts, keys, today=today)]
    if not values:
        return []
    regions = {v.region_code for v in values}
    codes = {v.indicator_code for v in values}
    current = current_by_key(session, indicator_codes=codes, origin="derived", region_codes=regions)
    changes = plan_changes(values, current)
    apply_changes(session, changes, origin="derived", actor=actor, batch_id=None)
    refresh(session, changes, actor=actor, batch_id=None)
    official = current_by_key(session, indicator_codes=codes, origin="reported", region_codes=regions)
    names = all_regions()
    out = []
    for c in changes:
        v = c.new
        o = official.get(v.key)
        out.append(IndicatorUpdate(indicator_code=v.indicator_code, indicator_name=cat.get(v.indicator_code).name,
                                   region_code=v.region_code, region_name=names.get(v.region_code).name,
                                   year=int(v.period), value=v.value, unit=v.unit, change=c.kind,
                                   official_value=o.value if o else None, official_source=o.source if o else None))
    return out
