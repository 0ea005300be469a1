"""The quick subset of the fuzzing campaign (issue 17), run by ``make test``.

``bench/fuzz.py`` drives every reader and every command that takes a file with the
hostile corpus and hypothesis-generated files; ``make fuzz`` runs at least 10,000 inputs
at the sizes of the findings. Here: every corpus file reaches at least one target (at a
small scale) and a few generated files reach every target — a reader that crashes,
hangs, leaves a live formula or runs away with memory fails this test and is named.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_campaign_finds_no_internal_error_hang_formula_or_memory_breach(tmp_path):
    summary = tmp_path / "fuzz.json"
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "fuzz.py"), "--inputs", "150", "--scale", "0.002",
                        "--corpus-per-target", "2", "--seed", "3", "--base", str(tmp_path / "base"),
                        "--json", str(summary)], capture_output=True, text=True, timeout=1500, cwd=ROOT)
    assert summary.exists(), r.stdout[-3000:] + r.stderr[-3000:]
    s = json.loads(summary.read_text(encoding="utf-8"))
    assert s["failures"] == [], json.dumps(s["failures"], ensure_ascii=False, indent=1)[:5000]
    assert s["inputs"] >= 150 and s["targets"] == len(s["by_target"])
    assert s["corpus_inputs"] >= s["corpus_files"]  # every hostile file met some target
    assert r.returncode == 0
