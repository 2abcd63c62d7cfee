"""Conversations of people who said no to storing: kept in memory, never on disk.

"Nee" to the consent question means nothing the person types is written to
disk. Rasa would write every event to the tracker database, so the tracker
store (``bot.rasa_integration.tracker_store``) keeps such a conversation here instead: a
bounded dict in the Rasa process, dropped after a day without messages, when
it is full (least recently used first) or when Rasa stops. The bot tells the
person so (``utter_not_stored`` in domain.yml).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from bot.check.assessment import Assessment
from bot.check.flow import consent_given

logger = logging.getLogger(__name__)

#: The slot with the answers so far (``actions.state.SLOT_ANSWERS``; a test keeps them equal).
ANSWERS_SLOT = "answers"
#: At most this many conversations are kept (a whole check is about 260 events).
MAX_CONVERSATIONS = 1000
#: A conversation without a message for this long is dropped (the bot says "een dag").
TTL_SECONDS = 24 * 60 * 60


def said_no(assessment: Assessment, slots: Mapping[str, Any] | None) -> bool:
    """Did the person answer the consent question with anything but yes?"""
    answers = (slots or {}).get(ANSWERS_SLOT)
    if not isinstance(answers, Mapping) or answers.get(assessment.consent.id) is None:
        return False
    return not consent_given(assessment, {str(k): str(v) for k, v in answers.items()})


class MemoryOnly:
    """Trackers by sender id, bounded in number and by time since the last save."""

    def __init__(
        self,
        max_conversations: int = MAX_CONVERSATIONS,
        ttl_seconds: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_conversations = max_conversations
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def _drop_expired(self) -> None:
        cutoff = self._clock() - self.ttl_seconds
        while self._items:
            sender, (saved_at, _) = next(iter(self._items.items()))
            if saved_at > cutoff:
                break
            del self._items[sender]

    def __contains__(self, sender_id: object) -> bool:
        self._drop_expired()
        return sender_id in self._items

    def __len__(self) -> int:
        self._drop_expired()
        return len(self._items)

    def __iter__(self) -> Iterator[str]:
        self._drop_expired()
        return iter(list(self._items))

    def get(self, sender_id: str) -> Any | None:
        self._drop_expired()
        item = self._items.get(sender_id)
        return item[1] if item is not None else None

    def put(self, sender_id: str, tracker: Any) -> None:
        self._items[sender_id] = (self._clock(), tracker)
        self._items.move_to_end(sender_id)
        self._drop_expired()
        while len(self._items) > self.max_conversations:
            self._items.popitem(last=False)
            logger.warning("memory-only conversations full: the oldest one was dropped")

    def pop(self, sender_id: str) -> Any | None:
        item = self._items.pop(sender_id, None)
        return item[1] if item is not None else None
