"""Example results for demos: five recognisable people and a crowd around them.

The five named examples (a former fashion shop assistant, an admin worker, a
receptionist, a hospitality worker, a student) each get a share code, so an
adviser can open their report in a demo. The crowd (``bot.adviser.demo_people``)
makes every overview chart show a real shape, although the overview hides
groups under 5. The people are the same on every run; the password and the
codes are too when ``KC_DEMO_SEED`` is set (``bot.adviser.demo_secrets``).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.advice.rules import AdviceContent
from bot.adviser.accounts import AdviserAccounts
from bot.adviser.demo_people import PERSONAS, WEEKS, Example, persona_answers, plan_crowd
from bot.adviser.demo_secrets import demo_code, demo_password
from bot.check.assessment import Assessment
from bot.conversation.save_result import answers_with_points, evaluate
from bot.privacy.share_code_format import display_code, expiry
from bot.privacy.share_codes import share_code_for
from bot.storage.example_checks import ExampleCheck, add_example_checks
from bot.storage.results_store import ResultsStore, iso

__all__ = ["DEMO_ADVISER", "PERSONAS", "DemoRefused", "SeededDemo", "seed_demo"]

DEMO_ADVISER = "demo"
#: Example checks by default: enough that each week, band and stop point has 5 or more.
PEOPLE = 300
#: The crowd is always drawn from this seed, so the charts look the same at every start.
CROWD_SEED = 2017
#: Example times are office hours in the Netherlands.
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


class DemoRefused(RuntimeError):
    """The database already has results and is not marked as a demo database."""


@dataclass
class SeededDemo:
    adviser: str
    password: str
    completed: int
    stopped: int
    #: True when the password and codes come back the same at the next start.
    fixed: bool = False
    codes: list[tuple[str, str]] = field(default_factory=list)

    def summary(self, web_url: str = "http://127.0.0.1:8000") -> str:
        """The short Dutch block a presenter needs: where to go, the login, the codes."""
        web_url = web_url.rstrip("/")
        lines = [
            "Demo van de Klantcontact-check",
            "Alles staat in een aparte demodatabase. Het zijn geen echte mensen.",
            "",
            f"  Dashboard:       {web_url}/adviseur",
            f"  Live meekijken:  {web_url}/adviseur/live  (chat en scores naast elkaar)",
            "",
            "Inloggen",
            f"  Gebruikersnaam:  {self.adviser}",
            f"  Wachtwoord:      {self.password}",
            "",
            "Deelcodes van de voorbeeldmensen (typ een code in op het dashboard):",
            *(f"  {code}  {name}" for name, code in self.codes),
            "",
            f"In de demo staan {self.completed + self.stopped} voorbeeldchecks uit de "
            f"afgelopen {WEEKS} weken: {self.completed} afgerond, {self.stopped} gestopt.",
            "Het overzicht toont alleen weken die voorbij zijn.",
        ]
        if not self.fixed:
            lines.append(
                "Let op: het wachtwoord en de codes zijn bij elke start nieuw. "
                "Wil je ze vast houden? Zet KC_DEMO_SEED (zie docs/adviser.md)."
            )
        return "\n".join(lines)


def seed_demo(
    store: ResultsStore,
    assessment: Assessment,
    content: AdviceContent,
    people: int = PEOPLE,
    allow_existing: bool = False,
    now: datetime | None = None,
    secret_seed: str | None = None,
    password: str | None = None,
    code_days: int = 30,
) -> SeededDemo:
    """Add example checks, share codes for the named people and the demo adviser.

    ``secret_seed`` (KC_DEMO_SEED) makes the password and the codes the same on
    every run; ``password`` (KC_DEMO_PASSWORD) sets the password itself.
    """
    now = now or store.clock()
    existing = store.count_assessments()
    if existing and not allow_existing:
        raise DemoRefused(
            f"{store.path} already has {existing} results; seed only a demo database (KC_DEMO=1)"
        )
    rng = random.Random(CROWD_SEED)  # noqa: S311 - example data, not a secret
    # The codes only stay the same with a seed; the password with a seed or its own setting.
    seeded = SeededDemo(
        DEMO_ADVISER, demo_password(secret_seed, password), 0, 0, fixed=secret_seed is not None
    )
    # Yesterday in office hours (Dutch time), so a report never says "afgerond om 02:23".
    morning = (
        (now.astimezone(DUTCH_TIME) - timedelta(days=1))
        .replace(hour=9, minute=30, second=0, microsecond=0)
        .astimezone(now.tzinfo)
    )  # stored times share one offset, so they sort as text
    named = [
        Example(p, morning + timedelta(minutes=40 * i), None, 10.0) for i, p in enumerate(PERSONAS)
    ]
    crowd = plan_crowd(assessment, max(0, people - len(PERSONAS)), now, rng)
    add_example_checks(
        store,
        (_check(assessment, content, number, example, rng)
         for number, example in enumerate([*named, *crowd])),
    )  # fmt: skip
    for number, persona in enumerate(PERSONAS):
        code = _share_code(store, number, secret_seed, now, code_days)
        seeded.codes.append((persona.name, display_code(code)))
    seeded.stopped = sum(1 for example in crowd if example.stop_at is not None)
    seeded.completed = len(named) + len(crowd) - seeded.stopped
    accounts = AdviserAccounts(store)
    if DEMO_ADVISER in accounts.usernames():
        accounts.set_password(DEMO_ADVISER, seeded.password)
    else:
        accounts.add(DEMO_ADVISER, seeded.password)
    return seeded


def _ids(number: int) -> tuple[str, str]:
    """(person, assessment id) of example ``number``: the same on every run."""
    person = hashlib.sha256(f"demo-{CROWD_SEED}-{number}".encode()).hexdigest()
    check = hashlib.sha256(f"demo-check-{CROWD_SEED}-{number}".encode()).hexdigest()[:32]
    return person, check


def _check(
    assessment: Assessment,
    content: AdviceContent,
    number: int,
    example: Example,
    rng: random.Random,
) -> ExampleCheck:
    """Example ``number`` as stored rows: all answers and a result, or the first few answers."""
    person, assessment_id = _ids(number)
    answers = persona_answers(assessment, example.persona, rng)
    with_points = answers_with_points(assessment, answers)
    if example.stop_at is not None:
        # Someone who stopped part-way: an answer every 20 seconds, up to the open question.
        asked = [q.id for q in assessment.questions[: example.stop_at]]
        return ExampleCheck(
            assessment_id, person, assessment.version, iso(example.started),
            {qid: (*with_points[qid], iso(example.started + timedelta(seconds=20 * (i + 1))))
             for i, qid in enumerate(asked)},
        )  # fmt: skip
    result, advice = evaluate(assessment, content, answers)
    completed_at = iso(example.started + timedelta(minutes=example.minutes))
    return ExampleCheck(
        assessment_id, person, assessment.version, iso(example.started),
        {qid: (option, points, completed_at) for qid, (option, points) in with_points.items()},
        completed_at=completed_at, scores=result.scores, overall=result.overall,
        routes=tuple(advice.route_ids),
    )  # fmt: skip


def _share_code(
    store: ResultsStore, number: int, secret_seed: str | None, now: datetime, days: int
) -> str:
    """The example person's code: a working one if there is one, else the seed's code."""
    person, assessment_id = _ids(number)
    active = store.active_share_code(assessment_id, iso(now))
    if active is not None:
        return active[0]
    code = demo_code(secret_seed, number)
    # A second apart, so lists of codes (newest first) keep the order of PERSONAS.
    created = now - timedelta(seconds=number)
    if store.add_share_code(code, assessment_id, person, iso(created), iso(expiry(now, days))):
        return code
    return share_code_for(store, person, days, now).code  # taken: draw a free one
