"""Finding the same result registered twice.

Two entries are the same result when they name the same patent (checked exactly, and
refused: one patent belongs to one result), or when their titles and holders are
near-identical — the same result sent in by two offices, or typed again with a changed
word. The second is a *suspicion* shown to a person, never merged automatically.

Near-identical means: normalised holder names (NFKC, lower case, no punctuation or
spaces) with a rapidfuzz ``ratio`` of at least :data:`HOLDER_MIN` and normalised titles
with a ratio of at least :data:`TITLE_MIN`. Comparing every title with every other is
quadratic, so entries are first grouped by holder (holder names compared among the
distinct names only), then titles are compared within a group with ``cdist``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

TITLE_MIN = 90.0
HOLDER_MIN = 90.0

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "").lower())


@dataclass(frozen=True)
class Entry:
    key: object          # a result id, or ("row", n) for a row being imported
    title: str
    holder: str


@dataclass(frozen=True)
class Similar:
    a: object
    b: object
    title_score: float
    holder_score: float


def _holder_groups(holders: list[str], others: list[str]) -> dict[str, list[tuple[str, float]]]:
    """For each holder name in ``holders``, the names in ``others`` within HOLDER_MIN."""
    from rapidfuzz import fuzz, process

    out: dict[str, list[tuple[str, float]]] = {}
    if not holders or not others:
        return {h: [] for h in holders}
    scores = process.cdist(holders, others, scorer=fuzz.ratio, score_cutoff=HOLDER_MIN, dtype="float32")
    for i, h in enumerate(holders):
        row = scores[i]
        out[h] = [(others[j], float(row[j])) for j in row.nonzero()[0]]
    return out


def similar(new: list[Entry], existing: list[Entry]) -> list[Similar]:
    """Pairs (new entry, existing entry) with near-identical holder and title. When
    ``existing`` is ``new`` itself, each unordered pair is reported once."""
    from rapidfuzz import fuzz, process

    same_list = new is existing
    by_holder: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for j, e in enumerate(existing):
        by_holder[normalise(e.holder)].append((j, normalise(e.title)))
    new_norm = [(normalise(e.holder), normalise(e.title)) for e in new]
    holders = sorted({h for h, _ in new_norm if h})
    groups = _holder_groups(holders, sorted(h for h in by_holder if h))
    out: list[Similar] = []
    # titles of new entries per holder, compared with the titles of every near holder at once
    new_by_holder: dict[str, list[int]] = defaultdict(list)
    for i, (h, _) in enumerate(new_norm):
        if h:
            new_by_holder[h].append(i)
    for h, rows in new_by_holder.items():
        for other, hscore in groups.get(h, []):
            targets = by_holder[other]
            if not targets:
                continue
            scores = process.cdist([new_norm[i][1] for i in rows], [t for _, t in targets], scorer=fuzz.ratio,
                                   score_cutoff=TITLE_MIN, dtype="float32")
            for a, i in enumerate(rows):
                for b in scores[a].nonzero()[0]:
                    j = targets[b][0]
                    if same_list and j <= i:
                        continue
                    out.append(Similar(new[i].key, existing[j].key, float(scores[a][b]), hscore))
    return sorted(out, key=lambda s: (-s.title_score, str(s.a), str(s.b)))
