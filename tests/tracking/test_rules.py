"""Rule sets are data: every shipped preset loads, and a broken rule file is refused
with every problem named in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import NotFound, ValidationFailed
from innodrive.tracking import list_rule_sets, load_rules
from innodrive.tracking.ruleset import TARGET_FLAGS, TARGET_METRICS, TASK_FLAGS, TASK_METRICS

PRESETS = {"default", "yinchuan", "sanya", "wuhan", "cascade", "clearpoint", "xian", "suqian", "jinzhai"}


def test_every_preset_loads_with_version_date_and_fallbacks():
    assert set(list_rule_sets()) >= PRESETS
    for name in list_rule_sets():
        rs = load_rules(name)
        assert rs.name == name and rs.version >= 1 and isinstance(rs.effective, dt.date)
        assert rs.description and rs.title
        assert rs.targets.rules[-1].when == [] and rs.tasks.rules[-1].when == []
        if name != "default":
            assert rs.based_on, f"{name} names the practice it models"


def test_default_paths_and_release_settings():
    rs = load_rules()
    assert (rs.path.number, rs.path.multiple, rs.path.growth) == ("linear", "compound", "compound")
    assert rs.ident == "default@1" and load_rules() is rs


def test_preset_inherits_what_it_does_not_override():
    xian = load_rules("xian")
    assert xian.tasks.approaching_days == 3
    assert xian.targets == load_rules("default").targets


def write(tmp_path, text: str) -> str:
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_unknown_metric_or_flag_and_missing_fallback_are_named(tmp_path):
    text = """
extends: default
name: broken
version: 1
targets:
  rules:
    - {id: a, light: red, label: 甲, when: [{metric: gapp, op: "<", value: 1}]}
    - {id: a, light: red, label: 乙, when: [{flag: mett}]}
tasks:
  rules:
    - {id: x, light: green, label: 丙, when: [{no_flag: completedd}]}
"""
    with pytest.raises(ValidationFailed) as exc:
        load_rules(write(tmp_path, text))
    msgs = [p.message for p in exc.value.problems]
    joined = " | ".join(msgs)
    assert "未知指标“gapp”" in joined and "未知标志“mett”" in joined and "未知标志“completedd”" in joined
    assert "规则编号“a”重复" in joined
    assert joined.count("最后一条必须是无条件的兜底规则") == 2


def test_schema_errors(tmp_path):
    text = """
extends: default
name: bad
version: 1
targets:
  rules:
    - {id: a, light: purple, label: 甲, when: [{metric: schedule_gap}]}
    - {id: z, light: grey, label: 兜底, when: []}
"""
    with pytest.raises(ValidationFailed) as exc:
        load_rules(write(tmp_path, text))
    joined = " | ".join(f"{p.field}: {p.message}" for p in exc.value.problems)
    assert "light" in joined and "需要 op 和 value" in joined


def test_unknown_name_missing_parent_and_bad_yaml(tmp_path):
    with pytest.raises(NotFound, match="没有名为“nope”的状态规则集"):
        load_rules("nope")
    with pytest.raises(NotFound):
        load_rules(str(tmp_path / "missing.yaml"))
    with pytest.raises(ValidationFailed, match="不是有效的 YAML"):
        load_rules(write(tmp_path, "name: [unclosed"))
    with pytest.raises(ValidationFailed, match="应为 YAML 映射"):
        load_rules(write(tmp_path, "- a list"))
    with pytest.raises(NotFound):
        load_rules(write(tmp_path, "extends: nowhere\nname: x\nversion: 1\n"))


def test_vocabulary_is_documented_in_chinese():
    for table in (TARGET_METRICS, TARGET_FLAGS, TASK_METRICS, TASK_FLAGS):
        assert all(desc and any("\u4e00" <= ch <= "\u9fff" for ch in desc) for desc in table.values())


# --- hostile rule files (issue 17 §3, §5, §6) -------------------------------------------


def test_extends_cannot_leave_the_shipped_rule_sets(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: 机密\nversion: 1\n", encoding="utf-8")
    for parent in ("../../secret", str(secret.with_suffix("")), "../default", "default/../default"):
        p = tmp_path / "r.yaml"
        p.write_text(f"extends: {parent}\nname: x\nversion: 1\n", encoding="utf-8")
        with pytest.raises(NotFound, match="只能指定内置的状态规则集名称") as err:
            load_rules(str(p))
        assert "机密" not in str(err.value)


def test_a_nan_threshold_is_refused(tmp_path):
    import yaml

    from innodrive.tracking.ruleset import _read_builtin

    doc = _read_builtin("default")
    replaced = []

    def poison(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "value" and isinstance(v, int | float) and not replaced:
                    node[k] = float("nan")
                    replaced.append(k)
                else:
                    poison(v)
        elif isinstance(node, list):
            for v in node:
                poison(v)

    poison(doc)
    assert replaced, "the default rule set has a numeric threshold"
    p = tmp_path / "nan.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert ".nan" in p.read_text(encoding="utf-8")
    with pytest.raises(ValidationFailed):
        load_rules(str(p))


def test_an_alias_bomb_rule_file_is_refused_quickly(tmp_path):
    import time

    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))
    p = tmp_path / "bomb.yaml"
    p.write_text(bomb, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ValidationFailed, match="YAML"):
        load_rules(str(p))
    assert time.perf_counter() - start < 5
