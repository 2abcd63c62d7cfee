"""The PDF report a job seeker can take home (fpdf2, real text).

Built from the result message alone (scores, overall, routes), so the web
app needs no stored personal data to make it. It renders the same result
view as the chat and the result card (bot/result/view.py).

The date at the top says what it is: the day the check was finished when the
caller knows it (the adviser's copy, from the stored result), else the day
this PDF was made (the job seeker's copy, from the query string alone).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.advice.rules import AdviceContent
from bot.check.assessment import Assessment
from bot.clock import today as clock_today
from bot.result.chart import alt_text, render_radar_png
from bot.result.view import (
    NO_FITTING_ROUTE,
    RELATIVE_STRENGTH,
    ZERO_SCORE_WORDS,
    ResultView,
    route_views,
    view_from_scores,
)

#: The chart's width on the page; its text is then about 11 pt, above the 10 pt body text.
CHART_MM = 90
FONT_DIR_HINT = "matplotlib/mpl-data/fonts/ttf"
PRIVACY_NOTE = (
    "Dit rapport is een verkenning, geen test en geen sollicitatie. Het is van jou: "
    "jij bepaalt met wie je het deelt. Er staat geen naam of telefoonnummer in."
)


def completion_date(completed_at: str) -> date:
    """The day a stored check was finished (ISO time in UTC), as a Dutch reader counts days."""
    moment = datetime.fromisoformat(completed_at)
    try:
        return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()
    except ZoneInfoNotFoundError:  # no time zone data on this machine
        return moment.astimezone(timezone.utc).date()


def _dutch_day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _font_path(name: str) -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


def build_report_pdf(
    assessment: Assessment,
    content: AdviceContent,
    scores: Mapping[str, int],
    overall: int,
    routes: list[str],
    today: date | None = None,
    answers: Sequence[tuple[str, str]] = (),
    completed_on: date | None = None,
    share_code: str = "",
) -> bytes:
    """The report for a result given as scores, overall and route ids."""
    view = view_from_scores(assessment, scores, overall, route_views(content, routes))
    return report_pdf(assessment, content, view, today, answers, completed_on, share_code)


def report_pdf(
    assessment: Assessment,
    content: AdviceContent,
    view: ResultView,
    today: date | None = None,
    answers: Sequence[tuple[str, str]] = (),
    completed_on: date | None = None,
    share_code: str = "",
) -> bytes:
    """A one- or two-page Dutch PDF with chart, scores, strengths and routes.

    The adviser's copy also lists each question with the answer given, the day the
    check was finished and its share code. All text is left-aligned, never
    justified: even word gaps read easier.
    """
    from fpdf import FPDF

    today = today or clock_today()
    pdf = FPDF(format="A4")
    pdf.set_title("Klantcontact-check: jouw rapport")
    pdf.set_author("Klantcontact-check")
    pdf.add_font("DejaVu", "", str(_font_path("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(_font_path("DejaVuSans-Bold.ttf")))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: int = 13) -> None:
        if pdf.will_page_break(7 + 3 * 5.5):  # a heading never ends a page alone
            pdf.add_page()
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 7, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1)

    def line(text: str, size: int = 10) -> None:
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(width, 5.5, text, new_x="LMARGIN", new_y="NEXT", align="L")

    heading("Klantcontact-check: jouw rapport", 16)
    if completed_on is not None:
        line(f"Check afgerond op: {_dutch_day(completed_on)}")
    else:
        line(f"Rapport gemaakt op: {_dutch_day(today)}")
    if share_code:
        line(f"Deelcode: {share_code}")
    pdf.ln(2)
    line(f"{view.band.overall_words} Je totaalscore is {view.overall} van de 100.", 11)
    scores = view.scores
    chart = io.BytesIO(render_radar_png(assessment, scores, dpi=150))
    pdf.image(
        chart,
        w=CHART_MM,
        x=(pdf.w - CHART_MM) / 2,
        alt_text=alt_text(assessment, scores, view.overall),
    )
    heading("Je scores")
    for item in view.groups:
        words = (
            ZERO_SCORE_WORDS
            if item.is_zero
            else f"{item.score} van de 100 ({item.band.group_words})"
        )
        line(f"{item.group.name}: {words}")
    pdf.ln(2)
    heading(view.strengths_heading)
    for group in view.strengths:
        said = view.strength_text(group)
        line(f"- {group.short}" if said == RELATIVE_STRENGTH else f"- {group.short}: {said}")
    if not view.strengths_strong:  # said once under the list, as in the chat
        line(RELATIVE_STRENGTH)
    pdf.ln(2)
    heading("Hier kun je nog in groeien")
    for group in view.develop:
        line(f"- {group.short}: {group.develop}")
    pdf.ln(2)
    heading("Advies: opleidingen en cursussen")
    for route in view.routes:
        if not route.known:  # a route the content no longer has: nothing to say about it
            continue
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(width, 5.5, route.name, new_x="LMARGIN", new_y="NEXT", align="L")
        line(f"{route.what} {route.practical}")
        if route.link:
            pdf.set_font("DejaVu", "", 10)
            pdf.cell(width, 5.5, route.link, link=route.link, new_x="LMARGIN", new_y="NEXT")
        line(f"Bron: {route.source}")
        pdf.ln(1)
    if not view.routes:
        line(NO_FITTING_ROUTE)
    if answers:
        pdf.ln(2)
        heading("Je antwoorden")
        for question, answer in answers:
            pdf.set_font("DejaVu", "B", 9)
            pdf.multi_cell(width, 5, question, new_x="LMARGIN", new_y="NEXT", align="L")
            line(f"Antwoord: {answer}", 9)
    pdf.ln(2)
    heading("Over dit rapport")
    line(PRIVACY_NOTE)
    line(content.adviser)
    return bytes(pdf.output())
