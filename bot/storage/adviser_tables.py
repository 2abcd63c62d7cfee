"""The tables of adviser accounts and their login sessions.

Only rows go in and out here; usernames are normalised, passwords hashed
and tokens hashed by ``bot.adviser.accounts`` before they arrive. Sessions
hang off their account (``ON DELETE CASCADE``), so removing an account ends
its sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.results_store import ResultsStore


@dataclass(frozen=True)
class SessionRow:
    username: str
    csrf_token: str
    expires_at: str


def add_adviser(store: ResultsStore, username: str, password_hash: str, created_at: str) -> bool:
    """Create an account; False when the name is taken (nothing is changed then)."""
    with store.writing("add_adviser") as db:
        if db["advisers"].count_where("username = ?", [username]):
            return False
        db["advisers"].insert(
            {"username": username, "password_hash": password_hash, "created_at": created_at}
        )
    return True


def replace_password_hash(store: ResultsStore, username: str, password_hash: str) -> bool:
    """Store a new hash and end the account's sessions; False for an unknown name."""
    with store.writing("replace_password_hash") as db:
        if not db["advisers"].count_where("username = ?", [username]):
            return False
        db["advisers"].update(username, {"password_hash": password_hash})
        db["adviser_sessions"].delete_where("username = ?", [username])
    return True


def remove_adviser(store: ResultsStore, username: str) -> bool:
    """Delete an account and, by cascade, its sessions; False when there was none."""
    with store.writing("remove_adviser") as db:
        existed = bool(db["advisers"].count_where("username = ?", [username]))
        db["advisers"].delete_where("username = ?", [username])
    return existed


def adviser_names(store: ResultsStore) -> list[str]:
    with store.reading("adviser_names") as db:
        return [r["username"] for r in db["advisers"].rows_where(order_by="username")]


def password_hash_of(store: ResultsStore, username: str) -> str | None:
    with store.reading("password_hash_of") as db:
        rows = list(
            db["advisers"].rows_where("username = ?", [username], select="password_hash", limit=1)
        )
    return rows[0]["password_hash"] if rows else None


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
        db["adviser_sessions"].delete_where("expires_at <= ?", [created_at])
        db["adviser_sessions"].insert(
            {
                "token_hash": token_hash,
                "username": username,
                "csrf_token": csrf_token,
                "created_at": created_at,
                "expires_at": expires_at,
            }
        )


def live_session(store: ResultsStore, token_hash: str, now: str) -> SessionRow | None:
    """The session with this token hash, unless it ended by ``now``."""
    with store.reading("live_session") as db:
        rows = list(
            db["adviser_sessions"].rows_where(
                "token_hash = ? AND expires_at > ?", [token_hash, now], limit=1
            )
        )
    if not rows:
        return None
    return SessionRow(rows[0]["username"], rows[0]["csrf_token"], rows[0]["expires_at"])


def end_session(store: ResultsStore, token_hash: str) -> None:
    with store.writing("end_session") as db:
        db["adviser_sessions"].delete_where("token_hash = ?", [token_hash])
