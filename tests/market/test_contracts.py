"""From pairing to contract: stage rules, the contract's amount in the 技术合同 indicators
(by region and year, rolled up), 重大科技成果转化 counted by result, and — end to end —
the light of a stored plan target on 技术合同成交额 changing with a registered contract."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from tests.market.market_helpers import demands_file, filled, labelled, result_row

from innodrive.errors import Conflict, InputError
from innodrive.indicators.observations import NewValue, history, latest, record_value
from innodrive.market.pairing import ContractIn
from innodrive.services import market
from innodrive.services.actor import Actor, Role

OFFICE = Actor(username="office", role=Role.OFFICE)
YIBIN, SICHUAN, CHENGDU = "511500", "510000", "510100"


@pytest.fixture
def loaded(initialised_store):
    s = labelled()
    # results #1–#4: R02 (宜宾), R13 (宜宾), R01 (成都), R16 (成都); demands #1..#8
    rows = [result_row(s.results[i], i + 1) for i in (1, 12, 0, 15)]
    market.import_results(initialised_store, OFFICE, filled("result", rows), file="成果.xlsx")
    market.import_demands(initialised_store, OFFICE, demands_file(8), file="需求.xlsx")
    return initialised_store


def contract(no: str, amount: float, day: dt.date, **kw) -> ContractIn:
    return ContractIn(registration_no=no, contract_type="技术转让", amount_wan=amount, signed_on=day,
                      registered_on=day, **kw)


def values(store, code: str) -> dict[tuple[str, str], float]:
    return {(o.region_code, o.period): o.value for o in latest(store, indicator_codes=[code])}


def test_stages_move_forward_with_dates(loaded):
    p = market.recommend(loaded, OFFICE, result_id=1, demand_id=1, broker="王经纪", on=dt.date(2025, 3, 1))
    assert (p.stage, p.credit_code, p.region_code) == ("recommended", p.credit_code, YIBIN)
    with pytest.raises(Conflict, match="已有进行中的对接"):
        market.recommend(loaded, OFFICE, result_id=1, demand_id=1, on=dt.date(2025, 3, 2))
    p = market.advance_pairing(loaded, OFFICE, p.id, stage="洽谈", on=dt.date(2025, 3, 20), note="初步一致")
    assert p.stage == "negotiating" and p.dates["contacted"] is None   # 联系 was skipped, not invented
    with pytest.raises(Conflict, match="不能回到“联系”"):
        market.advance_pairing(loaded, OFFICE, p.id, stage="联系", on=dt.date(2025, 3, 21))
    with pytest.raises(InputError, match="早于上一步"):
        market.advance_pairing(loaded, OFFICE, p.id, stage="签约", on=dt.date(2025, 3, 10))
    with pytest.raises(InputError, match="须登记技术合同"):
        market.advance_pairing(loaded, OFFICE, p.id, stage="技术合同登记", on=dt.date(2025, 3, 25))
    with pytest.raises(InputError, match="晚于今天"):
        market.advance_pairing(loaded, OFFICE, p.id, stage="签约", on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(InputError, match="须写明原因"):
        market.advance_pairing(loaded, OFFICE, p.id, stage="终止", on=dt.date(2025, 3, 25))
    closed = market.advance_pairing(loaded, OFFICE, p.id, stage="终止", on=dt.date(2025, 3, 25), note="企业转向自主研发")
    assert closed.stage == "closed" and closed.close_reason == "企业转向自主研发"
    assert [s.stage for s in closed.steps] == ["recommended", "negotiating", "closed"]
    with pytest.raises(Conflict):
        market.register_contract(loaded, OFFICE, p.id, contract("X-1", 100, dt.date(2025, 4, 1)))
    again = market.recommend(loaded, OFFICE, result_id=1, demand_id=1, on=dt.date(2025, 5, 1))  # closed: may reopen
    assert again.id != p.id
    board = market.pairing_board(loaded, OFFICE, include_closed=True)
    assert {c.stage: [x.id for x in c.items] for c in board.columns}["closed"] == [p.id]


def test_a_contract_feeds_the_indicators_of_its_regions_and_year(loaded):
    a = market.recommend(loaded, OFFICE, result_id=1, demand_id=1, on=dt.date(2025, 3, 1))    # 宜宾 result
    b = market.recommend(loaded, OFFICE, result_id=3, demand_id=2, on=dt.date(2025, 3, 1))    # 成都 result
    r = market.register_contract(loaded, OFFICE, a.id, contract("2025-YB-1", 300, dt.date(2025, 4, 15)))
    assert r.pairing.stage == "registered" and r.pairing.dates["signed"] == dt.date(2025, 4, 15)
    turnover = {(u.region_code, u.year): u.value for u in r.indicators if u.indicator_code == "tech_contract_turnover"}
    assert turnover == {(YIBIN, 2025): 0.03, (SICHUAN, 2025): 0.03}
    market.register_contract(loaded, OFFICE, b.id, contract("2025-CD-1", 500, dt.date(2025, 6, 1), major=True,
                                                             major_basis="专题会议纪要（构造）"))
    v = values(loaded, "tech_contract_turnover")
    assert v[(YIBIN, "2025")] == pytest.approx(0.03) and v[(CHENGDU, "2025")] == pytest.approx(0.05)
    assert v[(SICHUAN, "2025")] == pytest.approx(0.08)
    assert values(loaded, "tech_contract_count")[(SICHUAN, "2025")] == 2
    # 重大科技成果转化 counts by the buyer's region (demand #2's enterprise is in 宜宾)
    assert values(loaded, "major_achievement_conversions") == {(YIBIN, "2025"): 1, (SICHUAN, "2025"): 1}
    [obs] = [o for o in latest(loaded, indicator_codes=["tech_contract_turnover"], region_codes=[SICHUAN])]
    assert obs.origin == "derived" and "经本平台登记的技术合同 2 份合计" in obs.source
    # a correction revises the figure; the earlier one stays as history
    market.correct_contract_amount(loaded, OFFICE, a.id, amount_wan=350, reason="补充协议（构造）")
    assert values(loaded, "tech_contract_turnover")[(YIBIN, "2025")] == pytest.approx(0.035)
    assert [o.value for o in history(loaded, region_code=YIBIN, indicator_code="tech_contract_turnover")] == \
        [pytest.approx(0.03), pytest.approx(0.035)]
    lines = market.list_contracts(loaded, OFFICE, region="宜宾市", year=2025)
    assert sorted(x.contract.registration_no for x in lines) == ["2025-CD-1", "2025-YB-1"]


def test_contract_checks(loaded):
    p = market.recommend(loaded, OFFICE, result_id=2, demand_id=7, on=dt.date(2025, 3, 1))
    with pytest.raises(InputError, match="合同类型"):
        market.register_contract(loaded, OFFICE, p.id, contract("N1", 10, dt.date(2025, 4, 1)).model_copy(
            update={"contract_type": "买卖"}))
    with pytest.raises(InputError, match="早于签订日期"):
        market.register_contract(loaded, OFFICE, p.id, ContractIn(
            registration_no="N1", contract_type="技术开发", amount_wan=10, signed_on=dt.date(2025, 4, 2),
            registered_on=dt.date(2025, 4, 1)))
    with pytest.raises(InputError, match="认定依据"):
        market.register_contract(loaded, OFFICE, p.id, contract("N1", 10, dt.date(2025, 4, 1), major=True))
    with pytest.raises(InputError, match="早于对接上一步"):
        market.register_contract(loaded, OFFICE, p.id, contract("N1", 10, dt.date(2025, 2, 1)))
    assert market.get_pairing(loaded, OFFICE, p.id).stage == "recommended"
    assert latest(loaded, indicator_codes=["tech_contract_turnover"], include_derived=True) == []


def test_an_official_figure_wins_on_the_board_and_is_never_overwritten(loaded):
    record_value(loaded, NewValue(region_code=YIBIN, indicator_code="tech_contract_turnover", period="2025",
                                  value=18.5, unit="亿元", source="测试：统计部门数据（构造）"), actor="统计员")
    p = market.recommend(loaded, OFFICE, result_id=1, demand_id=1, on=dt.date(2025, 3, 1))
    r = market.register_contract(loaded, OFFICE, p.id, contract("2025-YB-9", 300, dt.date(2025, 4, 15)))
    [u] = [u for u in r.indicators if u.indicator_code == "tech_contract_turnover" and u.region_code == YIBIN]
    assert (u.value, u.official_value) == (0.03, 18.5)
    assert values(loaded, "tech_contract_turnover")[(YIBIN, "2025")] == 18.5


def _plan(region: str):
    """A stored plan (CONSTRUCTED) whose target is 技术合同成交额 0.1 亿元 by 2026, baseline 2024."""
    from innodrive.extraction.models import DocumentMeta, Evidence, ExtractedPlan, SourceInfo, Target

    text = "测试市2025年科技工作要点（构造）\n到2026年,技术合同成交额达到0.1亿元。"
    goal = "到2026年,技术合同成交额达到0.1亿元"
    start = text.index(goal)
    return ExtractedPlan(
        source=SourceInfo(file="plan.txt", sha256=hashlib.sha256(text.encode()).hexdigest(), encoding="utf-8",
                          script="simplified"),
        document=DocumentMeta(title="测试市科技工作要点（构造）", issuer="测试市科技局（构造）", region=region,
                              genre="工作要点", issued="2024-02-01", horizon=2026),
        outline=[], programmes=[],
        targets=[Target(indicator="技术合同成交额", kind="number", value=0.1, unit="亿元", comparator="=", year=2026,
                        baseline_year=2024, direction="ge", evidence=Evidence(text=goal, span=(start, start + len(goal))))],
    )


def test_a_contract_changes_the_light_of_a_stored_target(loaded):
    """End to end: plan target → board light, before and after contracts are registered."""
    from innodrive.plans import board, storage

    storage.add_plan(loaded, _plan("宜宾市"), actor="张三")
    record_value(loaded, NewValue(region_code=YIBIN, indicator_code="tech_contract_turnover", period="2024",
                                  value=0.02, unit="亿元", source="测试数据（构造）"), actor="统计员")
    as_of = dt.date(2026, 6, 30)

    def status():
        [line] = board.target_board(loaded, as_of=as_of, region="宜宾市")
        assert line.stored.indicator_code == "tech_contract_turnover"
        return line.status

    before = status()
    assert before.latest_value == 0.02
    p1 = market.recommend(loaded, OFFICE, result_id=1, demand_id=1, on=dt.date(2025, 3, 1))
    market.register_contract(loaded, OFFICE, p1.id, contract("2025-YB-1", 350, dt.date(2025, 5, 10)))
    # 2025 = 0.035 亿元; path 0.02 → 0.1 over 2024–2026: expected 0.06 at 2025, progress 0.015/0.08 = 18.75 %,
    # time share 50 % → 序时进度差 −31 points → red
    one = status()
    assert one.latest_value == pytest.approx(0.035) and one.progress == pytest.approx(0.1875)
    assert one.light == "red"
    p2 = market.recommend(loaded, OFFICE, result_id=2, demand_id=7, on=dt.date(2025, 6, 1))
    market.register_contract(loaded, OFFICE, p2.id, contract("2025-YB-2", 300, dt.date(2025, 9, 1)))
    # 2025 = 0.065 亿元: progress 0.045/0.08 = 56.25 % ≥ 50 % → green
    two = status()
    assert two.latest_value == pytest.approx(0.065) and two.progress == pytest.approx(0.5625)
    assert two.light == "green" and before.light != two.light
