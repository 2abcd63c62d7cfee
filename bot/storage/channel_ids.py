"""Channel message ids (WhatsApp's ``wamid.…``) are stored as keyed hashes only.

The results store remembers each incoming message id for a while, so that a
redelivered message is not handled twice. A WhatsApp id encodes the phone
number, so the store keeps ``HMAC-SHA256(k, id)`` instead, with ``k`` derived
from the pseudonym key (``bot.privacy.pseudonyms``): equal ids still give equal hashes,
so the dedupe works the same, but the database alone says nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

import sqlite_utils

#: What the derived key is for; changing it makes every stored hash unknown.
PURPOSE = b"klantcontact-check/channel-message-id/v1"
_DIGEST = re.compile(r"[0-9a-f]{64}")


def message_id_key(identity_key: bytes) -> bytes:
    """A key of its own for message ids, derived from the pseudonym key."""
    return hmac.new(identity_key, PURPOSE, hashlib.sha256).digest()


def message_id_digest(message_id: str, key: bytes) -> str:
    """What the store keeps of a message id (64 hex characters)."""
    return hmac.new(key, message_id.encode("utf-8"), hashlib.sha256).hexdigest()


def is_digest(value: str) -> bool:
    return bool(_DIGEST.fullmatch(value))


def hash_stored_ids(db: sqlite_utils.Database, digest: Callable[[str], str]) -> int:
    """Replace message ids stored in clear (older versions) by their hash; returns how many.

    Runs in one transaction. A clear id whose hash is already stored is
    simply deleted. The caller scrubs the file afterwards, so the clear ids
    do not stay in free pages or the WAL.
    """
    if "channel_messages" not in db.table_names():
        return 0
    rows = db.execute(
        "SELECT id FROM channel_messages WHERE length(id) != 64 OR id GLOB '*[^0-9a-f]*'"
    ).fetchall()
    if not rows:
        return 0
    with db.conn:
        for (clear,) in rows:
            hashed = digest(clear)
            if db["channel_messages"].count_where("id = ?", [hashed]):
                db.execute("DELETE FROM channel_messages WHERE id = ?", [clear])
            else:
                db.execute("UPDATE channel_messages SET id = ? WHERE id = ?", [hashed, clear])
    return len(rows)
