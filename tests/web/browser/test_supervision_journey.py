"""Journeys of 督查督办, 第三方评估 and 人大监督 in a real browser, each ending in screenshots
under ``out/screenshots/`` (look at them: Chinese text, real data, the forms in place).

They share the demo server of the other journeys and use their own task (the last of the
ledger), so they neither depend on nor disturb the others.
"""

from __future__ import annotations

from .conftest import sign_in


def _last_overdue_task(page, server) -> dict:
    lines = page.request.get(f"{server.url}/api/v1/tasks").json()["lines"]
    return next(line["task"] for line in reversed(lines) if "overdue" in line["status"]["flags"])


def test_a_notice_raised_by_rule_answered_by_the_unit_and_closed(browser, server, shot, tmp_path):
    office = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(office, server, "office")
    task = _last_overdue_task(office, server)
    office.goto(f"{server.url}/tasks/{task['id']}")
    office.fill("input[name=lead]", "市经信局")
    office.locator("form[action$='/units'] button").click()
    office.wait_for_selector("[data-testid=message]")
    # preview the rule run, then confirm it
    office.goto(f"{server.url}/duban")
    office.click("[data-testid=run] button[value=no]")
    office.wait_for_selector("[data-testid=preview]")
    preview = office.locator("[data-testid=preview]").inner_text()
    assert "市经信局" in preview and task["title"] in preview
    shot(office, "preview")
    office.click("[data-testid=confirm-run]")
    office.wait_for_selector("[data-testid=message]:has-text('已发起督办单')")
    row = office.locator("[data-testid=notices] tbody tr", has_text=task["title"])
    assert row.count() == 1 and "市经信局" in row.inner_text() and row.get_attribute("data-state") == "open"
    notice_id = row.get_attribute("data-notice")

    unit = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(unit, server, "jxj")
    unit.goto(f"{server.url}/duban")
    rows = unit.locator("[data-testid=notices] tbody tr")
    assert rows.count() >= 1
    assert all("市经信局" in t for t in rows.all_inner_texts())  # only its own
    unit.goto(f"{server.url}/duban/{notice_id}")
    evidence = tmp_path / "整改情况说明.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% constructed evidence for a test\n")
    unit.fill("#answer-form textarea[name=text]", "已制定推进方案，本月底前完成（构造的测试答复）")
    unit.set_input_files("#answer-form input[type=file]", str(evidence))
    unit.click("#answer-form button")
    unit.wait_for_selector("[data-testid=message]:has-text('已答复')")
    assert unit.locator("[data-state]").first.get_attribute("data-state") == "answered"
    assert "整改情况说明.pdf" in unit.locator("[data-testid=events]").inner_text()
    shot(unit, "answered")

    office.goto(f"{server.url}/duban/{notice_id}")
    office.fill("[data-testid=decide] input[name=note]", "答复属实，材料齐全，予以办结")
    office.click("#close-button")
    office.wait_for_selector("[data-testid=message]:has-text('已办结')")
    assert office.locator("[data-testid=state] [data-state]").get_attribute("data-state") == "closed"
    assert [k for k in office.locator("[data-testid=events] li").evaluate_all("els => els.map(e => e.dataset.kind)")] \
        == ["raise", "answer", "close"]
    shot(office)


def test_the_evaluator_samples_judges_and_reads_the_rate(browser, server, shot):
    office = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(office, server, "office")
    task = _last_overdue_task(office, server)
    unit = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(unit, server, "jxj")
    tasks = unit.request.get(f"{server.url}/api/v1/tasks").json()["lines"]
    mine = next((line["task"] for line in tasks if "市经信局" in line["task"]["lead_units"]), None) or task
    unit.goto(f"{server.url}/tasks/{mine['id']}")
    unit.fill("#report-form textarea[name=narrative]", "完成企业技术改造项目两个（构造的测试报送）")
    unit.click("#report-form button")
    unit.wait_for_selector("[data-testid=message]")
    office.goto(f"{server.url}/tasks/{mine['id']}")
    office.locator("[data-testid=reports] tbody tr").first.locator("button", has_text="通过").click()
    office.wait_for_selector("[data-testid=message]")

    ev = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(ev, server, "evaluator")
    ev.goto(f"{server.url}/evaluation")
    assert ev.locator("nav.main-nav").inner_text().count("督查督办") == 1
    ev.fill("#draw-form input[name=name]", "浏览器核查样本")
    ev.fill("#draw-form input[name=size]", "1")
    ev.fill("#draw-form input[name=seed]", "20241008")
    ev.click("#draw-form button")
    ev.wait_for_selector("[data-testid=message]")
    assert ev.locator("[data-testid=seed]").inner_text() == "20241008"
    item = ev.locator("[data-testid=items] tbody tr").first
    item.locator("input[name=note]").fill("佐证材料缺少项目验收文件")
    item.locator("button", has_text="不符").click()
    ev.wait_for_selector("[data-testid=message]:has-text('已记录核查结论')")
    assert ev.locator("[data-testid=items] tbody tr").first.get_attribute("data-verdict") == "discrepant"
    total = ev.locator("[data-testid=rates] tr.total").inner_text()
    assert "100.0%" in total and "–" in total
    report = ev.request.get(server.url + ev.locator("main a", has_text="PDF").first.get_attribute("href"))
    assert report.status == 200 and report.body().startswith(b"%PDF")
    shot(ev)


def test_the_npc_reads_the_state_and_the_frozen_report(browser, server, shot):
    office = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(office, server, "office")
    office.goto(f"{server.url}/npc")
    office.click("#npc-publish button")
    office.wait_for_selector("[data-testid=message]")
    npc = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(npc, server, "npc")
    npc.goto(f"{server.url}/npc")
    assert npc.locator("#npc-publish").count() == 0  # read-only
    assert npc.locator("[data-testid=npc-targets] tbody tr").count() >= 10
    row = npc.locator("[data-testid=npc-snapshots] tbody tr").first
    assert "完整" in row.inner_text()
    pdf = npc.request.get(server.url + row.locator("a", has_text="PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    shot(npc)
