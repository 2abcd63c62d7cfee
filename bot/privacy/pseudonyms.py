"""Pseudonyms for people: a keyed hash of the channel's sender id.

The results store never sees a phone number or a socket id, only
HMAC-SHA256(key, sender id). The key lives apart from the data (an
environment variable, or a file created once with mode 0600 outside git), so
the database alone cannot be linked back to a person.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.storage.private_files import FILE_MODE, private_dir, tighten_file

KEY_BYTES = 32


class IdentityKeyError(RuntimeError):
    """The pseudonym key is missing, unreadable or too short."""


def load_or_create_key(key: str | None, key_file: Path) -> bytes:
    """The secret key: from configuration, else from ``key_file`` (created once)."""
    if key:
        if len(key) < 32:
            raise IdentityKeyError("KC_IDENTITY_KEY must be at least 32 characters")
        return key.encode("utf-8")
    try:
        text = key_file.read_text(encoding="ascii").strip()
        tighten_file(key_file)  # a key file from an older version may be readable by others
    except FileNotFoundError:
        private_dir(key_file.parent)
        text = secrets.token_hex(KEY_BYTES)
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:  # another process created it just now
            text = key_file.read_text(encoding="ascii").strip()
        else:
            os.fchmod(fd, FILE_MODE)  # whatever the umask
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(text + "\n")
    if len(text) < 32:
        raise IdentityKeyError(f"the key in {key_file} is too short")
    return text.encode("ascii")


def pseudonym(sender_id: str, key: bytes) -> str:
    """A stable, non-reversible id for a sender (64 hex characters)."""
    return hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
