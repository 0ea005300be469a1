"""The extracted plan as plain records, and the JSON contract rendered from them.

:mod:`innodrive.extraction.models` holds the pydantic models that the rest of innodrive
takes at its boundary. Importing pydantic costs about 0.2 s, more than reading and
extracting a whole 10 KB document, so the pipeline itself builds these plain
dataclasses with the same field names; ``innodrive extract --json`` renders them
directly, and :func:`innodrive.extraction.extract` validates them into the models.

:func:`contract` works on either (it only reads attributes), so the JSON of
"The extracted-plan contract" in ``ARCHITECTURE.md`` is written in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTRACT_TARGET_FIELDS: tuple[str, ...] = (
    "indicator", "kind", "value", "unit", "comparator", "year", "baseline_year",
    "direction", "firmness", "scope", "section",
)
DOCUMENT_FIELDS: tuple[str, ...] = ("title", "issuer", "region", "genre", "issued", "horizon")


@dataclass
class EvidenceRecord:
    """The words a fact came from and their span in the original text."""

    text: str
    span: tuple[int, int]


@dataclass
class TargetRecord:
    """One target of a plan (the plain-record form of :class:`~innodrive.extraction.models.Target`)."""

    indicator: str
    kind: str
    value: float | int | None
    unit: str | None
    comparator: str | None
    year: int | None
    baseline_year: int | None
    direction: str
    firmness: str | None
    scope: str | None
    section: str | None
    evidence: EvidenceRecord
    note: str | None = None
    basis: str | None = None
    baseline_value: float | int | None = None
    binding: str | None = None


@dataclass
class OutlineRecord:
    """One heading of the document's outline, with its owners and deadline."""

    level: int
    label: str
    title: str
    span: tuple[int, int]
    marker: str
    number: int
    path: str
    body_span: tuple[int, int] | None = None
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    deadline: str | None = None


@dataclass
class ProgrammeRecord:
    """A named programme (城市创新“5553”行动计划, “五大工程”) and the parts the document spells out."""

    name: str
    parts: list[str]
    evidence: EvidenceRecord


@dataclass
class DocumentRecord:
    """What the document is: title, issuer, region, genre, date and horizon."""

    title: str | None = None
    issuer: str | None = None
    region: str | None = None
    genre: str | None = None
    issued: str | None = None
    horizon: int | None = None
    title_inferred: bool = False


@dataclass
class SourceRecord:
    """The file a plan was read from."""

    file: str
    sha256: str
    encoding: str
    script: str
    format: str = "txt"


@dataclass
class PlanRecord:
    """Everything extracted from one document, as plain records."""

    source: SourceRecord
    document: DocumentRecord
    outline: list[OutlineRecord] = field(default_factory=list)
    targets: list[TargetRecord] = field(default_factory=list)
    programmes: list[ProgrammeRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    decisions: list[tuple[tuple[int, int], str, str]] = field(default_factory=list)
    """(original span, clause, 中文 reason) for clauses taken or dropped — ``extract -v``."""

    def to_contract(self) -> dict:
        return contract(self)


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}  # a record class -> its field names; other types -> None


def plain(value):
    """``dataclasses.asdict`` of a record (dataclasses, lists, tuples and dicts of them and of
    plain values), without its copies: ``asdict`` deep-copies every leaf value (a str, an int:
    the same object comes back) and looks up each class's fields each time, which was 29 % of
    extracting a plan into its pydantic model (the development corpus, cProfile). The dict is
    only read (validated into the model), so the leaves are shared, not copied."""
    cls = type(value)
    names = _FIELD_NAMES.get(cls, ...)
    if names is ...:
        import dataclasses

        names = _FIELD_NAMES[cls] = (tuple(f.name for f in dataclasses.fields(cls))
                                     if dataclasses.is_dataclass(cls) else None)
    if names is not None:
        return {n: plain(getattr(value, n)) for n in names}
    if cls is list:
        return [plain(v) for v in value]
    if cls is tuple:
        return tuple(plain(v) for v in value)
    if cls is dict:
        return {plain(k): plain(v) for k, v in value.items()}
    return value


def contract(plan) -> dict:
    """The JSON of the extracted-plan contract, exactly (no extra fields), from a
    :class:`PlanRecord` or an :class:`~innodrive.extraction.models.ExtractedPlan`."""
    src = plan.source
    doc = plan.document
    return {
        "source": {"file": src.file, "sha256": src.sha256, "encoding": src.encoding, "script": src.script},
        "document": {f: getattr(doc, f) for f in DOCUMENT_FIELDS},
        "outline": [
            {"level": n.level, "label": n.label, "title": n.title, "span": list(n.span)}
            for n in plan.outline
        ],
        "targets": [_target(t) for t in plan.targets],
        "programmes": [
            {"name": p.name, "parts": list(p.parts),
             "evidence": {"text": p.evidence.text, "span": list(p.evidence.span)}}
            for p in plan.programmes
        ],
    }


def _target(t) -> dict:
    d = {f: getattr(t, f) for f in CONTRACT_TARGET_FIELDS}
    d["evidence"] = {"text": t.evidence.text, "span": list(t.evidence.span)}
    return d
