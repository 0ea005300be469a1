"""Saved web pages: the text a browser shows, each character mapped to its place in the source.

Kept apart from :mod:`innodrive.documents.readers` so that reading a plain-text file does
not import Python's HTML parser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from innodrive import regex_cache
from innodrive.documents.offsets import MText, concat
from innodrive.documents.readers import RawText
from innodrive.errors import UnreadableDocument

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "blockquote", "pre", "dd", "dt", "dl", "hr", "center", "tbody", "thead",
}
_CELL_TAGS = {"td", "th"}
_SKIP_TAGS = {"script", "style", "noscript", "head", "nav", "footer", "aside", "iframe", "svg",
              "button", "select", "template", "object"}
_VOID_TAGS = {"br", "img", "meta", "input", "hr", "link", "area", "base", "col", "embed", "source", "wbr"}
_SKIP_CLASS = regex_cache.compile(r"(^|[\s_-])(nav|navbar|menu|footer|breadcrumb|crumbs?|share|sidebar|toolbar|copyright)([\s_-]|$)", re.I)


class _TextCollector(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self._line_starts = [0]
        for m in re.finditer("\n", source):
            self._line_starts.append(m.end())
        self.pieces: list[MText] = []
        self._skip: list[str] = []
        self.title_parts: list[str] = []
        self._in_title = False

    def _abs(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _newline(self, sep: str = "\n") -> None:
        self.pieces.append(MText(sep, ((0, self._abs()),)))

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        if self._skip:
            if tag == self._skip[-1] and tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        cls = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if tag in _SKIP_TAGS or (tag not in _VOID_TAGS and cls and _SKIP_CLASS.search(cls)):
            if tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self._newline()
        elif tag in _CELL_TAGS:
            self._newline("\t")

    def handle_startendtag(self, tag, attrs):
        if not self._skip and tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag in _BLOCK_TAGS:
            self._newline()

    def _emit(self, text: str, start: int) -> None:
        if self._in_title:
            self.title_parts.append(text)
        if self._skip:
            return
        # source line breaks inside a text node are spaces, not paragraph breaks
        self.pieces.append(MText.at(text.translate(_WS_TO_SPACE), start))

    def handle_data(self, data):
        self._emit(data, self._abs())

    def handle_entityref(self, name):
        from html import unescape

        ch = unescape(f"&{name};")
        if ch == f"&{name};":
            ch = "&" + name
        self._emit_char(ch)

    def handle_charref(self, name):
        from html import unescape

        self._emit_char(unescape(f"&#{name};"))

    def _emit_char(self, ch: str) -> None:
        start = self._abs()
        if self._in_title:
            self.title_parts.append(ch)
        if not self._skip:
            ch = ch.translate(_WS_TO_SPACE)
            self.pieces.append(MText(ch, ((0, start),)))


_WS_TO_SPACE = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\xa0": " "})


def read_html(source: str, encoding: str, name: str) -> RawText:
    parser = _TextCollector(source)
    try:
        parser.feed(source)
        parser.close()
    except Exception as exc:  # html.parser is lenient; this is a last resort
        raise UnreadableDocument(f"HTML 解析失败：{exc}", file=name) from exc
    text = concat(parser.pieces)
    title = re.sub(r"\s+", " ", "".join(parser.title_parts)).strip() or None
    return RawText(source, text, "html", encoding, html_title=title)


