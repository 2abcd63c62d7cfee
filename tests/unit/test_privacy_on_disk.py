"""What lands in the files under var/, checked on their raw bytes (issue 13, part A).

Real SQLite files in a temporary var folder, opened the way the bot opens
them: the results store, Rasa's tracker store and the pseudonym key.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.state import SLOT_ANSWERS
from actions.validate_form import ValidateAssessmentForm
from bot import runtime
from bot.privacy.erasure import purge_older_than
from bot.privacy.pseudonyms import load_or_create_key, pseudonym
from bot.privacy.share_codes import share_code_for
from bot.privacy.unsaved_conversations import ANSWERS_SLOT, MemoryOnly
from bot.rasa_integration.tracker_store import ErasingSQLTrackerStore
from bot.storage.channel_ids import message_id_digest, message_id_key
from bot.storage.results_store import ResultsStore, StoreError, iso
from tests.conftest import ROOT, TEST_MESSAGE_ID_KEY, all_answers

SENDER = "sender-7f3kQzW9xv"
OTHER = "sender-other-1"
#: Typed text with a name that only this test uses; the accents are stored JSON-escaped.
NAME = "Krčmářová"
TYPED = f"Mijn buurvrouw Ljubomira {NAME} woont in Zwolle"
WAMID = "wamid.HBgLMzE2MTExMTExMTEVAgASGBQzQUZBNkQ3RTk3QjlGMjE1Q0I4NwA="


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"  # not made yet: the bot makes it


def needles(*texts: str) -> list[bytes]:
    """Each text as UTF-8 and as it looks inside JSON (``\\u00e1`` escapes)."""
    found: list[bytes] = []
    for text in texts:
        found.append(text.encode("utf-8"))
        found.append(json.dumps(text)[1:-1].encode("ascii"))
    return sorted(set(found))


def traces(folder: Path, searched: list[bytes]) -> dict[str, list[bytes]]:
    """Which of ``searched`` occur in which file under ``folder`` (every file, raw bytes)."""
    hits: dict[str, list[bytes]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found = [needle for needle in searched if needle in data]
            if found:
                hits[path.name] = found
    return hits


def user(text: str, intent: str = "inform") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def tracker_store(domain: Domain, db: Path) -> ErasingSQLTrackerStore:
    return ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))


def complete_check(store: ResultsStore, assessment, person: str, clock) -> str:
    assessment_id = f"check-{person[:8]}"
    store.start_assessment(assessment_id, person, 1, consent_at=iso(clock()))
    answers = {q: (o, None) for q, o in all_answers(assessment).items()}
    store.complete(assessment_id, {"communicatief": 80}, 80, ["cursus_typen"], answers)
    return assessment_id


async def test_erasure_leaves_no_trace_in_the_bytes_of_any_file(domain, var_dir, clock, assessment):
    key = load_or_create_key(None, var_dir / "identity.key")
    person = pseudonym(SENDER, key)
    store = ResultsStore(var_dir / "results.db", clock, message_id_key(key))
    trackers = tracker_store(domain, var_dir / "tracker.db")
    try:
        # Someone else's data stays: the files are not simply emptied.
        other = DialogueStateTracker(OTHER, domain.slots)
        other.update(user("hoi", "greet"))
        await trackers.save(other)
        complete_check(store, assessment, pseudonym(OTHER, key), clock)

        conversation = DialogueStateTracker(SENDER, domain.slots)
        for turn in range(40):  # enough events for several database pages
            conversation.update(user(f"{TYPED} ({turn})"))
            conversation.update(BotUttered(f"Ik noteer het, {turn}."))
            await trackers.save(conversation)
        complete_check(store, assessment, person, clock)
        code = share_code_for(store, person, 30, clock()).code
        assert store.first_delivery(f"whatsapp:{WAMID}", person)

        searched = needles(SENDER, "Ljubomira", NAME, code, person)
        before = traces(var_dir, searched)
        assert before, "the test data should be in the files before the erasure"

        conversation.update(user("verwijder mijn gegevens", "delete_data"))
        conversation.update(user("ja", "affirm"))
        conversation.update(ActionExecuted("action_delete_data"))
        conversation.update(BotUttered("Ik heb alles gewist."))
        await trackers.save(conversation)  # Rasa saves the turn of the erasure
        assert store.delete_person(person) == 1  # action_delete_data

        # Checked while both stores are still open, as in the running bot.
        assert traces(var_dir, searched + needles(WAMID)) == {}
        assert await trackers.retrieve(SENDER) is None
        assert await trackers.retrieve(OTHER) is not None
        assert store.latest(pseudonym(OTHER, key)) is not None
        for wal in ("results.db-wal", "tracker.db-wal"):  # emptied (or gone with the last close)
            assert not (var_dir / wal).exists() or (var_dir / wal).stat().st_size == 0
    finally:
        store.close()
        trackers.engine.dispose()


async def test_the_daily_purge_leaves_no_trace_either(domain, var_dir, clock, assessment):
    old = clock() - timedelta(days=100)
    store = ResultsStore(var_dir / "results.db", clock, TEST_MESSAGE_ID_KEY)
    trackers = tracker_store(domain, var_dir / "tracker.db")
    try:
        conversation = DialogueStateTracker(SENDER, domain.slots)
        for turn in range(20):
            conversation.update(
                UserUttered(f"{TYPED} {turn}", {"name": "inform"}, timestamp=old.timestamp())
            )
        await trackers.save(conversation)
        recent = DialogueStateTracker(OTHER, domain.slots)
        recent.update(UserUttered("hoi", {"name": "greet"}, timestamp=clock().timestamp()))
        await trackers.save(recent)
        store.start_assessment("old-check", "person-old", 1, consent_at=iso(old))
        store.record_answer("old-check", "beroep", "Ljubomira", None, answered_at=iso(old))
        searched = needles(SENDER, "Ljubomira", NAME)
        assert traces(var_dir, searched)

        purged = purge_older_than(store, var_dir / "tracker.db", timedelta(days=90))
        assert (purged.checks, purged.conversation_events) == (1, 20)
        assert traces(var_dir, searched) == {}
        assert await trackers.retrieve(OTHER) is not None
    finally:
        store.close()
        trackers.engine.dispose()


async def test_saying_no_keeps_the_conversation_off_the_disk(domain, var_dir):
    db = var_dir / "tracker.db"
    trackers = tracker_store(domain, db)
    try:
        conversation = DialogueStateTracker(SENDER, domain.slots)
        conversation.update(user(f"hoi, ik ben {TYPED}", "greet"))
        conversation.update(BotUttered("Mag ik je antwoorden bewaren?"))
        await trackers.save(conversation)
        assert traces(var_dir, needles(SENDER)), "before the answer the turn is stored"

        conversation.update(user("nee liever niet, Ljubomira"))
        conversation.update(SlotSet(SLOT_ANSWERS, {assessment_consent_id(): "nee"}))
        await trackers.save(conversation)
        for turn in range(5):
            kept = await trackers.retrieve(SENDER)
            assert kept is conversation  # the conversation goes on, from memory
            kept.update(user(f"ik werkte bij {NAME} in de winkel {turn}"))
            kept.update(BotUttered("Ik noteer: Winkel of verkoop."))
            await trackers.save(kept)

        # Going back and saying yes stores the results, never this conversation.
        conversation.update(SlotSet(SLOT_ANSWERS, {assessment_consent_id(): "ja"}))
        conversation.update(user("toch wel bewaren, Ljubomira"))
        await trackers.save(conversation)

        assert traces(var_dir, needles(SENDER, "Ljubomira", NAME)) == {}
        assert (await trackers.retrieve_full_tracker(SENDER)) is conversation
        assert SENDER in list(await trackers.keys())
        restarted = tracker_store(domain, db)
        assert (await restarted.retrieve(SENDER)) is None  # gone after a restart
        restarted.engine.dispose()

        conversation.update(user("ja", "affirm"))
        conversation.update(ActionExecuted("action_delete_data"))
        await trackers.save(conversation)
        assert await trackers.retrieve(SENDER) is None
    finally:
        trackers.engine.dispose()


def assessment_consent_id() -> str:
    return runtime.assessment().consent.id


def test_memory_only_conversations_are_bounded_in_number_and_time():
    now = [1000.0]
    kept = MemoryOnly(max_conversations=2, ttl_seconds=60, clock=lambda: now[0])
    kept.put("a", "tracker a")
    kept.put("b", "tracker b")
    kept.put("a", "tracker a2")  # saved again: now the newest
    kept.put("c", "tracker c")  # full: b, the least recently saved, goes
    assert list(kept) == ["a", "c"] and kept.get("a") == "tracker a2"
    now[0] += 59
    kept.put("c", "tracker c2")
    now[0] += 2  # a: 61 s without a save
    assert "a" not in kept and kept.get("c") == "tracker c2" and len(kept) == 1
    assert kept.pop("c") == "tracker c2" and kept.pop("c") is None


async def test_the_bot_says_what_no_means_once(domain, bot_runtime):
    dispatcher = CollectingDispatcher()
    tracker = Tracker(SENDER, {}, {"text": "nee", "intent": {"name": "deny"}, "entities": []},
                      [], False, None, {}, "action_listen")  # fmt: skip
    form = ValidateAssessmentForm()
    result = await form.validate_assessment_answer("nee", dispatcher, tracker, domain.as_dict())
    assert result[SLOT_ANSWERS] == {assessment_consent_id(): "nee"}
    assert "utter_not_stored" in [m.get("response") for m in dispatcher.messages]
    assert "kwijt" in domain.responses["utter_not_stored"][0]["text"]

    later = CollectingDispatcher()
    slots = {SLOT_ANSWERS: {assessment_consent_id(): "nee"}}
    tracker = Tracker(SENDER, slots, {"text": "horeca", "intent": {"name": "inform"},
                      "entities": []}, [], False, None, {}, "action_listen")  # fmt: skip
    await form.validate_assessment_answer("horeca", later, tracker, domain.as_dict())
    assert "utter_not_stored" not in [m.get("response") for m in later.messages]
    assert ANSWERS_SLOT == SLOT_ANSWERS


@pytest.fixture
def bot_runtime(var_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("KC_VAR_DIR", str(var_dir))
    for name in ("KC_RESULTS_DB", "KC_IDENTITY_KEY", "KC_IDENTITY_KEY_FILE", "KC_TRACKER_DB"):
        monkeypatch.delenv(name, raising=False)
    runtime.reset()
    yield var_dir
    runtime.reset()


async def test_whatsapp_message_ids_are_stored_as_keyed_hashes(bot_runtime):
    from bot.channels.whatsapp import WhatsAppInput, config_from
    from bot.channels.whatsapp_format import Incoming

    config = config_from({}, {"WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_APP_SECRET": "s",
                              "WHATSAPP_ACCESS_TOKEN": "a", "WHATSAPP_PHONE_NUMBER_ID": "1"})  # fmt: skip
    handled = []

    async def on_new_message(message):
        handled.append(message)

    item = Incoming(WAMID, "31611111111", "text", "hoi")
    await WhatsAppInput(config)._handle([item], on_new_message)
    runtime.reset()  # a restart: new connection, same file and key
    await WhatsAppInput(config)._handle([item], on_new_message)
    assert len(handled) == 1  # the redelivery is still recognised
    assert traces(bot_runtime, needles(WAMID, "wamid", "31611111111")) == {}
    (stored,) = [r["id"] for r in runtime.store().db["channel_messages"].rows]
    key = message_id_key(load_or_create_key(None, bot_runtime / "identity.key"))
    assert stored == message_id_digest(f"whatsapp:{WAMID}", key)


def test_message_ids_stored_in_clear_by_an_older_version_are_hashed(tmp_path, clock):
    path = tmp_path / "results.db"
    ResultsStore(path, clock).db  # the schema, as an older version left it  # noqa: B018
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO channel_messages (id, seen_at, person) VALUES (?, ?, ?)",
            [f"whatsapp:{WAMID}", iso(clock()), "p1"],
        )
    store = ResultsStore(path, clock, message_id_key=TEST_MESSAGE_ID_KEY)
    try:
        assert store.first_delivery(f"whatsapp:{WAMID}", "p1") is False  # still a duplicate
        assert store.first_delivery("whatsapp:wamid.new", "p1") is True
        assert store.db["channel_messages"].count == 2
        assert traces(tmp_path, needles("wamid")) == {}
    finally:
        store.close()
    with pytest.raises(StoreError, match="message_id_key"):
        ResultsStore(path, clock).first_delivery("whatsapp:wamid.x")


def modes(folder: Path) -> dict[str, str]:
    found = {".": oct(stat.S_IMODE(folder.stat().st_mode))}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = oct(stat.S_IMODE(path.stat().st_mode))
    return found


async def test_every_file_in_var_is_private_whatever_the_umask(
    bot_runtime, domain, clock, assessment
):
    previous = os.umask(0o022)
    try:
        person = runtime.person_for(SENDER)  # creates the key
        complete_check(runtime.store(), assessment, person, clock)
        runtime.store().first_delivery(f"whatsapp:{WAMID}", person)
        trackers = tracker_store(domain, bot_runtime / "tracker.db")
        conversation = DialogueStateTracker(SENDER, domain.slots)
        conversation.update(user("hoi", "greet"))
        await trackers.save(conversation)
        with trackers.engine.connect() as open_connection:  # Rasa's WAL and SHM files exist
            open_connection.exec_driver_sql("SELECT count(*) FROM events").scalar()
            found = modes(bot_runtime)
        trackers.engine.dispose()
    finally:
        os.umask(previous)
    names = set(found) - {"."}
    assert {"identity.key", "results.db", "results.db-wal", "results.db-shm",
            "tracker.db", "tracker.db-wal", "tracker.db-shm"} <= names  # fmt: skip
    assert found == {".": "0o700", **{name: "0o600" for name in names}}


def test_files_from_an_older_version_are_made_private(bot_runtime, clock):
    previous = os.umask(0o022)
    try:
        bot_runtime.mkdir(mode=0o755)
        os.chmod(bot_runtime, 0o755)  # noqa: S103 - as an older version left it
        ResultsStore(bot_runtime / "results.db", clock).close()
        (bot_runtime / "identity.key").write_text("k" * 64 + "\n")
        for path in bot_runtime.iterdir():
            os.chmod(path, 0o644)
        runtime.store().db  # noqa: B018
        runtime.person_for(SENDER)
        found = modes(bot_runtime)
    finally:
        os.umask(previous)
    assert found["."] == "0o700"
    assert {found[n] for n in ("results.db", "results.db-wal", "identity.key")} == {"0o600"}


@pytest.mark.parametrize("script", ["run.sh", "shell.sh", "demo.sh"])
def test_the_start_scripts_write_logs_for_the_owner_only(script):
    text = (ROOT / "scripts" / script).read_text(encoding="utf-8")
    assert "umask 077" in text
    first_write = min(i for i in (text.find(">"), text.find("mkdir"), len(text)) if i >= 0)
    assert text.index("umask 077") < first_write  # before a folder or log file is made
