"""The bot end to end on the cluster profile's stores: PostgreSQL and Redis.

The action server and Rasa as `make run` starts them, with KC_DATABASE_URL,
KC_TRACKER_DATABASE_URL and KC_REDIS_URL pointing at a throwaway PostgreSQL and
Redis (tests/postgres_server.py, tests/redis_server.py). The same conversations as
the SQLite e2e tests; `make cluster-test` adds nginx, replicas and killed processes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa

from bot.channels.guard import ACTION_SERVER_DOWN
from bot.privacy.pseudonyms import load_or_create_key, pseudonym
from bot.privacy.unsaved_in_redis import PREFIX
from tests.e2e.conftest import BotServers, launch_bot_servers
from tests.e2e.test_conversation import open_question_of, run_check, stored

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pg_servers(
    tmp_path_factory: pytest.TempPathFactory, fake_graph, postgres_server, redis_server
) -> Iterator[BotServers]:
    extra = {
        "KC_DATABASE_URL": postgres_server.new_database(),
        "KC_TRACKER_DATABASE_URL": postgres_server.new_database(),
        "KC_REDIS_URL": redis_server.url,
    }
    servers = launch_bot_servers(tmp_path_factory.mktemp("var-pg"), fake_graph.url, extra)
    try:
        yield servers
    finally:
        servers.stop()


def count(url: str, statement: str, **values: object) -> int:
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(statement), values).scalar() or 0)
    finally:
        engine.dispose()


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_a_check_is_stored_in_postgresql_and_erased_from_it(pg_servers, assessment):
    sender = "e2e-pg-check"
    shown, _ = run_check(pg_servers, assessment, sender, typed=False)
    saved = stored(pg_servers, sender)  # the CLI reads the same PostgreSQL
    assert {k: saved[k] for k in ("scores", "overall", "routes")} == {
        k: shown[k] for k in ("scores", "overall", "routes")
    }
    results, tracker = (pg_servers.env["KC_DATABASE_URL"],
                        pg_servers.env["KC_TRACKER_DATABASE_URL"])  # fmt: skip
    person = pseudonym(sender, load_or_create_key(None, pg_servers.var_dir / "identity.key"))
    assert count(results, "SELECT count(*) FROM assessments WHERE person = :p", p=person) == 1
    assert count(tracker, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender) > 0
    assert not list(pg_servers.var_dir.glob("*.db"))  # no SQLite file was made

    assert "Wil je dat ik alles van je wis?" in texts(
        pg_servers.send(sender, "verwijder mijn gegevens")
    )
    assert "Ik heb alles gewist" in texts(pg_servers.send(sender, "ja"))
    assert count(results, "SELECT count(*) FROM assessments WHERE person = :p", p=person) == 0
    assert count(results, "SELECT count(*) FROM answers") == 0
    assert count(tracker, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender) == 0


def test_a_no_to_storing_conversation_lives_in_redis_and_survives_a_rasa_restart(
    pg_servers, assessment, redis_server
):
    sender = "e2e-pg-nee"
    pg_servers.send(sender, "hoi")
    messages = pg_servers.send(sender, "nee")
    assert "ik bewaar je antwoorden niet" in texts(messages)
    assert open_question_of(messages, assessment).id == "beroep"
    messages = pg_servers.send(sender, "ik werkte in de horeca")
    assert open_question_of(messages, assessment).id == "opleiding"

    tracker = pg_servers.env["KC_TRACKER_DATABASE_URL"]
    assert count(tracker, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender) == 0
    client = redis.Redis.from_url(redis_server.url, socket_timeout=5)
    assert len(client.keys(PREFIX + "*")) >= 1

    pg_servers.restart_rasa()  # the process's memory is gone; Redis is not
    messages = pg_servers.send(sender, "mbo 3")
    assert "begrijp ik niet" not in texts(messages)
    assert open_question_of(messages, assessment).id != "beroep"  # it did not start over
    assert count(tracker, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender) == 0
    assert pg_servers.cli("results", "--sender", sender, "--json").returncode == 1


def test_postgresql_down_gets_the_dutch_retry_and_the_check_goes_on(
    pg_servers, assessment, postgres_server
):
    sender = "e2e-pg-down"
    for text in ("hoi", "ja", "ik werkte in de horeca"):
        messages = pg_servers.send(sender, text)
    question = open_question_of(messages, assessment)
    assert question is not None and question.id == "opleiding"
    postgres_server.stop_server()
    try:
        down = pg_servers.send(sender, "mbo 3")
        assert texts(down).endswith(ACTION_SERVER_DOWN)
        assert "Wil je de Klantcontact-check doen" not in texts(down)  # not a new conversation
    finally:
        postgres_server.start_server()
    again = pg_servers.send(sender, "mbo 3")  # as asked: the same message once more
    assert open_question_of(again, assessment).id not in ("beroep", "opleiding")
    assert "begrijp ik niet" not in texts(again)
    saved = stored(pg_servers, sender)
    assert saved["answers"]["beroep"] and saved["answers"]["opleiding"]
