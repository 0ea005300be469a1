"""Extraction: a :class:`~innodrive.documents.Document` → an :class:`ExtractedPlan`.

``extract_path(path)`` reads and extracts one file; ``extract(document)`` works on an
already-read document. See :mod:`innodrive.extraction.models` for the result.
"""

from innodrive.extraction.models import ExtractedPlan, OutlineNode, Programme, Target


def __getattr__(name: str):
    # the pipeline (documents, OpenCC, the scanners) loads on first use: code that only
    # needs the models — the status board — starts without it
    if name in ("extract", "extract_bytes", "extract_path"):
        from innodrive.extraction import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'innodrive.extraction' has no attribute {name!r}")


__all__ = ["ExtractedPlan", "OutlineNode", "Programme", "Target", "extract", "extract_bytes", "extract_path"]
