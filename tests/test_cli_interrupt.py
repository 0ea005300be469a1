"""Ctrl-C during any command: one Chinese line on stderr, exit status 130, no traceback, and
no half-written output (files are written through a temporary file renamed at the end)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from innodrive.cli import main
from innodrive.errors import INTERRUPTED

CORPUS = Path("/work/shared/corpus/real")


def _interrupt_when(args: list[str], started, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m innodrive *args``, send it SIGINT once ``started()`` is true (it is working),
    and return what it printed and its exit status."""
    env = {**os.environ, "INNODRIVE_HOME": str(cwd / "home"), "COLUMNS": "200"}
    env.pop("INNODRIVE_DATABASE_URL", None)
    # an ignored SIGINT (as some test runners' workers have) would be inherited: give the child Python's own
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "innodrive", *args], cwd=cwd, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        if previous is signal.SIG_IGN:
            signal.signal(signal.SIGINT, previous)
    deadline = time.monotonic() + timeout
    try:
        while not started() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "the command finished before it could be interrupted: give it more work"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.slow
def test_ctrl_c_during_enterprises_check_says_so_and_leaves_no_result_file(tmp_path):
    from tests.enterprises.ent_helpers import make_code

    registry = tmp_path / "名录.csv"
    with registry.open("w", encoding="utf-8", newline="") as f:  # CONSTRUCTED enterprises
        w = csv.writer(f)
        w.writerow(["统一社会信用代码", "企业名称", "成立日期", "营业收入（万元）", "研发费用（万元）", "职工总数"])
        for i in range(100_000):
            w.writerow([make_code(i + 1), f"企业{i}", "2015-03-04", 1000 + i % 500, 50 + i % 37, 30 + i % 200])
    result = tmp_path / "结果.csv"

    def writing() -> bool:
        # the result is being written: its temporary file holds lines. (It exists from before
        # pandas is imported; a SIGINT landing inside that import, in its C extensions, was
        # now and then lost — the command went on to finish, status 0 — or ended the process
        # by the signal after the message, status −2: 5 of 80 runs with greenlet kept out.)
        return any(p.name.startswith(".结果.csv.") and p.stat().st_size > 0 for p in tmp_path.iterdir())

    r = _interrupt_when(["enterprises", "check", str(registry), "--out", str(result), "--on", "2024-06-30"], writing,
                        tmp_path)
    assert r.returncode == 130, r.stderr
    assert INTERRUPTED in r.stderr and "Traceback" not in r.stderr
    # no result, no temporary file (and no database folder: a check without a database leaves none)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["名录.csv"]


@pytest.mark.slow
@pytest.mark.forks
def test_ctrl_c_during_extract_on_workers_says_so_and_leaves_only_whole_results(tmp_path):
    sources = sorted(CORPUS.glob("*.txt"))
    if not sources:
        pytest.skip("the field corpus is not available")
    docs = tmp_path / "docs"
    docs.mkdir()
    # (enough documents that the interrupt lands before the last one is written, however fast
    # the extractor and the machine: 60 were now and then all written first)
    count = 240
    for i in range(count):
        shutil.copy(sources[i % len(sources)], docs / f"{i:03d}.txt")
    out = tmp_path / "out"

    def first_written() -> bool:
        return out.is_dir() and any(p.suffix == ".json" for p in out.iterdir())

    r = _interrupt_when(["extract", *map(str, sorted(docs.iterdir())), "--out", str(out), "--jobs", "2"],
                        first_written, tmp_path)
    assert r.returncode == 130, r.stderr
    assert INTERRUPTED in r.stderr and "Traceback" not in r.stderr
    written = sorted(out.iterdir())
    assert 0 < len(written) < count and all(p.suffix == ".json" for p in written)  # no temporary file left
    for p in written:  # each result is whole
        assert json.loads(p.read_text(encoding="utf-8"))["targets"] is not None


def _raise_interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("argv, target", [
    (["extract", "{doc}"], "innodrive.extraction.batch.extract_files"),
    (["assess", "{doc}", "{doc}"], "innodrive.assessment.run.assess"),
    (["enterprises", "check", "{doc}", "--out", "{dir}/r.csv"], "innodrive.services.enterprises.screen_registry_to"),
    (["plan", "add", "{doc}"], "innodrive.services.plans.add_documents"),
])
def test_every_command_reports_ctrl_c_in_one_place(tmp_path, monkeypatch, capsys, argv, target):
    """Typer would turn a command's KeyboardInterrupt into a silent exit status 130: the root
    group hands it to main, which says so (root commands and a sub-group's alike)."""
    doc = tmp_path / "文件.csv"
    doc.write_text("统一社会信用代码,企业名称\n", encoding="utf-8")
    assert main(["init", "--no-data"]) == 0
    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(__import__(module, fromlist=[name]), name, _raise_interrupt)
    capsys.readouterr()
    assert main([a.format(doc=doc, dir=tmp_path) for a in argv]) == 130
    err = capsys.readouterr().err
    assert INTERRUPTED in err and "Traceback" not in err and "内部错误" not in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "innodrive-home") == ["文件.csv"]


_INTERRUPT_WHILE_IMPORTING = """
import sys
from importlib.abc import MetaPathFinder

class CtrlC(MetaPathFinder):  # the user's Ctrl-C arrives while {module} is being imported
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, CtrlC())
sys.argv = ["innodrive", *{args!r}]
from innodrive.launch import main
main()
"""


@pytest.mark.parametrize(("module", "args"), [
    ("innodrive.cli.app", ["plans"]),            # the full CLI, before its commands' own handler exists
    ("innodrive.cli", ["--help"]),
    ("innodrive.extraction.batch", ["extract", "a.txt", "--json"]),  # the fast path
])
def test_ctrl_c_while_the_cli_is_still_starting_says_so_without_a_traceback(tmp_path, module, args):
    env = {**os.environ, "INNODRIVE_HOME": str(tmp_path / "home")}
    env.pop("INNODRIVE_DATABASE_URL", None)
    r = subprocess.run([sys.executable, "-c", _INTERRUPT_WHILE_IMPORTING.format(module=module, args=args)],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 130, r.stderr
    assert r.stderr.strip() == INTERRUPTED
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert not (tmp_path / "home").exists()  # nothing was created
