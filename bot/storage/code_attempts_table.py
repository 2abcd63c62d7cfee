"""The table of wrong share codes, one row per (kind, key, moment).

``bot.adviser.code_limit`` decides what counts and when to refuse; here the
rows are only added, read and forgotten. The code that was tried is never
stored.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from bot.storage.results_store import ResultsStore
from bot.storage.tables import code_attempts


def wrong_codes_since(
    store: ResultsStore, keys: Iterable[tuple[str, str]], since: str
) -> dict[tuple[str, str], list[str]]:
    """Per ``(kind, key)``: the moments of wrong codes from ``since`` on, oldest first.

    Older rows are deleted in the same transaction (they no longer count).
    """
    with store.writing("wrong_codes_since") as db:
        db.execute(sa.delete(code_attempts).where(code_attempts.c.at < since))
        return {
            (kind, key): list(
                db.execute(
                    sa.select(code_attempts.c.at)
                    .where(
                        code_attempts.c.kind == kind,
                        code_attempts.c.key == key,
                        code_attempts.c.at >= since,
                    )
                    .order_by(code_attempts.c.at)
                ).scalars()
            )
            for kind, key in keys
        }


def add_wrong_code(store: ResultsStore, keys: Iterable[tuple[str, str]], at: str) -> None:
    """One wrong code, counted once for every ``(kind, key)``."""
    rows = [{"kind": kind, "key": key, "at": at} for kind, key in keys]
    if not rows:
        return
    with store.writing("add_wrong_code") as db:
        db.execute(sa.insert(code_attempts), rows)
