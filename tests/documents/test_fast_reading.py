"""The short cuts of reading a document give exactly what the plain steps they replace give.

Lines that lose only their indent (or nothing) are taken as one slice of the source instead
of being cut into pieces and joined again; a one-line paragraph is its line; script
detection stops counting hanzi once the opening of the text settles the answer; the
distinct characters normalisation acts on come from the regex once it is built. Each is
compared here with its plain form, on the real corpus and on random text, so that a later
edit cannot drift from it unnoticed.
"""

from __future__ import annotations

import importlib
import random
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
EXAMPLES = ROOT / "examples" / "documents"

normalise_mod = importlib.import_module("innodrive.documents.normalise")
offsets_mod = importlib.import_module("innodrive.documents.offsets")

# the pieces a line of a policy document is made of, including what normalisation cuts
_PIECES = ["全市", "科技", "创新", "。", "，", "、", " ", "  ", "\u2003", "\t", "**", "创(chuàng)", "（上接第2版）",
           "2025年", "50%", "abc", "A B", "研发 经费", "(一)", "“5553”", "版", "\x1b[2J", "\x07"]


def _random_line(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12)))


def _orig_of_every_char(m) -> list[int]:
    return [m.orig(i) for i in range(len(m.text))]


@pytest.mark.parametrize("seed", range(4))
def test_a_line_kept_as_one_slice_maps_like_the_line_cut_and_joined(seed):
    rng = random.Random(seed)
    MText = offsets_mod.MText
    for _ in range(3000):
        line = _random_line(rng)
        before = "".join(_random_line(rng) for _ in range(rng.randint(0, 2)))
        # a source mapped in several runs (as HTML or a PDF's text is), the line somewhere inside it
        text = before + "\n" + line + "\n"
        runs, pos, orig = [], 0, 0
        while pos < len(text):
            runs.append((pos, orig))
            step = rng.randint(1, 6)
            pos, orig = pos + step, orig + step + rng.randint(0, 3)
        source = MText(text, tuple(runs))
        start = len(before) + 1
        for controls in (False, True):
            cuts = normalise_mod._line_deletions(line, controls)
            plain = source.with_text_of_slice(line, start)
            if cuts:
                plain = plain.without(cuts)
            plain = plain.strip()
            keep = normalise_mod._kept_slice(line, cuts)
            if keep is None:
                assert any(a > 0 and b < len(line) for a, b in cuts)  # only for a cut inside the line
                continue
            a, b = keep
            assert line[a:b] == plain.text
            if b > a:
                fast = source.with_text_of_slice(line[a:b], start + a)
                assert _orig_of_every_char(fast) == _orig_of_every_char(plain)


def _documents() -> list[tuple[str, bytes]]:
    paths = sorted(REAL.glob("*.txt")) + sorted(EXAMPLES.glob("*.txt"))
    return [(p.name, p.read_bytes()) for p in paths]


def _every_notable() -> frozenset[str]:
    """Every character normalisation acts on: the width-folded forms, the characters t2s
    changes and control characters."""
    return normalise_mod._WIDTH_CHARS | normalise_mod.traditional_chars() | frozenset(normalise_mod._CONTROL_CHARS)


def _plain_normalise(text, extra_furniture=frozenset()):
    """:func:`normalise` as it was written before the short cuts: every line cut and joined."""
    n = normalise_mod
    chars = set(text.text) & _every_notable()
    folded = n.fold_width_chars(text.text, chars)
    script = n.detect_script(folded, chars=chars)
    if script == "traditional":
        folded = n.to_simplified(folded)
    source = offsets_mod.MText(folded, text.runs)
    controls = n._has_controls(chars)
    extra = {n.fold_width(x).strip() for x in extra_furniture}
    lines = []
    for start, raw_line in n._lines(folded):
        stripped = raw_line.strip()
        if not stripped or stripped in extra or n.is_furniture_line(stripped.replace("**", "")):
            continue
        line = source.with_text_of_slice(raw_line, start)
        cuts = n._line_deletions(raw_line, controls)
        if cuts:
            line = line.without(cuts)
        line = line.strip()
        if line.text:
            lines.append(line)
    width = n.wrap_width([len(x.text) for x in lines])
    paragraphs, current, summary = [], [], ""
    for line in lines:
        if current and n.should_join(summary, line.text, last_line=len(current[-1].text), width=width):
            current.append(line)
            summary = n._summary(summary + line.text)
        else:
            if current:
                paragraphs.append(offsets_mod.concat(current))
            current, summary = [line], n._summary(line.text)
    if current:
        paragraphs.append(offsets_mod.concat(current))
    kept, _ = n.drop_repeats(paragraphs)
    return kept


def test_documents_read_with_the_short_cuts_map_every_character_as_before():
    """The whole clean text's map back to the original (what every span comes from) is
    the same, run for run, on the corpus, its traditional, hard-wrapped and indented forms."""
    import opencc

    from innodrive.documents.readers import read_bytes

    s2t = opencc.OpenCC("s2t")
    for name, data in _documents():
        text = data.decode("utf-8-sig")
        variants = [text, s2t.convert(text),
                    "\r\n".join(line[i:i + 28] for line in text.split("\n") for i in range(0, max(len(line), 1), 28)),
                    "\n".join("\u3000\u3000" + line + "  " for line in text.split("\n")),
                    "\n".join("\t" + line + "\u205f\t" for line in text.split("\n")),  # (no space cut: a tab indent)
                    # markdown bold, markers of continued pages and long separator lines (what a
                    # line is searched for only when the text holds it somewhere)
                    "\n".join(("**" + line + "**" if i % 3 == 0 else line) + ("~~~" * 40 if i % 7 == 3 else "")
                              for i, line in enumerate(text.split("\n"))) + "\n**第01版:一版要闻**\n（下转第3版）"]
        for variant in variants:
            raw = read_bytes(variant.encode("utf-8"), name)
            fast = offsets_mod.concat(normalise_mod.normalise(raw.text).paragraphs, sep="\n")
            plain = offsets_mod.concat(_plain_normalise(raw.text), sep="\n")
            assert fast.text == plain.text
            assert fast.runs == plain.runs


def _plain_script(text: str) -> str:
    """detect_script as it was written before the short cut: every hanzi of the sample counted."""
    part = text[:100_000]
    present = set(part) & normalise_mod.traditional_chars()
    if not present:
        return "simplified"
    hanzi = sum(map(len, normalise_mod._HAN_RUN.findall(part)))
    if hanzi == 0:
        return "simplified"
    changed = sum(part.count(ch) for ch in present)
    return "traditional" if changed / hanzi > 0.05 else "simplified"


def test_script_detection_decides_as_counting_every_hanzi():
    rng = random.Random(5)
    trad = sorted(normalise_mod.traditional_chars())[:200]
    simp = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
    rng.shuffle(trad)
    texts = []
    for _ in range(300):
        n = rng.randint(1, 12000)
        share = rng.choice([0, 0.01, 0.04, 0.05, 0.0501, 0.06, 0.3])
        chars = [rng.choice(trad) if rng.random() < share else rng.choice(simp) for _ in range(n)]
        for _ in range(rng.randint(0, n // 3)):  # digits, latin and punctuation between the hanzi
            chars.insert(rng.randrange(len(chars) + 1), rng.choice("0123456789abc ，。、\n"))
        texts.append("".join(chars))
    texts += [(p.read_text("utf-8")) for p in sorted(REAL.glob("*.txt"))[:3]]
    texts += ["這" + "的" * 19 + "x" * 5000, "這" + "的" * 20 + "x" * 5000, "這" * 3 + "x" * 5000 + "的" * 57]
    # the opening of forty characters per changed one, short of hanzi or just enough; a share of
    # the characters (not of the hanzi) just over or at 5 %
    texts += ["這" + "x" * 21 + "的" * 19 + "x" * 100, "這" + "x" * 20 + "的" * 20 + "x" * 100,
              "這這" + "x" * 60 + "的" * 40 + "x" * 5000, "x" * 39 + "這" + "的" * 19, "這" + "的" * 19,
              "這" * 5 + "x" * 95, "這" * 5 + "x" * 94, "這" * 5 + "x" * 96 + "的" * 3]
    for text in texts:
        assert normalise_mod.detect_script(text) == _plain_script(text)
        assert normalise_mod.detect_script(text, chars=set(text)) == _plain_script(text)


def test_every_character_t2s_changes_is_a_hanzi_of_the_script_count():
    """detect_script decides "traditional" from the share of changed characters among all
    the characters of the sample: that holds because each of them is counted as a hanzi."""
    assert sum(map(len, normalise_mod._HAN_RUN.findall(normalise_mod._traditional_text()))) == len(
        normalise_mod.traditional_chars())


def test_notable_characters_by_set_and_by_the_regex_are_the_same_set():
    """Before the class is built a short text's characters come from ``set()``; after,
    from the regex: both ways give the same set."""
    texts = ["２０２５年（一）發展個體\x1b[2J\r\n\u3000會議 ABC，。", "", "這是一個繁體字的會議決議" * 100,
             (REAL / "2026_江苏省_政府工作报告.txt").read_text("utf-8")[:8000]]
    normalise_mod._notable_split.cache_clear()
    by_set = [normalise_mod.notable_chars(t) for t in texts]
    assert normalise_mod._notable_split.cache_info().currsize == 0  # (short texts: the class was not built)
    normalise_mod._notable_split()
    by_regex = [normalise_mod.notable_chars(t) for t in texts]
    assert by_set == by_regex == [set(t) & _every_notable() for t in texts]


def _plain_drop_repeats(paragraphs):
    """:func:`drop_repeats` as it was written before the comparison was cut to a few C
    calls: ``.text`` read per candidate, the common prefix found by binary search on slices."""
    from rapidfuzz import fuzz

    def common_prefix(a, b):
        n = min(len(a), len(b))
        if a[:n] == b[:n]:
            return n
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if a[:mid] == b[:mid]:
                lo = mid
            else:
                hi = mid - 1
        return lo

    n = normalise_mod
    kept, dropped, exact, by_head, by_tail = [], [], set(), {}, {}
    for p in paragraphs:
        key = p.text
        if len(key) < n._DUP_MIN:
            kept.append(p)
            continue
        if key in exact:
            dropped.append(p)
            continue
        head, tail = key[:n._KEY], key[-n._KEY:]
        duplicate = False
        for j in {*by_head.get(head, ())[-n._CANDIDATES:], *by_tail.get(tail, ())[-n._CANDIDATES:]}:
            q = kept[j]
            if q is None:
                continue
            other = q.text
            if len(key) <= len(other):
                if len(key) >= n._FRAGMENT_MIN and (key in other or (
                        key[:n._FRAGMENT_MIN] == other[:n._FRAGMENT_MIN]
                        and common_prefix(key, other) >= 0.9 * len(key))):
                    duplicate = True
                    break
                if len(key) > 0.9 * len(other) and fuzz.ratio(key, other) >= 92:
                    duplicate = True
                    break
            elif len(other) >= n._FRAGMENT_MIN and other in key:
                dropped.append(q)
                kept[j] = None
        if duplicate:
            dropped.append(p)
            continue
        exact.add(key)
        idx = len(kept)
        kept.append(p)
        by_head.setdefault(head, []).append(idx)
        by_tail.setdefault(tail, []).append(idx)
    return [p for p in kept if p is not None], dropped


def _repeat_cases(seed: int) -> list[list[str]]:
    """Paragraph lists where repeats are found: the corpus, the corpus with its paragraphs
    shuffled and repeated (exact, truncated, cut at the 90 % boundary, a fragment inside a
    fuller copy, a character changed), and many paragraphs opening or ending alike."""
    rng = random.Random(seed)
    paras = [p for _, data in _documents() for p in data.decode("utf-8-sig").split("\n") if p.strip()]
    cases = [paras]
    mixed = []
    for _ in range(3000):
        p = rng.choice(paras)
        how = rng.randrange(7)
        if how == 0 and len(p) > 2:                       # truncated copy
            p = p[:rng.randint(len(p) // 2, len(p))]
        elif how == 1:                                    # the 90 % boundary of the common prefix
            k = max(int(0.9 * len(p)) + rng.choice((-1, 0, 1)), 0)
            p = p[:k] + "某" * (len(p) - k)
        elif how == 2 and len(p) > 60:                    # a fragment of a fuller copy
            a = rng.randint(0, len(p) - 45)
            p = p[a:a + rng.randint(40, len(p) - a)]
        elif how == 3 and p:                              # one character changed (near-equal)
            i = rng.randrange(len(p))
            p = p[:i] + "变" + p[i + 1:]
        elif how == 4:                                    # a fuller copy of an earlier paragraph
            p = rng.choice(paras)[:20] + p + "。"
        mixed.append(p)
    cases.append(mixed)
    # more than _CANDIDATES paragraphs opening alike and ending alike, of lengths around 40
    opening, ending = "全会提出，要坚持科技创新引领发展，", "，确保各项任务落到实处。"
    cases.append([opening + "".join(rng.choice("创新发展产业科技人才") for _ in range(rng.randint(0, 30))) + ending
                  for _ in range(400)])
    cases.append([opening[: rng.randint(10, len(opening))] for _ in range(100)] + ["", "短", opening * 3])
    cases.append(_sentence_pool_case(rng, paras))
    # paragraphs that share no opening and no ending; then later ones that share only the
    # ending (a fragment of an earlier one) or only the opening (a truncated copy) with one
    whole = list(dict.fromkeys(p for p in paras if len(p) > 80))[:60]
    cases += [whole, whole + [p[len(p) // 2:] for p in whole[::3]], whole + [p[:len(p) * 2 // 3] for p in whole[::3]]]
    return cases


def _sentence_pool_case(rng: random.Random, paras: list[str]) -> list[str]:
    """Paragraphs built from a small pool of sentences (as the benchmark's SYNTHETIC text
    is), so that many share an opening or an ending, and made hostile for the short cut
    that looks for the two ends of the shorter text before the containment itself: a
    paragraph whose opening or ending occurs again inside it, a fragment cut from the
    middle of a fuller copy (neither end of it at an end of the fuller one), a fuller copy
    that wraps an earlier paragraph, copies at the 90 % boundary and near-equal copies."""
    sentences = [x for p in paras for x in re.split(r"(?<=。)", p) if len(x) > 10][:60]
    out: list[str] = []
    for _ in range(1500):
        para = "".join(rng.choice(sentences) for _ in range(rng.randint(1, 5)))
        how = rng.randrange(9)
        if how == 0:                                   # the opening again inside the paragraph
            para = para + para[:rng.randint(16, 30)] + rng.choice(sentences)
        elif how == 1:                                 # the ending again inside the paragraph
            para = rng.choice(sentences) + para[-rng.randint(16, 30):] + para
        elif how == 2 and out:                         # a fragment from the middle of an earlier one
            q = rng.choice(out)
            if len(q) > 60:
                a = rng.randint(1, len(q) - 50)
                para = q[a:rng.randint(a + 40, len(q) - 1)]
        elif how == 3 and out:                         # a fuller copy around an earlier one
            para = rng.choice(sentences) + rng.choice(out) + rng.choice(sentences)
        elif how == 4 and out:                         # an exact or truncated copy
            q = rng.choice(out)
            para = q[:rng.randint(max(len(q) * 9 // 10 - 1, 1), len(q))]
        elif how == 5 and out:                         # one character changed
            q = rng.choice(out)
            i = rng.randrange(len(q))
            para = q[:i] + "改" + q[i + 1:]
        elif how == 6:                                 # numbers changed, as in the SYNTHETIC text
            para = re.sub(r"\d+", lambda m: str(rng.randint(1, 99)), para)
        out.append(para)
    return out


@pytest.mark.parametrize("seed", range(3))
def test_drop_repeats_equals_its_plain_form(seed):
    MText = offsets_mod.MText
    for texts in _repeat_cases(seed):
        paragraphs = [MText(t, ((0, i * 1000),)) for i, t in enumerate(texts)]
        fast_kept, fast_dropped = normalise_mod.drop_repeats(paragraphs)
        plain_kept, plain_dropped = _plain_drop_repeats(paragraphs)
        assert [id(p) for p in fast_kept] == [id(p) for p in plain_kept]
        assert [id(p) for p in fast_dropped] == [id(p) for p in plain_dropped]


def _plain_with_text_of_slice(source, text: str, start: int):
    """``MText.with_text_of_slice`` as it was before the one-run short cut: every run looked up."""
    from bisect import bisect_right

    MText = offsets_mod.MText
    if not text:
        return MText("")
    end = start + len(text)
    runs = source.runs
    new_runs = [(0, source.orig(start))]
    k = bisect_right(runs, (start, float("inf")))
    while k < len(runs) and runs[k][0] < end:
        new_runs.append((runs[k][0] - start, runs[k][1]))
        k += 1
    return MText(text, tuple(new_runs))


def test_a_slice_of_text_mapped_in_one_run_equals_the_slice_looked_up_run_by_run():
    """Plain text is mapped in one run, and each of its lines is cut from it with the short
    cut: the same runs as the general lookup, wherever the run starts (before, inside, at the
    end of or after the slice), on random sources and on every line of the corpus."""
    MText = offsets_mod.MText
    rng = random.Random(9)
    for _ in range(20000):
        n = rng.randint(1, 30)
        source = MText("x" * n, ((rng.randint(0, n + 2), rng.randint(0, 50)),))
        start = rng.randint(0, n)
        text = "x" * rng.randint(0, n - start)
        fast, plain = source.with_text_of_slice(text, start), _plain_with_text_of_slice(source, text, start)
        assert fast == plain and fast.runs == plain.runs, (source.runs, start, len(text))
    readers = importlib.import_module("innodrive.documents.readers")
    for name, data in _documents():
        source = readers.read_bytes(data, name).text
        for start, line in normalise_mod._lines(source.text):
            assert source.with_text_of_slice(line, start) == _plain_with_text_of_slice(source, line, start)


def _plain_span(m, start: int, end: int) -> tuple[int, int]:
    """``OffsetMap.span`` as it was written before :meth:`orig` was inlined into it."""
    if m.length == 0:
        return 0, 0
    start = min(max(start, 0), m.length - 1)
    end = min(max(end, start + 1), m.length)
    return m.orig(start), m.orig(end - 1) + 1


def test_spans_equal_the_two_lookups_of_orig():
    """``OffsetMap.span`` looks both ends up itself: the same spans as :meth:`orig` of each
    end, for spans inside, across, before and after the text and empty ones, on random
    maps (an empty map included) and on the maps of the corpus's documents."""
    documents = importlib.import_module("innodrive.documents")
    OffsetMap = offsets_mod.OffsetMap
    rng = random.Random(5)
    maps = []
    for _ in range(400):
        length = rng.randint(0, 60)
        runs, pos, orig = [], rng.randint(0, 3), rng.randint(0, 9)
        while pos < length or not runs and rng.random() < 0.5:
            runs.append((pos, orig))
            step = rng.randint(1, 8)
            pos, orig = pos + step, orig + step + rng.randint(0, 4)
        maps.append(OffsetMap(runs, length))
    maps += [OffsetMap([], 0), OffsetMap([], 5)]
    for m in maps:
        for _ in range(60):
            a, b = rng.randint(-5, m.length + 5), rng.randint(-5, m.length + 5)
            assert m.span(a, b) == _plain_span(m, a, b), (m._clean, m._orig, m.length, a, b)
    for name, data in _documents():
        doc = documents.read_document(data, name)
        n = len(doc.clean)
        for a in range(-2, n + 2, 97):
            for b in (a - 1, a, a + 1, a + 40, n + 3):
                assert doc.offsets.span(a, b) == _plain_span(doc.offsets, a, b)


def test_notable_characters_with_the_frequent_ones_split_off_are_those_of_the_whole_class():
    """notable_chars finds the frequent full-width punctuation with ``in`` and the rest with
    the class without them: the same set as the whole class's matches and as ``set()``, on
    the corpus and on random text made mostly of those characters and their neighbours."""
    n = normalise_mod
    rare, frequent = n._notable_split()
    whole = re.compile("[" + re.escape("".join(sorted(_every_notable()))) + "]")  # the whole class
    assert set(frequent) | set(rare.findall("".join(sorted(_every_notable())))) == set(_every_notable())
    assert not set(frequent) & set(rare.findall(frequent))
    # (the class is the string re.escape gives of all its characters: the table's are not ASCII)
    assert not any(c.isascii() for c in n._traditional_text())
    others = sorted(n._PLAIN_NOTABLE - n.traditional_chars() - set(frequent))
    assert rare.pattern == "[" + re.escape("".join(others) + "".join(
        c for c in n._traditional_text() if c not in frequent)) + "]"
    readers = importlib.import_module("innodrive.documents.readers")
    texts = [readers.read_bytes(data, name).text.text for name, data in _documents()]
    rng = random.Random(12)
    pool = list(n._FREQUENT_NOTABLE) + list(",();:!?") + ["發", "发", "\x1b", "\u3000", "Ａ", "a", "。", "\n"]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert n.notable_chars(text) == set(whole.findall(text)) == set(text) & _every_notable(), text[:40]


def test_furniture_lines_are_the_lines_the_whole_line_patterns_cover():
    """is_furniture_line asks the patterns of chrome that may stand anywhere in a line
    (``.*(?:words).*``) only of lines holding one of their words: the answer is the full
    match of every pattern in one alternation, as before, on real lines and random ones
    made of the words, the buttons and line breaks."""
    furniture = importlib.import_module("innodrive.documents.furniture")
    plain = re.compile("|".join(f"(?:{p})" for p in furniture._LINE_PATTERNS)
                       + "|" + "|".join(f"(?:.*(?:{p}).*)" for p in furniture._ANYWHERE))
    lines = [line.strip() for p in [*sorted(REAL.glob("*.txt")), *sorted(EXAMPLES.glob("*.txt"))]
             for line in p.read_text(encoding="utf-8").split("\n")]
    rng = random.Random(9)
    pieces = ["技术支持", "：", ":", " ", "\n", "大", "中", "小", "【", "字", "号", "体", "放大", "缩小", "~", "扫一扫",
              "在手机打开", "手机", "x", "天气预报", "版", "第", "1", "日报社", "出版", "ICP备", "版权所有"]
    lines += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(20000)]
    lines += ["大 中 小", "大中小 ", "大中小\n", "字号：大", "~~~", "~~", "技术支持\n：x", "a\n扫一扫", "【 字体"]
    for line in lines:
        if line and len(line) <= furniture._MAX_FURNITURE_LEN:
            assert furniture.is_furniture_line(line) == (plain.fullmatch(line) is not None), repr(line)


def test_mtext_made_through_its_slots_is_the_frozen_dataclass_the_generated_init_makes():
    """MText sets its two slots directly instead of through ``object.__setattr__``: the
    object is the same as the generated ``__init__`` of a frozen dataclass makes, and stays frozen."""
    import dataclasses

    @dataclasses.dataclass(frozen=True, slots=True)
    class Plain:
        text: str
        runs: tuple[tuple[int, int], ...] = ()

    MText = offsets_mod.MText
    for args in [("ab", ((0, 3),)), ("", ()), ("x",), ("全市科技", ((0, 7), (2, 12)))]:
        m, p = MText(*args), Plain(*args)
        assert (m.text, m.runs) == (p.text, p.runs)
        assert m == MText(*args) and hash(m) == hash(MText(*args))
        assert repr(m).partition("(")[2] == repr(p).partition("(")[2]
        assert dataclasses.astuple(m) == dataclasses.astuple(p)
        with pytest.raises(dataclasses.FrozenInstanceError):
            m.text = "changed"
    assert MText(text="ab", runs=((0, 1),)).runs == ((0, 1),)


def _plain_wrap_width(lengths: list[int]) -> int | None:
    """:func:`wrap_width` from its definition: of the widths 8–60 that occur (at least eight
    such lines), the one the most lines are no longer than and at most two shorter than
    (the wider of equals), if they are 30 % of all lines."""
    fitting = [n for n in lengths if 8 <= n <= 60]
    if len(fitting) < 8:
        return None

    def share(width: int) -> float:
        return sum(width - 2 <= n <= width for n in fitting) / len(lengths)

    best = max(set(fitting), key=lambda w: (share(w), w))
    return best if share(best) >= 0.3 else None


def test_wrap_width_equals_its_plain_form():
    rng = random.Random(7)
    cases = [[len(line) for line in data.decode("utf-8-sig").split("\n")] for _, data in _documents()]
    for _ in range(2000):
        width = rng.randint(6, 62)
        cases.append([rng.choice([width, width - 1, width - 2, width - 3, rng.randint(0, 200)])
                      for _ in range(rng.randint(0, 60))])
    for lengths in cases:
        assert normalise_mod.wrap_width(lengths) == _plain_wrap_width(lengths)


def _plain_concat(pieces, sep="", sep_orig=None):
    """:func:`concat` as it was written before: every run listed (the separator's too), then merged."""
    texts, runs, pos, first = [], [], 0, True
    for p in pieces:
        if not p.text:
            continue
        if not first and sep:
            if sep_orig is not None:
                anchor = sep_orig
            else:
                clean_pos, orig_pos = runs[-1]
                anchor = orig_pos + (pos - clean_pos)
            texts.append(sep)
            runs.append((pos, anchor))
            pos += len(sep)
        first = False
        texts.append(p.text)
        for clean_pos, orig_pos in p.runs:
            runs.append((pos + clean_pos, orig_pos))
        pos += len(p.text)
    return offsets_mod.MText("".join(texts), offsets_mod._merge(runs))


@pytest.mark.parametrize("seed", range(3))
def test_concat_merging_as_it_goes_equals_listing_every_run_then_merging(seed):
    """Pieces mapped in one run or several, contiguous in the original or not, some empty,
    some with runs that continue each other or start at the same clean position."""
    rng = random.Random(seed)
    MText = offsets_mod.MText
    for _ in range(3000):
        pieces, orig = [], rng.randint(0, 50)
        for _ in range(rng.randint(0, 6)):
            n = rng.choice([0, 1, 2, 5, 20])
            runs, c = [], 0
            while c < n or (n == 0 and not runs and rng.random() < 0.2):
                runs.append((c, orig))
                step = rng.randint(0, 4) if rng.random() < 0.2 else rng.randint(1, 8)
                c, orig = c + step, orig + step + rng.choice([0, 0, 1, 3, -2])
            orig = max(orig, 0) + rng.choice([0, 0, 1, 7])
            pieces.append(MText("字" * n, tuple(runs) if n else ()))
        for sep, sep_orig in [("", None), ("\n", None), ("\n", rng.randint(0, 99)), ("。\n", None)]:
            fast = offsets_mod.concat(pieces, sep=sep, sep_orig=sep_orig)
            plain = _plain_concat(pieces, sep=sep, sep_orig=sep_orig)
            assert (fast.text, fast.runs) == (plain.text, plain.runs)


def test_should_join_asking_for_the_full_stop_first_equals_asking_for_tabs_first():
    """should_join looks at the paragraph's last character before searching both texts for a
    tab: every one of those checks answers False, so the order cannot change the answer."""
    n = normalise_mod
    rng = random.Random(11)
    pieces = ["全市科技创新", "。", "，", "、", "\t", "(一)", "一、", "第一条", "决定", "1.", "5", ")", ":", "；", "x"]
    for _ in range(20000):
        p = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        q = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        width, last_line = rng.choice([None, 12, 28]), rng.choice([None, 5, 26, 30])
        plain = False if (not p or not q or "\t" in p or "\t" in q) else n.should_join(
            p, q, last_line=last_line, width=width)
        assert n.should_join(p, q, last_line=last_line, width=width) == plain
