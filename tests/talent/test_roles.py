"""Every talent service × every role: who may call it, and that a role without the right
never receives an unmasked value (a name, an ID number, a phone number, an e-mail or a
request's content) — neither in a returned object nor in a written file."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import pytest

from innodrive.errors import InnodriveError
from innodrive.services import talent as svc
from innodrive.services.access import can
from innodrive.services.actor import Actor, Role

from .helpers import FIRM, LESHAN, OFFICE, SHIZHONG, ident, person

TODAY = dt.date(2024, 6, 30)


@pytest.fixture
def initialised_db_url(tmp_path):
    """Rights are decided above the database: these checks run on SQLite only (storage on
    both backends is checked in test_privacy.py and the other modules)."""
    from innodrive.store.testing import initialised_database

    with initialised_database("sqlite", tmp_path) as url:
        yield url
NAMES = ("王示例", "欧阳示范")
PHONES = ("13812345671", "13812345672")
EMAILS = ("wang.example@example.org", "ouyang@example.org")
IDS = (ident("19800101", seq="101"), ident("19850615", seq="202"))
DESCRIPTION = "申请人才公寓，家属三人"

ACTORS = {
    Role.ADMIN: Actor(username="admin", role=Role.ADMIN, via="web"),
    Role.OFFICE: OFFICE,
    Role.UNIT: Actor(username="zhujian", role=Role.UNIT, region_code=LESHAN, unit="市住建局", via="web"),
    Role.COUNTY: Actor(username="shizhong", role=Role.COUNTY, region_code=SHIZHONG, via="web"),
    Role.EVALUATOR: Actor(username="pinggu", role=Role.EVALUATOR, region_code=LESHAN, via="web"),
    Role.REVIEWER: Actor(username="zhuanjia", role=Role.REVIEWER, via="web"),
    Role.NPC: Actor(username="renda", role=Role.NPC, region_code=LESHAN, via="web"),
    Role.PUBLIC: Actor.public(),
}

# Each public function: (the permission it needs, whether it may return unmasked data
# to a holder of that permission, and how to call it).
CSV = ("姓名,证件号码,工作单位,统一社会信用代码,人才类别,到岗日期,引进方式\n"
       f"张示新,{ident('19900909', seq='909')},,{FIRM},E,2023-01-01,全职\n").encode()


def calls(tmp: Path):
    return {
        "register_talent": ("talent.write", False, lambda s, a: svc.register_talent(s, a, person("李示新", birth="19910101", seq="777"), today=TODAY)),
        "update_talent": ("talent.write", False, lambda s, a: svc.update_talent(s, a, 1, {"phone": "13900000000"},
                                                                            today=TODAY)),
        "import_talents": ("talent.write", False, lambda s, a: svc.import_talents(s, a, CSV, name="t.csv", today=TODAY)),
        "list_talents": ("talent.read", False, lambda s, a: svc.list_talents(s, a)),
        "get_talent": ("talent.read", False, lambda s, a: svc.get_talent(s, a, 1, on=TODAY)),
        "view_personal": ("talent.personal", True, lambda s, a: svc.view_personal(s, a, 1, purpose="核对身份")),
        "find_talent": ("talent.read", False, lambda s, a: svc.find_talent(s, a, IDS[0])),
        "find_duplicates": ("talent.read", False, lambda s, a: svc.find_duplicates(s, a)),
        "export_talents": ("talent.read", False, lambda s, a: svc.export_talents(s, a, tmp / f"{a.username}.csv")),
        "export_talents(unmasked)": ("talent.personal", True, lambda s, a: svc.export_talents(s, a, tmp / f"{a.username}-plain.csv", unmasked=True, purpose="报送")),
        "export_person": ("talent.personal", True, lambda s, a: svc.export_person(s, a, 1, tmp / f"{a.username}.json",
                                                                             purpose="本人申请")),
        "card_decision": ("talent.read", False, lambda s, a: svc.card_decision(s, a, 1, on=TODAY)),
        "issue_card": ("talent.write", False, lambda s, a: svc.issue_card(s, a, 2, on=TODAY)),
        "list_cards": ("talent.read", False, lambda s, a: svc.list_cards(s, a, on=TODAY)),
        "submit_request": ("talent.write", False, lambda s, a: svc.submit_request(s, a, 1, "medical",
                                                                               submitted_on=TODAY, description="体检")),
        "list_requests": ("talent.requests.handle", False, lambda s, a: svc.list_requests(s, a, as_of=TODAY)),
        "get_request": ("talent.requests.handle", False, lambda s, a: svc.get_request(s, a, 1, as_of=TODAY)),
        "request_contact": ("talent.requests.contact", True, lambda s, a: svc.request_contact(s, a, 1, purpose="电话联系")),
        "answer_request": ("talent.requests.handle", False, lambda s, a: svc.answer_request(s, a, 1, outcome="resolved", answer="已配租", on=TODAY)),
        "transfer_request": ("talent.write", False, lambda s, a: svc.transfer_request(s, a, 3, unit="市人社局", reason="转办",
                                                                                   on=TODAY)),
        "withdraw_request": ("talent.write", False, lambda s, a: svc.withdraw_request(s, a, 3, reason="本人撤回", on=TODAY)),
        "rate_request": ("talent.write", False, lambda s, a: svc.rate_request(s, a, 2, level=4, on=TODAY)),
        "renew_card": ("talent.write", False, lambda s, a: svc.renew_card(s, a, "YC2021-00001", on=dt.date(2026, 11, 30))),
        "revoke_card": ("talent.write", False, lambda s, a: svc.revoke_card(s, a, "YC2021-00001", reason="离开本市", on=TODAY)),
        "escalate_overdue": ("talent.write", False, lambda s, a: svc.escalate_overdue(s, a, as_of=TODAY)),
        "unit_figures": ("talent.figures", False, lambda s, a: svc.unit_figures(s, a, start=dt.date(2024, 1, 1), end=TODAY)),
        "talent_counts": ("talent.counts", False, lambda s, a: svc.talent_counts(s, a, region="乐山市市中区", years=[2023])),
        "publish_counts": ("talent.counts.publish", False, lambda s, a: svc.publish_counts(s, a, region="乐山市市中区", years=[2023], today=TODAY)),
        "current_rules": (None, False, lambda s, a: svc.current_rules(s, a, on=TODAY)),
        "rekey_personal_data": ("talent.personal", False, lambda s, a: svc.rekey_personal_data(s, a)),
        "erase_person": ("talent.erase", False, lambda s, a: svc.erase_person(s, a, 2, reason="本人申请删除", on=TODAY)),
    }


def test_every_public_service_function_is_covered(tmp_path):
    public = {name for name in svc.__all__ if inspect.isfunction(getattr(svc, name))}
    covered = {name.split("(")[0] for name in calls(tmp_path)}
    assert public == covered


@pytest.fixture
def world(store):
    for name, birth, seq, phone, email in zip(NAMES, ("19800101", "19850615"), ("101", "202"), PHONES, EMAILS,
                                              strict=True):
        svc.register_talent(store, OFFICE, person(name, birth=birth, seq=seq, phone=phone, email=email), today=TODAY)
    svc.issue_card(store, OFFICE, 1, on=dt.date(2021, 12, 15))  # valid to 2026-12-14: renewable from 2026-09-15
    svc.submit_request(store, OFFICE, 1, "housing", submitted_on=dt.date(2024, 6, 3), description=DESCRIPTION)
    svc.submit_request(store, OFFICE, 1, "schooling", submitted_on=dt.date(2024, 6, 3), description=DESCRIPTION)
    svc.answer_request(store, Actor(username="jiaoyu", role=Role.UNIT, region_code=LESHAN, unit="市教育局"), 2,
                       outcome="resolved", answer="已安排入学", on=dt.date(2024, 6, 10))
    return store


@pytest.mark.parametrize("role", list(Role))
def test_a_role_without_the_right_never_receives_an_unmasked_value(world, role, tmp_path):
    actor = ACTORS[role]
    plain = NAMES + PHONES + EMAILS + IDS
    returned: dict[str, bool] = {}
    for name, (permission, unmasks, call) in calls(tmp_path).items():
        before = set(tmp_path.iterdir())
        try:
            result = call(world, actor)
            text = result.model_dump_json() if hasattr(result, "model_dump_json") else str(result)
            if isinstance(result, list):
                text = " ".join(r.model_dump_json() for r in result)
            ok = True
        except InnodriveError as exc:
            text, ok = str(exc), False
        except TypeError:
            raise
        for f in set(tmp_path.iterdir()) - before:
            text += f.read_bytes().decode("utf-8", errors="replace")
            if f.suffix == ".xlsx":
                from openpyxl import load_workbook

                text += " ".join(str(c.value) for row in load_workbook(f).active.iter_rows() for c in row)
        returned[name] = ok
        allowed = permission is None or can(actor, permission)
        if ok:
            assert allowed or role == Role.ADMIN and permission is None, (role, name)
        if not (allowed and unmasks):
            leaked = [s for s in plain if s in text]
            assert leaked == [], (role, name, leaked)
        if not can(actor, "talent.requests.handle"):
            assert DESCRIPTION not in text, (role, name)
    # the office, which holds every talent right, could do everything
    if role == Role.OFFICE:
        assert [n for n, ok in returned.items() if not ok] == []
    if role == Role.PUBLIC:
        assert not any(returned.values())
    done = {n for n, ok in returned.items() if ok}
    if role == Role.UNIT:
        assert done == {"list_requests", "get_request", "request_contact", "answer_request", "unit_figures",
                        "current_rules"}
    if role == Role.COUNTY:
        assert done == {"list_talents", "get_talent", "find_talent", "find_duplicates", "export_talents",
                        "card_decision", "list_cards", "talent_counts", "current_rules"}


def test_the_unit_reaches_only_its_own_request(world, tmp_path):
    unit = ACTORS[Role.UNIT]
    assert [r.number for r in svc.list_requests(world, unit, as_of=TODAY)] == ["R000001"]
    contact = svc.request_contact(world, unit, 1, purpose="电话联系")
    assert contact.phone == PHONES[0]
    school = Actor(username="jiaoyu", role=Role.UNIT, region_code=LESHAN, unit="市教育局", via="web")
    with pytest.raises(InnodriveError):
        svc.request_contact(world, school, 1, purpose="电话联系")
