"""How much of a document innodrive will parse, whatever its size on disk.

``INNODRIVE_MAX_INPUT_MB`` bounds the bytes of a file, but a 133 KB .docx can unpack to a
million paragraphs and a 3 MB one to gigabytes of XML, and 20 MB of ``a\\n`` is ten million
lines. These limits hold on what is *decompressed and parsed*. They are far above any
real policy document (the longest provincial work report is about 33,000 characters and
600 lines) and low enough that every document within them is read in under a minute and
a gigabyte on one core (``bench/extract.py`` and ``tests/documents/test_hostile.py``).
"""

from __future__ import annotations

MAX_CHARS = 50_000_000          # characters of decoded text
MAX_LINES = 300_000             # lines (paragraphs before joining) of decoded text
MAX_DOCX_XML_BYTES = 64 * 1024 * 1024   # word/document.xml once decompressed
MAX_DOCX_PARAGRAPHS = 200_000   # <w:p> elements in word/document.xml
MAX_PDF_PAGES = 5_000


def check_text(text: str, name: str) -> None:
    """Refuse decoded text beyond :data:`MAX_CHARS` characters or :data:`MAX_LINES` lines."""
    from innodrive.errors import UnreadableDocument

    if len(text) > MAX_CHARS:
        raise UnreadableDocument(
            f"文字过多（{len(text):,} 个字符），超过单个文件 {MAX_CHARS:,} 个字符的上限；请拆分后再读取", file=name)
    lines = text.count("\n")
    if lines > MAX_LINES:
        raise UnreadableDocument(
            f"行数过多（{lines:,} 行），超过单个文件 {MAX_LINES:,} 行的上限；请检查文件是否为政策文件或拆分后再读取",
            file=name)
