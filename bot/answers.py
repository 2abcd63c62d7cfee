"""Turn a typed answer into one of a question's options, or into nothing.

People answer on a phone: "2", "de tweede", "ja klopt wel", "niet echt",
"verkoopster bij de hema", with typos. The parser accepts an option's number,
its label and its aliases (from the content file). When two options fit
equally well, or none does, it returns no option: the bot then asks again
with a hint instead of guessing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from bot.assessment import Option, Question, iter_option_texts

ORDINALS: dict[str, int] = {
    "een": 1, "eén": 1, "één": 1, "eerste": 1, "eerst": 1,
    "twee": 2, "tweede": 2,
    "drie": 3, "derde": 3,
    "vier": 4, "vierde": 4,
    "vijf": 5, "vijfde": 5,
    "zes": 6, "zesde": 6,
    "zeven": 7, "zevende": 7,
    "acht": 8, "achtste": 8,
    "negen": 9, "negende": 9,
    "tien": 10, "tiende": 10,
}  # fmt: skip
LAST_WORDS = frozenset({"laatste", "onderste"})
# Words that may surround a number without changing it: "optie 2", "nummer 3", "de 2e".
NUMBER_FILLERS = frozenset(
    {
        "de",
        "het",
        "nr",
        "nummer",
        "optie",
        "antwoord",
        "keuze",
        "ik",
        "kies",
        "neem",
        "doe",
        "maar",
        "graag",
        "denk",
        "dan",
        "die",
        "is",
        "wordt",
        "zou",
        "zeggen",
        "gewoon",
        "eh",
        "uh",
        "hmm",
        "oke",
        "ok",
        "knop",
    }
)
FUZZY_CUTOFF = 0.84
MIN_FUZZY_LENGTH = 4


class Outcome(str, Enum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"
    EMPTY = "empty"


@dataclass(frozen=True)
class ParsedAnswer:
    """What the parser made of a typed answer, with how it got there."""

    outcome: Outcome
    option: Option | None = None
    via: str = ""

    @property
    def matched(self) -> bool:
        return self.outcome is Outcome.MATCHED


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation except %, single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("’", "")
    text = re.sub(r"[^\w%]+", " ", text)
    return " ".join(text.split())


#: Typed answers are short; anything longer is not read as a choice.
MAX_ANSWER_WORDS = 40


def parse_answer(question: Question, text: str) -> ParsedAnswer:
    """Map ``text`` onto one of ``question``'s options; never guess."""
    words = normalize(text).split()
    if not words:
        return ParsedAnswer(Outcome.EMPTY)
    if len(words) > MAX_ANSWER_WORDS:  # a long story is not an answer; also keeps this fast
        return ParsedAnswer(Outcome.UNKNOWN)
    for step in (_by_number, _by_exact_text, _by_fuzzy_whole, _by_contained_text, _by_fuzzy_words):
        result = step(question, words)
        if result is not None:
            return result
    if question.free_text_option and any(_looks_like_a_word(w) for w in words):
        return ParsedAnswer(
            Outcome.MATCHED, question.option(question.free_text_option), "free text"
        )
    return ParsedAnswer(Outcome.UNKNOWN)


def _looks_like_a_word(word: str) -> bool:
    """Letters with a vowel: "kapper" is a word, "xqzw" or "12345" is not."""
    return len(word) >= 3 and word.isalpha() and any(v in word for v in "aeiouy")


def _by_number(question: Question, words: list[str]) -> ParsedAnswer | None:
    numbers: list[int] = []
    for word in words:
        digits = re.fullmatch(r"(\d{1,6})(?:e|de|ste)?", word)
        if digits:
            numbers.append(int(digits.group(1)))
        elif word in ORDINALS:
            numbers.append(ORDINALS[word])
        elif word in LAST_WORDS:
            numbers.append(len(question.options))
        elif word not in NUMBER_FILLERS:
            return None
    if len(set(numbers)) != 1:
        return None
    number = numbers[0]
    if 1 <= number <= len(question.options):
        return ParsedAnswer(Outcome.MATCHED, question.options[number - 1], "number")
    return ParsedAnswer(Outcome.UNKNOWN, via="number out of range")


def _by_exact_text(question: Question, words: list[str]) -> ParsedAnswer | None:
    typed = " ".join(words)
    hits = {o.id: o for o, phrase in iter_option_texts(question) if normalize(phrase) == typed}
    return _decide(hits, "text")


def _by_contained_text(question: Question, words: list[str]) -> ParsedAnswer | None:
    """The longest alias found as whole words inside the answer wins."""
    typed = f" {' '.join(words)} "
    best_length = 0
    hits: dict[str, Option] = {}
    for option, phrase in iter_option_texts(question):
        normalized = normalize(phrase)
        if not normalized or f" {normalized} " not in typed:
            continue
        length = len(normalized.split())
        if length > best_length:
            best_length, hits = length, {option.id: option}
        elif length == best_length:
            hits[option.id] = option
    return _decide(hits, "words")


def _by_fuzzy_whole(question: Question, words: list[str]) -> ParsedAnswer | None:
    """Tolerate typos in a short answer: "klopt helmaal" is "klopt helemaal"."""
    typed = " ".join(words)
    if len(typed) < MIN_FUZZY_LENGTH:
        return None
    return _closest(question, [typed])


def _by_fuzzy_words(question: Question, words: list[str]) -> ParsedAnswer | None:
    """Tolerate a typo in one longer word of a sentence: "ik was serveester"."""
    return _closest(question, [w for w in words if len(w) > MIN_FUZZY_LENGTH])


def _closest(question: Question, candidates: list[str]) -> ParsedAnswer | None:
    """The option whose phrase is closest to a candidate, if close enough."""
    phrases: dict[str, set[str]] = {}
    options: dict[str, Option] = {}
    for option, phrase in iter_option_texts(question):
        normalized = normalize(phrase)
        if len(normalized) >= MIN_FUZZY_LENGTH:
            phrases.setdefault(normalized, set()).add(option.id)
            options[option.id] = option
    for candidate in candidates:
        close = difflib.get_close_matches(candidate, list(phrases), n=3, cutoff=FUZZY_CUTOFF)
        if not close:
            continue
        best = difflib.SequenceMatcher(None, candidate, close[0]).ratio()
        ids = set().union(
            *(
                phrases[c]
                for c in close
                if difflib.SequenceMatcher(None, candidate, c).ratio() == best
            )
        )
        return _decide({i: options[i] for i in ids}, "typo")
    return None


def _decide(hits: dict[str, Option], via: str) -> ParsedAnswer | None:
    if not hits:
        return None
    if len(hits) > 1:
        return ParsedAnswer(Outcome.AMBIGUOUS, via=via)
    return ParsedAnswer(Outcome.MATCHED, next(iter(hits.values())), via)
