"""The /webchat page: rasa-webchat served locally, with nothing fetched from elsewhere."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import WebConfig, create_app
from bot.web.webchat import BUNDLE
from tests.conftest import ROOT

NODE_MODULES = ROOT / "node_modules"


@pytest.fixture
async def client(isolated_runtime, monkeypatch):
    monkeypatch.setenv("KC_PUBLIC_WEB_URL", "https://kc.example.nl")
    app = create_app(WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=NODE_MODULES))
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.fixture(autouse=True)
def fresh_settings():
    from bot.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_the_page_loads_rasa_webchat_and_our_setup_from_this_server(client):
    response = await client.get("/webchat")
    assert response.status == 200
    html = await response.text()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == ["/webchat/rasa-webchat.js", "/widget/webchat-init.js"]
    assert "<script>" not in html and 'data-rasa-url="http://127.0.0.1:5005"' in html
    assert (await client.get("/widget/webchat-init.js")).status == 200


async def test_only_this_page_allows_inline_styles(client):
    csp = (await client.get("/webchat")).headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'self';" in csp
    assert "ws://127.0.0.1:5005" in csp
    assert "img-src 'self' data: https://kc.example.nl;" in csp  # the chart in the chat
    assert "'unsafe-inline'" not in (await client.get("/")).headers["Content-Security-Policy"]


async def test_the_bundle_is_served_without_its_remote_font_imports(client):
    assert NODE_MODULES.joinpath(*BUNDLE).is_file(), "npm packages missing: run make install"
    original = NODE_MODULES.joinpath(*BUNDLE).read_bytes()
    assert b"@import url(https://fonts.googleapis.com" in original
    response = await client.get("/webchat/rasa-webchat.js")
    assert response.status == 200
    assert response.content_type == "text/javascript"
    body = await response.read()
    assert b"fonts.googleapis.com" not in body and b"@import url(http" not in body
    assert body.startswith(original[:200])  # the same UMD bundle (window.WebChat)
    assert len(original) - len(body) < 2000


async def test_a_missing_bundle_says_how_to_install_it(isolated_runtime, tmp_path):
    app = create_app(WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=tmp_path))
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/webchat/rasa-webchat.js")
        assert response.status == 404
        assert "make install" in await response.text()
