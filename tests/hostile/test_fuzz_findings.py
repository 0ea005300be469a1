"""Issue 17: what the fuzzing campaign (bench/fuzz.py) found, and the findings that had no test.

Each test reproduces one failure as the campaign met it: a control character in a registry
cell or a file name aborting the result workbook (openpyxl's IllegalCharacterError), Rich
markup in a cell value aborting ``enterprises check`` after its output was written, a 考核
framework whose ``bonuses``/``scoring.vetoes`` is not a list crashing the reader, and
``1e308`` with the unit 万家 (finding 6: validated after unit conversion).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from innodrive.cli import main
from innodrive.errors import InputError, ValidationFailed
from innodrive.safeio import safe_cell

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "examples" / "enterprises" / "示例企业登记表.csv"


def test_safe_cell_removes_characters_a_workbook_cannot_hold():
    wb = openpyxl.Workbook()
    for value in ("\x1b[31m红字", "名\x00称", "\x07=HYPERLINK(\"http://evil.example\")", "a\x0bb"):
        cell = safe_cell(value)
        wb.active.append([cell])  # raised IllegalCharacterError before
        assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in cell)
    assert safe_cell("\x07=1") == "'=1"  # removed first, then neutralised: no formula hides behind a bell


def _registry(rows: list[dict]) -> str:
    text = REGISTRY.read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_enterprises_check_survives_markup_and_control_characters(tmp_path, suffix, capsys):
    hostile = {"统一社会信用代码": "91511500MA0000001M", "企业名称": "\x1b[31m=HYPERLINK(\"http://evil.example\")",
               "所属地区": "翠屏区", "数据年度": "2023", "境内注册居民企业": "是", "职工总数": "[/]",
               "营业收入（上年）": "\x07[bold]多", "资产总额（上年末）": "1e308"}
    f = tmp_path / "登记\x1b[2J表.csv"
    f.write_text(_registry([hostile]), encoding="utf-8")
    out = tmp_path / f"结果{suffix}"
    code = main(["enterprises", "check", str(f), "--out", str(out)])
    assert code in (0, 2)  # 70 (MarkupError, IllegalCharacterError) before
    assert out.exists()
    captured = capsys.readouterr()
    assert "内部错误" not in captured.err and "\x1b" not in captured.err + captured.out
    if suffix == ".xlsx":
        wb = openpyxl.load_workbook(out)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.value for c in cells if c.data_type == "f"]
    else:
        for path in tmp_path.glob("*.csv"):
            for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
                assert not [v for v in row if v[:1] in ("=", "@", "+")], path.name


@pytest.mark.parametrize("raw", [
    "bonuses: true\n", "bonuses: 3\n", "scoring: {vetoes: 1.5}\n", "scoring: {deductions: 0}\n",
    "indicators: 5\n", "scoring: {vetoes: [{code: [a]}]}\n",
])
def test_a_kaohe_framework_with_wrong_types_is_a_message(raw):
    from innodrive.kaohe.framework import load_kaohe_framework

    base = (ROOT / "examples" / "kaohe" / "框架-县域-2024.yaml").read_text(encoding="utf-8")
    with pytest.raises((ValidationFailed, InputError)):  # TypeError before
        load_kaohe_framework((base + raw).encode(), file="框架.yaml")


def test_a_value_that_overflows_after_unit_conversion_is_refused(tmp_path, capsys):
    """Finding 6: ``1e308`` 万家 is 1e312 家 — stored as Inf before; now refused by row, nothing stored."""
    assert main(["init", "--no-data"]) == 0
    f = tmp_path / "溢出.csv"
    f.write_text("地区,指标,年份,值,单位,来源\n乐山市,高新技术企业数量,2020,1e308,万家,测试来源\n"
                 "乐山市,高新技术企业数量,2021,-1e308,万家,测试来源\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["data", "import", str(f)]) == 2
    err = capsys.readouterr().err
    assert "超出可存储的范围" in err and "第 2 行" in err and "第 3 行" in err
    main(["data", "show", "--region", "乐山市", "--indicator", "高新技术企业数量"])
    shown = capsys.readouterr().out
    assert "1e+312" not in shown and "inf" not in shown.lower()


def test_assessment_data_of_millions_of_lines_is_refused_within_bounds():
    """The campaign's near-breach: ``assess FW lines.csv`` with 10,000,000 one-letter lines held every row as
    Python objects (1,017 MB resident, 19 s CPU). An assessment table is units × years: refused past the row limit."""
    import resource
    import time

    from innodrive.assessment.data_io import MAX_DATA_ROWS, read_table_bytes

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.process_time()
    with pytest.raises(InputError, match="上限"):
        read_table_bytes(b"a\n" * (MAX_DATA_ROWS * 5), "lines.csv")
    assert time.process_time() - t < 20
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300 * 1024  # KB: well under the 1 GB bound


def test_enterprises_check_refuses_a_number_too_large_for_a_float(tmp_path, capsys):
    # found by the campaign: a 400-digit whole number reached pandas as a Python int and
    # raised OverflowError (exit 70); it is now an impossible value refused with a message
    huge = "9" * 400
    row = {"统一社会信用代码": "91511500MA0000001M", "企业名称": "示例企业（构造）", "所属地区": "翠屏区",
           "数据年度": "2023", "境内注册居民企业": "是", "职工总数": huge, "营业收入（上年）": "-" + huge}
    f = tmp_path / "登记表.csv"
    f.write_text(_registry([row]), encoding="utf-8")
    code = main(["enterprises", "check", str(f), "--out", str(tmp_path / "结果.csv")])
    captured = capsys.readouterr()
    assert code in (0, 2) and "内部错误" not in captured.err and "Traceback" not in captured.err


def test_no_python_warning_reaches_the_user_of_a_command(tmp_path):
    # found while speeding up the registry check: amounts of 1e308 made NumPy warn of an
    # overflow in the gap search, and the console printed the warning with a source path
    text = REGISTRY.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    money = [h for h in rows[0] if "营业收入" in h or "研发费用" in h]
    for r in rows[:3]:
        for h in money:
            r[h] = "1e308"
    f = tmp_path / "登记表.csv"
    f.write_text(_registry(rows), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "innodrive", "enterprises", "check", str(f), "--on", "2024-06-30",
                          "--out", str(tmp_path / "结果.csv")], capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "INNODRIVE_DEBUG")})
    assert run.returncode in (0, 2), run.stderr[-2000:]
    assert "Warning" not in run.stderr and ".py:" not in run.stderr, run.stderr[-2000:]
