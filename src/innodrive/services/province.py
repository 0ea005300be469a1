"""Use cases of the province picture: the board of all 市州/区县, and the example cities side by side.

Statistics of the province's regions are public figures, so every role that may read
the board sees all regions (comparing with the neighbours is the point); writing
observations stays with ``innodrive data`` and its own rights.
"""

from __future__ import annotations

import datetime as dt

from innodrive.province.board import ProvinceBoard
from innodrive.services.access import require
from innodrive.services.actor import Actor


def province_board(store, actor: Actor, *, indicator: str, year: int, level: str = "prefecture",
                   as_of: dt.date | None = None) -> ProvinceBoard:
    """All 市州 (``level="prefecture"``) or 区县 (``"county"``) of Sichuan on one indicator and year."""
    from innodrive.province import board

    require(actor, "province.read")
    with store.read() as session:
        return board.province_board(session, indicator, year, level=level, as_of=as_of)


def province_boards(store, actor: Actor, *, indicators: list[str], year: int, level: str = "prefecture",
                    as_of: dt.date | None = None) -> list[ProvinceBoard]:
    """Several indicators' boards in one read (the whole catalogue for a 区县 overview)."""
    from innodrive.province import board

    require(actor, "province.read")
    with store.read() as session:
        return board.province_boards(session, indicators, year, level=level, as_of=as_of)
