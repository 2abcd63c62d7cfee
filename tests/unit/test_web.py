"""The web app in-process: pages, widget files, result card data, chart and PDF."""

from __future__ import annotations

import io
import re

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pypdf import PdfReader

from bot import runtime
from bot.web.app import WebConfig, create_app
from tests.conftest import ROOT

QUERY = (
    "communicatief=75&analytisch=69&schakelen=63&commercieel=88&administratief=81"
    "&overall=75&routes=ksf_branchecertificaat,cursus_typen"
)


@pytest.fixture
async def client(isolated_runtime):
    app = create_app(
        WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=ROOT / "node_modules")
    )
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_demo_page_loads_the_widget_without_inline_script(client):
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert '<script src="/widget/klantcontact-widget.js"></script>' in html
    assert 'data-rasa-url="http://127.0.0.1:5005"' in html
    assert "<script>" not in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "ws://127.0.0.1:5005" in csp


async def test_widget_files_have_cache_headers(client):
    response = await client.get("/widget/klantcontact-widget.js")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert (await client.get("/widget/../app.py")).status == 404
    assert (await client.get("/widget/nope.js")).status == 404


async def test_result_json_describes_the_card(client):
    response = await client.get(f"/api/result.json?{QUERY}")
    data = await response.json()
    assert data["overall"] == 75
    assert [g["score"] for g in data["groups"]] == [75, 69, 63, 88, 81]
    assert [r["id"] for r in data["routes"]] == ["ksf_branchecertificaat", "cursus_typen"]
    assert data["chart_alt"].startswith("Radargrafiek van je scores")
    assert data["chart_url"] == f"/api/chart.png?{QUERY}"


async def test_chart_is_a_png(client):
    response = await client.get(f"/api/chart.png?{QUERY}")
    assert response.status == 200
    assert (await response.read()).startswith(b"\x89PNG")


async def test_widget_chart_is_an_svg_made_for_the_width_it_is_shown_at(client):
    data = await (await client.get(f"/api/result.json?{QUERY}")).json()
    assert data["chart_svg_url"] == f"/api/chart.svg?{QUERY}"
    response = await client.get(f"{data['chart_svg_url']}&w=312")
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/svg+xml"
    svg = await response.text()
    assert re.search(r'<svg[^>]* width="312px"', svg)
    for width in ("100", "5000", "abc", "312.5"):
        response = await client.get(f"/api/chart.svg?{QUERY}&w={width}")
        assert response.status == 400


async def test_report_is_a_pdf_with_real_text(client):
    response = await client.get(f"/api/report.pdf?{QUERY}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(await response.read()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) <= 2
    assert "Je totaalscore is 75 van de 100." in text
    assert "Commercieel: 88 van de 100 (sterk)" in text
    assert "Certificaat van de Klantenservice Federatie (KSF)" in text and "Cursus typen" in text
    assert "https://www.ksfbranchecertificaat.nl" in text
    assert "geen naam of telefoonnummer" in text


@pytest.mark.parametrize(
    "query",
    [
        "communicatief=101&analytisch=1&schakelen=1&commercieel=1&administratief=1&overall=1",
        "communicatief=x&analytisch=1&schakelen=1&commercieel=1&administratief=1&overall=1",
        "analytisch=1&schakelen=1&commercieel=1&administratief=1&overall=1",
        QUERY.replace("cursus_typen", "<script>"),
    ],
)
async def test_bad_results_get_a_clear_400(client, query):
    for path in ("/api/result.json", "/api/chart.png", "/api/report.pdf"):
        response = await client.get(f"{path}?{query}")
        assert response.status == 400
        assert "Ongeldige uitslag" in await response.text()


async def test_privacy_page_shows_the_dutch_statement_only(client):
    response = await client.get("/privacy")
    assert response.status == 200
    html = await response.text()
    assert "<h1>Privacy: wat doet de Klantcontact-check met je gegevens?</h1>" in html
    assert "90 dagen" in html and "verwijder mijn gegevens" in html
    assert "For operators" not in html
    index = await (await client.get("/")).text()
    assert 'href="/privacy"' in index


async def test_demo_page_tells_the_widget_our_privacy_page_whatever_its_scheme(
    isolated_runtime, monkeypatch
):
    monkeypatch.setenv("KC_PUBLIC_WEB_URL", "http://kc.example.nl")
    runtime.reset()
    app = create_app(
        WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=ROOT / "node_modules")
    )
    async with TestClient(TestServer(app)) as client:
        index = await (await client.get("/")).text()
    assert 'data-privacy-url="http://kc.example.nl/privacy"' in index
