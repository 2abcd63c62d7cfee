"""Reading working share codes in bulk, for the demo's list of example people.

Only the demo dashboard asks for this (``bot.adviser.demo_codes``, and only
with KC_DEMO=1): in a real database nobody may browse codes, they open one
result each. Single codes are given and read in ``results_store``.
"""

from __future__ import annotations

from bot.storage.results_store import ResultsStore


def working_codes(store: ResultsStore, now: str, limit: int) -> list[tuple[str, str]]:
    """Codes that still work at ``now`` as ``(code, assessment_id)``, newest first."""
    with store.reading("working_codes") as db:
        return [
            (r["code"], r["assessment_id"])
            for r in db["share_codes"].rows_where(
                "expires_at > ?", [now], select="code, assessment_id",
                order_by="created_at DESC, code", limit=limit,
            )
        ]  # fmt: skip
