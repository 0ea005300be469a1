"""``make demo``: the main job on the bundled examples, end to end.

Builds a fresh SQLite database in a demo folder (``out/demo`` by default, or
``INNODRIVE_DEMO_HOME``) from the bundled example documents (``examples/documents``)
and the shipped statistics, then shows the status board of every target and the
task ledger. Each run starts from an empty database, so the demo is idempotent and
never touches the user's own ``INNODRIVE_HOME`` or ``INNODRIVE_DATABASE_URL``.
Everything goes through the real CLI commands, exactly as a user would type them.
"""

from __future__ import annotations

import os
from pathlib import Path

from innodrive.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "documents"
# The demo evaluates at a fixed date so that it shows the same lights whenever it is run
# (the examples are plans of 2021–2022, the shipped statistics reach 2024).
AS_OF = "2024-06-30"


def demo_home() -> Path:
    from innodrive import settings

    home = Path(settings.get("demo_home"))
    return home if home.is_absolute() else ROOT / home


def fresh_database(home: Path) -> None:
    """Remove the demo database (only the demo folder's SQLite file) so the run starts empty."""
    home.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (home / f"innodrive.sqlite{suffix}").unlink(missing_ok=True)


def _quarter(day: str) -> str:
    """``2025-06-30`` → ``2025Q2``."""
    return f"{day[:4]}Q{(int(day[5:7]) - 1) // 3 + 1}"


def steps(examples: list[Path]) -> list[tuple[str, list[str]]]:
    """The demo as a list of (title, CLI arguments)."""
    decision = max(examples, key=lambda p: p.stat().st_size)  # the fullest example shows most
    return [
        ("settings", ["settings"]),
        ("抽取一份政策文件中的计划 / extract the plan of one document", ["extract", str(decision)]),
        ("抽取全部示例文件并写出 JSON / extract every example to JSON",
         ["extract", *map(str, examples), "--out", str(demo_home() / "extracted")]),
        ("按金标准评测抽取结果 / score the extraction against the bundled gold",
         ["evaluate", str(ROOT / "tests" / "data" / "gold" / "seeds.json"), str(demo_home() / "extracted")]),
        ("建库并导入内置统计数据 / database and shipped statistics", ["init", "--by", "demo"]),
        ("添加示例政策文件 / add the example documents", ["plan", "add", *map(str, examples), "--by", "demo"]),
        ("计划 / plans", ["plans"]),
        (f"目标状态看板（截至 {AS_OF}）/ target status board", ["status", "--as-of", AS_OF]),
        (f"逾期及 30 天内到期的任务（截至 {AS_OF}）/ overdue and soon-due tasks",
         ["tasks", "--overdue", "--as-of", AS_OF]),
        (f"督查督办：按规则预览乐山市的督办单（截至 {AS_OF}）/ supervision notices the rules would raise",
         ["duban", "run", "--region", "乐山市", "--as-of", AS_OF, "--today", AS_OF, "--dry-run"]),
        ("督查通报征求意见稿（乐山市）/ the quarterly 督查通报 draft, Word and PDF with its XLSX appendix",
         ["report", "tongbao", "--region", "乐山市", "--period", _quarter(AS_OF), "--format", "pdf",
          "--out", str(demo_home())]),
        ("考核评价：COINr 示例指数与 1000 次不确定性分析 / assessment: COINr's ASEM example with uncertainty",
         ["assess", "preset:coinr_asem", str(ROOT / "src" / "innodrive" / "assessment" / "data" / "ASEM_iData.csv"),
          "--uncertainty", "1000", "--top", "10"]),
        ("企业资格筛选（构造示例企业）/ enterprise screening (constructed examples)",
         ["enterprises", "check", str(ROOT / "examples" / "enterprises" / "示例企业登记表.csv"), "--on", "2024-06-30",
          "--out", str(demo_home() / "企业筛选结果.xlsx")]),
        ("逐条解释一家企业 / one enterprise explained",
         ["enterprises", "check", str(ROOT / "examples" / "enterprises" / "示例企业登记表.csv"), "--on", "2024-06-30",
          "--code", "91511500MA00000078"]),
        ("培育漏斗对照宜宾市2022年目标（构造台账）/ cultivation funnel against 宜宾's 2022 targets",
         ["enterprises", "funnel", "--records", str(ROOT / "examples" / "enterprises" / "示例培育台账.csv"),
          "--registry", str(ROOT / "examples" / "enterprises" / "示例企业登记表.csv"), "--region", "宜宾市",
          "--year", "2022", "--on", "2024-06-30"]),
        ("揭榜挂帅：构造示例榜单、申报与评审专家 / 揭榜挂帅: a constructed call, applications and experts",
         ["projects", "example", "--out", str(demo_home() / "揭榜挂帅示例"), "--load", "--by", "demo"]),
        ("分配评审专家：回避利益冲突、工作量均衡 / reviewers assigned without conflicts, load balanced",
         ["projects", "assign", "JB-2024-01", "--on", "2024-05-06", "--by", "demo"]),
        ("年度考核：载入乐山市2024年度考核示例（构造数据）/ the annual 考核 (constructed example)",
         ["kaohe", "example", "--by", "demo"]),
        ("县域考核框架的年度调整 / what changed in the 县域 framework", ["kaohe", "framework", "diff", "县域",
                                                                 "--from", "2023", "--to", "2024", "--region", "乐山市"]),
        ("计分：初步结果 / scoring: preliminary results", ["kaohe", "score", "--year", "2024", "--by", "demo"]),
        ("逐项解释一个单位的得分 / one unit's score explained", ["kaohe", "explain", "金口河区", "--year", "2024"]),
        ("资金分配测算 / the fund split", ["kaohe", "allocate", "--year", "2024",
                                        "--out", str(demo_home() / "资金分配测算.xlsx")]),
        ("考核结果通报（Word、PDF、附件）/ the 考核结果通报", ["report", "kaohe", "--year", "2024", "--out",
                                                      str(demo_home()), "--date", "2025-02-20", "--by", "demo"]),
    ]


def main() -> int:
    examples = sorted(EXAMPLES.glob("*.txt"))
    if not examples:
        from innodrive.cli.output import error

        error(f"找不到示例文件目录 {EXAMPLES}（make demo 需在源码目录中运行）")
        return 2
    home = demo_home()
    fresh_database(home)
    os.environ["INNODRIVE_HOME"] = str(home)
    os.environ.pop("INNODRIVE_DATABASE_URL", None)
    for title, args in steps(examples):
        print(f"\n=== {title}: innodrive {' '.join(a if ROOT not in Path(a).parents else str(Path(a).relative_to(ROOT)) for a in args)}",
              flush=True)
        code = cli_main(args)
        if code:
            return code
    print(f"\n演示数据库 / demo database: {home / 'innodrive.sqlite'}")
    print(NEXT_STEPS.format(home=home))
    return 0


NEXT_STEPS = """
下一步 / next steps（在演示数据库上继续，或去掉 INNODRIVE_HOME=… 在自己的工作目录中开始）:
  INNODRIVE_HOME={home} innodrive plan show "乐山 决定"          # 一个计划的目标及原文位置
  INNODRIVE_HOME={home} innodrive data show --region 乐山市 --indicator 高新技术企业数量
  INNODRIVE_HOME={home} innodrive tasks assign 任务编号 --lead 市科技局   # 指定牵头单位
  innodrive init && innodrive plan add 我的文件.docx                      # 自己的数据库（默认 ~/.local/share/innodrive）
"""


if __name__ == "__main__":
    raise SystemExit(main())
