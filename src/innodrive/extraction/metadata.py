"""Document metadata: title, issuer, region, genre, date of issue, horizon.

Read from the conventions of official documents: the title line (中共X市委关于……的决定),
the adoption note under it (（2021年7月6日中国共产党X市第七届委员会第十二次全体会议通过）),
the phrase that introduces a resolution (现作出如下决议), the opening of an annual work
plan (2022年是……), and the place names the text keeps returning to. What the text
does not say stays unknown (None).
"""

from __future__ import annotations

import os
import re
from collections import Counter, namedtuple
from dataclasses import dataclass
from functools import cache, partial

from innodrive import regex_cache
from innodrive.extraction import timeframe
from innodrive.extraction.edges import longest
from innodrive.extraction.scan import matches_near

# patterns the functions below used inline (re.search(r"…", …)), compiled once through the
# persistent cache: re's own cache is per process, so each run of ``extract --json`` compiled them again
_PARTY_ORG = regex_cache.compile(r"(中共|中国共产党)")
_HTML_TITLE_SEP = regex_cache.compile(r"[_|｜]| - | — ")
_RESOLUTION_WORDS = regex_cache.compile(r"作出如下决议|特作如下决议|现作出决议")
_DECISION_WORDS = regex_cache.compile(r"作出如下决定|特作如下决定")
_COMMUNIQUE_WORDS = regex_cache.compile(r"全会公报|全体会议公报")
_PARTY_COMMITTEE_FULL = regex_cache.compile(r"^中国共产党(.+?)委员会")
_PARTY_COMMITTEE_SHORT = regex_cache.compile(r"^中共(?P<place>[^\W\d_a-zA-Z]{2,8}?)委")
_PLENUM_WORDS = regex_cache.compile(r"全会|全体会议")
_TECH_WORK = regex_cache.compile(r"科技创新工作|科技工作")
_TECH_BODY = regex_cache.compile(r"科技系统|科技局")
_PEOPLES_CONGRESS = regex_cache.compile(r"人民代表大会")
_ANNUAL_TITLE = regex_cache.compile(r"(20\d\d)年(?:度)?[^\W\d_a-zA-Z]{0,20}(工作要点|工作计划|要点|工作安排|年度计划|政府工作报告)")
_ANNUAL_WORDS = regex_cache.compile(r"全年|工作要点|重点任务|主要目标|年度")
_CONGRESS_SESSION = regex_cache.compile(r"人民代表大会第[一二三四五六七八九十]+次会议")
_TECH_BUREAU = regex_cache.compile(r"科技局|科学技术局|科技厅")


GENRE_WORDS = [
    ("政府工作报告", "政府工作报告"), ("工作要点", "工作要点"), ("要点", "工作要点"), ("规划纲要", "规划"),
    ("纲要", "规划"), ("规划", "规划"), ("决定", "决定"), ("决议", "决议"), ("公报", "公报"), ("实施意见", "意见"),
    ("指导意见", "意见"), ("意见", "意见"), ("行动计划", "行动计划"), ("行动方案", "行动计划"), ("工作计划", "计划"),
    ("计划", "计划"), ("实施方案", "实施方案"), ("工作方案", "实施方案"), ("方案", "方案"),
    ("考核评价办法", "考核办法"), ("考评办法", "考核办法"), ("考核办法", "考核办法"), ("考核细则", "考核办法"),
    ("评价办法", "考核办法"), ("管理办法", "管理办法"), ("实施办法", "管理办法"), ("暂行办法", "管理办法"),
    ("办法", "办法"), ("实施细则", "细则"), ("细则", "细则"), ("若干措施", "措施"), ("措施", "措施"),
    ("条例", "条例"), ("通知", "通知"), ("工作报告", "报告"), ("报告", "报告"), ("上的讲话", "讲话"),
]
_GENRE_END = regex_cache.compile("(" + "|".join(w for w, _ in GENRE_WORDS)
                        + r")(?:\((?:讨论稿|征求意见稿|试行|草案|修订|(?:20\d\d|19\d\d)\s*[—\-–~至到]+\s*(?:20\d\d|19\d\d)年?)\))?$")
_PERIOD = regex_cache.compile(r"\((?P<a>20\d\d)\s*[—\-–~至到]+\s*(?P<b>20\d\d)\s*年?\)")
_TERMINAL = regex_cache.compile(r"[。!?;]")
_HEADING = regex_cache.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十0-9]+\)|[0-9]+[.、]|第[一二三四五六七八九十]+[条章])")
_ADOPTED = regex_cache.compile(
    r"\((?P<y>20\d\d|19\d\d)年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?P<body>[^()]{0,80}?)(?:通过|印发|发布|批准|审议通过)\)")
_PLENUM = regex_cache.compile(r"中国共产党(?P<place>[^\W\d_a-zA-Z]{2,8}?)(?:第[一二三四五六七八九十]+届)?委员会")
_ORG_PREFIX = regex_cache.compile(
    r"^(?P<org>(?:中共|中国共产党)[^\W\d_a-zA-Z]{2,8}?(?:委员会|委)(?:办公室)?"
    r"|[^\W\d_a-zA-Z]{2,8}?(?:人民政府(?:办公室|办公厅)?|人大常委会|人民代表大会常务委员会|"
    r"科学技术局|科技局|科学技术厅|科技厅|发展和改革委员会|发展改革委|经济和信息化局|经信局|财政局))"
    r"(?:[、,和\s]+(?P<org2>[^\W\d_a-zA-Z]{2,12}?(?:人民政府(?:办公室)?|委员会|局|厅)))?"
    r"(?:关于|印发|$)")
_DATE = regex_cache.compile(r"(?P<y>20\d\d)年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
# (every match holds a 20dd年, at most as many characters after its start as the words before it hold)
_FUTURE_YEAR_LEAD = "(?:到|至|力争|确保)"
_FUTURE_YEAR = regex_cache.compile(_FUTURE_YEAR_LEAD + r"(20\d\d)年|(20\d\d)年[^。]{0,16}目标")
_FUTURE_YEAR_REACH = longest(_FUTURE_YEAR_LEAD)
_ANNUAL_OPEN = regex_cache.compile(r"^(?P<y>20\d\d)年(?:是|全市|全省|全区|全县|全州|我市|,|全年)")


@dataclass
class Meta:
    """What :func:`read_meta` found about a document (None where the text does not say)."""

    title: str | None
    title_span: tuple[int, int] | None
    issuer: str | None
    region: str | None
    region_level: str | None
    genre: str | None
    issued: str | None
    horizon: int | None
    plan_start: int | None
    doc_year: int | None
    annual: bool
    default_scope: str | None
    title_inferred: bool = False


def find_title(clean: str, paragraphs: list[tuple[int, int]], html_title: str | None) -> tuple[str | None, tuple[int, int] | None]:
    best: tuple[int, str, tuple[int, int]] | None = None
    texts = [clean[a:b] for a, b in paragraphs[:20]]
    for i, t in enumerate(texts):
        candidates = [(t, paragraphs[i])]
        if (i + 1 < len(texts) and len(t) <= 40 and len(texts[i + 1]) <= 30 and not _TERMINAL.search(t)
                and ("关于" in t or _ORG_PREFIX.match(t + texts[i + 1])) and _GENRE_END.search(texts[i + 1])):
            candidates.append((t + texts[i + 1], (paragraphs[i][0], paragraphs[i + 1][1])))
        for cand, span in candidates:
            if not 6 <= len(cand) <= 90 or _TERMINAL.search(cand) or _HEADING.match(cand):
                continue
            if not _GENRE_END.search(cand):
                continue
            score = 10 - min(i, 9) + (3 if "关于" in cand else 0) + (2 if _PARTY_ORG.match(cand) else 0)
            if best is None or score > best[0]:
                best = (score, cand, span)
    if best:
        return best[1], best[2]
    if html_title:
        t = _HTML_TITLE_SEP.split(html_title)[0].strip()
        return (t or None), None
    return None, None


def find_genre(title: str | None, clean: str, annual: bool) -> str | None:
    if title:
        m = _GENRE_END.search(title)
        if m:
            word = m.group(1)
            for w, genre in GENRE_WORDS:
                if w == word:
                    return genre
    head = clean[:3000]
    if _RESOLUTION_WORDS.search(head):
        return "决议"
    if _DECISION_WORDS.search(head):
        return "决定"
    if _COMMUNIQUE_WORDS.search(head):
        return "公报"
    if annual:
        return "工作要点"
    return None


# one row of the division table (parent: the code of the enclosing region, or None); a
# plain namedtuple, as importing typing costs ``extract --json`` start-up time
_Place = namedtuple("_Place", "code name level parent")


_PLACES_FILES = ("regions.csv", "region_changes.csv", "nationalities.txt")

# the tables built from the division table (see :func:`_places`)
_PlaceTables = namedtuple("_PlaceTables", "places names counties longer children by_code")


@cache
def _places() -> _PlaceTables:
    """The tables extraction needs from the bundled division table: places by code,
    province/prefecture code by full and short name (``names``), unique county names →
    code, the longer names holding a name (:func:`_overlapping`), the prefectures of a
    province (:func:`_children`) and a region's names (:func:`_names_by_code`).

    Read here with the C csv reader and only the columns extraction needs: building the
    full :func:`innodrive.regions.all_regions` index costs more start-up time than
    extracting a small document. The tables are kept between runs (:func:`_stored_places`).
    (Paths with :mod:`os.path`: importing :mod:`pathlib` costs ``extract --json`` start-up time.)"""

    data = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "data")
    stamp = _places_stamp(data)
    stored = _stored_places(data, stamp)
    if stored is not None:
        return stored
    built = _read_places(data)
    _store_places(data, stamp, built)
    return built


def _places_stamp(data) -> tuple:
    try:
        stats = [(name, os.stat(os.path.join(data, name))) for name in _PLACES_FILES]
    except OSError:
        return ()
    return tuple((name, st.st_size, st.st_mtime_ns) for name, st in stats)


def _places_file(data: str) -> str:
    import sys

    return os.path.join(os.path.dirname(data), "__pycache__", f"places.{sys.implementation.cache_tag}.marshal")


def _stored_places(data, stamp: tuple):
    """The tables as written by an earlier run for the same data files, else None.

    Importing :mod:`innodrive.regions` and reading 3,000 rows takes longer than extracting
    a 10 KB document; like compiled bytecode, the result is kept in ``__pycache__``
    (plain data written with :mod:`marshal`, checked against the files' size and time)."""
    import marshal

    if not stamp:
        return None
    try:
        with open(_places_file(data), "rb") as f:
            saved = marshal.loads(f.read())
        if not isinstance(saved, dict) or saved.get("stamp") != stamp:
            return None
        rows = saved["places"]
        # tuple.__new__ in C, not _Place(*row)'s Python-level __new__, for 3,000 rows per start-up
        places = dict(zip(rows.keys(), map(partial(tuple.__new__, _Place), rows.values()), strict=True))
        return _PlaceTables(places, dict(saved["names"]), dict(saved["counties"]), dict(saved["longer"]),
                            dict(saved["children"]), dict(saved["by_code"]))
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return None


def _store_places(data, stamp: tuple, built) -> None:
    """Write the tables for the next run (atomically; skipped where the folder is read-only)."""
    import contextlib
    import marshal
    import tempfile

    if not stamp:
        return
    target = _places_file(data)
    tmp = None
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".places.", dir=os.path.dirname(target))
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps({"stamp": stamp, "places": {c: tuple(p) for c, p in built.places.items()},
                                   "names": built.names, "counties": built.counties, "longer": built.longer,
                                   "children": built.children, "by_code": built.by_code}))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as exc:  # (Ctrl-C while writing too: no temporary file left behind)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if not isinstance(exc, OSError | ValueError):
            raise


def _read_places(data) -> _PlaceTables:
    import csv

    from innodrive.regions import shorten

    with open(os.path.join(data, "region_changes.csv"), encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        head = next(rows)
        i_old, i_code, i_name = head.index("old_code"), head.index("new_code"), head.index("new_name")
        changes = {r[i_old]: (r[i_code], r[i_name]) for r in rows if r}
    places: dict[str, _Place] = {}
    names: dict[str, str] = {}
    county_codes: dict[str, list[str]] = {}
    with open(os.path.join(data, "regions.csv"), encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        head = next(rows)
        i_code, i_name, i_level, i_parent = (head.index(k) for k in ("code", "name", "level", "parent"))
        for r in rows:
            if not r:
                continue
            code, name = changes.get(r[i_code], (r[i_code], r[i_name]))
            level = r[i_level]
            places[code] = _Place(code, name, level, r[i_parent] or None)
            if level == "county":
                if len(name) >= 3:
                    county_codes.setdefault(name, []).append(code)
            elif level in ("province", "prefecture"):
                for key in {name, shorten(name)}:
                    if len(key) >= 2:
                        names.setdefault(key, code)
    counties = {name: codes[0] for name, codes in county_codes.items() if len(codes) == 1}
    return _PlaceTables(places, names, counties, _longer_names(names), _prefectures(places), _names_of_regions(names))


def _prefectures(places) -> dict[str, tuple[str, ...]]:
    """The codes of the regions under each region, counties left out, in the table's order."""
    out: dict[str, list[str]] = {}
    for p in places.values():
        if p.parent and p.level != "county":
            out.setdefault(p.parent, []).append(p.code)
    return {c: tuple(v) for c, v in out.items()}


def _names_of_regions(names) -> dict[str, tuple[str, ...]]:
    """The full and short names of each region, in the order of ``names``."""
    out: dict[str, list[str]] = {}
    for n, code in names.items():
        out.setdefault(code, []).append(n)
    return {c: tuple(v) for c, v in out.items()}


def _longer_names(names) -> dict[str, tuple[tuple[str, int], ...]]:
    """The longer names holding each name that some longer name holds, with its offset in them
    (吉林 → (吉林市, 0), (吉林省, 0)), in the order of ``names``. Looked for among the names
    holding its first character; built with the tables and kept with them (like
    :func:`_prefectures` and :func:`_names_of_regions`): building these in each process
    cost about 2 % of a pass over the development corpus."""
    with_char: dict[str, list[str]] = {}
    for n in names:
        for c in dict.fromkeys(n):
            with_char.setdefault(c, []).append(n)
    out = {}
    for name in names:
        longer = tuple((n, n.find(name)) for n in with_char[name[0]] if name in n and n != name)
        if longer:
            out[name] = longer
    return out


@cache
def _names_by_first_pair() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for n in _places().names:
        out.setdefault(n[:2], []).append(n)
    return {c: tuple(v) for c, v in out.items()}


@cache
def _first_pair_re():
    """Every (overlapping) pair of characters that may start a place name: its first character
    one that starts a name, its second one that is second in a name (pairs that cannot
    open any name are not collected only to be looked up in vain)."""
    first, second = _pair_classes()
    return regex_cache.compile(f"(?=([{first}][{second}]))", re.S)


@cache
def _pair_classes() -> tuple[str, str]:
    """The characters that start a place name, and those second in one (escaped for a class)."""
    names = _places().names
    return ("".join(re.escape(c) for c in sorted({n[0] for n in names})),
            "".join(re.escape(c) for c in sorted({n[1] for n in names if len(n) > 1})))


@cache
def _pair_start_re():
    """The positions of :func:`_first_pair_re`'s pairs, found twice as fast: the first
    character matched, the second looked ahead. Each match is one character long, so the
    scan resumes on the next character and finds overlapping pairs as the look-ahead pair
    does, while a pattern opening with a character class lets the engine skip to candidate
    characters (one opening with a look-ahead is tried at every position)."""
    first, second = _pair_classes()
    return regex_cache.compile(f"[{first}](?=[{second}])", re.S)


def _place_counts(text: str, only: frozenset[str] | None = None) -> Counter[str]:
    """Mentions of provinces and prefectures (full or short name) in ``text``, by code.

    Counted at the positions where a name may start (or, for the few names of ``only``, where
    its first two characters occur), a longer name taking its occurrences from the shorter names inside it (吉林市 is not also a mention of 吉林), as one
    leftmost-longest alternation of all 700 names would — without compiling it, which
    costs more than extracting a small document. ``only`` limits the count to some regions."""
    names = _places().names
    counts: Counter[str] = Counter()
    if only is not None:
        by_code = _names_by_code()
        # (a region's full and short names open alike, 合肥市 and 合肥: the text is scanned
        # once for their first pair, and each name is tested where it occurs)
        at_pair: dict[str, list[int]] = {}
        for n in (n for code in sorted(only) for n in by_code.get(code, ())):
            pair = n[:2]
            at = at_pair.get(pair)
            if at is None:
                at = at_pair[pair] = _occurrences(text, pair)
            if at:
                _add_mentions(counts, names[n], n, text, at if n == pair else [p for p in at if text.startswith(n, p)])
        return counts
    # Every name starts with a pair of characters that the regex finds at each position
    # (overlapping, in C): the positions of the pairs, a few hundred in 20,000 characters,
    # are all the places a name can start, so each name is tested only there (testing every
    # name with ``str.count`` scanned the whole text once per name: most of the region
    # search's time on a report). Pairs are taken in the order of their first occurrence
    # (not a set's, which follows the process's hash seed): the counter then lists places in
    # reading order, and a tie in :func:`find_region` goes to the place named first, the
    # same in every run.
    # (most pairs the regex finds open no name, 深化 or 文化: only the others are kept; the
    # order of the ones kept is unchanged)
    by_pair = _names_by_first_pair()
    starts: dict[str, list[int]] = {}
    for m in _pair_start_re().finditer(text):
        at = m.start()
        pair = text[at:at + 2]
        if pair in by_pair:
            starts.setdefault(pair, []).append(at)
    for pair, at in starts.items():
        for n in by_pair.get(pair, ()):
            _add_mentions(counts, names[n], n, text, at if n == pair else [p for p in at if text.startswith(n, p)])
    return counts


def _occurrences(text: str, name: str) -> list[int]:
    """Every position where ``name`` starts in ``text`` (overlapping ones included)."""
    out = []
    pos = text.find(name)
    while pos != -1:
        out.append(pos)
        pos = text.find(name, pos + 1)
    return out


def _add_mentions(counts: Counter[str], code: str, name: str, text: str, at: list[int]) -> None:
    """Count the occurrences of ``name`` at ``at`` that are not inside a longer name
    (吉林 inside 吉林市 is a mention of the city, not of the province)."""
    longer = _overlapping(name)
    heads = tuple(w for w, off in longer if not off)
    if not longer:
        own = len(at)
    elif len(heads) == len(longer):
        # (吉林 in 吉林市 or 吉林省, the usual case: one startswith of them all at each position)
        own = sum(1 for pos in at if not text.startswith(heads, pos))
    else:
        own = sum(1 for pos in at if not any(text.startswith(w, pos - off) for w, off in longer if pos >= off))
    if own:
        counts[code] += own


def _names_by_code() -> dict[str, tuple[str, ...]]:
    return _places().by_code


def _overlapping(name: str) -> tuple[tuple[str, int], ...]:
    """Longer names that contain ``name``, with its offset in them (吉林 → (吉林市, 0), (吉林省, 0))."""
    return _places().longer.get(name, ())


def _children() -> dict[str, tuple[str, ...]]:
    return _places().children


def _related(codes) -> frozenset[str]:
    """The regions named, their parents and their children (the only ones that can change
    which of them the document speaks for)."""
    places = _places().places
    out = set(codes)
    for c in codes:
        if places[c].parent:
            out.add(places[c].parent)
        out.update(_children().get(c, ()))
    return frozenset(out)


def _body_counts(clean: str, named: Counter[str]) -> Counter[str]:
    """Mentions in the first 20,000 characters: of every province and prefecture when the
    title and issuer name none, else only of the regions they name and their relatives
    (weighted 20 each, they outweigh any other place the body mentions in passing)."""
    only = _related(named) if named else None
    key = (len(clean), hash(clean[:200]), only)
    cached = _BODY_CACHE.get(key)
    if cached is not None and cached[0] is clean:
        return cached[1]  # read_meta asks twice (before and after the issuer is known)
    every = _BODY_CACHE.get((len(clean), hash(clean[:200]), None))
    if only is not None and every is not None and every[0] is clean:
        # the mentions of every place were counted for the first guess: a name's count does
        # not depend on which regions are asked for, so those of the related ones are kept
        counts = Counter({code: n for code, n in every[1].items() if code in only})
    else:
        counts = _place_counts(clean[:20000], only)
    if cached is None or cached[0] is not clean:
        for k in [k for k, v in _BODY_CACHE.items() if v[0] is not clean]:
            del _BODY_CACHE[k]  # keep only this text's counts
    _BODY_CACHE[key] = (clean, counts)
    return counts


_BODY_CACHE: dict = {}


def _county_in(text: str) -> str | None:
    """The code of a county named at the start of a title or issuer (射洪市2023年…)."""
    counties = _places().counties
    for length in range(3, min(len(text), 10) + 1):
        code = counties.get(text[:length])
        if code:
            return code
    return None


def find_region(title: str | None, issuer: str | None, clean: str, *, body_counts: Counter[str] | None = None):
    """The region a document speaks for: a county named at the start of the title or
    issuer, else the prefecture (or province) the title, issuer and text keep naming.
    Returns (name, level, code). ``body_counts`` are the text's mentions when already
    counted (:func:`_place_counts` of the first 20,000 characters)."""
    places = _places().places
    for text in (title or "", issuer or ""):
        code = _county_in(text)
        if code:
            r = places[code]
            return r.name, r.level, r.code
    counts: Counter[str] = Counter()
    for text, weight in ((title or "", 20), (issuer or "", 20)):
        for code, n in _place_counts(text).items():
            counts[code] += n * weight
    if body_counts is None:
        body_counts = _body_counts(clean, counts)
    counts.update(body_counts)
    if not counts:
        return None, None, None
    # prefer a prefecture over its province when both are named
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], 0 if places[kv[0]].level == "prefecture" else 1))
    top = places[ranked[0][0]]
    if top.level == "province":
        for c, n in ranked[1:]:
            r = places[c]
            if r.level == "prefecture" and r.parent == top.code and n >= ranked[0][1] * 0.5:
                top = r
                break
    return top.name, top.level, top.code


_DELIVERED = regex_cache.compile(r"^[—\-]*\s*(?P<y>20\d\d)年(?P<m>\d{1,2})月(?P<d>\d{1,2})日在(?P<where>[^\n]{2,60}?)上")
# the same line broken in two by the page layout: ——2026年1月26日在广东省第十四届 / 人民代表大会第五次会议上
_DELIVERED_SPLIT = regex_cache.compile(r"^[—\-]*\s*(?P<y>20\d\d)年(?P<m>\d{1,2})月(?P<d>\d{1,2})日在[^\n]{0,40}\n"
                              r"[^\n]{0,30}(?:代表大会|会议|大会)[^\n]{0,20}上")
# 今年是“十五五”开局之年 / 2026年是“十五五”第一年: the year of an annual report from the plan it opens
# (every match holds a 十X五, at most as many characters after its start as the words before it hold)
_PLAN_YEAR_LEAD = r"(?:今年|本年度)是(?:实施)?[\"“]?"
_PLAN_YEAR = regex_cache.compile(_PLAN_YEAR_LEAD + r"(?P<ord>十[一二三四五六七])五[\"”]?(?:规划)?(?:的)?"
                        r"(?P<which>开局之年|开局年|起步之年|第一年|首年|收官之年|最后一年|攻坚之年|关键之年|中期之年)")
_PLAN_YEAR_REACH = longest(_PLAN_YEAR_LEAD)


def find_issued(clean: str, paragraphs, title_span) -> str | None:
    m = _ADOPTED.search(clean[:5000])
    if m:
        return f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
    # a report or speech: ——2024年1月10日在某市第五届人民代表大会第四次会议上
    for i, (a, b) in enumerate(paragraphs[:20]):
        dm = _DELIVERED.match(clean[a:b])
        if dm is None and i + 1 < len(paragraphs):
            dm = _DELIVERED_SPLIT.match(clean[a:paragraphs[i + 1][1]])
        if dm:
            return f"{int(dm.group('y')):04d}-{int(dm.group('m')):02d}-{int(dm.group('d')):02d}"
    # a date line at the very end (the 落款 under the issuer's name)
    for a, b in paragraphs[-3:][::-1]:
        t = clean[a:b]
        dm = _DATE.fullmatch(t.strip())
        if dm:
            return f"{int(dm.group('y')):04d}-{int(dm.group('m')):02d}-{int(dm.group('d')):02d}"
    return None


def find_issuer(title: str | None, clean: str, genre: str | None, region: str | None, annual: bool) -> str | None:
    m = _ADOPTED.search(clean[:5000])
    if m:
        pm = _PLENUM.search(m.group("body"))
        if pm:
            return f"中共{pm.group('place')}委"
    if title:
        om = _ORG_PREFIX.match(title)
        if om:
            org = om.group("org")
            org = _PARTY_COMMITTEE_FULL.sub(r"中共\1委", org)
            return org + (f"、{om.group('org2')}" if om.group("org2") else "")
        pm = _PLENUM.match(title)
        if pm:
            return f"中共{pm.group('place')}委"
        cm = _PARTY_COMMITTEE_SHORT.match(title)
        if cm:
            return f"中共{cm.group('place')}委"
    if not region:
        return None
    head = clean[:4000]
    if genre == "决议" and "人大常委会" in clean and not _PLENUM_WORDS.search(title or ""):
        return f"{region}人大常委会"
    if annual and _TECH_WORK.search(head) and _TECH_BODY.search(clean):
        return f"{region}科技局"
    if title and "政府工作报告" in title and _PEOPLES_CONGRESS.search(head):
        return f"{region}人民政府"
    return None


def find_horizon(clean: str, annual_year: int | None, issued_year: int | None,
                 title: str | None = None) -> tuple[int | None, int | None]:
    """(horizon, plan start): the year the plan runs to, and the first year of its
    five-year period when it is one."""
    if annual_year:
        return annual_year, None
    period = _PERIOD.search(title or "") or _PERIOD.search(clean[:300])
    if period:
        return int(period.group("b")), int(period.group("a"))
    reference = issued_year
    periods = Counter(timeframe.plan_periods(clean[:60000]))
    targets: Counter[int] = Counter()
    # (the pattern opens with optional words: tried only before each 20dd年, see matches_near)
    for m in matches_near(timeframe.YEAR_CORE, _FUTURE_YEAR, _FUTURE_YEAR_REACH, clean[:60000]):
        targets[int(m.group(1) or m.group(2))] += 1
    # the plan period a dated document is issued in, or else the latest one named
    current = [p for p in periods if reference and p[0] <= reference <= p[1] + 1]
    plan = max(current, key=lambda p: periods[p]) if current else (max(periods, key=lambda p: p[1]) if periods else None)
    future = {y: n for y, n in targets.items() if not reference or y >= reference}
    if current or (plan and (not future or plan[1] >= max(future) or plan[1] in future)
                   and (not reference or plan[1] >= reference)):
        return plan[1], plan[0]
    if future:
        year = max(future, key=lambda y: (future[y], y))
        # a five-year plan horizon (2025, 2030 …) implies its period
        start = year - 4 if year % 5 == 0 and (not reference or year - 4 <= reference <= year) else None
        return year, start
    if plan and not reference:
        return plan[1], plan[0]
    return None, None


def annual_year_of(clean: str, paragraphs, title: str | None) -> int | None:
    """The year of an annual work plan (2022年科技创新工作要点; a text opening 2022年是……)."""
    if title:
        m = _ANNUAL_TITLE.search(title)
        if m:
            return int(m.group(1))
    # (= _PLAN_YEAR.search(clean[:6000]): its first match, tried only before each 十X五 (see matches_near)
    # instead of at every position of the text, where its opening words make the engine try it)
    pm = next(matches_near(timeframe.PLAN_CORE, _PLAN_YEAR, _PLAN_YEAR_REACH, clean[:6000]), None)
    if pm:
        start, end = timeframe.five_year_plan(pm.group("ord"))
        which = pm.group("which")
        if which in ("收官之年", "最后一年"):
            return end
        if which in ("开局之年", "开局年", "起步之年", "第一年", "首年"):
            return start
        if which == "中期之年":
            return start + 2
    if not paragraphs:
        return None
    texts = [clean[a:b] for a, b in paragraphs[:6]]
    for t in texts:
        m = _ANNUAL_OPEN.match(t)
        if m and _ANNUAL_WORDS.search(clean[:20000]):
            return int(m.group("y"))
    return None


def _delivered_report(title: str | None, clean: str, paragraphs) -> bool:
    """A work report delivered to a people's congress (政府工作报告 with its 在…人民代表大会…会议上 line)."""
    if title and "工作报告" in title:
        return True
    head = clean[:paragraphs[min(len(paragraphs), 8) - 1][1]] if paragraphs else ""
    return bool(_CONGRESS_SESSION.search(head)) and "报告" in head


def scope_for(region: str | None, level: str | None) -> str | None:
    if not region:
        return None
    if level == "province":
        return "全省"
    if region.endswith("州"):
        return "全州"
    if level == "county":
        return "全县" if region.endswith("县") else ("全区" if region.endswith("区") else "全市")
    return "全市"


def read_meta(clean: str, paragraphs: list[tuple[int, int]], html_title: str | None) -> Meta:
    title, title_span = find_title(clean, paragraphs, html_title)
    annual_year = annual_year_of(clean, paragraphs, title)
    issued = find_issued(clean, paragraphs, title_span)
    issued_year = int(issued[:4]) if issued else None
    if annual_year is None and issued_year and _delivered_report(title, clean, paragraphs):
        # a government work report, delivered early in the year, sets that year's targets
        annual_year = issued_year
    horizon, plan_start = find_horizon(clean, annual_year, issued_year, title)
    genre = find_genre(title, clean, annual_year is not None)
    # a first guess of the region, refined once the issuer is known
    region, level, _ = find_region(title, None, clean)
    issuer = find_issuer(title, clean, genre, region, annual_year is not None)
    if issuer:
        region2, level2, _ = find_region(title, issuer, clean)
        region, level = region2 or region, level2 or level
    if issued is None and annual_year:
        issued = str(annual_year)
    title_inferred = False
    if title is None and genre == "工作要点" and annual_year and issuer:
        # a work plan that opens with its first paragraph: its title from issuer, year and genre
        topic = "科技" if _TECH_BUREAU.search(issuer) else ""
        title, title_inferred = f"{issuer}{annual_year}年{topic}工作要点", True
    doc_year = issued_year or plan_start or annual_year
    return Meta(title=title, title_span=title_span, issuer=issuer, region=region, region_level=level,
                genre=genre, issued=issued, horizon=horizon, plan_start=plan_start, doc_year=doc_year,
                annual=annual_year is not None, default_scope=scope_for(region, level), title_inferred=title_inferred)
