"""No personal data in the logs of an end-to-end run.

The test is marked ``runs_last`` (tests/e2e/conftest.py moves it behind every
other e2e test, whatever the file names), so the logs it reads hold the whole
run. It stops the servers before reading: a stopped server has written every
log line it will write, so no line can come after the check.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_whatsapp import (
    PHONE,
    SIGNATURE_PHONE,
    at_least,
    delivery,
    post,
    wait_for_turn,
)

pytestmark = [pytest.mark.e2e, pytest.mark.runs_last]
NAME = "Zwaantje Vrolijkbloem"
TYPED_PHONE = "0687654321"
EMAIL = "zwaantje.vrolijkbloem@example.nl"
SECRET_TEXT = f"ik heet {NAME}, bel me op {TYPED_PHONE} of mail {EMAIL}"


def test_logs_hold_no_message_texts_names_or_phone_numbers(bot_servers, fake_graph):
    bot_servers.send("e2e-logs", SECRET_TEXT)
    bot_servers.send("e2e-logs", "hoi")
    bot_servers.send("e2e-logs", SECRET_TEXT)  # during the consent question
    before = len(fake_graph.messages())
    message = {"id": "wamid.logs.1", "type": "text", "text": {"body": SECRET_TEXT}}
    assert post(bot_servers, delivery(message)).status_code == 200
    wait_for_turn(fake_graph, before, at_least(1), to=PHONE)  # the message was handled
    bot_servers.stop()
    assert all(process.poll() is not None for process in bot_servers.processes)

    logs = {
        path.name: path.read_text(errors="replace") for path in bot_servers.log_dir.glob("*.log")
    }
    assert {"actions.log", "rasa.log"} <= set(logs)
    assert sum(len(text) for text in logs.values()) > 0
    forbidden = ["Zwaantje", "Vrolijkbloem", TYPED_PHONE, EMAIL, PHONE, "31600000001",
                 SIGNATURE_PHONE, "ik werkte in de horeca", "hoeveel verdien je"]  # fmt: skip
    for name, text in logs.items():
        for needle in forbidden:
            assert needle not in text, f"{needle!r} found in {name}"
