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
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.guard import Handler, guarded


class ResultSafeSocketIOOutput(SocketIOOutput):
    """Sends custom JSON as the data of one ``bot_uttered`` event."""

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self.sio.emit(self.bot_message_evt, data=json_message, room=recipient_id)

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
        return super().blueprint(with_result_safe_output(guarded(on_new_message)))


def with_result_safe_output(on_new_message: Handler) -> Handler:
    """``on_new_message`` for messages whose Rasa ``SocketIOOutput`` is swapped for ours."""

    async def handler(message: UserMessage) -> Any:
        output = message.output_channel
        if isinstance(output, SocketIOOutput) and not isinstance(output, ResultSafeSocketIOOutput):
            message.output_channel = ResultSafeSocketIOOutput(output.sio, output.bot_message_evt)
        return await on_new_message(message)

    return handler
