"""Bad input over REST and at the webhooks: a sensible reply or a clear 4xx, never stuck."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import HTTP_TIMEOUT_SECONDS
from tests.e2e.test_conversation import open_question_of

pytestmark = pytest.mark.e2e

BAD_MESSAGES = [
    "",
    "   ",
    "x" * 10_000,
    "😀😀😀",
    "🙈",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE answers; --",
    "1 OR 1=1",
    "I would like to know more about the job please",
    "Merhaba, nasılsın?",
    "مرحبا كيف حالك",
    "\x00\x01\x02\ufffd\ud7ff",
    '/inform{"choice": "nope:nope"}',
    "/inform{not json",
    "/nonexistent_intent",
]


def test_bad_messages_mid_check_get_a_reply_and_the_check_goes_on(
    bot_servers, assessment, begin_check
):
    sender = "e2e-bad-input"
    messages = begin_check(sender, answers=())
    question = open_question_of(messages, assessment)
    assert question.id == "beroep"
    for text in BAD_MESSAGES:
        reply = bot_servers.send(sender, text)
        assert reply, f"no reply to {text[:40]!r}"
        assert all(m.get("text") or m.get("custom") for m in reply)
    messages = bot_servers.send(sender, "horeca")
    assert open_question_of(messages, assessment).id == "opleiding", messages


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"\xff\xfe\x00", b"[]", b'"hoi"', b'{"message": "hoi"}',
     b'{"sender": "", "message": "hoi"}', b'{"sender": "x", "message": 5}',
     b'{"sender": ["x"], "message": "hoi"}'],
)  # fmt: skip
def test_the_rest_webhook_answers_bad_bodies_with_a_400(bot_servers, body):
    response = requests.post(
        f"{bot_servers.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=HTTP_TIMEOUT_SECONDS,
    )
    assert response.status_code == 400, response.text


def test_the_whatsapp_webhook_answers_bad_bodies_with_a_4xx(bot_servers):
    url = f"{bot_servers.rasa_url}/webhooks/whatsapp/webhook"
    for body in (b"{not json", b"\xff\xfe", b""):
        unsigned = requests.post(url, data=body, timeout=HTTP_TIMEOUT_SECONDS)
        assert unsigned.status_code == 403
