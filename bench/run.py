"""``make bench``: run every benchmark under bench/ and write the figures into README.md.

Each benchmark is a module ``bench/<name>.py`` exposing ``run() -> list[Result]``
(``Result`` = (metric, value, target) strings). Modules run in separate processes so
that peak-memory figures of one do not leak into another. The table between the
``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers of README.md is replaced.
Each benchmark's rows end with the host's speed just before and after it (``_host``): this
shared VM's speed changes several-fold between hours.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from _host import ADDITIONS, loop_seconds

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def discover() -> list[str]:
    names = sorted(p.stem for p in BENCH.glob("*.py") if p.stem not in {"run", "__init__"} and not p.stem.startswith("_"))
    wanted = sys.argv[1:]
    return [n for n in names if not wanted or n in wanted]


def run_one(name: str) -> list[list[str]]:
    code = (
        "import json, sys; sys.path.insert(0, 'bench'); "
        f"import {name} as m; print('@@RESULT@@' + json.dumps([list(r) for r in m.run()], ensure_ascii=False))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark {name} failed")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("@@RESULT@@"))
    return json.loads(line[len("@@RESULT@@"):])


def host_row(before: float, after: float) -> list[str]:
    return [f"host speed while measuring: a fixed Python loop ({ADDITIONS / 1e6:.0f}M additions, best of 3), before / after",
            f"{before:.2f} s / {after:.2f} s", "— (lower is a faster host)"]


def main() -> None:
    rows: list[tuple[str, list[str]]] = []
    for name in discover():
        print(f"[bench] {name} …", flush=True)
        before = loop_seconds()
        results = run_one(name)
        for r in [*results, host_row(before, loop_seconds())]:
            rows.append((name, r))
            print("   ", " | ".join(r), flush=True)
    cpu = platform.processor() or platform.machine()
    lines = [
        START,
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}.",
        "",
        "| benchmark | metric | measured | target |",
        "|---|---|---|---|",
        *[f"| {name} | {r[0]} | {r[1]} | {r[2] if len(r) > 2 else ''} |" for name, r in rows],
        END,
    ]
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START in text and END in text and not sys.argv[1:]:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + "\n".join(lines) + tail
    elif START in text and END in text:
        # Partial run: keep the rows of benchmarks that were not re-run.
        head, rest = text.split(START, 1)
        old, tail = rest.split(END, 1)
        ran = {name for name, _ in rows}
        kept = [ln for ln in old.splitlines() if ln.startswith("| ") and not ln.startswith("| benchmark")
                and ln.split("|")[1].strip() not in ran]
        new_rows = lines[5:-1]
        text = head + "\n".join(lines[:5] + kept + new_rows + [END]) + tail
    else:
        text += "\n## 性能基准 / Benchmarks\n\n" + "\n".join(lines) + "\n"
    readme.write_text(text, encoding="utf-8")
    print("[bench] README.md updated")


if __name__ == "__main__":
    main()
