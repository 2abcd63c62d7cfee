"""The example people of a demo: five named personas and a crowd drawn around them.

The overview hides every group under 5 people, so a small crowd shows empty
charts. This module plans a crowd big enough for real shapes: checks spread
over the last whole weeks (a little more each week), on weekdays in office
hours, with people who stop at a few typical points. Everything is drawn
from one seeded ``random.Random``, so the same seed gives the same crowd and
tests can rely on its shape.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.adviser.overview import week_start
from bot.check.assessment import Assessment

#: Whole weeks of example checks before the current week.
WEEKS = 8
#: Share of the crowd that stops part-way.
STOP_SHARE = 0.2
#: Each week has about this much more checks than the week before (a service that grows).
GROWTH = 0.08
#: Where people stop, as a share of the way through the questions, with a weight:
#: most stop early (the intake), others at the first scenario or in a long group.
STOP_POINTS: tuple[tuple[float, float], ...] = (
    (0.05, 3.0),
    (0.3, 2.0),
    (0.45, 2.0),
    (0.65, 1.5),
    (0.85, 1.0),
)


@dataclass(frozen=True)
class Persona:
    name: str
    intake: dict[str, str]
    #: Wished level per group from 0 to 1; answers are drawn around it.
    levels: dict[str, float]
    #: How often this kind of person shows up in the crowd, relative to the others.
    weight: float = 1.0


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "Oud-verkoper in een modewinkel",
        {"beroep": "winkel", "opleiding": "mbo12", "tijden": "beide", "kanaal": "beide",
         "talen": "engels"},
        {"communicatief": 0.9, "analytisch": 0.55, "schakelen": 0.75, "commercieel": 0.95,
         "administratief": 0.4},
        1.3,
    ),
    Persona(
        "Administratief medewerker",
        {"beroep": "administratie", "opleiding": "mbo34", "tijden": "nee",
         "kanaal": "schriftelijk", "talen": "engels"},
        {"communicatief": 0.6, "analytisch": 0.85, "schakelen": 0.5, "commercieel": 0.3,
         "administratief": 0.95},
        1.0,
    ),
    Persona(
        "Receptioniste",
        {"beroep": "receptie", "opleiding": "mbo34", "tijden": "avond", "kanaal": "telefoon",
         "talen": "meer"},
        {"communicatief": 0.95, "analytisch": 0.65, "schakelen": 0.85, "commercieel": 0.55,
         "administratief": 0.75},
        0.8,
    ),
    Persona(
        "Horecamedewerker",
        {"beroep": "horeca", "opleiding": "vmbo", "tijden": "beide", "kanaal": "telefoon",
         "talen": "andere"},
        {"communicatief": 0.8, "analytisch": 0.45, "schakelen": 0.9, "commercieel": 0.7,
         "administratief": 0.3},
        1.3,
    ),
    Persona(
        "Student",
        {"beroep": "geen", "opleiding": "havo_vwo", "tijden": "weekend", "kanaal": "schriftelijk",
         "talen": "engels"},
        {"communicatief": 0.55, "analytisch": 0.7, "schakelen": 0.6, "commercieel": 0.45,
         "administratief": 0.7},
        0.8,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Example:
    """One example check of the crowd."""

    persona: Persona
    started: datetime
    #: Index in ``assessment.questions`` of the first question left open; None: completed.
    stop_at: int | None
    #: How long a completed check took.
    minutes: float


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


def shares(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` into whole numbers that add up to ``total``."""
    exact = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_crowd(
    assessment: Assessment, people: int, now: datetime, rng: random.Random
) -> list[Example]:
    """``people`` example checks in the ``WEEKS`` whole weeks before ``now``'s week."""
    first_week = week_start(now) - timedelta(weeks=WEEKS)
    week_weights = [(1 + GROWTH * week) * rng.uniform(0.9, 1.1) for week in range(WEEKS)]
    weeks = [w for w, count in enumerate(shares(people, week_weights)) for _ in range(count)]
    last = len(assessment.questions) - 1
    stopped = round(people * STOP_SHARE)
    stop_counts = shares(stopped, [weight for _, weight in STOP_POINTS])
    outcomes: list[int | None] = [None] * (people - stopped)
    for (where, _), count in zip(STOP_POINTS, stop_counts, strict=True):
        outcomes += [min(last, 1 + round(where * (last - 1)))] * count
    rng.shuffle(outcomes)
    personas = rng.choices(PERSONAS, weights=[p.weight for p in PERSONAS], k=people)
    return [
        Example(
            persona=persona,
            # Weekdays, 8:30 to 17:30: a check never runs into the next week.
            started=first_week
            + timedelta(weeks=week, days=rng.randrange(5), hours=rng.uniform(8.5, 17.5)),
            stop_at=stop_at,
            minutes=rng.uniform(6, 15),
        )
        for week, stop_at, persona in zip(weeks, outcomes, personas, strict=True)
    ]
