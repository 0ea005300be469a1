"""Integrity of the gold annotations of the ten real 2026 government work reports.

``tests/data/gold/real.json`` is hand-made (rules: ``tests/data/gold/README.md``,
decisions: ``REAL-ANNOTATION.md``). These checks do not score the extractor; they make
sure the gold can be trusted as a yardstick: the evaluator reads it, the documents are the
unedited bytes the README lists, kinds and units are well formed, the split is the fixed
one, and every annotated number is grounded — written in its document, with its unit,
next to the words of its indicator.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from typing import get_args

import pytest

from innodrive.errors import InputError
from innodrive.extraction.evaluate import evaluate
from innodrive.extraction.models import QUANTITATIVE_KINDS, Kind
from innodrive.extraction.similarity import bigrams, restated
from innodrive.indicators.units import MAGNITUDES, parse_unit

from .conftest import GOLD, ROOT

REAL = ROOT / "tests" / "data" / "real"
GOLD_FILE = GOLD / "real.json"

TEST_SPLIT = {"云南省", "北京市", "吉林省", "湖北省"}
DEV_SPLIT = {"上海市", "安徽省", "山东省", "广东省", "江苏省", "浙江省"}

# Units these reports write that the unit table (innodrive.indicators.units) does not know.
# The gold keeps them exactly as written; the evaluator then matches them only to the same
# written unit. A magnitude (万, 亿 …) may precede any of them.
DOCUMENT_UNITS = {
    "斤", "头", "只", "株", "标箱", "列", "栋", "张", "宗", "例", "门", "期", "岁",
    "P", "批次", "场次", "户次", "元/人", "人/百亿元", "克/千克", "位",
}

# Punctuation dropped before comparing an indicator with the words around its number.
_PUNCT = re.compile(r"[\s“”‘’\"'《》〈〉（）()【】、，,。；;：:！!？?—\-·．.]")

_SENTENCE_END = re.compile(r"[。！？；]")

YEAR_OF_REPORT, YEAR_OF_PLAN = 2026, 2030


@cache
def _gold() -> dict:
    return json.loads(GOLD_FILE.read_text(encoding="utf-8"))


def _documents() -> list[dict]:
    return _gold()["documents"]


@cache
def _text(name: str) -> str:
    """The document with all whitespace removed (newlines split a few numbers: PM\\n2.5)."""
    return re.sub(r"\s", "", (REAL / name).read_text(encoding="utf-8"))


def _readme_hashes() -> dict[str, str]:
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| (\S+\.txt) \|.*`([0-9a-f]{64})` \|$", readme, re.M)}


def _written(value: float | int) -> str:
    return str(int(value)) if float(value) == int(value) else repr(float(value))


def _grounded(target: dict, text: str) -> bool:
    """The value is written with its unit (or in the written form kept in ``note``), and
    at least half of the indicator's bigrams occur in its sentence or the one before (a
    report often names the subject once, then gives its figures: 石化产业……。产值突破1300亿元)."""
    value = re.escape(_written(target["value"]))
    forms = [rf"(?<![\d.]){value}(?![\d.])[多余]?{re.escape(target['unit'])}"]
    if target.get("note"):
        forms.append(re.escape(target["note"]))
    wanted = bigrams(_PUNCT.sub("", target["indicator"]))
    for form in forms:
        for m in re.finditer(form, text):
            window = _PUNCT.sub("", text[_sentence_start(text, m.start()): _sentence_end(text, m.end())])
            if wanted and len(wanted & bigrams(window)) / len(wanted) >= 0.5:
                return True
    return False


def _sentence_start(text: str, pos: int) -> int:
    """Start of the sentence before the one holding ``pos`` (at most 200 characters back)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, pos - 200), pos)]
    return ends[-2] if len(ends) >= 2 else max(0, pos - 200)


def _sentence_end(text: str, pos: int) -> int:
    m = _SENTENCE_END.search(text, pos, pos + 200)
    return m.end() if m else pos + 200


# --------------------------------------------------------------------------- the file


def test_the_evaluator_reads_the_gold_and_counts_every_quantitative_target(tmp_path):
    report = evaluate(GOLD_FILE, tmp_path)  # an empty prediction directory
    quantitative = sum(t["kind"] in QUANTITATIVE_KINDS for d in _documents() for t in d["targets"])
    assert len(report.documents) == 10
    assert all(d.missing_prediction for d in report.documents)
    assert report.targets.fn == quantitative and report.targets.tp == 0
    assert report.outline.fn == sum(len(d["outline"]) for d in _documents())


def test_schema_and_metadata():
    gold = _gold()
    assert gold["schema"] == 1
    for doc in _documents():
        assert set(doc) >= {"file", "region", "issuer", "title", "genre", "issued", "horizon",
                            "split", "targets", "programmes", "outline"}, doc["file"]
        assert doc["file"] == f"2026_{doc['region']}_政府工作报告.txt"
        assert doc["genre"] == "政府工作报告"
        assert doc["issuer"] == f"{doc['region']}人民政府"
        assert doc["horizon"] == YEAR_OF_REPORT
        assert re.fullmatch(r"2026-0[12]-\d\d", doc["issued"])
        for p in doc["programmes"]:
            assert p["name"] and len(p["parts"]) >= 2, (doc["file"], p)


def test_every_file_exists_with_the_bytes_the_readme_lists():
    hashes = _readme_hashes()
    assert set(hashes) == {d["file"] for d in _documents()}
    assert {p.name for p in REAL.glob("*.txt")} == set(hashes)
    for name, digest in hashes.items():
        assert hashlib.sha256((REAL / name).read_bytes()).hexdigest() == digest, name


def test_the_split_is_the_fixed_one():
    split = {d["region"]: d["split"] for d in _documents()}
    assert {r for r, s in split.items() if s == "test"} == TEST_SPLIT
    assert {r for r, s in split.items() if s == "dev"} == DEV_SPLIT


# --------------------------------------------------------------------------- targets


def _all_targets():
    return [(d["file"], t) for d in _documents() for t in d["targets"]]


def test_kinds_values_units_years_and_directions_are_well_formed():
    kinds = set(get_args(Kind))
    for name, t in _all_targets():
        where = (name, t["indicator"])
        assert t["kind"] in kinds, where
        assert t["indicator"] and t["indicator"] == t["indicator"].strip(), where
        assert t["year"] in (YEAR_OF_REPORT, YEAR_OF_PLAN), where
        assert t.get("direction", "ge") in ("ge", "le"), where
        if t["kind"] in QUANTITATIVE_KINDS:
            assert isinstance(t["value"], (int, float)) and t["value"] > 0, where
            assert _valid_unit(t["unit"]), where
            if t["kind"] == "growth":
                assert t["unit"] in ("%", "个百分点"), where
            if t["kind"] == "multiple":
                assert t["unit"] == "倍", where
        else:
            assert t["value"] is None and t["unit"] is None and t.get("note"), where


def _valid_unit(unit: str | None) -> bool:
    if not unit:
        return False
    try:
        parse_unit(unit)
        return True
    except InputError:
        pass
    for mag in sorted(MAGNITUDES, key=len, reverse=True):
        if unit.startswith(mag) and unit[len(mag):] in DOCUMENT_UNITS:
            return True
    return unit in DOCUMENT_UNITS


def test_every_quantitative_target_is_written_in_its_document_next_to_its_indicator():
    ungrounded = [(name, t["indicator"], t["value"], t["unit"])
                  for name, t in _all_targets()
                  if t["kind"] in QUANTITATIVE_KINDS and not _grounded(t, _text(name))]
    assert not ungrounded


def test_a_target_stated_twice_is_annotated_once():
    for doc in _documents():
        quant = [t for t in doc["targets"] if t["kind"] in QUANTITATIVE_KINDS]
        for i, a in enumerate(quant):
            for b in quant[i + 1:]:
                same = (a["kind"], a["value"], a["unit"], a["year"]) == (b["kind"], b["value"], b["unit"], b["year"])
                assert not (same and restated(a["indicator"], b["indicator"])), (doc["file"], a, b)


@pytest.mark.parametrize("region", sorted(TEST_SPLIT | DEV_SPLIT))
def test_each_report_sets_its_years_targets(region):
    doc = next(d for d in _documents() if d["region"] == region)
    this_year = [t for t in doc["targets"] if t["year"] == YEAR_OF_REPORT and t["kind"] in QUANTITATIVE_KINDS]
    assert len(this_year) >= 10, region
    # every report names the year's main expected targets; the growth of output is among them
    assert any(t["kind"] == "growth" and re.search("生产总值|经济增长", t["indicator"]) for t in this_year), region


# --------------------------------------------------------------------------- outline


def test_outline_headings_are_written_in_their_documents():
    for doc in _documents():
        text = _text(doc["file"])
        assert doc["outline"] and doc["outline"][0]["level"] == 1, doc["file"]
        for node in doc["outline"]:
            assert node["level"] in (1, 2), (doc["file"], node)
            assert re.fullmatch(r"[一二三四五六七八九十]+|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+是",
                                node["label"]), (doc["file"], node)
            assert node["title"] and re.sub(r"\s", "", node["title"]) in text, (doc["file"], node)
