"""Rasa's socket.io channel with custom JSON messages that reach the browser.

Rasa 3.6's ``SocketIOOutput.send_custom_json`` passes the message's keys as
keyword arguments to ``AsyncServer.emit`` ("type", "scores", ...), which
raises a TypeError, so the assessment result never arrives in the widget.
This channel emits the message as the event's data instead, and keeps each
option's short label (``short``) in the quick replies for the widget. Use it
in credentials.yml as ``bot.channels.socketio.KlantcontactSocketIOInput``.

Rasa's message handler builds its ``SocketIOOutput`` inside the blueprint, so
the channel swaps that output for :class:`ResultSafeSocketIOOutput` in each
message it passes on; nothing of Rasa is patched.

botfront's rasa-webchat works against this channel too (README, "rasa-webchat").
Two things make that work: an empty message (rasa-webchat opened without an
``initPayload``) is read as a greeting, and a client that sends rasa-webchat's
``customData`` key, which our widget never sends, is marked "plain" in the
message's metadata. A plain client cannot show our custom JSON, so after the
result it also gets the chart as an image and a link to the PDF; our own widget
gets exactly what it got before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from bot.channels.guard import Handler
from bot.channels.observed import observed
from bot.config import get_settings
from bot.conversation.messages import RESULT_TYPE

#: What our widget sends when it opens; an empty message means the same.
GREETING = "/greet"
#: rasa-webchat sends its ``customData`` (``{}`` by default) with every message; our
#: widget never does.
WEBCHAT_DATA_KEY = "customData"
#: The metadata key and value that mark a client showing only Rasa's standard messages.
CLIENT_METADATA_KEY = "kc_client"
PLAIN_CLIENT = "plain"
CHART_TITLE = "Je scores in een plaatje"
REPORT_TEXT = "Bewaar je uitslag: [download je rapport (PDF)]({url})"


class ResultSafeSocketIOOutput(SocketIOOutput):
    """Sends custom JSON as the data of one ``bot_uttered`` event; to a plain client
    (``plain_client``) the result also as an image and a link."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, plain_client: bool = False) -> None:
        super().__init__(sio, bot_message_evt)
        self.plain_client = plain_client

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self.sio.emit(self.bot_message_evt, data=json_message, room=recipient_id)
        if self.plain_client and json_message.get("type") == RESULT_TYPE:
            for message in plain_result_messages(json_message, get_settings().web_url):
                await self._send_message(recipient_id, message)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Rasa's quick replies, with each option's short label (``short``) kept for the
        widget's small screens."""
        parts = text.strip().split("\n\n") or [text]
        messages: list[dict[str, Any]] = [{"text": part, "quick_replies": []} for part in parts]
        messages[-1]["quick_replies"] = [
            {
                "content_type": "text",
                "title": button["title"],
                "payload": button["payload"],
                **({"short": button["short"]} if button.get("short") else {}),
            }
            for button in buttons
        ]
        for message in messages:
            await self._send_message(recipient_id, message)


class KlantcontactSocketIOInput(SocketIOInput):
    """The socket.io channel, with :class:`ResultSafeSocketIOOutput` as output."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> ResultSafeSocketIOOutput | None:
        if self.sio is None:
            return None
        return ResultSafeSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(
            with_result_safe_output(observed(on_new_message, self.name()))
        )
        self._read_user_uttered_first()
        return blueprint

    def _read_user_uttered_first(self) -> None:
        """Put :func:`read_user_uttered` in front of Rasa's handler of user messages."""
        assert self.sio is not None  # set by Rasa's blueprint
        rasas_handler = self.sio.handlers[self.namespace or "/"][self.user_message_evt]
        metadata_key = self.metadata_key

        async def handle_message(sid: str, data: Any) -> None:
            await rasas_handler(sid, read_user_uttered(data, metadata_key))

        self.sio.on(self.user_message_evt, handle_message, namespace=self.namespace)


def read_user_uttered(data: Any, metadata_key: str | None) -> Any:
    """A ``user_uttered`` event's data as Rasa should read it: an empty message is a
    greeting, and a client that sends ``customData`` (rasa-webchat) is marked plain."""
    if not isinstance(data, dict):
        return data  # Rasa's handler deals with it as before
    data = dict(data)
    message = data.get("message")
    if message is None or (isinstance(message, str) and not message.strip()):
        data["message"] = GREETING
    if WEBCHAT_DATA_KEY in data and metadata_key:
        metadata = data.get(metadata_key) or {}
        if isinstance(metadata, dict):
            data[metadata_key] = {**metadata, CLIENT_METADATA_KEY: PLAIN_CLIENT}
    return data


def is_plain_client(metadata: Any) -> bool:
    return isinstance(metadata, dict) and metadata.get(CLIENT_METADATA_KEY) == PLAIN_CLIENT


def plain_result_messages(result: dict[str, Any], web_url: str) -> list[dict[str, Any]]:
    """The result as any socket.io client shows it: the chart image and a PDF link.

    The web app draws both from the result in the query string; ``web_url`` is its
    public address, because the chat may run on another site.
    """
    from bot.web.app import result_query  # the web app is only needed for this

    query = result_query(result["scores"], result["overall"], list(result.get("routes") or []))
    chart = {
        "type": "image",
        "payload": {"title": CHART_TITLE, "src": f"{web_url}/api/chart.png?{query}"},
    }
    return [
        {"attachment": chart},
        {"text": REPORT_TEXT.format(url=f"{web_url}/api/report.pdf?{query}")},
    ]


def with_result_safe_output(on_new_message: Handler) -> Handler:
    """``on_new_message`` for messages whose Rasa ``SocketIOOutput`` is swapped for ours."""

    async def handler(message: UserMessage) -> Any:
        output = message.output_channel
        if isinstance(output, SocketIOOutput) and not isinstance(output, ResultSafeSocketIOOutput):
            message.output_channel = ResultSafeSocketIOOutput(
                output.sio, output.bot_message_evt, is_plain_client(message.metadata)
            )
        return await on_new_message(message)

    return handler
