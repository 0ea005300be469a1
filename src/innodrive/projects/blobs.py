"""Attachments stored by content: ``INNODRIVE_HOME/blobs/ab/abcdef…`` keyed by SHA-256.

An application's technical plan, a 验收 report, a patent certificate: the database keeps
the file's name, size and SHA-256; the bytes live once in a folder under the working
directory, named by their hash, so the same file attached twice is stored once and a
stored file can be checked against its hash at any time. The interface is small and
the same as the shared evidence store being added to innodrive (``put`` → key, ``get``,
``exists``, ``verify``; same folder layout), so that store can replace this one by
changing :func:`default_blobs` alone.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Protocol

from innodrive.errors import InputError, NotFound
from innodrive.safeio import atomic_write

_SHA = re.compile(r"^[0-9a-f]{64}$")


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data`` once; return its key (the SHA-256 in hex)."""

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def verify(self, key: str) -> bool:
        """Whether the bytes under ``key`` exist and still hash to ``key``."""


class FolderBlobs:
    """Blobs in a folder (default ``INNODRIVE_HOME/blobs``): ``<root>/<2 hex digits>/<sha256>``."""

    def __init__(self, root: Path | None = None) -> None:
        from innodrive import settings

        self.root = Path(root) if root is not None else settings.home() / "blobs"

    def _path(self, key: str) -> Path:
        if not isinstance(key, str) or not _SHA.match(key):
            raise NotFound(f"无效的文件标识“{key}”")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if not (path.exists() and self.verify(key)):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"无法创建附件目录 {path.parent}：{exc.strerror or exc}") from None
            atomic_write(path, data, what="附件")
        return key

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"附件 {key[:12]}… 不在附件目录 {self.root} 中") from None
        if hashlib.sha256(data).hexdigest() != key:
            raise InputError(f"附件 {key[:12]}… 的内容与其校验值不符（文件已被改动）")
        return data

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def verify(self, key: str) -> bool:
        try:
            return hashlib.sha256(self._path(key).read_bytes()).hexdigest() == key
        except OSError:
            return False


def default_blobs() -> BlobStore:
    return FolderBlobs()
