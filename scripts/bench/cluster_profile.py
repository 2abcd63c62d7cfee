"""The cluster profile in `make bench`: the same check, through nginx, on this machine.

`make cluster` on free ports in the bench's work folder (PostgreSQL, Redis, nginx,
two Rasa replicas, two action servers, two web apps), then the load levels of our
bot's phase, sent to nginx. On 2 cores this shows what the cluster costs, not what it
gains: both replicas, the databases and the load generator share the same cores.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from scripts.bench import load
from scripts.bench.common import progress
from scripts.bench.servers import memory_mib
from scripts.cluster.cluster import Cluster
from scripts.cluster.config import Layout, Ports, front_url

#: Unmeasured checks before measuring, as for the embedded bot.
WARMUP_CHECKS = 2


class LoadSettings(Protocol):
    levels: tuple[int, ...]
    ours_messages_per_user: dict[int, int]


@dataclass
class ClusterRun:
    """What the cluster phase measured."""

    start_seconds: float = 0.0
    rss_mib: dict[str, float] = field(default_factory=dict)
    levels: list[load.LevelResult] = field(default_factory=list)


def _memory(cluster: Cluster) -> dict[str, float]:
    """Resident memory by kind of process (both replicas of a kind added up)."""
    by_kind: dict[str, float] = {}
    for name, service in cluster.services.items():
        if service.process is not None and service.alive():
            kind = name.split("-")[0]
            by_kind[kind] = by_kind.get(kind, 0.0) + memory_mib(service.process.pid)
    postmaster = cluster.layout.pg_data / "postmaster.pid"
    if postmaster.exists():
        pid = int(postmaster.read_text(encoding="utf-8").splitlines()[0])
        by_kind["postgres"] = memory_mib(pid)
    return by_kind


def run_cluster(work: Path, settings: LoadSettings, run_id: str) -> ClusterRun:
    """Start the cluster, warm it up, measure the load levels, stop it."""
    progress("cluster: starting PostgreSQL, Redis, nginx and two replicas of each process ...")
    cluster = Cluster(
        Layout(work / "cluster"), Ports.free(), say=lambda line: progress(f"  {line}")
    )
    measured = ClusterRun()
    started = time.monotonic()
    try:
        cluster.start()
        measured.start_seconds = time.monotonic() - started
        front = front_url(cluster.ports)
        warmup = asyncio.run(
            load.run_level(front, "cluster-warmup", load.our_check, 1, WARMUP_CHECKS * 27, run_id)
        )
        if warmup.errors:
            raise RuntimeError(f"cluster warm-up failed: {warmup.errors[:3]}")
        measured.rss_mib = _memory(cluster)
        for users in settings.levels:
            per_user = settings.ours_messages_per_user[users]
            progress(f"cluster: {users} concurrent user(s), {per_user}+ messages each ...")
            level = asyncio.run(
                load.run_level(front, "cluster", load.our_check, users, per_user, run_id)
            )
            progress(
                f"  p50 {level.p50_ms:.0f} ms, p95 {level.p95_ms:.0f} ms, "
                f"{level.throughput:.1f} msg/s, {len(level.errors)} error(s)"
            )
            measured.levels.append(level)
    finally:
        cluster.stop()
    return measured
