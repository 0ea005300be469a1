"""The workbench's memo of expensive views: :mod:`innodrive.store.derived` (the board's
services use it too, so it lives below the web layer)."""

from innodrive.store.derived import MISSING, clear, memo, peek, version

__all__ = ["MISSING", "clear", "memo", "peek", "version"]
