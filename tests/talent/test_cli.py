"""``innodrive talent …`` end to end on a SQLite file: exit statuses, Chinese messages,
masked output by default, and no traceback."""

from __future__ import annotations

import re

import pytest

from innodrive.cli import main
from innodrive.enterprises.directory import Enterprise
from innodrive.services.actor import Actor
from innodrive.services.enterprise_directory import register_enterprises
from innodrive.store import open_store
from innodrive.store.testing import initialised_database

from .helpers import FIRM, SHIZHONG, ident, wrong_check

GOOD = ident("19750302", seq="111")


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    with initialised_database("sqlite", tmp_path) as url:
        monkeypatch.setenv("INNODRIVE_DATABASE_URL", url)
        monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("INNODRIVE_USER", "rencaiban")
        monkeypatch.setenv("COLUMNS", "300")  # wide tables stay on one line each
        store = open_store(url)
        register_enterprises(store, Actor.local_operator("setup"), [
            Enterprise(credit_code=FIRM, name="乐山示例光电有限公司（构造）", region_code=SHIZHONG)])
        store.close()

        def run(*args: str) -> tuple[int, str, str]:
            code = main(list(args))
            captured = capsys.readouterr()
            return code, re.sub(r"\s+", " ", captured.out), re.sub(r"\s+", " ", captured.err)

        yield run, tmp_path


def test_a_week_of_talent_work_from_the_command_line(cli):
    run, tmp = cli
    table = tmp / "人才登记表.csv"
    header = "姓名,证件号码,联系电话,统一社会信用代码,人才类别,到岗日期,引进方式\n"
    table.write_text(header + f"李示甲,{GOOD},13900000001,{FIRM},B,2019-05-01,全职\n"
                     f"赵示乙,{wrong_check(ident('19880812'))},,{FIRM},D,2020-09-01,全职\n", encoding="utf-8")
    code, out, err = run("talent", "import", str(table))
    assert code == 2 and "第 3 行" in err and "校验位错误" in err and "Traceback" not in err
    table.write_text(header + f"李示甲,{GOOD},13900000001,{FIRM},B,2019-05-01,全职\n", encoding="utf-8")
    code, out, err = run("talent", "import", str(table))
    assert code == 0 and "新增 1 人" in out
    code, out, _ = run("talent", "list")
    assert code == 0 and "李*甲" in out and GOOD not in out and "13900000001" not in out
    code, _, err = run("talent", "show", "T000001", "--personal")
    assert code == 2 and "须写明用途" in err
    code, out, _ = run("talent", "show", "T000001", "--personal", "--purpose", "核对身份")
    assert code == 0 and GOOD in out and "记入审计日志" in out
    code, out, _ = run("talent", "card", "check", "T000001", "--on", "2024-06-30")
    assert code == 0 and "发放英才卡A卡" in out and "示例" in out
    code, out, _ = run("talent", "card", "issue", "T000001", "--on", "2024-01-02")
    assert code == 0 and "YC2024-00001" in out and "2029-01-01" in out
    code, out, _ = run("talent", "request", "submit", "T000001", "housing", "--on", "2024-07-01",
                       "--description", "申请人才公寓")
    assert code == 0 and "R000001" in out and "2024-07-22 前答复" in out
    code, out, _ = run("talent", "escalate", "--as-of", "2024-07-23")
    assert code == 0 and "逾期催办" in out
    code, out, _ = run("talent", "request", "answer", "R000001", "--text", "已配租", "--on", "2024-07-24")
    assert code == 0 and "逾期" in out
    code, out, _ = run("talent", "request", "rate", "R000001", "4", "--on", "2024-07-25")
    assert code == 0 and "满意" in out
    code, out, _ = run("talent", "figures", "--from", "2024-01-01", "--to", "2024-12-31", "--as-of", "2024-12-31")
    assert code == 0 and "市住建局" in out and "0.0%" in out and "100.0%" in out
    code, out, _ = run("talent", "counts", "--region", "乐山市", "--years", "2019-2023", "--publish")
    assert code == 0 and "顶尖人才和科技领军人才数量" in out and "已写入指标数据" in out
    export = tmp / "名单.xlsx"
    code, out, _ = run("talent", "export", str(export))
    assert code == 0 and export.exists() and "脱敏" in out
    code, _, err = run("talent", "erase", "T000001", "--reason", "本人申请删除")
    assert code == 2 and "--yes" in err
    code, out, _ = run("talent", "erase", "T000001", "--reason", "本人申请删除", "--yes")
    assert code == 0 and "统计贡献已转为汇总" in out
    code, out, _ = run("audit", "--limit", "30")
    assert code == 0 and GOOD not in out and "李示甲" not in out


def test_without_a_key_every_talent_command_says_what_is_missing(cli, monkeypatch):
    run, _ = cli
    monkeypatch.delenv("INNODRIVE_TALENT_KEY")
    code, _, err = run("talent", "add", "--name", "张示例", "--id", GOOD, "--code", FIRM, "--arrival", "2020-01-01",
                       "--employment", "全职")
    assert code == 1 and "未配置人才个人信息加密密钥（环境变量 INNODRIVE_TALENT_KEY）" in err
    assert "Traceback" not in err and "talent keygen" not in err


def test_keygen_rules_and_template(cli):
    run, tmp = cli
    code, out, _ = run("talent", "keygen")
    assert code == 0 and len(out.strip()) == 44
    code, out, _ = run("talent", "rules", "--on", "2024-06-30")
    assert code == 0 and "人才分类目录（示例）" in out and "市住建局" in out and "15个工作日" in out
    code, out, _ = run("talent", "template", "--out", str(tmp / "模板.xlsx"))
    assert code == 0 and (tmp / "模板.xlsx").exists()
    from openpyxl import load_workbook

    wb = load_workbook(tmp / "模板.xlsx")
    assert wb.active["C1"].value == "证件号码" and "填写说明" in wb.sheetnames


def test_settings_never_print_the_key(cli, monkeypatch):
    run, _ = cli
    code, out, _ = run("settings")
    assert code == 0 and "INNODRIVE_TALENT_KEY" in out and "q0H8WwA1" not in out and "已设置，不显示" in out
