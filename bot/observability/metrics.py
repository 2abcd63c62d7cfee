"""The bot's Prometheus metrics, defined once for every process.

Each process (web app, Rasa, action server) exposes the same registry at its
own ``/metrics``; a metric shows values only in the process that counts it
(turn latency in Rasa, checks and answers in the action server). Label values
come from fixed sets, so no sender id, share code or typed text can ever
become a label: the helpers below refuse anything else.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

#: The channels whose turns are timed.
CHANNELS = ("rest", "socketio", "whatsapp")
#: How an answer reached us: a tapped button or typed text.
ANSWER_INPUTS = ("tapped", "typed")
#: Kinds of errors; "turn" is a message that failed in the channel for another reason.
ERROR_KINDS = ("store", "action_server_unreachable", "whatsapp_send", "turn")

CONTENT_TYPE = CONTENT_TYPE_LATEST

# No "_created" series: a start time per counter adds noise and nothing we alert on.
disable_created_metrics()

CHECKS_STARTED = Counter("kc_checks_started", "Checks started from the introduction.")
CHECKS_COMPLETED = Counter("kc_checks_completed", "Checks finished: the result was shown.")
ANSWERS = Counter("kc_answers", "Answers accepted, by how they came in.", ["input"])
CLARIFICATIONS = Counter("kc_clarifications", 'Times the bot asked "Bedoel je ...?".')
ERRORS = Counter("kc_errors", "Errors the bot answered or survived, by kind.", ["kind"])
TURN_SECONDS = Histogram(
    "kc_turn_seconds",
    "From a user's message arriving at a channel to the bot's replies handed back.",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0),
)
WEB_REQUESTS = Counter(
    "kc_web_requests",
    "Requests to the web app, by route pattern (never the path itself) and status.",
    ["route", "status"],
)

for _value in ANSWER_INPUTS:
    ANSWERS.labels(input=_value)
for _value in ERROR_KINDS:
    ERRORS.labels(kind=_value)
for _value in CHANNELS:
    TURN_SECONDS.labels(channel=_value)


def _known(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {allowed}")
    return value


def check_started() -> None:
    CHECKS_STARTED.inc()


def check_completed() -> None:
    CHECKS_COMPLETED.inc()


def answer_accepted(tapped: bool) -> None:
    ANSWERS.labels(input="tapped" if tapped else "typed").inc()


def clarification_asked() -> None:
    CLARIFICATIONS.inc()


def error(kind: str) -> None:
    ERRORS.labels(kind=_known(kind, ERROR_KINDS)).inc()


def turn_took(channel: str, seconds: float) -> None:
    TURN_SECONDS.labels(channel=_known(channel, CHANNELS)).observe(seconds)


def web_request(route: str, status: int) -> None:
    """``route`` must be a route's pattern ("/adviseur/rapport/{code}"), not a path."""
    WEB_REQUESTS.labels(route=route, status=str(status)).inc()


def metrics_text() -> bytes:
    """Every metric of this process in Prometheus' text format."""
    return generate_latest(REGISTRY)
