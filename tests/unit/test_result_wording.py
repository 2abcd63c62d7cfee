"""Wording that fits the score (issue 17): strengths, a score of 0, the privacy link, PDF dates.

A person with 56 and 48 as highest scores was told "Hier ben je sterk in"; a
group score of 0 was shown as a bare number; the chat's privacy link pointed at
port 8000 while the demo ran on 8300; the PDF showed the print date only.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pypdf import PdfReader
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.start_check import ActionStartCheck
from bot import runtime
from bot.adviser.accounts import AdviserAccounts
from bot.check.assessment import Assessment
from bot.config import Settings
from bot.conversation.messages import advice_reasons_text, view_text
from bot.conversation.save_result import evaluate
from bot.result.pdf import completion_date, report_pdf
from bot.result.view import (
    RELATIVE_HEADING,
    RELATIVE_STRENGTH,
    STRONG_HEADING,
    ZERO_SCORE_WORDS,
    ResultView,
    view_from_scores,
)
from bot.web.app import WebConfig, create_app
from tests.conftest import ROOT, TEST_EPOCH, all_answers
from tests.unit.test_adviser_web import PASSWORD, _client, completed_check, login

TODAY = TEST_EPOCH.date()


def view_of(assessment: Assessment, **scores: int) -> ResultView:
    given = {g.id: scores.get(g.id, 20) for g in assessment.groups}
    return view_from_scores(assessment, given, round(sum(given.values()) / len(given)))


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def pdf_of(
    assessment: Assessment,
    view: ResultView,
    completed_on: date | None = None,
    share_code: str = "",
) -> str:
    content = runtime.advice_content()
    return pdf_text(report_pdf(assessment, content, view, TODAY, (), completed_on, share_code))


# --- Strengths: only sterk and goed are called strong ------------------------------


def test_56_and_48_are_the_highest_not_a_strength_in_chat_and_pdf(assessment):
    view = view_of(assessment, communicatief=56, commercieel=48)
    comm, comm_group = assessment.group("communicatief"), assessment.group("commercieel")
    assert [g.id for g in view.strengths] == ["communicatief", "commercieel"]
    assert view.strengths_heading == RELATIVE_HEADING == "Hier ben je het sterkst"

    chat = view_text(view)
    assert STRONG_HEADING not in chat
    assert f"Hier ben je het sterkst:\n- {comm.short}\n- {comm_group.short}\n" in chat
    # The group's own sentence ("Je luistert goed ...") would call it a strength.
    assert comm.strength not in chat and RELATIVE_STRENGTH in chat

    pdf = pdf_of(assessment, view)
    assert STRONG_HEADING not in pdf and "Hier ben je het sterkst" in pdf
    assert comm.strength not in pdf
    assert f"- {comm.short} - {comm_group.short} {RELATIVE_STRENGTH}" in pdf


def test_two_strong_groups_keep_hier_ben_je_sterk_in_and_their_sentences(assessment):
    view = view_of(assessment, communicatief=85, analytisch=60)
    comm, ana = assessment.group("communicatief"), assessment.group("analytisch")
    assert view.strengths_heading == STRONG_HEADING
    chat = view_text(view)
    assert f"Hier ben je sterk in:\n- {comm.short}\n- {ana.short}\n{comm.strength}" in chat
    pdf = pdf_of(assessment, view)
    assert f"- {comm.short}: {comm.strength}" in pdf and f"- {ana.short}: {ana.strength}" in pdf
    assert RELATIVE_HEADING not in pdf


def test_one_strong_and_one_redelijk_is_worded_as_relative(assessment):
    view = view_of(assessment, communicatief=72, commercieel=48)
    comm, com = assessment.group("communicatief"), assessment.group("commercieel")
    assert view.strengths_heading == RELATIVE_HEADING
    # The strong one keeps its own sentence, the "redelijk" one is never called strong.
    assert view.strength_text(comm) == comm.strength
    assert view.strength_text(com) == RELATIVE_STRENGTH
    pdf = pdf_of(assessment, view)
    assert f"- {comm.short}: {comm.strength}" in pdf and com.strength not in pdf


@pytest.mark.parametrize(("second", "heading"), [(60, STRONG_HEADING), (59, RELATIVE_HEADING)])
def test_the_line_is_the_band_goed_at_60(assessment, second, heading):
    assert view_of(assessment, communicatief=90, analytisch=second).strengths_heading == heading


def test_all_lowest_answers_never_say_sterk_in(assessment):
    result, _ = evaluate(assessment, runtime.advice_content(), all_answers(assessment, "min"))
    view = view_from_scores(assessment, result.scores, result.overall)
    assert STRONG_HEADING not in view_text(view)


# --- A score of 0 in words -----------------------------------------------------------


def test_a_group_score_of_0_is_said_kindly_in_chat_and_pdf(assessment):
    view = view_of(assessment, communicatief=80, analytisch=70, commercieel=0)
    com = assessment.group("commercieel")
    chat = view_text(view)
    assert f"- Service en verkoop (commercieel): {ZERO_SCORE_WORDS}" in chat
    assert "): 0 (" not in chat
    pdf = pdf_of(assessment, view)
    assert f"{com.name}: {ZERO_SCORE_WORDS}" in pdf
    assert not re.search(r"(?<!\d)0 van de 100", pdf)
    # Other scores keep their number and word.
    assert "- Contact met mensen (communicatief en sociaal vaardig): 80 (sterk)" in chat


def test_the_hospitality_persona_with_0_for_a_group_hears_no_bare_0(assessment):
    """Hospitality work, all best answers but none for typing and spelling."""
    content = runtime.advice_content()
    answers = all_answers(assessment, "max")
    answers["beroep"] = "horeca"
    for question in assessment.group("administratief").questions:
        answers[question.id] = min(question.options, key=lambda o: o.points or 0).id
    result, advice = evaluate(assessment, content, answers)
    assert result.scores["administratief"] == 0
    reasons = advice_reasons_text(content, advice)
    assert " is 0" not in reasons and "0 van" not in reasons
    assert "bij typen, spelling en nauwkeurig werken sta je nog aan het begin" in reasons.lower()
    chat = view_text(view_from_scores(assessment, result.scores, result.overall))
    assert ZERO_SCORE_WORDS in chat and "): 0 (" not in chat


# --- The privacy link follows the configured address ---------------------------------


def test_the_privacy_link_follows_the_web_port_when_no_public_address_is_set():
    assert Settings.from_env({"WEB_PORT": "8300"}).privacy_url == "http://127.0.0.1:8300/privacy"
    settings = Settings.from_env({})
    assert settings.privacy_url == "http://127.0.0.1:8000/privacy"
    assert replace(settings, web_port=8300).privacy_url == "http://127.0.0.1:8300/privacy"
    # A wildcard bind address is this machine; IPv6 goes in brackets.
    wildcard = {"WEB_HOST": "0.0.0.0", "WEB_PORT": "8300"}  # noqa: S104 (a bind address)
    assert Settings.from_env(wildcard).web_url == "http://127.0.0.1:8300"
    assert Settings.from_env({"WEB_HOST": "::1"}).web_url == "http://[::1]:8000"
    # KC_PUBLIC_WEB_URL wins; an empty one means unset.
    public = Settings.from_env({"KC_PUBLIC_WEB_URL": "https://kc.example.nl/", "WEB_PORT": "8300"})
    assert public.privacy_url == "https://kc.example.nl/privacy"
    assert Settings.from_env({"KC_PUBLIC_WEB_URL": ""}).privacy_url.endswith(":8000/privacy")


@pytest.fixture
def port_8300(isolated_runtime, monkeypatch):
    monkeypatch.delenv("KC_PUBLIC_WEB_URL", raising=False)
    monkeypatch.delenv("WEB_HOST", raising=False)
    monkeypatch.setenv("WEB_PORT", "8300")
    runtime.reset()  # isolated_runtime resets again afterwards


async def test_the_chat_and_the_demo_page_link_to_the_privacy_page_on_8300(port_8300):
    dispatcher = CollectingDispatcher()
    tracker = Tracker("s1", {}, {}, [], False, None, {}, "action_listen")
    await ActionStartCheck().run(dispatcher, tracker, {})
    assert dispatcher.messages[1]["privacy_url"] == "http://127.0.0.1:8300/privacy"

    app = create_app(
        WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=ROOT / "node_modules")
    )
    async with TestClient(TestServer(app)) as client:
        index = await (await client.get("/")).text()
    # The widget links the bot's privacy URL only when it is exactly this one.
    assert 'data-privacy-url="http://127.0.0.1:8300/privacy"' in index


# --- The PDF: completion date and, for the adviser, the share code --------------------


def test_the_job_seekers_pdf_says_it_is_the_day_it_was_made(assessment):
    text = pdf_of(assessment, view_of(assessment, communicatief=80))
    assert "Rapport gemaakt op: 28-11-2026" in text
    assert "Check afgerond op" not in text and "Deelcode" not in text


def test_the_advisers_pdf_has_the_completion_date_and_the_share_code(assessment):
    view = view_of(assessment, communicatief=80)
    text = pdf_of(assessment, view, completed_on=date(2026, 11, 20), share_code="K7QM-4TZD")
    assert "Check afgerond op: 20-11-2026" in text and "Deelcode: K7QM-4TZD" in text
    assert "28-11-2026" not in text and "Rapport gemaakt op" not in text


def test_the_completion_date_is_the_dutch_day():
    # 23:30 UTC on 28 November is already 29 November in the Netherlands.
    assert completion_date("2026-11-28T23:30:00+00:00") == date(2026, 11, 29)
    assert completion_date("2026-11-28T10:00:00+00:00") == date(2026, 11, 28)


async def test_the_adviser_report_pdf_shows_the_stored_completion_day(
    isolated_runtime, clock, assessment
):
    clock.moment = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    runtime.store().clock = clock
    AdviserAccounts(runtime.store()).add("jdevries", PASSWORD)
    code = completed_check(assessment)
    clock.advance(days=8)  # the adviser opens it a week later
    async with await _client(
        create_app(WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=ROOT / "node_modules"))
    ) as client:
        await login(client)
        response = await client.get(f"/adviseur/rapport/{code}/rapport.pdf")
        assert response.status == 200
        text = pdf_text(await response.read())
    assert "Check afgerond op: 20-11-2026" in text and f"Deelcode: {code}" in text


@pytest.mark.parametrize(
    ("pick", "heading"), [("max", "Hier ben je sterk in"), ("min", "Hier ben je het sterkst")]
)
async def test_the_adviser_report_page_words_strengths_like_the_chat(
    isolated_runtime, clock, assessment, pick, heading
):
    runtime.store().clock = clock
    AdviserAccounts(runtime.store()).add("jdevries", PASSWORD)
    code = completed_check(assessment, pick=pick)
    async with await _client(
        create_app(WebConfig(rasa_url="http://127.0.0.1:5005", node_modules=ROOT / "node_modules"))
    ) as client:
        await login(client)
        data = await (await client.get(f"/adviseur/rapport/{code}.json")).json()
        html = await (await client.get(f"/adviseur/rapport/{code}")).text()
    assert data["strengths_heading"] == heading
    assert f"{heading}: " in html and "Sterk in:" not in html
