"""The demo's live view in headless Chromium at a projector's 1366x768.

An adviser opens /adviseur/live (demo mode), answers in the chat beside the
scores and sees them grow; "Nieuwe demo" starts the chat over with the
greeting; "Nee, niet bewaren" is said plainly. Screenshots go to
results/screens/ (live-*.png).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import BotServers, browser_page, free_port, wait_until_up

pytestmark = pytest.mark.e2e
SCREENS = ROOT / "results" / "screens"
PROJECTOR = {"width": 1366, "height": 768}
ADVISER, PASSWORD = "live-demo", "e2e live demo wachtwoord"
#: The first words of a fresh start (utter_intro) and the consent question.
GREETING = "Hoi! Ik ben de Klantcontact-check."
CONSENT = "Mag ik je antwoorden bewaren?"


@pytest.fixture(scope="module")
def demo_web_url(bot_servers: BotServers) -> Iterator[str]:
    """The web app in demo mode (the live view exists only there), on the e2e servers' data."""
    port = free_port()
    env = {**bot_servers.env, "KC_DEMO": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port), "--rasa-url",
         bot_servers.rasa_url, "--demo"],
        cwd=ROOT, env=env, stdout=(bot_servers.log_dir / "web-demo.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", [process], bot_servers.log_dir)
        added = bot_servers.cli("adviser", "add", ADVISER, "--password-stdin", stdin=PASSWORD)
        assert added.returncode == 0, added.stderr
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def live(browser, demo_web_url: str, tmp_path: Path):
    """The live view, logged in, at 1366x768, with the CSP enforced."""
    with browser_page(browser, tmp_path, viewport=PROJECTOR) as page:
        page.goto(f"{demo_web_url}/adviseur/login")
        page.get_by_label("Gebruikersnaam").fill(ADVISER)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.get_by_role("heading", name=f"Welkom, {ADVISER}").wait_for()
        page.goto(f"{demo_web_url}/adviseur/live")
        yield page


def bot_count(page) -> int:
    return page.locator(".kc-message.kc-bot").count()


def click_reply(page, title: str | None = None, last: bool = False) -> None:
    """Click an answer button (by its words, else the first or last) and wait for the bot."""
    before = bot_count(page)
    replies = page.locator(".kc-reply")
    button = replies.filter(has_text=title).first if title else (
        replies.last if last else replies.first
    )  # fmt: skip
    button.click()
    page.wait_for_function(
        "n => document.querySelectorAll('.kc-message.kc-bot').length > n", arg=before
    )
    page.locator(".kc-reply").first.wait_for()


def wait_for_greeting(page) -> None:
    page.locator(".kc-message.kc-bot", has_text=GREETING).first.wait_for()
    page.locator(".kc-reply", has_text="Ja, bewaar ze").wait_for()


def session_id(page) -> str:
    return page.evaluate("JSON.parse(localStorage.getItem('kc-widget-session'))")


def screenshot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"live-{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def fits_the_screen(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth &&"
        " document.documentElement.scrollHeight <= window.innerHeight"
    )


def overflow(page) -> str:
    """What sticks out of the screen, for the failure message."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.bottom > window.innerHeight + 1 || r.right > window.innerWidth + 1)
            .slice(0, 8)
            .map(([e, r]) => `${e.tagName}#${e.id}.${e.className} bottom=${r.bottom} right=${r.right}`)
            .join('; ') + ` scroll=${document.documentElement.scrollHeight}`"""
    )


def test_scores_grow_and_new_demo_starts_the_chat_over(live):
    page = live
    wait_for_greeting(page)
    page.locator("#live-status", has_text="Ja, bewaar ze").wait_for()
    assert page.locator("#live-total").is_hidden()

    click_reply(page, "Ja, bewaar ze")
    for _ in range(5):  # the intake questions: the first option each time
        click_reply(page)
    # The first scored question, answered with the highest option: 100, band "sterk".
    click_reply(page, last=True)
    page.wait_for_function("() => document.getElementById('live-overall').textContent === '100'")
    first_group = page.locator("#live-groups li").first
    assert "band-sterk" in first_group.get_attribute("class")
    assert "100 sterk" in first_group.inner_text()
    assert "1 van 4 vragen" in first_group.inner_text()
    assert page.locator("#live-overall-band").inner_text() == "sterk"
    intake = page.locator("#live-intake li")
    assert intake.count() == 5
    assert "nog geen antwoord" not in intake.first.inner_text()
    assert page.locator("#live-status").inner_text() == "Bezig met vraag 7 van 25."
    page.wait_for_function(
        "() => { const c = document.getElementById('live-chart');"
        " return !c.hidden && c.complete && c.naturalWidth > 0; }"
    )
    assert "Totaal 100" in page.locator("#live-chart").get_attribute("alt")

    # The lowest answer to the next question: the group drops to 50, band "redelijk".
    click_reply(page)
    page.wait_for_function("() => document.getElementById('live-overall').textContent === '50'")
    assert "band-redelijk" in page.locator("#live-groups li").first.get_attribute("class")
    assert fits_the_screen(page), f"the live view scrolls at 1366x768: {overflow(page)}"
    page.wait_for_function(  # the chart follows the numbers (a new image loads)
        "() => { const c = document.getElementById('live-chart');"
        " return c.src.includes('overall=50&') && c.complete && c.naturalWidth > 0; }"
    )
    screenshot(page, "scores")

    old_session = session_id(page)
    page.get_by_role("button", name="Nieuwe demo").click()
    wait_for_greeting(page)
    assert session_id(page) != old_session
    assert page.locator(".kc-message.kc-user").count() == 0
    assert not page.locator(".kc-message", has_text="Welkom terug").count()
    page.locator("#live-status", has_text="Ja, bewaar ze").wait_for()
    assert page.locator("#live-total").is_hidden()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#live-intake li')]"
        ".filter(li => li.textContent.includes('nog geen antwoord')).length === 5"
    )
    screenshot(page, "new-demo")


def test_no_to_storing_is_said_plainly(live):
    page = live
    page.get_by_role("button", name="Nieuwe demo").click()  # whatever the last test left
    wait_for_greeting(page)
    click_reply(page, "Nee, niet bewaren")
    notice = page.locator("#live-no-consent")
    notice.wait_for()
    assert "Er wordt niets bewaard" in notice.inner_text()
    click_reply(page)  # the check goes on in the chat; still nothing to show
    assert notice.is_visible() and page.locator("#live-total").is_hidden()
    screenshot(page, "no-consent")
