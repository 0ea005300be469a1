"""Benchmark: ``innodrive enterprises check REG.csv --out RES.csv`` of a SYNTHETIC registry,
as a user runs it — a separate process, start-up, reading, checking, screening, reasons,
gaps, incentives and writing included — measured by wall time and the process's peak
resident memory (``ru_maxrss`` of the child).

Set INNODRIVE_BENCH_CHECK_ROWS to change the size (default 1,000,000). The registry is
written once per size into the system's temporary folder (every column of the template
the rules read, amounts with two decimals, flags as 是/否, dates as YYYY-MM-DD).

The generator draws the Ⅰ类知识产权 sub-counts independently of their total, so 61% of
its rows break a part-not-above-whole check; a registry an office screens is mostly
consistent. Here the sub-counts are capped at the total, and one row in 200 is made
wrong on purpose (科技人员数 above 职工总数) so that the problem path is measured too.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = int(os.environ.get("INNODRIVE_BENCH_CHECK_ROWS", "1000000"))


def _registry(n: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"innodrive-bench-registry-v2-{n}.csv"
    if path.exists():
        return path
    import numpy as np

    from _synthetic_enterprises import synthetic_registry
    from innodrive.enterprises.expr import EPOCH
    from innodrive.enterprises.fields import FIELDS

    frame = synthetic_registry(n)
    for part, whole in _parts():
        frame[part] = np.where(frame[part] > frame[whole], frame[whole], frame[part])
    wrong = np.arange(n) % 200 == 7  # SYNTHETIC data errors, reported as problems
    frame.loc[wrong, "tech_staff"] = frame.loc[wrong, "employees_total"].fillna(10) + 1
    frame.loc[wrong, "employees_total"] = frame.loc[wrong, "employees_total"].fillna(10)
    out = {}
    for name, spec in FIELDS.items():
        if name not in frame or spec.kind == "text":
            continue
        v = frame[name]
        if spec.kind == "flag":
            out[spec.header] = np.where(v.isna(), "", np.where(v == 1, "是", "否"))
        elif spec.kind == "date":
            days = v.fillna(0).astype("int64").to_numpy()
            text = (np.datetime64(EPOCH) + days.astype("timedelta64[D]")).astype(str)
            out[spec.header] = np.where(v.isna(), "", text)
        elif spec.kind in ("money", "signed_money"):
            out[spec.header] = v.round(2)
        elif spec.kind == "ratio":
            out[spec.header] = v.round(4)
        else:
            out[spec.header] = v
    import pandas as pd

    table = pd.DataFrame(out)
    table.insert(0, FIELDS["name"].header, [f"合成企业{i}" for i in range(n)])  # SYNTHETIC
    table.insert(0, FIELDS["credit_code"].header, frame["credit_code"].to_numpy())
    tmp = path.with_suffix(".tmp")
    table.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)
    return path


def _parts() -> list[tuple[str, str]]:
    from innodrive.enterprises.fields import FIELDS

    return [(name, spec.not_above) for name, spec in FIELDS.items() if spec.not_above]


def _one_core() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def run() -> list[tuple[str, str, str]]:
    _one_core()
    reg = _registry(N)
    size_mb = reg.stat().st_size / 1048576
    env = {**os.environ, "INNODRIVE_MAX_INPUT_MB": str(int(size_mb) + 64)}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "RES.csv"
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "innodrive", "enterprises", "check", str(reg), "--on", "2024-06-30",
                            "--out", str(out)], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = usage.ru_maxrss / 1024  # KiB → MiB
        cpu = usage.ru_utime + usage.ru_stime  # the child's CPU time: wall time includes waiting for a shared core
        if r.returncode != 0:
            raise SystemExit(r.stderr[-2000:])
        out_mb = out.stat().st_size / 1048576
    return [
        (f"`enterprises check REG.csv --out RES.csv`, {N:,} SYNTHETIC enterprises ({size_mb:.0f} MB in, "
         f"{out_mb:.0f} MB out), process included", f"{wall:.1f} s wall ({cpu:.1f} s CPU), peak {peak:,.0f} MB", "< 10 s and < 2 GB"),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    for row in run():
        print(" | ".join(row))
