"""The talent office and a handling unit in a real browser: import with a bad row named,
a card issued by the rules, a request routed to 市住建局, the unit answering it, the
figures — with screenshots under out/screenshots/."""

from __future__ import annotations

import pytest

from web.browser.conftest import sign_in

from ..helpers import FIRM, ident, wrong_check
from .conftest import UNIT_USER

pytestmark = pytest.mark.browser

HEADER = "姓名,证件号码,联系电话,统一社会信用代码,人才类别,到岗日期,引进方式\n"
GOOD = [f"王示例,{ident('19800101', seq='101')},13812345671,{FIRM},B,2021-03-01,全职\n",
        f"欧阳示范,{ident('19930615', seq='202')},13812345672,{FIRM},E,2023-07-01,全职\n"]


def test_office_registers_issues_a_card_and_routes_a_request_then_the_unit_answers(page, talent_server, shot,
                                                                                  tmp_path, browser):
    server = talent_server
    bad = tmp_path / "人才登记表（有错）.csv"
    bad.write_text(HEADER + GOOD[0] + GOOD[1].replace(ident("19930615", seq="202"),
                                                      wrong_check(ident("19930615", seq="202"))), encoding="utf-8")
    good = tmp_path / "人才登记表.csv"
    good.write_text(HEADER + "".join(GOOD), encoding="utf-8")

    sign_in(page, server, "office")
    nav = page.locator("nav.main-nav a").all_inner_texts()
    assert {"人才库", "人才服务", "人才考核"} <= set(nav)
    page.click("nav.main-nav >> text=人才库")
    page.wait_for_load_state("networkidle")
    page.click("#import summary")
    page.set_input_files("#import-form input[name=file]", str(bad))
    page.click("#import-form button[value=import]")
    page.wait_for_selector("#flash .notice.error")
    flash = page.locator("#flash").inner_text()
    assert "第 3 行" in flash and "校验位错误" in flash
    page.set_input_files("#import-form input[name=file]", str(good))
    page.click("#import-form button[value=preview]")
    page.wait_for_selector("[data-testid=preview]")
    assert "新增 2 人" in page.locator("[data-testid=message]").inner_text()
    page.set_input_files("#import-form input[name=file]", str(good))
    page.click("#import-form button[value=import]")
    page.wait_for_selector("[data-testid=talent-list]")
    assert "已导入" in page.locator("[data-testid=message]").inner_text()
    rows = page.locator("[data-testid=talent-list] tbody tr").all_inner_texts()
    assert len(rows) == 2 and "王*例" in rows[0] and ident("19800101", seq="101") not in " ".join(rows)
    shot(page, "register")

    page.click("text=T000001")
    page.wait_for_selector("[data-testid=decision]")
    decision = page.locator("[data-testid=decision]").inner_text()
    assert "发放英才卡A卡" in decision and "card-a" in decision and "示例" in decision
    page.click("[data-testid=issue-card]")
    page.wait_for_selector("[data-testid=cards]")
    assert "已发放英才卡A卡" in page.locator("[data-testid=message]").inner_text()
    page.click("#submit-request summary")
    page.select_option("#submit-request select[name=service]", "housing")
    page.fill("#submit-request textarea[name=description]", "申请人才公寓一套，家属两人")
    page.click("#submit-request button")
    page.wait_for_selector("[data-testid=person-requests]")
    assert "交市住建局办理" in page.locator("[data-testid=message]").inner_text()
    page.fill("#personal input[name=purpose]", "办理落户核对身份")
    page.click("#personal button")
    page.wait_for_selector("[data-testid=personal]")
    assert page.locator("[data-testid=personal-id]").inner_text() == ident("19800101", seq="101")
    shot(page, "person")

    unit = browser.new_page(locale="zh-CN", viewport={"width": 1360, "height": 900})
    sign_in(unit, server, UNIT_USER)
    nav = unit.locator("nav.main-nav a").all_inner_texts()
    assert "人才服务" in nav and "人才库" not in nav
    unit.click("nav.main-nav >> text=人才服务")
    unit.wait_for_selector("[data-testid=requests]")
    listed = unit.locator("[data-testid=requests] tbody tr").all_inner_texts()
    assert len(listed) == 1 and "R000001" in listed[0] and "王*例" in listed[0]
    unit.click("text=R000001")
    unit.wait_for_selector("[data-testid=request]")
    unit.fill("#contact input[name=purpose]", "电话联系看房时间")
    unit.click("#contact button")
    unit.wait_for_selector("[data-testid=contact]")
    assert unit.locator("[data-testid=contact-phone]").inner_text() == "13812345671"
    unit.fill("#answer textarea[name=answer]", "已配租人才公寓3栋2单元")
    unit.click("[data-testid=answer]")
    unit.wait_for_selector("[data-testid=message]")
    assert "已办结" in unit.locator("[data-testid=message]").inner_text()
    assert "答复" in unit.locator("[data-testid=events]").inner_text()
    shot(unit, "unit")
    unit.click("nav.main-nav >> text=人才考核")
    unit.wait_for_selector("[data-testid=figures]")
    figures = unit.locator("[data-testid=figures] tbody tr").all_inner_texts()
    assert len(figures) == 1 and "市住建局" in figures[0] and "100.0%" in figures[0]
    shot(unit, "figures")
    unit.close()
