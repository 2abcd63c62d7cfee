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
    """What the bot said to the user message with this id, up to the next user message.

    A message may be in the conversation more than once (a copy the bot could
    not answer is handled again): the last copy the bot answered counts. None
    when no copy has this id or the bot said nothing to any of them (then the
    message is handled as new: no copy got through).
    """
    answered: list[dict[str, Any]] | None = None
    current: list[dict[str, Any]] | None = None
    for event in events:
        if isinstance(event, UserUttered):
            answered = current or answered
            current = [] if client_message_id(event.metadata) == message_id else None
        elif current is not None and isinstance(event, BotUttered):
            reply = {key: value for key, value in (event.data or {}).items() if value}
            if event.text:
                reply["text"] = event.text
            current.append(reply)
    return current or answered
