"""Turn a typed answer into one of a question's options, a "Bedoel je ...?", or nothing.

People answer on a phone: "2", "de tweede", "jaa klopt wel", "hangt ervan af",
"leg stap voor stap", "ik leg meteen uit hoe het bezrgen werkt". The parser
goes from sure to less sure:

1. an option's number or ordinal, or exactly its label or an alias;
2. for questions with labelled examples (the answer scale, consent, ...), a
   small learned model (:mod:`bot.understanding.answer_model`);
3. fuzzy matching with rapidfuzz: an alias inside the answer despite a typo,
   the label with a typo or words missing, a few words only one option has.

It stores an answer only when it is sure. When it is fairly sure, or two
options are close, it returns :attr:`Outcome.CLARIFY` with the one or two
best options, so the bot can ask "Bedoel je ...?" instead of guessing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz, process

from bot.check.assessment import KIND_INTAKE, KIND_SCENARIO, Option, Question, iter_option_texts
from bot.understanding.answer_model import LevelGuess, guess_level, known_words, labelled_texts
from bot.understanding.normalise import normalize

__all__ = ["Outcome", "ParsedAnswer", "normalize", "parse_answer"]

ORDINALS: dict[str, int] = {
    "een": 1, "eén": 1, "één": 1, "eerste": 1, "eerst": 1, "bovenste": 1,
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
        "de", "het", "nr", "nummer", "optie", "antwoord", "keuze", "ik", "kies", "neem", "doe",
        "maar", "graag", "denk", "dan", "die", "is", "wordt", "zou", "zeggen", "gewoon", "eh",
        "uh", "hmm", "oke", "ok", "knop"
    }
)  # fmt: skip
#: How an option is named when the words leave no doubt: its label, an alias, a labelled example.
NAMED_PLAINLY = frozenset({"text", "typo", "example"})
#: Words that make a typed number a button's place: "optie 3", "de 2e", "nummer 2".
POSITION_WORDS = frozenset({"de", "het", "nr", "nummer", "optie", "keuze", "antwoord", "knop"})
#: Words that carry no meaning of their own when comparing an answer with an option.
STOPWORDS = frozenset(
    {
        "ik", "je", "jij", "u", "de", "het", "een", "en", "of", "dat", "die", "dit", "is", "in",
        "op", "te", "van", "met", "voor", "maar", "dan", "hem", "hij", "zij", "ze", "wat", "er",
        "als", "bij", "om", "aan", "naar", "ook", "nog", "wel", "al", "zo", "heel", "erg",
        "toch", "gewoon", "even", "eerst", "hoor", "mijn", "zijn", "hun", "we", "wij", "me", "mij",
        "ga", "gaat", "doe", "doen", "zou", "kan", "kun", "wil", "was", "ben", "werk", "werkte",
        "werkt", "heb", "had", "nu", "vroeger", "daarvoor", "laatst", "liever", "graag",
        "vooral", "over", "iets", "vertel", "weten"
    }
)  # fmt: skip
#: Fuzzy scores (0-100) for deciding.
SURE = 88.0
NEAR_EXACT = 94.0
#: An alias found inside a longer message, for clearly_named_option.
NAMED = 84.0
LIKELY = 66.0
CLEAR_LEAD = 8.0
#: Words alone ("a few words only one option has") store an answer only this far ahead of the
#: next option; closer, the bot asks "Bedoel je ...?" with the best one first.
WORDS_LEAD = 25.0
#: A typed compound ending in an option's word ("woensdagavond", "zaterdagavond").
COMPOUND = 90.0
#: Model probabilities for deciding.
MODEL_SURE = 0.72
MODEL_LIKELY = 0.35
#: Questions with their own options learn from fewer examples: their model must be surer.
OWN_MODEL_SURE = 0.85
SECOND_WORTH_OFFERING = 0.15
#: Words that may join the parts of a combined answer ("engels en een beetje frans").
COMBINATION_WORDS = frozenset(
    {"en", "of", "allebei", "beide", "allebeide", "zowel", "als", "ook", "plus", "ja", "jaa",
     "prima", "goed", "leuk", "fijn", "kan", "kun", "ik", "vind", "doe", "wel", "de", "het",
     "in", "s", "een", "beetje", "wat", "redelijk", "spreek", "praat", "is", "zijn", "mag",
     "mij", "me", "best", "ok", "oke", "allemaal", "geen", "probleem", "bezwaar"}
)  # fmt: skip
#: Words that say the free text names no job or school: "ik zit in de bijstand", "van alles".
NO_FREE_TEXT = frozenset(
    {"bijstand", "uitkering", "werkloos", "ww", "wajong", "alles", "niks", "niets", "weet",
     "idee", "geen", "nooit", "ziek", "ziektewet", "uitzendwerk", "uitzendbureau", "flexwerk",
     "oproepkracht", "oproepwerk", "thuis", "kinderen", "gezin", "mantelzorg", "mantelzorger"}
)  # fmt: skip
#: Where one part of an answer ends: a comma, or a word that opens the part chosen instead.
CLAUSE_BREAK = re.compile(r"[,;.!]+|\s+(?=(?:maar|eerst|gewoon|liever|wel)\b)")
#: Words that weaken what comes before them: "balen, maar gewoon doorgaan".
CONTRAST_WORDS = frozenset({"maar", "behalve", "tenzij", "hoewel", "alleen als", "wel maar"})
INTENSIFIERS = frozenset(
    {"altijd", "nooit", "super", "heel", "echt", "zeker", "absoluut", "totaal", "helemaal",
     "erg", "enorm", "100", "100%", "hartstikke", "zeer", "vreselijk", "geweldig"}
)  # fmt: skip
NEGATIONS = frozenset({"niet", "niks", "geen", "nooit", "niets", "totaal"})
#: Negations that rule out the word before them too: "zondag niet", "bellen nooit".
BOTH_SIDES = frozenset({"niet", "nooit"})
#: "ja" and "nee" next to "niet" or "geen" rule no option out: "nee niet bewaren".
YES_NO = frozenset({"ja", "jaa", "nee", "neen", "nope"})
#: A "geen" that says yes: "ja, geen probleem".
NOT_A_NEGATION = frozenset({"geen probleem", "geen bezwaar"})
#: "geen van beide": the person picks none of the options.
NOT_ANY_OPTION = re.compile(r"\bgeen (van )?(beide|allebei|van de|van deze|enkele|een van)\b")
#: "liever typen dan bellen": the part before "dan" is what the person prefers.
PREFERENCE = re.compile(r"\b(liever|beter|makkelijker|fijner|leuker|prettiger|meer)\b")
#: Without a "ja"/"nee" first, at least this share of the words must be ones the model knows.
MOSTLY_KNOWN = 0.5
#: Texts up to this many words can be stored on the model's word alone.
SHORT_ANSWER_WORDS = 3
#: Typed answers are short; anything longer is not read as a choice.
MAX_ANSWER_WORDS = 40
#: "geen idee", "weet ik niet", "kweenie": the person does not know. Nothing is stored, not
#: even the middle of a scale: the bot says that is fine and asks again (DONT_KNOW_VIA).
DONT_KNOW = re.compile(
    r"\b(?:geen (?:flauw |enkel )?(?:idee|benul)|kweenie|kweetnie|weetnie|weetikveel|tja|tsja|tjah|"
    r"(?:ik |k )?(?:weet|wt|weej) (?:ik |het |dat |t |je )?(?:ook |echt |eigenlijk |nou |nog |"
    r"even |zo |niet )*(?:niet|nie|nt)(?: precies| zeker| zo goed| goed| echt)?|"
    r"kweet (?:het |t )?(?:niet|nie)|(?:dat )?zou ik (?:echt |eigenlijk |het )?niet weten|"
    r"ik zou (?:het |dat )?(?:echt |eigenlijk )?niet weten)\b"
)
#: Words that may stand beside "weet ik niet" without naming an option: "sorry, geen idee joh".
DONT_KNOW_FILLERS = frozenset(
    {"ik", "het", "dat", "joh", "eigenlijk", "hoor", "echt", "sorry", "hmm", "hm", "uh", "eh",
     "euh", "ehm", "nou", "tja", "pff", "haha", "ook", "zo", "even", "man", "ja", "nee", "jah",
     "eerlijk", "gezegd", "gewoon", "nog", "niet", "al", "dus", "ok", "oke", "lastig", "moeilijk",
     "vraag", "die", "deze", "goeie", "goede", "wel", "mss", "misschien"}
)  # fmt: skip
#: "geen idee, nooit gedaan": not knowing because it was never tried is still not knowing.
NEVER_TRIED = frozenset(
    {"nooit", "gedaan", "geprobeerd", "meegemaakt", "gehad", "gewerkt", "getest", "gelet",
     "gechat", "gebeld", "gemaild", "heb", "nog", "op", "mee", "ervaring", "geen", "dat",
     "het", "ik", "daar", "ermee", "bij"}
)  # fmt: skip
#: ParsedAnswer.via for "I don't know": the reply says that is fine instead of "Sorry".
DONT_KNOW_VIA = "dont know"


class Outcome(str, Enum):
    MATCHED = "matched"
    CLARIFY = "clarify"
    UNKNOWN = "unknown"
    EMPTY = "empty"


@dataclass(frozen=True)
class ParsedAnswer:
    """What the parser made of a typed answer, with how it got there."""

    outcome: Outcome
    option: Option | None = None
    via: str = ""
    #: For CLARIFY: the options to offer, best first (one or two).
    candidates: tuple[Option, ...] = field(default_factory=tuple)

    @property
    def matched(self) -> bool:
        return self.outcome is Outcome.MATCHED


@lru_cache(maxsize=256)
def parse_answer(question: Question, text: str) -> ParsedAnswer:
    """Map ``text`` onto one of ``question``'s options; never guess.

    Cached: one turn reads the same text twice (answer or request, then the answer).
    """
    words = normalize(text).split()
    if not words:
        return ParsedAnswer(Outcome.EMPTY)
    if len(words) > MAX_ANSWER_WORDS:  # a long story is not an answer; also keeps this fast
        return ParsedAnswer(Outcome.UNKNOWN)
    for step in (_by_number, _by_exact_text):
        result = step(question, words)
        if result is not None:
            return result
    if NOT_ANY_OPTION.search(" ".join(words)):
        return ParsedAnswer(Outcome.UNKNOWN, via="none of them")
    if says_dont_know(words):
        return ParsedAnswer(Outcome.UNKNOWN, via=DONT_KNOW_VIA)
    unclear = _by_unclear_words(question, words) or _by_two_levels(question, words)
    if unclear is not None:
        return unclear
    chosen = _chosen_part(question, text)
    if chosen is not None:
        from_part = parse_answer(question, chosen)
        # "nog nooit gewerkt, ik was thuis voor de kinderen": the ruled-out part was the
        # answer itself; the rest names no option, so read the whole message instead.
        if not (from_part.matched and from_part.via == "free text"):
            return from_part
    words = _preferred_part(words)
    combined = _by_combination(question, words)
    if combined is not None:
        return combined
    scores = option_scores(question, words)
    guess = guess_level(question, " ".join(words))
    decided = _decide_fuzzy(question, words, scores)
    if guess is not None:
        decided = _combine(question, decided, _decide_with_model(question, words, guess, scores))
        free = question.free_text_option
        if (
            free
            and decided.outcome is not Outcome.MATCHED
            and guess.best[0] == free
            and guess.best[1] >= MODEL_LIKELY
            and max(v for k, v in scores.items() if k != free) < LIKELY
            and not NO_FREE_TEXT & set(words)
        ):
            return ParsedAnswer(Outcome.MATCHED, question.option(free), "free text")
    if (
        decided.outcome is Outcome.UNKNOWN
        and question.free_text_option
        and any(_looks_like_a_word(w) for w in words)
        and not NO_FREE_TEXT & set(words)
    ):
        option = question.option(question.free_text_option)
        return ParsedAnswer(Outcome.MATCHED, option, "free text")
    return _ruled_out_only(question, words, decided)


def says_dont_know(words: list[str]) -> bool:
    """ "geen idee", "weet ik echt niet", "kweenie, nooit gedaan": only not knowing is said.

    "weet ik niet, bel morgen maar terug" says more, so it is read as an answer as usual.
    """
    typed = " ".join(words)
    found = DONT_KNOW.search(typed)
    if found is None:
        return False
    rest = [
        w
        for w in f"{typed[: found.start()]} {typed[found.end() :]}".split()
        if w not in DONT_KNOW_FILLERS
    ]
    return not rest or ("nooit" in rest and set(rest) <= NEVER_TRIED)


def _ruled_out_only(question: Question, words: list[str], decided: ParsedAnswer) -> ParsedAnswer:
    """ "zondag niet", "whatsapp niet": the option found is the one ruled out. Ask.

    Only for questions with options of their own: on a scale "niet" is the answer. "avond
    niet" still picks "Alleen in het weekend": the word ruled out is another option's.
    """
    if question.scale or not decided.matched or decided.option is None:
        return decided
    if decided.via not in {"model", "words", "typo"}:
        return decided
    own_phrases = " | ".join(
        phrase for option, phrase in _phrases(question) if option.id == decided.option.id
    )
    ruled_out = set()
    for i, word in enumerate(words):
        if word in NEGATIONS or word in YES_NO:
            continue
        for j in (i - 1, i + 1):
            # "geen avonden" rules out what follows; "zondag niet", "niet bellen" either side
            if 0 <= j < len(words) and (
                words[j] in BOTH_SIDES or (j == i - 1 and words[j] in NEGATIONS)
            ):
                pair = " ".join(words[min(i, j) : max(i, j) + 1])
                if pair not in own_phrases and pair not in NOT_A_NEGATION:
                    ruled_out.add(word)
    if ruled_out & _positive_words(question, decided.option.id):
        return ParsedAnswer(Outcome.CLARIFY, via=decided.via, candidates=(decided.option,))
    return decided


@lru_cache(maxsize=256)
def _positive_words(question: Question, option_id: str) -> frozenset[str]:
    """The option's own words, from its phrases that rule nothing out ("zondag", not "avond
    niet")."""
    return frozenset(
        word
        for option, phrase in _phrases(question)
        if option.id == option_id and not NEGATIONS & set(phrase.split())
        for word in content_words(phrase.split())
    )


def clearly_named_option(question: Question, text: str) -> Option | None:
    """The option that a longer message plainly names ("in een kledingwinkel"), or None.

    For messages that are not an answer to the question, such as "ik heb in
    de horeca gewerkt, heb ik daar wat aan?": only an alias or label found in
    the words counts, never the model's guess.
    """
    words = normalize(text).split()
    if not words or len(words) > MAX_ANSWER_WORDS:
        return None
    inside: dict[str, float] = {o.id: 0.0 for o in question.options}
    for option, phrase in _phrases(question):
        inside[option.id] = max(inside[option.id], _phrase_inside(phrase, words))
    (best_id, best), (_, second) = _ranked(inside)[:2]
    return question.option(best_id) if best >= NAMED and second < NAMED else None


def _chosen_part(question: Question, text: str) -> str | None:
    """ "niet zomaar intypen, eerst controleren": the part that is not ruled out, or None.

    Only for questions with options of their own: in a statement ("ik ben niet snel,
    maar wel precies") the negated part is as much the answer as the rest.
    """
    if question.kind not in {KIND_INTAKE, KIND_SCENARIO}:
        return None
    clauses = [normalize(c).split() for c in CLAUSE_BREAK.split(text)]
    clauses = [c for c in clauses if c]
    negated = [bool(NEGATIONS & set(c)) for c in clauses]
    if len(clauses) < 2 or all(negated) or not any(negated):
        return None
    if any(
        no and _names_an_option_plainly(question, c) for c, no in zip(clauses, negated, strict=True)
    ):
        return None  # "nog nooit gewerkt, ...": the negated part is an option's own words
    kept = [w for clause, no in zip(clauses, negated, strict=True) if not no for w in clause]
    return " ".join(kept) if content_words(kept) else None


def _by_combination(question: Question, words: list[str]) -> ParsedAnswer | None:
    """An answer naming every part of a combined option: "bellen en chatten allebei prima".

    Only when nothing else is said: "weekenden ja, avonden nee" or "schrijven, bellen
    vind ik eng" name both parts but pick one.
    """
    said = set(" ".join(words).replace("geen probleem", "").replace("geen bezwaar", "").split())
    if said & (NEGATIONS | {"nee", "alleen", "liever"}):
        return None  # "weekend wel, avond niet", "alleen engels"
    for option in question.options:
        if not option.combines:
            continue
        parts = [(o.id, phrase) for o, phrase in _phrases(question) if o.id in option.combines]
        named = {part_id: 0.0 for part_id in option.combines}
        for part_id, phrase in parts:
            named[part_id] = max(named[part_id], _phrase_inside(phrase, words))
        if min(named.values()) < NAMED:
            continue
        part_words = {w for _, phrase in parts for w in phrase.split()}
        rest = [
            w
            for w in words
            if w not in COMBINATION_WORDS and not any(_word_match(w, p) for p in part_words)
        ]
        if not rest:
            return ParsedAnswer(Outcome.MATCHED, option, "combination")
    return None


def _combine(question: Question, fuzzy: ParsedAnswer, model: ParsedAnswer) -> ParsedAnswer:
    """Words and model together: store what both support, offer what either suggests."""
    if model.matched or fuzzy.outcome is not Outcome.MATCHED or fuzzy.option is None:
        return model if model.outcome is not Outcome.UNKNOWN else _at_most_clarify(fuzzy)
    # The words name one option plainly: store it when the model leans the same way.
    if model.candidates and model.candidates[0].id == fuzzy.option.id:
        return fuzzy
    offer = (fuzzy.option, *(c for c in model.candidates if c.id != fuzzy.option.id))
    return ParsedAnswer(Outcome.CLARIFY, via="words", candidates=offer[:2])


def _at_most_clarify(parsed: ParsedAnswer) -> ParsedAnswer:
    """A match the model did not back up is offered, not stored."""
    if parsed.matched and parsed.option is not None:
        return ParsedAnswer(Outcome.CLARIFY, via=parsed.via, candidates=(parsed.option,))
    return parsed


def _looks_like_a_word(word: str) -> bool:
    """Letters with a vowel: "kapper" is a word, "xqzw" or "12345" is not."""
    return len(word) >= 3 and word.isalpha() and any(v in word for v in "aeiouy")


def _preferred_part(words: list[str]) -> list[str]:
    """Keep "liever typen" of "liever typen dan bellen"; other texts stay whole."""
    if "dan" in words[1:] and PREFERENCE.search(" ".join(words)):
        before = words[: words.index("dan")]
        if content_words(before):
            return before
    return words


def _by_number(question: Question, words: list[str]) -> ParsedAnswer | None:
    numbers: list[int] = []
    if len(words) == 2 and words[0] == "een" and words[1].isdigit():
        words = words[1:]  # "een 4": a mark, not "one" and "four"
    for word in words:
        digits = re.fullmatch(r"(\d{1,6})(?:e|de|ste)?", word)
        if digits:
            numbers.append(int(digits.group(1)))
        elif word in ORDINALS:
            numbers.append(ORDINALS[word])
        elif word in LAST_WORDS:
            numbers.append(len(question.options))
        elif word == "middelste" and len(question.options) % 2:
            numbers.append(len(question.options) // 2 + 1)
        elif word not in NUMBER_FILLERS and word != "of":
            return None
    if (
        len(set(numbers)) == 2
        and "of" in words
        and all(1 <= n <= len(question.options) for n in numbers)
    ):
        offer = tuple(question.options[n - 1] for n in numbers)
        return ParsedAnswer(Outcome.CLARIFY, via="number", candidates=offer)  # "2 of 3"
    if len(set(numbers)) != 1:
        return None
    number = numbers[0]
    if not 1 <= number <= len(question.options):
        return ParsedAnswer(Outcome.UNKNOWN, via="number out of range")
    by_position = question.options[number - 1]
    by_label = _labels_naming(question).get(number)
    positional = bool(POSITION_WORDS & set(words)) or not any(w.isdigit() for w in words)
    if by_label is not None and by_label.id != by_position.id and not positional:
        # "3" for the diploma: the third button, or "Mbo niveau 3 of 4"? Ask.
        return ParsedAnswer(Outcome.CLARIFY, via="number", candidates=(by_position, by_label))
    return ParsedAnswer(Outcome.MATCHED, by_position, "number")


@lru_cache(maxsize=64)
def _labels_naming(question: Question) -> dict[int, Option]:
    """Numbers that an option's label says ("Mbo niveau 1 of 2"), with that option."""
    named: dict[int, Option] = {}
    for option in question.options:
        for digits in re.findall(r"\b\d+\b", option.label):
            named.setdefault(int(digits), option)
    return named


def _names_an_option_plainly(question: Question, words: list[str]) -> bool:
    named = _by_exact_text(question, words)
    return named is not None and named.matched and named.via == "text"


def _by_two_levels(question: Question, words: list[str]) -> ParsedAnswer | None:
    """ "soms of vaak", "klopt of klopt helemaal": two levels of a scale, so ask which."""
    if not question.scale or words.count("of") != 1:
        return None
    at = words.index("of")
    before, after = words[:at], words[at + 1 :]
    if not before or not after:
        return None
    sides = [parse_answer(question, " ".join(side)) for side in (before, after)]
    options = [side.option for side in sides if side.matched and side.option is not None]
    if len(options) == 2 and options[0].id != options[1].id:
        return ParsedAnswer(Outcome.CLARIFY, via="two levels", candidates=(options[0], options[1]))
    return None


def _by_unclear_words(question: Question, words: list[str]) -> ParsedAnswer | None:
    """Words that fit two options ("middelbare school") get both offered, unless the rest of
    the answer names one option itself ("middelbare school, havo")."""
    typed = f" {' '.join(words)} "
    for unclear in question.unclear:
        for phrase in sorted(unclear.words, key=len, reverse=True):
            normalized = f" {normalize(phrase)} "
            if normalized not in typed:
                continue
            rest = typed.replace(normalized, " ", 1).strip()
            if rest and content_words(rest.split()):
                from_rest = parse_answer(question, rest)
                if from_rest.matched and from_rest.via in NAMED_PLAINLY:
                    return from_rest
            offer = tuple(question.option(i) for i in unclear.between)
            return ParsedAnswer(Outcome.CLARIFY, via="unclear words", candidates=offer)  # type: ignore[arg-type]
    return None


def _by_exact_text(question: Question, words: list[str]) -> ParsedAnswer | None:
    typed = " ".join(words)
    hits = {o.id: o for o, phrase in _phrases(question) if phrase == typed}
    example = labelled_texts(question).get(typed)
    if not hits and example is not None:
        return ParsedAnswer(Outcome.MATCHED, question.option(example), "example")
    if not hits:
        return None
    if len(hits) > 1:
        return ParsedAnswer(Outcome.CLARIFY, via="text", candidates=tuple(hits.values())[:2])
    return ParsedAnswer(Outcome.MATCHED, next(iter(hits.values())), "text")


def content_words(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in STOPWORDS]


def _word_match(typed_word: str, vocabulary_word: str) -> float:
    """0-100: equal, or the same word with a typo (only for words long enough to tell)."""
    if typed_word == vocabulary_word:
        return 100.0
    compound = len(vocabulary_word) >= 5 and len(typed_word) >= len(vocabulary_word) + 3
    if compound and typed_word.endswith(vocabulary_word):
        return COMPOUND  # "woensdagavond" names "avond": Dutch writes compounds as one word
    if min(len(typed_word), len(vocabulary_word)) < 5:
        return 0.0
    score = fuzz.ratio(typed_word, vocabulary_word)
    return score if score >= 80 else 0.0


def option_scores(question: Question, words: list[str]) -> dict[str, float]:
    """How well the answer names each option, 0-100 (rapidfuzz)."""
    typed = " ".join(words)
    typed_content = content_words(words) or words
    vocabulary = _option_vocabulary(question)
    document_frequency: dict[str, int] = {}
    for option_words in vocabulary.values():
        for word in option_words:
            document_frequency[word] = document_frequency.get(word, 0) + 1
    scores: dict[str, float] = {o.id: 0.0 for o in question.options}
    for option, normalized in _phrases(question):
        if not normalized:
            continue
        whole = fuzz.ratio(typed, normalized) if len(normalized) >= 4 else 0.0
        scores[option.id] = max(scores[option.id], whole, _phrase_inside(normalized, words))
    for option in question.options:
        scores[option.id] = max(
            scores[option.id],
            _distinctive_words(typed_content, vocabulary[option.id], document_frequency),
        )
    return scores


def _phrase_inside(phrase: str, words: list[str]) -> float:
    """An alias or label found inside a longer answer, each of its words allowing a typo."""
    phrase_words = content_words(phrase.split()) or phrase.split()
    if not phrase_words or len(phrase_words) > len(words):
        return 0.0
    matches = [max((_word_match(w, p) for w in words), default=0.0) for p in phrase_words]
    if min(matches) == 0:
        return 0.0
    first = next(i for i, w in enumerate(words) if _word_match(w, phrase_words[0]))
    if first > 0 and words[first - 1] in NEGATIONS and words[first - 1] not in phrase_words:
        return 0.0  # "niet slecht" does not name "slecht"
    quality = sum(matches) / (100 * len(matches))
    typed_content = content_words(words) or words
    coverage = min(1.0, len(phrase_words) / len(typed_content))
    # Longer phrases are more specific; an exact one-word alias is still a clear sign,
    # but less so when most of the answer is about something else.
    base = min(98.0, 86.0 + 3.0 * len(phrase_words))
    return base * (0.9 + 0.1 * quality) * (0.96 + 0.04 * coverage)


def _distinctive_words(
    typed_content: list[str], option_words: set[str], document_frequency: dict[str, int]
) -> float:
    """Typed words that only this option has ("wennen", "ophangen"), weighted by rarity."""
    if not typed_content:
        return 0.0
    total = 0.0
    found = 0.0
    negated = {b for a, b in pairwise(typed_content) if a in NEGATIONS}
    for word in typed_content:
        if word in negated:
            total += 1.0
            continue  # "niet slecht" is no sign of "slecht"
        best = process.extractOne(word, option_words, scorer=_word_match_scorer, score_cutoff=80)
        weight = 1.0
        if best is not None:
            vocabulary_word = best[0]
            weight = 1.0 / document_frequency.get(vocabulary_word, 1)
            found += weight * best[1] / 100
        total += 1.0
    if found == 0:
        return 0.0
    share = found / total
    return 40.0 + 50.0 * math.sqrt(share)


def _word_match_scorer(a: str, b: str, **_: object) -> float:
    return _word_match(a, b)


@lru_cache(maxsize=64)
def _phrases(question: Question) -> tuple[tuple[Option, str], ...]:
    """Every label and alias of the question, normalised once per process."""
    return tuple((option, normalize(phrase)) for option, phrase in iter_option_texts(question))


@lru_cache(maxsize=64)
def _option_vocabulary(question: Question) -> dict[str, set[str]]:
    vocabulary: dict[str, set[str]] = {o.id: set() for o in question.options}
    for option, phrase in _phrases(question):
        vocabulary[option.id].update(content_words(phrase.split()))
    return vocabulary


def _ranked(scores: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda pair: pair[1], reverse=True)


def _hedged(words: list[str]) -> bool:
    text = f" {' '.join(words)} "
    return any(f" {word} " in text for word in CONTRAST_WORDS)


def _decide_fuzzy(question: Question, words: list[str], scores: dict[str, float]) -> ParsedAnswer:
    ranked = _ranked(scores)
    (best_id, best), (second_id, second) = ranked[0], ranked[1]
    best_option, second_option = question.option(best_id), question.option(second_id)
    assert best_option is not None and second_option is not None
    hedged = _hedged(words) and best < NEAR_EXACT
    if best >= SURE and best - second >= WORDS_LEAD and not hedged:
        return ParsedAnswer(Outcome.MATCHED, best_option, "words")
    if best >= LIKELY:
        offer = (best_option, second_option) if second >= max(LIKELY, best - 10) else (best_option,)
        return ParsedAnswer(Outcome.CLARIFY, via="words", candidates=offer)
    return ParsedAnswer(Outcome.UNKNOWN)


def _decide_with_model(
    question: Question, words: list[str], guess: LevelGuess, scores: dict[str, float]
) -> ParsedAnswer:
    """Store only a short answer in known words the model is sure of; otherwise ask."""
    (best_id, best), (second_id, second) = guess.best, guess.second
    lead = _lead_option(question, words)
    known = known_words(question)
    all_known = all(w in known for w in content_words(words))
    hedged = _hedged(words)
    short = len(words) <= SHORT_ANSWER_WORDS
    typed_content = content_words(words) or words
    known_share = sum(_is_known(w, known) for w in typed_content) / len(typed_content)
    if known_share == 0 or (known_share < MOSTLY_KNOWN and lead is None):
        return ParsedAnswer(Outcome.UNKNOWN, via="no known words")
    (fuzzy_id, fuzzy), (_, fuzzy_second) = _ranked(scores)[:2]
    if fuzzy >= NEAR_EXACT and fuzzy - fuzzy_second >= CLEAR_LEAD and not hedged:
        return ParsedAnswer(Outcome.MATCHED, question.option(fuzzy_id), "typo")
    sure_enough = MODEL_SURE if question.scale else OWN_MODEL_SURE
    strong = bool(INTENSIFIERS & set(words))
    agrees = lead is None or lead == best_id or strong
    one_word = len(content_words(words) or words) == 1
    if (
        not hedged
        and best >= sure_enough
        and all_known
        and (short or lead == best_id)
        and agrees
        and (question.scale or not one_word)  # "ja" alone can mean several "Ja, ..." options
    ):
        return ParsedAnswer(Outcome.MATCHED, question.option(best_id), "model")
    ids: list[str] = []
    if best >= MODEL_LIKELY:
        ids.append(best_id)
        if second >= SECOND_WORTH_OFFERING:
            ids.append(second_id)
    if lead and not (ids and _neighbours(question, lead, ids[0]) and strong):
        # "ja, ..." / "nee, ..." names the level; only strong words ("altijd", "totaal")
        # let the model's neighbouring level ("Klopt helemaal") go first.
        ids.insert(0, lead)
    offer = tuple(question.option(i) for i in dict.fromkeys(ids))[:2]
    if offer:
        return ParsedAnswer(Outcome.CLARIFY, via="model", candidates=offer)  # type: ignore[arg-type]
    return ParsedAnswer(Outcome.UNKNOWN)


def _is_known(word: str, known: frozenset[str]) -> bool:
    """The word, or one typo away from it, is among the words the model learned."""
    if word in known:
        return True
    if len(word) < 3:
        return False
    cutoff = 75 if len(word) <= 4 else 85  # "jah", "okey", "klop"; longer words need more
    return process.extractOne(word, known, scorer=fuzz.ratio, score_cutoff=cutoff) is not None


def _neighbours(question: Question, one: str, other: str) -> bool:
    """Options next to each other on the scale ("Klopt" and "Klopt helemaal")."""
    ids = [o.id for o in question.options]
    return abs(ids.index(one) - ids.index(other)) <= 1


def _lead_option(question: Question, words: list[str]) -> str | None:
    """The option the first one or two words name exactly: "ja, ik luister altijd" -> ja."""
    if len(words) < 2:
        return None
    for size in (2, 1):
        if size >= len(words) or words[size] in NEGATIONS:
            continue  # "helemaal niks voor mij" does not lead with "helemaal"
        lead = _by_exact_text(question, words[:size])
        if lead is not None and lead.matched and lead.option is not None:
            return lead.option.id
    return None
