"""The text index of one side of the market (all results, or all demands).

Two relevance channels over the same records, each a sparse matrix built once:

- ``tfidf``: character 2–3-grams weighted by scikit-learn's ``TfidfTransformer``
  (sublinear tf, smoothed idf, rows L2-normalised), so a query's cosine with every
  record is one sparse product;
- ``bm25``: jieba words with Okapi BM25 weights (Lucene's non-negative idf), stored per
  record and term, so a query's BM25 with every record is a sparse product with the
  query's distinct words. It is reported as a *coverage*: BM25 ÷ the sum of the idf of
  the query's words (the score of a record of average length holding each query word
  once), capped at 1 — how much of the query's information a record carries, on a
  scale that does not depend on the other records.

Pure: NumPy/SciPy arrays in, arrays out; the store is not touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from innodrive.market import text as tx


@dataclass
class Queries:
    """Queries turned into the index's two term spaces."""

    tfidf: sparse.csr_matrix      # queries × n-grams, L2-normalised tf-idf
    words: sparse.csr_matrix      # queries × words, 1 for each distinct known word
    ideal: np.ndarray             # per query: Σ idf of its known words (0 when none)

    def __len__(self) -> int:
        return self.tfidf.shape[0]

    def rows(self, idx) -> Queries:
        return Queries(self.tfidf[idx], self.words[idx], self.ideal[idx])


@dataclass
class TextIndex:
    ngram_vocab: pd.Index
    ngram_sizes: tuple[int, ...]
    transformer: object           # fitted sklearn TfidfTransformer
    tfidf: sparse.csr_matrix      # records × n-grams
    ngram_df: np.ndarray
    word_vocab: dict[str, int]
    words_list: list[str]         # column → word
    idf: np.ndarray               # per word
    bm25: sparse.csr_matrix       # records × words
    word_df: np.ndarray
    shares: tuple[float, float]   # (tf-idf, BM25) parts of the text relevance
    postings: sparse.csr_matrix   # (n-grams + words) × records, weighted by the shares
    term_df: np.ndarray           # document frequency of each row of ``postings``

    @property
    def size(self) -> int:
        return self.tfidf.shape[0]

    @classmethod
    def build(cls, texts: list[str], word_texts: list[str], *, ngram_sizes=(2, 3), sublinear_tf: bool = True,
              k1: float = 1.2, b: float = 0.75, shares: tuple[float, float] = (0.5, 0.5)) -> TextIndex:
        from sklearn.feature_extraction.text import TfidfTransformer

        n = len(texts)
        counts, vocab = tx.ngram_counts(texts, sizes=tuple(ngram_sizes))
        transformer = TfidfTransformer(sublinear_tf=sublinear_tf, norm="l2", smooth_idf=True)
        tfidf = transformer.fit_transform(counts).astype(np.float32).tocsr() if n else counts
        ngram_df = np.bincount(counts.indices, minlength=counts.shape[1])
        wc, wvocab = tx.word_counts(word_texts)
        df = np.bincount(wc.indices, minlength=wc.shape[1])
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.asarray(wc.sum(axis=1)).ravel()
        avg = float(lengths.mean()) if n and lengths.sum() else 1.0
        rows = np.repeat(np.arange(n), np.diff(wc.indptr))
        tf = wc.data
        bm = wc.copy()
        bm.data = (idf[wc.indices] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[rows] / avg))).astype(np.float32)
        words_list = [""] * len(wvocab)
        for w, j in wvocab.items():
            words_list[j] = w
        # one posting matrix for both channels, so that a query's text relevance with
        # every record is a single sparse product (no sum of two large results)
        postings = sparse.vstack([tfidf.T * np.float32(shares[0]), bm.T * np.float32(shares[1])],
                                 format="csr", dtype=np.float32)
        return cls(ngram_vocab=vocab, ngram_sizes=tuple(ngram_sizes), transformer=transformer, tfidf=tfidf,
                   ngram_df=ngram_df, word_vocab=wvocab, words_list=words_list, idf=idf, bm25=bm, word_df=df,
                   shares=tuple(shares), postings=postings, term_df=np.concatenate([ngram_df, df]))

    def queries(self, texts: list[str], word_texts: list[str]) -> Queries:
        counts, _ = tx.ngram_counts(texts, vocabulary=self.ngram_vocab, sizes=self.ngram_sizes)
        q = self.transformer.transform(counts).astype(np.float32).tocsr() if self.size else counts
        wc, _ = tx.word_counts(word_texts, vocabulary=self.word_vocab)
        wc.data[:] = 1.0
        ideal = np.asarray(wc @ self.idf).ravel().astype(np.float32) if wc.shape[1] else np.zeros(len(texts),
                                                                                                    np.float32)
        return Queries(q, wc.tocsr(), ideal)

    # -------------------------------------------------------------- scoring

    def relevance(self, q: Queries, *, prune_df: float | None = None) -> sparse.csr_matrix:
        """Text relevance of every query with every record (records sharing no term
        are absent), BM25 coverage *not* capped at 1 — the ordering used to choose
        candidates; :meth:`pair_scores` gives the exact components.

        With ``prune_df``, terms found in more than that share of the records are left
        out: batch matching uses it to choose candidates cheaply, then scores them in full.
        """
        inv = np.where(q.ideal > 0, 1.0 / np.maximum(q.ideal, 1e-12), 0.0).astype(np.float32)
        rows = sparse.hstack([q.tfidf, sparse.diags(inv) @ q.words], format="csr", dtype=np.float32)
        if prune_df is not None and self.size:
            keep = self.term_df <= prune_df * self.size
            rows = (rows @ sparse.diags(keep.astype(np.float32))).tocsr()
            rows.eliminate_zeros()
        return (rows @ self.postings).tocsr()

    def pair_scores(self, q: Queries, qi: np.ndarray, di: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cosine, BM25 coverage) of the pairs (query ``qi[j]``, record ``di[j]``), in full."""
        if len(qi) == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.float32)
        cos = np.asarray(q.tfidf[qi].multiply(self.tfidf[di]).sum(axis=1)).ravel()
        raw = np.asarray(q.words[qi].multiply(self.bm25[di]).sum(axis=1)).ravel()
        ideal = q.ideal[qi]
        cov = np.where(ideal > 0, np.minimum(raw / np.maximum(ideal, 1e-12), 1.0), 0.0)
        return cos.astype(np.float32), cov.astype(np.float32)

    # -------------------------------------------------------------- explaining

    def shared_terms(self, q: Queries, qrow: int, d: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """The words and the n-grams a query and a record share, each with its part of
        the BM25 coverage / the cosine, largest first."""
        qw = q.words[qrow]
        rw = self.bm25[d]
        common = np.intersect1d(qw.indices, rw.indices)
        ideal = float(q.ideal[qrow]) or 1.0
        weights = dict(zip(rw.indices.tolist(), rw.data.tolist(), strict=True))
        words = sorted(((self.words_list[j], weights[j] / ideal) for j in common.tolist()), key=lambda x: -x[1])
        qt = q.tfidf[qrow]
        rt = self.tfidf[d]
        common_g = np.intersect1d(qt.indices, rt.indices)
        qv = dict(zip(qt.indices.tolist(), qt.data.tolist(), strict=True))
        rv = dict(zip(rt.indices.tolist(), rt.data.tolist(), strict=True))
        grams = sorted(((tx.key_text(self.ngram_vocab[j]), qv[j] * rv[j]) for j in common_g.tolist()),
                       key=lambda x: -x[1])
        return words, grams
