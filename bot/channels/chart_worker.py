"""Draw the result chart off the event loop, in one worker thread.

Rasa answers every webhook on one asyncio event loop. Drawing the radar chart
with matplotlib takes a quarter of a second (over a second the first time,
when matplotlib loads); on the loop that would hold up every other request,
including Meta's status callbacks, which must be acknowledged at once. So the
chart is drawn in a worker thread, and :func:`warm_up` loads matplotlib there
when the server starts (not at import: the other processes never need it).

One worker, because pyplot is not thread-safe; charts are drawn one after the
other, which is plenty for one result at a time per person.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from bot.check.assessment import GROUP_IDS, Assessment
from bot.result.chart import render_radar_png

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart")
        return _executor


async def radar_png(assessment: Assessment, scores: Mapping[str, int]) -> bytes:
    """The PNG radar chart, drawn in the worker thread; the loop stays free."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(), render_radar_png, assessment, dict(scores))


def _draw_once(assessment: Assessment, modules: tuple[str, ...]) -> None:
    started = time.perf_counter()
    try:
        for module in modules:
            importlib.import_module(module)
        render_radar_png(assessment, dict.fromkeys(GROUP_IDS, 50))
    except Exception:
        logger.exception("warming up the chart renderer failed; the first chart will be slower")
        return
    logger.info("chart renderer ready (%.1f s)", time.perf_counter() - started)


def warm_up(assessment: Assessment, *modules: str) -> Future[None]:
    """Load matplotlib (and ``modules``) and draw one chart in the worker, so that the
    first result costs the event loop nothing."""
    return _pool().submit(_draw_once, assessment, modules)


def shutdown() -> None:
    """Stop the worker (at server stop); a later chart starts a new one."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)
