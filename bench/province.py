"""Province board benchmark: 183 区县 × the 58 catalogue indicators over 10 years, in SQLite.

Target (issue 12): the board of 183 区县 × 58 indicators answers in under 200 ms of
server time. Measured two ways on a store holding SYNTHETIC observations (constructed
numbers, not statistics) for every 区县, 市州 and the province: the 58 boards built at
once (one read, what an overview page asks), and one indicator's board at a time
(median and worst of the 58). And the workbench page itself: ``GET /province`` for each
of the 58 indicators at 区县 level, first request of each (nothing cached), through the
application (board, year choice, map and bar options, rendering), signed in as an office.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path


def _store(folder: Path):
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.observations import Change, NewValue, apply_changes
    from innodrive.province.board import places
    from innodrive.store import initialise

    store = initialise(f"sqlite:///{folder / 'bench.sqlite'}")
    rnd = random.Random(12)
    regions = ["510000", *(p.code for p in places(level="prefecture")), *(p.code for p in places(level="county"))]
    cat = load_catalogue()
    changes = [Change("add", NewValue(region_code=r, indicator_code=i.code, period=str(y),
                                      value=round(rnd.lognormvariate(3, 1), 3), unit=i.unit,
                                      source="SYNTHETIC 基准测试构造数据"))
               for i in cat for r in regions for y in range(2015, 2025) if rnd.random() > 0.05]
    with store.write() as s:
        apply_changes(s, changes, origin="reported", actor="bench", batch_id=None)
    return store, len(changes), len(cat)


def run() -> list[tuple[str, str, str]]:
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.province.board import province_board, province_boards

    codes = load_catalogue().codes()
    with tempfile.TemporaryDirectory() as tmp:
        store, n_obs, n_ind = _store(Path(tmp))
        as_of = dt.date(2025, 12, 31)
        with store.read() as s:  # warm: connection, catalogue, regions
            province_boards(s, codes, 2024, level="county", as_of=as_of)
        all_times, one_times = [], []
        for _ in range(7):
            t = time.perf_counter()
            with store.read() as s:
                boards = province_boards(s, codes, 2024, level="county", as_of=as_of)
            all_times.append(time.perf_counter() - t)
        assert len(boards) == n_ind and all(b.regions == 183 for b in boards)
        for code in codes:
            t = time.perf_counter()
            with store.read() as s:
                province_board(s, code, 2024, level="county", as_of=as_of)
            one_times.append(time.perf_counter() - t)
        page_times = _page_times(Path(tmp) / "bench.sqlite", store, codes)
        store.close()
    return [
        ("store", f"{n_obs:,} SYNTHETIC observations ({n_ind} indicators × 205 regions × 10 years, 5% missing)", ""),
        (f"all {n_ind} indicators × 183 区县 at once (median / best of 7)",
         f"{statistics.median(all_times) * 1000:.0f} ms / {min(all_times) * 1000:.0f} ms", "— (overview of every indicator)"),
        (f"one indicator × 183 区县, each of the {n_ind} (median / 95th percentile / worst)",
         f"{statistics.median(one_times) * 1000:.1f} ms / {sorted(one_times)[int(0.95 * len(one_times))] * 1000:.1f} ms"
         f" / {max(one_times) * 1000:.1f} ms", "< 200 ms"),
        (f"workbench page /province?level=county, each of the {n_ind}, first request (median / 95th percentile / worst)",
         f"{statistics.median(page_times) * 1000:.0f} ms / {sorted(page_times)[int(0.95 * len(page_times))] * 1000:.0f} ms"
         f" / {max(page_times) * 1000:.0f} ms", "< 200 ms"),
    ]


def _page_times(path: Path, store, codes: list[str]) -> list[float]:
    from fastapi.testclient import TestClient

    from innodrive.services import accounts
    from innodrive.services.actor import Actor
    from innodrive.web.app import create_app

    accounts.add_user(store, Actor.local_operator("bench"), username="bench-office", password="bench-pass-2024",
                      role="创新办", region="乐山市")
    token = accounts.sign_in(store, username="bench-office", password="bench-pass-2024").token
    app = create_app(f"sqlite:///{path}")
    times = []
    with TestClient(app) as client:
        client.cookies.set("innodrive_session", token)
        assert client.get("/province", params={"level": "county", "year": 2023}).status_code == 200  # warm
        for code in codes:
            t = time.perf_counter()
            r = client.get("/province", params={"indicator": code, "year": 2024, "level": "county"})
            times.append(time.perf_counter() - t)
            assert r.status_code == 200 and r.text.count('<tr data-code="') == 183, code
    app.state.store.close()
    return times


if __name__ == "__main__":
    for r in run():
        print(" | ".join(r))
