"""One module per area of the workbench, each with its own router."""

from __future__ import annotations


def routers() -> list:
    from innodrive.web.pages import admin, projects, public, session

    return [m.router for m in (session, public, admin, projects)]
