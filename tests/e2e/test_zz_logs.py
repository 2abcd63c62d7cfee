"""No personal data in the logs of an end-to-end run (runs last: it reads all logs)."""

from __future__ import annotations

import time

import pytest

from tests.e2e.test_whatsapp import PHONE, delivery, post, wait_for

pytestmark = pytest.mark.e2e
NAME = "Zwaantje Vrolijkbloem"
TYPED_PHONE = "0687654321"
EMAIL = "zwaantje.vrolijkbloem@example.nl"
SECRET_TEXT = f"ik heet {NAME}, bel me op {TYPED_PHONE} of mail {EMAIL}"


def test_logs_hold_no_message_texts_names_or_phone_numbers(bot_servers, fake_graph):
    bot_servers.send("e2e-logs", SECRET_TEXT)
    bot_servers.send("e2e-logs", "hoi")
    bot_servers.send("e2e-logs", SECRET_TEXT)  # during the consent question
    before = len(fake_graph.messages())
    post(
        bot_servers, delivery({"id": "wamid.logs.1", "type": "text", "text": {"body": SECRET_TEXT}})
    )
    wait_for(fake_graph, before + 1)
    time.sleep(1)  # let the servers flush their logs

    logs = {
        path.name: path.read_text(errors="replace") for path in bot_servers.log_dir.glob("*.log")
    }
    assert {"actions.log", "rasa.log"} <= set(logs)
    assert sum(len(text) for text in logs.values()) > 0
    forbidden = ["Zwaantje", "Vrolijkbloem", TYPED_PHONE, EMAIL, PHONE, "31600000001",
                 "ik werkte in de horeca", "hoeveel verdien je"]  # fmt: skip
    for name, text in logs.items():
        for needle in forbidden:
            assert needle not in text, f"{needle!r} found in {name}"
