"""The stores of the cluster profile: PostgreSQL for results and conversations, Redis beside.

Several replicas share one PostgreSQL and one Redis (docs/deploy.md). These
tests run real servers on loopback (tests/postgres_server.py,
tests/redis_server.py) and play two replicas as two store objects.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import runtime
from bot.config import ConfigError, Settings
from bot.privacy.unsaved_in_redis import PREFIX, RedisUnsaved
from bot.rasa_integration.endpoints_file import render_endpoints
from bot.rasa_integration.tracker_store import ErasingSQLTrackerStore
from bot.storage import tracker_events
from bot.storage.errors import StoreError
from bot.storage.results_store import ResultsStore
from bot.storage.schema import SCHEMA_VERSION
from bot.storage.schema_postgresql import POSTGRES_MIGRATIONS, PURGE_LOCK
from bot.storage.tables import metadata
from tests.conftest import TEST_MESSAGE_ID_KEY, count_rows

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def postgres_trackers(domain: Domain, url: str) -> ErasingSQLTrackerStore:
    """Our tracker store on PostgreSQL, built with the keys Rasa passes from endpoints.yml."""
    keys = render_endpoints(
        {"tracker_store": {"type": "x", "dialect": "sqlite", "db": "unused.db"}},
        {"KC_TRACKER_DATABASE_URL": url},
    )["tracker_store"]
    keys.pop("type")
    host = keys.pop("url")
    return ErasingSQLTrackerStore(domain=domain, host=host, **keys)


def said(text: str) -> UserUttered:
    return UserUttered(text, {"name": "inform", "confidence": 1.0})


# --- results on PostgreSQL ----------------------------------------------------


def test_both_databases_get_the_same_columns(tmp_path, postgres_server):
    """The SQLite migrations and the PostgreSQL tables describe one schema."""
    sqlite_store = ResultsStore(tmp_path / "r.db")
    postgres_store = ResultsStore(database_url=postgres_server.new_database())
    try:
        sqlite_store.count_assessments()
        postgres_store.count_assessments()
        on_sqlite = sa.inspect(sqlite_store.engine)
        on_postgres = sa.inspect(postgres_store.engine)
        for table in metadata.sorted_tables:
            expected = {c.name for c in table.columns}
            assert {c["name"] for c in on_sqlite.get_columns(table.name)} == expected, table.name
            extra = {"seq"} if table.name == "assessments" else set()
            found = {c["name"] for c in on_postgres.get_columns(table.name)}
            assert found == expected | extra, table.name
    finally:
        sqlite_store.close()
        postgres_store.close()


def test_the_postgresql_steps_end_at_the_sqlite_version():
    assert POSTGRES_MIGRATIONS[-1].version == SCHEMA_VERSION


def test_replicas_starting_together_set_the_database_up_once(postgres_server, clock):
    url = postgres_server.new_database()
    stores = [ResultsStore(clock=clock, database_url=url) for _ in range(3)]
    try:
        for store in stores:
            store.count_assessments()
        versions = [
            row[0]
            for row in stores[0].engine.connect().execute(sa.text("SELECT version FROM kc_schema"))
        ]
        assert versions == [SCHEMA_VERSION]
        stores[0].start_assessment("a1", "p", 1)
        assert stores[1].latest("p").assessment_id == "a1"  # one database, seen by all
    finally:
        for store in stores:
            store.close()


def test_a_redelivered_message_counts_once_across_replicas(postgres_server, clock):
    url = postgres_server.new_database()
    one, two = (
        ResultsStore(clock=clock, message_id_key=TEST_MESSAGE_ID_KEY, database_url=url)
        for _ in "ab"
    )
    try:
        assert one.first_delivery("wamid.1", "p") is True
        assert two.first_delivery("wamid.1", "p") is False
    finally:
        one.close()
        two.close()


def test_only_one_replica_purges_at_a_time(postgres_server, clock):
    url = postgres_server.new_database()
    store = ResultsStore(clock=clock, database_url=url)
    try:
        store.start_assessment("old", "p", 1, consent_at="2026-01-01T00:00:00+00:00")
        holder = sa.create_engine(url, future=True)
        with holder.begin() as other_replica:
            other_replica.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PURGE_LOCK})
            skipped = store.purge_before("2026-06-01T00:00:00+00:00")
        holder.dispose()
        assert skipped == {"checks": 0, "message_ids": 0}
        assert count_rows(store, "assessments") == 1
        assert store.purge_before("2026-06-01T00:00:00+00:00")["checks"] == 1
    finally:
        store.close()


def test_errors_name_the_database_without_its_password(clock):
    store = ResultsStore(clock=clock, database_url="postgresql://kc:geheim@127.0.0.1:1/kc")
    with pytest.raises(StoreError) as raised:
        store.count_assessments()
    assert "geheim" not in str(raised.value)
    assert "postgresql://kc:***@127.0.0.1:1/kc" in str(raised.value)


def test_a_postgresql_restart_costs_no_lost_data(postgres_server, clock):
    """After a restart the pool reconnects (pre-ping): the next call works."""
    store = ResultsStore(clock=clock, database_url=postgres_server.new_database())
    try:
        store.start_assessment("a1", "p", 1)
        store.record_answer("a1", "q1", "wel", 3)
        postgres_server.restart()
        store.record_answer("a1", "q2", "soms", 2)
        assert store.result("a1").answers == {"q1": "wel", "q2": "soms"}
    finally:
        store.close()


# --- conversations on PostgreSQL ----------------------------------------------


async def test_a_replica_sees_what_another_replica_added(domain, postgres_server):
    url = postgres_server.new_database()
    first, second = postgres_trackers(domain, url), postgres_trackers(domain, url)
    try:
        tracker = DialogueStateTracker("s1", domain.slots)
        tracker.update(said("hoi"))
        await first.save(tracker)  # first keeps it in memory
        elsewhere = await second.retrieve("s1")
        elsewhere.update(said("vraag 1: wel"))
        await second.save(elsewhere)
        again = await first.retrieve("s1")  # the kept copy is stale now
        assert [e.text for e in again.events] == ["hoi", "vraag 1: wel"]
    finally:
        first.engine.dispose()
        second.engine.dispose()


async def test_a_conversation_rewritten_elsewhere_to_the_same_length_is_reread(
    domain, postgres_server
):
    url = postgres_server.new_database()
    first, second = postgres_trackers(domain, url), postgres_trackers(domain, url)
    try:
        tracker = DialogueStateTracker("s1", domain.slots)
        tracker.update(said("oud"))
        await first.save(tracker)
        tracker_events.delete_sender(url, "s1")  # erased from the CLI ...
        fresh = DialogueStateTracker("s1", domain.slots)
        fresh.update(said("nieuw"))
        await second.save(fresh)  # ... and started again on the other replica: same count
        assert [e.text for e in (await first.retrieve("s1")).events] == ["nieuw"]
    finally:
        first.engine.dispose()
        second.engine.dispose()


async def test_conversations_continue_after_a_postgresql_restart(domain, postgres_server):
    trackers = postgres_trackers(domain, postgres_server.new_database())
    try:
        tracker = DialogueStateTracker("s1", domain.slots)
        tracker.update(said("hoi"))
        await trackers.save(tracker)
        postgres_server.restart()
        trackers._kept.clear()  # read from the database, through the pool's old connections
        again = await trackers.retrieve("s1")
        again.update(said("verder"))
        await trackers.save(again)
        assert trackers.stored_event_count("s1") == 2
    finally:
        trackers.engine.dispose()


def test_erasure_and_retention_reach_a_postgresql_tracker(postgres_server):
    url = postgres_server.new_database()
    assert tracker_events.count_sender(url, "s1") == 0  # no table yet: nothing to delete
    engine = sa.create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE events (id SERIAL, sender_id TEXT, timestamp FLOAT)")
        )
        connection.execute(
            sa.text("INSERT INTO events (sender_id, timestamp) VALUES ('s1', 1), ('s2', 5)")
        )
    engine.dispose()
    assert tracker_events.delete_sender(url, "s1") == 1
    assert tracker_events.delete_before(url, 10.0) == 1
    assert tracker_events.count_sender(url, "s2") == 0


# --- unsaved conversations in Redis -------------------------------------------


@pytest.fixture
def redis_runtime(isolated_runtime, redis_server, monkeypatch):
    import redis

    client = redis.Redis.from_url(redis_server.url, socket_timeout=5)
    client.flushdb()
    monkeypatch.setenv("KC_REDIS_URL", redis_server.url)
    runtime.reset()
    yield client
    client.flushdb()
    runtime.reset()


async def test_a_no_to_storing_conversation_moves_between_replicas_through_redis_only(
    domain, postgres_server, redis_runtime, redis_server
):
    url = postgres_server.new_database()
    first, second = postgres_trackers(domain, url), postgres_trackers(domain, url)
    try:
        assert isinstance(first.memory_only, RedisUnsaved)
        tracker = DialogueStateTracker("whatsapp-31612345678", domain.slots)
        tracker.update(said("start"))
        await first.save(tracker)  # before the consent question: stored as usual
        assert tracker_events.count_sender(url, tracker.sender_id) == 1
        tracker.update(said("nee"))
        tracker.update(SlotSet("answers", {"toestemming": "nee"}))
        await first.save(tracker)
        assert tracker_events.count_sender(url, tracker.sender_id) == 0  # gone from disk

        on_second = await second.retrieve(tracker.sender_id)  # the next message, elsewhere
        assert [e.text for e in on_second.events if isinstance(e, UserUttered)] == ["start", "nee"]
        on_second.update(said("vraag 1: soms"))
        await second.save(on_second)
        assert tracker_events.count_sender(url, tracker.sender_id) == 0
        back = await first.retrieve(tracker.sender_id)
        assert back.latest_message.text == "vraag 1: soms"
        assert tracker.sender_id in set(await first.keys())

        keys = [k.decode() for k in redis_runtime.keys(PREFIX + "*")]
        assert len(keys) == 1 and "31612345678" not in keys[0]  # keyed by pseudonym
        assert 0 < redis_runtime.ttl(keys[0]) <= 24 * 60 * 60
        assert list(redis_server.folder.iterdir()) == []  # no snapshot, no append-only file
    finally:
        first.engine.dispose()
        second.engine.dispose()


# --- configuration ------------------------------------------------------------


def test_the_cluster_settings_are_read_and_checked(tmp_path):
    env = {
        "KC_VAR_DIR": str(tmp_path),
        "KC_DATABASE_URL": "postgresql://kc:pw@db:5432/kc_results",
        "KC_TRACKER_DATABASE_URL": "postgresql://kc:pw@db:5432/kc_tracker",
        "KC_REDIS_URL": "redis://redis:6379/0",
    }
    settings = Settings.from_env(env)
    assert settings.database_url.endswith("/kc_results")
    assert settings.tracker_location == "postgresql://kc:pw@db:5432/kc_tracker"
    assert (
        Settings.from_env({"KC_VAR_DIR": str(tmp_path)}).tracker_location == tmp_path / "tracker.db"
    )
    for name, wrong in (
        ("KC_DATABASE_URL", "mysql://x"),
        ("KC_TRACKER_DATABASE_URL", "sqlite:///x.db"),
        ("KC_REDIS_URL", "http://redis"),
    ):
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({**env, name: wrong})


def test_endpoints_put_the_tracker_on_postgresql_and_add_the_redis_lock_store():
    template = {
        "action_endpoint": {"url": "http://127.0.0.1:5055/webhook"},
        "tracker_store": {"type": "our.Store", "dialect": "sqlite", "db": "var/tracker.db"},
    }
    rendered = render_endpoints(
        template,
        {
            "KC_TRACKER_DATABASE_URL": "postgresql://kc:p%40ss@10.0.0.5:5433/kc_tracker",
            "KC_REDIS_URL": "redis://:geheim@10.0.0.6:6380/2",
            "ACTION_PORT": "5150",
        },
    )
    assert rendered["tracker_store"] == {
        "type": "our.Store", "dialect": "postgresql", "db": "kc_tracker", "url": "10.0.0.5",
        "port": 5433, "username": "kc", "password": "p@ss",
    }  # fmt: skip
    assert rendered["lock_store"] == {
        "type": "redis", "url": "10.0.0.6", "port": 6380, "db": 2, "key_prefix": "kc",
        "password": "geheim",
    }  # fmt: skip
    assert rendered["action_endpoint"]["url"] == "http://127.0.0.1:5150/webhook"
    assert "lock_store" not in render_endpoints(template, {})
    in_containers = render_endpoints(
        template, {"KC_ACTION_ENDPOINT_URL": "http://nginx:5150/webhook"}
    )
    assert in_containers["action_endpoint"]["url"] == "http://nginx:5150/webhook"


def test_a_sqlite_file_is_still_the_default(tmp_path):
    store = ResultsStore(tmp_path / "results.db")
    try:
        store.count_assessments()
        assert store.dialect == "sqlite"
        with sqlite3.connect(tmp_path / "results.db") as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        store.close()


async def test_a_failed_cache_check_after_a_save_does_not_fail_the_saved_turn(
    domain, postgres_server, monkeypatch
):
    trackers = postgres_trackers(domain, postgres_server.new_database())
    try:
        tracker = DialogueStateTracker("s1", domain.slots)
        tracker.update(said("hoi"))

        def database_gone(sender_id: str) -> None:
            raise ConnectionError("server closed the connection")

        monkeypatch.setattr(trackers, "stored_state", database_gone)
        await trackers.save(tracker)  # saved; only the in-memory copy is not kept
        monkeypatch.undo()
        assert "s1" not in trackers._kept
        assert trackers.stored_event_count("s1") == 1
    finally:
        trackers.engine.dispose()


async def test_the_events_lookup_for_a_repeated_message_keeps_the_cached_tracker(
    domain, postgres_server
):
    trackers = postgres_trackers(domain, postgres_server.new_database())
    try:
        tracker = DialogueStateTracker("s1", domain.slots)
        tracker.update(said("hoi"))
        await trackers.save(tracker)
        assert [e.text for e in await trackers.current_events("s1")] == ["hoi"]
        assert await trackers.retrieve("s1") is tracker  # still the kept one, not re-read
    finally:
        trackers.engine.dispose()
