"""The web widget in headless Chromium (Debian's package) driven by Playwright.

Screenshots (the small screens, and the page when a test fails) go to the
test's ``tmp_path``; the test prints where.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT
from tests.e2e.conftest import browser_page, call_failed, save_failure_screenshot

pytestmark = pytest.mark.e2e
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def page(browser, web_url, tmp_path: Path, request: pytest.FixtureRequest):
    """The widget's demo page, with the CSP bypassed (axe-core is injected)."""
    with browser_page(browser, tmp_path, bypass_csp=True, accept_downloads=True) as page:
        page.goto(web_url)
        yield page
        if call_failed(request):
            save_failure_screenshot(page, tmp_path)


def bot_count(page) -> int:
    return page.locator(".kc-message.kc-bot").count()


def wait_for_new_bot_message(page, before: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.kc-message.kc-bot').length > n", arg=before
    )
    # The bot may send a few messages; wait until replies or the card are there.
    page.wait_for_function(
        "() => document.querySelector('.kc-reply') || document.querySelector('.kc-card')"
    )


def open_chat(page) -> None:
    before = bot_count(page)
    page.get_by_role("button", name="Chat: past klantcontact bij jou?").click()
    wait_for_new_bot_message(page, before)


def answer_by_clicking(page, max_steps: int = 40) -> None:
    for _ in range(max_steps):
        if page.locator(".kc-card").count():
            return
        before = bot_count(page)
        page.locator(".kc-reply").first.click()
        wait_for_new_bot_message(page, before)
    pytest.fail("the check did not end")


def axe_violations(page, url: str | None = None) -> list[dict]:
    """axe-core results; ``url`` loads it from our server where the CSP is enforced."""
    if url:
        page.add_script_tag(url=url)
    else:
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_whole_check_by_clicking_with_chart_routes_and_pdf(page):
    open_chat(page)
    assert not axe_violations(page), "axe: widget open"
    answer_by_clicking(page)
    card = page.locator(".kc-card")
    chart = card.locator("img.kc-chart")
    chart.wait_for()
    page.wait_for_function("() => document.querySelector('img.kc-chart').naturalWidth > 0")
    assert "Radargrafiek van je scores" in chart.get_attribute("alt")
    advice = page.locator(".kc-message.kc-bot", has_text="Mijn advies voor jou").last.inner_text()
    first_route = re.search(r"^1\. ([^:]+):", advice, re.MULTILINE).group(1)
    with page.expect_download() as download_info:
        card.get_by_role("link", name="Download je rapport (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Je scores" in text and "Communicatief en sociaal vaardig:" in text
    assert first_route in text
    assert len(pdf.pages) <= 2
    assert not axe_violations(page), "axe: result card"


def test_whole_check_by_keyboard_only(page):
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('kc-launcher')"):
            break
    else:
        pytest.fail("the chat button cannot be reached with Tab")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_for_new_bot_message(page, before)
    for _ in range(40):
        if page.locator(".kc-card").count():
            break
        assert page.evaluate("document.activeElement.id") == "kc-input"
        before = bot_count(page)
        # From the text box, Shift+Tab reaches the last answer button.
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.classList.contains('kc-reply')")
        page.keyboard.press("Enter")
        wait_for_new_bot_message(page, before)
    page.locator(".kc-card img.kc-chart").wait_for()


def test_reload_in_the_middle_continues_where_you_were(page):
    open_chat(page)
    for _ in range(3):
        before = bot_count(page)
        page.locator(".kc-reply").first.click()
        wait_for_new_bot_message(page, before)
    last = page.locator(".kc-message.kc-bot").last.inner_text()
    assert "Vraag 3 van 25" in last
    page.reload()
    page.locator(".kc-reply").first.wait_for()
    assert page.locator(".kc-message.kc-bot").last.inner_text() == last
    before = bot_count(page)
    page.locator(".kc-reply").first.click()
    wait_for_new_bot_message(page, before)
    assert "Vraag 4 van 25" in page.locator(".kc-message.kc-bot").last.inner_text()


def test_html_and_script_in_messages_never_run(page):
    open_chat(page)
    attacks = ["<script>window.__xss = 1</script>", '<img src=x onerror="window.__xss = 2">']
    for attack in attacks:
        before = bot_count(page)
        page.locator("#kc-input").fill(attack)
        page.keyboard.press("Enter")
        wait_for_new_bot_message(page, before)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".kc-messages img").count() == 0
    shown = page.locator(".kc-message.kc-user").all_inner_texts()
    assert any("<script>" in text for text in shown)


@pytest.mark.parametrize(
    ("width", "height"), [(360, 740), (640, 360)]
)  # phone; 200% zoom of 1280x720
def test_small_screens_and_zoom_fit_without_sideways_scrolling(
    browser, web_url, tmp_path, width, height
):
    with browser_page(browser, tmp_path, viewport={"width": width, "height": height}) as page:
        page.goto(web_url)
        open_chat(page)
        before = bot_count(page)
        page.locator(".kc-reply").first.click()
        wait_for_new_bot_message(page, before)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator("#kc-panel").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.locator("#kc-input").is_visible()
        screenshot = tmp_path / f"widget-{width}x{height}.png"
        page.screenshot(path=str(screenshot))
        print(f"screenshot: {screenshot}")


def test_adviser_logs_in_and_opens_the_report_with_the_share_code(
    page, browser, web_url, bot_servers, tmp_path
):
    open_chat(page)
    answer_by_clicking(page)
    # The share code comes in its own message, which may arrive just after the card.
    page.locator(".kc-message.kc-bot", has_text="deelcode voor je adviseur").first.wait_for()
    texts = page.locator(".kc-message.kc-bot").all_inner_texts()
    codes = [re.search(r"deelcode voor je adviseur: ([2-9A-Z]{4}-[2-9A-Z]{4})", t) for t in texts]
    code = next(m.group(1) for m in codes if m)
    password = "e2e adviseur wachtwoord"
    added = bot_servers.cli("adviser", "add", "e2e-adviseur", "--password-stdin", stdin=password)
    assert added.returncode == 0, added.stderr

    # No bypass_csp: the adviser pages are tested with their CSP enforced.
    with browser_page(browser, tmp_path / "adviser", accept_downloads=True) as adviser:
        adviser.goto(f"{web_url}/adviseur")
        assert adviser.url.endswith("/adviseur/login")
        adviser.get_by_label("Gebruikersnaam").fill("e2e-adviseur")
        adviser.get_by_label("Wachtwoord").fill(password)
        adviser.get_by_role("button", name="Inloggen").click()
        adviser.get_by_role("heading", name="Welkom, e2e-adviseur").wait_for()
        adviser.get_by_role("textbox", name="Deelcode", exact=True).fill(
            code.lower().replace("-", " ")
        )
        adviser.get_by_role("button", name="Bekijk uitslag").click()
        adviser.get_by_role("heading", name=f"Uitslag bij deelcode {code}").wait_for()
        adviser.wait_for_function("() => document.querySelector('img.chart').naturalWidth > 0")
        rows = adviser.locator("table.answers tbody tr")
        assert rows.count() == 26
        assert "Waarom:" in adviser.locator(".routes").inner_text()
        axe_url = f"{web_url}/vendor/axe.min.js"
        assert not axe_violations(adviser, axe_url), "axe: adviser report"
        adviser.goto(f"{web_url}/adviseur/overzicht")
        adviser.get_by_role("heading", name="Overzicht zonder persoonsgegevens").wait_for()
        assert not axe_violations(adviser, axe_url), "axe: overview"
        adviser.go_back()
        with adviser.expect_download() as download_info:
            adviser.get_by_role("link", name="Rapport als PDF").click()
        pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
        assert "Je antwoorden" in "\n".join(p.extract_text() for p in pdf.pages)

        adviser.get_by_role("button", name="Uitloggen").click()
        adviser.get_by_role("heading", name="Inloggen voor adviseurs").wait_for()
        adviser.goto(f"{web_url}/adviseur/rapport/{code}")
        assert adviser.url.endswith("/adviseur/login")


def send_text(page, text: str) -> None:
    before = bot_count(page)
    page.locator("#kc-input").fill(text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.kc-message.kc-bot').length > n", arg=before
    )


def test_my_data_as_a_download_and_erasure_forgets_the_chat_in_the_browser(page):
    open_chat(page)
    before = bot_count(page)
    page.get_by_role("button", name="Ja, bewaar ze").click()
    wait_for_new_bot_message(page, before)
    send_text(page, "wat weet je van mij")
    link = page.get_by_role("link", name="Download je gegevens (JSON-bestand)")
    link.wait_for()
    with page.expect_download() as download_info:
        link.click()
    export = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert export["type"] == "my_data_export"
    assert export["checks"][0]["answers"][0]["answer"] == "Ja, bewaar ze"
    assert any(m["text"] == "wat weet je van mij" for m in export["conversation"])

    session = page.evaluate("localStorage.getItem('kc-widget-session')")
    send_text(page, "verwijder mijn gegevens")
    before = bot_count(page)
    page.get_by_role("button", name="Ja, wis alles").click()
    page.get_by_text("Ik heb alles gewist").wait_for()
    page.wait_for_function("old => localStorage.getItem('kc-widget-session') !== old", arg=session)
    assert page.evaluate("JSON.parse(localStorage.getItem('kc-widget-log'))") == []
    assert bot_count(page) > before
