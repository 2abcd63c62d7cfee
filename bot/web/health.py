"""/health, /ready and /metrics on the web app, and counting its requests.

Requests are counted by the pattern of the route that answered
(``/adviseur/rapport/{code}``), never by the path, so no share code or query
string becomes a metric label; a request no route matched counts as "other".
Keep these three paths away from the public internet at the reverse proxy
(docs/operations.md): they hold no personal data, but they are for operators.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot import runtime
from bot.observability import metrics
from bot.observability.health import health, readiness

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNMATCHED = "other"


def results_db_readable() -> None:
    """Raises (``StoreError``) when the results database cannot be read."""
    runtime.store().count_assessments()


def route_pattern(request: web.Request) -> str:
    resource = request.match_info.route.resource  # None when no route matched
    return UNMATCHED if resource is None else resource.canonical


@web.middleware
async def count_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        metrics.web_request(route_pattern(request), exc.status)
        raise
    except Exception:
        metrics.web_request(route_pattern(request), 500)
        raise
    metrics.web_request(route_pattern(request), response.status)
    return response


def add_health_routes(app: web.Application) -> None:
    async def health_json(request: web.Request) -> web.Response:
        status, body = health()
        return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})

    async def ready_json(request: web.Request) -> web.Response:
        status, body = await readiness({"results_db": results_db_readable})
        return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})

    async def metrics_text(request: web.Request) -> web.Response:
        return web.Response(
            body=metrics.metrics_text(),
            headers={"Content-Type": metrics.CONTENT_TYPE, "Cache-Control": "no-store"},
        )

    app.router.add_get("/health", health_json)
    app.router.add_get("/ready", ready_json)
    app.router.add_get("/metrics", metrics_text)
