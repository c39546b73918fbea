"""Optional sign-in passwords, stored as salted scrypt hashes (``hashlib.scrypt``).

The stored form names its own parameters so they can be raised later without
locking anyone out: ``scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from klachtenbureau.i18n import _

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_LENGTH = 8
# Refuse parameters that would make one sign-in eat the PC (a tampered or corrupt hash).
_MAX_MEMORY = 256 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _memory(n: int, r: int) -> int:
    return 128 * n * r


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=2 * _memory(n, r) + 1024 * 1024)


def hash_password(password: str) -> str:
    """A new salted hash of ``password`` in the stored form."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, N, R, P, HASH_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; False (never an exception) for a malformed hash."""
    try:
        scheme, n_text, r_text, p_text, salt_text, digest_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(digest_text, validate=True)
    except (ValueError, AttributeError):
        return False
    if scheme != SCHEME or n < 2 or n & (n - 1) or r < 1 or not (0 < p <= 16):
        return False
    if _memory(n, r) > _MAX_MEMORY or not expected:
        return False
    actual = _scrypt(password, salt, n, r, p, len(expected))
    return hmac.compare_digest(actual, expected)


def password_problem(password: str) -> str | None:
    """Dutch message when a new password is too weak to set; None when it will do."""
    if len(password) < MIN_LENGTH:
        return _("Een wachtwoord heeft minstens {n} tekens.").format(n=MIN_LENGTH)
    if password.strip() != password:
        return _("Een wachtwoord begint of eindigt niet met een spatie.")
    return None
