"""Accounts: adding, signing in, limits, sessions and tokens — service, CLI and pages."""

from __future__ import annotations

import io

import pytest

from innodrive.errors import Conflict, Forbidden, InputError, NotAuthenticated
from innodrive.services import accounts
from innodrive.services.actor import Actor, Role

from .conftest import ACCOUNTS, PASSWORD

ADMIN = Actor(username="t-admin", role=Role.ADMIN, via="web", user_id=1)


def test_add_user_checks_rights_scope_and_password(web):
    store = web.store
    office = accounts.actor_for_username(store, "t-office", via="web")
    with pytest.raises(Forbidden, match="无权管理用户账号"):
        accounts.add_user(store, office, username="x", password="abcdef123", role="创新办")
    with pytest.raises(InputError, match="至少需要 8 个字符"):
        accounts.add_user(store, ADMIN, username="x", password="a1", role="创新办")
    with pytest.raises(InputError, match="必须指定所属单位"):
        accounts.add_user(store, ADMIN, username="x", password="abcdef123", role="责任单位")
    with pytest.raises(InputError, match="公众无需账号"):
        accounts.add_user(store, ADMIN, username="x", password="abcdef123", role="公众")
    with pytest.raises(InputError, match="地区"):
        accounts.add_user(store, ADMIN, username="x", password="abcdef123", role="区县", region="不存在的县")
    with pytest.raises(Conflict, match="已存在"):
        accounts.add_user(store, ADMIN, username="t-office", password="abcdef123", role="创新办")
    view = accounts.add_user(store, ADMIN, username="ls-jx", password="abcdef123", role="责任单位", region="乐山市",
                             unit="市经信局", name="经信局小王")
    assert (view.role, view.region_code, view.region_name, view.unit) == (Role.UNIT, "511100", "乐山市", "市经信局")
    stored = accounts.list_users(store, ADMIN)
    assert "ls-jx" in [u.username for u in stored]
    # the hash, never the password, is stored
    from sqlalchemy import select

    from innodrive.accounts.db import UserRow

    with store.read() as s:
        h = s.scalar(select(UserRow.password_hash).where(UserRow.username == "ls-jx"))
    assert h.startswith("$argon2id$") and "abcdef123" not in h
    from innodrive.store import audit

    with store.read() as s:
        entries = audit.entries(s, entity="user")
    assert any(e.action == "user.add" and e.actor == "t-admin" and "ls-jx" in e.summary for e in entries)


def test_sign_in_refuses_wrong_password_alike_and_limits_failures(web, monkeypatch):
    store = web.store
    monkeypatch.setenv("INNODRIVE_LOGIN_MAX_FAILURES", "3")
    with pytest.raises(NotAuthenticated, match="用户名或密码不正确"):
        accounts.sign_in(store, username="nobody", password="whatever1")
    for _ in range(3):
        with pytest.raises(NotAuthenticated, match="用户名或密码不正确"):
            accounts.sign_in(store, username="t-office", password="wrong-pass1")
    with pytest.raises(Forbidden, match="15 分钟后再试") as refused:
        accounts.sign_in(store, username="t-office", password=PASSWORD)  # even the right password
    assert refused.value.http_status == 429
    # another account is not blocked by these failures
    assert accounts.sign_in(store, username="t-unit", password=PASSWORD).actor.unit == "市经信局"


def test_the_limit_holds_across_two_server_processes(web, monkeypatch):
    """Failures are counted in the database: a second application (another worker) sees them."""
    from .conftest import Web

    monkeypatch.setenv("INNODRIVE_LOGIN_MAX_FAILURES", "2")
    other = Web(web.url)
    try:
        for app in (web, other):
            client = app.client(None)
            r = client.post("/login", data={"username": "t-npc", "password": "wrong-pass1",
                                            "csrf_token": client.headers["X-CSRF-Token"]})
            assert r.status_code == 401 and "用户名或密码不正确" in r.text
        client = web.client(None)
        r = client.post("/login", data={"username": "t-npc", "password": PASSWORD,
                                        "csrf_token": client.headers["X-CSRF-Token"]})
        assert r.status_code == 429 and "登录失败次数过多" in r.text
    finally:
        other.close()


def test_session_cookie_is_httponly_samesite_and_signing_out_ends_it(web):
    client = web.client(None)
    r = client.post("/login", data={"username": "t-office", "password": PASSWORD, "next": "/account",
                                    "csrf_token": client.headers["X-CSRF-Token"]})
    assert r.status_code == 303 and r.headers["location"] == "/account"
    cookie = r.headers["set-cookie"]
    assert "innodrive_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/account")
    assert page.status_code == 200 and "t-office" in page.text and "乐山市" in page.text
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    del client.headers["X-CSRF-Token"]  # the anonymous token of the sign-in form is no longer valid
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    r = client.post("/logout", data={"csrf_token": csrf})
    assert r.status_code == 303
    client.cookies.set("innodrive_session", cookie.split(";")[0].split("=", 1)[1])
    assert client.get("/account").status_code == 303  # the old cookie no longer signs anyone in


def test_next_never_leads_off_the_site(web):
    for target in ("//evil.example/x", "http://evil.example/", "/\\evil"):
        client = web.client(None)
        r = client.post("/login", data={"username": "t-office", "password": PASSWORD, "next": target,
                                        "csrf_token": client.headers["X-CSRF-Token"]})
        assert r.headers["location"] == "/"


def test_disabling_an_account_ends_its_sessions_and_tokens(web):
    client = web.client(Role.COUNTY)
    issued = accounts.issue_token(web.store, ADMIN, "t-county", label="脚本")
    api = web.client(None)
    api.headers["Authorization"] = f"Bearer {issued.token}"
    assert api.get("/api/v1/me").json()["region_code"] == "511102"
    assert client.get("/account").status_code == 200
    accounts.set_active(web.store, ADMIN, "t-county", False)
    assert client.get("/account").status_code == 303
    r = api.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["message"] == "接口令牌无效、已过期或已吊销"
    with pytest.raises(Forbidden, match="已停用"):
        accounts.sign_in(web.store, username="t-county", password=PASSWORD)
    accounts.set_active(web.store, ADMIN, "t-county", True)
    assert api.get("/api/v1/me").status_code == 200
    assert accounts.revoke_tokens(web.store, ADMIN, "t-county") == 1
    assert api.get("/api/v1/me").status_code == 401


def test_a_token_acts_only_on_the_api_with_its_accounts_rights(web):
    issued = accounts.issue_token(web.store, ADMIN, "t-unit")
    api = web.client(None)
    api.headers["Authorization"] = f"Bearer {issued.token}"
    assert api.get("/api/v1/me").json() == {"username": "t-unit", "name": "t-unit", "role": "unit",
                                            "role_name": "责任单位", "region_code": "511100", "unit": "市经信局"}
    r = api.get("/api/v1/users")
    assert r.status_code == 403 and "无权管理用户账号" in r.json()["message"]
    # a page ignores the header: a token is not a browser session
    assert api.get("/account").status_code == 303


def test_cli_users_commands(initialised_db_url, monkeypatch, capsys):
    from innodrive.cli import main

    monkeypatch.setenv("INNODRIVE_DATABASE_URL", initialised_db_url)
    monkeypatch.delenv("INNODRIVE_USER", raising=False)

    def run(*args, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return main(list(args))

    assert run("users", "add", "boss", "--role", "管理员", "--password-stdin", "--by", "operator",
               stdin="Chief-pass-1\n") == 0
    assert run("users", "add", "ls", "--role", "创新办", "--region", "乐山", "--password-stdin", "--by", "boss",
               stdin="Office-pass-1\n") == 0
    assert "已新增账号 ls（创新办，乐山市）" in capsys.readouterr().out
    # an operator who is a registered account acts with its rights: the office may not manage accounts
    assert run("users", "add", "x", "--role", "区县", "--region", "511102", "--password-stdin", "--by", "ls",
               stdin="County-pass-1\n") == 5
    assert "无权管理用户账号" in capsys.readouterr().err
    assert run("users", "token", "ls", "--label", "导入脚本", "--days", "30", "--by", "boss") == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("idv_")
    assert run("users", "list", "--by", "boss") == 0
    listing = capsys.readouterr().out
    assert "ls" in listing and "乐山市" in listing
    assert run("users", "reset-password", "ls", "--password-stdin", "--by", "boss", stdin="short\n") == 2
    assert "至少需要 8 个字符" in capsys.readouterr().err
    assert run("users", "disable", "ls", "--by", "boss") == 0
    from innodrive.store import open_store

    store = open_store(initialised_db_url)
    try:
        assert accounts.token_actor(store, token) is None
    finally:
        store.close()
    assert ACCOUNTS  # the shared fixture accounts are not involved here
