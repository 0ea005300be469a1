"""Named programmes and their parts.

Local governments name their programmes with number codes and count words:
城市创新“5553”行动计划 (五个领域, 五个平台, 五个产业, 三项改革), “135”工作思路,
“一中心两基地三区块”创新布局, “五大工程”, “创业苗圃+孵化器+加速器+产业园”体系.
The parts are found where the document spells them out: quoted count phrases whose
numbers spell the code, lists whose items end with the code's nouns, or headings that
name each 工程.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from innodrive import regex_cache
from innodrive.extraction.numbers import parse_number

# patterns the functions below used inline (re.search(r"…", …)), compiled once through the
# persistent cache: re's own cache is per process, so each run of ``extract --json`` compiled them again
_NUMBERED_PIECES = regex_cache.compile(r"([一二两三四五六七八九十])([^\W\d_a-zA-Z]{1,3}?)(?=[一二两三四五六七八九十]|$)")
_LIST_SEP = regex_cache.compile(r"[、,]|和")


_PROG_NOUN = (r"行动计划|专项行动|行动|计划|工作思路|思路|工程|战略|发展战略|布局|创新布局|体系|格局|发展格局|工作格局|"
              r"产业体系|工作机制|工作体系|架构|发展思路|总体思路")
_CODE = r"\d{2,6}|\d+(?:\+(?:\d+|N))+"
_CODE_RE = regex_cache.compile(rf"[“\"](?P<code>{_CODE})[”\"](?:的)?(?P<noun>{_PROG_NOUN})")
# _CODE_RE for a text without a straight quote ", where every match opens with “: an opening
# literal lets the engine skip to it, a class of two makes it test the class at each
# character (1.2 ms → 0.15 ms on the development corpus; :func:`code_matches` chooses)
_CODE_CURLY_RE = regex_cache.compile(rf"“(?P<code>{_CODE})[”\"](?:的)?(?P<noun>{_PROG_NOUN})")
_PRE_RE = regex_cache.compile(r"[^\W\d_a-zA-Z]{0,8}$")
# no look-behind at the start (it would make the engine try every position); the
# character before the code is checked in the loop instead
_BARE_CODE_RE = regex_cache.compile(r"(?P<code>\d\d{2,5})(?P<noun>行动计划|工作思路|工程|战略)")
_BARE_NOUNS = ("行动计划", "工作思路", "工程", "战略")
_BARE_NOUN_RE = regex_cache.compile("|".join(_BARE_NOUNS))   # = r"行动计划|工作思路|工程|战略"


def code_matches(clean: str):
    """The matches of ``_CODE_RE.finditer(clean)`` (the same groups), found with the
    pattern that opens with “ when the text holds no straight quote (policy documents
    write “”; a straight one is rare)."""
    return (_CODE_RE if '"' in clean else _CODE_CURLY_RE).finditer(clean)


def _bare_noun_starts(clean: str) -> list[int]:
    """The starts of ``_BARE_NOUN_RE.finditer(clean)``, found with ``str.find``.

    The engine would test the nouns' first characters at every position of the document;
    ``find`` skips to each noun in C. No noun overlaps itself or another (none begins with
    an end of one, none holds another: a test checks the list), so the matches are every
    occurrence of every noun, in the order of their starts."""
    out: list[int] = []
    find = clean.find
    for noun in _BARE_NOUNS:
        i = find(noun)
        while i != -1:
            out.append(i)
            i = find(noun, i + len(noun))
    out.sort()
    return out


def bare_codes(clean: str):
    """The matches of ``_BARE_CODE_RE.finditer(clean)``, found from the nouns back.

    A match is a run of 3–6 digits right before one of the nouns; digits are far more
    common than the nouns, and the engine would try the pattern at every digit. No noun
    contains a digit or overlaps another, so each noun preceded by three digits or more
    ends exactly one match, which starts where the digit run does (at most six back)."""
    match = _BARE_CODE_RE.match
    for q in _bare_noun_starts(clean):
        s = q
        floor = max(q - 6, 0)
        while s > floor and clean[s - 1].isdecimal():  # (= \d on str)
            s -= 1
        if q - s >= 3:
            m = match(clean, s)
            if m is not None:
                yield m
_COUNTED_RE = regex_cache.compile(r"“(?P<n>[一二两三四五六七八九十])(?P<cls>个|项|大|条|张|批|种)(?P<noun>[^\W\d_a-zA-Z]{1,8})”")
_COMPOSITE_RE = regex_cache.compile(r"“(?P<name>(?:[一二两三四五六七八九十][^\W\d_a-zA-Z]{1,3}){2,5})”")
# (possessive: what follows each run of hanzi, + or ”, is no hanzi, so a shorter run can
# never match where the longest failed; the engine no longer gives back a character at a time
# at each “ that opens no joined name)
_PLUS_RE = regex_cache.compile(r"“(?P<name>[^\W\d_a-zA-Z]{2,8}+(?:\+[^\W\d_a-zA-Z]{2,8}+){2,6}+)”(?P<after>[^\W\d_a-zA-Z]{0,10})")
_BIG_RE = regex_cache.compile(r"“(?P<name>(?P<n>[二两三四五六七八九十])大(?P<noun>[^\W\d_a-zA-Z]{2,4}))”")
_VERBS = regex_cache.compile(r"^(?:大力实施|深入实施|全面实施|实施|按照|围绕|推进|落实|构建|打造|深化|坚持|依托|以|推动|开展|启动|"
                    r"基本建成|全面建成|建成|建设|形成|培育|发展)")
_PROGRAMME_AFTER = regex_cache.compile(r"(体系|计划|工程|行动|布局|格局|战略|模式)")
_NOUN_FIRST = regex_cache.compile(rf"^(?:的)?({_PROG_NOUN})")
# "具有乐山特色的" and the like: a modifier ending in 的 before a named part
_MODIFIER = regex_cache.compile(r"^(?:具有|具备|富有)[^\W\d_a-zA-Z]{1,10}?的|^[^\W\d_a-zA-Z]{2,8}?特色的")


_MAX_PROGRAMMES = 200


@dataclass
class FoundProgramme:
    """A programme before it becomes a record (clean offsets)."""

    name: str
    parts: list[str]
    start: int
    end: int
    sort_key: int = field(default=0)


def _strip_verbs(text: str) -> str:
    # (= three times text = _VERBS.sub("", text): the pattern's one match opens the text, at
    # ``^``, and is never empty, so a text it does not open is left as it is by the rest;
    # ``sub`` costs several times a ``match``)
    for _ in range(3):
        m = _VERBS.match(text)
        if m is None:
            break
        text = text[m.end():]
    if "的" in text:   # (both of _MODIFIER's forms end with 的)
        text = _MODIFIER.sub("", text)
    return text.strip("、,和及与 ")


def find_programmes(clean: str, headings_titles: list[tuple[int, str]]) -> list[FoundProgramme]:
    out: list[FoundProgramme] = []
    counts = None   # (the quoted count phrases and their index: found for the first code that reads them)

    seen_codes: set[str] = set()
    # a real document names a few dozen programmes; a hostile one could name thousands of
    # distinct codes, each compared with every counted phrase — the work is capped
    # 1. number codes: “5553”行动计划, “135”的工作思路
    for m in code_matches(clean):
        code = m.group("code")
        if code + m.group("noun") in seen_codes or len(seen_codes) >= _MAX_PROGRAMMES:
            continue
        seen_codes.add(code + m.group("noun"))
        pre = _strip_verbs(_PRE_RE.search(clean[max(0, m.start() - 8):m.start()]).group(0))[-6:]
        pre = pre if len(pre) >= 2 else ""
        name = f"{pre}“{code}”{m.group('noun')}"
        parts = []
        if "+" not in code:
            counts = counts or _count_phrases(clean)
            parts = _parts_from_digits(code, counts[0], m.start(), counts[1])
        if "+" in code and not parts:
            continue  # “5+1” and friends name industry groupings, not programmes, unless spelt out
        out.append(FoundProgramme(name, parts, m.start(), m.end()))
    covered = {p.start for p in out}
    for m in bare_codes(clean):
        if m.start() and clean[m.start() - 1] in "0123456789.":
            continue
        if m.start() - 1 in covered or len(out) >= _MAX_PROGRAMMES:  # inside “5553”行动计划, already read
            continue
        counts = counts or _count_phrases(clean)
        parts = _parts_from_digits(m.group("code"), counts[0], m.start(), counts[1])
        if parts:
            out.append(FoundProgramme(m.group(0), parts, m.start(), m.end()))

    # 2. composite count names: “一中心两基地三区块”
    seen_composite: set[str] = set()
    for m in _COMPOSITE_RE.finditer(clean):
        if m.group("name") in seen_composite or len(seen_composite) >= _MAX_PROGRAMMES:
            continue
        seen_composite.add(m.group("name"))
        pieces = _NUMBERED_PIECES.findall(m.group("name"))
        if len(pieces) < 2:
            continue
        parts = _parts_from_list(clean, m.end(), pieces)
        if parts:
            out.append(FoundProgramme(m.group("name"), parts, m.start(), m.end()))

    # 3. joined names: “创业苗圃+孵化器+加速器+产业园”阶梯式孵化体系
    for m in _PLUS_RE.finditer(clean):
        after = m.group("after")
        if not _PROGRAMME_AFTER.search(after):
            continue
        first = _NOUN_FIRST.match(after)
        name = f"“{m.group('name')}”{first.group(1)}" if first else m.group("name")
        out.append(FoundProgramme(name, m.group("name").split("+"), m.start(), m.end()))

    # 4. “五大工程”: parts named one by one, usually in headings
    seen_big: set[str] = set()
    for m in _BIG_RE.finditer(clean):
        if m.group("name") in seen_big or len(seen_big) >= _MAX_PROGRAMMES:
            continue
        seen_big.add(m.group("name"))
        n = int(parse_number(m.group("n")) or 0)
        noun = m.group("noun")
        parts = _parts_by_noun(noun, n, headings_titles, m.end())
        if len(parts) == n:
            out.append(FoundProgramme(m.group("name"), parts, m.start(), m.end()))

    # one entry per name, first mention
    seen: set[str] = set()
    unique = []
    for p in sorted(out, key=lambda p: p.start):
        if p.name in seen:
            continue
        seen.add(p.name)
        unique.append(p)
    return unique


def _parts_from_digits(code: str, counted, after: int, index: dict[int, list[int]] | None = None) -> list[str]:
    """“5553” → the quoted count phrases whose numbers read 5, 5, 5, 3 in order: for each
    digit, the first phrase after the one taken for the digit before (from ``after`` on)
    that reads it and has not been taken yet.

    ``index`` (:func:`_counted_index`) lists, by number, where in ``counted`` the phrases
    reading it are, so each digit's phrase is found by bisection instead of by reading every
    phrase after ``after``: a long text naming many codes was quadratic. (Tests compare it
    with the plain scan.)"""
    digits = [int(c) for c in code if c.isdigit()]
    if len(digits) < 2:
        return []
    parts: list[str] = []
    if index is None:
        index = _counted_index(counted)
    i = bisect_left(index[_STARTS], after)   # the first phrase at or after ``after``
    for digit in digits:
        where = index.get(digit)
        if where is None:
            return []
        t = bisect_left(where, i)
        while t < len(where) and counted[where[t]][2] in parts:
            t += 1
        if t == len(where):
            return []
        parts.append(counted[where[t]][2])
        i = where[t] + 1
    return parts


_STARTS = -1   # (the key of :func:`_counted_index`'s list of the phrases' positions: no digit reads -1)


def _count_phrases(clean: str) -> tuple[list[tuple[int, int, str]], dict[int, list[int]]]:
    """The quoted count phrases of the text (“五个领域”: position, number, words) and their
    :func:`_counted_index`, for :func:`_parts_from_digits`."""
    counted = [(m.start(), int(parse_number(m.group("n")) or 0), m.group(0).strip("“”")) for m in _COUNTED_RE.finditer(clean)]
    return counted, _counted_index(counted)


def _counted_index(counted) -> dict[int, list[int]]:
    """For :func:`_parts_from_digits`: the indexes of ``counted`` by the number each phrase
    reads (ascending), and under ``_STARTS`` the phrases' positions (ascending, as found)."""
    index: dict[int, list[int]] = {_STARTS: [c[0] for c in counted]}
    for k, (_, n, _) in enumerate(counted):
        index.setdefault(n, []).append(k)
    return index


def _parts_from_list(clean: str, pos: int, pieces: list[tuple[str, str]]) -> list[str]:
    """The list after “一中心两基地三区块” whose items end with 中心, 基地, 区块 in those numbers."""
    end = clean.find("。", pos, pos + 2000)
    sentence = clean[pos:end if end != -1 else min(len(clean), pos + 2000)]
    items = [_strip_verbs(x) for x in _LIST_SEP.split(sentence)]
    items = [x for x in items if len(x) >= 3]
    parts: list[str] = []
    for numeral, noun in pieces:
        want = int(parse_number(numeral) or 0)
        got = [x for x in items if x.endswith(noun) and x not in parts][:want]
        if len(got) != want:
            return []
        parts.extend(got)
    return parts


_QUOTED_BEFORE = regex_cache.compile(r"[^\W\d_a-zA-Z]{0,10}“[^”]{1,8}”$")
_WORDS_BEFORE = regex_cache.compile(r"[^\W\d_a-zA-Z]{2,12}$")


def _part_named(title: str, noun: str) -> str | None:
    """The part a heading names with ``noun``: 实施科技企业“倍增”工程 → 科技企业“倍增”工程
    (a title ending with the noun, or a quoted name before it)."""
    if title.endswith(noun):
        head = title[: -len(noun)]
        m = _QUOTED_BEFORE.search(head) or _WORDS_BEFORE.search(head)
        if m:
            return m.group(0) + noun
    i = title.find("”" + noun)
    while i != -1:
        m = _QUOTED_BEFORE.search(title, 0, i + 1)
        if m:
            return m.group(0) + noun
        i = title.find("”" + noun, i + 1)
    return None


def _parts_by_noun(noun: str, n: int, headings_titles: list[tuple[int, str]], after: int) -> list[str]:
    parts: list[str] = []
    for pos, title in headings_titles:
        if pos < after:
            continue
        part = _part_named(title, noun)
        if part:
            part = _strip_verbs(part)
            if part and part not in parts:
                parts.append(part)
        if len(parts) == n:
            break
    return parts
