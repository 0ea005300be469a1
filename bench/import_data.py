"""Benchmark: importing 100,000 rows of statistics into SQLite (target: < 10 s).

The rows are SYNTHETIC (made-up values over real region codes and catalogue
indicators, labelled "合成基准数据（非真实统计）" in their source column) and go into a
temporary database that is deleted afterwards. Measured: the whole
``innodrive.indicators.importer.import_file`` call on a long CSV — reading, validating
every row, unit conversion, comparing with the store, writing in one transaction and
recomputing derived indicators — then the same import again (nothing changes) and
the same rows as a wide table.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

ROWS = 100_000
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


def run() -> list[tuple[str, str, str]]:
    from innodrive.indicators import importer
    from innodrive.store import initialise

    results = []
    with tempfile.TemporaryDirectory(prefix="innodrive-bench-") as tmp:
        folder = Path(tmp)
        os.environ["INNODRIVE_HOME"] = str(folder)
        rows = synthetic_rows(ROWS)
        long_csv = folder / "synthetic_long.csv"
        write_long(long_csv, rows)

        store = initialise("sqlite:///" + str(folder / "bench.sqlite"))
        t0 = time.perf_counter()
        r = importer.import_file(store, long_csv, actor="bench")
        first = time.perf_counter() - t0
        assert r.added == ROWS, r
        results.append((f"导入 {ROWS:,} 行长表 CSV 到 SQLite（含校验、换算、派生 {r.derived:,} 个）", f"{first:.2f} s", "< 10 s"))

        t0 = time.perf_counter()
        again = importer.import_file(store, long_csv, actor="bench")
        second = time.perf_counter() - t0
        assert again.added == again.revised == 0
        results.append((f"再次导入同一文件（{ROWS:,} 个数值均无变化）", f"{second:.2f} s", "—"))
        store.close()

        wide_csv = folder / "synthetic_wide.csv"
        n_wide = write_wide(wide_csv, rows)
        store = initialise("sqlite:///" + str(folder / "bench_wide.sqlite"))
        t0 = time.perf_counter()
        r = importer.import_file(store, wide_csv, actor="bench")
        wide = time.perf_counter() - t0
        assert r.added == ROWS
        results.append((f"导入宽表 CSV（{n_wide:,} 行 × 年份列 = {ROWS:,} 个数值）", f"{wide:.2f} s", "< 10 s"))
        store.close()
    return results


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
