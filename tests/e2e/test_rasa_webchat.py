"""botfront's rasa-webchat 1.0.1 (served by the web app at /webchat) against our
socket.io channel, in headless Chromium.

rasa-webchat starts socket.io with XHR polling, which needs CORS between the
page and Rasa. ``make run`` starts Rasa with ``--cors "*"``; the e2e Rasa does
not (our widget uses WebSocket only), so this module's browser runs with
``--disable-web-security``. The page's CSP is still enforced.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HTTP_TIMEOUT_SECONDS,
    PUBLIC_WEB_URL,
    BotServers,
    browser_page,
)

pytestmark = pytest.mark.e2e
NOT_UNDERSTOOD = "Sorry, dat begreep ik niet"
CONSENT = "Mag ik je antwoorden bewaren?"
STORAGE_KEY = "chat_session"  # where rasa-webchat keeps the conversation
PROGRESS = re.compile(r"Vraag (\d+) van (\d+)")


@pytest.fixture(scope="module")
def webchat_browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: make installs Debian's 'chromium' package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--disable-web-security"]
        )
        yield browser
        browser.close()


class Watched:
    """What the page did that a visitor should never cause: errors and other hosts."""

    def __init__(self, page, allowed_hosts: set[str]) -> None:
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.allowed_hosts = allowed_hosts
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("request", self._request)

    def _request(self, request) -> None:
        if request.url.startswith(("http:", "https:", "ws:", "wss:")):  # not data: URLs
            self.hosts.add(urlsplit(request.url).netloc)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"CSP: {message.text}")

    def check(self) -> None:
        assert self.errors == []
        assert self.hosts <= self.allowed_hosts, "rasa-webchat fetched from another host"


@pytest.fixture
def chat(webchat_browser, web_url: str, bot_servers: BotServers, tmp_path: Path):
    """The /webchat page, with the chart's public address served by the web app."""
    public = urlsplit(PUBLIC_WEB_URL).netloc
    allowed = {urlsplit(web_url).netloc, urlsplit(bot_servers.rasa_url).netloc, public}
    with browser_page(webchat_browser, tmp_path, viewport={"width": 1366, "height": 768}) as page:
        page.route(f"{PUBLIC_WEB_URL}/**", lambda route: serve_from(route, web_url))
        watched = Watched(page, allowed)
        page.goto(f"{web_url}/webchat")
        yield page
        watched.check()


def serve_from(route, web_url: str) -> None:
    """Answer a request for the public web address from the web app under test."""
    parts = urlsplit(route.request.url)
    response = requests.get(f"{web_url}{parts.path}?{parts.query}", timeout=HTTP_TIMEOUT_SECONDS)
    route.fulfill(
        status=response.status_code,
        headers={"Content-Type": response.headers["Content-Type"]},
        body=response.content,
    )


def bot_texts(page) -> list[str]:
    return page.locator(".rw-response").all_inner_texts()


def wait_for_bot_text(page, pattern: str) -> None:
    page.locator(".rw-response", has_text=pattern).last.wait_for()


def open_chat(page) -> None:
    """Open the widget; it has no initPayload, so its first message is empty."""
    page.locator(".rw-launcher").click()
    wait_for_bot_text(page, CONSENT)


def click_reply(page, title: str | None = None) -> None:
    """Click a quick reply under the newest bot message (the first, or the one titled)."""
    replies = page.locator(".rw-replies").last.locator(".rw-reply")
    (replies.filter(has_text=title) if title else replies).first.click()


def session_id(page) -> str:
    return page.evaluate(f"JSON.parse(sessionStorage.getItem('{STORAGE_KEY}')).session_id")


def test_opening_greets_then_consent_and_questions_by_quick_replies(chat):
    open_chat(chat)
    assert not any(NOT_UNDERSTOOD in text for text in bot_texts(chat))
    click_reply(chat, "Ja, bewaar ze")
    wait_for_bot_text(chat, "Vraag 1 van ")
    click_reply(chat)
    wait_for_bot_text(chat, "Vraag 2 van ")
    click_reply(chat)
    wait_for_bot_text(chat, "Vraag 3 van ")
    assert not any(NOT_UNDERSTOOD in text for text in bot_texts(chat))
    # The conversation is in sessionStorage only ("session"), and a reload keeps it.
    assert chat.evaluate(f"localStorage.getItem('{STORAGE_KEY}')") is None
    chat.reload()
    wait_for_bot_text(chat, "Vraag 3 van ")


def test_the_result_comes_as_a_chart_image_and_a_pdf_link(
    chat, bot_servers: BotServers, web_url: str
):
    open_chat(chat)
    sender = session_id(chat)
    # Answer all but the last question over REST for the same conversation (fast);
    # the last answer goes through rasa-webchat, so the result reaches it.
    reply = bot_servers.send(sender, "ja")
    for _ in range(40):
        asked = [m for m in reply if m.get("buttons")][-1]
        position = PROGRESS.match(asked["text"])
        if position and position.group(1) == position.group(2):
            break
        reply = bot_servers.send(sender, asked["buttons"][0]["payload"])
    else:
        pytest.fail("the check did not reach its last question")
    chat.locator(".rw-new-message").fill(asked["buttons"][0]["payload"])
    chat.keyboard.press("Enter")

    chart = chat.locator("img.rw-image-frame")
    chart.wait_for()
    source = chart.get_attribute("src")
    assert source.startswith(f"{PUBLIC_WEB_URL}/api/chart.png?")
    chat.wait_for_function("() => document.querySelector('img.rw-image-frame').naturalWidth > 0")
    link = chat.get_by_role("link", name="download je rapport (PDF)")
    link.wait_for()
    query = urlsplit(source).query
    assert link.get_attribute("href") == f"{PUBLIC_WEB_URL}/api/report.pdf?{query}"
    wait_for_bot_text(chat, "Mijn advies voor jou")
    pdf = requests.get(f"{web_url}/api/report.pdf?{query}", timeout=HTTP_TIMEOUT_SECONDS)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert not any("assessment_result" in text for text in bot_texts(chat))


def test_after_erasure_nothing_of_the_chat_stays_in_the_browser(chat, web_url: str):
    open_chat(chat)
    click_reply(chat, "Ja, bewaar ze")
    wait_for_bot_text(chat, "Vraag 1 van ")
    assert chat.evaluate(f"sessionStorage.getItem('{STORAGE_KEY}')") is not None
    chat.locator(".rw-new-message").fill("verwijder mijn gegevens")
    chat.keyboard.press("Enter")
    click_reply(chat, "Ja, wis alles")
    wait_for_bot_text(chat, "Ik heb alles gewist")
    chat.goto(f"{web_url}/privacy")  # leaving the page, in the same tab
    assert chat.evaluate(f"sessionStorage.getItem('{STORAGE_KEY}')") is None
    assert chat.evaluate(f"localStorage.getItem('{STORAGE_KEY}')") is None
