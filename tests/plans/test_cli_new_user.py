"""The living plan as a new user meets it (issue 8 §8–18, issue 17 §5/§6), through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

DECISION = """中共乐山市委关于加快科技创新的决定
一、总体要求
1.主要目标。到2025年,全市国家高新技术企业达到400家,研发经费投入强度达到2.5%。
二、重点任务
1.培育创新主体。实施高新技术企业倍增计划。牵头单位:市科技局;责任单位:市财政局、市经信局。2023年6月底前完成。
2.建设创新平台。推进重点实验室建设。由市经信局牵头，市发展改革委配合。
"""
DATA = "地区,指标,年份,值,单位,来源\n乐山市,高新技术企业数量,2020,200,家,测试来源\n乐山市,高新技术企业数量,2022,300,家,测试来源\n"


@pytest.fixture
def cli(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in ("INNODRIVE_DATABASE_URL", "COLUMNS")}
    base.update({"INNODRIVE_HOME": str(tmp_path / "home"), "INNODRIVE_USER": "张三"})

    def run(*args: str, columns: int | None = 250, **env: str) -> subprocess.CompletedProcess:
        e = {**base, **env}
        if columns is not None:
            e["COLUMNS"] = str(columns)
        r = subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True, env=e,
                           timeout=120)
        assert "Traceback" not in r.stderr, r.stderr
        return r

    return run


@pytest.fixture
def ready(cli, tmp_path):
    assert cli("init", "--no-data").returncode == 0
    doc = tmp_path / "决定.txt"
    doc.write_text(DECISION, encoding="utf-8")
    data = tmp_path / "统计.csv"
    data.write_text(DATA, encoding="utf-8")
    assert cli("plan", "add", str(doc)).returncode == 0
    assert cli("data", "import", str(data)).returncode == 0
    return tmp_path


def test_boards_wrap_instead_of_cutting_and_can_be_written_to_files(cli, ready):
    from openpyxl import load_workbook

    narrow = cli("status", "--as-of", "2023年6月30日", columns=80)
    assert narrow.returncode == 0
    assert "原因：" in narrow.stdout and "…" not in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    piped = cli("tasks", "--as-of", "2023/7/10", columns=None)  # a pipe: no terminal width at all
    assert "原因：" in piped.stdout and "牵头单位：市科技局" in piped.stdout
    xlsx, csv_ = ready / "看板.xlsx", ready / "任务.csv"
    assert cli("status", "--as-of", "2023-06-30", "--out", str(xlsx)).returncode == 0
    ws = load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["编号", "计划", "地区"] and "原因" in header and ws.max_row >= 3
    assert cli("tasks", "--as-of", "2023-07-10", "--out", str(csv_)).returncode == 0
    text = csv_.read_text(encoding="utf-8-sig")
    assert text.startswith("编号,计划,任务,牵头单位") and "市发展改革委" in text
    bad = cli("status", "--out", str(ready / "看板.txt"))
    assert bad.returncode == 2 and ".xlsx 或 .csv" in bad.stderr


def test_dates_percent_and_due_within(cli, ready):
    r = cli("tasks", "--overdue", "--due-within", "30", "--as-of", "2023年6月15日")
    assert "培育创新主体" in r.stdout  # due 2023-06-30: within 30 days
    assert "培育创新主体" not in cli("tasks", "--overdue", "--due-within", "5", "--as-of", "2023-06-15").stdout
    task_id = next(line.split("│")[1].strip() for line in r.stdout.splitlines() if "培育创新主体" in line)
    r = cli("report-progress", task_id, "--status", "推进中", "--percent", "60%", "--note", "推进", "--as-of",
            "2023/6/1", "--by", "王五")
    assert r.returncode == 0 and "60%" in r.stdout
    assert cli("milestone", task_id, "2023年9月", "完成摸底").returncode == 0
    for day in ("9999-12-31", "0001-01-01"):
        r = cli("status", "--as-of", day)
        assert r.returncode == 2 and "超出可处理的范围" in r.stderr


def test_a_single_problem_is_named_and_bad_settings_are_refused(cli, ready):
    bad = ready / "一处.csv"
    bad.write_text("地区,指标,年份,值,单位,来源\n火星市,地区生产总值,2020,1,亿元,x\n", encoding="utf-8")
    r = cli("data", "import", str(bad))
    assert r.returncode == 2 and "第 2 行" in r.stderr and "火星市" in r.stderr
    for value in ("abc", "inf", "-5", "nan"):
        r = cli("data", "import", str(bad), INNODRIVE_MAX_INPUT_MB=value)
        assert r.returncode == 2 and "INNODRIVE_MAX_INPUT_MB" in r.stderr, value


def test_audit_is_in_chinese_filters_by_entity_and_verifies(cli, ready):
    r = cli("audit", "--entity", "计划")
    assert r.returncode == 0 and "新增计划" in r.stdout and "导入数据" not in r.stdout
    # the changes are shown with Chinese labels and values, never as raw keys or JSON
    tasks = cli("tasks", "--as-of", "2023-06-15").stdout
    task_id = next(line.split("│")[1].strip() for line in tasks.splitlines() if "建设创新平台" in line)
    assert cli("tasks", "assign", task_id, "--lead", "市科技局", "--co", "市财政局").returncode == 0
    assert cli("report-progress", task_id, "--status", "推进中", "--percent", "40", "--note", "推进",
               "--as-of", "2023-06-01", "--by", "王五").returncode == 0
    log = cli("audit", "--entity", "任务").stdout
    assert "牵头单位：市经信局 → 市科技局" in log and "配合单位：" in log
    progress = cli("audit", "--limit", "3").stdout
    assert "完成百分比" in progress and "推进中" in progress
    for raw in ("lead_units", "co_units", "percent", "in_progress", '{"', "': "):
        assert raw not in log + progress, raw
    assert cli("audit", "--limit", "0").returncode == 2
    assert "哈希链完整" in cli("audit", "verify").stdout
    import sqlite3

    con = sqlite3.connect(ready / "home" / "innodrive.sqlite")
    con.execute("UPDATE audit_log SET summary = '篡改' WHERE id = (SELECT MIN(id) FROM audit_log)")
    con.commit()
    con.close()
    r = cli("audit", "verify")
    assert r.returncode == 4 and "第 1 条起不可信" in r.stderr


def test_plan_show_by_words_data_show_and_indicators(cli, ready):
    r = cli("plan", "show", "乐山 科技创新")
    assert r.returncode == 0 and "第 3 段第 2 句" in r.stdout
    r = cli("data", "show", "--region", "乐山", "--indicator", "高新技术企业数量")
    assert r.returncode == 0 and "2022" in r.stdout and "测试来源" in r.stdout
    assert "hnte_count" in cli("indicators", "高新").stdout
    r = cli("link", "某个说法", "高新技术企业数量")
    assert r.returncode == 0 and "hnte_count" in r.stdout and "没有任何已存目标" in r.stderr


def test_init_uses_a_per_user_folder_not_the_current_directory(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("INNODRIVE_HOME", "INNODRIVE_DATABASE_URL")}
    env["HOME"] = str(tmp_path / "user")
    env.pop("XDG_DATA_HOME", None)
    work = tmp_path / "somewhere"
    work.mkdir()
    r = subprocess.run([sys.executable, "-m", "innodrive", "init", "--no-data"], capture_output=True, text=True,
                       env=env, cwd=work, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "user" / ".local" / "share" / "innodrive" / "innodrive.sqlite").exists()
    assert not (work / ".innodrive").exists()


def test_warnings_with_user_text_show_markup_as_text(cli, ready):
    r = cli("link", "[/x]说法", "高新技术企业数量")  # the warning quotes the phrase
    assert r.returncode == 0 and "[/x]说法" in r.stderr
