"""XLSX appendices: the full tables behind a document, for the office to sort and check.

A 通报 prints what a reader needs; its appendix holds every number it came from
(every unit, every rule, every explanation), so that anyone can recompute the
document. Every text cell passes :func:`innodrive.safeio.safe_cell` (a unit name
such as ``=HYPERLINK(…)`` stays text), numbers stay numbers (never text that looks
like a number), unknown stays empty (never 0), and the workbook's metadata carries
the document's date, not the time of saving — with the ZIP normalised, the same
data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

from pydantic import BaseModel, ConfigDict, Field

from innodrive.reports.determinism import normalise_zip
from innodrive.safeio import safe_cell

XCell = str | int | float | None


class SheetColumn(BaseModel):
    model_config = ConfigDict(frozen=True)

    header: str
    width: float = 14.0
    number_format: str | None = Field(None, description="Excel number format, e.g. 0.00")


class Sheet(BaseModel):
    """One worksheet: an optional title line, a header row, data rows, notes below."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str | None = None
    columns: tuple[SheetColumn, ...]
    rows: tuple[tuple[XCell, ...], ...]
    notes: tuple[str, ...] = ()


class Workbook(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    date: dt.date
    author: str = ""
    sheets: tuple[Sheet, ...]


_BAD_SHEET_CHARS = set('[]:*?/\\')


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (Excel: ≤ 31 characters, none of []:*?/\\)."""
    clean = "".join("_" if ch in _BAD_SHEET_CHARS else ch for ch in name).strip("'") or "Sheet"
    clean = clean[:31]
    candidate, i = clean, 2
    while candidate in taken:
        suffix = f"({i})"
        candidate = clean[: 31 - len(suffix)] + suffix
        i += 1
    taken.add(candidate)
    return candidate


def render_xlsx(book: Workbook) -> bytes:
    """The workbook as XLSX bytes (deterministic)."""
    from openpyxl import Workbook as XWorkbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = XWorkbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EDEDED")
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet_name(sheet.name, taken))
        r = 1
        if sheet.title:
            ws.cell(row=1, column=1, value=safe_cell(sheet.title)).font = Font(bold=True, size=13)
            r = 3
        for j, col in enumerate(sheet.columns, start=1):
            c = ws.cell(row=r, column=j, value=safe_cell(col.header))
            c.font, c.fill = bold, fill
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(j)].width = col.width
        ws.freeze_panes = ws.cell(row=r + 1, column=1)
        for values in sheet.rows:
            r += 1
            for j, v in enumerate(values, start=1):
                if v is None:
                    continue
                c = ws.cell(row=r, column=j, value=safe_cell(v))
                fmt = sheet.columns[j - 1].number_format if j <= len(sheet.columns) else None
                if fmt and isinstance(v, int | float):
                    c.number_format = fmt
                if isinstance(v, str) and len(v) > 40:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
        if sheet.notes:
            r += 1
            for note in sheet.notes:
                r += 1
                ws.cell(row=r, column=1, value=safe_cell(note))
    when = dt.datetime(book.date.year, book.date.month, book.date.day)
    props = wb.properties
    props.title = book.title
    props.creator = book.author or "innodrive"
    props.lastModifiedBy = book.author or "innodrive"
    props.created = when
    props.modified = when
    buf = io.BytesIO()
    wb.save(buf)  # stamps "modified" with the time of saving: core.xml is written again below
    from openpyxl.xml.functions import tostring

    props.modified = when
    core = b"<?xml version='1.0' encoding='UTF-8'?>\n" + tostring(props.to_tree())
    return normalise_zip(buf.getvalue(), replace={"docProps/core.xml": core})


__all__ = ["Sheet", "SheetColumn", "Workbook", "render_xlsx", "sheet_name"]
