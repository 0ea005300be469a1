"""The outline of a document: its numbered headings and the tasks under them.

Chinese official documents number their parts in the GB/T 9704 order 一、 → （一） →
1. → （1）, with 第X章/第X条 in regulations and 一要/一是 in resolutions and speeches.
The standard allows skipping levels and each document has its own habits, so levels
are not fixed per style: a style gets the level at which it *first appears* under the
headings above it. Numbering restarts under each parent; a heading whose number does
not continue its siblings' sequence is treated with suspicion (a list inside the body
text, a reprinted copy). A heading is often fused with its first sentence
(``1.担负起……重大使命。党的十八大以来……``): the title is the text up to the first
full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from innodrive import regex_cache
from innodrive.extraction import edges
from innodrive.extraction.numbers import parse_number

# patterns the functions below used inline (re.search(r"…", …)), compiled once through the
# persistent cache: re's own cache is per process, so each run of ``extract --json`` compiled them again
_UNIT_SUFFIX = regex_cache.compile(r"[局委办厅院会府部室司行署中心队所校馆]")
_DEADLINE_WORDS = regex_cache.compile(r"前|以前|完成|建成|出台|到位")


_CN = "一二三四五六七八九十百零〇两"

# (style, regex). Order matters where two styles could match the same start.
STYLES: list[tuple[str, re.Pattern]] = [
    ("di_zhang", regex_cache.compile(rf"第([{_CN}0-9]+)章\s*")),
    ("di_jie", regex_cache.compile(rf"第([{_CN}0-9]+)节\s*")),
    ("di_bufen", regex_cache.compile(rf"第([{_CN}]+)部分\s*")),
    ("di_tiao", regex_cache.compile(rf"第([{_CN}0-9]+)条\s*")),
    ("cn_dun", regex_cache.compile(r"([一二三四五六七八九十百]+)[、.]\s*")),
    ("cn_paren", regex_cache.compile(r"\(([一二三四五六七八九十百]+)\)\s*")),
    ("ar_dot", regex_cache.compile(r"([0-9]{1,3})[.、](?![0-9])\s*")),
    ("ar_paren", regex_cache.compile(r"\(([0-9]{1,3})\)\s*")),
    ("circled", regex_cache.compile(r"([①-⑳])\s*")),
    ("paren_circled", regex_cache.compile(r"([⑴-⒇])\s*")),
    ("cn_yao", regex_cache.compile(r"([一二三四五六七八九十]+)要(?![求点素是])")),
    ("cn_shi", regex_cache.compile(r"([一二三四五六七八九十]+)是(?![否非])")),
]
# the characters a match of any style can start with (第, a numeral, a bracket, a digit, ①, ⑴)
HEADING_FIRST = frozenset("第(0123456789" + _CN + "".join(map(chr, range(ord("①"), ord("⒇") + 1))))


def _styles_by_first() -> dict[str, list[tuple[str, re.Pattern]]]:
    """The styles whose marker can open with each character, in the order of STYLES (from
    the patterns themselves: edges.opening_chars, bounded for every style, a test checks): a
    paragraph opening with 一 is tried with the four styles of Chinese numerals, not with all
    twelve (each failed ``match`` is a call into the engine)."""
    out: dict[str, list[tuple[str, re.Pattern]]] = {}
    for style, rx in STYLES:
        for ch in edges.opening_chars(rx):
            out.setdefault(ch, []).append((style, rx))
    return out


_STYLES_BY_FIRST = _styles_by_first()
_TITLE_END = regex_cache.compile(r"[。!?;]")
# what a heading's title may start with: words, quotes, brackets, or a year (一、2025年工作回顾,
# 三、2026—2030年主要任务) — but not any other number (1.5万家 is body text, not a title)
_TITLE_START = regex_cache.compile(r"(?:[^\W\d_a-zA-Z]|[“\"《(（「])|(?:19|20)\d\d\s*(?:[—\-–~至到]\s*(?:19|20)\d\d\s*)?年")
_MAX_TITLE = 120


# the words around the numeral in each style's label
_LABEL_AROUND = {
    "cn_dun": ("", ""), "cn_paren": ("(", ")"), "ar_dot": ("", ""), "ar_paren": ("(", ")"), "circled": ("", ""),
    "paren_circled": ("", ""), "cn_yao": ("", "要"), "cn_shi": ("", "是"), "di_zhang": ("第", "章"),
    "di_jie": ("第", "节"), "di_bufen": ("第", "部分"), "di_tiao": ("第", "条"),
}


def label_for(style: str, numeral: str) -> str:
    """The label as the gold writes it: 一, (一), 1, (1), 一要, 一是, 第一条 …
    (Only the style's own label is built: a table of every style's label was built for each heading.)"""
    before, after = _LABEL_AROUND[style]
    return before + numeral + after


def numeral_value(style: str, numeral: str) -> int | None:
    if style == "circled":
        return ord(numeral) - 0x2460 + 1
    if style == "paren_circled":
        return ord(numeral) - 0x2474 + 1
    v = parse_number(numeral)
    return int(v) if v is not None and v == int(v) and v > 0 else None


@dataclass
class Heading:
    """A heading found at the start of a paragraph (clean-text offsets)."""

    style: str
    number: int
    label: str
    title: str
    start: int           # paragraph start (the marker)
    title_end: int       # end of the title in the clean text
    paragraph: int       # index of the paragraph
    level: int = 0
    parent: int | None = None  # index into the headings list
    path: str = ""
    children: list[int] = field(default_factory=list)


def match_heading(text: str) -> tuple[str, str, int] | None:
    """(style, numeral, end of marker) when a paragraph starts with a heading marker."""
    for style, rx in _STYLES_BY_FIRST.get(text[:1], ()):
        m = rx.match(text)
        if not m:
            continue
        rest = text[m.end():]
        if not rest or not _TITLE_START.match(rest):
            continue  # a heading has words (or a year: 一、2025年工作回顾) after its number
        if style in ("cn_yao", "cn_shi") and len(m.group(1)) > 3:
            continue
        return style, m.group(1), m.end()
    return None


def title_of(rest: str) -> str:
    m = _TITLE_END.search(rest)
    title = rest[: m.start()] if m else rest
    title = title.strip().rstrip(",:、")
    if len(title) > _MAX_TITLE:
        cut = title.rfind(",", 0, _MAX_TITLE)
        title = title[: cut if cut > 10 else _MAX_TITLE]
    return title


def find_headings(clean: str, paragraphs: list[tuple[int, int]]) -> list[Heading]:
    """Parse the outline: one pass over paragraphs with a stack of open headings."""
    headings: list[Heading] = []
    level_of: dict[str, int] = {}
    stack: list[int] = []                       # indices of open headings, outermost first
    last_number: dict[tuple[int | None, str], int] = {}  # (parent, style) -> last number
    last_global: dict[str, int] = {}                      # style -> last number anywhere
    for pi, (a, b) in enumerate(paragraphs):
        if a >= b or clean[a] not in HEADING_FIRST:
            continue  # (most paragraphs: no marker can start here, and the text is not copied)
        text = clean[a:b]
        if "\t" in text:
            continue  # a table row, not a heading
        found = match_heading(text)
        if not found:
            continue
        style, numeral, marker_end = found
        number = numeral_value(style, numeral)
        if number is None:
            continue
        # where does this style sit? pop to the parent of its level
        if style in level_of:
            level = level_of[style]
            while stack and headings[stack[-1]].level >= level:
                stack.pop()
        else:
            # a style not seen before nests under the innermost open heading
            level = (headings[stack[-1]].level + 1) if stack else 1
            # unless it was already used at that level by another style (then it is a sibling style)
            level_of[style] = level
        parent = stack[-1] if stack else None
        prev = last_number.get((parent, style))
        expected = 1 if prev is None else prev + 1
        continues = number == expected or number == last_global.get(style, -1) + 1
        if not continues and not _acceptable_jump(style, number, prev, parent is None):
            continue
        rest = text[marker_end:]
        title = title_of(rest)
        if not title:
            continue
        h = Heading(style=style, number=number, label=label_for(style, numeral), title=title,
                    start=a, title_end=a + marker_end + len(title), paragraph=pi, level=level, parent=parent)
        idx = len(headings)
        headings.append(h)
        if parent is not None:
            headings[parent].children.append(idx)
        last_number[(parent, style)] = number
        last_global[style] = number
        stack.append(idx)
    _assign_paths(headings)
    return _drop_reprints(headings)


def _acceptable_jump(style: str, number: int, prev: int | None, top: bool) -> bool:
    """Accept a heading that does not continue the sequence only when it is plausible.

    A first heading of a style must be number 1 (at the top level 2–3 are allowed, for
    a text cut short at its start); later, small skips (a paragraph lost in a scrape)
    are accepted, and a restart at 1 is accepted (a reprinted copy, removed later if
    identical).
    """
    if prev is None:
        return number == 1 or (top and number <= 3 and style not in ("cn_yao", "cn_shi"))
    return number == 1 or prev < number <= prev + 3


def _assign_paths(headings: list[Heading]) -> None:
    for h in headings:
        h.path = h.label if h.parent is None else f"{headings[h.parent].path}/{h.label}"


def _drop_reprints(headings: list[Heading]) -> list[Heading]:
    """A document printed twice restarts its numbering with the same titles: keep one."""
    seen: set[tuple[str, str]] = set()
    out: list[Heading] = []
    remap: dict[int, int | None] = {}
    for i, h in enumerate(headings):
        key = (h.path, h.title)
        parent_kept = h.parent is None or remap.get(h.parent) is not None
        if key in seen or not parent_kept:
            remap[i] = None
            continue
        seen.add(key)
        remap[i] = len(out)
        out.append(h)
    for h in out:
        h.parent = remap.get(h.parent) if h.parent is not None else None
        h.children = [remap[c] for c in h.children if remap.get(c) is not None]
    return out


def body_ends(headings: list[Heading], text_end: int) -> list[int]:
    """For every heading, the clean offset where the text under it ends: the start of
    the next heading at the same or a higher level, or the end of the text. One pass
    with a stack, so a document with fifty thousand headings stays linear."""
    ends = [text_end] * len(headings)
    open_: list[int] = []
    for i, h in enumerate(headings):
        while open_ and headings[open_[-1]].level >= h.level:
            ends[open_.pop()] = h.start - 1
        open_.append(i)
    return ends


# ------------------------------------------------------------------ task owners

# names of bodies contain 和 (市发展和改革委员会, 市经济和信息化局): split on punctuation only
_UNIT_SPLIT = regex_cache.compile(r"[、,，;；/]")
_LEAD_RE = regex_cache.compile(r"牵头(?:单位|部门)\s*[:：]\s*(?P<units>[^;；。)）\n]+)")
_CO_ROLES = ("责任", "配合", "参与", "协同")   # (two characters each: see _co_matches)
_BODIES = ("单位", "部门")
_CO_RE = regex_cache.compile("(?:" + "|".join(_CO_ROLES) + ")(?:" + "|".join(_BODIES) + r")\s*[:：]\s*(?P<units>[^;；。)）\n]+)")
_PAREN_LEAD_RE = regex_cache.compile(r"\((?P<lead>[^()]{2,60}?)牵头(?:[,，、;；]\s*(?P<co>[^()]{2,120}?)(?:按职责分工)?(?:配合|参与|负责|落实))?\)")
_DEADLINE_RE = regex_cache.compile(
    r"(?P<y>20\d\d)年(?:(?P<m>1[0-2]|[1-9])月)?(?P<when>底|末|上半年|下半年|年底)?(?:前|以前)?(?:完成|建成|出台|到位)?")


def split_units(text: str) -> list[str]:
    units = []
    for u in _UNIT_SPLIT.split(text):
        u = u.strip(" 等,，")
        if 2 <= len(u) <= 30 and _UNIT_SUFFIX.search(u):
            units.append(u)
    return units


def owners(text: str) -> tuple[list[str], list[str]]:
    """(lead units, co-units) named in a task's text, in order of appearance."""
    lead: list[str] = []
    co: list[str] = []
    # (both patterns need 单位 or 部门: most task texts name neither, and are not scanned)
    named = "单位" in text or "部门" in text
    for m in (_LEAD_RE.finditer(text) if named else ()):
        lead += split_units(m.group("units"))
    for m in (_co_matches(text) if named else ()):
        co += split_units(m.group("units"))
    # (the bracketed form needs 牵头: without it the engine would try the pattern at every bracket)
    for m in (_PAREN_LEAD_RE.finditer(text) if "牵头" in text else ()):
        lead += split_units(m.group("lead"))
        if m.group("co"):
            co += split_units(m.group("co"))
    if not lead and co:
        # by convention the first body listed as 责任单位 leads (列第一位的为牵头单位)
        lead, co = co[:1], co[1:]
    return list(dict.fromkeys(lead)), [u for u in dict.fromkeys(co) if u not in lead]


def _co_matches(text: str):
    """The matches of ``_CO_RE.finditer(text)``, tried only two characters before each 单位 or
    部门 (found by ``str.find``): every match opens with a role word of two characters and
    then one of them, and a start inside an earlier match is passed over as ``finditer``
    would. The engine tested the role words' first characters at every character of the
    task's text, some sixty instructions a character."""
    starts: list[int] = []
    for body in _BODIES:
        i = text.find(body, 2)
        while i != -1:
            starts.append(i - 2)
            i = text.find(body, i + 1)
    starts.sort()
    done = 0
    match = _CO_RE.match
    for s in starts:
        if s >= done and (m := match(text, s)) is not None:
            done = m.end()
            yield m


def task_deadline(text: str) -> str | None:
    """A time limit written for a task (2022年6月底前完成 → 2022-06; 2022年底前 → 2022-12)."""
    for m in _DEADLINE_RE.finditer(text):
        tail = text[m.end() - 3:m.end() + 2]
        if not _DEADLINE_WORDS.search(m.group(0) + tail):
            continue
        y = int(m.group("y"))
        if m.group("m"):
            return f"{y:04d}-{int(m.group('m')):02d}"
        when = m.group("when")
        if when == "上半年":
            return f"{y:04d}-06"
        return f"{y:04d}-12" if when in ("底", "末", "年底", "下半年") else f"{y:04d}"
    return None
