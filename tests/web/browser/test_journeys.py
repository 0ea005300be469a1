"""The journeys of the workbench, in a real browser, checking what a person sees.

Each ends in a screenshot under ``out/screenshots/``. They share one server and one
demo database (five example documents, shipped statistics, constructed high-tech
enterprise counts for 乐山市), so each journey uses objects the others do not change.
"""

from __future__ import annotations

from .conftest import AS_OF, CONSTRUCTED, sign_in

LIGHT_RGB = {"green": "rgb(30, 142, 62)", "red": "rgb(217, 48, 37)"}
DOC = """乐山市2024年科技创新工作要点（构造的测试文件）
中共乐山市委科技委员会办公室
一、主要目标
到2024年，全市新增高新技术企业30家，技术合同成交额达到25亿元。
二、重点任务
（一）实施创新主体培育行动。由市科技局牵头，市经信局配合，2024年6月底前完成。
（二）建设成果转化平台。由市发改委牵头，2024年12月底前完成。
"""


def _board_line(page, server, indicator: str):
    lines = page.request.get(f"{server.url}/api/v1/board?as_of={AS_OF}").json()["lines"]
    return next(line for line in lines if line["indicator"] == indicator)


def _preview(page, server, table) -> None:
    """Upload ``table`` on the 数据 page for its dry run."""
    page.goto(server.url + "/data")
    page.set_input_files("input[type=file]", str(table))
    page.click("form[action='/data/preview'] button")


def _light_colour(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el, '::before').backgroundColor")


def test_office_uploads_a_document_sees_targets_highlighted_and_corrects_one(page, server, shot, tmp_path):
    document = tmp_path / "乐山市2024年科技创新工作要点.txt"
    document.write_text(DOC, encoding="utf-8")
    sign_in(page, server, "office")
    page.goto(server.url + "/plans")
    page.set_input_files("#upload-plan input[type=file]", str(document))
    page.click("#upload-plan button")
    page.wait_for_selector("[data-testid=added]")
    result = page.locator("[data-testid=added] tbody tr").first.inner_text()
    assert "新计划" in result and "目标" not in result or "2" in result
    page.locator("[data-testid=added] a", has_text="#").first.click()
    page.wait_for_selector("#doc")
    marks = page.locator("#doc mark.target")
    assert marks.count() >= 2
    highlighted = " ".join(marks.all_inner_texts())
    assert "30家" in highlighted and "25亿元" in highlighted
    assert page.locator("#doc mark.task").count() >= 1  # the tasks' text is marked too
    assert page.locator("#add-target").is_hidden()  # until words are selected
    assert page.eval_on_selector("#doc mark.target", "el => getComputedStyle(el).backgroundColor") == "rgb(255, 241, 184)"
    # correct the value of the technology-contract target and save
    card = page.locator(".target-card", has_text="技术合同成交额")
    card.locator("summary").click()
    card.locator("input[name=value]").fill("26")
    card.locator("button", has_text="保存修改").click()
    page.wait_for_selector("[data-testid=message]")
    assert "目标值改为 26" in page.locator("[data-testid=message]").inner_text()
    assert "≥26亿元" in page.locator(".target-card", has_text="技术合同成交额").inner_text() or \
        "26亿元" in page.locator(".target-card", has_text="技术合同成交额").inner_text()
    assert page.locator("[data-testid=corrections] li").count() == 1
    # add a missed target by selecting its words in the text: the span is recorded
    page.evaluate("""() => {
        const words = '建设成果转化平台';
        const el = [...document.querySelectorAll('#doc [data-o]')].find(e => e.textContent.includes(words));
        const node = el.firstChild, i = node.textContent.indexOf(words), range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + words.length);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    form = page.locator("#add-target")
    assert form.is_visible() and form.locator("[data-testid=selected]").inner_text() == "建设成果转化平台"
    form.locator("input[name=indicator]").fill("成果转化平台")
    form.locator("select[name=kind]").select_option("milestone")
    form.locator("button").click()
    page.wait_for_selector("[data-testid=message]:has-text('已补充')")
    assert "补充漏抽的目标“成果转化平台”" in page.locator("[data-testid=message]").inner_text()
    added = page.locator("#doc mark.target", has_text="建设成果转化平台")
    assert added.count() == 1 and added.inner_text() == "建设成果转化平台"
    assert page.locator("[data-testid=corrections] li").count() == 2
    shot(page)


def test_the_board_shows_coloured_lights_and_a_target_chart_with_its_points(page, server, shot):
    sign_in(page, server, "office")
    page.goto(f"{server.url}/board?as_of={AS_OF}")
    assert page.locator("[data-testid=board] tbody tr").count() >= 10
    red = page.locator("[data-testid=board] tr", has_text="国家高新技术企业").locator(".light")
    assert red.get_attribute("data-light") == "red" and red.inner_text() == "明显滞后于序时进度"
    green = page.locator("[data-testid=board] tr", has_text="高新技术企业数量").locator(".light").first
    assert green.get_attribute("data-light") == "green"
    assert _light_colour(page, "[data-testid=board] .light.red") == LIGHT_RGB["red"]
    assert _light_colour(page, "[data-testid=board] .light.green") == LIGHT_RGB["green"]
    shot(page, "board")
    page.locator("[data-testid=board] a", has_text="国家高新技术企业").first.click()
    page.wait_for_selector("#target-chart[data-ready='1']")
    assert "按路径应达169.6家" in page.locator("[data-testid=reason]").inner_text()
    assert page.locator("[data-testid=sentence] mark").inner_text().find("192") >= 0
    series = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('target-chart'))
        .getOption().series.map(s => [s.name, s.data.filter(v => v !== null && v !== undefined).length])""")
    counts = dict((name, n) for name, n in series)
    assert counts["实际值"] == 5 and counts["序时进度路径"] >= 5 and counts["趋势预测"] == 2
    assert any("预测区间" in name for name in counts)
    assert page.locator("[data-testid=probability]").inner_text().endswith("%")
    assert CONSTRUCTED in page.locator("[data-testid=history]").inner_text()
    shot(page)


def test_a_department_reports_with_evidence_the_office_approves_after_a_restart(browser, server, shot, tmp_path):
    office = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(office, server, "office")
    tasks = office.request.get(f"{server.url}/api/v1/tasks").json()["lines"]
    task = tasks[0]["task"]
    office.goto(f"{server.url}/tasks/{task['id']}")
    office.fill("input[name=lead]", "市经信局")
    office.fill("input[name=co]", "市科技局")
    office.locator("form[action$='/units'] button").click()
    office.wait_for_selector("[data-testid=message]")
    assert office.locator("[data-testid=lead]").inner_text() == "市经信局"

    unit = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900}).new_page()
    sign_in(unit, server, "jxj")
    unit.goto(f"{server.url}/tasks")
    assert unit.locator(f"[data-task='{task['id']}']").count() == 1
    unit.goto(f"{server.url}/tasks/{task['id']}")
    evidence = tmp_path / "<img src=x onerror=alert(1)>季度报告.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% constructed evidence for a test\n")
    unit.select_option("#report-form select[name=status]", "in_progress")
    unit.fill("#report-form input[name=percent]", "60")
    unit.fill("#report-form textarea[name=narrative]", "新认定高新技术企业18家<script>alert(1)</script>")
    unit.set_input_files("#report-form input[type=file]", str(evidence))
    unit.click("#report-form button")
    unit.wait_for_selector("[data-testid=message]")
    row = unit.locator("[data-testid=reports] tbody tr").first
    assert row.get_attribute("data-review") == "submitted"
    assert "<script>alert(1)</script>" in row.inner_text() and "<img src=x onerror=alert(1)>季度报告.pdf" in row.inner_text()
    shot(unit, "reported")

    server.stop()  # a restart loses nothing that was submitted, not even the sessions
    server.start()

    office.goto(f"{server.url}/tasks/{task['id']}")
    row = office.locator("[data-testid=reports] tbody tr").first
    assert row.get_attribute("data-review") == "submitted" and "60%" in row.inner_text()
    row.locator("input[name=comment]").fill("材料齐全")
    row.locator("button", has_text="通过").click()
    office.wait_for_selector("[data-testid=message]")
    row = office.locator("[data-testid=reports] tbody tr").first
    assert row.get_attribute("data-review") == "approved" and "已通过" in row.inner_text()
    assert "材料齐全" in row.inner_text()
    office.goto(f"{server.url}/tasks")
    ledger_row = office.locator(f"[data-task='{task['id']}']")
    assert "60%" in ledger_row.inner_text() and "已通过" in ledger_row.inner_text()
    assert "市经信局" in ledger_row.inner_text()
    shot(office)


def test_a_bad_import_is_refused_with_its_row_and_a_good_one_changes_a_light(page, server, shot, tmp_path):
    sign_in(page, server, "office")
    before = _board_line(page, server, "国家高新技术企业")["status"]["light"]
    assert before == "red"
    bad = tmp_path / "bad.csv"
    bad.write_text("地区,指标,年份,值,单位,来源\n乐山市,高新技术企业数量,2025,二百,家,x\n"
                   "乐山市,高新技术企业数量,2025,200,家,\n", encoding="utf-8")
    _preview(page, server, bad)
    page.wait_for_selector("[data-testid=refused]")
    problems = page.locator("[data-testid=problems]").inner_text()
    assert "第 2 行" in problems and "第 3 行" in problems
    shot(page, "refused")
    assert _board_line(page, server, "国家高新技术企业")["status"]["light"] == "red"  # nothing changed
    good = tmp_path / "good.csv"
    good.write_text(f"地区,指标,年份,值,单位,来源\n乐山市,高新技术企业数量,2025,200,家,{CONSTRUCTED}\n", encoding="utf-8")
    _preview(page, server, good)
    page.wait_for_selector("[data-testid=confirm]")
    assert "新增 1" in page.locator("main").inner_text()
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=message]")
    after = _board_line(page, server, "国家高新技术企业")["status"]
    page.goto(f"{server.url}/board?as_of=2026-06-30&light=green")
    assert page.locator("[data-testid=board] tr", has_text="国家高新技术企业").count() >= 1
    shot(page)
    assert after["light"] in ("green", "red")  # as of AS_OF the 2025 value is not yet due


def test_a_county_cannot_see_or_change_another_regions_data(page, server, shot, tmp_path):
    sign_in(page, server, "office")
    leshan_target = _board_line(page, server, "国家高新技术企业")["target_id"]
    page.context.clear_cookies()
    sign_in(page, server, "shizhong")
    page.goto(f"{server.url}/board?as_of={AS_OF}")
    assert page.locator("[data-testid=board] tbody tr", has_text="国家高新技术企业").count() == 0
    page.goto(f"{server.url}/targets/{leshan_target}")
    assert "只能访问本辖区的数据" in page.locator("[data-testid=error]").inner_text()
    other = tmp_path / "yibin.csv"
    other.write_text(f"地区,指标,年份,值,单位,来源\n宜宾市,高新技术企业数量,2024,999,家,{CONSTRUCTED}\n", encoding="utf-8")
    _preview(page, server, other)
    page.wait_for_selector("[data-testid=refused], #flash .notice")
    assert "辖区以外" in page.locator("main").inner_text() + page.locator("#flash").inner_text()
    own = tmp_path / "shizhong.csv"
    own.write_text(f"区划代码,指标,年份,值,单位,来源\n511102,高新技术企业数量,2024,31,家,{CONSTRUCTED}\n", encoding="utf-8")
    _preview(page, server, own)
    page.wait_for_selector("[data-testid=confirm]")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=message]")
    shot(page)
