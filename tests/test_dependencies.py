"""No GPL-family licence anywhere in what innodrive installs; no network at run time."""

from __future__ import annotations

import re
import socket
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _closure(name: str, seen: set[str]) -> None:
    key = name.lower().replace("_", "-")
    if key in seen:
        return
    seen.add(key)
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return
    for req in dist.requires or []:
        if "extra ==" in req:
            continue
        _closure(re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0], seen)


def test_no_gpl_family_licence_in_the_runtime_dependencies():
    seen: set[str] = set()
    _closure("innodrive", seen)
    assert {"pydantic", "opencc", "sqlalchemy", "pg8000"} <= seen
    offenders = []
    for name in sorted(seen - {"innodrive"}):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        fields = [dist.metadata.get("License-Expression") or "", (dist.metadata.get("License") or "").split("\n")[0]]
        fields += [c for c in dist.metadata.get_all("Classifier") or [] if c.startswith("License")]
        if any(re.search(r"\b(A|L)?GPL\b|General Public License", f) for f in fields):
            offenders.append((name, fields))
    assert offenders == []
    assert "jionlp" not in seen and "jiojio" not in seen


def test_extraction_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from innodrive.extraction import extract_path

    for path in sorted((ROOT / "examples" / "documents").glob("*.txt")):
        assert extract_path(path).targets


@pytest.mark.parametrize("module", ["innodrive.extraction", "innodrive.documents"])
def test_no_model_files_are_fetched(module):
    """The extractor is rules over bundled data: it ships no model and opens no URL."""
    import importlib

    src = Path(importlib.import_module(module).__file__).parent
    text = "\n".join(p.read_text(encoding="utf-8") for p in src.glob("*.py"))
    assert not re.search(r"urlopen|urllib\.request|http\.client|requests\.|httpx|huggingface|from_pretrained|socket",
                         text)
