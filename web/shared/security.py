"""Passwords (argon2), session tokens and CSRF tokens.

Session cookies carry a random token; the database keeps only its SHA-256, so a copy of
the table opens no session. CSRF tokens are an HMAC of the session token (or, before
login, of a random nonce cookie) under the secret key: a page can embed them, another
site cannot compute them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher()
#: Verified when the username is unknown, so both answers take the same time.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    if not password.strip():
        return "a password cannot be blank"
    return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(secret: str, binding: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), b"csrf:" + binding.encode("utf-8"), "sha256")
    return digest.hexdigest()


def csrf_valid(secret: str, binding: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(secret, binding), str(given))
