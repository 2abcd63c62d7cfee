"""The adviser's demo on a projector: `make demo`'s data, presentation mode, 1366x768.

What a room sees: the "Voorbeeldgegevens" banner, the example codes, an
overview whose charts all show something (and stay sharp: SVG), and a report,
all in presentation mode with large type and nothing wider than the screen.
Screenshots go to results/screens/presentation-*.png.
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
PASSWORD = "presentatie-wachtwoord-2026"


@pytest.fixture(scope="module")
def demo_url(bot_servers: BotServers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web app on a freshly seeded demo database of its own, as `make demo` makes it."""
    var_dir = tmp_path_factory.mktemp("demo-var")
    env = {
        **bot_servers.env,
        "KC_DEMO": "1",
        "KC_VAR_DIR": str(var_dir),
        "KC_RESULTS_DB": str(var_dir / "results.db"),
        "KC_TRACKER_DB": str(var_dir / "tracker.db"),
        "KC_IDENTITY_KEY_FILE": str(var_dir / "identity.key"),
        "KC_DEMO_PASSWORD": PASSWORD,
        "KC_DEMO_SEED": "presentatie",
    }
    env.pop("KC_IDENTITY_KEY", None)
    seeded = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "seed"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    assert PASSWORD in seeded.stdout  # the Dutch block names the login
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port), "--rasa-url",
         bot_servers.rasa_url, "--demo"],
        cwd=ROOT, env=env, stdout=(bot_servers.log_dir / "web-presentation.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", [process], bot_servers.log_dir)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def adviser(browser, demo_url: str, tmp_path: Path):
    """Logged in as the demo adviser at 1366x768, with the CSP enforced."""
    with browser_page(browser, tmp_path, viewport=PROJECTOR) as page:
        page.goto(f"{demo_url}/adviseur/login")
        page.get_by_label("Gebruikersnaam").fill("demo")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.get_by_role("heading", name="Welkom, demo").wait_for()
        yield page


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def body_font_px(page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")


def screenshot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"presentation-{name}.png"))


def test_presentation_mode_is_large_fits_the_screen_and_is_remembered(adviser, demo_url):
    normal = body_font_px(adviser)
    assert adviser.get_by_text("Voorbeeldgegevens").first.is_visible()
    assert adviser.locator("a[href*='/adviseur/rapport/']").count() >= 5  # the example codes
    adviser.get_by_role("link", name="Weergave voor presentatie").click()
    adviser.get_by_role("link", name="Gewone weergave").wait_for()
    assert adviser.evaluate("() => document.body.classList.contains('presentation')")
    assert body_font_px(adviser) >= max(20.0, normal * 1.2)
    assert fits_the_screen(adviser)
    screenshot(adviser, "home")

    # Remembered: the overview, opened by its address, is in presentation mode too.
    adviser.goto(f"{demo_url}/adviseur/overzicht")
    assert adviser.evaluate("() => document.body.classList.contains('presentation')")
    assert adviser.get_by_text("Voorbeeldgegevens").first.is_visible()
    charts = adviser.locator("main img")
    assert charts.count() >= 4
    adviser.wait_for_function(
        "() => [...document.querySelectorAll('main img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    sources = [charts.nth(i).get_attribute("src") for i in range(charts.count())]
    assert all(".svg" in src for src in sources), sources  # sharp when zoomed
    assert fits_the_screen(adviser)
    screenshot(adviser, "overview")


def test_an_example_code_opens_a_report_a_room_can_read(adviser, demo_url):
    example = adviser.locator("a[href*='/adviseur/rapport/']").first
    example.click()
    adviser.get_by_role("heading", name="Uitslag bij deelcode").wait_for()
    adviser.goto(adviser.url.split("?")[0] + "?presentatie=1")
    assert adviser.evaluate("() => document.body.classList.contains('presentation')")
    assert adviser.get_by_text("Check afgerond op").first.is_visible()
    assert "Sterk in:" not in adviser.locator("main").inner_text()
    adviser.wait_for_function("() => document.querySelector('img.chart').naturalWidth > 0")
    assert fits_the_screen(adviser)
    screenshot(adviser, "report")
    adviser.goto(f"{demo_url}/adviseur?presentatie=0")
    assert not adviser.evaluate("() => document.body.classList.contains('presentation')")
