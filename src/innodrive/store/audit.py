"""The audit log: who changed what, when, and the values before and after.

Every change the store makes on a person's behalf writes one entry in the same
transaction as the change itself, so the log can never claim a change that was
rolled back, nor miss one that was committed. Bulk imports write one entry for the
batch; the values themselves keep their before/after as observation revisions.

The log is tamper-evident: each entry stores the SHA-256 of its own content chained
with the previous entry's hash (``prev_hash`` → ``entry_hash``). Editing, deleting or
inserting an entry afterwards — with a database tool, behind innodrive's back — breaks
the chain from that entry on, and :func:`verify_chain` names the first broken entry.
(It cannot stop a person with write access to the database from rewriting the whole
chain; it makes every silent edit of a part of it detectable.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from innodrive.store.schema import AuditRow, utcnow

GENESIS = "0" * 64
_CHAIN_LOCK = 2060020  # PostgreSQL advisory lock: one appender at a time keeps the chain linear


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
    prev_hash: str | None = None
    entry_hash: str | None = None


def digest(prev_hash: str, *, id: int, at: dt.datetime, actor: str, action: str, entity: str,
           entity_id: str | None, summary: str, before: Any, after: Any) -> str:
    """The hash of one entry's content chained to ``prev_hash`` (canonical JSON)."""
    at_utc = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    body = json.dumps([prev_hash, id, at_utc.strftime("%Y-%m-%dT%H:%M:%SZ"), actor, action, entity, entity_id,
                       summary, before, after], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _row_digest(prev_hash: str, r: AuditRow) -> str:
    return digest(prev_hash, id=r.id, at=r.at, actor=r.actor, action=r.action, entity=r.entity,
                  entity_id=r.entity_id, summary=r.summary, before=r.before, after=r.after)


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: Any,
           summary: str, before: dict | None = None, after: dict | None = None) -> None:
    """Append one entry; call inside the write transaction that makes the change."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK})"))
    row = AuditRow(
        at=utcnow(), actor=actor, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id), summary=summary,
        before=_jsonable(before), after=_jsonable(after),
    )
    session.add(row)
    session.flush()
    prev = session.scalar(select(AuditRow.entry_hash).where(AuditRow.id < row.id)
                          .order_by(AuditRow.id.desc()).limit(1))
    row.prev_hash = prev or GENESIS
    row.entry_hash = _row_digest(row.prev_hash, row)
    session.flush()


class ChainBreak(BaseModel):
    """The first entry at which the chain no longer holds, and why."""

    entry_id: int
    reason: str


def verify_chain(session: Session, *, batch: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the whole log: ``(entries checked, first break or None)``.

    An entry breaks the chain when its stored hash is not the hash of its content, or
    its ``prev_hash`` is not the previous entry's hash (an entry removed or inserted).
    """
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(select(AuditRow).where(AuditRow.id > last_id).order_by(AuditRow.id).limit(batch)).all()
        if not rows:
            return checked, None
        for r in rows:
            if r.entry_hash is None:
                return checked, ChainBreak(entry_id=r.id, reason="该条目没有哈希值（在审计链建立后被写入或被清除）")
            if r.prev_hash != prev:
                return checked, ChainBreak(entry_id=r.id, reason="与上一条目的哈希不衔接（其前的条目被删除、插入或改动）")
            if _row_digest(prev, r) != r.entry_hash:
                return checked, ChainBreak(entry_id=r.id, reason="条目内容与其哈希值不符（内容被改动）")
            prev = r.entry_hash
            checked += 1
            last_id = r.id
        session.expunge_all()


def entries(session: Session, *, entity: str | None = None, entity_id: Any = None,
            limit: int | None = None, actor: str | None = None, action: str | None = None,
            since: dt.datetime | None = None, until: dt.datetime | None = None,
            actors_in: Any = None) -> list[AuditEntry]:
    """Entries, newest last, optionally for one entity, actor or action and a time range;
    ``limit`` keeps the newest ``limit`` (a positive number). ``actors_in`` (a list or a
    subquery of user names) keeps the entries of those actors only."""
    if limit is not None and limit < 1:
        from innodrive.errors import InputError

        raise InputError(f"显示条数应为正整数，实际为 {limit}", field="limit")
    q = select(AuditRow)
    if entity:
        q = q.where(AuditRow.entity == entity)
    if entity_id is not None:
        q = q.where(AuditRow.entity_id == str(entity_id))
    if actor:
        q = q.where(AuditRow.actor == actor)
    if actors_in is not None:
        q = q.where(AuditRow.actor.in_(actors_in))
    if action:
        q = q.where(AuditRow.action.like(f"{action}%") if action.endswith(".") else AuditRow.action == action)
    if since is not None:
        q = q.where(AuditRow.at >= since)
    if until is not None:
        q = q.where(AuditRow.at < until)
    if limit is not None:
        rows = list(reversed(session.scalars(q.order_by(AuditRow.id.desc()).limit(limit)).all()))
    else:
        rows = session.scalars(q.order_by(AuditRow.id)).all()
    return [AuditEntry(id=r.id, at=_aware(r.at), actor=r.actor, action=r.action, entity=r.entity,
                       entity_id=r.entity_id, summary=r.summary, before=r.before, after=r.after,
                       prev_hash=r.prev_hash, entry_hash=r.entry_hash)
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
