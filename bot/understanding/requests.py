"""Clear words for a request: pausing, going back, erasing, help, why, my data.

While a question is open, an answer comes first (:mod:`bot.understanding.answer_or_request`). A message
leaves the question only for a clear request. For anything that changes the
flow or deletes data, "clear" means the words below: a word that only looks
like one ("wisselend" is not "wis", "terugbellen" is not "terug") never
counts. Rasa's NLU uses the same words (:mod:`bot.rasa_integration.nlu_components`), so the
rule that answers a request always sees the request that was meant.
"""

from __future__ import annotations

import re

from bot.understanding.normalise import normalize

PAUSE = "pause"
GOODBYE = "goodbye"
GO_BACK = "go_back"
DELETE = "delete_data"
HELP = "help"
WHY = "ask_why"
MY_DATA = "show_my_data"
QUESTION = "faq"
RESTART = "start_check"

#: Requests that change the flow or delete something: never from a guess.
FLOW_REQUESTS = frozenset({PAUSE, GOODBYE, GO_BACK, DELETE, RESTART})

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            DELETE,
            r"\b((verwijder|verwijdr|delete)\w*\b(?! (eerst |dan |even |ff |snel |gewoon )?(de |die |alle |mijn |me )?"
            r"(fout|typfout|spelfout|tikfout|tekst|woord|zin|letter|spatie|dubbel)\w*)|wis (mijn|me|mn|m n|al|alles|de|die|je|wat|het|dat|ze)\b|"
            r"\bwis$|^(alles )?wissen$|vergeet (mij|me|alles)|(gegevens|antwoorden|data) (moeten )?weg\b|"
            r"toestemming in(trekken)?\b|trek\w* (mijn )?toestemming|"
            r"\b(alles|mij|me) (vergeet|vergeten|wist|wissen|verwijdert)\b|"
            r"\b(haal|gooi)\w* .{0,40}(gegevens|antwoorden|data|alles|uitslag).{0,15}\bweg\b|"
            r"\b(gegevens|antwoorden|data|alles|uitslag|mij|me)\b.{0,30}"
            r"\b(wissen|wist|gewist|weggooi\w*|weggegooid|weghal\w*|weggehaald)\b|"
            r"\b(wissen|weggooien|weghalen)\b (van )?(al )?(mijn|me|mn|de|die) (gegevens|antwoorden|data)\b)",
        ),
        (
            MY_DATA,
            r"\b(wat weet je (allemaal )?(eigenlijk )?(nu )?(al )?(van|over) (mij|me)|"
            r"wat (bewaar|sla|heb|weet) (je|jij) (nu )?(al )?(allemaal )?(van|over) (mij|me)|"
            r"wat (bewaar|sla) je (op)?\b|welke (gegevens|data|antwoorden|info\w*) (heb|bewaar|ken|weet)|"
            r"(van|over) (mij|me) (opgeslagen|bewaard|vastgelegd|weet)\b|"
            r"wat je (van|over) (mij|me) (weet|bewaart|hebt)|"
            r"(mijn|me|mn) (gegevens|data) (zien|inzien|bekijken|opvragen|downloaden)|"
            r"download\w* (mijn|me|mn) (gegevens|data|antwoorden)|"
            r"\bbewaar (je|jij|jullie) (dit|dat|het|mijn|alles|wat ik)\b|"
            r"\bsla (je|jij|jullie) .{0,25}\bop\b|\bhou (je|jij|jullie) .{0,25}\bbij\b|"
            r"\bwat (heb|hebben) (je|jij|jullie) .{0,20}(bewaard|opgeslagen|bijgehouden)\b|"
            r"\b(toon|laat) (me |mij )?(mijn|me|mn|al mijn) (gegevens|data|antwoorden)\b|"
            r"\blaat (me |mij )?zien wat (je|jij)\b|"
            r"\blaat (me |mij )?zien wat ik (al |tot nu toe |allemaal )*(heb )?(ingevuld|geantwoord|gekozen)\b|"
            r"\b(mijn|me|mn) (antwoorden|gegevens|data) (zien|bekijken|inzien)\b|"
            r"\bheb (je|jij|jullie) (ook )?(mijn|me|mn) (naam|telefoonnummer|nummer|adres|gegevens)\b|"
            r"\bwat heb ik (tot nu toe |al |allemaal )*(ingevuld|geantwoord|gekozen)\b)",
        ),
        (
            PAUSE,
            r"(\bpau[sz]\w*|\bpouze\b|^(ik )?(wil )?(even )?stop(pen)?( even| maar| ermee| nu| hier)?$|"
            r"\bstop (even|ermee|er even mee|er mee|hiermee|maar even)\b|\b(even|nu) stoppen\b|"
            r"\bik stop (ermee|er mee|nu|even|voor nu|hier)\b|\bwacht (even|ff|effe)\b|"
            r"\b(later|straks|morgen|vanavond|een andere keer|anders keer|volgende keer) (wel )?(verder|af)\b|"
            r"\b(doe|maak) (het|de rest|dit|ik) (later|morgen|straks|vanavond|een andere keer)|"
            r"\bverder (later|straks|morgen)\b|\b(ben|kom) (zo|straks|later) (terug|weer)\b|"
            r"\bik (moet|ga) (nu |even |snel |ff )?(weg|gaan|eten|werken|bellen|koken|slapen)\b|"
            r"\bgeen tijd( meer)?\b|\bgeen zin meer (ik ga|ik stop|ik kap|doei)\b|^(ik heb )?(er )?geen zin meer$|"
            r"\bgeen zin meer in (deze|de|dit|die) (check|vragen|vragenlijst|test|chat)\b|\b(hou|houd|kap) (er )?(ermee |mee )?op\b|"
            r"^(ik (wil|ga) )?(nu |even |maar )?afsluiten$|\b(chat|gesprek|check|test|dit|app) afsluiten\b|"
            r"\bafsluiten (nu|voor nu|voor vandaag)\b|\bik kap ermee\b|\bbrb\b|\b(ff|even) weg\b|"
            r"\b(ga|wil|moet) (nu |even |ff )?stoppen\b|\bmoet (nu |even |ff )?(weg|gaan)\b|"
            r"\bkan ik (het |dit |de rest )?(later |straks |morgen |thuis )?(afmaken|verder)\b|"
            r"^(even|effe|eventjes) wachten (de |mijn |er (is|staat) )?(deurbel|bel|telefoon|kind|kids|"
            r"kinderen|baby|bezoek|postbode|pakket\w*|iemand aan de deur)\b)",
        ),
        (
            GOODBYE,
            r"(\bdoei\b|\bdoeg\b|\bdoeii+\b|\btot (later|straks|morgen|ziens|zo)\b|\bik ben weg\b|"
            r"^(dag|daag|bye|ciao)$)",
        ),
        (
            RESTART,
            r"(\b(opnieuw|overnieuw|nog een keer|nog eens|vanaf het begin) (beginnen|starten|begin|start)\b|"
            r"\b(begin|start|beginnen|starten) (ik |we |maar |even |liever )?(weer )?(helemaal )?"
            r"(opnieuw|overnieuw|vanaf het begin|van voren af aan)\b|"
            r"^(alles |helemaal |de check )?(opnieuw|overnieuw)( graag| aub| alsjeblieft)?$|"
            r"\b(alles|helemaal|de (hele )?check|de test) (opnieuw|overnieuw) (doen|beginnen|invullen)\b|"
            r"\bvan (voren|voor) af aan\b|\bterug naar het begin\b|\bvanaf (het begin|vraag 1|vraag een)\b|"
            r"^(ik )?(wil|ga) (weer |graag )?(helemaal |alles |de check )?(opnieuw|overnieuw)"
            r"( beginnen| starten| doen)?$|"
            r"\b(de check|de test|de vragenlijst) (nog een keer|nog eens|opnieuw|overnieuw) "
            r"(doen|maken|invullen|starten)\b|^(start|begin) (met )?(de|die) (check|test)$|"
            r"^(kan|mag) ik (eerst |nu |weer )?(met )?(de|die) (check|test) (starten|beginnen|doen)\b)",
        ),
        (
            GO_BACK,
            r"(\bvorige?\b(?=\s*$|\s+(vraag|vrag|vragen|antwoord|antwoorden|stap|scherm|opnieuw|nog|was|"
            r"aanpassen|veranderen|wijzigen|verbeteren|graag|aub|alsjeblieft|please|pls|svp)\b)|"
            r"\bterug naar (de |het |die )?(vorige|vorig|vraag|eerste)\b|^(ik wil |kan ik |mag ik |ga |even |nee |ff )*(terug|trug|terg|teurg)\b|"
            r"\bga (eens |even |ff |maar |nog )?(een )?(vraag )?terug\b|\bstap(je)? terug\b|\bantwoord (veranderen|wijzigen|aanpassen|verbeteren)\b|"
            r"\bander antwoord (geven|kiezen)\b|\b(ik heb|heb) (me )?vergist\b|"
            r"\bverkeerd (gekozen|geklikt|getypt|antwoord|gedrukt)\b|"
            r"\bfout (gekozen|geklikt|getypt|antwoord|gedrukt)\b|\bvraag (terug|ervoor|hiervoor)\b|"
            r"\bverkeerde (knop|antwoord|keuze)\b|^(oeps |oh |sorry )?(foutje|oeps)\b|"
            r"\b(kan|mag|wil) (ik )?(dat|mijn antwoord|het|dat antwoord) (nog )?(veranderen|wijzigen|aanpassen)\b)",
        ),
        (
            WHY,
            r"(^waarom\b|^wrm\b|^waarvoor\b|^hoezo\b|\bwaarom (vraag|wil|moet|is)\b|"
            r"\bwaar(om|voor) is (dit|deze vraag|dat) (nodig|voor|belangrijk)\b|"
            r"\bwaar is (dit|deze vraag|dat) voor\b|\bwat zegt (dit|dat|deze vraag) over (mij|me)\b|"
            r"\bwat heeft (dit|dat|deze vraag) .{0,40}te maken\b|"
            r"\bwat (doe|heb) je (met|aan) (dit|dat|mijn|het) antwoord\b|\bwat is het nut\b|"
            r"\bwaar is (die|deze) vraag (goed )?voor\b|\bwat heb je (daar|hier)aan\b)",
        ),
        (
            HELP,
            r"(^help\b(?!( (je|jij|jullie|u|ze))?( ook)? (klanten|mensen|bellers|iemand)\b)|\bhelp (me|mij)\b|\bhelp$|\bhel+u+p\b|^hulp\b|\bhulp nodig\b|"
            r"\bik snap (het|dit|de vraag|er) (niet|niks|geen)|"
            r"\bhoe (deze|de|dit|die|jouw|je) (chat|check|test|bot|gesprek|vragenlijst|app) werkt\b|"
            r"\bhoe werkt (deze|de|die) (chat|check|test|bot|vragenlijst)\b|\bsnap er niks van\b|"
            r"\bik begrijp (het|dit|de vraag) niet\b|\bhoe werkt (dit|het|deze check)\b|"
            r"\bwat moet ik (hier )?(doen|typen|kiezen|invullen|antwoorden)\b|"
            r"\bhoe moet ik (dit |hier )?(antwoorden|invullen|kiezen|doen)\b|"
            r"\bwat bedoel (je|jij|u)\b|\bleg uit wat\b|"
            r"\bwat betekenen? (die|de|deze) (cijfers|nummers|knoppen|getallen)\b|"
            r"\bweet niet wat ik (moet )?(kiezen|doen|invullen|typen|antwoorden)\b|"
            r"\bik (snap|begrijp) (niet|niks|er niks|het niet|dit niet|(die|de|deze) \w+ niet)\b|"
            r"\b(zie|vind) (geen|de|die) knop|\bmoet ik (een |het )?(cijfer|nummer|getal) (typen|invullen|kiezen)\b|"
            r"\bis (1|5|een|vijf) (nou |dan )?(goed|slecht|hoog|laag)\b|"
            r"\b(snap|begrijp) ik (niet|niks)\b|^(snap|begrijp) (de|deze|die|je|het|dit) (vraag )?(niet|niks)\b|"
            r"\b(kun|kan|wil) (je|jij|u) (dat|dit|het|de vraag) (nog eens |anders |beter )?uitleggen\b|"
            r"\b(kun|kan|kunt) (je|jij|u) .{0,25}(makkelijke|makkelijker|simpele|simpeler|"
            r"eenvoudige|andere|gewone) woorden\b)",
        ),
    )
)

#: Words that open a question and hardly ever an answer: "wat verdien je".
QUESTION_WORDS = frozenset(
    {"wat", "hoe", "hoeveel", "hoelang", "hoevaak", "waarom", "wanneer", "waar", "wie", "welke",
     "welk", "wrm", "waarvoor", "waarmee", "hoezo"}
)  # fmt: skip
#: Verbs that open a question when a subject follows ("kan ik", "moet je", "is er"), but can
#: also open an answer ("kan allebei", "heb ik geen moeite mee"): the NLU helps decide.
QUESTION_VERBS = frozenset(
    {"kan", "kun", "kunnen", "mag", "moet", "moeten", "heb", "hebben", "ben", "zijn", "krijg",
     "verdien", "wordt", "word", "is", "werk", "werken", "zit", "zitten", "hoef", "hoeven", "ga",
     "gaat", "doe", "doen", "bestaat", "telt", "helpt", "heeft", "leer", "leren"}
)  # fmt: skip
SUBJECTS = frozenset({"ik", "je", "jij", "u", "we", "wij", "er", "dat", "het", "dit", "ze", "men"})


def explicit_request(text: str) -> str | None:
    """The request that ``text`` plainly makes, or None.

    Looked at in a fixed order: erasing and "what do you know about me" before
    pausing and going back, so "stop en verwijder alles" erases.
    """
    normalized = normalize(text)
    if not normalized:
        return None
    for kind, pattern in _PATTERNS:
        found = pattern.search(normalized)
        if found is None or _ruled_out(kind, normalized, found):
            continue
        return kind
    return None


def _asks_about_breaks(normalized: str) -> bool:
    """A question about breaks at work, not about the person pausing: no "ik" or "we"."""
    words = normalized.split()
    question = (bool(words) and words[0] in QUESTION_WORDS) or asks_in_general(normalized)
    return question and not {"ik", "we", "wij", "mij", "me"} & set(words)


#: Words about the customer: a message with them tells how one works, it asks for nothing.
ABOUT_THE_CUSTOMER = frozenset(
    {"klant", "klanten", "hem", "haar", "beller", "bellers", "meneer", "mevrouw"}
)
#: Words that say something happens again and again: a habit is told, not a request made.
HABIT = frozenset({"steeds", "telkens", "elke", "iedere"})
#: "als ik ...", "stel dat ...": what follows is supposed, not asked for.
IF_CLAUSE = re.compile(r"\b(als|stel dat|wat als|indien|mocht) (ik|je|jij|u)\b")
#: What is erased when editing a text: "de fouten wissen" erases no data.
EDITING = frozenset(
    {"fouten", "foutjes", "typfouten", "spelfouten", "tikfouten", "tekst", "woorden", "zinnen",
     "letters", "typos"}
)  # fmt: skip
#: "ik pauzeer niet", "kan ik mijn gegevens later laten verwijderen": no request now.
_NOT_NOW = re.compile(r"\b(later|straks|ooit|altijd|toch)\b")


def _ruled_out(kind: str, normalized: str, found: re.Match[str]) -> bool:
    """A request word negated right after it, or erasing that is only asked about for later."""
    after = normalized[found.end() :].split()
    before = normalized[: found.start()].split()
    if kind in {PAUSE, GO_BACK, RESTART} and (after[:1] == ["niet"] or before[-1:] == ["niet"]):
        return True
    if kind == PAUSE and before[-1:] == ["geen"]:
        return True  # "ik neem geen pauze als het druk is"
    if kind == PAUSE and _asks_about_breaks(normalized):
        return True  # "hoeveel pauze krijg je per dienst": a question about the work
    words = set(normalized.split())
    if kind in FLOW_REQUESTS and IF_CLAUSE.search(" ".join(before)):
        return True  # "wat gebeurt er als ik een fout antwoord geef": a question, no request
    if kind in FLOW_REQUESTS and (ABOUT_THE_CUSTOMER & words or HABIT & set(before)):
        return True  # "ik ga met hem terug naar het begin", "ik moet steeds opnieuw beginnen"
    if kind == DELETE and EDITING & words:
        return True  # "ik lees hem na en wis de fouten"
    return kind == DELETE and bool(_NOT_NOW.search(normalized))


#: Words without which "what do you know about me" is never meant ("mijn kat heet Pip").
PERSONAL_DATA_WORDS = frozenset(
    {"gegevens", "data", "info", "informatie", "antwoorden", "antwoord", "bewaard", "bewaar",
     "bewaart", "bewaren", "opgeslagen", "opslaan", "sla", "weet", "weten", "privacy", "avg",
     "uitslag", "opgeschreven", "bijgehouden", "onthouden", "onthoud", "vastgelegd", "naam",
     "nummer", "telefoonnummer", "ingevuld", "download", "downloaden", "inzien"}
)  # fmt: skip


def mentions_personal_data(text: str) -> bool:
    """Whether the words are about the person's data at all, for "wat weet je van mij"."""
    return bool(PERSONAL_DATA_WORDS & set(normalize(text).split()))


#: Prepositions that may come before the question word: "in welke branches", "bij wie".
QUESTION_PREPOSITIONS = frozenset({"in", "bij", "voor", "met", "op", "naar", "van", "tot", "vanaf"})


def starts_with_question_word(text: str) -> bool:
    words = normalize(text).split()
    return bool(words) and words[0] in QUESTION_WORDS


def starts_with_question_phrase(text: str) -> bool:
    """A preposition, then the question word: "in welke sectoren", "bij wie".

    Weaker than a question word first: "met wie dan ook" can open an answer.
    """
    words = normalize(text).split()
    return len(words) >= 2 and words[0] in QUESTION_PREPOSITIONS and words[1] in QUESTION_WORDS


def starts_like_question(text: str) -> bool:
    """Verb before subject, as Dutch questions start: "kan ik", "is er", "moet je"."""
    words = normalize(text).split()
    return len(words) >= 2 and words[0] in QUESTION_VERBS and words[1] in SUBJECTS


#: Subjects after a leading verb that hardly open an answer about oneself: "moet je veel
#: typen", "is er veel werk", "werken daar jonge mensen" (unlike "heb ik geen moeite mee").
GENERAL_SUBJECTS = frozenset({"je", "jij", "u", "jullie", "er", "men", "daar", "ze"})


def asks_in_general(text: str) -> bool:
    """Verb first, then a subject other than "ik": a question about the work, not an answer."""
    words = normalize(text).split()
    return len(words) >= 3 and words[0] in QUESTION_VERBS and words[1] in GENERAL_SUBJECTS


def looks_like_question(text: str) -> bool:
    """A question mark, a question word first, or verb before subject."""
    return (
        "?" in text
        or starts_with_question_word(text)
        or starts_with_question_phrase(text)
        or starts_like_question(text)
    )
