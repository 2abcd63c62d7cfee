"""One JSON object per log line, when KC_LOG_FORMAT=json.

Log collectors read JSON without guessing at line formats. Only the format
changes: the same records are logged as in text mode, after the same
redaction (the web app's access log cuts query strings and share codes before
a line is formatted, see bot/web/access_log.py). No process logs sender ids,
phone numbers or typed text in either format.

Rasa and rasa-sdk set up their own coloured log handler when they start, and
that handler replaces any stream handler a ``--logging-config-file`` adds. So
each process calls :func:`configure_logging` itself once it has started: the
web app in ``run``, Rasa when it builds our input channels, the action server
from its rasa-sdk plugin (``rasa_sdk_plugins``).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import TextIO

FORMATS = ("text", "json")
#: Loggers that may carry their own handlers (Sanic's); in JSON mode they log through the root.
OWN_HANDLER_LOGGERS = ("sanic.root", "sanic.error", "sanic.access", "aiohttp.access")


class JsonFormatter(logging.Formatter):
    """A record as ``{"time", "level", "logger", "message"}`` (and ``"error"`` with a traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module installed, so a second call changes nothing."""


def configure_logging(log_format: str, stream: TextIO | None = None) -> bool:
    """In JSON mode, make every record of this process one JSON line on ``stream``
    (standard error). Returns whether JSON logging is on; text mode changes nothing."""
    if log_format != "json":
        return False
    root = logging.getLogger()
    if any(isinstance(h, JsonHandler) for h in root.handlers):
        return True
    handler = JsonHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    for existing in list(root.handlers):
        if _is_console(existing):  # a --log-file or syslog handler stays
            root.removeHandler(existing)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    for name in OWN_HANDLER_LOGGERS:
        named = logging.getLogger(name)
        for existing in list(named.handlers):
            named.removeHandler(existing)
        named.propagate = True
    return True


def _is_console(handler: logging.Handler) -> bool:
    """Rasa's coloured handler, or any other that writes text to the terminal's streams."""
    return isinstance(handler, logging.StreamHandler) and getattr(handler, "stream", None) in (
        sys.stdout,
        sys.stderr,
    )
