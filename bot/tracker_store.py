"""Rasa's SQL tracker store, plus erasure: "verwijder mijn gegevens" reaches it.

When the events to be saved contain the erasure action, the store deletes the
whole conversation instead of saving it. The deletion has to happen here:
an action that deleted the rows itself would see Rasa write them all back
right after it (Rasa saves the tracker at the end of each message).
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_speedups import install_cached_response_validator, tune_sqlite_connection

ERASE_ACTION = "action_delete_data"
logger = logging.getLogger(__name__)


class ErasingSQLTrackerStore(SQLTrackerStore):
    """Configured in endpoints.yml as ``type: bot.tracker_store.ErasingSQLTrackerStore``.

    Rasa builds it once at start, so this is also where the speed-ups of
    ``bot.rasa_speedups`` are installed in Rasa's process.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_cached_response_validator()
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", tune_sqlite_connection)
            self.engine.dispose()  # new connections get the settings

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        if any(isinstance(e, ActionExecuted) and e.action_name == ERASE_ACTION for e in new_events):
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
