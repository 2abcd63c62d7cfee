"""Virtual people for the cluster test: they do the check and behave like a person
when the bot says "probeer het opnieuw" (they send the same message again).

Built on scripts/bench/load.py (its REST client, recorder and message helpers).
Each person also checks, after every answer, that the bot asks the question that
should come next: a conversation that skipped or repeated a question "lost its place".
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.check.assessment import Assessment
from bot.check.flow import open_question
from scripts.bench.load import (
    CHOICE,
    ConversationError,
    Recorder,
    RestClient,
    _question_buttons,
    _result_of,
)
from scripts.cluster.config import RETRY_TEXT

#: Both the bot's "try again" (bot/channels/guard.py) and nginx's (RETRY_TEXT) say this.
RETRY_MARKERS = ("Probeer het", "opnieuw")
#: The bot's answer to a button of a question that is already answered: the sign that an
#: earlier copy of this message was handled although its reply never arrived.
STALE_BUTTON = "Die knop hoort bij een andere vraag"
UPSTREAM_HEADER = "X-KC-Upstream"
#: How often one message is sent again before the person gives up.
MAX_SENDS_PER_MESSAGE = 40
RESEND_PAUSE_SECONDS = 1.0
MAX_TURNS = 120
#: Times a person follows the bot after it lost the conversation, before giving up.
MAX_DETOURS = 3


def is_retry(messages: list[dict[str, Any]]) -> bool:
    return any(
        all(marker in (m.get("text") or "") for marker in RETRY_MARKERS) for m in messages
    ) and not _question_buttons(messages)


def asked_question(messages: list[dict[str, Any]]) -> str | None:
    """The id of the question whose buttons the bot showed last."""
    for button in _question_buttons(messages):
        match = CHOICE.search(button.get("payload", ""))
        if match:
            return match.group(1)
    return None


@dataclass
class Tally:
    """What all people together met (counted over the whole test phase)."""

    retries_nginx: int = 0  # nginx's retry JSON: no replica could answer
    retries_bot: int = 0  # the bot's own "probeer het over een minuutje opnieuw"
    empty_replies: int = 0  # HTTP 200 with no message at all
    http_errors: list[str] = field(default_factory=list)  # non-200 or no response
    stale_buttons: int = 0  # a re-sent button arrived after the first copy was handled
    resent: int = 0  # messages sent again by the people
    lost_replies: int = 0  # replies dropped on purpose (stage 3), each followed by a resend
    lost_place: list[str] = field(default_factory=list)
    reasked: int = 0  # the bot asked the same question again (typed answer not clear)
    gave_up: dict[str, str] = field(default_factory=dict)
    #: per conversation: how many messages each Rasa replica answered (X-KC-Upstream)
    upstreams: dict[str, Counter[str]] = field(default_factory=dict)
    #: per stage of the test ("before the kill", ...): messages each replica answered
    stage: str = "start"
    by_stage: dict[str, Counter[str]] = field(default_factory=dict)
    #: the "try again" texts people got, and how often (fixed Dutch texts, no personal data)
    retry_texts: Counter[str] = field(default_factory=Counter)
    #: seconds until a re-sent message was answered (a killed replica's Redis lock waits)
    resend_seconds: list[float] = field(default_factory=list)
    #: per stage, per conversation: messages each replica answered (round-robin while
    #: both replicas were up, whatever else the conversation met)
    stage_upstreams: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)

    @property
    def retries(self) -> int:
        return self.retries_nginx + self.retries_bot

    def lost_conversations(self) -> int:
        """Conversations that lost their place at least once (one may do so several times)."""
        return len({item.split(":", 1)[0] for item in self.lost_place})


class Person:
    """One virtual person with their own HTTP session (so replies map to replicas)."""

    def __init__(
        self, front_url: str, recorder: Recorder, tally: Tally, assessment: Assessment
    ) -> None:
        self.front_url = front_url
        self.recorder = recorder
        self.tally = tally
        self.assessment = assessment
        self.conversation = ""
        self._session: aiohttp.ClientSession | None = None
        self.client: RestClient | None = None

    async def __aenter__(self) -> Person:
        trace = aiohttp.TraceConfig()
        trace.on_request_end.append(self._on_response)
        self._session = aiohttp.ClientSession(trace_configs=[trace])
        self.client = RestClient(self._session, self.front_url, self.recorder)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def _on_response(
        self, _session: aiohttp.ClientSession, _ctx: Any, params: aiohttp.TraceRequestEndParams
    ) -> None:
        upstream = params.response.headers.get(UPSTREAM_HEADER)
        if upstream and self.conversation:
            served = upstream.split(",")[-1].strip()
            self.tally.upstreams.setdefault(self.conversation, Counter())[served] += 1
            self.tally.by_stage.setdefault(self.tally.stage, Counter())[served] += 1
            per_stage = self.tally.stage_upstreams.setdefault(self.tally.stage, {})
            per_stage.setdefault(self.conversation, Counter())[served] += 1

    async def send(
        self, sender: str, text: str, message_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Send ``text``; on "probeer het opnieuw", no reply or an error: wait, send again.

        Every copy carries one message id (REST ``message_id``), as a chat client that
        sends again does: a copy of a message the bot did handle is answered again,
        not handled twice.
        """
        assert self.client is not None
        message_id = message_id or uuid.uuid4().hex
        for attempt in range(MAX_SENDS_PER_MESSAGE):
            if attempt:
                self.tally.resent += 1
                await asyncio.sleep(RESEND_PAUSE_SECONDS)
            started = time.monotonic()
            try:
                messages = await self.client.send(sender, text, message_id)
            except ConversationError as exc:
                self.tally.http_errors.append(str(exc)[:200])
                continue
            except ValueError as exc:  # a 200 that is not JSON
                self.tally.http_errors.append(f"not JSON: {exc}"[:200])
                continue
            if not messages:
                self.tally.empty_replies += 1
                continue
            if is_retry(messages):
                for message in messages:
                    self.tally.retry_texts[message.get("text") or ""] += 1
                if any(m.get("text") == RETRY_TEXT for m in messages):
                    self.tally.retries_nginx += 1
                else:
                    self.tally.retries_bot += 1
                continue
            if any(STALE_BUTTON in (m.get("text") or "") for m in messages):
                self.tally.stale_buttons += 1
            if attempt:
                self.tally.resend_seconds.append(time.monotonic() - started)
            return messages
        raise ConversationError(f"no answer after {MAX_SENDS_PER_MESSAGE} tries")

    async def check(
        self,
        sender: str,
        rng: random.Random,
        typed: bool = False,
        pause_after: int | None = None,
        gate: asyncio.Event | None = None,
        paused: asyncio.Event | None = None,
        lose_reply_at: int | None = None,
    ) -> dict[str, Any]:
        """The whole check, like load.our_check, checking the bot's place after each turn.

        ``pause_after``: after that many answers, set ``paused`` and wait for ``gate``
        (the PostgreSQL restart happens while people are in the middle of the check).
        ``lose_reply_at``: at that turn the reply never reaches the person, who sends the
        same message again: what a replica killed between saving the conversation and
        answering does (that window is too short to hit on purpose with SIGKILL).
        """
        self.conversation = sender
        answers: dict[str, str] = {}
        messages = await self.send(sender, "hoi")
        self._expect(sender, messages, answers, None)
        messages = await self.send(sender, "ja")
        answers[self.assessment.consent.id] = "ja"
        last: str | None = self.assessment.consent.id
        typed_last = True  # "ja" was typed
        detours = 0
        for turn in range(MAX_TURNS):
            result = _result_of(messages)
            if result is not None:
                if open_question(self.assessment, answers) is not None:
                    self.tally.lost_place.append(f"{sender}: result before the last question")
                return result
            asked, reasked = self._expect(sender, messages, answers, last if typed_last else None)
            buttons = [
                b
                for b in _question_buttons(messages)
                if (m := CHOICE.search(b.get("payload", ""))) and not m.group(2).startswith("_")
            ]
            if asked is None or not buttons:
                # Mid-check the bot always asks a question: it lost the conversation.
                # A person taps what the bot offers (e.g. "Start de check") and goes on.
                said = " / ".join((m.get("text") or "")[:60] for m in messages)
                self.tally.lost_place.append(f"{sender}: no question mid-check: {said}")
                offered = [b for m in messages for b in m.get("buttons") or []]
                if not offered or detours >= MAX_DETOURS:
                    raise ConversationError(f"no question and no result: {said}"[:300])
                detours += 1
                messages = await self.send(sender, offered[0]["payload"])
                answers = self._bot_restarted(messages, answers)
                continue
            if pause_after is not None and turn == pause_after and gate and paused:
                paused.set()
                await gate.wait()
            button = rng.choice(buttons)
            if asked == self.assessment.consent.id:  # asked again: still yes to storing
                button = next((b for b in buttons if b["payload"].endswith(':ja"}')), button)
            match = CHOICE.search(button["payload"])
            assert match is not None
            answers[asked] = match.group(2)
            last = asked
            # After "Bedoel je ...?" a person taps one of the offered answers.
            text = button["title"] if typed and not reasked else button["payload"]
            typed_last = text == button["title"]
            message_id = uuid.uuid4().hex
            if turn == lose_reply_at:
                await self.send(sender, text, message_id)  # handled by the bot; reply lost
                self.tally.lost_replies += 1
            messages = await self.send(sender, text, message_id)
        raise ConversationError("the check did not end")

    def _bot_restarted(
        self, messages: list[dict[str, Any]], answers: dict[str, str]
    ) -> dict[str, str]:
        """After a detour: the consent question again means the check starts over."""
        if asked_question(messages) == self.assessment.consent.id:
            return {}
        return answers

    def _expect(
        self,
        sender: str,
        messages: list[dict[str, Any]],
        answers: dict[str, str],
        last: str | None,
    ) -> tuple[str | None, bool]:
        """The question the bot asked, and whether it asked the last one again.

        ``last``: the question just answered by typing (None after a tapped button: a
        tapped answer is always understood). Records a lost place when the bot asks
        neither the next question nor, after a typed answer, the same one again."""
        asked = asked_question(messages)
        expected = open_question(self.assessment, answers)
        if asked is None or expected is None or asked == expected.id:
            return asked, False
        if asked == last:  # a typed answer was not clear: the same question again
            self.tally.reasked += 1
            answers.pop(asked, None)
            return asked, True
        self.tally.lost_place.append(f"{sender}: expected {expected.id}, bot asked {asked}")
        # Follow the bot from here, so one lost place is counted once.
        order = list(self.assessment.questions)
        position = next((i for i, q in enumerate(order) if q.id == asked), None)
        if position is not None:
            for question in order[position:]:
                answers.pop(question.id, None)
            for question in order[:position]:
                answers.setdefault(question.id, question.options[0].id)
        return asked, False
