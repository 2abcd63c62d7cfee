from __future__ import annotations

import pytest

from bot.advice.faq import MAX_TITLE, SOURCE_WITH_YEAR, load_facts, render_answer
from bot.check.assessment import ContentError

TOPICS_IN_ISSUE = {
    "werk_wat", "inbound_outbound", "kanalen", "specialisten", "aantal_werkenden", "sectoren",
    "uren_parttime", "contracten", "salaris", "wie_werkt", "eisen", "opleiding_ksf",
    "vacatures_kans", "loopbaan", "privacy_bellen", "inhouse_facilitair", "crosssell_upsell",
    "webcare", "thuiswerken", "diploma_nodig", "is_test", "mijn_gegevens", "duur_check",
    "leeftijd", "adviseur", "talen", "ervaring",
}  # fmt: skip


def test_every_topic_of_the_issue_has_an_answer():
    assert {t.id for t in load_facts()} == TOPICS_IN_ISSUE


def test_figures_carry_a_source_with_year():
    for topic in load_facts():
        if topic.id in {
            "aantal_werkenden",
            "wie_werkt",
            "loopbaan",
            "contracten",
            "vacatures_kans",
        }:
            assert SOURCE_WITH_YEAR.search(topic.answer), topic.id


def test_salary_answer_admits_the_source_has_no_amounts():
    salary = next(t for t in load_facts() if t.id == "salaris")
    assert "niet in mijn bron" in salary.answer and "werk.nl" in salary.answer


def test_duration_comes_from_the_questions(assessment):
    topic = next(t for t in load_facts() if t.id == "duur_check")
    assert f"{len(assessment.numbered_questions)} korte vragen" in render_answer(topic, assessment)


def test_every_topic_has_a_button_title_that_fits_whatsapp():
    titles = [t.title for t in load_facts()]
    assert all(0 < len(t) <= MAX_TITLE for t in titles)
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("Er werken 141.000 mensen.", "no source with a year"),
        ("Een. Twee. Drie. Vier. Vijf.", "more than 4 sentences"),
    ],
)
def test_bad_facts_are_rejected(tmp_path, answer, problem):
    path = tmp_path / "facts.yml"
    path.write_text(f"topics:\n  - id: x\n    title: X\n    answer: {answer}\n", encoding="utf-8")
    with pytest.raises(ContentError, match=problem):
        load_facts(path)
