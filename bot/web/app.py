"""The web app on port 8000 (aiohttp, already in Rasa's dependency tree).

It serves the demo page, the widget's files, the front-end packages from
node_modules (no CDN), and the result card's chart and PDF. The card is
computed from the result message the browser already has. The adviser
dashboard (``bot.web.adviser``) reads stored results, but only by share code.
Binds to 127.0.0.1 unless configured otherwise.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe
from aiohttp import web

from bot import runtime
from bot.advice.rules import AdviceContent
from bot.check.assessment import Assessment
from bot.config import get_settings
from bot.observability.json_logs import configure_logging
from bot.result.chart import MAX_WIDTH, MIN_WIDTH, alt_text, render_radar_png, render_radar_svg
from bot.result.pdf import report_pdf as render_report_pdf
from bot.result.view import ResultView, route_views, view_from_scores
from bot.web.access_log import RedactingAccessLogger
from bot.web.adviser import AdviserConfig, add_adviser_routes
from bot.web.health import add_health_routes, count_requests
from bot.web.webchat import add_webchat_routes

HERE = Path(__file__).parent
PRIVACY_FILE = HERE.parents[1] / "docs" / "privacy.md"
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
VENDOR_FILES = {
    "socket.io.min.js": ("socket.io-client", "dist", "socket.io.min.js"),
    "axe.min.js": ("axe-core", "axe.min.js"),
}
CACHE_STATIC = "public, max-age=3600"
CACHE_VENDOR = "public, max-age=86400, immutable"


class BadResult(ValueError):
    """The query does not describe a valid result."""


@dataclass(frozen=True)
class WebConfig:
    rasa_url: str
    node_modules: Path
    title: str = "Past klantcontact bij jou?"
    cookie_secure: bool = True
    demo: bool = False


def parse_result(
    query: Mapping[str, str], assessment: Assessment
) -> tuple[dict[str, int], int, list[str]]:
    """Scores, overall and route ids from a query string; raises BadResult."""
    scores: dict[str, int] = {}
    for group in assessment.groups:
        scores[group.id] = _score(query.get(group.id), group.id)
    overall = _score(query.get("overall"), "overall")
    routes = [r for r in (query.get("routes") or "").split(",") if r]
    known = {r.id for r in runtime.advice_content().routes}
    unknown = [r for r in routes if r not in known]
    if unknown:
        raise BadResult(f"unknown routes: {unknown}")
    return scores, overall, routes


def parse_view(
    query: Mapping[str, str], assessment: Assessment, content: AdviceContent
) -> ResultView:
    """The result view of a query string, as the chat built it; raises BadResult."""
    scores, overall, routes = parse_result(query, assessment)
    return view_from_scores(assessment, scores, overall, route_views(content, routes))


def result_card(assessment: Assessment, view: ResultView) -> dict[str, object]:
    """The result card's data: the view plus the chart and report links."""
    query = result_query(view.scores, view.overall, [r.id for r in view.routes])
    return {
        "overall": view.overall,
        "overall_words": view.band.overall_words,
        "groups": [
            {"id": g.group.id, "name": g.group.name, "score": g.score, "band": g.band.group_words}
            for g in view.groups
        ],
        "strengths": [g.short for g in view.strengths],
        "develop": [g.short for g in view.develop],
        "routes": [
            {"id": r.id, "name": r.name, "what": r.what, "link": r.link} for r in view.routes
        ],
        "chart_url": f"/api/chart.png?{query}",
        "chart_svg_url": f"/api/chart.svg?{query}",
        "chart_alt": alt_text(assessment, view.scores, view.overall),
        "report_url": f"/api/report.pdf?{query}",
    }


def _score(value: str | None, name: str) -> int:
    if value is None or not re.fullmatch(r"\d{1,3}", value) or int(value) > 100:
        raise BadResult(f"{name} must be a whole number from 0 to 100")
    return int(value)


def result_query(scores: Mapping[str, int], overall: int, routes: list[str]) -> str:
    parts = [f"{k}={v}" for k, v in scores.items()] + [f"overall={overall}"]
    return "&".join([*parts, f"routes={','.join(routes)}"])


def create_app(config: WebConfig) -> web.Application:
    app = web.Application(middlewares=[count_requests, security_headers(config)])
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
    )

    async def index(request: web.Request) -> web.Response:
        html = templates.get_template("index.html").render(
            rasa_url=config.rasa_url, title=config.title, privacy_url=get_settings().privacy_url
        )
        return web.Response(
            text=html, content_type="text/html", headers={"Cache-Control": "no-cache"}
        )

    async def privacy(request: web.Request) -> web.Response:
        html = templates.get_template("privacy.html").render(body=privacy_html(PRIVACY_FILE))
        return web.Response(
            text=html, content_type="text/html", headers={"Cache-Control": "no-cache"}
        )

    async def widget_file(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = STATIC / "widget" / name
        if not re.fullmatch(r"[\w.-]+\.(js|css)", name) or not path.is_file():
            raise web.HTTPNotFound(text="Bestand niet gevonden.")
        return web.FileResponse(path, headers={"Cache-Control": CACHE_STATIC})

    async def vendor_file(request: web.Request) -> web.StreamResponse:
        parts = VENDOR_FILES.get(request.match_info["name"])
        path = config.node_modules.joinpath(*parts) if parts else None
        if path is None or not path.is_file():
            raise web.HTTPNotFound(text="Bestand niet gevonden. Draai 'make install'.")
        return web.FileResponse(path, headers={"Cache-Control": CACHE_VENDOR})

    async def result_json(request: web.Request) -> web.Response:
        assessment = runtime.assessment()
        view = _view_or_400(request, assessment)
        return web.json_response(
            result_card(assessment, view), headers={"Cache-Control": "no-store"}
        )

    async def chart_png(request: web.Request) -> web.Response:
        assessment = runtime.assessment()
        scores = _view_or_400(request, assessment).scores
        png = await asyncio.to_thread(render_radar_png, assessment, scores)
        return web.Response(
            body=png, content_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
        )

    async def chart_svg(request: web.Request) -> web.Response:
        """The chart made for the width it is shown at (``w``, CSS pixels)."""
        assessment = runtime.assessment()
        scores = _view_or_400(request, assessment).scores
        width = request.query.get("w", "360")
        if not re.fullmatch(r"\d{3,4}", width) or not MIN_WIDTH <= int(width) <= MAX_WIDTH:
            raise web.HTTPBadRequest(text=f"w moet tussen {MIN_WIDTH} en {MAX_WIDTH} liggen")
        svg = await asyncio.to_thread(render_radar_svg, assessment, scores, int(width))
        return web.Response(
            body=svg,
            content_type="image/svg+xml",
            headers={"Cache-Control": "private, max-age=3600"},
        )

    async def report_pdf(request: web.Request) -> web.Response:
        assessment, content = runtime.assessment(), runtime.advice_content()
        view = _view_or_400(request, assessment)
        pdf = await asyncio.to_thread(render_report_pdf, assessment, content, view)
        return web.Response(
            body=pdf,
            content_type="application/pdf",
            headers={
                "Content-Disposition": 'attachment; filename="klantcontact-check-rapport.pdf"',
                "Cache-Control": "no-store",
            },
        )

    app.router.add_get("/", index)
    app.router.add_get("/privacy", privacy)
    app.router.add_get("/widget/{name}", widget_file)
    app.router.add_get("/vendor/{name}", vendor_file)
    app.router.add_get("/api/result.json", result_json)
    app.router.add_get("/api/chart.png", chart_png)
    app.router.add_get("/api/chart.svg", chart_svg)
    app.router.add_get("/api/report.pdf", report_pdf)
    add_webchat_routes(app, templates, config.rasa_url, config.node_modules)
    add_health_routes(app)  # /health, /ready, /metrics (docs/operations.md)
    add_adviser_routes(
        app,
        AdviserConfig(
            cookie_secure=config.cookie_secure, demo=config.demo, rasa_url=config.rasa_url
        ),
        templates,
    )
    return app


def privacy_html(path: Path) -> markupsafe.Markup:
    """The Dutch privacy statement: the part of docs/privacy.md above the rule."""
    import markdown

    dutch = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    return markupsafe.Markup(markdown.markdown(dutch, extensions=["tables"]))  # noqa: S704 - our own file


def _view_or_400(request: web.Request, assessment: Assessment) -> ResultView:
    try:
        return parse_view(request.query, assessment, runtime.advice_content())
    except BadResult as exc:
        raise web.HTTPBadRequest(text=f"Ongeldige uitslag: {exc}") from exc


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def security_headers(
    config: WebConfig,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    socket = config.rasa_url.replace("http://", "ws://").replace("https://", "wss://")

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; connect-src 'self' {config.rasa_url} {socket}; "
            "img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return middleware


def run(host: str, port: int, config: WebConfig) -> None:
    configure_logging(get_settings().log_format)  # KC_LOG_FORMAT=json: JSON lines
    web.run_app(
        create_app(config), host=host, port=port, print=None, access_log_class=RedactingAccessLogger
    )
