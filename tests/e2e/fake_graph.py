"""A fake WhatsApp Graph API on loopback that records every call.

Runs a real aiohttp server in a thread. ``fail_next(n, code)`` makes the next
n message calls fail with that Graph error code (e.g. 130429, rate limit).
``send_statuses_to(url, secret)`` makes it behave like Meta after each message
it accepts: it posts signed status callbacks ("sent", "delivered", "read") to
the bot's webhook and records how long each acknowledgement took (``acks``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from tests.e2e.conftest import free_port


@dataclass(frozen=True)
class Ack:
    """One webhook call and how long the bot took to acknowledge it."""

    what: str
    started: float  # time.monotonic()
    seconds: float
    status: int


def status_delivery(message_id: str, status: str, to: str) -> dict[str, Any]:
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1234567890"},
             "statuses": [{"id": message_id, "status": status, "recipient_id": to,
                           "timestamp": str(int(time.time()))}]}  # fmt: skip
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]}  # fmt: skip


def signed(body: bytes, secret: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


class FakeGraph:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.calls: list[dict[str, Any]] = []
        self.failures: list[int] = []
        self.acks: list[Ack] = []
        self._webhook: tuple[str, str] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="fake-graph", daemon=True)
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def start(self, timeout: float = 10) -> FakeGraph:
        """Start serving; returns once the port accepts calls, raises when it does not."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(
                f"the fake Graph API did not start on port {self.port} in {timeout} s"
            )
        if self._failure is not None:
            raise RuntimeError(
                f"the fake Graph API could not start on port {self.port}: {self._failure!r}"
            ) from self._failure
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def fail_next(self, count: int, code: int = 130429) -> None:
        with self._lock:
            self.failures.extend([code] * count)

    def send_statuses_to(self, url: str | None, secret: str = "") -> None:
        """Post Meta's status callbacks to ``url`` after every accepted message (None: stop)."""
        with self._lock:
            self._webhook = (url, secret) if url else None

    def status_acks(self) -> list[Ack]:
        with self._lock:
            return list(self.acks)

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return [c["body"] for c in self.calls if c["path"] == "messages" and c["status"] == 200]

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/{version}/{phone}/messages", self._messages)
        app.router.add_post("/{version}/{phone}/media", self._media)
        runner = web.AppRunner(app)
        try:
            self._loop.run_until_complete(runner.setup())
            self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        except BaseException as error:  # reported by start()
            self._failure = error
            return
        finally:
            self._ready.set()
        self._loop.run_forever()

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            code = self.failures.pop(0) if self.failures else None
            status = 400 if code else 200
            self.calls.append({"path": "messages", "body": body, "status": status,
                               "auth": request.headers.get("Authorization")})  # fmt: skip
        if code:
            return web.json_response({"error": {"code": code, "message": "fake"}}, status=400)
        message_id = f"wamid.out.{len(self.calls)}"
        webhook = self._webhook
        if webhook is not None:
            task = asyncio.get_running_loop().create_task(
                self._statuses(webhook, message_id, str(body.get("to")))
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return web.json_response({"messages": [{"id": message_id}]})

    async def _statuses(self, webhook: tuple[str, str], message_id: str, to: str) -> None:
        url, secret = webhook
        async with aiohttp.ClientSession() as session:
            for status in ("sent", "delivered", "read"):
                body = json.dumps(status_delivery(message_id, status, to)).encode()
                started = time.monotonic()
                try:
                    async with session.post(url, data=body, headers=signed(body, secret)) as answer:
                        await answer.read()
                        code = answer.status
                except aiohttp.ClientError:
                    code = 0
                seconds = time.monotonic() - started
                with self._lock:
                    self.acks.append(Ack(f"status {status}", started, seconds, code))

    async def _media(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form.get("file")
        size = len(upload.file.read()) if upload is not None else 0
        with self._lock:
            self.calls.append({"path": "media", "body": {"size": size}, "status": 200})
        return web.json_response({"id": f"media-{len(self.calls)}"})
