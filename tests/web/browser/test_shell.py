"""The shell in a real browser: signing in, navigation by role, htmx forms, the public summary."""

from __future__ import annotations

from .conftest import sign_in


def test_admin_signs_in_sees_the_admin_navigation_and_adds_an_account(page, server, shot):
    page.goto(server.url + "/")
    assert page.url.endswith("/public")
    sign_in(page, server, "admin", "wrong-password1")
    assert page.locator("[data-testid=error]").inner_text() == "用户名或密码不正确"
    sign_in(page, server, "admin")
    assert page.url.endswith("/overview")
    nav = page.locator("nav.main-nav a").all_inner_texts()
    assert "账号管理" in nav and "企业培育" not in nav  # 管理员 manages accounts; screening is the office's
    page.click("nav.main-nav a:has-text('账号管理')")
    assert page.locator(".who").inner_text().startswith("系统管理员（演示）")
    page.fill("#add-user input[name=username]", "ls-kjj")
    page.fill("#add-user input[name=name]", "乐山市科技局<b>张三</b>")
    page.select_option("#add-user select[name=role]", "创新办")
    page.fill("#add-user input[name=region]", "乐山市")
    page.fill("#add-user input[name=password]", "short")
    page.click("#add-user button")
    page.wait_for_selector("#flash .notice.error")
    assert "密码至少需要 8 个字符" in page.locator("#flash").inner_text()
    page.fill("#add-user input[name=password]", "Kjj-pass-2024")
    page.click("#add-user button")
    page.wait_for_selector("[data-testid=message]")
    assert "已新增账号 ls-kjj（创新办）" in page.locator("[data-testid=message]").inner_text()
    row = page.locator("[data-testid=users] tr", has_text="ls-kjj")
    assert "乐山市科技局<b>张三</b>" in row.inner_text()  # shown as text, not markup
    assert page.locator("#flash").inner_text() == ""
    shot(page)


def test_the_public_summary_needs_no_sign_in(page, server, shot):
    page.goto(server.url + "/public")
    assert page.locator("h1").inner_text() == "创新驱动发展目标进展 · 公开摘要"
    assert page.locator("nav.main-nav a").all_inner_texts() == ["公开摘要", "立项公示", "全省市州对比"]  # what the public may see
    page.goto(server.url + "/admin/users")
    assert "/login?next=/admin/users" in page.url
    shot(page)
