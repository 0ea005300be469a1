"""Many documents on worker processes (:mod:`innodrive.extraction.batch`): the same results
in input order as one process, per-file errors as one process reports them, and a worker
that dies ends the batch with a Chinese message instead of a hang."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from innodrive.extraction import batch
from innodrive.extraction.batch import BatchFailed, extract_files, run_paths
from innodrive.extraction.pipeline import run_path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "documents").glob("*.txt"))
REAL = sorted((ROOT / "tests" / "data" / "real").glob("*.txt"))


@pytest.fixture
def pool_always(monkeypatch):
    """Workers even for a small batch (the size threshold is measured, not what is tested)."""
    monkeypatch.setattr(batch, "MIN_POOL_BYTES", 0)


def _children() -> set[int]:
    """The live (or unreaped) child processes of this process."""
    path = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


@pytest.mark.forks
def test_workers_give_the_results_of_one_process_in_input_order(pool_always, tmp_path):
    missing = tmp_path / "不存在.txt"
    binary = tmp_path / "坏文件.pdf"
    binary.write_bytes(b"\x00\x01\x02 not a pdf")
    paths = [*REAL[:3], missing, *EXAMPLES, binary, REAL[3]]
    before = _children()
    with extract_files(paths, explain=True, jobs=2, contract_json=True) as b:
        assert b.workers == 2
        got = list(b.results())
    assert _children() == before  # every worker reaped
    assert [i for i, _ in got] == list(range(len(paths)))
    for path, (_, (plan, message, data)) in zip(paths, got, strict=True):
        if path in (missing, binary):
            with pytest.raises(Exception) as exc:
                run_path(path)
            assert plan is None and data is None and message == str(exc.value)
            continue
        one = run_path(path, explain=True)
        assert message is None
        assert plan.to_contract() == one.to_contract() and plan.decisions == one.decisions
        assert plan.warnings == one.warnings
        assert data == json.dumps(one.to_contract(), ensure_ascii=False, indent=1).encode("utf-8")


@pytest.mark.forks
def test_progress_counts_every_finished_file(pool_always):
    seen: list[tuple[int, str]] = []
    with extract_files(EXAMPLES, jobs=2) as b:
        list(b.results(lambda n, name: seen.append((n, name))))
    assert [n for n, _ in seen] == list(range(1, len(EXAMPLES) + 1))
    assert sorted(name for _, name in seen) == sorted(p.name for p in EXAMPLES)


@pytest.mark.forks
def test_one_file_jobs_one_small_batches_and_threaded_callers_stay_in_process(monkeypatch):
    assert extract_files(EXAMPLES[:1], jobs=4).workers == 1
    assert extract_files(EXAMPLES, jobs=1).workers == 1
    assert sum(p.stat().st_size for p in EXAMPLES) < batch.MIN_POOL_BYTES
    assert extract_files(EXAMPLES, jobs=4).workers == 1  # under the threshold: forking costs more than it gains
    monkeypatch.setattr(batch, "MIN_POOL_BYTES", 0)
    assert extract_files(EXAMPLES, jobs=3).workers == 3
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:  # another thread runs (a web server, a progress bar): forking is unsafe
        assert extract_files(EXAMPLES, jobs=3).workers == 1
    finally:
        stop.set()
        thread.join()


@pytest.mark.forks
@pytest.mark.parametrize("how", ["exit", "kill"])
def test_a_worker_that_dies_ends_the_batch_with_a_message_naming_its_file(pool_always, monkeypatch, how):
    victim = EXAMPLES[2]
    real_one = batch._one

    def dies_on_victim(path, explain, contract_json):  # forked workers inherit this
        if path == str(victim):
            if how == "exit":
                os._exit(3)
            os.kill(os.getpid(), signal.SIGKILL)
        return real_one(path, explain, contract_json)

    monkeypatch.setattr(batch, "_one", dies_on_victim)
    before = _children()
    got = []
    with pytest.raises(BatchFailed) as exc, extract_files(EXAMPLES, jobs=2) as b:
        for i, _ in b.results():
            got.append(i)
    assert _children() == before
    assert got == list(range(len(got))) and 2 not in got  # the files before it, in order
    message = str(exc.value)
    assert victim.name in message and "抽取工作进程意外退出" in message and "--jobs 1" in message
    assert ("退出码 3" if how == "exit" else f"信号 {signal.SIGKILL}") in message


@pytest.mark.forks
def test_a_bug_in_a_worker_is_raised_as_in_one_process(pool_always, monkeypatch):
    def broken(path, explain, contract_json):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(batch, "_one", broken)
    with pytest.raises(ZeroDivisionError):
        run_paths(EXAMPLES, jobs=2)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "200"})


@pytest.mark.slow
def test_extract_on_all_cores_prints_and_writes_the_bytes_of_one_process(tmp_path):
    """The real command on the real reports (above the pool's threshold), ``--jobs 2``
    against ``--jobs 1``: console, ``-v``, JSON and the files of ``--out``."""
    files = [str(p) for p in [*REAL[:6], *EXAMPLES]]
    assert sum(os.path.getsize(f) for f in files) >= batch.MIN_POOL_BYTES
    missing = str(tmp_path / "缺失.txt")
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        runs[jobs] = (_cli("extract", *files[:3], missing, *files[3:], "--json", "-v", "--jobs", jobs),
                      _cli("extract", *files, "--out", str(out), "--jobs", jobs),
                      {p.name: p.read_bytes() for p in out.iterdir()})
    (json1, out1, written1), (json2, out2, written2) = runs["1"], runs["2"]
    assert json1.returncode == json2.returncode == 2
    assert json1.stdout == json2.stdout and json1.stderr == json2.stderr
    assert "缺失.txt" in json2.stderr.decode()
    assert len(json.loads(json2.stdout)) == len(files)
    assert out1.returncode == out2.returncode == 0
    assert out1.stdout.replace(b"out1", b"out2") == out2.stdout
    assert written1 == written2 and len(written2) == len(files)
    progress = out2.stderr.decode().splitlines()[0]
    assert f"{len(files)}/{len(files)}" in progress and Path(files[-1]).name in progress


@pytest.mark.forks
def test_extract_json_fast_path_reports_a_dead_worker_in_chinese(pool_always, monkeypatch, capsys):
    from innodrive import launch

    victim = EXAMPLES[1]
    real_one = batch._one

    def dies_on_victim(path, explain, contract_json):
        if path == str(victim):
            os._exit(1)
        return real_one(path, explain, contract_json)

    monkeypatch.setattr(batch, "_one", dies_on_victim)
    monkeypatch.setattr(batch, "default_jobs", lambda: 2)
    before = _children()
    status = launch.try_run(["extract", *map(str, EXAMPLES), "--json"])
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    assert captured.err.startswith("错误：") and victim.name in captured.err and "Traceback" not in captured.err
    assert _children() == before
