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


def _t2s(text) -> str:
    from innodrive.documents.normalise import fold_width, to_simplified

    return to_simplified(fold_width(text if isinstance(text, str) else str(text or "")))


def _base_value(value, unit) -> tuple[float, str] | None:
    from innodrive.indicators.units import parse_unit

    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not unit:
        return number, "（无单位）"  # an index value written without a unit matches only another one
    if not isinstance(unit, str):
        return None
    try:
        u = parse_unit(unit)
    except InputError:
        return number, f"?{unit}"
    return number * u.factor, u.unit_class


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
    """Score every gold document against ``PRED_DIR/<file>.json``.

    The gold file is read as a user-supplied file (regular, bounded); each document's
    ``file`` must be a plain file name, so that a gold file cannot make innodrive read
    a ``.json`` outside the prediction folder (``"file": "../../secret"``)."""
    from innodrive.safeio import read_input

    gold_path, pred_dir = Path(gold_path), Path(pred_dir)
    if not gold_path.exists():
        raise InputError("金标准文件不存在", file=str(gold_path))
    gold = _load_json(read_input(gold_path, what="金标准文件"), str(gold_path), "金标准文件")
    if not pred_dir.is_dir():
        raise InputError("预测结果目录不存在", file=str(pred_dir))
    documents = gold.get("documents") if isinstance(gold, dict) else None
    if not isinstance(documents, list):
        raise InputError("金标准文件缺少 documents 列表", file=str(gold_path))
    root = pred_dir.resolve()
    scores: list[DocumentScore] = []
    for i, doc in enumerate(documents, start=1):
        _check_gold_document(doc, i, str(gold_path))
        pred_file = pred_dir / f"{doc['file']}.json"
        predicted = None
        if pred_file.is_file() and pred_file.resolve().parent == root:
            predicted = _load_json(read_input(pred_file, what="预测结果文件"), str(pred_file), "预测结果")
            if not isinstance(predicted, dict):
                raise InputError("预测结果不是 JSON 对象", file=str(pred_file))
        scores.append(score_document(doc, _well_formed(predicted)))
    targets, outline = Score(), Score()
    for s in scores:
        targets.add(s.targets)
        outline.add(s.outline)
    return Report(scores, targets, outline)


def _load_json(data: bytes, name: str, what: str):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{what}不是有效的 JSON（{exc}）", file=name) from None
    except RecursionError:
        raise InputError(f"{what}的 JSON 嵌套层数过多", file=name) from None


def _check_gold_document(doc, index: int, name: str) -> None:
    """A gold document: an object with a plain file name and lists of target and outline objects."""
    if not isinstance(doc, dict) or "file" not in doc:
        raise InputError(f"金标准第 {index} 个文档缺少 file 字段", file=name)
    f = doc["file"]
    if not isinstance(f, str) or not f or f in (".", "..") or "/" in f or "\\" in f or "\x00" in f:
        raise InputError(f"金标准第 {index} 个文档的 file 字段必须是文件名（不能含路径）：{str(f)[:80]}", file=name)
    for key in ("targets", "outline"):
        items = doc.get(key, [])
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise InputError(f"金标准第 {index} 个文档的 {key} 必须是对象列表", file=name)


def _well_formed(predicted: dict | None) -> dict | None:
    """Predictions as the evaluator reads them: lists of objects (anything else is ignored)."""
    if predicted is None:
        return None
    out = dict(predicted)
    for key in ("targets", "outline"):
        items = out.get(key, [])
        out[key] = [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []
    return out
