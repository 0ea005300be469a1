"""The audit log: who changed what, when, and the values before and after.

Every change the store makes on a person's behalf writes one entry in the same
transaction as the change itself, so the log can never claim a change that was
rolled back, nor miss one that was committed. Bulk imports write one entry for the
batch; the values themselves keep their before/after as observation revisions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.store.schema import AuditRow, utcnow


class AuditEntry(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    summary: str
    before: dict | None
    after: dict | None


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: Any,
           summary: str, before: dict | None = None, after: dict | None = None) -> None:
    """Append one entry; call inside the write transaction that makes the change."""
    session.add(AuditRow(
        at=utcnow(), actor=actor, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id), summary=summary,
        before=_jsonable(before), after=_jsonable(after),
    ))


def entries(session: Session, *, entity: str | None = None, entity_id: Any = None,
            limit: int | None = None) -> list[AuditEntry]:
    """Entries, newest last, optionally for one entity."""
    q = select(AuditRow).order_by(AuditRow.id)
    if entity:
        q = q.where(AuditRow.entity == entity)
    if entity_id is not None:
        q = q.where(AuditRow.entity_id == str(entity_id))
    rows = session.scalars(q).all()
    if limit is not None:
        rows = rows[-limit:]
    return [AuditEntry(id=r.id, at=_aware(r.at), actor=r.actor, action=r.action, entity=r.entity,
                       entity_id=r.entity_id, summary=r.summary, before=r.before, after=r.after)
            for r in rows]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return _jsonable(value.model_dump())
    return str(value)
