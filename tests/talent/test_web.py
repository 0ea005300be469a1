"""The talent pages and API over the real application: every talent route × every role
never shows an unmasked value without the right; a handling unit reaches only the
requests routed to it; imports name the bad row; unmasked views are audited under the
signed-in account."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from innodrive.services import accounts
from innodrive.services import talent as svc
from innodrive.services.access import can
from innodrive.services.actor import Actor, Role
from innodrive.store import audit
from innodrive.web.routes import ROUTES
from web.conftest import ACCOUNTS, PASSWORD, Web, make_accounts

from .helpers import FIRM, LESHAN, OFFICE, ident, person, wrong_check

NAMES = ("王示例", "欧阳示范")


@pytest.fixture
def initialised_db_url(tmp_path):
    """Rights are decided above the database: these checks run on SQLite only (storage on
    both backends is checked in test_privacy.py and the other modules)."""
    from innodrive.store.testing import initialised_database

    with initialised_database("sqlite", tmp_path) as url:
        yield url
PHONES = ("13812345671", "13812345672")
IDS = (ident("19800101", seq="101"), ident("19850615", seq="202"))
DESCRIPTION = "申请人才公寓，家属三人"
UNITS = {"t-zhujian": "市住建局", "t-jiaoyu": "市教育局"}


@pytest.fixture
def site(initialised_db_url):
    from innodrive.store import open_store

    store = open_store(initialised_db_url)
    make_accounts(store)
    operator = Actor.local_operator("test")
    for username, unit in UNITS.items():
        accounts.add_user(store, operator, username=username, password=PASSWORD, role=Role.UNIT, name=username,
                          region=LESHAN, unit=unit)
    from innodrive.enterprises.directory import Enterprise
    from innodrive.services.enterprise_directory import register_enterprises

    register_enterprises(store, operator, [Enterprise(credit_code=FIRM, name="乐山示例光电有限公司（构造）",
                                                      region_code="511102")])
    for name, birth, seq, phone in zip(NAMES, ("19800101", "19850615"), ("101", "202"), PHONES, strict=True):
        svc.register_talent(store, OFFICE, person(name, birth=birth, seq=seq, phone=phone), today=dt.date(2024, 6, 30))
    svc.issue_card(store, OFFICE, 1, on=dt.date(2021, 12, 15))
    svc.submit_request(store, OFFICE, 1, "housing", submitted_on=dt.date(2024, 6, 3), description=DESCRIPTION)
    svc.submit_request(store, OFFICE, 1, "schooling", submitted_on=dt.date(2024, 6, 3), description=DESCRIPTION)
    store.close()
    w = Web(initialised_db_url)
    yield w
    w.close()


def client_for(site: Web, username: str):
    from fastapi.testclient import TestClient

    c = TestClient(site.app, raise_server_exceptions=False, follow_redirects=False)
    signed = accounts.sign_in(site.store, username=username, password=PASSWORD)
    c.cookies.set("innodrive_session", signed.token)
    c.headers["X-CSRF-Token"] = signed.csrf
    return c


def _text_of(response) -> str:
    body = response.content
    if body[:2] == b"PK":  # an xlsx: read the cells
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")


FORMS = {  # what each talent POST sends: enough to get past validation
    "talent_personal": {"purpose": "核对身份"}, "talent_person_export": {"purpose": "本人申请"},
    "talent_export_personal": {"purpose": "报送"}, "talent_request_contact": {"purpose": "电话联系"},
    "talent_request_answer": {"outcome": "resolved", "answer": "已配租"},
    "talent_request_transfer": {"unit": "市人社局", "reason": "转办"}, "talent_request_withdraw": {"reason": "撤回"},
    "talent_request_rate": {"level": "4"}, "talent_card_revoke": {"reason": "离开本市"},
    "talent_request_submit": {"service": "medical", "description": "体检"},
    "talent_counts_publish": {"region": "乐山市", "years": "2022"}, "talent_erase": {"reason": "本人申请", "confirm": "T000002"},
}
PARAMS = {"number": "T000001", "request_id": "R000001", "card_number": "YC2021-00001"}
UNMASKING = {"talent_personal", "talent_person_export", "talent_export_personal", "talent_request_contact"}


@pytest.mark.parametrize("role", list(Role))
def test_no_talent_route_gives_an_unmasked_value_to_a_role_without_the_right(site, role):
    client = site.client(role)
    actor = Actor.public() if role == Role.PUBLIC else Actor(username=ACCOUNTS[role][0], role=role,
                                                             region_code=ACCOUNTS[role][1], unit=ACCOUNTS[role][2])
    talent_routes = [r for r in ROUTES.values() if r.name.startswith(("talent_", "api_talent_"))
                     and r.name not in ("talent_erase",)]
    assert len(talent_routes) >= 30
    ok: dict[str, str] = {}
    for rule in talent_routes:
        path = re.sub(r"\{(\w+)\}", lambda m: PARAMS[m[1]], rule.path)
        if rule.method == "GET":
            query = {"start": "2024-01-01", "end": "2024-12-31", "region": "乐山市", "years": "2022"}
            response = client.get(path, params=query if rule.name.startswith("api_") else None)
        elif rule.kind == "api":
            body = {"service": "medical", "outcome": "resolved", "answer": "已配租"}
            response = client.post(path, json=body)
        else:
            response = client.post(path, data=FORMS.get(rule.name, {}))
        assert response.status_code < 500, (rule.name, role, response.status_code, response.text[:300])
        text = _text_of(response)
        if response.status_code < 300:
            ok[rule.name] = text
        allowed = can(actor, rule.permission)
        if not (allowed and rule.name in UNMASKING):
            leaked = [s for s in NAMES + PHONES + IDS if s in text]
            assert leaked == [], (rule.name, role, leaked)
        if not can(actor, "talent.requests.handle"):
            assert DESCRIPTION not in text, (rule.name, role)
    if role == Role.OFFICE:  # the check above is not vacuous: the office does receive unmasked data
        assert IDS[0] in ok["talent_personal"] and IDS[0] in ok["talent_export_personal"]
        assert PHONES[0] in ok["talent_request_contact"] and "王*例" in ok["talent_list"]
        assert len(ok) >= 25, sorted(set(r.name for r in talent_routes) - set(ok))
    if role == Role.PUBLIC:
        assert ok == {}


def test_a_handling_unit_sees_only_its_requests_and_the_contact_of_an_open_one(site):
    housing, school = client_for(site, "t-zhujian"), client_for(site, "t-jiaoyu")
    page = housing.get("/talent/requests")
    assert page.status_code == 200 and "R000001" in page.text and "R000002" not in page.text
    assert "市住建局" in page.text and "王*例" in page.text and NAMES[0] not in page.text
    assert [r["number"] for r in housing.get("/api/v1/talent/requests").json()] == ["R000001"]
    assert school.get("/talent/requests/R000001").status_code == 404
    assert housing.get("/talent/requests/R000001").status_code == 200
    contact = housing.post("/talent/requests/R000001/contact", data={"purpose": "电话联系看房"},
                           headers={"HX-Request": "true"})
    assert contact.status_code == 200 and PHONES[0] in contact.text
    answered = housing.post("/talent/requests/R000001/answer", data={"outcome": "resolved", "answer": "已配租"})
    assert answered.status_code == 200 and "已办结" in answered.text
    again = housing.post("/talent/requests/R000001/contact", data={"purpose": "回访"}, headers={"HX-Request": "true"})
    assert again.status_code == 403 and PHONES[0] not in again.text
    assert housing.get("/talent/people").status_code == 403  # a unit has no access to the register
    with site.store.read() as s:
        views = [e for e in audit.entries(s) if e.action == "talent.view_personal"]
    assert [e.actor for e in views] == ["t-zhujian"] and "R000001" in views[0].summary


def test_the_office_imports_through_the_page_and_sees_the_bad_row_named(site):
    office = site.client(Role.OFFICE)
    header = "姓名,证件号码,统一社会信用代码,人才类别,到岗日期,引进方式\n"
    good = f"李示新,{ident('19910101', seq='777')},{FIRM},E,2023-01-01,全职\n"
    bad = f"赵示坏,{wrong_check(ident('19920202', seq='888'))},{FIRM},E,2023-01-01,全职\n"
    r = office.post("/talent/people/import", data={"action": "import"}, headers={"HX-Request": "true"},
                    files={"file": ("人才登记表.csv", (header + good + bad).encode(), "text/csv")})
    assert r.status_code == 422 and r.headers["hx-retarget"] == "#flash"
    assert "第 3 行" in r.text and "校验位错误" in r.text
    r = office.post("/talent/people/import", data={"action": "preview"},
                    files={"file": ("人才登记表.csv", (header + good).encode(), "text/csv")})
    assert r.status_code == 200 and "预览" in r.text and "新增 1 人" in r.text
    assert svc.list_talents(site.store, OFFICE).total == 2
    r = office.post("/talent/people/import", data={"action": "import"},
                    files={"file": ("人才登记表.csv", (header + good).encode(), "text/csv")})
    assert r.status_code == 200 and "已导入" in r.text and svc.list_talents(site.store, OFFICE).total == 3
    api = office.get("/api/v1/talent/people").json()
    assert api["total"] == 3 and all(i["masked"] for i in api["items"])


def test_the_person_page_explains_the_card_and_the_personal_view_is_audited(site):
    office = site.client(Role.OFFICE)
    page = office.get("/talent/people/T000001")
    assert page.status_code == 200
    assert "王*例" in page.text and IDS[0] not in page.text and "英才卡A卡" in page.text
    assert "card-a" in page.text and "示例" in page.text and "人才安居" in page.text
    shown = office.post("/talent/people/T000001/personal", data={"purpose": "办理落户核对身份"},
                        headers={"HX-Request": "true"})
    assert shown.status_code == 200 and IDS[0] in shown.text and shown.headers["cache-control"] == "no-store"
    refused = office.post("/talent/people/T000001/personal", data={"purpose": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 400 and "用途" in refused.text
    county = site.client(Role.COUNTY)
    assert county.get("/talent/people/T000001").status_code == 200
    assert county.post("/talent/people/T000001/personal", data={"purpose": "看看"}).status_code == 403
    with site.store.read() as s:
        [entry] = [e for e in audit.entries(s) if e.action == "talent.view_personal"]
    assert entry.actor == "t-office" and "办理落户核对身份" in entry.summary


def test_figures_counts_and_rules_pages(site):
    evaluator = site.client(Role.EVALUATOR)
    figures = evaluator.get("/talent/figures", params={"start": "2024-01-01", "end": "2024-12-31"})
    assert figures.status_code == 200 and "市住建局" in figures.text and "国办发〔2019〕51号" in figures.text
    counts = evaluator.get("/talent/counts", params={"region": "乐山市", "years": "2021-2023"})
    assert counts.status_code == 200 and "顶尖人才和科技领军人才数量" in counts.text and "示例" in counts.text
    assert site.client(Role.NPC).get("/talent/rules").status_code == 200
    office = site.client(Role.OFFICE)
    published = office.post("/talent/counts", data={"region": "乐山市", "years": "2021-2023"})
    assert published.status_code == 200 and "已写入指标数据" in published.text
