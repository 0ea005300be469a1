"""The indicator-phrase similarity used to merge repeated targets and to score them.

Two phrases name the same indicator when they share at least half of the character
bigrams of the shorter one — the rule of the gold annotations (``tests/data/gold``),
which tolerates the extra words one writer keeps and another drops
(新增上市公司 vs 全市新增上市公司) while separating different indicators.
"""

from __future__ import annotations

from functools import lru_cache


def bigrams(text: str) -> set[str]:
    return set(_bigrams(text))


@lru_cache(maxsize=8192)
def _bigrams(text: str) -> frozenset[str]:
    # (merging repeats compares each phrase with many others: computed once per phrase)
    t = "".join(text.split())  # every whitespace character removed
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


def bigram_overlap(a: str, b: str) -> float:
    """Shared bigrams as a share of the shorter phrase's bigrams (0–1)."""
    ba, bb = _bigrams(a), _bigrams(b)
    if not ba or not bb:
        return 1.0 if a.strip() == b.strip() and a.strip() else 0.0
    shorter = ba if len(ba) <= len(bb) else bb
    return len(ba & bb) / len(shorter)


def same_indicator(a: str, b: str) -> bool:
    return bigram_overlap(a, b) >= 0.5


def restated(a: str, b: str) -> bool:
    """Whether two phrases are the *same words* written twice (one contains the other,
    or nearly all bigrams are shared) — stricter than :func:`same_indicator`, so that
    光电信息产业集群规模 and 先进材料产业集群规模 stay two targets."""
    a, b = a.strip(), b.strip()
    if a and b and (a in b or b in a):
        return True
    return bigram_overlap(a, b) >= 0.8
