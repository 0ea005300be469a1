"""Document → plan: metadata, outline, targets and programmes in one pass.

:func:`run` builds plain records (:mod:`innodrive.extraction.records`) and imports
nothing heavy, so that ``innodrive extract --json`` on one small file stays well under a
second including start-up; :func:`extract` returns the validated pydantic
:class:`~innodrive.extraction.models.ExtractedPlan` the rest of innodrive takes.
"""

from __future__ import annotations

import os

from innodrive.documents import Document, paused_gc, read_document, read_path
from innodrive.extraction.metadata import read_meta
from innodrive.extraction.outline import body_ends, find_headings, owners, task_deadline
from innodrive.extraction.programmes import find_programmes
from innodrive.extraction.records import (
    DocumentRecord,
    EvidenceRecord,
    OutlineRecord,
    PlanRecord,
    ProgrammeRecord,
    SourceRecord,
    TargetRecord,
)
from innodrive.extraction.targets import DocContext, find_targets

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ``extract --json`` start-up time
if TYPE_CHECKING:
    from innodrive.extraction.models import ExtractedPlan


def extract(doc: Document) -> ExtractedPlan:
    """Extract the plan a document contains. Pure: no I/O beyond the given document."""
    from innodrive.extraction.models import ExtractedPlan

    return ExtractedPlan.from_record(run(doc))


def run(doc: Document, *, explain: bool = False) -> PlanRecord:
    """The plan as plain records. ``explain`` also records why clauses were taken or
    dropped (``PlanRecord.decisions``)."""
    with paused_gc():
        return _run(doc, explain)


def _run(doc: Document, explain: bool) -> PlanRecord:
    clean, paragraphs = doc.clean, doc.paragraphs
    meta = read_meta(clean, paragraphs, doc.html_title)
    headings = find_headings(clean, paragraphs)

    outline: list[OutlineRecord] = []
    ends = body_ends(headings, len(clean))
    for i, h in enumerate(headings):
        end = ends[i]
        # the task's own words run to the next heading of any level (its children have their own)
        own_end = headings[i + 1].start - 1 if i + 1 < len(headings) else end
        own = clean[h.title_end:own_end]
        lead, co = owners(own[:5000])
        outline.append(OutlineRecord(
            level=h.level, label=h.label, title=h.title, span=doc.span(h.start, h.title_end),
            marker=h.style, number=h.number, path=h.path,
            body_span=doc.span(h.title_end, end) if end > h.title_end else None,
            lead_units=lead, co_units=co, deadline=task_deadline(own[:2000]) if own else None,
        ))

    ctx = DocContext(doc_year=meta.doc_year, horizon=meta.horizon, plan_start=meta.plan_start,
                     default_scope=meta.default_scope, annual=meta.annual, genre=meta.genre)
    trace: list | None = [] if explain else None
    found = find_targets(clean, paragraphs, headings, ctx, trace=trace)
    targets = [
        TargetRecord(
            indicator=f.indicator, kind=f.kind, value=f.value, unit=f.unit, comparator=f.comparator,
            year=f.year, baseline_year=f.baseline_year, direction=f.direction, firmness=f.firmness,
            scope=f.scope, section=f.section, note=f.note, basis=f.basis, baseline_value=f.baseline_value,
            binding=f.binding,
            evidence=EvidenceRecord(text=clean[f.start:f.end], span=doc.span(f.start, f.end)),
        )
        for f in found
    ]
    decisions = []
    if trace is not None:
        for f in found:
            decisions.append((doc.span(f.start, f.end), clean[f.start:f.end], f"抽取：{f.why}" if f.why else "抽取"))
        for a, b, reason in trace:
            decisions.append((doc.span(a, b), clean[a:b], reason))
        decisions.sort(key=lambda d: d[0])

    programmes = [
        ProgrammeRecord(name=p.name, parts=p.parts,
                        evidence=EvidenceRecord(text=_sentence_around(clean, p.start, p.end),
                                                span=doc.span(p.start, p.end)))
        for p in find_programmes(clean, [(h.start, h.title) for h in headings])
    ]

    warnings = list(doc.warnings)
    if doc.repeated_paragraphs:
        warnings.append(f"发现 {doc.repeated_paragraphs} 个重复段落（如报纸版面重复刊印），已按一次计")
    if doc.script == "traditional":
        warnings.append("原文为繁体字，已转换为简体后抽取（位置仍指向原文）")
    if meta.title_inferred:
        warnings.append(f"文件开头没有标题，标题“{meta.title}”由发文机关、年份和文种推断")
    if not any(t.kind in ("number", "multiple", "growth") for t in targets):
        warnings.append("文中未找到量化目标")

    return PlanRecord(
        source=SourceRecord(file=doc.name, sha256=doc.sha256, encoding=doc.encoding, script=doc.script,
                            format=doc.format),
        document=DocumentRecord(title=meta.title, issuer=meta.issuer, region=meta.region, genre=meta.genre,
                                issued=meta.issued, horizon=meta.horizon, title_inferred=meta.title_inferred),
        outline=outline, targets=targets, programmes=programmes, warnings=warnings, decisions=decisions,
    )


def _sentence_around(clean: str, start: int, end: int) -> str:
    a = max(clean.rfind("。", 0, start), clean.rfind("\n", 0, start)) + 1
    b_candidates = [i for i in (clean.find("。", end), clean.find("\n", end)) if i != -1]
    b = min(b_candidates) if b_candidates else len(clean)
    return clean[a:b]


def extract_bytes(data: bytes, name: str) -> ExtractedPlan:
    return extract(read_document(data, name))


def extract_path(path: str | os.PathLike) -> ExtractedPlan:
    """Read and extract one file. Raises UnreadableDocument for files that cannot be read."""
    return extract(read_path(path))


def run_path(path: str | os.PathLike, *, explain: bool = False) -> PlanRecord:
    """Read one file and extract its plan as plain records (no pydantic)."""
    return run(read_path(path), explain=explain)
