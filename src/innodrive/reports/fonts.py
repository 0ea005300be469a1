"""The Chinese font the PDFs and charts embed, found on the machine.

A PDF must carry its own font: the official who opens it may have no Chinese font at
all. reportlab embeds TrueType outlines only — Noto CJK's OpenType (CFF) outlines are
refused, and its built-in STSong-Light is a reference to a font the reader must
have, which poppler (and so every Linux viewer and our checks) shows as no text. So
innodrive looks for a TrueType CJK font: the one named by ``INNODRIVE_CJK_FONT``, else
WenQuanYi Micro Hei (Debian/Ubuntu ``fonts-wqy-microhei``, Apache-2.0 licence
option), else Droid Sans Fallback, else the fonts Windows ships. When none is found
the message says which package to install — a report is never written with boxes
in place of characters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from innodrive.errors import InputError

CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/local/share/fonts/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simfang.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)
REPORTLAB_NAME = "InnodriveCJK"
PROBE = "中华人民共和国创新驱动发展考核通报（一）"

MISSING_MESSAGE = ("找不到可嵌入 PDF 的中文 TrueType 字体：请安装文泉驿微米黑"
                   "（Debian/Ubuntu：apt-get install fonts-wqy-microhei），"
                   "或用环境变量 INNODRIVE_CJK_FONT 指定一个 .ttf/.ttc 中文字体文件")


@dataclass(frozen=True)
class FontFile:
    path: Path
    subfont: int = 0

    @property
    def name(self) -> str:
        return self.path.name


def _configured() -> str:
    from innodrive import settings

    return settings.get("cjk_font").strip()


def find_font() -> FontFile:
    """The CJK TrueType font to embed, or an :class:`InputError` saying how to get one."""
    return _find(_configured())


@cache
def _find(configured: str) -> FontFile:
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise InputError(f"INNODRIVE_CJK_FONT 指定的字体文件不存在：{configured}", field="INNODRIVE_CJK_FONT")
        _check(path, configured=True)
        return FontFile(path)
    for candidate in CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            try:
                _check(path, configured=False)
            except InputError:
                continue
            return FontFile(path)
    raise InputError(MISSING_MESSAGE, field="INNODRIVE_CJK_FONT")


def _check(path: Path, *, configured: bool) -> None:
    """The file is a TrueType font with Chinese glyphs (reportlab can embed it)."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFontFile

    try:
        face = TTFontFile(str(path), subfontIndex=0)
    except TTFError as exc:
        why = "是 OpenType（CFF）轮廓，reportlab 无法嵌入" if "postscript" in str(exc).lower() else f"无法读取（{exc}）"
        raise InputError(f"字体文件 {path.name} {why}；请改用 TrueType 中文字体（如文泉驿微米黑 wqy-microhei.ttc）",
                         field="INNODRIVE_CJK_FONT" if configured else None) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"无法读取字体文件 {path.name}（{exc}）", field="INNODRIVE_CJK_FONT") from None
    missing = [ch for ch in PROBE if ord(ch) not in face.charToGlyph]
    if missing:
        raise InputError(f"字体文件 {path.name} 不含中文字形（缺少“{''.join(missing[:5])}”等字）",
                         field="INNODRIVE_CJK_FONT" if configured else None)


def reportlab_font() -> str:
    """Register the font with reportlab (once) and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = find_font()
    # a name stable across processes (it is written into the PDF): same data, same bytes
    digest = hashlib.sha1(f"{font.path}#{font.subfont}".encode()).hexdigest()[:8]
    name = f"{REPORTLAB_NAME}-{digest}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font.path), subfontIndex=font.subfont))
    return name


def matplotlib_font():
    """A matplotlib ``FontProperties`` for the same font (charts with Chinese labels)."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(find_font().path))


def clear_cache() -> None:
    """Forget the font found (tests switch ``INNODRIVE_CJK_FONT``)."""
    _find.cache_clear()


__all__ = ["CANDIDATES", "MISSING_MESSAGE", "FontFile", "clear_cache", "find_font", "matplotlib_font",
           "reportlab_font"]
