"""Use cases of the technology market (科技成果 汇交, 技术需求, matching, 对接, 技术合同).

Every function takes the store and the acting :class:`~innodrive.services.actor.Actor`,
checks rights (``market.*`` in :mod:`innodrive.services.access`) and region scope, audits
every write — and every view of an unmasked contact — under ``actor.username`` in the
same transaction, and returns pydantic view models with English keys.

Scope: the results registry is the city's *supply* and is readable by every role with
``market.read`` (a county's enterprise needs a Chengdu university's result); demands,
pairings and contracts belong to the enterprise's region and are seen within scope only.
Confidential demands are shown only to holders of ``market.confidential``. Contacts are
always masked in lists; :func:`get_result` / :func:`get_demand` with ``reveal_contact``
show them to holders of ``market.contact`` and write an audit entry each time.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy import select

from innodrive.errors import InputError, NotFound, ValidationFailed
from innodrive.market import forms, pairing, registry, statistics
from innodrive.market import text as tx
from innodrive.market.db import ContractRow, DemandRow, PairingRow, ResultRow
from innodrive.market.matching import Corpus, Explanation, MatchRecord, explain, rank
from innodrive.market.pairing import ContractIn, Pairing
from innodrive.market.records import Demand, DemandIn, Result, ResultIn, text_of_demand, text_of_result
from innodrive.market.registry import DemandFilter, ResultFilter, Suspect
from innodrive.market.statistics import IndicatorUpdate
from innodrive.market.terms import STAGE_NAMES, STAGES
from innodrive.services.access import can, require
from innodrive.services.actor import Actor
from innodrive.store import audit

Progress = Callable[[str, int, int], None]


# --------------------------------------------------------------------------- presenting

def _masked(record):
    """A result or demand with its contact masked (what every list and page shows)."""
    return record.model_copy(update={"contact": record.contact.masked_copy()})


_masked_result = _masked_demand = _masked


def _shown(store, actor: Actor, record, reveal: bool, *, entity: str, what: str):
    """``record`` masked, or — when asked and allowed — in clear, the view audited."""
    if not reveal:
        return _masked(record)
    require(actor, "market.contact", region_code=record.region_code, check_region=True, what="联系人信息")
    store.run(lambda s: audit.record(s, actor=actor.username, action="market.contact.view", entity=entity,
                                     entity_id=record.id, summary=f"查看{what}的联系人信息"))
    return record


def _can_see_demand(actor: Actor, d: Demand | DemandRow) -> bool:
    if not can(actor, "market.read", region_code=d.region_code, check_region=True):
        return False
    return not d.confidential or can(actor, "market.confidential", region_code=d.region_code, check_region=True)


def _demand_or_404(actor: Actor, d: Demand | DemandRow | None, demand_id: int):
    """The demand if the actor may see it; a hidden one is reported as absent (a
    confidential demand's existence is itself confidential)."""
    if d is None or (d.confidential and not can(actor, "market.confidential", region_code=d.region_code,
                                                 check_region=True)):
        raise NotFound(f"没有编号为 {demand_id} 的技术需求，或您无权查看")
    require(actor, "market.read", region_code=d.region_code, check_region=True, what=f"技术需求 #{demand_id}")
    return d


# --------------------------------------------------------------------------- templates and imports

def template(kind: str) -> bytes:
    """The XLSX template of the 科技成果汇交表 (``result``) or 企业技术需求表 (``demand``)."""
    if kind not in ("result", "demand"):
        raise InputError("模板类型应为 result（科技成果汇交表）或 demand（企业技术需求表）")
    return forms.template_bytes(kind)


class ImportReport(BaseModel):
    kind: str
    file: str
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    blank: int = 0
    ids: list[int] = Field(default_factory=list)
    enterprises_added: int = 0
    suspects: list[Suspect] = Field(default_factory=list)
    dry_run: bool = False


def _refuse(problems: list, file: str | None, what: str):
    """Raise :class:`ValidationFailed` naming every problem (one problem is the message itself)."""
    problems = sorted(problems, key=lambda p: (p.row or 0, p.field or ""))
    if len(problems) == 1:
        p = problems[0]
        raise ValidationFailed(f"{p.message}（未导入任何{what}）", file=p.file or file, row=p.row, field=p.field,
                               problems=problems)
    rows = {p.row for p in problems if p.row is not None}
    raise ValidationFailed(f"{len(rows) or len(problems)} {'行' if rows else '处'}有问题，未导入任何{what}",
                           file=file, problems=problems)


def _words(texts: list[str], progress: Progress | None) -> list[str]:
    out = []
    for i, t in enumerate(texts, start=1):
        out.append(tx.words_text(t))
        if progress is not None and (i % 200 == 0 or i == len(texts)):
            progress("分词", i, len(texts))
    return out


def import_results(store, actor: Actor, data: bytes, *, file: str, dry_run: bool = False,
                   today: dt.date | None = None, progress: Progress | None = None) -> ImportReport:
    """Import a filled 科技成果汇交表: every row checked (in the file and against the
    registry); one bad row and nothing is written, each bad row named."""
    require(actor, "market.write")
    parsed = forms.read("result", data, file=file, today=today)
    for number, r in parsed.rows:
        if not can(actor, "market.write", region_code=r.region_code, check_region=True):
            parsed.problems.append(forms.Problem(f"{actor.display}只能登记本辖区的成果", file=file, row=number,
                                                 field="所在地区"))
    with store.read() as session:
        problems, suspects = registry.check_results(session, parsed.rows, file=file)
    problems = parsed.problems + problems
    if problems:
        _refuse(problems, file, "成果")
    report = ImportReport(kind="result", file=file, rows=len(parsed.rows), blank=parsed.blank, suspects=suspects,
                          dry_run=dry_run)
    if dry_run:
        return report
    words = _words([r.match_text() for _, r in parsed.rows], progress)

    def work(session) -> ImportReport:
        problems, _ = registry.check_results(session, parsed.rows, file=file)  # again, inside the transaction
        if problems:
            _refuse(problems, file, "成果")
        out = report.model_copy(deep=True)
        for (_, r), w in zip(parsed.rows, words, strict=True):
            rid, what = registry.save_result(session, r, words=w, actor=actor.username)
            setattr(out, what, getattr(out, what) + 1)
            out.ids.append(rid)
        audit.record(session, actor=actor.username, action="market.results.import", entity="market_result",
                     entity_id=None, summary=f"导入科技成果汇交表 {file}：新增 {out.added} 项，更新 {out.updated} 项，"
                                             f"未变 {out.unchanged} 项；疑似重复 {len(out.suspects)} 处",
                     after={"file": file, "sha256": parsed.sha256, "added": out.added, "updated": out.updated,
                            "unchanged": out.unchanged, "ids": out.ids})
        return out

    return store.run(work)


def import_demands(store, actor: Actor, data: bytes, *, file: str, dry_run: bool = False,
                   today: dt.date | None = None, progress: Progress | None = None) -> ImportReport:
    """Import a filled 企业技术需求表 (all or nothing). Enterprises not yet in the directory
    are registered there when the row names them (which needs ``enterprises.write``)."""
    from innodrive.enterprises import directory

    require(actor, "market.write")
    parsed = forms.read("demand", data, file=file, today=today)
    with store.read() as session:
        problems, new_firms = registry.check_demands(session, parsed.rows, file=file)
    for number, d in parsed.rows:
        if d.region_code and not can(actor, "market.write", region_code=d.region_code, check_region=True):
            problems.append(forms.Problem(f"{actor.display}只能登记本辖区的需求", file=file, row=number,
                                          field="所在地区"))
    if new_firms and not can(actor, "enterprises.write"):
        problems.append(forms.Problem(f"{len(new_firms)} 家企业不在企业名录中，{actor.display}无权登记企业：请先由创新办登记",
                                      file=file))
    problems = parsed.problems + problems
    if problems:
        _refuse(problems, file, "需求")
    report = ImportReport(kind="demand", file=file, rows=len(parsed.rows), blank=parsed.blank, dry_run=dry_run,
                          enterprises_added=len(new_firms))
    if dry_run:
        return report
    words = _words([d.match_text() for _, d in parsed.rows], progress)

    def work(session) -> ImportReport:
        problems, firms = registry.check_demands(session, parsed.rows, file=file)
        if problems:
            _refuse(problems, file, "需求")
        out = report.model_copy(deep=True)
        if firms:
            directory.register(session, firms, actor=actor.username, file=file)
            out.enterprises_added = len(firms)
        for (_, d), w in zip(parsed.rows, words, strict=True):
            did, what = registry.save_demand(session, d, words=w, actor=actor.username)
            setattr(out, what, getattr(out, what) + 1)
            out.ids.append(did)
        audit.record(session, actor=actor.username, action="market.demands.import", entity="market_demand",
                     entity_id=None, summary=f"导入企业技术需求表 {file}：新增 {out.added} 项，更新 {out.updated} 项，"
                                             f"未变 {out.unchanged} 项；新登记企业 {out.enterprises_added} 家",
                     after={"file": file, "sha256": parsed.sha256, "added": out.added, "updated": out.updated,
                            "unchanged": out.unchanged, "ids": out.ids, "enterprises_added": out.enterprises_added})
        return out

    return store.run(work)


def register_result(store, actor: Actor, item: ResultIn) -> Result:
    """Add or update one result (a web form, a CLI call) with the same checks as an import row."""
    require(actor, "market.write", region_code=item.region_code, check_region=True, what=item.title)
    words = tx.words_text(item.match_text())

    def work(session) -> int:
        problems, _ = registry.check_results(session, [(1, item)], file=None)
        if problems:
            _refuse(problems, None, "成果")
        rid, what = registry.save_result(session, item, words=words, actor=actor.username)
        if what != "unchanged":
            audit.record(session, actor=actor.username, action=f"market.result.{what}", entity="market_result",
                         entity_id=rid, summary=f"{'登记' if what == 'added' else '更新'}科技成果 #{rid}：{item.title}",
                         after=item.model_dump(exclude={"contact"}))
        return rid

    rid = store.run(work)
    with store.read() as session:
        return _masked_result(registry.results_by_id(session, [rid])[rid])


def register_demand(store, actor: Actor, item: DemandIn) -> Demand:
    from innodrive.enterprises import directory

    require(actor, "market.write")
    words = tx.words_text(item.match_text())

    def work(session) -> int:
        problems, firms = registry.check_demands(session, [(1, item)], file=None)
        if problems:
            _refuse(problems, None, "需求")
        require(actor, "market.write", region_code=item.region_code, check_region=True, what=item.title)
        if firms:
            require(actor, "enterprises.write", what=firms[0].name)
            directory.register(session, firms, actor=actor.username)
        did, what = registry.save_demand(session, item, words=words, actor=actor.username)
        if what != "unchanged":
            audit.record(session, actor=actor.username, action=f"market.demand.{what}", entity="market_demand",
                         entity_id=did, summary=f"{'登记' if what == 'added' else '更新'}技术需求 #{did}：{item.title}",
                         after=item.model_dump(exclude={"contact"}))
        return did

    did = store.run(work)
    with store.read() as session:
        return _masked_demand(registry.demands_by_id(session, [did])[did])


def set_result_status(store, actor: Actor, result_id: int, *, active: bool, reason: str) -> Result:
    """Withdraw a result from the market (下架) or put it back."""
    if not reason.strip():
        raise InputError("请写明原因")

    def work(session):
        row = session.get(ResultRow, result_id)
        if row is None:
            raise NotFound(f"没有编号为 {result_id} 的科技成果")
        require(actor, "market.write", region_code=row.region_code, check_region=True, what=row.title)
        before = row.status
        row.status = "active" if active else "withdrawn"
        row.updated_by = actor.username
        from innodrive.store.schema import utcnow

        row.updated_at = utcnow()
        audit.record(session, actor=actor.username, action="market.result.status", entity="market_result",
                     entity_id=result_id, summary=f"科技成果 #{result_id} {'重新上架' if active else '下架'}：{reason}",
                     before={"status": before}, after={"status": row.status, "reason": reason})

    store.run(work)
    with store.read() as session:
        return _masked_result(registry.results_by_id(session, [result_id])[result_id])


# --------------------------------------------------------------------------- reading

class ResultPage(BaseModel):
    total: int
    items: list[Result]


class DemandPage(BaseModel):
    total: int
    items: list[Demand]


def search_results(store, actor: Actor, f: ResultFilter | None = None, *, limit: int = 50,
                   offset: int = 0) -> ResultPage:
    require(actor, "market.read")
    f = f or ResultFilter()
    with store.read() as session:
        total, items = registry.search_results(session, f, limit=max(1, min(limit, 500)), offset=max(0, offset))
    return ResultPage(total=total, items=[_masked_result(r) for r in items])


def get_result(store, actor: Actor, result_id: int, *, reveal_contact: bool = False) -> Result:
    require(actor, "market.read")
    with store.read() as session:
        r = registry.results_by_id(session, [result_id]).get(result_id)
    if r is None:
        raise NotFound(f"没有编号为 {result_id} 的科技成果")
    return _shown(store, actor, r, reveal_contact, entity="market_result", what=f"科技成果 #{result_id}")


def search_demands(store, actor: Actor, f: DemandFilter | None = None, *, limit: int = 50,
                   offset: int = 0) -> DemandPage:
    """Open demands within the actor's scope (confidential ones only with the right)."""
    from innodrive.regions import all_regions

    require(actor, "market.read")
    f = (f or DemandFilter()).model_copy()
    if actor.region_code and not actor.local:
        regions = all_regions()
        scope = [r.code for r in regions if regions.is_within(r.code, actor.region_code)]
        f.region_codes = scope if f.region_codes is None else [c for c in f.region_codes if c in set(scope)]
    f.include_confidential = f.include_confidential and can(actor, "market.confidential")
    with store.read() as session:
        total, items = registry.search_demands(session, f, limit=max(1, min(limit, 500)), offset=max(0, offset))
    return DemandPage(total=total, items=[_masked_demand(d) for d in items])


def get_demand(store, actor: Actor, demand_id: int, *, reveal_contact: bool = False) -> Demand:
    require(actor, "market.read")
    with store.read() as session:
        d = registry.demands_by_id(session, [demand_id]).get(demand_id)
    _demand_or_404(actor, d, demand_id)
    return _shown(store, actor, d, reveal_contact, entity="market_demand", what=f"技术需求 #{demand_id}")


def find_duplicates(store, actor: Actor) -> list[Suspect]:
    """Pairs of stored results with near-identical title and holder (for a person to merge or keep)."""
    from innodrive.market import duplicates

    require(actor, "market.read")
    with store.read() as session:
        entries = [duplicates.Entry(rid, t, h) for rid, t, h in session.execute(
            select(ResultRow.id, ResultRow.title, ResultRow.holder).where(ResultRow.status == "active"))]
    return [Suspect(result_id=s.a, other_result_id=s.b, title_score=round(s.title_score, 1),
                    holder_score=round(s.holder_score, 1),
                    message=f"成果 #{s.a} 与成果 #{s.b} 名称和持有单位几乎相同（相似度 {s.title_score:.0f}），疑似重复")
            for s in duplicates.similar(entries, entries)]


# --------------------------------------------------------------------------- matching

_CACHE: dict[tuple[str, str], tuple[tuple, Corpus, dict[int, bool], dict[int, str]]] = {}
_CACHE_LOCK = threading.Lock()


def _record(kind: str, row) -> MatchRecord:
    kws = registry.split(row[2])
    text = (text_of_result if kind == "result" else text_of_demand)(row[1], kws, row[3])
    words = row[4] if row[10] == tx.TOKENIZER_VERSION else tx.words_text(text)
    return MatchRecord(id=row[0], text=text, words=words, industry=row[5], discipline=row[6], trl=row[7],
                       money=row[8], region=row[9])


def _corpus(store, kind: str) -> tuple[Corpus, dict[int, bool], dict[int, str]]:
    """The index of all active results / open demands, rebuilt when they change.
    Also: per record, whether it is confidential (demands) and its region."""
    with store.read() as session:
        rev = registry.revision(session, kind)
        key = (store.url, kind)
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit is not None and hit[0] == rev:
            return hit[1], hit[2], hit[3]
        rows = registry.match_rows(session, kind)
    records = [_record(kind, r) for r in rows]
    confidential = {r[0]: bool(r[11]) for r in rows} if kind == "demand" else {}
    regions = {r[0]: r[9] for r in rows}
    corpus = Corpus.build(kind, records)
    with _CACHE_LOCK:
        _CACHE[key] = (rev, corpus, confidential, regions)
    return corpus, confidential, regions


class ResultMatch(BaseModel):
    rank: int
    total: float
    result: Result
    explanation: Explanation
    demand_text: str
    result_text: str


class DemandMatch(BaseModel):
    rank: int
    total: float
    demand: Demand
    explanation: Explanation
    demand_text: str
    result_text: str


class DemandMatches(BaseModel):
    demand: Demand
    items: list[ResultMatch]
    considered: int               # records in the index after filters
    method: str


class ResultMatches(BaseModel):
    result: Result
    items: list[DemandMatch]      # the best demand of each enterprise
    considered: int
    method: str


def _demand_record(d: Demand, words: str | None = None) -> MatchRecord:
    text = d.text
    return MatchRecord(id=d.id, text=text, words=words or tx.words_text(text), industry=d.industry_code,
                       discipline=d.discipline_code, trl=d.trl_min, money=d.budget_wan, region=d.region_code)


def _result_record(r: Result, words: str | None = None) -> MatchRecord:
    text = r.text
    return MatchRecord(id=r.id, text=text, words=words or tx.words_text(text), industry=r.industry_code,
                       discipline=r.discipline_code, trl=r.trl, money=r.price_wan, region=r.region_code)


def _stored_words(session, table, record_id: int) -> str | None:
    row = session.execute(select(table.words, table.words_version).where(table.id == record_id)).one_or_none()
    return row[0] if row is not None and row[1] == tx.TOKENIZER_VERSION else None


def match_demand(store, actor: Actor, demand_id: int, *, k: int = 10, f: ResultFilter | None = None
                 ) -> DemandMatches:
    """The results that best answer a demand, each with its explanation."""
    require(actor, "market.read")
    k = max(1, min(k, 100))
    with store.read() as session:
        d = registry.demands_by_id(session, [demand_id]).get(demand_id)
        _demand_or_404(actor, d, demand_id)
        words = _stored_words(session, DemandRow, demand_id)
    corpus, _, _ = _corpus(store, "result")
    allowed = None
    if f is not None and f != ResultFilter():
        with store.read() as session:
            _, page = registry.search_results(session, f, limit=10**9)
        keep = {r.id for r in page}
        allowed = np.isin(corpus.side.ids, list(keep))
    query = _demand_record(d, words)
    [hits] = rank(corpus, [query], k=k, allowed=allowed, exhaustive=True)
    with store.read() as session:
        results = registry.results_by_id(session, [h.record_id for h in hits])
    items = []
    for i, h in enumerate(hits, start=1):
        r = results[h.record_id]
        ex = explain(corpus, query, h.position, demand_text=d.text, result_text=r.text)
        items.append(ResultMatch(rank=i, total=h.total, result=_masked_result(r), explanation=ex,
                                 demand_text=d.text, result_text=r.text))
    considered = int(allowed.sum()) if allowed is not None else corpus.index.size
    return DemandMatches(demand=_masked_demand(d), items=items, considered=considered,
                         method=f"{corpus.method.id} {corpus.method.version}")


def match_result(store, actor: Actor, result_id: int, *, k: int = 10) -> ResultMatches:
    """The enterprises whose demands a result answers best (their best demand each),
    within the actor's scope; confidential demands only for those allowed to see them."""
    require(actor, "market.read")
    k = max(1, min(k, 100))
    with store.read() as session:
        r = registry.results_by_id(session, [result_id]).get(result_id)
        if r is None:
            raise NotFound(f"没有编号为 {result_id} 的科技成果")
        words = _stored_words(session, ResultRow, result_id)
    corpus, confidential, regions = _corpus(store, "demand")
    see_conf = can(actor, "market.confidential")
    allowed = np.array([actor.covers(regions[i]) and (see_conf or not confidential[i]) for i in
                        corpus.side.ids.tolist()], dtype=bool)
    query = _result_record(r, words)
    [hits] = rank(corpus, [query], k=k * 5, allowed=allowed, exhaustive=True)
    with store.read() as session:
        demands = registry.demands_by_id(session, [h.record_id for h in hits])
    items, firms = [], set()
    for h in hits:
        d = demands[h.record_id]
        if d.credit_code in firms:
            continue
        firms.add(d.credit_code)
        ex = explain(corpus, query, h.position, demand_text=d.text, result_text=r.text)
        items.append(DemandMatch(rank=len(items) + 1, total=h.total, demand=_masked_demand(d), explanation=ex,
                                 demand_text=d.text, result_text=r.text))
        if len(items) >= k:
            break
    return ResultMatches(result=_masked_result(r), items=items, considered=int(allowed.sum()),
                         method=f"{corpus.method.id} {corpus.method.version}")


class BatchRow(BaseModel):
    demand_id: int
    demand_title: str
    enterprise_name: str | None
    rank: int
    result_id: int
    result_title: str
    holder: str
    total: float
    scores: dict[str, float]


def match_all(store, actor: Actor, *, k: int = 10, progress: Progress | None = None) -> list[BatchRow]:
    """Top ``k`` results for every open demand the actor may see (the batch path: cheap
    candidate selection, exact scores)."""
    require(actor, "market.read")
    corpus, _, _ = _corpus(store, "result")
    dcorpus, confidential, regions = _corpus(store, "demand")
    see_conf = can(actor, "market.confidential")
    queries = [rec for rec in dcorpus.records
               if actor.covers(regions[rec.id]) and (see_conf or not confidential[rec.id])]
    hits = rank(corpus, queries, k=k, exhaustive=False,
                progress=(lambda done, total: progress("匹配", done, total)) if progress else None)
    with store.read() as session:
        demands = registry.demands_by_id(session, [q.id for q in queries])
        results = registry.results_by_id(session, {h.record_id for hs in hits for h in hs})
    out = []
    for q, hs in zip(queries, hits, strict=True):
        d = demands[q.id]
        for i, h in enumerate(hs, start=1):
            r = results[h.record_id]
            out.append(BatchRow(demand_id=d.id, demand_title=d.title, enterprise_name=d.enterprise_name, rank=i,
                                result_id=r.id, result_title=r.title, holder=r.holder, total=h.total, scores=h.scores))
    return out


def reindex(store, actor: Actor, *, progress: Progress | None = None) -> int:
    """Recompute the stored words of records segmented by an older tokenizer version."""
    require(actor, "market.write")
    changed = 0
    for table in (ResultRow, DemandRow):
        with store.read() as session:
            rows = list(session.execute(select(table.id, table.title, table.keywords,
                                               table.abstract if table is ResultRow else table.problem)
                                        .where(table.words_version != tx.TOKENIZER_VERSION)))
        if not rows:
            continue
        join = text_of_result if table is ResultRow else text_of_demand
        words = _words([join(t, registry.split(kw), body) for _, t, kw, body in rows], progress)

        def work(session, rows=rows, words=words, table=table) -> int:
            for (rid, *_), w in zip(rows, words, strict=True):
                row = session.get(table, rid)
                row.words, row.words_version = w, tx.TOKENIZER_VERSION
            audit.record(session, actor=actor.username, action="market.reindex", entity=table.__tablename__,
                         entity_id=None, summary=f"重新分词 {len(rows)} 条记录（{tx.TOKENIZER_VERSION}）")
            return len(rows)

        changed += store.run(work)
    return changed


# --------------------------------------------------------------------------- pairing

def _pairing_view(store, actor: Actor, pairing_id: int) -> Pairing:
    with store.read() as session:
        row = pairing.get_row(session, pairing_id)
        return pairing.models(session, [row], show_confidential=can(actor, "market.confidential"), with_steps=True)[0]


def recommend(store, actor: Actor, *, result_id: int, demand_id: int | None = None, credit_code: str | None = None,
              broker: str | None = None, on: dt.date | None = None, note: str | None = None,
              score: float | None = None) -> Pairing:
    """Open a pairing (推荐): a result for an enterprise's demand, or for an enterprise."""
    from innodrive.enterprises import directory
    from innodrive.enterprises.credit_code import normalise

    require(actor, "market.pair")
    day = on or dt.date.today()
    if day > dt.date.today():
        raise InputError(f"推荐日期 {day} 晚于今天")

    def work(session) -> int:
        result = session.get(ResultRow, result_id)
        if result is None or result.status != "active":
            raise NotFound(f"没有编号为 {result_id} 的在库科技成果")
        code = normalise(credit_code) if credit_code else None
        if demand_id is not None:
            d = _demand_or_404(actor, session.get(DemandRow, demand_id), demand_id)
            if code is not None and code != d.credit_code:
                raise InputError(f"需求 #{demand_id} 属于统一社会信用代码为 {d.credit_code} 的企业，与所填 {code} 不符")
            code = d.credit_code
        if code is None:
            raise InputError("请指定技术需求或企业（统一社会信用代码）")
        firm = directory.get(session, code)
        if firm is None:
            raise NotFound(f"企业名录中没有统一社会信用代码为 {code} 的企业")
        require(actor, "market.pair", region_code=firm.region_code, check_region=True, what=firm.name)
        row = pairing.create(session, result_id=result_id, credit_code=code, demand_id=demand_id,
                             region_code=firm.region_code, on=day, broker=broker, score=score, note=note,
                             actor=actor.username)
        audit.record(session, actor=actor.username, action="market.pairing.recommend", entity="market_pairing",
                     entity_id=row.id, summary=f"推荐科技成果 #{result_id} 给 {firm.name}"
                                               f"{f'（需求 #{demand_id}）' if demand_id else ''}",
                     after={"result_id": result_id, "demand_id": demand_id, "credit_code": code, "broker": broker,
                            "on": day})
        return row.id

    return _pairing_view(store, actor, store.run(work))


def advance_pairing(store, actor: Actor, pairing_id: int, *, stage: str, on: dt.date | None = None,
                    broker: str | None = None, note: str | None = None) -> Pairing:
    """Move a pairing to a later stage (联系, 洽谈, 签约) or close it (终止, with a reason)."""
    from innodrive.market.terms import stage_id

    require(actor, "market.pair")
    to = stage_id(stage)
    if to is None:
        raise InputError(f"未知的对接阶段“{stage}”：应为{'、'.join(STAGE_NAMES[s] for s in STAGES)}或终止")
    day = on or dt.date.today()

    def work(session) -> None:
        row = pairing.get_row(session, pairing_id)
        require(actor, "market.pair", region_code=row.region_code, check_region=True, what=f"对接 #{pairing_id}")
        before = row.stage
        pairing.advance(session, row, to=to, on=day, broker=broker, note=note, actor=actor.username,
                        today=dt.date.today())
        audit.record(session, actor=actor.username, action="market.pairing.stage", entity="market_pairing",
                     entity_id=pairing_id, summary=f"对接 #{pairing_id}：{STAGE_NAMES[before]} → {STAGE_NAMES[to]}"
                                                   f"（{day.isoformat()}）",
                     before={"stage": before}, after={"stage": to, "on": day, "broker": broker, "note": note})

    store.run(work)
    return _pairing_view(store, actor, pairing_id)


def get_pairing(store, actor: Actor, pairing_id: int) -> Pairing:
    require(actor, "market.read")
    p = _pairing_view(store, actor, pairing_id)
    require(actor, "market.read", region_code=p.region_code, check_region=True, what=f"对接 #{pairing_id}")
    return p


class BoardColumn(BaseModel):
    stage: str
    name: str
    items: list[Pairing]


class Board(BaseModel):
    columns: list[BoardColumn]
    total: int


def pairing_board(store, actor: Actor, *, region: str | None = None, broker: str | None = None,
                  include_closed: bool = False, limit_per_stage: int = 200) -> Board:
    """Pairings by stage (the 对接看板), within the actor's scope, newest first."""
    from innodrive.regions import all_regions, resolve

    require(actor, "market.read")
    regions = all_regions()
    wanted = resolve(region, field="地区").code if region else None
    with store.read() as session:
        q = select(PairingRow).order_by(PairingRow.updated_at.desc(), PairingRow.id.desc())
        if broker:
            q = q.where(PairingRow.broker == broker)
        rows = [r for r in session.scalars(q)
                if actor.covers(r.region_code) and (wanted is None or (r.region_code and regions.is_within(
                    r.region_code, wanted)))]
        stages = [*STAGES, "closed"] if include_closed else list(STAGES)
        by_stage: dict[str, list[PairingRow]] = {s: [] for s in stages}
        for r in rows:
            if r.stage in by_stage and len(by_stage[r.stage]) < limit_per_stage:
                by_stage[r.stage].append(r)
        show = can(actor, "market.confidential")
        columns = [BoardColumn(stage=s, name=STAGE_NAMES[s], items=pairing.models(session, by_stage[s],
                                                                                   show_confidential=show))
                   for s in stages]
    return Board(columns=columns, total=sum(len(c.items) for c in columns))


# --------------------------------------------------------------------------- contracts

def _indicator_lines(updates: list[IndicatorUpdate]) -> list[str]:
    """The indicator changes in one line each, for the audit log."""
    return [f"{u.region_name} {u.indicator_name} {u.year} = {u.value:g}{u.unit}" for u in updates if u.change != "same"]


class ContractReport(BaseModel):
    pairing: Pairing
    indicators: list[IndicatorUpdate]


def register_contract(store, actor: Actor, pairing_id: int, contract: ContractIn) -> ContractReport:
    """Register the technical contract of a pairing (技术合同登记): the pairing is done,
    and the contract's amount flows into 技术合同成交额 / 登记额 / 登记数 (and, when the
    office marks it so, 重大科技成果转化) of its regions for the year of registration."""
    from innodrive.market.proximity import city_of

    require(actor, "market.contract")
    today = dt.date.today()

    def work(session) -> list[IndicatorUpdate]:
        row = pairing.get_row(session, pairing_id)
        require(actor, "market.contract", region_code=row.region_code, check_region=True, what=f"对接 #{pairing_id}")
        result = session.get(ResultRow, row.result_id)
        seller = result.region_code
        if contract.registry_region_code:
            from innodrive.regions import resolve

            registry_region = resolve(contract.registry_region_code, field="登记地").code
        else:
            registry_region = city_of(seller) or seller
        c = pairing.register_contract(session, row, contract, seller_region=seller, registry_region=registry_region,
                                      actor=actor.username, today=today)
        fact = pairing.fact(c, row.result_id)
        keys = statistics.keys_of(fact)
        updates = statistics.write(session, keys, pairing.facts_for_years(session, {fact.registered_on.year}),
                                   actor=actor.username, today=today)
        audit.record(session, actor=actor.username, action="market.contract.register", entity="market_contract",
                     entity_id=c.id, summary=f"登记技术合同 {c.registration_no}（对接 #{pairing_id}）："
                                             f"{c.contract_type} {c.amount_wan:g} 万元"
                                             f"{'，认定为重大科技成果转化' if c.major else ''}",
                     after={**contract.model_dump(), "indicators": _indicator_lines(updates)})
        return updates

    updates = store.run(work)
    return ContractReport(pairing=_pairing_view(store, actor, pairing_id), indicators=updates)


def correct_contract_amount(store, actor: Actor, pairing_id: int, *, amount_wan: float, reason: str
                            ) -> ContractReport:
    """Correct a registered contract's amount; the indicator figures are revised with it
    (the earlier figures stay as older revisions)."""
    if amount_wan <= 0:
        raise InputError("成交额应大于 0")
    if not reason.strip():
        raise InputError("请写明更正原因")
    require(actor, "market.contract")
    today = dt.date.today()

    def work(session) -> list[IndicatorUpdate]:
        from innodrive.store.schema import utcnow

        row = pairing.get_row(session, pairing_id)
        require(actor, "market.contract", region_code=row.region_code, check_region=True, what=f"对接 #{pairing_id}")
        c = session.scalar(select(ContractRow).where(ContractRow.pairing_id == pairing_id))
        if c is None:
            raise NotFound(f"对接 #{pairing_id} 尚未登记技术合同")
        before = c.amount_wan
        c.amount_wan = amount_wan
        c.updated_at, c.updated_by = utcnow(), actor.username
        session.flush()
        fact = pairing.fact(c, row.result_id)
        updates = statistics.write(session, statistics.keys_of(fact),
                                   pairing.facts_for_years(session, {fact.registered_on.year}),
                                   actor=actor.username, today=today)
        audit.record(session, actor=actor.username, action="market.contract.correct", entity="market_contract",
                     entity_id=c.id, summary=f"更正技术合同 {c.registration_no} 成交额：{before:g} → {amount_wan:g} 万元"
                                             f"（{reason}）",
                     before={"amount_wan": before},
                     after={"amount_wan": amount_wan, "reason": reason, "indicators": _indicator_lines(updates)})
        return updates

    updates = store.run(work)
    return ContractReport(pairing=_pairing_view(store, actor, pairing_id), indicators=updates)


class ContractLine(BaseModel):
    contract: pairing.Contract
    result_id: int
    result_title: str
    holder: str
    credit_code: str
    enterprise_name: str | None
    broker: str | None


def list_contracts(store, actor: Actor, *, region: str | None = None, year: int | None = None) -> list[ContractLine]:
    """Registered contracts within scope (of a region — seller or buyer side — and a year)."""
    from innodrive.enterprises import directory
    from innodrive.regions import all_regions, resolve

    require(actor, "market.read")
    regions = all_regions()
    wanted = resolve(region, field="地区").code if region else None
    out = []
    with store.read() as session:
        rows = list(session.execute(select(ContractRow, PairingRow, ResultRow)
                                    .join(PairingRow, PairingRow.id == ContractRow.pairing_id)
                                    .join(ResultRow, ResultRow.id == PairingRow.result_id)
                                    .order_by(ContractRow.registered_on.desc(), ContractRow.id.desc())))
        names = {c: e.name for c, e in directory.get_many(session, {p.credit_code for _, p, _ in rows}).items()}
        for c, p, r in rows:
            if not (actor.covers(c.buyer_region_code) or actor.covers(c.seller_region_code)):
                continue
            if year is not None and c.registered_on.year != year:
                continue
            if wanted and not (regions.is_within(c.buyer_region_code, wanted)
                               or regions.is_within(c.seller_region_code, wanted)):
                continue
            out.append(ContractLine(contract=pairing.contract_model(c), result_id=r.id, result_title=r.title,
                                    holder=r.holder, credit_code=p.credit_code,
                                    enterprise_name=names.get(p.credit_code), broker=p.broker))
    return out
