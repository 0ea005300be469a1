"""The speed-ups of extraction give exactly what the plain forms they replace give.

Patterns were rewritten so that the regex engine can skip to candidate characters, the
distinct characters of a text are found by a regex instead of ``set()``, and the place
tables are kept between runs. Each is compared here with its plain form on the real
development corpus (and on edge cases), so a later edit cannot drift from it unnoticed.
"""

from __future__ import annotations

import importlib
import random
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    from innodrive.documents import read_path

    docs = [read_path(p) for p in sorted(REAL.glob("*.txt"))[:5]]
    return [d.clean for d in docs]


@pytest.fixture(scope="module")
def sentences(texts) -> list[str]:
    from innodrive.extraction import phrases

    out = []
    for t in texts:
        pos = 0
        for i, line in enumerate(t.split("\n")):
            out += [s.text for s in phrases.split_sentences(t, (pos, pos + len(line)), i)]
            pos += len(line) + 1
    return out + ["从5家增加到10家", "由3.5%提高到5%", "五年来", "每年内", "去今年", "当全年", "12020年", "a2021年",
                  "比例为3:1", "达到2∶1", "全省前3位", "三个", "十点五亿元", "1,234,567.5万元以上"]


def _spans(rx, text):
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


def test_rewritten_patterns_match_their_plain_forms(sentences, texts):
    targets = importlib.import_module("innodrive.extraction.targets")
    timeframe = importlib.import_module("innodrive.extraction.timeframe")
    numbers = importlib.import_module("innodrive.extraction.numbers")
    programmes = importlib.import_module("innodrive.extraction.programmes")
    past = (r"同比|比上年|较上年|比去年|较去年|已经|已达|已有|已建成|已获批|截至|截止|累计认定|累计培育|累计完成|"
            r"共认定|共有|现有|新认定了|增长了|提高了|完成了|实现了|达到了|位居全省|排名全省|"
            r"过去[一二三四五]年|[一二三四五]年来|以来|十[一二三]五(?:时期|期间)")
    plain = {
        targets._MAY_HAVE_NUMBERS: rf"[0-9]|倍|翻[一两三]?番|亿|{numbers.CHINESE}(?:多|余)?(?:{numbers.MAGNITUDE})?"
                                   rf"(?:{numbers.UNIT_ALTERNATION})",
        targets._RANK_HINT: r"前\d|第\d|“保\d|[∶:]\s*1|指数|得分|评分|分值",
        targets._YEAR_IN: r"(?<!\d)(20\d\d)年",
        targets._PAST: past + r"|(?:从|由)\d+(?:\.\d+)?(?:[^\W\d_a-zA-Z]|%){0,3}(?:增加|增长|提高|提升|上升|扩大)到",
        targets._PAST_IN_GOALS: past.replace("同比|比上年|较上年|比去年|较去年|", "").replace("累计认定|累计培育|累计完成|", ""),
        targets._GOAL_WORDS: r"(?:主要|奋斗|发展|总体|工作|预期|以下|年度)目标|目标任务|主要指标",
        timeframe._RELATIVE_YEAR_RE: r"(?<![每逐当去前])(?:今年|年内|全年|本年度)|明年",
    }
    for fast, slow in plain.items():
        slow_rx = re.compile(slow)
        for s in sentences:
            assert [m.span() for m in fast.finditer(s)] == [m.span() for m in slow_rx.finditer(s)], (fast.pattern, s)
    body = re.compile(
        rf"(?P<num>{numbers.ARABIC.replace(numbers._NOT_INSIDE_NUMBER, '', 1)}|{numbers.CHINESE})(?P<approx>多|余)?"
        rf"(?P<mag>{numbers.MAGNITUDE})?(?P<unit>{numbers.UNIT_ALTERNATION})(?P<post>{numbers._POST})?")
    bare = re.compile(r"(?P<code>\d{3,6})(?P<noun>行动计划|工作思路|工程|战略)")
    scale_list = re.compile(r"(?P<count>(?<![\d.])\d{1,3}|[一二两三四五六七八九十])(?:个|户|家|条)"
                            r"(?P<scale>万亿|千亿|百亿|十亿|\d{1,6}(?:\.\d{1,4})?亿)(?:元)?(?:级)?"
                            r"(?P<noun>产业集群|产业链|产业|企业|园区|集群|项目)")
    extra = ["光电信息、先进材料3个千亿产业集群", "打造12个百亿级产业链", "1.5个千亿产业", "1234个千亿企业", "三个百亿园区"]
    # numbers of every length, with separators and points, before units, magnitudes and years
    # (the body's digits are one atomic group behind a look-ahead at what follows them)
    rng = random.Random(17)
    pieces = ["1", "23", "2025", "123456789012", ",", ",000", ".", ".5", "十", "三", "万", "十万", "亿", "多", "余",
              "年", "个", "个百分点", "百分点", "%", "元/人", "元", "千瓦", "千瓦时", "以上", "٣", "点五", "两"]
    extra += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(20000)]
    may_have_numbers = re.compile(plain[targets._MAY_HAVE_NUMBERS])
    for t in [*texts, *sentences, *extra]:
        assert _spans(numbers._BODY_RE, t) == _spans(body, t)
        # (the first test's numerals behind a look-ahead at what follows them)
        assert [m.span() for m in targets._MAY_HAVE_NUMBERS.finditer(t)] == [
            m.span() for m in may_have_numbers.finditer(t)], t
        assert _spans(programmes._BARE_CODE_RE, t) == _spans(bare, t)
        assert _spans(targets._SCALE_LIST_RE, t) == _spans(scale_list, t)


def test_patterns_rewritten_to_open_with_literals_match_their_plain_forms(sentences, texts):
    """The year, review, look-back and space patterns, rewritten so that every alternative
    opens with a literal or a class (a look-behind moved after the first digit, a class split
    into alternatives, X+ written XX*): the same matches and groups as the plain forms, on
    the corpus and on random strings of digits, years, spaces and the words around them."""
    sections = importlib.import_module("innodrive.extraction.sections")
    targets = importlib.import_module("innodrive.extraction.targets")
    normalise = importlib.import_module("innodrive.documents.normalise")
    plain = {
        normalise._SPACES_RE: r"[ \u2000-\u200a]+",
        sections._YEAR: r"(?<!\d)((?:19|20)\d\d)\s*年",
        sections._YEAR_RANGE: r"(?<!\d)((?:19|20)\d\d)\s*[—\-–~至到]+\s*((?:19|20)\d\d)\s*年",
        sections._REVIEW: sections._REVIEW.pattern.replace("一年来|二年来|三年来|四年来|五年来", "[一二三四五]年来"),
        targets._LOOK_BACK: targets._LOOK_BACK.pattern.replace(",[一二三四五]年来|，[一二三四五]年来", "[,，][一二三四五]年来"),
    }
    rng = random.Random(19)
    pieces = ["1", "2", "19", "20", "2025", "1999", "٢٠٢٥", "年", " ", "—", "-", "至", "到", "~", "过去", "五", "三",
              "年来", ",", "，", "这", "回顾", "取得了", "显著", "成效", "工作", "总结", "十", "  ", "\u2003", "\u200a"]
    extra = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(20000)]
    for fast, slow in plain.items():
        assert fast.pattern != slow
        slow_rx = re.compile(slow)
        for t in [*texts, *sentences, *extra]:
            assert _spans(fast, t) == _spans(slow_rx, t), (slow, t[:40])


def test_suffix_patterns_match_only_texts_ending_with_their_last_characters(sentences, texts):
    """The patterns anchored with ``$`` are searched only in texts whose last character (or
    the one before a final line break) ends one of their matches: every match, on the
    corpus's sentences and their every prefix, and on random strings of the patterns' own
    words, ends with a character of the set."""
    targets = importlib.import_module("innodrive.extraction.targets")
    phrases = importlib.import_module("innodrive.extraction.phrases")
    pairs = [(targets._SCOPE_TAIL, targets._SCOPE_TAIL_LAST), (targets._FROM, targets._FROM_LAST),
             (targets._MARGIN_BEFORE, targets._MARGIN_BEFORE_LAST), (targets._EACH_TAIL, targets._EACH_TAIL_LAST),
             (targets._DECLINE_END, targets._DECLINE_END_LAST), (targets._RATE_OF_CHANGE, targets._RATE_OF_CHANGE_LAST),
             (phrases._TRAIL_RE, phrases._TRAIL_LAST), (targets._VERB_TAIL, targets._VERB_TAIL_LAST),
             (targets._MILESTONE_OBJECT, targets._MILESTONE_OBJECT_LAST),
             (phrases.INDICATOR_NOUNS, phrases._INDICATOR_NOUNS_LAST)]
    rng = random.Random(23)
    for rx, last in pairs:
        assert "\n" in last
        words = re.findall(r"[^\W\d_a-zA-Z]+", rx.pattern)
        samples = [s[:k] for s in sentences[::7] for k in range(1, len(s) + 1)]
        samples += ["".join(rng.choice([*words, "\n", "的", "1", " "]) for _ in range(rng.randint(1, 5)))
                    for _ in range(3000)]
        found = 0
        for text in samples:
            if rx.search(text):
                found += 1
                assert text[-1:] in last, (rx.pattern, text[-20:])
        assert found > 50, rx.pattern


def test_hints_and_quote_gate_by_single_characters_answer_as_their_patterns(sentences, texts):
    """_rank_hint, _relative_hint, _milestone_hint and _may_trend look for characters every
    match holds before searching their patterns, _is_goal_paragraph for 标, _classify for 价 or CPI, the modifier rules
    for 的, _without_quotes for the opening marks, and SentenceScan for the quote openers
    with ``in``: the same answers as the patterns, on the corpus and on random strings of
    their characters."""
    targets = importlib.import_module("innodrive.extraction.targets")
    phrases = importlib.import_module("innodrive.extraction.phrases")
    scan = importlib.import_module("innodrive.extraction.scan")
    rng = random.Random(29)
    pieces = ["前", "第", "“", "保", "∶", ":", " ", "1", "3", "指数", "得分", "评分", "分值", "分", "指", "位", "的",
              "\"", "《", "」", "「", "‘", "”"]
    samples = [*sentences, *texts, *("".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(5000))]
    pieces += ["平均", "水平", "前列", "方阵", "平", "列", "阵", "目标", "主要", "指标", "标", "年度", "任务", "物价", "CPI",
               "价格", "涨幅", "指数", "消费", "《", "》", "具有", "特色", "的", "乐山", *targets._TREND_VERBS,
               "持续", "稳步", "大幅", "明显", "显著", "不断", "进一步", "逐年", "稳定", "较快", "快速", "大幅度", ",", ";",
               *targets._MILESTONE_VERBS, "成", "建", "入"]
    assert targets._MODIFIER.pattern == importlib.import_module("innodrive.extraction.programmes")._MODIFIER.pattern
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(5000)]
    for text in samples:
        assert targets._rank_hint(text) == (targets._RANK_HINT.search(text) is not None), text[:40]
        assert targets._relative_hint(text) == (targets._RELATIVE_HINT.search(text) is not None), text[:40]
        assert "标" in text or not targets._GOAL_WORDS.search(text), text[:40]
        assert "价" in text or "CPI" in text or not targets._PRICE_LEVEL.search(text), text[:40]
        assert targets._without_quotes(text) == targets._QUOTED_NAME.sub("", text), text[:40]
        assert "的" in text or not targets._MODIFIER.search(text), text[:40]
        assert targets._may_trend(text) or not targets._TREND_RE.search(text), text[:40]
        assert targets._milestone_hint(text) == (targets._MILESTONE_HINT.search(text) is not None), text[:40]
        quoted = scan.SentenceScan(text)._quote_marks() is not None
        assert quoted == bool(any(c in text for c in phrases.QUOTE_OPENERS) and phrases.quoted_spans(text)), text[:40]


def test_start_patterns_match_only_texts_opening_with_their_first_characters(sentences):
    """The patterns matched at the start of a text are tried only on texts opening with a
    first character of their matches: every match, on the corpus's sentences and their
    every suffix, and on random strings of the patterns' own words, opens with one."""
    targets = importlib.import_module("innodrive.extraction.targets")
    pairs = [(targets._NOT_AFTER_UNIT, targets._NOT_AFTER_UNIT_FIRST), (targets._NAMED_AFTER, targets._NAMED_AFTER_FIRST),
             (targets._REFERENCE_VERBS, targets._REFERENCE_VERBS_FIRST), (targets._TARGET_VERBS, targets._TARGET_VERBS_FIRST),
             (targets._YEAR_OPENING, targets._YEAR_OPENING_FIRST)]
    rng = random.Random(31)
    for rx, first in pairs:
        words = re.findall(r"[^\W\d_a-zA-Z]+", rx.pattern) + ["2025", "2025年", "截至2024年", "1", " ", "的", ","]
        samples = [s[k:] for s in sentences[::7] for k in range(len(s))]
        samples += ["".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(3000)]
        found = 0
        for text in samples:
            if rx.match(text):
                found += 1
                assert text[:1] in first, (rx.pattern, text[:20])
        assert found > 50, rx.pattern


def test_deadline_prefilters_skip_only_sentences_without_deadlines(sentences):
    timeframe = importlib.import_module("innodrive.extraction.timeframe")
    for s in sentences:
        plain = [(m.span(), m.group(0)) for m in timeframe._YEAR_DEADLINE_RE.finditer(s)]
        plain += [(m.span(), m.group(0)) for m in timeframe._PLAN_DEADLINE_RE.finditer(s)]
        found = {((d.start, d.end), d.text) for d in timeframe.deadlines(s)}
        assert found <= set(plain)
        if not timeframe.YEAR_CORE.search(s) and not timeframe.PLAN_CORE.search(s):
            assert not plain


def test_notable_characters_are_those_of_set_text():
    normalise = importlib.import_module("innodrive.documents.normalise")
    text = "２０２５年（一）發展個體\x1b[2J\r\n\u3000會議 ABC，。" + (REAL / "2026_江苏省_政府工作报告.txt").read_text("utf-8")
    acted_on = normalise._WIDTH_CHARS | normalise.traditional_chars() | set(normalise._CONTROL_CHARS)
    assert normalise.notable_chars(text) == set(text) & acted_on
    assert normalise.detect_script("這是一個繁體字的會議決議，發展創新" * 5, chars=normalise.notable_chars(
        "這是一個繁體字的會議決議，發展創新")) == "traditional"


def test_stored_place_tables_equal_the_tables_read(tmp_path, monkeypatch):
    metadata = importlib.import_module("innodrive.extraction.metadata")
    data = Path(metadata.__file__).resolve().parents[1] / "data"
    read = metadata._read_places(data)
    monkeypatch.setattr(metadata, "_places_file", lambda _data: tmp_path / "places.marshal")
    stamp = metadata._places_stamp(data)
    assert metadata._stored_places(data, stamp) is None  # nothing stored yet
    metadata._store_places(data, stamp, read)
    stored = metadata._stored_places(data, stamp)
    assert stored == read
    assert [list(t) for t in stored] == [list(t) for t in read]  # the same order (it breaks ties)
    assert metadata._stored_places(data, (*stamp, ("other", 1, 1))) is None  # changed data files: read again
    (tmp_path / "places.marshal").write_bytes(b"\x00damaged")
    assert metadata._stored_places(data, stamp) is None


def test_notable_characters_of_a_short_text_by_set_equal_those_by_the_regex():
    normalise = importlib.import_module("innodrive.documents.normalise")
    long = (REAL / "2026_江苏省_政府工作报告.txt").read_text("utf-8")
    for text in ("２０２５年（一）發展個體\x1b[2J\r\n\u3000會議 ABC，。", long[:5000], "",
                 "這是一個繁體字的會議決議" * 100):
        assert len(text) < normalise._NOTABLE_BY_SET
        assert normalise.notable_chars(text) == set(_notable_re().findall(text))


def test_file_name_and_digest_without_pathlib_or_hashlib_equal_theirs():
    import hashlib
    from pathlib import PurePath

    documents = importlib.import_module("innodrive.documents")
    for p in ("a.txt", "dir/报告.txt", "./c.txt", "dir//d.txt", "/x/y/", "..", "x/..", ".", "", "x/.", "/"):
        assert documents._file_name(p) == PurePath(p).name
    for data in (b"", b"abc", "报告".encode() * 1000, b"x" * ((1 << 20) + 1)):
        assert documents._sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_extract_json_of_one_document_imports_only_what_it_uses(tmp_path):
    """``innodrive extract FILE --json`` runs once per file in scripts: modules it does not
    need (the CLI framework, pydantic, pathlib, typing, logging, OpenSSL, the table reader)
    would cost it more start-up time than reading and extracting a small document."""
    import json
    import subprocess
    import sys

    doc = tmp_path / "通知.txt"
    doc.write_text("关于印发某市2026年科技创新工作要点的通知\n到2026年，全市高新技术企业达到500家。\n", encoding="utf-8")
    code = ("import io, contextlib, json, sys\nfrom innodrive import launch\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    status = launch.try_run(['extract', {str(doc)!r}, '--json'])\n"
            "print(json.dumps([status, sorted(sys.modules)]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, modules = json.loads(out.stdout)
    assert status == 0
    unneeded = {"typer", "pydantic", "rich", "pathlib", "typing", "logging", "tempfile", "hashlib",
                "innodrive.cli", "innodrive.extraction.tables"}
    assert unneeded.isdisjoint(modules), sorted(unneeded & set(modules))


def test_patterns_tried_only_where_a_match_can_begin_find_what_finditer_finds(sentences, texts):
    """``matches_from`` (the pattern tried only where one of its opening words starts) and
    ``plan_periods`` (十X五 found by its literal) against plain ``finditer``, on the corpus
    and on random strings made of the words the patterns are built from."""
    import random

    from innodrive.extraction.scan import matches_from

    targets = importlib.import_module("innodrive.extraction.targets")
    timeframe = importlib.import_module("innodrive.extraction.timeframe")
    rng = random.Random(16)
    pieces = ["全面", "基本", "建成", "创建", "普及", "基本普及", "消除", "高质量", "成功", "到", "至", "力争", "确保",
              "20", "2025", "年", "目标", "十", "四", "五", "“", "”", "\"", "「", "」", "。", ",", ";", "示范区", "的"]
    noise = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    pairs = [(targets._MILESTONE_START, targets._MILESTONE_VERB_FIRST)]
    for t in [*texts, *sentences, *noise]:
        for starts, rx in pairs:
            assert [(m.span(), m.groups()) for m in matches_from(starts, rx, t)] == _spans(rx, t), (rx.pattern, t)
        assert timeframe.plan_periods(t) == [timeframe.five_year_plan(m.group(1))
                                             for m in timeframe.FIVE_YEAR_RE.finditer(t)]


def test_a_paragraph_passed_over_holds_no_sentence_that_passes_the_first_test(sentences):
    """find_targets skips a paragraph when neither prefilter matches it: no sentence of it
    may then match either (the prefilters have no anchors or look-arounds)."""
    targets = importlib.import_module("innodrive.extraction.targets")
    paragraph = "。".join(sentences)
    for s in sentences:
        if targets._MAY_HAVE_NUMBERS.search(s) or targets._MAY_HAVE_WORDS.search(s):
            at = paragraph.find(s)
            assert targets._may_hold_target(paragraph, at, at + len(s))
    assert not targets._may_hold_target("坚持党的全面领导，深化改革。", 0, 14)


def test_bare_codes_found_from_their_nouns_are_the_matches_of_the_pattern(texts):
    """find_programmes looks for “5553工程” from the nouns back instead of trying the pattern
    at every digit: the same matches, in the same order, on the corpus and on random text
    made of digit runs (ASCII, full-width and other decimal digits), nouns and their parts."""
    import random

    programmes = importlib.import_module("innodrive.extraction.programmes")
    rng = random.Random(3)
    pieces = ["1", "23", "456", "7890", "12345", "１２", "٣", "工程", "行动计划", "工作思路", "战略", "工", "行动",
              "思路", "程", ".", "“", "”", "的", "+", "N", "\n"]
    samples = texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    samples += ["1234567工程", "123工程456战略", "12工程", "0000000000行动计划", "工程", ""]
    for text in samples:
        expected = [(m.span(), m.groups()) for m in programmes._BARE_CODE_RE.finditer(text)]
        assert [(m.span(), m.groups()) for m in programmes.bare_codes(text)] == expected, text
        assert programmes._bare_noun_starts(text) == [m.start() for m in programmes._BARE_NOUN_RE.finditer(text)], text
    # what _bare_noun_starts relies on: no noun begins with an end of one (itself included)
    # or holds another, so that occurrences never overlap
    nouns = programmes._BARE_NOUNS
    assert programmes._BARE_NOUN_RE.pattern == "|".join(nouns)
    for a in nouns:
        for b in nouns:
            assert a == b or a not in b
            assert not any(b.startswith(a[k:]) for k in range(1, len(a))), (a, b)


def test_word_prefilters_skip_only_texts_the_patterns_cannot_match(sentences, texts):
    """Patterns run only where a word they need occurs: the owners of a task (单位/部门),
    quoted spans (an opening mark), milestone clauses ending in 建成/消除."""
    outline = importlib.import_module("innodrive.extraction.outline")
    phrases = importlib.import_module("innodrive.extraction.phrases")
    targets = importlib.import_module("innodrive.extraction.targets")
    for s in sentences + texts:
        if "单位" not in s and "部门" not in s:
            assert not outline._LEAD_RE.search(s) and not outline._CO_RE.search(s)
        if not any(c in s for c in phrases.QUOTE_OPENERS):
            assert phrases.quoted_spans(s) == []
        if "建成" not in s and "消除" not in s:
            assert not any(c.endswith(targets._MILESTONE_LAST_ENDS) for _, _, c in targets._clauses(s))
    assert outline.owners("（市科技局牵头，市财政局配合）牵头单位：市科技局；责任单位：市发展改革委、市财政局") == (
        ["市科技局"], ["市发展改革委", "市财政局"])


def test_sentences_split_by_str_split_are_those_of_the_pattern(texts):
    """A paragraph without ! or ? is split on 。 by str.split: the same sentences, offsets
    and types as splitting at every match of SENTENCE_END."""
    import random

    phrases = importlib.import_module("innodrive.extraction.phrases")

    def plain(clean, para, index):
        a, b = para
        text, out, pos = clean[a:b], [], 0
        for m in phrases.SENTENCE_END.finditer(text):
            if m.start() > pos:
                out.append(phrases.Sentence(text[pos:m.start()], a + pos, index))
            pos = m.end()
        if pos < len(text):
            out.append(phrases.Sentence(text[pos:], a + pos, index))
        return out

    rng = random.Random(4)
    pieces = ["创新", "。", "!", "?", "，", "。。", "2025年", " ", "\n"]
    samples = [(t, (0, len(t))) for t in texts]
    for _ in range(20000):
        before = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        samples.append((before + body + "x", (len(before), len(before) + len(body))))
    for clean, para in samples:
        got = phrases.split_sentences(clean, para, 7)
        assert got == plain(clean, para, 7) and all(type(s) is phrases.Sentence for s in got)


def test_pinyin_gloss_pattern_with_the_bracket_first_matches_its_plain_form(texts):
    import random

    normalise = importlib.import_module("innodrive.documents.normalise")
    plain = re.compile(r"(?<=[^\W\d_a-zA-Z])" + normalise._PINYIN_RE.pattern.replace(r"\((?<=[^\W\d_a-zA-Z]\()", r"\(", 1))
    assert plain.pattern.startswith(r"(?<=[^\W\d_a-zA-Z])\(\s*(")
    rng = random.Random(6)
    pieces = ["创", "新", "(", ")", "chuàng", "xin1", "ma3", " ", "a", "1", "（", "x(y)", "。"]
    samples = texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))) for _ in range(20000)]
    for text in samples:
        assert _spans(normalise._PINYIN_RE, text) == _spans(plain, text), text


def test_year_deadlines_tried_before_each_year_are_the_matches_of_the_pattern(sentences, texts):
    """deadlines() tries _YEAR_DEADLINE_RE only in the few positions before each 20dd年:
    the same matches, in the same order, as finditer over the whole text."""
    import random

    timeframe = importlib.import_module("innodrive.extraction.timeframe")
    rng = random.Random(8)
    pieces = ["到", "至", "截至", "截止到", "在", "力争", "确保", "计划", "预计", "2025年", "2024年", "2019年", "202", "5年",
              "其中", ",", ":", ";", "底", "末", "年底", "前", "以前", "之前", "主要", "预期", "目标", "全市", "x", "。", "月",
              "\n", "20252025年", "2025年2026年", "１２", "٢٠٢٥年"]
    samples = sentences + texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 20))) for _ in range(30000)]
    for text in samples:
        assert _spans(timeframe._YEAR_DEADLINE_RE, text) == [
            (m.span(), m.groups()) for m in timeframe._year_deadline_matches(text)], text


def test_plan_deadlines_tried_before_each_plan_period_are_the_matches_of_the_pattern(sentences, texts):
    """deadlines() tries _PLAN_DEADLINE_RE only in the few positions before each 十X五: the
    same matches, in the same order, as finditer over the whole text."""
    import random

    timeframe = importlib.import_module("innodrive.extraction.timeframe")
    assert timeframe._PLAN_LEAD == 3   # 经过 or 通过, then a quote
    rng = random.Random(9)
    pieces = ["到", "至", "在", "经过", "通过", "“", "”", '"', "'", "「", "十", "十四五", "十五五", "十三", "五", "四五",
              "期末", "末", "时期", "期间", "期", "规划期", "x", ",", "。", "\n", "十十四五", "经", "过"]
    samples = sentences + texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 20))) for _ in range(30000)]
    for text in samples:
        assert _spans(timeframe._PLAN_DEADLINE_RE, text) == [
            (m.span(), m.groups()) for m in timeframe._plan_deadline_matches(text)], text


def test_metadata_years_tried_before_each_core_are_the_matches_of_the_patterns(texts):
    """find_horizon and annual_year_of try _FUTURE_YEAR and _PLAN_YEAR only in the few
    positions before each 20dd年 or 十X五 (scan.matches_near): the same matches, in the same
    order, as finditer over the whole text."""
    import random

    metadata = importlib.import_module("innodrive.extraction.metadata")
    timeframe = importlib.import_module("innodrive.extraction.timeframe")
    scan = importlib.import_module("innodrive.extraction.scan")
    assert (metadata._FUTURE_YEAR_REACH, metadata._PLAN_YEAR_REACH) == (2, 7)
    rng = random.Random(10)
    pieces = ["到", "至", "力争", "确保", "2025年", "2030年", "202", "5年", "20", "目标", "。", "x", "今年", "本年度", "是",
              "实施", "“", '"', "十四五", "十五五", "十", "五", "”", "规划", "的", "开局之年", "收官之年", "中期之年", "年"]
    samples = texts + ["今年是“十五五”开局之年", "x本年度是实施十四五规划的收官之年", "力争2030年,到2025年"]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 20))) for _ in range(30000)]
    pairs = ((timeframe.YEAR_CORE, metadata._FUTURE_YEAR, metadata._FUTURE_YEAR_REACH),
             (timeframe.PLAN_CORE, metadata._PLAN_YEAR, metadata._PLAN_YEAR_REACH))
    for text in samples:
        for core, rx, reach in pairs:
            assert _spans(rx, text) == [(m.span(), m.groups()) for m in scan.matches_near(core, rx, reach, text)], text


def test_paragraphs_passed_over_by_their_first_character_cannot_open_a_heading(texts):
    """find_headings skips a paragraph whose first character is not in HEADING_FIRST: no
    heading style can match there."""
    outline = importlib.import_module("innodrive.extraction.outline")
    edges = importlib.import_module("innodrive.extraction.edges")
    for _, rx in outline.STYLES:
        first = edges.opening_chars(rx)
        assert first is not None and first <= outline.HEADING_FIRST, rx.pattern
    for text in texts:
        for line in text.split("\n"):
            if line and line[0] not in outline.HEADING_FIRST:
                assert outline.match_heading(line) is None


def _own_mentions(metadata, text: str, name: str) -> int:
    """Occurrences of ``name`` in ``text`` not inside a longer place name, position by position."""
    longer = metadata._overlapping(name)
    return sum(1 for pos in range(len(text)) if text.startswith(name, pos)
               and not any(text.startswith(w, pos - off) for w, off in longer if pos >= off))


def test_place_names_looked_up_from_pairs_that_can_open_one_are_all_found(texts):
    """_place_counts collects only the pairs whose second character is second in some place
    name: the names looked for, and their order, are those from every pair."""
    import random

    metadata = importlib.import_module("innodrive.extraction.metadata")
    names = metadata._places().names
    first = "".join(re.escape(c) for c in sorted({n[0] for n in names}))
    every_pair = re.compile(f"(?=([{first}].))", re.S)
    by_pair = metadata._names_by_first_pair()
    rng = random.Random(12)
    pool = [n for n in sorted(names)] + ["市", "省", "的", "\n", "，", "1"]
    samples = [t[:20000] for t in texts] + ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
                                            for _ in range(3000)]
    def looked_for(rx, text):
        return [n for pair in dict.fromkeys(rx.findall(text)) for n in by_pair.get(pair, ())]

    for text in samples:
        assert looked_for(metadata._first_pair_re(), text) == looked_for(every_pair, text)


def test_place_mentions_counted_at_pair_positions_equal_a_plain_count_of_every_name(texts):
    """_place_counts tests each name only where its first pair occurs: the counts, and the
    order of the places, are those of scanning the text for every name (a longer name
    taking its occurrences from the shorter names inside it)."""
    import random
    from collections import Counter

    metadata = importlib.import_module("innodrive.extraction.metadata")
    names = metadata._places().names

    def plain(text):
        counts = Counter()
        # names in the order their first pair first occurs (a stable sort: the table's order within a pair)
        for n in sorted(names, key=lambda n: text.find(n[:2]) if n[:2] in text else len(text)):
            own = _own_mentions(metadata, text, n)
            if own:
                counts[names[n]] += own
        return counts

    rng = random.Random(16)
    pool = sorted(names) + ["市", "省", "林", "的", "\n", "，"]
    samples = [t[:3000] for t in texts] + ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
                                           for _ in range(300)]
    for text in samples:
        got, want = metadata._place_counts(text), plain(text)
        assert got == want, text[:80]
        assert [code for code in got] == [code for code in want if code in got], text[:80]


def test_mentions_of_some_regions_counted_at_their_pairs_equal_a_count_of_each_name(texts):
    """_place_counts with ``only`` tests each name where its first pair occurs: the counts,
    and the order of the places (the regions' order, each at its first name found), are
    those of counting each name of those regions on its own."""
    import random
    from collections import Counter

    metadata = importlib.import_module("innodrive.extraction.metadata")
    names = metadata._places().names
    by_code = metadata._names_by_code()

    def plain(text, only):
        counts = Counter()
        for n in (n for code in sorted(only) for n in by_code.get(code, ())):
            own = _own_mentions(metadata, text, n)
            if own:
                counts[names[n]] += own
        return counts

    rng = random.Random(17)
    codes = sorted(by_code)
    pool = sorted(names) + ["市", "省", "林", "的", "\n", "，"]
    samples = [t[:3000] for t in texts] + ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
                                           for _ in range(300)]
    for text in samples:
        present = [names[n] for n in names if n in text]
        for only in (frozenset(present), frozenset(rng.sample(codes, 20)), metadata._related(frozenset(present[:2]))):
            got, want = metadata._place_counts(text, only), plain(text, only)
            assert got == want, text[:80]
            assert list(got) == list(want), text[:80]


def test_longer_names_looked_for_among_those_sharing_a_character_are_those_of_every_name():
    """_overlapping reads the longer names holding a name from the table built (among the
    names that hold its first character) and kept with the place tables: the same names,
    offsets and order as a scan of every place name, for every name."""
    metadata = importlib.import_module("innodrive.extraction.metadata")
    names = metadata._places().names
    for name in names:
        assert metadata._overlapping(name) == tuple((n, n.find(name)) for n in names if name in n and n != name)




def test_mentions_inside_longer_names_opening_alike_are_the_plain_counts():
    """_add_mentions asks one startswith of every longer name at a position when all of them
    open with the name (吉林 → 吉林市, 吉林省): the same count as the test of each longer name at
    its offset, on random strings of the names' pieces."""
    from collections import Counter

    metadata = importlib.import_module("innodrive.extraction.metadata")
    rng = random.Random(16)
    for name in metadata._places().names:
        longer = metadata._overlapping(name)
        if not longer:
            continue
        pieces = [name, name[0], name[-1], "省", "市", "和", *(w for w, _ in longer)]
        for _ in range(5):
            text = "".join(rng.choice(pieces) for _ in range(30))
            at = [p for p in range(len(text)) if text.startswith(name, p)]
            got: Counter[str] = Counter()
            metadata._add_mentions(got, "x", name, text, at)
            want = sum(1 for pos in at if not any(text.startswith(w, pos - off) for w, off in longer if pos >= off))
            assert got["x"] == want, (name, text)

def test_stored_region_tables_equal_those_built_from_the_place_tables():
    """_children and _names_by_code read tables built and kept with the place tables: equal,
    in value and order, to what they built from the place tables in each process before."""
    metadata = importlib.import_module("innodrive.extraction.metadata")
    children: dict[str, list[str]] = {}
    for p in metadata._places().places.values():
        if p.parent and p.level != "county":
            children.setdefault(p.parent, []).append(p.code)
    by_code: dict[str, list[str]] = {}
    for n, code in metadata._places().names.items():
        by_code.setdefault(code, []).append(n)
    for got, want in ((metadata._children(), children), (metadata._names_by_code(), by_code)):
        assert list(got.items()) == [(c, tuple(v)) for c, v in want.items()]

def _plain_parts_from_digits(code, counted, after):
    """``programmes._parts_from_digits`` as it was before the index: every phrase after ``after`` read."""
    digits = [int(c) for c in code if c.isdigit()]
    if len(digits) < 2:
        return []
    parts, k = [], 0
    for pos, n, text in counted:
        if pos < after or k >= len(digits):
            continue
        if n == digits[k] and text not in parts:
            parts.append(text)
            k += 1
    return parts if k == len(digits) else []


def test_programme_parts_found_through_the_index_are_those_of_the_plain_scan(texts):
    import random

    programmes = importlib.import_module("innodrive.extraction.programmes")
    rng = random.Random(5)
    numerals = "一二两三四五六七八九十"
    cases = []
    for t in texts:  # the corpus's own counted phrases and codes
        counted = [(m.start(), int(programmes.parse_number(m.group("n")) or 0), m.group(0).strip("“”"))
                   for m in programmes._COUNTED_RE.finditer(t)]
        codes = [(m.group("code"), m.start()) for m in programmes._CODE_RE.finditer(t)]
        cases.append((counted, codes + [("5553", 0), ("135", len(t) // 2)]))
    for _ in range(300):  # random phrases, repeated texts among them, codes with 0 and digits no phrase reads
        counted, pos = [], 0
        for _ in range(rng.randint(0, 40)):
            pos += rng.randint(0, 30)
            c = rng.choice(numerals)
            counted.append((pos, int(programmes.parse_number(c) or 0), f"{c}{rng.choice('个项大')}{rng.choice('中心平台基地')}"))
        codes = [("".join(rng.choice("0123456789") for _ in range(rng.randint(1, 6))), rng.randint(-5, pos + 5))
                 for _ in range(20)]
        cases.append((counted, codes))
    taken = 0
    for counted, codes in cases:
        index = programmes._counted_index(counted)
        for code, after in codes:
            plain = _plain_parts_from_digits(code, counted, after)
            assert programmes._parts_from_digits(code, counted, after, index) == plain, (code, after)
            assert programmes._parts_from_digits(code, counted, after) == plain
            taken += bool(plain)
    assert taken > 50  # the cases do find parts, not only misses


def test_number_codes_found_with_the_curly_quote_pattern_are_the_matches_of_the_pattern(texts):
    import random

    programmes = importlib.import_module("innodrive.extraction.programmes")
    rng = random.Random(9)
    pieces = ["“", "”", '"', "5553", "135", "3+N", "1+2+3", "12", "7", "的", "行动计划", "工作思路", "发展格局", "体系",
              "“5553”行动计划", '"135"工作思路', "“2+2”工程", "实施", "，", "。", "\n"]
    samples = list(texts) + [t.replace("“", '"', 3) for t in texts]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    found = 0
    for text in samples:
        expected = [(m.span(), m.groups(), m.groupdict()) for m in programmes._CODE_RE.finditer(text)]
        assert [(m.span(), m.groups(), m.groupdict()) for m in programmes.code_matches(text)] == expected, text
        found += len(expected)
    assert found > 100


def _notable_re():
    """Every notable character as one character class: the reference ``notable_chars`` gives
    the answer of."""
    n = importlib.import_module("innodrive.documents.normalise")
    notable = n._WIDTH_CHARS | n.traditional_chars() | set(n._CONTROL_CHARS)
    return re.compile("[" + re.escape("".join(sorted(notable))) + "]")


def test_scale_clusters_tried_only_before_each_yi_are_the_matches_of_the_pattern(sentences, texts):
    """_scale_one_matches tries _SCALE_ONE_RE only at the starts 3–23 characters before
    each 亿: the same matches, in the same order, as finditer over the whole text, on the
    corpus and on random strings of the pattern's own pieces (names of every length, each
    form of scale, look-behind digits and points, curly quotes, several 亿 close together)."""
    import random

    targets = importlib.import_module("innodrive.extraction.targets")
    rng = random.Random(23)
    pieces = ["光电信息", "先进材料", "绿色化工", "新一代", "电子", "打造", "一个", "“", "”", "万亿", "千亿", "百亿", "十亿", "亿",
              "亿元", "元", "级", "产业集群", "产业链", "集群", "产业", "1", "23", "456789", "1234567", ".", "5", ".25", "。",
              "，", "、", "a", "B", "_", " ", "亿亿", "3亿", "100亿元级", "千亿级", "9.9999亿"]
    noise = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(30000)]
    noise += ["名" * k + "亿" * j + "万亿产业集群" for k in range(0, 30) for j in range(3)]
    noise += ["名" * k + "1" * d + frac + "亿集群" for k in range(0, 16) for d in range(0, 9)
              for frac in ("", ".5", ".1234", ".12345")]
    for text in [*texts, *sentences, *noise]:
        assert _spans(targets._SCALE_ONE_RE, text) == [
            (m.span(), m.groups()) for m in targets._scale_one_matches(text)], text



@pytest.mark.parametrize(("pattern", "opening", "closing"), [
    (r"^(?:新增|新建|重新认定)", "新重", None),
    (r"(?:截至|截止)?(20\d\d)年", "截2", None),
    (r"(?:甲|乙)?(?:丙|丁)?戊", "甲乙丙丁戊", None),
    (r"(?<=x)a(?=b)c", "a", None),
    (r"(?>ab)|c{2,}|d{0}e|[f-h]+?", "acefgh", None),
    (r"(?:力争|确保)$", "力确", "争保\n"),
    (r"(?:高于|快于)(?:平均|水平)(?:水平)?$", "高快", "均平\n"),
    (r"x\Z", "x", "x"),
    (r"a(?:b|c?)$", "a", "abc\n"),
    (r"[^a]b", None, None), (r".b$", None, "b\n"), (r"\wb", None, None), (r"b\w$", "b", None),
    (r"a?", None, None), (r"(?:a|)b$", "ab", "b\n"), (r"b(?:a|)$", "b", "ab\n"), (r"(?:a|)$", None, None),
    (r"(?i)ab$", None, None), (r"a(?i:b)$", "a", None), (r"(?m)ab$", None, None), (r"(a)\1", "a", None),
    (r"ab", "a", None), (r"a$b", "a", None),
])
def test_edge_characters_derived_from_a_pattern(pattern, opening, closing, tmp_path, monkeypatch):
    """edges reads the first and last characters of the matches from the parsed pattern, and
    says None where they are unbounded (a negated class, ``.``, a category, a match that may
    be empty, ignored case, a back-reference) or, for the last ones, where the pattern is
    not anchored at the end (``$`` adds the line break it matches before; ``\\Z`` does not)."""
    edges = importlib.import_module("innodrive.extraction.edges")
    regex_cache = importlib.import_module("innodrive.regex_cache")
    monkeypatch.setattr(regex_cache, "_FILE", str(tmp_path / "cache.marshal"))  # (these patterns are not the package's)
    monkeypatch.setattr(regex_cache, "_cache", None)
    rx = re.compile(pattern)
    assert edges.opening_chars(rx) == (None if opening is None else set(opening))
    assert edges.closing_chars(rx) == (None if closing is None else set(closing))
    assert (edges.opening_gate(rx) is edges.EVERY) == (opening is None)
    assert (edges.closing_gate(rx) is edges.EVERY) == (closing is None)
    assert "x" in edges.EVERY and "" in edges.EVERY
    rng = random.Random(pattern)
    alphabet = sorted({*re.findall(r"[^\W\d_]", pattern), "x", "1", "\n", "z"})
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        if rx.match(text):
            assert text[:1] in edges.opening_gate(rx), (pattern, text)
        if rx.search(text) and closing is not None:
            assert text[-1:] in edges.closing_gate(rx), (pattern, text)


def test_the_gated_patterns_have_bounded_edges():
    """Every first- or last-character gate of the rules is a bounded set of characters (a
    pattern rewritten so that its edge is unbounded would make its gate let everything
    through: the rule would still be right, but slow), and the quote openers are those of
    the quoted-span pattern's alternatives."""
    targets = importlib.import_module("innodrive.extraction.targets")
    phrases = importlib.import_module("innodrive.extraction.phrases")
    gates = [targets._TARGET_VERBS_FIRST, targets._NAMED_AFTER_FIRST, targets._NOT_AFTER_UNIT_FIRST,
             targets._REFERENCE_VERBS_FIRST, targets._YEAR_OPENING_FIRST, targets._SCOPE_TAIL_LAST, targets._FROM_LAST,
             targets._MARGIN_BEFORE_LAST, targets._EACH_TAIL_LAST, targets._DECLINE_END_LAST,
             targets._RATE_OF_CHANGE_LAST, phrases._TRAIL_LAST, targets._VERB_TAIL_LAST, targets._MILESTONE_OBJECT_LAST,
             phrases._INDICATOR_NOUNS_LAST]
    for gate in gates:
        assert isinstance(gate, frozenset) and 0 < len(gate) < 80, gate
    assert {alt.lstrip("\\")[0] for alt in phrases._QUOTES.pattern.split("|")} == phrases.QUOTE_OPENERS
    outline = importlib.import_module("innodrive.extraction.outline")
    edges = importlib.import_module("innodrive.extraction.edges")
    for _, rx in outline.STYLES:   # (match_heading tries a style only where its marker can open)
        assert edges.opening_chars(rx) is not None and edges.opening_chars(rx) <= outline.HEADING_FIRST, rx.pattern


def test_indicators_trimmed_with_the_lead_words_matched_at_the_start_are_those_of_sub(sentences):
    """trim_indicator takes the lead words off with one ``match`` at the start (``_LEAD_RE``
    opens with ``^``, so ``sub`` can replace nothing else): the same scope and indicator as
    the plain loop with ``sub``, on the corpus's clauses and on random strings of the lead
    words, the scope words and the trailing words."""
    phrases = importlib.import_module("innodrive.extraction.phrases")

    def plain(phrase):
        scope = None
        s = phrase.strip(phrases._PUNCT_EDGE)
        for _ in range(8):
            before = s
            s = phrases._LEAD_RE.sub("", s).strip(phrases._PUNCT_EDGE)
            sc, s = phrases.split_scope(s)
            scope = scope or sc
            s = phrases._TRAIL_RE.sub("", s).strip(phrases._PUNCT_EDGE)
            if s == before:
                break
        if "的" in s:
            s = phrases._MODIFIER_IN.sub("", s)
        return scope, s

    rng = random.Random(37)
    pieces = ["到2025年", "2025年底", "全年", "力争", "确保", "进一步", "实现", "建成", "在科研、工业等领域", "具有竞争力的",
              "1.", "(3)", "(二)", "三、", "“十四五”期间", "全市", "各县(市、区)", "高新区", "新增", "高新技术企业",
              "数量", "指标", "等", "的", "均", "年均", ",", "、", " ", "和", "\n", "5"]
    samples = [c for s in sentences for c in re.split("[,;:]", s)]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    for text in samples:
        assert phrases.trim_indicator.__wrapped__(text) == plain(text), text


def test_heading_years_and_plan_periods_are_searched_only_in_titles_holding_their_characters(sentences, texts):
    """sections searches a heading for years (_HOLD_NIAN) only when it holds 年, and for
    plan periods only when it holds 十: on the corpus's headings and sentences and random
    strings of the patterns' words, no title without the character has a match, and the
    roles and years of the corpus's headings are those of the ungated searches."""
    from innodrive.extraction import sections
    from innodrive.extraction.outline import find_headings
    from innodrive.extraction.timeframe import plan_periods

    rng = random.Random(41)
    pieces = ["2025", "2021", "1998", "年", "—", "至", "到", "今年", "本年度", "年内", "全年", "明年", "十四五", "十三",
              "五", "“", "”", "时期", "主要目标", "工作回顾", "重点任务", "年度", "十", "今", "明"]
    titles = [h.title for t in texts for h in find_headings(t, _paragraphs(t))]
    samples = [*titles, *sentences, *("".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(4000))]
    for t in samples:
        if "年" not in t:
            assert not any(rx.search(t) for rx in sections._HOLD_NIAN), t[:40]
        if "十" not in t:
            assert plan_periods(t) == [], t[:40]
    plain = {"_years": lambda t: sections._YEAR.findall(t), "_plans": plan_periods}
    for year in (None, 2020, 2024, 2026):
        gated = [(sections.title_role(t, year), sections.title_year(t, year)) for t in samples]
        saved = {n: getattr(sections, n) for n in plain}
        try:
            for n, f in plain.items():
                setattr(sections, n, f)
            assert gated == [(sections.title_role(t, year), sections.title_year(t, year)) for t in samples]
        finally:
            for n, f in saved.items():
                setattr(sections, n, f)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _plain_noun_after(after: str) -> str:
    targets = importlib.import_module("innodrive.extraction.targets")
    after = targets._ALTERNATIVE.sub("", after)
    m = targets._LIST_WITH_ETC.match(after)
    if m:
        return m.group(0)
    m = targets._NOUN_AFTER.match(after)
    if not m:
        return ""
    noun = m.group(0)
    return noun if targets._NOUN_START.match(noun) else ""


def test_noun_after_a_quantity_gated_by_its_words_is_the_noun_of_the_plain_matches(sentences, texts):
    """_noun_after matches the bracketed alternative only after an opening bracket and the
    list closed by 等 only in a text holding 、 and 等: on every 40 characters after a
    position of the corpus and on random strings of the patterns' pieces, the noun is that
    of the plain matches (and no text without the characters has a match)."""
    targets = importlib.import_module("innodrive.extraction.targets")
    rng = random.Random(23)
    pieces = ["(", ")", "个", "项", "、", "等", ",", ";", "。", "以上", "“", "”", "高新技术企业", "平台", "12", "和", "活动",
              "专题教育", "家长课堂"]
    samples = [t[i:i + 40] for t in texts for i in range(0, len(t), 7)] + sentences
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(5000)]
    for after in samples:
        assert targets._noun_after.__wrapped__(after) == _plain_noun_after(after), after
        if "、" not in after or "等" not in after:
            assert not targets._LIST_WITH_ETC.match(targets._ALTERNATIVE.sub("", after)), after
        if after[:1] != "(":
            assert targets._ALTERNATIVE.sub("", after) == after, after


def _unnamed_kept(targets, samples, may_name) -> list:
    """The (object, verb) pairs that ``may_name`` rules out although _milestone_items keeps an item."""
    return [(obj, verb) for obj, verb in samples
            if not may_name(obj, verb) and targets._milestone_items(obj, verb, verb)]


def test_milestone_objects_ruled_out_before_their_items_give_no_item(sentences, texts):
    """_milestones asks _may_name_milestones before _milestone_items: on the objects after
    every milestone verb of the corpus and on random objects made of the pieces of the
    rules (object words, 消除/普及, modifiers, joiners, line breaks), no object it rules out
    has an item — and a gate that forgot 消除/普及 would lose some."""
    targets = importlib.import_module("innodrive.extraction.targets")
    rng = random.Random(53)
    samples = [(m.group("obj"), m.group("verb")) for t in [*texts, *sentences]
               for m in targets._MILESTONE_VERB_FIRST.finditer(t)]
    pieces = ["示范区", "城市", "中心", "名单", "平台", "县", "市", "集群", "高新区", "消除", "普及", "基本普及", "建成", "获批",
              "全面", "具有", "特色的", "的", "、", "和", "“", "”", "\n", "国家", "创新型", "任务", "贫困", "教育", "水平",
              "全省", "力争", "一流"]
    verbs = list(targets._MILESTONE_VERBS)
    samples += [("".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))), rng.choice(verbs)) for _ in range(6000)]
    assert len(samples) > 6200
    assert _unnamed_kept(targets, samples, targets._may_name_milestones) == []
    ends = targets._MILESTONE_OBJECT_LAST
    assert _unnamed_kept(targets, samples, lambda obj, verb: not ends.isdisjoint(obj))


def test_leads_taken_off_with_one_match_and_first_sentence_ends_found_by_find_are_those_of_the_patterns(
        sentences, texts):
    """``_strip_firm`` and programmes' ``_strip_verbs`` cut the match of a ``^`` pattern
    instead of calling ``sub``, and the first end of a sentence is found with ``str.find``
    for each character of SENTENCE_END: the same texts and positions as the patterns give,
    on the corpus and on random strings of their words."""
    phrases = importlib.import_module("innodrive.extraction.phrases")
    programmes = importlib.import_module("innodrive.extraction.programmes")
    targets = importlib.import_module("innodrive.extraction.targets")
    assert set(targets._SENTENCE_ENDS) == set(re.fullmatch(r"\[(.*)\]", phrases.SENTENCE_END.pattern).group(1))

    def plain_verbs(text):
        for _ in range(3):
            text = programmes._VERBS.sub("", text)
        if "的" in text:
            text = programmes._MODIFIER.sub("", text)
        return text.strip("、,和及与 ")

    rng = random.Random(41)
    pieces = ["力争", "确保", "努力", "争取", "全年", "年内", "全市", "全省", "大力实施", "实施", "建成", "基本建成", "以",
              "发展", "创新", "具有特色的", "。", "!", "?", "、", " ", "\n", "5"]
    samples = [c for s in sentences for c in re.split("[,;:]", s)] + texts
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    for text in samples:
        assert targets._strip_firm.__wrapped__(text) == targets._FIRM_SCOPE_LEAD.sub("", text), text
        assert programmes._strip_verbs(text) == plain_verbs(text), text
        for a in {0, len(text) // 3}:
            m = phrases.SENTENCE_END.search(text, a, len(text))
            assert targets._first_sentence_end(text, a, len(text)) == (m.start() if m else len(text)), text


def test_heading_styles_tried_by_their_first_character_find_what_every_style_finds(texts):
    """match_heading tries only the styles whose marker can open with the paragraph's first
    character: the same answer as trying every style in order, on the corpus's paragraphs
    and on random strings of markers."""
    outline = importlib.import_module("innodrive.extraction.outline")

    def plain(text):
        for style, rx in outline.STYLES:
            m = rx.match(text)
            if not m:
                continue
            rest = text[m.end():]
            if not rest or not outline._TITLE_START.match(rest):
                continue
            if style in ("cn_yao", "cn_shi") and len(m.group(1)) > 3:
                continue
            return style, m.group(1), m.end()
        return None

    rng = random.Random(43)
    pieces = ["第", "一", "十", "两", "百", "3", "12", "(", ")", "、", ".", "章", "节", "部分", "条", "①", "⑴", "要", "是",
              "求", "否", " ", "2025年", "创新", "。", "“"]
    samples = [line for t in texts for line in t.split("\n")]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    for text in samples:
        assert outline.match_heading(text) == plain(text), text


def test_heading_labels_built_from_their_style_alone_are_those_of_the_table_of_every_style():
    """label_for builds only the label of the heading's own style: the label the table of
    every style's label gives."""
    outline = importlib.import_module("innodrive.extraction.outline")

    def plain(style, numeral):
        return {"cn_dun": numeral, "cn_paren": f"({numeral})", "ar_dot": numeral, "ar_paren": f"({numeral})",
                "circled": numeral, "paren_circled": numeral, "cn_yao": f"{numeral}要", "cn_shi": f"{numeral}是",
                "di_zhang": f"第{numeral}章", "di_jie": f"第{numeral}节", "di_bufen": f"第{numeral}部分",
                "di_tiao": f"第{numeral}条"}[style]

    for style, _ in outline.STYLES:
        for numeral in ("一", "十三", "两百", "7", "12", "①", "⑴"):
            assert outline.label_for(style, numeral) == plain(style, numeral)


def test_co_units_tried_before_each_body_word_are_the_matches_of_the_pattern(texts):
    """owners tries the co-unit pattern only two characters before each 单位 or 部门: the
    same matches as its own scan, on the corpus and on random strings of its words."""
    outline = importlib.import_module("innodrive.extraction.outline")
    assert all(len(role) == 2 for role in outline._CO_ROLES)
    rng = random.Random(53)
    pieces = [*outline._CO_ROLES, *outline._BODIES, "牵头", ":", "：", " ", "市科技局", "、", ";", "。", ")", "\n", "责"]
    samples = texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    for text in samples:
        assert [(m.span(), m.groups()) for m in outline._co_matches(text)] == _spans(outline._CO_RE, text), text


def test_heading_roles_asked_after_one_search_for_any_role_word_are_those_of_the_five_searches(sentences):
    """title_role searches a heading for the words of each role only when the pattern of all
    of them finds one: the same role and reason as the five searches, on the corpus's
    sentences and on random titles of role words and years."""
    sections = importlib.import_module("innodrive.extraction.sections")

    def plain(title, doc_year):
        past_year = sections._past_year_named(title, doc_year)
        goal_words = sections._GOALS.search(title)
        m = sections._REVIEW.search(title)
        if m and not (goal_words and not past_year and "成就" not in m.group(0) and "回顾" not in m.group(0)):
            return sections.REVIEW, m.group(0)
        if past_year and not sections._future_named(title, doc_year):
            return sections.REVIEW, f"标题年份{past_year}早于文件年份"
        for role, rx in ((sections.BACKGROUND, sections._BACKGROUND), (sections.SAFEGUARDS, sections._SAFEGUARDS)):
            m = rx.search(title)
            if m:
                return role, m.group(0)
        if goal_words:
            return sections.GOALS, goal_words.group(0)
        m = sections._TASKS.search(title)
        return (sections.TASKS, m.group(0)) if m else (None, "")

    rng = random.Random(59)
    pieces = ["2024年", "2026年", "“十四五”", "十五五", "今年", "明年", "工作回顾", "主要成就", "发展基础", "面临形势", "背景",
              "主要目标", "指标", "保障措施", "组织实施", "重点任务", "行动", "工程", "创新", "加快建设", "的", "和"]
    samples = sentences + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 5))) for _ in range(5000)]
    for title in samples:
        for doc_year in (None, 2025, 2026):
            assert sections.title_role(title, doc_year) == plain(title, doc_year), title
