"""Benchmark: importing 1,000,000 rows of statistics into SQLite (target: < 10 s, < 400 MB).

The rows are SYNTHETIC (made-up values over real region codes and catalogue
indicators, labelled "合成基准数据（非真实统计）" in their source column) and go into a
temporary database that is deleted afterwards. Measured: ``innodrive data import`` of a
long CSV as a separate process (start-up, reading, validating every row, unit
conversion, comparing with the store, writing in one transaction, recomputing derived
indicators) with its wall time and peak memory (maximum resident set size); then the
same import again (nothing changes), the same rows as a wide table, and — when
``INNODRIVE_TEST_POSTGRES_URL`` names a PostgreSQL server — the long table into a
scratch PostgreSQL database (created and dropped; the server's own CPU time is not in
the process's CPU figure, only in its wall time).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

ROWS = 1_000_000
SOURCE = "合成基准数据（非真实统计）"
INDICATORS = [("地区生产总值", "亿元"), ("R&D经费支出", "万元"), ("常住人口", "万人"), ("高新技术企业数量", "家"),
              ("技术合同成交额", "亿元")]


def synthetic_rows(n: int) -> list[tuple[str, str, int, float, str]]:
    from innodrive.regions import all_regions

    codes = [r.code for r in all_regions() if r.level in ("prefecture", "county")]
    rows = []
    i = 0
    year = 2000
    while len(rows) < n:
        for code in codes:
            for name, unit in INDICATORS:
                rows.append((code, name, year, float(1 + (i * 7919) % 100_000) / 10, unit))
                i += 1
                if len(rows) == n:
                    return rows
        year += 1
    return rows


def write_long(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("区划代码,指标,年份,值,单位,来源\n")
        for code, name, year, value, unit in rows:
            f.write(f"{code},{name},{year},{value},{unit},{SOURCE}\n")


def write_wide(path: Path, rows) -> int:
    table: dict[tuple[str, str, str], dict[int, float]] = {}
    for code, name, year, value, unit in rows:
        table.setdefault((code, name, unit), {})[year] = value
    years = sorted({y for v in table.values() for y in v})
    with path.open("w", encoding="utf-8") as f:
        f.write("区划代码,指标,单位,来源," + ",".join(str(y) for y in years) + "\n")
        for (code, name, unit), vals in table.items():
            f.write(f"{code},{name},{unit},{SOURCE}," + ",".join(str(vals.get(y, "")) for y in years) + "\n")
    return len(table)


def _import(env: dict, path: Path) -> tuple[float, float, str]:
    """``innodrive data import PATH`` in its own process: ("wall s, CPU s, load", peak MB, stdout).

    The load is the higher 1-minute load average of before and after the run: on a
    shared machine the wall time means little without it (CPU time much less so)."""
    import resource
    import subprocess
    import sys

    code = ("import resource, sys, time; t0 = time.perf_counter(); from innodrive.cli import main; "
            "rc = main(['data', 'import', sys.argv[1]]); u = resource.getrusage(resource.RUSAGE_SELF); "
            "print(f'@@ {time.perf_counter() - t0:.3f} {u.ru_maxrss} {u.ru_utime + u.ru_stime:.2f}'); "
            "sys.exit(rc)")
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    load = max(load, os.getloadavg()[0])
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("@@ "))
    peak_kb, cpu = int(line.split()[2]), float(line.split()[3])
    del resource
    return f"{wall:.2f} s（CPU {cpu:.2f} s，系统负载 {load:.1f}）", peak_kb / 1024, proc.stdout


def _postgres(env: dict, path: Path, folder: Path) -> tuple[str, str, str] | None:
    """The long table into a scratch PostgreSQL database, if a server is configured."""
    from innodrive.store import initialise
    from innodrive.store.testing import postgres_url, scratch_database

    if not postgres_url():
        return None
    with scratch_database("postgresql", folder) as url:
        initialise(url).close()
        env = dict(env, INNODRIVE_DATABASE_URL=url)
        wall, peak, out = _import(env, path)
        assert f"新增 {ROWS} 个数值" in out, out
    return ("同一长表 CSV 到 PostgreSQL（pg8000，COPY 写入；服务器与本进程在同一台机器）", f"{wall}，峰值 {peak:.0f} MB",
            "< 10 s，< 400 MB")


def run() -> list[tuple[str, str, str]]:
    from innodrive.store import initialise

    results = []
    with tempfile.TemporaryDirectory(prefix="innodrive-bench-") as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "INNODRIVE_DATABASE_URL"}
        env["INNODRIVE_HOME"] = str(folder / "home")
        env["COLUMNS"] = "200"
        rows = synthetic_rows(ROWS)
        long_csv = folder / "synthetic_long.csv"
        write_long(long_csv, rows)
        initialise("sqlite:///" + str(folder / "home" / "innodrive.sqlite")).close()
        wall, peak, out = _import(env, long_csv)
        assert f"新增 {ROWS} 个数值" in out, out
        results.append((f"innodrive data import：{ROWS:,} 行长表 CSV 到 SQLite（进程整体，含校验、换算、派生）",
                        f"{wall}，峰值 {peak:.0f} MB", "< 10 s，< 400 MB"))
        wall, peak, out = _import(env, long_csv)
        assert "无任何变化" in out, out
        results.append((f"再次导入同一文件（{ROWS:,} 个数值均无变化）", f"{wall}，峰值 {peak:.0f} MB", "—"))

        wide_csv = folder / "synthetic_wide.csv"
        n_wide = write_wide(wide_csv, rows)
        env["INNODRIVE_HOME"] = str(folder / "wide")
        initialise("sqlite:///" + str(folder / "wide" / "innodrive.sqlite")).close()
        wall, peak, out = _import(env, wide_csv)
        assert f"新增 {ROWS} 个数值" in out, out
        results.append((f"导入宽表 CSV（{n_wide:,} 行 × 年份列 = {ROWS:,} 个数值）", f"{wall}，峰值 {peak:.0f} MB",
                        "< 10 s，< 400 MB"))
        pg = _postgres(env, long_csv, folder)
        if pg is not None:
            results.append(pg)
    results.append(("测量时系统负载（1 分钟平均，2 核机器上多个进程共用）", f"{os.getloadavg()[0]:.1f}", "—"))
    return results


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
