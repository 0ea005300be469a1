"""Turn the bytes of a file into text: .txt (any common encoding), .docx, text PDF, HTML.

The format is recognised from the bytes (magic numbers, markup), not from the file
name, so a web page saved as ``.txt`` or a PDF without extension still reads. Each
reader returns the *original decoded text* (what spans point into) and the text to
normalise as an :class:`MText` mapped onto it:

- txt: the decoded text itself;
- HTML: the original is the decoded HTML source; the text is what a browser shows,
  each character mapped to its place in the source;
- docx / PDF: the original is the text layer as extracted (paragraphs and table rows
  on their own lines, Word's automatic numbering rendered as Word shows it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from innodrive import regex_cache
from innodrive.documents.encoding import decode
from innodrive.documents.offsets import MText
from innodrive.errors import UnreadableDocument


@dataclass
class RawText:
    original: str
    text: MText
    format: str
    encoding: str
    html_title: str | None = None
    warnings: list[str] = field(default_factory=list)
    furniture: frozenset[str] = frozenset()  # lines this file repeats as headers/footers


def sniff(data: bytes, name: str) -> str:
    """The format of the bytes: txt, html, docx or pdf; raises for anything else."""
    head = data[:2048]
    if not data.strip():
        raise UnreadableDocument("文件为空，没有可读取的内容", file=name)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableDocument("文件看起来是压缩包（.docx 等），但已损坏，无法打开", file=name) from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            raise UnreadableDocument("这是 Excel 表格（.xlsx），不是政策文件；统计数据请用 innodrive data import 导入", file=name)
        if "ppt/presentation.xml" in names:
            raise UnreadableDocument("不支持 PowerPoint 演示文稿（.pptx），请导出为 PDF 或 .docx", file=name)
        if any(n.lower().endswith("ofd.xml") for n in names):
            raise UnreadableDocument("暂不支持 OFD 版式文件，请另存为 PDF 或 .docx", file=name)
        raise UnreadableDocument("这是 ZIP 压缩包，不是支持的文件格式（支持 .txt、.docx、PDF、HTML）", file=name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument("这是旧版 Office/WPS 文件（.doc/.xls/.wps），无法直接读取，请另存为 .docx 或 PDF", file=name)
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")):
        raise UnreadableDocument("这是图片文件，没有文字层；请先进行文字识别（OCR）后再读取", file=name)
    if head.startswith(b"{\\rtf"):
        raise UnreadableDocument("不支持 RTF 格式，请另存为 .docx 或 .txt", file=name)
    return "text"


_HTML_RE = regex_cache.compile(r"<\s*(!doctype\s+html|html|head|body|meta|div|p|table|br|span|title)\b", re.I)
_META_CHARSET = regex_cache.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def read_bytes(data: bytes, name: str) -> RawText:
    """Read a document of any supported format from its bytes."""
    fmt = sniff(data, name)
    if fmt == "pdf":
        return _read_pdf(data, name)
    if fmt == "docx":
        return _read_docx(data, name)
    decoded = _decode_markup_aware(data, name)
    text = decoded.text
    if _HTML_RE.search(text[:4096]) and text.count("<") > 5:
        from innodrive.documents.webpage import read_html

        return read_html(text, decoded.encoding, name)
    return RawText(text, MText.at(text, 0), "txt", decoded.encoding)


def _decode_markup_aware(data: bytes, name: str):
    """Honour an HTML ``<meta charset>`` when the page declares one and it decodes."""
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", "ignore").lower()
        alias = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}.get(declared, declared)
        try:
            from innodrive.documents.encoding import Decoded

            return Decoded(data.decode(alias).lstrip("\ufeff"), alias)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, name=name)


# --------------------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_docx_size(data: bytes, name: str) -> None:
    """Refuse a .docx whose body unpacks beyond the limits before building its XML tree: a
    few megabytes can hold gigabytes of whitespace or a million empty paragraphs."""
    import io
    import zipfile

    from innodrive.documents.limits import MAX_DOCX_PARAGRAPHS, MAX_DOCX_XML_BYTES

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise UnreadableDocument(
                    f".docx 正文解压后 {info.file_size / 1048576:.0f} MB，超过 {MAX_DOCX_XML_BYTES // 1048576} MB 的上限",
                    file=name)
            paragraphs, total, tail = 0, 0, b""
            with z.open(info) as f:
                while chunk := f.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_DOCX_XML_BYTES:  # the declared size lied
                        raise UnreadableDocument(
                            f".docx 正文解压后超过 {MAX_DOCX_XML_BYTES // 1048576} MB 的上限", file=name)
                    block = tail + chunk
                    paragraphs += block.count(b"<w:p>") + block.count(b"<w:p ") + block.count(b"<w:p/>")
                    tail = block[-5:]
                    paragraphs -= tail.count(b"<w:p>") + tail.count(b"<w:p ") + tail.count(b"<w:p/>")
                    if paragraphs > MAX_DOCX_PARAGRAPHS:
                        raise UnreadableDocument(
                            f".docx 段落数超过 {MAX_DOCX_PARAGRAPHS:,} 个的上限（文件可能异常）", file=name)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise UnreadableDocument(f".docx 文件已损坏，无法解压（{type(exc).__name__}）", file=name) from None


def _read_docx(data: bytes, name: str) -> RawText:
    import io

    _check_docx_size(data, name)
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableDocument(f".docx 文件已损坏或不是有效的 Word 文档（{type(exc).__name__}）", file=name) from exc
    try:
        lines = _docx_lines(document)
    except UnreadableDocument:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise UnreadableDocument(f".docx 文件结构异常，无法读取（{type(exc).__name__}）", file=name) from None
    original = "\n".join(lines)
    if not original.strip():
        raise UnreadableDocument(".docx 文件中没有正文文字", file=name)
    return RawText(original, MText.at(original, 0), "docx", "utf-8")


def _docx_lines(document) -> list[str]:
    """Paragraphs (with Word's list numbers) and table rows, in body order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == _W + "p":
            para = Paragraph(child, document)
            lines.append(numbering.label(child, _style_chain(para)) + para.text)
        elif child.tag == _W + "tbl":
            table = Table(child, document)
            for row in table.rows:
                seen: set[int] = set()
                cells = []
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(p.text.strip() for p in cell.paragraphs).strip())
                lines.append("\t".join(cells))
    return lines


def _style_chain(paragraph) -> list:
    """The XML elements of a paragraph's style and the styles it is based on."""
    chain = []
    try:
        style = paragraph.style
    except (KeyError, ValueError, AttributeError):
        return chain
    seen = 0
    while style is not None and seen < 10:
        chain.append(style.element)
        style = style.base_style
        seen += 1
    return chain


class _Numbering:
    """Render Word's automatic list numbering (一、 （一） 1. …) as Word displays it.

    Policy documents written in Word often number their headings with a list style,
    so the numbers are not in the paragraph text at all; without them the outline
    would lose its labels.
    """

    def __init__(self, document) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.findall(_W + "abstractNum"):
            levels = {}
            for lvl in an.findall(_W + "lvl"):
                ilvl = _int(lvl.get(_W + "ilvl"), 0)
                if not 0 <= ilvl <= 8:
                    continue
                fmt = lvl.find(_W + "numFmt")
                txt = lvl.find(_W + "lvlText")
                start = lvl.find(_W + "start")
                levels[ilvl] = (
                    fmt.get(_W + "val") if fmt is not None else "decimal",
                    txt.get(_W + "val") if txt is not None else "",
                    _int(start.get(_W + "val"), 1) if start is not None else 1,
                )
            abstract[an.get(_W + "abstractNumId")] = levels
        for num in root.findall(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(_W + "val"), {}).items():
                self.formats[(num.get(_W + "numId"), ilvl)] = spec

    def label(self, p, styles: list | None = None) -> str:
        """The number Word shows before paragraph ``p``: from its own numbering
        properties, else from its paragraph style (List Number and the like)."""
        ppr = p.find(_W + "pPr")
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        for style_element in styles or []:
            if numpr is not None:
                break
            sppr = style_element.find(_W + "pPr")
            numpr = sppr.find(_W + "numPr") if sppr is not None else None
        if numpr is None or not self.formats:
            return ""
        num_id_el, ilvl_el = numpr.find(_W + "numId"), numpr.find(_W + "ilvl")
        if num_id_el is None:
            return ""
        num_id = num_id_el.get(_W + "val")
        ilvl = _int(ilvl_el.get(_W + "val"), 0) if ilvl_el is not None else 0
        if not 0 <= ilvl <= 8:
            return ""  # a level Word does not have (a damaged or hostile file)
        if (num_id, ilvl) not in self.formats:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        fmt, text, start = self.formats[(num_id, ilvl)]
        counters[ilvl] = (counters[ilvl] or start - 1) + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        out = text
        for k in range(ilvl + 1):
            f = self.formats.get((num_id, k), (fmt, "", 1))[0]
            out = out.replace(f"%{k + 1}", _format_number(counters[k] or 1, f))
        return out if fmt != "bullet" else ""


def _int(text, default: int) -> int:
    """An integer attribute of Word's XML, or ``default`` when it is missing or not a number."""
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return default
    return value if -1_000_000 < value < 1_000_000 else default


_CN_DIGITS = "零一二三四五六七八九"


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified"):
        return chinese_numeral(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 21 → 二十一 (as used in heading numbers)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


# --------------------------------------------------------------------------- PDF


def _read_pdf(data: bytes, name: str) -> RawText:
    import io
    import logging

    from innodrive.documents.limits import MAX_CHARS, MAX_PDF_PAGES

    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PyPdfError
    except ImportError as exc:  # pragma: no cover — pypdf is a dependency
        raise UnreadableDocument("无法读取 PDF（缺少 pypdf）", file=name) from exc
    try:
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise UnreadableDocument(
                    f"PDF 使用了不支持的加密方式（{type(exc).__name__}），请另存为未加密的 PDF 后再读取", file=name) from None
            except Exception:  # noqa: BLE001 — any other failure to decrypt means: we cannot read it
                ok = 0
            if not ok:
                raise UnreadableDocument("PDF 已加密，需要密码才能读取", file=name)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UnreadableDocument(f"PDF 页数（{len(reader.pages):,}）超过 {MAX_PDF_PAGES:,} 页的上限", file=name)
        pages = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_CHARS:
                raise UnreadableDocument(f"PDF 文字超过 {MAX_CHARS:,} 个字符的上限", file=name)
            pages.append(text)
    except UnreadableDocument:
        raise
    except LimitReachedError as exc:
        raise UnreadableDocument(f"PDF 内容解压后超出读取上限，拒绝读取（{exc}）", file=name) from None
    except (FileNotDecryptedError, DependencyError, NotImplementedError) as exc:
        raise UnreadableDocument(f"PDF 使用了不支持的加密或压缩方式（{type(exc).__name__}）", file=name) from None
    except RecursionError:
        raise UnreadableDocument("PDF 结构嵌套过深，无法读取", file=name) from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError, AssertionError,
            ZeroDivisionError, OverflowError, UnicodeError, MemoryError) as exc:
        raise UnreadableDocument(f"PDF 文件已损坏，无法读取（{type(exc).__name__}）", file=name) from None
    original = "\n".join(pages)
    furniture = running_lines(pages)
    meaningful = sum(1 for ch in original if ch.isalnum())
    if meaningful < 20 * max(1, len(pages)) // 4:
        raise UnreadableDocument(
            f"PDF 没有文字层（{len(pages)} 页中几乎提取不到文字，可能是扫描件），请先进行文字识别（OCR）", file=name)
    return RawText(original, MText.at(original, 0), "pdf", "utf-8", furniture=furniture)


def running_lines(pages: list[str]) -> frozenset[str]:
    """Running headers and footers: short lines at the top or bottom of most pages
    (中共某市委文件, the document's short title, a page number)."""
    if len(pages) < 2:
        return frozenset()
    counts: dict[str, int] = {}
    for page in pages:
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        edge = set(lines[:2] + lines[-2:])
        for ln in edge:
            if len(ln) <= 40:
                key = re.sub(r"\d+", "#", ln)
                counts[key] = counts.get(key, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    repeated = {k for k, n in counts.items() if n >= need}
    out = set()
    for page in pages:
        for ln in page.splitlines():
            if re.sub(r"\d+", "#", ln.strip()) in repeated:
                out.add(ln.strip())
    return frozenset(out)
