"""Rasa's REST channel, stricter at the door and with the Dutch "try again" reply.

Rasa's own channel answers a body that is not a JSON object with a 500, and
without a sender it files the message under one shared "default"
conversation. Here such requests get a 400 that says what is wrong.

A client may give each message an id (``"message_id": "..."``, any text up to
128 characters, e.g. a UUID) and send it again with the same id when a reply
got lost: the bot then answers the copy with what it said to the first one
and handles nothing twice (``bot.rasa_integration.replayed_turns``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage as BadRequest  # the 400 error in this Sanic
from sanic.request import Request

from bot.channels.observed import metrics_endpoint, observed, ready_endpoint
from bot.rasa_integration.replayed_turns import MAX_MESSAGE_ID_LENGTH, METADATA_KEY

MAX_SENDER_LENGTH = 255
MAX_MESSAGE_LENGTH = 20_000


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json
    except Exception as exc:  # Sanic raises its own BadRequest or a JSON error
        raise BadRequest("body must be JSON") from exc
    if not isinstance(body, dict):
        raise BadRequest('body must be a JSON object: {"sender": "...", "message": "..."}')
    return body


class KlantcontactRestInput(RestInput):
    """Same URL as Rasa's REST channel: POST /webhooks/rest/webhook.

    GET /webhooks/rest/metrics and /webhooks/rest/ready: the Rasa process's metrics and
    readiness (docs/operations.md).
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = _body(req).get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
            raise BadRequest(f"'sender' must be a text of 1 to {MAX_SENDER_LENGTH} characters")
        return sender

    def _extract_message(self, req: Request) -> str | None:
        message = _body(req).get("message", "")
        if not isinstance(message, str) or len(message) > MAX_MESSAGE_LENGTH:
            raise BadRequest(f"'message' must be a text of at most {MAX_MESSAGE_LENGTH} characters")
        return message

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        body = _body(request)
        metadata = body.get("metadata")
        metadata = dict(metadata) if isinstance(metadata, dict) else {}
        metadata.pop(METADATA_KEY, None)  # only the checked field below may set it
        message_id = body.get("message_id")
        if message_id is not None:
            if not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_MESSAGE_ID_LENGTH:
                raise BadRequest(
                    f"'message_id' must be a text of 1 to {MAX_MESSAGE_ID_LENGTH} characters"
                )
            metadata[METADATA_KEY] = message_id
        return metadata or None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(observed(on_new_message, self.name()))
        blueprint.add_route(metrics_endpoint, "/metrics", methods=["GET"])
        blueprint.add_route(ready_endpoint, "/ready", methods=["GET"])
        return blueprint
