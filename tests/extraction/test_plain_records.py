"""``records.plain`` (the dict a plan's pydantic model is validated from) equals
``dataclasses.asdict`` of the record — values and types (tuples stay tuples) — on every real
document of the development set and the bundled examples, and on constructed records with
every shape a record holds (nested records, lists, tuples, dicts, None)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from innodrive.documents import read_document
from innodrive.extraction.models import ExtractedPlan
from innodrive.extraction.pipeline import run
from innodrive.extraction.records import plain

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted((ROOT / "tests" / "data" / "real").glob("*.txt")) + sorted((ROOT / "examples" / "documents").glob("*"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_plain_is_asdict_on_real_documents(path):
    record = run(read_document(path.read_bytes(), path.name))
    got, want = plain(record), asdict(record)
    assert got == want and repr(got) == repr(want)
    assert ExtractedPlan.from_record(record).targets == ExtractedPlan.model_validate(
        {k: v for k, v in want.items() if k != "decisions"}).targets


@dataclass
class _Leaf:
    span: tuple[int, int]
    note: str | None = None


@dataclass
class _Tree:
    leaves: list[_Leaf]
    by_name: dict[str, _Leaf]
    pairs: list[tuple[tuple[int, int], str]] = field(default_factory=list)
    nothing: None = None


def test_plain_is_asdict_on_every_shape():
    tree = _Tree([_Leaf((1, 2)), _Leaf((3, 4), "注")], {"甲": _Leaf((5, 6))}, [((7, 8), "x")])
    assert plain(tree) == asdict(tree) and repr(plain(tree)) == repr(asdict(tree))
    assert plain(tree)["leaves"] is not tree.leaves  # containers are new, as asdict's
