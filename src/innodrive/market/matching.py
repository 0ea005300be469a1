"""Matching demands with results, both ways, and saying why.

A pair's total (0–100) is a weighted sum of components, each a score between 0 and 1
with a reason (weights and parameters in ``matching.yaml``, a versioned method):

- text relevance, two channels (:mod:`innodrive.market.index`): cosine of character
  n-gram TF-IDF, and BM25 coverage of jieba words;
- field: same GB/T 4754 大类 (or 门类), same GB/T 13745 一级学科 (or 门类);
- maturity: the result's TRL against the demand's minimum;
- region: same city, both in 成渝, same province (:mod:`innodrive.market.proximity`);
- budget: the result's asking price against the demand's budget.

Ranking has two stages. Candidates are the records with the highest text relevance
(``candidates`` of them, and only above ``min_relevance``: a result that shares no
subject with a demand is never recommended for being nearby); the candidates are then
scored on every component and sorted. A single query scores every record exactly; a
batch (every demand at once) selects candidates on the discriminative terms only
(``batch_prune_df``) and then scores the candidates exactly — the benchmark reports how
often this gives the same top 10 as exhaustive scoring.

Unknown attributes earn nothing and say so ("未填"): they are never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from innodrive.market import proximity
from innodrive.market.classification import disciplines, industries
from innodrive.market.index import TextIndex

Direction = Literal["demand_to_result", "result_to_demand"]

COMPONENTS = ("tfidf", "bm25", "field", "maturity", "region", "budget")
COMPONENT_NAMES = {"tfidf": "文本相关（字符TF-IDF）", "bm25": "文本相关（关键词BM25）", "field": "行业与学科",
                   "maturity": "技术成熟度", "region": "地区", "budget": "价格与预算"}


# --------------------------------------------------------------------------- method

class TextParams(BaseModel):
    ngram_sizes: tuple[int, ...] = (2, 3)
    sublinear_tf: bool = True
    bm25: dict[str, float] = Field(default_factory=lambda: {"k1": 1.2, "b": 0.75})
    share: dict[str, float] = Field(default_factory=lambda: {"tfidf": 0.5, "bm25": 0.5})
    min_relevance: float = 0.04
    full_relevance: float = 0.3


class Method(BaseModel):
    """The declared matching method (``matching.yaml``)."""

    id: str
    version: str
    effective: dt.date
    text: TextParams
    candidates: int = 200
    batch_prune_df: float = 0.2
    batch_prune_min: int = 1000
    weights: dict[str, float]
    field: dict[str, float]
    maturity: dict[str, float]
    region: dict[str, float]
    budget: dict[str, float]

    def points(self) -> dict[str, float]:
        """Maximum points of each component (the text weight split between its channels)."""
        w = self.weights
        return {"tfidf": w["text"] * self.text.share["tfidf"], "bm25": w["text"] * self.text.share["bm25"],
                "field": w["field"], "maturity": w["maturity"], "region": w["region"], "budget": w["budget"]}


@cache
def default_method() -> Method:
    import yaml

    data = yaml.safe_load(resources.files("innodrive.market").joinpath("matching.yaml").read_text(encoding="utf-8"))
    m = Method.model_validate(data)
    if abs(sum(m.weights.values()) - 100) > 1e-9 or abs(sum(m.text.share.values()) - 1) > 1e-9:
        raise ValueError("matching.yaml: weights must add up to 100 and text shares to 1")
    return m


# --------------------------------------------------------------------------- records

class MatchRecord(BaseModel):
    """A result or a demand as the matcher sees it.

    ``trl`` is a result's level or a demand's minimum; ``money`` a result's asking price
    or a demand's budget (万元); ``words`` the stored jieba words of ``text``.
    """

    id: int
    text: str
    words: str
    industry: str | None = None
    discipline: str | None = None
    trl: int | None = None
    money: float | None = None
    region: str | None = None


@dataclass
class Side:
    """Structured attributes of many records as arrays (−1 / 0 / NaN = unknown)."""

    ids: np.ndarray
    ind_div: np.ndarray
    ind_sec: np.ndarray
    dis_div: np.ndarray
    dis_sec: np.ndarray
    trl: np.ndarray
    money: np.ndarray
    city: np.ndarray
    province: np.ndarray
    chengyu: np.ndarray
    regions: list[str | None]

    @classmethod
    def of(cls, records: list[MatchRecord]) -> Side:
        ind, dis = industries(), disciplines()

        def code_ids(values, table, section: bool):
            out = np.full(len(values), -1, dtype=np.int32)
            for i, v in enumerate(values):
                c = table.section(v) if section else (v if table.get(v) and table.get(v).parent else None)
                if c:
                    out[i] = _intern(c)
            return out

        regions = [r.region for r in records]
        return cls(
            ids=np.array([r.id for r in records], dtype=np.int64),
            ind_div=code_ids([r.industry for r in records], ind, False),
            ind_sec=code_ids([r.industry for r in records], ind, True),
            dis_div=code_ids([r.discipline for r in records], dis, False),
            dis_sec=code_ids([r.discipline for r in records], dis, True),
            trl=np.array([r.trl or 0 for r in records], dtype=np.int8),
            money=np.array([np.nan if r.money is None else r.money for r in records], dtype=np.float64),
            city=np.array([_intern(proximity.city_of(c)) if c else -1 for c in regions], dtype=np.int32),
            province=np.array([_intern(proximity.province_of(c)) if c else -1 for c in regions], dtype=np.int32),
            chengyu=np.array([proximity.in_chengyu(c) for c in regions], dtype=bool),
            regions=regions,
        )


_INTERNED: dict[str, int] = {}


def _intern(value: str | None) -> int:
    if value is None:
        return -1
    return _INTERNED.setdefault(value, len(_INTERNED))


# --------------------------------------------------------------------------- components

def structured_scores(method: Method, demand: Side, di: np.ndarray, result: Side, ri: np.ndarray
                      ) -> dict[str, np.ndarray]:
    """Field, maturity, region and budget scores (0–1) of the pairs (demand ``di[j]``,
    result ``ri[j]``)."""
    f = method.field

    def same(a, b):
        return (a >= 0) & (a == b)

    field = np.maximum.reduce([
        np.where(same(demand.ind_div[di], result.ind_div[ri]), f["same_industry_division"], 0.0),
        np.where(same(demand.ind_sec[di], result.ind_sec[ri]), f["same_industry_section"], 0.0),
        np.where(same(demand.dis_div[di], result.dis_div[ri]), f["same_discipline"], 0.0),
        np.where(same(demand.dis_sec[di], result.dis_sec[ri]), f["same_discipline_section"], 0.0),
    ])
    trl = result.trl[ri].astype(np.float64)
    want = demand.trl[di].astype(np.float64)
    short = np.maximum(want - trl, 0)
    maturity = np.where(trl == 0, 0.0,
                        np.where(want > 0, np.clip(1 - short * method.maturity["shortfall_per_level"], 0, 1),
                                 (trl - 1) / 8))
    r = method.region
    same_city = same(demand.city[di], result.city[ri])
    both_cy = demand.chengyu[di] & result.chengyu[ri]
    same_prov = same(demand.province[di], result.province[ri])
    known = (demand.province[di] >= 0) & (result.province[ri] >= 0)
    region = np.where(same_city, r["same_city"], np.where(both_cy, r["chengyu"], np.where(
        same_prov, r["same_province"], np.where(known, r["other"], r["unknown"]))))
    price, budget = result.money[ri], demand.money[di]
    tol = method.budget["over_budget_tolerance"]
    with np.errstate(invalid="ignore", divide="ignore"):
        over = (price - budget) / (budget * tol)
        fit = np.where(price <= budget, 1.0, np.clip(1 - over, 0, 1))
    budget_score = np.where(np.isnan(price) | np.isnan(budget) | (budget <= 0), 0.0, fit)
    return {"field": field, "maturity": maturity, "region": region, "budget": budget_score}


# --------------------------------------------------------------------------- corpus

@dataclass
class Corpus:
    """One side of the market, indexed: the records a query is ranked against."""

    kind: Literal["result", "demand"]
    records: list[MatchRecord]
    side: Side
    index: TextIndex
    method: Method

    @classmethod
    def build(cls, kind: Literal["result", "demand"], records: list[MatchRecord], method: Method | None = None
              ) -> Corpus:
        m = method or default_method()
        index = TextIndex.build([r.text for r in records], [r.words for r in records],
                                ngram_sizes=m.text.ngram_sizes, sublinear_tf=m.text.sublinear_tf,
                                k1=m.text.bm25["k1"], b=m.text.bm25["b"],
                                shares=(m.text.share["tfidf"], m.text.share["bm25"]))
        return cls(kind=kind, records=records, side=Side.of(records), index=index, method=m)

    def position(self, record_id: int) -> int | None:
        hit = np.flatnonzero(self.side.ids == record_id)
        return int(hit[0]) if len(hit) else None


class Hit(BaseModel):
    """One ranked record for one query."""

    record_id: int
    position: int
    total: float
    scores: dict[str, float]   # component → 0–1


STRUCTURED = ("field", "maturity", "region", "budget")


def gate(method: Method, relevance: np.ndarray | float) -> np.ndarray | float:
    """The share of the structured components' points a pair earns: context (same
    field, city, budget) counts fully only for content that is relevant
    (``full_relevance``), in proportion below it."""
    return np.minimum(1.0, np.asarray(relevance) / method.text.full_relevance)


def _totals(method: Method, scores: dict[str, np.ndarray]) -> np.ndarray:
    pts = method.points()
    share = method.text.share
    g = gate(method, scores["tfidf"] * share["tfidf"] + scores["bm25"] * share["bm25"])
    return scores["tfidf"] * pts["tfidf"] + scores["bm25"] * pts["bm25"] + g * sum(
        scores[c] * pts[c] for c in STRUCTURED)


def rank(corpus: Corpus, queries: list[MatchRecord], *, k: int = 10, allowed: np.ndarray | None = None,
         exhaustive: bool | None = None, chunk: int = 256, progress=None) -> list[list[Hit]]:
    """The top ``k`` records of ``corpus`` for each query (queries are demands when the
    corpus holds results, and the other way round).

    :param allowed: boolean mask over the corpus records (filters, confidentiality).
    :param exhaustive: score every record exactly (default for up to 50 queries).
    :param progress: called as ``progress(done, total)``.
    """
    m = corpus.method
    if exhaustive is None:
        exhaustive = len(queries) <= 50
    qside = Side.of(queries)
    out: list[list[Hit]] = []
    n = corpus.index.size
    if n == 0 or not queries:
        return [[] for _ in queries]
    mask = None if allowed is None else np.asarray(allowed, dtype=bool)
    share = m.text.share
    for start in range(0, len(queries), chunk):
        batch = queries[start:start + chunk]
        q = corpus.index.queries([r.text for r in batch], [r.words for r in batch])
        prune = None if exhaustive else max(m.batch_prune_df, m.batch_prune_min / n)
        text = corpus.index.relevance(q, prune_df=prune if prune is not None and prune < 1 else None)
        if mask is not None:
            text = text.multiply(mask[np.newaxis, :].astype(np.float32)).tocsr()
        qi_parts, di_parts = [], []
        for row in range(len(batch)):
            a, b = text.indptr[row], text.indptr[row + 1]
            data, cols = text.data[a:b], text.indices[a:b]
            if exhaustive:
                keep = data >= m.text.min_relevance
                data, cols = data[keep], cols[keep]
            if len(data) > m.candidates:
                top = np.argpartition(-data, m.candidates - 1)[:m.candidates]
                cols = cols[top]
            qi_parts.append(np.full(len(cols), row, dtype=np.int64))
            di_parts.append(cols.astype(np.int64))
        qi = np.concatenate(qi_parts) if qi_parts else np.zeros(0, np.int64)
        di = np.concatenate(di_parts) if di_parts else np.zeros(0, np.int64)
        c, v = corpus.index.pair_scores(q, qi, di)
        scores = {"tfidf": c.astype(np.float64), "bm25": v.astype(np.float64)}
        relevance = scores["tfidf"] * share["tfidf"] + scores["bm25"] * share["bm25"]
        ok = relevance >= m.text.min_relevance
        qi, di = qi[ok], di[ok]
        scores = {key: val[ok] for key, val in scores.items()}
        gq = qi + start
        if corpus.kind == "result":
            scores.update(structured_scores(m, qside, gq, corpus.side, di))
        else:
            scores.update(structured_scores(m, corpus.side, di, qside, gq))
        total = _totals(m, scores)
        rel = scores["tfidf"] * share["tfidf"] + scores["bm25"] * share["bm25"]
        order = np.lexsort((corpus.side.ids[di], -rel, -total, qi))
        qi_sorted = qi[order]
        bounds = np.searchsorted(qi_sorted, np.arange(len(batch) + 1))
        for row in range(len(batch)):
            sel = order[bounds[row]:bounds[row + 1]][:k]
            out.append([Hit(record_id=int(corpus.side.ids[d]), position=int(d), total=round(float(total[j]), 4),
                            scores={key: round(float(scores[key][j]), 4) for key in COMPONENTS})
                        for j, d in zip(sel, di[sel], strict=True)])
        if progress is not None:
            progress(min(start + chunk, len(queries)), len(queries))
    return out


def rank_arrays(corpus: Corpus, queries: list[MatchRecord], *, k: int = 10, exhaustive: bool = False,
                chunk: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` record positions and totals per query as arrays (−1 / NaN padding):
    the benchmark's form of :func:`rank`, without building a model per hit."""
    hits = rank(corpus, queries, k=k, exhaustive=exhaustive, chunk=chunk)
    pos = np.full((len(queries), k), -1, dtype=np.int64)
    tot = np.full((len(queries), k), np.nan)
    for i, hs in enumerate(hits):
        for j, h in enumerate(hs):
            pos[i, j], tot[i, j] = h.position, h.total
    return pos, tot


# --------------------------------------------------------------------------- explaining

class Component(BaseModel):
    key: str
    name: str
    score: float          # 0–1
    max_points: float
    points: float
    reason: str


class Term(BaseModel):
    term: str
    share: float          # part of the text points this term brings


class Span(BaseModel):
    start: int
    end: int
    term: str


class Explanation(BaseModel):
    total: float
    components: list[Component]
    terms: list[Term]
    demand_spans: list[Span]
    result_spans: list[Span]
    method: str


def explain(corpus: Corpus, query: MatchRecord, position: int, *, demand_text: str, result_text: str,
            max_terms: int = 8) -> Explanation:
    """Why the record at ``position`` ranks for ``query``: every component's score,
    points and reason, the shared key terms and where they occur in both texts
    (``demand_text`` / ``result_text`` are the texts shown to the user)."""
    m = corpus.method
    pts = m.points()
    q = corpus.index.queries([query.text], [query.words])
    c, v = corpus.index.pair_scores(q, np.array([0]), np.array([position]))
    qside = Side.of([query])
    if corpus.kind == "result":
        st = structured_scores(m, qside, np.array([0]), corpus.side, np.array([position]))
        demand, result = query, corpus.records[position]
    else:
        st = structured_scores(m, corpus.side, np.array([position]), qside, np.array([0]))
        demand, result = corpus.records[position], query
    scores = {"tfidf": float(c[0]), "bm25": float(v[0]), **{k: float(a[0]) for k, a in st.items()}}
    words, grams = corpus.index.shared_terms(q, 0, position)
    text_pts = pts["tfidf"] + pts["bm25"]
    terms: list[Term] = [Term(term=w, share=round(s * pts["bm25"] / text_pts, 4)) for w, s in words[:max_terms]]
    # character n-grams add what the dictionary missed (a compound jieba does not
    # know): only those sharing no character with the words already listed, so that
    # fragments of listed words (池极 from 电池极片) are not shown as terms
    covered = set("".join(t.term for t in terms))
    extra = 0
    for g, s in grams:
        if extra >= 3:
            break
        if covered & set(g) or any(g in t.term for t in terms):
            continue
        terms.append(Term(term=g, share=round(s * pts["tfidf"] / text_pts, 4)))
        covered |= set(g)
        extra += 1
    reasons = {
        "tfidf": f"字符2–3元组 TF-IDF 余弦相似度 {scores['tfidf']:.2f}",
        "bm25": (f"需求关键词信息量的 {scores['bm25']:.0%} 出现在{'成果' if corpus.kind == 'result' else '需求'}中"
                 f"（BM25 覆盖度）" + (f"：{'、'.join(w for w, _ in words[:5])}" if words else "；无共同关键词")),
        "field": _field_reason(demand, result),
        "maturity": _maturity_reason(demand, result, m),
        "region": f"{proximity.TIER_NAMES[proximity.tier(demand.region, result.region)]}"
                  f"（需求：{_region_name(demand.region)}，成果：{_region_name(result.region)}）",
        "budget": _budget_reason(demand, result),
    }
    relevance = scores["tfidf"] * m.text.share["tfidf"] + scores["bm25"] * m.text.share["bm25"]
    g = float(gate(m, relevance))
    factor = {k: (g if k in STRUCTURED else 1.0) for k in COMPONENTS}
    if g < 1:
        for k in STRUCTURED:
            reasons[k] += f"；文本相关度 {relevance:.2f} 低于 {m.text.full_relevance:g}，本项按 {g:.0%} 计"
    components = [Component(key=k, name=COMPONENT_NAMES[k], score=round(scores[k], 4), max_points=pts[k],
                            points=round(scores[k] * pts[k] * factor[k], 2), reason=reasons[k]) for k in COMPONENTS]
    total = round(sum(scores[k] * pts[k] * factor[k] for k in COMPONENTS), 4)
    found = [t.term for t in terms]
    return Explanation(total=total, components=components, terms=terms,
                       demand_spans=find_spans(demand_text, found), result_spans=find_spans(result_text, found),
                       method=f"{m.id} {m.version}")


def find_spans(text: str, terms: list[str]) -> list[Span]:
    """Non-overlapping occurrences of ``terms`` in ``text`` (longer terms first; case and
    width folded, offsets into ``text`` as given)."""
    from innodrive.documents.normalise import fold_width

    folded = fold_width(text).lower()
    if len(folded) != len(text):
        folded = text
    taken = np.zeros(len(text), dtype=bool)
    spans: list[Span] = []
    for term in sorted(set(terms), key=len, reverse=True):
        t = term.lower()
        if not t:
            continue
        start = folded.find(t)
        while start >= 0:
            end = start + len(t)
            if not taken[start:end].any():
                taken[start:end] = True
                spans.append(Span(start=start, end=end, term=term))
            start = folded.find(t, end)
    return sorted(spans, key=lambda s: s.start)


def _region_name(code: str | None) -> str:
    from innodrive.regions import all_regions

    r = all_regions().get(code) if code else None
    return r.name if r else "未填"


def _field_reason(demand: MatchRecord, result: MatchRecord) -> str:
    ind, dis = industries(), disciplines()
    parts = []
    if demand.industry and result.industry:
        if ind.get(demand.industry) and ind.get(demand.industry).parent and demand.industry == result.industry:
            parts.append(f"同属行业大类 {ind.get(demand.industry).label}")
        elif ind.section(demand.industry) == ind.section(result.industry):
            parts.append(f"同属行业门类 {ind.get(ind.section(demand.industry)).label}")
        else:
            parts.append(f"行业不同（需求 {ind.get(demand.industry).label}，成果 {ind.get(result.industry).label}）")
    else:
        parts.append("行业未填" if not (demand.industry or result.industry)
                     else f"{'需求' if not demand.industry else '成果'}未填行业")
    if demand.discipline and result.discipline:
        if dis.get(demand.discipline).parent and demand.discipline == result.discipline:
            parts.append(f"同属一级学科 {dis.get(demand.discipline).label}")
        elif dis.section(demand.discipline) == dis.section(result.discipline):
            parts.append(f"同属学科门类 {dis.get(dis.section(demand.discipline)).label}")
        else:
            parts.append("学科不同")
    return "；".join(parts)


def _maturity_reason(demand: MatchRecord, result: MatchRecord, m: Method) -> str:
    from innodrive.market.terms import trl_label

    if not result.trl:
        return "成果未填技术就绪度，不计分"
    if demand.trl:
        if result.trl >= demand.trl:
            return f"成果 {trl_label(result.trl)} 达到需求的最低要求 TRL {demand.trl}"
        return f"成果 {trl_label(result.trl)} 低于需求的最低要求 TRL {demand.trl}（差 {demand.trl - result.trl} 级）"
    return f"需求未填最低就绪度，按成果离产业化的远近计：{trl_label(result.trl)}"


def _budget_reason(demand: MatchRecord, result: MatchRecord) -> str:
    if result.money is None:
        return "成果价格面议或未填，不计分"
    if demand.money is None or demand.money <= 0:
        return "需求未填预算，不计分"
    if result.money <= demand.money:
        return f"成果报价 {result.money:g} 万元不超过需求预算 {demand.money:g} 万元"
    return f"成果报价 {result.money:g} 万元超出需求预算 {demand.money:g} 万元（{result.money / demand.money - 1:.0%}）"

