"""The living-plan commands end to end, as a user runs them (real processes, a real
SQLite file under a temporary INNODRIVE_HOME, the real extractor and tracking)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

DECISION = """中共乐山市委关于加快科技创新的决定
(2021年7月6日中国共产党乐山市第七届委员会第十二次全体会议通过)

一、总体要求
1.主要目标。到2025年,全市国家高新技术企业达到{firms}家,研发经费投入强度达到2.5%。
二、重点任务
1.培育创新主体。实施高新技术企业倍增计划。牵头单位:市科技局;责任单位:市财政局、市经信局。2023年6月底前完成。
2.建设创新平台。推进重点实验室建设。
"""
DATA = """地区,指标,年份,值,单位,来源
乐山市,高新技术企业数量,2020,200,家,测试数据（非真实统计）
乐山市,高新技术企业数量,2022,300,家,测试数据（非真实统计）
"""


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "INNODRIVE_HOME": str(tmp_path / "home"), "COLUMNS": "250", "INNODRIVE_USER": "张三"}
    env.pop("INNODRIVE_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        r = subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=120)
        assert "Traceback" not in r.stderr, r.stderr
        return r

    return run


def test_commands_refuse_an_uninitialised_database_in_one_line(cli):
    r = cli("plans")
    assert r.returncode == 2
    assert "尚未初始化：请先运行 innodrive init" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_the_living_plan_from_document_to_lights(cli, tmp_path):
    doc, data = tmp_path / "决定.txt", tmp_path / "统计.csv"
    doc.write_text(DECISION.format(firms=400), encoding="utf-8")
    data.write_text(DATA, encoding="utf-8")
    assert cli("init", "--no-data").returncode == 0
    r = cli("data", "import", str(data))
    assert r.returncode == 0 and "新增 2 个数值" in r.stdout
    r = cli("plan", "add", str(doc))
    assert r.returncode == 0 and "新增计划 #1《中共乐山市委关于加快科技创新的决定》第 1 版" in r.stdout
    assert "未变化" in cli("plan", "add", str(doc)).stdout

    # Target 400 by 2025, baseline 2020 = 200 (the plan starts in 2021). Latest actual 2022 = 300.
    # Time share at 2022: (2022 − 2020) / (2025 − 2020) = 0.4; path value 200 + (400 − 200) × 0.4 = 280;
    # progress (300 − 200) / (400 − 200) = 50 %; gap +10 points → green under the default rules.
    r = cli("status", "--region", "乐山市", "--as-of", "2023-06-30")
    assert r.returncode == 0
    row = next(line for line in r.stdout.splitlines() if "国家高新技术企业" in line)
    assert "≥400家" in row or "400家" in row
    assert "200（2020）" in row and "300（2022年）" in row and "│ 280 " in row and "50%" in row and "绿灯" in row
    intensity = next(line for line in r.stdout.splitlines() if "研发经费投入强度" in line)
    assert "灰灯" in intensity  # no data: said so, not guessed

    # the task with a limit of 2023年6月底 is overdue on 10 July; the other runs to the plan's end (2025)
    r = cli("tasks", "--overdue", "--as-of", "2023-07-10")
    assert "培育创新主体" in r.stdout and "2023-06-30" in r.stdout and "红灯" in r.stdout
    assert "建设创新平台" not in r.stdout
    task_id = next(line.split("│")[1].strip() for line in r.stdout.splitlines() if "培育创新主体" in line)

    r = cli("report-progress", task_id, "--status", "已完成", "--percent", "100", "--note", "新认定高新技术企业18家",
            "--as-of", "2023-06-28", "--by", "王五")
    assert r.returncode == 0 and "等待审核" in r.stdout
    report_id = r.stdout.split("#", 1)[1].split("（", 1)[0]
    assert "新认定高新技术企业18家" in cli("review").stdout
    r = cli("review", report_id, "--approve", "--by", "王五")
    assert r.returncode == 4 and "审核人不能是报送人本人" in r.stderr
    assert cli("review", report_id, "--approve", "--by", "赵六").returncode == 0
    assert "没有逾期任务" in cli("tasks", "--overdue", "--as-of", "2023-07-10").stdout

    # a revised document becomes version 2, with its differences
    doc.write_text(DECISION.format(firms=450), encoding="utf-8")
    r = cli("plan", "add", str(doc))
    assert "新版本 #1" in r.stdout and "第 2 版" in r.stdout and "400 → 450" in r.stdout
    r = cli("plan", "diff", "1")
    assert "第 1 版 → 第 2 版" in r.stdout and "400 → 450" in r.stdout
    r = cli("audit", "--limit", "50")
    assert "审核通过" in r.stdout and "计划新版本" in r.stdout and "导入数据" in r.stdout
    assert "审核状态：待审核 → 已通过" in r.stdout  # changes in Chinese labels, not raw JSON keys


def test_a_bad_import_lists_every_problem_and_fails_with_status_2(cli, tmp_path):
    assert cli("init", "--no-data").returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("地区,指标,年份,值,单位,来源\n火星市,地区生产总值,2020,1,亿元,x\n乐山市,地区生产总值,2020,abc,亿元,\n",
                   encoding="utf-8")
    r = cli("data", "import", str(bad), "--dry-run")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert any("第 2 行" in line and "火星市" in line for line in lines)
    assert any("第 3 行" in line and "不是数字" in line for line in lines)
    assert any("第 3 行" in line and "来源为空" in line for line in lines)
    assert lines[-1].startswith("错误：文件 bad.csv：有 3 处问题，未导入任何数据")


def test_dry_run_shows_the_changes_and_writes_nothing(cli, tmp_path):
    assert cli("init", "--no-data").returncode == 0
    data = tmp_path / "统计.csv"
    data.write_text(DATA, encoding="utf-8")
    r = cli("data", "import", str(data), "--dry-run")
    assert r.returncode == 0 and "将新增 2 个数值" in r.stdout and "未写入数据库" in r.stdout
    assert "新增 2 个数值" in cli("data", "import", str(data)).stdout  # still new: the preview wrote nothing
    assert "无任何变化" in cli("data", "import", str(data)).stdout


def test_link_lists_unmatched_targets_and_remembers_a_mapping(cli, tmp_path):
    from innodrive.plans.storage import stored_targets
    from innodrive.store import open_store

    doc = tmp_path / "决定.txt"
    doc.write_text(DECISION.format(firms=400).replace("研发经费投入强度达到2.5%", "高水平创新人才总量达到500人"),
                   encoding="utf-8")
    cli("init", "--no-data")
    cli("plan", "add", str(doc))
    store = open_store("sqlite:///" + str(tmp_path / "home" / "innodrive.sqlite"))
    unmatched = {t.target.indicator for t in stored_targets(store) if t.indicator_code is None
                 and t.target.kind != "milestone"}
    store.close()
    listing = cli("link").stdout
    assert all(phrase in listing for phrase in unmatched)
    if not unmatched:
        assert "均已对应" in listing
    # a person's choice overrides whatever the matcher decided, and is shown as such
    r = cli("link", "高水平创新人才总量", "high_level_talent_count")
    assert r.returncode == 0 and "更新 1 项已存目标" in r.stdout
    row = next(line for line in cli("plan", "show", "1").stdout.splitlines() if "高水平创新人才总量" in line)
    assert "high_level_talent_count" in row and "人工指定" in row
    assert "高水平创新人才总量" not in cli("link").stdout
    r = cli("link", "高水平创新人才总量", "no_such_code")
    assert r.returncode == 3 and "指标目录中没有代码" in r.stderr
