"""Observations: region × indicator × period → value, with source and revisions.

A statistic, once stored, is never overwritten. A corrected figure (a revised GDP, a
re-published count) becomes a new *revision* of the same key and the earlier one stays
readable, so a status computed last month can always be explained. Queries return the
current revision; :func:`history` returns them all.

Values are stored in the catalogue unit of their indicator (R&D经费支出 in 亿元 even
when the table said 万元), beside the value and unit as written. Derived values (R&D
intensity from R&D expenditure and GDP, values per 10,000 people) are stored with
``origin="derived"`` and a source that names their parts; a value reported directly
always wins over one derived for the same key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from innodrive.indicators.periods import parse_period
from innodrive.store import Store, audit
from innodrive.store.schema import ObservationRow, RegionRow, utcnow

Origin = Literal["reported", "derived"]
Key = tuple[str, str, str]  # region_code, indicator_code, period


class Observation(BaseModel):
    id: int
    region_code: str
    indicator_code: str
    period: str
    origin: Origin
    revision: int
    is_current: bool
    value: float
    unit: str
    value_as_written: float | None
    unit_as_written: str | None
    source: str
    note: str | None
    batch_id: int | None
    recorded_at: dt.datetime
    recorded_by: str


@dataclass(slots=True)
class NewValue:
    """A value to store, already in the indicator's catalogue unit."""

    region_code: str
    indicator_code: str
    period: str
    value: float
    unit: str
    source: str
    note: str | None = None
    value_as_written: float | None = None
    unit_as_written: str | None = None

    @property
    def key(self) -> Key:
        return (self.region_code, self.indicator_code, self.period)


@dataclass(slots=True, frozen=True)
class Current:
    """The current revision of one key, as much of it as comparing needs (light: an
    import compares against hundreds of thousands of them)."""

    id: int
    revision: int
    value: float
    unit: str
    source: str
    note: str | None


@dataclass(slots=True)
class Change:
    """What storing one value would do: ``add`` a first revision, ``revise`` the
    current one (``before`` is its value), record a further ``source`` of an unchanged
    value, or leave it ``same``."""

    kind: Literal["add", "revise", "source", "same"]
    new: NewValue
    before: Current | None = None


def clean(value: float) -> float:
    """Round away binary noise from unit conversion (1.02 万家 → 10200, not 10200.000000000002)."""
    return float(f"{value:.12g}")


def _row_model(r: ObservationRow) -> Observation:
    at = r.recorded_at if r.recorded_at.tzinfo else r.recorded_at.replace(tzinfo=dt.UTC)
    return Observation(
        id=r.id, region_code=r.region_code, indicator_code=r.indicator_code, period=r.period, origin=r.origin,
        revision=r.revision, is_current=r.is_current, value=r.value, unit=r.unit, value_as_written=r.value_as_written,
        unit_as_written=r.unit_as_written, source=r.source, note=r.note, batch_id=r.batch_id, recorded_at=at,
        recorded_by=r.recorded_by,
    )


def current_by_key(session: Session, *, indicator_codes: Iterable[str], origin: Origin = "reported",
                   region_codes: Iterable[str] | None = None) -> dict[Key, Current]:
    """The current revision of every key of these indicators (optionally only in some regions)."""
    t = ObservationRow.__table__.c
    codes = sorted(set(indicator_codes))
    regions = sorted(set(region_codes)) if region_codes is not None else None
    out: dict[Key, Current] = {}
    for i in range(0, len(codes), 200):
        q = (select(t.id, t.region_code, t.indicator_code, t.period, t.revision, t.value, t.unit, t.source, t.note)
             .where(t.is_current.is_(True)).where(t.origin == origin).where(t.indicator_code.in_(codes[i:i + 200])))
        region_chunks = [regions[j:j + 500] for j in range(0, len(regions), 500)] if regions is not None else [None]
        for chunk in region_chunks:
            qq = q.where(t.region_code.in_(chunk)) if chunk is not None else q
            for r in session.execute(qq):
                out[(r.region_code, r.indicator_code, r.period)] = Current(r.id, r.revision, r.value, r.unit, r.source,
                                                                           r.note)
    return out


def plan_changes(values: list[NewValue], current: dict[Key, Observation],
                 extra_sources: dict[int, set[str]] | None = None) -> list[Change]:
    """Pure: compare new values with the current revisions.

    The same value from the same source (and note) is no change. The same value from
    another source is a second ``source`` of it — two publications agreeing — not a
    revision (otherwise two files would undo each other on every import). A different
    value, or a changed note, is a revision.
    """
    extra_sources = extra_sources or {}
    changes = []
    for v in values:
        old = current.get((v.region_code, v.indicator_code, v.period))
        if old is None:
            changes.append(Change("add", v))
        elif old.value == v.value and old.unit == v.unit:
            if old.source == v.source or v.source in extra_sources.get(old.id, ()):
                same_note = (old.note or None) == (v.note or None) or old.source != v.source
                changes.append(Change("same" if same_note else "revise", v, old))
            else:
                changes.append(Change("source", v, old))
        else:
            changes.append(Change("revise", v, old))
    return changes


def extra_sources_of(session: Session, observation_ids: Iterable[int]) -> dict[int, set[str]]:
    """The further sources recorded for these observations."""
    from innodrive.store.schema import ObservationSourceRow

    ids = sorted(set(observation_ids))
    out: dict[int, set[str]] = {}
    t = ObservationSourceRow.__table__.c
    for i in range(0, len(ids), 1000):
        for r in session.execute(select(t.observation_id, t.source).where(t.observation_id.in_(ids[i:i + 1000]))):
            out.setdefault(r.observation_id, set()).add(r.source)
    return out


def apply_changes(session: Session, changes: list[Change], *, origin: Origin, actor: str, batch_id: int | None,
                  progress=None, chunk: int = 5000) -> None:
    """Write the ``add`` and ``revise`` changes inside the caller's transaction.

    A revision marks its predecessor as no longer current in the same transaction, so
    readers never see two current values or none.
    """
    now = utcnow()
    sources = [c for c in changes if c.kind == "source"]
    if sources:
        from innodrive.store.schema import ObservationSourceRow

        session.execute(ObservationSourceRow.__table__.insert(), [
            {"observation_id": c.before.id, "source": c.new.source, "note": c.new.note, "batch_id": batch_id,
             "recorded_at": now, "recorded_by": actor} for c in sources])
    writes = [c for c in changes if c.kind in ("add", "revise")]
    superseded = [c.before.id for c in writes if c.before is not None]
    for i in range(0, len(superseded), 1000):
        session.execute(update(ObservationRow).where(ObservationRow.id.in_(superseded[i:i + 1000]))
                        .values(is_current=False))
    total = len(writes)
    if not total:
        return
    conn, sql, now_db, true_db = bulk_insert(session, now)
    for i in range(0, total, chunk):
        rows = [(c.new.region_code, c.new.indicator_code, c.new.period, origin,
                 (c.before.revision + 1) if c.before is not None else 1, true_db, c.new.value, c.new.unit,
                 c.new.value_as_written, c.new.unit_as_written, c.new.source, c.new.note, batch_id, now_db, actor)
                for c in writes[i:i + chunk]]
        conn.exec_driver_sql(sql, rows)
        if progress is not None:
            progress("write", min(i + chunk, total), total)


def bulk_insert(session: Session, now: dt.datetime):
    """``(connection, INSERT statement, now, True)`` for writing observation rows in bulk.

    One driver-level executemany per chunk, without per-row statement compilation (an
    import writes up to a million rows). The only values needing the dialect's
    conversion (timestamp, boolean) are the same for every row, so they are converted
    once here. Rows are tuples in the order of :data:`INSERT_COLUMNS`.
    """
    conn = session.connection()
    dialect = conn.dialect
    table = ObservationRow.__table__
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join([mark] * len(INSERT_COLUMNS))})"
    return conn, sql, _bind(table.c.recorded_at.type, dialect, now), _bind(table.c.is_current.type, dialect, True)


INSERT_COLUMNS = ("region_code", "indicator_code", "period", "origin", "revision", "is_current", "value", "unit",
                  "value_as_written", "unit_as_written", "source", "note", "batch_id", "recorded_at", "recorded_by")


def _bind(type_, dialect, value):
    """``value`` as the dialect's own type implementation would send it (SQLite keeps
    timestamps as text in SQLAlchemy's format)."""
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process is not None else value


# -- reading -------------------------------------------------------------------


def latest(store: Store, *, indicator_codes: Iterable[str] | None = None, region_codes: Iterable[str] | None = None,
           include_derived: bool = True) -> list[Observation]:
    """The current value of every key, a reported value winning over a derived one."""
    with store.read() as session:
        q = select(ObservationRow).where(ObservationRow.is_current.is_(True))
        if indicator_codes is not None:
            q = q.where(ObservationRow.indicator_code.in_(sorted(set(indicator_codes))))
        if region_codes is not None:
            q = q.where(ObservationRow.region_code.in_(sorted(set(region_codes))))
        if not include_derived:
            q = q.where(ObservationRow.origin == "reported")
        best: dict[Key, Observation] = {}
        for r in session.scalars(q.order_by(ObservationRow.id)):
            o = _row_model(r)
            k = (o.region_code, o.indicator_code, o.period)
            if k not in best or (best[k].origin == "derived" and o.origin == "reported"):
                best[k] = o
        return sorted(best.values(), key=lambda o: (o.region_code, o.indicator_code, o.period))


def history(store: Store, *, region_code: str, indicator_code: str, period: str | None = None) -> list[Observation]:
    """Every revision of a series (or of one period), oldest first."""
    with store.read() as session:
        q = (select(ObservationRow).where(ObservationRow.region_code == region_code)
             .where(ObservationRow.indicator_code == indicator_code))
        if period is not None:
            q = q.where(ObservationRow.period == parse_period(period))
        return [_row_model(r) for r in session.scalars(
            q.order_by(ObservationRow.period, ObservationRow.origin, ObservationRow.revision))]


def record_value(store: Store, value: NewValue, *, actor: str) -> Change:
    """Store one value (a correction typed by a person): a new revision if it differs
    from the current one, nothing otherwise; derived values that use it follow.
    Audited with before and after."""
    from innodrive.errors import InputError

    def work(session: Session) -> Change:
        if session.get(RegionRow, value.region_code) is None:
            raise InputError(f"未知的地区代码“{value.region_code}”", field="region")
        current = current_by_key(session, indicator_codes=[value.indicator_code])
        [change] = plan_changes([value], {value.key: current[value.key]} if value.key in current else {})
        if change.kind == "same":
            return change
        apply_changes(session, [change], origin="reported", actor=actor, batch_id=None)
        from innodrive.indicators.derivation import refresh

        refresh(session, [change], actor=actor, batch_id=None)
        b = change.before
        before = {"value": b.value, "unit": b.unit, "source": b.source, "note": b.note, "revision": b.revision} \
            if b else None
        audit.record(session, actor=actor, action="observation.revise" if change.before else "observation.add",
                     entity="observation", entity_id="/".join(value.key),
                     summary=f"{'修正' if change.before else '录入'} {value.region_code} {value.indicator_code} "
                             f"{value.period} = {value.value:g}{value.unit}",
                     before=before, after={"value": value.value, "unit": value.unit, "source": value.source,
                                           "note": value.note})
        return change

    return store.run(work)
