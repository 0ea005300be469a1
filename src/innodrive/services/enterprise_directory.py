"""Use cases of the enterprise directory (企业名录), shared by every domain that names firms."""

from __future__ import annotations

from innodrive.enterprises import directory
from innodrive.enterprises.directory import Enterprise, RegisterResult
from innodrive.errors import NotFound
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import audit


def register_enterprises(store, actor: Actor, entries: list[Enterprise], *, file: str | None = None) -> RegisterResult:
    """Add or update firms; all or nothing; one audit entry for the batch."""
    require(actor, "enterprises.write")
    for e in entries:
        require(actor, "enterprises.write", region_code=e.region_code, check_region=True,
                what=f"{e.name}（{e.credit_code}）")

    def work(session) -> RegisterResult:
        r = directory.register(session, entries, actor=actor.username, file=file)
        audit.record(session, actor=actor.username, action="register", entity="enterprise", entity_id=None,
                     summary=f"企业名录登记{('（' + file + '）') if file else ''}：新增 {r.added} 家，更新 {r.updated} 家，"
                             f"未变 {r.unchanged} 家",
                     after={"added": r.added, "updated": r.updated, "unchanged": r.unchanged})
        return r

    return store.run(work)


def find_enterprise(store, actor: Actor, credit_code: str) -> Enterprise:
    require(actor, "enterprises.read")
    with store.read() as session:
        e = directory.get(session, credit_code)
    if e is None:
        raise NotFound(f"企业名录中没有统一社会信用代码为 {credit_code} 的企业")
    require(actor, "enterprises.read", region_code=e.region_code, check_region=True, what=e.name)
    return e


def search_enterprises(store, actor: Actor, text: str = "", *, limit: int = 50) -> list[Enterprise]:
    """Firms matching ``text`` within the actor's scope."""
    require(actor, "enterprises.read")
    with store.read() as session:
        found = directory.search(session, text, limit=max(1, min(limit, 500)) * 4)
    return [e for e in found if actor.covers(e.region_code)][:limit]
