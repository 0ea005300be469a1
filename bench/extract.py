"""Extraction benchmark: throughput per core, start-up, peak memory, linear growth.

Figures (written to README by ``make bench``):

- throughput in MB of Chinese text per second of CPU time on one core, over the bundled
  examples repeated to at least 10 MB (each copy extracted as its own document);
- the same on one 10 MB file of *unique* paragraphs (SYNTHETIC: sentences of the
  examples shuffled with their numbers changed, so repeat detection cannot shortcut);
- ``innodrive extract`` on one document, start-up included (wall time, best of 3);
- peak memory (max RSS) of extracting a 50 MB SYNTHETIC file, in a separate process;
- growth: CPU time for 20 MB divided by CPU time for 10 MB (2.0 = linear).
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "documents"
WORK = ROOT / "bench" / "_work"
MB = 1024 * 1024


def synthetic(path: Path, megabytes: float, seed: int = 7) -> Path:
    """SYNTHETIC text for benchmarks only: example sentences shuffled, numbers changed."""
    if path.exists() and path.stat().st_size >= megabytes * MB:
        return path
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    sentences = [s.strip() for t in texts for s in re.split(r"(?<=。)", t) if len(s.strip()) > 10]
    out, size = [], 0
    while size < megabytes * MB:
        para = "".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
        para = re.sub(r"\d+", lambda m: str(rng.randint(1, 9999)), para)
        out.append(para)
        size += len(para.encode("utf-8")) + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def repeated_examples_throughput() -> float:
    from innodrive.extraction import extract_bytes

    docs = [(p.name, p.read_bytes()) for p in sorted(EXAMPLES.glob("*.txt"))]
    extract_bytes(*reversed(docs[0]))  # warm up: imports, OpenCC, region tables
    total = 0
    start = time.process_time()
    while total < 10 * MB:
        for name, data in docs:
            extract_bytes(data, name)
            total += len(data)
    return total / MB / (time.process_time() - start)


def file_cpu_seconds(path: Path) -> float:
    from innodrive.extraction import extract_path

    start = time.process_time()
    extract_path(path)
    return time.process_time() - start


def startup_one_document() -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "innodrive", "extract", str(EXAMPLES / "乐山_市委关于深入推进创新驱动引领高质量发展的决定_2021.txt"),
                        "--json"], check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory_mb(path: Path) -> tuple[float, float]:
    code = (
        "import resource, sys, time; from innodrive.extraction import extract_path\n"
        "t = time.perf_counter(); extract_path(sys.argv[1]); print(time.perf_counter() - t)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True)
    seconds, kb = proc.stdout.split()
    return int(kb) / 1024, float(seconds)


def run() -> list[tuple[str, str, str]]:
    WORK.mkdir(parents=True, exist_ok=True)
    from innodrive.extraction import extract_path

    extract_path(EXAMPLES / "自贡_市委十二届十二次全会公报_2021.txt")  # warm up
    rows = []
    rows.append(("throughput, examples repeated to ≥10 MB (one core, CPU time)",
                 f"{repeated_examples_throughput():.2f} MB/s", "≥ 1 MB/s"))
    ten = synthetic(WORK / "synthetic_10mb.txt", 10, seed=7)
    twenty = synthetic(WORK / "synthetic_20mb.txt", 20, seed=8)
    t10 = file_cpu_seconds(ten)
    rows.append(("throughput, one 10 MB file of unique paragraphs (synthetic)",
                 f"{ten.stat().st_size / MB / t10:.2f} MB/s", "≥ 1 MB/s"))
    t20 = file_cpu_seconds(twenty)
    rows.append(("growth: CPU time 20 MB ÷ 10 MB (2.0 = linear)",
                 f"{(t20 / (twenty.stat().st_size / MB)) / (t10 / (ten.stat().st_size / MB)) * 2:.2f}", "≈ 2"))
    rows.append(("`innodrive extract` one document, start-up included (wall, best of 3)",
                 f"{startup_one_document():.2f} s", "< 1.5 s"))
    fifty = synthetic(WORK / "synthetic_50mb.txt", 50, seed=9)
    peak, seconds = peak_memory_mb(fifty)
    rows.append(("peak memory, one 50 MB file (synthetic), separate process",
                 f"{peak:.0f} MB ({seconds:.0f} s wall)", "< 300 MB"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
