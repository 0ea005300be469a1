"""Reading and writing the talent tables: where plain text becomes ciphertext and back.

Only this module (and :func:`rekey`) touches the ``*_enc`` and ``*_hmac`` columns.
Everything above it sees :class:`Person` (the plain record, inside a service call)
and decides itself what to mask. Functions take a SQLAlchemy session inside the
caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from innodrive.store.schema import utcnow
from innodrive.talent import crypto
from innodrive.talent.cards import Facts
from innodrive.talent.counts import Recognition, Spell, spells
from innodrive.talent.db import (
    TalentCategoryRow,
    TalentRequestRow,
    TalentRetainedRow,
    TalentRow,
)
from innodrive.talent.records import CleanTalent, name_key

PERSONAL_FIELDS = ("name", "id_number", "birth_date", "phone", "email")


def display_number(talent_id: int) -> str:
    """The record number shown to people and written to the audit log: ``T000012``."""
    return f"T{talent_id:06d}"


def parse_number(text: str | int) -> int:
    """``T000012``, ``t12`` or ``12`` → 12."""
    from innodrive.errors import InputError

    t = str(text).strip().upper().lstrip("T")
    # isdecimal, not isdigit: "¹" or "①" are digits int() refuses; a record number has
    # at most a dozen digits (a longer run is not a number anyone was given)
    if not t.isdecimal() or len(t) > 12:
        raise InputError(f"人才编号“{text}”格式不正确：应为 T000012 或 12 这样的编号")
    return int(t)


# ---------------------------------------------------------------- digests


def id_digest(id_type: str, number: str, ring: crypto.Keyring | None = None) -> str:
    return crypto.digest(f"{id_type}|{number}", "id", ring=ring)


def person_digest(name: str, birth: dt.date, ring: crypto.Keyring | None = None) -> str:
    return crypto.digest(f"{name_key(name)}|{birth.isoformat()}", "person", ring=ring)


def name_digest(name: str, ring: crypto.Keyring | None = None) -> str:
    return crypto.digest(name_key(name), "name", ring=ring)


# ---------------------------------------------------------------- the plain record


class Person(CleanTalent):
    """A decrypted record. Lives only inside a service call; never returned as such."""

    id: int
    source: str | None = None
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str

    @property
    def number(self) -> str:
        return display_number(self.id)

    def facts(self) -> Facts:
        return Facts(category=self.category, employment=self.employment, birth_date=self.birth_date,
                     arrival_date=self.arrival_date, departure_date=self.departure_date)


def _personal_columns(c: CleanTalent, ring: crypto.Keyring) -> dict:
    enc = lambda v, f: crypto.encrypt(v, f, ring=ring)  # noqa: E731
    return {
        "id_type": c.id_type, "key_id": ring.kid,
        "id_hmac": id_digest(c.id_type, c.id_number, ring), "person_hmac": person_digest(c.name, c.birth_date, ring),
        "name_hmac": name_digest(c.name, ring),
        "name_enc": enc(c.name, "name"), "id_number_enc": enc(c.id_number, "id_number"),
        "birth_date_enc": enc(c.birth_date.isoformat(), "birth_date"),
        "phone_enc": enc(c.phone, "phone"), "email_enc": enc(c.email, "email"),
    }


def _plain_columns(c: CleanTalent) -> dict:
    return {
        "employer_code": c.employer_code, "employer_name": c.employer_name, "employer_kind": c.employer_kind,
        "region_code": c.region_code, "field": c.field, "titles": list(c.titles), "honours": list(c.honours),
        "education": c.education, "category": c.category, "criterion": c.criterion,
        "catalogue_version": c.catalogue_version, "recognised_on": c.recognised_on, "arrival_date": c.arrival_date,
        "employment": c.employment, "departure_date": c.departure_date,
    }


def insert(session: Session, c: CleanTalent, *, actor: str, source: str | None) -> TalentRow:
    ring = crypto.keyring()
    now = utcnow()
    row = TalentRow(**_personal_columns(c, ring), **_plain_columns(c), source=source, created_at=now,
                    created_by=actor, updated_at=now, updated_by=actor)
    session.add(row)
    session.flush()
    _record_category(session, row, actor=actor)
    return row


def differences(row: TalentRow, c: CleanTalent) -> list[str]:
    """The Chinese labels of the fields in which ``c`` differs from ``row``."""
    from innodrive.talent.records import LABELS

    before = to_person(row)
    changed = [LABELS[f] for f in PERSONAL_FIELDS if getattr(before, f) != getattr(c, f)]
    if before.id_type != c.id_type:
        changed.append(LABELS["id_type"])
    changed += [LABELS.get(k, k) for k, v in _plain_columns(c).items() if getattr(row, k) != v]
    return changed


def update(session: Session, row: TalentRow, c: CleanTalent, *, actor: str, source: str | None = None) -> list[str]:
    """Overwrite ``row`` with ``c``; the names (Chinese labels) of the fields that changed."""
    changed = differences(row, c)
    if changed:
        for key, value in _plain_columns(c).items():
            setattr(row, key, value)
        for key, value in _personal_columns(c, crypto.keyring()).items():
            setattr(row, key, value)
        row.updated_at, row.updated_by = utcnow(), actor
        if source:
            row.source = source
        _record_category(session, row, actor=actor)
    return sorted(set(changed), key=changed.index)


def _record_category(session: Session, row: TalentRow, *, actor: str) -> None:
    """Keep the category history in step with the record's current recognition."""
    if not row.category or row.recognised_on is None:
        return
    existing = session.scalar(select(TalentCategoryRow).where(TalentCategoryRow.talent_id == row.id,
                                                              TalentCategoryRow.recognised_on == row.recognised_on))
    if existing is None:
        session.add(TalentCategoryRow(talent_id=row.id, category=row.category, criterion=row.criterion,
                                      catalogue_version=row.catalogue_version or "", recognised_on=row.recognised_on,
                                      recorded_at=utcnow(), recorded_by=actor))
    elif (existing.category, existing.criterion) != (row.category, row.criterion):
        existing.category, existing.criterion = row.category, row.criterion
        existing.catalogue_version = row.catalogue_version or existing.catalogue_version
        existing.recorded_at, existing.recorded_by = utcnow(), actor


def to_person(row: TalentRow) -> Person:
    d = crypto.decrypt
    return Person(
        id=row.id, id_type=row.id_type, id_number=d(row.id_number_enc, "id_number"), name=d(row.name_enc, "name"),
        birth_date=dt.date.fromisoformat(d(row.birth_date_enc, "birth_date")), phone=d(row.phone_enc, "phone"),
        email=d(row.email_enc, "email"), employer_code=row.employer_code, employer_name=row.employer_name,
        employer_kind=row.employer_kind, region_code=row.region_code, field=row.field, titles=list(row.titles or []),
        honours=list(row.honours or []), education=row.education, category=row.category, criterion=row.criterion,
        catalogue_version=row.catalogue_version, recognised_on=row.recognised_on, arrival_date=row.arrival_date,
        employment=row.employment, departure_date=row.departure_date, source=row.source,
        created_at=_aware(row.created_at), created_by=row.created_by, updated_at=_aware(row.updated_at),
        updated_by=row.updated_by)


def to_clean(p: Person) -> CleanTalent:
    return CleanTalent(**{k: getattr(p, k) for k in CleanTalent.model_fields})


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def by_id_hmac(session: Session, hmacs: Iterable[str]) -> dict[str, TalentRow]:
    keys = sorted(set(hmacs))
    out: dict[str, TalentRow] = {}
    for i in range(0, len(keys), 500):
        for row in session.scalars(select(TalentRow).where(TalentRow.id_hmac.in_(keys[i:i + 500]))):
            out[row.id_hmac] = row
    return out


def by_person_hmac(session: Session, hmacs: Iterable[str]) -> dict[str, list[TalentRow]]:
    keys = sorted(set(hmacs))
    out: dict[str, list[TalentRow]] = {}
    for i in range(0, len(keys), 500):
        for row in session.scalars(select(TalentRow).where(TalentRow.person_hmac.in_(keys[i:i + 500]))):
            out.setdefault(row.person_hmac, []).append(row)
    return out


# ---------------------------------------------------------------- counting


def live_spells(session: Session) -> list[Spell]:
    """The spells of every person in the register (see :mod:`innodrive.talent.counts`)."""
    recs: dict[int, list[Recognition]] = {}
    for r in session.scalars(select(TalentCategoryRow)):
        recs.setdefault(r.talent_id, []).append(Recognition(category=r.category, recognised_on=r.recognised_on))
    out: list[Spell] = []
    q = select(TalentRow.id, TalentRow.region_code, TalentRow.employment, TalentRow.arrival_date,
               TalentRow.departure_date)
    for tid, region, employment, arrival, departure in session.execute(q):
        out += spells(region_code=region, employment=employment, arrival=arrival, departure=departure,
                      recognitions=recs.get(tid, []))
    return out


def retained_spells(session: Session) -> list[Spell]:
    return [Spell(region_code=r.region_code, category=r.category, employment=r.employment,
                  arrival_year=r.arrival_year, start_year=r.start_year, end_year=r.end_year, people=r.people)
            for r in session.scalars(select(TalentRetainedRow))]


def retain(session: Session, person_spells: list[Spell]) -> None:
    """Add an erased person's spells to the anonymous aggregate."""
    now = utcnow()
    for s in person_spells:
        row = session.scalar(select(TalentRetainedRow).where(
            TalentRetainedRow.region_code == s.region_code, TalentRetainedRow.category == s.category,
            TalentRetainedRow.employment == s.employment, TalentRetainedRow.arrival_year == s.arrival_year,
            TalentRetainedRow.start_year == s.start_year,
            TalentRetainedRow.end_year.is_(None) if s.end_year is None else TalentRetainedRow.end_year == s.end_year))
        if row is None:
            session.add(TalentRetainedRow(region_code=s.region_code, category=s.category, employment=s.employment,
                                          arrival_year=s.arrival_year, start_year=s.start_year, end_year=s.end_year,
                                          people=s.people, updated_at=now))
        else:
            row.people += s.people
            row.updated_at = now


def person_spells(session: Session, row: TalentRow) -> list[Spell]:
    recs = [Recognition(category=r.category, recognised_on=r.recognised_on)
            for r in session.scalars(select(TalentCategoryRow).where(TalentCategoryRow.talent_id == row.id))]
    return spells(region_code=row.region_code, employment=row.employment, arrival=row.arrival_date,
                  departure=row.departure_date, recognitions=recs)


def anonymise_requests(session: Session, talent_id: int) -> int:
    """Strip a person's requests of everything personal; keep what the unit figures need."""
    n = 0
    for r in session.scalars(select(TalentRequestRow).where(TalentRequestRow.talent_id == talent_id)):
        r.talent_id = None
        r.description_enc = None
        r.answer_enc = None
        r.exception_reason = None
        r.anonymised = True
        r.updated_at = utcnow()
        n += 1
    return n


def delete_person(session: Session, row: TalentRow) -> None:
    session.execute(delete(TalentCategoryRow).where(TalentCategoryRow.talent_id == row.id))
    session.delete(row)


def next_card_number(session: Session, prefix: str, year: int) -> str:
    """``YC2024-00001``: the next number of ``prefix`` and ``year``."""
    from innodrive.talent.db import TalentCardRow

    stem = f"{prefix}{year}-"
    last = session.scalar(select(func.max(TalentCardRow.number)).where(TalentCardRow.number.like(stem + "%")))
    seq = int(last[len(stem):]) + 1 if last else 1
    return f"{stem}{seq:05d}"


# ---------------------------------------------------------------- key rotation


def rekey(session: Session) -> tuple[int, int]:
    """Re-encrypt every personal field and recompute every keyed hash with the current key.

    Reads with the current or an old key (``INNODRIVE_TALENT_OLD_KEYS``). Returns
    (people, requests) rewritten."""
    ring = crypto.keyring()
    people = 0
    for row in session.scalars(select(TalentRow)):
        p = to_person(row)
        for key, value in _personal_columns(to_clean(p), ring).items():
            setattr(row, key, value)
        people += 1
    requests = 0
    for r in session.scalars(select(TalentRequestRow).where(TalentRequestRow.key_id.is_not(None))):
        r.description_enc = crypto.encrypt(crypto.decrypt(r.description_enc, "request.description"),
                                           "request.description", ring=ring)
        r.answer_enc = crypto.encrypt(crypto.decrypt(r.answer_enc, "request.answer"), "request.answer", ring=ring)
        r.key_id = ring.kid
        requests += 1
    return people, requests


__all__ = ["PERSONAL_FIELDS", "Person", "anonymise_requests", "by_id_hmac", "by_person_hmac", "delete_person",
           "display_number", "id_digest", "insert", "live_spells", "name_digest", "next_card_number", "parse_number",
           "person_digest", "person_spells", "rekey", "retain", "retained_spells", "to_clean", "to_person", "update"]
