"""Issue 13, part B: share code guessing, accountability, login throttling, overview by week."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import timedelta

import pytest

from bot import runtime
from bot.adviser import accounts as accounts_module
from bot.adviser.accounts import AdviserAccounts
from bot.adviser.code_limit import MAX_WRONG, CodeLimit
from bot.adviser.overview import CheckRow, build_overview, week_start
from bot.adviser.password_checks import MAX_PARALLEL, PasswordChecks, TooBusy
from bot.adviser.report_views import record_view, views_by
from bot.config import ConfigError, Settings, get_settings
from bot.privacy.erasure import purge_older_than
from bot.privacy.my_data import build_export, export_text
from bot.storage.results_store import ResultsStore, iso
from bot.web.adviser import STATE
from bot.web.client_address import client_address
from tests.conftest import TEST_EPOCH, count_rows, sql
from tests.unit.test_adviser_web import (
    PASSWORD,
    _client,
    completed_check,
    csrf_in,
    login,
    make_app,
    seed_checks,
)

WRONG = "/adviseur/rapport/ZZZZ-ZZZZ.json"


@pytest.fixture
async def client(isolated_runtime, clock):
    runtime.store().clock = clock
    AdviserAccounts(runtime.store()).add("jdevries", PASSWORD)
    AdviserAccounts(runtime.store()).add("pjansen", PASSWORD)
    async with await _client(make_app()) as client:
        yield client


@pytest.fixture
async def proxied_client(isolated_runtime, clock, monkeypatch):
    """The web app behind a reverse proxy on 127.0.0.1 that the settings trust."""
    monkeypatch.setenv("KC_TRUSTED_PROXIES", "127.0.0.1")
    get_settings.cache_clear()
    runtime.store().clock = clock
    AdviserAccounts(runtime.store()).add("jdevries", PASSWORD)
    async with await _client(make_app()) as client:
        yield client
    get_settings.cache_clear()


@pytest.fixture
def fast_passwords(monkeypatch):
    """Password checks without scrypt, for tests that log in many times."""
    monkeypatch.setattr(accounts_module, "verify_password", lambda given, _: given == PASSWORD)


async def login_from(client, address: str, username="jdevries", password=PASSWORD):
    page = await client.get("/adviseur/login")
    return await client.post(
        "/adviseur/login",
        data={"csrf_token": csrf_in(await page.text()), "username": username,
              "password": password},
        headers={"X-Forwarded-For": address}, allow_redirects=False,
    )  # fmt: skip


# --- 1. share codes cannot be guessed at speed --------------------------------


async def test_right_codes_between_wrong_ones_do_not_reset_the_limit(client, assessment, caplog):
    code = completed_check(assessment)
    await login(client)
    statuses = []
    with caplog.at_level(logging.WARNING, logger="bot.adviser.code_limit"):
        for _ in range(3):
            for _ in range(4):
                statuses.append((await client.get(WRONG)).status)
            statuses.append((await client.get(f"/adviseur/rapport/{code}.json")).status)
    # Ten wrong codes an hour; after that even the right code waits.
    assert statuses == [404] * 4 + [200] + [404] * 4 + [200] + [404, 404, 429, 429, 429]
    refused = await client.get(f"/adviseur/rapport/{code}")
    assert refused.status == 429 and refused.headers["Retry-After"] == "3600"
    assert "Je hebt te vaak een deelcode gebruikt die niet werkt. Wacht 60 minuten" in (
        await refused.text()
    )
    assert (await client.get(f"/adviseur/rapport/{code}/rapport.pdf")).status == 429
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "refused" in logged and "jdevries" in logged
    assert "ZZZZ" not in logged and code not in logged and code.replace("-", "") not in logged


async def test_the_code_limit_survives_a_restart(client, assessment, clock):
    code = completed_check(assessment)
    await login(client)
    for _ in range(MAX_WRONG):
        assert (await client.get(WRONG)).status == 404
    runtime.reset()  # a restart: a new store and a new app on the same file
    runtime.store().clock = clock
    async with await _client(make_app()) as restarted:
        await login(restarted)
        assert (await restarted.get(f"/adviseur/rapport/{code}.json")).status == 429
        clock.advance(hours=1, seconds=1)
        assert (await restarted.get(f"/adviseur/rapport/{code}.json")).status == 200


def test_wrong_codes_count_per_adviser_and_per_address(fresh_store, clock):
    limit = CodeLimit()
    for _ in range(MAX_WRONG):
        limit.wrong(fresh_store, "jdevries", "203.0.113.5")
    assert limit.wait_for(fresh_store, "jdevries", "198.51.100.7") == 3600  # the adviser
    assert limit.wait_for(fresh_store, "pjansen", "203.0.113.5") == 3600  # the address
    assert limit.wait_for(fresh_store, "pjansen", "198.51.100.7") == 0
    clock.advance(minutes=30)
    assert limit.wait_for(fresh_store, "jdevries", "x") == 1800
    clock.advance(minutes=30, seconds=1)
    assert limit.wait_for(fresh_store, "jdevries", "203.0.113.5") == 0
    assert count_rows(fresh_store, "code_attempts") == 0  # old attempts are deleted


# --- 2. accountability the job seeker can see ---------------------------------


async def test_an_opened_report_is_recorded_and_shown_to_both_sides(client, assessment, clock):
    code = completed_check(assessment, sender="web-9")
    person = runtime.person_for("web-9")
    clock.advance(days=5)  # 3 December 2026
    await login(client)
    assert (await client.get(f"/adviseur/rapport/{code}")).status == 200
    for path in (".json", "/grafiek.png", "/rapport.pdf"):  # the same visit: counted once
        assert (await client.get(f"/adviseur/rapport/{code}{path}")).status == 200
    rows = list(runtime.store().db["report_views"].rows)
    assert [(r["person"], r["adviser"], r["viewed_at"]) for r in rows] == [
        (person, "jdevries", iso(clock()))
    ]
    clock.advance(minutes=11)
    assert (await client.get(f"/adviseur/rapport/{code}.json")).status == 200
    assert runtime.store().db["report_views"].count == 2

    home = await (await client.get("/adviseur.json")).json()
    assert [v["code"] for v in home["recent_views"]] == [code, code]
    html = await (await client.get("/adviseur")).text()
    assert "Jouw laatste inzages" in html and "3 december 2026 om" in html

    export = build_export(runtime.store(), assessment, person, [], retention_days=90)
    assert [v["adviser"] for v in export["adviser_views"]] == ["jdevries", "jdevries"]
    assert export["adviser_views"][0]["viewed_at"].startswith("2026-12-03")
    text = export_text(export)
    assert text.count("- Een adviseur heeft je uitslag bekeken op 3 december 2026.") == 1
    other = build_export(runtime.store(), assessment, "someone-else", [], retention_days=90)
    assert other["adviser_views"] == []


async def test_the_dashboard_lists_only_the_advisers_own_views(client, assessment):
    code = completed_check(assessment)
    await login(client)
    await client.get(f"/adviseur/rapport/{code}.json")
    home = await client.get("/adviseur")
    await client.post("/adviseur/logout", data={"csrf_token": csrf_in(await home.text())})
    await login(client, username="pjansen")
    data = await (await client.get("/adviseur.json")).json()
    assert data["adviser"] == "pjansen" and data["recent_views"] == []
    assert "Je hebt nog geen uitslag bekeken." in await (await client.get("/adviseur")).text()
    assert [v.code for v in views_by(runtime.store(), "jdevries")] == [code]


def stored_and_viewed(store: ResultsStore, person: str, assessment_id: str) -> None:
    store.start_assessment(assessment_id, person, 1)
    store.complete(assessment_id, {"communicatief": 80}, 80, [], {})
    assert record_view(store, assessment_id, "jdevries", "K7QM4TZD")


def test_erasure_and_retention_remove_the_view_records(fresh_store, clock, tmp_path):
    stored_and_viewed(fresh_store, "p1", "a1")
    stored_and_viewed(fresh_store, "p2", "a2")
    stored_and_viewed(fresh_store, "p3", "a3")
    fresh_store.delete_person("p1")
    assert count_rows(fresh_store, "report_views", person="p1") == 0
    assert count_rows(fresh_store, "report_views") == 2
    assert fresh_store.stored_about("p1")["report_views"] == []
    fresh_store.delete_assessment("a2")
    assert count_rows(fresh_store, "report_views", assessment_id="a2") == 0
    assert count_rows(fresh_store, "report_views") == 1
    clock.advance(days=91)
    stored_and_viewed(fresh_store, "p4", "a4")
    purge_older_than(fresh_store, tmp_path / "tracker.db", timedelta(days=90))
    assert sql(fresh_store, "SELECT person FROM report_views") == [("p4",)]


# --- 3. login throttling without locking advisers out -------------------------


async def test_wrong_passwords_from_one_address_do_not_lock_the_adviser_out(proxied_client):
    for _ in range(3):
        assert (await login_from(proxied_client, "203.0.113.5", password="fout")).status == 401
    assert (await login_from(proxied_client, "203.0.113.5")).status == 429
    assert (await login_from(proxied_client, "198.51.100.7")).status == 303


async def test_one_address_cannot_try_many_usernames(proxied_client, fast_passwords):
    for number in range(10):
        wrong = await login_from(proxied_client, "203.0.113.5", username=f"naam{number}")
        assert wrong.status == 401
    assert (await login_from(proxied_client, "203.0.113.5")).status == 429
    assert (await login_from(proxied_client, "198.51.100.7")).status == 303


async def test_a_right_password_does_not_reset_the_address_count(proxied_client, fast_passwords):
    state = proxied_client.server.app[STATE]
    for number in range(9):
        await login_from(proxied_client, "203.0.113.5", username=f"naam{number}")
    assert (await login_from(proxied_client, "203.0.113.5")).status == 303
    await login_from(proxied_client, "203.0.113.5", username="naam9")
    assert state.logins.wait_for("naam10", "203.0.113.5") > 0


async def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client):
    for _ in range(3):
        assert (await login_from(client, "203.0.113.5", password="fout")).status == 401
    # The header is made up: the connection's own address is still the one that failed.
    assert (await login_from(client, "198.51.100.7")).status == 429


def test_client_address_reads_x_forwarded_for_only_from_trusted_proxies():
    proxies = Settings.from_env({"KC_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16"}).trusted_proxies
    assert client_address("203.0.113.5", "198.51.100.7", proxies) == "203.0.113.5"
    assert client_address("10.0.0.1", "198.51.100.7", proxies) == "198.51.100.7"
    assert client_address("10.0.0.1", "1.2.3.4, 198.51.100.7", proxies) == "198.51.100.7"
    assert client_address("10.0.0.1", "198.51.100.7, 192.168.1.2", proxies) == "198.51.100.7"
    assert client_address("10.0.0.1", "nonsense", proxies) == "10.0.0.1"
    assert client_address("10.0.0.1", "", proxies) == "10.0.0.1"
    assert client_address("10.0.0.1", "2001:db8::1", proxies) == "2001:db8::1"
    assert client_address(None, "198.51.100.7", proxies) == "unknown"
    assert client_address("10.0.0.1", "198.51.100.7", ()) == "10.0.0.1"


def test_trusted_proxies_setting_is_checked():
    assert Settings.from_env({}).trusted_proxies == ()
    assert len(Settings.from_env({"KC_TRUSTED_PROXIES": "::1 127.0.0.1"}).trusted_proxies) == 2
    with pytest.raises(ConfigError, match="KC_TRUSTED_PROXIES"):
        Settings.from_env({"KC_TRUSTED_PROXIES": "proxy.example.nl"})


async def test_password_checks_run_at_most_two_at_a_time(client, monkeypatch):
    active, peak, lock = [0], [0], threading.Lock()

    def slow_verify(password: str, stored: str) -> bool:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        return True

    monkeypatch.setattr(accounts_module, "verify_password", slow_verify)
    token = csrf_in(await (await client.get("/adviseur/login")).text())

    async def attempt():
        return await client.post(
            "/adviseur/login",
            data={"csrf_token": token, "username": "jdevries", "password": PASSWORD},
            allow_redirects=False,
        )

    responses = await asyncio.gather(*(attempt() for _ in range(6)))
    assert [r.status for r in responses] == [303] * 6
    assert MAX_PARALLEL == 2
    assert 1 <= peak[0] <= MAX_PARALLEL  # never more at once, however busy the machine


async def test_too_many_waiting_password_checks_are_refused():
    checks = PasswordChecks(parallel=1, waiting=1)
    release = threading.Event()
    try:
        first = asyncio.ensure_future(checks.run(release.wait, 5))
        second = asyncio.ensure_future(checks.run(release.wait, 5))
        await asyncio.sleep(0)
        with pytest.raises(TooBusy):
            await checks.run(release.wait, 5)
        release.set()
        assert await first and await second
    finally:
        release.set()
        checks.close()


# --- 4. the overview shows completed weeks only -------------------------------


async def test_a_check_this_week_shows_only_after_the_week_is_over(client, assessment, clock):
    seed_checks(assessment, 5)  # Saturday 28 November 2026
    await login(client)
    data = await (await client.get("/adviseur/overzicht.json")).json()
    assert data["totals"] == {"started": 0, "completed": 0, "stopped": 0}
    assert data["weeks"] == [] and all(g["people"] == 0 for g in data["groups"])
    assert data["until_week"] == "2026-W47"

    clock.moment = week_start(clock()) + timedelta(days=7, seconds=1)  # Monday 30 November
    await login(client)  # the session of Saturday has ended
    data = await (await client.get("/adviseur/overzicht.json")).json()
    assert data["totals"]["completed"] == 5 and data["until_week"] == "2026-W48"
    assert data["weeks"] == [
        {"week": "2026-W48", "label": "week 48 (23-29 nov)", "started": 5, "completed": 5}
    ]
    assert data["groups"][0]["people"] == 5 and data["groups"][0]["quartiles"] is not None
    html = await (await client.get("/adviseur/overzicht")).text()
    assert "tot en met zondag 29 november 2026 (week 48)" in html


def completed_row(at) -> CheckRow:
    scores = {g.id: 80 for g in runtime.assessment().groups}
    return CheckRow(iso(at), iso(at), scores, ["cursus_typen"], {}, iso(at))


def test_small_weeks_join_the_scores_only_in_groups_of_five(assessment):
    content = runtime.advice_content()
    monday = week_start(TEST_EPOCH)
    rows = [completed_row(monday + timedelta(days=1)) for _ in range(6)]
    rows += [completed_row(monday + timedelta(days=8)) for _ in range(2)]
    data = build_overview(assessment, content, rows, now=monday + timedelta(days=14))
    assert data["totals"]["completed"] == 8
    assert data["groups"][0]["people"] == 6  # the 2 of the second week wait for more
    routes = {r["id"]: r["count"] for r in data["routes"]}
    assert routes["cursus_typen"] == 6
    rows += [completed_row(monday + timedelta(days=15)) for _ in range(3)]
    later = build_overview(assessment, content, rows, now=monday + timedelta(days=21))
    assert later["groups"][0]["people"] == 11
