"""The one result view: its ranking and limits, and every channel showing the same."""

from __future__ import annotations

import io
from dataclasses import replace
from urllib.parse import parse_qsl

import pytest
from pypdf import PdfReader

from bot import runtime
from bot.advice.rules import Advice, AdviceContent, load_advice
from bot.adviser.client_report import build_adviser_report
from bot.check.assessment import Assessment
from bot.check.scoring import group_fraction
from bot.conversation.messages import advice_full_text, advice_text, result_payload, result_text
from bot.conversation.save_result import evaluate
from bot.result.pdf import build_report_pdf
from bot.result.view import (
    DEVELOP_SHOWN,
    NO_FITTING_ROUTE,
    STRENGTHS_SHOWN,
    TOP_ROUTES,
    ranking,
    result_view,
    route_views,
    view_from_scores,
)
from bot.storage.results_store import StoredResult
from bot.web.app import parse_view, result_card, result_query
from tests.conftest import TEST_EPOCH, all_answers

TODAY = TEST_EPOCH.date()


def scores_of(assessment: Assessment, **given: int) -> dict[str, int]:
    return {g.id: given.get(g.id, 100) for g in assessment.groups}


def test_strengths_are_the_highest_two_and_develop_at_most_two(assessment):
    scores = scores_of(
        assessment, communicatief=90, analytisch=30, schakelen=20, commercieel=95, administratief=10
    )
    shown = ranking(assessment, scores)
    assert shown.strengths == ("commercieel", "communicatief")
    # Three groups are under 60; only the lowest two are shown, lowest first.
    assert shown.develop == ("administratief", "schakelen")
    assert len(shown.strengths) == STRENGTHS_SHOWN and len(shown.develop) == DEVELOP_SHOWN


def test_a_tie_in_the_shown_scores_goes_to_the_first_group_in_the_report(assessment):
    scores = scores_of(
        assessment, communicatief=81, analytisch=90, schakelen=81, commercieel=40, administratief=30
    )
    assert ranking(assessment, scores).strengths == ("analytisch", "communicatief")


def test_with_no_group_under_60_the_lowest_group_is_the_one_to_grow_in(assessment):
    shown = ranking(assessment, scores_of(assessment, schakelen=70, administratief=70))
    assert shown.develop == ("administratief",)


def test_view_keeps_routes_in_order_with_their_reasons(assessment):
    content = runtime.advice_content()
    answers = all_answers(assessment, "min")
    result, advice = evaluate(assessment, content, answers)
    view = result_view(assessment, content, result, advice)
    assert advice.routes
    assert [r.id for r in view.routes] == advice.route_ids
    assert [r.reasons for r in view.routes] == [item.reasons for item in advice.routes]
    shown = advice_text(content, advice)
    assert all(f"{n}. {r.name}:" in shown for n, r in enumerate(view.routes[:TOP_ROUTES], 1))
    assert f"{TOP_ROUTES + 1}. " not in shown


def test_a_route_the_content_no_longer_has_is_named_by_its_id():
    (route,) = route_views(runtime.advice_content(), ["oude_route"])
    assert (route.name, route.known, route.what) == ("oude_route", False, "")


def test_no_fitting_route_says_the_same_in_chat_and_pdf(assessment):
    content = runtime.advice_content()
    nothing = Advice(routes=(), roles=(), related_work=None, practical=())
    assert NO_FITTING_ROUTE in advice_text(content, nothing)
    assert NO_FITTING_ROUTE in advice_full_text(content, nothing)
    pdf = build_report_pdf(assessment, content, scores_of(assessment), 100, [], today=TODAY)
    assert NO_FITTING_ROUTE in " ".join(pdf_text(pdf).split())


# --- Every channel names the same strengths and points to develop -------------------


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def chat_named(text: str, heading: str) -> list[str]:
    section = text.split(f"{heading}:\n", 1)[1].split("\n\n", 1)[0]
    return [line[2:] for line in section.splitlines() if line.startswith("- ")]


def pdf_named(assessment: Assessment, text: str, heading: str, end: str) -> list[str]:
    section = " ".join(text.split(heading, 1)[1].split(end, 1)[0].split())
    # "- short: sentence", or "- short" alone when the strengths are only the highest.
    found = [(section.find(f"- {g.short}"), g.short) for g in assessment.groups]
    return [short for at, short in sorted(found) if at >= 0]


def every_channel(
    assessment: Assessment, content: AdviceContent, answers: dict[str, str]
) -> dict[str, tuple[list[str], list[str]]]:
    """(strengths, develop) as the chat, the PDF, the result card and the adviser name them."""
    result, advice = evaluate(assessment, content, answers)
    chat = result_text(assessment, result)
    payload = result_payload(result, advice.route_ids)
    # The browser builds the card's query string from the result message.
    query = dict(parse_qsl(result_query(payload["scores"], payload["overall"], payload["routes"])))
    card = result_card(assessment, parse_view(query, assessment, content))
    pdf = pdf_text(
        build_report_pdf(
            assessment, content, payload["scores"], payload["overall"], payload["routes"],
            today=TODAY,
        )
    )  # fmt: skip
    stored = StoredResult(
        assessment_id="a1", started_at="2026-11-28T10:00:00+00:00", consent_at=None,
        completed_at="2026-11-28T10:10:00+00:00", scores=dict(result.scores),
        overall=result.overall, routes=list(advice.route_ids), answers=dict(answers),
    )  # fmt: skip
    report = build_adviser_report(assessment, content, stored, "K7QM4TZD").data
    # "Hier ben je sterk in" or "Hier ben je het sterkst": tests/unit/test_result_wording.py.
    strong = view_from_scores(assessment, result.scores, result.overall).strengths_heading
    return {
        "chat": (
            chat_named(chat, strong),
            chat_named(chat, "Hier kun je nog in groeien"),
        ),
        "pdf": (
            pdf_named(assessment, pdf, strong, "Hier kun je nog in groeien"),
            pdf_named(assessment, pdf, "Hier kun je nog in groeien", "Advies:"),
        ),
        "card": (card["strengths"], card["develop"]),
        "adviser": (report["strengths"], report["develop"]),
    }


def mixed_answers(assessment: Assessment) -> dict[str, str]:
    answers = all_answers(assessment, "max")
    answers.update(adm_adres="snel_intypen", adm_mail="collega_laten_doen", com_kans="tips")
    answers.update(sch_tegelijk="soms", sch_druk="niet", ana_kern="wel")
    return answers


@pytest.mark.parametrize("pick", ["max", "min", "mixed"])
def test_every_channel_names_the_same_strengths_and_develop(assessment, pick):
    content = runtime.advice_content()
    answers = mixed_answers(assessment) if pick == "mixed" else all_answers(assessment, pick)
    named = every_channel(assessment, content, answers)
    result, _ = evaluate(assessment, content, answers)
    expected = ranking(assessment, result.scores)
    shorts = {g.id: g.short for g in assessment.groups}
    want = ([shorts[g] for g in expected.strengths], [shorts[g] for g in expected.develop])
    assert named == dict.fromkeys(named, want)


def without_one_switching_question() -> Assessment:
    """The check after a content change: snel schakelen loses its question sch_wisselen.

    With three questions its exact score can round to the same whole number as a
    four-question group while lying above it, which today's content never gives.
    """
    real = runtime.assessment()
    groups = tuple(
        replace(g, questions=tuple(q for q in g.questions if q.id != "sch_wisselen"))
        for g in real.groups
    )
    return Assessment(real.consent, real.intake, groups, real.version, real.source)


def tie_answers(assessment: Assessment, others: str) -> dict[str, str]:
    """communicatief 68.75 and schakelen 69.44, both shown as 69; analytisch at 100."""
    answers = all_answers(assessment, others)
    answers.update(ana_kern="helemaal", ana_uitzoeken="helemaal")
    answers.update(ana_twee_vragen="allebei", ana_niet_weten="uitzoeken")
    answers.update(comm_luisteren="wel", comm_mensen="helemaal")
    answers.update(comm_boze_klant="uitpraten", comm_uitleggen="familie")
    answers.update(sch_tegelijk="wel", sch_druk="helemaal", sch_wachtrij="afraffelen")
    answers.pop("sch_wisselen", None)
    return answers


@pytest.mark.parametrize(
    ("others", "strengths", "develop"),
    [
        # analytisch, commercieel and administratief at 0: the second strength is the tie.
        ("min", ["analytisch", "communicatief"], None),
        # The rest at 100: the one point to grow in is the tie.
        ("max", None, ["schakelen"]),
    ],
)
def test_a_tie_that_exact_fractions_would_break_the_other_way(others, strengths, develop):
    assessment = without_one_switching_question()
    content = load_advice(assessment)
    answers = tie_answers(assessment, others)
    comm, switch = assessment.group("communicatief"), assessment.group("schakelen")
    exact_comm = group_fraction(comm, answers) * 100
    exact_switch = group_fraction(switch, answers) * 100
    assert exact_comm < exact_switch  # exact: snel schakelen is higher
    result, _ = evaluate(assessment, content, answers)
    assert result.scores["communicatief"] == result.scores["schakelen"] == 69
    # The scored Result ranks the same way as every view of it.
    assert result.strengths[:STRENGTHS_SHOWN] == ranking(assessment, result.scores).strengths
    named = every_channel(assessment, content, answers)
    shorts = {g.id: g.short for g in assessment.groups}
    if strengths is not None:
        # Rounded: a tie, so communicatief (first in the report) is the strength.
        assert named["chat"][0] == [shorts[g] for g in strengths]
    if develop is not None:
        # Rounded: a tie, so the later group, schakelen, is the lowest.
        assert named["chat"][1] == [shorts[g] for g in develop]
    assert named == dict.fromkeys(named, named["chat"])
