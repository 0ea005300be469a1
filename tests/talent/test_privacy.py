"""Personal data under the 个人信息保护法: nothing in plain text at rest (raw SQLite bytes,
raw PostgreSQL values), unmasked views and exports audited under the real user, a
person's copy and erasure with the counts kept."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from innodrive.errors import Forbidden, InputError
from innodrive.services import talent as svc
from innodrive.store import audit
from innodrive.talent import crypto

from .helpers import HOUSING, KEY, OFFICE, OTHER_KEY, ident, person

TODAY = dt.date(2024, 6, 30)
PEOPLE = [
    dict(name="王示例", birth="19800101", seq="101", phone="13812345671", email="wang.example@example.org"),
    dict(name="欧阳示范", birth="19850615", seq="202", phone="13812345672", email="ouyang@example.org"),
    dict(name="Maria Example", birth="19720229", seq="303", phone="+4915112345678", email="maria@example.org"),
]
DESCRIPTION = "申请人才公寓，家属三人，联系人配偶示范甲"
ANSWER = "已配租人才公寓3栋2单元"


def _secrets() -> list[str]:
    out = []
    for p in PEOPLE:
        out += [ident(p["birth"], seq=p["seq"]), p["name"], p["phone"], p["email"]]
    return out + [DESCRIPTION, ANSWER]


@pytest.fixture
def populated(store):
    ids = []
    for p in PEOPLE:
        r = svc.register_talent(store, OFFICE, person(p["name"], birth=p["birth"], seq=p["seq"], phone=p["phone"],
                                                      email=p["email"]), today=TODAY)
        ids.append(r.talent.id)
    svc.issue_card(store, OFFICE, ids[0], on=dt.date(2024, 1, 2))
    r = svc.submit_request(store, OFFICE, ids[0], "housing", submitted_on=dt.date(2024, 3, 1), description=DESCRIPTION)
    svc.answer_request(store, HOUSING, r.id, outcome="resolved", answer=ANSWER, on=dt.date(2024, 3, 20))
    svc.view_personal(store, OFFICE, ids[1], purpose="办理落户核对身份")
    return ids


def _database_files(store) -> list[Path]:
    db = Path(store.engine.url.database)
    return [p for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal")) if p.exists()]


def test_no_personal_value_is_in_the_database_in_plain_text(store, populated):
    secrets = _secrets()
    if store.dialect == "sqlite":
        store.close()  # flush everything into the files we read
        raw = b"".join(p.read_bytes() for p in _database_files(store))
        assert len(raw) > 100_000
        for s in secrets:
            for enc in ("utf-8", "utf-16-le", "utf-16-be"):
                assert s.encode(enc) not in raw, s
        # the 18-digit ID numbers as digits only, in any column or page
        assert ident(PEOPLE[0]["birth"], seq=PEOPLE[0]["seq"])[:17].encode() not in raw
    # every column of every table, as the database returns it (on PostgreSQL the raw values)
    with store.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        assert "talent_people" in tables
        seen = 0
        for t in tables:
            for row in conn.execute(text(f'SELECT * FROM "{t}"')):
                blob = " ".join(str(v) for v in row)
                seen += 1
                for s in secrets:
                    assert s not in blob, (t, s)
        assert seen > 3000  # regions, audit log, talent tables …
        ciphertexts = conn.execute(text("SELECT id_number_enc FROM talent_people")).scalars().all()
        assert len(ciphertexts) == 3 and all(c.startswith("v1.") for c in ciphertexts)


def test_unmasked_views_and_exports_are_audited_under_the_real_user(store, populated, tmp_path):
    masked = tmp_path / "名单.xlsx"
    plain = tmp_path / "名单（未脱敏）.csv"
    svc.export_talents(store, OFFICE, masked)
    result = svc.export_talents(store, OFFICE, plain, unmasked=True, purpose="报送省委人才办")
    assert result.rows == 3 and not result.masked
    from openpyxl import load_workbook

    cells = " ".join(str(c.value) for row in load_workbook(masked).active.iter_rows() for c in row)
    assert all(s not in cells for s in _secrets()) and "王*例" in cells
    content = plain.read_text(encoding="utf-8-sig")
    assert ident(PEOPLE[0]["birth"], seq=PEOPLE[0]["seq"]) in content and "欧阳示范" in content
    open_request = svc.submit_request(store, OFFICE, populated[0], "housing", submitted_on=dt.date(2024, 6, 3))
    contact = svc.request_contact(store, HOUSING, open_request.id, purpose="电话联系看房时间")
    assert (contact.name, contact.phone) == ("王示例", "13812345671")
    with store.read() as s:
        entries = audit.entries(s)
    personal = [e for e in entries if e.action in ("talent.view_personal", "talent.export_personal")]
    assert [(e.actor, e.action) for e in personal] == [
        ("rencaiban", "talent.view_personal"), ("rencaiban", "talent.export_personal"),
        ("zhujian", "talent.view_personal")]
    assert "用途：办理落户核对身份" in personal[0].summary and personal[0].entity_id == "2"
    assert "3 人" in personal[1].summary and "报送省委人才办" in personal[1].summary
    assert "R000002" in personal[2].summary
    for e in entries:  # the log itself never holds the data
        assert all(s not in e.summary + json.dumps(e.before or {}, ensure_ascii=False)
                   + json.dumps(e.after or {}, ensure_ascii=False) for s in _secrets())


def test_a_purpose_is_required_and_a_unit_cannot_see_the_contact_once_answered(store, populated):
    with pytest.raises(InputError, match="须写明用途"):
        svc.view_personal(store, OFFICE, 1, purpose=" ")
    with pytest.raises(Forbidden, match="申请已办结"):
        svc.request_contact(store, HOUSING, 1, purpose="回访")


def test_a_person_gets_a_copy_of_their_record(store, populated, tmp_path):
    path = svc.export_person(store, OFFICE, populated[0], tmp_path / "本人信息.json", purpose="本人书面申请查阅复制")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["个人信息"]["证件号码"] == ident("19800101", seq="101") and data["个人信息"]["姓名"] == "王示例"
    assert data["英才卡"][0]["卡号"] == "YC2024-00001"
    assert data["服务申请"][0]["申请内容"] == DESCRIPTION and data["服务申请"][0]["答复内容"] == ANSWER
    assert "第四十五条" in data["说明"]
    with store.read() as s:
        assert audit.entries(s)[-1].action == "talent.export_personal"


def test_erasure_deletes_the_person_and_keeps_the_counts_and_the_unit_figures(store, populated):
    years = [2021, 2022, 2023]
    before = svc.talent_counts(store, OFFICE, region="乐山市", years=years)
    figures_before = svc.unit_figures(store, OFFICE, start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30),
                                      as_of=TODAY)
    report = svc.erase_person(store, OFFICE, populated[0], reason="本人2024年6月30日书面申请删除")
    assert (report.cards_deleted, report.requests_anonymised, report.spells_retained) == (1, 1, 1)
    after = svc.talent_counts(store, OFFICE, region="乐山市", years=years)
    assert after.indicators == before.indicators and after.cells == before.cells
    assert svc.unit_figures(store, OFFICE, start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30),
                            as_of=TODAY).units == figures_before.units
    assert svc.list_talents(store, OFFICE).total == 2
    [req] = svc.list_requests(store, OFFICE, as_of=TODAY)
    assert req.applicant == "（已删除）" and req.anonymised and req.talent_number is None
    assert svc.get_request(store, OFFICE, req.id).description is None
    with store.engine.connect() as conn:
        for t in ("talent_people", "talent_cards", "talent_card_events", "talent_categories", "talent_requests",
                  "talent_request_events", "audit_log"):
            for row in conn.execute(text(f'SELECT * FROM "{t}"')):
                blob = " ".join(str(v) for v in row)
                assert "YC2024-00001" not in blob or t == "audit_log", t
    with store.read() as s:
        assert audit.entries(s)[-1].summary.startswith("按本人要求删除人才 T000001 的个人信息")


def test_a_missing_key_stops_personal_work_with_a_clear_message(store, populated, monkeypatch):
    monkeypatch.delenv("INNODRIVE_TALENT_KEY")
    with pytest.raises(crypto.KeyProblem, match="未配置人才个人信息加密密钥") as exc:
        svc.list_talents(store, OFFICE)
    assert exc.value.http_status == 503
    monkeypatch.setenv("INNODRIVE_TALENT_KEY", OTHER_KEY)
    with pytest.raises(crypto.KeyProblem, match="另一把密钥加密"):
        svc.list_talents(store, OFFICE)


def test_rotating_the_key(store, populated, monkeypatch):
    monkeypatch.setenv("INNODRIVE_TALENT_KEY", OTHER_KEY)
    monkeypatch.setenv("INNODRIVE_TALENT_OLD_KEYS", KEY)
    report = svc.rekey_personal_data(store, OFFICE)
    assert (report.people, report.requests) == (3, 1)
    monkeypatch.delenv("INNODRIVE_TALENT_OLD_KEYS")
    assert svc.view_personal(store, OFFICE, 2, purpose="核对").name == "欧阳示范"
    assert svc.find_talent(store, OFFICE, ident("19850615", seq="202")).number == "T000002"
    assert svc.get_request(store, OFFICE, 1).answer == ANSWER
