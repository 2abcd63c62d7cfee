"""``python -m scripts.cluster up`` (make cluster) or ``test`` (make cluster-test)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.cluster")
    parser.add_argument(
        "command", choices=("up", "test"), help="up: make cluster; test: make cluster-test"
    )
    parser.add_argument("--users", type=int, default=100, help="test: virtual users at once")
    parser.add_argument("--keep", action="store_true", help="test: keep the temporary folder")
    args = parser.parse_args(argv)
    if args.command == "up":
        from scripts.cluster.up import main as up

        return up()
    from scripts.cluster.loadtest import main as test

    return test(users=args.users, keep=args.keep)


sys.exit(main())
