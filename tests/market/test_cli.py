"""``innodrive market …`` as a 技术经纪人 and the office run it: the CONSTRUCTED labelled
set through the real CLI on a SQLite file under a temporary INNODRIVE_HOME — template,
import (a bad file refused whole, naming its row), search, explained matches, a pairing to a
registered contract that updates 技术合同成交额, the board, and the quality evaluation."""

from __future__ import annotations

import re

import pytest
from tests.market.market_helpers import DATA, demand_row, filled, labelled, result_row


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INNODRIVE_DATABASE_URL", raising=False)
    monkeypatch.setenv("INNODRIVE_USER", "王经纪")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.chdir(tmp_path)
    from innodrive.cli import main

    def run(*args: str, status: int = 0) -> str:
        code = main(list(args))
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        assert code == status, captured.err + captured.out
        return captured.out + captured.err

    return run


def test_from_the_template_to_a_registered_contract(cli, tmp_path):
    from openpyxl import load_workbook

    cli("init", "--no-data")
    assert "已写入" in cli("market", "template", "results", "--out", "成果模板.xlsx") or (tmp_path / "成果模板.xlsx").exists()
    assert "成果名称" in [c.value for c in next(load_workbook(tmp_path / "成果模板.xlsx").worksheets[0].iter_rows())]

    s = labelled()
    # results #1–#3: R02 (宜宾), R13 (宜宾), R01 (成都); demands #1–#4: D01–D04
    results = [result_row(s.results[i], i + 1) for i in (1, 12, 0)]
    bad = tmp_path / "坏成果.xlsx"
    bad.write_bytes(filled("result", results + [result_row(s.results[5], 6) | {"技术就绪度": 12}]))
    refused = cli("market", "import", str(bad), status=2)
    assert "第 5 行" in refused and "技术就绪度" in refused and "未导入任何成果" in refused
    good = tmp_path / "成果.xlsx"
    good.write_bytes(filled("result", results))
    assert "3 行全部通过检查（预览，未写入）" in cli("market", "import", str(good), "--dry-run")
    assert "新增 0 项" not in cli("market", "import", str(good))
    demands = tmp_path / "需求.xlsx"
    demands.write_bytes(filled("demand", [demand_row(d, i) for i, d in enumerate(s.demands[:4], start=1)]))
    assert "新增 4 项" in cli("market", "import", str(demands))

    listed = cli("market", "results", "--trl-min", "1")
    assert s.results[1].title[:8] in listed and "138****" in listed and "13800000002" not in listed

    matched = cli("market", "match", "--demand", "1", "--explain")
    assert "文本" in matched and "共同关键词" in matched
    out = cli("market", "pair", "new", "1", "--demand", "1", "--broker", "王经纪", "--on", "2025/3/1")
    pairing = re.search(r"对接 #(\d+)", out)[1]
    cli("market", "pair", "step", pairing, "洽谈", "--on", "2025年3月20日")
    cli("market", "pair", "step", pairing, "签约", "--on", "2025-04-01")
    registered = cli("market", "contracts", "register", pairing, "--no", "2025510100000123", "--type", "技术转让",
                     "--amount", "300", "--signed", "2025-04-01", "--registered", "2025-04-15")
    assert "tech_contract_turnover" in registered or "技术合同成交额" in registered
    assert "0.03" in registered   # 300万元 = 0.03亿元
    contracts = cli("market", "contracts", "list", "--year", "2025年")
    assert "2025510100000123" in contracts and "300" in contracts
    board = cli("market", "pair", "board")
    assert "技术合同登记" in board
    log = cli("audit", "--limit", "20")
    assert "王经纪" in log


def test_evaluate_reports_both_sets_and_the_baseline(cli):
    text = cli("market", "evaluate", str(DATA / "labelled.yaml"))
    assert "标注集：20 项需求 × 60 项成果" in text and "留出集：12 项需求 × 60 项成果" in text
    assert "precision@5" in text and "nDCG@10" in text and "TF-IDF" in text
