"""Normalise the text of a policy document while keeping a map to the original.

What is done, in order, and why:

1. **Width folding** (full-width ASCII → half-width, ideographic and no-break spaces →
   space): documents mix ２０２５ and 2025, （一） and (一). Length-preserving.
2. **Traditional → simplified** with OpenCC when the text is mostly traditional
   (a Taiwan/Hong Kong reprint, or a page converted for a 繁體 edition). Applied so
   that no character changes length (lines where a phrase conversion would, fall back
   to character-by-character conversion), so offsets stay exact.
3. **Per line**: pinyin glosses such as 創(chuàng) removed; inline continuation
   markers （上接/下转第X版） and markdown ``**`` removed; spaces between hanzi removed
   (PDF extraction spaces every character); whole furniture lines dropped
   (see :mod:`.furniture`).
4. **Paragraphs**: lines broken in mid-sentence (a newspaper column, a PDF line, a
   copy-paste) are joined; a heading, a title, a table row or a finished sentence
   is never joined to what follows.
5. **Repeated paragraphs** (a newspaper page that prints the decision twice, a
   truncated second copy) are dropped, keeping the first full copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from math import ceil

from innodrive import regex_cache
from innodrive.documents.furniture import inline_furniture, is_furniture_line
from innodrive.documents.offsets import MText, concat

# ------------------------------------------------------------------ width folding

_WIDTH: dict[int, int | str] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update({cp: " " for cp in range(0x2000, 0x200B)})
_WIDTH.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: " ",
               0x200C: " ", 0x200D: " ", 0x2060: " ", 0xFEFF: " ", 0x000B: " ", 0x000C: "\n", 0x000D: "\n",
               0x2028: "\n", 0x2029: "\n", 0x3007: "〇"})
WIDTH_TABLE = str.maketrans(_WIDTH)


def fold_width(text: str) -> str:
    """Full-width ASCII forms to half-width; odd spaces and line separators unified.

    ``\\r\\n`` becomes two line breaks, which the paragraph step treats like one blank
    line, so the text length (and every offset) is unchanged.
    """
    if len(text) < 2000:
        return text.translate(WIDTH_TABLE)
    return fold_width_chars(text, set(text))


_WIDTH_CHARS = frozenset(chr(cp) for cp in _WIDTH)


def fold_width_chars(text: str, chars: set[str]) -> str:
    """:func:`fold_width` given the set of characters ``text`` contains: one ``str.replace``
    per character that needs folding (a dozen in a Chinese document) instead of a
    table lookup for every character."""
    for ch in chars & _WIDTH_CHARS:
        text = text.replace(ch, WIDTH_TABLE[ord(ch)] if isinstance(WIDTH_TABLE[ord(ch)], str) else chr(WIDTH_TABLE[ord(ch)]))
    return text


# ------------------------------------------------------------------ script

@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_HAN_RUN = regex_cache.compile(r"[^\W\d_a-zA-Z]+")  # letters that are not ASCII: hanzi, in practice


@cache
def traditional_chars() -> frozenset[str]:
    """The characters OpenCC's t2s conversion changes on their own (個, 會, 發 …), from
    ``innodrive/data/traditional_chars.txt`` (regenerate with
    :func:`write_traditional_table`; a test checks it still matches OpenCC)."""
    return frozenset(_traditional_text())


@cache
def _traditional_text() -> str:
    """:func:`traditional_chars` in the order of the file: a character class built from it is
    the same string in every process (the key of its compiled code) without sorting 4,000
    characters."""
    import os  # (not pathlib: this runs in every ``extract --json`` process, pathlib's import costs more)

    data = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "data")
    with open(os.path.join(data, "traditional_chars.txt"), encoding="utf-8") as f:
        text = f.read()
    return text.replace("\n", "").replace(" ", "").replace("\r", "")


def compute_traditional_chars() -> str:
    """Every CJK ideograph (basic block, extension A, compatibility) that t2s changes."""
    codes = [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00)]
    chars = "".join(chr(c) for c in codes)
    converted = _t2s().convert(chars)
    if len(converted) != len(chars):
        converted = "".join(_t2s().convert(ch) for ch in chars)
    return "".join(a for a, b in zip(chars, converted, strict=True) if a != b)


def write_traditional_table(path=None) -> None:
    """Rebuild ``innodrive/data/traditional_chars.txt`` from the installed OpenCC."""
    from pathlib import Path

    target = Path(path) if path else Path(__file__).resolve().parents[1] / "data" / "traditional_chars.txt"
    chars = compute_traditional_chars()
    target.write_text("\n".join(chars[i:i + 64] for i in range(0, len(chars), 64)) + "\n", encoding="utf-8")


_CONTROL_CHARS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])


# Every character normalisation acts on is one of these (the width-folded forms and control
# characters) or one of traditional_chars(), the characters t2s changes. (Not one set of both:
# copying the 4,000 traditional characters into it cost more than a small document's reading.)
_PLAIN_NOTABLE = _WIDTH_CHARS | frozenset(_CONTROL_CHARS)


# The full-width forms of the ASCII punctuation Chinese prose writes in full width (，（）；：！？):
# one in twenty characters of a report, they are most of what the class below would find.
_FREQUENT_NOTABLE = "".join(chr(ord(c) + 0xFEE0) for c in ",();:!?")


@cache
def _notable_split():
    """(Every notable character as one character class without the characters of
    ``_FREQUENT_NOTABLE``, those of them that are notable). The regex then returns a few hundred matches instead of ten thousand
    one-character strings, and each frequent one is found by one ``in`` (a C scan): the
    union is the same set, whichever characters are split off."""
    traditional = traditional_chars()
    frequent = "".join(c for c in _FREQUENT_NOTABLE if c in _PLAIN_NOTABLE or c in traditional)
    # (the few others sorted, the traditional ones in the file's order: a fixed string)
    others = "".join(sorted(_PLAIN_NOTABLE - traditional - set(frequent)))
    rest = _traditional_text()
    for c in frequent:
        rest = rest.replace(c, "")
    # (re.escape escapes ASCII characters only: the traditional ones, ideographs all, need
    # not be passed through it; a test checks that the file holds no ASCII)
    return regex_cache.compile("[" + re.escape(others) + rest + "]"), frequent


_NOTABLE_BY_SET = 20_000  # characters: below this, set() is cheaper than building the regex


def notable_chars(text: str) -> set[str]:
    """The distinct characters of ``text`` that normalisation acts on (see ``_PLAIN_NOTABLE``).

    Stands in for ``set(text)`` wherever only its intersection with those characters is
    used: the regex scans the text in C without creating a string object per character,
    several times faster than ``set()`` on Chinese text. A short text (one ``extract
    --json`` of a small file) is cheaper with ``set()`` than sorting and loading the
    4,000-character class."""
    if len(text) < _NOTABLE_BY_SET and not _notable_split.cache_info().currsize:
        chars = set(text)
        return (chars & _PLAIN_NOTABLE) | (chars & traditional_chars())
    # (once the class is built, by a long text or an earlier document of this process,
    # the regex is the cheaper way for every text)
    rare, frequent = _notable_split()
    found = set(rare.findall(text))
    found.update(c for c in frequent if c in text)
    return found


def detect_script(text: str, *, sample: int = 100_000, chars: set[str] | None = None) -> str:
    """``traditional`` when a noticeable share (over 5%) of the hanzi are characters that
    t2s conversion changes. ``chars``: the distinct characters of ``text``, or any superset
    of those among them that t2s changes (:func:`notable_chars`).

    Counted in C: the distinct characters of the sample are intersected with the table,
    and only when some traditional character occurs at all are its occurrences counted
    (simplified text, the usual case, costs one ``set()`` of the sample). The hanzi, whose
    class costs some hundred instructions a character, are counted only as far as needed."""
    part = text[:sample]
    present = (chars if chars is not None and len(text) <= sample else set(part)) & traditional_chars()
    if not present:
        return "simplified"
    # many distinct ones: one scan with the class of every such character, compiled once per
    # process (a class of only those present differed per document, so each document paid
    # for compiling its own); characters absent from ``part`` add nothing to the count
    changed = sum(part.count(ch) for ch in present) if len(present) < 64 else len(_traditional_re().findall(part))
    if changed / len(part) > 0.05:
        # (every changed character is a hanzi, and the sample holds no more hanzi than
        # characters: their share of the hanzi is higher still, without counting them)
        return "traditional"
    # a simplified text with a few characters t2s would change (乾, 於 …): the hanzi of an
    # opening already outnumber them twentyfold, and the hanzi of a longer opening or of the
    # whole sample can only be more (the share can only be lower): no need to count them all.
    # First an opening of forty characters per changed one, then the usual one.
    for end in sorted({min(40 * changed, _SCRIPT_HEAD), _SCRIPT_HEAD}):
        if len(part) > end:
            head = sum(map(len, _HAN_RUN.findall(part, 0, end)))
            if head and changed / head <= 0.05:
                return "simplified"
    hanzi = sum(map(len, _HAN_RUN.findall(part)))
    if hanzi == 0:
        return "simplified"
    return "traditional" if changed / hanzi > 0.05 else "simplified"


_SCRIPT_HEAD = 4000  # characters whose hanzi are counted first (see detect_script)


@cache
def _traditional_re():
    """:func:`traditional_chars` as one character class."""
    return regex_cache.compile("[" + re.escape(_traditional_text()) + "]")


def to_simplified(text: str) -> str:
    """Traditional → simplified without changing the length of any line."""
    cc = _t2s()
    lines = text.split("\n")
    out: list[str] = []
    batch = 2000
    for i in range(0, len(lines), batch):
        chunk = lines[i:i + batch]
        converted = cc.convert("\n".join(chunk)).split("\n")
        if len(converted) == len(chunk) and all(len(a) == len(b) for a, b in zip(chunk, converted, strict=True)):
            out.extend(converted)
            continue
        for line in chunk:
            c = cc.convert(line)
            if len(c) != len(line):
                c = "".join(x if len(x := cc.convert(ch)) == 1 else ch for ch in line)
            out.append(c)
    return "\n".join(out)


# ------------------------------------------------------------------ per line

_TONE = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")
# (the bracket first, the look-behind after it: the engine then skips to brackets instead of
# trying the look-behind at every position; = (?<=[^\W\d_a-zA-Z])\(…)
_PINYIN_RE = regex_cache.compile(r"\((?<=[^\W\d_a-zA-Z]\()\s*([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{1,7}(?:\s+[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{1,7}){0,3}|[a-z]{1,6}[1-5])\s*\)")
_SPACES_RE = regex_cache.compile(r"[ \u2000-\u200a][ \u2000-\u200a]*")  # (= […]+, opening with the class: the engine skips to it)
_CJKISH = regex_cache.compile(r"[^\W\d_a-zA-Z]|[\u3000-\u303f\uff00-\uffef“”‘’《》「」『』【】〔〕、。·—…]")


# terminal escape sequences and control characters: never text, and dangerous on a terminal
_CONTROL_RE = regex_cache.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])?|\x9b[0-?]*[ -/]*[@-~]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _has_controls(chars: set[str]) -> bool:
    return any((c < " " and c not in "\t\n") or "\x7f" <= c <= "\x9f" for c in chars)


def _line_deletions(line: str, controls: bool = False, inline: bool = True) -> list[tuple[int, int]]:
    """Ranges to cut from one line: pinyin glosses, inline furniture, needless spaces,
    and (when the document has any) control characters and escape sequences.

    ``inline=False``: the document holds neither ``**`` nor 版, without which no inline
    furniture is found (its lines need not be searched for them)."""
    ranges: list[tuple[int, int]] = [m.span() for m in _CONTROL_RE.finditer(line)] if controls else []
    if "(" in line:
        for m in _PINYIN_RE.finditer(line):
            gloss = m.group(1)
            if any(ch in _TONE for ch in gloss) or gloss[-1].isdigit():
                ranges.append(m.span())
    if inline and ("**" in line or "版" in line):
        ranges.extend(inline_furniture(line))
    n = len(line)
    for m in (_SPACES_RE.finditer(line) if " " in line else ()):  # fold_width made every space " "
        a, b = m.span()
        if a == 0 or b == n or line[a - 1] == "\t" or line[b] == "\t" or _CJKISH.match(line[a - 1]) or _CJKISH.match(line[b]):
            ranges.append((a, b))
        elif b - a > 1:
            ranges.append((a + 1, b))
    if not ranges:
        return ranges
    ranges.sort()
    merged = [ranges[0]]
    for a, b in ranges[1:]:
        if a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


# ------------------------------------------------------------------ paragraphs

# How a heading or list item starts (the outline module parses these precisely).
HEADING_START = regex_cache.compile(
    r"(第[一二三四五六七八九十百零〇0-9]+[条章节篇]|第[一二三四五六七八九十]+部分"
    r"|[一二三四五六七八九十百]+[、.]"
    r"|\([一二三四五六七八九十百0-9]+\)"
    r"|[0-9]{1,3}[、.](?![0-9])"
    r"|[①-⑳⑴-⒇㈠-㈩]"
    r"|[一二三四五六七八九十]+[是要](?![求点])"
    r"|——|[-•●■◆▲△□○◇]\s?)"
)
_TERMINAL = set("。!?;；…:") | {"！", "？"}
_GENRE_END = regex_cache.compile(r"(决定|公报|决议|规划|纲要|要点|方案|意见|通知|办法|计划|报告|条例|细则|措施|讲话|通告|公告|目录|附件\d*)"
                        r"(?:\((?:讨论稿|征求意见稿|试行|草案|修订|送审稿|[0-9]{4}\s*[—\-–~至到]+\s*[0-9]{4}\s*年?)\))?$")
JOIN_MIN = 25


def _summary(paragraph: str) -> str:
    """What :func:`should_join` needs of a long paragraph: its start, whether it has a
    full stop, and its end. Joining many lines then costs linear time, not quadratic."""
    if len(paragraph) <= 200:
        return paragraph
    middle = "。" if "。" in paragraph[100:-100] else "…"
    return paragraph[:100] + middle + paragraph[-99:]


def should_join(p: str, q: str, *, last_line: int | None = None, width: int | None = None) -> bool:
    """Whether line ``q`` continues the unfinished sentence of paragraph ``p``.

    ``width`` is the wrap width of a hard-wrapped text and ``last_line`` the length of
    the last physical line of ``p``: a full-width line that does not end a sentence is
    continued by the next one.
    """
    if not p or not q:
        return False
    last = p[-1]
    if last in _TERMINAL:
        return False  # (most paragraphs: asked before the searches for a tab)
    if "\t" in p or "\t" in q:
        return False
    if last == "." and not (len(p) > 1 and p[-2].isdigit()):
        return False
    if last == ")" and p.startswith("("):
        return False
    if HEADING_START.match(q):
        return False
    if HEADING_START.match(p) and len(p) < 60 and "。" not in p:
        return False
    if last in ",、" or last == "，":
        return True
    if width and last_line is not None and last_line >= width - 3 and not _GENRE_END.search(p):
        return True  # a full line of hard-wrapped text
    if q[0] == "(":
        return False
    if len(q) < JOIN_MIN and q[-1] not in _TERMINAL and q[-1] not in ",，、":
        return False  # a short unfinished line is a headline, not the rest of a sentence
    return len(p) >= JOIN_MIN and not _GENRE_END.search(p)


# ------------------------------------------------------------------ repeats

_DUP_MIN = 12        # shorter lines (headings like 一、总体要求) are never treated as repeats
_FRAGMENT_MIN = 40   # containment needs a real paragraph, not a title quoted in the text
_CANDIDATES = 16
_KEY = 16


def drop_repeats(paragraphs: list[MText]) -> tuple[list[MText], list[MText]]:
    """Remove paragraphs that repeat an earlier one (exactly, as a truncated copy, or
    as a fragment contained in a fuller copy). Returns (kept, dropped).

    Candidates are found through the first and last characters of each paragraph, so
    the work stays linear in the input. A text whose paragraphs often open or end alike
    compares each with up to 2 × ``_CANDIDATES`` earlier ones, so the comparison itself
    is kept to a few C calls: the texts are held in a list of their own, and "the common
    prefix covers 90 %" is one ``startswith`` of a prefix cut once per paragraph (tests
    compare it with the binary search on slices it replaced).

    Containment (``key in other``, ``other in key``) is asked last, after the two ends of
    the shorter text were found in the longer: a containment holds both ends, and a search
    for 16 characters scans the paragraph without first preparing a table for the whole
    needle of some hundred characters, which CPython's search does on every call. Most
    candidates share only an opening or an ending (the same first sentence), so the end
    they do not share is absent and the long search is never made (tests compare with the
    plain containment, on hostile texts too).

    A paragraph is compared only with earlier ones that open or end as it does (an exact
    copy opens alike): when no two paragraphs share an opening nor an ending, as in most
    documents, nothing can be dropped, and two sets of the ends tell so at a fraction of
    the cost of the loop.
    """
    long = [p.text for p in paragraphs if len(p.text) >= _DUP_MIN]
    if len({t[:_KEY] for t in long}) == len(long) and len({t[-_KEY:] for t in long}) == len(long):
        return list(paragraphs), []
    fuzz = None  # rapidfuzz, imported only when two paragraphs need a fuzzy comparison

    kept: list[MText | None] = []
    texts: list[str | None] = []   # kept[j].text, None once kept[j] is dropped
    ends: list[tuple[str, str] | None] = []   # (head, tail) of texts[j]
    dropped: list[MText] = []
    exact: set[str] = set()
    by_head: dict[str, list[int]] = {}
    by_tail: dict[str, list[int]] = {}
    for p in paragraphs:
        key = p.text
        n = len(key)
        if n < _DUP_MIN:
            kept.append(p)
            texts.append(None)   # (never a candidate: not listed by its head or tail)
            ends.append(None)
            continue
        if key in exact:
            dropped.append(p)
            continue
        head, tail = key[:_KEY], key[-_KEY:]
        heads, tails = by_head.get(head), by_tail.get(tail)
        duplicate = False
        if heads is not None or tails is not None:
            # a later copy is a truncated start of the earlier one when their common prefix
            # is at least _FRAGMENT_MIN and 90 % of it: one prefix of ``key``, cut when first needed
            prefix = None
            # only the latest paragraphs with the same opening or ending are compared, so a text
            # with thousands of paragraphs opening alike (全会提出，…) stays linear
            # (the set is built as before, so that it is visited in the same order)
            for j in {*(heads or ())[-_CANDIDATES:], *(tails or ())[-_CANDIDATES:]}:
                other = texts[j]
                if other is None:
                    continue
                m = len(other)
                if n <= m:
                    # a later copy: contained in, a truncated start of, or nearly equal to the earlier one
                    if n >= _FRAGMENT_MIN:
                        if tail in other and head in other and key in other:
                            duplicate = True
                            break
                        if prefix is None:
                            prefix = key[:max(_FRAGMENT_MIN, ceil(0.9 * n))]
                        if other.startswith(prefix):
                            duplicate = True
                            break
                    if n > 0.9 * m:
                        if fuzz is None:
                            from rapidfuzz import fuzz
                        if fuzz.ratio(key, other) >= 92:
                            duplicate = True
                            break
                elif m >= _FRAGMENT_MIN and (e := ends[j])[1] in key and e[0] in key and other in key:
                    dropped.append(kept[j])       # an earlier fragment of this fuller paragraph
                    kept[j] = texts[j] = None
        if duplicate:
            dropped.append(p)
            continue
        exact.add(key)
        idx = len(kept)
        kept.append(p)
        texts.append(key)
        ends.append((head, tail))
        by_head.setdefault(head, []).append(idx)
        by_tail.setdefault(tail, []).append(idx)
    return [p for p in kept if p is not None], dropped


# ------------------------------------------------------------------ the pipeline

@dataclass
class Normalised:
    """Clean paragraphs and what normalisation found on the way."""

    paragraphs: list[MText]
    script: str
    furniture_lines: int = 0
    repeated: list[MText] = field(default_factory=list)


def _lines(text: str):
    """(start, line) for every line, without building a list of all lines at once."""
    pos = 0
    n = len(text)
    while pos <= n:
        end = text.find("\n", pos)
        if end == -1:
            end = n
        yield pos, text[pos:end]
        pos = end + 1


def wrap_width(lengths: list[int]) -> int | None:
    """The line width of hard-wrapped text (a PDF of an official document: ~28 characters
    a line; a newspaper column: ~12–20), or None when lines are whole paragraphs.

    Hard-wrapped text has many lines of (almost) the same, short length.
    """
    candidates = [n for n in lengths if 8 <= n <= 60]
    if len(candidates) < 8:
        return None
    counts: dict[int, int] = {}
    for n in candidates:
        counts[n] = counts.get(n, 0) + 1
    best_width, best_share = None, 0.0
    for width in counts:
        share = (counts.get(width - 2, 0) + counts.get(width - 1, 0) + counts.get(width, 0)) / len(lengths)
        if share > best_share or (share == best_share and best_width is not None and width > best_width):
            best_width, best_share = width, share
    return best_width if best_share >= 0.3 else None


def _kept_slice(line: str, cuts: list[tuple[int, int]]) -> tuple[int, int] | None:
    """``(a, b)`` when cutting ``cuts`` out of ``line`` and stripping the rest leaves the
    one slice ``line[a:b]`` (no cut, or cuts only at the start and the end: the indent of
    a paragraph); None when a cut falls inside the line.

    A paragraph's map back to the original is the same function of its characters
    whether it is built from one slice or from pieces joined (:func:`concat` merges runs
    that continue each other), so the result is the line ``without(cuts).strip()`` gives."""
    a, b = 0, len(line)
    if cuts:
        if cuts[0][0] == 0:
            a = cuts[0][1]
        if cuts[-1][1] == b and (len(cuts) > 1 or a == 0):
            b = cuts[-1][0]
        if len(cuts) > (a > 0) + (b < len(line)):
            return None
        if b <= a:
            return a, a
    text = line[a:b] if cuts else line
    lead = len(text) - len(text.lstrip())
    if lead == len(text):
        return a, a
    return a + lead, a + len(text.rstrip())


def normalise(text: MText, *, extra_furniture: frozenset[str] = frozenset()) -> Normalised:
    """Normalise ``text`` (already mapped onto the original) into clean paragraphs.

    ``extra_furniture`` holds lines the reader recognised as furniture of this file
    (running headers and footers of a PDF).
    """
    chars = notable_chars(text.text)  # all that the steps below look up (not set(text): 5× slower)
    folded = fold_width_chars(text.text, chars)
    # folding changes only ASCII look-alikes and spaces, never a hanzi: the set still
    # answers "which traditional characters occur"
    script = detect_script(folded, chars=chars)
    if script == "traditional":
        folded = to_simplified(folded)
    source = MText(folded, text.runs)
    controls = _has_controls(chars)
    extra = {fold_width(x).strip() for x in extra_furniture}
    # what a line is searched for that the whole text may not hold at all (one search of the
    # text instead of one of every line: a search for two characters costs some seven
    # instructions a character, one for a single character a fraction of one)
    stars = "*" in folded and "**" in folded
    inline = stars or "版" in folded
    tildes = "~" in folded and "~~~" in folded

    # pass 1: clean lines (each line's text is cut once from the folded text, never copied again)
    lines: list[MText | None] = []
    furniture = 0
    for start, raw_line in _lines(folded):
        stripped = raw_line.strip()
        if not stripped:
            continue
        if (extra and stripped in extra) or is_furniture_line(stripped.replace("**", "") if stars else stripped,
                                                              tildes=tildes):
            furniture += 1
            continue
        cuts = _line_deletions(raw_line, controls, inline)
        if not cuts:
            # (most lines: nothing to cut, the line is its stripped text: what _kept_slice
            # gives, without searching the line for its indent again when it has none)
            lead = 0 if len(stripped) == len(raw_line) else len(raw_line) - len(raw_line.lstrip())
            lines.append(source.with_text_of_slice(stripped, start + lead))
            continue
        keep = _kept_slice(raw_line, cuts)
        if keep is not None:
            # (a line cut only at its indent and its end is still one slice of the
            # source, mapped without building and joining pieces)
            a, b = keep
            if b > a:
                lines.append(source.with_text_of_slice(raw_line[a:b] if b - a < len(raw_line) else raw_line, start + a))
            continue
        line = source.with_text_of_slice(raw_line, start).without(cuts).strip()
        if line.text:
            lines.append(line)
    del source, folded  # only the lines are needed from here on

    # pass 2: paragraphs, releasing each line as it is used
    width = wrap_width([len(x.text) for x in lines])
    paragraphs: list[MText] = []
    current: list[MText] = []
    summary = ""  # the paragraph so far, shortened to what the joining rules look at
    for i in range(len(lines)):
        line = lines[i]
        lines[i] = None
        if current and should_join(summary, line.text, last_line=len(current[-1].text), width=width):
            current.append(line)
            summary = _summary(summary + line.text)
        else:
            if current:
                paragraphs.append(concat(current) if len(current) > 1 else current[0])
            current = [line]
            summary = _summary(line.text)
    if current:
        paragraphs.append(concat(current) if len(current) > 1 else current[0])
    del lines
    kept, repeated = drop_repeats(paragraphs)
    return Normalised(kept, script, furniture, repeated)
