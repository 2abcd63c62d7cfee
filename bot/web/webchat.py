"""The /webchat page: botfront's rasa-webchat 1.0.1 against our socket.io channel.

For sites that already embed rasa-webchat (README, "rasa-webchat"). Its UMD
bundle comes from node_modules like the other front-end packages, minus the
Google Fonts ``@import`` it carries, so nothing is fetched from elsewhere (the
widget falls back to the page's font). The bundle adds its CSS as ``<style>``
tags, so this page alone allows inline styles; scripts stay ``'self'`` only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
from aiohttp import web

from bot.config import get_settings

BUNDLE = ("rasa-webchat", "lib", "index.js")
#: The CSS imports of remote files inside the bundle (11 times the Google font "Inter").
REMOTE_IMPORT = re.compile(rb"@import url\((?:https?:)?//[^)]*\);?")
CACHE_BUNDLE = "public, max-age=86400"


@lru_cache(maxsize=2)
def local_bundle(path: Path) -> bytes:
    """The bundle without its remote CSS imports (read once per process)."""
    return REMOTE_IMPORT.sub(b"", path.read_bytes())


def webchat_csp(rasa_url: str, web_url: str) -> str:
    """The page's CSP: rasa-webchat's inline styles and embedded (data:) icon fonts, and
    the chart from the public web address."""
    socket = rasa_url.replace("http://", "ws://").replace("https://", "wss://")
    return (
        f"default-src 'self'; connect-src 'self' {rasa_url} {socket}; "
        f"img-src 'self' data: {web_url}; font-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'self'"
    )


def add_webchat_routes(
    app: web.Application, templates: jinja2.Environment, rasa_url: str, node_modules: Path
) -> None:
    """``/webchat`` (the page) and ``/webchat/rasa-webchat.js`` (the bundle)."""

    async def page(request: web.Request) -> web.Response:
        settings = get_settings()
        html = templates.get_template("webchat.html").render(rasa_url=rasa_url)
        return web.Response(
            text=html,
            content_type="text/html",
            headers={
                "Cache-Control": "no-cache",
                "Content-Security-Policy": webchat_csp(rasa_url, settings.web_url),
            },
        )

    async def bundle(request: web.Request) -> web.Response:
        path = node_modules.joinpath(*BUNDLE)
        if not path.is_file():
            raise web.HTTPNotFound(text="Bestand niet gevonden. Draai 'make install'.")
        return web.Response(
            body=local_bundle(path),
            content_type="text/javascript",
            headers={"Cache-Control": CACHE_BUNDLE},
        )

    app.router.add_get("/webchat", page)
    app.router.add_get("/webchat/rasa-webchat.js", bundle)
