"""Evidence files handed in with a 申诉 or a 加分/扣分 item, kept by their SHA-256.

The database holds only the file's name, hash and size; the bytes go to the blob
folder ``INNODRIVE_HOME/blobs/<first two hex digits>/<sha256>`` — the content-addressed
layout of the living plan's evidence — written atomically, so a stored file can never
change behind the appeal that cites it, and every machine of a shared deployment that
points at the same folder reads the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from innodrive.errors import InputError, NotFound
from innodrive.kaohe.model import EvidenceRef

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
_KEY = re.compile(r"[0-9a-f]{64}")


def _root() -> Path:
    from innodrive import settings

    return settings.home() / "blobs"


def _name(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:200] or "未命名文件"


def keep(name: str, data: bytes) -> EvidenceRef:
    """Store the bytes (once) and return the reference kept in the database."""
    from innodrive.safeio import atomic_write

    if not data:
        raise InputError("证明材料是空文件", file=_name(name))
    if len(data) > MAX_EVIDENCE_BYTES:
        raise InputError(f"证明材料超过 {MAX_EVIDENCE_BYTES // 1048576} MB", file=_name(name))
    sha = hashlib.sha256(data).hexdigest()
    target = _root() / sha[:2] / sha
    if not (target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == sha):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"无法保存证明材料：{exc.strerror or exc}", file=str(target.parent)) from None
        atomic_write(target, data, what="证明材料")
    return EvidenceRef(file_name=_name(name), sha256=sha, size=len(data))


def fetch(ref: EvidenceRef) -> bytes:
    """The bytes of a kept file, checked against its hash."""
    if not _KEY.fullmatch(ref.sha256):
        raise InputError("无效的材料编号", field="sha256")
    path = _root() / ref.sha256[:2] / ref.sha256
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"存储中没有证明材料“{ref.file_name}”", field="sha256") from None
    if hashlib.sha256(data).hexdigest() != ref.sha256:
        raise InputError(f"证明材料“{ref.file_name}”与提交时的 SHA-256 不符（已被改动）", field="sha256")
    return data


__all__ = ["MAX_EVIDENCE_BYTES", "fetch", "keep"]
