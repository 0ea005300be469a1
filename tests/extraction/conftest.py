from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "documents"
GOLD = ROOT / "tests" / "data" / "gold"


@pytest.fixture(scope="session")
def heldout_files(tmp_path_factory):
    import importlib.util

    spec = importlib.util.spec_from_file_location("heldout_build", ROOT / "tests" / "data" / "heldout" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build(tmp_path_factory.mktemp("heldout"))


def plan_of(text: str, name: str = "doc.txt"):
    from innodrive.extraction import extract_bytes

    return extract_bytes(text.encode("utf-8"), name)
