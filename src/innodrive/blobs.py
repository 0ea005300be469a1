"""Where files people hand in are kept: a content-addressed blob store.

Evidence of a progress report (a 认定文件, a photo of a signed agreement) must outlive
the laptop it came from and be readable by every machine of a shared deployment —
the CLI on the office PC, web workers on a server, all over one PostgreSQL database.
So the database never holds a local path: it holds the file's SHA-256, and a
:class:`BlobStore` turns that key back into bytes. The default store is a folder
(``INNODRIVE_BLOBS``, by default ``INNODRIVE_HOME/blobs``; point every machine at the
same shared folder); an S3-compatible store can implement the same four methods later.

Content addressing makes a stored file immutable: the key *is* the hash, so
:meth:`BlobStore.verify` can always tell whether the bytes are still the ones that
were handed in (``innodrive audit verify`` checks every piece of evidence this way).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from innodrive.errors import InputError, NotFound

_KEY = re.compile(r"[0-9a-f]{64}")


class Upload(BaseModel):
    """A file a person hands in: its name as they called it and its bytes (the web
    face builds it from a form upload, the CLI from a path read with ``read_input``)."""

    name: str
    data: bytes

    @property
    def safe_name(self) -> str:
        """The base name only (no folders, no control characters), for display and storage."""
        base = re.split(r"[\\/]", self.name or "")[-1]
        base = "".join(ch for ch in base if ch.isprintable()).strip()
        return base[:200] or "未命名文件"

    @classmethod
    def from_path(cls, path: str | Path, *, what: str = "文件") -> Upload:
        from innodrive.safeio import read_input

        return cls(name=Path(path).name, data=read_input(path, what=what))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore(Protocol):
    """Bytes by their SHA-256."""

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its key."""

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``; :class:`~innodrive.errors.NotFound` if missing."""

    def exists(self, key: str) -> bool: ...

    def verify(self, key: str) -> bool:
        """Whether the bytes under ``key`` exist and still hash to ``key``."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise InputError(f"无效的材料编号“{key}”（应为 64 位十六进制 SHA-256）", field="blob_key")
    return key


class FolderBlobStore:
    """Blobs as files ``<root>/<first two hex digits>/<sha256>``, written atomically."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FolderBlobStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        key = check_key(key)
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = sha256_hex(data)
        target = self._path(key)
        if target.exists() and self.verify(key):
            return key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise InputError(f"无法保存材料到存储目录：{exc.strerror or exc}", file=str(self.root)) from None
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"存储中没有材料 {key[:12]}…", field="blob_key") from None
        except OSError as exc:
            raise InputError(f"无法读取材料 {key[:12]}…：{exc.strerror or exc}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def verify(self, key: str) -> bool:
        p = self._path(key)
        if not p.is_file():
            return False
        digest = hashlib.sha256()
        with p.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest() == key


def default_blob_store() -> BlobStore:
    """The configured store: the folder ``INNODRIVE_BLOBS`` (default ``INNODRIVE_HOME/blobs``)."""
    from innodrive import settings

    folder = settings.get("blobs").strip()
    return FolderBlobStore(Path(folder).expanduser() if folder else settings.home() / "blobs")


__all__ = ["BlobStore", "Upload", "FolderBlobStore", "check_key", "default_blob_store", "sha256_hex"]
