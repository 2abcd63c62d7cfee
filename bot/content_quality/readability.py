"""Plain-language checks for the bot's Dutch: pure functions, no content files.

UWV writes for job seekers at language level B1. ``bot/content_quality/content_checks.py``
runs these functions over every text the bot can send; docs/content.md
explains the rules and thresholds.

- :func:`sentences`, :func:`words`: how a text is cut up (lines and list items
  are sentences of their own).
- :func:`syllables`: a simple Dutch syllable counter (vowel groups).
- :func:`flesch_douma`: the Dutch Flesch reading ease (Douma, 1960).
- :func:`long_sentences`: sentences of more than a number of words.
- :func:`unexplained_jargon`: jargon whose first use in a text is not explained.
- :func:`undated_figures`: sentences with a figure but no year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: A placeholder such as {minutes} reads as one short word ("iets"); a link as "link".
_PLACEHOLDER = re.compile(r"\{\w+\}")
_URL = re.compile(r"https?://\S*[^\s.,;:!?)]")
#: A sentence ends at . ! or ? followed by a space (so 141.000 and werk.nl stay whole).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
#: A bullet or number at the start of a line: "- ", "1. ".
_LIST_MARK = re.compile(r"^\s*(?:[-•*]|\d+[.)])\s+")
_WORD = re.compile(r"[\w'’%][\w'’%.,-]*[\w%]|[\w%]")
_VOWELS = "aeiouyáéíóúàèìòùâêîôû"
#: A vowel with a diaeresis starts a new syllable: geïnteresseerd, ideeën.
_DIAERESIS = "äëïöü"
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _plain(text: str) -> str:
    return _PLACEHOLDER.sub("iets", _URL.sub("link", text))


def sentences(text: str) -> list[str]:
    """The sentences of a text: every line, then every . ! ? followed by a space.

    A list item ("- 'pauze' om te stoppen") or a button label is a sentence of its own.
    """
    found = []
    for line in _plain(text).splitlines():
        line = _LIST_MARK.sub("", line).strip()
        if not line:
            continue
        found += [part.strip() for part in _SENTENCE_END.split(line) if words(part)]
    return found


def words(sentence: str) -> list[str]:
    """The words of a sentence; a number such as 141.000 or 30% is one word."""
    return _WORD.findall(_plain(sentence))


def syllables(word: str) -> int:
    """Dutch syllables, counted as groups of vowels; at least 1.

    "klantcontact" 3, "medewerker" 4, "ideeën" 3 (a diaeresis starts a new
    group). A number counts as two syllables. Loan words may be off by one
    ("webcare" counts 3); for a reading score over whole texts that is good
    enough.
    """
    word = word.lower()
    if not re.search(r"[^\W\d_]", word):
        return 2
    count, in_group = 0, False
    for char in word:
        if char in _DIAERESIS:
            count += 1
            in_group = True
        elif char in _VOWELS:
            if not in_group:
                count += 1
            in_group = True
        else:
            in_group = False
    return max(count, 1)


@dataclass(frozen=True)
class TextStats:
    sentences: int
    words: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_100_words(self) -> float:
        return 100 * self.syllables / self.words if self.words else 0.0

    @property
    def flesch_douma(self) -> float:
        """206.84 - 0.77 * syllables per 100 words - 0.93 * words per sentence."""
        return 206.84 - 0.77 * self.syllables_per_100_words - 0.93 * self.words_per_sentence


def stats(texts: str | Iterable[str]) -> TextStats:
    """Sentences, words and syllables of one text or of several together."""
    if isinstance(texts, str):
        texts = [texts]
    n_sentences = n_words = n_syllables = 0
    for text in texts:
        for sentence in sentences(text):
            found = words(sentence)
            n_sentences += 1
            n_words += len(found)
            n_syllables += sum(syllables(w) for w in found)
    return TextStats(n_sentences, n_words, n_syllables)


def flesch_douma(texts: str | Iterable[str]) -> float:
    """Flesch-Douma reading ease of a text (or of several together); higher is easier.

    About 60-70 is ordinary Dutch, 70-80 fairly easy, above 80 easy.
    """
    return stats(texts).flesch_douma


def long_sentences(text: str, max_words: int) -> list[str]:
    """The sentences of ``text`` with more than ``max_words`` words."""
    return [s for s in sentences(text) if len(words(s)) > max_words]


@dataclass(frozen=True)
class Jargon:
    """A word that needs an explanation the first time a text uses it."""

    term: str
    explanation: str
    #: Spellings to look for; an all-capital form (BOL) must match exactly, any other
    #: form matches in any case and as the start of a longer word (webcare, webcarewerk).
    forms: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        parts = []
        for form in sorted(self.forms, key=len, reverse=True):
            escaped = re.escape(form)
            if form.isupper():
                parts.append(rf"(?-i:\b{escaped}\b)")
            else:
                parts.append(rf"\b{escaped}[\w-]*")
        return re.compile("|".join(parts), re.IGNORECASE)


#: "Bij inbound help je ...": a sentence that starts with Bij <term> and says what you do.
_BIJ_TERM = re.compile(r"^bij\s+(?:de\s+|het\s+)?$", re.IGNORECASE)
#: "... heet outbound", "dat noem je cross-sell": the explanation comes first.
_NAMED_AFTER = re.compile(
    r"(?:\bheet|\bheten|\bnoem je|\bnoemen we|\bnoemen ze|\bdat is|\boftewel)\s+"
    r"(?:dat\s+)?(?:de\s+|het\s+|een\s+)?$",
    re.IGNORECASE,
)
#: "Webcare is: ...", "Wft betekent ...": the term is defined right after it.
_DEFINED_AFTER = re.compile(r"^\s*(?:is|zijn|betekent|wil zeggen)\b\s*:?", re.IGNORECASE)
_BRACKET_AFTER = re.compile(r"^\s*\(([^()]*)\)")


def is_explained(sentence: str, start: int, end: int) -> bool:
    """Is the jargon at ``sentence[start:end]`` explained where it stands?

    Explained means one of:
    - a bracket with at least two words right after it: "webcare (klanten helpen via chat)"
      (a bracket with a year is a source, "(UWV, 2017)", and explains nothing);
    - it stands in a bracket after the plain words: "Klantenservice Federatie (KSF)",
      "Verkoop vanaf kantoor (commercieel medewerker binnendienst)";
    - the words right after it define it: "Wft betekent ...", "Webcare is: ...";
    - the sentence starts with "Bij <term>" and says what you do there with "je":
      "Bij outbound bel je zelf klanten.";
    - it is named after its explanation: "Zelf klanten bellen heet outbound."
    """
    before, after = sentence[:start], sentence[end:]
    bracket = _BRACKET_AFTER.match(after)
    # "(UWV, 2017)" names a source; it explains nothing.
    if bracket and len(words(bracket.group(1))) >= 2 and not _YEAR.search(bracket.group(1)):
        return True
    opened, closed = before.rfind("("), after.find(")")
    if opened > before.rfind(")") and closed != -1 and len(words(before[:opened])) >= 2:
        inside = before[opened:] + after[:closed]
        if not _YEAR.search(inside):  # "(KSF, 2026)" is a source, not an explanation
            return True
    if _DEFINED_AFTER.match(after):
        return True
    if _BIJ_TERM.match(before) and re.search(r"\bje\b", after):
        return True
    return bool(_NAMED_AFTER.search(before))


def unexplained_jargon(text: str, jargon: Iterable[Jargon]) -> list[str]:
    """The jargon terms whose first use in ``text`` is not explained (see :func:`is_explained`)."""
    found = []
    cut = sentences(text)
    for item in jargon:
        pattern = item.pattern()
        for sentence in cut:
            match = pattern.search(sentence)
            if match is None:
                continue
            if not is_explained(sentence, match.start(), match.end()):
                found.append(item.term)
            break
    return found


#: Numbers that are not figures: education levels (mbo-3, mbo niveau 1 of 2, niveau 4).
_NOT_A_FIGURE = re.compile(
    r"\b(?:mbo|niveau)[- ]?(?:niveau[- ])?\d(?:\s*(?:of|en|tot)\s*\d)?\b", re.IGNORECASE
)
_FIGURE = re.compile(r"\d")


def undated_figures(text: str) -> list[str]:
    """Sentences of ``text`` that give a figure (a number such as 141.000, 30% or
    "6 op de 10") but no year (19xx or 20xx) in the same sentence.

    Years themselves, placeholders like {minutes} and education levels (mbo-3,
    niveau 4) are not figures.
    """
    undated = []
    for sentence in sentences(text):
        rest = _NOT_A_FIGURE.sub("", _YEAR.sub("", sentence))
        if _FIGURE.search(rest) and not _YEAR.search(sentence):
            undated.append(sentence)
    return undated


def jargon_from_mapping(raw: Mapping[str, object]) -> tuple[Jargon, ...]:
    """Jargon from the parsed jargon file: term -> explanation, or -> {explain, forms}."""
    items = []
    for term, value in raw.items():
        if isinstance(value, str):
            items.append(Jargon(str(term), value, (str(term),)))
        elif isinstance(value, Mapping):
            forms = tuple(str(f) for f in value.get("forms", ()) or ())
            items.append(Jargon(str(term), str(value.get("explain", "")), (str(term), *forms)))
        else:
            raise ValueError(f"{term}: must be an explanation or a mapping with explain and forms")
    return tuple(items)
