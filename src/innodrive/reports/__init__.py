"""innodrive.reports — the documents every domain hands in: Word, PDF, XLSX appendices, charts.

A report writer (the 考核结果通报 in :mod:`innodrive.reports.kaohe`, and the 督查通报,
evaluation report and 专项工作报告 built on the same layer) does three things:

1. takes a service's view model (numbers only from the data);
2. loads the editable template for its kind (:func:`load_template`: wording, 文号,
   issuer and date; a city overrides the bundled default) and builds the named tables
   (:class:`Table`) and charts (:class:`~innodrive.reports.charts.BarChart` → PNG);
3. calls :func:`render_document` to get an :class:`OfficialDocument` and
   :func:`render` to lay it out as DOCX or PDF by GB/T 9704-2012, plus
   :func:`~innodrive.reports.xlsx.render_xlsx` for the appendix.

Everything is a pure function of its inputs — same data, same bytes — and files are
written only by :func:`write` (atomically, through :func:`innodrive.safeio.atomic_write`).
:mod:`innodrive.reports.preflight` checks a PDF with poppler (text, glyphs, margins).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from innodrive.errors import InputError
from innodrive.reports.model import (
    Column,
    Figure,
    Fonts,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Table,
)
from innodrive.reports.template import DocumentTemplate, load_template, render_document

Format = Literal["docx", "pdf"]
FORMATS: tuple[str, ...] = ("docx", "pdf")


def render(document: OfficialDocument, fmt: str) -> bytes:
    """The document as ``docx`` or ``pdf`` bytes."""
    if fmt == "docx":
        from innodrive.reports.word import render_docx

        return render_docx(document)
    if fmt == "pdf":
        from innodrive.reports.pdf import render_pdf

        return render_pdf(document)
    raise InputError(f"不支持的文书格式“{fmt}”；可用：docx、pdf", field="format")


def chart_figure(chart, *, caption: str | None = None) -> Figure:
    """A :class:`~innodrive.reports.charts.BarChart` drawn and wrapped as a document figure."""
    from innodrive.reports.charts import height_for, render_png

    return Figure(caption=caption or chart.title, png=render_png(chart), width_mm=chart.width_mm,
                  height_mm=height_for(chart))


def write(data: bytes, path: str | Path) -> Path:
    """Write a rendered file atomically (never half-written, never through a symlink)."""
    from innodrive.safeio import atomic_write

    return atomic_write(path, data, what="文书文件")


__all__ = ["FORMATS", "Column", "DocumentTemplate", "Figure", "Fonts", "Format", "Heading", "OfficialDocument",
           "PageBreak", "Paragraph", "Table", "chart_figure", "load_template", "render", "render_document", "write"]
