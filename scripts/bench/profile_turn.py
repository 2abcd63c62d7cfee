"""Where the time of one turn goes: Rasa's agent in this process, timed per stage.

Run as a subprocess by the bench (it imports Rasa and TensorFlow):

    python -m scripts.bench.profile_turn --model M --endpoints E --bot ours --out OUT.json

It loads the model like ``rasa run`` does, holds whole conversations without the
HTTP layer (Rasa's REST channel), and measures the wall time of each stage of
``MessageProcessor.handle_message`` with wrappers. Custom actions go to the real
action server named in the endpoints. A second pass runs under cProfile.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import io
import json
import pstats
import random
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.bench.load import STOCK_CONVERSATIONS, _question_buttons, _result_of

#: (class path, method, stage key, top level?) -- top-level stages do not overlap.
#: The keys name the stages in the results JSON; the report shows STAGE_LABELS.
STAGES: list[tuple[str, str, str, bool]] = [
    ("rasa.core.processor.MessageProcessor", "fetch_tracker_and_update_session",
     "load_tracker", True),
    ("rasa.core.processor.MessageProcessor", "parse_message", "nlu", True),
    ("rasa.core.processor.MessageProcessor", "_predict_next_with_tracker", "policy", True),
    ("rasa.core.actions.action.RemoteAction", "run", "actions", True),
    ("rasa.core.actions.action.RemoteAction", "_action_call_format", "actions_json", False),
    ("rasa.utils.endpoints.EndpointConfig", "request", "actions_http", False),
    ("rasa.core.actions.action.RemoteAction", "_validate_action_result", "actions_schema",
     False),
    ("rasa.core.processor.MessageProcessor", "save_tracker", "save_tracker", True),
]  # fmt: skip
#: How the report names each stage; a stage that is not top level is part of the one above.
STAGE_LABELS: dict[str, str] = {
    "load_tracker": "load tracker from the tracker store",
    "nlu": "NLU (parse_message)",
    "policy": "policy prediction (per action)",
    "actions": "custom actions (action server calls)",
    "actions_json": "tracker + domain to JSON for the call",
    "actions_http": "HTTP round trip incl. action server work",
    "actions_schema": "jsonschema check of the response",
    "save_tracker": "save tracker to the tracker store",
}
TOTAL = "total"


class StageTimer:
    """Wall time per stage; a stage re-entered inside itself is counted once."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._depth: dict[str, int] = defaultdict(int)
        self.enabled = False
        self.last_action_call_bytes = 0

    def wrap(self, owner: type, method: str, key: str) -> None:
        original = getattr(owner, method)
        timer = self

        if asyncio.iscoroutinefunction(original):

            @functools.wraps(original)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                started = timer._enter(key)
                try:
                    return await original(*args, **kwargs)
                finally:
                    timer._leave(key, started)

            setattr(owner, method, async_wrapper)
        else:

            @functools.wraps(original)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                started = timer._enter(key)
                try:
                    result = original(*args, **kwargs)
                finally:
                    timer._leave(key, started)
                if method == "_action_call_format" and timer.enabled:
                    timer.last_action_call_bytes = len(json.dumps(result))
                return result

            setattr(owner, method, wrapper)

    def _enter(self, key: str) -> float:
        self._depth[key] += 1
        return time.perf_counter()

    def _leave(self, key: str, started: float) -> None:
        self._depth[key] -= 1
        if self.enabled and self._depth[key] == 0:
            self.seconds[key] += time.perf_counter() - started
            self.calls[key] += 1

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


def _import(path: str) -> type:
    module, _, name = path.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


async def _conversation(
    send: Callable[[str, str], Any], bot: str, sender: str, rng: random.Random
) -> list[float]:
    """One whole conversation; returns the seconds of each turn."""
    turns: list[float] = []

    async def timed(text: str) -> list[dict[str, Any]]:
        started = time.perf_counter()
        messages = await send(sender, text)
        turns.append(time.perf_counter() - started)
        return messages

    if bot == "stock":
        for text in rng.choice(STOCK_CONVERSATIONS):
            await timed(text)
        return turns
    messages = await timed("hoi")
    messages = await timed("ja")
    while _result_of(messages) is None:
        buttons = _question_buttons(messages)
        if not buttons:
            raise RuntimeError(f"conversation stuck: {messages!r}")
        messages = await timed(rng.choice(buttons)["payload"])
    return turns


async def profile(model: Path, endpoints: Path | None, bot: str, conversations: int) -> dict:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    loaded = time.perf_counter()
    available = AvailableEndpoints.read_endpoints(str(endpoints)) if endpoints else None
    agent = await load_agent(model_path=str(model), endpoints=available)
    load_seconds = time.perf_counter() - loaded

    # Wrapped after loading: the project may replace some of these methods while the
    # agent loads (bot/rasa_integration/speedups.py), and the replacement is what runs.
    timer = StageTimer()
    for owner, method, key, _ in STAGES:
        timer.wrap(_import(owner), method, key)
    timer.wrap(_import("rasa.core.processor.MessageProcessor"), "handle_message", TOTAL)

    async def send(sender: str, text: str) -> list[dict[str, Any]]:
        channel = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, channel, sender, input_channel="rest"))
        return channel.messages

    rng = random.Random(f"profile-{bot}")  # noqa: S311 (test data)
    run = f"{time.time_ns()}"
    repeat = 1 if bot == "ours" else 10
    for number in range(repeat):  # warm-up, not measured
        await _conversation(send, bot, f"profile-{run}-warm-{number}", rng)

    timer.enabled = True
    turn_seconds: list[list[float]] = []
    for number in range(conversations * repeat):
        turn_seconds.append(await _conversation(send, bot, f"profile-{run}-{number}", rng))
    timer.enabled = False
    turns = sum(len(t) for t in turn_seconds)

    profiler = cProfile.Profile()
    profiler.enable()
    await _conversation(send, bot, f"profile-{run}-cprofile", rng)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats("tottime")
    stats.print_stats(25)
    tracker = await agent.tracker_store.retrieve(f"profile-{run}-0")

    return {
        "bot": bot,
        "model_load_seconds": load_seconds,
        "turns": turns,
        "stages": {
            key: {
                "ms_per_turn": 1000 * timer.seconds[key] / turns,
                "calls_per_turn": timer.calls[key] / turns,
                "top_level": top,
            }
            for _, _, key, top in STAGES
        },
        "total_ms_per_turn": 1000 * timer.seconds[TOTAL] / turns,
        "turn_ms_by_position": [
            1000 * sum(t[i] for t in turn_seconds) / len(turn_seconds)
            for i in range(min(len(t) for t in turn_seconds))
        ],
        "events_after_conversation": len(tracker.events) if tracker else None,
        "last_action_call_bytes": timer.last_action_call_bytes,
        "cprofile_tottime": _trim(stream.getvalue()),
    }


def _trim(text: str) -> str:
    """The pstats table without the preamble lines."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(line.rstrip() for line in lines[start:] if line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--endpoints", type=Path, default=None)
    parser.add_argument("--bot", choices=["ours", "stock"], required=True)
    parser.add_argument("--conversations", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    result = asyncio.run(profile(args.model, args.endpoints, args.bot, args.conversations))
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
