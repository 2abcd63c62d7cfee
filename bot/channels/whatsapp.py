"""A Rasa input channel for Meta's WhatsApp Business Cloud API.

- GET  /webhooks/whatsapp/webhook  answers Meta's verification challenge;
- POST /webhooks/whatsapp/webhook  checks X-Hub-Signature-256, answers 200 at
  once and handles the messages after that (Meta retries slow webhooks);
  message ids are remembered in the results database, so a redelivery, even
  after a restart, is answered only once.

Configuration comes from credentials.yml or, when a key is empty there, from
the environment (read by ``bot.config.ChannelSettings``): WHATSAPP_VERIFY_TOKEN,
WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID,
WHATSAPP_API_VERSION (v21.0), WHATSAPP_GRAPH_BASE_URL (https://graph.facebook.com),
WHATSAPP_TIMEOUT_SECONDS (10), WHATSAPP_ATTEMPTS (4), WHATSAPP_BACKOFF_SECONDS (0.5).
Once the first four are set, the
channel refuses to start without a public https KC_PUBLIC_WEB_URL: the privacy
link and the PDF report link must open on a phone. Phone numbers are never
logged or stored: Rasa sees a keyed hash as the sender id.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.utils.cli import print_error_and_exit
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.channels import chart_worker
from bot.channels.graph import GraphSettings
from bot.channels.observed import CountedGraphClient, turn_timer, watched
from bot.channels.whatsapp_format import (
    TEXT_ONLY_REPLY,
    Incoming,
    parse_webhook,
    signature_is_valid,
)
from bot.channels.whatsapp_output import WhatsAppOutput
from bot.config import ChannelSettings
from bot.observability import metrics

__all__ = ["WhatsAppConfigError", "WhatsAppInput", "WhatsAppOutput", "config_from"]

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


def config_from(
    credentials: Mapping[str, Any] | None, env: Mapping[str, str] | None = None
) -> WhatsAppConfig:
    """credentials.yml's values, else the environment's (``env``; default: the process's)."""
    creds = dict(credentials or {})
    settings = ChannelSettings.from_env(env)

    def get(key: str, default: str = "") -> str:
        value = creds.get(key) or settings.whatsapp.get(key) or default
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
        public_web_url=settings.public_web_url,
    )


class WhatsAppConfigError(RuntimeError):
    """The WhatsApp channel is configured in a way that would fail its users."""


def public_web_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the web address WhatsApp users are sent to; None when it can."""
    if not url:
        return "is not set"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        return f"is {url!r}, not an https address"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if (
        host == "localhost"
        or host.endswith(".localhost")
        or (address is not None and not address.is_global)
    ):
        return f"is {url!r}, which a phone cannot reach"
    return None


def require_public_web_url(config: WhatsAppConfig) -> None:
    """With WhatsApp configured, the web pages must be public: refuse to start otherwise."""
    if not config.complete:
        return
    problem = public_web_url_problem(config.public_web_url)
    if problem is None:
        return
    message = (
        f"WhatsApp is configured, but KC_PUBLIC_WEB_URL {problem}. Set KC_PUBLIC_WEB_URL "
        "to the public https address of the web pages (for example "
        "https://klantcontact.example.nl): the privacy link and the PDF report link on "
        "WhatsApp point there. See docs/whatsapp.md."
    )
    raise WhatsAppConfigError(message)


def sender_for(wa_id: str) -> str:
    """The Rasa sender id: a keyed hash, never the phone number itself."""
    return runtime.person_for(f"whatsapp:{wa_id}")


class WhatsAppInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        config = config_from(credentials)
        try:
            require_public_web_url(config)
        except WhatsAppConfigError as error:
            print_error_and_exit(str(error))  # Rasa's way: a red line, exit code 1
        return cls(config)

    def __init__(self, config: WhatsAppConfig) -> None:
        self.config = config
        self.client = CountedGraphClient(config.graph)  # counts failed sends
        self._tasks: set[asyncio.Task[None]] = set()
        if not config.complete:
            logger.warning("WhatsApp channel is not configured; its webhook answers 503")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = watched(on_new_message)  # timed in _handle, with the sending
        hook = Blueprint("whatsapp_webhook", __name__)

        if self.config.complete:

            @hook.listener("after_server_start")
            async def warm_up_chart(app: Any, loop: Any) -> None:
                # matplotlib (and the PDF link's code) load in the chart worker: not on
                # the loop when the first result comes, and not at import.
                chart_worker.warm_up(runtime.assessment(), "bot.web.app")

            @hook.listener("before_server_stop")
            async def stop_chart(app: Any, loop: Any) -> None:
                chart_worker.shutdown()

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
                with turn_timer(self.name()):
                    try:
                        if item.kind == "media":
                            await output.send_text_message(sender, TEXT_ONLY_REPLY)
                            continue
                        await on_new_message(
                            UserMessage(
                                item.text,
                                output,
                                sender,
                                input_channel=self.name(),
                            )
                        )
                    finally:
                        await output.flush()  # the turn's messages go out together, chart first
            except Exception:
                metrics.error("turn")
                logger.exception("WhatsApp message could not be handled")

    def get_output_channel(self) -> OutputChannel | None:
        return None
