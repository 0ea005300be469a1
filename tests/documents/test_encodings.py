"""Encodings are detected from the bytes, never asked of the user."""

from __future__ import annotations

import codecs

import pytest

from innodrive.documents import read_document
from innodrive.documents.encoding import decode
from innodrive.errors import UnreadableDocument

SIMPLIFIED = "关于加快建设创新型城市的实施意见\n到2025年，全市高新技术企业达到500家以上，研发经费投入强度达到2.5%。\n"
TRADITIONAL = "關於加快建設創新型城市的實施意見\n到2025年，全市高新技術企業達到500家以上，研發經費投入強度達到2.5%。\n"


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (TRADITIONAL.encode("big5"), "big5"),
        (SIMPLIFIED.encode("utf-16"), "utf-16-le"),         # Python writes a little-endian BOM
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
        (SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),      # no BOM
        (SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),      # no BOM
    ],
)
def test_encoding_is_detected(data, label):
    decoded = decode(data, name="x.txt")
    assert decoded.encoding == label
    assert decoded.text.replace("\ufeff", "") in (SIMPLIFIED, TRADITIONAL)


def test_gb_and_big5_are_told_apart_on_short_text():
    # two short lines only: the plausibility score still separates the encodings
    assert decode("高新技术企业达到五百家。".encode("gb18030")).encoding == "gb18030"
    assert decode("高新技術企業達到五百家。".encode("big5")).encoding == "big5"


def test_traditional_big5_document_is_read_as_simplified_with_exact_spans():
    doc = read_document(TRADITIONAL.encode("big5"), "意见.txt")
    assert doc.script == "traditional"
    assert "高新技术企业达到500家以上" in doc.clean
    i = doc.clean.index("高新技术企业")
    a, b = doc.span(i, i + 6)
    assert doc.original[a:b] == "高新技術企業"


def test_binary_bytes_are_refused_with_a_clear_message():
    data = bytes(range(256)) * 8
    with pytest.raises(UnreadableDocument, match="二进制文件") as exc:
        decode(data, name="blob.bin")
    assert exc.value.file == "blob.bin"


def test_bytes_in_no_supported_encoding_are_refused():
    # valid in no candidate encoding: lone continuation/lead bytes everywhere
    data = b"\x81\x30\xff\xfe\x80\x80\xc0\xc1" * 50
    with pytest.raises(UnreadableDocument, match="无法识别文件编码|二进制"):
        decode(data, name="bad.txt")
