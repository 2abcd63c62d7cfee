"""Fixtures shared by the unit tests: a runtime and a WhatsApp webhook server per module."""

from __future__ import annotations

import asyncio
import http.client
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import runtime
from bot.adviser.accounts import AdviserAccounts
from tests.unit.fuzzing import APP_SECRET, PASSWORD, VERIFY_TOKEN


@pytest.fixture(scope="module")
def module_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Like the `isolated_runtime` fixture, once for this module (hypothesis runs many
    examples in one test call, so a function-scoped fixture would not reset per example)."""
    var_dir = tmp_path_factory.mktemp("fuzz-var")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KC_VAR_DIR", str(var_dir))
        for name in ("KC_RESULTS_DB", "KC_IDENTITY_KEY", "KC_IDENTITY_KEY_FILE"):
            patch.delenv(name, raising=False)
        runtime.reset()
        AdviserAccounts(runtime.store()).add("jdevries", PASSWORD)
        yield var_dir
        runtime.reset()


class _SanicInThread:
    """Rasa's way of mounting an input channel (channel.register) on a real Sanic
    server, running in a thread with its own event loop."""

    def __init__(self) -> None:
        from rasa.core.channels.channel import register
        from sanic import Sanic

        from bot.channels.whatsapp import WhatsAppInput, config_from

        received: list[Any] = []
        self.received = received

        class Agent:
            async def handle_message(self, message: Any) -> None:
                received.append(message)

        config = config_from(
            {"verify_token": VERIFY_TOKEN, "app_secret": APP_SECRET, "access_token": "a",
             "phone_number_id": "1", "graph_base_url": "http://127.0.0.1:9", "attempts": "1",
             "timeout_seconds": "2"},
            {},
        )  # fmt: skip
        self.app = Sanic("kc_fuzz_whatsapp")
        self.app.ctx.agent = Agent()
        register([WhatsAppInput(config)], self.app, "/webhooks/")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="fuzz-sanic", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            server = self.loop.run_until_complete(self._start())
        except BaseException as exc:  # reported by start()
            self.failure = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        closing = server.close()
        if closing is not None:
            self.loop.run_until_complete(closing)
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    async def _start(self) -> Any:
        server = await self.app.create_server(
            sock=self.sock, return_asyncio_server=True, access_log=False
        )
        await server.startup()  # create_server has already bound the socket
        return server

    def start(self) -> None:
        self.thread.start()
        assert self.ready.wait(30), "Sanic did not start"
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, bytes] | None = None
    ) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()


@pytest.fixture(scope="module")
def whatsapp_server(module_runtime: Path) -> Iterator[_SanicInThread]:
    server = _SanicInThread()
    server.start()
    yield server
    server.stop()
