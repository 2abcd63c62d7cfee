"""Adviser accounts and their login sessions (rows in ``bot.storage.adviser_tables``).

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
from bot.storage import adviser_tables
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
        if not adviser_tables.add_adviser(self.store, name, password_hash, iso(self.store.clock())):
            raise AccountError(f"adviser {name!r} already exists")
        return name

    def set_password(self, username: str, password: str) -> None:
        """A new password; every open session of the account ends."""
        name = normalize_username(username)
        if not adviser_tables.replace_password_hash(self.store, name, hash_password(password)):
            raise AccountError(f"no adviser {name!r}")

    def remove(self, username: str) -> bool:
        """Remove the account; its sessions end with it."""
        return adviser_tables.remove_adviser(self.store, normalize_username(username))

    def usernames(self) -> list[str]:
        return adviser_tables.adviser_names(self.store)

    def authenticate(self, username: str, password: str) -> str | None:
        """The normalised username when the password is right, else None.

        An unknown name is checked against a dummy hash, so the reply takes as
        long and does not reveal which names exist.
        """
        name = normalize_username(username)
        stored = adviser_tables.password_hash_of(self.store, name)
        ok = verify_password(password, stored if stored is not None else dummy_hash())
        return name if ok and stored is not None else None

    def open_session(self, username: str, now: datetime | None = None) -> tuple[str, str]:
        """A new session: (token for the cookie, CSRF token for forms)."""
        now = now or self.store.clock()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        adviser_tables.add_session(
            self.store, _token_hash(token), username, csrf,
            created_at=iso(now), expires_at=iso(now + timedelta(hours=SESSION_HOURS)),
        )  # fmt: skip
        return token, csrf

    def session(self, token: str | None, now: datetime | None = None) -> AdviserSession | None:
        if not token or len(token) > 100:
            return None
        now = now or self.store.clock()
        row = adviser_tables.live_session(self.store, _token_hash(token), iso(now))
        if row is None:
            return None
        return AdviserSession(row.username, row.csrf_token, row.expires_at)

    def close_session(self, token: str) -> None:
        adviser_tables.end_session(self.store, _token_hash(token))
