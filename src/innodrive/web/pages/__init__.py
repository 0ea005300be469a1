"""One module per area of the workbench, each with its own router."""

from __future__ import annotations


def routers() -> list:
    from innodrive.web.pages import (
        admin,
        audit,
        board,
        data,
        enterprises,
        evaluation,
        kaohe,
        market,
        npc,
        plans,
        projects,
        public,
        session,
        supervision,
        talent,
        tasks,
    )

    return [
        m.router
        for m in (session, public, admin, board, plans, tasks, supervision, evaluation, npc, data, audit,
                  enterprises, talent, market, projects, kaohe)
    ]
