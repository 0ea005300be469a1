"""Extraction: a :class:`~innodrive.documents.Document` → an :class:`ExtractedPlan`.

``extract_path(path)`` reads and extracts one file; ``extract(document)`` works on an
already-read document. See :mod:`innodrive.extraction.models` for the result.

Names are resolved lazily (PEP 562): importing a submodule such as
``innodrive.extraction.pipeline`` must not pull in pydantic, which costs more start-up
time than extracting a whole document.
"""

from __future__ import annotations

_LAZY = {
    "ExtractedPlan": "innodrive.extraction.models",
    "OutlineNode": "innodrive.extraction.models",
    "Programme": "innodrive.extraction.models",
    "Target": "innodrive.extraction.models",
    "extract": "innodrive.extraction.pipeline",
    "extract_bytes": "innodrive.extraction.pipeline",
    "extract_path": "innodrive.extraction.pipeline",
    "run": "innodrive.extraction.pipeline",
    "run_path": "innodrive.extraction.pipeline",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'innodrive.extraction' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
