"""A call in a real browser: the office assigns reviewers, a reviewer scores blind, the office
selects and publishes the 公示, the public reads it. Screenshots under out/screenshots/."""

from __future__ import annotations

from innodrive.projects import example
from innodrive.services import projects as P
from innodrive.services.actor import Actor
from web.browser.conftest import sign_in

from ..project_helpers import split

CALL = "JB-2024-01"


def _identities(store, office) -> list[str]:
    out = []
    for a in P.list_applications(store, office, CALL):
        v = P.get_application(store, office, a.code)
        out += [v.applicant, *(p.name for p in v.partners), *(m.name for m in v.members)]
    return out + [example.SILICON, example.PHOTON]


def test_a_call_from_assignment_to_the_public_list(page, projects_server, projects_store, shot):
    server, store = projects_server, projects_store
    office = Actor.local_operator("测试")

    # -- the office assigns reviewers -------------------------------------------------------------
    sign_in(page, server, "office")
    assert page.url.endswith("/overview")  # the office's home is the workbench 总览
    page.click("nav.main-nav a:text-is('科技项目')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/projects")
    page.click(f"a[href='/projects/calls/{CALL}']")
    page.wait_for_load_state("networkidle")
    assert "在本市注册的企业或本市高校、科研院所" in page.content()
    page.fill("#assign input[name=on]", "2024-05-06")
    page.click("#assign button[value=false]")
    page.wait_for_selector("[data-testid=message]")
    assert "已分配评审专家 15 人次" in page.locator("[data-testid=message]").inner_text()
    assert "每人评审 1–2 项" in page.locator("[data-testid=assignment-result]").inner_text()
    shot(page, "call")

    # paper sheets for everyone but the reviewer who scores in the browser below
    lines = [x for x in P.assignments(store, office, CALL) if x.state == "assigned"]
    jia = [x for x in lines if x.expert_name == "甲示例"]
    base = {f"{CALL}-001": [84, 86, 82, 85, 83], f"{CALL}-003": [75, 30, 76, 74, 77], f"{CALL}-004": [70] * 5}
    seen: dict[str, int] = {}
    for line in lines:
        i = seen.get(line.application_code, 0)
        seen[line.application_code] = i + 1
        if line.assignment_id != jia[0].assignment_id:
            P.submit_scores(store, office, line.assignment_id, split(base[line.application_code][i]))

    # -- the reviewer scores, blind ------------------------------------------------------------------
    page.context.clear_cookies()
    sign_in(page, server, "expert")
    assert page.url.endswith("/reviews")
    # a reviewer reaches its own reviews and the public pages only
    assert page.locator("nav.main-nav a").all_inner_texts() == ["我的评审", "公开摘要", "立项公示", "全省市州对比"]
    identities = _identities(store, office)
    for name in identities:
        assert name not in page.content(), name
    page.click(f"a[href='/reviews/{jia[0].assignment_id}']")
    page.wait_for_load_state("networkidle")
    assert "盲评：申报单位和团队信息已隐去" in page.content()
    for name in identities:
        assert name not in page.content(), name
    seen_index = [x.assignment_id for x in lines if x.application_code == jia[0].application_code].index(
        jia[0].assignment_id)
    for key, value in split(base[jia[0].application_code][seen_index]).items():
        page.fill(f"#score input[name=score_{key}]", str(value))
    page.fill("#score textarea[name=comment]", "技术路线清晰，中试方案可行")
    page.click("#score button")
    page.wait_for_selector("[data-testid=message]")
    assert "评分已提交" in page.locator("[data-testid=message]").inner_text()
    shot(page, "reviewer")

    # -- the office decides and publishes --------------------------------------------------------------
    page.context.clear_cookies()
    sign_in(page, server, "office")
    page.goto(server.url + f"/projects/calls/{CALL}")
    ranking = page.locator("[data-testid=ranking]").inner_text()
    assert f"{CALL}-001" in ranking and "非共识" in ranking
    page.goto(server.url + f"/projects/applications/{CALL}-001")
    page.fill("#select input[name=amount]", "350")
    page.fill("#select input[name=reason]", "综合排名第一")
    page.click("#select button")
    page.wait_for_selector("[data-testid=message]")
    assert "已确定拟立项" in page.locator("[data-testid=message]").inner_text()
    page.goto(server.url + f"/projects/calls/{CALL}")
    page.fill("#publicity-open input[name=start]", "2024-06-01")
    page.click("#publicity-open button")
    page.wait_for_selector("[data-testid=message]")
    assert "已发布公示：2024-06-01 至 2024-06-07" in page.locator("[data-testid=message]").inner_text()
    shot(page, "decided")

    # -- the public reads the 公示 ------------------------------------------------------------------
    page.context.clear_cookies()
    page.goto(server.url + "/publicity")
    notice = page.locator("[data-testid=notice]").first.inner_text()
    assert "乐山示例硅材料有限公司" in notice and "350" in notice and "构造示例" in notice
    shot(page, "public")
