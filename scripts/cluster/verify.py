"""After the cluster test: what PostgreSQL stored, and which replica nginx sent each
message to.

The stored result must equal the ``assessment_result`` the person was shown
(scores, overall, routes, one answer per question), once per completed check,
as scripts/bench/storage_check.py checks for the embedded SQLite profile.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.check.assessment import load_assessment
from bot.privacy.pseudonyms import pseudonym
from scripts.bench.storage_check import StorageCheck

CONNECT_TIMEOUT_SECONDS = 10
REST_WEBHOOK = "/webhooks/rest/webhook"
#: kc_pool lines: time method uri status request_time "upstream_addr" "upstream_status"
ACCESS_LINE = re.compile(r'^\S+ (\S+) (\S+) (\d{3}) \S+ "([^"]*)" "([^"]*)"$')


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def stored_results(database_url: str, key: bytes, shown: dict[str, dict[str, Any]]) -> StorageCheck:
    """Compare PostgreSQL's kc_results with what each person was shown."""
    import psycopg2  # Rasa's dependency; imported here so nothing connects at import

    check = StorageCheck(users=len(shown))
    question_count = len(load_assessment().questions)
    connection = psycopg2.connect(database_url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        with connection.cursor() as cursor:
            for sender, result in sorted(shown.items()):
                cursor.execute(
                    "SELECT id, completed_at, scores, overall, routes FROM assessments "
                    "WHERE person = %s",
                    (pseudonym(sender, key),),
                )
                rows = cursor.fetchall()
                if len(rows) != 1:
                    check.problems.append(f"{sender}: {len(rows)} assessment rows")
                    continue
                check.stored_once += 1
                assessment_id, completed_at, scores, overall, routes = rows[0]
                if completed_at is None:
                    check.problems.append(f"{sender}: stored but not completed")
                    continue
                check.completed += 1
                cursor.execute(
                    "SELECT COUNT(*) FROM answers WHERE assessment_id = %s", (assessment_id,)
                )
                answers = cursor.fetchone()[0]
                same = (
                    _json(scores) == result["scores"]
                    and overall == result["overall"]
                    and _json(routes) == result["routes"]
                    and answers == question_count
                )
                if same:
                    check.matching += 1
                else:
                    check.problems.append(f"{sender}: stored result differs ({answers} answers)")
    finally:
        connection.close()
    return check


def table_counts(database_url: str) -> dict[str, int]:
    """Rows in assessments (all, completed) and answers: nothing stored twice or half."""
    import psycopg2

    connection = psycopg2.connect(database_url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*), COUNT(completed_at), COUNT(DISTINCT person) FROM assessments"
            )
            total, completed, people = cursor.fetchone()
            cursor.execute("SELECT COUNT(*) FROM answers")
            answers = cursor.fetchone()[0]
    finally:
        connection.close()
    return {"assessments": total, "completed": completed, "people": people, "answers": answers}


@dataclass
class ReplicaShare:
    """REST chat messages per Rasa replica, from nginx's access log."""

    served: Counter[str] = field(default_factory=Counter)  # upstream that answered 200
    failed_tries: Counter[str] = field(default_factory=Counter)  # upstream tried, no answer
    retry_replies: int = 0  # answered by nginx's retry JSON
    messages: int = 0

    def share(self, upstream: str) -> float:
        total = sum(self.served.values())
        return self.served[upstream] / total if total else 0.0


def replica_share(lines: Iterable[str]) -> ReplicaShare:
    """Parse the kc_pool access log lines of POST /webhooks/rest/webhook."""
    share = ReplicaShare()
    for line in lines:
        match = ACCESS_LINE.match(line.strip())
        if not match or match.group(1) != "POST" or match.group(2) != REST_WEBHOOK:
            continue
        share.messages += 1
        addresses = [a.strip() for a in match.group(4).split(",")]
        statuses = [s.strip() for s in match.group(5).split(",")]
        for address, status in zip(addresses, statuses, strict=False):
            if status == "200" and address == addresses[-1]:
                share.served[address] += 1
            elif address and address != "-":
                share.failed_tries[address] += 1
        if statuses[-1] != "200":
            share.retry_replies += 1
    return share


def read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []


def merged_stages(
    stage_upstreams: dict[str, dict[str, Counter[str]]],
    stages: Iterable[str],
    min_messages: int,
) -> dict[str, Counter[str]]:
    """Per conversation, the replicas that answered it in ``stages`` only.

    Why: whether round-robin spreads a conversation can only be judged on the
    messages sent while every replica was up, and on enough of them (with three
    messages, one replica in four takes them all by chance). Conversations with
    fewer than ``min_messages`` such messages are left out.
    """
    merged: dict[str, Counter[str]] = {}
    for stage in stages:
        for conversation, counter in stage_upstreams.get(stage, {}).items():
            merged.setdefault(conversation, Counter()).update(counter)
    return {c: n for c, n in merged.items() if sum(n.values()) >= min_messages}


def spread(upstreams: dict[str, Counter[str]]) -> tuple[int, int, float]:
    """(conversations on every replica, conversations, mean share of the busier replica)."""
    if not upstreams:
        return 0, 0, 0.0
    replicas = set().union(*(set(c) for c in upstreams.values()))
    both = sum(1 for c in upstreams.values() if set(c) >= replicas and len(replicas) > 1)
    busier = [max(c.values()) / sum(c.values()) for c in upstreams.values() if c]
    return both, len(upstreams), sum(busier) / len(busier)
