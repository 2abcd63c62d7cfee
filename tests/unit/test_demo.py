"""The demo database: a crowd that fills every overview chart, fixed logins and codes, Dutch text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot import runtime
from bot.adviser.accounts import AdviserAccounts
from bot.adviser.demo import PERSONAS, DemoRefused, seed_demo
from bot.adviser.demo_secrets import PASSWORD_ALPHABET, demo_code, demo_password
from bot.adviser.overview import MIN_GROUP, build_overview, read_rows, week_start
from bot.adviser.overview_charts import CHARTS, render_chart
from bot.adviser.passwords import check_policy
from bot.cli import cli
from bot.config import ConfigError, Settings
from bot.privacy.share_code_format import ALPHABET, normalize_code
from bot.storage.results_store import ResultsStore, iso
from tests.conftest import TEST_MESSAGE_ID_KEY

LOOK_ALIKES = set("0Oo1lIi")


def counts_in(data: Any, key: str = "") -> list[int]:
    """Every number of people in the overview data (not the quartiles, not question numbers)."""
    if isinstance(data, dict):
        return [n for k, v in data.items() if k not in ("quartiles", "min_group", "number")
                for n in counts_in(v, k)]  # fmt: skip
    if isinstance(data, list):
        return [n for item in data for n in counts_in(item, key)]
    return [data] if isinstance(data, int) and not isinstance(data, bool) else []


def test_seed_fills_a_database_and_refuses_a_real_one(fresh_store, assessment, clock):
    content = runtime.advice_content()
    seeded = seed_demo(fresh_store, assessment, content)
    assert seeded.completed + seeded.stopped == fresh_store.count_assessments() == 300
    assert 0.15 < seeded.stopped / 300 < 0.25
    rows = read_rows(fresh_store)
    this_week = iso(week_start(clock()))
    # The crowd fills the 8 whole weeks before this one; only the named five are this week.
    assert sum(1 for r in rows if r.started_at >= this_week) == len(PERSONAS)
    assert min(r.started_at for r in rows) >= iso(week_start(clock()) - timedelta(weeks=8))
    with pytest.raises(DemoRefused):
        seed_demo(fresh_store, assessment, content, people=5)
    again = seed_demo(fresh_store, assessment, content, allow_existing=True)
    assert fresh_store.count_assessments() == 300  # the same people, not twice
    assert (again.completed, again.stopped) == (seeded.completed, seeded.stopped)


@pytest.mark.parametrize("days_later", [0, 2, 367])  # a Saturday, a Monday, a year on
def test_every_overview_chart_shows_data_and_no_count_under_five(
    fresh_store, assessment, clock, days_later
):
    clock.advance(days=days_later)
    content = runtime.advice_content()
    seed_demo(fresh_store, assessment, content)
    data = build_overview(assessment, content, read_rows(fresh_store), now=clock())
    counts = counts_in(data)
    assert counts and all(n == 0 or n >= MIN_GROUP for n in counts)
    assert len(data["weeks"]) == 8
    assert all(w["started"] and w["completed"] for w in data["weeks"])
    assert data["totals"]["stopped"] and data["totals"]["completed"]
    for group in data["groups"]:
        # No band hidden, so every group's bar has the same length: everyone who finished.
        bands = [b["count"] for b in group["bands"]]
        assert None not in bands and sum(bands) == group["people"] == data["totals"]["completed"]
        assert group["quartiles"]
    assert all(d["count"] for d in data["develop"])
    assert sum(1 for r in data["routes"] if r["count"]) >= 5
    assert len(data["dropout"]) >= 4 and all(d["count"] for d in data["dropout"])
    for name in CHARTS:
        assert render_chart(name, data).startswith(b"\x89PNG")


def test_the_five_personas_have_working_codes_to_their_own_result(fresh_store, assessment, clock):
    seeded = seed_demo(fresh_store, assessment, runtime.advice_content())
    assert [name for name, _ in seeded.codes] == [p.name for p in PERSONAS]
    for (_, shown_code), persona in zip(seeded.codes, PERSONAS, strict=True):
        code = normalize_code(shown_code)
        assert code is not None and shown_code[4] == "-"
        assessment_id = fresh_store.assessment_for_code(code, iso(clock()))
        stored = fresh_store.result(assessment_id) if assessment_id else None
        assert stored is not None and stored.completed
        assert stored.answers["beroep"] == persona.intake["beroep"]


def test_the_demo_password_setting_is_the_login(fresh_store, assessment):
    seeded = seed_demo(
        fresh_store, assessment, runtime.advice_content(), password="voorjaar demo 27"
    )
    assert seeded.password == "voorjaar demo 27"
    assert AdviserAccounts(fresh_store).authenticate("demo", "voorjaar demo 27") == "demo"
    assert Settings.from_env({"KC_DEMO_PASSWORD": "voorjaar demo 27"}).demo_password == (
        "voorjaar demo 27"
    )
    assert Settings.from_env({}).demo_password is None
    with pytest.raises(ConfigError, match="KC_DEMO_PASSWORD"):
        Settings.from_env({"KC_DEMO_PASSWORD": "kort"})


def test_a_seed_keeps_password_and_codes_across_two_fresh_databases(tmp_path, assessment, clock):
    def seed(folder: str, secret_seed: str | None) -> tuple[str, list[tuple[str, str]]]:
        store = ResultsStore(tmp_path / folder / "results.db", clock, TEST_MESSAGE_ID_KEY)
        try:
            seeded = seed_demo(store, assessment, runtime.advice_content(), people=20,
                               secret_seed=secret_seed)  # fmt: skip
        finally:
            store.close()
        assert seeded.fixed == (secret_seed is not None)
        return seeded.password, seeded.codes

    first = seed("a", "voorjaar")
    clock.advance(days=9)  # a later start, with new dates
    assert seed("b", "voorjaar") == first
    assert seed("c", "najaar") != first
    assert seed("d", None) != seed("e", None)


def test_a_drawn_password_has_no_look_alikes_and_passes_the_policy():
    assert not LOOK_ALIKES & set(PASSWORD_ALPHABET)
    assert not LOOK_ALIKES & set(ALPHABET)
    for seed in (None, "a", "b"):
        password = demo_password(seed)
        check_policy(password)
        assert password.count("-") == 2 and set(password) - {"-"} <= set(PASSWORD_ALPHABET)
    assert demo_password("a") == demo_password("a") != demo_password("b")
    assert demo_password("a", chosen="mijn eigen wachtwoord") == "mijn eigen wachtwoord"
    assert normalize_code(demo_code("a", 1)) == demo_code("a", 1) != demo_code("a", 2)


def test_the_summary_is_dutch_and_says_where_to_go(fresh_store, assessment):
    seeded = seed_demo(fresh_store, assessment, runtime.advice_content(), people=20)
    text = seeded.summary("http://127.0.0.1:8300/")
    assert "http://127.0.0.1:8300/adviseur " in text or "http://127.0.0.1:8300/adviseur\n" in text
    assert "http://127.0.0.1:8300/adviseur/live" in text
    assert f"Gebruikersnaam:  demo\n  Wachtwoord:      {seeded.password}\n" in text
    assert all(f"{code}  {name}" in text for name, code in seeded.codes)
    assert "KC_DEMO_SEED" in text  # not fixed: the presenter learns how to keep them
    assert "login" not in text.lower() and "share code" not in text.lower()


@pytest.fixture
def demo_env(isolated_runtime: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("KC_DEMO", "KC_DEMO_SEED", "KC_DEMO_PASSWORD", "WEB_PORT", "KC_PUBLIC_WEB_URL"):
        monkeypatch.delenv(name, raising=False)
    return isolated_runtime


def test_cli_seed_refuses_a_real_database_and_uses_the_settings(demo_env, monkeypatch):
    runtime.store().start_assessment("a1", "p1", 1)
    refused = CliRunner().invoke(cli, ["demo", "seed"])
    assert refused.exit_code == 1 and "KC_DEMO=1" in refused.output
    monkeypatch.setenv("KC_DEMO", "1")
    monkeypatch.setenv("KC_DEMO_PASSWORD", "voorjaar demo 27")
    monkeypatch.setenv("KC_DEMO_SEED", "voorjaar")
    monkeypatch.setenv("WEB_PORT", "8300")
    runtime.reset()
    seeded = CliRunner().invoke(cli, ["demo", "seed", "--people", "10"])
    assert seeded.exit_code == 0, seeded.output
    assert "Wachtwoord:      voorjaar demo 27" in seeded.output
    assert "http://127.0.0.1:8300/adviseur/live" in seeded.output
    assert f"{demo_code('voorjaar', 0)[:4]}-{demo_code('voorjaar', 0)[4:]}" in seeded.output
    assert AdviserAccounts(runtime.store()).authenticate("demo", "voorjaar demo 27") == "demo"
