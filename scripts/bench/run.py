"""Run every measurement of ``make bench`` in one go and write docs/benchmarks.md.

Order: machine, answer parser, training (ours, stock ``rasa init``, Rasa's default NLU
pipeline on our data), held-out NLU tests, the stock bot's server and load levels, our
bot's server, load levels, the 100-user load test with its storage check, a profile
of one turn of each bot, and the cluster profile's load levels through nginx. Exit
status 1 when the load test fails its checks or the cluster phase fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.bench import load, nlu_compare, parser_accuracy, report, storage_check, training
from scripts.bench.cluster_profile import ClusterRun, run_cluster
from scripts.bench.common import PYTHON, ROOT, base_env, progress
from scripts.bench.machine import describe
from scripts.bench.servers import Deployment, start_ours, start_stock

REPORT = ROOT / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Settings:
    """How much load each phase puts on the bots."""

    levels: tuple[int, ...]
    ours_messages_per_user: dict[int, int]  # our check is 27 messages
    stock_messages_per_user: dict[int, int]  # a moodbot conversation is 3-4 messages
    ours_warmup_checks: int
    stock_warmup_conversations: int
    load_test_users: int
    profile_conversations: int


FULL = Settings(
    levels=(1, 20, 50),
    ours_messages_per_user={1: 81, 20: 27, 50: 27},
    stock_messages_per_user={1: 200, 20: 40, 50: 40},
    ours_warmup_checks=2,
    stock_warmup_conversations=10,
    load_test_users=100,
    profile_conversations=2,
)
QUICK = Settings(
    levels=(1, 4),
    ours_messages_per_user={1: 27, 4: 27},
    stock_messages_per_user={1: 40, 4: 20},
    ours_warmup_checks=1,
    stock_warmup_conversations=3,
    load_test_users=8,
    profile_conversations=1,
)


@dataclass
class BotRun:
    """What one bot's server phase measured."""

    start_seconds: dict[str, float] = field(default_factory=dict)
    rss_mib: dict[str, float] = field(default_factory=dict)
    peak_mib: dict[str, float] = field(default_factory=dict)
    levels: list[load.LevelResult] = field(default_factory=list)
    typed: load.LevelResult | None = None  # ours only: 1 user typing every answer
    profile: dict[str, Any] | None = None


def _loadavg(phases: dict[str, tuple[float, float, float]], phase: str) -> None:
    phases[phase] = os.getloadavg()


def _levels(
    deployment: Deployment, bot: str, settings: Settings, run_id: str
) -> list[load.LevelResult]:
    conversation = load.our_check if bot == "ours" else load.stock_conversation
    per_user = (
        settings.ours_messages_per_user if bot == "ours" else settings.stock_messages_per_user
    )
    results = []
    for users in settings.levels:
        progress(f"{bot}: {users} concurrent user(s), {per_user[users]}+ messages each ...")
        level = asyncio.run(
            load.run_level(deployment.rasa_url, bot, conversation, users, per_user[users], run_id)
        )
        progress(
            f"  p50 {level.p50_ms:.0f} ms, p95 {level.p95_ms:.0f} ms, "
            f"{level.throughput:.1f} msg/s, {len(level.errors)} error(s)"
        )
        results.append(level)
    return results


def _warm_up(deployment: Deployment, bot: str, count: int, run_id: str) -> None:
    """Unmeasured conversations so every code path is loaded before measuring."""
    conversation = load.our_check if bot == "ours" else load.stock_conversation
    level = asyncio.run(load.run_level(deployment.rasa_url, f"{bot}-warmup", conversation, 1,
                                       count * (27 if bot == "ours" else 3), run_id))  # fmt: skip
    if level.errors:
        raise RuntimeError(f"{bot} warm-up failed: {level.errors[:3]}")


def _profile(bot: str, model: Path, endpoints: Path | None, work: Path, count: int) -> dict:
    progress(f"{bot}: profiling one turn (Rasa's agent in a subprocess) ...")
    out = work / f"profile-{bot}.json"
    command = [PYTHON, "-m", "scripts.bench.profile_turn", "--model", str(model), "--bot", bot,
               "--conversations", str(count), "--out", str(out)]  # fmt: skip
    if endpoints is not None:
        command += ["--endpoints", str(endpoints)]
    log = work / "logs" / f"profile-{bot}.log"
    with log.open("w", encoding="utf-8") as handle:
        subprocess.run(command, cwd=ROOT, env=base_env(PYTHONPATH=str(ROOT)), stdout=handle,
                       stderr=subprocess.STDOUT, timeout=1200, check=True)  # fmt: skip
    result = json.loads(out.read_text(encoding="utf-8"))
    progress(f"  {result['total_ms_per_turn']:.0f} ms per turn in process")
    return result


def run_stock(model: Path, project: Path, work: Path, settings: Settings, run_id: str) -> BotRun:
    progress("stock: starting rasa run ...")
    deployment = start_stock(model, project, work)
    measured = BotRun()
    try:
        deployment.first_reply(f"bench-{run_id}-stock-first", "hi")
        measured.start_seconds = dict(deployment.ready_seconds)
        progress(f"  answering after {measured.start_seconds['first reply']:.1f} s")
        _warm_up(deployment, "stock", settings.stock_warmup_conversations, run_id)
        measured.rss_mib = deployment.memory()
        measured.levels = _levels(deployment, "stock", settings, run_id)
        measured.peak_mib = deployment.memory("VmHWM")
    finally:
        deployment.stop()
    return measured


@dataclass
class LoadTest:
    run: load.CheckRun
    storage: storage_check.StorageCheck

    @property
    def passed(self) -> bool:
        level = self.run.level
        no_errors = not level.errors and set(level.statuses) == {200}
        return no_errors and not self.run.failed and self.storage.passed


def run_ours(
    model: Path, work: Path, settings: Settings, run_id: str, stock: BotRun
) -> tuple[BotRun, LoadTest]:
    progress("ours: starting the action server and rasa run ...")
    deployment = start_ours(model, work)
    measured = BotRun()
    try:
        deployment.first_reply(f"bench-{run_id}-ours-first", "hoi")
        measured.start_seconds = dict(deployment.ready_seconds)
        progress(f"  answering after {measured.start_seconds['first reply']:.1f} s")
        _warm_up(deployment, "ours", settings.ours_warmup_checks, run_id)
        measured.rss_mib = deployment.memory()
        measured.levels = _levels(deployment, "ours", settings, run_id)
        progress("ours: 1 user typing every answer (NLU and answer parser on each turn) ...")
        measured.typed = asyncio.run(
            load.run_level(deployment.rasa_url, "ours-typed", load.our_typed_check, 1,
                           settings.ours_messages_per_user[1], run_id)
        )  # fmt: skip
        progress(
            f"  p50 {measured.typed.p50_ms:.0f} ms, p95 {measured.typed.p95_ms:.0f} ms, "
            f"{len(measured.typed.errors)} error(s)"
        )

        users = settings.load_test_users
        progress(f"load test: {users} users complete the check at the same time ...")
        offsets = {role: len(deployment.log_text(role)) for role in deployment.processes}
        check_run = asyncio.run(load.run_checks(deployment.rasa_url, users, run_id))
        progress(
            f"  {len(check_run.results)}/{users} completed in {check_run.level.seconds:.0f} s, "
            f"p95 {check_run.level.p95_ms:.0f} ms"
        )
        assert deployment.var_dir is not None
        storage = storage_check.verify(deployment.var_dir, deployment.env, check_run.results, users)
        for role, offset in offsets.items():
            storage.log_errors += [
                f"{role}: {line}"
                for line in storage_check.log_errors(deployment.log_text(role)[offset:])
            ]
        load_test = LoadTest(check_run, storage)
        progress(f"  storage check: {'PASS' if load_test.passed else 'FAIL'}")
        measured.peak_mib = deployment.memory("VmHWM")

        measured.profile = _profile(
            "ours", model, deployment.profile_endpoints(), work,
            settings.profile_conversations,
        )  # fmt: skip
    finally:
        deployment.stop()
    return measured, load_test


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="light load, for development")
    parser.add_argument("--work-dir", type=Path, help="keep models and logs here")
    parser.add_argument(
        "--reuse-models",
        action="store_true",
        help="reuse models trained earlier in --work-dir (no training times)",
    )
    parser.add_argument("--out", type=Path, default=REPORT, help="the Markdown report")
    args = parser.parse_args(argv)  # fmt: skip
    started = time.monotonic()
    settings = QUICK if args.quick else FULL
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="kc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    run_id = uuid.uuid4().hex[:8]
    loads: dict[str, tuple[float, float, float]] = {}
    progress(f"work folder {work}, run id {run_id}, {'quick' if args.quick else 'full'} mode")

    _loadavg(loads, "start")
    machine = describe()
    parser_result = parser_accuracy.measure()
    progress(f"answer parser: {parser_result.correct}/{parser_result.total} right")

    _loadavg(loads, "training")
    ours_model = training.train_ours(work, args.reuse_models)
    stock_model, stock_project = training.init_stock(work, args.reuse_models)
    default_model = training.train_default_pipeline(work, args.reuse_models)

    _loadavg(loads, "NLU tests")
    nlu = [
        nlu_compare.evaluate("ours", nlu_compare.pipeline_names(ROOT / "config.yml"),
                             ours_model.path, work / "nlu-ours"),
        nlu_compare.evaluate("Rasa default", nlu_compare.default_pipeline_names(),
                             default_model.path, work / "nlu-default"),
    ]  # fmt: skip

    _loadavg(loads, "stock bot")
    stock = run_stock(stock_model.path, stock_project, work, settings, run_id)
    _loadavg(loads, "our bot")
    ours, load_test = run_ours(ours_model.path, work, settings, run_id, stock)
    stock.profile = _profile("stock", stock_model.path, None, work,
                             settings.profile_conversations)  # fmt: skip
    _loadavg(loads, "cluster")
    cluster: ClusterRun | None = None
    cluster_error = None
    try:
        cluster = run_cluster(work, settings, run_id)
    except Exception as error:  # reported, and the run fails: the cluster is part of the product
        cluster_error = (
            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        )
        progress(f"cluster phase FAILED: {cluster_error}")
    _loadavg(loads, "end")

    earlier = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    text = report.render(
        report.Inputs(
            machine=machine, quick=args.quick, seconds=time.monotonic() - started,
            parser=parser_result, nlu=nlu, models={"ours": ours_model, "stock": stock_model,
            "default": default_model}, ours=ours, stock=stock, load_test=load_test,
            load_average=loads, cluster=cluster, cluster_error=cluster_error,
        ),
        history=report.history_of(earlier),
    )  # fmt: skip
    args.out.write_text(text, encoding="utf-8")
    progress(f"wrote {args.out}")
    if args.work_dir is None:
        shutil.rmtree(work, ignore_errors=True)
    if not load_test.passed:
        progress("load test FAILED its checks")
        return 1
    if cluster is None or any(level.errors for level in cluster.levels):
        progress("cluster phase FAILED (see section 6 of the report)")
        return 1
    progress(f"done in {(time.monotonic() - started) / 60:.1f} min")
    return 0
