"""Erasure, retention, "wat weet je van mij?" and the action-server-down reply."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import runtime
from bot.channels.guard import ACTION_SERVER_DOWN, guarded
from bot.cli import cli
from bot.config import ConfigError, Settings
from bot.privacy.erasure import BadAge, erase_sender, parse_age, purge_older_than
from bot.privacy.my_data import build_export, export_text
from bot.privacy.share_codes import share_code_for
from bot.rasa_integration.tracker_store import ErasingSQLTrackerStore
from bot.storage import tracker_events
from bot.storage.results_store import ResultsStore, iso
from tests.conftest import TEST_MESSAGE_ID_KEY, all_answers, count_rows, sql

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def make_tracker_db(path: Path, rows: list[tuple[str, float]]) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
            " timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
        )
        conn.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp) VALUES (?, 'user', ?)", rows
        )


def test_parse_age_accepts_days_only():
    assert parse_age("90d") == timedelta(days=90)
    for bad in ("90", "0d", "-1d", "3w", "90 dagen", ""):
        with pytest.raises(BadAge):
            parse_age(bad)


def test_tracker_events_delete_one_sender_and_old_conversations(tmp_path):
    db = tmp_path / "tracker.db"
    assert tracker_events.delete_sender(db, "x") == 0  # no file yet: nothing to do
    old, new = (NOW - timedelta(days=100)).timestamp(), NOW.timestamp()
    make_tracker_db(db, [("a", old), ("a", old), ("b", old), ("b", new), ("c", new)])
    assert tracker_events.delete_sender(db, "a'; DROP TABLE events; --") == 0
    assert tracker_events.delete_sender(db, "c") == 1
    cutoff = (NOW - timedelta(days=90)).timestamp()
    assert tracker_events.delete_before(db, cutoff) == 2  # all of a; b is still active
    assert tracker_events.count_sender(db, "b") == 2


def stored_check(store: ResultsStore, assessment, person: str, started: datetime) -> str:
    assessment_id = f"{person}-{started.date()}"
    store.start_assessment(assessment_id, person, 1, consent_at=iso(started))
    answers = {q: (o, None) for q, o in all_answers(assessment).items()}
    store.complete(assessment_id, {"communicatief": 80}, 80, ["cursus_typen"], answers,
                   completed_at=iso(started + timedelta(minutes=8)))  # fmt: skip
    return assessment_id


def test_erasure_leaves_no_trace_in_any_store(fresh_store, tmp_path, assessment):
    tracker_db = tmp_path / "tracker.db"
    make_tracker_db(tracker_db, [("sender-1", 1.0), ("sender-2", 1.0)])
    stored_check(fresh_store, assessment, "p1", NOW)
    stored_check(fresh_store, assessment, "p2", NOW)
    share_code_for(fresh_store, "p1", 30, NOW)
    share_code_for(fresh_store, "p2", 30, NOW)
    fresh_store.first_delivery("whatsapp:wamid.1", "p1")
    fresh_store.first_delivery("whatsapp:wamid.2", "p2")

    erased = erase_sender(fresh_store, tracker_db, "sender-1", "p1")
    assert (erased.checks, erased.conversation_events) == (1, 1)
    for table in ("assessments", "share_codes", "channel_messages"):
        assert count_rows(fresh_store, table, person="p1") == 0, table
        assert count_rows(fresh_store, table, person="p2") >= 1, table
    assert sql(fresh_store, "SELECT count(*) FROM answers WHERE assessment_id LIKE 'p1-%'") == [
        (0,)
    ]
    assert tracker_events.count_sender(tracker_db, "sender-1") == 0
    assert tracker_events.count_sender(tracker_db, "sender-2") == 1


def test_purge_deletes_only_what_is_older(fresh_store, tmp_path, assessment):
    tracker_db = tmp_path / "tracker.db"
    make_tracker_db(tracker_db, [("old", (NOW - timedelta(days=91)).timestamp()),
                                 ("new", (NOW - timedelta(days=2)).timestamp())])  # fmt: skip
    stored_check(fresh_store, assessment, "old", NOW - timedelta(days=91))
    stored_check(fresh_store, assessment, "new", NOW - timedelta(days=2))
    share_code_for(fresh_store, "old", 30, NOW - timedelta(days=80))
    purged = purge_older_than(fresh_store, tracker_db, timedelta(days=90), now=NOW)
    assert (purged.checks, purged.conversation_events) == (1, 1)
    assert fresh_store.latest("old") is None and fresh_store.latest("new") is not None
    assert sql(fresh_store, "SELECT count(*) FROM answers WHERE assessment_id LIKE 'old-%'") == [
        (0,)
    ]
    assert count_rows(fresh_store, "share_codes") == 0
    assert "1 check(s)" in purged.summary(timedelta(days=90))


def test_cli_purge_and_delete_reach_the_tracker(isolated_runtime, monkeypatch, assessment):
    tracker_db = isolated_runtime / "tracker.db"
    monkeypatch.setenv("KC_TRACKER_DB", str(tracker_db))
    runtime.reset()
    make_tracker_db(tracker_db, [("+31611111111", time.time())])
    stored_check(runtime.store(), assessment, runtime.person_for("+31611111111"), NOW)
    result = CliRunner().invoke(cli, ["delete", "--sender", "+31611111111"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 assessment(s) and 1 conversation event(s)" in result.output
    bad = CliRunner().invoke(cli, ["purge", "--older-than", "soon"])
    assert bad.exit_code == 2 and "like '90d'" in bad.output
    ok = CliRunner().invoke(cli, ["purge", "--older-than", "30d"])
    assert ok.exit_code == 0 and "older than 30 days" in ok.output


def test_export_lists_everything_stored_and_the_conversation(fresh_store, assessment):
    stored_check(fresh_store, assessment, "p1", NOW)
    code = share_code_for(fresh_store, "p1", 30, NOW)
    fresh_store.first_delivery("whatsapp:wamid.9", "p1")
    events = [
        {"event": "user", "text": "hoi", "timestamp": NOW.timestamp()},
        {
            "event": "bot",
            "text": "Hoi! Ik ben de Klantcontact-check.",
            "timestamp": NOW.timestamp(),
        },
        {"event": "action", "name": "action_listen", "timestamp": NOW.timestamp()},
    ]
    export = build_export(fresh_store, assessment, "p1", events, retention_days=90)
    json.dumps(export)  # serialisable as is
    assert export["type"] == "my_data_export"
    (check,) = export["checks"]
    assert check["overall"] == 80 and len(check["answers"]) == len(assessment.questions)
    assert check["answers"][0]["question"] == assessment.questions[0].text
    assert check["deleted_after"].startswith("2027-02-26")
    assert export["share_codes"][0]["code"].replace("-", "") == code.code
    assert export["whatsapp_message_ids"] == 1
    assert [m["from"] for m in export["conversation"]] == ["jij", "bot"]
    text = export_text(export)
    assert "Een check van 28 november 2026 (afgerond)" in text
    assert "Ik wis deze check uiterlijk op 26 februari 2027." in text
    assert "Dit gesprek: 2 berichten." in text


def test_export_for_someone_without_stored_data(fresh_store, assessment):
    export = build_export(fresh_store, assessment, "nobody", [], retention_days=90)
    assert export["checks"] == [] and export["share_codes"] == []
    assert "Ik heb geen antwoorden en geen uitslag van je bewaard." in export_text(export)
    assert "Dan bewaar ik ze 90 dagen." in export_text(export, retention_days=90)
    linked = export_text(export, "https://kc.example.nl/privacy")
    assert linked.endswith("Meer over je gegevens en je rechten: https://kc.example.nl/privacy")


def test_the_privacy_link_follows_the_public_web_address():
    assert Settings.from_env({}).privacy_url == "http://127.0.0.1:8000/privacy"
    public = Settings.from_env({"KC_PUBLIC_WEB_URL": "https://kc.example.nl/"})
    assert public.privacy_url == "https://kc.example.nl/privacy"
    for bad in ("kc.example.nl", "javascript:alert(1)", "https://kc example.nl"):
        with pytest.raises(ConfigError, match="KC_PUBLIC_WEB_URL"):
            Settings.from_env({"KC_PUBLIC_WEB_URL": bad})


async def test_guard_says_sorry_in_dutch_when_a_message_got_no_reply():
    async def silent(message: UserMessage) -> None:
        return None

    async def replies(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hoi!")

    async def down() -> bool:
        return False

    async def up() -> bool:
        return True

    cases = [
        (silent, down, [ACTION_SERVER_DOWN]),
        (silent, up, [ACTION_SERVER_DOWN]),  # e.g. one action server of the pool died mid-turn
        (replies, down, ["Hoi!"]),
        (replies, up, ["Hoi!"]),
    ]
    for handler, probe, expected in cases:
        output = CollectingOutputChannel()
        await guarded(handler, probe)(UserMessage("hoi", output, "s1"))
        assert [m["text"] for m in output.messages] == expected


async def test_tracker_store_erases_the_conversation_on_the_erasure_action(tmp_path):
    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("s1", domain.slots)
    tracker.update(UserUttered("mijn naam is Jan", {"name": "greet", "confidence": 1.0}))
    tracker.update(BotUttered("Hoi"))
    await store.save(tracker)
    other = DialogueStateTracker("s2", domain.slots)
    other.update(UserUttered("hoi", {"name": "greet", "confidence": 1.0}))
    await store.save(other)
    assert tracker_events.count_sender(tmp_path / "t.db", "s1") == 2

    tracker.update(UserUttered("ja", {"name": "affirm", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_delete_data"))
    tracker.update(BotUttered("Klaar."))
    await store.save(tracker)
    assert tracker_events.count_sender(tmp_path / "t.db", "s1") == 0
    assert tracker_events.count_sender(tmp_path / "t.db", "s2") == 1
    assert (await store.retrieve("s1")) is None


def _write_many(path: str, worker: int, count: int) -> None:
    store = ResultsStore(path, message_id_key=TEST_MESSAGE_ID_KEY)
    for number in range(count):
        assessment_id = f"w{worker}-{number}"
        store.start_assessment(assessment_id, f"person-{worker}-{number}", 1)
        for question in range(5):
            store.record_answer(assessment_id, f"q{question}", "o", 1)
        store.complete(assessment_id, {"g": 50}, 50, [], {f"q{i}": ("o", 1) for i in range(5)})
        store.first_delivery(f"msg-{worker}-{number}", f"person-{worker}-{number}")
    store.close()


def test_concurrent_writers_from_many_processes_never_fail_or_corrupt(tmp_path):
    path = str(tmp_path / "results.db")
    ResultsStore(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(path, w, 40)) for w in range(6)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [p.exitcode for p in workers] == [0] * 6
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            conn.execute(
                "SELECT count(*) FROM assessments WHERE completed_at IS NOT NULL"
            ).fetchone()[0]
            == 240
        )
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 240 * 5
        assert conn.execute("SELECT count(*) FROM channel_messages").fetchone()[0] == 240


async def test_tracker_store_keeps_saved_trackers_until_the_database_changes(tmp_path):
    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
    db = tmp_path / "t.db"
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    tracker = DialogueStateTracker("s1", domain.slots)
    tracker.update(UserUttered("hoi", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)
    assert await store.retrieve("s1") is tracker  # no reload, no replay
    await store.save(tracker)

    # Another process adds an event: the kept copy is stale, so it is read again.
    other = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    fresh = await other.retrieve("s1")
    fresh.update(BotUttered("Hoi!"))
    await other.save(fresh)
    reloaded = await store.retrieve("s1")
    assert reloaded is not tracker and len(reloaded.events) == 2
    await store.save(reloaded)

    # Erasure from the CLI (another process) is seen at once.
    tracker_events.delete_sender(db, "s1")
    assert await store.retrieve("s1") is None


async def test_the_guard_logs_where_a_turn_failed_but_not_the_error_text(caplog):
    async def failing(message: UserMessage) -> None:
        raise RuntimeError("INSERT failed for sender 'whatsapp-31612345678' text 'mijn naam'")

    async def up() -> bool:
        return True

    output = CollectingOutputChannel()
    with caplog.at_level("ERROR"):
        await guarded(failing, up)(UserMessage("mijn naam is Ljubomira", output, "s1"))
    assert [m["text"] for m in output.messages] == [ACTION_SERVER_DOWN]
    assert "RuntimeError at test_privacy.py:" in caplog.text
    for secret in ("31612345678", "mijn naam", "Ljubomira"):
        assert secret not in caplog.text
