"""The 年度考核 pages on the constructed example, signed in as each role: what each sees and may do."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from tests.kaohe.conftest import OFFICE

from innodrive.services import kaohe as svc
from innodrive.services.actor import Role


@pytest.fixture
def web(example):
    """The workbench on a copy of the example, the 申诉 window moved to cover today, one account per role."""
    from tests.web.conftest import Web, make_accounts

    from innodrive.kaohe.example import FOLDER, SCHEME

    store, cycle = example
    today = dt.date.today()
    text = (FOLDER / SCHEME).read_text(encoding="utf-8").replace(
        "appeal: {opens: 2025-01-20, closes: 2025-01-31}",
        f"appeal: {{opens: {today - dt.timedelta(days=1)}, closes: {today + dt.timedelta(days=10)}}}")
    svc.create_cycle(store, OFFICE, text.encode(), file_name=SCHEME, replace=True)
    make_accounts(store)
    w = Web(str(store.url))
    w.cycle = cycle
    yield w
    w.close()


def _rows(html: str, testid: str) -> list[str]:
    table = re.search(rf'data-testid="{testid}".*?</table>', html, re.S).group(0)
    return re.findall(r'data-unit="([^"]+)"', table)


def test_office_scores_sees_everything_and_downloads_the_documents(web):
    office = web.client(Role.OFFICE)
    c = web.cycle
    r = office.get("/kaohe")
    assert r.status_code == 200 and "乐山市2024年度创新驱动发展考核" in r.text and "构造数据" in r.text
    r = office.get(f"/kaohe/{c}")
    assert "还没有计算得分" in r.text and 'data-testid="score"' in r.text
    r = office.post(f"/kaohe/{c}/score", data={"note": "初步结果"})
    assert r.status_code == 200 and "第 1 次计分完成（初步结果）" in r.text
    assert _rows(r.text, "results-1")[:3] == ["峨眉山市", "市中区", "犍为县"]
    assert _rows(r.text, "results-2") == ["市科技局", "市发展改革委", "市教育局", "市财政局", "市经信局", "市人社局"]
    assert 'data-chart="totals-1-data"' in r.text  # the chart of the totals
    unit = office.get(f"/kaohe/{c}/units/沙湾区")
    assert "完成率 = 实际 1.5 ÷ 目标 2 = 75.00%；得分 = min(75.00%, 100%) × 25 = 18.75" in unit.text
    assert 'data-testid="unit-total">55.25<' in unit.text
    diff = office.get("/kaohe/frameworks/diff", params={"unit_type": "县域", "old": 2023, "new": 2024})
    assert "共 9 处变化" in diff.text and "计分规则" in diff.text
    alloc = office.get(f"/kaohe/{c}/allocation", params={"group": "县（市、区）", "pool": 500, "floor": 80})
    assert "模拟" in alloc.text and re.search(r'data-unit="峨眉山市">.*?data-testid="amount">161<', alloc.text, re.S)
    pdf = office.get(f"/kaohe/{c}/tongbao.pdf", params={"serial": "3", "date": "2025-02-20"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''2024" in pdf.headers["content-disposition"]
    docx = office.get(f"/kaohe/{c}/tongbao.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    xlsx = office.get(f"/kaohe/{c}/allocation.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert office.get(f"/kaohe/{c}/tongbao.odt").status_code == 400
    api = office.get(f"/api/v1/kaohe/{c}/results").json()
    assert {u["unit"]: round(u["total"], 2) for u in api["result"]["units"]}["市发展改革委"] == 96.6


def test_a_county_sees_only_its_own_result_and_appeals_with_evidence(web):
    office, county, unit = web.client(Role.OFFICE), web.client(Role.COUNTY), web.client(Role.UNIT)
    c = web.cycle
    office.post(f"/kaohe/{c}/score")
    page = county.get(f"/kaohe/{c}")  # t-county is 市中区 (511102)
    assert _rows(page.text, "results-1") == ["市中区"] and "只显示本单位的结果" in page.text
    assert 'data-testid="score"' not in page.text and "tongbao.pdf" not in page.text
    assert county.get(f"/kaohe/{c}/units/峨眉山市").status_code == 403
    assert _rows(unit.get(f"/kaohe/{c}").text, "results-1") == ["市经信局"]  # t-unit is 市经信局
    r = county.post(f"/kaohe/{c}/appeals", data={"unit": "市中区", "subject": "indicator:tech_contract_turnover",
                                                 "claim": "技术合同登记漏报一项", "value": "16"},
                    files={"evidence": ("登记证明.pdf", b"%PDF-1.4 constructed", "application/pdf")})
    assert r.status_code == 200 and "已提交（1 个证明材料）" in r.text
    appeal = svc.list_appeals(web.store, OFFICE, c)[0]
    evidence = f"/kaohe/appeals/{appeal.id}/evidence/{appeal.files[0].sha256}"
    assert county.get(evidence).content == b"%PDF-1.4 constructed"
    assert unit.get(evidence).status_code == 403
    assert county.post(f"/kaohe/{c}/appeals", data={"unit": "峨眉山市", "subject": "other", "claim": "x"}).status_code == 403
    assert county.post(f"/kaohe/appeals/{appeal.id}/decide", data={"decision": "accept", "reason": "x"}).status_code == 403
    # the office decides: 16/12 is over target already (score stays 20), so the total does not move
    r = office.post(f"/kaohe/appeals/{appeal.id}/decide", data={"decision": "accept", "reason": "核实属实"})
    assert "申诉 #1：已采纳" in r.text and "总分 106.00 → 106.00" in r.text
    assert svc.list_appeals(web.store, OFFICE, c)[0].state == "accepted"


def test_evaluator_sees_results_only_after_they_are_final(web):
    office, evaluator = web.client(Role.OFFICE), web.client(Role.EVALUATOR)
    c = web.cycle
    office.post(f"/kaohe/{c}/score")
    page = evaluator.get(f"/kaohe/{c}")
    assert page.status_code == 200 and 'data-testid="hidden"' in page.text and "尚未定档" in page.text
    assert evaluator.get(f"/api/v1/kaohe/{c}/results").status_code == 403
    svc.finalise(web.store, OFFICE, c, today=dt.date.today() + dt.timedelta(days=11))
    assert len(_rows(evaluator.get(f"/kaohe/{c}").text, "results-1")) == 11
