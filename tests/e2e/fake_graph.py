"""A fake WhatsApp Graph API on loopback that records every call.

Runs a real aiohttp server in a thread. ``fail_next(n, code)`` makes the next
n message calls fail with that Graph error code (e.g. 130429, rate limit).
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from aiohttp import web

from tests.e2e.conftest import free_port


class FakeGraph:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.calls: list[dict[str, Any]] = []
        self.failures: list[int] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> FakeGraph:
        self._thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not getattr(self, "_ready", False):
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)

    def fail_next(self, count: int, code: int = 130429) -> None:
        with self._lock:
            self.failures.extend([code] * count)

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return [c["body"] for c in self.calls if c["path"] == "messages" and c["status"] == 200]

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/{version}/{phone}/messages", self._messages)
        app.router.add_post("/{version}/{phone}/media", self._media)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._ready = True
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
        return web.json_response({"messages": [{"id": f"wamid.out.{len(self.calls)}"}]})

    async def _media(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form.get("file")
        size = len(upload.file.read()) if upload is not None else 0
        with self._lock:
            self.calls.append({"path": "media", "body": {"size": size}, "status": 200})
        return web.json_response({"id": f"media-{len(self.calls)}"})
