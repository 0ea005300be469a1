"""The extracted plan: what innodrive reads out of one policy document.

These pydantic models are the boundary between extraction and everything after it
(storage, tracking, the CLI and API). :meth:`ExtractedPlan.to_contract` renders the
exact JSON of "The extracted-plan contract" in ``ARCHITECTURE.md``; the models carry
a few more fields (task owners and deadlines, qualifier notes, warnings) that the
later stages use but the contract does not show.

Every fact carries a ``span``: a pair of character offsets into the *original decoded
text* of the file, so that a person can always be shown the words it came from.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["number", "multiple", "growth", "relative", "trend", "milestone"]
Comparator = Literal["=", ">=", ">", "<=", "<", "~"]
Direction = Literal["ge", "le"]
Span = tuple[int, int]

QUANTITATIVE_KINDS: frozenset[str] = frozenset({"number", "multiple", "growth"})


class Evidence(BaseModel):
    """The words a fact came from: the (simplified, normalised) text and its span
    in the original decoded text."""

    model_config = ConfigDict(frozen=True)

    text: str
    span: Span


class Target(BaseModel):
    """One goal of the plan.

    ``value``/``unit`` are as written (45 and 亿元); ``kind`` says how to read them:
    ``number`` a level to reach, ``multiple`` a multiple of the baseline (倍增 = 2),
    ``growth`` a growth rate, ``relative`` a comparison with an average, ``trend`` a
    direction only, ``milestone`` a thing to achieve.
    """

    indicator: str
    kind: Kind
    value: float | int | None = None
    unit: str | None = None
    comparator: Comparator | None = None
    year: int | None = None
    baseline_year: int | None = None
    direction: Direction = "ge"
    firmness: Literal["力争", "确保"] | None = None
    scope: str | None = None
    section: str | None = None
    evidence: Evidence
    # Beyond the contract -------------------------------------------------------
    note: str | None = Field(default=None, description="qualifier words for non-numeric kinds, e.g. 高于全省平均水平")
    basis: Literal["annual", "cumulative", "points"] | None = Field(
        default=None, description="for growth: an annual rate, a change over the whole period, or percentage points")
    baseline_value: float | None = Field(default=None, description="a baseline value stated in the document (tables)")
    binding: Literal["约束性", "预期性"] | None = None

    CONTRACT_FIELDS: ClassVar[tuple[str, ...]] = (
        "indicator", "kind", "value", "unit", "comparator", "year", "baseline_year",
        "direction", "firmness", "scope", "section", "evidence",
    )


class OutlineNode(BaseModel):
    """A heading of the document's outline (一、/（一）/1./（1）/一要/一是/第X条…).

    ``label`` is the numbering as written without its punctuation ("一", "(一)",
    "1", "一要"); ``path`` joins the labels from the top (e.g. "三/(三)/1").
    """

    level: int
    label: str
    title: str
    span: Span
    # Beyond the contract -------------------------------------------------------
    marker: str = Field(description="the numbering style, e.g. 'cn_dun' for 一、")
    number: int = Field(description="the heading's ordinal within its parent")
    path: str
    body_span: Span | None = Field(default=None, description="original span of the text under this heading")
    lead_units: list[str] = Field(default_factory=list, description="牵头单位 named in the text")
    co_units: list[str] = Field(default_factory=list, description="责任单位/配合单位 named in the text")
    deadline: str | None = Field(default=None, description="ISO date or year-month named as the task's time limit")


class Programme(BaseModel):
    """A named programme such as “5553”行动计划 and its parts."""

    name: str
    parts: list[str] = Field(default_factory=list)
    evidence: Evidence


class DocumentMeta(BaseModel):
    title: str | None = None
    issuer: str | None = None
    region: str | None = None
    genre: str | None = None
    issued: str | None = Field(default=None, description="YYYY-MM-DD, YYYY-MM or YYYY, as precise as the text says")
    horizon: int | None = Field(default=None, description="the year the plan runs to (十四五 → 2025)")
    # a title made from issuer, year and genre is marked by a warning of the plan
    # (PlanRecord.document.title_inferred carries the flag on the plain records)


class SourceInfo(BaseModel):
    file: str
    sha256: str
    encoding: str
    script: Literal["simplified", "traditional"]
    format: Literal["txt", "docx", "pdf", "html"] = "txt"


class ExtractedPlan(BaseModel):
    source: SourceInfo
    document: DocumentMeta
    outline: list[OutlineNode] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    programmes: list[Programme] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def to_contract(self) -> dict:
        """The JSON of the extracted-plan contract, exactly (no extra fields)."""
        from innodrive.extraction.records import contract

        return contract(self)

    @classmethod
    def from_record(cls, record) -> ExtractedPlan:
        """The validated model of a :class:`~innodrive.extraction.records.PlanRecord`."""
        from innodrive.extraction.records import plain

        data = plain(record)
        data.pop("decisions", None)
        return cls.model_validate(data)
