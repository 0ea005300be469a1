"""Statistics: import a table (dry-run preview, then confirm), and read observations.

A county or the office uploads a CSV/XLSX table of statistics. The dry run shows what
would be added, corrected or recorded as a second source (with region and indicator
names) and every bad row with its row and column; confirming imports all or nothing.
Observations of a region and indicator are listed with their sources and revisions.
A 区县 account imports and reads data of its own county only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from innodrive.blobs import Upload
from innodrive.errors import ValidationFailed
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import Store

SHOWN_CHANGES = 200


class ChangeView(BaseModel):
    kind: Literal["add", "revise", "source"]
    region_code: str
    region_name: str
    indicator_code: str
    indicator_name: str
    period: str
    before: float | None
    before_source: str | None
    value: float
    unit: str
    source: str


class ImportOutcome(BaseModel):
    file: str
    layout: str
    rows: int
    values: int
    added: int
    revised: int
    sourced: int
    unchanged: int
    blank: int
    derived: int = 0
    kept: int = 0
    batch_id: int | None = None
    dry_run: bool
    changes: list[ChangeView] = Field(description=f"the first {SHOWN_CHANGES} changes")
    total_changes: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.revised or self.sourced)


class SourceView(BaseModel):
    source: str
    note: str | None
    recorded_at: dt.datetime
    recorded_by: str


class ObservationView(BaseModel):
    period: str
    value: float
    unit: str
    value_as_written: float | None
    unit_as_written: str | None
    origin: str
    revision: int
    is_current: bool
    source: str
    note: str | None
    other_sources: list[SourceView]
    recorded_at: dt.datetime
    recorded_by: str
    batch_id: int | None


class SeriesView(BaseModel):
    region_code: str
    region_name: str
    region_note: str | None
    indicator_code: str
    indicator_name: str
    unit: str
    observations: list[ObservationView] = Field(description="every revision, oldest first, by period")


def _outcome(r, *, limit: int = SHOWN_CHANGES) -> ImportOutcome:
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.regions import all_regions

    regions, cat = all_regions(), load_catalogue()
    views = []
    for c in r.changes[:limit]:
        reg, ind = regions.get(c.new.region_code), cat.get(c.new.indicator_code)
        views.append(ChangeView(kind=c.kind, region_code=c.new.region_code,
                                region_name=reg.name if reg else c.new.region_code,
                                indicator_code=c.new.indicator_code, indicator_name=ind.name if ind else c.new.indicator_code,
                                period=c.new.period, before=c.before.value if c.before else None,
                                before_source=c.before.source if c.before else None, value=c.new.value,
                                unit=c.new.unit, source=c.new.source))
    return ImportOutcome(file=r.file, layout=r.layout, rows=r.rows, values=r.values, added=r.added, revised=r.revised,
                         sourced=r.sourced, unchanged=r.unchanged, blank=r.blank, derived=r.derived, kept=r.kept,
                         batch_id=r.batch_id, dry_run=r.dry_run, changes=views, total_changes=r.total_changes)


def _check_scope(actor: Actor, parsed, file: str) -> None:
    """Every row's region must lie in the actor's scope (a county imports its own data)."""
    from innodrive.errors import Problem

    if actor.local or actor.region_code is None:
        return
    outside = sorted(c for c in parsed.batch.region_codes() if not actor.covers(c))
    if outside:
        from innodrive.regions import all_regions

        names = "、".join(all_regions().get(c).name if all_regions().get(c) else c for c in outside[:10])
        raise ValidationFailed(f"表格含有本账号辖区以外的地区（{names}），未导入任何数据", file=file,
                               problems=[Problem(f"地区 {names} 不在本账号的辖区内", file=file)], http_status=403)


def import_table(store: Store, actor: Actor, upload: Upload, *, sheet: str | None = None, dry_run: bool = False,
                 progress: Callable[[str, int, int], None] | None = None) -> ImportOutcome:
    """Preview (``dry_run``) or import a table of statistics, all or nothing.

    The upload's bytes are consumed: ``upload.data`` is empty afterwards."""
    from innodrive.indicators import importer

    require(actor, "data.import")
    table = importer.read_table(upload.data, sheet=sheet, name=upload.safe_name)
    # the table is read once; its bytes (a million-row file: 80 MB) are not kept while
    # the rows are compared and written — the caller's Upload is emptied as well
    upload.data = b""
    where = table.where
    parsed = importer.parse_table(table, remembered=importer._remembered(store))
    del table
    importer.release_read_table()
    _check_scope(actor, parsed, where)
    r = importer.import_parsed(store, parsed, actor=actor.username, dry_run=dry_run, progress=progress)
    return _outcome(r)


def import_shipped(store: Store, actor: Actor, *, dry_run: bool = False) -> ImportOutcome:
    """The shipped statistics (with their sources), adding only what is missing."""
    from innodrive.indicators import importer

    require(actor, "data.import")
    return _outcome(importer.import_default(store, actor=actor.username, dry_run=dry_run))


def series(store: Store, actor: Actor, *, region: str, indicator: str, period: str | None = None) -> SeriesView:
    """Every observation (all revisions, every source) of one region and indicator."""
    from sqlalchemy import select

    from innodrive.indicators.observations import history
    from innodrive.regions import resolve
    from innodrive.services.links import resolve_indicator
    from innodrive.store.schema import ObservationSourceRow

    require(actor, "data.read")
    r = resolve(region, field="region")
    require(actor, "data.read", region_code=r.code, what=r.name)
    code, name = resolve_indicator(indicator)
    from innodrive.indicators.catalogue import load_catalogue

    unit = load_catalogue().require(code).unit
    obs = history(store, region_code=r.code, indicator_code=code, period=period)
    extra: dict[int, list[SourceView]] = {}
    if obs:
        with store.read() as session:
            for s in session.scalars(select(ObservationSourceRow).where(
                    ObservationSourceRow.observation_id.in_([o.id for o in obs])).order_by(ObservationSourceRow.id)):
                at = s.recorded_at if s.recorded_at.tzinfo else s.recorded_at.replace(tzinfo=dt.UTC)
                extra.setdefault(s.observation_id, []).append(
                    SourceView(source=s.source, note=s.note, recorded_at=at, recorded_by=s.recorded_by))
    return SeriesView(region_code=r.code, region_name=r.name, region_note=r.note, indicator_code=code,
                      indicator_name=name, unit=unit,
                      observations=[ObservationView(period=o.period, value=o.value, unit=o.unit,
                                                    value_as_written=o.value_as_written,
                                                    unit_as_written=o.unit_as_written, origin=o.origin,
                                                    revision=o.revision, is_current=o.is_current, source=o.source,
                                                    note=o.note, other_sources=extra.get(o.id, []),
                                                    recorded_at=o.recorded_at, recorded_by=o.recorded_by,
                                                    batch_id=o.batch_id) for o in obs])


__all__ = ["ChangeView", "ImportOutcome", "ObservationView", "SeriesView", "SourceView", "import_shipped",
           "import_table", "series"]
