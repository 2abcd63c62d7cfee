"""The plain-language functions in bot/content_quality/readability.py (pure, no content files)."""

from __future__ import annotations

import pytest

from bot.content_quality.readability import (
    Jargon,
    flesch_douma,
    jargon_from_mapping,
    long_sentences,
    sentences,
    stats,
    syllables,
    undated_figures,
    unexplained_jargon,
    words,
)


def test_sentences_split_on_end_marks_lines_and_list_items():
    text = "Hoi! Dit is zin twee. Kun je 141.000 lezen?\nJe kunt typen:\n- 'pauze' om te stoppen"
    assert sentences(text) == [
        "Hoi!",
        "Dit is zin twee.",
        "Kun je 141.000 lezen?",
        "Je kunt typen:",
        "'pauze' om te stoppen",
    ]


def test_a_source_bracket_stays_with_its_sentence():
    assert sentences("Het meeste werk is inbound (UWV, 2017). Daarna iets.") == [
        "Het meeste werk is inbound (UWV, 2017).",
        "Daarna iets.",
    ]


def test_links_and_placeholders_are_single_words_and_do_not_end_sentences():
    assert words("Kijk op werk.nl of https://example.org/a.b en duurt {minutes} minuten") == [
        "Kijk", "op", "werk.nl", "of", "link", "en", "duurt", "iets", "minuten",
    ]  # fmt: skip
    assert len(sentences("Lees https://example.org/x. Dan verder.")) == 2


def test_numbers_and_percentages_are_one_word():
    assert words("Bijna 30% van 141.000 mensen, in 2015-2016.") == [
        "Bijna", "30%", "van", "141.000", "mensen", "in", "2015-2016",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("klant", 1),
        ("klantcontact", 3),
        ("medewerker", 4),
        ("opleiding", 3),  # "ei" is one vowel group
        ("zeeuw", 1),
        ("ideeën", 3),  # the diaeresis starts a new syllable
        ("geïnteresseerd", 5),
        ("'s", 1),  # at least one
        ("141.000", 2),  # a number counts as two
    ],
)
def test_syllables_are_vowel_groups(word, count):
    assert syllables(word) == count


def test_flesch_douma_follows_the_formula():
    # 2 sentences, 8 words, 9 syllables: 206.84 - 0.77 * 112.5 - 0.93 * 4 = 116.5
    text = "Ik werk graag. Jij helpt de klanten thuis."
    found = stats(text)
    assert (found.sentences, found.words, found.syllables) == (2, 8, 9)
    assert flesch_douma(text) == pytest.approx(206.84 - 0.77 * 112.5 - 0.93 * 4)


def test_plain_dutch_scores_higher_than_officialese():
    plain = "Je helpt klanten. Je praat met ze. Je lost hun vraag op."
    hard = (
        "Medewerkers klantcontact dragen bij aan klanttevredenheid en klantenbinding door "
        "adequate beantwoording van informatieve, adviserende en commerciële contacten."
    )
    assert flesch_douma(plain) > 80 > 20 > flesch_douma(hard)


def test_several_texts_are_scored_together():
    assert flesch_douma(["Ik werk graag.", "Jij helpt de klanten thuis."]) == pytest.approx(
        flesch_douma("Ik werk graag. Jij helpt de klanten thuis.")
    )


def test_long_sentences_counts_words():
    text = " ".join(["woord"] * 21) + ". Kort."
    assert long_sentences(text, 20) == [" ".join(["woord"] * 21) + "."]
    assert long_sentences(text, 21) == []


WEBCARE = Jargon("webcare", "klanten helpen via chat", ("webcare",))
KSF = Jargon("KSF", "Klantenservice Federatie", ("KSF",))
WFT = Jargon("Wft", "de wet", ("Wft", "WFT"))
OUTBOUND = Jargon("outbound", "zelf bellen", ("outbound",))


@pytest.mark.parametrize(
    "text",
    [
        "Je werkt in webcare (klanten helpen via chat en sociale media).",
        "Het certificaat van de Klantenservice Federatie (KSF) is kort.",
        "Denk aan verkoop vanaf kantoor (commercieel medewerker binnendienst of KSF).",
        "Webcare is: klanten helpen via sociale media.",
        "Bij webcare help je klanten via chat. Webcare is leuk.",
        "Zelf klanten bellen heet outbound.",
        "Dan is een Wft-diploma (Wft: de wet voor financiële diensten) verplicht.",
        "Dit gaat niet over jargon.",
    ],
)
def test_jargon_explained_where_it_is_first_used(text):
    assert unexplained_jargon(text, [WEBCARE, KSF, WFT, OUTBOUND]) == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Denk aan werk in webcare.", "webcare"),
        ("Het meeste werk is outbound (UWV, 2017).", "outbound"),  # a source is no explanation
        ("Regel het bij de KSF. De Klantenservice Federatie (KSF) helpt.", "KSF"),  # too late
        ("Je hebt WFT-basis nodig (Wft, 2026).", "Wft"),
        ("Webcarewerk vind ik leuk.", "webcare"),  # a longer word counts too
        ("In de webcare doe je veel.", "webcare"),  # "In de webcare" is not "Bij webcare"
    ],
)
def test_unexplained_jargon_is_found(text, term):
    assert unexplained_jargon(text, [WEBCARE, KSF, WFT, OUTBOUND]) == [term]


def test_capital_forms_match_only_in_capitals():
    bol = Jargon("BOL", "vooral school", ("BOL",))
    assert unexplained_jargon("Een bol wol.", [bol]) == []
    assert unexplained_jargon("Je doet BOL.", [bol]) == ["BOL"]


def test_jargon_file_entries_accept_a_text_or_forms():
    found = jargon_from_mapping({"cao": "afspraken", "Wft": {"explain": "wet", "forms": ["WFT"]}})
    assert found == (Jargon("cao", "afspraken", ("cao",)), Jargon("Wft", "wet", ("Wft", "WFT")))
    with pytest.raises(ValueError, match="cao"):
        jargon_from_mapping({"cao": 3})


@pytest.mark.parametrize(
    "text",
    [
        "In 2015-2016 werkten ongeveer 141.000 mensen in klantcontact.",
        "Dat was bijna 2% van alle werkenden (CBS, in UWV 2017).",
        "De meesten waren jonger dan 45 (CBS, 2014-2016).",
        "Sinds 1 juli 2021 mag dat niet meer.",
        "De check duurt ongeveer {minutes} minuten.",  # a setting of the bot, not a figure
        "Een opleiding op mbo-niveau 3, mbo 1 of 2 of niveau 4.",  # a level, not a figure
        "Geen cijfers hier.",
    ],
)
def test_dated_figures_and_non_figures_pass(text):
    assert undated_figures(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Er werken 80.000 mensen.",
        "Zo'n 15% werkt parttime.",
        "6 op de 10 medewerkers zijn vrouw.",
        "Een medewerker blijft 26 maanden. Dat was in 2016.",  # the year must be in the sentence
    ],
)
def test_a_figure_without_a_year_is_found(text):
    assert undated_figures(text) == [sentences(text)[0]]
