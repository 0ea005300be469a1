"""Personal data at rest: AES-GCM encryption and keyed hashes with a key from settings.

The 个人信息保护法 (art. 51) asks a handler of personal information to take
"加密、去标识化等安全技术措施". A copied database file, a backup left on a share or a
PostgreSQL dump must therefore not reveal who the city's talent are. Names, ID
numbers, birth dates and contact details are stored encrypted with AES-256-GCM; the
key comes from the setting ``INNODRIVE_TALENT_KEY`` (32 random bytes, Base64) and is
never written to the database, so the database alone is useless to a thief.

One master key yields three sub-keys (HKDF-SHA256 with distinct labels): the
encryption key, the key of the keyed hashes, and a short *key id* stored with every
ciphertext so that a wrong or rotated key is recognised and named instead of failing
with an opaque authentication error. Each ciphertext is bound to its field (the
field name is the AES-GCM associated data), so an encrypted phone number cannot be
swapped into the ID-number column unnoticed.

Duplicates and look-ups ("is this ID number already registered?") must work without
decrypting every row. A keyed hash (HMAC-SHA256) of the normalised value is stored
beside the ciphertext: equal values give equal hashes, but without the key the hash
cannot be reversed by trying all 10^17 plausible ID numbers, which a plain SHA-256
could be.

Rotation: set the new key in ``INNODRIVE_TALENT_KEY``, the old one in
``INNODRIVE_TALENT_OLD_KEYS``; reading works with both, and ``innodrive talent rekey``
re-encrypts every row and recomputes every hash with the new key in one transaction.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache

from innodrive.errors import InnodriveError

FORMAT = "v1"
_NONCE = 12


class KeyProblem(InnodriveError):
    """The encryption key is missing, malformed or not the one the data was written with.

    Not the user's input and not a missing object: the server is not configured, so the
    web face answers 503 like an unreachable database."""


@dataclass(frozen=True)
class Keyring:
    """The sub-keys derived from one master key."""

    kid: str
    enc: bytes
    mac: bytes


def generate_key() -> str:
    """A new master key as Base64 text (for ``INNODRIVE_TALENT_KEY``)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _derive(master: bytes, label: bytes, length: int = 32) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"innodrive-talent", info=label).derive(master)


def _parse(text: str, *, setting: str) -> bytes:
    raw = text.strip()
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_" if ("-" in raw or "_" in raw) else None,
                               validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem(f"{setting} 不是有效的 Base64 文本：应为32字节随机数的 Base64 编码（44个字符）") from None
    if len(key) != 32:
        raise KeyProblem(f"{setting} 解码后为 {len(key)} 字节，应为32字节（AES-256 密钥）")
    return key


@lru_cache(maxsize=16)
def _keyring_from(text: str, setting: str) -> Keyring:
    master = _parse(text, setting=setting)
    return Keyring(kid=_derive(master, b"key-id", 4).hex(), enc=_derive(master, b"aes-256-gcm"),
                   mac=_derive(master, b"hmac-sha256"))


def keyring() -> Keyring:
    """The current key, or :class:`KeyProblem` with a message an administrator can act on."""
    from innodrive import settings

    text = settings.get("talent_key").strip()
    if not text:
        raise KeyProblem("未配置人才个人信息加密密钥（环境变量 INNODRIVE_TALENT_KEY）：人才库中的姓名、证件号码和联系方式"
                         "只以密文保存，没有密钥无法读写。请系统管理员生成密钥，并在服务器环境中设置该变量。")
    return _keyring_from(text, "INNODRIVE_TALENT_KEY")


def old_keyrings() -> dict[str, Keyring]:
    """Keys still accepted for reading during a rotation, by key id."""
    from innodrive import settings

    out = {}
    for part in settings.get("talent_old_keys").split(","):
        if part.strip():
            ring = _keyring_from(part.strip(), "INNODRIVE_TALENT_OLD_KEYS")
            out[ring.kid] = ring
    return out


def _aad(field: str) -> bytes:
    return f"innodrive.talent.{field}".encode()


def encrypt(value: str | None, field: str, *, ring: Keyring | None = None) -> str | None:
    """``v1.<key id>.<base64(nonce + ciphertext + tag)>``, or ``None`` for ``None``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if value is None:
        return None
    ring = ring or keyring()
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(ring.enc).encrypt(nonce, value.encode("utf-8"), _aad(field))
    return f"{FORMAT}.{ring.kid}.{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(token: str) -> str:
    parts = token.split(".", 2)
    return parts[1] if len(parts) == 3 else ""


def decrypt(token: str | None, field: str) -> str | None:
    """The plain text of a value written by :func:`encrypt` (current or an old key)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if token is None:
        return None
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != FORMAT:
        raise KeyProblem(f"人才库字段“{field}”的密文格式无法识别（数据可能被直接改写过）")
    ring = keyring()
    if parts[1] != ring.kid:
        ring = old_keyrings().get(parts[1])
        if ring is None:
            raise KeyProblem(f"人才库中的个人信息由另一把密钥加密（密钥指纹 {parts[1]}），当前配置的密钥指纹为 "
                             f"{keyring().kid}：请确认 INNODRIVE_TALENT_KEY 是写入这些数据时使用的密钥"
                             f"（更换密钥期间请把旧密钥放在 INNODRIVE_TALENT_OLD_KEYS 中）")
    blob = base64.b64decode(parts[2])
    try:
        return AESGCM(ring.enc).decrypt(blob[:_NONCE], blob[_NONCE:], _aad(field)).decode("utf-8")
    except InvalidTag:
        raise KeyProblem(f"人才库字段“{field}”的密文无法通过完整性校验（数据被改动或密钥不符）") from None


def digest(value: str, purpose: str, *, ring: Keyring | None = None) -> str:
    """The keyed hash (HMAC-SHA256, hex) of ``value`` for ``purpose`` (``id``, ``name`` …)."""
    ring = ring or keyring()
    return hmac.new(ring.mac, f"{purpose}\x1f{value}".encode(), hashlib.sha256).hexdigest()


__all__ = ["KeyProblem", "Keyring", "decrypt", "digest", "encrypt", "generate_key", "key_id_of", "keyring",
           "old_keyrings"]
