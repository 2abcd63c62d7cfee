"""The adviser's pages in front of a room: demo banner and codes, presentation mode,
the report's dates and print style, comparing two results, the favicon."""

from __future__ import annotations

import re

import pytest

from bot import runtime
from bot.adviser.accounts import AdviserAccounts
from bot.adviser.compare import CompareError, compare, two_codes
from bot.storage import code_attempts_table
from bot.storage.results_store import iso
from bot.web.adviser import PRESENTATION_COOKIE, STATE
from tests.unit.test_adviser_web import PASSWORD, _client, completed_check, login, make_app


async def _logged_in(clock, demo: bool):
    runtime.store().clock = clock
    accounts = AdviserAccounts(runtime.store())
    if "jdevries" not in accounts.usernames():  # two clients may share one runtime
        accounts.add("jdevries", PASSWORD)
    client = await _client(make_app(demo=demo))
    await client.start_server()
    await login(client)
    return client


@pytest.fixture
async def demo_client(isolated_runtime, clock):
    client = await _logged_in(clock, demo=True)
    yield client
    await client.close()


@pytest.fixture
async def plain_client(isolated_runtime, clock):
    client = await _logged_in(clock, demo=False)
    yield client
    await client.close()


def _wrong_codes(since: str) -> int:
    rows = code_attempts_table.wrong_codes_since(runtime.store(), [("adviser", "jdevries")], since)
    return sum(len(r) for r in rows.values())


# --- demo mode -----------------------------------------------------------------


async def test_every_page_says_voorbeeldgegevens_in_demo_mode_only(
    demo_client, plain_client, assessment
):
    code = completed_check(assessment)
    paths = ("/adviseur", f"/adviseur/rapport/{code}", "/adviseur/rapport/AAAA-AAAA",
             "/adviseur/overzicht")  # fmt: skip
    for path in paths:
        assert "Voorbeeldgegevens" in await (await demo_client.get(path)).text(), path
        assert "Voorbeeldgegevens" not in await (await plain_client.get(path)).text(), path
    demo_client.session.cookie_jar.clear()
    login_page = await (await demo_client.get("/adviseur/login")).text()
    assert "Voorbeeldgegevens" in login_page


async def test_the_demo_home_lists_working_example_codes_as_links(demo_client, assessment):
    first = completed_check(assessment, sender="web-1")
    second = completed_check(assessment, sender="web-2", pick="min")
    html = await (await demo_client.get("/adviseur")).text()
    for code in (first, second):
        assert f'href="/adviseur/rapport/{code}"' in html
    assert "Winkel of verkoop" in html  # labelled by the example person's last work
    data = await (await demo_client.get("/adviseur.json")).json()
    assert {c["code"] for c in data["demo_codes"]} == {first, second}
    assert {c["overall"] for c in data["demo_codes"]} == {
        runtime.store().result(f"{s:0<32}"[:32]).overall for s in ("web-1", "web-2")
    }


async def test_codes_are_never_listed_outside_demo_mode(plain_client, assessment):
    code = completed_check(assessment)
    html = await (await plain_client.get("/adviseur")).text()
    assert code not in html and code.replace("-", "") not in html
    data = await (await plain_client.get("/adviseur.json")).json()
    assert "demo_codes" not in data and code not in str(data)


async def test_expired_codes_are_not_listed_in_the_demo(demo_client, assessment, clock):
    code = completed_check(assessment)
    clock.advance(days=31)
    await login(demo_client)  # the session ended long ago
    data = await (await demo_client.get("/adviseur.json")).json()
    assert data["demo_codes"] == []
    assert code not in await (await demo_client.get("/adviseur")).text()


# --- presentation mode ------------------------------------------------------------


async def test_presentation_mode_is_switched_on_remembered_and_switched_off(
    plain_client, assessment
):
    code = completed_check(assessment)
    normal = await (await plain_client.get("/adviseur")).text()
    assert 'class="presentation"' not in normal and "?presentatie=1" in normal

    on = await plain_client.get("/adviseur?presentatie=1")
    assert '<body class="presentation">' in await on.text()
    assert on.cookies[PRESENTATION_COOKIE].value == "1"
    report = await (await plain_client.get(f"/adviseur/rapport/{code}")).text()
    assert '<body class="presentation">' in report  # remembered on the next page
    assert "Gewone weergave" in report

    off = await plain_client.get(f"/adviseur/rapport/{code}?presentatie=0")
    assert 'class="presentation"' not in await off.text()
    assert 'class="presentation"' not in await (await plain_client.get("/adviseur")).text()


async def test_the_toggle_keeps_the_rest_of_the_address(plain_client, assessment):
    first = completed_check(assessment, sender="web-1")
    second = completed_check(assessment, sender="web-2")
    html = await (await plain_client.get(f"/adviseur/vergelijk?codes={first},{second}")).text()
    assert f"/adviseur/vergelijk?codes={first},{second}&amp;presentatie=1" in html


# --- the report ----------------------------------------------------------------


async def test_the_report_shows_the_completion_date_and_the_code_not_todays_date(
    plain_client, assessment, clock
):
    code = completed_check(assessment)  # completed at the test epoch, 28 November 2026
    clock.advance(days=4)
    await login(plain_client)  # the session ended long ago
    html = await (await plain_client.get(f"/adviseur/rapport/{code}")).text()
    assert "Check afgerond op <strong>28 november 2026 om 11:00" in html  # Amsterdam time
    assert "2 december 2026" not in html
    assert f"<h1>Uitslag bij deelcode {code}</h1>" in html
    assert "Wat betekenen de onderdelen en niveaus?" in html  # the groups and bands explained
    data = await (await plain_client.get(f"/adviseur/rapport/{code}.json")).json()
    assert data["completed_on"].startswith("28 november 2026")
    assert [g["id"] for g in data["explain"]["groups"]] == [g.id for g in assessment.groups]


async def test_pages_link_a_print_stylesheet_without_navigation_or_buttons(
    plain_client, assessment
):
    code = completed_check(assessment)
    html = await (await plain_client.get(f"/adviseur/rapport/{code}")).text()
    assert '<link rel="stylesheet" href="/widget/adviser-print.css" media="print">' in html
    assert re.search(
        r'<p class="[^"]*\bno-print\b[^"]*"><a class="button" href="[^"]+rapport\.pdf"', html
    )
    css = await (await plain_client.get("/widget/adviser-print.css")).text()
    assert css.count("@media print") == 1
    hidden = css.split("display: none")[0]
    for selector in (".site-header", ".no-print", "button", ".button", ".presentation-toggle"):
        assert selector in hidden


# --- comparing two results -----------------------------------------------------------


async def test_two_codes_side_by_side_with_both_scores(plain_client, assessment):
    high = completed_check(assessment, sender="web-1", pick="max")
    low = completed_check(assessment, sender="web-2", pick="min")
    data = await (await plain_client.get(f"/adviseur/vergelijk.json?codes={high},{low}")).json()
    assert [p["share_code"] for p in data["people"]] == [high, low]
    reports = [
        await (await plain_client.get(f"/adviseur/rapport/{c}.json")).json() for c in (high, low)
    ]
    for row in data["groups"]:
        expected = [next(g["score"] for g in r["groups"] if g["id"] == row["id"]) for r in reports]
        assert row["scores"] == expected and row["difference"] == expected[1] - expected[0]
    assert len(data["groups"]) == len(assessment.groups)
    html = await (await plain_client.get(f"/adviseur/vergelijk?codes={high}&codes={low}")).text()
    assert html.count('src="/adviseur/rapport/') == 2 and high in html and low in html


async def test_comparing_records_a_view_of_each_report(plain_client, assessment):
    first = completed_check(assessment, sender="web-1")
    second = completed_check(assessment, sender="web-2")
    assert (await plain_client.get(f"/adviseur/vergelijk?codes={first},{second}")).status == 200
    views = (await (await plain_client.get("/adviseur.json")).json())["recent_views"]
    assert {v["code"] for v in views} == {first, second}


async def test_a_wrong_code_shows_nothing_records_nothing_and_counts(
    plain_client, assessment, clock
):
    good = completed_check(assessment)
    since = iso(clock.moment)
    response = await plain_client.get(f"/adviseur/vergelijk.json?codes={good},AAAA-AAAA")
    assert response.status == 404 and (await response.json())["error"] == "unknown_code"
    html = await (await plain_client.get(f"/adviseur/vergelijk?codes=ZZ,{good}")).text()
    assert "code 1" in html and "Hele uitslag" not in html
    assert _wrong_codes(since) == 2
    assert (await (await plain_client.get("/adviseur.json")).json())["recent_views"] == []


async def test_comparing_obeys_the_code_limit(plain_client, assessment):
    first = completed_check(assessment, sender="web-1")
    second = completed_check(assessment, sender="web-2")
    plain_client.server.app[STATE].codes.max_wrong = 2
    await plain_client.get("/adviseur/vergelijk?codes=AAAA-AAAA,BBBB-BBBB")
    refused = await plain_client.get(f"/adviseur/vergelijk?codes={first},{second}")
    assert refused.status == 429 and "Retry-After" in refused.headers


async def test_compare_needs_two_different_codes(plain_client, assessment, clock):
    code = completed_check(assessment)
    since = iso(clock.moment)
    for query in ("", f"?codes={code}", f"?codes={code},{code},{code}"):
        response = await plain_client.get(f"/adviseur/vergelijk.json{query}")
        assert (await response.json())["error"] == "two_codes_needed"
    same = await plain_client.get(f"/adviseur/vergelijk.json?codes={code},{code.lower()}")
    assert same.status == 400 and (await same.json())["error"] == "same_code"
    assert _wrong_codes(since) == 0


async def test_compare_needs_a_login(isolated_runtime):
    async with await _client(make_app()) as client:
        response = await client.get("/adviseur/vergelijk?codes=A,B", allow_redirects=False)
        assert response.status == 303
        assert (await client.get("/adviseur/vergelijk.json")).status == 401


def test_two_codes_reads_commas_and_repeated_fields():
    assert two_codes(["k7qm-4tzd, AAAA-BBBB"]) == ("k7qm-4tzd", "AAAA-BBBB")
    assert two_codes(["K7QM-4TZD", "AAAA-BBBB"]) == ("K7QM-4TZD", "AAAA-BBBB")
    with pytest.raises(CompareError):
        two_codes(["K7QM-4TZD,"])


def test_compare_puts_the_same_groups_next_to_each_other():
    def report(code: str, scores: dict[str, int]) -> dict:
        return {"share_code": code, "completed_on": "1 mei 2026 om 10:00", "overall": 50,
                "overall_words": "", "strengths": [], "develop": [], "routes": [],
                "groups": [{"id": k, "name": k.title(), "score": v, "band": "goed"}
                           for k, v in scores.items()]}  # fmt: skip

    data = compare(report("A", {"a": 40, "b": 90}), report("B", {"b": 70, "a": 55}))
    assert [(g["id"], g["scores"], g["difference"]) for g in data["groups"]] == [
        ("a", [40, 55], 15), ("b", [90, 70], -20),
    ]  # fmt: skip


# --- favicon ----------------------------------------------------------------------


async def test_a_local_svg_favicon_on_every_page(plain_client):
    icon = await plain_client.get("/favicon.svg")
    assert icon.status == 200 and icon.content_type == "image/svg+xml"
    assert (await icon.text()).lstrip().startswith("<svg")
    link = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">'
    assert link in await (await plain_client.get("/adviseur")).text()
    assert link in await (await plain_client.get("/")).text()
