"""Acceptance: extraction scored against the gold with the project's evaluator."""

from __future__ import annotations

import json

from innodrive.extraction import extract_path
from innodrive.extraction.evaluate import evaluate
from innodrive.extraction.similarity import restated

from .conftest import EXAMPLES, GOLD


def _write_predictions(paths, out_dir):
    for p in paths:
        plan = extract_path(p)
        (out_dir / f"{p.name}.json").write_text(json.dumps(plan.to_contract(), ensure_ascii=False), encoding="utf-8")


def test_seed_documents_meet_the_f1_bar(tmp_path):
    _write_predictions(sorted(EXAMPLES.glob("*.txt")), tmp_path)
    report = evaluate(GOLD / "seeds.json", tmp_path)
    assert report.targets.f1 >= 0.95, report.as_dict()
    assert report.outline.f1 >= 0.95, report.as_dict()
    assert all(not d.missing_prediction for d in report.documents)


def test_heldout_documents_in_other_formats_and_genres(tmp_path, heldout_files):
    _write_predictions(heldout_files.values(), tmp_path)
    report = evaluate(GOLD / "heldout.json", tmp_path)
    assert report.targets.f1 >= 0.95, report.as_dict()
    assert report.outline.f1 >= 0.95, report.as_dict()


def test_the_newspaper_page_printing_the_decision_twice_gives_no_duplicate_targets():
    page = EXAMPLES / "乐山_市委七届十二次全会决议_2021.txt"
    plan = extract_path(page)
    quant = [t for t in plan.targets if t.kind in ("number", "multiple", "growth")]
    for i, a in enumerate(quant):
        for b in quant[i + 1:]:
            same = a.kind == b.kind and a.value == b.value and a.year == b.year and restated(a.indicator, b.indicator)
            assert not same, (a.indicator, b.indicator)
    assert any("重复段落" in w for w in plan.warnings)


def test_spans_point_at_the_evidence_in_the_original_text():
    from innodrive.documents import read_path
    from innodrive.documents.normalise import fold_width

    for path in sorted(EXAMPLES.glob("*.txt")):
        doc = read_path(path)
        plan = extract_path(path)
        for t in plan.targets:
            a, b = t.evidence.span
            assert 0 <= a < b <= len(doc.original)
            original = doc.original[a:b]
            # the evidence is the original words, normalised (width, script, spaces)
            squeezed = fold_width(original).replace(" ", "").replace("\n", "")
            if doc.script == "simplified":
                assert squeezed.replace("**", "") == t.evidence.text.replace("\n", "").replace(" ", ""), (path.name, t)
            assert len(original) >= len(t.evidence.text) - 2
        for n in plan.outline:
            a, b = n.span
            assert n.title[:4] in fold_width(doc.original[a:b]) or doc.script == "traditional"


REAL = GOLD.parent / "real"


def test_real_government_work_reports_meet_the_f1_bar(tmp_path):
    """The ten annotated 2026 provincial work reports (tests/data/real, gold real.json):
    quantitative targets F1 ≥ 0.90 over all ten, and no document far below it."""
    _write_predictions(sorted(REAL.glob("*.txt")), tmp_path)
    report = evaluate(GOLD / "real.json", tmp_path)
    assert all(not d.missing_prediction for d in report.documents)
    assert report.targets.f1 >= 0.90, report.as_dict()["overall"]
    assert min(d.targets.f1 for d in report.documents) >= 0.80, [(d.file, d.targets.f1) for d in report.documents]


def test_real_reports_metadata():
    for path in sorted(REAL.glob("*.txt")):
        d = extract_path(path).document
        region = path.name.split("_")[1]
        assert (d.genre, d.region, d.issuer, d.horizon) == ("政府工作报告", region, f"{region}人民政府", 2026), path.name
        assert d.issued and d.issued[:7] in ("2026-01", "2026-02"), (path.name, d.issued)
