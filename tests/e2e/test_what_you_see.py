"""What a job seeker sees in the widget, measured in the browser (issue 14).

A whole check at a desktop and a phone size. After every answer the newest
question must lie inside the visible part of the chat, with its first answer
button below it; when the result arrives, the top of the result card and the
whole chart must be in view, with chart text no smaller than the body text.
Screenshots of the mid-check widget and of the result are written to
results/screens/ (look at them); a failure's screenshot goes to the test's tmp_path.
"""

from __future__ import annotations

import re

import pytest

from bot.result.chart import CHART_FONT_PX
from tests.conftest import ROOT
from tests.e2e.conftest import browser_page
from tests.e2e.test_browser import bot_count

pytestmark = pytest.mark.e2e
SCREENS = ROOT / "results" / "screens"
SIZES = [(1280, 800), (360, 740)]
SCREENSHOT_AT_QUESTION = 12
SETTLE_MS = 400

# Where an element lies inside the chat's scrolling area, in pixels.
GEOMETRY_JS = """
() => {
  const scroller = document.querySelector('.kc-scroll');
  const view = scroller.getBoundingClientRect();
  const bots = document.querySelectorAll('.kc-message.kc-bot');
  const newest = bots[bots.length - 1];
  const text = newest.querySelector('.kc-text') || newest;
  const box = text.getBoundingClientRect();
  const firstReply = document.querySelector('.kc-reply');
  const replies = document.querySelectorAll('.kc-reply');
  const lastReply = replies.length ? replies[replies.length - 1] : null;
  const rect = (node) => node ? node.getBoundingClientRect().toJSON() : null;
  const probeX = box.left + Math.min(20, box.width / 2);
  const probeY = box.top + 8;
  const hit = document.elementFromPoint(probeX, probeY);
  const more = document.querySelector('.kc-more');
  return {
    view: view.toJSON(), text: box.toJSON(), textContent: text.innerText,
    firstReply: rect(firstReply), lastReply: rect(lastReply),
    covered: !(hit && newest.contains(hit)),
    moreShown: !!(more && !more.hidden && more.getBoundingClientRect().height > 0),
    progress: (document.querySelector('.kc-progress-label') || {}).textContent || '',
    progressNow: document.querySelector('.kc-progress').getAttribute('aria-valuenow'),
  };
}
"""


def settle(page, before: int) -> None:
    """Wait for the bot's whole turn: new messages, then no change for a moment."""
    page.wait_for_function(
        "n => document.querySelectorAll('.kc-message.kc-bot').length > n", arg=before
    )
    page.wait_for_function(
        "() => document.querySelector('.kc-reply') || document.querySelector('.kc-card img')"
    )
    last = -1
    while True:
        count = bot_count(page)
        page.wait_for_timeout(SETTLE_MS)
        if count == last and bot_count(page) == count:
            return
        last = count


def inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (
        inner["top"] >= outer["top"] - slack
        and inner["bottom"] <= outer["bottom"] + slack
        and inner["left"] >= outer["left"] - slack
        and inner["right"] <= outer["right"] + slack
    )


def check_question_in_view(page, step: int, size: str) -> dict:
    g = page.evaluate(GEOMETRY_JS)
    where = f"{size}, answer {step}: {g['textContent'][:60]!r}"
    assert inside(g["text"], g["view"]), f"question not fully in view ({where}): {g}"
    assert not g["covered"], f"something covers the question ({where})"
    first = g["firstReply"]
    assert first is not None, f"no answer buttons ({where})"
    assert first["top"] >= g["text"]["bottom"] - 1, f"buttons not below the question ({where})"
    assert inside(first, g["view"]), f"first answer button not in view ({where}): {g}"
    last_hidden = g["lastReply"]["bottom"] > g["view"]["bottom"] + 1
    assert g["moreShown"] == last_hidden, f"'more options' hint wrong ({where}): {g}"
    return g


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_question_and_the_result_are_in_view(browser, web_url, tmp_path, width, height):
    size = f"{width}x{height}"
    phone = width < 500
    SCREENS.mkdir(parents=True, exist_ok=True)
    with browser_page(
        browser,
        tmp_path,
        viewport={"width": width, "height": height},
        has_touch=phone,
        is_mobile=phone,
        permissions=["clipboard-read", "clipboard-write"],
    ) as page:
        page.goto(web_url)
        before = bot_count(page)
        launcher = page.get_by_role("button", name="Chat: past klantcontact bij jou?")
        launcher.tap() if phone else launcher.click()
        settle(page, before)
        # The privacy page is a link in words, whatever the configured address's scheme.
        privacy = page.get_by_role("link", name="Lees hoe we met je gegevens omgaan")
        assert privacy.get_attribute("href").endswith("/privacy")
        assert "http" not in page.locator(".kc-messages").inner_text()
        assert "rechten: Lees hoe" not in page.locator(".kc-messages").inner_text()

        check_question_in_view(page, 0, size)
        page.screenshot(path=str(SCREENS / f"widget-start-{size}.png"))
        for step in range(1, 40):
            before = bot_count(page)
            button = page.locator(".kc-reply").first
            button.tap() if phone else button.click()
            settle(page, before)
            if page.locator(".kc-card").count():
                break
            g = check_question_in_view(page, step, size)
            if step == 1:
                page.screenshot(path=str(SCREENS / f"widget-first-question-{size}.png"))
            # A tapped or clicked button leaves nothing highlighted and no thick ring.
            state = page.evaluate(
                """() => ({
                  active: document.activeElement.className,
                  ring: getComputedStyle(document.activeElement).outlineStyle,
                  backgrounds: [...document.querySelectorAll('.kc-reply')].map(
                    b => getComputedStyle(b).backgroundColor),
                })"""
            )
            assert "kc-reply" not in state["active"], f"{size}: a button keeps the focus"
            assert state["ring"] in ("none", ""), f"{size}: focus ring after a click: {state}"
            assert set(state["backgrounds"]) == {"rgb(255, 255, 255)"}, state
            match = re.match(r"Vraag (\d+) van (\d+)", g["textContent"])
            if match:
                assert g["progress"] == match.group(0), "the number beside the progress bar"
            if match and int(match.group(1)) == SCREENSHOT_AT_QUESTION:
                page.screenshot(path=str(SCREENS / f"widget-mid-check-{size}.png"))
        else:
            pytest.fail("the check did not end")

        page.wait_for_function(
            "() => document.querySelector('img.kc-chart') &&"
            " document.querySelector('img.kc-chart').complete &&"
            " document.querySelector('img.kc-chart').naturalWidth > 0"
        )
        page.wait_for_timeout(SETTLE_MS)
        result = page.evaluate(
            """() => {
              const view = document.querySelector('.kc-scroll').getBoundingClientRect();
              const card = document.querySelector('.kc-card').getBoundingClientRect();
              const chart = document.querySelector('img.kc-chart');
              const body = getComputedStyle(document.querySelector('.kc-text')).fontSize;
              return {view: view.toJSON(), card: card.toJSON(),
                      chart: chart.getBoundingClientRect().toJSON(),
                      natural: chart.naturalWidth, alt: chart.alt, body: parseFloat(body),
                      now: document.querySelector('.kc-progress').getAttribute('aria-valuenow')};
            }"""
        )
        view, card, chart = result["view"], result["card"], result["chart"]
        assert view["top"] - 1 <= card["top"] <= view["bottom"] - 40, f"card top: {result}"
        assert inside(chart, view), f"chart not in view ({size}): {result}"
        assert result["alt"].startswith("Radargrafiek van je scores")
        chart_text_px = CHART_FONT_PX * chart["width"] / result["natural"]
        assert chart_text_px >= result["body"] - 0.5, f"chart text too small: {result}"
        assert result["now"] == "100"
        # The result card is the first message of the last turn, before the advice.
        turn = page.evaluate(
            """() => {
              const all = [...document.querySelectorAll('.kc-message')];
              const users = all.filter(m => m.classList.contains('kc-user'));
              return all.slice(all.indexOf(users[users.length - 1]) + 1)
                .map(m => m.querySelector('.kc-card') ? 'card' : m.innerText);
            }"""
        )
        assert turn[0] == "card" and len(turn) > 1, turn
        assert any("Mijn advies voor jou" in text for text in turn[1:]), turn
        page.screenshot(path=str(SCREENS / f"widget-result-{size}.png"))

        # The share code stays on one line and can be copied.
        code = page.locator(".kc-code").last
        code.scroll_into_view_if_needed()
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code.inner_text())
        assert code.evaluate("c => c.getClientRects().length") == 1
        line = code.evaluate("c => parseFloat(getComputedStyle(c).lineHeight) || 24")
        assert code.bounding_box()["height"] <= line * 1.5
        copy = page.get_by_role("button", name="Kopieer")
        copy.tap() if phone else copy.click()
        page.get_by_role("button", name="Gekopieerd").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == code.inner_text()
        page.screenshot(path=str(SCREENS / f"widget-share-code-{size}.png"))


def test_a_hint_says_more_options_follow_when_they_do_not_fit(browser, web_url, tmp_path):
    """At 640x360 (200% zoom of 1280x720) the first question's 7 options do not fit."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    with browser_page(browser, tmp_path, viewport={"width": 640, "height": 360}) as page:
        page.goto(web_url)
        before = bot_count(page)
        page.get_by_role("button", name="Chat: past klantcontact bij jou?").click()
        settle(page, before)
        before = bot_count(page)
        page.get_by_role("button", name="Ja, bewaar ze").click()
        settle(page, before)
        g = check_question_in_view(page, 1, "640x360")
        assert "Vraag 1 van 25" in g["textContent"]
        assert g["moreShown"], "the options do not fit, so the hint must show"
        page.screenshot(path=str(SCREENS / "widget-more-options-640x360.png"))
        page.locator(".kc-more").click()
        page.wait_for_function("() => document.querySelector('.kc-more').hidden")
        assert page.locator(".kc-reply").last.is_visible()
