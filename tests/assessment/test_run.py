"""From files to results: long/wide CSV and XLSX, located errors, every level written, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from innodrive.assessment.run import assess, write_result
from innodrive.errors import InputError, ValidationFailed

FRAMEWORK = {
    "id": "kh", "name": "测试考核", "version": "2025.1", "effective": "2025-01-01",
    "unit_types": ["主城区", "县域"],
    "method": [{"step": "normalise", "dset": "Raw", "method": "minmax"}, {"step": "aggregate"}],
    "indicators": [
        {"code": "rd_intensity", "name": "R&D经费投入强度", "parent": "input", "weight": 2, "target": 2.5},
        {"code": "hnte_count", "name": "高新技术企业数", "parent": "input", "target": 100},
        {"code": "tech_contract_turnover", "name": "技术合同成交额", "parent": "output", "target": 20},
    ],
    "aggregates": [{"code": "idx", "name": "综合指数"}, {"code": "input", "name": "创新投入", "parent": "idx"},
                   {"code": "output", "name": "创新产出", "parent": "idx"}],
}

# synthetic test data (not statistics): four units, one missing value
WIDE = """地区,类型,rd_intensity,hnte_count,技术合同成交额
甲区,主城区,3.0,120,25
乙县,县域,1.5,40,8
丙县,县域,2.2,80,
丁区,主城区,2.6,95,30
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture()
def fw_file(tmp_path: Path) -> Path:
    return write(tmp_path, "kh.yaml", yaml.safe_dump(FRAMEWORK, allow_unicode=True))


def hand_index(unit_values: dict[str, list[float]]) -> dict[str, float]:
    """min-max to [0,100] per indicator, then (2·rd + hnte)/3 and contract, then their mean."""
    cols = list(zip(*unit_values.values(), strict=True))
    norm = {}
    for u, vals in unit_values.items():
        ys = []
        for j, v in enumerate(vals):
            known = [x for x in cols[j] if x is not None]
            ys.append(None if v is None else (v - min(known)) / (max(known) - min(known)) * 100)
        norm[u] = ys
    out = {}
    for u, (a, b, c) in norm.items():
        inp = (2 * a + b) / 3
        out[u] = inp if c is None else (inp + c) / 2
    return out


def test_wide_csv_every_level(fw_file, tmp_path):
    res = assess(fw_file, write(tmp_path, "d.csv", WIDE))
    exp = hand_index({"甲区": [3.0, 120, 25], "乙县": [1.5, 40, 8], "丙县": [2.2, 80, None], "丁区": [2.6, 95, 30]})
    for u, v in exp.items():
        assert res.ranking.loc[u, "idx"] == pytest.approx(v, rel=1e-12)
    assert list(res.ranking.index) == sorted(exp, key=lambda u: -exp[u])
    assert set(res.levels["code"]) == {"idx", "input", "output", "rd_intensity", "hnte_count", "tech_contract_turnover"}
    assert res.coin.units.loc["乙县", "类型"] == "县域"


def test_long_csv_with_years_and_names(fw_file, tmp_path):
    rows = ["地区,指标,年份,值,来源"]
    for y, k in ((2022, 1.0), (2023, 1.1)):
        for u, vals in {"甲区": (3.0, 120, 25), "乙县": (1.5, 40, 8), "丁区": (2.6, 95, 30)}.items():
            for name, v in zip(("R&D经费投入强度", "hnte_count", "技术合同成交额"), vals, strict=True):
                rows.append(f"{u},{name},{y},{v * k},测试")
    res = assess(fw_file, write(tmp_path, "long.csv", "\n".join(rows) + "\n"))
    assert res.year == 2023
    assert any("最新的 2023 年" in n for n in res.notes)
    res22 = assess(fw_file, write(tmp_path, "long.csv", "\n".join(rows) + "\n"), year=2022)
    assert res22.coin.data["Raw"].loc["甲区", "rd_intensity"] == 3.0
    with pytest.raises(InputError, match="没有 2030 年"):
        assess(fw_file, tmp_path / "long.csv", year=2030)


def test_xlsx_input_and_output(fw_file, tmp_path):
    src = tmp_path / "d.xlsx"
    pd.read_csv(write(tmp_path, "d.csv", WIDE)).to_excel(src, index=False)
    res = assess(fw_file, src, uncertainty=64)
    out = tmp_path / "r.xlsx"
    write_result(res, out)
    wb = openpyxl.load_workbook(out)
    assert {"说明", "排名", "各级得分", "优势劣势", "数据-Normalised", "不确定性", "框架", "日志"} <= set(wb.sheetnames)
    log_rows = list(wb["日志"].values)
    assert log_rows[1][1] == "normalise" and json.loads(log_rows[1][4])["method"] == "minmax"
    csv_out = tmp_path / "r.csv"
    paths = write_result(res, csv_out)
    assert paths[1].name == "r.log.json"
    wide = pd.read_csv(csv_out, index_col=0)
    assert "idx 综合指数" in wide.columns and "tech_contract_turnover:排名" in wide.columns


def test_a_row_with_a_value_beyond_the_header_is_refused_in_csv_and_xlsx(fw_file, tmp_path):
    """A value in a column without a header (a shifted row) is not dropped unseen from an Excel
    sheet any more than from a CSV file; empty cells there (Excel leaves them) are no problem."""
    want = ("该行有 6 个单元格，表头只有 5 列（多出 1 个，从第 F 列起没有表头），无法确定各值对应的列；"
            "请检查该行是否有未加引号的逗号，或为多出的列补上表头")
    shifted = WIDE.replace("乙县,县域,1.5,40,8", "乙县,县域,1.5,40,8,9")
    with pytest.raises(InputError) as e:
        assess(fw_file, write(tmp_path, "d.csv", shifted))
    assert (e.value.file, e.value.row) == ("d.csv", 3) and want in e.value.message
    book = openpyxl.Workbook()
    ws = book.active
    for line in shifted.splitlines():
        ws.append([c or None for c in line.split(",")])
    ws.cell(row=2, column=7, value="  ")  # spaces beyond the header: not a problem
    src = tmp_path / "d.xlsx"
    book.save(src)
    with pytest.raises(InputError) as e:
        assess(fw_file, src)
    assert (e.value.file, e.value.row) == ("d.xlsx", 3) and want in e.value.message
    ws.cell(row=3, column=6).value = None
    book.save(src)
    assert assess(fw_file, src, uncertainty=0) is not None


def test_bad_value_names_file_row_and_column(fw_file, tmp_path):
    bad = WIDE.replace("乙县,县域,1.5,40,8", "乙县,县域,1.5,约40,8")
    with pytest.raises(ValidationFailed) as e:
        assess(fw_file, write(tmp_path, "d.csv", bad))
    p = e.value.problems[0]
    assert (p.file, p.row, p.field) == ("d.csv", 3, "hnte_count") and "约40" in p.message
    assert str(e.value).startswith("文件 d.csv：数据有 1 处错误，第一处：第 3 行 字段「hnte_count」")


def test_indicator_with_no_data_anywhere_is_rejected(fw_file, tmp_path):
    no_contract = "\n".join(",".join(line.split(",")[:4]) for line in WIDE.strip().splitlines()) + "\n"
    with pytest.raises(ValidationFailed) as e:
        assess(fw_file, write(tmp_path, "d.csv", no_contract))
    assert "tech_contract_turnover" in str(e.value) and "没有任何取值" in str(e.value)
    blank = WIDE.replace(",25\n", ",\n").replace(",8\n", ",\n").replace(",30\n", ",\n")
    with pytest.raises(ValidationFailed, match="tech_contract_turnover"):
        assess(fw_file, write(tmp_path, "d.csv", blank))


def test_undeclared_unit_type_and_duplicate_unit(fw_file, tmp_path):
    with pytest.raises(ValidationFailed, match="类型“园区”未在框架"):
        assess(fw_file, write(tmp_path, "d.csv", WIDE.replace("丁区,主城区", "丁区,园区")))
    with pytest.raises(ValidationFailed) as e:
        assess(fw_file, write(tmp_path, "d.csv", WIDE + "甲区,主城区,1,1,1\n"))
    assert e.value.problems[0].row == 6 and "重复" in e.value.problems[0].message


def test_unreadable_inputs(fw_file, tmp_path):
    with pytest.raises(InputError, match="不支持的数据文件类型"):
        assess(fw_file, write(tmp_path, "d.json", "{}"))
    with pytest.raises(InputError, match="无法读取 Excel 文件"):  # the one table reader's message
        assess(fw_file, write(tmp_path, "d.xlsx", "not a zip"))
    with pytest.raises(InputError, match="缺少单位列"):
        assess(fw_file, write(tmp_path, "d.csv", "x,y\n1,2\n"))
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(WIDE.encode("gb18030"))
    assert len(assess(fw_file, gbk).ranking) == 4


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})


def test_cli_prints_ranked_table_and_writes(fw_file, tmp_path):
    data = write(tmp_path, "d.csv", WIDE)
    out = tmp_path / "r.xlsx"
    r = run_cli("assess", str(fw_file), str(data), "--uncertainty", "32", "--sensitivity", "16", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "排名" in r.stdout and "综合指数" in r.stdout and "排名区间" in r.stdout and "总效应指数" in r.stdout
    assert {"敏感性", "敏感性-各单位STi"} <= set(openpyxl.load_workbook(out).sheetnames)
    assert r.stdout.index("甲区") < r.stdout.index("乙县")
    assert out.exists()


def test_cli_error_is_one_line_without_traceback(fw_file, tmp_path):
    bad = write(tmp_path, "d.csv", WIDE.replace("3.0,120", "3.0,abc"))
    r = run_cli("assess", str(fw_file), str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "第 2 行" in r.stderr and "hnte_count" in r.stderr
    assert len([ln for ln in r.stderr.splitlines() if ln.strip()]) == 1


def test_cli_reproduces_coinr_from_files(tmp_path):
    """The COINr pipeline through the user's path: preset YAML + bundled CSV → CSV output."""
    from importlib import resources

    from .conftest import expected

    with resources.as_file(resources.files("innodrive.assessment.data") / "ASEM_iData.csv") as data:
        out = tmp_path / "asem.csv"
        r = run_cli("assess", "preset:coinr_asem", str(data), "--out", str(out))
    assert r.returncode == 0, r.stderr
    got = pd.read_csv(out, index_col=0)
    exp = expected("expected_5_Aggregated.csv")
    for code, label in (("Index", "Sustainable Connectivity"), ("Conn", "Connectivity"), ("Sust", "Sustainability")):
        col = got[f"{code} {label}"]
        for unit in exp.index:
            assert col[unit] == pytest.approx(exp.loc[unit, code], rel=1e-6)
    log = json.loads((tmp_path / "asem.log.json").read_text(encoding="utf-8"))
    assert [s["step"] for s in log["log"]["steps"]] == ["denominate", "impute", "screen", "treat", "normalise",
                                                         "aggregate"]


def test_panel_imputation_and_base_year_attribution(tmp_path):
    fw = dict(FRAMEWORK, method=[{"step": "impute", "dset": "Raw", "method": "latest"},
                                 {"step": "normalise", "dset": "Imputed", "method": "minmax"},
                                 {"step": "aggregate"}])
    fw_file = write(tmp_path, "kh.yaml", yaml.safe_dump(fw, allow_unicode=True))
    rows = ["地区,年份,rd_intensity,hnte_count,tech_contract_turnover",
            "甲区,2022,3.0,120,25", "乙县,2022,1.5,40,8", "丁区,2022,2.6,95,30",
            "甲区,2023,3.2,130,", "乙县,2023,2.0,40,8", "丁区,2023,2.6,95,30"]
    data = write(tmp_path, "panel.csv", "\n".join(rows) + "\n")
    res = assess(fw_file, data, year=2023, base_year=2022)
    # 甲区's missing 2023 contract value is carried forward from 2022 (25), and logged as imputed
    assert res.coin.data["Imputed"].loc["甲区", "tech_contract_turnover"] == 25
    assert ["甲区", "tech_contract_turnover"] in res.coin.details["Imputed"]["imputed"]
    a = res.attribution
    yi = a[(a.unit == "乙县") & (a.code == "rd_intensity")]
    # fixed base (2022 range of rd is [1.5, 3.0]): 乙县 1.5 → 2.0 is 0 → 33.33; effective weight (2/3)·(1/2)
    assert yi["contribution"].item() == pytest.approx((2.0 - 1.5) / 1.5 * 100 * (2 / 3) * 0.5)
    for u in ("甲区", "乙县", "丁区"):
        rows_u = a[a.unit == u]
        assert rows_u[rows_u.code != "idx"]["contribution"].sum() == pytest.approx(
            rows_u[rows_u.code == "idx"]["contribution"].item())
    out = tmp_path / "r.xlsx"
    write_result(res, out)
    assert "变化归因2022-2023" in openpyxl.load_workbook(out).sheetnames
    # years as people write them (issue 8 §14): the same as 2023 / 2022
    r = run_cli("assess", str(fw_file), str(data), "--year", "2023年", "--base-year", "2022年度")
    assert r.returncode == 0 and "较2022年变化" in r.stdout, r.stderr
    r = run_cli("assess", str(fw_file), str(data), "--year", "二〇二三")
    assert r.returncode == 2 and "--year 年份“二〇二三”无法识别" in r.stderr and "Traceback" not in r.stderr
