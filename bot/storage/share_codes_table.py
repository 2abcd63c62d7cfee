"""Reading working share codes in bulk, for the demo's list of example people.

Only the demo dashboard asks for this (``bot.adviser.demo_codes``, and only
with KC_DEMO=1): in a real database nobody may browse codes, they open one
result each. Single codes are given and read in ``results_store``.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.results_store import ResultsStore
from bot.storage.tables import share_codes


def working_codes(store: ResultsStore, now: str, limit: int) -> list[tuple[str, str]]:
    """Codes that still work at ``now`` as ``(code, assessment_id)``, newest first."""
    with store.reading("working_codes") as db:
        return [
            (row[0], row[1])
            for row in db.execute(
                sa.select(share_codes.c.code, share_codes.c.assessment_id)
                .where(share_codes.c.expires_at > now)
                .order_by(share_codes.c.created_at.desc(), share_codes.c.code)
                .limit(limit)
            )
        ]
