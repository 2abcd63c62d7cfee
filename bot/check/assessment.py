"""The assessment model: groups, questions and options, loaded from YAML.

Content lives in ``bot/content/questions.yml`` so that an adviser can change a
question without touching code. Loading validates every field and raises
:class:`ContentError` naming the file and the field, because a silent typo in
content would quietly change people's scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content_files import CONTENT_DIR, ContentError, ContentReader, read_yaml

__all__ = ["ContentError"]  # re-exported: callers catch it from here too

QUESTIONS_FILE = CONTENT_DIR / "questions.yml"

#: The five groups of job requirements, in the order of the UWV report. The
#: result message uses exactly these keys, so content may not rename them.
GROUP_IDS: tuple[str, ...] = (
    "communicatief",
    "analytisch",
    "schakelen",
    "commercieel",
    "administratief",
)

#: The most a short label may hold: a WhatsApp reply button's title (list rows take 24).
SHORT_LABEL_MAX = 20
#: Short labels that say nothing when read back in a chat ("Antwoord 2", "Optie 3").
_PLACEHOLDER = re.compile(r"(antwoord|optie|keuze|knop)\s*\d+", re.IGNORECASE)

KIND_CONSENT = "consent"
KIND_INTAKE = "intake"
KIND_SCALE = "scale"
KIND_SCENARIO = "scenario"
SCORED_KINDS = frozenset({KIND_SCALE, KIND_SCENARIO})


@dataclass(frozen=True)
class Option:
    """One answer a person can choose."""

    id: str
    label: str
    points: int | None = None
    aliases: tuple[str, ...] = ()
    related: bool | None = None
    #: Other options of the question this one stands for together ("Ja, avond en weekend"
    #: combines avond and weekend): an answer naming all of them picks this option.
    combines: tuple[str, ...] = ()
    #: A label of its own for small buttons and chat history (WhatsApp reply buttons take
    #: 20 characters, list rows 24): "Laat hem uitpraten", never "Antwoord 2".
    short: str = ""


@dataclass(frozen=True)
class UnclearWords:
    """Words that fit two options equally ("middelbare school": vmbo or havo/vwo).

    An answer in these words gets "Bedoel je ...?" with both, never a guess.
    """

    words: tuple[str, ...]
    between: tuple[str, str]


@dataclass(frozen=True)
class Question:
    """One question of the check; scored when it belongs to a group."""

    id: str
    kind: str
    text: str
    options: tuple[Option, ...]
    why: str
    hint: str
    prompt: str = ""
    group_id: str | None = None
    free_text_option: str | None = None
    topic: str = ""
    #: The shared answer scale (e.g. "eens5"); empty for questions with their own options.
    scale: str = ""
    unclear: tuple[UnclearWords, ...] = ()

    @property
    def answer_set(self) -> str:
        """Which labelled examples teach the parser this question's answers.

        Questions on a shared scale learn from that scale's examples; others
        from examples under their own id (bot/content/answer_examples.yml).
        """
        return self.scale or self.id

    @property
    def scored(self) -> bool:
        return self.kind in SCORED_KINDS

    @property
    def max_points(self) -> int:
        return max((o.points or 0) for o in self.options)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Group:
    """A group of job requirements (functie-eis) with its scored questions."""

    id: str
    name: str
    short: str
    why: str
    strength: str
    develop: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Assessment:
    """All content of the check, in the order it is asked."""

    consent: Question
    intake: tuple[Question, ...]
    groups: tuple[Group, ...]
    version: int = 1
    source: str = ""
    _by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for question in self.questions:
            self._by_id[question.id] = question

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question in asking order: consent, intake, then the groups."""
        return (self.consent, *self.intake, *self.scored_questions)

    @property
    def numbered_questions(self) -> tuple[Question, ...]:
        """The questions that show progress ("vraag 3 van 25"); consent is not one."""
        return (*self.intake, *self.scored_questions)

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(q for g in self.groups for q in g.questions)

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)


def load_assessment(path: Path | str = QUESTIONS_FILE) -> Assessment:
    """Read and validate the questions file."""
    path = Path(path)
    return parse_assessment(read_yaml(path), path)


def parse_assessment(raw: Any, path: Path | str = "<content>") -> Assessment:
    """Build an :class:`Assessment` from parsed YAML, validating as it goes."""
    reader = _Reader(path)
    root = reader.mapping(raw, "top level")
    scales = {
        name: reader.options(reader.mapping(spec, f"scales.{name}"), f"scales.{name}", True)
        for name, spec in reader.mapping(root.get("scales", {}), "scales").items()
    }
    scale_texts = {
        name: reader.mapping(spec, f"scales.{name}")
        for name, spec in reader.mapping(root.get("scales", {}), "scales").items()
    }
    consent = reader.question(root.get("consent"), "consent", KIND_CONSENT, None, scales, {})
    intake = tuple(
        reader.question(item, f"intake[{i}]", KIND_INTAKE, None, scales, {})
        for i, item in enumerate(reader.sequence(root.get("intake"), "intake"))
    )
    groups = tuple(
        reader.group(item, f"groups[{i}]", scales, scale_texts)
        for i, item in enumerate(reader.sequence(root.get("groups"), "groups"))
    )
    found = tuple(g.id for g in groups)
    if found != GROUP_IDS:
        raise ContentError(
            path, "groups", f"must be {list(GROUP_IDS)} in this order, got {list(found)}"
        )
    version = root.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ContentError(path, "version", "must be a whole number of 1 or more")
    assessment = Assessment(
        consent=consent, intake=intake, groups=groups, version=version, source=str(path)
    )
    ids = [q.id for q in assessment.questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ContentError(path, "questions", f"duplicate question ids: {duplicates}")
    return assessment


class _Reader(ContentReader):
    """The questions file's own parts: options, questions, groups."""

    def options(self, spec: Mapping[str, Any], where: str, scored: bool) -> tuple[Option, ...]:
        items = self.sequence(spec.get("options"), f"{where}.options")
        options = tuple(
            self.option(item, f"{where}.options[{i}]", scored) for i, item in enumerate(items)
        )
        ids = [o.id for o in options]
        if len(set(ids)) != len(ids):
            raise self.fail(f"{where}.options", f"option ids must be unique, got {ids}")
        if len(options) < 2:
            raise self.fail(f"{where}.options", "needs at least two options")
        shorts = [o.short.lower() for o in options]
        if len(set(shorts)) != len(shorts):
            raise self.fail(f"{where}.options", f"short labels must differ, got {shorts}")
        for i, option in enumerate(options):
            unknown = [c for c in option.combines if c not in ids or c == option.id]
            if unknown or len(option.combines) == 1:
                raise self.fail(
                    f"{where}.options[{i}].combines", f"needs two or more other option ids of {ids}"
                )
        return options

    def option(self, raw: Any, where: str, scored: bool) -> Option:
        spec = self.mapping(raw, where)
        option_id = self.text(spec, "id", where)
        if ":" in option_id:
            raise self.fail(f"{where}.id", "may not contain ':'")
        points = spec.get("points")
        if scored and (not isinstance(points, int) or isinstance(points, bool) or points < 0):
            raise self.fail(f"{where}.points", "must be a whole number of 0 or more")
        aliases = spec.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise self.fail(f"{where}.aliases", "must be a list of texts")
        related = spec.get("related")
        if related is not None and not isinstance(related, bool):
            raise self.fail(f"{where}.related", "must be true or false")
        combines = spec.get("combines", [])
        if not isinstance(combines, list) or not all(isinstance(c, str) for c in combines):
            raise self.fail(f"{where}.combines", "must be a list of option ids")
        short = self.text(spec, "short", where)
        if len(short) > SHORT_LABEL_MAX or _PLACEHOLDER.fullmatch(short):
            raise self.fail(
                f"{where}.short",
                f"must be a label of its own, at most {SHORT_LABEL_MAX} characters: {short!r}",
            )
        return Option(
            id=option_id,
            label=self.text(spec, "label", where),
            points=points if scored else None,
            aliases=tuple(a.strip().lower() for a in aliases if a.strip()),
            related=related,
            combines=tuple(combines),
            short=short,
        )

    def unclear(
        self, spec: Mapping[str, Any], where: str, options: tuple[Option, ...]
    ) -> tuple[UnclearWords, ...]:
        if spec.get("unclear") is None:
            return ()
        ids = [o.id for o in options]
        found: list[UnclearWords] = []
        for i, raw in enumerate(self.sequence(spec.get("unclear"), f"{where}.unclear")):
            item = self.mapping(raw, f"{where}.unclear[{i}]")
            words, between = item.get("words"), item.get("between")
            texts_ok = isinstance(words, list) and all(isinstance(w, str) for w in words)
            if not texts_ok or not words:
                raise self.fail(f"{where}.unclear[{i}].words", "must be a list of texts")
            if (
                not isinstance(between, list)
                or len(set(between)) != 2
                or len(between) != 2
                or not all(b in ids for b in between)
            ):
                raise self.fail(f"{where}.unclear[{i}].between", f"must be two option ids of {ids}")
            found.append(
                UnclearWords(
                    tuple(w.strip().lower() for w in words if w.strip()),
                    (str(between[0]), str(between[1])),
                )
            )
        return tuple(found)

    def question(
        self,
        raw: Any,
        where: str,
        kind: str,
        group_id: str | None,
        scales: Mapping[str, tuple[Option, ...]],
        scale_texts: Mapping[str, Mapping[str, Any]],
    ) -> Question:
        spec = self.mapping(raw, where)
        if group_id is not None:
            kind = self.text(spec, "kind", where)
            if kind not in SCORED_KINDS:
                raise self.fail(f"{where}.kind", f"must be one of {sorted(SCORED_KINDS)}")
        prompt = ""
        scale_name = ""
        hint = self.text(spec, "hint", where, required=False)
        if kind == KIND_SCALE:
            scale_name = self.text(spec, "scale", where)
            if scale_name not in scales:
                raise self.fail(f"{where}.scale", f"unknown scale {scale_name!r}")
            options = scales[scale_name]
            prompt = self.text(scale_texts[scale_name], "prompt", f"scales.{scale_name}", False)
            hint = hint or self.text(scale_texts[scale_name], "hint", f"scales.{scale_name}")
        else:
            options = self.options(spec, where, scored=kind in SCORED_KINDS)
        if not hint:
            hint = "Kies een van de knoppen, of typ het nummer van je antwoord."
        free_text = spec.get("free_text_option")
        if free_text is not None and free_text not in {o.id for o in options}:
            raise self.fail(f"{where}.free_text_option", f"{free_text!r} is not an option id")
        unclear = self.unclear(spec, where, options)
        if kind == KIND_SCALE:  # a scale's own unclear words hold for each of its questions
            unclear += self.unclear(scale_texts[scale_name], f"scales.{scale_name}", options)
        return Question(
            unclear=unclear,
            id=self.text(spec, "id", where),
            kind=kind,
            text=self.text(spec, "text", where),
            options=options,
            why=self.text(spec, "why", where, required=False),
            hint=hint,
            prompt=prompt,
            group_id=group_id,
            free_text_option=free_text,
            topic=self.text(spec, "topic", where, required=False),
            scale=scale_name,
        )

    def group(
        self,
        raw: Any,
        where: str,
        scales: Mapping[str, tuple[Option, ...]],
        scale_texts: Mapping[str, Mapping[str, Any]],
    ) -> Group:
        spec = self.mapping(raw, where)
        group_id = self.text(spec, "id", where)
        questions = tuple(
            self.question(item, f"{where}.questions[{i}]", "", group_id, scales, scale_texts)
            for i, item in enumerate(self.sequence(spec.get("questions"), f"{where}.questions"))
        )
        if not 3 <= len(questions) <= 5:
            raise self.fail(f"{where}.questions", "a group needs 3 to 5 questions")
        return Group(
            id=group_id,
            name=self.text(spec, "name", where),
            short=self.text(spec, "short", where),
            why=self.text(spec, "why", where),
            strength=self.text(spec, "strength", where),
            develop=self.text(spec, "develop", where),
            questions=questions,
        )


def iter_option_texts(question: Question) -> Iterator[tuple[Option, str]]:
    """Every text (label, short label, aliases) that names an option, for the parser.

    The short label is what a WhatsApp button shows, so people type it too.
    """
    for option in question.options:
        yield option, option.label.lower()
        if option.short and option.short.lower() != option.label.lower():
            yield option, option.short.lower()
        for alias in option.aliases:
            yield option, alias
