"""`make cluster-test`: 100 people do the check through nginx while replicas die.

A fresh cluster in a temporary folder (never the developer's var/cluster), on free
ports. Stage 1: ``users`` people at once, each doing checks one after the other;
meanwhile Rasa replica 1 and action server 1 are killed (SIGKILL) and started again.
Stage 2: a few people halfway through the check while PostgreSQL restarts
(``pg_ctl restart -m fast``). Stage 3: a reply lost after the bot handled the turn,
the rare case a SIGKILL between saving and answering makes; the person sends the
message again with the same id. Then PostgreSQL must hold every completed check once,
equal to what the person was shown; no conversation may have lost its place; no
person may have seen an HTTP error (only the Dutch "probeer het opnieuw").
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import random
import shutil
import signal
import socket
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from bot.check.assessment import load_assessment
from scripts.bench.load import ConversationError, LevelResult, Recorder, summarize
from scripts.bench.storage_check import StorageCheck
from scripts.cluster.cluster import Cluster
from scripts.cluster.config import Layout, Ports, database_url, front_url
from scripts.cluster.people import Person, Tally
from scripts.cluster.postgres import password
from scripts.cluster.report import Outcome, render
from scripts.cluster.verify import (
    read_lines,
    replica_share,
    stored_results,
    table_counts,
)

#: Stage 1: kill Rasa replica 1 after this many messages, action server 1 after twice
#: as many, and end once replica 1 is back and AFTER_RESTART_MESSAGES more were answered.
KILL_AFTER_MESSAGES = 400
AFTER_RESTART_MESSAGES = 600
#: Every TYPED_EVERY-th person types the answers (the NLU path) instead of tapping.
TYPED_EVERY = 4
#: Stage 2: people in the middle of a check while PostgreSQL restarts.
PG_PEOPLE = 10
PG_PAUSE_AFTER_ANSWERS = 10
#: Stage 3: people whose reply to one answer is lost after the bot handled it.
LOST_REPLY_PEOPLE = 10
LOST_REPLY_AT = 5
POLL_SECONDS = 0.2
STAGE_TIMEOUT_SECONDS = 1800

_clock = {"started": 0.0}  # set when the test starts, not at import


def progress(message: str) -> None:
    elapsed = int(time.monotonic() - (_clock["started"] or time.monotonic()))
    print(f"[cluster-test {elapsed // 60:02d}:{elapsed % 60:02d}] {message}", flush=True)


@dataclass
class StageOne:
    level: LevelResult
    tally: Tally
    events: list[tuple[float, str]] = field(default_factory=list)
    restart_seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class StageTwo:
    tally: Tally
    people: int
    completed: int
    restart_seconds: float
    sent_while_down: bool
    answered: int = PG_PAUSE_AFTER_ANSWERS  # questions answered before the restart


class Timeline:
    """What happened when, in seconds since the stage started."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.events: list[tuple[float, str]] = []

    def note(self, text: str) -> None:
        self.events.append((time.monotonic() - self.started, text))
        progress(text)


def _sent(recorder: Recorder) -> int:
    return sum(recorder.statuses.values())


async def _until(
    condition: Callable[[], bool],
    timeout: float = STAGE_TIMEOUT_SECONDS,
    poll: float = POLL_SECONDS,
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the cluster test waited too long")
        await asyncio.sleep(poll)


async def stage_one(
    cluster: Cluster, users: int, run_id: str, shown: dict[str, dict[str, Any]]
) -> StageOne:
    """``users`` people doing checks while Rasa 1 and action server 1 die and come back."""
    assessment = load_assessment()
    recorder, tally, timeline = Recorder(), Tally(), Timeline()
    stop_new_checks = asyncio.Event()
    restart_seconds: dict[str, float] = {}
    completed = 0
    tally.stage = "before the kill"

    async def person(index: int) -> None:
        nonlocal completed
        async with Person(front_url(cluster.ports), recorder, tally, assessment) as someone:
            number = 0
            while True:
                sender = f"cluster-{run_id}-{index}-{number}"
                number += 1
                rng = random.Random(sender)  # noqa: S311 (test data)
                try:
                    shown[sender] = await someone.check(sender, rng, typed=index % TYPED_EVERY == 3)
                except ConversationError as exc:
                    tally.gave_up[sender] = str(exc)[:300]
                    return
                completed += 1
                if stop_new_checks.is_set():
                    return

    async def chaos() -> None:
        await _until(lambda: _sent(recorder) >= KILL_AFTER_MESSAGES)
        await asyncio.to_thread(cluster.kill, "rasa-1")
        tally.stage = "rasa-1 down"
        timeline.note(f"SIGKILL rasa-1 after {_sent(recorder)} messages; starting it again")
        rasa_back = asyncio.create_task(asyncio.to_thread(cluster.restart, "rasa-1"))
        await _until(lambda: _sent(recorder) >= 2 * KILL_AFTER_MESSAGES)
        await asyncio.to_thread(cluster.kill, "actions-1")
        timeline.note(f"SIGKILL actions-1 after {_sent(recorder)} messages; starting it again")
        restart_seconds["actions-1"] = await asyncio.to_thread(cluster.restart, "actions-1")
        timeline.note(f"actions-1 ready again after {restart_seconds['actions-1']:.0f} s")
        restart_seconds["rasa-1"] = await rasa_back
        tally.stage = "after rasa-1 is back"
        timeline.note(f"rasa-1 ready again after {restart_seconds['rasa-1']:.0f} s")
        target = _sent(recorder) + AFTER_RESTART_MESSAGES
        await _until(lambda: _sent(recorder) >= target)
        timeline.note("no new checks from now on; people finish the check they are in")
        stop_new_checks.set()

    timeline.note(f"{users} people start the check through nginx")
    started = time.monotonic()
    chaos_task = asyncio.create_task(chaos())
    people = asyncio.ensure_future(asyncio.gather(*(person(i) for i in range(users))))
    await asyncio.wait({chaos_task, people}, return_when=asyncio.FIRST_COMPLETED)
    if chaos_task.done():
        chaos_task.result()  # a failing chaos step fails the test
        await people
    else:  # everybody gave up before the chaos was over: the verdict shows why
        chaos_task.cancel()
        people.result()
        timeline.note("every person stopped before the kills and restarts were done")
    seconds = time.monotonic() - started
    level = summarize("cluster", users, recorder, completed, seconds)
    return StageOne(level, tally, timeline.events, restart_seconds)


def _postgres_down(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return False
    except OSError:
        return True


async def stage_two(cluster: Cluster, run_id: str, shown: dict[str, dict[str, Any]]) -> StageTwo:
    """People halfway through the check while PostgreSQL restarts; they go on after."""
    assessment = load_assessment()
    recorder, tally = Recorder(), Tally()
    tally.stage = "postgresql restart"
    gate = asyncio.Event()
    paused = [asyncio.Event() for _ in range(PG_PEOPLE)]
    completed = 0

    async def person(index: int) -> None:
        nonlocal completed
        sender = f"cluster-{run_id}-pg-{index}"
        async with Person(front_url(cluster.ports), recorder, tally, assessment) as someone:
            try:
                shown[sender] = await someone.check(
                    sender, random.Random(sender), pause_after=PG_PAUSE_AFTER_ANSWERS,  # noqa: S311
                    gate=gate, paused=paused[index],
                )  # fmt: skip
            except ConversationError as exc:
                tally.gave_up[sender] = str(exc)[:300]
                paused[index].set()
                return
            completed += 1

    people = asyncio.ensure_future(asyncio.gather(*(person(i) for i in range(PG_PEOPLE))))
    all_paused = asyncio.ensure_future(asyncio.gather(*(p.wait() for p in paused)))
    await asyncio.wait({all_paused, people}, timeout=STAGE_TIMEOUT_SECONDS,
                       return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
    if people.done():
        people.result()  # a person failed in an unexpected way: fail the test
    if not all_paused.done():
        raise TimeoutError("the people of stage 2 did not reach the restart")
    progress(
        f"{PG_PEOPLE} people answered {PG_PAUSE_AFTER_ANSWERS} questions: restarting PostgreSQL"
    )
    started = time.monotonic()
    restart = asyncio.create_task(asyncio.to_thread(cluster.restart_postgres))
    # Their next answers arrive while PostgreSQL is down (or its old connections are dead).
    await _until(lambda: restart.done() or _postgres_down(cluster.ports.postgres), 30, 0.01)
    sent_while_down = not restart.done()
    gate.set()
    await restart
    restart_seconds = time.monotonic() - started
    await people
    progress(
        f"PostgreSQL back after {restart_seconds:.1f} s; {tally.retries} retry text(s), "
        f"{completed} of {PG_PEOPLE} checks completed"
    )
    return StageTwo(
        tally, PG_PEOPLE, completed, restart_seconds, sent_while_down, PG_PAUSE_AFTER_ANSWERS
    )


@dataclass
class StageThree:
    tally: Tally
    typed: int
    tapped: int
    completed: int
    at: int  # the turn whose reply is lost (0: the first question after consent)


async def stage_three(
    cluster: Cluster, run_id: str, shown: dict[str, dict[str, Any]]
) -> StageThree:
    """The SIGKILL window on purpose: the bot saved the turn, the reply never arrived."""
    assessment = load_assessment()
    recorder, tally = Recorder(), Tally()
    tally.stage = "lost reply"
    completed = 0

    async def person(index: int) -> None:
        nonlocal completed
        sender = f"cluster-{run_id}-lost-{index}"
        async with Person(front_url(cluster.ports), recorder, tally, assessment) as someone:
            try:
                shown[sender] = await someone.check(
                    sender, random.Random(sender), typed=index % 2 == 1,  # noqa: S311
                    lose_reply_at=LOST_REPLY_AT,
                )  # fmt: skip
            except ConversationError as exc:
                tally.gave_up[sender] = str(exc)[:300]
                return
            completed += 1

    await asyncio.gather(*(person(i) for i in range(LOST_REPLY_PEOPLE)))
    typed = LOST_REPLY_PEOPLE // 2
    progress(
        f"lost replies: {tally.stale_buttons} re-sent button(s) refused as stale, "
        f"{tally.lost_conversations()} conversation(s) lost their place"
    )
    return StageThree(tally, typed, LOST_REPLY_PEOPLE - typed, completed, LOST_REPLY_AT)


def verify(cluster: Cluster, shown: dict[str, dict[str, Any]]) -> tuple[StorageCheck, dict]:
    url = database_url(cluster.ports, password(cluster.layout), "kc_results")
    key = cluster.layout.identity_key.read_text(encoding="ascii").strip().encode("ascii")
    return stored_results(url, key, shown), table_counts(url)


class Interrupted(Exception):
    """Ctrl-C or SIGTERM during the test."""


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise Interrupted


def _run(coroutine: Awaitable[Any]) -> Any:
    return asyncio.run(coroutine)  # type: ignore[arg-type]


def _keep_only_logs(layout: Layout) -> None:
    """After a pass: the logs and the report stay, the data, key and passwords go."""
    for path in layout.root.iterdir():
        if path == layout.logs:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def main(users: int = 100, keep: bool = False) -> int:
    _clock["started"] = time.monotonic()
    os.umask(0o077)
    work = Path(tempfile.mkdtemp(prefix="kc-cluster-test-"))
    layout = Layout(work / "var" / "cluster")
    report_dir = work / "var" / "cluster-test"
    report_dir.mkdir(parents=True)
    run_id = uuid.uuid4().hex[:8]
    cluster = Cluster(layout, Ports.free(), say=progress, expose_upstream=True)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` shows where a stuck test waits
    shown: dict[str, dict[str, Any]] = {}
    outcome = Outcome(users=users, work=work)
    try:
        progress(f"starting a fresh cluster in {work} (ports {cluster.ports.all()})")
        cluster.start()
        outcome.start_seconds = dict(cluster.ready_seconds)
        progress("cluster ready")
        outcome.stage_one = _run(stage_one(cluster, users, run_id, shown))
        outcome.stage_two = _run(stage_two(cluster, run_id, shown))
        outcome.stage_three = _run(stage_three(cluster, run_id, shown))
        outcome.dead = cluster.dead()
        outcome.storage, outcome.counts = verify(cluster, shown)
        outcome.shown = len(shown)
        outcome.share = replica_share(read_lines(layout.log("nginx-access")))
        outcome.rasa_ports = [f"127.0.0.1:{p}" for p in cluster.ports.rasa]
    except Interrupted:
        outcome.crash = "interrupted"
    except Exception as exc:  # reported below; the cluster is stopped in any case
        outcome.crash = f"{type(exc).__name__}: {exc}"[:2000]
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        progress("stopping the cluster")
        cluster.stop()
    text = render(outcome)
    report = report_dir / "report.md"
    report.write_text(text, encoding="utf-8")
    print(text)
    if outcome.passed and not keep:
        _keep_only_logs(layout)
    print(f"Report: {report}\nLogs:   {layout.logs}/")
    return 0 if outcome.passed else 1
