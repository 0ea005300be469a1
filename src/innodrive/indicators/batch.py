"""A batch of values to import, held as columns — a million rows in tens of megabytes.

An import of a province's statistics can have a million rows. Held as a million
Python objects (a dataclass, a tuple key, a row number each) it took 1.5 GB and the
garbage collector's time; here every column is a typed array and every repeated text
(region, indicator, period, source, note, unit) is stored once and referred to by
number. Comparing with the store, writing and recomputing derived values then work
on these columns in chunks, so memory stays bounded by the batch's columns plus one
chunk of rows.

The rules are those of :mod:`innodrive.indicators.observations`: a new key is added, a
different value (or note) is a revision, the same value from a further source is a
second source, the same value from the same source is no change.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.indicators import bulk
from innodrive.indicators.observations import Change, Current, NewValue

SAME, ADD, REVISE, SOURCE = 0, 1, 2, 3
KIND_NAMES = {ADD: "add", REVISE: "revise", SOURCE: "source", SAME: "same"}


class Codes:
    """Distinct texts numbered in order of first appearance."""

    __slots__ = ("index", "items")

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def id(self, text: str) -> int:
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.items)
            self.items.append(text)
        return i

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class ValueBatch:
    """Validated values in catalogue units, one entry per (region, indicator, period)."""

    regions: Codes = field(default_factory=Codes)
    indicators: Codes = field(default_factory=Codes)
    periods: Codes = field(default_factory=Codes)
    texts: Codes = field(default_factory=Codes)  # sources, notes, written units
    units: dict[int, str] = field(default_factory=dict)  # indicator id → catalogue unit
    r: array = field(default_factory=lambda: array("i"))
    i: array = field(default_factory=lambda: array("i"))
    p: array = field(default_factory=lambda: array("i"))
    value: array = field(default_factory=lambda: array("d"))
    written: array = field(default_factory=lambda: array("d"))
    unit_w: array = field(default_factory=lambda: array("i"))
    source: array = field(default_factory=lambda: array("i"))
    note: array = field(default_factory=lambda: array("i"))  # -1: no note
    row: array = field(default_factory=lambda: array("i"))
    column: array = field(default_factory=lambda: array("i"))  # index into ``columns``
    columns: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.value)

    def region_codes(self) -> set[str]:
        return {self.regions.items[k] for k in set(self.r)}

    def indicator_codes(self) -> set[str]:
        return {self.indicators.items[k] for k in set(self.i)}

    def keys(self) -> np.ndarray:
        """One int64 per entry identifying (region, indicator, period)."""
        r = np.frombuffer(self.r, dtype=np.int32).astype(np.int64) if len(self) else np.zeros(0, np.int64)
        i = np.frombuffer(self.i, dtype=np.int32).astype(np.int64) if len(self) else np.zeros(0, np.int64)
        p = np.frombuffer(self.p, dtype=np.int32).astype(np.int64) if len(self) else np.zeros(0, np.int64)
        ni, np_ = max(len(self.indicators), 1), max(len(self.periods), 1)
        return (r * ni + i) * np_ + p

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the entries where ``mask`` is true (in place)."""
        for name in ("r", "i", "p", "value", "written", "unit_w", "source", "note", "row", "column"):
            old = getattr(self, name)
            kept = np.frombuffer(old, dtype=np.float64 if old.typecode == "d" else np.int32)[mask]
            new = array(old.typecode)
            new.frombytes(kept.tobytes())
            setattr(self, name, new)

    def new_value(self, k: int) -> NewValue:
        note = self.note[k]
        return NewValue(region_code=self.regions.items[self.r[k]], indicator_code=self.indicators.items[self.i[k]],
                        period=self.periods.items[self.p[k]], value=self.value[k], unit=self.units[self.i[k]],
                        source=self.texts.items[self.source[k]],
                        note=None if note < 0 else self.texts.items[note],
                        value_as_written=self.written[k], unit_as_written=self.texts.items[self.unit_w[k]])


@dataclass
class Compared:
    """What storing a batch would do, entry by entry."""

    kind: np.ndarray  # int8: SAME, ADD, REVISE, SOURCE
    before_id: np.ndarray  # int64, -1 where there is no current value
    before_rev: np.ndarray  # int32
    before_value: np.ndarray  # float64
    before_text: tuple[np.ndarray, np.ndarray, np.ndarray]  # unit, source, note: indices into ``texts`` (-1: none)
    texts: Codes
    kept: int = 0

    def count(self, kind: int) -> int:
        return int((self.kind == kind).sum())

    def _text(self, which: int, k: int) -> str | None:
        j = int(self.before_text[which][k])
        return None if j < 0 else self.texts.items[j]

    def current(self, k: int) -> Current | None:
        if self.before_id[k] < 0:
            return None
        return Current(int(self.before_id[k]), int(self.before_rev[k]), float(self.before_value[k]),
                       self._text(0, k) or "", self._text(1, k) or "", self._text(2, k))

    def change(self, batch: ValueBatch, k: int) -> Change:
        return Change(KIND_NAMES[int(self.kind[k])], batch.new_value(k), self.current(k))

    def changes(self, batch: ValueBatch, kinds: tuple[int, ...] = (ADD, REVISE, SOURCE),
                limit: int | None = None) -> list[Change]:
        idx = np.flatnonzero(np.isin(self.kind, kinds))
        if limit is not None:
            idx = idx[:limit]
        return [self.change(batch, int(k)) for k in idx]


def compare(session: Session, batch: ValueBatch, *, origin: str = "reported", only_missing: bool = False) -> Compared:
    """Compare every entry with the current revision of its key in the store.

    The current revisions are read in one streamed query and kept as columns too
    (their texts numbered once), so comparing a million entries with a million stored
    values stays within the same memory as the batch itself.
    """
    n = len(batch)
    keys = batch.keys()
    ni, np_ = max(len(batch.indicators), 1), max(len(batch.periods), 1)
    ctexts = Codes()
    cidx = ctexts.index
    cur_keys, cur_id, cur_val = array("q"), array("q"), array("d")
    cur_rev, cur_unit, cur_src, cur_note = array("i"), array("i"), array("i"), array("i")
    ind_codes = sorted(batch.indicator_codes())
    r_index, i_index, p_index = batch.regions.index, batch.indicators.index, batch.periods.index

    def text_number(v: str) -> int:
        return cidx[v] if v in cidx else ctexts.id(v)

    conn = session.connection()
    known = _common_texts(batch)

    def known_or_text(v) -> int:  # a number from the query's CASE: one of ``known``
        return text_number(known[v] if type(v) is int else v)

    for rows in _current(conn, ind_codes, origin, known):
        oid, reg, ind, per, rev, val, unit, src, note = zip(*rows, strict=True)
        del rows
        r = _numbers(reg, lambda x: r_index.get(x, -1))
        i = _numbers(ind, lambda x: i_index.get(x, -1))
        p = _numbers(per, lambda x: p_index.get(x, -1))
        keep = (r >= 0) & (i >= 0) & (p >= 0)  # keys this batch does not have cannot match
        sel = np.flatnonzero(keep)
        if not len(sel):
            continue
        cur_keys.frombytes((((r * ni + i) * np_ + p)[sel]).tobytes())
        cur_id.frombytes(np.asarray(oid, dtype=np.int64)[sel].tobytes())
        cur_val.frombytes(np.asarray(val, dtype=np.float64)[sel].tobytes())
        cur_rev.frombytes(np.asarray(rev, dtype=np.int32)[sel].tobytes())
        # texts numbered in order of first appearance, as one pass over the rows would
        for column, target in ((unit, cur_unit), (src, cur_src), (note, cur_note)):
            target.frombytes(_numbers(column, known_or_text, sel).astype(np.int32).tobytes())
    kind = np.full(n, ADD, dtype=np.int8)
    before_id = np.full(n, -1, dtype=np.int64)
    before_rev = np.zeros(n, dtype=np.int32)
    before_value = np.full(n, np.nan)
    b_unit, b_src, b_note = (np.full(n, -1, dtype=np.int32) for _ in range(3))
    extra_needed = []
    if len(cur_keys):
        ck = np.frombuffer(cur_keys, dtype=np.int64)
        order = np.argsort(ck, kind="stable")
        sk = ck[order]
        del ck
        cur = (np.frombuffer(cur_id, dtype=np.int64), np.frombuffer(cur_rev, dtype=np.int32),
               np.frombuffer(cur_val, dtype=np.float64), np.frombuffer(cur_unit, dtype=np.int32),
               np.frombuffer(cur_src, dtype=np.int32), np.frombuffer(cur_note, dtype=np.int32))
        # the batch's texts as indices into the stored texts (-2: a text the store does not have)
        src_map = np.array([ctexts.index.get(x, -2) for x in batch.texts.items] or [-2], dtype=np.int32)
        unit_map = np.array([ctexts.index.get(batch.units[i], -2) if i in batch.units else -2
                             for i in range(len(batch.indicators))] or [-2], dtype=np.int32)
        b_i, b_val = np.frombuffer(batch.i, dtype=np.int32), np.frombuffer(batch.value, dtype=np.float64)
        b_source, b_notes = np.frombuffer(batch.source, dtype=np.int32), np.frombuffer(batch.note, dtype=np.int32)
        # matched in slices of the batch: the temporaries of a slice, not of a million entries
        for s in range(0, n, MATCH_SLICE):
            kk = keys[s:s + MATCH_SLICE]
            pos = np.searchsorted(sk, kk)
            np.minimum(pos, len(sk) - 1, out=pos)
            hit = sk[pos] == kk
            matched = np.flatnonzero(hit) + s
            if not len(matched):
                continue
            c = order[pos[hit]]
            del pos, hit
            before_id[matched] = cur[0][c]
            before_rev[matched] = cur[1][c]
            before_value[matched] = cur[2][c]
            b_unit[matched] = cur[3][c]
            b_src[matched] = cur[4][c]
            b_note[matched] = cur[5][c]
            del c
            notes = b_notes[matched]
            value_eq = (before_value[matched] == b_val[matched]) & (b_unit[matched] == unit_map[b_i[matched]])
            src_eq = b_src[matched] == src_map[b_source[matched]]
            note_eq = b_note[matched] == np.where(notes < 0, -1, src_map[np.maximum(notes, 0)])
            k_m = np.where(value_eq, np.where(src_eq, np.where(note_eq, SAME, REVISE), SOURCE), REVISE)
            kind[matched] = k_m
            extra_needed.append(matched[k_m == SOURCE])
        del order, sk, cur
    extra_needed = np.concatenate(extra_needed) if extra_needed else np.zeros(0, dtype=np.int64)
    if len(extra_needed):
        extra = _extra_sources(session, before_id[extra_needed].tolist())
        texts = batch.texts.items
        for k in extra_needed.tolist():
            if texts[batch.source[k]] in extra.get(int(before_id[k]), ()):
                kind[k] = SAME
    kept = 0
    if only_missing:
        keep_out = kind != ADD
        kept = int((keep_out & (kind != SAME)).sum())
        kind[keep_out] = SAME
    return Compared(kind=kind, before_id=before_id, before_rev=before_rev, before_value=before_value,
                    before_text=(b_unit, b_src, b_note), texts=ctexts, kept=kept)


def _numbers(values: tuple, number, sel: np.ndarray | None = None) -> np.ndarray:
    """``number(v)`` for each of ``values`` (or of its entries ``sel``) as int64, -1 for
    ``None``: each distinct value numbered once, in order of first appearance (the
    values are hashed in C; a page has a few thousand distinct ones among 50,000)."""
    import pandas as pd

    cells = np.asarray(values, dtype=object)
    if sel is not None:
        cells = cells[sel]
    codes, uniques = pd.factorize(cells)  # None: code -1
    found = np.asarray([number(u) for u in uniques.tolist()] + [-1], dtype=np.int64)
    return found[codes]  # code -1: the appended -1


PAGE = 20_000  # stored rows held at a time while comparing on SQLite (as Python tuples: ~12 MB)
PAGE_BY_ID = 50_000  # the same on other drivers, one query each
MATCH_SLICE = 1 << 17  # batch entries matched with the stored keys at a time
KNOWN_TEXTS = 8  # the batch's commonest texts the store's rows are read as numbers of


def _common_texts(batch: ValueBatch) -> list[str]:
    """The texts most stored rows will repeat: the batch's units and its commonest
    sources (a file usually has one), at most :data:`KNOWN_TEXTS`."""
    units = sorted(set(batch.units.values()))
    counts = np.bincount(np.frombuffer(batch.source, dtype=np.int32), minlength=1) if len(batch) else np.zeros(1)
    top = [batch.texts.items[k] for k in np.argsort(-counts, kind="stable")[:KNOWN_TEXTS].tolist() if counts[k]]
    return list(dict.fromkeys(units + top))[:KNOWN_TEXTS]


def _current(conn, ind_codes: list[str], origin: str, known: list[str]):
    """The current rows of ``origin`` for ``ind_codes`` in pages of tuples, 200
    indicators a query.

    On SQLite read through the driver's own cursor as plain tuples, and the texts in
    ``known`` come as their numbers in it (``CASE``): a million rows make a million
    Python objects fewer of each. (One query per indicator would spare reading the
    code too, but inside an import that deferred its indexes each one scans the table.)
    Other drivers (pg8000): paged by id."""
    from sqlalchemy import case

    from innodrive.store.schema import ObservationRow

    t = ObservationRow.__table__.c
    sqlite = conn.dialect.name == "sqlite"

    def as_known(col):
        return case({text: k for k, text in enumerate(known)}, value=col, else_=col) if known and sqlite else col

    for start in range(0, len(ind_codes), 200):
        q = (select(t.id, t.region_code, t.indicator_code, t.period, t.revision, t.value, as_known(t.unit),
                    as_known(t.source), as_known(t.note))
             .where(t.is_current.is_(True)).where(t.origin == origin)
             .where(t.indicator_code.in_(ind_codes[start:start + 200])))
        yield from _sqlite_pages(conn, q) if sqlite else _pages_by_id(conn, q, t.id)


def _sqlite_pages(conn, query):
    """The rows of ``query`` in lists of at most :data:`PAGE`, as SQLite hands them over
    (in the order of the index it searches): one query read in parts keeps memory
    bounded. (Pages by id searched the indicators' index again for every page and
    sorted all the rows left by id: quadratic in the rows stored.) Read through the
    driver's cursor: plain tuples, no result-row objects; the query's columns need no
    conversion."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled), [compiled.params[name] for name in compiled.positiontup])
        while rows := cursor.fetchmany(PAGE):
            yield rows
    finally:
        cursor.close()


def _pages_by_id(conn, query, id_column):
    """The rows of ``query`` (whose first column is ``id_column``) in pages of
    :data:`PAGE_BY_ID` by id: drivers such as pg8000 fetch a whole result at once, so bounded
    memory needs bounded queries (no server-side cursor needed)."""
    last = 0
    while True:
        rows = conn.execute(query.where(id_column > last).order_by(id_column).limit(PAGE_BY_ID)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _extra_sources(session: Session, ids: list[int]) -> dict[int, set[str]]:
    from innodrive.indicators.observations import extra_sources_of

    return extra_sources_of(session, ids)


def write(session: Session, batch: ValueBatch, cmp: Compared, *, origin: str, actor: str, batch_id: int | None,
          progress=None, chunk: int = 5000) -> None:
    """Write the additions, revisions and second sources in the caller's transaction."""
    from sqlalchemy import update

    from innodrive.store.schema import ObservationRow, ObservationSourceRow, utcnow

    now = utcnow()
    revise = np.flatnonzero(cmp.kind == REVISE)
    superseded = cmp.before_id[revise].tolist()
    for s in range(0, len(superseded), 1000):
        session.execute(update(ObservationRow).where(ObservationRow.id.in_(superseded[s:s + 1000]))
                        .values(is_current=False))
    sources = np.flatnonzero(cmp.kind == SOURCE).tolist()
    for s in range(0, len(sources), chunk):
        session.execute(ObservationSourceRow.__table__.insert(), [
            {"observation_id": int(cmp.before_id[k]), "source": batch.texts.items[batch.source[k]],
             "note": None if batch.note[k] < 0 else batch.texts.items[batch.note[k]], "batch_id": batch_id,
             "recorded_at": now, "recorded_by": actor} for k in sources[s:s + chunk]])
    writes = np.flatnonzero((cmp.kind == ADD) | (cmp.kind == REVISE))
    if not len(writes):
        return
    bulk.insert(session, _rows(batch, cmp, writes), origin=origin, batch_id=batch_id, now=now, actor=actor,
                progress=None if progress is None else (lambda done, total: progress("write", done, total)))


def _rows(batch: ValueBatch, cmp: Compared, idx: np.ndarray) -> bulk.Rows:
    """The entries ``idx`` as rows to insert, their texts numbered in one list."""
    parts = (batch.regions.items, batch.indicators.items, batch.periods.items, batch.texts.items)
    off_i, off_p, off_t = (sum(len(x) for x in parts[:k]) for k in (1, 2, 3))
    off_u = off_t + len(batch.texts)
    texts = [*parts[0], *parts[1], *parts[2], *parts[3], *(batch.units.get(k, "") for k in range(len(batch.indicators)))]

    def col(a: array, offset: int) -> bulk.Column:
        return np.frombuffer(a, dtype=np.int32), offset

    ind = np.frombuffer(batch.i, dtype=np.int32)
    return bulk.Rows(
        texts=texts, idx=idx, region=col(batch.r, 0), indicator=(ind, off_i), period=col(batch.p, off_p),
        unit=(ind, off_u), unit_as_written=col(batch.unit_w, off_t), source=col(batch.source, off_t),
        note=col(batch.note, off_t),
        revision=np.where(cmp.before_id >= 0, cmp.before_rev + 1, 1).astype(np.int32),
        value=np.frombuffer(batch.value, dtype=np.float64),
        value_as_written=np.frombuffer(batch.written, dtype=np.float64))


def derive(session: Session, batch: ValueBatch, cmp: Compared, *, actor: str, batch_id: int | None) -> int:
    """Recompute, in bulk, every derived indicator one of whose parts this batch added
    or revised; return the number of derived values added or revised.

    The same rule as :func:`innodrive.indicators.derivation.refresh` (a derived value
    only where both parts exist for one region and period; the parts' revisions cited
    in its source; a reported part winning over a derived one), computed on columns:
    parts come from the batch itself, and from the store only where the batch lacks one.
    """
    from innodrive.indicators.derivation import _derived_indicators
    from innodrive.indicators.derived import ratio_value
    from innodrive.indicators.units import clean_many

    cat, derived = _derived_indicators()
    n = len(batch)
    if not n or not derived:
        return 0
    written = (cmp.kind == ADD) | (cmp.kind == REVISE)
    ind = np.frombuffer(batch.i, dtype=np.int32)
    reg = np.frombuffer(batch.r, dtype=np.int32).astype(np.int64)
    per = np.frombuffer(batch.p, dtype=np.int32).astype(np.int64)
    npr = max(len(batch.periods), 1)
    pair = reg * npr + per
    # the revision each entry has once written
    revision = np.where(written, np.where(cmp.before_id >= 0, cmp.before_rev + 1, 1), cmp.before_rev)
    out = ValueBatch(regions=batch.regions, periods=batch.periods)
    for d in derived:
        comp = d.components
        num_i, den_i = batch.indicators.index.get(comp.numerator), batch.indicators.index.get(comp.denominator)
        touched = np.zeros(n, dtype=bool)
        for part in (num_i, den_i):
            if part is not None:
                touched |= written & (ind == part)
        if not touched.any():
            continue
        pairs = _sorted_unique(pair[touched])

        args = (session, batch, ind, pair, revision, pairs, npr)
        nv, nr, nk = _part_values(*args, num_i, comp.numerator)
        dv, dr, dk = _part_values(*args, den_i, comp.denominator)
        factor = ratio_value(numerator=1.0, numerator_unit=cat.require(comp.numerator).unit, denominator=1.0,
                             denominator_unit=cat.require(comp.denominator).unit, target=d, catalogue=cat)
        if factor is None:
            continue
        ok = nk & dk & (dv != 0) & np.isfinite(nv) & np.isfinite(dv)
        d_id = out.indicators.id(d.code)
        out.units[d_id] = d.unit
        num_name, den_name = cat.get(comp.numerator).name, cat.get(comp.denominator).name
        formula = d.formula or d.code
        with np.errstate(divide="ignore", invalid="ignore"):
            values = nv / dv * factor
        sel = np.flatnonzero(ok)
        p_ids = (pairs[sel] % npr).astype(np.int32)
        # one source text per (period, numerator revision, denominator revision), numbered once
        # (in order of first appearance: the distinct triples found in C, not row by row)
        triples, first = _distinct_triples(p_ids, nr[sel], dr[sel])
        numbers = np.asarray([out.texts.id(
            f"派生：{num_name}（{batch.periods.items[p]}，第 {int(a)} 版）÷ {den_name}（{batch.periods.items[p]}，"
            f"第 {int(b)} 版），公式 {formula}") for p, a, b in first], dtype=np.int32)
        src_ids = numbers[triples] if len(first) else np.zeros(0, dtype=np.int32)
        m = len(sel)
        out.r.frombytes((pairs[sel] // npr).astype(np.int32).tobytes())
        out.i.frombytes(np.full(m, d_id, dtype=np.int32).tobytes())
        out.p.frombytes(p_ids.tobytes())
        out.value.frombytes(np.ascontiguousarray(clean_many(values[sel]), dtype=np.float64).tobytes())
        out.written.frombytes(np.full(m, np.nan).tobytes())
        out.source.frombytes(np.asarray(src_ids, dtype=np.int32).tobytes())
        for name in ("unit_w", "note"):
            getattr(out, name).frombytes(np.full(m, -1, dtype=np.int32).tobytes())
        for name in ("row", "column"):
            getattr(out, name).frombytes(np.zeros(m, dtype=np.int32).tobytes())
    if not len(out):
        return 0
    dcmp = compare(session, out, origin="derived")
    write(session, out, dcmp, origin="derived", actor=actor, batch_id=batch_id)
    return dcmp.count(ADD) + dcmp.count(REVISE)


def _distinct_triples(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """(number per entry, the distinct ``(a, b, c)`` in order of first appearance) of three
    columns of non-negative integers: what numbering the triples one by one in a dict gives."""
    import pandas as pd

    a, b, c = (np.asarray(x, dtype=np.int64) for x in (a, b, c))
    if not len(a):
        return np.zeros(0, dtype=np.intp), []
    nb, nc = int(b.max()) + 1, int(c.max()) + 1
    if int(a.max()) + 1 > (1 << 62) // (nb * nc):  # a key would not fit in int64: one by one
        index: dict[tuple[int, int, int], int] = {}
        codes = [index.setdefault(t, len(index)) for t in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)]
        return np.asarray(codes, dtype=np.intp), list(index)
    codes, uniques = pd.factorize((a * nb + b) * nc + c)
    return codes, [(int(u // (nb * nc)), int(u // nc % nb), int(u % nc)) for u in uniques.tolist()]


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """``np.unique(x)`` by sorting (NumPy's hash-based unique is slower on millions of keys)."""
    s = np.sort(x)
    if not len(s):
        return s
    return s[np.concatenate(([True], s[1:] != s[:-1]))]


def _part_values(session: Session, batch: ValueBatch, ind: np.ndarray, pair: np.ndarray, revision: np.ndarray,
                 pairs: np.ndarray, npr: int, part_i: int | None, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, revision, known) of one part for every (region, period) pair: from the
    batch where it has the part, else from the store."""
    vals = np.full(len(pairs), np.nan)
    revs = np.zeros(len(pairs), dtype=np.int64)
    known = np.zeros(len(pairs), dtype=bool)
    if part_i is not None:
        sel = np.flatnonzero(ind == part_i)
        pos = np.searchsorted(pairs, pair[sel])
        pos_c = np.minimum(pos, len(pairs) - 1)
        hit = (pos < len(pairs)) & (pairs[pos_c] == pair[sel])
        vals[pos_c[hit]] = np.frombuffer(batch.value, dtype=np.float64)[sel[hit]]
        revs[pos_c[hit]] = revision[sel[hit]]
        known[pos_c[hit]] = True
    if not known.all():
        _store_part(session, batch, code, pairs, npr, vals, revs, known)
    return vals, revs, known


def _store_part(session: Session, batch: ValueBatch, code: str, pairs: np.ndarray, npr: int, vals: np.ndarray,
                revs: np.ndarray, known: np.ndarray) -> None:
    """Fill the pairs the batch lacks from the store's current values (reported over derived)."""
    from innodrive.store.schema import ObservationRow

    t = ObservationRow.__table__.c
    wanted = ~known  # the pairs to fill (``pairs`` is sorted and distinct)
    regions = sorted(batch.regions.items[r] for r in _sorted_unique(pairs[wanted] // npr).tolist())
    # only the periods some wanted pair has (a partial last year: one period, not all of them)
    periods = sorted(batch.periods.items[p] for p in _sorted_unique(pairs[wanted] % npr).tolist())
    r_index, p_index = batch.regions.index, batch.periods.index
    found_origin: dict[int, str] = {}
    for s in range(0, len(regions), 500):
        q = (select(t.region_code, t.period, t.value, t.revision, t.origin).where(t.is_current.is_(True))
             .where(t.indicator_code == code).where(t.region_code.in_(regions[s:s + 500])))
        if len(periods) <= 500:
            q = q.where(t.period.in_(periods))
        rows = session.execute(q).all()
        if not rows:
            continue
        # each stored row's position among the pairs (-1: a pair not wanted)
        key = np.asarray([r_index[row.region_code] * npr + p_index.get(row.period, -1)
                          if row.period in p_index else -1 for row in rows], dtype=np.int64)
        pos = np.minimum(np.searchsorted(pairs, key), len(pairs) - 1)
        hit = (key >= 0) & (pairs[pos] == key)
        hit[hit] = wanted[pos[hit]]
        for row, k in zip(rows, np.where(hit, pos, -1).tolist(), strict=True):
            if k < 0 or (found_origin.get(k) == "reported" and row.origin == "derived"):
                continue
            vals[k], revs[k], known[k] = row.value, row.revision, True
            found_origin[k] = row.origin
