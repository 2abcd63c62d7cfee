"""Deleted rows must not linger in the bytes of a SQLite file.

A DELETE only marks space as free: without ``secure_delete`` the old row
stays readable in the database file, and in WAL mode every earlier version of
a page also stays in the ``-wal`` file until it is checkpointed and the file
is cut back. So every connection that writes our databases turns
``secure_delete`` on (deleted content is overwritten with zeros), and after
an erasure or the retention purge the WAL is checkpointed and truncated.
VACUUM rewrites the whole file; it also removes leftovers from before
``secure_delete`` was on (databases made by older versions).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

logger = logging.getLogger(__name__)


def secure_delete(connection: Any) -> None:
    """Overwrite deleted content with zeros on this connection (a DB-API connection)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def truncate_wal(connection: sqlite3.Connection) -> bool:
    """Copy the WAL into the database and cut it to zero bytes; False when readers blocked it."""
    row = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    busy = bool(row and row[0])
    if busy:
        logger.warning("the WAL could not be truncated now (a reader was busy); retried later")
    return not busy


def scrub(connection: sqlite3.Connection, vacuum: bool = True) -> bool:
    """After deleting personal data: VACUUM (if asked) and an emptied WAL.

    Must run outside a transaction. Failures are logged, not raised: the rows
    are deleted already (and zeroed by ``secure_delete``); the next erasure or
    the daily purge tries again. Returns True when everything ran.
    """
    try:
        if connection.in_transaction:
            logger.warning("scrub skipped: a transaction is still open")
            return False
        secure_delete(connection)
        if vacuum:
            connection.execute("VACUUM")
        return truncate_wal(connection)
    except sqlite3.Error as exc:
        logger.warning("could not compact the database after a delete: %s", exc)
        return False
