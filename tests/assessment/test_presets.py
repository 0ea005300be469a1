"""Presets: the 综合科技创新水平指数 template (user-supplied values, marked) and the city 考核 example."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from innodrive.assessment.framework import USER_SUPPLIED, load_framework, preset_names
from innodrive.assessment.run import assess, write_result
from innodrive.errors import ValidationFailed
from innodrive.indicators.catalogue import load_catalogue

SECOND_LEVEL = ["env_hr", "env_facilities", "env_awareness", "input_hr", "input_fin", "output_level",
                "output_market", "hightech_level", "hightech_benefit", "econ_mode", "econ_env", "econ_info"]


def test_presets_are_listed():
    assert {"casted_index", "casted_2000s_standards", "city_kaohe"} <= set(preset_names())


def test_every_indicator_of_the_city_preset_is_in_the_catalogue():
    fw = load_framework("preset:city_kaohe")
    cat = load_catalogue()
    for code in fw.indicators:
        ind = cat.get(code)
        assert ind is not None, f"{code} is not in the catalogue"
        assert fw.by_code[code].name == ind.name
        assert (fw.by_code[code].direction > 0) == (ind.direction == "ge")


def test_casted_structure_5_first_level_12_second_level():
    raw = yaml.safe_load((Path(__file__).resolve().parents[2] / "src/innodrive/assessment/presets/casted_index.yaml")
                         .read_text(encoding="utf-8"))
    aggs = {a["code"]: a for a in raw["aggregates"]}
    first = [c for c, a in aggs.items() if a.get("parent") == "casted_index"]
    assert [aggs[c]["name"] for c in first] == ["科技创新环境", "科技活动投入", "科技活动产出", "高新技术产业化",
                                                "科技促进经济社会发展"]
    assert sorted(c for c, a in aggs.items() if a.get("parent") in first) == sorted(SECOND_LEVEL)


def test_template_cannot_run_alone():
    with pytest.raises(ValidationFailed, match="预置模板"):
        load_framework("preset:casted_index")


def user_casted(tmp_path: Path, *, weights=True) -> Path:
    """A user's framework: one 三级 indicator per 二级, user standards, explicit weights."""
    inds = [{"code": f"x{i}", "name": f"指标{i}", "parent": p, "standard": 10.0 * (i + 1)}
            for i, p in enumerate(SECOND_LEVEL)]
    inds[9]["direction"] = -1
    raw = {"extends": "casted_index", "id": "user_casted", "name": "本市综合科技创新水平指数（试算）",
           "version": "2025-试算", "effective": "2025-01-01", "indicators": inds}
    if weights:
        raw["weights"] = {**{c: 1 for c in SECOND_LEVEL}, **{f"x{i}": 1 for i in range(12)},
                          "env": 0.3, "input": 0.2, "output": 0.2, "hightech": 0.2, "econ_social": 0.1}
    p = tmp_path / "casted.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return p


def test_user_supplied_values_are_required(tmp_path):
    with pytest.raises(ValidationFailed) as e:
        load_framework(user_casted(tmp_path, weights=False))
    assert any("weight" in (p.field or "") and "用户提供" in p.message for p in e.value.problems)


def test_casted_with_user_values_hand_computed_and_marked(tmp_path):
    fw_file = user_casted(tmp_path)
    fw = load_framework(fw_file)
    assert fw.by_code["x0"].sources == {"standard": USER_SUPPLIED, "weight": USER_SUPPLIED}
    assert fw.by_code["env"].sources["weight"] == USER_SUPPLIED
    # synthetic test data: unit A reaches half of every standard; unit B beats every standard
    cols = [f"x{i}" for i in range(12)]
    a = [5.0 * (i + 1) for i in range(12)]
    b = [20.0 * (i + 1) for i in range(12)]
    a[9], b[9] = 200.0, 50.0  # x9 is negative: standard 100 → A: 100/200 = 50; B: 100/50 capped at 100
    data = tmp_path / "d.csv"
    pd.DataFrame([a, b], index=["A", "B"], columns=cols).rename_axis("地区").to_csv(data)
    res = assess(fw_file, data, uncertainty=16)
    # every 三级 score is 50 for A → every level is 50; B is capped at 100 everywhere
    assert res.ranking.loc["A", "casted_index"] == pytest.approx(50.0)
    assert res.ranking.loc["B", "casted_index"] == pytest.approx(100.0)
    assert "用户提供" in res.provenance_line()
    out = tmp_path / "r.xlsx"
    write_result(res, out)
    wb = openpyxl.load_workbook(out)
    assert any("用户提供" in str(v) for row in wb["说明"].values for v in row)
    assert any("用户提供" in str(v) for row in wb["框架"].values for v in row)


def test_historical_standards_keep_their_source(tmp_path):
    raw = {"extends": "casted_2000s_standards", "id": "h", "name": "历史标准试算", "version": "1",
           "effective": "2025-01-01", "weights": "equal",
           "indicators": [{"code": "energy", "name": "单位GDP能耗", "parent": "econ_mode", "direction": -1,
                           "standard": 0.5},
                          {"code": "good_air", "name": "空气优良天数比例", "parent": "econ_env", "standard": 90},
                          {"code": "net_users", "name": "百人互联网用户数", "parent": "econ_info", "standard": 80}]}
    p = tmp_path / "h.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    fw = load_framework(p)
    assert fw.by_code["rd_intensity"].standard == 2.5
    assert fw.by_code["rd_intensity"].sources["standard"] == "2000年代监测标准（历史）"
    assert fw.by_code["energy"].sources["standard"] == USER_SUPPLIED
    assert len(fw.indicators) == 23


def test_city_kaohe_runs_with_per_unit_targets(tmp_path):
    fw = load_framework("preset:city_kaohe")
    # synthetic test data (not statistics) for four units of three types
    rows = {
        "甲区": ("主城区", [3.0, 4.0, 200, 400, 12, 20.0, 30.0, 500.0, 12.0]),
        "乙县": ("县域", [1.2, 2.5, 40, 120, 2, 4.0, 3.0, 80.0, 5.0]),
        "丙县": ("县域", [1.8, 3.0, 60, 150, 3, 6.0, 5.0, 120.0, 6.0]),
        "高新区": ("园区", [4.5, 6.0, 300, 500, 20, 35.0, 40.0, 900.0, 15.0]),
    }
    targets = {"甲区": [2.5, 180, 380, 18.0, 25.0, 450.0], "乙县": [1.5, 50, 100, 5.0, 4.0, 100.0],
               "丙县": [1.6, 50, 150, 5.0, 5.0, 120.0], "高新区": [4.0, 280, 450, 30.0, 35.0, 850.0]}
    tcodes = ["rd_intensity", "hnte_count", "tech_sme_count", "high_value_invention_patents_per_10k",
              "tech_contract_turnover", "hightech_industry_revenue"]
    recs = []
    for u, (t, vals) in rows.items():
        r = {"地区": u, "类型": t, **dict(zip(fw.indicators, vals, strict=True)),
             **{f"目标:{c}": v for c, v in zip(tcodes, targets[u], strict=True)},
             "overdue_key_tasks": 1 if u == "乙县" else 0, "data_quality_issues": 0,
             "research_misconduct_cases": 0}
        recs.append(r)
    data = tmp_path / "kaohe.xlsx"
    pd.DataFrame(recs).to_excel(data, index=False)
    res = assess("preset:city_kaohe", data)
    s = res.scoring
    # 乙县: rd 1.2/1.5 = 0.8 → 16; hnte 40/50 → 16; sme 120/100 capped → 10; patents 4/5 → 8;
    # contract 3/4 → 11.25; revenue 80/100 → 12; digital rank 4 of 4 → 10 − 3·0.5 = 8.5; −1 overdue task
    assert s.loc["乙县", "总分"] == pytest.approx(16 + 16 + 10 + 8 + 11.25 + 12 + 8.5 - 1)
    # 甲区: rd 3.0/2.5 = 1.2 → 20 + min(0.2/0.1, 3) = 2; hnte 200/180 → 20 + min(0.111/0.1, 2);
    # sme 10; patents 10; contract 30/25 = 1.2 → 15 + min(0.2/0.2, 2) = 1; revenue 15; digital rank 2 → 9.5
    assert s.loc["甲区", "总分"] == pytest.approx(22 + 20 + (200 / 180 - 1) / 0.1 + 10 + 10 + 16 + 15 + 9.5)
    # per-type weights change the index of 园区 but all types stay on 0–100
    assert res.ranking["kaohe_index"].between(0, 100).all()
