"""The small closed vocabularies of the technology market, with their Chinese labels.

One place for the codes a record stores and the words a person reads: holder kinds,
transfer modes, technology readiness levels, technical-contract types and the stages
of a pairing. Stored values are the Chinese terms themselves where the office's forms
use them verbatim (转让, 高校), so a record read straight from the database is legible.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel

HOLDER_KINDS = ("高校", "院所", "企业", "个人")

# 《中华人民共和国促进科技成果转化法》（2015年修正）第十六条列举的转化方式中，汇交表常用的四种
TRANSFER_MODES = ("转让", "许可", "作价入股", "合作开发")
TRANSFER_MODES_SOURCE = "《中华人民共和国促进科技成果转化法》第十六条（转让、许可、作价投资、合作实施）"

# 《中华人民共和国民法典》第三编第二十章“技术合同”的合同类型
CONTRACT_TYPES = ("技术开发", "技术转让", "技术许可", "技术咨询", "技术服务")
CONTRACT_TYPES_SOURCE = "《中华人民共和国民法典》第三编第二十章 技术合同"

# A pairing moves forward through these stages (and may be closed at any of them).
STAGES = ("recommended", "contacted", "negotiating", "signed", "registered")
STAGE_NAMES = {"recommended": "推荐", "contacted": "联系", "negotiating": "洽谈", "signed": "签约",
               "registered": "技术合同登记", "closed": "终止"}
STAGE_BY_NAME = {v: k for k, v in STAGE_NAMES.items()} | {"登记": "registered", "合同登记": "registered"}


class ReadinessLevel(BaseModel):
    level: int
    name: str
    description: str


@cache
def readiness_levels() -> tuple[str, dict[int, ReadinessLevel]]:
    """(source, level → definition) of the nine technology readiness levels."""
    import yaml

    text = resources.files("innodrive.market.data").joinpath("trl.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    levels = {int(k): ReadinessLevel(level=int(k), **v) for k, v in data["levels"].items()}
    return data["source"], levels


def trl_label(level: int | None) -> str:
    if not level:
        return "未填"
    return f"TRL {level}（{readiness_levels()[1][level].name}）"


def stage_id(text: str) -> str | None:
    """A stage from its id or its Chinese name."""
    t = (text or "").strip()
    if t in STAGE_NAMES:
        return t
    return STAGE_BY_NAME.get(t)
