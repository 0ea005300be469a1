"""Positions inside one sentence, indexed once so that every question is cheap.

Target rules ask the same questions for every match: where does this clause start,
is this inside quotes, was this span already taken by another rule, which deadline,
力争 or look-back segment applies here. Asked naively (slicing the prefix, scanning
lists) each question costs the length of the sentence, and a long unpunctuated line
makes extraction quadratic. Here they cost a binary search or the length of the span.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from operator import itemgetter

from innodrive.extraction import phrases

CLAUSE_REACH = 160
# the characters of phrases.CLAUSE_SEP (a test checks that the two agree)
CLAUSE_SEPARATORS = ",:;"
# ("" is in every text: a pattern whose opening marks are unbounded is searched always)
_QUOTE_OPENERS = tuple(sorted(phrases.QUOTE_OPENERS)) if phrases.QUOTE_OPENERS is not None else ("",)


class SentenceScan:
    def __init__(self, text: str) -> None:
        self.text = text
        self._seps: list[int] | None = None   # (found on the first question about clauses)
        # (the quoted spans are found on the first question about quotes, and the taken
        # characters are marked from the first take: the rules of most sentences without a
        # quantity ask neither, and ``None`` answers "nothing taken" as an empty mark would)
        self._quoted: bytearray | None = None
        self._quotes_found = False
        self._taken: bytearray | None = None
        self._taken_ends: list[int] = []

    def clause_start(self, pos: int) -> int:
        """Start of the clause holding ``pos``: after the last separator, and after any
        span another rule already took (a subject never reaches over a target)."""
        seps = self._seps if self._seps is not None else self._clause_seps()
        i = bisect_right(seps, pos) - 1
        start = seps[i] if i >= 0 else 0
        # a subject is a phrase, not a page: a clause without separators (hostile text, a
        # table flattened into one line) is read back at most CLAUSE_REACH characters, so
        # that every quantity costs the same however long its sentence is
        start = max(start, pos - CLAUSE_REACH)
        j = bisect_right(self._taken_ends, pos) - 1
        if j >= 0:
            start = max(start, self._taken_ends[j])
        return start

    def clauses_between(self, a: int, b: int) -> int:
        """How many clause separators lie between positions ``a`` and ``b``."""
        lo, hi = (a, b) if a <= b else (b, a)
        seps = self._seps if self._seps is not None else self._clause_seps()
        return bisect_right(seps, hi) - bisect_right(seps, lo)

    def _clause_seps(self) -> list[int]:
        """The positions just after each clause separator (a sentence whose rules ask no
        question about clauses never pays for them).

        ``[m.end() for m in phrases.CLAUSE_SEP.finditer(text)]``, found with ``str.find``:
        the regex engine tests a character class at every position (tens of ns a
        character on Chinese text), ``find`` skips to the next separator in C."""
        find = self.text.find
        seps: list[int] = []
        for sep in CLAUSE_SEPARATORS:
            i = find(sep)
            while i != -1:
                seps.append(i + 1)
                i = find(sep, i + 1)
        seps.sort()
        self._seps = seps
        return seps

    def quoted(self, a: int, b: int) -> bool:
        """Whether [a, b) lies entirely inside quotation marks or a book title."""
        q = self._quoted if self._quotes_found else self._quote_marks()
        return q is not None and b > a and q.find(0, a, b) == -1

    def _quote_marks(self) -> bytearray | None:
        """One mark per character inside a quoted span, or None when the sentence quotes
        nothing (most do not). Every quoted span opens with one of phrases.QUOTE_OPENERS: a
        scan for each mark, in C, is cheaper than the pattern's class tested at every
        position."""
        text = self.text
        spans = ()
        for mark in _QUOTE_OPENERS:
            if mark in text:
                spans = phrases.quoted_spans(text)
                break
        if spans:
            self._quoted = bytearray(len(text))
            for a, b in spans:
                self._quoted[a:b] = b"\x01" * (b - a)
        self._quotes_found = True
        return self._quoted

    def taken(self, a: int, b: int) -> bool:
        """Whether any character of [a, b) was already taken by a rule."""
        return self._taken is not None and b > a and self._taken.find(1, a, b) != -1

    def fully_taken(self, a: int, b: int) -> bool:
        return self._taken is not None and b > a and self._taken.find(0, a, b) == -1

    def take(self, a: int, b: int) -> None:
        if b > a:
            if self._taken is None:
                self._taken = bytearray(len(self.text))
            self._taken[a:b] = b"\x01" * (b - a)
            insort(self._taken_ends, b)


_first = itemgetter(0)


class Marks:
    """Sorted positions with a value each: the last one at or before a position wins."""

    __slots__ = ("_pos", "_val")

    def __init__(self, items: list[tuple[int, object]]) -> None:
        if not items:  # (the usual case: no deadline, no 力争/确保 in the sentence)
            self._pos, self._val = [], []
            return
        if len(items) == 1:
            self._pos, self._val = [items[0][0]], [items[0][1]]
            return
        items = sorted(items, key=_first)   # (stable: equal positions keep their order)
        self._pos = [kv[0] for kv in items]
        self._val = [kv[1] for kv in items]

    @classmethod
    def ascending(cls, positions: list[int], values: list) -> Marks:
        """Marks from positions already in ascending order (no sorting, no pairs)."""
        marks = cls.__new__(cls)
        marks._pos, marks._val = positions, values
        return marks

    def __bool__(self) -> bool:
        return bool(self._pos)

    def at(self, pos: int):
        i = bisect_right(self._pos, pos) - 1
        return self._val[i] if i >= 0 else None

    def any_before(self, pos: int) -> bool:
        return bool(self._pos) and self._pos[0] <= pos


def matches_from(starts, pattern, text: str):
    """The matches of ``pattern.finditer(text)`` for a pattern whose matches are never empty
    and always begin with a match of ``starts``: the pattern is tried only there.

    For patterns that open with an optional group (全面|基本…)?建成…: the engine cannot
    skip to candidate characters and tries the whole pattern at every position, while
    ``starts`` (alternatives that each begin with a literal) is found by a fast scan."""
    pos = 0
    search, match = starts.search, pattern.match
    while (c := search(text, pos)) is not None:
        m = match(text, c.start())
        if m is None:
            pos = c.start() + 1
        else:
            yield m
            pos = m.end()


def matches_near(core, pattern, lead: int, text: str):
    """The matches of ``pattern.finditer(text)`` for a pattern each of whose matches holds a
    match of ``core`` (a pattern whose matches never overlap, so that ``core.finditer``
    finds them all) starting at most ``lead`` characters after its own start: the pattern
    is tried only in the few positions before each match of ``core``.

    For patterns that open with optional words, ``^`` or a look-behind (到2025年, 力争2025年):
    the engine tries them at every position of the text, while ``core`` (opening with a
    literal: 20dd年, 十X五) is found by a fast scan. The positions are tried in order and a
    match resumes the scan at its end, as ``finditer`` does (``match`` at a position sees
    the text before it, for ``^`` and the look-behind, as ``finditer`` does)."""
    match = pattern.match
    pos = 0
    for y in core.finditer(text):
        at = y.start()
        p = max(pos, at - lead)
        while p <= at:
            m = match(text, p)
            if m is None:
                p += 1
                continue
            yield m
            p = m.end()
        pos = p

