"""Advice from scores and answers: routes, roles, carry-over and practical notes.

Everything a person is advised comes from a rule in ``bot/content/advice.yml``
and carries the reasons that made the rule hold, so "waarom dit advies?" can
show exactly which answers and scores led to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.check.assessment import Assessment
from bot.check.scoring import Result
from bot.content_files import CONTENT_DIR, ContentReader, read_yaml

ADVICE_FILE = CONTENT_DIR / "advice.yml"


@dataclass(frozen=True)
class AdviceInputs:
    """What a rule can look at: the answers and the scores of one person."""

    assessment: Assessment
    answers: Mapping[str, str]
    result: Result


@dataclass(frozen=True)
class Condition:
    """One test in a rule, e.g. "score for commercieel is 60 or more"."""

    kind: str  # "overall", "score" or "answer"
    group: str = ""
    minimum: int | None = None
    below: int | None = None
    question: str = ""
    values: tuple[str, ...] = ()
    negate: bool = False

    def holds(self, facts: AdviceInputs) -> bool:
        if self.kind == "answer":
            given = facts.answers.get(self.question)
            return (given not in self.values) if self.negate else (given in self.values)
        value = self._score(facts)
        if self.minimum is not None and value < self.minimum:
            return False
        return self.below is None or value < self.below

    def reason(self, facts: AdviceInputs) -> str:
        """The condition in the person's own terms, for "waarom dit advies?"."""
        if self.kind == "answer":
            question = facts.assessment.question(self.question)
            assert question is not None  # checked when loading
            option = question.option(facts.answers.get(self.question, ""))
            label = option.label if option else "geen antwoord"
            return f"je antwoord bij {question.topic or question.text}: '{label}'"
        value = self._score(facts)
        if self.kind == "overall":
            return f"je totaalscore is {value}"
        short = facts.assessment.group(self.group).short
        if value == 0:  # a bare "0" reads as "nothing" (ZERO_SCORE_WORDS in bot/result/view.py)
            return f"bij {short} sta je nog aan het begin"
        if self.below is not None:
            return f"je score voor {short} is {value}, daar kun je nog in groeien"
        return f"je score voor {short} is {value}"

    def _score(self, facts: AdviceInputs) -> int:
        if self.kind == "overall":
            return facts.result.overall
        return facts.result.scores[self.group]


@dataclass(frozen=True)
class Rule:
    """All of ``every`` and, when given, at least one of ``some`` must hold."""

    every: tuple[Condition, ...] = ()
    some: tuple[Condition, ...] = ()

    def reasons(self, facts: AdviceInputs) -> tuple[str, ...] | None:
        """The reasons when the rule holds, else None."""
        if not all(c.holds(facts) for c in self.every):
            return None
        met = [c for c in self.some if c.holds(facts)]
        if self.some and not met:
            return None
        return tuple(c.reason(facts) for c in (*self.every, *met))


@dataclass(frozen=True)
class Route:
    id: str
    name: str
    level: str
    what: str
    practical: str
    source: str
    link: str
    priority: int
    rule: Rule


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    what: str
    rule: Rule
    #: Set for work the check does not measure (interest in technology, in money
    #: matters): the role is offered as "ook mogelijk" with this reason, never as a fit.
    reason: str = ""

    @property
    def possible_only(self) -> bool:
        return bool(self.reason)


@dataclass(frozen=True)
class Note:
    id: str
    text: str
    rule: Rule


@dataclass(frozen=True)
class AdviceContent:
    routes: tuple[Route, ...]
    roles: tuple[Role, ...]
    related_work: dict[str, str]
    practical: tuple[Note, ...]
    adviser: str

    def route(self, route_id: str) -> Route:
        return next(r for r in self.routes if r.id == route_id)

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)


@dataclass(frozen=True)
class Advised:
    """A route or role that holds for this person, with why."""

    id: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Advice:
    routes: tuple[Advised, ...]
    #: Work that fits the measured scores and answers.
    roles: tuple[Advised, ...]
    related_work: str | None
    practical: tuple[str, ...]
    #: Work that may also suit the person; the check has no measure for it (Role.reason).
    possible: tuple[Advised, ...] = ()

    @property
    def route_ids(self) -> list[str]:
        return [r.id for r in self.routes]


def advise(content: AdviceContent, facts: AdviceInputs) -> Advice:
    """Every route and role whose rule holds, routes in priority order."""
    routes = []
    for route in sorted(content.routes, key=lambda r: r.priority):
        reasons = route.rule.reasons(facts)
        if reasons is not None:
            routes.append(Advised(route.id, route.name, reasons))
    roles, possible = [], []
    for role in content.roles:
        reasons = role.rule.reasons(facts)
        if reasons is not None:
            (possible if role.possible_only else roles).append(Advised(role.id, role.name, reasons))
    work = facts.answers.get("beroep", "")
    notes = tuple(n.text for n in content.practical if n.rule.reasons(facts) is not None)
    return Advice(
        tuple(routes), tuple(roles), content.related_work.get(work), notes, tuple(possible)
    )


def load_advice(assessment: Assessment, path: Path | str = ADVICE_FILE) -> AdviceContent:
    """Read and validate the advice file against the questions it refers to."""
    path = Path(path)
    return _AdviceReader(path, assessment).read(read_yaml(path))


class _AdviceReader(ContentReader):
    def __init__(self, path: Path, assessment: Assessment) -> None:
        super().__init__(path)
        self.assessment = assessment

    def items(self, root: Mapping[str, Any], key: str) -> list[Any]:
        return self.sequence(root.get(key), key)

    def read(self, raw: Any) -> AdviceContent:
        root = self.mapping(raw, "top level")
        routes = tuple(
            self.route(item, f"routes[{i}]") for i, item in enumerate(self.items(root, "routes"))
        )
        roles = tuple(
            self.role(item, f"roles[{i}]") for i, item in enumerate(self.items(root, "roles"))
        )
        notes = tuple(
            self.note(item, f"practical[{i}]")
            for i, item in enumerate(self.items(root, "practical"))
        )
        for name, things in (("routes", routes), ("roles", roles), ("practical", notes)):
            ids = [t.id for t in things]
            if len(set(ids)) != len(ids):
                raise self.fail(name, f"ids must be unique, got {ids}")
        related = self.mapping(root.get("related_work"), "related_work")
        work = self.assessment.question("beroep")
        for key, value in related.items():
            if work is None or work.option(key) is None:
                raise self.fail(f"related_work.{key}", "is not an option of the question 'beroep'")
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"related_work.{key}", "must be a non-empty text")
        adviser = self.text(root, "adviser", "top level")
        return AdviceContent(
            routes, roles, {k: " ".join(v.split()) for k, v in related.items()}, notes, adviser
        )

    def route(self, raw: Any, where: str) -> Route:
        spec = self.mapping(raw, where)
        priority = spec.get("priority")
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise self.fail(f"{where}.priority", "must be a whole number")
        source = self.text(spec, "source", where)
        if not re.search(r"\b(?:19|20)\d\d\b", source):
            raise self.fail(f"{where}.source", "must name a year, e.g. 'UWV (2017)'")
        link = self.text(spec, "link", where, required=False)
        if link and not link.startswith("https://"):
            raise self.fail(f"{where}.link", "must start with https://")
        return Route(
            id=self.text(spec, "id", where),
            name=self.text(spec, "name", where),
            level=self.text(spec, "level", where),
            what=self.text(spec, "what", where),
            practical=self.text(spec, "practical", where),
            source=source,
            link=link,
            priority=priority,
            rule=self.rule(spec.get("when"), f"{where}.when"),
        )

    def role(self, raw: Any, where: str) -> Role:
        spec = self.mapping(raw, where)
        return Role(
            id=self.text(spec, "id", where),
            name=self.text(spec, "name", where),
            what=self.text(spec, "what", where),
            rule=self.rule(spec.get("when"), f"{where}.when"),
            reason=self.text(spec, "possible", where, required=False),
        )

    def note(self, raw: Any, where: str) -> Note:
        spec = self.mapping(raw, where)
        return Note(
            id=self.text(spec, "id", where),
            text=self.text(spec, "text", where),
            rule=self.rule(spec.get("when"), f"{where}.when"),
        )

    def rule(self, raw: Any, where: str) -> Rule:
        if raw is None:
            return Rule()
        spec = self.mapping(raw, where)
        unknown = set(spec) - {"all", "any"}
        if unknown:
            raise self.fail(where, f"only 'all' and 'any' are allowed, got {sorted(unknown)}")
        parts = {}
        for key in ("all", "any"):
            items = spec.get(key, [])
            if not isinstance(items, list):
                raise self.fail(f"{where}.{key}", "must be a list of conditions")
            parts[key] = tuple(
                self.condition(c, f"{where}.{key}[{i}]") for i, c in enumerate(items)
            )
        return Rule(every=parts["all"], some=parts["any"])

    def condition(self, raw: Any, where: str) -> Condition:
        spec = self.mapping(raw, where)
        if len(spec) != 1:
            raise self.fail(where, "must have exactly one of overall, score, answer")
        kind, body = next(iter(spec.items()))
        body = self.mapping(body, f"{where}.{kind}")
        if kind in {"overall", "score"}:
            minimum, below = body.get("min"), body.get("below")
            for key, value in (("min", minimum), ("below", below)):
                if value is not None and (not isinstance(value, int) or not 0 <= value <= 100):
                    raise self.fail(f"{where}.{kind}.{key}", "must be a whole number from 0 to 100")
            if minimum is None and below is None:
                raise self.fail(f"{where}.{kind}", "needs min or below")
            group = ""
            if kind == "score":
                group = body.get("group", "")
                if group not in {g.id for g in self.assessment.groups}:
                    raise self.fail(f"{where}.score.group", f"unknown group {group!r}")
            return Condition(kind, group=group, minimum=minimum, below=below)
        if kind == "answer":
            question = self.assessment.question(str(body.get("question", "")))
            if question is None:
                raise self.fail(
                    f"{where}.answer.question", f"unknown question {body.get('question')!r}"
                )
            negate = "not_in" in body
            values = body.get("not_in" if negate else "in")
            if not isinstance(values, list) or not values:
                raise self.fail(f"{where}.answer", "needs a list 'in' or 'not_in'")
            for value in values:
                if question.option(str(value)) is None:
                    raise self.fail(
                        f"{where}.answer", f"{value!r} is not an option of {question.id!r}"
                    )
            return Condition(
                kind, question=question.id, values=tuple(map(str, values)), negate=negate
            )
        raise self.fail(where, f"unknown condition {kind!r}")
