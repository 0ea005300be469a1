"""The technology market in a real browser: the 乐山 office imports its 汇交 files, opens
a demand's matches (explanations, highlighted key terms), recommends a result, follows
the pairing to a registered contract and sees it on the board. Data: CONSTRUCTED rows
from tests/market/data/labelled.yaml."""

from __future__ import annotations

from tests.market.market_helpers import demand_row, filled, labelled, result_row

from .conftest import sign_in

LESHAN = ("511100", "511102")


def test_office_imports_matches_pairs_and_registers_a_contract(page, server, shot, tmp_path):
    s = labelled()
    results = tmp_path / "乐山科技成果汇交表.xlsx"
    results.write_bytes(filled("result", [result_row(r, i) for i, r in enumerate(s.results, start=1)
                                          if r.region in LESHAN]))
    demands = tmp_path / "乐山企业技术需求表.xlsx"
    demands.write_bytes(filled("demand", [demand_row(d, i) for i, d in enumerate(s.demands, start=1)
                                          if d.region in LESHAN]))
    bad = tmp_path / "有问题的汇交表.xlsx"
    bad.write_bytes(filled("result", [result_row(s.results[6], 7) | {"技术就绪度": "十", "专利号": ""}]))

    sign_in(page, server, "office")
    page.click("nav.main-nav >> text=技术市场")
    assert page.url.endswith("/market/results")
    # a file with a bad row: nothing imported, the row named
    page.set_input_files("#import input[name=file]", str(bad))
    page.click("#import button")
    page.wait_for_selector("#flash .notice.error")
    assert "第 2 行 字段「技术就绪度」" in page.locator("#flash").inner_text()
    for f, sheet in ((results, "科技成果汇交表"), (demands, "企业技术需求表")):
        page.set_input_files("#import input[name=file]", str(f))
        page.click("#import button")
        page.wait_for_selector(f"[data-testid=message]:has-text('{sheet}')")
    assert "新增 4 项、" in page.locator("[data-testid=message]").inner_text()
    assert page.url.endswith("/market/results")
    page.goto(server.url + "/market/results?text=硅")
    assert page.locator("[data-testid=results] tbody tr").count() >= 3
    # a demand's matches, explained
    page.click(".tabs >> text=技术需求")
    row = page.locator("[data-testid=demands] tr", has_text="硅片切割后的表面质量和硅泥处理")
    row.locator("text=匹配成果").click()
    page.wait_for_selector("[data-testid=match]")
    first = page.locator("[data-testid=match]").first
    assert "金刚线切割单晶硅片表面损伤层去除与制绒工艺" in first.inner_text() or \
        "晶硅切割废料硅粉回收提纯制备高纯硅技术" in first.inner_text()
    assert first.locator("mark.term").count() >= 3
    first.locator("summary").click()
    assert first.locator("[data-testid=demand-text] mark.term").count() >= 1
    shot(page, "matches")
    # recommend → negotiate → register the contract
    first.locator("input[name=broker]").fill("王经纪（演示）")
    first.locator("button:has-text('推荐对接')").click()
    page.wait_for_url("**/market/pairings/*")
    page.select_option("#step select[name=stage]", "negotiating")
    page.fill("#step input[name=note]", "许可费用初步一致")
    page.click("#step button")
    page.wait_for_selector("[data-testid=message]:has-text('洽谈')")
    page.fill("#contract input[name=registration_no]", "LS-DEMO-0001")
    page.select_option("#contract select[name=contract_type]", "技术许可")
    page.fill("#contract input[name=amount_wan]", "150")
    today = page.locator("#contract input[name=signed_on]").get_attribute("max")
    page.fill("#contract input[name=signed_on]", today)
    page.fill("#contract input[name=registered_on]", today)
    page.click("#contract button")
    page.wait_for_selector("[data-testid=indicators]")
    assert "技术合同成交额" in page.locator("[data-testid=indicators]").inner_text()
    assert "乐山市" in page.locator("[data-testid=indicators]").inner_text()
    page.click(".tabs >> text=对接看板")
    lane = page.locator(".lane[data-stage=registered]")
    assert "150 万元" in lane.inner_text()
    shot(page)
