"""Page furniture: the parts of a newspaper page, web page or PDF that are not the text.

A decision cut out of a newspaper's e-paper edition or saved from a government web site
arrives wrapped in mastheads, bylines, page indexes, "continued on page 3" markers,
share buttons and breadcrumbs. They are recognised by their *form* — the conventions
of Chinese newspapers and government sites — never by the words of a particular
document. Whole furniture lines are dropped; inline markers are cut out of a line.
"""

from __future__ import annotations

from innodrive import regex_cache

# Whole lines that are furniture. Anchored patterns only: a line is dropped when the
# pattern covers it from start to end (after whitespace is trimmed).
_LINE_PATTERNS = [
    # e-paper page index and section labels: 第01版:一版要闻 / 01:一版要闻 / 第3版
    r"第?\s*[0-9０-９]{1,3}\s*版\s*[:：]?\s*\S{0,12}",
    r"[0-9]{2}\s*[:：]\s*\S{2,10}",
    r"本版(列表)?新闻|本版导读|版面导航|返回目录|上一版|下一版|上一期|下一期|报头",
    # continuation markers on their own line: （上接第1版）（下转第3版）（紧转第2版）
    r"([(（]\s*(上接|下转|紧转|转|接)第?\s*[0-9一二三四五六七八九十]+\s*版\s*[)）]\s*)+",
    # newspaper masthead and imprint
    r"CN\s*\d{2}\s*[-－]\s*\d{4}.*",
    r"(国内统一连续出版物号|国际标准连续出版物号|邮发代号).*",
    r"今日\s*\d+\s*版|总第\s*\d+\s*期|第\s*\d+\s*期",
    r"\S{2,8}日报社?出版|中共\S{2,10}机关报|\S{2,8}日报社",
    r"农历\S{2,16}|星期[一二三四五六日天]",
    r"[A-Z][A-Z .&]{3,}",  # Latin masthead, e.g. "XX DAILY"
    # editors, reporters, photographers
    r"(总编辑|值班编委|值班总编|责任编辑|本版编辑|编辑|美编|美术编辑|校对|审核|审校|监制|主编|版式设计|排版)\s*[:：].{0,40}",
    r"(本报)?记者\s*[^\W\d_a-zA-Z]{2,4}(\s+[^\W\d_a-zA-Z]{2,4}){0,3}\s*(摄|报道|文/图|图/文|通讯员.*)?",
    r"(图片|图|摄影|摄)\s*[/／:：]\s*[^\W\d_a-zA-Z]{2,4}.*",
    r".{0,12}天气预报\s*[:：].*",
    # web page chrome (and the lines that hold it anywhere: _ANYWHERE below)
    r"(当前位置|您的位置|所在位置)\s*[:：].*",
    # the buttons of a saved article page, one per line: 下载 / 打印 / 全屏 / 收藏 / 加大 / 还原 / 减小 / 】
    r"下载|打印|全屏|收藏|分享|加大|还原|减小|关闭|大|中|小|[【】]|相关报道\s*[:：]?",
    r"首页\s*[>＞»/].*",
    r"(上一篇|下一篇|上一条|下一条)\s*[:：].*",
    r"(来源|作者|发布时间|发布日期|信息来源|浏览次数|阅读次数|点击数|访问量)\s*[:：].{0,60}",
    r"(浏览|阅读|点击)\s*[:：]?\s*\d+\s*次?",
    # PDF page numbers
    r"[-—－\s]*[0-9]{1,4}[-—－\s]*",
    r"第\s*[0-9]{1,4}\s*页(\s*[,，/]?\s*共\s*[0-9]{1,4}\s*页)?",
]
# Lines that are furniture wherever these words stand in them: web page chrome, and the
# list separators of e-paper navigation blocks. A line is one of them when ``.*(?:words).*``
# covers it.
_ANYWHERE = [
    r"扫一扫|在手机打开|分享到|打印本页|关闭窗口|加入收藏|设为首页|网站地图|联系我们|ICP备|版权所有|技术支持\s*[:：]",
    r"【\s*字[号体]|字[号体]\s*[:：]\s*[大中小]|放大\s*缩小|[大中小]\s*[大中小]\s*[大中小]\s*$",
    r"~{3,}",
]
_LINE_RE = regex_cache.compile("|".join(f"(?:{p})" for p in _LINE_PATTERNS))
# ``.*(?:words).*`` as one whole-line pattern, and the words alone: a line is asked the first
# only when the second finds the words in it (a full match holds them). The whole-line form
# tried ``.*`` back from every position of every line, most of the furniture test's time.
_ANYWHERE_LINE_RE = regex_cache.compile(".*(?:" + "|".join(_ANYWHERE) + ").*")
# Words one of which a line that _ANYWHERE_LINE_RE covers holds (in the order of _ANYWHERE:
# 技术支持 of 技术支持：, 手机打开 of 在手机打开, 【 字号 字体 放大 of the font buttons, ~~~),
# unless it ends with 大, 中 or 小 (the three buttons 大 中 小): found in one scan that
# starts from rarer characters than the patterns do (在, 大, 中 are everywhere).
_ANYWHERE_WORDS = regex_cache.compile("扫一扫|手机打开|分享到|打印本页|关闭窗口|加入收藏|设为首页|网站地图|联系我们|ICP备|版权所有|"
                                      "技术支持|【|字号|字体|放大|~~~")

_MAX_FURNITURE_LEN = 100

# Inline markers cut out of a line.
_INLINE_RE = regex_cache.compile(
    r"[(（]\s*(上接|下转|紧转|转|接)第?\s*[0-9一二三四五六七八九十]+\s*版\s*[)）]"
    r"|\*\*"                      # markdown bold left over from a scrape
)


def is_furniture_line(line: str, *, tildes: bool = True) -> bool:
    """Whether a whole (trimmed) line is page furniture. ``tildes=False``: the text the line
    comes from holds no ``~~~`` (a long line is then not furniture, without being searched)."""
    if not line:
        return False
    if len(line) > _MAX_FURNITURE_LEN:  # furniture is short; body paragraphs are not
        return tildes and "~~~" in line
    return _LINE_RE.fullmatch(line) is not None or (
        (_ANYWHERE_WORDS.search(line) is not None or line.rstrip()[-1:] in ("大", "中", "小"))
        and _ANYWHERE_LINE_RE.fullmatch(line) is not None)


def inline_furniture(line: str) -> list[tuple[int, int]]:
    """Ranges of inline furniture in a line, to be removed."""
    return [m.span() for m in _INLINE_RE.finditer(line)]
