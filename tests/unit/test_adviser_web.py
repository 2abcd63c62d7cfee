"""The adviser dashboard in-process: login, CSRF, share codes, report, overview, JSON twins."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer, unused_port
from pypdf import PdfReader
from yarl import URL

from bot import runtime
from bot.adviser.accounts import AdviserAccounts
from bot.conversation.save_result import answers_with_points, evaluate
from bot.privacy.share_code_format import display_code
from bot.privacy.share_codes import share_code_for, withdraw
from bot.web.adviser import LOGIN_CSRF_COOKIE, SESSION_COOKIE, STATE
from bot.web.app import WebConfig, create_app
from tests.conftest import ROOT, all_answers

PASSWORD = "een lang wachtwoord 42"


def make_app(demo: bool = False):
    return create_app(
        WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=ROOT / "node_modules", demo=demo)
    )


async def _client(app):
    port = unused_port()
    server = TestServer(app, host="127.0.0.1", port=port)
    # Secure cookies over plain http only for this loopback test server, as browsers do.
    jar = CookieJar(unsafe=True, treat_as_secure_origin=[URL(f"http://127.0.0.1:{port}")])
    return TestClient(server, cookie_jar=jar)


@pytest.fixture
async def client(isolated_runtime, clock):
    runtime.store().clock = clock  # the store, sessions and overview on the test's clock
    AdviserAccounts(runtime.store()).add("jdevries", PASSWORD)
    async with await _client(make_app()) as client:
        yield client


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


async def login(client, username="jdevries", password=PASSWORD):
    page = await client.get("/adviseur/login")
    token = csrf_in(await page.text())
    return await client.post(
        "/adviseur/login",
        data={"csrf_token": token, "username": username, "password": password},
        allow_redirects=False,
    )


def completed_check(assessment, sender="web-1", pick="max") -> str:
    """A stored, completed check with a share code; returns the code as shown."""
    store, person = runtime.store(), runtime.person_for(sender)
    answers = all_answers(assessment, pick=pick)
    result, advice = evaluate(assessment, runtime.advice_content(), answers)
    assessment_id = f"{sender:0<32}"[:32]
    store.start_assessment(assessment_id, person, assessment.version)
    store.complete(assessment_id, result.scores, result.overall, advice.route_ids,
                   answers_with_points(assessment, answers))  # fmt: skip
    return display_code(share_code_for(store, person, 30).code)


async def test_pages_need_a_login(client):
    for path in ("/adviseur", "/adviseur/overzicht", "/adviseur/rapport/K7QM-4TZD"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/adviseur/login"
    for path in ("/adviseur.json", "/adviseur/overzicht.json", "/adviseur/rapport/K7QM-4TZD.json"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 401
        assert (await response.json())["error"] == "login_required"
    for path in ("/adviseur/overzicht.csv", "/adviseur/overzicht/scores.png"):
        assert (await client.get(path, allow_redirects=False)).status == 303


async def test_login_sets_a_strict_http_only_secure_cookie_and_logout_ends_it(client):
    response = await login(client)
    assert response.status == 303 and response.headers["Location"] == "/adviseur"
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    home = await client.get("/adviseur")
    assert home.status == 200 and "Welkom, jdevries" in await home.text()
    data = await (await client.get("/adviseur.json")).json()
    assert data["adviser"] == "jdevries" and data["share_code_days"] == 30

    token = csrf_in(await home.text())
    out = await client.post("/adviseur/logout", data={"csrf_token": token}, allow_redirects=False)
    assert out.status == 303
    assert (await client.get("/adviseur.json")).status == 401


async def test_an_old_session_token_is_useless_after_logout(client):
    await login(client)
    token = client.session.cookie_jar.filter_cookies(client.make_url("/adviseur"))[SESSION_COOKIE]
    home = await client.get("/adviseur")
    await client.post("/adviseur/logout", data={"csrf_token": csrf_in(await home.text())})
    assert AdviserAccounts(runtime.store()).session(token.value) is None


async def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    wrong = await login(client, password="niet het goede wachtwoord")
    unknown = await login(client, username="niemand")
    assert wrong.status == unknown.status == 401
    assert "Gebruikersnaam of wachtwoord klopt niet." in await wrong.text()
    assert SESSION_COOKIE not in wrong.cookies
    assert (await client.get("/adviseur.json")).status == 401


async def test_repeated_wrong_passwords_are_slowed_down(client):
    clock = [1000.0]
    throttle = client.server.app[STATE].logins
    throttle.set_clock(lambda: clock[0])
    for _ in range(throttle.per_user_address.free_attempts):
        assert (await login(client, password="fout fout fout")).status == 401
    blocked = await login(client)  # from the same address even the right password waits
    assert blocked.status == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert "Te veel pogingen" in await blocked.text()
    clock[0] += 3
    assert (await login(client)).status == 303


async def test_login_without_or_with_a_wrong_csrf_token_is_refused(client):
    await client.get("/adviseur/login")
    missing = await client.post(
        "/adviseur/login", data={"username": "jdevries", "password": PASSWORD}
    )
    assert missing.status == 403
    forged = await client.post(
        "/adviseur/login",
        data={"csrf_token": "x" * 43, "username": "jdevries", "password": PASSWORD},
    )
    assert forged.status == 403
    assert (await client.get("/adviseur.json")).status == 401


async def test_forms_after_login_check_the_session_csrf_token_and_origin(client):
    await login(client)
    home = await client.get("/adviseur")
    token = csrf_in(await home.text())
    bad = await client.post("/adviseur/code", data={"csrf_token": "wrong", "code": "K7QM-4TZD"})
    assert bad.status == 403
    cross = await client.post(
        "/adviseur/code",
        data={"csrf_token": token, "code": "K7QM-4TZD"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status == 403
    assert (await client.post("/adviseur/logout", data={})).status == 403
    assert (await client.get("/adviseur.json")).status == 200  # still logged in
    # Under Referrer-Policy no-referrer, browsers send "Origin: null": the token decides.
    ok = await client.post(
        "/adviseur/code", data={"csrf_token": token, "code": "K7QM-4TZD"},
        headers={"Origin": "null"}, allow_redirects=False,
    )  # fmt: skip
    assert ok.status == 303


async def test_the_login_csrf_cookie_is_strict_too(client):
    page = await client.get("/adviseur/login")
    cookie = page.cookies[LOGIN_CSRF_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


async def test_a_share_code_opens_the_report_with_answers_reasons_and_pdf(client, assessment):
    code = completed_check(assessment)
    await login(client)
    home = await client.get("/adviseur")
    typed = code.lower().replace("-", " ")
    response = await client.post(
        "/adviseur/code", data={"csrf_token": csrf_in(await home.text()), "code": typed},
        allow_redirects=False,
    )  # fmt: skip
    assert response.headers["Location"] == f"/adviseur/rapport/{code}"

    html = await (await client.get(f"/adviseur/rapport/{code}")).text()
    assert f"Uitslag bij deelcode {code}" in html
    assert "<td>Communicatief en sociaal vaardig</td><td>100</td><td>sterk</td>" in html
    assert "Waarom:" in html and "Klantenservice Federatie (KSF)" in html

    data = await (await client.get(f"/adviseur/rapport/{code}.json")).json()
    assert data["overall"] == 100 and data["share_code"] == code
    assert [g["score"] for g in data["groups"]] == [100] * 5
    assert len(data["answers"]) == len(assessment.questions)
    first = data["answers"][1]
    assert first["question_id"] == assessment.intake[0].id
    assert first["answer"] == assessment.intake[0].options[0].label
    assert data["routes"][0]["id"] == "ksf_branchecertificaat" and data["routes"][0]["reasons"]

    chart = await client.get(data["chart_url"])
    assert (await chart.read()).startswith(b"\x89PNG")
    pdf = PdfReader(io.BytesIO(await (await client.get(data["pdf_url"])).read()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Je totaalscore is 100 van de 100." in text and "Je antwoorden" in text


async def test_unknown_expired_and_withdrawn_codes_show_nothing(client, assessment):
    code = completed_check(assessment, sender="web-2")
    await login(client)
    for bad in ("ZZZZ-ZZZZ", "not-a-code"):
        response = await client.get(f"/adviseur/rapport/{bad}.json")
        assert response.status == 404
        assert (await response.json())["error"] == "unknown_code"
    assert (await client.get(f"/adviseur/rapport/{code}/rapport.pdf")).status == 200

    withdraw(runtime.store(), runtime.person_for("web-2"))
    for path in ("", ".json", "/grafiek.png", "/rapport.pdf"):
        assert (await client.get(f"/adviseur/rapport/{code}{path}")).status == 404
    html = await (await client.get(f"/adviseur/rapport/{code}")).text()
    assert "Deze deelcode werkt niet" in html


async def test_an_expired_code_shows_nothing(client, assessment, clock):
    store, person = runtime.store(), runtime.person_for("web-3")
    completed_check(assessment, sender="web-3")
    withdraw(store, person)
    long_ago = clock() - timedelta(days=31)
    old = share_code_for(store, person, 30, now=long_ago)
    await login(client)
    response = await client.get(f"/adviseur/rapport/{display_code(old.code)}.json")
    assert response.status == 404


def dutch_csv(text: str) -> list[dict[str, str]]:
    """The overview CSV as Dutch Excel reads it: a BOM, then semicolons."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def seed_checks(assessment, count: int, pick: str = "max") -> None:
    for number in range(count):
        completed_check(assessment, sender=f"crowd-{pick}-{number}", pick=pick)


async def test_overview_hides_groups_under_five(client, assessment, clock):
    seed_checks(assessment, 4)
    clock.advance(days=7)  # only whole weeks show
    await login(client)
    data = await (await client.get("/adviseur/overzicht.json")).json()
    assert data["totals"] == {"started": None, "completed": None, "stopped": 0}
    assert all(b["count"] is None for g in data["groups"] for b in g["bands"])
    assert all(g["quartiles"] is None for g in data["groups"])
    assert all(r["count"] in (0, None) for r in data["routes"])
    html = await (await client.get("/adviseur/overzicht")).text()
    assert "Nog te weinig afgeronde checks" in html
    rows = dutch_csv(await (await client.get("/adviseur/overzicht.csv")).text())
    assert {r["waarde"] for r in rows if r["categorie"] == "totaal"} == {"<5", "0"}
    assert not any(r["waarde"] in {"1", "2", "3", "4"} for r in rows)


async def test_overview_with_enough_people_shows_counts_charts_and_csv(client, assessment, clock):
    seed_checks(assessment, 6, pick="max")
    seed_checks(assessment, 5, pick="min")
    clock.advance(days=7)  # only whole weeks show
    await login(client)
    data = await (await client.get("/adviseur/overzicht.json")).json()
    assert data["totals"]["completed"] == 11
    communicatief = data["groups"][0]
    assert {b["band"]: b["count"] for b in communicatief["bands"]} == {
        "sterk": 6, "goed": 0, "redelijk": 0, "zwak": 5
    }  # fmt: skip
    routes = {r["id"]: r["count"] for r in data["routes"]}
    assert routes["ksf_branchecertificaat"] == 6 and routes["cursus_typen"] == 5
    assert routes["mbo4_teamleider"] == 0
    develop = {d["id"]: d["count"] for d in data["develop"]}
    assert develop["administratief"] == 11
    for name, url in data["charts"].items():
        response = await client.get(url)
        assert response.status == 200, name
        assert response.content_type == "image/svg+xml" and b"<svg" in await response.read()
        bitmap = await client.get(url.removesuffix(".svg") + ".png")
        assert (await bitmap.read()).startswith(b"\x89PNG"), name
    assert (await client.get("/adviseur/overzicht/onbekend.png")).status == 404
    assert (await client.get("/adviseur/overzicht/onbekend.svg")).status == 404
    download = await client.get("/adviseur/overzicht.csv")
    assert "attachment" in download.headers["Content-Disposition"]
    rows = dutch_csv(await download.text())
    assert {"categorie": "adviezen", "sleutel": "ksf_branchecertificaat", "omschrijving": "Certificaat van de Klantenservice Federatie (KSF)",
            "meting": "mensen", "waarde": "6"} in rows  # fmt: skip
    html = await (await client.get("/adviseur/overzicht")).text()
    assert (
        "<td>Communicatief en sociaal vaardig</td><td>6</td><td>0</td><td>0</td><td>5</td>" in html
    )


async def test_overview_never_contains_pseudonyms_or_codes(client, assessment, clock):
    seed_checks(assessment, 5)
    code = completed_check(assessment, sender="private")
    clock.advance(days=7)
    await login(client)
    body = await (await client.get("/adviseur/overzicht.json")).text()
    body += await (await client.get("/adviseur/overzicht.csv")).text()
    assert runtime.person_for("private") not in body
    assert code not in body and code.replace("-", "") not in body


async def test_live_view_exists_only_in_demo_mode(client):
    await login(client)
    assert (await client.get("/adviseur/live.json")).status == 404


async def test_live_view_shows_scores_so_far(isolated_runtime, assessment):
    AdviserAccounts(runtime.store()).add("demo", PASSWORD)
    sender = "0123456789abcdef" * 2
    store = runtime.store()
    store.start_assessment("live1", runtime.person_for(sender), 1)
    first = assessment.groups[0].questions[0]
    top = max(first.options, key=lambda o: o.points or 0)
    store.record_answer("live1", first.id, top.id, top.points)
    async with await _client(make_app(demo=True)) as client:
        await login(client, username="demo")
        html = await (await client.get("/adviseur/live")).text()
        assert 'src="/widget/live.js"' in html
        data = await (await client.get(f"/adviseur/live.json?sessie={sender}")).json()
        progress = data["progress"]
        assert progress["answered"] == 1 and progress["completed"] is False
        assert progress["groups"][0]["score"] == 100 and progress["groups"][0]["answered"] == 1
        assert progress["groups"][1]["score"] is None
        assert (await (await client.get("/adviseur/live.json?sessie=../x")).json())[
            "session"
        ] is None


async def test_a_failing_results_database_gets_a_page_not_a_500(client, assessment, caplog):
    seed_checks(assessment, 6)
    await login(client)
    runtime.store().db.execute("DROP TABLE answers")  # the database breaks behind the app's back
    page = await client.get("/adviseur/overzicht")
    assert page.status == 503
    assert "De uitslagen zijn nu niet te lezen" in await page.text()
    twin = await client.get("/adviseur/overzicht.json")
    assert twin.status == 503
    assert (await twin.json())["error"] == "store_unavailable"
    assert "adviser dashboard: " in caplog.text
    login_page = await client.get("/adviseur/login")  # no database needed: still works
    assert login_page.status == 200
