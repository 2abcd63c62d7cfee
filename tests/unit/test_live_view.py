"""The demo's live view: scores, bands, intake answers and consent as the check goes."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
import yaml

from bot import runtime
from bot.adviser.accounts import AdviserAccounts
from bot.adviser.live import live_progress
from bot.check.assessment import Assessment, Question
from bot.check.scoring import band_for, round_half_up, score
from tests.conftest import ROOT, all_answers
from tests.unit.test_adviser_web import PASSWORD, _client, login, make_app

SENDER = "0123456789abcdef" * 2
LIVE_JS = ROOT / "bot" / "web" / "static" / "widget" / "live.js"


def best(question: Question) -> str:
    return max(question.options, key=lambda o: o.points or 0).id


def worst(question: Question) -> str:
    return min(question.options, key=lambda o: o.points or 0).id


def with_consent(assessment: Assessment, **answers: str) -> dict[str, str]:
    return {assessment.consent.id: "ja", **answers}


def test_each_group_gets_the_band_of_its_own_score(assessment):
    first, second = assessment.groups[0], assessment.groups[1]
    answers = with_consent(
        assessment,
        **{q.id: best(q) for q in first.questions},
        **{q.id: worst(q) for q in second.questions},
    )
    groups = {g["id"]: g for g in live_progress(assessment, answers)["groups"]}
    assert groups[first.id]["score"] == 100
    assert (groups[first.id]["band_id"], groups[first.id]["band"]) == ("sterk", "sterk")
    assert groups[second.id]["score"] == 0
    assert (groups[second.id]["band_id"], groups[second.id]["band"]) == ("zwak", "nog lastig")
    untouched = groups[assessment.groups[2].id]
    assert untouched["score"] is None and untouched["band_id"] is None


def test_a_group_score_so_far_counts_only_its_answered_questions(assessment):
    group = assessment.groups[0]
    one, two = group.questions[0], group.questions[1]
    answers = with_consent(assessment, **{one.id: best(one), two.id: worst(two)})
    live = live_progress(assessment, answers)["groups"][0]
    assert live["answered"] == 2 and live["questions"] == len(group.questions)
    assert live["score"] == 50 and live["band_id"] == band_for(50).id == "redelijk"


def test_overall_so_far_is_the_mean_of_the_groups_with_answers(assessment):
    first, second = assessment.groups[0], assessment.groups[1]
    q1, q2 = first.questions[0], second.questions[0]
    middle = sorted(q2.options, key=lambda o: o.points or 0)[len(q2.options) // 2]
    answers = with_consent(assessment, **{q1.id: best(q1), q2.id: middle.id})
    live = live_progress(assessment, answers)
    expected = round_half_up((1 + Fraction(middle.points or 0, q2.max_points)) / 2 * 100)
    assert live["overall"] == expected
    assert live["overall_band_id"] == band_for(expected).id
    assert live["chart_scores"][first.id] == 100
    assert live["chart_scores"][assessment.groups[4].id] == 0  # no answer yet: drawn at 0


def test_a_finished_check_shows_exactly_its_result(assessment):
    for pick in ("max", "min"):
        answers = all_answers(assessment, pick=pick)
        result = score(assessment, answers)
        live = live_progress(assessment, answers, stored=True)
        assert {g["id"]: g["score"] for g in live["groups"]} == result.scores
        assert live["overall"] == result.overall
        assert live["overall_band_id"] == result.band.id
        assert live["completed"] is True and live["answered"] == live["total"]


def test_intake_answers_show_their_labels_as_they_come(assessment):
    job, diploma = assessment.intake[0], assessment.intake[1]
    answers = with_consent(assessment, **{job.id: job.options[1].id})
    intake = live_progress(assessment, answers)["intake"]
    assert [item["id"] for item in intake] == [q.id for q in assessment.intake]
    assert intake[0]["answer"] == job.options[1].label
    assert intake[0]["topic"] == job.topic[:1].upper() + job.topic[1:]
    assert intake[1]["answer"] is None and intake[1]["topic"].lower() == diploma.topic.lower()


def test_consent_yes_no_and_not_yet(assessment):
    assert live_progress(assessment, {}, stored=True)["consent"] == "ja"
    assert live_progress(assessment, {assessment.consent.id: "ja"})["consent"] == "ja"
    assert live_progress(assessment, {assessment.consent.id: "nee"})["consent"] == "nee"
    nothing = live_progress(assessment, {})
    assert nothing["consent"] is None and nothing["stored"] is False
    assert nothing["overall"] is None and nothing["current_question"] is None


def test_the_page_recognises_the_bots_words_after_no_to_storing():
    """After "nee" nothing is stored; live.js reads the bot's reply in the chat instead."""
    phrase = re.search(r'var NOT_STORED = "([^"]+)"', LIVE_JS.read_text()).group(1)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    texts = [r["text"] for r in domain["responses"]["utter_not_stored"]]
    assert texts and all(phrase in text.lower() for text in texts)


# --- in-process requests ----------------------------------------------------------


@pytest.fixture
async def demo_client(isolated_runtime, clock):
    runtime.store().clock = clock
    AdviserAccounts(runtime.store()).add("demo", PASSWORD)
    async with await _client(make_app(demo=True)) as client:
        await login(client, username="demo")
        yield client


def store_answers(assessment: Assessment, sender: str, answers: dict[str, str]) -> str:
    """Store a check as the bot does with consent: the consent answer first, then each answer."""
    store, assessment_id = runtime.store(), f"{sender[:30]}id"
    store.start_assessment(assessment_id, runtime.person_for(sender), assessment.version)
    for question_id, option_id in answers.items():
        option = assessment.question(question_id).option(option_id)
        store.record_answer(assessment_id, question_id, option_id, option.points)
    return assessment_id


async def live_json(client, sender: str = SENDER) -> dict:
    response = await client.get(f"/adviseur/live.json?sessie={sender}")
    assert response.status == 200
    return await response.json()


async def test_live_json_shows_intake_bands_and_overall_of_a_stored_check(demo_client, assessment):
    job = assessment.intake[0]
    group = assessment.groups[0]
    answers = with_consent(
        assessment,
        **{q.id: q.options[0].id for q in assessment.intake},
        **{q.id: best(q) for q in group.questions},
    )
    store_answers(assessment, SENDER, answers)
    progress = (await live_json(demo_client))["progress"]
    assert progress["consent"] == "ja" and progress["stored"] is True
    assert progress["intake"][0] == {
        "id": job.id,
        "topic": job.topic[:1].upper() + job.topic[1:],
        "answer": job.options[0].label,
    }
    assert progress["groups"][0]["band_id"] == "sterk" and progress["groups"][0]["score"] == 100
    assert progress["overall"] == 100 and progress["overall_band"] == "sterk"
    assert progress["current_question"] == len(assessment.intake) + len(group.questions) + 1


async def test_live_json_of_a_chat_with_nothing_stored_shows_nothing(demo_client, assessment):
    """No consent (or not yet): no rows, so no answers, scores or consent to show."""
    progress = (await live_json(demo_client))["progress"]
    assert progress["consent"] is None and progress["stored"] is False
    assert progress["overall"] is None and progress["answered"] == 0
    assert all(item["answer"] is None for item in progress["intake"])
    assert all(g["score"] is None for g in progress["groups"])


async def test_live_json_after_consent_is_withdrawn_shows_nothing(demo_client, assessment):
    """Going back to the consent question and saying no deletes the check's rows."""
    first = assessment.groups[0].questions[0]
    assessment_id = store_answers(
        assessment, SENDER, with_consent(assessment, **{first.id: best(first)})
    )
    assert (await live_json(demo_client))["progress"]["overall"] == 100
    runtime.store().delete_assessment(assessment_id)
    progress = (await live_json(demo_client))["progress"]
    assert progress["consent"] is None and progress["overall"] is None


async def test_the_chart_endpoint_draws_the_scores_so_far(demo_client, assessment):
    first = assessment.groups[0].questions[0]
    store_answers(assessment, SENDER, with_consent(assessment, **{first.id: best(first)}))
    progress = (await live_json(demo_client))["progress"]
    query = "&".join(f"{k}={v}" for k, v in progress["chart_scores"].items())
    chart = await demo_client.get(
        f"/api/chart.svg?{query}&overall={progress['overall']}&routes=&w=320"
    )
    assert chart.status == 200 and chart.content_type == "image/svg+xml"
    assert b"<svg" in await chart.read()


async def test_the_live_page_has_the_new_demo_button_and_its_own_styles(demo_client):
    html = await (await demo_client.get("/adviseur/live")).text()
    assert re.search(r'<button type="button" id="live-new"[^>]*>Nieuwe demo</button>', html)
    assert 'href="/widget/live.css"' in html and 'src="/widget/live.js"' in html
    assert (await demo_client.get("/widget/live.css")).status == 200
    assert "Nee, niet bewaren" in html  # the no-consent notice, shown by live.js
