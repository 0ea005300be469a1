"""The shortcuts that stand in for a regex search give the regex's own answer.

Some questions the target rules ask of every sentence or quantity are answered without the
regex engine: clause separators found with ``str.find``, the comparator before a number
with set lookups, ``…$`` searches of literal words with ``str.endswith``, and cheap tests
for a character every match must hold before the search itself. Each test compares the
shortcut with the regex it replaces on every prefix (or suffix) of the corpus's
sentences and on random strings built from the words and characters the patterns are made
of, line breaks included (``$`` also matches before a final line break).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
EXAMPLES = ROOT / "examples" / "documents"
# the pattern the code's word list stands for (the rules asked it with the regex engine)
_EACH_END = re.compile(r"(?:均|都)(?:将|要)?$")


def _words_at_end(words: tuple[str, ...]) -> re.Pattern:
    """``(?:w1|w2…)$``: the regex a word list asked with ``endswith`` replaced."""
    return re.compile("(?:" + "|".join(words) + ")$")


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    from innodrive.documents import read_path
    from innodrive.extraction import phrases

    out = []
    for path in sorted(REAL.glob("*.txt"))[::3] + sorted(EXAMPLES.glob("*.txt")):
        clean = read_path(path).clean
        pos = 0
        for i, line in enumerate(clean.split("\n")):
            out += [s.text for s in phrases.split_sentences(clean, (pos, pos + len(line)), i)]
            pos += len(line) + 1
    return out


def _random_strings(pieces: list[str], n: int = 4000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(n)]


def _prefixes(texts: list[str], limit: int = 60) -> list[str]:
    """Every prefix of every text, cut to its last ``limit`` characters (the subjects the
    rules search are the words before a number)."""
    return [t[max(0, i - limit):i] for t in texts for i in range(len(t) + 1)]


def test_clause_separators_are_the_clause_pattern(sentences):
    from innodrive.extraction import phrases
    from innodrive.extraction.scan import CLAUSE_SEPARATORS, SentenceScan

    pieces = [*CLAUSE_SEPARATORS, "，", "；", "。", "a", "字", "\n", " "]
    for text in sentences + _random_strings(pieces):
        want = [m.end() for m in phrases.CLAUSE_SEP.finditer(text)]
        assert SentenceScan(text)._clause_seps() == want, text
    assert sorted(phrases.CLAUSE_SEP.findall("".join(chr(c) for c in range(0x3100)))) == sorted(CLAUSE_SEPARATORS)


def test_the_comparator_before_a_number_is_the_regex_match(sentences):
    from innodrive.extraction import numbers

    words = sorted(numbers._PRE_WORDS)
    pieces = [*words, *{w[:k] for w in words for k in range(1, len(w))}, "5", "字", "\n", ","]
    for text in sentences + _random_strings(pieces):
        for a in range(1, len(text) + 1):
            m = numbers._PRE_BEFORE_RE.search(text, max(0, a - numbers._PRE_WIDTH), a)
            assert numbers._pre_before(text, a) == (m.group(0) if m else ""), (text, a)


def test_quantities_are_the_quantity_pattern(sentences):
    """find_quantities (with the comparator found by set lookups) = QUANTITY_RE.finditer."""
    from innodrive.extraction import numbers

    for text in sentences:
        got = [(q.start(), q.end(), q.group(0), q.group("pre")) for q in numbers.find_quantities(text)]
        want = [(m.start(), m.end(), m.group(0), m.group("pre")) for m in numbers.QUANTITY_RE.finditer(text)]
        assert got == want, text


def test_literal_prefilters_never_skip_a_match(sentences):
    from innodrive.extraction import targets

    texts = _prefixes(sentences) + _random_strings(
        ["5", "12.5", "—", "-", "–", "~", "～", " ", "\n", "%", "全覆盖", "实现", "达到", "覆盖", "全", "字", ","])
    for text in texts:
        assert targets._has_dash(text) == any(c in text for c in targets._RANGE_DASHES)
        if targets._RANGE_LOW.search(text):
            assert targets._has_dash(text), text
        if targets._COVERAGE_AFTER.match(text):
            assert "全覆盖" in text, text
        stripped = text.strip()
        assert stripped.endswith(targets._EACH_END_WORDS) == bool(_EACH_END.search(stripped)), text


def test_literal_words_before_the_end_are_endswith(sentences):
    """``(?:w1|w2…)$`` searched in a stripped text is ``endswith((w1, w2, …))``; in any text,
    one ending with a line break aside (where the caller asks the regex)."""
    from innodrive.extraction import targets

    pairs = [(ws, _words_at_end(ws)) for ws in (targets._CONSEQUENCE_WORDS, targets._SCOPE_VERB_WORDS,
                                                   targets._GRANT_BEFORE_WORDS)]
    pairs.append((targets._TARGET_VERB_BEFORE_WORDS, targets._TARGET_VERB_BEFORE))
    words = [w for ws, _ in pairs for w in ws]
    pieces = [*words, *{w[:1] for w in words}, *{w[1:] for w in words}, "字", " ", "\n", ",", "“"]
    for text in _prefixes(sentences) + _random_strings(pieces):
        for ws, rx in pairs:
            assert text.strip().endswith(ws) == bool(rx.search(text.strip())), (text, rx.pattern)
            if not text.endswith("\n"):
                assert text.endswith(ws) == bool(rx.search(text)), (text, rx.pattern)


def test_past_segments_ask_the_words_they_stand_for(sentences):
    """_past_segments tests 力争/确保 with ``in`` and reads years only where 年 is: the
    regexes they stand for find nothing more."""
    from innodrive.extraction import targets

    for text in _random_strings(["力", "争", "力争", "确", "保", "确保", "2025", "年", "20", "字", ";"]) + sentences:
        assert ("力争" in text or "确保" in text) == bool(targets._FIRM.search(text))
        if "年" not in text:
            assert not targets._YEAR_IN.findall(text)


def test_marks_are_the_last_value_at_or_before_a_position():
    from innodrive.extraction.scan import Marks

    rng = random.Random(3)
    for _ in range(2000):
        items = [(rng.randint(0, 30), rng.randint(0, 9)) for _ in range(rng.randint(0, 6))]
        marks = Marks(list(items))
        ordered = sorted(items, key=lambda kv: kv[0])
        for pos in range(-1, 32):
            before = [v for p, v in ordered if p <= pos]
            assert marks.at(pos) == (before[-1] if before else None)
            assert marks.any_before(pos) == any(p <= pos for p, _ in items)
        assert bool(marks) == bool(items)
        ascending = Marks.ascending([p for p, _ in ordered], [v for _, v in ordered])
        assert all(ascending.at(pos) == marks.at(pos) for pos in range(-1, 32))


def test_place_name_pairs_are_found_where_the_look_ahead_pairs_are(sentences):
    """_place_counts finds the pairs that may open a place name with a pattern that matches
    their first character: the same positions and pairs as the look-ahead pattern."""
    from innodrive.extraction import metadata

    names = sorted(metadata._places().names)
    texts = ["".join(sentences[i:i + 40]) for i in range(0, len(sentences), 40)]
    texts += _random_strings([*names, *(n[:1] for n in names), "市", "的", "\n", "，", "1"], n=3000)
    for text in texts:
        want = [(m.start(), m.group(1)) for m in metadata._first_pair_re().finditer(text)]
        got = [(m.start(), text[m.start():m.start() + 2]) for m in metadata._pair_start_re().finditer(text)]
        assert got == want, text


def test_deadlines_need_nian_or_wu(sentences):
    """find_targets asks for a sentence's deadlines only when it holds 年 or 五."""
    from innodrive.extraction import timeframe

    pieces = ["到", "2025", "年", "今年", "明年", "全年", "十四五", "“十五五”", "末", "底", "前", "五", "字", ","]
    for text in sentences + _random_strings(pieces):
        if "年" not in text and "五" not in text:
            assert timeframe.deadlines(text) == [] and timeframe.relative_deadlines(text, 2025) == [], text


def test_look_back_words_are_the_look_back_pattern(sentences):
    """The opening 五年来 asked apart from the other look-back words: the answer of the one pattern."""
    from innodrive.extraction import targets

    plain = re.compile(r"过去[一二三四五]年|(?:^|[,，])[一二三四五]年来|这[一二三四五]年|回顾|回望|"
                       r"取得了(?:显著|明显|重大|积极)?成效|已取得")
    texts = [s[:40] for s in sentences] + _random_strings(["五", "一", "六", "年来", "年", "来", ",", "，", "过去", "这",
                                                          "回顾", "取得了", "显著", "成效", "已取得", "字", "\n"])
    for text in texts:
        assert targets._looks_back_words(text) == (plain.search(text) is not None), text
