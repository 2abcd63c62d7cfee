"""Rasa's socket.io channel with custom JSON messages that reach the browser.

Rasa 3.6's ``SocketIOOutput.send_custom_json`` passes the message's keys as
keyword arguments to ``AsyncServer.emit`` ("type", "scores", ...), which
raises a TypeError, so the assessment result never arrives in the widget.
This channel emits the message as the event's data instead, and keeps each
option's short label (``short``) in the quick replies for the widget. Use it
in credentials.yml as ``bot.channels.socketio.KlantcontactSocketIOInput``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.socketio as rasa_socketio
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.guard import guarded


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
        # Rasa builds the output inside its message handler by the module-level
        # name; point that name at the fixed class before the handler runs.
        rasa_socketio.SocketIOOutput = ResultSafeSocketIOOutput  # type: ignore[misc]
        return super().blueprint(guarded(on_new_message))
