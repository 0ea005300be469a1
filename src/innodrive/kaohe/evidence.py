"""Evidence files handed in with a 申诉 or a 加分/扣分 item, kept in the blob store by SHA-256.

The database holds only the file's name, hash and size; the bytes go to the living
plan's content-addressed blob store (:mod:`innodrive.blobs`, ``INNODRIVE_BLOBS``), so a
stored file can never change behind the appeal that cites it and every machine of a
shared deployment reads the same bytes.
"""

from __future__ import annotations

from innodrive.blobs import Upload, default_blob_store, sha256_hex
from innodrive.errors import InputError
from innodrive.kaohe.model import EvidenceRef

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def keep(upload: Upload) -> EvidenceRef:
    """Store the bytes (once) and return the reference kept in the database."""
    if not upload.data:
        raise InputError("证明材料是空文件", file=upload.safe_name)
    if len(upload.data) > MAX_EVIDENCE_BYTES:
        raise InputError(f"证明材料超过 {MAX_EVIDENCE_BYTES // 1048576} MB", file=upload.safe_name)
    key = default_blob_store().put(upload.data)
    return EvidenceRef(file_name=upload.safe_name, sha256=key, size=len(upload.data))


def fetch(ref: EvidenceRef) -> bytes:
    """The bytes of a kept file, checked against its hash."""
    data = default_blob_store().get(ref.sha256)
    if sha256_hex(data) != ref.sha256:
        raise InputError(f"证明材料“{ref.file_name}”与提交时的 SHA-256 不符（已被改动）", field="sha256")
    return data


__all__ = ["MAX_EVIDENCE_BYTES", "fetch", "keep"]
