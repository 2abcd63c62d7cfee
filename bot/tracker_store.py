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
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_speedups import install_cached_response_validator, tune_sqlite_connection

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
        install_cached_response_validator()
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", tune_sqlite_connection)
            self.engine.dispose()  # new connections get the settings

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        # Handed over, not shared: Rasa changes the tracker and saves it again.
        kept = self._kept.pop(sender_id, None)
        if kept is not None:
            with self.session_scope() as session:
                stored = self._event_query(
                    session, sender_id, fetch_events_from_all_sessions=False
                ).count()
            if stored == len(kept.events):
                return kept
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if _erasure_in_last_turn(tracker):
            self._kept.pop(tracker.sender_id, None)
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


def _erasure_in_last_turn(tracker: DialogueStateTracker) -> bool:
    """Did an action since the user's last message erase their data?"""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION:
            return True
    return False
