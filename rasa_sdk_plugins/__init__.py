"""rasa-sdk's plugin package: /metrics and /ready on the action server.

rasa-sdk 3.6 imports a top-level package of exactly this name when its action
server starts (``rasa_sdk.plugin._discover_plugins``) and calls
``init_hooks(manager)``. The work is in ``bot.rasa_integration.action_server``.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ObservabilityPlugin:
    @hookimpl  # type: ignore[misc]
    def attach_sanic_app_extensions(self, app: Any) -> None:
        from bot.rasa_integration.action_server import extend

        extend(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ObservabilityPlugin())
