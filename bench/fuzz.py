"""Fuzzing campaign over every reader and every command that takes a file (issue 17).

``python bench/fuzz.py --inputs 10000`` (or ``make fuzz``) builds a scratch home
(``innodrive init`` + the constructed 考核 example), writes the hostile corpus of
:mod:`_fuzz_corpus` and feeds it, then hypothesis-generated files (tables with hostile
cells, mutated YAML, documents, gold files, damaged seeds), to every target below. An
input *fails* when it ends in an internal error (exit 70, or an exception that is not one
of innodrive's own messages), takes longer than its CPU bound, makes the worker stop
answering (a hang), takes the worker above the memory bound, or leaves a live formula in
an XLSX/CSV it writes. Each target runs in-process in a worker (so 10,000 inputs do not
pay 10,000 interpreter starts); the parent watches the worker's resident memory and
progress and kills it on a breach, records the input and restarts after it.

``make bench`` runs a 1,000-input campaign through :func:`run`; ``tests/fuzz`` runs a
small one in ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

MEMORY_BOUND_MB = 1024        # resident memory of a worker (interpreter, pandas and the input included)
CPU_BOUND_S = 60.0            # CPU seconds for one input (README: 50 MB of text < 60 s)
HANG_S = 240.0                # wall seconds without progress before the worker is killed

# ----------------------------------------------------------------------------- targets
# name -> (file kind for hypothesis, seed, how to run). ``run`` gets (path, work folder) and
# returns the output files to check for formulas.

EX = ROOT / "examples"


def _cli(*argv: str) -> None:
    from innodrive.cli import main

    code = main(list(argv))
    if code == 70:
        raise InternalError("exit 70")
    if code:
        raise Refused(code)


class InternalError(Exception):
    pass


class Refused(Exception):
    """A command ended with a message and a non-zero status (not 70): the input was refused."""


class CpuBound(BaseException):
    """Raised by SIGXCPU: a BaseException so that no ``except OSError`` in a reader turns it into a message."""


def _reader_document(p, w):
    from innodrive.documents import read_path
    from innodrive.extraction.pipeline import run

    run(read_path(p))


def _reader_table(p, w):
    from innodrive.tabular import open_table

    t = open_table(p)
    for _ in t.rows():
        pass


def _reader_yaml(p, w):
    from innodrive.safeio import load_yaml, read_input

    load_yaml(read_input(p).decode("utf-8", "replace"), name=p.name)


def _reader_framework(p, w):
    from innodrive.assessment.framework import load_framework

    load_framework(p)


def _reader_rules(p, w):
    from innodrive.tracking.ruleset import load_rules

    load_rules(str(p))


def _reader_kaohe_framework(p, w):
    from innodrive.kaohe.framework import load_kaohe_framework
    from innodrive.safeio import read_input

    load_kaohe_framework(read_input(p), file=p.name)


def _reader_chain(p, w):
    from innodrive.chains.reader import read_chain
    from innodrive.safeio import read_input

    read_chain(read_input(p), p.name)


def _reader_market(p, w):
    from innodrive.market import forms
    from innodrive.safeio import read_input

    data = read_input(p)
    forms.read(forms.detect_kind(data, file=p.name), data, file=p.name)


def _reader_experts(p, w):
    from innodrive.projects.files import read_experts

    read_experts(p)


def _out(w, name):
    d = w / "out"
    d.mkdir(exist_ok=True)
    return d / name


TARGETS = {
    # readers
    "read document + extraction": ("document", None, _reader_document),
    "read table (CSV/XLSX)": ("table", "stats", _reader_table),
    "load_yaml": ("yaml", "framework", _reader_yaml),
    "assessment framework": ("yaml", "framework", _reader_framework),
    "tracking rules": ("yaml", "rules", _reader_rules),
    "kaohe framework": ("yaml", "kaohe_framework", _reader_kaohe_framework),
    "chain reader": ("yaml", "chain", _reader_chain),
    "market form": ("table", "market", _reader_market),
    "experts reader": ("yaml", "experts", _reader_experts),
    # commands
    "extract": ("document", None, lambda p, w: _cli("extract", str(p))),
    "extract --json": ("document", None, lambda p, w: _cli("extract", str(p), "--json")),
    "extract --out": ("document", None, lambda p, w: _cli("extract", str(p), "--out", str(_out(w, "x").parent))),
    "plan add": ("document", None, lambda p, w: _cli("plan", "add", str(p))),
    "evaluate": ("gold", "gold", lambda p, w: _cli("evaluate", str(p), str(_out(w, "x").parent))),
    "enterprises check --out .xlsx": ("table", "enterprises", lambda p, w: _cli(
        "enterprises", "check", str(p), "--out", str(_out(w, "e.xlsx")))),
    "enterprises check --out .csv": ("table", "enterprises", lambda p, w: _cli(
        "enterprises", "check", str(p), "--out", str(_out(w, "e.csv")))),
    "data import --dry-run": ("table", "stats", lambda p, w: _cli("data", "import", str(p), "--dry-run")),
    "data import": ("table", "stats", lambda p, w: _cli("data", "import", str(p))),
    "assess FRAMEWORK": ("yaml", "framework", lambda p, w: _cli(
        "assess", str(p), str(w / "seed-data.csv"), "--out", str(_out(w, "a.xlsx")))),
    "assess DATA": ("table", "assess_data", lambda p, w: _cli(
        "assess", str(w / "seed-framework.yaml"), str(p), "--out", str(_out(w, "a.csv")))),
    "status --rules": ("yaml", "rules", lambda p, w: _cli("status", "--rules", str(p))),
    "kaohe import --dry-run": ("table", "kaohe_values", lambda p, w: _cli(
        "kaohe", "import", str(p), "--year", "2024", "--dry-run")),
    "kaohe items --dry-run": ("table", "kaohe_items", lambda p, w: _cli(
        "kaohe", "items", str(p), "--year", "2024", "--dry-run")),
    "kaohe framework add": ("yaml", "kaohe_framework", lambda p, w: _cli("kaohe", "framework", "add", str(p))),
    "market import --dry-run": ("table", "market", lambda p, w: _cli("market", "import", str(p), "--dry-run")),
    "market evaluate": ("yaml", "labelled", lambda p, w: _cli("market", "evaluate", str(p))),
    "projects call": ("yaml", "call", lambda p, w: _cli("projects", "call", str(p))),
    "projects apply": ("yaml", "application", lambda p, w: _cli("projects", "apply", str(p))),
    "projects experts": ("yaml", "experts", lambda p, w: _cli("projects", "experts", str(p))),
    "talent import --dry-run": ("table", "talent", lambda p, w: _cli("talent", "import", str(p), "--dry-run")),
    "chains import": ("yaml", "chain", lambda p, w: _cli("chains", "import", str(p))),
}

# ----------------------------------------------------------------------------- seeds


def _seeds(home: Path) -> dict:
    """Valid inputs of each kind, the starting points of the mutations (all constructed examples)."""
    import yaml

    from innodrive.market.forms import RESULT_COLUMNS

    def header(path: Path) -> list[str]:
        return path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")

    proj = home / "projects-example"
    seeds = {
        "stats": header(EX / "kaohe" / "统计数据-2024（构造）.csv"),
        "kaohe_values": header(EX / "kaohe" / "考核数据-2024（构造）.csv"),
        "kaohe_items": header(EX / "kaohe" / "加扣分事项-2024（构造）.csv"),
        "enterprises": header(EX / "enterprises" / "示例企业登记表.csv")[:20],
        "market": [c.header for c in RESULT_COLUMNS],
        "assess_data": ["地区", "a", "b"],
        "talent": _talent_headers(),
        "framework": {"id": "h", "name": "测试", "version": "1", "effective": "2025-01-01",
                      "method": [{"step": "normalise", "dset": "Raw", "method": "minmax"}, {"step": "aggregate"}],
                      "aggregates": [{"code": "idx", "name": "指数"}],
                      "indicators": [{"code": "a", "name": "甲指标", "parent": "idx", "weight": 1},
                                     {"code": "b", "name": "乙指标", "parent": "idx", "weight": 2}]},
        "rules": {"extends": "default", "name": "测试规则", "version": 1, "path": {"number": "compound"}},
        "kaohe_framework": yaml.safe_load((EX / "kaohe" / "框架-县域-2024.yaml").read_text(encoding="utf-8")),
        "chain": yaml.safe_load((ROOT / "src/innodrive/chains/examples/power_battery.yaml").read_text(encoding="utf-8")),
        "experts": yaml.safe_load((proj / "评审专家.yaml").read_text(encoding="utf-8")),
        "call": yaml.safe_load((proj / "榜单.yaml").read_text(encoding="utf-8")),
        "application": yaml.safe_load((proj / "申报1.yaml").read_text(encoding="utf-8")),
        "labelled": yaml.safe_load((ROOT / "tests/market/data/labelled.yaml").read_text(encoding="utf-8")),
        "gold": {"schema": 1, "documents": [{"file": "x.txt", "targets": [
            {"indicator": "高新技术企业", "value": 500, "unit": "家", "year": 2025}], "outline": []}]},
    }
    if isinstance(seeds["labelled"], dict):  # keep the mutations small
        seeds["labelled"] = {k: (v[:3] if isinstance(v, list) else v) for k, v in seeds["labelled"].items()}
    return seeds


def _talent_headers() -> list[str]:
    try:
        from innodrive.talent.export import HEADERS

        return [v[0] for v in HEADERS.values()][:15]
    except Exception:  # noqa: BLE001 — the seed is only a starting point
        return ["姓名", "证件号码", "用人单位统一社会信用代码", "人才类别"]


def build_home(base: Path) -> Path:
    """A scratch INNODRIVE_HOME with the schema, regions, statistics and the 考核 example."""
    home = base / "seed-home"
    if (home / "projects-example").exists():
        return home
    env = {**os.environ, "INNODRIVE_HOME": str(home), "COLUMNS": "120"}
    env.pop("INNODRIVE_DATABASE_URL", None)
    for argv in (["init"], ["kaohe", "example"], ["projects", "example", "--out", str(home / "projects-example")]):
        subprocess.run([sys.executable, "-m", "innodrive", *argv], env=env, check=True, capture_output=True, cwd=base)
    return home


# ----------------------------------------------------------------------------- worker


def worker(spec_path: str) -> None:
    """Run the blocks of ``spec`` in-process; one JSON line per input start and end."""
    import resource
    import signal

    spec = json.loads(Path(spec_path).read_text())
    log = open(spec["log"], "a", buffering=1, encoding="utf-8")  # noqa: SIM115 — lives as long as the worker
    os.environ["INNODRIVE_DEBUG"] = "1"  # internal errors raise here instead of becoming exit 70
    os.environ["COLUMNS"] = "120"
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st

    # Typer rebuilds the whole command tree from signatures on every call (~0.1 s); the tree is
    # the same for every input, so build it once — ``innodrive.cli.main`` and its error
    # handling run unchanged around it.
    from typer.main import get_command

    import _fuzz_corpus as corpus
    import innodrive.cli as cli_package
    from innodrive.errors import InnodriveError

    command = get_command(cli_package.app)
    cli_package.app = lambda *a, **k: command(*a, **k)

    work = Path(spec["work"])
    (work / "out").mkdir(exist_ok=True)
    seeds = _seeds(Path(os.environ["INNODRIVE_HOME"]))
    strat = corpus.strategies()
    (work / "seed-data.csv").write_bytes(corpus.csv_bytes([["地区", "a", "b"], ["甲区", 1, 5], ["乙区", 2, 3],
                                                           ["丙区", 4, 1]]))
    import yaml

    (work / "seed-framework.yaml").write_text(yaml.safe_dump(seeds["framework"], allow_unicode=True), encoding="utf-8")

    def timeout(signum, frame):
        raise CpuBound()

    signal.signal(signal.SIGXCPU, timeout)
    devnull = os.open(os.devnull if not os.environ.get("FUZZ_SHOW_OUTPUT") else "/dev/stderr", os.O_WRONLY)  # the commands' own output is not what is checked
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)

    def one(target: str, path: Path, label: str) -> None:
        log.write(json.dumps({"start": target, "input": label}, ensure_ascii=False) + "\n")
        _, _, run = TARGETS[target]
        for f in (work / "out").iterdir():
            if f.is_file() or f.is_symlink():
                f.unlink()
        cpu0 = time.process_time()
        soft = int(cpu0 + spec.get("cpu_bound", CPU_BOUND_S)) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
        status, detail = "ok", ""
        try:
            run(path, work)
        except (InnodriveError, Refused):
            status = "refused"
        except CpuBound:
            status, detail = "slow", f"over {spec.get('cpu_bound', CPU_BOUND_S)} s CPU"
        except BaseException as exc:  # noqa: BLE001 — everything else is a finding
            import traceback

            if isinstance(exc, KeyboardInterrupt):
                raise
            status = "internal"
            detail = "".join(traceback.format_exception(exc)[-3:])[-1500:]
        finally:
            resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        secs = time.process_time() - cpu0
        if status in ("ok", "refused"):
            bad = _formulas(work / "out")
            if bad:
                status, detail = "formula", bad
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        log.write(json.dumps({"end": target, "input": label, "status": status, "cpu": round(secs, 3),
                              "rss_mb": round(rss), "detail": detail}, ensure_ascii=False) + "\n")

    for block in spec["blocks"]:
        target = block["target"]
        if block["kind"] == "corpus":
            for p in block["paths"]:
                one(target, Path(p), "corpus:" + Path(p).name)
            continue
        kind, seed_key, _ = TARGETS[target]
        if kind == "document":
            strategy = strat["document"]()
        elif kind == "table":
            strategy = strat["table"](seeds[seed_key])
        elif kind == "gold":
            strategy = strat["gold"](seeds[seed_key])
        else:
            strategy = strat["yaml"](seeds[seed_key])
        if seed_key and kind == "yaml":
            dumped = yaml.safe_dump(seeds[seed_key], allow_unicode=True).encode()
            strategy = st.one_of(strategy, strategy, strategy, strat["damaged"](dumped, ".yaml"))
        names = st.sampled_from(["in", "输入 文件", "[bold red]名", "[x", "=cmd", "\x1b[31mred", "-dash", "a\u200bb"])
        counter = {"n": 0}
        skip = block.get("skip", 0)

        def make(target, counter, skip, tag):
            def example(args):
                run_example(args, target, counter, skip, tag)
            return example

        def run_example(args, target, counter, skip, tag):
            (suffix, data), name = args
            counter["n"] += 1
            if counter["n"] <= skip:
                return
            p = work / f"{name}{suffix}"
            for old in work.glob("*.*"):
                if old.name not in ("seed-data.csv", "seed-framework.yaml") and old.is_file():
                    old.unlink()
            p.write_bytes(data)
            one(target, p, f"hyp:{tag}:{counter['n']}")

        campaign = settings(max_examples=block["n"], database=None, deadline=None, phases=[Phase.generate],
                            suppress_health_check=list(HealthCheck))(seed(block["seed"])(given(
                                st.tuples(strategy, names))(make(target, counter, skip, block["seed"]))))

        try:
            campaign()
        except Exception:  # noqa: BLE001 — a fault of the harness itself: say so in the log
            import traceback

            log.write(json.dumps({"harness_error": traceback.format_exc()[-3000:]}) + "\n")
            raise
    log.write(json.dumps({"finished": True}) + "\n")


def _formulas(folder: Path) -> str:
    """A live formula in any XLSX or CSV written by the command, described; else ''."""
    import csv

    for f in folder.iterdir():
        if f.suffix == ".xlsx" and f.is_file():
            from openpyxl import load_workbook

            wb = load_workbook(f, read_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for c in row:
                        if getattr(c, "data_type", None) == "f" or (isinstance(c.value, str) and c.value.startswith("=")):
                            return f"{f.name}!{ws.title}: {c.value!r:.80}"
        elif f.suffix == ".csv" and f.is_file():
            with open(f, encoding="utf-8-sig", errors="replace", newline="") as fh:
                for row in csv.reader(fh):
                    for v in row:
                        if v[:1] in ("=", "+", "@", "\t", "\r", "＝", "＋", "＠") or (v[:1] == "-" and not _number(v)):
                            return f"{f.name}: {v!r:.80}"
    return ""


def _number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


# ----------------------------------------------------------------------------- driver


def plan(inputs: int, corpus_paths: list[Path], seed: int, *, corpus_per_target: int | None = None) -> list[dict]:
    """Blocks: the corpus against every target (all of it, or ``corpus_per_target`` files each in
    rotation so that every file still meets some target), then hypothesis examples shared out."""
    names = list(TARGETS)
    if corpus_per_target is None:
        chosen = {t: corpus_paths for t in names}
    else:
        k = max(corpus_per_target, -(-len(corpus_paths) // len(names)))
        chosen = {t: [corpus_paths[(i * k + j) % len(corpus_paths)] for j in range(k)] for i, t in enumerate(names)}
    blocks = [{"target": t, "kind": "corpus", "paths": [str(p) for p in chosen[t]]} for t in names]
    left = max(0, inputs - sum(len(v) for v in chosen.values()))
    per = max(1, -(-left // len(TARGETS)))
    for i, t in enumerate(TARGETS):
        blocks.append({"target": t, "kind": "hyp", "n": per, "seed": seed + i})
    return blocks


def campaign(inputs: int, *, scale: float, seed: int = 17, base: Path | None = None, quiet: bool = False,
             cpu_bound: float = CPU_BOUND_S, corpus_per_target: int | None = None, workers: int = 1) -> dict:
    import _fuzz_corpus as corpus

    own = base is None
    base = Path(tempfile.mkdtemp(prefix="innodrive-fuzz-")) if own else base
    t0 = time.perf_counter()
    try:
        home = build_home(base)
        paths = corpus.build_corpus(base / "corpus", scale=scale)
        blocks = plan(inputs, paths, seed, corpus_per_target=corpus_per_target)
        results, peak = _drive_parallel(blocks, base, home, quiet=quiet, cpu_bound=cpu_bound, workers=workers)
    finally:
        if own:
            shutil.rmtree(base, ignore_errors=True)
    wall = time.perf_counter() - t0
    failures = [r for r in results if r["status"] not in ("ok", "refused")]
    by_target: dict[str, int] = {}
    for r in results:
        by_target[r["end"]] = by_target.get(r["end"], 0) + 1
    return {"inputs": len(results), "corpus_files": len(paths), "targets": len(TARGETS),
            "corpus_inputs": sum(len(b["paths"]) for b in blocks if b["kind"] == "corpus"), "wall_s": round(wall, 1),
            "cpu_s": round(sum(r["cpu"] for r in results), 1), "peak_rss_mb": peak,
            "max_cpu_one_input_s": max((r["cpu"] for r in results), default=0),
            "refused": sum(r["status"] == "refused" for r in results), "failures": failures, "by_target": by_target}


def _drive_parallel(blocks, base: Path, home: Path, *, quiet: bool, cpu_bound: float, workers: int):
    """``workers`` chains of workers, the blocks dealt out round-robin (each has its own home and folder)."""
    if workers <= 1:
        return _drive(blocks, base, home, quiet=quiet, cpu_bound=cpu_bound, chain="")
    from concurrent.futures import ThreadPoolExecutor

    parts = [blocks[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        done = list(pool.map(lambda i: _drive(parts[i], base, home, quiet=quiet, cpu_bound=cpu_bound,
                                              chain=f"{i}-"), range(workers)))
    return [r for rs, _ in done for r in rs], max(p for _, p in done)


def _drive(blocks, base: Path, home: Path, *, quiet: bool, cpu_bound: float, chain: str):
    """Run workers until every block is done; kill and restart past an input on a hang or memory breach."""
    results: list[dict] = []
    peak = 0
    todo = list(blocks)
    wid = 0
    while todo:
        wid += 1
        wid_s = f"{chain}{wid}"
        whome = base / f"home-{wid_s}"
        if whome.exists():
            shutil.rmtree(whome)
        shutil.copytree(home, whome, symlinks=True)
        work = base / f"work-{wid_s}"
        work.mkdir()
        log = base / f"log-{wid_s}.jsonl"
        spec = base / f"spec-{wid_s}.json"
        spec.write_text(json.dumps({"blocks": todo, "work": str(work), "log": str(log), "cpu_bound": cpu_bound},
                                   ensure_ascii=False))
        env = {**os.environ, "INNODRIVE_HOME": str(whome)}
        env.pop("INNODRIVE_DATABASE_URL", None)
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(spec)], env=env,
                                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        last, seen, breach = time.monotonic(), 0, None
        cpu_at_last = _cpu_s(proc.pid)
        while proc.poll() is None:
            time.sleep(0.5)
            rss = _rss_mb(proc.pid)
            peak = max(peak, rss)
            size = log.stat().st_size if log.exists() else 0
            if size != seen:
                seen, last, cpu_at_last = size, time.monotonic(), _cpu_s(proc.pid)
            stalled = time.monotonic() - last
            # A hang is a worker that neither answers nor computes (blocked on a FIFO, a device, a lock):
            # one that computes is stopped by its CPU bound instead, however loaded the machine is.
            if rss > MEMORY_BOUND_MB:
                breach = ("memory", f"resident memory {rss} MB > {MEMORY_BOUND_MB} MB")
            elif (stalled > HANG_S and _cpu_s(proc.pid) - cpu_at_last < 1.0) or stalled > 6 * HANG_S:
                breach = ("hang", f"no progress for {stalled:.0f} s")
            if breach:
                proc.kill()
                proc.wait()
                break
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
        ended = [x for x in lines if "end" in x]
        results.extend(ended)
        for r in ended:
            peak = max(peak, r["rss_mb"])
            if not quiet and r["status"] not in ("ok", "refused"):
                print(f"[fuzz] FAIL {r['end']} {r['input']}: {r['status']} {r['detail']}", flush=True)
        if any("finished" in x for x in lines):
            break
        started = [x for x in lines if "start" in x]
        if len(started) > len(ended):  # the input in progress: record it as the failure
            cur = started[-1]
            kind, why = breach or ("crash", f"worker ended with {proc.returncode}: {err[-500:]}")
            results.append({"end": cur["start"], "input": cur["input"], "status": kind, "cpu": 0, "rss_mb": 0,
                            "detail": why})
            if not quiet:
                print(f"[fuzz] FAIL {cur['start']} {cur['input']}: {kind} {why}", flush=True)
        elif not started or any("harness_error" in x for x in lines):
            why = next((x["harness_error"] for x in lines if "harness_error" in x), err[-2000:])
            raise SystemExit(f"fuzz worker failed: {why}")
        todo = _remaining(todo, ended + ([{"end": started[-1]["start"], "input": started[-1]["input"]}]
                                          if len(started) > len(ended) else []))
        if not quiet:
            print(f"[fuzz] worker {wid_s} stopped after {len(ended)} inputs; restarting", flush=True)
    return results, peak


def _remaining(blocks: list[dict], done: list[dict]) -> list[dict]:
    """The blocks still to run, given the inputs done (corpus paths by name, hypothesis examples by count)."""
    out = []
    for b in blocks:
        mine = [d for d in done if d["end"] == b["target"]]
        if b["kind"] == "corpus":
            names = {d["input"].removeprefix("corpus:") for d in mine if d["input"].startswith("corpus:")}
            paths = [p for p in b["paths"] if Path(p).name not in names]
            if paths:
                out.append({**b, "paths": paths})
        else:
            hyp = [d for d in mine if d["input"].startswith(f"hyp:{b['seed']}:")]
            skip = max([b.get("skip", 0), *(int(d["input"].rsplit(":", 1)[1]) for d in hyp)])
            if skip < b["n"]:
                out.append({**b, "skip": skip})
    return out


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _rss_mb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


# ----------------------------------------------------------------------------- faces


def summary_lines(s: dict) -> list[str]:
    return [f"inputs {s['inputs']:,} over {s['targets']} targets ({s['corpus_inputs']:,} from the {s['corpus_files']} "
            f"hostile corpus files, the rest generated by hypothesis)",
            f"wall {s['wall_s']:.0f} s, CPU in the targets {s['cpu_s']:.0f} s, slowest input {s['max_cpu_one_input_s']:.1f}"
            f" s CPU, peak resident memory of a worker {s['peak_rss_mb']} MB",
            f"refused with a message {s['refused']:,}; failures {len(s['failures'])}"]


def write_readme(s: dict, *, scale: float, workers: int, requested: int) -> None:
    """Put the figures of a campaign between the ``fuzz-figures`` markers of README.md."""
    import datetime as dt
    import platform

    start, end = "<!-- fuzz-figures:start -->", "<!-- fuzz-figures:end -->"
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text:
        return
    fails = s["failures"]
    lines = [start,
             f"Measured {dt.date.today().isoformat()} (`python bench/fuzz.py --inputs {requested} --scale {scale:g} "
             f"--workers {workers}`, {os.cpu_count()} cores shared with other work, Python {platform.python_version()}):",
             "",
             "| measure | figure | bound |", "|---|---|---|",
             f"| inputs (corpus files × targets + hypothesis examples) | {s['inputs']:,} ({s['corpus_inputs']:,} + "
             f"{s['inputs'] - s['corpus_inputs']:,}) over {s['targets']} targets | ≥ 10,000 |",
             f"| refused with a Chinese message / read | {s['refused']:,} / {s['inputs'] - s['refused'] - len(fails):,} | — |",
             f"| wall time (machine shared: load ≈ 10 on 2 cores) / CPU time in the targets | {s['wall_s']:,.0f} s / "
             f"{s['cpu_s']:,.0f} s | — |",
             f"| slowest single input (CPU) | {s['max_cpu_one_input_s']:.1f} s | < {CPU_BOUND_S:.0f} s |",
             f"| peak resident memory of a worker (interpreter and libraries included) | {s['peak_rss_mb']:,} MB | "
             f"< {MEMORY_BOUND_MB:,} MB |",
             f"| internal errors, hangs, memory breaches, live formulas | {len(fails)} | 0 |",
             end]
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(head + "\n".join(lines) + tail, encoding="utf-8")


def run() -> list[tuple[str, str, str]]:
    """``make bench``: a 1,000-input campaign at a tenth of the findings' sizes."""
    s = campaign(1000, scale=0.1, quiet=True, corpus_per_target=4)
    return [("fuzz: inputs over every reader and file-taking command (corpus at 0.1 scale + hypothesis)",
             f"{s['inputs']:,} in {s['wall_s']:.0f} s wall", "—"),
            ("fuzz: peak worker memory / slowest input", f"{s['peak_rss_mb']} MB / {s['max_cpu_one_input_s']:.1f} s CPU",
             f"< {MEMORY_BOUND_MB} MB / < {CPU_BOUND_S:.0f} s"),
            ("fuzz: internal errors, hangs, memory breaches, live formulas", str(len(s["failures"])), "0")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=10_000)
    ap.add_argument("--scale", type=float, default=1.0, help="size of the hostile corpus (1.0 = the findings' sizes)")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--workers", type=int, default=1, help="worker chains run side by side")
    ap.add_argument("--corpus-per-target", type=int, help="corpus files per target, in rotation (default: all)")
    ap.add_argument("--base", help="scratch folder to keep (default: a temporary one, removed)")
    ap.add_argument("--readme", action="store_true", help="write the figures into README.md")
    ap.add_argument("--json", help="write the summary (with every failure) to this file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return
    base = Path(args.base) if args.base else None
    if base:
        base.mkdir(parents=True, exist_ok=True)
        for old in list(base.glob("home-*")) + list(base.glob("work-*")) + list(base.glob("log-*")):
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    s = campaign(args.inputs, scale=args.scale, seed=args.seed, base=base, corpus_per_target=args.corpus_per_target,
                 workers=args.workers)
    for line in summary_lines(s):
        print("[fuzz]", line)
    for t, k in sorted(s["by_target"].items()):
        print(f"[fuzz]   {t}: {k}")
    if args.readme:
        write_readme(s, scale=args.scale, workers=args.workers, requested=args.inputs)
    if args.json:
        Path(args.json).write_text(json.dumps(s, ensure_ascii=False, indent=1), encoding="utf-8")
    sys.exit(1 if s["failures"] else 0)


if __name__ == "__main__":
    main()
