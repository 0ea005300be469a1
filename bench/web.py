"""Benchmark: the web workbench under load on a province-sized database.

The database is SYNTHETIC (合成基准数据，非真实统计) over the real divisions of Sichuan:
21 市州 and 183 区县, the catalogue's 58 indicators over 10 years for every one of
them (≈ 118,000 observations), one generated plan per 市州 (500 targets in all, stated
with catalogue names so they link) with 5,000 tasks owned by named units, and an
approved progress report on every task. Everything goes in through the services and
the importer, as a user's data would.

``innodrive serve`` (one worker per core, its default) serves it, once every worker has
finished its start-up evaluation of the boards; ``wrk`` sends requests from 127.0.0.1 for 20 s
over 32 connections to the 总览, the 目标看板 and one target's detail page, signed in as
an office over every region. Measured: requests per second, p50/p95/p99 latency and errors
(non-2xx/3xx answers, timeouts), and the CPU time the server's processes spent per
request (read from /proc before and after; unlike latency it hardly depends on what else
the machine is doing, so it compares runs on a busy machine). Target: p95 < 100 ms and no
errors, on SQLite and on PostgreSQL (when ``INNODRIVE_TEST_POSTGRES_URL`` names a server).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SOURCE = "合成基准数据（非真实统计）"
YEARS = range(2015, 2025)
TARGETS = 500
TASKS = 5000
DURATION_S = int(os.environ.get("BENCH_WEB_SECONDS", "20"))
CONNECTIONS = 32
UNITS = ("市经信局", "市科技局", "市发改委", "市财政局", "市教育局", "市人社局", "市商务局", "市市场监管局",
         "市农业农村局", "市卫健委")
TOPICS = ("企业创新主体", "创新平台", "人才引育", "成果转化", "科技金融", "产业链创新", "数字经济", "园区建设",
          "开放合作", "创新生态")
ACTIONS = ("实施{t}培育工程", "建设{t}服务体系", "完善{t}政策措施", "开展{t}专项行动", "推进{t}试点示范",
           "健全{t}工作机制", "组织{t}对接活动", "落实{t}支持资金", "优化{t}考核评价", "强化{t}要素保障")


def _prefectures():
    from innodrive.regions import all_regions

    regions = all_regions()
    prefectures = [r for r in regions.children("510000") if r.level == "prefecture"]
    counties = [c for p in prefectures for c in regions.children(p.code)]
    return prefectures, counties


def observations_csv(path: Path) -> int:
    """Every catalogue indicator × every 市州 and 区县 × 10 years, SYNTHETIC values that grow
    at a steady, region-specific rate."""
    from innodrive.indicators.catalogue import load_catalogue

    prefectures, counties = _prefectures()
    rng = random.Random(20241201)
    rows = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("区划代码,指标,年份,值,单位,来源\n")
        for region in (*prefectures, *counties):
            scale = 1.0 if region.level == "prefecture" else 0.15
            for ind in load_catalogue():
                base = rng.uniform(50, 5000) * scale
                if ind.unit in ("%", "‰"):
                    base = rng.uniform(0.5, 40)
                growth = rng.uniform(-0.02, 0.12)
                for i, year in enumerate(YEARS):
                    value = base * (1 + growth) ** i
                    if ind.unit in ("%", "‰"):
                        value = min(value, 99.0)
                    f.write(f"{region.code},{ind.name},{year},{value:.4f},{ind.unit},{SOURCE}\n")
                    rows += 1
    return rows


def plan_text(region_name: str, targets: int, tasks: int, seed: int) -> str:
    """A generated three-year action plan of one 市州 (SYNTHETIC, labelled as such)."""
    from innodrive.indicators.catalogue import load_catalogue

    rng = random.Random(seed)
    indicators = [i for i in load_catalogue() if i.unit not in ("%", "‰")]
    lines = [f"{region_name}创新驱动发展三年行动计划（2023—2025年）（合成基准数据）", f"{region_name}人民政府", "",
             "一、主要目标"]
    for k in range(targets):
        ind = indicators[k % len(indicators)]
        lines.append(f"到{2025 if k % 3 else 2024}年，全市{ind.name}达到{rng.randint(2000, 9000)}{ind.unit}。")
    lines.append("二、重点任务")
    per_topic = -(-tasks // len(TOPICS))
    n = 0
    for ti, topic in enumerate(TOPICS):
        lines.append(f"（{'一二三四五六七八九十'[ti]}）加强{topic}建设")
        for j in range(per_topic):
            if n == tasks:
                break
            lead, co = rng.sample(UNITS, 2)
            action = ACTIONS[j % len(ACTIONS)].format(t=topic)
            lines.append(f"{j + 1}. {action}（第{j + 1}批）。由{lead}牵头，{co}配合，"
                         f"{2024 + (j % 2)}年{1 + j % 12}月底前完成。")
            n += 1
    return "\n".join(lines) + "\n"


def build(url: str) -> dict:
    """Fill the database at ``url``; returns ids the load test asks for."""
    from innodrive.indicators import importer
    from innodrive.services import accounts
    from innodrive.services.actor import Actor
    from innodrive.store import initialise

    store = initialise(url)
    operator = Actor.local_operator("bench")
    folder = Path(tempfile.mkdtemp(prefix="innodrive-bench-web-"))
    try:
        csv = folder / "synthetic_observations.csv"
        n_obs = observations_csv(csv)
        importer.import_file(store, csv, actor="bench")
        prefectures, _ = _prefectures()
        per_plan_targets = [TARGETS // len(prefectures) + (1 if i < TARGETS % len(prefectures) else 0)
                            for i in range(len(prefectures))]
        per_plan_tasks = [TASKS // len(prefectures) + 3 + (1 if i < TASKS % len(prefectures) else 0)
                          for i in range(len(prefectures))]
        _add_plans(store, operator, [(p.name, plan_text(p.name, t, k, i))
                                     for i, (p, t, k) in enumerate(zip(prefectures, per_plan_targets,
                                                                       per_plan_tasks, strict=True))])
        reports = _report_on_every_task(store, operator)
        # an office over every region
        accounts.add_user(store, operator, username="bench-office", password="bench-pass-2024", role="创新办")
        from innodrive.services import board

        lines = board.targets(store, operator, as_of=dt.date.today()).lines
        target_id = next(line.target_id for line in lines if line.status.light in ("green", "yellow", "red"))
        return {"observations": n_obs, "targets": len(lines), "reports": reports, "target_id": target_id}
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def _add_plans(store, operator, documents: list[tuple[str, str]]) -> None:
    from innodrive.services import plans

    files = [plans.Upload(name=f"{name}创新驱动发展三年行动计划_合成.txt", data=text.encode("utf-8"))
             for name, text in documents]
    batch = plans.add_documents(store, operator, files)
    failed = [f for f in batch.files if f.outcome == "failed"]
    assert not failed, failed


def _report_on_every_task(store, operator) -> int:
    """One approved report per task. Written in one transaction straight into the report
    table (the services file them one by one, with an audit entry each: 10,000
    transactions would make the set-up, not the serving, the slow part)."""
    from sqlalchemy import select

    from innodrive.store.schema import ProgressReportRow, TaskRow, utcnow

    def work(session) -> int:
        now = utcnow()
        ids = list(session.scalars(select(TaskRow.id).where(TaskRow.active.is_(True))))
        session.execute(ProgressReportRow.__table__.insert(), [
            {"task_id": i, "milestone_id": None, "as_of": dt.date(2024, 6, 30), "status": "in_progress",
             "percent": float(40 + i % 50), "narrative": "按计划推进（合成基准数据）", "reporter": "bench-unit",
             "unit": None, "submitted_at": now, "review_state": "approved", "reviewer": "bench", "reviewed_at": now,
             "review_reason": None} for i in ids])
        return len(ids)

    return store.run(work)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LUA = """
wrk.headers["Cookie"] = "innodrive_session=%(token)s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("@@RESULT %%d %%d %%d %%d %%d %%d %%d %%.1f\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status, summary.requests / (summary.duration / 1e6)))
end
"""


def load(url: str, base: str, path: str, token: str) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % {"token": token})
        script = f.name
    try:
        done = subprocess.run([wrk, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--timeout", "10s", "-s", script,
                               base + path], capture_output=True, text=True, timeout=DURATION_S + 60)
    finally:
        os.unlink(script)
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("@@RESULT"))
    p50, p95, p99, worst, n, errors, status, rps = line.split()[1:]
    return {"p50": int(p50) / 1000, "p95": int(p95) / 1000, "p99": int(p99) / 1000, "max": int(worst) / 1000,
            "requests": int(n), "errors": int(errors), "bad_status": int(status), "rps": float(rps)}


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and all its descendants (Linux /proc;
    0 where there is none)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def serve(url: str, home: Path, workers: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``innodrive serve`` and wait until its workers have warmed up (each answers
    ``/healthz`` with ``warm``; enough answers in a row that every worker was asked)."""
    import json

    from innodrive.cli.serve import default_workers

    workers = workers or default_workers()
    port = _free_port()
    env = {**os.environ, "INNODRIVE_DATABASE_URL": url, "INNODRIVE_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "innodrive", "serve", "--port", str(port), "--workers",
                             str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 900
    in_a_row = 0
    while time.monotonic() < deadline and in_a_row < 8 * workers:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                in_a_row = in_a_row + 1 if json.loads(r.read()).get("warm") else 0
        except OSError:
            in_a_row = 0
        time.sleep(0.05 if in_a_row else 0.5)
    if in_a_row < 8 * workers:
        proc.kill()
        raise SystemExit("innodrive serve did not start")
    return proc, base


def _warm(base: str, path: str, token: str) -> str:
    """Open ``path`` as the load will, from several connections at once, so that every
    worker has built the signed-in person's page (the steady state is measured, not the
    first visit); returns the page."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(_) -> str:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers={
                "Cookie": f"innodrive_session={token}"}), timeout=300) as r:
            assert r.status == 200, (path, r.status)
            return r.read().decode("utf-8")

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(fetch, range(32)))[0]


def measure(backend: str, url: str, home: Path) -> list[tuple[str, str, str]]:
    from innodrive.services import accounts
    from innodrive.store import open_store

    t0 = time.perf_counter()
    facts = build(url)
    built = time.perf_counter() - t0
    store = open_store(url)
    token = accounts.sign_in(store, username="bench-office", password="bench-pass-2024").token
    store.close()
    proc, base = serve(url, home)
    results = [(f"{backend}: 构建省级合成库（{facts['observations']:,} 个观测值、{facts['targets']} 个目标、"
                f"{facts['reports']:,} 个任务各一条已审核报送）", f"{built:.0f} s", "—")]
    try:
        pages = (("总览", "/overview"), ("目标看板", "/board"), ("目标详情", f"/targets/{facts['target_id']}"))
        for label, path in pages:
            body = _warm(base, path, token)
            if path == "/board":
                assert body.count("data-target=") == facts["targets"], "the board does not show every target"
            busy = os.getloadavg()[0]  # the machine may be shared: say how busy it was
            cpu0 = server_cpu_seconds(proc.pid)
            m = load(url, base, path, token)
            cpu = (server_cpu_seconds(proc.pid) - cpu0) * 1000 / max(1, m["requests"])
            ok = m["p95"] < 100 and m["errors"] == 0 and m["bad_status"] == 0
            results.append((f"{backend}: {label} {path.split('/')[1]}（wrk {CONNECTIONS} 连接 {DURATION_S} s）",
                            f"p95 {m['p95']:.1f} ms（p50 {m['p50']:.1f}，p99 {m['p99']:.1f}），{m['rps']:.0f} 次/秒，"
                            f"错误 {m['errors'] + m['bad_status']}{'' if ok else ' ✗'}，服务进程 CPU {cpu:.2f} ms/次"
                            f"（开始时负载 {busy:.1f}）", "p95 < 100 ms，无错误"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return results


def run() -> list[tuple[str, str, str]]:
    from innodrive.store.testing import postgres_url, scratch_database

    results = []
    with tempfile.TemporaryDirectory(prefix="innodrive-bench-web-") as tmp:
        home = Path(tmp)
        os.environ["INNODRIVE_HOME"] = str(home)
        backends = ["sqlite"] + (["postgresql"] if postgres_url() else [])
        for backend in backends:
            with scratch_database(backend, home) as url:
                results += measure(backend, url, home)
    return results


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
