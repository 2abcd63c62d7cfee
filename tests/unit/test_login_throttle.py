"""Issue 18: the login throttle holds across web app processes on one results database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adviser.throttle import ADDRESS, USER_ADDRESS, LoginThrottle
from bot.privacy.erasure import purge_older_than
from bot.storage import login_failures_table, schema
from bot.storage.results_store import SCHEMA_VERSION, ResultsStore, StoreError
from tests.conftest import TEST_MESSAGE_ID_KEY, sql

USER, ADDR = "JdeVries", "203.0.113.77"


@pytest.fixture(params=["sqlite", "postgresql"])
def replicas(request, tmp_path: Path, clock) -> Iterator[tuple[ResultsStore, ResultsStore]]:
    """Two stores on one database, as two web app processes (or replicas) would have."""
    if request.param == "sqlite":
        where = {"path": tmp_path / "results.db"}
    else:
        where = {"database_url": request.getfixturevalue("postgres_server").new_database()}
    stores = tuple(
        ResultsStore(clock=clock, message_id_key=TEST_MESSAGE_ID_KEY, **where) for _ in "ab"
    )
    yield stores
    for store in stores:
        store.close()


def throttle_on(store: ResultsStore) -> LoginThrottle:
    return LoginThrottle(lambda: store)


def rows(store: ResultsStore) -> list[tuple[str, str, int]]:
    return sql(store, "SELECT kind, key, failures FROM login_failures ORDER BY kind")


def test_two_processes_share_the_count_for_a_username_and_address(replicas, clock):
    a, b = (throttle_on(store) for store in replicas)
    a.failed(USER, ADDR)
    b.failed(USER.lower(), ADDR)  # the username is compared without case
    assert a.wait_for(USER, ADDR) == b.wait_for(USER, ADDR) == 0
    a.failed(USER, ADDR)  # the third wrong password, over two processes
    assert a.wait_for(USER, ADDR) == b.wait_for(USER, ADDR) == 2
    b.failed(USER, ADDR)
    assert a.wait_for(USER, ADDR) == 4  # the wait doubles
    clock.advance(seconds=3)
    assert b.wait_for(USER, ADDR) == 1
    clock.advance(seconds=1)
    assert a.wait_for(USER, ADDR) == b.wait_for(USER, ADDR) == 0
    assert a.wait_for(USER, "198.51.100.1") == 0  # another address is not slowed down


def test_guesses_for_many_usernames_add_up_per_address_over_processes(replicas):
    a, b = (throttle_on(store) for store in replicas)
    for number in range(10):
        (a if number % 2 else b).failed(f"adviseur{number}", ADDR)
    assert a.wait_for("nog-een-naam", ADDR) == b.wait_for("nog-een-naam", ADDR) == 2
    assert a.wait_for("nog-een-naam", "198.51.100.1") == 0


def test_a_right_password_clears_its_count_everywhere_but_not_the_address(replicas):
    a, b = (throttle_on(store) for store in replicas)
    for _ in range(3):
        a.failed(USER, ADDR)
    assert b.wait_for(USER, ADDR) == 2
    b.succeeded(USER, ADDR)
    assert a.wait_for(USER, ADDR) == 0
    assert [(kind, failures) for kind, _, failures in rows(replicas[0])] == [(ADDRESS, 3)]


def test_a_restart_forgets_nothing(tmp_path, clock):
    path = tmp_path / "results.db"
    before = ResultsStore(path, clock, message_id_key=TEST_MESSAGE_ID_KEY)
    for _ in range(3):
        throttle_on(before).failed(USER, ADDR)
    before.close()
    after = ResultsStore(path, clock, message_id_key=TEST_MESSAGE_ID_KEY)
    try:
        assert throttle_on(after).wait_for(USER, ADDR) == 2
    finally:
        after.close()


def test_old_counts_start_again_and_their_rows_are_deleted(fresh_store, clock):
    throttle = throttle_on(fresh_store)
    for _ in range(3):
        throttle.failed(USER, ADDR)
    throttle.failed("ander", "198.51.100.1")
    clock.advance(minutes=61)
    assert throttle.wait_for(USER, ADDR) == 0  # an hour without failures: forgotten
    throttle.failed(USER, ADDR)
    assert sorted((kind, failures) for kind, _, failures in rows(fresh_store)) == [
        (ADDRESS, 1),
        (USER_ADDRESS, 1),
    ]  # the counts start at one again; the other address's rows are gone


def test_the_daily_purge_deletes_counts_older_than_a_day(fresh_store, clock, tmp_path):
    throttle_on(fresh_store).failed(USER, ADDR)
    clock.advance(hours=23)
    purge_older_than(fresh_store, tmp_path / "tracker.db", timedelta(days=90))
    assert len(rows(fresh_store)) == 2  # old, but not a day old
    clock.advance(hours=2)
    purge_older_than(fresh_store, tmp_path / "tracker.db", timedelta(days=90))
    assert rows(fresh_store) == []


def test_the_database_holds_keyed_hashes_only(sqlite_store):
    throttle = throttle_on(sqlite_store)
    for _ in range(4):
        throttle.failed(USER, ADDR)
    keys = [key for _, key, _ in rows(sqlite_store)]
    assert len(keys) == 2 and all(len(k) == 64 and set(k) <= set("0123456789abcdef") for k in keys)
    stored = b"".join(
        path.read_bytes() for path in sqlite_store.path.parent.glob("results.db*") if path.is_file()
    )
    for clear in (USER, USER.lower(), ADDR):
        assert clear.encode() not in stored
    other = ResultsStore(
        sqlite_store.path.parent / "other.db", message_id_key=b"another key".ljust(32, b"0")
    )
    try:  # another key gives other hashes: the database alone says nothing
        assert login_failures_table.digest(other, f"ip:{ADDR}") != login_failures_table.digest(
            sqlite_store, f"ip:{ADDR}"
        )
    finally:
        other.close()


def test_a_store_without_a_key_refuses_instead_of_storing_in_clear(tmp_path):
    store = ResultsStore(tmp_path / "results.db")
    try:
        with pytest.raises(StoreError):
            throttle_on(store).failed(USER, ADDR)
    finally:
        store.close()


def test_a_version_4_database_migrates_in_place(tmp_path, clock, monkeypatch):
    path = tmp_path / "results.db"
    conn = sqlite3.connect(path)
    try:
        with monkeypatch.context() as patched:
            before = tuple(m for m in schema.MIGRATIONS if m.version <= 4)
            patched.setattr(schema, "MIGRATIONS", before)
            assert schema.migrate(conn) == [3, 4]
        conn.execute("INSERT INTO advisers VALUES ('jan', 'scrypt$x', '2026-01-01T00:00:00+00:00')")
        conn.execute("INSERT INTO code_attempts VALUES ('address', 'x', '2026-01-01')")
        conn.commit()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "login_failures" not in tables
    finally:
        conn.close()
    store = ResultsStore(path, clock, message_id_key=TEST_MESSAGE_ID_KEY)
    try:
        throttle = throttle_on(store)
        for _ in range(3):
            throttle.failed(USER, ADDR)
        assert throttle.wait_for(USER, ADDR) == 2
        assert store.db.execute("SELECT count(*) FROM advisers").fetchone()[0] == 1
        assert store.db.execute("SELECT count(*) FROM code_attempts").fetchone()[0] == 1
        assert schema.user_version(store.db.conn) == SCHEMA_VERSION >= 5
    finally:
        store.close()
