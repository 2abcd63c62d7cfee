"""Rasa's REST channel with the Dutch "try again" reply when the action server is down."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.guard import guarded


class KlantcontactRestInput(RestInput):
    """Same URL as Rasa's REST channel: POST /webhooks/rest/webhook."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guarded(on_new_message))
