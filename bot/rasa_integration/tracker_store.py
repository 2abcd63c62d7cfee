"""Rasa's SQL tracker store, plus erasure: "verwijder mijn gegevens" reaches it.

When the events to be saved contain the erasure action, the store deletes the
whole conversation instead of saving it. The deletion has to happen here:
an action that deleted the rows itself would see Rasa write them all back
right after it (Rasa saves the tracker at the end of each message).

It also keeps the trackers it saved in memory (a bounded LRU). Rasa otherwise
reads and replays every event of the conversation on each message (the
bench's profile: 12 ms per turn at the end of a check). A kept tracker is
used only while the database still holds exactly its events, so a change by
another process (erasure from the CLI, retention, another Rasa replica) is
seen: the count of the session's events and the newest event's row id must
both be what they were when this process saved it. A replica that added a
message raises both; one that deleted and rewrote the conversation gets new
row ids on PostgreSQL (SQLite could hand out the deleted highest id again,
but with SQLite there is one Rasa process, which sees its own deletions).
That check is one prepared SQL query (Rasa's ORM query for the same count
took longer than the rest of the load), and a kept tracker
handed out is saved from the count already known instead of counting again.

A conversation in which the person said no to storing is never written: from
the turn of that "nee" on it lives in memory only (``bot.privacy.unsaved_conversations``,
or in Redis for every replica with KC_REDIS_URL: ``bot.privacy.unsaved_in_redis``)
and the rows written before are deleted. That stays so for the rest of the
conversation, also if the person later says yes (their results are then
stored, the conversation still is not).

Every delete of a conversation is followed by an emptied WAL (and a VACUUM
for an erasure), and ``secure_delete`` is on: see ``bot.storage.sqlite_hygiene``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import runtime
from bot.config import get_settings
from bot.privacy.unsaved_conversations import MemoryOnly, said_no
from bot.privacy.unsaved_in_redis import RedisUnsaved
from bot.storage.private_files import private_database
from bot.storage.tracker_sql import (
    StoredState,
    count_events,
    current_session_count_statement,
    delete_conversation,
    rebuilt_engine,
    session_factory,
    tune_sqlite_engine,
)

ERASE_ACTION = "action_delete_data"
#: Trackers kept in memory (most recently saved); a whole check is ~260 events.
KEPT_TRACKERS = 500
#: Seconds to wait for Redis (unsaved conversations in the cluster profile).
REDIS_TIMEOUT_SECONDS = 5
logger = logging.getLogger(__name__)


class ErasingSQLTrackerStore(SQLTrackerStore):
    """Configured in endpoints.yml as
    ``type: bot.rasa_integration.tracker_store.ErasingSQLTrackerStore``.

    Building it changes nothing in Rasa: only its own SQLite connections are
    tuned. Rasa's speed-ups are installed when Rasa loads the model
    (``bot.rasa_integration.speedups``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("dialect", "sqlite") == "sqlite" and not kwargs.get("host"):
            private_database(Path(str(kwargs.get("db", "rasa.db"))))  # 0600 before SQLite opens it
        super().__init__(*args, **kwargs)
        if self.engine.url.database not in (None, "", ":memory:"):  # a new engine: same data
            postgresql = self.engine.dialect.name == "postgresql"  # the cluster profile
            self.engine = rebuilt_engine(
                self.engine, pre_ping=postgresql, **create_engine_kwargs(self.engine.url)
            )
            self.sessionmaker = session_factory(self.engine)
        #: Conversations of people who said no to storing (never written to the database):
        #: in this process, or in Redis when KC_REDIS_URL is set (several replicas).
        self.memory_only: MemoryOnly | RedisUnsaved = self._unsaved_conversations()
        # sender -> (tracker as saved, the database's StoredState right after that save)
        self._kept: OrderedDict[str, tuple[DialogueStateTracker, StoredState]] = OrderedDict()
        # sender -> (tracker handed out by retrieve, events the database holds of it)
        self._handed_out: dict[str, tuple[DialogueStateTracker, int]] = {}
        self._count_statement = current_session_count_statement(self.SQLEvent.__table__)
        tune_sqlite_engine(self.engine)

    def _unsaved_conversations(self) -> MemoryOnly | RedisUnsaved:
        redis_url = get_settings().redis_url
        if redis_url is None:
            return MemoryOnly()
        import redis

        client = redis.Redis.from_url(
            redis_url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        return RedisUnsaved(
            client, self.serialise_tracker, self.deserialise_tracker, runtime.person_for
        )

    def stored_event_count(self, sender_id: str) -> int:
        """Events of the sender's latest session in the database (as Rasa counts them)."""
        return self.stored_state(sender_id)[0]

    def stored_state(self, sender_id: str) -> StoredState:
        """(events of the latest session, newest event row id) in the database."""
        return count_events(self.engine, self._count_statement, sender_id)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        unsaved = self.memory_only.get(sender_id)
        if unsaved is not None:
            return unsaved
        # Handed over, not shared: Rasa changes the tracker and saves it again.
        kept = self._kept.pop(sender_id, None)
        self._handed_out.pop(sender_id, None)
        if kept is not None:
            tracker, state_at_save = kept
            state = self.stored_state(sender_id)
            if state == state_at_save and state[0] == len(tracker.events):
                self._handed_out[sender_id] = (tracker, state[0])
                return tracker
        return await super().retrieve(sender_id)

    async def current_events(self, sender_id: str) -> list[Any]:
        """The conversation's events, without handing out the kept tracker.

        For the lookup of a repeated message id (``bot.rasa_integration.replayed_turns``),
        which runs before Rasa's own ``retrieve`` in the same turn.
        """
        unsaved = self.memory_only.get(sender_id)
        if unsaved is not None:
            return list(unsaved.events)
        kept = self._kept.get(sender_id)
        if kept is not None and self.stored_state(sender_id) == kept[1]:
            return list(kept[0].events)
        tracker = await super().retrieve(sender_id)
        return list(tracker.events) if tracker is not None else []

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        unsaved = self.memory_only.get(conversation_id)
        if unsaved is not None:
            return unsaved
        return await super().retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        stored = list(await super().keys())
        known = set(stored)
        return stored + [sender for sender in self.memory_only if sender not in known]

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        handed_out = self._handed_out.pop(tracker.sender_id, None)
        if handed_out is None or handed_out[0] is not tracker:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, handed_out[1], len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        if _erasure_in_last_turn(tracker):
            self._kept.pop(sender_id, None)
            self._handed_out.pop(sender_id, None)
            self.memory_only.pop(sender_id)
            # VACUUM rewrites the file (about 0.6 s per 80 MB): off the event loop.
            deleted = await asyncio.to_thread(self._delete_conversation, sender_id, True)
            logger.info("erased a conversation on request (%d events)", deleted)
            return
        if sender_id in self.memory_only or said_no(
            runtime.assessment(), tracker.current_slot_values()
        ):
            self._kept.pop(sender_id, None)
            self._handed_out.pop(sender_id, None)
            if sender_id not in self.memory_only:
                deleted = self._delete_conversation(sender_id, vacuum=False)
                logger.info(
                    "no consent: conversation kept in memory only (%d events deleted)", deleted
                )
            self.memory_only.put(sender_id, tracker)
            return
        await super().save(tracker)
        try:
            state = self.stored_state(sender_id)
        except Exception as error:  # the turn is saved; only the cache entry is lost
            logger.warning("a saved conversation is not kept in memory (%s)", type(error).__name__)
            self._kept.pop(sender_id, None)
            return
        self._kept[tracker.sender_id] = (tracker, state)
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > KEPT_TRACKERS:
            self._kept.popitem(last=False)

    def _delete_conversation(self, sender_id: str, vacuum: bool) -> int:
        """Delete every stored event of a sender; the freed bytes are scrubbed (SQLite)."""
        return delete_conversation(self.engine, self.SQLEvent.__table__, sender_id, vacuum)


def _erasure_in_last_turn(tracker: DialogueStateTracker) -> bool:
    """Did an action since the user's last message erase their data?"""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION:
            return True
    return False
