"""The 年度考核 journey in a real browser: the office scores the year, a 区县 appeals with
evidence, the office accepts, the score changes; the office downloads the 通报.

Its own server on its own database (the constructed 乐山 考核 example, the 申诉 window moved
to cover today), so the other journeys' demo database is untouched. Screenshots under
``out/screenshots/``: look at them — the results table, the explanation, the appeal.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .conftest import Server, innodrive, sign_in


@pytest.fixture(scope="module")
def kaohe_server(tmp_path_factory):
    from innodrive.kaohe.example import FOLDER, SCHEME

    home = tmp_path_factory.mktemp("web-kaohe")
    innodrive(home, "init", "--no-data")
    innodrive(home, "kaohe", "example")
    today = dt.date.today()
    scheme = home / SCHEME
    scheme.write_text((FOLDER / SCHEME).read_text(encoding="utf-8").replace(
        "appeal: {opens: 2025-01-20, closes: 2025-01-31}",
        f"appeal: {{opens: {today - dt.timedelta(days=1)}, closes: {today + dt.timedelta(days=10)}}}"),
        encoding="utf-8")
    innodrive(home, "kaohe", "setup", str(scheme), "--replace")
    import os

    before = os.environ.get("INNODRIVE_HOME")
    os.environ["INNODRIVE_HOME"] = str(home)
    try:
        from innodrive.store import open_store
        from innodrive.web.demo import create_demo_accounts

        store = open_store()
        create_demo_accounts(store)
        store.close()
    finally:
        if before is None:
            os.environ.pop("INNODRIVE_HOME", None)
        else:
            os.environ["INNODRIVE_HOME"] = before
    s = Server(home)
    s.start()
    yield s
    s.stop()


def test_a_year_scored_appealed_and_reported(page, kaohe_server, shot, tmp_path, browser):
    server = kaohe_server
    sign_in(page, server, "office")
    page.click("text=年度考核")
    page.click("text=乐山市2024年度创新驱动发展考核")
    page.wait_for_selector("[data-testid=data-note]")
    assert "构造数据" in page.inner_text("[data-testid=data-note]")
    page.click("[data-testid=score]")
    page.wait_for_selector("[data-testid=results-1]")
    first = page.locator("[data-testid=results-1] tbody tr").first
    assert "峨眉山市" in first.inner_text() and "107.00" in first.inner_text()
    page.wait_for_selector("#totals-1 canvas")  # the chart is drawn
    shot(page, "office-results")
    # a 区县 (市中区's account) sees only its own line and appeals a figure with evidence
    county = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    cp = county.new_page()
    sign_in(cp, server, "shizhong")
    cp.goto(server.url + "/kaohe")
    cp.click("text=乐山市2024年度创新驱动发展考核")
    rows = cp.locator("[data-testid=results-1] tbody tr")
    assert rows.count() == 1 and "市中区" in rows.first.inner_text()
    cp.click("[data-testid=results-1] a:has-text('市中区')")
    cp.wait_for_selector("[data-testid=rules]")
    assert "完成率 = 实际 2.4 ÷ 目标 2 = 120.00%" in cp.inner_text("[data-testid=rules]")
    proof = tmp_path / "技术合同登记证明.pdf"
    proof.write_bytes(b"%PDF-1.4 constructed proof")
    cp.select_option("#appeal-form select[name=subject]", "indicator:high_value_invention_patents_per_10k")
    cp.fill("#appeal-form input[name=value]", "9.5")
    cp.fill("#appeal-form textarea[name=claim]", "专利统计口径更正（构造的示例申诉）")
    cp.set_input_files("#appeal-form input[type=file]", str(proof))
    cp.click("#appeal-form button")
    cp.wait_for_selector("[data-testid=message]")
    assert "已提交（1 个证明材料）" in cp.inner_text("[data-testid=message]")
    shot(cp, "county-appeal")
    county.close()
    # the office decides; the result page shows the decision and its effect
    page.goto(server.url + "/kaohe")
    page.click("text=乐山市2024年度创新驱动发展考核")
    page.click("a[href$='/appeals']")
    page.wait_for_selector("[data-testid=appeals]")
    page.fill("[data-testid=appeals] input[name=reason]", "经核对属实")
    page.click("[data-testid=appeals] button[value=accept]")
    page.wait_for_selector("[data-testid=message]")
    assert "已采纳" in page.inner_text("[data-testid=message]")
    shot(page, "office-decided")
    # the 通报 as a download
    page.goto(server.url + "/kaohe")
    page.click("text=乐山市2024年度创新驱动发展考核")
    with page.expect_download() as d:
        page.click("[data-testid=downloads] a:has-text('PDF')")
    target = Path(tmp_path / d.value.suggested_filename)
    d.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF") and target.name.endswith("考核结果通报.pdf")
