"""The bot's messages to one WhatsApp user, sent a turn at a time.

Rasa hands the output one message after another. This output collects the
messages of one turn and sends them when the turn is done
(:meth:`WhatsAppOutput.flush`), so that it can

- send the result chart first, with a short caption, and then the result
  texts, whatever order the action used; the chart is drawn in a worker thread
  (``bot.channels.chart_worker``), so webhooks are still answered meanwhile;
- offer "Waarom dit advies?" and "Meer advies" as reply buttons after a result;
- word a hint by what is on the screen: "Tik op 'Kies'" when a list is open,
  "Tik op een knop" for reply buttons, never "Kies een knop" under a list.

What was last on a person's screen is remembered in memory only, by Rasa's
sender id (a keyed hash, never the phone number), for a bounded number of
people. Failures to send are logged by the Graph client, never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot import runtime
from bot.channels import chart_worker
from bot.channels.graph import GraphAPIError, GraphClient
from bot.channels.whatsapp_format import (
    SHOWN_BUTTONS,
    choice_layout,
    choice_messages,
    image_message,
    say_what_is_on_screen,
    split_text,
    text_message,
)
from bot.conversation.messages import RESULT_TYPE

logger = logging.getLogger(__name__)

#: The image's caption: what the picture is, not the scores (the text after it has those).
RESULT_CAPTION = "Je uitslag per onderdeel, van 0 tot 100. Hieronder lees je wat die betekent."
FOLLOW_UP_TEXT = "Wil je weten waarom je dit advies krijgt? Of wil je alle adviezen zien?"
#: The intents of "Waarom dit advies?" and "Meer advies" (domain.yml), as button payloads.
FOLLOW_UP_BUTTONS: tuple[dict[str, str], ...] = (
    {"title": "Waarom dit advies?", "payload": "/ask_advice_why"},
    {"title": "Meer advies", "payload": "/more_advice"},
)


class ScreenMemory:
    """What kind of choice (buttons, list, text) each person last got; bounded, in memory."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._seen: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sender: str) -> str | None:
        with self._lock:
            return self._seen.get(sender)

    def set(self, sender: str, shown: str) -> None:
        with self._lock:
            self._seen[sender] = shown
            self._seen.move_to_end(sender)
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)


SCREENS = ScreenMemory()


@dataclass
class _Turn:
    """The messages of one turn, in Rasa's order."""

    items: list[tuple[str, Any]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    chart: asyncio.Task[str | None] | None = None


class WhatsAppOutput(OutputChannel):
    """Sends the bot's messages to one WhatsApp user; call :meth:`flush` after the turn."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(
        self,
        client: GraphClient,
        wa_id: str,
        public_web_url: str = "",
        screens: ScreenMemory = SCREENS,
    ) -> None:
        self.client = client
        self.wa_id = wa_id
        self.public_web_url = public_web_url
        self.screens = screens
        self.sender = ""
        self._turn = _Turn()

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.sender = recipient_id or self.sender
        self._turn.items.append(("text", text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.sender = recipient_id or self.sender
        self._turn.items.append(("choice", (text, list(buttons))))

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        if json_message.get("type") != RESULT_TYPE:
            return
        self.sender = recipient_id or self.sender
        self._turn.result = json_message
        # Start drawing now; the texts of the turn wait for the chart in flush().
        self._turn.chart = asyncio.get_running_loop().create_task(
            self._upload_chart(json_message["scores"])
        )

    async def flush(self) -> None:
        """Send this turn's messages: the chart first, then the texts and choices in order."""
        turn, self._turn = self._turn, _Turn()
        choices = [value for kind, value in turn.items if kind == "choice"]
        shown = choice_layout(*choices[-1]) if choices else self.screens.get(self.sender)
        if turn.result is not None:
            shown = SHOWN_BUTTONS  # the follow-up buttons come last
        if turn.chart is not None:
            media_id = await turn.chart
            if media_id is not None:
                await self._send(image_message(self.wa_id, media_id, RESULT_CAPTION))
        for kind, value in turn.items:
            if kind == "text":
                text = say_what_is_on_screen(value, shown) if shown else value
                for part in split_text(text):
                    await self._send(text_message(self.wa_id, part))
            else:
                for body in choice_messages(self.wa_id, *value):
                    await self._send(body)
        if turn.result is not None:
            await self._after_result(turn.result)
        if shown and self.sender:
            self.screens.set(self.sender, shown)

    async def _after_result(self, result: dict[str, Any]) -> None:
        if self.public_web_url:
            from bot.web.app import result_query

            routes = list(result.get("routes") or [])
            query = result_query(result["scores"], result["overall"], routes)
            link = f"{self.public_web_url}/api/report.pdf?{query}"
            await self._send(text_message(self.wa_id, f"Je rapport als PDF: {link}"))
        for body in choice_messages(self.wa_id, FOLLOW_UP_TEXT, list(FOLLOW_UP_BUTTONS)):
            await self._send(body)

    async def _upload_chart(self, scores: dict[str, int]) -> str | None:
        """Draw the chart off the event loop and upload it; None when that fails."""
        try:
            png = await chart_worker.radar_png(runtime.assessment(), scores)
            return await self.client.upload_png(png)
        except GraphAPIError:
            return None  # logged by the client; the result text has every score
        except Exception:
            logger.exception("the result chart could not be drawn")
            return None

    async def _send(self, body: dict[str, Any]) -> None:
        # A failure is already logged by the client, without the phone number.
        with contextlib.suppress(GraphAPIError):
            await self.client.send_message(body)
