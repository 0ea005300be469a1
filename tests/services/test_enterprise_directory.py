"""The enterprise directory: codes checked, all-or-nothing registration, scope, audit."""

from __future__ import annotations

import pytest

from innodrive.enterprises.credit_code import check_char
from innodrive.enterprises.directory import Enterprise
from innodrive.errors import Forbidden, NotFound, ValidationFailed
from innodrive.services.actor import Actor, Role
from innodrive.services.enterprise_directory import find_enterprise, register_enterprises, search_enterprises
from innodrive.store import audit

LESHAN, YIBIN = "511100", "511500"


def code(body: str) -> str:
    first17 = ("91" + body).ljust(17, "0")[:17]
    return first17 + check_char(first17)


OFFICE = Actor(username="office", role=Role.OFFICE)


def test_register_adds_updates_and_merges_verdicts(initialised_store):
    a, b = code("5111000001"), code("5115000002")
    r = register_enterprises(initialised_store, OFFICE, [
        Enterprise(credit_code=a, name="乐山示例硅材料有限公司（构造）", region_code=LESHAN,
                   verdicts={"hnte": {"state": "pass", "version": "most-2016", "on": "2024-06-30"}}),
        Enterprise(credit_code=b, name="宜宾示例电池有限公司（构造）", region_code=YIBIN),
    ])
    assert (r.added, r.updated, r.unchanged) == (2, 0, 0)
    r = register_enterprises(initialised_store, OFFICE, [
        Enterprise(credit_code=a.lower(), name="乐山示例硅材料有限公司（构造）",
                   verdicts={"tech_sme": {"state": "fail", "version": "most-2017", "on": "2024-06-30"}}),
        Enterprise(credit_code=b, name="宜宾示例电池有限公司（构造）", region_code=YIBIN),
    ])
    assert (r.added, r.updated, r.unchanged) == (0, 1, 1)
    e = find_enterprise(initialised_store, OFFICE, a)
    assert e.region_code == LESHAN  # None kept what was known
    assert set(e.verdicts) == {"hnte", "tech_sme"}
    with initialised_store.read() as s:
        assert [x.action for x in audit.entries(s, entity="enterprise")] == ["register", "register"]


def test_a_bad_row_writes_nothing_and_every_problem_is_named(initialised_store):
    good = code("5111000003")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        register_enterprises(initialised_store, OFFICE, [
            Enterprise(credit_code=good, name="甲"), Enterprise(credit_code=bad, name=""),
            Enterprise(credit_code=good, name="乙", region_code="999999"),
        ])
    rows = sorted((p.row, p.field) for p in exc.value.problems)
    assert rows == [(2, "企业名称"), (2, "统一社会信用代码"), (3, "地区"), (3, "统一社会信用代码")]
    with pytest.raises(NotFound):
        find_enterprise(initialised_store, OFFICE, good)


def test_scope_limits_what_a_county_sees_and_who_registers(initialised_store):
    a, b = code("5111000004"), code("5115000005")
    register_enterprises(initialised_store, OFFICE, [
        Enterprise(credit_code=a, name="乐山甲（构造）", region_code=LESHAN),
        Enterprise(credit_code=b, name="宜宾乙（构造）", region_code=YIBIN),
    ])
    county = Actor(username="ls", role=Role.COUNTY, region_code=LESHAN)
    assert [e.credit_code for e in search_enterprises(initialised_store, county, "（构造）")] == [a]
    with pytest.raises(Forbidden):
        find_enterprise(initialised_store, county, b)
    scoped_office = Actor(username="lso", role=Role.OFFICE, region_code=LESHAN)
    with pytest.raises(Forbidden):
        register_enterprises(initialised_store, scoped_office, [Enterprise(credit_code=b, name="宜宾乙", region_code=YIBIN)])
