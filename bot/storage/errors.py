"""One error contract for the results database: every failure is a ``StoreError``.

Callers (actions, the web app, the CLI) catch one exception type and answer
in their own words. The message names the operation and the database's own
reason, never the values that were read or written, so a log line cannot
leak a pseudonym, a share code or an answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


class StoreError(RuntimeError):
    """The results database could not be read or written."""


class UnknownAssessment(StoreError):
    """An answer or result refers to an assessment that was never started."""


@contextmanager
def store_errors(operation: str, where: object) -> Iterator[None]:
    """Turn any database error inside the block into a ``StoreError`` for ``operation``.

    ``where`` is the database file or URL without password (not personal).
    SQLite's reason (``database is locked``, ``no such table: answers``) never
    contains bound parameter values; of a PostgreSQL error only the first
    line is kept (its DETAIL line may quote a value), and SQLAlchemy's own
    text with the statement is not used.
    """
    try:
        yield
    except StoreError:
        raise
    except sqlite3.Error as exc:
        raise StoreError(f"{operation} failed on {where}: {exc}") from exc
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"{operation} failed on {where}: {_reason(exc)}") from exc


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    """The driver's first line for a driver error, else the error's class name."""
    original = getattr(exc, "orig", None)
    if original is not None:
        lines = str(original).strip().splitlines()
        return lines[0] if lines else type(original).__name__
    return type(exc).__name__
