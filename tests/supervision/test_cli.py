"""``innodrive duban``, ``evaluate-sample``, ``publish`` and ``report tongbao|evaluation|npc`` end
to end, as an office runs them (a real SQLite file, registered accounts).

The commands run in the test's process through :func:`innodrive.cli.main` — the function the
``innodrive`` program calls, returning the status the program exits with — because one new
Python process per command cost a second each. A refusal and the integrity check still run as
real ``python -m innodrive`` processes, so the exit statuses are also seen from outside."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest

from .world import PLAN, statistics

pytestmark = pytest.mark.slow


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    env = {"INNODRIVE_HOME": str(tmp_path / "home"), "COLUMNS": "250", "INNODRIVE_USER": "办公室"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("INNODRIVE_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    from innodrive.cli import main, output

    # the shared consoles read COLUMNS when they were made: give them the width a process would have
    monkeypatch.setattr(output.out, "_width", 250)
    monkeypatch.setattr(output.err, "_width", 250)

    def run(*args: str, stdin: str | None = None, process: bool = False):
        if process:  # the real program in its own process
            r = subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True,
                               env={**os.environ}, cwd=tmp_path, timeout=180, input=stdin)
        else:
            capsys.readouterr()
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
            code = main(list(args))
            captured = capsys.readouterr()
            r = SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err)
        assert "Traceback" not in r.stderr, r.stderr
        return r

    return run


def test_a_quarter_of_supervision_from_the_command_line(cli, tmp_path):
    plan, data = tmp_path / "要点.txt", tmp_path / "统计.csv"
    plan.write_text(PLAN, encoding="utf-8")
    data.write_bytes(statistics({2020: 70, 2021: 80, 2022: 90, 2023: 100, 2024: 110}).data)
    assert cli("init", "--no-data").returncode == 0
    assert cli("plan", "add", str(plan)).returncode == 0
    assert cli("data", "import", str(data)).returncode == 0
    for name, role, unit in (("ls-jxj", "责任单位", "市经信局"), ("ls-eval", "第三方评估", None)):
        args = ["users", "add", name, "--role", role, "--region", "乐山市", "--password-stdin"]
        assert cli(*args, *(["--unit", unit] if unit else []), stdin="Test-passw0rd\n").returncode == 0

    dry = cli("duban", "run", "--as-of", "2024-09-30", "--today", "2024-10-08", "--dry-run")
    assert dry.returncode == 0 and "将发起督办单 3 件" in dry.stdout
    assert "无法确定责任单位" in dry.stderr  # the red target: no unit states it
    run = cli("duban", "run", "--as-of", "2024-09-30", "--today", "2024-10-08")
    assert run.returncode == 0 and "督办〔2024〕3号" in run.stdout
    mine = cli("duban", "list", "--by", "ls-jxj")
    assert mine.returncode == 0 and mine.stdout.count("督办〔2024〕") == 1 and "市经信局" in mine.stdout
    own = re.search(r"#(\d+) 督办", mine.stdout)[1]
    other = next(i for i in ("1", "2", "3") if i != own)
    refused = cli("duban", "show", other, "--by", "ls-jxj", process=True)
    assert refused.returncode == 5 and "只能处理本单位（市经信局）的事项" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    evidence = tmp_path / "开工报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 constructed")
    assert cli("duban", "answer", own, "--text", "已开工", "-e", str(evidence), "--by", "ls-jxj").returncode == 0
    assert cli("duban", "close", own, "--note", "予以办结").returncode == 0
    assert "已办结" in cli("duban", "show", own).stdout

    out = tmp_path / "out"
    pdf = cli("report", "tongbao", "--period", "2024Q3", "--format", "pdf", "--out", str(out))
    assert pdf.returncode == 0 and "征求意见稿" in pdf.stdout and "逾期任务 3 项" in pdf.stdout
    files = sorted(p.name for p in out.iterdir())
    assert files == ["乐山市2024年第三季度督查通报.pdf", "乐山市2024年第三季度督查通报_附件.xlsx"]
    check = cli("report", "check", str(out / files[0]), "--expect", "逾期未完成3项")
    assert check.returncode == 0, check.stderr
    issued = cli("report", "tongbao", "--period", "2024Q3", "--format", "docx", "--out", str(out),
                 "--issue", "乐山创新办督〔2024〕3号", "--date", "2024-10-10")
    assert issued.returncode == 0 and "已印发（乐山创新办督〔2024〕3号" in issued.stdout
    again = cli("report", "tongbao", "--period", "2024Q3", "--format", "docx", "--out", str(out),
                "--issue", "乐山创新办督〔2024〕4号")
    assert again.returncode == 4 and "已印发" in again.stderr
    bad = cli("report", "tongbao", "--period", "二季度", "--format", "pdf")
    assert bad.returncode == 2 and "无法识别的时期" in bad.stderr

    # the evaluator samples (nothing approved yet: an empty frame is refused), the office cannot
    assert "抽样框为空" in cli("evaluate-sample", "draw", "--name", "核查", "--size", "2", "--by", "ls-eval").stderr
    refused = cli("duban", "run", "--by", "ls-eval")
    assert refused.returncode == 5 and "无权发起督办" in refused.stderr

    npc = cli("publish", "npc", "--as-of", "2024-09-30")
    assert npc.returncode == 0 and "完整" in npc.stdout
    snap = re.search(r"#(\d+) ", npc.stdout)[1]
    assert cli("report", "npc", snap, "--format", "pdf", "--out", str(out)).returncode == 0
    assert (out / "乐山市专项工作报告（草稿）.pdf").read_bytes().startswith(b"%PDF")
    assert cli("publish", "verify").returncode == 0
    import sqlite3

    db = next((tmp_path / "home").glob("*.sqlite*"))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE publication_snapshots SET content = content || ' ' WHERE id = ?", (int(snap),))
    tampered = cli("publish", "verify", process=True)
    assert tampered.returncode == 4 and "未通过完整性校验" in tampered.stderr


def test_the_evaluator_draws_judges_and_checks_a_sample(cli, tmp_path):
    plan = tmp_path / "要点.txt"
    plan.write_text(PLAN, encoding="utf-8")
    assert cli("init", "--no-data").returncode == 0
    assert cli("plan", "add", str(plan)).returncode == 0
    assert cli("users", "add", "ls-eval", "--role", "第三方评估", "--region", "乐山市", "--password-stdin",
               stdin="Test-passw0rd\n").returncode == 0
    for task in ("1", "1", "2", "3", "3"):
        r = cli("report-progress", task, "--status", "推进中", "--note", "按计划推进", "--as-of", "2024-09-01")
        assert r.returncode == 0, r.stderr
    for report in ("1", "2", "3", "4", "5"):
        r = cli("review", report, "--approve", "--by", "复核人")
        assert r.returncode == 0, r.stderr
    drawn = cli("evaluate-sample", "draw", "--name", "核查", "--size", "4", "--by-strata", "unit", "--seed", "77",
                "--by", "ls-eval")
    assert drawn.returncode == 0 and "种子 77" in drawn.stdout and "抽样框 5 份" in drawn.stdout
    shown = cli("evaluate-sample", "show", "1", "--by", "ls-eval")
    items = re.findall(r"事项 (\d+)｜", shown.stdout)
    assert len(items) == 4
    assert cli("evaluate-sample", "verdict", items[0], "不符", "--note", "无佐证材料", "--by", "ls-eval").returncode == 0
    local = cli("evaluate-sample", "verdict", items[1], "核实")  # the local operator has no account…
    assert local.returncode == 0  # …and holds every right on its own machine
    rates = cli("evaluate-sample", "rates", "1", "--by", "ls-eval")
    assert "不符 1" in rates.stdout and "50.0%" in rates.stdout
    check = cli("evaluate-sample", "check", "1", "--by", "ls-eval")
    assert check.returncode == 0 and "与原样本完全相同" in check.stdout
    out = tmp_path / "out"
    assert cli("report", "evaluation", "1", "--format", "docx", "--out", str(out), "--evaluator", "某咨询公司（构造）",
               "--by", "ls-eval").returncode == 0
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".xlsx"]
    no = cli("duban", "raise", "--subject", "x", "--unit", "市经信局", "--deadline", "2030-01-01", "--response", "x",
             "--by", "ls-eval")
    assert no.returncode == 5
