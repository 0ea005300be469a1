"""Extraction quality on the annotated corpora: precision, recall and F1 by corpus and split.

    .venv/bin/python bench/extract_quality.py                 # real dev split, seeds, held-out
    .venv/bin/python bench/extract_quality.py --split test    # the untouched test split (report once)
    .venv/bin/python bench/extract_quality.py --split all -v  # all ten, listing misses and extras

Scores use the project's evaluator (``innodrive.extraction.evaluate``: the gold's matching
rules, maximum matching) on the JSON contract, exactly as ``innodrive evaluate`` does.
The real corpus has a fixed split made before tuning (``tests/data/real/README.md``):
develop on ``dev``; ``test`` is for the generalisation estimate.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "gold"
REAL = ROOT / "tests" / "data" / "real"
EXAMPLES = ROOT / "examples" / "documents"
SPLITS = {
    "dev": ("上海市", "安徽省", "山东省", "广东省", "江苏省", "浙江省"),
    "test": ("云南省", "北京市", "吉林省", "湖北省"),
}


def _region(file: str) -> str:
    return file.split("_")[1]


def score(gold_file: Path, paths: list[Path], keep: set[str] | None = None):
    """The evaluator's report for ``paths`` against ``gold_file`` (only the gold documents in ``keep``)."""
    from innodrive.extraction.evaluate import evaluate
    from innodrive.extraction.pipeline import run_path

    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    if keep is not None:
        gold["documents"] = [d for d in gold["documents"] if d["file"] in keep]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for p in paths:
            (tmp_path / f"{p.name}.json").write_text(json.dumps(run_path(p).to_contract(), ensure_ascii=False),
                                                     encoding="utf-8")
        (tmp_path / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        return evaluate(tmp_path / "gold.json", tmp_path)


def real_report(split: str):
    names = SPLITS["dev"] + SPLITS["test"] if split == "all" else SPLITS[split]
    paths = [p for p in sorted(REAL.glob("*.txt")) if _region(p.name) in names]
    return score(GOLD / "real.json", paths, {p.name for p in paths})


def heldout_report():
    spec = importlib.util.spec_from_file_location("heldout_build", ROOT / "tests" / "data" / "heldout" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with tempfile.TemporaryDirectory() as tmp:
        files = module.build(Path(tmp))
        return score(GOLD / "heldout.json", list(files.values()))


def _line(name: str, report) -> str:
    t, o = report.targets, report.outline
    return (f"{name:<28} targets P {t.precision:.3f} R {t.recall:.3f} F1 {t.f1:.3f} "
            f"(tp {t.tp}, fp {t.fp}, fn {t.fn})   outline F1 {o.f1:.3f}")


def _details(report) -> None:
    for d in report.documents:
        print(f"--- {d.file}: targets F1 {d.targets.f1:.3f} (tp {d.targets.tp} fp {d.targets.fp} fn {d.targets.fn}), "
              f"outline F1 {d.outline.f1:.3f}")
        for m in d.targets.misses:
            print(f"  MISS  {m.get('indicator')} | {m.get('kind')} | {m.get('value')}{m.get('unit') or ''} | {m.get('year')}")
        for x in d.targets.extras:
            ev = (x.get("evidence") or {}).get("text", "")
            print(f"  EXTRA {x.get('indicator')} | {x.get('kind')} | {x.get('value')}{x.get('unit') or ''} | "
                  f"{x.get('year')} | {ev[:50]}")
        for m in d.outline.misses:
            print(f"  OUTLINE MISS  {m.get('level')} {m.get('label')} {m.get('title')}")
        for x in d.outline.extras:
            print(f"  OUTLINE EXTRA {x.get('level')} {x.get('label')} {x.get('title')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("-v", action="store_true", help="list misses and extras per document")
    args = parser.parse_args(argv)
    real = real_report(args.split)
    print(_line(f"real ({args.split})", real))
    seeds = score(GOLD / "seeds.json", sorted(EXAMPLES.glob("*.txt")))
    print(_line("seeds (five examples)", seeds))
    held = heldout_report()
    print(_line("held-out constructed", held))
    if args.v:
        _details(real)
        _details(seeds)
        _details(held)
    return 0


if __name__ == "__main__":
    sys.exit(main())
