"""Benchmark: ``innodrive enterprises check REG.csv --out RES.csv`` of a SYNTHETIC registry,
as a user runs it — a separate process, start-up, reading, checking, screening, reasons,
gaps, incentives and writing included — measured by wall time, CPU time and peak memory.

Set INNODRIVE_BENCH_CHECK_ROWS to change the size (default 1,000,000). The registry is
written once per size into the system's temporary folder (every column of the template
the rules read, amounts with two decimals, flags as 是/否, dates as YYYY-MM-DD).

The generator draws the Ⅰ类知识产权 sub-counts independently of their total, so 61% of
its rows break a part-not-above-whole check; a registry an office screens is mostly
consistent. Here the sub-counts are capped at the total, and one row in 200 is made
wrong on purpose (科技人员数 above 职工总数) so that the problem path is measured too.

Rows: the command pinned to one core (the screening then runs in one process, the result
written from a background thread: :mod:`innodrive.enterprises.pipeline`), the same command
free to use every core (worker processes, each screening every n-th block and writing its
lines at their place in the result: :mod:`innodrive.enterprises.parallel`), each with its
wall time and CPU time (user + system, from ``wait4`` of the command, which waits for its
workers); peak memory is measured in a second run of each, as the highest sum of the
proportional set sizes of the command and its workers (``bench/_memory.py``: pages the
workers share with the parent count once), next to the largest single process
(``ru_maxrss``); and two "floors": the machine's own cost of writing that many bytes.

The floors. The result is 2.4 GB of CSV. Written through the page cache, on this VM that
cost 2.6 s per GB of kernel time when the memory was not touched recently (the balloon
driver gives freed pages back to the host; the first touch of each faults in the host),
so the command writes it by direct I/O from its own aligned buffers in a writer thread
(:mod:`innodrive.directio`), where the file system allows it. Both are measured the way
``dd`` would, after the two runs, into a fresh file in the same temporary folder: by
direct I/O (8 MiB writes from one aligned buffer: the disk's own time, which the command
overlaps with its work) and through the page cache with the result file still on disk
(64 MiB writes: the pages come from free memory, as the command's writes did before).

And a third floor: reading alone. The registry opened as the command opens it, then read by
the command's reader (pandas' C parser, blocks of 1/n the rows) in n forked processes, each
reading every n-th slab as the command's workers do, with nothing checked, screened or
written. What the command does beyond it (the checks, six programmes' verdicts, reasons and
advice, 2.4 GB of lines, the writes) has to fit in what is left of the target.
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

from _memory import TreeMemory

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


def _pin_one_core() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _check(reg: Path, out: Path, env: dict, one_core: bool,
           memory: TreeMemory | None = None) -> tuple[float, float, float, float]:
    """Run the command; (wall s, user s, system s, peak MiB of one process: ``ru_maxrss``) of
    that child and the worker processes it waited for; ``memory`` samples the summed PSS of
    the process tree meanwhile (reading ``smaps_rollup`` walks the page tables, some 20 ms
    per process at 1.5 GB: done in a run of its own, not in the timed one)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "innodrive", "enterprises", "check", str(reg), "--on", "2024-06-30",
                                 "--out", str(out)], stdout=subprocess.DEVNULL, stderr=err, env=env,
                                preexec_fn=_pin_one_core if one_core else None)
        if memory is not None:
            memory.pid = proc.pid
        with memory if memory is not None else contextlib.nullcontext():
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(err.read()[-2000:].decode("utf-8", "replace"))
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss in KiB


def _floor(folder: Path, size: int, name: str, direct: bool) -> tuple[float, float, float]:
    """Write ``size`` bytes into a fresh file in ``folder`` and sync it: by direct I/O (8 MiB
    writes) or through the page cache (64 MiB writes); (wall s, user s, system s)."""
    from innodrive.directio import DirectWriter

    piece = b"x" * (64 << 20)
    path = folder / name
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        writer = DirectWriter.start(fd) if direct else None
        left = size
        while left:
            part = memoryview(piece)[:min(left, len(piece))]
            if writer is not None:
                writer.write([part])
                left -= len(part)
            else:
                left -= os.write(fd, part)
        if writer is not None:
            writer.close()
        os.fsync(fd)
    finally:
        os.close(fd)
        path.unlink()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


# The reading floor, in a fresh process: argv[1] the registry, argv[2] the number of readers.
_READING = """
import datetime as dt, os, resource, sys, time
from innodrive.enterprises.rules import rules_in_force
from innodrive.enterprises.stream import CHUNK, map_header, needed_fields, open_registry, raw_frames
data = open(sys.argv[1], "rb").read()
n = int(sys.argv[2])
table = open_registry(data, name="REG.csv", deferred_utf8=n > 1)
keep = set(map_header([str(c) for c in table.header], file="REG.csv",
                      wanted=needed_fields(rules_in_force(dt.date(2024, 6, 30)))).mapping)
t0 = time.perf_counter()
pids = []
for w in range(n):
    pid = os.fork()
    if pid == 0:
        for _ in raw_frames(data, name="REG.csv", chunk_rows=max(1, CHUNK // n), usecols=lambda h: h in keep,
                            table=table, coded=True, only=lambda k, w=w: k % n == w):
            pass
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - t0, used.ru_utime + used.ru_stime)
"""


def _reading_floor(reg: Path, env: dict, readers: int) -> tuple[float, float]:
    """(wall s, CPU s of the readers) of reading ``reg`` alone in ``readers`` forked processes."""
    out = subprocess.run([sys.executable, "-c", _READING, str(reg), str(readers)], env=env, check=True,
                         capture_output=True, text=True)
    wall, cpu = map(float, out.stdout.split())
    return wall, cpu


def run() -> list[tuple[str, str, str]]:
    # bytecode written first, as an installed package has it (PYTHONDONTWRITEBYTECODE may be set here)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[1] / "src")],
                   capture_output=True)
    reg = _registry(N)
    size_mb = reg.stat().st_size / 1048576
    env = {**os.environ, "INNODRIVE_MAX_INPUT_MB": str(int(size_mb) + 64)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "RES.csv"
        for one_core in (True, False):
            out.unlink(missing_ok=True)
            wall, user, system, peak = _check(reg, out, env, one_core)
            out_mb = out.stat().st_size / 1048576
            memory = TreeMemory(0, 0.2)
            _check(reg, out, env, one_core, memory)  # again, for the memory of all its processes
            how = ("one core (pinned: one process, the result written by a background thread)" if one_core
                   else f"all {os.cpu_count()} cores (worker processes, each writing its slabs of the result)")
            rows.append((f"`enterprises check REG.csv --out RES.csv`, {N:,} SYNTHETIC enterprises ({size_mb:.0f} MB in, "
                         f"{out_mb:.0f} MB out), process included, {how}",
                         f"{wall:.1f} s wall ({user + system:.1f} s CPU: {user:.1f} user + {system:.1f} system); "
                         f"peak {memory.peak:,.0f} MB summed over its {memory.processes} processes (PSS, sampled in "
                         f"a second run), largest process {peak:,.0f} MB", "< 10 s and < 2 GB"))
        from innodrive.directio import supported

        size = out.stat().st_size
        direct_ok = supported(Path(tmp))
        for direct, how in ((True, "by direct I/O (8 MiB writes from one aligned buffer), as the command writes it"
                                   + ("" if direct_ok else " — NOT SUPPORTED by this folder's file system")),
                            (False, "through the page cache (64 MiB writes, the result file still on disk: pages "
                                    "from free memory), as the command wrote it before")):
            wall, user, system = _floor(Path(tmp), size, "floor.bin", direct)
            rows.append((f"floor: writing the same {out_mb:.0f} MB into a fresh file in the same folder and syncing "
                         f"it, {how}", f"{wall:.1f} s wall ({user + system:.1f} s CPU: {system:.1f} system)", "—"))
    from innodrive import cores
    from innodrive.enterprises.parallel import MAX_WORKERS

    readers = max(1, min(cores.usable(), MAX_WORKERS))
    wall, cpu = _reading_floor(reg, env, readers)
    rows.append((f"floor: reading the registry alone, as the command's {readers} worker process(es) read it (pandas' C "
                 "parser, every n-th slab each; nothing checked, screened or written; opening and imports excluded)",
                 f"{wall:.1f} s wall ({cpu:.1f} s CPU)", "—"))
    rows.append(("load average of the machine while measuring (1 minute, 2 cores shared)",
                 f"{os.getloadavg()[0]:.1f}", "—"))
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    for row in run():
        print(" | ".join(row))
