"""The document every report writer builds: an official document (公文) as data.

A writer (the 考核结果通报, a 督查通报, an evaluation report) turns a service's view
model and an editable template (:mod:`innodrive.reports.template`) into one
:class:`OfficialDocument`; the renderers (:mod:`~innodrive.reports.docx`,
:mod:`~innodrive.reports.pdf`) lay it out by the conventions of GB/T 9704-2012
《党政机关公文格式》 — 发文机关标志, 发文字号, 标题, 主送机关, 正文 with 一、（一）1.（1）
headings, 附件说明, 落款 and 成文日期, 抄送 and 印发 in the 版记 — so that every report
of every domain looks like the documents the office already sends. Keeping the
document as data also makes "same data, same document" checkable: the model is
plain values, and both renderers are pure functions of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Cell = str | int | float | None


class Heading(BaseModel):
    """A heading of the body. Its number (一、 （一） 1. （1）) is given by the renderer
    from its level and position, so a template never writes a numeral."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["heading"] = "heading"
    level: Literal[1, 2, 3, 4] = 1
    text: str


class Paragraph(BaseModel):
    """A paragraph of 正文: first line indented by two characters."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["paragraph"] = "paragraph"
    text: str
    bold_lead: str | None = Field(None, description="a run-in lead phrase printed in bold before the text")


class Column(BaseModel):
    """A table column: its header, its share of the page width and how cells align.

    ``weight`` is a relative width; the renderers scale the weights to the width of
    the 版心 so that a table never runs off the page. ``decimals`` formats numbers
    (``None`` keeps integers as integers and prints other numbers with two decimals).
    """

    model_config = ConfigDict(frozen=True)

    header: str
    weight: float = 1.0
    align: Literal["left", "center", "right"] = "center"
    decimals: int | None = None


class Table(BaseModel):
    """A table with a caption, one header row, data rows and notes under it.

    Cells are text or numbers; ``None`` is printed as "—" (unknown is never shown as 0).
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["table"] = "table"
    caption: str | None = None
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()


class Figure(BaseModel):
    """A chart, already drawn as a PNG (see :mod:`innodrive.reports.charts`)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["figure"] = "figure"
    caption: str
    png: bytes
    width_mm: float = 150.0
    height_mm: float = 90.0


class PageBreak(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["page_break"] = "page_break"


Block = Annotated[Heading | Paragraph | Table | Figure | PageBreak, Field(discriminator="kind")]


class Fonts(BaseModel):
    """Font names written into the Word file (the office's PCs have these fonts).

    The PDF cannot rely on the reader's fonts: it embeds one CJK TrueType font
    (:mod:`innodrive.reports.fonts`) for every role.
    """

    model_config = ConfigDict(frozen=True)

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    mark: str = "方正小标宋简体"
    latin: str = "Times New Roman"


class OfficialDocument(BaseModel):
    """An official document as data: header, body, signature, 版记.

    ``date`` is the 成文日期 and also the only date written into the files' metadata,
    so rendering twice gives the same bytes. ``data_note`` is printed under the title
    when the numbers are constructed or provisional (it comes from the data, never
    from the template, so a constructed example cannot lose its label).
    """

    model_config = ConfigDict(frozen=True)

    issuer_mark: str | None = Field(None, description="发文机关标志, e.g. ××市创新驱动发展领导小组办公室")
    doc_number: str | None = Field(None, description="发文字号, e.g. ×创新办〔2025〕3号")
    title: str
    data_note: str | None = None
    recipients: str | None = Field(None, description="主送机关, ending with a full-width colon")
    blocks: tuple[Block, ...] = ()
    attachments: tuple[str, ...] = Field((), description="附件说明: the names of the attachments, in order")
    signature: str | None = Field(None, description="落款: the issuing body")
    date: dt.date
    cc: str | None = Field(None, description="抄送")
    printed_by: str | None = Field(None, description="印发机关")
    printed_on: dt.date | None = Field(None, description="印发日期 (default: 成文日期)")
    fonts: Fonts = Fonts()
    subject: str | None = Field(None, description="metadata: what the document is about")
    keywords: tuple[str, ...] = ()

    def numbered(self) -> list[tuple[Block, str | None]]:
        """The blocks with each heading's number (一、 （一） 1. （1）), counted per level and
        restarted under each higher heading — the same for every renderer."""
        from innodrive.reports.text import heading_label

        counters = [0, 0, 0, 0]
        out: list[tuple[Block, str | None]] = []
        for block in self.blocks:
            label = None
            if isinstance(block, Heading):
                counters[block.level - 1] += 1
                for k in range(block.level, 4):
                    counters[k] = 0
                label = heading_label(block.level, counters[block.level - 1])
            out.append((block, label))
        return out

    def attachment_lines(self) -> list[str]:
        """The 附件说明 as printed: 附件：1. … then the next names aligned under the first."""
        numbered = len(self.attachments) > 1
        return [("附件：" if i == 0 else "　　　") + (f"{i + 1}. " if numbered else "") + name
                for i, name in enumerate(self.attachments)]


__all__ = ["Block", "Cell", "Column", "Figure", "Fonts", "Heading", "OfficialDocument", "PageBreak", "Paragraph",
           "Table"]
