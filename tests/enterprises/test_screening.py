"""Bulk screening end to end: template → filled registry (CSV and XLSX) with bad rows →
row-by-row problems, the rest evaluated, results workbook, CLI without tracebacks."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import openpyxl
import pytest

from innodrive.enterprises.fields import FIELDS
from innodrive.enterprises.registry import read_registry
from innodrive.enterprises.screening import screen, write_xlsx
from innodrive.enterprises.template import write_template

from .ent_helpers import make_code

H = {name: spec.header for name, spec in FIELDS.items()}
ON = dt.date(2024, 6, 30)
TODAY = dt.date(2024, 7, 1)

GOOD = {  # spec T2 (科小 60 points), written as a person fills the template
    "credit_code": make_code(1), "name": "甲科技有限公司", "region": "翠屏区", "is_resident_mainland": "是",
    "products_not_prohibited": "是", "clean_record": "是", "employees_total": "50", "tech_staff": "7.5",
    "revenue_y1": "2,000", "total_assets_y1": "1500", "rd_expense_y1": "100", "cost_expense_total_y1": "1800",
    "ip_class1_count": "0", "ip_class2_count": "2", "registration_date": "2019-03-01", "data_year": "2023",
}


def _rows():
    bad_missing = dict(GOOD, credit_code=make_code(2), name="")
    bad_negative = dict(GOOD, credit_code=make_code(3), revenue_y1="-5")
    bad_staff = dict(GOOD, credit_code=make_code(4), tech_staff="60")
    bad_ratio = dict(GOOD, credit_code=make_code(5), negative_list_share="150%")
    bad_future = dict(GOOD, credit_code=make_code(6), registration_date="2030-01-01")
    duplicate = dict(GOOD, name="甲科技重复行")
    wrong_digit = dict(GOOD, credit_code=make_code(7)[:17] + ("0" if make_code(7)[17] != "0" else "1"))
    failing = dict(GOOD, credit_code=make_code(8), name="乙公司", tech_staff="6", rd_expense_y1="50",
                   ip_class2_count="1")
    return [GOOD, bad_missing, bad_negative, bad_staff, bad_ratio, bad_future, duplicate, wrong_digit, failing]


def _write_csv(path, rows):
    names = list(dict.fromkeys(k for r in rows for k in r))
    lines = [",".join(H[n] for n in names)]
    for r in rows:
        lines.append(",".join('"' + str(r.get(n, "")) + '"' for n in names))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_xlsx_from_template(path, rows):
    write_template(path, on=ON)
    wb = openpyxl.load_workbook(path)
    ws = wb["企业名录"]
    headers = [c.value for c in ws[1]]
    for r in rows:
        ws.append([r.get(next(n for n, h in H.items() if h == head), None) for head in headers])
    wb.save(path)


EXPECTED_PROBLEMS = {  # row -> (field header, words in the message)
    3: (H["name"], "必填项为空"),
    4: (H["revenue_y1"], "不能为负数"),
    5: (H["tech_staff"], "大于职工总数"),
    6: (H["negative_list_share"], "超过 100%"),
    7: (H["registration_date"], "晚于今天"),
    8: (H["credit_code"], "与第 2 行重复"),
    9: (H["credit_code"], "校验位错误"),
}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_bad_rows_are_reported_and_the_rest_evaluated(tmp_path, kind):
    path = tmp_path / f"registry.{kind}"
    (_write_csv if kind == "csv" else _write_xlsx_from_template)(path, _rows())
    reg = read_registry(path, today=TODAY)
    assert reg.total_rows == 9
    got = {p.row: (p.field, p.message) for p in reg.problems}
    assert set(got) == set(EXPECTED_PROBLEMS), reg.problems
    for row, (field, words) in EXPECTED_PROBLEMS.items():
        assert got[row][0] == field and words in got[row][1], (row, got[row])
    assert reg.row_numbers.tolist() == [2, 10]
    result = screen(reg, on=ON)
    states = dict(zip(result.table["企业名称"], result.table["科技型中小企业评价｜结论"], strict=True))
    assert states == {"甲科技有限公司": "符合", "乙公司": "不符合"}
    advice = result.table.loc[result.table["企业名称"] == "乙公司", "科技型中小企业评价｜培育建议"].iloc[0]
    # 乙: S1 6/50 = 12% -> 4, S2 50/2000 = 2.5% -> 10, S3 1 Class II -> 6: total 20, needs 60;
    # R&D 120/2000 = 6% gives 50 points (+40): 70 万元 more
    assert "综合评价得分20分，还差40分" in advice and "约需增加研发投入70万元" in advice
    out = write_xlsx(result, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert {"筛选结果", "汇总", "数据问题", "规则版本"} <= set(wb.sheetnames)
    problems = list(wb["数据问题"].iter_rows(min_row=2, values_only=True))
    assert len(problems) == len(EXPECTED_PROBLEMS)


def test_template_has_headers_notes_and_validation(tmp_path):
    path = write_template(tmp_path / "t.xlsx", on=ON)
    wb = openpyxl.load_workbook(path)
    ws = wb["企业名录"]
    assert [c.value for c in ws[1]] == [f.header for f in FIELDS.values()]
    assert ws.data_validations.dataValidation, "no data validation"
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal", "date"} <= kinds
    notes = wb["填写说明"]
    assert notes.cell(row=1, column=1).value == "列名"
    assert "规则版本" in wb.sheetnames
    # a template read back unchanged is a valid, empty registry
    reg = read_registry(path)
    assert reg.total_rows == 0 and not reg.problems


def test_unreadable_and_headerless_files_give_one_clear_message(tmp_path):
    from innodrive.errors import InputError

    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="无法读取 Excel 文件"):
        read_registry(bad)
    other = tmp_path / "y.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="缺少必填列：统一社会信用代码、企业名称"):
        read_registry(other)
    gbk = tmp_path / "z.csv"
    gbk.write_bytes(("统一社会信用代码,企业名称\n" + make_code(1) + ",丙公司\n").encode("gb18030"))
    assert read_registry(gbk).frame["name"].tolist() == ["丙公司"]


def _cli(*args, cwd=None):
    """Run the CLI; Rich wraps long lines, so outputs are compared without whitespace."""
    r = subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True, cwd=cwd,
                       env={**os.environ, "COLUMNS": "200"})
    r.stdout, r.stderr = "".join(r.stdout.split()), "".join(r.stderr.split())
    return r


def test_cli_template_check_and_explain(tmp_path):
    reg = tmp_path / "reg.csv"
    _write_csv(reg, _rows())
    r = _cli("enterprises", "template", "--out", str(tmp_path / "t.xlsx"))
    assert r.returncode == 0 and (tmp_path / "t.xlsx").exists()
    r = _cli("enterprises", "check", str(reg), "--on", "2024-06-30", "--out", str(tmp_path / "r.xlsx"))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "共9行，评价2行" in r.stdout
    assert "第4行" in r.stderr and "不能为负数" in r.stderr
    r = _cli("enterprises", "check", str(reg), "--on", "2024-06-30", "--code", make_code(8))
    assert r.returncode == 0, r.stderr
    assert "综合评价得分不低于60分" in r.stdout and "第六条（五）" in r.stdout and "约需增加研发投入70万元" in r.stdout
    r = _cli("enterprises", "check", str(reg), "--on", "2024-13-01")
    assert r.returncode == 2 and "2024-13-01" in r.stderr and "2024-06-30" in r.stderr and "Traceback" not in r.stderr
    r = _cli("enterprises", "check", str(tmp_path / "missing.csv"))
    assert r.returncode == 2 and "文件不存在" in r.stderr
