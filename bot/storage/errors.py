"""One error contract for the results database: every failure is a ``StoreError``.

Callers (actions, the web app, the CLI) catch one exception type and answer
in their own words. The message names the operation and SQLite's own
reason, never the values that were read or written, so a log line cannot
leak a pseudonym, a share code or an answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


class StoreError(RuntimeError):
    """The results database could not be read or written."""


class UnknownAssessment(StoreError):
    """An answer or result refers to an assessment that was never started."""


@contextmanager
def store_errors(operation: str, where: object) -> Iterator[None]:
    """Turn any ``sqlite3.Error`` inside the block into a ``StoreError`` for ``operation``.

    ``where`` is the database file (not personal). SQLite's reason (``database
    is locked``, ``file is not a database``, ``no such table: answers``) never
    contains bound parameter values.
    """
    try:
        yield
    except StoreError:
        raise
    except sqlite3.Error as exc:
        raise StoreError(f"{operation} failed on {where}: {exc}") from exc
