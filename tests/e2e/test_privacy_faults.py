"""Erasure, "wat weet je van mij?" and the action server going down, end to end."""

from __future__ import annotations

import sqlite3

import pytest

from bot.channels.guard import ACTION_SERVER_DOWN
from bot.privacy.pseudonyms import load_or_create_key, pseudonym
from tests.e2e.test_conversation import open_question_of, run_check, stored

pytestmark = pytest.mark.e2e


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def rows_about(servers, sender: str) -> dict[str, int]:
    """Rows that mention this sender in every store: tracker events and results tables."""
    person = servers.cli("results", "--sender", sender, "--json")
    counts = {}
    with sqlite3.connect(servers.env["KC_TRACKER_DB"]) as conn:
        counts["events"] = conn.execute(
            "SELECT count(*) FROM events WHERE sender_id = ?", [sender]
        ).fetchone()[0]
    counts["results_cli"] = int(person.returncode == 0)
    return counts


def test_erasure_on_request_leaves_no_trace_in_any_store(bot_servers, assessment):
    sender = "e2e-erase"
    run_check(bot_servers, assessment, sender, typed=False)
    code_reply = texts(bot_servers.send(sender, "wat is mijn deelcode"))
    assert "Je deelcode voor je adviseur:" in code_reply

    about = bot_servers.send(sender, "wat weet je van mij?")
    assert "Dit weet ik van jou:" in texts(about)
    export = next(m["custom"] for m in about if isinstance(m.get("custom"), dict))
    assert export["type"] == "my_data_export"
    assert len(export["checks"]) == 1 and export["checks"][0]["overall"] is not None
    assert len(export["share_codes"]) == 1 and export["conversation"]
    assert rows_about(bot_servers, sender)["events"] > 0

    confirm = bot_servers.send(sender, "verwijder mijn gegevens")
    assert "Wil je dat ik alles van je wis?" in texts(confirm)
    done = bot_servers.send(sender, "ja")
    assert "Ik heb alles gewist" in texts(done)
    assert {"type": "data_deleted"} in [m.get("custom") for m in done]

    assert rows_about(bot_servers, sender) == {"events": 0, "results_cli": 0}
    key = load_or_create_key(None, bot_servers.var_dir / "identity.key")
    person = pseudonym(sender, key)
    with sqlite3.connect(bot_servers.var_dir / "results.db") as conn:
        for table in ("assessments", "share_codes", "channel_messages"):
            count = conn.execute(
                f"SELECT count(*) FROM {table} WHERE person = ?",  # noqa: S608 - fixed names
                [person],
            ).fetchone()[0]
            assert count == 0, table
        orphans = conn.execute(
            "SELECT count(*) FROM answers WHERE assessment_id NOT IN (SELECT id FROM assessments)"
        ).fetchone()[0]
        assert orphans == 0

    again = bot_servers.send(sender, "wat weet je van mij")
    assert "Ik heb geen antwoorden en geen uitslag van je bewaard." in texts(again)


def test_action_server_down_gets_a_dutch_reply_and_the_check_goes_on(
    bot_servers, assessment, begin_check
):
    sender = "e2e-actions-down"
    messages = begin_check(sender)
    assert open_question_of(messages, assessment).id == "opleiding"
    bot_servers.stop_actions()
    try:
        down = bot_servers.send(sender, "vmbo")
        assert [m.get("text") for m in down] == [ACTION_SERVER_DOWN]
    finally:
        bot_servers.start_actions()
    messages = bot_servers.send(sender, "vmbo")
    assert open_question_of(messages, assessment).id == "tijden", messages
    assert stored(bot_servers, sender)["answers"] == {
        "toestemming": "ja", "beroep": "horeca", "opleiding": "vmbo"
    }  # fmt: skip
