"""A message sent twice is answered once: the second copy gets the first one's replies.

A person whose reply got lost (a Rasa replica died after saving the turn but
before answering, or the network dropped the answer) sends the same message
again. Handled a second time, a typed answer would be taken as the answer to
the next question. A client that gives each message an id (REST: the field
``message_id``, kept in the message's metadata under :data:`METADATA_KEY`) gets
this instead: when the conversation already holds a user message with that
id, the bot sends again what it replied to it, and changes nothing.

The lookup runs inside Rasa's conversation lock (``MessageProcessor.handle_message``,
patched in ``bot.rasa_integration.speedups``), so a copy that reaches another
replica while the first is still being handled waits for it and then sees it.
A first copy that was never saved (the replica died before saving) is not in
the conversation, so the second copy is handled as new: nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered

#: Where a client's message id travels in ``UserMessage.metadata`` (and is kept in events).
METADATA_KEY = "client_message_id"
#: The longest id a client may send (a UUID is 36 characters).
MAX_MESSAGE_ID_LENGTH = 128


def client_message_id(metadata: Mapping[str, Any] | None) -> str | None:
    """The client's id of a message, or None when it sent none."""
    value = (metadata or {}).get(METADATA_KEY)
    return value if isinstance(value, str) and value else None


def replies_to(events: Iterable[Event], message_id: str) -> list[dict[str, Any]] | None:
    """What the bot said after the user message with this id, up to the next user message.

    None when no user message has this id, or when the bot said nothing to it
    (then the message is handled as new: the first copy did not get through).
    """
    found = False
    replies: list[dict[str, Any]] = []
    for event in events:
        if isinstance(event, UserUttered):
            if found:
                break
            found = client_message_id(event.metadata) == message_id
        elif found and isinstance(event, BotUttered):
            reply = {key: value for key, value in (event.data or {}).items() if value}
            if event.text:
                reply["text"] = event.text
            replies.append(reply)
    return replies if found and replies else None
