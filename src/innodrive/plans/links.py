"""Linking stored targets to catalogue indicators, and remembering people's choices.

Matching a phrase to a catalogue indicator is part T's pure function
(:func:`innodrive.indicators.linking.link`); this module is its storage side. A
phrase a person has mapped by hand (``innodrive link``) is kept in the
``indicator_links`` table with who and when, passed to the matcher for every later
document, and applied at once to every stored target written the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.errors import InputError, NotFound
from innodrive.store import Store, audit
from innodrive.store.schema import IndicatorLinkRow, TargetRow, utcnow


@dataclass(frozen=True)
class LinkOutcome:
    """The result of matching one phrase: a catalogue code or ``None`` (to be mapped by a person)."""

    code: str | None
    method: str
    score: float | None = None
    candidates: list[str] = field(default_factory=list)


Linker = Callable[[str, "str | None", dict[str, str]], LinkOutcome]
"""``linker(phrase, written_unit, remembered) -> LinkOutcome``."""


def catalogue_linker() -> Linker:
    """A linker over the shipped indicator catalogue, using part T's matcher."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.linking import link

    catalogue = load_catalogue()

    def run(text: str, unit: str | None, remembered: dict[str, str]) -> LinkOutcome:
        r = link(text, catalogue, remembered=remembered, unit=unit)
        return LinkOutcome(code=r.code, method=r.method, score=r.score,
                           candidates=[c.code for c in r.candidates][:5])

    return run


def remembered(session: Session) -> dict[str, str]:
    """Every phrase → code mapping people have made."""
    return {row.text: row.indicator_code for row in session.scalars(select(IndicatorLinkRow))}


def known_codes() -> set[str]:
    from innodrive.indicators.catalogue import load_catalogue

    return set(load_catalogue().codes())


def remember(store: Store, *, text: str, code: str, actor: str, valid_codes: set[str] | None = None) -> int:
    """Map the phrase ``text`` to the catalogue indicator ``code`` from now on.

    Every stored target written exactly ``text`` is relinked (whatever it was linked
    to before, since a person's choice overrides the automatic match). Returns the
    number of targets relinked.
    """
    text = text.strip()
    if not text:
        raise InputError("指标名称为空")
    codes = known_codes() if valid_codes is None else valid_codes
    if code not in codes:
        from rapidfuzz import process

        close = [c for c, _, _ in process.extract(code, sorted(codes), limit=3)]
        raise NotFound(f"指标目录中没有代码为“{code}”的指标" + (f"；相近的代码：{'、'.join(close)}" if close else ""),
                       field="code")

    def work(session: Session) -> int:
        row = session.scalar(select(IndicatorLinkRow).where(IndicatorLinkRow.text == text))
        before = {"text": text, "code": row.indicator_code} if row else None
        if row is None:
            session.add(IndicatorLinkRow(text=text, indicator_code=code, created_by=actor, created_at=utcnow()))
        else:
            row.indicator_code, row.created_by, row.created_at = code, actor, utcnow()
        targets = session.scalars(select(TargetRow).where(TargetRow.indicator == text)).all()
        for t in targets:
            t.indicator_code, t.link_method, t.link_score = code, "manual", 100.0
        audit.record(session, actor=actor, action="link", entity="indicator_link", entity_id=text,
                     summary=f"将指标名称“{text}”对应到目录指标 {code}，更新 {len(targets)} 项目标",
                     before=before, after={"text": text, "code": code, "targets": [t.id for t in targets]})
        return len(targets)

    return store.run(work)
