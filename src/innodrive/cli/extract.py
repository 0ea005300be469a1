"""``innodrive extract`` and ``innodrive evaluate`` (filled in with the extractor)."""

from __future__ import annotations

from innodrive.cli.app import app  # noqa: F401
