"""The command line: output of the commands, and clear errors without tracebacks."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner, Result

from bot import runtime
from bot.cli import cli
from tests.conftest import ROOT

#: Long enough for the password rules; never a real password.
GOOD_PASSWORD = "correct horse battery staple"


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def assert_clean_failure(result: Result, exit_code: int, message: str) -> None:
    """Failed with this status and message, through click: no exception escaped."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def settings_env(isolated_runtime: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An isolated runtime whose settings are read again after the test sets variables."""
    for name in ("WEB_PORT", "ACTION_PORT", "KC_TRACKER_DB", "KC_DEMO", "KC_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    yield isolated_runtime
    runtime.reset()


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


def test_help_lists_commands_with_examples():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("results", "delete", "check-content", "nlp"):
        assert command in result.output
    assert "python -m bot results --sender" in result.output


@pytest.mark.parametrize("command", list(_all_commands(cli)), ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"python -m bot {' '.join(command)}" in result.output


def test_results_fails_clearly_when_nothing_is_stored(isolated_runtime):
    result = invoke("results", "--sender", "nobody", "--json")
    assert_clean_failure(result, 1, "Error: No stored result for sender 'nobody'.")


def test_results_prints_the_stored_json(isolated_runtime):
    store = runtime.store()
    person = runtime.person_for("+31600000000")
    store.start_assessment("a1", person, 1)
    store.complete("a1", {"communicatief": 70}, 70, [], {"toestemming": ("ja", None)})
    result = invoke("results", "--sender", "+31600000000", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scores"] == {"communicatief": 70}
    assert data["overall"] == 70
    assert data["routes"] == []
    assert data["completed"] is True
    assert data["answers"] == {"toestemming": "ja"}


def test_delete_removes_the_result(isolated_runtime):
    person = runtime.person_for("someone")
    runtime.store().start_assessment("a1", person, 1)
    result = invoke("delete", "--sender", "someone")
    assert result.exit_code == 0, result.output
    assert "Deleted 1 assessment(s)" in result.output
    assert runtime.store().latest(person) is None


def test_a_corrupt_results_file_is_an_error_message(isolated_runtime):
    (isolated_runtime / "results.db").write_bytes(b"this is not a database " * 100)
    result = invoke("results", "--sender", "someone")
    assert_clean_failure(result, 1, "file is not a database")
    assert str(isolated_runtime / "results.db") in result.output


def test_a_store_error_is_an_error_message(isolated_runtime):
    db_path = isolated_runtime / "results.db"
    runtime.store().latest("nobody")  # creates the file with every table
    runtime.reset()
    with sqlite3.connect(db_path) as conn:  # damage one table: its key column is renamed
        conn.execute("ALTER TABLE advisers RENAME COLUMN username TO name")
    conn.close()
    result = invoke("adviser", "list")
    assert_clean_failure(result, 1, "Error: results database: ")
    assert str(db_path) in result.output
    assert "no such column: advisers.username" in result.output


def test_check_content_reports_errors(tmp_path):
    broken = tmp_path / "q.yml"
    broken.write_text("version: 1\n", encoding="utf-8")
    result = invoke("check-content", str(broken))
    assert_clean_failure(result, 1, "q.yml: consent: must be a mapping")
    ok = invoke("check-content")
    assert ok.exit_code == 0 and "20 scored questions in 5 groups" in ok.output


def test_check_content_of_a_missing_file_is_a_usage_error(tmp_path):
    result = invoke("check-content", str(tmp_path / "missing.yml"))
    assert_clean_failure(result, 2, "does not exist")


def test_a_bad_age_is_a_usage_error(isolated_runtime):
    result = invoke("purge", "--older-than", "soon")
    assert_clean_failure(result, 2, "Invalid value for '--older-than'")


def test_purge_with_an_age_reports_what_it_deleted(isolated_runtime):
    result = invoke("purge", "--older-than", "30d")
    assert result.exit_code == 0, result.output
    assert "30" in result.output


def test_a_bad_setting_is_an_error_message(settings_env, monkeypatch):
    monkeypatch.setenv("KC_RETENTION_DAYS", "never")
    result = invoke("purge")
    assert_clean_failure(result, 1, "Error: bad setting: KC_RETENTION_DAYS must be")


def test_a_bad_port_setting_stops_the_web_command_before_it_serves(settings_env, monkeypatch):
    monkeypatch.setenv("WEB_PORT", "http")
    result = invoke("web")
    assert_clean_failure(result, 1, "Error: bad setting: WEB_PORT must be a port number")


def test_endpoints_take_port_and_tracker_db_from_the_settings(settings_env, monkeypatch):
    tracker_db = settings_env / "t" / "tracker.db"
    monkeypatch.setenv("ACTION_PORT", "6001")
    monkeypatch.setenv("KC_TRACKER_DB", str(tracker_db))
    out = settings_env / "endpoints.yml"
    result = invoke("endpoints", "--source", str(ROOT / "endpoints.yml"), "--out", str(out))
    assert result.exit_code == 0, result.output
    rendered = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert rendered["action_endpoint"]["url"] == "http://127.0.0.1:6001/webhook"
    assert rendered["tracker_store"]["db"] == str(tracker_db)


def test_endpoints_without_a_source_file_is_a_usage_error(settings_env):
    result = invoke("endpoints", "--source", str(settings_env / "no.yml"), "--out", "x.yml")
    assert_clean_failure(result, 2, "does not exist")


def test_nlp_status_without_a_pipeline_fails_with_advice(tmp_path):
    result = invoke("nlp", "status", "--target", str(tmp_path / "spacy"))
    assert_clean_failure(result, 1, "run `python -m bot nlp build`")


def test_removing_an_unknown_adviser_fails(isolated_runtime):
    result = invoke("adviser", "remove", "nobody")
    assert_clean_failure(result, 1, "Error: No adviser 'nobody'.")


def test_a_new_password_for_an_unknown_adviser_fails(isolated_runtime):
    result = invoke("adviser", "passwd", "nobody", "--password-stdin", input=GOOD_PASSWORD + "\n")
    assert_clean_failure(result, 1, "Error: no adviser 'nobody'")


def test_a_weak_password_is_refused(isolated_runtime):
    result = invoke("adviser", "add", "jdevries", "--password-stdin", input="short\n")
    assert_clean_failure(result, 1, "Error: use at least 12 characters")
    assert invoke("adviser", "list").output == ""


def test_an_adviser_is_added_once_and_listed(isolated_runtime):
    added = invoke("adviser", "add", "JdeVries", "--password-stdin", input=GOOD_PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "Adviser 'jdevries' created" in added.output
    again = invoke("adviser", "add", "jdevries", "--password-stdin", input=GOOD_PASSWORD + "\n")
    assert_clean_failure(again, 1, "Error: adviser 'jdevries' already exists")
    assert invoke("adviser", "list").output == "jdevries\n"


def test_demo_seed_refuses_a_database_with_results(settings_env):
    runtime.store().start_assessment("a1", runtime.person_for("someone"), 1)
    result = invoke("demo", "seed", "--people", "1")
    assert_clean_failure(result, 1, "already has 1 results; seed only a demo database")


def test_demo_seed_needs_at_least_one_person(settings_env):
    result = invoke("demo", "seed", "--people", "0")
    assert_clean_failure(result, 2, "Invalid value for '--people'")
