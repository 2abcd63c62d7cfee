"""Adviser accounts and their login sessions, kept in the results database.

Only a hash of a session token is stored, so a copy of the database cannot
be used to take over a session. Sessions end after ``SESSION_HOURS``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.adviser.passwords import dummy_hash, hash_password, verify_password
from bot.storage.results_store import ResultsStore, iso

SESSION_HOURS = 8
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


@dataclass(frozen=True)
class AdviserSession:
    username: str
    csrf_token: str
    expires_at: str


def normalize_username(name: str) -> str:
    """Usernames are case-insensitive: stored and compared in lower case."""
    return name.strip().lower()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AdviserAccounts:
    """Create, check and remove adviser accounts; open and close sessions."""

    def __init__(self, store: ResultsStore) -> None:
        self.store = store

    def add(self, username: str, password: str) -> str:
        name = normalize_username(username)
        if not USERNAME.fullmatch(name):
            raise AccountError(
                "a username is 2-40 characters: letters, digits, dot, dash or underscore"
            )
        password_hash = hash_password(password)
        with self.store.writing() as db:
            if db["advisers"].count_where("username = ?", [name]):
                raise AccountError(f"adviser {name!r} already exists")
            db["advisers"].insert(
                {
                    "username": name,
                    "password_hash": password_hash,
                    "created_at": iso(self.store.clock()),
                }
            )
        return name

    def set_password(self, username: str, password: str) -> None:
        name = normalize_username(username)
        password_hash = hash_password(password)
        with self.store.writing() as db:
            if not db["advisers"].count_where("username = ?", [name]):
                raise AccountError(f"no adviser {name!r}")
            db["advisers"].update(name, {"password_hash": password_hash})
            db["adviser_sessions"].delete_where("username = ?", [name])

    def remove(self, username: str) -> bool:
        name = normalize_username(username)
        with self.store.writing() as db:
            db["adviser_sessions"].delete_where("username = ?", [name])
            existed = bool(db["advisers"].count_where("username = ?", [name]))
            db["advisers"].delete_where("username = ?", [name])
        return existed

    def usernames(self) -> list[str]:
        with self.store.reading() as db:
            return [r["username"] for r in db["advisers"].rows_where(order_by="username")]

    def authenticate(self, username: str, password: str) -> str | None:
        """The normalised username when the password is right, else None.

        An unknown name is checked against a dummy hash, so the reply takes as
        long and does not reveal which names exist.
        """
        name = normalize_username(username)
        with self.store.reading() as db:
            rows = list(db["advisers"].rows_where("username = ?", [name], limit=1))
        stored = rows[0]["password_hash"] if rows else dummy_hash()
        ok = verify_password(password, stored)
        return name if ok and rows else None

    def open_session(self, username: str, now: datetime | None = None) -> tuple[str, str]:
        """A new session: (token for the cookie, CSRF token for forms)."""
        now = now or self.store.clock()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.store.writing() as db:
            db["adviser_sessions"].delete_where("expires_at <= ?", [iso(now)])
            db["adviser_sessions"].insert(
                {
                    "token_hash": _token_hash(token),
                    "username": username,
                    "csrf_token": csrf,
                    "created_at": iso(now),
                    "expires_at": iso(now + timedelta(hours=SESSION_HOURS)),
                }
            )
        return token, csrf

    def session(self, token: str | None, now: datetime | None = None) -> AdviserSession | None:
        if not token or len(token) > 100:
            return None
        now = now or self.store.clock()
        with self.store.reading() as db:
            rows = list(
                db["adviser_sessions"].rows_where(
                    "token_hash = ? AND expires_at > ?", [_token_hash(token), iso(now)], limit=1
                )
            )
        if not rows:
            return None
        row = rows[0]
        return AdviserSession(row["username"], row["csrf_token"], row["expires_at"])

    def close_session(self, token: str) -> None:
        with self.store.writing() as db:
            db["adviser_sessions"].delete_where("token_hash = ?", [_token_hash(token)])
