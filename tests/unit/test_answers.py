from __future__ import annotations

import pytest

from bot.check.assessment import ContentError, load_assessment
from bot.understanding.answer_parser import DONT_KNOW_VIA, Outcome, normalize, parse_answer
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("text", "option_id"),
    [
        ("1", "helemaal_niet"),
        ("2", "niet"),
        ("de tweede", "niet"),
        ("optie 4", "wel"),
        ("nummer 3", "soms"),
        ("de laatste", "helemaal"),
        ("5.", "helemaal"),
        ("Klopt helemaal niet!", "helemaal_niet"),
        ("ja klopt wel", "wel"),
        ("niet echt", "niet"),
        ("bijna nooit", "niet"),
        ("gaat wel", "soms"),
        ("zeker weten", "helemaal"),
        ("klopt helmaal", "helemaal"),
        ("100%", "helemaal"),
        ("Klopt", "wel"),
    ],
)
def test_scale_answers(assessment, text, option_id):
    result = parse_answer(assessment.question("comm_luisteren"), text)
    assert result.outcome is Outcome.MATCHED
    assert result.option.id == option_id


@pytest.mark.parametrize("text", ["6", "0", "ehh", "banaan", "xqzw"])
def test_unclear_scale_answers_are_not_guessed(assessment, text):
    result = parse_answer(assessment.question("comm_luisteren"), text)
    assert result.option is None
    assert result.outcome is Outcome.UNKNOWN


def test_two_numbers_ask_which_one(assessment):
    result = parse_answer(assessment.question("comm_luisteren"), "2 of 3")
    assert result.outcome is Outcome.CLARIFY
    assert [o.id for o in result.candidates] == ["niet", "soms"]


def test_empty_answer(assessment):
    assert parse_answer(assessment.question("comm_luisteren"), "  !! ").outcome is Outcome.EMPTY


@pytest.mark.parametrize(
    ("text", "option_id", "via"),
    [
        ("verkoopster bij de hema", "winkel", "model"),
        ("ik was serveerster", "horeca", "words"),
        ("ik was serveester", "horeca", "words"),
        ("administratief", "administratie", "text"),
        ("callcenter", "klantcontact", "text"),
        ("kapper", "anders", "free text"),
        ("2", "horeca", "number"),
    ],
)
def test_occupation_in_free_text(assessment, text, option_id, via):
    result = parse_answer(assessment.question("beroep"), text)
    assert result.option.id == option_id
    assert result.via == via


def test_occupation_that_fits_two_options_asks_which(assessment):
    result = parse_answer(assessment.question("beroep"), "kassa en bediening")
    assert result.outcome is Outcome.CLARIFY
    assert {o.id for o in result.candidates} == {"horeca", "winkel"}


@pytest.mark.parametrize("text", ["12345", "xqzw", "??", "ok"])
def test_free_text_needs_a_real_word(assessment, text):
    assert parse_answer(assessment.question("beroep"), text).option is None


@pytest.mark.parametrize(
    ("question_id", "text", "option_id"),
    [
        ("comm_boze_klant", "ik laat hem uitpraten", "uitpraten"),
        ("comm_boze_klant", "doorverbinden", "doorverbinden"),
        ("comm_boze_klant", "Ik leg meteen uit hoe het bezorgen werkt", "uitleggen"),
        ("talen", "engels en turks", "meer"),
        ("talen", "turks", "andere"),
        ("tijden", "alleen s avonds", "avond"),
        ("opleiding", "mbo 3", "mbo34"),
        ("kanaal", "liever chatten", "schriftelijk"),
        ("toestemming", "ja hoor", "ja"),
        ("toestemming", "liever niet", "nee"),
    ],
)
def test_other_questions(assessment, question_id, text, option_id):
    assert parse_answer(assessment.question(question_id), text).option.id == option_id


def test_normalize_strips_accents_and_punctuation():
    assert normalize("  Één, Twéé!  ") == "een twee"
    assert normalize("'s avonds") == "s avonds"


@pytest.mark.parametrize(
    ("question_id", "text", "option_id"),
    [
        ("tijden", "avond en weekend allebei prima", "beide"),
        ("tijden", "woensdagavond en zaterdag kan ik", "beide"),
        ("tijden", "avond en weekend is geen probleem", "beide"),
        ("kanaal", "bellen en chatten vind ik allebei leuk", "beide"),
        ("talen", "engels spaans en frans", "meer"),
        ("talen", "arabisch, engels en een beetje frans", "meer"),
    ],
)
def test_an_answer_naming_every_part_picks_the_combined_option(
    assessment, question_id, text, option_id
):
    parsed = parse_answer(assessment.question(question_id), text)
    assert parsed.matched and parsed.option.id == option_id
    assert parsed.via == "combination"


@pytest.mark.parametrize(
    ("question_id", "text"),
    [
        ("tijden", "weekenden ja, avonden nee"),
        ("tijden", "weekend wel, avond niet"),
        ("tijden", "niet in de avond en niet in het weekend"),
        ("tijden", "avonden wel, weekend is voor mijn kinderen"),
        ("kanaal", "schrijven, bellen vind ik eng"),
        ("talen", "alleen engels, geen frans"),
    ],
)
def test_naming_both_parts_while_ruling_one_out_is_no_combination(assessment, question_id, text):
    parsed = parse_answer(assessment.question(question_id), text)
    assert not (parsed.matched and parsed.option.combines)


def test_combines_must_name_other_options_of_the_question(tmp_path):
    from bot.check.assessment import load_assessment
    from bot.content_files import ContentError

    source = tmp_path / "q.yml"
    text = (ROOT / "bot/content/questions.yml").read_text(encoding="utf-8")
    source.write_text(text.replace("combines: [avond, weekend]", "combines: [avond, maandag]"))
    with pytest.raises(ContentError, match="combines"):
        load_assessment(source)


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("1", ["geen", "mbo12"]),
        ("2", ["vmbo", "mbo12"]),
        ("3", ["mbo12", "mbo34"]),
        ("ik kies 3", ["mbo12", "mbo34"]),
    ],
)
def test_a_bare_number_that_a_label_also_names_asks_which(assessment, text, offered):
    """ "3" for the diploma: the third button, or "Mbo niveau 3 of 4"?"""
    result = parse_answer(assessment.question("opleiding"), text)
    assert result.outcome is Outcome.CLARIFY
    assert [o.id for o in result.candidates] == offered


@pytest.mark.parametrize(
    ("text", "option_id"),
    [
        ("4", "mbo34"),
        ("5", "havo_vwo"),
        ("de 3e", "mbo12"),
        ("optie 2", "vmbo"),
        ("mbo 3", "mbo34"),
    ],
)
def test_a_number_that_is_plainly_a_place_or_a_level_is_stored(assessment, text, option_id):
    result = parse_answer(assessment.question("opleiding"), text)
    assert result.outcome is Outcome.MATCHED and result.option.id == option_id


@pytest.mark.parametrize(
    ("question_id", "text", "offered"),
    [
        ("opleiding", "middelbare school", ["vmbo", "havo_vwo"]),
        ("opleiding", "middelbare school in marokko", ["vmbo", "havo_vwo"]),
        ("adm_mail", "een collega laten meelezen", ["nalezen", "collega_laten_doen"]),
        ("adm_mail", "laat een collega meelezen", ["nalezen", "collega_laten_doen"]),
        # A scale's own unclear words hold for every question on it: "of course" names no level.
        ("comm_mensen", "tuurlijk", ["wel", "helemaal"]),
        ("sch_druk", "ja natuurlijk", ["wel", "helemaal"]),
        ("sch_druk", "tuurlijk blijf ik rustig", ["wel", "helemaal"]),
        ("com_verkopen", "mwah", ["soms", "niet"]),
    ],
)
def test_words_that_fit_two_options_ask_which(assessment, question_id, text, offered):
    result = parse_answer(assessment.question(question_id), text)
    assert result.outcome is Outcome.CLARIFY and result.via == "unclear words"
    assert [o.id for o in result.candidates] == offered


@pytest.mark.parametrize(
    ("text", "option_id"),
    [
        ("havo, middelbare school", "havo_vwo"),
        ("middelbare school vmbo tl", "vmbo"),
        ("middelbare school niet afgemaakt", "geen"),
    ],
)
def test_unclear_words_beside_a_plain_option_store_that_option(assessment, text, option_id):
    result = parse_answer(assessment.question("opleiding"), text)
    assert result.outcome is Outcome.MATCHED and result.option.id == option_id


def test_unclear_words_must_name_two_options_of_the_question(tmp_path):
    from bot.check.assessment import load_assessment
    from bot.content_files import ContentError

    source = tmp_path / "q.yml"
    text = (ROOT / "bot/content/questions.yml").read_text(encoding="utf-8")
    source.write_text(text.replace("between: [vmbo, havo_vwo]", "between: [vmbo, lyceum]"))
    with pytest.raises(ContentError, match="unclear"):
        load_assessment(source)


def test_words_alone_store_only_with_a_clear_lead(assessment):
    """A few words of an option with another option close behind: ask, best first."""
    question = assessment.question("ana_twee_vragen")
    result = parse_answer(question, "rekening eerst")
    assert result.outcome is Outcome.CLARIFY
    assert result.candidates[0].id == "alleen_rekening"


@pytest.mark.parametrize(
    ("text", "option_id"),
    [("nog nooit gewerkt, ik was thuis voor de kinderen", "geen"), ("uitzendwerk", None)],
)
def test_no_work_is_not_read_as_another_job(assessment, text, option_id):
    result = parse_answer(assessment.question("beroep"), text)
    assert (result.option.id if result.matched else None) == option_id


@pytest.mark.parametrize(
    ("question_id", "text", "offered"),
    [
        ("comm_mensen", "soms of vaak", ["soms", "wel"]),
        ("com_tevreden", "soms of altijd", ["soms", "helemaal"]),
        ("comm_luisteren", "klopt of klopt helemaal", ["wel", "helemaal"]),
    ],
)
def test_two_levels_of_a_scale_ask_which(assessment, question_id, text, offered):
    result = parse_answer(assessment.question(question_id), text)
    assert result.outcome is Outcome.CLARIFY
    assert [o.id for o in result.candidates] == offered


def test_an_idiom_with_of_is_no_choice_between_two(assessment):
    result = parse_answer(assessment.question("comm_luisteren"), "min of meer")
    assert result.outcome is Outcome.MATCHED and result.option.id == "soms"


@pytest.mark.parametrize(
    ("question_id", "text"), [("tijden", "zondag niet"), ("kanaal", "whatsapp niet")]
)
def test_ruling_out_an_option_is_not_choosing_it(assessment, question_id, text):
    result = parse_answer(assessment.question(question_id), text)
    assert not result.matched


@pytest.mark.parametrize(
    ("question_id", "text", "option_id"),
    [
        ("tijden", "avond niet", "weekend"),  # ruling out another option picks this one
        ("toestemming", "ja geen probleem", "ja"),
        ("toestemming", "nee niet bewaren", "nee"),
        ("com_nee_horen", "dan heb ik snel geen zin meer", "ontmoedigd"),
    ],
)
def test_a_negation_that_rules_out_nothing_of_the_option_still_stores(
    assessment, question_id, text, option_id
):
    result = parse_answer(assessment.question(question_id), text)
    assert result.matched and result.option.id == option_id


@pytest.mark.parametrize(
    ("question_id", "text"),
    [
        ("comm_luisteren", "ik weet het niet"),
        ("comm_mensen", "geen idee joh"),
        ("ana_uitzoeken", "geen idee"),
        ("adm_typen", "geen idee eigenlijk"),
        ("sch_wachtrij", "weet niet"),
        ("ana_niet_weten", "ik weet het ook niet"),
        ("com_nee_horen", "ik zou niet weten"),
        ("sch_wisselen", "geen idee, nooit gedaan"),
        ("adm_typen", "dat weet ik niet, heb het nooit getest"),
        ("opleiding", "kweenie"),
        ("toestemming", "hmm weet ik niet"),
        ("sch_druk", "tja"),
    ],
)
def test_not_knowing_stores_nothing_not_even_the_middle(assessment, question_id, text):
    result = parse_answer(assessment.question(question_id), text)
    assert result.outcome is Outcome.UNKNOWN and result.via == DONT_KNOW_VIA
    assert result.option is None and not result.candidates


@pytest.mark.parametrize(
    ("question_id", "text", "option_id"),
    [
        ("ana_niet_weten", "zeg dat ik het niet weet", "later_proberen"),
        ("comm_mensen", "natuurlijk niet", "niet"),
        ("sch_druk", "tja hangt ervan af", "soms"),
    ],
)
def test_saying_more_than_not_knowing_is_read_as_an_answer(
    assessment, question_id, text, option_id
):
    result = parse_answer(assessment.question(question_id), text)
    assert result.via != DONT_KNOW_VIA
    assert result.outcome is Outcome.MATCHED and result.option.id == option_id


def test_weet_ik_niet_with_a_callback_is_no_plain_not_knowing(assessment):
    result = parse_answer(
        assessment.question("ana_niet_weten"), "weet ik niet, belt u morgen nog eens"
    )
    assert result.via != DONT_KNOW_VIA
    assert (result.option or result.candidates[0]).id == "later_proberen"


def test_a_scale_may_list_unclear_words_for_all_its_questions(tmp_path):
    source = (ROOT / "bot/content/questions.yml").read_text(encoding="utf-8")
    broken = source.replace("between: [wel, helemaal]", "between: [wel, bestaat_niet]")
    path = tmp_path / "questions.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError, match=r"scales\.eens5\.unclear\[0\]\.between"):
        load_assessment(path)
