"""The assessment ranking view: bytes in, the same ranking/levels/profiles the CLI prints out."""

from __future__ import annotations

import pytest
import yaml

from innodrive.errors import Forbidden, InputError
from innodrive.services.actor import Actor, Role
from innodrive.services.assessment import run_assessment

FW = {"id": "s", "name": "服务测试", "version": "1", "effective": "2025-01-01",
      "method": [{"step": "normalise", "dset": "Raw", "method": "minmax"}, {"step": "aggregate"}],
      "aggregates": [{"code": "idx", "name": "指数"}, {"code": "g1", "name": "投入", "parent": "idx"},
                     {"code": "g2", "name": "产出", "parent": "idx"}],
      "indicators": [{"code": "a", "name": "甲", "parent": "g1"}, {"code": "b", "name": "乙", "parent": "g2"},
                     {"code": "c", "name": "丙", "parent": "g2", "weight": 3}]}
DATA = "地区,a,b,c\n甲区,1,5,2\n乙区,2,3,\n丙区,4,1,6\n丁区,3,2,1\n".encode()
OFFICE = Actor(username="o", role=Role.OFFICE)


def test_view_has_ranking_levels_and_profiles():
    v = run_assessment(None, OFFICE, framework=yaml.safe_dump(FW, allow_unicode=True).encode(), data=DATA,
                       data_name="d.csv", uncertainty=16)
    assert [c.code for c in v.columns] == ["g1", "g2"]
    assert [r.rank for r in v.ranking] == [1, 2, 3, 4]
    top = v.ranking[0]
    # hand: a→(0,33.3,100,66.7); b→(100,50,0,25); c (weights 1:3)→(20,—,100,0); g2 = (b+3c)/4 or b alone
    g2 = {"甲区": (100 + 3 * 20) / 4, "乙区": 50, "丙区": 75, "丁区": (25 + 0) / 4}
    g1 = {"甲区": 0, "乙区": 100 / 3, "丙区": 100, "丁区": 200 / 3}
    idx = {u: (g1[u] + g2[u]) / 2 for u in g1}
    assert top.unit == max(idx, key=idx.get) and top.index == pytest.approx(max(idx.values()))
    assert {(s.unit, s.code) for s in v.levels} >= {("乙区", "c")}
    assert next(s for s in v.levels if s.unit == "乙区" and s.code == "c").score is None  # unknown stays unknown
    assert len(v.profiles) == 4 and v.uncertainty_runs == 16 and top.rank_p05 is not None
    assert v.log["steps"][0]["step"] == "normalise"


def test_rights_and_bad_input():
    with pytest.raises(Forbidden):
        run_assessment(None, Actor(username="c", role=Role.COUNTY, region_code="511102"), framework="city_kaohe",
                       data=DATA, data_name="d.csv")
    with pytest.raises(InputError, match="未知的预置框架"):
        run_assessment(None, OFFICE, framework="../../etc/passwd", data=DATA, data_name="d.csv")
    with pytest.raises(InputError, match="extends"):
        run_assessment(None, OFFICE, framework=b"extends: ../x.yaml\nid: a\n", data=DATA, data_name="d.csv")
