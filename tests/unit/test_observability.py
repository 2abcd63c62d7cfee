"""Metrics, /health, /ready and JSON logs, driven through the real code paths.

The web app runs in-process (aiohttp's TestClient); the Rasa REST channel and the
action server (rasa-sdk's own app, extended by our plugin) run on real Sanic
servers in a thread. No assertion depends on how long anything took.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import REGISTRY
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.show_result import ActionShowResult
from actions.start_check import ActionStartCheck
from actions.validate_form import ValidateAssessmentForm
from bot import runtime
from bot.channels.graph import GraphAPIError, GraphSettings
from bot.channels.observed import CountedGraphClient, observed
from bot.config import ConfigError, Settings
from bot.observability import metrics
from bot.observability.json_logs import JsonFormatter, configure_logging
from bot.web.access_log import RedactingAccessLogger
from bot.web.app import WebConfig, create_app
from tests.conftest import ROOT, all_answers

#: A sender id that must never show up in metrics or logs.
SENDER = "persoon-geheim-4711"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def broken_results_db(var_dir: Path) -> None:
    """Garbage where the results database should be (closed first, so nothing writes back)."""
    runtime.reset()
    for name in ("results.db-wal", "results.db-shm"):
        (var_dir / name).unlink(missing_ok=True)
    (var_dir / "results.db").write_bytes(b"dit is geen database " * 200)


# --- servers ---------------------------------------------------------------------------


class SanicInThread:
    """A real Sanic server on a free port, in a thread with its own event loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(self._start())
        self.ready.set()
        self.loop.run_forever()
        closing = server.close()
        if closing is not None:
            self.loop.run_until_complete(closing)
        self.loop.close()

    async def _start(self) -> Any:
        server = await self.app.create_server(
            sock=self.sock, return_asyncio_server=True, access_log=False
        )
        await server.startup()
        return server

    def __enter__(self) -> SanicInThread:
        from sanic.touchup import TouchUp

        # Sanic rewrites its protocol's methods at a server's first start in a process
        # and fails at a second rewrite: once they are rewritten, start without one.
        rewritten = any(getattr(target, "__touched__", False) for target, _ in TouchUp._registry)
        rewrites = TouchUp._registry
        if rewritten:
            TouchUp._registry = set()
        try:
            self.thread.start()
            assert self.ready.wait(30), "Sanic did not start"
        finally:
            TouchUp._registry = rewrites
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = json.dumps(body).encode() if body is not None else None
            headers = {"Content-Type": "application/json"} if data else {}
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8")
        finally:
            connection.close()


@pytest.fixture(scope="module", autouse=True)
def _sanic_as_found() -> Iterator[None]:
    """Give Sanic's protocol methods back as this module found them, for later servers."""
    from sanic.touchup import TouchUp

    targets = {target for target, _ in TouchUp._registry}
    found = {(t, m): getattr(t, m) for t, m in TouchUp._registry}
    touched = {t: t.__dict__.get("__touched__") for t in targets}
    yield
    for (target, name), method in found.items():
        setattr(target, name, method)
    for target, flag in touched.items():
        if flag is None and "__touched__" in target.__dict__:
            delattr(target, "__touched__")


class ReplyingAgent:
    """Rasa's agent as a channel sees it: one Dutch reply per message, or a failure."""

    def __init__(self) -> None:
        self.fail = False
        self.loaded = True

    def is_ready(self) -> bool:
        return self.loaded

    async def handle_message(self, message: Any) -> None:
        if self.fail:
            raise RuntimeError("the model could not be run")
        await message.output_channel.send_text_message(
            message.sender_id, "Hoi! Fijn dat je er bent."
        )


@pytest.fixture(scope="module")
def rasa_server() -> Iterator[tuple[SanicInThread, ReplyingAgent]]:
    """Our REST channel mounted the way Rasa mounts it (under /webhooks/)."""
    from rasa.core.channels.channel import register
    from sanic import Sanic

    from bot.channels.rest import KlantcontactRestInput

    agent = ReplyingAgent()
    app = Sanic("kc_observability_rasa")
    app.ctx.agent = agent
    register([KlantcontactRestInput()], app, "/webhooks/")
    with SanicInThread(app) as server:
        yield server, agent


@pytest.fixture(scope="module")
def action_server(module_runtime: Path) -> Iterator[SanicInThread]:
    """rasa-sdk's action server app, extended through its plugin hook as at `rasa run actions`."""
    from rasa_sdk.endpoint import create_app as create_action_app
    from rasa_sdk.plugin import plugin_manager

    app = create_action_app("actions")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    with SanicInThread(app) as server:
        yield server


@pytest.fixture
async def web_client(isolated_runtime: Path) -> Any:
    app = create_app(
        WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=ROOT / "node_modules")
    )
    server = TestServer(app)
    await server.start_server(access_log_class=RedactingAccessLogger)  # as `run` logs
    async with TestClient(server) as client:
        yield client


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """KC_LOG_FORMAT=json for this test; the root logger is restored afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    assert configure_logging("json", stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


# --- the web app -----------------------------------------------------------------------


async def test_the_web_app_is_healthy_ready_and_shows_metrics(web_client):
    assert (await web_client.get("/health")).status == 200
    ready = await web_client.get("/ready")
    assert ready.status == 200
    assert await ready.json() == {"status": "ready", "checks": {"results_db": "ok"}}
    await web_client.get("/adviseur/rapport/ABCD-EFGH")
    await web_client.get("/nergens/XYZ-987?sender=geheim")
    response = await web_client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    assert "kc_checks_started_total" in text and "kc_turn_seconds_bucket" in text
    assert 'kc_web_requests_total{route="/health",status="200"}' in text
    assert "ABCD-EFGH" not in text and "XYZ-987" not in text and "geheim" not in text
    assert 'route="other"' in text  # an unknown path is counted, never named
    routes = {
        labels["route"]
        for metric in REGISTRY.collect()
        if metric.name == "kc_web_requests"
        for _, labels, _, *_ in metric.samples
    }
    assert "/adviseur/rapport/ABCD-EFGH" not in routes
    assert any(route.startswith("/adviseur/rapport/{code}") for route in routes)


async def test_ready_fails_with_a_broken_results_database(web_client, isolated_runtime):
    broken_results_db(isolated_runtime)
    response = await web_client.get("/ready")
    assert response.status == 503
    assert await response.json() == {"status": "not ready", "checks": {"results_db": "failing"}}
    assert (await web_client.get("/health")).status == 200  # up, but not ready


# --- the action server -----------------------------------------------------------------


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    return Domain.load(str(ROOT / "domain.yml")).as_dict()


def tracker(slots: dict[str, Any], text: str = "", choice: str | None = None) -> Tracker:
    entities = [{"entity": "choice", "value": choice}] if choice else []
    return Tracker(
        sender_id=SENDER,
        slots=slots,
        latest_message={
            "text": text,
            "intent": {"name": "inform", "confidence": 1.0},
            "entities": entities,
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def test_a_check_is_counted_in_the_action_servers_metrics(action_server, domain, assessment):
    started = sample("kc_checks_started_total")
    completed = sample("kc_checks_completed_total")
    tapped = sample("kc_answers_total", input="tapped")
    typed = sample("kc_answers_total", input="typed")
    clarified = sample("kc_clarifications_total")

    await ActionStartCheck().run(CollectingDispatcher(), tracker({}), domain)
    form = ValidateAssessmentForm()
    slots = {"answers": {}, "assessment_id": "c" * 32}
    await form.validate_assessment_answer(
        "/inform", CollectingDispatcher(), tracker(slots, "/inform", "toestemming:ja"), domain
    )
    slots = {"answers": {"toestemming": "nee"}}
    await form.validate_assessment_answer(
        "kassa en bediening", CollectingDispatcher(), tracker(slots, "kassa en bediening"), domain
    )  # "Bedoel je ...?"
    await form.validate_assessment_answer(
        "winkel", CollectingDispatcher(), tracker(slots, "winkel"), domain
    )
    answers = all_answers(assessment)
    await ActionShowResult().run(
        CollectingDispatcher(), tracker({"answers": answers, "assessment_id": "d" * 32}), domain
    )

    assert sample("kc_checks_started_total") == started + 1
    assert sample("kc_checks_completed_total") == completed + 1
    assert sample("kc_answers_total", input="tapped") == tapped + 1
    assert sample("kc_answers_total", input="typed") == typed + 1
    assert sample("kc_clarifications_total") == clarified + 1

    status, text = action_server.request("GET", "/metrics")
    assert status == 200
    assert "kc_checks_completed_total" in text and 'kc_answers_total{input="typed"}' in text
    assert SENDER not in text and runtime.person_for(SENDER) not in text
    assert "winkel" not in text and "kassa" not in text  # no typed text in any label


def test_the_action_server_keeps_health_and_adds_ready(action_server, module_runtime):
    assert action_server.request("GET", "/health")[0] == 200
    status, body = action_server.request("GET", "/ready")
    assert status == 200 and json.loads(body)["checks"] == {"results_db": "ok"}
    broken_results_db(module_runtime)
    try:
        status, body = action_server.request("GET", "/ready")
        assert status == 503 and json.loads(body)["status"] == "not ready"
    finally:
        runtime.reset()
        (module_runtime / "results.db").unlink()


async def test_a_store_error_is_counted(domain, isolated_runtime):
    broken_results_db(isolated_runtime)
    before = sample("kc_errors_total", kind="store")
    slots = {"answers": {}, "assessment_id": "e" * 32}
    await ValidateAssessmentForm().validate_assessment_answer(
        "/inform", CollectingDispatcher(), tracker(slots, "/inform", "toestemming:ja"), domain
    )
    assert sample("kc_errors_total", kind="store") == before + 1


# --- the channels in the Rasa process --------------------------------------------------


def test_rest_turns_are_timed_and_shown_without_the_sender(rasa_server):
    server, _ = rasa_server
    before = sample("kc_turn_seconds_count", channel="rest")
    status, body = server.request(
        "POST", "/webhooks/rest/webhook", {"sender": SENDER, "message": "hoi, ik ben Jan"}
    )
    assert status == 200 and json.loads(body)[0]["text"].startswith("Hoi!")
    assert sample("kc_turn_seconds_count", channel="rest") == before + 1
    status, text = server.request("GET", "/webhooks/rest/metrics")
    assert status == 200
    assert 'kc_turn_seconds_count{channel="rest"}' in text
    assert SENDER not in text and "Jan" not in text


def test_rasa_is_ready_once_the_model_is_loaded(rasa_server, module_runtime):
    server, agent = rasa_server
    status, body = server.request("GET", "/webhooks/rest/ready")
    assert status == 200
    assert json.loads(body)["checks"] == {"model": "ok", "results_db": "ok"}
    agent.loaded = False
    try:
        status, body = server.request("GET", "/webhooks/rest/ready")
    finally:
        agent.loaded = True
    assert status == 503 and json.loads(body)["checks"]["model"] == "failing"


async def test_a_silent_turn_counts_the_action_server_as_unreachable():
    before = sample("kc_errors_total", kind="action_server_unreachable")
    turns = sample("kc_turn_seconds_count", channel="socketio")

    async def silent(message: Any) -> None:
        return None

    async def down() -> bool:
        return False

    output = RecordingOutput()
    from rasa.core.channels.channel import UserMessage

    await observed(silent, "socketio", probe=down)(UserMessage("hoi", output, SENDER))
    assert output.texts and output.texts[0].startswith("Sorry")
    assert sample("kc_errors_total", kind="action_server_unreachable") == before + 1
    assert sample("kc_turn_seconds_count", channel="socketio") == turns + 1


async def test_a_failed_whatsapp_send_is_counted(monkeypatch):
    settings = GraphSettings(base_url="http://127.0.0.1:9", api_version="v21.0",
                             phone_number_id="1", access_token="a")  # fmt: skip
    client = CountedGraphClient(settings)

    async def refused(self: Any, path: str, **kwargs: Any) -> dict[str, Any]:
        raise GraphAPIError("HTTP 400, error code 131026")

    monkeypatch.setattr("bot.channels.graph.GraphClient._call", refused)
    before = sample("kc_errors_total", kind="whatsapp_send")
    with pytest.raises(GraphAPIError):
        await client.send_message({"to": "31611111111"})
    assert sample("kc_errors_total", kind="whatsapp_send") == before + 1
    assert "31611111111" not in metrics.metrics_text().decode()


def test_labels_outside_the_fixed_sets_are_refused():
    with pytest.raises(ValueError):
        metrics.turn_took(SENDER, 0.1)
    with pytest.raises(ValueError):
        metrics.error("sender " + SENDER)


# --- JSON logs -------------------------------------------------------------------------


def test_json_log_lines_parse_and_carry_no_sender(rasa_server, json_logs):
    server, agent = rasa_server
    agent.fail = True
    try:
        status, body = server.request(
            "POST", "/webhooks/rest/webhook", {"sender": SENDER, "message": "mijn naam is Jan"}
        )
    finally:
        agent.fail = False
    assert status == 200 and "Sorry" in body  # the guard answered in Dutch
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    failure = [
        line for line in lines if line["message"].startswith("a message could not be handled: ")
    ]
    assert failure and failure[0]["level"] == "ERROR"
    assert set(failure[0]) >= {"time", "level", "logger", "message"}
    assert SENDER not in json_logs.getvalue() and "Jan" not in json_logs.getvalue()


async def test_json_access_log_keeps_the_redaction(web_client, json_logs):
    await web_client.get("/adviseur/rapport/ABCD-EFGH?code=ABCD-EFGH")
    await web_client.get("/api/result.json?overall=75")
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    access = [line["message"] for line in lines if line["logger"] == "aiohttp.access"]
    assert any("/adviseur/rapport/[code]" in message for message in access)
    assert "ABCD-EFGH" not in json_logs.getvalue() and "overall=75" not in json_logs.getvalue()


def test_text_mode_changes_nothing_and_the_setting_is_checked():
    root = logging.getLogger()
    handlers = list(root.handlers)
    assert configure_logging("text") is False
    assert root.handlers == handlers
    assert Settings.from_env({"KC_LOG_FORMAT": "JSON"}).log_format == "json"
    assert Settings.from_env({}).log_format == "text"
    with pytest.raises(ConfigError, match="KC_LOG_FORMAT"):
        Settings.from_env({"KC_LOG_FORMAT": "xml"})


def test_a_json_line_has_the_four_fields_and_the_traceback():
    try:
        raise StoreErrorLike("count_assessments failed on var/results.db")
    except StoreErrorLike:
        record = logging.LogRecord("bot.x", logging.ERROR, __file__, 1, "mislukt %s", ("x",), None)
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "mislukt x" and line["level"] == "ERROR"
    assert line["logger"] == "bot.x" and line["time"].endswith("+00:00")
    assert "count_assessments failed" in line["error"]


class StoreErrorLike(RuntimeError):
    pass


class RecordingOutput:
    """Enough of an output channel for the guard."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def name(self) -> str:
        return "recording"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.texts.append(text)
