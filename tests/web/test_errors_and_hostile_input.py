"""The one error shape, hostile input shown as text, forged requests and oversize bodies refused."""

from __future__ import annotations

from innodrive.services import accounts
from innodrive.services.actor import Actor, Role

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ADMIN = Actor(username="t-admin", role=Role.ADMIN, via="web")


def test_api_errors_share_one_json_shape_and_status(web):
    api = web.client(Role.OFFICE)
    r = api.get("/api/v1/users")
    assert r.status_code == 403
    body = r.json()
    assert set(body) == {"error", "message", "file", "row", "field", "problems"}
    assert body["error"] == "Forbidden" and "无权管理用户账号" in body["message"]
    r = api.get("/api/v1/nowhere")
    assert r.status_code == 404 and r.json()["error"] == "NotFound"
    r = web.client(None).get("/api/v1/me")
    assert r.status_code == 401 and r.json()["message"] == "请先登录"
    r = api.post("/api/v1/public", json={"as_of": "not a date"})
    assert r.status_code == 422 and r.json()["field"] == "as_of" and "日期" in r.json()["message"]


def test_pages_show_errors_inside_the_shell_never_a_traceback(web):
    office = web.client(Role.OFFICE)
    r = office.get("/admin/users")
    assert r.status_code == 403 and "无权管理用户账号" in r.text and 'class="main-nav"' in r.text
    assert "Traceback" not in r.text
    r = office.get("/nowhere", headers={"referer": "http://testserver/account"})
    assert r.status_code == 404 and "页面或对象不存在" in r.text and 'href="/account"' in r.text
    # an htmx request gets the message as a fragment for the page's message area
    r = office.post("/public/publish", data={"region": "宜宾市"}, headers={"hx-request": "true"})
    assert r.status_code == 403 and r.headers["hx-retarget"] == "#flash"
    assert "只能访问本辖区的数据" in r.text and "<html" not in r.text


def test_an_internal_error_is_a_message_with_a_reference(web, monkeypatch):
    from innodrive.services import publication

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(publication, "published", broken)
    r = web.client(Role.OFFICE).get("/public")
    assert r.status_code == 500 and "内部错误（编号" in r.text and "secret internals" not in r.text
    r = web.client(Role.OFFICE).get("/api/v1/public")
    assert r.status_code == 500 and r.json()["message"].startswith("内部错误（编号")


def test_forged_or_missing_csrf_token_is_refused_and_changes_nothing(web):
    admin = web.client(Role.ADMIN)
    before = [u.username for u in accounts.list_users(web.store, ADMIN)]
    form = {"username": "intruder", "role": "管理员", "password": "Intrude-pass-1"}
    for headers in ({"X-CSRF-Token": "forged"}, {"X-CSRF-Token": ""}):
        admin.headers.update(headers)
        r = admin.post("/admin/users", data=form)
        assert r.status_code == 403 and "防伪令牌" in r.text and r.headers["x-innodrive-refusal"] == "csrf"
    del admin.headers["X-CSRF-Token"]
    r = admin.post("/admin/users", data={**form, "csrf_token": "forged"})
    assert r.status_code == 403
    assert [u.username for u in accounts.list_users(web.store, ADMIN)] == before
    # a sign-in form posted from elsewhere (no CSRF cookie) is refused too
    anon = web.client(None)
    anon.cookies.clear()
    r = anon.post("/login", data={"username": "t-office", "password": "x", "csrf_token": "x"})
    assert r.status_code == 403 and "缺少防伪令牌" in r.text


def test_markup_in_names_is_shown_as_text(web):
    accounts.add_user(web.store, ADMIN, username="evil", password="abcdef123", role="创新办", name=XSS)
    r = web.client(Role.ADMIN).get("/admin/users")
    assert XSS not in r.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_an_oversize_body_is_refused_before_it_is_read(web, monkeypatch):
    monkeypatch.setenv("INNODRIVE_UPLOAD_MAX_MB", "1")
    admin = web.client(Role.ADMIN)
    big = b"x" * (2 * 1024 * 1024)
    r = admin.post("/admin/users", files={"file": ("big.bin", big)}, data={"username": "big"})
    assert r.status_code == 413 and "超过 1 MB" in r.text
    r = admin.post("/api/v1/public", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["message"].startswith("上传内容超过 1 MB")
    assert "big" not in [u.username for u in accounts.list_users(web.store, ADMIN)]


def _routes(routes):
    """Every route of the application, through included routers."""
    for r in routes:
        inner = getattr(r, "original_router", None)
        yield from _routes(inner.routes) if inner is not None else (r,)


def _parameters(dependant):
    yield from dependant.query_params
    yield from dependant.path_params
    for d in dependant.dependencies:
        yield from _parameters(d)


def test_every_number_a_request_carries_has_an_upper_bound(web):
    """The API fuzzer found page offsets without an upper bound: a 20-digit offset reached
    SQLite, which cannot hold it, and the request ended in a server error. A bound on every
    number in a query or path turns such input into a 422 before any service runs."""
    import annotated_types as at
    from fastapi.routing import APIRoute

    unbounded = []
    for route in _routes(web.app.routes):
        if not isinstance(route, APIRoute):
            continue
        for p in _parameters(route.dependant):
            if p.field_info.annotation in (int, float, int | None, float | None) and not any(
                    isinstance(m, (at.Le, at.Lt)) for m in p.field_info.metadata):
                unbounded.append(f"{route.path} {p.name}")
    assert not unbounded, unbounded


def test_a_page_offset_too_large_for_a_database_is_refused_as_input(web):
    api = web.client(Role.OFFICE)
    for path in ("/api/v1/market/results", "/api/v1/talent/people"):
        r = api.get(path, params={"offset": str(10**20)})
        assert r.status_code == 422, (path, r.status_code)
        assert r.json()["field"] == "offset"
        assert api.get(path, params={"offset": "0"}).status_code == 200
