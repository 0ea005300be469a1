"""Import validation: every bad row and column is named, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from innodrive.errors import ValidationFailed
from innodrive.indicators import importer
from innodrive.store.schema import AuditRow, ImportBatchRow, ObservationRow


@pytest.fixture
def store(initialised_store):
    return initialised_store


def snapshot(store) -> tuple:
    """Everything an import could touch, row by row."""
    with store.read() as s:
        obs = [tuple(getattr(r, c.name) for c in ObservationRow.__table__.columns)
               for r in s.scalars(select(ObservationRow).order_by(ObservationRow.id))]
        batches = s.scalars(select(ImportBatchRow.id)).all()
        audits = s.scalars(select(AuditRow.id)).all()
    return obs, batches, audits


def write(path, text: str, encoding: str = "utf-8"):
    path.write_text(text, encoding=encoding)
    return path


GOOD = """地区,指标,年份,值,单位,来源
乐山市,R&D经费支出,2020,25.3,亿元,测试来源A
乐山市,地区生产总值,2020,2003.43,亿元,测试来源B
"""

BAD = """地区,指标,年份,值,单位,来源,备注
乐山市,R&D经费支出,2021,31.2,亿元,测试来源A,
乐山,高企数,2021,120,家,测试来源A,
火星市,地区生产总值,2021,100,亿元,测试来源B,
乐山市,研发经费支出总额,2021,12,亿元,测试来源B,
乐山市,地区生产总值,2021,约2200,亿元,测试来源B,
乐山市,常住人口,2021,316,万人,,
乐山市,高新技术企业数量,2021,300,亿元,测试来源C,
乐山市,地区生产总值,二〇二一,2205.2,亿元,测试来源B,
乐山市,技术合同成交额,2021,10,亿元,测试来源D,
乐山市,技术合同成交额,2021,12,亿元,测试来源D,
朝阳区,地区生产总值,2021,100,亿元,测试来源E,
"""


def test_a_malformed_file_reports_every_bad_row_and_changes_nothing(store, tmp_path):
    importer.import_file(store, write(tmp_path / "good.csv", GOOD), actor="统计员")
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as err:
        importer.import_file(store, write(tmp_path / "bad.csv", BAD), actor="统计员")
    assert snapshot(store) == before
    problems = {(p.row, p.field): p.message for p in err.value.problems}
    assert all(p.file == "bad.csv" for p in err.value.problems)
    # row 2 is fine; row 3 uses the short name 乐山 and the alias 高企数 — also fine
    assert {row for row, _ in problems} == {4, 5, 6, 7, 8, 9, 11, 12}
    assert "未知的地区“火星市”" in problems[(4, "地区")]
    assert problems[(5, "指标")].startswith("指标目录中没有指标“研发经费支出总额”；最接近的目录指标：R&D经费支出、")
    assert problems[(6, "值")] == "值“约2200”不是数字"
    assert "来源为空" in problems[(7, "来源")]
    assert "不属于同一类" in problems[(8, "单位")] and "家" in problems[(8, "单位")]
    assert "无法识别的时期“二〇二一”" in problems[(9, "年份")]
    assert "与第 10 行重复" in problems[(11, "值")] and "10亿元 与 12亿元" in problems[(11, "值")]
    assert "对应多个地区" in problems[(12, "地区")]
    # the one-line message names the file and the count
    assert str(err.value) == "文件 bad.csv：有 8 处问题，未导入任何数据"


def test_missing_columns_are_named(store, tmp_path):
    with pytest.raises(ValidationFailed) as err:
        importer.import_file(store, write(tmp_path / "cols.csv", "地区,指标,年份,值\n乐山市,地区生产总值,2020,1\n"),
                             actor="统计员")
    [p] = err.value.problems
    assert p.row == 1 and "缺少必需的列：单位、来源" in p.message


def test_unsupported_and_unreadable_files_are_refused_clearly(store, tmp_path):
    from innodrive.errors import InputError

    with pytest.raises(InputError, match="不支持旧版 Excel"):
        importer.import_file(store, write(tmp_path / "old.xls", "x"), actor="统计员")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="无法读取 Excel 文件"):
        importer.import_file(store, tmp_path / "broken.xlsx", actor="统计员")
    with pytest.raises(InputError, match="文件不存在"):
        importer.import_file(store, tmp_path / "missing.csv", actor="统计员")
    with pytest.raises(InputError, match="表格为空"):
        importer.import_file(store, write(tmp_path / "empty.csv", ""), actor="统计员")


def test_a_blank_value_is_unknown_and_is_skipped_not_zero(store, tmp_path):
    text = "地区,指标,单位,来源,2019,2020,2021\n乐山市,地区生产总值,亿元,测试来源,,2003.43,-\n"
    r = importer.import_file(store, write(tmp_path / "wide.csv", text), actor="统计员")
    assert (r.added, r.blank) == (1, 2)
    with store.read() as s:
        assert s.scalars(select(ObservationRow.period)).all() == ["2020"]
