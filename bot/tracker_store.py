"""Rasa's SQL tracker store, plus erasure: "verwijder mijn gegevens" reaches it.

When the events to be saved contain the erasure action, the store deletes the
whole conversation instead of saving it. The deletion has to happen here:
an action that deleted the rows itself would see Rasa write them all back
right after it (Rasa saves the tracker at the end of each message).

It also keeps the trackers it saved in memory (a bounded LRU). Rasa otherwise
reads and replays every event of the conversation on each message (the
bench's profile: 12 ms per turn at the end of a check). A kept tracker is
used only while the database still holds exactly its events, so a change by
another process (erasure from the CLI, retention, a second Rasa) is seen.
That check is one prepared SQL count (Rasa's ORM query for the same count
took longer than the rest of the load), and a kept tracker handed out is saved
from the count already known instead of counting again.
"""

from __future__ import annotations

import itertools
import logging
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_speedups import install_all, tune_sqlite_connection

ERASE_ACTION = "action_delete_data"
#: Trackers kept in memory (most recently saved); a whole check is ~260 events.
KEPT_TRACKERS = 500
logger = logging.getLogger(__name__)


class ErasingSQLTrackerStore(SQLTrackerStore):
    """Configured in endpoints.yml as ``type: bot.tracker_store.ErasingSQLTrackerStore``.

    Rasa builds it once at start, so this is also where the speed-ups of
    ``bot.rasa_speedups`` are installed in Rasa's process.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        # sender -> (tracker handed out by retrieve, events the database holds of it)
        self._handed_out: dict[str, tuple[DialogueStateTracker, int]] = {}
        self._count_statement = current_session_count_statement(self.SQLEvent.__table__)
        install_all()
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", tune_sqlite_connection)
            self.engine.dispose()  # new connections get the settings

    def stored_event_count(self, sender_id: str) -> int:
        """Events of the sender's latest session in the database (as Rasa counts them)."""
        with self.engine.connect() as connection:
            return int(connection.execute(self._count_statement, {"sender": sender_id}).scalar())

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        # Handed over, not shared: Rasa changes the tracker and saves it again.
        kept = self._kept.pop(sender_id, None)
        self._handed_out.pop(sender_id, None)
        if kept is not None:
            stored = self.stored_event_count(sender_id)
            if stored == len(kept.events):
                self._handed_out[sender_id] = (kept, stored)
                return kept
        return await super().retrieve(sender_id)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        handed_out = self._handed_out.pop(tracker.sender_id, None)
        if handed_out is None or handed_out[0] is not tracker:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, handed_out[1], len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if _erasure_in_last_turn(tracker):
            self._kept.pop(tracker.sender_id, None)
            self._handed_out.pop(tracker.sender_id, None)
            with self.session_scope() as session:
                deleted = (
                    session.query(self.SQLEvent)
                    .filter(self.SQLEvent.sender_id == tracker.sender_id)
                    .delete()
                )
                session.commit()
            logger.info("erased a conversation on request (%d events)", deleted)
            return
        await super().save(tracker)
        self._kept[tracker.sender_id] = tracker
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > KEPT_TRACKERS:
            self._kept.popitem(last=False)


def current_session_count_statement(events: sa.Table) -> sa.sql.Select:
    """``SELECT COUNT(*)`` of Rasa's ``_event_query(..., all sessions=False)``, prepared once.

    Events of the sender from the latest SessionStarted on, or all of them
    when there is none; the bind parameter is ``sender``.
    """
    sender = sa.bindparam("sender")
    session_start = (
        sa.select(sa.func.max(events.c.timestamp))
        .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    return (
        sa.select(sa.func.count())
        .select_from(events)
        .where(
            events.c.sender_id == sender,
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
        )
    )


def _erasure_in_last_turn(tracker: DialogueStateTracker) -> bool:
    """Did an action since the user's last message erase their data?"""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION:
            return True
    return False
