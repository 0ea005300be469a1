"""Text that remembers where every character came from.

Normalisation deletes things (page furniture, pinyin glosses, spaces between hanzi,
repeated paragraphs) and joins broken lines, yet every extracted fact must point to
its exact words in the original decoded text. :class:`MText` carries a piece of text
with a compact map back to the original: a list of *runs* ``(clean_pos, orig_pos)``,
meaning the character at ``clean_pos + k`` came from ``orig_pos + k`` until the next
run starts. Deletions and concatenations only add runs, so the map stays small (a few
runs per paragraph) even for a 50 MB input; there is no per-character array.

All character-level rewrites innodrive does (width folding, traditional → simplified)
are applied length-preserving *before* text is cut into :class:`MText` pieces, so
they never need a map of their own.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, init=False)
class MText:
    """A piece of clean text and the original offsets of its characters."""

    text: str
    runs: tuple[tuple[int, int], ...] = field(default=())

    def __init__(self, text: str, runs: tuple[tuple[int, int], ...] = ()) -> None:
        # (what the generated __init__ does, through the slots' own setters: a frozen
        # dataclass's goes through object.__setattr__ for each field, some 4,000 instructions
        # an object, and reading makes a few for every line of a document)
        _set_text(self, text)
        _set_runs(self, runs)

    @classmethod
    def at(cls, text: str, orig_start: int) -> MText:
        """Text copied unchanged from ``original[orig_start:orig_start + len(text)]``."""
        return cls(text, ((0, orig_start),) if text else ())

    def __len__(self) -> int:
        return len(self.text)

    def orig(self, i: int) -> int:
        """Original offset of character ``i`` of this piece."""
        if not self.runs:
            raise IndexError("empty text has no offsets")
        k = bisect_right(self.runs, (i, float("inf"))) - 1
        clean_pos, orig_pos = self.runs[max(k, 0)]
        return orig_pos + (i - clean_pos)

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Original span ``[a, b)`` covering clean characters ``start..end-1``."""
        if end <= start:
            a = self.orig(min(start, len(self.text) - 1)) if self.text else 0
            return a, a
        return self.orig(start), self.orig(end - 1) + 1

    def with_text_of_slice(self, text: str, start: int) -> MText:
        """``self.slice(start, start + len(text))`` reusing ``text`` (already that slice,
        e.g. a line cut from the same string) instead of copying it again."""
        end = start + len(text)
        if not text:
            return MText("")
        runs = self.runs
        if len(runs) == 1:
            # (plain text is mapped in one run: the piece is that run moved to ``start``,
            # what the general case below gives when the run does not start inside the piece)
            c0, o0 = runs[0]
            if c0 <= start or c0 >= end:
                return MText(text, ((0, o0 + (start - c0)),))
        new_runs: list[tuple[int, int]] = [(0, self.orig(start))]
        k = bisect_right(runs, (start, float("inf")))
        while k < len(runs) and runs[k][0] < end:
            new_runs.append((runs[k][0] - start, runs[k][1]))
            k += 1
        return MText(text, tuple(new_runs))

    def slice(self, start: int, end: int) -> MText:
        start = max(0, start)
        end = min(len(self.text), end)
        if end <= start:
            return MText("")
        return self.with_text_of_slice(self.text[start:end], start)

    def without(self, ranges: Iterable[tuple[int, int]]) -> MText:
        """This text with the (sorted, non-overlapping) clean ranges removed."""
        pieces: list[MText] = []
        pos = 0
        for a, b in ranges:
            if a > pos:
                pieces.append(self.slice(pos, a))
            pos = max(pos, b)
        if pos == 0 and not pieces:
            return self
        if pos < len(self.text):
            pieces.append(self.slice(pos, len(self.text)))
        return concat(pieces)

    def strip(self) -> MText:
        text = self.text
        if not (text[:1].isspace() or text[-1:].isspace()):
            return self  # nothing to strip (most lines): no copies of the text
        a = len(text) - len(text.lstrip())
        b = len(text.rstrip())
        if a == 0 and b == len(text):
            return self
        return self.slice(a, b)


_set_text = MText.text.__set__
_set_runs = MText.runs.__set__


def concat(pieces: Iterable[MText], sep: str = "", sep_orig: int | None = None) -> MText:
    """Join pieces, optionally with a separator whose characters map to ``sep_orig``
    (or, by default, to the original character just after the previous piece).

    The runs are merged as they are added (what :func:`_merge` does to the list of them).
    A separator mapped by default continues the run before it, which merging would drop
    whatever came before: its run is not added at all."""
    texts: list[str] = []
    runs: list[tuple[int, int]] = []
    pos = 0
    for p in pieces:
        text = p.text
        if not text:
            continue
        shifted = p.runs
        if texts and sep:
            if sep_orig is not None:
                shifted = ((-len(sep), sep_orig), *shifted)
            texts.append(sep)
            pos += len(sep)
        texts.append(text)
        _add_merged(runs, shifted, pos)
        pos += len(text)
    return MText("".join(texts), tuple(runs))


def _merge(runs: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Drop runs that merely continue the previous one (same shift)."""
    out: list[tuple[int, int]] = []
    _add_merged(out, runs, 0)
    return tuple(out)


def _add_merged(out: list[tuple[int, int]], runs, shift: int) -> None:
    """Append ``runs`` moved ``shift`` clean characters on to ``out``, dropping each run that
    merely continues the one before it (same shift) and letting a run replace one that
    starts at the same clean position (which then covers nothing)."""
    for clean_pos, orig_pos in runs:
        clean_pos += shift
        if out:
            pc, po = out[-1]
            if clean_pos == pc:
                out[-1] = (clean_pos, orig_pos)
                continue
            if orig_pos - po == clean_pos - pc:
                continue
        out.append((clean_pos, orig_pos))


class OffsetMap:
    """The whole clean text's map back to the original (arrays of run starts)."""

    __slots__ = ("_clean", "_orig", "length")

    def __init__(self, runs: Iterable[tuple[int, int]], length: int) -> None:
        self._clean = array("q")
        self._orig = array("q")
        for c, o in runs:
            self._clean.append(c)
            self._orig.append(o)
        self.length = length

    @classmethod
    def from_mtext(cls, m: MText) -> OffsetMap:
        return cls(m.runs, len(m.text))

    def orig(self, i: int) -> int:
        if not self._clean:
            return 0
        k = bisect_right(self._clean, i) - 1
        k = max(k, 0)
        return self._orig[k] + (i - self._clean[k])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[a, b)`` for the clean span ``[start, end)``."""
        n = self.length
        if n == 0:
            return 0, 0
        # (:meth:`orig` of both ends written out: a document's records ask for thousands of spans)
        if start < 0:
            start = 0
        elif start > n - 1:
            start = n - 1
        last = (end if end > start + 1 else start + 1) - 1
        if last > n - 1:
            last = n - 1
        clean = self._clean
        if not clean:
            return 0, 1
        orig = self._orig
        k = bisect_right(clean, start) - 1
        if k < 0:
            k = 0
        j = bisect_right(clean, last) - 1
        if j < 0:
            j = 0
        return orig[k] + (start - clean[k]), orig[j] + (last - clean[j]) + 1

    def compose(self, inner: OffsetMap) -> OffsetMap:
        """This map followed by ``inner`` (clean → intermediate → original).

        Used for HTML, where the intermediate text is the extracted text and the
        original is the HTML source.
        """
        runs: list[tuple[int, int]] = []
        n = len(self._clean)
        for k in range(n):
            c0 = self._clean[k]
            c1 = self._clean[k + 1] if k + 1 < n else self.length
            mid0 = self._orig[k]
            # split the run wherever the inner map starts a new run
            c = c0
            while c < c1:
                mid = mid0 + (c - c0)
                runs.append((c, inner.orig(mid)))
                j = bisect_right(inner._clean, mid)
                next_break = inner._clean[j] if j < len(inner._clean) else None
                if next_break is None:
                    break
                c = c + (next_break - mid)
        return OffsetMap(_merge(runs), self.length)
