"""The rights table: roles, region scope and unit scope, as every service applies them."""

from __future__ import annotations

import pytest

from innodrive.errors import Forbidden
from innodrive.services.access import PERMISSIONS, can, matrix, require
from innodrive.services.actor import Actor, Role

LESHAN, SHIZHONG, YIBIN = "511100", "511102", "511500"


def test_every_permission_has_a_chinese_label_and_at_least_one_role():
    for name, (roles, label) in PERMISSIONS.items():
        assert roles, name
        assert label and not label.isascii(), name


def test_role_alone_decides_when_no_scope_is_given():
    office = Actor(username="li", role=Role.OFFICE, region_code=LESHAN)
    evaluator = Actor(username="ev", role=Role.EVALUATOR, region_code=LESHAN)
    assert can(office, "plans.write")
    assert not can(evaluator, "plans.write")
    with pytest.raises(Forbidden, match="第三方评估.*无权添加、修订、删除计划"):
        require(evaluator, "plans.write")


def test_region_scope_reaches_descendants_only():
    county = Actor(username="sz", role=Role.COUNTY, region_code=LESHAN)
    assert can(county, "data.import", region_code=SHIZHONG)   # 市中区 lies in 乐山市
    assert can(county, "data.import", region_code=LESHAN)
    assert not can(county, "data.import", region_code=YIBIN)
    assert not can(county, "data.import", region_code=None, check_region=True)
    with pytest.raises(Forbidden, match="本辖区"):
        require(county, "data.import", region_code=YIBIN)


def test_unit_scope_limits_a_department_to_its_own_tasks():
    unit = Actor(username="jx", role=Role.UNIT, region_code=LESHAN, unit="市经信局")
    assert can(unit, "tasks.report", region_code=LESHAN, units=["市经信局", "市科技局"])
    assert not can(unit, "tasks.report", region_code=LESHAN, units=["市科技局"])
    with pytest.raises(Forbidden, match="本单位（市经信局）"):
        require(unit, "tasks.report", units=["市科技局"])


def test_the_local_operator_and_unscoped_office_reach_everything():
    local = Actor.local_operator("operator")
    assert all(can(local, p, region_code=YIBIN, units=["x"]) for p in PERMISSIONS)
    office = Actor(username="o", role=Role.OFFICE)
    assert can(office, "plans.write", region_code=YIBIN)


def test_the_public_role_holds_only_the_published_summary():
    public = Actor.public()
    allowed = [p for p, roles in matrix().items() if roles[Role.PUBLIC]]
    assert allowed == ["public.read"]
    assert not can(public, "board.read")


def test_an_undeclared_permission_is_a_programming_error():
    with pytest.raises(KeyError, match="undeclared permission"):
        can(Actor.public(), "nothing.here")
