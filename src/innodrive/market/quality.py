"""Measuring the matcher on labelled demand–result pairs.

A *labelled set* is a YAML file of results, demands and, per demand, graded labels
(2 = answers the demand, 1 = partly relevant, unlisted = 0) — the project's own
constructed set lives in ``tests/market/data/labelled.yaml``; an office can write one
from its own registry and pairing history and measure the matcher on it
(``innodrive market evaluate``).

Reported: precision@5 (share of the top 5 that are relevant, grade ≥ 1) and nDCG@10
(graded: gain 2^g − 1, log2 discount), averaged over demands, for the full matcher,
for its text channels alone, and for a plain TF-IDF baseline (scikit-learn's
``TfidfVectorizer`` over character 2–3-grams, default settings, cosine).
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, Field

from innodrive.market.matching import Corpus, MatchRecord, Method, default_method, rank
from innodrive.market.records import text_of_demand, text_of_result


class LabelledResult(BaseModel):
    key: str
    title: str
    holder: str = ""
    holder_kind: str = ""
    industry: str | None = None
    discipline: str | None = None
    trl: int | None = None
    price: float | None = None
    region: str | None = None
    modes: list[str] = Field(default_factory=list)
    patents: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    abstract: str = ""

    @property
    def text(self) -> str:
        return text_of_result(self.title, self.keywords, self.abstract)


class LabelledDemand(BaseModel):
    key: str
    title: str
    enterprise: str = ""
    industry: str | None = None
    discipline: str | None = None
    trl_min: int | None = None
    budget: float | None = None
    region: str | None = None
    keywords: list[str] = Field(default_factory=list)
    problem: str = ""
    labels: dict[str, int] = Field(default_factory=dict)

    @property
    def text(self) -> str:
        return text_of_demand(self.title, self.keywords, self.problem)


class LabelledSet(BaseModel):
    results: list[LabelledResult]
    demands: list[LabelledDemand]
    heldout: list[LabelledDemand] = Field(default_factory=list)   # reported apart (see the set's notes)

    def only(self, which: str) -> LabelledSet:
        """The set with ``demands`` (development) or ``heldout`` as its demands."""
        return LabelledSet(results=self.results, demands=self.demands if which == "demands" else self.heldout)


def load_labelled(text: str, *, name: str) -> LabelledSet:
    from innodrive.errors import InputError
    from innodrive.safeio import load_yaml

    data = load_yaml(text, name=name)
    try:
        s = LabelledSet.model_validate(data)
    except Exception as exc:  # pydantic's message, in the user's file
        raise InputError(f"标注集格式错误：{exc}", file=name) from None
    keys = {r.key for r in s.results}
    for d in [*s.demands, *s.heldout]:
        unknown = set(d.labels) - keys
        if unknown:
            raise InputError(f"需求 {d.key} 的标注引用了不存在的成果：{'、'.join(sorted(unknown))}", file=name)
    return s


# --------------------------------------------------------------------------- metrics

def precision_at(ranked: list[str], grades: dict[str, int], k: int) -> float:
    return sum(1 for r in ranked[:k] if grades.get(r, 0) >= 1) / k


def dcg(gains: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(r, 0) for r in ranked[:k]]) / ideal


class Scores(BaseModel):
    name: str
    precision_at_5: float
    ndcg_at_10: float


class QualityReport(BaseModel):
    demands: int
    results: int
    ideal_precision_at_5: float      # the best any ranking could do with these labels
    rows: list[Scores]


def _mean(values: list[float]) -> float:
    return round(float(np.mean(values)) if values else 0.0, 4)


def score(name: str, rankings: dict[str, list[str]], s: LabelledSet) -> Scores:
    return Scores(name=name,
                  precision_at_5=_mean([precision_at(rankings[d.key], d.labels, 5) for d in s.demands]),
                  ndcg_at_10=_mean([ndcg_at(rankings[d.key], d.labels, 10) for d in s.demands]))


# --------------------------------------------------------------------------- rankers

def records(s: LabelledSet) -> tuple[list[MatchRecord], list[MatchRecord]]:
    from innodrive.market.text import words_text

    res = [MatchRecord(id=i, text=r.text, words=words_text(r.text), industry=r.industry, discipline=r.discipline,
                       trl=r.trl, money=r.price, region=r.region) for i, r in enumerate(s.results, start=1)]
    dem = [MatchRecord(id=i, text=d.text, words=words_text(d.text), industry=d.industry, discipline=d.discipline,
                       trl=d.trl_min, money=d.budget, region=d.region) for i, d in enumerate(s.demands, start=1)]
    return res, dem


def matcher_rankings(s: LabelledSet, method: Method | None = None, *, k: int = 10) -> dict[str, list[str]]:
    res, dem = records(s)
    corpus = Corpus.build("result", res, method)
    hits = rank(corpus, dem, k=k, exhaustive=True)
    return {d.key: [s.results[h.record_id - 1].key for h in hs] for d, hs in zip(s.demands, hits, strict=True)}


def baseline_rankings(s: LabelledSet, *, k: int = 10) -> dict[str, list[str]]:
    """Plain TF-IDF: scikit-learn ``TfidfVectorizer(analyzer="char", ngram_range=(2, 3))``, cosine."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3))
    x = vec.fit_transform([r.text for r in s.results])
    q = vec.transform([d.text for d in s.demands])
    sims = (q @ x.T).toarray()
    out = {}
    for i, d in enumerate(s.demands):
        order = np.argsort(-sims[i], kind="stable")[:k]
        out[d.key] = [s.results[j].key for j in order]
    return out


def evaluate(s: LabelledSet, method: Method | None = None) -> QualityReport:
    m = method or default_method()
    text_only = m.model_copy(update={"weights": {**m.weights, "text": 100.0, "field": 0.0, "maturity": 0.0,
                                                 "region": 0.0, "budget": 0.0}})
    tfidf_only = text_only.model_copy(update={"text": m.text.model_copy(update={"share": {"tfidf": 1.0, "bm25": 0.0}})})
    bm25_only = text_only.model_copy(update={"text": m.text.model_copy(update={"share": {"tfidf": 0.0, "bm25": 1.0}})})
    ideal = _mean([min(5, sum(1 for g in d.labels.values() if g >= 1)) / 5 for d in s.demands])
    rows = [
        score("innodrive 匹配（文本 + 行业 + 成熟度 + 地区 + 预算）", matcher_rankings(s, m), s),
        score("仅文本（字符 TF-IDF + BM25）", matcher_rankings(s, text_only), s),
        score("仅字符 TF-IDF（次线性 tf）", matcher_rankings(s, tfidf_only), s),
        score("仅 jieba 词 BM25", matcher_rankings(s, bm25_only), s),
        score("基线：普通 TF-IDF（scikit-learn 字符 2–3 元组，余弦）", baseline_rankings(s), s),
    ]
    return QualityReport(demands=len(s.demands), results=len(s.results), ideal_precision_at_5=ideal, rows=rows)
