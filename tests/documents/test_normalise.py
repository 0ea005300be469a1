"""Normalisation: what is changed, what is kept, and that offsets stay exact."""

from __future__ import annotations

from innodrive.documents import read_document
from innodrive.documents.normalise import drop_repeats, fold_width, should_join, wrap_width
from innodrive.documents.offsets import MText


def read(text: str):
    return read_document(text.encode("utf-8"), "t.txt")


def test_width_folding_keeps_length():
    s = "２０２５年（一）ＡＢＣ，　１．５％"
    assert fold_width(s) == "2025年(一)ABC, 1.5%"
    assert len(fold_width(s)) == len(s)


def test_pinyin_glosses_are_removed_but_not_abbreviations():
    doc = read("加快建设創(chuàng)新型城市，推动第五代移动通信(5G)和(IPv6)部署。")
    assert "(chuàng)" not in doc.clean
    assert "(5G)" in doc.clean and "(IPv6)" in doc.clean


def test_newspaper_furniture_is_dropped():
    text = "\n".join([
        "01:一版要闻", "本版列表新闻", "~~~某地召开会议~~~另一条新闻", "LESHAN DAILY", "星期三", "农历辛丑年五月二十八",
        "CN 51-0011", "邮发代号 61-53", "今日4版", "总编辑：某某 值班编委：某某", "责任编辑：张三",
        "关于加快科技创新的决定",
        "到2025年，全市高新技术企业达到500家。(下转第3版)",
        "第01版:一版要闻", "扫一扫在手机打开当前页",
    ])
    doc = read(text)
    assert doc.clean == "关于加快科技创新的决定\n到2025年,全市高新技术企业达到500家。"
    assert doc.furniture_lines == 13  # every line but the title and the target sentence


def test_broken_lines_are_joined_but_titles_and_headings_are_not():
    text = ("中共某市委关于深入推进创新驱动引领高质量发展的决定\n"
            "(2021年7月1日中国共产党某市第七届委员会第十次全体会议通过)\n"
            "一、总体要求\n"
            "坚持以习近平新时代中国特色社会主义思想为指导，构建多主体协同的综合创新生态\n\n"
            "体系，为高质量发展提供有力支撑。\n"
            "二、主要目标\n")
    doc = read(text)
    paras = [doc.paragraph_text(i) for i in range(len(doc.paragraphs))]
    assert paras[0] == "中共某市委关于深入推进创新驱动引领高质量发展的决定"
    assert paras[1].startswith("(2021年")
    assert paras[2] == "一、总体要求"
    assert paras[3].endswith("综合创新生态体系,为高质量发展提供有力支撑。")
    assert paras[4] == "二、主要目标"


def test_should_join_rules():
    assert should_join("为推进旅游兴市、产业强市，加快建设全省区域中心城市、“中国绿色硅谷”", "和世界重要旅游目的地，提供支撑。")
    assert not should_join("加快建设中国绿色硅谷", "和世界重要旅游目的地，提供支撑。")  # a short unfinished line is a title
    assert not should_join("总体要求", "坚持创新驱动。")
    assert not should_join("这是一个完整的句子，并且以句号结束。这是另一句话吗。", "新的段落开始了。")
    # a full line of hard-wrapped text continues, even when short
    assert should_join("全市高新技术企业达到五百", "家以上。", last_line=12, width=12)


def test_wrap_width_detects_hard_wrapped_text():
    assert wrap_width([28] * 20 + [10, 5, 17]) == 28
    assert wrap_width([120, 340, 88, 15, 260, 410, 95, 300, 77]) is None


def test_repeated_paragraphs_are_dropped_once():
    p = "全会提出，集聚用好各类创新要素，营造一流创新生态环境。要激发人才队伍活力，健全重大人才计划实施机制。"
    truncated = p[:40]
    fragment = p[10:]
    doc = read("\n".join([fragment, "标题", p, "一、总体要求", p, truncated, "一、总体要求"]))
    paras = [doc.paragraph_text(i) for i in range(len(doc.paragraphs))]
    assert paras.count(p.replace("，", ",")) == 1
    assert doc.repeated_paragraphs == 3  # the fragment, the second copy, the truncated copy
    # short lines such as headings are never treated as repeats
    assert paras.count("一、总体要求") == 2


def test_drop_repeats_keeps_different_paragraphs_with_a_common_opening():
    a = MText.at("全会提出，主动融入区域协同创新格局，锚定历史方位，建设高新技术产业带创新基地。", 0)
    b = MText.at("全会提出，培育建强各类创新主体，全面提升科技创新能力，突出企业创新主体地位。", 100)
    kept, dropped = drop_repeats([a, b])
    assert kept == [a, b] and dropped == []


def test_offsets_point_into_the_original_after_every_edit():
    text = "  **一、主要目标**\n\n到 2025 年，全市高(gāo)新技术企业\n达到500家以上。\n（下转第2版）"
    doc = read(text)
    for i, ch in enumerate(doc.clean):
        if ch == "\n":
            continue
        a, b = doc.span(i, i + 1)
        assert 0 <= a < b <= len(doc.original)
        original = doc.original[a:b]
        assert fold_width(original) == ch, (i, ch, original)
