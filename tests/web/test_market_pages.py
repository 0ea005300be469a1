"""技术市场 pages over the real application (TestClient): search with filters, import with
every bad row named, the match list with its explanation, the pairing board and a
contract registered from the page; contacts masked by role, revealing audited,
confidential demands hidden."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from tests.market.market_helpers import demand_row, filled, labelled, result_row

from innodrive.services import market
from innodrive.services.actor import Actor, Role
from innodrive.store import audit

LESHAN = "511100"


@pytest.fixture
def loaded(web):
    """乐山's CONSTRUCTED results and demands (the test office account is scoped to 乐山市)."""
    s = labelled()
    office = Actor.local_operator("test")
    results = [result_row(r, i) for i, r in enumerate(s.results, start=1) if r.region == LESHAN]
    market.import_results(web.store, office, filled("result", results), file="乐山成果.xlsx")
    rows = [demand_row(d, i) for i, d in enumerate(s.demands, start=1) if d.region in (LESHAN, "511102")]
    rows[0] = rows[0] | {"是否保密": "是"}     # D03 储能 becomes confidential
    market.import_demands(web.store, office, filled("demand", rows), file="乐山需求.xlsx")
    return web


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_results_page_filters_and_masks_contacts(loaded):
    office = loaded.client(Role.OFFICE)
    r = office.get("/market/results", params={"text": "多晶硅"})
    assert r.status_code == 200 and "改良西门子法多晶硅还原炉节能控制技术" in r.text
    assert "光伏组件隐裂电致发光图像智能检测系统" not in r.text
    assert "138****" in r.text and "13800000007" not in r.text
    r = office.get("/market/results", params={"trl_min": "8", "industry": "C"})
    titles = re.findall(r'href="/market/results/\d+">([^<]+)</a>', r.text)
    assert titles and "硅粉" not in "".join(titles)  # R12 is TRL 5
    bad = office.get("/market/results", params={"industry": "锂电池"})
    assert bad.status_code == 400 and "无法识别“锂电池”" in bad.text


def test_contacts_by_role_and_every_reveal_audited(loaded):
    rid = market.search_results(loaded.store, Actor.local_operator("t")).items[0].id
    for role in (Role.EVALUATOR, Role.NPC, Role.UNIT):
        client = loaded.client(role)
        page = client.get(f"/market/results/{rid}")
        assert page.status_code == 200 and "显示联系方式" not in page.text and "（脱敏）" in page.text
        refused = client.post(f"/market/results/{rid}/contact")
        assert refused.status_code == 403 and refused.headers["x-innodrive-refusal"] == "role"
    office = loaded.client(Role.OFFICE)
    shown = office.post(f"/market/results/{rid}/contact", headers={"HX-Request": "true"})
    assert shown.status_code == 200 and re.search(r"138000000\d\d", shown.text)
    with loaded.store.read() as s:
        [entry] = [e for e in audit.entries(s) if e.action == "market.contact.view"]
    assert entry.actor == "t-office" and entry.entity_id == str(rid)
    assert loaded.client(Role.PUBLIC).get("/market/results").status_code == 303   # sign in first


def test_an_upload_with_bad_rows_changes_nothing_and_names_each_row(loaded):
    office = loaded.client(Role.OFFICE)
    s = labelled()
    rows = [result_row(s.results[6], 7) | {"专利号": "", "成果名称": "新成果甲（构造）"},
            result_row(s.results[7], 8) | {"技术就绪度": "十", "成果名称": "新成果乙（构造）"},
            result_row(s.results[8], 9) | {"所在地区": "宜宾市", "成果名称": "新成果丙（构造）"}]
    before = market.search_results(loaded.store, Actor.local_operator("t")).total
    r = office.post("/market/import", files={"file": ("汇交.xlsx", filled("result", rows))},
                    headers={"HX-Request": "true"})
    assert r.status_code == 422
    text = _text(r.text)
    assert "2 行有问题，未导入任何成果" in text
    assert "第 3 行 字段「技术就绪度」" in text and "第 4 行 字段「所在地区」" in text   # 宜宾 is outside 乐山
    assert market.search_results(loaded.store, Actor.local_operator("t")).total == before
    ok = office.post("/market/import", files={"file": ("汇交.xlsx", filled("result", rows[:1]))})
    assert ok.status_code == 200 and "新增 1 项" in ok.text
    assert "疑似重复" not in ok.text or "新成果甲" in ok.text
    tpl = office.get("/market/template/result")
    assert tpl.status_code == 200 and tpl.content[:2] == b"PK"


def test_the_match_list_explains_itself(loaded):
    office = loaded.client(Role.OFFICE)
    demands = market.search_demands(loaded.store, Actor.local_operator("t")).items
    d05 = next(d for d in demands if d.title == "硅片切割后的表面质量和硅泥处理")
    r = office.get(f"/market/demands/{d05.id}/matches")
    assert r.status_code == 200
    firsts = re.findall(r'href="/market/results/\d+">成果 #\d+ ([^<]+)</a>', r.text)[:2]
    assert set(firsts) == {"金刚线切割单晶硅片表面损伤层去除与制绒工艺", "晶硅切割废料硅粉回收提纯制备高纯硅技术"}
    for name in ("文本相关（字符TF-IDF）", "文本相关（关键词BM25）", "行业与学科", "技术成熟度", "地区", "价格与预算"):
        assert name in r.text
    assert '<mark class="term">硅片</mark>' in r.text
    assert "同城" in r.text or "同属" in r.text
    api = office.get(f"/api/v1/market/demands/{d05.id}/matches").json()
    assert api["items"][0]["explanation"]["components"][0]["key"] == "tfidf"


def test_confidential_and_out_of_scope_demands_are_not_shown(loaded):
    confidential = next(d for d in market.search_demands(
        loaded.store, Actor.local_operator("t"), market.DemandFilter(include_confidential=True)).items
        if d.confidential)
    assert loaded.client(Role.OFFICE).get(f"/market/demands/{confidential.id}").status_code == 200
    for role in (Role.COUNTY, Role.EVALUATOR, Role.NPC):
        client = loaded.client(role)
        assert client.get(f"/market/demands/{confidential.id}").status_code == 404
        listing = client.get("/market/demands", params={"confidential": "true"})
        assert confidential.title not in listing.text
    # the county account (市中区) sees only its county's demand
    county = loaded.client(Role.COUNTY).get("/market/demands")
    assert "硅片切割后的表面质量和硅泥处理" in county.text and "多晶硅还原工序电费太高" not in county.text


def test_pairing_from_the_match_to_a_registered_contract(loaded):
    office = loaded.client(Role.OFFICE)
    demands = market.search_demands(loaded.store, Actor.local_operator("t")).items
    d04 = next(d for d in demands if d.title == "多晶硅还原工序电费太高")
    matches = market.match_demand(loaded.store, Actor.local_operator("t"), d04.id)
    top = matches.items[0].result
    r = office.post("/market/pairings", data={"result_id": top.id, "demand_id": d04.id, "broker": "李经纪（构造）",
                                              "score": matches.items[0].total})
    assert r.status_code == 303
    path = r.headers["location"]
    today, yesterday = dt.date.today(), dt.date.today() - dt.timedelta(days=1)
    early = office.post(path + "/step", data={"stage": "negotiating", "on": yesterday.isoformat()},
                        headers={"HX-Request": "true"})
    assert early.status_code == 400 and "早于上一步的日期" in early.text    # recommended today
    step = office.post(path + "/step", data={"stage": "negotiating", "on": today.isoformat(), "note": "价格协商"})
    assert step.status_code == 200 and "已记录：洽谈" in step.text
    wrong = office.post(path + "/contract", data={"registration_no": "LS-2025-1", "contract_type": "技术转让",
                                                  "amount_wan": "400", "signed_on": today.isoformat(),
                                                  "registered_on": yesterday.isoformat()},
                        headers={"HX-Request": "true"})
    assert wrong.status_code == 400 and "早于签订日期" in wrong.text
    done = office.post(path + "/contract", data={"registration_no": "LS-2025-1", "contract_type": "技术转让",
                                                 "amount_wan": "400", "signed_on": today.isoformat(),
                                                 "registered_on": today.isoformat()})
    assert done.status_code == 200 and "已登记技术合同 LS-2025-1" in done.text
    assert "技术合同成交额" in done.text and "乐山市" in done.text
    board = office.get("/market/pairings")
    lane = re.search(r'data-stage="registered">(.*?)</section>', board.text, re.S).group(1)
    assert top.title in lane and "400 万元" in lane
    # a county may record steps of its own enterprises but not register contracts
    assert loaded.client(Role.COUNTY).post(path + "/contract", data={}).status_code == 403
