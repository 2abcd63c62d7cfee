"""The plain-language, dated-figure and sources checks over the real content."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.advice.faq import load_facts
from bot.advice.rules import load_advice
from bot.cli import cli
from bot.content_quality.content_checks import (
    MAX_SENTENCE_WORDS,
    MIN_OVERALL_SCORE,
    MIN_TEXT_SCORE,
    Text,
    bot_texts,
    load_jargon,
    overall_score,
    text_problems,
)
from bot.content_quality.readability import Jargon
from bot.content_quality.sources_table import (
    END,
    START,
    TODO,
    Row,
    claims,
    read_rows,
    sources_problems,
    table_problems,
    updated_document,
)


@pytest.fixture(scope="module")
def content(assessment):
    return load_advice(assessment)


@pytest.fixture(scope="module")
def texts(assessment, content):
    return bot_texts(assessment, content, load_facts())


def test_every_text_the_bot_can_send_passes(texts):
    assert text_problems(texts, load_jargon()) == []
    assert overall_score(texts) >= MIN_OVERALL_SCORE


def test_the_texts_cover_responses_facts_advice_questions_and_messages(texts, content):
    where = " ".join(t.where for t in texts)
    for part in ("domain.yml: utter_intro", "facts.yml: salaris", "questions.yml: opleiding.why",
                 "questions.yml: comm_luisteren.hint", "advice.yml: kans_op_werk",
                 "advice.yml: related_work.horeca", "faq_replies.py: NO_TOPIC", "result for (max)",
                 "advice for (max, opleiding=hbo_wo)", "why advice for (min)"):  # fmt: skip
        assert part in where, part
    for route in content.routes:
        assert f"advice.yml: {route.id}" in where
    rendered = " ".join(t.text for t in texts if t.rendered)
    assert "Ook mogelijk:" in rendered and "Werk dat bij je past:" in rendered


def test_the_first_message_explains_its_jargon_or_has_none(texts):
    intro = next(t for t in texts if t.where == "domain.yml: utter_intro[0]")
    assert "webcare" not in intro.text.lower()


JARGON = (Jargon("webcare", "klanten helpen via chat", ("webcare",)),)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (Text("x", " ".join(["woord"] * (MAX_SENTENCE_WORDS + 1)) + "."), "sentence of 21 words"),
        (Text("x", "Denk aan webcare."), "'webcare' is not explained"),
        (Text("x", "Er werken 80.000 mensen.", factual=True), "figure without a year"),
        (Text("x", "Medewerkers klantcontact realiseren adequate beantwoording van "
                   "informatieve, adviserende en commerciële klantcontacten via verschillende "
                   "communicatiekanalen. Organisaties verwachten professionaliteit, "
                   "klantgerichtheid, oplossingsgerichtheid, nauwkeurigheid en "
                   "stressbestendigheid van medewerkers klantcontact. Professionele "
                   "klantcontactorganisaties investeren structureel in opleidingsmogelijkheden."),
         f"< {MIN_TEXT_SCORE}"),
    ],
)  # fmt: skip
def test_a_text_that_breaks_a_rule_is_named(text, problem):
    found = text_problems([text], JARGON)
    assert any(p.startswith("x: ") and problem in p for p in found), found


def test_buttons_are_checked_for_length_only_and_facts_only_for_figures():
    assert text_problems([Text("b", "Webcare", button=True)], JARGON) == []
    assert text_problems([Text("m", "Vraag 1 van 25.")], JARGON) == []
    long_button = Text("b", " ".join(["knop"] * 21), button=True)
    assert text_problems([long_button], JARGON) == [
        "b: sentence of 21 words: " + repr(long_button.text)
    ]


def test_hard_texts_together_fail_the_overall_score():
    hard = Text("x", "Klantcontactmedewerkers realiseren klanttevredenheid.")
    assert any(p.startswith("all texts together") for p in text_problems([hard], ()))


def test_the_jargon_file_names_the_words_from_the_issue():
    terms = {j.term.lower() for j in load_jargon()}
    assert {"webcare", "inbound", "outbound", "cao", "payroll", "bol", "bbl", "wft"} <= terms


# --- docs/sources.md -------------------------------------------------------------------


def test_every_claim_is_in_the_sources_table(assessment, content):
    found = claims(assessment, content, load_facts())
    assert {"faq.privacy_bellen", "route.ksf_branchecertificaat", "role.helpdesk",
            "note.kans_op_werk", "work.winkel", "group.commercieel", "why.com_kans"} <= set(found)  # fmt: skip
    assert sources_problems(found) == []


def test_claims_from_outside_the_seed_say_when_they_were_checked(assessment, content):
    from bot.content_quality.sources_table import SOURCES_FILE

    rows = read_rows(SOURCES_FILE.read_text("utf-8"))
    for key in ("faq.privacy_bellen", "faq.diploma_nodig", "role.specialist_financieel",
                "route.ksf_branchecertificaat", "faq.opleiding_ksf"):  # fmt: skip
        assert "2026-11" in rows[key].checked, key


def row(key: str, text: str, source: str = "Seed, 'Salaris'", checked: str = "2017") -> str:
    return f"| `{key}` | {text} | {source} | {checked} |"


def test_table_problems_name_missing_changed_unknown_and_unsourced_rows():
    found = {"faq.a": "Tekst a.", "faq.b": "Tekst b.", "faq.c": "Tekst c."}
    rows = read_rows(
        "\n".join(
            [row("faq.a", "Tekst a."), row("faq.b", "Oude tekst."),
             row("faq.c", "Tekst c.", source=TODO), row("faq.gone", "Weg.")]
        )
    )  # fmt: skip
    assert rows["faq.a"] == Row("faq.a", "Tekst a.", "Seed, 'Salaris'", "2017")
    assert table_problems(found, rows) == [
        "faq.b: the text changed; check its source, then update the row",
        "faq.c: needs a source and the date it was checked",
        "faq.gone: no such claim in the content",
    ]
    assert table_problems({**found, "faq.d": "D."}, rows)[2].startswith("faq.d: missing")


def test_writing_the_table_keeps_sources_and_adds_todo_for_new_claims():
    document = f"# Sources\n\nIntro.\n\n{START}\n{row('faq.a', 'Oud.')}\n{END}\n\nAfter.\n"
    written = updated_document(document, {"faq.a": "Nieuw | met streep.", "faq.b": "B."})
    assert written.startswith("# Sources\n\nIntro.\n") and written.endswith("\n\nAfter.\n")
    rows = read_rows(written)
    assert rows["faq.a"] == Row("faq.a", "Nieuw | met streep.", "Seed, 'Salaris'", "2017")
    assert rows["faq.b"].source == TODO
    assert table_problems({"faq.a": "Nieuw | met streep.", "faq.b": "B."}, rows) == [
        "faq.b: needs a source and the date it was checked"
    ]


def test_check_content_reports_the_plain_language_and_sources_checks():
    result = CliRunner().invoke(cli, ["check-content"])
    assert result.exit_code == 0, result.output
    assert "plain language OK" in result.output and "docs/sources.md OK" in result.output


def test_sources_command_exits_0_when_the_table_is_up_to_date():
    result = CliRunner().invoke(cli, ["sources"])
    assert result.exit_code == 0, result.output
