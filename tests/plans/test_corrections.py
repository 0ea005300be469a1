"""Corrections of an extraction recognise their object again in a revised version (pure rules)."""

from __future__ import annotations

import pytest

from innodrive.errors import InputError
from innodrive.extraction.models import Evidence, Target
from innodrive.plans import corrections as c

TEXT = "到2025年，全市国家高新技术企业达到192家。研发经费投入强度达到2.5%。新建省级以上创新平台20个。"


def target(indicator: str, sentence: str, value=None, unit=None, year=2025) -> Target:
    start = TEXT.find(sentence) if sentence in TEXT else 0
    return Target(indicator=indicator, kind="number", value=value, unit=unit, year=year,
                  evidence=Evidence(text=sentence, span=(start, start + len(sentence))))


HNTE = target("国家高新技术企业", "到2025年，全市国家高新技术企业达到192家", 192, "家")
RD = target("研发经费投入强度", "研发经费投入强度达到2.5%", 2.5, "%")


def test_a_target_is_found_again_by_indicator_and_sentence_even_reworded():
    ref = c.ref_of(HNTE)
    assert c.find_target(ref, [RD, HNTE]) == 1
    reworded = target("国家高新技术企业", "到2025年,全市国家高新技术企业数量达到192家", 192, "家")
    assert c.find_target(ref, [RD, reworded]) == 1
    rewritten = target("国家高新技术企业", "全市高新技术企业培育取得新突破", 192, "家")
    assert c.find_target(ref, [RD, rewritten]) is None
    other_year = reworded.model_copy(update={"year": 2027})
    assert c.find_target(ref, [other_year]) is None


def test_two_equally_similar_candidates_are_not_guessed():
    a = target("国家高新技术企业", "到2025年,全市国家高新技术企业数量达到192家")
    b = target("国家高新技术企业", "到2025年,全市国家高新技术企业数量达到192家")
    ref = c.TargetRef(indicator="国家高新技术企业", evidence="到2025年全市国家高新技术企业数目达到192家", year=2025)
    assert c.find_target(ref, [a, b]) is None


def test_added_words_are_found_again_in_a_revised_text_at_the_best_matching_place():
    correction = c.new_target(TEXT, TEXT.find("新建省级以上创新平台20个"), TEXT.find("新建省级以上创新平台20个") + 13,
                              {"indicator": "省级以上创新平台", "value": "20", "unit": "个"})
    assert correction.added.value == 20 and correction.added.kind == "number"
    revised = "前言。" + TEXT + "另：新建省级以上创新平台20个（见附件）。"
    outcome = c.apply([correction], [HNTE, RD], revised)
    (added,) = outcome.added
    start, end = added.evidence.span
    assert revised[start:end] == "新建省级以上创新平台20个" and start == TEXT.find("新建") + 3
    gone = c.apply([correction], [HNTE], "全文已改写。")
    assert gone.added == [] and "找不到所选文字" in gone.not_found[0]
    # once the extraction finds the target by itself, the addition is not doubled
    found = target("省级以上创新平台", "新建省级以上创新平台20个", 20, "个")
    assert c.apply([correction], [found], TEXT).added == []


def test_edits_and_rejections_apply_to_the_matching_target_only():
    edit = c.Correction(kind="edit", target=c.ref_of(HNTE), fields=c.clean_fields({"value": "200", "year": "2026"}))
    reject = c.Correction(kind="reject", target=c.ref_of(RD))
    outcome = c.apply([edit, reject], [RD, HNTE], TEXT)
    assert outcome.edited == [1] and outcome.rejected == [0]
    assert c.edited(HNTE, edit.fields).value == 200 and c.edited(HNTE, edit.fields).year == 2026
    assert edit.key() != reject.key()


@pytest.mark.parametrize("fields, message", [
    ({"value": "一百"}, "目标值应为数字"), ({"year": "25"}, "1949 到 2100"), ({"kind": "wish"}, "类型应为"),
    ({"comparator": "=>"}, "比较关系"), ({"indicator": " "}, "指标不能为空"), ({"span": 1}, "不能修改字段"),
])
def test_bad_edits_are_refused_with_the_field_named(fields, message):
    with pytest.raises(InputError, match=message):
        c.clean_fields(fields)


def test_selection_outside_the_text_or_too_long_is_refused():
    with pytest.raises(InputError, match="不在文件正文范围内"):
        c.new_target(TEXT, 10, 10_000, {})
    with pytest.raises(InputError, match="所选文字为空"):
        c.new_target("   ，。", 0, 4, {})


def test_units_as_typed_and_the_gold_format():
    assert c.units("市经信局、市科技局，市发改委 市经信局") == ["市经信局", "市科技局", "市发改委"]
    doc = c.gold_document(file="a.txt", region="乐山市", issuer=None, title="t", genre=None, issued=None,
                          horizon=2025, targets=[HNTE], programmes=[], outline=[])
    assert c.gold_file([doc])["documents"][0]["targets"] == [
        {"indicator": "国家高新技术企业", "kind": "number", "value": 192, "unit": "家", "year": 2025}]
