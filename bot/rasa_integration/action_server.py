"""/metrics and /ready on the action server, and its JSON logs.

rasa-sdk 3.6.2 builds its Sanic app itself (``rasa_sdk.endpoint.run``) and
has no option for extra routes, but before serving it calls the plugin hook
``attach_sanic_app_extensions(app)`` of a top-level package named
``rasa_sdk_plugins``, when one can be imported. Ours (``rasa_sdk_plugins/``
in the project folder, on the path because ``rasa run actions`` starts there)
calls :func:`extend`. rasa-sdk already answers ``/health``. The routes share
port 5055 with the actions, so nothing else has to listen or be secured.
"""

from __future__ import annotations

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.config import get_settings
from bot.observability import metrics
from bot.observability.health import readiness
from bot.observability.json_logs import configure_logging

NO_STORE = {"Cache-Control": "no-store"}


def results_db_readable() -> None:
    """Raises (``StoreError``) when the results database cannot be read."""
    runtime.store().count_assessments()


async def metrics_endpoint(request: Request) -> HTTPResponse:
    return response.raw(metrics.metrics_text(), content_type=metrics.CONTENT_TYPE, headers=NO_STORE)


async def ready_endpoint(request: Request) -> HTTPResponse:
    status, body = await readiness({"results_db": results_db_readable})
    return response.json(body, status=status, headers=NO_STORE)


def extend(app: Sanic) -> None:
    """Add /metrics and /ready to rasa-sdk's app; JSON logs when KC_LOG_FORMAT=json.

    Called after rasa-sdk set up its coloured logging, so the JSON handler stays.
    """
    configure_logging(get_settings().log_format)
    app.add_route(metrics_endpoint, "/metrics", methods=["GET"], name="kc_metrics")
    app.add_route(ready_endpoint, "/ready", methods=["GET"], name="kc_ready")
