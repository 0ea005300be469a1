"""Extraction: a :class:`~innodrive.documents.Document` → an :class:`ExtractedPlan`.

``extract_path(path)`` reads and extracts one file; ``extract(document)`` works on an
already-read document. See :mod:`innodrive.extraction.models` for the result.
"""

from innodrive.extraction.models import ExtractedPlan, OutlineNode, Programme, Target
from innodrive.extraction.pipeline import extract, extract_bytes, extract_path

__all__ = ["ExtractedPlan", "OutlineNode", "Programme", "Target", "extract", "extract_bytes", "extract_path"]
