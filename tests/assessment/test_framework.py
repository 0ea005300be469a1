"""Framework validation: every bad entry is named, in Chinese, and nothing half-valid loads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from innodrive.assessment.framework import load_framework, parse_framework
from innodrive.errors import InputError, ValidationFailed


def base() -> dict:
    return {
        "id": "t", "name": "测试框架", "version": "2024.1", "effective": "2024-01-01",
        "indicators": [{"code": "a", "name": "甲", "parent": "g1"}, {"code": "b", "name": "乙", "parent": "g1"},
                       {"code": "c", "name": "丙", "parent": "g2", "direction": -1}],
        "aggregates": [{"code": "idx", "name": "总指数"}, {"code": "g1", "parent": "idx"},
                       {"code": "g2", "parent": "idx"}],
    }


def problems_of(raw: dict) -> list:
    with pytest.raises(ValidationFailed) as e:
        parse_framework(raw, file="f.yaml")
    assert e.value.file == "f.yaml"
    return e.value.problems


def test_valid_framework_tree():
    fw = parse_framework(base())
    assert fw.indicators == ("a", "b", "c")
    assert fw.root == "idx"
    assert fw.aggregation_order == ("g1", "g2", "idx")
    assert fw.levels == {"a": 1, "b": 1, "c": 1, "g1": 2, "g2": 2, "idx": 3}
    assert fw.effective == dt.date(2024, 1, 1)
    assert fw.by_code["c"].direction == -1


def test_cycle_is_rejected_naming_the_entries():
    raw = base()
    raw["aggregates"] = [{"code": "idx", "name": "总指数"}, {"code": "g1", "parent": "g2"},
                         {"code": "g2", "parent": "g1"}]
    ps = problems_of(raw)
    msg = [p.message for p in ps if "循环" in p.message]
    assert msg and ("g1 → g2 → g1" in msg[0] or "g2 → g1 → g2" in msg[0])
    assert any("g1" in (p.field or "") or "g2" in (p.field or "") for p in ps)


def test_self_parent_is_a_cycle():
    raw = base()
    raw["aggregates"][1]["parent"] = "g1"
    assert any("g1 → g1" in p.message for p in problems_of(raw))


def test_unknown_parent_and_unknown_indicator_in_rules_and_value_maps():
    raw = base()
    raw["indicators"][0]["parent"] = "nowhere"
    raw["scoring"] = {"rules": [{"indicator": "zz_unknown", "points": 10}]}
    raw["weights"] = {"qq": 2}
    ps = problems_of(raw)
    text = " | ".join(f"{p.field} {p.message}" for p in ps)
    assert "上级分组“nowhere”不存在" in text and "indicators[1]（a）.parent" in text
    assert "未知指标“zz_unknown”" in text and "scoring.rules[1].indicator" in text
    assert "未知指标“qq”" in text and "weights.qq" in text


def test_unknown_indicator_against_the_catalogue():
    with pytest.raises(ValidationFailed) as e:
        parse_framework(base(), file="f.yaml", catalogue_codes={"a", "b"})
    assert any("未知指标“c”" in p.message and "指标目录" in p.message for p in e.value.problems)


@pytest.mark.parametrize("bad", ["高", "1,5", True, [1], float("nan")])
def test_non_numeric_weight_is_rejected(bad):
    raw = base()
    raw["indicators"][1]["weight"] = bad
    ps = problems_of(raw)
    assert any(p.field == "indicators[2]（b）.weight" and "应是数值" in p.message for p in ps)


def test_other_field_checks():
    raw = base()
    raw["indicators"][0]["direction"] = "up"
    raw["indicators"][1]["goalposts"] = [5, 5]
    raw["indicators"][2]["standard"] = -1
    raw["indicators"][2]["weights_by_type"] = {"园区": 2}
    raw["version"] = None
    ps = problems_of(raw)
    fields = {p.field for p in ps}
    assert {"indicators[1]（a）.direction", "indicators[2]（b）.goalposts", "indicators[3]（c）.standard",
            "indicators[3]（c）.weights_by_type.园区", "version"} <= fields


def test_duplicate_codes_empty_group_and_two_roots():
    raw = base()
    raw["indicators"].append({"code": "a", "parent": "g1"})
    raw["aggregates"].append({"code": "g3", "parent": "idx"})
    raw["aggregates"].append({"code": "idx2"})
    msgs = " | ".join(p.message for p in problems_of(raw))
    assert "“a”重复" in msgs and "有且只有一个总指数" in msgs


def test_message_is_one_chinese_line_with_the_first_problem(tmp_path: Path):
    raw = base()
    raw["indicators"][1]["weight"] = "高"
    f = tmp_path / "kh.yaml"
    f.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationFailed) as e:
        load_framework(f)
    s = str(e.value)
    assert s.startswith("文件 kh.yaml：考核框架有 1 处错误") and "（b）.weight" in s and "\n" not in s


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    f = tmp_path / "bad.yaml"
    f.write_text("id: x\nindicators: [\n  - a: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_framework(f)
    assert e.value.file == "bad.yaml" and "YAML" in e.value.message and "行" in e.value.message  # line named


def test_missing_file_and_unknown_preset():
    with pytest.raises(InputError, match="找不到考核框架文件"):
        load_framework("/nonexistent/kh.yaml")
    with pytest.raises(InputError, match="未知的预置框架"):
        load_framework("preset:nope")
