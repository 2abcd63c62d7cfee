"""Example results for demos: a handful of recognisable people and a crowd.

The five named examples (a former fashion shop assistant, an admin worker, a
receptionist, a hospitality worker, a student) each get a share code, so an
adviser can open their report in a demo. The crowd around them makes the
overview meaningful (the overview hides groups under 5). Deterministic: the
same seed gives the same people; only the codes and the password are random.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.advice.rules import AdviceContent
from bot.adviser.accounts import AdviserAccounts
from bot.check.assessment import Assessment
from bot.conversation.save_result import answers_with_points, evaluate
from bot.privacy.share_code_format import display_code
from bot.privacy.share_codes import share_code_for
from bot.storage.results_store import ResultsStore, iso

DEMO_ADVISER = "demo"
WEEKS = 8
STOP_SHARE = 0.2


class DemoRefused(RuntimeError):
    """The database already has results and is not marked as a demo database."""


@dataclass(frozen=True)
class Persona:
    name: str
    intake: dict[str, str]
    #: Wished level per group from 0 to 1; answers are drawn around it.
    levels: dict[str, float]


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "Oud-verkoper in een modewinkel",
        {"beroep": "winkel", "opleiding": "mbo12", "tijden": "beide", "kanaal": "beide",
         "talen": "engels"},
        {"communicatief": 0.9, "analytisch": 0.55, "schakelen": 0.75, "commercieel": 0.95,
         "administratief": 0.4},
    ),
    Persona(
        "Administratief medewerker",
        {"beroep": "administratie", "opleiding": "mbo34", "tijden": "nee",
         "kanaal": "schriftelijk", "talen": "engels"},
        {"communicatief": 0.6, "analytisch": 0.85, "schakelen": 0.5, "commercieel": 0.3,
         "administratief": 0.95},
    ),
    Persona(
        "Receptioniste",
        {"beroep": "receptie", "opleiding": "mbo34", "tijden": "avond", "kanaal": "telefoon",
         "talen": "meer"},
        {"communicatief": 0.95, "analytisch": 0.65, "schakelen": 0.85, "commercieel": 0.55,
         "administratief": 0.75},
    ),
    Persona(
        "Horecamedewerker",
        {"beroep": "horeca", "opleiding": "vmbo", "tijden": "beide", "kanaal": "telefoon",
         "talen": "andere"},
        {"communicatief": 0.8, "analytisch": 0.45, "schakelen": 0.9, "commercieel": 0.7,
         "administratief": 0.3},
    ),
    Persona(
        "Student",
        {"beroep": "geen", "opleiding": "havo_vwo", "tijden": "weekend", "kanaal": "schriftelijk",
         "talen": "engels"},
        {"communicatief": 0.55, "analytisch": 0.7, "schakelen": 0.6, "commercieel": 0.45,
         "administratief": 0.7},
    ),
)  # fmt: skip


@dataclass
class SeededDemo:
    adviser: str
    password: str
    completed: int
    stopped: int
    codes: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"Demo database: {self.completed} completed and {self.stopped} stopped example checks.",
            f"Demo adviser login: {self.adviser} / {self.password}",
            "Share codes of the example people:",
            *(f"  {code}  {name}" for name, code in self.codes),
        ]
        return "\n".join(lines)


def persona_answers(assessment: Assessment, persona: Persona, rng: random.Random) -> dict[str, str]:
    """Answers that fit a persona, with some noise so no two people are the same."""
    answers = {assessment.consent.id: "ja", **persona.intake}
    for group in assessment.groups:
        level = min(1.0, max(0.0, persona.levels[group.id] + rng.gauss(0, 0.15)))
        for question in group.questions:
            best = min(
                question.options,
                key=lambda o: (
                    abs((o.points or 0) / (question.max_points or 1) - level) + rng.random() * 0.2
                ),
            )
            answers[question.id] = best.id
    return answers


def seed_demo(
    store: ResultsStore,
    assessment: Assessment,
    content: AdviceContent,
    people: int = 60,
    allow_existing: bool = False,
    seed: int = 2017,
    now: datetime | None = None,
) -> SeededDemo:
    """Add example checks, share codes for the named people and the demo adviser."""
    now = now or store.clock()
    existing = store.count_assessments()
    if existing and not allow_existing:
        raise DemoRefused(
            f"{store.path} already has {existing} results; seed only a demo database (KC_DEMO=1)"
        )
    rng = random.Random(seed)  # noqa: S311 - example data, not a secret
    seeded = SeededDemo(DEMO_ADVISER, secrets.token_urlsafe(12), 0, 0)
    for number in range(max(people, len(PERSONAS))):
        persona = PERSONAS[number % len(PERSONAS)]
        answers = persona_answers(assessment, persona, rng)
        named = number < len(PERSONAS)
        started = now - timedelta(days=1 if named else rng.uniform(1.5, WEEKS * 7), minutes=30)
        person = hashlib.sha256(f"demo-{seed}-{number}".encode()).hexdigest()
        assessment_id = hashlib.sha256(f"demo-check-{seed}-{number}".encode()).hexdigest()[:32]
        store.start_assessment(assessment_id, person, assessment.version, consent_at=iso(started))
        if not named and rng.random() < STOP_SHARE:
            _stop_somewhere(store, assessment, assessment_id, answers, started, rng)
            seeded.stopped += 1
            continue
        result, advice = evaluate(assessment, content, answers)
        store.complete(
            assessment_id, result.scores, result.overall, advice.route_ids,
            answers_with_points(assessment, answers),
            completed_at=iso(started + timedelta(minutes=rng.uniform(6, 15))),
        )  # fmt: skip
        seeded.completed += 1
        if named:
            code = share_code_for(store, person, 30, now)
            seeded.codes.append((persona.name, display_code(code.code)))
    accounts = AdviserAccounts(store)
    if DEMO_ADVISER in accounts.usernames():
        accounts.set_password(DEMO_ADVISER, seeded.password)
    else:
        accounts.add(DEMO_ADVISER, seeded.password)
    return seeded


def _stop_somewhere(
    store: ResultsStore,
    assessment: Assessment,
    assessment_id: str,
    answers: dict[str, str],
    started: datetime,
    rng: random.Random,
) -> None:
    """Store the first few answers only: someone who stopped part-way."""
    questions = assessment.questions
    stop_at = min(len(questions) - 1, int(rng.triangular(1, len(questions), 4)))
    for index, question in enumerate(questions[:stop_at]):
        option = question.option(answers[question.id])
        store.record_answer(
            assessment_id, question.id, answers[question.id],
            option.points if option is not None else None,
            answered_at=iso(started + timedelta(seconds=20 * (index + 1))),
        )  # fmt: skip
