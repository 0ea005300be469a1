"""Attachments stored by content: ``INNODRIVE_HOME/blobs/ab/abcdef…`` keyed by SHA-256.

An application's technical plan, a 验收 report, a patent certificate: the database keeps
the file's name, size and SHA-256; the bytes live once in a folder under the working
directory, named by their hash, so the same file attached twice is stored once and a
stored file can be checked against its hash at any time. The interface is deliberately
small (:class:`BlobStore`: ``put``, ``read``, ``exists``) so that a shared store can
replace this folder without touching the callers.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from innodrive.errors import InputError, NotFound
from innodrive.safeio import atomic_write

_SHA = re.compile(r"^[0-9a-f]{64}$")


class BlobRef(BaseModel):
    sha256: str
    size: int


class BlobStore(Protocol):
    def put(self, data: bytes) -> BlobRef: ...

    def read(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...


class FolderBlobs:
    """Blobs in a folder (default ``INNODRIVE_HOME/blobs``)."""

    def __init__(self, root: Path | None = None) -> None:
        from innodrive import settings

        self.root = Path(root) if root is not None else settings.home() / "blobs"

    def _path(self, sha256: str) -> Path:
        if not _SHA.match(sha256):
            raise NotFound(f"无效的文件标识“{sha256}”")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> BlobRef:
        sha = hashlib.sha256(data).hexdigest()
        path = self._path(sha)
        if not path.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"无法创建附件目录 {path.parent}：{exc.strerror or exc}") from None
            atomic_write(path, data, what="附件")
        return BlobRef(sha256=sha, size=len(data))

    def read(self, sha256: str) -> bytes:
        path = self._path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"附件 {sha256[:12]}… 不在附件目录 {self.root} 中") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise InputError(f"附件 {sha256[:12]}… 的内容与其校验值不符（文件已被改动）")
        return data

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()


def default_blobs() -> BlobStore:
    return FolderBlobs()
