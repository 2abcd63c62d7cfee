"""A Dutch reply when a message got no answer, for every channel.

When Rasa cannot reach the action server it logs the error, drops the
action's events and sends the user nothing; the same happens when an action
server dies in the middle of a request while another one (behind the
cluster's action pool) is up. A person who gets no answer at all is stuck.
This wrapper counts what the bot sent for a message; when that is nothing,
or when handling the message failed (the tracker database is down), it tells
the user to try again in a moment. Whether the action server answers its
health check only decides what is logged. The answers given so far are kept
(an answer is stored when it is given), so the check continues at the open
question once the message is sent again.
The action server's address comes from ``bot.config.ChannelSettings``."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.config import ChannelSettings

ACTION_SERVER_DOWN = (
    "Sorry, er ging iets mis aan onze kant. Je antwoorden zijn niet kwijt. "
    "Probeer het over een minuutje opnieuw: stuur je bericht dan nog een keer."
)
HEALTH_TIMEOUT_SECONDS = 2.0
logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


async def action_server_is_up(base_url: str) -> bool:
    try:
        timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"{base_url}/health") as response,
        ):
            return response.status == 200
    except (aiohttp.ClientError, TimeoutError, OSError):
        return False


def health_probe(base_url: str) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return await action_server_is_up(base_url)

    return probe


class CountingOutput(OutputChannel):
    """Passes every message on to the real output and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.sent += 1
        await self.inner.send_text_message(recipient_id, text, **kwargs)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        self.sent += 1
        await self.inner.send_custom_json(recipient_id, json_message, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        self.sent += 1
        await self.inner.send_image_url(recipient_id, image, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.sent += 1
        await self.inner.send_text_with_buttons(recipient_id, text, buttons, **kwargs)


def where_raised(error: BaseException) -> str:
    """The error's type and the file and line that raised it, without its text."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"


def guarded(on_new_message: Handler, probe: Callable[[], Awaitable[bool]] | None = None) -> Handler:
    """``on_new_message`` that says sorry in Dutch when a message got no reply.

    ``probe`` asks whether the action server is up, for the log (and the
    metric in ``bot.channels.observed``); without it the action server of
    ``ChannelSettings`` is asked, read once here (when Rasa builds the channel)."""
    check = probe or health_probe(ChannelSettings.from_env().action_server_url)

    async def handler(message: UserMessage) -> Any:
        counting = CountingOutput(message.output_channel)
        message.output_channel = counting
        result = None
        try:
            result = await on_new_message(message)
        except Exception as error:
            # Neither the message nor the error's text: a database error may quote values.
            logger.error("a message could not be handled: %s", where_raised(error))
            await counting.inner.send_text_message(message.sender_id, ACTION_SERVER_DOWN)
            return result
        if counting.sent == 0:
            if await check():
                logger.error("no reply to a message (an action failed)")
            else:
                logger.error("no reply: the action server is not reachable")
            await counting.inner.send_text_message(message.sender_id, ACTION_SERVER_DOWN)
        return result

    return handler
