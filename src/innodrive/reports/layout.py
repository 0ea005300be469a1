"""The page of an official document (GB/T 9704-2012), shared by the Word and PDF renderers.

A4 paper; 版心 156 mm × 225 mm placed 37 mm from the top and 28 mm from the left;
正文 in 三号 (16 pt) with 22 lines a page and 28 characters a line; the title in 二号
(22 pt); 版记 in 四号 (14 pt); the page number in 四号 as "— 1 —" below the 版心.
Tables use 小四 (12 pt) and shrink (down to 7.5 pt) rather than run off the page.
Both renderers take their measures from here, so a Word file and a PDF of the same
document break lines alike.
"""

from __future__ import annotations

PAGE_W_MM = 210.0
PAGE_H_MM = 297.0
TOP_MM = 37.0
BOTTOM_MM = 35.0
LEFT_MM = 28.0
RIGHT_MM = 26.0
TEXT_W_MM = PAGE_W_MM - LEFT_MM - RIGHT_MM  # 156
TEXT_H_MM = PAGE_H_MM - TOP_MM - BOTTOM_MM  # 225

BODY_PT = 16.0            # 三号
LINE_PT = 28.95           # fixed line pitch: 22 lines in the 版心
TITLE_PT = 22.0           # 二号
TITLE_LINE_PT = 35.0
NOTE_PT = 14.0            # 四号: 版记, data note
TABLE_PT = 12.0           # 小四
TABLE_MIN_PT = 7.5
CAPTION_PT = 14.0
PAGE_NUMBER_PT = 14.0
PAGE_NUMBER_BELOW_MM = 7.0  # below the 版心's bottom edge
RED = (0xC0, 0x00, 0x00)
# Chinese punctuation that never starts a line: it hangs in the right margin instead
# (Word's 允许标点溢出边界, on by default for Chinese), one character at most.
HANGING = "，。、；：！？）》」』】〕”’"


def mark_size(text: str) -> float:
    """发文机关标志 size: large for a short name, smaller for a long one, never wider
    than the 版心 (the standard asks for a mark that is striking yet fits one line)."""
    n = max(1, len(text))
    width_pt = TEXT_W_MM / 25.4 * 72 * 0.96
    return float(min(36.0, max(16.0, width_pt / n)))


def fit_figure(width_mm: float, height_mm: float, *, room_mm: float = TEXT_H_MM - 30.0) -> tuple[float, float]:
    """A figure's printed size: as declared, scaled down (keeping its shape) to fit the 版心."""
    scale = min(1.0, TEXT_W_MM / width_mm, room_mm / height_mm)
    return width_mm * scale, height_mm * scale


TABLE_SIZES = (TABLE_PT, 10.5, 9.0, 8.0, TABLE_MIN_PT)
CELL_PAD_PT = 3.0
PT_PER_MM = 72 / 25.4


def text_em(text: str) -> float:
    """Approximate width of ``text`` in ems: a Chinese character is one em, Latin
    letters and digits about 0.6 (generous, so a number never outgrows its cell)."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text)


def _min_em(text: str, *, header: bool) -> float:
    """The narrowest a cell may be without breaking what must not break: a number or a
    Latin word whole; Chinese text may wrap after any character (two for a header)."""
    tokens = [t for t in text.replace("　", " ").split(" ") if t]
    widest = 0.0
    for tok in tokens:
        run = 0.0
        for ch in tok:
            if ord(ch) > 0x2E80:
                widest = max(widest, run)
                run = 0.0
            else:
                run += 0.6
        widest = max(widest, run)
    chinese = 2.0 if header and any(ord(ch) > 0x2E80 for ch in text) else 1.0 if text else 0.0
    return max(widest, chinese)


def _natural_em(text: str, *, header: bool) -> float:
    """The width a cell would like: its whole text on one line, but a header or a long
    text may wrap (a header to four characters a line, other text to eight)."""
    cap = 4.0 if header else 8.0
    return max(_min_em(text, header=header), min(text_em(text), cap))


def _allocate(total: float, weights: list[float], mins: list[float]) -> list[float]:
    """Widths in proportion to ``weights``, none below its minimum (the others give way)."""
    n = len(weights)
    wsum = sum(weights) or 1.0
    widths = [total * w / wsum for w in weights]
    fixed: set[int] = set()
    for _ in range(n):
        short = [j for j in range(n) if j not in fixed and widths[j] < mins[j] - 1e-9]
        if not short:
            break
        for j in short:
            widths[j] = mins[j]
            fixed.add(j)
        free = [j for j in range(n) if j not in fixed]
        room = total - sum(widths[j] for j in fixed)
        fsum = sum(weights[j] for j in free) or 1.0
        for j in free:
            widths[j] = max(0.0, room) * weights[j] / fsum
    return widths


def column_widths(headers: list[str], cells: list[list[str]], weights: list[float]) -> tuple[float, list[float]]:
    """(font size in pt, column widths in mm) that fit the 版心.

    The largest table font size (小四 down to 7.5 pt) at which every column gets the
    width it would like (:func:`_natural_em`), else the largest at which every column
    gets at least what must not break (a number or a Latin word whole); within that,
    widths follow the columns' weights. A table too wide even then is scaled to the
    版心 — it never runs off the page, though its numbers may wrap.
    """
    total = TEXT_W_MM
    n = len(headers)
    hard_em = [max([_min_em(headers[j], header=True)] + [_min_em(r[j], header=False) for r in cells])
               for j in range(n)]
    soft_em = [max([_natural_em(headers[j], header=True)] + [_natural_em(r[j], header=False) for r in cells])
               for j in range(n)]

    def mm(em: float, size: float) -> float:
        return (em * size + 2 * CELL_PAD_PT + 1) / PT_PER_MM

    for need_em in (soft_em, hard_em):
        for size in TABLE_SIZES:
            mins = [mm(e, size) for e in need_em]
            if sum(mins) <= total:
                return size, _allocate(total, weights, mins)
    size = TABLE_SIZES[-1]
    mins = [mm(e, size) for e in hard_em]
    return size, [m * total / sum(mins) for m in mins]


def table_layout(table) -> tuple[float, list[float]]:
    """(font size, column widths in mm) of a :class:`~innodrive.reports.model.Table`,
    the same for the Word and the PDF rendering."""
    from innodrive.reports.text import cell_text

    headers = [c.header for c in table.columns]
    cells = [[cell_text(v, table.columns[j].decimals) for j, v in enumerate(row)] for row in table.rows]
    return column_widths(headers, cells, [c.weight for c in table.columns])
