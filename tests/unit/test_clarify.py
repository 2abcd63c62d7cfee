"""The reply to a "Bedoel je ...?": a tap, "ja", "nee" or a button's number."""

from __future__ import annotations

import pytest

from bot.conversation.apply_answer import apply_answer
from bot.conversation.messages import OTHER_LABEL, clarify_message, dont_know_message
from bot.understanding.clarify import Offer, read_reply


def test_offer_round_trips_through_the_slot():
    offer = Offer("beroep", ("horeca", "receptie"))
    assert Offer.decode(offer.encode()) == offer
    assert Offer.decode(None) is None and Offer.decode("rubbish") is None


@pytest.mark.parametrize(
    ("text", "picked", "none"),
    [("ja", "wel", False), ("jup", "wel", False), ("1", "wel", False), ("2", None, True),
     ("nee", None, True), ("iets anders", None, True)],
)  # fmt: skip
def test_reply_to_one_offered_option(assessment, text, picked, none):
    question = assessment.question("comm_luisteren")
    reply = read_reply(question, Offer(question.id, ("wel",)), text)
    assert (reply.option.id if reply.option else None) == picked
    assert reply.none_of_these is none


def test_numbers_refer_to_the_buttons_shown(assessment):
    question = assessment.question("beroep")
    offer = Offer(question.id, ("horeca", "receptie"))
    assert read_reply(question, offer, "2").option.id == "receptie"
    assert read_reply(question, offer, "3").none_of_these
    assert read_reply(question, offer, "ja").which_one  # "ja" to two options: ask which one
    assert read_reply(question, Offer("talen", ("engels",)), "1") is None  # another question


def test_apply_answer_takes_ja_after_bedoel_je(assessment):
    answers = {"toestemming": "nee"}
    step = apply_answer(assessment, answers, None, "kassa en bediening")
    offered = [o.id for o in step.clarify]
    assert not step.accepted and set(offered) == {"horeca", "winkel"}
    offer = Offer("beroep", tuple(offered))
    step = apply_answer(assessment, answers, None, str(offered.index("winkel") + 1), offer)
    assert step.accepted and step.answers["beroep"] == "winkel"


def test_clarify_message_offers_the_options_and_something_else(assessment):
    question = assessment.question("comm_luisteren")
    message = clarify_message(question, (question.option("wel"),))
    assert message.text == "Bedoel je 'Klopt'? Tik op je antwoord."
    assert [b.title for b in message.buttons] == ["Klopt", OTHER_LABEL]


def test_ja_to_two_options_asks_again_and_stores_nothing(assessment):
    answers = {**{"toestemming": "nee"}, **{q.id: q.options[0].id for q in assessment.intake}}
    offer = Offer("comm_luisteren", ("niet", "helemaal_niet"))
    step = apply_answer(assessment, answers, None, "ja", offer)
    assert not step.accepted and [o.id for o in step.clarify] == ["niet", "helemaal_niet"]


def test_not_knowing_on_a_scale_is_fine_and_names_the_middle(assessment):
    answers = {**{"toestemming": "nee"}, **{q.id: q.options[0].id for q in assessment.intake}}
    step = apply_answer(assessment, answers, None, "geen idee joh")
    assert not step.accepted and not step.clarify and step.answers == answers
    (message,) = step.messages
    assert message.startswith("Dat geeft niet.") and "'Soms wel, soms niet'" in message
    assert "Sorry" not in message


def test_not_knowing_elsewhere_is_fine_and_gives_the_hint(assessment):
    question = assessment.question("toestemming")
    step = apply_answer(assessment, {}, None, "weet ik niet")
    assert not step.accepted and step.messages == (dont_know_message(question),)
    assert step.messages[0].startswith("Dat geeft niet.") and question.hint in step.messages[0]
