"""The cluster test's verdict and its short Markdown report.

Every check is a line with PASS or FAIL and the numbers behind it, so a failure
says what was lost and where; measurements that are not pass/fail (latency,
where the kill window was hit) are reported beside them, not hidden.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.bench.storage_check import StorageCheck
from scripts.cluster.config import LOCK_LIFETIME_SECONDS
from scripts.cluster.verify import ReplicaShare, merged_stages, spread

if TYPE_CHECKING:
    from scripts.cluster.loadtest import StageOne, StageThree, StageTwo

#: Each replica must have answered at least this share of the chat messages sent while
#: both were up (round-robin gives each about half),
#: and this share of conversations must have reached every replica.
MIN_REPLICA_SHARE = 0.3
MIN_SPREAD_CONVERSATIONS = 0.9
#: The stages of stage 1 with both Rasa replicas up, and the fewest messages a
#: conversation must have sent in them to be judged on its spread (2 in 64 fall on
#: one replica by chance with six).
BOTH_UP_STAGES = ("before the kill", "after rasa-1 is back")
MIN_SPREAD_MESSAGES = 6


@dataclass
class Outcome:
    users: int
    work: Path
    crash: str = ""
    start_seconds: dict[str, float] = field(default_factory=dict)
    stage_one: StageOne | None = None
    stage_two: StageTwo | None = None
    stage_three: StageThree | None = None
    storage: StorageCheck | None = None
    counts: dict[str, int] = field(default_factory=dict)
    shown: int = 0
    share: ReplicaShare | None = None
    rasa_ports: list[str] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)

    def checks(self) -> list[tuple[bool, str]]:
        """(passed, what) for every acceptance check of issue 18."""
        if self.crash or not (self.stage_one and self.stage_two and self.storage and self.share):
            return [(False, f"the test did not run to the end: {self.crash or 'unknown'}")]
        one, two, storage, share = self.stage_one, self.stage_two, self.storage, self.share
        tallies = (one.tally, two.tally)
        gave_up = sum(len(t.gave_up) for t in tallies)
        http_errors = sum(len(t.http_errors) for t in tallies)
        empty = sum(t.empty_replies for t in tallies)
        lost = sum(t.lost_conversations() for t in tallies)
        calm = merged_stages(one.tally.stage_upstreams, BOTH_UP_STAGES, MIN_SPREAD_MESSAGES)
        both, conversations, _busier = spread(calm)
        after = one.tally.by_stage.get("after rasa-1 is back", {})
        both_up: Counter[str] = Counter()
        for stage in BOTH_UP_STAGES:
            both_up.update(one.tally.by_stage.get(stage, {}))

        def up_share(replica: str) -> float:
            total = sum(both_up.values())
            return both_up[replica] / total if total else 0.0

        return [
            (gave_up == 0, f"every conversation reached its result ({gave_up} gave up)"),
            (
                storage.matching == self.shown and not storage.problems,
                f"every completed check stored exactly once in PostgreSQL and equal to what "
                f"the person was told: {storage.matching} of {self.shown}",
            ),
            (
                self.counts.get("assessments") == self.shown
                and self.counts.get("completed") == self.shown,
                f"no extra or half-stored checks: {self.counts}",
            ),
            (lost == 0, f"no conversation lost its place ({lost} did, see below)"),
            (http_errors == 0, f"no HTTP error seen by a person ({http_errors})"),
            (empty == 0, f"no empty reply (HTTP 200 without any message) ({empty})"),
            (
                all(up_share(p) >= MIN_REPLICA_SHARE for p in self.rasa_ports),
                "round-robin: while both were up, each Rasa replica answered its share: "
                + ", ".join(f"{p} {up_share(p):.0%}" for p in self.rasa_ports)
                + " (whole test, with rasa-1 down a while: "
                + ", ".join(f"{p} {share.share(p):.0%}" for p in self.rasa_ports)
                + ")",
            ),
            (
                conversations > 0 and both >= MIN_SPREAD_CONVERSATIONS * conversations,
                f"conversations spread over both replicas: {both} of {conversations} "
                f"(counting only messages sent while both were up, in conversations with "
                f"at least {MIN_SPREAD_MESSAGES} of them)",
            ),
            (
                bool(self.rasa_ports) and after.get(self.rasa_ports[0], 0) > 0,
                f"the restarted rasa-1 answered again ({after.get(self.rasa_ports[0], 0)} "
                "messages after it was back)",
            ),
            (
                two.completed == two.people
                and two.tally.lost_conversations() == 0
                and (two.tally.retries > 0 or not two.sent_while_down),
                f"PostgreSQL restart: people who wrote while it was down got the Dutch retry "
                f"text ({two.tally.retries} times) and {two.completed} of {two.people} went on "
                f"to the result at the right question ({two.tally.lost_conversations()} lost "
                "their place)",
            ),
            *self._stage_three_checks(),
            (
                not self.dead,
                f"every process still ran at the end ({', '.join(self.dead) or 'yes'})",
            ),
        ]

    def _stage_three_checks(self) -> list[tuple[bool, str]]:
        three = self.stage_three
        if three is None:
            return []
        people = three.typed + three.tapped
        lost = three.tally.lost_conversations()
        return [
            (
                three.completed == people and lost == 0,
                f"a reply lost after the bot handled the turn: the message sent again with "
                f"its id was answered, not handled twice; {three.completed} of {people} went "
                f"on to the result, {lost} lost their place",
            )
        ]

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.checks())


def lock_lifetime() -> int:
    """Rasa's conversation lock lifetime in seconds, as the replicas read it.

    ``cluster_env`` sets it for every replica; a value in this environment wins there too.
    """
    value = os.environ.get("TICKET_LOCK_LIFETIME", "")
    return int(value) if value.isdigit() and int(value) else LOCK_LIFETIME_SECONDS


def _stage_one_lines(one: StageOne, share: ReplicaShare | None) -> list[str]:
    level, tally = one.level, one.tally
    lines = [
        "## Stage 1: load with a replica and an action server killed",
        "",
        f"- {level.users} people at once, {level.conversations} checks completed, "
        f"{level.messages} messages answered in {level.seconds:.0f} s "
        f"({level.throughput:.1f} messages/s)",
        f"- latency p50 {level.p50_ms:.0f} ms, p95 {level.p95_ms:.0f} ms, "
        f"p99 {level.p99_ms:.0f} ms, max {level.max_ms:.0f} ms",
        f"- HTTP statuses seen by people: {dict(sorted(level.statuses.items()))}",
    ]
    for at, text in one.events:
        lines.append(f"- at {at:.0f} s: {text}")
    lines += [
        f"- Dutch retry texts: {tally.retries_nginx} from nginx (no replica answered), "
        f"{tally.retries_bot} from the bot; messages sent again: {tally.resent}",
        f"- empty replies: {tally.empty_replies}; HTTP errors: {len(tally.http_errors)}",
        f"- re-sent buttons that arrived after the first copy had been handled "
        f'("Die knop hoort bij een andere vraag", the SIGKILL window): {tally.stale_buttons}',
        f'- typed answers asked again ("Bedoel je ...?" or a hint): {tally.reasked}',
        f"- conversations that lost their place: {tally.lost_conversations()} "
        f"({len(tally.lost_place)} times)",
    ]
    if tally.resend_seconds:
        waits = sorted(tally.resend_seconds)
        lines.append(
            f"- a re-sent message was answered after {waits[len(waits) // 2]:.1f} s (median), "
            f"{waits[-1]:.1f} s at the longest (a replica killed while it held a "
            f"conversation's Redis lock leaves it locked until the lock's lifetime, "
            f"TICKET_LOCK_LIFETIME={lock_lifetime()} s, ends)"
        )
    both, conversations, busier = spread(tally.upstreams)
    lines.append(
        f"- {both} of {conversations} conversations had messages answered by both replicas "
        f"(the busier replica took {busier:.0%} of a conversation on average)"
    )
    for stage, counter in tally.by_stage.items():
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counter.items()))
        lines.append(f"- answered per replica, {stage}: {parts}")
    if share is not None:
        served = ", ".join(
            f"{k} {v} ({share.share(k):.0%})" for k, v in sorted(share.served.items())
        )
        failed = ", ".join(f"{k} {v}" for k, v in sorted(share.failed_tries.items())) or "none"
        lines.append(
            f"- nginx access log, all REST messages: served by {served}; "
            f"failed tries: {failed}; answered with the retry JSON: {share.retry_replies}"
        )
    for label, items in (("lost place", tally.lost_place), ("HTTP errors", tally.http_errors)):
        for item in items[:5]:
            lines.append(f"  - {label}: {item}")
    for sender, why in list(tally.gave_up.items())[:5]:
        lines.append(f"  - gave up: {sender}: {why}")
    return lines


def _stage_two_lines(two: StageTwo) -> list[str]:
    tally = two.tally
    lines = [
        "",
        "## Stage 2: PostgreSQL restart during the check",
        "",
        f"- {two.people} people had answered {two.answered} of the questions; "
        f"`pg_ctl restart -m fast` took "
        f"{two.restart_seconds:.1f} s; their next answers were sent "
        + ("while it was down" if two.sent_while_down else "after it was back (it was quick)"),
        f"- Dutch retry texts they got: {tally.retries} "
        f"(nginx {tally.retries_nginx}, bot {tally.retries_bot}); "
        f"messages sent again: {tally.resent}",
    ]
    for text, count in tally.retry_texts.most_common(3):
        lines.append(f'  - {count}x "{text}"')
    lines.append(
        f"- went on to the result: {two.completed} of {two.people}; conversations that lost "
        f"their place: {tally.lost_conversations()} ({len(tally.lost_place)} times); "
        f"HTTP errors: {len(tally.http_errors)}; "
        f"empty replies: {tally.empty_replies}"
    )
    for item in tally.lost_place[:6]:
        lines.append(f"  - lost place: {item}")
    for sender, why in list(tally.gave_up.items())[:5]:
        lines.append(f"  - gave up: {sender}: {why}")
    return lines


def _stage_three_lines(three: StageThree) -> list[str]:
    """Re-sending after a lost reply: the same message id is answered, not handled again."""
    tally = three.tally
    lines = [
        "",
        "## Stage 3: a reply lost after the bot handled the turn",
        "",
        "A replica killed after saving the conversation but before answering loses the reply"
        " of a turn that did happen; the person gets the retry text and sends the answer"
        f" again. Simulated here for {three.tapped} people tapping and {three.typed} typing:"
        f" at answer {three.at + 1} the reply is dropped and the message sent again with the"
        " same REST `message_id` (bot/rasa_integration/replayed_turns.py).",
        "",
        f'- re-sent buttons refused as stale ("Die knop hoort bij een andere vraag", then '
        f"the right next question): {tally.stale_buttons}",
        f"- conversations that lost their place (a re-sent typed answer taken as the answer to"
        f" the next question): {tally.lost_conversations()}",
        f"- went on to the result: {three.completed} of {three.typed + three.tapped}",
    ]
    lines += [f"  - {item}" for item in tally.lost_place[:5]]
    return lines


def render(outcome: Outcome) -> str:
    checks = outcome.checks()
    verdict = "PASSED" if all(ok for ok, _ in checks) else "FAILED"
    lines = [f"# make cluster-test: {verdict}", ""]
    lines += [f"- {'PASS' if ok else 'FAIL'}: {what}" for ok, what in checks]
    if outcome.start_seconds:
        ready = ", ".join(f"{k} {v:.0f} s" for k, v in outcome.start_seconds.items())
        lines += ["", f"Ready after start (seconds since each process started): {ready}"]
    if outcome.stage_one is not None:
        lines += ["", *_stage_one_lines(outcome.stage_one, outcome.share)]
        restarts = ", ".join(f"{k} {v:.0f} s" for k, v in outcome.stage_one.restart_seconds.items())
        lines.append(f"- ready again after SIGKILL and start: {restarts}")
    if outcome.stage_two is not None:
        lines += _stage_two_lines(outcome.stage_two)
    if outcome.stage_three is not None:
        lines += _stage_three_lines(outcome.stage_three)
    if outcome.storage is not None:
        lines += ["", "## Stored in PostgreSQL (kc_results)", ""]
        lines.append(
            f"- checks shown: {outcome.shown}; stored once: {outcome.storage.stored_once}; "
            f"completed: {outcome.storage.completed}; equal to what was shown: "
            f"{outcome.storage.matching}; table counts: {outcome.counts}"
        )
        lines += [f"  - {p}" for p in outcome.storage.problems[:10]]
    lines += ["", f"Folder: {outcome.work}"]
    return "\n".join(lines) + "\n"
