"""The pure parts of `make cluster` (scripts/cluster/): nginx config, retry JSON, ports,
environment, and reading the load test's evidence. No server is started here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from scripts.cluster.config import (
    RETRY_TEXT,
    Layout,
    Ports,
    cluster_env,
    database_url,
    nginx_config,
    retry_json,
)
from scripts.cluster.people import asked_question, is_retry
from scripts.cluster.report import Outcome
from scripts.cluster.verify import merged_stages, replica_share, spread

LAYOUT = Layout(Path("/srv/kc/var/cluster"))


def _block(config: str, start: str) -> str:
    """The text of the ``{ ... }`` block that opens with ``start``."""
    begin = config.index(start)
    depth, end = 0, config.index("{", begin)
    for end in range(config.index("{", begin), len(config)):
        depth += {"{": 1, "}": -1}.get(config[end], 0)
        if depth == 0:
            break
    return config[begin : end + 1]


def _directives(config: str) -> str:
    """The config without its comments."""
    return "\n".join(line.split("#")[0] for line in config.splitlines())


@pytest.fixture(scope="module")
def config() -> str:
    return nginx_config(LAYOUT, Ports(), None, expose=False)


def test_socketio_is_sticky_and_rest_is_round_robin(config: str) -> None:
    sticky = _block(config, "upstream kc_rasa_socketio")
    assert "ip_hash;" in sticky
    assert "server 127.0.0.1:5105" in sticky and "server 127.0.0.1:5106" in sticky
    assert "proxy_pass http://kc_rasa_socketio;" in _block(config, "location /socket.io/")
    assert "Upgrade $http_upgrade" in _block(config, "location /socket.io/")
    round_robin = _block(config, "upstream kc_rasa ")
    assert "ip_hash" not in round_robin and "hash " not in round_robin
    assert "server 127.0.0.1:5105" in round_robin and "server 127.0.0.1:5106" in round_robin
    assert "proxy_pass http://kc_rasa;" in _block(config, "location = /webhooks/rest/webhook")
    assert "proxy_pass http://kc_rasa;" in _block(config, "location /webhooks/ ")


def test_rest_failures_become_the_dutch_retry_and_are_never_resent(config: str) -> None:
    rest = _block(config, "location = /webhooks/rest/webhook")
    assert "error_page 502 503 504 = @kc_retry;" in rest
    assert "proxy_next_upstream error timeout http_502 http_503;" in rest
    # A message that reached a replica is not sent to the other one as well.
    assert "non_idempotent" not in _directives(config)
    body = re.search(r"return 200 '(.*)';", _block(config, "location @kc_retry")).group(1)
    replies = json.loads(body.replace("\\'", "'").replace("\\\\", "\\"))
    assert replies == [{"recipient_id": "", "text": RETRY_TEXT}]
    assert "Probeer het zo opnieuw" in replies[0]["text"]
    assert "application/json" in _block(config, "location @kc_retry")


def test_retry_json_is_valid_json_with_the_dutch_text() -> None:
    replies = json.loads(retry_json())
    assert replies[0]["text"] == RETRY_TEXT
    assert is_retry(replies)  # the virtual people recognise it and send again
    assert RETRY_TEXT.startswith("Sorry, er ging iets mis aan onze kant.")


def test_ports_and_paths_are_filled_in_and_nothing_is_left_over(config: str) -> None:
    assert "listen 127.0.0.1:8080;" in config
    assert "listen 127.0.0.1:5150;" in config
    actions = _block(config, "upstream kc_actions")
    assert "127.0.0.1:5155" in actions and "127.0.0.1:5156" in actions
    web = _block(config, "upstream kc_web")
    assert "127.0.0.1:8101" in web and "127.0.0.1:8102" in web
    assert "pid /srv/kc/var/cluster/nginx/nginx.pid;" in config
    assert "/srv/kc/var/cluster/log/nginx-access.log" in config
    assert "$$" not in config
    assert "daemon off;" in config and "user " not in config.split("events")[0]


def test_config_never_reads_etc_nginx_nor_logs_people(config: str) -> None:
    assert "/etc/nginx" not in _directives(config) and "include " not in _directives(config)
    formats = re.findall(r"log_format \w+ '([^']*)'", config)
    assert formats
    for line in formats:
        assert "$remote_addr" not in line and "$request_uri" not in line and "$args" not in line
    assert "X-KC-Upstream" not in config  # only the load test exposes the replica


def test_the_load_test_config_names_the_replica_and_root_hands_workers_over() -> None:
    config = nginx_config(LAYOUT, Ports(), "www-data", expose=True)
    assert "add_header X-KC-Upstream $upstream_addr always;" in config
    assert config.splitlines()[4] == "user www-data;" or "\nuser www-data;\n" in config


def test_operator_addresses_are_not_passed_on(config: str) -> None:
    assert "location ~ ^/(metrics|ready|health)$ {" in config
    assert "location ~ ^/webhooks/rest/(metrics|ready)$ {" in config


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is not installed")  # fmt: skip
def test_nginx_accepts_the_rendered_config(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    layout.logs.mkdir()
    layout.nginx.mkdir()
    layout.nginx_conf.write_text(nginx_config(layout, Ports(), None, expose=True))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    done = subprocess.run(
        [nginx, "-t", "-q", "-p", str(layout.nginx), "-c", str(layout.nginx_conf),
         "-e", str(layout.log("nginx-error"))],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_ports_default_and_overrides() -> None:
    assert Ports.from_env({}) == Ports()
    assert Ports().all() == [8080, 5150, 5155, 5156, 5105, 5106, 8101, 8102, 5433, 6380]
    ports = Ports.from_env(
        {"KC_CLUSTER_PORT": "8090", "KC_CLUSTER_RASA_PORTS": "6105, 6106, 6107",
         "KC_CLUSTER_POSTGRES_PORT": "5440"}
    )  # fmt: skip
    assert (ports.front, ports.rasa, ports.postgres) == (8090, (6105, 6106, 6107), 5440)
    assert ports.actions == (5155, 5156)


@pytest.mark.parametrize(
    "env",
    [
        {"KC_CLUSTER_PORT": "5105"},  # the same port as a Rasa replica
        {"KC_CLUSTER_PORT": "80a"},
        {"KC_CLUSTER_PORT": "70000"},
        {"KC_CLUSTER_PORT": "8090,8091"},  # one port only
    ],
)
def test_bad_ports_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"KC_CLUSTER_PORT|ports must all differ"):
        Ports.from_env(env)


def test_cluster_env_points_every_process_at_the_shared_stores() -> None:
    base = {"PATH": "/usr/bin", "KC_RESULTS_DB": "var/results.db", "KC_IDENTITY_KEY": "x" * 40,
            "KC_TRACKER_DB": "var/tracker.db", "KC_VAR_DIR": "var"}  # fmt: skip
    env = cluster_env(base, LAYOUT, Ports(), "p@ss/word")
    assert env["PATH"] == "/usr/bin"
    assert "KC_RESULTS_DB" not in env and "KC_IDENTITY_KEY" not in env
    assert env["KC_VAR_DIR"] == "/srv/kc/var/cluster"
    assert env["KC_TRACKER_DB"] == "/srv/kc/var/cluster/tracker.db"
    assert env["KC_IDENTITY_KEY_FILE"] == "/srv/kc/var/cluster/identity.key"
    assert env["KC_DATABASE_URL"] == "postgresql://kc:p%40ss%2Fword@127.0.0.1:5433/kc_results"
    assert env["KC_TRACKER_DATABASE_URL"].endswith("@127.0.0.1:5433/kc_tracker")
    assert env["KC_REDIS_URL"] == "redis://127.0.0.1:6380/0"
    assert env["ACTION_PORT"] == "5150"
    assert env["KC_ACTION_SERVER_URL"] == "http://127.0.0.1:5150"
    assert env["KC_PUBLIC_WEB_URL"] == env["KC_RASA_PUBLIC_URL"] == "http://127.0.0.1:8080"
    assert env["KC_TRUSTED_PROXIES"] == "127.0.0.1/32"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"


def test_database_url_quotes_the_password() -> None:
    url = database_url(Ports(postgres=5999), "a:b@c", "kc_tracker")
    assert url == "postgresql://kc:a%3Ab%40c@127.0.0.1:5999/kc_tracker"


ACCESS_LOG = [
    '2026-03-02T09:00:00+00:00 POST /webhooks/rest/webhook 200 0.101 "127.0.0.1:5105" "200"',
    '2026-03-02T09:00:01+00:00 POST /webhooks/rest/webhook 200 0.090 "127.0.0.1:5106" "200"',
    "2026-03-02T09:00:02+00:00 POST /webhooks/rest/webhook 200 0.020 "
    '"127.0.0.1:5105, 127.0.0.1:5106" "502, 200"',
    '2026-03-02T09:00:03+00:00 POST /webhooks/rest/webhook 200 0.004 "127.0.0.1:5105" "502"',
    '2026-03-02T09:00:04+00:00 GET web 200 0.003 "127.0.0.1:8101" "200"',
    '2026-03-02T09:00:05+00:00 POST /socket.io/ 200 0.003 "127.0.0.1:5105" "200"',
]


def test_replica_share_from_the_access_log() -> None:
    share = replica_share(ACCESS_LOG)
    assert share.messages == 4
    assert share.served == Counter({"127.0.0.1:5106": 2, "127.0.0.1:5105": 1})
    assert share.failed_tries == Counter({"127.0.0.1:5105": 2})
    assert share.retry_replies == 1
    assert share.share("127.0.0.1:5106") == pytest.approx(2 / 3)


def test_spread_over_replicas() -> None:
    upstreams = {
        "a": Counter({"r1": 5, "r2": 5}),
        "b": Counter({"r1": 9, "r2": 1}),
        "c": Counter({"r2": 4}),
    }
    both, conversations, busier = spread(upstreams)
    assert (both, conversations) == (2, 3)
    assert busier == pytest.approx((0.5 + 0.9 + 1.0) / 3)


def test_spread_is_judged_on_messages_sent_while_both_replicas_were_up() -> None:
    stage_upstreams = {
        "before the kill": {"a": Counter({"r1": 2, "r2": 1}), "b": Counter({"r1": 1})},
        "rasa-1 down": {"a": Counter({"r2": 9}), "b": Counter({"r2": 9})},
        "after rasa-1 is back": {"a": Counter({"r1": 2, "r2": 2}), "c": Counter({"r2": 2})},
    }
    calm = merged_stages(stage_upstreams, ("before the kill", "after rasa-1 is back"), 3)
    # "a" met the downtime but still counts, on its calm messages only; "b" and "c"
    # sent too few calm messages to be judged.
    assert calm == {"a": Counter({"r1": 4, "r2": 3})}


def test_people_read_the_question_and_the_retry() -> None:
    question = [
        {"text": "Vraag 3 van 25\n..."},
        {"text": "", "buttons": [{"title": "Ja", "payload": '/inform{"choice": "q3:ja"}'}]},
    ]
    assert asked_question(question) == "q3"
    assert not is_retry(question)
    bot_retry = [{"text": "Sorry. Probeer het over een minuutje opnieuw: stuur je bericht."}]
    assert is_retry(bot_retry)
    assert asked_question([{"text": "Dank je."}]) is None


def test_an_unfinished_test_fails() -> None:
    outcome = Outcome(users=100, work=Path("/tmp/x"), crash="ServiceError: rasa-1 stopped")
    assert not outcome.passed
    assert "rasa-1 stopped" in outcome.checks()[0][1]


def _outcome(**tally_changes: object) -> Outcome:
    """A finished test run in which nothing went wrong, with ``tally_changes`` applied."""
    from scripts.bench.load import LevelResult
    from scripts.bench.storage_check import StorageCheck
    from scripts.cluster.loadtest import StageOne, StageTwo
    from scripts.cluster.people import Tally

    r1, r2 = "127.0.0.1:5105", "127.0.0.1:5106"
    tally = Tally(
        upstreams={"a": Counter({r1: 14, r2: 14})},
        by_stage={"before the kill": Counter({r1: 10, r2: 10}),
                  "after rasa-1 is back": Counter({r1: 10, r2: 8})},
        stage_upstreams={"before the kill": {"a": Counter({r1: 2, r2: 2})},
                         "rasa-1 down": {"a": Counter({r2: 10})},
                         "after rasa-1 is back": {"a": Counter({r1: 2, r2: 2})}},
    )  # fmt: skip
    for name, value in tally_changes.items():
        setattr(tally, name, value)
    level = LevelResult("cluster", 1, 28, 1, 10.0, 1.0, 2.0, 3.0, 4.0, [], {200: 28})
    storage = StorageCheck(users=2, stored_once=2, completed=2, matching=2)
    return Outcome(
        users=1, work=Path("/tmp/x"), stage_one=StageOne(level, tally),
        stage_two=StageTwo(Tally(retries_bot=1), 1, 1, 0.3, True), storage=storage,
        counts={"assessments": 2, "completed": 2}, shown=2,
        share=replica_share(ACCESS_LOG), rasa_ports=[r1, r2],
    )  # fmt: skip


def test_the_verdict_passes_a_clean_run_and_names_each_failure() -> None:
    assert _outcome().passed, _outcome().checks()
    failing = {
        "empty_replies": 1,
        "http_errors": ["HTTP 500"],
        "lost_place": ["cluster-1: expected q3, bot asked q4"],
        "gave_up": {"cluster-1": "no answer"},
    }
    for name, value in failing.items():
        outcome = _outcome(**{name: value})
        assert not outcome.passed, name
    lopsided = _outcome(by_stage={"before the kill": Counter({"127.0.0.1:5105": 20})})
    assert not lopsided.passed
    sticky = _outcome(stage_upstreams={"before the kill": {"a": Counter({"127.0.0.1:5105": 8})}})
    assert not sticky.passed
    unnoticed_restart = _outcome()
    unnoticed_restart.stage_two.tally.retries_bot = 0  # type: ignore[union-attr]
    assert not unnoticed_restart.passed
