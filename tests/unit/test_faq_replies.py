"""Questions about the work: one answer, a choice of topics, or no answer."""

from __future__ import annotations

import pytest

from bot.advice.faq import load_facts, render_answer
from bot.advice.rules import load_advice
from bot.conversation.faq_replies import (
    NO_TOPIC,
    NOT_PLACED,
    WHICH_TOPIC,
    faq_reply,
    out_of_scope_reply,
    topic_payload,
)
from bot.understanding.faq_topics import (
    UNPLACED_OFFER_PROBABILITY,
    choose_topic,
    load_examples,
    offer_for_unplaced,
    rank_topics,
)


@pytest.fixture(scope="module")
def topics():
    return load_facts()


def reply(text, assessment, topics, tapped=None):
    return faq_reply(text, tapped, topics, assessment, load_advice(assessment))


def test_every_topic_has_examples_and_its_first_example_is_answered(assessment, topics):
    examples = load_examples()
    assert set(examples) == {t.id for t in topics}
    for topic in topics:
        message = reply(examples[topic.id][0], assessment, topics)
        assert message.text.endswith(render_answer(topic, assessment)), topic.id
        assert not message.buttons


def test_a_question_between_topics_offers_the_closest_as_buttons(assessment, topics, monkeypatch):
    """Two topics about as likely: both as buttons (the ranking is fixed here, the model's
    own numbers move with every example added)."""
    import bot.understanding.faq_topics as faq_topics

    ranked = (("thuiswerken", 0.42), ("uren_parttime", 0.38), ("salaris", 0.08), ("loopbaan", 0.04))
    monkeypatch.setattr(faq_topics, "rank_topics", lambda text: ranked)
    text = "kan ik thuis en parttime werken"
    choice = choose_topic(text)
    assert choice.answer is None and choice.offered == ("thuiswerken", "uren_parttime", "salaris")
    message = reply(text, assessment, topics)
    assert message.text == WHICH_TOPIC
    by_id = {t.id: t for t in topics}
    assert [b.payload for b in message.buttons] == [topic_payload(by_id[t]) for t in choice.offered]
    assert all(len(b.title) <= 20 for b in message.buttons)


def test_a_tapped_topic_is_answered_whatever_the_text(assessment, topics):
    salaris = next(t for t in topics if t.id == "salaris")
    message = reply('/faq{"faq_topic": "salaris"}', assessment, topics, tapped="salaris")
    assert message.text == render_answer(salaris, assessment) and not message.buttons


def test_nothing_close_says_so(assessment, topics):
    message = reply("qwerty zxcv", assessment, topics)
    assert message.text in {NO_TOPIC, WHICH_TOPIC}
    if not choose_topic("qwerty zxcv").offered:
        assert message.text == NO_TOPIC


def test_own_work_gets_the_carry_over_text(assessment, topics):
    advice = load_advice(assessment)
    message = faq_reply(
        "ik heb in een kledingwinkel gestaan, heb ik daar wat aan?",
        "ervaring",
        topics,
        assessment,
        advice,
    )
    assert message.text.startswith(advice.related_work["winkel"])


def test_out_of_scope_offers_topics_only_when_one_is_likely(topics, monkeypatch):
    close = "kan ik met mijn laptop thuis werken voor ze"
    assert rank_topics(close)[0][1] >= UNPLACED_OFFER_PROBABILITY
    message = out_of_scope_reply(close, topics)
    assert message is not None and message.text == NOT_PLACED
    by_id = {t.id: t for t in topics}
    offered = offer_for_unplaced(close)
    assert "thuiswerken" in offered
    assert [b.payload for b in message.buttons] == [topic_payload(by_id[i]) for i in offered]
    # No topic likely (the ranking is fixed: the model's numbers move with every example).
    import bot.understanding.faq_topics as faq_topics

    far = (("mijn_gegevens", UNPLACED_OFFER_PROBABILITY - 0.01), ("wie_werkt", 0.25))
    monkeypatch.setattr(faq_topics, "rank_topics", lambda text: far)
    assert out_of_scope_reply("wie wint het songfestival", topics) is None


def test_topic_only_examples_name_known_topics_and_skip_the_held_out_set(topics):
    """bot/content/faq_examples.yml teaches the topic model only; it must not leak the
    held-out questions that `make nlu-heldout` measures."""
    from bot.understanding.faq_topics import load_topic_only_examples
    from tests.conftest import ROOT

    extra = load_topic_only_examples()
    assert extra and set(extra) <= {t.id for t in topics}
    held_out = (ROOT / "tests/data/nlu_heldout/faq.yml").read_text(encoding="utf-8")
    held = {
        line.strip()[2:].strip() for line in held_out.splitlines() if line.strip().startswith("- ")
    }
    assert not held & {q for questions in extra.values() for q in questions}


def test_nothing_to_pause_answers_with_the_check_length_topic(assessment, topics):
    from bot.advice.faq import render_answer
    from bot.conversation.faq_replies import PAUSE_TOPIC, nothing_to_pause_reply

    topic = next(t for t in topics if t.id == PAUSE_TOPIC)
    reply = nothing_to_pause_reply(topics, assessment)
    assert render_answer(topic, assessment) in reply
    assert reply.startswith("Er staat nu geen vraag open.")
