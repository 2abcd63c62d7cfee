"""The tables of adviser accounts and their login sessions.

Only rows go in and out here; usernames are normalised, passwords hashed
and tokens hashed by ``bot.adviser.accounts`` before they arrive. Sessions
hang off their account (``ON DELETE CASCADE``), so removing an account ends
its sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from bot.storage.results_store import ResultsStore
from bot.storage.tables import adviser_sessions, advisers, insert_unless_present


@dataclass(frozen=True)
class SessionRow:
    username: str
    csrf_token: str
    expires_at: str


def add_adviser(store: ResultsStore, username: str, password_hash: str, created_at: str) -> bool:
    """Create an account; False when the name is taken (nothing is changed then)."""
    row = {"username": username, "password_hash": password_hash, "created_at": created_at}
    with store.writing("add_adviser") as db:
        return insert_unless_present(db, advisers, row, ("username",))


def replace_password_hash(store: ResultsStore, username: str, password_hash: str) -> bool:
    """Store a new hash and end the account's sessions; False for an unknown name."""
    with store.writing("replace_password_hash") as db:
        changed = db.execute(
            sa.update(advisers)
            .where(advisers.c.username == username)
            .values(password_hash=password_hash)
        ).rowcount
        if not changed:
            return False
        db.execute(sa.delete(adviser_sessions).where(adviser_sessions.c.username == username))
    return True


def remove_adviser(store: ResultsStore, username: str) -> bool:
    """Delete an account and, by cascade, its sessions; False when there was none."""
    with store.writing("remove_adviser") as db:
        return bool(db.execute(sa.delete(advisers).where(advisers.c.username == username)).rowcount)


def adviser_names(store: ResultsStore) -> list[str]:
    with store.reading("adviser_names") as db:
        return list(
            db.execute(sa.select(advisers.c.username).order_by(advisers.c.username)).scalars()
        )


def password_hash_of(store: ResultsStore, username: str) -> str | None:
    with store.reading("password_hash_of") as db:
        return db.execute(
            sa.select(advisers.c.password_hash).where(advisers.c.username == username)
        ).scalar()


def add_session(
    store: ResultsStore,
    token_hash: str,
    username: str,
    csrf_token: str,
    created_at: str,
    expires_at: str,
) -> None:
    """Store a new session; sessions that ended by ``created_at`` are deleted on the way."""
    with store.writing("add_session") as db:
        db.execute(sa.delete(adviser_sessions).where(adviser_sessions.c.expires_at <= created_at))
        db.execute(
            sa.insert(adviser_sessions).values(
                token_hash=token_hash,
                username=username,
                csrf_token=csrf_token,
                created_at=created_at,
                expires_at=expires_at,
            )
        )


def live_session(store: ResultsStore, token_hash: str, now: str) -> SessionRow | None:
    """The session with this token hash, unless it ended by ``now``."""
    with store.reading("live_session") as db:
        row = db.execute(
            sa.select(
                adviser_sessions.c.username,
                adviser_sessions.c.csrf_token,
                adviser_sessions.c.expires_at,
            ).where(
                adviser_sessions.c.token_hash == token_hash, adviser_sessions.c.expires_at > now
            )
        ).first()
    return SessionRow(row[0], row[1], row[2]) if row else None


def end_session(store: ResultsStore, token_hash: str) -> None:
    with store.writing("end_session") as db:
        db.execute(sa.delete(adviser_sessions).where(adviser_sessions.c.token_hash == token_hash))
