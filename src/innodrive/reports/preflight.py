"""Check a rendered PDF the way a 文印室 would, with poppler: is the text there, is it
readable, does anything fall off the page, do the tables fit?

Used by the tests of every report and available to a deployment that wants to check
its own documents (``innodrive report check``). It runs ``pdftotext`` (the text layer
and each word's box) and ``pdftoppm`` (each page as an image) from poppler-utils:

* **text present and readable** — every expected string is found in the extracted
  text; every page has text (poppler shows no text at all for reportlab's built-in
  STSong-Light); no replacement characters; every character has a glyph in the embedded font;
  the page image has ink where the text layer says there are words (a font that
  poppler cannot draw may leave text without ink); every font is embedded (``pdffonts``),
  except the fourteen standard PDF fonts every viewer has: a font left out is drawn, if at
  all, by whatever the reader's machine substitutes (poppler with its CJK data draws
  STSong-Light with a system font, without them nothing), so the document is not the same
  on every desk;
* **nothing off the page** — no word box and no ink outside the 版心 (except the page
  number below it, and one closing punctuation mark hanging at the end of a line, as
  Word's default 允许标点溢出边界 does), so a long table or a wide number cannot run
  over the margins.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from innodrive.errors import InputError
from innodrive.reports import layout as L

POPPLER_MESSAGE = "检查 PDF 需要 poppler-utils（pdftotext、pdftoppm、pdffonts）：Debian/Ubuntu 上运行 apt-get install poppler-utils"
TOLERANCE_MM = 1.0
MAX_RUN_SECONDS = 120


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Preflight:
    pages: int
    text: list[str]
    words: list[Word]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def all_text(self) -> str:
        return "\n".join(self.text)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise InputError(POPPLER_MESSAGE)
    return path


def _run(args: list[str]) -> bytes:
    try:
        done = subprocess.run(args, capture_output=True, timeout=MAX_RUN_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"{Path(args[0]).name} 处理 PDF 超时") from None
    if done.returncode != 0:
        raise InputError(f"{Path(args[0]).name} 无法读取该 PDF：{done.stderr.decode('utf-8', 'replace')[:200]}")
    return done.stdout


@contextlib.contextmanager
def _pdf_file(pdf: bytes) -> Iterator[Path]:
    """``pdf`` as a file in a folder of its own (poppler's tools read files and write pages
    beside them), removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        yield path


def extract_text(pdf: bytes) -> list[str]:
    """The text of each page (``pdftotext -layout``)."""
    with _pdf_file(pdf) as path:
        out = _run([_tool("pdftotext"), "-enc", "UTF-8", "-layout", str(path), "-"]).decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def extract_words(pdf: bytes) -> tuple[list[tuple[float, float]], list[Word]]:
    """(page sizes in pt, every word with its box in pt, origin top-left)."""
    with _pdf_file(pdf) as path:
        out = _run([_tool("pdftotext"), "-enc", "UTF-8", "-bbox", str(path), "-"])
    root = ET.fromstring(out)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    sizes: list[tuple[float, float]] = []
    words: list[Word] = []
    for i, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page")):
        sizes.append((float(page.get("width")), float(page.get("height"))))
        for w in page.findall("h:word", ns):
            words.append(Word(i + 1, float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                              float(w.get("yMax")), w.text or ""))
    return sizes, words


# The standard fonts a PDF may name without embedding them (ISO 32000-1, 9.6.2.2)
_STANDARD_FONTS = frozenset({
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Courier", "Courier-Bold", "Courier-Oblique",
    "Courier-BoldOblique", "Symbol", "ZapfDingbats"})


def fonts_not_embedded(pdf: bytes) -> list[str]:
    """The names of the fonts ``pdffonts`` lists as not embedded, other than the standard ones.
    A row of its table is read from both ends: the name first, and from the right the object
    number and generation, then uni, sub and emb (the type between may hold spaces, and a name
    longer than its column pushes the others along)."""
    with _pdf_file(pdf) as path:
        out = _run([_tool("pdffonts"), str(path)]).decode("utf-8", "replace").splitlines()
    missing = []
    for line in out[2:]:  # under the header and its line of dashes
        cells = line.split()
        if len(cells) < 7:
            continue
        font, emb = cells[0], cells[-5]
        base = font.split("+", 1)[-1]  # a subset's tag (ABCDEF+Name) is not part of its name
        if emb == "no" and base not in _STANDARD_FONTS and font not in missing:
            missing.append(font)
    return missing


def page_images(pdf: bytes, *, dpi: int = 50) -> list:
    """Each page as a greyscale NumPy array (0 = black, 255 = white) from ``pdftoppm``."""
    import io

    import numpy as np
    from PIL import Image

    with _pdf_file(pdf) as path:
        _run([_tool("pdftoppm"), "-r", str(dpi), "-gray", "-png", str(path), str(path.parent / "page")])
        files = sorted(path.parent.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [np.asarray(Image.open(io.BytesIO(f.read_bytes())).convert("L")) for f in files]


def _in_page_number_zone(x0: float, y0: float, x1: float, y1: float, w: float, h: float) -> bool:
    """The page number's place: centred, below the 版心."""
    mm = 72 / 25.4
    bottom_of_text = h - L.BOTTOM_MM * mm
    return y0 >= bottom_of_text - TOLERANCE_MM * mm and abs((x0 + x1) / 2 - w / 2) < 25 * mm


def check_pdf(pdf: bytes, *, expect: list[str] | None = None, dpi: int = 50) -> Preflight:
    """Run every check; ``problems`` lists each failure in Chinese (empty when all pass)."""
    text = extract_text(pdf)
    sizes, words = extract_words(pdf)
    report = Preflight(pages=len(sizes), text=text, words=words)
    flat = "".join("".join(t.split()) for t in text)
    for s in expect or []:
        if "".join(s.split()) not in flat:
            report.problems.append(f"PDF 文本中找不到“{s}”")
    if "\ufffd" in flat:
        report.problems.append("PDF 文本中有无法识别的字符（U+FFFD）")
    missing = _missing_glyphs(flat)
    if missing:
        report.problems.append(f"嵌入字体缺少这些字的字形：{''.join(sorted(missing)[:20])}")
    for font in fonts_not_embedded(pdf):
        report.problems.append(f"字体“{font}”未嵌入 PDF（其他电脑上可能无法显示或被替换）")
    for i in range(len(sizes)):
        if not any(w.page == i + 1 for w in words):
            report.problems.append(f"第 {i + 1} 页没有可提取的文字（字体无法显示或未嵌入）")
    mm = 72 / 25.4
    tol = TOLERANCE_MM * mm
    hanging: list[Word] = []
    for w in words:
        pw, ph = sizes[w.page - 1]
        left, right = L.LEFT_MM * mm - tol, pw - L.RIGHT_MM * mm + tol
        top, bottom = L.TOP_MM * mm - tol, ph - L.BOTTOM_MM * mm + tol
        inside = w.x0 >= left and w.x1 <= right and w.y0 >= top and w.y1 <= bottom
        if not inside and w.x0 >= left and w.y0 >= top and w.y1 <= bottom and _hangs(w, right):
            hanging.append(w)
            continue
        if not inside and not _in_page_number_zone(w.x0, w.y0, w.x1, w.y1, pw, ph):
            report.problems.append(f"第 {w.page} 页文字“{w.text}”超出版心（x {w.x0 / mm:.1f}–{w.x1 / mm:.1f} mm，"
                                   f"y {w.y0 / mm:.1f}–{w.y1 / mm:.1f} mm）")
    images = page_images(pdf, dpi=dpi)
    if len(images) != len(sizes):
        report.problems.append(f"pdftoppm 输出 {len(images)} 页，pdftotext 为 {len(sizes)} 页")
    for i, img in enumerate(images):
        report.problems += _ink_problems(i + 1, img, sizes[i], [w for w in words if w.page == i + 1], dpi,
                                         [w for w in hanging if w.page == i + 1])
    return report


def _hangs(w: Word, right: float) -> bool:
    """A line whose only overflow is one closing punctuation mark hanging in the margin."""
    if not w.text or w.text[-1] not in L.HANGING:
        return False
    char = (w.x1 - w.x0) / len(w.text)
    return w.x1 - char <= right


def _missing_glyphs(text: str) -> set[str]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    from innodrive.reports.fonts import find_font

    font = find_font()
    cmap = TTFontFile(str(font.path), subfontIndex=font.subfont).charToGlyph
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in cmap}


def _ink_problems(page: int, img, size: tuple[float, float], words: list[Word], dpi: int,
                  hanging: list[Word] = ()) -> list[str]:
    """Ink outside the 版心 (other than the page number and hanging punctuation), and words without ink."""
    import numpy as np

    problems = []
    h_px, w_px = img.shape
    pw, ph = size
    sx, sy = w_px / pw, h_px / ph
    mm = 72 / 25.4
    tol = TOLERANCE_MM * mm
    dark = img < 200
    box = np.zeros_like(dark)
    x0 = int((L.LEFT_MM * mm - tol) * sx)
    x1 = int(np.ceil((pw - L.RIGHT_MM * mm + tol) * sx))
    y0 = int((L.TOP_MM * mm - tol) * sy)
    y1 = int(np.ceil((ph - L.BOTTOM_MM * mm + tol) * sy))
    box[max(0, y0):y1, max(0, x0):x1] = True
    zone_top = int((ph - L.BOTTOM_MM * mm) * sy)
    zone = np.zeros_like(dark)
    zone[zone_top:, int((pw / 2 - 25 * mm) * sx):int((pw / 2 + 25 * mm) * sx)] = True
    for w in hanging:  # the last character's box of a line with hanging punctuation
        char = (w.x1 - w.x0) / len(w.text)
        zone[int(w.y0 * sy):int(np.ceil(w.y1 * sy)) + 1, int((w.x1 - char) * sx):int(np.ceil(w.x1 * sx)) + 1] = True
    outside = dark & ~box & ~zone
    if outside.any():
        ys, xs = np.nonzero(outside)
        problems.append(f"第 {page} 页在版心以外有内容（{len(xs)} 个像素，例如 x {xs[0] / sx / mm:.1f} mm，"
                        f"y {ys[0] / sy / mm:.1f} mm）")
    blank = 0
    for w in words:
        a, b = int(w.x0 * sx), int(np.ceil(w.x1 * sx))
        c, d = int(w.y0 * sy), int(np.ceil(w.y1 * sy))
        if not dark[max(0, c):d, max(0, a):b].any():
            blank += 1
    if words and blank > max(2, len(words) // 50):
        problems.append(f"第 {page} 页有 {blank} 个词在图像中没有笔画（字体未被正确嵌入或无法显示）")
    return problems


__all__ = ["POPPLER_MESSAGE", "Preflight", "Word", "check_pdf", "extract_text", "extract_words", "fonts_not_embedded",
           "page_images"]
