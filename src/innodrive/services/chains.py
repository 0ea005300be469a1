"""Use cases of the 产业链图谱: import, list, show, gaps, export, detach an enterprise.

Reading is open to every role that may read chains; importing and changing a chain is
the office's, audited under the actor in the same transaction as the change. A chain
tied to a region is written only by an actor whose scope covers it.
"""

from __future__ import annotations

from pydantic import BaseModel

from innodrive.chains.models import ChainView
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import audit


class ImportResult(BaseModel):
    key: str
    name: str
    replaced: bool
    nodes: int
    enterprises: int
    platforms: int
    targets: int
    gaps: int


class ChainSummary(BaseModel):
    key: str
    name: str
    region_code: str | None
    example: bool


def import_chain(store, actor: Actor, data: bytes, *, file_name: str) -> ImportResult:
    """Check a chain file (YAML or XLSX) row by row and store it; nothing is stored if any row is bad."""
    from innodrive.chains import reader, storage

    require(actor, "chains.write")
    spec = reader.read_chain(data, file_name)
    require(actor, "chains.write", region_code=spec.region_code, what=spec.name)

    def work(session) -> ImportResult:
        chain_id, replaced = storage.save(session, spec, actor=actor.username, file=file_name)
        v = storage.view(session, spec.key)
        audit.record(session, actor=actor.username, action="chain.replace" if replaced else "chain.import",
                     entity="chain", entity_id=spec.key,
                     summary=f"{'更新' if replaced else '导入'}产业链“{spec.name}”（{file_name}）：环节 {len(spec.nodes)} 个，"
                             f"企业 {len(spec.enterprises)} 家次，平台 {len(spec.platforms)} 个",
                     after={"nodes": len(spec.nodes), "enterprises": len(spec.enterprises),
                            "platforms": len(spec.platforms), "targets": len(spec.targets)})
        return ImportResult(key=spec.key, name=spec.name, replaced=replaced, nodes=len(spec.nodes),
                            enterprises=len(spec.enterprises), platforms=len(spec.platforms),
                            targets=len(spec.targets), gaps=len(v.gaps))

    return store.run(work)


def _reads(actor: Actor, region_code: str | None) -> bool:
    """A chain is read by whoever covers its region, and by the 区县 inside it (a county
    office works on its city's chains: its enterprises sit on their nodes)."""
    if region_code is None or actor.covers(region_code):
        return True
    from innodrive.regions import all_regions

    return actor.region_code is not None and all_regions().is_within(actor.region_code, region_code)


def list_chains(store, actor: Actor) -> list[ChainSummary]:
    from innodrive.chains import storage

    require(actor, "chains.read")
    with store.read() as session:
        return [ChainSummary(key=r.key, name=r.name, region_code=r.region_code, example=r.example)
                for r in storage.list_chains(session) if _reads(actor, r.region_code)]


def show_chain(store, actor: Actor, key: str) -> ChainView:
    from innodrive.chains import storage

    require(actor, "chains.read")
    with store.read() as session:
        v = storage.view(session, key)
    if not _reads(actor, v.region_code):
        from innodrive.errors import Forbidden

        raise Forbidden(f"{actor.display}无权查看产业链“{v.name}”（不在本辖区）")
    return v


def detach_enterprise(store, actor: Actor, key: str, credit_code: str, *, node: str | None = None) -> int:
    """Take an enterprise off a chain (one node or every node); audited."""
    from innodrive.chains import storage
    from innodrive.errors import NotFound

    require(actor, "chains.write")

    def work(session) -> int:
        row = storage.chain_row(session, key)
        require(actor, "chains.write", region_code=row.region_code, what=row.name)
        n = storage.remove_link(session, key, credit_code, node)
        if n == 0:
            raise NotFound(f"产业链“{row.name}”{('的环节“' + node + '”') if node else ''}中没有企业 {credit_code}",
                           field="credit_code")
        audit.record(session, actor=actor.username, action="chain.detach", entity="chain", entity_id=key,
                     summary=f"从产业链“{row.name}”移除企业 {credit_code}" + (f"（环节 {node}）" if node else ""),
                     before={"credit_code": credit_code, "node": node, "links": n})
        return n

    return store.run(work)


class _Preview(Exception):
    """Carries a dry run's result out of the transaction it rolls back."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result


def preview_chain(store, actor: Actor, data: bytes, *, file_name: str) -> ImportResult:
    """What importing the file would do (nodes, links, gaps, whether it replaces a chain), with
    every bad row named — computed by saving inside a transaction that is rolled back."""
    from innodrive.chains import reader, storage

    require(actor, "chains.write")
    spec = reader.read_chain(data, file_name)
    require(actor, "chains.write", region_code=spec.region_code, what=spec.name)
    try:
        with store.write() as session:
            _, replaced = storage.save(session, spec, actor=actor.username, file=file_name)
            v = storage.view(session, spec.key)
            raise _Preview(ImportResult(key=spec.key, name=spec.name, replaced=replaced, nodes=len(spec.nodes),
                                        enterprises=len(spec.enterprises), platforms=len(spec.platforms),
                                        targets=len(spec.targets), gaps=len(v.gaps)))
    except _Preview as done:
        return done.result


def chain_workbook(store, actor: Actor, key: str) -> tuple[bytes, str]:
    """The chain as XLSX (the import template's sheets, verdicts, gaps) and its file name."""
    from innodrive.chains.export import frames, to_bytes

    v = show_chain(store, actor, key)
    return to_bytes(frames(v)), f"产业链_{v.name}.xlsx"


def template_workbook(actor: Actor) -> bytes:
    """The empty XLSX import template."""
    from innodrive.chains.export import template_xlsx

    require(actor, "chains.read")
    return template_xlsx()
