"""``plan add`` of many files extracts them on worker processes and stores them in input
order: the stored plans and each file's outcome are those of one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from innodrive.blobs import Upload
from innodrive.extraction import batch
from innodrive.plans import storage
from innodrive.services import plans
from innodrive.services.actor import Actor
from innodrive.store import open_store
from innodrive.store.testing import initialised_database

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "documents").glob("*.txt"))
OFFICE = Actor.local_operator("张三")


def _uploads() -> list[Upload]:
    files = [Upload(name=p.name, data=p.read_bytes()) for p in EXAMPLES]
    files.insert(2, Upload(name="伪装.pdf", data=EXAMPLES[0].read_bytes()))  # refused: not a PDF
    files.append(Upload(name="空.txt", data=b""))
    return files


def _added(store, jobs: int, calls: list) -> tuple[list[dict], list]:
    result = plans.add_documents(store, OFFICE, _uploads(), jobs=jobs,
                                 progress=lambda name, done, total: calls.append((name, done, total)))
    targets = [t.model_dump(exclude={"id", "version_id"}) for t in storage.stored_targets(store)]
    return [f.model_dump() for f in result.files], targets


@pytest.mark.forks
def test_plans_added_on_workers_are_those_added_in_one_process(store, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "MIN_POOL_BYTES", 0)
    pools: list[int] = []

    class CountedPool(batch._ForkPool):
        def __init__(self, workers, work):
            pools.append(workers)
            super().__init__(workers, work)

    monkeypatch.setattr(batch, "_ForkPool", CountedPool)
    pooled_calls: list = []
    pooled = _added(store, 2, pooled_calls)
    assert pools == [2]  # the batch did run on two workers
    with initialised_database("sqlite", tmp_path) as url:
        one = open_store(url)
        try:
            single_calls: list = []
            single = _added(one, 1, single_calls)
        finally:
            one.close()
    assert pooled == single
    outcomes = [f["outcome"] for f in pooled[0]]
    assert outcomes.count("failed") == 2 and set(outcomes) - {"failed"} <= {"new_plan", "new_version"}
    assert outcomes[2] == "failed" and "扩展名为 .pdf" in pooled[0][2]["error"]
    assert pooled_calls == single_calls and pooled_calls[-1] == ("", len(EXAMPLES) + 2, len(EXAMPLES) + 2)
