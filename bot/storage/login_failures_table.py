"""The table of wrong adviser passwords, one row per (kind, hashed key).

``bot.adviser.throttle`` decides what counts and how long to wait; here the
rows are only read, counted up, cleared and forgotten. The rows live in the
results database, so every web app process sees the same counts and a
restart forgets nothing. A key names a username and a client address, so
only ``HMAC-SHA256(k, key)`` is stored, with ``k`` derived from the store's
key for channel message ids (itself derived from the pseudonym key).
Moments are seconds on the caller's clock (``last``), for waits of seconds.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa

from bot.storage.errors import StoreError
from bot.storage.results_store import ResultsStore
from bot.storage.tables import login_failures, upsert

#: What the derived key is for; changing it makes every stored count unknown.
PURPOSE = b"klantcontact-check/login-failure/v1"
#: The daily purge deletes rows without a failure for this long, whatever the throttle says.
KEPT_AT_MOST = timedelta(days=1)

#: (kind, key in clear, forget after seconds): a key to count and when its count ends.
Counted = tuple[str, str, float]


def digest(store: ResultsStore, key: str) -> str:
    """What the table keeps of a key (64 hex characters)."""
    base = store._message_id_key  # the store's own derived key; same package
    if base is None:
        raise StoreError("no key for login failures: pass message_id_key to the store")
    derived = hmac.new(base, PURPOSE, hashlib.sha256).digest()
    return hmac.new(derived, key.encode("utf-8"), hashlib.sha256).hexdigest()


def failures(
    store: ResultsStore, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, float]]:
    """Per ``(kind, key)`` with failures: (how many, moment of the last one)."""
    found = {}
    with store.reading("login_failures") as db:
        for kind, key in keys:
            row = db.execute(
                sa.select(login_failures.c.failures, login_failures.c.last).where(
                    login_failures.c.kind == kind, login_failures.c.key == digest(store, key)
                )
            ).first()
            if row is not None:
                found[(kind, key)] = (int(row[0]), float(row[1]))
    return found


def add_failure(store: ResultsStore, counted: Iterable[Counted], now: float) -> None:
    """One wrong password, counted once for every key, in one transaction.

    Rows of a kind without a failure for its ``forget after`` are deleted
    first, so an old count starts again at one and the table stays small.
    """
    with store.writing("add_login_failure") as db:
        for kind, key, forget_after in counted:
            db.execute(
                sa.delete(login_failures).where(
                    login_failures.c.kind == kind, login_failures.c.last < now - forget_after
                )
            )
            _count_one(db, kind, digest(store, key), now)


def clear(store: ResultsStore, keys: Iterable[tuple[str, str]]) -> None:
    """Forget the failures of these keys (a right password)."""
    with store.writing("clear_login_failures") as db:
        for kind, key in keys:
            db.execute(
                sa.delete(login_failures).where(
                    login_failures.c.kind == kind, login_failures.c.key == digest(store, key)
                )
            )


def forget_before(store: ResultsStore, moment: float) -> int:
    """Delete rows whose last failure is before ``moment`` (retention); returns how many."""
    with store.writing("forget_login_failures") as db:
        return int(
            db.execute(sa.delete(login_failures).where(login_failures.c.last < moment)).rowcount
        )


def _count_one(db: sa.engine.Connection, kind: str, hashed_key: str, now: float) -> None:
    """Add one failure in one statement, so two replicas counting at once lose none."""
    upsert(
        db,
        login_failures,
        [{"kind": kind, "key": hashed_key, "failures": 1, "last": now}],
        ("kind", "key"),
        increment=("failures",),
    )
