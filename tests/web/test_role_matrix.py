"""Every route × every role: allowed or refused exactly as the route table declares.

The table (``innodrive.web.routes.ROUTES``) names each route's permission; the rights
table (``innodrive.services.access``) says which roles hold it. Here every declared
route is requested by a signed-in account of every role (and by the public, with no
sign-in) and the answer must match: refused means 401/403 (or, for a page, being sent
to the sign-in page); allowed means anything else — including 400/404/422, which are
the answers of a handler that ran and found the input wanting.
"""

from __future__ import annotations

import re

import pytest

from innodrive.services import access
from innodrive.services.actor import Actor, Role
from innodrive.web.app import served_routes
from innodrive.web.routes import FRAMEWORK_ROUTES, ROUTES

from .conftest import ACCOUNTS

# values for path parameters: ids that do not exist (a handler that runs answers 404)
SAMPLE = {"summary_id": "999999", "username": "nobody", "target_id": "999999", "plan_id": "999999",
          "task_id": "999999", "report_id": "999999", "version": "1", "number": "1", "staged_id": "0" * 32,
          "index": "0", "code": "0" * 18, "request_id": "999999", "card_number": "YC0000-99999",
          "sha256": "0" * 64,
          "result_id": "999999", "demand_id": "999999", "pairing_id": "999999", "kind": "result",
          "cycle_id": "999999", "framework_id": "999999", "appeal_id": "999999",
          "unit": "nobody", "fmt": "pdf",
          "notice_id": "999999", "campaign_id": "999999", "item_id": "999999",
          "rect_id": "999999", "sample_id": "999999", "snapshot_id": "999999", "period": "2024Q2"}


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: SAMPLE[m[1]], template)


def _actor(role: Role) -> Actor:
    if role == Role.PUBLIC:
        return Actor.public()
    username, region, unit = ACCOUNTS[role]
    return Actor(username=username, role=role, region_code=region, unit=unit, via="web")


def _refused(response) -> bool:
    """The guard refused on the role (a handler's own 401/403 — a wrong password — is not that)."""
    refusal = response.headers.get("x-innodrive-refusal")
    assert refusal != "csrf", "the matrix clients carry their CSRF token"
    if refusal == "role":
        assert response.status_code in (401, 403, 303)
        return True
    return False


def test_every_route_of_the_application_is_declared(web):
    declared = {(r.method, r.path) for r in ROUTES.values()}
    served = set()
    for route in served_routes(web.app):
        for method in route.methods - {"HEAD"}:
            served.add((method, route.path))
        assert route.name in ROUTES or route.path in FRAMEWORK_ROUTES, f"undeclared route {route.path}"
    undeclared = {s for s in served if s[1] not in FRAMEWORK_ROUTES} - declared
    assert undeclared == set()
    assert declared - served == set(), "declared routes without a handler"
    for r in ROUTES.values():
        assert r.permission in access.PERMISSIONS, r.name


def test_every_route_times_every_role(web):
    clients = {role: web.client(role) for role in Role}
    mismatches = []
    checked = 0
    # signing out ends the client's session, so it goes last
    for rule in sorted(ROUTES.values(), key=lambda r: r.name == "logout"):
        for role, client in clients.items():
            expected = access.can(_actor(role), rule.permission)
            response = client.request(rule.method, _path(rule.path), data={} if rule.method == "POST" else None)
            assert response.status_code < 500, (rule.name, role, response.status_code, response.text[:300])
            refused = _refused(response)
            checked += 1
            if refused == expected:
                mismatches.append((rule.name, role.value, response.status_code, "refused" if refused else "allowed"))
    assert mismatches == []
    assert checked == len(ROUTES) * len(Role)


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.UNIT])
def test_a_refusal_is_a_clear_chinese_message_not_a_blank_page(web, role):
    client = web.client(role)
    r = client.get("/admin/users")
    if role == Role.PUBLIC:
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/admin/users"
        assert r.headers["x-innodrive-refusal"] == "role"
        r = client.get("/api/v1/users")
        assert r.status_code == 401 and r.json()["message"] == "请先登录"
    else:
        assert r.status_code == 403
        assert "无权管理用户账号" in r.text and "<nav" in r.text
        assert r.headers["content-type"].startswith("text/html")
