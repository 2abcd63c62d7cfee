"""`make cluster`: start everything, say where to chat, stop it all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import time
from types import FrameType

from scripts.cluster.cluster import Cluster
from scripts.cluster.config import ROOT, Layout, Ports, front_url
from scripts.cluster.install import InstallError
from scripts.cluster.postgres import PostgresError
from scripts.cluster.services import ServiceError

WATCH_SECONDS = 2.0


class Stop(Exception):
    """SIGINT or SIGTERM arrived."""


def _raise_stop(_signum: int, _frame: FrameType | None) -> None:
    raise Stop


def adviser_command(cluster: Cluster) -> str:
    """`bot adviser add` against the cluster's database (the password stays in its file)."""
    root = cluster.layout.root
    if root.is_relative_to(ROOT):
        root = root.relative_to(ROOT)
    url = f"postgresql://kc:$(cat {root}/pg.password)@127.0.0.1:{cluster.ports.postgres}/kc_results"
    return (
        f'      KC_DATABASE_URL="{url}" \\\n'
        f"      KC_IDENTITY_KEY_FILE={root}/identity.key KC_VAR_DIR={root} \\\n"
        f"      .venv/bin/python -m bot adviser add NAME"
    )


def banner(cluster: Cluster) -> str:
    ports, front = cluster.ports, front_url(cluster.ports)
    rasa = ", ".join(str(p) for p in ports.rasa)
    actions = ", ".join(str(p) for p in ports.actions)
    web = ", ".join(str(p) for p in ports.web)
    return f"""
Klantcontact-check is running as a cluster behind nginx ({front}).
  Web page with the chat widget:  {front}/
  Adviser dashboard:              {front}/adviseur
    An adviser account:
{adviser_command(cluster)}
  Chat over REST:
    curl -s -X POST {front}/webhooks/rest/webhook \\
         -H 'Content-Type: application/json' -d '{{"sender": "test", "message": "hoi"}}'
  Behind it: Rasa replicas on {rasa}, action servers on {actions} (pool {ports.action_pool}),
  web apps on {web}, PostgreSQL on {ports.postgres}, Redis on {ports.redis}.
  Logs: {cluster.layout.logs}/
Press Ctrl-C to stop all of it.
"""


def main() -> int:
    os.umask(0o077)  # databases, the key and the logs are for the owner only
    try:
        ports = Ports.from_env(os.environ)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    layout = Layout(ROOT / "var" / "cluster")
    cluster = Cluster(layout, ports)
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        cluster.start()
        print(banner(cluster), flush=True)
        while True:
            dead = cluster.dead()
            if dead:
                names = ", ".join(dead)
                print(f"Stopped unexpectedly: {names}; see {layout.logs}/", file=sys.stderr)
                return 1
            time.sleep(WATCH_SECONDS)
    except Stop:
        print("\nStopping...", flush=True)
        return 0
    except (InstallError, PostgresError, ServiceError) as exc:
        print(f"make cluster failed: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut stopping short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.stop()
        print("Stopped.", flush=True)
