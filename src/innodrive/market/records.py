"""What a result and a demand are, as typed values (pydantic), in and out.

``ResultIn`` / ``DemandIn`` are what a person submits (a template row, a web form, a
CLI call), already parsed and checked field by field (:mod:`innodrive.market.forms`).
``Result`` / ``Demand`` are stored records as the services show them: the contact is a
:class:`~innodrive.market.contacts.Contact` that the service masks unless the actor may
see it.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from innodrive.market.contacts import Contact


class ResultIn(BaseModel):
    """A 科技成果 as submitted (汇交)."""

    id: int | None = None                 # 成果编号: given to update an existing result
    title: str
    holder: str
    holder_kind: str                      # 高校 / 院所 / 企业 / 个人
    holder_credit_code: str | None = None
    industry_code: str | None = None      # GB/T 4754—2017 门类 or 大类
    discipline_code: str | None = None    # GB/T 13745—2009 门类 or 一级学科
    trl: int | None = Field(default=None, ge=1, le=9)
    patents: list[str] = Field(default_factory=list)   # normalised (innodrive.market.patents)
    transfer_modes: list[str] = Field(default_factory=list)
    price_wan: float | None = Field(default=None, ge=0)  # None = 面议
    abstract: str
    keywords: list[str] = Field(default_factory=list)
    region_code: str
    contact: Contact = Field(default_factory=Contact)
    source: str | None = None             # file and row it came from

    def match_text(self) -> str:
        return text_of_result(self.title, self.keywords, self.abstract)


class DemandIn(BaseModel):
    """An enterprise's technical demand as submitted."""

    id: int | None = None
    credit_code: str
    enterprise_name: str | None = None    # registers the firm in the directory when it is new
    title: str
    problem: str
    industry_code: str | None = None
    discipline_code: str | None = None
    trl_min: int | None = Field(default=None, ge=1, le=9)
    budget_wan: float | None = Field(default=None, ge=0)
    deadline: dt.date | None = None
    region_code: str | None = None        # default: the enterprise's region
    confidential: bool = False
    keywords: list[str] = Field(default_factory=list)
    contact: Contact = Field(default_factory=Contact)
    source: str | None = None

    def match_text(self) -> str:
        return text_of_demand(self.title, self.keywords, self.problem)


def text_of_result(title: str, keywords: list[str], abstract: str) -> str:
    """The text a result is matched on (and highlighted in): title, keywords, abstract."""
    return "\n".join(p for p in (title, "、".join(keywords), abstract) if p)


def text_of_demand(title: str, keywords: list[str], problem: str) -> str:
    return "\n".join(p for p in (title, "、".join(keywords), problem) if p)


class Result(BaseModel):
    id: int
    title: str
    holder: str
    holder_kind: str
    holder_credit_code: str | None
    industry_code: str | None
    industry_name: str | None
    discipline_code: str | None
    discipline_name: str | None
    trl: int | None
    patents: list[str]
    transfer_modes: list[str]
    price_wan: float | None
    abstract: str
    keywords: list[str]
    region_code: str
    region_name: str | None
    contact: Contact
    status: str
    converted: bool = False               # a registered contract exists
    source: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def text(self) -> str:
        return text_of_result(self.title, self.keywords, self.abstract)


class Demand(BaseModel):
    id: int
    credit_code: str
    enterprise_name: str | None
    title: str
    problem: str
    industry_code: str | None
    industry_name: str | None
    discipline_code: str | None
    discipline_name: str | None
    trl_min: int | None
    budget_wan: float | None
    deadline: dt.date | None
    region_code: str
    region_name: str | None
    confidential: bool
    keywords: list[str]
    contact: Contact
    status: str
    source: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def text(self) -> str:
        return text_of_demand(self.title, self.keywords, self.problem)
