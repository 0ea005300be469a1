"""``innodrive extract`` / ``innodrive evaluate`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "documents"
GOLD = ROOT / "tests" / "data" / "gold" / "seeds.json"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True, cwd=cwd,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)})


def test_json_output_is_exactly_the_contract():
    r = cli("extract", str(EXAMPLES / "乐山_市委关于深入推进创新驱动引领高质量发展的决定_2021.txt"), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert set(d) == {"source", "document", "outline", "targets", "programmes"}
    assert set(d["source"]) == {"file", "sha256", "encoding", "script"}
    assert set(d["document"]) == {"title", "issuer", "region", "genre", "issued", "horizon"}
    assert {k for o in d["outline"] for k in o} == {"level", "label", "title", "span"}
    assert {k for t in d["targets"] for k in t} == {"indicator", "kind", "value", "unit", "comparator", "year",
                                                     "baseline_year", "direction", "firmness", "scope", "section",
                                                     "evidence"}
    assert {k for t in d["targets"] for k in t["evidence"]} == {"text", "span"}
    assert {k for p in d["programmes"] for k in p} == {"name", "parts", "evidence"}
    t = next(t for t in d["targets"] if t["value"] == 192)
    assert t == {**t, "indicator": "国家高新技术企业", "kind": "number", "unit": "家", "comparator": "=", "year": 2025,
                 "direction": "ge", "scope": "全市", "section": "二/4"}
    assert t["evidence"]["text"] == "到2025年,全市国家高新技术企业达到192家"
    original = (EXAMPLES / "乐山_市委关于深入推进创新驱动引领高质量发展的决定_2021.txt").read_text(encoding="utf-8")
    a, b = t["evidence"]["span"]
    assert original[a:b] == "到2025年,全市国家高新技术企业达到192家"


def test_out_writes_one_json_per_input_and_evaluate_scores_them(tmp_path):
    out = tmp_path / "pred"
    r = cli("extract", *map(str, sorted(EXAMPLES.glob("*.txt"))), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.name}.json" for p in EXAMPLES.glob("*.txt"))
    r = cli("evaluate", str(GOLD), str(out), "--json")
    scores = json.loads(r.stdout)
    assert scores["overall"]["targets"]["f1"] >= 0.95 and scores["overall"]["outline"]["f1"] >= 0.95
    # without one prediction, -v lists what was missed
    (out / "宜宾_市科技局科技创新工作要点_2022.txt.json").unlink()
    r = cli("evaluate", str(GOLD), str(out), "-v")
    assert "无预测结果" in r.stdout and "漏抽" in r.stdout and "研发经费支出" in r.stdout


def test_human_readable_table():
    r = cli("extract", str(EXAMPLES / "宜宾_市科技局科技创新工作要点_2022.txt"))
    assert r.returncode == 0
    assert "技术合同认定登记额" in r.stdout and "“135”工作思路" in r.stdout and "提纲" in r.stdout


def test_bad_inputs_give_one_line_per_file_and_no_traceback(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 10)
    good = EXAMPLES / "自贡_市委十二届十二次全会公报_2021.txt"
    out = tmp_path / "out"
    r = cli("extract", str(empty), str(binary), str(tmp_path / "missing.txt"), str(good), "--out", str(out))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("错误")]
    assert len(errors) == 3
    assert any("empty.txt" in e and "文件为空" in e for e in errors)
    assert any("photo.jpg" in e and "图片" in e for e in errors)
    assert any("missing.txt" in e and "不存在" in e for e in errors)
    assert (out / f"{good.name}.json").exists()  # the readable file is still written


def test_a_document_without_targets_is_an_empty_plan_with_a_warning(tmp_path):
    p = tmp_path / "notice.txt"
    p.write_text("关于举办科技活动周的通知\n请各单位认真组织。", encoding="utf-8")
    r = cli("extract", str(p), "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout)["targets"] == []
    assert "文中未找到量化目标" in r.stderr


def test_evaluate_reports_bad_gold_without_traceback(tmp_path):
    bad = tmp_path / "gold.json"
    bad.write_text("{not json", encoding="utf-8")
    r = cli("evaluate", str(bad), str(tmp_path))
    assert r.returncode == 2 and "不是有效的 JSON" in r.stderr and "Traceback" not in r.stderr


def test_extract_and_evaluate_register_only_their_module_and_print_what_the_full_app_prints(tmp_path):
    """``innodrive extract``/``evaluate`` load only ``innodrive.cli.extract`` (start-up of
    scripts run over folders); the output, the files written and the exit status are those
    of the application with every command registered."""
    docs = sorted(str(p) for p in EXAMPLES.glob("*.txt"))
    run = ("import sys; from innodrive import cli\n"
           "if sys.argv[1] == 'full': cli.register()\n"
           "code = cli.main(sys.argv[2:])\n"
           "print('PLANS-LOADED' if 'innodrive.cli.plans' in sys.modules else 'ALONE', file=sys.stderr)\n"
           "sys.exit(code)")
    cases = [["extract", *docs, "--out", "{out}", "--jobs", "1"], ["extract", docs[0], "-v"], ["extract", "--help"],
             ["extract", str(tmp_path / "missing.txt"), "--out", "{out}"], ["extract", docs[0], "--jobs", "0"],
             ["evaluate", str(GOLD), "{out}"]]
    for case in cases:
        results = {}
        for mode in ("solo", "full"):  # (names of one length: the table centres the folder)
            out = tmp_path / mode
            args = [a.replace("{out}", str(out)) for a in case]
            r = subprocess.run([sys.executable, "-c", run, mode, *args], capture_output=True, text=True,
                               env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
            files = {p.name: p.read_bytes() for p in sorted(out.glob("*"))} if out.exists() else {}
            # (the folder named in a table title may be wrapped across lines: its last part is its mode)
            results[mode] = (r.returncode, r.stdout.replace(str(out), "OUT").replace(mode, "MODE"),
                             r.stderr.replace(str(out), "OUT").replace(mode, "MODE"), files)
        alone, full = results["solo"], results["full"]
        assert alone[2].endswith("ALONE\n") and full[2].endswith("PLANS-LOADED\n"), case
        assert alone[0] == full[0] and alone[1] == full[1] and alone[3] == full[3], case
        assert alone[2].replace("ALONE", "") == full[2].replace("PLANS-LOADED", ""), case
    assert results["full"][0] == 0 and "F1" in results["full"][1]  # evaluate scored the files extract wrote


_FAST = ("import sys; from innodrive import launch\n"
         "code = launch.try_run(sys.argv[1:])\n"
         "print('TYPER' if 'typer' in sys.modules else 'NO-TYPER', file=sys.stderr)\n"
         "sys.exit(99 if code is None else code)")
_FULL = ("import sys; from innodrive import cli\n"
         "code = cli.main(sys.argv[1:])\n"
         "print('TYPER' if 'typer' in sys.modules else 'NO-TYPER', file=sys.stderr)\n"
         "sys.exit(code)")


def _run_both(tmp_path: Path, args: list[str]):
    """(fast path, full CLI) runs of ``innodrive extract ARGS`` ({out} a folder of one name
    length per run): exit status, stdout, stderr (elapsed times blanked), files written."""
    import re

    results = []
    for mode, code in (("fast", _FAST), ("full", _FULL)):
        out = tmp_path / mode
        argv = [a.replace("{out}", str(out)) for a in args]
        r = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                           env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)})

        def norm(text, out=out, mode=mode):
            return re.sub(r"\d+:\d\d:\d\d", "T", text.replace(str(out), "OUT").replace(mode, "MODE"))

        files = {p.name: p.read_bytes() for p in sorted(out.glob("*"))} if out.is_dir() else {}
        results.append((r.returncode, norm(r.stdout), norm(r.stderr), files))
    return results


def test_extract_out_without_typer_prints_and_writes_what_the_full_cli_does(tmp_path):
    """``extract FILE… --out DIR [--jobs N]`` runs without Typer (start-up of scripts over
    folders); the exit status, stdout, stderr and the files are the full command's, for
    one file, many, a file that cannot be read, a folder that cannot be made, names with
    markup, a document without targets, and on worker processes."""
    docs = sorted(str(p) for p in EXAMPLES.glob("*.txt"))
    real = sorted(str(p) for p in (ROOT / "tests" / "data" / "real").glob("*.txt"))
    odd = tmp_path / "[bold]名单[red].txt"
    odd.write_text("关于召开会议的通知\n请各单位按时参加。\n", encoding="utf-8")
    blocker = tmp_path / "a_file"
    blocker.write_text("x", encoding="utf-8")
    cases = [["extract", *docs, "--out", "{out}"], ["extract", docs[0], "--out", "{out}"],
             ["extract", "--out", "{out}", "-j", "1", *docs[:2]],
             ["extract", docs[0], str(tmp_path / "missing.txt"), "--out", "{out}", "--jobs", "1"],
             ["extract", docs[0], "--out", str(blocker / "sub")], ["extract", str(odd), docs[1], "--out", "{out}"],
             ["extract", *real, *docs, "--out", "{out}", "--jobs", "2"]]
    for case in cases:
        (fast_code, *fast), (full_code, *full) = _run_both(tmp_path, case)
        assert fast[1].endswith("NO-TYPER\n") and full[1].endswith("TYPER\n"), (case, fast[1][-300:])
        assert fast_code == full_code, case
        assert fast[0] == full[0] and fast[2] == full[2], case
        assert fast[1].replace("NO-TYPER\n", "") == full[1].replace("TYPER\n", ""), case


def test_other_extract_command_lines_are_left_to_the_full_cli():
    from innodrive.launch import _extract_out_shape

    assert _extract_out_shape(["a.txt", "--out", "d"]) == (["a.txt"], "d", None)
    assert _extract_out_shape(["--jobs", "3", "a.txt", "b.txt", "--out", "d"]) == (["a.txt", "b.txt"], "d", 3)
    for args in (["a.txt"], ["a.txt", "--out"], ["a.txt", "--out", "d", "--out", "e"], ["a.txt", "--out", "-d"],
                 ["a.txt", "--out", "d", "-v"], ["a.txt", "--out=d"], ["a.txt", "--out", "d", "--jobs", "0"],
                 ["a.txt", "--out", "d", "--jobs", "01"], ["a.txt", "--out", "d", "-j", "２"],
                 ["a.txt", "--out", "d", "--jobs", "1", "-j", "2"], ["--out", "d"], ["a.txt", "--", "--out", "d"],
                 ["a.txt", "--out", "d", "--help"]):
        assert _extract_out_shape(args) is None, args
