"""The whole check over WhatsApp, against a fake Graph API on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
import requests

from tests.e2e.conftest import WHATSAPP_SECRET, WHATSAPP_VERIFY_TOKEN, BotServers

pytestmark = pytest.mark.e2e
PHONE = "31612345678"


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


def wait_for(fake_graph, count: int, timeout: float = 30) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = fake_graph.messages()
        if len(messages) >= count:
            time.sleep(0.3)  # let the rest of this turn arrive
            return fake_graph.messages()
        time.sleep(0.1)
    raise AssertionError(f"expected {count} messages, got {len(fake_graph.messages())}")


def text_of(message: dict[str, Any]) -> str:
    if message["type"] == "text":
        return message["text"]["body"]
    if message["type"] == "interactive":
        return message["interactive"]["body"]["text"]
    return ""


def test_verification_answers_only_the_right_token(bot_servers):
    ok = requests.get(webhook(bot_servers), params={"hub.mode": "subscribe",
                      "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "12345"}, timeout=10)  # fmt: skip
    assert ok.status_code == 200 and ok.text == "12345"
    bad = requests.get(webhook(bot_servers), params={"hub.mode": "subscribe",
                       "hub.verify_token": "wrong", "hub.challenge": "12345"}, timeout=10)  # fmt: skip
    assert bad.status_code == 403


def test_missing_or_wrong_signature_is_refused_and_nothing_is_processed(bot_servers, fake_graph):
    before = len(fake_graph.messages())
    payload = delivery({"id": "wamid.sig.1", "type": "text", "text": {"body": "hoi"}})
    assert post(bot_servers, payload, secret=None).status_code == 403
    assert post(bot_servers, payload, secret="not-the-secret").status_code == 403
    bad_json = requests.post(webhook(bot_servers), data=b"{nope", timeout=10,
                             headers={"X-Hub-Signature-256": "sha256=" + hmac.new(
                                 WHATSAPP_SECRET.encode(), b"{nope", hashlib.sha256).hexdigest()})  # fmt: skip
    assert bad_json.status_code == 400
    time.sleep(1.5)
    assert len(fake_graph.messages()) == before


def test_media_gets_the_text_only_reply(bot_servers, fake_graph):
    for n, message in enumerate(
        [{"type": "image", "image": {"id": "img1"}},
         {"type": "location", "location": {"latitude": 52.1, "longitude": 5.1}}]
    ):  # fmt: skip
        before = len(fake_graph.messages())
        post(bot_servers, delivery({"id": f"wamid.media.{n}", **message}, wa_id="31600000001"))
        reply = wait_for(fake_graph, before + 1)[before]
        assert reply["to"] == "31600000001"
        assert "alleen tekst" in reply["text"]["body"]


def test_whole_check_over_whatsapp_with_duplicates_and_a_rate_limit(bot_servers, fake_graph):
    seen = len(fake_graph.messages())
    counter = 0

    def send(message: dict[str, Any]) -> None:
        nonlocal counter
        counter += 1
        response = post(bot_servers, delivery({"id": f"wamid.check.{counter}", **message}))
        assert response.status_code == 200

    send({"type": "text", "text": {"text": None, "body": "hoi"}})
    for step in range(40):
        messages = wait_for(fake_graph, seen + 1)
        new, seen = messages[seen:], len(messages)
        assert all(m["to"] == PHONE for m in new)
        if any("Dit is je uitslag" in text_of(m) for m in new):
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not any(
                m["type"] == "image" for m in fake_graph.messages()
            ):
                time.sleep(0.2)
            break
        last = new[-1]
        assert last["type"] == "interactive", new
        interactive = last["interactive"]
        if interactive["type"] == "button":
            buttons = interactive["action"]["buttons"]
            assert len(buttons) <= 3 and all(len(b["reply"]["title"]) <= 20 for b in buttons)
            if step % 3 == 2:
                send({"type": "text", "text": {"body": "1"}})  # a typed number works too
            else:
                chosen = buttons[0]["reply"]
                send({"type": "interactive", "interactive": {"type": "button_reply",
                      "button_reply": {"id": chosen["id"], "title": chosen["title"]}}})  # fmt: skip
        else:
            rows = interactive["action"]["sections"][0]["rows"]
            assert 4 <= len(rows) <= 10
            assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows)
            if step == 3:
                # The same delivery twice: answered once.
                counter += 1
                payload = delivery({"id": f"wamid.check.{counter}", "type": "interactive",
                                    "interactive": {"type": "list_reply",
                                                    "list_reply": {"id": rows[0]["id"]}}})  # fmt: skip
                post(bot_servers, payload)
                post(bot_servers, payload)
            else:
                send({"type": "interactive", "interactive": {"type": "list_reply",
                      "list_reply": {"id": rows[0]["id"], "title": rows[0]["title"]}}})  # fmt: skip
            if step == 5:
                fake_graph.fail_next(1, code=130429)  # the next reply is rate limited once
    else:
        pytest.fail("the check did not end over WhatsApp")
    texts = " ".join(text_of(m) for m in fake_graph.messages())
    assert "Dit is je uitslag" in texts
    assert any(c["path"] == "media" and c["body"]["size"] > 1000 for c in fake_graph.calls)
    retried = [c for c in fake_graph.calls if c["path"] == "messages" and c["status"] == 400]
    assert retried, "the rate limit was not hit"
    questions = [text_of(m) for m in fake_graph.messages() if "Vraag " in text_of(m)]
    numbers = [q.split("\n")[0] for q in questions]
    assert len(numbers) == len(set(numbers)), "a question was asked twice (duplicate processed?)"


def test_duplicate_after_a_restart_is_still_ignored(bot_servers):
    from bot.store import ResultsStore

    store = ResultsStore(bot_servers.var_dir / "results.db")
    try:
        assert store.first_delivery("whatsapp:wamid.check.1") is False
    finally:
        store.close()


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
        messages = wait_for(fake_graph, seen + 1)
        new, seen = messages[seen:], len(messages)
        return [m for m in new if m["to"] == phone]

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
