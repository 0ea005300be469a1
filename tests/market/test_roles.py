"""Rights over the market's services, role by role: masked contacts unless the role may
see them (and every unmasked view audited), confidential demands hidden, region scope."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.market.market_helpers import demand_row, filled, labelled, results_file

from innodrive.errors import Forbidden, NotFound
from innodrive.market.registry import DemandFilter
from innodrive.services import market
from innodrive.services.access import can
from innodrive.services.actor import Actor, Role
from innodrive.store import audit

OFFICE = Actor(username="office", role=Role.OFFICE)
LESHAN, YIBIN = "511100", "511500"


def actor(role: Role, region: str | None = None) -> Actor:
    return Actor(username=f"u-{role.value}-{region or 'all'}", role=role, region_code=region,
                 unit="市科技局" if role == Role.UNIT else None)


@pytest.fixture
def loaded(initialised_store):
    market.import_results(initialised_store, OFFICE, results_file(12), file="成果.xlsx")
    s = labelled()
    rows = [demand_row(s.demands[0], 1), demand_row(s.demands[3], 4), demand_row(s.demands[4], 5) | {"是否保密": "是"}]
    market.import_demands(initialised_store, OFFICE, filled("demand", rows), file="需求.xlsx")
    return initialised_store   # demands: #1 宜宾, #2 乐山, #3 乐山市中区 (confidential)


def _views(store):
    with store.read() as s:
        return [e for e in audit.entries(s) if e.action == "market.contact.view"]


@pytest.mark.parametrize("role", list(Role))
def test_contacts_are_masked_for_every_role_and_unmasked_only_with_the_right(loaded, role):
    a = actor(role)
    if not can(a, "market.read"):
        with pytest.raises(Forbidden):
            market.search_results(loaded, a)
        with pytest.raises(Forbidden):
            market.get_result(loaded, a, 1)
        return
    page = market.search_results(loaded, a)
    assert page.items and all(r.contact.masked and "****" in r.contact.phone for r in page.items)
    assert market.get_result(loaded, a, 1).contact.masked
    before = len(_views(loaded))
    if can(a, "market.contact"):
        r = market.get_result(loaded, a, 1, reveal_contact=True)
        assert not r.contact.masked and r.contact.phone == "13800000001"
        views = _views(loaded)
        assert len(views) == before + 1 and views[-1].actor == a.username and views[-1].entity_id == "1"
    else:
        with pytest.raises(Forbidden, match="无权查看成果与需求联系人"):
            market.get_result(loaded, a, 1, reveal_contact=True)
        assert len(_views(loaded)) == before


def test_the_rights_of_the_roles():
    holders = {p: {r for r in Role if can(actor(r), p)} for p in
               ("market.read", "market.write", "market.contact", "market.confidential", "market.pair",
                "market.contract")}
    assert holders["market.contact"] == {Role.OFFICE, Role.COUNTY}
    assert holders["market.confidential"] == {Role.OFFICE}
    assert holders["market.contract"] == {Role.OFFICE}
    # 管理员 manages accounts, not the market's contents
    assert holders["market.read"] == {Role.OFFICE, Role.UNIT, Role.COUNTY, Role.EVALUATOR, Role.NPC}


def test_confidential_demands_are_hidden_from_roles_without_the_right(loaded):
    office = market.search_demands(loaded, OFFICE, DemandFilter(include_confidential=True))
    assert {d.id for d in office.items} == {1, 2, 3}
    assert {d.id for d in market.search_demands(loaded, OFFICE).items} == {1, 2}   # only when asked
    for role in (Role.COUNTY, Role.EVALUATOR, Role.NPC, Role.UNIT):
        a = actor(role)
        page = market.search_demands(loaded, a, DemandFilter(include_confidential=True))
        assert 3 not in {d.id for d in page.items}
        with pytest.raises(NotFound, match="或您无权查看"):
            market.get_demand(loaded, a, 3)
        with pytest.raises(NotFound):
            market.match_demand(loaded, a, 3)
    assert market.get_demand(loaded, OFFICE, 3).confidential
    # a result matched to enterprises: the confidential demand only for those allowed
    r = next(x for x in labelled().results[:12] if x.key == "R09")
    rid = next(x.id for x in market.search_results(loaded, OFFICE).items if x.title == r.title)
    seen = {m.demand.id for m in market.match_result(loaded, OFFICE, rid).items}
    assert 3 in seen
    assert 3 not in {m.demand.id for m in market.match_result(loaded, actor(Role.EVALUATOR), rid).items}
    # and its title does not show on the board of someone without the right
    p = market.recommend(loaded, OFFICE, result_id=rid, demand_id=3, on=dt.date(2025, 3, 1))
    assert p.demand_title is not None
    hidden = market.get_pairing(loaded, actor(Role.EVALUATOR), p.id)
    assert hidden.demand_id == 3 and hidden.demand_title is None


def test_a_county_works_within_its_region(loaded):
    leshan = actor(Role.COUNTY, LESHAN)
    assert {d.id for d in market.search_demands(loaded, leshan).items} == {2}
    with pytest.raises(Forbidden, match="本辖区"):
        market.get_demand(loaded, leshan, 1)                         # 宜宾's demand
    # results are the whole market's supply: readable whatever their region
    assert market.search_results(loaded, leshan).total == 12
    # writes only inside the region
    s = labelled()
    with pytest.raises(Exception) as exc:
        market.import_results(loaded, leshan, filled("result", [_row(s.results[15], 16)]), file="x.xlsx")  # 成都
    assert "只能登记本辖区的成果" in str(exc.value.problems[0])
    ok = market.import_results(loaded, leshan, filled("result", [_row(s.results[6], 7) | {"专利号": ""}]),
                               file="y.xlsx")   # R07 is in 乐山
    assert ok.added == 1
    # pairing: only with enterprises of its region; contracts: office only
    with pytest.raises(Forbidden):
        market.recommend(loaded, leshan, result_id=1, demand_id=1)
    p = market.recommend(loaded, leshan, result_id=7, demand_id=2, on=dt.date(2025, 3, 1))
    assert {c.stage: len(c.items) for c in market.pairing_board(loaded, leshan).columns}["recommended"] == 1
    assert market.pairing_board(loaded, actor(Role.COUNTY, YIBIN)).total == 0
    from innodrive.market.pairing import ContractIn

    with pytest.raises(Forbidden, match="无权登记技术合同"):
        market.register_contract(loaded, leshan, p.id, ContractIn(
            registration_no="L1", contract_type="技术转让", amount_wan=10, signed_on=dt.date(2025, 4, 1),
            registered_on=dt.date(2025, 4, 1)))


def _row(r, i):
    from tests.market.market_helpers import result_row

    return result_row(r, i)
