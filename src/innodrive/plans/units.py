"""牵头单位 and 配合单位 as documents write them (pure functions).

Documents name the owners of a task in several ways, and the heading often carries
them: "（一）实施高新技术企业倍增行动（市科技局牵头，市财政局、市税务局配合）", "由市经信局
牵头，市发展改革委、市科技局配合", "牵头单位：市科技局；责任单位：市财政局". The extractor
reads the labelled forms in a task's body; :func:`owners_in` also reads the heading and
the 由…牵头 / …牵头，…配合 sentences, so that 责任制 has its units whenever the text
states them. A person can always set or correct them (``tasks.assign``).
"""

from __future__ import annotations

import re
import unicodedata

# 由X牵头 / X牵头 [，Y、Z 配合|参与|协同|按职责分工负责]
_LEAD_SENTENCE = re.compile(
    r"(?:由|请)?(?P<lead>[^，,。；;（）()由请\n]{2,60}?)(?:牵头(?:负责|抓总|组织)?)"
    r"(?:[，,、；;]\s*(?P<co>[^。；;（）()\n]{2,160}?)(?:按职责分工)?(?:配合|参与|协同|协助|按职责(?:分工)?负责|共同负责|负责落实))?"
    r"(?=[。；;，,)）\n]|$)")
_UNIT_HINT = re.compile(r"[局委办厅院会府部室司行署中心队所校馆]$|政府$|部门$|单位$")
_MAX_UNIT = 50


def clean_units(units: list[str] | None) -> list[str]:
    """Names of units as a person typed them: NFKC, spaces trimmed, empty and repeated
    names dropped (order kept); one name may also hold several separated by 、,，;；."""
    out: list[str] = []
    for item in units or []:
        for u in re.split(r"[、,，;；]", unicodedata.normalize("NFKC", item or "")):
            u = u.strip()
            if u and u not in out:
                out.append(u[:_MAX_UNIT])
    return out


def _split(text: str) -> list[str]:
    from innodrive.extraction.outline import split_units

    return split_units(text)


def owners_in(text: str) -> tuple[list[str], list[str]]:
    """(lead units, co-units) that ``text`` (a heading or a task's body) names."""
    from innodrive.extraction.outline import owners

    if not text:
        return [], []
    norm = unicodedata.normalize("NFKC", text)
    lead, co = owners(norm)
    if lead:
        return lead, co
    for m in _LEAD_SENTENCE.finditer(norm):
        found = [u for u in _split(m.group("lead")) if _UNIT_HINT.search(u)]
        if not found:
            continue
        lead += found
        if m.group("co"):
            co += [u for u in _split(m.group("co")) if _UNIT_HINT.search(u)]
        break
    lead = list(dict.fromkeys(lead))
    return lead, [u for u in dict.fromkeys(co) if u not in lead]
