"""Encryption at rest: Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

Two key rings, both lists of Fernet keys with the current key first:

- ``FIELD_ENCRYPTION_KEYS`` (UNKNOT_FIELD_KEYS) for the encrypted model fields
  (``unknot.common.fields``): clinical free text and assessment answers;
- ``BACKUP_ENCRYPTION_KEYS`` (UNKNOT_BACKUP_KEYS, the field keys when unset) for backup files.

Every key of a ring decrypts and only the first encrypts, so a new key is rolled out without
downtime and old rows are re-encrypted afterwards by ``unknot rotate_keys`` (docs/encryption.md).
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "gAAAAA"
"""Every Fernet token starts with these characters (version byte 0x80, then the timestamp)."""


class DecryptionError(Exception):
    """Stored ciphertext that none of the configured keys opens: a key is missing or wrong."""


@lru_cache(maxsize=8)
def _ring(keys: tuple[str, ...], name: str) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            f"{name} is empty: set UNKNOT_FIELD_KEYS (see docs/encryption.md) before reading or "
            "writing encrypted data."
        )
    return MultiFernet([Fernet(key) for key in keys])


def field_ring() -> MultiFernet:
    return _ring(tuple(settings.FIELD_ENCRYPTION_KEYS), "FIELD_ENCRYPTION_KEYS")


def backup_ring() -> MultiFernet:
    return _ring(tuple(settings.BACKUP_ENCRYPTION_KEYS), "BACKUP_ENCRYPTION_KEYS")


def current_field_key() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEYS[0])


def encrypt_text(text: str) -> str:
    return field_ring().encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return field_ring().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError(
            "An encrypted field could not be decrypted with any key in UNKNOT_FIELD_KEYS: the "
            "key that wrote it is missing (keep retired keys until 'unknot rotate_keys' ran)."
        ) from error


def opens(token: str) -> bool:
    """Whether ``token`` is ciphertext that the field keys open."""
    try:
        field_ring().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def is_current(token: str) -> bool:
    """Whether ``token`` was written with the current (first) field key."""
    try:
        current_field_key().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate_text(token: str) -> str:
    """The same plaintext, encrypted again with the current key (``MultiFernet.rotate``)."""
    try:
        return field_ring().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("A row's ciphertext opens with none of the field keys.") from error


def encrypt_bytes(data: bytes) -> bytes:
    return backup_ring().encrypt(data)


def decrypt_bytes(data: bytes) -> bytes:
    try:
        return backup_ring().decrypt(data)
    except InvalidToken as error:
        raise DecryptionError(
            "The file could not be decrypted with any key in UNKNOT_BACKUP_KEYS (or "
            "UNKNOT_FIELD_KEYS): it is not an Unknot backup, it is damaged, or its key is gone."
        ) from error
