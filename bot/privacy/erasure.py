"""The right to be forgotten and retention, across every store.

A person's data lives in two SQLite files: the results database (checks,
answers, share codes, WhatsApp message ids; keyed by pseudonym) and Rasa's
tracker database (the conversation; keyed by the channel's sender id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.storage import login_failures_table, tracker_events
from bot.storage.results_store import ResultsStore, iso

_AGE = re.compile(r"(\d{1,5})d")


class BadAge(ValueError):
    """An age like "90d" was expected."""


def parse_age(text: str) -> timedelta:
    """ "90d" -> 90 days. Only days: retention is promised in days."""
    match = _AGE.fullmatch(text.strip())
    if not match or int(match.group(1)) < 1:
        raise BadAge(f"expected a number of days like '90d', got {text!r}")
    return timedelta(days=int(match.group(1)))


@dataclass(frozen=True)
class Erased:
    checks: int
    conversation_events: int


def erase_sender(
    store: ResultsStore, tracker_db: Path | str, sender_id: str, person: str
) -> Erased:
    """Delete everything about one sender: results, codes, message ids, conversation."""
    checks = store.delete_person(person)
    events = tracker_events.delete_sender(tracker_db, sender_id)
    return Erased(checks, events)


@dataclass(frozen=True)
class Purged:
    checks: int
    message_ids: int
    conversation_events: int

    def summary(self, age: timedelta) -> str:
        return (
            f"Deleted data older than {age.days} days: {self.checks} check(s), "
            f"{self.message_ids} message id(s), {self.conversation_events} conversation event(s)."
        )


def purge_older_than(
    store: ResultsStore, tracker_db: Path | str, age: timedelta, now: datetime | None = None
) -> Purged:
    now = now or store.clock()
    cutoff = now - age
    # wrong adviser passwords: kept a day at most, whatever the age (before the scrub below)
    login_failures_table.forget_before(store, (now - login_failures_table.KEPT_AT_MOST).timestamp())
    counts = store.purge_before(iso(cutoff))
    events = tracker_events.delete_before(tracker_db, cutoff.timestamp())
    return Purged(counts["checks"], counts["message_ids"], events)
