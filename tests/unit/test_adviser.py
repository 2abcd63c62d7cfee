"""Adviser building blocks: passwords, accounts, throttling, overview, CLI (demo data: test_demo.py)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from bot import runtime
from bot.adviser.accounts import AccountError, AdviserAccounts
from bot.adviser.overview import (
    CheckRow,
    build_overview,
    overview_csv,
    protected,
    read_rows,
    shown,
)
from bot.adviser.passwords import WeakPassword, hash_password, verify_password
from bot.adviser.throttle import Throttle
from bot.cli import cli
from bot.storage.results_store import iso
from bot.web.access_log import redact_path
from tests.conftest import sql

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_password_hash_is_salted_scrypt_and_verifies():
    first, second = hash_password("correct horse 12"), hash_password("correct horse 12")
    assert first.startswith("scrypt$131072$8$1$") and first != second
    assert verify_password("correct horse 12", first)
    assert not verify_password("correct horse 13", first)
    assert not verify_password("correct horse 12", "garbage")
    assert not verify_password("correct horse 12", "md5$1$2$3$4$5")
    with pytest.raises(WeakPassword):
        hash_password("short")


def test_accounts_are_case_insensitive_and_unique(fresh_store):
    accounts = AdviserAccounts(fresh_store)
    assert accounts.add("JdeVries", "een goed wachtwoord") == "jdevries"
    with pytest.raises(AccountError):
        accounts.add("jdevries", "nog een wachtwoord")
    with pytest.raises(AccountError):
        accounts.add("a b", "een goed wachtwoord")
    assert accounts.authenticate("JDEVRIES", "een goed wachtwoord") == "jdevries"
    assert accounts.authenticate("jdevries", "fout wachtwoord!") is None
    assert accounts.authenticate("niemand", "een goed wachtwoord") is None
    (row,) = sql(fresh_store, "SELECT password_hash FROM advisers")
    assert "een goed wachtwoord" not in row[0]


def test_sessions_expire_and_end_with_a_new_password(fresh_store):
    accounts = AdviserAccounts(fresh_store)
    accounts.add("jdevries", "een goed wachtwoord")
    token, csrf = accounts.open_session("jdevries", now=NOW)
    assert accounts.session(token, now=NOW).csrf_token == csrf
    assert accounts.session(token, now=NOW + timedelta(hours=9)) is None
    assert accounts.session("x" * 500) is None and accounts.session(None) is None
    stored = sql(fresh_store, "SELECT token_hash FROM adviser_sessions")[0][0]
    assert stored != token
    token, _ = accounts.open_session("jdevries")
    accounts.set_password("jdevries", "een nieuw wachtwoord")
    assert accounts.session(token) is None
    assert accounts.remove("jdevries") and not accounts.remove("jdevries")


def test_throttle_doubles_the_wait_and_forgets_on_success():
    clock = [0.0]
    throttle = Throttle(free_attempts=2, base_wait=2, max_wait=10, clock=lambda: clock[0])
    throttle.failed("u")
    throttle.failed("u")
    assert throttle.wait_for("u") == 2
    throttle.failed("u")
    assert throttle.wait_for("u") == 4
    for _ in range(5):
        throttle.failed("u")
    assert throttle.wait_for("u") == 10
    assert throttle.wait_for("other") == 0
    clock[0] = 10
    assert throttle.wait_for("u") == 0
    throttle.succeeded("u")
    throttle.failed("u")
    assert throttle.wait_for("u") == 0


def test_shown_and_protected_hide_small_groups():
    assert [shown(n) for n in (0, 1, 4, 5, 9)] == [0, None, None, 5, 9]
    assert protected([10, 3, 7, 0]) == [10, None, None, 0]  # 3 alone could be worked out
    assert protected([10, 3, 2]) == [10, None, None]
    assert protected([10, 8]) == [10, 8]
    assert protected([3]) == [None]


def row(started: datetime, answers: dict[str, str], completed: bool, scores=None, routes=()):
    return CheckRow(
        started_at=iso(started),
        completed_at=iso(started + timedelta(minutes=9)) if completed else None,
        scores=scores,
        routes=list(routes),
        answers=answers,
        last_activity=iso(started + timedelta(minutes=2)),
    )


def test_overview_counts_drop_out_at_the_open_question(assessment):
    content = runtime.advice_content()
    second = assessment.questions[2]
    partial = {q.id: q.options[0].id for q in assessment.questions[:2]}
    rows = [row(NOW - timedelta(days=3), partial, False) for _ in range(5)]
    rows += [row(NOW + timedelta(hours=32), partial, False)]  # Sunday night: busy at week's end
    rows += [row(NOW + timedelta(days=3), partial, False)]  # in the current week: not shown
    data = build_overview(assessment, content, rows, now=NOW + timedelta(days=4))
    assert data["totals"] == {"started": 6, "completed": 0, "stopped": 5}
    assert data["dropout"] == [
        {"question_id": second.id, "number": 2, "question": second.text, "count": 5}
    ]
    assert f"uitval;{second.id};" in overview_csv(data)


def test_overview_reads_rows_without_the_person(fresh_store, assessment):
    fresh_store.start_assessment("a1", "secret-pseudonym", 1)
    rows = read_rows(fresh_store)
    assert len(rows) == 1 and "secret-pseudonym" not in repr(rows)


def test_access_log_paths_carry_no_codes_or_scores():
    assert redact_path("/adviseur/rapport/K7QM-4TZD.json") == "/adviseur/rapport/[code]"
    assert (
        redact_path("/adviseur/rapport/K7QM-4TZD/rapport.pdf")
        == "/adviseur/rapport/[code]/rapport.pdf"
    )
    assert redact_path("/api/chart.png?communicatief=80") == "/api/chart.png"


def test_cli_adds_lists_and_removes_advisers(isolated_runtime):
    runner = CliRunner()
    added = runner.invoke(cli, ["adviser", "add", "JdeVries", "--password-stdin"],
                          input="een goed wachtwoord\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "Adviser 'jdevries' created" in added.output
    weak = runner.invoke(cli, ["adviser", "add", "kort", "--password-stdin"], input="kort\n")
    assert weak.exit_code == 1 and "at least 12 characters" in weak.output
    prompted = runner.invoke(cli, ["adviser", "add", "piet"],
                             input="een ander wachtwoord\neen ander wachtwoord\n")  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    assert runner.invoke(cli, ["adviser", "list"]).output.split() == ["jdevries", "piet"]
    assert runner.invoke(cli, ["adviser", "remove", "piet"]).exit_code == 0
    assert runner.invoke(cli, ["adviser", "remove", "piet"]).exit_code == 1
    with sqlite3.connect(isolated_runtime / "results.db") as conn:
        hashes = [r[0] for r in conn.execute("SELECT password_hash FROM advisers")]
    assert hashes and all(h.startswith("scrypt$") for h in hashes)
