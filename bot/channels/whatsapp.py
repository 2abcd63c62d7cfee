"""A Rasa input channel for Meta's WhatsApp Business Cloud API.

- GET  /webhooks/whatsapp/webhook  answers Meta's verification challenge;
- POST /webhooks/whatsapp/webhook  checks X-Hub-Signature-256, answers 200 at
  once and handles the messages after that (Meta retries slow webhooks);
  message ids are remembered in the results database, so a redelivery, even
  after a restart, is answered only once.

Configuration comes from credentials.yml or, when a key is empty there, from
the environment: WHATSAPP_VERIFY_TOKEN, WHATSAPP_APP_SECRET,
WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_API_VERSION (v21.0),
WHATSAPP_GRAPH_BASE_URL (https://graph.facebook.com). Phone numbers are never
logged or stored: Rasa sees a keyed hash as the sender id.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.channels.graph import GraphAPIError, GraphClient, GraphSettings
from bot.channels.guard import guarded
from bot.channels.whatsapp_format import (
    TEXT_ONLY_REPLY,
    Incoming,
    choice_messages,
    image_message,
    parse_webhook,
    signature_is_valid,
    split_text,
    text_message,
)
from bot.charts import alt_text, render_radar_png
from bot.messages import RESULT_TYPE

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WhatsAppConfig:
    verify_token: str
    app_secret: str
    graph: GraphSettings
    public_web_url: str = ""

    @property
    def complete(self) -> bool:
        g = self.graph
        return all((self.verify_token, self.app_secret, g.access_token, g.phone_number_id))


def config_from(credentials: Mapping[str, Any] | None, env: Mapping[str, str]) -> WhatsAppConfig:
    creds = dict(credentials or {})

    def get(key: str, default: str = "") -> str:
        value = creds.get(key) or env.get(f"WHATSAPP_{key.upper()}") or default
        return str(value)

    graph = GraphSettings(
        base_url=get("graph_base_url", "https://graph.facebook.com"),
        api_version=get("api_version", "v21.0"),
        phone_number_id=get("phone_number_id"),
        access_token=get("access_token"),
        timeout_seconds=float(get("timeout_seconds", "10")),
        attempts=int(get("attempts", "4")),
        backoff_seconds=float(get("backoff_seconds", "0.5")),
    )
    return WhatsAppConfig(
        verify_token=get("verify_token"),
        app_secret=get("app_secret"),
        graph=graph,
        public_web_url=env.get("KC_PUBLIC_WEB_URL", "").rstrip("/"),
    )


def sender_for(wa_id: str) -> str:
    """The Rasa sender id: a keyed hash, never the phone number itself."""
    return runtime.person_for(f"whatsapp:{wa_id}")


class WhatsAppOutput(OutputChannel):
    """Sends the bot's messages to one WhatsApp user; failures are logged, not raised."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(self, client: GraphClient, wa_id: str, public_web_url: str = "") -> None:
        self.client = client
        self.wa_id = wa_id
        self.public_web_url = public_web_url

    async def _send(self, body: dict[str, Any]) -> None:
        # A failure is already logged by the client, without the phone number.
        with contextlib.suppress(GraphAPIError):
            await self.client.send_message(body)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text):
            await self._send(text_message(self.wa_id, part))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        for body in choice_messages(self.wa_id, text, buttons):
            await self._send(body)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        if json_message.get("type") != RESULT_TYPE:
            return
        from bot.web.app import result_query

        assessment = runtime.assessment()
        scores, overall = json_message["scores"], json_message["overall"]
        try:
            media_id = await self.client.upload_png(render_radar_png(assessment, scores))
            await self._send(
                image_message(self.wa_id, media_id, alt_text(assessment, scores, overall))
            )
        except GraphAPIError:
            await self.send_text_message(recipient_id, alt_text(assessment, scores, overall))
        if self.public_web_url:
            query = result_query(scores, overall, list(json_message.get("routes") or []))
            link = f"{self.public_web_url}/api/report.pdf?{query}"
            await self.send_text_message(recipient_id, f"Je rapport als PDF: {link}")


class WhatsAppInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(config_from(credentials, os.environ))

    def __init__(self, config: WhatsAppConfig) -> None:
        self.config = config
        self.client = GraphClient(config.graph)
        self._tasks: set[asyncio.Task[None]] = set()
        if not config.complete:
            logger.warning("WhatsApp channel is not configured; its webhook answers 503")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guarded(on_new_message)
        hook = Blueprint("whatsapp_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.config.complete})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.config.complete:
                return response.text("WhatsApp is not configured", status=503)
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                token.encode("utf-8"), self.config.verify_token.encode("utf-8")
            ):
                return response.text(request.args.get("hub.challenge") or "")
            return response.text("forbidden", status=403)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.config.complete:
                return response.text("WhatsApp is not configured", status=503)
            body = request.body or b""
            header = request.headers.get("X-Hub-Signature-256")
            if not signature_is_valid(self.config.app_secret, body, header):
                return response.text("forbidden", status=403)
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return response.text("malformed JSON", status=400)
            items = parse_webhook(payload)
            if items:
                task = asyncio.get_running_loop().create_task(self._handle(items, on_new_message))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return response.text("ok")

        return hook

    async def _handle(
        self, items: list[Incoming], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        for item in items:
            try:
                sender = sender_for(item.wa_id)
                person = runtime.person_for(sender)
                if not runtime.store().first_delivery(f"whatsapp:{item.message_id}", person):
                    continue
                output = WhatsAppOutput(self.client, item.wa_id, self.config.public_web_url)
                if item.kind == "media":
                    await output.send_text_message("", TEXT_ONLY_REPLY)
                    continue
                await on_new_message(
                    UserMessage(
                        item.text,
                        output,
                        sender,
                        input_channel=self.name(),
                    )
                )
            except Exception:
                logger.exception("WhatsApp message could not be handled")

    def get_output_channel(self) -> OutputChannel | None:
        return None
