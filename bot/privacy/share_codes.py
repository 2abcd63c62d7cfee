"""Share codes for a stored result: giving one out, and withdrawing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.privacy.share_code_format import expiry as code_expiry
from bot.privacy.share_code_format import new_code
from bot.storage.results_store import ResultsStore, iso

MAX_DRAWS = 20


class NoStoredResult(LookupError):
    """There is no completed, stored check to share (no consent, or deleted)."""


@dataclass(frozen=True)
class ShareCode:
    code: str
    expires_at: datetime


def share_code_for(
    store: ResultsStore, person: str, days: int, now: datetime | None = None
) -> ShareCode:
    """The working code for the person's latest completed check; a new one if there is none.

    Asking again gives the same code until it expires or is withdrawn, so a
    code written down earlier keeps working.
    """
    now = now or store.clock()
    stored = store.latest(person, completed_only=True)
    if stored is None:
        raise NoStoredResult(person)
    active = store.active_share_code(stored.assessment_id, iso(now))
    if active is not None:
        return ShareCode(active[0], datetime.fromisoformat(active[1]))
    expires_at = code_expiry(now, days)
    for _ in range(MAX_DRAWS):
        code = new_code()
        if store.add_share_code(code, stored.assessment_id, person, iso(now), iso(expires_at)):
            return ShareCode(code, expires_at)
    raise RuntimeError("could not draw a free share code")  # 20 collisions: impossible in practice


def withdraw(store: ResultsStore, person: str) -> int:
    """Stop every code of this person from working."""
    return store.withdraw_share_codes(person)
