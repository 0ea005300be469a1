"""The office's tables (every bad row named, nothing kept) and the ``innodrive kaohe`` / ``report kaohe`` commands."""

from __future__ import annotations

import io

import pytest
from tests.kaohe.conftest import OFFICE

from innodrive.cli import main
from innodrive.errors import ValidationFailed
from innodrive.services import kaohe as svc

HEADER = "单位,指标,类别,数值,计量单位,来源,备注\n"


def _count_values(store, cycle) -> int:
    return svc.get_cycle(store, OFFICE, cycle).values


def test_a_bad_figures_table_names_every_row_and_keeps_nothing(example):
    store, cycle = example
    before = _count_values(store, cycle)
    table = HEADER + "\n".join([
        "市科技局,出台支持创新政策文件数,实际,5,件,部门自评,",        # row 2: fine
        "市商务局,出台支持创新政策文件数,实际,1,件,部门自评,",        # row 3: not assessed
        "市科技局,GDP增速,实际,5,%,部门自评,",                        # row 4: not in its framework
        "市经信局,服务企业创新满意度,实际,很好,分,调查,",             # row 5: not a number
        "市财政局,服务企业创新满意度,实际,88,分,,",                   # row 6: no source
        "犍为县,R&D经费投入强度,实际,1.1,%,县统计局,",                # row 7: actuals come from statistics
        "犍为县,技术合同成交额,目标,3,家,目标分解表,",                # row 8: 家 is not money
        "市科技局,出台支持创新政策文件数,实际,6,件,部门自评,",        # row 9: repeats row 2
        "市科技局,出台支持创新政策文件数,预计,6,件,部门自评,",        # row 10: unknown 类别
    ]) + "\n"
    with pytest.raises(ValidationFailed) as exc:
        svc.import_values(store, OFFICE, cycle, table.encode(), file_name="考核数据.csv")
    rows = [(p.row, p.field) for p in exc.value.problems]
    assert rows == [(3, "单位"), (4, "指标"), (5, "数值"), (6, "来源"), (7, "类别"), (8, "计量单位"), (9, "指标"),
                    (10, "类别")]
    assert all(p.file == "考核数据.csv" for p in exc.value.problems)
    assert "取自统计数据" in exc.value.problems[4].message
    assert _count_values(store, cycle) == before


def test_targets_are_converted_to_the_catalogue_unit_and_a_reimport_supersedes(example):
    store, cycle = example
    table = HEADER + "犍为县,技术合同成交额,目标,35000,万元,修订后的目标分解表,\n"
    view = svc.import_values(store, OFFICE, cycle, table.encode(), file_name="目标修订.csv")
    assert (view.added, view.replaced) == (0, 1)
    svc.score(store, OFFICE, cycle)
    line = next(r for r in svc.explain(store, OFFICE, cycle, "犍为县").rules if r.code == "tech_contract_turnover")
    assert line.target.value == pytest.approx(3.5) and "目标修订.csv 第 2 行" in line.target.source.text
    assert line.base == pytest.approx(3 / 3.5 * 10)
    dry = svc.import_values(store, OFFICE, cycle, table.encode(), file_name="目标修订.csv", dry_run=True)
    assert (dry.added, dry.replaced, dry.unchanged) == (0, 0, 1)


def test_items_need_evidence_and_a_declared_kind(example):
    store, cycle = example
    table = ("单位,事项,事由,证据,日期,来源\n"
             "市中区,获批国家级创新平台,获批国家重点实验室,,2024-05-01,\n"
             "市中区,获得表扬,领导表扬,讲话,2024-05-01,\n"
             "市中区,获批国家级创新平台,获批工程技术研究中心,科技部文件,2023-12-01,\n")
    with pytest.raises(ValidationFailed) as exc:
        svc.import_items(store, OFFICE, cycle, table.encode(), file_name="事项.csv")
    assert [(p.row, p.field) for p in exc.value.problems] == [(2, "证据"), (3, "事项"), (4, "日期")]


def test_a_formula_in_an_item_stays_text_in_the_appendix(example):
    import openpyxl

    from innodrive.reports.kaohe import appendix
    from innodrive.reports.xlsx import render_xlsx

    store, cycle = example
    svc.add_item(store, OFFICE, cycle, unit="市中区", item="获省级以上表彰或改革试点",
                 title='=HYPERLINK("http://example.invalid","点此")', evidence="+通报")
    svc.score(store, OFFICE, cycle)
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(appendix(svc.tongbao_data(store, OFFICE, cycle)))))
    cells = [c for row in wb["加扣分事项"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'=HYPERLINK(\"http://example.invalid\",\"点此\")" in cells and "'+通报" in cells


@pytest.fixture
def cli_db(example, monkeypatch):
    store, cycle = example
    monkeypatch.setenv("INNODRIVE_DATABASE_URL", str(store.url))
    monkeypatch.setenv("INNODRIVE_USER", "创新办张三")
    return store, cycle


def _out(capsys) -> str:
    """stdout without whitespace (Rich wraps lines at the console's width)."""
    return "".join(capsys.readouterr().out.split())


def _err(capsys) -> str:
    return "".join(capsys.readouterr().err.split())


def test_the_commands_run_the_year(cli_db, tmp_path, capsys):
    assert main(["kaohe", "cycles"]) == 0
    assert "乐山市2024年度创新驱动发展考核" in _out(capsys)
    assert main(["kaohe", "framework", "diff", "县域", "--from", "2023", "--to", "2024", "--region", "乐山市"]) == 0
    assert "共9处变化" in _out(capsys)
    assert main(["kaohe", "score", "--year", "2024"]) == 0
    out = _out(capsys)
    assert "第1次计分（初步结果）" in out and "107.00" in out and "一票否决" in out
    assert main(["kaohe", "explain", "沙湾区", "--year", "2024"]) == 0
    out = _out(capsys)
    assert "总分55.25" in out and "=55.25" in out
    evidence = tmp_path / "决算表.pdf"
    evidence.write_bytes(b"%PDF-1.4 constructed")
    assert main(["kaohe", "appeal", "file", "金口河区", "--year", "2024", "--subject",
                 "indicator:fiscal_sti_expenditure_share", "--value", "1.0", "--claim", "统计漏报",
                 "--evidence", str(evidence), "--today", "2025-01-22"]) == 0
    assert "申诉#1已提交" in _out(capsys)
    assert main(["kaohe", "appeal", "decide", "1", "--reason", "属实"]) == 2
    assert "--accept" in _err(capsys)
    assert main(["kaohe", "appeal", "decide", "1", "--accept", "--reason", "经核对属实"]) == 0
    assert "总分63.00→75.50" in _out(capsys)
    xlsx = tmp_path / "资金测算.xlsx"
    assert main(["kaohe", "allocate", "--year", "2024", "--group", "县（市、区）", "--pool", "500", "--floor", "80",
                 "--out", str(xlsx)]) == 0
    assert "模拟" in _out(capsys) and xlsx.is_file()
    outdir = tmp_path / "通报"
    outdir.mkdir()
    assert main(["report", "kaohe", "--year", "2024", "--format", "docx", "--out", str(outdir), "--serial", "3",
                 "--date", "2025-02-20"]) == 0
    assert "尚未定档" in _err(capsys)
    names = sorted(p.name for p in outdir.iterdir())
    assert names == ["2024年度创新驱动发展考核结果通报-附件-考核得分明细表.xlsx", "2024年度创新驱动发展考核结果通报.docx"]
    assert main(["kaohe", "finalise", "--year", "2024", "--today", "2025-02-01"]) == 0
    assert "已定档" in _out(capsys)


def test_command_errors_are_one_line(cli_db, capsys):
    assert main(["kaohe", "results", "--year", "2031"]) == 3
    assert "没有2031年度的考核" in _err(capsys)
    assert main(["kaohe", "results", "--year", "2024"]) == 3
    assert "还没有计算得分" in _err(capsys)
    assert main(["report", "kaohe", "--year", "2024", "--format", "odt"]) == 2
    assert "不支持的格式" in _err(capsys)
