"""Passwords and tokens (pure): the policy, Argon2 hashing, random tokens.

Passwords are hashed with Argon2id at OWASP's recommended baseline (19 MiB of memory,
2 passes, 1 lane: about a tenth of a second on one core), slow on purpose so that a
stolen database does not give the passwords away, yet cheap enough that a server on
two cores can sign people in while serving pages. Session and
API tokens are 32 random bytes; only their SHA-256 is stored, so a copy of the
database cannot be used to sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from innodrive.errors import InputError

MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "idv_"


@cache
def _hasher():
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))


def check_password_policy(password: str, *, username: str = "") -> None:
    """Refuse weak passwords with a Chinese reason (length, letters and digits, not the user name)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符", field="password")
    if len(password) > 256:
        raise InputError("密码过长（最多 256 个字符）", field="password")
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        raise InputError("密码须同时包含字母和数字", field="password")
    if username and username.lower() in password.lower():
        raise InputError("密码不能包含用户名", field="password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # a malformed stored hash never signs anyone in
        return False


def dummy_verify() -> None:
    """Spend the time of one verification, so that an unknown user name takes as long
    to refuse as a wrong password (no user-name probing by timing)."""
    verify_password("x", _dummy_hash())


@cache
def _dummy_hash() -> str:
    return hash_password("not-a-password-0")


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two tokens."""
    return secrets.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
