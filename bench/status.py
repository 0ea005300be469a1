"""Start-up of the status board: ``innodrive status --region 绵阳市`` as a process.

The database holds the five bundled example documents as plans and the shipped
statistics (``innodrive init`` + ``plan add examples/documents/*.txt``), in a
temporary folder. Measured: the wall time of the whole command, process start and
imports included (median of 7 runs after one warm-up), and the CPU time of the
same runs — on a machine shared with other work, CPU time is the steadier figure. The
runs after the warm-up replay what the warm-up printed, before Typer, Rich or pydantic
are imported (``innodrive.status_snapshot``, ``innodrive.launch``); the next row is a
stored board printed for a terminal profile it was not printed for before (its kept
renderings dropped before each run: Typer and Rich, no computation); the last row is the
first run after a change (stored boards deleted before each run).
``PYTHONDONTWRITEBYTECODE`` is dropped for the runs: an installed package has its
bytecode compiled, and with that variable set every run would compile innodrive's own
modules again (about 0.1 s).
"""

from __future__ import annotations

import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
MISS_RUNS = 3


def _cli(env, *args):
    return subprocess.run([sys.executable, "-m", "innodrive", *args], env=env, capture_output=True, text=True,
                          check=True)


def _cpu_after(env, home: str, statement: str) -> list[float]:
    """CPU time of ``status`` runs, each after ``statement`` on the database."""
    cpus = []
    for _ in range(MISS_RUNS):
        with sqlite3.connect(Path(home) / "innodrive.sqlite") as conn:
            conn.execute(statement)
        conn.close()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        _cli(env, "status", "--region", "绵阳市")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return cpus


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory(prefix="innodrive-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("INNODRIVE_DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}
        env["INNODRIVE_HOME"] = tmp
        _cli(env, "init")
        _cli(env, "plan", "add", *map(str, sorted((ROOT / "examples" / "documents").glob("*.txt"))))
        _cli(env, "status", "--region", "绵阳市")  # warm-up (bytecode caches)
        walls, cpus = [], []
        for _ in range(RUNS):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            r = _cli(env, "status", "--region", "绵阳市")
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
            assert "目标状态看板" in r.stdout or "没有可显示的目标" in r.stdout
        # a stored board for a terminal it was not printed for: printed by Rich, not computed
        reprints = _cpu_after(env, tmp, "UPDATE status_snapshots SET body = json_remove(body, '$.renderings')")
        # the first run after a write: no stored board, computed, stored and printed
        misses = _cpu_after(env, tmp, "DELETE FROM status_snapshots")
    load = os.getloadavg()[0]
    return [
        ("innodrive status --region 绵阳市，整个进程（墙钟，中位数；示例计划＋内置数据）", f"{statistics.median(walls):.2f} s", "< 0.4 s"),
        (f"同上，CPU 时间（中位数；测量时系统负载 {load:.1f}）", f"{statistics.median(cpus):.2f} s", "—"),
        ("同上，已保存的看板首次在这种终端（宽度、颜色、管道）上打印（用 Rich 排版，不重新计算），CPU 时间（中位数）",
         f"{statistics.median(reprints):.2f} s", "—"),
        ("同上，数据变化后的首次运行（没有保存的看板：计算、保存并打印），CPU 时间（中位数）",
         f"{statistics.median(misses):.2f} s", "—"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
