"""Unsaved conversations in Redis, so that every Rasa replica can reach them.

The cluster profile (docs/deploy.md) runs several Rasa replicas, and any of
them may take the next message of a conversation. A person who said no to
storing must not end up on disk, so their conversation cannot go to the
PostgreSQL tracker store either: it lives in Redis, which the cluster runs
with persistence off (no RDB snapshot, no append-only file). Each
conversation expires one day after its last message, as in
``bot.privacy.unsaved_conversations.MemoryOnly``, whose interface this has.

The Redis key is the person's pseudonym, not the sender id (a REST client
chooses its own sender ids, which may say more than they should); the sender
id is kept inside the value, where Rasa's ``keys()`` needs it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from bot.privacy.unsaved_conversations import TTL_SECONDS

PREFIX = "kc:unsaved:"


class RedisUnsaved:
    """Trackers by sender id in Redis, each expiring ``ttl_seconds`` after its last save."""

    def __init__(
        self,
        client: Any,
        to_text: Callable[[Any], str],
        from_text: Callable[[str, str], Any],
        key_for: Callable[[str], str],
        ttl_seconds: int = TTL_SECONDS,
    ) -> None:
        self.client = client
        self._to_text = to_text
        self._from_text = from_text
        self._key_for = key_for
        self.ttl_seconds = ttl_seconds

    def _key(self, sender_id: str) -> str:
        return PREFIX + self._key_for(sender_id)

    def __contains__(self, sender_id: object) -> bool:
        return isinstance(sender_id, str) and bool(self.client.exists(self._key(sender_id)))

    def _load(self, key: str | bytes) -> dict[str, str] | None:
        text = self.client.get(key)
        return json.loads(text) if text is not None else None

    def __iter__(self) -> Iterator[str]:
        for key in self.client.scan_iter(match=PREFIX + "*", count=100):
            item = self._load(key)
            if item is not None:  # it may have expired in between
                yield item["sender"]

    def __len__(self) -> int:
        return sum(1 for _ in self.client.scan_iter(match=PREFIX + "*", count=100))

    def get(self, sender_id: str) -> Any | None:
        item = self._load(self._key(sender_id))
        return self._from_text(sender_id, item["tracker"]) if item is not None else None

    def put(self, sender_id: str, tracker: Any) -> None:
        """One SET with its expiry: the value never exists without a time-to-live."""
        value = json.dumps({"sender": sender_id, "tracker": self._to_text(tracker)})
        self.client.set(self._key(sender_id), value, ex=self.ttl_seconds)

    def pop(self, sender_id: str) -> Any | None:
        tracker = self.get(sender_id)
        self.client.delete(self._key(sender_id))
        return tracker
