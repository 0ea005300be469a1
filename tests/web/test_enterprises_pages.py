"""企业培育 pages: screening an uploaded registry, one enterprise explained, hostile uploads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from innodrive.services.actor import Role

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = (ROOT / "examples" / "enterprises" / "示例企业登记表.csv").read_bytes()
XSS_NAME = "<img src=x onerror=alert(1)>.csv"


def _screen(client, name: str = "示例企业登记表.csv", data: bytes = REGISTRY):
    return client.post("/enterprises/screenings", files={"file": (name, data)}, data={"on": "2024-06-30"})


def test_screening_shows_counts_problems_and_a_result_workbook(web):
    office = web.client(Role.OFFICE)
    r = _screen(office)
    assert r.status_code == 200
    assert "科技型中小企业" in r.text and "高新技术企业" in r.text
    assert "数据问题" in r.text  # the constructed registry holds one bad row
    staged = r.headers["hx-push-url"].rsplit("/", 1)[1]
    again = office.get(f"/enterprises/screenings/{staged}")
    assert again.status_code == 200 and again.text.count("<tr>") == r.text.count("<tr>")
    book = office.get(f"/enterprises/screenings/{staged}/result.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(book.content))
    assert len(wb.sheetnames) >= 2
    api = office.get(f"/api/v1/enterprises/screenings/{staged}").json()
    code = api["view"]["rows"][0]["credit_code"]
    page = office.get(f"/enterprises/screenings/{staged}/enterprises/{code}")
    assert page.status_code == 200 and "门槛" in page.text and "条款" in page.text
    explained = office.get(f"/api/v1/enterprises/screenings/{staged}/enterprises/{code}").json()
    conditions = [c for v in explained["explanation"]["verdicts"] for c in v["conditions"]]
    assert any(c["article"] for c in conditions) and any(c["threshold"] is not None for c in conditions)


def test_a_staged_registry_belongs_to_the_person_who_uploaded_it(web):
    office = web.client(Role.OFFICE)
    staged = _screen(office).headers["hx-push-url"].rsplit("/", 1)[1]
    other = web.client(Role.ADMIN)
    assert other.get(f"/enterprises/screenings/{staged}").status_code == 403  # role
    from innodrive.services import accounts
    from innodrive.services.actor import Actor

    colleague = Actor(username="t-admin", role=Role.ADMIN, via="web")
    accounts.add_user(web.store, colleague, username="office2", password="Other-pass-1", role="创新办", region="乐山市")
    signed = accounts.sign_in(web.store, username="office2", password="Other-pass-1")
    client = web.client(None)
    client.cookies.set("innodrive_session", signed.token)
    client.headers["X-CSRF-Token"] = signed.csrf
    r = client.get(f"/enterprises/screenings/{staged}")
    assert r.status_code == 404 and "不存在或已过期" in r.text


@pytest.mark.parametrize("name, data, status, message", [
    ("../../x.csv", REGISTRY, 400, "文件名不能包含路径"),
    ("..\\x.csv", REGISTRY, 400, "文件名不能包含路径"),
    ("registry.exe", REGISTRY, 400, "只接受 .csv、.xlsx"),
    ("empty.csv", b"", 400, "文件是空的"),
    ("fake.xlsx", b"this is not a workbook", 400, ""),
])
def test_hostile_uploads_are_refused_and_change_nothing(web, name, data, status, message):
    from sqlalchemy import func, select

    from innodrive.accounts.db import StagedUploadRow

    office = web.client(Role.OFFICE)
    r = _screen(office, name, data)
    assert r.status_code == status and message in r.text and "Traceback" not in r.text
    with web.store.read() as s:
        assert s.scalar(select(func.count()).select_from(StagedUploadRow)) == 0


def test_a_file_name_with_markup_is_shown_as_text(web):
    r = _screen(web.client(Role.OFFICE), XSS_NAME)
    assert r.status_code == 200
    assert XSS_NAME not in r.text and "&lt;img src=x onerror=alert(1)&gt;.csv" in r.text
