"""The whole check over WhatsApp, against a fake Graph API on loopback.

The whole check also writes what the person sees to
results/whatsapp-transcript.txt, and measures how long the bot takes to
acknowledge every webhook call (Meta wants an answer at once).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

import pytest
import requests

from tests.conftest import ROOT
from tests.e2e.conftest import VENV_BIN, WHATSAPP_SECRET, WHATSAPP_VERIFY_TOKEN, BotServers
from tests.e2e.fake_graph import FakeGraph, status_delivery
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e
PHONE = "31612345678"
#: Sends only refused (badly signed) messages, and one good one to show they were not handled.
SIGNATURE_PHONE = "31600000002"
#: Time for one bot turn to reach the fake Graph API (the result turn draws a chart).
TURN_TIMEOUT_SECONDS = 30
#: Every webhook call must be acknowledged within this time (issue 14).
ACK_LIMIT_SECONDS = 0.25
PLACEHOLDER = re.compile(r"(antwoord|optie|keuze)\s*\d+", re.IGNORECASE)
TRANSCRIPT = ROOT / "results" / "whatsapp-transcript.txt"


def webhook(servers: BotServers) -> str:
    return f"{servers.rasa_url}/webhooks/whatsapp/webhook"


def delivery(message: dict[str, Any], wa_id: str = PHONE) -> dict[str, Any]:
    message = {"from": wa_id, "timestamp": "1700000000", **message}
    value = {"messaging_product": "whatsapp", "contacts": [{"wa_id": wa_id}], "messages": [message]}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]}  # fmt: skip


def post(servers: BotServers, payload: dict[str, Any], secret: str | None = WHATSAPP_SECRET):
    body = json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = f"sha256={digest}"
    return requests.post(webhook(servers), data=body, headers=headers, timeout=10)


def text_of(message: dict[str, Any]) -> str:
    if message["type"] == "text":
        return message["text"]["body"]
    if message["type"] == "interactive":
        return message["interactive"]["body"]["text"]
    return ""


Turn = list[dict[str, Any]]


def ends_with_a_choice(new: Turn) -> bool:
    """A turn that asks something ends with its buttons or list: then it is all there."""
    return bool(new) and new[-1]["type"] == "interactive"


def at_least(count: int) -> Callable[[Turn], bool]:
    return lambda new: len(new) >= count


def has_text_starting(start: str) -> Callable[[Turn], bool]:
    return lambda new: any(text_of(m).startswith(start) for m in new)


def wait_for_turn(
    fake_graph: FakeGraph,
    seen: int,
    complete: Callable[[Turn], bool] = ends_with_a_choice,
    to: str | None = None,
) -> Turn:
    """The bot's messages after the first ``seen`` (only those to ``to``, when given),
    as soon as ``complete`` says the turn is all there."""

    def turn() -> Turn | None:
        new = [m for m in fake_graph.messages()[seen:] if to is None or m["to"] == to]
        return new if complete(new) else None

    return wait_until(turn, TURN_TIMEOUT_SECONDS, f"the bot's turn after message {seen}")


def handled(servers: BotServers, message_id: str) -> bool:
    """Whether the bot took in this WhatsApp message: it records the (hashed) id of each."""
    from bot.privacy.pseudonyms import load_or_create_key
    from bot.storage.channel_ids import message_id_digest, message_id_key

    key = message_id_key(load_or_create_key(None, servers.var_dir / "identity.key"))
    digest = message_id_digest(f"whatsapp:{message_id}", key)
    with closing(sqlite3.connect(servers.var_dir / "results.db")) as db:
        row = db.execute("SELECT count(*) FROM channel_messages WHERE id = ?", [digest]).fetchone()
    return row[0] > 0


def test_verification_answers_only_the_right_token(bot_servers):
    ok = requests.get(webhook(bot_servers), params={"hub.mode": "subscribe",
                      "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "12345"}, timeout=10)  # fmt: skip
    assert ok.status_code == 200 and ok.text == "12345"
    bad = requests.get(webhook(bot_servers), params={"hub.mode": "subscribe",
                       "hub.verify_token": "wrong", "hub.challenge": "12345"}, timeout=10)  # fmt: skip
    assert bad.status_code == 403


def test_missing_or_wrong_signature_is_refused_and_nothing_is_processed(bot_servers, fake_graph):
    before = len(fake_graph.messages())
    hello = {"type": "text", "text": {"body": "hoi"}}
    refused = delivery({"id": "wamid.sig.1", **hello}, wa_id=SIGNATURE_PHONE)
    assert post(bot_servers, refused, secret=None).status_code == 403
    assert post(bot_servers, refused, secret="not-the-secret").status_code == 403
    bad_json = requests.post(webhook(bot_servers), data=b"{nope", timeout=10,
                             headers={"X-Hub-Signature-256": "sha256=" + hmac.new(
                                 WHATSAPP_SECRET.encode(), b"{nope", hashlib.sha256).hexdigest()})  # fmt: skip
    assert bad_json.status_code == 400
    # The positive signal: the same message, signed, is taken in and answered. The bot
    # records a message's id before it works on it, so a refused message that had been
    # taken in after all would have been recorded long before this answer arrives.
    signed_hello = delivery({"id": "wamid.sig.2", **hello}, wa_id=SIGNATURE_PHONE)
    assert post(bot_servers, signed_hello).status_code == 200
    wait_for_turn(fake_graph, before, to=SIGNATURE_PHONE)
    assert handled(bot_servers, "wamid.sig.2")
    assert not handled(bot_servers, "wamid.sig.1")


def test_media_gets_the_text_only_reply(bot_servers, fake_graph):
    for n, message in enumerate(
        [{"type": "image", "image": {"id": "img1"}},
         {"type": "location", "location": {"latitude": 52.1, "longitude": 5.1}}]
    ):  # fmt: skip
        before = len(fake_graph.messages())
        post(bot_servers, delivery({"id": f"wamid.media.{n}", **message}, wa_id="31600000001"))
        reply = wait_for_turn(fake_graph, before, at_least(1))[0]
        assert reply["to"] == "31600000001"
        assert "alleen tekst" in reply["text"]["body"]


def options_of(message: dict[str, Any]) -> list[dict[str, str]]:
    """The buttons or list rows of an interactive message: id, title, description."""
    interactive = message["interactive"]
    if interactive["type"] == "button":
        return [dict(b["reply"]) for b in interactive["action"]["buttons"]]
    return [dict(r) for section in interactive["action"]["sections"] for r in section["rows"]]


def shown(message: dict[str, Any]) -> str:
    """A bot message as a person sees it on the phone, for the transcript."""
    if message["type"] == "image":
        return f"[afbeelding: uitslag] {message['image'].get('caption', '')}"
    lines = [text_of(message)]
    if message["type"] == "interactive":
        interactive = message["interactive"]
        if interactive["type"] == "button":
            lines.append("  " + "  ".join(f"[{o['title']}]" for o in options_of(message)))
        else:
            lines.append(f"  [{interactive['action']['button']}] opent:")
            for option in options_of(message):
                more = f" - {option['description']}" if option.get("description") else ""
                lines.append(f"    o {option['title']}{more}")
    return "\n".join(lines)


def write_transcript(lines: list[str]) -> None:
    TRANSCRIPT.parent.mkdir(parents=True, exist_ok=True)
    TRANSCRIPT.write_text("\n".join(lines) + "\n", encoding="utf-8")


class StatusStorm(threading.Thread):
    """Meta's status callbacks, every 20 ms, while the bot works out the result."""

    def __init__(self, servers: BotServers) -> None:
        super().__init__(daemon=True)
        self.servers, self.stop, self.acks = servers, threading.Event(), []

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            payload = status_delivery(f"wamid.storm.{n}", "delivered", PHONE)
            started = time.perf_counter()
            status = post(self.servers, payload).status_code
            self.acks.append(("status during the result", time.perf_counter() - started, status))
            self.stop.wait(0.02)  # Meta's pace; ends at once when stopped


def test_whole_check_over_whatsapp_with_duplicates_and_a_rate_limit(bot_servers, fake_graph):
    seen = len(fake_graph.messages())
    counter = 0
    acks: list[tuple[str, float, int]] = []
    transcript: list[str] = []
    storm = StatusStorm(bot_servers)
    fake_graph.send_statuses_to(webhook(bot_servers), WHATSAPP_SECRET)
    statuses_before = len(fake_graph.status_acks())

    def timed_post(payload: dict[str, Any], what: str) -> requests.Response:
        started = time.perf_counter()
        response = post(bot_servers, payload)
        acks.append((what, time.perf_counter() - started, response.status_code))
        return response

    def send(message: dict[str, Any], said: str) -> None:
        nonlocal counter
        counter += 1
        transcript.append(f"JIJ  {said}")
        response = timed_post(delivery({"id": f"wamid.check.{counter}", **message}), "message")
        assert response.status_code == 200

    def tap(option: dict[str, str], kind: str) -> None:
        reply = {"id": option["id"], "title": option["title"]}
        if kind == "button":
            interactive = {"type": "button_reply", "button_reply": reply}
        else:
            interactive = {"type": "list_reply", "list_reply": {**reply, **(
                {"description": option["description"]} if "description" in option else {})}}  # fmt: skip
        send({"type": "interactive", "interactive": interactive}, f"(tikt) {option['title']}")

    def new_messages(complete: Callable[[Turn], bool] = ends_with_a_choice) -> Turn:
        nonlocal seen
        new = wait_for_turn(fake_graph, seen, complete)
        seen += len(new)
        transcript.extend("BOT  " + shown(m).replace("\n", "\n     ") for m in new)
        return new

    send({"type": "text", "text": {"text": None, "body": "hoi"}}, "hoi")
    result_turn: list[dict[str, Any]] = []
    try:
        for step in range(40):
            new = new_messages()
            assert all(m["to"] == PHONE for m in new)
            if any("Dit is je uitslag" in text_of(m) for m in new):
                # The whole result turn: up to the follow-up buttons at its end.
                while not any("Waarom dit advies?" in shown(m) for m in new):
                    new += new_messages()
                result_turn = new
                break
            last = new[-1]
            assert last["type"] == "interactive", new
            interactive = last["interactive"]
            if "Vraag 25 van 25" in text_of(last) and storm.ident is None:
                storm.start()  # status callbacks all through the last answer and the result
            options = options_of(last)
            assert options and not any(PLACEHOLDER.fullmatch(o["title"]) for o in options), options
            if interactive["type"] == "button":
                assert len(options) <= 3 and all(len(o["title"]) <= 20 for o in options)
                if step % 3 == 2:
                    send({"type": "text", "text": {"body": "1"}}, "1")  # a typed number works too
                else:
                    tap(options[0], "button")
            else:
                assert 2 <= len(options) <= 10
                assert all(len(o["title"]) <= 24 and len(o.get("description", "")) <= 72
                           for o in options)  # fmt: skip
                assert interactive["action"]["button"] == "Kies"
                body = interactive["body"]["text"]
                assert "Tik op 'Kies'" in body and "knop" not in body, body
                listed = {line.strip(" -*0123456789.") for line in body.splitlines()}
                named = {o["title"] for o in options} | {o.get("description") for o in options}
                assert not listed & named, f"options shown twice: {body}"
                if step == 3:
                    # The same delivery twice: answered once.
                    counter += 1
                    transcript.append(
                        f"JIJ  (tikt) {options[0]['title']}  [Meta bezorgt dit twee keer]"
                    )
                    payload = delivery({"id": f"wamid.check.{counter}", "type": "interactive",
                                        "interactive": {"type": "list_reply",
                                                        "list_reply": {"id": options[0]["id"]}}})  # fmt: skip
                    timed_post(payload, "message")
                    timed_post(payload, "message (redelivered)")
                elif step % 3 == 2:
                    send({"type": "text", "text": {"body": "1"}}, "1")  # typing still works
                else:
                    tap(options[-1] if step % 2 else options[0], "list")
                if step == 5:
                    fake_graph.fail_next(1, code=130429)  # the next reply is rate limited once
        else:
            pytest.fail("the check did not end over WhatsApp")
        # Enough status callbacks for a fair sample: the storm goes on a moment after the
        # result when the result was quick (it ran all through the last answer and the result).
        wait_until(lambda: len(storm.acks) >= 10, timeout=10, what="10 status callbacks")
    finally:
        storm.stop.set()
        write_transcript(transcript)

    # The chart comes first, with a short caption; then the scores in text.
    kinds = [m["type"] for m in result_turn]
    assert kinds[0] == "image", kinds
    caption = result_turn[0]["image"]["caption"]
    assert len(caption) < 120 and not re.search(r"\d+ van de 100|: \d+", caption), caption
    score_at = next(i for i, m in enumerate(result_turn) if "Je score is" in text_of(m))
    assert score_at > 0
    assert any(c["path"] == "media" and c["body"]["size"] > 1000 for c in fake_graph.calls)
    assert any(text_of(m).startswith("Je rapport als PDF: https://") for m in result_turn)
    # After the result: "Waarom dit advies?" and "Meer advies" as reply buttons.
    follow_up = result_turn[-1]
    assert follow_up["interactive"]["type"] == "button"
    buttons = options_of(follow_up)
    assert [b["title"] for b in buttons] == ["Waarom dit advies?", "Meer advies"]
    try:
        tap(buttons[0], "button")
        why = new_messages(has_text_starting("Waarom dit advies?"))
        assert text_of(why[0]).startswith("Waarom dit advies?"), why
        tap(buttons[1], "button")
        new_messages(has_text_starting("Alle adviezen voor jou"))
    finally:
        write_transcript(transcript)
        fake_graph.send_statuses_to(None)

    retried = [c for c in fake_graph.calls if c["path"] == "messages" and c["status"] == 400]
    assert retried, "the rate limit was not hit"
    questions = [text_of(m) for m in fake_graph.messages() if "Vraag " in text_of(m)]
    numbers = [q.split("\n")[0] for q in questions]
    assert len(numbers) == len(set(numbers)), "a question was asked twice (duplicate processed?)"

    # Every webhook call was acknowledged at once: messages, Meta's status callbacks
    # after each message, and the status callbacks all through the result.
    statuses = [(a.what, a.seconds, a.status) for a in fake_graph.status_acks()[statuses_before:]]
    everything = acks + statuses + storm.acks
    report = ack_report(acks, statuses, storm.acks)
    (ROOT / "results" / "whatsapp-acks.txt").write_text(report, encoding="utf-8")
    print(report)
    assert len(storm.acks) >= 10 and len(statuses) >= 60, report
    assert all(status == 200 for _, _, status in everything), report
    slow = [
        (what, round(seconds, 3)) for what, seconds, _ in everything if seconds > ACK_LIMIT_SECONDS
    ]
    assert not slow, f"acknowledged too slowly: {slow}\n{report}"


def ack_report(*groups: list[tuple[str, float, int]]) -> str:
    lines = ["Acknowledgement times of the WhatsApp webhook (limit 250 ms):"]
    for name, group in zip(("messages", "status callbacks", "status callbacks during the result"),
                           groups, strict=True):  # fmt: skip
        times = sorted(seconds for _, seconds, _ in group)
        if times:
            lines.append(f"- {name}: {len(times)} calls, median {times[len(times) // 2] * 1000:.0f} ms, "
                         f"max {times[-1] * 1000:.0f} ms")  # fmt: skip
    return "\n".join(lines) + "\n"


def test_whatsapp_refuses_to_start_without_a_public_web_address(bot_servers):
    """With WhatsApp configured and no public https KC_PUBLIC_WEB_URL, Rasa does not start."""
    env = {k: v for k, v in bot_servers.env.items() if k != "KC_PUBLIC_WEB_URL"}
    env["RASA_TELEMETRY_ENABLED"] = "false"
    for url in (None, "http://127.0.0.1:8000"):
        if url:
            env["KC_PUBLIC_WEB_URL"] = url
        finished = subprocess.run(
            [str(VENV_BIN / "rasa"), "run", "--credentials", "credentials.yml", "--port", "9",
             "--interface", "127.0.0.1", "--enable-api"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        output = finished.stdout + finished.stderr
        assert finished.returncode != 0, output[-2000:]
        assert "KC_PUBLIC_WEB_URL" in output and "public https address" in output, output[-2000:]
        assert "Traceback" not in output, output[-2000:]  # a clear message, not a stack trace


def test_duplicate_after_a_restart_is_still_ignored(bot_servers):
    from bot.privacy.pseudonyms import load_or_create_key
    from bot.storage.channel_ids import message_id_key
    from bot.storage.results_store import ResultsStore

    key = message_id_key(load_or_create_key(None, bot_servers.var_dir / "identity.key"))
    store = ResultsStore(bot_servers.var_dir / "results.db", message_id_key=key)
    try:
        assert store.first_delivery("whatsapp:wamid.check.1") is False
    finally:
        store.close()
    raw = b"".join(p.read_bytes() for p in bot_servers.var_dir.glob("results.db*"))
    assert b"wamid" not in raw  # only keyed hashes of message ids are stored


def test_a_bedoel_je_is_answered_with_a_reply_button(bot_servers, fake_graph):
    """A fairly clear typed answer gets reply buttons; tapping one stores that option."""
    phone = "31687654321"
    seen = len(fake_graph.messages())
    counter = 0

    def send(message: dict[str, Any]) -> list[dict[str, Any]]:
        nonlocal counter, seen
        counter += 1
        response = post(bot_servers, delivery({"id": f"wamid.bedoel.{counter}", **message}, phone))
        assert response.status_code == 200
        new = wait_for_turn(fake_graph, seen, to=phone)
        seen = len(fake_graph.messages())
        return new

    send({"type": "text", "text": {"body": "hoi"}})
    send({"type": "text", "text": {"body": "nee"}})  # no consent
    new = send({"type": "text", "text": {"body": "kassa en bediening"}})
    last = new[-1]
    assert last["type"] == "interactive" and text_of(last).startswith("Bedoel je"), new
    buttons = last["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons][-1] == "Iets anders"
    assert len(buttons) == 3 and all(len(b["reply"]["title"]) <= 20 for b in buttons)
    winkel = next(b["reply"] for b in buttons if "beroep:winkel" in b["reply"]["id"])
    new = send({"type": "interactive", "interactive": {"type": "button_reply",
                "button_reply": {"id": winkel["id"], "title": winkel["title"]}}})  # fmt: skip
    assert "Vraag 2 van 25" in " ".join(text_of(m) for m in new), new
