"""Score extracted plans against gold annotations (``tests/data/gold/README.md``).

Targets of the quantitative kinds (number, multiple, growth) match when the kinds are
equal, the values are equal in base units (亿 = 1e8, 万 = 1e4; relative tolerance
1e-6) with units of the same class (money, count — 家/户/个/项 —, percent, multiple …),
the years are equal, and the indicator phrases share at least half of the character
bigrams of the shorter one. The outline matches on (level, label, title) after
traditional → simplified conversion, titles by the same bigram rule. Each gold item
matches at most one prediction; the pairing is a maximum matching, so the score does
not depend on the order of the predictions.

Labels are compared after width folding as well, so （一） and (一) are the same label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from innodrive.errors import InputError
from innodrive.extraction.models import QUANTITATIVE_KINDS
from innodrive.extraction.similarity import same_indicator


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.misses += other.misses
        self.extras += other.extras


@dataclass
class DocumentScore:
    file: str
    targets: Score
    outline: Score
    missing_prediction: bool = False


@dataclass
class Report:
    documents: list[DocumentScore]
    targets: Score
    outline: Score

    def as_dict(self) -> dict:
        def s(x: Score) -> dict:
            return {"precision": round(x.precision, 4), "recall": round(x.recall, 4), "f1": round(x.f1, 4),
                    "tp": x.tp, "fp": x.fp, "fn": x.fn}

        return {
            "overall": {"targets": s(self.targets), "outline": s(self.outline)},
            "documents": [{"file": d.file, "targets": s(d.targets), "outline": s(d.outline),
                           "missing_prediction": d.missing_prediction} for d in self.documents],
        }


# --------------------------------------------------------------------------- matching


def _t2s(text: str) -> str:
    from innodrive.documents.normalise import fold_width, to_simplified

    return to_simplified(fold_width(text or ""))


def _base_value(value, unit) -> tuple[float, str] | None:
    from innodrive.indicators.units import parse_unit

    if value is None:
        return None
    if not unit:
        return float(value), "（无单位）"  # an index value written without a unit matches only another one
    try:
        u = parse_unit(unit)
    except InputError:
        return float(value), f"?{unit}"
    return float(value) * u.factor, u.unit_class


def target_matches(gold: dict, pred: dict) -> bool:
    if gold.get("kind") != pred.get("kind") or gold.get("year") != pred.get("year"):
        return False
    g, p = _base_value(gold.get("value"), gold.get("unit")), _base_value(pred.get("value"), pred.get("unit"))
    if g is None or p is None:
        return False
    if g[1] != p[1] or abs(g[0] - p[0]) > 1e-6 * max(abs(g[0]), abs(p[0]), 1e-12):
        return False
    return same_indicator(_t2s(gold.get("indicator", "")), _t2s(pred.get("indicator", "")))


def outline_matches(gold: dict, pred: dict) -> bool:
    return (gold.get("level") == pred.get("level")
            and _t2s(str(gold.get("label", ""))) == _t2s(str(pred.get("label", "")))
            and same_indicator(_t2s(gold.get("title", "")), _t2s(pred.get("title", ""))))


def _match(gold: list[dict], pred: list[dict], same) -> Score:
    """Maximum bipartite matching (augmenting paths); gold and predictions pair at most once."""
    candidates = [[j for j, p in enumerate(pred) if same(g, p)] for g in gold]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    matched_gold = set(owner.values())
    score = Score(tp=len(owner), fp=len(pred) - len(owner), fn=len(gold) - len(owner))
    score.misses = [g for i, g in enumerate(gold) if i not in matched_gold]
    score.extras = [p for j, p in enumerate(pred) if j not in owner]
    return score


def score_document(gold_doc: dict, predicted: dict | None) -> DocumentScore:
    gold_targets = [t for t in gold_doc.get("targets", []) if t.get("kind") in QUANTITATIVE_KINDS]
    gold_outline = gold_doc.get("outline", [])
    if predicted is None:
        return DocumentScore(gold_doc["file"], _match(gold_targets, [], target_matches),
                             _match(gold_outline, [], outline_matches), missing_prediction=True)
    pred_targets = [t for t in predicted.get("targets", []) if t.get("kind") in QUANTITATIVE_KINDS]
    return DocumentScore(
        gold_doc["file"],
        _match(gold_targets, pred_targets, target_matches),
        _match(gold_outline, predicted.get("outline", []), outline_matches),
    )


def evaluate(gold_path: str | Path, pred_dir: str | Path) -> Report:
    """Score every gold document against ``PRED_DIR/<file>.json``."""
    gold_path, pred_dir = Path(gold_path), Path(pred_dir)
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("金标准文件不存在", file=str(gold_path)) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"金标准文件不是有效的 JSON（{exc}）", file=str(gold_path)) from exc
    if not pred_dir.is_dir():
        raise InputError("预测结果目录不存在", file=str(pred_dir))
    documents = gold.get("documents") if isinstance(gold, dict) else None
    if not isinstance(documents, list):
        raise InputError("金标准文件缺少 documents 列表", file=str(gold_path))
    scores: list[DocumentScore] = []
    for doc in documents:
        if "file" not in doc:
            raise InputError("金标准中有文档缺少 file 字段", file=str(gold_path))
        pred_file = pred_dir / f"{doc['file']}.json"
        predicted = None
        if pred_file.exists():
            try:
                predicted = json.loads(pred_file.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise InputError(f"预测结果不是有效的 JSON（{exc}）", file=str(pred_file)) from exc
        scores.append(score_document(doc, predicted))
    targets, outline = Score(), Score()
    for s in scores:
        targets.add(s.targets)
        outline.add(s.outline)
    return Report(scores, targets, outline)
