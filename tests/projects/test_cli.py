"""``innodrive projects …`` as the office runs it: the constructed example from 榜单 to the
last tranche on a real SQLite file under a temporary INNODRIVE_HOME."""

from __future__ import annotations

import pytest

from innodrive.projects import example

from .project_helpers import split


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INNODRIVE_DATABASE_URL", raising=False)
    monkeypatch.setenv("INNODRIVE_USER", "李科长")
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


def _store():
    from innodrive.store import open_store

    return open_store()


def test_the_office_runs_a_call_from_the_command_line(cli, tmp_path):
    cli("init", "--no-data")
    text = cli("projects", "example", "--out", "ex", "--load")
    assert "构造示例" in text and (tmp_path / "ex" / "榜单.yaml").read_text(encoding="utf-8").startswith("# 构造示例")
    assert "JB-2024-01-002" in cli("projects", "applications", "JB-2024-01")
    shown = cli("projects", "show", "JB-2024-01-002")
    assert "企业成立满一年" in shown and "不符合" in shown and "<= 2023-04-30" in shown
    assert "盲评" in cli("projects", "show-call", "JB-2024-01")

    assert "新分配 15 人次" in cli("projects", "assign", "JB-2024-01", "--on", "2024-05-06", "--dry-run")
    out = cli("projects", "assign", "JB-2024-01", "--on", "2024-05-06")
    assert "已分配：新分配 15 人次" in out and "每人评审 1–2 项" in out

    from innodrive.services import projects as P
    from innodrive.services.actor import Actor

    store = _store()
    office = Actor.local_operator("李科长")
    lines = P.assignments(store, office, "JB-2024-01")
    first, rest = lines[0], lines[1:]
    bad = cli("projects", "score", str(first.assignment_id), "tech=45", "team=20", "budget=10", "benefit=10", status=2)
    assert "超出范围 0–40" in bad
    cli("projects", "score", str(first.assignment_id), *(f"{k}={v}" for k, v in split(84).items()))
    base = {"JB-2024-01-001": 84, "JB-2024-01-003": 72, "JB-2024-01-004": 68}
    for line in rest:
        P.submit_scores(store, office, line.assignment_id, split(base[line.application_code]))
    store.close()

    blind = cli("projects", "reviews", "--by", "expert")
    assert "盲评" in blind
    for name in ("乐山示例硅材料", "乐山示例光电", "乐山示例学院", example.SILICON, "王示例", "周示例"):
        assert name not in blind

    ranking = cli("projects", "ranking", "JB-2024-01")
    assert ranking.index("JB-2024-01-001") < ranking.index("JB-2024-01-003") < ranking.index("JB-2024-01-004")
    cli("projects", "select", "JB-2024-01-001", "--amount", "350", "--reason", "综合排名第一")
    cli("projects", "publicity", "open", "JB-2024-01", "--start", "2024-06-01")
    cli("projects", "objection", "add", "JB-2024-01", "JB-2024-01-001", "--received", "2024-06-03", "--submitter", "张某",
        "--contact", "13812345678", "--text", "对方案原创性有疑问")
    listed = cli("projects", "objection", "list", "JB-2024-01")
    assert "138****5678" in listed and "13812345678" not in listed
    refused = cli("projects", "publicity", "close", "JB-2024-01", "--on", "2024-06-08", status=4)
    assert "异议未处理" in refused and len(refused.strip().splitlines()) == 1
    cli("projects", "objection", "handle", "1", "--reject", "--response", "经核查异议不成立")
    assert "已立项" in cli("projects", "publicity", "close", "JB-2024-01", "--on", "2024-06-08")
    assert "乐山示例硅材料有限公司" in cli("projects", "publicity", "list")

    cli("projects", "contract", "JB-2024-01-001", "ex/合同.yaml")
    early = cli("projects", "pay", "HT-2024-JB01", "2", "--on", "2024-07-01", "--voucher", "GK-2", status=4)
    assert "尚未验收通过" in early
    cli("projects", "pay", "HT-2024-JB01", "1", "--on", "2024-06-25", "--voucher", "GK-1")
    cli("projects", "check", "HT-2024-JB01", "2", "--on", "2025-06-20", "--conclusion", "通过", "--comments", "中期检查通过")
    cli("projects", "pay", "HT-2024-JB01", "2", "--on", "2025-07-01", "--voucher", "GK-2")
    patent = cli("projects", "output", "HT-2024-JB01", "--kind", "发明专利授权", "--title", "一种制备方法（示例）",
                 "--id", "ZL2025100000001", "--on", "2025-11-03")
    assert "project_invention_patent_grants 2025 年 = 1件" in patent
    board = cli("projects", "board", "--as-of", "2025-08-01")
    assert "按期推进" in board and "HT-2024-JB01" in board
    cli("projects", "check", "HT-2024-JB01", "3", "--on", "2026-06-25", "--conclusion", "通过", "--comments", "结题验收通过")
    paid = cli("projects", "pay", "HT-2024-JB01", "3", "--on", "2026-07-03", "--voucher", "GK-3")
    assert "累计 350/350 万元，余额 0 万元" in paid
    assert "已结题" in cli("projects", "project", "HT-2024-JB01")
    log = cli("audit", "--entity", "project_contract", "--limit", "20")
    assert log.count("拨付") >= 3 and "李科长" in log


def test_bad_files_are_reported_with_file_and_field(cli, tmp_path):
    cli("init", "--no-data")
    bad = tmp_path / "榜单.yaml"
    bad.write_text("code: X\ntitle: 测试\nquota: 很多\n", encoding="utf-8")
    out = cli("projects", "call", str(bad), status=2)
    assert "榜单.yaml" in out and "字段「quota」：应为数字" in out and "字段「problem」：缺少必填项" in out
    experts = tmp_path / "专家.csv"
    experts.write_text("姓名,工作单位,专业领域,每轮最多评审数\n张示例,示例大学,新材料;电子信息,三\n", encoding="utf-8")
    out = cli("projects", "experts", str(experts), status=2)
    assert "第 2 行" in out and "每轮最多评审数" in out and "应为整数" in out
    experts.write_text("姓名,工作单位,专业领域,合作关系\n张示例,示例大学,新材料;电子信息,某公司:2023；李某\n", encoding="utf-8")
    assert "新增 1 人" in cli("projects", "experts", str(experts))
    listed = cli("projects", "experts")
    assert "新材料、电子信息" in listed and "某公司（2023）" in listed and "李某（年份未注明）" in listed
