"""Asyncio REST client: virtual users holding real conversations, with timings.

Every virtual user sends one message at a time and waits for the reply (a closed
loop, like a person in a chat). Latency is the time from POST to the complete
response. Sender ids are unique per run.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

HTTP_TIMEOUT_SECONDS = 120
CHOICE = re.compile(r'"choice": "([^":]+):([^"]+)"')
MAX_TURNS = 60


class ConversationError(RuntimeError):
    """The bot did not answer as a real conversation needs."""


@dataclass
class Recorder:
    """Latencies and failures of every message sent."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


class RestClient:
    """One virtual user's connection to Rasa's REST channel; records every call."""

    def __init__(self, session: aiohttp.ClientSession, rasa_url: str, recorder: Recorder) -> None:
        self.session = session
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.recorder = recorder
        self.sent = 0

    async def send(
        self, sender: str, message: str, message_id: str | None = None
    ) -> list[dict[str, Any]]:
        """One message; with ``message_id`` a copy sent again is answered, not handled twice."""
        self.sent += 1
        started = time.perf_counter()
        body: dict[str, str] = {"sender": sender, "message": message}
        if message_id is not None:
            body["message_id"] = message_id
        try:
            async with self.session.post(
                self.url,
                json=body,
                timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS),
            ) as response:
                body = await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self.recorder.count(0)
            raise ConversationError(f"{type(exc).__name__}: {exc}") from exc
        self.recorder.latencies.append(time.perf_counter() - started)
        self.recorder.count(status)
        if status != 200:
            raise ConversationError(f"HTTP {status} {body[:200]!r}")
        return json.loads(body)


def _result_of(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "assessment_result":
            return custom
    return None


def _question_buttons(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The buttons of the last question the bot asked (their payloads carry its id)."""
    for message in reversed(messages):
        buttons = message.get("buttons") or []
        if any(CHOICE.search(b.get("payload", "")) for b in buttons):
            return buttons
    return []


async def our_check(
    client: RestClient, sender: str, rng: random.Random, typed: bool = False
) -> dict[str, Any]:
    """The real check: a greeting, consent typed as "ja", then a button per question.

    ``typed``: the user types each button's title instead of tapping it, so the
    text goes through the NLU pipeline and the answer parser (as on WhatsApp).
    """
    messages = await client.send(sender, "hoi")
    if not _question_buttons(messages):
        raise ConversationError(f"no consent question after 'hoi': {messages!r}")
    messages = await client.send(sender, "ja")
    for _ in range(MAX_TURNS):
        result = _result_of(messages)
        if result is not None:
            return result
        buttons = _question_buttons(messages)
        if not buttons:
            raise ConversationError(f"no question and no result: {messages!r}")
        button = rng.choice(buttons)
        messages = await client.send(sender, button["title"] if typed else button["payload"])
    raise ConversationError("the check did not end")


async def our_typed_check(client: RestClient, sender: str, rng: random.Random) -> dict[str, Any]:
    """``our_check`` with every answer typed (the button's title) instead of tapped."""
    return await our_check(client, sender, rng, typed=True)


STOCK_CONVERSATIONS = (
    ("hey", "I am great", "are you a bot?", "bye"),
    ("hello", "I am sad", "yes", "goodbye"),
    ("hi", "not very good", "no", "see you"),
    ("good morning", "very good", "bye bye"),
)


async def stock_conversation(client: RestClient, sender: str, rng: random.Random) -> dict[str, Any]:
    """The moodbot's greet / mood conversation; checks that it always replies."""
    for text in rng.choice(STOCK_CONVERSATIONS):
        messages = await client.send(sender, text)
        if not messages:
            raise ConversationError(f"no reply to {text!r}")
    return {}


Conversation = Callable[[RestClient, str, random.Random], Awaitable[dict[str, Any]]]


@dataclass
class LevelResult:
    """One concurrency level: latency percentiles and throughput."""

    bot: str
    users: int
    messages: int
    conversations: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: list[str]
    statuses: dict[int, int]

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    """Percentile ``q`` (0-100) with linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(
    bot: str, users: int, recorder: Recorder, conversations: int, seconds: float
) -> LevelResult:
    ms = [v * 1000 for v in recorder.latencies]
    return LevelResult(
        bot=bot, users=users, messages=len(ms), conversations=conversations, seconds=seconds,
        p50_ms=percentile(ms, 50), p95_ms=percentile(ms, 95), p99_ms=percentile(ms, 99),
        max_ms=max(ms) if ms else float("nan"), errors=recorder.errors,
        statuses=recorder.statuses,
    )  # fmt: skip


def _connector(users: int) -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=max(users, 1) + 5)


async def run_level(
    rasa_url: str,
    bot: str,
    conversation: Conversation,
    users: int,
    messages_per_user: int,
    run_id: str,
) -> LevelResult:
    """``users`` virtual users at once; each holds whole conversations (new sender id each)
    until it has sent at least ``messages_per_user`` messages.
    Throughput = messages answered / wall time of the level."""
    recorder = Recorder()
    finished = 0

    async def user(index: int, client: RestClient) -> None:
        nonlocal finished
        rng = random.Random(f"{run_id}-{bot}-{users}-{index}")  # noqa: S311 (test data)
        number = 0
        while client.sent < messages_per_user:
            sender = f"bench-{run_id}-{bot}-u{users}-{index}-{number}"
            number += 1
            try:
                await conversation(client, sender, rng)
            except ConversationError as exc:
                recorder.errors.append(f"{sender}: {exc}"[:300])
                return
            finished += 1

    async with aiohttp.ClientSession(connector=_connector(users)) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *(user(i, RestClient(session, rasa_url, recorder)) for i in range(users))
        )
        seconds = time.perf_counter() - started
    return summarize(bot, users, recorder, finished, seconds)


@dataclass
class CheckRun:
    """The load test: every user completes the check once."""

    level: LevelResult
    results: dict[str, dict[str, Any]]  # sender -> the assessment_result JSON shown
    failed: dict[str, str]  # sender -> why the conversation failed


async def run_checks(rasa_url: str, users: int, run_id: str) -> CheckRun:
    """``users`` people who each complete the whole check at the same time."""
    recorder = Recorder()
    results: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}

    async def person(index: int, client: RestClient) -> None:
        sender = f"bench-{run_id}-load-{index}"
        try:
            results[sender] = await our_check(client, sender, random.Random(sender))  # noqa: S311
        except ConversationError as exc:
            failed[sender] = str(exc)[:300]
            recorder.errors.append(f"{sender}: {exc}"[:300])

    async with aiohttp.ClientSession(connector=_connector(users)) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *(person(i, RestClient(session, rasa_url, recorder)) for i in range(users))
        )
        seconds = time.perf_counter() - started
    level = summarize("ours", users, recorder, len(results), seconds)
    return CheckRun(level, results, failed)
