"""Detect the encoding of a Chinese text file from its bytes.

Officials receive .txt files saved by Windows in GB18030/GBK, by Taiwanese or Hong Kong
sources in Big5, by Word as UTF-16, and by everything else in UTF-8 with or without a
BOM. The user should not have to say which. Detection order:

1. a byte-order mark settles it (UTF-8-SIG, UTF-32, UTF-16);
2. NUL bytes that fall mostly on odd or even positions mean BOM-less UTF-16;
3. strict UTF-8 (other encodings almost never decode as UTF-8 by accident);
4. otherwise every candidate (GB18030, Big5, UTF-16) that decodes strictly is scored by
   how *plausible* the decoded text is as Chinese: the share of characters that are
   ASCII, common punctuation, or among the common hanzi (GB2312 level 1 and Big5 level
   1, which are exactly the most frequent simplified and traditional characters).
   Wrong decodings produce rare characters and score low.
"""

from __future__ import annotations

import codecs
import contextlib
from dataclasses import dataclass
from functools import cache

from innodrive.errors import UnreadableDocument

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_SAMPLE_BYTES = 256 * 1024
_MIN_PLAUSIBILITY = 0.80


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the encoding it was read with."""

    text: str
    encoding: str  # the name reported to the user: utf-8, utf-8-sig, gb18030, big5, utf-16-le …


@cache
def common_hanzi() -> frozenset[str]:
    """The ~9,000 most common simplified and traditional characters.

    GB2312 level 1 (rows 16–55) holds the 3,755 most frequent simplified characters and
    Big5 level 1 (A440–C67E) the 5,401 most frequent traditional ones; decoding those
    code ranges yields the sets without shipping any frequency table.
    """
    chars: set[str] = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((hi, lo)).decode("gb2312"))
    for hi in range(0xA4, 0xC7):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((hi, lo)).decode("big5"))
    return frozenset(chars)


_PUNCT = set("，。、；：？！“”‘’（）《》【】—…·「」『』〈〉〔〕％＋－×÷～　●○■□◆▲△★☆①②③④⑤⑥⑦⑧⑨⑩")


def plausibility(text: str) -> float:
    """Share of characters that are ordinary in a Chinese document (0–1)."""
    if not text:
        return 0.0
    common = common_hanzi()
    good = 0
    total = 0
    for ch in text:
        if ch in "\r\n\t ":
            continue
        total += 1
        o = ord(ch)
        if 0x20 < o < 0x7F or ch in common or ch in _PUNCT or 0xFF01 <= o <= 0xFF5E:
            good += 1
    return good / total if total else 1.0


def _looks_utf16(sample: bytes) -> str | None:
    """BOM-less UTF-16: ASCII characters put a NUL in every other byte."""
    if len(sample) < 4 or b"\x00" not in sample:
        return None  # (without a NUL neither half has one: one memchr instead of two copies)
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.2 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.2 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B))


def _is_binary(sample: bytes) -> bool:
    """Control bytes other than tab/newline/form-feed are the mark of a binary file."""
    if not sample or not any(b in sample for b in _CONTROL_BYTES):
        return False  # (text holds none of them: a memchr per byte value says so faster than a copy without them)
    bad = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return bad > max(2, len(sample) // 200)


def decode(data: bytes, *, name: str = "") -> Decoded:
    """Decode the bytes of a text file, detecting the encoding.

    Raises :class:`UnreadableDocument` when the bytes are binary or decode in no
    supported encoding.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise UnreadableDocument(
                    f"文件带有 {enc.upper()} 字节序标记，但第 {exc.start} 字节处无法按该编码解码", file=name) from exc
            label = "utf-8-sig" if enc == "utf-8-sig" else (
                enc + ("-le" if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE) else "-be"))
            return Decoded(text.lstrip("\ufeff"), label)

    sample = data[:_SAMPLE_BYTES]
    utf16 = _looks_utf16(sample)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in sample or _is_binary(sample):
        raise UnreadableDocument("这是二进制文件，不是文本文件（也不是可识别的 .docx/PDF/HTML）", file=name)

    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc

    best: tuple[float, str, str] | None = None
    for enc in ("gb18030", "big5", "utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = plausibility(text[: _SAMPLE_BYTES // 2])
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is None or best[0] < _MIN_PLAUSIBILITY:
        raise UnreadableDocument(
            "无法识别文件编码：不是有效的 UTF-8（第 "
            f"{utf8_error.start} 字节出错），按 GB18030、Big5、UTF-16 解码也不像中文文本", file=name)
    return Decoded(best[2], best[1])
