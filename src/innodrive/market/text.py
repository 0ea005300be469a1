"""Text as the matcher sees it: normalised characters, character n-grams, jieba words.

Two views of the same Chinese text feed the two relevance channels of the matcher:

- **character n-grams** (2 and 3 characters, never across punctuation): robust to
  words no dictionary knows (钙钛矿, a brand, a new compound) and to segmentation
  mistakes; counted for a whole corpus at once with NumPy, because a registry of
  100,000 abstracts must be indexed in seconds;
- **words** from jieba's bundled dictionary (no download), minus a short list of
  function words: what a person would call the "key terms" a demand and a result
  share, used by BM25 and shown to the user as the match's explanation.

Segmenting is the slow part (jieba runs in pure Python, ~0.2 M characters a second),
so records keep their words (:func:`words_text`) from the moment they are registered
and an index is built from the stored words.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd
from scipy import sparse

# Bump when the tokenizer, its dictionary or the stop list changes: stored words of an
# older version are recomputed (``innodrive market reindex``).
TOKENIZER_VERSION = "jieba-0.42.1/1"

# Function words and connectives that carry no subject matter. Written for this
# project (not copied from a published list); subject words such as 技术 or 方法 stay,
# their low IDF already makes them weigh little.
STOP_WORDS = frozenset(["的", "了", "和", "与", "及", "或", "等", "在", "对", "为", "以", "于", "其", "是", "有", "将", "把", "被", "从", "由", "向", "并", "而", "且", "但", "也", "又", "可", "能", "该", "此", "这", "那", "之", "所", "其中", "一种", "一个", "一些", "以及", "及其", "通过", "进行", "采用", "利用", "用于", "基于", "具有", "实现", "能够", "可以", "我们", "我司", "本", "本项目", "本发明", "本成果", "如何", "需要", "希望", "要求", "目前", "现有", "存在", "问题", "相关", "主要", "包括", "其他", "以上", "以下", "方面", "情况", "提供", "达到", "使得", "使用", "之间"])

_KEEP = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbfa-z0-9]")
_WORD_OK = re.compile(r"^(?:[\u4e00-\u9fff\u3400-\u4dbf]{2,}|[a-z][a-z0-9\-\.]*|[0-9]+[a-z]+[a-z0-9]*)$")


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to half-width), lower case, trimmed."""
    return unicodedata.normalize("NFKC", text or "").replace("\x00", " ").lower().strip()


@cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()  # our own instance: the global one stays untouched
    tk.initialize()
    return tk


def words(text: str) -> list[str]:
    """The content words of ``text`` in order (jieba, precise mode, no HMM guessing of
    unknown words — the character n-grams cover those)."""
    t = normalise(text)
    if not t:
        return []
    return [w for w in _tokenizer().lcut(t, HMM=False) if _WORD_OK.match(w) and w not in STOP_WORDS]


def words_text(text: str) -> str:
    """The words of ``text`` joined by spaces: what a record stores for indexing."""
    return " ".join(words(text))


# ---------------------------------------------------------------- character n-grams

# A code point below 2**21 fits in 21 bits: a bigram key is (a << 21) | b and a trigram
# (a << 42) | (b << 21) | c — every key one int64, bigrams below 2**42, trigrams above.
_SHIFT = np.int64(21)


def _codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts' normalised code points in one array, with 0 between texts and in place
    of every character that is not a hanzi, a letter or a digit; and, per position, the
    index of the text it belongs to."""
    joined = "\x00".join(t.replace("\x00", " ") for t in texts) + "\x00"
    raw = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    doc = np.cumsum(raw == 0) - (raw == 0)  # the text each position belongs to
    # what NFKC + lower() would do to the characters kept here: full-width forms to
    # ASCII, then upper to lower case (vectorised; NFKC on 10 M characters takes seconds)
    raw = np.where((raw >= 0xFF01) & (raw <= 0xFF5E), raw - 0xFEE0, raw)
    raw = np.where((raw >= 0x41) & (raw <= 0x5A), raw + 32, raw)
    keep = ((raw >= 0x4E00) & (raw <= 0x9FFF)) | ((raw >= 0x3400) & (raw <= 0x4DBF)) \
        | ((raw >= 0x61) & (raw <= 0x7A)) | ((raw >= 0x30) & (raw <= 0x39))
    cp = np.where(keep, raw, 0).astype(np.int64)
    return cp, doc


def ngram_keys(texts: list[str], sizes: tuple[int, ...] = (2, 3)) -> tuple[np.ndarray, np.ndarray]:
    """(key, text index) of every character n-gram of the given sizes in ``texts``."""
    cp, doc = _codes(texts)
    keys, docs = [], []
    for n in sizes:
        if len(cp) < n:
            continue
        m = len(cp) - n + 1
        valid = cp[:m] != 0
        key = cp[:m].copy()
        for j in range(1, n):
            part = cp[j:j + m]
            valid &= part != 0
            key <<= _SHIFT
            key |= part
        keys.append(key[valid])
        docs.append(doc[:m][valid])
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(keys), np.concatenate(docs)


def key_text(key: int) -> str:
    """The n-gram a key stands for."""
    chars = []
    k = int(key)
    while k:
        chars.append(chr(k & ((1 << 21) - 1)))
        k >>= 21
    return "".join(reversed(chars))


def ngram_counts(texts: list[str], vocabulary: pd.Index | None = None,
                 sizes: tuple[int, ...] = (2, 3)) -> tuple[sparse.csr_matrix, pd.Index]:
    """Counts of character n-grams per text as a CSR matrix, and the vocabulary (an
    index of n-gram keys, in order of first appearance; built from ``texts`` unless
    given — n-grams outside a given vocabulary are dropped). The same counts as
    scikit-learn's ``CountVectorizer(analyzer="char", ngram_range=…)`` over the same
    characters (tested), in a fraction of its time: hashing (pandas) instead of a
    Python loop over every n-gram."""
    keys, docs = ngram_keys(texts, sizes)
    if vocabulary is None:
        cols, uniques = pd.factorize(keys)
        vocabulary = pd.Index(uniques)
    else:
        cols = vocabulary.get_indexer(keys)
        hit = cols >= 0
        cols, docs = cols[hit], docs[hit]
    m = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), (docs, cols)),
                          shape=(len(texts), len(vocabulary)), dtype=np.float32)
    m.sum_duplicates()
    return m, vocabulary


def word_counts(word_texts: list[str], vocabulary: dict[str, int] | None = None
                ) -> tuple[sparse.csr_matrix, dict[str, int]]:
    """Counts of stored words (space-separated) per text, and the word → column map
    (built from the texts unless given; unknown words are dropped then)."""
    grow = vocabulary is None
    vocab: dict[str, int] = {} if vocabulary is None else vocabulary
    indptr = [0]
    indices: list[int] = []
    for t in word_texts:
        if grow:
            for w in t.split():
                indices.append(vocab.setdefault(w, len(vocab)))
        else:
            for w in t.split():
                j = vocab.get(w)
                if j is not None:
                    indices.append(j)
        indptr.append(len(indices))
    idx = np.asarray(indices, dtype=np.int32)
    m = sparse.csr_matrix((np.ones(len(idx), dtype=np.float32), idx, np.asarray(indptr, dtype=np.int64)),
                          shape=(len(word_texts), len(vocab)))
    m.sum_duplicates()
    return m, vocab
