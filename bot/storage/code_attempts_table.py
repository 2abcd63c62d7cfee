"""The table of wrong share codes, one row per (kind, key, moment).

``bot.adviser.code_limit`` decides what counts and when to refuse; here the
rows are only added, read and forgotten. The code that was tried is never
stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.storage.results_store import ResultsStore


def wrong_codes_since(
    store: ResultsStore, keys: Iterable[tuple[str, str]], since: str
) -> dict[tuple[str, str], list[str]]:
    """Per ``(kind, key)``: the moments of wrong codes from ``since`` on, oldest first.

    Older rows are deleted in the same transaction (they no longer count).
    """
    with store.writing("wrong_codes_since") as db:
        db["code_attempts"].delete_where("at < ?", [since])
        return {
            (kind, key): [
                r["at"]
                for r in db["code_attempts"].rows_where(
                    "kind = ? AND key = ? AND at >= ?",
                    [kind, key, since],
                    select="at",
                    order_by="at",
                )
            ]
            for kind, key in keys
        }


def add_wrong_code(store: ResultsStore, keys: Iterable[tuple[str, str]], at: str) -> None:
    """One wrong code, counted once for every ``(kind, key)``."""
    with store.writing("add_wrong_code") as db:
        db["code_attempts"].insert_all([{"kind": kind, "key": key, "at": at} for kind, key in keys])
