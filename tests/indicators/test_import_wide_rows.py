"""A row with more filled cells than the header has columns is reported, not imported without
its last cells, on every reading path (the C parser's slabs, the whole-file reader for a
file the C parser cannot take, GB18030, UTF-16), and the import then changes nothing
(CONSTRUCTED figures, not statistics)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from innodrive.errors import ValidationFailed
from innodrive.indicators import importer
from innodrive.store.schema import AuditRow, ImportBatchRow, ObservationRow

HEADER = "地区,指标,年份,值,单位,来源"
GOOD = ["乐山市,地区生产总值,2021,2205.2,亿元,构造的测试来源", "乐山市,常住人口,2021,316,万人,构造的测试来源"]
# an unquoted thousands comma shifts the value: "2,205.2" is two cells, the source a seventh
SHIFTED = "乐山市,地区生产总值,2022,2,305.2,亿元,构造的测试来源"
TRAILING_EMPTY = "绵阳市,地区生产总值,2022,3350.3,亿元,构造的测试来源,, "  # only empty cells beyond: nothing lost
WANT = ("该行有 7 个单元格，表头只有 6 列（多出 1 个，从第 G 列起没有表头），无法确定各值对应的列；"
        "请检查该行是否有未加引号的逗号，或为多出的列补上表头")


def snapshot(store) -> tuple:
    with store.read() as s:
        obs = [tuple(getattr(r, c.name) for c in ObservationRow.__table__.columns)
               for r in s.scalars(select(ObservationRow).order_by(ObservationRow.id))]
        return obs, s.scalars(select(ImportBatchRow.id)).all(), s.scalars(select(AuditRow.id)).all()


def table(rows: list[str], *, newline: str = "\n") -> str:
    return newline.join([HEADER, *rows]) + newline


@pytest.mark.parametrize("encoding, newline", [("utf-8-sig", "\n"), ("utf-8", "\r\n"), ("gb18030", "\n"),
                                               ("utf-16", "\n")])
def test_a_row_wider_than_the_header_is_reported_and_nothing_is_imported(initialised_store, tmp_path, encoding,
                                                                         newline):
    store = initialised_store
    before = snapshot(store)
    path = tmp_path / "统计.csv"
    path.write_bytes(table([GOOD[0], SHIFTED, GOOD[1], TRAILING_EMPTY], newline=newline).encode(encoding))
    with pytest.raises(ValidationFailed) as err:
        importer.import_file(store, path, actor="统计员")
    assert [(p.file, p.row, p.field, p.message) for p in err.value.problems] == [("统计.csv", 3, "整行", WANT)]
    assert "有 1 处问题，未导入任何数据" in err.value.message
    assert snapshot(store) == before
    # without the wide row the same file imports, the trailing empty cells ignored as before
    path.write_bytes(table([GOOD[0], GOOD[1], TRAILING_EMPTY], newline=newline).encode(encoding))
    assert importer.import_file(store, path, actor="统计员").added == 3


def test_a_wide_row_is_reported_alone_beside_the_other_rows_problems(initialised_store, tmp_path):
    """The wide row's own cells (read shifted) give no second message; the other rows' problems
    are all listed, in row order; a wide table's row is checked the same way."""
    path = tmp_path / "统计.csv"
    path.write_text(table([GOOD[0], "火星市,地区生产总值,2021,1,亿元,构造的测试来源", SHIFTED, "乐山市,常住人口,2021,abc,万人,"]),
                    encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        importer.import_file(initialised_store, path, actor="统计员")
    rows = [(p.row, p.field) for p in err.value.problems]
    assert (4, "整行") in rows and [r for r in rows if r[0] == 4] == [(4, "整行")]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows) and {3, 5} <= {r[0] for r in rows}

    wide = tmp_path / "宽表.csv"
    wide.write_text("地区,指标,单位,来源,2020,2021\n乐山市,地区生产总值,亿元,构造的测试来源,2003.4,2205.2\n"
                    "乐山市,常住人口,万人,构造的测试来源,316,3,16\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        importer.import_file(initialised_store, wide, actor="统计员")
    assert [(p.row, p.field, p.message) for p in err.value.problems] == [(3, "整行", WANT)]


def test_wide_rows_in_a_large_file_are_found_in_every_block(initialised_store, tmp_path):
    """Rows past the first block of the C parser (and of the problems' chunks) are reported too."""
    from innodrive.regions import all_regions

    codes = [r.code for r in all_regions() if r.level == "county"][:50]
    lines, wide_at = [], {7, 20_011, 45_002}
    for i in range(50_000):
        month = i // 50
        line = f"{codes[i % 50]},常住人口,{2000 + month // 12}-{month % 12 + 1:02d},{i % 97}.5,万人,构造的测试来源"
        lines.append(line + (",多出的值" if i + 2 in wide_at else ""))
    path = tmp_path / "大表.csv"
    path.write_text("区划代码,指标,年份,值,单位,来源\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        importer.import_file(initialised_store, path, actor="统计员")
    assert [(p.row, p.field) for p in err.value.problems] == [(n, "整行") for n in sorted(wide_at)]


def test_the_cli_names_the_wide_row_and_exits_with_status_2(tmp_path):
    env = {**os.environ, "INNODRIVE_HOME": str(tmp_path / "home"), "COLUMNS": "250"}
    env.pop("INNODRIVE_DATABASE_URL", None)

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=120)

    assert cli("init", "--no-data").returncode == 0
    path = tmp_path / "统计.csv"
    path.write_text(table([GOOD[0], SHIFTED]), encoding="utf-8")
    r = cli("data", "import", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert any("第 3 行" in ln and "该行有 7 个单元格，表头只有 6 列" in ln for ln in lines), r.stderr
    assert lines[-1].startswith("错误：文件 统计.csv：有 1 处问题，未导入任何数据")
    assert "无任何变化" not in cli("data", "import", str(path), "--dry-run").stdout
    path.write_text(table([GOOD[0]]), encoding="utf-8")
    assert "新增 1 个数值" in cli("data", "import", str(path)).stdout  # the failed import left nothing behind


def _xlsx(path, rows: list[list[object]], *, title: str | None = None) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "2022年"
    if title:
        ws.append([title])
    for r in rows:
        ws.append(r)
    wb.save(path)


XLSX_HEADER = HEADER.split(",")
XLSX_GOOD = [["乐山市", "地区生产总值", 2021, 2205.2, "亿元", "构造的测试来源"],
             ["乐山市", "常住人口", 2021, 316, "万人", "构造的测试来源"]]


def test_an_xlsx_row_with_a_filled_cell_beyond_the_header_is_reported_and_nothing_is_imported(initialised_store,
                                                                                              tmp_path):
    """Excel rows are not cut to the header: a value in a column without a header names the row
    as Excel numbers it (a title row above the header counts), and nothing is imported; cells
    beyond the header that are empty or spaces (Excel leaves them) are no problem."""
    store = initialised_store
    before = snapshot(store)
    path = tmp_path / "统计.xlsx"
    trailing = ["绵阳市", "地区生产总值", 2022, 3350.3, "亿元", "构造的测试来源", None, "  "]
    wide = ["乐山市", "地区生产总值", 2022, 2305.2, "亿元", "构造的测试来源", None, "备注写错了列"]
    _xlsx(path, [XLSX_HEADER, XLSX_GOOD[0], trailing, wide, XLSX_GOOD[1]], title="2022年科技统计表（构造）")
    with pytest.raises(ValidationFailed) as err:
        importer.import_file(store, path, actor="统计员")
    want = ("该行有 8 个单元格，表头只有 6 列（多出 2 个，从第 G 列起没有表头），无法确定各值对应的列；"
            "请检查该行是否有未加引号的逗号，或为多出的列补上表头")
    assert [(p.file, p.row, p.field, p.message) for p in err.value.problems] == [("统计.xlsx（工作表“2022年”）", 5, "整行", want)]
    assert "有 1 处问题，未导入任何数据" in err.value.message
    assert snapshot(store) == before
    # without the wide row the same sheet imports, its trailing empty cells ignored
    _xlsx(path, [XLSX_HEADER, XLSX_GOOD[0], trailing, XLSX_GOOD[1]], title="2022年科技统计表（构造）")
    assert importer.import_file(store, path, actor="统计员").added == 3


def test_the_cli_names_the_wide_xlsx_row_and_changes_nothing(tmp_path, monkeypatch, capsys):
    from innodrive.cli import main

    monkeypatch.delenv("INNODRIVE_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "统计.xlsx"
    _xlsx(path, [XLSX_HEADER, XLSX_GOOD[0], [*XLSX_GOOD[1], 7]])
    assert main(["init", "--no-data"]) == 0
    capsys.readouterr()
    assert main(["data", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "第 3 行" in err and "该行有 7 个单元格，表头只有 6 列（多出 1 个，从第 G 列起没有表头）" in err, err
    _xlsx(path, [XLSX_HEADER, XLSX_GOOD[0]])
    assert main(["data", "import", str(path)]) == 0
    assert "新增 1 个数值" in capsys.readouterr().out  # the failed import left nothing behind


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_wide_first_data_row_is_reported_and_nothing_is_imported(initialised_store, tmp_path, encoding):
    """The first line of a slab of the C parser (here the file's first data row): pandas would
    drop the cells beyond the header there with only a warning."""
    store = initialised_store
    before = snapshot(store)
    path = tmp_path / "统计.csv"
    # no wider line later in the slab (that one would make the C parser refuse the slab)
    path.write_bytes(table([SHIFTED, *GOOD]).encode(encoding))
    with pytest.raises(ValidationFailed) as err:
        importer.import_file(store, path, actor="统计员")
    assert [(p.file, p.row, p.field, p.message) for p in err.value.problems] == [("统计.csv", 2, "整行", WANT)]
    assert snapshot(store) == before
