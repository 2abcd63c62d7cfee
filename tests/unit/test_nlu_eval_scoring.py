"""How `make nlu-eval` scores the FAQ: which rules' own replies count as answering a topic."""

from __future__ import annotations

from scripts.nlu_eval.measure import ROUNDS, credited_rules, score_faq

ITEMS = [
    {"text": "wat weet je allemaal over mij", "topic": "mijn_gegevens"},
    {"text": "kan ik pauzeren", "topic": "duur_check"},
    {"text": "kan ik een mens spreken", "topic": "adviseur"},
    {"text": "ben je een robot", "topic": "out_of_scope"},
]
INTENTS = {
    "wat weet je allemaal over mij": "show_my_data",
    "kan ik pauzeren": "pause",
    "kan ik een mens spreken": "bot_challenge",
    "ben je een robot": "bot_challenge",
}


def intent_of(text: str) -> tuple[str | None, float]:
    return INTENTS[text], 0.99


def test_each_round_credits_its_own_rules_and_the_earlier_ones():
    assert credited_rules("none") == {}
    assert credited_rules("third") == {"share_code": "adviseur", "bot_challenge": "adviseur"}
    assert credited_rules(ROUNDS[-1])["pause"] == "duur_check"


def test_scoring_as_of_a_round():
    assert score_faq(ITEMS, intent_of, as_of="none").offered_right == 0
    assert score_faq(ITEMS, intent_of, as_of="third").offered_right == 1
    latest = score_faq(ITEMS, intent_of)
    assert latest.offered_right == latest.first_right == latest.questions == 3


def test_a_rule_reply_never_counts_as_answering_an_out_of_scope_question():
    scores = score_faq(ITEMS, intent_of)
    assert scores.out_of_scope == scores.out_of_scope_right == 1
