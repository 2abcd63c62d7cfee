"""Our input channels, observable: turn latency, errors by kind, /metrics, JSON logs.

Every channel wraps Rasa's message handler with :func:`observed` instead of
``guarded`` alone. It times each turn, from the user's message arriving at
the channel to the bot's replies being handed back (labelled by channel
name only), and counts turns that failed and health checks that found the
action server down. The Rasa process shows these at one address:
``GET /webhooks/rest/metrics`` (the REST channel's blueprint), next to
``GET /webhooks/rest/ready`` (the model is loaded, the results database
readable). It
switches to JSON logs here when KC_LOG_FORMAT=json, because Rasa sets up its
own log handler before it builds the channels.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.channels.graph import GraphAPIError, GraphClient
from bot.channels.guard import Handler, guarded, health_probe
from bot.config import ChannelSettings, get_settings
from bot.observability import metrics
from bot.observability.health import readiness
from bot.observability.json_logs import configure_logging

Timer = Callable[[], float]


@contextmanager
def turn_timer(channel: str, timer: Timer = time.perf_counter) -> Iterator[None]:
    """Observe the block's duration as one turn of ``channel``, also when it fails."""
    started = timer()
    try:
        yield
    finally:
        metrics.turn_took(channel, timer() - started)


def counting_probe(probe: Callable[[], Awaitable[bool]]) -> Callable[[], Awaitable[bool]]:
    """The guard's health check, counting each time it finds the action server down."""

    async def check() -> bool:
        up = await probe()
        if not up:
            metrics.error("action_server_unreachable")
        return up

    return check


def counting_failures(on_new_message: Handler) -> Handler:
    """``on_new_message`` that counts a turn that raised, before the guard answers it."""

    async def handler(message: UserMessage) -> Any:
        try:
            return await on_new_message(message)
        except Exception:
            metrics.error("turn")
            raise

    return handler


def watched(on_new_message: Handler, probe: Callable[[], Awaitable[bool]] | None = None) -> Handler:
    """``guarded`` (the Dutch reply when the action server is down), with errors counted."""
    configure_logging(get_settings().log_format)
    check = probe or health_probe(ChannelSettings.from_env().action_server_url)
    return guarded(counting_failures(on_new_message), counting_probe(check))


def observed(
    on_new_message: Handler,
    channel: str,
    probe: Callable[[], Awaitable[bool]] | None = None,
    timer: Timer = time.perf_counter,
) -> Handler:
    """:func:`watched`, with every turn timed as one of ``channel``."""
    inner = watched(on_new_message, probe)

    async def handler(message: UserMessage) -> Any:
        with turn_timer(channel, timer):
            return await inner(message)

    return handler


async def metrics_endpoint(request: Request) -> HTTPResponse:
    """Every metric of the Rasa process, for Prometheus."""
    return response.raw(
        metrics.metrics_text(),
        content_type=metrics.CONTENT_TYPE,
        headers={"Cache-Control": "no-store"},
    )


async def ready_endpoint(request: Request) -> HTTPResponse:
    """200 once Rasa has loaded the model and the results database is readable; else 503."""
    agent = getattr(request.app.ctx, "agent", None)

    def model_loaded() -> None:
        if agent is None or not agent.is_ready():
            raise RuntimeError("the model is not loaded (yet)")

    def results_db_readable() -> None:
        runtime.store().count_assessments()  # WhatsApp's redelivery check reads it

    status, body = await readiness({"model": model_loaded, "results_db": results_db_readable})
    return response.json(body, status=status, headers={"Cache-Control": "no-store"})


class CountedGraphClient(GraphClient):
    """The Graph client, counting each WhatsApp call that failed for good."""

    async def send_message(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return await super().send_message(body)
        except GraphAPIError:
            metrics.error("whatsapp_send")
            raise

    async def upload_png(self, data: bytes, filename: str = "uitslag.png") -> str:
        try:
            return await super().upload_png(data, filename)
        except GraphAPIError:
            metrics.error("whatsapp_send")
            raise
